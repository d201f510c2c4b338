// `drift`: is the deployed tree still what CloudFormation thinks it is? Reads no params file: drift
// compares each stack with the template and parameters it was last deployed with, so only the stack
// name matters (--stack-name, or metabase-<env>).
import type { AwsTarget } from '../../aws/clients.js';
import type { DriftApi } from '../../aws/drift.js';
import { explainAwsError } from '../../aws/errors.js';
import { OperationError } from '../../deploy/errors.js';
import type { Clock, PollOptions } from '../../drift/detect.js';
import { checkDrift, NotCheckableError, StackNotFoundError, type DriftReport } from '../../drift/index.js';
import { CHECKABLE_STATES } from '../../drift/tree.js';
import { stackNameProblem } from '../../params/validate.js';
import { renderDriftJson, renderDriftText, wantsColour } from '../../ui/drift.js';
import { EXIT_DIFFERENCES, EXIT_ERROR, EXIT_OK, UserError } from '../errors.js';
import type { CliIo } from '../io.js';

export interface DriftCommandOptions extends AwsTarget {
  stackName: string;
  json: boolean;
  /** seconds for all detections together */
  timeout?: number | undefined;
  /** the ownership override: check a stack without this tool's managed-by tag */
  allowUnmanaged?: boolean | undefined;
}

/** Seams for tests; the CLI builds the SDK-backed API and uses real time. */
export interface DriftDeps {
  api?: DriftApi;
  clock?: Clock;
  poll?: PollOptions;
}

const EXIT_BY_OUTCOME: Record<DriftReport['outcome'], number> = {
  IN_SYNC: EXIT_OK,
  DRIFTED: EXIT_DIFFERENCES,
  INCOMPLETE: EXIT_ERROR,
};

function explainFailure(error: unknown, options: DriftCommandOptions): never {
  const name = options.stackName;
  if (error instanceof StackNotFoundError) {
    const where = options.region ? ` in ${options.region}` : '';
    throw new UserError(
      `drift ${name}: stack does not exist${where}`,
      'Check --stack-name, --region and --profile; `deploy` creates the stack.',
    );
  }
  if (error instanceof NotCheckableError) {
    const states = error.stacks
      .map((s) => `${s.stackName} is ${s.status}${s.statusReason ? ` (${s.statusReason})` : ''}`)
      .join('; ');
    throw new UserError(
      `drift ${name}: cannot check drift while ${states}`,
      `Wait for the running operation to finish or recover the stack, then run drift again (checkable states: ${CHECKABLE_STATES.join(', ')}).`,
    );
  }
  if (error instanceof OperationError) throw new UserError(error.message, error.hint);
  const explained = explainAwsError(error);
  if (explained) throw new UserError(`drift ${name}: ${explained.cause}`, explained.hint);
  throw error;
}

export async function driftCommand(
  options: DriftCommandOptions,
  io: CliIo,
  deps: DriftDeps = {},
): Promise<number> {
  const problem = stackNameProblem(options.stackName);
  if (problem)
    throw new UserError(
      `drift --stack-name: ${problem}`,
      'Pass the name of the deployed root stack, e.g. metabase-dev.',
    );
  if (options.timeout !== undefined && !(options.timeout > 0)) {
    throw new UserError(
      `drift --timeout: must be a positive number of seconds, got ${options.timeout}`,
      'Pass e.g. --timeout 600.',
    );
  }
  let api = deps.api;
  if (!api) {
    const { sdkDriftApi } = await import('../../aws/drift.js');
    api = sdkDriftApi(options);
  }
  let report: DriftReport;
  try {
    report = await checkDrift(api, {
      stackName: options.stackName,
      timeoutMs: options.timeout === undefined ? undefined : options.timeout * 1000,
      clock: deps.clock,
      poll: deps.poll,
      allowUnmanaged: options.allowUnmanaged === true,
    });
  } catch (error) {
    explainFailure(error, options);
  }
  io.stdout(
    options.json
      ? renderDriftJson(report)
      : renderDriftText(report, { colour: wantsColour(io.isTty, io.env) }),
  );
  if (report.outcome === 'INCOMPLETE') {
    const failed = report.stacks
      .filter((s) => s.outcome === 'FAILED' || s.outcome === 'PARTIAL')
      .map((s) => s.stackName);
    io.stderr(
      `drift ${report.rootStack}: could not fully check ${failed.join(', ')}\n` +
        "Run drift again; if it keeps failing, read the reasons above and the stacks' events in the console.\n",
    );
  }
  return EXIT_BY_OUTCOME[report.outcome];
}
