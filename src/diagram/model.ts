// The diagram as data, built from templates/: which boxes exist, where they sit, and which connections
// the security groups and routes allow. The DOT and Mermaid writers only draw this model, and the
// tests check it against the templates.
import { conditionText } from './conditions.js';
import { findSubnets, findVpc, type SubnetInfo, type VpcInfo } from './network.js';
import { isPlaced, placementOf } from './placement.js';
import {
  allResources,
  refKey,
  resolveResources,
  resourceAt,
  templateOf,
  type ResourceRef,
} from './resolve.js';
import { findSecurityGroupRules, portText, type Peer, type SecurityGroupRule } from './security-groups.js';
import { nodeText, type NodeKind } from './labels.js';
import type { CfnResource, TemplateSet } from './templates.js';

export interface DiagramNode {
  id: string;
  kind: NodeKind;
  title: string;
  details: string[];
  /** The nested stack that creates it; undefined for things outside AWS. */
  stack: string | undefined;
  resources: ResourceRef[];
  /** The template condition it exists under, as text. */
  condition: string | undefined;
  subnets: ResourceRef[];
  securityGroups: ResourceRef[];
  /** Passes packets on without terminating the connection, so reachability continues through it. */
  forwards: boolean;
}

export interface EdgePort {
  text: string;
  /** The rules' own conditions; an edge also needs both of its boxes to exist, which they show. */
  condition: string | undefined;
}

export interface DiagramEdge {
  from: string;
  to: string;
  /** connection: allowed by security groups (and routes); route: a default route; service: AWS or registry API used through it. */
  kind: 'connection' | 'route' | 'service';
  ports: EdgePort[];
  /** For connections: the rules that allow it (source egress, target ingress). */
  rules: SecurityGroupRule[];
  label: string;
}

export interface DiagramModel {
  vpc: VpcInfo;
  subnets: SubnetInfo[];
  /** Nested stacks: name (template base name) and logical id in the root. */
  stacks: { name: string; logicalId: string }[];
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

export const INTERNET_ID = 'internet';

const PLACED_KINDS: Record<string, NodeKind> = {
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'load-balancer',
  'AWS::ECS::Service': 'service',
  'AWS::RDS::DBInstance': 'database',
  'AWS::EC2::NatGateway': 'nat',
};

export function nodeId(ref: ResourceRef): string {
  return `${ref.stack}_${ref.id}`;
}

export function buildModel(set: TemplateSet): DiagramModel {
  const vpc = findVpc(set);
  const subnets = findSubnets(set);
  const nodes = buildNodes(set);
  const rules = findSecurityGroupRules(set);
  const internet = nodes.find((n) => n.kind === 'internet');
  const sources = rules
    .flatMap((rule) => rule.peers)
    .flatMap((peer) => (peer.kind === 'parameter' ? [peer.name] : []));
  if (internet) internet.details = [...new Set(sources)].map((name) => `clients in ${name}`);
  const edges = new EdgeList();
  addConnections(nodes, rules, edges);
  addEgressThroughRoutes(nodes, subnets, rules, edges);
  addServiceDependencies(set, nodes, edges);
  const stacks = [...set.stacks.entries()].map(([name, nested]) => ({ name, logicalId: nested.logicalId }));
  return { vpc, subnets, stacks, nodes, edges: edges.list() };
}

function buildNodes(set: TemplateSet): DiagramNode[] {
  const nodes: DiagramNode[] = [];
  const base = (
    stack: string,
    id: string,
    resource: CfnResource,
    kind: NodeKind,
    forwards = false,
  ): DiagramNode => {
    const placement = placementOf(set, stack, resource);
    const text = nodeText(set, { stack, id }, kind);
    return {
      id: nodeId({ stack, id }),
      kind,
      ...text,
      stack,
      resources: [{ stack, id }],
      condition:
        resource.Condition === undefined
          ? undefined
          : conditionText(templateOf(set, stack), resource.Condition),
      subnets: placement.subnets,
      securityGroups: placement.securityGroups,
      forwards,
    };
  };
  nodes.push({ ...externalNode(INTERNET_ID, 'internet'), ...nodeText(set, undefined, 'internet') });
  const secretsByStack = new Map<string, ResourceRef[]>();
  const alarmsByStack = new Map<string, ResourceRef[]>();
  for (const { stack, id, resource } of allResources(set)) {
    const placedKind = PLACED_KINDS[resource.Type];
    if (placedKind && isPlaced(resource)) nodes.push(base(stack, id, resource, placedKind));
    else if (resource.Type === 'AWS::EC2::Instance' && forwardsPackets(set, stack, resource))
      nodes.push(base(stack, id, resource, 'nat'));
    else if (resource.Type === 'AWS::EC2::InternetGateway')
      nodes.push(base(stack, id, resource, 'internet-gateway', true));
    else if (resource.Type === 'AWS::Logs::LogGroup') nodes.push(base(stack, id, resource, 'logs'));
    else if (resource.Type === 'AWS::SecretsManager::Secret')
      secretsByStack.set(stack, [...(secretsByStack.get(stack) ?? []), { stack, id }]);
    else if (resource.Type === 'AWS::S3::Bucket') nodes.push(base(stack, id, resource, 'bucket'));
    else if (resource.Type === 'AWS::SNS::Topic') nodes.push(base(stack, id, resource, 'topic'));
    else if (resource.Type === 'AWS::CloudWatch::Alarm')
      alarmsByStack.set(stack, [...(alarmsByStack.get(stack) ?? []), { stack, id }]);
  }
  // One alarm box a stack, listing the alarms (a condition of its own shows after the name).
  for (const [stack, refs] of alarmsByStack) {
    nodes.push({
      ...externalNode(`${stack}_alarms`, 'alarms'),
      ...nodeText(set, refs[0], 'alarms'),
      details: refs.map((r) => {
        const condition = resourceAt(set, r)?.Condition;
        return condition ? `${r.id} (if ${conditionText(templateOf(set, stack), condition)})` : r.id;
      }),
      stack,
      resources: refs,
    });
  }
  // One Secrets Manager box a stack: the secrets differ only in what they hold.
  for (const [stack, refs] of secretsByStack) {
    nodes.push({
      ...externalNode(`${stack}_secrets`, 'secrets'),
      ...nodeText(set, refs[0], 'secrets'),
      details: refs.map((r) => r.id),
      stack,
      resources: refs,
    });
  }
  for (const registry of registries(set))
    nodes.push({ ...externalNode(registry.id, 'registry'), title: registry.title, details: registry.images });
  return nodes;
}

function externalNode(id: string, kind: NodeKind): DiagramNode {
  return {
    id,
    kind,
    title: '',
    details: [],
    stack: undefined,
    resources: [],
    condition: undefined,
    subnets: [],
    securityGroups: [],
    forwards: false,
  };
}

/** Image registries the task definitions pull from, from the image names. */
function registries(set: TemplateSet): { id: string; title: string; images: string[] }[] {
  const byHost = new Map<string, Set<string>>();
  for (const image of containerImages(set)) {
    const { host, repository } = splitImage(image);
    byHost.set(host, (byHost.get(host) ?? new Set()).add(repository));
  }
  return [...byHost.entries()].map(([host, images]) => ({
    id: registryId(host),
    title: host === 'docker.io' ? 'Docker Hub' : host,
    images: [...images].sort(),
  }));
}

/** Docker's rule: the first path part is a registry host if it has a dot or a port; else Docker Hub. */
function splitImage(image: string): { host: string; repository: string } {
  const [first = '', ...rest] = image.split('/');
  const hasHost = first.includes('.') || first.includes(':');
  return {
    host: hasHost ? first : 'docker.io',
    repository: (hasHost ? rest.join('/') : image).replace(/[:@].*$/, ''),
  };
}

function registryId(host: string): string {
  return `registry_${host.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** The image name, also inside `Fn::If` (pinned by digest or not): both branches name the same image. */
function imageText(image: unknown): string | undefined {
  if (typeof image !== 'object' || image === null) return typeof image === 'string' ? image : undefined;
  const record = image as Record<string, unknown>;
  const choice = record['Fn::If'];
  if (Array.isArray(choice)) return imageText(choice[1]) ?? imageText(choice[2]);
  return imageText(record['Fn::Sub']);
}

function containerImages(set: TemplateSet): string[] {
  return allResources(set)
    .filter((r) => r.resource.Type === 'AWS::ECS::TaskDefinition')
    .flatMap((r) => containerDefinitions(r.resource))
    .map((container) => imageText(container['Image']))
    .filter((image): image is string => image !== undefined);
}

/** An instance with source/dest check off (on itself or on the interface it boots on) is a NAT. */
function forwardsPackets(set: TemplateSet, stack: string, instance: CfnResource): boolean {
  if (instance.Properties?.['SourceDestCheck'] === false) return true;
  const attachments = instance.Properties?.['NetworkInterfaces'];
  return (Array.isArray(attachments) ? (attachments as Record<string, unknown>[]) : []).some((attachment) =>
    resolveResources(set, stack, attachment['NetworkInterfaceId']).some(
      (eni) => resourceAt(set, eni)?.Properties?.['SourceDestCheck'] === false,
    ),
  );
}

function containerDefinitions(resource: CfnResource | undefined): Record<string, unknown>[] {
  const definitions = resource?.Properties?.['ContainerDefinitions'];
  return Array.isArray(definitions) ? (definitions as Record<string, unknown>[]) : [];
}

class EdgeList {
  private readonly edges = new Map<string, DiagramEdge>();

  add(
    from: string,
    to: string,
    kind: DiagramEdge['kind'],
    port: EdgePort | undefined,
    rules: SecurityGroupRule[],
    label = '',
  ): void {
    const key = `${from}>${to}>${kind}`;
    const edge = this.edges.get(key) ?? { from, to, kind, ports: [], rules: [], label };
    this.edges.set(key, edge);
    for (const rule of rules) if (!edge.rules.includes(rule)) edge.rules.push(rule);
    if (!port) return;
    const existing = edge.ports.find((p) => p.text === port.text);
    if (!existing) edge.ports.push(port);
    // The port is open if any rule opens it: keep the weakest condition.
    else if (
      existing.condition !== undefined &&
      (port.condition === undefined || port.condition.length < existing.condition.length)
    ) {
      existing.condition = port.condition;
    }
  }

  list(): DiagramEdge[] {
    return [...this.edges.values()].map((edge) => ({ ...edge, label: edge.label || portsLabel(edge.ports) }));
  }
}

function portsLabel(ports: EdgePort[]): string {
  return [...ports]
    .sort(
      (a, b) =>
        Number(a.condition !== undefined) - Number(b.condition !== undefined) ||
        portNumber(a.text) - portNumber(b.text),
    )
    .map((p) => (p.condition ? `${p.text} if ${p.condition}` : p.text))
    .join(', ');
}

function portNumber(text: string): number {
  return Number.parseInt(text, 10) || 0;
}

function overlaps(a: SecurityGroupRule, b: SecurityGroupRule): boolean {
  const protocolMatches = a.protocol === 'all' || b.protocol === 'all' || a.protocol === b.protocol;
  if (a.portParameter !== undefined || b.portParameter !== undefined)
    return protocolMatches && a.portParameter === b.portParameter;
  return protocolMatches && a.fromPort <= b.toPort && b.fromPort <= a.toPort;
}

function rulesOf(
  rules: SecurityGroupRule[],
  node: DiagramNode,
  direction: SecurityGroupRule['direction'],
): SecurityGroupRule[] {
  const groups = new Set(node.securityGroups.map(refKey));
  return rules.filter((rule) => rule.direction === direction && groups.has(refKey(rule.group)));
}

/** Whether a rule's peer covers a node: its security group, its subnet, or (for outside peers) the internet. */
function peerCovers(peer: Peer, node: DiagramNode): boolean {
  switch (peer.kind) {
    case 'group':
      return node.securityGroups.some((group) => refKey(group) === refKey(peer.ref));
    case 'subnet':
      return node.subnets.some((subnet) => refKey(subnet) === refKey(peer.ref));
    case 'anywhere':
    case 'parameter':
      return node.kind === 'internet';
  }
}

function joinConditions(...conditions: (string | undefined)[]): string | undefined {
  const present = [...new Set(conditions.filter((c): c is string => c !== undefined))];
  return present.length === 0 ? undefined : present.join(' and ');
}

/** Node-to-node connections: an ingress rule of the target admits the source, and the source's egress lets it out. */
function addConnections(nodes: DiagramNode[], rules: SecurityGroupRule[], edges: EdgeList): void {
  for (const target of nodes.filter((n) => n.securityGroups.length > 0)) {
    for (const ingress of rulesOf(rules, target, 'ingress')) {
      for (const source of nodes) {
        if (source === target || !ingress.peers.some((peer) => peerCovers(peer, source))) continue;
        if (source.kind === 'internet') {
          edges.add(
            source.id,
            target.id,
            'connection',
            { text: portText(ingress), condition: ingress.condition },
            [ingress],
          );
          continue;
        }
        const egress = rulesOf(rules, source, 'egress').filter(
          (rule) => overlaps(rule, ingress) && rule.peers.some((peer) => peerAdmits(peer, target)),
        );
        for (const rule of egress) {
          const condition = joinConditions(ingress.condition, rule.condition);
          edges.add(source.id, target.id, 'connection', { text: portText(ingress), condition }, [
            rule,
            ingress,
          ]);
        }
      }
    }
  }
}

/** An egress peer admits a target in the VPC by group or subnet, or anything with 0.0.0.0/0. */
function peerAdmits(peer: Peer, target: DiagramNode): boolean {
  return peer.kind === 'anywhere' || (peer.kind !== 'parameter' && peerCovers(peer, target));
}

/**
 * Traffic to 0.0.0.0/0 leaves through the default route of the source's subnets: to a NAT (a connection
 * the source's egress rules allow) and from the NAT's subnet to the internet gateway (a route).
 */
function addEgressThroughRoutes(
  nodes: DiagramNode[],
  subnets: SubnetInfo[],
  rules: SecurityGroupRule[],
  edges: EdgeList,
): void {
  const byResource = new Map(
    nodes.flatMap((node) => node.resources.map((ref) => [refKey(ref), node] as const)),
  );
  const routeTargets = (node: DiagramNode): DiagramNode[] => {
    const keys = new Set(node.subnets.map(refKey));
    const targets = subnets.filter((s) => keys.has(refKey(s.ref))).flatMap((s) => s.defaultRoute);
    return [...new Map(targets.map((t) => [refKey(t), byResource.get(refKey(t))])).values()].filter(
      (n): n is DiagramNode => n !== undefined,
    );
  };
  for (const source of nodes.filter((n) => n.securityGroups.length > 0)) {
    const outbound = rulesOf(rules, source, 'egress').filter((rule) =>
      rule.peers.some((peer) => peer.kind === 'anywhere'),
    );
    for (const nat of routeTargets(source).filter((n) => n.kind === 'nat')) {
      const natIngress = rulesOf(rules, nat, 'ingress');
      for (const rule of outbound) {
        // A NAT gateway has no security group; a NAT instance must admit the traffic too.
        const admitted =
          nat.securityGroups.length === 0
            ? [undefined]
            : natIngress.filter((i) => overlaps(i, rule) && i.peers.some((p) => peerCovers(p, source)));
        for (const ingress of admitted) {
          const condition = joinConditions(rule.condition, ingress?.condition);
          edges.add(
            source.id,
            nat.id,
            'connection',
            { text: portText(rule), condition },
            ingress ? [rule, ingress] : [rule],
          );
        }
      }
    }
  }
  for (const nat of nodes.filter((n) => n.kind === 'nat')) {
    for (const gateway of routeTargets(nat).filter((n) => n.kind === 'internet-gateway'))
      edges.add(nat.id, gateway.id, 'route', undefined, [], '0.0.0.0/0');
  }
}

/** What the ECS tasks reach through NAT and internet gateway: the image registry, Secrets Manager, CloudWatch Logs. */
function addServiceDependencies(set: TemplateSet, nodes: DiagramNode[], edges: EdgeList): void {
  const byResource = new Map(
    nodes.flatMap((node) => node.resources.map((ref) => [refKey(ref), node] as const)),
  );
  const natIds = new Set(nodes.filter((n) => n.kind === 'nat').map((n) => n.id));
  const gateways = nodes.filter((n) => n.kind === 'internet-gateway');
  const existing = edges.list();
  for (const service of nodes.filter((n) => n.kind === 'service')) {
    const nats = existing.filter((e) => e.from === service.id && natIds.has(e.to));
    const exits = gateways.filter((gateway) =>
      nats.some((nat) => existing.some((e) => e.from === nat.to && e.to === gateway.id)),
    );
    const [serviceRef] = service.resources;
    if (!serviceRef) continue;
    const taskDefinition = resolveResources(
      set,
      serviceRef.stack,
      resourceAt(set, serviceRef)?.Properties?.['TaskDefinition'],
    )[0];
    const containers = containerDefinitions(taskDefinition && resourceAt(set, taskDefinition));
    const uses: [DiagramNode | undefined, string][] = [];
    for (const container of containers) {
      const secrets = (
        Array.isArray(container['Secrets']) ? (container['Secrets'] as Record<string, unknown>[]) : []
      ).flatMap((s) => resolveResources(set, taskDefinition?.stack ?? '', s['ValueFrom']));
      for (const secret of secrets) uses.push([byResource.get(refKey(secret)), 'secrets at task start']);
      const logGroup = resolveResources(
        set,
        taskDefinition?.stack ?? '',
        (container['LogConfiguration'] as Record<string, unknown> | undefined)?.['Options'],
      );
      for (const group of logGroup) uses.push([byResource.get(refKey(group)), 'container logs']);
      const image = imageText(container['Image']);
      if (image !== undefined)
        uses.push([nodes.find((n) => n.id === registryId(splitImage(image).host)), 'image pull']);
    }
    for (const gateway of exits) {
      for (const [target, label] of uses)
        if (target) edges.add(gateway.id, target.id, 'service', undefined, [], `HTTPS: ${label}`);
    }
  }
}
