// Errors a user can act on. They are printed as `<verb> <object>: <cause>` plus a line saying what to
// do, never with a stack trace. Anything else reaching the top is a bug and is reported as one.

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
/** drift found differences */
export const EXIT_DIFFERENCES = 2;

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
