// The CloudFormation calls drift needs, as a page-at-a-time interface: the orchestration in src/drift
// does the paging itself, so it can count every request and tests can fake pages without the SDK.
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  ListStackResourcesCommand,
  type PropertyDifference as SdkPropertyDifference,
} from '@aws-sdk/client-cloudformation';
import { cloudFormationClient, type AwsTarget } from './clients.js';
import { guardRegion } from './session.js';
import type { StackInfo as DeployedStackInfo } from './cloudformation.js';

/** What drift needs of a stack; stackId is the full ARN (nested stacks are addressed by it). */
export type StackInfo = Pick<DeployedStackInfo, 'stackId' | 'stackName' | 'status' | 'statusReason'> &
  Partial<Pick<DeployedStackInfo, 'tags'>>;

export interface StackResourceInfo {
  logicalId: string;
  physicalId?: string | undefined;
  type: string;
}

export type DetectionState = 'DETECTION_IN_PROGRESS' | 'DETECTION_COMPLETE' | 'DETECTION_FAILED';

export interface DetectionStatus {
  state: DetectionState;
  reason?: string | undefined;
  /** DRIFTED | IN_SYNC | NOT_CHECKED | UNKNOWN */
  stackDriftStatus?: string | undefined;
}

export type DifferenceType = 'ADD' | 'REMOVE' | 'NOT_EQUAL';

export interface PropertyDifference {
  path: string;
  expected: string;
  actual: string;
  type: DifferenceType;
}

export interface ResourceDrift {
  logicalId: string;
  physicalId?: string | undefined;
  type: string;
  /** IN_SYNC | MODIFIED | DELETED | NOT_CHECKED | UNKNOWN | UNSUPPORTED */
  status: string;
  reason?: string | undefined;
  differences: PropertyDifference[];
  /** JSON documents as CloudFormation returns them; used only to mask secrets, never printed */
  expectedProperties?: string | undefined;
  actualProperties?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextToken?: string | undefined;
}

export interface DriftApi {
  /** undefined when the stack does not exist */
  describeStack(nameOrId: string): Promise<StackInfo | undefined>;
  listStackResources(stackId: string, nextToken?: string): Promise<Page<StackResourceInfo>>;
  /** starts a detection and returns its id */
  detectStackDrift(stackId: string): Promise<string>;
  detectionStatus(detectionId: string): Promise<DetectionStatus>;
  resourceDrifts(stackId: string, nextToken?: string): Promise<Page<ResourceDrift>>;
}

/** DescribeStacks answers a missing stack with a ValidationError, not an empty list. */
function isMissingStack(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | undefined;
  return e?.name === 'ValidationError' && /does not exist/.test(e.message ?? '');
}

const DETECTION_STATES: readonly string[] = [
  'DETECTION_IN_PROGRESS',
  'DETECTION_COMPLETE',
  'DETECTION_FAILED',
];
const DIFFERENCE_TYPES: readonly string[] = ['ADD', 'REMOVE', 'NOT_EQUAL'];

function toDifference(d: SdkPropertyDifference): PropertyDifference {
  const type = d.DifferenceType ?? 'NOT_EQUAL';
  return {
    path: d.PropertyPath ?? '',
    expected: d.ExpectedValue ?? '',
    actual: d.ActualValue ?? '',
    type: DIFFERENCE_TYPES.includes(type) ? type : 'NOT_EQUAL',
  };
}

export class SdkDriftApi implements DriftApi {
  constructor(private readonly client: CloudFormationClient) {}

  async describeStack(nameOrId: string): Promise<StackInfo | undefined> {
    try {
      const out = await this.client.send(new DescribeStacksCommand({ StackName: nameOrId }));
      const stack = out.Stacks?.[0];
      if (!stack?.StackId || !stack.StackName || !stack.StackStatus) return undefined;
      return {
        stackId: stack.StackId,
        stackName: stack.StackName,
        status: stack.StackStatus,
        statusReason: stack.StackStatusReason,
        tags: Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      };
    } catch (error) {
      if (isMissingStack(error)) return undefined;
      throw error;
    }
  }

  async listStackResources(stackId: string, nextToken?: string): Promise<Page<StackResourceInfo>> {
    const out = await this.client.send(
      new ListStackResourcesCommand({ StackName: stackId, NextToken: nextToken }),
    );
    const items = (out.StackResourceSummaries ?? []).map((r) => ({
      logicalId: r.LogicalResourceId ?? '',
      physicalId: r.PhysicalResourceId,
      type: r.ResourceType ?? '',
    }));
    return { items, nextToken: out.NextToken };
  }

  async detectStackDrift(stackId: string): Promise<string> {
    const out = await this.client.send(new DetectStackDriftCommand({ StackName: stackId }));
    if (!out.StackDriftDetectionId)
      throw new Error(`DetectStackDrift returned no detection id for ${stackId}`);
    return out.StackDriftDetectionId;
  }

  async detectionStatus(detectionId: string): Promise<DetectionStatus> {
    const out = await this.client.send(
      new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId }),
    );
    const state = out.DetectionStatus ?? 'DETECTION_IN_PROGRESS';
    return {
      state: DETECTION_STATES.includes(state) ? state : 'DETECTION_FAILED',
      reason: out.DetectionStatusReason,
      stackDriftStatus: out.StackDriftStatus,
    };
  }

  async resourceDrifts(stackId: string, nextToken?: string): Promise<Page<ResourceDrift>> {
    const out = await this.client.send(
      new DescribeStackResourceDriftsCommand({ StackName: stackId, NextToken: nextToken, MaxResults: 100 }),
    );
    const items = (out.StackResourceDrifts ?? []).map((d) => ({
      logicalId: d.LogicalResourceId ?? '',
      physicalId: d.PhysicalResourceId,
      type: d.ResourceType ?? '',
      status: d.StackResourceDriftStatus ?? 'UNKNOWN',
      reason: d.DriftStatusReason,
      differences: (d.PropertyDifferences ?? []).map(toDifference),
      expectedProperties: d.ExpectedProperties,
      actualProperties: d.ActualProperties,
    }));
    return { items, nextToken: out.NextToken };
  }
}

export function sdkDriftApi(target: AwsTarget): DriftApi {
  const client = cloudFormationClient(target);
  guardRegion(client);
  return new SdkDriftApi(client);
}
