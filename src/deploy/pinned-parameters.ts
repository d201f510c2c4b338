// Parameters a restored stack must keep for its whole life. DBSnapshotIdentifier is effectively
// create-only: "After you restore a DB instance with a DBSnapshotIdentifier property, you must specify the
// same DBSnapshotIdentifier property for any future updates ... if you don't specify the
// DBSnapshotIdentifier property, an empty DB instance is created, and the original DB instance is deleted"
// (AWS::RDS::DBInstance, CloudFormation template reference). The two secret ARNs pick the master user name
// (create-only) and MB_ENCRYPTION_SECRET_KEY, and setting one removes the secret the stack generated. A
// params file never needs to repeat them: deploy carries the deployed value forward whenever the file
// leaves one empty, and refuses a different value (tests/synth/update-path.test.ts relies on both).
// ExistingAdminSecretArn is pinned like the secrets: dropping it would make a new, empty admin secret and
// point AdminSecretArn away from the one holding the restored admin's password.
import type { RootParameterName } from '../synth/parameters.js';

export const PINNED_PARAMETERS = [
  'DbSnapshotIdentifier',
  'ExistingDbMasterSecretArn',
  'ExistingEncryptionKeySecretArn',
  'ExistingAdminSecretArn',
] as const satisfies readonly RootParameterName[];

export type PinnedParameter = (typeof PINNED_PARAMETERS)[number];

export interface PinnedValue {
  name: PinnedParameter;
  value: string;
}

/** A pinned parameter the params file sets to something other than what the deployed stack has. */
export interface PinnedChange {
  name: PinnedParameter;
  /** '' when the stack was not restored */
  from: string;
  to: string;
}

/**
 * The parameters to deploy with: `requested`, except that a pinned parameter left empty takes the value
 * the deployed stack has (`kept`). A non-empty value that differs from the deployed one (or is set on a
 * stack that was never restored) is listed in `changed`: deploy refuses it, since CloudFormation would
 * replace the database or drop a secret. `deployed` is undefined for a new stack: nothing is pinned then.
 */
export function withPinnedParameters(
  requested: Record<string, string>,
  deployed: Record<string, string> | undefined,
): { parameters: Record<string, string>; kept: PinnedValue[]; changed: PinnedChange[] } {
  const parameters = { ...requested };
  const kept: PinnedValue[] = [];
  const changed: PinnedChange[] = [];
  if (!deployed) return { parameters, kept, changed };
  for (const name of PINNED_PARAMETERS) {
    const previous = deployed[name] ?? '';
    const asked = parameters[name] ?? '';
    if (asked === '') {
      if (previous !== '') {
        parameters[name] = previous;
        kept.push({ name, value: previous });
      }
    } else if (asked !== previous) changed.push({ name, from: previous, to: asked });
  }
  return { parameters, kept, changed };
}
