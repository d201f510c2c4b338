// GIVEN a stack that made its own certificate, DNS-validated in a Route 53 zone, WHEN destroy plans THEN it
// says that the validation CNAME stays in the zone: CloudFormation deletes the certificate and the alias
// record but never the validation record it wrote (aws-cloudformation/cloudformation-coverage-roadmap#1603).
// A stack with its own CertificateArn (DNS elsewhere) or no domain has no such record to mention.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { planDestroy } from '../../src/deploy/destroy.js';
import { renderPlan } from '../../src/ui/destroy-view.js';
import { makeStyle } from '../../src/ui/style.js';
import { existingStack, fakeWorld, nestedId, ROOT_ID } from './fakes.js';
import type { StackResource } from '../../src/aws/cloudformation.js';

const EDGE = nestedId('EdgeStack');

async function plan(parameters: Record<string, string>, edgeResources: StackResource[]) {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE', { parameters });
  world.cf.resources.set(ROOT_ID, [
    {
      logicalId: 'EdgeStack',
      physicalId: EDGE,
      resourceType: 'AWS::CloudFormation::Stack',
      status: 'CREATE_COMPLETE',
    },
  ]);
  world.cf.resources.set(EDGE, edgeResources);
  world.cf.templates.set(EDGE, await readFile('templates/edge.yaml', 'utf8'));
  const found = await planDestroy(
    { cf: world.cf, s3: world.s3, sts: world.sts, rds: world.rds, region: 'eu-west-1', clock: world.clock },
    { stackName: 'metabase-dev' },
  );
  if (found === undefined) throw new Error('no plan');
  return found;
}

const certificate: StackResource = {
  logicalId: 'Certificate',
  physicalId: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666',
  resourceType: 'AWS::CertificateManager::Certificate',
  status: 'CREATE_COMPLETE',
};
const alias: StackResource = {
  logicalId: 'AliasRecord',
  physicalId: 'metabase.example.com',
  resourceType: 'AWS::Route53::RecordSet',
  status: 'CREATE_COMPLETE',
};

t.test('a certificate validated in the zone: its validation record is said to stay', async (t) => {
  const found = await plan({ DomainName: 'metabase.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }, [
    certificate,
    alias,
  ]);
  t.same(found.dnsValidationRecord, {
    domainName: 'metabase.example.com',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  });
  const text = renderPlan(found, { disableProtection: false, keepArtifacts: false }, makeStyle(false, {}));
  const keep = text.slice(text.indexOf('Will keep:'));
  t.match(
    keep,
    /\* the DNS validation record \(CNAME\) of the certificate for metabase\.example\.com in hosted zone Z0123456789ABCDEFGHIJ: CloudFormation does not delete it/,
  );
  t.notMatch(keep, /^ {2}nothing$/m);
  t.notMatch(
    keep,
    /AliasRecord|Certificate \(/,
    'the certificate and the alias record go: not under Will keep',
  );
});

t.test('own CertificateArn with DNS elsewhere, or no domain: nothing to say', async (t) => {
  const own = await plan(
    {
      DomainName: 'metabase.example.com',
      HostedZoneId: '',
      CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
    },
    [],
  );
  t.equal(own.dnsValidationRecord, undefined);
  const none = await plan({ DomainName: '', HostedZoneId: '' }, []);
  t.equal(none.dnsValidationRecord, undefined);
  t.notMatch(
    renderPlan(none, { disableProtection: false, keepArtifacts: false }, makeStyle(false, {})),
    /validation record/,
  );
});
