// checkDrift over the in-memory fake: the whole tree, drift in one nested stack, paging, partial and
// failed detections, the timeout, NOT_CHECKED resources, polling rate, concurrency and the call count.
import t from 'tap';
import { mergeResources } from '../../src/drift/detect.js';
import { checkDrift, type DriftReport, type StackReport } from '../../src/drift/index.js';
import { FakeClock, FakeDriftApi, stackArn } from './fake.js';
import { metabaseTree, nestedName, ROOT } from './fixture.js';

function stack(report: DriftReport, name: string): StackReport {
  const found = report.stacks.find((s) => s.stackName === name);
  if (!found) throw new Error(`no stack ${name} in the report`);
  return found;
}

async function run(
  api: FakeDriftApi,
  clock = new FakeClock(),
  extra: { timeoutMs?: number; concurrency?: number } = {},
) {
  return checkDrift(api, { stackName: ROOT, clock, ...extra });
}

t.test(
  'GIVEN root + 4 nested stacks in sync WHEN checked THEN every stack is walked, detected and IN_SYNC',
  async (t) => {
    const api = new FakeDriftApi(metabaseTree());
    const report = await run(api);
    t.equal(report.outcome, 'IN_SYNC');
    t.same(
      report.stacks.map((s) => [s.stackName, s.logicalId, s.depth, s.outcome]),
      [
        [ROOT, undefined, 0, 'IN_SYNC'],
        [nestedName('Network'), 'NetworkStack', 1, 'IN_SYNC'],
        [nestedName('Edge'), 'EdgeStack', 1, 'IN_SYNC'],
        [nestedName('Data'), 'DataStack', 1, 'IN_SYNC'],
        [nestedName('App'), 'AppStack', 1, 'IN_SYNC'],
      ],
    );
    t.equal(api.count('detectStackDrift'), 5, 'DetectStackDrift once per stack: the API does not recurse');
    t.match(report.summary, {
      stacks: 5,
      stacksDrifted: 0,
      stacksFailed: 0,
      resources: 20,
      byStatus: { IN_SYNC: 18, NOT_CHECKED: 2, MODIFIED: 0, DELETED: 0 },
    });
    // 5 × (DescribeStacks + ListStackResources + DetectStackDrift + 2 status polls + 1 drifts page)
    t.equal(report.apiCalls, 30, 'API calls counted');
    t.equal(report.apiCalls, api.log.length, 'the count matches what the fake saw');
  },
);

t.test(
  'GIVEN a security group opened in the console in the network stack only THEN only that stack is DRIFTED',
  async (t) => {
    const tree = metabaseTree();
    const network = tree.find((s) => s.name === nestedName('Network'));
    const sg = network?.resources.find((r) => r.logicalId === 'AlbSecurityGroup');
    if (!sg) throw new Error('fixture changed');
    sg.drift = 'MODIFIED';
    sg.differences = [
      {
        path: '/SecurityGroupIngress/1',
        type: 'ADD',
        expected: '',
        actual: '{"CidrIp":"0.0.0.0/0","FromPort":22,"IpProtocol":"tcp","ToPort":22}',
      },
      {
        path: '/SecurityGroupIngress/0/CidrIp',
        type: 'NOT_EQUAL',
        expected: '10.0.0.0/8',
        actual: '0.0.0.0/0',
      },
      { path: '/Tags/0', type: 'REMOVE', expected: '{"Key":"Owner","Value":"data-team"}', actual: '' },
    ];
    const report = await run(new FakeDriftApi(tree));
    t.equal(report.outcome, 'DRIFTED');
    t.same(
      report.stacks.filter((s) => s.outcome === 'DRIFTED').map((s) => s.stackName),
      [nestedName('Network')],
    );
    t.equal(stack(report, ROOT).outcome, 'IN_SYNC', 'the root itself is in sync');
    const resource = stack(report, nestedName('Network')).resources.find(
      (r) => r.logicalId === 'AlbSecurityGroup',
    );
    t.match(resource, { status: 'MODIFIED', physicalId: 'sg-0alb', type: 'AWS::EC2::SecurityGroup' });
    t.same(
      resource?.differences.map((d) => [d.type, d.path, d.expected, d.actual, d.masked]),
      [
        [
          'ADD',
          '/SecurityGroupIngress/1',
          '',
          '{"CidrIp":"0.0.0.0/0","FromPort":22,"IpProtocol":"tcp","ToPort":22}',
          false,
        ],
        ['NOT_EQUAL', '/SecurityGroupIngress/0/CidrIp', '10.0.0.0/8', '0.0.0.0/0', false],
        ['REMOVE', '/Tags/0', '{"Key":"Owner","Value":"data-team"}', '', false],
      ],
    );
    t.match(report.summary, { stacksDrifted: 1, byStatus: { MODIFIED: 1 } });
  },
);

t.test(
  'GIVEN a resource deleted outside CloudFormation THEN it is DELETED and the run is DRIFTED',
  async (t) => {
    const tree = metabaseTree();
    const logGroup = tree
      .find((s) => s.name === nestedName('App'))
      ?.resources.find((r) => r.logicalId === 'LogGroup');
    if (!logGroup) throw new Error('fixture changed');
    logGroup.drift = 'DELETED';
    const report = await run(new FakeDriftApi(tree));
    t.equal(report.outcome, 'DRIFTED');
    t.match(
      stack(report, nestedName('App')).resources.find((r) => r.logicalId === 'LogGroup'),
      { status: 'DELETED' },
    );
  },
);

t.test(
  'GIVEN pages of 2 resources THEN every page of ListStackResources and DescribeStackResourceDrifts is read',
  async (t) => {
    const api = new FakeDriftApi(metabaseTree());
    api.pageSize = 2;
    const report = await run(api);
    t.equal(report.summary.resources, 20, 'no resource lost between pages');
    t.same(
      stack(report, nestedName('App')).resources.map((r) => r.logicalId),
      ['LogGroup', 'Cluster', 'TaskDefinition', 'Service', 'CpuScalingPolicy'],
      'order kept across pages',
    );
    // App: 5 listed → 3 pages; 4 with drift results → 2 pages
    t.equal(api.log.filter((l) => l === `listStackResources ${stackArn(nestedName('App'))}`).length, 3);
    t.equal(api.log.filter((l) => l === `resourceDrifts ${stackArn(nestedName('App'))}`).length, 2);
    t.equal(report.apiCalls, api.log.length, 'every page counted');
  },
);

t.test(
  'GIVEN resource types without drift support THEN they are NOT_CHECKED with a note, not hidden',
  async (t) => {
    const report = await run(new FakeDriftApi(metabaseTree()));
    const policy = stack(report, nestedName('App')).resources.find((r) => r.logicalId === 'CpuScalingPolicy');
    t.match(policy, {
      status: 'NOT_CHECKED',
      type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
      note: /not drift-checkable/,
    });
    t.equal(report.outcome, 'IN_SYNC', 'NOT_CHECKED is not drift');
  },
);

t.test(
  'GIVEN DETECTION_FAILED with some results THEN the stack is PARTIAL: results kept, reason given, run INCOMPLETE',
  async (t) => {
    const tree = metabaseTree({
      Data: {
        final: 'DETECTION_FAILED',
        failureReason: 'Failed to detect drift on resource [Database]: Rate exceeded',
      },
    });
    const data = tree.find((s) => s.name === nestedName('Data'));
    const db = data?.resources.find((r) => r.logicalId === 'Database');
    const secret = data?.resources.find((r) => r.logicalId === 'EncryptionKeySecret');
    if (!db || !secret) throw new Error('fixture changed');
    db.drift = 'no-result';
    secret.drift = 'MODIFIED';
    secret.differences = [
      { path: '/Description', type: 'NOT_EQUAL', expected: 'key', actual: 'changed by hand' },
    ];
    const report = await run(new FakeDriftApi(tree));
    const partial = stack(report, nestedName('Data'));
    t.equal(partial.outcome, 'PARTIAL');
    t.match(
      partial.error,
      /drift detection failed: Failed to detect drift on resource \[Database\]: Rate exceeded/,
    );
    t.match(
      partial.resources.find((r) => r.logicalId === 'EncryptionKeySecret'),
      { status: 'MODIFIED' },
      'what it got is reported',
    );
    t.match(
      partial.resources.find((r) => r.logicalId === 'Database'),
      { status: 'NOT_CHECKED', note: /detection failed/ },
      'what it missed is said',
    );
    t.equal(report.outcome, 'INCOMPLETE', 'an incomplete check outranks drift');
    t.match(report.summary, { stacksFailed: 1, stacksDrifted: 1 });
    t.equal(stack(report, nestedName('App')).outcome, 'IN_SYNC', 'other stacks unaffected');
  },
);

t.test('GIVEN DETECTION_FAILED with no results THEN the stack is FAILED with the reason', async (t) => {
  const tree = metabaseTree({ Edge: { final: 'DETECTION_FAILED', failureReason: 'Internal failure' } });
  for (const r of tree.find((s) => s.name === nestedName('Edge'))?.resources ?? []) r.drift = 'no-result';
  const report = await run(new FakeDriftApi(tree));
  t.match(stack(report, nestedName('Edge')), {
    outcome: 'FAILED',
    error: 'drift detection failed: Internal failure',
  });
  t.equal(report.outcome, 'INCOMPLETE');
});

t.test(
  'GIVEN DetectStackDrift is denied on one stack THEN that stack says why and the others are still checked',
  async (t) => {
    const denied = Object.assign(
      new Error(
        'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:DetectStackDrift',
      ),
      {
        name: 'AccessDenied',
      },
    );
    const report = await run(new FakeDriftApi(metabaseTree({ App: { detectError: denied } })));
    t.match(stack(report, nestedName('App')), {
      outcome: 'FAILED',
      error:
        /could not start drift detection: access denied: your identity may not call cloudformation:DetectStackDrift/,
    });
    t.equal(report.stacks.filter((s) => s.outcome === 'IN_SYNC').length, 4);
  },
);

t.test(
  'GIVEN a detection that never finishes THEN it times out at the overall deadline, others still report',
  async (t) => {
    const clock = new FakeClock();
    const api = new FakeDriftApi(metabaseTree({ Network: { hangs: true } }));
    const report = await run(api, clock, { timeoutMs: 30_000 });
    const network = stack(report, nestedName('Network'));
    t.equal(network.outcome, 'FAILED');
    t.match(
      network.error,
      /timed out waiting for drift detection detection-\d+; it may still finish in CloudFormation/,
    );
    t.ok(clock.now() <= 30_000, `stopped by the deadline (virtual time ${clock.now()} ms)`);
    t.ok(clock.now() > 28_000, 'kept polling until the next wait would pass the deadline');
    t.equal(report.outcome, 'INCOMPLETE');
    t.equal(report.stacks.filter((s) => s.outcome === 'IN_SYNC').length, 4);
  },
);

t.test('polling: backed off, never faster than 1 call/s per stack, capped at 2 s', async (t) => {
  const clock = new FakeClock();
  const api = new FakeDriftApi([
    { name: ROOT, resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC' }], pollsInProgress: 5 },
  ]);
  await checkDrift(api, { stackName: ROOT, clock });
  t.same(clock.sleeps, [1000, 1500, 2000, 2000, 2000, 2000], 'one sleep before each of the 6 status calls');
  t.equal(api.count('detectionStatus'), 6);
});

t.test('concurrency: at most N stacks in detection at once', async (t) => {
  const api = new FakeDriftApi(metabaseTree());
  await run(api, new FakeClock(), { concurrency: 2 });
  t.equal(api.maxInFlight, 2, 'bounded at 2');
  const unbounded = new FakeDriftApi(metabaseTree());
  await run(unbounded, new FakeClock(), { concurrency: 5 });
  t.equal(unbounded.maxInFlight, 5, 'the bound is what limits it');
});

t.test('an invalid concurrency is refused', async (t) => {
  await t.rejects(
    run(new FakeDriftApi(metabaseTree()), new FakeClock(), { concurrency: 0 }),
    /concurrency must be a positive integer/,
  );
});

t.test(
  "merge: UNKNOWN keeps CloudFormation's reason, UNSUPPORTED reads as NOT_CHECKED, unlisted drift records are kept",
  async (t) => {
    const listed = [
      { logicalId: 'Service', type: 'AWS::ECS::Service' },
      { logicalId: 'Policy', type: 'AWS::ApplicationAutoScaling::ScalingPolicy' },
    ];
    const merged = mergeResources(
      listed,
      [
        {
          logicalId: 'Service',
          type: 'AWS::ECS::Service',
          status: 'UNKNOWN',
          reason: 'Internal failure reading the service',
          differences: [],
        },
        {
          logicalId: 'Policy',
          type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
          status: 'UNSUPPORTED',
          differences: [],
        },
        { logicalId: 'Added', type: 'AWS::SQS::Queue', status: 'IN_SYNC', differences: [] },
      ],
      false,
    );
    t.same(
      merged.map((r) => [r.logicalId, r.status, r.note]),
      [
        ['Service', 'UNKNOWN', 'Internal failure reading the service'],
        [
          'Policy',
          'NOT_CHECKED',
          'not drift-checkable: CloudFormation does not support drift detection for this type',
        ],
        ['Added', 'IN_SYNC', undefined],
      ],
    );
  },
);
