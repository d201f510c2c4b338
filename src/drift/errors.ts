// Why a drift run could not start. The CLI turns these into `drift <stack>: <cause>` + a hint; the
// orchestration only says what it found.

export class StackNotFoundError extends Error {
  constructor(readonly stackName: string) {
    super(`stack ${stackName} does not exist`);
    this.name = 'StackNotFoundError';
  }
}

export interface UncheckableStack {
  stackName: string;
  status: string;
  statusReason?: string | undefined;
}

/** Some stack of the tree is busy or broken; DetectStackDrift would refuse it, so nothing is started. */
export class NotCheckableError extends Error {
  constructor(readonly stacks: UncheckableStack[]) {
    super(stacks.map((s) => `${s.stackName} is ${s.status}`).join(', '));
    this.name = 'NotCheckableError';
  }
}
