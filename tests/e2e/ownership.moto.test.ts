// End to end against moto, through the CLI: deploy, destroy and drift refuse a stack this tool did not
// create (no managed-by: metabase-aws tag), change nothing in it, and say why; the override flag lets
// drift go on. And deploy --params FILE without --stack-name targets metabase-<file name>, never the dev
// stack, and names the stack and account before anything is created.
import t from 'tap';
import {
  CreateStackCommand,
  DescribeStacksCommand,
  ListChangeSetsCommand,
} from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { motoTestEnv } from './support/moto-env.js';
import { writeStandIns } from './support/standins.js';

const { moto, cf, s3, run } = await motoTestEnv();
t.teardown(() => moto.stop());
const templates = await writeStandIns();
const other = `other-app-${run}`;
await cf.send(
  new CreateStackCommand({
    StackName: other,
    Tags: [{ Key: 'team', Value: 'billing' }],
    TemplateBody: JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: { Queue: { Type: 'AWS::SQS::Queue' } },
    }),
  }),
);
const endpoint = ['--endpoint-url', moto.endpoint];
const statusOf = async (name: string): Promise<string | undefined> =>
  (await cf.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0]?.StackStatus;
const refusal =
  /refusing to (delete|update|check) a stack this tool did not create \(it has no managed-by tag/;

t.test('destroy --yes of a stack without the tag: refused, the stack is untouched', async (t) => {
  const result = await runCli(['destroy', '--stack-name', other, '--yes', ...endpoint]);
  t.equal(result.code, 1, result.stderr);
  t.match(result.stderr, refusal);
  t.match(result.stderr, /--i-know-this-stack-is-not-managed-by-metabase-aws/);
  t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
  t.equal(await statusOf(other), 'CREATE_COMPLETE');
});

t.test('deploy --yes onto a stack without the tag: refused before a change set exists', async (t) => {
  const result = await runCli([
    'deploy',
    '--env',
    'dev',
    '--stack-name',
    other,
    '--yes',
    '--no-wait-healthy',
    '--templates',
    templates,
    ...endpoint,
  ]);
  t.equal(result.code, 1, result.stderr);
  t.match(result.stderr, /deploy other-app-\w+: refusing to update a stack this tool did not create/);
  const changeSets = await cf.send(new ListChangeSetsCommand({ StackName: other }));
  // moto lists every stack's change sets whatever StackName says: keep the ones of this stack.
  const ofOther = (changeSets.Summaries ?? []).filter((c) => c.StackName === other);
  t.same(ofOther, [], 'no change set was created');
  t.equal(await statusOf(other), 'CREATE_COMPLETE');
});

t.test('drift: refused without the override, checked with it', async (t) => {
  const refused = await runCli(['drift', '--stack-name', other, ...endpoint]);
  t.equal(refused.code, 1, refused.stderr);
  t.match(refused.stderr, /drift other-app-\w+: refusing to check a stack this tool did not create/);
  const checked = await runCli([
    'drift',
    '--stack-name',
    other,
    '--i-know-this-stack-is-not-managed-by-metabase-aws',
    '--json',
    ...endpoint,
  ]);
  // moto's drift detection may not finish for every type; what matters is that the check ran.
  t.notMatch(checked.stderr, refusal);
  t.equal((JSON.parse(checked.stdout) as { rootStack: string }).rootStack, other);
});

t.test(
  'deploy --params FILE without --stack-name: metabase-<file name>, shown before any change',
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'ownership-'));
    const file = join(dir, `e2e${run}.json`);
    await copyFile('params/dev.json', file);
    const bucket = `metabase-e2e-ownership-${run}`;
    const refused = await runCli([
      'deploy',
      '--params',
      file,
      '--no-execute',
      '--bucket',
      bucket,
      ...endpoint,
    ]);
    t.equal(refused.code, 1, 'a preview does not create the artifacts bucket');
    t.match(refused.stderr, /--no-execute creates nothing/);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const result = await runCli([
      'deploy',
      '--params',
      file,
      '--no-execute',
      '--templates',
      templates,
      '--bucket',
      bucket,
      ...endpoint,
    ]);
    t.equal(result.code, 0, result.stderr);
    const target = /Target: stack (\S+) in account (\d{12}), region us-east-1/.exec(result.stdout);
    t.equal(target?.[1], `metabase-e2e${run}`, result.stdout);
    t.notMatch(result.stdout, /metabase-dev/, 'the dev stack is never named');
    t.ok(
      result.stdout.indexOf('Target:') < result.stdout.indexOf('Changes to'),
      'the target is shown before the preview',
    );
  },
);
