// Reading templates/ back in. The diagram is drawn from the committed YAML, not from synth's objects,
// so it shows exactly what gets deployed and breaks loudly if the files and the picture disagree.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DeletionPolicy?: string;
}

export interface CfnTemplate {
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface NestedStack {
  /** The stack resource's logical id in the root template, e.g. NetworkStack. */
  logicalId: string;
  template: CfnTemplate;
}

/** Root plus its nested stacks, keyed by the nested template's base name (network, edge, ...). */
export interface TemplateSet {
  root: CfnTemplate;
  stacks: Map<string, NestedStack>;
}

export const ROOT_STACK = 'root';

export async function readTemplateSet(directory: string): Promise<TemplateSet> {
  const root = await readTemplate(join(directory, 'root.yaml'));
  return templateSetFrom(root, async (file) => readTemplate(join(directory, file)));
}

/** Follows the root's AWS::CloudFormation::Stack resources to their TemplateURL files. */
export async function templateSetFrom(
  root: CfnTemplate,
  read: (file: string) => Promise<CfnTemplate>,
): Promise<TemplateSet> {
  const stacks = new Map<string, NestedStack>();
  const nested = Object.entries(root.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::CloudFormation::Stack')
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [logicalId, resource] of nested) {
    const url = resource.Properties?.['TemplateURL'];
    if (typeof url !== 'string') throw new Error(`root.yaml: ${logicalId} has no literal TemplateURL`);
    stacks.set(url.replace(/\.ya?ml$/, ''), { logicalId, template: await read(url) });
  }
  return { root, stacks };
}

async function readTemplate(file: string): Promise<CfnTemplate> {
  const parsed = load(await readFile(file, 'utf8'), { filename: file });
  if (!isTemplate(parsed)) throw new Error(`${file}: not a CloudFormation template (no Resources map)`);
  return parsed;
}

function isTemplate(value: unknown): value is CfnTemplate {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { Resources?: unknown }).Resources === 'object'
  );
}
