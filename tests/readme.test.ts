import t from 'tap';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_INSTANCE_CLASSES } from '../src/synth/config.js';
import { runCli, plainTemplates } from './support/cli.js';
import { existingResources, tierValues } from './support/conditions.js';
import { prodParamsFile } from './support/prod-params.js';
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

// The README against the tool itself (issue 18): the sample output, the counts and the lists it states
// must be what the tool says and does today, not what it said when the paragraph was written.
const COMMANDS = [
  'synth',
  'validate',
  'diagram',
  'cost',
  'deploy',
  'drift',
  'destroy',
  'watch',
  'logs',
  'status',
  'snapshots',
  'release-locks',
] as const;
const helpOf = new Map<string, string>();
for (const command of COMMANDS) helpOf.set(command, (await runCli([command, '--help'])).stdout);
const flagsIn = (text: string): string[] =>
  [...text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]!);

t.test('every `npm run X -- …` line in the README uses flags X really has', async (t) => {
  let checked = 0;
  for (const [, command = '', args = ''] of readme.matchAll(/npm run ([a-z-]+) -- ([^`|#\n]*)/g)) {
    const help = helpOf.get(command);
    t.ok(help, `${command} is a command`);
    for (const flag of flagsIn(args)) {
      t.match(
        help ?? '',
        new RegExp(`--${flag}\\b`),
        `npm run ${command} -- … --${flag}: in ${command} --help`,
      );
      checked++;
    }
  }
  t.ok(checked > 20, `${checked} flags checked`);
});

t.test('every flag the README gives this tool is a flag of some command', async (t) => {
  const known = new Set([...helpOf.values()].flatMap(flagsIn));
  // Inline code that is this tool's command line or a bare flag; `aws …`, `git …` and `npx …` spans are
  // other programs' flags.
  const spans = [...readme.matchAll(/`([^`\n]+)`/g)]
    .map((m) => m[1]!)
    .filter((span) => /^(--|npm run |metabase-aws |node dist\/cli\/bin\.js )/.test(span));
  t.ok(spans.length > 30, `${spans.length} spans`);
  for (const flag of new Set(spans.flatMap(flagsIn)))
    t.ok(known.has(flag) || known.has(flag.replace(/^no-/, '')), `--${flag} is in some command's --help`);
});

t.test('the README names only params files that exist, apart from its examples of mistakes', async (t) => {
  const examples = new Set(['params/broken.json', 'params/staging.json', 'params/NAME.json']);
  for (const file of new Set(readme.match(/params\/[\w-]+\.json/g) ?? [])) {
    if (examples.has(file)) continue;
    t.ok(existsSync(file), `${file} exists`);
  }
});

t.test('the sample output of validate is what validate prints', async (t) => {
  /** The lines under `$ npm run validate -- <args>`, up to a blank line or the end of the block. */
  const sampleOf = (args: string): string | undefined => {
    const escaped = args.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    return new RegExp(String.raw`\$ npm run validate -- ${escaped}\n((?:.+\n)+?)(?:\n|` + '```)')
      .exec(readme)?.[1]
      ?.trimEnd();
  };
  const printed = (result: { stdout: string; stderr: string }): string =>
    (result.stdout + result.stderr).trimEnd();
  // prod as shipped (its placeholders refused), prod filled in (a checkout whose params/prod.json is), and
  // dev (plain HTTP to the internet: the warning).
  t.equal(sampleOf('--env prod'), printed(await runCli(['validate', '--env', 'prod'])));
  const checkout = await mkdtemp(join(tmpdir(), 'readme-checkout-'));
  await mkdir(join(checkout, 'params'));
  await writeFile(join(checkout, 'params', 'prod.json'), await readFile(await prodParamsFile(), 'utf8'));
  t.equal(
    sampleOf('--env prod     # filled in'),
    printed(await runCli(['validate', '--env', 'prod'], { cwd: checkout })),
  );
  t.equal(sampleOf('--env dev'), printed(await runCli(['validate', '--env', 'dev'])));

  const dir = await mkdtemp(join(tmpdir(), 'readme-'));
  const broken = join(dir, 'broken.json');
  // params/dev.json with the two mistakes of the sample: a misspelt key and a size Fargate refuses.
  const { DbInstanceClass, ...dev } = JSON.parse(await readFile('params/dev.json', 'utf8')) as Record<
    string,
    unknown
  >;
  await writeFile(
    broken,
    JSON.stringify({ ...dev, DbInstanceClas: DbInstanceClass, TaskCpu: '1024', TaskMemory: '9216' }),
  );
  const block = /\$ npm run validate -- --params params\/broken\.json\n((?:.+\n)+?)```/.exec(readme)?.[1];
  const result = await runCli(['validate', '--params', broken]);
  t.equal(
    block?.trimEnd(),
    (result.stdout + result.stderr).replaceAll(broken, 'params/broken.json').trimEnd(),
  );
});

t.test('the instance classes the README lists are the ones DbInstanceClass allows', async (t) => {
  const row = readme.split('\n').find((line) => line.startsWith('| `DbInstanceClass` |')) ?? '';
  const listed = row.split('|')[3]?.trim() ?? '';
  const families = new Map<string, string[]>();
  for (const cls of DB_INSTANCE_CLASSES) {
    const [, family = '', size = ''] = /^db\.(\w+)\.(\w+)$/.exec(cls) ?? [];
    families.set(family, [...(families.get(family) ?? []), size]);
  }
  for (const [family, sizes] of families) {
    const range = sizes.length === 1 ? sizes[0]! : `${sizes[0]}–${sizes[sizes.length - 1]}`;
    t.match(
      listed,
      new RegExp(`\\b${family}\\b[^,]*?${range}|${family}/\\w+ ${range}|\\w+/${family} ${range}`),
      `${family}: ${range}`,
    );
  }
});

t.test("destroy's sample counts are what the dev stack holds", async (t) => {
  const tiers = plainTemplates();
  const values = await tierValues('params/dev.json');
  const counts: Record<string, number> = {
    NetworkStack: existingResources(tiers.network, values).length,
    EdgeStack: existingResources(tiers.edge, values).length,
    DataStack: existingResources(tiers.data, values).length,
    AppStack: existingResources(tiers.app, values).length,
  };
  // The root's own resources are its four nested stacks, which destroy counts as stacks, not resources.
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const headline = /Will delete metabase-dev \(UPDATE_COMPLETE\): (\d+) stacks, (\d+) resources/.exec(readme);
  t.equal(Number(headline?.[1]), 5, 'the root and four nested stacks');
  t.equal(Number(headline?.[2]), total, `resources: ${JSON.stringify(counts)}`);
  for (const [, stack = '', count = ''] of readme.matchAll(/^ {2}- (\w+Stack) +(\d+) resources$/gm))
    t.equal(Number(count), counts[stack], stack);
});
