// The RDS calls destroy needs: deletion protection (which makes the stack deletion fail half-way if left
// on) and the final snapshot CloudFormation takes because of the DB's DeletionPolicy: Snapshot.
import {
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';

export interface DbInstanceInfo {
  id: string;
  deletionProtection: boolean;
  status: string;
  /** what the instance runs now, e.g. 17.9 (after a forced minor upgrade, newer than the stack says) */
  engineVersion?: string | undefined;
  /** Provisioned storage: the floor for a resize, and what a final snapshot can grow to. */
  allocatedStorageGiB?: number | undefined;
}

export interface DbSnapshotInfo {
  id: string;
  created?: Date | undefined;
  status: string;
}

export interface RdsApi {
  describeInstance(id: string): Promise<DbInstanceInfo | undefined>;
  disableDeletionProtection(id: string): Promise<void>;
  /** Manual snapshots of the instance (CloudFormation's final snapshot is one), newest first. */
  snapshotsOf(instanceId: string): Promise<DbSnapshotInfo[]>;
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
          .map((s) => ({
            id: s.DBSnapshotIdentifier ?? '',
            created: s.SnapshotCreateTime,
            status: s.Status ?? 'unknown',
          }))
          .sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
      } catch (error) {
        if (isNotFound(error)) return [];
        throw error;
      }
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
