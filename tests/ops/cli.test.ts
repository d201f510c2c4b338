// logs and status through the CLI's argument parsing: --help, the npm scripts, the refusals that need no
// AWS call, and a missing stack as CloudFormation reports it (a loopback endpoint that records requests).
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { runCli } from '../support/cli.js';

const requests: string[] = [];
const server = createServer((request: IncomingMessage, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString()));
  request.on('end', () => {
    requests.push(body);
    response
      .writeHead(400, { 'content-type': 'text/xml' })
      .end(
        '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id metabase-dev does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
      );
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
const address = server.address();
const endpoint = `http://127.0.0.1:${String(typeof address === 'object' && address ? address.port : 0)}`;
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example',
  AWS_REGION: 'us-east-1',
});

t.test('npm run logs / npm run status exist like the other commands', async (t) => {
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> };
  t.equal(pkg.scripts.logs, 'npm run -s build && node dist/cli/bin.js logs');
  t.equal(pkg.scripts.status, 'npm run -s build && node dist/cli/bin.js status');
});

t.test('--help lists each command and its flags', async (t) => {
  const top = await runCli(['--help']);
  t.match(top.stdout, /metabase-aws logs +Print the Metabase container logs/);
  t.match(top.stdout, /metabase-aws status +Show the deployed Metabase at a glance/);
  const logs = await runCli(['logs', '--help']);
  t.equal(logs.code, 0);
  for (const flag of [
    '--since',
    '--follow',
    '--filter',
    '--json',
    '--stack-name',
    '--env',
    '--region',
    '--profile',
  ])
    t.match(logs.stdout, flag);
  t.match(logs.stdout, /\[default: "10m"\]/);
  const status = await runCli(['status', '--help']);
  t.equal(status.code, 0);
  for (const flag of ['--json', '--stack-name', '--env', '--region', '--profile', '--endpoint-url'])
    t.match(status.stdout, flag);
});

t.test('mistakes in the flags: exit 1, message and hint, no stack trace, AWS hears nothing', async (t) => {
  requests.length = 0;
  const cases: [string[], RegExp][] = [
    [
      ['logs', '--since', 'yesterday'],
      /^logs --since: "yesterday" is neither a duration nor an ISO time\nPass e\.g\. --since 30m/,
    ],
    [['logs', '--params', 'params/dev.json'], /^logs --params: logs does not read params files/],
    [['status', '--params', 'params/dev.json'], /^status --params: status does not read params files/],
    [['status', '--stack-name', 'my_stack'], /^status --stack-name: /],
    [['logs', '--stack-name', '1abc'], /^logs --stack-name: /],
    [['logs', '--filter'], /Not enough arguments following: filter/],
  ];
  for (const [argv, expected] of cases) {
    const result = await runCli([...argv, '--endpoint-url', endpoint]);
    t.equal(result.code, 1, argv.join(' '));
    t.match(result.stderr, expected);
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
  t.equal(requests.length, 0);
});

t.test('a stack that does not exist: exit 1, named, with the hint', async (t) => {
  for (const command of ['logs', 'status']) {
    requests.length = 0;
    const result = await runCli([command, '--env', 'dev', '--endpoint-url', endpoint]);
    t.equal(result.code, 1);
    t.equal(
      result.stderr,
      `${command} metabase-dev: stack does not exist\nCheck --stack-name, --region and --profile; \`deploy\` creates the stack.\n`,
    );
    t.same(
      requests,
      ['Action=DescribeStacks&Version=2010-05-15&StackName=metabase-dev'],
      'one DescribeStacks, nothing after it',
    );
  }
});
