// The params file's MetabaseSettings and MetabaseSecretSettings maps, checked offline and turned into the
// root stack's slot parameters (src/synth/tiers/metabase-settings.ts explains the slots).
import { variablesSetByStack } from '../synth/tiers/app.js';
import {
  MAX_METABASE_SECRET_SETTINGS,
  MAX_METABASE_SETTINGS,
  MAX_SETTING_VALUE_LENGTH,
  METABASE_VARIABLE_PATTERN,
  SECRET_VALUE_FROM_PATTERN,
  secretSettingSlots,
  settingSlots,
} from '../synth/tiers/metabase-settings.js';

export const SETTINGS_KEY = 'MetabaseSettings';
export const SECRET_SETTINGS_KEY = 'MetabaseSecretSettings';
export const SETTINGS_KEYS: readonly string[] = [SETTINGS_KEY, SECRET_SETTINGS_KEY];

export interface SettingsProblem {
  key: string;
  message: string;
}

/** Names that say "secret" in the way Metabase's own settings do (MB_EMAIL_SMTP_PASSWORD, MB_JWT_SHARED_SECRET, ...). */
const SECRET_NAME = /(PASSWORD|PASSWD|_PASS$|SECRET|TOKEN|PRIVATE|API_KEY|_KEY$|CREDENTIAL)/;

/** Values that are keys whatever their name. */
const SECRET_VALUES: { pattern: RegExp; what: string }[] = [
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
  { pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  {
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{30,}|xox[abposr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,})\b/,
    what: 'an API token',
  },
  { pattern: /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, what: 'a JSON web token' },
];

/** Bits of entropy a character: random keys score over 4, words and host names well under. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const share = count / text.length;
    bits -= share * Math.log2(share);
  }
  return bits;
}

/** Why a plain value looks like a password or key, or undefined. */
export function secretLikeness(name: string, value: string): string | undefined {
  if (SECRET_NAME.test(name)) return 'its name says it is a secret';
  for (const { pattern, what } of SECRET_VALUES)
    if (pattern.test(value)) return `the value looks like ${what}`;
  // A long run of token characters with upper case, lower case and digits, and no structure (dots,
  // slashes, colons) of a host name, URL or address: a generated password or key.
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((pattern) => pattern.test(value)).length;
  if (/^[A-Za-z0-9+/=_-]{20,}$/.test(value) && classes === 3 && entropy(value) >= 4) {
    return 'the value looks like a generated password or key';
  }
  return undefined;
}

function asMap(key: string, raw: unknown, problems: SettingsProblem[]): [string, unknown][] {
  if (raw === undefined) return [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({
      key,
      message: `expected an object of MB_ names to values, e.g. {"MB_EMAIL_SMTP_HOST": "smtp.example.com"}`,
    });
    return [];
  }
  return Object.entries(raw as Record<string, unknown>).filter(([name]) => !name.startsWith('$'));
}

function checkName(key: string, name: string, problems: SettingsProblem[]): boolean {
  const fail = (message: string): false => {
    problems.push({ key: `${key}.${name}`, message });
    return false;
  };
  if (!new RegExp(METABASE_VARIABLE_PATTERN).test(name)) {
    return fail(
      'not a Metabase setting: names are MB_ followed by upper-case letters, digits and underscores',
    );
  }
  if (variablesSetByStack().includes(name)) {
    return fail(
      'the stack sets this one itself (it wires the database, the port, the encryption key and the site URL); leave it out',
    );
  }
  return true;
}

export interface SettingsResult {
  /** Slot parameter values for the root stack: every slot, empty when unused. */
  values: Record<string, string>;
  problems: SettingsProblem[];
}

// Secrets in another region are fine: ECS reads them by full ARN.
export function validateMetabaseSettings(plainRaw: unknown, secretRaw: unknown): SettingsResult {
  const problems: SettingsProblem[] = [];
  const values: Record<string, string> = {};
  for (const slot of [...settingSlots(), ...secretSettingSlots()]) {
    values[slot.name] = '';
    values[slot.value] = '';
  }
  const plain = asMap(SETTINGS_KEY, plainRaw, problems);
  const secret = asMap(SECRET_SETTINGS_KEY, secretRaw, problems);
  if (plain.length > MAX_METABASE_SETTINGS) {
    problems.push({
      key: SETTINGS_KEY,
      message: `${plain.length} settings given; at most ${MAX_METABASE_SETTINGS} fit`,
    });
  }
  if (secret.length > MAX_METABASE_SECRET_SETTINGS) {
    problems.push({
      key: SECRET_SETTINGS_KEY,
      message: `${secret.length} secret settings given; at most ${MAX_METABASE_SECRET_SETTINGS} fit`,
    });
  }
  const secretNames = new Set(secret.map(([name]) => name));
  const plainSlots = settingSlots();
  plain.slice(0, MAX_METABASE_SETTINGS).forEach(([name, raw], index) => {
    const key = `${SETTINGS_KEY}.${name}`;
    if (!checkName(SETTINGS_KEY, name, problems)) return;
    if (secretNames.has(name)) {
      problems.push({ key, message: `also in ${SECRET_SETTINGS_KEY}; give it once` });
      return;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      problems.push({ key, message: 'expected a string, number or true/false' });
      return;
    }
    const value = String(raw);
    if (value === '') {
      problems.push({ key, message: 'must not be empty; leave the setting out instead' });
      return;
    }
    if (value.length > MAX_SETTING_VALUE_LENGTH) {
      problems.push({
        key,
        message: `${value.length} characters; CloudFormation takes at most ${MAX_SETTING_VALUE_LENGTH}`,
      });
      return;
    }
    const why = secretLikeness(name, value);
    if (why) {
      problems.push({
        key,
        message: `looks like a password or key (${why}): store it in Secrets Manager and name the secret's ARN under ${SECRET_SETTINGS_KEY} instead, so it never sits in a params file or a template`,
      });
      return;
    }
    const slot = plainSlots[index];
    if (slot === undefined) return;
    values[slot.name] = name;
    values[slot.value] = value;
  });
  const secretSlots = secretSettingSlots();
  secret.slice(0, MAX_METABASE_SECRET_SETTINGS).forEach(([name, raw], index) => {
    const key = `${SECRET_SETTINGS_KEY}.${name}`;
    if (!checkName(SECRET_SETTINGS_KEY, name, problems)) return;
    if (typeof raw !== 'string' || !new RegExp(SECRET_VALUE_FROM_PATTERN).test(raw)) {
      problems.push({
        key,
        message:
          'expected the full ARN of a Secrets Manager secret (with the 6-character suffix, as `aws secretsmanager describe-secret` prints it), optionally followed by :json-key:: to pick one key of a JSON secret',
      });
      return;
    }
    const slot = secretSlots[index];
    if (slot === undefined) return;
    values[slot.name] = name;
    values[slot.value] = raw;
  });
  return { values, problems };
}
