// Cost lines of the operations features: CloudWatch alarms, the alarm topic's KMS key, the access-log
// bucket and VPC flow logs. Same rules as estimate.ts: pure arithmetic over params, prices and assumptions.
import { STACK_SHAPE, type UsageAssumptions } from './assumptions.js';
import type { FreeTier, RegionPrices } from './prices.js';

/** The params these lines read (a subset of estimate.ts's CostParams, named here to keep imports one-way). */
export type MonitoringParams = Record<
  'ContainerInsights' | 'NatGateways' | 'AlarmEmail' | 'AccessLogs' | 'FlowLogs' | 'LogRetentionDays',
  string
>;

/** estimate.ts's line builder, so every line is made (and capped) the same way. */
type Line<T> = (id: string, item: string, quantity: string, monthly: number, freeTier: number) => T;

export function alarmMetricCount(params: MonitoringParams): number {
  const shape = STACK_SHAPE.alarmMetrics;
  return (
    shape.always +
    (params.ContainerInsights === 'enabled' ? shape.containerInsights : 0) +
    (params.NatGateways === 'instance' ? shape.natInstance : 0)
  );
}

export function monitoringLines<T>(
  params: MonitoringParams,
  hours: number,
  prices: RegionPrices,
  free: FreeTier,
  usage: UsageAssumptions,
  line: Line<T>,
): T[] {
  const metrics = alarmMetricCount(params);
  const alarmPrice = prices.cloudwatch.alarmMetricMonth;
  const lines = [
    line(
      'alarms',
      'CloudWatch alarms',
      `${metrics} alarm metrics × $${alarmPrice}/month`,
      metrics * alarmPrice,
      Math.min(metrics, free.cloudwatchAlarmMetrics) * alarmPrice,
    ),
  ];
  if (params.AlarmEmail !== '') {
    // SNS email is free up to 1,000 a month; the key encrypting the topic is not.
    lines.push(
      line(
        'alarm-topic-key',
        'KMS key of the alarm topic (SNS email free)',
        `1 key × $${prices.kms.keyMonth}/month`,
        prices.kms.keyMonth,
        0,
      ),
    );
  }
  const retentionMonths = (Number(params.LogRetentionDays) * 24) / hours;
  if (params.AccessLogs === 'true') {
    const stored = usage.accessLogsGbPerMonth * retentionMonths;
    const puts = STACK_SHAPE.accessLogPutsPerMonth;
    const s3 = prices.s3;
    lines.push(
      line(
        'access-logs',
        'S3 access logs (storage + PUTs)',
        `${round(stored)} GB (${params.LogRetentionDays} days) × $${s3.standardGbMonth}/GB-month + ${puts} PUTs × $${s3.putPer1000}/1000`,
        stored * s3.standardGbMonth + (puts / 1000) * s3.putPer1000,
        Math.min(stored, free.s3StandardGb) * s3.standardGbMonth +
          (Math.min(puts, free.s3PutRequests) / 1000) * s3.putPer1000,
      ),
    );
  }
  if (params.FlowLogs === 'true') {
    const cw = prices.cloudwatch;
    const ingested = usage.flowLogsGbPerMonth;
    const stored = ingested * retentionMonths;
    // The always-free 5 GB of CloudWatch Logs go to the container logs' line.
    lines.push(
      line(
        'flow-logs',
        'VPC flow logs to CloudWatch Logs',
        `${ingested} GB × $${cw.logsIngestionGb}/GB + ${round(stored)} GB stored × $${cw.logsStorageGbMonth}/GB-month`,
        ingested * cw.logsIngestionGb + stored * cw.logsStorageGbMonth,
        0,
      ),
    );
  }
  return lines;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
