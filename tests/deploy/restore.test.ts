// deploy --restore-from over in-memory AWS, through the deploy command: the snapshot and secrets it picks,
// what it tells the user, every refusal, and destroy followed by a restore of the latest final snapshot.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { captureIo } from '../support/cli.js';
import { deployCommand, type DeployOptions } from '../../src/cli/commands/deploy.js';
import { destroyCommand } from '../../src/cli/commands/destroy.js';
import type { DbSnapshotInfo } from '../../src/aws/rds.js';
import {
  ACCOUNT,
  createTimeline,
  existingStack,
  fakeWorld,
  nestedId,
  ROOT_ID,
  type FakeWorld,
} from './fakes.js';

const MASTER = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:metabase-dev-db-master-AbCdEf`;
const KEY = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:metabase-dev-mb-encryption-key-GhIjKl`;
const KMS_KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const FINAL = 'metabase-dev-database-final-1a2b3c';

const options = (o: Partial<DeployOptions> = {}): DeployOptions => ({
  yes: true,
  execute: true,
  waitHealthy: false,
  allowReplacement: false,
  json: false,
  restoreFrom: 'latest',
  ...o,
});

function finalSnapshot(world: FakeWorld, extra: Partial<DbSnapshotInfo> = {}): DbSnapshotInfo {
  return {
    id: FINAL,
    arn: `arn:aws:rds:eu-west-1:${ACCOUNT}:snapshot:${FINAL}`,
    created: new Date(world.clock.now() - 3_600_000),
    instanceCreated: new Date(world.clock.now() - 30 * 86_400_000),
    status: 'available',
    instanceId: 'metabase-dev-datastack-1a2b-database-3c4d',
    engine: 'postgres',
    engineVersion: '17.9',
    allocatedStorage: 20,
    encrypted: true,
    kmsKeyId: KMS_KEY,
    masterUsername: 'metabase',
    type: 'manual',
    // What CopyTagsToSnapshot carries over from the instance the data tier tagged.
    tags: {
      'metabase-aws:stack': 'metabase-dev',
      'metabase-aws:db-master-secret': MASTER,
      'metabase-aws:encryption-key-secret': KEY,
    },
    ...extra,
  };
}

/** The account after a destroy: a final snapshot, the two retained secrets, the aws/rds key. */
function afterDestroy(world: FakeWorld, snapshot: Partial<DbSnapshotInfo> = {}): void {
  world.rds.manual = [finalSnapshot(world, snapshot)];
  world.secrets.secrets = [
    { arn: MASTER, name: 'DbMasterSecret-x', tags: {} },
    { arn: KEY, name: 'EncryptionKeySecret-y', tags: {} },
  ];
  world.kms.keys.set(KMS_KEY, { usable: true, keyArn: KMS_KEY, managedBy: 'AWS' });
  world.cf.timeline = createTimeline();
  world.cf.finalOutputs = { MetabaseUrl: 'http://mb.example' };
}

function createParameters(world: FakeWorld): Record<string, string> {
  const call = world.cf.calls.find((c) => c.name === 'createChangeSet');
  return (call?.arg as { parameters: Record<string, string> } | undefined)?.parameters ?? {};
}

async function deployRun(world: FakeWorld, o: Partial<DeployOptions> = {}) {
  const { io, out } = captureIo();
  const code = await deployCommand(options(o), io, { session: world.session, clock: world.clock });
  return { code, ...out };
}

t.test(
  'latest final snapshot, secrets from its tags: the stack is created restored, and says so',
  async (t) => {
    const world = fakeWorld();
    afterDestroy(world);
    // An older final snapshot and a newer pre-upgrade one: latest means the newest final one.
    world.rds.manual.push(
      finalSnapshot(world, { id: 'metabase-dev-older-final', created: new Date(world.clock.now() - 9e8) }),
      finalSnapshot(world, {
        id: 'metabase-dev-pre-metabase-v0-65-1-20260101T000000Z',
        created: new Date(world.clock.now() - 1000),
        tags: { 'metabase-aws:stack': 'metabase-dev', 'metabase-aws:made-by': 'pre-upgrade' },
      }),
      finalSnapshot(world, { id: 'metabase-prod-final', tags: { 'metabase-aws:stack': 'metabase-prod' } }),
    );
    const { code, stdout } = await deployRun(world);
    t.equal(code, 0);
    t.match(createParameters(world), {
      DbSnapshotIdentifier: FINAL,
      ExistingDbMasterSecretArn: MASTER,
      ExistingEncryptionKeySecretArn: KEY,
      DbEngineVersion: '17.9',
    });
    t.match(stdout, `Restoring the database from snapshot ${FINAL} (the latest final snapshot, taken`);
    t.match(stdout, `DB master credentials: ${MASTER} (found by the snapshot's tags)`);
    t.match(stdout, `MB_ENCRYPTION_SECRET_KEY: ${KEY} (found by the snapshot's tags)`);
    t.match(stdout, /deploy metabase-dev: CREATE_COMPLETE/);
  },
);

t.test(
  'a snapshot from before the tags: secrets found by the stack name, the generation before it',
  async (t) => {
    const world = fakeWorld();
    afterDestroy(world, { tags: {} });
    const made = (days: number): Date => new Date(world.clock.now() - days * 86_400_000);
    const cfnTags = (logicalId: string, suffix: string) => ({
      'aws:cloudformation:stack-name': `metabase-dev-DataStack-${suffix}`,
      'aws:cloudformation:logical-id': logicalId,
    });
    world.secrets.secrets = [
      { arn: 'arn:old-master', name: 'o1', created: made(60), tags: cfnTags('DbMasterSecret', 'OLD') },
      { arn: 'arn:old-key', name: 'o2', created: made(60), tags: cfnTags('EncryptionKeySecret', 'OLD') },
      { arn: MASTER, name: 'm', created: made(31), tags: cfnTags('DbMasterSecret', 'CUR') },
      { arn: KEY, name: 'k', created: made(31), tags: cfnTags('EncryptionKeySecret', 'CUR') },
      // Made after the snapshot's instance: a later stack's, not this snapshot's password.
      { arn: 'arn:later-master', name: 'l', created: made(1), tags: cfnTags('DbMasterSecret', 'NEW') },
      {
        arn: 'arn:other',
        name: 'p',
        created: made(31),
        tags: {
          ...cfnTags('DbMasterSecret', 'X'),
          'aws:cloudformation:stack-name': 'metabase-dev2-DataStack-X',
        },
      },
    ];
    const { code, stdout } = await deployRun(world, { restoreFrom: FINAL });
    t.equal(code, 0);
    t.match(createParameters(world), {
      ExistingDbMasterSecretArn: MASTER,
      ExistingEncryptionKeySecretArn: KEY,
    });
    t.match(stdout, `DB master credentials: ${MASTER} (found by the stack name)`);
    t.equal(
      world.secrets.calls.filter((c) => c.name === 'withTagPrefix').length,
      1,
      "the stack's secrets are listed once for the three it looks for",
    );
  },
);

t.test('secrets gone: refused; with --new-secrets generated, with a warning', async (t) => {
  const world = fakeWorld();
  afterDestroy(world);
  world.secrets.secrets = [{ arn: KEY, name: 'k', tags: {}, deletedAt: new Date() }];
  await t.rejects(deployRun(world), {
    message:
      /cannot find the retained secrets for metabase-dev-database-final-1a2b3c: the DB master credentials \(.*does not exist\); MB_ENCRYPTION_SECRET_KEY \(.*scheduled for deletion\)/,
    hint: /--new-secrets/,
  });
  t.notOk(world.cf.callNames().includes('createChangeSet'), 'nothing created');

  const again = fakeWorld();
  afterDestroy(again);
  again.secrets.secrets = [{ arn: MASTER, name: 'm', tags: {} }];
  const { code, stdout } = await deployRun(again, { newSecrets: true });
  t.equal(code, 0);
  t.match(createParameters(again), {
    DbSnapshotIdentifier: FINAL,
    ExistingDbMasterSecretArn: MASTER,
    ExistingEncryptionKeySecretArn: '',
  });
  t.match(
    stdout,
    /MB_ENCRYPTION_SECRET_KEY: NEW \(--new-secrets; .* does not exist\): saved data-source connections cannot be decrypted and must be re-entered/,
  );
});

t.test('refusals, each before anything is created', async (t) => {
  const cases: [string, (w: FakeWorld) => void, Partial<DeployOptions>, RegExp][] = [
    [
      'the stack exists',
      (w) => existingStack(w, 'UPDATE_COMPLETE'),
      {},
      /the stack exists \(UPDATE_COMPLETE\); a restore creates a new stack/,
    ],
    ['no final snapshot', (w) => (w.rds.manual = []), {}, /no final snapshot of metabase-dev in eu-west-1/],
    ['unknown snapshot', () => undefined, { restoreFrom: 'nope' }, /no DB snapshot "nope" in eu-west-1/],
    [
      'another region',
      () => undefined,
      { restoreFrom: `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:${FINAL}` },
      /the snapshot is in us-east-1, but the stack deploys to eu-west-1/,
    ],
    [
      'newer major engine',
      (w) => (w.rds.manual[0]!.engineVersion = '18.1'),
      {},
      /PostgreSQL 18\.1, newer than DbEngineVersion 17\.9 \(a newer major version\)/,
    ],
    [
      'newer minor engine',
      (w) => (w.rds.manual[0]!.engineVersion = '17.10'),
      {},
      /PostgreSQL 17\.10, newer than DbEngineVersion 17\.9; RDS cannot/,
    ],
    [
      'bigger than the storage',
      (w) => (w.rds.manual[0]!.allocatedStorage = 50),
      {},
      /holds 50 GiB, more than DbAllocatedStorage 20/,
    ],
    ['not encrypted', (w) => (w.rds.manual[0]!.encrypted = false), {}, /is not encrypted/],
    [
      'key not usable',
      (w) =>
        w.kms.keys.set(KMS_KEY, {
          usable: false,
          reason: 'this account may not use the key (kms:DescribeKey denied)',
        }),
      {},
      /encrypted with a KMS key this account cannot use .*DescribeKey denied/,
    ],
    [
      "another account's AWS managed key",
      (w) => {
        const foreign = 'arn:aws:kms:eu-west-1:999988887777:key/aaaa';
        w.rds.manual[0]!.kmsKeyId = foreign;
        w.kms.keys.set(foreign, { usable: true, keyArn: foreign, managedBy: 'AWS' });
      },
      {},
      /another account's AWS managed key/,
    ],
    [
      'still being created',
      (w) => (w.rds.manual[0]!.status = 'creating'),
      { restoreFrom: FINAL },
      /is creating, not available/,
    ],
    [
      'latest, while the newest final snapshot is still being made: not the older one instead',
      (w) => {
        const older = w.rds.manual[0]!;
        w.rds.manual = [
          { ...older, id: 'metabase-dev-database-older', created: new Date(w.clock.now() - 40 * 86_400_000) },
          { ...older, status: 'creating', created: undefined },
        ];
      },
      {},
      /the latest final snapshot of metabase-dev, metabase-dev-database-final-1a2b3c, is creating, not available/,
    ],
  ];
  for (const [name, setUp, o, message] of cases) {
    const world = fakeWorld();
    afterDestroy(world);
    setUp(world);
    await t.rejects(deployRun(world, o), { message }, name);
    t.notOk(world.cf.callNames().includes('createChangeSet'), `${name}: no change set`);
  }
});

t.test(
  'a later deploy of the restored stack keeps the restore parameters the params file leaves out',
  async (t) => {
    const world = fakeWorld();
    const restored = {
      DbSnapshotIdentifier: FINAL,
      ExistingDbMasterSecretArn: MASTER,
      ExistingEncryptionKeySecretArn: KEY,
    };
    existingStack(world, 'CREATE_COMPLETE', {
      parameters: {
        MetabaseVersion: 'v0.64.2.2',
        DbEngineVersion: '17.9',
        DbInstanceClass: 'db.t4g.micro',
        ...restored,
      },
    });
    world.cf.changeSetSequence = [
      { status: 'FAILED', statusReason: "The submitted information didn't contain changes." },
    ];
    const { code, stdout } = await deployRun(world, { restoreFrom: undefined });
    t.equal(code, 0);
    t.match(createParameters(world), restored);
    t.match(
      stdout,
      /Keeping DbSnapshotIdentifier=metabase-dev-database-final-1a2b3c, ExistingDbMasterSecretArn=.*from the deployed stack/,
    );
    t.match(stdout, /no changes/);
  },
);

t.test('a params file that changes a restore parameter of a deployed stack is refused', async (t) => {
  const dev = JSON.parse(readFileSync('params/dev.json', 'utf8')) as Record<string, unknown>;
  const file = join(mkdtempSync(join(tmpdir(), 'pinned-')), 'p.json');
  writeFileSync(file, JSON.stringify({ ...dev, DbSnapshotIdentifier: 'metabase-dev-other-snapshot' }));
  for (const deployed of [FINAL, '']) {
    const world = fakeWorld();
    existingStack(world, 'UPDATE_COMPLETE', {
      parameters: { MetabaseVersion: 'v0.64.2.2', DbEngineVersion: '17.9', DbSnapshotIdentifier: deployed },
    });
    await t.rejects(
      deployRun(world, { restoreFrom: undefined, params: file, stackName: 'metabase-dev' }),
      {
        message: new RegExp(
          `the restore parameters of a deployed stack cannot change \\(DbSnapshotIdentifier ${deployed === '' ? '\\(not set\\)' : deployed} → metabase-dev-other-snapshot\\)`,
        ),
        hint: /Leave DbSnapshotIdentifier out of the params file/,
      },
      deployed === '' ? 'a stack never restored' : 'a restored stack',
    );
    t.notOk(world.cf.callNames().includes('createChangeSet'), 'no change set');
  }
});

t.test('--new-secrets without --restore-from is a usage error', async (t) => {
  const { runCli } = await import('../support/cli.js');
  const result = await runCli(['deploy', '--new-secrets', '--yes']);
  t.equal(result.code, 1);
  t.match(result.stderr, /deploy --new-secrets: only means something with --restore-from/);
});

t.test(
  'destroy, then deploy --restore-from latest: the same snapshot and the same two secrets',
  async (t) => {
    const world = fakeWorld();
    const DATA = nestedId('DataStack');
    existingStack(world, 'UPDATE_COMPLETE', {
      parameters: { MetabaseVersion: 'v0.64.2.2', DbEngineVersion: '17.9' },
    });
    world.cf.resources.set(ROOT_ID, [
      {
        logicalId: 'DataStack',
        physicalId: DATA,
        resourceType: 'AWS::CloudFormation::Stack',
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
        logicalId: 'DbMasterSecret',
        physicalId: MASTER,
        resourceType: 'AWS::SecretsManager::Secret',
        status: 'CREATE_COMPLETE',
      },
      {
        logicalId: 'EncryptionKeySecret',
        physicalId: KEY,
        resourceType: 'AWS::SecretsManager::Secret',
        status: 'CREATE_COMPLETE',
      },
    ]);
    world.cf.templates.set(
      DATA,
      '{"Resources": {"Database": {"DeletionPolicy": "Snapshot"}, "DbMasterSecret": {"DeletionPolicy": "Retain"}, "EncryptionKeySecret": {"DeletionPolicy": "Retain"}}}',
    );
    world.rds.instances.set('metabase-dev-db', {
      id: 'metabase-dev-db',
      deletionProtection: false,
      status: 'available',
    });
    // CloudFormation's final snapshot as the deletion takes it, with the instance's tags copied.
    const final = finalSnapshot(world, {
      instanceId: 'metabase-dev-db',
      created: new Date(world.clock.now() + 2000),
    });
    world.rds.snapshots.set('metabase-dev-db', [final]);
    world.cf.timeline = [
      { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_IN_PROGRESS' },
      { after: 4000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_COMPLETE' },
    ];
    world.cf.finalStatus = 'DELETE_COMPLETE';
    const { io, out } = captureIo();
    t.equal(
      await destroyCommand(
        {
          env: 'dev',
          yes: true,
          disableProtection: false,
          retainFailed: false,
          keepArtifacts: true,
          json: false,
        },
        io,
        { session: world.session, clock: world.clock },
      ),
      0,
    );
    const line = `metabase-aws deploy --env dev --region eu-west-1 --restore-from ${FINAL}`;
    t.match(out.stdout, `kept: DB final snapshot ${FINAL}; bring this Metabase back with:\n    ${line}`);
    t.match(out.stdout, `kept: DataStack/DbMasterSecret ${MASTER}`);

    // The account as destroy left it; deploy --restore-from latest (what `line` runs, with latest).
    const later = fakeWorld();
    afterDestroy(later, { instanceId: 'metabase-dev-db' });
    later.rds.manual = [final];
    const { code } = await deployRun(later);
    t.equal(code, 0);
    t.match(
      createParameters(later),
      {
        DbSnapshotIdentifier: FINAL,
        ExistingDbMasterSecretArn: MASTER,
        ExistingEncryptionKeySecretArn: KEY,
      },
      'same data (the snapshot), same password and MB_ENCRYPTION_SECRET_KEY (saved connections readable)',
    );
  },
);

t.test(
  'an empty or malformed --restore-from is refused before any AWS call, never deployed as a create',
  async (t) => {
    const cases: [string, RegExp][] = [
      ['', /deploy metabase-dev --restore-from: the value is empty/],
      ['  ', /the value is empty/],
      ['bad id!', /"bad id!" is not a DB snapshot identifier/],
      ['metabase_dev_final', /is not a DB snapshot identifier/],
      [`arn:aws:rds:eu-west-1:${ACCOUNT}:cluster-snapshot:x`, /is not a DB snapshot ARN/],
      // DbSnapshotIdentifier's AllowedPattern has no colon: CloudFormation would reject the change set.
      ['rds:metabase-dev-2026-12-01-03-05', /is an automated or AWS Backup snapshot.*copy-db-snapshot/],
      ['awsbackup:job-1a2b', /is an automated or AWS Backup snapshot/],
    ];
    for (const [from, message] of cases) {
      const world = fakeWorld();
      afterDestroy(world);
      await t.rejects(
        deployRun(world, { restoreFrom: from }),
        { message, hint: /snapshots --stack-name metabase-dev/ },
        JSON.stringify(from),
      );
      t.equal(world.session.calls.total, 0, `${JSON.stringify(from)}: no AWS call`);
    }
    // Identifiers and ARNs the stack's DbSnapshotIdentifier takes go through.
    for (const from of [FINAL, `arn:aws:rds:eu-west-1:${ACCOUNT}:snapshot:${FINAL}`]) {
      const world = fakeWorld();
      afterDestroy(world);
      const result = await deployRun(world, { restoreFrom: from }).catch((error: unknown) => error as Error);
      t.notMatch(
        result instanceof Error ? result.message : '',
        /is not a DB snapshot|the value is empty/,
        from,
      );
    }
    // Through the CLI: `--restore-from ''` (an unset variable) reaches the command as an empty value.
    const { runCli } = await import('../support/cli.js');
    for (const argv of [['--restore-from', ''], ['--restore-from=']]) {
      const cli = await runCli(['deploy', '--env', 'dev', '--yes', ...argv]);
      t.equal(cli.code, 1, argv.join(' '));
      t.match(cli.stderr, /--restore-from: the value is empty/);
      t.notMatch(cli.stderr, /Target:|unexpected error/);
    }
  },
);

t.test('an unknown snapshot: the hint lists the snapshots of the stack being deployed', async (t) => {
  const world = fakeWorld();
  afterDestroy(world);
  await t.rejects(deployRun(world, { restoreFrom: 'nope', stackName: 'metabase-other' }), {
    message: /no DB snapshot "nope"/,
    hint: /`metabase-aws snapshots --stack-name metabase-other`/,
  });
});

const ADMIN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:AdminSecret-a1B2c3D4e5F6-MnOpQr`;

/** params/dev.json with AdminEmail (or not), as a file of its own. */
function paramsFile(extra: Record<string, string> = {}): string {
  const dev = JSON.parse(readFileSync('params/dev.json', 'utf8')) as Record<string, unknown>;
  const file = join(mkdtempSync(join(tmpdir(), 'admin-')), 'p.json');
  writeFileSync(file, JSON.stringify({ ...dev, ...extra }));
  return file;
}
const withAdminEmail = (): Partial<DeployOptions> => ({
  params: paramsFile({ AdminEmail: 'ops@example.com' }),
  stackName: 'metabase-dev',
});

t.test("the admin secret, found by the snapshot's tags: reused, no new one", async (t) => {
  for (const o of [withAdminEmail(), {}]) {
    const world = fakeWorld();
    afterDestroy(world, {
      tags: { ...finalSnapshot(world).tags, 'metabase-aws:admin-secret': ADMIN },
    });
    world.secrets.secrets.push({ arn: ADMIN, name: 'AdminSecret-a1B2c3D4e5F6', tags: {}, written: true });
    const { code, stdout } = await deployRun(world, o);
    t.equal(code, 0);
    t.match(createParameters(world), { ExistingAdminSecretArn: ADMIN });
    t.match(
      stdout,
      `Metabase first admin's password: ${ADMIN} (found by the snapshot's tags; AdminSecretArn will be this secret)`,
      o.params ? 'with AdminEmail' : 'without AdminEmail: the restored admin is there all the same',
    );
  }
});

t.test('the admin secret of a snapshot from before its tag: found by the stack name', async (t) => {
  const world = fakeWorld();
  afterDestroy(world);
  const made = (days: number): Date => new Date(world.clock.now() - days * 86_400_000);
  const admin = (arn: string, suffix: string, days: number, written: boolean) => ({
    arn,
    name: arn,
    created: made(days),
    written,
    tags: {
      'aws:cloudformation:stack-name': `metabase-dev-DataStack-${suffix}`,
      'aws:cloudformation:logical-id': 'AdminSecret',
    },
  });
  world.secrets.secrets.push(
    // AdminEmail set on a later deploy than the instance's: younger than the instance, older than the snapshot.
    admin(ADMIN, 'CUR', 10, true),
    // A stack restored before this tool reused admin secrets made one that nobody's password went into.
    admin('arn:unused', 'CUR', 5, false),
    admin('arn:older', 'OLD', 60, true),
    // Made after the snapshot: a later stack's.
    admin('arn:later', 'NEW', 0, true),
  );
  const { code, stdout } = await deployRun(world, withAdminEmail());
  t.equal(code, 0);
  t.match(createParameters(world), { ExistingAdminSecretArn: ADMIN });
  t.match(stdout, `Metabase first admin's password: ${ADMIN} (found by the stack name;`);
});

t.test('no admin secret to find: the restore goes on, and says the password must be reset', async (t) => {
  const cases: [string, (w: FakeWorld) => void, Partial<DeployOptions>, RegExp][] = [
    [
      'AdminEmail never set: a new admin secret now that it is',
      () => undefined,
      withAdminEmail(),
      /Metabase first admin's password: in no secret \(none tagged on the snapshot or left by metabase-dev\): the stack makes a new admin secret for AdminEmail, which holds none of the restored admins' passwords; a lost one must be reset in Metabase/,
    ],
    [
      'no AdminEmail either: no admin secret at all',
      () => undefined,
      {},
      /Metabase first admin's password: in no secret \(none tagged on the snapshot or left by metabase-dev; no AdminEmail\): a lost password of a restored admin must be reset in Metabase/,
    ],
    [
      'the tagged one was deleted',
      (w) => (w.rds.manual[0]!.tags!['metabase-aws:admin-secret'] = ADMIN),
      withAdminEmail(),
      /in no secret \(arn:.*AdminSecret-a1B2c3D4e5F6-MnOpQr does not exist\): the stack makes a new admin secret/,
    ],
    [
      'the tagged one is scheduled for deletion',
      (w) => {
        w.rds.manual[0]!.tags!['metabase-aws:admin-secret'] = ADMIN;
        w.secrets.secrets.push({ arn: ADMIN, name: 'a', tags: {}, deletedAt: new Date() });
      },
      withAdminEmail(),
      /in no secret \(.*MnOpQr is scheduled for deletion\)/,
    ],
    [
      "the tagged one never held a password (CloudFormation's placeholder)",
      (w) => {
        w.rds.manual[0]!.tags!['metabase-aws:admin-secret'] = ADMIN;
        w.secrets.secrets.push({ arn: ADMIN, name: 'a', tags: {}, written: false });
      },
      withAdminEmail(),
      /in no secret \(.*MnOpQr holds no password deploy stored/,
    ],
  ];
  for (const [name, setUp, o, line] of cases) {
    const world = fakeWorld();
    afterDestroy(world);
    setUp(world);
    const { code, stdout } = await deployRun(world, o);
    t.equal(code, 0, `${name}: not a refusal`);
    t.match(createParameters(world), { ExistingAdminSecretArn: '', ExistingDbMasterSecretArn: MASTER }, name);
    t.match(stdout, line, name);
  }
});

t.test('ExistingAdminSecretArn is pinned: kept when left out, refused when changed', async (t) => {
  const restored = {
    MetabaseVersion: 'v0.64.2.2',
    DbEngineVersion: '17.9',
    DbSnapshotIdentifier: FINAL,
    ExistingDbMasterSecretArn: MASTER,
    ExistingEncryptionKeySecretArn: KEY,
    ExistingAdminSecretArn: ADMIN,
  };
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', { parameters: restored });
  world.cf.changeSetSequence = [
    { status: 'FAILED', statusReason: "The submitted information didn't contain changes." },
  ];
  const kept = await deployRun(world, { ...withAdminEmail(), restoreFrom: undefined });
  t.equal(kept.code, 0);
  t.match(createParameters(world), { ExistingAdminSecretArn: ADMIN });
  t.match(kept.stdout, `ExistingAdminSecretArn=${ADMIN}`);

  const other = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:AdminSecret-zzzzzzzzzzzz-StUvWx`;
  for (const deployed of [ADMIN, '']) {
    const again = fakeWorld();
    existingStack(again, 'UPDATE_COMPLETE', {
      parameters: { ...restored, ExistingAdminSecretArn: deployed },
    });
    await t.rejects(
      deployRun(again, {
        restoreFrom: undefined,
        params: paramsFile({ ExistingAdminSecretArn: other }),
        stackName: 'metabase-dev',
      }),
      {
        message: new RegExp(
          `the restore parameters of a deployed stack cannot change \\(ExistingAdminSecretArn ${deployed === '' ? '\\(not set\\)' : deployed} → ${other}\\)`,
        ),
        hint: /Leave ExistingAdminSecretArn out of the params file/,
      },
    );
    t.notOk(again.cf.callNames().includes('createChangeSet'), 'no change set');
  }
});
