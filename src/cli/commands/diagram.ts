import { relative, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { UserError } from '../errors.js';

export interface DiagramOptions {
  templates: string;
  out: string;
}

export async function diagramCommand(options: DiagramOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const { writeDiagrams } = await import('../../diagram/index.js');
  const templates = resolve(io.cwd, options.templates);
  const out = resolve(io.cwd, options.out);
  let files;
  try {
    files = await writeDiagrams(templates, out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new UserError(
      `diagram ${relative(io.cwd, templates) || '.'}: no root.yaml there`,
      'Run `npm run synth` first, or point --templates at the generated templates.',
    );
  }
  const elapsed = Math.round(performance.now() - started);
  io.stdout(
    `diagram: wrote ${files.map((f) => f.name).join(', ')} to ${relative(io.cwd, out) || '.'}/ in ${elapsed} ms\n`,
  );
  return 0;
}
