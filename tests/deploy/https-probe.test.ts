// The health probe over real TLS, loopback only: a local HTTPS server with a self-signed certificate for
// metabase.example.test stands in for the load balancer. When the domain does not resolve, the probe must
// dial the load balancer with SNI and Host set to the domain (and say so); a certificate for another
// name, or one nobody trusts, is reported as a TLS failure, not as "unhealthy".
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { waitHealthy, type HealthResult } from '../../src/deploy/health.js';
import { nodeHttpClient } from '../../src/net/http.js';
import { fakeClock } from '../../src/deploy/clock.js';

const DOMAIN = 'metabase.example.test';

function selfSigned(name: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mb-tls-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=DNS:${name}`,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

interface Seen {
  servername: string | false | null;
  host: string | undefined;
  path: string | undefined;
}

async function server(credentials: {
  key: string;
  cert: string;
}): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const httpsServer: Server = createServer(credentials, (request, response) => {
    seen.push({
      servername: request.socket instanceof TLSSocket ? request.socket.servername : false,
      host: request.headers.host,
      path: request.url,
    });
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpsServer.address() as AddressInfo;
  return { port, seen, close: () => new Promise((resolve) => httpsServer.close(() => resolve())) };
}

/** A resolver that knows no names (the CNAME not created yet); IP literals never reach it. */
const nothingResolves: LookupFunction = (hostname, _options, callback) => {
  callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
};
/** A resolver for which the domain is the loopback stand-in (the alias record exists). */
const domainIsLoopback: LookupFunction = (hostname, options, callback) => {
  if (hostname !== DOMAIN) {
    nothingResolves(hostname, options, callback);
    return;
  }
  if ((options as { all?: boolean }).all)
    (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [
      { address: '127.0.0.1', family: 4 },
    ]);
  else callback(null, '127.0.0.1', 4);
};

async function probe(
  port: number,
  fetchOptions: Parameters<typeof nodeHttpClient>[0],
  fallbackHost?: string,
): Promise<HealthResult> {
  return waitHealthy(`https://${DOMAIN}:${port}`, {
    clock: fakeClock(),
    fetch: nodeHttpClient(fetchOptions),
    fallbackHost,
    timeoutMs: 0,
    requestTimeoutMs: 5_000,
  });
}

const good = selfSigned(DOMAIN);

t.test(
  'name not resolving: probes the load balancer with SNI and Host set to the domain, and says so',
  async (t) => {
    const alb = await server(good);
    t.teardown(() => alb.close());
    const result = await probe(alb.port, { ca: good.cert, lookup: nothingResolves }, '127.0.0.1');
    t.match(result, { healthy: true, via: '127.0.0.1' });
    t.match(
      result.last,
      new RegExp(
        `^${DOMAIN.replace(/\./g, '\\.')} does not resolve yet; through the load balancer: HTTP 200`,
      ),
    );
    t.same(alb.seen, [{ servername: DOMAIN, host: `${DOMAIN}:${alb.port}`, path: '/api/health' }]);
  },
);

t.test('name resolving: probes the URL itself, no detour', async (t) => {
  const alb = await server(good);
  t.teardown(() => alb.close());
  const result = await probe(alb.port, { ca: good.cert, lookup: domainIsLoopback }, 'alb.invalid');
  t.match(result, { healthy: true, via: undefined, last: 'HTTP 200 {"status":"ok"}' });
  t.equal(alb.seen[0]?.servername, DOMAIN);
});

t.test('no load balancer to fall back to: a DNS failure is reported as DNS', async (t) => {
  const alb = await server(good);
  t.teardown(() => alb.close());
  const result = await probe(alb.port, { ca: good.cert, lookup: nothingResolves });
  t.match(result, { healthy: false, failure: 'dns', last: `DNS: ${DOMAIN} does not resolve (ENOTFOUND)` });
  t.same(alb.seen, [], 'nothing reached the server');
});

t.test('a certificate for another name is a TLS failure, not "unhealthy"', async (t) => {
  const other = selfSigned('other.example.test');
  const alb = await server(other);
  t.teardown(() => alb.close());
  const result = await probe(alb.port, { ca: other.cert, lookup: nothingResolves }, '127.0.0.1');
  t.match(result, { healthy: false, failure: 'tls' });
  t.match(
    result.last,
    /TLS: the certificate does not cover this name \(metabase\.example\.test, ERR_TLS_CERT_ALTNAME_INVALID\)/,
  );
  t.same(alb.seen, [], 'no request was sent over the unverified connection');
});

t.test('a certificate nobody trusts is a TLS failure', async (t) => {
  const alb = await server(good);
  t.teardown(() => alb.close());
  const result = await probe(alb.port, { lookup: nothingResolves }, '127.0.0.1');
  t.match(result, {
    healthy: false,
    failure: 'tls',
    last: /TLS: the certificate is self-signed .*DEPTH_ZERO_SELF_SIGNED_CERT/,
  });
});

t.test('a MetabaseUrl output that is not a URL is a failed probe, not a crash', async (t) => {
  // status printed "unexpected error (a bug)" and a TypeError's stack for an output such as "standin".
  const result = await waitHealthy('standin', {
    clock: fakeClock(),
    fetch: nodeHttpClient({}),
    timeoutMs: 0,
    requestTimeoutMs: 1_000,
  });
  t.match(result, { healthy: false, last: 'not a URL: "standin/api/health"' });
});
