// `deploy --restore-from`: which snapshot, whether it can be restored here, and which retained secrets go
// with it. Returns the restore parameters for the change set, or refuses with what to do.
import type { KmsApi } from '../aws/kms.js';
import type { DbSnapshotInfo, RdsApi } from '../aws/rds.js';
import type { SecretInfo, SecretsApi } from '../aws/secrets.js';
import { ADMIN_SECRET_LOGICAL_ID, DATABASE_USER } from '../synth/config.js';
import { ROOT_PARAMETERS } from '../synth/parameters.js';
import { SNAPSHOT_TAGS } from '../synth/snapshot-tags.js';
import { OperationError } from './errors.js';
import { compareVersions, versionParts } from './versions.js';

export interface RestoreDeps {
  rds: RdsApi;
  secrets: SecretsApi;
  kms: KmsApi;
  region: string;
  account: string;
}

export interface RestoreRequest {
  stackName: string;
  /** A snapshot identifier or ARN, or 'latest' (the newest final snapshot of stackName). */
  from: string;
  /** Parameter values of the params file: DbEngineVersion and DbAllocatedStorage are checked against it. */
  parameters: Record<string, string>;
  /** Generate the secrets that cannot be found instead of refusing. */
  newSecrets: boolean;
}

export type SecretSource = 'snapshot tags' | 'stack name' | 'new';

export interface SecretChoice {
  /** empty when a new secret is generated */
  arn: string;
  source: SecretSource;
  /** Why the retained one was not used, when source is 'new'. */
  missing?: string | undefined;
}

/**
 * The first admin's secret. Never a refusal: without it the restored admins are still there, only the
 * password deploy once generated is not in any secret. 'new': none found, AdminEmail is set, so the stack
 * makes a new AdminSecret; 'none': none found and no AdminEmail, so there is no admin secret at all.
 */
export interface AdminSecretChoice {
  /** empty unless the destroyed stack's admin secret is reused */
  arn: string;
  source: 'snapshot tags' | 'stack name' | 'new' | 'none';
  /** Why there is none to reuse, when source is 'new' or 'none'. */
  missing?: string | undefined;
}

export interface RestorePlan {
  snapshot: DbSnapshotInfo;
  chosenBy: 'named' | 'latest';
  dbMaster: SecretChoice;
  encryptionKey: SecretChoice;
  admin: AdminSecretChoice;
  parameters: {
    DbSnapshotIdentifier: string;
    ExistingDbMasterSecretArn: string;
    ExistingEncryptionKeySecretArn: string;
    ExistingAdminSecretArn: string;
  };
}

/** The logical ids of the data tier's retained secrets (src/synth/tiers/data.ts). */
const SECRET_LOGICAL_IDS = {
  dbMaster: 'DbMasterSecret',
  encryptionKey: 'EncryptionKeySecret',
  admin: ADMIN_SECRET_LOGICAL_ID,
} as const;

const SECRET_TAGS = {
  dbMaster: SNAPSHOT_TAGS.dbMasterSecret,
  encryptionKey: SNAPSHOT_TAGS.encryptionKeySecret,
  admin: SNAPSHOT_TAGS.adminSecret,
} as const;

/** Snapshot ARNs: arn:aws:rds:<region>:<account>:snapshot:<id>. */
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):snapshot:(.+)$/;

/**
 * What the DbSnapshotIdentifier parameter accepts (its AllowedPattern): a snapshot identifier, a letter
 * then letters, digits and hyphens, or a snapshot ARN. The restore goes through that parameter, so a value
 * outside it would pass every check here only for CloudFormation to reject the change set.
 */
const RESTORABLE = new RegExp(ROOT_PARAMETERS.DbSnapshotIdentifier.definition.AllowedPattern);

/**
 * What is wrong with a --restore-from value, checked before any AWS call: an empty one (an unset
 * variable in `--restore-from "$SNAPSHOT"`) must not turn the restore into a create with an empty
 * database, and a malformed one would only come back from RDS or CloudFormation as a parameter error.
 */
export function restoreFromProblem(from: string): string | undefined {
  if (from === 'latest') return undefined;
  if (from.trim() === '') return 'the value is empty';
  if (RESTORABLE.test(from)) return undefined;
  if (/^(rds|awsbackup):/.test(from) || /:snapshot:(rds|awsbackup):/.test(from))
    return `"${from}" is an automated or AWS Backup snapshot, which the stack cannot restore directly; copy it to a manual snapshot first (\`aws rds copy-db-snapshot --copy-tags\`) and restore the copy`;
  if (from.startsWith('arn:'))
    return `"${from}" is not a DB snapshot ARN (arn:aws:rds:<region>:<account>:snapshot:<identifier>)`;
  return `"${from}" is not a DB snapshot identifier (a letter first, then letters, digits and hyphens)`;
}

/**
 * Whether a snapshot belongs to stackName: tagged by the data tier, or (snapshots from before the tag)
 * taken from an instance whose generated identifier starts with the stack's data tier name.
 */
export function belongsTo(snapshot: DbSnapshotInfo, stackName: string): boolean {
  const tagged = snapshot.tags?.[SNAPSHOT_TAGS.stack];
  if (tagged !== undefined) return tagged === stackName;
  return (snapshot.instanceId ?? '').startsWith(`${stackName.toLowerCase()}-datastack-`);
}

/** Taken by this tool before an upgrade (tagged so), as opposed to CloudFormation's final snapshot. */
export const isPreUpgrade = (snapshot: DbSnapshotInfo): boolean =>
  snapshot.tags?.[SNAPSHOT_TAGS.madeBy] === 'pre-upgrade';

export async function planRestore(deps: RestoreDeps, request: RestoreRequest): Promise<RestorePlan> {
  const subject = `deploy ${request.stackName} --restore-from ${request.from}`;
  const problem = restoreFromProblem(request.from);
  if (problem)
    throw new OperationError(
      `deploy ${request.stackName} --restore-from: ${problem}`,
      "Pass a snapshot's identifier or ARN, or latest.",
    );
  const { snapshot, chosenBy } = await findSnapshot(deps, request, subject);
  checkRestorable(request, snapshot, subject);
  await checkKey(deps, snapshot, subject);

  const stackSecrets = dataTierSecrets(deps, request.stackName);
  const dbMaster = await findSecret(deps, request.stackName, snapshot, 'dbMaster', stackSecrets);
  const encryptionKey = await findSecret(deps, request.stackName, snapshot, 'encryptionKey', stackSecrets);
  const admin = await findAdminSecret(deps, request, snapshot, stackSecrets);
  const missing = [
    dbMaster.source === 'new' ? `the DB master credentials (${dbMaster.missing})` : '',
    encryptionKey.source === 'new' ? `MB_ENCRYPTION_SECRET_KEY (${encryptionKey.missing})` : '',
  ].filter(Boolean);
  if (missing.length > 0 && !request.newSecrets) {
    throw new OperationError(
      `${subject}: cannot find the retained secret${missing.length > 1 ? 's' : ''} for ${snapshot.id}: ${missing.join('; ')}`,
      'Restore a secret scheduled for deletion with `aws secretsmanager restore-secret`, or pass --new-secrets to generate new ones (saved data-source connections must then be re-entered).',
    );
  }
  if (dbMaster.source === 'new' && snapshot.masterUsername && snapshot.masterUsername !== DATABASE_USER) {
    throw new OperationError(
      `${subject}: the snapshot's master user is "${snapshot.masterUsername}", not "${DATABASE_USER}", so new credentials cannot be set on it`,
      'Restore a snapshot this tool made, or find the secret of the stack that made this one.',
    );
  }
  return {
    snapshot,
    chosenBy,
    dbMaster,
    encryptionKey,
    admin,
    parameters: {
      // A shared snapshot must be named by its ARN; an own one by its identifier.
      DbSnapshotIdentifier:
        snapshot.arn && !snapshot.arn.includes(`:${deps.account}:`) ? snapshot.arn : snapshot.id,
      ExistingDbMasterSecretArn: dbMaster.arn,
      ExistingEncryptionKeySecretArn: encryptionKey.arn,
      ExistingAdminSecretArn: admin.arn,
    },
  };
}

async function findSnapshot(
  deps: RestoreDeps,
  request: RestoreRequest,
  subject: string,
): Promise<{ snapshot: DbSnapshotInfo; chosenBy: 'named' | 'latest' }> {
  if (request.from === 'latest') {
    // One still being made may have no creation time yet: it counts as the newest.
    const time = (s: DbSnapshotInfo): number => s.created?.getTime() ?? Number.MAX_SAFE_INTEGER;
    const finals = (await deps.rds.manualSnapshots())
      .filter((s) => belongsTo(s, request.stackName) && !isPreUpgrade(s))
      .sort((a, b) => time(b) - time(a));
    const newest = finals[0];
    // Skipping a final snapshot that is not available yet would restore an older one, and its older data,
    // under the name "latest".
    if (newest && newest.status !== 'available') {
      throw new OperationError(
        `${subject}: the latest final snapshot of ${request.stackName}, ${newest.id}, is ${newest.status}, not available`,
        `Wait until \`metabase-aws snapshots --stack-name ${request.stackName}\` shows it available, then deploy again; or name an older snapshot with --restore-from to restore that one.`,
      );
    }
    if (!newest) {
      throw new OperationError(
        `${subject}: no final snapshot of ${request.stackName} in ${deps.region}`,
        `List what there is with \`metabase-aws snapshots --stack-name ${request.stackName}\` (and --region if it was elsewhere), then pass a snapshot identifier.`,
      );
    }
    return { snapshot: newest, chosenBy: 'latest' };
  }
  const arn = SNAPSHOT_ARN.exec(request.from);
  if (arn && arn[1] !== deps.region) {
    throw new OperationError(
      `${subject}: the snapshot is in ${arn[1]}, but the stack deploys to ${deps.region}`,
      `RDS restores only in the snapshot's region: deploy with --region ${arn[1]}, or copy it here first (\`aws rds copy-db-snapshot --source-region ${arn[1]} ...\`).`,
    );
  }
  const snapshot = await deps.rds.describeSnapshot(request.from);
  if (!snapshot) {
    throw new OperationError(
      `${subject}: no DB snapshot "${request.from}" in ${deps.region}`,
      `Check the name with \`metabase-aws snapshots --stack-name ${request.stackName}\`; a snapshot of another region must be copied here first (\`aws rds copy-db-snapshot\`), or deploy with that --region.`,
    );
  }
  return { snapshot, chosenBy: 'named' };
}

function checkRestorable(request: RestoreRequest, snapshot: DbSnapshotInfo, subject: string): void {
  if (snapshot.status !== 'available') {
    throw new OperationError(
      `${subject}: the snapshot ${snapshot.id} is ${snapshot.status}, not available`,
      'Wait until RDS lists it as available, then deploy again.',
    );
  }
  if (snapshot.engine && snapshot.engine !== 'postgres') {
    throw new OperationError(
      `${subject}: the snapshot ${snapshot.id} is of a ${snapshot.engine} database, not PostgreSQL`,
      'Restore a snapshot of a Metabase database made by this tool.',
    );
  }
  const wanted = request.parameters.DbEngineVersion ?? '';
  const taken = snapshot.engineVersion ?? '';
  if (taken && wanted && compareVersions(taken, wanted) > 0) {
    const major = versionParts(taken)[0] !== versionParts(wanted)[0];
    throw new OperationError(
      `${subject}: the snapshot is PostgreSQL ${taken}, newer than DbEngineVersion ${wanted}${major ? ' (a newer major version)' : ''}; RDS cannot restore it to an older version`,
      `Set "DbEngineVersion": "${taken}" (or later) in the params file, then deploy again.`,
    );
  }
  const storage = Number(request.parameters.DbAllocatedStorage ?? '0');
  if (snapshot.allocatedStorage !== undefined && storage > 0 && storage < snapshot.allocatedStorage) {
    throw new OperationError(
      `${subject}: the snapshot holds ${snapshot.allocatedStorage} GiB, more than DbAllocatedStorage ${storage}`,
      `Set "DbAllocatedStorage": ${snapshot.allocatedStorage} (or more) in the params file, then deploy again.`,
    );
  }
  if (snapshot.encrypted === false) {
    throw new OperationError(
      `${subject}: the snapshot ${snapshot.id} is not encrypted, and this tool keeps the database encrypted`,
      'Make an encrypted copy (`aws rds copy-db-snapshot --kms-key-id alias/aws/rds ...`) and restore that.',
    );
  }
}

async function checkKey(deps: RestoreDeps, snapshot: DbSnapshotInfo, subject: string): Promise<void> {
  if (!snapshot.kmsKeyId) return;
  const access = await deps.kms.keyAccess(snapshot.kmsKeyId);
  const keyAccount = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:(\d{12}):/.exec(snapshot.kmsKeyId)?.[1];
  // An AWS managed key (aws/rds) never leaves its account: a snapshot shared under one cannot be restored
  // elsewhere (RDS User Guide, "Sharing encrypted snapshots").
  const foreignManaged =
    access.usable && access.managedBy === 'AWS' && keyAccount !== undefined && keyAccount !== deps.account;
  if (!access.usable || foreignManaged) {
    throw new OperationError(
      `${subject}: the snapshot is encrypted with a KMS key this account cannot use (${snapshot.kmsKeyId}: ${access.usable ? "another account's AWS managed key" : access.reason})`,
      "Have the key's owner grant this account use of a customer managed key and re-encrypt the snapshot copy with it (`aws rds copy-db-snapshot --kms-key-id ...`).",
    );
  }
}

const usable = (secret: SecretInfo | undefined): secret is SecretInfo =>
  secret !== undefined && secret.deletedAt === undefined;

/** The stack's data-tier secrets of one logical id, listed once for every secret a restore looks for. */
type DataTierSecrets = (logicalId: string) => Promise<SecretInfo[]>;

/**
 * For snapshots from before the tags: CloudFormation tags what it creates with the (nested) stack's name,
 * and the data tier's nested stack is named <root>-DataStack-<suffix>.
 */
function dataTierSecrets(deps: RestoreDeps, stackName: string): DataTierSecrets {
  let listed: Promise<SecretInfo[]> | undefined;
  return async (logicalId) =>
    (
      await (listed ??= deps.secrets.withTagPrefix(
        'aws:cloudformation:stack-name',
        `${stackName}-DataStack-`,
      ))
    ).filter((s) => s.tags['aws:cloudformation:logical-id'] === logicalId);
}

/** Of several generations of a secret, those made at or before `before` (ms), newest first. */
function generationsBefore(secrets: SecretInfo[], before: number): SecretInfo[] {
  return secrets
    .filter((s) => (s.created?.getTime() ?? 0) <= before)
    .sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
}

async function findSecret(
  deps: RestoreDeps,
  stackName: string,
  snapshot: DbSnapshotInfo,
  which: 'dbMaster' | 'encryptionKey',
  stackSecrets: DataTierSecrets,
): Promise<SecretChoice> {
  const tagged = snapshot.tags?.[SECRET_TAGS[which]];
  if (tagged) {
    const secret = await deps.secrets.describe(tagged);
    if (secret && secret.deletedAt === undefined) return { arn: secret.arn, source: 'snapshot tags' };
    if (secret) return { arn: '', source: 'new', missing: `${tagged} is scheduled for deletion` };
  }
  // The one made last before the snapshot's instance is the one whose password the snapshot has.
  const candidates = await stackSecrets(SECRET_LOGICAL_IDS[which]);
  const before = (snapshot.instanceCreated ?? snapshot.created)?.getTime() ?? Infinity;
  const chosen = generationsBefore(candidates, before).find(usable);
  if (chosen) return { arn: chosen.arn, source: 'stack name' };
  const scheduled = candidates.find((s) => s.deletedAt !== undefined);
  return {
    arn: '',
    source: 'new',
    missing: tagged
      ? `${tagged} does not exist`
      : scheduled
        ? `${scheduled.name} is scheduled for deletion`
        : `none tagged on the snapshot or left by ${stackName}`,
  };
}

/**
 * The destroyed stack's admin secret, the one holding the password of the admin the snapshot brings back:
 * tagged on the snapshot, else (a snapshot from before that tag) found by the stack name, as the others.
 * One only ever holding CloudFormation's placeholder (`written` false: deploy never stored a password in
 * it, e.g. a stack made after a restore that found none) logs nobody in and is not reused.
 */
async function findAdminSecret(
  deps: RestoreDeps,
  request: RestoreRequest,
  snapshot: DbSnapshotInfo,
  stackSecrets: DataTierSecrets,
): Promise<AdminSecretChoice> {
  const notFound = (missing: string): AdminSecretChoice => ({
    arn: '',
    source: (request.parameters.AdminEmail ?? '') === '' ? 'none' : 'new',
    missing,
  });
  const placeholder = (secret: SecretInfo): string =>
    `${secret.arn} holds no password deploy stored (only the value it was created with)`;
  const tagged = snapshot.tags?.[SECRET_TAGS.admin];
  if (tagged) {
    const secret = await deps.secrets.describe(tagged);
    if (!secret) return notFound(`${tagged} does not exist`);
    if (secret.deletedAt !== undefined) return notFound(`${tagged} is scheduled for deletion`);
    if (secret.written === false) return notFound(placeholder(secret));
    return { arn: secret.arn, source: 'snapshot tags' };
  }
  // The admin secret may be younger than the instance (AdminEmail set on a later deploy), but the admin's
  // password was stored before the setup that put the admin in the database: the secret is older than
  // the snapshot. Of several generations, the last one made before it.
  const older = generationsBefore(
    await stackSecrets(SECRET_LOGICAL_IDS.admin),
    snapshot.created?.getTime() ?? Infinity,
  );
  const chosen = older.find((s) => usable(s) && s.written !== false);
  if (chosen) return { arn: chosen.arn, source: 'stack name' };
  const scheduled = older.find((s) => s.deletedAt !== undefined);
  const unwritten = older.find((s) => usable(s) && s.written === false);
  return notFound(
    scheduled
      ? `${scheduled.name} is scheduled for deletion`
      : unwritten
        ? placeholder(unwritten)
        : `none tagged on the snapshot or left by ${request.stackName}`,
  );
}
