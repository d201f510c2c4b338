// Building SDK clients the way the AWS CLI would: region and profile from flags, else AWS_REGION /
// AWS_PROFILE and the default credential chain; an endpoint override (flag or AWS_ENDPOINT_URL) for
// local stand-ins such as moto. Adaptive retry absorbs throttling.
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { KMSClient } from '@aws-sdk/client-kms';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';

// This tool pins its SDK (package-lock.json) and supports Node 20: the SDK's notice that *later* SDK
// releases will need Node 22 would only be noise on every command's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface AwsTarget {
  region?: string | undefined;
  profile?: string | undefined;
  /** e.g. http://localhost:5000; S3 then uses path-style addressing. */
  endpointUrl?: string | undefined;
}

/** Attempts per call, adaptive mode: client-side rate limiting plus backoff on throttling errors. */
export const MAX_ATTEMPTS = 8;

interface CommonConfig {
  region?: string;
  profile?: string;
  endpoint?: string;
  retryMode: string;
  maxAttempts: number;
}

function commonConfig(target: AwsTarget, env: NodeJS.ProcessEnv = process.env): CommonConfig {
  const config: CommonConfig = { retryMode: 'adaptive', maxAttempts: MAX_ATTEMPTS };
  const region = target.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  if (target.profile) config.profile = target.profile;
  const endpoint = target.endpointUrl ?? env.AWS_ENDPOINT_URL;
  if (endpoint) config.endpoint = endpoint;
  return config;
}

export function resolvedEndpoint(
  target: AwsTarget,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return target.endpointUrl ?? env.AWS_ENDPOINT_URL;
}

export function cloudFormationClient(target: AwsTarget): CloudFormationClient {
  return new CloudFormationClient(commonConfig(target));
}

export function s3Client(target: AwsTarget): S3Client {
  const config = commonConfig(target);
  return new S3Client({ ...config, forcePathStyle: config.endpoint !== undefined });
}

export function stsClient(target: AwsTarget): STSClient {
  return new STSClient(commonConfig(target));
}

export function rdsClient(target: AwsTarget): RDSClient {
  return new RDSClient(commonConfig(target));
}

export function iamClient(target: AwsTarget): IAMClient {
  return new IAMClient(commonConfig(target));
}

export function cloudWatchLogsClient(target: AwsTarget): CloudWatchLogsClient {
  return new CloudWatchLogsClient(commonConfig(target));
}

export function ecsClient(target: AwsTarget): ECSClient {
  return new ECSClient(commonConfig(target));
}

export function acmClient(target: AwsTarget): ACMClient {
  return new ACMClient(commonConfig(target));
}

export function cloudWatchClient(target: AwsTarget): CloudWatchClient {
  return new CloudWatchClient(commonConfig(target));
}

export function secretsClient(target: AwsTarget): SecretsManagerClient {
  return new SecretsManagerClient(commonConfig(target));
}

export function kmsClient(target: AwsTarget): KMSClient {
  return new KMSClient(commonConfig(target));
}
