// `status`: the deployed Metabase at a glance, in one screen or one JSON document. Exit 0 only when
// healthy, so CI can use it as a check. Read-only.
import type { AwsTarget } from '../../aws/clients.js';
import { explainAwsError, MISSING_STACK_HINT } from '../../aws/errors.js';
import type { OpsApis } from '../../aws/ops-session.js';
import type { AwsSession } from '../../aws/session.js';
import { systemClock, type Clock } from '../../deploy/clock.js';
import type { FetchLike } from '../../deploy/health.js';
import { gatherStatus } from '../../ops/status.js';
import { stackNameProblem } from '../../params/validate.js';
import { renderStatus } from '../../ui/status-view.js';
import { makeStyle } from '../../ui/style.js';
import { EXIT_ERROR, EXIT_OK, UserError } from '../errors.js';
import type { CliIo } from '../io.js';

export interface StatusCommandOptions extends AwsTarget {
  stackName: string;
  json: boolean;
}

/** What tests replace: AWS, the HTTP probe, time and the time zone. */
export interface StatusCommandDeps {
  session?: AwsSession;
  ops?: OpsApis;
  fetch?: FetchLike;
  clock?: Clock;
  timeZone?: string;
}

export async function statusCommand(
  options: StatusCommandOptions,
  io: CliIo,
  deps: StatusCommandDeps = {},
): Promise<number> {
  const name = options.stackName;
  const problem = stackNameProblem(name);
  if (problem)
    throw new UserError(
      `status --stack-name: ${problem}`,
      'Pass the name of the deployed root stack, e.g. metabase-dev.',
    );
  const target = { region: options.region, profile: options.profile, endpointUrl: options.endpointUrl };
  const session = deps.session ?? (await import('../../aws/session.js')).openSession(target);
  const ops = deps.ops ?? (await import('../../aws/ops-session.js')).openOpsApis(target, session.calls);
  const clock = deps.clock ?? systemClock;
  const explained = (error: unknown): never => {
    const e = explainAwsError(error);
    if (e) throw new UserError(`status ${name}: ${e.cause}`, e.hint);
    throw error;
  };

  const [stack, region] = await Promise.all([
    session.cloudFormation.describeStack(name),
    session.region(),
  ]).catch(explained);
  if (!stack)
    throw new UserError(
      `status ${name}: stack does not exist${options.region ? ` in ${options.region}` : ''}`,
      MISSING_STACK_HINT,
    );
  const report = await gatherStatus(
    {
      cf: session.cloudFormation,
      ecs: ops.ecs,
      cloudWatch: ops.cloudWatch,
      rds: ops.rds,
      fetch: deps.fetch ?? fetch,
      clock,
    },
    stack,
  );
  const exitCode = report.verdict === 'healthy' ? EXIT_OK : EXIT_ERROR;
  if (options.json) {
    const document = { command: 'status', region, ...report, apiCalls: session.calls.summary(), exitCode };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    const style = makeStyle(io.isTty, io.env);
    io.stdout(renderStatus(report, style, { region, now: clock.now(), timeZone: deps.timeZone }));
  }
  return exitCode;
}
