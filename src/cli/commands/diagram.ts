import { relative, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { UserError } from '../errors.js';
import { fileUserError, isSystemError, prepareOutputDirectory } from '../files.js';

export interface DiagramOptions {
  templates: string;
  out: string;
}

export async function diagramCommand(options: DiagramOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const { writeDiagrams } = await import('../../diagram/index.js');
  const { buildModel } = await import('../../diagram/model.js');
  const { readTemplateSet } = await import('../../diagram/templates.js');
  const templates = resolve(io.cwd, options.templates);
  const out = resolve(io.cwd, options.out);
  await prepareOutputDirectory('diagram', '--out', out, io.cwd);
  const shown = relative(io.cwd, templates) || '.';
  let set;
  try {
    set = await readTemplateSet(templates);
    // Modelling is where templates that are not this tool's fail (no VPC, no tiers): check it up front.
    buildModel(set);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new UserError(
        `diagram ${shown}: no root.yaml there`,
        'Run `npm run synth` first, or point --templates at the generated templates.',
      );
    if (isSystemError(error)) throw fileUserError('diagram', error, io.cwd);
    // Broken YAML or a template of another tool: the input is wrong, not this code.
    throw new UserError(
      `diagram ${shown}: cannot draw these templates: ${(error as Error).message.split('\n')[0]}`,
      'diagram draws the templates `synth` writes: run `npm run synth`, or point --templates at them.',
    );
  }
  const files = await writeDiagrams(set, out);
  const elapsed = Math.round(performance.now() - started);
  io.stdout(
    `diagram: wrote ${files.map((f) => f.name).join(', ')} to ${relative(io.cwd, out) || '.'}/ in ${elapsed} ms\n`,
  );
  return 0;
}
