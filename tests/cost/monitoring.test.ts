// GIVEN params with the operations features on WHEN we estimate THEN the alarm, key, access-log and
// flow-log lines equal hand-worked sums, and the alarm metrics priced are those the templates create.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { DEFAULT_ASSUMPTIONS } from '../../src/cost/assumptions.js';
import { estimateCost, type CostParams } from '../../src/cost/estimate.js';
import { alarmMetricCount } from '../../src/cost/monitoring.js';
import { PRICE_LIST, regionPrices } from '../../src/cost/prices.js';
import { validateParams } from '../../src/params/validate.js';
import { plainTemplates, resourcesOfType } from '../support/cli.js';
import { existingResources } from '../support/conditions.js';

async function values(overrides: Record<string, unknown>): Promise<CostParams & Record<string, string>> {
  const raw = { ...(JSON.parse(await readFile('params/dev.json', 'utf8')) as object), ...overrides };
  const result = validateParams(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.values;
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

t.test('AlarmEmail adds the topic key, FlowLogs the ingestion and storage; SNS email is free', async (t) => {
  const params = await values({ AlarmEmail: 'ops@example.com', FlowLogs: 'true' });
  const result = estimateCost(
    params,
    PRICE_LIST,
    'us-east-1',
    regionPrices(PRICE_LIST, 'us-east-1')!,
    DEFAULT_ASSUMPTIONS,
    'legacy',
  );
  const line = (id: string) => result.lines.find((l) => l.id === id);
  t.ok(close(line('alarm-topic-key')!.monthly, 1), '1 KMS key × $1');
  // 2 GB × 0.50 + 2 × 14 × 24 / 730 = 0.920548 GB × 0.03
  t.ok(close(line('flow-logs')!.monthly, 1.027616438), `${line('flow-logs')!.monthly}`);
  t.equal(line('access-logs'), undefined, 'no bucket, no line');
  const off = estimateCost(
    await values({}),
    PRICE_LIST,
    'us-east-1',
    regionPrices(PRICE_LIST, 'us-east-1')!,
    DEFAULT_ASSUMPTIONS,
    'legacy',
  );
  t.notOk(off.lines.some((l) => ['alarm-topic-key', 'flow-logs', 'access-logs'].includes(l.id)));
});

t.test('the alarm metrics priced are the metrics of the alarms the templates create', async (t) => {
  const templates = plainTemplates();
  const tiers = [templates.network, templates.edge, templates.data, templates.app];
  for (const overrides of [
    {},
    { ContainerInsights: 'enabled' },
    { NatGateways: 'instance' },
    { NatGateways: 'instance', ContainerInsights: 'enabled', AlarmEmail: 'ops@example.com' },
  ]) {
    const params = await values(overrides);
    const conditionValues: Record<string, string> = {
      ...params,
      AlarmTopicArn: params.AlarmEmail === '' ? '' : 'arn:aws:sns:us-east-1:111122223333:t',
      'AWS::Region': 'us-east-1',
    };
    for (let i = 1; i <= 4; i += 1) {
      conditionValues[`IngressCidr${i}`] = i === 1 ? '0.0.0.0/0' : '';
      conditionValues[`DataSourcePort${i}`] = '';
    }
    let metrics = 0;
    for (const template of tiers) {
      const present = existingResources(template, conditionValues);
      for (const [id, alarm] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
        if (!present.includes(id)) continue;
        const queries = alarm.Properties!.Metrics as { MetricStat?: unknown }[] | undefined;
        metrics += queries ? queries.filter((q) => q.MetricStat !== undefined).length : 1;
      }
    }
    t.equal(alarmMetricCount(params), metrics, JSON.stringify(overrides));
  }
});
