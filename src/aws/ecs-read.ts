// The ECS reads `status` needs: the service (counts, deployments, events) and the image of a task
// definition. Read-only; src/aws/ecs.ts (RunTask) is a separate concern.
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';

export interface ServiceDeployment {
  id: string;
  /** PRIMARY (the newest), ACTIVE (being replaced) or INACTIVE */
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  /** IN_PROGRESS, COMPLETED or FAILED (circuit breaker); absent for deployment types without one */
  rolloutState?: string | undefined;
  rolloutStateReason?: string | undefined;
  createdAt?: Date | undefined;
  updatedAt?: Date | undefined;
}

export interface ServiceEventInfo {
  createdAt?: Date | undefined;
  message: string;
}

export interface EcsServiceInfo {
  serviceName: string;
  /** ACTIVE, DRAINING or INACTIVE */
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  taskDefinition: string;
  deployments: ServiceDeployment[];
  /** newest first, as ECS returns them */
  events: ServiceEventInfo[];
}

export interface ContainerImage {
  containerName: string;
  image: string;
}

export interface EcsReadApi {
  /** undefined when ECS does not know the service (or the cluster) */
  describeService(cluster: string, service: string): Promise<EcsServiceInfo | undefined>;
  /** the images of a task definition's containers */
  taskDefinitionImages(taskDefinition: string): Promise<ContainerImage[]>;
}

export function sdkEcsRead(client: ECSClient): EcsReadApi {
  return {
    async describeService(cluster, service) {
      let out;
      try {
        out = await client.send(new DescribeServicesCommand({ cluster, services: [service] }));
      } catch (error) {
        if ((error as { name?: string }).name === 'ClusterNotFoundException') return undefined;
        throw error;
      }
      // A missing service is not an error but a `failures` entry with reason MISSING.
      const s = out.services?.[0];
      if (!s) return undefined;
      return {
        serviceName: s.serviceName ?? service,
        status: s.status ?? 'UNKNOWN',
        desiredCount: s.desiredCount ?? 0,
        runningCount: s.runningCount ?? 0,
        pendingCount: s.pendingCount ?? 0,
        taskDefinition: s.taskDefinition ?? '',
        deployments: (s.deployments ?? []).map((d) => ({
          id: d.id ?? '',
          status: d.status ?? '',
          taskDefinition: d.taskDefinition ?? '',
          desiredCount: d.desiredCount ?? 0,
          runningCount: d.runningCount ?? 0,
          pendingCount: d.pendingCount ?? 0,
          failedTasks: d.failedTasks ?? 0,
          rolloutState: d.rolloutState,
          rolloutStateReason: d.rolloutStateReason,
          createdAt: d.createdAt,
          updatedAt: d.updatedAt,
        })),
        events: (s.events ?? []).map((e) => ({ createdAt: e.createdAt, message: e.message ?? '' })),
      };
    },
    async taskDefinitionImages(taskDefinition) {
      const out = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
      return (out.taskDefinition?.containerDefinitions ?? []).map((c) => ({
        containerName: c.name ?? '',
        image: c.image ?? '',
      }));
    },
  };
}
