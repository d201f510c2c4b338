import t from 'tap';
import { readFile, readdir } from 'node:fs/promises';
import { renderAll } from '../../src/synth/files.js';

t.test('committed templates/ equal what synth produces now', async (t) => {
  const files = renderAll();
  const committed = (await readdir('templates', { recursive: true }))
    .filter((name) => name.endsWith('.yaml'))
    .sort();
  t.same(committed, files.map((f) => f.name).sort(), 'same set of files');
  for (const file of files) {
    const onDisk = await readFile(`templates/${file.name}`, 'utf8');
    t.equal(onDisk, file.text, `templates/${file.name} is up to date (run npm run synth and commit)`);
  }
});

t.test('synth is deterministic: two runs give identical bytes', async (t) => {
  const first = renderAll();
  const second = renderAll();
  t.same(second, first);
});
