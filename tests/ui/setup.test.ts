// What deploy says about the first admin after a restore: the restored database brings its admins, and
// the password deploy once generated is in the destroyed stack's admin secret, which the restore reuses
// (the stack's AdminSecretArn), or, when none was found, in no secret.
import t from 'tap';
import type { RestorePlan } from '../../src/deploy/restore.js';
import { renderSetup } from '../../src/ui/setup.js';
import { makeStyle } from '../../src/ui/style.js';

const style = makeStyle(false, {});
const NEW_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:AdminSecret-n3wN3wN3wN3w-AbCdEf';
const OLD_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:AdminSecret-0ld0ld0ld0ld-GhIjKl';
const outputs = { MetabaseUrl: 'https://metabase.example.com', AdminSecretArn: NEW_SECRET };
const values = { AdminEmail: 'ops@example.com', AllowedIngressCidrs: '0.0.0.0/0' };
const restoreWith = (admin: RestorePlan['admin']): RestorePlan =>
  ({
    snapshot: { id: 'metabase-prod-final-2026-12-01', status: 'available' },
    admin,
  }) as unknown as RestorePlan;
const restore = restoreWith({ arn: OLD_SECRET, source: 'snapshot tags' });

t.test('already set up after a restore: the password is in the reused admin secret', async (t) => {
  const report = renderSetup(
    'metabase-prod',
    {
      setup: { kind: 'already-set-up' },
      // The stack's own output is the reused secret now.
      outputs: { ...outputs, AdminSecretArn: OLD_SECRET },
      health: undefined,
      restore,
    },
    values,
    style,
  );
  t.match(report.stdout, /^Metabase is already set up: left alone\.\n/);
  t.match(report.stdout, 'Restored from metabase-prod-final-2026-12-01');
  t.match(
    report.stdout,
    `The password deploy generated for the first one is in ${OLD_SECRET} (AdminSecretArn: the destroyed stack's admin secret, reused as ExistingAdminSecretArn)`,
  );
  t.notMatch(report.stdout, /not in use|new and holds/);
  t.notOk(report.failed || report.interrupted);
});

t.test('already set up after a restore that found no admin secret: in no secret, reset it', async (t) => {
  const missing = 'none tagged on the snapshot or left by metabase-prod';
  const made = renderSetup(
    'metabase-prod',
    {
      setup: { kind: 'already-set-up' },
      outputs,
      health: undefined,
      restore: restoreWith({ arn: '', source: 'new', missing }),
    },
    values,
    style,
  );
  t.match(
    made.stdout,
    `No secret holds their passwords (${missing}); ${NEW_SECRET} is new and holds none of them`,
  );
  t.match(made.stdout, 'must have it reset in Metabase');
  const none = renderSetup(
    'metabase-prod',
    {
      setup: { kind: 'already-set-up' },
      outputs: { MetabaseUrl: outputs.MetabaseUrl },
      health: undefined,
      restore: restoreWith({ arn: '', source: 'none', missing }),
    },
    { ...values, AdminEmail: '' },
    style,
  );
  t.match(none.stdout, `No secret holds their passwords (${missing}): an admin who does not know theirs`);
  t.notOk(made.failed || none.failed);
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
