// The flags and defaults several commands share; main.ts and the commands both import them from here.
import { basename } from 'node:path';
import type { Argv } from 'yargs';
import { endpointProblem, regionProblem } from '../params/target.js';
import { UserError } from './errors.js';

export function paramsFlags<T>(argv: Argv<T>) {
  return argv
    .option('env', {
      type: 'string',
      requiresArg: true,
      describe: 'Environment: reads params/<env>.json (default dev)',
    })
    .option('params', {
      type: 'string',
      requiresArg: true,
      describe: 'Params file to use instead of params/<env>.json',
    })
    .conflicts('env', 'params');
}

/** Flags of every command that talks to a deployed stack (deploy, drift, destroy, ...). */
export function stackFlags<T>(argv: Argv<T>) {
  return paramsFlags(argv)
    .option('stack-name', {
      type: 'string',
      requiresArg: true,
      describe: 'Stack name (default metabase-<env>)',
    })
    .option('region', {
      type: 'string',
      requiresArg: true,
      describe: 'AWS region (default: AWS_REGION or your profile)',
    })
    .option('profile', {
      type: 'string',
      requiresArg: true,
      describe: 'AWS profile (default: AWS_PROFILE or the default chain)',
    })
    .option('endpoint-url', {
      type: 'string',
      requiresArg: true,
      describe: 'Override the AWS endpoint (e.g. a local moto); also AWS_ENDPOINT_URL',
    })
    .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON on stdout' })
    .middleware((args) => checkAwsTarget(String(args._[0] ?? 'metabase-aws'), args, process.env));
}

/**
 * Refuses a region or endpoint the SDK would choke on, from the flags or from the environment the SDK
 * reads (AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL), before any client is built.
 */
export function checkAwsTarget(
  verb: string,
  flags: { region?: unknown; endpointUrl?: unknown },
  env: NodeJS.ProcessEnv,
): void {
  const sources: [string, unknown, (value: string) => string | undefined][] = [
    ['--region', flags.region, regionProblem],
    ['AWS_REGION', flags.region === undefined ? env.AWS_REGION : undefined, regionProblem],
    [
      'AWS_DEFAULT_REGION',
      flags.region === undefined && !env.AWS_REGION ? env.AWS_DEFAULT_REGION : undefined,
      regionProblem,
    ],
    ['--endpoint-url', flags.endpointUrl, endpointProblem],
    ['AWS_ENDPOINT_URL', flags.endpointUrl === undefined ? env.AWS_ENDPOINT_URL : undefined, endpointProblem],
  ];
  for (const [source, value, check] of sources) {
    if (typeof value !== 'string' || value === '') continue;
    const problem = check(value);
    if (problem === undefined) continue;
    const fix = source.startsWith('--')
      ? `Pass a valid ${source}`
      : `Fix or unset ${source} in your environment, or pass --${source.includes('ENDPOINT') ? 'endpoint-url' : 'region'}`;
    throw new UserError(`${verb} ${source}: ${problem}`, `${fix}.`);
  }
}

/**
 * --stack-name, else metabase-<env>, else (for --params FILE) metabase-<FILE's name without .json>: a
 * params file never lands in another environment's stack (`--params params/prod.json` is metabase-prod,
 * not metabase-dev).
 */
export function defaultStackName(options: {
  env?: string | undefined;
  params?: string | undefined;
  stackName?: string | undefined;
}): string {
  if (options.stackName !== undefined) return options.stackName;
  if (options.env === undefined && options.params !== undefined)
    return `metabase-${basename(options.params).replace(/\.json$/i, '')}`;
  return `metabase-${options.env ?? 'dev'}`;
}
