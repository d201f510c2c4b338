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

/** The message of anything thrown: an Error's message, a string as it is, anything else as JSON. */
export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'string') return thrown;
  if (typeof thrown === 'object' && thrown !== null) return JSON.stringify(thrown);
  return String(thrown);
}
