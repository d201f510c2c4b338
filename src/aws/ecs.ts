// ECS, for the one-off `release-locks` task: read the service (its task definition and network
// configuration, and whether tasks are running), run one task of that definition with a command
// override, and read that task until it stops.
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
  type AssignPublicIp,
} from '@aws-sdk/client-ecs';

export interface ServiceInfo {
  serviceArn: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  taskDefinition: string;
  subnets: string[];
  securityGroups: string[];
  /** ENABLED | DISABLED */
  assignPublicIp: string;
}

export interface OneOffTaskInput {
  cluster: string;
  taskDefinition: string;
  subnets: string[];
  securityGroups: string[];
  containerName: string;
  /** Replaces the image's CMD; the image's ENTRYPOINT still runs. */
  command: string[];
  /** Shown in the console and in ListTasks --started-by. */
  startedBy: string;
}

export interface TaskInfo {
  taskArn: string;
  /** PROVISIONING … RUNNING … STOPPED */
  lastStatus: string;
  stopCode?: string | undefined;
  stoppedReason?: string | undefined;
  containers: { name: string; exitCode?: number | undefined; reason?: string | undefined }[];
}

export interface EcsApi {
  /** undefined when the cluster has no such service (or only an INACTIVE one). */
  describeService(cluster: string, service: string): Promise<ServiceInfo | undefined>;
  /** The task's ARN; ECS's reason when it placed no task. */
  runOneOffTask(input: OneOffTaskInput): Promise<{ taskArn: string } | { failure: string }>;
  describeTask(cluster: string, taskArn: string): Promise<TaskInfo | undefined>;
}

export function sdkEcs(client: ECSClient): EcsApi {
  return {
    async describeService(cluster, service) {
      const out = await client.send(new DescribeServicesCommand({ cluster, services: [service] }));
      const s = out.services?.[0];
      if (!s || s.status === 'INACTIVE') return undefined;
      const network = s.networkConfiguration?.awsvpcConfiguration;
      return {
        serviceArn: s.serviceArn ?? service,
        status: s.status ?? 'UNKNOWN',
        desiredCount: s.desiredCount ?? 0,
        runningCount: s.runningCount ?? 0,
        pendingCount: s.pendingCount ?? 0,
        taskDefinition: s.taskDefinition ?? '',
        subnets: network?.subnets ?? [],
        securityGroups: network?.securityGroups ?? [],
        assignPublicIp: network?.assignPublicIp ?? 'DISABLED',
      };
    },
    async runOneOffTask(input) {
      const out = await client.send(
        new RunTaskCommand({
          cluster: input.cluster,
          taskDefinition: input.taskDefinition,
          count: 1,
          // On-demand even when the service runs on Spot: a migration tool stopped halfway helps nobody.
          launchType: 'FARGATE',
          platformVersion: 'LATEST',
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: input.subnets,
              securityGroups: input.securityGroups,
              assignPublicIp: 'DISABLED' satisfies AssignPublicIp,
            },
          },
          overrides: { containerOverrides: [{ name: input.containerName, command: input.command }] },
          enableExecuteCommand: false,
          startedBy: input.startedBy,
          propagateTags: 'TASK_DEFINITION',
        }),
      );
      const taskArn = out.tasks?.[0]?.taskArn;
      if (taskArn) return { taskArn };
      const failure = out.failures?.[0];
      return { failure: [failure?.reason, failure?.detail].filter(Boolean).join(': ') || 'no task started' };
    },
    async describeTask(cluster, taskArn) {
      const out = await client.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
      const task = out.tasks?.[0];
      if (!task) return undefined;
      return {
        taskArn,
        lastStatus: task.lastStatus ?? 'UNKNOWN',
        stopCode: task.stopCode,
        stoppedReason: task.stoppedReason,
        containers: (task.containers ?? []).map((c) => ({
          name: c.name ?? '',
          exitCode: c.exitCode,
          reason: c.reason,
        })),
      };
    },
  };
}
