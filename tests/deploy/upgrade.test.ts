// A Metabase version change with more than one task: the plan (which steps, with which counts) and the
// run over the fakes: one change set a step, health between steps, and a stop that says where it left off.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { deployCommand } from '../../src/cli/commands/deploy.js';
import { captureIo } from '../support/cli.js';
import type { StackInfo } from '../../src/aws/cloudformation.js';
import type { DeployRequest } from '../../src/deploy/deploy.js';
import type { FetchLike } from '../../src/deploy/health.js';
import { readTemplateSet, SHIPPED_TEMPLATES } from '../../src/deploy/package.js';
import { deployWithUpgrade, upgradePlan, type UpgradeHooks } from '../../src/deploy/upgrade.js';
import { renderUpgradePlan, renderUpgradeStop } from '../../src/ui/upgrade-view.js';
import { makeStyle } from '../../src/ui/style.js';
import { existingStack, fakeWorld, REGION, ROOT_ID, type FakeWorld, type ScheduledEvent } from './fakes.js';

const OLD = 'v0.64.2.2';
const NEW = 'v0.65.1';

const base = (o: Record<string, string> = {}): Record<string, string> => ({
  MetabaseVersion: OLD,
  MetabaseImageDigest: '',
  DesiredCount: '2',
  AutoScaling: 'false',
  MinTasks: '1',
  MaxTasks: '2',
  TaskCpu: '1024',
  ...o,
});

const stack = (parameters: Record<string, string>): StackInfo => ({
  stackId: ROOT_ID,
  stackName: 'metabase-dev',
  status: 'UPDATE_COMPLETE',
  outputs: {},
  parameters,
  terminationProtection: false,
  tags: { 'managed-by': 'metabase-aws' },
});

t.test('plan: nothing special without a version change, on a first create, or with one task', async (t) => {
  t.equal(upgradePlan(stack(base()), base({ TaskCpu: '2048' })), undefined);
  t.equal(upgradePlan(undefined, base({ MetabaseVersion: NEW })), undefined);
  t.equal(upgradePlan(stack(base()), base({ MetabaseVersion: NEW, DesiredCount: '1' })), undefined);
  t.equal(
    upgradePlan(stack(base()), base({ MetabaseVersion: NEW, AutoScaling: 'true', MaxTasks: '1' })),
    undefined,
    'autoscaling capped at one task rolls stop-then-start already',
  );
});

t.test('plan, fixed count: new version on one task, then the requested count', async (t) => {
  const plan = upgradePlan(stack(base()), base({ MetabaseVersion: NEW, TaskCpu: '2048' }));
  t.ok(plan);
  t.same(
    plan?.steps.map((s) => s.kind),
    ['upgrade', 'restore'],
  );
  t.match(plan?.steps[0]?.parameters, { MetabaseVersion: NEW, DesiredCount: '1', TaskCpu: '2048' });
  t.match(plan?.steps[1]?.parameters, { MetabaseVersion: NEW, DesiredCount: '2', TaskCpu: '2048' });
  t.same(plan?.counts, { DesiredCount: '2' });
});

t.test('plan, autoscaling deployed: the old version pinned to one task first', async (t) => {
  const deployed = base({ AutoScaling: 'true', MinTasks: '2', MaxTasks: '4' });
  const plan = upgradePlan(stack(deployed), { ...deployed, MetabaseVersion: NEW });
  t.same(
    plan?.steps.map((s) => s.kind),
    ['pin-old', 'upgrade', 'restore'],
  );
  t.match(plan?.steps[0]?.parameters, {
    MetabaseVersion: OLD,
    DesiredCount: '1',
    MinTasks: '1',
    MaxTasks: '1',
  });
  t.match(plan?.steps[1]?.parameters, {
    MetabaseVersion: NEW,
    DesiredCount: '1',
    MinTasks: '1',
    MaxTasks: '1',
  });
  t.match(plan?.steps[2]?.parameters, { MetabaseVersion: NEW, MinTasks: '2', MaxTasks: '4' });
  // Autoscaling switched on by this very deploy: no scaler runs yet, nothing to pin.
  const fresh = upgradePlan(
    stack(base()),
    base({ MetabaseVersion: NEW, AutoScaling: 'true', MaxTasks: '3' }),
  );
  t.same(
    fresh?.steps.map((s) => s.kind),
    ['upgrade', 'restore'],
  );
});

t.test('plan: a new image digest for the same tag is a version change too', async (t) => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const plan = upgradePlan(stack(base()), base({ MetabaseImageDigest: digest }));
  t.equal(plan?.to, `${OLD}@${digest}`);
  t.equal(plan?.from, OLD);
  const pinned = upgradePlan(
    stack(base({ AutoScaling: 'true', MaxTasks: '3' })),
    base({ AutoScaling: 'true', MaxTasks: '3', MetabaseImageDigest: digest }),
  );
  t.match(pinned?.steps[0]?.parameters, { MetabaseImageDigest: '' }, 'pin-old keeps the old (no) digest');
});

t.test('the preview explains the steps', async (t) => {
  const deployed = base({ AutoScaling: 'true', MinTasks: '2', MaxTasks: '4' });
  const plan = upgradePlan(stack(deployed), { ...deployed, MetabaseVersion: NEW });
  if (!plan) throw new Error('no plan');
  const text = renderUpgradePlan(plan, makeStyle(false, {}));
  t.match(text, `Metabase ${OLD} → ${NEW} with more than one task`);
  t.match(text, /This deploy is 3 CloudFormation updates:/);
  t.match(text, /1\. v0\.64\.2\.2 on one task \(DesiredCount, MinTasks, MaxTasks 1\)/);
  t.match(text, /2\. v0\.65\.1 on that one task: ECS stops the old task, then starts one new task/);
  t.match(text, /3\. back to DesiredCount 2, MinTasks 2, MaxTasks 4/);
});

// The run: the real templates declare every parameter, so the change set parameters show each step.
const templatesPromise = readTemplateSet(SHIPPED_TEMPLATES);

function updateTimeline(): ScheduledEvent[] {
  return [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_IN_PROGRESS' },
    { after: 3000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_COMPLETE' },
  ];
}

function scripted(deployed: Record<string, string>): FakeWorld {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', {
    parameters: deployed,
    outputs: { DbInstanceId: 'metabase-dev-db' },
  });
  // The instance the pre-upgrade snapshot is taken of (tests/deploy/pre-upgrade-snapshot.test.ts).
  world.rds.instances.set('metabase-dev-db', {
    id: 'metabase-dev-db',
    deletionProtection: false,
    status: 'available',
  });
  world.cf.changeSetSequence = [
    {
      status: 'CREATE_COMPLETE',
      changes: [
        {
          action: 'Modify',
          logicalId: 'AppStack',
          resourceType: 'AWS::CloudFormation::Stack',
          recreationCauses: [],
        },
      ],
    },
  ];
  world.cf.timeline = updateTimeline();
  world.cf.finalStatus = 'UPDATE_COMPLETE';
  world.cf.finalOutputs = { MetabaseUrl: 'http://mb.example' };
  return world;
}

async function runUpgrade(
  world: FakeWorld,
  parameters: Record<string, string>,
  fetch: FetchLike,
  overrides: Partial<DeployRequest> = {},
  hooks: Partial<UpgradeHooks> = {},
) {
  const templates = await templatesPromise;
  const said: string[] = [];
  const result = await deployWithUpgrade(
    {
      cf: world.cf,
      s3: world.s3,
      sts: world.sts,
      region: REGION,
      endpoint: undefined,
      clock: world.clock,
      fetch,
      rds: world.rds,
    },
    {
      stackName: 'metabase-dev',
      parameters,
      templates,
      execute: true,
      waitHealthy: false,
      healthTimeoutMs: 60_000,
      ...overrides,
    },
    {
      confirm: async () => true,
      onUpgradePlan: (plan) => said.push(`plan ${plan.steps.length}`),
      onUpgradeStep: (index) => said.push(`step ${index}`),
      onStep: (step) => said.push(step.step),
      ...hooks,
    },
  );
  const changeSets = world.cf.calls
    .filter((c) => c.name === 'createChangeSet')
    .map((c) => (c.arg as { parameters: Record<string, string> }).parameters);
  return { result, said, changeSets };
}

/** The order of the snapshot and the change-set executions, from both fakes' clocks. */
function snapshotOrder(world: FakeWorld): string[] {
  return [
    ...world.rds.calls
      .filter((c) => c.name === 'createSnapshot')
      .map((c) => ({ at: c.at ?? 0, what: 'snapshot' })),
    ...world.cf.calls
      .filter((c) => c.name === 'executeChangeSet')
      .map((c) => ({ at: c.at ?? 0, what: 'execute' })),
  ]
    .sort((a, b) => a.at - b.at)
    .map((e) => e.what);
}

// A Metabase being upgraded was set up long ago: deploy's first-admin check finds its user and leaves it alone.
const healthy: FetchLike = async (url) => ({
  status: 200,
  text: async () => (url.endsWith('/api/session/properties') ? '{"has-user-setup":true}' : '{"status":"ok"}'),
});

t.test('run, fixed count: two change sets, health between them, then done', async (t) => {
  const world = scripted(base());
  const { result, said, changeSets } = await runUpgrade(world, base({ MetabaseVersion: NEW }), healthy);
  t.equal(result.outcome, 'updated');
  t.same(result.upgrade, { from: OLD, to: NEW, steps: ['upgrade', 'restore'], completed: 2 });
  t.same(
    changeSets.map((p) => `${p.MetabaseVersion} ${p.DesiredCount}`),
    [`${NEW} 1`, `${NEW} 2`],
  );
  t.same(
    said.filter((s) => /plan|step \d|health|executing/.test(s)),
    ['plan 2', 'executing', 'health', 'step 1', 'executing'],
    'waits for health after the one-task step even without --wait-healthy',
  );
  t.equal(world.cf.callNames().filter((n) => n === 'executeChangeSet').length, 2);
  t.same(snapshotOrder(world), ['snapshot', 'execute', 'execute'], 'one snapshot, before the first step');
  t.match(result.preUpgradeSnapshot, /^metabase-dev-pre-metabase-v0-65-1-\d{8}T\d{6}Z$/);
});

t.test(
  'run, a domain that does not resolve yet: the step health goes through the load balancer',
  async (t) => {
    const world = scripted(base());
    world.cf.finalOutputs = { MetabaseUrl: 'https://bi.example.com', LoadBalancerDnsName: 'alb.example' };
    const dialled: (string | undefined)[] = [];
    const fetch: FetchLike = async (url, init) => {
      dialled.push(init.connectTo);
      if (init.connectTo === undefined)
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { cause: { code: 'ENOTFOUND' } });
      return healthy(url, init);
    };
    const { result } = await runUpgrade(world, base({ MetabaseVersion: NEW }), fetch);
    t.equal(result.upgrade?.completed, 2, 'the upgrade goes on once the task answers through the ALB');
    t.ok(dialled.includes('alb.example'), 'probed through the load balancer');
  },
);

t.test('run, autoscaling: three change sets, the scaler pinned before the version moves', async (t) => {
  const deployed = base({ AutoScaling: 'true', MinTasks: '2', MaxTasks: '4' });
  const world = scripted(deployed);
  const { result, changeSets } = await runUpgrade(world, { ...deployed, MetabaseVersion: NEW }, healthy);
  t.equal(result.upgrade?.completed, 3);
  t.same(
    changeSets.map((p) => `${p.MetabaseVersion} ${p.DesiredCount}/${p.MinTasks}/${p.MaxTasks}`),
    [`${OLD} 1/1/1`, `${NEW} 1/1/1`, `${NEW} 2/2/4`],
  );
  // The first step still runs the old version, but it starts the upgrade: the snapshot comes before it.
  t.same(snapshotOrder(world), ['snapshot', 'execute', 'execute', 'execute']);
  t.match(result.preUpgradeSnapshot, /-pre-metabase-v0-65-1-/);
});

t.test('run: --no-snapshot warns once, for the whole run', async (t) => {
  const world = scripted(base({ AutoScaling: 'true', MinTasks: '2', MaxTasks: '4' }));
  const { result, said } = await runUpgrade(
    world,
    base({ AutoScaling: 'true', MinTasks: '2', MaxTasks: '4', MetabaseVersion: NEW }),
    healthy,
    { preUpgradeSnapshot: false },
  );
  t.equal(result.upgrade?.completed, 3);
  t.same(snapshotOrder(world), ['execute', 'execute', 'execute']);
  t.equal(said.filter((s) => s === 'snapshot-skipped').length, 1);
});

t.test('run: not healthy after the one-task step → stops there, counts not restored', async (t) => {
  const world = scripted(base());
  const sick: FetchLike = async () => ({ status: 503, text: async () => '' });
  const { result, changeSets } = await runUpgrade(world, base({ MetabaseVersion: NEW }), sick);
  t.equal(changeSets.length, 1);
  t.equal(result.health?.healthy, false);
  t.match(result.upgrade, { completed: 0, stoppedBy: 'unhealthy' });
  t.match(
    renderUpgradeStop('metabase-dev', result.upgrade ?? { from: '', to: '', steps: [], completed: 0 }),
    /stopped at step 1 of 2 \(Metabase did not answer healthy\): nothing of the upgrade is in place yet\.\nRun deploy again/,
  );
});

t.test('run: a failed first step ends the run with the failure', async (t) => {
  const world = scripted(base());
  world.cf.finalStatus = 'UPDATE_ROLLBACK_COMPLETE';
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_IN_PROGRESS' },
    { after: 3000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_ROLLBACK_COMPLETE' },
  ];
  const { result, changeSets } = await runUpgrade(world, base({ MetabaseVersion: NEW }), healthy);
  t.equal(result.outcome, 'failed');
  t.equal(changeSets.length, 1);
  t.match(result.upgrade, { completed: 0, stoppedBy: 'failed' });
});

t.test('run: --no-execute previews step 1 only', async (t) => {
  const world = scripted(base());
  // A preview creates nothing: the artifacts bucket must exist already.
  world.s3.buckets.set('metabase-aws-artifacts-111122223333-eu-west-1', {
    tags: { 'metabase-aws:created-by': 'metabase-aws' },
    objects: new Map(),
    versions: [],
  });
  const { result, changeSets } = await runUpgrade(world, base({ MetabaseVersion: NEW }), healthy, {
    execute: false,
  });
  t.equal(result.outcome, 'preview');
  t.equal(changeSets.length, 1);
  t.equal(changeSets[0]?.DesiredCount, '1');
  t.match(result.upgrade, { completed: 0 });
});

t.test('run: Ctrl-C between steps stops before the next change set', async (t) => {
  const world = scripted(base());
  const controller = new AbortController();
  const { result, changeSets } = await runUpgrade(
    world,
    base({ MetabaseVersion: NEW }),
    async () => {
      controller.abort();
      return { status: 200, text: async () => '{"status":"ok"}' };
    },
    { signal: controller.signal },
  );
  t.equal(changeSets.length, 1);
  t.match(result.upgrade, { completed: 1, stoppedBy: 'interrupted' });
  t.match(
    renderUpgradeStop('metabase-dev', result.upgrade ?? { from: '', to: '', steps: [], completed: 0 }),
    /stopped at step 2 of 2 \(it was interrupted\): Metabase v0\.65\.1 runs on one task/,
  );
});

t.test('CLI: the plan before the preview, a header for each later step, exit 0', async (t) => {
  const dev = JSON.parse(readFileSync('params/dev.json', 'utf8')) as Record<string, unknown>;
  const file = join(mkdtempSync(join(tmpdir(), 'upgrade-')), 'p.json');
  writeFileSync(file, JSON.stringify({ ...dev, MetabaseVersion: NEW, DesiredCount: 2 }));
  const world = scripted({ ...base(), VpcCidr: '10.0.0.0/16' });
  const { io, out } = captureIo();
  const code = await deployCommand(
    {
      params: file,
      stackName: 'metabase-dev',
      yes: true,
      execute: true,
      waitHealthy: true,
      allowReplacement: false,
      json: false,
    },
    io,
    { session: world.session, clock: world.clock, fetch: healthy },
  );
  t.equal(code, 0, out.stderr);
  const plan = out.stdout.indexOf(`Metabase ${OLD} → ${NEW} with more than one task`);
  const preview = out.stdout.indexOf('Changes to metabase-dev');
  t.ok(plan >= 0 && plan < preview, 'the plan comes before the first preview');
  t.match(out.stdout, /Step 2 of 2: back to DesiredCount 2/);
  t.equal(out.stderr, '');
});

// The steps are safe only if the app template really rolls stop-then-start with the counts they set, and
// rolls with more tasks. Read that from templates/app.yaml itself, resolving its Conditions and Fn::If.
type Json = unknown;
function resolver(template: { Conditions?: Record<string, Json> }, parameters: Record<string, string>) {
  const value = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(value);
    if (node === null || typeof node !== 'object') return node;
    const o = node as Record<string, Json>;
    if ('Ref' in o) return parameters[String(o.Ref)] ?? `<${String(o.Ref)}>`;
    if ('Fn::If' in o) {
      const [name, yes, no] = o['Fn::If'] as [string, Json, Json];
      return value(condition(name) ? yes : no);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, value(v)]));
  };
  const test = (node: Json): boolean => {
    const o = node as Record<string, Json>;
    if ('Condition' in o) return condition(String(o.Condition));
    if ('Fn::Equals' in o) {
      const [a, b] = (o['Fn::Equals'] as Json[]).map(value);
      return String(a) === String(b);
    }
    if ('Fn::Not' in o) return !test((o['Fn::Not'] as Json[])[0]);
    if ('Fn::And' in o) return (o['Fn::And'] as Json[]).every(test);
    if ('Fn::Or' in o) return (o['Fn::Or'] as Json[]).some(test);
    throw new Error(`unknown condition ${JSON.stringify(node)}`);
  };
  const condition = (name: string): boolean => test(template.Conditions?.[name]);
  return value;
}

t.test('app template: the one-task steps run one task and roll stop-then-start', async (t) => {
  const { load } = await import('js-yaml');
  const app = load(readFileSync('templates/app.yaml', 'utf8')) as {
    Conditions?: Record<string, Json>;
    Resources: Record<string, { Properties: Record<string, Json> }>;
  };
  const service = app.Resources.Service?.Properties;
  for (const deployed of [base(), base({ AutoScaling: 'true', MinTasks: '2', MaxTasks: '4' })]) {
    const plan = upgradePlan(stack(deployed), { ...deployed, MetabaseVersion: NEW });
    for (const step of plan?.steps ?? []) {
      const resolve = resolver(app, step.parameters);
      const config = resolve(service?.DeploymentConfiguration) as Record<string, Json>;
      const desired = resolve(service?.DesiredCount);
      // How the restore step rolls is the app tier's own business (tests/synth/app.test.ts).
      if (step.kind === 'restore') continue;
      // Without a DesiredCount under autoscaling, the scalable target's capacity decides the count.
      const target = resolve(app.Resources.ScalableTarget?.Properties) as Record<string, Json>;
      const unset = desired === '<AWS::NoValue>';
      const count = unset ? `${String(target.MinCapacity)}-${String(target.MaxCapacity)}` : String(desired);
      t.same(
        [config.MinimumHealthyPercent, config.MaximumPercent, count],
        [0, 100, unset ? '1-1' : '1'],
        `${step.kind} (autoscaling ${deployed.AutoScaling}): one task, stop-then-start`,
      );
    }
  }
});
