// `status` gathers the state of one deployed stack: the URL and a live /api/health, the stack's last
// operation, the ECS service and its rollout, the Metabase version its task definition runs, the
// database, the NAT mode and the alarms in ALARM. Sections that fail are reported as unavailable, not
// fatal: the rest is still worth seeing. Returns data; src/ui/status-view.ts prints it.
import type { CloudFormationApi, StackInfo } from '../aws/cloudformation.js';
import type { CloudWatchApi } from '../aws/cloudwatch.js';
import type { EcsReadApi } from '../aws/ecs-read.js';
import { explainAwsError } from '../aws/errors.js';
import type { DbSnapshotInfo, RdsStatusApi } from '../aws/rds.js';
import type { Clock } from '../deploy/clock.js';
import { healthUrl, waitHealthy, type FetchLike } from '../deploy/health.js';
import { resolveTargets } from './targets.js';

export type Verdict = 'healthy' | 'degraded' | 'unreachable';

export interface StatusDeps {
  cf: CloudFormationApi;
  ecs: EcsReadApi;
  cloudWatch: CloudWatchApi;
  rds: RdsStatusApi;
  fetch: FetchLike;
  clock: Clock;
}

export interface LastOperation {
  /** create, update, delete, import, ... */
  kind: string;
  /** succeeded, failed, rolled back, running, ... */
  outcome: string;
  at: string | null;
}

export interface SnapshotSummary {
  id: string;
  created: string | null;
  status: string;
}

export interface StatusReport {
  stackName: string;
  verdict: Verdict;
  /** why it is not healthy, one line each; empty when healthy */
  problems: string[];
  url: string | null;
  health: { url: string; ok: boolean; seen: string } | null;
  stack: { status: string; statusReason: string | null; lastOperation: LastOperation };
  service: {
    name: string;
    status: string;
    desired: number;
    running: number;
    pending: number;
    /** the PRIMARY deployment's */
    rollout: {
      state: string | null;
      reason: string | null;
      failedTasks: number;
      taskDefinition: string;
    } | null;
    /** the last 5, newest first */
    events: { at: string | null; message: string }[];
  } | null;
  metabaseVersion: string | null;
  database: {
    id: string;
    status: string;
    instanceClass: string;
    engineVersion: string;
    multiAz: boolean;
    allocatedGiB: number;
    /** from CloudWatch FreeStorageSpace; null when it has no datapoint (yet) */
    freeGiB: number | null;
    usedGiB: number | null;
    latestAutomatedSnapshot: SnapshotSummary | null;
    latestManualSnapshot: SnapshotSummary | null;
  } | null;
  natMode: string | null;
  /** alarms in ALARM whose name starts with `<stack name>-` */
  alarms: { name: string; reason: string | null; since: string | null }[] | null;
  /** sections that could not be read, with why */
  unavailable: { section: string; cause: string }[];
}

const iso = (date: Date | undefined): string | null => (date ? date.toISOString() : null);

/** What the root status says about its last operation. */
export function lastOperation(stack: Pick<StackInfo, 'status' | 'lastChanged'>): LastOperation {
  const status = stack.status;
  const at = iso(stack.lastChanged);
  const known: Record<string, [string, string]> = {
    CREATE_COMPLETE: ['create', 'succeeded'],
    CREATE_FAILED: ['create', 'failed'],
    ROLLBACK_COMPLETE: ['create', 'failed and was rolled back'],
    ROLLBACK_FAILED: ['create', 'failed, and so did its rollback'],
    UPDATE_COMPLETE: ['update', 'succeeded'],
    UPDATE_FAILED: ['update', 'failed'],
    UPDATE_ROLLBACK_COMPLETE: ['update', 'failed and was rolled back'],
    UPDATE_ROLLBACK_FAILED: ['update', 'failed, and so did its rollback'],
    DELETE_FAILED: ['delete', 'failed'],
    IMPORT_COMPLETE: ['import', 'succeeded'],
    IMPORT_ROLLBACK_COMPLETE: ['import', 'failed and was rolled back'],
  };
  const entry = known[status];
  if (entry) return { kind: entry[0], outcome: entry[1], at };
  if (status.endsWith('_IN_PROGRESS')) {
    const kind = /ROLLBACK/.test(status) ? 'rollback' : (status.split('_')[0] ?? 'operation').toLowerCase();
    return { kind, outcome: 'running', at };
  }
  return { kind: 'operation', outcome: status, at };
}

/** Root statuses in which the stack itself is broken (not merely busy, nor stable after a rolled-back update). */
const BROKEN_STACK = /(^|_)FAILED$|^ROLLBACK_|^DELETE_/;

/**
 * DB statuses in which the instance serves queries. RDS User Guide, "Viewing Amazon RDS DB instance
 * status"; storage-optimization leaves the instance operational (AWS re:Post, "RDS stuck in storage
 * optimization").
 */
const SERVING_DB = new Set([
  'available',
  'backing-up',
  'storage-optimization',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
]);

/** The tag (and digest, shortened) of a container image: `v0.64.2.2`, `v0.64.2.2@sha256:1a2b3c4d5e6f`. */
export function imageVersion(image: string): string {
  const [name = '', digest] = image.split('@');
  const lastSegment = name.split('/').pop() ?? name;
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  const shortDigest = digest?.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1');
  if (tag && shortDigest) return `${tag}@${shortDigest}`;
  return tag ?? shortDigest ?? 'latest';
}

const GIB = 1024 ** 3;
const round1 = (n: number): number => Math.round(n * 10) / 10;
const snapshot = (s: DbSnapshotInfo | undefined): SnapshotSummary | null =>
  s ? { id: s.id, created: iso(s.created), status: s.status } : null;

export async function gatherStatus(
  deps: StatusDeps,
  stack: StackInfo,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<StatusReport> {
  const problems: string[] = [];
  const unavailable: { section: string; cause: string }[] = [];
  /** A section's AWS error becomes a line in `unavailable`; anything else is a bug and propagates. */
  const section = async <T>(name: string, read: () => Promise<T>): Promise<T | null> => {
    try {
      return await read();
    } catch (error) {
      const explained = explainAwsError(error);
      if (!explained) throw error;
      unavailable.push({ section: name, cause: explained.cause });
      problems.push(`${name}: could not be read (${explained.cause})`);
      return null;
    }
  };

  const targets =
    (await section('stack resources', () =>
      resolveTargets(deps.cf, stack, ['url', 'clusterName', 'serviceName', 'dbInstanceId']),
    )) ?? {};

  const healthRead = async (): Promise<StatusReport['health']> => {
    if (!targets.url) return null;
    // One probe: the deploy's wait with no time to wait.
    const probe = await waitHealthy(targets.url, {
      clock: deps.clock,
      fetch: deps.fetch,
      timeoutMs: 0,
      requestTimeoutMs: 10_000,
      signal: options.signal,
    });
    return { url: healthUrl(targets.url), ok: probe.healthy, seen: probe.last };
  };

  const serviceRead = async (): Promise<{ service: StatusReport['service']; version: string | null }> => {
    if (!targets.clusterName || !targets.serviceName) return { service: null, version: null };
    const service = await deps.ecs.describeService(targets.clusterName, targets.serviceName);
    if (!service) return { service: null, version: null };
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    const taskDefinition = primary?.taskDefinition ?? service.taskDefinition;
    let version: string | null = null;
    if (taskDefinition) {
      const images = await deps.ecs.taskDefinitionImages(taskDefinition);
      const image = (images.find((c) => c.containerName === 'metabase') ?? images[0])?.image;
      version = image ? imageVersion(image) : null;
    }
    return {
      version,
      service: {
        name: service.serviceName,
        status: service.status,
        desired: service.desiredCount,
        running: service.runningCount,
        pending: service.pendingCount,
        rollout: primary
          ? {
              state: primary.rolloutState ?? null,
              reason: primary.rolloutStateReason ?? null,
              failedTasks: primary.failedTasks,
              taskDefinition: primary.taskDefinition,
            }
          : null,
        events: service.events.slice(0, 5).map((e) => ({ at: iso(e.createdAt), message: e.message })),
      },
    };
  };

  const databaseRead = async (): Promise<StatusReport['database']> => {
    const id = targets.dbInstanceId;
    if (!id) return null;
    const [db, free, automated, manual] = await Promise.all([
      deps.rds.instanceDetails(id),
      deps.cloudWatch.latestMinimum({
        namespace: 'AWS/RDS',
        metricName: 'FreeStorageSpace',
        dimensions: { DBInstanceIdentifier: id },
        windowMs: 30 * 60_000,
        periodSeconds: 300,
        now: deps.clock.now(),
      }),
      deps.rds.latestSnapshot(id, 'automated'),
      deps.rds.latestSnapshot(id, 'manual'),
    ]);
    if (!db) return null;
    // FreeStorageSpace is in bytes (RDS metrics reference).
    const freeGiB = free ? round1(free.value / GIB) : null;
    return {
      id: db.id,
      status: db.status,
      instanceClass: db.instanceClass,
      engineVersion: db.engineVersion,
      multiAz: db.multiAz,
      allocatedGiB: db.allocatedStorageGiB,
      freeGiB,
      usedGiB: freeGiB === null ? null : round1(Math.max(0, db.allocatedStorageGiB - freeGiB)),
      latestAutomatedSnapshot: snapshot(automated),
      latestManualSnapshot: snapshot(manual),
    };
  };

  const [health, ecs, database, alarms] = await Promise.all([
    section('health', healthRead),
    section('ECS service', serviceRead),
    section('database', databaseRead),
    section('alarms', async () =>
      (await deps.cloudWatch.alarmsInAlarm(`${stack.stackName}-`)).map((a) => ({
        name: a.name,
        reason: a.reason ?? null,
        since: iso(a.since),
      })),
    ),
  ]);

  // Problems, in the order the screen shows the sections.
  if (!targets.url) problems.unshift('no MetabaseUrl yet: the edge stack has not finished');
  else if (health && !health.ok)
    problems.unshift(`Metabase does not answer ${health.url} with ok (${health.seen})`);
  if (BROKEN_STACK.test(stack.status))
    problems.push(`stack is ${stack.status}${stack.statusReason ? `: ${stack.statusReason}` : ''}`);
  const service = ecs?.service ?? null;
  if (ecs && !service) problems.push('ECS service not found (not created yet, or deleted)');
  if (service) {
    if (service.running < service.desired)
      problems.push(`ECS: ${String(service.running)} of ${String(service.desired)} desired tasks running`);
    if (service.desired === 0) problems.push('ECS: the service wants 0 tasks');
    if (service.rollout?.state === 'FAILED')
      problems.push(
        `ECS: the current deployment failed${service.rollout.reason ? `: ${service.rollout.reason}` : ''}`,
      );
  }
  if (database === null && unavailable.every((u) => u.section !== 'database'))
    problems.push('database not found (not created yet, or deleted)');
  if (database && !SERVING_DB.has(database.status)) problems.push(`database is ${database.status}`);
  for (const alarm of alarms ?? []) problems.push(`alarm ${alarm.name} is in ALARM`);

  const reachable = health?.ok === true;
  return {
    stackName: stack.stackName,
    verdict: !reachable ? 'unreachable' : problems.length > 0 ? 'degraded' : 'healthy',
    problems,
    url: targets.url ?? null,
    health,
    stack: {
      status: stack.status,
      statusReason: stack.statusReason ?? null,
      lastOperation: lastOperation(stack),
    },
    service,
    metabaseVersion: ecs?.version ?? null,
    database,
    natMode: stack.parameters.NatGateways ?? null,
    alarms,
    unavailable,
  };
}
