// Releasing a stuck Liquibase migration lock. A Metabase stopped in the middle of a migration (a task
// killed, a rollback) leaves DATABASECHANGELOGLOCK set, and every later start waits ~10 s for it and
// exits: "Database has migration lock; cannot run migrations. You can force-release these locks by running
// `java -jar metabase.jar migrate release-locks`" (Metabase's troubleshooting guide, "Metabase fails to
// start due to database locks", docs/troubleshooting-guide/application-database.md).
//
// There is no shell to run that in (ECS Exec stays off), so this runs it as a one-off task of the
// service's own task definition: same image, secrets (MB_DB_USER/PASS, the encryption key) and database
// URI, in the service's private subnets with its security group and no public IP. Only the command is
// overridden: the image's ENTRYPOINT /app/run_metabase.sh ends in `java $JAVA_OPTS -jar /app/metabase.jar
// "$@"` (metabase/metabase bin/docker/Dockerfile and run_metabase.sh), so the command
// ["migrate", "release-locks"] runs exactly the documented line, with the task's heap settings.
import type { CloudFormationApi } from '../aws/cloudformation.js';
import type { EcsApi, TaskInfo } from '../aws/ecs.js';
import { CONTAINER_NAME } from '../synth/config.js';
import { MANAGED_STACK_TAGS } from './bucket.js';
import type { Clock } from './clock.js';
import { OperationError } from './errors.js';

export const RELEASE_LOCKS_COMMAND = ['migrate', 'release-locks'] as const;

export interface ReleaseLocksDeps {
  cf: CloudFormationApi;
  ecs: EcsApi;
  clock: Clock;
}

export interface ReleaseLocksRequest {
  stackName: string;
  /** --force: run even while the service has tasks */
  force: boolean;
  /** asked when tasks are running and --force is not given; undefined: nobody to ask (no terminal) */
  confirmWhileRunning?: ((running: number) => Promise<boolean>) | undefined;
  signal?: AbortSignal | undefined;
  pollIntervalMs?: number | undefined;
  timeoutMs?: number | undefined;
  onTaskStarted?: ((task: { taskArn: string; logStream: string }) => void) | undefined;
  onTaskStatus?: ((status: string) => void) | undefined;
}

export interface ReleaseLocksResult {
  outcome: 'released' | 'failed' | 'cancelled' | 'interrupted';
  cluster: string;
  service: string;
  taskDefinition: string;
  taskArn?: string | undefined;
  exitCode?: number | undefined;
  stoppedReason?: string | undefined;
  /** the CloudWatch Logs stream of the task's container */
  logStream?: string | undefined;
  logGroup?: string | undefined;
}

/** awslogs names a stream <prefix>/<container>/<task id>; the app tier's prefix is "metabase". */
export function logStreamOf(taskArn: string): string {
  return `metabase/${CONTAINER_NAME}/${taskArn.split('/').pop() ?? taskArn}`;
}

export async function releaseLocks(
  deps: ReleaseLocksDeps,
  request: ReleaseLocksRequest,
): Promise<ReleaseLocksResult> {
  const { stackName } = request;
  const subject = `release-locks ${stackName}`;
  const stack = await deps.cf.describeStack(stackName);
  if (!stack) {
    throw new OperationError(
      `${subject}: no such stack`,
      'Check --stack-name, --region and --profile: the stack must be deployed.',
    );
  }
  // It changes the database: the stack must be one this tool deployed, with its ECS service.
  const tags = (await deps.cf.liveStacks()).find((s) => s.stackId === stack.stackId)?.tags ?? {};
  if (!Object.entries(MANAGED_STACK_TAGS).every(([k, v]) => tags[k] === v)) {
    throw new OperationError(
      `${subject}: the stack is not one metabase-aws deployed (no managed-by=metabase-aws tag)`,
      'Pass the --stack-name of a stack deployed with `metabase-aws deploy`.',
    );
  }
  const cluster = stack.outputs.ClusterName;
  const service = stack.outputs.ServiceName;
  if (!cluster || !service) {
    throw new OperationError(
      `${subject}: the stack has no ClusterName/ServiceName outputs (it is ${stack.status})`,
      'Deploy it first: the lock lives in the database the app tier connects to.',
    );
  }
  const info = await deps.ecs.describeService(cluster, service);
  if (!info?.taskDefinition) {
    throw new OperationError(
      `${subject}: the ECS service ${service} is not in cluster ${cluster}`,
      'Deploy the stack again, then retry.',
    );
  }
  const base = {
    cluster,
    service,
    taskDefinition: info.taskDefinition,
    logGroup: stack.outputs.LogGroupName,
  };

  // Releasing the lock under a Metabase that is migrating lets a second migration start beside it.
  const running = info.runningCount + info.pendingCount;
  if (running > 0 && !request.force) {
    if (!request.confirmWhileRunning) {
      throw new OperationError(
        `${subject}: the service has ${running} task${running === 1 ? '' : 's'} running or starting; releasing the lock under a Metabase that is migrating breaks the migration`,
        'Look at the logs first: if every task exits with "Database has migration lock", none is migrating; then pass --force.',
      );
    }
    if (!(await request.confirmWhileRunning(running))) return { ...base, outcome: 'cancelled' };
  }
  if (request.signal?.aborted) return { ...base, outcome: 'cancelled' };

  const started = await deps.ecs.runOneOffTask({
    cluster,
    taskDefinition: info.taskDefinition,
    subnets: info.subnets,
    securityGroups: info.securityGroups,
    containerName: CONTAINER_NAME,
    command: [...RELEASE_LOCKS_COMMAND],
    startedBy: 'metabase-aws release-locks',
  });
  if ('failure' in started) {
    throw new OperationError(
      `${subject}: ECS did not start the task: ${started.failure}`,
      'Fix what ECS names (capacity, subnets, the task definition), then retry.',
    );
  }
  const { taskArn } = started;
  const logStream = logStreamOf(taskArn);
  request.onTaskStarted?.({ taskArn, logStream });

  const interval = request.pollIntervalMs ?? 5000;
  const deadline = deps.clock.now() + (request.timeoutMs ?? 15 * 60_000);
  let last: TaskInfo | undefined;
  let lastStatus = '';
  while (last?.lastStatus !== 'STOPPED') {
    if (request.signal?.aborted) return { ...base, outcome: 'interrupted', taskArn, logStream };
    if (deps.clock.now() >= deadline) {
      throw new OperationError(
        `${subject}: the task ${taskArn} had not stopped after ${Math.round((request.timeoutMs ?? 900_000) / 60_000)} min (last status ${lastStatus || 'unknown'})`,
        `Look at its log stream ${logStream}; stop it with \`aws ecs stop-task --cluster ${cluster} --task ${taskArn}\` if it hangs.`,
      );
    }
    await deps.clock.sleep(interval, request.signal);
    last = await deps.ecs.describeTask(cluster, taskArn);
    if (last && last.lastStatus !== lastStatus) {
      lastStatus = last.lastStatus;
      request.onTaskStatus?.(lastStatus);
    }
  }
  const container = last.containers.find((c) => c.name === CONTAINER_NAME);
  const exitCode = container?.exitCode;
  return {
    ...base,
    outcome: exitCode === 0 ? 'released' : 'failed',
    taskArn,
    logStream,
    exitCode,
    stoppedReason: container?.reason ?? last.stoppedReason,
  };
}
