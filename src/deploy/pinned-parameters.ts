// Parameters a restored stack must keep for its whole life. DBSnapshotIdentifier is effectively
// create-only: "After you restore a DB instance with a DBSnapshotIdentifier property, you must specify the
// same DBSnapshotIdentifier property for any future updates ... if you don't specify the
// DBSnapshotIdentifier property, an empty DB instance is created, and the original DB instance is deleted"
// (AWS::RDS::DBInstance, CloudFormation template reference). The two secret ARNs pick the master user name
// (create-only) and MB_ENCRYPTION_SECRET_KEY. A params file never needs to repeat them: deploy carries the
// deployed value forward whenever the file leaves one empty.
import type { RootParameterName } from '../synth/parameters.js';

export const PINNED_PARAMETERS = [
  'DbSnapshotIdentifier',
  'ExistingDbMasterSecretArn',
  'ExistingEncryptionKeySecretArn',
] as const satisfies readonly RootParameterName[];

export interface PinnedValue {
  name: (typeof PINNED_PARAMETERS)[number];
  value: string;
}

/**
 * The parameters to deploy with: `requested`, except that a pinned parameter left empty takes the value
 * the deployed stack has. A different non-empty value is passed on as asked (the change set then shows the
 * database replaced, and the replacement guard stops it).
 */
export function withPinnedParameters(
  requested: Record<string, string>,
  deployed: Record<string, string> | undefined,
): { parameters: Record<string, string>; kept: PinnedValue[] } {
  const parameters = { ...requested };
  const kept: PinnedValue[] = [];
  for (const name of PINNED_PARAMETERS) {
    const previous = deployed?.[name] ?? '';
    if (previous !== '' && (parameters[name] ?? '') === '') {
      parameters[name] = previous;
      kept.push({ name, value: previous });
    }
  }
  return { parameters, kept };
}
