// Log events as lines: `<local time>  <short task id>  <message>`, or one JSON object a line (--json).
import type { LogEvent } from '../aws/logs.js';
import { shortTaskId, taskIdOf } from '../ops/logs.js';
import type { Style } from './style.js';
import { formatLocalTime } from './time.js';

export function renderLogLine(event: LogEvent, style: Style, timeZone?: string): string {
  const message = event.message.replace(/\r?\n$/, '');
  return `${style.dim(formatLocalTime(event.timestamp, timeZone))}  ${style.cyan(shortTaskId(taskIdOf(event.streamName)))}  ${message}\n`;
}

/** Times in UTC ISO 8601 (and epoch ms): a machine reading JSON wants no local zone. */
export function renderLogJson(event: LogEvent): string {
  const taskId = taskIdOf(event.streamName);
  return `${JSON.stringify({
    time: new Date(event.timestamp).toISOString(),
    timestamp: event.timestamp,
    task: shortTaskId(taskId),
    taskId,
    stream: event.streamName,
    message: event.message.replace(/\r?\n$/, ''),
    eventId: event.eventId,
  })}\n`;
}
