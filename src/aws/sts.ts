// Who the credentials belong to: the first call of every command that changes AWS, so missing or
// expired credentials stop it before anything happens.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export interface Identity {
  account: string;
  arn: string;
}

export interface StsApi {
  callerIdentity(): Promise<Identity>;
}

export function sdkSts(client: STSClient): StsApi {
  return {
    async callerIdentity() {
      const out = await client.send(new GetCallerIdentityCommand({}));
      return { account: out.Account ?? '', arn: out.Arn ?? '' };
    },
  };
}
