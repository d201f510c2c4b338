/** The known name closest to `unknown` by edit distance, if it is close enough to be a likely typo. */
export function closestName(unknown: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(unknown.toLowerCase(), name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(unknown.length / 3))
    ? best.name
    : undefined;
}

/** Levenshtein distance, one row of the table at a time. */
function editDistance(a: string, b: string): number {
  const cell = (row: number[], index: number): number => {
    const value = row[index];
    if (value === undefined) throw new Error(`edit distance: no cell ${index}`);
    return value;
  };
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = cell(previous, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(cell(previous, j) + 1, cell(current, j - 1) + 1, substitution));
    }
    previous = current;
  }
  return cell(previous, b.length);
}
