// The text view (snapshot of a fixed report), colours (TTY only, NO_COLOR), and --json.
import t from 'tap';
import type { DriftReport } from '../../src/drift/index.js';
import { renderDriftJson, renderDriftText, summaryLine, wantsColour } from '../../src/ui/drift.js';

const REPORT: DriftReport = {
  rootStack: 'metabase-dev',
  outcome: 'INCOMPLETE',
  apiCalls: 31,
  stacks: [
    {
      stackName: 'metabase-dev',
      stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/metabase-dev/1',
      depth: 0,
      stackStatus: 'UPDATE_COMPLETE',
      outcome: 'IN_SYNC',
      detectionId: 'd-1',
      resources: [
        { logicalId: 'NetworkStack', type: 'AWS::CloudFormation::Stack', status: 'IN_SYNC', differences: [] },
      ],
    },
    {
      stackName: 'metabase-dev-NetworkStack-1AB',
      stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/metabase-dev-NetworkStack-1AB/2',
      logicalId: 'NetworkStack',
      depth: 1,
      stackStatus: 'UPDATE_COMPLETE',
      outcome: 'DRIFTED',
      detectionId: 'd-2',
      resources: [
        {
          logicalId: 'AlbSecurityGroup',
          physicalId: 'sg-0a1b',
          type: 'AWS::EC2::SecurityGroup',
          status: 'MODIFIED',
          differences: [
            {
              path: '/SecurityGroupIngress/1',
              type: 'ADD',
              expected: '',
              actual: '{"CidrIp":"0.0.0.0/0","FromPort":22}',
              masked: false,
            },
            {
              path: '/SecurityGroupIngress/0/CidrIp',
              type: 'NOT_EQUAL',
              expected: '10.0.0.0/8',
              actual: '0.0.0.0/0',
              masked: false,
            },
            { path: '/Tags/0', type: 'REMOVE', expected: '{"Key":"Owner"}', actual: '', masked: false },
          ],
        },
        {
          logicalId: 'NatEipA',
          physicalId: '52.1.2.3',
          type: 'AWS::EC2::EIP',
          status: 'DELETED',
          differences: [],
        },
        {
          logicalId: 'Attachment',
          physicalId: 'igw-att',
          type: 'AWS::EC2::VPCGatewayAttachment',
          status: 'NOT_CHECKED',
          note: 'not drift-checkable',
          differences: [],
        },
      ],
    },
    {
      stackName: 'metabase-dev-DataStack-1AB',
      stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/metabase-dev-DataStack-1AB/3',
      logicalId: 'DataStack',
      depth: 1,
      stackStatus: 'UPDATE_COMPLETE',
      outcome: 'PARTIAL',
      error: 'drift detection failed: Rate exceeded',
      resources: [
        {
          logicalId: 'Database',
          type: 'AWS::RDS::DBInstance',
          physicalId: 'db-1',
          status: 'MODIFIED',
          differences: [
            {
              path: '/MasterUserPassword',
              type: 'NOT_EQUAL',
              expected: '<masked>',
              actual: '<masked>',
              masked: true,
            },
          ],
        },
      ],
    },
  ],
  summary: {
    stacks: 3,
    stacksDrifted: 2,
    stacksFailed: 1,
    resources: 5,
    byStatus: { IN_SYNC: 1, MODIFIED: 2, DELETED: 1, NOT_CHECKED: 1, UNKNOWN: 0 },
  },
};

const EXPECTED_TEXT = `drift metabase-dev: 3 stacks checked

metabase-dev  IN_SYNC  (stack UPDATE_COMPLETE)
  = IN_SYNC     NetworkStack  AWS::CloudFormation::Stack

  metabase-dev-NetworkStack-1AB (NetworkStack)  DRIFTED  (stack UPDATE_COMPLETE)
    ~ MODIFIED    AlbSecurityGroup  AWS::EC2::SecurityGroup  sg-0a1b
        added   /SecurityGroupIngress/1: (none) → {"CidrIp":"0.0.0.0/0","FromPort":22}
        changed /SecurityGroupIngress/0/CidrIp: 10.0.0.0/8 → 0.0.0.0/0
        removed /Tags/0: {"Key":"Owner"} → (none)
    - DELETED     NatEipA           AWS::EC2::EIP  52.1.2.3
    ? NOT_CHECKED Attachment        AWS::EC2::VPCGatewayAttachment  igw-att
        note: not drift-checkable

  metabase-dev-DataStack-1AB (DataStack)  PARTIAL  (stack UPDATE_COMPLETE)
    failed: drift detection failed: Rate exceeded
    ~ MODIFIED    Database  AWS::RDS::DBInstance  db-1
        changed /MasterUserPassword: <masked> → <masked>  (secret, masked)

INCOMPLETE: 2 of 3 stacks drifted, 1 could not be fully checked; 5 resources: 1 in sync, 2 modified, 1 deleted, 1 not checked (31 API calls)
`;

t.test(
  'text: per stack, per resource, each difference with path, expected → actual and its kind, then the summary',
  async (t) => {
    t.equal(renderDriftText(REPORT, { colour: false }), EXPECTED_TEXT);
  },
);

t.test('text without colour has no escape codes; with colour the same words, coloured', async (t) => {
  t.notMatch(renderDriftText(REPORT, { colour: false }), /\u001b\[/);
  const coloured = renderDriftText(REPORT, { colour: true });
  t.match(coloured, '\u001b[33m~ MODIFIED   \u001b[39m', 'MODIFIED in yellow');
  t.match(coloured, '\u001b[31m- DELETED    \u001b[39m', 'DELETED in red');
  t.equal(coloured.replace(/\u001b\[\d+m/g, ''), EXPECTED_TEXT, 'colour adds nothing but escapes');
});

t.test('colour only on a TTY and only without NO_COLOR', async (t) => {
  t.equal(wantsColour(true, {}), true);
  t.equal(wantsColour(false, {}), false, 'piped: no colour');
  t.equal(wantsColour(true, { NO_COLOR: '1' }), false, 'NO_COLOR=1');
  t.equal(wantsColour(true, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
});

t.test('summary line for each outcome', async (t) => {
  const inSync: DriftReport = {
    ...REPORT,
    outcome: 'IN_SYNC',
    summary: {
      stacks: 5,
      stacksDrifted: 0,
      stacksFailed: 0,
      resources: 40,
      byStatus: { IN_SYNC: 38, MODIFIED: 0, DELETED: 0, NOT_CHECKED: 2, UNKNOWN: 0 },
    },
  };
  t.equal(
    summaryLine(inSync),
    'IN_SYNC: 0 of 5 stacks drifted; 40 resources: 38 in sync, 0 modified, 0 deleted, 2 not checked (31 API calls)',
  );
  const unknown = {
    ...inSync,
    summary: { ...inSync.summary, byStatus: { ...inSync.summary.byStatus, UNKNOWN: 1 } },
  };
  t.match(summaryLine(unknown), '2 not checked, 1 unknown');
});

t.test('json: the same data, parseable, with the API call count', async (t) => {
  const json = renderDriftJson(REPORT);
  t.ok(json.endsWith('}\n'));
  const parsed = JSON.parse(json) as DriftReport;
  t.same(parsed, JSON.parse(JSON.stringify(REPORT)));
  t.equal(parsed.apiCalls, 31);
  t.match(parsed.stacks[1]?.resources[0]?.differences[0], {
    path: '/SecurityGroupIngress/1',
    type: 'ADD',
    expected: '',
    actual: '{"CidrIp":"0.0.0.0/0","FromPort":22}',
  });
  t.same(Object.keys(parsed).sort(), ['apiCalls', 'outcome', 'rootStack', 'stacks', 'summary']);
});
