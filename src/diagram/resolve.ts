// Following references through the nested-stack wiring: a Ref to a nested stack's parameter leads to
// the root's Parameters block for that stack, and a GetAtt of `Outputs.X` leads into the other stack.
// This is what lets the diagram say "the ALB uses AlbSecurityGroup" although the edge template only
// holds `Ref: AlbSecurityGroupId`.
import { ROOT_STACK, type CfnResource, type CfnTemplate, type TemplateSet } from './templates.js';

/** A resource, named by its stack (root, network, ...) and logical id. */
export interface ResourceRef {
  stack: string;
  id: string;
}

export type Target =
  | { kind: 'resource'; stack: string; id: string; attribute?: string }
  /** A root parameter: the value comes from params/<env>.json. */
  | { kind: 'parameter'; name: string }
  | { kind: 'literal'; value: string };

export function refKey(ref: ResourceRef): string {
  return `${ref.stack}.${ref.id}`;
}

export function templateOf(set: TemplateSet, stack: string): CfnTemplate {
  if (stack === ROOT_STACK) return set.root;
  const nested = set.stacks.get(stack);
  if (!nested) throw new Error(`no nested stack named ${stack}`);
  return nested.template;
}

export function resourceAt(set: TemplateSet, ref: ResourceRef): CfnResource | undefined {
  return templateOf(set, ref.stack).Resources[ref.id];
}

/** Every resource of every stack, root first, then stacks and ids in sorted order (stable output). */
export function allResources(set: TemplateSet): (ResourceRef & { resource: CfnResource })[] {
  const stacks = [ROOT_STACK, ...[...set.stacks.keys()].sort()];
  return stacks.flatMap((stack) =>
    Object.entries(templateOf(set, stack).Resources)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, resource]) => ({ stack, id, resource })),
  );
}

/** Everything a value may refer to, across Fn::If branches and list functions. */
export function resolve(set: TemplateSet, stack: string, value: unknown): Target[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return [{ kind: 'literal', value: String(value) }];
  }
  if (Array.isArray(value)) return value.flatMap((item) => resolve(set, stack, item));
  if (typeof value !== 'object' || value === null) return [];
  const entries = Object.entries(value as Record<string, unknown>);
  const [first] = entries;
  if (entries.length !== 1 || !first) return entries.flatMap(([, item]) => resolve(set, stack, item));
  const [key, argument] = first;
  if (key === 'Ref' && typeof argument === 'string') return resolveName(set, stack, argument);
  if (key === 'Fn::GetAtt' && Array.isArray(argument)) {
    const [id, attribute] = argument as unknown[];
    if (typeof id === 'string' && typeof attribute === 'string')
      return resolveAttribute(set, stack, id, attribute);
  }
  if (key === 'Fn::Sub') return resolveSub(set, stack, argument);
  if (key === 'Fn::If' && Array.isArray(argument)) return resolve(set, stack, argument.slice(1));
  // Fn::Join, Fn::Split, Fn::Select, ... and plain property maps: whatever they contain.
  return resolve(set, stack, argument);
}

/** The resources among a value's targets, deduplicated, in first-seen order. */
export function resolveResources(set: TemplateSet, stack: string, value: unknown): ResourceRef[] {
  const seen = new Map<string, ResourceRef>();
  for (const target of resolve(set, stack, value)) {
    if (target.kind !== 'resource') continue;
    const ref = { stack: target.stack, id: target.id };
    if (!seen.has(refKey(ref))) seen.set(refKey(ref), ref);
  }
  return [...seen.values()];
}

function resolveName(set: TemplateSet, stack: string, name: string): Target[] {
  if (name.startsWith('AWS::')) return [];
  const template = templateOf(set, stack);
  if (template.Resources[name]) return [{ kind: 'resource', stack, id: name }];
  if (!template.Parameters?.[name]) throw new Error(`${stack}: Ref to unknown name ${name}`);
  if (stack === ROOT_STACK) return [{ kind: 'parameter', name }];
  const nested = set.stacks.get(stack);
  const passed = nested && set.root.Resources[nested.logicalId]?.Properties?.['Parameters'];
  const wired =
    typeof passed === 'object' && passed !== null ? (passed as Record<string, unknown>)[name] : undefined;
  // A nested parameter the root does not pass takes its own default: treat it as a literal.
  if (wired === undefined)
    return [{ kind: 'literal', value: defaultText(template.Parameters[name].Default) }];
  return resolve(set, ROOT_STACK, wired);
}

function resolveAttribute(set: TemplateSet, stack: string, id: string, attribute: string): Target[] {
  const resource = templateOf(set, stack).Resources[id];
  if (!resource) throw new Error(`${stack}: GetAtt of unknown resource ${id}`);
  if (resource.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
    const nestedName = [...set.stacks.entries()].find(([, nested]) => nested.logicalId === id)?.[0];
    if (nestedName === undefined) throw new Error(`${stack}: ${id} is not a known nested stack`);
    const output = templateOf(set, nestedName).Outputs?.[attribute.slice('Outputs.'.length)];
    if (!output) throw new Error(`${nestedName}: no output ${attribute}`);
    return resolve(set, nestedName, output.Value);
  }
  return [{ kind: 'resource', stack, id, attribute }];
}

function resolveSub(set: TemplateSet, stack: string, argument: unknown): Target[] {
  const [text, variables] = Array.isArray(argument) ? (argument as unknown[]) : [argument, {}];
  if (typeof text !== 'string') return [];
  const locals =
    typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : {};
  const targets: Target[] = [];
  for (const match of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
    const name = match[1] ?? '';
    if (name in locals) targets.push(...resolve(set, stack, locals[name]));
    else if (name.startsWith('AWS::')) continue;
    else if (name.includes('.')) {
      const dot = name.indexOf('.');
      targets.push(...resolveAttribute(set, stack, name.slice(0, dot), name.slice(dot + 1)));
    } else targets.push(...resolveName(set, stack, name));
  }
  return targets;
}

/** A parameter's Default as text: CloudFormation defaults are strings, numbers, or absent. */
export function defaultText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}
