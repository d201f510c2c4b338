// Metabase's own settings (SMTP, SSO, ...) reach the container as MB_* environment variables. In the
// params file they are maps (MetabaseSettings: name → value, MetabaseSecretSettings: name → Secrets
// Manager ARN); CloudFormation has no map parameter and cannot loop, so the root takes a fixed number of
// name/value slots, the app tier adds one environment variable (or ECS secret) a filled slot, and empty
// slots are conditioned away. The committed templates stay the same for every environment.
import {
  fnIf,
  join,
  noValue,
  not,
  equals,
  onlyIf,
  ref,
  select,
  split,
  sub,
  type IntrinsicFunction,
} from '../intrinsics.js';
import type { RootParameter } from '../parameters.js';
import type { CfnTemplate } from '../template.js';

/** Plain settings that fit (SMTP alone takes 7; SSO a few more). */
export const MAX_METABASE_SETTINGS = 12;
/** Settings read from Secrets Manager (SMTP password, LDAP password, JWT secret, ...). */
export const MAX_METABASE_SECRET_SETTINGS = 4;

/** MB_ followed by upper-case letters, digits and underscores: how Metabase spells its variables. */
export const METABASE_VARIABLE_PATTERN = String.raw`^MB_[A-Z0-9_]+$`;
/**
 * A Secrets Manager secret's full ARN (with the 6-character suffix Secrets Manager appends, so the
 * execution role can name exactly that secret), optionally followed by ECS's `:json-key:version-stage:version-id`.
 */
export const SECRET_VALUE_FROM_PATTERN = String.raw`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}(:[^:]*:[^:]*:[^:]*)?$`;
/** CloudFormation's limit on one parameter value. */
export const MAX_SETTING_VALUE_LENGTH = 4096;

export interface SettingSlot {
  name: string;
  value: string;
  condition: string;
}

export const settingSlots = (): SettingSlot[] =>
  Array.from({ length: MAX_METABASE_SETTINGS }, (_, index) => ({
    name: `MetabaseSetting${index + 1}Name`,
    value: `MetabaseSetting${index + 1}Value`,
    condition: `HasMetabaseSetting${index + 1}`,
  }));

export const secretSettingSlots = (): SettingSlot[] =>
  Array.from({ length: MAX_METABASE_SECRET_SETTINGS }, (_, index) => ({
    name: `MetabaseSecretSetting${index + 1}Name`,
    value: `MetabaseSecretSetting${index + 1}ValueFrom`,
    condition: `HasMetabaseSecretSetting${index + 1}`,
  }));

const optional = (pattern: string): string => `^(${pattern.slice(1, -1)})?$`;

/** The slot parameters of the root (all default to empty) and of the app tier (no default). */
export function settingSlotParameters(
  withDefault: boolean,
): Record<string, RootParameter | Omit<RootParameter, 'Default'>> {
  const parameter = (description: string, pattern: string, constraint: string) => ({
    Type: 'String' as const,
    ...(withDefault ? { Default: '' } : {}),
    AllowedPattern: optional(pattern),
    ConstraintDescription: constraint,
    Description: description,
  });
  const result: Record<string, RootParameter | Omit<RootParameter, 'Default'>> = {};
  settingSlots().forEach((slot, index) => {
    result[slot.name] = parameter(
      `Metabase setting ${index + 1}: an MB_ variable name, or empty (set from MetabaseSettings in the params file)`,
      METABASE_VARIABLE_PATTERN,
      'must be empty or an MB_ variable name',
    );
    result[slot.value] = {
      Type: 'String',
      ...(withDefault ? { Default: '' } : {}),
      MaxLength: MAX_SETTING_VALUE_LENGTH,
      Description: `Value of Metabase setting ${index + 1} (not a secret: those go in MetabaseSecretSettings)`,
    };
  });
  secretSettingSlots().forEach((slot, index) => {
    result[slot.name] = parameter(
      `Metabase secret setting ${index + 1}: an MB_ variable name, or empty (set from MetabaseSecretSettings)`,
      METABASE_VARIABLE_PATTERN,
      'must be empty or an MB_ variable name',
    );
    result[slot.value] = parameter(
      `Secrets Manager secret ARN (or ARN:json-key::) for secret setting ${index + 1}, or empty`,
      SECRET_VALUE_FROM_PATTERN,
      'must be empty or a full Secrets Manager secret ARN, optionally with :json-key::',
    );
  });
  return result;
}

export const SETTING_SLOT_PARAMETER_NAMES: readonly string[] = Object.keys(settingSlotParameters(true));

export function settingConditions(): NonNullable<CfnTemplate['Conditions']> {
  return Object.fromEntries(
    [...settingSlots(), ...secretSettingSlots()].map((slot) => [
      slot.condition,
      not(equals(ref(slot.name), '')),
    ]),
  );
}

export function settingEnvironment() {
  return settingSlots().map((slot) =>
    onlyIf(slot.condition, { Name: ref(slot.name), Value: ref(slot.value) }),
  );
}

export function settingSecrets() {
  return secretSettingSlots().map((slot) =>
    onlyIf(slot.condition, { Name: ref(slot.name), ValueFrom: ref(slot.value) }),
  );
}

/**
 * The secret ARNs the execution role may read: the first seven `:` fields of each filled ValueFrom
 * (`arn:aws:secretsmanager:region:account:secret:name-AbCdEf`), without the json-key part. The
 * padding keeps Fn::Select inside the list even for an empty slot.
 */
export function settingSecretArns(): IntrinsicFunction[] {
  return secretSettingSlots().map((slot) => {
    const fields = split(':', sub(`\${${slot.value}}:::::::`));
    const arn = join(
      ':',
      Array.from({ length: 7 }, (_, index) => select(index, fields)),
    );
    return fnIf(slot.condition, arn, noValue());
  });
}
