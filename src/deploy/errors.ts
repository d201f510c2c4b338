// A refusal or failure the user can act on, raised by the orchestration (which does not know about the
// CLI); the commands turn it into a UserError with the same message and hint.
export class OperationError extends Error {
  constructor(
    /** `<verb> <object>: <cause>` */
    message: string,
    /** one line: what to do */
    readonly hint: string,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}
