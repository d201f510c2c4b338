// A template as CloudFormation would see it for given parameter values: conditions evaluated, resources
// under a false condition dropped, Fn::If and Ref to parameters resolved. Enough of CloudFormation's
// rules (Fn::Equals/Not/And/Or, Condition, Ref of a parameter) to read this tool's own templates.
import type { PlainTemplate } from './cli.js';

type Json = unknown;

export interface ResolvedResource {
  Type: string;
  Properties: Record<string, Json>;
}

export function resolveTemplate(
  template: PlainTemplate,
  parameterValues: Record<string, string>,
): {
  conditions: Record<string, boolean>;
  resources: Record<string, ResolvedResource>;
  outputs: Record<string, Json>;
} {
  const parameters = template.Parameters ?? {};
  /** A parameter's value; one with neither a value nor a default (a wired input) stays a Ref. */
  const valueOf = (name: string): Json => {
    if (name in parameterValues) return parameterValues[name]!;
    const fallback = (parameters[name] as { Default?: unknown } | undefined)?.Default;
    if (fallback === undefined) return { Ref: name };
    return typeof fallback === 'string' || typeof fallback === 'number'
      ? String(fallback)
      : JSON.stringify(fallback);
  };
  const conditions: Record<string, boolean> = {};
  const condition = (name: string): boolean => {
    if (!(name in conditions)) {
      const body = template.Conditions?.[name];
      if (body === undefined) throw new Error(`unknown condition ${name}`);
      conditions[name] = evaluate(body);
    }
    return conditions[name]!;
  };
  const evaluate = (node: Json): boolean => {
    const [fn, args] = Object.entries(node as Record<string, Json>)[0]!;
    const list = args as Json[];
    switch (fn) {
      case 'Fn::Equals':
        return String(resolve(list[0])) === String(resolve(list[1]));
      case 'Fn::Not':
        return !evaluate(list[0]);
      case 'Fn::And':
        return list.every(evaluate);
      case 'Fn::Or':
        return list.some(evaluate);
      case 'Condition':
        return condition(args as string);
      default:
        throw new Error(`cannot evaluate ${fn}`);
    }
  };
  const NO_VALUE = Symbol('AWS::NoValue');
  const resolve = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(resolve).filter((item) => item !== NO_VALUE);
    if (typeof node !== 'object' || node === null) return node;
    const entries = Object.entries(node as Record<string, Json>);
    if (entries.length === 1) {
      const [key, value] = entries[0]!;
      if (key === 'Fn::If') {
        const [name, whenTrue, whenFalse] = value as [string, Json, Json];
        return resolve(condition(name) ? whenTrue : whenFalse);
      }
      if (key === 'Ref' && value === 'AWS::NoValue') return NO_VALUE;
      if (key === 'Fn::Sub' && typeof value === 'string') {
        const text = value.replace(/\$\{([\w:]+)\}/g, (whole, name: string) => {
          const known = name in parameters ? valueOf(name) : undefined;
          return typeof known === 'string' ? known : whole;
        });
        return text.includes('${') ? { 'Fn::Sub': text } : text;
      }
      if (key === 'Ref' && typeof value === 'string' && value in parameters) return valueOf(value);
    }
    return Object.fromEntries(
      entries.map(([key, value]) => [key, resolve(value)] as const).filter(([, value]) => value !== NO_VALUE),
    );
  };
  const resources: Record<string, ResolvedResource> = {};
  for (const [name, resource] of Object.entries(template.Resources)) {
    if (resource.Condition !== undefined && !condition(resource.Condition)) continue;
    resources[name] = {
      Type: resource.Type,
      Properties: resolve(resource.Properties ?? {}) as Record<string, Json>,
    };
  }
  const outputs: Record<string, Json> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    const conditional = (output as { Condition?: string }).Condition;
    if (conditional !== undefined && !condition(conditional)) continue;
    outputs[name] = resolve(output.Value);
  }
  for (const name of Object.keys(template.Conditions ?? {})) condition(name);
  return { conditions, resources, outputs };
}
