// Rendering every template to files: the I/O half of synth, kept out of the pure core.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bootstrapTemplate } from './synth/bootstrap.js';
import { plainTemplate, renderPlain } from './synth/render.js';
import { synthAll, templateFileName, TIER_NAMES, type CfnTemplate } from './synth/index.js';

/** The account bootstrap (GitHub OIDC role) is not part of the Metabase stack: it gets its own folder. */
export const BOOTSTRAP_TEMPLATE = 'bootstrap/github-deploy-role.yaml';

export interface RenderedFile {
  /** path under templates/ */
  name: string;
  text: string;
  /** What `text` parses back to; lets synth draw the diagrams without re-reading the YAML. */
  plain: unknown;
}

function rendered(name: string, template: CfnTemplate): RenderedFile {
  const plain = plainTemplate(template);
  return { name, text: renderPlain(plain), plain };
}

export function renderAll(): RenderedFile[] {
  const { root, tiers } = synthAll();
  return [
    rendered(templateFileName('root'), root),
    ...TIER_NAMES.map((tier) => rendered(templateFileName(tier), tiers[tier])),
    rendered(BOOTSTRAP_TEMPLATE, bootstrapTemplate()),
  ];
}

export async function writeTemplates(directory: string): Promise<RenderedFile[]> {
  const files = renderAll();
  const folders = new Set(files.map((file) => dirname(join(directory, file.name))));
  await Promise.all([...folders].map((folder) => mkdir(folder, { recursive: true })));
  await Promise.all(files.map((file) => writeFile(join(directory, file.name), file.text)));
  return files;
}
