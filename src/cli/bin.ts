#!/usr/bin/env node
import { EXIT_INTERRUPTED } from './errors.js';
import { run } from './main.js';
import { processIo } from './io.js';

// A closed stdout or stderr (`| head`) is handled in processIo: the work goes on, the output is dropped.
const exitCode = await run(process.argv.slice(2), processIo());
process.exitCode = exitCode;
if (exitCode === EXIT_INTERRUPTED) {
  // After Ctrl-C the command has cleaned up and said how it ended, but a read it stopped waiting for (see
  // InterruptSwitch in src/aws/session.ts) can still hold its socket open until AWS answers. Nothing is
  // left to do: end once the output is written, rather than when that answer comes.
  await Promise.all([written(process.stdout), written(process.stderr)]);
  process.exit(exitCode);
}

function written(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}
