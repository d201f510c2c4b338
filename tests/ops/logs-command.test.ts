// The logs command over in-memory AWS: a window (--since as a duration or an ISO time), --filter, paging,
// an empty window, no log group yet, the log group of a stack still being created, --follow with events
// arriving late and out of order, Ctrl-C, a lost connection, --json, and the refusals.
import t from 'tap';
import { logsCommand, type LogsCommandOptions } from '../../src/cli/commands/logs.js';
import { UserError } from '../../src/cli/errors.js';
import { LOOKBACK_MS, parseSince, readLogs, shortTaskId, taskIdOf } from '../../src/ops/logs.js';
import { captureIo } from '../support/cli.js';
import { existingStack, nestedId, ROOT_ID } from '../deploy/fakes.js';
import { deployedStack, LOG_GROUP, opsWorld, stream, TASK_A, TASK_B, type OpsWorld } from './fakes.js';

const MIN = 60_000;
// Not UTC, and with daylight saving: 2026-01-01 is winter, UTC+1.
const TZ = 'Europe/Berlin';

const options = (o: Partial<LogsCommandOptions> = {}): LogsCommandOptions => ({
  stackName: 'metabase-dev',
  since: '10m',
  follow: false,
  json: false,
  ...o,
});

function put(world: OpsWorld, agoMs: number, task: string, message: string, ingestedAfter?: number): void {
  const events = world.logs.groups.get(LOG_GROUP) ?? [];
  const timestamp = world.clock.now() - agoMs;
  events.push({
    eventId: `e-${String(events.length + 1)}`,
    timestamp,
    streamName: stream(task),
    message,
    ...(ingestedAfter === undefined ? {} : { ingestedAt: world.clock.now() + ingestedAfter }),
  });
  world.logs.groups.set(LOG_GROUP, events);
}

const run = (world: OpsWorld, o: Partial<LogsCommandOptions> = {}, signal?: AbortSignal) => {
  const { io, out } = captureIo();
  const code = logsCommand(options(o), io, {
    session: world.session,
    ops: world.ops,
    clock: world.clock,
    timeZone: TZ,
    ...(signal ? { signal } : {}),
  });
  return code.then((c) => ({ code: c, ...out }));
};

t.test('parseSince: durations, ISO times, and what it refuses', async (t) => {
  const now = Date.UTC(2026, 0, 1, 12);
  t.equal(parseSince('30m', now), now - 30 * MIN);
  t.equal(parseSince('2h', now), now - 120 * MIN);
  t.equal(parseSince('1d', now), now - 1440 * MIN);
  t.equal(parseSince('45s', now), now - 45_000);
  t.equal(parseSince('2026-01-01T09:00:00Z', now), Date.UTC(2026, 0, 1, 9));
  t.equal(parseSince('2026-01-01T10:00:00+01:00', now), Date.UTC(2026, 0, 1, 9));
  for (const bad of ['', '30', 'm', '1w', 'yesterday', '1', '2026-13-45T00:00:00Z'])
    t.equal(parseSince(bad, now), undefined, JSON.stringify(bad));
});

t.test('task ids: the last part of an awslogs stream name, shortened to 8', async (t) => {
  t.equal(taskIdOf(stream(TASK_A)), TASK_A);
  t.equal(shortTaskId(taskIdOf(stream(TASK_A))), '0f3c9a7e');
  t.equal(taskIdOf('plain'), 'plain');
});

t.test('--since 30m: the window only, oldest first, local time and short task ids, exit 0', async (t) => {
  const world = opsWorld();
  deployedStack(world);
  put(world, 45 * MIN, TASK_A, 'too old');
  put(world, 20 * MIN, TASK_A, 'Metabase Initialization COMPLETE\n');
  put(world, 19 * MIN, TASK_B, 'second task');
  const result = await run(world, { since: '30m' });
  t.equal(result.code, 0);
  // fake clock: 2026-01-01T00:00:00Z; 20 min earlier is 2025-12-31 23:40 UTC, 00:40 in Berlin.
  t.equal(
    result.stdout,
    '2026-01-01 00:40:00  0f3c9a7e  Metabase Initialization COMPLETE\n2026-01-01 00:41:00  9b8a7c6d  second task\n',
  );
  t.equal(result.stderr, '');
  t.match(world.logs.calls[0], {
    logGroupName: LOG_GROUP,
    startTime: world.clock.now() - 30 * MIN,
    endTime: world.clock.now(),
  });
  t.notOk(
    world.cf.callNames().some((n) => n !== 'describeStack'),
    'the root outputs name the log group: one CloudFormation call',
  );
});

t.test('--since ISO and every page read, including empty ones that carry a token', async (t) => {
  const world = opsWorld();
  deployedStack(world);
  world.logs.pageSize = 2;
  world.logs.emptyPageEvery = 2;
  for (let i = 0; i < 7; i++) put(world, (50 - i) * MIN, TASK_A, `line ${String(i)}`);
  const result = await run(world, { since: new Date(world.clock.now() - 60 * MIN).toISOString() });
  t.equal(result.code, 0);
  t.same(
    result.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('  ')[2]),
    [0, 1, 2, 3, 4, 5, 6].map((i) => `line ${String(i)}`),
  );
  t.ok(world.logs.calls.length >= 7, 'paged through empty pages to the end');
  t.ok(
    world.logs.calls.every((c) => c.at === world.clock.now()),
    'a window is read without waiting between pages',
  );
});

t.test('--filter: passed to FilterLogEvents as the pattern; an empty result says so', async (t) => {
  const world = opsWorld();
  deployedStack(world);
  put(world, 5 * MIN, TASK_A, 'INFO all good');
  put(world, 4 * MIN, TASK_A, 'ERROR database unreachable');
  const hit = await run(world, { filter: 'ERROR' });
  t.equal(hit.code, 0);
  t.match(hit.stdout, /^2026-01-01 00:56:00 {2}0f3c9a7e {2}ERROR database unreachable\n$/);
  t.equal(world.logs.calls[0]?.filterPattern, 'ERROR');

  const miss = await run(world, { filter: 'WARN' });
  t.equal(miss.code, 0);
  t.equal(miss.stdout, '');
  t.equal(
    miss.stderr,
    `logs metabase-dev: no events in ${LOG_GROUP} between 2026-01-01 00:50:00 and 2026-01-01 01:00:00 matching "WARN"\n`,
  );
});

t.test('an empty window: says so on stderr, nothing on stdout, exit 0', async (t) => {
  const world = opsWorld();
  deployedStack(world);
  put(world, 60 * MIN, TASK_A, 'an hour ago');
  const result = await run(world);
  t.equal(result.code, 0);
  t.equal(result.stdout, '');
  t.match(result.stderr, /^logs metabase-dev: no events in metabase-dev-AppStack-X-LogGroup-abc between /);
});

t.test('no log group yet: the output names one that does not exist, exit 0', async (t) => {
  const world = opsWorld();
  deployedStack(world, 'CREATE_COMPLETE');
  const result = await run(world);
  t.equal(result.code, 0);
  t.equal(
    result.stderr,
    `logs metabase-dev: no log group yet: ${LOG_GROUP} does not exist (the stack is CREATE_COMPLETE; Metabase has not started)\n`,
  );
});

t.test('a stack being created: no outputs yet, the log group comes from the app stack', async (t) => {
  const world = opsWorld();
  existingStack(world, 'CREATE_IN_PROGRESS');
  const app = nestedId('AppStack');
  world.cf.resources.set(ROOT_ID, [
    {
      logicalId: 'NetworkStack',
      physicalId: nestedId('NetworkStack'),
      resourceType: 'AWS::CloudFormation::Stack',
      status: 'CREATE_COMPLETE',
    },
    {
      logicalId: 'AppStack',
      physicalId: app,
      resourceType: 'AWS::CloudFormation::Stack',
      status: 'CREATE_IN_PROGRESS',
    },
  ]);
  world.cf.resources.set(app, [
    {
      logicalId: 'LogGroup',
      physicalId: LOG_GROUP,
      resourceType: 'AWS::Logs::LogGroup',
      status: 'CREATE_COMPLETE',
    },
    { logicalId: 'Service', physicalId: '', resourceType: 'AWS::ECS::Service', status: 'CREATE_IN_PROGRESS' },
  ]);
  world.cf.stacks.set(app, {
    stackId: app,
    stackName: 'metabase-dev-AppStack-X',
    status: 'CREATE_IN_PROGRESS',
    outputs: {},
    parameters: {},
    terminationProtection: false,
    tags: {},
  });
  put(world, MIN, TASK_A, 'migrating the application database');
  const result = await run(world);
  t.equal(result.code, 0);
  t.match(result.stdout, /0f3c9a7e {2}migrating the application database/);

  // Before the app stack exists at all: no log group yet.
  const early = opsWorld();
  existingStack(early, 'CREATE_IN_PROGRESS');
  early.cf.resources.set(ROOT_ID, []);
  const none = await run(early);
  t.equal(none.code, 0);
  t.equal(
    none.stderr,
    "logs metabase-dev: no log group yet (the stack is CREATE_IN_PROGRESS and has not created its app stack's log group)\n",
  );
  t.equal(early.logs.calls.length, 0);
});

t.test('--json: one event a line, UTC times, the short and the full task id', async (t) => {
  const world = opsWorld();
  deployedStack(world);
  put(world, 3 * MIN, TASK_A, 'one');
  put(world, 2 * MIN, TASK_B, 'two "quoted"\n');
  const result = await run(world, { json: true });
  t.equal(result.code, 0);
  const lines = result.stdout.trim().split('\n');
  t.equal(lines.length, 2);
  t.same(JSON.parse(lines[1] ?? ''), {
    time: '2025-12-31T23:58:00.000Z',
    timestamp: world.clock.now() - 2 * MIN,
    task: '9b8a7c6d',
    taskId: TASK_B,
    stream: stream(TASK_B),
    message: 'two "quoted"',
    eventId: 'e-2',
  });
});

t.test(
  '--follow: new events as they arrive, late ones too, each once; at most one call a second; Ctrl-C exits 130',
  async (t) => {
    const world = opsWorld();
    deployedStack(world);
    put(world, 2 * MIN, TASK_A, 'before');
    // Arrives 5 s from now, stamped 1 s from now.
    world.logs.groups.get(LOG_GROUP)?.push({
      eventId: 'later-1',
      timestamp: world.clock.now() + 1000,
      ingestedAt: world.clock.now() + 5000,
      streamName: stream(TASK_A),
      message: 'later but ingested late',
    });
    // Stamped 3 s from now, visible at 3 s: read before the one above, though newer.
    world.logs.groups.get(LOG_GROUP)?.push({
      eventId: 'later-2',
      timestamp: world.clock.now() + 3000,
      ingestedAt: world.clock.now() + 3000,
      streamName: stream(TASK_B),
      message: 'newer, ingested first',
    });
    const controller = new AbortController();
    const filter = world.logs.filterEvents.bind(world.logs);
    world.logs.filterEvents = async (request) => {
      if (world.logs.calls.length === 12) controller.abort();
      return filter(request);
    };
    const result = await run(world, { follow: true }, controller.signal);
    t.equal(result.code, 130);
    t.same(
      result.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('  ')[2]),
      ['before', 'newer, ingested first', 'later but ingested late'],
      'every event exactly once, the late one too',
    );
    t.match(
      result.stderr,
      /^logs metabase-dev: following metabase-dev-AppStack-X-LogGroup-abc from 2026-01-01 00:50:00 \(Ctrl-C stops\)\n/,
    );
    t.match(result.stderr, /logs metabase-dev: stopped \(3 events shown\)\.\n$/);
    const times = world.logs.calls.map((c) => c.at);
    t.ok(
      times.slice(1).every((at, i) => at - (times[i] ?? 0) >= 1000),
      `calls at least 1 s apart: ${times.join(', ')}`,
    );
    t.ok(
      world.logs.calls.every((c) => c.endTime === undefined),
      'following reads up to now, with no end',
    );
  },
);

t.test('readLogs --follow over random ingestion delays: nothing repeated, nothing skipped', async (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const world = opsWorld();
    let state = seed;
    const random = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const group: {
      eventId: string;
      timestamp: number;
      ingestedAt: number;
      streamName: string;
      message: string;
    }[] = [];
    const start = world.clock.now();
    for (let i = 0; i < 60; i++) {
      const timestamp = start + Math.floor(random() * 40_000);
      // Late by up to the lookback, never more: the documented bound of this cursor.
      const ingestedAt = timestamp + Math.floor(random() * (LOOKBACK_MS - 2000));
      group.push({
        eventId: `r-${String(i)}`,
        timestamp,
        ingestedAt,
        streamName: stream(TASK_A),
        message: String(i),
      });
    }
    world.logs.groups.set('g', group);
    world.logs.pageSize = 4;
    const controller = new AbortController();
    // A cursor that skips would wait forever for the events it lost: stop it after 200 s of fake time.
    const filter = world.logs.filterEvents.bind(world.logs);
    world.logs.filterEvents = async (request) => {
      if (world.clock.now() - start > 200_000) controller.abort();
      return filter(request);
    };
    const seen: string[] = [];
    const result = await readLogs(
      { logs: world.logs, clock: world.clock },
      { logGroupName: 'g', startTime: start, follow: true, signal: controller.signal },
      (event) => {
        seen.push(event.eventId);
        if (seen.length === group.length) controller.abort();
      },
    );
    t.equal(new Set(seen).size, seen.length, `seed ${String(seed)}: no repeats`);
    t.equal(seen.length, group.length, `seed ${String(seed)}: none skipped`);
    t.ok(result.interrupted);
  }
});

t.test('--follow that loses the connection: exit 1, with where to pick up', async (t) => {
  const world = opsWorld();
  deployedStack(world);
  put(world, 2 * MIN, TASK_A, 'before');
  world.logs.failAfterCalls = 3;
  const { io, out } = captureIo();
  await t.rejects(
    logsCommand(options({ follow: true }), io, {
      session: world.session,
      ops: world.ops,
      clock: world.clock,
    }),
    {
      constructor: UserError,
      message:
        'logs metabase-dev: lost the log stream: AWS kept throttling the requests (gave up after 8 attempts)',
      hint: /To go on where it stopped: --since 2025-12-31T23:58:00\.000Z$/,
    },
  );
  t.match(out.stdout, /before/);
});

t.test('refusals: a bad stack name, a bad --since (before any AWS call), a missing stack', async (t) => {
  const world = opsWorld();
  await t.rejects(run(world, { stackName: 'my_stack' }), {
    constructor: UserError,
    message: /^logs --stack-name: /,
  });
  await t.rejects(run(world, { since: 'yesterday' }), {
    constructor: UserError,
    message: 'logs --since: "yesterday" is neither a duration nor an ISO time',
    hint: /--since 30m/,
  });
  t.equal(world.session.calls.total, 0, 'no AWS call for a mistake in the flags');
  await t.rejects(run(world, { region: 'eu-west-1' }), {
    constructor: UserError,
    message: 'logs metabase-dev: stack does not exist in eu-west-1',
    hint: /Check --stack-name/,
  });
});
