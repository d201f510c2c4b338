import { relative, resolve } from 'node:path';
import type { CliIo } from '../io.js';

export interface SynthOptions {
  out: string;
  /** The diagrams are drawn from the templates just written, so they never lag behind them. */
  diagrams?: string;
}

export async function synthCommand(options: SynthOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const { writeTemplates } = await import('../../templates-out.js');
  const directory = resolve(io.cwd, options.out);
  const files = await writeTemplates(directory);
  const elapsed = Math.round(performance.now() - started);
  io.stdout(`synth: wrote ${files.map((f) => f.name).join(', ')} to ${relative(io.cwd, directory) || '.'}/ in ${elapsed} ms\n`);
  if (options.diagrams !== undefined) {
    const { diagramCommand } = await import('./diagram.js');
    return diagramCommand({ templates: options.out, out: options.diagrams }, io);
  }
  return 0;
}
