// GIVEN the synthesized templates WHEN we read their CloudWatch alarms and the SNS topic THEN each alarm
// watches the resource of its own tier with the documented metric, names itself under the root stack's
// name, and exists only when its feature does; the topic exists only with AlarmEmail.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { plainTemplates, resourcesOfType, type PlainTemplate } from '../support/cli.js';
import { existingResources, tierValues } from '../support/conditions.js';
import { PROD_FILLED_IN } from '../support/prod-params.js';
import { DB_INSTANCE_CLASSES, DB_INSTANCE_MEMORY_GIB } from '../../src/synth/config.js';

const templates = plainTemplates();
const { root, network, edge, data, app } = templates;
const tiers = { network, edge, data, app };
const ALARM = 'AWS::CloudWatch::Alarm';

const alarmsOf = (template: PlainTemplate) => resourcesOfType(template, ALARM);
const allAlarms = Object.values(tiers).flatMap(alarmsOf);
const props = (template: PlainTemplate, id: string) => template.Resources[id]!.Properties!;

async function existing(file: string, overrides: Record<string, unknown> = {}) {
  const values = await tierValues(file, overrides);
  return Object.fromEntries(
    Object.entries(tiers).map(([name, template]) => [name, existingResources(template, values)]),
  ) as Record<keyof typeof tiers, string[]>;
}

t.test(
  'every alarm is named under the root stack name, which the root passes as AWS::StackName',
  async (t) => {
    t.ok(allAlarms.length >= 7, `${allAlarms.length} alarms`);
    const names = new Set<string>();
    for (const [id, alarm] of allAlarms) {
      const name = (alarm.Properties!.AlarmName as { 'Fn::Sub': string })['Fn::Sub'];
      t.match(name, /^\$\{RootStackName\}-[a-z0-9-]+$/, `${id} name`);
      t.notOk(names.has(name), `${id} name is unique`);
      names.add(name);
    }
    for (const [tier, template] of Object.entries(tiers)) {
      if (alarmsOf(template).length === 0) continue;
      const stack = root.Resources[`${tier[0]!.toUpperCase()}${tier.slice(1)}Stack`]!;
      t.same((stack.Properties!.Parameters as Record<string, unknown>).RootStackName, {
        Ref: 'AWS::StackName',
      });
    }
  },
);

t.test(
  'a name change is the only replacement, so a replaced alarm never collides with its old copy',
  async (t) => {
    const script =
      "import json;from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as m;print(json.dumps(m.get_resource_schema('us-east-1','AWS::CloudWatch::Alarm').schema.get('createOnlyProperties')))";
    const createOnly = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' })) as string[];
    t.same(
      createOnly,
      ['/properties/AlarmName'],
      'AWS registry schema: AlarmName is the only create-only property',
    );
    for (const [id, alarm] of allAlarms) {
      const subText = (alarm.Properties!.AlarmName as { 'Fn::Sub': string })['Fn::Sub'];
      const variables = [...subText.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1]);
      t.same(
        variables,
        ['RootStackName'],
        `${id}: only the stack name (fixed for the stack's life) is in it`,
      );
    }
  },
);

t.test('each alarm says what missing data means, and notifies on ALARM and OK alike', async (t) => {
  for (const [id, alarm] of allAlarms) {
    const p = alarm.Properties!;
    t.ok(['missing', 'breaching', 'notBreaching', 'ignore'].includes(p.TreatMissingData as string), id);
    t.ok((p.AlarmDescription as string).length > 20, `${id} has a description`);
    const ok = JSON.stringify(p.OKActions);
    t.ok(ok.includes('AlarmTopic'), `${id} has OK actions to the topic`);
    t.ok(JSON.stringify(p.AlarmActions).includes('AlarmTopic'), `${id} has alarm actions to the topic`);
  }
});

/**
 * The template's own metric-math text, run as JavaScript for one period: its operators mean the same in
 * both, and FILL of a present value is the value. Evaluating the real text (not a copy of it) is the point.
 */
function metricMath(expression: string, variables: Record<string, number>): number {
  const names = Object.keys(variables);
  const body = `const FILL = (x, d) => (x === undefined ? d : x); const IF = (c, a, b) => (c ? a : b); return ${expression};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see above: the expression under test is the code
  const evaluate = new Function(...names, body) as (...values: number[]) => number;
  return evaluate(...names.map((name) => variables[name] ?? NaN));
}

function metric(alarm: Record<string, unknown>, id?: string) {
  if (id === undefined)
    return { namespace: alarm.Namespace, name: alarm.MetricName, dimensions: alarm.Dimensions };
  const query = (alarm.Metrics as { Id: string; MetricStat: { Metric: Record<string, unknown> } }[]).find(
    (q) => q.Id === id,
  )!.MetricStat.Metric;
  return { namespace: query.Namespace, name: query.MetricName, dimensions: query.Dimensions };
}

t.test(
  'no healthy target: HealthyHostCount of this target group and load balancer below 1 for 5 minutes',
  async (t) => {
    const alarm = props(app, 'NoHealthyTargetAlarm');
    t.same(metric(alarm), {
      namespace: 'AWS/ApplicationELB',
      name: 'HealthyHostCount',
      dimensions: [
        { Name: 'TargetGroup', Value: { Ref: 'TargetGroupFullName' } },
        { Name: 'LoadBalancer', Value: { Ref: 'LoadBalancerFullName' } },
      ],
    });
    t.match(alarm, {
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      Period: 60,
      EvaluationPeriods: 5,
    });
    t.equal(app.Resources.NoHealthyTargetAlarm!.DependsOn, 'Service', 'created once the service is healthy');
    const appStack = root.Resources.AppStack!.Properties!.Parameters as Record<string, unknown>;
    t.same(appStack.TargetGroupFullName, { 'Fn::GetAtt': ['EdgeStack', 'Outputs.TargetGroupFullName'] });
    t.same(appStack.LoadBalancerFullName, { 'Fn::GetAtt': ['EdgeStack', 'Outputs.LoadBalancerFullName'] });
    t.same(edge.Outputs!.TargetGroupFullName!.Value, {
      'Fn::GetAtt': ['TargetGroup', 'TargetGroupFullName'],
    });
    t.same(edge.Outputs!.LoadBalancerFullName!.Value, {
      'Fn::GetAtt': ['LoadBalancer', 'LoadBalancerFullName'],
    });
  },
);

t.test('ALB 5xx rate: ELB and target 5xx over requests of this load balancer, above 5 %', async (t) => {
  const alarm = props(edge, 'Alb5xxRateAlarm');
  const lb = [{ Name: 'LoadBalancer', Value: { 'Fn::GetAtt': ['LoadBalancer', 'LoadBalancerFullName'] } }];
  for (const [id, name] of [
    ['requests', 'RequestCount'],
    ['elb5xx', 'HTTPCode_ELB_5XX_Count'],
    ['target5xx', 'HTTPCode_Target_5XX_Count'],
  ] as const) {
    t.same(metric(alarm, id), { namespace: 'AWS/ApplicationELB', name, dimensions: lb });
  }
  const expression = (alarm.Metrics as { Expression?: string }[]).find((q) => q.Expression)!.Expression!;
  // Evaluate the expression the way CloudWatch would for one period (FILL of a present value is itself).
  const rate = (requests: number, elb: number, target: number): number =>
    metricMath(expression, { requests, elb5xx: elb, target5xx: target });
  t.equal(rate(100, 3, 4), 7);
  t.ok(rate(100, 3, 4) > (alarm.Threshold as number), '7 % fires');
  t.ok(rate(100, 1, 1) <= (alarm.Threshold as number), '2 % does not');
  t.equal(rate(2, 1, 0), 0, 'a handful of requests is too few to judge');
  t.equal(alarm.TreatMissingData, 'notBreaching');
});

t.test(
  'RDS CPU and freeable memory watch this database; memory threshold is 10 % of each class',
  async (t) => {
    const db = [{ Name: 'DBInstanceIdentifier', Value: { Ref: 'Database' } }];
    t.same(metric(props(data, 'DbCpuAlarm')), {
      namespace: 'AWS/RDS',
      name: 'CPUUtilization',
      dimensions: db,
    });
    const memory = props(data, 'DbFreeableMemoryAlarm');
    t.same(metric(memory), { namespace: 'AWS/RDS', name: 'FreeableMemory', dimensions: db });
    t.same(memory.Threshold, {
      'Fn::FindInMap': ['DbFreeableMemoryThreshold', { Ref: 'DbInstanceClass' }, 'Bytes'],
    });
    const map = (data as { Mappings?: Record<string, Record<string, { Bytes: number }>> }).Mappings!
      .DbFreeableMemoryThreshold!;
    const allowed = root.Parameters!.DbInstanceClass!.AllowedValues as string[];
    t.same(Object.keys(map).sort(), [...allowed].sort(), 'a threshold for every class the parameter allows');
    t.same([...DB_INSTANCE_CLASSES].sort(), [...allowed].sort());
    t.equal(map['db.t4g.micro']!.Bytes, Math.round(0.1 * 1024 ** 3), 'db.t4g.micro has 1 GiB');
    for (const instanceClass of allowed) {
      const gib = DB_INSTANCE_MEMORY_GIB[instanceClass as keyof typeof DB_INSTANCE_MEMORY_GIB];
      t.equal(map[instanceClass]!.Bytes, Math.round(gib * 0.1 * 1024 ** 3), instanceClass);
    }
  },
);

t.test(
  'RDS free storage: FreeStorageSpace bytes as a share of DbAllocatedStorage GiB, under 10 %',
  async (t) => {
    const alarm = props(data, 'DbFreeStorageAlarm');
    t.same(metric(alarm, 'free'), {
      namespace: 'AWS/RDS',
      name: 'FreeStorageSpace',
      dimensions: [{ Name: 'DBInstanceIdentifier', Value: { Ref: 'Database' } }],
    });
    const expression = (alarm.Metrics as { Expression?: { 'Fn::Sub': string } }[]).find((q) => q.Expression)!
      .Expression!['Fn::Sub'];
    const percent = (allocatedGib: number, freeBytes: number): number =>
      metricMath(expression.replace('${DbAllocatedStorage}', String(allocatedGib)), { free: freeBytes });
    t.equal(percent(20, 2 * 1024 ** 3), 10);
    t.ok(percent(20, 1.5 * 1024 ** 3) < (alarm.Threshold as number), '1.5 GiB free of 20 fires');
    t.ok(percent(50, 10 * 1024 ** 3) > (alarm.Threshold as number), '10 GiB free of 50 does not');
    t.equal(alarm.ComparisonOperator, 'LessThanThreshold');
  },
);

t.test('NAT instance: system status check of that instance, with the EC2 recover action', async (t) => {
  const alarm = props(network, 'NatInstanceStatusAlarm');
  t.same(metric(alarm), {
    namespace: 'AWS/EC2',
    name: 'StatusCheckFailed_System',
    dimensions: [{ Name: 'InstanceId', Value: { Ref: 'NatInstance' } }],
  });
  t.equal(network.Resources.NatInstance!.Type, 'AWS::EC2::Instance');
  const actions = JSON.stringify(alarm.AlarmActions);
  t.ok(actions.includes('arn:${AWS::Partition}:automate:${AWS::Region}:ec2:recover'));
  t.same(
    (alarm.AlarmActions as { 'Fn::If': unknown[] })['Fn::If'][2],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:automate:${AWS::Region}:ec2:recover' }],
    'recovers even without AlarmEmail',
  );
});

t.test(
  'ECS: desired minus running tasks of this service above 0 for 10 minutes (Container Insights)',
  async (t) => {
    const alarm = props(app, 'TasksBelowDesiredAlarm');
    const dimensions = [
      { Name: 'ClusterName', Value: { Ref: 'Cluster' } },
      { Name: 'ServiceName', Value: { 'Fn::GetAtt': ['Service', 'Name'] } },
    ];
    t.same(metric(alarm, 'running'), {
      namespace: 'ECS/ContainerInsights',
      name: 'RunningTaskCount',
      dimensions,
    });
    t.same(metric(alarm, 'desired'), {
      namespace: 'ECS/ContainerInsights',
      name: 'DesiredTaskCount',
      dimensions,
    });
    t.match(alarm, { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 10 });
    t.equal(
      (alarm.Metrics as { Id: string; MetricStat?: { Period: number } }[])[0]!.MetricStat!.Period * 10,
      600,
      '10 one-minute periods',
    );
  },
);

t.test('which alarms, topic and log resources exist follows the params', async (t) => {
  const dev = await existing('params/dev.json');
  const exists = (tier: keyof typeof tiers, id: string) => dev[tier].includes(id);
  t.ok(
    exists('app', 'NoHealthyTargetAlarm') &&
      exists('edge', 'Alb5xxRateAlarm') &&
      exists('data', 'DbCpuAlarm'),
  );
  t.notOk(exists('app', 'TasksBelowDesiredAlarm'), 'no Container Insights, no task-count alarm');
  t.notOk(exists('network', 'NatInstanceStatusAlarm'), 'no NAT instance, no status alarm');
  for (const id of ['AlarmTopic', 'AlarmTopicKey', 'AlarmTopicPolicy', 'AlarmEmailSubscription'])
    t.notOk(exists('network', id), `${id} only with AlarmEmail`);
  t.notOk(exists('edge', 'AccessLogsBucket'), 'no bucket without AccessLogs');
  t.notOk(exists('network', 'FlowLog'), 'no flow log without FlowLogs');

  const all = await existing('params/dev.json', {
    AlarmEmail: 'ops@example.com',
    NatGateways: 'instance',
    ContainerInsights: 'enabled',
    AccessLogs: 'true',
    FlowLogs: 'true',
  });
  for (const id of [
    'AlarmTopic',
    'AlarmTopicKey',
    'AlarmTopicPolicy',
    'AlarmEmailSubscription',
    'NatInstanceStatusAlarm',
    'FlowLog',
    'FlowLogGroup',
    'FlowLogRole',
  ])
    t.ok(all.network.includes(id), `${id} with the feature on`);
  t.ok(all.app.includes('TasksBelowDesiredAlarm'));
  t.ok(all.edge.includes('AccessLogsBucket') && all.edge.includes('AccessLogsBucketPolicy'));
  const prod = await existing('params/prod.json', PROD_FILLED_IN);
  t.ok(prod.edge.includes('AccessLogsBucket'), 'prod.json turns access logs on');
});

t.test(
  'the topic: a customer managed key, CloudWatch of this account the only publisher, one email',
  async (t) => {
    const topic = props(network, 'AlarmTopic');
    t.same(topic.KmsMasterKeyId, { Ref: 'AlarmTopicKey' }, 'not alias/aws/sns, which CloudWatch cannot use');
    t.notOk(JSON.stringify(network).includes('alias/aws/sns'));
    const statements = (
      props(network, 'AlarmTopicPolicy').PolicyDocument as { Statement: Record<string, unknown>[] }
    ).Statement;
    t.equal(statements.length, 1);
    t.match(statements[0], {
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: 'AlarmTopic' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': { 'Fn::Sub': /:alarm:\$\{RootStackName\}-\*$/ } },
      },
    });
    const keyStatements = (
      props(network, 'AlarmTopicKey').KeyPolicy as { Statement: Record<string, unknown>[] }
    ).Statement;
    const cloudwatch = keyStatements.find((s) => JSON.stringify(s.Principal).includes('cloudwatch'))!;
    t.same(cloudwatch.Action, ['kms:Decrypt', 'kms:GenerateDataKey*']);
    t.ok(JSON.stringify(cloudwatch.Condition).includes('aws:SourceAccount'));
    t.equal(props(network, 'AlarmTopicKey').EnableKeyRotation, true);
    t.match(props(network, 'AlarmEmailSubscription'), { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } });
    t.same(network.Outputs!.AlarmTopicArn!.Value, { 'Fn::If': ['HasAlarmEmail', { Ref: 'AlarmTopic' }, ''] });
    for (const tier of ['EdgeStack', 'DataStack', 'AppStack']) {
      t.same((root.Resources[tier]!.Properties!.Parameters as Record<string, unknown>).AlarmTopicArn, {
        'Fn::GetAtt': ['NetworkStack', 'Outputs.AlarmTopicArn'],
      });
    }
  },
);

t.test('AlarmEmail takes one address or nothing', async (t) => {
  const pattern = new RegExp(root.Parameters!.AlarmEmail!.AllowedPattern as string);
  t.ok(pattern.test(''));
  t.ok(pattern.test('ops@example.com'));
  t.notOk(pattern.test('ops@example.com,dev@example.com'));
  t.notOk(pattern.test('not an address'));
});
