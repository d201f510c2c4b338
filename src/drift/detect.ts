// One stack: DetectStackDrift → poll its status (there is no SDK waiter for drift) → every page of
// DescribeStackResourceDrifts → merged with the stack's resource list. Never throws: a stack that fails
// is reported as FAILED or PARTIAL with the reason, so the other stacks' results survive.
import type { DriftApi, ResourceDrift, StackResourceInfo } from '../aws/drift.js';
import { explainAwsError } from '../aws/errors.js';
import { allPages } from './count.js';
import { maskDifference } from './mask.js';
import type { StackNode } from './tree.js';
import type { ResourceDriftStatus, ResourceReport, StackReport } from './types.js';

export interface PollOptions {
  /** first wait after DetectStackDrift; ≥ 1000 keeps polling at ≤ 1 call/s per stack */
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

/** Detection takes seconds to minutes; a 2 s cap notices completion within ~2 s. */
export const DEFAULT_POLL: PollOptions = { initialDelayMs: 1000, maxDelayMs: 2000, factor: 1.5 };

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function pollDelay(attempt: number, poll: PollOptions): number {
  return Math.min(poll.maxDelayMs, poll.initialDelayMs * poll.factor ** attempt);
}

export interface DetectContext {
  api: DriftApi;
  clock: Clock;
  poll: PollOptions;
  /** epoch ms shared by every stack of the run */
  deadline: number;
}

function describeFailure(error: unknown): string {
  const explained = explainAwsError(error);
  if (explained) return explained.cause;
  return error instanceof Error ? error.message : String(error);
}

const NOT_CHECKABLE_NOTE =
  'not drift-checkable: CloudFormation does not support drift detection for this type';

function resourceStatus(status: string): ResourceDriftStatus {
  if (status === 'IN_SYNC' || status === 'MODIFIED' || status === 'DELETED' || status === 'UNKNOWN')
    return status;
  return 'NOT_CHECKED';
}

function fromDrift(drift: ResourceDrift): ResourceReport {
  const status = resourceStatus(drift.status);
  let note = drift.reason;
  if (status === 'NOT_CHECKED') note ??= NOT_CHECKABLE_NOTE;
  if (status === 'UNKNOWN') note ??= 'CloudFormation could not check this resource';
  return {
    logicalId: drift.logicalId,
    physicalId: drift.physicalId,
    type: drift.type,
    status,
    note,
    differences: drift.differences.map((d) =>
      maskDifference(d, drift.expectedProperties, drift.actualProperties),
    ),
  };
}

/**
 * DescribeStackResourceDrifts leaves out the types drift detection does not support (its docs: "NOT_CHECKED:
 * CloudFormation doesn't currently return this value"), so they are taken from the stack's resource list.
 */
export function mergeResources(
  listed: StackResourceInfo[],
  drifts: ResourceDrift[],
  detectionFailed: boolean,
): ResourceReport[] {
  const byId = new Map(drifts.map((d) => [d.logicalId, d]));
  const merged = listed.map((r): ResourceReport => {
    const drift = byId.get(r.logicalId);
    if (drift) return fromDrift(drift);
    // ListStackResources' own drift summary cannot tell the two cases apart: it says NOT_CHECKED for every
    // resource of a stack that was never checked before.
    const note = detectionFailed
      ? 'not checked: drift detection failed for this stack, or the type is not drift-checkable'
      : NOT_CHECKABLE_NOTE;
    return {
      logicalId: r.logicalId,
      physicalId: r.physicalId,
      type: r.type,
      status: 'NOT_CHECKED',
      note,
      differences: [],
    };
  });
  const listedIds = new Set(listed.map((r) => r.logicalId));
  // A drift record for a resource the list did not show (created meanwhile) is still worth reporting.
  const extra = drifts.filter((d) => !listedIds.has(d.logicalId)).map(fromDrift);
  return [...merged, ...extra];
}

function hasDrift(resources: ResourceReport[]): boolean {
  return resources.some((r) => r.status === 'MODIFIED' || r.status === 'DELETED');
}

export async function detectStack(node: StackNode, context: DetectContext): Promise<StackReport> {
  const { api, clock, poll, deadline } = context;
  const base = {
    stackName: node.stackName,
    stackId: node.stackId,
    logicalId: node.logicalId,
    depth: node.depth,
    stackStatus: node.status,
  };
  const failed = (error: string, detectionId?: string): StackReport => ({
    ...base,
    outcome: 'FAILED',
    error,
    detectionId,
    resources: [],
  });
  if (node.missing !== undefined) return failed(node.missing);

  let detectionId: string;
  try {
    detectionId = await api.detectStackDrift(node.stackId);
  } catch (error) {
    return failed(`could not start drift detection: ${describeFailure(error)}`);
  }

  let status;
  for (let attempt = 0; ; attempt++) {
    const delay = pollDelay(attempt, poll);
    if (clock.now() + delay > deadline) {
      return failed(
        `timed out waiting for drift detection ${detectionId}; it may still finish in CloudFormation`,
        detectionId,
      );
    }
    await clock.sleep(delay);
    try {
      status = await api.detectionStatus(detectionId);
    } catch (error) {
      return failed(`could not read drift detection status: ${describeFailure(error)}`, detectionId);
    }
    if (status.state !== 'DETECTION_IN_PROGRESS') break;
  }

  let drifts: ResourceDrift[];
  try {
    drifts = await allPages((token) => api.resourceDrifts(node.stackId, token));
  } catch (error) {
    return failed(`could not read resource drifts: ${describeFailure(error)}`, detectionId);
  }

  const detectionFailed = status.state === 'DETECTION_FAILED';
  const resources = mergeResources(node.resources, drifts, detectionFailed);
  if (detectionFailed) {
    const error = `drift detection failed: ${status.reason ?? 'CloudFormation gave no reason'}`;
    if (drifts.length === 0) return { ...failed(error, detectionId), resources };
    return { ...base, outcome: 'PARTIAL', error, detectionId, resources };
  }
  return { ...base, outcome: hasDrift(resources) ? 'DRIFTED' : 'IN_SYNC', detectionId, resources };
}
