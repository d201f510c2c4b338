// One-time account setup for running this tool from GitHub Actions without long-lived keys. For each
// environment (CI_ENVIRONMENTS: dev, prod) it makes its own roles, each trusted for one exact OIDC subject
// `repo:<owner>/<repo>:environment:<name>` (GitHub creates an environment, without protection rules, the
// first time a workflow names it, so a wildcard subject would hand prod's role to any branch):
// - <Env>DeployRole (environment `<env>`): change sets on `<StackPrefix><env>` and its nested stacks, with
//   that environment's execution role only, from its own prefix of the artifacts bucket;
// - DevPreviewRole (environment `dev-preview`, pull requests): create, describe and discard change sets;
// - <Env>DriftRole (environment `<env>-drift`): reads only;
// - <Env>ExecutionRole: what CloudFormation creates the stack with, changing only that environment's
//   resources; any role it creates carries <Env>RoleBoundary.
// The artifacts bucket is made here too, so that no CI role needs to change a bucket or its policy.
// Deploy passes the execution role (--role-arn); the stack remembers it for drift and destroy.
import { IAM } from 'cloudform-types/types/iam/index.namespace.js';
import { S3 } from 'cloudform-types/types/s3/index.namespace.js';
import { DeletionPolicy } from 'cloudform-types/types/resource.js';
import {
  ARTIFACTS_BUCKET,
  BOOTSTRAP_ARTIFACTS_BUCKET,
  CI_ENVIRONMENTS,
  environmentArns,
  oidcSubject,
  type CiEnvironment,
} from './bootstrap-arns.js';
import {
  deployRolePolicy,
  driftRolePolicy,
  executionRoleId,
  previewRolePolicy,
} from './bootstrap-ci-roles.js';
import { boundaryPolicy, executionRolePolicies, HAS_HOSTED_ZONE } from './bootstrap-execution.js';
import { allow, deny, document } from './bootstrap-policy.js';
import { equals, fnIf, getAtt, not, ref, sub } from './intrinsics.js';
import type { CfnTemplate } from './template.js';

const OIDC_PROVIDER = 'token.actions.githubusercontent.com';

function githubTrust(environment: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: {
          Federated: fnIf(
            'CreateOidcProvider',
            ref('GitHubOidcProvider'),
            sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${OIDC_PROVIDER}`),
          ),
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        // One exact subject: a job must run in this GitHub Environment, where its protection rules apply.
        Condition: {
          StringEquals: {
            [`${OIDC_PROVIDER}:aud`]: 'sts.amazonaws.com',
            [`${OIDC_PROVIDER}:sub`]: oidcSubject(environment),
          },
        },
      },
    ],
  };
}

function githubRole(
  description: string,
  environment: string,
  policyName: string,
  policy: ReturnType<typeof document>,
) {
  return new IAM.Role({
    Description: sub(description),
    MaxSessionDuration: 7200,
    AssumeRolePolicyDocument: githubTrust(environment),
    Policies: [{ PolicyName: policyName, PolicyDocument: policy }],
  });
}

function environmentResources(env: CiEnvironment): Record<string, unknown> {
  const arns = environmentArns(env);
  const resources: Record<string, unknown> = {
    [`${env.id}DeployRole`]: githubRole(
      `GitHub environment ${env.name}: deploys and destroys stack \${StackPrefix}${env.name} through its execution role`,
      env.name,
      'metabase-deploy',
      deployRolePolicy(env),
    ),
    [`${env.id}DriftRole`]: githubRole(
      `GitHub environment ${env.name}-drift: reads stack \${StackPrefix}${env.name} (drift, status, logs)`,
      `${env.name}-drift`,
      'metabase-read',
      driftRolePolicy(env),
    ),
    [`${env.id}RoleBoundary`]: new IAM.ManagedPolicy({
      ManagedPolicyName: sub(arns.boundaryName),
      Description: sub(
        `Ceiling for every role the ${arns.stack} stacks create: its own secrets and logs, the NAT instance agent`,
      ),
      PolicyDocument: boundaryPolicy(env),
    }),
    // CloudFormation passes the execution role to itself for each nested stack.
    [`${env.id}ExecutionRoleSelfPass`]: new IAM.Policy({
      PolicyName: 'pass-self-to-nested-stacks',
      Roles: [ref(executionRoleId(env))],
      PolicyDocument: document([
        allow(
          'PassSelfToCloudFormation',
          ['iam:PassRole'],
          { raw: getAtt(executionRoleId(env), 'Arn') },
          { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
        ),
      ]),
    }),
    [executionRoleId(env)]: new IAM.Role({
      Description: sub(
        `Used by CloudFormation to create, update and delete ${arns.stack} and its nested stacks`,
      ),
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudformation.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // Only CloudFormation acting for this account (confused-deputy protection).
            Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
          },
        ],
      },
    }),
  };
  for (const [index, part] of executionRolePolicies(env).entries()) {
    resources[`${env.id}ExecutionPolicy${String(index + 1)}`] = new IAM.ManagedPolicy({
      ManagedPolicyName: sub(`${arns.stack}-execution-${part.name}`),
      Description: sub(`CloudFormation execution role of ${arns.stack}: ${part.name}`),
      Roles: [ref(executionRoleId(env))],
      PolicyDocument: part.document,
    });
  }
  if (env.preview) {
    resources[`${env.id}PreviewRole`] = githubRole(
      `GitHub environment ${env.name}-preview (pull requests): change-set previews of \${StackPrefix}${env.name}, nothing else`,
      `${env.name}-preview`,
      'metabase-preview',
      previewRolePolicy(env),
    );
  }
  return resources;
}

function environmentOutputs(env: CiEnvironment): Record<string, unknown> {
  const arns = environmentArns(env);
  const roles: [string, string, string][] = [
    [`${env.id}DeployRoleArn`, `${env.id}DeployRole`, `role-to-assume of the ${env.name} jobs`],
    [`${env.id}DriftRoleArn`, `${env.id}DriftRole`, `role-to-assume of the ${env.name}-drift jobs`],
    [`${env.id}ExecutionRoleArn`, executionRoleId(env), `deploy --role-arn for ${env.name}`],
  ];
  if (env.preview)
    roles.push([
      `${env.id}PreviewRoleArn`,
      `${env.id}PreviewRole`,
      `role-to-assume of the ${env.name}-preview job`,
    ]);
  return {
    ...Object.fromEntries(
      roles.map(([output, role, description]) => [
        output,
        { Description: description, Value: getAtt(role, 'Arn') },
      ]),
    ),
    [`${env.id}RolePermissionsBoundary`]: {
      Description: `"RolePermissionsBoundary" of params/${env.name}.json`,
      Value: sub(arns.boundaryName),
    },
  };
}

function artifactsBucket() {
  const bucket = new S3.Bucket({
    BucketName: sub(ARTIFACTS_BUCKET),
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    },
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
  })
    .condition('CreateArtifactsBucket')
    .deletionPolicy(DeletionPolicy.Retain);
  // Templates of live stacks are read at every update: the bucket outlives this stack (cloudform-types has no
  // UpdateReplacePolicy setter).
  return Object.assign(bucket, { UpdateReplacePolicy: DeletionPolicy.Retain });
}

export function bootstrapTemplate(): CfnTemplate {
  const resources = Object.assign({}, ...CI_ENVIRONMENTS.map(environmentResources)) as Record<
    string,
    unknown
  >;
  const outputs = Object.assign({}, ...CI_ENVIRONMENTS.map(environmentOutputs)) as Record<string, unknown>;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'metabase-on-aws bootstrap: per-environment GitHub Actions OIDC roles, CloudFormation execution roles and role boundaries',
    Parameters: {
      GitHubRepository: {
        Type: 'String',
        AllowedPattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
        Description: 'owner/name of the repository whose workflows may deploy',
      },
      StackPrefix: {
        Type: 'String',
        Default: 'metabase-',
        // Lowercase: bucket names CloudFormation generates start with the stack name, lowercased.
        AllowedPattern: '^[a-z][a-z0-9-]*$',
        Description: 'The environments are the stacks <StackPrefix>dev and <StackPrefix>prod',
      },
      CreateOidcProvider: {
        Type: 'String',
        Default: 'true',
        AllowedValues: ['true', 'false'],
        Description: `false when the account already has the ${OIDC_PROVIDER} provider`,
      },
      CreateArtifactsBucket: {
        Type: 'String',
        Default: 'true',
        AllowedValues: ['true', 'false'],
        Description: `false when metabase-aws-artifacts-<account>-<region> already exists (an earlier deploy made it)`,
      },
      HostedZoneId: {
        Type: 'String',
        Default: '',
        AllowedPattern: '^(Z[A-Z0-9]{1,31})?$',
        Description:
          'Route 53 hosted zone of DomainName (HTTPS); the execution roles may change records there only',
      },
    },
    Conditions: {
      CreateOidcProvider: equals(ref('CreateOidcProvider'), 'true'),
      CreateArtifactsBucket: equals(ref('CreateArtifactsBucket'), 'true'),
      [HAS_HOSTED_ZONE]: not(equals(ref('HostedZoneId'), '')),
    },
    Resources: {
      GitHubOidcProvider: new IAM.OIDCProvider({
        Url: `https://${OIDC_PROVIDER}`,
        ClientIdList: ['sts.amazonaws.com'],
        // AWS no longer checks this for GitHub (it trusts its own CA list) but the property is required.
        ThumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      }).condition('CreateOidcProvider'),
      ArtifactsBucket: artifactsBucket(),
      ArtifactsBucketPolicy: new S3.BucketPolicy({
        Bucket: sub(ARTIFACTS_BUCKET),
        PolicyDocument: document([
          deny(
            'TlsOnly',
            ['s3:*'],
            [BOOTSTRAP_ARTIFACTS_BUCKET, `${BOOTSTRAP_ARTIFACTS_BUCKET}/*`],
            {
              Bool: { 'aws:SecureTransport': 'false' },
            },
            '*',
          ),
        ]),
      }).condition('CreateArtifactsBucket'),
      ...resources,
    },
    Outputs: {
      ...outputs,
      ArtifactsBucket: {
        Description: 'shared by the environments, one prefix each',
        Value: sub(ARTIFACTS_BUCKET),
      },
      OidcProvider: {
        Description: 'The OIDC provider created here',
        Value: ref('GitHubOidcProvider'),
        Condition: 'CreateOidcProvider',
      },
    },
  };
}
