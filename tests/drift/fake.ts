// An in-memory CloudFormation for drift: stacks with resources, scripted detections, paging, a call log,
// and a virtual clock. It implements the same DriftApi the SDK implementation does.
import type {
  DetectionStatus,
  DriftApi,
  Page,
  PropertyDifference,
  ResourceDrift,
  StackInfo,
  StackResourceInfo,
} from '../../src/aws/drift.js';
import type { Clock } from '../../src/drift/detect.js';

export interface FakeResource {
  logicalId: string;
  type: string;
  physicalId?: string;
  /** absent: IN_SYNC; 'unsupported' (type without drift support) and 'no-result' (not reached by a failed detection): left out of the drift results */
  drift?: 'IN_SYNC' | 'MODIFIED' | 'DELETED' | 'UNKNOWN' | 'unsupported' | 'no-result';
  differences?: PropertyDifference[];
  expectedProperties?: string;
  actualProperties?: string;
}

export interface FakeStack {
  name: string;
  status?: string;
  /** stack-level tags; default this tool's managed-by tag */
  tags?: Record<string, string>;
  resources: FakeResource[];
  /** status polls that answer IN_PROGRESS before the final state (default 1) */
  pollsInProgress?: number;
  /** never completes */
  hangs?: boolean;
  final?: 'DETECTION_COMPLETE' | 'DETECTION_FAILED';
  failureReason?: string;
  detectError?: Error;
}

export const ACCOUNT = '123456789012';
export function stackArn(name: string): string {
  return `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${name}/0d5b4c10-0000-4000-8000-${name.length.toString().padStart(12, '0')}`;
}

/**
 * Virtual time that behaves like real timers for concurrent sleepers: each sleep wakes at now + ms, and
 * time jumps to the earliest wake-up only once every task is asleep (the fake API never blocks on I/O).
 */
export class FakeClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];
  private readonly waiters: { at: number; wake: () => void }[] = [];
  private scheduled = false;

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((wake) => {
      this.waiters.push({ at: this.time + ms, wake });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.waiters.sort((a, b) => a.at - b.at);
      const next = this.waiters.shift();
      if (!next) return;
      this.time = Math.max(this.time, next.at);
      next.wake();
      if (this.waiters.length > 0) this.schedule();
    });
  }
}

function paged<T>(items: T[], size: number, token: string | undefined): Page<T> {
  const start = token === undefined ? 0 : Number(token.replace('page-', ''));
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? `page-${end}` : undefined };
}

export class FakeDriftApi implements DriftApi {
  readonly log: string[] = [];
  pageSize = 100;
  inFlight = 0;
  maxInFlight = 0;
  private readonly stacks = new Map<string, FakeStack>();
  private readonly detections = new Map<string, { stack: FakeStack; polls: number }>();

  constructor(stacks: FakeStack[]) {
    for (const stack of stacks) this.stacks.set(stackArn(stack.name), stack);
  }

  private find(nameOrId: string): FakeStack | undefined {
    return this.stacks.get(nameOrId) ?? [...this.stacks.values()].find((s) => s.name === nameOrId);
  }

  private stack(nameOrId: string): FakeStack {
    const stack = this.find(nameOrId);
    if (!stack)
      throw Object.assign(new Error(`Stack with id ${nameOrId} does not exist`), { name: 'ValidationError' });
    return stack;
  }

  async describeStack(nameOrId: string): Promise<StackInfo | undefined> {
    this.log.push(`describeStack ${nameOrId}`);
    const stack = this.find(nameOrId);
    return (
      stack && {
        stackId: stackArn(stack.name),
        stackName: stack.name,
        status: stack.status ?? 'UPDATE_COMPLETE',
        tags: stack.tags ?? { 'managed-by': 'metabase-aws' },
      }
    );
  }

  async listStackResources(stackId: string, nextToken?: string): Promise<Page<StackResourceInfo>> {
    this.log.push(`listStackResources ${stackId}`);
    const items = this.stack(stackId).resources.map((r) => ({
      logicalId: r.logicalId,
      physicalId: r.physicalId ?? `${r.logicalId.toLowerCase()}-0123`,
      type: r.type,
    }));
    return paged(items, this.pageSize, nextToken);
  }

  async detectStackDrift(stackId: string): Promise<string> {
    this.log.push(`detectStackDrift ${stackId}`);
    const stack = this.stack(stackId);
    if (stack.detectError) throw stack.detectError;
    const id = `detection-${this.detections.size + 1}`;
    this.detections.set(id, { stack, polls: 0 });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return id;
  }

  async detectionStatus(detectionId: string): Promise<DetectionStatus> {
    this.log.push(`detectionStatus ${detectionId}`);
    const detection = this.detections.get(detectionId);
    if (!detection) throw new Error(`unknown detection ${detectionId}`);
    detection.polls++;
    const { stack } = detection;
    if (stack.hangs || detection.polls <= (stack.pollsInProgress ?? 1))
      return { state: 'DETECTION_IN_PROGRESS' };
    const state = stack.final ?? 'DETECTION_COMPLETE';
    if (state === 'DETECTION_FAILED') return { state, reason: stack.failureReason };
    return {
      state,
      stackDriftStatus: stack.resources.some((r) => r.drift === 'MODIFIED' || r.drift === 'DELETED')
        ? 'DRIFTED'
        : 'IN_SYNC',
    };
  }

  async resourceDrifts(stackId: string, nextToken?: string): Promise<Page<ResourceDrift>> {
    this.log.push(`resourceDrifts ${stackId}`);
    const drifts = this.stack(stackId)
      .resources.filter((r) => r.drift !== 'unsupported' && r.drift !== 'no-result')
      .map((r) => ({
        logicalId: r.logicalId,
        physicalId: r.physicalId ?? `${r.logicalId.toLowerCase()}-0123`,
        type: r.type,
        status: r.drift ?? 'IN_SYNC',
        differences: r.differences ?? [],
        expectedProperties: r.expectedProperties,
        actualProperties: r.actualProperties,
      }));
    const page = paged(drifts, this.pageSize, nextToken);
    if (page.nextToken === undefined) this.inFlight--;
    return page;
  }

  count(method: string): number {
    return this.log.filter((line) => line.startsWith(`${method} `)).length;
  }
}
