// GIVEN a broken params file (each case of the hardening list) WHEN deploy runs against an endpoint
// that records every request THEN it exits non-zero, names the file and the key, and AWS hears nothing.
import t from 'tap';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const requests: string[] = [];
const server = createServer((request: IncomingMessage, response) => {
  requests.push(`${request.method} ${request.url}`);
  response.writeHead(500).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
const address = server.address();
const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const dev = JSON.parse(await readFile('params/dev.json', 'utf8')) as Record<string, unknown>;
const scratch = await mkdtemp(join(tmpdir(), 'mb-no-call-'));
// The SDK reads credentials from the process environment: give it some, so only our own checks can stop it.
const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', AWS_REGION: 'us-east-1' };
Object.assign(process.env, env);

const { MetabaseVersion: _version, ...withoutVersion } = dev;
const cases: { title: string; text: string | undefined; key: RegExp; extra?: string[] }[] = [
  { title: 'file not found', text: undefined, key: /file not found/ },
  { title: 'not JSON', text: '{ "TaskCpu": "1024",, }', key: /not valid JSON: .* at line 1, column 21/ },
  {
    title: 'unknown key',
    text: JSON.stringify({ ...dev, DbMultiAZ: 'true' }),
    key: /DbMultiAZ: unknown parameter; did you mean DbMultiAz\?/,
  },
  { title: 'missing required key', text: JSON.stringify(withoutVersion), key: /MetabaseVersion: missing/ },
  {
    title: 'string for number',
    text: JSON.stringify({ ...dev, DesiredCount: '1' }),
    key: /DesiredCount: expected a number/,
  },
  {
    title: 'number for string',
    text: JSON.stringify({ ...dev, TaskCpu: 1024 }),
    key: /TaskCpu: expected a string/,
  },
  {
    title: 'empty string',
    text: JSON.stringify({ ...dev, DbInstanceClass: '' }),
    key: /DbInstanceClass: must not be empty/,
  },
  {
    title: 'invalid CIDR',
    text: JSON.stringify({ ...dev, AllowedIngressCidrs: ['10.0.0.0/33'] }),
    key: /AllowedIngressCidrs: .*10\.0\.0\.0\/33/,
  },
  {
    title: 'VPC outside private ranges',
    text: JSON.stringify({ ...dev, VpcCidr: '11.0.0.0/16' }),
    key: /VpcCidr: .*private ranges/,
  },
  {
    title: 'Fargate pair AWS rejects',
    text: JSON.stringify({ ...dev, TaskCpu: '1024', TaskMemory: '16384' }),
    key: /TaskMemory: 16384 MiB is not a size Fargate accepts/,
  },
  {
    title: 'invalid certificate ARN',
    text: JSON.stringify({ ...dev, CertificateArn: 'arn:aws:acm:us-east-1:12:cert' }),
    key: /CertificateArn: .*ACM certificate ARN/,
  },
  {
    title: 'certificate from another region',
    text: JSON.stringify({
      ...dev,
      CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    }),
    key: /CertificateArn: is in eu-west-1 but the stack deploys to us-east-1/,
    extra: ['--region', 'us-east-1'],
  },
  {
    title: 'DB class outside the list',
    text: JSON.stringify({ ...dev, DbInstanceClass: 'db.m1.small' }),
    key: /DbInstanceClass: "db\.m1\.small" is not allowed/,
  },
  {
    title: 'engine version outside the list',
    text: JSON.stringify({ ...dev, DbEngineVersion: '12.1' }),
    key: /DbEngineVersion: "12\.1" is not allowed/,
  },
  {
    title: 'desired count above max',
    text: JSON.stringify({ ...dev, AutoScaling: 'true', MaxTasks: 2, DesiredCount: 3 }),
    key: /DesiredCount: DesiredCount 3 must lie between/,
  },
  {
    title: 'min above max',
    text: JSON.stringify({ ...dev, MinTasks: 4, MaxTasks: 2 }),
    key: /MinTasks: MinTasks 4 is above MaxTasks 2/,
  },
  {
    title: 'zero retention',
    text: JSON.stringify({ ...dev, LogRetentionDays: 0 }),
    key: /LogRetentionDays: "0" is not allowed/,
  },
  {
    title: 'negative retention',
    text: JSON.stringify({ ...dev, LogRetentionDays: -7 }),
    key: /LogRetentionDays: "-7" is not allowed/,
  },
  {
    title: 'stack name CloudFormation rejects',
    text: JSON.stringify(dev),
    key: /--stack-name: "metabase_dev" is not a valid stack name/,
    extra: ['--stack-name', 'metabase_dev'],
  },
];

for (const [index, { title, text, key, extra }] of cases.entries()) {
  t.test(`deploy refuses offline: ${title}`, async (t) => {
    const file = join(scratch, `case-${index}.json`);
    if (text !== undefined) await writeFile(file, text);
    requests.length = 0;
    const result = await runCli(
      [
        'deploy',
        '--params',
        file,
        '--yes',
        '--no-wait-healthy',
        '--endpoint-url',
        endpoint,
        ...(extra ?? []),
      ],
      { env },
    );
    t.not(result.code, 0, 'exit code is not 0');
    if (!title.startsWith('stack name')) t.match(result.stderr, file, 'names the file');
    t.match(result.stderr, key, 'names the key and what is wrong');
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
    t.same(requests, [], 'no request reached the AWS endpoint');
  });
}

t.test('the recording endpoint does record: a valid file gets as far as AWS', async (t) => {
  requests.length = 0;
  const result = await runCli(
    ['deploy', '--env', 'dev', '--yes', '--no-wait-healthy', '--endpoint-url', endpoint],
    { env },
  );
  t.equal(result.code, 1);
  t.ok(requests.length > 0, `${requests.length} requests recorded`);
});

t.test('a usage error (unknown flag, --env with --params) stops before the command runs', async (t) => {
  for (const extra of [
    ['--env', 'dev', '--bogus'],
    ['--env', 'dev', '--params', 'params/dev.json'],
    ['--env'],
  ]) {
    requests.length = 0;
    const result = await runCli(
      ['deploy', '--yes', '--no-wait-healthy', '--endpoint-url', endpoint, ...extra],
      { env },
    );
    t.equal(result.code, 1, extra.join(' '));
    t.match(result.stderr, /Run `metabase-aws deploy --help` for usage/);
    t.same(requests, [], `${extra.join(' ')}: no request reached the AWS endpoint`);
  }
});
