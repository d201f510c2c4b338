// `snapshots`: the manual and final DB snapshots of one stack, what they cost to keep, and pruning of the
// older pre-upgrade ones. Only snapshots this tool tagged as its own pre-upgrade snapshots of exactly this
// stack can ever be deleted here; final snapshots are never pruned.
import type { DbSnapshotInfo, RdsApi } from '../aws/rds.js';
import { SNAPSHOT_TAGS } from '../synth/snapshot-tags.js';
import { isManagedStack } from './ownership.js';
import { belongsTo, isPreUpgrade } from './restore.js';

export type SnapshotOrigin = 'pre-upgrade' | 'final';

export interface StackSnapshot {
  id: string;
  created?: Date | undefined;
  status: string;
  /** The volume size of the instance it was taken from (RDS bills what the snapshot uses, at most this). */
  sizeGiB: number;
  engineVersion: string;
  /** pre-upgrade: taken by deploy; final: taken by CloudFormation as it deleted or replaced the instance (or by hand). */
  origin: SnapshotOrigin;
  reason?: string | undefined;
}

function toRow(s: DbSnapshotInfo): StackSnapshot {
  return {
    id: s.id,
    created: s.created,
    status: s.status,
    sizeGiB: s.allocatedStorage ?? 0,
    engineVersion: s.engineVersion ?? '?',
    origin: isPreUpgrade(s) ? 'pre-upgrade' : 'final',
    reason: s.tags?.['metabase-aws:reason'],
  };
}

/** This stack's manual snapshots, newest first. */
export async function stackSnapshots(rds: RdsApi, stackName: string): Promise<StackSnapshot[]> {
  return (await rds.manualSnapshots())
    .filter((s) => belongsTo(s, stackName))
    .sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0))
    .map(toRow);
}

/** Monthly cost of keeping them: every GiB beyond the free allowance at the backup-storage price. */
export function keptStorageCost(
  snapshots: StackSnapshot[],
  freeGiB: number,
  pricePerGbMonth: number,
): { totalGiB: number; billableGiB: number; monthly: number } {
  const totalGiB = snapshots.reduce((sum, s) => sum + s.sizeGiB, 0);
  const billableGiB = Math.max(0, totalGiB - freeGiB);
  return { totalGiB, billableGiB, monthly: billableGiB * pricePerGbMonth };
}

/**
 * The pre-upgrade snapshots to delete so that the newest `keep` remain. Checked on the raw tags again,
 * not only on the listing: a snapshot this tool took (managed-by: metabase-aws, made-by: pre-upgrade, the
 * tags deploy gives it) whose stack tag names this stack exactly (no prefix match on instance ids). The
 * bootstrap deploy role may delete only snapshots with those tags too (src/synth/bootstrap.ts).
 */
export async function planPrune(rds: RdsApi, stackName: string, keep: number): Promise<StackSnapshot[]> {
  const own = (await rds.manualSnapshots())
    .filter(
      (s) =>
        isManagedStack(s.tags) &&
        s.tags?.[SNAPSHOT_TAGS.madeBy] === 'pre-upgrade' &&
        s.tags[SNAPSHOT_TAGS.stack] === stackName &&
        s.status === 'available',
    )
    .sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
  return own.slice(Math.max(0, keep)).map(toRow);
}

export async function prune(
  rds: RdsApi,
  doomed: StackSnapshot[],
  onDeleted?: (id: string) => void,
): Promise<string[]> {
  const deleted: string[] = [];
  for (const snapshot of doomed) {
    if (snapshot.origin !== 'pre-upgrade') continue;
    await rds.deleteSnapshot(snapshot.id);
    deleted.push(snapshot.id);
    onDeleted?.(snapshot.id);
  }
  return deleted;
}
