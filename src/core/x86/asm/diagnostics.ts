// Error values for the assembler. Errors are collected, never thrown (docs/CONVENTIONS.md:
// "Errors are values, not exceptions, at module boundaries").

/** One assembler diagnostic. `line` and `column` are 1-based; `endColumn` is exclusive. Columns count
 *  UTF-16 code units, the unit editors in the browser use. */
export interface AsmError {
  line: number;
  column: number;
  endColumn: number;
  message: string;
}

/** The cap on reported errors: a garbage file should produce a readable list, not a flood. */
export const MAX_REPORTED_ERRORS = 100;
/** Errors kept before sorting and cutting to MAX_REPORTED_ERRORS, so that the earliest lines win. */
const MAX_COLLECTED_ERRORS = 2000;

/** "file:line:column: message", the format compilers use so editors and terminals can link to it. */
export function formatAsmError(fileName: string, e: AsmError): string {
  return `${fileName}:${e.line}:${e.column}: ${e.message}`;
}

/** A position inside one source line. */
export interface Span {
  col: number;
  end: number;
}

export class ErrorSink {
  private readonly list: AsmError[] = [];
  private readonly seen = new Set<string>();
  /** When false (the layout passes before the last), errors are dropped: values are still guesses. */
  enabled = true;

  get count(): number {
    return this.list.length;
  }

  add(line: number, span: Span, message: string): void {
    if (!this.enabled || this.list.length >= MAX_COLLECTED_ERRORS) return;
    const key = `${line}:${span.col}:${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ line, column: span.col, endColumn: Math.max(span.end, span.col + 1), message: readable(message) });
  }

  /** Errors in source order, capped. */
  result(): AsmError[] {
    const sorted = this.list
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.line - b.e.line || a.e.column - b.e.column || a.i - b.i)
      .map((x) => x.e);
    return sorted.slice(0, MAX_REPORTED_ERRORS);
  }
}

/** Longest message kept; beyond it the text is cut (a message must fit beside the editor line it points at). */
export const MAX_MESSAGE_CHARS = 400;

/**
 * A message with every quoted piece of user text longer than 40 characters shortened as `quote` does, then capped
 * at MAX_MESSAGE_CHARS. Messages quote tokens and whole statements ('mov …'), and fuzzing found a 1 MB line
 * quoted whole (issue 9); shortening here covers every message, present and future.
 */
export function readable(message: string): string {
  const m = message.replace(/'([^'\n]{41,}?)'(?=[\s,.:;)?!]|$)/g, (_all, t: string) => quote(t));
  return m.length > MAX_MESSAGE_CHARS ? `${m.slice(0, MAX_MESSAGE_CHARS - 1)}…` : m;
}

/** Quotes user text inside a message, shortened so a 1 MB identifier gives a readable message. */
export function quote(text: string): string {
  const t = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `'${t}'`;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transposition), so 'mvo' is one edit
 *  from 'mov'. Returns a value above `limit` early when the distance is certainly larger. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[n];
}

/** The closest candidate to `word`, or null when nothing is close enough to be a plausible typo. */
export function suggest(word: string, candidates: Iterable<string>): string | null {
  if (word.length === 0 || word.length > 24) return null;
  const limit = word.length <= 3 ? 1 : 2;
  let best: string | null = null;
  let bestD = limit + 1;
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(word, c, limit);
    if (d < bestD || (d === bestD && best !== null && c.length < best.length)) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : null;
}
