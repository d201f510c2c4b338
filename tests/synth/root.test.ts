import t from 'tap';
import { readFile, readdir } from 'node:fs/promises';
import { load } from 'js-yaml';
import { plainTemplates } from '../support/cli.js';

const templates = plainTemplates();
const tiers = { network: templates.network, edge: templates.edge, data: templates.data, app: templates.app };

t.test('the root supplies every nested stack parameter, and only those', async (t) => {
  for (const [tier, template] of Object.entries(tiers)) {
    const stack = Object.values(templates.root.Resources).find(
      (r) => r.Properties?.TemplateURL === `${tier}.yaml`,
    );
    t.ok(stack, `root has a stack for ${tier}`);
    const supplied = Object.keys(stack!.Properties!.Parameters as object).sort();
    const declared = Object.keys(template.Parameters ?? {}).sort();
    t.same(supplied, declared, `${tier}: supplied = declared`);
    for (const name of declared)
      t.notOk(
        'Default' in template.Parameters![name]!,
        `${tier}.${name} has no default to hide a missing value`,
      );
  }
});

t.test('every cross-stack output the root reads exists in the tier that should produce it', async (t) => {
  const text = JSON.stringify(templates.root);
  const references = [
    ...text.matchAll(/"(\w+)Stack","Outputs\.(\w+)"/g),
    ...text.matchAll(/\$\{(\w+)Stack\.Outputs\.(\w+)\}/g),
  ];
  t.ok(references.length > 10);
  for (const [, stack, outputName] of references) {
    const tier = stack!.toLowerCase() as keyof typeof tiers;
    t.ok(tiers[tier].Outputs?.[outputName!], `${stack}Stack outputs ${outputName}`);
  }
});

t.test('root outputs name the Metabase URL, cluster, service, database endpoint and log group', async (t) => {
  for (const name of ['MetabaseUrl', 'ClusterName', 'ServiceName', 'DbEndpoint', 'LogGroupName'])
    t.ok(templates.root.Outputs?.[name], name);
});

/** Every (key, primitive value) pair in a parsed document, with its path. */
function* leaves(value: unknown, path: string[] = []): Generator<[string[], string | number | boolean]> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* leaves(item, [...path, String(index)]);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) yield* leaves(child, [...path, key]);
  } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    yield [path, value];
  }
}

t.test('no plaintext secret anywhere in templates/ or params/', async (t) => {
  const files = [
    ...(await readdir('templates', { recursive: true }))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `templates/${f}`),
    ...(await readdir('params')).filter((f) => f.endsWith('.json')).map((f) => `params/${f}`),
  ];
  const secretKey =
    /^(master)?(user)?(password|passwd|pass|secret|token|apikey|accesskey|privatekey|secretstring)$/i;
  let checked = 0;
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    t.notMatch(text, /AKIA[0-9A-Z]{16}/, `${file}: no AWS access key id`);
    t.notMatch(text, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, `${file}: no private key`);
    const document: unknown = file.endsWith('.json') ? JSON.parse(text) : load(text);
    for (const [path, value] of leaves(document)) {
      // The first item of Fn::If is the name of a condition, not a value.
      if (path.some((segment, i) => segment === 'Fn::If' && path[i + 1] === '0')) continue;
      const named = path.filter((segment) => !/^\d+$/.test(segment) && !segment.startsWith('Fn::'));
      const key = named[named.length - 1] ?? '';
      if (!secretKey.test(key)) continue;
      checked++;
      t.ok(
        typeof value === 'string' && (value === '' || value.startsWith('{{resolve:secretsmanager:')),
        `${file}: ${path.join('.')} is a reference, not a literal`,
      );
    }
  }
  t.ok(checked >= 1, 'the check saw the master password property');
  t.match(
    JSON.stringify(templates.data.Resources.Database),
    /"MasterUserPassword":\{"Fn::If":\["SetMasterPassword",\{"Fn::Sub":\["\{\{resolve:secretsmanager:\$\{SecretArn\}:SecretString:password\}\}",\{"SecretArn":\{"Fn::If":\["CreateDbMasterSecret",\{"Ref":"DbMasterSecret"\}/,
  );
});
