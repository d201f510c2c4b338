// End to end against moto: deploy (stand-in templates, see support/standins.ts), then destroy. The
// stacks end DELETE_COMPLETE, the bucket this tool created is gone, and the exit code is 0. Moto has no
// DELETE_FAILED, deletion protection or DB snapshots to speak of: tests/deploy/destroy*.test.ts cover those.
import t from 'tap';
import { ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { runCli } from '../support/cli.js';
import { motoTestEnv } from './support/moto-env.js';
import { writeStandIns } from './support/standins.js';

const { moto, cf, s3, run } = await motoTestEnv();
t.teardown(() => moto.stop());
const templates = await writeStandIns();
const stackName = `metabase-e2e-destroy-${run}`;
const target = [
  '--stack-name',
  stackName,
  '--bucket',
  `metabase-e2e-destroy-artifacts-${run}`,
  '--endpoint-url',
  moto.endpoint,
];

t.test('deploy then destroy: every stack DELETE_COMPLETE, the bucket gone, exit 0', async (t) => {
  const deployed = await runCli([
    'deploy',
    '--env',
    'dev',
    ...target,
    '--yes',
    '--no-wait-healthy',
    '--templates',
    templates,
  ]);
  t.equal(deployed.code, 0, deployed.stderr);

  const destroyed = await runCli(['destroy', ...target, '--yes', '--json']);
  t.equal(destroyed.code, 0, destroyed.stderr);
  const doc = JSON.parse(destroyed.stdout) as {
    outcome: string;
    bucket: { name: string; deleted: boolean };
    apiCalls: { total: number };
  };
  t.equal(doc.outcome, 'deleted');
  t.equal(doc.bucket.deleted, true);
  t.comment(`destroy against moto: ${doc.apiCalls.total} API calls`);

  const all = await cf.send(new ListStacksCommand({}));
  const ours = (all.StackSummaries ?? []).filter(
    (s) => s.StackName === stackName || s.StackName?.startsWith(`${stackName}-`),
  );
  t.equal(ours.length, 5, 'root + 4 nested');
  t.ok(
    ours.every((s) => s.StackStatus === 'DELETE_COMPLETE'),
    ours.map((s) => `${s.StackName} ${s.StackStatus}`).join(', '),
  );
  const head = await s3.send(new HeadBucketCommand({ Bucket: doc.bucket.name })).then(
    () => 200,
    (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
  );
  t.equal(head, 404, 'the artifacts bucket is gone');
});

t.test('destroy of a stack that is already gone: exit 0 with a message', async (t) => {
  const again = await runCli(['destroy', ...target, '--yes']);
  t.equal(again.code, 0, again.stderr);
  t.match(again.stdout, /does not exist \(already deleted\); nothing to do/);
});
