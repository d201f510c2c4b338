// Monthly cost of the stack one params file deploys: arithmetic over the param values, a region's
// prices and the usage assumptions. Pure: no I/O, so tests can pin every line to hand-computed sums.
import type { FreeTier, PriceList, RegionPrices } from './prices.js';
import { STACK_SHAPE, type UsageAssumptions } from './assumptions.js';
import { monitoringLines } from './monitoring.js';

/** Param values as loadParams returns them (strings). */
export type CostParams = Record<
  | 'NatGateways'
  | 'TaskCpu'
  | 'TaskMemory'
  | 'DesiredCount'
  | 'AutoScaling'
  | 'MinTasks'
  | 'MaxTasks'
  | 'CapacityProvider'
  | 'DbInstanceClass'
  | 'DbMultiAz'
  | 'DbAllocatedStorage'
  | 'DbBackupRetentionDays'
  | 'LogRetentionDays'
  | 'ContainerInsights'
  | 'HostedZoneId'
  | 'AdminEmail'
  | 'ExistingAdminSecretArn'
  | 'AlarmEmail'
  | 'AccessLogs'
  | 'FlowLogs',
  string
>;

export interface CostLine {
  id: string;
  item: string;
  /** How the amount is made, e.g. `1 × 730 h × $0.045/h`. */
  quantity: string;
  monthly: number;
  /** The part the chosen free tier's allowances pay (legacy: in the first 12 months; credits: always-free only). */
  freeTier: number;
}

export interface CostEstimate {
  region: string;
  regionName: string;
  pricesTakenOn: string;
  currency: string;
  hoursPerMonth: number;
  /** Tasks priced: DesiredCount, or MinTasks if autoscaling starts higher. */
  tasks: number;
  lines: CostLine[];
  totals: { monthly: number; freeTier: number; firstYear: number };
  /** What one more task adds a month, for autoscaling up to MaxTasks. */
  perExtraTask: number;
  maxTasks: number | undefined;
  freeTierModel: FreeTierModel;
  /** With --free-tier credits only. */
  credits?: CreditsCover | undefined;
}

export class UnknownInstancePriceError extends Error {}

/**
 * Which free tier to count (`cost --free-tier`). none: list prices, what an account past its free period
 * pays. credits: an account created on or after 15 July 2025: the always-free allowances, then sign-up
 * credits that run out (or lapse after the plan's months). legacy: the 12-month tier of older accounts,
 * all of which are past it by now. Source: https://aws.amazon.com/free/ (see prices.json).
 */
export type FreeTierModel = 'none' | 'credits' | 'legacy';
export const FREE_TIER_MODELS: readonly FreeTierModel[] = ['none', 'credits', 'legacy'];

const NOTHING_FREE: FreeTier = {
  months: 0,
  rdsInstanceHours: 0,
  rdsInstanceClasses: [],
  rdsStorageGb: 0,
  rdsBackupGb: 0,
  albHours: 0,
  albLcuHours: 0,
  ec2PublicIpv4Hours: 0,
  ec2InstanceTypes: [],
  ebsGb: 0,
  cloudwatchLogsGb: 0,
  cloudwatchMetrics: 0,
  cloudwatchAlarmMetrics: 0,
  s3StandardGb: 0,
  s3PutRequests: 0,
};

/** The allowances a model takes off each line (credits are not per line: they pay the bill after these). */
export function allowancesOf(list: PriceList, model: FreeTierModel): FreeTier {
  if (model === 'legacy') return list.freeTier;
  if (model === 'credits') return { ...NOTHING_FREE, ...list.alwaysFree };
  return NOTHING_FREE;
}

/** How far the credits go: whole bill paid until they run out or the plan ends. */
export interface CreditsCover {
  amount: number;
  planMonths: number;
  /** Months the credits pay the whole bill for (fractional), at most planMonths. */
  monthsCovered: number;
  /** What the first planMonths cost in all, after the credits. */
  planPeriodCost: number;
}

export function estimateCost(
  params: CostParams,
  list: PriceList,
  region: string,
  prices: RegionPrices,
  usage: UsageAssumptions,
  model: FreeTierModel,
): CostEstimate {
  const hours = list.hoursPerMonth;
  const free = allowancesOf(list, model);
  const autoscaling = params.AutoScaling === 'true';
  const tasks = autoscaling
    ? Math.max(Number(params.DesiredCount), Number(params.MinTasks))
    : Number(params.DesiredCount);
  // The admin's password is a third secret: made by the data tier with AdminEmail, or after a restore the
  // destroyed stack's reused instead (counted like the reused DB and key secrets: they bill the same), never
  // both: a restored stack makes no second, unused admin secret next to the one it reuses.
  const hasAdminSecret = params.AdminEmail !== '' || params.ExistingAdminSecretArn !== '';
  const secrets = STACK_SHAPE.secrets + (hasAdminSecret ? 1 : 0);
  const lines: CostLine[] = [
    ...egressLines(params, hours, prices, free, usage, tasks),
    ...loadBalancerLines(hours, prices, free, usage),
    ...dnsLines(params, prices, usage),
    ...fargateLines(params, hours, prices, tasks),
    ...databaseLines(params, hours, prices, free, usage),
    publicIpv4Line(params, hours, prices, free),
    ...logLines(params, hours, prices, free, usage, tasks),
    ...monitoringLines(params, hours, prices, free, usage, line),
    line(
      'secrets',
      'Secrets Manager secrets',
      `${secrets} × ${usd(prices.secretsManager.secretMonth)}/month`,
      secrets * prices.secretsManager.secretMonth,
      0,
    ),
  ];
  const monthly = sum(lines.map((l) => l.monthly));
  const freeTier = sum(lines.map((l) => l.freeTier));
  const fargatePerTask = sum(fargateLines(params, hours, prices, 1).map((l) => l.monthly));
  const afterAllowances = monthly - freeTier;
  const credits =
    model === 'credits'
      ? {
          amount: list.credits.amount,
          planMonths: list.credits.planMonths,
          monthsCovered:
            afterAllowances > 0
              ? Math.min(list.credits.planMonths, list.credits.amount / afterAllowances)
              : list.credits.planMonths,
          planPeriodCost: Math.max(0, afterAllowances * list.credits.planMonths - list.credits.amount),
        }
      : undefined;
  return {
    region,
    regionName: prices.name,
    pricesTakenOn: list.takenOn,
    currency: list.currency,
    hoursPerMonth: hours,
    tasks,
    lines,
    totals: { monthly, freeTier, firstYear: monthly - freeTier },
    perExtraTask:
      fargatePerTask +
      usage.logsGbPerTask * prices.cloudwatch.logsIngestionGb +
      natGbPrice(params, prices) * usage.natGbPerTask,
    maxTasks: autoscaling ? Number(params.MaxTasks) : undefined,
    freeTierModel: model,
    credits,
  };
}

function line(id: string, item: string, quantity: string, monthly: number, freeTier: number): CostLine {
  return { id, item, quantity, monthly, freeTier: Math.min(monthly, freeTier) };
}

function natGatewayCount(params: CostParams): number {
  if (params.NatGateways === 'per-az') return 2;
  return params.NatGateways === 'single' ? 1 : 0;
}

function natGbPrice(params: CostParams, prices: RegionPrices): number {
  return natGatewayCount(params) > 0 ? prices.natGateway.gbProcessed : 0;
}

function egressLines(
  params: CostParams,
  hours: number,
  prices: RegionPrices,
  free: FreeTier,
  usage: UsageAssumptions,
  tasks: number,
): CostLine[] {
  const gateways = natGatewayCount(params);
  if (gateways > 0) {
    const gb = usage.natGbPerTask * tasks;
    return [
      line(
        'nat-gateway-hours',
        'NAT gateway hours',
        `${gateways} × ${hours} h × ${usd(prices.natGateway.hour)}/h`,
        gateways * hours * prices.natGateway.hour,
        0,
      ),
      line(
        'nat-gateway-data',
        'NAT gateway data processed',
        `${gb} GB × ${usd(prices.natGateway.gbProcessed)}/GB`,
        gb * prices.natGateway.gbProcessed,
        0,
      ),
    ];
  }
  const type = STACK_SHAPE.natInstanceType;
  const hourly = prices.ec2.instanceHour[type];
  if (hourly === undefined) throw new UnknownInstancePriceError(`no EC2 price for ${type}`);
  const volume = STACK_SHAPE.natInstanceVolumeGb;
  const instanceFree = free.ec2InstanceTypes.includes(type) ? hours * hourly : 0;
  return [
    line(
      'nat-instance-hours',
      `NAT instance (${type}) hours`,
      `1 × ${hours} h × ${usd(hourly)}/h`,
      hours * hourly,
      instanceFree,
    ),
    line(
      'nat-instance-ebs',
      'NAT instance EBS gp3 volume',
      `${volume} GB × ${usd(prices.ebs.gp3GbMonth)}/GB-month`,
      volume * prices.ebs.gp3GbMonth,
      Math.min(volume, free.ebsGb) * prices.ebs.gp3GbMonth,
    ),
  ];
}

function loadBalancerLines(
  hours: number,
  prices: RegionPrices,
  free: FreeTier,
  usage: UsageAssumptions,
): CostLine[] {
  const lcuHours = usage.albLcu * hours;
  return [
    line(
      'alb-hours',
      'Load balancer hours',
      `1 × ${hours} h × ${usd(prices.alb.hour)}/h`,
      hours * prices.alb.hour,
      Math.min(hours, free.albHours) * prices.alb.hour,
    ),
    line(
      'alb-lcu',
      'Load balancer capacity units',
      `${usage.albLcu} LCU × ${hours} h × ${usd(prices.alb.lcuHour)}/LCU-h`,
      lcuHours * prices.alb.lcuHour,
      Math.min(lcuHours, free.albLcuHours) * prices.alb.lcuHour,
    ),
  ];
}

function fargateLines(params: CostParams, hours: number, prices: RegionPrices, tasks: number): CostLine[] {
  const spot = params.CapacityProvider === 'FARGATE_SPOT';
  const factor = spot ? 1 - prices.fargate.spotDiscount : 1;
  const vcpu = Number(params.TaskCpu) / 1024;
  const gb = Number(params.TaskMemory) / 1024;
  const note = spot ? ` × ${round(factor, 2)} (Spot)` : '';
  return [
    line(
      'fargate-vcpu',
      'Fargate vCPU',
      `${tasks} × ${vcpu} vCPU × ${hours} h × ${usd(prices.fargate.vcpuHour)}${note}`,
      tasks * vcpu * hours * prices.fargate.vcpuHour * factor,
      0,
    ),
    line(
      'fargate-memory',
      'Fargate memory',
      `${tasks} × ${gb} GB × ${hours} h × ${usd(prices.fargate.gbHour)}${note}`,
      tasks * gb * hours * prices.fargate.gbHour * factor,
      0,
    ),
  ];
}

function databaseLines(
  params: CostParams,
  hours: number,
  prices: RegionPrices,
  free: FreeTier,
  usage: UsageAssumptions,
): CostLine[] {
  const instanceClass = params.DbInstanceClass;
  const hourly = prices.rds.instanceHour[instanceClass];
  if (hourly === undefined) throw new UnknownInstancePriceError(`no RDS price for ${instanceClass}`);
  const multiAz = params.DbMultiAz === 'true';
  const copies = multiAz ? 2 : 1;
  const storage = Number(params.DbAllocatedStorage);
  // The free tier covers Single-AZ micro instances only, and with them their storage.
  const freeEligible = !multiAz && free.rdsInstanceClasses.includes(instanceClass);
  const snapshots = usage.keptPreUpgradeSnapshots * usage.dbDataGb;
  const backup = usage.dbDataGb + usage.dbChangeGbPerDay * Number(params.DbBackupRetentionDays) + snapshots;
  // RDS gives backup storage (automated backups and manual snapshots) up to the provisioned storage of the
  // region for free while the instance runs (sources.rdsBackup in prices.json).
  const billableBackup = Math.max(0, backup - storage);
  const az = multiAz ? ' (Multi-AZ: primary + standby)' : '';
  return [
    line(
      'rds-instance',
      `RDS ${instanceClass}${az}`,
      `${copies} × ${hours} h × ${usd(hourly)}/h`,
      copies * hours * hourly,
      freeEligible ? Math.min(hours, free.rdsInstanceHours) * hourly : 0,
    ),
    line(
      'rds-storage',
      'RDS gp3 storage',
      `${copies} × ${storage} GB × ${usd(prices.rds.gp3GbMonth)}/GB-month`,
      copies * storage * prices.rds.gp3GbMonth,
      freeEligible ? Math.min(storage, free.rdsStorageGb) * prices.rds.gp3GbMonth : 0,
    ),
    line(
      'rds-backup',
      'RDS backup storage',
      `${round(billableBackup, 2)} GB beyond the free ${storage} GB × ${usd(prices.rds.backupGbMonth)}/GB-month (~${round(backup, 2)} GB kept, ${usage.keptPreUpgradeSnapshots} pre-upgrade snapshots included)`,
      billableBackup * prices.rds.backupGbMonth,
      Math.min(billableBackup, free.rdsBackupGb) * prices.rds.backupGbMonth,
    ),
  ];
}

function publicIpv4Line(params: CostParams, hours: number, prices: RegionPrices, free: FreeTier): CostLine {
  const gateways = natGatewayCount(params);
  const instanceIps = gateways === 0 ? 1 : 0;
  const count = STACK_SHAPE.albPublicIps + gateways + instanceIps;
  const parts = [
    `${STACK_SHAPE.albPublicIps} ALB`,
    gateways > 0 ? `${gateways} NAT gateway` : '1 NAT instance',
  ].join(' + ');
  // The free tier's 750 h of public IPv4 are for EC2 instances: the NAT instance's, not the ALB's or a NAT gateway's.
  const freeHours = Math.min(instanceIps * hours, free.ec2PublicIpv4Hours);
  return line(
    'public-ipv4',
    `Public IPv4 addresses (${parts})`,
    `${count} × ${hours} h × ${usd(prices.publicIpv4Hour)}/h`,
    count * hours * prices.publicIpv4Hour,
    freeHours * prices.publicIpv4Hour,
  );
}

function logLines(
  params: CostParams,
  hours: number,
  prices: RegionPrices,
  free: FreeTier,
  usage: UsageAssumptions,
  tasks: number,
): CostLine[] {
  const cw = prices.cloudwatch;
  const ingested = usage.logsGbPerTask * tasks;
  // Steady state: the group holds retention-days' worth of what arrives.
  const stored = ingested * ((Number(params.LogRetentionDays) * 24) / hours);
  // The always-free 5 GB covers ingestion first, then storage.
  const freeIngest = Math.min(ingested, free.cloudwatchLogsGb);
  const freeStore = Math.min(stored, free.cloudwatchLogsGb - freeIngest);
  const lines = [
    line(
      'logs-ingestion',
      'CloudWatch Logs ingestion',
      `${ingested} GB × ${usd(cw.logsIngestionGb)}/GB`,
      ingested * cw.logsIngestionGb,
      freeIngest * cw.logsIngestionGb,
    ),
    line(
      'logs-storage',
      'CloudWatch Logs storage',
      `${round(stored, 2)} GB (${params.LogRetentionDays} days) × ${usd(cw.logsStorageGbMonth)}/GB-month`,
      stored * cw.logsStorageGbMonth,
      freeStore * cw.logsStorageGbMonth,
    ),
  ];
  if (params.ContainerInsights === 'enabled') {
    const events = usage.insightsGbPerTask * tasks;
    const metrics = usage.insightsMetrics * cw.metricMonth;
    lines.push(
      line(
        'container-insights',
        'Container Insights (rough)',
        `${usage.insightsMetrics} metrics × ${usd(cw.metricMonth)} + ${events} GB events × ${usd(cw.logsIngestionGb)}/GB`,
        metrics + events * cw.logsIngestionGb,
        Math.min(usage.insightsMetrics, free.cloudwatchMetrics) * cw.metricMonth,
      ),
    );
  }
  return lines;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Unit prices keep all their digits ($0.004445); amounts are shown to the cent by the formatter. */
function usd(value: number): string {
  return `$${value}`;
}

/** With HostedZoneId the stack makes an alias A record to the ALB; Route 53 does not bill its queries. */
function dnsLines(params: CostParams, prices: RegionPrices, usage: UsageAssumptions): CostLine[] {
  if (params.HostedZoneId === '') return [];
  const perMillion = prices.route53.aliasToElbQueryMillion;
  return [
    line(
      'route53-queries',
      'Route 53 queries of the alias record (alias to the load balancer)',
      `${usage.dnsQueriesMillions} M queries × ${usd(perMillion)}/M`,
      usage.dnsQueriesMillions * perMillion,
      0,
    ),
  ];
}
