// How the user ran this tool, so that every hint names a command they can paste: `npm run watch -- …`
// from the checkout (npm sets npm_lifecycle_event to the script's name), `node dist/cli/bin.js watch …`
// when they ran the bundle by its path, `metabase-aws watch …` when it is installed as that bin. The rest
// of the code writes hints in one canonical form, `metabase-aws <command> <args>`; the CLI rewrites every
// such hint on its way out (hintingIo), adding the --region, --profile and --endpoint-url the user gave.
import { basename, relative } from 'node:path';
import type { CliIo } from './io.js';

/** This tool's commands: a hint naming one of these is rewritten. */
const COMMANDS = [
  'synth',
  'validate',
  'diagram',
  'cost',
  'deploy',
  'drift',
  'destroy',
  'watch',
  'logs',
  'status',
  'snapshots',
  'release-locks',
];
/** The commands that talk to AWS: their hints carry the user's target flags. */
const AWS_COMMANDS = new Set([
  'deploy',
  'drift',
  'destroy',
  'watch',
  'logs',
  'status',
  'snapshots',
  'release-locks',
]);
const TARGET_FLAGS = ['--region', '--profile', '--endpoint-url'];
const HINT = new RegExp(`metabase-aws (${COMMANDS.join('|')})(?![\\w-])([^\`\\n]*)`, 'g');
const PACKAGE = 'metabase-on-aws';

export interface Invocation {
  /** The command line that runs `command` with `args` (already shell-quoted), the way the user runs the tool. */
  commandLine(command: string, args: string): string;
}

const shellWord = (value: string): string =>
  /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;

/** The --region/--profile/--endpoint-url the user passed, as `--flag value` pairs. */
export function targetFlags(argv: readonly string[]): [string, string][] {
  const found: [string, string][] = [];
  argv.forEach((arg, i) => {
    for (const flag of TARGET_FLAGS) {
      if (arg === flag && argv[i + 1] !== undefined) found.push([flag, argv[i + 1] ?? '']);
      else if (arg.startsWith(`${flag}=`)) found.push([flag, arg.slice(flag.length + 1)]);
    }
  });
  return found;
}

/** Run from the checkout through `npm run <command>` (npm names the script it runs). */
const viaNpm = (io: Pick<CliIo, 'env'>): boolean =>
  io.env.npm_package_name === PACKAGE && COMMANDS.includes(io.env.npm_lifecycle_event ?? '');

/** The program part of a command line outside npm: the bundle by its path, or the bin's name. */
function programHead(io: Pick<CliIo, 'cwd' | 'program'>): string {
  const program = io.program;
  if (program === undefined || basename(program) !== 'bin.js')
    return program === undefined ? 'metabase-aws' : basename(program);
  const path = relative(io.cwd, program);
  return `node ${path.startsWith('..') ? program : path}`;
}

/**
 * The `--help` line for a usage mistake: of `command` when it is one of this tool's, else of the tool
 * itself. `metabase-aws --help` is not a command a user of the checkout can run.
 */
export function helpCommandLine(
  io: Pick<CliIo, 'env' | 'cwd' | 'program'>,
  command: string | undefined,
): string {
  const how = invocation(io, []);
  if (command !== undefined && COMMANDS.includes(command)) return how.commandLine(command, '--help');
  // npm runs one script, so without a known command the help of that script's command is what runs.
  const script = io.env.npm_lifecycle_event;
  if (viaNpm(io) && script !== undefined) return how.commandLine(script, '--help');
  return `${programHead(io)} --help`;
}

export function invocation(io: Pick<CliIo, 'env' | 'cwd' | 'program'>, argv: readonly string[]): Invocation {
  const target = targetFlags(argv);
  const prefix = (command: string): { head: string; separator: string } => {
    if (viaNpm(io)) return { head: `npm run ${command}`, separator: ' --' };
    return { head: `${programHead(io)} ${command}`, separator: '' };
  };
  return {
    commandLine(command, args) {
      const extra = AWS_COMMANDS.has(command)
        ? target
            .filter(([flag]) => !new RegExp(`(^|\\s)${flag}(\\s|=|$)`).test(args))
            .map(([flag, value]) => ` ${flag} ${shellWord(value)}`)
            .join('')
        : '';
      const rest = `${args.trimEnd()}${extra}`;
      const { head, separator } = prefix(command);
      return rest === '' ? head : `${head}${separator}${rest.startsWith(' ') ? rest : ` ${rest}`}`;
    },
  };
}

export function rewriteHints(text: string, how: Invocation): string {
  return text.replace(HINT, (_match, command: string, args: string) => {
    const trailing = /\s*$/.exec(args)?.[0] ?? '';
    return `${how.commandLine(command, args)}${trailing}`;
  });
}

/** The same io, with every `metabase-aws <command>` hint it prints in the form the user can run. */
export function hintingIo(io: CliIo, argv: readonly string[]): CliIo {
  const how = invocation(io, argv);
  return {
    ...io,
    stdout: (text) => io.stdout(rewriteHints(text, how)),
    stderr: (text) => io.stderr(rewriteHints(text, how)),
  };
}
