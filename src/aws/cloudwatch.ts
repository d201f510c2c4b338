// The CloudWatch reads `status` needs: the stack's alarms that are in ALARM, and the newest value of one
// metric (RDS FreeStorageSpace: the RDS API reports only the allocated size, not what is used).
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  type CompositeAlarm,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';

export interface AlarmInfo {
  name: string;
  description?: string | undefined;
  reason?: string | undefined;
  since?: Date | undefined;
}

export interface MetricQuery {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** look this far back for a datapoint */
  windowMs: number;
  periodSeconds: number;
  /** the end of the window, ms since the epoch */
  now: number;
}

export interface CloudWatchApi {
  /** Metric and composite alarms in state ALARM whose name starts with the prefix. */
  alarmsInAlarm(namePrefix: string): Promise<AlarmInfo[]>;
  /** The newest Minimum datapoint in the window, or undefined when there is none. */
  latestMinimum(query: MetricQuery): Promise<{ value: number; at: Date } | undefined>;
}

const toAlarm = (a: MetricAlarm | CompositeAlarm): AlarmInfo => ({
  name: a.AlarmName ?? '',
  description: a.AlarmDescription,
  reason: a.StateReason,
  since: a.StateUpdatedTimestamp,
});

export function sdkCloudWatch(client: CloudWatchClient): CloudWatchApi {
  return {
    async alarmsInAlarm(namePrefix) {
      const alarms: AlarmInfo[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new DescribeAlarmsCommand({
            AlarmNamePrefix: namePrefix,
            StateValue: 'ALARM',
            // "If you omit this parameter, only metric alarms are returned" (DescribeAlarms API reference).
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            NextToken: token,
          }),
        );
        alarms.push(...(out.MetricAlarms ?? []).map(toAlarm), ...(out.CompositeAlarms ?? []).map(toAlarm));
        token = out.NextToken;
      } while (token);
      return alarms.sort((a, b) => a.name.localeCompare(b.name));
    },
    async latestMinimum(query) {
      const out = await client.send(
        new GetMetricStatisticsCommand({
          Namespace: query.namespace,
          MetricName: query.metricName,
          Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
          StartTime: new Date(query.now - query.windowMs),
          EndTime: new Date(query.now),
          Period: query.periodSeconds,
          Statistics: ['Minimum'],
        }),
      );
      // Datapoints come in no particular order.
      const newest = (out.Datapoints ?? [])
        .filter((d) => d.Timestamp !== undefined && d.Minimum !== undefined)
        .sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0))[0];
      return newest?.Timestamp && newest.Minimum !== undefined
        ? { value: newest.Minimum, at: newest.Timestamp }
        : undefined;
    },
  };
}
