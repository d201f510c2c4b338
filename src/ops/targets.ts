// Where the running parts of a deployed stack are: the log group, ECS cluster and service, the DB
// instance and the URL. The root stack's outputs name them once the stack is complete; while it is still
// being created (the first boot, when logs matter most) they come from the nested stacks' resources.
import type { CloudFormationApi, StackInfo } from '../aws/cloudformation.js';

export interface StackTargets {
  url?: string | undefined;
  logGroupName?: string | undefined;
  clusterName?: string | undefined;
  /** a name or an ARN: DescribeServices accepts both */
  serviceName?: string | undefined;
  dbInstanceId?: string | undefined;
}

type Key = keyof StackTargets;

/**
 * The output naming each target (the root passes its nested stack's output on under the same name), the
 * nested stack it comes from, and the resource behind it. A test holds these against the synthesized
 * templates.
 */
export const TARGET_SOURCES: Record<
  Key,
  { output: string; stack: string; logicalId?: string; type?: string }
> = {
  url: { output: 'MetabaseUrl', stack: 'EdgeStack' },
  logGroupName: {
    output: 'LogGroupName',
    stack: 'AppStack',
    logicalId: 'LogGroup',
    type: 'AWS::Logs::LogGroup',
  },
  clusterName: { output: 'ClusterName', stack: 'AppStack', logicalId: 'Cluster', type: 'AWS::ECS::Cluster' },
  serviceName: { output: 'ServiceName', stack: 'AppStack', logicalId: 'Service', type: 'AWS::ECS::Service' },
  dbInstanceId: {
    output: 'DbInstanceId',
    stack: 'DataStack',
    logicalId: 'Database',
    type: 'AWS::RDS::DBInstance',
  },
};
const SOURCES = TARGET_SOURCES;

/**
 * The targets asked for. Costs no call when the root has its outputs; otherwise one DescribeStackResources
 * of the root, then per nested stack needed one DescribeStacks (its outputs, set once it completed) and,
 * if those are missing too, one DescribeStackResources. A part not created yet stays undefined.
 */
export async function resolveTargets(
  cf: CloudFormationApi,
  root: StackInfo,
  wanted: readonly Key[],
): Promise<StackTargets> {
  const targets: StackTargets = {};
  const missing: Key[] = [];
  for (const key of wanted) {
    const value = root.outputs[SOURCES[key].output];
    if (value) targets[key] = value;
    else missing.push(key);
  }
  if (missing.length === 0) return targets;

  const rootResources = await cf.stackResources(root.stackId);
  const nestedIds = new Map(
    rootResources.filter((r) => r.physicalId !== '').map((r) => [r.logicalId, r.physicalId] as const),
  );
  for (const stack of new Set(missing.map((key) => SOURCES[key].stack))) {
    const nestedId = nestedIds.get(stack);
    if (nestedId === undefined) continue;
    const keys = missing.filter((key) => SOURCES[key].stack === stack);
    const nested = await cf.describeStack(nestedId);
    for (const key of keys) {
      const value = nested?.outputs[SOURCES[key].output];
      if (value) targets[key] = value;
    }
    const stillMissing = keys.filter((key) => targets[key] === undefined && SOURCES[key].logicalId);
    if (stillMissing.length === 0 || !nested) continue;
    const resources = await cf.stackResources(nestedId);
    for (const key of stillMissing) {
      const resource = resources.find((r) => r.logicalId === SOURCES[key].logicalId);
      if (resource?.physicalId) targets[key] = resource.physicalId;
    }
  }
  return targets;
}
