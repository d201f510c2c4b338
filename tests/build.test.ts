// The bundled CLI (dist/, built by scripts/build.mjs before tap runs in `npm test`) behaves like the
// sources: same help text (the string-width stand-in keeps yargs' layout), same templates, no AWS SDK on
// the start-up path.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

const BIN = 'dist/cli/bin.js';
const built = existsSync(BIN);

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, COLUMNS: '' },
  });
}

t.test('dist/ is built (npm run build)', async (t) => {
  t.ok(built, `${BIN} exists`);
});

t.test('--help of the bundle equals --help of the sources', { skip: !built && 'not built' }, async (t) => {
  const bundled = cli(['--help']);
  t.equal(bundled.status, 0);
  t.equal(bundled.stdout, (await runCli(['--help'])).stdout);
  const deployHelp = cli(['deploy', '--help']);
  t.equal(
    deployHelp.stdout,
    (await runCli(['deploy', '--help'])).stdout,
    'a command with many flags lays out the same',
  );
});

t.test(
  'synth from the bundle writes exactly the committed templates',
  { skip: !built && 'not built' },
  async (t) => {
    const out = await mkdtemp(join(tmpdir(), 'mb-build-'));
    const result = cli(['synth', '--out', join(out, 'templates'), '--diagrams', join(out, 'diagrams')]);
    t.equal(result.status, 0, result.stderr);
    for (const name of (await readdir('templates', { recursive: true })).filter((f) => f.endsWith('.yaml'))) {
      t.equal(
        await readFile(join(out, 'templates', name), 'utf8'),
        await readFile(join('templates', name), 'utf8'),
        name,
      );
    }
  },
);

t.test(
  'the start-up path does not load the AWS SDK or Graphviz',
  { skip: !built && 'not built' },
  async (t) => {
    // Every chunk reachable from bin.js through static imports (dynamic import() calls are lazy).
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = await readFile(join('dist/cli', file), 'utf8');
      t.notMatch(text, /new CloudFormationClient|new S3Client|@aws-sdk\/client-/, `${file}: no AWS SDK`);
      t.notMatch(text, /wasm-graphviz/, `${file}: no Graphviz`);
      for (const [, next] of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;(]*?["']\.\/([^"']+)["'];/g))
        await visit(next!);
    };
    await visit('bin.js');
    t.ok(seen.size >= 2, `${seen.size} chunks on the start-up path`);
  },
);
