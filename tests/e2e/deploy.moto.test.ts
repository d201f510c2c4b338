// End to end against moto: the real CLI, the real SDK clients, a real (moto) S3 and CloudFormation.
// The templates are moto stand-ins (see support/standins.ts for what moto cannot run and why); what
// moto cannot show is covered in tests/deploy: moto returns no root Outputs for a stack made from a change
// set, emits no events for nested resources in the root's stream, lists no resource changes for an
// update, and never rolls back, so root causes, DB replacement and the outputs table are unit-tested.
import t from 'tap';
import { runCli } from '../support/cli.js';
import { motoTestEnv } from './support/moto-env.js';
import { writeStandIns } from './support/standins.js';
import { DescribeStacksCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListObjectsV2Command, GetBucketTaggingCommand } from '@aws-sdk/client-s3';
import { writeFile, mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const { moto, cf, s3, run } = await motoTestEnv();
t.teardown(() => moto.stop());
const templates = await writeStandIns();
const stackName = `metabase-e2e-deploy-${run}`;
// Own bucket and stack names: other e2e files share this moto and run in parallel.
const bucket = `metabase-e2e-deploy-artifacts-${run}`;
const base = [
  'deploy',
  '--env',
  'dev',
  '--stack-name',
  stackName,
  '--bucket',
  bucket,
  '--yes',
  '--no-wait-healthy',
  '--endpoint-url',
  moto.endpoint,
  '--templates',
  templates,
];

interface DeployJson {
  outcome: string;
  bucket: string;
  status?: string;
  apiCalls: { total: number; byOperation: Record<string, number> };
}

t.test(
  'first deploy creates the bucket, the template objects, the root stack and its nested stacks',
  async (t) => {
    const started = Date.now();
    const result = await runCli([...base, '--json']);
    const elapsed = Date.now() - started;
    t.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as DeployJson;
    t.equal(doc.outcome, 'created');
    t.equal(doc.bucket, bucket, 'the default name (account + region) is covered in tests/deploy');
    t.ok(doc.apiCalls.total > 0, 'counts API calls');
    t.comment(`first deploy against moto: ${doc.apiCalls.total} API calls, ${elapsed} ms`);

    const objects = await s3.send(new ListObjectsV2Command({ Bucket: doc.bucket }));
    const keys = (objects.Contents ?? []).map((o) => o.Key ?? '');
    t.equal(keys.length, 5, 'root + 4 nested templates');
    t.ok(
      keys.every((k) => new RegExp(`^${stackName}/templates/[a-z]+-[0-9a-f]{64}\\.yaml$`).test(k)),
      'content-addressed keys under the stack name',
    );
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: doc.bucket }));
    t.match(tags.TagSet, [{ Key: 'metabase-aws:created-by', Value: 'metabase-aws' }]);

    const root = await cf.send(new DescribeStacksCommand({ StackName: stackName }));
    t.equal(root.Stacks?.[0]?.StackStatus, 'CREATE_COMPLETE');
    const all = await cf.send(new ListStacksCommand({}));
    const nested = (all.StackSummaries ?? []).filter(
      (s) => s.StackName?.startsWith(`${stackName}-`) && s.StackStatus === 'CREATE_COMPLETE',
    );
    t.same(nested.map((s) => s.StackName?.replace(/^.*-(\w+Stack)-.*$/, '$1')).sort(), [
      'AppStack',
      'DataStack',
      'EdgeStack',
      'NetworkStack',
    ]);
  },
);

t.test('a second identical deploy is a no-op that exits 0 and stays within its call budget', async (t) => {
  const result = await runCli([...base, '--json']);
  t.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout) as DeployJson;
  t.equal(doc.outcome, 'no-changes');
  t.equal(doc.apiCalls.byOperation['s3:PutObject'] ?? 0, 0, 'unchanged templates are not uploaded again');
  t.equal(doc.apiCalls.byOperation['cloudformation:ExecuteChangeSet'] ?? 0, 0);
  // identity 1, describe 1, bucket 1, heads 5, change set create/describe/delete ~3: a busy-polling
  // regression would blow far past this.
  t.ok(doc.apiCalls.total <= 15, `no-op deploy made ${doc.apiCalls.total} calls`);
});

t.test('a changed parameter produces an update', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'params-'));
  const params = JSON.parse(await readFile('params/dev.json', 'utf8')) as Record<string, unknown>;
  params.DesiredCount = 2;
  const file = join(dir, 'changed.json');
  await writeFile(file, JSON.stringify(params));
  const args = base.filter((a) => a !== '--env' && a !== 'dev');
  const result = await runCli([...args, '--params', file, '--json']);
  t.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout) as DeployJson;
  t.equal(doc.outcome, 'updated');
  const root = await cf.send(new DescribeStacksCommand({ StackName: stackName }));
  t.equal(root.Stacks?.[0]?.StackStatus, 'UPDATE_COMPLETE');
  t.ok(
    root.Stacks?.[0]?.Parameters?.some((p) => p.ParameterKey === 'DesiredCount' && p.ParameterValue === '2'),
    'the new value reached the stack',
  );
});
