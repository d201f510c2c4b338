// Dotted versions (PostgreSQL 17.10, Metabase 0.64.2.2) in numeric order: preflight refuses a downgrade,
// restore refuses a snapshot newer than the engine asked for.

/** The numbers of a dotted version; a part that is not a number counts as 0. */
export function versionParts(version: string): number[] {
  return version.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

/** Numeric order of dotted versions (16.10 > 16.9) and of plain numbers: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
