// A Metabase version change on a service of more than one task. Metabase migrates its database on the
// first start of a new version and holds Liquibase's lock while it does; a second new-version task waits
// about 10 s for that lock (5 × 2 s, metabase/db/liquibase.clj), exits, and counts toward the circuit
// breaker, which can then roll back in the middle of the migration and leave a stale lock. So exactly one
// new task must run against the database first. The templates roll stop-then-start whenever the service
// has one task (the SingleTask condition: DesiredCount 1, or MaxTasks 1 with autoscaling), so deploy runs
// the change as separate CloudFormation updates:
//   1. only with autoscaling already on: the old version pinned to one task (DesiredCount = MinTasks =
//      MaxTasks = 1). Otherwise the scaler, still allowed MaxTasks, could start more tasks of the new
//      version while the first one migrates: the scalable target is updated only after the service.
//   2. the new version with the counts at one: ECS stops the old task, then starts one new task, which
//      migrates alone; CloudFormation finishes when that task is healthy, and deploy waits for
//      /api/health too;
//   3. the requested parameters: only the counts change, the version is already migrated.
// Everything else the params file changes goes in with the first step. A step that fails, stays
// unhealthy or is interrupted ends the run; deploying again continues from where the stack is.
import type { StackInfo } from '../aws/cloudformation.js';
import {
  deploy,
  type DeployDeps,
  type DeployHooks,
  type DeployRequest,
  type DeployResult,
  type PreflightStep,
  waitForMetabase,
} from './deploy.js';

/** The parameters whose change is a Metabase version change (the digest pins the tag's image). */
export const VERSION_PARAMETERS = ['MetabaseVersion', 'MetabaseImageDigest'] as const;

export type UpgradeStepKind = 'pin-old' | 'upgrade' | 'restore';

export interface UpgradeStep {
  kind: UpgradeStepKind;
  parameters: Record<string, string>;
}

export interface UpgradePlan {
  from: string;
  to: string;
  /** the requested task counts, restored by the last step */
  counts: Record<string, string>;
  steps: UpgradeStep[];
}

export interface UpgradeRecord {
  from: string;
  to: string;
  steps: UpgradeStepKind[];
  /** steps that finished (and were healthy, for all but the last) */
  completed: number;
  /** why the run ended before its last step */
  stoppedBy?: 'failed' | 'unhealthy' | 'interrupted' | 'cancelled' | undefined;
}

export type UpgradeDeployResult = DeployResult & { upgrade?: UpgradeRecord | undefined };

export interface UpgradeHooks extends DeployHooks {
  onUpgradePlan?: ((plan: UpgradePlan) => void) | undefined;
  /** a step other than the first starts (its change set is created next) */
  onUpgradeStep?: ((index: number, plan: UpgradePlan) => void) | undefined;
}

function versionOf(parameters: Record<string, string>): string {
  const digest = parameters.MetabaseImageDigest;
  return digest ? `${parameters.MetabaseVersion ?? ''}@${digest}` : (parameters.MetabaseVersion ?? '');
}

const ONE_TASK = (autoScaling: boolean): Record<string, string> => ({
  DesiredCount: '1',
  ...(autoScaling ? { MinTasks: '1', MaxTasks: '1' } : {}),
});

/** The steps for this update, or undefined when one plain deploy is right (no version change, one task). */
export function upgradePlan(
  existing: StackInfo | undefined,
  requested: Record<string, string>,
): UpgradePlan | undefined {
  const deployed = existing?.parameters;
  if (!deployed?.MetabaseVersion || !requested.MetabaseVersion) return undefined;
  const from = versionOf(deployed);
  const to = versionOf(requested);
  if (from === to) return undefined;
  const autoScaling = requested.AutoScaling === 'true';
  const most = Number(autoScaling ? requested.MaxTasks : requested.DesiredCount);
  // One task already rolls stop-then-start: the plain deploy is the one-task upgrade.
  if (!(most > 1)) return undefined;

  const counts: Record<string, string> = autoScaling
    ? {
        DesiredCount: requested.DesiredCount ?? '',
        MinTasks: requested.MinTasks ?? '',
        MaxTasks: requested.MaxTasks ?? '',
      }
    : { DesiredCount: requested.DesiredCount ?? '' };
  const oldVersion = Object.fromEntries(
    VERSION_PARAMETERS.filter((name) => name in requested).map((name) => [name, deployed[name] ?? '']),
  );
  const steps: UpgradeStep[] = [];
  if (deployed.AutoScaling === 'true' && Number(deployed.MaxTasks) > 1) {
    steps.push({ kind: 'pin-old', parameters: { ...requested, ...ONE_TASK(autoScaling), ...oldVersion } });
  }
  steps.push({ kind: 'upgrade', parameters: { ...requested, ...ONE_TASK(autoScaling) } });
  steps.push({ kind: 'restore', parameters: requested });
  return { from, to, counts, steps };
}

/** deploy(), in steps when the update is a Metabase version change on more than one task. */
export async function deployWithUpgrade(
  deps: DeployDeps,
  request: DeployRequest,
  hooks: UpgradeHooks,
): Promise<UpgradeDeployResult> {
  const checks = deps.preflight;
  let plan: UpgradePlan | undefined;
  const planning: PreflightStep = async (context) => {
    const replaced = await checks?.(context);
    plan =
      context.plan === 'UPDATE' ? upgradePlan(context.existing, replaced ?? context.parameters) : undefined;
    if (!plan) return replaced;
    hooks.onUpgradePlan?.(plan);
    return plan.steps[0]?.parameters;
  };
  let result: UpgradeDeployResult = await deploy({ ...deps, preflight: planning }, request, hooks);
  // TypeScript cannot see the callback's assignment; read it through a function call.
  const found = ((): UpgradePlan | undefined => plan)();
  if (!found) return result;
  // The first step took the pre-upgrade snapshot for the whole run, before its change set executed
  // (deploy.ts compares the deployed stack with the requested parameters, not the step's); the later
  // steps take none.
  const snapshot = result.preUpgradeSnapshot;
  const withSnapshot = (r: UpgradeDeployResult): UpgradeDeployResult =>
    snapshot === undefined ? r : { ...r, preUpgradeSnapshot: snapshot };
  const record: UpgradeRecord = {
    from: found.from,
    to: found.to,
    steps: found.steps.map((s) => s.kind),
    completed: 0,
  };
  if (result.outcome === 'preview') return withSnapshot({ ...result, upgrade: record });

  for (let index = 1; index <= found.steps.length; index++) {
    const stopped = stopReason(result);
    if (stopped) return withSnapshot({ ...result, upgrade: { ...record, stoppedBy: stopped } });
    if (index === found.steps.length)
      return withSnapshot({ ...result, upgrade: { ...record, completed: index } });
    // The next step may start only once this one's task answers healthy.
    const health = result.health ?? (await healthBetweenSteps(deps, request, hooks, result));
    if (health && !health.healthy) {
      return withSnapshot({
        ...result,
        health,
        upgrade: { ...record, stoppedBy: health.interrupted ? 'interrupted' : 'unhealthy' },
      });
    }
    record.completed = index;
    if (request.signal?.aborted)
      return withSnapshot({ ...result, upgrade: { ...record, stoppedBy: 'interrupted' } });

    const step = found.steps[index];
    if (!step) break;
    hooks.onUpgradeStep?.(index, found);
    const last = index === found.steps.length - 1;
    result = await deploy(
      deps,
      {
        ...request,
        parameters: step.parameters,
        waitHealthy: last ? request.waitHealthy : true,
        preUpgradeSnapshot: 'done',
      },
      {
        ...hooks,
        // The user confirmed the plan with the first change set; a later one asks again only if it
        // would replace the database or its secrets (it should not: it changes task counts only).
        confirm: (preview, risks) =>
          risks.length > 0 ? hooks.confirm(preview, risks) : Promise.resolve(true),
      },
    );
  }
  return withSnapshot({ ...result, upgrade: record });
}

function stopReason(result: DeployResult): UpgradeRecord['stoppedBy'] {
  switch (result.outcome) {
    case 'updated':
    case 'no-changes':
      return undefined;
    case 'failed':
      return 'failed';
    case 'interrupted':
      return 'interrupted';
    default:
      return result.cancelledBy === 'interrupt' ? 'interrupted' : 'cancelled';
  }
}

async function healthBetweenSteps(
  deps: DeployDeps,
  request: DeployRequest,
  hooks: UpgradeHooks,
  result: DeployResult,
): Promise<DeployResult['health']> {
  const url = result.outputs.MetabaseUrl;
  // No URL (an old stack without the output): CloudFormation's UPDATE_COMPLETE already means ECS saw the
  // task healthy in the target group; that has to do.
  if (!url) return undefined;
  return waitForMetabase(deps, request, hooks, result.outputs, url);
}
