// The drift report for people (per stack, then per resource, then one summary line) and for machines
// (--json, the same data). Values arrive already masked from src/drift.
import type {
  DifferenceReport,
  DriftReport,
  ResourceDriftStatus,
  ResourceReport,
  StackOutcome,
  StackReport,
} from '../drift/index.js';

type Paint = (text: string) => string;

interface Palette {
  green: Paint;
  yellow: Paint;
  red: Paint;
  dim: Paint;
  bold: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const plain: Paint = (text) => text;

function palette(colour: boolean): Palette {
  if (!colour) return { green: plain, yellow: plain, red: plain, dim: plain, bold: plain };
  return { green: sgr(32, 39), yellow: sgr(33, 39), red: sgr(31, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function wantsColour(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTty && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

const RESOURCE_MARK: Record<ResourceDriftStatus, string> = {
  IN_SYNC: '=',
  MODIFIED: '~',
  DELETED: '-',
  NOT_CHECKED: '?',
  UNKNOWN: '!',
};

function paintResource(status: ResourceDriftStatus, p: Palette): Paint {
  if (status === 'IN_SYNC') return p.green;
  if (status === 'MODIFIED') return p.yellow;
  if (status === 'DELETED' || status === 'UNKNOWN') return p.red;
  return p.dim;
}

function paintStack(outcome: StackOutcome, p: Palette): Paint {
  if (outcome === 'IN_SYNC') return p.green;
  if (outcome === 'DRIFTED') return p.yellow;
  return p.red;
}

function differenceLine(d: DifferenceReport, indent: string): string {
  const expected = d.expected === '' ? '(none)' : d.expected;
  const actual = d.actual === '' ? '(none)' : d.actual;
  const what = d.type === 'ADD' ? 'added' : d.type === 'REMOVE' ? 'removed' : 'changed';
  return `${indent}${what.padEnd(8)}${d.path}: ${expected} → ${actual}${d.masked ? '  (secret, masked)' : ''}`;
}

function resourceLines(r: ResourceReport, indent: string, width: number, p: Palette): string[] {
  const paint = paintResource(r.status, p);
  const physical = r.physicalId && r.status !== 'IN_SYNC' ? `  ${p.dim(r.physicalId)}` : '';
  const head = `${indent}${paint(`${RESOURCE_MARK[r.status]} ${r.status.padEnd(11)}`)} ${r.logicalId.padEnd(width)}  ${p.dim(r.type)}${physical}`;
  const lines = [head];
  if (r.note) lines.push(`${indent}    ${p.dim(`note: ${r.note}`)}`);
  for (const d of r.differences) lines.push(differenceLine(d, `${indent}    `));
  return lines;
}

function stackLines(s: StackReport, p: Palette): string[] {
  const indent = '  '.repeat(s.depth);
  const nested = s.logicalId ? ` (${s.logicalId})` : '';
  const lines = [
    `${indent}${p.bold(s.stackName)}${nested}  ${paintStack(s.outcome, p)(s.outcome)}  ${p.dim(`(stack ${s.stackStatus})`)}`,
  ];
  if (s.error) lines.push(`${indent}  ${p.red(`failed: ${s.error}`)}`);
  const width = Math.max(0, ...s.resources.map((r) => r.logicalId.length));
  for (const r of s.resources) lines.push(...resourceLines(r, `${indent}  `, width, p));
  return lines;
}

export function summaryLine(report: DriftReport): string {
  const { summary } = report;
  const counts = summary.byStatus;
  const parts = [
    `${counts.IN_SYNC} in sync`,
    `${counts.MODIFIED} modified`,
    `${counts.DELETED} deleted`,
    `${counts.NOT_CHECKED} not checked`,
  ];
  if (counts.UNKNOWN > 0) parts.push(`${counts.UNKNOWN} unknown`);
  const failed = summary.stacksFailed > 0 ? `, ${summary.stacksFailed} could not be fully checked` : '';
  return (
    `${report.outcome}: ${summary.stacksDrifted} of ${summary.stacks} stacks drifted${failed}; ` +
    `${summary.resources} resources: ${parts.join(', ')} (${report.apiCalls} API calls)`
  );
}

export function renderDriftText(report: DriftReport, options: { colour: boolean }): string {
  const p = palette(options.colour);
  // Only the stacks whose detection completed were checked; a FAILED one (timed out, refused) was not.
  const checked = report.stacks.filter((s) => s.outcome !== 'FAILED').length;
  const notChecked = report.summary.stacks - checked;
  const head = `drift ${report.rootStack}: ${checked} of ${report.summary.stacks} stacks checked`;
  const lines = [
    notChecked > 0
      ? `${head} (${notChecked} could not be)`
      : `drift ${report.rootStack}: ${checked} stacks checked`,
    '',
  ];
  for (const stack of report.stacks) lines.push(...stackLines(stack, p), '');
  const paint = report.outcome === 'IN_SYNC' ? p.green : report.outcome === 'DRIFTED' ? p.yellow : p.red;
  lines.push(paint(summaryLine(report)));
  return `${lines.join('\n')}\n`;
}

export function renderDriftJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
