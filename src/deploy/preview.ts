// `deploy --no-execute` is a preview: it must not create anything. CloudFormation reads nested templates
// only from S3 (TemplateURL), so a change set over nested stacks cannot be made without them there; the
// preview therefore uses the artifacts bucket only when it already exists (never creates it), and says
// before uploading that the templates go there. The uploads are content-addressed keys: they replace
// nothing a stack uses.
import type { S3Api } from '../aws/s3.js';
import { defaultBucketName } from './bucket.js';
import { OperationError } from './errors.js';

export async function previewBucket(
  s3: S3Api,
  options: { account: string; region: string; bucket?: string | undefined },
): Promise<string> {
  const bucket = options.bucket ?? defaultBucketName(options.account, options.region);
  const state = await s3.bucketState(bucket, options.account);
  if (state === 'ours') return bucket;
  throw new OperationError(
    state === 'missing'
      ? `deploy s3://${bucket}: a preview needs the nested templates in the artifacts bucket, and it does not exist yet; --no-execute creates nothing`
      : `deploy s3://${bucket}: the bucket exists but belongs to another account (or denies this one)`,
    state === 'missing'
      ? 'Run deploy without --no-execute: it creates the bucket, shows the same preview and asks before changing anything. Or pass --bucket with a bucket of yours.'
      : 'Pass --bucket with a bucket your account owns in this region.',
  );
}
