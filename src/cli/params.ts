// The params step every command shares: pick the file, validate it offline, turn problems into one
// UserError that names the file and each key.
import { loadParams, paramsFilePath, ParamsError } from '../params/load.js';
import { stackNameProblem, type ParameterValues } from '../params/validate.js';
import { regionProblem } from '../params/target.js';
import { UserError } from './errors.js';
import { shownPath } from './files.js';
import type { CliIo } from './io.js';

export interface ParamsOptions {
  env?: string | undefined;
  params?: string | undefined;
  region?: string | undefined;
  stackName?: string | undefined;
}

export async function loadParamsOrExplain(
  options: ParamsOptions,
  io: CliIo,
  verb: string,
): Promise<{ file: string; shown: string; values: ParameterValues }> {
  const file = paramsFilePath(options, io.cwd);
  const shown = shownPath(file, io.cwd);
  if (options.stackName !== undefined) {
    const problem = stackNameProblem(options.stackName);
    if (problem)
      throw new UserError(`${verb} --stack-name: ${problem}`, 'Pick another name, e.g. metabase-dev.');
  }
  // validate takes --region without the AWS flags' check (it makes no AWS call): an unknown region would
  // pass as "ok", or refuse a good ARN as being in another region than "eu_west_1".
  if (options.region !== undefined) {
    const problem = regionProblem(options.region);
    if (problem)
      throw new UserError(`${verb} --region: ${problem}`, 'Pass a valid --region, e.g. eu-west-1.');
  }
  try {
    const context = options.region === undefined ? {} : { region: options.region };
    return { file, shown, values: await loadParams(file, context) };
  } catch (error) {
    if (!(error instanceof ParamsError)) throw error;
    const lines = error.problems.map((p) => (p.key ? `  ${p.key}: ${p.message}` : `  ${p.message}`));
    const single = error.problems.length === 1 && error.problems[0];
    const headline = single
      ? single.key
        ? `${single.key}: ${single.message}`
        : single.message
      : `${error.problems.length} problems`;
    const detail = single ? '' : `\n${lines.join('\n')}`;
    const notFound = single && single.message === 'file not found';
    throw new UserError(
      `${verb} ${shown}: ${headline}${detail}`,
      notFound
        ? `Create it (copy params/dev.json) or choose another with --env NAME or --params FILE.`
        : `Fix ${shown} and run again; the README lists every parameter and its allowed values.`,
    );
  }
}
