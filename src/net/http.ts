// The HTTP(S) client deploy probes Metabase with. Node's fetch cannot dial one host while presenting
// another name, and the health wait needs exactly that when DomainName does not resolve yet (a CNAME the
// user still has to create): connect to the load balancer, with TLS SNI, the certificate check and the
// Host header all set to the domain. Errors keep Node's codes (ENOTFOUND, ERR_TLS_CERT_ALTNAME_INVALID,
// ...) on `cause.code`, as fetch does, so DNS and TLS failures can be told apart from an unhealthy app.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { FetchInit, FetchLike } from '../deploy/health.js';

export interface HttpClientOptions {
  /** Extra CA certificates to trust (tests: a self-signed one); the system's store otherwise. */
  ca?: string | Buffer | undefined;
  /** Name resolution (tests: a resolver that knows no names); the system's otherwise. */
  lookup?: LookupFunction | undefined;
}

const MAX_BODY_BYTES = 1_000_000;

export function nodeHttpClient(options: HttpClientOptions = {}): FetchLike {
  return (url: string, init: FetchInit) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const body = init.body === undefined ? undefined : Buffer.from(init.body);
      const requestOptions: RequestOptions = {
        host: init.connectTo ?? target.hostname,
        port: target.port === '' ? (secure ? 443 : 80) : Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: init.method ?? 'GET',
        headers: {
          Host: target.host,
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } : {}),
          ...init.headers,
        },
        signal: init.signal,
        // No connection reuse: each probe sees DNS and TLS afresh, so a record that appears is noticed.
        agent: false,
        ...(options.lookup ? { lookup: options.lookup } : {}),
        ...(secure ? { servername: target.hostname, ...(options.ca ? { ca: options.ca } : {}) } : {}),
      };
      const onResponse = (response: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        response.on('error', (error) => reject(withCode(error)));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, text: () => Promise.resolve(text) });
        });
      };
      const outgoing = secure
        ? httpsRequest(requestOptions, onResponse)
        : httpRequest(requestOptions, onResponse);
      outgoing.on('error', (error) => reject(withCode(error)));
      outgoing.end(body);
    });
}

/** fetch's shape for failures: a TypeError-like error whose `cause.code` names what went wrong. */
function withCode(error: Error): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (error.name === 'AbortError') return error;
  return Object.assign(new Error(error.message), { cause: { code, message: error.message } });
}
