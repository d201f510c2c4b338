// A moto server on loopback for end-to-end tests. .ci/run starts one and exports MOTO_ENDPOINT; when that
// is absent (a developer running one file), each test file starts its own on a free port. There is no
// reset: test files share one moto in parallel, so each uses stack and bucket names of its own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import t from 'tap';
import { createServer } from 'node:net';

export interface MotoServer {
  /** http://localhost:PORT — `localhost`, not 127.0.0.1: moto reads 127.0.0.1 TemplateURLs as virtual-host style. */
  endpoint: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess | undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child?.exitCode !== null && child?.exitCode !== undefined)
      throw new Error(`moto exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto did not answer at ${endpoint} within 30 s`);
}

/**
 * Why moto cannot be started here (no python3 on PATH, or python3 without moto's server), with how to
 * install it; undefined when it can. `env` is the environment the server would be spawned with.
 */
export function motoMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import moto.server, flask'], { env, stdio: 'ignore' });
  const install = "pip install 'moto[server]==5.2.1' (or set MOTO_ENDPOINT to a running moto)";
  if (probe.error !== undefined) return `python3 is not on PATH: install Python 3, then ${install}`;
  if (probe.status !== 0) return `python3 has no moto server: ${install}`;
  return undefined;
}

/** Ends this test file as skipped, with the hint, when moto cannot be started: the e2e files are optional. */
function skipFileWithoutMoto(): void {
  const missing = motoMissing();
  if (missing === undefined) return;
  t.plan(0, `end-to-end test skipped: ${missing}`);
  process.exit(0);
}

export async function startMoto(): Promise<MotoServer> {
  const shared = process.env.MOTO_ENDPOINT;
  if (shared) {
    await waitUntilUp(shared, undefined);
    return { endpoint: shared, stop: async () => {} };
  }
  skipFileWithoutMoto();
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const endpoint = `http://localhost:${port}`;
  await waitUntilUp(endpoint, child);
  return {
    endpoint,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
