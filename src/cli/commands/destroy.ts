// `destroy`: shows what goes and what stays, asks for the stack name to be typed (or --yes), deletes and
// follows the stack, handles DELETE_FAILED, removes the artifacts bucket, and prints what is left.
import type { AwsSession } from '../../aws/session.js';
import { systemClock, type Clock } from '../../deploy/clock.js';
import {
  cleanUpAfterGone,
  executeDestroy,
  planDestroy,
  refuseIfProtected,
  type DestroyResult,
  type FailureDecision,
  type LeftBehind,
} from '../../deploy/destroy.js';
import { OperationError } from '../../deploy/errors.js';
import { countOf, renderPlan, renderSummary } from '../../ui/destroy-view.js';
import { keptMonthlyCost } from '../../cost/kept.js';
import { renderStillRunning } from '../../ui/report.js';
import { makeStyle } from '../../ui/style.js';
import { asUserError, describeError, EXIT_ERROR, EXIT_INTERRUPTED, UserError } from '../errors.js';
import type { CliIo } from '../io.js';
import { progressPrinter } from '../terminal.js';
import { defaultStackName } from '../flags.js';
import { isManagedStack } from '../../deploy/ownership.js';
import { closestName } from '../../params/suggest.js';
import { stackNameProblem } from '../../params/validate.js';
import { interruptiblePrompt, terminalPrompt, interruptibly, type Prompt } from '../prompt.js';

export interface DestroyOptions {
  env?: string | undefined;
  stackName?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  bucket?: string | undefined;
  yes: boolean;
  disableProtection: boolean;
  retainFailed: boolean;
  keepArtifacts: boolean;
  /** the ownership override: delete a stack without this tool's managed-by tag */
  allowUnmanaged?: boolean | undefined;
  json: boolean;
}

export interface DestroyCommandDeps {
  session?: AwsSession;
  clock?: Clock;
  prompt?: Prompt;
  signal?: AbortSignal;
}

export async function destroyCommand(
  options: DestroyOptions,
  io: CliIo,
  deps: DestroyCommandDeps = {},
): Promise<number> {
  const stackName = defaultStackName(options);
  const problem = stackNameProblem(stackName);
  if (problem)
    throw new UserError(
      `destroy ${options.stackName === undefined ? `--env ${options.env ?? 'dev'}` : '--stack-name'}: ${problem}`,
      'Pass the name of the deployed root stack, e.g. --stack-name metabase-dev or --env dev.',
    );
  if (!options.yes && !io.isTty) {
    throw new UserError(
      `destroy ${stackName}: confirmation needed, but this is not an interactive terminal`,
      'Pass --yes to destroy without a prompt (CI).',
    );
  }
  const session =
    deps.session ??
    (await import('../../aws/session.js')).openSession({
      region: options.region,
      profile: options.profile,
      endpointUrl: options.endpointUrl,
    });
  const clock = deps.clock ?? systemClock;
  const prompt = deps.prompt ?? terminalPrompt;
  const started = clock.now();
  const style = makeStyle(io.isTty && !options.json, io.env);
  const info = options.json ? io.stderr : io.stdout;
  const region = await session.region().catch((error: unknown) => {
    throw asUserError(error, `destroy ${stackName}`);
  });
  const destroyDeps = {
    cf: session.cloudFormation,
    s3: session.s3,
    sts: session.sts,
    rds: session.rds,
    region,
    clock,
  };
  // An AWS error while planning or cleaning up reads "destroy <stack>: <cause>", as every other one does.
  const wrap = async <T>(work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      throw asUserError(error, `destroy ${stackName}`);
    });
  const finish = (document: Record<string, unknown>, code: number): number => {
    if (options.json)
      io.stdout(
        `${JSON.stringify({ command: 'destroy', stackName, region, ...document, apiCalls: session.calls.summary(), elapsedMs: clock.now() - started, exitCode: code }, null, 2)}\n`,
      );
    return code;
  };

  // Ctrl-C at a prompt rejects it with an AbortError: an interruption, not a bug.
  const questions = interruptiblePrompt(prompt, io.stderr);
  const ask = questions.ask;

  const plan = await wrap(
    planDestroy(destroyDeps, {
      stackName,
      bucket: options.bucket,
      allowUnmanaged: options.allowUnmanaged,
    }),
  );
  if (!plan) {
    // A likely typo (--env prdo) must not end in "nothing to do", exit 0: a script would think prod is gone.
    // Only for a name derived from --env: a name typed out with --stack-name is what the user asked for.
    if (options.stackName === undefined) {
      const owned = await session.cloudFormation
        .liveStacks()
        .then((stacks) =>
          stacks
            .filter((s) => !s.parentId && isManagedStack(s.tags) && s.stackName.startsWith('metabase-'))
            .map((s) => s.stackName.slice('metabase-'.length)),
        )
        .catch(() => []);
      const env = options.env ?? 'dev';
      const guess = closestName(env, owned);
      if (guess !== undefined && guess !== env) {
        throw new UserError(
          `destroy ${stackName}: the stack does not exist; did you mean --env ${guess} (metabase-${guess})?`,
          `Nothing was deleted. Run destroy again with --env ${guess} if that is the one, or with --stack-name ${stackName} to confirm ${stackName} is gone.`,
        );
      }
    }
    // Gone already, perhaps by a destroy interrupted after the stack went: the bucket step may be left.
    const bucket = await wrap(
      cleanUpAfterGone(
        destroyDeps,
        { bucket: options.bucket, keepArtifacts: options.keepArtifacts },
        { onStep: (text) => info(`${text}\n`) },
      ),
    );
    if (!bucket.deleted && bucket.keptBecause === 'it does not exist') {
      info(`destroy ${stackName}: the stack does not exist (already deleted); nothing to do.\n`);
    } else {
      info(`destroy ${stackName}: the stack does not exist (already deleted).\n`);
      info(
        bucket.deleted
          ? `  deleted: s3://${bucket.name} (${countOf(bucket.objectsRemoved, 'object')})\n`
          : `  kept: s3://${bucket.name} (${bucket.keptBecause ?? 'kept'})\n`,
      );
    }
    return finish({ outcome: 'gone', bucket }, 0);
  }
  if (plan.following) {
    info(
      `destroy ${stackName}: a deletion is already in progress (an earlier destroy was interrupted?); following it.\n`,
    );
  } else {
    try {
      refuseIfProtected(plan, options.disableProtection);
    } catch (error) {
      throw error instanceof OperationError ? new UserError(error.message, error.hint) : error;
    }
    info(renderPlan(plan, options, style, keptMonthlyCost(plan, region)));
  }
  if (!options.yes && !plan.following) {
    const typed = await ask(
      `Type the stack name (${stackName}) to delete it${options.disableProtection ? ' with --disable-protection' : ''}: `,
    );
    if (typed === undefined) {
      io.stderr(`destroy ${stackName}: interrupted at the prompt; nothing deleted.\n`);
      return finish({ outcome: 'cancelled' }, EXIT_INTERRUPTED);
    }
    if (typed !== stackName) {
      io.stderr(`destroy ${stackName}: cancelled (the name did not match); nothing deleted.\n`);
      return finish({ outcome: 'cancelled' }, EXIT_ERROR);
    }
  }

  const printer = progressPrinter(io, info, style, clock.now, options.json);
  const onDeleteFailed = async (failures: LeftBehind[], attempt: number): Promise<FailureDecision> => {
    printer.finish();
    info(
      style.red(`DELETE_FAILED (attempt ${attempt}):\n`) +
        failures.map((f) => `  ${f.path} ${f.resourceType} ${f.physicalId}: ${f.reason}\n`).join(''),
    );
    if (!io.isTty) return 'stop';
    // An unknown answer (a typo, an empty line) asks again: quitting on it would leave DELETE_FAILED behind.
    for (;;) {
      const answer = await ask('[r]etry, [k]eep the failed resources and finish, or [q]uit? ');
      if (answer === undefined) return 'stop';
      const choice = answer.trim();
      if (/^r(etry)?$/i.test(choice)) return 'retry';
      if (/^k(eep)?$/i.test(choice)) return 'retain';
      if (/^q(uit)?$/i.test(choice)) return 'stop';
      io.stderr(`Answer r, k or q (not ${JSON.stringify(answer)}).\n`);
    }
  };
  const run = (signal: AbortSignal): Promise<DestroyResult> =>
    wrap(
      executeDestroy(
        destroyDeps,
        plan,
        { ...options, signal },
        {
          onEvent: printer.onEvent,
          onRound: printer.onRound,
          onWatchEnd: () => printer.finish(),
          onStep: (text) => info(`${text}\n`),
          onDeleteFailed,
        },
      ),
    );
  let result: DestroyResult;
  try {
    result = await interruptibly(run, deps.signal, session);
  } catch (error) {
    throw asUserError(error, `destroy ${stackName}`);
  } finally {
    printer.finish();
  }
  if (result.outcome === 'interrupted') {
    const { watchError, ...rest } = result;
    // watch only follows; destroy run again also follows the deletion and then removes the bucket.
    const follow = `${renderStillRunning('The deletion', result.status, stackName, options)}Or run destroy again: it follows the deletion too, then removes the artifacts bucket.\n`;
    if (watchError !== undefined) {
      io.stderr(`destroy ${stackName}: lost track of the deletion: ${describeError(watchError)}\n${follow}`);
      return finish({ ...rest, watchError: describeError(watchError) }, EXIT_ERROR);
    }
    io.stderr(`destroy ${stackName}: stopped watching. ${follow}`);
    return finish({ ...rest }, EXIT_INTERRUPTED);
  }
  info(renderSummary(stackName, result, style, { ...options, region }));
  if (result.outcome === 'failed' && questions.interrupted) {
    io.stderr(
      `destroy ${stackName}: interrupted at the prompt; the stack is ${result.status}. Run destroy again (with --retain-failed to keep what failed).\n`,
    );
    return finish({ ...result }, EXIT_INTERRUPTED);
  }
  if (result.outcome === 'failed') {
    io.stderr(
      `destroy ${stackName}: the stack is ${result.status}. Fix the resources above (or run again with --retain-failed to keep them) and destroy again.\n`,
    );
    return finish({ ...result }, EXIT_ERROR);
  }
  return finish({ ...result }, 0);
}
