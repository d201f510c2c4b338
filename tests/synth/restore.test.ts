// GIVEN the data tier WHEN the restore parameters are set THEN no secret is generated and the instance is
// restored from the snapshot; and a later deploy, whose params file does not repeat them, leaves the
// instance exactly as it was created (deploy carries the pinned values forward).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { plainTemplates } from '../support/cli.js';
import { evaluateTemplate } from '../support/evaluate.js';
import { withPinnedParameters } from '../../src/deploy/pinned-parameters.js';
import { validateParams } from '../../src/params/validate.js';
import { resolveTemplate } from '../support/resolve-template.js';

const { data, root } = plainTemplates();
const SNAPSHOT = 'metabase-dev-database-final-1a2b3c';
const MASTER = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:metabase-dev-db-master-AbCdEf';
const KEY = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:metabase-dev-mb-key-GhIjKl';
const ADMIN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:AdminSecret-a1B2c3D4e5F6-XyZ123';

/** Every parameter a params file may set, with the defaults validate fills in (as deploy sends them). */
function fileValues(extra: Record<string, string> = {}): Record<string, string> {
  const result = validateParams({ MetabaseVersion: 'v0.64.2.2', DbEngineVersion: '17.9', ...extra });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  // The data tier's own wiring inputs, as the root passes them.
  return {
    ...result.values,
    IsolatedSubnetIds: 'subnet-a,subnet-b',
    DbSecurityGroupId: 'sg-1',
    RootStackName: 'metabase-dev',
    AlarmTopicArn: '',
  };
}

const restoreValues = fileValues({
  DbSnapshotIdentifier: SNAPSHOT,
  ExistingDbMasterSecretArn: MASTER,
  ExistingEncryptionKeySecretArn: KEY,
});

function conditionalCreateOnly(): string[] {
  const script = `import json; from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as m; print(json.dumps(m.get_resource_schema('us-east-1', 'AWS::RDS::DBInstance').schema.get('conditionalCreateOnlyProperties', [])))`;
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return (JSON.parse(result.stdout) as string[]).map((p) => p.replace('/properties/', ''));
}

t.test(
  'restore parameters set: no secret generated, the instance carries DBSnapshotIdentifier',
  async (t) => {
    const restored = evaluateTemplate(data, restoreValues);
    t.notOk(restored.DbMasterSecret, 'no new DB master secret');
    t.notOk(restored.EncryptionKeySecret, 'no new MB_ENCRYPTION_SECRET_KEY');
    const db = restored.Database!.Properties;
    t.equal(db.DBSnapshotIdentifier, SNAPSHOT);
    // Inherited from the snapshot; CloudFormation says not to set them with DBSnapshotIdentifier.
    for (const property of ['MasterUsername', 'DBName', 'StorageEncrypted', 'MasterUserPassword'])
      t.notOk(property in db, `${property} left to the snapshot`);
    t.match(db.Tags, [
      { Key: 'Name' },
      { Key: 'metabase-aws:stack', Value: 'metabase-dev' },
      { Key: 'metabase-aws:db-master-secret', Value: MASTER },
      { Key: 'metabase-aws:encryption-key-secret', Value: KEY },
    ]);
    const outputs = data.Outputs!;
    t.same(outputs.DbMasterSecretArn!.Value, {
      'Fn::If': ['CreateDbMasterSecret', { Ref: 'DbMasterSecret' }, { Ref: 'ExistingDbMasterSecretArn' }],
    });
    t.ok(root.Parameters?.DbSnapshotIdentifier, 'a root parameter');
    t.equal(root.Parameters?.DbSnapshotIdentifier?.Default, '', 'empty by default');
  },
);

t.test(
  'restore with --new-secrets: new secrets, and the new password is set on the restored instance',
  async (t) => {
    const restored = evaluateTemplate(data, fileValues({ DbSnapshotIdentifier: SNAPSHOT }));
    t.ok(restored.DbMasterSecret && restored.EncryptionKeySecret);
    t.match(restored.Database!.Properties.MasterUserPassword, {
      'Fn::Sub': [
        '{{resolve:secretsmanager:${SecretArn}:SecretString:password}}',
        { SecretArn: { Ref: 'DbMasterSecret' } },
      ],
    });
    t.notOk('MasterUsername' in restored.Database!.Properties);
  },
);

t.test('a normal deploy is unchanged: new secrets, DBName, encryption, no snapshot', async (t) => {
  const fresh = evaluateTemplate(data, fileValues());
  t.ok(fresh.DbMasterSecret && fresh.EncryptionKeySecret);
  const db = fresh.Database!.Properties;
  t.equal(db.DBName, 'metabase');
  t.equal(db.StorageEncrypted, true);
  t.notOk('DBSnapshotIdentifier' in db);
  t.match(db.MasterUsername, { 'Fn::Sub': [/username/, { SecretArn: { Ref: 'DbMasterSecret' } }] });
});

t.test('a later deploy of a restored stack changes nothing on the instance', async (t) => {
  const created = evaluateTemplate(data, restoreValues);
  // The params file does not mention the restore: deploy fills in what the deployed stack has.
  const { parameters, kept } = withPinnedParameters(fileValues(), restoreValues);
  t.same(
    kept.map((k) => k.name),
    ['DbSnapshotIdentifier', 'ExistingDbMasterSecretArn', 'ExistingEncryptionKeySecretArn'],
  );
  const later = evaluateTemplate(data, parameters);
  t.same(later.Database, created.Database, 'same instance properties');
  t.same(Object.keys(later).sort(), Object.keys(created).sort(), 'no secret appears');

  // Without the pinning the instance would lose DBSnapshotIdentifier, which AWS's schema lists as
  // (conditionally) create-only: CloudFormation would replace the restored database with an empty one.
  const unpinned = evaluateTemplate(data, fileValues());
  t.notOk('DBSnapshotIdentifier' in unpinned.Database!.Properties);
  t.ok(conditionalCreateOnly().includes('DBSnapshotIdentifier'), 'schema read from cfn-lint');
});

t.test(
  'pinning: a different value is a change deploy refuses; nothing to keep on a stack never restored',
  async (t) => {
    const other = withPinnedParameters({ DbSnapshotIdentifier: 'other' }, { DbSnapshotIdentifier: SNAPSHOT });
    t.same(other.changed, [{ name: 'DbSnapshotIdentifier', from: SNAPSHOT, to: 'other' }]);
    t.same(withPinnedParameters({ ExistingDbMasterSecretArn: MASTER }, {}).changed, [
      { name: 'ExistingDbMasterSecretArn', from: '', to: MASTER },
    ]);
    t.same(
      withPinnedParameters({ DbSnapshotIdentifier: SNAPSHOT }, { DbSnapshotIdentifier: SNAPSHOT }).changed,
      [],
    );
    t.same(withPinnedParameters({ DbSnapshotIdentifier: '' }, { DbSnapshotIdentifier: '' }).kept, []);
    t.same(withPinnedParameters({ DbSnapshotIdentifier: SNAPSHOT }, undefined), {
      parameters: { DbSnapshotIdentifier: SNAPSHOT },
      kept: [],
      changed: [],
    });
  },
);

t.test(
  'ExistingAdminSecretArn: no new admin secret, AdminSecretArn is the reused one, the instance tags it',
  async (t) => {
    const adminTag = (resources: ReturnType<typeof evaluateTemplate>) =>
      (resources.Database!.Properties.Tags as { Key: string; Value: unknown }[]).find(
        (tag) => tag.Key === 'metabase-aws:admin-secret',
      )?.Value;
    for (const adminEmail of ['ops@example.com', '']) {
      const values = { ...restoreValues, AdminEmail: adminEmail, ExistingAdminSecretArn: ADMIN };
      const restored = evaluateTemplate(data, values);
      t.notOk(restored.AdminSecret, `AdminEmail ${JSON.stringify(adminEmail)}: no new, unused admin secret`);
      t.equal(adminTag(restored), ADMIN, 'tagged on the instance, so the next snapshot finds it again');
      t.equal(resolveTemplate(data, values).outputs.AdminSecretArn, ADMIN, "the data tier's output");
      t.ok(
        resolveTemplate(root, { AdminEmail: adminEmail, ExistingAdminSecretArn: ADMIN }).outputs
          .AdminSecretArn,
        'the root output exists (the admin lives in the restored database)',
      );
    }
    // Without it: a new secret with AdminEmail, tagged by its own Ref; without AdminEmail no tag at all.
    const fresh = evaluateTemplate(data, fileValues({ AdminEmail: 'ops@example.com' }));
    t.equal(fresh.AdminSecret?.Type, 'AWS::SecretsManager::Secret');
    t.same(adminTag(fresh), { Ref: 'AdminSecret' });
    t.same(resolveTemplate(data, fileValues({ AdminEmail: 'ops@example.com' })).outputs.AdminSecretArn, {
      Ref: 'AdminSecret',
    });
    const none = evaluateTemplate(data, fileValues());
    t.notOk(none.AdminSecret);
    t.equal(adminTag(none), undefined, 'no admin secret: no tag naming one');
    t.notOk(resolveTemplate(data, fileValues()).outputs.AdminSecretArn);
    t.equal(root.Parameters?.ExistingAdminSecretArn?.Default, '', 'a root parameter, empty by default');
  },
);

t.test('a restored stack keeps its reused admin secret on later deploys', async (t) => {
  const values = { ...restoreValues, AdminEmail: 'ops@example.com', ExistingAdminSecretArn: ADMIN };
  const created = evaluateTemplate(data, values);
  const { parameters, kept } = withPinnedParameters(fileValues({ AdminEmail: 'ops@example.com' }), values);
  t.ok(
    kept.some((k) => k.name === 'ExistingAdminSecretArn' && k.value === ADMIN),
    'pinned',
  );
  const later = evaluateTemplate(data, parameters);
  t.same(later, created, 'no admin secret appears, the tags stay');
  t.same(withPinnedParameters({ ExistingAdminSecretArn: 'arn:other' }, values).changed, [
    { name: 'ExistingAdminSecretArn', from: ADMIN, to: 'arn:other' },
  ]);
});
