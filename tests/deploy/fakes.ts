// In-memory AWS for the deploy and destroy tests. CloudFormation is scripted: a test says which change
// set statuses describe returns and which events appear how long after execute/delete, and the fake
// reveals them as the fake clock advances. Every call is recorded (name + argument) for assertions.
import type {
  ChangeSetInfo,
  CloudFormationApi,
  CreateChangeSetInput,
  StackEvent,
  StackInfo,
  StackResource,
  StackSummary,
} from '../../src/aws/cloudformation.js';
import type { KeyAccess, KmsApi } from '../../src/aws/kms.js';
import type { DbInstanceInfo, DbSnapshotInfo, RdsApi } from '../../src/aws/rds.js';
import type { SecretInfo, SecretsApi } from '../../src/aws/secrets.js';
import type { BucketState, ObjectVersionRef, S3Api, VersionPage } from '../../src/aws/s3.js';
import { ApiCallCounter, type AwsSession } from '../../src/aws/session.js';
import type { StsApi } from '../../src/aws/sts.js';
import { fakeClock } from '../../src/deploy/clock.js';
import { FakeAcm, FakeEcsTasks, FakeIam } from './fakes-aws.js';

export const ACCOUNT = '111122223333';
/** The tag deploy puts on its stacks (src/deploy/bucket.ts MANAGED_STACK_TAGS), written out as AWS shows it. */
export const MANAGED_TAGS: Readonly<Record<string, string>> = { 'managed-by': 'metabase-aws' };
export const REGION = 'eu-west-1';
export const ROOT_ID = 'arn:aws:cloudformation:eu-west-1:111122223333:stack/metabase-dev/root-1';
export const nestedId = (label: string): string =>
  `arn:aws:cloudformation:eu-west-1:111122223333:stack/metabase-dev-${label}-X/${label}-1`;

export interface Call {
  name: string;
  arg?: unknown;
  /** fake-clock time of the call */
  at?: number;
}

export interface ScheduledEvent {
  /** ms after the triggering operation (execute or delete) */
  after: number;
  stackId: string;
  logicalId: string;
  status: string;
  resourceType?: string;
  physicalId?: string;
  reason?: string;
}

let eventCounter = 0;

export class FakeCloudFormation implements CloudFormationApi {
  calls: Call[] = [];
  stacks = new Map<string, StackInfo>();
  /** Statuses describeChangeSet returns in turn for the root change set (the last one repeats). */
  changeSetSequence: Partial<ChangeSetInfo>[] = [{ status: 'CREATE_COMPLETE', changes: [] }];
  nestedChangeSets = new Map<string, ChangeSetInfo>();
  /** Events revealed after executeChangeSet / deleteStack of the root. */
  timeline: ScheduledEvent[] = [];
  /** Stack status once the timeline has played (the describeStack answer after the root's last event). */
  finalStatus = 'CREATE_COMPLETE';
  finalOutputs: Record<string, string> = {};
  resources = new Map<string, StackResource[]>();
  templates = new Map<string, string>();
  /** Events already in the history before the operation (newest first per stack). */
  history = new Map<string, StackEvent[]>();
  private startedAt: number | undefined;
  private changeSetReads = 0;
  private deleteCount = 0;
  /** Timelines for the 2nd, 3rd... delete of the root (retries). */
  deleteTimelines: ScheduledEvent[][] = [];

  constructor(
    readonly clock: { now(): number },
    readonly counter = new ApiCallCounter(),
  ) {}

  private record(name: string, arg?: unknown): void {
    this.calls.push({ name, arg, at: this.clock.now() });
    this.counter.record('cloudformation', name);
  }

  /** Shortest gap between two event polls of the same stack. */
  minPollGap(): number {
    const last = new Map<unknown, number>();
    let min = Infinity;
    for (const call of this.calls.filter((c) => c.name === 'stackEvents')) {
      const before = last.get(call.arg);
      if (before !== undefined) min = Math.min(min, (call.at ?? 0) - before);
      last.set(call.arg, call.at ?? 0);
    }
    return min;
  }

  callNames(): string[] {
    return this.calls.map((c) => c.name);
  }

  private started(): boolean {
    return this.startedAt !== undefined;
  }

  private visible(): ScheduledEvent[] {
    if (this.startedAt === undefined) return [];
    const elapsed = this.clock.now() - this.startedAt;
    return this.timeline.filter((e) => e.after <= elapsed);
  }

  /** How long DescribeStacks keeps saying *_IN_PROGRESS after the last event (eventual consistency). */
  describeLagMs = 0;

  private finished(lagMs = 0): boolean {
    if (!this.started() || this.visible().length !== this.timeline.length) return false;
    const last = Math.max(0, ...this.timeline.map((e) => e.after));
    return this.clock.now() - (this.startedAt ?? 0) >= last + lagMs;
  }

  async describeStack(nameOrId: string): Promise<StackInfo | undefined> {
    this.record('describeStack', nameOrId);
    const stack = [...this.stacks.values()].find((s) => s.stackName === nameOrId || s.stackId === nameOrId);
    if (!stack) return undefined;
    if (this.finished(this.describeLagMs))
      return { ...stack, status: this.finalStatus, outputs: this.finalOutputs };
    if (this.started())
      return { ...stack, status: stack.status.replace(/_COMPLETE$|_FAILED$/, '_IN_PROGRESS') };
    return stack;
  }

  async createChangeSet(input: CreateChangeSetInput): Promise<{ id: string; stackId: string }> {
    this.record('createChangeSet', input);
    if (!this.stacks.has(input.stackName)) {
      this.stacks.set(input.stackName, {
        stackId: ROOT_ID,
        stackName: input.stackName,
        status: 'REVIEW_IN_PROGRESS',
        outputs: {},
        parameters: input.parameters,
        terminationProtection: false,
        tags: input.tags,
      });
    }
    return { id: 'arn:changeSet/root', stackId: this.stacks.get(input.stackName)?.stackId ?? ROOT_ID };
  }

  async describeChangeSet(id: string): Promise<ChangeSetInfo> {
    this.record('describeChangeSet', id);
    const nested = this.nestedChangeSets.get(id);
    if (nested) return nested;
    const step =
      this.changeSetSequence[Math.min(this.changeSetReads++, this.changeSetSequence.length - 1)] ?? {};
    return { id, stackId: ROOT_ID, status: 'CREATE_COMPLETE', changes: [], ...step };
  }

  async deleteChangeSet(id: string): Promise<void> {
    this.record('deleteChangeSet', id);
  }

  async executeChangeSet(id: string): Promise<void> {
    this.record('executeChangeSet', id);
    this.startedAt = this.clock.now();
    // Every operation has events of its own (new ids), also when a test replays the same timeline.
    this.timeline = this.timeline.map((e) => ({ ...e }));
  }

  async deleteStack(nameOrId: string, retainResources?: string[]): Promise<void> {
    this.record('deleteStack', { nameOrId, retainResources });
    const stack = [...this.stacks.values()].find((s) => s.stackName === nameOrId || s.stackId === nameOrId);
    if (stack && stack.stackId !== ROOT_ID) return;
    if (stack && (stack.status === 'ROLLBACK_COMPLETE' || stack.status === 'REVIEW_IN_PROGRESS')) {
      this.stacks.delete(stack.stackName);
      return;
    }
    if (this.deleteCount > 0) {
      const next = this.deleteTimelines[this.deleteCount - 1];
      if (next)
        this.timeline = next.map((e) => ({
          ...e,
          after: e.after + (this.clock.now() - (this.startedAt ?? 0)),
        }));
      this.finalStatus = this.deleteFinalStatuses[this.deleteCount - 1] ?? 'DELETE_COMPLETE';
    } else {
      this.startedAt = this.clock.now();
    }
    this.deleteCount++;
  }

  deleteFinalStatuses: string[] = [];

  async stackEvents(stackId: string, stopAt: (event: StackEvent) => boolean): Promise<StackEvent[]> {
    this.record('stackEvents', stackId);
    const base = this.startedAt ?? 0;
    const fresh = this.visible()
      .filter((e) => e.stackId === stackId)
      .map((e) => this.toEvent(e, base));
    const all = [...fresh.reverse(), ...(this.history.get(stackId) ?? [])];
    const out: StackEvent[] = [];
    for (const e of all) {
      if (stopAt(e)) break;
      out.push(e);
    }
    return out;
  }

  private eventIds = new Map<ScheduledEvent, string>();

  private toEvent(e: ScheduledEvent, base: number): StackEvent {
    let id = this.eventIds.get(e);
    if (!id) {
      id = `ev-${++eventCounter}`;
      this.eventIds.set(e, id);
    }
    return {
      eventId: id,
      stackId: e.stackId,
      stackName: e.stackId === ROOT_ID ? 'metabase-dev' : `metabase-dev-${e.logicalId}`,
      logicalId: e.logicalId,
      physicalId: e.physicalId ?? (e.resourceType === undefined ? e.stackId : `phys-${e.logicalId}`),
      resourceType: e.resourceType ?? 'AWS::CloudFormation::Stack',
      status: e.status,
      reason: e.reason,
      timestamp: new Date(base + e.after),
    };
  }

  async stackResources(stackId: string): Promise<StackResource[]> {
    this.record('stackResources', stackId);
    return this.resources.get(stackId) ?? [];
  }

  async templateBody(stackId: string): Promise<string> {
    this.record('templateBody', stackId);
    return this.templates.get(stackId) ?? '{}';
  }

  /** Other live stacks of the account (metabase-prod...); the stacks above are listed too, as tagged by deploy. */
  otherStacks: StackSummary[] = [];

  async liveStacks(): Promise<StackSummary[]> {
    this.record('liveStacks');
    const ours = [...this.stacks.values()].map((s) => ({
      stackId: s.stackId,
      stackName: s.stackName,
      status: s.status,
      tags: { 'managed-by': 'metabase-aws' },
    }));
    return [...ours, ...this.otherStacks];
  }

  /** An operation already under way when the tool starts (a destroy that was interrupted): its timeline plays from now. */
  begin(): void {
    this.startedAt = this.clock.now();
    this.deleteCount = 1;
  }

  async setTerminationProtection(stackId: string, enabled: boolean): Promise<void> {
    this.record('setTerminationProtection', { stackId, enabled });
    for (const s of this.stacks.values()) if (s.stackId === stackId) s.terminationProtection = enabled;
  }
}

export class FakeS3 implements S3Api {
  calls: Call[] = [];
  buckets = new Map<
    string,
    {
      tags: Record<string, string>;
      objects: Map<string, Uint8Array>;
      versions: ObjectVersionRef[];
      tlsOnly?: boolean;
    }
  >();
  pageSize = 1000;

  constructor(readonly counter = new ApiCallCounter()) {}

  private record(name: string, arg?: unknown): void {
    this.calls.push({ name, arg });
    this.counter.record('s3', name);
  }

  async bucketState(bucket: string): Promise<BucketState> {
    this.record('bucketState', bucket);
    if (bucket.startsWith('foreign-')) return 'foreign';
    return this.buckets.has(bucket) ? 'ours' : 'missing';
  }
  async createPrivateBucket(
    bucket: string,
    _account: string,
    _region: string,
    tags: Record<string, string>,
    tlsOnly: boolean,
  ): Promise<void> {
    this.record('createPrivateBucket', bucket);
    this.buckets.set(bucket, { tags, objects: new Map(), versions: [], tlsOnly });
  }
  async bucketTags(bucket: string): Promise<Record<string, string>> {
    this.record('bucketTags', bucket);
    return this.buckets.get(bucket)?.tags ?? {};
  }
  async objectExists(bucket: string, key: string): Promise<boolean> {
    this.record('objectExists', key);
    return this.buckets.get(bucket)?.objects.has(key) ?? false;
  }
  async putObject(bucket: string, key: string, body: Uint8Array): Promise<void> {
    this.record('putObject', key);
    const b = this.buckets.get(bucket);
    if (!b) throw new Error(`no bucket ${bucket}`);
    b.objects.set(key, body);
    b.versions.push({ key, versionId: `v${b.versions.length}` });
  }
  async listVersions(bucket: string, _account: string, from?: VersionPage['next']): Promise<VersionPage> {
    this.record('listVersions', from);
    const all = this.buckets.get(bucket)?.versions ?? [];
    const start = from?.keyMarker
      ? all.findIndex((v) => v.key === from.keyMarker && v.versionId === from.versionIdMarker) + 1
      : 0;
    const objects = all.slice(start, start + this.pageSize);
    const last = objects[objects.length - 1];
    return {
      objects,
      next:
        start + this.pageSize < all.length && last
          ? { keyMarker: last.key, versionIdMarker: last.versionId }
          : undefined,
    };
  }
  async deleteObjects(bucket: string, _account: string, objects: ObjectVersionRef[]): Promise<string[]> {
    this.record('deleteObjects', objects.length);
    const b = this.buckets.get(bucket);
    if (b) {
      b.versions = b.versions.filter(
        (v) => !objects.some((o) => o.key === v.key && o.versionId === v.versionId),
      );
      for (const o of objects) if (!b.versions.some((v) => v.key === o.key)) b.objects.delete(o.key);
    }
    return [];
  }
  async deleteBucket(bucket: string): Promise<void> {
    this.record('deleteBucket', bucket);
    const b = this.buckets.get(bucket);
    if (b && b.versions.length > 0)
      throw Object.assign(new Error('BucketNotEmpty'), { name: 'BucketNotEmpty' });
    this.buckets.delete(bucket);
  }
}

export class FakeRds implements RdsApi {
  calls: Call[] = [];
  instances = new Map<string, DbInstanceInfo>();
  snapshots = new Map<string, DbSnapshotInfo[]>();
  constructor(readonly counter = new ApiCallCounter()) {}
  async describeInstance(id: string): Promise<DbInstanceInfo | undefined> {
    this.calls.push({ name: 'describeInstance', arg: id });
    this.counter.record('rds', 'DescribeDBInstances');
    return this.instances.get(id);
  }
  async disableDeletionProtection(id: string): Promise<void> {
    this.calls.push({ name: 'disableDeletionProtection', arg: id });
    this.counter.record('rds', 'ModifyDBInstance');
    const db = this.instances.get(id);
    if (db) db.deletionProtection = false;
  }
  async snapshotsOf(instanceId: string): Promise<DbSnapshotInfo[]> {
    this.calls.push({ name: 'snapshotsOf', arg: instanceId });
    this.counter.record('rds', 'DescribeDBSnapshots');
    return this.snapshots.get(instanceId) ?? [];
  }

  /** Manual snapshots of the account (what DescribeDBSnapshots lists without an instance). */
  manual: DbSnapshotInfo[] = [];
  /** How long a snapshot the tool creates stays 'creating'; then 'available', or createFailsWith's status. */
  createTakesMs = 90_000;
  createEndsAs = 'available';
  /** RDS's reads may not list a snapshot for a while after CreateDBSnapshot returns (eventual consistency). */
  listedAfterMs = 0;
  /** CreateDBSnapshot itself refused (e.g. the instance is not available). */
  createRefusal: Error | undefined;
  private createdAt = new Map<string, number>();

  private aged(snapshot: DbSnapshotInfo): DbSnapshotInfo {
    const started = this.createdAt.get(snapshot.id);
    if (started === undefined || !this.clock) return snapshot;
    return this.clock.now() - started >= this.createTakesMs
      ? { ...snapshot, status: this.createEndsAs }
      : snapshot;
  }

  async describeSnapshot(idOrArn: string): Promise<DbSnapshotInfo | undefined> {
    this.calls.push({ name: 'describeSnapshot', arg: idOrArn });
    this.counter.record('rds', 'DescribeDBSnapshots');
    const found = this.manual.find((s) => s.id === idOrArn || s.arn === idOrArn);
    const started = found ? this.createdAt.get(found.id) : undefined;
    if (started !== undefined && this.clock && this.clock.now() - started < this.listedAfterMs)
      return undefined;
    return found ? this.aged(found) : undefined;
  }

  async manualSnapshots(): Promise<DbSnapshotInfo[]> {
    this.calls.push({ name: 'manualSnapshots' });
    this.counter.record('rds', 'DescribeDBSnapshots');
    return this.manual.map((s) => this.aged(s));
  }

  async createSnapshot(
    id: string,
    instanceId: string,
    tags: Record<string, string>,
  ): Promise<DbSnapshotInfo> {
    this.calls.push({ name: 'createSnapshot', arg: { id, instanceId, tags }, at: this.clock?.now() });
    this.counter.record('rds', 'CreateDBSnapshot');
    if (this.createRefusal) throw this.createRefusal;
    const snapshot: DbSnapshotInfo = {
      id,
      instanceId,
      status: 'creating',
      created: new Date(this.clock?.now() ?? 0),
      type: 'manual',
      engine: 'postgres',
      engineVersion: '17.9',
      allocatedStorage: 20,
      encrypted: true,
      tags,
    };
    this.manual.push(snapshot);
    this.createdAt.set(id, this.clock?.now() ?? 0);
    return snapshot;
  }

  async deleteSnapshot(id: string): Promise<void> {
    this.calls.push({ name: 'deleteSnapshot', arg: id });
    this.counter.record('rds', 'DeleteDBSnapshot');
    this.manual = this.manual.filter((s) => s.id !== id);
  }

  clock: { now(): number } | undefined;
}

export class FakeSecrets implements SecretsApi {
  calls: Call[] = [];
  secrets: SecretInfo[] = [];
  constructor(readonly counter = new ApiCallCounter()) {}
  async describe(arn: string): Promise<SecretInfo | undefined> {
    this.calls.push({ name: 'describe', arg: arn });
    this.counter.record('secretsmanager', 'DescribeSecret');
    return this.secrets.find((s) => s.arn === arn);
  }
  async withTagPrefix(key: string, valuePrefix: string): Promise<SecretInfo[]> {
    this.calls.push({ name: 'withTagPrefix', arg: { key, valuePrefix } });
    this.counter.record('secretsmanager', 'ListSecrets');
    return this.secrets.filter((s) => s.tags[key]?.startsWith(valuePrefix));
  }
  /** What was written, so tests can check where the password went (and that nothing printed it). */
  written: { secretArn: string; value: string }[] = [];
  async putSecretValue(secretArn: string, value: string): Promise<void> {
    this.calls.push({ name: 'putSecretValue', arg: secretArn });
    this.counter.record('secretsmanager', 'PutSecretValue');
    this.written.push({ secretArn, value });
  }
}

export class FakeKms implements KmsApi {
  calls: Call[] = [];
  keys = new Map<string, KeyAccess>();
  constructor(readonly counter = new ApiCallCounter()) {}
  async keyAccess(keyId: string): Promise<KeyAccess> {
    this.calls.push({ name: 'keyAccess', arg: keyId });
    this.counter.record('kms', 'DescribeKey');
    return this.keys.get(keyId) ?? { usable: false, reason: 'the key does not exist' };
  }
}

export const fakeSts = (counter = new ApiCallCounter()): StsApi => ({
  callerIdentity: async () => {
    counter.record('sts', 'GetCallerIdentity');
    return { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/tester` };
  },
});

export interface FakeWorld {
  clock: ReturnType<typeof fakeClock>;
  cf: FakeCloudFormation;
  s3: FakeS3;
  rds: FakeRds;
  secrets: FakeSecrets;
  kms: FakeKms;
  sts: StsApi;
  iam: FakeIam;
  /** ECS for release-locks' one-off task (tests/ops has its own read-only ECS fake as `ecs`) */
  ecsTasks: FakeEcsTasks;
  acm: FakeAcm;
  session: AwsSession;
}

export function fakeWorld(): FakeWorld {
  const clock = fakeClock();
  const calls = new ApiCallCounter();
  const cf = new FakeCloudFormation(clock, calls);
  const s3 = new FakeS3(calls);
  const rds = new FakeRds(calls);
  rds.clock = clock;
  const secrets = new FakeSecrets(calls);
  const kms = new FakeKms(calls);
  const sts = fakeSts(calls);
  const iam = new FakeIam(calls);
  const ecsTasks = new FakeEcsTasks(calls);
  const acm = new FakeAcm(calls);
  return {
    clock,
    cf,
    s3,
    rds,
    secrets,
    kms,
    sts,
    iam,
    ecsTasks,
    acm,
    session: {
      cloudFormation: cf,
      s3,
      sts,
      rds,
      secrets,
      kms,
      iam,
      ecs: ecsTasks,
      acm,
      region: async () => REGION,
      endpoint: undefined,
      calls,
    },
  };
}

export function existingStack(world: FakeWorld, status: string, extra: Partial<StackInfo> = {}): void {
  world.cf.stacks.set('metabase-dev', {
    stackId: ROOT_ID,
    stackName: 'metabase-dev',
    status,
    outputs: {},
    parameters: {},
    terminationProtection: false,
    ...extra,
    tags: extra.tags ?? { ...MANAGED_TAGS },
  });
}

/** A successful create: root, then each tier's nested stack with one resource. */
export function createTimeline(final = 'CREATE_COMPLETE'): ScheduledEvent[] {
  const events: ScheduledEvent[] = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'CREATE_IN_PROGRESS' },
  ];
  let t = 1000;
  for (const tier of ['NetworkStack', 'DataStack']) {
    events.push({
      after: t,
      stackId: ROOT_ID,
      logicalId: tier,
      status: 'CREATE_IN_PROGRESS',
      physicalId: nestedId(tier),
    });
    events.push({
      after: t + 500,
      stackId: nestedId(tier),
      logicalId: `metabase-dev-${tier}`,
      status: 'CREATE_IN_PROGRESS',
      physicalId: nestedId(tier),
    });
    events.push({
      after: t + 4000,
      stackId: nestedId(tier),
      logicalId: 'Thing',
      status: 'CREATE_COMPLETE',
      resourceType: 'AWS::EC2::VPC',
    });
    events.push({
      after: t + 5000,
      stackId: nestedId(tier),
      logicalId: `metabase-dev-${tier}`,
      status: 'CREATE_COMPLETE',
      physicalId: nestedId(tier),
    });
    events.push({
      after: t + 6000,
      stackId: ROOT_ID,
      logicalId: tier,
      status: 'CREATE_COMPLETE',
      physicalId: nestedId(tier),
    });
    t += 7000;
  }
  events.push({ after: t, stackId: ROOT_ID, logicalId: 'metabase-dev', status: final });
  return events;
}

/** A create that fails in the network stack (an EIP quota) and rolls back: the root cause is nested. */
export function failedCreateTimeline(): ScheduledEvent[] {
  const net = nestedId('NetworkStack');
  return [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'CREATE_IN_PROGRESS' },
    {
      after: 1000,
      stackId: ROOT_ID,
      logicalId: 'NetworkStack',
      status: 'CREATE_IN_PROGRESS',
      physicalId: net,
    },
    {
      after: 3000,
      stackId: net,
      logicalId: 'NatEipA',
      status: 'CREATE_FAILED',
      resourceType: 'AWS::EC2::EIP',
      reason: 'The maximum number of addresses has been reached.',
    },
    {
      after: 5000,
      stackId: ROOT_ID,
      logicalId: 'NetworkStack',
      status: 'CREATE_FAILED',
      physicalId: net,
      reason: 'Embedded stack was not successfully created',
    },
    { after: 9000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'ROLLBACK_COMPLETE' },
  ];
}

/** An update whose nested DataStack change set replaces the database because `cause` changed. */
export function scriptDbReplacement(world: FakeWorld, cause: string): void {
  existingStack(world, 'UPDATE_COMPLETE');
  world.cf.changeSetSequence = [
    {
      status: 'CREATE_COMPLETE',
      changes: [
        {
          action: 'Modify',
          logicalId: 'DataStack',
          resourceType: 'AWS::CloudFormation::Stack',
          recreationCauses: [],
          nestedChangeSetId: 'arn:cs/data',
        },
      ],
    },
  ];
  world.cf.nestedChangeSets.set('arn:cs/data', {
    id: 'arn:cs/data',
    stackId: nestedId('DataStack'),
    status: 'CREATE_COMPLETE',
    changes: [
      {
        action: 'Modify',
        logicalId: 'Database',
        resourceType: 'AWS::RDS::DBInstance',
        replacement: 'True',
        recreationCauses: [cause],
      },
    ],
  });
}
