// The cheap egress option (NatGateways = instance): one t4g.nano doing NAT instead of a NAT gateway,
// about $3/month against $33. Hardened: IMDSv2 only, no SSH key, no inbound port but HTTPS (and the
// DataSourcePorts) from the private subnets, encrypted root volume, a role for SSM (patching, Session
// Manager) and nothing else. It is a single instance in AZ A: if it stops, Metabase loses outbound HTTPS
// (image pulls, secrets, logs) until EC2 auto-recovery brings it back.
//
// Replacement (a new AMI, user data, instance type, ...) must work, because create-only properties
// (LaunchTemplate, ImageId, NetworkInterfaces in the AWS::EC2::Instance registry schema) replace the
// instance, and CloudFormation creates the new copy before it deletes the old one. So the new copy needs
// nothing the old one holds:
// - the instance owns its primary interface (created with it, deleted with it) instead of booting on a
//   separately created interface, which the old copy would still hold (InvalidNetworkInterface.InUse);
// - it boots with an auto-assigned public IP, so it can fetch iptables and signal CloudFormation before
//   the Elastic IP reaches it;
// - no resource here has a fixed name (launch template, role, profile are named by CloudFormation).
// Then CloudFormation updates, in place, what points at the instance: the Elastic IP's InstanceId
// (AssociateAddress moves an address that is associated elsewhere to the new instance, EC2 API
// reference; the address itself stays, so NatPublicIps stays the same) and the private routes
// (ReplaceRoute), and only then deletes the old instance. The CreationPolicy holds all of that back until
// the new instance has signalled that it forwards.
import { EC2 } from 'cloudform-types/types/ec2/index.namespace.js';
import { IAM } from 'cloudform-types/types/iam/index.namespace.js';
import { base64Sub, fnIf, getAtt, noValue, ref, sub, type IntrinsicFunction } from '../intrinsics.js';
import { AZ_SUFFIXES, nameTag } from './common.js';
import { dataSourcePortRules } from './slots.js';

export const NAT_INSTANCE_TYPE = 't4g.nano';
export const NAT_INSTANCE_LOGICAL_ID = 'NatInstance';
/** How long the instance has to install iptables and signal (CreationPolicy timeout). */
const NAT_SIGNAL_TIMEOUT = 'PT15M';

// iptables-services ships a FORWARD chain that rejects everything, hence the flush before saving. The
// package comes from the internet through the instance's own public address: retry while that settles.
// cfn-signal is in aws-cfn-bootstrap (preinstalled on Amazon Linux images, installed here if missing); it
// needs no credentials: CloudFormation checks that the instance belongs to the stack (CloudFormation helper
// scripts reference, "Permissions for helper scripts"). It signals success only after checking that
// forwarding and masquerading are in place, so routes never move to a NAT that does not forward.
const USER_DATA = `#!/bin/bash
set -euo pipefail
signal() { /opt/aws/bin/cfn-signal --exit-code "$1" --stack '\${AWS::StackName}' --resource ${NAT_INSTANCE_LOGICAL_ID} --region '\${AWS::Region}' || true; }
trap 'signal 1' ERR
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  dnf install -y iptables-services && break
  [ "$attempt" = 10 ] && { signal 1; exit 1; }
  sleep 15
done
[ -x /opt/aws/bin/cfn-signal ] || dnf install -y aws-cfn-bootstrap
systemctl enable --now iptables
echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf
sysctl --system
interface=$(ip route show default | awk '{print $5; exit}')
iptables -t nat -A POSTROUTING -o "$interface" -j MASQUERADE
iptables -F FORWARD
service iptables save
[ "$(sysctl -n net.ipv4.ip_forward)" = 1 ]
iptables -t nat -C POSTROUTING -o "$interface" -j MASQUERADE
signal 0
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
          Description: 'HTTPS to the internet (also the instance itself: packages, SSM, cfn-signal)',
        },
        ...dataSourcePortRules('0.0.0.0/0', 'Data source port to the internet'),
      ],
      Tags: [nameTag('nat-instance')],
    }).condition(condition),
    // For SSM only (Patch Manager, Session Manager instead of SSH): AWS's managed policy for it.
    NatInstanceRole: new IAM.Role({
      Description: 'Metabase NAT instance: SSM agent only (patching, Session Manager)',
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      ManagedPolicyArns: [sub('arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore')],
      PermissionsBoundary: fnIf(
        'HasPermissionsBoundary',
        sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/${RolePermissionsBoundary}'),
        noValue(),
      ),
      Tags: [nameTag('nat-instance')],
    }).condition(condition),
    NatInstanceProfile: new IAM.InstanceProfile({ Roles: [ref('NatInstanceRole')] }).condition(condition),
    NatInstanceLaunchTemplate: new EC2.LaunchTemplate({
      LaunchTemplateData: {
        // The root stack resolves the AMI from AWS's public SSM parameter on every deploy, so a deploy
        // after a new Amazon Linux release replaces the instance with one on the new AMI.
        ImageId: ref('NatInstanceAmi'),
        InstanceType: NAT_INSTANCE_TYPE,
        // Burstable in standard mode: a busy NAT slows down instead of running up unlimited-mode charges.
        CreditSpecification: { CpuCredits: 'standard' },
        IamInstanceProfile: { Arn: getAtt('NatInstanceProfile', 'Arn') },
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: { VolumeSize: 8, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
          },
        ],
        Monitoring: { Enabled: false },
        UserData: base64Sub(USER_DATA),
        TagSpecifications: [{ ResourceType: 'instance', Tags: [nameTag('nat-instance')] }],
      },
    }).condition(condition),
    [NAT_INSTANCE_LOGICAL_ID]: new EC2.Instance({
      LaunchTemplate: {
        LaunchTemplateId: ref('NatInstanceLaunchTemplate'),
        Version: getAtt('NatInstanceLaunchTemplate', 'LatestVersionNumber'),
      },
      // Its own primary interface, made and deleted with the instance (see the top of this file).
      NetworkInterfaces: [
        {
          DeviceIndex: '0',
          SubnetId: ref('PublicSubnetA'),
          GroupSet: [ref('NatInstanceSecurityGroup')],
          AssociatePublicIpAddress: true,
          DeleteOnTermination: true,
          Description: 'Metabase NAT instance',
        },
      ],
      // A NAT forwards packets that are neither from nor to itself.
      SourceDestCheck: false,
      Tags: [nameTag('nat-instance')],
    })
      .creationPolicy({ ResourceSignal: { Count: 1, Timeout: NAT_SIGNAL_TIMEOUT } })
      .dependsOn(['PublicDefaultRoute', 'PublicSubnetARouteTableAssociation'])
      .condition(condition),
    // Its own address, not the NAT gateway's: switching NatGateways between modes creates the new NAT
    // before deleting the old one, and one Elastic IP cannot be held by both. Associated through the EIP's
    // own InstanceId (updated in place on replacement), not a separate association resource, whose
    // properties are all create-only.
    NatInstanceEip: new EC2.EIP({
      Domain: 'vpc',
      InstanceId: ref(NAT_INSTANCE_LOGICAL_ID),
      Tags: [nameTag('nat-instance')],
    })
      .dependsOn('InternetGatewayAttachment')
      .condition(condition),
  };
}
