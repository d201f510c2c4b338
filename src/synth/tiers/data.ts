// RDS PostgreSQL for Metabase's application database, in the isolated subnets, TLS forced, storage
// encrypted, snapshot kept on delete and on replacement. Both secrets Metabase needs are generated here by
// Secrets Manager, so no password is ever in a template, a params file or a terminal.
import { RDS } from 'cloudform-types/types/rds/index.namespace.js';
import { SecretsManager } from 'cloudform-types/types/secretsManager/index.namespace.js';
import { DeletionPolicy } from 'cloudform-types/types/resource.js';
import { ADMIN_SECRET_LOGICAL_ID, DATABASE_NAME, DATABASE_USER, POSTGRES_PORT } from '../config.js';
import {
  and,
  equals,
  fnIf,
  getAtt,
  noValue,
  not,
  onlyIf,
  or,
  ref,
  select,
  split,
  sub,
  subWith,
} from '../intrinsics.js';
import type { CfnTemplate } from '../template.js';
import { nameTag, output, passedParameter, stringInput } from './common.js';
import {
  alarmConditions,
  alarmInputs,
  dataAlarms,
  FREEABLE_MEMORY_MAP,
  freeableMemoryThresholds,
} from './alarms.js';
import { SNAPSHOT_TAGS } from '../snapshot-tags.js';

/** cloudform-types has no UpdateReplacePolicy setter; the attribute is plain template data. */
function withUpdateReplacePolicy<T extends object>(
  resource: T,
  policy: DeletionPolicy,
): T & { UpdateReplacePolicy: DeletionPolicy } {
  return Object.assign(resource, { UpdateReplacePolicy: policy });
}

function retained<T extends { deletionPolicy(policy: DeletionPolicy): T }>(resource: T): T {
  return withUpdateReplacePolicy(resource.deletionPolicy(DeletionPolicy.Retain), DeletionPolicy.Retain);
}

/** The secret in use: the one of a restored stack when given, else the one generated here. */
const masterSecretArn = fnIf('CreateDbMasterSecret', ref('DbMasterSecret'), ref('ExistingDbMasterSecretArn'));
const encryptionKeyArn = fnIf(
  'CreateEncryptionKeySecret',
  ref('EncryptionKeySecret'),
  ref('ExistingEncryptionKeySecretArn'),
);
/** The first admin's secret, when there is one: made here with AdminEmail, or the one a restore reuses. */
const adminSecretArn = fnIf('CreateAdminSecret', ref(ADMIN_SECRET_LOGICAL_ID), ref('ExistingAdminSecretArn'));

export function dataTemplate(): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Metabase data tier: RDS PostgreSQL application database and generated secrets',
    Parameters: {
      DbInstanceClass: passedParameter('DbInstanceClass'),
      DbEngineVersion: passedParameter('DbEngineVersion'),
      DbAllocatedStorage: passedParameter('DbAllocatedStorage'),
      DbMultiAz: passedParameter('DbMultiAz'),
      DbDeletionProtection: passedParameter('DbDeletionProtection'),
      DbBackupRetentionDays: passedParameter('DbBackupRetentionDays'),
      AdminEmail: passedParameter('AdminEmail'),
      IsolatedSubnetIds: stringInput(
        'Comma-separated isolated subnets for the database (network tier output)',
      ),
      DbSecurityGroupId: stringInput('Database security group (network tier output)'),
      DbSnapshotIdentifier: passedParameter('DbSnapshotIdentifier'),
      ExistingDbMasterSecretArn: passedParameter('ExistingDbMasterSecretArn'),
      ExistingEncryptionKeySecretArn: passedParameter('ExistingEncryptionKeySecretArn'),
      ExistingAdminSecretArn: passedParameter('ExistingAdminSecretArn'),
      // RootStackName (from alarmInputs) also tags the database, and so its snapshots, with the root
      // stack's name, so they can be found once the stack is gone.
      ...alarmInputs(),
    },
    Mappings: { [FREEABLE_MEMORY_MAP]: freeableMemoryThresholds() },
    Conditions: {
      ...alarmConditions(),
      RestoreFromSnapshot: not(equals(ref('DbSnapshotIdentifier'), '')),
      CreateDbMasterSecret: equals(ref('ExistingDbMasterSecretArn'), ''),
      CreateEncryptionKeySecret: equals(ref('ExistingEncryptionKeySecretArn'), ''),
      // A restored instance keeps the snapshot's password; it is set only on a new database, or on a
      // restore whose old credentials are lost (--new-secrets), where it resets the master password.
      SetMasterPassword: not(
        and([{ Condition: 'RestoreFromSnapshot' }, not({ Condition: 'CreateDbMasterSecret' })]),
      ),
      // A restored database holds the admin the destroyed stack's AdminSecret logs in: that secret is reused
      // (whatever AdminEmail says now), and a new one would hold no one's password.
      UseExistingAdminSecret: not(equals(ref('ExistingAdminSecretArn'), '')),
      CreateAdminSecret: and([
        not(equals(ref('AdminEmail'), '')),
        not({ Condition: 'UseExistingAdminSecret' }),
      ]),
      HasAdminSecret: or([{ Condition: 'CreateAdminSecret' }, { Condition: 'UseExistingAdminSecret' }]),
    },
    Resources: {
      // Both secrets are kept when the stack goes (and when a change would replace them): the final DB
      // snapshot needs its master password and, for saved connections, Metabase's encryption key.
      DbMasterSecret: retained(
        new SecretsManager.Secret({
          Description: sub('Master credentials of the Metabase application database (${AWS::StackName})'),
          GenerateSecretString: {
            SecretStringTemplate: JSON.stringify({ username: DATABASE_USER }),
            GenerateStringKey: 'password',
            PasswordLength: 40,
            // Characters RDS refuses in master passwords, and ones that would need URL-encoding.
            ExcludeCharacters: '"@/\\\'` :?#[]%&+=',
          },
          Tags: [nameTag('db-master')],
        }).condition('CreateDbMasterSecret'),
      ),
      EncryptionKeySecret: retained(
        new SecretsManager.Secret({
          Description: sub(
            'MB_ENCRYPTION_SECRET_KEY: encrypts connection details in the Metabase database (${AWS::StackName})',
          ),
          GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
          Tags: [nameTag('mb-encryption-key')],
        }).condition('CreateEncryptionKeySecret'),
      ),
      // The first Metabase admin's login. deploy generates the password, writes it here and only then
      // sends it to Metabase's /api/setup; nothing reads it back. Until then the value is a random
      // placeholder that logs nobody in. Its generation spec is constant and independent of AdminEmail,
      // so no stack update ever regenerates it over the password deploy wrote. Kept like the others: the
      // admin lives in the database, and so in its final snapshot.
      [ADMIN_SECRET_LOGICAL_ID]: retained(
        new SecretsManager.Secret({
          Description: sub(
            'First Metabase admin {"username","password"}, written by metabase-aws deploy when it sets Metabase up (${AWS::StackName})',
          ),
          GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
          Tags: [nameTag('metabase-admin')],
        }).condition('CreateAdminSecret'),
      ),
      DbSubnetGroup: new RDS.DBSubnetGroup({
        DBSubnetGroupDescription: 'Isolated subnets of the Metabase application database',
        SubnetIds: split(',', ref('IsolatedSubnetIds')),
        Tags: [nameTag('db')],
      }),
      DbParameterGroup: new RDS.DBParameterGroup({
        Description: 'Metabase application database: TLS required',
        // postgres16 / postgres17, from the major part of the pinned version.
        Family: subWith('postgres${Major}', { Major: select(0, split('.', ref('DbEngineVersion'))) }),
        Parameters: { 'rds.force_ssl': '1' },
        Tags: [nameTag('db')],
      }),
      Database: withUpdateReplacePolicy(
        new RDS.DBInstance({
          Engine: 'postgres',
          EngineVersion: ref('DbEngineVersion'),
          AutoMinorVersionUpgrade: false,
          // A major version change in params is deliberate and shown in the deploy preview; without this
          // flag RDS would refuse it halfway through an update.
          AllowMajorVersionUpgrade: true,
          DBInstanceClass: ref('DbInstanceClass'),
          AllocatedStorage: sub('${DbAllocatedStorage}'),
          StorageType: 'gp3',
          // A restore takes these from the snapshot, and CloudFormation's DBInstance reference says not to
          // set MasterUsername or DBName with DBSnapshotIdentifier (the encryption is the snapshot's too).
          StorageEncrypted: fnIf('RestoreFromSnapshot', noValue(), true),
          DBName: fnIf('RestoreFromSnapshot', noValue(), DATABASE_NAME),
          // Create-only on the instance (like its identity): deploy keeps passing the value a restored stack
          // was created with, since an empty one would make CloudFormation replace the database with an
          // empty one (AWS::RDS::DBInstance reference, DBSnapshotIdentifier).
          DBSnapshotIdentifier: fnIf('RestoreFromSnapshot', ref('DbSnapshotIdentifier'), noValue()),
          Port: String(POSTGRES_PORT),
          MasterUsername: fnIf(
            'RestoreFromSnapshot',
            noValue(),
            subWith('{{resolve:secretsmanager:${SecretArn}:SecretString:username}}', {
              SecretArn: masterSecretArn,
            }),
          ),
          MasterUserPassword: fnIf(
            'SetMasterPassword',
            subWith('{{resolve:secretsmanager:${SecretArn}:SecretString:password}}', {
              SecretArn: masterSecretArn,
            }),
            noValue(),
          ),
          DBSubnetGroupName: ref('DbSubnetGroup'),
          DBParameterGroupName: ref('DbParameterGroup'),
          VPCSecurityGroups: [ref('DbSecurityGroupId')],
          PubliclyAccessible: false,
          MultiAZ: ref('DbMultiAz'),
          DeletionProtection: ref('DbDeletionProtection'),
          BackupRetentionPeriod: ref('DbBackupRetentionDays'),
          CopyTagsToSnapshot: true,
          EnableIAMDatabaseAuthentication: false,
          MonitoringInterval: 0,
          // CopyTagsToSnapshot carries these to every snapshot, the final one included: a restore finds the
          // stack's snapshots and the two secrets that make one usable from them.
          Tags: [
            nameTag('db'),
            { Key: SNAPSHOT_TAGS.stack, Value: ref('RootStackName') },
            { Key: SNAPSHOT_TAGS.dbMasterSecret, Value: masterSecretArn },
            { Key: SNAPSHOT_TAGS.encryptionKeySecret, Value: encryptionKeyArn },
            // Only when there is an admin secret: a tag cannot name an ARN that does not exist.
            onlyIf('HasAdminSecret', { Key: SNAPSHOT_TAGS.adminSecret, Value: adminSecretArn }),
          ],
        }).deletionPolicy(DeletionPolicy.Snapshot),
        DeletionPolicy.Snapshot,
      ),
      ...dataAlarms('Database'),
    },
    Outputs: {
      DbEndpointAddress: output('Database host name', getAtt('Database', 'Endpoint.Address')),
      DbEndpointPort: output('Database port', getAtt('Database', 'Endpoint.Port')),
      DbInstanceId: output('RDS instance identifier (the final snapshot is taken from it)', ref('Database')),
      DbMasterSecretArn: output('Secret with the database user name and password', masterSecretArn),
      EncryptionKeySecretArn: output('Secret with MB_ENCRYPTION_SECRET_KEY', encryptionKeyArn),
      AdminSecretArn: {
        ...output('Secret of the first Metabase admin (written by deploy)', adminSecretArn),
        Condition: 'HasAdminSecret',
      },
    },
  };
}
