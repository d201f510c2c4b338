// Which stacks this tool may change or delete. deploy tags every stack it creates (MANAGED_STACK_TAGS,
// on the change set; CloudFormation copies stack tags to the nested stacks). A stack without that tag
// was made by something else: deploy would preview removing its resources, destroy would delete it,
// drift would report on someone else's stack. Every command that acts on an existing stack calls
// assertManagedStack once it has described it, before anything changes.
import { MANAGED_STACK_TAGS } from './bucket.js';
import { OperationError } from './errors.js';

/** The override, spelt out so that nobody types it by accident or out of habit. */
export const UNMANAGED_OVERRIDE_FLAG = 'i-know-this-stack-is-not-managed-by-metabase-aws';

export function isManagedStack(tags: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(MANAGED_STACK_TAGS).every(([key, value]) => tags?.[key] === value);
}

/**
 * Refuses a stack without this tool's tag unless the user passed the override. `what` says what the
 * command would do to it ("update", "delete", "check for drift").
 */
export function assertManagedStack(
  verb: string,
  stack: { stackName: string; tags?: Readonly<Record<string, string>> | undefined },
  what: string,
  override: boolean,
): void {
  if (override || isManagedStack(stack.tags)) return;
  const [[key, value] = ['managed-by', 'metabase-aws']] = Object.entries(MANAGED_STACK_TAGS);
  const found = stack.tags?.[key];
  const tagged = found === undefined ? `has no ${key} tag` : `is tagged ${key}: ${found}`;
  throw new OperationError(
    `${verb} ${stack.stackName}: refusing to ${what} a stack this tool did not create (it ${tagged}; every stack this tool deploys is tagged ${key}: ${value})`,
    `Check --stack-name, --env, --region and --profile. If this really is the stack you mean, run again with --${UNMANAGED_OVERRIDE_FLAG}.`,
  );
}
