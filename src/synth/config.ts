// Settings that shape the templates but are not deploy-time choices. Everything a user may change per
// environment is a CloudFormation parameter instead (see parameters.ts), so the committed YAML is
// exactly what gets deployed.

/** Metabase listens here inside the container (Metabase's default `MB_JETTY_PORT`). */
export const CONTAINER_PORT = 3000;
/** Name of the one container in the task definition; the service's load balancer block refers to it. */
export const CONTAINER_NAME = 'metabase';
export const POSTGRES_PORT = 5432;
/** Metabase does not create its application database: RDS does, under this name (`DBName`). */
export const DATABASE_NAME = 'metabase';
export const DATABASE_USER = 'metabase';
/**
 * The data tier's secret of the first Metabase admin. CloudFormation generates its name, so the CI deploy
 * role finds it by the tag CloudFormation gives it (aws:cloudformation:logical-id).
 */
export const ADMIN_SECRET_LOGICAL_ID = 'AdminSecret';
/** `GET /api/health` answers 200 once Metabase is ready and 503 while it migrates. */
export const HEALTH_CHECK_PATH = '/api/health';
/**
 * First boot runs Metabase's migrations, which take minutes on a small task. ECS ignores failing
 * load-balancer health checks for this long after a task starts. Metabase's docs advise at least 300 s.
 * A task still migrating when this runs out is stopped mid-migration (and leaves Liquibase's lock behind),
 * so it is generous: 20 minutes. A task that crashes is replaced at once regardless; only a hung one
 * waits this long.
 */
export const HEALTH_CHECK_GRACE_SECONDS = 1200;
/** Subnets are /24 slices of the VPC CIDR (251 usable addresses each), so the VPC must be /16 to /21. */
export const SUBNET_CIDR_BITS = 8;
export const VPC_PREFIX_RANGE = { min: 16, max: 21 } as const;
/** The ALB security group carries one ingress rule a CIDR (and port); this many fit the edge template. */
export const MAX_INGRESS_CIDRS = 4;
/** Extra outbound TCP ports for Metabase's data sources; each is one slot of the task group's egress. */
export const MAX_DATA_SOURCE_PORTS = 4;
/** AWS's TLS 1.3 policy that still accepts TLS 1.2 clients; no TLS 1.0/1.1. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
/** Scale out above this average CPU. */
export const AUTOSCALING_CPU_TARGET_PERCENT = 70;

/**
 * Fargate's accepted task sizes (vCPU units → MiB), limited to what Metabase can run on: Metabase asks for
 * at least 1 CPU, so 0.5 vCPU (512) is left out rather than offered with a warning.
 */
export const FARGATE_MEMORY_BY_CPU: Readonly<Record<string, readonly number[]>> = {
  '1024': range(2048, 8192, 1024),
  '2048': range(4096, 16384, 1024),
  '4096': range(8192, 30720, 1024),
};
export const FARGATE_CPU_VALUES = Object.keys(FARGATE_MEMORY_BY_CPU);
export const FARGATE_MEMORY_VALUES = [...new Set(Object.values(FARGATE_MEMORY_BY_CPU).flat())]
  .sort((a, b) => a - b)
  .map(String);

/**
 * The JVM takes ¼ of RAM by default, which starves Metabase. Give the heap all but a reserve for
 * metaspace, thread stacks and the container's own processes: a quarter of the task, at least 512 MiB.
 */
export function javaHeapMiB(taskMemoryMiB: number): number {
  return taskMemoryMiB - Math.max(512, Math.round(taskMemoryMiB / 4));
}

/** RDS PostgreSQL versions this tool accepts, minor pinned; the parameter group family follows the major. */
export const POSTGRES_VERSIONS = [
  '16.10',
  '16.11',
  '16.12',
  '16.13',
  '17.6',
  '17.7',
  '17.8',
  '17.9',
] as const;

/** Burstable Graviton classes for small teams, general purpose and memory optimised for bigger ones. */
export const DB_INSTANCE_CLASSES = [
  'db.t4g.micro',
  'db.t4g.small',
  'db.t4g.medium',
  'db.t4g.large',
  'db.t3.micro',
  'db.t3.small',
  'db.t3.medium',
  'db.m7g.large',
  'db.m7g.xlarge',
  'db.r7g.large',
  'db.r7g.xlarge',
] as const;

/** RAM of each class in GiB (AWS's RDS instance class table), for the freeable-memory alarm's threshold. */
export const DB_INSTANCE_MEMORY_GIB: Readonly<Record<(typeof DB_INSTANCE_CLASSES)[number], number>> = {
  'db.t4g.micro': 1,
  'db.t4g.small': 2,
  'db.t4g.medium': 4,
  'db.t4g.large': 8,
  'db.t3.micro': 1,
  'db.t3.small': 2,
  'db.t3.medium': 4,
  'db.m7g.large': 8,
  'db.m7g.xlarge': 16,
  'db.r7g.large': 16,
  'db.r7g.xlarge': 32,
};

/** The values CloudWatch Logs accepts for `RetentionInDays`. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}
