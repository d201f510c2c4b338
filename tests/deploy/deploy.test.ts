// The deploy flow over in-memory AWS: one test for each stack state and failure path of issue 3.
import t from 'tap';
import { deploy, type DeployHooks, type DeployRequest } from '../../src/deploy/deploy.js';
import { OperationError } from '../../src/deploy/errors.js';
import type { FetchLike } from '../../src/deploy/health.js';
import type { TemplateSet } from '../../src/deploy/package.js';
import type { WatchEvent } from '../../src/deploy/watch.js';
import {
  scriptDbReplacement,
  createTimeline,
  existingStack,
  fakeWorld,
  nestedId,
  ACCOUNT,
  REGION,
  ROOT_ID,
  type FakeWorld,
} from './fakes.js';

/** The default artifacts bucket of the fake account and region (deploy creates it; a preview only uses it). */
const BUCKET = `metabase-aws-artifacts-${ACCOUNT}-${REGION}`;

const rootYaml = `Parameters:
  DesiredCount: {Type: Number}
Resources:
  NetworkStack:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: network.yaml}
  DataStack:
    Type: AWS::CloudFormation::Stack
    Properties: {TemplateURL: data.yaml}
`;
const templates: TemplateSet = {
  root: { name: 'root.yaml', bytes: Buffer.from(rootYaml) },
  nested: [
    { name: 'network.yaml', bytes: Buffer.from('Resources: {}\n# network') },
    { name: 'data.yaml', bytes: Buffer.from('Resources: {}\n# data') },
  ],
};

const noFetch: FetchLike = async () => {
  throw new Error('fetch must not be called');
};

function request(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    stackName: 'metabase-dev',
    parameters: { DesiredCount: '1', NotDeclared: 'x' },
    templates,
    execute: true,
    waitHealthy: false,
    ...overrides,
  };
}

function run(
  world: FakeWorld,
  overrides: Partial<DeployRequest> = {},
  hooks: Partial<DeployHooks> = {},
  fetch: FetchLike = noFetch,
) {
  const events: WatchEvent[] = [];
  const steps: string[] = [];
  const promise = deploy(
    {
      cf: world.cf,
      s3: world.s3,
      sts: world.sts,
      region: REGION,
      endpoint: undefined,
      clock: world.clock,
      fetch,
    },
    request(overrides),
    {
      confirm: async () => true,
      onEvent: (e) => events.push(e),
      onStep: (s) => steps.push(s.step),
      ...hooks,
    },
  );
  return { promise, events, steps };
}

t.test(
  'no stack yet: creates the bucket, uploads, creates with a CREATE change set, follows nested stacks',
  async (t) => {
    const world = fakeWorld();
    world.cf.timeline = createTimeline();
    world.cf.finalOutputs = { LogGroupName: 'lg', MetabaseUrl: 'http://mb.example' };
    const { promise, events, steps } = run(world);
    const result = await promise;
    t.equal(result.outcome, 'created');
    t.same(result.outputs, { LogGroupName: 'lg', MetabaseUrl: 'http://mb.example' });
    t.equal(result.bucket, 'metabase-aws-artifacts-111122223333-eu-west-1');
    t.match(
      world.s3.calls.map((c) => c.name),
      ['bucketState', 'createPrivateBucket'],
    );
    t.equal(
      world.s3.calls.filter((c) => c.name === 'putObject').length,
      3,
      'two nested templates and the root',
    );
    const create = world.cf.calls.find((c) => c.name === 'createChangeSet')?.arg as {
      type: string;
      parameters: Record<string, string>;
      templateUrl: string;
    };
    t.equal(create.type, 'CREATE');
    t.same(create.parameters, { DesiredCount: '1' }, 'only parameters the root template declares');
    t.match(
      create.templateUrl,
      /^https:\/\/metabase-aws-artifacts-111122223333-eu-west-1\.s3\.eu-west-1\.amazonaws\.com\/metabase-dev\/templates\/root-[0-9a-f]{64}\.yaml$/,
    );
    t.ok(
      events.some((e) => e.stackId === nestedId('NetworkStack') && e.logicalId === 'Thing'),
      'events of the nested stacks are followed',
    );
    t.ok(
      events.some((e) => e.stackLabel === 'DataStack'),
      'nested events are labelled with their tier',
    );
    t.same(steps, ['identity', 'bucket', 'packaged', 'change-set', 'executing']);
    t.ok(
      world.cf.minPollGap() >= 1000,
      `never polls one stack faster than 1/s (min gap ${world.cf.minPollGap()} ms)`,
    );
  },
);

t.test('polling: at most one call per second per stack, and the end is noticed within ~2 s', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'CREATE_IN_PROGRESS' },
    { after: 600_000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'CREATE_COMPLETE' },
  ];
  const { promise } = run(world);
  const result = await promise;
  t.equal(result.outcome, 'created');
  const polls = world.cf.calls.filter((c) => c.name === 'stackEvents').length;
  t.ok(polls <= 600, `a 10-minute quiet create took ${polls} event polls`);
  t.ok(polls >= 250, 'but does not back off so far that the end goes unnoticed');
  t.ok(Math.max(...world.clock.sleeps) <= 2000);
  t.ok(world.cf.minPollGap() >= 1000);
});

for (const status of ['ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS']) {
  t.test(`${status}: deletes the leftover stack and creates it again, saying so`, async (t) => {
    const world = fakeWorld();
    existingStack(world, status);
    world.cf.timeline = createTimeline();
    const { promise, steps } = run(world);
    const result = await promise;
    t.equal(result.outcome, 'created');
    t.equal(result.recreatedFrom, status);
    t.ok(steps.includes('recreate'));
    const names = world.cf.callNames();
    t.ok(names.indexOf('deleteStack') < names.indexOf('createChangeSet'));
    t.equal(
      (world.cf.calls.find((c) => c.name === 'createChangeSet')?.arg as { type: string }).type,
      'CREATE',
    );
  });
}

t.test(
  'an existing stack gets an UPDATE change set; history before the update is not replayed',
  async (t) => {
    const world = fakeWorld();
    existingStack(world, 'CREATE_COMPLETE');
    world.cf.history.set(ROOT_ID, [
      {
        eventId: 'old-2',
        stackId: ROOT_ID,
        stackName: 'metabase-dev',
        logicalId: 'metabase-dev',
        physicalId: ROOT_ID,
        resourceType: 'AWS::CloudFormation::Stack',
        status: 'CREATE_COMPLETE',
        timestamp: new Date(0),
      },
    ]);
    world.cf.changeSetSequence = [
      { status: 'CREATE_PENDING' },
      { status: 'CREATE_IN_PROGRESS' },
      { status: 'CREATE_COMPLETE', changes: [] },
    ];
    world.cf.timeline = [
      { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_IN_PROGRESS' },
      { after: 3000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_COMPLETE' },
    ];
    world.cf.finalStatus = 'UPDATE_COMPLETE';
    const { promise, events } = run(world, { roleArn: 'arn:aws:iam::111122223333:role/cfn-exec' });
    const result = await promise;
    t.equal(result.outcome, 'updated');
    t.equal(
      (world.cf.calls.find((c) => c.name === 'createChangeSet')?.arg as { roleArn?: string }).roleArn,
      'arn:aws:iam::111122223333:role/cfn-exec',
      '--role-arn reaches the change set',
    );
    t.notOk(events.some((e) => e.eventId === 'old-2'));
    t.equal(
      (world.cf.calls.find((c) => c.name === 'createChangeSet')?.arg as { type: string }).type,
      'UPDATE',
    );
  },
);

t.test('an empty change set is success: nothing executed, change set removed, outputs kept', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', { outputs: { MetabaseUrl: 'http://mb' } });
  world.cf.changeSetSequence = [
    {
      status: 'FAILED',
      statusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    },
  ];
  const { promise } = run(world);
  const result = await promise;
  t.equal(result.outcome, 'no-changes');
  t.same(result.outputs, { MetabaseUrl: 'http://mb' });
  t.notOk(world.cf.callNames().includes('executeChangeSet'));
  t.ok(world.cf.callNames().includes('deleteChangeSet'));
});

for (const status of [
  'UPDATE_IN_PROGRESS',
  'CREATE_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
  'UPDATE_ROLLBACK_IN_PROGRESS',
]) {
  t.test(`${status}: refused before anything changes`, async (t) => {
    const world = fakeWorld();
    existingStack(world, status);
    await t.rejects(run(world).promise, {
      message: new RegExp(`busy \\(${status}\\)`),
      hint: /metabase-aws watch --stack-name metabase-dev/,
    });
    t.same(world.s3.calls, [], 'no bucket created, nothing uploaded');
    t.notOk(world.cf.callNames().includes('createChangeSet'));
  });
}

t.test('UPDATE_ROLLBACK_FAILED: explains continue-update-rollback', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_ROLLBACK_FAILED');
  const error = (await run(world).promise.catch((e: unknown) => e)) as OperationError;
  t.type(error, OperationError);
  t.match(error.hint, /continue-update-rollback --stack-name metabase-dev/);
});

t.test('a failed create: the root cause comes from the nested stack, even one already deleted', async (t) => {
  const world = fakeWorld();
  const data = nestedId('DataStack');
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'CREATE_IN_PROGRESS' },
    { after: 1000, stackId: ROOT_ID, logicalId: 'DataStack', status: 'CREATE_IN_PROGRESS', physicalId: data },
    {
      after: 1500,
      stackId: data,
      logicalId: 'metabase-dev-DataStack',
      status: 'CREATE_IN_PROGRESS',
      physicalId: data,
    },
    {
      after: 2000,
      stackId: data,
      logicalId: 'DbSubnetGroup',
      status: 'CREATE_COMPLETE',
      resourceType: 'AWS::RDS::DBSubnetGroup',
    },
    {
      after: 9000,
      stackId: data,
      logicalId: 'Database',
      status: 'CREATE_FAILED',
      resourceType: 'AWS::RDS::DBInstance',
      reason: 'Cannot find version 17.9 for postgres',
    },
    {
      after: 9500,
      stackId: data,
      logicalId: 'DbParameterGroup',
      status: 'CREATE_FAILED',
      resourceType: 'AWS::RDS::DBParameterGroup',
      reason: 'Resource creation cancelled',
    },
    {
      after: 10_000,
      stackId: data,
      logicalId: 'metabase-dev-DataStack',
      status: 'ROLLBACK_IN_PROGRESS',
      physicalId: data,
      reason: 'The following resource(s) failed to create: [Database].',
    },
    {
      after: 12_000,
      stackId: ROOT_ID,
      logicalId: 'DataStack',
      status: 'CREATE_FAILED',
      physicalId: data,
      reason:
        'Embedded stack arn:... was not successfully created: The following resource(s) failed to create: [Database].',
    },
    {
      after: 20_000,
      stackId: data,
      logicalId: 'metabase-dev-DataStack',
      status: 'DELETE_COMPLETE',
      physicalId: data,
    },
    { after: 30_000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'ROLLBACK_COMPLETE' },
  ];
  world.cf.finalStatus = 'ROLLBACK_COMPLETE';
  const result = await run(world).promise;
  t.equal(result.outcome, 'failed');
  t.match(result.rootCause, {
    path: 'DataStack/Database',
    resourceType: 'AWS::RDS::DBInstance',
    reason: 'Cannot find version 17.9 for postgres',
  });
});

t.test(
  'a change set CloudFormation rejects: the reason is reported and the change set removed',
  async (t) => {
    const world = fakeWorld();
    world.cf.changeSetSequence = [
      { status: 'FAILED', statusReason: 'Parameter TaskCpu failed to satisfy constraint' },
    ];
    await t.rejects(run(world).promise, { message: /rejected the change set: Parameter TaskCpu/ });
    t.ok(world.cf.callNames().includes('deleteChangeSet'));
    t.notOk(world.cf.callNames().includes('executeChangeSet'));
  },
);

t.test(
  'declined confirmation: nothing executes, the change set and the empty new stack are removed',
  async (t) => {
    const world = fakeWorld();
    const result = await run(world, {}, { confirm: async () => false }).promise;
    t.equal(result.outcome, 'cancelled');
    t.notOk(world.cf.callNames().includes('executeChangeSet'));
    t.ok(world.cf.callNames().includes('deleteChangeSet'));
    t.ok(world.cf.callNames().includes('deleteStack'));
  },
);

t.test('--no-execute: preview only, no confirmation asked', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE');
  await world.s3.createPrivateBucket(BUCKET, ACCOUNT, REGION, {}, true);
  let asked = false;
  let previewed = false;
  const result = await run(
    world,
    { execute: false },
    { confirm: async () => (asked = true), onPreview: () => (previewed = true) },
  ).promise;
  t.equal(result.outcome, 'preview');
  t.ok(previewed);
  t.notOk(asked);
  t.notOk(world.cf.callNames().includes('executeChangeSet'));
});

t.test('--no-execute without the artifacts bucket: refused, nothing created or uploaded', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE');
  await t.rejects(run(world, { execute: false }).promise, {
    message: /a preview needs the nested templates in the artifacts bucket, and it does not exist yet/,
  });
  const names = world.s3.calls.map((c) => c.name);
  t.notOk(names.includes('createPrivateBucket'), 'no bucket created');
  t.notOk(names.includes('putObject'), 'nothing uploaded');
  t.notOk(world.cf.callNames().includes('createChangeSet'), 'no change set');
});

t.test('nested change sets are read into the preview, and a DB replacement is found', async (t) => {
  const world = fakeWorld();
  scriptDbReplacement(world, 'DBSubnetGroupName');
  await world.s3.createPrivateBucket(BUCKET, ACCOUNT, REGION, {}, true);
  let risksSeen: unknown;
  const result = await run(world, { execute: false }, { onPreview: (_p, risks) => (risksSeen = risks) })
    .promise;
  t.match(result.preview?.changes[0]?.children[0], { logicalId: 'Database', replacement: 'True' });
  t.same(risksSeen, [
    { path: 'DataStack/Database', kind: 'replace', resource: 'database', causes: ['DBSubnetGroupName'] },
  ]);
});

t.test('Ctrl-C while watching: returns interrupted, the operation is left running', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  const controller = new AbortController();
  const { promise } = run(world, { signal: controller.signal }, { onRound: () => controller.abort() });
  const result = await promise;
  t.equal(result.outcome, 'interrupted');
  t.notOk(world.cf.callNames().includes('deleteStack'), 'nothing is cancelled in AWS');
});

t.test('health: polls /api/health through 503s until {"status":"ok"}', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  world.cf.finalOutputs = { MetabaseUrl: 'http://mb.example/' };
  const seen: string[] = [];
  let n = 0;
  const fetch: FetchLike = async (url) => {
    seen.push(url);
    n++;
    return n < 3
      ? { status: 503, text: async () => '{"status":"initializing"}' }
      : { status: 200, text: async () => '{"status":"ok"}' };
  };
  const result = await run(world, { waitHealthy: true }, {}, fetch).promise;
  t.equal(seen[0], 'http://mb.example/api/health');
  t.match(result.health, { healthy: true, attempts: 3 });
});

t.test('health: gives up after the timeout and says what it last saw', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  world.cf.finalOutputs = { MetabaseUrl: 'http://mb.example' };
  const fetch: FetchLike = async () => {
    throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
  };
  const result = await run(world, { waitHealthy: true, healthTimeoutMs: 60_000 }, {}, fetch).promise;
  t.match(result.health, { healthy: false, interrupted: false, last: 'ECONNREFUSED' });
  t.ok((result.health?.attempts ?? 0) >= 6 && (result.health?.attempts ?? 0) <= 8);
});

t.test('a bucket under the default name owned by someone else is refused', async (t) => {
  const world = fakeWorld();
  await t.rejects(run(world, { bucket: 'foreign-bucket' }).promise, {
    message: /belongs to another account/,
  });
  t.notOk(world.cf.callNames().includes('createChangeSet'));
});

t.test('an unchanged nested template is not uploaded again and keeps its URL', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  await run(world).promise;
  const first = (world.cf.calls.find((c) => c.name === 'createChangeSet')?.arg as { templateUrl: string })
    .templateUrl;
  const again = fakeWorld();
  again.s3.buckets = world.s3.buckets;
  existingStack(again, 'CREATE_COMPLETE');
  again.cf.changeSetSequence = [{ status: 'FAILED', statusReason: 'No updates are to be performed.' }];
  await run(again).promise;
  t.equal(again.s3.calls.filter((c) => c.name === 'putObject').length, 0);
  t.equal(
    (again.cf.calls.find((c) => c.name === 'createChangeSet')?.arg as { templateUrl: string }).templateUrl,
    first,
  );
});

t.test(
  'DescribeStacks lagging behind the final event: asked again every round until it agrees (no hang)',
  async (t) => {
    const world = fakeWorld();
    world.cf.timeline = createTimeline();
    world.cf.describeLagMs = 15_000;
    const controller = new AbortController();
    let rounds = 0;
    // A guard: before the fix the watch never asked again and would spin until this stops it.
    const result = await run(
      world,
      { signal: controller.signal },
      {
        onRound: () => {
          if (++rounds > 500) controller.abort();
        },
      },
    ).promise;
    t.equal(result.outcome, 'created');
    t.ok(rounds < 100, `${rounds} rounds`);
  },
);

t.test('the watch gives up after its safety timeout with a clear message', async (t) => {
  const { watchStack } = await import('../../src/deploy/watch.js');
  const world = fakeWorld();
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'CREATE_IN_PROGRESS' },
  ];
  await world.cf.executeChangeSet('x');
  await t.rejects(watchStack(world.cf, ROOT_ID, { clock: world.clock, timeoutMs: 60 * 60_000 }), {
    message: /gave up following after 60 min \(last status CREATE_IN_PROGRESS\)/,
  });
});

t.test('Ctrl-C before a recreate: the failed stack is not deleted, nothing is created', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'ROLLBACK_COMPLETE');
  const controller = new AbortController();
  const result = await run(
    world,
    { signal: controller.signal },
    {
      onStep: (s) => {
        if (s.step === 'packaged') controller.abort();
      },
    },
  ).promise;
  t.match(result, { outcome: 'cancelled', cancelledBy: 'interrupt' });
  t.notOk(world.cf.callNames().includes('deleteStack'));
  t.notOk(world.cf.callNames().includes('createChangeSet'));
});

t.test(
  'Ctrl-C at the confirmation of an update: the change set is discarded, the stack left alone',
  async (t) => {
    const world = fakeWorld();
    existingStack(world, 'UPDATE_COMPLETE');
    const controller = new AbortController();
    const result = await run(
      world,
      { signal: controller.signal },
      { confirm: async () => (controller.abort(), true) },
    ).promise;
    t.match(result, { outcome: 'cancelled', cancelledBy: 'interrupt' });
    t.notOk(world.cf.callNames().includes('executeChangeSet'));
    t.ok(world.cf.callNames().includes('deleteChangeSet'));
    t.notOk(world.cf.callNames().includes('deleteStack'), 'an existing stack is never deleted');
  },
);
