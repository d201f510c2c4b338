// Resuming the watch of a stack operation that deploy or destroy stopped following (Ctrl-C, a lost
// connection), or that someone started elsewhere: finds where the running operation began, follows it with
// the same poller deploy uses, and explains how it ended. A stack with nothing running is reported as it
// stands. Returns what happened; the CLI prints.
import type { CloudFormationApi, StackInfo } from '../aws/cloudformation.js';
import type { Clock } from './clock.js';
import { operationRootCause, type RootCause } from './root-cause.js';
import { isFinal, STACK_TYPE, watchStack, type WatchEvent } from './watch.js';

export interface FollowDeps {
  cf: CloudFormationApi;
  clock: Clock;
}

export interface FollowRequest {
  stackName: string;
  signal?: AbortSignal | undefined;
}

export interface FollowHooks {
  /** An operation is running and is about to be followed. */
  onFollow?: ((stack: StackInfo) => void) | undefined;
  onEvent?: ((event: WatchEvent) => void) | undefined;
  onRound?: (() => void) | undefined;
  /** The watch is over: a live view must end before anything else prints. */
  onWatchEnd?: (() => void) | undefined;
}

/**
 * succeeded / failed: how the operation ended (followed or found ended); interrupted: Ctrl-C or a lost
 * connection, the operation goes on; awaiting-review: REVIEW_IN_PROGRESS, a change set nobody executed.
 */
export type FollowOutcome = 'succeeded' | 'failed' | 'interrupted' | 'awaiting-review';

export interface FollowResult {
  outcome: FollowOutcome;
  stackName: string;
  stackId: string;
  status: string;
  /** Whether an operation was running and this followed it (false: the stack was found as it is). */
  followed: boolean;
  outputs: Record<string, string>;
  rootCause?: RootCause | undefined;
  /** For 'interrupted': the error that ended the watch (throttling, network), when it was not Ctrl-C. */
  watchError?: unknown;
}

/** Ended well: a completed create, update, import or delete. A completed rollback undid a failure. */
export const isSuccess = (status: string): boolean =>
  status.endsWith('_COMPLETE') && !status.includes('ROLLBACK');

/**
 * The root event just before the current operation (running: true) or the last one (running: false):
 * the stack's own final event that ended the operation before. Events after it belong to the operation,
 * so they are replayed (what happened before Ctrl-C, and the failures the root cause is searched in).
 * undefined with `sawEnd` true: the operation is the stack's first, and all its events belong to it.
 */
async function operationStart(
  cf: CloudFormationApi,
  stackId: string,
  running: boolean,
): Promise<{ afterEventId: string | undefined; sawEnd: boolean }> {
  // An ended stack's newest own final event ends the operation asked about, not the one before it.
  let endsToSkip = running ? 0 : 1;
  let afterEventId: string | undefined;
  await cf.stackEvents(stackId, (e) => {
    if (e.resourceType !== STACK_TYPE || e.physicalId !== stackId || !isFinal(e.status)) return false;
    if (endsToSkip > 0) {
      endsToSkip--;
      return false;
    }
    afterEventId = e.eventId;
    return true;
  });
  return { afterEventId, sawEnd: endsToSkip === 0 };
}

/** undefined: the stack does not exist. */
export async function followStack(
  deps: FollowDeps,
  request: FollowRequest,
  hooks: FollowHooks = {},
): Promise<FollowResult | undefined> {
  const { cf, clock } = deps;
  const stack = await cf.describeStack(request.stackName);
  if (!stack || stack.status === 'DELETE_COMPLETE') return undefined;
  const base = {
    stackName: stack.stackName,
    stackId: stack.stackId,
    status: stack.status,
    outputs: {} as Record<string, string>,
  };
  // A CREATE change set made the stack and waits to be executed: there is no operation to follow.
  if (stack.status === 'REVIEW_IN_PROGRESS') return { ...base, outcome: 'awaiting-review', followed: false };

  if (isFinal(stack.status)) {
    if (isSuccess(stack.status))
      return { ...base, outcome: 'succeeded', followed: false, outputs: stack.outputs };
    return { ...base, outcome: 'failed', followed: false, rootCause: await lastFailure(cf, clock, stack) };
  }

  hooks.onFollow?.(stack);
  let watched: Awaited<ReturnType<typeof watchStack>>;
  try {
    const { afterEventId } = await operationStart(cf, stack.stackId, true);
    // By id, not name: a deletion is followed to its end, when the name no longer resolves.
    watched = await watchStack(cf, stack.stackId, {
      clock,
      signal: request.signal,
      afterEventId,
      onEvent: hooks.onEvent,
      onRound: hooks.onRound,
    });
  } catch (error) {
    // As in deploy: the operation runs on in AWS, only the watching ended.
    hooks.onWatchEnd?.();
    // Ctrl-C cut a read short (the session aborts reads in flight): that is the user stopping, not a loss.
    const lost = request.signal?.aborted ? {} : { watchError: error };
    return { ...base, outcome: 'interrupted', followed: true, ...lost };
  }
  hooks.onWatchEnd?.();
  const common = { ...base, status: watched.status, followed: true };
  if (watched.interrupted) return { ...common, outcome: 'interrupted' };
  if (!isSuccess(watched.status)) {
    return {
      ...common,
      outcome: 'failed',
      rootCause: operationRootCause(watched.events, {
        stackName: stack.stackName,
        stackId: stack.stackId,
        status: watched.status,
        statusReason: watched.statusReason,
      }),
    };
  }
  // A deleted stack has no outputs (describeStack by id answers DELETE_COMPLETE, or nothing).
  const after = watched.status === 'DELETE_COMPLETE' ? undefined : await cf.describeStack(stack.stackId);
  return { ...common, outcome: 'succeeded', outputs: after?.outputs ?? {} };
}

/**
 * The root cause of the operation that left the stack failed: its events replayed through the poller
 * (root, then each nested stack once), a handful of calls. Without the stack's own final event in its
 * history (a stand-in that writes none) the poller would wait for one, so only the status reason is used.
 */
async function lastFailure(
  cf: CloudFormationApi,
  clock: Clock,
  stack: StackInfo,
): Promise<RootCause | undefined> {
  const { afterEventId, sawEnd } = await operationStart(cf, stack.stackId, false);
  const events = sawEnd ? (await watchStack(cf, stack.stackId, { clock, afterEventId })).events : [];
  return operationRootCause(events, stack);
}
