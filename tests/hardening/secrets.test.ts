// Secrets hygiene: the tool never reads a secret value, so none can reach its output; the values it
// prints (root outputs) hold none; what drift prints is masked (tests/drift/mask.test.ts).
import t from 'tap';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { plainTemplates } from '../support/cli.js';

async function sources(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true });
  return entries.filter((name) => name.endsWith('.ts')).map((name) => join(directory, name));
}

t.test('no code path reads a secret value', async (t) => {
  const files = await sources('src');
  t.ok(files.length > 50);
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    t.notMatch(
      text,
      /GetSecretValue(Command)?\(|GetSecretValueCommand|client-ssm/,
      `${file} does not fetch secrets`,
    );
    // The one Secrets Manager client (built in clients.ts): a restore looks secrets up by metadata, and
    // the first-admin setup writes the password deploy generated.
    if (![join('src', 'aws', 'secrets.ts'), join('src', 'aws', 'clients.ts')].includes(file))
      t.notMatch(text, /client-secrets-manager/, `${file} does not use Secrets Manager`);
  }
  // DescribeSecret and ListSecrets return metadata (name, ARN, tags, dates), never a SecretString;
  // PutSecretValue only writes.
  const secretsApi = await readFile(join('src', 'aws', 'secrets.ts'), 'utf8');
  const commands = [...secretsApi.matchAll(/\b(\w+)Command\b/g)].map((m) => m[1]);
  t.same(
    [...new Set(commands)].sort(),
    ['DescribeSecret', 'ListSecrets', 'PutSecretValue'],
    'metadata calls and the one write',
  );
});

t.test(
  'the root outputs that deploy prints carry no secret; the one secret ARN is the admin one',
  async (t) => {
    const { root, data } = plainTemplates();
    for (const [name, output] of Object.entries(root.Outputs ?? {})) {
      t.notMatch(name, /password|key/i, `${name} is not a secret`);
      if (name === 'AdminSecretArn') continue;
      t.notMatch(name, /secret/i, `${name} is not a secret`);
      t.notMatch(JSON.stringify(output.Value), /Secret/, `${name} is not wired to a secret`);
    }
    // Printed so the user knows where the generated admin password is: an ARN, not a value, and only the
    // admin's, never the DB credentials' or the encryption key's.
    t.same(root.Outputs?.AdminSecretArn?.Value, { 'Fn::GetAtt': ['DataStack', 'Outputs.AdminSecretArn'] });
    // The admin secret made here, or (after a restore) the destroyed stack's admin secret that is reused.
    t.same(data.Outputs?.AdminSecretArn?.Value, {
      'Fn::If': ['CreateAdminSecret', { Ref: 'AdminSecret' }, { Ref: 'ExistingAdminSecretArn' }],
    });
  },
);

t.test(
  'the DB and encryption-key secret ARNs stay inside the stack: passed from data to app only',
  async (t) => {
    const { root } = plainTemplates();
    const wiring = JSON.stringify(root.Resources);
    t.match(wiring, /"DbMasterSecretArn":\{"Fn::GetAtt":\["DataStack","Outputs\.DbMasterSecretArn"\]\}/);
    t.notMatch(JSON.stringify(root.Outputs), /DbMasterSecretArn|EncryptionKeySecretArn/);
  },
);
