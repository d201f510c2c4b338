// KMS, only to tell whether the key an encrypted snapshot is under is one this account may use: RDS
// restores an encrypted snapshot only with access to its key.
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';

export type KeyAccess =
  { usable: true; keyArn: string; managedBy: 'AWS' | 'CUSTOMER' } | { usable: false; reason: string };

export interface KmsApi {
  keyAccess(keyId: string): Promise<KeyAccess>;
}

export function sdkKms(client: KMSClient): KmsApi {
  return {
    async keyAccess(keyId) {
      try {
        const out = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
        const key = out.KeyMetadata;
        if (!key) return { usable: false, reason: 'KMS returned no key' };
        if (key.KeyState !== 'Enabled') return { usable: false, reason: `the key is ${key.KeyState}` };
        return {
          usable: true,
          keyArn: key.Arn ?? keyId,
          managedBy: key.KeyManager === 'AWS' ? 'AWS' : 'CUSTOMER',
        };
      } catch (error) {
        const name = (error as { name?: string }).name ?? 'error';
        if (name === 'NotFoundException') return { usable: false, reason: 'the key does not exist' };
        if (name === 'AccessDeniedException')
          return { usable: false, reason: 'this account may not use the key (kms:DescribeKey denied)' };
        throw error;
      }
    },
  };
}
