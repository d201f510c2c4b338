// What every moto end-to-end file starts with: dummy credentials in the process environment (the CLI's
// SDK clients read them there), a moto, SDK clients pointed at it for the test's own checks, and a run id
// that keeps this file's stacks and buckets apart from other files sharing the same moto.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { startMoto, type MotoServer } from '../../support/moto.js';

export interface MotoTestEnv {
  moto: MotoServer;
  cf: CloudFormationClient;
  s3: S3Client;
  /** Unique per run: a developer's long-lived moto keeps the stacks of earlier runs. */
  run: string;
}

export async function motoTestEnv(): Promise<MotoTestEnv> {
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env.AWS_REGION = 'us-east-1';
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
  const moto = await startMoto();
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  return {
    moto,
    cf: new CloudFormationClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials }),
    s3: new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, credentials, forcePathStyle: true }),
    run: Date.now().toString(36),
  };
}
