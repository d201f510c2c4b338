// Secrets never leave src/drift unmasked: by property name, by dynamic reference, by a Name/Value pair,
// and inside JSON values. Settings and ARNs that merely mention secrets stay readable.
import t from 'tap';
import { isSensitiveName, MASK, maskDifference } from '../../src/drift/mask.js';
import { checkDrift } from '../../src/drift/index.js';
import { renderDriftJson, renderDriftText } from '../../src/ui/drift.js';
import { FakeClock, FakeDriftApi } from './fake.js';
import { metabaseTree, nestedName, ROOT } from './fixture.js';

const SECRET = 'hunter2-Sup3rS3cret-db-password';

t.test('the DB master password changed by hand: masked on both sides', async (t) => {
  const masked = maskDifference({
    path: '/MasterUserPassword',
    type: 'NOT_EQUAL',
    expected: 'old-value',
    actual: SECRET,
  });
  t.same(masked, {
    path: '/MasterUserPassword',
    type: 'NOT_EQUAL',
    expected: MASK,
    actual: MASK,
    masked: true,
  });
});

t.test('a resolved {{resolve:secretsmanager}} reference masks the other side', async (t) => {
  const masked = maskDifference({
    path: '/MasterUsername',
    type: 'NOT_EQUAL',
    expected:
      '{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:SecretString:username}}',
    actual: SECRET,
  });
  t.match(masked, { expected: MASK, actual: MASK, masked: true });
});

t.test(
  'ECS environment: .../Environment/N/Value is masked when the sibling Name is secret-like',
  async (t) => {
    const expectedProperties = JSON.stringify({
      ContainerDefinitions: [
        {
          Environment: [
            { Name: 'MB_DB_PORT', Value: '5432' },
            { Name: 'MB_DB_PASS', Value: 'a' },
          ],
        },
      ],
    });
    const actualProperties = expectedProperties.replace('"a"', JSON.stringify(SECRET));
    const secret = maskDifference(
      {
        path: '/ContainerDefinitions/0/Environment/1/Value',
        type: 'NOT_EQUAL',
        expected: 'a',
        actual: SECRET,
      },
      expectedProperties,
      actualProperties,
    );
    t.match(secret, { expected: MASK, actual: MASK, masked: true });
    const port = maskDifference(
      {
        path: '/ContainerDefinitions/0/Environment/0/Value',
        type: 'NOT_EQUAL',
        expected: '5432',
        actual: '5433',
      },
      expectedProperties,
      actualProperties,
    );
    t.match(port, { expected: '5432', actual: '5433', masked: false }, 'a harmless neighbour stays readable');
  },
);

t.test('an added JSON value holding a secret is masked inside, the rest kept', async (t) => {
  const masked = maskDifference({
    path: '/ContainerDefinitions/0/Environment/2',
    type: 'ADD',
    expected: '',
    actual: JSON.stringify({ Name: 'MB_ENCRYPTION_SECRET_KEY', Value: SECRET }),
  });
  t.equal(masked.expected, '');
  t.equal(masked.actual, JSON.stringify({ Name: 'MB_ENCRYPTION_SECRET_KEY', Value: MASK }));
  t.equal(masked.masked, true);
  const nested = maskDifference({
    path: '/Config',
    type: 'NOT_EQUAL',
    expected: '{}',
    actual: JSON.stringify({ auth: { ApiToken: SECRET, Url: 'https://x' } }),
  });
  t.equal(nested.actual, JSON.stringify({ auth: { ApiToken: MASK, Url: 'https://x' } }));
});

t.test('SecretString of a Secrets Manager secret is masked', async (t) => {
  t.match(maskDifference({ path: '/SecretString', type: 'NOT_EQUAL', expected: 'a', actual: SECRET }), {
    actual: MASK,
    masked: true,
  });
});

t.test('settings and references that mention secrets stay readable', async (t) => {
  t.match(
    maskDifference({
      path: '/GenerateSecretString/PasswordLength',
      type: 'NOT_EQUAL',
      expected: '40',
      actual: '20',
    }),
    { expected: '40', actual: '20', masked: false },
  );
  t.match(
    maskDifference({
      path: '/SecurityGroupIngress/0/CidrIp',
      type: 'NOT_EQUAL',
      expected: '10.0.0.0/8',
      actual: '0.0.0.0/0',
    }),
    { masked: false },
  );
  for (const name of ['DbMasterSecretArn', 'KmsKeyId', 'KeyName', 'PasswordLength', 'Description'])
    t.notOk(isSensitiveName(name), name);
  for (const name of [
    'MasterUserPassword',
    'MB_DB_PASS',
    'MB_ENCRYPTION_SECRET_KEY',
    'AuthToken',
    'SecretAccessKey',
    'PrivateKey',
    'SecretString',
  ])
    t.ok(isSensitiveName(name), name);
});

t.test('end to end: a secret-valued difference never appears in the text or JSON report', async (t) => {
  const tree = metabaseTree();
  const db = tree
    .find((s) => s.name === nestedName('Data'))
    ?.resources.find((r) => r.logicalId === 'Database');
  if (!db) throw new Error('fixture changed');
  db.drift = 'MODIFIED';
  db.differences = [
    { path: '/MasterUserPassword', type: 'NOT_EQUAL', expected: 'x', actual: SECRET },
    { path: '/BackupRetentionPeriod', type: 'NOT_EQUAL', expected: '7', actual: '1' },
  ];
  db.expectedProperties = JSON.stringify({ MasterUserPassword: 'x', BackupRetentionPeriod: 7 });
  db.actualProperties = JSON.stringify({ MasterUserPassword: SECRET, BackupRetentionPeriod: 1 });
  const report = await checkDrift(new FakeDriftApi(tree), { stackName: ROOT, clock: new FakeClock() });
  const text = renderDriftText(report, { colour: true });
  const json = renderDriftJson(report);
  t.notMatch(text, SECRET, 'text');
  t.notMatch(json, SECRET, 'json');
  t.notMatch(json, 'expectedProperties', 'raw property documents are not passed on');
  t.match(text, '/MasterUserPassword: <masked> → <masked>  (secret, masked)');
  t.match(text, '/BackupRetentionPeriod: 7 → 1', 'the non-secret difference is shown');
});
