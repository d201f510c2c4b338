// What deploy says about a Metabase version change run in steps (src/deploy/upgrade.ts): the plan before
// the first change set, a header before each later one, and where a run that stopped early left the stack.
import type { UpgradePlan, UpgradeRecord, UpgradeStepKind } from '../deploy/upgrade.js';
import type { Style } from './style.js';

const counts = (values: Record<string, string>): string =>
  Object.entries(values)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');

function stepLine(kind: UpgradeStepKind, plan: UpgradePlan): string {
  const one = plan.counts.MinTasks === undefined ? 'DesiredCount 1' : 'DesiredCount, MinTasks, MaxTasks 1';
  switch (kind) {
    case 'pin-old':
      return `${plan.from} on one task (${one}), so that autoscaling cannot start more tasks during the migration`;
    case 'upgrade':
      return `${plan.to} on that one task: ECS stops the old task, then starts one new task, which migrates the database alone; then wait until Metabase answers healthy`;
    case 'restore':
      return `back to ${counts(plan.counts)}: the other tasks start on the migrated database, rolling without downtime`;
  }
}

export function renderUpgradePlan(plan: UpgradePlan, style: Style): string {
  const lines = plan.steps.map((step, i) => `  ${i + 1}. ${stepLine(step.kind, plan)}`);
  return (
    `${style.bold(`Metabase ${plan.from} → ${plan.to} with more than one task`)}: the new version migrates the database on its first start, so exactly one new task must run first. This deploy is ${plan.steps.length} CloudFormation updates:\n` +
    `${lines.join('\n')}\n` +
    `The change set below is step 1; you confirm it, and each later step follows once the one before is healthy.\n`
  );
}

export function renderUpgradeStep(index: number, plan: UpgradePlan): string {
  const kind = plan.steps[index]?.kind;
  return kind ? `Step ${index + 1} of ${plan.steps.length}: ${stepLine(kind, plan)}.\n` : '';
}

/** The lines after a run that ended before its last step, or nothing. */
export function renderUpgradeStop(stackName: string, record: UpgradeRecord): string {
  if (record.stoppedBy === undefined || record.completed === record.steps.length) return '';
  const done = record.steps.slice(0, record.completed);
  const where = done.includes('upgrade')
    ? `Metabase ${record.to} runs on one task`
    : done.includes('pin-old')
      ? `Metabase ${record.from} runs on one task`
      : `nothing of the upgrade is in place yet`;
  const why = {
    failed: 'a step failed',
    unhealthy: 'Metabase did not answer healthy',
    interrupted: 'it was interrupted',
    cancelled: 'it was cancelled',
  }[record.stoppedBy];
  return `deploy ${stackName}: the Metabase upgrade stopped at step ${record.completed + 1} of ${record.steps.length} (${why}): ${where}.\nRun deploy again with the same params file once the cause is fixed: it goes on from there and restores the task counts.\n`;
}
