// Waiting for a stack to be gone, for the cases where no event stream is worth following (an empty
// ROLLBACK_COMPLETE / REVIEW_IN_PROGRESS stack being deleted before it is created again).
import type { CloudFormationApi } from '../aws/cloudformation.js';
import type { Clock } from './clock.js';
import { OperationError } from './errors.js';

export async function waitUntilGone(cf: CloudFormationApi, stackId: string, clock: Clock, stackName: string, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = clock.now() + timeoutMs;
  let delay = 1000;
  for (;;) {
    const stack = await cf.describeStack(stackId);
    if (!stack || stack.status === 'DELETE_COMPLETE') return;
    if (stack.status === 'DELETE_FAILED') {
      throw new OperationError(
        `deploy ${stackName}: could not delete the failed stack before recreating it (${stack.statusReason ?? 'DELETE_FAILED'})`,
        `Run \`metabase-aws destroy --stack-name ${stackName}\` to see what is stuck, then deploy again.`,
      );
    }
    if (clock.now() >= deadline) {
      throw new OperationError(`deploy ${stackName}: the old stack is still ${stack.status}`, 'Wait for the deletion to finish in the CloudFormation console, then deploy again.');
    }
    await clock.sleep(delay);
    delay = Math.min(delay * 2, 5000);
  }
}
