// The deploy command over in-memory AWS: confirmation rules, DB replacement guard, printed output,
// --json, exit codes. Uses the real params/dev.json and the shipped templates.
import t from 'tap';
import { deployCommand, type DeployOptions } from '../../src/cli/commands/deploy.js';
import { UserError } from '../../src/cli/errors.js';
import type { CliIo } from '../../src/cli/io.js';
import type { FetchLike } from '../../src/deploy/health.js';
import { createTimeline, existingStack, fakeWorld, nestedId, ROOT_ID, type FakeWorld } from './fakes.js';

function io(overrides: Partial<CliIo> = {}) {
  const out = { stdout: '', stderr: '' };
  const value: CliIo = {
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    isTty: false,
    env: {},
    cwd: process.cwd(),
    ...overrides,
  };
  return { io: value, out };
}

const options = (o: Partial<DeployOptions> = {}): DeployOptions => ({ yes: true, execute: true, waitHealthy: false, allowReplacement: false, json: false, ...o });

function dbReplacement(world: FakeWorld): void {
  existingStack(world, 'UPDATE_COMPLETE');
  world.cf.changeSetSequence = [
    { status: 'CREATE_COMPLETE', changes: [{ action: 'Modify', logicalId: 'DataStack', resourceType: 'AWS::CloudFormation::Stack', recreationCauses: [], nestedChangeSetId: 'arn:cs/data' }] },
  ];
  world.cf.nestedChangeSets.set('arn:cs/data', {
    id: 'arn:cs/data',
    stackId: nestedId('DataStack'),
    status: 'CREATE_COMPLETE',
    changes: [{ action: 'Modify', logicalId: 'Database', resourceType: 'AWS::RDS::DBInstance', replacement: 'True', recreationCauses: ['DBName'] }],
  });
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_IN_PROGRESS' },
    { after: 2000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'UPDATE_COMPLETE' },
  ];
  world.cf.finalStatus = 'UPDATE_COMPLETE';
}

t.test('no TTY and no --yes: refused before any AWS call', async (t) => {
  const world = fakeWorld();
  const { io: cli } = io();
  await t.rejects(deployCommand(options({ yes: false }), cli, { session: world.session, clock: world.clock }), { message: /not an interactive terminal/ });
  t.equal(world.session.calls.total, 0);
});

t.test('a broken params file: refused before any AWS call', async (t) => {
  const world = fakeWorld();
  const { io: cli } = io();
  await t.rejects(deployCommand(options({ env: 'nope' }), cli, { session: world.session, clock: world.clock }), UserError);
  t.equal(world.session.calls.total, 0);
});

t.test('DB replacement with --yes and no TTY: refused, nothing executed', async (t) => {
  const world = fakeWorld();
  dbReplacement(world);
  const { io: cli, out } = io();
  await t.rejects(deployCommand(options(), cli, { session: world.session, clock: world.clock }), { message: /replace or remove the database \(DataStack\/Database\)/ });
  t.match(out.stdout, /!! The database DataStack\/Database will be REPLACED because DBName changed/);
  t.match(out.stdout, /~ Database {2}AWS::RDS::DBInstance {2}REPLACE \(DBName\)/);
  t.notOk(world.cf.callNames().includes('executeChangeSet'));
});

t.test('DB replacement with --yes in a TTY: the stack name must be typed', async (t) => {
  for (const [typed, executes] of [['yes', false], ['metabase-dev', true]] as const) {
    const world = fakeWorld();
    dbReplacement(world);
    const { io: cli } = io({ isTty: true, env: { NO_COLOR: '1' } });
    const questions: string[] = [];
    const code = await deployCommand(options(), cli, { session: world.session, clock: world.clock, prompt: async (q) => (questions.push(q), typed) });
    t.match(questions[0], /Type the stack name \(metabase-dev\)/);
    t.equal(world.cf.callNames().includes('executeChangeSet'), executes, `typed "${typed}"`);
    t.equal(code, executes ? 0 : 1);
  }
});

t.test('DB replacement with --allow-replacement: executes without asking', async (t) => {
  const world = fakeWorld();
  dbReplacement(world);
  const { io: cli } = io();
  const code = await deployCommand(options({ allowReplacement: true }), cli, { session: world.session, clock: world.clock, prompt: async () => t.fail('no prompt') as never });
  t.equal(code, 0);
  t.ok(world.cf.callNames().includes('executeChangeSet'));
});

t.test('interactive confirmation: y executes', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  const { io: cli, out } = io({ isTty: true, env: {} });
  const code = await deployCommand(options({ yes: false }), cli, { session: world.session, clock: world.clock, prompt: async () => 'y' });
  t.equal(code, 0);
  t.match(out.stdout, /\u001b\[2K {2}NetworkStack/, 'live tier view in a TTY');
  t.match(out.stdout, /\u001b\[32m/, 'colours in a TTY without NO_COLOR');
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
  t.match(out.stdout, /deploy metabase-dev: CREATE_COMPLETE in \d+s\n {2}MetabaseUrl {2}http:\/\/mb\.example\n {2}ClusterName/);
});

t.test('--json: one document with outcome, outputs and the API call count', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  world.cf.finalOutputs = { MetabaseUrl: 'http://mb.example' };
  const { io: cli, out } = io();
  const code = await deployCommand(options({ json: true }), cli, { session: world.session, clock: world.clock });
  t.equal(code, 0);
  const doc = JSON.parse(out.stdout) as { outcome: string; outputs: Record<string, string>; apiCalls: { total: number; byOperation: Record<string, number> } };
  t.equal(doc.outcome, 'created');
  t.equal(doc.outputs.MetabaseUrl, 'http://mb.example');
  t.equal(doc.apiCalls.total, world.session.calls.total);
  t.equal(doc.apiCalls.byOperation['cloudformation:executeChangeSet'], 1);
  t.match(out.stderr, /Creating change set/, 'progress goes to stderr');
});

t.test('a failed deploy prints the root cause and exits 1', async (t) => {
  const world = fakeWorld();
  const net = nestedId('NetworkStack');
  world.cf.timeline = [
    { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'CREATE_IN_PROGRESS' },
    { after: 1000, stackId: ROOT_ID, logicalId: 'NetworkStack', status: 'CREATE_IN_PROGRESS', physicalId: net },
    { after: 3000, stackId: net, logicalId: 'NatEipA', status: 'CREATE_FAILED', resourceType: 'AWS::EC2::EIP', reason: 'The maximum number of addresses has been reached.' },
    { after: 5000, stackId: ROOT_ID, logicalId: 'NetworkStack', status: 'CREATE_FAILED', physicalId: net, reason: 'Embedded stack was not successfully created' },
    { after: 9000, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'ROLLBACK_COMPLETE' },
  ];
  world.cf.finalStatus = 'ROLLBACK_COMPLETE';
  const { io: cli, out } = io();
  const code = await deployCommand(options(), cli, { session: world.session, clock: world.clock });
  t.equal(code, 1);
  t.match(out.stderr, /deploy metabase-dev: failed \(ROLLBACK_COMPLETE\)/);
  t.match(out.stderr, /root cause: NetworkStack\/NatEipA \(AWS::EC2::EIP\) CREATE_FAILED\n {4}The maximum number of addresses has been reached\./);
});

t.test('Ctrl-C: says the operation continues in AWS and how to follow it', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  const controller = new AbortController();
  controller.abort();
  const { io: cli, out } = io();
  const code = await deployCommand(options(), cli, { session: world.session, clock: world.clock, signal: controller.signal });
  t.equal(code, 130);
  t.match(out.stderr, /continues in AWS/);
  t.match(out.stderr, /describe-stack-events --stack-name metabase-dev/);
});

t.test('health timeout: points at the ECS service events and the log group', async (t) => {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  world.cf.finalOutputs = { MetabaseUrl: 'http://mb.example', ClusterName: 'cl', ServiceName: 'svc', LogGroupName: '/metabase/dev' };
  const fetch: FetchLike = async () => ({ status: 503, text: async () => '{"status":"initializing"}' });
  const { io: cli, out } = io();
  const code = await deployCommand(options({ waitHealthy: true }), cli, { session: world.session, clock: world.clock, fetch, healthTimeoutMs: 30_000 });
  t.equal(code, 1);
  t.match(out.stderr, /did not report healthy within 30s \(last: HTTP 503 \(initializing\)\)/);
  t.match(out.stderr, /aws ecs describe-services .*--cluster cl --services svc/);
  t.match(out.stderr, /aws logs tail \/metabase\/dev/);
});

t.test('no changes: exit 0 with the outputs', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', { outputs: { MetabaseUrl: 'http://mb' } });
  world.cf.changeSetSequence = [{ status: 'FAILED', statusReason: "The submitted information didn't contain changes." }];
  const { io: cli, out } = io();
  t.equal(await deployCommand(options(), cli, { session: world.session, clock: world.clock }), 0);
  t.match(out.stdout, /no changes; the stack is up to date/);
});
