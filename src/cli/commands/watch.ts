// `watch`: follows a stack operation again after deploy or destroy stopped watching it (Ctrl-C, a lost
// connection), with deploy's progress views and end-of-operation report. Reads no params file: only the
// stack name matters (--stack-name, or metabase-<env>). Changes nothing in AWS.
import type { AwsTarget } from '../../aws/clients.js';
import { explainAwsError, MISSING_STACK_HINT } from '../../aws/errors.js';
import type { AwsSession } from '../../aws/session.js';
import { systemClock, type Clock } from '../../deploy/clock.js';
import { OperationError } from '../../deploy/errors.js';
import { followStack, type FollowResult } from '../../deploy/follow.js';
import { stackNameProblem } from '../../params/validate.js';
import { renderFailure, renderOutputs, renderStillRunning } from '../../ui/report.js';
import { formatDuration, makeStyle, type Style } from '../../ui/style.js';
import { describeError, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, UserError } from '../errors.js';
import type { CliIo } from '../io.js';
import { progressPrinter } from '../terminal.js';
import { withInterrupt } from '../prompt.js';

export interface WatchCommandOptions extends AwsTarget {
  stackName: string;
  json: boolean;
}

/** What tests replace: AWS, time and Ctrl-C. */
export interface WatchCommandDeps {
  session?: AwsSession;
  clock?: Clock;
  signal?: AbortSignal;
}

/** Errors before or around the watch, in the `watch <stack>: <cause>` form with what to do. */
function explain(error: unknown, stackName: string): never {
  if (error instanceof OperationError) throw new UserError(error.message, error.hint);
  const explained = explainAwsError(error);
  if (explained) throw new UserError(`watch ${stackName}: ${explained.cause}`, explained.hint);
  throw error;
}

export async function watchCommand(
  options: WatchCommandOptions,
  io: CliIo,
  deps: WatchCommandDeps = {},
): Promise<number> {
  const name = options.stackName;
  const problem = stackNameProblem(name);
  if (problem)
    throw new UserError(
      `watch --stack-name: ${problem}`,
      'Pass the name of the deployed root stack, e.g. metabase-dev.',
    );
  const session =
    deps.session ??
    (await import('../../aws/session.js')).openSession({
      region: options.region,
      profile: options.profile,
      endpointUrl: options.endpointUrl,
    });
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const style = makeStyle(io.isTty && !options.json, io.env);
  const info = options.json ? io.stderr : io.stdout;
  const printer = progressPrinter(io, info, style, clock.now, options.json);
  // The operation's own start: CloudFormation's LastUpdatedTime (or CreationTime) of the stack. A deletion
  // leaves LastUpdatedTime at the last update (its start is DeletionTime, which StackInfo does not carry),
  // so for one the time watched is all that is known.
  let operationStarted: number | undefined;

  const run = (signal: AbortSignal): Promise<FollowResult | undefined> =>
    followStack(
      { cf: session.cloudFormation, clock },
      { stackName: name, signal },
      {
        onFollow: (stack) => {
          if (!stack.status.startsWith('DELETE_')) operationStarted = stack.lastChanged?.getTime();
          info(
            `watch ${name}: ${stack.status}; following it and its nested stacks (Ctrl-C stops watching, not the operation).\n`,
          );
        },
        onEvent: printer.onEvent,
        onRound: printer.onRound,
        onWatchEnd: () => printer.finish(),
      },
    );
  let region: string;
  let result: FollowResult | undefined;
  try {
    region = await session.region();
    result = deps.signal ? await run(deps.signal) : await withInterrupt(run);
  } catch (error) {
    explain(error, name);
  } finally {
    printer.finish();
  }
  if (!result) {
    const where = options.region ? ` in ${options.region}` : '';
    throw new UserError(`watch ${name}: stack does not exist${where}`, MISSING_STACK_HINT);
  }

  const known = operationStarted !== undefined && operationStarted <= clock.now();
  const duration = formatDuration(
    clock.now() - (known && operationStarted !== undefined ? operationStarted : started),
  );
  const elapsed = known
    ? {
        headline: `${duration} after the operation started`,
        failure: `${duration} (since the operation started)`,
      }
    : { headline: `after ${duration} of watching`, failure: `${duration} of watching` };
  const exitCode = report(result, options, io, style, elapsed);
  if (options.json) {
    const { watchError, ...rest } = result;
    const lost = watchError === undefined ? {} : { watchError: describeError(watchError) };
    const document = {
      command: 'watch',
      region,
      ...rest,
      rootCause: rest.rootCause ?? null,
      ...lost,
      apiCalls: session.calls.summary(),
      elapsedMs: clock.now() - started,
      exitCode,
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  }
  return exitCode;
}

function report(
  result: FollowResult,
  options: WatchCommandOptions,
  io: CliIo,
  style: Style,
  elapsed: { headline: string; failure: string },
): number {
  const info = options.json ? io.stderr : io.stdout;
  const name = result.stackName;
  switch (result.outcome) {
    case 'awaiting-review':
      // Not a failure: nothing is running, so there is nothing to watch.
      info(
        `watch ${name}: REVIEW_IN_PROGRESS: a change set was created but never executed; no operation is running.\n`,
      );
      info(
        'Run deploy again: it previews the change and creates the stack (the empty stack is deleted first).\n',
      );
      return EXIT_OK;
    case 'interrupted': {
      const follow = renderStillRunning('The operation', result.status, name, options);
      if (result.watchError !== undefined) {
        io.stderr(
          `watch ${name}: lost track of the stack operation: ${describeError(result.watchError)}\n${follow}`,
        );
        return EXIT_ERROR;
      }
      io.stderr(`watch ${name}: stopped watching. ${follow}`);
      return EXIT_INTERRUPTED;
    }
    case 'failed': {
      const ended = result.followed
        ? { elapsed: elapsed.failure, operation: 'the operation' }
        : { operation: 'the last operation' };
      io.stderr(renderFailure('watch', name, result.status, result.rootCause, style, ended));
      return EXIT_ERROR;
    }
    case 'succeeded': {
      const headline = result.followed
        ? `watch ${name}: ${result.status} ${elapsed.headline}`
        : `watch ${name}: ${result.status}; no operation is running.`;
      info(`${style.green(headline)}\n${renderOutputs(result.outputs, style)}`);
      // watch only follows a deletion; the artifacts bucket is destroy's last step.
      if (result.status === 'DELETE_COMPLETE')
        info(
          'The stack is gone. If destroy started this deletion, run it again to remove the artifacts bucket (its last step).\n',
        );
      return EXIT_OK;
    }
  }
}
