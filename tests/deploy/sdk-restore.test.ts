// The SDK side of restore and snapshots, over aws-sdk-client-mock: what RDS, Secrets Manager and KMS
// receive, paging, and how their answers and errors are read.
import t from 'tap';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import {
  DescribeSecretCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { sdkRds } from '../../src/aws/rds.js';
import { sdkSecrets } from '../../src/aws/secrets.js';
import { sdkKms } from '../../src/aws/kms.js';

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
const named = (name: string, message = name) => Object.assign(new Error(message), { name });

t.test(
  'RDS: one snapshot (shared ones included), all manual ones page by page, create with tags, delete',
  async (t) => {
    const mock = mockClient(RDSClient);
    t.teardown(() => mock.restore());
    const rds = sdkRds(new RDSClient(config));
    mock
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'snap' })
      .resolves({
        DBSnapshots: [
          {
            DBSnapshotIdentifier: 'snap',
            Status: 'available',
            EngineVersion: '17.9',
            AllocatedStorage: 20,
            Encrypted: true,
            KmsKeyId: 'arn:k',
            TagList: [{ Key: 'metabase-aws:stack', Value: 'metabase-dev' }],
          },
        ],
      })
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'gone' })
      .rejects(named('DBSnapshotNotFoundFault'))
      .on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual', Marker: undefined })
      .resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'a' }], Marker: 'm1' })
      .on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual', Marker: 'm1' })
      .resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'b' }] });
    t.match(await rds.describeSnapshot('snap'), {
      id: 'snap',
      engineVersion: '17.9',
      allocatedStorage: 20,
      encrypted: true,
      tags: { 'metabase-aws:stack': 'metabase-dev' },
    });
    t.match(mock.commandCalls(DescribeDBSnapshotsCommand)[0]?.args[0].input, { IncludeShared: true });
    t.equal(await rds.describeSnapshot('gone'), undefined);
    t.same(
      (await rds.manualSnapshots()).map((s) => s.id),
      ['a', 'b'],
    );

    mock
      .on(CreateDBSnapshotCommand)
      .resolves({ DBSnapshot: { DBSnapshotIdentifier: 'pre', Status: 'creating' } });
    t.match(await rds.createSnapshot('pre', 'db-1', { 'metabase-aws:made-by': 'pre-upgrade' }), {
      id: 'pre',
      status: 'creating',
    });
    t.same(mock.commandCalls(CreateDBSnapshotCommand)[0]?.args[0].input, {
      DBSnapshotIdentifier: 'pre',
      DBInstanceIdentifier: 'db-1',
      Tags: [{ Key: 'metabase-aws:made-by', Value: 'pre-upgrade' }],
    });
    mock.on(DeleteDBSnapshotCommand).resolves({});
    await rds.deleteSnapshot('pre');
    t.same(mock.commandCalls(DeleteDBSnapshotCommand)[0]?.args[0].input, { DBSnapshotIdentifier: 'pre' });
  },
);

t.test('Secrets Manager: metadata only; tag filters are prefixes, the tag itself is checked', async (t) => {
  const mock = mockClient(SecretsManagerClient);
  t.teardown(() => mock.restore());
  const secrets = sdkSecrets(new SecretsManagerClient(config));
  mock
    .on(DescribeSecretCommand, { SecretId: 'arn:ok' })
    .resolves({ ARN: 'arn:ok', Name: 'ok', DeletedDate: new Date(0), Tags: [{ Key: 'k', Value: 'v' }] })
    .on(DescribeSecretCommand, { SecretId: 'arn:gone' })
    .rejects(named('ResourceNotFoundException'));
  t.match(await secrets.describe('arn:ok'), { arn: 'arn:ok', deletedAt: new Date(0), tags: { k: 'v' } });
  t.equal(await secrets.describe('arn:gone'), undefined);
  mock
    .on(ListSecretsCommand, { NextToken: undefined })
    .resolves({
      SecretList: [
        { ARN: 'arn:1', Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'metabase-dev-DataStack-A' }] },
        // The value filter matched another tag of this secret: not the one asked for.
        {
          ARN: 'arn:2',
          Tags: [
            { Key: 'aws:cloudformation:stack-name', Value: 'x' },
            { Key: 'o', Value: 'metabase-dev-DataStack-B' },
          ],
        },
      ],
      NextToken: 'n',
    })
    .on(ListSecretsCommand, { NextToken: 'n' })
    .resolves({
      SecretList: [
        { ARN: 'arn:3', Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'metabase-dev-DataStack-C' }] },
      ],
    });
  const found = await secrets.withTagPrefix('aws:cloudformation:stack-name', 'metabase-dev-DataStack-');
  t.same(
    found.map((s) => s.arn),
    ['arn:1', 'arn:3'],
  );
  t.match(mock.commandCalls(ListSecretsCommand)[0]?.args[0].input, {
    Filters: [
      { Key: 'tag-key', Values: ['aws:cloudformation:stack-name'] },
      { Key: 'tag-value', Values: ['metabase-dev-DataStack-'] },
    ],
    IncludePlannedDeletion: true,
  });
});

t.test('Secrets Manager: a secret is written over once a version is AWSPREVIOUS', async (t) => {
  const mock = mockClient(SecretsManagerClient);
  t.teardown(() => mock.restore());
  const secrets = sdkSecrets(new SecretsManagerClient(config));
  mock
    .on(DescribeSecretCommand, { SecretId: 'arn:written' })
    .resolves({ ARN: 'arn:written', VersionIdsToStages: { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] } })
    .on(DescribeSecretCommand, { SecretId: 'arn:placeholder' })
    .resolves({ ARN: 'arn:placeholder', VersionIdsToStages: { v1: ['AWSCURRENT'] } })
    .on(DescribeSecretCommand, { SecretId: 'arn:unsaid' })
    .resolves({ ARN: 'arn:unsaid' });
  t.equal((await secrets.describe('arn:written'))?.written, true, 'deploy put the password');
  t.equal((await secrets.describe('arn:placeholder'))?.written, false, "only CloudFormation's value");
  t.equal((await secrets.describe('arn:unsaid'))?.written, undefined, 'unknown');
  mock.on(ListSecretsCommand).resolves({
    SecretList: [
      {
        ARN: 'arn:listed',
        Tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'metabase-dev-DataStack-A' }],
        SecretVersionsToStages: { v1: ['AWSCURRENT'], v0: ['AWSPREVIOUS'] },
      },
    ],
  });
  t.match(await secrets.withTagPrefix('aws:cloudformation:stack-name', 'metabase-dev-DataStack-'), [
    { arn: 'arn:listed', written: true },
  ]);
});

t.test('KMS: an enabled key is usable; disabled, missing or denied ones are not', async (t) => {
  const mock = mockClient(KMSClient);
  t.teardown(() => mock.restore());
  const kms = sdkKms(new KMSClient(config));
  mock
    .on(DescribeKeyCommand, { KeyId: 'ok' })
    .resolves({ KeyMetadata: { KeyId: 'ok', Arn: 'arn:ok', KeyState: 'Enabled', KeyManager: 'AWS' } })
    .on(DescribeKeyCommand, { KeyId: 'off' })
    .resolves({ KeyMetadata: { KeyId: 'off', KeyState: 'PendingDeletion' } })
    .on(DescribeKeyCommand, { KeyId: 'denied' })
    .rejects(named('AccessDeniedException'))
    .on(DescribeKeyCommand, { KeyId: 'none' })
    .rejects(named('NotFoundException'));
  t.same(await kms.keyAccess('ok'), { usable: true, keyArn: 'arn:ok', managedBy: 'AWS' });
  t.same(await kms.keyAccess('off'), { usable: false, reason: 'the key is PendingDeletion' });
  t.match(await kms.keyAccess('denied'), { usable: false, reason: /may not use the key/ });
  t.match(await kms.keyAccess('none'), { usable: false, reason: 'the key does not exist' });
});
