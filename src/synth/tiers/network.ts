// VPC across two AZs: public (ALB, NAT), private (Metabase tasks, egress through NAT only) and isolated
// (RDS, no route out) subnets. All security groups live here too: each rule then sits in the same stack as
// its group (drift detection sees every rule) and groups can name each other without a cross-stack cycle.
import { EC2 } from 'cloudform-types/types/ec2/index.namespace.js';
import { CONTAINER_PORT, POSTGRES_PORT, SUBNET_CIDR_BITS } from '../config.js';
import {
  and,
  cidr,
  conditionRef,
  equals,
  fnIf,
  getAtt,
  getAZs,
  join,
  noValue,
  not,
  onlyIf,
  ref,
  type IntrinsicFunction,
  select,
} from '../intrinsics.js';
import type { CfnTemplate } from '../template.js';
import { natInstanceResources } from './nat-instance.js';
import {
  alarmTopicResources,
  natInstanceAlarm,
  networkAlarmConditions,
  networkAlarmParameters,
  networkAlarmTopicOutput,
} from './alarms.js';
import { flowLogConditions, flowLogParameters, flowLogResources } from './flow-logs.js';
import {
  DATA_SOURCE_PORT_SLOTS,
  dataSourcePortRules,
  INGRESS_CIDR_SLOTS,
  slotCondition,
  slotNames,
} from './slots.js';
import { AZ_SUFFIXES, nameTag, output, passedParameter, stringInput, type AzSuffix } from './common.js';

const SUBNET_KINDS = ['Public', 'Private', 'Isolated'] as const;
type SubnetKind = (typeof SUBNET_KINDS)[number];

const ingressCidrParameterNames = slotNames(INGRESS_CIDR_SLOTS);
const dataSourcePortParameterNames = slotNames(DATA_SOURCE_PORT_SLOTS);

const subnetName = (kind: SubnetKind, az: AzSuffix): string => `${kind}Subnet${az}`;

function subnets(): Record<string, EC2.Subnet> {
  const resources: Record<string, EC2.Subnet> = {};
  SUBNET_KINDS.forEach((kind, kindIndex) => {
    AZ_SUFFIXES.forEach((az, azIndex) => {
      resources[subnetName(kind, az)] = new EC2.Subnet({
        VpcId: ref('Vpc'),
        AvailabilityZone: select(azIndex, getAZs()),
        CidrBlock: select(
          kindIndex * AZ_SUFFIXES.length + azIndex,
          cidr(getAtt('Vpc', 'CidrBlock'), 6, SUBNET_CIDR_BITS),
        ),
        MapPublicIpOnLaunch: false,
        Tags: [
          nameTag(`${kind.toLowerCase()}-${az.toLowerCase()}`),
          { Key: 'tier', Value: kind.toLowerCase() },
        ],
      });
    });
  });
  return resources;
}

function routing(): Record<
  string,
  EC2.RouteTable | EC2.Route | EC2.SubnetRouteTableAssociation | EC2.EIP | EC2.NatGateway
> {
  const resources: Record<
    string,
    EC2.RouteTable | EC2.Route | EC2.SubnetRouteTableAssociation | EC2.EIP | EC2.NatGateway
  > = {
    PublicRouteTable: new EC2.RouteTable({ VpcId: ref('Vpc'), Tags: [nameTag('public')] }),
    PublicDefaultRoute: new EC2.Route({
      RouteTableId: ref('PublicRouteTable'),
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: ref('InternetGateway'),
    }).dependsOn('InternetGatewayAttachment'),
    // No routes but the implicit local one: the database has no way out and no way in from outside the VPC.
    IsolatedRouteTable: new EC2.RouteTable({ VpcId: ref('Vpc'), Tags: [nameTag('isolated')] }),
  };
  // AZ B uses its own NAT gateway (per-az), else AZ A's gateway, else the NAT instance.
  const sharedNatGateway = fnIf('NatInstanceMode', noValue(), ref('NatGatewayA'));
  for (const az of AZ_SUFFIXES) {
    const perAzOnly = az === 'B';
    const natCondition = perAzOnly ? 'NatPerAz' : 'NatGatewayMode';
    resources[`NatEip${az}`] = new EC2.EIP({
      Domain: 'vpc',
      Tags: [nameTag(`nat-${az.toLowerCase()}`)],
    })
      .dependsOn('InternetGatewayAttachment')
      .condition(natCondition);
    // Each NAT gateway has its own address; the NAT instance has another (nat-instance.ts).
    resources[`NatGateway${az}`] = new EC2.NatGateway({
      AllocationId: getAtt(`NatEip${az}`, 'AllocationId'),
      SubnetId: ref(subnetName('Public', az)),
      ConnectivityType: 'public',
      Tags: [nameTag(`nat-${az.toLowerCase()}`)],
    }).condition(natCondition);
    resources[`PrivateRouteTable${az}`] = new EC2.RouteTable({
      VpcId: ref('Vpc'),
      Tags: [nameTag(`private-${az.toLowerCase()}`)],
    });
    resources[`PrivateDefaultRoute${az}`] = new EC2.Route({
      RouteTableId: ref(`PrivateRouteTable${az}`),
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: perAzOnly ? fnIf('NatPerAz', ref('NatGatewayB'), sharedNatGateway) : sharedNatGateway,
      InstanceId: fnIf('NatInstanceMode', ref('NatInstance'), noValue()),
    });
    const tableOf: Record<SubnetKind, string> = {
      Public: 'PublicRouteTable',
      Private: `PrivateRouteTable${az}`,
      Isolated: 'IsolatedRouteTable',
    };
    for (const kind of SUBNET_KINDS) {
      resources[`${subnetName(kind, az)}RouteTableAssociation`] = new EC2.SubnetRouteTableAssociation({
        SubnetId: ref(subnetName(kind, az)),
        RouteTableId: ref(tableOf[kind]),
      });
    }
  }
  return resources;
}

const subnetCidr = (kind: SubnetKind, az: AzSuffix): IntrinsicFunction =>
  getAtt(subnetName(kind, az), 'CidrBlock');

function securityGroups(): Record<string, EC2.SecurityGroup> {
  const listenerPorts = [
    { port: 80, condition: undefined },
    { port: 443, condition: 'HasCertificate' },
  ];
  const albIngress = ingressCidrParameterNames.flatMap((cidrParameter, index) =>
    listenerPorts.map(({ port, condition }) => {
      const rule = {
        IpProtocol: 'tcp',
        FromPort: port,
        ToPort: port,
        CidrIp: ref(cidrParameter),
        Description: `HTTP${port === 443 ? 'S' : ''} from allowed CIDR ${index + 1}`,
      };
      const conditions = [index === 0 ? undefined : slotCondition(cidrParameter), condition].filter(
        (c): c is string => c !== undefined,
      );
      if (conditions.length === 0) return rule;
      // One condition joins to itself; two name the combined condition (e.g. SlotXAndHttps).
      return onlyIf(conditions.join('And'), rule);
    }),
  );
  return {
    AlbSecurityGroup: new EC2.SecurityGroup({
      GroupDescription:
        'Metabase load balancer: HTTP(S) in from the allowed CIDRs, out to Metabase tasks only',
      VpcId: ref('Vpc'),
      SecurityGroupIngress: albIngress,
      // By subnet range rather than by group: a reference to the task group would make a cycle, and only
      // Metabase tasks live in the private subnets.
      SecurityGroupEgress: AZ_SUFFIXES.map((az) => ({
        IpProtocol: 'tcp',
        FromPort: CONTAINER_PORT,
        ToPort: CONTAINER_PORT,
        CidrIp: subnetCidr('Private', az),
        Description: `Metabase tasks in private subnet ${az}`,
      })),
      Tags: [nameTag('alb')],
    }),
    TaskSecurityGroup: new EC2.SecurityGroup({
      GroupDescription:
        'Metabase tasks: port 3000 from the load balancer only; out to HTTPS, the database and the data-source ports',
      VpcId: ref('Vpc'),
      SecurityGroupIngress: [
        {
          IpProtocol: 'tcp',
          FromPort: CONTAINER_PORT,
          ToPort: CONTAINER_PORT,
          SourceSecurityGroupId: ref('AlbSecurityGroup'),
          Description: 'Metabase from the load balancer',
        },
      ],
      SecurityGroupEgress: [
        // Docker Hub, Secrets Manager and CloudWatch Logs, all HTTPS through the NAT gateway.
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          CidrIp: '0.0.0.0/0',
          Description: 'HTTPS: image pulls, secrets, logs',
        },
        ...AZ_SUFFIXES.map((az) => ({
          IpProtocol: 'tcp',
          FromPort: POSTGRES_PORT,
          ToPort: POSTGRES_PORT,
          CidrIp: subnetCidr('Isolated', az),
          Description: `PostgreSQL in isolated subnet ${az}`,
        })),
        // Metabase's own data sources (a warehouse, a database): only the ports the params name.
        ...dataSourcePortRules('0.0.0.0/0', 'Data source port (DataSourcePorts)'),
      ],
      Tags: [nameTag('tasks')],
    }),
    DbSecurityGroup: new EC2.SecurityGroup({
      GroupDescription: 'Metabase application database: PostgreSQL from Metabase tasks only',
      VpcId: ref('Vpc'),
      SecurityGroupIngress: [
        {
          IpProtocol: 'tcp',
          FromPort: POSTGRES_PORT,
          ToPort: POSTGRES_PORT,
          SourceSecurityGroupId: ref('TaskSecurityGroup'),
          Description: 'PostgreSQL from Metabase tasks',
        },
      ],
      // A group with no egress rule gets allow-all; this rule matches no packet, so nothing leaves.
      SecurityGroupEgress: [
        {
          IpProtocol: 'icmp',
          FromPort: 252,
          ToPort: 86,
          CidrIp: '255.255.255.255/32',
          Description: 'No outbound traffic',
        },
      ],
      Tags: [nameTag('db')],
    }),
  };
}

function conditions(): CfnTemplate['Conditions'] {
  const result: NonNullable<CfnTemplate['Conditions']> = {
    NatPerAz: equals(ref('NatGateways'), 'per-az'),
    NatInstanceMode: equals(ref('NatGateways'), 'instance'),
    NatGatewayMode: not(equals(ref('NatGateways'), 'instance')),
    HasCertificate: not(equals(ref('CertificateArn'), '')),
    HasPermissionsBoundary: not(equals(ref('RolePermissionsBoundary'), '')),
  };
  for (const name of ingressCidrParameterNames.slice(1)) {
    const condition = slotCondition(name);
    result[condition] = not(equals(ref(name), ''));
    result[`${condition}AndHasCertificate`] = and([conditionRef(condition), conditionRef('HasCertificate')]);
  }
  for (const name of dataSourcePortParameterNames) result[slotCondition(name)] = not(equals(ref(name), ''));
  return { ...result, ...networkAlarmConditions(), ...flowLogConditions() };
}

export function networkTemplate(): CfnTemplate {
  const ingressParameters = Object.fromEntries(
    ingressCidrParameterNames.map((name, index) => [
      name,
      {
        ...stringInput(
          index === 0 ? 'First allowed ingress CIDR' : `Allowed ingress CIDR ${index + 1}, or empty`,
        ),
        AllowedPattern:
          index === 0
            ? String.raw`^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$`
            : String.raw`^((\d{1,3}\.){3}\d{1,3}/\d{1,2})?$`,
      },
    ]),
  );
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'Metabase network tier: VPC, subnets in two AZs, internet and NAT gateways, routes, security groups',
    Parameters: {
      VpcCidr: passedParameter('VpcCidr'),
      NatGateways: passedParameter('NatGateways'),
      CertificateArn: passedParameter('CertificateArn'),
      // The AMI id the root resolved from NatInstanceAmi's SSM parameter (not the parameter name).
      NatInstanceAmi: {
        Type: 'AWS::EC2::Image::Id',
        Description: 'NAT instance AMI, resolved by the root stack from SSM on every deploy',
      },
      ...ingressParameters,
      ...Object.fromEntries(
        dataSourcePortParameterNames.map((name, index) => [
          name,
          {
            ...stringInput(`Data-source TCP port ${index + 1} Metabase may reach, or empty`),
            AllowedPattern: '^([0-9]{1,5})?$',
          },
        ]),
      ),
      ...networkAlarmParameters(),
      ...flowLogParameters(),
    },
    Conditions: conditions(),
    Resources: {
      Vpc: new EC2.VPC({
        CidrBlock: ref('VpcCidr'),
        EnableDnsSupport: true,
        EnableDnsHostnames: true,
        InstanceTenancy: 'default',
        Tags: [nameTag('vpc')],
      }),
      InternetGateway: new EC2.InternetGateway({ Tags: [nameTag('igw')] }),
      InternetGatewayAttachment: new EC2.VPCGatewayAttachment({
        VpcId: ref('Vpc'),
        InternetGatewayId: ref('InternetGateway'),
      }),
      ...subnets(),
      ...routing(),
      ...securityGroups(),
      ...natInstanceResources((az) => subnetCidr('Private', az)),
      ...natInstanceAlarm('NatInstance', 'NatInstanceMode'),
      ...alarmTopicResources(),
      ...flowLogResources('Vpc'),
    },
    Outputs: {
      VpcId: output('VPC id', ref('Vpc')),
      PublicSubnetIds: output(
        'Public subnets (ALB, NAT)',
        join(
          ',',
          AZ_SUFFIXES.map((az) => ref(subnetName('Public', az))),
        ),
      ),
      PrivateSubnetIds: output(
        'Private subnets (Metabase tasks)',
        join(
          ',',
          AZ_SUFFIXES.map((az) => ref(subnetName('Private', az))),
        ),
      ),
      IsolatedSubnetIds: output(
        'Isolated subnets (RDS)',
        join(
          ',',
          AZ_SUFFIXES.map((az) => ref(subnetName('Isolated', az))),
        ),
      ),
      AlbSecurityGroupId: output('Load balancer security group', ref('AlbSecurityGroup')),
      TaskSecurityGroupId: output('Metabase task security group', ref('TaskSecurityGroup')),
      DbSecurityGroupId: output('Database security group', ref('DbSecurityGroup')),
      ...networkAlarmTopicOutput(),
      NatPublicIps: output(
        'Public IPs Metabase connects from (allow-list these at your data sources)',
        fnIf(
          'NatInstanceMode',
          ref('NatInstanceEip'),
          fnIf('NatPerAz', join(',', [ref('NatEipA'), ref('NatEipB')]), ref('NatEipA')),
        ),
      ),
    },
  };
}
