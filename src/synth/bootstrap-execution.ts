// The CloudFormation execution role of one environment, and the permissions boundary every role its stacks
// create must carry. The execution role may create what the templates need, and change or delete only what
// is its environment's: by tag (`aws:cloudformation:stack-name` is `<stack>` or `<stack>-*`), or by the name
// CloudFormation generates from the stack name where a service has no tag conditions. A create that names
// an existing resource (a subnet in a VPC, a route in a table) is checked against both: the new resource by
// its type, the existing one by its tag, so nobody's VPC but this environment's can get a subnet.
// Resource types and condition keys: the Service Authorization Reference,
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
import { environmentArns, ownedByEnvironment, BOOTSTRAP_ARTIFACTS_BUCKET } from './bootstrap-arns.js';
import type { CiEnvironment } from './bootstrap-arns.js';
import { onlyIf, sub } from './intrinsics.js';
import { allow, deny, DENY_IMPORT, document, type PolicyStatement } from './bootstrap-policy.js';

/** The bootstrap condition: a HostedZoneId was given. */
export const HAS_HOSTED_ZONE = 'HasHostedZone';

const ec2 = (type: string) => `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${type}/*`;
const elb = (type: string) =>
  `arn:\${AWS::Partition}:elasticloadbalancing:\${AWS::Region}:\${AWS::AccountId}:${type}/*`;
const rds = (type: string) => `arn:\${AWS::Partition}:rds:\${AWS::Region}:\${AWS::AccountId}:${type}:*`;

const SECRETS = 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*';

/** The tag that lets an environment's roles read a secret made by hand (the Docker Hub credentials). */
export const BOUNDARY_TRUST_TAG = 'metabase-aws:stack';

/** Create actions and the ARN of what each creates; every other resource in the request must be owned. */
const CREATES: [string, string[]][] = [
  ['ec2:CreateVpc', [ec2('vpc')]],
  ['ec2:CreateSubnet', [ec2('subnet')]],
  ['ec2:CreateInternetGateway', [ec2('internet-gateway')]],
  ['ec2:CreateRouteTable', [ec2('route-table')]],
  ['ec2:CreateSecurityGroup', [ec2('security-group')]],
  ['ec2:AllocateAddress', [ec2('elastic-ip')]],
  ['ec2:CreateNatGateway', [ec2('natgateway')]],
  ['ec2:CreateNetworkInterface', [ec2('network-interface')]],
  ['ec2:CreateLaunchTemplate', [ec2('launch-template')]],
  ['ec2:CreateFlowLogs', [ec2('vpc-flow-log')]],
  // The NAT instance: its new instance, volume and interface; the AMI is Amazon's public one.
  ['ec2:RunInstances', [ec2('instance'), ec2('volume'), ec2('network-interface')]],
  ['elasticloadbalancing:CreateLoadBalancer', [elb('loadbalancer/app')]],
  ['elasticloadbalancing:CreateTargetGroup', [`${elb('targetgroup')}/*`]],
  ['rds:CreateDBSubnetGroup', [rds('subgrp')]],
  ['rds:CreateDBParameterGroup', [rds('pg')]],
  // A new instance, with the engine's default option group (RDS's own, untagged).
  ['rds:CreateDBInstance', [rds('db'), rds('og:default')]],
  ['rds:RestoreDBInstanceFromDBSnapshot', [rds('db'), rds('og:default')]],
  ['secretsmanager:CreateSecret', [SECRETS]],
  ['ecs:CreateCluster', ['arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/*']],
  [
    'ecs:RegisterTaskDefinition',
    ['arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/*:*'],
  ],
  ['ecs:CreateService', ['arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/*/*']],
  [
    'application-autoscaling:RegisterScalableTarget',
    ['arn:${AWS::Partition}:application-autoscaling:${AWS::Region}:${AWS::AccountId}:scalable-target/*'],
  ],
  ['acm:AddTagsToCertificate', ['arn:${AWS::Partition}:acm:${AWS::Region}:${AWS::AccountId}:certificate/*']],
];

/** Changes to existing resources: allowed on this environment's resources only (by tag). */
const TAGGED_CHANGES = [
  // network tier
  'ec2:DeleteVpc',
  'ec2:ModifyVpcAttribute',
  'ec2:CreateSubnet',
  'ec2:DeleteSubnet',
  'ec2:ModifySubnetAttribute',
  'ec2:AttachInternetGateway',
  'ec2:DetachInternetGateway',
  'ec2:DeleteInternetGateway',
  'ec2:CreateRouteTable',
  'ec2:DeleteRouteTable',
  'ec2:CreateRoute',
  'ec2:ReplaceRoute',
  'ec2:DeleteRoute',
  'ec2:AssociateRouteTable',
  'ec2:DisassociateRouteTable',
  'ec2:CreateSecurityGroup',
  'ec2:DeleteSecurityGroup',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AuthorizeSecurityGroupEgress',
  'ec2:RevokeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupEgress',
  'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
  'ec2:UpdateSecurityGroupRuleDescriptionsEgress',
  'ec2:ModifySecurityGroupRules',
  'ec2:CreateNatGateway',
  'ec2:DeleteNatGateway',
  'ec2:ReleaseAddress',
  'ec2:AssociateAddress',
  'ec2:DisassociateAddress',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:ModifyNetworkInterfaceAttribute',
  'ec2:CreateFlowLogs',
  'ec2:DeleteFlowLogs',
  'ec2:RunInstances',
  'ec2:TerminateInstances',
  'ec2:StartInstances',
  'ec2:StopInstances',
  'ec2:ModifyInstanceAttribute',
  'ec2:AssociateIamInstanceProfile',
  'ec2:DisassociateIamInstanceProfile',
  'ec2:ReplaceIamInstanceProfileAssociation',
  'ec2:CreateLaunchTemplateVersion',
  'ec2:ModifyLaunchTemplate',
  'ec2:DeleteLaunchTemplate',
  'ec2:CreateTags',
  'ec2:DeleteTags',
  // edge tier
  'elasticloadbalancing:CreateListener',
  'elasticloadbalancing:DeleteLoadBalancer',
  'elasticloadbalancing:ModifyLoadBalancerAttributes',
  'elasticloadbalancing:SetSecurityGroups',
  'elasticloadbalancing:SetSubnets',
  'elasticloadbalancing:DeleteTargetGroup',
  'elasticloadbalancing:ModifyTargetGroup',
  'elasticloadbalancing:ModifyTargetGroupAttributes',
  'elasticloadbalancing:DeleteListener',
  'elasticloadbalancing:ModifyListener',
  'elasticloadbalancing:ModifyListenerAttributes',
  'elasticloadbalancing:AddListenerCertificates',
  'elasticloadbalancing:RemoveListenerCertificates',
  'elasticloadbalancing:AddTags',
  'elasticloadbalancing:RemoveTags',
  'acm:DeleteCertificate',
  'acm:AddTagsToCertificate',
  'acm:RemoveTagsFromCertificate',
  // the alarm topic's own KMS key (network tier, with AlarmEmail)
  'kms:PutKeyPolicy',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:UpdateKeyDescription',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  // data tier
  'rds:CreateDBInstance',
  'rds:RestoreDBInstanceFromDBSnapshot',
  'rds:ModifyDBInstance',
  'rds:RebootDBInstance',
  'rds:DeleteDBInstance',
  'rds:CreateDBSnapshot',
  'rds:ModifyDBSubnetGroup',
  'rds:DeleteDBSubnetGroup',
  'rds:ModifyDBParameterGroup',
  'rds:ResetDBParameterGroup',
  'rds:DeleteDBParameterGroup',
  'rds:AddTagsToResource',
  'rds:RemoveTagsFromResource',
  'secretsmanager:GetSecretValue',
  'secretsmanager:UpdateSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DeleteSecret',
  'secretsmanager:TagResource',
  'secretsmanager:UntagResource',
  // app tier
  'ecs:UpdateCluster',
  'ecs:UpdateClusterSettings',
  'ecs:PutClusterCapacityProviders',
  'ecs:DeleteCluster',
  'ecs:UpdateService',
  'ecs:DeleteService',
  'ecs:TagResource',
  'ecs:UntagResource',
  'application-autoscaling:PutScalingPolicy',
  'application-autoscaling:DeleteScalingPolicy',
  'application-autoscaling:DeregisterScalableTarget',
  'application-autoscaling:TagResource',
  'application-autoscaling:UntagResource',
];

function networkAndServiceStatements(env: CiEnvironment): PolicyStatement[] {
  const arns = environmentArns(env);
  return [
    ...CREATES.map(([action, created]) =>
      allow(`Create${action.slice(action.indexOf(':') + 1)}`, [action], created),
    ),
    allow('ChangeOwnResources', TAGGED_CHANGES, '*', ownedByEnvironment(env)),
    // Tags and the same creates on what was just created (the tags come with the create call).
    allow('TagOnCreate', ['ec2:CreateTags'], '*', {
      StringEquals: {
        'ec2:CreateAction': CREATES.filter(([a]) => a.startsWith('ec2:')).map(([a]) => a.split(':')[1]),
      },
    }),
    allow('TagLoadBalancersOnCreate', ['elasticloadbalancing:AddTags'], '*', {
      StringEquals: {
        'elasticloadbalancing:CreateAction': ['CreateLoadBalancer', 'CreateTargetGroup', 'CreateListener'],
      },
    }),
    // The alarm topic's KMS key: CreateKey takes no resource ARN. A new key grants nothing until its
    // policy (set by the template, changed only on this environment's keys above) says so.
    allow('CreateAlarmTopicKey', ['kms:CreateKey'], '*', {
      StringEquals: { 'kms:KeySpec': 'SYMMETRIC_DEFAULT', 'kms:KeyUsage': 'ENCRYPT_DECRYPT' },
    }),
    allow('TagEcsOnCreate', ['ecs:TagResource'], '*', {
      StringEquals: { 'ecs:CreateAction': ['CreateCluster', 'RegisterTaskDefinition', 'CreateService'] },
    }),
    allow(
      'RdsTagsOnCreate',
      ['rds:AddTagsToResource'],
      [rds('db'), rds('subgrp'), rds('pg'), rds('snapshot')],
    ),
    // CreateSecret with tags needs TagResource on the new, still untagged secret: only with the Name tag the
    // data tier gives it, and never the tag the boundary trusts for hand-made secrets.
    allow('SecretTagsOnCreate', ['secretsmanager:TagResource'], SECRETS, {
      StringLike: { 'aws:RequestTag/Name': sub(`${arns.stack}-*`) },
    }),
    deny('NoBoundaryTrustTag', ['secretsmanager:TagResource', 'secretsmanager:UntagResource'], '*', {
      'ForAnyValue:StringEquals': { 'aws:TagKeys': [BOUNDARY_TRUST_TAG] },
    }),
    // The NAT instance boots Amazon Linux from Amazon's public AMI parameter.
    allow('AmazonImages', ['ec2:RunInstances'], 'arn:${AWS::Partition}:ec2:${AWS::Region}::image/*', {
      StringEquals: { 'ec2:Owner': 'amazon' },
    }),
    allow(
      'NatInstanceAmi',
      ['ssm:GetParameters', 'ssm:GetParameter'],
      'arn:${AWS::Partition}:ssm:${AWS::Region}::parameter/aws/service/ami-amazon-linux-latest/*',
    ),
    // A restore starts from this environment's own snapshots (the tool's, or the database's final one).
    allow(
      'RestoreOwnSnapshots',
      ['rds:RestoreDBInstanceFromDBSnapshot', 'rds:CreateDBSnapshot'],
      arns.toolSnapshots,
    ),
    allow(
      'RestoreTaggedSnapshots',
      ['rds:RestoreDBInstanceFromDBSnapshot'],
      rds('snapshot'),
      ownedByEnvironment(env),
    ),
    allow('FinalSnapshots', ['rds:CreateDBSnapshot'], rds('snapshot')),
    // Deregistering an old revision is account-wide in IAM (no resource type); it never stops a task.
    allow('TaskDefinitionRevisions', ['ecs:DeregisterTaskDefinition'], '*'),
    // Log groups, alarms, topics and buckets carry the stack name in their generated names.
    allow(
      'OwnLogGroups',
      [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:DeleteRetentionPolicy',
        'logs:TagResource',
        'logs:UntagResource',
        'logs:TagLogGroup',
        'logs:UntagLogGroup',
        'logs:ListTagsLogGroup',
        'logs:ListTagsForResource',
        'logs:DescribeLogStreams',
      ],
      arns.logGroups,
    ),
    // A target-tracking policy makes its alarms (TargetTracking-service/<cluster>/...) with the caller's rights.
    // https://docs.aws.amazon.com/autoscaling/application/userguide/security_iam_id-based-policy-examples.html
    allow(
      'ScalingAlarms',
      ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
      arns.scalingAlarms,
    ),
    // Flow logs delivered to S3 set up a log delivery; AWS has no ARN for it.
    allow('FlowLogDelivery', ['logs:CreateLogDelivery', 'logs:DeleteLogDelivery'], '*'),
    allow(
      'OwnAlarms',
      [
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:TagResource',
        'cloudwatch:UntagResource',
      ],
      arns.alarms,
    ),
    allow(
      'OwnTopics',
      [
        'sns:CreateTopic',
        'sns:DeleteTopic',
        'sns:SetTopicAttributes',
        'sns:Subscribe',
        'sns:Unsubscribe',
        'sns:TagResource',
        'sns:UntagResource',
      ],
      arns.topics,
    ),
    allow(
      'OwnAccessLogsBucket',
      [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
        's3:PutBucketTagging',
        's3:PutEncryptionConfiguration',
        's3:PutLifecycleConfiguration',
        's3:PutBucketPublicAccessBlock',
        's3:PutBucketOwnershipControls',
        's3:PutBucketVersioning',
        's3:ListBucket',
      ],
      arns.buckets,
    ),
    // The templates of nested stacks, from this environment's prefix only.
    allow('NestedTemplates', ['s3:GetObject'], arns.objects),
  ];
}

function iamStatements(env: CiEnvironment): PolicyStatement[] {
  const arns = environmentArns(env);
  const bounded = { StringEquals: { 'iam:PermissionsBoundary': sub(arns.boundary) } };
  return [
    // A role is created, or gets more rights, only with the environment's boundary on it.
    allow(
      'BoundedRoleChanges',
      ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary'],
      arns.roles,
      bounded,
    ),
    // The one managed policy a template attaches: Session Manager for the NAT instance.
    allow('SsmManagedPolicyOnly', ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'], arns.roles, {
      StringEquals: {
        ...bounded.StringEquals,
        'iam:PolicyARN': sub('arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore'),
      },
    }),
    allow(
      'OwnRoles',
      [
        'iam:DeleteRole',
        'iam:GetRole',
        'iam:UpdateRole',
        'iam:UpdateRoleDescription',
        'iam:GetRolePolicy',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfilesForRole',
      ],
      arns.roles,
    ),
    // The ceiling stays on: a role of this environment never loses its boundary.
    deny('KeepBoundary', ['iam:DeleteRolePermissionsBoundary'], '*'),
    allow(
      'OwnInstanceProfiles',
      [
        'iam:CreateInstanceProfile',
        'iam:DeleteInstanceProfile',
        'iam:GetInstanceProfile',
        'iam:AddRoleToInstanceProfile',
        'iam:RemoveRoleFromInstanceProfile',
        'iam:TagInstanceProfile',
        'iam:UntagInstanceProfile',
      ],
      arns.instanceProfiles,
    ),
    allow('PassRolesToServices', ['iam:PassRole'], arns.roles, {
      StringEquals: {
        'iam:PassedToService': [
          'ecs-tasks.amazonaws.com',
          'ec2.amazonaws.com',
          'vpc-flow-logs.amazonaws.com',
        ],
      },
    }),
    allow(
      'ServiceLinkedRoles',
      ['iam:CreateServiceLinkedRole'],
      'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*',
      {
        StringEquals: {
          'iam:AWSServiceName': [
            'ecs.amazonaws.com',
            'rds.amazonaws.com',
            'elasticloadbalancing.amazonaws.com',
            'ecs.application-autoscaling.amazonaws.com',
          ],
        },
      },
    ),
  ];
}

function cloudFormationStatements(env: CiEnvironment): PolicyStatement[] {
  const arns = environmentArns(env);
  return [
    // Nested stacks of this environment, created and updated by CloudFormation itself with this role.
    allow(
      'NestedStacks',
      [
        'cloudformation:CreateStack',
        'cloudformation:UpdateStack',
        'cloudformation:DeleteStack',
        'cloudformation:CreateChangeSet',
        'cloudformation:DescribeChangeSet',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:DeleteChangeSet',
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStackResource',
        'cloudformation:DescribeStackResources',
        'cloudformation:GetTemplate',
        'cloudformation:TagResource',
        'cloudformation:UntagResource',
      ],
      arns.stacks,
    ),
    DENY_IMPORT,
    allow(
      'ResourceReads',
      [
        'ec2:Describe*',
        'elasticloadbalancing:Describe*',
        'ecs:DescribeClusters',
        'ecs:DescribeServices',
        'ecs:DescribeTaskDefinition',
        'ecs:ListClusters',
        'rds:DescribeDBInstances',
        'rds:DescribeDBSnapshots',
        'rds:DescribeDBSubnetGroups',
        'rds:DescribeDBParameterGroups',
        'rds:DescribeDBParameters',
        'rds:DescribeDBEngineVersions',
        'rds:ListTagsForResource',
        'logs:DescribeLogGroups',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetRandomPassword',
        'secretsmanager:ListSecrets',
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:DescribeScalingActivities',
        'cloudwatch:DescribeAlarms',
        'acm:DescribeCertificate',
        'acm:ListTagsForCertificate',
        'sns:GetTopicAttributes',
        'sns:ListSubscriptionsByTopic',
        'sns:GetSubscriptionAttributes',
        'sns:ListTagsForResource',
        's3:GetBucketPolicy',
        's3:GetBucketTagging',
        'iam:GetInstanceProfile',
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:ListResourceTags',
      ],
      '*',
    ),
    // Request a DNS-validated certificate; AWS offers no resource scoping for RequestCertificate.
    allow('RequestCertificates', ['acm:RequestCertificate'], '*'),
    // Records in the hosted zone given to the bootstrap stack (HTTPS with DomainName), and nowhere else.
    onlyIf(
      HAS_HOSTED_ZONE,
      allow(
        'OwnHostedZoneRecords',
        ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:GetHostedZone'],
        'arn:${AWS::Partition}:route53:::hostedzone/${HostedZoneId}',
      ),
    ),
    onlyIf(
      HAS_HOSTED_ZONE,
      allow('Route53Changes', ['route53:GetChange'], 'arn:${AWS::Partition}:route53:::change/*'),
    ),
  ];
}

/**
 * The execution role's rights in parts, each a managed policy: IAM allows 10,240 characters of inline
 * policy per role and 6,144 per managed policy, and together they are larger than one of either.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export function executionRolePolicies(
  env: CiEnvironment,
): { name: string; document: ReturnType<typeof document> }[] {
  const services = networkAndServiceStatements(env);
  const creates = services.filter((s) => s.Sid.startsWith('Create') || s.Sid.includes('OnCreate'));
  const tagged = services.filter((s) => s.Sid === 'ChangeOwnResources');
  const rest = services.filter((s) => !creates.includes(s) && !tagged.includes(s));
  return [
    { name: 'stacks-and-iam', document: document([...cloudFormationStatements(env), ...iamStatements(env)]) },
    { name: 'creates', document: document(creates) },
    { name: 'tagged-resources', document: document(tagged) },
    { name: 'named-resources', document: document(rest) },
  ];
}

/**
 * The most any role of this environment's stacks can do, whatever its own policy says: read its own
 * secrets, write its own logs, and what the NAT instance (SSM agent, cfn-signal) and flow-log delivery need.
 */
export function boundaryPolicy(env: CiEnvironment) {
  const arns = environmentArns(env);
  return document([
    allow('OwnSecrets', ['secretsmanager:GetSecretValue'], '*', ownedByEnvironment(env)),
    // The Docker Hub credentials are made by hand: tag that secret `metabase-aws:stack` = the stack name.
    allow('TaggedSecrets', ['secretsmanager:GetSecretValue'], '*', {
      StringEquals: { [`aws:ResourceTag/${BOUNDARY_TRUST_TAG}`]: sub(arns.stack) },
    }),
    allow(
      'OwnLogs',
      ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      arns.logGroups,
    ),
    allow('DescribeLogGroups', ['logs:DescribeLogGroups'], '*'),
    allow('SignalOwnStacks', ['cloudformation:SignalResource'], arns.stacks),
    // AmazonSSMManagedInstanceCore's actions, for Session Manager on the NAT instance.
    allow(
      'SsmAgent',
      [
        'ssm:DescribeAssociation',
        'ssm:GetDeployablePatchSnapshotForInstance',
        'ssm:GetDocument',
        'ssm:DescribeDocument',
        'ssm:GetManifest',
        'ssm:ListAssociations',
        'ssm:ListInstanceAssociations',
        'ssm:PutInventory',
        'ssm:PutComplianceItems',
        'ssm:PutConfigurePackageResult',
        'ssm:UpdateAssociationStatus',
        'ssm:UpdateInstanceAssociationStatus',
        'ssm:UpdateInstanceInformation',
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
        'ec2messages:AcknowledgeMessage',
        'ec2messages:DeleteMessage',
        'ec2messages:FailMessage',
        'ec2messages:GetEndpoint',
        'ec2messages:GetMessages',
        'ec2messages:SendReply',
      ],
      '*',
    ),
    allow(
      'AmiParameter',
      ['ssm:GetParameter', 'ssm:GetParameters'],
      'arn:${AWS::Partition}:ssm:${AWS::Region}::parameter/aws/service/ami-amazon-linux-latest/*',
    ),
  ]);
}

export { BOOTSTRAP_ARTIFACTS_BUCKET };
