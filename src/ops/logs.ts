// Reading the Metabase container logs: one window (--since .. now), or following new events (--follow)
// by polling FilterLogEvents at most once a second. Returns what it did; printing is the caller's.
import type { LogEvent, LogsApi } from '../aws/logs.js';
import { INTERRUPTED, unlessInterrupted, type Clock } from '../deploy/clock.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `2h`, `1d`, `45s`, or an ISO 8601 time: the start of the window in ms, or undefined if neither. */
export function parseSince(value: string, now: number): number | undefined {
  const duration = /^(\d+)([smhd])$/.exec(value.trim());
  if (duration) return now - Number(duration[1]) * (UNITS[duration[2] ?? ''] ?? 0);
  // Date.parse reads much more than ISO (e.g. "1"); accept only what starts like an ISO date.
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return undefined;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? undefined : time;
}

/** The ECS task id of an awslogs stream (`<prefix>/<container>/<task-id>`), or the stream name itself. */
export function taskIdOf(streamName: string): string {
  return streamName.split('/').pop() ?? streamName;
}

/** A task id short enough to read, long enough to tell a service's tasks apart (like a short git hash). */
export const shortTaskId = (taskId: string): string => taskId.slice(0, 8);

export interface LogsRequest {
  logGroupName: string;
  startTime: number;
  filterPattern?: string | undefined;
  follow: boolean;
  signal?: AbortSignal | undefined;
}

export interface LogsResult {
  /** undefined: the log group does not exist (yet) */
  found: boolean;
  events: number;
  /** where the window ended (not following), or the last poll (following) */
  endTime: number;
  interrupted: boolean;
}

/** At most one FilterLogEvents call a second while following (the bound; the API allows more). */
export const POLL_INTERVAL_MS = 1000;
/**
 * How far back each poll looks again. FilterLogEvents sorts by event time, and an event can reach
 * CloudWatch after a later one was already read (the awslogs driver sends in batches, streams of two
 * tasks race): re-reading this window with the ids already printed set aside shows such a late event
 * once instead of skipping it. Only an event arriving more than this late is missed.
 */
export const LOOKBACK_MS = 30_000;

export async function readLogs(
  deps: { logs: LogsApi; clock: Clock },
  request: LogsRequest,
  onEvent: (event: LogEvent) => void,
): Promise<LogsResult> {
  const { logs, clock } = deps;
  const signal = request.signal;
  let count = 0;
  let lastCall: number | undefined;

  /** One pass over [from, to] through every page; each call waits its turn when following. */
  const pass = async (
    from: number,
    to: number | undefined,
    take: (e: LogEvent) => void,
  ): Promise<boolean> => {
    let token: string | undefined;
    do {
      if (request.follow && lastCall !== undefined) {
        const wait = lastCall + POLL_INTERVAL_MS - clock.now();
        if (wait > 0) await clock.sleep(wait, signal);
      }
      if (signal?.aborted) return true;
      lastCall = clock.now();
      const page = await unlessInterrupted(
        logs.filterEvents({
          logGroupName: request.logGroupName,
          startTime: from,
          endTime: to,
          filterPattern: request.filterPattern,
          nextToken: token,
        }),
        signal,
      );
      if (page === INTERRUPTED) return true;
      if (!page) return false;
      for (const event of page.events) take(event);
      token = page.nextToken;
    } while (token);
    return true;
  };

  if (!request.follow) {
    const endTime = clock.now();
    const found = await pass(request.startTime, endTime, (event) => {
      count++;
      onEvent(event);
    });
    return { found, events: count, endTime, interrupted: signal?.aborted === true };
  }

  // Following: the cursor is the newest event time seen; each poll reads from LOOKBACK_MS before it and
  // drops the ids already printed. Ids older than the next poll's start can never come back: forget them.
  let newest = request.startTime;
  const printed = new Map<string, number>();
  let found = true;
  while (!signal?.aborted) {
    const from = Math.max(request.startTime, newest - LOOKBACK_MS);
    found = await pass(from, undefined, (event) => {
      if (printed.has(event.eventId)) return;
      printed.set(event.eventId, event.timestamp);
      newest = Math.max(newest, event.timestamp);
      count++;
      onEvent(event);
    });
    if (!found) break;
    const nextFrom = Math.max(request.startTime, newest - LOOKBACK_MS);
    for (const [id, timestamp] of printed) if (timestamp < nextFrom) printed.delete(id);
  }
  return { found, events: count, endTime: clock.now(), interrupted: signal?.aborted === true };
}
