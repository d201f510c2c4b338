// The region list is AWS's own (cfn-lint's bundled endpoint data), and the checks name the fix.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { endpointProblem, KNOWN_REGIONS, regionProblem } from '../../src/params/target.js';

t.test('KNOWN_REGIONS is exactly the region list cfn-lint bundles from the AWS endpoints data', async (t) => {
  const fromCfnLint = JSON.parse(
    execFileSync(
      'python3',
      ['-c', 'import json; from cfnlint.helpers import REGIONS; print(json.dumps(sorted(REGIONS)))'],
      {
        encoding: 'utf8',
      },
    ),
  ) as string[];
  t.same([...KNOWN_REGIONS].sort(), fromCfnLint);
});

t.test('regions: known ones pass; typos, spaces and underscores get a did-you-mean', async (t) => {
  t.equal(regionProblem('eu-west-1'), undefined);
  t.match(regionProblem('eu-wst-1'), /"eu-wst-1" is not a region AWS knows; did you mean eu-west-1\?/);
  t.match(regionProblem('eu west-1'), /is not a region name .*did you mean eu-west-1\?/);
  t.match(regionProblem('us_east_1'), /did you mean us-east-1\?/);
  t.match(regionProblem('mars-north-9'), /is not a region AWS knows$/);
});

t.test('endpoints: http(s) URLs with a host only', async (t) => {
  t.equal(endpointProblem('http://localhost:5000'), undefined);
  t.equal(endpointProblem('https://cloudformation.eu-west-1.amazonaws.com'), undefined);
  t.match(endpointProblem('localhost:5000'), /not an http or https URL/);
  t.match(endpointProblem('not a url'), /is not a URL/);
  t.match(endpointProblem('ftp://example.com'), /not an http or https URL/);
});
