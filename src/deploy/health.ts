// Waiting for Metabase to answer. /api/health returns 503 while Metabase initialises and 200
// {"status":"ok"} when ready; the first boot runs migrations and can take several minutes.
import type { Clock } from './clock.js';
import { messageOf } from './errors.js';

export type FetchLike = (
  url: string,
  init: { signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface HealthProbe {
  /** what the last attempt saw: "HTTP 503", "connection refused", ... */
  last: string;
  attempts: number;
  elapsedMs: number;
}

export interface HealthOptions {
  clock: Clock;
  fetch: FetchLike;
  timeoutMs?: number;
  intervalMs?: number;
  requestTimeoutMs?: number;
  signal?: AbortSignal | undefined;
  onProbe?: ((probe: HealthProbe) => void) | undefined;
}

export type HealthResult = ({ healthy: true } | { healthy: false; interrupted: boolean }) & HealthProbe;

async function probeOnce(url: string, options: HealthOptions): Promise<{ ok: boolean; seen: string }> {
  try {
    const response = await options.fetch(url, {
      // Ctrl-C ends a probe that is still waiting for its answer, not only the sleep between probes.
      signal: anyOf(AbortSignal.timeout(options.requestTimeoutMs ?? 10_000), options.signal),
    });
    const body = await response.text();
    let status: unknown;
    try {
      status = (JSON.parse(body) as { status?: unknown }).status;
    } catch {
      status = undefined;
    }
    if (response.status === 200 && status === 'ok') return { ok: true, seen: 'HTTP 200 {"status":"ok"}' };
    return { ok: false, seen: `HTTP ${response.status}${typeof status === 'string' ? ` (${status})` : ''}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as { name?: string }).name;
    return {
      ok: false,
      seen: cause ?? (name === 'TimeoutError' ? 'no answer within 10 s' : messageOf(error)),
    };
  }
}

function anyOf(timeout: AbortSignal, interrupt: AbortSignal | undefined): AbortSignal {
  return interrupt ? AbortSignal.any([timeout, interrupt]) : timeout;
}

export function healthUrl(metabaseUrl: string): string {
  return `${metabaseUrl.replace(/\/+$/, '')}/api/health`;
}

export async function waitHealthy(metabaseUrl: string, options: HealthOptions): Promise<HealthResult> {
  const { clock } = options;
  const start = clock.now();
  const timeout = options.timeoutMs ?? 15 * 60_000;
  const url = healthUrl(metabaseUrl);
  let attempts = 0;
  for (;;) {
    attempts++;
    const { ok, seen } = await probeOnce(url, options);
    const probe = { last: seen, attempts, elapsedMs: clock.now() - start };
    options.onProbe?.(probe);
    if (ok) return { healthy: true, ...probe };
    if (options.signal?.aborted) return { healthy: false, interrupted: true, ...probe };
    if (clock.now() - start >= timeout) return { healthy: false, interrupted: false, ...probe };
    await clock.sleep(options.intervalMs ?? 10_000, options.signal);
    if (options.signal?.aborted) return { healthy: false, interrupted: true, ...probe };
  }
}
