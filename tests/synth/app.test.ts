import t from 'tap';
import { plainTemplates } from '../support/cli.js';
import { FARGATE_MEMORY_BY_CPU, javaHeapMiB } from '../../src/synth/config.js';

const { app, edge } = plainTemplates();
const service = app.Resources.Service!.Properties!;
const container = (
  app.Resources.TaskDefinition!.Properties!.ContainerDefinitions as Record<string, unknown>[]
)[0]!;

t.test('the target group is of type ip on the container port, health-checked on /api/health', async (t) => {
  const targetGroup = edge.Resources.TargetGroup!.Properties!;
  t.equal(targetGroup.TargetType, 'ip');
  t.same(container.PortMappings, [{ ContainerPort: targetGroup.Port, Protocol: 'tcp' }]);
  t.equal(targetGroup.HealthCheckPath, '/api/health');
});

t.test("the service's load balancer block names a container and port of the task definition", async (t) => {
  const [binding] = service.LoadBalancers as { ContainerName: string; ContainerPort: number }[];
  t.equal(binding!.ContainerName, container.Name);
  t.ok(
    (container.PortMappings as { ContainerPort: number }[]).some(
      (p) => p.ContainerPort === binding!.ContainerPort,
    ),
  );
});

t.test(
  'one task: stop, then start; more: rolling without downtime; circuit breaker with rollback',
  async (t) => {
    t.same(service.DeploymentConfiguration, {
      MinimumHealthyPercent: { 'Fn::If': ['SingleTask', 0, 100] },
      MaximumPercent: { 'Fn::If': ['SingleTask', 100, 200] },
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    });
    // SingleTask covers the one-task phase of a version upgrade (all counts overridden to 1) with and
    // without autoscaling, and is false for prod's real counts.
    t.same(app.Conditions!.SingleTask, {
      'Fn::Or': [
        { 'Fn::And': [{ Condition: 'AutoScalingEnabled' }, { 'Fn::Equals': [{ Ref: 'MaxTasks' }, '1'] }] },
        {
          'Fn::And': [
            { 'Fn::Not': [{ Condition: 'AutoScalingEnabled' }] },
            { 'Fn::Equals': [{ Ref: 'DesiredCount' }, '1'] },
          ],
        },
      ],
    });
    t.ok(
      (service.HealthCheckGracePeriodSeconds as number) >= 900,
      'grace period covers a long upgrade migration, not only the first boot',
    );
  },
);

t.test('with autoscaling the service starts at MinTasks instead of ECS default of 1', async (t) => {
  t.same(service.DesiredCount, {
    'Fn::If': ['AutoScalingEnabled', { Ref: 'MinTasks' }, { Ref: 'DesiredCount' }],
  });
});

t.test('a capacity provider switch forces a new deployment; AZ rebalancing is explicit', async (t) => {
  t.same(service.ForceNewDeployment, {
    EnableForceNewDeployment: true,
    ForceNewDeploymentNonce: { Ref: 'CapacityProvider' },
  });
  t.same(service.CapacityProviderStrategy, [
    { CapacityProvider: { Ref: 'CapacityProvider' }, Weight: 1, Base: 0 },
  ]);
  t.same(service.AvailabilityZoneRebalancing, { 'Fn::If': ['SingleTask', 'DISABLED', 'ENABLED'] });
});

t.test('the log group is deleted with the stack and on replacement, both said explicitly', async (t) => {
  t.equal(app.Resources.LogGroup!.DeletionPolicy, 'Delete');
  t.equal(app.Resources.LogGroup!.UpdateReplacePolicy, 'Delete');
});

t.test('Metabase gets its database over TLS and its secrets from Secrets Manager', async (t) => {
  const environment = Object.fromEntries(
    (container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
  );
  t.match(
    JSON.stringify(environment.MB_DB_CONNECTION_URI),
    /^\{"Fn::Sub":"postgres:\/\/\$\{DbEndpointAddress\}:\$\{DbEndpointPort\}\/metabase\?sslmode=require"\}$/,
  );
  t.notOk('MB_DB_PASS' in environment, 'password is not a plain environment variable');
  // Entries under Fn::If are the MetabaseSecretSettings slots (tests/params/metabase-settings.test.ts).
  const secrets = Object.fromEntries(
    (container.Secrets as { Name: string; ValueFrom: unknown }[])
      .filter((s) => !('Fn::If' in s))
      .map((s) => [s.Name, s.ValueFrom]),
  );
  t.same(Object.keys(secrets).sort(), ['MB_DB_PASS', 'MB_DB_USER', 'MB_ENCRYPTION_SECRET_KEY']);
  t.same(secrets.MB_DB_PASS, { 'Fn::Sub': '${DbMasterSecretArn}:password::' });
  t.same(container.Image, {
    'Fn::If': [
      'HasImageDigest',
      { 'Fn::Sub': 'docker.io/metabase/metabase@${MetabaseImageDigest}' },
      { 'Fn::Sub': 'docker.io/metabase/metabase:${MetabaseVersion}' },
    ],
  });
});

t.test(
  'the JVM heap is set for every task size Fargate accepts, leaving room outside the heap',
  async (t) => {
    const mapping = (
      app as unknown as { Mappings: { JavaOptsByMemory: Record<string, { JavaOpts: string }> } }
    ).Mappings.JavaOptsByMemory;
    for (const memory of new Set(Object.values(FARGATE_MEMORY_BY_CPU).flat())) {
      const heap = Number(/-Xmx(\d+)m/.exec(mapping[String(memory)]!.JavaOpts)![1]);
      t.ok(heap >= memory / 2 && memory - heap >= 512, `${memory} MiB task → ${heap} MiB heap`);
    }
    t.equal(javaHeapMiB(2048), 1536);
  },
);

t.test('autoscaling exists only when enabled and never scales to zero', async (t) => {
  t.equal(app.Resources.ScalableTarget!.Condition, 'AutoScalingEnabled');
  t.same(app.Resources.ScalableTarget!.Properties!.MinCapacity, { Ref: 'MinTasks' });
  t.equal(app.Parameters!.MinTasks!.MinValue, 1);
});

t.test('HTTP redirects to HTTPS when a certificate is given, with a TLS 1.2+ policy', async (t) => {
  const http = edge.Resources.HttpListener!.Properties!;
  t.match(http.DefaultActions, [
    {
      'Fn::If': [
        'HasCertificate',
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', StatusCode: 'HTTP_301' } },
        { Type: 'forward' },
      ],
    },
  ]);
  const https = edge.Resources.HttpsListener!;
  t.equal(https.Condition, 'HasCertificate');
  t.match(https.Properties, { Port: 443, Protocol: 'HTTPS', SslPolicy: /^ELBSecurityPolicy-TLS13-1-2/ });
});
