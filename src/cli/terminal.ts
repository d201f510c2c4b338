// Which progress printer a command gets. The live view moves the cursor, so it needs a real terminal:
// not a pipe, not --json, and not TERM=dumb (Emacs shells, some CI consoles), which gets the plain
// one-line-per-event printer like a log (and no colours: ui/style.ts).
import { eventLinePrinter, liveTierView, type ProgressPrinter } from '../ui/progress.js';
import type { Style } from '../ui/style.js';
import type { CliIo } from './io.js';

export function canRedraw(io: CliIo): boolean {
  return io.isTty && io.env.TERM !== 'dumb';
}

export function progressPrinter(
  io: CliIo,
  write: (text: string) => void,
  style: Style,
  now: () => number,
  json: boolean,
): ProgressPrinter {
  if (!canRedraw(io) || json) return eventLinePrinter(write, style);
  return liveTierView(write, style, now, { columns: io.columns ?? (() => undefined), onResize: io.onResize });
}
