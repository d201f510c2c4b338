// The root stack: the user-facing parameters, one AWS::CloudFormation::Stack a tier, and the wiring of
// tier outputs into tier parameters. Wiring is derived from each tier's declared parameters, so a tier
// parameter with no source fails synth instead of failing a deploy.
import { CloudFormation } from 'cloudform-types/types/cloudFormation/index.namespace.js';
import { DeletionPolicy } from 'cloudform-types/types/resource.js';
import { FARGATE_MEMORY_BY_CPU } from '../config.js';
import {
  and,
  contains,
  equals,
  join,
  not,
  or,
  ref,
  stackOutput,
  sub,
  type IntrinsicFunction,
} from '../intrinsics.js';
import { ROOT_PARAMETERS, ROOT_PARAMETER_NAMES } from '../parameters.js';
import { TIER_NAMES, type CfnTemplate, type TemplateRule, type TierName } from '../template.js';
import { output } from './common.js';
import { slotSource } from './slots.js';
import { ALARM_TOPIC_PARAMETER, ROOT_STACK_NAME_PARAMETER } from './alarms.js';
import { SETTING_SLOT_PARAMETER_NAMES, settingSlotParameters } from './metabase-settings.js';

export const stackLogicalId = (tier: TierName): string =>
  `${tier.charAt(0).toUpperCase()}${tier.slice(1)}Stack`;

/** Where the deploy command's packager finds each nested template; it swaps in the uploaded S3 URL. */
export const templateFileName = (tier: TierName | 'root'): string => `${tier}.yaml`;

/** Tier inputs that come from another tier's outputs (same name on both sides). */
const OUTPUT_SOURCES: Record<string, TierName> = {
  VpcId: 'network',
  PublicSubnetIds: 'network',
  PrivateSubnetIds: 'network',
  IsolatedSubnetIds: 'network',
  AlbSecurityGroupId: 'network',
  TaskSecurityGroupId: 'network',
  DbSecurityGroupId: 'network',
  TargetGroupArn: 'edge',
  DbEndpointAddress: 'data',
  DbEndpointPort: 'data',
  DbMasterSecretArn: 'data',
  EncryptionKeySecretArn: 'data',
  MetabaseUrl: 'edge',
  TargetGroupFullName: 'edge',
  LoadBalancerFullName: 'edge',
  [ALARM_TOPIC_PARAMETER]: 'network',
};

function sourceOf(parameter: string, tiers: Record<TierName, CfnTemplate>): IntrinsicFunction {
  if ((ROOT_PARAMETER_NAMES as string[]).includes(parameter)) {
    // Lists cross into nested stacks as one comma-joined string.
    const isList =
      ROOT_PARAMETERS[parameter as keyof typeof ROOT_PARAMETERS].definition.Type === 'CommaDelimitedList';
    return isList ? join(',', ref(parameter)) : ref(parameter);
  }
  const slot = slotSource(parameter);
  if (slot) return slot;
  // The alarms' names start with it, and the database is tagged with it, so its snapshots can be found
  // once the stack is gone.
  if (parameter === ROOT_STACK_NAME_PARAMETER) return ref('AWS::StackName');
  if (SETTING_SLOT_PARAMETER_NAMES.includes(parameter)) return ref(parameter);
  const sourceTier = OUTPUT_SOURCES[parameter];
  if (sourceTier === undefined || tiers[sourceTier].Outputs?.[parameter] === undefined) {
    throw new Error(`synth: nested parameter ${parameter} has no source in the root stack`);
  }
  return stackOutput(stackLogicalId(sourceTier), parameter);
}

function fargateSizeRules(): Record<string, TemplateRule> {
  return Object.fromEntries(
    Object.entries(FARGATE_MEMORY_BY_CPU).map(([cpu, memories]) => [
      `FargateMemoryFor${cpu}Cpu`,
      {
        RuleCondition: equals(ref('TaskCpu'), cpu),
        Assertions: [
          {
            Assert: contains(memories.map(String), ref('TaskMemory')),
            AssertDescription: `With TaskCpu ${cpu}, Fargate accepts TaskMemory ${memories[0]} to ${memories[memories.length - 1]} MiB in 1024 MiB steps`,
          },
        ],
      },
    ]),
  );
}

/** validate's domain and plain-HTTP rules (src/params/validate.ts), for deploys that skip this tool. */
function domainRules(): Record<string, TemplateRule> {
  const empty = (name: string): IntrinsicFunction => equals(ref(name), '');
  return {
    CertificateNeedsDomain: {
      RuleCondition: not(empty('CertificateArn')),
      Assertions: [
        {
          Assert: not(empty('DomainName')),
          AssertDescription:
            "CertificateArn needs DomainName: no certificate covers the load balancer's own name",
        },
      ],
    },
    HostedZoneNeedsDomain: {
      RuleCondition: not(empty('HostedZoneId')),
      Assertions: [{ Assert: not(empty('DomainName')), AssertDescription: 'HostedZoneId needs DomainName' }],
    },
    DomainNeedsCertificateOrZone: {
      RuleCondition: not(empty('DomainName')),
      Assertions: [
        {
          Assert: or([not(empty('HostedZoneId')), not(empty('CertificateArn'))]),
          AssertDescription:
            'DomainName needs HostedZoneId (the stack makes the certificate) or CertificateArn (yours)',
        },
      ],
    },
    NoPlainHttpForProtectedStack: {
      RuleCondition: and([
        equals(ref('DbDeletionProtection'), 'true'),
        equals(ref('AllowPlainHttp'), 'false'),
        empty('DomainName'),
        empty('CertificateArn'),
      ]),
      Assertions: [
        {
          Assert: not(contains(ref('AllowedIngressCidrs'), '0.0.0.0/0')),
          AssertDescription:
            'A stack with DB deletion protection must not serve plain HTTP to the whole internet: set DomainName (and HostedZoneId or CertificateArn), narrow AllowedIngressCidrs, or set AllowPlainHttp to true',
        },
      ],
    },
  };
}

export function rootTemplate(tiers: Record<TierName, CfnTemplate>): CfnTemplate {
  const stacks = Object.fromEntries(
    TIER_NAMES.map((tier) => [
      stackLogicalId(tier),
      // Explicit Delete on both (CloudFormation's default): a nested stack has no create-only property,
      // so it is never replaced, and what must outlive it (database, secrets) carries its own policies.
      // Stated so that cfn-lint --include-checks I (I3011) has nothing to report.
      Object.assign(
        new CloudFormation.Stack({
          TemplateURL: templateFileName(tier),
          Parameters: Object.fromEntries(
            Object.keys(tiers[tier].Parameters ?? {}).map((name) => [name, sourceOf(name, tiers)]),
          ),
          Tags: [{ Key: 'tier', Value: tier }],
        }).deletionPolicy(DeletionPolicy.Delete),
        { UpdateReplacePolicy: DeletionPolicy.Delete },
      ),
    ]),
  );
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'Metabase on AWS: private ECS Fargate service behind an ALB, RDS PostgreSQL application database',
    Metadata: {
      'AWS::CloudFormation::Interface': {
        ParameterGroups: [
          {
            Label: { default: 'Network' },
            Parameters: [
              'VpcCidr',
              'NatGateways',
              'NatInstanceAmi',
              'AllowedIngressCidrs',
              'DomainName',
              'HostedZoneId',
              'CertificateArn',
              'AllowPlainHttp',
              'DataSourcePorts',
            ],
          },
          {
            Label: { default: 'Metabase' },
            Parameters: [
              'MetabaseVersion',
              'AdminEmail',
              'MetabaseImageDigest',
              'TaskCpu',
              'TaskMemory',
              'CapacityProvider',
              'DesiredCount',
              'AutoScaling',
              'MinTasks',
              'MaxTasks',
              'ContainerInsights',
              'LogRetentionDays',
              'DockerHubSecretArn',
              'RolePermissionsBoundary',
            ],
          },
          {
            Label: { default: 'Database' },
            Parameters: [
              'DbInstanceClass',
              'DbEngineVersion',
              'DbAllocatedStorage',
              'DbMultiAz',
              'DbDeletionProtection',
              'DbBackupRetentionDays',
            ],
          },
          {
            Label: { default: 'Monitoring' },
            Parameters: ['AlarmEmail', 'AccessLogs', 'FlowLogs'],
          },
          {
            Label: { default: 'Restore (set by deploy --restore-from)' },
            Parameters: [
              'DbSnapshotIdentifier',
              'ExistingDbMasterSecretArn',
              'ExistingEncryptionKeySecretArn',
              'ExistingAdminSecretArn',
            ],
          },
        ],
      },
    },
    Parameters: {
      ...Object.fromEntries(
        ROOT_PARAMETER_NAMES.map((name) => [name, { ...ROOT_PARAMETERS[name].definition }]),
      ),
      // Filled from the params file's MetabaseSettings / MetabaseSecretSettings maps (src/params).
      ...settingSlotParameters(true),
    },
    // The same checks validate makes offline, for whoever deploys root.yaml another way (console, CLI).
    Rules: {
      ...fargateSizeRules(),
      ...domainRules(),
      NoDuplicateHttpsRule: {
        Assertions: [
          {
            Assert: not(contains(ref('DataSourcePorts'), '443')),
            AssertDescription:
              'DataSourcePorts must not list 443: HTTPS is always open already (a duplicate rule fails the update)',
          },
        ],
      },
    },
    Conditions: {
      // The data tier's condition of the same name: an admin secret made there, or one a restore reuses.
      HasAdminSecret: or([
        not(equals(ref('AdminEmail'), '')),
        not(equals(ref('ExistingAdminSecretArn'), '')),
      ]),
    },
    Resources: stacks,
    Outputs: {
      MetabaseUrl: output('Open this to use Metabase', stackOutput('EdgeStack', 'MetabaseUrl')),
      LoadBalancerDnsName: output(
        'Point your DNS name here (CNAME or alias)',
        stackOutput('EdgeStack', 'LoadBalancerDnsName'),
      ),
      ClusterName: output('ECS cluster', stackOutput('AppStack', 'ClusterName')),
      ServiceName: output('ECS service running Metabase', stackOutput('AppStack', 'ServiceName')),
      LogGroupName: output('Metabase container logs', stackOutput('AppStack', 'LogGroupName')),
      DbEndpoint: output(
        'Application database (reachable only from the Metabase tasks)',
        sub('${DataStack.Outputs.DbEndpointAddress}:${DataStack.Outputs.DbEndpointPort}'),
      ),
      DbInstanceId: output(
        'RDS instance; its final snapshot outlives the stack',
        stackOutput('DataStack', 'DbInstanceId'),
      ),
      // Where deploy writes the generated admin password (it prints this ARN, never the value).
      AdminSecretArn: {
        ...output(
          'Secret holding the first Metabase admin (AdminEmail) and its generated password',
          stackOutput('DataStack', 'AdminSecretArn'),
        ),
        Condition: 'HasAdminSecret',
      },
      NatPublicIps: output(
        'Metabase connects to your data sources from these IPs',
        stackOutput('NetworkStack', 'NatPublicIps'),
      ),
    },
  };
}
