// Nesting for the picture, shared by the DOT and Mermaid writers: root stack (the region) ⊃ VPC ⊃
// subnet tier ⊃ subnet (one AZ), with a box for each nested stack whose resources sit in that place.
// A resource spread over both AZs of a tier sits in the tier; one in a single subnet sits in it.
import { refKey } from './resolve.js';
import { SUBNET_TIERS, type SubnetInfo, type SubnetTier } from './network.js';
import type { DiagramModel, DiagramNode } from './model.js';

export interface Cluster {
  id: string;
  label: string;
  kind: 'root' | 'vpc' | 'tier' | 'subnet' | 'stack';
  /** For stack clusters: the nested stack; for others, the stack that creates the box itself. */
  stack: string | undefined;
  tier: SubnetTier | undefined;
  clusters: Cluster[];
  nodes: DiagramNode[];
}

export interface Layout {
  /** Outside AWS: the internet and image registries. */
  outside: DiagramNode[];
  root: Cluster;
}

const TIER_TEXT: Record<SubnetTier, string> = {
  public: 'public subnets: default route to the internet gateway',
  private: 'private subnets: default route to a NAT, no public IPs',
  isolated: 'isolated subnets: no route out of the VPC',
};

export function layout(model: DiagramModel): Layout {
  const vpcStack = model.vpc.ref.stack;
  const stackLabel = (stack: string): string => {
    const logicalId = model.stacks.find((s) => s.name === stack)?.logicalId;
    return `${stack} stack${logicalId ? ` (${logicalId})` : ''}`;
  };
  const cluster = (
    id: string,
    label: string,
    kind: Cluster['kind'],
    stack: string | undefined,
    tier?: SubnetTier,
  ): Cluster => ({ id, label, kind, stack, tier, clusters: [], nodes: [] });
  const stackIn = (parent: Cluster, stack: string): Cluster => {
    const id = `${parent.id}_${stack}`;
    let child = parent.clusters.find((c) => c.id === id);
    if (!child) parent.clusters.push((child = cluster(id, stackLabel(stack), 'stack', stack)));
    return child;
  };

  const root = cluster('cluster_root', 'root stack: one AWS region', 'root', 'root');
  const vpcParameter = model.vpc.parameter ? ` (${model.vpc.parameter} default)` : '';
  const vpc = cluster(
    'cluster_vpc',
    `${stackLabel(vpcStack)}: VPC ${model.vpc.cidr}${vpcParameter}`,
    'vpc',
    vpcStack,
  );
  root.clusters.push(vpc);
  const tiers = new Map<SubnetTier, Cluster>();
  const subnetClusters = new Map<string, Cluster>();
  for (const tier of SUBNET_TIERS) {
    const subnets = model.subnets.filter((s) => s.tier === tier).sort((a, b) => a.az - b.az);
    if (subnets.length === 0) continue;
    const tierCluster = cluster(`cluster_${tier}`, TIER_TEXT[tier], 'tier', vpcStack, tier);
    tiers.set(tier, tierCluster);
    vpc.clusters.push(tierCluster);
    for (const subnet of subnets) {
      const child = cluster(
        `cluster_${subnet.ref.id}`,
        subnetLabel(subnet),
        'subnet',
        subnet.ref.stack,
        tier,
      );
      subnetClusters.set(refKey(subnet.ref), child);
      tierCluster.clusters.push(child);
    }
  }

  const outside: DiagramNode[] = [];
  for (const node of model.nodes) {
    const [first] = node.subnets;
    if (node.stack === undefined) outside.push(node);
    else if (first && node.subnets.length === 1) place(subnetClusters.get(refKey(first)) ?? vpc, node);
    else if (first) {
      const tier = model.subnets.find((s) => refKey(s.ref) === refKey(first))?.tier;
      place((tier && tiers.get(tier)) ?? vpc, node);
    } else if (node.kind === 'internet-gateway') vpc.nodes.push(node);
    else stackIn(root, node.stack).nodes.push(node);
  }
  // Spread resources go in the tier between its two subnets, so each AZ keeps its side.
  for (const tier of tiers.values()) {
    const stacks = tier.clusters.filter((c) => c.kind === 'stack');
    const subnets = tier.clusters.filter((c) => c.kind === 'subnet');
    tier.clusters = [...subnets.slice(0, 1), ...stacks, ...subnets.slice(1)];
  }
  return { outside, root };

  function place(parent: Cluster, node: DiagramNode): void {
    if (node.stack === parent.stack || node.stack === undefined) parent.nodes.push(node);
    else stackIn(parent, node.stack).nodes.push(node);
  }
}

function subnetLabel(subnet: SubnetInfo): string {
  return `AZ ${subnet.az}: ${subnet.ref.id} ${subnet.cidr}`;
}

/** Every cluster, depth first. */
export function walk(cluster: Cluster): Cluster[] {
  return [cluster, ...cluster.clusters.flatMap(walk)];
}
