// Text for the end of a deploy: the outputs (Metabase URL first), the root cause of a failure, and what
// to look at when Metabase does not come up.
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

export function healthTimeoutHint(stackName: string, outputs: Record<string, string>, region: string): string {
  const cluster = outputs.ClusterName ?? '<ClusterName>';
  const service = outputs.ServiceName ?? '<ServiceName>';
  const logs = outputs.LogGroupName ?? '<LogGroupName>';
  return [
    `The stack ${stackName} is deployed; Metabase itself is not answering yet. Look at:`,
    `  the ECS service events: aws ecs describe-services --region ${region} --cluster ${cluster} --services ${service} --query 'services[0].events[:5]'`,
    `  the container logs:     aws logs tail ${logs} --region ${region} --since 30m`,
    'A first boot runs database migrations and can take 5-10 minutes on a small task; a task that keeps restarting points at memory (TaskMemory) or the database connection.',
  ].join('\n');
}
