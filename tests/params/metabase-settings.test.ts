// GIVEN MetabaseSettings / MetabaseSecretSettings in a params file WHEN it is validated THEN only MB_
// names the stack does not set itself pass, secret-looking values are sent to MetabaseSecretSettings,
// and the maps become the root's slot parameters, which the app tier turns into environment variables,
// ECS secrets and exactly those secret ARNs for the execution role.
import t from 'tap';
import { validateParams } from '../../src/params/validate.js';
import { secretLikeness } from '../../src/params/metabase-settings.js';
import { variablesSetByStack } from '../../src/synth/tiers/app.js';
import { plainTemplates } from '../support/cli.js';

const pinned = { MetabaseVersion: 'v0.64.2.2', DbEngineVersion: '17.9' };
const SMTP_SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:metabase/smtp-AbCdEf';

function problems(raw: Record<string, unknown>): string[] {
  const result = validateParams({ ...pinned, ...raw });
  return result.ok ? [] : result.problems.map((p) => `${p.key}: ${p.message}`);
}

t.test('SMTP as the README shows it passes and fills the slots in order', async (t) => {
  const result = validateParams({
    ...pinned,
    MetabaseSettings: {
      MB_EMAIL_SMTP_HOST: 'email-smtp.eu-west-1.amazonaws.com',
      MB_EMAIL_SMTP_PORT: 587,
      MB_EMAIL_SMTP_SECURITY: 'starttls',
      MB_EMAIL_SMTP_USERNAME: 'AKIA-not-really-an-id',
      MB_EMAIL_FROM_ADDRESS: 'metabase@example.com',
    },
    MetabaseSecretSettings: { MB_EMAIL_SMTP_PASSWORD: `${SMTP_SECRET}:password::` },
  });
  t.ok(result.ok, JSON.stringify(result.ok ? '' : result.problems));
  if (!result.ok) return;
  t.equal(result.values.MetabaseSetting1Name, 'MB_EMAIL_SMTP_HOST');
  t.equal(result.values.MetabaseSetting2Value, '587', 'numbers become strings');
  t.equal(result.values.MetabaseSetting6Name, '', 'unused slots are empty');
  t.equal(result.values.MetabaseSecretSetting1Name, 'MB_EMAIL_SMTP_PASSWORD');
  t.equal(result.values.MetabaseSecretSetting1ValueFrom, `${SMTP_SECRET}:password::`);
  const root = plainTemplates().root;
  for (const name of Object.keys(result.values))
    t.ok(name in root.Parameters!, `${name} is a root parameter`);
});

t.test('only MB_ names, and none the stack sets itself', async (t) => {
  const stackSet = variablesSetByStack();
  t.ok(stackSet.includes('MB_DB_CONNECTION_URI') && stackSet.includes('MB_ENCRYPTION_SECRET_KEY'));
  t.ok(stackSet.includes('MB_DB_PASS'), 'secrets the stack sets count too');
  for (const name of stackSet) {
    t.match(problems({ MetabaseSettings: { [name]: 'x' } }).join(), /sets this one itself/, name);
    t.match(
      problems({ MetabaseSecretSettings: { [name]: SMTP_SECRET } }).join(),
      /sets this one itself/,
      name,
    );
  }
  t.match(problems({ MetabaseSettings: { JAVA_OPTS: '-Xmx1g' } }).join(), /not a Metabase setting/);
  t.match(problems({ MetabaseSettings: { mb_site_name: 'x' } }).join(), /not a Metabase setting/);
  t.match(problems({ MetabaseSettings: ['MB_X'] }).join(), /expected an object/);
});

t.test(
  'a value that looks like a password or key is refused with the pointer to MetabaseSecretSettings',
  async (t) => {
    const refused = {
      MB_EMAIL_SMTP_PASSWORD: 'hunter2',
      MB_JWT_SHARED_SECRET: 'abc',
      MB_PREMIUM_EMBEDDING_TOKEN: 'abc',
      MB_SAML_PRIVATE_KEY: 'x',
      MB_SOME_SETTING: 'Xk9vQ2LmZp7RtY4wBn8sHc3J',
      MB_OTHER: '-----BEGIN RSA PRIVATE KEY-----\nMIIE...',
      MB_THIRD: 'AKIAIOSFODNN7EXAMPLE',
    };
    for (const [name, value] of Object.entries(refused)) {
      const text = problems({ MetabaseSettings: { [name]: value } }).join();
      t.match(text, /looks like a password or key/, name);
      t.match(text, /MetabaseSecretSettings/, `${name}: says where it goes`);
    }
    for (const [name, value] of Object.entries({
      MB_EMAIL_SMTP_HOST: 'email-smtp.eu-west-1.amazonaws.com',
      MB_SITE_NAME: 'Acme Analytics',
      MB_GOOGLE_AUTH_CLIENT_ID: '123456789012-abcdefghijklmnop.apps.googleusercontent.com',
      MB_REPORT_TIMEZONE: 'Europe/Berlin',
      MB_EMAIL_SMTP_PORT: '587',
      MB_ANON_TRACKING_ENABLED: 'false',
    })) {
      t.equal(secretLikeness(name, value), undefined, `${name}=${value} is plain`);
    }
  },
);

t.test('secret settings need a full Secrets Manager ARN, optionally with a JSON key', async (t) => {
  t.same(problems({ MetabaseSecretSettings: { MB_LDAP_PASSWORD: SMTP_SECRET } }), []);
  t.same(problems({ MetabaseSecretSettings: { MB_LDAP_PASSWORD: `${SMTP_SECRET}:ldap::` } }), []);
  for (const bad of [
    'arn:aws:secretsmanager:eu-west-1:111122223333:secret:metabase/smtp',
    'metabase/smtp',
    'arn:aws:ssm:eu-west-1:111122223333:parameter/smtp',
    `${SMTP_SECRET}:password`,
  ]) {
    t.match(problems({ MetabaseSecretSettings: { MB_LDAP_PASSWORD: bad } }).join(), /full ARN/, bad);
  }
  const root = plainTemplates().root;
  const pattern = new RegExp(root.Parameters!.MetabaseSecretSetting1ValueFrom!.AllowedPattern as string);
  t.ok(pattern.test('') && pattern.test(SMTP_SECRET) && pattern.test(`${SMTP_SECRET}:password::`));
  t.notOk(pattern.test('metabase/smtp'), 'the template refuses the same as validate');
});

t.test('limits: slots, duplicates, empty and oversize values', async (t) => {
  const many = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`MB_SETTING_${i}`, 'x']));
  t.match(problems({ MetabaseSettings: many }).join(), /13 settings given; at most 12 fit/);
  const secrets = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`MB_SECRET_${i}`, SMTP_SECRET]));
  t.match(problems({ MetabaseSecretSettings: secrets }).join(), /5 secret settings given; at most 4 fit/);
  t.match(
    problems({ MetabaseSettings: { MB_X: 'a' }, MetabaseSecretSettings: { MB_X: SMTP_SECRET } }).join(),
    /also in MetabaseSecretSettings/,
  );
  t.match(problems({ MetabaseSettings: { MB_X: '' } }).join(), /must not be empty/);
  t.match(problems({ MetabaseSettings: { MB_X: 'a b '.repeat(1100) } }).join(), /at most 4096/);
  t.match(
    problems({ MetabaseSetting1Name: 'MB_X' }).join(),
    /unknown parameter/,
    'slots are not params-file keys',
  );
});

/** Fn::Join / Fn::Select / Fn::Split / Fn::Sub / Ref evaluated over values, as CloudFormation would. */
function evaluate(node: unknown, values: Record<string, string>): unknown {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) return node.map((item) => evaluate(item, values));
  const record = node as Record<string, unknown>;
  if ('Ref' in record) return values[record.Ref as string];
  if ('Fn::Sub' in record)
    return (record['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => values[name] ?? '');
  if ('Fn::Join' in record) {
    const [separator, list] = record['Fn::Join'] as [string, unknown];
    return (evaluate(list, values) as string[]).join(separator);
  }
  if ('Fn::Split' in record) {
    const [separator, text] = record['Fn::Split'] as [string, unknown];
    return (evaluate(text, values) as string).split(separator);
  }
  if ('Fn::Select' in record) {
    const [index, list] = record['Fn::Select'] as [number, unknown];
    return (evaluate(list, values) as unknown[])[index];
  }
  throw new Error(`not modelled: ${JSON.stringify(node)}`);
}

t.test(
  'the app tier: one variable or secret a filled slot, and the role reads exactly those secrets',
  async (t) => {
    const { app, root } = plainTemplates();
    const container = (
      app.Resources.TaskDefinition!.Properties!.ContainerDefinitions as Record<string, unknown>[]
    )[0]!;
    const conditional = (list: unknown) =>
      (list as Record<string, unknown>[])
        .filter((entry) => 'Fn::If' in entry)
        .map((entry) => entry['Fn::If']);
    t.same(conditional(container.Environment)[0], [
      'HasMetabaseSetting1',
      { Name: { Ref: 'MetabaseSetting1Name' }, Value: { Ref: 'MetabaseSetting1Value' } },
      { Ref: 'AWS::NoValue' },
    ]);
    t.equal(conditional(container.Environment).length, 12);
    t.same(conditional(container.Secrets)[3], [
      'HasMetabaseSecretSetting4',
      { Name: { Ref: 'MetabaseSecretSetting4Name' }, ValueFrom: { Ref: 'MetabaseSecretSetting4ValueFrom' } },
      { Ref: 'AWS::NoValue' },
    ]);
    t.same(app.Conditions!.HasMetabaseSetting1, {
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'MetabaseSetting1Name' }, ''] }],
    });
    const appStack = root.Resources.AppStack!.Properties!.Parameters as Record<string, unknown>;
    t.same(appStack.MetabaseSecretSetting2ValueFrom, { Ref: 'MetabaseSecretSetting2ValueFrom' });

    const statement = (
      app.Resources.ExecutionRole!.Properties!.Policies as {
        PolicyDocument: { Statement: { Resource: unknown[] }[] };
      }[]
    )[0]!.PolicyDocument.Statement[0]!;
    const arnOfSlot = (slot: number, valueFrom: string) => {
      const [, arn] = (statement.Resource[2 + slot] as { 'Fn::If': [string, unknown, unknown] })['Fn::If'];
      return evaluate(arn, { [`MetabaseSecretSetting${slot}ValueFrom`]: valueFrom });
    };
    t.equal(
      arnOfSlot(1, `${SMTP_SECRET}:password::`),
      SMTP_SECRET,
      'the JSON key is not part of the IAM resource',
    );
    t.equal(arnOfSlot(2, SMTP_SECRET), SMTP_SECRET);
    t.equal(arnOfSlot(3, ''), '::::::', 'an empty slot still evaluates (its Fn::If drops it)');
  },
);
