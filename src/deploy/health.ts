// Waiting for Metabase to answer. /api/health returns 503 while Metabase initialises and 200
// {"status":"ok"} when ready; the first boot runs migrations and can take several minutes.
// With a domain whose name does not resolve yet (the CNAME the user still has to create, or a resolver
// still caching the name's absence), each probe goes on to the load balancer itself, with TLS SNI and
// Host set to the domain, and says so. DNS and TLS failures are named as such, not as "unhealthy".
import type { Clock } from './clock.js';
import { messageOf } from './errors.js';

export interface FetchInit {
  signal: AbortSignal;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Dial this host instead of the URL's; TLS SNI, the certificate check and Host stay the URL's. */
  connectTo?: string;
}

export type FetchLike = (
  url: string,
  init: FetchInit,
) => Promise<{ status: number; text(): Promise<string> }>;

/** What kind of failure a probe met: the URL's name, its certificate, the connection, or Metabase. */
export type ProbeFailure = 'dns' | 'tls' | 'network' | 'http';

export interface HealthProbe {
  /** what the last attempt saw: "HTTP 503", "connection refused", ... */
  last: string;
  attempts: number;
  elapsedMs: number;
  /** for an unhealthy last attempt: what failed */
  failure?: ProbeFailure | undefined;
  /** the host dialled instead of the URL's, when the URL's name did not resolve */
  via?: string | undefined;
}

export interface HealthOptions {
  clock: Clock;
  fetch: FetchLike;
  timeoutMs?: number;
  intervalMs?: number;
  requestTimeoutMs?: number;
  /** The load balancer's own DNS name: where to go when the URL's name does not resolve. */
  fallbackHost?: string | undefined;
  signal?: AbortSignal | undefined;
  onProbe?: ((probe: HealthProbe) => void) | undefined;
}

export type HealthResult = ({ healthy: true } | { healthy: false; interrupted: boolean }) & HealthProbe;

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME']);

/** Node's TLS verification codes, in words a user can act on. */
const TLS_REASONS: Record<string, string> = {
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not cover this name',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in an untrusted self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by a trusted authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is not signed by a trusted authority',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
};

export interface ProbeOutcome {
  ok: boolean;
  seen: string;
  failure?: ProbeFailure;
}

/** One GET, described: the HTTP status, or what kept it from getting one. */
export async function describeRequest(
  url: string,
  fetch: FetchLike,
  init: Omit<FetchInit, 'signal'>,
  timeoutMs: number,
  interrupt?: AbortSignal,
): Promise<{ response?: { status: number; body: string }; seen: string; failure?: ProbeFailure }> {
  // The URL is a stack output: one that is not a URL (a stack made by something else, a hand edit) is a
  // probe that failed, not an exception out of the error path below.
  if (!URL.canParse(url)) return { seen: `not a URL: ${JSON.stringify(url)}`, failure: 'network' };
  const timeout = AbortSignal.timeout(timeoutMs);
  // Ctrl-C ends a request that is still waiting for its answer, not only the sleep between probes.
  const signal = interrupt ? AbortSignal.any([timeout, interrupt]) : timeout;
  try {
    const response = await fetch(url, { ...init, signal });
    return {
      response: { status: response.status, body: await response.text() },
      seen: `HTTP ${response.status}`,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : (error as { code?: unknown }).code;
    const host = new URL(url).hostname;
    if (typeof code === 'string' && DNS_CODES.has(code))
      return { seen: `DNS: ${host} does not resolve (${code})`, failure: 'dns' };
    if (typeof code === 'string' && (code in TLS_REASONS || code.startsWith('ERR_SSL') || code === 'EPROTO'))
      return { seen: `TLS: ${TLS_REASONS[code] ?? 'handshake failed'} (${host}, ${code})`, failure: 'tls' };
    if (interrupt?.aborted) return { seen: 'interrupted (Ctrl-C)', failure: 'network' };
    if (timeout.aborted || (error as { name?: string }).name === 'TimeoutError')
      return { seen: `no answer within ${Math.round(timeoutMs / 1000)} s`, failure: 'network' };
    if (typeof code === 'string') return { seen: code, failure: 'network' };
    return { seen: messageOf(error), failure: 'network' };
  }
}

async function probeOnce(url: string, options: HealthOptions, connectTo?: string): Promise<ProbeOutcome> {
  const { response, seen, failure } = await describeRequest(
    url,
    options.fetch,
    connectTo === undefined ? {} : { connectTo },
    options.requestTimeoutMs ?? 10_000,
    options.signal,
  );
  if (!response) return { ok: false, seen, failure: failure ?? 'network' };
  let status: unknown;
  try {
    status = (JSON.parse(response.body) as { status?: unknown }).status;
  } catch {
    status = undefined;
  }
  if (response.status === 200 && status === 'ok') return { ok: true, seen: 'HTTP 200 {"status":"ok"}' };
  return {
    ok: false,
    seen: `HTTP ${response.status}${typeof status === 'string' ? ` (${status})` : ''}`,
    failure: 'http',
  };
}

export function healthUrl(metabaseUrl: string): string {
  return `${metabaseUrl.replace(/\/+$/, '')}/api/health`;
}

/** The probe of the URL, and when its name does not resolve, of the load balancer under that name. */
async function probeWithFallback(
  url: string,
  options: HealthOptions,
): Promise<ProbeOutcome & { via?: string }> {
  const direct = await probeOnce(url, options);
  const fallback = options.fallbackHost;
  if (direct.failure !== 'dns' || !fallback || fallback === new URL(url).hostname) return direct;
  const through = await probeOnce(url, options, fallback);
  return {
    ...through,
    seen: `${new URL(url).hostname} does not resolve yet; through the load balancer: ${through.seen}`,
    via: fallback,
  };
}

export async function waitHealthy(metabaseUrl: string, options: HealthOptions): Promise<HealthResult> {
  const { clock } = options;
  const start = clock.now();
  const timeout = options.timeoutMs ?? 15 * 60_000;
  const url = healthUrl(metabaseUrl);
  let attempts = 0;
  for (;;) {
    attempts++;
    const { ok, seen, failure, via } = await probeWithFallback(url, options);
    const probe: HealthProbe = { last: seen, attempts, elapsedMs: clock.now() - start, failure, via };
    options.onProbe?.(probe);
    if (ok) return { healthy: true, ...probe, failure: undefined };
    if (options.signal?.aborted) return { healthy: false, interrupted: true, ...probe };
    if (clock.now() - start >= timeout) return { healthy: false, interrupted: false, ...probe };
    await clock.sleep(options.intervalMs ?? 10_000, options.signal);
    if (options.signal?.aborted) return { healthy: false, interrupted: true, ...probe };
  }
}
