// Where a resource sits (subnets) and which security groups it wears, per resource type. This is the
// one piece of per-type knowledge: which properties hold subnets and security groups.
import { resolveResources, resourceAt, type ResourceRef } from './resolve.js';
import type { CfnResource, TemplateSet } from './templates.js';

export interface Placement {
  subnets: ResourceRef[];
  securityGroups: ResourceRef[];
}

type Properties = Record<string, unknown>;

function path(properties: Properties, ...keys: string[]): unknown {
  let value: unknown = properties;
  for (const key of keys)
    value = typeof value === 'object' && value !== null ? (value as Properties)[key] : undefined;
  return value;
}

const PLACEMENT: Record<string, (set: TemplateSet, stack: string, properties: Properties) => Placement> = {
  'AWS::ElasticLoadBalancingV2::LoadBalancer': (set, stack, p) => ({
    subnets: resolveResources(set, stack, p['Subnets']),
    securityGroups: resolveResources(set, stack, p['SecurityGroups']),
  }),
  'AWS::ECS::Service': (set, stack, p) => ({
    subnets: resolveResources(set, stack, path(p, 'NetworkConfiguration', 'AwsvpcConfiguration', 'Subnets')),
    securityGroups: resolveResources(
      set,
      stack,
      path(p, 'NetworkConfiguration', 'AwsvpcConfiguration', 'SecurityGroups'),
    ),
  }),
  'AWS::RDS::DBInstance': (set, stack, p) => ({
    subnets: resolveResources(set, stack, p['DBSubnetGroupName']).flatMap((group) =>
      resolveResources(set, group.stack, resourceAt(set, group)?.Properties?.['SubnetIds']),
    ),
    securityGroups: resolveResources(set, stack, p['VPCSecurityGroups']),
  }),
  'AWS::EC2::NatGateway': (set, stack, p) => ({
    subnets: resolveResources(set, stack, p['SubnetId']),
    securityGroups: [],
  }),
  'AWS::EC2::Instance': (set, stack, p) => {
    const own = resolveResources(set, stack, p['SecurityGroupIds']);
    const fromLaunchTemplate = resolveResources(
      set,
      stack,
      path(p, 'LaunchTemplate', 'LaunchTemplateId'),
    ).flatMap((template) =>
      resolveResources(
        set,
        template.stack,
        path(resourceAt(set, template)?.Properties ?? {}, 'LaunchTemplateData', 'SecurityGroupIds'),
      ),
    );
    // An instance sits where its interfaces do: a pre-made one (NetworkInterfaceId) or one it creates.
    const attachments = Array.isArray(p['NetworkInterfaces']) ? (p['NetworkInterfaces'] as Properties[]) : [];
    const interfaces = attachments.flatMap((attachment) =>
      resolveResources(set, stack, attachment['NetworkInterfaceId']),
    );
    const interfaceProperties = [
      ...interfaces.map((eni) => resourceAt(set, eni)?.Properties ?? {}),
      ...attachments.filter((attachment) => attachment['NetworkInterfaceId'] === undefined),
    ];
    return {
      subnets: [
        ...resolveResources(set, stack, p['SubnetId']),
        ...interfaceProperties.flatMap((eni) => resolveResources(set, stack, eni['SubnetId'])),
      ],
      securityGroups: [
        ...own,
        ...fromLaunchTemplate,
        ...interfaceProperties.flatMap((eni) => resolveResources(set, stack, eni['GroupSet'])),
      ],
    };
  },
};

export function isPlaced(resource: CfnResource): boolean {
  return resource.Type in PLACEMENT;
}

export function placementOf(set: TemplateSet, stack: string, resource: CfnResource): Placement {
  const place = PLACEMENT[resource.Type];
  return place ? place(set, stack, resource.Properties ?? {}) : { subnets: [], securityGroups: [] };
}
