// What a stack update would do to each resource, worked out offline from AWS's own resource schemas
// (createOnlyProperties and conditionalCreateOnlyProperties, bundled with cfn-lint): evaluate the
// templates with the old and the new parameter values (Conditions, Ref, Fn::If, Fn::Sub, Fn::Join,
// Fn::Select, Fn::Split, Fn::FindInMap, nested-stack parameter wiring), then walk the resources in
// dependency order: a resource is replaced when a create-only property's value changes, and a replaced
// resource changes the Ref / GetAtt values its dependants see, so replacements propagate as on AWS.
// Values AWS computes (ids, ARNs, AZs) stay symbolic: ⟨Ref X⟩ in the old stack, ⟨Ref X⟩′ in the new
// one when X was replaced, so a comparison says whether the value changes, not what it is.
import { spawnSync } from 'node:child_process';
import type { PlainTemplate } from './cli.js';

export interface ResourceSchema {
  createOnly: string[];
  conditionalCreateOnly: string[];
}
export type Schemas = Record<string, ResourceSchema>;

/** One python process reads the schemas of every type asked for (cfn-lint's bundled registry schemas). */
export function loadSchemas(types: string[], region = 'us-east-1'): Schemas {
  const script = [
    'import json, sys',
    'from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as m',
    'out = {}',
    'for t in json.loads(sys.argv[1]):',
    `    s = m.get_resource_schema('${region}', t).schema`,
    "    out[t] = {'createOnly': s.get('createOnlyProperties', []), 'conditionalCreateOnly': s.get('conditionalCreateOnlyProperties', [])}",
    'print(json.dumps(out))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', script, JSON.stringify([...new Set(types)].sort())], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`cannot read resource schemas from cfn-lint: ${result.stderr}`);
  return JSON.parse(result.stdout) as Schemas;
}

export interface TemplateSet {
  root: PlainTemplate;
  /** Nested templates by the file name the root's TemplateURL names (network.yaml, ...). */
  nested: Record<string, PlainTemplate>;
}

export function resourceTypes(set: TemplateSet): string[] {
  return [set.root, ...Object.values(set.nested)].flatMap((t) =>
    Object.values(t.Resources).map((r) => r.Type),
  );
}

/** A parameter value as CloudFormation hands it to Ref: a string, or a list for list types. */
export type ParameterValue = string | string[];

export type Action = 'add' | 'remove' | 'modify' | 'replace' | 'may-replace';

export interface ResourceChange {
  /** Stack path and logical id, e.g. NetworkStack/NatInstance. */
  path: string;
  type: string;
  action: Action;
  /** The (conditional) create-only properties whose values change. */
  causes: string[];
  /** For a replacement: properties whose unchanged value the new copy would claim while the old holds it. */
  collisions: string[];
  /** For a removal: the resource has DeletionPolicy Retain, so it leaves the stack but stays in the account. */
  retained?: boolean;
}

const NO_VALUE = Symbol('AWS::NoValue');
const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::Region',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::Partition',
  'AWS::URLSuffix',
  'AWS::NotificationARNs',
]);

const FIXED_PSEUDO: Record<string, string> = {
  'AWS::AccountId': '111122223333',
  'AWS::Region': 'us-east-1',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Where a replacement would collide with its own old copy: a fixed name, interface or address. */
const CLAIMS: Record<string, string[]> = {
  '*': [],
  'AWS::EC2::Instance': [
    'NetworkInterfaces/*/NetworkInterfaceId',
    'NetworkInterfaces/*/PrivateIpAddress',
    'PrivateIpAddress',
  ],
  // One Elastic IP serves one NAT gateway; an association's replacement moves the address, then the old
  // association's deletion disassociates it.
  'AWS::EC2::NatGateway': ['AllocationId', 'PrivateIpAddress'],
  'AWS::EC2::EIPAssociation': ['AllocationId', 'EIP'],
  'AWS::EC2::NetworkInterface': ['PrivateIpAddress'],
};
/** Create-only names that are not unique in the account or region (never a collision). */
const NAMES_NOT_UNIQUE = new Set(['DBName', 'Family', 'PolicyName']);
/** The same, for one resource type only. */
const TYPE_NAMES_NOT_UNIQUE: Record<string, string[]> = {
  // ACM issues any number of certificates for one name: RequestCertificate with a new idempotency token is
  // a new certificate (ACM API reference, RequestCertificate IdempotencyToken).
  'AWS::CertificateManager::Certificate': ['DomainName'],
};
/**
 * Names unique only within a scope: they collide only when the scope stays too. A Route 53 record's name
 * is unique within its hosted zone; a record in another zone is another record.
 */
const NAME_SCOPES: Record<string, Record<string, string[]>> = {
  'AWS::Route53::RecordSet': { Name: ['HostedZoneId', 'HostedZoneName'] },
};
/**
 * GetAtt attributes that name the resource itself, so an in-place update leaves them alone. Any other
 * attribute of an updated resource counts as changed (LaunchTemplate.LatestVersionNumber does change).
 */
const STABLE_ATTRIBUTES: Record<string, string[]> = {
  'AWS::ECS::Service': ['Name', 'ServiceArn'],
  'AWS::ECS::Cluster': ['Arn'],
  'AWS::Logs::LogGroup': ['Arn'],
  'AWS::IAM::Role': ['Arn', 'RoleId'],
  'AWS::IAM::InstanceProfile': ['Arn'],
  'AWS::EC2::VPC': ['CidrBlock'],
  'AWS::EC2::Subnet': ['CidrBlock'],
  'AWS::EC2::EIP': ['AllocationId', 'PublicIp'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['DNSName', 'CanonicalHostedZoneID', 'LoadBalancerFullName'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['TargetGroupFullName'],
  'AWS::RDS::DBInstance': ['Endpoint.Address', 'Endpoint.Port'],
};

function isIntrinsic(node: Record<string, unknown>): string | undefined {
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
}

interface Context {
  template: PlainTemplate;
  parameters: Record<string, ParameterValue>;
  conditions: Record<string, boolean>;
  ref: (logicalId: string) => string;
  getAtt: (logicalId: string, attribute: string) => string;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `⟨${JSON.stringify(value)}⟩`;
}

function resolve(node: unknown, ctx: Context): unknown {
  if (Array.isArray(node)) return node.map((item) => resolve(item, ctx)).filter((item) => item !== NO_VALUE);
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  const intrinsic = isIntrinsic(record);
  if (intrinsic === undefined) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      const resolved = resolve(value, ctx);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }
  const arg = record[intrinsic];
  switch (intrinsic) {
    case 'Ref':
      return refValue(String(arg), ctx);
    case 'Fn::GetAtt': {
      const [id, ...attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
      return ctx.getAtt(id!, attribute.join('.'));
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
      return resolve(conditionValue(condition, ctx) ? whenTrue : whenFalse, ctx);
    }
    case 'Fn::Sub': {
      const [template, variables] = Array.isArray(arg)
        ? (arg as [string, Record<string, unknown>])
        : [String(arg), {}];
      return template.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
        if (name.startsWith('!')) return `\${${name.slice(1)}}`;
        if (name in variables) return text(resolve(variables[name], ctx));
        if (name.includes('.') && !PSEUDO.has(name)) {
          const [id, ...attribute] = name.split('.');
          return ctx.getAtt(id!, attribute.join('.'));
        }
        return text(refValue(name, ctx));
      });
    }
    case 'Fn::Join': {
      const [delimiter, list] = arg as [string, unknown];
      const items = resolve(list, ctx);
      return Array.isArray(items) ? items.map(text).join(delimiter) : `⟨join ${delimiter} ${text(items)}⟩`;
    }
    case 'Fn::Split': {
      const [delimiter, value] = arg as [string, unknown];
      return text(resolve(value, ctx)).split(delimiter);
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      const items = resolve(list, ctx);
      const at = Number(resolve(index, ctx));
      return Array.isArray(items) && items.length > at ? items[at] : `⟨select ${at} ${text(items)}⟩`;
    }
    case 'Fn::FindInMap': {
      const [map, top, second] = (arg as unknown[]).map((part) => text(resolve(part, ctx)));
      const mappings = (
        ctx.template as { Mappings?: Record<string, Record<string, Record<string, unknown>>> }
      ).Mappings;
      const found = mappings?.[map!]?.[top!]?.[second!];
      if (found === undefined) throw new Error(`update-path: no mapping ${map}/${top}/${second}`);
      return found;
    }
    default:
      return { [intrinsic]: resolve(arg, ctx) };
  }
}

function refValue(name: string, ctx: Context): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  // An update never moves a stack to another account, region or partition: those are fixed sample
  // values (conditions such as the ELB log-delivery account per region need one), the rest AWS computes.
  const fixed = FIXED_PSEUDO[name];
  if (fixed !== undefined) return fixed;
  if (PSEUDO.has(name)) return `⟨${name}⟩`;
  if (name in ctx.parameters) return ctx.parameters[name];
  if (ctx.template.Resources[name]) return ctx.ref(name);
  throw new Error(`update-path: Ref to unknown ${name}`);
}

function conditionValue(name: string, ctx: Context): boolean {
  const value = ctx.conditions[name];
  if (value === undefined) throw new Error(`update-path: unknown condition ${name}`);
  return value;
}

function evaluateCondition(node: unknown, ctx: Context): boolean {
  const record = node as Record<string, unknown>;
  const intrinsic = isIntrinsic(record);
  const args = record[intrinsic ?? ''] as unknown[];
  switch (intrinsic) {
    case 'Condition':
      return conditionValue(String(record.Condition), ctx);
    case 'Fn::Not':
      return !evaluateCondition(args[0], ctx);
    case 'Fn::And':
      return args.every((a) => evaluateCondition(a, ctx));
    case 'Fn::Or':
      return args.some((a) => evaluateCondition(a, ctx));
    case 'Fn::Equals': {
      const [left, right] = args.map((a) => resolve(a, ctx));
      const [l, r] = [
        JSON.stringify(typeof left === 'number' ? String(left) : left),
        JSON.stringify(typeof right === 'number' ? String(right) : right),
      ];
      // A resource's id or attribute (an ARN, an id) is never the empty string: a tier tests "is this
      // output set" by comparing it with "", as the alarm topic's ARN is when AlarmEmail is off.
      if ((l === '""' && r.includes('⟨')) || (r === '""' && l.includes('⟨'))) return false;
      if (l.includes('⟨') || r.includes('⟨'))
        throw new Error(`update-path: condition compares an AWS-computed value: ${l} = ${r}`);
      return l === r;
    }
    default:
      throw new Error(`update-path: unsupported condition ${JSON.stringify(node)}`);
  }
}

function conditions(template: PlainTemplate, base: Omit<Context, 'conditions'>): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  const ctx: Context = { ...base, conditions: out };
  const pending = Object.entries(template.Conditions ?? {});
  // Conditions may name each other in any order: evaluate until all are known, or a round learns nothing
  // (a cycle, or a condition naming one that does not exist).
  for (let progress = true; pending.length > 0 && progress;) {
    progress = false;
    for (let i = pending.length - 1; i >= 0; i--) {
      const [name, node] = pending[i]!;
      try {
        out[name] = evaluateCondition(node, ctx);
        pending.splice(i, 1);
        progress = true;
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith('update-path: unknown condition')))
          throw error;
      }
    }
  }
  if (pending.length > 0)
    throw new Error(`update-path: cannot evaluate conditions ${pending.map(([n]) => n).join(', ')}`);
  return out;
}

/** Values at a schema pointer (/properties/A/*\/B) or a claim path (A/*\/B), `undefined` where absent. */
function valuesAt(properties: unknown, path: string): unknown[] {
  const parts = path.replace(/^\/properties\//, '').split('/');
  let current: unknown[] = [properties];
  for (const part of parts) {
    current = current.flatMap((value) => {
      if (part === '*') return Array.isArray(value) ? (value as unknown[]) : [];
      if (typeof value !== 'object' || value === null) return [undefined];
      return [(value as Record<string, unknown>)[part]];
    });
  }
  return current;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function dependencies(resource: PlainTemplate['Resources'][string], template: PlainTemplate): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node === 'string') {
      for (const [, name] of node.matchAll(/\$\{([\w:]+)[.}]/g))
        if (template.Resources[name!]) found.add(name!);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (typeof record.Ref === 'string' && template.Resources[record.Ref]) found.add(record.Ref);
    const att = record['Fn::GetAtt'];
    if (att !== undefined) {
      const id = Array.isArray(att) ? text(att[0]) : text(att).split('.')[0]!;
      if (template.Resources[id]) found.add(id);
    }
    Object.values(record).forEach(visit);
  };
  visit(resource.Properties);
  const dependsOn = resource.DependsOn;
  for (const id of Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []) found.add(String(id));
  return [...found];
}

function order(template: PlainTemplate): string[] {
  const done: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const dep of dependencies(template.Resources[id]!, template)) visit(dep);
    done.push(id);
  };
  Object.keys(template.Resources).forEach(visit);
  return done;
}

export interface StackInput {
  template: PlainTemplate;
  parameters: Record<string, ParameterValue>;
}

interface StackResult {
  changes: ResourceChange[];
  /** Outputs whose value changes. */
  changedOutputs: Set<string>;
}

function parameterValues(
  template: PlainTemplate,
  given: Record<string, unknown>,
): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const [name, definition] of Object.entries(template.Parameters ?? {})) {
    const raw = name in given ? given[name] : definition.Default;
    if (raw === undefined) throw new Error(`update-path: no value for parameter ${name}`);
    if (Array.isArray(raw)) {
      out[name] = raw.map(text);
      continue;
    }
    const value = text(raw);
    out[name] = definition.Type === 'CommaDelimitedList' && !value.includes('⟨') ? value.split(',') : value;
  }
  return out;
}

/**
 * Compares one stack (and, through its AWS::CloudFormation::Stack resources, its nested stacks) before and
 * after an update.
 */
export function compareStacks(
  before: StackInput,
  after: StackInput,
  nested: { before: Record<string, PlainTemplate>; after: Record<string, PlainTemplate> },
  schemas: Schemas,
  path = '',
): StackResult {
  const oldParameters = parameterValues(before.template, before.parameters);
  const newParameters = parameterValues(after.template, after.parameters);
  const replaced = new Set<string>();
  const modified = new Set<string>();
  const added = new Set<string>();
  const nestedOutputs = new Map<string, Set<string>>();
  const oldBase = {
    template: before.template,
    parameters: oldParameters,
    ref: (id: string) => `⟨Ref ${id}⟩`,
    getAtt: (id: string, attribute: string) => `⟨${id}.${attribute}⟩`,
  };
  const newBase = {
    template: after.template,
    parameters: newParameters,
    ref: (id: string) => `⟨Ref ${id}⟩${replaced.has(id) || added.has(id) ? '′' : ''}`,
    getAtt: (id: string, attribute: string) => {
      const outputs = nestedOutputs.get(id);
      const changed = outputs
        ? outputs.has(attribute.replace(/^Outputs\./, ''))
        : replaced.has(id) ||
          added.has(id) ||
          (modified.has(id) &&
            !(STABLE_ATTRIBUTES[after.template.Resources[id]?.Type ?? ''] ?? []).includes(attribute));
      return `⟨${id}.${attribute}⟩${changed ? '′' : ''}`;
    },
  };
  const oldCtx: Context = { ...oldBase, conditions: conditions(before.template, oldBase) };
  const newCtx: Context = { ...newBase, conditions: conditions(after.template, newBase) };
  const changes: ResourceChange[] = [];
  const ids = [...new Set([...order(before.template), ...order(after.template)])];
  const orderedIds = order(after.template).concat(ids.filter((id) => !after.template.Resources[id]));
  for (const id of orderedIds) {
    const oldResource = before.template.Resources[id];
    const newResource = after.template.Resources[id];
    const existsOld =
      oldResource !== undefined &&
      (oldResource.Condition === undefined || oldCtx.conditions[oldResource.Condition]!);
    const existsNew =
      newResource !== undefined &&
      (newResource.Condition === undefined || newCtx.conditions[newResource.Condition]!);
    const where = `${path}${id}`;
    if (!existsOld && !existsNew) continue;
    if (!existsOld) {
      added.add(id);
      changes.push({ path: where, type: newResource!.Type, action: 'add', causes: [], collisions: [] });
      continue;
    }
    if (!existsNew) {
      changes.push({
        path: where,
        type: oldResource.Type,
        action: 'remove',
        causes: [],
        collisions: [],
        ...(oldResource.DeletionPolicy === 'Retain' ? { retained: true } : {}),
      });
      continue;
    }
    const type = newResource.Type;
    const oldProperties = resolve(oldResource.Properties ?? {}, oldCtx) as Record<string, unknown>;
    const newProperties = resolve(newResource.Properties ?? {}, newCtx) as Record<string, unknown>;
    if (type === 'AWS::CloudFormation::Stack') {
      const file = String(newProperties.TemplateURL);
      const oldTemplate = nested.before[String(oldProperties.TemplateURL)];
      const newTemplate = nested.after[file];
      if (!oldTemplate || !newTemplate) throw new Error(`update-path: no nested template ${file}`);
      const result = compareStacks(
        {
          template: oldTemplate,
          parameters: (oldProperties.Parameters ?? {}) as Record<string, ParameterValue>,
        },
        {
          template: newTemplate,
          parameters: (newProperties.Parameters ?? {}) as Record<string, ParameterValue>,
        },
        nested,
        schemas,
        `${where}/`,
      );
      nestedOutputs.set(id, result.changedOutputs);
      changes.push(...result.changes);
      if (!same(oldProperties, newProperties) || !same(oldTemplate, newTemplate)) modified.add(id);
      continue;
    }
    if (same(oldProperties, newProperties)) continue;
    const schema = schemas[type];
    if (!schema) throw new Error(`update-path: no schema loaded for ${type}`);
    const differs = (pointer: string): boolean =>
      !same(valuesAt(oldProperties, pointer), valuesAt(newProperties, pointer));
    const name = (pointer: string): string => pointer.replace(/^\/properties\//, '');
    const causes = schema.createOnly.filter(differs).map(name);
    const conditional = schema.conditionalCreateOnly.filter(differs).map(name);
    const action: Action = causes.length > 0 ? 'replace' : conditional.length > 0 ? 'may-replace' : 'modify';
    if (action === 'modify') {
      modified.add(id);
      changes.push({ path: where, type, action, causes: [], collisions: [] });
      continue;
    }
    replaced.add(id);
    const claims = [
      ...schema.createOnly
        .map(name)
        .filter(
          (p) =>
            /(Name|Identifier)$/.test(p) &&
            !NAMES_NOT_UNIQUE.has(p) &&
            !(TYPE_NAMES_NOT_UNIQUE[type] ?? []).includes(p),
        ),
      ...(CLAIMS[type] ?? []),
    ];
    const unchanged = (path: string): boolean =>
      same(valuesAt(oldProperties, path), valuesAt(newProperties, path));
    const collisions = claims.filter((claim) => {
      const after = valuesAt(newProperties, claim);
      const scope = NAME_SCOPES[type]?.[claim] ?? [];
      return after.some((value) => value !== undefined) && unchanged(claim) && scope.every(unchanged);
    });
    changes.push({ path: where, type, action, causes: [...causes, ...conditional], collisions });
  }
  const changedOutputs = new Set<string>();
  for (const [name, output] of Object.entries(after.template.Outputs ?? {})) {
    const old = before.template.Outputs?.[name];
    if (!old || !same(resolve(old.Value, oldCtx), resolve(output.Value, newCtx))) changedOutputs.add(name);
  }
  return { changes, changedOutputs };
}

/** Root parameter values from a validated params file: lists become lists, SSM names stay tokens. */
export function rootParameters(
  root: PlainTemplate,
  values: Record<string, string>,
  ssmGeneration = 0,
): Record<string, ParameterValue> {
  const out: Record<string, ParameterValue> = {};
  for (const [name, definition] of Object.entries(root.Parameters ?? {})) {
    const value = values[name] ?? text(definition.Default ?? '');
    const type = String(definition.Type);
    out[name] =
      type === 'CommaDelimitedList'
        ? value.split(',')
        : type.startsWith('AWS::SSM::Parameter::Value<')
          ? `⟨ssm ${value} #${ssmGeneration}⟩`
          : value;
  }
  return out;
}

export function compareDeployments(
  before: { set: TemplateSet; parameters: Record<string, ParameterValue> },
  after: { set: TemplateSet; parameters: Record<string, ParameterValue> },
  schemas: Schemas,
): ResourceChange[] {
  return compareStacks(
    { template: before.set.root, parameters: before.parameters },
    { template: after.set.root, parameters: after.parameters },
    { before: before.set.nested, after: after.set.nested },
    schemas,
  ).changes;
}
