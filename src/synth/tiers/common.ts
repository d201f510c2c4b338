import type * as ParameterModule from 'cloudform-types/types/parameter.js';
import { DeletionPolicy } from 'cloudform-types/types/resource.js';
import { ROOT_PARAMETERS, type RootParameterName } from '../parameters.js';
import { sub, type IntrinsicFunction } from '../intrinsics.js';

type Parameter = ParameterModule.default;

export const AZ_SUFFIXES = ['A', 'B'] as const;
export type AzSuffix = (typeof AZ_SUFFIXES)[number];

/**
 * A root parameter as a nested stack declares it: same type and constraints, but no default, so a
 * value the root forgot to pass fails loudly instead of silently taking a default.
 */
export function passedParameter(name: RootParameterName): Parameter {
  const { Default: _default, ...definition } = ROOT_PARAMETERS[name].definition;
  // A list reaches a nested stack as one comma-joined string.
  return definition.Type === 'CommaDelimitedList'
    ? { ...definition, Type: 'CommaDelimitedList' }
    : { ...definition };
}

export function stringInput(description: string): Parameter {
  return { Type: 'String', Description: description };
}

export function nameTag(suffix: string): { Key: string; Value: IntrinsicFunction } {
  return { Key: 'Name', Value: sub(`\${AWS::StackName}-${suffix}`) };
}

export function output(description: string, value: unknown): { Description: string; Value: unknown } {
  return { Description: description, Value: value };
}

/**
 * DeletionPolicy and UpdateReplacePolicy Delete, written out: the resource holds nothing that must
 * outlive the stack (cfn-lint I3011 asks stateful resources to say so).
 */
export function deletedWithStack<T extends { deletionPolicy(policy: DeletionPolicy): T }>(
  resource: T,
): T & { UpdateReplacePolicy: DeletionPolicy } {
  return Object.assign(resource.deletionPolicy(DeletionPolicy.Delete), {
    UpdateReplacePolicy: DeletionPolicy.Delete,
  });
}
