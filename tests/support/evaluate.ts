// What CloudFormation would make of a plain template for given parameter values: conditions decided,
// resources whose condition is false dropped, Fn::If / Ref-to-parameter resolved, AWS::NoValue removed.
// Refs to resources and other intrinsics are left as they are (same resource, same physical value).
import type { PlainTemplate } from './cli.js';

const NO_VALUE = Symbol('AWS::NoValue');

export function evaluateTemplate(
  template: PlainTemplate,
  values: Record<string, string>,
): Record<string, { Type: string; Properties: Record<string, unknown> }> {
  const parameter = (name: string): string => {
    if (name in values) return values[name]!;
    const fallback = template.Parameters?.[name]?.Default;
    if (typeof fallback === 'string' || typeof fallback === 'number') return String(fallback);
    throw new Error(`no value for parameter ${name}`);
  };
  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    if (!conditions.has(name)) {
      const body = template.Conditions?.[name];
      if (body === undefined) throw new Error(`unknown condition ${name}`);
      conditions.set(name, truth(body));
    }
    return conditions.get(name)!;
  };
  const truth = (node: unknown): boolean => {
    const record = node as Record<string, unknown[]> & { Condition?: string };
    if (typeof record.Condition === 'string') return condition(record.Condition);
    if (record['Fn::Equals']) {
      const [left, right] = record['Fn::Equals'].map(resolve);
      return JSON.stringify(left) === JSON.stringify(right);
    }
    if (record['Fn::Not']) return !truth(record['Fn::Not'][0]);
    if (record['Fn::And']) return record['Fn::And'].every(truth);
    if (record['Fn::Or']) return record['Fn::Or'].some(truth);
    throw new Error(`cannot decide ${JSON.stringify(node)}`);
  };
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve).filter((item) => item !== NO_VALUE);
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    if (typeof record.Ref === 'string') {
      if (record.Ref === 'AWS::NoValue') return NO_VALUE;
      if (template.Parameters?.[record.Ref]) return parameter(record.Ref);
      return record;
    }
    if (Array.isArray(record['Fn::If'])) {
      const [name, whenTrue, whenFalse] = record['Fn::If'] as [string, unknown, unknown];
      return resolve(condition(name) ? whenTrue : whenFalse);
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      const resolved = resolve(value);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  };
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Condition === undefined || condition(resource.Condition))
      .map(([id, resource]) => [
        id,
        { Type: resource.Type, Properties: resolve(resource.Properties ?? {}) as Record<string, unknown> },
      ]),
  );
}
