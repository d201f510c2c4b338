// `deploy --role-arn` hands the stack to a CloudFormation execution role. The bootstrap's execution roles
// (templates/bootstrap/) may create an IAM role only with their environment's permissions boundary on it,
// so without RolePermissionsBoundary the deploy would fail minutes in, at the first role. Said offline.
import type { ParameterValues } from '../params/validate.js';
import { UserError } from './errors.js';

/** The boundary the bootstrap template names for a stack: its `<Env>RolePermissionsBoundary` output. */
export function bootstrapBoundaryName(stackName: string): string {
  return `${stackName}-role-boundary`;
}

export function requireBoundaryWithRole(
  stackName: string,
  roleArn: string | undefined,
  values: Partial<ParameterValues>,
  paramsFile: string,
): void {
  if (!roleArn || (values.RolePermissionsBoundary ?? '') !== '') return;
  throw new UserError(
    `deploy ${stackName}: --role-arn needs the RolePermissionsBoundary parameter, which ${paramsFile} does not set`,
    `Add "RolePermissionsBoundary": "${bootstrapBoundaryName(stackName)}" (the bootstrap stack's output) to ${paramsFile}, or deploy without --role-arn.`,
  );
}
