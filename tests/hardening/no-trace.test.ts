// A family of broken inputs for every command, through the CLI: each ends in `<verb> <object>: <cause>`
// plus a line saying what to do, exit 1, and never a stack trace. Only a real bug may show a trace.
import t, { type Test } from 'tap';
import { mkdtemp, mkdir, readdir, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../support/cli.js';

const dir = await mkdtemp(join(tmpdir(), 'no-trace-'));
const aFile = join(dir, 'a-file');
await writeFile(aFile, 'not a directory\n');
const brokenYaml = join(dir, 'broken-yaml');
await mkdir(brokenYaml);
await writeFile(join(brokenYaml, 'root.yaml'), 'Resources:\n  Bucket: {Type: AWS::S3::Bucket\n');
const foreign = join(dir, 'foreign');
await mkdir(foreign);
await writeFile(join(foreign, 'root.yaml'), 'AWSTemplateFormatVersion: "2010-09-09"\nOutputs: {}\n');
const foreignNested = join(dir, 'foreign-nested');
await mkdir(foreignNested);
await writeFile(
  join(foreignNested, 'root.yaml'),
  'Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://example.com/x.yaml\n',
);
const onlyABucket = join(dir, 'only-a-bucket');
await mkdir(onlyABucket);
await writeFile(join(onlyABucket, 'root.yaml'), 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n');

function assertUserError(t: Test, result: CliResult, verb: RegExp, label: string): void {
  t.equal(result.code, 1, `${label}: exit 1\n${result.stderr}`);
  t.notMatch(result.stderr, /\n\s+at .+:\d+/, `${label}: no stack trace`);
  t.notMatch(result.stderr, /unexpected error/, `${label}: not reported as a bug`);
  const [first, second] = result.stderr.trimEnd().split('\n');
  t.match(first, new RegExp(`^${verb.source} \\S.*: \\S`), `${label}: <verb> <object>: <cause>`);
  t.ok(second && second.length > 10, `${label}: a line saying what to do`);
}

const AWS_COMMANDS = ['deploy', 'destroy', 'drift', 'watch'];
const badTargets: [string, string[], Record<string, string>][] = [
  ['--endpoint-url not a URL', ['--endpoint-url', 'not a url'], {}],
  ['--endpoint-url without a scheme', ['--endpoint-url', 'localhost:5000'], {}],
  ['--endpoint-url ftp', ['--endpoint-url', 'ftp://example.com'], {}],
  ['--region with a space', ['--region', 'eu west-1'], {}],
  ['--region with underscores', ['--region', 'eu_west_1'], {}],
  ['AWS_REGION with a space', [], { AWS_REGION: 'eu west-1' }],
  ['AWS_REGION with underscores', [], { AWS_REGION: 'us_east_1' }],
  ['AWS_ENDPOINT_URL not a URL', [], { AWS_ENDPOINT_URL: 'moto' }],
];

t.test('AWS commands: a bad region or endpoint, from a flag or the environment', async (t) => {
  for (const command of AWS_COMMANDS) {
    for (const [label, flags, env] of badTargets) {
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      try {
        const result = await runCli(
          [command, '--env', 'dev', '--yes', ...flags].filter((a) =>
            command !== 'drift' && command !== 'watch' ? true : a !== '--yes',
          ),
        );
        assertUserError(t, result, new RegExp(command), `${command} ${label}`);
        t.match(
          result.stderr,
          /--region|AWS_REGION|--endpoint-url|AWS_ENDPOINT_URL/,
          `${command} ${label}: names the source`,
        );
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) Reflect.deleteProperty(process.env, k);
          else process.env[k] = v;
        }
      }
    }
  }
});

t.test('a region typo gets a did-you-mean', async (t) => {
  const result = await runCli(['drift', '--env', 'dev', '--region', 'eu-wset-1']);
  assertUserError(t, result, /drift/, 'typo');
  t.match(result.stderr, /did you mean eu-west-1\?/);
});

t.test(
  'a bad region in the profile file (which only the SDK reads): every AWS command says so',
  async (t) => {
    const config = join(dir, 'aws-config');
    await writeFile(config, '[profile malformed]\nregion = eu_west_1\n[profile typo]\nregion = eu-wset-1\n');
    const saved = { file: process.env.AWS_CONFIG_FILE, region: process.env.AWS_REGION };
    process.env.AWS_CONFIG_FILE = config;
    Reflect.deleteProperty(process.env, 'AWS_REGION');
    t.teardown(() => {
      if (saved.file === undefined) Reflect.deleteProperty(process.env, 'AWS_CONFIG_FILE');
      else process.env.AWS_CONFIG_FILE = saved.file;
      if (saved.region !== undefined) process.env.AWS_REGION = saved.region;
    });
    const commands: string[][] = [
      ['deploy', '--yes'],
      ['destroy', '--yes'],
      ['drift'],
      ['watch'],
      ['logs'],
      ['status'],
      ['snapshots'],
      ['release-locks'],
    ];
    for (const [command = '', ...rest] of commands) {
      for (const [profile, said] of [
        ['malformed', /"eu_west_1" is not a region name.*did you mean eu-west-1\?/],
        ['typo', /"eu-wset-1" is not a region AWS knows; did you mean eu-west-1\?/],
      ] as const) {
        const result = await runCli([
          command,
          '--env',
          'dev',
          ...rest,
          '--profile',
          profile,
          // Nothing may be asked of any endpoint: the region is refused first.
          '--endpoint-url',
          'http://127.0.0.1:9',
        ]);
        assertUserError(t, result, new RegExp(command), `${command} --profile ${profile}`);
        t.match(result.stderr, said, `${command} --profile ${profile}: names the region`);
        t.match(result.stderr, /~\/\.aws\/config/, `${command} --profile ${profile}: says where to fix it`);
      }
    }
  },
);

t.test('synth into a path that is a file: no trace, and nothing half-written', async (t) => {
  const out = join(dir, 'synth-out');
  assertUserError(t, await runCli(['synth', '--out', aFile]), /synth/, 'synth --out FILE');
  assertUserError(
    t,
    await runCli(['synth', '--out', out, '--diagrams', aFile]),
    /synth/,
    'synth --diagrams FILE',
  );
  const written = await readdir(out).catch(() => []);
  t.same(written, [], 'no templates were written before the diagrams directory failed');
  assertUserError(
    t,
    await runCli(['synth', '--out', join(aFile, 'below')]),
    /synth/,
    'synth --out below a file',
  );
});

t.test(
  'synth and diagram into a read-only directory',
  { skip: process.getuid?.() === 0 ? 'root may write anywhere' : false },
  async (t) => {
    const readOnly = join(dir, 'read-only');
    await mkdir(readOnly);
    await chmod(readOnly, 0o555);
    assertUserError(
      t,
      await runCli(['synth', '--out', join(readOnly, 'templates')]),
      /synth/,
      'synth read-only',
    );
    assertUserError(t, await runCli(['diagram', '--out', readOnly]), /diagram/, 'diagram read-only');
  },
);

t.test('diagram: into a file, over broken YAML, over templates that are not this tool’s', async (t) => {
  assertUserError(t, await runCli(['diagram', '--out', aFile]), /diagram/, 'diagram --out FILE');
  const yaml = await runCli(['diagram', '--templates', brokenYaml, '--out', join(dir, 'd1')]);
  assertUserError(t, yaml, /diagram/, 'broken YAML');
  t.match(yaml.stderr, /root\.yaml/, 'names the file');
  for (const [label, templates] of [
    ['no Resources', foreign],
    ['a nested stack with a remote URL', foreignNested],
    ['a template with none of the tiers', onlyABucket],
    ['a file instead of a directory', aFile],
  ] as const) {
    assertUserError(
      t,
      await runCli(['diagram', '--templates', templates, '--out', join(dir, 'd2')]),
      /diagram/,
      label,
    );
  }
});

t.test('params-reading commands: a directory, a missing file', async (t) => {
  for (const command of ['validate', 'cost', 'deploy']) {
    assertUserError(
      t,
      await runCli([command, '--params', dir]),
      new RegExp(command),
      `${command} --params DIR`,
    );
    assertUserError(
      t,
      await runCli([command, '--params', join(dir, 'missing.json')]),
      new RegExp(command),
      `${command} --params missing`,
    );
  }
});
