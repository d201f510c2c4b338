// deploy refuses shipped templates that lag behind src/synth, so a synth edit cannot go undeployed.
import t from 'tap';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staleTemplates } from '../../src/cli/stale.js';
import { SHIPPED_TEMPLATES } from '../../src/deploy/package.js';

t.test('the committed templates are current', async (t) => {
  t.same(await staleTemplates(SHIPPED_TEMPLATES), []);
});

t.test('a template edited (or left behind) after a change in src/synth is named', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'stale-'));
  await cp(SHIPPED_TEMPLATES, dir, { recursive: true });
  const network = join(dir, 'network.yaml');
  await writeFile(network, `${await readFile(network, 'utf8')}# edited by hand\n`);
  t.same(await staleTemplates(dir), ['network.yaml']);
});
