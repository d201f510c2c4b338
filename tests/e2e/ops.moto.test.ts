// logs and status through the CLI against moto: a stack whose outputs name a log group, an ECS cluster
// and service, a database id and a Metabase URL (a loopback server answering /api/health), created
// through moto's CloudFormation; log events put with the SDK. Checks what the real SDK clients send and
// read end to end; the cases moto cannot play (rollouts, alarms firing, late events) are in tests/ops/.
import t from 'tap';
import { createServer } from 'node:http';
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { runCli } from '../support/cli.js';
import { motoTestEnv } from './support/moto-env.js';

const env = await motoTestEnv();
t.teardown(() => env.moto.stop());
const health = createServer((request, response) => {
  if (request.url === '/api/health')
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  else response.writeHead(404).end();
});
await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise<void>((resolve) => health.close(() => resolve())));
const address = health.address();
const url = `http://127.0.0.1:${String(typeof address === 'object' && address ? address.port : 0)}`;

const stackName = `metabase-ops-${env.run}`;
const logGroup = `/e2e/${stackName}`;
const template = {
  Resources: {
    LogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: logGroup } },
    Cluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: `${stackName}-cluster` } },
    TaskDefinition: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Family: `${stackName}-metabase`,
        RequiresCompatibilities: ['FARGATE'],
        NetworkMode: 'awsvpc',
        Cpu: '1024',
        Memory: '2048',
        ContainerDefinitions: [
          { Name: 'metabase', Image: 'docker.io/metabase/metabase:v0.64.2.2', Essential: true },
        ],
      },
    },
    Service: {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: { Ref: 'Cluster' },
        ServiceName: `${stackName}-service`,
        TaskDefinition: { Ref: 'TaskDefinition' },
        DesiredCount: 1,
      },
    },
  },
  Outputs: {
    MetabaseUrl: { Value: url },
    LogGroupName: { Value: { Ref: 'LogGroup' } },
    ClusterName: { Value: { Ref: 'Cluster' } },
    ServiceName: { Value: { 'Fn::GetAtt': ['Service', 'Name'] } },
    DbInstanceId: { Value: `${stackName}-db` },
  },
};
await env.cf.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }));
const created = await env.cf.send(new DescribeStacksCommand({ StackName: stackName }));
const logs = new CloudWatchLogsClient({
  region: 'us-east-1',
  endpoint: env.moto.endpoint,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const streamName = 'metabase/metabase/0f3c9a7e5d2b4c18a6e1f2d3c4b5a697';
await logs.send(new CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: streamName }));
const now = Date.now();
await logs.send(
  new PutLogEventsCommand({
    logGroupName: logGroup,
    logStreamName: streamName,
    logEvents: [
      { timestamp: now - 120_000, message: 'INFO Metabase Initialization COMPLETE' },
      { timestamp: now - 60_000, message: 'ERROR something broke' },
    ],
  }),
);
const flags = ['--stack-name', stackName, '--endpoint-url', env.moto.endpoint];

t.test('the stack moto made has the outputs the commands read', async (t) => {
  t.equal(created.Stacks?.[0]?.StackStatus, 'CREATE_COMPLETE');
});

t.test('logs --since 10m: both events, with the short task id; --filter narrows them', async (t) => {
  const all = await runCli(['logs', ...flags, '--since', '10m']);
  t.equal(all.code, 0, all.stderr);
  t.match(
    all.stdout,
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}0f3c9a7e {2}INFO Metabase Initialization COMPLETE\n.* {2}0f3c9a7e {2}ERROR something broke\n$/,
  );
  const errors = await runCli(['logs', ...flags, '--since', '10m', '--filter', 'ERROR', '--json']);
  t.equal(errors.code, 0, errors.stderr);
  const lines = errors.stdout.trim().split('\n');
  t.equal(lines.length, 1);
  t.match(JSON.parse(lines[0] ?? '{}'), {
    task: '0f3c9a7e',
    message: 'ERROR something broke',
    stream: streamName,
  });
});

t.test('logs of a window without matching events (ISO --since): exit 0, says so', async (t) => {
  const empty = await runCli([
    'logs',
    ...flags,
    '--since',
    new Date(now - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    '--filter',
    'NOTHING',
  ]);
  t.equal(empty.code, 0);
  t.match(empty.stderr, new RegExp(`no events in ${logGroup} between .* matching "NOTHING"`));
});

t.test('status: health, stack, ECS service and version read through the real clients', async (t) => {
  const result = await runCli(['status', ...flags, '--json']);
  const doc = JSON.parse(result.stdout) as Record<string, unknown>;
  t.match(doc, {
    command: 'status',
    stackName,
    health: { ok: true, seen: 'HTTP 200 {"status":"ok"}' },
    stack: { status: 'CREATE_COMPLETE', lastOperation: { kind: 'create', outcome: 'succeeded' } },
    service: { name: `${stackName}-service`, desired: 1 },
    metabaseVersion: 'v0.64.2.2',
    database: null,
    alarms: [],
  });
  // moto starts no task, and the stack has no database.
  t.same(doc.problems, [
    'ECS: 0 of 1 desired tasks running',
    'database not found (not created yet, or deleted)',
  ]);
  t.equal(doc.verdict, 'degraded');
  t.equal(result.code, 1, 'no database: not healthy');
  const text = await runCli(['status', ...flags]);
  t.match(text.stdout, new RegExp(`^${stackName} \\(us-east-1\\): degraded\\n`));
});
