// What deploy says about the first-admin setup and the domain once Metabase is healthy: who the admin
// is and where the generated password is (never the password), that /setup is open and to whom, or the
// CNAME a user with DNS elsewhere has to create.
import type { DeployResult } from '../deploy/deploy.js';
import type { RestorePlan } from '../deploy/restore.js';
import type { Style } from './style.js';

export interface SetupReport {
  stdout: string;
  stderr: string;
  /** /setup could not be claimed although AdminEmail asked for it: the deploy did not do its job. */
  failed: boolean;
  /** Ctrl-C came before the setup was done. */
  interrupted: boolean;
}

export function renderSetup(
  stackName: string,
  result: Pick<DeployResult, 'setup' | 'outputs' | 'health' | 'restore'>,
  values: Record<string, string>,
  style: Style,
): SetupReport {
  const report: SetupReport = { stdout: '', stderr: '', failed: false, interrupted: false };
  const url = result.outputs.MetabaseUrl ?? '';
  const domain = values.DomainName ?? '';
  if (domain !== '' && (values.HostedZoneId ?? '') === '' && result.outputs.LoadBalancerDnsName) {
    report.stdout += `DNS: ${domain} is yours to point at the load balancer; create (if not done yet) the record\n  ${domain}  CNAME  ${result.outputs.LoadBalancerDnsName}\n`;
  }
  const setup = result.setup;
  const from = values.AllowedIngressCidrs ?? '';
  switch (setup?.kind) {
    case undefined:
      if (!result.health && (values.AdminEmail ?? '') !== '')
        report.stderr += `deploy ${stackName}: Metabase's setup was not completed (no health wait); run deploy again without --no-wait-healthy to claim ${url}/setup for ${values.AdminEmail}.\n`;
      break;
    case 'done':
      report.stdout += `Metabase admin: ${setup.adminEmail}; its generated password is in Secrets Manager: ${setup.secretArn}\n  (read it with: aws secretsmanager get-secret-value --secret-id ${setup.secretArn} --query SecretString --output text)\n`;
      break;
    case 'already-set-up':
      report.stdout += setup.passwordUnused
        ? `Metabase already had an admin when deploy tried to set it up (HTTP 403): left alone; the password written to ${setup.passwordUnused} is not in use.\n`
        : 'Metabase is already set up: left alone.\n';
      // A restored database brings its admins along; the password deploy generated for the first one is
      // in the destroyed stack's admin secret, which the restore reuses when it finds it.
      if (result.restore) report.stdout += restoredAdmin(result.restore, result.outputs.AdminSecretArn);
      break;
    case 'open':
      report.stderr += `${style.yellow(`warning: ${url}/setup is open: the first visitor to complete it becomes Metabase's admin, from anywhere in AllowedIngressCidrs (${from}).`)}\nOpen it yourself now, or set "AdminEmail" in the params file and deploy again so deploy claims it.\n`;
      break;
    case 'interrupted':
      report.interrupted = true;
      report.stderr += `deploy ${stackName}: interrupted during Metabase's first-admin setup; the stack is deployed. If ${url}/setup is still open, run deploy again to claim it, or open it yourself now.\n`;
      break;
    case 'failed':
      report.failed = true;
      report.stderr += `deploy ${stackName}: could not complete Metabase's setup: ${setup.reason}\n${url}/setup stays open to AllowedIngressCidrs (${from}) until someone completes it: run deploy again, or open it yourself now.\n`;
      break;
  }
  return report;
}

function restoredAdmin(restore: RestorePlan, adminSecretArn: string | undefined): string {
  const head = `  Restored from ${restore.snapshot.id}: its admins are the snapshot's.`;
  const admin = restore.admin;
  if (admin.source === 'snapshot tags' || admin.source === 'stack name')
    return `${head} The password deploy generated for the first one is in ${adminSecretArn ?? admin.arn} (AdminSecretArn: the destroyed stack's admin secret, reused as ExistingAdminSecretArn).\n`;
  return `${head} No secret holds their passwords (${admin.missing ?? 'none found'})${adminSecretArn ? `; ${adminSecretArn} is new and holds none of them` : ''}: an admin who does not know theirs must have it reset in Metabase.\n`;
}
