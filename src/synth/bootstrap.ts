// One-time account setup for running this tool from GitHub Actions without long-lived keys:
// - GitHubDeployRole, assumed through GitHub's OIDC provider by one repository. It may drive
//   CloudFormation for stacks named <StackPrefix>*, use the artifacts bucket, read what drift needs, and
//   pass exactly one role to CloudFormation.
// - CloudFormationExecutionRole, which CloudFormation uses to create the Metabase resources. Its rights
//   are limited to the services the templates use, and IAM changes to roles named <StackPrefix>*.
// - RoleBoundary, a managed policy every role the stacks create must carry as its permissions boundary
//   (params: "RolePermissionsBoundary": "<StackPrefix>role-boundary"). Without it, whoever can run a
//   workflow could have the execution role create an all-powerful role; with it, any such role is capped
//   at what Metabase's tasks need.
// Deploy passes the execution role (--role-arn); the stack remembers it for drift and destroy.
// Only jobs that run in a GitHub Environment can assume the deploy role: protect them there.
import { IAM } from 'cloudform-types/types/iam/index.namespace.js';
import { equals, fnIf, getAtt, ref, sub } from './intrinsics.js';
import type { CfnTemplate } from './template.js';

const STACKS = 'arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/${StackPrefix}*/*';
const ARTIFACTS_BUCKET = 'arn:${AWS::Partition}:s3:::metabase-aws-artifacts-${AWS::AccountId}-*';
const PREFIXED_ROLES = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${StackPrefix}*';
const BOUNDARY = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${StackPrefix}role-boundary';

function statement(sid: string, actions: string[], resources: unknown, condition?: Record<string, unknown>) {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: actions,
    Resource: resources,
    ...(condition ? { Condition: condition } : {}),
  };
}

function deployRolePolicy() {
  return {
    Version: '2012-10-17',
    Statement: [
      statement(
        'DriveMetabaseStacks',
        [
          'cloudformation:CreateChangeSet',
          'cloudformation:DescribeChangeSet',
          'cloudformation:ExecuteChangeSet',
          'cloudformation:DeleteChangeSet',
          'cloudformation:ListChangeSets',
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStackResource',
          'cloudformation:DescribeStackResources',
          'cloudformation:ListStackResources',
          'cloudformation:GetTemplate',
          'cloudformation:DeleteStack',
          'cloudformation:UpdateTerminationProtection',
          'cloudformation:DetectStackDrift',
          'cloudformation:DetectStackResourceDrift',
          'cloudformation:DescribeStackResourceDrifts',
        ],
        sub(STACKS),
      ),
      // These take no stack ARN; DescribeStacks on * lets destroy see which other stacks share the bucket.
      statement(
        'StackWideReads',
        [
          'cloudformation:DescribeStackDriftDetectionStatus',
          'cloudformation:ValidateTemplate',
          'cloudformation:DescribeStacks',
        ],
        '*',
      ),
      statement(
        'ArtifactsBucket',
        [
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:PutBucketPolicy',
          's3:PutBucketTagging',
          's3:GetBucketTagging',
          's3:PutEncryptionConfiguration',
          's3:PutBucketPublicAccessBlock',
          's3:PutBucketOwnershipControls',
          's3:ListBucket',
          's3:ListBucketVersions',
          's3:GetBucketLocation',
        ],
        sub(ARTIFACTS_BUCKET),
      ),
      statement(
        'ArtifactsObjects',
        ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
        sub(`${ARTIFACTS_BUCKET}/*`),
      ),
      statement('PassExecutionRole', ['iam:PassRole'], getAtt('CloudFormationExecutionRole', 'Arn'), {
        StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
      }),
      // Drift detection reads each resource with the caller's rights; destroy reads snapshots and protection.
      statement(
        'ReadForDriftAndDestroy',
        [
          'ec2:Describe*',
          'elasticloadbalancing:Describe*',
          'ecs:Describe*',
          'ecs:List*',
          'rds:Describe*',
          'rds:ListTagsForResource',
          'logs:DescribeLogGroups',
          'secretsmanager:DescribeSecret',
          'iam:GetRole',
          'iam:GetRolePolicy',
          'iam:ListRolePolicies',
          'iam:ListAttachedRolePolicies',
          'application-autoscaling:Describe*',
        ],
        '*',
      ),
      statement(
        'TurnOffDatabaseProtection',
        ['rds:ModifyDBInstance'],
        sub('arn:${AWS::Partition}:rds:*:${AWS::AccountId}:db:*'),
        {
          StringLike: { 'aws:ResourceTag/aws:cloudformation:stack-name': sub('${StackPrefix}*') },
        },
      ),
    ],
  };
}

function executionRolePolicy() {
  return {
    Version: '2012-10-17',
    Statement: [
      statement(
        'MetabaseServices',
        [
          'ec2:*',
          'elasticloadbalancing:*',
          'ecs:*',
          'rds:*',
          'logs:*',
          'application-autoscaling:*',
          'secretsmanager:*',
          'cloudwatch:*',
        ],
        '*',
      ),
      statement('NestedStacks', ['cloudformation:*'], sub(STACKS)),
      statement('NestedTemplates', ['s3:GetObject'], sub(`${ARTIFACTS_BUCKET}/*`)),
      statement(
        'NatInstanceAmi',
        ['ssm:GetParameters', 'ssm:GetParameter'],
        sub('arn:${AWS::Partition}:ssm:*::parameter/aws/service/ami-amazon-linux-latest/*'),
      ),
      // Creating a role or changing what it may do only with the boundary attached.
      statement(
        'BoundedRoleChanges',
        ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
        sub(PREFIXED_ROLES),
        {
          StringEquals: { 'iam:PermissionsBoundary': sub(BOUNDARY) },
        },
      ),
      statement(
        'MetabaseRoles',
        [
          'iam:DeleteRole',
          'iam:GetRole',
          'iam:UpdateRole',
          'iam:GetRolePolicy',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:ListRolePolicies',
          'iam:ListAttachedRolePolicies',
        ],
        sub(PREFIXED_ROLES),
      ),
      statement('PassTaskRoles', ['iam:PassRole'], sub(PREFIXED_ROLES), {
        StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      }),
      statement('ServiceLinkedRoles', ['iam:CreateServiceLinkedRole'], '*', {
        StringLike: {
          'iam:AWSServiceName': [
            'ecs.amazonaws.com',
            'rds.amazonaws.com',
            'elasticloadbalancing.amazonaws.com',
            'ecs.application-autoscaling.amazonaws.com',
          ],
        },
      }),
    ],
  };
}

export function bootstrapTemplate(): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'metabase-on-aws bootstrap: GitHub Actions OIDC deploy role and the CloudFormation execution role',
    Parameters: {
      GitHubRepository: {
        Type: 'String',
        AllowedPattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
        Description: 'owner/name of the repository whose workflows may deploy',
      },
      StackPrefix: {
        Type: 'String',
        Default: 'metabase-',
        AllowedPattern: '^[A-Za-z][A-Za-z0-9-]*$',
        Description: 'Stacks (and the roles they create) whose names start with this',
      },
      CreateOidcProvider: {
        Type: 'String',
        Default: 'true',
        AllowedValues: ['true', 'false'],
        Description: 'false when the account already has the token.actions.githubusercontent.com provider',
      },
    },
    Conditions: { CreateOidcProvider: equals(ref('CreateOidcProvider'), 'true') },
    Resources: {
      GitHubOidcProvider: new IAM.OIDCProvider({
        Url: 'https://token.actions.githubusercontent.com',
        ClientIdList: ['sts.amazonaws.com'],
        // AWS no longer checks this for GitHub (it trusts its own CA list) but the property is required.
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }).condition('CreateOidcProvider'),
      GitHubDeployRole: new IAM.Role({
        Description:
          'Assumed by GitHub Actions of one repository to deploy, drift-check and destroy Metabase stacks',
        MaxSessionDuration: 7200,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: {
                Federated: fnIf(
                  'CreateOidcProvider',
                  ref('GitHubOidcProvider'),
                  sub(
                    'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com',
                  ),
                ),
              },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
                // Jobs that run in a GitHub Environment (preview, deploy, drift, teardown all do), where
                // protection rules and required reviewers apply; not any workflow on any branch.
                StringLike: {
                  'token.actions.githubusercontent.com:sub': sub('repo:${GitHubRepository}:environment:*'),
                },
              },
            },
          ],
        },
        Policies: [{ PolicyName: 'metabase-deploy', PolicyDocument: deployRolePolicy() }],
      }),
      RoleBoundary: new IAM.ManagedPolicy({
        ManagedPolicyName: sub('${StackPrefix}role-boundary'),
        Description:
          'Ceiling for every role the Metabase stacks create: read secrets, write logs, nothing else',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            statement(
              'MetabaseTaskNeeds',
              ['secretsmanager:GetSecretValue', 'logs:CreateLogStream', 'logs:PutLogEvents'],
              '*',
            ),
          ],
        },
      }),
      // CloudFormation passes the execution role to itself for each nested stack.
      ExecutionRoleSelfPass: new IAM.Policy({
        PolicyName: 'pass-self-to-nested-stacks',
        Roles: [ref('CloudFormationExecutionRole')],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            statement(
              'PassSelfToCloudFormation',
              ['iam:PassRole'],
              getAtt('CloudFormationExecutionRole', 'Arn'),
              {
                StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
              },
            ),
          ],
        },
      }),
      CloudFormationExecutionRole: new IAM.Role({
        Description: 'Used by CloudFormation to create and delete the Metabase stacks',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'cloudformation.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        },
        Policies: [{ PolicyName: 'metabase-resources', PolicyDocument: executionRolePolicy() }],
      }),
    },
    Outputs: {
      DeployRoleArn: {
        Description: 'role-to-assume for aws-actions/configure-aws-credentials',
        Value: getAtt('GitHubDeployRole', 'Arn'),
      },
      RolePermissionsBoundary: {
        Description: 'set "RolePermissionsBoundary" to this in the params files CI deploys',
        Value: sub('${StackPrefix}role-boundary'),
      },
      ExecutionRoleArn: {
        Description: 'pass to deploy as --role-arn (the CFN_ROLE_ARN variable)',
        Value: getAtt('CloudFormationExecutionRole', 'Arn'),
      },
      OidcProvider: {
        Description: 'The OIDC provider created here',
        Value: ref('GitHubOidcProvider'),
        Condition: 'CreateOidcProvider',
      },
    },
  };
}
