// Counts every DriftApi request, so --json can show what a run cost and tests can catch busy polling.
import type { DriftApi } from '../aws/drift.js';

export interface CountingApi {
  api: DriftApi;
  calls: () => number;
}

export function countCalls(inner: DriftApi): CountingApi {
  let calls = 0;
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      calls++;
      return fn(...args);
    };
  const api: DriftApi = {
    describeStack: counted((nameOrId: string) => inner.describeStack(nameOrId)),
    listStackResources: counted((stackId: string, token?: string) =>
      inner.listStackResources(stackId, token),
    ),
    detectStackDrift: counted((stackId: string) => inner.detectStackDrift(stackId)),
    detectionStatus: counted((id: string) => inner.detectionStatus(id)),
    resourceDrifts: counted((stackId: string, token?: string) => inner.resourceDrifts(stackId, token)),
  };
  return { api, calls: () => calls };
}

/** Follows NextToken to the end; a token seen twice means a broken pager, not an endless loop. */
export async function allPages<T>(
  fetch: (token?: string) => Promise<{ items: T[]; nextToken?: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetch(token);
    items.push(...page.items);
    token = page.nextToken || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new Error(`pagination repeated NextToken ${token}`);
      seen.add(token);
    }
  } while (token !== undefined);
  return items;
}
