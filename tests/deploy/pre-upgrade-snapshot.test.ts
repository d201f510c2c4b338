// The snapshot before an upgrade, over in-memory AWS through the deploy command: taken, waited for and
// named; failed (the change set is deleted, nothing executed); --no-snapshot; no upgrade, no snapshot.
import t from 'tap';
import { captureIo } from '../support/cli.js';
import { deployCommand, type DeployOptions } from '../../src/cli/commands/deploy.js';
import { preUpgradeSnapshotName, upgradeChanges } from '../../src/deploy/pre-upgrade-snapshot.js';
import { existingStack, fakeWorld, ROOT_ID, type FakeWorld } from './fakes.js';

const options = (o: Partial<DeployOptions> = {}): DeployOptions => ({
  yes: true,
  execute: true,
  waitHealthy: false,
  allowReplacement: false,
  json: false,
  ...o,
});

/** Deployed with v0.63.0 and PostgreSQL 17.9; params/dev.json asks for its own versions. */
function deployedOlder(
  world: FakeWorld,
  deployed: Record<string, string> = { MetabaseVersion: 'v0.63.0' },
): void {
  existingStack(world, 'UPDATE_COMPLETE', {
    parameters: {
      MetabaseVersion: 'v0.64.2.2',
      DbEngineVersion: '17.9',
      DbInstanceClass: 'db.t4g.micro',
      ...deployed,
    },
    outputs: { DbInstanceId: 'metabase-dev-db' },
  });
  world.rds.instances.set('metabase-dev-db', {
    id: 'metabase-dev-db',
    deletionProtection: false,
    status: 'available',
    tags: {
      Name: 'metabase-dev-DataStack-X-db',
      'metabase-aws:db-master-secret': 'arn:master',
      'metabase-aws:encryption-key-secret': 'arn:key',
      'metabase-aws:admin-secret': 'arn:admin',
    },
  });
  world.cf.changeSetSequence = [
    {
      status: 'CREATE_COMPLETE',
      changes: [
        {
          action: 'Modify',
          logicalId: 'AppStack',
          resourceType: 'AWS::CloudFormation::Stack',
          recreationCauses: [],
        },
      ],
    },
  ];
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_IN_PROGRESS' },
    { after: 2000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_COMPLETE' },
  ];
  world.cf.finalStatus = 'UPDATE_COMPLETE';
}

async function run(world: FakeWorld, o: Partial<DeployOptions> = {}) {
  const { io, out } = captureIo();
  const code = await deployCommand(options(o), io, { session: world.session, clock: world.clock });
  return { code, ...out };
}

t.test('a Metabase upgrade: snapshot taken, tagged, waited for, then executed', async (t) => {
  const world = fakeWorld();
  deployedOlder(world);
  const { code, stdout } = await run(world);
  t.equal(code, 0);
  const create = world.rds.calls.find((c) => c.name === 'createSnapshot')?.arg as {
    id: string;
    instanceId: string;
    tags: Record<string, string>;
  };
  t.match(create, {
    id: 'metabase-dev-pre-metabase-v0-64-2-2-20260101T000000Z',
    instanceId: 'metabase-dev-db',
    tags: {
      'metabase-aws:made-by': 'pre-upgrade',
      'metabase-aws:stack': 'metabase-dev',
      'metabase-aws:reason': 'MetabaseVersion v0.63.0 to v0.64.2.2',
      // So that a restore from it finds the secrets, as from a final snapshot.
      'metabase-aws:db-master-secret': 'arn:master',
      'metabase-aws:encryption-key-secret': 'arn:key',
      'metabase-aws:admin-secret': 'arn:admin',
    },
  });
  t.notOk('Name' in create.tags, 'only the tags a restore reads are copied');
  const names = [
    ...world.rds.calls.map((c) => `rds:${c.name}`),
    ...world.cf.calls.map((c) => `cf:${c.name}`),
  ];
  t.ok(names.includes('rds:describeSnapshot'), 'waited for it');
  // Executed only after the snapshot was available (the fake makes it available after 90 s).
  const executedAt = world.cf.calls.find((c) => c.name === 'executeChangeSet')?.at ?? 0;
  t.ok(executedAt - Date.UTC(2026, 0, 1) >= 90_000, 'executed after the snapshot was available');
  t.match(
    stdout,
    /Taking pre-upgrade snapshot metabase-dev-pre-metabase-v0-64-2-2-20260101T000000Z \(MetabaseVersion v0\.63\.0 → v0\.64\.2\.2\); waiting until it is available\.\.\./,
  );
  t.match(stdout, /Pre-upgrade snapshot metabase-dev-pre-metabase-v0-64-2-2-20260101T000000Z is available\./);
});

t.test('PostgreSQL version and instance class changes snapshot too, one snapshot naming both', async (t) => {
  const world = fakeWorld();
  deployedOlder(world, { DbEngineVersion: '16.13', DbInstanceClass: 'db.t4g.small' });
  t.equal((await run(world)).code, 0);
  const creates = world.rds.calls.filter((c) => c.name === 'createSnapshot');
  t.equal(creates.length, 1);
  t.match(creates[0]!.arg, { id: 'metabase-dev-pre-postgres-17-9-class-db-t4g-micro-20260101T000000Z' });
});

t.test('a snapshot that fails: the deploy stops, the change set is deleted, nothing executed', async (t) => {
  for (const fail of ['ends failed', 'refused']) {
    const world = fakeWorld();
    deployedOlder(world);
    if (fail === 'ends failed') world.rds.createEndsAs = 'failed';
    else
      world.rds.createRefusal = Object.assign(new Error('DB instance is not in available state'), {
        name: 'InvalidDBInstanceStateFault',
      });
    await t.rejects(run(world), {
      message:
        fail === 'ends failed'
          ? /pre-upgrade snapshot .* ended failed; nothing was deployed/
          : /cannot take the pre-upgrade snapshot .*InvalidDBInstanceStateFault/,
      hint: /--no-snapshot/,
    });
    t.notOk(world.cf.callNames().includes('executeChangeSet'), `${fail}: not executed`);
    t.ok(world.cf.callNames().includes('deleteChangeSet'), `${fail}: change set deleted`);
  }
});

t.test(
  'a snapshot RDS does not list yet right after creating it is waited for, not taken as gone',
  async (t) => {
    const world = fakeWorld();
    deployedOlder(world);
    // DescribeDBSnapshots says DBSnapshotNotFound for 20 s after CreateDBSnapshot (eventual consistency).
    world.rds.listedAfterMs = 20_000;
    const { code, stdout } = await run(world);
    t.equal(code, 0);
    t.match(stdout, /Pre-upgrade snapshot \S+ is available\./);
    t.ok(world.cf.callNames().includes('executeChangeSet'), 'executed');
  },
);

t.test('a snapshot still not listed a minute after creating it is gone: nothing deployed', async (t) => {
  const world = fakeWorld();
  deployedOlder(world);
  world.rds.listedAfterMs = 10 * 60_000;
  await t.rejects(run(world), { message: /pre-upgrade snapshot \S+ disappeared; nothing was deployed/ });
  t.notOk(world.cf.callNames().includes('executeChangeSet'), 'not executed');
  const waits = world.rds.calls.filter((c) => c.name === 'describeSnapshot').length;
  t.ok(waits >= 2 && waits <= 20, `asked again for about a minute (${String(waits)} reads), then gave up`);
});

t.test('--no-snapshot: no snapshot, a warning, executed', async (t) => {
  const world = fakeWorld();
  deployedOlder(world);
  const { code, stdout } = await run(world, { snapshot: false });
  t.equal(code, 0);
  t.notOk(world.rds.calls.some((c) => c.name === 'createSnapshot'));
  t.match(
    stdout,
    /warning: --no-snapshot: upgrading \(MetabaseVersion v0\.63\.0 → v0\.64\.2\.2\) without a snapshot first/,
  );
  t.ok(world.cf.callNames().includes('executeChangeSet'));
});

t.test('no version or class change, or a new stack: no snapshot', async (t) => {
  const world = fakeWorld();
  deployedOlder(world, {});
  t.equal((await run(world)).code, 0);
  // (RDS is read by the preflight's storage and engine checks, src/deploy/preflight.ts.)
  t.notOk(
    world.rds.calls.some((c) => ['createSnapshot', 'describeSnapshot'].includes(c.name)),
    'no snapshot taken or waited for',
  );
  t.same(upgradeChanges({}, { MetabaseVersion: 'v1' }), [], 'nothing deployed yet');
});

t.test(
  'Ctrl-C while waiting for the snapshot: nothing executed, the change set discarded, exit 130',
  async (t) => {
    const world = fakeWorld();
    deployedOlder(world);
    const controller = new AbortController();
    const create = world.rds.createSnapshot.bind(world.rds);
    world.rds.createSnapshot = async (...args) => {
      const made = await create(...args);
      controller.abort();
      return made;
    };
    const { io, out } = captureIo();
    const code = await deployCommand(options(), io, {
      session: world.session,
      clock: world.clock,
      signal: controller.signal,
    });
    t.equal(code, 130);
    t.notOk(world.cf.callNames().includes('executeChangeSet'), 'not executed');
    t.ok(world.cf.callNames().includes('deleteChangeSet'), 'change set deleted');
    t.notOk(
      world.rds.calls.some((c) => c.name === 'describeSnapshot'),
      'stopped waiting at once',
    );
    t.match(out.stderr, /interrupted before executing; nothing was changed/);
    t.match(
      out.stderr,
      /The pre-upgrade snapshot metabase-dev-pre-metabase-v0-64-2-2-20260101T000000Z stays in RDS, which finishes it/,
    );
  },
);

t.test('a new image digest is an upgrade too', async (t) => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const changes = upgradeChanges(
    { MetabaseVersion: 'v1' },
    { MetabaseVersion: 'v1', MetabaseImageDigest: digest },
  );
  t.same(changes, [{ parameter: 'MetabaseImageDigest', from: '', to: digest }]);
  t.equal(
    preUpgradeSnapshotName('metabase-dev', changes, 0),
    'metabase-dev-pre-image-abababababab-19700101T000000Z',
  );
  t.same(upgradeChanges({ MetabaseImageDigest: '' }, {}), [], 'an empty digest is no digest');
});

t.test('the name is a valid RDS snapshot identifier, even from awkward input', async (t) => {
  const valid = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,254}$/;
  const names = [
    preUpgradeSnapshotName('metabase-dev', [{ parameter: 'MetabaseVersion', from: 'a', to: 'v0.65.1.x' }], 0),
    preUpgradeSnapshotName('m', [{ parameter: 'DbInstanceClass', from: 'a', to: '--db..t4g--' }], 0),
    preUpgradeSnapshotName(`s${'x'.repeat(300)}`, [{ parameter: 'DbEngineVersion', from: '1', to: '2' }], 0),
  ];
  for (const name of names) {
    t.match(name, valid, name.slice(0, 60));
    t.ok(name.length <= 255 && !name.endsWith('-'));
    t.match(name, /-19700101T000000Z$/, 'ends with the UTC time');
  }
});
