// Issue 13's params rules: a DNS name and a zone id checked offline, the certificate/domain/zone
// combinations that can serve HTTPS, and plain HTTP to the internet refused for a protected stack.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { plainHttpWarning } from '../../src/params/domain.js';
import { validateParams, type ParameterValues } from '../../src/params/validate.js';

const dev = JSON.parse(await readFile('params/dev.json', 'utf8')) as Record<string, unknown>;
const CERT = 'arn:aws:acm:eu-west-1:111122223333:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const domain = { DomainName: 'metabase.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' };

function problemsOf(overrides: Record<string, unknown>) {
  const result = validateParams({ ...dev, ...overrides });
  return result.ok ? [] : result.problems;
}
function valuesOf(overrides: Record<string, unknown>): ParameterValues {
  const result = validateParams({ ...dev, ...overrides });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.values;
}

t.test('a domain with its zone, or with a certificate of yours, is valid', async (t) => {
  t.same(problemsOf(domain), []);
  t.same(problemsOf({ DomainName: 'bi.example.co.uk', CertificateArn: CERT }), []);
  t.same(problemsOf({ ...domain, CertificateArn: CERT }), []);
});

t.test('bad DNS names are refused offline', async (t) => {
  for (const name of [
    'Metabase.Example.com',
    'metabase',
    'metabase.example.com.',
    '-metabase.example.com',
    'meta_base.example.com',
    'https://metabase.example.com',
    '*.example.com',
    `${'a'.repeat(64)}.example.com`,
  ]) {
    t.match(problemsOf({ ...domain, DomainName: name }), [{ key: 'DomainName' }], name);
  }
  const long = `${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com`;
  t.match(problemsOf({ ...domain, DomainName: long }), [{ key: 'DomainName', message: /at most 253/ }]);
});

t.test('a refused DNS name says which mistake it is, and what to write', async (t) => {
  const cases: [string, RegExp][] = [
    ['metabase.example.com.', /ends with a dot .*write it without: "metabase\.example\.com"/],
    ['Metabase.Example.com', /upper-case letters; write it in lower case: "metabase\.example\.com"/],
    ['meta_base.example.com', /underscore/],
    ['*.example.com', /is a wildcard; .*e\.g\. metabase\.example\.com .*CertificateArn/],
    ['mötabase.example.com', /punycode form \(xn--…\)/],
    [`${'a'.repeat(64)}.example.com`, /has 64 characters; a DNS label has at most 63/],
    ['metabase', /single label/],
    ['metabase..example.com', /empty label/],
    ['-metabase.example.com', /starts or ends with a hyphen/],
    ['https://metabase.example.com', /is a URL; write the name alone/],
  ];
  for (const [name, message] of cases)
    t.match(problemsOf({ ...domain, DomainName: name }), [{ key: 'DomainName', message }], name);
  t.same(problemsOf({ ...domain, DomainName: 'xn--mtabase-n4a.example.com' }), [], 'punycode is a DNS name');
});

t.test('a zone id as the AWS CLI prints it, or in lower case, gets the id to write', async (t) => {
  t.match(problemsOf({ ...domain, HostedZoneId: '/hostedzone/Z0123456789ABCDEFGHIJ' }), [
    {
      key: 'HostedZoneId',
      message: /as the AWS CLI prints it .*write the id alone: "Z0123456789ABCDEFGHIJ"/,
    },
  ]);
  t.match(problemsOf({ ...domain, HostedZoneId: 'z0123456789abcdefghij' }), [
    { key: 'HostedZoneId', message: /upper case; write "Z0123456789ABCDEFGHIJ"/ },
  ]);
});

t.test('a name ACM cannot put in a certificate it makes (over 64 characters) is refused', async (t) => {
  const name = `${'a'.repeat(60)}.example.com`;
  t.match(problemsOf({ ...domain, DomainName: name }), [
    { key: 'DomainName', message: /72 characters: .*common name, which ACM limits to 64/ },
  ]);
  // A certificate of yours can carry it as an additional name (SAN, up to 253).
  t.same(problemsOf({ DomainName: name, CertificateArn: CERT }), []);
  t.same(problemsOf({ ...domain, DomainName: `${'a'.repeat(52)}.example.com` }), [], '64 is fine');
});

t.test('bad hosted zone ids are refused offline', async (t) => {
  for (const zone of ['/hostedzone/Z0123456789', 'z0123456789', 'Z012-345', 'example.com', 'Z'])
    t.match(problemsOf({ ...domain, HostedZoneId: zone }), [{ key: 'HostedZoneId' }], zone);
});

t.test(
  "CertificateArn without DomainName is refused: no certificate covers the ALB's own name",
  async (t) => {
    t.match(problemsOf({ CertificateArn: CERT }), [
      {
        key: 'CertificateArn',
        message: /needs DomainName: no certificate covers the load balancer's own name/,
      },
    ]);
  },
);

t.test('a zone without a name, and a name with neither zone nor certificate, are refused', async (t) => {
  t.match(problemsOf({ HostedZoneId: domain.HostedZoneId }), [
    { key: 'HostedZoneId', message: /needs DomainName/ },
  ]);
  t.match(problemsOf({ DomainName: domain.DomainName }), [
    { key: 'DomainName', message: /needs HostedZoneId .* or CertificateArn/ },
  ]);
});

t.test('a protected stack refuses plain HTTP to the whole internet', async (t) => {
  const problems = problemsOf({ DbDeletionProtection: 'true' });
  t.match(problems, [
    {
      key: 'AllowedIngressCidrs',
      message: /whole internet over plain HTTP while DbDeletionProtection is on/,
    },
  ]);
  t.equal(problems.length, 1);
  t.same(problemsOf({ DbDeletionProtection: 'true', ...domain }), [], 'HTTPS on a domain is fine');
  t.same(
    problemsOf({ DbDeletionProtection: 'true', AllowedIngressCidrs: ['203.0.113.0/24'] }),
    [],
    'plain HTTP to your own network only is the user’s call',
  );
  t.same(problemsOf({ DbDeletionProtection: 'true', AllowPlainHttp: 'true' }), [], 'an explicit opt-out');
  t.same(problemsOf({ DbDeletionProtection: true, AllowPlainHttp: true }), [], 'JSON booleans too');
});

t.test('an unprotected stack on plain HTTP to the internet gets a warning, not a refusal', async (t) => {
  t.match(plainHttpWarning(valuesOf({})), /plain HTTP to the whole internet .*cleartext/);
  t.equal(plainHttpWarning(valuesOf({ AllowPlainHttp: 'true' })), undefined, 'silenced explicitly');
  t.equal(plainHttpWarning(valuesOf(domain)), undefined);
  t.equal(plainHttpWarning(valuesOf({ AllowedIngressCidrs: ['10.0.0.0/8'] })), undefined);
});

t.test('no shipped params file can serve a protected stack over plain HTTP', async (t) => {
  for (const env of ['dev', 'prod', 'small']) {
    const raw = JSON.parse(await readFile(`params/${env}.json`, 'utf8')) as Record<string, unknown>;
    const result = validateParams(raw);
    if (!result.ok) {
      t.ok(
        result.problems.every((p) => /still the placeholder/.test(p.message)),
        `${env}: refused only for its placeholders`,
      );
      continue;
    }
    const protectedStack = result.values.DbDeletionProtection === 'true';
    t.notOk(protectedStack && result.values.DomainName === '' && result.values.CertificateArn === '', env);
  }
});
