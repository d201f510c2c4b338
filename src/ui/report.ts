// Text for the end of a deploy or a watch: the outputs (Metabase URL first), the root cause of a failure,
// how to follow an operation that goes on after Ctrl-C, and what to look at when Metabase does not come up.
import type { AwsTarget } from '../aws/clients.js';
import { wayOut } from '../deploy/deploy.js';
import type { RootCause } from '../deploy/root-cause.js';
import type { Style } from './style.js';

export function renderOutputs(outputs: Record<string, string>, style: Style): string {
  const keys = Object.keys(outputs).sort((a, b) => (a === 'MetabaseUrl' ? -1 : b === 'MetabaseUrl' ? 1 : 0));
  if (keys.length === 0) return '';
  const width = Math.max(...keys.map((k) => k.length));
  return `${keys.map((k) => `  ${k.padEnd(width)}  ${k === 'MetabaseUrl' ? style.bold(style.cyan(outputs[k] ?? '')) : outputs[k]}`).join('\n')}\n`;
}

export function renderRootCause(cause: RootCause | undefined, style: Style): string {
  if (!cause) return '  CloudFormation gave no failure reason; look at the stack events in the console.\n';
  return `  root cause: ${style.bold(cause.path)} (${cause.resourceType}) ${style.red(cause.status)}\n    ${cause.reason}\n`;
}

/**
 * A failed operation: its status, the root cause, and the way on (a stuck rollback needs a hand, a
 * completed one undid the change). `operation` names what changed things: "this deploy", "the operation".
 */
export function renderFailure(
  verb: string,
  stackName: string,
  status: string,
  rootCause: RootCause | undefined,
  style: Style,
  options: { elapsed?: string | undefined; operation: string },
): string {
  const after = options.elapsed === undefined ? '' : ` after ${options.elapsed}`;
  const head = `${verb} ${stackName}: failed (${status})${after}\n${renderRootCause(rootCause, style)}`;
  const stuck = wayOut(stackName, status);
  if (stuck) return `${head}The rollback did not complete, so the stack is stuck in ${status}. ${stuck}\n`;
  if (status.endsWith('ROLLBACK_COMPLETE'))
    return `${head}Fix the cause above and run deploy again; CloudFormation has rolled back what ${options.operation} changed.\n`;
  return `${head}Fix the cause above and run deploy again; look at the stack in the CloudFormation console for what was left as it was.\n`;
}

export const shellWord = (value: string): string =>
  /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;

/** The command that resumes following a stack, with the region, profile and endpoint the user gave (none added). */
export function watchCommandLine(stackName: string, target: AwsTarget): string {
  const flags: [string, string | undefined][] = [
    ['--stack-name', stackName],
    ['--region', target.region],
    ['--profile', target.profile],
    ['--endpoint-url', target.endpointUrl],
  ];
  return [
    'metabase-aws watch',
    ...flags
      .filter(([, value]) => value !== undefined)
      .map(([flag, value]) => `${flag} ${shellWord(value ?? '')}`),
  ].join(' ');
}

/** After Ctrl-C or a lost connection: the operation goes on in AWS, and this is how to follow it again. */
export function renderStillRunning(
  what: string,
  status: string | undefined,
  stackName: string,
  target: AwsTarget,
): string {
  return `${what} continues in AWS (last status ${status ?? 'unknown'}). Follow it again with: ${watchCommandLine(stackName, target)}\n`;
}

export function healthTimeoutHint(
  stackName: string,
  outputs: Record<string, string>,
  region: string,
): string {
  const logs = outputs.LogGroupName ?? '<LogGroupName>';
  const target = `--stack-name ${shellWord(stackName)} --region ${shellWord(region)}`;
  return [
    `The stack ${stackName} is deployed; Metabase itself is not answering yet. Look at:`,
    `  the ECS service, its tasks and events: metabase-aws status ${target}`,
    `  the container logs (${logs}): metabase-aws logs ${target} --since 30m`,
    'A first boot runs database migrations and can take 5-10 minutes on a small task; a task that keeps restarting points at memory (TaskMemory) or the database connection.',
  ].join('\n');
}
