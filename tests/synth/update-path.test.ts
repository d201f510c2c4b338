// GIVEN the shipped templates and AWS's own resource schemas (cfn-lint's bundled registry schemas)
// WHEN a deployed stack is updated: from one shipped params file to another (both ways), or with one root
// parameter changed to each other allowed value (or a sample), or with a newer NAT AMI behind its SSM
// parameter
// THEN no update replaces or removes the database, a secret or the VPC (unless deploy refuses that change
// first), and no resource is replaced in a way that collides with its own old copy (a fixed name, a fixed
// interface, a fixed address): CloudFormation creates the new copy while the old one still exists.
//
// Every root parameter is picked up from ROOT_PARAMETERS, so parameters added later are covered too: a
// free-form one gets its samples from SAMPLE_POOL (the candidates that pass validation for it). The
// restore parameters are create-only for the instance and the secrets; deploy pins them
// (src/deploy/pinned-parameters.ts), so every update here goes through that pinning, and a stack
// restored by deploy --restore-from is updated like any other, its later deploys changing nothing on it.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { ROOT_PARAMETERS, ROOT_PARAMETER_NAMES, type RootParameter } from '../../src/synth/parameters.js';
import { templateFileName } from '../../src/synth/tiers/root.js';
import { TIER_NAMES } from '../../src/synth/template.js';
import { validateParams } from '../../src/params/validate.js';
import { PINNED_PARAMETERS, withPinnedParameters } from '../../src/deploy/pinned-parameters.js';
import { plainTemplates, type PlainTemplate } from '../support/cli.js';
import { PROD_FILLED_IN } from '../support/prod-params.js';
import {
  compareDeployments,
  loadSchemas,
  resourceTypes,
  rootParameters,
  type ResourceChange,
  type TemplateSet,
} from '../support/update-path.js';

const templates = plainTemplates();
const shipped: TemplateSet = {
  root: templates.root,
  nested: Object.fromEntries(TIER_NAMES.map((tier) => [templateFileName(tier), templates[tier]])),
};
const schemas = loadSchemas([
  ...resourceTypes(shipped),
  'AWS::EC2::NetworkInterface',
  'AWS::EC2::EIPAssociation',
]);

/** Replacing or removing one of these loses data or breaks everything that points at it. */
const PROTECTED_TYPES = ['AWS::RDS::DBInstance', 'AWS::SecretsManager::Secret', 'AWS::EC2::VPC'];

/**
 * Changes deploy refuses before anything reaches CloudFormation, so the update path never runs. Each entry
 * names who refuses it. (i12-deploy: a live refusal of a VpcCidr change, which replaces the VPC.)
 */
const REFUSED_BY_DEPLOY: Record<string, string> = {
  VpcCidr: 'deploy refuses a VpcCidr change on an existing stack (it replaces the VPC and fails halfway)',
  // Pinned (src/deploy/pinned-parameters.ts): left empty, deploy passes the deployed value (deployedAs
  // below), so only a different non-empty value is a change, and deploy refuses that.
  ...Object.fromEntries(
    PINNED_PARAMETERS.map((name) => [
      name,
      'deploy keeps the restore parameters of a deployed stack and refuses a different value',
    ]),
  ),
};

/** The parameters deploy sends for a params file's values on a stack deployed with `before`. */
const deployedAs = (before: Record<string, string>, after: Record<string, string>): Record<string, string> =>
  withPinnedParameters(after, before).parameters;

/**
 * Conditional create-only properties that, for the resource as this tool configures it, update in place.
 * Each with the reason; anything else conditional counts as a possible replacement.
 */
const CONDITIONAL_IN_PLACE: Record<string, Record<string, string>> = {
  'AWS::RDS::DBInstance': {
    MultiAZ: 'adds or removes a standby (CloudFormation reference: no interruption for RDS PostgreSQL)',
    BackupRetentionPeriod: 'a positive value to another positive value (1–35 here) is no interruption',
    DBParameterGroupName:
      'a new parameter group (major version change) is applied with a reboot, not a new instance',
    AutoMinorVersionUpgrade: 'constant here (false)',
  },
};

/**
 * Protected resources a parameter change may take out of the stack because their DeletionPolicy is Retain:
 * CloudFormation leaves them in the account with their value. Each with the reason it is safe.
 */
const RETAINED_REMOVALS: Record<string, string> = {
  'DataStack/AdminSecret':
    "AdminEmail cleared: the admin still exists in Metabase's database and its password stays in the retained secret",
};

/**
 * Parameters that cannot change alone (validate refuses them) are changed with the ones they need: a
 * domain needs its zone or certificate, a certificate its domain, deletion protection HTTPS.
 */
const COMPANIONS: Partial<Record<(typeof ROOT_PARAMETER_NAMES)[number], Record<string, string>>> = {
  DomainName: { HostedZoneId: PROD_FILLED_IN.HostedZoneId },
  HostedZoneId: { DomainName: PROD_FILLED_IN.DomainName },
  CertificateArn: { DomainName: PROD_FILLED_IN.DomainName },
  DbDeletionProtection: { DomainName: PROD_FILLED_IN.DomainName, HostedZoneId: PROD_FILLED_IN.HostedZoneId },
};

/** Free-form values tried for every parameter without AllowedValues or a numeric range. */
const SAMPLE_POOL = [
  '',
  '10.3.0.0/16',
  '0.0.0.0/0',
  '203.0.113.0/24,198.51.100.0/24',
  '5432',
  '5432,3306',
  'v0.65.1',
  'v0.64.2.2',
  `sha256:${'0123456789abcdef'.repeat(4)}`,
  'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub-AbC123',
  'metabase-role-boundary',
  '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.12-arm64',
  'metabase.example.com',
  'bi.example.org',
  'Z0123456789ABCDEFGHIJ',
  'Z0987654321ZYXWVUTSRQ',
  'ops@example.com',
  'rds:metabase-prod-final-2026-01-01',
];

// prod.json's domain placeholders are refused by validation: prod is taken filled in, as a user deploys it.
const paramsFiles = ['dev', 'small', 'prod'].map((env) => ({
  env,
  raw: {
    ...(JSON.parse(readFileSync(new URL(`../../params/${env}.json`, import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >),
    ...(env === 'prod' ? PROD_FILLED_IN : {}),
  },
}));

function valuesOf(raw: Record<string, unknown>): Record<string, string> | undefined {
  const result = validateParams(raw);
  return result.ok ? result.values : undefined;
}

function candidates(name: (typeof ROOT_PARAMETER_NAMES)[number]): unknown[] {
  const definition: RootParameter = ROOT_PARAMETERS[name].definition;
  if (definition.AllowedValues)
    return definition.AllowedValues.map((v): unknown => (definition.Type === 'Number' ? Number(v) : v));
  if (definition.Type === 'Number') {
    const [min, max] = [definition.MinValue ?? 0, definition.MaxValue ?? 100];
    return [...new Set([min, min + 1, min + 2, Number(definition.Default), max])];
  }
  return SAMPLE_POOL;
}

interface Verdict {
  violations: string[];
  replaced: string[];
}

function judge(changes: ResourceChange[], changedKeys: string[]): Verdict {
  const refused = changedKeys.filter((key) => key in REFUSED_BY_DEPLOY);
  const violations: string[] = [];
  // Deploy stops a refused change before CloudFormation sees it, so none of its consequences happen.
  const judged = refused.length === 0;
  const replaced: string[] = [];
  for (const change of changes) {
    const inPlace = CONDITIONAL_IN_PLACE[change.type] ?? {};
    const causes = change.causes.filter((cause) => !(cause in inPlace));
    const replacing = change.action === 'replace' || (change.action === 'may-replace' && causes.length > 0);
    if (replacing) replaced.push(`${change.path} (${causes.join(', ')})`);
    if (!judged) continue;
    const retainedRemoval = change.action === 'remove' && change.retained && change.path in RETAINED_REMOVALS;
    if (
      (replacing || change.action === 'remove') &&
      PROTECTED_TYPES.includes(change.type) &&
      !retainedRemoval
    )
      violations.push(
        `${change.path} ${change.type} would be ${replacing ? `replaced (${causes.join(', ')})` : 'removed'}`,
      );
    if (replacing && change.collisions.length > 0)
      violations.push(
        `${change.path} is replaced but its new copy needs the old one's ${change.collisions.join(', ')}`,
      );
  }
  return { violations, replaced };
}

function update(
  before: Record<string, string>,
  after: Record<string, string>,
  options: { beforeSet?: TemplateSet; afterSet?: TemplateSet; ssmBefore?: number; ssmAfter?: number } = {},
): ResourceChange[] {
  const beforeSet = options.beforeSet ?? shipped;
  const afterSet = options.afterSet ?? shipped;
  return compareDeployments(
    { set: beforeSet, parameters: rootParameters(beforeSet.root, before, options.ssmBefore) },
    {
      set: afterSet,
      parameters: rootParameters(afterSet.root, deployedAs(before, after), options.ssmAfter),
    },
    schemas,
  );
}

/** The root parameters the update changes, as deploy sends them (pinned ones carried forward). */
const changedKeys = (a: Record<string, string>, b: Record<string, string>): string[] => {
  const sent = deployedAs(a, b);
  return ROOT_PARAMETER_NAMES.filter((key) => a[key] !== sent[key]);
};

t.test('every shipped params file to every other, both ways', async (t) => {
  for (const from of paramsFiles) {
    for (const to of paramsFiles) {
      if (from === to) continue;
      const before = valuesOf(from.raw);
      const after = valuesOf(to.raw);
      if (!before || !after) {
        t.fail(`${from.env} and ${to.env} must be valid params files`);
        continue;
      }
      const keys = changedKeys(before, after);
      const verdict = judge(update(before, after), keys);
      t.same(verdict.violations, [], `${from.env} → ${to.env} (${keys.join(', ')})`);
      // The same change with the refused keys held back: what deploy lets through must be safe on its own.
      const allowed = { ...after };
      for (const key of keys.filter((k) => k in REFUSED_BY_DEPLOY)) allowed[key] = before[key]!;
      const held = judge(update(before, allowed), changedKeys(before, allowed));
      t.same(held.violations, [], `${from.env} → ${to.env} without refused changes`);
    }
  }
});

t.test(
  'each root parameter changed alone (or with what it needs), to each other allowed value or a sample',
  async (t) => {
    let scenarios = 0;
    for (const base of paramsFiles) {
      const before = valuesOf(base.raw)!;
      for (const name of ROOT_PARAMETER_NAMES) {
        let tried = 0;
        const attempts = candidates(name).flatMap((candidate) => [
          { ...base.raw, [name]: candidate },
          ...(COMPANIONS[name] ? [{ ...base.raw, ...COMPANIONS[name], [name]: candidate }] : []),
        ]);
        for (const attempt of attempts) {
          const after = valuesOf(attempt);
          if (!after || after[name] === before[name]) continue;
          tried++;
          scenarios++;
          const verdict = judge(update(before, after), changedKeys(before, after));
          if (verdict.violations.length > 0)
            t.same(verdict.violations, [], `${base.env}: ${name} ${before[name]} → ${after[name]}`);
        }
        // A parameter with only one valid value in its context (e.g. TaskMemory is tied to TaskCpu) is
        // still reached through the params-file pairs; anything else must be exercised here.
        if (tried === 0 && !['TaskMemory', 'TaskCpu'].includes(name))
          t.fail(`${base.env}: no other valid value tried for ${name}; add one to SAMPLE_POOL`);
      }
    }
    t.ok(scenarios > 200, `${scenarios} single-parameter updates checked`);
  },
);

t.test('a newer NAT AMI behind the SSM parameter replaces the instance, and nothing collides', async (t) => {
  const small = valuesOf(paramsFiles.find((p) => p.env === 'small')!.raw)!;
  const changes = update(small, small, { ssmBefore: 0, ssmAfter: 1 });
  const verdict = judge(changes, []);
  t.same(verdict.violations, []);
  t.match(verdict.replaced, [/^NetworkStack\/NatInstance \(LaunchTemplate\)$/], 'only the instance is new');
  t.match(
    changes.filter((c) => c.action === 'modify').map((c) => c.path),
    [
      'NetworkStack/NatInstanceLaunchTemplate',
      'NetworkStack/PrivateDefaultRouteA',
      'NetworkStack/PrivateDefaultRouteB',
      'NetworkStack/NatInstanceEip',
    ].map((path) => new RegExp(`^${path}$`)),
  );
  t.notOk(
    changes.some((c) => c.path === 'NetworkStack/NatInstanceEip' && c.action !== 'modify'),
    'the public address stays: the Elastic IP is updated, not replaced',
  );
  // Same parameters on a stack without the NAT instance: nothing happens at all.
  const dev = valuesOf(paramsFiles.find((p) => p.env === 'dev')!.raw)!;
  t.same(update(dev, dev, { ssmBefore: 0, ssmAfter: 1 }), []);
});

t.test(
  'a domain on and off again: only the edge and the task change, nothing stateful is replaced',
  async (t) => {
    const devRaw = paramsFiles.find((p) => p.env === 'dev')!.raw;
    const { DomainName, HostedZoneId } = PROD_FILLED_IN;
    const certificate = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
    const off = valuesOf(devRaw)!;
    const zone = valuesOf({ ...devRaw, DomainName, HostedZoneId })!;
    const own = valuesOf({ ...devRaw, DomainName, CertificateArn: certificate })!;
    const summary = (changes: ResourceChange[]) =>
      changes
        .filter((c) => c.action !== 'modify')
        .map((c) => `${c.action} ${c.path}`)
        .sort((a, b) => a.localeCompare(b));
    for (const [label, before, after] of [
      ['off → domain + zone', off, zone],
      ['domain + zone → off', zone, off],
      ['off → domain + own certificate', off, own],
      ['domain + own certificate → off', own, off],
      ['domain + zone → own certificate', zone, own],
      ['own certificate → domain + zone', own, zone],
    ] as const) {
      const changes = update(before, after);
      t.same(judge(changes, changedKeys(before, after)).violations, [], `${label}: no violation`);
      t.same(
        changes.filter((c) => !/^(EdgeStack|AppStack)\//.test(c.path) && c.action !== 'modify'),
        [],
        `${label}: the network and data tiers are at most updated in place`,
      );
      t.notOk(
        changes.some((c) => c.path === 'EdgeStack/LoadBalancer' && c.action !== 'modify'),
        `${label}: the load balancer (and so its DNS name) stays`,
      );
    }
    // MB_SITE_URL follows MetabaseUrl: a new task definition revision, rolled out like any settings change.
    t.same(
      summary(update(off, zone)),
      [
        'add EdgeStack/AliasRecord',
        'add EdgeStack/Certificate',
        'add EdgeStack/HttpsListener',
        'replace AppStack/TaskDefinition',
      ],
      'on: the certificate, the alias record and HTTPS appear',
    );
    t.same(
      summary(update(zone, off)),
      [
        'remove EdgeStack/AliasRecord',
        'remove EdgeStack/Certificate',
        'remove EdgeStack/HttpsListener',
        'replace AppStack/TaskDefinition',
      ],
      'off: they go again',
    );
    t.same(
      summary(update(zone, own)),
      ['remove EdgeStack/AliasRecord', 'remove EdgeStack/Certificate'],
      'to an own certificate and DNS elsewhere: the made certificate and the record go, the URL stays',
    );
  },
);

t.test('AdminEmail on and off: the admin secret comes, and stays in the account when it goes', async (t) => {
  const devRaw = paramsFiles.find((p) => p.env === 'dev')!.raw;
  const without = valuesOf(devRaw)!;
  const withAdmin = valuesOf({ ...devRaw, AdminEmail: PROD_FILLED_IN.AdminEmail })!;
  const on = update(without, withAdmin);
  t.same(judge(on, ['AdminEmail']).violations, []);
  t.match(on, [{ path: 'DataStack/AdminSecret', action: 'add' }]);
  const off = update(withAdmin, without);
  t.same(judge(off, ['AdminEmail']).violations, []);
  t.match(off, [{ path: 'DataStack/AdminSecret', action: 'remove', retained: true }]);
});

t.test('a restored stack reusing the admin secret: AdminEmail on and off changes no secret', async (t) => {
  const devRaw = paramsFiles.find((p) => p.env === 'dev')!.raw;
  const without = { ...valuesOf(devRaw)!, ...RESTORE };
  const withAdmin = valuesOf({ ...devRaw, AdminEmail: PROD_FILLED_IN.AdminEmail })!;
  t.same(update(without, withAdmin), [], 'on: the reused secret stays the admin secret, none is made');
  t.same(update({ ...withAdmin, ...RESTORE }, valuesOf(devRaw)!), [], 'off: nothing removed');
});

t.test('the version upgrade flow: counts to one task and back never replace anything', async (t) => {
  const prod = valuesOf(paramsFiles.find((p) => p.env === 'prod')!.raw)!;
  const oneTask = { ...prod, DesiredCount: '1', MinTasks: '1', MaxTasks: '1', MetabaseVersion: 'v0.65.1' };
  const down = judge(update(prod, oneTask), changedKeys(prod, oneTask));
  t.same(down.violations, []);
  t.same(down.replaced, ['AppStack/TaskDefinition (ContainerDefinitions)'], 'only a new task definition');
  const up = judge(update(oneTask, { ...prod, MetabaseVersion: 'v0.65.1' }), [
    'DesiredCount',
    'MinTasks',
    'MaxTasks',
  ]);
  t.same(up.replaced, [], 'scaling back is an in-place service update');
});

// The class of blocker 1: the NAT instance booted on a separately created interface. Any launch template
// change replaced the instance, and the new copy needed the interface the old one still held.
function oldNatShape(network: PlainTemplate, userData: string): PlainTemplate {
  const copy = JSON.parse(JSON.stringify(network)) as PlainTemplate;
  const instance = copy.Resources.NatInstance!;
  copy.Resources.NatInstanceNetworkInterface = {
    Type: 'AWS::EC2::NetworkInterface',
    Condition: 'NatInstanceMode',
    Properties: {
      SubnetId: { Ref: 'PublicSubnetA' },
      GroupSet: [{ Ref: 'NatInstanceSecurityGroup' }],
      SourceDestCheck: false,
    },
  };
  instance.Properties!.NetworkInterfaces = [
    { DeviceIndex: '0', NetworkInterfaceId: { Ref: 'NatInstanceNetworkInterface' } },
  ];
  delete instance.Properties!.SourceDestCheck;
  const launch = copy.Resources.NatInstanceLaunchTemplate!.Properties!.LaunchTemplateData as Record<
    string,
    unknown
  >;
  launch.UserData = { 'Fn::Base64': userData };
  return copy;
}

t.test('the check catches blocker 1: the old NAT shape collides with its own interface', async (t) => {
  const small = valuesOf(paramsFiles.find((p) => p.env === 'small')!.raw)!;
  const setWith = (network: PlainTemplate): TemplateSet => ({
    root: shipped.root,
    nested: { ...shipped.nested, [templateFileName('network')]: network },
  });
  const before = setWith(oldNatShape(templates.network, '#!/bin/bash\necho one'));
  const after = setWith(oldNatShape(templates.network, '#!/bin/bash\necho two'));
  const verdict = judge(update(small, small, { beforeSet: before, afterSet: after }), []);
  t.same(verdict.violations, [
    "NetworkStack/NatInstance is replaced but its new copy needs the old one's NetworkInterfaces/*/NetworkInterfaceId",
  ]);
  // The same user-data change on the shipped shape replaces the instance without a collision.
  const shippedAfter = JSON.parse(JSON.stringify(templates.network)) as PlainTemplate;
  const data = shippedAfter.Resources.NatInstanceLaunchTemplate!.Properties!.LaunchTemplateData as Record<
    string,
    unknown
  >;
  data.UserData = { 'Fn::Base64': '#!/bin/bash\necho changed' };
  const fixed = judge(update(small, small, { afterSet: setWith(shippedAfter) }), []);
  t.same(fixed.violations, []);
  t.match(fixed.replaced, [/^NetworkStack\/NatInstance /]);
});

t.test(
  'an existing small stack moves from the old NAT shape to the new one without a collision',
  async (t) => {
    const small = valuesOf(paramsFiles.find((p) => p.env === 'small')!.raw)!;
    // The shape before this release: the EIP associated to a separate interface by its own resource.
    const old = oldNatShape(templates.network, '#!/bin/bash\necho old');
    delete old.Resources.NatInstanceEip!.Properties!.InstanceId;
    old.Resources.NatInstanceEipAssociation = {
      Type: 'AWS::EC2::EIPAssociation',
      Condition: 'NatInstanceMode',
      Properties: {
        AllocationId: { 'Fn::GetAtt': ['NatInstanceEip', 'AllocationId'] },
        NetworkInterfaceId: { Ref: 'NatInstanceNetworkInterface' },
      },
    };
    const before = { root: shipped.root, nested: { ...shipped.nested, [templateFileName('network')]: old } };
    const changes = update(small, small, { beforeSet: before });
    t.same(judge(changes, []).violations, []);
    const action = (path: string): string | undefined => changes.find((c) => c.path === path)?.action;
    t.equal(action('NetworkStack/NatInstance'), 'replace', 'a new instance with its own interface');
    t.equal(action('NetworkStack/NatInstanceEip'), 'modify', 'the same address, moved to the new instance');
    t.equal(action('NetworkStack/NatInstanceNetworkInterface'), 'remove');
    t.equal(action('NetworkStack/NatInstanceEipAssociation'), 'remove');
  },
);

t.test('the check also catches a fixed name and a database replacement', async (t) => {
  const dev = valuesOf(paramsFiles.find((p) => p.env === 'dev')!.raw)!;
  // A target group with a fixed name whose port changes: the new copy needs the old one's name.
  const edgeWithPort = (port: number): TemplateSet => {
    const edge = JSON.parse(JSON.stringify(templates.edge)) as PlainTemplate;
    Object.assign(edge.Resources.TargetGroup!.Properties!, { Name: 'metabase', Port: port });
    return { root: shipped.root, nested: { ...shipped.nested, [templateFileName('edge')]: edge } };
  };
  const named = judge(update(dev, dev, { beforeSet: edgeWithPort(3000), afterSet: edgeWithPort(3001) }), []);
  t.match(named.violations, [/EdgeStack\/TargetGroup is replaced but its new copy needs the old one's Name/]);

  // A create-only property of the database fed by a parameter.
  const data = JSON.parse(JSON.stringify(templates.data)) as PlainTemplate;
  data.Resources.Database!.Properties!.DBName = { Ref: 'DbInstanceClass' };
  const tampered = { root: shipped.root, nested: { ...shipped.nested, [templateFileName('data')]: data } };
  const db = judge(
    update(dev, { ...dev, DbInstanceClass: 'db.t4g.small' }, { beforeSet: tampered, afterSet: tampered }),
    ['DbInstanceClass'],
  );
  t.match(db.violations, [/DataStack\/Database AWS::RDS::DBInstance would be replaced \(DBName\)/]);
});

// deploy --restore-from creates the stack with the restore parameters; the params file never mentions them.
const RESTORE = {
  DbSnapshotIdentifier: 'metabase-dev-database-final-1a2b3c',
  ExistingDbMasterSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:metabase-db-master-AbC123',
  ExistingEncryptionKeySecretArn:
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:metabase-mb-key-DeF456',
  ExistingAdminSecretArn:
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:AdminSecret-a1B2c3D4e5F6-GhI789',
};

t.test("a restored stack's later deploy changes nothing on the instance", async (t) => {
  for (const { env, raw } of paramsFiles) {
    const file = valuesOf(raw)!;
    const restored = { ...file, ...RESTORE };
    t.same(update(restored, file), [], `${env}: the same params file again changes nothing at all`);
    // Without deploy's pinning the empty values would reach CloudFormation: a new, empty database.
    const unpinned = compareDeployments(
      { set: shipped, parameters: rootParameters(shipped.root, restored) },
      { set: shipped, parameters: rootParameters(shipped.root, file) },
      schemas,
    );
    t.match(
      judge(unpinned, []).violations,
      [/DataStack\/Database AWS::RDS::DBInstance would be replaced \(.*DBSnapshotIdentifier/],
      `${env}: the pinning is what keeps the database`,
    );
  }
});

t.test(
  'a restored stack: each params file to every other, and single changes, keep the database',
  async (t) => {
    for (const from of paramsFiles) {
      for (const to of paramsFiles) {
        const before = { ...valuesOf(from.raw)!, ...RESTORE };
        const after = valuesOf(to.raw)!;
        const verdict = judge(update(before, after), changedKeys(before, after));
        t.same(verdict.violations, [], `restored ${from.env} → ${to.env}`);
      }
    }
    const dev = paramsFiles.find((p) => p.env === 'dev')!;
    const before: Record<string, string> = { ...valuesOf(dev.raw)!, ...RESTORE };
    let scenarios = 0;
    for (const name of ROOT_PARAMETER_NAMES) {
      for (const candidate of candidates(name)) {
        const after = valuesOf({ ...dev.raw, [name]: candidate });
        if (!after || deployedAs(before, after)[name] === before[name]) continue;
        scenarios++;
        const verdict = judge(update(before, after), changedKeys(before, after));
        if (verdict.violations.length > 0)
          t.same(verdict.violations, [], `restored dev: ${name} ${before[name]} → ${after[name]}`);
      }
    }
    t.ok(scenarios > 50, `${scenarios} single-parameter updates of a restored stack checked`);
  },
);

t.test('the allowlists name real parameters and real schema properties', async (t) => {
  for (const key of Object.keys(REFUSED_BY_DEPLOY))
    t.ok(key in ROOT_PARAMETERS, `${key} is a root parameter`);
  for (const path of Object.keys(RETAINED_REMOVALS)) {
    const [stack, id] = path.split('/') as [string, string];
    const tier = TIER_NAMES.find((name) => `${name[0]!.toUpperCase()}${name.slice(1)}Stack` === stack)!;
    t.equal(templates[tier].Resources[id]?.DeletionPolicy, 'Retain', `${path} is retained`);
  }
  for (const [type, properties] of Object.entries(CONDITIONAL_IN_PLACE))
    for (const property of Object.keys(properties))
      t.ok(
        schemas[type]!.conditionalCreateOnly.includes(`/properties/${property}`),
        `${type} ${property} is conditionally create-only in AWS's schema`,
      );
});

t.test('the VPC replacement that VpcCidr causes is what deploy refuses', async (t) => {
  const dev = valuesOf(paramsFiles.find((p) => p.env === 'dev')!.raw)!;
  const changes = update(dev, { ...dev, VpcCidr: '10.9.0.0/16' });
  t.ok(
    changes.some((c) => c.path === 'NetworkStack/Vpc' && c.action === 'replace'),
    'the model sees the VPC replaced',
  );
  t.same(judge(changes, ['VpcCidr']).violations, [], 'allowed only because deploy refuses it');
  t.not(judge(changes, []).violations.length, 0, 'and flagged without the refusal');
});
