// The deploy command over in-memory AWS: confirmation rules, DB replacement guard, printed output,
// --json, exit codes. Uses the real params/dev.json and the shipped templates.
import t from 'tap';
import { captureIo } from '../support/cli.js';
import { deployCommand, type DeployOptions } from '../../src/cli/commands/deploy.js';
import { UserError } from '../../src/cli/errors.js';
import { renderImageLine } from '../../src/ui/image-line.js';
import type { FetchLike } from '../../src/deploy/health.js';
import {
  REGION,
  ACCOUNT,
  scriptDbReplacement,
  failedCreateTimeline,
  createTimeline,
  existingStack,
  fakeWorld,
  ROOT_ID,
  type FakeWorld,
} from './fakes.js';

const io = captureIo;

const options = (o: Partial<DeployOptions> = {}): DeployOptions => ({
  yes: true,
  execute: true,
  waitHealthy: false,
  allowReplacement: false,
  json: false,
  ...o,
});

function dbReplacement(world: FakeWorld): void {
  scriptDbReplacement(world, 'DBName');
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_IN_PROGRESS' },
    { after: 2000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_COMPLETE' },
  ];
  world.cf.finalStatus = 'UPDATE_COMPLETE';
}

t.test('no TTY and no --yes: refused before any AWS call', async (t) => {
  const world = fakeWorld();
  const { io: cli } = io();
  await t.rejects(
    deployCommand(options({ yes: false }), cli, { session: world.session, clock: world.clock }),
    { message: /not an interactive terminal/ },
  );
  t.equal(world.session.calls.total, 0);
});

t.test('a broken params file: refused before any AWS call', async (t) => {
  const world = fakeWorld();
  const { io: cli } = io();
  await t.rejects(
    deployCommand(options({ env: 'nope' }), cli, { session: world.session, clock: world.clock }),
    UserError,
  );
  t.equal(world.session.calls.total, 0);
});

t.test('DB replacement with --yes and no TTY: refused, nothing executed', async (t) => {
  const world = fakeWorld();
  dbReplacement(world);
  const { io: cli, out } = io();
  await t.rejects(deployCommand(options(), cli, { session: world.session, clock: world.clock }), {
    message: /replace or remove the database or its secrets \(DataStack\/Database\)/,
  });
  t.match(out.stdout, /!! The database DataStack\/Database will be REPLACED because DBName changed/);
  t.match(out.stdout, /~ Database {2}AWS::RDS::DBInstance {2}REPLACE \(DBName\)/);
  t.notOk(world.cf.callNames().includes('executeChangeSet'));
});

t.test('DB replacement with --yes in a TTY: the stack name must be typed', async (t) => {
  for (const [typed, executes] of [
    ['yes', false],
    ['metabase-dev', true],
  ] as const) {
    const world = fakeWorld();
    dbReplacement(world);
    const { io: cli } = io({ isTty: true, env: { NO_COLOR: '1' } });
    const questions: string[] = [];
    const code = await deployCommand(options(), cli, {
      session: world.session,
      clock: world.clock,
      prompt: async (q) => (questions.push(q), typed),
    });
    t.match(questions[0], /Type the stack name \(metabase-dev\)/);
    t.equal(world.cf.callNames().includes('executeChangeSet'), executes, `typed "${typed}"`);
    t.equal(code, executes ? 0 : 1);
  }
});

t.test('DB replacement with --allow-replacement: executes without asking', async (t) => {
  const world = fakeWorld();
  dbReplacement(world);
  const { io: cli } = io();
  const code = await deployCommand(options({ allowReplacement: true }), cli, {
    session: world.session,
    clock: world.clock,
    prompt: async () => t.fail('no prompt') as never,
  });
  t.equal(code, 0);
  t.ok(world.cf.callNames().includes('executeChangeSet'));
});

t.test('interactive confirmation: y executes', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  const { io: cli, out } = io({ isTty: true, env: {} });
  const code = await deployCommand(options({ yes: false }), cli, {
    session: world.session,
    clock: world.clock,
    prompt: async () => 'y',
  });
  t.equal(code, 0);
  t.match(out.stdout, /\u001b\[2K {2}NetworkStack/, 'live tier view in a TTY');
  t.match(out.stdout, /\u001b\[32m/, 'colours in a TTY without NO_COLOR');
});

t.test('the preview names the Metabase image by tag, and by digest when one is pinned', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  // A preview reads nested templates from the artifacts bucket, which only a first deploy creates.
  await world.s3.createPrivateBucket(
    `metabase-aws-artifacts-${ACCOUNT}-${REGION}`,
    ACCOUNT,
    REGION,
    {},
    true,
  );
  const { io: cli, out } = io();
  t.equal(
    await deployCommand(options({ execute: false }), cli, { session: world.session, clock: world.clock }),
    0,
  );
  t.match(
    out.stdout,
    /Metabase image: docker\.io\/metabase\/metabase:v0\.64\.2\.2 \(tag v0\.64\.2\.2, no digest: the tag may be moved; MetabaseImageDigest pins it\)/,
  );
  const digest = `sha256:${'ab'.repeat(32)}`;
  t.equal(
    renderImageLine({ MetabaseVersion: 'v0.65.1', MetabaseImageDigest: digest }),
    `Metabase image: docker.io/metabase/metabase@${digest} (tag v0.65.1, digest ${digest})\n`,
  );
});

t.test('success outside a TTY: one line per event, no colour, outputs with the URL first', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  world.cf.finalOutputs = { ClusterName: 'c', MetabaseUrl: 'http://mb.example' };
  const { io: cli, out } = io();
  const code = await deployCommand(options(), cli, { session: world.session, clock: world.clock });
  t.equal(code, 0);
  t.match(out.stdout, /\d\d:\d\d:\d\d {2}NetworkStack +Thing +CREATE_COMPLETE/);
  t.notMatch(out.stdout, /\u001b\[/);
  t.match(
    out.stdout,
    /deploy metabase-dev: CREATE_COMPLETE in \d+s\n {2}MetabaseUrl {2}http:\/\/mb\.example\n {2}ClusterName/,
  );
});

t.test('--json: one document with outcome, outputs and the API call count', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  world.cf.finalOutputs = { MetabaseUrl: 'http://mb.example' };
  const { io: cli, out } = io();
  const code = await deployCommand(options({ json: true }), cli, {
    session: world.session,
    clock: world.clock,
  });
  t.equal(code, 0);
  const doc = JSON.parse(out.stdout) as {
    outcome: string;
    outputs: Record<string, string>;
    apiCalls: { total: number; byOperation: Record<string, number> };
  };
  t.equal(doc.outcome, 'created');
  t.equal(doc.outputs.MetabaseUrl, 'http://mb.example');
  t.equal(doc.apiCalls.total, world.session.calls.total);
  t.equal(doc.apiCalls.byOperation['cloudformation:executeChangeSet'], 1);
  t.match(out.stderr, /Creating change set/, 'progress goes to stderr');
});

t.test('a failed deploy prints the root cause and exits 1', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = failedCreateTimeline();
  world.cf.finalStatus = 'ROLLBACK_COMPLETE';
  const { io: cli, out } = io();
  const code = await deployCommand(options(), cli, { session: world.session, clock: world.clock });
  t.equal(code, 1);
  t.match(out.stderr, /deploy metabase-dev: failed \(ROLLBACK_COMPLETE\)/);
  t.match(
    out.stderr,
    /root cause: NetworkStack\/NatEipA \(AWS::EC2::EIP\) CREATE_FAILED\n {4}The maximum number of addresses has been reached\./,
  );
});

t.test('Ctrl-C: says the operation continues in AWS and how to follow it', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  const controller = new AbortController();
  // Ctrl-C once the change set runs: only then is there an operation in AWS to leave running.
  const execute = world.cf.executeChangeSet.bind(world.cf);
  world.cf.executeChangeSet = async (id) => {
    await execute(id);
    controller.abort();
  };
  const { io: cli, out } = io();
  const code = await deployCommand(options(), cli, {
    session: world.session,
    clock: world.clock,
    signal: controller.signal,
  });
  t.equal(code, 130);
  t.match(out.stderr, /continues in AWS/);
  t.match(
    out.stderr,
    /Follow it again with: metabase-aws watch --stack-name metabase-dev\n/,
    'names the resume command, no flags the user did not give',
  );
});

t.test('health timeout: points at the ECS service events and the log group', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  world.cf.finalOutputs = {
    MetabaseUrl: 'http://mb.example',
    ClusterName: 'cl',
    ServiceName: 'svc',
    LogGroupName: '/metabase/dev',
  };
  const fetch: FetchLike = async () => ({ status: 503, text: async () => '{"status":"initializing"}' });
  const { io: cli, out } = io();
  const code = await deployCommand(options({ waitHealthy: true }), cli, {
    session: world.session,
    clock: world.clock,
    fetch,
    healthTimeoutMs: 30_000,
  });
  t.equal(code, 1);
  t.match(out.stderr, /did not report healthy within 30s \(last: HTTP 503 \(initializing\)\)/);
  t.match(
    out.stderr,
    /the ECS service, its tasks and events: metabase-aws status --stack-name metabase-dev --region eu-west-1\n/,
  );
  t.match(
    out.stderr,
    /the container logs \(\/metabase\/dev\): metabase-aws logs --stack-name metabase-dev --region eu-west-1 --since 30m\n/,
  );
});

t.test('no changes: exit 0 with the outputs', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', { outputs: { MetabaseUrl: 'http://mb' } });
  world.cf.changeSetSequence = [
    { status: 'FAILED', statusReason: "The submitted information didn't contain changes." },
  ];
  const { io: cli, out } = io();
  t.equal(await deployCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
  t.match(out.stdout, /no changes; the stack is up to date/);
});

t.test(
  'Ctrl-C while the change set is being created, with --yes: nothing executes, exit 130, "nothing was changed"',
  async (t) => {
    const world = fakeWorld();
    world.cf.timeline = createTimeline();
    world.cf.changeSetSequence = [
      { status: 'CREATE_PENDING' },
      { status: 'CREATE_IN_PROGRESS' },
      { status: 'CREATE_COMPLETE', changes: [] },
    ];
    const controller = new AbortController();
    const describe = world.cf.describeChangeSet.bind(world.cf);
    world.cf.describeChangeSet = async (id) => {
      controller.abort();
      return describe(id);
    };
    const { io: cli, out } = io();
    const code = await deployCommand(options(), cli, {
      session: world.session,
      clock: world.clock,
      signal: controller.signal,
    });
    t.equal(code, 130);
    t.match(out.stderr, /interrupted before executing; nothing was changed/);
    t.notOk(world.cf.callNames().includes('executeChangeSet'));
    t.ok(world.cf.callNames().includes('deleteChangeSet'), 'the change set is discarded');
    t.ok(
      world.cf.callNames().includes('deleteStack'),
      'and the empty REVIEW_IN_PROGRESS stack of the create',
    );
  },
);

t.test(
  'Ctrl-C at the deploy prompt (readline rejects with AbortError): exit 130, change set discarded, no "bug" report',
  async (t) => {
    const world = fakeWorld();
    world.cf.timeline = createTimeline();
    const { io: cli, out } = io({ isTty: true, env: { NO_COLOR: '1' } });
    const abort = Object.assign(new Error('The operation was aborted'), {
      name: 'AbortError',
      code: 'ABORT_ERR',
    });
    const code = await deployCommand(options({ yes: false }), cli, {
      session: world.session,
      clock: world.clock,
      prompt: async () => Promise.reject(abort),
    });
    t.equal(code, 130);
    t.match(out.stderr, /interrupted before executing; nothing was changed/);
    t.notOk(world.cf.callNames().includes('executeChangeSet'));
    t.ok(world.cf.callNames().includes('deleteChangeSet'));
  },
);

t.test('an AWS error during the watch: reported like an interruption plus the cause, exit 1', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  const events = world.cf.stackEvents.bind(world.cf);
  let polls = 0;
  world.cf.stackEvents = async (id, stop) => {
    if (++polls > 3)
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400, attempts: 10 },
      });
    return events(id, stop);
  };
  const { io: cli, out } = io();
  const code = await deployCommand(options({ region: 'eu-west-1', profile: 'my team' }), cli, {
    session: world.session,
    clock: world.clock,
  });
  t.equal(code, 1);
  t.match(
    out.stderr,
    /deploy metabase-dev: lost track of the stack operation: AWS kept throttling the requests \(gave up after 10 attempts\)/,
  );
  t.match(out.stderr, /continues in AWS/);
  t.match(
    out.stderr,
    /Follow it again with: metabase-aws watch --stack-name metabase-dev --region eu-west-1 --profile 'my team'\n/,
    'keeps the given region and profile (quoted for the shell)',
  );
  t.notMatch(out.stderr, /unexpected error/);
});

t.test(
  'a deploy ending UPDATE_ROLLBACK_FAILED: the continue-update-rollback way out, not "rolled back"',
  async (t) => {
    const world = fakeWorld();
    existingStack(world, 'UPDATE_COMPLETE');
    world.cf.timeline = [
      { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_IN_PROGRESS' },
      {
        after: 3000,
        stackId: ROOT_ID,
        logicalId: 'metabase-dev',
        status: 'UPDATE_ROLLBACK_FAILED',
        reason: 'The following resource(s) failed to update',
      },
    ];
    world.cf.finalStatus = 'UPDATE_ROLLBACK_FAILED';
    const { io: cli, out } = io();
    t.equal(await deployCommand(options(), cli, { session: world.session, clock: world.clock }), 1);
    t.match(out.stderr, /continue-update-rollback --stack-name metabase-dev/);
    t.notMatch(out.stderr, /has rolled back/);
  },
);

t.test(
  'TTY: the live view ends when the watch ends; the health lines below it are not drawn over',
  async (t) => {
    const world = fakeWorld();
    world.cf.timeline = createTimeline();
    world.cf.finalOutputs = { MetabaseUrl: 'http://mb.example' };
    let n = 0;
    const fetch: FetchLike = async () =>
      ++n < 3
        ? { status: 503, text: async () => '{"status":"initializing"}' }
        : { status: 200, text: async () => '{"status":"ok"}' };
    const { io: cli, out } = io({ isTty: true, env: { NO_COLOR: '1' } });
    t.equal(
      await deployCommand(options({ waitHealthy: true }), cli, {
        session: world.session,
        clock: world.clock,
        fetch,
      }),
      0,
    );
    const afterHealth = out.stdout.slice(out.stdout.indexOf('Waiting for'));
    t.notMatch(afterHealth, /\u001b\[\d+A/, 'no cursor-up after the health probe lines');
  },
);
