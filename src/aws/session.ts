// One command's AWS access: the typed APIs deploy/destroy use, built lazily (a command that never
// touches RDS never loads its client), and a counter of every API call made, for --json output and the
// polling-budget tests.
import type { InitializeMiddleware } from '@smithy/types';
import { sdkAcm, type AcmApi } from './acm.js';
import { sdkCloudFormation, type CloudFormationApi } from './cloudformation.js';
import {
  acmClient,
  cloudFormationClient,
  kmsClient,
  ecsClient,
  iamClient,
  rdsClient,
  secretsClient,
  resolvedEndpoint,
  s3Client,
  stsClient,
  type AwsTarget,
} from './clients.js';
import { sdkKms, type KmsApi } from './kms.js';
import { sdkEcs, type EcsApi } from './ecs.js';
import { sdkIam, type IamApi } from './iam.js';
import { sdkRds, type RdsApi } from './rds.js';
import { sdkSecrets, type SecretsApi } from './secrets.js';
import { sdkS3, type S3Api } from './s3.js';
import { sdkSts, type StsApi } from './sts.js';

export class ApiCallCounter {
  readonly byOperation: Record<string, number> = {};
  total = 0;

  record(service: string, operation: string): void {
    const key = `${service}:${operation.replace(/Command$/, '')}`;
    this.byOperation[key] = (this.byOperation[key] ?? 0) + 1;
    this.total++;
  }

  summary(): { total: number; byOperation: Record<string, number> } {
    return { total: this.total, byOperation: { ...this.byOperation } };
  }
}

export interface AwsSession {
  cloudFormation: CloudFormationApi;
  s3: S3Api;
  sts: StsApi;
  rds: RdsApi;
  secrets: SecretsApi;
  kms: KmsApi;
  iam: IamApi;
  ecs: EcsApi;
  acm: AcmApi;
  /** The region the clients resolved (flag, env or profile). */
  region(): Promise<string>;
  /** The endpoint override, when one is set: S3 URLs are then path-style on it. */
  endpoint: string | undefined;
  calls: ApiCallCounter;
}

// Counted at the initialize step, before retries: one logical call is one count. Retries of throttled
// calls are the SDK's business and show up in its own metadata.
export function counter<I extends object, O extends object>(
  service: string,
  calls: ApiCallCounter,
): InitializeMiddleware<I, O> {
  return (next, context) => async (args) => {
    calls.record(service, context.commandName ?? 'unknown');
    return next(args);
  };
}

export const COUNTER = { step: 'initialize', name: 'metabaseAwsCallCounter' } as const;

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export function openSession(target: AwsTarget, calls = new ApiCallCounter()): AwsSession {
  const cf = lazy(() => {
    const client = cloudFormationClient(target);
    client.middlewareStack.add(counter('cloudformation', calls), COUNTER);
    return sdkCloudFormation(client);
  });
  const s3Raw = lazy(() => {
    const client = s3Client(target);
    client.middlewareStack.add(counter('s3', calls), COUNTER);
    return client;
  });
  const s3 = lazy(() => sdkS3(s3Raw()));
  const sts = lazy(() => {
    const client = stsClient(target);
    client.middlewareStack.add(counter('sts', calls), COUNTER);
    return sdkSts(client);
  });
  const rds = lazy(() => {
    const client = rdsClient(target);
    client.middlewareStack.add(counter('rds', calls), COUNTER);
    return sdkRds(client);
  });
  const secrets = lazy(() => {
    const client = secretsClient(target);
    client.middlewareStack.add(counter('secretsmanager', calls), COUNTER);
    return sdkSecrets(client);
  });
  const kms = lazy(() => {
    const client = kmsClient(target);
    client.middlewareStack.add(counter('kms', calls), COUNTER);
    return sdkKms(client);
  });
  const iam = lazy(() => {
    const client = iamClient(target);
    client.middlewareStack.add(counter('iam', calls), COUNTER);
    return sdkIam(client);
  });
  const ecs = lazy(() => {
    const client = ecsClient(target);
    client.middlewareStack.add(counter('ecs', calls), COUNTER);
    return sdkEcs(client);
  });
  const acm = lazy(() => {
    const client = acmClient(target);
    client.middlewareStack.add(counter('acm', calls), COUNTER);
    return sdkAcm(client);
  });
  // Property getters keep construction lazy while callers use plain property access.
  return {
    get cloudFormation() {
      return cf();
    },
    get s3() {
      return s3();
    },
    get sts() {
      return sts();
    },
    get rds() {
      return rds();
    },
    get secrets() {
      return secrets();
    },
    get kms() {
      return kms();
    },
    get iam() {
      return iam();
    },
    get ecs() {
      return ecs();
    },
    get acm() {
      return acm();
    },
    region: async () => s3Raw().config.region(),
    endpoint: resolvedEndpoint(target),
    calls,
  };
}
