// `snapshots`: lists this stack's manual and final DB snapshots with what keeping them costs;
// `--prune --keep N` deletes the older pre-upgrade snapshots after the stack name is typed.
import { countOf } from '../../ui/destroy-view.js';
import type { AwsSession } from '../../aws/session.js';
import { PRICE_LIST, regionPrices } from '../../cost/prices.js';
import { money } from '../../cost/format.js';
import { assertManagedStack } from '../../deploy/ownership.js';
import { keptStorageCost, planPrune, prune, stackSnapshots } from '../../deploy/snapshots.js';
import { stackNameProblem } from '../../params/validate.js';
import { renderSnapshots } from '../../ui/snapshots-view.js';
import { makeStyle } from '../../ui/style.js';
import { asUserError, EXIT_ERROR, EXIT_INTERRUPTED, UserError } from '../errors.js';
import type { CliIo } from '../io.js';
import { interruptiblePrompt, terminalPrompt, type Prompt } from '../prompt.js';

export interface SnapshotsOptions {
  stackName: string;
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  json: boolean;
  prune: boolean;
  /** --keep as typed (a string from the command line, so that an empty value is not read as 0) */
  keep?: number | string | undefined;
  yes: boolean;
  /** the ownership override: prune the snapshots of a stack without this tool's managed-by tag */
  allowUnmanaged?: boolean | undefined;
}

export interface SnapshotsCommandDeps {
  session?: AwsSession;
  prompt?: Prompt;
}

export async function snapshotsCommand(
  options: SnapshotsOptions,
  io: CliIo,
  deps: SnapshotsCommandDeps = {},
): Promise<number> {
  try {
    return await listOrPrune(options, io, deps);
  } catch (error) {
    throw asUserError(error, `snapshots ${options.stackName}`);
  }
}

async function listOrPrune(
  options: SnapshotsOptions,
  io: CliIo,
  deps: SnapshotsCommandDeps,
): Promise<number> {
  const { stackName } = options;
  // A name no stack can have finds no snapshots either: say so rather than list nothing with exit 0.
  const problem = stackNameProblem(stackName);
  if (problem)
    throw new UserError(
      `snapshots --stack-name: ${problem}`,
      'Pass the name of the root stack, e.g. --stack-name metabase-dev or --env dev.',
    );
  if (!options.prune && options.keep !== undefined) {
    throw new UserError(
      `snapshots ${stackName} --keep: only means something with --prune; nothing was deleted`,
      'Pass --prune --keep N to delete the older pre-upgrade snapshots, or leave --keep out to list them.',
    );
  }
  let keep = 0;
  if (options.prune) {
    keep = keepCount(stackName, options.keep);
    if (!options.yes && !io.isTty) {
      throw new UserError(
        `snapshots ${stackName} --prune: confirmation needed, but this is not an interactive terminal`,
        'Pass --yes to delete without a prompt (CI).',
      );
    }
  }
  const session =
    deps.session ??
    (await import('../../aws/session.js')).openSession({
      region: options.region,
      profile: options.profile,
      endpointUrl: options.endpointUrl,
    });
  const region = await session.region();
  const style = makeStyle(io.isTty && !options.json, io.env);
  const info = options.json ? io.stderr : io.stdout;
  const rows = await stackSnapshots(session.rds, stackName);

  // The free allowance is the provisioned storage of running instances; a deleted stack has none left.
  const stack = await session.cloudFormation.describeStack(stackName);
  const freeGiB = stack ? Number(stack.parameters.DbAllocatedStorage ?? 0) : 0;
  const prices = regionPrices(PRICE_LIST, region);
  const cost = prices ? keptStorageCost(rows, freeGiB, prices.rds.backupGbMonth) : undefined;

  if (!options.prune) {
    info(renderSnapshots(stackName, region, rows, style));
    if (rows.length > 0) {
      const held = `storage: up to ${cost?.totalGiB ?? rows.reduce((n, r) => n + r.sizeGiB, 0)} GiB in ${countOf(rows.length, 'snapshot')}`;
      const billed = stack
        ? `beyond the free ${freeGiB} GiB (the stack's provisioned storage, shared with its automated backups)`
        : `all of it billed (${stackName} is gone, and with it the free allowance)`;
      info(
        cost && prices
          ? `${held}; ${billed}: ${cost.billableGiB} GiB ≈ ${money(cost.monthly)} a month at $${prices.rds.backupGbMonth}/GB-month\n`
          : `${held} (no prices for ${region} in src/cost/prices.json)\n`,
      );
    }
    if (options.json)
      io.stdout(
        `${JSON.stringify({ command: 'snapshots', stackName, region, snapshots: rows, storage: cost, apiCalls: session.calls.summary() }, null, 2)}\n`,
      );
    return 0;
  }

  // Deleting snapshots changes what a stack can be brought back to: a stack that exists must be this
  // tool's (its pre-upgrade snapshots carry this tool's tags whatever the stack, see planPrune).
  if (stack) {
    assertManagedStack('snapshots', stack, 'prune the snapshots of', options.allowUnmanaged === true);
  }
  const doomed = await planPrune(session.rds, stackName, keep);
  if (doomed.length === 0) {
    info(
      `snapshots ${stackName}: nothing to prune (at most ${countOf(keep, 'pre-upgrade snapshot')}; final ones are never pruned)\n`,
    );
    if (options.json)
      io.stdout(
        `${JSON.stringify({ command: 'snapshots', stackName, region, deleted: [], apiCalls: session.calls.summary() }, null, 2)}\n`,
      );
    return 0;
  }
  info(
    `${style.bold(`Will delete ${countOf(doomed.length, 'pre-upgrade snapshot')} of ${stackName} (keeping the newest ${keep}):`)}\n` +
      renderSnapshots(stackName, region, doomed, style),
  );
  if (!options.yes) {
    const questions = interruptiblePrompt(deps.prompt ?? terminalPrompt, io.stderr);
    const typed = await questions.ask(`Type the stack name (${stackName}) to delete them: `);
    if (typed === undefined) {
      io.stderr(`snapshots ${stackName}: interrupted at the prompt; nothing deleted.\n`);
      return EXIT_INTERRUPTED;
    }
    if (typed !== stackName) {
      io.stderr(`snapshots ${stackName}: cancelled (the name did not match); nothing deleted.\n`);
      return EXIT_ERROR;
    }
  }
  const deleted = await prune(session.rds, doomed, (id) => {
    info(`  deleted: ${id}\n`);
  });
  info(
    `snapshots ${stackName}: deleted ${deleted.length}, kept the newest ${keep} pre-upgrade and every final snapshot\n`,
  );
  if (options.json)
    io.stdout(
      `${JSON.stringify({ command: 'snapshots', stackName, region, deleted, apiCalls: session.calls.summary() }, null, 2)}\n`,
    );
  return 0;
}

/**
 * --keep N as a count, or a refusal. Read from the string typed: yargs' number type turns an empty value
 * (`--keep "$KEEP"` with KEEP unset) into 0, which would delete every pre-upgrade snapshot.
 */
function keepCount(stackName: string, keep: number | string | undefined): number {
  const howMany =
    'Pass --keep N (a whole number, 0 or more): the newest N pre-upgrade snapshots are kept, older ones deleted.';
  if (keep === undefined)
    throw new UserError(
      `snapshots ${stackName} --prune: say how many pre-upgrade snapshots to keep`,
      howMany,
    );
  const text = String(keep).trim();
  if (!/^\d+$/.test(text))
    throw new UserError(
      `snapshots ${stackName} --keep: ${text === '' ? 'the value is empty' : `"${text}" is not a whole number, 0 or more`}; nothing was deleted`,
      howMany,
    );
  return Number(text);
}
