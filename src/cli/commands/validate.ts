import { plainHttpWarning } from '../../params/domain.js';
import { loadParamsOrExplain } from '../params.js';
import type { CliIo } from '../io.js';
import { SETTING_SLOT_PARAMETER_NAMES } from '../../synth/tiers/metabase-settings.js';

export interface ValidateOptions {
  env?: string | undefined;
  params?: string | undefined;
  region?: string | undefined;
  stackName?: string | undefined;
}

export async function validateCommand(options: ValidateOptions, io: CliIo): Promise<number> {
  const { shown, values } = await loadParamsOrExplain(options, io, 'validate');
  // A Metabase setting is two slot parameters (name, value); count it once, and empty slots not at all.
  const given = Object.entries(values).filter(
    ([name, value]) =>
      !SETTING_SLOT_PARAMETER_NAMES.includes(name) || (value !== '' && name.endsWith('Name')),
  ).length;
  io.stdout(`validate ${shown}: ok, ${given} parameters checked, no AWS call made\n`);
  const warning = plainHttpWarning(values);
  if (warning) io.stderr(`${warning}\n`);
  return 0;
}
