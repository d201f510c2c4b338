// What destroy shows before it asks (what goes, what stays) and after (deleted, kept, left behind).
import type { DestroyPlan, DestroyResult } from '../deploy/destroy.js';
import type { Style } from './style.js';
import { shellWord } from './report.js';

/** The deploy line that brings the destroyed stack back from its final snapshot. */
export function restoreCommandLine(
  stackName: string,
  snapshotId: string,
  target: {
    env?: string | undefined;
    region?: string | undefined;
    profile?: string | undefined;
    endpointUrl?: string | undefined;
  },
): string {
  const env = target.env ?? 'dev';
  const flags: [string, string | undefined][] = [
    ['--env', env],
    // deploy names the stack metabase-<env> unless told otherwise.
    ['--stack-name', stackName === `metabase-${env}` ? undefined : stackName],
    ['--region', target.region],
    ['--profile', target.profile],
    ['--endpoint-url', target.endpointUrl],
    ['--restore-from', snapshotId],
  ];
  return [
    'metabase-aws deploy',
    ...flags
      .filter(([, value]) => value !== undefined)
      .map(([flag, value]) => `${flag} ${shellWord(value ?? '')}`),
  ].join(' ');
}

export function renderPlan(
  plan: DestroyPlan,
  options: { disableProtection: boolean; keepArtifacts: boolean },
  style: Style,
): string {
  const total = plan.tiers.reduce((n, t) => n + t.resources, 0);
  const lines = [
    style.bold(
      `Will delete ${plan.stack.stackName} (${plan.stack.status}): ${plan.tiers.length} stacks, ${total} resources`,
    ),
  ];
  for (const tier of plan.tiers) lines.push(`  - ${tier.label.padEnd(24)} ${tier.resources} resources`);
  lines.push(style.bold('Will keep:'));
  for (const k of plan.kept) {
    lines.push(
      k.policy === 'Snapshot'
        ? `  * a final snapshot of ${k.path} (${k.physicalId || k.resourceType}), taken by CloudFormation as it deletes it`
        : `  * ${k.path} (${k.resourceType} ${k.physicalId}): DeletionPolicy ${k.policy}`,
    );
  }
  if (!plan.bucket.exists) lines.push(`  (no artifacts bucket ${plan.bucket.name})`);
  else if (options.keepArtifacts) lines.push(`  * s3://${plan.bucket.name} (--keep-artifacts)`);
  else if (!plan.bucket.createdByTool) lines.push(`  * s3://${plan.bucket.name} (not created by this tool)`);
  else
    lines.push(
      `  and then empty and delete the artifacts bucket s3://${plan.bucket.name}, unless another stack of this tool still uses it`,
    );
  if (plan.kept.length === 0) lines.push('  nothing else');
  if (options.disableProtection) {
    const what = [
      plan.stack.terminationProtection ? 'termination protection' : '',
      plan.database?.deletionProtection ? `deletion protection on ${plan.database.instanceId}` : '',
    ].filter(Boolean);
    lines.push(
      style.yellow(
        `--disable-protection: turns off ${what.length ? what.join(' and ') : 'any protection (none is on)'} first.`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function renderSummary(
  stackName: string,
  result: DestroyResult,
  style: Style,
  target: Parameters<typeof restoreCommandLine>[2] = {},
): string {
  const lines: string[] = [];
  lines.push(
    result.outcome === 'deleted'
      ? style.green(`destroy ${stackName}: deleted (${result.status})`)
      : style.red(`destroy ${stackName}: not finished (${result.status})`),
  );
  if (result.snapshotId)
    lines.push(
      `  kept: DB final snapshot ${style.bold(result.snapshotId)}; bring this Metabase back with:\n    ${restoreCommandLine(stackName, result.snapshotId, target)}`,
    );
  else if (result.outcome === 'deleted' && result.kept.some((k) => k.policy === 'Snapshot'))
    lines.push(
      style.yellow(
        '  no final snapshot of the DB found from this destroy (it may not be listed yet): check RDS > Snapshots before relying on one',
      ),
    );
  for (const k of result.kept.filter((k) => k.policy !== 'Snapshot'))
    lines.push(`  kept: ${k.path} ${k.physicalId} (DeletionPolicy ${k.policy})`);
  if (result.bucket.deleted)
    lines.push(`  deleted: s3://${result.bucket.name} (${result.bucket.objectsRemoved} objects)`);
  else
    lines.push(
      `  kept: s3://${result.bucket.name}${result.bucket.keptBecause ? ` (${result.bucket.keptBecause})` : ''}`,
    );
  for (const l of result.leftBehind)
    lines.push(style.yellow(`  left behind: ${l.path} ${l.resourceType} ${l.physicalId} (${l.reason})`));
  for (const f of result.failures)
    lines.push(style.red(`  failed: ${f.path} ${f.resourceType} ${f.physicalId}: ${f.reason}`));
  return `${lines.join('\n')}\n`;
}
