// The destroy command over in-memory AWS: every case issue 5 names.
import t from 'tap';
import { captureIo } from '../support/cli.js';
import { destroyCommand, type DestroyOptions } from '../../src/cli/commands/destroy.js';
import { emptyAndDeleteBucket } from '../../src/deploy/bucket.js';
import { ACCOUNT, existingStack, FakeS3, fakeWorld, nestedId, ROOT_ID, type FakeWorld } from './fakes.js';

const BUCKET = 'metabase-aws-artifacts-111122223333-eu-west-1';
const DATA = nestedId('DataStack');
const NET = nestedId('NetworkStack');

const io = captureIo;

const options = (o: Partial<DestroyOptions> = {}): DestroyOptions => ({
  yes: true,
  disableProtection: false,
  retainFailed: false,
  keepArtifacts: false,
  json: false,
  ...o,
});

/** A deployed stack: root with two tiers, the DB (Snapshot policy), a retained log bucket, the artifacts bucket. */
function deployed(world: FakeWorld, db = { deletionProtection: false }): void {
  existingStack(world, 'UPDATE_COMPLETE');
  world.cf.resources.set(ROOT_ID, [
    {
      logicalId: 'NetworkStack',
      physicalId: NET,
      resourceType: 'AWS::CloudFormation::Stack',
      status: 'CREATE_COMPLETE',
    },
    {
      logicalId: 'DataStack',
      physicalId: DATA,
      resourceType: 'AWS::CloudFormation::Stack',
      status: 'CREATE_COMPLETE',
    },
  ]);
  world.cf.resources.set(NET, [
    { logicalId: 'Vpc', physicalId: 'vpc-1', resourceType: 'AWS::EC2::VPC', status: 'CREATE_COMPLETE' },
    {
      logicalId: 'FlowLogs',
      physicalId: 'flow-logs-bucket',
      resourceType: 'AWS::S3::Bucket',
      status: 'CREATE_COMPLETE',
    },
  ]);
  world.cf.resources.set(DATA, [
    {
      logicalId: 'Database',
      physicalId: 'metabase-dev-db',
      resourceType: 'AWS::RDS::DBInstance',
      status: 'CREATE_COMPLETE',
    },
    {
      logicalId: 'DbSubnetGroup',
      physicalId: 'sg-1',
      resourceType: 'AWS::RDS::DBSubnetGroup',
      status: 'CREATE_COMPLETE',
    },
  ]);
  world.cf.templates.set(
    NET,
    'Resources:\n  FlowLogs:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n',
  );
  world.cf.templates.set(
    DATA,
    '{"Resources": {"Database": {"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Snapshot"}}}',
  );
  world.rds.instances.set('metabase-dev-db', {
    id: 'metabase-dev-db',
    deletionProtection: db.deletionProtection,
    status: 'available',
  });
  world.rds.snapshots.set('metabase-dev-db', [
    {
      id: 'metabase-dev-database-final-abc',
      created: new Date(world.clock.now() + 5000),
      status: 'available',
    },
  ]);
  world.s3.buckets.set(BUCKET, {
    tags: { 'metabase-aws:created-by': 'metabase-aws' },
    objects: new Map([['templates/a.yaml', Buffer.from('x')]]),
    versions: [{ key: 'templates/a.yaml', versionId: 'v0' }],
  });
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_IN_PROGRESS' },
    { after: 1000, stackId: ROOT_ID, logicalId: 'DataStack', status: 'DELETE_IN_PROGRESS', physicalId: DATA },
    {
      after: 2000,
      stackId: DATA,
      logicalId: 'Database',
      status: 'DELETE_COMPLETE',
      resourceType: 'AWS::RDS::DBInstance',
    },
    { after: 3000, stackId: ROOT_ID, logicalId: 'DataStack', status: 'DELETE_COMPLETE', physicalId: DATA },
    { after: 4000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_COMPLETE' },
  ];
  world.cf.finalStatus = 'DELETE_COMPLETE';
}

/** First attempt: DbSubnetGroup in the data tier fails to delete. */
function failingOnce(world: FakeWorld): void {
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_IN_PROGRESS' },
    { after: 1000, stackId: ROOT_ID, logicalId: 'DataStack', status: 'DELETE_IN_PROGRESS', physicalId: DATA },
    {
      after: 2000,
      stackId: DATA,
      logicalId: 'DbSubnetGroup',
      status: 'DELETE_FAILED',
      resourceType: 'AWS::RDS::DBSubnetGroup',
      physicalId: 'sg-1',
      reason: 'Cannot delete the subnet group because it is in use.',
    },
    {
      after: 2500,
      stackId: DATA,
      logicalId: 'metabase-dev-DataStack',
      status: 'DELETE_FAILED',
      physicalId: DATA,
    },
    {
      after: 3000,
      stackId: ROOT_ID,
      logicalId: 'DataStack',
      status: 'DELETE_FAILED',
      physicalId: DATA,
      reason: 'Embedded stack was not successfully deleted',
    },
    { after: 4000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_FAILED' },
  ];
  world.cf.finalStatus = 'DELETE_FAILED';
  world.cf.deleteTimelines = [
    [
      { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_IN_PROGRESS' },
      { after: 2000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_COMPLETE' },
    ],
  ];
  world.cf.deleteFinalStatuses = ['DELETE_COMPLETE'];
}

const deleteCalls = (world: FakeWorld) =>
  world.cf.calls
    .filter((c) => c.name === 'deleteStack')
    .map((c) => c.arg as { nameOrId: string; retainResources?: string[] });

t.test(
  'shows what goes and what stays, then deletes: snapshot id kept, bucket emptied and deleted',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    const { io: cli, out } = io();
    const code = await destroyCommand(options(), cli, { session: world.session, clock: world.clock });
    t.equal(code, 0, out.stderr);
    t.match(out.stdout, /Will delete metabase-dev \(UPDATE_COMPLETE\): 3 stacks, 4 resources/);
    t.match(out.stdout, /- NetworkStack +2 resources/);
    t.match(out.stdout, /a final snapshot of DataStack\/Database \(metabase-dev-db\)/);
    t.match(out.stdout, /NetworkStack\/FlowLogs \(AWS::S3::Bucket flow-logs-bucket\): DeletionPolicy Retain/);
    t.match(out.stdout, /kept: DB final snapshot metabase-dev-database-final-abc/);
    t.match(out.stdout, /deleted: s3:\/\/metabase-aws-artifacts-111122223333-eu-west-1 \(1 object\)/);
    t.notOk(world.s3.buckets.has(BUCKET));
  },
);

t.test('the typed stack name: right deletes, wrong cancels with nothing deleted', async (t) => {
  for (const [typed, deletes] of [
    ['metabase-dev', true],
    ['metabase-prod', false],
  ] as const) {
    const world = fakeWorld();
    deployed(world);
    const { io: cli } = io({ isTty: true, env: { NO_COLOR: '1' } });
    const code = await destroyCommand(options({ yes: false }), cli, {
      session: world.session,
      clock: world.clock,
      prompt: async () => typed,
    });
    t.equal(deleteCalls(world).length > 0, deletes, `typed ${typed}`);
    t.equal(code, deletes ? 0 : 1);
  }
});

t.test('no TTY and no --yes: refused before any AWS call', async (t) => {
  const world = fakeWorld();
  deployed(world);
  const { io: cli } = io();
  await t.rejects(
    destroyCommand(options({ yes: false }), cli, { session: world.session, clock: world.clock }),
    { message: /not an interactive terminal/ },
  );
  t.equal(world.session.calls.total, 0);
});

t.test(
  'DB deletion protection: stops with the way out; --disable-protection turns it off and says so',
  async (t) => {
    const world = fakeWorld();
    deployed(world, { deletionProtection: true });
    const { io: cli } = io();
    const error = (await destroyCommand(options(), cli, { session: world.session, clock: world.clock }).catch(
      (e: unknown) => e,
    )) as { message: string; hint: string };
    t.match(error.message, /deletion protection on the database metabase-dev-db is on/);
    t.match(error.hint, /DbDeletionProtection.*--disable-protection/);
    t.equal(deleteCalls(world).length, 0);

    const { io: cli2, out } = io({ isTty: true, env: { NO_COLOR: '1' } });
    const questions: string[] = [];
    const code = await destroyCommand(options({ yes: false, disableProtection: true }), cli2, {
      session: world.session,
      clock: world.clock,
      prompt: async (q) => (questions.push(q), 'metabase-dev'),
    });
    t.equal(code, 0);
    t.match(questions[0], /with --disable-protection/);
    t.match(out.stdout, /--disable-protection: turns off deletion protection on metabase-dev-db first/);
    t.ok(world.rds.calls.some((c) => c.name === 'disableDeletionProtection'));
  },
);

t.test('termination protection is handled the same way', async (t) => {
  const world = fakeWorld();
  deployed(world);
  existingStack(world, 'UPDATE_COMPLETE', { terminationProtection: true });
  const { io: cli } = io();
  await t.rejects(destroyCommand(options(), cli, { session: world.session, clock: world.clock }), {
    message: /termination protection on the stack is on/,
  });
  t.equal(
    await destroyCommand(options({ disableProtection: true }), cli, {
      session: world.session,
      clock: world.clock,
    }),
    0,
  );
  t.ok(world.cf.calls.some((c) => c.name === 'setTerminationProtection'));
});

t.test(
  'DELETE_FAILED + --retain-failed: the nested stack is deleted keeping the resource, the root retried, the resource listed as left behind',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    failingOnce(world);
    const { io: cli, out } = io();
    const code = await destroyCommand(options({ retainFailed: true }), cli, {
      session: world.session,
      clock: world.clock,
    });
    t.equal(code, 0, out.stderr);
    t.same(deleteCalls(world), [
      { nameOrId: ROOT_ID, retainResources: [] },
      { nameOrId: DATA, retainResources: ['DbSubnetGroup'] },
      { nameOrId: ROOT_ID, retainResources: [] },
    ]);
    t.match(
      out.stdout,
      /left behind: DataStack\/DbSubnetGroup AWS::RDS::DBSubnetGroup sg-1 \(Cannot delete the subnet group because it is in use\.\)/,
    );
  },
);

t.test(
  'DELETE_FAILED without a TTY or --retain-failed: shows what failed and why, exit 1, bucket kept',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    failingOnce(world);
    const { io: cli, out } = io();
    const code = await destroyCommand(options(), cli, { session: world.session, clock: world.clock });
    t.equal(code, 1);
    t.match(
      out.stdout,
      /DataStack\/DbSubnetGroup AWS::RDS::DBSubnetGroup sg-1: Cannot delete the subnet group/,
    );
    t.match(out.stderr, /--retain-failed/);
    t.ok(world.s3.buckets.has(BUCKET), 'the artifacts bucket stays while the stack exists');
  },
);

t.test('DELETE_FAILED in a TTY: a retry is offered and can succeed', async (t) => {
  const world = fakeWorld();
  deployed(world);
  failingOnce(world);
  const { io: cli, out } = io({ isTty: true, env: { NO_COLOR: '1' } });
  const answers = ['metabase-dev', 'r'];
  const code = await destroyCommand(options({ yes: false }), cli, {
    session: world.session,
    clock: world.clock,
    prompt: async () => answers.shift() ?? 'q',
  });
  t.equal(code, 0, out.stderr);
  t.equal(deleteCalls(world).length, 2);
  t.notMatch(out.stdout, /left behind/);
});

t.test('a likely typo of an environment this tool owns: did-you-mean, exit 1, nothing deleted', async (t) => {
  const world = fakeWorld();
  world.cf.otherStacks = [
    {
      stackId: 'arn:prod',
      stackName: 'metabase-prod',
      status: 'UPDATE_COMPLETE',
      tags: { 'managed-by': 'metabase-aws' },
    },
    { stackId: 'arn:other', stackName: 'metabase-prdx', status: 'UPDATE_COMPLETE', tags: {} },
  ];
  const { io: cli } = io();
  await t.rejects(
    destroyCommand(options({ env: 'prdo' }), cli, { session: world.session, clock: world.clock }),
    {
      message: /destroy metabase-prdo: the stack does not exist; did you mean --env prod \(metabase-prod\)\?/,
    },
  );
  t.same(deleteCalls(world), []);
  // Typed out by name, it is what the user asked for: gone means done.
  const { io: named, out } = io();
  t.equal(
    await destroyCommand(options({ stackName: 'metabase-prdo' }), named, {
      session: world.session,
      clock: world.clock,
    }),
    0,
  );
  t.match(out.stdout, /does not exist/);
});

t.test('an --env that makes no valid stack name is refused before any AWS call', async (t) => {
  const world = fakeWorld();
  const { io: cli } = io();
  await t.rejects(
    destroyCommand(options({ env: 'my_env' }), cli, { session: world.session, clock: world.clock }),
    {
      message: /destroy --env my_env: "metabase-my_env" is not a valid stack name/,
    },
  );
  t.equal(world.session.calls.total, 0);
});

t.test('a stack already gone: exit 0 with a message', async (t) => {
  const world = fakeWorld();
  const { io: cli, out } = io();
  t.equal(await destroyCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
  t.match(out.stdout, /does not exist \(already deleted\); nothing to do/);
});

t.test('a busy stack is refused', async (t) => {
  const world = fakeWorld();
  deployed(world);
  existingStack(world, 'UPDATE_IN_PROGRESS');
  const { io: cli } = io();
  await t.rejects(destroyCommand(options(), cli, { session: world.session, clock: world.clock }), {
    message: /busy \(UPDATE_IN_PROGRESS\)/,
    hint: /metabase-aws watch --stack-name metabase-dev/,
  });
  t.equal(deleteCalls(world).length, 0);
});

t.test('--keep-artifacts, and a bucket this tool did not create, are kept', async (t) => {
  const world = fakeWorld();
  deployed(world);
  const { io: cli, out } = io();
  await destroyCommand(options({ keepArtifacts: true }), cli, { session: world.session, clock: world.clock });
  t.ok(world.s3.buckets.has(BUCKET));
  t.match(out.stdout, /kept: s3:\/\/metabase-aws-artifacts-111122223333-eu-west-1 \(--keep-artifacts\)/);

  const other = fakeWorld();
  deployed(other);
  other.s3.buckets.set('my-own', { tags: {}, objects: new Map(), versions: [] });
  const { io: cli2, out: out2 } = io();
  await destroyCommand(options({ bucket: 'my-own' }), cli2, { session: other.session, clock: other.clock });
  t.ok(other.s3.buckets.has('my-own'));
  t.match(out2.stdout, /not created by this tool/);
});

t.test(
  'emptying the bucket: every version and delete marker, across pages, in batches of at most 1000',
  async (t) => {
    const s3 = new FakeS3();
    const versions = Array.from({ length: 2500 }, (_, i) => ({
      key: `templates/t${i % 700}.yaml`,
      versionId: `v${i}`,
    }));
    s3.buckets.set('b', {
      tags: {},
      objects: new Map(versions.map((v) => [v.key, Buffer.from('')])),
      versions,
    });
    s3.pageSize = 1000;
    const removed = await emptyAndDeleteBucket(s3, 'b', ACCOUNT);
    t.equal(removed, 2500);
    t.notOk(s3.buckets.has('b'));
    const batches = s3.calls.filter((c) => c.name === 'deleteObjects').map((c) => c.arg as number);
    t.same(batches, [1000, 1000, 500]);
    t.equal(s3.calls.filter((c) => c.name === 'listVersions').length, 4, 'three pages and one empty listing');
  },
);

t.test(
  '--retain-failed, and the nested stack cannot be deleted either: the message speaks of destroy, not deploy',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    failingOnce(world);
    world.cf.stacks.set('metabase-dev-DataStack', {
      stackId: DATA,
      stackName: 'metabase-dev-DataStack',
      status: 'DELETE_FAILED',
      outputs: {},
      parameters: {},
      terminationProtection: false,
      tags: { 'managed-by': 'metabase-aws' },
    });
    const { io: cli } = io();
    const error = (await destroyCommand(options({ retainFailed: true }), cli, {
      session: world.session,
      clock: world.clock,
    }).catch((e: unknown) => e)) as { message: string; hint: string };
    t.match(
      error.message,
      /^destroy metabase-dev: could not delete the nested stack DataStack \(keeping DbSubnetGroup\)/,
    );
    t.notMatch(`${error.message} ${error.hint}`, /deploy|recreat/);
  },
);

const prodStack = {
  stackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/metabase-prod/prod-1',
  stackName: 'metabase-prod',
  status: 'UPDATE_COMPLETE',
  tags: { 'managed-by': 'metabase-aws' },
};

t.test('the default bucket shared with metabase-prod: kept, and the summary says why', async (t) => {
  const world = fakeWorld();
  deployed(world);
  world.cf.otherStacks = [prodStack];
  world.cf.templates.set(
    prodStack.stackId,
    `Resources:\n  DataStack:\n    Properties:\n      TemplateURL: https://${BUCKET}.s3.eu-west-1.amazonaws.com/templates/data-abc.yaml\n`,
  );
  const { io: cli, out } = io();
  t.equal(
    await destroyCommand(options(), cli, { session: world.session, clock: world.clock }),
    0,
    out.stderr,
  );
  t.ok(world.s3.buckets.get(BUCKET)?.objects.has('templates/a.yaml'), "prod's templates are still there");
  t.match(
    out.stdout,
    /kept: s3:\/\/metabase-aws-artifacts-111122223333-eu-west-1 \(shared with metabase-prod\)/,
  );
});

t.test(
  'stacks that do not use the bucket (nested ones, untagged ones, another bucket) do not keep it',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    world.cf.otherStacks = [
      {
        ...prodStack,
        stackName: 'metabase-prod-DataStack-X',
        stackId: 'nested-prod',
        parentId: prodStack.stackId,
      },
      { stackId: 'other', stackName: 'someone-elses', status: 'CREATE_COMPLETE', tags: {} },
      { ...prodStack, stackId: 'own-bucket', stackName: 'metabase-staging' },
    ];
    world.cf.templates.set('nested-prod', BUCKET);
    world.cf.templates.set('other', BUCKET);
    world.cf.templates.set(
      'own-bucket',
      'TemplateURL: https://my-own-bucket.s3.eu-west-1.amazonaws.com/templates/data-abc.yaml',
    );
    const { io: cli, out } = io();
    t.equal(
      await destroyCommand(options(), cli, { session: world.session, clock: world.clock }),
      0,
      out.stderr,
    );
    t.notOk(world.s3.buckets.has(BUCKET));
  },
);

t.test(
  'after an interrupted destroy: a stack DELETE_IN_PROGRESS is followed to the end, then the bucket removed',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    existingStack(world, 'DELETE_IN_PROGRESS');
    world.cf.begin();
    const { io: cli, out } = io({ isTty: true, env: { NO_COLOR: '1' } });
    const code = await destroyCommand(options({ yes: false }), cli, {
      session: world.session,
      clock: world.clock,
      prompt: async () => t.fail('no prompt: the deletion is under way') as never,
    });
    t.equal(code, 0, out.stderr);
    t.match(out.stdout, /already in progress.*following it/);
    t.equal(deleteCalls(world).length, 0, 'no second DeleteStack');
    t.match(out.stdout, /destroy metabase-dev: deleted \(DELETE_COMPLETE\)/);
    t.notOk(world.s3.buckets.has(BUCKET));
  },
);

t.test(
  'after an interrupted destroy: the stack is gone but the bucket is not; destroy removes it',
  async (t) => {
    const world = fakeWorld();
    world.s3.buckets.set(BUCKET, {
      tags: { 'metabase-aws:created-by': 'metabase-aws' },
      objects: new Map([['templates/a.yaml', Buffer.from('x')]]),
      versions: [{ key: 'templates/a.yaml', versionId: 'v0' }],
    });
    const { io: cli, out } = io();
    t.equal(await destroyCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
    t.match(
      out.stdout,
      /does not exist \(already deleted\)\.\n {2}deleted: s3:\/\/metabase-aws-artifacts-111122223333-eu-west-1 \(1 object\)/,
    );
    t.notOk(world.s3.buckets.has(BUCKET));

    const shared = fakeWorld();
    shared.s3.buckets.set(BUCKET, {
      tags: { 'metabase-aws:created-by': 'metabase-aws' },
      objects: new Map(),
      versions: [],
    });
    shared.cf.otherStacks = [prodStack];
    shared.cf.templates.set(prodStack.stackId, BUCKET);
    const { io: cli2, out: out2 } = io();
    t.equal(await destroyCommand(options(), cli2, { session: shared.session, clock: shared.clock }), 0);
    t.match(out2.stdout, /kept: s3:\/\/\S+ \(shared with metabase-prod\)/);
    t.ok(shared.s3.buckets.has(BUCKET));
  },
);

t.test(
  'Ctrl-C at the typed-name prompt (AbortError): exit 130, nothing deleted, no "bug" report',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    const { io: cli, out } = io({ isTty: true, env: { NO_COLOR: '1' } });
    const abort = Object.assign(new Error('The operation was aborted'), {
      name: 'AbortError',
      code: 'ABORT_ERR',
    });
    const code = await destroyCommand(options({ yes: false }), cli, {
      session: world.session,
      clock: world.clock,
      prompt: async () => Promise.reject(abort),
    });
    t.equal(code, 130);
    t.match(out.stderr, /interrupted at the prompt; nothing deleted/);
    t.equal(deleteCalls(world).length, 0);
  },
);

t.test('an AWS error during the watch: the deletion goes on, destroy says so and exits 1', async (t) => {
  const world = fakeWorld();
  deployed(world);
  const events = world.cf.stackEvents.bind(world.cf);
  let polls = 0;
  world.cf.stackEvents = async (id, stop) => {
    if (++polls > 2) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    return events(id, stop);
  };
  const { io: cli, out } = io();
  t.equal(await destroyCommand(options(), cli, { session: world.session, clock: world.clock }), 1);
  t.match(
    out.stderr,
    /lost track of the deletion: cannot reach the AWS endpoint \(ECONNRESET\).*\nThe deletion continues in AWS \(last status [A-Z_]+\)\. Follow it again with: metabase-aws watch --stack-name metabase-dev\nOr run destroy again/,
  );
  t.ok(world.s3.buckets.has(BUCKET));
});

t.test('only an older manual snapshot: not called the final one', async (t) => {
  const world = fakeWorld();
  deployed(world);
  world.rds.snapshots.set('metabase-dev-db', [
    { id: 'manual-2025', created: new Date(world.clock.now() - 30 * 86_400_000), status: 'available' },
  ]);
  const { io: cli, out } = io();
  t.equal(await destroyCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
  t.notMatch(out.stdout, /manual-2025/);
  t.match(out.stdout, /no final snapshot of the DB found/);
});

t.test('TTY: a retry after DELETE_FAILED starts a fresh live view below the failure list', async (t) => {
  const world = fakeWorld();
  deployed(world);
  failingOnce(world);
  const { io: cli, out } = io({ isTty: true, env: { NO_COLOR: '1' } });
  const answers = ['metabase-dev', 'r'];
  t.equal(
    await destroyCommand(options({ yes: false }), cli, {
      session: world.session,
      clock: world.clock,
      prompt: async () => answers.shift() ?? 'q',
    }),
    0,
  );
  const afterFailure = out.stdout.slice(out.stdout.indexOf('DELETE_FAILED (attempt 1)'));
  t.match(afterFailure, /\u001b\[2K/, 'the retry is drawn');
  t.equal(/\u001b\[(\d+A|2K)/.exec(afterFailure)?.[1], '2K', 'without moving up over the failure list first');
});

t.test(
  'listing the stacks is denied: the bucket is kept, the destroy still succeeds and says why',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    world.cf.liveStacks = async () =>
      Promise.reject(
        Object.assign(new Error('not authorized to perform: cloudformation:DescribeStacks'), {
          name: 'AccessDenied',
        }),
      );
    const { io: cli, out } = io();
    t.equal(
      await destroyCommand(options(), cli, { session: world.session, clock: world.clock }),
      0,
      out.stderr,
    );
    t.ok(world.s3.buckets.has(BUCKET));
    t.match(
      out.stdout,
      /kept: s3:\/\/\S+ \(could not list the stacks to check that none uses it \(AccessDenied\)/,
    );
  },
);

t.test(
  'listing the stacks fails on the network: the kept bucket says what failed, not "(Error)"',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    world.cf.liveStacks = async () => Promise.reject(new Error('socket hang up'));
    const { io: cli, out } = io();
    t.equal(
      await destroyCommand(options(), cli, { session: world.session, clock: world.clock }),
      0,
      out.stderr,
    );
    t.match(out.stdout, /could not list the stacks to check that none uses it \(socket hang up\)/);
    t.notMatch(out.stdout, /\(Error\)/);
  },
);

// Issue 18's wording minors: the keep list holds only what outlives the stack, counts agree in number,
// the kept items' monthly cost is shown, "kept:" only after a delete that finished, the prompt re-asks.
/** The "Will keep:" block: its heading and the indented lines under it. */
const keepSection = (stdout: string): string => {
  const lines = stdout.slice(stdout.indexOf('Will keep:')).split('\n');
  const end = lines.findIndex((l, n) => n > 0 && !l.startsWith('  '));
  return lines.slice(0, end === -1 ? undefined : end).join('\n');
};

t.test(
  'the plan: nothing deleted under "Will keep", singular counts, the monthly cost of what is kept',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    world.rds.instances.set('metabase-dev-db', {
      id: 'metabase-dev-db',
      deletionProtection: false,
      status: 'available',
      allocatedStorageGiB: 20,
    });
    // The data tier as synthesized: two secrets with DeletionPolicy Retain besides the DB's Snapshot.
    world.cf.resources.get(DATA)?.push(
      {
        logicalId: 'DbMasterSecret',
        physicalId: 'arn:secret:db',
        resourceType: 'AWS::SecretsManager::Secret',
        status: 'CREATE_COMPLETE',
      },
      {
        logicalId: 'EncryptionKeySecret',
        physicalId: 'arn:secret:key',
        resourceType: 'AWS::SecretsManager::Secret',
        status: 'CREATE_COMPLETE',
      },
    );
    world.cf.templates.set(
      DATA,
      JSON.stringify({
        Resources: {
          Database: { Type: 'AWS::RDS::DBInstance', DeletionPolicy: 'Snapshot' },
          DbMasterSecret: { Type: 'AWS::SecretsManager::Secret', DeletionPolicy: 'Retain' },
          EncryptionKeySecret: { Type: 'AWS::SecretsManager::Secret', DeletionPolicy: 'Retain' },
        },
      }),
    );
    world.cf.resources.set(NET, [
      { logicalId: 'Vpc', physicalId: 'vpc-1', resourceType: 'AWS::EC2::VPC', status: 'CREATE_COMPLETE' },
    ]);
    world.cf.templates.set(NET, 'Resources: {}\n');
    const { io: cli, out } = io();
    t.equal(
      await destroyCommand(options(), cli, { session: world.session, clock: world.clock }),
      0,
      out.stderr,
    );
    t.match(out.stdout, /- NetworkStack +1 resource\n/, 'one resource, not "1 resources"');
    t.match(out.stdout, /- DataStack +4 resources\n/);
    const keep = keepSection(out.stdout);
    t.notMatch(keep, /artifacts|empty and delete/, 'the bucket that goes is not listed under Will keep');
    t.match(
      out.stdout.slice(0, out.stdout.indexOf('Will keep:')),
      /then empty and delete the artifacts bucket s3:\/\/metabase-aws-artifacts/,
    );
    // eu-west-1: RDS backup storage $0.095/GB-month (the snapshot of a deleted instance bills in full),
    // Secrets Manager $0.40 a secret-month: 20 × 0.095 + 2 × 0.40 = 2.70.
    t.match(keep, /What is kept costs about \$2\.70\/month/);
    t.match(keep, /up to 20 GB × \$0\.095\/GB-month/);
    t.match(keep, /DataStack\/DbMasterSecret \(\$0\.40\/month\)/);
    t.match(out.stdout, /deleted: s3:\/\/\S+ \(1 object\)/);
  },
);

t.test(
  'earlier snapshots of the stack (pre-upgrade ones) are said to stay, and their storage is in the kept cost',
  async (t) => {
    const world = fakeWorld();
    deployed(world);
    const tagged = (id: string, madeBy?: string) => ({
      id,
      status: 'available',
      created: new Date(Date.UTC(2026, 10, 1)),
      instanceId: 'metabase-dev-datastack-1-database-abc',
      allocatedStorage: 20,
      engineVersion: '17.9',
      tags: {
        'metabase-aws:stack': 'metabase-dev',
        ...(madeBy ? { 'metabase-aws:made-by': madeBy, 'managed-by': 'metabase-aws' } : {}),
      },
    });
    world.rds.manual.push(
      tagged('metabase-dev-pre-metabase-20261101t000000z', 'pre-upgrade'),
      tagged('metabase-dev-pre-postgres-20261115t000000z', 'pre-upgrade'),
      // Another stack's snapshot: not this stack's to mention.
      {
        ...tagged('metabase-prod-pre-metabase-x', 'pre-upgrade'),
        tags: { 'metabase-aws:stack': 'metabase-prod' },
      },
    );
    const { io: cli, out } = io();
    t.equal(
      await destroyCommand(options(), cli, { session: world.session, clock: world.clock }),
      0,
      out.stderr,
    );
    const keep = keepSection(out.stdout);
    t.match(
      keep,
      /\* 2 earlier snapshots of this stack \(2 pre-upgrade\): not part of the stack, so destroy leaves them; `\S.* snapshots --stack-name metabase-dev` lists them, `--prune --keep 0` deletes the pre-upgrade ones/,
    );
    t.notMatch(keep, /metabase-prod/);
    // eu-west-1 backup storage $0.095/GB-month, no free allowance once the instance is gone: 40 GB.
    t.match(keep, /the 2 earlier snapshots \(up to 40 GB × \$0\.095\/GB-month\)/);
  },
);

t.test('a failed delete prints no "kept:" line: nothing is kept while the stack still exists', async (t) => {
  const world = fakeWorld();
  deployed(world);
  failingOnce(world);
  const { io: cli, out } = io();
  const code = await destroyCommand(options(), cli, { session: world.session, clock: world.clock });
  t.equal(code, 1);
  t.match(out.stdout, /not finished \(DELETE_FAILED\)/);
  t.notMatch(out.stdout, /kept:/);
  t.match(out.stdout, /not deleted: s3:\/\/\S+ \(the stack still exists\)/);
});

t.test('DELETE_FAILED in a TTY: an unknown answer to retry/keep/quit asks again', async (t) => {
  const world = fakeWorld();
  deployed(world);
  failingOnce(world);
  const { io: cli, out } = io({ isTty: true, env: { NO_COLOR: '1' } });
  const answers = ['metabase-dev', 'x', '', 'rerun', 'r'];
  const asked: string[] = [];
  const code = await destroyCommand(options({ yes: false }), cli, {
    session: world.session,
    clock: world.clock,
    prompt: async (question) => {
      asked.push(question);
      return answers.shift() ?? 'q';
    },
  });
  t.equal(code, 0, out.stderr);
  t.equal(asked.filter((q) => q.startsWith('[r]etry')).length, 4, 'asked until a known answer');
  t.equal(deleteCalls(world).length, 2, 'then retried');
  t.match(out.stderr, /Answer r, k or q \(not "x"\)/);
});
