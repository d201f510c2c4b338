// The SDK implementations, over aws-sdk-client-mock: the calls and arguments AWS actually receives.
import t from 'tap';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { sdkCloudFormation } from '../../src/aws/cloudformation.js';
import { sdkS3 } from '../../src/aws/s3.js';

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

t.test('a new artifacts bucket: private, SSE-S3, TLS-only, tagged, located in its region', async (t) => {
  const mock = mockClient(S3Client);
  t.teardown(() => mock.restore());
  await sdkS3(new S3Client({ region: 'eu-west-1', credentials })).createPrivateBucket(
    'bkt',
    '111122223333',
    'eu-west-1',
    { k: 'v' },
    true,
  );
  t.match(mock.commandCalls(CreateBucketCommand)[0]?.args[0].input, {
    Bucket: 'bkt',
    CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
  });
  t.match(mock.commandCalls(PutPublicAccessBlockCommand)[0]?.args[0].input.PublicAccessBlockConfiguration, {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  });
  t.match(mock.commandCalls(PutBucketEncryptionCommand)[0]?.args[0].input, {
    ServerSideEncryptionConfiguration: {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    },
  });
  const policy = JSON.parse(mock.commandCalls(PutBucketPolicyCommand)[0]?.args[0].input.Policy ?? '{}') as {
    Statement: { Effect: string; Condition: object }[];
  };
  t.match(policy.Statement[0], { Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  t.match(mock.commandCalls(PutBucketTaggingCommand)[0]?.args[0].input.Tagging?.TagSet, [
    { Key: 'k', Value: 'v' },
  ]);
});

t.test('describeStack: a missing stack is undefined, other errors propagate', async (t) => {
  const mock = mockClient(CloudFormationClient);
  t.teardown(() => mock.restore());
  const cf = sdkCloudFormation(new CloudFormationClient({ region: 'eu-west-1', credentials }));
  mock
    .on(DescribeStacksCommand)
    .rejectsOnce(Object.assign(new Error('Stack with id x does not exist'), { name: 'ValidationError' }))
    .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
  t.equal(await cf.describeStack('x'), undefined);
  await t.rejects(cf.describeStack('x'), { name: 'AccessDenied' });
});

t.test('stackEvents pages only until the stop condition', async (t) => {
  const mock = mockClient(CloudFormationClient);
  t.teardown(() => mock.restore());
  const cf = sdkCloudFormation(new CloudFormationClient({ region: 'eu-west-1', credentials }));
  mock
    .on(DescribeStackEventsCommand)
    .resolvesOnce({
      StackEvents: [{ EventId: 'e3', StackId: 's', StackName: 'n', Timestamp: new Date() }],
      NextToken: 't',
    })
    .resolvesOnce({
      StackEvents: [
        { EventId: 'e2', StackId: 's', StackName: 'n', Timestamp: new Date() },
        { EventId: 'e1', StackId: 's', StackName: 'n', Timestamp: new Date() },
      ],
      NextToken: 't2',
    });
  const events = await cf.stackEvents('s', (e) => e.eventId === 'e1');
  t.same(
    events.map((e) => e.eventId),
    ['e3', 'e2'],
  );
  t.equal(mock.commandCalls(DescribeStackEventsCommand).length, 2);
});

t.test(
  'liveStacks: every page of DescribeStacks, deleted stacks left out, tags and parent kept',
  async (t) => {
    const mock = mockClient(CloudFormationClient);
    t.teardown(() => mock.restore());
    const cf = sdkCloudFormation(new CloudFormationClient({ region: 'eu-west-1', credentials }));
    const when = new Date();
    mock
      .on(DescribeStacksCommand)
      .resolvesOnce({
        Stacks: [
          {
            StackId: 'a',
            StackName: 'metabase-prod',
            StackStatus: 'UPDATE_COMPLETE',
            CreationTime: when,
            Tags: [{ Key: 'managed-by', Value: 'metabase-aws' }],
          },
        ],
        NextToken: 't',
      })
      .resolvesOnce({
        Stacks: [
          { StackId: 'b', StackName: 'gone', StackStatus: 'DELETE_COMPLETE', CreationTime: when },
          {
            StackId: 'c',
            StackName: 'metabase-prod-Data',
            StackStatus: 'CREATE_COMPLETE',
            CreationTime: when,
            ParentId: 'a',
          },
        ],
      });
    const stacks = await cf.liveStacks();
    t.same(stacks, [
      {
        stackId: 'a',
        stackName: 'metabase-prod',
        status: 'UPDATE_COMPLETE',
        parentId: undefined,
        tags: { 'managed-by': 'metabase-aws' },
      },
      { stackId: 'c', stackName: 'metabase-prod-Data', status: 'CREATE_COMPLETE', parentId: 'a', tags: {} },
    ]);
    t.equal(mock.commandCalls(DescribeStacksCommand)[1]?.args[0].input.NextToken, 't');
  },
);
