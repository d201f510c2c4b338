// Waiting for a stack to be gone, for the cases where no event stream is worth following (an empty
// ROLLBACK_COMPLETE / REVIEW_IN_PROGRESS stack being deleted before it is created again).
import type { CloudFormationApi } from '../aws/cloudformation.js';
import { INTERRUPTED, unlessInterrupted, type Clock } from './clock.js';
import { OperationError } from './errors.js';

/** Who waits and why, for the messages: deploy (recreating a failed stack) and destroy (a nested stack) both wait. */
export interface GoneWait {
  /** `deploy metabase-dev` */
  subject: string;
  /** `the failed stack before recreating it` */
  what: string;
  /** the hint when the deletion fails */
  ifStuck: string;
  /** `deploy again`: what to do once the deletion has finished */
  then: string;
}

export async function waitUntilGone(
  cf: CloudFormationApi,
  stackId: string,
  clock: Clock,
  purpose: GoneWait,
  timeoutMs = 30 * 60_000,
  signal?: AbortSignal,
): Promise<'gone' | 'interrupted'> {
  const deadline = clock.now() + timeoutMs;
  let delay = 1000;
  for (;;) {
    if (signal?.aborted) return 'interrupted';
    const stack = await unlessInterrupted(cf.describeStack(stackId), signal);
    if (stack === INTERRUPTED) return 'interrupted';
    if (!stack || stack.status === 'DELETE_COMPLETE') return 'gone';
    if (stack.status === 'DELETE_FAILED') {
      throw new OperationError(
        `${purpose.subject}: could not delete ${purpose.what} (${stack.statusReason ?? 'DELETE_FAILED'})`,
        purpose.ifStuck,
      );
    }
    if (clock.now() >= deadline) {
      throw new OperationError(
        `${purpose.subject}: still ${stack.status} while deleting ${purpose.what}`,
        `Wait for the deletion to finish in the CloudFormation console, then ${purpose.then}.`,
      );
    }
    await clock.sleep(delay, signal);
    delay = Math.min(delay * 2, 5000);
  }
}
