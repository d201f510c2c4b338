// The change-set preview: one `+ ~ -` line a resource, nested stacks indented under their stack, and
// replacements flagged; a database replacement or removal gets its own warning block.
import type { ChangePreview, DatabaseRisk, PlannedChange } from '../deploy/changeset.js';
import { isReplacement } from '../deploy/changeset.js';
import type { Style } from './style.js';

const SYMBOL: Record<string, string> = { Add: '+', Modify: '~', Remove: '-', Import: '>', Dynamic: '?' };

function line(change: PlannedChange, depth: number, style: Style): string {
  const symbol = SYMBOL[change.action] ?? '?';
  const colour =
    change.action === 'Add' ? style.green : change.action === 'Remove' ? style.red : style.yellow;
  let note = '';
  if (isReplacement(change)) {
    const why = change.recreationCauses.length ? ` (${change.recreationCauses.join(', ')})` : '';
    note = style.red(style.bold(change.replacement === 'True' ? `  REPLACE${why}` : `  MAY REPLACE${why}`));
  }
  return `${'    '.repeat(depth)}  ${colour(symbol)} ${change.logicalId}  ${style.dim(change.resourceType)}${note}`;
}

function lines(changes: PlannedChange[], depth: number, style: Style): string[] {
  return changes.flatMap((change) => [
    line(change, depth, style),
    ...lines(change.children, depth + 1, style),
  ]);
}

function count(changes: PlannedChange[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const change of changes) {
    if (change.resourceType !== 'AWS::CloudFormation::Stack' || change.children.length === 0)
      totals[change.action] = (totals[change.action] ?? 0) + 1;
    for (const [k, v] of Object.entries(count(change.children))) totals[k] = (totals[k] ?? 0) + v;
  }
  return totals;
}

export function renderPreview(
  stackName: string,
  preview: ChangePreview,
  risks: DatabaseRisk[],
  style: Style,
): string {
  const totals = count(preview.changes);
  const summary = ['Add', 'Modify', 'Remove']
    .map((a) => `${totals[a] ?? 0} ${a === 'Add' ? 'to add' : a === 'Modify' ? 'to change' : 'to remove'}`)
    .join(', ');
  const out = [
    style.bold(`Changes to ${stackName} (${preview.type === 'CREATE' ? 'new stack' : 'update'}): ${summary}`),
    ...lines(preview.changes, 0, style),
  ];
  if (preview.changes.length === 0)
    out.push('  ~ parameters or nested templates only (CloudFormation lists no resource changes)');
  for (const risk of risks) {
    const what = risk.kind === 'remove' ? 'REMOVED' : 'REPLACED';
    const why = risk.causes.length ? ` because ${risk.causes.join(', ')} changed` : '';
    if (risk.resource === 'secret') {
      out.push(
        '',
        style.red(style.bold(`!! The secret ${risk.path} will be ${what}${why}: a new value is generated.`)),
        style.red(
          '!! If it is MB_ENCRYPTION_SECRET_KEY, every saved data-source connection must be entered again. The old',
        ),
        style.red('!! secret is retained (DeletionPolicy Retain). Undo the change unless you mean this.'),
      );
      continue;
    }
    out.push(
      '',
      style.red(style.bold(`!! The database ${risk.path} will be ${what}${why}.`)),
      style.red(
        '!! Metabase would start on a new, EMPTY database. The old one is snapshotted (DeletionPolicy Snapshot),',
      ),
      style.red('!! but restoring it is a manual job. Undo the parameter change unless you mean this.'),
    );
  }
  return `${out.join('\n')}\n`;
}
