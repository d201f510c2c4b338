// `destroy`: shows what goes and what stays, asks for the stack name to be typed (or --yes), deletes and
// follows the stack, handles DELETE_FAILED, removes the artifacts bucket, and prints what is left.
import type { AwsSession } from '../../aws/session.js';
import { systemClock, type Clock } from '../../deploy/clock.js';
import { executeDestroy, planDestroy, protections, type DestroyResult, type FailureDecision, type LeftBehind } from '../../deploy/destroy.js';
import { OperationError } from '../../deploy/errors.js';
import { renderPlan, renderSummary } from '../../ui/destroy-view.js';
import { eventLinePrinter, liveTierView } from '../../ui/progress.js';
import { makeStyle } from '../../ui/style.js';
import { EXIT_ERROR, UserError } from '../errors.js';
import type { CliIo } from '../io.js';
import { defaultStackName } from '../main.js';
import { terminalPrompt, withInterrupt, type Prompt } from '../prompt.js';
import { EXIT_INTERRUPTED } from './deploy.js';

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
  json: boolean;
}

export interface DestroyCommandDeps {
  session?: AwsSession;
  clock?: Clock;
  prompt?: Prompt;
  signal?: AbortSignal;
}

const wrap = async <T>(work: Promise<T>): Promise<T> =>
  work.catch((error: unknown) => {
    throw error instanceof OperationError ? new UserError(error.message, error.hint) : error;
  });

export async function destroyCommand(options: DestroyOptions, io: CliIo, deps: DestroyCommandDeps = {}): Promise<number> {
  const stackName = defaultStackName(options);
  if (!options.yes && !io.isTty) {
    throw new UserError(`destroy ${stackName}: confirmation needed, but this is not an interactive terminal`, 'Pass --yes to destroy without a prompt (CI).');
  }
  const session = deps.session ?? (await import('../../aws/session.js')).openSession({ region: options.region, profile: options.profile, endpointUrl: options.endpointUrl });
  const clock = deps.clock ?? systemClock;
  const prompt = deps.prompt ?? terminalPrompt;
  const started = clock.now();
  const style = makeStyle(io.isTty && !options.json, io.env);
  const info = options.json ? io.stderr : io.stdout;
  const region = await session.region();
  const destroyDeps = { cf: session.cloudFormation, s3: session.s3, sts: session.sts, rds: session.rds, region, clock };
  const finish = (document: Record<string, unknown>, code: number): number => {
    if (options.json) io.stdout(`${JSON.stringify({ command: 'destroy', stackName, region, ...document, apiCalls: session.calls.summary(), elapsedMs: clock.now() - started, exitCode: code }, null, 2)}\n`);
    return code;
  };

  const plan = await wrap(planDestroy(destroyDeps, { stackName, bucket: options.bucket }));
  if (!plan) {
    info(`destroy ${stackName}: the stack does not exist (already deleted); nothing to do.\n`);
    return finish({ outcome: 'gone' }, 0);
  }
  const blocking = protections(plan);
  if (blocking.length > 0 && !options.disableProtection) {
    const db = plan.database?.deletionProtection;
    throw new UserError(
      `destroy ${stackName}: ${blocking.join(' and ')} is on, so the deletion would stop half-way`,
      db
        ? `Deploy with "DbDeletionProtection": "false" in the params file first, or pass --disable-protection to turn it off now.`
        : `Run \`aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${stackName}\`, or pass --disable-protection.`,
    );
  }
  info(renderPlan(plan, options, style));
  if (!options.yes) {
    const typed = await prompt(`Type the stack name (${stackName}) to delete it${options.disableProtection ? ' with --disable-protection' : ''}: `);
    if (typed !== stackName) {
      io.stderr(`destroy ${stackName}: cancelled (the name did not match); nothing deleted.\n`);
      return finish({ outcome: 'cancelled' }, EXIT_ERROR);
    }
  }

  const printer = io.isTty && !options.json ? liveTierView(info, style, clock.now) : eventLinePrinter(info, style);
  const onDeleteFailed = async (failures: LeftBehind[], attempt: number): Promise<FailureDecision> => {
    printer.finish();
    info(style.red(`DELETE_FAILED (attempt ${attempt}):\n`) + failures.map((f) => `  ${f.path} ${f.resourceType} ${f.physicalId}: ${f.reason}\n`).join(''));
    if (!io.isTty) return 'stop';
    const answer = await prompt('[r]etry, [k]eep the failed resources and finish, or [q]uit? ');
    return /^r/i.test(answer) ? 'retry' : /^k/i.test(answer) ? 'retain' : 'stop';
  };
  const run = (signal: AbortSignal): Promise<DestroyResult> =>
    wrap(
      executeDestroy(destroyDeps, plan, { ...options, signal }, { onEvent: printer.onEvent, onRound: printer.onRound, onStep: (text) => info(`${text}\n`), onDeleteFailed }),
    );
  let result: DestroyResult;
  try {
    result = deps.signal ? await run(deps.signal) : await withInterrupt(run);
  } finally {
    printer.finish();
  }
  if (result.outcome === 'interrupted') {
    io.stderr(`destroy ${stackName}: stopped watching. The deletion continues in AWS (last status ${result.status}); run destroy again to follow it and clean up the bucket.\n`);
    return finish({ ...result }, EXIT_INTERRUPTED);
  }
  info(renderSummary(stackName, result, style));
  if (result.outcome === 'failed') {
    io.stderr(`destroy ${stackName}: the stack is ${result.status}. Fix the resources above (or run again with --retain-failed to keep them) and destroy again.\n`);
    return finish({ ...result }, EXIT_ERROR);
  }
  return finish({ ...result }, 0);
}
