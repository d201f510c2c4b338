// Times as a person reads them: in their own time zone (the system's unless one is given), to the second.

/** `2026-12-02 09:14:03` in the given IANA time zone (default: the system's). */
export function formatLocalTime(ms: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** `3h ago`, `2d ago`, `40s ago`: how long before `now`. */
export function formatAgo(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 120) return `${String(s)}s ago`;
  const m = Math.round(s / 60);
  if (m < 120) return `${String(m)}m ago`;
  const h = Math.round(m / 60);
  return h < 48 ? `${String(h)}h ago` : `${String(Math.round(h / 24))}d ago`;
}
