// The Secrets Manager calls this tool makes. A restore needs to know whether a retained secret is still
// there, and which secrets a destroyed stack left behind (found by the tags CloudFormation puts on what it
// creates). The first-admin setup writes the password it generated. No call reads a secret value back
// (tests/hardening/secrets.test.ts), so none can reach the tool's output.
import {
  DescribeSecretCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type SecretListEntry,
} from '@aws-sdk/client-secrets-manager';

export interface SecretInfo {
  arn: string;
  name: string;
  created?: Date | undefined;
  /** Set when the secret is scheduled for deletion: it cannot be read any more. */
  deletedAt?: Date | undefined;
  tags: Record<string, string>;
  /**
   * Whether a value was ever stored over the one the secret was created with (a version carries
   * AWSPREVIOUS): the first-admin setup's PutSecretValue does that, so an admin secret without it holds
   * only CloudFormation's placeholder. undefined when the answer did not say.
   */
  written?: boolean | undefined;
}

export interface SecretsApi {
  /** undefined when there is no such secret. */
  describe(arn: string): Promise<SecretInfo | undefined>;
  /** Secrets carrying tag `key` with a value starting with `valuePrefix` (all pages; no value is read). */
  withTagPrefix(key: string, valuePrefix: string): Promise<SecretInfo[]>;
  /** Stores a new current version of the secret; the value never leaves this call. */
  putSecretValue(secretArn: string, value: string): Promise<void>;
}

const isNotFound = (error: unknown): boolean =>
  (error as { name?: string }).name === 'ResourceNotFoundException';

/** A version labelled AWSPREVIOUS exists once a second value has been put (PutSecretValue reference). */
function writtenOver(stages: Record<string, string[]> | undefined): boolean | undefined {
  return stages === undefined
    ? undefined
    : Object.values(stages).some((labels) => labels.includes('AWSPREVIOUS'));
}

function toSecret(
  s: SecretListEntry & { VersionIdsToStages?: Record<string, string[]> | undefined },
): SecretInfo {
  return {
    arn: s.ARN ?? '',
    name: s.Name ?? '',
    created: s.CreatedDate,
    deletedAt: s.DeletedDate,
    tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    // DescribeSecret names the map VersionIdsToStages, ListSecrets SecretVersionsToStages.
    written: writtenOver(s.VersionIdsToStages ?? s.SecretVersionsToStages),
  };
}

export function sdkSecrets(client: SecretsManagerClient): SecretsApi {
  return {
    async describe(arn) {
      try {
        return toSecret(await client.send(new DescribeSecretCommand({ SecretId: arn })));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async withTagPrefix(key, valuePrefix) {
      const found: SecretInfo[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListSecretsCommand({
            // Both filters match by prefix, on any tag, so the pair is checked below (API_Filter reference).
            Filters: [
              { Key: 'tag-key', Values: [key] },
              { Key: 'tag-value', Values: [valuePrefix] },
            ],
            IncludePlannedDeletion: true,
            NextToken: token,
          }),
        );
        found.push(
          ...(out.SecretList ?? []).map(toSecret).filter((s) => s.tags[key]?.startsWith(valuePrefix)),
        );
        token = out.NextToken;
      } while (token);
      return found;
    },
    async putSecretValue(secretArn, value) {
      await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: value }));
    },
  };
}
