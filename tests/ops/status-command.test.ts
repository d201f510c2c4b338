// The status command over in-memory AWS: healthy (exit 0), degraded (tasks short, a failed rollout, an
// alarm: exit 1), unreachable (exit 1), a section AWS refuses, a stack still being created, the JSON
// document's shape, and the refusals.
import t from 'tap';
import { statusCommand, type StatusCommandOptions } from '../../src/cli/commands/status.js';
import { UserError } from '../../src/cli/errors.js';
import type { EcsServiceInfo } from '../../src/aws/ecs-read.js';
import type { FetchLike } from '../../src/deploy/health.js';
import { imageVersion, lastOperation } from '../../src/ops/status.js';
import { captureIo } from '../support/cli.js';
import { existingStack, ROOT_ID } from '../deploy/fakes.js';
import { deployedStack, opsWorld, type OpsWorld } from './fakes.js';

const TZ = 'Europe/Berlin';
const H = 3_600_000;
const TASK_DEF = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/metabase-dev-metabase:7';
const OLD_TASK_DEF = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/metabase-dev-metabase:6';

const ok: FetchLike = async () => ({ status: 200, text: async () => '{"status":"ok"}' });
const refused: FetchLike = async () => {
  throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
};

function service(world: OpsWorld, o: Partial<EcsServiceInfo> = {}): EcsServiceInfo {
  const now = world.clock.now();
  return {
    serviceName: 'metabase-dev-service',
    status: 'ACTIVE',
    desiredCount: 1,
    runningCount: 1,
    pendingCount: 0,
    taskDefinition: TASK_DEF,
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        taskDefinition: TASK_DEF,
        desiredCount: 1,
        runningCount: 1,
        pendingCount: 0,
        failedTasks: 0,
        rolloutState: 'COMPLETED',
        rolloutStateReason: 'ECS deployment ecs-svc/1 completed.',
      },
    ],
    events: Array.from({ length: 7 }, (_, i) => ({
      createdAt: new Date(now - (i + 1) * 600_000),
      message: `(service metabase-dev-service) event ${String(i + 1)}`,
    })),
    ...o,
  };
}

/** Everything fine: one task of v0.64.2.2 running, the database available, no alarm firing. */
function healthyWorld(): OpsWorld {
  const world = opsWorld();
  deployedStack(world);
  const now = world.clock.now();
  world.ecs.services.set('metabase-dev-cluster/metabase-dev-service', service(world));
  world.ecs.images.set(TASK_DEF, [
    { containerName: 'metabase', image: 'docker.io/metabase/metabase:v0.64.2.2' },
  ]);
  world.rdsStatus.instances.set('metabase-dev-db', {
    id: 'metabase-dev-db',
    status: 'available',
    instanceClass: 'db.t4g.micro',
    engineVersion: '17.9',
    allocatedStorageGiB: 20,
    multiAz: false,
  });
  world.rdsStatus.snapshots.set('metabase-dev-db', [
    {
      id: 'rds:metabase-dev-db-2025-12-31-03-10',
      created: new Date(now - 21 * H),
      status: 'available',
      type: 'automated',
    },
    {
      id: 'rds:metabase-dev-db-2025-12-30-03-10',
      created: new Date(now - 45 * H),
      status: 'available',
      type: 'automated',
    },
    { id: 'before-upgrade', created: new Date(now - 72 * H), status: 'available', type: 'manual' },
  ]);
  world.cloudWatch.metrics.set('AWS/RDS/FreeStorageSpace/metabase-dev-db', [
    { value: 18.8 * 1024 ** 3, at: new Date(now - 300_000) },
    { value: 19.5 * 1024 ** 3, at: new Date(now - 40 * 60_000) },
  ]);
  world.cloudWatch.alarms.push(
    { name: 'metabase-dev-no-healthy-target', state: 'OK' },
    { name: 'metabase-prod-rds-cpu', state: 'ALARM', reason: 'another stack' },
  );
  return world;
}

async function run(world: OpsWorld, o: Partial<StatusCommandOptions> = {}, fetch: FetchLike = ok) {
  const { io, out } = captureIo();
  const code = await statusCommand({ stackName: 'metabase-dev', json: false, ...o }, io, {
    session: world.session,
    ops: world.ops,
    clock: world.clock,
    fetch,
    timeZone: TZ,
  });
  return { code, ...out };
}

t.test('healthy: one screen with every section, exit 0', async (t) => {
  const world = healthyWorld();
  const probed: string[] = [];
  const result = await run(world, {}, async (url, init) => {
    probed.push(url);
    return ok(url, init);
  });
  t.equal(result.code, 0);
  t.equal(result.stderr, '');
  t.same(probed, ['http://mb.example/api/health'], 'one live probe');
  const lines = result.stdout.split('\n');
  t.equal(lines[0], 'metabase-dev (eu-west-1): healthy');
  t.match(
    result.stdout,
    /\n {2}URL {7}http:\/\/mb\.example\n {12}http:\/\/mb\.example\/api\/health: HTTP 200 \{"status":"ok"\}\n/,
  );
  t.match(
    result.stdout,
    /\n {2}stack {5}UPDATE_COMPLETE: last update succeeded, 2025-12-31 22:00:00 \(3h ago\)\n/,
  );
  t.match(
    result.stdout,
    /\n {2}service {3}metabase-dev-service \(ACTIVE\): 1 desired, 1 running, 0 pending\n {12}rollout COMPLETED: ECS deployment ecs-svc\/1 completed\.\n/,
  );
  t.match(result.stdout, /\n {2}version {3}Metabase v0\.64\.2\.2\n/);
  t.match(
    result.stdout,
    /\n {2}database {2}metabase-dev-db: available, db\.t4g\.micro, PostgreSQL 17\.9, single-AZ\n {12}storage 20 GiB: 1\.2 GiB used, 18\.8 GiB free\n {12}latest automated snapshot rds:metabase-dev-db-2025-12-31-03-10, 2025-12-31 04:00:00 \(21h ago\)\n {12}latest manual snapshot before-upgrade, 2025-12-29 01:00:00 \(3d ago\)\n/,
  );
  t.match(result.stdout, /\n {2}NAT {7}single \(one NAT gateway for both AZs\)\n/);
  t.match(result.stdout, /\n {2}alarms {4}no alarms in ALARM\n/);
  t.match(
    result.stdout,
    /Last ECS service events \(newest first\):\n {2}2026-01-01 00:50:00 {2}\(service metabase-dev-service\) event 1\n/,
  );
  t.match(result.stdout, /event 5\n/);
  t.notMatch(result.stdout, /event 6/, 'only the last 5 events');
  t.notMatch(result.stdout, /Problems/);
  t.notMatch(result.stdout, /\u001b\[/, 'no colour outside a terminal');
  t.match(
    world.cloudWatch.calls.find((c) => c.name === 'alarmsInAlarm'),
    { arg: 'metabase-dev-' },
    'alarms by the stack-name prefix',
  );
  t.match(
    world.cloudWatch.calls.find((c) => c.name === 'latestMinimum'),
    {
      arg: {
        namespace: 'AWS/RDS',
        metricName: 'FreeStorageSpace',
        dimensions: { DBInstanceIdentifier: 'metabase-dev-db' },
      },
    },
  );
  t.same(
    world.cf.callNames(),
    ['describeStack'],
    'the root outputs name everything: one CloudFormation call',
  );
});

t.test('degraded: tasks short, a failed rollout, an alarm in ALARM; exit 1 with each problem', async (t) => {
  const world = healthyWorld();
  world.ecs.services.set(
    'metabase-dev-cluster/metabase-dev-service',
    service(world, {
      desiredCount: 2,
      runningCount: 1,
      pendingCount: 1,
      deployments: [
        {
          id: 'ecs-svc/2',
          status: 'PRIMARY',
          taskDefinition: TASK_DEF,
          desiredCount: 2,
          runningCount: 0,
          pendingCount: 1,
          failedTasks: 3,
          rolloutState: 'FAILED',
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        },
        {
          id: 'ecs-svc/1',
          status: 'ACTIVE',
          taskDefinition: OLD_TASK_DEF,
          desiredCount: 1,
          runningCount: 1,
          pendingCount: 0,
          failedTasks: 0,
          rolloutState: 'COMPLETED',
        },
      ],
    }),
  );
  world.cloudWatch.alarms.push({
    name: 'metabase-dev-rds-free-storage',
    state: 'ALARM',
    reason: 'Threshold Crossed: 1 datapoint [1.9E9] was less than the threshold (2.1E9).',
    since: new Date(world.clock.now() - 20 * 60_000),
  });
  const result = await run(world);
  t.equal(result.code, 1);
  t.match(result.stdout, /^metabase-dev \(eu-west-1\): degraded\n/);
  t.match(
    result.stdout,
    /rollout FAILED, 3 failed tasks: ECS deployment circuit breaker: tasks failed to start\.\n/,
  );
  t.match(
    result.stdout,
    /alarms {4}metabase-dev-rds-free-storage since 2026-01-01 00:40:00 \(20m ago\): Threshold Crossed/,
  );
  t.notMatch(result.stdout, /metabase-prod-rds-cpu/, "another stack's alarm is not ours");
  t.match(
    result.stdout,
    /\nProblems:\n {2}- ECS: 1 of 2 desired tasks running\n {2}- ECS: the current deployment failed: ECS deployment circuit breaker: tasks failed to start\.\n {2}- alarm metabase-dev-rds-free-storage is in ALARM\n$/,
  );
  t.ok(
    world.ecs.calls.some((c) => c.name === 'taskDefinitionImages' && c.arg === TASK_DEF),
    'the version of the PRIMARY deployment',
  );
});

t.test('unreachable: /api/health does not answer; exit 1, the rest still shown', async (t) => {
  const world = healthyWorld();
  const result = await run(world, {}, refused);
  t.equal(result.code, 1);
  t.match(result.stdout, /^metabase-dev \(eu-west-1\): unreachable\n/);
  t.match(result.stdout, /http:\/\/mb\.example\/api\/health: ECONNREFUSED\n/);
  t.match(
    result.stdout,
    /Problems:\n {2}- Metabase does not answer http:\/\/mb\.example\/api\/health with ok \(ECONNREFUSED\)\n$/,
  );
  t.match(result.stdout, /database {2}metabase-dev-db: available/);

  const starting = healthyWorld();
  const initialising = await run(starting, {}, async () => ({
    status: 503,
    text: async () => '{"status":"initializing"}',
  }));
  t.equal(initialising.code, 1);
  t.match(initialising.stdout, /api\/health: HTTP 503 \(initializing\)/);
});

t.test('a section AWS refuses is shown as unreadable, the others still are', async (t) => {
  const world = healthyWorld();
  world.ecs.describeService = async () => {
    throw Object.assign(
      new Error('User: arn:aws:iam::111122223333:user/ro is not authorized to perform: ecs:DescribeServices'),
      {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      },
    );
  };
  const result = await run(world);
  t.equal(result.code, 1);
  t.match(result.stdout, /^metabase-dev \(eu-west-1\): degraded\n/);
  t.match(
    result.stdout,
    /service {3}could not be read: access denied: your identity may not call ecs:DescribeServices\n/,
  );
  t.match(result.stdout, /database {2}metabase-dev-db: available/);
  t.match(
    result.stdout,
    /- ECS service: could not be read \(access denied: your identity may not call ecs:DescribeServices\)/,
  );
});

t.test('a stack still being created: no URL yet, parts from the nested stacks, exit 1', async (t) => {
  const world = opsWorld();
  existingStack(world, 'CREATE_IN_PROGRESS', { parameters: { NatGateways: 'instance' } });
  world.cf.resources.set(ROOT_ID, []);
  const probes: string[] = [];
  const result = await run(world, {}, async (url, init) => {
    probes.push(url);
    return ok(url, init);
  });
  t.equal(result.code, 1);
  t.same(probes, [], 'nothing to probe');
  t.match(
    result.stdout,
    /^metabase-dev \(eu-west-1\): unreachable\n {2}URL {7}none yet \(the edge stack has not finished\)\n/,
  );
  t.match(result.stdout, /stack {5}CREATE_IN_PROGRESS: last create running, time unknown\n/);
  t.match(result.stdout, /NAT {7}instance \(a NAT instance \(t4g\.nano\)\)\n/);
  t.match(result.stdout, /- no MetabaseUrl yet: the edge stack has not finished\n/);
  t.match(result.stdout, /- ECS service not found/);
  t.match(result.stdout, /- database not found/);
});

t.test('--json: the same report as one document, its shape, the exit code in it', async (t) => {
  const world = healthyWorld();
  const result = await run(world, { json: true });
  t.equal(result.code, 0);
  const doc = JSON.parse(result.stdout) as Record<string, unknown>;
  t.same(Object.keys(doc), [
    'command',
    'region',
    'stackName',
    'verdict',
    'problems',
    'url',
    'health',
    'stack',
    'service',
    'metabaseVersion',
    'database',
    'natMode',
    'alarms',
    'unavailable',
    'apiCalls',
    'exitCode',
  ]);
  t.match(doc, {
    command: 'status',
    region: 'eu-west-1',
    stackName: 'metabase-dev',
    verdict: 'healthy',
    problems: [],
    url: 'http://mb.example',
    health: { url: 'http://mb.example/api/health', ok: true, seen: 'HTTP 200 {"status":"ok"}' },
    stack: {
      status: 'UPDATE_COMPLETE',
      statusReason: null,
      lastOperation: { kind: 'update', outcome: 'succeeded', at: '2025-12-31T21:00:00.000Z' },
    },
    service: {
      name: 'metabase-dev-service',
      status: 'ACTIVE',
      desired: 1,
      running: 1,
      pending: 0,
      rollout: { state: 'COMPLETED', failedTasks: 0, taskDefinition: TASK_DEF },
    },
    metabaseVersion: 'v0.64.2.2',
    database: {
      id: 'metabase-dev-db',
      status: 'available',
      instanceClass: 'db.t4g.micro',
      engineVersion: '17.9',
      multiAz: false,
      allocatedGiB: 20,
      freeGiB: 18.8,
      usedGiB: 1.2,
      latestAutomatedSnapshot: {
        id: 'rds:metabase-dev-db-2025-12-31-03-10',
        created: '2025-12-31T03:00:00.000Z',
        status: 'available',
      },
      latestManualSnapshot: { id: 'before-upgrade' },
    },
    natMode: 'single',
    alarms: [],
    unavailable: [],
    exitCode: 0,
  });
  const events = (doc.service as { events: { at: string; message: string }[] }).events;
  t.equal(events.length, 5);
  t.same(events[0], { at: '2025-12-31T23:50:00.000Z', message: '(service metabase-dev-service) event 1' });
  const apiCalls = doc.apiCalls as { total: number; byOperation: Record<string, number> };
  t.equal(apiCalls.total, world.session.calls.total);
  t.same(apiCalls.byOperation, {
    'cloudformation:describeStack': 1,
    'ecs:DescribeServices': 1,
    'ecs:DescribeTaskDefinition': 1,
    'rds:DescribeDBInstances': 1,
    'rds:DescribeDBSnapshots': 2,
    'cloudwatch:GetMetricStatistics': 1,
    'cloudwatch:DescribeAlarms': 1,
  });

  const down = await run(healthyWorld(), { json: true }, refused);
  t.equal(down.code, 1);
  t.match(JSON.parse(down.stdout), {
    verdict: 'unreachable',
    exitCode: 1,
    health: { ok: false, seen: 'ECONNREFUSED' },
  });
});

t.test('refusals: a bad stack name (no AWS call), a missing stack', async (t) => {
  const world = opsWorld();
  await t.rejects(run(world, { stackName: '-bad' }), {
    constructor: UserError,
    message: /^status --stack-name: /,
  });
  t.equal(world.session.calls.total, 0);
  await t.rejects(run(world, { region: 'eu-west-1' }), {
    constructor: UserError,
    message: 'status metabase-dev: stack does not exist in eu-west-1',
    hint: /Check --stack-name, --region and --profile/,
  });
});

t.test('imageVersion: tag, tag with digest, digest only, no tag', async (t) => {
  t.equal(imageVersion('docker.io/metabase/metabase:v0.64.2.2'), 'v0.64.2.2');
  t.equal(
    imageVersion(`docker.io/metabase/metabase:v0.64.2.2@sha256:${'1a2b3c4d5e6f'.repeat(5)}abcd`),
    'v0.64.2.2@sha256:1a2b3c4d5e6f',
  );
  t.equal(imageVersion(`metabase/metabase@sha256:${'ab'.repeat(32)}`), 'sha256:abababababab');
  t.equal(imageVersion('localhost:5000/metabase'), 'latest', 'a registry port is not a tag');
});

t.test('lastOperation: what each final and running root status says', async (t) => {
  const at = new Date(0);
  t.match(lastOperation({ status: 'UPDATE_ROLLBACK_COMPLETE', lastChanged: at }), {
    kind: 'update',
    outcome: 'failed and was rolled back',
    at: '1970-01-01T00:00:00.000Z',
  });
  t.match(lastOperation({ status: 'ROLLBACK_COMPLETE' }), {
    kind: 'create',
    outcome: 'failed and was rolled back',
    at: null,
  });
  t.match(lastOperation({ status: 'UPDATE_IN_PROGRESS' }), { kind: 'update', outcome: 'running' });
  t.match(lastOperation({ status: 'UPDATE_ROLLBACK_IN_PROGRESS' }), { kind: 'rollback', outcome: 'running' });
  t.match(lastOperation({ status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' }), {
    kind: 'update',
    outcome: 'running',
  });
});
