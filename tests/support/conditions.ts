// CloudFormation's condition functions evaluated over parameter values, the way CloudFormation does
// before it creates anything: which resources of a template exist for a given params file.
import type { PlainTemplate } from './cli.js';

type Parameters = Record<string, string>;

function value(node: unknown, parameters: Parameters): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  if ('Ref' in record) {
    const name = record.Ref as string;
    if (!(name in parameters)) throw new Error(`condition uses ${name}, which has no value here`);
    return parameters[name];
  }
  if ('Fn::FindInMap' in record) throw new Error('FindInMap in a condition: not modelled');
  return node;
}

export function evaluateCondition(
  template: PlainTemplate,
  expression: unknown,
  parameters: Parameters,
): boolean {
  const record = expression as Record<string, unknown[] | string>;
  if ('Condition' in record) {
    const named = template.Conditions?.[record.Condition as string];
    if (named === undefined) throw new Error(`no condition ${String(record.Condition)}`);
    return evaluateCondition(template, named, parameters);
  }
  if ('Fn::Equals' in record) {
    const [left, right] = record['Fn::Equals'] as unknown[];
    return String(value(left, parameters)) === String(value(right, parameters));
  }
  if ('Fn::Not' in record)
    return !evaluateCondition(template, (record['Fn::Not'] as unknown[])[0], parameters);
  if ('Fn::And' in record)
    return (record['Fn::And'] as unknown[]).every((c) => evaluateCondition(template, c, parameters));
  if ('Fn::Or' in record)
    return (record['Fn::Or'] as unknown[]).some((c) => evaluateCondition(template, c, parameters));
  throw new Error(`unknown condition function in ${JSON.stringify(expression)}`);
}

/** Logical ids of the resources that exist with these parameter values (AWS::Region included if used). */
export function existingResources(template: PlainTemplate, parameters: Parameters): string[] {
  return Object.entries(template.Resources)
    .filter(
      ([, resource]) =>
        resource.Condition === undefined ||
        evaluateCondition(template, { Condition: resource.Condition }, parameters),
    )
    .map(([id]) => id);
}
