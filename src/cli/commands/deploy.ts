// `deploy`: validates the params offline, then runs the deploy flow and prints as it goes. With --json the
// progress goes to stderr and stdout holds one JSON document.
import { resolve } from 'node:path';
import type { AwsSession } from '../../aws/session.js';
import { flatten, type ChangePreview, type DatabaseRisk } from '../../deploy/changeset.js';
import { systemClock, type Clock } from '../../deploy/clock.js';
import type { DeployResult, DeployStep } from '../../deploy/deploy.js';
import { restoreFromProblem, type RestorePlan } from '../../deploy/restore.js';
import { messageOf } from '../../deploy/errors.js';
import type { PendingCertificate } from '../../deploy/certificate-wait.js';
import type { FetchLike } from '../../deploy/health.js';
import { nodeHttpClient } from '../../net/http.js';
import { renderSetup } from '../../ui/setup.js';
import { readTemplateSet, SHIPPED_TEMPLATES } from '../../deploy/package.js';
import { deployPreflight } from '../../deploy/preflight.js';
import { deployWithUpgrade, type UpgradeDeployResult } from '../../deploy/upgrade.js';
import { renderUpgradePlan, renderUpgradeStep, renderUpgradeStop } from '../../ui/upgrade-view.js';
import { renderPreview } from '../../ui/changeset-view.js';
import { renderImageLine } from '../../ui/image-line.js';
import { healthTimeoutHint, renderFailure, renderOutputs, renderStillRunning } from '../../ui/report.js';
import { formatDuration, makeStyle } from '../../ui/style.js';
import { asUserError, describeError, EXIT_ERROR, EXIT_INTERRUPTED, UserError } from '../errors.js';
import type { CliIo } from '../io.js';
import { progressPrinter } from '../terminal.js';
import { defaultStackName } from '../flags.js';
import { loadParamsOrExplain } from '../params.js';
import { plainHttpWarning } from '../../params/domain.js';
import { requireBoundaryWithRole } from '../role-boundary.js';
import { staleTemplates } from '../stale.js';
import { stackNameProblem } from '../../params/validate.js';
import { explainAwsError } from '../../aws/errors.js';
import { interruptiblePrompt, terminalPrompt, interruptibly, type Prompt } from '../prompt.js';

export interface DeployOptions {
  env?: string | undefined;
  params?: string | undefined;
  stackName?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  bucket?: string | undefined;
  roleArn?: string | undefined;
  templates?: string | undefined;
  yes: boolean;
  execute: boolean;
  waitHealthy: boolean;
  allowReplacement: boolean;
  /** the ownership override: update a stack without this tool's managed-by tag */
  allowUnmanaged?: boolean | undefined;
  json: boolean;
  /** --restore-from <snapshot id | ARN | latest> */
  restoreFrom?: string | undefined;
  newSecrets?: boolean | undefined;
  /** false: --no-snapshot */
  snapshot?: boolean | undefined;
}

/** What tests replace: AWS, time, the prompt, HTTP and Ctrl-C. */
export interface DeployCommandDeps {
  session?: AwsSession;
  clock?: Clock;
  prompt?: Prompt;
  fetch?: FetchLike;
  signal?: AbortSignal;
  healthTimeoutMs?: number;
  certificatePendingLimitMs?: number;
}

function stepText(step: DeployStep, stackName: string): string | undefined {
  switch (step.step) {
    case 'identity':
      return `Target: stack ${stackName} in account ${step.identity.account}, region ${step.region} (as ${step.identity.arn})`;
    case 'recreate':
      return `The stack is ${step.status} after an earlier failed create: deleting it and creating it again.`;
    case 'bucket':
      if (step.preview)
        return `Preview: CloudFormation reads nested templates only from S3, so any changed ones go to s3://${step.bucket} under new content-addressed keys (nothing a stack uses is replaced); the stack is not changed.`;
      return step.created
        ? `Created artifacts bucket s3://${step.bucket} (private, encrypted, TLS only)`
        : `Artifacts bucket s3://${step.bucket}`;
    case 'packaged': {
      const fresh = step.result.templates.filter((t) => t.uploaded).length;
      return `Templates: ${fresh} uploaded, ${step.result.templates.length - fresh} unchanged`;
    }
    case 'change-set':
      return `Creating change set ${step.name} (${step.type === 'CREATE' ? `new stack ${stackName}` : `update of ${stackName}`})...`;
    case 'restore':
      return restoreText(step.plan);
    case 'pinned':
      return `Keeping ${step.kept.map((k) => `${k.name}=${k.value}`).join(', ')} from the deployed stack (it was restored from a snapshot; dropping them would replace the database)`;
    case 'snapshot': {
      const why = step.changes.map((c) => `${c.parameter} ${c.from} → ${c.to}`).join(', ');
      return step.available
        ? `Pre-upgrade snapshot ${step.id} is available.`
        : `Taking pre-upgrade snapshot ${step.id} (${why}); waiting until it is available...`;
    }
    case 'snapshot-skipped':
      return `warning: --no-snapshot: upgrading (${step.changes.map((c) => `${c.parameter} ${c.from} → ${c.to}`).join(', ')}) without a snapshot first; the way back is then only a point-in-time restore of the automated backups.`;
    case 'executing':
      return `Executing; following ${stackName} and its nested stacks (Ctrl-C stops watching, not the deploy).`;
    case 'health':
      return `Waiting for ${step.url}/api/health to answer {"status":"ok"} (the first boot takes several minutes)...`;
    case 'setup':
      return `Checking Metabase's first-admin setup (${step.url}/setup)...`;
  }
}

function secretLine(label: string, choice: RestorePlan['dbMaster'], consequence: string): string {
  if (choice.source === 'new')
    return `  ${label}: NEW (--new-secrets; ${choice.missing ?? 'not found'}): ${consequence}`;
  return `  ${label}: ${choice.arn} (found by the ${choice.source === 'snapshot tags' ? "snapshot's tags" : 'stack name'})`;
}

function restoreText(plan: RestorePlan): string {
  const s = plan.snapshot;
  const taken = s.created ? `taken ${s.created.toISOString().replace(/\.\d+Z$/, 'Z')}, ` : '';
  return [
    `Restoring the database from snapshot ${s.id} (${plan.chosenBy === 'latest' ? 'the latest final snapshot, ' : ''}${taken}PostgreSQL ${s.engineVersion ?? '?'}, ${s.allocatedStorage ?? '?'} GiB)`,
    secretLine('DB master credentials', plan.dbMaster, 'a new password is set on the restored database'),
    secretLine(
      'MB_ENCRYPTION_SECRET_KEY',
      plan.encryptionKey,
      'saved data-source connections cannot be decrypted and must be re-entered',
    ),
    adminLine(plan.admin),
  ].join('\n');
}

/** Never a refusal: the restored admins are in the database either way; only where a password is differs. */
function adminLine(admin: RestorePlan['admin']): string {
  const label = "  Metabase first admin's password";
  switch (admin.source) {
    case 'snapshot tags':
    case 'stack name':
      return `${label}: ${admin.arn} (found by the ${admin.source === 'snapshot tags' ? "snapshot's tags" : 'stack name'}; AdminSecretArn will be this secret)`;
    case 'new':
      return `${label}: in no secret (${admin.missing ?? 'not found'}): the stack makes a new admin secret for AdminEmail, which holds none of the restored admins' passwords; a lost one must be reset in Metabase`;
    case 'none':
      return `${label}: in no secret (${admin.missing ?? 'not found'}; no AdminEmail): a lost password of a restored admin must be reset in Metabase`;
  }
}

function changeCounts(preview: ChangePreview | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { change } of flatten(preview?.changes ?? []))
    counts[change.action] = (counts[change.action] ?? 0) + 1;
  return counts;
}

export async function deployCommand(
  options: DeployOptions,
  io: CliIo,
  deps: DeployCommandDeps = {},
): Promise<number> {
  const started = (deps.clock ?? systemClock).now();
  const stackName = defaultStackName(options);
  if (options.stackName === undefined && options.params !== undefined) {
    const problem = stackNameProblem(stackName);
    if (problem)
      throw new UserError(
        `deploy ${options.params}: the stack name taken from the file name is not usable: ${problem}`,
        'Pass --stack-name NAME to say which stack this file deploys to.',
      );
  }
  if (options.restoreFrom !== undefined) {
    const problem = restoreFromProblem(options.restoreFrom);
    if (problem)
      throw new UserError(
        `deploy ${stackName} --restore-from: ${problem}`,
        `Pass a snapshot's identifier or ARN (\`metabase-aws snapshots --stack-name ${stackName}\` lists them), or latest for the newest final snapshot of ${stackName}.`,
      );
  }
  const { shown, values } = await loadParamsOrExplain({ ...options, stackName }, io, 'deploy');
  requireBoundaryWithRole(stackName, options.roleArn, values, shown);
  const httpWarning = plainHttpWarning(values);
  if (options.execute && !options.yes && !io.isTty) {
    throw new UserError(
      `deploy ${stackName}: confirmation needed, but this is not an interactive terminal`,
      'Pass --yes to deploy without a prompt (CI), or --no-execute to preview only.',
    );
  }
  const templatesDir = options.templates ? resolve(io.cwd, options.templates) : SHIPPED_TEMPLATES;
  if (!options.templates) {
    const stale = await staleTemplates(templatesDir);
    if (stale.length > 0)
      throw new UserError(
        `deploy ${templatesDir}: the templates are stale: ${stale.join(', ')} differ from what src/synth generates now`,
        'Run `metabase-aws synth` (and review and commit the diff), then deploy again.',
      );
  }
  const templates = await readTemplateSet(templatesDir).catch((error: unknown) => {
    throw new UserError(
      `deploy ${templatesDir}: cannot read the templates (${(error as Error).message})`,
      'Run `metabase-aws synth` to write them, or point --templates at a directory holding root.yaml.',
    );
  });

  const session =
    deps.session ??
    (await import('../../aws/session.js')).openSession({
      region: options.region,
      profile: options.profile,
      endpointUrl: options.endpointUrl,
    });
  const clock = deps.clock ?? systemClock;
  const prompt = deps.prompt ?? terminalPrompt;
  const style = makeStyle(io.isTty && !options.json, io.env);
  const info = options.json ? io.stderr : io.stdout;
  const printer = progressPrinter(io, info, style, clock.now, options.json);
  let refusal: UserError | undefined;
  let account: string | undefined;
  // Ctrl-C at the prompt answers "no": the change set is discarded as for a declined deploy.
  const questions = interruptiblePrompt(prompt, io.stderr);
  const ask = async (question: string): Promise<string> => (await questions.ask(question)) ?? '';

  const confirm = async (_preview: ChangePreview, risks: DatabaseRisk[]): Promise<boolean> => {
    if (risks.length > 0 && !options.allowReplacement) {
      if (!io.isTty) {
        refusal = new UserError(
          `deploy ${stackName}: the change set would replace or remove the database or its secrets (${risks.map((r) => r.path).join(', ')})`,
          'Undo the change, or pass --allow-replacement if you really want new ones (an old database is kept as a snapshot, old secrets are retained).',
        );
        return false;
      }
      const typed = await ask(style.red(`Type the stack name (${stackName}) to go ahead anyway: `));
      return typed === stackName;
    }
    if (options.yes) return true;
    return /^y(es)?$/i.test(
      await ask(`Deploy these changes to ${stackName} (account ${account ?? 'unknown'}, ${region})? [y/N] `),
    );
  };

  const timing: DeployTiming = { outputsShown: false };
  const region = await session.region().catch((error: unknown) => {
    throw asUserError(error, `deploy ${stackName}`);
  });
  const run = (signal: AbortSignal): Promise<UpgradeDeployResult> =>
    deployWithUpgrade(
      {
        cf: session.cloudFormation,
        s3: session.s3,
        sts: session.sts,
        region,
        endpoint: session.endpoint,
        clock,
        fetch: deps.fetch ?? nodeHttpClient(),
        rds: session.rds,
        secrets: session.secrets,
        kms: session.kms,
        preflight: deployPreflight({
          iam: session.iam,
          rds: session.rds,
          acm: session.acm,
          region,
          paramsFile: shown,
          onEvent: (event) =>
            info(
              `Service-linked role for ${event.service}: ${event.outcome === 'created' ? 'created' : 'already there'}\n`,
            ),
        }),
      },
      {
        stackName,
        parameters: values,
        templates,
        bucket: options.bucket,
        roleArn: options.roleArn,
        execute: options.execute,
        waitHealthy: options.waitHealthy,
        healthTimeoutMs: deps.healthTimeoutMs,
        certificatePendingLimitMs: deps.certificatePendingLimitMs,
        signal,
        restore:
          options.restoreFrom !== undefined
            ? { from: options.restoreFrom, newSecrets: options.newSecrets === true }
            : undefined,
        preUpgradeSnapshot: options.snapshot !== false,
        allowUnmanaged: options.allowUnmanaged,
      },
      {
        onStep: (step) => {
          if (step.step === 'identity') account = step.identity.account;
          if (step.step === 'executing') timing.executedAt = clock.now();
          const text = stepText(step, stackName);
          if (text) info(`${text}\n`);
        },
        onPreview: (preview, risks) => {
          if (httpWarning) info(`${style.yellow(httpWarning)}\n`);
          info(renderPreview(stackName, preview, risks, style) + renderImageLine(values));
        },
        confirm,
        onEvent: printer.onEvent,
        onRound: printer.onRound,
        onHealth: (probe) => info(`  ${formatDuration(probe.elapsedMs).padStart(6)}  ${probe.last}\n`),
        onWatchEnd: () => printer.finish(),
        onStackReady: (ready) => {
          printer.finish();
          info(`${style.green(stackHeadline(ready, timing, clock.now()))}\n`);
          if (!timing.outputsShown) info(renderOutputs(ready.outputs, style));
          timing.outputsShown = true;
        },
        onUpgradePlan: (plan) => info(renderUpgradePlan(plan, style)),
        onUpgradeStep: (index, plan) => info(renderUpgradeStep(index, plan)),
      },
    );

  let result: UpgradeDeployResult;
  try {
    result = await interruptibly(run, deps.signal, session);
  } catch (error) {
    throw asUserError(error, `deploy ${stackName}`);
  } finally {
    printer.finish();
  }
  if (refusal) throw refusal;
  if (questions.interrupted && result.outcome === 'cancelled')
    result = { ...result, cancelledBy: 'interrupt' };
  const elapsed = formatDuration(clock.now() - started);
  let exitCode = report(result, options, io, region, elapsed, style, timing, values);
  if (result.upgrade) {
    io.stderr(renderUpgradeStop(stackName, result.upgrade));
    if (result.upgrade.stoppedBy === 'interrupted' && exitCode === 0) exitCode = EXIT_INTERRUPTED;
  }
  if (options.json) {
    const { preview: _preview, watchError, ...rest } = result;
    const lost =
      watchError === undefined
        ? {}
        : {
            watchError: explainAwsError(watchError)?.cause ?? messageOf(watchError),
          };
    const document = {
      command: 'deploy',
      region,
      ...rest,
      ...lost,
      changes: changeCounts(result.preview),
      apiCalls: session.calls.summary(),
      elapsedMs: clock.now() - started,
      exitCode,
    };
    io.stdout(`${JSON.stringify(document, null, 2)}\n`);
  }
  return exitCode;
}

/** When the stack operation ran, to say what each duration measures; and whether the outputs were printed. */
interface DeployTiming {
  executedAt?: number;
  outputsShown: boolean;
}

function stackHeadline(result: DeployResult, timing: DeployTiming, now: number | undefined): string {
  const name = result.stackName;
  if (result.outcome === 'no-changes') return `deploy ${name}: no changes; the stack is up to date.`;
  const took =
    timing.executedAt !== undefined && now !== undefined
      ? ` (the stack ${result.outcome === 'created' ? 'creation' : 'update'} took ${formatDuration(now - timing.executedAt)})`
      : '';
  return `deploy ${name}: ${result.status ?? result.outcome}${took}`;
}

/** An AWS error in its friendly form (with what to do), anything else by its message. */
function report(
  result: DeployResult,
  options: DeployOptions,
  io: CliIo,
  region: string,
  elapsed: string,
  style: ReturnType<typeof makeStyle>,
  timing: DeployTiming,
  values: Record<string, string>,
): number {
  const info = options.json ? io.stderr : io.stdout;
  const name = result.stackName;
  switch (result.outcome) {
    case 'preview':
      info(`deploy ${name}: preview only (--no-execute); nothing changed.\n`);
      return 0;
    case 'cancelled':
      if (result.cancelledBy === 'interrupt') {
        const recreated = result.recreatedFrom
          ? ` apart from removing the empty ${result.recreatedFrom} stack`
          : '';
        io.stderr(
          `deploy ${name}: interrupted before executing; nothing was changed${recreated} (the change set was discarded).\n`,
        );
        if (result.preUpgradeSnapshot)
          io.stderr(
            `The pre-upgrade snapshot ${result.preUpgradeSnapshot} stays in RDS, which finishes it if it was still being made (\`metabase-aws snapshots --stack-name ${name}\` lists it); deploy again to upgrade, with a fresh snapshot.\n`,
          );
        return EXIT_INTERRUPTED;
      }
      io.stderr(`deploy ${name}: cancelled; nothing changed.\n`);
      return EXIT_ERROR;
    case 'interrupted': {
      const follow = `${renderStillRunning('The CloudFormation operation', result.status, name, options)}Run deploy again once it has finished.\n`;
      if (result.watchError !== undefined) {
        io.stderr(
          `deploy ${name}: lost track of the stack operation: ${describeError(result.watchError)}\n${follow}`,
        );
        return EXIT_ERROR;
      }
      io.stderr(`deploy ${name}: stopped watching. ${follow}`);
      return EXIT_INTERRUPTED;
    }
    case 'failed':
      if (result.certificatePending) {
        io.stderr(certificatePendingText(name, result, result.certificatePending, values, options));
        return EXIT_ERROR;
      }
      io.stderr(
        renderFailure('deploy', name, result.status ?? 'unknown', result.rootCause, style, {
          elapsed,
          operation: 'this deploy',
        }),
      );
      return EXIT_ERROR;
    default:
      break;
  }
  // Normally said already, when the stack was ready (onStackReady), before the wait for Metabase.
  if (!timing.outputsShown)
    info(`${style.green(stackHeadline(result, timing, undefined))}\n${renderOutputs(result.outputs, style)}`);
  if (result.health && !result.health.healthy) {
    if (result.health.interrupted) {
      io.stderr(`deploy ${name}: stopped waiting for Metabase; the stack is deployed.\n`);
      return EXIT_INTERRUPTED;
    }
    io.stderr(`${unhealthyText(name, result.health, result.outputs, region)}\n`);
    return EXIT_ERROR;
  }
  const setup = renderSetup(name, result, values, style);
  if (setup.stdout) info(setup.stdout);
  if (setup.stderr) io.stderr(setup.stderr);
  if (setup.interrupted) return EXIT_INTERRUPTED;
  if (setup.failed) return EXIT_ERROR;
  if (result.health?.healthy) {
    const via = result.health.via
      ? `; reached through the load balancer ${result.health.via}: the name does not resolve yet`
      : '';
    info(
      `Metabase is up: ${result.outputs.MetabaseUrl} (healthy ${formatDuration(result.health.elapsedMs)} after the stack was ready${via}; the deploy took ${elapsed} in all)\n`,
    );
  }
  return 0;
}

/** A DNS or TLS failure is said as what it is; only a Metabase that answers badly is "not healthy". */
function unhealthyText(
  name: string,
  health: NonNullable<DeployResult['health']>,
  outputs: Record<string, string>,
  region: string,
): string {
  const waited = formatDuration(health.elapsedMs);
  if (health.failure === 'tls')
    return `deploy ${name}: HTTPS to Metabase failed the TLS check for ${waited}: ${health.last}\nThe stack is deployed; check that the certificate covers ${outputs.MetabaseUrl ?? 'the URL'} (DomainName) and is ISSUED in ACM.`;
  if (health.failure === 'dns')
    return `deploy ${name}: the name of ${outputs.MetabaseUrl ?? 'Metabase'} did not resolve for ${waited}: ${health.last}\nThe stack is deployed; point the name at ${outputs.LoadBalancerDnsName ?? 'the load balancer'} (CNAME) and run deploy again to finish the setup.`;
  return `deploy ${name}: Metabase did not report healthy within ${waited} (last: ${health.last})\n${healthTimeoutHint(name, outputs, region)}`;
}

function certificatePendingText(
  name: string,
  result: DeployResult,
  pending: PendingCertificate,
  values: Record<string, string>,
  options: DeployOptions,
): string {
  const giveUp = result.status?.startsWith('CREATE')
    ? `to give up, \`metabase-aws destroy --stack-name ${name}\``
    : `to give up, \`aws cloudformation cancel-update-stack --stack-name ${name}\` rolls the update back`;
  const domain = values.DomainName || 'DomainName';
  const zone = values.HostedZoneId || 'HostedZoneId';
  const record = pending.reason ? `\n  CloudFormation: ${pending.reason}` : '';
  return (
    `deploy ${name}: the certificate for ${domain} (${pending.path}) is still waiting for DNS validation after ${formatDuration(pending.pendingMs)}: the hosted zone ${zone} may not be authoritative for ${domain}${record}\n` +
    // dig +trace follows the delegation from the root, so it works for a name at the apex of its zone too
    // (a "parent domain" of example.com would be com).
    `Check that ${domain} is in zone ${zone} and that the internet is sent to that zone: compare \`aws route53 get-hosted-zone --id ${zone} --query DelegationSet.NameServers\` with the NS records \`dig +trace ${domain}\` ends at (the parent domain's, at your registrar). ` +
    `CloudFormation keeps waiting meanwhile (${giveUp}). ${renderStillRunning('The stack operation', result.status, name, options)}`
  );
}
