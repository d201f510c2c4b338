// The S3 calls for the artifacts bucket. Every call names the expected owner account: bucket names
// built from account + region are guessable, and a bucket someone else created under that name must
// never receive our templates.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';

export type BucketState = 'ours' | 'missing' | 'foreign';

export interface ObjectVersionRef {
  key: string;
  versionId?: string | undefined;
}

export interface VersionPage {
  objects: ObjectVersionRef[];
  next?: { keyMarker?: string | undefined; versionIdMarker?: string | undefined } | undefined;
}

export interface S3Api {
  bucketState(bucket: string, account: string): Promise<BucketState>;
  /** Private (public access block), SSE-S3, tagged, and with a TLS-only policy when `tlsOnly`. */
  createPrivateBucket(
    bucket: string,
    account: string,
    region: string,
    tags: Record<string, string>,
    tlsOnly: boolean,
  ): Promise<void>;
  bucketTags(bucket: string, account: string): Promise<Record<string, string>>;
  objectExists(bucket: string, key: string, account: string): Promise<boolean>;
  putObject(bucket: string, key: string, body: Uint8Array, account: string): Promise<void>;
  /** One page of object versions and delete markers (plain objects on unversioned buckets). */
  listVersions(bucket: string, account: string, from?: VersionPage['next']): Promise<VersionPage>;
  /** At most 1000 per call (the API's limit); returns the keys S3 refused. */
  deleteObjects(bucket: string, account: string, objects: ObjectVersionRef[]): Promise<string[]>;
  deleteBucket(bucket: string, account: string): Promise<void>;
}

function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function tlsOnlyPolicy(bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}

export function sdkS3(client: S3Client): S3Api {
  return {
    async bucketState(bucket, account) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: account }));
        return 'ours';
      } catch (error) {
        if (status(error) === 404) return 'missing';
        if (status(error) === 403) return 'foreign';
        throw error;
      }
    },
    async createPrivateBucket(bucket, account, region, tags, tlsOnly) {
      const location =
        region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
      await client.send(
        new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: 'BucketOwnerEnforced', ...location }),
      );
      await client.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          ExpectedBucketOwner: account,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        }),
      );
      await client.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ExpectedBucketOwner: account,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        }),
      );
      if (tlsOnly)
        await client.send(
          new PutBucketPolicyCommand({
            Bucket: bucket,
            ExpectedBucketOwner: account,
            Policy: tlsOnlyPolicy(bucket),
          }),
        );
      await client.send(
        new PutBucketTaggingCommand({
          Bucket: bucket,
          ExpectedBucketOwner: account,
          Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
      );
    },
    async bucketTags(bucket, account) {
      try {
        const out = await client.send(
          new GetBucketTaggingCommand({ Bucket: bucket, ExpectedBucketOwner: account }),
        );
        return Object.fromEntries((out.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchTagSet' || status(error) === 404) return {};
        throw error;
      }
    },
    async objectExists(bucket, key, account) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: account }));
        return true;
      } catch (error) {
        if (status(error) === 404) return false;
        throw error;
      }
    },
    async putObject(bucket, key, body, account) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/x-yaml',
          ExpectedBucketOwner: account,
        }),
      );
    },
    async listVersions(bucket, account, from) {
      const out = await client.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          ExpectedBucketOwner: account,
          KeyMarker: from?.keyMarker,
          VersionIdMarker: from?.versionIdMarker,
        }),
      );
      const objects = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])]
        .filter((v) => v.Key !== undefined)
        .map((v) => ({ key: v.Key ?? '', versionId: v.VersionId }));
      return {
        objects,
        next: out.IsTruncated
          ? { keyMarker: out.NextKeyMarker, versionIdMarker: out.NextVersionIdMarker }
          : undefined,
      };
    },
    async deleteObjects(bucket, account, objects) {
      const out = await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          ExpectedBucketOwner: account,
          Delete: {
            Objects: objects.map((o) => ({
              Key: o.key,
              ...(o.versionId && o.versionId !== 'null' ? { VersionId: o.versionId } : {}),
            })),
            Quiet: true,
          },
        }),
      );
      return (out.Errors ?? []).map((e) => `${e.Key ?? '?'}: ${e.Message ?? e.Code ?? 'refused'}`);
    },
    async deleteBucket(bucket, account) {
      await client.send(new DeleteBucketCommand({ Bucket: bucket, ExpectedBucketOwner: account }));
    },
  };
}
