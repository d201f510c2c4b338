// One-time account setup for running this tool from GitHub Actions without long-lived keys:
// - GitHubDeployRole, assumed through GitHub's OIDC provider by one repository. It may drive
//   CloudFormation for stacks named <StackPrefix>*, use the artifacts bucket, read what drift needs, and
//   pass exactly one role to CloudFormation.
// - CloudFormationExecutionRole, which CloudFormation uses to create the Metabase resources. Its rights
//   are limited to the services the templates use, and IAM changes to roles named <StackPrefix>*.
// Deploy passes the execution role (--role-arn); the stack remembers it for drift and destroy.
import { IAM } from 'cloudform-types/types/iam/index.namespace.js';
import { equals, fnIf, getAtt, ref, sub } from './intrinsics.js';
import type { CfnTemplate } from './template.js';

const STACKS = 'arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/${StackPrefix}*/*';
const ARTIFACTS_BUCKET = 'arn:${AWS::Partition}:s3:::metabase-aws-artifacts-${AWS::AccountId}-*';
const PREFIXED_ROLES = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${StackPrefix}*';

function statement(sid: string, actions: string[], resources: unknown, condition?: Record<string, unknown>) {
  return { Sid: sid, Effect: 'Allow', Action: actions, Resource: resources, ...(condition ? { Condition: condition } : {}) };
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
      // These two take no stack ARN.
      statement('StackWideReads', ['cloudformation:DescribeStackDriftDetectionStatus', 'cloudformation:ValidateTemplate'], '*'),
      statement(
        'ArtifactsBucket',
        ['s3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketPolicy', 's3:PutBucketTagging', 's3:GetBucketTagging', 's3:PutEncryptionConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketOwnershipControls', 's3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'],
        sub(ARTIFACTS_BUCKET),
      ),
      statement('ArtifactsObjects', ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion'], sub(`${ARTIFACTS_BUCKET}/*`)),
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
      statement('TurnOffDatabaseProtection', ['rds:ModifyDBInstance'], sub('arn:${AWS::Partition}:rds:*:${AWS::AccountId}:db:*'), {
        StringLike: { 'aws:ResourceTag/aws:cloudformation:stack-name': sub('${StackPrefix}*') },
      }),
    ],
  };
}

function executionRolePolicy() {
  return {
    Version: '2012-10-17',
    Statement: [
      statement(
        'MetabaseServices',
        ['ec2:*', 'elasticloadbalancing:*', 'ecs:*', 'rds:*', 'logs:*', 'application-autoscaling:*', 'secretsmanager:*', 'cloudwatch:*'],
        '*',
      ),
      statement('NestedStacks', ['cloudformation:*'], sub(STACKS)),
      statement('NestedTemplates', ['s3:GetObject'], sub(`${ARTIFACTS_BUCKET}/*`)),
      statement('NatInstanceAmi', ['ssm:GetParameters', 'ssm:GetParameter'], sub('arn:${AWS::Partition}:ssm:*::parameter/aws/service/ami-amazon-linux-latest/*')),
      statement(
        'MetabaseRoles',
        ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:UpdateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
        sub(PREFIXED_ROLES),
      ),
      statement('ServiceLinkedRoles', ['iam:CreateServiceLinkedRole'], '*', {
        StringLike: { 'iam:AWSServiceName': ['ecs.amazonaws.com', 'rds.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com'] },
      }),
    ],
  };
}

export function bootstrapTemplate(): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'metabase-on-aws bootstrap: GitHub Actions OIDC deploy role and the CloudFormation execution role',
    Parameters: {
      GitHubRepository: { Type: 'String', AllowedPattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$', Description: 'owner/name of the repository whose workflows may deploy' },
      StackPrefix: { Type: 'String', Default: 'metabase-', AllowedPattern: '^[A-Za-z][A-Za-z0-9-]*$', Description: 'Stacks (and the roles they create) whose names start with this' },
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
        Description: 'Assumed by GitHub Actions of one repository to deploy, drift-check and destroy Metabase stacks',
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
                  sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com'),
                ),
              },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: {
                StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
                StringLike: { 'token.actions.githubusercontent.com:sub': sub('repo:${GitHubRepository}:*') },
              },
            },
          ],
        },
        Policies: [{ PolicyName: 'metabase-deploy', PolicyDocument: deployRolePolicy() }],
      }),
      CloudFormationExecutionRole: new IAM.Role({
        Description: 'Used by CloudFormation to create and delete the Metabase stacks',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [{ PolicyName: 'metabase-resources', PolicyDocument: executionRolePolicy() }],
      }),
    },
    Outputs: {
      DeployRoleArn: { Description: 'role-to-assume for aws-actions/configure-aws-credentials', Value: getAtt('GitHubDeployRole', 'Arn') },
      ExecutionRoleArn: { Description: 'pass to deploy as --role-arn (the CFN_ROLE_ARN variable)', Value: getAtt('CloudFormationExecutionRole', 'Arn') },
      OidcProvider: { Description: 'The OIDC provider created here', Value: ref('GitHubOidcProvider'), Condition: 'CreateOidcProvider' },
    },
  };
}
