/** Text for the ring diagram's transition label: lines of bounded length. */

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/**
 * Breaks `s` into at most `max` lines of at most `n` characters, at spaces; a word longer than a line, or text beyond
 * the last line, is cut with an ellipsis (the caption under the figure always has the whole text).
 */
export function wrapLines(s: string, n: number, max: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of s.split(/\s+/).filter(Boolean)) {
    const next = cur === '' ? word : `${cur} ${word}`;
    if (next.length <= n) {
      cur = next;
      continue;
    }
    if (cur !== '') lines.push(cur);
    cur = word;
  }
  if (cur !== '') lines.push(cur);
  if (lines.length > max) {
    const kept = lines.slice(0, max);
    kept[max - 1] = clip(`${kept[max - 1]} ${lines.slice(max).join(' ')}`, n);
    return kept.map((l) => clip(l, n));
  }
  return lines.map((l) => clip(l, n));
}
