// AWS SDK errors → what a user can do about them. Used by every command that talks to AWS.
import { CAPABILITIES } from './capabilities.js';

export interface ExplainedAwsError {
  /** the cause, for `<verb> <object>: <cause>` */
  cause: string;
  /** what to do next */
  hint: string;
}

/** What to do when the named stack does not exist; also said by commands that find it missing themselves. */
export const MISSING_STACK_HINT = 'Check --stack-name, --region and --profile; `deploy` creates the stack.';

/** The region a client resolved is not one AWS has (typically a profile's `region`, which only the SDK reads). */
export class RegionNotUsable extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'RegionNotUsable';
  }
}

interface SdkLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

export function explainAwsError(error: unknown): ExplainedAwsError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkLikeError;
  const name = e.name ?? '';
  const message = e.message ?? '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return {
      cause: 'no AWS credentials found',
      hint: 'Run `aws configure` or `aws sso login`, or set AWS_PROFILE / AWS_ACCESS_KEY_ID, then try again.',
    };
  }
  // By error name only: "expired" turns up in unrelated messages (an expired certificate, a presigned URL).
  if (/^(ExpiredToken|ExpiredTokenException|RequestExpired|TokenRefreshRequired)$/.test(name)) {
    return {
      cause: 'your AWS session token has expired',
      hint: 'Refresh your credentials (e.g. `aws sso login`) and run the command again.',
    };
  }
  if (/InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch/.test(name)) {
    return {
      cause: 'AWS does not recognise these credentials',
      hint: 'Check AWS_PROFILE / your access key, or log in again.',
    };
  }
  if (
    /AccessDenied|UnauthorizedOperation|AuthorizationError/i.test(name) ||
    /not authorized to perform/i.test(message)
  ) {
    const action = /perform: ([\w:*-]+)/.exec(message)?.[1];
    return {
      cause: action
        ? `access denied: your identity may not call ${action}`
        : `access denied (${message || name})`,
      hint: action
        ? `Grant ${action} to the role or user you deploy with, then retry.`
        : 'Grant the missing permission to the role or user you deploy with, then retry.',
    };
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(name)) {
    const attempts = e.$metadata?.attempts;
    return {
      cause: `AWS kept throttling the requests${attempts ? ` (gave up after ${attempts} attempts)` : ''}`,
      hint: 'Wait a minute and run the command again; another tool may be calling the same API heavily.',
    };
  }
  if (name === 'ValidationError' && /does not exist/.test(message)) {
    return { cause: message, hint: MISSING_STACK_HINT };
  }
  if (/InsufficientCapabilities/.test(name) || /Requires capabilities/.test(message)) {
    return {
      cause: message,
      hint: `This tool passes ${CAPABILITIES.join(', ')}; if you call CloudFormation yourself, pass the ones the message names.`,
    };
  }
  if (error instanceof RegionNotUsable) {
    return {
      cause: `the AWS region ${message}`,
      hint: 'Pass --region (e.g. --region eu-west-1), or fix `region` for your profile in ~/.aws/config (`aws configure set region eu-west-1`).',
    };
  }
  const networkCode = (error as { code?: string }).code;
  if (networkCode && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH/.test(networkCode)) {
    return {
      cause: `cannot reach the AWS endpoint (${networkCode})`,
      hint: 'Check your network, --region (a typo makes an unknown host) and --endpoint-url, then retry.',
    };
  }
  if (/Region is missing|Region.*not.*(set|configured)/i.test(message)) {
    return {
      cause: 'no AWS region configured',
      hint: 'Pass --region (e.g. --region eu-west-1) or set AWS_REGION.',
    };
  }
  const status = e.$metadata?.httpStatusCode;
  if (/Deserialization error|XML parse error|Unexpected token/i.test(message)) {
    return {
      cause: `the endpoint answered${status ? ` HTTP ${status}` : ''} with something that is not an AWS response`,
      hint: 'If you pass --endpoint-url or AWS_ENDPOINT_URL, check that endpoint (or its logs); behind a proxy, check the proxy. Then retry.',
    };
  }
  // Any other error AWS itself returned: its own words are the best cause we have.
  if (e.$metadata !== undefined && name !== '') {
    return {
      cause: `AWS answered ${name}${status ? ` (HTTP ${status})` : ''}: ${message}`,
      hint:
        status !== undefined && status >= 500
          ? 'AWS had a problem on its side: retry in a minute.'
          : 'Fix what AWS names above, then run the command again.',
    };
  }
  return undefined;
}
