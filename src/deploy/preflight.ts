// Checks deploy makes after reading the stack and before changing anything, for updates CloudFormation
// would accept but AWS cannot carry out: they fail halfway through a nested stack, after other tiers have
// already changed, and the rollback may fail too. Offline where the deployed stack's parameters suffice,
// otherwise with read-only calls (RDS DescribeDBInstances, ACM DescribeCertificate). Also, before the
// first create, the service-linked roles ECS and its autoscaling need (see src/aws/iam.ts).
import type { AcmApi, CertificateInfo } from '../aws/acm.js';
import type { IamApi } from '../aws/iam.js';
import type { RdsApi } from '../aws/rds.js';
import type { PreflightContext } from './deploy.js';
import { OperationError } from './errors.js';
import { compareVersions } from './versions.js';

/**
 * Parameter changes deploy refuses, the one list (tests/synth/update-path.test.ts reads it):
 * - `any`: every change. A new VpcCidr replaces the VPC (CidrBlock is create-only on AWS::EC2::VPC), and
 *   with it every subnet, the database's subnet group and the database; the update fails halfway.
 * - `lower`: a decrease. RDS has no engine downgrade (a version is only ever upgraded in place), and
 *   "You can't reduce the amount of storage for a DB instance after storage has been allocated"
 *   (RDS User Guide, USER_PIOPS.ModifyingExisting): the DB update fails and the stack rolls back.
 */
export const REFUSED_PARAMETER_CHANGES = {
  VpcCidr: 'any',
  DbEngineVersion: 'lower',
  DbAllocatedStorage: 'lower',
} as const satisfies Record<string, 'any' | 'lower'>;

export type RefusedParameter = keyof typeof REFUSED_PARAMETER_CHANGES;

/** Whether deploy refuses to take `name` from `before` to `after`. */
export function deployRefuses(name: string, before: string, after: string): boolean {
  const rule = (REFUSED_PARAMETER_CHANGES as Record<string, 'any' | 'lower'>)[name];
  if (rule === 'any') return before !== after;
  if (rule === 'lower') return compareVersions(after, before) < 0;
  return false;
}

/** Service principals whose service-linked roles must exist before the first create. */
export const ECS_SERVICE = 'ecs.amazonaws.com';
export const ECS_AUTOSCALING_SERVICE = 'ecs.application-autoscaling.amazonaws.com';

export interface PreflightEvent {
  kind: 'service-linked-role';
  service: string;
  outcome: 'created' | 'exists';
}

export interface PreflightDeps {
  iam: IamApi;
  rds: RdsApi;
  acm: AcmApi;
  region: string;
  /** where the params came from, for "set X in <file>" */
  paramsFile: string;
  onEvent?: ((event: PreflightEvent) => void) | undefined;
}

/** The checks and preparations, as deploy's preflight step. */
export function deployPreflight(deps: PreflightDeps) {
  return async (context: PreflightContext): Promise<undefined> => {
    if (context.plan === 'UPDATE' && context.existing) {
      refuseVpcChange(context, deps);
      await refuseDatabaseShrink(context, deps);
    }
    await refuseUnissuedCertificate(context, deps);
    if (context.execute) await ensureServiceLinkedRoles(context, deps);
    return undefined;
  };
}

function refuseVpcChange(context: PreflightContext, deps: PreflightDeps): void {
  const before = context.existing?.parameters.VpcCidr;
  const after = context.parameters.VpcCidr;
  if (before === undefined || after === undefined || !deployRefuses('VpcCidr', before, after)) return;
  throw new OperationError(
    `deploy ${context.stackName}: VpcCidr cannot change from ${before} to ${after}: it would replace the VPC, every subnet and the database, and the update fails halfway`,
    `Set "VpcCidr": "${before}" in ${deps.paramsFile} again. For a new range, deploy a new stack (another --stack-name) and move the data over from a snapshot.`,
  );
}

async function refuseDatabaseShrink(context: PreflightContext, deps: PreflightDeps): Promise<void> {
  const { parameters, existing, stackName } = context;
  const wantedVersion = parameters.DbEngineVersion;
  const wantedStorage = parameters.DbAllocatedStorage;
  if (wantedVersion === undefined && wantedStorage === undefined) return;
  const instanceId = existing?.outputs.DbInstanceId;
  // Without the output (an old stack, or one whose data tier never finished) the stack's own parameters
  // are the best knowledge there is: still enough to refuse a change the template itself would make.
  const instance = instanceId ? await deps.rds.describeInstance(instanceId) : undefined;
  const runningVersion = instance?.engineVersion ?? existing?.parameters.DbEngineVersion;
  const runningStorage =
    instance?.allocatedStorageGiB !== undefined
      ? String(instance.allocatedStorageGiB)
      : existing?.parameters.DbAllocatedStorage;

  if (wantedVersion && runningVersion && deployRefuses('DbEngineVersion', runningVersion, wantedVersion)) {
    const stackSays = existing?.parameters.DbEngineVersion;
    const outside =
      stackSays !== undefined && stackSays !== runningVersion
        ? ` (the stack last deployed ${stackSays}: RDS upgraded it since, e.g. a forced minor upgrade)`
        : '';
    throw new OperationError(
      `deploy ${stackName}: DbEngineVersion ${wantedVersion} is lower than the PostgreSQL ${runningVersion} the database${instanceId ? ` ${instanceId}` : ''} runs${outside}; RDS cannot downgrade`,
      `Set "DbEngineVersion": "${runningVersion}" (or higher) in ${deps.paramsFile}; if this release of the tool does not accept ${runningVersion} yet, update the tool. An older version needs a new stack restored from a snapshot.`,
    );
  }
  if (wantedStorage && runningStorage && deployRefuses('DbAllocatedStorage', runningStorage, wantedStorage)) {
    throw new OperationError(
      `deploy ${stackName}: DbAllocatedStorage ${wantedStorage} GiB is smaller than the ${runningStorage} GiB the database has; RDS cannot shrink storage`,
      `Set "DbAllocatedStorage": ${runningStorage} (or more) in ${deps.paramsFile}. Less storage needs a new stack restored from a snapshot.`,
    );
  }
}

async function refuseUnissuedCertificate(context: PreflightContext, deps: PreflightDeps): Promise<void> {
  const arn = context.parameters.CertificateArn;
  if (!arn) return;
  const certificate = await deps.acm.describeCertificate(arn);
  if (certificate?.status === 'ISSUED') {
    refuseCertificateForAnotherName(context, deps, certificate);
    return;
  }
  // A load balancer takes only a certificate of its own account and region, and ACM answers "not found"
  // for any other: say which of the two the ARN names, as the user then knows what to fix.
  const [, arnRegion, arnAccount] = /^arn:[\w-]+:acm:([^:]*):([^:]*):/.exec(arn) ?? [];
  const cause = certificate
    ? `is ${certificate.status}, not ISSUED${certificate.domainName ? ` (${certificate.domainName})` : ''}`
    : arnRegion !== undefined && arnRegion !== deps.region
      ? `is in ${arnRegion}, and a load balancer in ${deps.region} can only use a certificate of its own region`
      : `does not exist in ${deps.region} for this account${arnAccount ? ` (the ARN names account ${arnAccount}; the Target line above shows the account deployed to)` : ''}`;
  const hint =
    certificate?.status === 'PENDING_VALIDATION'
      ? 'Finish its DNS validation (the CNAME record ACM shows for it), wait until ACM says ISSUED, then deploy again.'
      : `Request or import a certificate in ${deps.region} in the account deployed to, wait until ACM says ISSUED, and set its ARN as CertificateArn in ${deps.paramsFile}.`;
  throw new OperationError(
    `deploy ${context.stackName}: CertificateArn ${arn} ${cause}; the HTTPS listener would fail halfway through the ${context.plan === 'UPDATE' ? 'update' : 'create'}`,
    hint,
  );
}

/**
 * Whether a certificate name covers `host`: equal, or a wildcard standing for exactly one leftmost label
 * (RFC 6125 6.4.3, as browsers match it: *.example.com covers bi.example.com, not example.com nor
 * a.bi.example.com). DNS names compare without regard to case.
 */
export function certificateNameCovers(name: string, host: string): boolean {
  const [pattern, wanted] = [name.toLowerCase(), host.toLowerCase()];
  if (!pattern.startsWith('*.')) return pattern === wanted;
  const dot = wanted.indexOf('.');
  return dot > 0 && wanted.slice(dot) === pattern.slice(1);
}

/**
 * An ISSUED certificate for another name deploys fine, and then every browser, and deploy's own health
 * check, refuses the TLS handshake: only once the whole stack is up.
 */
function refuseCertificateForAnotherName(
  context: PreflightContext,
  deps: PreflightDeps,
  certificate: CertificateInfo,
): void {
  const domain = context.parameters.DomainName ?? '';
  const names = certificate.names?.length
    ? certificate.names
    : certificate.domainName
      ? [certificate.domainName]
      : [];
  if (domain === '' || names.length === 0) return;
  if (names.some((name) => certificateNameCovers(name, domain))) return;
  throw new OperationError(
    `deploy ${context.stackName}: CertificateArn ${certificate.arn} is for ${names.join(', ')}, which does not cover DomainName ${domain}; browsers and the health check would refuse it`,
    `Set CertificateArn in ${deps.paramsFile} to an ISSUED certificate in ${deps.region} for ${domain} (or for *.${domain.slice(domain.indexOf('.') + 1)}), or set DomainName to a name the certificate covers.`,
  );
}

async function ensureServiceLinkedRoles(context: PreflightContext, deps: PreflightDeps): Promise<void> {
  const autoScaling = context.parameters.AutoScaling === 'true';
  const firstCreate = context.plan !== 'UPDATE';
  const autoScalingTurnedOn = autoScaling && context.existing?.parameters.AutoScaling !== 'true';
  const services = [
    ...(firstCreate ? [ECS_SERVICE] : []),
    ...(autoScaling && (firstCreate || autoScalingTurnedOn) ? [ECS_AUTOSCALING_SERVICE] : []),
  ];
  for (const service of services) {
    const result = await deps.iam.ensureServiceLinkedRole(service);
    if (result.outcome === 'denied') {
      throw new OperationError(
        `deploy ${context.stackName}: cannot make sure the service-linked role for ${service} exists: access denied (iam:CreateServiceLinkedRole)`,
        `Have an administrator run \`aws iam create-service-linked-role --aws-service-name ${service}\` once in this account (an error saying the name "has been taken" means it exists), or grant iam:CreateServiceLinkedRole for ${service}, then deploy again.`,
      );
    }
    deps.onEvent?.({ kind: 'service-linked-role', service, outcome: result.outcome });
  }
}
