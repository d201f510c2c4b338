// Security-group rules as data: inline rules of AWS::EC2::SecurityGroup and standalone
// SecurityGroupIngress/Egress resources, with the Fn::If conditions they sit under.
import { allConditionsText } from './conditions.js';
import {
  allResources,
  resolve,
  resolveResources,
  resourceAt,
  templateOf,
  type ResourceRef,
} from './resolve.js';
import type { TemplateSet } from './templates.js';

export type Peer =
  | { kind: 'group'; ref: ResourceRef }
  | { kind: 'subnet'; ref: ResourceRef }
  | { kind: 'anywhere' }
  /** CIDRs the user supplies (a root parameter): outside the VPC. */
  | { kind: 'parameter'; name: string };

export interface SecurityGroupRule {
  group: ResourceRef;
  direction: 'ingress' | 'egress';
  protocol: string;
  fromPort: number;
  toPort: number;
  /**
   * Set when the port is a parameter (`FromPort: Ref DataSourcePort1`): the root parameter its value comes
   * from. fromPort/toPort are then NaN and the rule matches only rules of the same parameter.
   */
  portParameter?: string | undefined;
  peers: Peer[];
  /** Text of the conditions the rule exists under, if any. */
  condition: string | undefined;
  description: string | undefined;
}

export function findSecurityGroupRules(set: TemplateSet): SecurityGroupRule[] {
  const rules: SecurityGroupRule[] = [];
  for (const { stack, id, resource } of allResources(set)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::EC2::SecurityGroup') {
      const group = { stack, id };
      // Inline rules carry only their own Fn::If conditions: the group's condition is its box's.
      for (const [direction, key] of [
        ['ingress', 'SecurityGroupIngress'],
        ['egress', 'SecurityGroupEgress'],
      ] as const) {
        for (const { rule, conditions } of unwrapConditional(properties[key], [])) {
          rules.push(toRule(set, stack, group, direction, rule, conditions));
        }
      }
    } else if (
      resource.Type === 'AWS::EC2::SecurityGroupIngress' ||
      resource.Type === 'AWS::EC2::SecurityGroupEgress'
    ) {
      const [group] = resolveResources(set, stack, properties['GroupId']);
      if (!group) continue;
      const direction = resource.Type.endsWith('Ingress') ? 'ingress' : 'egress';
      rules.push(
        toRule(
          set,
          stack,
          group,
          direction,
          properties,
          resource.Condition === undefined ? [] : [resource.Condition],
        ),
      );
    }
  }
  return rules.filter((rule) => !isNoTrafficSentinel(rule));
}

/**
 * Removing every egress rule makes CloudFormation add allow-all, so "no outbound traffic" is written as
 * one rule nothing can match (ICMP type 252 code 86 to 255.255.255.255/32). It is not a connection.
 */
function isNoTrafficSentinel(rule: SecurityGroupRule): boolean {
  return rule.protocol === 'icmp' && rule.fromPort === 252 && rule.toPort === 86;
}

function unwrapConditional(
  value: unknown,
  conditions: string[],
): { rule: Record<string, unknown>; conditions: string[] }[] {
  if (Array.isArray(value)) return value.flatMap((item) => unwrapConditional(item, conditions));
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const branches = record['Fn::If'];
  if (Array.isArray(branches) && typeof branches[0] === 'string') {
    return unwrapConditional(branches[1], [...conditions, branches[0]]);
  }
  if (record['Ref'] === 'AWS::NoValue') return [];
  return [{ rule: record, conditions }];
}

function toRule(
  set: TemplateSet,
  stack: string,
  group: ResourceRef,
  direction: 'ingress' | 'egress',
  rule: Record<string, unknown>,
  conditions: string[],
): SecurityGroupRule {
  const peerKeys =
    direction === 'ingress' ? ['SourceSecurityGroupId', 'CidrIp'] : ['DestinationSecurityGroupId', 'CidrIp'];
  const peers = peerKeys.flatMap((key) => (rule[key] === undefined ? [] : peersOf(set, stack, rule[key])));
  const protocol = String(rule['IpProtocol']);
  const portParameter = parameterBehind(set, stack, rule['FromPort']);
  return {
    group,
    direction,
    protocol: protocol === '-1' ? 'all' : protocol,
    fromPort: Number(rule['FromPort'] ?? 0),
    toPort: Number(rule['ToPort'] ?? 65535),
    portParameter,
    peers,
    // A port slot exists exactly when its parameter is set: say that once, by the root parameter's name.
    condition:
      portParameter === undefined
        ? allConditionsText(templateOf(set, stack), conditions)
        : `${portParameter} set`,
    description: typeof rule['Description'] === 'string' ? rule['Description'] : undefined,
  };
}

/** The root parameter a port value comes from, if it is not a literal number. */
function parameterBehind(set: TemplateSet, stack: string, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return resolve(set, stack, value).find((target) => target.kind === 'parameter')?.name;
}

function peersOf(set: TemplateSet, stack: string, value: unknown): Peer[] {
  return resolve(set, stack, value).flatMap((target): Peer[] => {
    if (target.kind === 'parameter') return [{ kind: 'parameter', name: target.name }];
    if (target.kind === 'literal') return target.value === '0.0.0.0/0' ? [{ kind: 'anywhere' }] : [];
    const type = resourceAt(set, target)?.Type;
    const ref = { stack: target.stack, id: target.id };
    if (type === 'AWS::EC2::SecurityGroup') return [{ kind: 'group', ref }];
    if (type === 'AWS::EC2::Subnet') return [{ kind: 'subnet', ref }];
    return [];
  });
}

export function portText(
  rule: Pick<SecurityGroupRule, 'protocol' | 'fromPort' | 'toPort' | 'portParameter'>,
): string {
  if (rule.protocol === 'all') return 'all traffic';
  if (rule.portParameter !== undefined) return `${rule.portParameter}/${rule.protocol}`;
  const range = rule.fromPort === rule.toPort ? String(rule.fromPort) : `${rule.fromPort}-${rule.toPort}`;
  return `${range}/${rule.protocol}`;
}
