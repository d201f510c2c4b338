// The `snapshots` listing: one line a snapshot, then the storage they take and what that costs.
import type { StackSnapshot } from '../deploy/snapshots.js';
import type { Style } from './style.js';

const when = (date: Date | undefined): string =>
  date
    ? date
        .toISOString()
        .replace(/:\d\d\.\d+Z$/, 'Z')
        .replace('T', ' ')
    : '?';

export function renderSnapshots(
  stackName: string,
  region: string,
  rows: StackSnapshot[],
  style: Style,
): string {
  if (rows.length === 0) return `snapshots ${stackName}: no manual or final DB snapshots in ${region}\n`;
  const width = Math.max(...rows.map((r) => r.id.length), 'snapshot'.length);
  const lines = [
    style.bold(
      `${'snapshot'.padEnd(width)}  ${'taken (UTC)'.padEnd(17)}  ${'size'.padStart(7)}  postgres  made by`,
    ),
    ...rows.map((r) => {
      const made =
        r.origin === 'pre-upgrade'
          ? `deploy, before ${r.reason ?? 'an upgrade'}`
          : 'final (stack deleted or DB replaced)';
      const status = r.status === 'available' ? '' : `  [${r.status}]`;
      return `${r.id.padEnd(width)}  ${when(r.created).padEnd(17)}  ${`${r.sizeGiB} GiB`.padStart(7)}  ${r.engineVersion.padEnd(8)}  ${made}${status}`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}
