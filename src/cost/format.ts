// The estimate as a plain-text table (stdout) or JSON (--json).
import { DEFAULT_ASSUMPTIONS, NOT_INCLUDED, type UsageAssumptions } from './assumptions.js';
import type { CostEstimate } from './estimate.js';

export function money(value: number): string {
  return `$${value.toFixed(2)}`;
}

export function formatTable(
  estimate: CostEstimate,
  source: string,
  usage: UsageAssumptions = DEFAULT_ASSUMPTIONS,
): string {
  const legacy = estimate.freeTierModel === 'legacy';
  // With no free tier counted, the two free-tier columns would be empty and a copy of "monthly".
  const freeColumns = estimate.freeTierModel !== 'none';
  const withFree = (row: string[], free: string[]): string[] => (freeColumns ? [...row, ...free] : row);
  const header = withFree(
    ['item', 'quantity', 'monthly'],
    [legacy ? 'free tier' : 'always free', legacy ? 'first year' : 'after it'],
  );
  const rows = estimate.lines.map((l) =>
    withFree(
      [l.item, l.quantity, money(l.monthly)],
      [l.freeTier > 0 ? `-${money(l.freeTier)}` : '', money(l.monthly - l.freeTier)],
    ),
  );
  const total = withFree(
    ['total a month', '', money(estimate.totals.monthly)],
    [`-${money(estimate.totals.freeTier)}`, money(estimate.totals.firstYear)],
  );
  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows, total].map((row) => (row[i] ?? '').length)),
  );
  const render = (row: string[]) =>
    row
      .map((cell, i) => (i >= 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const scaling =
    estimate.maxTasks !== undefined && estimate.maxTasks > estimate.tasks
      ? [
          `Autoscaling: each task above ${estimate.tasks} (up to ${estimate.maxTasks}) adds about ${money(estimate.perExtraTask)} a month.`,
        ]
      : [];
  return [
    `cost ${source}: ${estimate.regionName} (${estimate.region}), ${estimate.currency} a month of ${estimate.hoursPerMonth} h, prices taken ${estimate.pricesTakenOn}`,
    '',
    render(header),
    rule,
    ...rows.map(render),
    rule,
    render(total),
    '',
    freeTierSummary(estimate),
    ...scaling,
    '',
    'Assumptions:',
    ...assumptionLines(usage).map((a) => `  - ${a}`),
    'Not included:',
    ...NOT_INCLUDED.map((n) => `  - ${n}`),
    '',
  ].join('\n');
}

/** One line on what the chosen free tier does to the bill. */
export function freeTierSummary(estimate: CostEstimate): string {
  const { monthly, firstYear } = estimate.totals;
  switch (estimate.freeTierModel) {
    case 'none':
      return `${money(monthly)} a month at list prices (--free-tier none: no free tier counted; see --free-tier credits or legacy).`;
    case 'legacy':
      return `Without the free tier: ${money(monthly)} a month. First 12 months with the legacy tier (accounts opened before 15 July 2025, all past it by now): ${money(firstYear)}.`;
    case 'credits': {
      const c = estimate.credits;
      if (!c) return `${money(firstYear)} a month after the always-free allowances.`;
      return `${money(firstYear)} a month after the always-free allowances; $${c.amount} of credits (accounts opened on or after 15 July 2025) pay it for the first ${c.monthsCovered.toFixed(1)} months, so the first ${c.planMonths} months cost ${money(c.planPeriodCost)} in all.`;
    }
  }
}

export function assumptionLines(usage: UsageAssumptions): string[] {
  return [
    `${usage.natGbPerTask} GB a month through the NAT for each task (image pulls, AWS APIs, queries to outside data sources)`,
    `load balancer at ${usage.albLcu} LCU on average`,
    `${usage.logsGbPerTask} GB of container logs a month for each task; storage holds the retention period's worth`,
    `application database of ${usage.dbDataGb} GB changing ${usage.dbChangeGbPerDay} GB a day (backup = data + changes kept + ${usage.keptPreUpgradeSnapshots} pre-upgrade snapshots of the data)`,
    `Container Insights: ${usage.insightsMetrics} metrics and ${usage.insightsGbPerTask} GB of events a task (rough)`,
    `with HostedZoneId: ${usage.dnsQueriesMillions} million DNS queries a month of the alias record`,
    'FARGATE_SPOT priced at the discount in prices.json; the real Spot price moves',
    'free tier (--free-tier): none counts nothing; credits counts the always-free CloudWatch allowances, then the sign-up credits of accounts opened on or after 15 July 2025; legacy counts the 12-month tier of older accounts (ALB LCUs read as 15 LCU-hours a month)',
  ];
}

export function toJson(
  estimate: CostEstimate,
  source: string,
  usage: UsageAssumptions = DEFAULT_ASSUMPTIONS,
): string {
  const cents = (value: number) => Math.round(value * 100) / 100;
  return `${JSON.stringify(
    {
      params: source,
      ...estimate,
      lines: estimate.lines.map((l) => ({
        ...l,
        monthly: cents(l.monthly),
        freeTier: cents(l.freeTier),
        firstYear: cents(l.monthly - l.freeTier),
      })),
      totals: {
        monthly: cents(estimate.totals.monthly),
        freeTier: cents(estimate.totals.freeTier),
        firstYear: cents(estimate.totals.firstYear),
      },
      perExtraTask: cents(estimate.perExtraTask),
      assumptions: { ...usage, notes: assumptionLines(usage) },
      notIncluded: NOT_INCLUDED,
    },
    null,
    2,
  )}\n`;
}
