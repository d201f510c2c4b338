// The ownership override flag, for every command that changes, deletes or reports on an existing stack
// (deploy, destroy, drift, ...): `.apply(ownershipFlag)`-style, so new commands add it with one line.
import type { Argv } from 'yargs';
import { UNMANAGED_OVERRIDE_FLAG } from '../deploy/ownership.js';

export function ownershipFlag<T>(argv: Argv<T>) {
  // Out of the option table: yargs fits a flag name into half the width and breaks this long one in two
  // (`--i-know-this-stack-is-not-managed-by-metabase` / `-aws`), so --help would show a flag nobody can
  // type. The epilog prints it whole, on a line of its own.
  return argv
    .option(UNMANAGED_OVERRIDE_FLAG, {
      type: 'boolean',
      default: false,
      hidden: true,
      describe: 'Act on a stack that lacks the managed-by: metabase-aws tag (one this tool did not create)',
    })
    .epilog(
      `A stack without this tool's managed-by: metabase-aws tag is refused. To act on one anyway:\n  --${UNMANAGED_OVERRIDE_FLAG}`,
    );
}

/** The flag's value from parsed yargs arguments (its long name has no camel-case alias worth typing). */
export function allowsUnmanaged(args: Record<string, unknown>): boolean {
  return args[UNMANAGED_OVERRIDE_FLAG] === true;
}
