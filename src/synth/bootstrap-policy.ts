// Building blocks of the bootstrap template's IAM policies.
import { sub } from './intrinsics.js';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  /** Only in resource policies. */
  Principal?: string;
  Action: string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

/** ARN patterns written as Fn::Sub text become Fn::Sub; `*` stays a plain string. */
export function subAll(resources: string | string[]): unknown {
  const list = Array.isArray(resources) ? resources : [resources];
  const subbed = list.map((r) => (r === '*' ? r : sub(r)));
  return subbed.length === 1 ? subbed[0] : subbed;
}

export function allow(
  sid: string,
  actions: string[],
  resources: string | string[] | { raw: unknown },
  condition?: Record<string, unknown>,
): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: actions,
    Resource: typeof resources === 'object' && 'raw' in resources ? resources.raw : subAll(resources),
    ...(condition ? { Condition: condition } : {}),
  };
}

export function deny(
  sid: string,
  actions: string[],
  resources: string | string[],
  condition?: Record<string, unknown>,
  principal?: string,
): PolicyStatement {
  return {
    ...allow(sid, actions, resources, condition),
    Effect: 'Deny',
    ...(principal ? { Principal: principal } : {}),
  };
}

export function document(statements: PolicyStatement[]) {
  return { Version: '2012-10-17', Statement: statements };
}

// Resource import adopts a resource this environment did not create, after which its stack may delete it.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security_iam_id-based-policy-examples.html
export const DENY_IMPORT = deny('NoResourceImport', ['cloudformation:*'], '*', {
  'ForAnyValue:StringLike': { 'cloudformation:ImportResourceTypes': ['*'] },
});
