// The roles GitHub Actions jobs assume, one set per environment (see bootstrap.ts):
// - deploy: change sets on its own stacks with its own execution role, its own bucket prefix, and what the
//   tool does with the caller's credentials (pre-deploy checks, snapshots, release-locks, first admin);
// - preview (pull requests): create, describe and discard change sets; uploads only under preview/;
// - drift: reads only (drift detection, status, logs).
// None of them can create, change or delete a resource itself: CloudFormation does, with the execution role.
import { ADMIN_SECRET_LOGICAL_ID } from './config.js';
import { getAtt, sub } from './intrinsics.js';
import {
  ARTIFACTS_BUCKET,
  BOOTSTRAP_ARTIFACTS_BUCKET,
  environmentArns,
  ownedByEnvironment,
} from './bootstrap-arns.js';
import type { CiEnvironment } from './bootstrap-arns.js';
import { allow, DENY_IMPORT, document, type PolicyStatement } from './bootstrap-policy.js';
import { MANAGED_BY, SNAPSHOT_TAGS } from './snapshot-tags.js';

export const executionRoleId = (env: CiEnvironment): string => `${env.id}ExecutionRole`;

const STACK_READS = [
  'cloudformation:DescribeStacks',
  'cloudformation:DescribeStackEvents',
  'cloudformation:DescribeStackResource',
  'cloudformation:DescribeStackResources',
  'cloudformation:ListStackResources',
  'cloudformation:GetTemplate',
  'cloudformation:GetTemplateSummary',
  'cloudformation:DescribeChangeSet',
  'cloudformation:ListChangeSets',
];

const DRIFT_ACTIONS = [
  'cloudformation:DetectStackDrift',
  'cloudformation:DetectStackResourceDrift',
  'cloudformation:DescribeStackResourceDrifts',
];

/**
 * Reads with the caller's credentials: drift detection reads every resource with them, `status` and
 * `logs` read the service, alarms and logs, deploy checks the database and certificate first. AWS offers
 * no resource scoping for most of these (Describe* is account-wide), and none of them returns a secret.
 */
function readStatements(env: CiEnvironment): PolicyStatement[] {
  const arns = environmentArns(env);
  return [
    allow(
      'AccountWideReads',
      [
        // Take no stack ARN. DescribeStacks and ListStacks on * let destroy see which other stacks share the
        // artifacts bucket, and the ownership check find this tool's tag.
        'cloudformation:DescribeStackDriftDetectionStatus',
        'cloudformation:ValidateTemplate',
        'cloudformation:DescribeStacks',
        'cloudformation:ListStacks',
        'ec2:Describe*',
        'elasticloadbalancing:Describe*',
        'ecs:DescribeTaskDefinition',
        'ecs:ListClusters',
        'ecs:ListServices',
        'ecs:ListTasks',
        'rds:DescribeDBInstances',
        'rds:DescribeDBSnapshots',
        'rds:DescribeDBSubnetGroups',
        'rds:DescribeDBParameterGroups',
        'rds:DescribeDBParameters',
        'rds:DescribeDBEngineVersions',
        'rds:ListTagsForResource',
        'logs:DescribeLogGroups',
        'secretsmanager:ListSecrets',
        'cloudwatch:GetMetricData',
        // status reads the database's FreeStorageSpace with GetMetricStatistics (src/aws/cloudwatch.ts).
        'cloudwatch:GetMetricStatistics',
        // Listing without an alarm name is authorized on "*"; the alarm definitions are not secret.
        'cloudwatch:DescribeAlarms',
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'acm:DescribeCertificate',
        'acm:ListTagsForCertificate',
        'kms:DescribeKey',
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:GetInstanceProfile',
        'sns:GetTopicAttributes',
        'sns:ListSubscriptionsByTopic',
        'sns:GetSubscriptionAttributes',
        'route53:GetHostedZone',
        'route53:ListResourceRecordSets',
        'route53:GetChange',
        's3:GetBucketPolicy',
        's3:GetBucketTagging',
        's3:GetEncryptionConfiguration',
        's3:GetLifecycleConfiguration',
        's3:GetBucketPublicAccessBlock',
        's3:GetBucketOwnershipControls',
        's3:GetBucketVersioning',
      ],
      '*',
    ),
    allow('EnvironmentStackReads', [...STACK_READS, ...DRIFT_ACTIONS], arns.stacks),
    allow(
      'EnvironmentServiceReads',
      ['ecs:DescribeClusters', 'ecs:DescribeServices', 'ecs:DescribeTasks'],
      [arns.clusters, arns.services, arns.tasks],
    ),
    allow(
      'EnvironmentLogs',
      [
        'logs:FilterLogEvents',
        'logs:GetLogEvents',
        'logs:StartLiveTail',
        'logs:DescribeLogStreams',
        'logs:ListTagsLogGroup',
        'logs:ListTagsForResource',
      ],
      arns.logGroups,
    ),
    // Drift reads the stack's own secrets' metadata (never their values).
    allow('EnvironmentSecretMetadata', ['secretsmanager:DescribeSecret'], '*', ownedByEnvironment(env)),
  ];
}

function bucketReads(): PolicyStatement {
  // HeadBucket needs ListBucket; the bucket itself is the bootstrap stack's, so nothing here changes it.
  return allow(
    'ArtifactsBucketReads',
    ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation', 's3:GetBucketTagging'],
    BOOTSTRAP_ARTIFACTS_BUCKET,
  );
}

function passExecutionRole(env: CiEnvironment): PolicyStatement {
  return allow(
    'PassOwnExecutionRole',
    ['iam:PassRole'],
    { raw: getAtt(executionRoleId(env), 'Arn') },
    { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
  );
}

/** Change sets only from this environment's prefix, only with its own execution role. */
function changeSetCondition(env: CiEnvironment, templateUrls: string[]) {
  return {
    StringEquals: { 'cloudformation:RoleArn': getAtt(executionRoleId(env), 'Arn') },
    StringLike: { 'cloudformation:TemplateUrl': templateUrls.map((url) => sub(url)) },
  };
}

export function deployRolePolicy(env: CiEnvironment) {
  const arns = environmentArns(env);
  return document([
    ...readStatements(env),
    bucketReads(),
    allow(
      'EnvironmentTemplates',
      ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      arns.objects,
    ),
    allow(
      'CreateChangeSets',
      ['cloudformation:CreateChangeSet'],
      arns.stacks,
      changeSetCondition(env, arns.templateUrls),
    ),
    // Deploy tags the stacks it makes (managed-by); destroy deletes through the role the stack keeps.
    allow(
      'DriveEnvironmentStacks',
      [
        'cloudformation:ExecuteChangeSet',
        'cloudformation:DeleteChangeSet',
        'cloudformation:DeleteStack',
        'cloudformation:TagResource',
        'cloudformation:UpdateTerminationProtection',
      ],
      arns.stacks,
    ),
    DENY_IMPORT,
    passExecutionRole(env),
    // ECS needs its service-linked roles before the first cluster and scaling target exist.
    allow(
      'EcsServiceLinkedRoles',
      ['iam:CreateServiceLinkedRole'],
      'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*',
      {
        StringEquals: {
          'iam:AWSServiceName': ['ecs.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com'],
        },
      },
    ),
    // Pre-upgrade snapshots of this environment's database, and the `snapshots` command's clean-up.
    allow(
      'SnapshotOwnDatabase',
      ['rds:CreateDBSnapshot'],
      'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:*',
      ownedByEnvironment(env),
    ),
    allow('ToolSnapshots', ['rds:CreateDBSnapshot', 'rds:AddTagsToResource'], arns.toolSnapshots),
    // `snapshots --prune` deletes only what deploy took: a snapshot named like one and carrying the tags
    // deploy gives it (src/deploy/pre-upgrade-snapshot.ts). Final snapshots have neither. RDS evaluates
    // rds:snapshot-tag/<key> against the snapshot's tags (RDS User Guide, "Specifying conditions: Using
    // custom tags").
    allow('PruneToolSnapshots', ['rds:DeleteDBSnapshot'], arns.toolSnapshots, {
      StringEquals: {
        [`rds:snapshot-tag/${MANAGED_BY.key}`]: MANAGED_BY.value,
        [`rds:snapshot-tag/${SNAPSHOT_TAGS.madeBy}`]: 'pre-upgrade',
        [`rds:snapshot-tag/${SNAPSHOT_TAGS.stack}`]: sub(arns.stack),
      },
    }),
    // Metabase's first admin: deploy writes the generated password into the data tier's admin secret, which
    // CloudFormation made under a generated name, so it is found by the tags CloudFormation gave it. Only
    // PutSecretValue: the tool never creates, tags or reads a secret.
    allow('FirstAdminSecret', ['secretsmanager:PutSecretValue'], arns.secrets, {
      StringEquals: { 'aws:ResourceTag/aws:cloudformation:logical-id': ADMIN_SECRET_LOGICAL_ID },
      ...ownedByEnvironment(env),
    }),
    // release-locks: one task of the stack's own task definition, in its own cluster, with its own roles.
    allow('RunOneOffTask', ['ecs:RunTask'], arns.taskDefinitions, {
      ArnLike: { 'ecs:cluster': sub(arns.clusters) },
    }),
    allow('TagOneOffTask', ['ecs:TagResource'], arns.tasks, {
      StringEquals: { 'ecs:CreateAction': 'RunTask' },
    }),
    allow('PassTaskRoles', ['iam:PassRole'], arns.roles, {
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    }),
  ]);
}

export function previewRolePolicy(env: CiEnvironment) {
  const arns = environmentArns(env);
  return document([
    ...readStatements(env),
    bucketReads(),
    allow('PreviewTemplates', ['s3:PutObject', 's3:GetObject'], arns.previewObjects),
    allow(
      'CreatePreviewChangeSets',
      ['cloudformation:CreateChangeSet'],
      arns.stacks,
      changeSetCondition(env, arns.previewTemplateUrls),
    ),
    // The preview discards its change set; deleting one never touches a resource.
    allow('DiscardChangeSets', ['cloudformation:DeleteChangeSet'], arns.stacks),
    DENY_IMPORT,
    passExecutionRole(env),
  ]);
}

export function driftRolePolicy(env: CiEnvironment) {
  return document([...readStatements(env), bucketReads()]);
}

export { ARTIFACTS_BUCKET };
