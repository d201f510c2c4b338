// Stand-in templates for moto. Stock moto cannot run the real tiers: it has no Fn::Cidr, no GetAtt on
// AWS::CloudFormation::Stack outputs (so no cross-tier wiring), and fails on AWS::NoValue inside lists.
// The stand-ins keep what the deploy tool depends on: the real root template's parameters, nested stack
// logical ids and template file names, and each tier's real parameter and output names. Each tier holds
// one SSM parameter whose value joins all of its inputs, so a changed parameter changes a resource.
// What moto cannot check here (nested outputs, rollbacks, real resource behaviour) the unit tests cover.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';

type Template = {
  Parameters?: Record<string, { Type: string }>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
  [key: string]: unknown;
};

/** Cross-stack values (GetAtt X.Outputs.Y, Sub over them) become a literal moto accepts. */
function unwire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwire);
  if (value && typeof value === 'object') {
    if ('Fn::GetAtt' in value || 'Fn::Sub' in value) return 'standin';
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwire(v)]));
  }
  return value;
}

function standInTier(tier: Template, name: string): Template {
  const parameters = Object.keys(tier.Parameters ?? {});
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `moto stand-in for the ${name} tier`,
    Parameters: tier.Parameters ?? {},
    Resources: {
      Inputs: {
        Type: 'AWS::SSM::Parameter',
        Properties: {
          Name: { 'Fn::Sub': '/standin/${AWS::StackName}' },
          Type: 'String',
          Value: { 'Fn::Join': ['|', parameters.map((p) => ({ Ref: p }))] },
        },
      },
    },
    Outputs: Object.fromEntries(Object.keys(tier.Outputs ?? {}).map((k) => [k, { Value: `standin-${k}` }])),
  };
}

/** Writes root.yaml + nested stand-ins to a temp directory and returns it. */
export async function writeStandIns(templatesDir = join(process.cwd(), 'templates')): Promise<string> {
  const root = load(await readFile(join(templatesDir, 'root.yaml'), 'utf8')) as Template;
  const out = await mkdtemp(join(tmpdir(), 'standins-'));
  for (const resource of Object.values(root.Resources)) {
    if (resource.Type !== 'AWS::CloudFormation::Stack' || !resource.Properties) continue;
    const file = String(resource.Properties.TemplateURL);
    const tier = load(await readFile(join(templatesDir, file), 'utf8')) as Template;
    await writeFile(join(out, file), dump(standInTier(tier, file)));
    resource.Properties.Parameters = unwire(resource.Properties.Parameters);
  }
  delete root.Rules;
  root.Outputs = {
    MetabaseUrl: { Value: 'http://metabase.standin.invalid' },
    DbInstanceId: { Value: 'standin-db' },
  };
  await writeFile(join(out, 'root.yaml'), dump(root));
  return out;
}
