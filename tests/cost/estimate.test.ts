// GIVEN the committed params files and us-east-1 prices WHEN we estimate THEN every line equals the
// sum worked out by hand below (literal numbers: a change of price or formula must show up here).
import t, { type Test } from 'tap';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { DEFAULT_ASSUMPTIONS, STACK_SHAPE } from '../../src/cost/assumptions.js';
import { estimateCost, type CostEstimate, type FreeTierModel } from '../../src/cost/estimate.js';
import { PRICE_LIST, regionPrices } from '../../src/cost/prices.js';
import { loadParams } from '../../src/params/load.js';
import { prodParamsFile } from '../support/prod-params.js';

async function estimate(
  env: string,
  region = 'us-east-1',
  model: FreeTierModel = 'legacy',
): Promise<CostEstimate> {
  const prices = regionPrices(PRICE_LIST, region);
  if (!prices) throw new Error(region);
  return estimateCost(
    await loadParams(env === 'prod' ? await prodParamsFile() : `params/${env}.json`),
    PRICE_LIST,
    region,
    prices,
    DEFAULT_ASSUMPTIONS,
    model,
  );
}

function checkLines(
  t: Test,
  result: CostEstimate,
  expected: Record<string, [monthly: number, free: number]>,
): void {
  t.same(
    result.lines.map((l) => l.id),
    Object.keys(expected),
    'the expected lines, in order',
  );
  for (const line of result.lines) {
    const [monthly, free] = expected[line.id] ?? [NaN, NaN];
    t.ok(Math.abs(line.monthly - monthly) < 1e-6, `${line.id}: ${line.monthly} = ${monthly}`);
    t.ok(Math.abs(line.freeTier - free) < 1e-6, `${line.id} free tier: ${line.freeTier} = ${free}`);
  }
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

t.test('dev: one NAT gateway, 1 vCPU / 2 GB on Fargate, db.t4g.micro single-AZ', async (t) => {
  const result = await estimate('dev');
  checkLines(t, result, {
    'nat-gateway-hours': [32.85, 0], // 1 × 730 × 0.045
    'nat-gateway-data': [0.45, 0], // 10 GB × 0.045
    'alb-hours': [16.425, 16.425], // 730 × 0.0225, all within 750 free hours
    'alb-lcu': [5.84, 0.12], // 1 LCU × 730 × 0.008; 15 free LCU-hours × 0.008
    'fargate-vcpu': [29.5504, 0], // 1 × 1 × 730 × 0.04048
    'fargate-memory': [6.4897, 0], // 1 × 2 × 730 × 0.004445
    'rds-instance': [11.68, 11.68], // 730 × 0.016, free-tier class
    'rds-storage': [2.3, 2.3], // 20 × 0.115, 20 GB free
    'rds-backup': [0, 0], // 2 + 0.2 × 7 + 2 kept pre-upgrade snapshots × 2 = 7.4 GB < 20 GB provisioned
    'public-ipv4': [10.95, 0], // (2 ALB + 1 NAT) × 730 × 0.005
    'logs-ingestion': [0.5, 0.5], // 1 GB × 0.5, within 5 free GB
    'logs-storage': [0.013808219, 0.013808219], // 1 × 14 × 24 / 730 = 0.460274 GB × 0.03
    alarms: [0.7, 0.7], // 7 alarm metrics × 0.10, within the 10 free
    secrets: [0.8, 0], // 2 × 0.40
  });
  t.ok(close(result.totals.monthly, 118.548908219), `total ${result.totals.monthly}`);
  t.ok(close(result.totals.freeTier, 31.738808219), `free ${result.totals.freeTier}`);
  t.ok(close(result.totals.firstYear, 86.8101), `first year ${result.totals.firstYear}`);
});

t.test('prod: NAT per AZ, 2 × 2 vCPU / 4 GB, Multi-AZ db.t4g.small, Container Insights', async (t) => {
  const result = await estimate('prod');
  checkLines(t, result, {
    'nat-gateway-hours': [65.7, 0], // 2 × 730 × 0.045
    'nat-gateway-data': [0.9, 0], // 2 tasks × 10 GB × 0.045
    'alb-hours': [16.425, 16.425],
    'alb-lcu': [5.84, 0.12],
    'route53-queries': [0, 0], // alias queries to a load balancer are free
    'fargate-vcpu': [118.2016, 0], // 2 × 2 × 730 × 0.04048
    'fargate-memory': [25.9588, 0], // 2 × 4 × 730 × 0.004445
    'rds-instance': [46.72, 0], // 2 × 730 × 0.032: Multi-AZ is not in the free tier
    'rds-storage': [11.5, 0], // 2 × 50 × 0.115
    'rds-backup': [0, 0], // 2 + 0.2 × 14 = 4.8 GB < 50 GB
    'public-ipv4': [14.6, 0], // (2 ALB + 2 NAT) × 730 × 0.005
    'logs-ingestion': [1, 1], // 2 GB × 0.5
    'logs-storage': [0.177534247, 0.09], // 2 × 90 × 24 / 730 = 5.917808 GB × 0.03; free: 5 − 2 = 3 GB × 0.03
    'container-insights': [6.5, 3], // 20 × 0.30 + 1 GB × 0.5; 10 free metrics × 0.30
    alarms: [0.9, 0.9], // 7 + 2 (task counts, Container Insights) alarm metrics × 0.10
    // 0.1 GB × 90 × 24 / 730 = 0.2958904 GB × 0.023 + 17,280 PUTs × 0.005 / 1000; free: all the GB, 2,000 PUTs
    'access-logs': [0.093205479, 0.016805479],
    secrets: [1.2, 0], // DB credentials, encryption key, and the admin's password (AdminEmail)
  });
  t.ok(close(result.totals.monthly, 315.716139726), `total ${result.totals.monthly}`);
  t.ok(close(result.totals.freeTier, 21.551805479), `free ${result.totals.freeTier}`);
  t.equal(result.tasks, 2);
  t.equal(result.maxTasks, 4);
  t.ok(close(result.perExtraTask, 73.0302), `extra task ${result.perExtraTask}`); // 59.1008 + 12.9794 + 0.5 + 0.45
});

t.test('small: NAT instance, Fargate Spot, everything else free-tier sized', async (t) => {
  const result = await estimate('small');
  checkLines(t, result, {
    'nat-instance-hours': [3.066, 0], // 730 × 0.0042 (t4g.nano is not a free-tier type)
    'nat-instance-ebs': [0.64, 0.64], // 8 GB × 0.08, within 30 free GB
    'alb-hours': [16.425, 16.425],
    'alb-lcu': [5.84, 0.12],
    'fargate-vcpu': [8.86512, 0], // 730 × 0.04048 × 0.3
    'fargate-memory': [1.94691, 0], // 2 × 730 × 0.004445 × 0.3
    'rds-instance': [11.68, 11.68],
    'rds-storage': [2.3, 2.3],
    'rds-backup': [0, 0],
    'public-ipv4': [10.95, 3.65], // 3 × 730 × 0.005; the NAT instance's 730 h are free (EC2)
    'logs-ingestion': [0.5, 0.5],
    'logs-storage': [0.00690411, 0.00690411], // 7 × 24 / 730 = 0.230137 GB × 0.03
    alarms: [0.8, 0.8], // 7 + 1 (NAT instance status check) alarm metrics × 0.10
    secrets: [0.8, 0],
  });
  t.ok(close(result.totals.monthly, 63.81993411), `total ${result.totals.monthly}`);
  t.ok(close(result.totals.freeTier, 36.12190411), `free ${result.totals.freeTier}`);
});

t.test('prices differ by region: eu-central-1 dev NAT and Fargate', async (t) => {
  const result = await estimate('dev', 'eu-central-1');
  const amount = (id: string) => result.lines.find((l) => l.id === id)?.monthly ?? NaN;
  t.ok(close(amount('nat-gateway-hours'), 37.96), 'NAT: 730 × 0.052');
  t.ok(close(amount('fargate-vcpu'), 33.9888), 'vCPU: 730 × 0.04656');
});

t.test('every region prices every DB class the params accept and the NAT instance type', async (t) => {
  const { ROOT_PARAMETERS } = await import('../../src/synth/parameters.js');
  const classes: readonly string[] = ROOT_PARAMETERS.DbInstanceClass.definition.AllowedValues;
  for (const [region, prices] of Object.entries(PRICE_LIST.regions)) {
    t.same(
      classes.filter((c) => prices.rds.instanceHour[c] === undefined),
      [],
      `${region}: RDS classes`,
    );
    t.type(
      prices.ec2.instanceHour[STACK_SHAPE.natInstanceType],
      'number',
      `${region}: ${STACK_SHAPE.natInstanceType}`,
    );
  }
  t.match(PRICE_LIST.takenOn, /^\d{4}-\d{2}-\d{2}$/, 'prices carry the date they were taken');
});

t.test('the stack shape the estimate assumes matches templates/network.yaml and data.yaml', async (t) => {
  type Doc = {
    Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>;
  };
  const network = load(await readFile('templates/network.yaml', 'utf8')) as Doc;
  const data = load(await readFile('templates/data.yaml', 'utf8')) as Doc;
  const launch = network.Resources['NatInstanceLaunchTemplate']?.Properties?.['LaunchTemplateData'] as
    { InstanceType: string; BlockDeviceMappings: { Ebs: { VolumeSize: number } }[] } | undefined;
  t.equal(launch?.InstanceType, STACK_SHAPE.natInstanceType);
  t.equal(launch?.BlockDeviceMappings[0]?.Ebs.VolumeSize, STACK_SHAPE.natInstanceVolumeGb);
  const secrets = Object.values(data.Resources).filter((r) => r.Type === 'AWS::SecretsManager::Secret');
  // The DB master secret and the encryption key: made by the stack, or on a restore the retained ones
  // reused (they bill the same); the admin's comes on top with AdminEmail, unless a restore reuses one.
  const admin = secrets.filter((r) => r.Condition === 'CreateAdminSecret');
  t.equal(secrets.length - admin.length, STACK_SHAPE.secrets, 'always there');
  t.equal(admin.length, 1, 'one more with AdminEmail');
  const subnets = network.Resources['PublicSubnetA'] && network.Resources['PublicSubnetB'];
  t.ok(subnets, 'the ALB spans two public subnets: two public IPv4 addresses');
});

t.test('kept pre-upgrade snapshots count as backup storage beyond the free allowance', async (t) => {
  const prices = regionPrices(PRICE_LIST, 'us-east-1')!;
  const params = await loadParams('params/dev.json');
  const lineFor = (kept: number) =>
    estimateCost(
      params,
      PRICE_LIST,
      'us-east-1',
      prices,
      { ...DEFAULT_ASSUMPTIONS, dbDataGb: 8, keptPreUpgradeSnapshots: kept },
      'legacy',
    ).lines.find((l) => l.id === 'rds-backup')!;
  // 8 + 0.2 × 7 = 9.4 GB: inside the free 20 GB. With 3 snapshots of 8 GB: 33.4 GB, 13.4 GB billed at $0.095.
  t.equal(lineFor(0).monthly, 0);
  t.ok(Math.abs(lineFor(3).monthly - 13.4 * 0.095) < 1e-6, `${lineFor(3).monthly}`);
  t.match(lineFor(3).quantity, /13\.4 GB beyond the free 20 GB .*3 pre-upgrade snapshots included/);
});

t.test('a reused admin secret is the third secret, not a fourth next to a new one', async (t) => {
  const prices = regionPrices(PRICE_LIST, 'us-east-1')!;
  const dev = await loadParams('params/dev.json');
  const secretsLine = (values: Partial<typeof dev>) =>
    estimateCost(
      { ...dev, ...values },
      PRICE_LIST,
      'us-east-1',
      prices,
      DEFAULT_ASSUMPTIONS,
      'legacy',
    ).lines.find((l) => l.id === 'secrets')!;
  const reused = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:AdminSecret-a1B2c3D4e5F6-XyZ123';
  t.match(secretsLine({}).quantity, /^2 × /, 'dev: no admin secret');
  t.match(secretsLine({ AdminEmail: 'you@example.com' }).quantity, /^3 × /, 'a new one with AdminEmail');
  t.match(
    secretsLine({ AdminEmail: 'you@example.com', ExistingAdminSecretArn: reused }).quantity,
    /^3 × /,
    'restored with AdminEmail: the reused one, no new one beside it',
  );
  t.match(secretsLine({ ExistingAdminSecretArn: reused }).quantity, /^3 × /, 'reused without AdminEmail');
});
