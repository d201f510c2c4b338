// The artifacts bucket: one per account and region, created on first deploy and tagged so that destroy
// deletes only a bucket this tool made (never one passed with --bucket that the user owns).
import type { CloudFormationApi } from '../aws/cloudformation.js';
import type { S3Api } from '../aws/s3.js';
import { MANAGED_BY } from '../synth/snapshot-tags.js';
import { OperationError } from './errors.js';

export const CREATED_BY_TAG = 'metabase-aws:created-by';
export const CREATED_BY_VALUE = 'metabase-aws';

/** The tag deploy puts on every stack it creates or updates. */
export const MANAGED_STACK_TAGS: Readonly<Record<string, string>> = { [MANAGED_BY.key]: MANAGED_BY.value };

/**
 * The other live stacks of this tool whose templates come from `bucket`. The default bucket is one per
 * account and region, so metabase-dev and metabase-prod share it: destroying one must not empty the
 * other's templates (its next update or rollback would fail to read them). A stack counts when it is a
 * root stack tagged by deploy and its packaged root template names the bucket; one whose template cannot
 * be read (e.g. a create still in review) counts too, since keeping a bucket is the safe mistake.
 */
export async function stacksSharingBucket(
  cf: CloudFormationApi,
  bucket: string,
  exceptStackId: string | undefined,
): Promise<string[]> {
  const candidates = (await cf.liveStacks()).filter(
    (s) =>
      !s.parentId &&
      s.stackId !== exceptStackId &&
      Object.entries(MANAGED_STACK_TAGS).every(([k, v]) => s.tags[k] === v),
  );
  const sharing: string[] = [];
  for (const stack of candidates) {
    const body = await cf.templateBody(stack.stackId).catch(() => undefined);
    if (body === undefined || body.includes(bucket)) sharing.push(stack.stackName);
  }
  return sharing;
}

export function defaultBucketName(account: string, region: string): string {
  return `metabase-aws-artifacts-${account}-${region}`;
}

export interface ArtifactsBucket {
  bucket: string;
  created: boolean;
}

export async function ensureArtifactsBucket(
  s3: S3Api,
  options: {
    account: string;
    region: string;
    bucket?: string | undefined;
    verb: string;
    endpoint?: string | undefined;
  },
): Promise<ArtifactsBucket> {
  const bucket = options.bucket ?? defaultBucketName(options.account, options.region);
  const state = await s3.bucketState(bucket, options.account);
  if (state === 'ours') return { bucket, created: false };
  if (state === 'foreign') {
    throw new OperationError(
      `${options.verb} s3://${bucket}: the bucket exists but belongs to another account (or denies this one)`,
      'Pass --bucket with a bucket your account owns in this region.',
    );
  }
  // A TLS-only policy on a plain-http local endpoint (moto) would deny every later request to the bucket.
  const tlsOnly = !options.endpoint?.startsWith('http://');
  await s3.createPrivateBucket(
    bucket,
    options.account,
    options.region,
    { [CREATED_BY_TAG]: CREATED_BY_VALUE },
    tlsOnly,
  );
  return { bucket, created: true };
}

export async function createdByThisTool(s3: S3Api, bucket: string, account: string): Promise<boolean> {
  const tags = await s3.bucketTags(bucket, account);
  return tags[CREATED_BY_TAG] === CREATED_BY_VALUE;
}

/** Deletes every object version and delete marker, page by page, then the bucket. Returns objects removed. */
export async function emptyAndDeleteBucket(s3: S3Api, bucket: string, account: string): Promise<number> {
  let removed = 0;
  // Deleting while listing shifts the listing, so always restart from the top: the bucket shrinks each round.
  for (;;) {
    const page = await s3.listVersions(bucket, account);
    if (page.objects.length === 0) break;
    for (let i = 0; i < page.objects.length; i += 1000) {
      const batch = page.objects.slice(i, i + 1000);
      const refused = await s3.deleteObjects(bucket, account, batch);
      if (refused.length > 0) {
        throw new OperationError(
          `destroy s3://${bucket}: S3 refused to delete ${refused.length} objects (${refused[0]})`,
          'Check the bucket policy and object lock settings, then run destroy again.',
        );
      }
      removed += batch.length;
    }
  }
  await s3.deleteBucket(bucket, account);
  return removed;
}
