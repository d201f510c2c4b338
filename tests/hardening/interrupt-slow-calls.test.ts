// Ctrl-C during a slow poll is honoured at once (issue 18): an AWS read that hangs, or that the SDK keeps
// retrying on throttling, must not hold the command (or the process) until it answers. Tested with the
// real SDK clients, against request handlers that never answer, and through the built CLI against a local
// server that never answers.
import t from 'tap';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { ApiCallCounter, instrument, InterruptSwitch, isRead } from '../../src/aws/session.js';
import { watchStack } from '../../src/deploy/watch.js';
import { fakeClock } from '../../src/deploy/clock.js';
import { waitForChangeSet } from '../../src/deploy/changeset.js';
import { FakeCloudFormation } from '../deploy/fakes.js';

const DESCRIBE_STACKS_OK = `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
<DescribeStacksResult><Stacks/></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
</DescribeStacksResponse>`;
const CREATE_CHANGE_SET_OK = `<CreateChangeSetResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
<CreateChangeSetResult><Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/c/1</Id><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/s/1</StackId></CreateChangeSetResult>
<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></CreateChangeSetResponse>`;

function ok(body: string): { response: RawResponse } {
  return {
    response: httpResponse({
      statusCode: 200,
      headers: { 'content-type': 'text/xml' },
      body: Buffer.from(body),
    }),
  };
}

interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What a request handler answers: the SDK reads the status, the headers and the body bytes. */
function httpResponse(response: RawResponse): RawResponse {
  return response;
}

/** A real CloudFormation client whose transport is `handle`, with the session's middleware. */
function client(
  handle: () => Promise<{ response: RawResponse }>,
  interrupt: InterruptSwitch,
): CloudFormationClient {
  const cf = new CloudFormationClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: { handle },
    maxAttempts: 8,
    retryMode: 'adaptive',
  });
  instrument(cf, 'cloudformation', new ApiCallCounter(), interrupt);
  return cf;
}

/** Settles with the outcome, or with 'still waiting' after `ms`: a hang is a failed assertion, not a stuck test. */
async function within<T>(ms: number, work: Promise<T>): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>(
    (resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)),
  );
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

t.test('a read in flight rejects as soon as Ctrl-C fires', async (t) => {
  const interrupt = new InterruptSwitch();
  const controller = new AbortController();
  interrupt.interruptOn(controller.signal);
  let asked = 0;
  const cf = client(() => {
    asked++;
    return new Promise(() => undefined);
  }, interrupt);
  const call = cf.send(new DescribeStacksCommand({ StackName: 'metabase-dev' })).then(
    () => 'answered',
    (error: unknown) => (error as Error).name,
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(asked, 1, 'the request went out');
  controller.abort();
  t.equal(await within(1000, call), 'AbortError');
});

t.test('the SDK stops retrying a throttled read on Ctrl-C', async (t) => {
  const interrupt = new InterruptSwitch();
  const controller = new AbortController();
  interrupt.interruptOn(controller.signal);
  let asked = 0;
  const cf = client(() => {
    asked++;
    if (asked === 2) controller.abort();
    return Promise.resolve({
      response: httpResponse({
        statusCode: 400,
        headers: { 'content-type': 'text/xml' },
        body: Buffer.from(
          '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>',
        ),
      }),
    });
  }, interrupt);
  const call = cf.send(new DescribeStacksCommand({})).then(
    () => 'answered',
    (error: unknown) => (error as Error).name,
  );
  const outcome = await within(3000, call);
  t.not(outcome, 'still waiting', 'the call ended');
  const after = asked;
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(asked, after, 'no attempt after Ctrl-C');
  t.ok(asked < 8, `${asked} of 8 attempts made`);
});

t.test('writes are not cut short, and calls after Ctrl-C run normally', async (t) => {
  const interrupt = new InterruptSwitch();
  const controller = new AbortController();
  interrupt.interruptOn(controller.signal);
  let answer: (() => void) | undefined;
  const slowWrite = client(
    () =>
      new Promise((resolve) => {
        answer = () => resolve(ok(CREATE_CHANGE_SET_OK));
      }),
    interrupt,
  );
  const write = slowWrite.send(
    new CreateChangeSetCommand({ StackName: 's', ChangeSetName: 'c', TemplateURL: 'https://x' }),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort();
  await new Promise((resolve) => setTimeout(resolve, 20));
  answer?.();
  const created = await within(1000, write);
  t.not(created, 'still waiting');
  t.match(created, { Id: /changeSet/ }, 'the change set id is known, so deploy can discard it');

  const later = client(() => Promise.resolve(ok(DESCRIBE_STACKS_OK)), interrupt);
  t.match(await later.send(new DescribeStacksCommand({})), { Stacks: [] }, 'a read after Ctrl-C answers');
});

t.test('only reads count as reads', async (t) => {
  for (const name of [
    'DescribeStacksCommand',
    'ListChangeSetsCommand',
    'GetTemplateCommand',
    'FilterLogEventsCommand',
  ])
    t.ok(isRead(name), name);
  for (const name of [
    'CreateChangeSetCommand',
    'DeleteStackCommand',
    'ExecuteChangeSetCommand',
    'PutObjectCommand',
    'Describer',
    undefined,
  ])
    t.notOk(isRead(name), String(name));
});

t.test('the pollers treat a read cut short by Ctrl-C as the interruption, not as a failure', async (t) => {
  const controller = new AbortController();
  const aborting = <T>(): Promise<T> =>
    new Promise<T>((_, reject) => {
      controller.signal.addEventListener('abort', () => {
        reject(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
      });
    });

  const cf = new FakeCloudFormation(fakeClock());
  cf.stackEvents = () => aborting();
  const watching = watchStack(cf, 'arn:stack/root', { clock: fakeClock(), signal: controller.signal });
  setImmediate(() => controller.abort());
  const watched = await within(1000, watching);
  t.match(watched, { interrupted: true }, 'watch: interrupted, not thrown');

  const other = new AbortController();
  const cf2 = new FakeCloudFormation(fakeClock());
  cf2.describeChangeSet = () =>
    new Promise((_, reject) =>
      other.signal.addEventListener('abort', () => {
        reject(Object.assign(new Error('x'), { name: 'AbortError' }));
      }),
    );
  const waiting = waitForChangeSet(cf2, 'cs', { clock: fakeClock(), signal: other.signal });
  setImmediate(() => other.abort());
  t.same(await within(1000, waiting), { kind: 'interrupted' }, 'change set wait: interrupted');

  const cf3 = new FakeCloudFormation(fakeClock());
  cf3.stackEvents = () => Promise.reject(new Error('network down'));
  await t.rejects(
    watchStack(cf3, 'arn:stack/root', { clock: fakeClock(), signal: new AbortController().signal }),
    /network down/,
    'an error without Ctrl-C is still an error',
  );
});

const BIN = join(process.cwd(), 'dist/cli/bin.js');

t.test('through the CLI: Ctrl-C while AWS does not answer ends watch at once with 130', async (t) => {
  t.ok(existsSync(BIN), 'the CLI is built (npm run build)');
  const requests: IncomingMessage[] = [];
  let firstRequest: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (firstRequest = resolve));
  // Answers nothing, ever: the read hangs until the client gives up on it.
  const server = createServer((request) => {
    requests.push(request);
    firstRequest();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  const child = spawn(
    process.execPath,
    [
      BIN,
      'watch',
      '--stack-name',
      'metabase-dev',
      '--region',
      'us-east-1',
      '--endpoint-url',
      `http://127.0.0.1:${port}`,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_PROFILE: '',
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.equal(await within(15_000, arrived), undefined, 'the CLI asked AWS');
  const sent = Date.now();
  child.kill('SIGINT');
  const code = await within(3000, exited);
  if (code === 'still waiting') child.kill('SIGKILL');
  t.equal(code, 130, `exit code after Ctrl-C (${Date.now() - sent} ms); stderr: ${stderr}`);
  t.match(stderr, /interrupted/);
  t.notMatch(stderr, /\n\s+at /, 'no trace');
  t.equal(requests.length, 1, 'nothing asked after Ctrl-C');
});
