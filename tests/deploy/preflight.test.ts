// deploy's preflight: the refusals (VpcCidr change, engine downgrade, smaller storage, certificate not
// ISSUED) and the service-linked roles before the first create, over the fakes; then each one through
// the deploy command, where a refusal must come before anything is created or changed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { StackInfo } from '../../src/aws/cloudformation.js';
import { deployCommand, type DeployOptions } from '../../src/cli/commands/deploy.js';
import type { PreflightContext } from '../../src/deploy/deploy.js';
import { OperationError } from '../../src/deploy/errors.js';
import { compareVersions } from '../../src/deploy/versions.js';
import {
  certificateNameCovers,
  deployPreflight,
  deployRefuses,
  ECS_AUTOSCALING_SERVICE,
  ECS_SERVICE,
  REFUSED_PARAMETER_CHANGES,
  type PreflightEvent,
} from '../../src/deploy/preflight.js';
import { POSTGRES_VERSIONS } from '../../src/synth/config.js';
import { captureIo } from '../support/cli.js';
import { createTimeline, existingStack, fakeWorld, REGION, ROOT_ID, type FakeWorld } from './fakes.js';

const DEV = JSON.parse(readFileSync('params/dev.json', 'utf8')) as Record<string, unknown>;
const CERT = `arn:aws:acm:${REGION}:111122223333:certificate/0a1b2c3d-1111-2222-3333-444455556666`;

/** The dev parameters as deploy passes them (strings), with overrides. */
function values(overrides: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(DEV)) {
    if (k.startsWith('$')) continue;
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return { ...out, ...overrides };
}

function deployed(parameters: Record<string, string> = values()): StackInfo {
  return {
    stackId: ROOT_ID,
    stackName: 'metabase-dev',
    status: 'UPDATE_COMPLETE',
    outputs: { DbInstanceId: 'metabase-dev-db-1' },
    parameters,
    terminationProtection: false,
    tags: { 'managed-by': 'metabase-aws' },
  };
}

function preflightOf(world: FakeWorld, events: PreflightEvent[] = []) {
  return deployPreflight({
    iam: world.iam,
    rds: world.rds,
    acm: world.acm,
    region: REGION,
    paramsFile: 'params/dev.json',
    onEvent: (e) => events.push(e),
  });
}

function update(parameters: Record<string, string>, existing = deployed()): PreflightContext {
  return { stackName: 'metabase-dev', plan: 'UPDATE', existing, parameters, execute: true };
}

function instance(world: FakeWorld, engineVersion: string, allocatedStorage: number): void {
  world.rds.instances.set('metabase-dev-db-1', {
    id: 'metabase-dev-db-1',
    deletionProtection: false,
    status: 'available',
    engineVersion,
    allocatedStorageGiB: allocatedStorage,
  });
}

t.test('the refused list: what the update-path test reads', async (t) => {
  t.same(Object.keys(REFUSED_PARAMETER_CHANGES).sort(), ['DbAllocatedStorage', 'DbEngineVersion', 'VpcCidr']);
  t.ok(deployRefuses('VpcCidr', '10.0.0.0/16', '10.1.0.0/16'));
  t.notOk(deployRefuses('VpcCidr', '10.0.0.0/16', '10.0.0.0/16'));
  t.ok(deployRefuses('DbEngineVersion', '17.9', '17.6'));
  t.ok(deployRefuses('DbEngineVersion', '17.6', '16.13'));
  t.notOk(deployRefuses('DbEngineVersion', '16.13', '17.6'), 'a major upgrade is allowed');
  t.ok(
    deployRefuses('DbEngineVersion', '16.10', '16.9'),
    '16.10 is newer than 16.9 (numeric, not text order)',
  );
  t.ok(deployRefuses('DbAllocatedStorage', '50', '20'));
  t.notOk(deployRefuses('DbAllocatedStorage', '20', '100'), '100 > 20 although "100" < "20" as text');
  t.notOk(deployRefuses('TaskCpu', '1024', '512'), 'anything not listed is left to CloudFormation');
  // The shipped versions are in ascending order by the same comparison the refusal uses.
  const sorted = [...POSTGRES_VERSIONS].sort(compareVersions);
  t.same(sorted, [...POSTGRES_VERSIONS]);
});

t.test('VpcCidr: refused because CidrBlock is create-only on AWS::EC2::VPC (registry schema)', async (t) => {
  const script = `import json; from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as m; print(json.dumps(m.get_resource_schema('us-east-1', 'AWS::EC2::VPC').schema.get('createOnlyProperties', [])))`;
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  t.equal(result.status, 0, result.stderr);
  t.ok((JSON.parse(result.stdout) as string[]).includes('/properties/CidrBlock'));
  const network = readFileSync('templates/network.yaml', 'utf8');
  t.match(network, /CidrBlock:\s*\n?\s*Ref: VpcCidr/, 'the VPC takes its CidrBlock from VpcCidr');
});

t.test('VpcCidr change: refused offline, from the stack parameters alone', async (t) => {
  const world = fakeWorld();
  const error = await preflightOf(world)(update(values({ VpcCidr: '10.9.0.0/16' }))).catch((e: unknown) => e);
  t.type(error, OperationError);
  t.match((error as OperationError).message, /VpcCidr cannot change from 10\.0\.0\.0\/16 to 10\.9\.0\.0\/16/);
  t.match((error as OperationError).hint, /"VpcCidr": "10\.0\.0\.0\/16" in params\/dev\.json/);
  t.equal(world.acm.calls.length + world.iam.calls.length, 0);
});

t.test(
  'DbEngineVersion lower than the instance runs: refused, also after a forced minor upgrade',
  async (t) => {
    const world = fakeWorld();
    instance(world, '17.9', 20);
    await t.rejects(preflightOf(world)(update(values({ DbEngineVersion: '17.6' }))), {
      message:
        /DbEngineVersion 17\.6 is lower than the PostgreSQL 17\.9 the database metabase-dev-db-1 runs; RDS cannot downgrade/,
    });
    // The stack says 17.6 and the params too, but AWS upgraded the instance to 17.7 meanwhile.
    instance(world, '17.7', 20);
    const old = deployed(values({ DbEngineVersion: '17.6' }));
    const error = (await preflightOf(world)(update(values({ DbEngineVersion: '17.6' }), old)).catch(
      (e: unknown) => e,
    )) as OperationError;
    t.match(error.message, /runs \(the stack last deployed 17\.6: RDS upgraded it since/);
    t.match(error.hint, /"DbEngineVersion": "17\.7" \(or higher\)/);
    t.same(
      world.rds.calls.map((c) => c.name),
      ['describeInstance', 'describeInstance'],
    );
    // Same or higher: allowed.
    await preflightOf(world)(update(values({ DbEngineVersion: '17.7' }), old));
    await preflightOf(world)(update(values({ DbEngineVersion: '17.9' }), old));
  },
);

t.test('DbAllocatedStorage smaller than the instance has: refused; larger allowed', async (t) => {
  const world = fakeWorld();
  instance(world, '17.9', 50);
  await t.rejects(preflightOf(world)(update(values({ DbAllocatedStorage: '20' }))), {
    message:
      /DbAllocatedStorage 20 GiB is smaller than the 50 GiB the database has; RDS cannot shrink storage/,
    hint: /"DbAllocatedStorage": 50 \(or more\)/,
  });
  await preflightOf(world)(update(values({ DbAllocatedStorage: '100' })));
});

t.test('no DbInstanceId output: the stack parameters are the reference', async (t) => {
  const world = fakeWorld();
  const old = { ...deployed(values({ DbAllocatedStorage: '40' })), outputs: {} };
  await t.rejects(preflightOf(world)(update(values({ DbAllocatedStorage: '20' }), old)), {
    message: /smaller than the 40 GiB/,
  });
  t.equal(world.rds.calls.length, 0);
});

t.test('CertificateArn: ISSUED passes; pending, expired or unknown refused with what to do', async (t) => {
  const world = fakeWorld();
  const check = (status?: string) => {
    if (status) world.acm.certificates.set(CERT, { arn: CERT, status, domainName: 'bi.example.com' });
    else world.acm.certificates.delete(CERT);
    return preflightOf(world)(update(values({ CertificateArn: CERT })));
  };
  await check('ISSUED');
  await t.rejects(check('PENDING_VALIDATION'), {
    message: /CertificateArn arn:aws:acm:.* is PENDING_VALIDATION, not ISSUED \(bi\.example\.com\)/,
    hint: /Finish its DNS validation/,
  });
  await t.rejects(check('EXPIRED'), { message: /is EXPIRED, not ISSUED/, hint: /Request or import/ });
  await t.rejects(check(), { message: /does not exist in eu-west-1.*halfway through the update$/ });
  // Not found, and the ARN says why: another region, or another account.
  const other = (arn: string) => preflightOf(world)(update(values({ CertificateArn: arn })));
  await t.rejects(other(CERT.replace(':eu-west-1:', ':us-east-1:')), {
    message:
      /is in us-east-1, and a load balancer in eu-west-1 can only use a certificate of its own region; the HTTPS listener/,
  });
  await t.rejects(other(CERT.replace(':111122223333:', ':999988887777:')), {
    message: /does not exist in eu-west-1 for this account \(the ARN names account 999988887777;/,
  });
  // On a first create too: the listener would fail just the same.
  await t.rejects(
    preflightOf(world)({
      stackName: 'metabase-dev',
      plan: 'CREATE',
      existing: undefined,
      parameters: values({ CertificateArn: CERT }),
      execute: true,
    }),
    { message: /does not exist.*halfway through the create$/ },
  );
  t.notOk(world.iam.calls.length, 'refused before any service-linked role is created');
  world.acm.calls = [];
  await preflightOf(world)(update(values()));
  t.equal(world.acm.calls.length, 0, 'no certificate, no ACM call');
});

t.test('CertificateArn: an ISSUED certificate that does not cover DomainName is refused', async (t) => {
  const world = fakeWorld();
  const issued = (names: string[]) =>
    world.acm.certificates.set(CERT, { arn: CERT, status: 'ISSUED', domainName: names[0], names });
  const check = (domain: string) =>
    preflightOf(world)(update(values({ CertificateArn: CERT, DomainName: domain })));
  issued(['other.example.com']);
  await t.rejects(check('metabase.example.com'), {
    message:
      /CertificateArn arn:aws:acm:.* is for other\.example\.com, which does not cover DomainName metabase\.example\.com/,
    hint: /params\/dev\.json to an ISSUED certificate in eu-west-1 for metabase\.example\.com \(or for \*\.example\.com\)/,
  });
  t.notOk(world.iam.calls.length, 'refused before any service-linked role is created');
  issued(['example.com', '*.example.com']);
  await check('metabase.example.com');
  await check('example.com');
  await t.rejects(check('a.metabase.example.com'), { message: /does not cover/ }, 'one label only');
  issued(['Metabase.Example.com']);
  await check('metabase.example.com');
  t.ok(certificateNameCovers('*.example.com', 'BI.example.com'));
  t.notOk(certificateNameCovers('*.example.com', 'example.com'));
  t.notOk(certificateNameCovers('*.example.com', 'badexample.com'));
});

const create = (parameters = values(), execute = true): PreflightContext => ({
  stackName: 'metabase-dev',
  plan: 'CREATE',
  existing: undefined,
  parameters,
  execute,
});

t.test('service-linked roles: missing → created, present → fine, before the first create only', async (t) => {
  const world = fakeWorld();
  const events: PreflightEvent[] = [];
  await preflightOf(world, events)(create());
  t.same(events, [{ kind: 'service-linked-role', service: ECS_SERVICE, outcome: 'created' }]);
  await preflightOf(world, events)(create());
  t.same(events[1], { kind: 'service-linked-role', service: ECS_SERVICE, outcome: 'exists' });
  await preflightOf(world, events)(create(values({ AutoScaling: 'true', MaxTasks: '3' })));
  t.same(
    events.slice(2).map((e) => `${e.service} ${e.outcome}`),
    [`${ECS_SERVICE} exists`, `${ECS_AUTOSCALING_SERVICE} created`],
  );
  world.iam.calls = [];
  await preflightOf(world)(update(values()));
  await preflightOf(world)(create(values(), false));
  t.equal(world.iam.calls.length, 0, 'no IAM call on an update, nor for a preview');
  // Autoscaling turned on in an update: its role, not ECS's.
  await preflightOf(world)(update(values({ AutoScaling: 'true' })));
  t.same(
    world.iam.calls.map((c) => c.arg),
    [ECS_AUTOSCALING_SERVICE],
  );
});

t.test('service-linked role denied: refused, naming the one-off command', async (t) => {
  const world = fakeWorld();
  world.iam.deny =
    'User: arn:aws:sts::1:assumed-role/ci is not authorized to perform: iam:CreateServiceLinkedRole';
  await t.rejects(preflightOf(world)(create()), {
    message: /cannot make sure the service-linked role for ecs\.amazonaws\.com exists: access denied/,
    hint: /`aws iam create-service-linked-role --aws-service-name ecs\.amazonaws\.com`/,
  });
});

// Through the command: a refusal is a UserError with the same words, before any bucket or change set.
const options = (params: string, o: Partial<DeployOptions> = {}): DeployOptions => ({
  params,
  stackName: 'metabase-dev',
  yes: true,
  execute: true,
  waitHealthy: false,
  allowReplacement: false,
  json: false,
  ...o,
});

function paramsFile(overrides: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-'));
  const file = join(dir, 'p.json');
  writeFileSync(file, JSON.stringify({ ...DEV, ...overrides }));
  return file;
}

async function refusedByCli(
  t: Test,
  world: FakeWorld,
  overrides: Record<string, unknown>,
  message: RegExp,
): Promise<void> {
  const { io } = captureIo();
  await t.rejects(
    deployCommand(options(paramsFile(overrides)), io, { session: world.session, clock: world.clock }),
    {
      name: 'UserError',
      message,
    },
  );
  t.notOk(world.cf.callNames().includes('createChangeSet'), 'no change set');
  t.equal(world.s3.calls.length, 0, 'no bucket touched');
}

t.test('CLI: VpcCidr change refused', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', {
    parameters: values(),
    outputs: { DbInstanceId: 'metabase-dev-db-1' },
  });
  await refusedByCli(t, world, { VpcCidr: '10.2.0.0/16' }, /VpcCidr cannot change/);
});

t.test('CLI: engine downgrade refused', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', {
    parameters: values(),
    outputs: { DbInstanceId: 'metabase-dev-db-1' },
  });
  instance(world, '17.9', 20);
  await refusedByCli(t, world, { DbEngineVersion: '17.8' }, /lower than the PostgreSQL 17\.9/);
});

t.test('CLI: smaller storage refused', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', {
    parameters: values(),
    outputs: { DbInstanceId: 'metabase-dev-db-1' },
  });
  instance(world, '17.9', 30);
  await refusedByCli(t, world, { DbAllocatedStorage: 25 }, /smaller than the 30 GiB/);
});

t.test('CLI: certificate not ISSUED refused', async (t) => {
  const world = fakeWorld();
  world.acm.certificates.set(CERT, { arn: CERT, status: 'PENDING_VALIDATION' });
  await refusedByCli(
    t,
    world,
    { CertificateArn: CERT, DomainName: 'bi.example.com' },
    /is PENDING_VALIDATION, not ISSUED/,
  );
});

t.test('CLI: service-linked role denied on a first deploy: refused with the command, exit 1', async (t) => {
  const world = fakeWorld();
  world.iam.deny = 'not authorized to perform: iam:CreateServiceLinkedRole';
  await refusedByCli(t, world, {}, /service-linked role for ecs\.amazonaws\.com/);
});

t.test('CLI: first deploy creates the missing role and says so; an existing one is fine', async (t) => {
  for (const present of [false, true]) {
    const world = fakeWorld();
    if (present) world.iam.existing.add(ECS_SERVICE);
    world.cf.timeline = createTimeline();
    const { io, out } = captureIo();
    const code = await deployCommand(options(paramsFile({})), io, {
      session: world.session,
      clock: world.clock,
    });
    t.equal(code, 0);
    t.match(
      out.stdout,
      present
        ? 'Service-linked role for ecs.amazonaws.com: already there'
        : 'Service-linked role for ecs.amazonaws.com: created',
    );
    const createdAt = world.cf.calls.findIndex((c) => c.name === 'createChangeSet');
    t.ok(createdAt >= 0 && world.iam.calls.length === 1, 'one IAM call, then the change set');
  }
});
