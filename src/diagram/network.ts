// What the network tier's templates say about subnets: their AZ, their CIDR (for the VpcCidr default)
// and their tier, which is read off the routes rather than the names: a default route to an internet
// gateway makes a subnet public, one to a NAT makes it private, none makes it isolated.
import { formatAddress, parseCidr } from '../params/cidr.js';
import {
  defaultText,
  allResources,
  refKey,
  resolve,
  resolveResources,
  resourceAt,
  templateOf,
  type ResourceRef,
} from './resolve.js';
import type { TemplateSet } from './templates.js';

export type SubnetTier = 'public' | 'private' | 'isolated';
export const SUBNET_TIERS: readonly SubnetTier[] = ['public', 'private', 'isolated'];

export interface SubnetInfo {
  ref: ResourceRef;
  tier: SubnetTier;
  /** 1-based position in Fn::GetAZs. */
  az: number;
  /** With the VpcCidr default. */
  cidr: string;
  /** Where its 0.0.0.0/0 route goes (internet gateway, NAT gateways, NAT instance), all branches of Fn::If. */
  defaultRoute: ResourceRef[];
}

export interface VpcInfo {
  ref: ResourceRef;
  cidr: string;
  /** The root parameter the CIDR comes from, if any. */
  parameter: string | undefined;
}

const ROUTE_TARGET_PROPERTIES = [
  'GatewayId',
  'NatGatewayId',
  'InstanceId',
  'NetworkInterfaceId',
  'TransitGatewayId',
];

export function findVpc(set: TemplateSet): VpcInfo {
  const vpcs = allResources(set).filter((r) => r.resource.Type === 'AWS::EC2::VPC');
  const [vpc] = vpcs;
  if (!vpc || vpcs.length > 1)
    throw new Error(`expected one AWS::EC2::VPC in the templates, found ${vpcs.length}`);
  const block = vpc.resource.Properties?.['CidrBlock'];
  const parameter = resolve(set, vpc.stack, block).find((t) => t.kind === 'parameter');
  return {
    ref: { stack: vpc.stack, id: vpc.id },
    cidr: evaluateCidr(set, vpc.stack, block),
    parameter: parameter?.kind === 'parameter' ? parameter.name : undefined,
  };
}

export function findSubnets(set: TemplateSet): SubnetInfo[] {
  const resources = allResources(set);
  const tableOf = new Map<string, ResourceRef>();
  for (const association of resources.filter(
    (r) => r.resource.Type === 'AWS::EC2::SubnetRouteTableAssociation',
  )) {
    const [subnet] = resolveResources(set, association.stack, association.resource.Properties?.['SubnetId']);
    const [table] = resolveResources(
      set,
      association.stack,
      association.resource.Properties?.['RouteTableId'],
    );
    if (subnet && table) tableOf.set(refKey(subnet), table);
  }
  const defaultRoutes = new Map<string, ResourceRef[]>();
  for (const route of resources.filter((r) => r.resource.Type === 'AWS::EC2::Route')) {
    if (route.resource.Properties?.['DestinationCidrBlock'] !== '0.0.0.0/0') continue;
    const [table] = resolveResources(set, route.stack, route.resource.Properties['RouteTableId']);
    const targets = ROUTE_TARGET_PROPERTIES.flatMap((name) =>
      resolveResources(set, route.stack, route.resource.Properties?.[name]),
    );
    if (table) defaultRoutes.set(refKey(table), targets);
  }
  return resources
    .filter((r) => r.resource.Type === 'AWS::EC2::Subnet')
    .map(({ stack, id, resource }) => {
      const ref = { stack, id };
      const table = tableOf.get(refKey(ref));
      const defaultRoute = (table && defaultRoutes.get(refKey(table))) ?? [];
      return {
        ref,
        tier: tierOf(set, defaultRoute),
        az: azIndex(resource.Properties?.['AvailabilityZone']) + 1,
        cidr: evaluateCidr(set, stack, resource.Properties?.['CidrBlock']),
        defaultRoute,
      };
    });
}

function tierOf(set: TemplateSet, defaultRoute: ResourceRef[]): SubnetTier {
  const types = defaultRoute.map((target) => resourceAt(set, target)?.Type);
  if (types.includes('AWS::EC2::InternetGateway')) return 'public';
  return defaultRoute.length > 0 ? 'private' : 'isolated';
}

function azIndex(value: unknown): number {
  const select = (value as { 'Fn::Select'?: unknown } | undefined)?.['Fn::Select'];
  if (Array.isArray(select) && typeof select[0] === 'number') return select[0];
  throw new Error(`AvailabilityZone is not Fn::Select of Fn::GetAZs: ${JSON.stringify(value)}`);
}

/** Evaluates a CIDR expression with the root parameters' defaults (literal, Ref, GetAtt CidrBlock, Fn::Select of Fn::Cidr). */
export function evaluateCidr(set: TemplateSet, stack: string, value: unknown): string {
  if (typeof value === 'string') return value;
  const select = (value as { 'Fn::Select'?: unknown })['Fn::Select'];
  if (Array.isArray(select)) {
    const cidrArgs = (select[1] as { 'Fn::Cidr'?: unknown } | undefined)?.['Fn::Cidr'];
    if (typeof select[0] === 'number' && Array.isArray(cidrArgs)) {
      const block = parseCidr(evaluateCidr(set, stack, cidrArgs[0]));
      const bits = Number(cidrArgs[2]);
      if (typeof block === 'string') throw new Error(block);
      return `${formatAddress(block.network + select[0] * 2 ** bits)}/${32 - bits}`;
    }
  }
  const [target] = resolve(set, stack, value);
  if (target?.kind === 'literal') return target.value;
  if (target?.kind === 'parameter') return defaultText(set.root.Parameters?.[target.name]?.Default);
  if (target?.kind === 'resource') {
    return evaluateCidr(
      set,
      target.stack,
      templateOf(set, target.stack).Resources[target.id]?.Properties?.['CidrBlock'],
    );
  }
  throw new Error(`${stack}: cannot evaluate CIDR ${JSON.stringify(value)}`);
}
