// Usage errors in the tool's words with the likely fix, and --version.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { runCli } from '../support/cli.js';

t.test('an environment given as a positional: the hint names --env', async (t) => {
  const result = await runCli(['deploy', 'dev']);
  t.equal(result.code, 1);
  t.match(result.stderr, /an environment is a flag: --env dev/);
  t.notMatch(result.stderr, /\n\s+at /);
});

t.test('a mistyped flag gets a did-you-mean', async (t) => {
  const result = await runCli(['drift', '--stak-name', 'metabase-dev']);
  t.equal(result.code, 1);
  t.match(result.stderr, /did you mean --stack-name\?/);
});

t.test('--version prints the package version', async (t) => {
  const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
  const result = await runCli(['--version']);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout.trim(), version);
});
