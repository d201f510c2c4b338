// Small, typed helpers over cloudform-types' IntrinsicFunction. cloudform's own `Sub` always emits the
// two-argument form and it has no Fn::Cidr or AWS::NoValue, so the long forms are built here once.
import { IntrinsicFunction, type Value } from 'cloudform-types/types/dataTypes.js';
import type { Condition } from 'cloudform-types/types/dataTypes.js';

export type { Value, Condition };
export { IntrinsicFunction };

export const ref = (logicalName: string): IntrinsicFunction => new IntrinsicFunction('Ref', logicalName);

export const sub = (text: string): IntrinsicFunction => new IntrinsicFunction('Fn::Sub', text);

export const subWith = (text: string, variables: Record<string, unknown>): IntrinsicFunction =>
  new IntrinsicFunction('Fn::Sub', [text, variables]);

export const getAtt = (logicalName: string, attribute: string): IntrinsicFunction =>
  new IntrinsicFunction('Fn::GetAtt', [logicalName, attribute]);

/** `Fn::GetAtt Stack.Outputs.Name` of a nested stack resource. */
export const stackOutput = (stackLogicalName: string, outputName: string): IntrinsicFunction =>
  getAtt(stackLogicalName, `Outputs.${outputName}`);

export const select = (index: number, list: unknown): IntrinsicFunction =>
  new IntrinsicFunction('Fn::Select', [index, list]);

export const split = (delimiter: string, text: unknown): IntrinsicFunction =>
  new IntrinsicFunction('Fn::Split', [delimiter, text]);

export const join = (delimiter: string, values: unknown[] | IntrinsicFunction): IntrinsicFunction =>
  new IntrinsicFunction('Fn::Join', [delimiter, values]);

export const cidr = (block: unknown, count: number, cidrBits: number): IntrinsicFunction =>
  new IntrinsicFunction('Fn::Cidr', [block, count, cidrBits]);

export const base64 = (text: string): IntrinsicFunction => new IntrinsicFunction('Fn::Base64', text);

export const getAZs = (): IntrinsicFunction => new IntrinsicFunction('Fn::GetAZs', '');

export const findInMap = (map: string, topKey: unknown, secondKey: unknown): IntrinsicFunction =>
  new IntrinsicFunction('Fn::FindInMap', [map, topKey, secondKey]);

export const fnIf = (condition: string, whenTrue: unknown, whenFalse: unknown): IntrinsicFunction =>
  new IntrinsicFunction('Fn::If', [condition, whenTrue, whenFalse]);

export const noValue = (): IntrinsicFunction => ref('AWS::NoValue');

/**
 * `Fn::If [condition, value, AWS::NoValue]`, typed as the value it may stand for. cloudform-types does not
 * model intrinsics inside lists of structures (listener actions, SG rules), so this is the one cast.
 */
export function onlyIf<T>(condition: string, value: T): T {
  return fnIf(condition, value, noValue()) as unknown as T;
}

/** `Fn::If` choosing between two structures, typed like them (same reason as onlyIf). */
export function eitherIf<T>(condition: string, whenTrue: T, whenFalse: T): T {
  return fnIf(condition, whenTrue, whenFalse) as unknown as T;
}

export const equals = (left: unknown, right: unknown): IntrinsicFunction =>
  new IntrinsicFunction('Fn::Equals', [left, right]);

export const not = (condition: unknown): IntrinsicFunction => new IntrinsicFunction('Fn::Not', [condition]);

export const and = (conditions: unknown[]): IntrinsicFunction => new IntrinsicFunction('Fn::And', conditions);

export const or = (conditions: unknown[]): IntrinsicFunction => new IntrinsicFunction('Fn::Or', conditions);

export const contains = (list: unknown, value: unknown): IntrinsicFunction =>
  new IntrinsicFunction('Fn::Contains', [list, value]);

export const conditionRef = (name: string): { Condition: string } => ({ Condition: name });

/** `Fn::Base64` of an `Fn::Sub` (user data naming the stack and region). */
export const base64Sub = (text: string): IntrinsicFunction => new IntrinsicFunction('Fn::Base64', sub(text));
