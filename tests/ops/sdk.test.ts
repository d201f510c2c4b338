// The SDK side of logs and status against aws-sdk-client-mock: the requests each interface method
// sends (the parameters AWS documents), how answers map to plain data, paging, and which errors mean
// "not there".
import t from 'tap';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  CloudWatchClient,
} from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { sdkLogs } from '../../src/aws/logs.js';
import { sdkCloudWatch } from '../../src/aws/cloudwatch.js';
import { sdkEcsRead } from '../../src/aws/ecs-read.js';
import { sdkRdsStatus } from '../../src/aws/rds.js';

const config = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const awsError = (name: string, message = name): Error =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

t.test(
  'logs: FilterLogEvents with the window, pattern and token; a missing group is undefined',
  async (t) => {
    const mock = mockClient(CloudWatchLogsClient);
    t.teardown(() => mock.restore());
    const api = sdkLogs(new CloudWatchLogsClient(config));
    mock.on(FilterLogEventsCommand).resolves({
      events: [
        {
          eventId: 'e1',
          timestamp: 5,
          logStreamName: 'metabase/metabase/abc',
          message: 'hi\n',
          ingestionTime: 6,
        },
      ],
      nextToken: 'n2',
    });
    const page = await api.filterEvents({
      logGroupName: 'g',
      startTime: 1,
      endTime: 9,
      filterPattern: 'ERROR',
      nextToken: 'n1',
    });
    t.same(page, {
      events: [{ eventId: 'e1', timestamp: 5, streamName: 'metabase/metabase/abc', message: 'hi\n' }],
      nextToken: 'n2',
    });
    t.same(mock.commandCalls(FilterLogEventsCommand)[0]?.args[0].input, {
      logGroupName: 'g',
      startTime: 1,
      endTime: 9,
      filterPattern: 'ERROR',
      nextToken: 'n1',
    });

    mock
      .on(FilterLogEventsCommand)
      .rejects(awsError('ResourceNotFoundException', 'The specified log group does not exist.'));
    t.equal(await api.filterEvents({ logGroupName: 'gone', startTime: 0 }), undefined);
    mock.on(FilterLogEventsCommand).rejects(awsError('AccessDeniedException'));
    await t.rejects(api.filterEvents({ logGroupName: 'g', startTime: 0 }), { name: 'AccessDeniedException' });
  },
);

t.test(
  'cloudwatch: alarms in ALARM by prefix, metric and composite, all pages; the newest datapoint',
  async (t) => {
    const mock = mockClient(CloudWatchClient);
    t.teardown(() => mock.restore());
    const api = sdkCloudWatch(new CloudWatchClient(config));
    mock
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [
          { AlarmName: 'metabase-dev-rds-cpu', StateReason: 'high', StateUpdatedTimestamp: new Date(1000) },
        ],
        NextToken: 't2',
      })
      .resolvesOnce({ CompositeAlarms: [{ AlarmName: 'metabase-dev-any', StateReason: 'child' }] });
    const alarms = await api.alarmsInAlarm('metabase-dev-');
    t.same(
      alarms.map((a) => a.name),
      ['metabase-dev-any', 'metabase-dev-rds-cpu'],
    );
    const calls = mock.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    t.match(calls[0], {
      AlarmNamePrefix: 'metabase-dev-',
      StateValue: 'ALARM',
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
    t.equal(calls[1]?.NextToken, 't2');

    mock.on(GetMetricStatisticsCommand).resolves({
      Datapoints: [
        { Timestamp: new Date(2000), Minimum: 7 },
        { Timestamp: new Date(3000), Minimum: 5 },
        { Timestamp: new Date(1000), Minimum: 9 },
      ],
    });
    const latest = await api.latestMinimum({
      namespace: 'AWS/RDS',
      metricName: 'FreeStorageSpace',
      dimensions: { DBInstanceIdentifier: 'db' },
      windowMs: 1_800_000,
      periodSeconds: 300,
      now: 2_000_000,
    });
    t.same(latest, { value: 5, at: new Date(3000) });
    t.match(mock.commandCalls(GetMetricStatisticsCommand)[0]?.args[0].input, {
      Namespace: 'AWS/RDS',
      MetricName: 'FreeStorageSpace',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'db' }],
      StartTime: new Date(200_000),
      EndTime: new Date(2_000_000),
      Period: 300,
      Statistics: ['Minimum'],
    });
    mock.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
    t.equal(
      await api.latestMinimum({
        namespace: 'n',
        metricName: 'm',
        dimensions: {},
        windowMs: 1,
        periodSeconds: 60,
        now: 1,
      }),
      undefined,
    );
  },
);

t.test(
  'ecs: the service with its deployments and events; a missing service or cluster is undefined',
  async (t) => {
    const mock = mockClient(ECSClient);
    t.teardown(() => mock.restore());
    const api = sdkEcsRead(new ECSClient(config));
    mock.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: 'svc',
          status: 'ACTIVE',
          desiredCount: 2,
          runningCount: 1,
          pendingCount: 1,
          taskDefinition: 'td:2',
          deployments: [
            {
              id: 'd',
              status: 'PRIMARY',
              taskDefinition: 'td:2',
              rolloutState: 'IN_PROGRESS',
              failedTasks: 1,
            },
          ],
          events: [{ id: 'x', createdAt: new Date(5), message: 'has started 1 tasks' }],
        },
      ],
    });
    const info = await api.describeService('cluster', 'svc');
    t.match(info, {
      serviceName: 'svc',
      desiredCount: 2,
      runningCount: 1,
      pendingCount: 1,
      deployments: [{ status: 'PRIMARY', rolloutState: 'IN_PROGRESS', failedTasks: 1, runningCount: 0 }],
      events: [{ message: 'has started 1 tasks' }],
    });
    t.same(mock.commandCalls(DescribeServicesCommand)[0]?.args[0].input, {
      cluster: 'cluster',
      services: ['svc'],
    });

    // DescribeServices reports an unknown service in `failures`, not as an error.
    mock
      .on(DescribeServicesCommand)
      .resolves({ services: [], failures: [{ arn: 'svc', reason: 'MISSING' }] });
    t.equal(await api.describeService('cluster', 'svc'), undefined);
    mock.on(DescribeServicesCommand).rejects(awsError('ClusterNotFoundException'));
    t.equal(await api.describeService('nope', 'svc'), undefined);

    mock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        containerDefinitions: [{ name: 'metabase', image: 'docker.io/metabase/metabase:v0.64.2.2' }],
      },
    });
    t.same(await api.taskDefinitionImages('td:2'), [
      { containerName: 'metabase', image: 'docker.io/metabase/metabase:v0.64.2.2' },
    ]);
  },
);

t.test(
  'rds: instance details; the newest snapshot of a type over every page; not found is undefined',
  async (t) => {
    const mock = mockClient(RDSClient);
    t.teardown(() => mock.restore());
    const api = sdkRdsStatus(new RDSClient(config));
    mock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceStatus: 'available',
          DBInstanceClass: 'db.t4g.micro',
          EngineVersion: '17.9',
          AllocatedStorage: 20,
          MultiAZ: true,
        },
      ],
    });
    t.same(await api.instanceDetails('db'), {
      id: 'db',
      status: 'available',
      instanceClass: 'db.t4g.micro',
      engineVersion: '17.9',
      allocatedStorageGiB: 20,
      multiAz: true,
    });
    mock.on(DescribeDBInstancesCommand).rejects(awsError('DBInstanceNotFoundFault'));
    t.equal(await api.instanceDetails('gone'), undefined);

    mock
      .on(DescribeDBSnapshotsCommand)
      .resolvesOnce({
        DBSnapshots: [
          { DBSnapshotIdentifier: 'a', SnapshotCreateTime: new Date(2000), Status: 'available' },
          { DBSnapshotIdentifier: 'b', SnapshotCreateTime: new Date(1000), Status: 'available' },
        ],
        Marker: 'm2',
      })
      .resolvesOnce({
        DBSnapshots: [{ DBSnapshotIdentifier: 'c', SnapshotCreateTime: new Date(3000), Status: 'available' }],
      });
    t.match(await api.latestSnapshot('db', 'automated'), { id: 'c', created: new Date(3000) });
    const inputs = mock.commandCalls(DescribeDBSnapshotsCommand).map((c) => c.args[0].input);
    t.match(inputs, [
      { DBInstanceIdentifier: 'db', SnapshotType: 'automated' },
      { DBInstanceIdentifier: 'db', SnapshotType: 'automated', Marker: 'm2' },
    ]);
    mock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    t.equal(await api.latestSnapshot('db', 'manual'), undefined);
  },
);
