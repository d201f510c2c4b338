// Drift over the whole tree: find it, refuse it if any stack is busy or broken, detect every stack with
// bounded concurrency under one overall deadline, and return the report. Prints nothing.
import type { DriftApi } from '../aws/drift.js';
import { assertManagedStack } from '../deploy/ownership.js';
import { countCalls } from './count.js';
import { DEFAULT_POLL, detectStack, realClock, type Clock, type PollOptions } from './detect.js';
import { Limiter } from './limit.js';
import { assertCheckable, findStackTree } from './tree.js';
import type { DriftOutcome, DriftReport, DriftSummary, ResourceDriftStatus, StackReport } from './types.js';

export { StackNotFoundError, NotCheckableError } from './errors.js';
export type * from './types.js';

export interface DriftOptions {
  stackName: string;
  /** stacks in flight at once (tree walk and detection); default 4: root + 4 tiers in two rounds at most */
  concurrency?: number;
  /** overall limit for the detections, default 10 minutes */
  timeoutMs?: number;
  poll?: PollOptions;
  clock?: Clock;
  /** Check a root stack without this tool's managed-by tag (the ownership override flag). */
  allowUnmanaged?: boolean;
}

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

export function summarize(stacks: StackReport[]): DriftSummary {
  const byStatus: Record<ResourceDriftStatus, number> = {
    IN_SYNC: 0,
    MODIFIED: 0,
    DELETED: 0,
    NOT_CHECKED: 0,
    UNKNOWN: 0,
  };
  let resources = 0;
  for (const stack of stacks) {
    for (const resource of stack.resources) {
      byStatus[resource.status]++;
      resources++;
    }
  }
  const drifted = (s: StackReport) =>
    s.resources.some((r) => r.status === 'MODIFIED' || r.status === 'DELETED');
  return {
    stacks: stacks.length,
    stacksDrifted: stacks.filter(drifted).length,
    stacksFailed: stacks.filter((s) => s.outcome === 'FAILED' || s.outcome === 'PARTIAL').length,
    resources,
    byStatus,
  };
}

/** An incomplete check cannot vouch for anything, so it outranks drift (the drift it found is still listed). */
export function overallOutcome(summary: DriftSummary): DriftOutcome {
  if (summary.stacksFailed > 0) return 'INCOMPLETE';
  return summary.stacksDrifted > 0 ? 'DRIFTED' : 'IN_SYNC';
}

export async function checkDrift(api: DriftApi, options: DriftOptions): Promise<DriftReport> {
  const clock = options.clock ?? realClock;
  const limiter = new Limiter(options.concurrency ?? DEFAULT_CONCURRENCY);
  const counting = countCalls(api);
  const tree = await findStackTree(counting.api, options.stackName, limiter);
  const root = tree[0];
  if (root) assertManagedStack('drift', root, 'check', options.allowUnmanaged === true);
  assertCheckable(tree);
  const context = {
    api: counting.api,
    clock,
    poll: options.poll ?? DEFAULT_POLL,
    deadline: clock.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  };
  const stacks = await Promise.all(tree.map((node) => limiter.run(() => detectStack(node, context))));
  const summary = summarize(stacks);
  return {
    rootStack: tree[0]?.stackName ?? options.stackName,
    outcome: overallOutcome(summary),
    stacks,
    summary,
    apiCalls: counting.calls(),
  };
}
