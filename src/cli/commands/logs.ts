// `logs`: the Metabase container logs of a deployed stack, from its log group (root output, or the app
// stack's LogGroup while the stack is still being created). Read-only.
import type { AwsTarget } from '../../aws/clients.js';
import { explainAwsError, MISSING_STACK_HINT } from '../../aws/errors.js';
import type { OpsApis } from '../../aws/ops-session.js';
import type { AwsSession } from '../../aws/session.js';
import { systemClock, type Clock } from '../../deploy/clock.js';
import { parseSince, readLogs, type LogsResult } from '../../ops/logs.js';
import { resolveTargets } from '../../ops/targets.js';
import { stackNameProblem } from '../../params/validate.js';
import { renderLogJson, renderLogLine } from '../../ui/logs-view.js';
import { makeStyle } from '../../ui/style.js';
import { formatLocalTime } from '../../ui/time.js';
import { EXIT_INTERRUPTED, EXIT_OK, UserError } from '../errors.js';
import type { CliIo } from '../io.js';
import { interruptibly } from '../prompt.js';

export interface LogsCommandOptions extends AwsTarget {
  stackName: string;
  /** `30m`, `2h`, `1d` or an ISO time */
  since: string;
  follow: boolean;
  filter?: string | undefined;
  json: boolean;
}

/** What tests replace: AWS, time, Ctrl-C and the time zone lines are shown in. */
export interface LogsCommandDeps {
  session?: AwsSession;
  ops?: OpsApis;
  clock?: Clock;
  signal?: AbortSignal;
  timeZone?: string;
}

export async function logsCommand(
  options: LogsCommandOptions,
  io: CliIo,
  deps: LogsCommandDeps = {},
): Promise<number> {
  const name = options.stackName;
  const problem = stackNameProblem(name);
  if (problem)
    throw new UserError(
      `logs --stack-name: ${problem}`,
      'Pass the name of the deployed root stack, e.g. metabase-dev.',
    );
  const clock = deps.clock ?? systemClock;
  const startTime = parseSince(options.since, clock.now());
  if (startTime === undefined)
    throw new UserError(
      `logs --since: "${options.since}" is neither a duration nor an ISO time`,
      'Pass e.g. --since 30m, --since 2h, --since 1d or --since 2026-12-01T09:00:00Z.',
    );
  const target = { region: options.region, profile: options.profile, endpointUrl: options.endpointUrl };
  const session = deps.session ?? (await import('../../aws/session.js')).openSession(target);
  const ops =
    deps.ops ??
    (await import('../../aws/ops-session.js')).openOpsApis(target, session.calls, session.interrupt);
  const style = makeStyle(io.isTty && !options.json, io.env);
  const time = (ms: number): string => formatLocalTime(ms, deps.timeZone);
  const fail = (cause: string, hint: string): never => {
    throw new UserError(`logs ${name}: ${cause}`, hint);
  };
  const explained = (error: unknown): never => {
    const e = explainAwsError(error);
    if (e) fail(e.cause, e.hint);
    throw error;
  };

  const stack = await session.cloudFormation.describeStack(name).catch(explained);
  if (!stack)
    return fail(`stack does not exist${options.region ? ` in ${options.region}` : ''}`, MISSING_STACK_HINT);
  const status = stack.status;
  const { logGroupName } = await resolveTargets(session.cloudFormation, stack, ['logGroupName']).catch(
    explained,
  );
  if (logGroupName === undefined) {
    io.stderr(
      `logs ${name}: no log group yet (the stack is ${status} and has not created its app stack's log group)\n`,
    );
    return EXIT_OK;
  }

  const matching = options.filter ? ` matching ${JSON.stringify(options.filter)}` : '';
  if (options.follow)
    io.stderr(`logs ${name}: following ${logGroupName} from ${time(startTime)}${matching} (Ctrl-C stops)\n`);
  let lastEvent: number | undefined;
  const print = (event: Parameters<typeof renderLogLine>[0]): void => {
    lastEvent = event.timestamp;
    io.stdout(options.json ? renderLogJson(event) : renderLogLine(event, style, deps.timeZone));
  };
  const run = (signal: AbortSignal): Promise<LogsResult> =>
    readLogs(
      { logs: ops.logs, clock },
      { logGroupName, startTime, filterPattern: options.filter, follow: options.follow, signal },
      print,
    );
  let result: LogsResult;
  try {
    result = await interruptibly(run, deps.signal, session);
  } catch (error) {
    const e = explainAwsError(error);
    if (!e || lastEvent === undefined) return explained(error);
    // Some events are on screen already: say where to pick up.
    return fail(
      `lost the log stream: ${e.cause}`,
      `${e.hint} To go on where it stopped: --since ${new Date(lastEvent).toISOString()}`,
    );
  }

  if (!result.found) {
    io.stderr(
      `logs ${name}: no log group yet: ${logGroupName} does not exist (the stack is ${status}; Metabase has not started)\n`,
    );
    return EXIT_OK;
  }
  if (result.interrupted) {
    io.stderr(
      `logs ${name}: stopped (${String(result.events)} event${result.events === 1 ? '' : 's'} shown).\n`,
    );
    return EXIT_INTERRUPTED;
  }
  if (result.events === 0)
    io.stderr(
      `logs ${name}: no events in ${logGroupName} between ${time(startTime)} and ${time(result.endTime)}${matching}\n`,
    );
  return EXIT_OK;
}
