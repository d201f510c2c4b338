// Offline validation of a params file against the root template's parameters plus this tool's own rules.
// Pure: the caller reads the file; nothing here touches AWS.
import {
  FARGATE_MEMORY_BY_CPU,
  MAX_DATA_SOURCE_PORTS,
  MAX_INGRESS_CIDRS,
  VPC_PREFIX_RANGE,
} from '../synth/config.js';
import {
  ROOT_PARAMETERS,
  ROOT_PARAMETER_NAMES,
  type RootParameter,
  type RootParameterName,
  type RootParameterSpec,
} from '../synth/parameters.js';
import { cidrsOverlap, parseCidr, type Ipv4Cidr } from './cidr.js';
import { checkDomain, domainNameProblem, hostedZoneIdProblem } from './domain.js';
import { closestName } from './suggest.js';
import {
  SECRET_SETTINGS_KEY,
  SETTINGS_KEY,
  SETTINGS_KEYS,
  validateMetabaseSettings,
} from './metabase-settings.js';

/** Parameter values as CloudFormation takes them: strings, lists joined by commas; plus the Metabase setting slots. */
export type ParameterValues = Record<RootParameterName, string> & Record<string, string>;

export interface ParamsProblem {
  /** The params file key at fault; absent for problems with the file as a whole. */
  key?: string;
  message: string;
}

export type ParamsValidation =
  { ok: true; values: ParameterValues } | { ok: false; problems: ParamsProblem[] };

export interface ValidationContext {
  /** The region the stack goes to, when known: ARNs from another region are refused. */
  region?: string;
}

/** Keys starting with `$` ($comment, $schema) are notes for people and tools, not parameters. */
const isNoteKey = (key: string): boolean => key.startsWith('$');

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(
  (text) => parseCidr(text) as Ipv4Cidr,
);

export function validateParams(raw: unknown, context: ValidationContext = {}): ParamsValidation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [{ message: 'the file must hold one JSON object of parameter names to values' }],
    };
  }
  const problems: ParamsProblem[] = [];
  const entries = Object.entries(raw as Record<string, unknown>).filter(
    ([key]) => !isNoteKey(key) && !SETTINGS_KEYS.includes(key),
  );
  const settings = validateMetabaseSettings(
    (raw as Record<string, unknown>)[SETTINGS_KEY],
    (raw as Record<string, unknown>)[SECRET_SETTINGS_KEY],
  );
  problems.push(...settings.problems);
  for (const [key] of entries) {
    if (!(key in ROOT_PARAMETERS)) {
      const suggestion = closestName(key, [...ROOT_PARAMETER_NAMES, ...SETTINGS_KEYS]);
      problems.push({
        key,
        message: `unknown parameter${suggestion ? `; did you mean ${suggestion}?` : ''}`,
      });
    }
  }
  const given = new Map(entries);
  for (const name of ROOT_PARAMETER_NAMES) {
    const spec: RootParameterSpec = ROOT_PARAMETERS[name];
    if (spec.requiredInParamsFile && !given.has(name)) {
      const example = JSON.stringify(String(spec.definition.Default));
      problems.push({
        key: name,
        message: `missing: pin it, e.g. "${name}": ${example}, so a new release of this tool never upgrades it unasked`,
      });
    }
  }
  const values: Partial<ParameterValues> = {};
  for (const name of ROOT_PARAMETER_NAMES) {
    const definition: RootParameter = ROOT_PARAMETERS[name].definition;
    const coerced = given.has(name)
      ? coerce(definition, given.get(name))
      : { value: String(definition.Default) };
    const problem =
      'problem' in coerced ? coerced.problem : definitionProblem(name, definition, coerced.value);
    if (problem !== undefined) problems.push({ key: name, message: problem });
    else if ('value' in coerced) values[name] = coerced.value;
  }
  checkCombinations(values, context, problems);
  return problems.length === 0
    ? { ok: true, values: { ...settings.values, ...(values as Record<RootParameterName, string>) } }
    : { ok: false, problems };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string "${value}"`;
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The params file's JSON value as the string CloudFormation takes, or what is wrong with it. */
function coerce(definition: RootParameter, value: unknown): { value: string } | { problem: string } {
  const fail = (problem: string) => ({ problem });
  switch (definition.Type) {
    case 'Number':
      // Every Number parameter of this stack counts something (tasks, days, GiB): CloudFormation would
      // pass 1.5 on and the resource would fail mid-deploy, so a fraction is refused here.
      if (typeof value === 'number' && Number.isInteger(value)) return { value: String(value) };
      if (typeof value === 'number' && Number.isFinite(value))
        return fail(`expected a whole number, got ${value}`);
      return fail(
        `expected a number, got ${describe(value)}${typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? ` (write ${value} without quotes)` : ''}`,
      );
    case 'CommaDelimitedList':
      // Ports read naturally as numbers ([5432, 3306]); CloudFormation gets them as one string either way.
      if (
        Array.isArray(value) &&
        value.every((item) => typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item)))
      ) {
        return { value: value.join(',') };
      }
      if (typeof value === 'string') return { value };
      return fail(`expected a list, got ${describe(value)}`);
    case 'String':
    case 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>': {
      const booleanLike = definition.AllowedValues?.length === 2 && definition.AllowedValues.includes('true');
      if (typeof value === 'string') return { value };
      if (booleanLike && typeof value === 'boolean') return { value: String(value) };
      return fail(
        `expected a string, got ${describe(value)}${booleanLike && (typeof value === 'number' || typeof value === 'string') ? ' (write true or false)' : typeof value === 'number' ? ` (write "${value}" in quotes)` : ''}`,
      );
    }
  }
}

/** Say which mistake a pattern refused, where the constraint's own words would only restate the rule. */
const PATTERN_EXPLAINERS: Partial<Record<RootParameterName, (value: string) => string | undefined>> = {
  DomainName: domainNameProblem,
  HostedZoneId: hostedZoneIdProblem,
};

/** What breaks the parameter's own constraints (AllowedValues, AllowedPattern, Min/MaxValue), if anything. */
function definitionProblem(
  name: RootParameterName,
  definition: RootParameter,
  value: string,
): string | undefined {
  if (value.trim() === '' && definition.Default !== '') return 'must not be empty';
  // params/prod.json ships placeholders such as "<your domain>": refused until someone fills them in.
  if (/^<.*>$/.test(value.trim()))
    return `is still the placeholder ${value}: fill it in (the README's quick start says how)`;
  if (definition.AllowedValues && !definition.AllowedValues.map(String).includes(value)) {
    const allowed = definition.AllowedValues.map(String);
    const shown = allowed.length > 12 ? `${allowed.slice(0, 12).join(', ')}, …` : allowed.join(', ');
    return `"${value}" is not allowed; use one of: ${shown}`;
  }
  if (definition.AllowedPattern && !new RegExp(definition.AllowedPattern).test(value)) {
    const explained = PATTERN_EXPLAINERS[name]?.(value);
    if (explained !== undefined) return explained;
    return `"${value}" ${definition.ConstraintDescription ?? `does not match ${definition.AllowedPattern}`}`;
  }
  if (definition.Type === 'Number') {
    const number = Number(value);
    if (definition.MinValue !== undefined && number < definition.MinValue)
      return `${value} is below the minimum ${definition.MinValue}`;
    if (definition.MaxValue !== undefined && number > definition.MaxValue)
      return `${value} is above the maximum ${definition.MaxValue}`;
  }
}

/** Rules across keys. Only keys that passed their own checks are in `values`; a rule needing a missing one is skipped. */
function checkCombinations(
  values: Partial<ParameterValues>,
  context: ValidationContext,
  problems: ParamsProblem[],
): void {
  const fail = (key: string, message: string): void => void problems.push({ key, message });
  const has = (...keys: RootParameterName[]): boolean => keys.every((key) => values[key] !== undefined);
  if (values.VpcCidr !== undefined) checkVpc(values.VpcCidr, fail);
  if (values.AllowedIngressCidrs !== undefined) checkIngress(values.AllowedIngressCidrs, fail);
  if (values.DataSourcePorts !== undefined) checkDataSourcePorts(values.DataSourcePorts, fail);
  if (has('DomainName', 'HostedZoneId', 'CertificateArn', 'AllowedIngressCidrs')) checkDomain(values, fail);
  if (values.TaskCpu !== undefined && values.TaskMemory !== undefined) {
    const memories = FARGATE_MEMORY_BY_CPU[values.TaskCpu] ?? [];
    if (!memories.includes(Number(values.TaskMemory))) {
      fail(
        'TaskMemory',
        `${values.TaskMemory} MiB is not a size Fargate accepts with TaskCpu ${values.TaskCpu}; use ${memories[0]}–${memories[memories.length - 1]} in steps of 1024`,
      );
    }
  }
  if (has('MinTasks', 'MaxTasks', 'DesiredCount', 'AutoScaling')) {
    const [min, max, desired] = [
      Number(values.MinTasks),
      Number(values.MaxTasks),
      Number(values.DesiredCount),
    ];
    if (min > max) fail('MinTasks', `MinTasks ${min} is above MaxTasks ${max}`);
    if (values.AutoScaling === 'true' && (desired < min || desired > max)) {
      fail(
        'DesiredCount',
        `DesiredCount ${desired} must lie between MinTasks ${min} and MaxTasks ${max} when AutoScaling is on`,
      );
    }
  }
  if (context.region !== undefined) {
    for (const key of ['CertificateArn', 'DockerHubSecretArn'] as const) {
      const arn = values[key];
      const arnRegion = arn?.split(':')[3];
      if (arn && arnRegion !== context.region) {
        fail(
          key,
          `is in ${arnRegion} but the stack deploys to ${context.region}; it must be in the same region`,
        );
      }
    }
  }
}

type Fail = (key: string, message: string) => void;

function checkVpc(text: string, fail: Fail): void {
  const vpc = parseCidr(text);
  if (typeof vpc === 'string') fail('VpcCidr', vpc);
  else if (vpc.prefix < VPC_PREFIX_RANGE.min || vpc.prefix > VPC_PREFIX_RANGE.max) {
    fail(
      'VpcCidr',
      `/${vpc.prefix} is outside /${VPC_PREFIX_RANGE.min}–/${VPC_PREFIX_RANGE.max}: the six /24 subnets need at least a /21`,
    );
  } else if (!PRIVATE_RANGES.some((range) => range.prefix <= vpc.prefix && cidrsOverlap(range, vpc))) {
    fail('VpcCidr', `${text} falls outside the private ranges 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16`);
  }
}

function checkIngress(list: string, fail: Fail): void {
  const ingress = list.split(',').map((text) => text.trim());
  if (ingress.length > MAX_INGRESS_CIDRS)
    fail('AllowedIngressCidrs', `${ingress.length} CIDRs given; at most ${MAX_INGRESS_CIDRS} fit`);
  const parsedIngress: Ipv4Cidr[] = [];
  for (const text of ingress) {
    const parsed = parseCidr(text);
    // The load balancer has IpAddressType ipv4 (edge tier): an IPv6 range would admit nobody.
    if (text.includes(':'))
      fail(
        'AllowedIngressCidrs',
        `"${text}" is an IPv6 range; the load balancer is IPv4 only, so list IPv4 CIDRs (0.0.0.0/0 for the whole internet)`,
      );
    else if (typeof parsed === 'string') fail('AllowedIngressCidrs', parsed);
    else if (parsedIngress.some((other) => cidrsOverlap(other, parsed)))
      fail('AllowedIngressCidrs', `"${text}" overlaps another entry`);
    else parsedIngress.push(parsed);
  }
}

function checkDataSourcePorts(list: string, fail: Fail): void {
  const ports = list
    .split(',')
    .map((text) => text.trim())
    .filter((text) => text !== '');
  if (ports.length > MAX_DATA_SOURCE_PORTS)
    fail('DataSourcePorts', `${ports.length} ports given; at most ${MAX_DATA_SOURCE_PORTS} fit`);
  const seen = new Set<number>();
  for (const text of ports) {
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535)
      fail('DataSourcePorts', `"${text}" is not a TCP port (1–65535)`);
    else if (port === 443)
      fail('DataSourcePorts', '443 is always open to the internet already; leave it out');
    else if (seen.has(port)) fail('DataSourcePorts', `${port} is listed twice`);
    seen.add(port);
  }
}

/** CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128 characters. */
export function stackNameProblem(name: string): string | undefined {
  if (/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) return undefined;
  return `"${name}" is not a valid stack name: start with a letter, then use only letters, digits and hyphens (max 128)`;
}
