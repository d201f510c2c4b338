// GIVEN the synthesized templates WHEN we read their security groups, subnets and services THEN the
// only paths are internet → ALB (80/443) → tasks (3000) → database (5432), and nothing else is open.
import t from 'tap';
import { plainTemplates, resourcesOfType } from '../support/cli.js';

const { network, app, data, edge } = plainTemplates();

type Rule = Record<string, unknown>;
/** SG rules with Fn::If [cond, rule, NoValue] unwrapped (a rule that may exist is a rule to check). */
function rules(list: unknown): Rule[] {
  return (list as unknown[]).map((item) => {
    const conditional = (item as { 'Fn::If'?: unknown[] })['Fn::If'];
    return (conditional ? conditional[1] : item) as Rule;
  });
}
const group = (name: string) => network.Resources[name]!.Properties!;

t.test(
  'internet reaches the load balancer on 80 and 443 only, from the allowed CIDR parameters',
  async (t) => {
    const ingress = rules(group('AlbSecurityGroup').SecurityGroupIngress);
    t.ok(ingress.length > 0);
    for (const rule of ingress) {
      t.equal(rule.IpProtocol, 'tcp');
      t.ok([80, 443].includes(rule.FromPort as number), `port ${String(rule.FromPort)} is 80 or 443`);
      t.equal(rule.FromPort, rule.ToPort, 'single port, no range');
      t.match(
        rule.CidrIp,
        { Ref: /^IngressCidr\d$/ },
        'source is an allowed-CIDR parameter, never a literal 0.0.0.0/0',
      );
    }
  },
);

t.test('the load balancer reaches tasks on 3000 only', async (t) => {
  const egress = rules(group('AlbSecurityGroup').SecurityGroupEgress);
  for (const rule of egress)
    t.match(rule, {
      IpProtocol: 'tcp',
      FromPort: 3000,
      ToPort: 3000,
      CidrIp: { 'Fn::GetAtt': [/^PrivateSubnet[AB]$/, 'CidrBlock'] },
    });
  const taskIngress = rules(group('TaskSecurityGroup').SecurityGroupIngress);
  t.same(
    taskIngress.map((r) => [r.FromPort, r.ToPort, r.SourceSecurityGroupId]),
    [[3000, 3000, { Ref: 'AlbSecurityGroup' }]],
  );
});

t.test('tasks reach the database on 5432 only and the database talks to nothing else', async (t) => {
  const dbIngress = rules(group('DbSecurityGroup').SecurityGroupIngress);
  t.same(
    dbIngress.map((r) => [r.FromPort, r.ToPort, r.SourceSecurityGroupId]),
    [[5432, 5432, { Ref: 'TaskSecurityGroup' }]],
  );
  const dbEgress = rules(group('DbSecurityGroup').SecurityGroupEgress);
  t.same(
    dbEgress.map((r) => r.CidrIp),
    ['255.255.255.255/32'],
    'the only egress rule matches no packet',
  );
  const taskEgressList = group('TaskSecurityGroup').SecurityGroupEgress as unknown[];
  const taskEgress = rules(taskEgressList);
  const literal = taskEgress.filter((r) => typeof r.FromPort === 'number');
  const ports = literal.map((r) => `${String(r.FromPort)}-${String(r.ToPort)}`).sort();
  t.same(
    ports,
    ['443-443', '5432-5432', '5432-5432'],
    'tasks send HTTPS out and PostgreSQL to the isolated subnets only',
  );
  // Beyond those, only the data-source ports the params name, each rule present only when its slot is set.
  const slots = taskEgressList.filter((r) => typeof (r as Record<string, unknown>)['Fn::If'] === 'object');
  t.same(
    slots,
    [1, 2, 3, 4].map((n) => ({
      'Fn::If': [
        `HasDataSourcePort${n}`,
        {
          IpProtocol: 'tcp',
          FromPort: { Ref: `DataSourcePort${n}` },
          ToPort: { Ref: `DataSourcePort${n}` },
          CidrIp: '0.0.0.0/0',
          Description: 'Data source port (DataSourcePorts)',
        },
        { Ref: 'AWS::NoValue' },
      ],
    })),
  );
  for (const rule of taskEgress.filter((r) => r.FromPort === 5432)) {
    t.match(rule.CidrIp, { 'Fn::GetAtt': [/^IsolatedSubnet[AB]$/, 'CidrBlock'] });
  }
});

t.test('every security-group rule sits inline in its own group (drift sees all of them)', async (t) => {
  for (const template of [network, edge, data, app]) {
    t.same(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress'), []);
    t.same(resourcesOfType(template, 'AWS::EC2::SecurityGroupEgress'), []);
  }
});

t.test('Metabase tasks get no public IP and run in the private subnets', async (t) => {
  const service = app.Resources.Service!.Properties!;
  t.match(service.NetworkConfiguration, {
    AwsvpcConfiguration: {
      AssignPublicIp: 'DISABLED',
      Subnets: { 'Fn::Split': [',', { Ref: 'PrivateSubnetIds' }] },
    },
  });
});

t.test(
  'the database is private, encrypted, TLS-only and kept as a snapshot on delete and replace',
  async (t) => {
    const database = data.Resources.Database!;
    t.match(database.Properties, {
      PubliclyAccessible: false,
      Engine: 'postgres',
      AutoMinorVersionUpgrade: false,
    });
    // A new database is encrypted and named metabase; a restored one takes both from its snapshot, and
    // deploy --restore-from refuses a snapshot that is not encrypted (tests/deploy/restore.test.ts).
    t.same(database.Properties!.StorageEncrypted, {
      'Fn::If': ['RestoreFromSnapshot', { Ref: 'AWS::NoValue' }, true],
    });
    t.same(database.Properties!.DBName, {
      'Fn::If': ['RestoreFromSnapshot', { Ref: 'AWS::NoValue' }, 'metabase'],
    });
    t.equal(database.DeletionPolicy, 'Snapshot');
    t.equal(database.UpdateReplacePolicy, 'Snapshot');
    t.match(data.Resources.DbParameterGroup!.Properties, { Parameters: { 'rds.force_ssl': '1' } });
    t.match(database.Properties, { DBSubnetGroupName: { Ref: 'DbSubnetGroup' } });
    t.match(data.Resources.DbSubnetGroup!.Properties, {
      SubnetIds: { 'Fn::Split': [',', { Ref: 'IsolatedSubnetIds' }] },
    });
  },
);

t.test('isolated subnets have no route out; private subnets go out through NAT only', async (t) => {
  const routes = resourcesOfType(network, 'AWS::EC2::Route');
  t.notOk(
    routes.some(
      ([, r]) => JSON.stringify(r.Properties!.RouteTableId) === JSON.stringify({ Ref: 'IsolatedRouteTable' }),
    ),
    'no route in the isolated table',
  );
  for (const az of ['A', 'B']) {
    t.same(network.Resources[`IsolatedSubnet${az}RouteTableAssociation`]!.Properties!.RouteTableId, {
      Ref: 'IsolatedRouteTable',
    });
    const route = network.Resources[`PrivateDefaultRoute${az}`]!.Properties!;
    t.notOk('GatewayId' in route, 'private subnets never route to the internet gateway');
    t.ok('NatGatewayId' in route && 'InstanceId' in route, 'NAT gateway or NAT instance');
  }
  for (const [, subnet] of resourcesOfType(network, 'AWS::EC2::Subnet'))
    t.equal(subnet.Properties!.MapPublicIpOnLaunch, false);
});

t.test(
  'the NAT instance option is hardened: IMDSv2, no SSH key, an SSM-only role, encrypted disk, HTTPS only',
  async (t) => {
    t.equal(
      network.Resources.NatEipA!.Condition,
      'NatGatewayMode',
      'a NAT gateway address is never the NAT instance address (mode switches)',
    );
    const launch = network.Resources.NatInstanceLaunchTemplate!.Properties!.LaunchTemplateData as Record<
      string,
      unknown
    >;
    t.match(launch.MetadataOptions, { HttpTokens: 'required' });
    t.notOk('KeyName' in launch);
    t.same(launch.IamInstanceProfile, { Arn: { 'Fn::GetAtt': ['NatInstanceProfile', 'Arn'] } });
    const role = network.Resources.NatInstanceRole!.Properties!;
    t.same(role.ManagedPolicyArns, [
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore' },
    ]);
    t.notOk('Policies' in role, 'no permission beyond the SSM agent');
    t.match(role.AssumeRolePolicyDocument, { Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }] });
    t.match(role.PermissionsBoundary, { 'Fn::If': ['HasPermissionsBoundary'] });
    t.same(launch.CreditSpecification, { CpuCredits: 'standard' });
    t.match(launch.BlockDeviceMappings, [{ Ebs: { Encrypted: true } }]);
    const ingress = rules(group('NatInstanceSecurityGroup').SecurityGroupIngress);
    const allowedPort = (port: unknown): boolean =>
      port === 443 || JSON.stringify(port).startsWith('{"Ref":"DataSourcePort');
    t.ok(
      ingress.every((r) => allowedPort(r.FromPort) && allowedPort(r.ToPort)),
      'HTTPS and the data-source ports in only, no port 22',
    );
    const instance = network.Resources.NatInstance!;
    t.equal(instance.Properties!.SourceDestCheck, false, 'forwards packets that are not its own');
    t.match(instance.Properties!.NetworkInterfaces, [
      { DeviceIndex: '0', AssociatePublicIpAddress: true, DeleteOnTermination: true },
    ]);
    t.notOk(
      JSON.stringify(instance.Properties!.NetworkInterfaces).includes('NetworkInterfaceId'),
      'owns its primary interface, so a replacement never needs the old copy’s',
    );
    t.match(
      instance.DependsOn,
      ['PublicDefaultRoute', 'PublicSubnetARouteTableAssociation'],
      'boots with its route to the internet in place',
    );
    t.same(
      (instance as unknown as { CreationPolicy: unknown }).CreationPolicy,
      { ResourceSignal: { Count: 1, Timeout: 'PT15M' } },
      'routes and address move only once the instance has signalled',
    );
    t.same(network.Resources.NatInstanceEip!.Properties!.InstanceId, { Ref: 'NatInstance' });
    for (const name of [
      'NatInstanceSecurityGroup',
      'NatInstanceLaunchTemplate',
      'NatInstance',
      'NatInstanceEip',
      'NatInstanceRole',
      'NatInstanceProfile',
    ]) {
      t.equal(network.Resources[name]!.Condition, 'NatInstanceMode', `${name} exists only in instance mode`);
    }
  },
);

t.test(
  'execution role reads exactly the two (or three) secrets and writes exactly its log group',
  async (t) => {
    const policy = (
      app.Resources.ExecutionRole!.Properties!.Policies as {
        PolicyDocument: { Statement: Record<string, unknown>[] };
      }[]
    )[0]!;
    const [secrets, logs] = policy.PolicyDocument.Statement;
    t.same(secrets!.Action, 'secretsmanager:GetSecretValue');
    const resources = secrets!.Resource as unknown[];
    t.same(resources.slice(0, 3), [
      { Ref: 'DbMasterSecretArn' },
      { Ref: 'EncryptionKeySecretArn' },
      { 'Fn::If': ['HasDockerHubCredentials', { Ref: 'DockerHubSecretArn' }, { Ref: 'AWS::NoValue' }] },
    ]);
    // The rest: one a MetabaseSecretSettings slot, only when that slot is filled.
    t.same(
      resources.slice(3).map((r) => (r as { 'Fn::If': unknown[] })['Fn::If'][0]),
      [1, 2, 3, 4].map((n) => `HasMetabaseSecretSetting${n}`),
    );
    t.same(logs!.Resource, { 'Fn::GetAtt': ['LogGroup', 'Arn'] });
    t.same(logs!.Action, ['logs:CreateLogStream', 'logs:PutLogEvents']);
    t.notOk(JSON.stringify(app.Resources.ExecutionRole).includes('"*"'), 'no wildcard resource or action');
    t.notOk('Policies' in app.Resources.TaskRole!.Properties!, 'the task role grants nothing');
  },
);

t.test(
  'the access-log bucket is private, SSE-S3 encrypted, TLS only, and only ELB log delivery may write',
  async (t) => {
    const bucket = edge.Resources.AccessLogsBucket!;
    t.same(bucket.Properties!.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    t.match(bucket.Properties!.BucketEncryption, {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    t.match(bucket.Properties!.OwnershipControls, { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    t.equal(bucket.DeletionPolicy, 'Retain', 'kept on destroy (listed as kept), never a failed deletion');
    t.equal(bucket.UpdateReplacePolicy, 'Retain');
    const statements = rules(
      (edge.Resources.AccessLogsBucketPolicy!.Properties!.PolicyDocument as { Statement: unknown[] })
        .Statement,
    );
    t.match(statements[0], {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const allows = statements.filter((s) => s.Effect === 'Allow');
    t.equal(allows.length, 2);
    for (const allow of allows) {
      t.equal(allow.Action, 's3:PutObject', 'write only, nothing read or listed');
      t.same(allow.Resource, { 'Fn::Sub': '${AccessLogsBucket.Arn}/AWSLogs/${AWS::AccountId}/*' });
    }
    t.same(allows[0]!.Principal, { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' });
    t.match(JSON.stringify(allows[1]!.Principal), /ElbLogDeliveryAccount/);
  },
);

t.test(
  'flow logs: delivered by a role that trusts only VPC Flow Logs of this account and writes one group',
  async (t) => {
    const role = network.Resources.FlowLogRole!.Properties!;
    t.match(role.AssumeRolePolicyDocument, {
      Statement: [
        {
          Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    const [statement] = (role.Policies as { PolicyDocument: { Statement: Record<string, unknown>[] } }[])[0]!
      .PolicyDocument.Statement;
    t.same(statement!.Resource, { 'Fn::GetAtt': ['FlowLogGroup', 'Arn'] });
    t.notOk(JSON.stringify(role).includes('"*"'), 'no wildcard');
    t.match(role.PermissionsBoundary, { 'Fn::If': ['HasPermissionsBoundary'] });
    t.same(network.Resources.FlowLogGroup!.Properties!.RetentionInDays, { Ref: 'LogRetentionDays' });
    t.match(network.Resources.FlowLog!.Properties, {
      ResourceType: 'VPC',
      ResourceId: { Ref: 'Vpc' },
      LogDestinationType: 'cloud-watch-logs',
      DeliverLogsPermissionArn: { 'Fn::GetAtt': ['FlowLogRole', 'Arn'] },
    });
  },
);
