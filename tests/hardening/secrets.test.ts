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
    t.notMatch(text, /GetSecretValue(Command)?\(|client-ssm/, `${file} does not fetch secrets`);
    // A restore looks secrets up by metadata (src/aws/secrets.ts); nothing else touches Secrets Manager.
    if (!['src/aws/secrets.ts', 'src/aws/clients.ts'].includes(file))
      t.notMatch(text, /client-secrets-manager/, `${file} does not use Secrets Manager`);
  }
  // DescribeSecret and ListSecrets return metadata (name, ARN, tags, dates), never a SecretString.
  const secretsApi = await readFile('src/aws/secrets.ts', 'utf8');
  const commands = [...secretsApi.matchAll(/\b(\w+)Command\b/g)].map((m) => m[1]);
  t.same([...new Set(commands)].sort(), ['DescribeSecret', 'ListSecrets'], 'metadata calls only');
});

t.test('the root outputs that deploy prints carry no secret and no secret ARN', async (t) => {
  const { root } = plainTemplates();
  for (const [name, output] of Object.entries(root.Outputs ?? {})) {
    t.notMatch(name, /secret|password|key/i, `${name} is not a secret`);
    t.notMatch(JSON.stringify(output.Value), /Secret/, `${name} is not wired to a secret`);
  }
});

t.test('the secret ARNs stay inside the stack: passed from data to app only', async (t) => {
  const { root } = plainTemplates();
  const wiring = JSON.stringify(root.Resources);
  t.match(wiring, /"DbMasterSecretArn":\{"Fn::GetAtt":\["DataStack","Outputs\.DbMasterSecretArn"\]\}/);
  t.notMatch(JSON.stringify(root.Outputs), /SecretArn/);
});
