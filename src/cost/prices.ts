// The price file's shape, and picking a region out of it. Prices are data (prices.json), never code.
import prices from './prices.json' with { type: 'json' };

export interface RegionPrices {
  name: string;
  natGateway: { hour: number; gbProcessed: number };
  alb: { hour: number; lcuHour: number };
  /** spotDiscount: the share FARGATE_SPOT takes off (AWS: "up to 70 %"; the real rate moves). */
  fargate: { vcpuHour: number; gbHour: number; spotDiscount: number };
  rds: { instanceHour: Record<string, number>; gp3GbMonth: number; backupGbMonth: number };
  publicIpv4Hour: number;
  ec2: { instanceHour: Record<string, number> };
  ebs: { gp3GbMonth: number };
  /** alarmMetricMonth: a standard-resolution alarm costs this for each metric it evaluates. */
  cloudwatch: {
    logsIngestionGb: number;
    logsStorageGbMonth: number;
    metricMonth: number;
    alarmMetricMonth: number;
  };
  secretsManager: { secretMonth: number };
  /** Queries of an alias record that points at a load balancer (the record DomainName + HostedZoneId make). */
  route53: { aliasToElbQueryMillion: number };
  s3: { standardGbMonth: number; putPer1000: number };
  kms: { keyMonth: number };
}

export interface FreeTier {
  months: number;
  rdsInstanceHours: number;
  rdsInstanceClasses: string[];
  rdsStorageGb: number;
  rdsBackupGb: number;
  albHours: number;
  albLcuHours: number;
  ec2PublicIpv4Hours: number;
  ec2InstanceTypes: string[];
  ebsGb: number;
  cloudwatchLogsGb: number;
  cloudwatchMetrics: number;
  cloudwatchAlarmMetrics: number;
  s3StandardGb: number;
  s3PutRequests: number;
}

/** Accounts created on or after 15 July 2025: credits instead of the 12-month tier (see prices.json). */
export interface Credits {
  amount: number;
  /** The free plan's length: credits not used by then lapse. */
  planMonths: number;
}

export interface PriceList {
  takenOn: string;
  currency: string;
  hoursPerMonth: number;
  sources: Record<string, string>;
  /** The legacy 12-month tier plus always-free allowances (--free-tier legacy). */
  freeTier: FreeTier;
  /** The allowances every account keeps (--free-tier credits counts these, then the credits). */
  alwaysFree: Pick<FreeTier, 'cloudwatchLogsGb' | 'cloudwatchMetrics'>;
  credits: Credits;
  regions: Record<string, RegionPrices>;
}

export const PRICE_LIST: PriceList = prices;

export function regionPrices(list: PriceList, region: string): RegionPrices | undefined {
  return Object.hasOwn(list.regions, region) ? list.regions[region] : undefined;
}
