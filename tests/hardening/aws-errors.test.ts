// GIVEN the AWS SDK failing in each way users meet WHEN a command runs THEN the user reads what went
// wrong and what to do, as `<verb>: <cause>` + a hint, with no stack trace.
import t from 'tap';
import { mockClient } from 'aws-sdk-client-mock';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { explainAwsError } from '../../src/aws/errors.js';
import { runCli } from '../support/cli.js';

function stsError(name: string, message: string, status = 400, attempts = 1): STSServiceException {
  return new STSServiceException({
    name,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts },
  });
}
function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });
}

const cases: { title: string; error: Error; cause: RegExp; hint: RegExp }[] = [
  {
    title: 'no credentials',
    error: Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    }),
    cause: /no AWS credentials found/,
    hint: /aws configure|aws sso login|AWS_PROFILE/,
  },
  {
    title: 'expired token',
    error: stsError('ExpiredTokenException', 'The security token included in the request is expired'),
    cause: /session token has expired/,
    hint: /Refresh your credentials/,
  },
  {
    title: 'access denied names the missing action',
    error: stsError(
      'AccessDenied',
      'User: arn:aws:iam::1:user/x is not authorized to perform: sts:GetCallerIdentity',
      403,
    ),
    cause: /may not call sts:GetCallerIdentity/,
    hint: /Grant sts:GetCallerIdentity/,
  },
  {
    title: 'no region at all',
    error: new Error('Region is missing'),
    cause: /no AWS region configured/,
    hint: /--region/,
  },
  {
    title: 'an invalid region (no such host)',
    error: networkError('ENOTFOUND'),
    cause: /cannot reach the AWS endpoint \(ENOTFOUND\)/,
    hint: /--region/,
  },
  {
    title: 'endpoint refused',
    error: networkError('ECONNREFUSED'),
    cause: /cannot reach the AWS endpoint \(ECONNREFUSED\)/,
    hint: /--endpoint-url/,
  },
  {
    title: 'throttling, after the SDK gave up',
    error: stsError('Throttling', 'Rate exceeded', 400, 8),
    cause: /kept throttling the requests \(gave up after 8 attempts\)/,
    hint: /Wait a minute/,
  },
  {
    title: 'a stack that does not exist',
    error: stsError('ValidationError', 'Stack with id metabase-dev does not exist'),
    cause: /does not exist/,
    hint: /--stack-name, --region and --profile/,
  },
  {
    title: 'insufficient capabilities',
    error: stsError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_IAM]'),
    cause: /Requires capabilities/,
    hint: /CAPABILITY_IAM/,
  },
  {
    title: 'a template URL CloudFormation cannot read',
    error: stsError('ValidationError', 'TemplateURL must be a supported URL.'),
    cause: /AWS answered ValidationError \(HTTP 400\): TemplateURL must be a supported URL/,
    hint: /Fix what AWS names/,
  },
  {
    title: 'a body that is not an AWS answer (a proxy page, a broken stand-in)',
    error: Object.assign(
      new Error(
        '@aws-sdk XML parse error: mismatched tags. Deserialization error: to see the raw response...',
      ),
      { $metadata: { httpStatusCode: 500 } },
    ),
    cause: /answered HTTP 500 with something that is not an AWS response/,
    hint: /--endpoint-url/,
  },
];

for (const { title, error, cause, hint } of cases) {
  t.test(`explainAwsError: ${title}`, async (t) => {
    const explained = explainAwsError(error);
    t.ok(explained, 'recognised');
    t.match(explained?.cause, cause);
    t.match(explained?.hint, hint);
  });
}

t.test(
  '"expired" in an unrelated message is not a session token problem; each expired-token name is',
  async (t) => {
    const cert = explainAwsError(stsError('ValidationError', 'The certificate arn:aws:acm:... has expired'));
    t.notMatch(cert?.cause, /session token/);
    for (const name of ['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']) {
      t.match(explainAwsError(stsError(name, 'x'))?.cause, /session token has expired/, name);
    }
  },
);

t.test('the capabilities hint names every capability the tool passes', async (t) => {
  t.match(
    explainAwsError(
      stsError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_AUTO_EXPAND]'),
    )?.hint,
    /CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND/,
  );
});

t.test('--role-arn and destroy --bucket need a value', async (t) => {
  for (const argv of [
    ['deploy', '--env', 'dev', '--role-arn'],
    ['destroy', '--env', 'dev', '--bucket'],
  ]) {
    const result = await runCli(argv);
    t.equal(result.code, 1, argv.join(' '));
    t.match(result.stderr, /Not enough arguments following: (role-arn|bucket)/);
  }
});

t.test('an error that is not from AWS is not dressed up as one', async (t) => {
  t.equal(explainAwsError(new TypeError('x is undefined')), undefined);
  t.equal(explainAwsError('a string'), undefined);
});

t.test('through the CLI: deploy with each failure prints two lines and exits 1', async (t) => {
  const sts = mockClient(STSClient);
  t.teardown(() => sts.restore());
  for (const { title, error, cause } of cases) {
    sts.reset();
    sts.on(GetCallerIdentityCommand).rejects(error);
    const result = await runCli([
      'deploy',
      '--env',
      'dev',
      '--yes',
      '--region',
      'us-east-1',
      '--no-wait-healthy',
    ]);
    t.equal(result.code, 1, `${title}: exit 1`);
    t.match(
      result.stderr,
      new RegExp(`^deploy metabase-dev: [^\\n]*${cause.source}`),
      `${title}: starts with the verb, the stack and the cause`,
    );
    t.equal(result.stderr.trim().split('\n').length, 2, `${title}: cause + what to do, nothing else`);
    t.notMatch(result.stderr, /\n\s+at /, `${title}: no stack trace`);
  }
});

t.test('through the CLI: drift on a missing stack', async (t) => {
  const cfn = mockClient(CloudFormationClient);
  t.teardown(() => cfn.restore());
  cfn.on(DescribeStacksCommand).rejects(
    new CloudFormationServiceException({
      name: 'ValidationError',
      message: 'Stack with id metabase-dev does not exist',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    }),
  );
  const result = await runCli(['drift', '--env', 'dev', '--region', 'us-east-1']);
  t.equal(result.code, 1);
  t.match(result.stderr, /^drift metabase-dev: stack does not exist/);
});

t.test(
  'through the CLI: nothing listening at --endpoint-url is a network failure of that stack, for every AWS command',
  async (t) => {
    // A port just closed: connect() is refused with a real Node system error (code and syscall 'connect'),
    // which is not a file to check.
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const endpoint = ['--region', 'us-east-1', '--endpoint-url', `http://127.0.0.1:${String(port)}`];
    // The SDK reads credentials from the process environment.
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_MAX_ATTEMPTS: '1',
    });
    t.teardown(() => {
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_MAX_ATTEMPTS'])
        if (saved[key] === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = saved[key];
    });
    for (const argv of [
      ['deploy', '--env', 'dev', '--no-execute'],
      ['destroy', '--env', 'dev', '--yes'],
      ['drift', '--env', 'dev'],
      ['status', '--env', 'dev'],
      ['watch', '--env', 'dev'],
      ['logs', '--env', 'dev'],
      ['snapshots', '--env', 'dev'],
    ]) {
      const result = await runCli([...argv, ...endpoint]);
      const command = argv[0] ?? '';
      t.equal(result.code, 1, `${command}: exit 1`);
      t.match(
        result.stderr,
        new RegExp(`^${command} metabase-dev: cannot reach the AWS endpoint \\(ECONNREFUSED\\)`),
        `${command}: the verb, the stack and the network cause`,
      );
      t.notMatch(result.stderr, /Check the path|cannot read it/, `${command}: not a file error`);
    }
  },
);
