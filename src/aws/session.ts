// One command's AWS access: the typed APIs deploy/destroy use, built lazily (a command that never
// touches RDS never loads its client), and a counter of every API call made, for --json output and the
// polling-budget tests.
import type { InitializeMiddleware, MiddlewareStack } from '@smithy/types';
import { sdkAcm, type AcmApi } from './acm.js';
import { sdkCloudFormation, type CloudFormationApi } from './cloudformation.js';
import {
  acmClient,
  cloudFormationClient,
  kmsClient,
  ecsClient,
  iamClient,
  rdsClient,
  secretsClient,
  resolvedEndpoint,
  s3Client,
  stsClient,
  type AwsTarget,
} from './clients.js';
import { sdkKms, type KmsApi } from './kms.js';
import { sdkEcs, type EcsApi } from './ecs.js';
import { sdkIam, type IamApi } from './iam.js';
import { sdkRds, type RdsApi } from './rds.js';
import { sdkSecrets, type SecretsApi } from './secrets.js';
import { sdkS3, type S3Api } from './s3.js';
import { sdkSts, type StsApi } from './sts.js';
import { RegionNotUsable } from './errors.js';
import { messageOf } from '../deploy/errors.js';
import { regionProblem } from '../params/target.js';

export class ApiCallCounter {
  readonly byOperation: Record<string, number> = {};
  total = 0;

  record(service: string, operation: string): void {
    const key = `${service}:${operation.replace(/Command$/, '')}`;
    this.byOperation[key] = (this.byOperation[key] ?? 0) + 1;
    this.total++;
  }

  summary(): { total: number; byOperation: Record<string, number> } {
    return { total: this.total, byOperation: { ...this.byOperation } };
  }
}

export interface AwsSession {
  cloudFormation: CloudFormationApi;
  s3: S3Api;
  sts: StsApi;
  rds: RdsApi;
  secrets: SecretsApi;
  kms: KmsApi;
  iam: IamApi;
  ecs: EcsApi;
  acm: AcmApi;
  /** The region the clients resolved (flag, env or profile). */
  region(): Promise<string>;
  /** The endpoint override, when one is set: S3 URLs are then path-style on it. */
  endpoint: string | undefined;
  calls: ApiCallCounter;
  /** Ctrl-C for the calls in flight; fakes in tests may leave it out. */
  interrupt?: InterruptSwitch;
}

// Counted at the initialize step, before retries: one logical call is one count. Retries of throttled
// calls are the SDK's business and show up in its own metadata.
export function counter<I extends object, O extends object>(
  service: string,
  calls: ApiCallCounter,
): InitializeMiddleware<I, O> {
  return (next, context) => async (args) => {
    calls.record(service, context.commandName ?? 'unknown');
    return next(args);
  };
}

export const COUNTER = { step: 'initialize', name: 'metabaseAwsCallCounter' } as const;

/**
 * Ctrl-C for the SDK calls of one command. Once a command's run has its interrupt signal, a read in flight
 * when the signal fires rejects at once (an AbortError) instead of finishing its request and its retries:
 * adaptive retry can otherwise wait 20 s between attempts on throttling. Calls started after Ctrl-C run
 * normally, because the clean-up after an interruption (deleting an unexecuted change set) needs them.
 */
export class InterruptSwitch {
  signal: AbortSignal | undefined;

  /** From now on, Ctrl-C on this signal cuts the calls in flight short. */
  interruptOn(signal: AbortSignal): void {
    this.signal = signal;
  }
}

interface SmithyContext {
  __smithy_context?: { abortSignal?: unknown };
}

export function interruptible<I extends object, O extends object>(
  interrupt: InterruptSwitch,
): InitializeMiddleware<I, O> {
  return (next, context) => async (args) => {
    const signal = interrupt.signal;
    if (!signal || signal.aborted || !isRead(context.commandName)) return next(args);
    // The SDK's retry loop reads the abort signal from this context: its waits between attempts end on
    // Ctrl-C (smithy core's retry middleware, `context[SMITHY_CONTEXT_KEY]?.abortSignal`).
    const smithy = ((context as SmithyContext).__smithy_context ??= {});
    smithy.abortSignal ??= signal;
    let stop = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => {
      stop = () => {
        reject(Object.assign(new Error('the call was interrupted (Ctrl-C)'), { name: 'AbortError' }));
      };
      signal.addEventListener('abort', stop, { once: true });
    });
    try {
      return await Promise.race([next(args), aborted]);
    } finally {
      signal.removeEventListener('abort', stop);
    }
  };
}

/**
 * Only reads are cut short. A write cut off in flight may still have happened in AWS (a change set
 * created, a stack deletion started) with nobody told, so the clean-up after Ctrl-C would miss it: writes
 * run to their answer, and the command stops right after.
 */
export function isRead(commandName: string | undefined): boolean {
  return /^(Describe|List|Get|Filter)[A-Z]/.test(commandName ?? '');
}

export const INTERRUPTIBLE = { step: 'initialize', name: 'metabaseAwsInterruptible' } as const;

/**
 * The region a client resolved (flag, environment or profile file), checked against AWS's region names.
 * The flag and the environment are checked before any client exists (src/cli/flags.ts); a profile's
 * `region` is only read here. The SDK rejects a malformed one deep inside the call (`Region not accepted`)
 * and sends a well-formed typo to a host that does not exist: both become one RegionNotUsable.
 */
export async function usableRegion(provider: () => Promise<string>): Promise<string> {
  let region: string;
  try {
    region = await provider();
  } catch (error) {
    const rejected = /Region not accepted: region="([^"]*)"/.exec(messageOf(error))?.[1];
    if (rejected === undefined) throw error;
    region = rejected;
  }
  const problem = regionProblem(region);
  if (problem) throw new RegionNotUsable(problem);
  return region;
}

function regionChecked<I extends object, O extends object>(
  region: () => Promise<string>,
): InitializeMiddleware<I, O> {
  return (next) => async (args) => {
    await usableRegion(region);
    return next(args);
  };
}

const REGION_CHECKED = { step: 'initialize', name: 'metabaseAwsRegionChecked' } as const;

/** Every call of this client first checks its region (see usableRegion). */
export function guardRegion<I extends object, O extends object>(client: {
  middlewareStack: MiddlewareStack<I, O>;
  config: { region: () => Promise<string> };
}): void {
  client.middlewareStack.add(regionChecked(client.config.region), REGION_CHECKED);
}

/** The middleware every client of a command carries: the region check, the call counter, Ctrl-C. */
export function instrument<I extends object, O extends object>(
  client: { middlewareStack: MiddlewareStack<I, O>; config: { region: () => Promise<string> } },
  service: string,
  calls: ApiCallCounter,
  interrupt: InterruptSwitch,
): void {
  guardRegion(client);
  client.middlewareStack.add(counter(service, calls), COUNTER);
  client.middlewareStack.add(interruptible(interrupt), INTERRUPTIBLE);
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export function openSession(
  target: AwsTarget,
  calls = new ApiCallCounter(),
  interrupt = new InterruptSwitch(),
): AwsSession {
  const cf = lazy(() => {
    const client = cloudFormationClient(target);
    instrument(client, 'cloudformation', calls, interrupt);
    return sdkCloudFormation(client);
  });
  const s3Raw = lazy(() => {
    const client = s3Client(target);
    instrument(client, 's3', calls, interrupt);
    return client;
  });
  const s3 = lazy(() => sdkS3(s3Raw()));
  const sts = lazy(() => {
    const client = stsClient(target);
    instrument(client, 'sts', calls, interrupt);
    return sdkSts(client);
  });
  const rds = lazy(() => {
    const client = rdsClient(target);
    instrument(client, 'rds', calls, interrupt);
    return sdkRds(client);
  });
  const secrets = lazy(() => {
    const client = secretsClient(target);
    instrument(client, 'secretsmanager', calls, interrupt);
    return sdkSecrets(client);
  });
  const kms = lazy(() => {
    const client = kmsClient(target);
    instrument(client, 'kms', calls, interrupt);
    return sdkKms(client);
  });
  const iam = lazy(() => {
    const client = iamClient(target);
    instrument(client, 'iam', calls, interrupt);
    return sdkIam(client);
  });
  const ecs = lazy(() => {
    const client = ecsClient(target);
    instrument(client, 'ecs', calls, interrupt);
    return sdkEcs(client);
  });
  const acm = lazy(() => {
    const client = acmClient(target);
    instrument(client, 'acm', calls, interrupt);
    return sdkAcm(client);
  });
  // Property getters keep construction lazy while callers use plain property access.
  return {
    get cloudFormation() {
      return cf();
    },
    get s3() {
      return s3();
    },
    get sts() {
      return sts();
    },
    get rds() {
      return rds();
    },
    get secrets() {
      return secrets();
    },
    get kms() {
      return kms();
    },
    get iam() {
      return iam();
    },
    get ecs() {
      return ecs();
    },
    get acm() {
      return acm();
    },
    region: () => usableRegion(s3Raw().config.region),
    endpoint: resolvedEndpoint(target),
    calls,
    interrupt,
  };
}
