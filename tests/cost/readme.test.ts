// The README's cost figures are the tool's: the section between the cost markers is rendered from the
// estimate of the committed params files and must equal the README. UPDATE_README=1 rewrites it.
import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import { DEFAULT_ASSUMPTIONS } from '../../src/cost/assumptions.js';
import { estimateCost, type FreeTierModel } from '../../src/cost/estimate.js';
import { PRICE_LIST, regionPrices } from '../../src/cost/prices.js';
import { README_BEGIN, README_END, readmeCostSection, type Profile } from '../../src/cost/readme.js';
import { loadParams } from '../../src/params/load.js';
import { prodParamsFile } from '../support/prod-params.js';

const WHAT: Record<string, string> = {
  small: 'NAT instance (t4g.nano), 1 vCPU / 2 GiB on Fargate Spot, db.t4g.micro',
  dev: '1 NAT gateway, 1 vCPU / 2 GiB on Fargate, db.t4g.micro',
  prod: 'NAT gateway per AZ, 2 × 2 vCPU / 4 GiB, Multi-AZ db.t4g.small, Container Insights, domain + admin secret',
};

async function profile(name: string): Promise<Profile> {
  const prices = regionPrices(PRICE_LIST, 'us-east-1');
  if (!prices) throw new Error('us-east-1 prices');
  // prod's <...> placeholders are refused by validation: priced as filled in (domain, zone, admin).
  const values = await loadParams(name === 'prod' ? await prodParamsFile() : `params/${name}.json`);
  const at = (model: FreeTierModel) =>
    estimateCost(values, PRICE_LIST, 'us-east-1', prices, DEFAULT_ASSUMPTIONS, model);
  return { name, what: WHAT[name] ?? name, none: at('none'), credits: at('credits'), legacy: at('legacy') };
}

t.test('the README cost section equals what the estimate computes', async (t) => {
  const expected = readmeCostSection(await Promise.all(['small', 'dev', 'prod'].map(profile)));
  const readme = await readFile('README.md', 'utf8');
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  t.ok(begin >= 0 && end > begin, 'the README has the cost markers');
  const actual = readme.slice(begin, end + README_END.length);
  if (process.env.UPDATE_README === '1' && actual !== expected) {
    await writeFile('README.md', readme.slice(0, begin) + expected + readme.slice(end + README_END.length));
    t.comment('README.md cost section rewritten');
    return;
  }
  t.equal(actual, expected, 'run UPDATE_README=1 npx tap tests/cost/readme.test.ts to regenerate');
});
