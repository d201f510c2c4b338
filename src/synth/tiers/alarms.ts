// CloudWatch alarms, each in the tier that owns the resource it watches, and the SNS topic they notify
// (network tier: created first and deleted last, so it outlives every alarm that names it). Every alarm
// name starts with the root stack's name, which `status` lists them by. AlarmName is the only
// create-only property of AWS::CloudWatch::Alarm (cfn-lint's registry schema), so an alarm is replaced
// only when its name changes, and a new name never collides with the old copy.
import { CloudWatch } from 'cloudform-types/types/cloudWatch/index.namespace.js';
import { KMS } from 'cloudform-types/types/kms/index.namespace.js';
import { SNS } from 'cloudform-types/types/sns/index.namespace.js';
import { DB_INSTANCE_MEMORY_GIB } from '../config.js';
import type { Dimension, MetricDataQuery } from 'cloudform-types/types/cloudWatch/alarm.js';
import {
  equals,
  findInMap,
  fnIf,
  getAtt,
  noValue,
  not,
  ref,
  sub,
  type IntrinsicFunction,
  type Value,
} from '../intrinsics.js';
import type { CfnTemplate } from '../template.js';
import { deletedWithStack, passedParameter, stringInput } from './common.js';

/** The nested parameter with the root stack's name (the root passes `AWS::StackName`). */
export const ROOT_STACK_NAME_PARAMETER = 'RootStackName';
/** The network tier's output (and the other tiers' input): the topic's ARN, or empty without AlarmEmail. */
export const ALARM_TOPIC_PARAMETER = 'AlarmTopicArn';

/** Alarm names under the root stack's name, e.g. metabase-dev-db-cpu. */
export const alarmName = (suffix: string): IntrinsicFunction =>
  sub(`\${${ROOT_STACK_NAME_PARAMETER}}-${suffix}`);

const rootStackNameInput = {
  [ROOT_STACK_NAME_PARAMETER]: stringInput('Name of the root stack; every alarm name starts with it'),
};

/** Parameters a tier with alarms but without the topic declares. */
export function alarmInputs() {
  return {
    ...rootStackNameInput,
    [ALARM_TOPIC_PARAMETER]: stringInput('SNS topic the alarms notify, or empty (network tier output)'),
  };
}

/** Condition name, in each tier, for "there is a topic to notify". */
const HAS_TOPIC = 'HasAlarmTopic';

export function alarmConditions(): NonNullable<CfnTemplate['Conditions']> {
  return { [HAS_TOPIC]: not(equals(ref(ALARM_TOPIC_PARAMETER), '')) };
}

/** Alarm and OK go to the topic when there is one; `extra` actions (EC2 recover) always run. */
function actions(hasTopic: string, topic: IntrinsicFunction, extra: IntrinsicFunction[] = []) {
  return {
    ActionsEnabled: true,
    AlarmActions: fnIf(hasTopic, [...extra, topic], extra.length > 0 ? extra : noValue()),
    OKActions: fnIf(hasTopic, [topic], noValue()),
  };
}

const tierActions = () => actions(HAS_TOPIC, ref(ALARM_TOPIC_PARAMETER));

interface MetricQuery {
  id: string;
  namespace: string;
  metric: string;
  dimensions: Record<string, Value<string>>;
  stat: string;
  period: number;
}

function metricQuery(query: MetricQuery): MetricDataQuery {
  const dimensions: Dimension[] = Object.entries(query.dimensions).map(([name, value]) => ({
    Name: name,
    Value: value,
  }));
  return {
    Id: query.id,
    ReturnData: false,
    MetricStat: {
      Metric: { Namespace: query.namespace, MetricName: query.metric, Dimensions: dimensions },
      Stat: query.stat,
      Period: query.period,
    },
  };
}

function expressionQuery(id: string, expression: Value<string>, label: string): MetricDataQuery {
  return { Id: id, Expression: expression, Label: label, ReturnData: true };
}

// ---------------------------------------------------------------- network tier: topic + NAT instance

/** The topic, its key and its email subscription: only with AlarmEmail. */
export function alarmTopicResources(): Record<
  string,
  KMS.Key | SNS.Topic | SNS.TopicPolicy | SNS.Subscription
> {
  const condition = 'HasAlarmEmail';
  const ownAlarms = sub(
    `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:\${${ROOT_STACK_NAME_PARAMETER}}-*`,
  );
  const fromOwnAlarms = {
    StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
    ArnLike: { 'aws:SourceArn': ownAlarms },
  };
  return {
    // A customer managed key, not alias/aws/sns: CloudWatch alarms cannot publish to a topic encrypted
    // with the AWS managed key, whose policy cannot be changed to let CloudWatch use it
    // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
    // Deleting it schedules the deletion (PendingWindowInDays); nothing but alarm messages in flight used it.
    AlarmTopicKey: deletedWithStack(
      new KMS.Key({
        Description: sub('Encrypts the Metabase alarm topic of ${' + ROOT_STACK_NAME_PARAMETER + '}'),
        EnableKeyRotation: true,
        PendingWindowInDays: 7,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              // Without it the key could not be managed (or deleted) by anyone, CloudFormation included.
              Sid: 'AccountManagesKey',
              Effect: 'Allow',
              Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'CloudWatchAlarmsEncrypt',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: fromOwnAlarms,
            },
          ],
        },
        Tags: [{ Key: 'Name', Value: sub('${AWS::StackName}-alarms') }],
      }).condition(condition),
    ),
    AlarmTopic: new SNS.Topic({
      DisplayName: 'Metabase alarms',
      KmsMasterKeyId: ref('AlarmTopicKey'),
      Tags: [{ Key: 'Name', Value: sub('${AWS::StackName}-alarms') }],
    }).condition(condition),
    // Replaces the default policy (which lets the account's principals publish): CloudWatch, for this
    // stack's alarms in this account, is the only publisher it grants.
    AlarmTopicPolicy: new SNS.TopicPolicy({
      Topics: [ref('AlarmTopic')],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: ref('AlarmTopic'),
            Condition: fromOwnAlarms,
          },
        ],
      },
    }).condition(condition),
    // AWS mails a confirmation link first; nothing arrives until the owner follows it.
    AlarmEmailSubscription: new SNS.Subscription({
      TopicArn: ref('AlarmTopic'),
      Protocol: 'email',
      Endpoint: ref('AlarmEmail'),
    }).condition(condition),
  };
}

export function networkAlarmParameters() {
  return { AlarmEmail: passedParameter('AlarmEmail'), ...rootStackNameInput };
}

export function networkAlarmConditions(): NonNullable<CfnTemplate['Conditions']> {
  return {
    HasAlarmEmail: not(equals(ref('AlarmEmail'), '')),
  };
}

export function networkAlarmTopicOutput() {
  return {
    [ALARM_TOPIC_PARAMETER]: {
      Description: 'SNS topic the alarms notify (empty without AlarmEmail)',
      Value: fnIf('HasAlarmEmail', ref('AlarmTopic'), ''),
    },
  };
}

/**
 * NAT instance mode only. EC2's recover action works on the system status check (the host's fault:
 * AWS moves the instance to healthy hardware, same id, same addresses), not on the instance check
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/UsingAlarmActions.html).
 */
export function natInstanceAlarm(natInstanceLogicalId: string, condition: string) {
  return {
    NatInstanceStatusAlarm: new CloudWatch.Alarm({
      AlarmName: alarmName('nat-instance-status-check'),
      AlarmDescription:
        'The NAT instance failed its system status check for 2 minutes: Metabase has no way out (image pulls, secrets, logs). EC2 recovers it onto other hardware.',
      Namespace: 'AWS/EC2',
      MetricName: 'StatusCheckFailed_System',
      Dimensions: [{ Name: 'InstanceId', Value: ref(natInstanceLogicalId) }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      // A stopped or replaced instance reports nothing: that is neither a failed check nor a passed one.
      TreatMissingData: 'missing',
      ...actions('HasAlarmEmail', ref('AlarmTopic'), [
        sub('arn:${AWS::Partition}:automate:${AWS::Region}:ec2:recover'),
      ]),
    }).condition(condition),
  };
}

// ---------------------------------------------------------------- edge tier: 5xx rate

/** Share of requests answered 5xx (by the ALB or by Metabase) above which the alarm fires. */
export const ALB_5XX_PERCENT = 5;
/** Below this many requests in 5 minutes a rate says little: one failed request of two is not an outage. */
export const ALB_5XX_MIN_REQUESTS = 20;

export function edgeAlarms(loadBalancerLogicalId: string) {
  const alb = { LoadBalancer: getAtt(loadBalancerLogicalId, 'LoadBalancerFullName') };
  const query = (id: string, metric: string) =>
    metricQuery({
      id,
      namespace: 'AWS/ApplicationELB',
      metric,
      dimensions: alb,
      stat: 'Sum',
      period: 300,
    });
  return {
    Alb5xxRateAlarm: new CloudWatch.Alarm({
      AlarmName: alarmName('alb-5xx-rate'),
      AlarmDescription: `More than ${ALB_5XX_PERCENT} % of requests to Metabase got a 5xx answer (from the load balancer or Metabase) in two 5-minute periods running.`,
      Metrics: [
        query('requests', 'RequestCount'),
        query('elb5xx', 'HTTPCode_ELB_5XX_Count'),
        query('target5xx', 'HTTPCode_Target_5XX_Count'),
        // The 5xx counts are published only when non-zero: FILL makes a quiet period a 0.
        expressionQuery(
          'rate',
          `IF(FILL(requests, 0) >= ${ALB_5XX_MIN_REQUESTS}, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)`,
          '5xx answers (% of requests)',
        ),
      ],
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: ALB_5XX_PERCENT,
      ComparisonOperator: 'GreaterThanThreshold',
      // No requests at all means no data, and no errors either.
      TreatMissingData: 'notBreaching',
      ...tierActions(),
    }),
  };
}

// ---------------------------------------------------------------- data tier: CPU, storage, memory

export const DB_CPU_PERCENT = 80;
export const DB_FREE_STORAGE_PERCENT = 10;
export const DB_FREEABLE_MEMORY_PERCENT = 10;
const BYTES_PER_GIB = 1024 ** 3;

/** The data tier's mapping of DbInstanceClass to the FreeableMemory threshold. */
export const FREEABLE_MEMORY_MAP = 'DbFreeableMemoryThreshold';

/** FreeableMemory threshold in bytes for each instance class: a share of its RAM. */
export function freeableMemoryThresholds(): Record<string, { Bytes: number }> {
  return Object.fromEntries(
    Object.entries(DB_INSTANCE_MEMORY_GIB).map(([instanceClass, gib]) => [
      instanceClass,
      { Bytes: Math.round((gib * BYTES_PER_GIB * DB_FREEABLE_MEMORY_PERCENT) / 100) },
    ]),
  );
}

export function dataAlarms(databaseLogicalId: string) {
  const db = [{ Name: 'DBInstanceIdentifier', Value: ref(databaseLogicalId) }];
  // A stopped, rebooting or replaced instance reports nothing: the alarm says "insufficient data"
  // rather than claiming OK or ALARM; an outage shows in the healthy-target alarm.
  const treatMissingData = 'missing';
  return {
    DbCpuAlarm: new CloudWatch.Alarm({
      AlarmName: alarmName('db-cpu'),
      AlarmDescription: `The Metabase application database averaged over ${DB_CPU_PERCENT} % CPU for 15 minutes: Metabase slows down; consider a bigger DbInstanceClass.`,
      Namespace: 'AWS/RDS',
      MetricName: 'CPUUtilization',
      Dimensions: db,
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: DB_CPU_PERCENT,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: treatMissingData,
      ...tierActions(),
    }),
    // FreeStorageSpace is in bytes and the allocated storage a parameter in GiB: metric math turns it
    // into a percentage of the storage the template allocates (no storage autoscaling is configured).
    DbFreeStorageAlarm: new CloudWatch.Alarm({
      AlarmName: alarmName('db-free-storage'),
      AlarmDescription: `Less than ${DB_FREE_STORAGE_PERCENT} % of the Metabase application database's storage is free: raise DbAllocatedStorage before it fills up.`,
      Metrics: [
        metricQuery({
          id: 'free',
          namespace: 'AWS/RDS',
          metric: 'FreeStorageSpace',
          dimensions: { DBInstanceIdentifier: ref(databaseLogicalId) },
          stat: 'Minimum',
          period: 300,
        }),
        expressionQuery(
          'freePercent',
          sub(`100 * free / (\${DbAllocatedStorage} * ${BYTES_PER_GIB})`),
          'Free storage (% of DbAllocatedStorage)',
        ),
      ],
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: DB_FREE_STORAGE_PERCENT,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: treatMissingData,
      ...tierActions(),
    }),
    DbFreeableMemoryAlarm: new CloudWatch.Alarm({
      AlarmName: alarmName('db-freeable-memory'),
      AlarmDescription: `The Metabase application database has had less than ${DB_FREEABLE_MEMORY_PERCENT} % of its memory free for 15 minutes: consider a bigger DbInstanceClass.`,
      Namespace: 'AWS/RDS',
      MetricName: 'FreeableMemory',
      Dimensions: db,
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: findInMap(FREEABLE_MEMORY_MAP, ref('DbInstanceClass'), 'Bytes'),
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: treatMissingData,
      ...tierActions(),
    }),
  };
}

// ---------------------------------------------------------------- app tier: targets, tasks

export function appAlarms(serviceLogicalId: string, clusterLogicalId: string) {
  const serviceDimensions = {
    ClusterName: ref(clusterLogicalId),
    ServiceName: getAtt(serviceLogicalId, 'Name'),
  };
  const taskQuery = (id: string, metric: string) =>
    metricQuery({
      id,
      namespace: 'ECS/ContainerInsights',
      metric,
      dimensions: serviceDimensions,
      stat: 'Average',
      period: 60,
    });
  return {
    // Here rather than in the edge tier: CloudFormation creates the service only once its tasks are
    // healthy, so an alarm created after it does not fire during the first boot's migrations.
    NoHealthyTargetAlarm: new CloudWatch.Alarm({
      AlarmName: alarmName('no-healthy-metabase'),
      AlarmDescription:
        'No Metabase task has passed the load balancer health check (/api/health) for 5 minutes: Metabase is down.',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HealthyHostCount',
      Dimensions: [
        { Name: 'TargetGroup', Value: ref('TargetGroupFullName') },
        { Name: 'LoadBalancer', Value: ref('LoadBalancerFullName') },
      ],
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      // The load balancer reports this every minute while the target group is attached: silence means
      // it is not counting any healthy target either.
      TreatMissingData: 'breaching',
      ...tierActions(),
    }).dependsOn(serviceLogicalId),
    // RunningTaskCount and DesiredTaskCount exist only with Container Insights (ECS/ContainerInsights),
    // so the alarm exists only with ContainerInsights enabled; NoHealthyTargetAlarm covers the rest.
    TasksBelowDesiredAlarm: new CloudWatch.Alarm({
      AlarmName: alarmName('ecs-tasks-below-desired'),
      AlarmDescription:
        'Fewer Metabase tasks have been running than the service wants for 10 minutes (tasks failing to start or crashing).',
      Metrics: [
        taskQuery('running', 'RunningTaskCount'),
        taskQuery('desired', 'DesiredTaskCount'),
        expressionQuery('missingTasks', 'desired - FILL(running, 0)', 'Tasks missing (desired - running)'),
      ],
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      // Container Insights reports the service every minute; ten minutes without a report means nothing
      // of it is running to report.
      TreatMissingData: 'breaching',
      ...tierActions(),
    }).condition('ContainerInsightsEnabled'),
  };
}
