import t from 'tap';
import { runCli } from '../support/cli.js';
import { prodParamsFile } from '../support/prod-params.js';

t.test('cost --env dev: list prices unless a free tier is asked for', async (t) => {
  const result = await runCli(['cost', '--env', 'dev']);
  t.equal(result.code, 0, result.stderr);
  t.match(result.stdout, /cost params\/dev\.json: US East \(N\. Virginia\) \(us-east-1\)/);
  t.match(result.stdout, /total a month\s+\$118\.55\n/, 'none is the default');
  t.notMatch(result.stdout, /always free|after it|-\$0\.00/, 'none: no free-tier columns');
  t.match(result.stdout, /\$118\.55 a month at list prices \(--free-tier none/);
  t.match(result.stdout, /Assumptions:/);
});

t.test('cost --free-tier credits|legacy|none, and a wrong value', async (t) => {
  // credits: the always-free CloudWatch 5 GB takes 1 GB of ingestion ($0.50) and 0.46 GB of storage
  // ($0.0138) off, the 10 free alarm metrics the 7 alarms ($0.70); $200 then pays 200 / 117.336 = 1.70 months; six months cost 6 × 117.3360 - 200 = 504.01.
  const credits = await runCli(['cost', '--env', 'dev', '--free-tier', 'credits']);
  t.equal(credits.code, 0, credits.stderr);
  t.match(credits.stdout, /total a month\s+\$118\.55\s+-\$1\.21\s+\$117\.34/);
  t.match(
    credits.stdout,
    /\$200 of credits .* pay it for the first 1\.7 months, so the first 6 months cost \$504\.01 in all/,
  );
  const legacy = await runCli(['cost', '--env', 'dev', '--free-tier', 'legacy']);
  t.match(legacy.stdout, /total a month\s+\$118\.55\s+-\$31\.74\s+\$86\.81/);
  t.match(legacy.stdout, /all past it by now/);
  const json = await runCli(['cost', '--env', 'dev', '--free-tier', 'credits', '--json']);
  const doc = JSON.parse(json.stdout) as { freeTierModel: string; credits: { monthsCovered: number } };
  t.equal(doc.freeTierModel, 'credits');
  t.ok(Math.abs(doc.credits.monthsCovered - 200 / 117.336) < 0.01);
  const wrong = await runCli(['cost', '--env', 'dev', '--free-tier', '12-months']);
  t.equal(wrong.code, 1);
  t.match(wrong.stderr, /free-tier/);
});

t.test('cost --json gives the lines and totals as numbers', async (t) => {
  const result = await runCli([
    'cost',
    '--params',
    await prodParamsFile(),
    '--json',
    '--region',
    'eu-west-1',
  ]);
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
