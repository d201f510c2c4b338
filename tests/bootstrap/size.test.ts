import t from 'tap';
import { resolveBootstrap, roles } from './resolve.js';

// IAM refuses a role whose inline policies add up to more than 10,240 characters (whitespace not counted),
// and a managed policy over 6,144. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
t.test('every role fits IAM size quotas', async (t) => {
  const resources = resolveBootstrap({ hostedZoneId: 'Z0123456789ABCDEFGHIJ' });
  for (const role of roles(resources)) {
    t.comment(`${role.id}: ${String(role.inlineSize)} characters`);
    t.ok(role.inlineSize <= 10240, `${role.id} inline policies: ${String(role.inlineSize)} <= 10240`);
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const size = JSON.stringify(resource.Properties.PolicyDocument).length;
    t.ok(size <= 6144, `${id}: ${String(size)} <= 6144`);
  }
});
