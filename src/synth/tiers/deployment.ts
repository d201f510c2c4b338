// How the Metabase service rolls out a change, chosen by Conditions on the task counts.
//
// One task (DesiredCount 1, or MaxTasks 1 with autoscaling): stop, then start (0 % / 100 %). Two Metabase
// versions then never run at once, so two of them never race for Liquibase's migration lock. The deploy
// command drives a Metabase version change through this shape even for a bigger service: it deploys once
// with DesiredCount = MinTasks = MaxTasks = 1 (one new task migrates alone), waits for it to be healthy,
// then deploys the real counts (same version, nothing left to migrate).
//
// More than one task: rolling without downtime (100 % / 200 %). ECS starts the new tasks next to the old
// ones and stops an old task only once a new one is healthy in the target group. 50 % / 100 % would halve
// capacity during the roll and, with one task running under autoscaling, would round to 1 / 1 and never
// move. A second task of the same version never migrates: Metabase takes the lock only when a migration
// is pending (`has-unrun-migrations?` before `wait-for-migration-lock` in metabase/db/liquibase.clj).
//
// The circuit breaker cannot kill a migration in progress: it counts tasks that stopped (failed to start,
// exited, or failed load-balancer health checks after the grace period), and its threshold is
// 0.5 × desired count, at least 3 (AWS ECS API reference, ServiceDeploymentCircuitBreaker). With one new
// task, a task that is migrating has neither exited nor failed a counted health check (the grace period,
// HEALTH_CHECK_GRACE_SECONDS, covers the migration), so the breaker trips only after three tasks that
// already stopped. A second new-version task waiting on the lock (Metabase waits 5 × 2 s, then exits)
// cannot exist: version changes run with one task.
import { and, conditionRef, equals, fnIf, not, or, ref, type IntrinsicFunction } from '../intrinsics.js';

export const SINGLE_TASK_CONDITION = 'SingleTask';

/** True when the service runs (or may run) exactly one task at a time. */
export function deploymentConditions(): Record<string, IntrinsicFunction> {
  return {
    [SINGLE_TASK_CONDITION]: or([
      and([conditionRef('AutoScalingEnabled'), equals(ref('MaxTasks'), '1')]),
      and([not(conditionRef('AutoScalingEnabled')), equals(ref('DesiredCount'), '1')]),
    ]),
  };
}

export function deploymentConfiguration(): {
  MinimumHealthyPercent: IntrinsicFunction;
  MaximumPercent: IntrinsicFunction;
  DeploymentCircuitBreaker: { Enable: boolean; Rollback: boolean };
} {
  return {
    MinimumHealthyPercent: fnIf(SINGLE_TASK_CONDITION, 0, 100),
    MaximumPercent: fnIf(SINGLE_TASK_CONDITION, 100, 200),
    DeploymentCircuitBreaker: { Enable: true, Rollback: true },
  };
}

/**
 * Service properties cloudform-types (spec v148) does not model yet; checked against cfn-lint's bundled
 * AWS::ECS::Service registry schema, where neither is create-only.
 */
export function serviceExtras(): Record<string, unknown> {
  return {
    // A changed capacity provider strategy alone does not start a deployment: running tasks stay where
    // they are. A changed ForceNewDeploymentNonce does start one (AWS::ECS::Service ForceNewDeployment,
    // CloudFormation template reference; with the same nonce nothing is forced). The nonce is the
    // provider, so a switch between FARGATE and FARGATE_SPOT moves the tasks in the same deploy.
    ForceNewDeployment: {
      EnableForceNewDeployment: true,
      ForceNewDeploymentNonce: ref('CapacityProvider'),
    },
    // Explicit rather than ECS's default (ENABLED for services created since mid-2025, DISABLED for older
    // ones left unset). Rebalancing stops a task in a crowded AZ after starting one elsewhere: fine with
    // several tasks and 200 % headroom, pointless with one (one task is never unbalanced) and never worth
    // an unplanned restart of the only Metabase task.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html
    AvailabilityZoneRebalancing: fnIf(SINGLE_TASK_CONDITION, 'DISABLED', 'ENABLED'),
  };
}
