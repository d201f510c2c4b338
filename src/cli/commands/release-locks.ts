// `release-locks`: releases a stuck Metabase migration lock with a one-off ECS task (src/deploy/
// release-locks.ts) and reports the task's exit code. Reads no params file: only the stack matters.
import type { AwsTarget } from '../../aws/clients.js';
import { explainAwsError } from '../../aws/errors.js';
import type { AwsSession } from '../../aws/session.js';
import { systemClock, type Clock } from '../../deploy/clock.js';
import { OperationError } from '../../deploy/errors.js';
import { releaseLocks, type ReleaseLocksResult } from '../../deploy/release-locks.js';
import { stackNameProblem } from '../../params/validate.js';
import { makeStyle } from '../../ui/style.js';
import { EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, UserError } from '../errors.js';
import type { CliIo } from '../io.js';
import { interruptiblePrompt, terminalPrompt, withInterrupt, type Prompt } from '../prompt.js';

export interface ReleaseLocksOptions extends AwsTarget {
  stackName: string;
  force: boolean;
  json: boolean;
}

/** What tests replace: AWS, time, the prompt and Ctrl-C. */
export interface ReleaseLocksCommandDeps {
  session?: AwsSession;
  clock?: Clock;
  prompt?: Prompt;
  signal?: AbortSignal;
  pollIntervalMs?: number;
}

export async function releaseLocksCommand(
  options: ReleaseLocksOptions,
  io: CliIo,
  deps: ReleaseLocksCommandDeps = {},
): Promise<number> {
  const name = options.stackName;
  const problem = stackNameProblem(name);
  if (problem)
    throw new UserError(
      `release-locks --stack-name: ${problem}`,
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
  const style = makeStyle(io.isTty && !options.json, io.env);
  const info = options.json ? io.stderr : io.stdout;
  const questions = interruptiblePrompt(deps.prompt ?? terminalPrompt, io.stderr);
  const confirmWhileRunning =
    io.isTty && !options.json
      ? async (running: number): Promise<boolean> => {
          const answer = await questions.ask(
            style.red(
              `The service has ${running} task${running === 1 ? '' : 's'} running. Release the lock anyway only if none of them is migrating (their logs say "Database has migration lock"). Type the stack name (${name}) to go ahead: `,
            ),
          );
          return answer === name;
        }
      : undefined;

  const run = (signal: AbortSignal): Promise<ReleaseLocksResult> =>
    releaseLocks(
      { cf: session.cloudFormation, ecs: session.ecs, clock },
      {
        stackName: name,
        force: options.force,
        confirmWhileRunning,
        signal,
        pollIntervalMs: deps.pollIntervalMs,
        onTaskStarted: ({ taskArn, logStream }) =>
          info(
            `Started ${taskArn} (java -jar /app/metabase.jar migrate release-locks); logs: ${logStream}\n`,
          ),
        onTaskStatus: (status) => info(`  task ${status}\n`),
      },
    );
  let result: ReleaseLocksResult;
  try {
    result = deps.signal ? await run(deps.signal) : await withInterrupt(run);
  } catch (error) {
    if (error instanceof OperationError) throw new UserError(error.message, error.hint);
    const explained = explainAwsError(error);
    if (explained) throw new UserError(`release-locks ${name}: ${explained.cause}`, explained.hint);
    throw error;
  }
  if (result.outcome === 'cancelled' && questions.interrupted) {
    io.stderr(`release-locks ${name}: interrupted at the prompt; no task was started.\n`);
    return EXIT_INTERRUPTED;
  }
  const exitCode = report(result, name, io, info, style);
  if (options.json) {
    io.stdout(
      `${JSON.stringify({ command: 'release-locks', stackName: name, ...result, apiCalls: session.calls.summary(), exitCode }, null, 2)}\n`,
    );
  }
  return exitCode;
}

function report(
  result: ReleaseLocksResult,
  name: string,
  io: CliIo,
  info: (text: string) => void,
  style: ReturnType<typeof makeStyle>,
): number {
  const logs =
    result.logGroup && result.logStream ? ` (log group ${result.logGroup}, stream ${result.logStream})` : '';
  switch (result.outcome) {
    case 'released':
      info(
        `${style.green(`release-locks ${name}: the migration lock is released (exit code 0)`)}\nThe service's next task can migrate; it starts on its own while ECS retries, or deploy again.\n`,
      );
      return EXIT_OK;
    case 'failed':
      io.stderr(
        `release-locks ${name}: the task ended with exit code ${result.exitCode === undefined ? 'unknown' : String(result.exitCode)}${result.stoppedReason ? ` (${result.stoppedReason})` : ''}\nRead its output${logs}, fix what it names, and run release-locks again.\n`,
      );
      return EXIT_ERROR;
    case 'cancelled':
      io.stderr(`release-locks ${name}: cancelled; no task was started.\n`);
      return EXIT_ERROR;
    case 'interrupted':
      io.stderr(
        `release-locks ${name}: stopped waiting; the task ${result.taskArn ?? ''} goes on in ECS${logs}.\nIts exit code is in \`aws ecs describe-tasks --cluster ${result.cluster} --tasks ${result.taskArn ?? ''}\`.\n`,
      );
      return EXIT_INTERRUPTED;
  }
}
