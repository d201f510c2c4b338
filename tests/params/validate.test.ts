import t from 'tap';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { validateParams, stackNameProblem } from '../../src/params/validate.js';
import { parseCidr } from '../../src/params/cidr.js';
import { prodParams } from '../support/prod-params.js';

const dev = JSON.parse(await readFile('params/dev.json', 'utf8')) as Record<string, unknown>;
const shippedProd = JSON.parse(await readFile('params/prod.json', 'utf8')) as Record<string, unknown>;
const prod = await prodParams();

function problemsOf(overrides: Record<string, unknown>, context = {}) {
  const result = validateParams({ ...dev, ...overrides }, context);
  return result.ok ? [] : result.problems;
}

t.test('params/prod.json is refused until its placeholders are filled in', async (t) => {
  const result = validateParams(shippedProd);
  t.match(result, {
    ok: false,
    problems: [
      { key: 'DomainName', message: /still the placeholder/ },
      { key: 'HostedZoneId', message: /still the placeholder/ },
      { key: 'AdminEmail', message: /still the placeholder/ },
    ],
  });
  t.equal(result.ok ? 0 : result.problems.length, 3, 'nothing else is wrong with it');
});

t.test('the shipped dev and (filled-in) prod params are valid', async (t) => {
  t.match(validateParams(dev), {
    ok: true,
    values: { TaskCpu: '1024', DbMultiAz: 'false', AllowedIngressCidrs: '0.0.0.0/0' },
  });
  t.match(validateParams(prod), {
    ok: true,
    values: { DbMultiAz: 'true', NatGateways: 'per-az', DesiredCount: '2' },
  });
});

t.test('only the two versions are required; every other key takes its default', async (t) => {
  const result = validateParams({ MetabaseVersion: 'v0.64.2.2', DbEngineVersion: '17.9' });
  t.match(result, {
    ok: true,
    values: { DbInstanceClass: 'db.t4g.micro', DbAllocatedStorage: '20', NatGateways: 'single' },
  });
});

t.test('a missing required key', async (t) => {
  const { MetabaseVersion: _dropped, ...withoutVersion } = dev;
  t.match(validateParams(withoutVersion), {
    ok: false,
    problems: [
      {
        key: 'MetabaseVersion',
        message:
          'missing: pin it, e.g. "MetabaseVersion": "v0.64.2.2", so a new release of this tool never upgrades it unasked',
      },
    ],
  });
  t.match(validateParams({}), {
    ok: false,
    problems: [{ key: 'MetabaseVersion' }, { key: 'DbEngineVersion' }],
  });
});

t.test('not an object', async (t) => {
  t.match(validateParams([1, 2]), { ok: false, problems: [{ message: /one JSON object/ }] });
});

t.test('unknown key suggests the closest known one', async (t) => {
  t.match(problemsOf({ TaskMemroy: '2048' }), [
    { key: 'TaskMemroy', message: 'unknown parameter; did you mean TaskMemory?' },
  ]);
  t.match(problemsOf({ Zzzzzzzz: 1 }), [{ key: 'Zzzzzzzz', message: 'unknown parameter' }]);
});

t.test('$comment keys are notes, not parameters', async (t) => {
  t.same(problemsOf({ $comment: 'hi' }), []);
});

t.test('wrong types, both ways, with the fix in the message', async (t) => {
  t.match(problemsOf({ DesiredCount: '2' }), [
    { key: 'DesiredCount', message: 'expected a number, got the string "2" (write 2 without quotes)' },
  ]);
  t.match(problemsOf({ TaskCpu: 1024 }), [
    { key: 'TaskCpu', message: 'expected a string, got number 1024 (write "1024" in quotes)' },
  ]);
  t.match(problemsOf({ AllowedIngressCidrs: 5 }), [
    { key: 'AllowedIngressCidrs', message: /expected a list/ },
  ]);
  t.same(problemsOf({ DbMultiAz: false }), [], 'a JSON boolean is fine for a true/false parameter');
});

t.test('empty strings', async (t) => {
  t.match(problemsOf({ MetabaseVersion: '' }), [{ key: 'MetabaseVersion', message: 'must not be empty' }]);
  t.same(problemsOf({ CertificateArn: '' }), [], 'empty means "no certificate" where the default is empty');
});

t.test('CIDRs: syntax, host bits, VPC size and range, ingress count and overlap', async (t) => {
  t.match(problemsOf({ VpcCidr: '10.0.0.0/33' }), [{ key: 'VpcCidr' }]);
  t.match(problemsOf({ VpcCidr: '10.0.0.1/16' }), [
    { key: 'VpcCidr', message: /host bits set; the network is 10\.0\.0\.0\/16/ },
  ]);
  t.match(problemsOf({ VpcCidr: '10.0.0.0/24' }), [{ key: 'VpcCidr', message: /from \/16 to \/21/ }]);
  t.match(problemsOf({ VpcCidr: '8.8.0.0/16' }), [
    { key: 'VpcCidr', message: /falls outside the private ranges/ },
  ]);
  t.match(problemsOf({ AllowedIngressCidrs: ['300.1.1.1/32'] }), [
    { key: 'AllowedIngressCidrs', message: /octet above 255/ },
  ]);
  t.match(problemsOf({ AllowedIngressCidrs: ['203.0.113.0/24', '203.0.113.128/25'] }), [
    { key: 'AllowedIngressCidrs', message: /overlaps/ },
  ]);
  t.match(
    problemsOf({ AllowedIngressCidrs: ['1.0.0.0/8', '2.0.0.0/8', '3.0.0.0/8', '4.0.0.0/8', '5.0.0.0/8'] }),
    [{ message: /at most 4/ }],
  );
  t.same(
    problemsOf({ AllowedIngressCidrs: '203.0.113.0/24,198.51.100.7/32' }),
    [],
    'a comma string works too',
  );
});

t.test(
  'data-source ports: numbers or strings, at most four, real ports, 443 already open, no repeats',
  async (t) => {
    t.match(validateParams({ ...dev, DataSourcePorts: [5432, '3306'] }), {
      ok: true,
      values: { DataSourcePorts: '5432,3306' },
    });
    t.match(validateParams(dev), { ok: true, values: { DataSourcePorts: '' } }, 'none by default');
    t.match(problemsOf({ DataSourcePorts: [1, 2, 3, 4, 5] }), [
      { key: 'DataSourcePorts', message: '5 ports given; at most 4 fit' },
    ]);
    t.match(problemsOf({ DataSourcePorts: ['70000'] }), [
      { key: 'DataSourcePorts', message: '"70000" is not a TCP port (1–65535)' },
    ]);
    t.match(problemsOf({ DataSourcePorts: [443] }), [
      { key: 'DataSourcePorts', message: /443 is always open/ },
    ]);
    t.match(problemsOf({ DataSourcePorts: '5432,5432' }), [
      { key: 'DataSourcePorts', message: '5432 is listed twice' },
    ]);
  },
);

t.test('Fargate CPU/memory pairs AWS rejects', async (t) => {
  t.match(problemsOf({ TaskCpu: '1024', TaskMemory: '9216' }), [
    { key: 'TaskMemory', message: /9216 MiB is not a size Fargate accepts with TaskCpu 1024; use 2048–8192/ },
  ]);
  t.match(problemsOf({ TaskCpu: '256' }), [
    { key: 'TaskCpu', message: /not allowed; use one of: 1024, 2048, 4096/ },
  ]);
  // Below what Metabase needs (1 CPU), so not offered at all.
  t.match(problemsOf({ TaskCpu: '512', TaskMemory: '2048' }), [
    { key: 'TaskCpu', message: /"512" is not allowed; use one of: 1024, 2048, 4096/ },
  ]);
  t.same(problemsOf({ TaskCpu: '4096', TaskMemory: '30720' }), []);
});

t.test('DockerHubSecretArn must be the complete ARN, with the suffix Secrets Manager adds', async (t) => {
  const complete = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbC123';
  t.same(problemsOf({ DockerHubSecretArn: complete }, { region: 'eu-west-1' }), []);
  t.same(
    problemsOf({
      DockerHubSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:team/docker-hub-x9Y8z7',
    }),
    [],
  );
  for (const partial of [
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-*',
    'dockerhub',
  ]) {
    t.match(problemsOf({ DockerHubSecretArn: partial }), [
      {
        key: 'DockerHubSecretArn',
        message: /complete Secrets Manager secret ARN, ending in the 6-character suffix/,
      },
    ]);
  }
});

t.test('MetabaseImageDigest: empty, or sha256 and 64 hex digits', async (t) => {
  t.same(problemsOf({ MetabaseImageDigest: `sha256:${'0123456789abcdef'.repeat(4)}` }), []);
  for (const digest of [
    'sha256:abc',
    `sha512:${'a'.repeat(64)}`,
    `v0.64.2.2@sha256:${'a'.repeat(64)}`,
    'a'.repeat(64),
  ]) {
    t.match(problemsOf({ MetabaseImageDigest: digest }), [
      { key: 'MetabaseImageDigest', message: /sha256: and 64 lowercase hex digits/ },
    ]);
  }
});

t.test('certificate ARN: malformed, and from another region', async (t) => {
  t.match(problemsOf({ CertificateArn: 'arn:aws:iam::123456789012:server-certificate/x' }), [
    { key: 'CertificateArn', message: /must be empty or an ACM certificate ARN/ },
  ]);
  const arn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
  // A certificate needs the name it is for (tests/params/domain.test.ts).
  const DomainName = 'metabase.example.com';
  t.same(problemsOf({ CertificateArn: arn, DomainName }, { region: 'eu-west-1' }), []);
  t.match(problemsOf({ CertificateArn: arn, DomainName }, { region: 'us-east-1' }), [
    {
      key: 'CertificateArn',
      message: 'is in eu-west-1 but the stack deploys to us-east-1; it must be in the same region',
    },
  ]);
});

t.test('DB class and engine version outside the allowed lists', async (t) => {
  t.match(problemsOf({ DbInstanceClass: 'db.x2g.16xlarge' }), [
    { key: 'DbInstanceClass', message: /not allowed/ },
  ]);
  t.match(problemsOf({ DbEngineVersion: '11.22' }), [
    { key: 'DbEngineVersion', message: /not allowed; use one of: 16\.10/ },
  ]);
});

t.test('task counts: desired above max, min above max', async (t) => {
  t.match(problemsOf({ AutoScaling: 'true', MinTasks: 1, MaxTasks: 2, DesiredCount: 3 }), [
    { key: 'DesiredCount', message: /between MinTasks 1 and MaxTasks 2/ },
  ]);
  t.match(problemsOf({ MinTasks: 3, MaxTasks: 2 }), [
    { key: 'MinTasks', message: 'MinTasks 3 is above MaxTasks 2' },
  ]);
  t.match(problemsOf({ DesiredCount: 0 }), [{ key: 'DesiredCount', message: '0 is below the minimum 1' }]);
});

t.test('log retention: zero, negative, not a CloudWatch value', async (t) => {
  for (const days of [0, -1, 15])
    t.match(problemsOf({ LogRetentionDays: days }), [{ key: 'LogRetentionDays', message: /not allowed/ }]);
});

t.test('several problems are all reported at once', async (t) => {
  t.equal(problemsOf({ TaskCpu: 1, DbMultiAz: 'maybe', Foo: 1 }).length, 3);
});

t.test('stack names CloudFormation would reject', async (t) => {
  t.equal(stackNameProblem('metabase-dev'), undefined);
  for (const name of ['1metabase', 'meta_base', 'x'.repeat(129), ''])
    t.match(stackNameProblem(name), /not a valid stack name/);
});

t.test('parseCidr', async (t) => {
  t.same(parseCidr('192.168.0.0/16'), { network: 192 * 2 ** 24 + 168 * 2 ** 16, prefix: 16 });
  t.match(parseCidr('nope'), /not an IPv4 CIDR/);
});

t.test("AdminEmail takes what Metabase's /api/setup takes, and refuses what it would refuse", async (t) => {
  for (const email of ['you@example.com', 'You.Name+ops@Example.CO.uk', "o'brien@example.com", 'a`b@x.io'])
    t.same(problemsOf({ AdminEmail: email }), [], email);
  // Each passes a looser "x@y.z" check, and each would fail the setup only after the stack is up.
  for (const email of [
    '<you>@example.com',
    'you@example.com.',
    'you@-example.com',
    'you..me@example.com',
    'jörg@example.com',
    '"you"@example.com',
    'you@ex_ample.com',
    'you@example',
    'you example@x.com',
  ]) {
    t.match(
      problemsOf({ AdminEmail: email }),
      [{ key: 'AdminEmail', message: /an email address Metabase accepts/ }],
      email,
    );
  }
});

t.test(
  'an IPv6 range in AllowedIngressCidrs is refused as IPv6: the load balancer is IPv4 only',
  async (t) => {
    for (const cidr of ['::/0', '2001:db8::/32'])
      t.match(problemsOf({ AllowedIngressCidrs: [cidr] }), [
        { key: 'AllowedIngressCidrs', message: /is an IPv6 range; the load balancer is IPv4 only/ },
      ]);
    t.match(readFileSync('templates/edge.yaml', 'utf8'), /IpAddressType: ipv4/);
  },
);
