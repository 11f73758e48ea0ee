/**
 * The source difference between a kernel and its paravirtual port, line by line: what had to change to run on
 * the paravirtual VMM, and why (the cost the white paper's §3.1.1 names: "para-virtualization requires changes
 * to the guest operating system").
 *
 * Lines are compared as code: comments and surrounding whitespace are ignored, blank and comment-only lines
 * are skipped, so a comment edit is not a change. The longest common subsequence of the two code sequences is
 * kept; everything else is grouped into hunks of consecutive removed and added lines. Each hunk's reason is the
 * rule for the first privileged instruction it removes, or else the longest `PV:` comment on its added lines.
 */

import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

export interface SourceLine {
  /** 1-based line number in its file. */
  line: number;
  /** The line as written (with its comment). */
  text: string;
}

export interface DiffHunk {
  /** Lines of the original kernel that the port removed or replaced. */
  removed: SourceLine[];
  /** Lines the port added in their place. */
  added: SourceLine[];
  /** Why the port differs here. */
  why: string;
}

/** Why each privileged instruction (or sensitive resource) had to go, when the port gives no PV: comment. */
const RULES: readonly [RegExp, string][] = [
  [/^cli\b/, t('methods.pvDiff.cliFaultsAtRing')],
  [/^sti\b/, t('methods.pvDiff.stiFaultsAtRing')],
  [/^popfd?\b/, t('methods.pvDiff.popfAtRingSilently')],
  [/^hlt\b/, t('methods.pvDiff.hltFaultsAtRing')],
  [/^lidt\b/, t('methods.pvDiff.lidtFaultsAtRing')],
  [/^lgdt\b/, t('methods.pvDiff.lgdtFaultsAtRing')],
  [/^ltr\b/, t('methods.pvDiff.ltrFaultsAtRing')],
  [/^mov\s+cr\d\s*,/, t('methods.pvDiff.movToAControl')],
  [/^mov\s+\w+\s*,\s*cr\d/, t('methods.pvDiff.movFromAControl')],
  [/^(out|in|outs[bwd]?|ins[bwd]?)\b/, t('methods.pvDiff.portIOFaultsAt')],
  [/^iretd?\b/, t('methods.pvDiff.anInterruptReturnMust')],
  [/^mov\s+dword\s+\[PAGE_DIR/i, t('methods.pvDiff.pageTablesInUse')],
];

function code(text: string): string {
  const semi = codeCommentStart(text);
  return (semi < 0 ? text : text.slice(0, semi)).trim().replace(/\s+/g, ' ');
}

/** Index of the `;` that starts a comment (not one inside a string or character literal), or -1. */
function codeCommentStart(text: string): number {
  let quote = '';
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ';') return k;
  }
  return -1;
}

function pvComment(text: string): string | null {
  const semi = codeCommentStart(text);
  if (semi < 0) return null;
  const m = /PV:\s*(.+)$/.exec(text.slice(semi + 1));
  return m === null ? null : m[1].trim();
}

function codeLines(source: string): { key: string; line: SourceLine }[] {
  const out: { key: string; line: SourceLine }[] = [];
  source.split('\n').forEach((text, k) => {
    const key = code(text);
    if (key !== '') out.push({ key, line: { line: k + 1, text } });
  });
  return out;
}

function reasonFor(h: { removed: SourceLine[]; added: SourceLine[] }): string {
  for (const l of h.removed) {
    const k = code(l.text).replace(/^[.\w]+:\s*/, '').toLowerCase();
    for (const [re, why] of RULES) if (re.test(k)) return why;
  }
  let best = '';
  for (const l of h.added) {
    const c = pvComment(l.text);
    if (c !== null && c.length > best.length) best = c;
  }
  if (best !== '') return best;
  return h.added.length === 0 ? t('methods.pvDiff.notNeededInThe') : t('methods.pvDiff.supportingCodeForThe');
}

/** The changed lines between `original` and `ported`, grouped into hunks, each with why it changed. */
export function pvSourceDiff(original: string, ported: string): DiffHunk[] {
  const a = codeLines(original);
  const b = codeLines(ported);
  const n = a.length;
  const m = b.length;
  // LCS table, (n + 1) × (m + 1), from the end.
  const w = m + 1;
  const t = new Int32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      t[i * w + j] = a[i].key === b[j].key ? t[(i + 1) * w + j + 1] + 1 : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
    }
  }
  const hunks: DiffHunk[] = [];
  let cur: { removed: SourceLine[]; added: SourceLine[] } | null = null;
  const flush = (): void => {
    if (cur !== null) hunks.push({ ...cur, why: reasonFor(cur) });
    cur = null;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i].key === b[j].key) {
      flush();
      i++;
      j++;
    } else if (j < m && (i === n || t[i * w + j + 1] >= t[(i + 1) * w + j])) {
      cur ??= { removed: [], added: [] };
      cur.added.push(b[j++].line);
    } else {
      cur ??= { removed: [], added: [] };
      cur.removed.push(a[i++].line);
    }
  }
  flush();
  return hunks;
}
