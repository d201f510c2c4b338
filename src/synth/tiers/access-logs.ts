// Load balancer access logs (AccessLogs = true) to an S3 bucket of the edge stack: private, SSE-S3
// encrypted, TLS only, objects expired after LogRetentionDays. The bucket is retained when the stack
// (or AccessLogs) goes: CloudFormation cannot delete a bucket with objects in it, and the load balancer
// writes until the moment it is deleted, so emptying it first would race the last deliveries. Destroy
// lists it as kept; the lifecycle rule empties it within LogRetentionDays, and an empty bucket is free.
import { S3 } from 'cloudform-types/types/s3/index.namespace.js';
import { DeletionPolicy } from 'cloudform-types/types/resource.js';
import { equals, findInMap, onlyIf, or, ref, select, sub, subWith } from '../intrinsics.js';
import type { CfnTemplate } from '../template.js';
import { nameTag, passedParameter } from './common.js';

export const ACCESS_LOGS_CONDITION = 'AccessLogsEnabled';
const ELB_ACCOUNT_CONDITION = 'ElbHasLogDeliveryAccount';
const ELB_ACCOUNT_MAP = 'ElbLogDeliveryAccount';

/**
 * Regions opened before August 2022 deliver ALB logs from a regional Elastic Load Balancing account;
 * newer ones from the service principal logdelivery.elasticloadbalancing.amazonaws.com
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html,
 * step 2). The bucket policy grants both, so it works in every region: the account where there is one.
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-southeast-3': '589379963580',
  'ap-south-1': '718504428378',
  'ap-northeast-3': '383597477331',
  'ap-northeast-2': '600734575887',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-northeast-1': '582318560864',
  'ca-central-1': '985666609251',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-south-1': '635631232127',
  'eu-west-3': '009996457667',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
};

export function accessLogParameters() {
  return {
    AccessLogs: passedParameter('AccessLogs'),
    LogRetentionDays: passedParameter('LogRetentionDays'),
  };
}

/** Fn::Or takes 2 to 10 conditions: a tree of them over the regions. */
function anyRegionOf(regions: string[]) {
  const equalities = regions.map((region) => equals(ref('AWS::Region'), region));
  const groups = [];
  for (let index = 0; index < equalities.length; index += 10)
    groups.push(or(equalities.slice(index, index + 10)));
  const [only, ...more] = groups;
  return only !== undefined && more.length === 0 ? only : or(groups);
}

export function accessLogConditions(): NonNullable<CfnTemplate['Conditions']> {
  return {
    [ACCESS_LOGS_CONDITION]: equals(ref('AccessLogs'), 'true'),
    [ELB_ACCOUNT_CONDITION]: anyRegionOf(Object.keys(ELB_LOG_DELIVERY_ACCOUNTS)),
  };
}

export function accessLogMappings() {
  return {
    [ELB_ACCOUNT_MAP]: Object.fromEntries(
      Object.entries(ELB_LOG_DELIVERY_ACCOUNTS).map(([region, account]) => [region, { AccountId: account }]),
    ),
  };
}

export function accessLogResources() {
  const logObjects = sub('${AccessLogsBucket.Arn}/AWSLogs/${AWS::AccountId}/*');
  return {
    AccessLogsBucket: Object.assign(
      new S3.Bucket({
        BucketEncryption: {
          // The only server-side encryption ALB log delivery supports (same page, step 1).
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'expire-access-logs',
              Status: 'Enabled',
              ExpirationInDays: ref('LogRetentionDays'),
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
          ],
        },
        Tags: [nameTag('access-logs')],
      })
        .deletionPolicy(DeletionPolicy.Retain)
        .condition(ACCESS_LOGS_CONDITION),
      { UpdateReplacePolicy: DeletionPolicy.Retain },
    ),
    AccessLogsBucketPolicy: new S3.BucketPolicy({
      Bucket: ref('AccessLogsBucket'),
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TlsOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [sub('${AccessLogsBucket.Arn}'), sub('${AccessLogsBucket.Arn}/*')],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'ElbLogDelivery',
            Effect: 'Allow',
            Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: logObjects,
          },
          onlyIf(ELB_ACCOUNT_CONDITION, {
            Sid: 'ElbRegionalAccountLogDelivery',
            Effect: 'Allow',
            Principal: {
              AWS: subWith('arn:${AWS::Partition}:iam::${ElbAccount}:root', {
                ElbAccount: findInMap(ELB_ACCOUNT_MAP, ref('AWS::Region'), 'AccountId'),
              }),
            },
            Action: 's3:PutObject',
            Resource: logObjects,
          }),
        ],
      },
    }).condition(ACCESS_LOGS_CONDITION),
  };
}

/** The load balancer's attributes for access logs. */
export function accessLogAttributes() {
  return [
    { Key: 'access_logs.s3.enabled', Value: ref('AccessLogs') },
    onlyIf(ACCESS_LOGS_CONDITION, {
      Key: 'access_logs.s3.bucket',
      // Both refs make the load balancer wait for the policy as well as the bucket (ELB writes a test
      // object when logging is switched on); DependsOn cannot name a resource that has a condition.
      Value: select(0, [ref('AccessLogsBucket'), ref('AccessLogsBucketPolicy')]),
    }),
  ];
}
