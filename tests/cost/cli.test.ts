import t from 'tap';
import { runCli } from '../support/cli.js';

t.test('cost --env dev prints a table with both totals', async (t) => {
  const result = await runCli(['cost', '--env', 'dev']);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /cost params\/dev\.json: US East \(N\. Virginia\) \(us-east-1\)/);
  t.match(result.stdout, /total a month\s+\$118\.55\s+-\$31\.74\s+\$86\.81/);
  t.match(result.stdout, /Assumptions:/);
});

t.test('cost --json gives the lines and totals as numbers', async (t) => {
  const result = await runCli(['cost', '--env', 'prod', '--json', '--region', 'eu-west-1']);
  t.equal(result.code, 0, result.stderr);
  const parsed = JSON.parse(result.stdout) as {
    region: string;
    totals: { monthly: number };
    lines: { id: string }[];
  };
  t.equal(parsed.region, 'eu-west-1');
  t.type(parsed.totals.monthly, 'number');
  t.ok(parsed.lines.some((l) => l.id === 'container-insights'));
});

t.test('cost --params takes a file; an unknown region is a clear error', async (t) => {
  const ok = await runCli(['cost', '--params', 'params/small.json']);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /NAT instance \(t4g\.nano\) hours/);
  const bad = await runCli(['cost', '--env', 'dev', '--region', 'mars-1']);
  t.equal(bad.code, 1);
  t.match(
    bad.stderr,
    /^cost --region mars-1: no prices for this region\nUse one of eu-central-1, eu-west-1, us-east-1, us-west-2/,
  );
  const missing = await runCli(['cost', '--env', 'nope']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /cost params\/nope\.json: file not found/);
});
