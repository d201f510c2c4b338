// The one screen of `status`: a headline with the verdict, one labelled line (or a few) per section,
// the problems, and the last ECS service events.
import type { StatusReport } from '../ops/status.js';
import { type Style } from './style.js';
import { formatAgo, formatLocalTime } from './time.js';

export const NAT_MODES: Record<string, string> = {
  single: 'one NAT gateway for both AZs',
  'per-az': 'a NAT gateway in each AZ',
  instance: 'a NAT instance (t4g.nano)',
};

export interface StatusViewOptions {
  region: string;
  now: number;
  timeZone?: string | undefined;
}

export function renderStatus(report: StatusReport, style: Style, options: StatusViewOptions): string {
  const when = (at: string | null): string =>
    at
      ? `${formatLocalTime(Date.parse(at), options.timeZone)} (${formatAgo(Date.parse(at), options.now)})`
      : 'time unknown';
  const verdict =
    report.verdict === 'healthy'
      ? style.green('healthy')
      : report.verdict === 'degraded'
        ? style.yellow('degraded')
        : style.red('unreachable');
  const lines: string[] = [`${style.bold(report.stackName)} (${options.region}): ${verdict}`];
  const row = (label: string, text: string): void => void lines.push(`  ${label.padEnd(10)}${text}`);
  const more = (text: string): void => void lines.push(`  ${''.padEnd(10)}${text}`);
  const unavailable = (section: string): string | undefined => {
    const u = report.unavailable.find((x) => x.section === section);
    return u ? style.red(`could not be read: ${u.cause}`) : undefined;
  };

  row('URL', report.url ?? 'none yet (the edge stack has not finished)');
  if (report.health)
    more(
      `${report.health.url}: ${report.health.ok ? style.green(report.health.seen) : style.red(report.health.seen)}`,
    );
  else if (unavailable('health')) more(unavailable('health') ?? '');

  const op = report.stack.lastOperation;
  row(
    'stack',
    `${report.stack.status}: last ${op.kind} ${op.outcome}, ${when(op.at)}${report.stack.statusReason ? ` (${report.stack.statusReason})` : ''}`,
  );

  const service = report.service;
  if (service) {
    row(
      'service',
      `${service.name} (${service.status}): ${String(service.desired)} desired, ${String(service.running)} running, ${String(service.pending)} pending`,
    );
    const rollout = service.rollout;
    if (rollout)
      more(
        `rollout ${rollout.state ?? 'state unknown'}${rollout.failedTasks > 0 ? `, ${String(rollout.failedTasks)} failed task${rollout.failedTasks === 1 ? '' : 's'}` : ''}${rollout.reason ? `: ${rollout.reason}` : ''}`,
      );
  } else row('service', unavailable('ECS service') ?? 'not found');
  row('version', report.metabaseVersion ? `Metabase ${report.metabaseVersion}` : 'unknown');

  const db = report.database;
  if (db) {
    row(
      'database',
      `${db.id}: ${db.status}, ${db.instanceClass}, PostgreSQL ${db.engineVersion}, ${db.multiAz ? 'Multi-AZ' : 'single-AZ'}`,
    );
    more(
      db.freeGiB === null
        ? `storage ${String(db.allocatedGiB)} GiB (used and free: no FreeStorageSpace datapoint in the last 30 min)`
        : `storage ${String(db.allocatedGiB)} GiB: ${String(db.usedGiB ?? '?')} GiB used, ${String(db.freeGiB)} GiB free`,
    );
    const snap = (s: typeof db.latestManualSnapshot): string =>
      s ? `${s.id}, ${when(s.created)}${s.status === 'available' ? '' : ` [${s.status}]`}` : 'none';
    more(`latest automated snapshot ${snap(db.latestAutomatedSnapshot)}`);
    more(`latest manual snapshot ${snap(db.latestManualSnapshot)}`);
  } else row('database', unavailable('database') ?? 'not found');

  row(
    'NAT',
    report.natMode ? `${report.natMode} (${NAT_MODES[report.natMode] ?? 'unknown mode'})` : 'unknown',
  );
  if (report.alarms === null) row('alarms', unavailable('alarms') ?? 'unknown');
  else if (report.alarms.length === 0) row('alarms', 'no alarms in ALARM');
  else
    report.alarms.forEach((alarm, i) => {
      const text = `${style.red(alarm.name)}${alarm.since ? ` since ${when(alarm.since)}` : ''}${alarm.reason ? `: ${alarm.reason}` : ''}`;
      if (i === 0) row('alarms', text);
      else more(text);
    });

  if (service && service.events.length > 0) {
    lines.push('', 'Last ECS service events (newest first):');
    for (const event of service.events)
      lines.push(
        `  ${event.at ? formatLocalTime(Date.parse(event.at), options.timeZone) : '?'.padEnd(19)}  ${event.message}`,
      );
  }
  if (report.problems.length > 0) {
    lines.push('', report.verdict === 'unreachable' ? style.red('Problems:') : style.yellow('Problems:'));
    for (const problem of report.problems) lines.push(`  - ${problem}`);
  }
  return `${lines.join('\n')}\n`;
}
