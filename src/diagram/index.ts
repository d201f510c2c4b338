// templates/ → diagrams/architecture.mmd + architecture.svg. Pure apart from reading the templates and
// writing the two files; the same function feeds the command and the up-to-date test.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toDot } from './dot.js';
import { layout } from './layout.js';
import { toMermaid } from './mermaid.js';
import { buildModel, type DiagramModel } from './model.js';
import { renderSvg } from './render.js';
import { readTemplateSet, type TemplateSet } from './templates.js';

export interface DiagramFile {
  name: string;
  text: string;
}

export async function diagramModel(templatesDirectory: string): Promise<DiagramModel> {
  return buildModel(await readTemplateSet(templatesDirectory));
}

/** Templates as a directory of YAML files, or already in memory (synth has just built them). */
export type TemplateSource = string | TemplateSet;

const SVG_SOURCE_MARK = /<!-- dot-sha256: ([0-9a-f]{64}) -->/;

/**
 * Drawing costs ~200 ms (the wasm Graphviz), so the SVG records the hash of the DOT it was drawn from and
 * a previous SVG of the same DOT is reused as is. Output is identical either way.
 */
export async function renderDiagrams(source: TemplateSource, previousSvg?: string): Promise<DiagramFile[]> {
  const model = typeof source === 'string' ? await diagramModel(source) : buildModel(source);
  const picture = layout(model);
  const dot = toDot(model, picture);
  const hash = createHash('sha256').update(dot).digest('hex');
  const reusable = previousSvg !== undefined && SVG_SOURCE_MARK.exec(previousSvg)?.[1] === hash;
  const svg = reusable ? previousSvg : withSourceMark(await renderSvg(dot), hash);
  return [
    { name: 'architecture.mmd', text: toMermaid(model, picture) },
    { name: 'architecture.svg', text: svg },
  ];
}

/** The mark goes after the XML declaration, which must stay the first thing in the file. */
function withSourceMark(svg: string, hash: string): string {
  const declaration = /^<\?xml[^>]*\?>\n/.exec(svg)?.[0] ?? '';
  return `${declaration}<!-- dot-sha256: ${hash} -->\n${svg.slice(declaration.length)}`;
}

export async function writeDiagrams(source: TemplateSource, outDirectory: string): Promise<DiagramFile[]> {
  const previousSvg = await readFile(join(outDirectory, 'architecture.svg'), 'utf8').catch(() => undefined);
  const files = await renderDiagrams(source, previousSvg);
  await mkdir(outDirectory, { recursive: true });
  await Promise.all(files.map((file) => writeFile(join(outDirectory, file.name), file.text)));
  return files;
}
