// Rendering every template to files: the I/O half of synth, kept out of the pure core.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderTemplate } from './synth/render.js';
import { synthAll, templateFileName, TIER_NAMES } from './synth/index.js';

export interface RenderedFile {
  name: string;
  text: string;
}

export function renderAll(): RenderedFile[] {
  const { root, tiers } = synthAll();
  return [
    { name: templateFileName('root'), text: renderTemplate(root) },
    ...TIER_NAMES.map((tier) => ({ name: templateFileName(tier), text: renderTemplate(tiers[tier]) })),
  ];
}

export async function writeTemplates(directory: string): Promise<RenderedFile[]> {
  const files = renderAll();
  await mkdir(directory, { recursive: true });
  await Promise.all(files.map((file) => writeFile(join(directory, file.name), file.text)));
  return files;
}
