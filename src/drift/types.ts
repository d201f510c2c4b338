// The drift report: plain data, the same for the text view and --json. Secrets are already masked here,
// so no renderer can leak them.
import type { DifferenceType } from '../aws/drift.js';

export type ResourceDriftStatus = 'IN_SYNC' | 'MODIFIED' | 'DELETED' | 'NOT_CHECKED' | 'UNKNOWN';

export interface DifferenceReport {
  /** e.g. /SecurityGroupIngress/0/CidrIp */
  path: string;
  type: DifferenceType;
  /** JSON text as CloudFormation gives it, or MASKED */
  expected: string;
  actual: string;
  masked: boolean;
}

export interface ResourceReport {
  logicalId: string;
  physicalId?: string | undefined;
  type: string;
  status: ResourceDriftStatus;
  /** why a resource is NOT_CHECKED or UNKNOWN */
  note?: string | undefined;
  differences: DifferenceReport[];
}

/**
 * IN_SYNC / DRIFTED: detection completed. PARTIAL: CloudFormation said DETECTION_FAILED but returned some
 * results. FAILED: nothing usable (could not start, timed out, API error).
 */
export type StackOutcome = 'IN_SYNC' | 'DRIFTED' | 'PARTIAL' | 'FAILED';

export interface StackReport {
  stackName: string;
  stackId: string;
  /** the AWS::CloudFormation::Stack logical id in the parent; absent for the root */
  logicalId?: string | undefined;
  /** 0 for the root */
  depth: number;
  stackStatus: string;
  outcome: StackOutcome;
  /** for PARTIAL and FAILED: what failed and why */
  error?: string | undefined;
  detectionId?: string | undefined;
  resources: ResourceReport[];
}

export interface DriftSummary {
  stacks: number;
  stacksDrifted: number;
  stacksFailed: number;
  resources: number;
  byStatus: Record<ResourceDriftStatus, number>;
}

/** IN_SYNC → exit 0, DRIFTED → exit 2, INCOMPLETE (any stack PARTIAL or FAILED) → exit 1 */
export type DriftOutcome = 'IN_SYNC' | 'DRIFTED' | 'INCOMPLETE';

export interface DriftReport {
  rootStack: string;
  outcome: DriftOutcome;
  /** root first, then each nested stack depth-first in the order the parent lists them */
  stacks: StackReport[];
  summary: DriftSummary;
  /** CloudFormation requests made, each page counted (SDK retries of one request are not) */
  apiCalls: number;
}
