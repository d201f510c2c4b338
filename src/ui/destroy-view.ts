// What destroy shows before it asks (what goes, what stays) and after (deleted, kept, left behind).
import type { DestroyPlan, DestroyResult } from '../deploy/destroy.js';
import type { Style } from './style.js';
import type { KeptCost } from '../cost/kept.js';
import { money } from '../cost/format.js';
import { shellWord } from './report.js';

/** "1 stack", "3 stacks" */
export function countOf(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`;
}

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
  // Destroyed with --stack-name only: deploy's own default names metabase-<env> after params/<env>.json.
  const env = target.env ?? /^metabase-([\w-]+)$/.exec(stackName)?.[1] ?? 'dev';
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
  keptCost?: KeptCost,
): string {
  const total = plan.tiers.reduce((n, t) => n + t.resources, 0);
  const lines = [
    style.bold(
      `Will delete ${plan.stack.stackName} (${plan.stack.status}): ${countOf(plan.tiers.length, 'stack')}, ${countOf(total, 'resource')}`,
    ),
  ];
  for (const tier of plan.tiers)
    lines.push(`  - ${tier.label.padEnd(24)} ${countOf(tier.resources, 'resource')}`);
  const bucketKept = !plan.bucket.exists
    ? undefined
    : options.keepArtifacts
      ? `  * s3://${plan.bucket.name} (--keep-artifacts)`
      : !plan.bucket.createdByTool
        ? `  * s3://${plan.bucket.name} (not created by this tool)`
        : undefined;
  // What goes is listed under "Will delete" only: the keep list must hold nothing that will be gone.
  if (plan.bucket.exists && bucketKept === undefined)
    lines.push(
      `  - then empty and delete the artifacts bucket s3://${plan.bucket.name}, unless another stack of this tool still uses it`,
    );
  lines.push(style.bold('Will keep:'));
  for (const k of plan.kept) {
    lines.push(
      k.policy === 'Snapshot'
        ? `  * a final snapshot of ${k.path} (${k.physicalId || k.resourceType}), taken by CloudFormation as it deletes it`
        : `  * ${k.path} (${k.resourceType} ${k.physicalId}): DeletionPolicy ${k.policy}`,
    );
  }
  if (bucketKept !== undefined) lines.push(bucketKept);
  const earlier = plan.earlierSnapshots;
  if (earlier.length > 0) {
    const preUpgrade = earlier.filter((snapshot) => snapshot.origin === 'pre-upgrade').length;
    const kinds = [
      preUpgrade > 0 ? `${String(preUpgrade)} pre-upgrade` : '',
      earlier.length > preUpgrade ? `${String(earlier.length - preUpgrade)} final or manual` : '',
    ].filter((kind) => kind !== '');
    lines.push(
      `  * ${countOf(earlier.length, 'earlier snapshot')} of this stack (${kinds.join(', ')}): not part of the stack, so destroy leaves them; \`metabase-aws snapshots --stack-name ${plan.stack.stackName}\` lists them${preUpgrade > 0 ? ', `--prune --keep 0` deletes the pre-upgrade ones' : ''}`,
    );
  }
  const validation = plan.dnsValidationRecord;
  if (validation !== undefined)
    lines.push(
      `  * the DNS validation record (CNAME) of the certificate for ${validation.domainName} in hosted zone ${validation.hostedZoneId}: CloudFormation does not delete it; it costs nothing, and a new certificate for that name uses it again`,
    );
  if (plan.kept.length === 0 && bucketKept === undefined && earlier.length === 0 && validation === undefined)
    lines.push('  nothing');
  if (!plan.bucket.exists) lines.push(`  (there is no artifacts bucket ${plan.bucket.name} to delete)`);
  if (keptCost && (keptCost.priced.length > 0 || keptCost.unpriced.length > 0)) {
    const rest =
      keptCost.unpriced.length > 0 ? `, plus S3 storage for what ${keptCost.unpriced.join(', ')} hold` : '';
    lines.push(
      `  What is kept costs about ${money(keptCost.monthly)}/month${keptCost.priced.length > 0 ? `: ${keptCost.priced.join(' + ')}` : ''}${rest}.`,
    );
  }
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
  // After a failed or unfinished delete nothing is "kept" yet: the stack and all it holds still exist.
  const done = result.outcome === 'deleted';
  if (result.snapshotId)
    lines.push(
      done
        ? `  kept: DB final snapshot ${style.bold(result.snapshotId)}; bring this Metabase back with:\n    ${restoreCommandLine(stackName, result.snapshotId, target)}`
        : `  taken: DB final snapshot ${style.bold(result.snapshotId)}`,
    );
  else if (result.outcome === 'deleted' && result.kept.some((k) => k.policy === 'Snapshot'))
    lines.push(
      style.yellow(
        '  no final snapshot of the DB found from this destroy (it may not be listed yet): check RDS > Snapshots before relying on one',
      ),
    );
  if (done)
    for (const k of result.kept.filter((k) => k.policy !== 'Snapshot'))
      lines.push(`  kept: ${k.path} ${k.physicalId} (DeletionPolicy ${k.policy})`);
  if (result.bucket.deleted)
    lines.push(`  deleted: s3://${result.bucket.name} (${countOf(result.bucket.objectsRemoved, 'object')})`);
  else
    lines.push(
      `  ${done ? 'kept' : 'not deleted'}: s3://${result.bucket.name}${result.bucket.keptBecause ? ` (${result.bucket.keptBecause})` : ''}`,
    );
  for (const l of result.leftBehind)
    lines.push(style.yellow(`  left behind: ${l.path} ${l.resourceType} ${l.physicalId} (${l.reason})`));
  for (const f of result.failures)
    lines.push(style.red(`  failed: ${f.path} ${f.resourceType} ${f.physicalId}: ${f.reason}`));
  return `${lines.join('\n')}\n`;
}
