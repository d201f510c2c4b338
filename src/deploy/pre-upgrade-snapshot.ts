// The snapshot deploy takes before an upgrade. Metabase's upgrade guide says to back up the application
// database before every upgrade (its migrations do not run backwards), and a PostgreSQL engine or instance
// class change is a restart at best. Called by deploy right before it executes a change set: a snapshot
// that cannot be taken stops the deploy while nothing has changed yet.
import type { DbSnapshotInfo, RdsApi } from '../aws/rds.js';
import { SNAPSHOT_TAGS } from '../synth/snapshot-tags.js';
import { MANAGED_STACK_TAGS } from './bucket.js';
import { INTERRUPTED, unlessInterrupted, type Clock } from './clock.js';
import { OperationError } from './errors.js';

/**
 * The parameters whose change is an upgrade: Metabase's version (a new image digest is one too, as for
 * the one-task-first upgrade in upgrade.ts: it may be another release under the same tag), PostgreSQL's,
 * and the instance class (a modification with a restart, or a replacement).
 */
export const UPGRADE_PARAMETERS = [
  'MetabaseVersion',
  'MetabaseImageDigest',
  'DbEngineVersion',
  'DbInstanceClass',
] as const;

export interface UpgradeChange {
  parameter: (typeof UPGRADE_PARAMETERS)[number];
  from: string;
  to: string;
}

const NAME_PART: Record<UpgradeChange['parameter'], (to: string) => string> = {
  MetabaseVersion: (to) => `metabase-${to}`,
  // sha256:<64 hex>: the first 12 hex digits name it, as `docker images` shows an image id.
  MetabaseImageDigest: (to) => `image-${to.replace(/^sha256:/, '').slice(0, 12) || 'tag'}`,
  DbEngineVersion: (to) => `postgres-${to}`,
  DbInstanceClass: (to) => `class-${to}`,
};

/** How long a snapshot just created may be missing from DescribeDBSnapshots before it counts as gone. */
const LISTING_GRACE_MS = 60_000;

/** What in this deploy is an upgrade: the versions, or the instance class (modified or replaced). */
export function upgradeChanges(
  deployed: Record<string, string>,
  next: Record<string, string>,
): UpgradeChange[] {
  return UPGRADE_PARAMETERS.flatMap((parameter) => {
    // A digest parameter missing on one side (a stack from before it existed) is an empty one.
    const empty = parameter === 'MetabaseImageDigest' ? '' : undefined;
    const from = deployed[parameter] ?? empty;
    const to = next[parameter] ?? empty;
    return from !== undefined && to !== undefined && from !== to ? [{ parameter, from, to }] : [];
  });
}

/**
 * `<stack>-pre-<what>-<UTC timestamp>`, e.g. metabase-dev-pre-metabase-v0-65-1-20261202T101500Z. RDS
 * snapshot identifiers: 1–255 letters, digits or hyphens, a letter first, no two hyphens in a row, no
 * hyphen at the end (CreateDBSnapshot, DBSnapshotIdentifier constraints).
 */
export function preUpgradeSnapshotName(stackName: string, changes: UpgradeChange[], now: number): string {
  const what = changes.map((c) => NAME_PART[c.parameter](c.to)).join('-');
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const clean = (text: string): string =>
    text
      .replace(/[^a-zA-Z0-9-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+|-+$/g, '');
  const head = clean(`${stackName}-pre-${what}`).slice(0, 255 - stamp.length - 1);
  return `${clean(head)}-${stamp}`;
}

export interface PreUpgradeSnapshotInput {
  stackName: string;
  instanceId: string | undefined;
  changes: UpgradeChange[];
  /** How long to wait for the snapshot (RDS takes minutes for a small database). */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  onCreating?: ((id: string) => void) | undefined;
}

export type PreUpgradeSnapshotOutcome =
  | { kind: 'available'; snapshot: DbSnapshotInfo }
  /** Ctrl-C while waiting: RDS goes on making the snapshot; the caller executes nothing. */
  | { kind: 'interrupted'; id: string };

/**
 * Takes the snapshot and waits until RDS says it is available, polling like the other waits (a growing
 * delay, Ctrl-C honoured at once); throws (nothing executed) when it cannot be taken or does not become
 * available.
 */
export async function takePreUpgradeSnapshot(
  rds: RdsApi,
  clock: Clock,
  input: PreUpgradeSnapshotInput,
): Promise<PreUpgradeSnapshotOutcome> {
  const subject = `deploy ${input.stackName}`;
  const skip = 'Fix the cause and deploy again, or pass --no-snapshot to upgrade without one.';
  if (!input.instanceId) {
    throw new OperationError(
      `${subject}: cannot take the pre-upgrade snapshot: the stack has no DbInstanceId output to name the database`,
      skip,
    );
  }
  const id = preUpgradeSnapshotName(input.stackName, input.changes, clock.now());
  const reason = input.changes.map((c) => `${c.parameter} ${c.from} to ${c.to}`).join(', ');
  try {
    // CopyTagsToSnapshot may not add the instance's tags to a snapshot created with tags of its own, so the
    // secret ARNs a restore looks for are carried over explicitly.
    const instance = await rds.describeInstance(input.instanceId);
    const secretTags = Object.fromEntries(
      Object.entries(instance?.tags ?? {}).filter(([key]) =>
        [SNAPSHOT_TAGS.dbMasterSecret, SNAPSHOT_TAGS.encryptionKeySecret, SNAPSHOT_TAGS.adminSecret].includes(
          key as never,
        ),
      ),
    );
    await rds.createSnapshot(id, input.instanceId, {
      ...secretTags,
      [SNAPSHOT_TAGS.madeBy]: 'pre-upgrade',
      [SNAPSHOT_TAGS.stack]: input.stackName,
      'metabase-aws:reason': reason,
      ...MANAGED_STACK_TAGS,
    });
  } catch (error) {
    const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new OperationError(`${subject}: cannot take the pre-upgrade snapshot ${id}: ${cause}`, skip);
  }
  input.onCreating?.(id);
  const createdAt = clock.now();
  const deadline = createdAt + (input.timeoutMs ?? 60 * 60_000);
  let delay = 5000;
  for (;;) {
    if (input.signal?.aborted) return { kind: 'interrupted', id };
    await clock.sleep(delay, input.signal);
    if (input.signal?.aborted) return { kind: 'interrupted', id };
    const snapshot = await unlessInterrupted(rds.describeSnapshot(id), input.signal);
    if (snapshot === INTERRUPTED) return { kind: 'interrupted', id };
    if (snapshot?.status === 'available') return { kind: 'available', snapshot };
    // RDS's reads are eventually consistent: a snapshot CreateDBSnapshot just accepted may not be listed
    // (DBSnapshotNotFound) for a moment. Only a snapshot still missing after that is gone.
    const justCreated = clock.now() - createdAt < LISTING_GRACE_MS;
    if (!snapshot && justCreated) continue;
    if (!snapshot || !['creating', 'pending'].includes(snapshot.status)) {
      throw new OperationError(
        `${subject}: the pre-upgrade snapshot ${id} ${snapshot ? `ended ${snapshot.status}` : 'disappeared'}; nothing was deployed`,
        skip,
      );
    }
    if (clock.now() >= deadline) {
      throw new OperationError(
        `${subject}: the pre-upgrade snapshot ${id} is still ${snapshot.status} after ${Math.round((input.timeoutMs ?? 3_600_000) / 60_000)} min; nothing was deployed`,
        'Deploy again once `metabase-aws snapshots` shows it available.',
      );
    }
    delay = Math.min(delay * 2, 30_000);
  }
}
