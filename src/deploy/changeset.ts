// Change sets: create one (nested change sets included), wait for it, read it back as a tree (nested
// stacks hold their own change sets), and judge it: empty, or replacing / removing a database.
import type {
  ChangeAction,
  ChangeSetInfo,
  CloudFormationApi,
  ResourceChange,
} from '../aws/cloudformation.js';
import { INTERRUPTED, unlessInterrupted, type Clock } from './clock.js';
import { OperationError } from './errors.js';

export interface PlannedChange {
  action: ChangeAction;
  logicalId: string;
  resourceType: string;
  physicalId?: string | undefined;
  /** 'True' | 'Conditional' when the resource is (or may be) replaced. */
  replacement?: string | undefined;
  recreationCauses: string[];
  /** Changes inside a nested stack. */
  children: PlannedChange[];
}

export interface ChangePreview {
  changeSetId: string;
  stackId: string;
  type: 'CREATE' | 'UPDATE';
  changes: PlannedChange[];
}

export interface DatabaseRisk {
  /** e.g. DataStack/Database */
  path: string;
  kind: 'replace' | 'remove';
  /** 'secret': a generated secret (DB password, MB_ENCRYPTION_SECRET_KEY) would be generated anew. */
  resource: 'database' | 'secret';
  causes: string[];
}

const DATABASE_TYPES = new Set(['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster']);
// A replaced MB_ENCRYPTION_SECRET_KEY makes every saved data-source connection unreadable.
const SECRET_TYPES = new Set(['AWS::SecretsManager::Secret']);

/** CloudFormation's two phrasings of "nothing to do". */
export function isNoChangeReason(reason: string | undefined): boolean {
  return /didn't contain changes|No updates are to be performed/i.test(reason ?? '');
}

export const isReplacement = (change: PlannedChange): boolean =>
  change.action === 'Modify' && (change.replacement === 'True' || change.replacement === 'Conditional');

export function flatten(changes: PlannedChange[], prefix = ''): { path: string; change: PlannedChange }[] {
  return changes.flatMap((change) => {
    const path = prefix ? `${prefix}/${change.logicalId}` : change.logicalId;
    return [{ path, change }, ...flatten(change.children, path)];
  });
}

/**
 * Databases the change set would replace or remove (data loss unless restored from a snapshot), and
 * generated secrets it would replace (removal keeps them: they are retained).
 */
export function databaseRisks(preview: ChangePreview): DatabaseRisk[] {
  return flatten(preview.changes).flatMap(({ path, change }): DatabaseRisk[] => {
    const kind = change.action === 'Remove' ? 'remove' : 'replace';
    if (DATABASE_TYPES.has(change.resourceType) && (isReplacement(change) || change.action === 'Remove')) {
      return [{ path, kind, resource: 'database', causes: change.recreationCauses }];
    }
    if (SECRET_TYPES.has(change.resourceType) && isReplacement(change))
      return [{ path, kind, resource: 'secret', causes: change.recreationCauses }];
    return [];
  });
}

export interface WaitOptions {
  clock: Clock;
  /** first delay; doubles up to maxDelayMs */
  delayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  /** Ctrl-C: stop waiting so the caller can discard the change set instead of executing it. */
  signal?: AbortSignal | undefined;
}

export type ChangeSetOutcome =
  | { kind: 'ready'; info: ChangeSetInfo }
  | { kind: 'empty' }
  | { kind: 'failed'; reason: string }
  | { kind: 'interrupted' };

/** Polls until the change set is computed. ≤ 1 call/s, backing off to 5 s; CloudFormation usually needs 5–30 s. */
export async function waitForChangeSet(
  cf: CloudFormationApi,
  id: string,
  options: WaitOptions,
): Promise<ChangeSetOutcome> {
  const { clock } = options;
  const deadline = clock.now() + (options.timeoutMs ?? 10 * 60_000);
  let delay = options.delayMs ?? 1000;
  for (;;) {
    if (options.signal?.aborted) return { kind: 'interrupted' };
    const info = await unlessInterrupted(cf.describeChangeSet(id), options.signal);
    if (info === INTERRUPTED) return { kind: 'interrupted' };
    if (info.status === 'CREATE_COMPLETE') return { kind: 'ready', info };
    if (info.status === 'FAILED') {
      return isNoChangeReason(info.statusReason)
        ? { kind: 'empty' }
        : { kind: 'failed', reason: info.statusReason ?? 'no reason given' };
    }
    if (clock.now() >= deadline) {
      throw new OperationError(
        `deploy change set: still ${info.status} after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s`,
        'Look at the change set in the CloudFormation console, then run deploy again.',
      );
    }
    await clock.sleep(delay, options.signal);
    delay = Math.min(delay * 2, options.maxDelayMs ?? 5000);
  }
}

async function toPlanned(
  cf: CloudFormationApi,
  change: ResourceChange,
  depth: number,
): Promise<PlannedChange> {
  const children =
    change.nestedChangeSetId && depth < 5 ? await describeTree(cf, change.nestedChangeSetId, depth + 1) : [];
  return {
    action: change.action,
    logicalId: change.logicalId,
    resourceType: change.resourceType,
    physicalId: change.physicalId,
    replacement: change.replacement,
    recreationCauses: change.recreationCauses,
    children,
  };
}

async function describeTree(cf: CloudFormationApi, id: string, depth: number): Promise<PlannedChange[]> {
  const info = await cf.describeChangeSet(id);
  return Promise.all(info.changes.map((change) => toPlanned(cf, change, depth)));
}

/** The change set as a tree; the root's description comes from the wait, nested ones are fetched. */
export async function readPreview(
  cf: CloudFormationApi,
  info: ChangeSetInfo,
  type: 'CREATE' | 'UPDATE',
): Promise<ChangePreview> {
  const changes = await Promise.all(info.changes.map((change) => toPlanned(cf, change, 1)));
  return { changeSetId: info.id, stackId: info.stackId, type, changes };
}

export function changeSetName(now: number): string {
  return `metabase-aws-${new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}
