// In-memory CloudWatch Logs, ECS, CloudWatch and RDS for the logs and status tests, next to the
// CloudFormation fake of the deploy tests. The logs fake follows FilterLogEvents as AWS documents it: an
// event is visible once ingested, results are sorted by event timestamp, startTime/endTime are inclusive,
// pages can be partial or empty while a nextToken says more follow.
import type { AlarmInfo, CloudWatchApi, MetricQuery } from '../../src/aws/cloudwatch.js';
import type { ContainerImage, EcsReadApi, EcsServiceInfo } from '../../src/aws/ecs-read.js';
import type { LogEvent, LogPage, LogPageRequest, LogsApi } from '../../src/aws/logs.js';
import type { OpsApis } from '../../src/aws/ops-session.js';
import type { DbInstanceDetails, DbSnapshotInfo, RdsStatusApi, SnapshotType } from '../../src/aws/rds.js';
import type { ApiCallCounter } from '../../src/aws/session.js';
import type { Clock } from '../../src/deploy/clock.js';
import { existingStack, fakeWorld, ROOT_ID, type FakeWorld } from '../deploy/fakes.js';

export interface StoredEvent extends LogEvent {
  /** when CloudWatch has it (fake-clock ms); defaults to the timestamp */
  ingestedAt?: number;
}

export const TASK_A = '0f3c9a7e5d2b4c18a6e1f2d3c4b5a697';
export const TASK_B = '9b8a7c6d5e4f40312233445566778899';
export const stream = (task: string): string => `metabase/metabase/${task}`;

export class FakeLogs implements LogsApi {
  groups = new Map<string, StoredEvent[]>();
  calls: (LogPageRequest & { at: number })[] = [];
  /** events per page; every `emptyPageEvery`-th page comes back empty with a token (as AWS may) */
  pageSize = 3;
  emptyPageEvery = 0;
  failAfterCalls: number | undefined;
  constructor(
    private readonly clock: Clock,
    private readonly counter: ApiCallCounter,
  ) {}

  async filterEvents(request: LogPageRequest): Promise<LogPage | undefined> {
    this.calls.push({ ...request, at: this.clock.now() });
    this.counter.record('logs', 'FilterLogEvents');
    if (this.failAfterCalls !== undefined && this.calls.length > this.failAfterCalls)
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400, attempts: 8 },
      });
    const group = this.groups.get(request.logGroupName);
    if (!group) return undefined;
    const now = this.clock.now();
    const matches = (e: StoredEvent): boolean =>
      (e.ingestedAt ?? e.timestamp) <= now &&
      e.timestamp >= request.startTime &&
      (request.endTime === undefined || e.timestamp <= request.endTime) &&
      // Plain terms only: every term must occur (CloudWatch's unquoted-term semantics).
      (request.filterPattern ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .every((term) => e.message.includes(term));
    const all = group.filter(matches).sort((a, b) => a.timestamp - b.timestamp);
    const pageNo = Number(request.nextToken ?? '0');
    if (this.emptyPageEvery > 0 && pageNo % this.emptyPageEvery === this.emptyPageEvery - 1)
      return { events: [], nextToken: String(pageNo + 1) };
    const offset =
      this.emptyPageEvery > 0
        ? (pageNo - Math.floor(pageNo / this.emptyPageEvery)) * this.pageSize
        : pageNo * this.pageSize;
    const events = all
      .slice(offset, offset + this.pageSize)
      .map(({ ingestedAt: _ingested, ...e }) => ({ ...e }));
    const more = offset + this.pageSize < all.length;
    return { events, ...(more ? { nextToken: String(pageNo + 1) } : {}) };
  }
}

export class FakeEcs implements EcsReadApi {
  services = new Map<string, EcsServiceInfo>();
  images = new Map<string, ContainerImage[]>();
  calls: { name: string; arg: unknown }[] = [];
  constructor(private readonly counter: ApiCallCounter) {}
  async describeService(cluster: string, service: string): Promise<EcsServiceInfo | undefined> {
    this.calls.push({ name: 'describeService', arg: { cluster, service } });
    this.counter.record('ecs', 'DescribeServices');
    return this.services.get(`${cluster}/${service}`);
  }
  async taskDefinitionImages(taskDefinition: string): Promise<ContainerImage[]> {
    this.calls.push({ name: 'taskDefinitionImages', arg: taskDefinition });
    this.counter.record('ecs', 'DescribeTaskDefinition');
    return this.images.get(taskDefinition) ?? [];
  }
}

export class FakeCloudWatch implements CloudWatchApi {
  /** every alarm of the account: name → state */
  alarms: (AlarmInfo & { state: string })[] = [];
  metrics = new Map<string, { value: number; at: Date }[]>();
  calls: { name: string; arg: unknown }[] = [];
  constructor(private readonly counter: ApiCallCounter) {}
  async alarmsInAlarm(namePrefix: string): Promise<AlarmInfo[]> {
    this.calls.push({ name: 'alarmsInAlarm', arg: namePrefix });
    this.counter.record('cloudwatch', 'DescribeAlarms');
    return this.alarms
      .filter((a) => a.state === 'ALARM' && a.name.startsWith(namePrefix))
      .map(({ state: _state, ...a }) => a);
  }
  async latestMinimum(query: MetricQuery): Promise<{ value: number; at: Date } | undefined> {
    this.calls.push({ name: 'latestMinimum', arg: query });
    this.counter.record('cloudwatch', 'GetMetricStatistics');
    const key = `${query.namespace}/${query.metricName}/${Object.values(query.dimensions).join(',')}`;
    return (this.metrics.get(key) ?? [])
      .filter((d) => d.at.getTime() >= query.now - query.windowMs && d.at.getTime() <= query.now)
      .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  }
}

export class FakeRdsStatus implements RdsStatusApi {
  instances = new Map<string, DbInstanceDetails>();
  snapshots = new Map<string, (DbSnapshotInfo & { type: SnapshotType })[]>();
  constructor(private readonly counter: ApiCallCounter) {}
  async instanceDetails(id: string): Promise<DbInstanceDetails | undefined> {
    this.counter.record('rds', 'DescribeDBInstances');
    return this.instances.get(id);
  }
  async latestSnapshot(instanceId: string, type: SnapshotType): Promise<DbSnapshotInfo | undefined> {
    this.counter.record('rds', 'DescribeDBSnapshots');
    const newest = (this.snapshots.get(instanceId) ?? [])
      .filter((s) => s.type === type)
      .sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0))[0];
    if (!newest) return undefined;
    const { type: _type, ...snapshot } = newest;
    return snapshot;
  }
}

export interface OpsWorld extends FakeWorld {
  logs: FakeLogs;
  ecs: FakeEcs;
  cloudWatch: FakeCloudWatch;
  rdsStatus: FakeRdsStatus;
  ops: OpsApis;
}

export function opsWorld(): OpsWorld {
  const world = fakeWorld();
  const calls = world.session.calls;
  const logs = new FakeLogs(world.clock, calls);
  const ecs = new FakeEcs(calls);
  const cloudWatch = new FakeCloudWatch(calls);
  const rdsStatus = new FakeRdsStatus(calls);
  return { ...world, logs, ecs, cloudWatch, rdsStatus, ops: { logs, ecs, cloudWatch, rds: rdsStatus } };
}

export const LOG_GROUP = 'metabase-dev-AppStack-X-LogGroup-abc';

/** A complete stack with every root output this tool's templates declare. */
export function deployedStack(world: OpsWorld, status = 'UPDATE_COMPLETE'): void {
  existingStack(world, status, {
    outputs: {
      MetabaseUrl: 'http://mb.example',
      LoadBalancerDnsName: 'mb.example',
      ClusterName: 'metabase-dev-cluster',
      ServiceName: 'metabase-dev-service',
      LogGroupName: LOG_GROUP,
      DbEndpoint: 'db.example:5432',
      DbInstanceId: 'metabase-dev-db',
      NatPublicIps: '203.0.113.7',
    },
    parameters: { NatGateways: 'single' },
    lastChanged: new Date(world.clock.now() - 3 * 3_600_000),
  });
}

export { ROOT_ID };
