// Colours only on a terminal, only when NO_COLOR is unset (https://no-color.org), and not on TERM=dumb
// (a terminal that declares it understands no escape sequences).
// Members are plain functions (closures, no `this`), so `const paint = style.red` is safe.
export interface Style {
  enabled: boolean;
  red: (text: string) => string;
  green: (text: string) => string;
  yellow: (text: string) => string;
  cyan: (text: string) => string;
  bold: (text: string) => string;
  dim: (text: string) => string;
}

const wrap = (enabled: boolean, open: number, close: number) => (text: string) =>
  enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export function makeStyle(isTty: boolean, env: NodeJS.ProcessEnv): Style {
  const enabled = isTty && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
  return {
    enabled,
    red: wrap(enabled, 31, 39),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    cyan: wrap(enabled, 36, 39),
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
  };
}

export function statusColour(style: Style, status: string): string {
  if (/FAILED|ROLLBACK/.test(status)) return style.red(status);
  if (/COMPLETE$/.test(status)) return style.green(status);
  return style.yellow(status);
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
