// The AWS target a command is pointed at, checked before any SDK client exists: a region with a space or
// an underscore, or an endpoint that is not an http(s) URL, makes the SDK throw deep inside a request
// (a stack trace), or quietly call a host nobody meant. Pure: the CLI turns the problems into UserErrors.
import { closestName } from './suggest.js';

/**
 * Every region name AWS publishes, as cfn-lint 1.51.0 bundles them (`cfnlint.helpers.REGIONS`, built from
 * the AWS endpoints data; tests/params/target.test.ts compares this list with it), including the
 * partitions (China, GovCloud, ISO, European Sovereign Cloud) a user of those partitions would pass.
 */
export const KNOWN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-central-2',
  'eu-isoe-west-1',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eusc-de-east-1',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-iso-west-1',
  'us-isob-east-1',
  'us-isob-west-1',
  'us-isof-east-1',
  'us-isof-south-1',
  'us-west-1',
  'us-west-2',
];

/** Why `region` cannot be used, with a did-you-mean; undefined when it is a known region. */
export function regionProblem(region: string): string | undefined {
  if (KNOWN_REGIONS.includes(region)) return undefined;
  const guess = closestName(region.trim().replaceAll('_', '-').toLowerCase(), KNOWN_REGIONS);
  const shape = /^[a-z]{2,4}(-[a-z]+)+-\d+$/.test(region)
    ? 'is not a region AWS knows'
    : 'is not a region name (lower-case letters, digits and hyphens, like eu-west-1)';
  return `"${region}" ${shape}${guess ? `; did you mean ${guess}?` : ''}`;
}

/** Why `url` cannot be an endpoint override; undefined for an http(s) URL with a host. */
export function endpointProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL (write it like http://localhost:5000)`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `"${url}" is not an http or https URL (write it like http://localhost:5000)`;
  if (parsed.hostname === '') return `"${url}" has no host name`;
  return undefined;
}
