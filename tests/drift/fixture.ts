// The deployed Metabase tree as the fake holds it: root + network/edge/data/app, resources named as in
// templates/*.yaml (a subset), everything IN_SYNC unless a test changes it.
import { stackArn, type FakeResource, type FakeStack } from './fake.js';

export const ROOT = 'metabase-dev';
export const TIERS = ['Network', 'Edge', 'Data', 'App'] as const;
export type Tier = (typeof TIERS)[number];

export function nestedName(tier: Tier): string {
  return `${ROOT}-${tier}Stack-1A2B3C4D5E6F`;
}

const TIER_RESOURCES: Record<Tier, FakeResource[]> = {
  Network: [
    { logicalId: 'Vpc', type: 'AWS::EC2::VPC', physicalId: 'vpc-0a1b2c3d' },
    { logicalId: 'InternetGatewayAttachment', type: 'AWS::EC2::VPCGatewayAttachment', drift: 'unsupported' },
    { logicalId: 'AlbSecurityGroup', type: 'AWS::EC2::SecurityGroup', physicalId: 'sg-0alb' },
    { logicalId: 'TaskSecurityGroup', type: 'AWS::EC2::SecurityGroup', physicalId: 'sg-0task' },
    { logicalId: 'DbSecurityGroup', type: 'AWS::EC2::SecurityGroup', physicalId: 'sg-0db' },
  ],
  Edge: [
    { logicalId: 'LoadBalancer', type: 'AWS::ElasticLoadBalancingV2::LoadBalancer' },
    { logicalId: 'TargetGroup', type: 'AWS::ElasticLoadBalancingV2::TargetGroup' },
    { logicalId: 'HttpListener', type: 'AWS::ElasticLoadBalancingV2::Listener' },
  ],
  Data: [
    { logicalId: 'DbMasterSecret', type: 'AWS::SecretsManager::Secret' },
    { logicalId: 'EncryptionKeySecret', type: 'AWS::SecretsManager::Secret' },
    { logicalId: 'Database', type: 'AWS::RDS::DBInstance', physicalId: 'metabase-dev-db' },
  ],
  App: [
    { logicalId: 'LogGroup', type: 'AWS::Logs::LogGroup' },
    { logicalId: 'Cluster', type: 'AWS::ECS::Cluster' },
    { logicalId: 'TaskDefinition', type: 'AWS::ECS::TaskDefinition' },
    { logicalId: 'Service', type: 'AWS::ECS::Service' },
    {
      logicalId: 'CpuScalingPolicy',
      type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
      drift: 'unsupported',
    },
  ],
};

/** Fresh copies, so a test can change one tier without touching the others. */
export function metabaseTree(change: Partial<Record<Tier | 'Root', Partial<FakeStack>>> = {}): FakeStack[] {
  const root: FakeStack = {
    name: ROOT,
    resources: TIERS.map((tier) => ({
      logicalId: `${tier}Stack`,
      type: 'AWS::CloudFormation::Stack',
      physicalId: stackArn(nestedName(tier)),
    })),
    ...change.Root,
  };
  const tiers = TIERS.map((tier): FakeStack => ({
    name: nestedName(tier),
    resources: TIER_RESOURCES[tier].map((r) => ({ ...r })),
    ...change[tier],
  }));
  return [root, ...tiers];
}
