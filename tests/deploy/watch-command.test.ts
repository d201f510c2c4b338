// The watch command over in-memory AWS: following an operation already running (to success, to a nested
// failure, Ctrl-C, a lost connection), stacks with nothing running, --json, and the refusals.
import t from 'tap';
import { createServer, type IncomingMessage } from 'node:http';
import type { StackEvent } from '../../src/aws/cloudformation.js';
import { UserError } from '../../src/cli/errors.js';
import { watchCommand, type WatchCommandOptions } from '../../src/cli/commands/watch.js';
import { captureIo, runCli } from '../support/cli.js';
import {
  failedCreateTimeline,
  createTimeline,
  existingStack,
  fakeWorld,
  nestedId,
  ROOT_ID,
  type FakeWorld,
  type ScheduledEvent,
} from './fakes.js';

const io = captureIo;

const options = (o: Partial<WatchCommandOptions> = {}): WatchCommandOptions => ({
  stackName: 'metabase-dev',
  json: false,
  ...o,
});
const STACK = 'AWS::CloudFormation::Stack';
const DAY = 86_400_000;

/** A past event of the root stack (history is newest first in the fake). */
function pastEvent(
  world: FakeWorld,
  id: string,
  agoMs: number,
  logicalId: string,
  status: string,
  resourceType = STACK,
  physicalId = ROOT_ID,
  stackId = ROOT_ID,
): StackEvent {
  return {
    eventId: id,
    stackId,
    stackName: 'metabase-dev',
    logicalId,
    physicalId,
    resourceType,
    status,
    timestamp: new Date(world.clock.now() - agoMs),
  };
}

/** The stack was created a day ago; now an operation runs whose timeline plays from the moment watch starts. */
function running(
  world: FakeWorld,
  status: string,
  timeline: ScheduledEvent[],
  finalStatus: string,
  finalOutputs: Record<string, string> = {},
): void {
  existingStack(world, status);
  world.cf.history.set(ROOT_ID, [
    pastEvent(world, 'old-3', DAY, 'metabase-dev', 'CREATE_COMPLETE'),
    pastEvent(world, 'old-2', DAY + 1000, 'OldBucket', 'CREATE_COMPLETE', 'AWS::S3::Bucket', 'old-bucket'),
    pastEvent(world, 'old-1', DAY + 2000, 'metabase-dev', 'CREATE_IN_PROGRESS'),
  ]);
  world.cf.timeline = timeline;
  world.cf.finalStatus = finalStatus;
  world.cf.finalOutputs = finalOutputs;
  world.cf.begin();
}

const updateTimeline = (): ScheduledEvent[] =>
  createTimeline('UPDATE_COMPLETE').map((e) => ({ ...e, status: e.status.replace(/^CREATE_/, 'UPDATE_') }));

function failingCreate(world: FakeWorld): void {
  existingStack(world, 'CREATE_IN_PROGRESS');
  world.cf.timeline = failedCreateTimeline();
  world.cf.finalStatus = 'ROLLBACK_COMPLETE';
  world.cf.begin();
}

t.test(
  'an update in progress: followed (root and nested) to UPDATE_COMPLETE, outputs with the URL first, exit 0',
  async (t) => {
    const world = fakeWorld();
    running(world, 'UPDATE_IN_PROGRESS', updateTimeline(), 'UPDATE_COMPLETE', {
      ClusterName: 'c',
      MetabaseUrl: 'http://mb.example',
    });
    const { io: cli, out } = io();
    const code = await watchCommand(options(), cli, { session: world.session, clock: world.clock });
    t.equal(code, 0);
    t.match(
      out.stdout,
      /watch metabase-dev: UPDATE_IN_PROGRESS; following it and its nested stacks \(Ctrl-C stops watching, not the operation\)/,
    );
    t.match(
      out.stdout,
      /metabase-dev +metabase-dev +UPDATE_IN_PROGRESS/,
      'events of the operation before watch started are shown',
    );
    t.match(out.stdout, /NetworkStack +Thing +UPDATE_COMPLETE/, 'events inside a nested stack');
    t.notMatch(out.stdout, /OldBucket/, 'history before the operation is not replayed');
    t.match(
      out.stdout,
      /watch metabase-dev: UPDATE_COMPLETE after \d+s of watching\n {2}MetabaseUrl {2}http:\/\/mb\.example\n {2}ClusterName {2}c\n/,
    );
    t.notMatch(out.stdout, /\u001b\[/, 'no colour outside a TTY');
    t.equal(out.stderr, '');
    t.notOk(
      world.cf.callNames().some((n) => /executeChangeSet|deleteStack|createChangeSet/.test(n)),
      'watch changes nothing',
    );
  },
);

t.test('a create in progress that fails in a nested stack: the nested root cause, exit 1', async (t) => {
  const world = fakeWorld();
  failingCreate(world);
  const { io: cli, out } = io();
  const code = await watchCommand(options(), cli, { session: world.session, clock: world.clock });
  t.equal(code, 1);
  t.match(out.stderr, /watch metabase-dev: failed \(ROLLBACK_COMPLETE\) after \d+s of watching\n/);
  t.match(
    out.stderr,
    /root cause: NetworkStack\/NatEipA \(AWS::EC2::EIP\) CREATE_FAILED\n {4}The maximum number of addresses has been reached\./,
  );
  t.match(out.stderr, /CloudFormation has rolled back what the operation changed/);
});

t.test('TTY: the live tier view deploy uses; NO_COLOR turns colour off', async (t) => {
  for (const [env, coloured] of [
    [{}, true],
    [{ NO_COLOR: '1' }, false],
  ] as const) {
    const world = fakeWorld();
    running(world, 'UPDATE_IN_PROGRESS', updateTimeline(), 'UPDATE_COMPLETE');
    const { io: cli, out } = io({ isTty: true, env });
    t.equal(await watchCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
    t.match(out.stdout, /\u001b\[2K {2}NetworkStack/, 'live rows');
    t.equal(/\u001b\[3\dm/.test(out.stdout), coloured, `colour with env ${JSON.stringify(env)}`);
  }
});

t.test(
  'a deletion in progress (an interrupted destroy): followed to DELETE_COMPLETE, exit 0, points at destroy for the bucket',
  async (t) => {
    const world = fakeWorld();
    running(
      world,
      'DELETE_IN_PROGRESS',
      [
        { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_IN_PROGRESS' },
        { after: 4000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'DELETE_COMPLETE' },
      ],
      'DELETE_COMPLETE',
    );
    const { io: cli, out } = io();
    t.equal(await watchCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
    t.match(out.stdout, /watch metabase-dev: DELETE_COMPLETE after \d+s of watching\n/);
    t.match(out.stdout, /run it again to remove the artifacts bucket/);
  },
);

t.test('already UPDATE_COMPLETE: its status and outputs, exit 0, no event is read', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', { outputs: { MetabaseUrl: 'http://mb.example' } });
  const { io: cli, out } = io();
  t.equal(await watchCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
  t.match(
    out.stdout,
    /^watch metabase-dev: UPDATE_COMPLETE; no operation is running\.\n {2}MetabaseUrl {2}http:\/\/mb\.example\n$/,
  );
  t.same(world.cf.callNames(), ['describeStack']);
});

t.test(
  'already UPDATE_ROLLBACK_COMPLETE: the root cause of the last update (found in its nested stack), exit 1',
  async (t) => {
    const world = fakeWorld();
    existingStack(world, 'UPDATE_ROLLBACK_COMPLETE');
    const data = nestedId('DataStack');
    const H = 3_600_000;
    world.cf.history.set(ROOT_ID, [
      pastEvent(world, 'r-6', H - 9000, 'metabase-dev', 'UPDATE_ROLLBACK_COMPLETE'),
      pastEvent(world, 'r-5', H - 5000, 'DataStack', 'UPDATE_FAILED', STACK, data),
      pastEvent(world, 'r-4', H, 'metabase-dev', 'UPDATE_IN_PROGRESS'),
      pastEvent(world, 'r-3', DAY, 'metabase-dev', 'CREATE_COMPLETE'),
      // A failure of the earlier create's history: not the last operation's cause.
      pastEvent(world, 'r-2', DAY + 1000, 'OldThing', 'CREATE_FAILED', 'AWS::EC2::EIP', 'eip'),
      pastEvent(world, 'r-1', DAY + 2000, 'metabase-dev', 'CREATE_IN_PROGRESS'),
    ]);
    world.cf.history.set(data, [
      {
        ...pastEvent(world, 'd-2', H - 3000, 'Database', 'UPDATE_FAILED', 'AWS::RDS::DBInstance', 'db', data),
        reason: 'Cannot upgrade postgres from 16.4 to 15.8',
      },
      {
        ...pastEvent(
          world,
          'd-1',
          DAY + 1500,
          'Database',
          'CREATE_FAILED',
          'AWS::RDS::DBInstance',
          'db',
          data,
        ),
        reason: 'an old failure',
      },
    ]);
    const { io: cli, out } = io();
    t.equal(await watchCommand(options(), cli, { session: world.session, clock: world.clock }), 1);
    t.match(
      out.stderr,
      /^watch metabase-dev: failed \(UPDATE_ROLLBACK_COMPLETE\)\n/,
      'no elapsed time: nothing was followed',
    );
    t.match(
      out.stderr,
      /root cause: DataStack\/Database \(AWS::RDS::DBInstance\) UPDATE_FAILED\n {4}Cannot upgrade postgres from 16\.4 to 15\.8/,
    );
    t.notMatch(out.stderr, /OldThing|an old failure/);
  },
);

t.test('REVIEW_IN_PROGRESS: a change set waiting, nothing to follow, exit 0 with what to do', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'REVIEW_IN_PROGRESS');
  const { io: cli, out } = io();
  t.equal(await watchCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
  t.match(
    out.stdout,
    /REVIEW_IN_PROGRESS: a change set was created but never executed; no operation is running/,
  );
  t.match(out.stdout, /Run deploy again/);
  t.notOk(world.cf.callNames().includes('stackEvents'));
});

t.test(
  'a missing stack: "stack does not exist" with the hint, through the same error path as drift',
  async (t) => {
    const world = fakeWorld();
    const { io: cli } = io();
    await t.rejects(
      watchCommand(options({ region: 'eu-west-1' }), cli, { session: world.session, clock: world.clock }),
      {
        constructor: UserError,
        message: 'watch metabase-dev: stack does not exist in eu-west-1',
        hint: /Check --stack-name, --region and --profile; `deploy` creates the stack\./,
      },
    );
  },
);

t.test(
  'Ctrl-C: exit 130, the operation continues, and how to follow it again (with the flags given)',
  async (t) => {
    const world = fakeWorld();
    running(world, 'UPDATE_IN_PROGRESS', updateTimeline(), 'UPDATE_COMPLETE');
    const controller = new AbortController();
    const events = world.cf.stackEvents.bind(world.cf);
    let polls = 0;
    world.cf.stackEvents = async (id, stop) => {
      if (++polls === 4) controller.abort();
      return events(id, stop);
    };
    const { io: cli, out } = io();
    const code = await watchCommand(options({ region: 'eu-west-1', profile: 'ops' }), cli, {
      session: world.session,
      clock: world.clock,
      signal: controller.signal,
    });
    t.equal(code, 130);
    t.match(
      out.stderr,
      /^watch metabase-dev: stopped watching\. The operation continues in AWS \(last status UPDATE_IN_PROGRESS\)\. Follow it again with: metabase-aws watch --stack-name metabase-dev --region eu-west-1 --profile ops\n$/,
    );
    t.notMatch(out.stdout, /UPDATE_COMPLETE in/);
  },
);

t.test('an AWS error while following: lost track, exit 1, the operation continues', async (t) => {
  const world = fakeWorld();
  running(world, 'UPDATE_IN_PROGRESS', updateTimeline(), 'UPDATE_COMPLETE');
  const events = world.cf.stackEvents.bind(world.cf);
  let polls = 0;
  world.cf.stackEvents = async (id, stop) => {
    if (++polls > 3)
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400, attempts: 8 },
      });
    return events(id, stop);
  };
  const { io: cli, out } = io();
  t.equal(await watchCommand(options(), cli, { session: world.session, clock: world.clock }), 1);
  t.match(
    out.stderr,
    /watch metabase-dev: lost track of the stack operation: AWS kept throttling the requests \(gave up after 8 attempts\)/,
  );
  t.match(out.stderr, /Follow it again with: metabase-aws watch --stack-name metabase-dev\n/);
});

t.test(
  '--json: one document on stdout (stackName, status, outcome, outputs, rootCause, apiCalls), progress on stderr',
  async (t) => {
    const world = fakeWorld();
    running(world, 'UPDATE_IN_PROGRESS', updateTimeline(), 'UPDATE_COMPLETE', {
      MetabaseUrl: 'http://mb.example',
    });
    const { io: cli, out } = io();
    t.equal(
      await watchCommand(options({ json: true }), cli, { session: world.session, clock: world.clock }),
      0,
    );
    const doc = JSON.parse(out.stdout) as Record<string, unknown> & {
      apiCalls: { total: number; byOperation: Record<string, number> };
    };
    t.match(doc, {
      command: 'watch',
      stackName: 'metabase-dev',
      status: 'UPDATE_COMPLETE',
      outcome: 'succeeded',
      followed: true,
      outputs: { MetabaseUrl: 'http://mb.example' },
      exitCode: 0,
    });
    t.equal(doc.rootCause, null, 'rootCause is present, null on success');
    t.equal(doc.apiCalls.total, world.session.calls.total);
    t.ok((doc.apiCalls.byOperation['cloudformation:stackEvents'] ?? 0) > 0);
    t.match(out.stderr, /NetworkStack +Thing +UPDATE_COMPLETE/);

    const failed = fakeWorld();
    failingCreate(failed);
    const second = io();
    t.equal(
      await watchCommand(options({ json: true }), second.io, {
        session: failed.session,
        clock: failed.clock,
      }),
      1,
    );
    t.match(JSON.parse(second.out.stdout), {
      outcome: 'failed',
      status: 'ROLLBACK_COMPLETE',
      rootCause: { path: 'NetworkStack/NatEipA', status: 'CREATE_FAILED' },
      exitCode: 1,
    });
  },
);

t.test('through the CLI, against an endpoint that records every request', async (t) => {
  const requests: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push(body);
      // DescribeStacks of a stack that is not there, as CloudFormation answers it.
      response
        .writeHead(400, { 'content-type': 'text/xml' })
        .end(
          '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id metabase-dev does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // The SDK reads credentials from the process environment: give it some, so only our own checks can stop it.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example',
    AWS_REGION: 'us-east-1',
  });

  t.test('--params without --stack-name: refused, AWS hears nothing', async (t) => {
    requests.length = 0;
    const result = await runCli(['watch', '--params', 'params/dev.json', '--endpoint-url', endpoint]);
    t.equal(result.code, 1);
    t.match(
      result.stderr,
      /^watch --params: watch does not read params files, so it cannot tell which stack to follow\nPass --stack-name NAME/,
    );
    t.equal(requests.length, 0);
  });

  t.test('a stack that does not exist: exit 1, message and hint', async (t) => {
    requests.length = 0;
    // --params with --stack-name is fine: the name says which stack.
    const result = await runCli([
      'watch',
      '--params',
      'params/dev.json',
      '--stack-name',
      'metabase-dev',
      '--endpoint-url',
      endpoint,
    ]);
    t.equal(result.code, 1);
    t.equal(
      result.stderr,
      'watch metabase-dev: stack does not exist\nCheck --stack-name, --region and --profile; `deploy` creates the stack.\n',
    );
    t.ok(
      requests.length > 0 && requests.every((r) => r.includes('Action=DescribeStacks')),
      'asked CloudFormation once, and only about the stack',
    );
  });
});

t.test(
  "the elapsed time is the operation's own, from the stack's LastUpdatedTime, not the watch's",
  async (t) => {
    const world = fakeWorld();
    running(world, 'UPDATE_IN_PROGRESS', updateTimeline(), 'UPDATE_COMPLETE', {
      MetabaseUrl: 'http://mb.example',
    });
    // The update began two minutes before watch was started.
    const stack = world.cf.stacks.get('metabase-dev');
    if (stack) stack.lastChanged = new Date(world.clock.now() - 120_000);
    const watchStart = world.clock.now();
    const { io: cli, out } = io();
    t.equal(await watchCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
    const expected = Math.round((world.clock.now() - watchStart + 120_000) / 1000);
    const headline = /watch metabase-dev: UPDATE_COMPLETE (\d+)m(\d\d)s after the operation started\n/.exec(
      out.stdout,
    );
    t.ok(headline, out.stdout);
    if (headline)
      t.equal(
        Number(headline[1]) * 60 + Number(headline[2]),
        expected,
        'watched time + the two minutes before',
      );
  },
);
