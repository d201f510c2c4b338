// drift against moto: the tree walk only. moto does not implement drift detection (DetectStackDrift
// answers HTTP 500 with an HTML page), so detection itself is covered by the unit tests over faked
// responses (tests/drift/). Here: a real root → nested → nested tree created through moto's
// CloudFormation, found by the SDK implementation; the 500 reported per stack, not crashing the run.
import t from 'tap';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SdkDriftApi } from '../../src/aws/drift.js';
import { checkDrift } from '../../src/drift/index.js';
import { Limiter } from '../../src/drift/limit.js';
import { findStackTree } from '../../src/drift/tree.js';
import { FakeClock } from '../drift/fake.js';
import { runCli } from '../support/cli.js';
import { startMoto } from '../support/moto.js';

const DUMMY_ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
const saved = Object.fromEntries(Object.keys(DUMMY_ENV).map((k) => [k, process.env[k]]));
Object.assign(process.env, DUMMY_ENV);

const moto = await startMoto();
t.teardown(async () => {
  await moto.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) Reflect.deleteProperty(process.env, k);
    else process.env[k] = v;
  }
});

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
// One attempt: moto's 500 would otherwise be retried with backoff eight times per stack.
const cfn = new CloudFormationClient({
  region: 'us-east-1',
  endpoint: moto.endpoint,
  credentials,
  maxAttempts: 1,
});
const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials, forcePathStyle: true });

// Unique names instead of moto.reset(): a shared moto (CI) serves other test files at the same time.
const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const ROOT = `drift-e2e-${RUN}`;
const BUCKET = `drift-e2e-templates-${RUN}`;
// Path-style URL on `localhost`: moto reads 127.0.0.1 URLs as virtual-host style.
const url = (key: string) => `${moto.endpoint}/${BUCKET}/${key}`;
const template = (resources: Record<string, unknown>) =>
  JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources });

await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
await s3.send(
  new PutObjectCommand({
    Bucket: BUCKET,
    Key: 'data.json',
    Body: template({ Queue: { Type: 'AWS::SQS::Queue' } }),
  }),
);
await s3.send(
  new PutObjectCommand({
    Bucket: BUCKET,
    Key: 'app.json',
    Body: template({
      Topic: { Type: 'AWS::SNS::Topic' },
      WorkerStack: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: url('data.json') } },
    }),
  }),
);
await cfn.send(
  new CreateStackCommand({
    StackName: ROOT,
    // As deploy tags its stacks: drift refuses a stack without the tag (src/deploy/ownership.ts).
    Tags: [{ Key: 'managed-by', Value: 'metabase-aws' }],
    TemplateBody: template({
      Bucket: { Type: 'AWS::S3::Bucket' },
      NetworkStack: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: url('data.json') } },
      AppStack: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: url('app.json') } },
    }),
  }),
);

t.test('the tree walk finds root → nested → nested-in-nested through the real SDK', async (t) => {
  const stacks = await findStackTree(new SdkDriftApi(cfn), ROOT, new Limiter(4));
  t.same(
    stacks.map((s) => [s.logicalId ?? '(root)', s.depth, s.status]),
    [
      ['(root)', 0, 'CREATE_COMPLETE'],
      ['NetworkStack', 1, 'CREATE_COMPLETE'],
      ['AppStack', 1, 'CREATE_COMPLETE'],
      ['WorkerStack', 2, 'CREATE_COMPLETE'],
    ],
  );
  t.match(stacks[0]?.stackId, /^arn:aws:cloudformation:us-east-1:\d{12}:stack\/drift-e2e-/, 'root by ARN');
  t.match(
    stacks[3]?.stackName,
    /^drift-e2e-\w+-AppStack-.*-WorkerStack-/,
    'nested stacks resolved (moto gives names as physical ids, AWS gives ARNs; both work)',
  );
  t.same(stacks[2]?.resources.map((r) => r.logicalId).sort(), ['Topic', 'WorkerStack']);
});

t.test(
  'moto answers DetectStackDrift with HTTP 500: each stack reports the failure, the run is INCOMPLETE',
  async (t) => {
    const report = await checkDrift(new SdkDriftApi(cfn), { stackName: ROOT, clock: new FakeClock() });
    t.equal(report.outcome, 'INCOMPLETE');
    t.equal(report.stacks.length, 4);
    for (const stack of report.stacks)
      t.match(stack, { outcome: 'FAILED', error: /^could not start drift detection: / }, stack.stackName);
    t.equal(report.apiCalls, 4 + 4 + 4, 'DescribeStacks + ListStackResources + DetectStackDrift per stack');
  },
);

t.test('CLI against moto: a stack that does not exist → exit 1 with a message, no stack trace', async (t) => {
  const result = await runCli([
    'drift',
    '--stack-name',
    'metabase-missing',
    '--endpoint-url',
    moto.endpoint,
    '--region',
    'us-east-1',
  ]);
  t.equal(result.code, 1);
  t.equal(result.stdout, '');
  t.match(result.stderr, /^drift metabase-missing: stack does not exist in us-east-1\nCheck --stack-name/);
});
