// The root stack's parameters: the only things that differ between environments. params/<env>.json
// holds values for them and is validated against this table (src/params) before any AWS call.
import type * as ParameterModule from 'cloudform-types/types/parameter.js';
import {
  DB_INSTANCE_CLASSES,
  FARGATE_CPU_VALUES,
  FARGATE_MEMORY_VALUES,
  LOG_RETENTION_DAYS,
  MAX_DATA_SOURCE_PORTS,
  MAX_INGRESS_CIDRS,
  POSTGRES_VERSIONS,
} from './config.js';

type Parameter = ParameterModule.default;

/** CloudFormation resolves a parameter of this type from SSM Parameter Store on every deploy. */
export const SSM_AMI_PARAMETER_TYPE = 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>';

export interface RootParameter extends Parameter {
  Type: 'String' | 'Number' | 'CommaDelimitedList' | typeof SSM_AMI_PARAMETER_TYPE;
  Description: string;
  /** Every root parameter has a default: the free-tier dev setup needs an empty params file. */
  Default: string | number;
}

export interface RootParameterSpec {
  definition: RootParameter;
  /**
   * Must be written in every params file. Versions are: if the template default moved with a new release
   * of this tool, a deploy would otherwise upgrade Metabase or PostgreSQL (and migrate data) unasked.
   */
  requiredInParamsFile?: true;
}

/** The six /24 subnets need a /16 to /21 VPC; Fn::Cidr fails on anything smaller. */
const VPC_CIDR_PATTERN = String.raw`^(\d{1,3}\.){3}\d{1,3}/(1[6-9]|2[01])$`;
const BOOLEAN = ['true', 'false'];

/** A secret a destroyed stack kept (DeletionPolicy Retain), passed back in by deploy --restore-from. */
function existingSecretArn(description: string): RootParameterSpec {
  return {
    definition: {
      Type: 'String',
      Default: '',
      AllowedPattern: String.raw`^(|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+)$`,
      ConstraintDescription: 'must be empty or a Secrets Manager secret ARN',
      Description: description,
    },
  };
}

export const ROOT_PARAMETERS = {
  VpcCidr: {
    definition: {
      Type: 'String',
      Default: '10.0.0.0/16',
      AllowedPattern: VPC_CIDR_PATTERN,
      ConstraintDescription: 'must be an IPv4 CIDR from /16 to /21',
      Description: 'IPv4 range of the VPC (/16 to /21); six /24 subnets are carved from its start.',
    },
  },
  NatGateways: {
    definition: {
      Type: 'String',
      Default: 'single',
      AllowedValues: ['single', 'per-az', 'instance'],
      Description:
        'Outbound path of the private subnets: one NAT gateway for both AZs, one per AZ (survives an AZ outage), or instance: a hardened t4g.nano NAT instance (about a tenth of the price, single point of failure).',
    },
  },
  NatInstanceAmi: {
    definition: {
      Type: SSM_AMI_PARAMETER_TYPE,
      // AWS's public parameter for the current Amazon Linux 2023 arm64 AMI (t4g is Graviton).
      Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
      // No AllowedPattern: CloudFormation documents it for String and CommaDelimitedList parameters only.
      // A name that does not exist fails the change set with CloudFormation's own message.
      Description:
        'SSM parameter holding the NAT instance AMI (NatGateways = instance). Read on every deploy: a newer Amazon Linux AMI replaces the instance.',
    },
  },
  AllowedIngressCidrs: {
    definition: {
      Type: 'CommaDelimitedList',
      Default: '0.0.0.0/0',
      Description: `Up to ${MAX_INGRESS_CIDRS} IPv4 CIDRs allowed to reach the load balancer on 80/443.`,
    },
  },
  DataSourcePorts: {
    definition: {
      Type: 'CommaDelimitedList',
      Default: '',
      Description: `Up to ${MAX_DATA_SOURCE_PORTS} TCP ports Metabase may open to your data sources through the NAT (e.g. 5432,3306,5439). HTTPS (443) is always open; nothing else is.`,
    },
  },
  CertificateArn: {
    definition: {
      Type: 'String',
      Default: '',
      AllowedPattern: String.raw`^(|arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+)$`,
      ConstraintDescription: 'must be empty or an ACM certificate ARN',
      Description:
        'ACM certificate ARN for HTTPS. When set, port 443 serves Metabase and port 80 redirects to it.',
    },
  },
  DomainName: {
    definition: {
      Type: 'String',
      Default: '',
      // A DNS name of at least two labels, lower case, no trailing dot (ACM's own pattern, without wildcards).
      AllowedPattern: String.raw`^(|((?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z][a-z0-9-]{0,62}(?<!-))$`,
      ConstraintDescription: 'must be empty or a lower-case DNS name such as metabase.example.com',
      Description:
        'Public name of Metabase, e.g. metabase.example.com. With HostedZoneId the stack creates its certificate and DNS record; with CertificateArn instead, you point the name at the load balancer.',
    },
  },
  HostedZoneId: {
    definition: {
      Type: 'String',
      Default: '',
      AllowedPattern: String.raw`^(|Z[A-Z0-9]{1,31})$`,
      ConstraintDescription: 'must be empty or a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ',
      Description:
        'Route 53 public hosted zone of DomainName: the stack validates an ACM certificate through it and adds an alias record to the load balancer.',
    },
  },
  AllowPlainHttp: {
    definition: {
      Type: 'String',
      Default: 'false',
      AllowedValues: BOOLEAN,
      Description:
        'true: serve Metabase over plain HTTP to the internet anyway (logins and query results in cleartext). Refused by default for a stack with DB deletion protection.',
    },
  },
  AdminEmail: {
    definition: {
      Type: 'String',
      Default: '',
      // Metabase's own rule (metabase.util/email?, on the lower-cased address), which POST /api/setup
      // applies: an address it refuses would fail the setup only after the whole deploy.
      AllowedPattern: String.raw`^(|[A-Za-z0-9!#$%&'*+/=?^_${'`'}{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_${'`'}{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)$`,
      ConstraintDescription:
        "must be empty or an email address Metabase accepts: letters, digits and !#$%&'*+/=?^_`{|}~- in dot-separated parts before the @, a domain name after it",
      Description:
        'Email of the first Metabase admin. deploy completes the setup with it, with a generated password stored in Secrets Manager, so nobody else can claim /setup.',
    },
  },
  MetabaseVersion: {
    requiredInParamsFile: true,
    definition: {
      Type: 'String',
      Default: 'v0.64.2.2',
      AllowedPattern: String.raw`^v0\.\d+\.\d+(\.\d+)?(\.x)?$`,
      ConstraintDescription: 'must be an open-source Metabase tag such as v0.64.2.2',
      Description:
        'Tag of the metabase/metabase image on Docker Hub. Pinned: upgrades happen when you change it.',
    },
  },
  MetabaseImageDigest: {
    definition: {
      Type: 'String',
      Default: '',
      AllowedPattern: '^(|sha256:[0-9a-f]{64})$',
      ConstraintDescription: 'must be empty or an image digest: sha256: and 64 lowercase hex digits',
      Description:
        'Optional digest (sha256:…) of the metabase/metabase image for MetabaseVersion. When set, ECS pulls exactly that image instead of whatever the tag points at now.',
    },
  },
  TaskCpu: {
    definition: {
      Type: 'String',
      Default: '1024',
      AllowedValues: FARGATE_CPU_VALUES,
      Description: 'Fargate task vCPU units (1024 = 1 vCPU). Metabase needs at least 1 vCPU.',
    },
  },
  TaskMemory: {
    definition: {
      Type: 'String',
      Default: '2048',
      AllowedValues: FARGATE_MEMORY_VALUES,
      Description: 'Fargate task memory in MiB; must be a size Fargate accepts for TaskCpu.',
    },
  },
  CapacityProvider: {
    definition: {
      Type: 'String',
      Default: 'FARGATE',
      AllowedValues: ['FARGATE', 'FARGATE_SPOT'],
      Description:
        'FARGATE_SPOT costs about 70 % less but AWS may stop a task with two minutes notice (Metabase then reboots for minutes): for dev.',
    },
  },
  DesiredCount: {
    definition: {
      Type: 'Number',
      Default: 1,
      MinValue: 1,
      MaxValue: 10,
      Description:
        'Metabase tasks to run when AutoScaling is off (with autoscaling the service runs MinTasks to MaxTasks).',
    },
  },
  AutoScaling: {
    definition: {
      Type: 'String',
      Default: 'false',
      AllowedValues: BOOLEAN,
      Description: 'Scale the service on average CPU between MinTasks and MaxTasks.',
    },
  },
  MinTasks: {
    definition: {
      Type: 'Number',
      Default: 1,
      MinValue: 1,
      MaxValue: 10,
      Description: 'Autoscaling floor (never zero).',
    },
  },
  MaxTasks: {
    definition: {
      Type: 'Number',
      Default: 2,
      MinValue: 1,
      MaxValue: 10,
      Description: 'Autoscaling ceiling.',
    },
  },
  ContainerInsights: {
    definition: {
      Type: 'String',
      Default: 'disabled',
      AllowedValues: ['enabled', 'disabled'],
      Description: 'ECS Container Insights metrics (billed as custom metrics).',
    },
  },
  LogRetentionDays: {
    definition: {
      Type: 'Number',
      Default: 14,
      AllowedValues: [...LOG_RETENTION_DAYS],
      Description: 'Days CloudWatch keeps the Metabase container logs.',
    },
  },
  DockerHubSecretArn: {
    definition: {
      Type: 'String',
      Default: '',
      // The complete ARN, with the 6-character suffix Secrets Manager appends to the name: the execution
      // role's policy names this exact ARN, and a partial one (without the suffix) never matches it.
      AllowedPattern: String.raw`^(|arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6})$`,
      ConstraintDescription:
        'must be empty or the complete Secrets Manager secret ARN, ending in the 6-character suffix Secrets Manager adds (…:secret:dockerhub-AbC123); copy it from the console or `aws secretsmanager describe-secret`',
      Description:
        'Optional complete Secrets Manager secret ARN (with its random suffix) holding {"username","password"} for Docker Hub pulls: anonymous pulls are rate-limited per IP, and every task pulls through the same NAT address.',
    },
  },
  RolePermissionsBoundary: {
    definition: {
      Type: 'String',
      Default: '',
      AllowedPattern: String.raw`^[\w+=,.@-]{0,128}$`,
      ConstraintDescription: 'must be empty or an IAM policy name',
      Description:
        'Name of a managed policy to attach as permissions boundary to the roles the stack creates. Required when deploying through the bootstrap roles (templates/bootstrap/): <stack>-role-boundary.',
    },
  },
  DbInstanceClass: {
    definition: {
      Type: 'String',
      Default: 'db.t4g.micro',
      AllowedValues: [...DB_INSTANCE_CLASSES],
      Description: 'RDS instance class. db.t4g.micro is in the AWS free tier.',
    },
  },
  DbEngineVersion: {
    requiredInParamsFile: true,
    definition: {
      Type: 'String',
      Default: '17.9',
      AllowedValues: [...POSTGRES_VERSIONS],
      Description: 'RDS PostgreSQL version, minor pinned (automatic minor upgrades are off).',
    },
  },
  DbAllocatedStorage: {
    definition: {
      Type: 'Number',
      Default: 20,
      MinValue: 20,
      MaxValue: 1000,
      Description: 'gp3 storage in GiB (20 is the free-tier amount and the gp3 minimum).',
    },
  },
  DbMultiAz: {
    definition: {
      Type: 'String',
      Default: 'false',
      AllowedValues: BOOLEAN,
      Description: 'Standby replica in the second AZ (doubles the instance price).',
    },
  },
  DbDeletionProtection: {
    definition: {
      Type: 'String',
      Default: 'false',
      AllowedValues: BOOLEAN,
      Description: 'RDS deletion protection; destroy refuses while it is on.',
    },
  },
  DbBackupRetentionDays: {
    definition: {
      Type: 'Number',
      Default: 7,
      MinValue: 1,
      MaxValue: 35,
      Description: 'Days of automated RDS backups (point-in-time restore window).',
    },
  },
  AlarmEmail: {
    definition: {
      Type: 'String',
      Default: '',
      AllowedPattern: String.raw`^([^@\s,]+@[^@\s,]+\.[^@\s,]+)?$`,
      ConstraintDescription: 'must be empty or one email address',
      Description:
        'Email address the CloudWatch alarms notify (an encrypted SNS topic; AWS mails a confirmation link first). Empty: the alarms exist but notify nobody.',
    },
  },
  AccessLogs: {
    definition: {
      Type: 'String',
      Default: 'false',
      AllowedValues: BOOLEAN,
      Description:
        'Load balancer access logs to a private, encrypted S3 bucket of the stack, expired after LogRetentionDays. The bucket is kept when the stack is deleted.',
    },
  },
  FlowLogs: {
    definition: {
      Type: 'String',
      Default: 'false',
      AllowedValues: BOOLEAN,
      Description: 'VPC flow logs (accepted and rejected traffic) to CloudWatch Logs, kept LogRetentionDays.',
    },
  },
  DbSnapshotIdentifier: {
    definition: {
      Type: 'String',
      Default: '',
      AllowedPattern: String.raw`^(|[a-zA-Z][a-zA-Z0-9-]{0,254}|arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:[a-zA-Z][a-zA-Z0-9-]{0,254})$`,
      ConstraintDescription: 'must be empty, an RDS snapshot identifier or a snapshot ARN',
      Description:
        'Restore the database from this DB snapshot (deploy --restore-from sets it). Create-only: once a stack is restored, every later deploy must pass the same value (deploy keeps it), or CloudFormation replaces the database.',
    },
  },
  ExistingDbMasterSecretArn: existingSecretArn(
    'Secret ({"username","password"}) of a destroyed stack whose snapshot is restored: used instead of generating new DB master credentials.',
  ),
  ExistingEncryptionKeySecretArn: existingSecretArn(
    'MB_ENCRYPTION_SECRET_KEY secret of a destroyed stack whose snapshot is restored: without it saved connections are unreadable.',
  ),
  ExistingAdminSecretArn: existingSecretArn(
    'First-admin secret of a destroyed stack whose snapshot is restored (the admin lives in the snapshot): AdminSecretArn points at it and no new admin secret is made.',
  ),
} as const satisfies Record<string, RootParameterSpec>;

export type RootParameterName = keyof typeof ROOT_PARAMETERS;
export const ROOT_PARAMETER_NAMES = Object.keys(ROOT_PARAMETERS) as RootParameterName[];
