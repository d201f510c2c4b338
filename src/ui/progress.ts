// Two printers for the stack-activity poller. Outside a terminal: one line per event (logs, CI). In a
// terminal: a live block with one row per tier (status, elapsed time, latest resource), redrawn in place.
import { STACK_TYPE, type WatchEvent } from '../deploy/watch.js';
import { formatDuration, statusColour, type Style } from './style.js';

/** Handed to the watcher as callbacks: members are functions without `this`. */
export interface ProgressPrinter {
  onEvent: (event: WatchEvent) => void;
  onRound: () => void;
  finish: () => void;
}

function clockTime(date: Date): string {
  return date.toISOString().slice(11, 19);
}

export function eventLinePrinter(write: (text: string) => void, style: Style): ProgressPrinter {
  return {
    onEvent(e) {
      const reason = e.reason ? `  ${style.dim(e.reason)}` : '';
      write(
        `${clockTime(e.timestamp)}  ${e.stackLabel.padEnd(14)} ${e.logicalId.padEnd(28)} ${statusColour(style, e.status)}${reason}\n`,
      );
    },
    onRound() {},
    finish() {},
  };
}

interface Row {
  label: string;
  status: string;
  startedAt: number;
  endedAt?: number | undefined;
  latest: string;
}

export function liveTierView(
  write: (text: string) => void,
  style: Style,
  now: () => number,
): ProgressPrinter {
  const rows = new Map<string, Row>();
  let drawn = 0;
  const row = (label: string): Row => {
    let r = rows.get(label);
    if (!r) {
      r = { label, status: 'PENDING', startedAt: now(), latest: '' };
      rows.set(label, r);
    }
    return r;
  };
  const draw = (): void => {
    const lines = [...rows.values()].map((r) => {
      const elapsed = formatDuration((r.endedAt ?? now()) - r.startedAt);
      return `  ${r.label.padEnd(16)} ${statusColour(style, r.status).padEnd(style.enabled ? 30 : 20)} ${elapsed.padStart(6)}  ${style.dim(r.latest)}`;
    });
    const up = drawn > 0 ? `\u001b[${drawn}A` : '';
    write(up + lines.map((l) => `\u001b[2K${l}\n`).join(''));
    drawn = lines.length;
  };
  return {
    onEvent(e) {
      const isSelf = e.resourceType === STACK_TYPE && e.physicalId === e.stackId;
      if (e.depth === 0 && isSelf) {
        const r = row(e.stackLabel);
        r.status = e.status;
        r.endedAt = e.status.endsWith('_IN_PROGRESS') ? undefined : now();
      } else if (e.depth === 0 && e.resourceType === STACK_TYPE) {
        const r = row(e.logicalId);
        if (r.status === 'PENDING') r.startedAt = now();
        r.status = e.status;
        r.endedAt = e.status.endsWith('_IN_PROGRESS') ? undefined : now();
      } else if (e.depth > 0 && !isSelf) {
        row(e.stackLabel).latest = `${e.logicalId} ${e.status}`;
      }
    },
    onRound: draw,
    // Draw the final state once and let go of the block: whatever prints next (health probes, the
    // DELETE_FAILED list, a retry's fresh view) goes below it and must not be moved up over. A second
    // finish() draws nothing.
    finish() {
      if (drawn > 0) draw();
      drawn = 0;
    },
  };
}
