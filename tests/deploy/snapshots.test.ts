// The snapshots command over in-memory AWS: the listing and its cost, and --prune --keep N deleting only
// older pre-upgrade snapshots of this very stack after the name is typed.
import t from 'tap';
import { captureIo, runCli } from '../support/cli.js';
import { snapshotsCommand, type SnapshotsOptions } from '../../src/cli/commands/snapshots.js';
import type { DbSnapshotInfo } from '../../src/aws/rds.js';
import { existingStack, fakeWorld, type FakeWorld } from './fakes.js';

const options = (o: Partial<SnapshotsOptions> = {}): SnapshotsOptions => ({
  stackName: 'metabase-dev',
  json: false,
  prune: false,
  yes: false,
  ...o,
});

const DAY = 86_400_000;

function snapshot(
  world: FakeWorld,
  id: string,
  daysAgo: number,
  tags: Record<string, string>,
  extra: Partial<DbSnapshotInfo> = {},
): DbSnapshotInfo {
  return {
    id,
    created: new Date(world.clock.now() - daysAgo * DAY),
    status: 'available',
    engineVersion: '17.9',
    allocatedStorage: 20,
    type: 'manual',
    tags,
    ...extra,
  };
}

/** The tags deploy gives a pre-upgrade snapshot (src/deploy/pre-upgrade-snapshot.ts). */
const pre = (reason: string, stack = 'metabase-dev') => ({
  'managed-by': 'metabase-aws',
  'metabase-aws:stack': stack,
  'metabase-aws:made-by': 'pre-upgrade',
  'metabase-aws:reason': reason,
});

function account(world: FakeWorld): void {
  world.rds.manual = [
    snapshot(world, 'metabase-dev-pre-metabase-v0-63-0-a', 30, pre('MetabaseVersion v0.62.0 to v0.63.0')),
    snapshot(world, 'metabase-dev-pre-metabase-v0-64-0-b', 20, pre('MetabaseVersion v0.63.0 to v0.64.0')),
    snapshot(world, 'metabase-dev-pre-postgres-17-9-c', 10, pre('DbEngineVersion 16.13 to 17.9')),
    snapshot(world, 'metabase-dev-pre-metabase-v0-64-2-2-d', 1, pre('MetabaseVersion v0.64.0 to v0.64.2.2')),
    snapshot(world, 'metabase-dev-final-e', 40, { 'metabase-aws:stack': 'metabase-dev' }),
    // Pre-tag final snapshot, found by its instance's generated name.
    snapshot(world, 'old-final-f', 90, {}, { instanceId: 'metabase-dev-datastack-x1-database-y2' }),
    // Not this stack's: never listed or pruned.
    snapshot(world, 'metabase-prod-pre-g', 50, pre('x', 'metabase-prod')),
    snapshot(world, 'hand-made-h', 50, {}, { instanceId: 'someone-elses-db' }),
  ];
}

t.test("lists this stack's snapshots, newest first, with what made them and the storage cost", async (t) => {
  const world = fakeWorld();
  account(world);
  existingStack(world, 'UPDATE_COMPLETE', { parameters: { DbAllocatedStorage: '20' } });
  const { io, out } = captureIo();
  t.equal(await snapshotsCommand(options(), io, { session: world.session }), 0);
  const ids = [...out.stdout.matchAll(/^(\S+) +\d{4}-/gm)].map((m) => m[1]);
  t.same(ids, [
    'metabase-dev-pre-metabase-v0-64-2-2-d',
    'metabase-dev-pre-postgres-17-9-c',
    'metabase-dev-pre-metabase-v0-64-0-b',
    'metabase-dev-pre-metabase-v0-63-0-a',
    'metabase-dev-final-e',
    'old-final-f',
  ]);
  t.match(
    out.stdout,
    /metabase-dev-pre-postgres-17-9-c +2025-12-22 00:00Z +20 GiB +17\.9 +deploy, before DbEngineVersion 16\.13 to 17\.9/,
  );
  t.match(out.stdout, /metabase-dev-final-e .* final \(stack deleted or DB replaced\)/);
  // 6 × 20 GiB, 20 GiB free with the stack running, $0.095 per GB-month in eu-west-1.
  t.match(
    out.stdout,
    /storage: up to 120 GiB in 6 snapshots; beyond the free 20 GiB .*: 100 GiB ≈ \$9\.50 a month at \$0\.095\/GB-month/,
  );
});

t.test('a destroyed stack has no free allowance; --json lists the same', async (t) => {
  const world = fakeWorld();
  account(world);
  const { io, out } = captureIo();
  t.equal(await snapshotsCommand(options({ json: true }), io, { session: world.session }), 0);
  const doc = JSON.parse(out.stdout) as {
    snapshots: { id: string; origin: string }[];
    storage: { billableGiB: number };
  };
  t.equal(doc.snapshots.length, 6);
  t.equal(doc.storage.billableGiB, 120);
  t.match(
    out.stderr,
    /snapshots?; all of it billed \(metabase-dev is gone, and with it the free allowance\): \d+ GiB ≈ \$/,
  );
  t.notMatch(out.stderr, /beyond no/);
});

t.test(
  '--prune --keep 2: deletes the two older pre-upgrade snapshots of this stack, after the name is typed',
  async (t) => {
    const world = fakeWorld();
    account(world);
    const { io, out } = captureIo({ isTty: true, env: { NO_COLOR: '1' } });
    const questions: string[] = [];
    const code = await snapshotsCommand(options({ prune: true, keep: 2 }), io, {
      session: world.session,
      prompt: async (q) => (questions.push(q), 'metabase-dev'),
    });
    t.equal(code, 0);
    t.match(questions[0], /Type the stack name \(metabase-dev\) to delete them/);
    t.same(
      world.rds.calls.filter((c) => c.name === 'deleteSnapshot').map((c) => c.arg),
      ['metabase-dev-pre-metabase-v0-64-0-b', 'metabase-dev-pre-metabase-v0-63-0-a'],
    );
    t.same(
      world.rds.manual.map((s) => s.id).sort(),
      [
        'hand-made-h',
        'metabase-dev-final-e',
        'metabase-dev-pre-metabase-v0-64-2-2-d',
        'metabase-dev-pre-postgres-17-9-c',
        'metabase-prod-pre-g',
        'old-final-f',
      ],
      "final snapshots and other stacks' untouched",
    );
    t.match(out.stdout, /Will delete 2 pre-upgrade snapshots of metabase-dev \(keeping the newest 2\)/);
  },
);

t.test(
  '--prune with nothing to prune: said in the singular; --json has the same shape as a prune',
  async (t) => {
    const world = fakeWorld();
    account(world);
    const { io, out } = captureIo();
    const code = await snapshotsCommand(options({ prune: true, keep: 1000, yes: true, json: true }), io, {
      session: world.session,
    });
    t.equal(code, 0);
    t.match(
      out.stderr,
      /nothing to prune \(at most 1000 pre-upgrade snapshots; final ones are never pruned\)/,
    );
    const json = JSON.parse(out.stdout) as { deleted: unknown[]; apiCalls?: unknown };
    t.same(json.deleted, []);
    t.ok(json.apiCalls, 'apiCalls, as every --json output has');
    const one = captureIo();
    await snapshotsCommand(options({ prune: true, keep: 1, yes: true }), one.io, {
      session: fakeWorld().session,
    });
    t.match(one.out.stdout, /at most 1 pre-upgrade snapshot;/);
  },
);

t.test(
  '--prune: a wrong name or Ctrl-C deletes nothing; --keep 0 still never touches final snapshots',
  async (t) => {
    for (const [answer, exit] of [
      ['metabase', 1],
      [undefined, 130],
    ] as const) {
      const world = fakeWorld();
      account(world);
      const { io } = captureIo({ isTty: true });
      const prompt = async () => {
        if (answer === undefined) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
        return answer;
      };
      t.equal(
        await snapshotsCommand(options({ prune: true, keep: 0 }), io, { session: world.session, prompt }),
        exit,
      );
      t.notOk(world.rds.calls.some((c) => c.name === 'deleteSnapshot'));
    }
    const world = fakeWorld();
    account(world);
    const { io } = captureIo();
    t.equal(
      await snapshotsCommand(options({ prune: true, keep: 0, yes: true }), io, { session: world.session }),
      0,
    );
    t.same(
      world.rds.manual.filter((s) => s.tags?.['metabase-aws:made-by'] === 'pre-upgrade').map((s) => s.id),
      ['metabase-prod-pre-g'],
    );
    t.ok(world.rds.manual.some((s) => s.id === 'metabase-dev-final-e'));
  },
);

t.test('--prune deletes only snapshots with every tag deploy gives its own', async (t) => {
  const world = fakeWorld();
  const lookalike: Record<string, string> = pre('MetabaseVersion v0.62.0 to v0.63.0');
  delete lookalike['managed-by'];
  world.rds.manual = [
    snapshot(world, 'metabase-dev-pre-own', 30, pre('MetabaseVersion v0.62.0 to v0.63.0')),
    // Tagged like one of this stack's pre-upgrade snapshots, but not by this tool (no managed-by tag).
    snapshot(world, 'metabase-dev-pre-lookalike', 40, lookalike),
    // This tool's, but another stack whose name starts the same.
    snapshot(world, 'metabase-dev2-pre-x', 50, pre('x', 'metabase-dev2')),
  ];
  existingStack(world, 'UPDATE_COMPLETE', { parameters: { DbAllocatedStorage: '20' } });
  const { io } = captureIo();
  t.equal(
    await snapshotsCommand(options({ prune: true, keep: 0, yes: true }), io, { session: world.session }),
    0,
  );
  t.same(
    world.rds.calls.filter((c) => c.name === 'deleteSnapshot').map((c) => c.arg),
    ['metabase-dev-pre-own'],
  );
});

t.test('--prune refuses a stack this tool did not create, unless overridden', async (t) => {
  const world = fakeWorld();
  account(world);
  existingStack(world, 'UPDATE_COMPLETE', { tags: { team: 'other' } });
  const { io } = captureIo();
  await t.rejects(
    snapshotsCommand(options({ prune: true, keep: 0, yes: true }), io, { session: world.session }),
    {
      message: /snapshots metabase-dev: refusing to prune the snapshots of a stack this tool did not create/,
      hint: /--i-know-this-stack-is-not-managed-by-metabase-aws/,
    },
  );
  t.notOk(
    world.rds.calls.some((c) => c.name === 'deleteSnapshot'),
    'nothing deleted',
  );
  // Listing reads only; the override lets the prune go on.
  t.equal(await snapshotsCommand(options(), captureIo().io, { session: world.session }), 0);
  t.equal(
    await snapshotsCommand(options({ prune: true, keep: 0, yes: true, allowUnmanaged: true }), io, {
      session: world.session,
    }),
    0,
  );
  t.ok(world.rds.calls.some((c) => c.name === 'deleteSnapshot'));
  const cli = await runCli(['snapshots', '--help']);
  t.match(cli.stdout, /--i-know-this-stack-is-not-managed-by-metabase/);
});

t.test('--prune needs --keep, and --yes without a terminal', async (t) => {
  const world = fakeWorld();
  const { io } = captureIo();
  await t.rejects(snapshotsCommand(options({ prune: true }), io, { session: world.session }), {
    message: /say how many pre-upgrade snapshots to keep/,
  });
  await t.rejects(snapshotsCommand(options({ prune: true, keep: 1 }), io, { session: world.session }), {
    message: /not an interactive terminal/,
  });
  t.equal(world.session.calls.total, 0, 'refused before any AWS call');
  const help = await runCli(['snapshots', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /--prune/);
});

t.test(
  '--keep must be a whole number typed out: an empty value is not 0 (which would delete them all)',
  async (t) => {
    const offline = ['--region', 'eu-west-1', '--endpoint-url', 'http://127.0.0.1:9'];
    const cases: [string[], RegExp][] = [
      [['--keep', ''], /snapshots metabase-dev --keep: the value is empty; nothing was deleted/],
      [['--keep='], /--keep: the value is empty/],
      [['--keep', '-1'], /--keep: "-1" is not a whole number, 0 or more/],
      [['--keep', 'abc'], /--keep: "abc" is not a whole number/],
      [['--keep', '1.5'], /--keep: "1.5" is not a whole number/],
      [['--keep', '1e1'], /--keep: "1e1" is not a whole number/],
    ];
    for (const [keep, message] of cases) {
      const cli = await runCli(['snapshots', '--env', 'dev', '--prune', '--yes', ...keep, ...offline]);
      t.equal(cli.code, 1, keep.join(' '));
      t.match(cli.stderr, message, keep.join(' '));
      t.match(cli.stderr, /Pass --keep N \(a whole number, 0 or more\)/);
    }
    const world = fakeWorld();
    account(world);
    const { io } = captureIo({ isTty: true });
    await t.rejects(snapshotsCommand(options({ prune: true, keep: '' }), io, { session: world.session }), {
      message: /the value is empty/,
    });
    t.equal(
      await snapshotsCommand(options({ prune: true, keep: '2', yes: true }), io, { session: world.session }),
      0,
    );
    t.equal(
      world.rds.calls.filter((c) => c.name === 'deleteSnapshot').length,
      2,
      '"2" keeps the newest 2 of 4',
    );
  },
);

t.test('--keep without --prune is refused, not ignored', async (t) => {
  const world = fakeWorld();
  account(world);
  const { io } = captureIo();
  await t.rejects(snapshotsCommand(options({ keep: 1 }), io, { session: world.session }), {
    message: /snapshots metabase-dev --keep: only means something with --prune; nothing was deleted/,
    hint: /Pass --prune --keep N/,
  });
  t.equal(world.session.calls.total, 0, 'no AWS call');
});

t.test('a stack name no stack can have is refused, not listed as having no snapshots', async (t) => {
  for (const stackName of ['', 'a b', 'metabase_dev']) {
    const world = fakeWorld();
    account(world);
    const { io } = captureIo();
    await t.rejects(snapshotsCommand(options({ stackName }), io, { session: world.session }), {
      message: /^snapshots --stack-name: ".*" is not a valid stack name/,
    });
    t.equal(world.session.calls.total, 0, `${JSON.stringify(stackName)}: no AWS call`);
  }
});
