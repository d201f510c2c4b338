// GIVEN the edge and root templates WHEN DomainName / HostedZoneId / CertificateArn take the values a
// user may give THEN the certificate, the alias record, the listeners and the URL are what issue 13 asks,
// and going domain off → on → off never leaves the HTTPS listener without a certificate (checked against
// the createOnlyProperties of cfn-lint's bundled registry schemas, AWS's own data).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { plainTemplates } from '../support/cli.js';
import { resolveTemplate, type ResolvedResource } from '../support/resolve-template.js';

const { edge, root, app, data } = plainTemplates();
const DOMAIN = 'metabase.example.com';
const ZONE = 'Z0123456789ABCDEFGHIJ';
const CERT = 'arn:aws:acm:eu-west-1:111122223333:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

function edgeWith(values: { DomainName?: string; HostedZoneId?: string; CertificateArn?: string }) {
  return resolveTemplate(edge, { DomainName: '', HostedZoneId: '', CertificateArn: '', ...values });
}
const ofType = (resources: Record<string, ResolvedResource>, type: string): [string, ResolvedResource][] =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

t.test(
  'domain and zone: one DNS-validated certificate, one alias A record, HTTPS with it, 80 redirects',
  async (t) => {
    const { resources, outputs } = edgeWith({ DomainName: DOMAIN, HostedZoneId: ZONE });
    const certificates = ofType(resources, 'AWS::CertificateManager::Certificate');
    t.equal(certificates.length, 1);
    const [certificateId, certificate] = certificates[0]!;
    t.same(certificate.Properties.DomainName, DOMAIN);
    t.equal(certificate.Properties.ValidationMethod, 'DNS');
    t.same(certificate.Properties.DomainValidationOptions, [{ DomainName: DOMAIN, HostedZoneId: ZONE }]);

    const records = ofType(resources, 'AWS::Route53::RecordSet');
    t.equal(records.length, 1, 'IPv4-only load balancer: one A alias, no AAAA');
    t.match(records[0]![1].Properties, {
      HostedZoneId: ZONE,
      Name: DOMAIN,
      Type: 'A',
      AliasTarget: {
        DNSName: { 'Fn::GetAtt': ['LoadBalancer', 'DNSName'] },
        HostedZoneId: { 'Fn::GetAtt': ['LoadBalancer', 'CanonicalHostedZoneID'] },
      },
    });
    t.equal(
      edge.Resources.LoadBalancer?.Properties?.IpAddressType,
      'ipv4',
      'the AAAA decision rests on this',
    );

    const listeners = ofType(resources, 'AWS::ElasticLoadBalancingV2::Listener');
    const https = listeners.find(([, l]) => l.Properties.Protocol === 'HTTPS')![1];
    t.same(https.Properties.Certificates, [{ CertificateArn: { Ref: certificateId } }]);
    t.equal(https.Properties.Port, 443);
    t.equal(https.Properties.SslPolicy, 'ELBSecurityPolicy-TLS13-1-2-2021-06');
    const http = listeners.find(([, l]) => l.Properties.Protocol === 'HTTP')![1];
    t.match(http.Properties.DefaultActions, [
      { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
    ]);
    t.equal(outputs.MetabaseUrl, `https://${DOMAIN}`);
  },
);

t.test(
  'domain with a certificate of your own and no zone: that certificate, no record, https URL',
  async (t) => {
    const { resources, outputs } = edgeWith({ DomainName: DOMAIN, CertificateArn: CERT });
    t.equal(ofType(resources, 'AWS::CertificateManager::Certificate').length, 0);
    t.equal(ofType(resources, 'AWS::Route53::RecordSet').length, 0);
    const https = ofType(resources, 'AWS::ElasticLoadBalancingV2::Listener').find(
      ([, l]) => l.Properties.Protocol === 'HTTPS',
    )![1];
    t.same(https.Properties.Certificates, [{ CertificateArn: CERT }]);
    t.equal(outputs.MetabaseUrl, `https://${DOMAIN}`);
  },
);

t.test(
  'domain, zone and a certificate of your own: yours is used, the zone still gets the record',
  async (t) => {
    const { resources } = edgeWith({ DomainName: DOMAIN, HostedZoneId: ZONE, CertificateArn: CERT });
    t.equal(ofType(resources, 'AWS::CertificateManager::Certificate').length, 0);
    t.equal(ofType(resources, 'AWS::Route53::RecordSet').length, 1);
  },
);

t.test('no domain: neither a certificate nor a record; plain HTTP forwards', async (t) => {
  const { resources, outputs } = edgeWith({});
  t.equal(ofType(resources, 'AWS::CertificateManager::Certificate').length, 0);
  t.equal(ofType(resources, 'AWS::Route53::RecordSet').length, 0);
  const listeners = ofType(resources, 'AWS::ElasticLoadBalancingV2::Listener');
  t.same(
    listeners.map(([, l]) => l.Properties.Protocol),
    ['HTTP'],
  );
  t.match(listeners[0]![1].Properties.DefaultActions, [{ Type: 'forward' }]);
  t.match(outputs.MetabaseUrl, { 'Fn::Sub': 'http://${LoadBalancer.DNSName}' });
});

t.test('MB_SITE_URL on the task is the public URL the edge tier reports', async (t) => {
  const container = (
    app.Resources.TaskDefinition?.Properties?.ContainerDefinitions as {
      Environment: { Name: string; Value: unknown }[];
    }[]
  )[0]!;
  t.same(container.Environment.find((e) => e.Name === 'MB_SITE_URL')?.Value, { Ref: 'MetabaseUrl' });
  t.same(root.Resources.AppStack?.Properties?.Parameters, {
    ...(root.Resources.AppStack?.Properties?.Parameters as object),
    MetabaseUrl: { 'Fn::GetAtt': ['EdgeStack', 'Outputs.MetabaseUrl'] },
  });
});

t.test('the admin secret and its root output exist only with AdminEmail', async (t) => {
  // Not a restore reusing the destroyed stack's admin secret (tests/synth/restore.test.ts covers that).
  const withAdmin = resolveTemplate(data, { AdminEmail: 'ops@example.com', ExistingAdminSecretArn: '' });
  t.equal(withAdmin.resources.AdminSecret?.Type, 'AWS::SecretsManager::Secret');
  t.ok(withAdmin.outputs.AdminSecretArn);
  t.equal(data.Resources.AdminSecret?.DeletionPolicy, 'Retain', 'kept with the snapshot it logs into');
  const without = resolveTemplate(data, { AdminEmail: '', ExistingAdminSecretArn: '' });
  t.notOk(without.resources.AdminSecret);
  t.notOk(without.outputs.AdminSecretArn);
  t.notOk(resolveTemplate(root, {}).outputs.AdminSecretArn, 'the root output follows the same condition');
});

const schemaCache = new Map<string, string[]>();
function createOnly(type: string): string[] {
  const cached = schemaCache.get(type);
  if (cached) return cached;
  const script = `import json; from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as m; print(json.dumps(m.get_resource_schema('us-east-1', '${type}').schema.get('createOnlyProperties', [])))`;
  const result = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cannot read the ${type} schema from cfn-lint: ${result.stderr}`);
  const properties = (JSON.parse(result.stdout) as string[]).map((pointer) =>
    pointer.replace('/properties/', ''),
  );
  schemaCache.set(type, properties);
  return properties;
}

type Change = 'add' | 'remove' | 'replace' | 'modify' | 'same';
/** Logical ids a value refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub). */
function referencedIds(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => referencedIds(item, found));
  else if (typeof value === 'string') for (const [, id] of value.matchAll(/\$\{(\w+)/g)) found.add(id!);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner)) found.add(String(inner[0]));
      else referencedIds(inner, found);
    }
  }
  return found;
}

/**
 * What CloudFormation does to each resource going from one parameter set to the next: a changed
 * create-only property replaces, any other change modifies, and a property that refers to a replaced
 * resource changes too (its physical id does), so the referrer is updated (or replaced) after it.
 */
function changes(
  before: Record<string, ResolvedResource>,
  after: Record<string, ResolvedResource>,
): Record<string, Change> {
  const result: Record<string, Change> = {};
  const changedKeys: Record<string, string[]> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [old, next] = [before[name], after[name]];
    if (!old) result[name] = 'add';
    else if (!next) result[name] = 'remove';
    else {
      const keys = new Set([...Object.keys(old.Properties), ...Object.keys(next.Properties)]);
      changedKeys[name] = [...keys].filter(
        (key) => JSON.stringify(old.Properties[key]) !== JSON.stringify(next.Properties[key]),
      );
    }
  }
  for (let settled = false; !settled;) {
    settled = true;
    for (const [name, keys] of Object.entries(changedKeys)) {
      const next = after[name]!;
      const replaced = Object.keys(result).filter((id) => result[id] === 'replace');
      const follows = Object.keys(next.Properties).filter(
        (key) => !keys.includes(key) && replaced.some((id) => referencedIds(next.Properties[key]).has(id)),
      );
      const all = [...keys, ...follows];
      const change: Change =
        all.length === 0
          ? 'same'
          : all.some((key) => createOnly(next.Type).includes(key))
            ? 'replace'
            : 'modify';
      if (result[name] !== change) {
        result[name] = change;
        settled = false;
      }
    }
  }
  return result;
}

t.test(
  'update path: domain off → on → another name → off keeps the listeners and never strands HTTPS',
  async (t) => {
    const off = edgeWith({}).resources;
    const on = edgeWith({ DomainName: DOMAIN, HostedZoneId: ZONE }).resources;
    const renamed = edgeWith({
      DomainName: `bi.${DOMAIN.split('.').slice(1).join('.')}`,
      HostedZoneId: ZONE,
    }).resources;

    const turnOn = changes(off, on);
    t.match(turnOn, { Certificate: 'add', AliasRecord: 'add', HttpsListener: 'add', HttpListener: 'modify' });
    t.equal(turnOn.LoadBalancer, 'same', 'the load balancer (and its DNS name) stays');

    // A new name replaces the certificate (DomainName is create-only) and the record (Name is create-only).
    // CloudFormation creates the replacement first, points the listener at it with an in-place update, and
    // deletes the old certificate in the cleanup phase: the listener must therefore update, not replace.
    const rename = changes(on, renamed);
    t.match(rename, {
      Certificate: 'replace',
      AliasRecord: 'replace',
      HttpsListener: 'modify',
      LoadBalancer: 'same',
    });
    t.notOk(createOnly('AWS::ElasticLoadBalancingV2::Listener').includes('Certificates'));

    const turnOff = changes(renamed, off);
    t.match(turnOff, {
      Certificate: 'remove',
      AliasRecord: 'remove',
      HttpsListener: 'remove',
      HttpListener: 'modify',
    });
    t.equal(turnOff.LoadBalancer, 'same');
  },
);

t.test('root Rules refuse what validate refuses, for deploys that bypass this tool', async (t) => {
  const rules = Object.keys(root.Rules ?? {});
  for (const name of [
    'CertificateNeedsDomain',
    'HostedZoneNeedsDomain',
    'DomainNeedsCertificateOrZone',
    'NoPlainHttpForProtectedStack',
  ])
    t.ok(rules.includes(name), name);
});
