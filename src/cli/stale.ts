// `npm run deploy` must deploy what src/synth says, not an older templates/: an edit in src/synth that was
// never synthesized would otherwise go out silently as the old YAML. deploy compares the shipped
// templates/ with a fresh in-memory synth (pure, ~25 ms) and refuses when they differ; it does not
// rewrite them itself, because templates/ is committed and reviewed: the user runs synth and sees the diff.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The templates under `directory` that differ from what synth renders now (missing ones included). */
export async function staleTemplates(directory: string): Promise<string[]> {
  const { renderAll, BOOTSTRAP_TEMPLATE } = await import('../synth/files.js');
  const stale: string[] = [];
  for (const file of renderAll()) {
    if (file.name === BOOTSTRAP_TEMPLATE) continue; // not deployed by deploy
    const onDisk = await readFile(join(directory, file.name), 'utf8').catch(() => undefined);
    if (onDisk !== file.text) stale.push(file.name);
  }
  return stale;
}
