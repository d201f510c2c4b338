// Rendering every template to files: the I/O half of synth, kept out of the pure core.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bootstrapTemplate } from './synth/bootstrap.js';
import { renderTemplate } from './synth/render.js';
import { synthAll, templateFileName, TIER_NAMES } from './synth/index.js';

/** The account bootstrap (GitHub OIDC role) is not part of the Metabase stack: it gets its own folder. */
export const BOOTSTRAP_TEMPLATE = 'bootstrap/github-deploy-role.yaml';

export interface RenderedFile {
  /** path under templates/ */
  name: string;
  text: string;
}

export function renderAll(): RenderedFile[] {
  const { root, tiers } = synthAll();
  return [
    { name: templateFileName('root'), text: renderTemplate(root) },
    ...TIER_NAMES.map((tier) => ({ name: templateFileName(tier), text: renderTemplate(tiers[tier]) })),
    { name: BOOTSTRAP_TEMPLATE, text: renderTemplate(bootstrapTemplate()) },
  ];
}

export async function writeTemplates(directory: string): Promise<RenderedFile[]> {
  const files = renderAll();
  const folders = new Set(files.map((file) => dirname(join(directory, file.name))));
  await Promise.all([...folders].map((folder) => mkdir(folder, { recursive: true })));
  await Promise.all(files.map((file) => writeFile(join(directory, file.name), file.text)));
  return files;
}
