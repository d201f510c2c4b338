// The README's cost section, computed from the estimate so that its figures cannot drift from the tool's:
// tests/cost/readme.test.ts renders it from the committed params files and compares it with the README
// (UPDATE_README=1 on that test writes it). Pure: the caller reads the params files.
import type { CostEstimate } from './estimate.js';
import { money } from './format.js';

export interface Profile {
  name: string;
  what: string;
  /** the estimate at list prices, with the always-free allowances (credits), and with the legacy tier */
  none: CostEstimate;
  credits: CostEstimate;
  legacy: CostEstimate;
}

export const README_BEGIN = '<!-- cost:begin (generated from the estimate: tests/cost/readme.test.ts) -->';
export const README_END = '<!-- cost:end -->';

const percent = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(1)} %`;

function lineByLine(profile: Profile): string[] {
  const rows = profile.credits.lines.map(
    (l) =>
      `| ${l.item} | ${l.quantity} | ${money(l.monthly)} | ${l.freeTier > 0 ? `-${money(l.freeTier)}` : ''} | ${money(l.monthly - l.freeTier)} |`,
  );
  const t = profile.credits.totals;
  const scaling =
    profile.none.maxTasks !== undefined && profile.none.maxTasks > profile.none.tasks
      ? [
          '',
          `Autoscaling up to ${profile.none.maxTasks} tasks adds about ${money(profile.none.perExtraTask)} a month for each extra task.`,
        ]
      : [];
  return [
    `<details><summary>${profile.name}, line by line</summary>`,
    '',
    '| item | quantity | monthly | always free | after it |',
    '|---|---|--:|--:|--:|',
    ...rows,
    `| **total** | | **${money(t.monthly)}** | -${money(t.freeTier)} | **${money(t.firstYear)}** |`,
    ...scaling,
    '</details>',
    '',
  ];
}

export function readmeCostSection(profiles: Profile[]): string {
  const table = profiles.map((p) => {
    const c = p.credits.credits;
    const covered = c ? `${c.monthsCovered.toFixed(1)} months` : '';
    return `| \`${p.name}\` | ${p.what} | **${money(p.none.totals.monthly)}** | ${money(p.credits.totals.firstYear)} | ${covered} | ${money(p.legacy.totals.firstYear)} |`;
  });
  const small = profiles.find((p) => p.name === 'small');
  const dev = profiles.find((p) => p.name === 'dev');
  const comparison =
    small && dev
      ? [
          `**The small-team profile, \`params/small.json\`, is ${money(dev.none.totals.monthly - small.none.totals.monthly)} a month cheaper than \`dev\` (−${percent(dev.none.totals.monthly - small.none.totals.monthly, dev.none.totals.monthly)}).** It is just as private: the same subnets, security groups, TLS-only database and generated secrets. The trade-offs:`,
          `- \`NatGateways: instance\` replaces the NAT gateway (${money(lineOf(dev, 'nat-gateway-hours'))} + its address) with one hardened t4g.nano (${money(lineOf(small, 'nat-instance-hours'))}): IMDSv2 only, no SSH key, no instance role, an encrypted disk, HTTPS in from the private subnets and out to the internet only. It is a single point of failure: if it stops, Metabase loses outbound HTTPS (image pulls, secrets at task start, logs) until EC2 recovers it.`,
          "- `CapacityProvider: FARGATE_SPOT` is 70 % off; AWS may stop the task with two minutes' notice, and Metabase then restarts for a few minutes.",
          '',
        ]
      : [];
  return [
    README_BEGIN,
    '| profile (us-east-1) | what it is | a month (`none`) | after always-free (`credits`) | credits cover | first 12 months (`legacy`) |',
    '|---|---|--:|--:|--:|--:|',
    ...table,
    '',
    ...comparison,
    ...profiles.flatMap(lineByLine),
    README_END,
  ].join('\n');
}

function lineOf(profile: Profile, id: string): number {
  return profile.none.lines.find((l) => l.id === id)?.monthly ?? 0;
}
