// Errors a user can act on. They are printed as `<verb> <object>: <cause>` plus a line saying what to
// do, never with a stack trace. Anything else reaching the top is a bug and is reported as one.
import { explainAwsError } from '../aws/errors.js';
import { OperationError } from '../deploy/errors.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
/** drift found differences */
export const EXIT_DIFFERENCES = 2;
/** Ctrl-C or SIGTERM: the shell convention, 128 + SIGINT. */
export const EXIT_INTERRUPTED = 130;

export class UserError extends Error {
  constructor(
    /** `<verb> <object>: <cause>` */
    message: string,
    /** What to do about it: one line, imperative. */
    readonly hint: string,
    readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * An error a command met, as the UserError it is for `subject` (`deploy metabase-dev`): an orchestration
 * refusal, or an AWS error with its explanation. Anything else is returned as it is (a bug, or an
 * interruption the top level recognises).
 */
export function asUserError(error: unknown, subject: string): unknown {
  if (error instanceof UserError) return error;
  if (error instanceof OperationError) return new UserError(error.message, error.hint);
  const explained = explainAwsError(error);
  if (explained) return new UserError(`${subject}: ${explained.cause}`, explained.hint);
  return error;
}

/** One line for an error met while following an operation: what AWS or the orchestration said, and what to do. */
export function describeError(error: unknown): string {
  const explained = explainAwsError(error);
  if (explained) return `${explained.cause}. ${explained.hint}`;
  if (error instanceof OperationError) return `${error.message}. ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}
