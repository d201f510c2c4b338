// The tree walk and the refusal of stacks DetectStackDrift would reject.
import t from 'tap';
import { checkDrift, NotCheckableError, StackNotFoundError } from '../../src/drift/index.js';
import { Limiter } from '../../src/drift/limit.js';
import { assertCheckable, findStackTree } from '../../src/drift/tree.js';
import { FakeClock, FakeDriftApi, stackArn, type FakeStack } from './fake.js';
import { metabaseTree, nestedName, ROOT } from './fixture.js';

t.test('a nested stack inside a nested stack is found too (the walk recurses)', async (t) => {
  const tree: FakeStack[] = [
    {
      name: ROOT,
      resources: [{ logicalId: 'AppStack', type: 'AWS::CloudFormation::Stack', physicalId: stackArn('app') }],
    },
    {
      name: 'app',
      resources: [
        { logicalId: 'WorkerStack', type: 'AWS::CloudFormation::Stack', physicalId: stackArn('worker') },
      ],
    },
    { name: 'worker', resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue' }] },
  ];
  const stacks = await findStackTree(new FakeDriftApi(tree), ROOT, new Limiter(2));
  t.same(
    stacks.map((s) => [s.stackName, s.depth, s.logicalId, s.stackId]),
    [
      [ROOT, 0, undefined, stackArn(ROOT)],
      ['app', 1, 'AppStack', stackArn('app')],
      ['worker', 2, 'WorkerStack', stackArn('worker')],
    ],
  );
});

t.test('nested stacks are addressed by the physical id (ARN) their parent lists', async (t) => {
  const api = new FakeDriftApi(metabaseTree());
  await findStackTree(api, ROOT, new Limiter(4));
  t.same(
    api.log.filter((l) => l.startsWith('describeStack ')).sort(),
    [
      `describeStack ${ROOT}`,
      ...['Network', 'Edge', 'Data', 'App'].map(
        (tier) => `describeStack ${stackArn(nestedName(tier as 'App'))}`,
      ),
    ].sort(),
  );
});

t.test('a missing root stack is StackNotFoundError, before any detection starts', async (t) => {
  const api = new FakeDriftApi(metabaseTree());
  await t.rejects(
    checkDrift(api, { stackName: 'metabase-prod', clock: new FakeClock() }),
    StackNotFoundError,
  );
  t.equal(api.count('detectStackDrift'), 0);
});

t.test('a root stack that was deleted (DELETE_COMPLETE by ARN) counts as missing', async (t) => {
  const api = new FakeDriftApi(metabaseTree({ Root: { status: 'DELETE_COMPLETE' } }));
  await t.rejects(findStackTree(api, ROOT, new Limiter(1)), StackNotFoundError);
});

t.test(
  'GIVEN the root is UPDATE_IN_PROGRESS THEN the run is refused naming the stack and state, nothing detected',
  async (t) => {
    const api = new FakeDriftApi(
      metabaseTree({ Root: { status: 'UPDATE_IN_PROGRESS' }, App: { status: 'UPDATE_IN_PROGRESS' } }),
    );
    const error = await checkDrift(api, { stackName: ROOT, clock: new FakeClock() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(error instanceof NotCheckableError, 'refused');
    if (!(error instanceof NotCheckableError)) return;
    t.same(
      error.stacks.map((s) => [s.stackName, s.status]),
      [
        [ROOT, 'UPDATE_IN_PROGRESS'],
        [nestedName('App'), 'UPDATE_IN_PROGRESS'],
      ],
      'every refused stack named',
    );
    t.equal(api.count('detectStackDrift'), 0, 'no detection started');
  },
);

t.test('checkable states pass; failed and in-progress ones do not', async (t) => {
  const node = (status: string) => ({
    stackId: 'x',
    stackName: 'x',
    status,
    depth: 0,
    resources: [],
    children: [],
  });
  for (const status of [
    'CREATE_COMPLETE',
    'UPDATE_COMPLETE',
    'UPDATE_ROLLBACK_COMPLETE',
    'UPDATE_ROLLBACK_FAILED',
  ]) {
    t.doesNotThrow(() => assertCheckable([node(status)]), status);
  }
  for (const status of [
    'CREATE_IN_PROGRESS',
    'CREATE_FAILED',
    'ROLLBACK_COMPLETE',
    'DELETE_IN_PROGRESS',
    'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    'REVIEW_IN_PROGRESS',
  ]) {
    t.throws(() => assertCheckable([node(status)]), NotCheckableError, status);
  }
});

t.test(
  'GIVEN a nested stack deleted outside CloudFormation THEN it is reported FAILED, the rest are checked',
  async (t) => {
    const tree = metabaseTree().filter((s) => s.name !== nestedName('Edge'));
    const report = await checkDrift(new FakeDriftApi(tree), { stackName: ROOT, clock: new FakeClock() });
    const edge = report.stacks.find((s) => s.logicalId === 'EdgeStack');
    t.match(edge, { outcome: 'FAILED', stackStatus: 'DOES_NOT_EXIST', error: /no longer exists/ });
    t.equal(report.outcome, 'INCOMPLETE');
    t.equal(report.stacks.filter((s) => s.outcome === 'IN_SYNC').length, 4);
  },
);

t.test(
  'GIVEN a nested stack resource without a physical id THEN it is reported as never created',
  async (t) => {
    const tree = metabaseTree();
    const root = tree[0];
    if (!root?.resources[0]) throw new Error('fixture changed');
    root.resources[0] = { logicalId: 'NetworkStack', type: 'AWS::CloudFormation::Stack', physicalId: '' };
    const stacks = await findStackTree(new FakeDriftApi(tree), ROOT, new Limiter(4));
    t.match(
      stacks.find((s) => s.logicalId === 'NetworkStack'),
      { missing: /never created/ },
    );
  },
);

t.test('the walk is bounded by the limiter too', async (t) => {
  let active = 0;
  let peak = 0;
  const inner = new FakeDriftApi(metabaseTree());
  const slow = Object.create(inner) as FakeDriftApi;
  slow.describeStack = async (id: string) => {
    active++;
    peak = Math.max(peak, active);
    await new Promise((r) => setTimeout(r, 5));
    active--;
    return inner.describeStack(id);
  };
  await findStackTree(slow, ROOT, new Limiter(2));
  t.equal(peak, 2);
});
