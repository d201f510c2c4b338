// Conditions as short text for labels: `NatGateways = per-az`, `CertificateArn set`.
import type { CfnTemplate } from './templates.js';

export function conditionText(template: CfnTemplate, name: string): string {
  const expression = template.Conditions?.[name];
  return expression === undefined ? name : expressionText(template, expression);
}

/** Several conditions that must all hold (nested Fn::If branches). */
export function allConditionsText(template: CfnTemplate, names: readonly string[]): string | undefined {
  return names.length === 0 ? undefined : names.map((name) => conditionText(template, name)).join(' and ');
}

function expressionText(template: CfnTemplate, expression: unknown): string {
  const [key, argument] = single(expression);
  const args = Array.isArray(argument) ? (argument as unknown[]) : [];
  switch (key) {
    case 'Condition':
      return typeof argument === 'string' ? conditionText(template, argument) : '?';
    case 'Fn::Equals':
      return equalsText(args[0], args[1], false);
    case 'Fn::Not': {
      const [innerKey, innerArgument] = single(args[0]);
      if (innerKey === 'Fn::Equals' && Array.isArray(innerArgument))
        return equalsText(innerArgument[0], innerArgument[1], true);
      return `not (${expressionText(template, args[0])})`;
    }
    case 'Fn::And':
      return args.map((arg) => expressionText(template, arg)).join(' and ');
    case 'Fn::Or':
      return args.map((arg) => expressionText(template, arg)).join(' or ');
    default:
      return JSON.stringify(expression);
  }
}

function equalsText(left: unknown, right: unknown, negated: boolean): string {
  const [refKey, name] = single(left);
  const subject = refKey === 'Ref' && typeof name === 'string' ? name : JSON.stringify(left);
  if (right === '') return `${subject} ${negated ? 'set' : 'empty'}`;
  return `${subject} ${negated ? '≠' : '='} ${String(right)}`;
}

function single(value: unknown): [string | undefined, unknown] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [undefined, undefined];
  const entries = Object.entries(value);
  return entries.length === 1 && entries[0] ? entries[0] : [undefined, undefined];
}
