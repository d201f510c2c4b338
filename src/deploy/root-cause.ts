// The first real failure of an operation. CloudFormation's root stack only says "Embedded stack ... was
// not successfully created"; the cause is an earlier event inside a nested stack, which may already be
// rolled back and deleted (the watcher read its events by stack ARN, which still works then).
import type { WatchEvent } from './watch.js';

export interface RootCause {
  /** NetworkStack/NatGatewayA */
  path: string;
  logicalId: string;
  resourceType: string;
  physicalId: string;
  status: string;
  reason: string;
}

/** Reasons that only point at another failure. */
const CONSEQUENCE = [
  /Embedded stack .* was not successfully/i,
  /Resource creation cancelled/i,
  /Resource update cancelled/i,
  /The following resource\(s\) failed to/i,
  /Stack creation was cancelled/i,
  /resource .* failed to (create|update|delete)$/i,
];

const isFailure = (e: WatchEvent): boolean => /_FAILED$/.test(e.status);
const isConsequence = (e: WatchEvent): boolean => CONSEQUENCE.some((re) => re.test(e.reason ?? ''));

export function findRootCause(events: WatchEvent[]): RootCause | undefined {
  const failures = events
    .filter(isFailure)
    .sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime() || b.depth - a.depth);
  const cause = failures.find((e) => !isConsequence(e)) ?? failures[0];
  if (!cause) return undefined;
  return {
    path: cause.depth === 0 ? cause.logicalId : `${cause.stackLabel}/${cause.logicalId}`,
    logicalId: cause.logicalId,
    resourceType: cause.resourceType,
    physicalId: cause.physicalId,
    status: cause.status,
    reason: cause.reason ?? 'no reason given',
  };
}

/**
 * The cause of a failed operation: the first real failure among its events, else the root stack's own
 * status reason (a failure no resource event explains, e.g. a template the stack could not read).
 * Shared by deploy and watch so both explain a failure the same way.
 */
export function operationRootCause(
  events: WatchEvent[],
  root: { stackName: string; stackId: string; status: string; statusReason?: string | undefined },
): RootCause | undefined {
  const found = findRootCause(events);
  if (found || !root.statusReason) return found;
  return {
    path: root.stackName,
    logicalId: root.stackName,
    resourceType: 'AWS::CloudFormation::Stack',
    physicalId: root.stackId,
    status: root.status,
    reason: root.statusReason,
  };
}

/** Resources whose deletion failed, deepest stacks first (as destroy must retain them). */
export function deleteFailures(events: WatchEvent[]): WatchEvent[] {
  const latest = new Map<string, WatchEvent>();
  for (const e of events) latest.set(`${e.stackId}|${e.logicalId}`, e);
  return [...latest.values()]
    .filter((e) => e.status === 'DELETE_FAILED' && e.physicalId !== e.stackId)
    .sort((a, b) => b.depth - a.depth);
}
