// The destroy flow: plan (what goes, what stays, what blocks) → delete the root stack and follow it →
// on DELETE_FAILED retry or retain → find the DB's final snapshot → remove the artifacts bucket if this
// tool made it. Returns what happened; the CLI prints and asks.
import { load } from 'js-yaml';
import type { CloudFormationApi, StackInfo } from '../aws/cloudformation.js';
import type { RdsApi } from '../aws/rds.js';
import type { S3Api } from '../aws/s3.js';
import type { StsApi } from '../aws/sts.js';
import { createdByThisTool, defaultBucketName, emptyAndDeleteBucket, stacksSharingBucket } from './bucket.js';
import type { Clock } from './clock.js';
import { assertManagedStack } from './ownership.js';
import { OperationError } from './errors.js';
import { deleteFailures } from './root-cause.js';
import { stackSnapshots, type StackSnapshot } from './snapshots.js';
import { waitUntilGone } from './stack-state.js';
import { latestEventId, STACK_TYPE, watchStack, type WatchEvent } from './watch.js';

export interface DestroyDeps {
  cf: CloudFormationApi;
  s3: S3Api;
  sts: StsApi;
  rds: RdsApi;
  region: string;
  clock: Clock;
}

export interface TierPlan {
  label: string;
  stackId: string;
  resources: number;
}

export interface KeptResource {
  path: string;
  resourceType: string;
  physicalId: string;
  policy: string;
}

export interface DestroyPlan {
  stack: StackInfo;
  account: string;
  tiers: TierPlan[];
  /** Resources with DeletionPolicy Retain or Snapshot: they (or their snapshot) outlive the stack. */
  kept: KeptResource[];
  database?:
    { instanceId: string; deletionProtection: boolean; allocatedStorageGiB?: number | undefined } | undefined;
  bucket: BucketPlan;
  /**
   * This stack's manual snapshots that exist already (pre-upgrade ones, finals of an earlier life): they
   * are not the stack's resources, so they outlive it untouched and bill in full once no instance is left.
   */
  earlierSnapshots: StackSnapshot[];
  /** The stack is already DELETE_IN_PROGRESS (an earlier destroy was interrupted): follow it, do not start one. */
  following: boolean;
  /**
   * The stack's certificate was DNS-validated in a Route 53 zone: the validation CNAME that CloudFormation
   * wrote there outlives the certificate, as CloudFormation does not delete it
   * (aws-cloudformation/cloudformation-coverage-roadmap#1603). It is free, and ACM reuses the same record
   * for a new certificate of that name in this account, so destroy only says so.
   */
  dnsValidationRecord?: { domainName: string; hostedZoneId: string } | undefined;
}

export interface BucketPlan {
  name: string;
  exists: boolean;
  createdByTool: boolean;
}

const DB_TYPE = 'AWS::RDS::DBInstance';
const CERTIFICATE_TYPE = 'AWS::CertificateManager::Certificate';

function deletionPolicies(body: string): Record<string, string> {
  try {
    const template = load(body) as { Resources?: Record<string, { DeletionPolicy?: unknown }> } | undefined;
    const entries = Object.entries(template?.Resources ?? {}).filter(
      ([, r]) => typeof r.DeletionPolicy === 'string',
    );
    return Object.fromEntries(entries.map(([id, r]) => [id, String(r.DeletionPolicy)]));
  } catch {
    // Short-form tags (!Ref) from a template this tool did not write: no policies known, nothing claimed.
    return {};
  }
}

export async function planDestroy(
  deps: DestroyDeps,
  request: { stackName: string; bucket?: string | undefined; allowUnmanaged?: boolean | undefined },
): Promise<DestroyPlan | undefined> {
  const { cf } = deps;
  const identity = await deps.sts.callerIdentity();
  const stack = await cf.describeStack(request.stackName);
  if (!stack || stack.status === 'DELETE_COMPLETE') return undefined;
  const following = stack.status === 'DELETE_IN_PROGRESS';
  if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS' && !following) {
    throw new OperationError(
      `destroy ${request.stackName}: the stack is busy (${stack.status})`,
      `Follow it to its end with \`metabase-aws watch --stack-name ${request.stackName}\`, then run destroy again.`,
    );
  }
  assertManagedStack('destroy', stack, 'delete', request.allowUnmanaged === true);
  const tiers: TierPlan[] = [];
  const kept: KeptResource[] = [];
  let database: DestroyPlan['database'];
  const certificates: string[] = [];
  const visit = async (stackId: string, label: string, prefix: string): Promise<void> => {
    const [resources, body] = await Promise.all([cf.stackResources(stackId), cf.templateBody(stackId)]);
    const policies = deletionPolicies(body);
    tiers.push({ label, stackId, resources: resources.filter((r) => r.resourceType !== STACK_TYPE).length });
    for (const r of resources) {
      const policy = policies[r.logicalId];
      if (policy === 'Retain' || policy === 'RetainExceptOnCreate' || policy === 'Snapshot') {
        kept.push({
          path: `${prefix}${r.logicalId}`,
          resourceType: r.resourceType,
          physicalId: r.physicalId,
          policy,
        });
      }
      if (r.resourceType === CERTIFICATE_TYPE && r.physicalId !== '') certificates.push(r.physicalId);
      if (r.resourceType === DB_TYPE && r.physicalId && !database) {
        const db = await deps.rds.describeInstance(r.physicalId);
        database = {
          instanceId: r.physicalId,
          deletionProtection: db?.deletionProtection ?? false,
          allocatedStorageGiB: db?.allocatedStorageGiB,
        };
      }
    }
    for (const nested of resources.filter((r) => r.resourceType === STACK_TYPE && r.physicalId !== '')) {
      await visit(nested.physicalId, nested.logicalId, `${prefix}${nested.logicalId}/`);
    }
  };
  try {
    await visit(stack.stackId, stack.stackName, '');
  } catch (error) {
    // A deletion under way removes nested stacks as we read them: the plan is only for show then.
    if (!following) throw error;
  }
  const bucket = await planBucket(deps, identity.account, request.bucket);
  const earlierSnapshots = await stackSnapshots(deps.rds, stack.stackName);
  const domainName = stack.parameters['DomainName'] ?? '';
  const hostedZoneId = stack.parameters['HostedZoneId'] ?? '';
  const dnsValidationRecord =
    certificates.length > 0 && domainName !== '' && hostedZoneId !== ''
      ? { domainName, hostedZoneId }
      : undefined;
  return {
    stack,
    account: identity.account,
    tiers,
    kept,
    database,
    bucket,
    earlierSnapshots,
    following,
    dnsValidationRecord,
  };
}

async function planBucket(
  deps: DestroyDeps,
  account: string,
  bucket: string | undefined,
): Promise<BucketPlan> {
  const name = bucket ?? defaultBucketName(account, deps.region);
  const state = await deps.s3.bucketState(name, account);
  const createdByTool = state === 'ours' && (await createdByThisTool(deps.s3, name, account));
  return { name, exists: state === 'ours', createdByTool };
}

/**
 * Refuses a deletion that protection would stop half-way, unless --disable-protection. The one place this
 * is decided: the command calls it before asking, executeDestroy again before deleting.
 */
export function refuseIfProtected(plan: DestroyPlan, disableProtection: boolean): void {
  const blocking = protections(plan);
  if (blocking.length === 0 || disableProtection) return;
  const name = plan.stack.stackName;
  throw new OperationError(
    `destroy ${name}: ${blocking.join(' and ')} is on, so the deletion would stop half-way`,
    plan.database?.deletionProtection
      ? `Deploy with "DbDeletionProtection": "false" in the params file first, or pass --disable-protection to turn it off now.`
      : `Run \`aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${name}\`, or pass --disable-protection.`,
  );
}

/** What stops a deletion half-way unless switched off first. */
export function protections(plan: DestroyPlan): string[] {
  const found: string[] = [];
  if (plan.stack.terminationProtection) found.push('termination protection on the stack');
  if (plan.database?.deletionProtection)
    found.push(`deletion protection on the database ${plan.database.instanceId}`);
  return found;
}

export interface LeftBehind {
  path: string;
  resourceType: string;
  physicalId: string;
  reason: string;
}

export type FailureDecision = 'retry' | 'retain' | 'stop';

export interface DestroyHooks {
  onEvent?: ((event: WatchEvent) => void) | undefined;
  onRound?: (() => void) | undefined;
  onStep?: ((text: string) => void) | undefined;
  /** DELETE_FAILED: what next. */
  onDeleteFailed: (failures: LeftBehind[], attempt: number) => Promise<FailureDecision>;
  /** A watch is over: a live view must end before anything else prints. */
  onWatchEnd?: (() => void) | undefined;
}

export interface DestroyResult {
  outcome: 'deleted' | 'failed' | 'interrupted';
  status: string;
  snapshotId?: string | undefined;
  kept: KeptResource[];
  leftBehind: LeftBehind[];
  failures: LeftBehind[];
  bucket: BucketResult;
  /** For 'interrupted': the error that ended the watch (throttling, network), when it was not Ctrl-C. */
  watchError?: unknown;
}

export interface BucketResult {
  name: string;
  deleted: boolean;
  objectsRemoved: number;
  keptBecause?: string | undefined;
}

const asLeftBehind = (e: WatchEvent): LeftBehind => ({
  path: e.depth === 0 ? e.logicalId : `${e.stackLabel}/${e.logicalId}`,
  resourceType: e.resourceType,
  physicalId: e.physicalId,
  reason: e.reason ?? 'no reason given',
});

export async function executeDestroy(
  deps: DestroyDeps,
  plan: DestroyPlan,
  options: {
    disableProtection: boolean;
    retainFailed: boolean;
    keepArtifacts: boolean;
    signal?: AbortSignal | undefined;
    maxAttempts?: number;
  },
  hooks: DestroyHooks,
): Promise<DestroyResult> {
  const { cf, clock } = deps;
  const stackId = plan.stack.stackId;
  const name = plan.stack.stackName;
  // A deletion already running is past any protection; only a new one is checked.
  if (!plan.following) refuseIfProtected(plan, options.disableProtection);
  if (!plan.following && protections(plan).length > 0) {
    if (plan.stack.terminationProtection) {
      hooks.onStep?.('Turning off termination protection');
      await cf.setTerminationProtection(stackId, false);
    }
    if (plan.database?.deletionProtection) {
      hooks.onStep?.(`Turning off deletion protection on ${plan.database.instanceId}`);
      await deps.rds.disableDeletionProtection(plan.database.instanceId);
    }
  }
  const started = clock.now();
  const leftBehind: LeftBehind[] = [];
  const bucketResult: BucketResult = { name: plan.bucket.name, deleted: false, objectsRemoved: 0 };
  let retain: string[] = [];
  let status = plan.stack.status;
  for (let attempt = 1; ; attempt++) {
    const afterEventId = await latestEventId(cf, stackId);
    if (!(plan.following && attempt === 1)) await cf.deleteStack(stackId, retain);
    let watched: Awaited<ReturnType<typeof watchStack>>;
    try {
      watched = await watchStack(cf, stackId, {
        clock,
        signal: options.signal,
        afterEventId,
        onEvent: hooks.onEvent,
        onRound: hooks.onRound,
      });
    } catch (error) {
      // Throttling or the network ended the watch, not the deletion: report it as an interruption.
      hooks.onWatchEnd?.();
      return {
        outcome: 'interrupted',
        status,
        kept: plan.kept,
        leftBehind,
        failures: [],
        bucket: { ...bucketResult, keptBecause: 'destroy lost track of the deletion' },
        watchError: error,
      };
    }
    hooks.onWatchEnd?.();
    status = watched.status;
    if (watched.interrupted)
      return {
        outcome: 'interrupted',
        status,
        kept: plan.kept,
        leftBehind,
        failures: [],
        bucket: { ...bucketResult, keptBecause: 'destroy was interrupted' },
      };
    if (status === 'DELETE_COMPLETE') break;
    const failedEvents = deleteFailures(watched.events);
    const failures = failedEvents.filter((e) => e.resourceType !== STACK_TYPE).map(asLeftBehind);
    const decision =
      attempt >= (options.maxAttempts ?? 3)
        ? 'stop'
        : options.retainFailed
          ? 'retain'
          : await hooks.onDeleteFailed(failures, attempt);
    if (decision === 'stop')
      return {
        outcome: 'failed',
        status,
        kept: plan.kept,
        leftBehind,
        failures,
        bucket: { ...bucketResult, keptBecause: 'the stack still exists' },
      };
    retain = [];
    if (decision === 'retain') {
      // RetainResources applies to the stack that holds the resource: nested ones are deleted on their own first.
      for (const [nestedId, events] of groupBy(
        failedEvents.filter((e) => e.depth > 0 && e.resourceType !== STACK_TYPE),
        (e) => e.stackId,
      )) {
        hooks.onStep?.(
          `Deleting ${events[0]?.stackLabel} without ${events.map((e) => e.logicalId).join(', ')}`,
        );
        await cf.deleteStack(
          nestedId,
          events.map((e) => e.logicalId),
        );
        await waitUntilGone(cf, nestedId, clock, {
          subject: `destroy ${name}`,
          what: `the nested stack ${events[0]?.stackLabel ?? nestedId} (keeping ${events.map((e) => e.logicalId).join(', ')})`,
          ifStuck: `Look at the events of that nested stack in the CloudFormation console, fix what they name, then run destroy again.`,
          then: 'run destroy again',
        });
      }
      retain = failedEvents
        .filter((e) => e.depth === 0 && e.resourceType !== STACK_TYPE)
        .map((e) => e.logicalId);
      leftBehind.push(...failures);
    }
  }

  let snapshotId: string | undefined;
  if (plan.database) {
    const snapshots = await deps.rds.snapshotsOf(plan.database.instanceId);
    // Only a snapshot taken during this destroy is the final one; an older manual one is not (and
    // calling it final would send a restore to stale data). None found is said as such.
    snapshotId = snapshots.find((s) => (s.created?.getTime() ?? 0) >= started - 60_000)?.id;
  }
  const bucket = await removeArtifactsBucket(
    deps,
    plan.account,
    plan.bucket,
    { keepArtifacts: options.keepArtifacts, stackId },
    hooks,
  );
  return { outcome: 'deleted', status, snapshotId, kept: plan.kept, leftBehind, failures: [], bucket };
}

/** Empties and deletes the artifacts bucket, unless told to keep it, it is not ours, or another stack uses it. */
async function removeArtifactsBucket(
  deps: DestroyDeps,
  account: string,
  bucket: BucketPlan,
  options: { keepArtifacts: boolean; stackId?: string | undefined },
  hooks: Pick<DestroyHooks, 'onStep'>,
): Promise<BucketResult> {
  const result: BucketResult = { name: bucket.name, deleted: false, objectsRemoved: 0 };
  if (!bucket.exists) return { ...result, keptBecause: 'it does not exist' };
  if (options.keepArtifacts) return { ...result, keptBecause: '--keep-artifacts' };
  if (!bucket.createdByTool) return { ...result, keptBecause: 'this tool did not create it' };
  let sharing: string[];
  try {
    sharing = await stacksSharingBucket(deps.cf, bucket.name, options.stackId);
  } catch (error) {
    // Listing stacks needs cloudformation:DescribeStacks on "*", which a role scoped to metabase-* may lack:
    // unable to tell whether another stack reads the bucket, keep it (the safe side) and say so.
    // The AWS error's name says it (AccessDenied); a plain Error (a network failure) only its message does.
    const why =
      error instanceof Error
        ? error.name !== 'Error' || error.message === ''
          ? error.name
          : error.message
        : 'error';
    return {
      ...result,
      keptBecause: `could not list the stacks to check that none uses it (${why}); delete it by hand once none does`,
    };
  }
  if (sharing.length > 0) return { ...result, keptBecause: `shared with ${sharing.join(', ')}` };
  hooks.onStep?.(`Emptying and deleting s3://${bucket.name}`);
  return {
    ...result,
    deleted: true,
    objectsRemoved: await emptyAndDeleteBucket(deps.s3, bucket.name, account),
  };
}

/**
 * The stack is already gone (deleted by hand, or by a destroy interrupted after the stack went): the
 * artifacts bucket may still be there, and removing it is the step that destroy did not get to.
 */
export async function cleanUpAfterGone(
  deps: DestroyDeps,
  request: { bucket?: string | undefined; keepArtifacts: boolean },
  hooks: Pick<DestroyHooks, 'onStep'> = {},
): Promise<BucketResult> {
  const identity = await deps.sts.callerIdentity();
  const bucket = await planBucket(deps, identity.account, request.bucket);
  return removeArtifactsBucket(
    deps,
    identity.account,
    bucket,
    { keepArtifacts: request.keepArtifacts },
    hooks,
  );
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
