// Internet-facing ALB in the public subnets, a target group of Metabase task IPs, and listeners: plain
// HTTP forwarding without a certificate; with one, HTTPS on 443 (TLS 1.2+) and HTTP redirecting to it.
// With DomainName and HostedZoneId the certificate (DNS-validated in that zone) and the alias record are
// made here too; with DomainName and CertificateArn the given certificate is used and the user points
// the name at the load balancer.
import { CertificateManager } from 'cloudform-types/types/certificateManager/index.namespace.js';
import { ElasticLoadBalancingV2 } from 'cloudform-types/types/elasticLoadBalancingV2/index.namespace.js';
import { Route53 } from 'cloudform-types/types/route53/index.namespace.js';
import { CONTAINER_PORT, HEALTH_CHECK_PATH, TLS_POLICY } from '../config.js';
import {
  and,
  conditionRef,
  eitherIf,
  equals,
  fnIf,
  getAtt,
  not,
  or,
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
      DomainName: passedParameter('DomainName'),
      HostedZoneId: passedParameter('HostedZoneId'),
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
      HasCertificateArn: not(equals(ref('CertificateArn'), '')),
      HasDomain: not(equals(ref('DomainName'), '')),
      HasDomainAndZone: and([conditionRef('HasDomain'), not(equals(ref('HostedZoneId'), ''))]),
      // A given certificate wins over making one: the zone then only carries the alias record.
      CreatesCertificate: and([conditionRef('HasDomainAndZone'), not(conditionRef('HasCertificateArn'))]),
      HasCertificate: or([conditionRef('HasCertificateArn'), conditionRef('CreatesCertificate')]),
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
      // DNS validation through the zone: CloudFormation writes the validation CNAME itself and the resource
      // completes once ACM has issued the certificate (AWS::CertificateManager::Certificate, "Remarks").
      // DomainName and DomainValidationOptions are createOnlyProperties in the registry schema, so a new
      // DomainName replaces the certificate. That order is safe for the listener: on replacement
      // CloudFormation creates the new certificate first (waiting for it to be issued), then updates the
      // listener's Certificates in place (not create-only), and deletes the old certificate only in the
      // cleanup phase, once nothing uses it. The listener always has an issued certificate.
      Certificate: new CertificateManager.Certificate({
        DomainName: ref('DomainName'),
        ValidationMethod: 'DNS',
        DomainValidationOptions: [{ DomainName: ref('DomainName'), HostedZoneId: ref('HostedZoneId') }],
        Tags: [nameTag('certificate')],
      }).condition('CreatesCertificate'),
      // The load balancer is IPv4 only (IpAddressType ipv4), so an A alias is the whole answer; an AAAA
      // alias belongs here if it ever becomes dual-stack. Alias queries to an ELB are free in Route 53.
      AliasRecord: new Route53.RecordSet({
        HostedZoneId: ref('HostedZoneId'),
        Name: ref('DomainName'),
        Type: 'A',
        AliasTarget: {
          DNSName: getAtt('LoadBalancer', 'DNSName'),
          HostedZoneId: getAtt('LoadBalancer', 'CanonicalHostedZoneID'),
          EvaluateTargetHealth: false,
        },
      }).condition('HasDomainAndZone'),
      HttpsListener: new ElasticLoadBalancingV2.Listener({
        LoadBalancerArn: ref('LoadBalancer'),
        Protocol: 'HTTPS',
        Port: 443,
        SslPolicy: TLS_POLICY,
        Certificates: [
          { CertificateArn: fnIf('CreatesCertificate', ref('Certificate'), ref('CertificateArn')) },
        ],
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
        'Where Metabase answers: https://DomainName when a domain is set',
        fnIf(
          'HasDomain',
          sub('https://${DomainName}'),
          fnIf(
            'HasCertificate',
            sub('https://${LoadBalancer.DNSName}'),
            sub('http://${LoadBalancer.DNSName}'),
          ),
        ),
      ),
      ListenerArn: output(
        'The listener that forwards to Metabase',
        fnIf('HasCertificate', ref('HttpsListener'), ref('HttpListener')),
      ),
    },
  };
}
