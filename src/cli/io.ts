/** Where a command writes; tests pass buffers, main passes the process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is an interactive terminal (live views, prompts). */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The script that was run (process.argv[1]): hints name the tool the way the user ran it. */
  program?: string | undefined;
  /** The terminal's width in columns, when stdout is one (the live progress view fits its rows to it). */
  columns?: (() => number | undefined) | undefined;
  /** Calls `listener` when the terminal is resized; returns the unsubscribe. */
  onResize?: ((listener: () => void) => () => void) | undefined;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTty: process.stdout.isTTY && process.stdin.isTTY,
    env: process.env,
    cwd: process.cwd(),
    program: process.argv[1],
    columns: () => process.stdout.columns,
    onResize: (listener) => {
      process.stdout.on('resize', listener);
      return () => void process.stdout.off('resize', listener);
    },
  };
}
