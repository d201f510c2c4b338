// Drift reports quote property values, and some properties hold secrets (the DB master password, the
// Metabase encryption key, tokens). Masking happens once, here, when the report is built, so neither the
// text view nor --json can print a secret. It errs on the side of masking.
import type { PropertyDifference } from '../aws/drift.js';
import type { DifferenceReport } from './types.js';

export const MASK = '<masked>';

const SENSITIVE =
  /password|passwd|passphrase|pass$|secret|token|credential|private.?key|api.?key|access.?key|auth.?key|encryption.?key|signing.?key|client.?key/i;

/** Names that mention a secret but hold only a reference or a setting, e.g. DbMasterSecretArn, PasswordLength. */
const REFERENCE_OR_SETTING =
  /(arn|id|ids|name|names|length|description|template|characters|punctuation|uppercase|lowercase|numbers|space|includedtype|stringkey|valuefrom|parameter)$/i;

/** Containers whose contents are settings or references, not secret values. */
const NON_SECRET_CONTAINERS = new Set([
  'GenerateSecretString', // AWS::SecretsManager::Secret: generation rules (length, excluded characters)
  'Secrets', // ECS container definition: env var names + ValueFrom ARNs
  'RepositoryCredentials', // ECS: CredentialsParameter is an ARN
]);

const DYNAMIC_SECRET_REFERENCE = /\{\{resolve:(secretsmanager|ssm-secure):/;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE.test(name) && !REFERENCE_OR_SETTING.test(name) && !NON_SECRET_CONTAINERS.has(name);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function parseJson(text: string | undefined): Json | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{Name: MB_DB_PASS, Value: x}` (ECS environment) and `{Key: ..., Value: ...}` pairs hide the secret in a sibling. */
function pairIsSensitive(entry: { [key: string]: Json }): boolean {
  const label = entry.Name ?? entry.Key ?? entry.name ?? entry.key ?? entry.ParameterKey;
  return typeof label === 'string' && isSensitiveName(label);
}

/** Returns the value with every secret inside replaced, and whether anything was. */
function maskDeep(value: Json): { value: Json; masked: boolean } {
  if (typeof value === 'string')
    return DYNAMIC_SECRET_REFERENCE.test(value) ? { value: MASK, masked: true } : { value, masked: false };
  if (Array.isArray(value)) {
    const parts = value.map(maskDeep);
    return { value: parts.map((p) => p.value), masked: parts.some((p) => p.masked) };
  }
  if (!isObject(value)) return { value, masked: false };
  const pair = pairIsSensitive(value);
  let masked = false;
  const out: { [key: string]: Json } = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isSensitiveName(key) || (pair && /^value$/i.test(key))) {
      out[key] = MASK;
      masked = true;
    } else {
      const result = maskDeep(inner);
      out[key] = result.value;
      masked ||= result.masked;
    }
  }
  return { value: out, masked };
}

function at(document: Json | undefined, segments: string[]): Json | undefined {
  let here = document;
  for (const segment of segments) {
    if (Array.isArray(here)) here = here[Number(segment)];
    else if (isObject(here)) here = here[segment];
    else return undefined;
  }
  return here;
}

function pathIsSensitive(segments: string[], documents: (Json | undefined)[]): boolean {
  if (segments.some((s) => !/^\d+$/.test(s) && isSensitiveName(s))) return true;
  // .../Environment/3/Value: the secret-ness is in the sibling Name, found in the property documents.
  const last = segments[segments.length - 1];
  if (last !== undefined && /^value$/i.test(last)) {
    const parentPath = segments.slice(0, -1);
    return documents.some((doc) => {
      const parent = at(doc, parentPath);
      return isObject(parent) && pairIsSensitive(parent);
    });
  }
  return false;
}

function maskValue(text: string): { text: string; masked: boolean } {
  if (DYNAMIC_SECRET_REFERENCE.test(text)) return { text: MASK, masked: true };
  const parsed = parseJson(text);
  if (typeof parsed !== 'object' || parsed === null) return { text, masked: false };
  const result = maskDeep(parsed);
  return result.masked ? { text: JSON.stringify(result.value), masked: true } : { text, masked: false };
}

export function maskDifference(
  difference: PropertyDifference,
  expectedProperties?: string,
  actualProperties?: string,
): DifferenceReport {
  const segments = difference.path.split('/').filter((s) => s !== '');
  const documents = [parseJson(expectedProperties), parseJson(actualProperties)];
  const base = { path: difference.path, type: difference.type };
  // A resolved dynamic reference on one side means the other side is the secret itself.
  const referencesSecret =
    DYNAMIC_SECRET_REFERENCE.test(difference.expected) || DYNAMIC_SECRET_REFERENCE.test(difference.actual);
  if (referencesSecret || pathIsSensitive(segments, documents)) {
    return {
      ...base,
      expected: difference.expected === '' ? '' : MASK,
      actual: difference.actual === '' ? '' : MASK,
      masked: true,
    };
  }
  const expected = maskValue(difference.expected);
  const actual = maskValue(difference.actual);
  return { ...base, expected: expected.text, actual: actual.text, masked: expected.masked || actual.masked };
}
