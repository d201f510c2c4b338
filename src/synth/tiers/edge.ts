// Internet-facing ALB in the public subnets, a target group of Metabase task IPs, and listeners: plain
// HTTP forwarding without a certificate; with one, HTTPS on 443 (TLS 1.2+) and HTTP redirecting to it.
import { ElasticLoadBalancingV2 } from 'cloudform-types/types/elasticLoadBalancingV2/index.namespace.js';
import { CONTAINER_PORT, HEALTH_CHECK_PATH, TLS_POLICY } from '../config.js';
import {
  eitherIf,
  equals,
  fnIf,
  getAtt,
  not,
  ref,
  split,
  sub,
  type IntrinsicFunction,
} from '../intrinsics.js';
import type { CfnTemplate } from '../template.js';
import { nameTag, output, passedParameter, stringInput } from './common.js';
import {
  ACCESS_LOGS_CONDITION,
  accessLogAttributes,
  accessLogConditions,
  accessLogMappings,
  accessLogParameters,
  accessLogResources,
} from './access-logs.js';
import { alarmConditions, alarmInputs, edgeAlarms } from './alarms.js';

interface ListenerAction {
  Type: string;
  TargetGroupArn?: IntrinsicFunction;
  RedirectConfig?: {
    Protocol: string;
    Port: string;
    Host: string;
    Path: string;
    Query: string;
    StatusCode: string;
  };
}

const forwardToMetabase: ListenerAction = { Type: 'forward', TargetGroupArn: ref('TargetGroup') };

export function edgeTemplate(): CfnTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Metabase edge tier: internet-facing application load balancer, listeners, target group',
    Parameters: {
      CertificateArn: passedParameter('CertificateArn'),
      VpcId: stringInput('VPC of the target group (network tier output)'),
      PublicSubnetIds: stringInput(
        'Comma-separated public subnets for the load balancer (network tier output)',
      ),
      AlbSecurityGroupId: stringInput('Load balancer security group (network tier output)'),
      ...accessLogParameters(),
      ...alarmInputs(),
    },
    Mappings: accessLogMappings(),
    Conditions: {
      HasCertificate: not(equals(ref('CertificateArn'), '')),
      ...accessLogConditions(),
      ...alarmConditions(),
    },
    Resources: {
      LoadBalancer: new ElasticLoadBalancingV2.LoadBalancer({
        Type: 'application',
        Scheme: 'internet-facing',
        IpAddressType: 'ipv4',
        Subnets: split(',', ref('PublicSubnetIds')),
        SecurityGroups: [ref('AlbSecurityGroupId')],
        LoadBalancerAttributes: [
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          // Long Metabase questions stream results for minutes; 60 s would cut them off.
          { Key: 'idle_timeout.timeout_seconds', Value: '300' },
          { Key: 'deletion_protection.enabled', Value: 'false' },
          ...accessLogAttributes(),
        ],
        Tags: [nameTag('alb')],
      }),
      TargetGroup: new ElasticLoadBalancingV2.TargetGroup({
        TargetType: 'ip',
        Protocol: 'HTTP',
        ProtocolVersion: 'HTTP1',
        Port: CONTAINER_PORT,
        VpcId: ref('VpcId'),
        HealthCheckEnabled: true,
        HealthCheckProtocol: 'HTTP',
        HealthCheckPath: HEALTH_CHECK_PATH,
        HealthCheckIntervalSeconds: 30,
        HealthCheckTimeoutSeconds: 10,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 5,
        Matcher: { HttpCode: '200' },
        TargetGroupAttributes: [
          // Metabase holds no long-lived connections worth draining for the default 300 s.
          { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
          { Key: 'stickiness.enabled', Value: 'false' },
        ],
        Tags: [nameTag('metabase')],
      }),
      HttpListener: new ElasticLoadBalancingV2.Listener({
        LoadBalancerArn: ref('LoadBalancer'),
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [
          eitherIf<ListenerAction>(
            'HasCertificate',
            {
              Type: 'redirect',
              RedirectConfig: {
                Protocol: 'HTTPS',
                Port: '443',
                Host: '#{host}',
                Path: '/#{path}',
                Query: '#{query}',
                StatusCode: 'HTTP_301',
              },
            },
            forwardToMetabase,
          ),
        ],
      }),
      HttpsListener: new ElasticLoadBalancingV2.Listener({
        LoadBalancerArn: ref('LoadBalancer'),
        Protocol: 'HTTPS',
        Port: 443,
        SslPolicy: TLS_POLICY,
        Certificates: [{ CertificateArn: ref('CertificateArn') }],
        DefaultActions: [forwardToMetabase],
      }).condition('HasCertificate'),
      ...accessLogResources(),
      ...edgeAlarms('LoadBalancer'),
    },
    Outputs: {
      LoadBalancerDnsName: output('DNS name of the load balancer', getAtt('LoadBalancer', 'DNSName')),
      LoadBalancerFullName: output('For CloudWatch metrics', getAtt('LoadBalancer', 'LoadBalancerFullName')),
      TargetGroupArn: output('Target group the Metabase service registers with', ref('TargetGroup')),
      TargetGroupFullName: output('For CloudWatch metrics', getAtt('TargetGroup', 'TargetGroupFullName')),
      AccessLogsBucket: output(
        'S3 bucket of the load balancer access logs (empty when AccessLogs is off)',
        fnIf(ACCESS_LOGS_CONDITION, ref('AccessLogsBucket'), ''),
      ),
      MetabaseUrl: output(
        'Where Metabase answers (point a DNS name covered by the certificate at the load balancer for HTTPS)',
        fnIf('HasCertificate', sub('https://${LoadBalancer.DNSName}'), sub('http://${LoadBalancer.DNSName}')),
      ),
      ListenerArn: output(
        'The listener that forwards to Metabase',
        fnIf('HasCertificate', ref('HttpsListener'), ref('HttpListener')),
      ),
    },
  };
}
