// The environments the bootstrap template sets up, and the ARNs one environment owns. Everything an
// environment may change is named or tagged after its root stack `<StackPrefix><env>`: CloudFormation names
// nested stacks `<root>-<LogicalId>-<random>` and gives generated physical names (roles, log groups,
// clusters, services, buckets) the stack name as prefix, and tags every taggable resource with
// `aws:cloudformation:stack-name`. So `<root>` and `<root>-*` are the environment, and nothing of another
// environment matches, as long as no environment name is another's followed by a dash.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-resource-tags.html
import { sub } from './intrinsics.js';

export interface CiEnvironment {
  /** GitHub Environment and params/<name>.json; the stack is <StackPrefix><name>. */
  name: string;
  /** Logical-id prefix in the bootstrap template. */
  id: string;
  /** Pull requests preview this environment's change set through `<name>-preview`. */
  preview: boolean;
}

export const CI_ENVIRONMENTS: readonly CiEnvironment[] = [
  { name: 'dev', id: 'Dev', preview: true },
  { name: 'prod', id: 'Prod', preview: false },
];

/** The GitHub Environments a job must run in to get each role: the OIDC token's exact `sub`. */
export function oidcSubject(environment: string): ReturnType<typeof sub> {
  return sub(`repo:\${GitHubRepository}:environment:${environment}`);
}

export const ARTIFACTS_BUCKET = 'metabase-aws-artifacts-${AWS::AccountId}-${AWS::Region}';
export const BOOTSTRAP_ARTIFACTS_BUCKET = `arn:\${AWS::Partition}:s3:::${ARTIFACTS_BUCKET}`;

/** ARN patterns (as Fn::Sub strings) of what one environment owns. */
export function environmentArns(env: CiEnvironment) {
  const stack = `\${StackPrefix}${env.name}`;
  const arn = (service: string, resource: string, region = '${AWS::Region}') =>
    `arn:\${AWS::Partition}:${service}:${region}:\${AWS::AccountId}:${resource}`;
  return {
    /** The root stack's name, as it appears in tags and generated names. */
    stack,
    /** The root stack and its nested stacks. */
    stacks: [arn('cloudformation', `stack/${stack}/*`), arn('cloudformation', `stack/${stack}-*/*`)],
    /** Its key prefix in the shared artifacts bucket; change sets may only use templates from here. */
    objects: `${BOOTSTRAP_ARTIFACTS_BUCKET}/${stack}/*`,
    /** Where a pull request's preview uploads: apart, so it can never overwrite what a deploy reads. */
    previewObjects: `${BOOTSTRAP_ARTIFACTS_BUCKET}/${stack}/preview/*`,
    templateUrls: [`https://${ARTIFACTS_BUCKET}.s3.\${AWS::Region}.\${AWS::URLSuffix}/${stack}/*`],
    previewTemplateUrls: [
      `https://${ARTIFACTS_BUCKET}.s3.\${AWS::Region}.\${AWS::URLSuffix}/${stack}/preview/*`,
    ],
    roles: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${stack}-*`,
    instanceProfiles: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:instance-profile/${stack}-*`,
    boundaryName: `${stack}-role-boundary`,
    boundary: `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${stack}-role-boundary`,
    logGroups: [arn('logs', `log-group:${stack}-*`), arn('logs', `log-group:${stack}-*:log-stream:*`)],
    clusters: arn('ecs', `cluster/${stack}-*`),
    services: arn('ecs', `service/${stack}-*/*`),
    tasks: arn('ecs', `task/${stack}-*/*`),
    taskDefinitions: arn('ecs', `task-definition/${stack}-*:*`),
    /** Snapshots the tool takes before an upgrade (`<stack>-pre-<version>-<time>`). */
    toolSnapshots: arn('rds', `snapshot:${stack}-pre-*`),
    /** Any secret of the account and region: Secrets Manager names are CloudFormation's, so tags decide. */
    secrets: arn('secretsmanager', 'secret:*'),
    alarms: arn('cloudwatch', `alarm:${stack}-*`),
    /** Alarms Application Auto Scaling makes for a target-tracking policy on the stack's service. */
    scalingAlarms: arn('cloudwatch', `alarm:TargetTracking-service/${stack}-*`),
    topics: arn('sns', `${stack}-*`),
    /** Buckets the stack creates (ALB access logs): generated names are the lowercased stack name first. */
    buckets: `arn:\${AWS::Partition}:s3:::${stack}-*`,
  };
}

/** `aws:ResourceTag/aws:cloudformation:stack-name` of a resource in this environment's stacks. */
export function ownedByEnvironment(env: CiEnvironment) {
  const { stack } = environmentArns(env);
  return {
    StringLike: { 'aws:ResourceTag/aws:cloudformation:stack-name': [sub(stack), sub(`${stack}-*`)] },
  };
}

export type ArnPatterns = ReturnType<typeof environmentArns>;
