// IAM, for one thing only: making sure a service-linked role exists before the first create. ECS
// creates AWSServiceRoleForECS asynchronously when an account's first cluster appears, so a service or
// capacity-provider association created minutes later can fail with "Unable to assume the service linked
// role" (cloudformation-coverage-roadmap#818). Creating it ourselves first removes that race.
import { CreateServiceLinkedRoleCommand, IAMClient } from '@aws-sdk/client-iam';

export type ServiceLinkedRoleOutcome =
  | { outcome: 'created'; roleName: string }
  /** IAM answers InvalidInput "Service role name … has been taken in this account": already there. */
  | { outcome: 'exists' }
  | { outcome: 'denied'; message: string };

export interface IamApi {
  ensureServiceLinkedRole(awsServiceName: string): Promise<ServiceLinkedRoleOutcome>;
}

interface SdkLikeError {
  name?: string;
  message?: string;
}

/** IAM's words when the role exists (error code InvalidInput), e.g. terraform-aws-hasura#17. */
const ALREADY_TAKEN = /has been taken in this account/i;
const DENIED = /AccessDenied|UnauthorizedOperation/i;

export function classifyServiceLinkedRoleError(error: unknown): ServiceLinkedRoleOutcome | undefined {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkLikeError;
  const name = e.name ?? '';
  const message = e.message ?? '';
  if (/InvalidInput/.test(name) && ALREADY_TAKEN.test(message)) return { outcome: 'exists' };
  // The same fact in IAM's general form for a role that exists (what moto answers, too): the role is there.
  if (name === 'EntityAlreadyExistsException') return { outcome: 'exists' };
  if (DENIED.test(name) || /not authorized to perform/i.test(message))
    return { outcome: 'denied', message: message || name };
  return undefined;
}

export function sdkIam(client: IAMClient): IamApi {
  return {
    async ensureServiceLinkedRole(awsServiceName) {
      try {
        const out = await client.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: awsServiceName }));
        return { outcome: 'created', roleName: out.Role?.RoleName ?? awsServiceName };
      } catch (error) {
        const known = classifyServiceLinkedRoleError(error);
        if (known) return known;
        throw error;
      }
    },
  };
}
