// VPC flow logs (FlowLogs = true): every accepted and rejected connection of the VPC to a CloudWatch log
// group kept LogRetentionDays, delivered by a role that may write to that one group only.
import { EC2 } from 'cloudform-types/types/ec2/index.namespace.js';
import { IAM } from 'cloudform-types/types/iam/index.namespace.js';
import { Logs } from 'cloudform-types/types/logs/index.namespace.js';
import { equals, fnIf, getAtt, noValue, not, ref, sub } from '../intrinsics.js';
import type { CfnTemplate } from '../template.js';
import { deletedWithStack, nameTag, passedParameter } from './common.js';

const CONDITION = 'FlowLogsEnabled';

export function flowLogParameters() {
  return {
    FlowLogs: passedParameter('FlowLogs'),
    LogRetentionDays: passedParameter('LogRetentionDays'),
    RolePermissionsBoundary: passedParameter('RolePermissionsBoundary'),
  };
}

export function flowLogConditions(): NonNullable<CfnTemplate['Conditions']> {
  return {
    [CONDITION]: equals(ref('FlowLogs'), 'true'),
    HasPermissionsBoundary: not(equals(ref('RolePermissionsBoundary'), '')),
  };
}

export function flowLogResources(vpcLogicalId: string) {
  // The VPC Flow Logs service assumes the role, for flow logs of this account only (confused deputy).
  // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
  const assumedByFlowLogs = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
          ArnLike: {
            'aws:SourceArn': sub('arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*'),
          },
        },
      },
    ],
  };
  return {
    FlowLogGroup: deletedWithStack(
      new Logs.LogGroup({
        RetentionInDays: ref('LogRetentionDays'),
        Tags: [nameTag('flow-logs')],
      }).condition(CONDITION),
    ),
    FlowLogRole: new IAM.Role({
      Description: 'VPC Flow Logs: write the flow log group of this stack',
      AssumeRolePolicyDocument: assumedByFlowLogs,
      PermissionsBoundary: fnIf(
        'HasPermissionsBoundary',
        sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${RolePermissionsBoundary}'),
        noValue(),
      ),
      Policies: [
        {
          PolicyName: 'write-flow-logs',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'WriteFlowLogGroup',
                Effect: 'Allow',
                // The group exists already (this stack made it): no logs:CreateLogGroup.
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
                Resource: getAtt('FlowLogGroup', 'Arn'),
              },
            ],
          },
        },
      ],
      Tags: [nameTag('flow-logs')],
    }).condition(CONDITION),
    FlowLog: new EC2.FlowLog({
      ResourceType: 'VPC',
      ResourceId: ref(vpcLogicalId),
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: ref('FlowLogGroup'),
      DeliverLogsPermissionArn: getAtt('FlowLogRole', 'Arn'),
      // 1 minute instead of 10: a connection problem shows while you are still looking.
      MaxAggregationInterval: 60,
      Tags: [nameTag('flow-logs')],
    }).condition(CONDITION),
  };
}
