// GIVEN a stack deployed from the committed templates with every operations feature on WHEN drift is
// checked THEN the alarms, the topic and its key, the access-log bucket and the flow-log resources are
// in the report under their own stacks, and a threshold changed in the console shows as MODIFIED.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { checkDrift } from '../../src/drift/index.js';
import { validateParams } from '../../src/params/validate.js';
import { plainTemplates } from '../support/cli.js';
import { existingResources } from '../support/conditions.js';
import { PROD_FILLED_IN } from '../support/prod-params.js';
import { FakeClock, FakeDriftApi, stackArn, type FakeStack } from './fake.js';
import { nestedName, ROOT, TIERS } from './fixture.js';

const OPERATIONS_TYPES = [
  'AWS::CloudWatch::Alarm',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::EC2::FlowLog',
  'AWS::Logs::LogGroup',
  'AWS::IAM::Role',
];

t.test('every operations resource of the templates is walked and reported, drift included', async (t) => {
  const raw = {
    ...(JSON.parse(await readFile('params/prod.json', 'utf8')) as object),
    ...PROD_FILLED_IN,
    AlarmEmail: 'ops@example.com',
    FlowLogs: 'true',
    NatGateways: 'instance',
  };
  const result = validateParams(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const values: Record<string, string> = {
    ...result.values,
    AlarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
    'AWS::Region': 'us-east-1',
    IngressCidr1: '0.0.0.0/0',
  };
  for (const name of ['IngressCidr2', 'IngressCidr3', 'IngressCidr4']) values[name] = '';
  for (let i = 1; i <= 4; i += 1) values[`DataSourcePort${i}`] = '';
  const templates = plainTemplates();
  const expected: string[] = [];
  const stacks: FakeStack[] = TIERS.map((tier) => {
    const template = templates[tier.toLowerCase() as 'network' | 'edge' | 'data' | 'app'];
    const present = existingResources(template, values).filter((id) =>
      OPERATIONS_TYPES.includes(template.Resources[id]!.Type),
    );
    expected.push(...present.map((id) => `${nestedName(tier)}/${id}`));
    return {
      name: nestedName(tier),
      resources: present.map((id) => ({ logicalId: id, type: template.Resources[id]!.Type })),
    };
  });
  const alarm = stacks[1]!.resources.find((r) => r.logicalId === 'Alb5xxRateAlarm')!;
  alarm.drift = 'MODIFIED';
  alarm.differences = [{ path: '/Threshold', type: 'NOT_EQUAL', expected: '5', actual: '50' }];
  const root: FakeStack = {
    name: ROOT,
    resources: TIERS.map((tier) => ({
      logicalId: `${tier}Stack`,
      type: 'AWS::CloudFormation::Stack',
      physicalId: stackArn(nestedName(tier)),
    })),
  };
  const report = await checkDrift(new FakeDriftApi([root, ...stacks]), {
    stackName: ROOT,
    clock: new FakeClock(),
  });
  const reported = report.stacks
    .filter((s) => s.depth === 1)
    .flatMap((s) => s.resources.map((r) => `${s.stackName}/${r.logicalId}`));
  t.same(reported.sort(), expected.sort(), 'each one is in the report, in its own stack');
  for (const id of ['AlarmTopic', 'AlarmTopicKey', 'FlowLog', 'NatInstanceStatusAlarm'])
    t.ok(expected.includes(`${nestedName('Network')}/${id}`), id);
  t.ok(expected.includes(`${nestedName('Edge')}/AccessLogsBucket`));
  t.ok(expected.includes(`${nestedName('App')}/TasksBelowDesiredAlarm`));
  t.equal(report.outcome, 'DRIFTED');
  const drifted = report.stacks.flatMap((s) => s.resources).find((r) => r.logicalId === 'Alb5xxRateAlarm');
  t.match(drifted, {
    status: 'MODIFIED',
    differences: [{ path: '/Threshold', actual: '50', masked: false }],
  });
});
