// The drift command: exit codes 0/2/1, messages for a missing or busy stack and for AWS errors, --json on
// stdout only, flag checks that make no AWS call; plus the real wiring (yargs → SDK) over a mocked client.
import t from 'tap';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { driftCommand, type DriftCommandOptions } from '../../src/cli/commands/drift.js';
import type { CliIo } from '../../src/cli/io.js';
import type { DriftReport } from '../../src/drift/index.js';
import { runCli } from '../support/cli.js';
import { FakeClock, FakeDriftApi, stackArn, type FakeStack } from './fake.js';
import { metabaseTree, nestedName, ROOT } from './fixture.js';

interface Captured {
  io: CliIo;
  out: () => string;
  err: () => string;
}

function capture(overrides: Partial<CliIo> = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (s) => void (out += s),
      stderr: (s) => void (err += s),
      isTty: false,
      env: {},
      cwd: process.cwd(),
      ...overrides,
    },
    out: () => out,
    err: () => err,
  };
}

async function drift(tree: FakeStack[], options: Partial<DriftCommandOptions> = {}, io = capture()) {
  const api = new FakeDriftApi(tree);
  const code = await driftCommand({ stackName: ROOT, json: false, ...options }, io.io, {
    api,
    clock: new FakeClock(),
  }).catch((e: unknown) => e);
  return { code, api, out: io.out(), err: io.err() };
}

function modifiedSecurityGroup(): FakeStack[] {
  const tree = metabaseTree();
  const sg = tree
    .find((s) => s.name === nestedName('Network'))
    ?.resources.find((r) => r.logicalId === 'DbSecurityGroup');
  if (!sg) throw new Error('fixture changed');
  sg.drift = 'MODIFIED';
  sg.differences = [
    {
      path: '/SecurityGroupIngress/1',
      type: 'ADD',
      expected: '',
      actual: '{"CidrIp":"0.0.0.0/0","FromPort":5432}',
    },
  ];
  return tree;
}

t.test('in sync → exit 0 and the report on stdout', async (t) => {
  const { code, out, err } = await drift(metabaseTree());
  t.equal(code, 0);
  t.match(out, /^drift metabase-dev: 5 stacks checked\n/);
  t.match(out, /IN_SYNC: 0 of 5 stacks drifted/);
  t.equal(err, '');
});

t.test('drift in a nested stack → exit 2', async (t) => {
  const { code, out } = await drift(modifiedSecurityGroup());
  t.equal(code, 2);
  t.match(out, 'added   /SecurityGroupIngress/1: (none) → {"CidrIp":"0.0.0.0/0","FromPort":5432}');
});

t.test('a detection that failed → exit 1, the report still printed, what failed on stderr', async (t) => {
  const { code, out, err } = await drift(metabaseTree({ App: { hangs: true } }), { timeout: 5 });
  t.equal(code, 1);
  t.match(out, /failed: timed out waiting for drift detection/);
  t.match(
    out,
    /^drift metabase-dev: 4 of 5 stacks checked \(1 could not be\)\n/,
    'the failed one is not counted',
  );
  t.match(err, `drift metabase-dev: could not fully check ${nestedName('App')}\n`);
});

t.test('--json → only JSON on stdout, with the call count, same exit codes', async (t) => {
  const { code, out } = await drift(modifiedSecurityGroup(), { json: true });
  t.equal(code, 2);
  const report = JSON.parse(out) as DriftReport;
  t.equal(report.outcome, 'DRIFTED');
  t.equal(report.apiCalls, 30);
  t.equal(report.stacks.length, 5);
});

t.test('colour on a TTY, none with NO_COLOR', async (t) => {
  const tty = await drift(modifiedSecurityGroup(), {}, capture({ isTty: true }));
  t.match(tty.out, /\u001b\[33m/);
  const noColor = await drift(modifiedSecurityGroup(), {}, capture({ isTty: true, env: { NO_COLOR: '1' } }));
  t.notMatch(noColor.out, /\u001b\[/);
});

t.test('a missing stack → UserError with the region and a hint, exit 1', async (t) => {
  const { code } = await drift(metabaseTree(), { stackName: 'metabase-prod', region: 'eu-west-1' });
  t.match(code, {
    message: 'drift metabase-prod: stack does not exist in eu-west-1',
    hint: /--stack-name, --region/,
    exitCode: 1,
  });
});

t.test('a busy stack → refused, naming each stack and state', async (t) => {
  const { code, api } = await drift(metabaseTree({ Root: { status: 'UPDATE_IN_PROGRESS' } }));
  t.match(code, {
    message: `drift ${ROOT}: cannot check drift while ${ROOT} is UPDATE_IN_PROGRESS`,
    hint: /Wait for the running operation/,
  });
  t.equal(api.count('detectStackDrift'), 0);
});

t.test('an AWS error during the walk → explained, with the stack name', async (t) => {
  const api = new FakeDriftApi(metabaseTree());
  api.describeStack = async () => {
    throw Object.assign(new Error('The security token included in the request is expired'), {
      name: 'ExpiredToken',
    });
  };
  const error = await driftCommand({ stackName: ROOT, json: false }, capture().io, {
    api,
    clock: new FakeClock(),
  }).catch((e: unknown) => e);
  t.match(error, {
    message: 'drift metabase-dev: your AWS session token has expired',
    hint: /aws sso login/,
  });
});

t.test('a bad --stack-name or --timeout is refused before any AWS call', async (t) => {
  const name = await drift(metabaseTree(), { stackName: 'bad_name!' });
  t.match(name.code, { message: /^drift --stack-name: / });
  t.equal(name.api.log.length, 0);
  const timeout = await drift(metabaseTree(), { timeout: 0 });
  t.match(timeout.code, { message: /^drift --timeout: must be a positive number/ });
  t.equal(timeout.api.log.length, 0);
});

t.test('CLI: --params without --stack-name is refused with a hint', async (t) => {
  const result = await runCli(['drift', '--params', 'params/dev.json']);
  t.equal(result.code, 1);
  t.match(result.stderr, /^drift --params: drift does not read params files/);
  t.match(result.stderr, /Pass --stack-name NAME/);
  t.notMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
});

t.test('CLI: drift --help lists the stack flags and --timeout', async (t) => {
  const result = await runCli(['drift', '--help']);
  t.equal(result.code, 0);
  for (const flag of [
    '--env',
    '--stack-name',
    '--region',
    '--profile',
    '--endpoint-url',
    '--json',
    '--timeout',
  ])
    t.match(result.stdout, flag);
});

t.test('CLI end to end over a mocked CloudFormation client: yargs → command → SDK → exit 2', async (t) => {
  const cfn = mockClient(CloudFormationClient);
  t.teardown(() => cfn.restore());
  const arn = stackArn('metabase-staging');
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackId: arn,
        StackName: 'metabase-staging',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(0),
        Tags: [{ Key: 'managed-by', Value: 'metabase-aws' }],
      },
    ],
  });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      {
        LogicalResourceId: 'Database',
        ResourceType: 'AWS::RDS::DBInstance',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(0),
      },
    ],
  });
  cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
  cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({
    StackId: arn,
    StackDriftDetectionId: 'd-1',
    DetectionStatus: 'DETECTION_COMPLETE',
    Timestamp: new Date(0),
  });
  cfn.on(DescribeStackResourceDriftsCommand).resolves({
    StackResourceDrifts: [
      {
        StackId: arn,
        LogicalResourceId: 'Database',
        ResourceType: 'AWS::RDS::DBInstance',
        StackResourceDriftStatus: 'MODIFIED',
        Timestamp: new Date(0),
        PropertyDifferences: [
          {
            PropertyPath: '/MasterUserPassword',
            ExpectedValue: 'a',
            ActualValue: 'leaked-if-printed',
            DifferenceType: 'NOT_EQUAL',
          },
        ],
      },
    ],
  });
  const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  t.teardown(() => {
    for (const key of Object.keys(env))
      if (saved[key] === undefined) Reflect.deleteProperty(process.env, key);
  });
  const result = await runCli(['drift', '--env', 'staging', '--region', 'us-east-1', '--json']);
  t.equal(result.code, 2, result.stderr);
  t.match(
    cfn.commandCalls(DescribeStacksCommand)[0]?.args[0].input,
    { StackName: 'metabase-staging' },
    'metabase-<env>',
  );
  t.notMatch(result.stdout, 'leaked-if-printed');
  t.match(JSON.parse(result.stdout), { outcome: 'DRIFTED', apiCalls: 5 });
});
