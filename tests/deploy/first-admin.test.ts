// deploy --env prod with a domain and a zone, over in-memory AWS and a fake Metabase: it ends with
// "Metabase is up: https://<domain>" after claiming /setup for AdminEmail, the generated password goes to
// the stack's admin secret before it goes to Metabase, and it is printed nowhere. The fake Metabase
// answers as metabase/metabase's setup API does (src/metabase/setup/api.clj): setup-token while no user
// exists, 200 for the first POST /api/setup, 403 once a user exists.
import t from 'tap';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand, type DeployOptions } from '../../src/cli/commands/deploy.js';
import type { FetchInit, FetchLike } from '../../src/deploy/health.js';
import { captureIo } from '../support/cli.js';
import { PROD_FILLED_IN, prodParamsFile } from '../support/prod-params.js';
import { createTimeline, fakeWorld, type FakeWorld } from './fakes.js';

const DOMAIN = PROD_FILLED_IN.DomainName;
const ALB = 'metabase-prod-alb-123456.eu-west-1.elb.amazonaws.com';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:metabase-prod-admin-AbCdEf';
const SESSION_ID = '5f0c2a1e-0000-4000-8000-5e55102d0001';

interface FakeMetabase {
  fetch: FetchLike;
  requests: { url: string; init: FetchInit }[];
  /** what happened, in order, across Metabase and Secrets Manager */
  log: string[];
  setupBody?: { token: string; user: { email: string; password: string }; prefs: { site_name: string } };
}

function fakeMetabase(world: FakeWorld, state: { hasUser: boolean; unresolvable?: boolean }): FakeMetabase {
  const token = '0d8e2f7c-1b2a-4c3d-9e8f-7a6b5c4d3e2f';
  let healthChecks = 0;
  const metabase: FakeMetabase = {
    requests: [],
    log: [],
    fetch: async () => ({ status: 500, text: async () => '' }),
  };
  const put = world.secrets.putSecretValue.bind(world.secrets);
  world.secrets.putSecretValue = async (arn, value) => {
    metabase.log.push('secret written');
    await put(arn, value);
  };
  const json = (status: number, body: unknown) => ({ status, text: async () => JSON.stringify(body) });
  metabase.fetch = async (url, init) => {
    metabase.requests.push({ url, init });
    if (state.unresolvable && init.connectTo === undefined)
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { cause: { code: 'ENOTFOUND' } });
    const path = new URL(url).pathname;
    if (path === '/api/health')
      return ++healthChecks < 2 ? json(503, { status: 'initializing' }) : json(200, { status: 'ok' });
    if (path === '/api/session/properties')
      return json(200, {
        'has-user-setup': state.hasUser,
        'setup-token': state.hasUser ? null : token,
        version: {},
      });
    if (path === '/api/setup' && init.method === 'POST') {
      metabase.log.push('setup posted');
      if (state.hasUser)
        return json(
          403,
          'The /api/setup route can only be used to create the first user, however a user currently exists.',
        );
      metabase.setupBody = JSON.parse(init.body ?? '{}') as FakeMetabase['setupBody'];
      if (metabase.setupBody?.token !== token)
        return json(400, { errors: { token: 'Token does not match the setup token.' } });
      state.hasUser = true;
      return json(200, { id: SESSION_ID });
    }
    return json(404, 'Not found');
  };
  return metabase;
}

const options = async (o: Partial<DeployOptions> = {}): Promise<DeployOptions> => ({
  params: await prodParamsFile(),
  stackName: 'metabase-prod',
  yes: true,
  execute: true,
  waitHealthy: true,
  allowReplacement: false,
  json: false,
  ...o,
});

function deployedWorld(outputs: Record<string, string> = {}): FakeWorld {
  const world = fakeWorld();
  world.cf.timeline = createTimeline();
  world.cf.finalOutputs = {
    MetabaseUrl: `https://${DOMAIN}`,
    LoadBalancerDnsName: ALB,
    AdminSecretArn: SECRET,
    ...outputs,
  };
  return world;
}

t.test(
  'prod with a domain and a zone: claims /setup for AdminEmail, ends "Metabase is up: https://<domain>"',
  async (t) => {
    const world = deployedWorld();
    const metabase = fakeMetabase(world, { hasUser: false });
    const { io, out } = captureIo();
    const code = await deployCommand(await options(), io, {
      session: world.session,
      clock: world.clock,
      fetch: metabase.fetch,
    });
    t.equal(code, 0, out.stderr);
    t.match(
      out.stdout,
      new RegExp(
        `Metabase is up: https://${DOMAIN.replace(/\./g, '\\.')} \\(healthy [^)]* after the stack was ready; the deploy took [^)]* in all\\)\\n$`,
      ),
    );
    t.equal(metabase.requests[0]?.url, `https://${DOMAIN}/api/health`, 'the health wait probes the domain');

    t.same(
      metabase.log,
      ['secret written', 'setup posted'],
      'the password is stored before Metabase gets it',
    );
    const written = world.secrets.written;
    t.equal(written.length, 1);
    t.equal(written[0]?.secretArn, SECRET);
    const stored = JSON.parse(written[0]!.value) as { username: string; password: string };
    t.same(stored.username, PROD_FILLED_IN.AdminEmail);
    t.match(metabase.setupBody, {
      user: { email: PROD_FILLED_IN.AdminEmail, password: stored.password },
      prefs: { site_name: 'Metabase' },
    });
    t.ok(
      stored.password.length >= 32 &&
        /[a-z]/.test(stored.password) &&
        /[A-Z]/.test(stored.password) &&
        /\d/.test(stored.password),
    );

    t.match(
      out.stdout,
      `Metabase admin: ${PROD_FILLED_IN.AdminEmail}; its generated password is in Secrets Manager: ${SECRET}`,
    );
    for (const text of [out.stdout, out.stderr]) {
      t.notOk(text.includes(stored.password), 'the password is printed nowhere');
      t.notOk(text.includes(SESSION_ID), 'nor the session Metabase opened');
    }
    t.notMatch(out.stdout, /CNAME/, 'the zone carries the record: nothing to create by hand');
    t.notMatch(out.stderr, /warning/, 'HTTPS on a domain: no plain-HTTP warning');
  },
);

t.test('--json: the document names the setup, never the password', async (t) => {
  const world = deployedWorld();
  const metabase = fakeMetabase(world, { hasUser: false });
  const { io, out } = captureIo();
  t.equal(
    await deployCommand(await options({ json: true }), io, {
      session: world.session,
      clock: world.clock,
      fetch: metabase.fetch,
    }),
    0,
  );
  const document = JSON.parse(out.stdout) as {
    setup: unknown;
    apiCalls: { byOperation: Record<string, number> };
  };
  t.same(document.setup, { kind: 'done', adminEmail: PROD_FILLED_IN.AdminEmail, secretArn: SECRET });
  t.equal(document.apiCalls.byOperation['secretsmanager:PutSecretValue'], 1);
  const password = (JSON.parse(world.secrets.written[0]!.value) as { password: string }).password;
  t.notOk(out.stdout.includes(password) || out.stderr.includes(password));
});

t.test('a Metabase already set up is left alone: no password written, no setup call', async (t) => {
  const world = deployedWorld();
  const metabase = fakeMetabase(world, { hasUser: true });
  const { io, out } = captureIo();
  t.equal(
    await deployCommand(await options(), io, {
      session: world.session,
      clock: world.clock,
      fetch: metabase.fetch,
    }),
    0,
  );
  t.same(world.secrets.written, []);
  t.same(metabase.log, []);
  t.match(
    out.stdout,
    /Metabase is already set up: left alone\.\nMetabase is up: https:\/\/metabase\.example\.com/,
  );
});

t.test('without AdminEmail: deploy says plainly that /setup is open, and from where', async (t) => {
  const world = deployedWorld({ MetabaseUrl: 'http://alb.example', AdminSecretArn: '' });
  delete world.cf.finalOutputs.AdminSecretArn;
  const metabase = fakeMetabase(world, { hasUser: false });
  const { io, out } = captureIo();
  const code = await deployCommand(
    await options({ params: undefined, env: 'dev', stackName: undefined }),
    io,
    {
      session: world.session,
      clock: world.clock,
      fetch: metabase.fetch,
    },
  );
  t.equal(code, 0);
  t.same(metabase.log, [], 'nothing claimed');
  t.match(
    out.stderr,
    /warning: http:\/\/alb\.example\/setup is open: the first visitor to complete it becomes Metabase's admin, from anywhere in AllowedIngressCidrs \(0\.0\.0\.0\/0\)/,
  );
  t.match(
    out.stdout,
    /^warning: Metabase will be served over plain HTTP to the whole internet/m,
    'the plain-HTTP warning tops the preview',
  );
  t.ok(out.stdout.indexOf('plain HTTP') < out.stdout.indexOf('Changes to'), 'above the change list');
});

t.test(
  'DNS elsewhere (DomainName + CertificateArn): the CNAME to create, and the probe goes through the ALB meanwhile',
  async (t) => {
    const world = deployedWorld();
    const metabase = fakeMetabase(world, { hasUser: false, unresolvable: true });
    const file = await prodParamsFile();
    const params = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    params.HostedZoneId = '';
    const certificate = 'arn:aws:acm:eu-west-1:111122223333:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
    params.CertificateArn = certificate;
    await writeFile(file, JSON.stringify(params));
    // deploy's preflight reads the certificate: an issued one of the user's, for the domain.
    world.acm.certificates.set(certificate, { arn: certificate, status: 'ISSUED', domainName: DOMAIN });
    const { io, out } = captureIo();
    t.equal(
      await deployCommand(await options({ params: file }), io, {
        session: world.session,
        clock: world.clock,
        fetch: metabase.fetch,
      }),
      0,
      out.stderr,
    );
    t.match(out.stdout, `  ${DOMAIN}  CNAME  ${ALB}\n`);
    t.match(out.stdout, /does not resolve yet; through the load balancer: HTTP 200/);
    t.match(
      out.stdout,
      new RegExp(
        `Metabase is up: https://${DOMAIN.replace(/\./g, '\\.')} \\(healthy \\S+ after the stack was ready; reached through the load balancer ${ALB.replace(/\./g, '\\.')}: the name does not resolve yet; the deploy took`,
      ),
    );
    t.match(out.stdout, `reached through the load balancer ${ALB}: the name does not resolve yet;`);
    t.ok(
      metabase.requests.filter((r) => r.url.includes('/api/setup')).every((r) => r.init.connectTo === ALB),
      'setup took the same way',
    );
    t.equal(world.secrets.written.length, 1);
  },
);

t.test('a TLS failure until the timeout is reported as TLS, exit 1', async (t) => {
  const world = deployedWorld();
  const fetch: FetchLike = async () => {
    throw Object.assign(new Error('Hostname/IP does not match'), {
      cause: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    });
  };
  const { io, out } = captureIo();
  t.equal(
    await deployCommand(await options(), io, {
      session: world.session,
      clock: world.clock,
      fetch,
      healthTimeoutMs: 30_000,
    }),
    1,
  );
  t.match(
    out.stderr,
    /HTTPS to Metabase failed the TLS check for 30s: TLS: the certificate does not cover this name/,
  );
  t.notMatch(out.stderr, /did not report healthy/);
  t.same(world.secrets.written, []);
});

t.test(
  'a certificate that stays pending: shown as waiting for DNS validation, then deploy fails saying the zone may not be authoritative',
  async (t) => {
    const { nestedId, ROOT_ID } = await import('./fakes.js');
    const world = fakeWorld();
    const edge = nestedId('EdgeStack');
    world.cf.timeline = [
      { after: 0, stackId: ROOT_ID, logicalId: 'metabase-dev', status: 'CREATE_IN_PROGRESS' },
      {
        after: 1000,
        stackId: ROOT_ID,
        logicalId: 'EdgeStack',
        status: 'CREATE_IN_PROGRESS',
        physicalId: edge,
      },
      {
        after: 1500,
        stackId: edge,
        logicalId: 'metabase-dev-EdgeStack',
        status: 'CREATE_IN_PROGRESS',
        physicalId: edge,
      },
      {
        after: 3000,
        stackId: edge,
        logicalId: 'Certificate',
        status: 'CREATE_IN_PROGRESS',
        resourceType: 'AWS::CertificateManager::Certificate',
        physicalId: 'arn:aws:acm:eu-west-1:111122223333:certificate/0b1c2d3e',
        reason:
          'Content of DNS Record is: {Name: _3f2a.metabase.example.com.,Type: CNAME,Value: _9c1d.acm-validations.aws.}',
      },
    ];
    world.cf.finalStatus = 'CREATE_IN_PROGRESS';
    const { io, out } = captureIo();
    const code = await deployCommand(await options({ waitHealthy: false }), io, {
      session: world.session,
      clock: world.clock,
      certificatePendingLimitMs: 10 * 60_000,
    });
    t.equal(code, 1);
    t.match(
      out.stdout,
      /Certificate\s+CREATE_IN_PROGRESS {2}waiting for DNS validation \(ACM; usually a few minutes\)/,
    );
    t.match(
      out.stderr,
      /the certificate for metabase\.example\.com \(EdgeStack\/Certificate\) is still waiting for DNS validation after 10m\d*s?: the hosted zone Z0123456789ABCDEFGHIJ may not be authoritative for metabase\.example\.com/,
    );
    t.match(
      out.stderr,
      /`aws route53 get-hosted-zone --id Z0123456789ABCDEFGHIJ --query DelegationSet\.NameServers` with the NS records `dig \+trace metabase\.example\.com` ends at/,
    );
    t.match(out.stderr, /Follow it again with: metabase-aws watch --stack-name metabase-prod/);
    t.notOk(world.cf.callNames().includes('deleteStack'), 'nothing is deleted: the user decides');
  },
);

t.test(
  'deploy --env prod: refused while params/prod.json has its placeholders; filled in, it ends "Metabase is up: https://<domain>"',
  async (t) => {
    const envOptions = await options({ params: undefined, env: 'prod', stackName: undefined });

    const shipped = deployedWorld();
    const { io: shippedIo } = captureIo();
    await t.rejects(
      deployCommand(envOptions, shippedIo, { session: shipped.session, clock: shipped.clock }),
      {
        name: 'UserError',
        message: /^deploy params\/prod\.json: 3 problems\n {2}DomainName: is still the placeholder/,
      },
    );
    t.same(shipped.cf.callNames(), [], 'no AWS call before the file is valid');

    // The user's checkout: params/prod.json filled in, everything else as shipped.
    const cwd = await mkdtemp(join(tmpdir(), 'mb-checkout-'));
    await mkdir(join(cwd, 'params'));
    await writeFile(join(cwd, 'params', 'prod.json'), await readFile(await prodParamsFile(), 'utf8'));
    const world = deployedWorld();
    const metabase = fakeMetabase(world, { hasUser: false });
    const { io, out } = captureIo({ cwd });
    const code = await deployCommand(envOptions, io, {
      session: world.session,
      clock: world.clock,
      fetch: metabase.fetch,
    });
    t.equal(code, 0, out.stderr);
    t.match(out.stdout, /^Target: stack metabase-prod /m, 'the stack is named after the environment');
    t.match(
      out.stdout,
      new RegExp(
        `Metabase is up: https://${DOMAIN.replace(/\./g, '\\.')} \\(healthy \\S+ after the stack was ready`,
      ),
    );
    t.same(metabase.log, ['secret written', 'setup posted']);
  },
);

t.test('Ctrl-C during the first-admin setup: stops there, says /setup may be open, exit 130', async (t) => {
  const world = deployedWorld();
  const metabase = fakeMetabase(world, { hasUser: false });
  const interrupt = new AbortController();
  // Ctrl-C while Metabase is still answering GET /api/session/properties.
  const fetch: FetchLike = async (url, init) => {
    if (!url.endsWith('/api/session/properties')) return metabase.fetch(url, init);
    interrupt.abort();
    return new Promise((_, reject) => {
      const fail = () =>
        reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
      if (init.signal.aborted) fail();
      else init.signal.addEventListener('abort', fail, { once: true });
    });
  };
  const { io, out } = captureIo();
  const code = await deployCommand(await options(), io, {
    session: world.session,
    clock: world.clock,
    fetch,
    signal: interrupt.signal,
  });
  t.equal(code, 130);
  t.match(out.stderr, /interrupted during Metabase's first-admin setup; the stack is deployed/);
  t.match(out.stderr, /https:\/\/metabase\.example\.com\/setup is still open, run deploy again/);
  t.same(world.secrets.written, [], 'no password written');
  t.notMatch(out.stdout, /Metabase is up/);
});
