import t from 'tap';
import { readFile } from 'node:fs/promises';
import { ROOT_PARAMETERS, ROOT_PARAMETER_NAMES } from '../src/synth/parameters.js';

const readme = await readFile('README.md', 'utf8');

t.test('the README documents every root parameter with its real default', async (t) => {
  for (const name of ROOT_PARAMETER_NAMES) {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    t.ok(row, `${name} has a row`);
    const shownDefault = row?.split('|')[2]?.trim();
    const actual = String(ROOT_PARAMETERS[name].definition.Default);
    t.equal(shownDefault, actual === '' ? 'empty' : `\`${actual}\``, `${name} default`);
  }
});
