// Finds the stack tree. DetectStackDrift does not recurse into nested stacks, so every nested stack is
// found through its parent's AWS::CloudFormation::Stack resources (physical id = the nested stack's ARN).
import type { DriftApi, StackResourceInfo } from '../aws/drift.js';
import { allPages } from './count.js';
import { NotCheckableError, StackNotFoundError, type UncheckableStack } from './errors.js';
import type { Limiter } from './limit.js';

export const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';

/** The states CloudFormation accepts DetectStackDrift in (User Guide, "Detect drift on an entire stack"). */
export const CHECKABLE_STATES: readonly string[] = [
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
];

export interface StackNode {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string | undefined;
  /** stack-level tags, as DescribeStacks gives them (the root's tell whether this tool made it) */
  tags?: Record<string, string> | undefined;
  /** logical id in the parent; absent for the root */
  logicalId?: string | undefined;
  depth: number;
  resources: StackResourceInfo[];
  /** set when a nested stack named by its parent cannot be found: reported, not walked */
  missing?: string | undefined;
  children: StackNode[];
}

async function walk(
  api: DriftApi,
  limiter: Limiter,
  nameOrId: string,
  depth: number,
  logicalId?: string,
): Promise<StackNode> {
  const fetched = await limiter.run(async () => {
    const info = await api.describeStack(nameOrId);
    // A deleted stack still answers by ARN; its resources are gone, so there is nothing to list.
    if (!info || info.status === 'DELETE_COMPLETE') return { info, resources: [] };
    return { info, resources: await allPages((token) => api.listStackResources(info.stackId, token)) };
  });
  const { info, resources } = fetched;
  if (!info || info.status === 'DELETE_COMPLETE') {
    if (depth === 0) throw new StackNotFoundError(nameOrId);
    return {
      stackId: info?.stackId ?? nameOrId,
      stackName: info?.stackName ?? logicalId ?? nameOrId,
      status: info?.status ?? 'DOES_NOT_EXIST',
      logicalId,
      depth,
      resources: [],
      missing: 'the nested stack no longer exists (deleted outside CloudFormation?)',
      children: [],
    };
  }
  const nested = resources.filter((r) => r.type === NESTED_STACK_TYPE);
  const children = await Promise.all(
    nested.map((r) =>
      r.physicalId
        ? walk(api, limiter, r.physicalId, depth + 1, r.logicalId)
        : Promise.resolve<StackNode>({
            stackId: '',
            stackName: r.logicalId,
            status: 'DOES_NOT_EXIST',
            logicalId: r.logicalId,
            depth: depth + 1,
            resources: [],
            missing: 'the nested stack was never created (no physical id)',
            children: [],
          }),
    ),
  );
  return { ...info, logicalId, depth, resources, children };
}

/** Root first, then each nested stack depth-first, in the order its parent lists it. */
export function flatten(root: StackNode): StackNode[] {
  return [root, ...root.children.flatMap(flatten)];
}

export async function findStackTree(
  api: DriftApi,
  stackName: string,
  limiter: Limiter,
): Promise<StackNode[]> {
  return flatten(await walk(api, limiter, stackName, 0));
}

/** Throws NotCheckableError naming every stack DetectStackDrift would reject, before any is started. */
export function assertCheckable(stacks: StackNode[]): void {
  const refused: UncheckableStack[] = stacks
    .filter((s) => s.missing === undefined && !CHECKABLE_STATES.includes(s.status))
    .map((s) => ({ stackName: s.stackName, status: s.status, statusReason: s.statusReason }));
  if (refused.length > 0) throw new NotCheckableError(refused);
}
