// The deploy flow over the AWS interfaces: identity → stack state → bucket → package → change set →
// review → execute → watch → outputs → health. Returns what happened; the CLI does all the printing
// through the hooks.
import type { CloudFormationApi, StackInfo } from '../aws/cloudformation.js';
import type { KmsApi } from '../aws/kms.js';
import type { RdsApi } from '../aws/rds.js';
import type { SecretsApi } from '../aws/secrets.js';
import type { S3Api } from '../aws/s3.js';
import type { Identity, StsApi } from '../aws/sts.js';
import { ensureArtifactsBucket, MANAGED_STACK_TAGS } from './bucket.js';
import {
  changeSetName,
  databaseRisks,
  readPreview,
  waitForChangeSet,
  type ChangePreview,
  type DatabaseRisk,
} from './changeset.js';
import type { Clock } from './clock.js';
import { OperationError } from './errors.js';
import { assertManagedStack } from './ownership.js';
import { previewBucket } from './preview.js';
import { waitHealthy, type FetchLike, type HealthProbe, type HealthResult } from './health.js';
import {
  packageTemplates,
  rootParameterNames,
  stackKeyPrefix,
  type PackageResult,
  type TemplateSet,
} from './package.js';
import { withPinnedParameters, type PinnedValue } from './pinned-parameters.js';
import { takePreUpgradeSnapshot, upgradeChanges, type UpgradeChange } from './pre-upgrade-snapshot.js';
import { planRestore, type RestorePlan } from './restore.js';
import { operationRootCause, type RootCause } from './root-cause.js';
import { certificateWatch, type PendingCertificate } from './certificate-wait.js';
import { completeSetup, type SetupOutcome } from './setup.js';
import { waitUntilGone } from './stack-state.js';
import { latestEventId, watchStack, type WatchEvent } from './watch.js';

export interface DeployDeps {
  cf: CloudFormationApi;
  s3: S3Api;
  sts: StsApi;
  region: string;
  endpoint: string | undefined;
  clock: Clock;
  fetch: FetchLike;
  /** For --restore-from and the pre-upgrade snapshot. */
  rds?: RdsApi | undefined;
  /** For --restore-from, and where the generated Metabase admin password is written (first-admin setup). */
  secrets?: SecretsApi | undefined;
  kms?: KmsApi | undefined;
  /** Checks and preparations after the stack is read and before anything changes (src/deploy/preflight.ts). */
  preflight?: PreflightStep | undefined;
}

export interface PreflightContext {
  stackName: string;
  plan: 'CREATE' | 'UPDATE' | 'RECREATE';
  existing: StackInfo | undefined;
  parameters: Record<string, string>;
  /** false for a preview (--no-execute): nothing may be created then */
  execute: boolean;
}

/** Throws an OperationError to refuse the deploy; may return the parameters to deploy instead. */
export type PreflightStep = (context: PreflightContext) => Promise<Record<string, string> | undefined>;

export interface DeployRequest {
  stackName: string;
  parameters: Record<string, string>;
  templates: TemplateSet;
  bucket?: string | undefined;
  /** CloudFormation execution role (least-privilege CI deploys). */
  roleArn?: string | undefined;
  execute: boolean;
  waitHealthy: boolean;
  healthTimeoutMs?: number | undefined;
  /** How long a certificate may wait for DNS validation (default 45 min). */
  certificatePendingLimitMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** deploy --restore-from: create the stack with its database restored from this snapshot. */
  restore?: { from: string; newSecrets: boolean } | undefined;
  /**
   * The snapshot before an upgrade: true (the default) takes one when the deploy changes a version or the
   * instance class; false (--no-snapshot) warns instead; 'done' for the later steps of a one-task-first
   * upgrade, whose first step took it (or warned) for the whole run.
   */
  preUpgradeSnapshot?: boolean | 'done' | undefined;
  preUpgradeSnapshotTimeoutMs?: number | undefined;
  /** Update or replace a stack without this tool's managed-by tag (the ownership override flag). */
  allowUnmanaged?: boolean | undefined;
}

export type DeployStep =
  | { step: 'identity'; identity: Identity; region: string }
  | { step: 'recreate'; status: string }
  | { step: 'bucket'; bucket: string; created: boolean; preview?: boolean }
  | { step: 'packaged'; result: PackageResult }
  | { step: 'change-set'; type: 'CREATE' | 'UPDATE'; name: string }
  | { step: 'restore'; plan: RestorePlan }
  | { step: 'pinned'; kept: PinnedValue[] }
  | { step: 'snapshot'; id: string; changes: UpgradeChange[]; available: boolean }
  | { step: 'snapshot-skipped'; changes: UpgradeChange[] }
  | { step: 'executing'; stackId: string }
  | { step: 'health'; url: string }
  | { step: 'setup'; url: string };

export interface DeployHooks {
  onStep?: ((step: DeployStep) => void) | undefined;
  onPreview?: ((preview: ChangePreview, risks: DatabaseRisk[]) => void) | undefined;
  /** Whether to execute the previewed change set. */
  confirm: (preview: ChangePreview, risks: DatabaseRisk[]) => Promise<boolean>;
  onEvent?: ((event: WatchEvent) => void) | undefined;
  onRound?: (() => void) | undefined;
  onHealth?: ((probe: HealthProbe) => void) | undefined;
  /** The watch is over (finished, interrupted or failed): a live view must end before anything else prints. */
  onWatchEnd?: (() => void) | undefined;
  /**
   * The stack is complete (or had nothing to change) and its outputs are known: said before any wait for
   * Metabase, so the URL is on screen while the first boot runs.
   */
  onStackReady?: ((result: DeployResult) => void) | undefined;
}

export type DeployOutcome =
  'created' | 'updated' | 'no-changes' | 'preview' | 'cancelled' | 'failed' | 'interrupted';

export interface DeployResult {
  outcome: DeployOutcome;
  /** For 'cancelled': the user said no, or Ctrl-C came before anything was executed. */
  cancelledBy?: 'user' | 'interrupt' | undefined;
  /** For 'interrupted': the error that ended the watch (throttling, network), when it was not Ctrl-C. */
  watchError?: unknown;
  stackName: string;
  stackId?: string | undefined;
  account: string;
  bucket: string;
  /** the status found before deploying, when the stack had to be deleted and recreated */
  recreatedFrom?: string | undefined;
  preview?: ChangePreview | undefined;
  status?: string | undefined;
  rootCause?: RootCause | undefined;
  outputs: Record<string, string>;
  health?: HealthResult | undefined;
  /** Metabase's first-admin setup, attempted once it is healthy. */
  setup?: SetupOutcome | undefined;
  /** For 'failed': the certificate that stayed pending DNS validation, when that is why deploy stopped. */
  certificatePending?: PendingCertificate | undefined;
  restore?: RestorePlan | undefined;
  /** The snapshot taken before this upgrade (for 'cancelled' by Ctrl-C: the one still being made). */
  preUpgradeSnapshot?: string | undefined;
}

const RECREATE = new Set(['ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS']);

/** Refuses states no change set can start from; says whether to create, update or recreate. */
export function planFor(stackName: string, stack: StackInfo | undefined): 'CREATE' | 'UPDATE' | 'RECREATE' {
  if (!stack || stack.status === 'DELETE_COMPLETE') return 'CREATE';
  if (RECREATE.has(stack.status)) return 'RECREATE';
  const subject = `deploy ${stackName}`;
  if (stack.status.endsWith('_IN_PROGRESS')) {
    throw new OperationError(
      `${subject}: the stack is busy (${stack.status}); CloudFormation runs one operation at a time`,
      `Follow it to its end with \`metabase-aws watch --stack-name ${stackName}\`, then run deploy again.`,
    );
  }
  const stuck = wayOut(stackName, stack.status);
  if (stack.status === 'UPDATE_ROLLBACK_FAILED' && stuck) {
    throw new OperationError(
      `${subject}: the stack is UPDATE_ROLLBACK_FAILED: an update failed and its rollback could not restore some resources`,
      stuck,
    );
  }
  if (stuck)
    throw new OperationError(`${subject}: the stack is ${stack.status} and cannot be updated`, stuck);
  return 'UPDATE';
}

/** The way out of a state no deploy can start from; also said after a deploy that ends in one. */
export function wayOut(stackName: string, status: string): string | undefined {
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return `Fix what the stack events name, run \`aws cloudformation continue-update-rollback --stack-name ${stackName}\` (with --resources-to-skip for resources that cannot be restored), wait for UPDATE_ROLLBACK_COMPLETE, then deploy again.`;
  }
  if (status === 'ROLLBACK_FAILED' || status === 'DELETE_FAILED') {
    return `Run \`metabase-aws destroy --stack-name ${stackName}\` to finish removing it, then deploy again.`;
  }
  return undefined;
}

function outcomeOf(status: string, type: 'CREATE' | 'UPDATE'): 'created' | 'updated' | 'failed' {
  if (status === 'CREATE_COMPLETE' && type === 'CREATE') return 'created';
  if (status === 'UPDATE_COMPLETE' && type === 'UPDATE') return 'updated';
  return 'failed';
}

export async function deploy(
  deps: DeployDeps,
  request: DeployRequest,
  hooks: DeployHooks,
): Promise<DeployResult> {
  const { cf, clock } = deps;
  const { stackName } = request;
  const identity = await deps.sts.callerIdentity();
  hooks.onStep?.({ step: 'identity', identity, region: deps.region });

  const existing = await cf.describeStack(stackName);
  const plan = planFor(stackName, existing);
  if (request.restore && plan === 'UPDATE') {
    throw new OperationError(
      `deploy ${stackName} --restore-from: the stack exists (${existing?.status}); a restore creates a new stack`,
      `Destroy it first (\`metabase-aws destroy --stack-name ${stackName}\`: its database is kept as a final snapshot), or restore into another --stack-name.`,
    );
  }
  if (existing && plan !== 'CREATE')
    assertManagedStack(`deploy`, existing, 'update', request.allowUnmanaged === true);
  if (plan === 'RECREATE' && !request.execute) {
    throw new OperationError(
      `deploy ${stackName}: the stack is ${existing?.status} from an earlier failed create; there is nothing to compare against`,
      'Run deploy without --no-execute: it deletes the empty stack and creates it again.',
    );
  }

  let restore: RestorePlan | undefined;
  if (request.restore) {
    restore = await planRestore(
      { ...restoreDeps(deps), region: deps.region, account: identity.account },
      {
        stackName,
        from: request.restore.from,
        parameters: request.parameters,
        newSecrets: request.restore.newSecrets,
      },
    );
    hooks.onStep?.({ step: 'restore', plan: restore });
  }
  // A restored stack keeps its restore parameters for good (see pinned-parameters.ts); the preflight (and
  // so the upgrade plan's steps) sees them already.
  const pinned = withPinnedParameters(
    { ...request.parameters, ...restore?.parameters },
    plan === 'UPDATE' ? existing?.parameters : undefined,
  );
  if (pinned.changed.length > 0) {
    const what = pinned.changed
      .map((c) => `${c.name} ${c.from === '' ? '(not set)' : c.from} → ${c.to}`)
      .join(', ');
    throw new OperationError(
      `deploy ${stackName}: the restore parameters of a deployed stack cannot change (${what}): CloudFormation would replace the database, or drop the secret the stack uses`,
      `Leave ${pinned.changed.map((c) => c.name).join(' and ')} out of the params file: deploy keeps what the stack has. To bring back another snapshot, destroy this stack first or restore into a new one (deploy --stack-name NEW --restore-from SNAPSHOT).`,
    );
  }
  if (pinned.kept.length > 0) hooks.onStep?.({ step: 'pinned', kept: pinned.kept });

  const requested =
    (await deps.preflight?.({
      stackName,
      plan,
      existing,
      parameters: pinned.parameters,
      execute: request.execute,
    })) ?? pinned.parameters;

  const { bucket, created } = request.execute
    ? await ensureArtifactsBucket(deps.s3, {
        account: identity.account,
        region: deps.region,
        bucket: request.bucket,
        verb: 'deploy',
        endpoint: deps.endpoint,
      })
    : {
        bucket: await previewBucket(deps.s3, { ...request, account: identity.account, region: deps.region }),
        created: false,
      };
  hooks.onStep?.({ step: 'bucket', bucket, created, preview: !request.execute });
  const packaged = await packageTemplates(
    deps.s3,
    {
      bucket,
      account: identity.account,
      region: deps.region,
      endpoint: deps.endpoint,
      keyPrefix: stackKeyPrefix(stackName, !request.execute),
    },
    request.templates,
  );
  hooks.onStep?.({ step: 'packaged', result: packaged });
  const base = {
    stackName,
    account: identity.account,
    bucket,
    outputs: {} as Record<string, string>,
    restore,
  };

  // Ctrl-C only aborts the signal (withInterrupt keeps the process alive), so every step that changes the
  // stack checks it first: after Ctrl-C nothing new may start, and a change set made so far is discarded.
  const interrupted = (): boolean => request.signal?.aborted === true;
  if (interrupted()) return { ...base, outcome: 'cancelled', cancelledBy: 'interrupt' };
  const type = plan === 'UPDATE' ? 'UPDATE' : 'CREATE';
  const recreatedFrom = plan === 'RECREATE' ? existing?.status : undefined;
  if (plan === 'RECREATE' && existing) {
    hooks.onStep?.({ step: 'recreate', status: existing.status });
    await cf.deleteStack(existing.stackId);
    await waitUntilGone(
      cf,
      existing.stackId,
      clock,
      {
        subject: `deploy ${stackName}`,
        what: 'the failed stack before recreating it',
        ifStuck: `Run \`metabase-aws destroy --stack-name ${stackName}\` to see what is stuck, then deploy again.`,
        then: 'deploy again',
      },
      undefined,
      request.signal,
    );
    if (interrupted()) return { ...base, outcome: 'cancelled', cancelledBy: 'interrupt', recreatedFrom };
  }

  const declared = new Set(rootParameterNames(request.templates.root.bytes));
  const parameters = Object.fromEntries(Object.entries(requested).filter(([name]) => declared.has(name)));
  const name = changeSetName(clock.now());
  hooks.onStep?.({ step: 'change-set', type, name });
  const changeSet = await cf.createChangeSet({
    stackName,
    changeSetName: name,
    type,
    templateUrl: packaged.rootUrl,
    parameters,
    tags: { ...MANAGED_STACK_TAGS },
    roleArn: request.roleArn,
  });
  const outcome = await waitForChangeSet(cf, changeSet.id, { clock, signal: request.signal });

  const discard = async (): Promise<void> => {
    await cf.deleteChangeSet(changeSet.id);
    // A CREATE change set leaves an empty REVIEW_IN_PROGRESS stack behind; remove it too.
    if (type === 'CREATE') await cf.deleteStack(changeSet.stackId);
  };

  if (outcome.kind === 'interrupted') {
    await discard();
    return { ...base, outcome: 'cancelled', cancelledBy: 'interrupt', recreatedFrom };
  }
  if (outcome.kind === 'empty') {
    await cf.deleteChangeSet(changeSet.id);
    const result: DeployResult = {
      ...base,
      outcome: 'no-changes',
      stackId: existing?.stackId,
      status: existing?.status,
      outputs: existing?.outputs ?? {},
    };
    return withHealth(deps, request, hooks, result);
  }
  if (outcome.kind === 'failed') {
    await discard();
    throw new OperationError(
      `deploy ${stackName}: CloudFormation rejected the change set: ${outcome.reason}`,
      'Fix the template or parameter it names, then run deploy again.',
    );
  }

  const preview = await readPreview(cf, outcome.info, type);
  const risks = databaseRisks(preview);
  hooks.onPreview?.(preview, risks);
  if (!request.execute) {
    await discard();
    return { ...base, outcome: 'preview', preview, recreatedFrom };
  }
  const cancel = async (cancelledBy: 'user' | 'interrupt'): Promise<DeployResult> => {
    await discard();
    return { ...base, outcome: 'cancelled', cancelledBy, preview, recreatedFrom };
  };
  if (interrupted()) return cancel('interrupt');
  if (!(await hooks.confirm(preview, risks))) return cancel('user');

  const afterEventId = type === 'UPDATE' ? await latestEventId(cf, changeSet.stackId) : undefined;
  // The last moment Ctrl-C can still mean "do not deploy" (with --yes there was no prompt to say no at).
  if (interrupted()) return cancel('interrupt');
  // Before anything changes, and after the user said yes: a snapshot that fails stops the deploy here.
  const snapshot = await snapshotBeforeUpgrade(deps, request, hooks, existing, pinned.parameters, type).catch(
    async (error: unknown) => {
      await discard();
      throw error;
    },
  );
  const preUpgradeSnapshot = snapshot?.id;
  if (snapshot?.interrupted || interrupted()) {
    await discard();
    return {
      ...base,
      outcome: 'cancelled',
      cancelledBy: 'interrupt',
      preview,
      recreatedFrom,
      preUpgradeSnapshot,
    };
  }
  await cf.executeChangeSet(changeSet.id);
  hooks.onStep?.({ step: 'executing', stackId: changeSet.stackId });
  let watched: Awaited<ReturnType<typeof watchStack>>;
  // A certificate ACM never validates would keep the stack waiting for days: stop watching after the
  // limit, through a signal of our own next to Ctrl-C's.
  const certificates = certificateWatch(clock, request.certificatePendingLimitMs);
  const stopWatching = new AbortController();
  let certificatePending: PendingCertificate | undefined;
  const watchSignal = request.signal
    ? AbortSignal.any([request.signal, stopWatching.signal])
    : stopWatching.signal;
  try {
    watched = await watchStack(cf, changeSet.stackId, {
      clock,
      signal: watchSignal,
      afterEventId,
      onEvent: (event) => {
        certificates.onEvent(event);
        hooks.onEvent?.(event);
      },
      onRound: () => {
        hooks.onRound?.();
        certificatePending ??= certificates.overdue();
        if (certificatePending) stopWatching.abort();
      },
    });
  } catch (error) {
    // Throttling retries exhausted, the network gone: the operation runs on in AWS, so this is an
    // interruption of the watch, not a failed deploy; the caller says both.
    hooks.onWatchEnd?.();
    return {
      ...base,
      stackId: changeSet.stackId,
      preview,
      recreatedFrom,
      outcome: 'interrupted',
      watchError: error,
      preUpgradeSnapshot,
    };
  }
  hooks.onWatchEnd?.();
  const common = {
    ...base,
    stackId: changeSet.stackId,
    preview,
    recreatedFrom,
    status: watched.status,
    preUpgradeSnapshot,
  };
  if (watched.interrupted && certificatePending && request.signal?.aborted !== true)
    return { ...common, outcome: 'failed', certificatePending };
  if (watched.interrupted) return { ...common, outcome: 'interrupted' };

  const result = outcomeOf(watched.status, type);
  if (result === 'failed') {
    const rootCause = operationRootCause(watched.events, {
      stackName,
      stackId: changeSet.stackId,
      status: watched.status,
      statusReason: watched.statusReason,
    });
    return { ...common, outcome: 'failed', rootCause };
  }
  const after = await cf.describeStack(changeSet.stackId);
  return withHealth(deps, request, hooks, { ...common, outcome: result, outputs: after?.outputs ?? {} });
}

async function withHealth(
  deps: DeployDeps,
  request: DeployRequest,
  hooks: DeployHooks,
  result: DeployResult,
): Promise<DeployResult> {
  hooks.onStackReady?.(result);
  const url = result.outputs.MetabaseUrl;
  if (!request.waitHealthy || !url) return result;
  const health = await waitForMetabase(deps, request, hooks, result.outputs, url);
  if (!health.healthy) return { ...result, health };
  // Healthy means /setup is live: claim it now, before anyone else reaches it.
  hooks.onStep?.({ step: 'setup', url });
  const setup = await completeSetup(
    { fetch: deps.fetch, secrets: deps.secrets, signal: request.signal },
    {
      metabaseUrl: url,
      via: health.via,
      adminEmail: request.parameters.AdminEmail ?? '',
      adminSecretArn: result.outputs.AdminSecretArn,
      siteName: 'Metabase',
    },
  );
  return { ...result, health, setup };
}

/** The health wait on MetabaseUrl; through the load balancer (SNI and Host the domain) while the name does not resolve. */
export function waitForMetabase(
  deps: Pick<DeployDeps, 'clock' | 'fetch'>,
  request: Pick<DeployRequest, 'healthTimeoutMs' | 'signal'>,
  hooks: Pick<DeployHooks, 'onStep' | 'onHealth'>,
  outputs: Record<string, string>,
  url: string,
): Promise<HealthResult> {
  hooks.onStep?.({ step: 'health', url });
  return waitHealthy(url, {
    clock: deps.clock,
    fetch: deps.fetch,
    timeoutMs: request.healthTimeoutMs,
    fallbackHost: outputs.LoadBalancerDnsName,
    signal: request.signal,
    onProbe: hooks.onHealth,
  });
}

function restoreDeps(deps: DeployDeps): { rds: RdsApi; secrets: SecretsApi; kms: KmsApi } {
  if (!deps.rds || !deps.secrets || !deps.kms)
    throw new Error('deploy --restore-from needs RDS, Secrets Manager and KMS');
  return { rds: deps.rds, secrets: deps.secrets, kms: deps.kms };
}

/**
 * The pre-upgrade snapshot step (src/deploy/pre-upgrade-snapshot.ts). `target` is what the whole run
 * deploys: in a one-task-first upgrade (upgrade.ts) the first step's parameters still hold the old version,
 * and the later steps pass `preUpgradeSnapshot: 'done'`, so one snapshot covers the run.
 */
async function snapshotBeforeUpgrade(
  deps: DeployDeps,
  request: DeployRequest,
  hooks: DeployHooks,
  existing: StackInfo | undefined,
  target: Record<string, string>,
  type: 'CREATE' | 'UPDATE',
): Promise<{ id: string; interrupted: boolean } | undefined> {
  if (type !== 'UPDATE' || !existing || request.preUpgradeSnapshot === 'done') return undefined;
  const changes = upgradeChanges(existing.parameters, target);
  if (changes.length === 0) return undefined;
  if (request.preUpgradeSnapshot === false) {
    hooks.onStep?.({ step: 'snapshot-skipped', changes });
    return undefined;
  }
  if (!deps.rds) throw new Error('deploy: the pre-upgrade snapshot needs RDS');
  const taken = await takePreUpgradeSnapshot(deps.rds, deps.clock, {
    stackName: request.stackName,
    instanceId: existing.outputs.DbInstanceId,
    changes,
    timeoutMs: request.preUpgradeSnapshotTimeoutMs,
    signal: request.signal,
    onCreating: (id) => hooks.onStep?.({ step: 'snapshot', id, changes, available: false }),
  });
  if (taken.kind === 'interrupted') return { id: taken.id, interrupted: true };
  hooks.onStep?.({ step: 'snapshot', id: taken.snapshot.id, changes, available: true });
  return { id: taken.snapshot.id, interrupted: false };
}
