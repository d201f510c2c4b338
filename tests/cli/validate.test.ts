import t from 'tap';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { prodParams, prodParamsFile } from '../support/prod-params.js';

const scratch = await mkdtemp(join(tmpdir(), 'mb-validate-'));
async function paramsFile(name: string, text: string): Promise<string> {
  const file = join(scratch, name);
  await writeFile(file, text);
  return file;
}

t.test('validate --env dev exits 0 and warns that it serves plain HTTP to the internet', async (t) => {
  const result = await runCli(['validate', '--env', 'dev']);
  t.equal(result.code, 0);
  t.match(result.stdout, /validate params\/dev\.json: ok/);
  t.match(result.stderr, /^warning: Metabase will be served over plain HTTP to the whole internet/);
});

t.test('validate --env prod refuses the shipped placeholders; filled in, it is ok and silent', async (t) => {
  const shipped = await runCli(['validate', '--env', 'prod']);
  t.equal(shipped.code, 1);
  t.match(
    shipped.stderr,
    /validate params\/prod\.json: 3 problems\n {2}DomainName: is still the placeholder/,
  );
  const filled = await runCli(['validate', '--params', await prodParamsFile()]);
  t.equal(filled.code, 0, filled.stderr);
  t.match(filled.stdout, /prod\.json: ok/);
  t.equal(filled.stderr, '', 'HTTPS on a domain: no warning');
});

t.test('a missing file names the file and says what to do, no stack trace', async (t) => {
  const result = await runCli(['validate', '--env', 'staging']);
  t.equal(result.code, 1);
  t.match(result.stderr, /^validate params\/staging\.json: file not found\nCreate it/);
  t.notMatch(result.stderr, /\n\s+at /);
});

t.test('broken JSON is reported with line and column', async (t) => {
  const file = await paramsFile('broken.json', '{\n  "TaskCpu": "1024",\n  "TaskMemory": 2048,,\n}\n');
  const result = await runCli(['validate', '--params', file]);
  t.equal(result.code, 1);
  t.match(result.stderr, /broken\.json: not valid JSON: .* at line 3, column 22/);
});

t.test('several problems are listed by key, each on its own line', async (t) => {
  const file = await paramsFile(
    'bad.json',
    JSON.stringify({
      MetabaseVersion: 'v0.64.2.2',
      DbEngineVersion: '17.9',
      TaskCpu: '1024',
      TaskMemory: '9216',
      DbInstanceClas: 'db.t4g.micro',
    }),
  );
  const result = await runCli(['validate', '--params', file]);
  t.equal(result.code, 1);
  t.match(
    result.stderr,
    /bad\.json: 2 problems\n {2}DbInstanceClas: unknown parameter; did you mean DbInstanceClass\?\n {2}TaskMemory: 9216 MiB is not a size/,
  );
  t.match(result.stderr, /Fix .*bad\.json and run again/);
});

t.test('a bad stack name is refused before reading anything', async (t) => {
  const result = await runCli(['validate', '--env', 'dev', '--stack-name', 'my_stack']);
  t.equal(result.code, 1);
  t.match(result.stderr, /validate --stack-name: "my_stack" is not a valid stack name/);
});

t.test('usage errors: unknown command, unknown flag, --env with --params', async (t) => {
  const unknownCommand = await runCli(['deplyo']);
  t.equal(unknownCommand.code, 1);
  t.match(unknownCommand.stderr, /Run `metabase-aws --help` for usage/);
  t.match(unknownCommand.stderr, /^metabase-aws: unknown command "deplyo"\. Did you mean deploy\?/);
  const unknownFlag = await runCli(['validate', '--bogus']);
  t.equal(unknownFlag.code, 1);
  t.match(unknownFlag.stderr, /Unknown argument: bogus/);
  t.equal(unknownFlag.stdout, '', 'the command itself never ran');
  const both = await runCli(['validate', '--env', 'dev', '--params', 'params/dev.json']);
  t.equal(both.code, 1);
  t.match(both.stderr, /mutually exclusive|conflict/i);
});

t.test('--help lists the commands and exits 0', async (t) => {
  const result = await runCli(['--help']);
  t.equal(result.code, 0);
  t.match(result.stdout, /synth/);
  t.match(result.stdout, /validate/);
});

t.test('a flag given without its value says so', async (t) => {
  const result = await runCli(['validate', '--env']);
  t.equal(result.code, 1);
  t.match(result.stderr, /Not enough arguments following: env/);
  t.match(result.stderr, /--help/);
});

t.test('a file outside the working directory is named by its absolute path, ok or not', async (t) => {
  const file = await prodParamsFile();
  const ok = await runCli(['validate', '--params', file]);
  t.equal(ok.code, 0, ok.stderr);
  // The path is the point here; the README test holds the count.
  t.equal(
    ok.stdout.replace(/ \d+ parameters/, ' N parameters'),
    `validate ${file}: ok, N parameters checked, no AWS call made\n`,
  );
  const bad = await paramsFile(
    'bad-email.json',
    JSON.stringify({ ...(await prodParams()), AdminEmail: 'you@example' }),
  );
  const refused = await runCli(['validate', '--params', bad]);
  t.match(refused.stderr, `validate ${bad}: AdminEmail:`);
});

t.test('--region must be a region AWS knows, as for the commands that call AWS', async (t) => {
  // It said "ok" for --region eu_west_1, and would have compared ARNs with that name.
  const typo = await runCli(['validate', '--env', 'dev', '--region', 'eu_west_1']);
  t.equal(typo.code, 1);
  t.equal(
    typo.stderr.split('\n')[0],
    'validate --region: "eu_west_1" is not a region name (lower-case letters, digits and hyphens, like eu-west-1); did you mean eu-west-1?',
  );
  t.equal(typo.stdout, '', 'no ok line');
  const unknown = await runCli(['validate', '--env', 'dev', '--region', 'eu-west-9']);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /validate --region: "eu-west-9" is not a region AWS knows/);
  const known = await runCli(['validate', '--env', 'dev', '--region', 'eu-west-1']);
  t.equal(known.code, 0, known.stderr);
});
