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

/**
 * `deploy --yes | head -1`: a reader that leaves early closes the pipe. Exiting on the EPIPE would end a
 * deploy or destroy half-way with exit 0; instead the work goes on, further output to that stream is
 * dropped (said once on stderr), and the exit code is the command's own.
 */
function closablePipe(stream: NodeJS.WriteStream, onClosed: () => void): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (!closed) {
      closed = true;
      onClosed();
    }
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}

export function processIo(): CliIo {
  const stderr = closablePipe(process.stderr, () => undefined);
  const stdout = closablePipe(process.stdout, () => {
    stderr(
      'stdout was closed (by `head`?): the command goes on to its end; the rest of its output is dropped.\n',
    );
  });
  return {
    stdout,
    stderr,
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
