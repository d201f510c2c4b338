// The stack-activity poller: follows the events of the root stack and of every nested stack it finds,
// until the root reaches a final state. It only reports events (printers live in src/ui).
//
// Budget: each stack is polled at most once a second; a quiet stack backs off (root to 2 s, so the end is
// noticed within ~2 s; nested stacks to 5 s). A finished nested stack is no longer polled, except once
// more at the end so that rollback events are complete for the root-cause search.
import type { CloudFormationApi, StackEvent } from '../aws/cloudformation.js';
import { INTERRUPTED, unlessInterrupted, type Clock } from './clock.js';
import { OperationError } from './errors.js';

export interface WatchEvent extends StackEvent {
  /** Logical id of the stack in its parent (NetworkStack), or the root stack's name. */
  stackLabel: string;
  /** 0 for the root, 1 for its nested stacks, ... */
  depth: number;
}

export interface WatchOptions {
  clock: Clock;
  signal?: AbortSignal | undefined;
  /** The newest root event before the operation began: it and older events are history. */
  afterEventId?: string | undefined;
  onEvent?: ((event: WatchEvent) => void) | undefined;
  /** Called once per polling round, e.g. to refresh elapsed times in a live view. */
  onRound?: (() => void) | undefined;
  minDelayMs?: number;
  /** Give up following after this long (default 4 h): a stuck poller must not hang the CLI forever. */
  timeoutMs?: number;
  rootMaxDelayMs?: number;
  nestedMaxDelayMs?: number;
}

export interface WatchedStackState {
  stackId: string;
  label: string;
  depth: number;
  status?: string | undefined;
}

export interface WatchResult {
  /** The root stack's final status, or its last known status when interrupted. */
  status: string;
  statusReason?: string | undefined;
  interrupted: boolean;
  /** Every event of this operation, oldest first, root and nested. */
  events: WatchEvent[];
  stacks: WatchedStackState[];
}

interface Tracked extends WatchedStackState {
  seen: Set<string>;
  nextPollAt: number;
  delay: number;
  done: boolean;
}

/** The resource type of a nested stack, and of a stack's own events. */
export const STACK_TYPE = 'AWS::CloudFormation::Stack';
export const isFinal = (status: string): boolean => status !== '' && !status.endsWith('_IN_PROGRESS');

/** The newest event id of a stack: taken before an operation so its history is not replayed. */
export async function latestEventId(cf: CloudFormationApi, stackId: string): Promise<string | undefined> {
  let taken = 0;
  const events = await cf.stackEvents(stackId, () => taken++ >= 1);
  return events[0]?.eventId;
}

export async function watchStack(
  cf: CloudFormationApi,
  rootStackId: string,
  options: WatchOptions,
): Promise<WatchResult> {
  const { clock } = options;
  const minDelay = options.minDelayMs ?? 1000;
  const tracked = new Map<string, Tracked>();
  const events: WatchEvent[] = [];
  let operationStart: number | undefined;
  let rootStatus = '';
  let rootReason: string | undefined;
  let rootDone = false;

  const track = (stackId: string, label: string, depth: number): void => {
    if (tracked.has(stackId)) return;
    tracked.set(stackId, {
      stackId,
      label,
      depth,
      seen: new Set(),
      nextPollAt: clock.now(),
      delay: minDelay,
      done: false,
    });
  };
  track(rootStackId, '', 0);

  const poll = async (stack: Tracked): Promise<number> => {
    const isRoot = stack.depth === 0;
    const fresh = await cf.stackEvents(stack.stackId, (e) => {
      if (stack.seen.has(e.eventId)) return true;
      if (isRoot && options.afterEventId !== undefined && e.eventId === options.afterEventId) return true;
      // Nested stacks carry the history of earlier updates; the operation began with the root's first event.
      return !isRoot && operationStart !== undefined && e.timestamp.getTime() < operationStart;
    });
    fresh.reverse();
    for (const e of fresh) {
      stack.seen.add(e.eventId);
      if (isRoot) operationStart ??= e.timestamp.getTime() - 1000;
      if (isRoot && !stack.label) stack.label = e.stackName;
      const watchEvent: WatchEvent = { ...e, stackLabel: stack.label || e.stackName, depth: stack.depth };
      events.push(watchEvent);
      options.onEvent?.(watchEvent);
      const self = e.resourceType === STACK_TYPE && e.physicalId === stack.stackId;
      if (self) {
        stack.status = e.status;
        // A later in-progress event of the stack itself (e.g. UPDATE_COMPLETE_CLEANUP_IN_PROGRESS) means it is not done yet.
        stack.done = isFinal(e.status);
      } else if (e.resourceType === STACK_TYPE && e.physicalId !== '') {
        // AWS names a nested stack by ARN (empty in its first event); moto by name. Both work as StackName.
        track(e.physicalId, e.logicalId, stack.depth + 1);
      }
    }
    return fresh.length;
  };

  /** Whether DescribeStacks agrees that the root has reached a final state. */
  const confirmRootFinal = async (): Promise<boolean> => {
    const info = await cf.describeStack(rootStackId);
    // A root stack that vanished by id can only have been deleted.
    const status = info?.status ?? 'DELETE_COMPLETE';
    rootStatus = status;
    rootReason = info?.statusReason;
    return isFinal(status);
  };

  const timeoutMs = options.timeoutMs ?? 4 * 60 * 60_000;
  const deadline = clock.now() + timeoutMs;
  while (!rootDone) {
    if (options.signal?.aborted) break;
    if (clock.now() >= deadline) {
      const root = tracked.get(rootStackId);
      const last = root?.status ?? (rootStatus || 'unknown');
      throw new OperationError(
        `watch ${root?.label || rootStackId}: gave up following after ${Math.round(timeoutMs / 60_000)} min (last status ${last}${root?.done ? ', though its final event was seen' : ''})`,
        'Look at the stack in the CloudFormation console; the operation may still be running there.',
      );
    }
    const active = [...tracked.values()].filter((s) => !s.done || s.depth === 0);
    const next = Math.min(...active.map((s) => s.nextPollAt));
    if (next > clock.now()) await clock.sleep(next - clock.now(), options.signal);
    if (options.signal?.aborted) break;
    const confirmed = await unlessInterrupted(
      (async (): Promise<boolean> => {
        for (const stack of active.filter((s) => s.nextPollAt <= clock.now())) {
          const count = await poll(stack);
          const cap =
            stack.depth === 0 ? (options.rootMaxDelayMs ?? 2000) : (options.nestedMaxDelayMs ?? 5000);
          stack.delay = count > 0 ? minDelay : Math.min(Math.round(stack.delay * 1.5), cap);
          stack.nextPollAt = clock.now() + stack.delay;
        }
        options.onRound?.();
        // The root's final event was seen: DescribeStacks must agree before the watch ends. It can lag
        // behind the events for a while (eventual consistency), so ask again every round until it does;
        // root.done stays set, or the next round would never ask again and the watch would hang.
        return tracked.get(rootStackId)?.done === true && (await confirmRootFinal());
      })(),
      options.signal,
    );
    if (confirmed === INTERRUPTED) break;
    rootDone = confirmed;
  }

  if (rootDone) {
    // One last look at every nested stack: their final (rollback) events explain a failure.
    for (const stack of tracked.values()) if (stack.depth > 0) await poll(stack);
  } else {
    rootStatus = tracked.get(rootStackId)?.status ?? rootStatus;
  }
  events.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  return {
    status: rootStatus,
    statusReason: rootReason,
    interrupted: !rootDone,
    events,
    stacks: [...tracked.values()].map(({ stackId, label, depth, status }) => ({
      stackId,
      label,
      depth,
      status,
    })),
  };
}
