// The cheap egress option (NatGateways = instance): one t4g.nano doing NAT instead of a NAT gateway,
// about $3/month against $33. Hardened: IMDSv2 only, no SSH key, no instance role, no inbound port but
// HTTPS (and the DataSourcePorts) from the private subnets, encrypted root volume. It is a single instance in AZ A: if it stops,
// Metabase loses outbound HTTPS (image pulls, secrets, logs) until EC2 auto-recovery brings it back.
import { EC2 } from 'cloudform-types/types/ec2/index.namespace.js';
import { base64, getAtt, ref, type IntrinsicFunction } from '../intrinsics.js';
import { AZ_SUFFIXES, nameTag } from './common.js';
import { dataSourcePortRules } from './slots.js';

export const NAT_INSTANCE_TYPE = 't4g.nano';
/** AWS's public SSM parameter for the current Amazon Linux 2023 arm64 AMI. */
export const NAT_INSTANCE_AMI =
  '{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64}}';

// iptables-services ships a FORWARD chain that rejects everything, hence the flush before saving. The
// package comes from the internet through this very instance's address: retry while that settles.
const USER_DATA = `#!/bin/bash
set -euo pipefail
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  dnf install -y iptables-services && break
  [ "$attempt" = 10 ] && exit 1
  sleep 15
done
systemctl enable --now iptables
echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf
sysctl --system
interface=$(ip route show default | awk '{print $5; exit}')
iptables -t nat -A POSTROUTING -o "$interface" -j MASQUERADE
iptables -F FORWARD
service iptables save
`;

export function natInstanceResources(
  privateSubnetCidr: (az: (typeof AZ_SUFFIXES)[number]) => IntrinsicFunction,
) {
  const condition = 'NatInstanceMode';
  return {
    NatInstanceSecurityGroup: new EC2.SecurityGroup({
      GroupDescription:
        'NAT instance: HTTPS and the data-source ports from the private subnets, out to the internet; no SSH',
      VpcId: ref('Vpc'),
      // The same ports the task group may use: HTTPS and the data-source ports, nothing else.
      SecurityGroupIngress: AZ_SUFFIXES.flatMap((az) => [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          CidrIp: privateSubnetCidr(az),
          Description: `HTTPS from private subnet ${az}`,
        },
        ...dataSourcePortRules(privateSubnetCidr(az), `Data source port from private subnet ${az}`),
      ]),
      SecurityGroupEgress: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          CidrIp: '0.0.0.0/0',
          Description: 'HTTPS to the internet',
        },
        ...dataSourcePortRules('0.0.0.0/0', 'Data source port to the internet'),
      ],
      Tags: [nameTag('nat-instance')],
    }).condition(condition),
    NatInstanceLaunchTemplate: new EC2.LaunchTemplate({
      LaunchTemplateData: {
        ImageId: NAT_INSTANCE_AMI,
        InstanceType: NAT_INSTANCE_TYPE,
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: { VolumeSize: 8, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
          },
        ],
        Monitoring: { Enabled: false },
        UserData: base64(USER_DATA),
        TagSpecifications: [{ ResourceType: 'instance', Tags: [nameTag('nat-instance')] }],
      },
    }).condition(condition),
    // Its own address, not the NAT gateway's: switching NatGateways between modes creates the new NAT
    // before deleting the old one, and one Elastic IP cannot be held by both.
    NatInstanceEip: new EC2.EIP({ Domain: 'vpc', Tags: [nameTag('nat-instance')] })
      .dependsOn('InternetGatewayAttachment')
      .condition(condition),
    // The interface exists, with its public address, before the instance boots: the user data downloads
    // iptables through it. A NAT forwards packets that are neither from nor to itself: no source/dest check.
    NatInstanceNetworkInterface: new EC2.NetworkInterface({
      SubnetId: ref('PublicSubnetA'),
      GroupSet: [ref('NatInstanceSecurityGroup')],
      SourceDestCheck: false,
      Description: 'Metabase NAT instance',
      Tags: [nameTag('nat-instance')],
    }).condition(condition),
    NatInstanceEipAssociation: new EC2.EIPAssociation({
      AllocationId: getAtt('NatInstanceEip', 'AllocationId'),
      NetworkInterfaceId: ref('NatInstanceNetworkInterface'),
    }).condition(condition),
    NatInstance: new EC2.Instance({
      LaunchTemplate: {
        LaunchTemplateId: ref('NatInstanceLaunchTemplate'),
        Version: getAtt('NatInstanceLaunchTemplate', 'LatestVersionNumber'),
      },
      NetworkInterfaces: [{ DeviceIndex: '0', NetworkInterfaceId: ref('NatInstanceNetworkInterface') }],
      Tags: [nameTag('nat-instance')],
    })
      .dependsOn(['NatInstanceEipAssociation', 'PublicDefaultRoute', 'PublicSubnetARouteTableAssociation'])
      .condition(condition),
  };
}
