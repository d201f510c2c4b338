// The ownership override flag, for every command that changes, deletes or reports on an existing stack
// (deploy, destroy, drift, ...): `.apply(ownershipFlag)`-style, so new commands add it with one line.
import type { Argv } from 'yargs';
import { UNMANAGED_OVERRIDE_FLAG } from '../deploy/ownership.js';

export function ownershipFlag<T>(argv: Argv<T>) {
  return argv.option(UNMANAGED_OVERRIDE_FLAG, {
    type: 'boolean',
    default: false,
    describe: 'Act on a stack that lacks the managed-by: metabase-aws tag (one this tool did not create)',
  });
}

/** The flag's value from parsed yargs arguments (its long name has no camel-case alias worth typing). */
export function allowsUnmanaged(args: Record<string, unknown>): boolean {
  return args[UNMANAGED_OVERRIDE_FLAG] === true;
}
