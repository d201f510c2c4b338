// The bootstrap template as AWS would hold it for one account: intrinsics resolved with sample parameter
// values, so that the policy tests can evaluate real ARNs (with iam-simulate) instead of reading templates.
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const REPOSITORY = 'octo-org/metabase-infra';

export interface ResolveOptions {
  hostedZoneId?: string;
  createOidcProvider?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ResolvedResource {
  Type: string;
  Properties: Record<string, Json>;
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const NO_VALUE = Symbol('AWS::NoValue');

export function bootstrapRaw(): {
  Parameters: Record<string, { Default?: string }>;
  Conditions: Record<string, Json>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Json }>;
  Outputs: Record<string, Json>;
} {
  return load(readFileSync('templates/bootstrap/github-deploy-role.yaml', 'utf8')) as ReturnType<
    typeof bootstrapRaw
  >;
}

export function resolveBootstrap(options: ResolveOptions = {}): Record<string, ResolvedResource> {
  const template = bootstrapRaw();
  const parameters: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::AccountId': ACCOUNT,
    'AWS::Region': REGION,
    'AWS::URLSuffix': 'amazonaws.com',
    GitHubRepository: REPOSITORY,
    StackPrefix: template.Parameters.StackPrefix?.Default ?? '',
    CreateOidcProvider: options.createOidcProvider === false ? 'false' : 'true',
    CreateArtifactsBucket: 'true',
    HostedZoneId: options.hostedZoneId ?? '',
  };
  const conditions: Record<string, boolean> = {};
  const evaluate = (node: Json): Json | typeof NO_VALUE => {
    if (Array.isArray(node)) return node.map(evaluate).filter((v): v is Json => v !== NO_VALUE);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    const [only] = entries;
    if (entries.length === 1 && only) {
      const [key, arg] = only;
      switch (key) {
        case 'Ref':
          if (arg === 'AWS::NoValue') return NO_VALUE;
          if (typeof arg !== 'string') throw new Error('Ref of a non-string');
          return parameters[arg] ?? `ref:${arg}`;
        case 'Fn::Sub':
          if (typeof arg !== 'string') throw new Error('Fn::Sub with variables is not used here');
          return arg.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            const value = parameters[name];
            if (value === undefined) throw new Error(`Fn::Sub of unknown \${${name}}`);
            return value;
          });
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = arg as [string, string];
          if (attribute !== 'Arn') throw new Error(`GetAtt ${logicalId}.${attribute}`);
          const resource = template.Resources[logicalId];
          if (resource?.Type === 'AWS::IAM::Role') return `arn:aws:iam::${ACCOUNT}:role/${logicalId}`;
          throw new Error(`GetAtt of ${resource?.Type ?? logicalId}`);
        }
        case 'Fn::If': {
          const [condition, whenTrue, whenFalse] = arg as [string, Json, Json];
          return evaluate(conditionValue(condition) ? whenTrue : whenFalse);
        }
        case 'Fn::Equals': {
          const [a, b] = (arg as Json[]).map(evaluate);
          return a === b;
        }
        case 'Fn::Not':
          return !(evaluate((arg as Json[])[0] ?? null) as boolean);
        default:
          break;
      }
    }
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(node)) {
      const value = evaluate(v);
      if (value !== NO_VALUE) out[k] = value;
    }
    return out;
  };
  const conditionValue = (name: string): boolean => {
    conditions[name] ??= evaluate(template.Conditions[name] ?? null) as boolean;
    return conditions[name];
  };
  const resources: Record<string, ResolvedResource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Condition && !conditionValue(resource.Condition)) continue;
    resources[id] = {
      Type: resource.Type,
      Properties: evaluate(resource.Properties) as Record<string, Json>,
    };
  }
  return resources;
}

export interface RolePolicies {
  id: string;
  trust: PolicyDocument;
  /** Inline policies plus the IAM::Policy and IAM::ManagedPolicy resources attached to the role. */
  policies: PolicyDocument[];
  /** The role's inline policy text (Policies and AWS::IAM::Policy) as IAM counts it: no whitespace. */
  inlineSize: number;
}

export function roles(resources: Record<string, ResolvedResource>): RolePolicies[] {
  const result: RolePolicies[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const inline = (
      (resource.Properties.Policies ?? []) as unknown as { PolicyDocument: PolicyDocument }[]
    ).map((p) => p.PolicyDocument);
    const attached = Object.values(resources)
      .filter(
        (r) =>
          (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') &&
          ((r.Properties.Roles ?? []) as string[]).includes(`ref:${id}`),
      )
      .map((r) => r.Properties.PolicyDocument as unknown as PolicyDocument);
    const inlineAttached = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as string[]).includes(`ref:${id}`))
      .map((r) => r.Properties.PolicyDocument as unknown as PolicyDocument);
    const all = [...inline, ...attached];
    result.push({
      id,
      trust: resource.Properties.AssumeRolePolicyDocument as unknown as PolicyDocument,
      policies: all,
      inlineSize: [...inline, ...inlineAttached]
        .map((p) => JSON.stringify(p).length)
        .reduce((a, b) => a + b, 0),
    });
  }
  return result;
}

export const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
