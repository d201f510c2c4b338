// What deploy says about the first admin after a restore: the restored database brings its admins, and
// the password deploy once generated is in the secret the destroyed stack kept, not in the new stack's.
import t from 'tap';
import type { RestorePlan } from '../../src/deploy/restore.js';
import { renderSetup } from '../../src/ui/setup.js';
import { makeStyle } from '../../src/ui/style.js';

const style = makeStyle(false, {});
const NEW_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:AdminSecret-n3wN3wN3wN3w-AbCdEf';
const outputs = { MetabaseUrl: 'https://metabase.example.com', AdminSecretArn: NEW_SECRET };
const values = { AdminEmail: 'ops@example.com', AllowedIngressCidrs: '0.0.0.0/0' };
const restore = {
  snapshot: { id: 'metabase-prod-final-2026-12-01', status: 'available' },
} as unknown as RestorePlan;

t.test('already set up after a restore: says where the admin password is not', async (t) => {
  const report = renderSetup(
    'metabase-prod',
    { setup: { kind: 'already-set-up' }, outputs, health: undefined, restore },
    values,
    style,
  );
  t.match(report.stdout, /^Metabase is already set up: left alone\.\n/);
  t.match(report.stdout, 'Restored from metabase-prod-final-2026-12-01');
  t.match(report.stdout, `the destroyed stack kept`);
  t.match(report.stdout, `not in ${NEW_SECRET}`);
  t.notOk(report.failed || report.interrupted);
});

t.test('already set up without a restore: just left alone', async (t) => {
  const report = renderSetup(
    'metabase-prod',
    { setup: { kind: 'already-set-up' }, outputs, health: undefined, restore: undefined },
    values,
    style,
  );
  t.equal(report.stdout, 'Metabase is already set up: left alone.\n');
});
