// The RDS calls the tool needs: deletion protection (which makes the stack deletion fail half-way if left
// on), the final snapshot CloudFormation takes because of the DB's DeletionPolicy: Snapshot, the
// snapshot a restore starts from, and the pre-upgrade snapshots deploy takes and `snapshots` prunes.
import {
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  RDSClient,
  type DBSnapshot,
} from '@aws-sdk/client-rds';

export interface DbInstanceInfo {
  id: string;
  deletionProtection: boolean;
  status: string;
  tags?: Record<string, string> | undefined;
  /** what the instance runs now, e.g. 17.9 (after a forced minor upgrade, newer than the stack says) */
  engineVersion?: string | undefined;
  /** Provisioned storage: the floor for a resize, and what a final snapshot can grow to. */
  allocatedStorageGiB?: number | undefined;
}

export interface DbSnapshotInfo {
  id: string;
  created?: Date | undefined;
  status: string;
  arn?: string | undefined;
  /** The instance it was taken from (which may no longer exist). */
  instanceId?: string | undefined;
  instanceCreated?: Date | undefined;
  engine?: string | undefined;
  engineVersion?: string | undefined;
  /** GiB */
  allocatedStorage?: number | undefined;
  encrypted?: boolean | undefined;
  kmsKeyId?: string | undefined;
  masterUsername?: string | undefined;
  /** 'manual' (this tool's and CloudFormation's final ones), 'automated', 'shared', ... */
  type?: string | undefined;
  /** Percent done while creating. */
  progress?: number | undefined;
  tags?: Record<string, string> | undefined;
}

export interface RdsApi {
  describeInstance(id: string): Promise<DbInstanceInfo | undefined>;
  disableDeletionProtection(id: string): Promise<void>;
  /** Manual snapshots of the instance (CloudFormation's final snapshot is one), newest first. */
  snapshotsOf(instanceId: string): Promise<DbSnapshotInfo[]>;
  /** One snapshot by identifier or ARN (a shared one needs its ARN); undefined when there is none. */
  describeSnapshot(idOrArn: string): Promise<DbSnapshotInfo | undefined>;
  /** Every manual snapshot of the account and region, with its tags, all pages. */
  manualSnapshots(): Promise<DbSnapshotInfo[]>;
  createSnapshot(id: string, instanceId: string, tags: Record<string, string>): Promise<DbSnapshotInfo>;
  deleteSnapshot(id: string): Promise<void>;
}

function toSnapshot(s: DBSnapshot): DbSnapshotInfo {
  return {
    id: s.DBSnapshotIdentifier ?? '',
    created: s.SnapshotCreateTime,
    status: s.Status ?? 'unknown',
    arn: s.DBSnapshotArn,
    instanceId: s.DBInstanceIdentifier,
    instanceCreated: s.InstanceCreateTime,
    engine: s.Engine,
    engineVersion: s.EngineVersion,
    allocatedStorage: s.AllocatedStorage,
    encrypted: s.Encrypted,
    kmsKeyId: s.KmsKeyId,
    masterUsername: s.MasterUsername,
    type: s.SnapshotType,
    progress: s.PercentProgress,
    tags: Object.fromEntries((s.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

const isNotFound = (error: unknown): boolean => /NotFound/.test((error as { name?: string }).name ?? '');

export function sdkRds(client: RDSClient): RdsApi {
  return {
    async describeInstance(id) {
      try {
        const out = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
        const db = out.DBInstances?.[0];
        if (!db) return undefined;
        return {
          id,
          deletionProtection: db.DeletionProtection === true,
          status: db.DBInstanceStatus ?? 'unknown',
          tags: Object.fromEntries((db.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
          engineVersion: db.EngineVersion,
          allocatedStorageGiB: db.AllocatedStorage,
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async disableDeletionProtection(id) {
      await client.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: id,
          DeletionProtection: false,
          ApplyImmediately: true,
        }),
      );
    },
    async snapshotsOf(instanceId) {
      try {
        const out = await client.send(
          new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instanceId, SnapshotType: 'manual' }),
        );
        return (out.DBSnapshots ?? [])
          .map(toSnapshot)
          .sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
    },
    async describeSnapshot(idOrArn) {
      try {
        // A snapshot shared by another account is listed only when shared ones are asked for.
        const out = await client.send(
          new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: idOrArn, IncludeShared: true }),
        );
        const found = out.DBSnapshots?.[0];
        return found ? toSnapshot(found) : undefined;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async manualSnapshots() {
      const found: DbSnapshotInfo[] = [];
      let marker: string | undefined;
      do {
        const out = await client.send(
          new DescribeDBSnapshotsCommand({ SnapshotType: 'manual', Marker: marker, MaxRecords: 100 }),
        );
        found.push(...(out.DBSnapshots ?? []).map(toSnapshot));
        marker = out.Marker;
      } while (marker);
      return found;
    },
    async createSnapshot(id, instanceId, tags) {
      const out = await client.send(
        new CreateDBSnapshotCommand({
          DBSnapshotIdentifier: id,
          DBInstanceIdentifier: instanceId,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      return out.DBSnapshot ? toSnapshot(out.DBSnapshot) : { id, status: 'creating' };
    },
    async deleteSnapshot(id) {
      await client.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }));
    },
  };
}

/** What `status` shows of the instance; read-only, so a separate interface from destroy's. */
export interface DbInstanceDetails {
  id: string;
  status: string;
  instanceClass: string;
  engineVersion: string;
  allocatedStorageGiB: number;
  multiAz: boolean;
}

export type SnapshotType = 'automated' | 'manual';

export interface RdsStatusApi {
  instanceDetails(id: string): Promise<DbInstanceDetails | undefined>;
  /** The newest snapshot of that type of the instance, undefined when there is none. */
  latestSnapshot(instanceId: string, type: SnapshotType): Promise<DbSnapshotInfo | undefined>;
}

export function sdkRdsStatus(client: RDSClient): RdsStatusApi {
  return {
    async instanceDetails(id) {
      try {
        const out = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
        const db = out.DBInstances?.[0];
        if (!db) return undefined;
        return {
          id,
          status: db.DBInstanceStatus ?? 'unknown',
          instanceClass: db.DBInstanceClass ?? 'unknown',
          engineVersion: db.EngineVersion ?? 'unknown',
          allocatedStorageGiB: db.AllocatedStorage ?? 0,
          multiAz: db.MultiAZ === true,
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async latestSnapshot(instanceId, type) {
      let newest: DbSnapshotInfo | undefined;
      let marker: string | undefined;
      try {
        do {
          const out = await client.send(
            new DescribeDBSnapshotsCommand({
              DBInstanceIdentifier: instanceId,
              SnapshotType: type,
              Marker: marker,
            }),
          );
          for (const s of out.DBSnapshots ?? []) {
            const snapshot = {
              id: s.DBSnapshotIdentifier ?? '',
              created: s.SnapshotCreateTime,
              status: s.Status ?? 'unknown',
            };
            // One still being created may have no SnapshotCreateTime yet: it counts as the newest.
            const time = (x: DbSnapshotInfo): number => x.created?.getTime() ?? Number.MAX_SAFE_INTEGER;
            if (!newest || time(snapshot) > time(newest)) newest = snapshot;
          }
          marker = out.Marker;
        } while (marker);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
      return newest;
    },
  };
}
