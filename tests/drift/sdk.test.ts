// The SDK implementation of DriftApi against aws-sdk-client-mock: request shapes, response mapping, a
// missing stack, and a whole checkDrift run (root + nested, paged) through the real SDK client.
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
import { SdkDriftApi } from '../../src/aws/drift.js';
import { checkDrift } from '../../src/drift/index.js';
import { FakeClock, stackArn } from './fake.js';

const cfn = mockClient(CloudFormationClient);
const client = new CloudFormationClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const api = new SdkDriftApi(client);
t.beforeEach(() => cfn.reset());
t.teardown(() => cfn.restore());

const ROOT_ARN = stackArn('metabase-dev');
const NET_ARN = stackArn('metabase-dev-NetworkStack-X');

t.test(
  'describeStack maps the stack; a missing stack (ValidationError) is undefined; other errors propagate',
  async (t) => {
    cfn.on(DescribeStacksCommand, { StackName: 'metabase-dev' }).resolves({
      Stacks: [
        {
          StackId: ROOT_ARN,
          StackName: 'metabase-dev',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(0),
          Tags: [{ Key: 'managed-by', Value: 'metabase-aws' }],
        },
      ],
    });
    t.same(await api.describeStack('metabase-dev'), {
      stackId: ROOT_ARN,
      stackName: 'metabase-dev',
      status: 'UPDATE_COMPLETE',
      statusReason: undefined,
      tags: { 'managed-by': 'metabase-aws' },
    });
    cfn
      .on(DescribeStacksCommand, { StackName: 'gone' })
      .rejects(Object.assign(new Error('Stack with id gone does not exist'), { name: 'ValidationError' }));
    t.equal(await api.describeStack('gone'), undefined);
    cfn.on(DescribeStacksCommand, { StackName: 'denied' }).rejects(
      Object.assign(new Error('not authorized to perform: cloudformation:DescribeStacks'), {
        name: 'AccessDenied',
      }),
    );
    await t.rejects(api.describeStack('denied'), { name: 'AccessDenied' });
  },
);

t.test('listStackResources passes NextToken and maps the drift summary', async (t) => {
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      {
        LogicalResourceId: 'Vpc',
        PhysicalResourceId: 'vpc-1',
        ResourceType: 'AWS::EC2::VPC',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(0),
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      },
    ],
    NextToken: 'next',
  });
  const page = await api.listStackResources(ROOT_ARN, 'tok');
  t.same(page, {
    items: [{ logicalId: 'Vpc', physicalId: 'vpc-1', type: 'AWS::EC2::VPC' }],
    nextToken: 'next',
  });
  t.match(cfn.commandCalls(ListStackResourcesCommand)[0]?.args[0].input, {
    StackName: ROOT_ARN,
    NextToken: 'tok',
  });
});

t.test('detection: id returned, status mapped, drifts mapped with differences', async (t) => {
  cfn.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
  cfn.on(DescribeStackDriftDetectionStatusCommand).resolves({
    StackId: ROOT_ARN,
    StackDriftDetectionId: 'd-1',
    DetectionStatus: 'DETECTION_FAILED',
    DetectionStatusReason: 'Failed on [Database]',
    StackDriftStatus: 'DRIFTED',
    Timestamp: new Date(0),
  });
  cfn.on(DescribeStackResourceDriftsCommand).resolves({
    StackResourceDrifts: [
      {
        StackId: ROOT_ARN,
        LogicalResourceId: 'AlbSecurityGroup',
        PhysicalResourceId: 'sg-1',
        ResourceType: 'AWS::EC2::SecurityGroup',
        StackResourceDriftStatus: 'MODIFIED',
        Timestamp: new Date(0),
        ExpectedProperties: '{"GroupDescription":"alb"}',
        ActualProperties: '{"GroupDescription":"alb"}',
        PropertyDifferences: [
          {
            PropertyPath: '/SecurityGroupIngress/0/CidrIp',
            ExpectedValue: '10.0.0.0/8',
            ActualValue: '0.0.0.0/0',
            DifferenceType: 'NOT_EQUAL',
          },
        ],
      },
    ],
  });
  t.equal(await api.detectStackDrift(ROOT_ARN), 'd-1');
  t.same(await api.detectionStatus('d-1'), {
    state: 'DETECTION_FAILED',
    reason: 'Failed on [Database]',
    stackDriftStatus: 'DRIFTED',
  });
  const drifts = await api.resourceDrifts(ROOT_ARN);
  t.match(drifts.items[0], {
    logicalId: 'AlbSecurityGroup',
    status: 'MODIFIED',
    differences: [
      {
        path: '/SecurityGroupIngress/0/CidrIp',
        expected: '10.0.0.0/8',
        actual: '0.0.0.0/0',
        type: 'NOT_EQUAL',
      },
    ],
  });
  t.match(cfn.commandCalls(DescribeStackResourceDriftsCommand)[0]?.args[0].input, {
    StackName: ROOT_ARN,
    MaxResults: 100,
  });
});

t.test('a DetectStackDrift answer without an id is an error, not a silent skip', async (t) => {
  cfn.on(DetectStackDriftCommand).resolves({});
  await t.rejects(api.detectStackDrift(ROOT_ARN), /no detection id/);
});

t.test('checkDrift through the SDK: root + nested stack, paged results, every request counted', async (t) => {
  cfn.on(DescribeStacksCommand, { StackName: 'metabase-dev' }).resolves({
    Stacks: [
      {
        StackId: ROOT_ARN,
        StackName: 'metabase-dev',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(0),
        Tags: [{ Key: 'managed-by', Value: 'metabase-aws' }],
      },
    ],
  });
  cfn.on(DescribeStacksCommand, { StackName: NET_ARN }).resolves({
    Stacks: [
      {
        StackId: NET_ARN,
        StackName: 'metabase-dev-NetworkStack-X',
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(0),
      },
    ],
  });
  const summary = (id: string, type: string) => ({
    LogicalResourceId: id,
    PhysicalResourceId: id === 'NetworkStack' ? NET_ARN : `${id}-1`,
    ResourceType: type,
    ResourceStatus: 'CREATE_COMPLETE' as const,
    LastUpdatedTimestamp: new Date(0),
  });
  cfn
    .on(ListStackResourcesCommand, { StackName: ROOT_ARN })
    .resolves({ StackResourceSummaries: [summary('NetworkStack', 'AWS::CloudFormation::Stack')] });
  cfn
    .on(ListStackResourcesCommand, { StackName: NET_ARN, NextToken: undefined })
    .resolves({ StackResourceSummaries: [summary('Vpc', 'AWS::EC2::VPC')], NextToken: 'p2' });
  cfn
    .on(ListStackResourcesCommand, { StackName: NET_ARN, NextToken: 'p2' })
    .resolves({ StackResourceSummaries: [summary('DbSecurityGroup', 'AWS::EC2::SecurityGroup')] });
  cfn.on(DetectStackDriftCommand, { StackName: ROOT_ARN }).resolves({ StackDriftDetectionId: 'd-root' });
  cfn.on(DetectStackDriftCommand, { StackName: NET_ARN }).resolves({ StackDriftDetectionId: 'd-net' });
  cfn.on(DescribeStackDriftDetectionStatusCommand).callsFake((input: { StackDriftDetectionId: string }) => ({
    StackId: input.StackDriftDetectionId === 'd-root' ? ROOT_ARN : NET_ARN,
    StackDriftDetectionId: input.StackDriftDetectionId,
    DetectionStatus: 'DETECTION_COMPLETE',
    StackDriftStatus: 'IN_SYNC',
    Timestamp: new Date(0),
  }));
  const drift = (id: string, status: 'IN_SYNC' | 'MODIFIED') => ({
    StackId: NET_ARN,
    LogicalResourceId: id,
    ResourceType: 'x',
    StackResourceDriftStatus: status,
    Timestamp: new Date(0),
  });
  cfn
    .on(DescribeStackResourceDriftsCommand, { StackName: ROOT_ARN })
    .resolves({ StackResourceDrifts: [{ ...drift('NetworkStack', 'IN_SYNC'), StackId: ROOT_ARN }] });
  cfn
    .on(DescribeStackResourceDriftsCommand, { StackName: NET_ARN, NextToken: undefined })
    .resolves({ StackResourceDrifts: [drift('Vpc', 'IN_SYNC')], NextToken: 'd2' });
  cfn.on(DescribeStackResourceDriftsCommand, { StackName: NET_ARN, NextToken: 'd2' }).resolves({
    StackResourceDrifts: [
      {
        ...drift('DbSecurityGroup', 'MODIFIED'),
        PropertyDifferences: [
          {
            PropertyPath: '/SecurityGroupIngress/1',
            ExpectedValue: '',
            ActualValue: '{"CidrIp":"0.0.0.0/0"}',
            DifferenceType: 'ADD',
          },
        ],
      },
    ],
  });

  const report = await checkDrift(new SdkDriftApi(client), {
    stackName: 'metabase-dev',
    clock: new FakeClock(),
  });
  t.equal(report.outcome, 'DRIFTED');
  t.same(
    report.stacks.map((s) => [s.stackName, s.outcome]),
    [
      ['metabase-dev', 'IN_SYNC'],
      ['metabase-dev-NetworkStack-X', 'DRIFTED'],
    ],
  );
  t.match(
    report.stacks[1]?.resources.find((r) => r.logicalId === 'DbSecurityGroup'),
    { status: 'MODIFIED', differences: [{ type: 'ADD', path: '/SecurityGroupIngress/1' }] },
  );
  t.equal(report.apiCalls, cfn.calls().length, 'the report counts what the client sent');
  t.equal(
    report.apiCalls,
    12,
    '2 DescribeStacks + 3 ListStackResources pages + 2 Detect + 2 status + 3 drift pages',
  );
});
