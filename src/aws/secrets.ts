// Writing a secret this tool generated (the first Metabase admin's password). Write-only on purpose: the
// tool never reads a secret value back (tests/hardening/secrets.test.ts), so none can reach its output.
import { PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface SecretsApi {
  /** Stores a new current version of the secret; the value never leaves this call. */
  putSecretValue(secretArn: string, value: string): Promise<void>;
}

export function sdkSecrets(client: SecretsManagerClient): SecretsApi {
  return {
    async putSecretValue(secretArn, value) {
      await client.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: value }));
    },
  };
}
