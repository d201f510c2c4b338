// No import cycles in src/: a cycle means two modules each need the other loaded first, and under ESM one of
// them sees the other's bindings before they are initialised. Static imports, re-exports and dynamic
// import() all count: main.ts loads each command lazily, but a command importing main.ts back is still a cycle.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import t from 'tap';

const SRC = resolve(import.meta.dirname, '../src');
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** file → the src files it imports (relative specifiers only; `.js` in a specifier names the `.ts` source). */
export function importGraph(files: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of files) {
    const targets = [...text.matchAll(SPECIFIER)]
      .map((match) => resolve(dirname(file), (match[1] ?? '').replace(/\.js$/, '.ts')))
      .filter((target) => files.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the list of files from its first to its last. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

t.test('the detector finds a cycle through a dynamic import and a re-export', async (t) => {
  const files = new Map([
    ['/x/a.ts', "const b = await import('./b.js');"],
    ['/x/b.ts', "export { c } from './sub/c.js';"],
    ['/x/sub/c.ts', "import type { A } from '../a.js';"],
    ['/x/d.ts', "import { a } from './a.js';"],
  ]);
  const cycles = findCycles(importGraph(files));
  t.same(cycles, [['/x/a.ts', '/x/b.ts', '/x/sub/c.ts']]);
});

t.test('src/ has no import cycle', async (t) => {
  const files = new Map(sourceFiles(SRC).map((file) => [file, readFileSync(file, 'utf8')]));
  t.ok(files.size > 50, `read ${files.size} source files`);
  const cycles = findCycles(importGraph(files)).map((cycle) =>
    [...cycle, cycle[0]].map((file) => relative(SRC, file ?? '')).join(' → '),
  );
  t.same(cycles, [], 'each cycle is listed as a → b → a');
});
