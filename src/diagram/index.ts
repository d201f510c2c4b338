// templates/ → diagrams/architecture.mmd + architecture.svg. Pure apart from reading the templates and
// writing the two files; the same function feeds the command and the up-to-date test.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toDot } from './dot.js';
import { layout } from './layout.js';
import { toMermaid } from './mermaid.js';
import { buildModel, type DiagramModel } from './model.js';
import { renderSvg } from './render.js';
import { readTemplateSet } from './templates.js';

export interface DiagramFile {
  name: string;
  text: string;
}

export async function diagramModel(templatesDirectory: string): Promise<DiagramModel> {
  return buildModel(await readTemplateSet(templatesDirectory));
}

export async function renderDiagrams(templatesDirectory: string): Promise<DiagramFile[]> {
  const model = await diagramModel(templatesDirectory);
  const picture = layout(model);
  return [
    { name: 'architecture.mmd', text: toMermaid(model, picture) },
    { name: 'architecture.svg', text: await renderSvg(toDot(model, picture)) },
  ];
}

export async function writeDiagrams(templatesDirectory: string, outDirectory: string): Promise<DiagramFile[]> {
  const files = await renderDiagrams(templatesDirectory);
  await mkdir(outDirectory, { recursive: true });
  await Promise.all(files.map((file) => writeFile(join(outDirectory, file.name), file.text)));
  return files;
}
