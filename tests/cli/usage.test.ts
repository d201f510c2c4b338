// Usage errors in the tool's words with the likely fix, and --version.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { runCli } from '../support/cli.js';
import { KNOWN_FLAGS } from '../../src/cli/main.js';

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

t.test(
  'the flags of restore and snapshots get a did-you-mean too, each unknown flag named once',
  async (t) => {
    const cases: [string[], string][] = [
      [['deploy', '--restor-from', 'latest'], 'Unknown argument: restor-from (did you mean --restore-from?)'],
      [['deploy', '--new-secret'], 'Unknown argument: new-secret (did you mean --new-secrets?)'],
      [['deploy', '--no-snapshots'], 'Unknown argument: no-snapshots (did you mean --no-snapshot?)'],
      [['snapshots', '--prune', '--kep', '1'], 'Unknown argument: kep (did you mean --keep?)'],
      [['snapshots', '--prun', '--keep', '1'], 'Unknown argument: prun (did you mean --prune?)'],
      [['drift', '--stak-name', 'x'], 'Unknown argument: stak-name (did you mean --stack-name?)'],
    ];
    for (const [argv, said] of cases) {
      const result = await runCli(argv);
      t.equal(result.code, 1, argv.join(' '));
      t.equal(result.stderr.split('\n')[0], `metabase-aws: ${said}`, argv.join(' '));
    }
  },
);

t.test('the did-you-mean knows every flag that some --help shows', async (t) => {
  const commands = ['synth', 'validate', 'diagram', 'cost', 'deploy', 'drift', 'destroy', 'watch'];
  commands.push('logs', 'status', 'snapshots', 'release-locks');
  for (const command of commands) {
    const help = (await runCli([command, '--help'])).stdout;
    for (const [, flag = ''] of help.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g))
      t.ok(KNOWN_FLAGS.includes(flag), `${command} --${flag}`);
  }
});

t.test('--version prints the package version', async (t) => {
  const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
  const result = await runCli(['--version']);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout.trim(), version);
});

t.test('--help shows every flag whole, at 100 columns and at 60', async (t) => {
  const commands = [
    'deploy',
    'destroy',
    'drift',
    'watch',
    'logs',
    'status',
    'snapshots',
    'release-locks',
    'validate',
    'cost',
  ];
  for (const columns of [100, 60]) {
    const saved = process.stdout.columns;
    process.stdout.columns = columns;
    try {
      for (const command of commands) {
        const help = (await runCli([command, '--help'])).stdout;
        // A flag cut in two leaves its tail at the start of the next line: "      -aws   metabase-aws tag".
        t.notMatch(
          help,
          /^\s+-[a-z][a-z-]*\s/m,
          `${command} --help at ${columns} columns: no flag cut in two`,
        );
      }
    } finally {
      process.stdout.columns = saved;
    }
  }
  for (const command of ['deploy', 'destroy', 'drift']) {
    const help = (await runCli([command, '--help'])).stdout;
    t.match(
      help,
      /^ {2}--i-know-this-stack-is-not-managed-by-metabase-aws$/m,
      `${command}: the override flag, whole`,
    );
  }
});

t.test('a flag given twice is refused as a usage mistake, before the command runs', async (t) => {
  // yargs makes an array of a repeated flag: read as one string it named "params/dev,prod.json", and
  // logs' --since crashed on it with a stack trace.
  const cases: [string[], string][] = [
    [['validate', '--env', 'dev', '--env', 'prod'], '--env is given 2 times ("dev", "prod"); give it once'],
    [
      ['logs', '--stack-name', 'metabase-dev', '--since', '1h', '--since', '2h'],
      '--since is given 2 times ("1h", "2h"); give it once',
    ],
    [
      ['status', '--stack-name', 'x', '--region', 'us-east-1', '--region', 'eu_west_1'],
      '--region is given 2 times ("us-east-1", "eu_west_1"); give it once',
    ],
    [
      ['deploy', '--stack-name', 'a', '--stack-name', 'b', '--no-execute'],
      '--stack-name is given 2 times ("a", "b"); give it once',
    ],
  ];
  for (const [argv, said] of cases) {
    const result = await runCli(argv, { env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' } });
    t.equal(result.code, 1, argv.join(' '));
    t.equal(result.stderr.split('\n')[0], `metabase-aws: ${said}`, argv.join(' '));
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
    t.equal(result.stdout, '', 'the command itself never ran');
  }
});
