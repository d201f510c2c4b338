// Two printers for the stack-activity poller. Outside a terminal: one line per event (logs, CI). In a
// terminal: a live block with one row per tier (status, elapsed time, latest resource), redrawn in place.
import { isCertificateValidating } from '../deploy/certificate-wait.js';
import { STACK_TYPE, type WatchEvent } from '../deploy/watch.js';
import { formatDuration, statusColour, type Style } from './style.js';

/** Handed to the watcher as callbacks: members are functions without `this`. */
export interface ProgressPrinter {
  onEvent: (event: WatchEvent) => void;
  onRound: () => void;
  finish: () => void;
}

/** A certificate being created is waiting for ACM's DNS validation: say that, not just IN_PROGRESS. */
export const CERTIFICATE_WAITING = 'waiting for DNS validation (ACM; usually a few minutes)';

function clockTime(date: Date): string {
  return date.toISOString().slice(11, 19);
}

export function eventLinePrinter(write: (text: string) => void, style: Style): ProgressPrinter {
  return {
    onEvent(e) {
      const waiting = isCertificateValidating(e) ? `  ${CERTIFICATE_WAITING}` : '';
      const reason = e.reason ? `  ${style.dim(e.reason)}` : '';
      write(
        `${clockTime(e.timestamp)}  ${e.stackLabel.padEnd(14)} ${e.logicalId.padEnd(28)} ${statusColour(style, e.status)}${waiting}${reason}\n`,
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

/** What the live view needs of the terminal: its width now, and word when that changes. */
export interface TerminalSize {
  columns(): number | undefined;
  /** Calls `listener` on every resize; returns the unsubscribe. */
  onResize?: ((listener: () => void) => () => void) | undefined;
}

/** Assumed when the terminal does not say (a pty without a size): the classic 80 columns. */
const DEFAULT_COLUMNS = 80;

/** `text` cut to `width` columns, with an ellipsis when something was cut (all this view prints is ASCII). */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

export function liveTierView(
  write: (text: string) => void,
  style: Style,
  now: () => number,
  terminal: TerminalSize = { columns: () => undefined },
): ProgressPrinter {
  const rows = new Map<string, Row>();
  /** Lengths of the lines of the block on screen (plain text), to know how many rows it takes after a resize. */
  let drawnLengths: number[] = [];
  const row = (label: string): Row => {
    let r = rows.get(label);
    if (!r) {
      r = { label, status: 'PENDING', startedAt: now(), latest: '' };
      rows.set(label, r);
    }
    return r;
  };
  const width = (): number => {
    const columns = terminal.columns();
    return columns !== undefined && columns > 0 ? columns : DEFAULT_COLUMNS;
  };
  // Every row stays one column short of the width: a line that fills the last column makes some terminals
  // wrap, and then moving the cursor up by the number of rows lands one row short and stale rows pile up.
  const line = (r: Row, columns: number): { text: string; length: number } => {
    const elapsed = formatDuration((r.endedAt ?? now()) - r.startedAt);
    const room = columns - 1;
    const head = fit(`  ${r.label.padEnd(16)} `, room);
    const status = fit(r.status.padEnd(20), room - head.length);
    const tail = fit(` ${elapsed.padStart(6)}  `, room - head.length - status.length);
    const latest = fit(r.latest, room - head.length - status.length - tail.length);
    const colouredStatus = status.replace(r.status, statusColour(style, r.status));
    return {
      text: `${head}${status.startsWith(r.status) ? colouredStatus : status}${tail}${latest === '' ? '' : style.dim(latest)}`,
      length: head.length + status.length + tail.length + latest.length,
    };
  };
  /** Rows the block takes now: a terminal that reflows on resize spreads a long old line over several. */
  const rowsOnScreen = (columns: number): number =>
    drawnLengths.reduce((sum, length) => sum + Math.max(1, Math.ceil(length / columns)), 0);
  const draw = (): void => {
    const columns = width();
    const lines = [...rows.values()].map((r) => line(r, columns));
    const up = rowsOnScreen(columns);
    // Up to the block's first row, clear from there to the end of the screen, draw it again.
    const move = up > 0 ? `\u001b[${up}A\r\u001b[J` : '';
    write(move + lines.map((l) => `\u001b[2K${l.text}\n`).join(''));
    drawnLengths = lines.map((l) => l.length);
    // Listen for resizes only while a block is on screen; finish() lets go of both.
    stopResize ??= terminal.onResize?.(() => {
      if (drawnLengths.length > 0) draw();
    });
  };
  let stopResize: (() => void) | undefined;
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
        row(e.stackLabel).latest = isCertificateValidating(e)
          ? `${e.logicalId} ${CERTIFICATE_WAITING}`
          : `${e.logicalId} ${e.status}`;
      }
    },
    onRound: draw,
    // Draw the final state once and let go of the block: whatever prints next (health probes, the
    // DELETE_FAILED list, a retry's fresh view) goes below it and must not be moved up over. A second
    // finish() draws nothing.
    finish() {
      if (drawnLengths.length > 0) draw();
      drawnLengths = [];
      stopResize?.();
      stopResize = undefined;
    },
  };
}
