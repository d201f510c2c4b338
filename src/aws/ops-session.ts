// The read-only clients of `logs` and `status` (CloudWatch Logs, ECS, CloudWatch, RDS), built lazily and
// counted on the same ApiCallCounter as the command's AwsSession, so --json reports every call.
import { cloudWatchClient, cloudWatchLogsClient, ecsClient, rdsClient, type AwsTarget } from './clients.js';
import { sdkCloudWatch, type CloudWatchApi } from './cloudwatch.js';
import { sdkEcsRead, type EcsReadApi } from './ecs-read.js';
import { sdkLogs, type LogsApi } from './logs.js';
import { sdkRdsStatus, type RdsStatusApi } from './rds.js';
import { instrument, InterruptSwitch, type ApiCallCounter } from './session.js';

export interface OpsApis {
  logs: LogsApi;
  ecs: EcsReadApi;
  cloudWatch: CloudWatchApi;
  rds: RdsStatusApi;
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export function openOpsApis(
  target: AwsTarget,
  calls: ApiCallCounter,
  interrupt = new InterruptSwitch(),
): OpsApis {
  const logs = lazy(() => {
    const client = cloudWatchLogsClient(target);
    instrument(client, 'logs', calls, interrupt);
    return sdkLogs(client);
  });
  const ecs = lazy(() => {
    const client = ecsClient(target);
    instrument(client, 'ecs', calls, interrupt);
    return sdkEcsRead(client);
  });
  const cloudWatch = lazy(() => {
    const client = cloudWatchClient(target);
    instrument(client, 'cloudwatch', calls, interrupt);
    return sdkCloudWatch(client);
  });
  const rds = lazy(() => {
    const client = rdsClient(target);
    instrument(client, 'rds', calls, interrupt);
    return sdkRdsStatus(client);
  });
  return {
    get logs() {
      return logs();
    },
    get ecs() {
      return ecs();
    },
    get cloudWatch() {
      return cloudWatch();
    },
    get rds() {
      return rds();
    },
  };
}
