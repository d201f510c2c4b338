// Claiming a fresh Metabase before anyone else can. A new Metabase serves /setup, and whoever completes
// it first becomes the admin. deploy completes it itself, right after /api/health is ok:
//   GET  /api/session/properties → "has-user-setup" and "setup-token" (public settings; the token is
//        cleared once used; metabase/metabase src/metabase/setup/settings.clj)
//   POST /api/setup {token, user: {email, password}, prefs: {site_name}} → 200 and a session id; 403
//        "The /api/setup route can only be used to create the first user, however a user currently
//        exists." once a user exists (src/metabase/setup/api.clj, docs/api/setup.md).
// The password is generated here and written to the stack's AdminSecret *before* it is sent, so a setup
// that succeeds always has its password stored. Nothing reads it back, and nothing prints it; the
// session id Metabase returns is dropped unread.
import { randomBytes } from 'node:crypto';
import type { SecretsApi } from '../aws/secrets.js';
import { describeRequest, type FetchLike } from './health.js';

export interface SetupDeps {
  fetch: FetchLike;
  secrets?: SecretsApi | undefined;
  /** Tests pin it; real runs use generateAdminPassword. */
  generatePassword?: (() => string) | undefined;
  requestTimeoutMs?: number | undefined;
  /** Ctrl-C: ends a request in flight; the setup then stops where it is. */
  signal?: AbortSignal | undefined;
}

export interface SetupRequest {
  metabaseUrl: string;
  /** The load balancer to dial when the URL's name does not resolve yet (as the health wait did). */
  via?: string | undefined;
  /** AdminEmail; empty: nobody is claimed and /setup stays open. */
  adminEmail: string;
  /** The stack's AdminSecretArn output. */
  adminSecretArn?: string | undefined;
  siteName: string;
}

export type SetupOutcome =
  | { kind: 'done'; adminEmail: string; secretArn: string }
  /** Metabase had a user already; `passwordUnused` when ours was stored but Metabase refused it (403). */
  | { kind: 'already-set-up'; passwordUnused?: string | undefined }
  | { kind: 'open' }
  /** Ctrl-C before the setup was completed: /setup may still be open. */
  | { kind: 'interrupted' }
  | { kind: 'failed'; reason: string };

const PASSWORD_CLASSES = [/[a-z]/, /[A-Z]/, /[0-9]/, /[-_]/];

/** 32 characters of base64url (192 random bits) with each character class Metabase's "strong" rule wants. */
export function generateAdminPassword(): string {
  for (;;) {
    const candidate = randomBytes(24).toString('base64url');
    if (PASSWORD_CLASSES.every((pattern) => pattern.test(candidate))) return candidate;
  }
}

interface SessionProperties {
  'has-user-setup'?: unknown;
  'setup-token'?: unknown;
}

export async function completeSetup(deps: SetupDeps, request: SetupRequest): Promise<SetupOutcome> {
  const base = request.metabaseUrl.replace(/\/+$/, '');
  const timeout = deps.requestTimeoutMs ?? 15_000;
  const route = request.via === undefined ? {} : { connectTo: request.via };
  const properties = await describeRequest(
    `${base}/api/session/properties`,
    deps.fetch,
    route,
    timeout,
    deps.signal,
  );
  if (deps.signal?.aborted) return { kind: 'interrupted' };
  if (!properties.response || properties.response.status !== 200) {
    return { kind: 'failed', reason: `GET /api/session/properties: ${properties.seen}` };
  }
  let parsed: SessionProperties;
  try {
    parsed = JSON.parse(properties.response.body) as SessionProperties;
  } catch {
    return { kind: 'failed', reason: 'GET /api/session/properties: the answer is not JSON' };
  }
  if (parsed['has-user-setup'] === true) return { kind: 'already-set-up' };
  if (request.adminEmail === '') return { kind: 'open' };
  const token = parsed['setup-token'];
  if (typeof token !== 'string' || token === '') {
    return { kind: 'failed', reason: 'GET /api/session/properties: no setup-token although no user exists' };
  }
  if (!request.adminSecretArn || !deps.secrets) {
    return { kind: 'failed', reason: 'the stack has no AdminSecretArn output to store the password in' };
  }
  const password = (deps.generatePassword ?? generateAdminPassword)();
  try {
    await deps.secrets.putSecretValue(
      request.adminSecretArn,
      JSON.stringify({ username: request.adminEmail, password }),
    );
  } catch (error) {
    return {
      kind: 'failed',
      reason: `storing the admin password in ${request.adminSecretArn}: ${(error as Error).message}`,
    };
  }
  const body = JSON.stringify({
    token,
    user: { email: request.adminEmail, password },
    prefs: { site_name: request.siteName, allow_tracking: false },
  });
  const setup = await describeRequest(
    `${base}/api/setup`,
    deps.fetch,
    { ...route, method: 'POST', body },
    timeout,
    deps.signal,
  );
  if (deps.signal?.aborted) return { kind: 'interrupted' };
  const status = setup.response?.status;
  if (status === 200)
    return { kind: 'done', adminEmail: request.adminEmail, secretArn: request.adminSecretArn };
  if (status === 403) return { kind: 'already-set-up', passwordUnused: request.adminSecretArn };
  return { kind: 'failed', reason: `POST /api/setup: ${setup.seen}${errorFields(setup.response?.body)}` };
}

/** Which fields Metabase refused (its 400 names them), never any value. */
function errorFields(body: string | undefined): string {
  try {
    const errors = (JSON.parse(body ?? '') as { errors?: unknown }).errors;
    if (errors && typeof errors === 'object') return ` (refused: ${Object.keys(errors).join(', ')})`;
  } catch {
    // not JSON: nothing to add
  }
  return '';
}
