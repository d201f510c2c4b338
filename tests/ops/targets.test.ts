// Where logs and status look for their targets must match what the templates really declare: each root
// output passes on the nested stack's output of the same name, and the nested stack's resource behind
// it has the logical id and type resolveTargets falls back to while the stack is being created.
import t from 'tap';
import { TARGET_SOURCES } from '../../src/ops/targets.js';
import { NAT_MODES } from '../../src/ui/status-view.js';
import { plainTemplates } from '../support/cli.js';

const TIER_OF: Record<string, 'edge' | 'app' | 'data'> = {
  EdgeStack: 'edge',
  AppStack: 'app',
  DataStack: 'data',
};

t.test('every target source exists in the synthesized templates', async (t) => {
  const templates = plainTemplates();
  for (const [key, source] of Object.entries(TARGET_SOURCES)) {
    const rootOutput = templates.root.Outputs?.[source.output];
    t.same(
      rootOutput?.Value,
      { 'Fn::GetAtt': [source.stack, `Outputs.${source.output}`] },
      `${key}: root output ${source.output} is ${source.stack}'s output of the same name`,
    );
    t.equal(
      templates.root.Resources[source.stack]?.Type,
      'AWS::CloudFormation::Stack',
      `${source.stack} is a nested stack`,
    );
    const tier = templates[TIER_OF[source.stack] ?? 'app'];
    t.ok(tier.Outputs?.[source.output], `${key}: ${source.stack} outputs ${source.output}`);
    if (source.logicalId) {
      t.equal(
        tier.Resources[source.logicalId]?.Type,
        source.type,
        `${key}: ${source.stack}/${source.logicalId} is a ${String(source.type)}`,
      );
      const value = JSON.stringify(tier.Outputs?.[source.output]?.Value);
      t.match(
        value,
        new RegExp(`"${source.logicalId}"`),
        `${key}: the output is taken from ${source.logicalId}`,
      );
    }
  }
});

t.test("the task definition's container is called metabase (status reads its image)", async (t) => {
  const { app } = plainTemplates();
  const taskDefinition = Object.values(app.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
  const containers = taskDefinition?.Properties?.ContainerDefinitions as { Name: string }[] | undefined;
  t.same(
    containers?.map((c) => c.Name),
    ['metabase'],
  );
});

t.test('status describes every NAT mode the root parameter allows', async (t) => {
  const { root } = plainTemplates();
  const allowed = root.Parameters?.NatGateways?.AllowedValues as string[] | undefined;
  t.ok(allowed && allowed.length > 0, 'NatGateways is a root parameter with allowed values');
  t.same(Object.keys(NAT_MODES).sort(), [...(allowed ?? [])].sort());
});
