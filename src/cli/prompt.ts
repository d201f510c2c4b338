// Asking the user one question on the terminal; injected in tests.
import { createInterface } from 'node:readline/promises';

export type Prompt = (question: string) => Promise<string>;

export const terminalPrompt: Prompt = async (question) => {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
};

/**
 * Ctrl-C at a prompt: readline closes and rl.question rejects with an AbortError (code ABORT_ERR). The
 * SIGINT handler of withInterrupt never sees it (the terminal is in raw mode), so callers must treat this
 * rejection as the interruption it is, not as a bug.
 */
export function isPromptAbort(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  return e.name === 'AbortError' || e.code === 'ABORT_ERR';
}

export interface InterruptiblePrompt {
  /** The answer, or undefined when the user pressed Ctrl-C at the prompt. */
  ask: (question: string) => Promise<string | undefined>;
  /** Whether any question was answered with Ctrl-C. */
  readonly interrupted: boolean;
}

/** A prompt on which Ctrl-C is an answer ("stop"), with a line break so the next message starts clean. */
export function interruptiblePrompt(prompt: Prompt, stderr: (text: string) => void): InterruptiblePrompt {
  let interrupted = false;
  return {
    async ask(question) {
      try {
        return await prompt(question);
      } catch (error) {
        if (!isPromptAbort(error)) throw error;
        interrupted = true;
        stderr('\n');
        return undefined;
      }
    },
    get interrupted() {
      return interrupted;
    },
  };
}

/** An AbortSignal that fires on Ctrl-C / SIGTERM while `run` is in flight; the handlers are removed after. */
export async function withInterrupt<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/**
 * Runs a command's work under Ctrl-C: on the given signal (tests) or on SIGINT/SIGTERM. The session's
 * interrupt switch, when there is one, cuts the AWS call in flight short, so a slow poll ends at once.
 */
export async function interruptibly<T>(
  run: (signal: AbortSignal) => Promise<T>,
  given: AbortSignal | undefined,
  session: { interrupt?: { interruptOn: (signal: AbortSignal) => void } | undefined },
): Promise<T> {
  const go = (signal: AbortSignal): Promise<T> => {
    session.interrupt?.interruptOn(signal);
    return run(signal);
  };
  return given ? go(given) : withInterrupt(go);
}
