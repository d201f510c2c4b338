// Time, injected: tests run the pollers against a fake clock, so a 20-minute deploy takes milliseconds
// and every delay the code asks for is visible to assertions.

export interface Clock {
  now: () => number;
  /** Resolves after ms, or early (without throwing) when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * An AWS call of a poll, under Ctrl-C. The session aborts the call in flight when the signal fires (see
 * InterruptSwitch): that rejection is the interruption the poller asked for, not a failure, so it comes
 * back as INTERRUPTED. Any other error, or one while the signal is untouched, is thrown as it is.
 */
export const INTERRUPTED = Symbol('interrupted');

export async function unlessInterrupted<T>(
  call: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T | typeof INTERRUPTED> {
  try {
    return await call;
  } catch (error) {
    if (signal?.aborted) return INTERRUPTED;
    throw error;
  }
}

/** A clock that only moves when the code sleeps; records every delay. */
export function fakeClock(start = Date.UTC(2026, 0, 1)): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}
