// The CLI. Each command's module is imported only when that command runs, so `--help` and `synth`
// never load the AWS SDK.
import yargs from 'yargs';
import { readFileSync } from 'node:fs';
import { EXIT_ERROR, UserError } from './errors.js';
import { defaultStackName, paramsFlags, stackFlags } from './flags.js';
import { closestName } from '../params/suggest.js';
import { helpCommandLine, hintingIo } from './invocation.js';
import type { CliIo } from './io.js';
import { allowsUnmanaged, ownershipFlag } from './ownership.js';

const PROGRAM = 'metabase-aws';
/** package.json two levels up, from src/cli and dist/cli alike; read, not imported, so its dependency list stays out of the bundle. */
function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A command line yargs refused: unknown command or flag, missing value, conflicting flags. */
class UsageError extends Error {}

/** Parses argv and runs one command. Returns the exit code; never throws for a user mistake. */
export async function run(argv: string[], terminal: CliIo): Promise<number> {
  let exitCode = 0;
  // Commands and errors print hints as `metabase-aws <command>`; this io shows them as the user ran the tool.
  const io = hintingIo(terminal, argv);
  const verb = argv.find((arg) => !arg.startsWith('-')) ?? PROGRAM;
  const parser = yargs(argv)
    .scriptName(PROGRAM)
    .usage(`${PROGRAM} <command> [options]\n\nA private, secure, cheap Metabase on AWS.`)
    .command(
      'synth',
      'Write the CloudFormation templates to templates/ (no AWS call)',
      (y) =>
        y
          .option('out', {
            type: 'string',
            requiresArg: true,
            default: 'templates',
            describe: 'Directory to write to',
          })
          .option('diagrams', {
            type: 'string',
            requiresArg: true,
            default: 'diagrams',
            describe: 'Directory for the architecture diagrams drawn from them',
          }),
      async (args) => {
        const { synthCommand } = await import('./commands/synth.js');
        exitCode = await synthCommand({ out: args.out, diagrams: args.diagrams }, io);
      },
    )
    .command(
      'diagram',
      'Draw diagrams/architecture.svg and .mmd from templates/ (no AWS call)',
      (y) =>
        y
          .option('templates', {
            type: 'string',
            requiresArg: true,
            default: 'templates',
            describe: 'Directory holding root.yaml and the nested templates',
          })
          .option('out', {
            type: 'string',
            requiresArg: true,
            default: 'diagrams',
            describe: 'Directory to write to',
          }),
      async (args) => {
        const { diagramCommand } = await import('./commands/diagram.js');
        exitCode = await diagramCommand({ templates: args.templates, out: args.out }, io);
      },
    )
    .command(
      'cost',
      'Estimate the monthly AWS bill of a params file, optionally with a free tier (no AWS call)',
      (y) =>
        paramsFlags(y)
          .option('region', {
            type: 'string',
            requiresArg: true,
            default: 'us-east-1',
            describe: 'Region whose prices to use',
          })
          .option('json', {
            type: 'boolean',
            default: false,
            describe: 'Print the estimate as JSON on stdout',
          })
          .option('free-tier', {
            choices: ['none', 'credits', 'legacy'] as const,
            default: 'none' as const,
            describe:
              'Free tier to count: none; credits (accounts opened on or after 15 July 2025); legacy (12-month tier of older accounts)',
          }),
      async (args) => {
        const { costCommand } = await import('./commands/cost.js');
        exitCode = await costCommand(
          {
            env: args.env,
            params: args.params,
            region: args.region,
            json: args.json,
            freeTier: args.freeTier,
          },
          io,
        );
      },
    )
    .command(
      'validate',
      'Check a params file offline (no AWS call)',
      (y) =>
        paramsFlags(y)
          .option('region', {
            type: 'string',
            requiresArg: true,
            describe: 'Also check that ARNs are in this region',
          })
          .option('stack-name', {
            type: 'string',
            requiresArg: true,
            describe: 'Also check this stack name',
          }),
      async (args) => {
        const { validateCommand } = await import('./commands/validate.js');
        exitCode = await validateCommand(
          { env: args.env, params: args.params, region: args.region, stackName: args.stackName },
          io,
        );
      },
    )
    .command(
      'drift',
      'Check whether the deployed stack and every nested stack still match their templates (exit 2 when drifted)',
      (y) =>
        ownershipFlag(stackFlags(y)).option('timeout', {
          type: 'number',
          default: 600,
          describe: 'Give up waiting for drift detection after this many seconds',
        }),
      async (args) => {
        if (args.params !== undefined && args.stackName === undefined) {
          throw new UserError(
            'drift --params: drift does not read params files, so it cannot tell which stack to check',
            'Pass --stack-name NAME (or --env ENV for metabase-ENV).',
          );
        }
        const { driftCommand } = await import('./commands/drift.js');
        exitCode = await driftCommand(
          {
            stackName: defaultStackName(args),
            region: args.region,
            profile: args.profile,
            endpointUrl: args.endpointUrl,
            json: args.json,
            timeout: args.timeout,
            allowUnmanaged: allowsUnmanaged(args),
          },
          io,
        );
      },
    )
    .command(
      'deploy',
      'Create or update the stack: package templates, preview the change set, execute, wait for Metabase',
      (y) =>
        ownershipFlag(stackFlags(y))
          .option('bucket', {
            type: 'string',
            requiresArg: true,
            describe:
              'Artifacts bucket (default metabase-aws-artifacts-<account>-<region>, created if absent)',
          })
          .option('yes', { type: 'boolean', default: false, describe: 'Execute without asking (CI)' })
          .option('execute', {
            type: 'boolean',
            default: true,
            describe: 'Execute the change set (--no-execute: preview only)',
          })
          .option('wait-healthy', {
            type: 'boolean',
            default: true,
            describe: 'Wait for Metabase to answer /api/health',
          })
          .option('allow-replacement', {
            type: 'boolean',
            default: false,
            describe: 'Allow a change that replaces the database',
          })
          .option('role-arn', {
            type: 'string',
            requiresArg: true,
            describe: 'IAM role CloudFormation assumes for this stack (kept for later updates and destroy)',
          })
          .option('templates', {
            type: 'string',
            requiresArg: true,
            describe: 'Directory with root.yaml and the nested templates (default: the shipped templates/)',
          })
          .option('restore-from', {
            type: 'string',
            requiresArg: true,
            describe: 'Create the stack with its database restored from this snapshot (id, ARN, or latest)',
          })
          .option('new-secrets', {
            type: 'boolean',
            default: false,
            describe:
              'With --restore-from: generate secrets that cannot be found (saved connections are lost)',
          })
          .option('snapshot', {
            type: 'boolean',
            default: true,
            describe: 'Snapshot the database before an upgrade (--no-snapshot: do not)',
          }),
      async (args) => {
        if (args.newSecrets && args.restoreFrom === undefined) {
          throw new UserError(
            'deploy --new-secrets: only means something with --restore-from',
            'Pass --restore-from <snapshot|latest> too, or leave --new-secrets out.',
          );
        }
        const { deployCommand } = await import('./commands/deploy.js');
        exitCode = await deployCommand(
          {
            env: args.env,
            params: args.params,
            stackName: args.stackName,
            region: args.region,
            profile: args.profile,
            endpointUrl: args.endpointUrl,
            bucket: args.bucket,
            roleArn: args.roleArn,
            templates: args.templates,
            yes: args.yes,
            execute: args.execute,
            waitHealthy: args.waitHealthy,
            allowReplacement: args.allowReplacement,
            allowUnmanaged: allowsUnmanaged(args),
            json: args.json,
            restoreFrom: args.restoreFrom,
            newSecrets: args.newSecrets,
            snapshot: args.snapshot,
          },
          io,
        );
      },
    )
    .command(
      'destroy',
      'Delete the stack and its nested stacks, then the artifacts bucket; keeps the DB final snapshot',
      (y) =>
        ownershipFlag(stackFlags(y))
          .option('bucket', {
            type: 'string',
            requiresArg: true,
            describe: 'Artifacts bucket deploy used (default metabase-aws-artifacts-<account>-<region>)',
          })
          .option('yes', {
            type: 'boolean',
            default: false,
            describe: 'Delete without asking for the stack name (CI)',
          })
          .option('disable-protection', {
            type: 'boolean',
            default: false,
            describe: 'Turn off DB deletion protection and stack termination protection first',
          })
          .option('retain-failed', {
            type: 'boolean',
            default: false,
            describe: 'On DELETE_FAILED, retry keeping the resources that failed',
          })
          .option('keep-artifacts', {
            type: 'boolean',
            default: false,
            describe: 'Keep the artifacts bucket',
          }),
      async (args) => {
        if (args.params !== undefined) {
          throw new UserError(
            'destroy --params: destroy does not read params files, so it cannot tell which stack to delete',
            'Pass --stack-name NAME (or --env ENV for metabase-ENV).',
          );
        }
        const { destroyCommand } = await import('./commands/destroy.js');
        exitCode = await destroyCommand(
          {
            env: args.env,
            stackName: args.stackName,
            region: args.region,
            profile: args.profile,
            endpointUrl: args.endpointUrl,
            bucket: args.bucket,
            yes: args.yes,
            disableProtection: args.disableProtection,
            retainFailed: args.retainFailed,
            keepArtifacts: args.keepArtifacts,
            allowUnmanaged: allowsUnmanaged(args),
            json: args.json,
          },
          io,
        );
      },
    )
    .command(
      'watch',
      'Follow a running stack operation again (after Ctrl-C in deploy or destroy) to its end; changes nothing',
      (y) => stackFlags(y),
      async (args) => {
        if (args.params !== undefined && args.stackName === undefined) {
          throw new UserError(
            'watch --params: watch does not read params files, so it cannot tell which stack to follow',
            'Pass --stack-name NAME (or --env ENV for metabase-ENV).',
          );
        }
        const { watchCommand } = await import('./commands/watch.js');
        exitCode = await watchCommand(
          {
            stackName: defaultStackName(args),
            region: args.region,
            profile: args.profile,
            endpointUrl: args.endpointUrl,
            json: args.json,
          },
          io,
        );
      },
    )
    .command(
      'logs',
      "Print the Metabase container logs of the deployed stack's log group (read-only)",
      (y) =>
        stackFlags(y)
          .option('since', {
            type: 'string',
            requiresArg: true,
            default: '10m',
            describe: 'Start of the window: 30m, 2h, 1d, or an ISO time',
          })
          .option('follow', {
            type: 'boolean',
            default: false,
            describe: 'Keep printing new events (polled once a second) until Ctrl-C',
          })
          .option('filter', {
            type: 'string',
            requiresArg: true,
            describe:
              'Only events matching this CloudWatch Logs filter pattern, e.g. ERROR or "?ERROR ?WARN"',
          }),
      async (args) => {
        if (args.params !== undefined && args.stackName === undefined) {
          throw new UserError(
            'logs --params: logs does not read params files, so it cannot tell which stack to read',
            'Pass --stack-name NAME (or --env ENV for metabase-ENV).',
          );
        }
        const { logsCommand } = await import('./commands/logs.js');
        exitCode = await logsCommand(
          {
            stackName: defaultStackName(args),
            region: args.region,
            profile: args.profile,
            endpointUrl: args.endpointUrl,
            since: args.since,
            follow: args.follow,
            filter: args.filter,
            json: args.json,
          },
          io,
        );
      },
    )
    .command(
      'status',
      'Show the deployed Metabase at a glance: health, stack, ECS, database, NAT, alarms (exit 1 unless healthy)',
      (y) => stackFlags(y),
      async (args) => {
        if (args.params !== undefined && args.stackName === undefined) {
          throw new UserError(
            'status --params: status does not read params files, so it cannot tell which stack to show',
            'Pass --stack-name NAME (or --env ENV for metabase-ENV).',
          );
        }
        const { statusCommand } = await import('./commands/status.js');
        exitCode = await statusCommand(
          {
            stackName: defaultStackName(args),
            region: args.region,
            profile: args.profile,
            endpointUrl: args.endpointUrl,
            json: args.json,
          },
          io,
        );
      },
    )
    .command(
      'release-locks',
      "Release a stuck Metabase migration lock: runs `migrate release-locks` as a one-off ECS task of the service's own task definition",
      (y) =>
        stackFlags(y).option('force', {
          type: 'boolean',
          default: false,
          describe: 'Run even while the service has tasks running (only if none of them is migrating)',
        }),
      async (args) => {
        if (args.params !== undefined && args.stackName === undefined) {
          throw new UserError(
            'release-locks --params: release-locks does not read params files, so it cannot tell which stack to use',
            'Pass --stack-name NAME (or --env ENV for metabase-ENV).',
          );
        }
        const { releaseLocksCommand } = await import('./commands/release-locks.js');
        exitCode = await releaseLocksCommand(
          {
            stackName: defaultStackName(args),
            region: args.region,
            profile: args.profile,
            endpointUrl: args.endpointUrl,
            force: args.force,
            json: args.json,
          },
          io,
        );
      },
    )
    .command(
      'snapshots',
      "List the stack's manual and final DB snapshots and what keeping them costs; --prune --keep N deletes older pre-upgrade ones",
      (y) =>
        ownershipFlag(stackFlags(y))
          .option('prune', {
            type: 'boolean',
            default: false,
            describe: 'Delete pre-upgrade snapshots older than the newest --keep N (final ones never)',
          })
          // A string, checked by the command: yargs' number type reads an empty value as 0 (delete all).
          .option('keep', { type: 'string', requiresArg: true, describe: 'With --prune: how many to keep' })
          .option('yes', { type: 'boolean', default: false, describe: 'Prune without asking (CI)' }),
      async (args) => {
        if (args.params !== undefined && args.stackName === undefined) {
          throw new UserError(
            'snapshots --params: snapshots does not read params files, so it cannot tell which stack to look at',
            'Pass --stack-name NAME (or --env ENV for metabase-ENV).',
          );
        }
        const { snapshotsCommand } = await import('./commands/snapshots.js');
        exitCode = await snapshotsCommand(
          {
            stackName: defaultStackName(args),
            region: args.region,
            profile: args.profile,
            endpointUrl: args.endpointUrl,
            json: args.json,
            prune: args.prune,
            keep: args.keep,
            yes: args.yes,
            allowUnmanaged: allowsUnmanaged(args),
          },
          io,
        );
      },
    )
    .demandCommand(1, 'Name a command.')
    // Before validation, so that a repeated flag is refused before any command's own checks run.
    .middleware(refuseRepeatedFlags, true)
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(argv.includes('--version') ? packageVersion() : 'unknown')
    .wrap(Math.min(100, process.stdout.isTTY ? process.stdout.columns : 100))
    .exitProcess(false)
    .fail((message: string | null | undefined, error: Error | undefined) => {
      // (yargs types both as always set; it passes a null message with an exception, and no error at all
      // for its own validation messages.)
      // yargs reports its own validation failures as YError; anything else is a real exception. Either
      // way this must throw: if it returned, yargs would go on and run the command's handler.
      if (error && error.name !== 'YError') throw error;
      throw new UsageError(message ?? error?.message ?? 'invalid usage');
    });
  try {
    await parser.parseAsync(argv, {}, (error, _parsed, output) => {
      if (output && !error) terminal.stdout(output.endsWith('\n') ? output : `${output}\n`);
    });
    return exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      const message = error.message.startsWith('Did you mean')
        ? `unknown command "${verb}". ${error.message}`
        : usageHint(error.message, argv);
      // Straight to the terminal: the help line is already in the user's form and takes no target flags.
      terminal.stderr(`${PROGRAM}: ${message}\nRun \`${helpCommandLine(terminal, verb)}\` for usage.\n`);
      return EXIT_ERROR;
    }
    return reportError(error, verb, io);
  }
}

/**
 * yargs turns a flag given twice (`--region us-east-1 … --region eu-west-1`, a line pasted after another)
 * into an array, which every command then reads as one odd string ("params/dev,prod.json: file not
 * found") or cannot read at all (a stack trace): refuse it as the usage mistake it is, naming the values.
 */
function refuseRepeatedFlags(args: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(args)) {
    // yargs also keeps each dashed flag under its camel-case name: name it once, as typed.
    if (key === '_' || key === '$0' || /[A-Z]/.test(key) || !Array.isArray(value)) continue;
    const values = value.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ');
    throw new UsageError(`--${key} is given ${value.length} times (${values}); give it once`);
  }
}

/**
 * yargs' own words plus the likely fix: an environment given as a positional (`deploy dev`), or a flag
 * one typo away from a real one (`--stak-name`, `--no-snapshots`).
 */
function usageHint(message: string, argv: string[]): string {
  const listed = /^Unknown arguments?: (.+)$/.exec(message)?.[1]?.split(', ');
  if (listed === undefined) return message;
  // yargs lists a dashed flag twice, as typed and camel-cased (stak-name, stakName), and a negated one
  // without its no- (--no-snapshots as snapshots): name each flag once, the way it was typed.
  const camel = (name: string): string => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  const unknown = listed
    .filter((arg) => !listed.some((other) => other !== arg && other.includes('-') && camel(other) === arg))
    .map((arg) =>
      argv.some((a) => a === `--no-${arg}` || a.startsWith(`--no-${arg}=`)) ? `no-${arg}` : arg,
    );
  const hints: string[] = [];
  for (const arg of unknown) {
    if (!arg.startsWith('-') && /^[A-Za-z][\w-]*$/.test(arg) && argv.includes(arg))
      hints.push(`an environment is a flag: --env ${arg}`);
    else {
      const known = KNOWN_FLAGS.filter((flag) => flag !== arg);
      const guess = closestName(arg.replace(/^-+/, ''), known);
      if (guess) hints.push(`did you mean --${guess}?`);
    }
  }
  const said = `Unknown argument${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`;
  return hints.length > 0 ? `${said} (${hints.join('; ')})` : said;
}

/** Every flag of every command, for the did-you-mean (tests/cli/usage.test.ts checks it against --help). */
export const KNOWN_FLAGS = [
  'env',
  'params',
  'stack-name',
  'region',
  'profile',
  'endpoint-url',
  'json',
  'yes',
  'bucket',
  'execute',
  'no-execute',
  'wait-healthy',
  'no-wait-healthy',
  'allow-replacement',
  'role-arn',
  'templates',
  'timeout',
  'disable-protection',
  'retain-failed',
  'keep-artifacts',
  'out',
  'diagrams',
  'free-tier',
  'restore-from',
  'new-secrets',
  'snapshot',
  'no-snapshot',
  'prune',
  'keep',
  'since',
  'follow',
  'filter',
  'force',
  'i-know-this-stack-is-not-managed-by-metabase-aws',
  'help',
  'version',
];

async function reportError(error: unknown, verb: string, io: CliIo): Promise<number> {
  if (error instanceof UserError) {
    io.stderr(`${error.message}\n${error.hint}\n`);
    return error.exitCode;
  }
  // Ctrl-C at a prompt the command did not handle itself: an interruption, not a bug.
  const { isPromptAbort } = await import('./prompt.js');
  if (isPromptAbort(error)) {
    io.stderr(`${verb}: interrupted.\n`);
    return 130;
  }
  // A filesystem error no command caught (a path that is a file, a read-only directory): the user's input.
  const { fileUserError, isSystemError } = await import('./files.js');
  if (isSystemError(error)) return reportError(fileUserError(verb, error, io.cwd), verb, io);
  const { explainAwsError } = await import('../aws/errors.js');
  const explained = explainAwsError(error);
  if (explained) {
    io.stderr(`${verb}: ${explained.cause}\n${explained.hint}\n`);
    return EXIT_ERROR;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`${PROGRAM}: unexpected error (a bug; please report it with this output)\n${detail}\n`);
  return EXIT_ERROR;
}
