// CloudFormation's condition functions evaluated over parameter values, the way CloudFormation does
// before it creates anything: which resources of a template exist for a given params file.
import { readFile } from 'node:fs/promises';
import { validateParams } from '../../src/params/validate.js';
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

/** Tier parameter values a params file leads to (the root's wiring, with made-up outputs). */
export async function tierValues(
  file: string,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, string>> {
  const raw = { ...(JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>), ...overrides };
  const result = validateParams(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const values: Record<string, string> = { ...result.values, 'AWS::Region': 'eu-west-1' };
  const cidrs = values.AllowedIngressCidrs!.split(',');
  const ports = values.DataSourcePorts!.split(',').filter((p) => p !== '');
  for (let index = 0; index < 4; index += 1) {
    values[`IngressCidr${index + 1}`] = cidrs[index] ?? '';
    values[`DataSourcePort${index + 1}`] = ports[index] ?? '';
  }
  values.AlarmTopicArn = values.AlarmEmail === '' ? '' : 'arn:aws:sns:eu-west-1:111122223333:alarms';
  return values;
}
