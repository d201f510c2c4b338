// release-locks: the one-off task (the service's own task definition, network and container, the
// documented command), the refusal while tasks run, the exit code; then the SDK calls ECS, IAM and ACM get.
import t from 'tap';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeCertificateCommand, ACMClient } from '@aws-sdk/client-acm';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { CreateServiceLinkedRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { sdkAcm } from '../../src/aws/acm.js';
import { sdkEcs } from '../../src/aws/ecs.js';
import { sdkIam } from '../../src/aws/iam.js';
import { releaseLocksCommand, type ReleaseLocksOptions } from '../../src/cli/commands/release-locks.js';
import { logStreamOf, RELEASE_LOCKS_COMMAND } from '../../src/deploy/release-locks.js';
import { captureIo, runCli } from '../support/cli.js';
import { existingStack, fakeWorld, ROOT_ID, type FakeWorld } from './fakes.js';

const CLUSTER = 'metabase-dev-AppStack-Cluster-abc';
const SERVICE = 'metabase-dev-metabase';
const TASK_DEF = 'arn:aws:ecs:eu-west-1:111122223333:task-definition/metabase-dev-AppStack-metabase:7';

function deployed(running = 0): FakeWorld {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', {
    outputs: { ClusterName: CLUSTER, ServiceName: SERVICE, LogGroupName: 'metabase-dev-logs' },
  });
  world.ecsTasks.services.set(`${CLUSTER}/${SERVICE}`, {
    serviceArn: `arn:aws:ecs:eu-west-1:111122223333:service/${CLUSTER}/${SERVICE}`,
    status: 'ACTIVE',
    desiredCount: 1,
    runningCount: running,
    pendingCount: 0,
    taskDefinition: TASK_DEF,
    subnets: ['subnet-private-a', 'subnet-private-b'],
    securityGroups: ['sg-task'],
    assignPublicIp: 'DISABLED',
  });
  return world;
}

const options = (o: Partial<ReleaseLocksOptions> = {}): ReleaseLocksOptions => ({
  stackName: 'metabase-dev',
  force: false,
  json: false,
  ...o,
});

async function run(world: FakeWorld, o: Partial<ReleaseLocksOptions> = {}, tty?: { answer: string }) {
  const { io, out } = captureIo(tty ? { isTty: true, env: { NO_COLOR: '1' } } : {});
  const questions: string[] = [];
  const code = await releaseLocksCommand(options(o), io, {
    session: world.session,
    clock: world.clock,
    pollIntervalMs: 1000,
    prompt: (q) => (questions.push(q), Promise.resolve(tty?.answer ?? '')),
  });
  return { code, out, questions };
}

t.test('no task running: one task of the service definition runs the command, exit 0', async (t) => {
  const world = deployed(0);
  const { code, out } = await run(world);
  t.equal(code, 0, out.stderr);
  const call = world.ecsTasks.calls.find((c) => c.name === 'runOneOffTask');
  t.same(call?.arg, {
    cluster: CLUSTER,
    taskDefinition: TASK_DEF,
    subnets: ['subnet-private-a', 'subnet-private-b'],
    securityGroups: ['sg-task'],
    containerName: 'metabase',
    command: ['migrate', 'release-locks'],
    startedBy: 'metabase-aws release-locks',
  });
  t.match(out.stdout, /logs: metabase\/metabase\/task1/);
  t.match(out.stdout, /task PROVISIONING\n {2}task STOPPED/);
  t.match(out.stdout, /release-locks metabase-dev: the migration lock is released \(exit code 0\)/);
  t.ok(
    world.clock.sleeps.every((ms) => ms === 1000),
    'polls at the interval',
  );
});

t.test('the container name is the task definition’s, and the command is what the image runs', async (t) => {
  const { readFileSync } = await import('node:fs');
  const app = readFileSync('templates/app.yaml', 'utf8');
  t.match(app, /- Name: metabase\n/, 'the app template names its container metabase');
  t.notMatch(
    app,
    /\b(EntryPoint|Command):/,
    'no entry point or command override: the image’s ENTRYPOINT runs',
  );
  t.same([...RELEASE_LOCKS_COMMAND], ['migrate', 'release-locks']);
  t.equal(logStreamOf('arn:aws:ecs:eu-west-1:1:task/c/0123abcd'), 'metabase/metabase/0123abcd');
});

t.test('tasks running, no terminal, no --force: refused, nothing started', async (t) => {
  const world = deployed(2);
  await t.rejects(run(world), {
    name: 'UserError',
    message:
      /the service has 2 tasks running or starting; releasing the lock under a Metabase that is migrating breaks the migration/,
    hint: /pass --force/,
  });
  t.notOk(world.ecsTasks.calls.some((c) => c.name === 'runOneOffTask'));
});

t.test('tasks running with --force: runs', async (t) => {
  const world = deployed(1);
  const { code } = await run(world, { force: true });
  t.equal(code, 0);
  t.ok(world.ecsTasks.calls.some((c) => c.name === 'runOneOffTask'));
});

t.test('tasks running in a terminal: the stack name must be typed', async (t) => {
  for (const [answer, runs] of [
    ['y', false],
    ['metabase-dev', true],
  ] as const) {
    const world = deployed(1);
    const { code, questions, out } = await run(world, {}, { answer });
    t.match(questions[0], /The service has 1 task running\. .*Type the stack name \(metabase-dev\)/);
    t.equal(
      world.ecsTasks.calls.some((c) => c.name === 'runOneOffTask'),
      runs,
      `typed ${answer}`,
    );
    t.equal(code, runs ? 0 : 1);
    if (!runs) t.match(out.stderr, /cancelled; no task was started/);
  }
});

t.test('a non-zero exit code: exit 1, naming the log stream', async (t) => {
  const world = deployed(0);
  world.ecsTasks.exitCode = 1;
  const { code, out } = await run(world);
  t.equal(code, 1);
  t.match(
    out.stderr,
    /the task ended with exit code 1 \(Essential container in task exited\)\nRead its output \(log group metabase-dev-logs, stream metabase\/metabase\/task1\)/,
  );
});

t.test('ECS places no task: its reason, exit 1 through the CLI error', async (t) => {
  const world = deployed(0);
  world.ecsTasks.runFailure = 'RESOURCE:ENI: no free addresses';
  await t.rejects(run(world), { message: /ECS did not start the task: RESOURCE:ENI/ });
});

t.test('a stack this tool did not deploy, or none at all: refused before ECS', async (t) => {
  const world = deployed(0);
  world.cf.liveStacks = async () => [
    { stackId: ROOT_ID, stackName: 'metabase-dev', status: 'UPDATE_COMPLETE', tags: {} },
  ];
  await t.rejects(run(world), { message: /not one metabase-aws deployed/ });
  t.equal(world.ecsTasks.calls.length, 0);
  await t.rejects(run(fakeWorld()), { message: /release-locks metabase-dev: no such stack/ });
});

t.test('--json: one document with the task and its exit code', async (t) => {
  const world = deployed(0);
  const { code, out } = await run(world, { json: true });
  t.equal(code, 0);
  const doc = JSON.parse(out.stdout) as Record<string, unknown>;
  t.match(doc, { command: 'release-locks', outcome: 'released', exitCode: 0, taskDefinition: TASK_DEF });
});

t.test('CLI: listed in --help, refuses --params', async (t) => {
  const help = await runCli(['--help']);
  t.match(help.stdout, /release-locks +Release a stuck Metabase migration lock/);
  const refused = await runCli(['release-locks', '--params', 'params/dev.json']);
  t.equal(refused.code, 1);
  t.match(refused.stderr, /release-locks does not read params files/);
});

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

t.test(
  'SDK: RunTask gets the network of the service, no public IP, no ECS Exec, on-demand Fargate',
  async (t) => {
    const mock = mockClient(ECSClient);
    t.teardown(() => mock.restore());
    mock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:task/1' }] });
    mock.on(DescribeServicesCommand).resolves({
      services: [
        {
          status: 'ACTIVE',
          taskDefinition: TASK_DEF,
          runningCount: 0,
          pendingCount: 0,
          desiredCount: 1,
          networkConfiguration: {
            awsvpcConfiguration: { subnets: ['s1'], securityGroups: ['g1'], assignPublicIp: 'DISABLED' },
          },
        },
      ],
    });
    mock
      .on(DescribeTasksCommand)
      .resolves({ tasks: [{ lastStatus: 'STOPPED', containers: [{ name: 'metabase', exitCode: 0 }] }] });
    const ecs = sdkEcs(new ECSClient({ region: 'eu-west-1', credentials }));
    t.match(await ecs.describeService('c', 's'), {
      taskDefinition: TASK_DEF,
      subnets: ['s1'],
      securityGroups: ['g1'],
    });
    t.same(
      await ecs.runOneOffTask({
        cluster: 'c',
        taskDefinition: TASK_DEF,
        subnets: ['s1'],
        securityGroups: ['g1'],
        containerName: 'metabase',
        command: ['migrate', 'release-locks'],
        startedBy: 'x',
      }),
      { taskArn: 'arn:task/1' },
    );
    t.match(mock.commandCalls(RunTaskCommand)[0]?.args[0].input, {
      cluster: 'c',
      taskDefinition: TASK_DEF,
      count: 1,
      launchType: 'FARGATE',
      enableExecuteCommand: false,
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['s1'], securityGroups: ['g1'], assignPublicIp: 'DISABLED' },
      },
      overrides: { containerOverrides: [{ name: 'metabase', command: ['migrate', 'release-locks'] }] },
    });
    t.match(await ecs.describeTask('c', 'arn:task/1'), {
      lastStatus: 'STOPPED',
      containers: [{ exitCode: 0 }],
    });
    mock.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:MEMORY' }] });
    t.same(await ecs.runOneOffTask({} as never), { failure: 'RESOURCE:MEMORY' });
  },
);

t.test(
  'SDK: CreateServiceLinkedRole: created, "has been taken" = exists, AccessDenied = denied',
  async (t) => {
    const mock = mockClient(IAMClient);
    t.teardown(() => mock.restore());
    const iam = sdkIam(new IAMClient({ region: 'us-east-1', credentials }));
    mock.on(CreateServiceLinkedRoleCommand).resolves({ Role: { RoleName: 'AWSServiceRoleForECS' } as never });
    t.same(await iam.ensureServiceLinkedRole('ecs.amazonaws.com'), {
      outcome: 'created',
      roleName: 'AWSServiceRoleForECS',
    });
    t.match(mock.commandCalls(CreateServiceLinkedRoleCommand)[0]?.args[0].input, {
      AWSServiceName: 'ecs.amazonaws.com',
    });
    // IAM's own words (error code InvalidInput), as reported e.g. in terraform-aws-hasura#17.
    mock
      .on(CreateServiceLinkedRoleCommand)
      .rejects(
        Object.assign(
          new Error(
            'Service role name AWSServiceRoleForECS has been taken in this account, please try a different suffix.',
          ),
          { name: 'InvalidInputException' },
        ),
      );
    t.same(await iam.ensureServiceLinkedRole('ecs.amazonaws.com'), { outcome: 'exists' });
    mock.on(CreateServiceLinkedRoleCommand).rejects(
      Object.assign(new Error('User: x is not authorized to perform: iam:CreateServiceLinkedRole'), {
        name: 'AccessDenied',
      }),
    );
    t.match(await iam.ensureServiceLinkedRole('ecs.amazonaws.com'), { outcome: 'denied' });
    mock
      .on(CreateServiceLinkedRoleCommand)
      .rejects(Object.assign(new Error('boom'), { name: 'ServiceFailure' }));
    await t.rejects(iam.ensureServiceLinkedRole('ecs.amazonaws.com'), { message: 'boom' });
  },
);

t.test('SDK: DescribeCertificate: status, and unknown ARN = undefined', async (t) => {
  const mock = mockClient(ACMClient);
  t.teardown(() => mock.restore());
  const acm = sdkAcm(new ACMClient({ region: 'eu-west-1', credentials }));
  mock.on(DescribeCertificateCommand).resolves({
    Certificate: {
      Status: 'ISSUED',
      DomainName: 'bi.example.com',
      SubjectAlternativeNames: ['bi.example.com', '*.bi.example.com'],
    },
  });
  t.match(await acm.describeCertificate('arn:c'), {
    status: 'ISSUED',
    domainName: 'bi.example.com',
    names: ['bi.example.com', '*.bi.example.com'],
  });
  mock
    .on(DescribeCertificateCommand)
    .rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
  t.equal(await acm.describeCertificate('arn:c'), undefined);
});
