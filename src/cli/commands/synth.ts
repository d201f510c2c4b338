import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { CfnTemplate as CfnTemplateData } from '../../diagram/templates.js';
import type { RenderedFile } from '../../synth/files.js';
import { prepareOutputDirectory } from '../files.js';
import type { CliIo } from '../io.js';

export interface SynthOptions {
  out: string;
  /** The diagrams are drawn from the templates just written, so they never lag behind them. */
  diagrams?: string;
}

export async function synthCommand(options: SynthOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const directory = resolve(io.cwd, options.out);
  // Both directories first: a bad --diagrams must not leave new templates behind without their drawing.
  await prepareOutputDirectory('synth', '--out', directory, io.cwd);
  if (options.diagrams !== undefined)
    await prepareOutputDirectory('synth', '--diagrams', resolve(io.cwd, options.diagrams), io.cwd);
  const files = await writeTemplates(directory);
  const elapsed = Math.round(performance.now() - started);
  io.stdout(
    `synth: wrote ${files.map((f) => f.name).join(', ')} to ${relative(io.cwd, directory) || '.'}/ in ${elapsed} ms\n`,
  );
  if (options.diagrams !== undefined) {
    // Drawn from the templates just built, in memory: the same content as the files, without re-parsing them.
    const { writeDiagrams } = await import('../../diagram/index.js');
    const { templateSetFrom } = await import('../../diagram/templates.js');
    const plainByName = new Map(files.map((file) => [file.name, file.plain as CfnTemplateData]));
    const rendered = (name: string): CfnTemplateData => {
      const plain = plainByName.get(name);
      if (plain === undefined) throw new Error(`synth: the root names ${name}, which synth did not render`);
      return plain;
    };
    const set = await templateSetFrom(rendered('root.yaml'), (name) => Promise.resolve(rendered(name)));
    const drawingStarted = performance.now();
    const out = resolve(io.cwd, options.diagrams);
    const drawn = await writeDiagrams(set, out);
    const drawing = Math.round(performance.now() - drawingStarted);
    io.stdout(
      `synth: drew ${drawn.map((f) => f.name).join(', ')} in ${relative(io.cwd, out) || '.'}/ in ${drawing} ms\n`,
    );
  }
  return 0;
}

/** The I/O half of synth: the rendering itself (src/synth/files.ts) is pure. */
async function writeTemplates(directory: string): Promise<RenderedFile[]> {
  const { renderAll } = await import('../../synth/files.js');
  const files = renderAll();
  const folders = new Set(files.map((file) => dirname(join(directory, file.name))));
  await Promise.all([...folders].map((folder) => mkdir(folder, { recursive: true })));
  await Promise.all(files.map((file) => writeFile(join(directory, file.name), file.text)));
  return files;
}
