// Metabase on ECS Fargate in the private subnets: no public IP, images pulled through the NAT, secrets
// injected by ECS, one stop-then-start deployment at a time so two versions never migrate the database.
import { ApplicationAutoScaling } from 'cloudform-types/types/applicationAutoScaling/index.namespace.js';
import { ECS } from 'cloudform-types/types/ecs/index.namespace.js';
import { IAM } from 'cloudform-types/types/iam/index.namespace.js';
import { Logs } from 'cloudform-types/types/logs/index.namespace.js';
import { DeletionPolicy } from 'cloudform-types/types/resource.js';
import type { ServiceProperties } from 'cloudform-types/types/ecs/service.js';
import {
  AUTOSCALING_CPU_TARGET_PERCENT,
  CONTAINER_NAME,
  CONTAINER_PORT,
  DATABASE_NAME,
  FARGATE_MEMORY_VALUES,
  HEALTH_CHECK_GRACE_SECONDS,
  javaHeapMiB,
} from '../config.js';
import { equals, findInMap, fnIf, getAtt, noValue, not, onlyIf, ref, split, sub } from '../intrinsics.js';
import type { CfnTemplate } from '../template.js';
import { nameTag, output, passedParameter, stringInput } from './common.js';
import { alarmConditions, alarmInputs, appAlarms } from './alarms.js';
import {
  settingConditions,
  settingEnvironment,
  settingSecretArns,
  settingSecrets,
  settingSlotParameters,
} from './metabase-settings.js';
import { deploymentConditions, deploymentConfiguration, serviceExtras } from './deployment.js';
import { metabaseImage } from './image.js';

// A JVM that ran out of memory is wedged, not dead: exit so ECS replaces the task.
const JAVA_OPTS_BY_MEMORY = Object.fromEntries(
  FARGATE_MEMORY_VALUES.map((memory) => [
    memory,
    { JavaOpts: `-Xmx${javaHeapMiB(Number(memory))}m -XX:+ExitOnOutOfMemoryError` },
  ]),
);

const secretsReadable = [
  ref('DbMasterSecretArn'),
  ref('EncryptionKeySecretArn'),
  fnIf('HasDockerHubCredentials', ref('DockerHubSecretArn'), noValue()),
  // Exactly the secrets MetabaseSecretSettings names, nothing else.
  ...settingSecretArns(),
];

function roles(): Record<string, IAM.Role> {
  const assumedByEcsTasks = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ecs-tasks.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
      },
    ],
  };
  const boundary = fnIf(
    'HasPermissionsBoundary',
    sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${RolePermissionsBoundary}'),
    noValue(),
  );
  return {
    // Used by the ECS agent, not by Metabase: pull credentials, the two secrets, the one log group.
    ExecutionRole: new IAM.Role({
      Description: 'ECS agent for Metabase: read its secrets, write its log group',
      AssumeRolePolicyDocument: assumedByEcsTasks,
      PermissionsBoundary: boundary,
      Policies: [
        {
          PolicyName: 'metabase-execution',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'ReadMetabaseSecrets',
                Effect: 'Allow',
                Action: 'secretsmanager:GetSecretValue',
                Resource: secretsReadable,
              },
              {
                Sid: 'WriteMetabaseLogs',
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: getAtt('LogGroup', 'Arn'),
              },
            ],
          },
        },
      ],
      Tags: [nameTag('execution')],
    }),
    // Metabase itself calls no AWS API: its role exists so the task has an identity, and grants nothing.
    TaskRole: new IAM.Role({
      Description: 'Metabase container: no AWS permissions',
      AssumeRolePolicyDocument: assumedByEcsTasks,
      PermissionsBoundary: boundary,
      Tags: [nameTag('task')],
    }),
  };
}

function taskDefinition(): ECS.TaskDefinition {
  return new ECS.TaskDefinition({
    Family: sub('${AWS::StackName}-metabase'),
    RequiresCompatibilities: ['FARGATE'],
    NetworkMode: 'awsvpc',
    Cpu: ref('TaskCpu'),
    Memory: ref('TaskMemory'),
    RuntimePlatform: { OperatingSystemFamily: 'LINUX', CpuArchitecture: 'X86_64' },
    ExecutionRoleArn: getAtt('ExecutionRole', 'Arn'),
    TaskRoleArn: getAtt('TaskRole', 'Arn'),
    ContainerDefinitions: [
      {
        Name: CONTAINER_NAME,
        Image: metabaseImage(),
        Essential: true,
        PortMappings: [{ ContainerPort: CONTAINER_PORT, Protocol: 'tcp' }],
        RepositoryCredentials: onlyIf('HasDockerHubCredentials', {
          CredentialsParameter: ref('DockerHubSecretArn'),
        }),
        Environment: [
          { Name: 'MB_DB_TYPE', Value: 'postgres' },
          // The URI is the only place Metabase takes SSL options; user and password come separately, as secrets.
          {
            Name: 'MB_DB_CONNECTION_URI',
            Value: sub(
              `postgres://\${DbEndpointAddress}:\${DbEndpointPort}/${DATABASE_NAME}?sslmode=require`,
            ),
          },
          { Name: 'JAVA_OPTS', Value: findInMap('JavaOptsByMemory', ref('TaskMemory'), 'JavaOpts') },
          { Name: 'MB_JETTY_PORT', Value: String(CONTAINER_PORT) },
          { Name: 'MB_CHECK_FOR_UPDATES', Value: 'false' },
          // Links in emails, subscriptions and embeds are built from this; https://DomainName with a domain.
          { Name: 'MB_SITE_URL', Value: ref('MetabaseUrl') },
          ...settingEnvironment(),
        ],
        Secrets: [
          { Name: 'MB_DB_USER', ValueFrom: sub('${DbMasterSecretArn}:username::') },
          { Name: 'MB_DB_PASS', ValueFrom: sub('${DbMasterSecretArn}:password::') },
          { Name: 'MB_ENCRYPTION_SECRET_KEY', ValueFrom: ref('EncryptionKeySecretArn') },
          ...settingSecrets(),
        ],
        LogConfiguration: {
          LogDriver: 'awslogs',
          Options: {
            'awslogs-group': ref('LogGroup'),
            'awslogs-region': ref('AWS::Region'),
            'awslogs-stream-prefix': 'metabase',
          },
        },
      },
    ],
    Tags: [nameTag('metabase')],
  });
}

/** The service properties cloudform-types lacks (deployment.ts), added to the typed ones. */
function withServiceExtras(properties: ServiceProperties): ServiceProperties {
  return { ...properties, ...serviceExtras() };
}

function service(): Record<
  string,
  ECS.Service | ApplicationAutoScaling.ScalableTarget | ApplicationAutoScaling.ScalingPolicy
> {
  return {
    Service: new ECS.Service(
      withServiceExtras({
        Cluster: ref('Cluster'),
        TaskDefinition: ref('TaskDefinition'),
        // A strategy rather than LaunchType, so switching FARGATE ↔ FARGATE_SPOT is an update, not a replacement.
        CapacityProviderStrategy: [{ CapacityProvider: ref('CapacityProvider'), Weight: 1, Base: 0 }],
        PlatformVersion: 'LATEST',
        // With autoscaling the service starts at MinTasks (without a DesiredCount ECS starts 1 and waits for
        // a scale-out alarm). The value changes only when MinTasks does, so an update that leaves MinTasks
        // alone does not reset what the scaler chose.
        DesiredCount: fnIf('AutoScalingEnabled', ref('MinTasks'), ref('DesiredCount')),
        // Stop-then-start with one task, rolling with more: see deployment.ts.
        DeploymentConfiguration: deploymentConfiguration(),
        DeploymentController: { Type: 'ECS' },
        HealthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE_SECONDS,
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            AssignPublicIp: 'DISABLED',
            Subnets: split(',', ref('PrivateSubnetIds')),
            SecurityGroups: [ref('TaskSecurityGroupId')],
          },
        },
        LoadBalancers: [
          {
            ContainerName: CONTAINER_NAME,
            ContainerPort: CONTAINER_PORT,
            TargetGroupArn: ref('TargetGroupArn'),
          },
        ],
        EnableECSManagedTags: true,
        PropagateTags: 'SERVICE',
        EnableExecuteCommand: false,
        Tags: [nameTag('metabase')],
      }),
    ).dependsOn('CapacityProviders'),
    ScalableTarget: new ApplicationAutoScaling.ScalableTarget({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: sub('service/${Cluster}/${Service.Name}'),
      MinCapacity: ref('MinTasks'),
      MaxCapacity: ref('MaxTasks'),
    }).condition('AutoScalingEnabled'),
    CpuScalingPolicy: new ApplicationAutoScaling.ScalingPolicy({
      PolicyName: sub('${AWS::StackName}-cpu'),
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: ref('ScalableTarget'),
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: AUTOSCALING_CPU_TARGET_PERCENT,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleOutCooldown: 120,
        // Metabase takes minutes to boot: scale in slowly so a brief lull does not cost a warm task.
        ScaleInCooldown: 600,
      },
    }).condition('AutoScalingEnabled'),
  };
}

/** The MB_ variables the task definition sets itself; MetabaseSettings may not name them. */
export function variablesSetByStack(): string[] {
  const [container] = taskDefinition().Properties.ContainerDefinitions as {
    Environment?: unknown[];
    Secrets?: unknown[];
  }[];
  return [...(container?.Environment ?? []), ...(container?.Secrets ?? [])]
    .map((entry) => (entry as { Name?: unknown }).Name)
    .filter((name): name is string => typeof name === 'string' && name.startsWith('MB_'));
}

export function appTemplate(): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'Metabase app tier: ECS Fargate cluster, task definition, service, logs, IAM roles, autoscaling',
    Parameters: {
      MetabaseVersion: passedParameter('MetabaseVersion'),
      MetabaseImageDigest: passedParameter('MetabaseImageDigest'),
      TaskCpu: passedParameter('TaskCpu'),
      CapacityProvider: passedParameter('CapacityProvider'),
      TaskMemory: passedParameter('TaskMemory'),
      DesiredCount: passedParameter('DesiredCount'),
      AutoScaling: passedParameter('AutoScaling'),
      MinTasks: passedParameter('MinTasks'),
      MaxTasks: passedParameter('MaxTasks'),
      ContainerInsights: passedParameter('ContainerInsights'),
      LogRetentionDays: passedParameter('LogRetentionDays'),
      DockerHubSecretArn: passedParameter('DockerHubSecretArn'),
      RolePermissionsBoundary: passedParameter('RolePermissionsBoundary'),
      PrivateSubnetIds: stringInput('Comma-separated private subnets for the tasks (network tier output)'),
      TaskSecurityGroupId: stringInput('Task security group (network tier output)'),
      TargetGroupArn: stringInput('Target group of the load balancer (edge tier output)'),
      MetabaseUrl: stringInput('Public URL of Metabase, for MB_SITE_URL (edge tier output)'),
      DbEndpointAddress: stringInput('Database host (data tier output)'),
      DbEndpointPort: stringInput('Database port (data tier output)'),
      DbMasterSecretArn: stringInput('Secret with the database credentials (data tier output)'),
      EncryptionKeySecretArn: stringInput('Secret with MB_ENCRYPTION_SECRET_KEY (data tier output)'),
      TargetGroupFullName: stringInput('Target group, as CloudWatch names it (edge tier output)'),
      LoadBalancerFullName: stringInput('Load balancer, as CloudWatch names it (edge tier output)'),
      ...alarmInputs(),
      ...settingSlotParameters(false),
    },
    Mappings: { JavaOptsByMemory: JAVA_OPTS_BY_MEMORY },
    Conditions: {
      HasDockerHubCredentials: not(equals(ref('DockerHubSecretArn'), '')),
      AutoScalingEnabled: equals(ref('AutoScaling'), 'true'),
      HasPermissionsBoundary: not(equals(ref('RolePermissionsBoundary'), '')),
      ContainerInsightsEnabled: equals(ref('ContainerInsights'), 'enabled'),
      ...alarmConditions(),
      ...settingConditions(),
      HasImageDigest: not(equals(ref('MetabaseImageDigest'), '')),
      ...deploymentConditions(),
    },
    Resources: {
      // Logs go with the stack, also when a change replaces the group (the new one gets the new logs);
      // explicit on both, so cfn-lint --include-checks I (I3011) has nothing to report.
      LogGroup: Object.assign(
        new Logs.LogGroup({
          RetentionInDays: ref('LogRetentionDays'),
          Tags: [nameTag('metabase')],
        }).deletionPolicy(DeletionPolicy.Delete),
        { UpdateReplacePolicy: DeletionPolicy.Delete },
      ),
      Cluster: new ECS.Cluster({
        ClusterSettings: [{ Name: 'containerInsights', Value: ref('ContainerInsights') }],
        Tags: [nameTag('cluster')],
      }),
      // Separate from the cluster: in an account where ECS never ran, a cluster created with capacity
      // providers races ECS's own creation of its service-linked role and fails the first deploy.
      CapacityProviders: new ECS.ClusterCapacityProviderAssociations({
        Cluster: ref('Cluster'),
        CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1, Base: 0 }],
      }),
      ...roles(),
      TaskDefinition: taskDefinition(),
      ...service(),
      ...appAlarms('Service', 'Cluster'),
    },
    Outputs: {
      ClusterName: output('ECS cluster', ref('Cluster')),
      ServiceName: output('ECS service running Metabase', getAtt('Service', 'Name')),
      LogGroupName: output('CloudWatch log group of the Metabase container', ref('LogGroup')),
      TaskDefinitionArn: output('Current task definition', ref('TaskDefinition')),
    },
  };
}
