// Box text. Titles name the AWS service; details come from the resource's properties, showing a
// parameter's name where the value depends on params/<env>.json.
import { conditionText } from './conditions.js';
import {
  allResources,
  resolve,
  resolveResources,
  resourceAt,
  templateOf,
  type ResourceRef,
} from './resolve.js';
import type { TemplateSet } from './templates.js';

/** What a box in the diagram stands for; each kind has its title below. */
export type NodeKind =
  | 'internet'
  | 'registry'
  | 'internet-gateway'
  | 'nat'
  | 'load-balancer'
  | 'service'
  | 'database'
  | 'secrets'
  | 'logs'
  | 'bucket'
  | 'alarms'
  | 'topic';

export interface NodeText {
  title: string;
  details: string[];
}

const TITLES: Record<NodeKind, string> = {
  internet: 'Internet',
  registry: 'Image registry',
  'internet-gateway': 'Internet gateway',
  nat: 'NAT gateway',
  'load-balancer': 'Application Load Balancer',
  service: 'ECS Fargate service',
  database: 'RDS',
  secrets: 'Secrets Manager',
  logs: 'CloudWatch Logs',
  bucket: 'S3 bucket',
  alarms: 'CloudWatch alarms',
  topic: 'SNS topic',
};

export function nodeText(set: TemplateSet, ref: ResourceRef | undefined, kind: NodeKind): NodeText {
  const resource = ref && resourceAt(set, ref);
  const properties = resource?.Properties ?? {};
  const show = (value: unknown): string => (ref ? valueText(set, ref.stack, value) : '?');
  switch (kind) {
    case 'load-balancer':
      return {
        title: TITLES[kind],
        details: [
          show(properties['Scheme']),
          ...(ref ? listeners(set, ref) : []),
          ...(ref ? domainLines(set, ref) : []),
        ],
      };
    case 'service': {
      const port = (properties['LoadBalancers'] as Record<string, unknown>[] | undefined)?.[0]?.[
        'ContainerPort'
      ];
      const strategy = (
        properties['CapacityProviderStrategy'] as Record<string, unknown>[] | undefined
      )?.[0]?.['CapacityProvider'];
      return {
        title: 'Metabase on ECS Fargate',
        details: [
          `${show(properties['DesiredCount'])} tasks, port ${show(port)}`,
          `capacity: ${show(strategy)}`,
        ],
      };
    }
    case 'database': {
      const engine = show(properties['Engine']);
      return {
        title: `RDS ${engine === 'postgres' ? 'PostgreSQL' : engine}`,
        details: [
          `${show(properties['DBInstanceClass'])}, ${show(properties['EngineVersion'])}, port ${show(properties['Port'])}`,
          `Multi-AZ: ${show(properties['MultiAZ'])}`,
          properties['PubliclyAccessible'] === false ? 'not publicly accessible' : 'publicly accessible',
        ],
      };
    }
    case 'nat':
      return resource?.Type === 'AWS::EC2::Instance' && ref
        ? natInstanceText(set, ref)
        : { title: `${TITLES.nat} ${ref ? suffix(ref.id) : ''}`.trim(), details: [] };
    case 'logs':
      return {
        title: TITLES[kind],
        details: [
          ...(ref && isFlowLogGroup(set, ref) ? ['VPC flow logs'] : []),
          `retention: ${show(properties['RetentionInDays'])} days`,
        ],
      };
    case 'bucket': {
      const rules = (
        properties['LifecycleConfiguration'] as { Rules?: Record<string, unknown>[] } | undefined
      )?.Rules;
      const expiry = rules?.[0]?.['ExpirationInDays'];
      return {
        title: TITLES[kind],
        details: [
          ...(ref && isAccessLogBucket(set, ref) ? ['load balancer access logs'] : []),
          ...(expiry === undefined ? [] : [`expire after ${show(expiry)} days`]),
          ...(resource?.DeletionPolicy === 'Retain' ? ['kept when the stack goes'] : []),
        ],
      };
    }
    case 'topic':
      return { title: TITLES[kind], details: ['email: AlarmEmail', 'KMS-encrypted'] };
    default:
      return { title: TITLES[kind], details: [] };
  }
}

function isFlowLogGroup(set: TemplateSet, ref: ResourceRef): boolean {
  return allResources(set)
    .filter((r) => r.stack === ref.stack && r.resource.Type === 'AWS::EC2::FlowLog')
    .some((r) =>
      resolveResources(set, r.stack, r.resource.Properties?.['LogGroupName']).some((g) => g.id === ref.id),
    );
}

function isAccessLogBucket(set: TemplateSet, ref: ResourceRef): boolean {
  return allResources(set)
    .filter((r) => r.stack === ref.stack && r.resource.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')
    .some((r) =>
      ((r.resource.Properties?.['LoadBalancerAttributes'] as unknown[] | undefined) ?? []).some((attribute) =>
        resolveResources(set, r.stack, attribute).some((b) => b.id === ref.id),
      ),
    );
}

/** A literal as itself, a root parameter by its name. */
function valueText(set: TemplateSet, stack: string, value: unknown): string {
  const targets = resolve(set, stack, value);
  const names = targets.map((t) => (t.kind === 'parameter' ? t.name : t.kind === 'literal' ? t.value : t.id));
  return [...new Set(names)].join(' | ') || '?';
}

function listeners(set: TemplateSet, loadBalancer: ResourceRef): string[] {
  return allResources(set)
    .filter((r) => r.resource.Type === 'AWS::ElasticLoadBalancingV2::Listener')
    .filter((r) =>
      resolveResources(set, r.stack, r.resource.Properties?.['LoadBalancerArn']).some(
        (lb) => lb.id === loadBalancer.id && lb.stack === loadBalancer.stack,
      ),
    )
    .map((r) => {
      const p = r.resource.Properties ?? {};
      const condition = r.resource.Condition
        ? ` if ${conditionText(templateOf(set, r.stack), r.resource.Condition)}`
        : '';
      return `${valueText(set, r.stack, p['Protocol'])} :${valueText(set, r.stack, p['Port'])}${condition}`;
    })
    .sort();
}

/** The name pointed at the load balancer (Route 53 alias) and the certificate made for it, if any. */
function domainLines(set: TemplateSet, loadBalancer: ResourceRef): string[] {
  const when = (r: { stack: string; resource: { Condition?: string } }): string =>
    r.resource.Condition ? ` if ${conditionText(templateOf(set, r.stack), r.resource.Condition)}` : '';
  const sameStack = allResources(set).filter((r) => r.stack === loadBalancer.stack);
  const records = sameStack
    .filter((r) => r.resource.Type === 'AWS::Route53::RecordSet')
    .filter((r) => {
      const target = (r.resource.Properties?.['AliasTarget'] as Record<string, unknown> | undefined)?.[
        'DNSName'
      ];
      return resolveResources(set, r.stack, target).some((lb) => lb.id === loadBalancer.id);
    })
    .map((r) => {
      const p = r.resource.Properties ?? {};
      return `DNS ${valueText(set, r.stack, p['Name'])} → alias ${valueText(set, r.stack, p['Type'])}${when(r)}`;
    });
  const certificates = sameStack
    .filter((r) => r.resource.Type === 'AWS::CertificateManager::Certificate')
    .map((r) => {
      const p = r.resource.Properties ?? {};
      return `ACM certificate ${valueText(set, r.stack, p['DomainName'])} (${valueText(set, r.stack, p['ValidationMethod'])}-validated)${when(r)}`;
    });
  return [...records, ...certificates].sort();
}

function natInstanceText(set: TemplateSet, ref: ResourceRef): NodeText {
  const properties = resourceAt(set, ref)?.Properties ?? {};
  const launchId = (properties['LaunchTemplate'] as Record<string, unknown> | undefined)?.[
    'LaunchTemplateId'
  ];
  const [template] = resolveResources(set, ref.stack, launchId);
  const data =
    (template &&
      (resourceAt(set, template)?.Properties?.['LaunchTemplateData'] as
        Record<string, unknown> | undefined)) ??
    {};
  const type = data['InstanceType'] ?? properties['InstanceType'];
  const imdsV2 =
    (data['MetadataOptions'] as Record<string, unknown> | undefined)?.['HttpTokens'] === 'required';
  const keyName = data['KeyName'] ?? properties['KeyName'];
  const details = [
    typeof type === 'string' ? type : '?',
    [imdsV2 ? 'IMDSv2 only' : 'IMDSv1 allowed', keyName === undefined ? 'no SSH key' : 'SSH key'].join(', '),
  ];
  return { title: 'NAT instance', details };
}

/** NatGatewayA → A: the AZ letter the synth code puts at the end of per-AZ resources. */
function suffix(id: string): string {
  const match = /[A-Z]$/.exec(id);
  return match ? match[0] : '';
}
