// The CloudWatch Logs read `logs` needs: one page of FilterLogEvents at a time, so the caller decides
// how fast to page and where its cursor stands (src/ops/logs.ts).
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';

export interface LogEvent {
  eventId: string;
  /** ms since the epoch: when the container wrote it */
  timestamp: number;
  /** e.g. metabase/metabase/0f3c9a7e5d2b4c18a6e1f2d3c4b5a697 (awslogs: prefix/container/task-id) */
  streamName: string;
  message: string;
}

export interface LogPageRequest {
  logGroupName: string;
  /** ms since the epoch, inclusive */
  startTime: number;
  /** ms since the epoch, inclusive */
  endTime?: number | undefined;
  filterPattern?: string | undefined;
  nextToken?: string | undefined;
}

export interface LogPage {
  events: LogEvent[];
  /** more pages follow (a page may be empty and still have one) */
  nextToken?: string | undefined;
}

export interface LogsApi {
  /** undefined when the log group does not exist (yet). */
  filterEvents(request: LogPageRequest): Promise<LogPage | undefined>;
}

const toEvent = (e: FilteredLogEvent): LogEvent => ({
  eventId: e.eventId ?? `${e.logStreamName ?? ''}/${String(e.timestamp ?? 0)}/${e.message ?? ''}`,
  timestamp: e.timestamp ?? 0,
  streamName: e.logStreamName ?? '',
  message: e.message ?? '',
});

export function sdkLogs(client: CloudWatchLogsClient): LogsApi {
  return {
    async filterEvents(request) {
      try {
        const out = await client.send(
          new FilterLogEventsCommand({
            logGroupName: request.logGroupName,
            startTime: request.startTime,
            endTime: request.endTime,
            filterPattern: request.filterPattern,
            nextToken: request.nextToken,
          }),
        );
        return { events: (out.events ?? []).map(toEvent), nextToken: out.nextToken };
      } catch (error) {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
  };
}
