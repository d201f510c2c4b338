// GIVEN a stack deployed with AccessLogs on WHEN destroy plans THEN the access-log bucket, read from the
// committed edge template as CloudFormation returns it, is listed as kept (DeletionPolicy Retain): the
// deletion never fails on a bucket that still holds logs.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { planDestroy } from '../../src/deploy/destroy.js';
import { existingStack, fakeWorld, nestedId, ROOT_ID } from './fakes.js';

const EDGE = nestedId('EdgeStack');

t.test('the access-log bucket is kept, with its name, and everything else of the edge goes', async (t) => {
  const world = fakeWorld();
  existingStack(world, 'UPDATE_COMPLETE');
  world.cf.resources.set(ROOT_ID, [
    {
      logicalId: 'EdgeStack',
      physicalId: EDGE,
      resourceType: 'AWS::CloudFormation::Stack',
      status: 'CREATE_COMPLETE',
    },
  ]);
  world.cf.resources.set(EDGE, [
    {
      logicalId: 'LoadBalancer',
      physicalId: 'arn:lb',
      resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      status: 'CREATE_COMPLETE',
    },
    {
      logicalId: 'AccessLogsBucket',
      physicalId: 'metabase-dev-edgestack-x-accesslogsbucket-y',
      resourceType: 'AWS::S3::Bucket',
      status: 'CREATE_COMPLETE',
    },
    {
      logicalId: 'AccessLogsBucketPolicy',
      physicalId: 'metabase-dev-edgestack-x-accesslogsbucket-y',
      resourceType: 'AWS::S3::BucketPolicy',
      status: 'CREATE_COMPLETE',
    },
    {
      logicalId: 'Alb5xxRateAlarm',
      physicalId: 'metabase-dev-alb-5xx-rate',
      resourceType: 'AWS::CloudWatch::Alarm',
      status: 'CREATE_COMPLETE',
    },
  ]);
  world.cf.templates.set(EDGE, await readFile('templates/edge.yaml', 'utf8'));
  const plan = await planDestroy(
    { cf: world.cf, s3: world.s3, sts: world.sts, rds: world.rds, region: 'eu-west-1', clock: world.clock },
    { stackName: 'metabase-dev' },
  );
  t.same(plan?.kept, [
    {
      path: 'EdgeStack/AccessLogsBucket',
      resourceType: 'AWS::S3::Bucket',
      physicalId: 'metabase-dev-edgestack-x-accesslogsbucket-y',
      policy: 'Retain',
    },
  ]);
});
