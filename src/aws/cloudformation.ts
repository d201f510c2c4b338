// The CloudFormation calls deploy and destroy need, as a small interface over plain data, so the
// orchestration in src/deploy never sees SDK types and tests can swap in an in-memory fake.
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  UpdateTerminationProtectionCommand,
  type Change,
} from '@aws-sdk/client-cloudformation';
import { CAPABILITIES } from './capabilities.js';

export interface StackInfo {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string | undefined;
  outputs: Record<string, string>;
  parameters: Record<string, string>;
  terminationProtection: boolean;
  /** When the last operation began: LastUpdatedTime, else CreationTime. */
  lastChanged?: Date | undefined;
  /** Stack-level tags; this tool's stacks carry managed-by: metabase-aws (deploy/ownership.ts). */
  tags: Record<string, string>;
}

/** One live stack of the account and region, as DescribeStacks lists it. */
export interface StackSummary {
  stackId: string;
  stackName: string;
  status: string;
  /** set on nested stacks */
  parentId?: string | undefined;
  tags: Record<string, string>;
}

export interface StackEvent {
  eventId: string;
  stackId: string;
  stackName: string;
  logicalId: string;
  physicalId: string;
  resourceType: string;
  status: string;
  reason?: string | undefined;
  timestamp: Date;
}

export interface StackResource {
  logicalId: string;
  physicalId: string;
  resourceType: string;
  status: string;
  reason?: string | undefined;
}

export type ChangeAction = 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic';

export interface ResourceChange {
  action: ChangeAction;
  logicalId: string;
  physicalId?: string | undefined;
  resourceType: string;
  /** 'True' | 'False' | 'Conditional' for Modify; absent otherwise. */
  replacement?: string | undefined;
  /** Properties whose change forces the replacement. */
  recreationCauses: string[];
  /** For a nested stack: its own change set. */
  nestedChangeSetId?: string | undefined;
}

export interface ChangeSetInfo {
  id: string;
  stackId: string;
  status: string;
  statusReason?: string | undefined;
  executionStatus?: string | undefined;
  changes: ResourceChange[];
}

export interface CreateChangeSetInput {
  stackName: string;
  changeSetName: string;
  type: 'CREATE' | 'UPDATE';
  templateUrl: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  /** CloudFormation service role; the stack keeps it for later updates and the delete. */
  roleArn?: string | undefined;
}

export interface CloudFormationApi {
  /** undefined when the stack does not exist (or only as DELETE_COMPLETE, when given by name). */
  describeStack(nameOrId: string): Promise<StackInfo | undefined>;
  createChangeSet(input: CreateChangeSetInput): Promise<{ id: string; stackId: string }>;
  describeChangeSet(id: string): Promise<ChangeSetInfo>;
  deleteChangeSet(id: string): Promise<void>;
  executeChangeSet(id: string): Promise<void>;
  deleteStack(nameOrId: string, retainResources?: string[]): Promise<void>;
  /**
   * Events newest first. Pages until `stopAt` says so (an event already seen, or one older than the
   * operation), so a long history costs one call, not dozens. Stack ids work for deleted stacks too.
   */
  stackEvents(stackId: string, stopAt: (event: StackEvent) => boolean): Promise<StackEvent[]>;
  stackResources(stackId: string): Promise<StackResource[]>;
  templateBody(stackId: string): Promise<string>;
  setTerminationProtection(stackId: string, enabled: boolean): Promise<void>;
  /** Every live stack (DescribeStacks without a name, all pages): nested ones too, deleted ones not. */
  liveStacks(): Promise<StackSummary[]>;
}

function isMissingStack(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e.name === 'ValidationError' && /does not exist/.test(e.message ?? '');
}

function toChange(change: Change): ResourceChange | undefined {
  const rc = change.ResourceChange;
  if (change.Type !== 'Resource' || !rc || !rc.Action || !rc.LogicalResourceId) return undefined;
  const causes = (rc.Details ?? [])
    .filter(
      (d) => d.Target?.RequiresRecreation === 'Always' || d.Target?.RequiresRecreation === 'Conditionally',
    )
    .map((d) => d.Target?.Name ?? d.Target?.Attribute ?? 'unknown');
  return {
    action: rc.Action as ChangeAction,
    logicalId: rc.LogicalResourceId,
    physicalId: rc.PhysicalResourceId,
    resourceType: rc.ResourceType ?? 'unknown',
    replacement: rc.Replacement,
    recreationCauses: [...new Set(causes)],
    nestedChangeSetId: rc.ChangeSetId,
  };
}

export function sdkCloudFormation(client: CloudFormationClient): CloudFormationApi {
  return {
    async describeStack(nameOrId) {
      try {
        const out = await client.send(new DescribeStacksCommand({ StackName: nameOrId }));
        const s = out.Stacks?.[0];
        if (!s || !s.StackId || !s.StackName || !s.StackStatus) return undefined;
        return {
          stackId: s.StackId,
          stackName: s.StackName,
          status: s.StackStatus,
          statusReason: s.StackStatusReason,
          outputs: Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
          parameters: Object.fromEntries(
            (s.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? '']),
          ),
          terminationProtection: s.EnableTerminationProtection === true,
          lastChanged: s.LastUpdatedTime ?? s.CreationTime,
          tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        };
      } catch (error) {
        if (isMissingStack(error)) return undefined;
        throw error;
      }
    },
    async createChangeSet(input) {
      const out = await client.send(
        new CreateChangeSetCommand({
          StackName: input.stackName,
          ChangeSetName: input.changeSetName,
          ChangeSetType: input.type,
          TemplateURL: input.templateUrl,
          IncludeNestedStacks: true,
          Capabilities: [...CAPABILITIES],
          Parameters: Object.entries(input.parameters).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          })),
          Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
          ...(input.roleArn ? { RoleARN: input.roleArn } : {}),
        }),
      );
      return { id: out.Id ?? '', stackId: out.StackId ?? '' };
    },
    async describeChangeSet(id) {
      const changes: ResourceChange[] = [];
      let token: string | undefined;
      let first: ChangeSetInfo | undefined;
      do {
        const out = await client.send(new DescribeChangeSetCommand({ ChangeSetName: id, NextToken: token }));
        first ??= {
          id: out.ChangeSetId ?? id,
          stackId: out.StackId ?? '',
          status: out.Status ?? 'UNKNOWN',
          statusReason: out.StatusReason,
          executionStatus: out.ExecutionStatus,
          changes,
        };
        for (const change of out.Changes ?? []) {
          const converted = toChange(change);
          if (converted) changes.push(converted);
        }
        token = out.NextToken;
      } while (token);
      return first;
    },
    async deleteChangeSet(id) {
      await client.send(new DeleteChangeSetCommand({ ChangeSetName: id }));
    },
    async executeChangeSet(id) {
      await client.send(new ExecuteChangeSetCommand({ ChangeSetName: id }));
    },
    async deleteStack(nameOrId, retainResources) {
      await client.send(
        new DeleteStackCommand({
          StackName: nameOrId,
          ...(retainResources?.length ? { RetainResources: retainResources } : {}),
        }),
      );
    },
    async stackEvents(stackId, stopAt) {
      const events: StackEvent[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new DescribeStackEventsCommand({ StackName: stackId, NextToken: token }),
        );
        for (const e of out.StackEvents ?? []) {
          const event: StackEvent = {
            eventId: e.EventId ?? '',
            stackId: e.StackId ?? stackId,
            stackName: e.StackName ?? '',
            logicalId: e.LogicalResourceId ?? '',
            physicalId: e.PhysicalResourceId ?? '',
            resourceType: e.ResourceType ?? '',
            status: e.ResourceStatus ?? '',
            reason: e.ResourceStatusReason,
            timestamp: e.Timestamp ?? new Date(0),
          };
          if (stopAt(event)) return events;
          events.push(event);
        }
        token = out.NextToken;
      } while (token);
      return events;
    },
    async stackResources(stackId) {
      const out = await client.send(new DescribeStackResourcesCommand({ StackName: stackId }));
      return (out.StackResources ?? []).map((r) => ({
        logicalId: r.LogicalResourceId ?? '',
        physicalId: r.PhysicalResourceId ?? '',
        resourceType: r.ResourceType ?? '',
        status: r.ResourceStatus ?? '',
        reason: r.ResourceStatusReason,
      }));
    },
    async templateBody(stackId) {
      const out = await client.send(
        new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Original' }),
      );
      return out.TemplateBody ?? '';
    },
    async setTerminationProtection(stackId, enabled) {
      await client.send(
        new UpdateTerminationProtectionCommand({ StackName: stackId, EnableTerminationProtection: enabled }),
      );
    },
    async liveStacks() {
      const stacks: StackSummary[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(new DescribeStacksCommand({ NextToken: token }));
        for (const s of out.Stacks ?? []) {
          if (!s.StackId || !s.StackName || !s.StackStatus || s.StackStatus === 'DELETE_COMPLETE') continue;
          stacks.push({
            stackId: s.StackId,
            stackName: s.StackName,
            status: s.StackStatus,
            parentId: s.ParentId,
            tags: Object.fromEntries((s.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
          });
        }
        token = out.NextToken;
      } while (token);
      return stacks;
    },
  };
}
