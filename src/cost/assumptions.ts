// Usage the bill depends on but the params do not say. Round, documented guesses for a small team;
// each one is printed with the estimate so nobody mistakes it for a measurement.

export interface UsageAssumptions {
  /** GB a month each task sends through the NAT: image pulls (~0.5 GB a start), Secrets Manager, logs, and Metabase's queries to data sources outside the VPC. */
  natGbPerTask: number;
  /** Average load-balancer capacity units: one LCU is 25 new connections/s, 3,000 active or 1 GB/h, far above a small team. */
  albLcu: number;
  /** GB of container logs a task writes a month (Metabase at INFO). */
  logsGbPerTask: number;
  /** Size of the Metabase application database, and how much of it changes a day (drives backup storage). */
  dbDataGb: number;
  dbChangeGbPerDay: number;
  /** Pre-upgrade snapshots kept (deploy takes one before each upgrade; `snapshots --prune --keep N` trims them), each about the size of the data. */
  keptPreUpgradeSnapshots: number;
  /** Container Insights: CloudWatch metrics it publishes for one cluster and service, and GB of performance events a task sends. */
  insightsMetrics: number;
  insightsGbPerTask: number;
  /** Millions of DNS queries a month of Metabase's name, when the stack makes its Route 53 record. */
  dnsQueriesMillions: number;
  /** GB of load-balancer access logs a month (gzip'd, about 100 bytes a request: a million requests). */
  accessLogsGbPerMonth: number;
  /** GB of VPC flow-log records a month (all traffic, one-minute aggregation, a few tasks behind a NAT). */
  flowLogsGbPerMonth: number;
}

export const DEFAULT_ASSUMPTIONS: UsageAssumptions = {
  natGbPerTask: 10,
  albLcu: 1,
  logsGbPerTask: 1,
  dbDataGb: 2,
  dbChangeGbPerDay: 0.2,
  keptPreUpgradeSnapshots: 2,
  insightsMetrics: 20,
  insightsGbPerTask: 0.5,
  dnsQueriesMillions: 1,
  accessLogsGbPerMonth: 0.1,
  flowLogsGbPerMonth: 2,
};

/**
 * The shape of the stack that the params do not change. The NAT instance values must match
 * src/synth/tiers/nat-instance.ts; tests/cost checks them against templates/network.yaml.
 */
export const STACK_SHAPE = {
  /** An internet-facing ALB has a public IPv4 address in each of its subnets (two AZs). */
  albPublicIps: 2,
  /**
   * DbMasterSecret and EncryptionKeySecret (data tier); AdminSecret comes on top with AdminEmail, or the
   * destroyed stack's reused in its place (ExistingAdminSecretArn).
   */
  secrets: 2,
  natInstanceType: 't4g.nano',
  natInstanceVolumeGb: 8,
  /**
   * Metrics the CloudWatch alarms evaluate (an alarm is billed a metric it reads, metric math included):
   * healthy targets 1, ALB 5xx rate 3, RDS CPU, free storage and memory 1 each; with Container
   * Insights the task-count alarm reads 2; in NAT instance mode the status check 1. tests/cost checks
   * these against the templates.
   */
  alarmMetrics: { always: 7, containerInsights: 2, natInstance: 1 },
  /** ELB writes a log file a load-balancer node (one an AZ) every 5 minutes. */
  accessLogPutsPerMonth: 2 * 12 * 24 * 30,
} as const;

/** Charges the estimate leaves out, printed with it. */
export const NOT_INCLUDED = [
  'data transfer out to the internet (the first 100 GB a month are free account-wide)',
  'Secrets Manager API calls ($0.05 per 10,000) and its 30-day trial of a new secret',
  'Fargate ephemeral storage beyond the free 20 GB (none configured)',
  'your own Docker Hub credentials secret, if you set DockerHubSecretArn',
  'your Route 53 hosted zone itself ($0.50 a month, yours whether or not this stack uses it); the ACM certificate is free',
  'taxes, support plans, Savings Plans and reserved-instance discounts',
  'SNS email notifications beyond the free 1,000 a month, and KMS requests beyond the free 20,000',
];
