// Source lines → statements: labels, constants, directives, prefixes and instructions. Values are
// not computed here (that needs the layout); only the shape of each line is.

// `tr` is the catalogue's `t` (issue 8: every user-visible string in one catalogue); `t` names a token here.
import '../../../i18n/en/asm.ts';
import { t as tr } from '../../../i18n/t.ts';
import { ErrorSink, quote, suggest, type Span } from './diagnostics.ts';
import type { InsnStmt, Prefix } from './encoder.ts';
import { Cursor, KEYWORDS, parseExpr, qualify, type Expr, type ParseCtx } from './expr.ts';
import { lexLine, type Token } from './lexer.ts';
import { parseOperand, SIZE_KEYWORDS, type Operand } from './operands.ts';
import { lookupRegister } from './registers.ts';
import { STRING_OPERAND_MNEMONICS } from './strings.ts';
import { FORMS } from './tables.ts';

export type DataItem = { k: 'str'; text: string; span: Span } | { k: 'expr'; e: Expr; span: Span };

export type Stmt =
  | InsnStmt
  | { k: 'data'; unit: 1 | 2 | 4 | 8; items: DataItem[]; span: Span }
  | { k: 'res'; unit: 1 | 2 | 4 | 8; count: Expr; fill: number; span: Span }
  | { k: 'times'; count: Expr; inner: Stmt; span: Span }
  | { k: 'align'; n: Expr; fill: Expr | null; defaultFill: number; span: Span }
  | { k: 'equ'; name: string; expr: Expr; span: Span }
  | { k: 'org'; expr: Expr; span: Span }
  | { k: 'prefixes'; prefixes: Prefix[]; span: Span };

export interface LabelDef {
  name: string;
  span: Span;
}

export interface LineRec {
  line: number;
  source: string;
  labels: LabelDef[];
  stmt: Stmt | null;
}

// The word tables have no prototype: `w in TABLE` must not find 'constructor' or 'toString' (fuzzing found
// `constructor newline` taken for a data directive and an internal error; issue 9).
const DATA_UNITS: Record<string, 1 | 2 | 4 | 8> = Object.assign(Object.create(null) as Record<string, 1 | 2 | 4 | 8>, {
  db: 1, dw: 2, dd: 4, dq: 8,
  '.byte': 1, '.word': 2, '.short': 2, '.value': 2, '.long': 4, '.int': 4, '.quad': 8,
} as const);
const RES_UNITS: Record<string, 1 | 2 | 4 | 8> = Object.assign(Object.create(null) as Record<string, 1 | 2 | 4 | 8>, { resb: 1, resw: 2, resd: 4, resq: 8 } as const);

/** Prefix words (NASM §3.1: prefixes are written as words before the instruction). */
const PREFIX_BYTES: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  lock: 0xf0, rep: 0xf3, repe: 0xf3, repz: 0xf3, repne: 0xf2, repnz: 0xf2,
  cs: 0x2e, ds: 0x3e, es: 0x26, fs: 0x64, gs: 0x65, ss: 0x36,
});
const SIZE_PREFIXES: Record<string, ['o' | 'a', 16 | 32]> = Object.assign(Object.create(null) as Record<string, ['o' | 'a', 16 | 32]>, { o16: ['o', 16], o32: ['o', 32], a16: ['a', 16], a32: ['a', 32] } as Record<string, ['o' | 'a', 16 | 32]>);

/** Directives accepted and ignored: a flat binary has one section and no linkage. */
const IGNORED = new Set([
  'section', 'segment', 'global', 'cpu', 'default', '.text', '.data', '.bss', '.section', '.global', '.globl',
  '.intel_syntax', '.att_syntax', '.type', '.size', '.file', '.ident',
]);

const DIRECTIVES = new Set([
  ...Object.keys(DATA_UNITS), ...Object.keys(RES_UNITS), ...IGNORED,
  'bits', 'use16', 'use32', '.code16', '.code32', 'org', 'times', 'align', 'alignb', '.align', '.balign', '.p2align',
  'equ', '.equ', '.set', 'extern', 'incbin', '.ascii', '.asciz', '.string', '.skip', '.space', '.zero',
]);

/** Every word that can start a statement, for "did you mean" suggestions. */
export const KNOWN_WORDS: readonly string[] = [...FORMS.keys(), ...STRING_OPERAND_MNEMONICS, ...DIRECTIVES, ...Object.keys(PREFIX_BYTES), ...Object.keys(SIZE_PREFIXES)].filter(
  (w) => !w.startsWith('.'),
);
const suggestions = new Map<string, string | null>();

function suggestWord(w: string): string | null {
  let s = suggestions.get(w);
  if (s === undefined) {
    s = suggest(w, KNOWN_WORDS);
    if (suggestions.size < 10_000) suggestions.set(w, s);
  }
  return s;
}

/** Limits on %define expansion so a self-multiplying define cannot exhaust memory. */
const MAX_DEFINE_DEPTH = 16;
const MAX_EXPANDED_TOKENS = 100_000;

export interface ParseResult {
  lines: LineRec[];
  /** First `org` line, for the layout's first pass. */
  hasOrg: boolean;
}

interface State {
  sink: ErrorSink;
  bits: 16 | 32;
  scope: string;
  defines: Map<string, Token[]>;
  symbolLines: Map<string, { line: number; kind: 'label' | 'constant' }>;
  orgLine: number;
}

export function parseSource(lines: string[], initialBits: 16 | 32, sink: ErrorSink): ParseResult {
  const st: State = { sink, bits: initialBits, scope: '', defines: new Map(), symbolLines: new Map(), orgLine: 0 };
  const out: LineRec[] = [];
  for (let i = 0; i < lines.length; i++) {
    const rec = parseLine(lines[i], i + 1, st);
    if (rec) out.push(rec);
  }
  return { lines: out, hasOrg: st.orgLine !== 0 };
}

function err(st: State, line: number, span: Span, msg: string): null {
  st.sink.add(line, span, msg);
  return null;
}

function lower(t: Token | undefined): string {
  return t && t.kind === 'id' ? t.text.toLowerCase() : '';
}

function expandDefines(toks: Token[], st: State, line: number): Token[] | null {
  if (st.defines.size === 0) return toks;
  const out: Token[] = [];
  const expand = (list: Token[], at: Token | null, depth: number, active: Set<string>): boolean => {
    for (const t of list) {
      const body = t.kind === 'id' ? st.defines.get(t.text) : undefined;
      const pos = at ?? t;
      if (body && !active.has(t.text)) {
        if (depth >= MAX_DEFINE_DEPTH) {
          err(st, line, pos, tr('asm.parser.defineNestsTooDeeply', { name: quote(t.text) }));
          return false;
        }
        active.add(t.text);
        const ok = expand(body, pos, depth + 1, active);
        active.delete(t.text);
        if (!ok) return false;
      } else {
        if (out.length >= MAX_EXPANDED_TOKENS) {
          err(st, line, pos, tr('asm.parser.defineTooLarge'));
          return false;
        }
        out.push(at ? { ...t, col: at.col, end: at.end } : t);
      }
    }
    return true;
  };
  return expand(toks, null, 0, new Set()) ? out : null;
}

function parseLine(source: string, line: number, st: State): LineRec | null {
  const raw = lexLine(source, line, st.sink);
  if (!raw || raw.length === 0) return null;
  // Preprocessor lines (NASM §4.1.1 "%define"): object-like macros only.
  if (raw[0].kind === 'op' && raw[0].text === '%') {
    const d = raw[1];
    const w = lower(d);
    if (d && d.col === raw[0].end && (w === 'define' || w === 'xdefine' || w === 'idefine')) {
      const name = raw[2];
      if (!name || name.kind !== 'id') return err(st, line, name ?? d, tr('asm.parser.defineNeedsName'));
      if (raw[3]?.kind === 'op' && raw[3].text === '(' && raw[3].col === name.end) {
        return err(st, line, raw[3], tr('asm.parser.defineNoParameters'));
      }
      const body = raw.slice(3);
      st.defines.set(name.text, w === 'xdefine' ? (expandDefines(body, st, line) ?? []) : body);
      return null;
    }
    if (d && w === 'undef') {
      if (raw[2]) st.defines.delete(raw[2].text);
      return null;
    }
    return err(st, line, { col: raw[0].col, end: (d ?? raw[0]).end }, tr('asm.parser.preprocessorUnsupported', { directive: d?.text ?? '' }));
  }
  const toks = expandDefines(raw, st, line);
  if (!toks || toks.length === 0) return null;
  const rec: LineRec = { line, source, labels: [], stmt: null };
  const cur = new Cursor(toks, source.length);

  // [bits 32], [org 0x7c00], [section .text]
  if (cur.isOp('[') && cur.peek(1)?.kind === 'id' && DIRECTIVES.has(lower(cur.peek(1)))) {
    const close = toks.findIndex((t) => t.kind === 'op' && t.text === ']');
    if (close < 0) return err(st, line, toks[0], tr('asm.parser.directiveUnclosed'));
    if (close !== toks.length - 1) return err(st, line, toks[close + 1], tr('asm.parser.unexpectedAfterDirective', { token: toks[close + 1].text }));
    const inner = new Cursor(toks.slice(1, close), source.length);
    rec.stmt = parseStatement(inner, line, st, source, false);
    return rec;
  }

  // Labels: "name:" (several may share a line).
  while (cur.peek()?.kind === 'id' && cur.isOp(':', 1)) {
    const t = cur.peek()!;
    const w = t.text.toLowerCase();
    if (lookupRegister(t.text)) {
      // "es:" at the start of a line is a segment prefix in some syntaxes; not a label.
      return err(st, line, t, tr('asm.parser.registerAsLabel', { name: w }));
    }
    cur.next();
    cur.next();
    if (lower(cur.peek()) === 'equ' && rec.labels.length === 0) {
      cur.i -= 2;
      break;
    }
    if (!defineLabel(st, line, t, rec)) return rec;
  }
  if (cur.atEnd()) return rec;

  const t0 = cur.peek()!;
  const t1 = cur.peek(1);
  const w1 = lower(t1);
  // Constants: NAME equ expr, NAME = expr (NASM §3.2.4 "EQU").
  if (t0.kind === 'id' && ((t1?.kind === 'id' && w1 === 'equ') || (t1?.kind === 'op' && t1.text === '=') || (t1?.kind === 'op' && t1.text === ':' && lower(cur.peek(2)) === 'equ'))) {
    if (rec.labels.length > 0) return err(st, line, t0, tr('asm.parser.constantAfterLabel'));
    cur.next();
    if (cur.isOp(':')) cur.next();
    cur.next();
    return defineConstant(st, line, t0, cur, rec, source);
  }
  // "msg db 'hi'": a label without a colon before data, as NASM allows.
  if (t0.kind === 'id' && t1?.kind === 'id' && (w1 in DATA_UNITS || w1 in RES_UNITS || w1 === 'times') && !isStatementWord(t0.text)) {
    cur.next();
    if (!defineLabel(st, line, t0, rec)) return rec;
  }
  rec.stmt = parseStatement(cur, line, st, source, true);
  return rec;
}

function isStatementWord(text: string): boolean {
  const w = text.toLowerCase();
  return FORMS.has(w) || STRING_OPERAND_MNEMONICS.has(w) || DIRECTIVES.has(w) || w in PREFIX_BYTES || w in SIZE_PREFIXES || KEYWORDS.has(w) || !!lookupRegister(w);
}

function checkSymbolName(st: State, line: number, t: Token): boolean {
  const w = t.text.toLowerCase();
  if (lookupRegister(t.text)) {
    err(st, line, t, tr('asm.parser.registerAsName', { name: w }));
    return false;
  }
  if (KEYWORDS.has(w) || w in SIZE_KEYWORDS) {
    err(st, line, t, tr('asm.parser.reservedAsName', { name: w }));
    return false;
  }
  return true;
}

function defineLabel(st: State, line: number, t: Token, rec: LineRec): boolean {
  if (!checkSymbolName(st, line, t)) return false;
  const local = t.text.startsWith('.') && !t.text.startsWith('..');
  const name = qualify(t.text, st.scope);
  const prev = st.symbolLines.get(name);
  if (prev) {
    err(st, line, t, tr(prev.kind === 'label' ? 'asm.parser.labelDefinedTwice' : 'asm.parser.symbolDefinedTwice', { name: quote(name), line: prev.line }));
    return true;
  }
  st.symbolLines.set(name, { line, kind: 'label' });
  if (!local) st.scope = t.text;
  rec.labels.push({ name, span: t });
  return true;
}

function defineConstant(st: State, line: number, t: Token, cur: Cursor, rec: LineRec, source: string): LineRec {
  if (!checkSymbolName(st, line, t)) return rec;
  const name = qualify(t.text, st.scope);
  if (cur.atEnd()) {
    err(st, line, cur.span(), tr('asm.parser.equNeedsValue', { name: t.text }));
    return rec;
  }
  const e = parseExpr(cur, pctx(st, line, false));
  if (!e) return rec;
  if (!cur.atEnd()) {
    err(st, line, cur.span(), tr('asm.parser.unexpectedAfterValue', { token: cur.peek()!.text, name: t.text }));
    return rec;
  }
  const prev = st.symbolLines.get(name);
  if (prev) {
    err(st, line, t, tr(prev.kind === 'label' ? 'asm.parser.labelDefinedTwice' : 'asm.parser.symbolDefinedTwice', { name: quote(name), line: prev.line }));
    return rec;
  }
  st.symbolLines.set(name, { line, kind: 'constant' });
  rec.stmt = { k: 'equ', name, expr: e, span: { col: t.col, end: source.length + 1 } };
  return rec;
}

function pctx(st: State, line: number, allowRegs: boolean): ParseCtx {
  return { line, sink: st.sink, scope: st.scope, allowRegs };
}

function spanFrom(t: Token, cur: Cursor): Span {
  const last = cur.toks[cur.toks.length - 1] ?? t;
  return { col: t.col, end: last.end };
}

/** Parses what follows the labels: a directive, TIMES, or an instruction with prefixes. */
function parseStatement(cur: Cursor, line: number, st: State, source: string, allowTimes: boolean): Stmt | null {
  const t = cur.peek()!;
  if (t.kind !== 'id') {
    if (t.kind === 'op' && t.text === '%') return err(st, line, t, tr('asm.parser.preprocessorMidLine'));
    return err(st, line, t, tr('asm.parser.expectedStatement', { token: t.text }));
  }
  const w = t.text.toLowerCase();
  const span = spanFrom(t, cur);
  const expr = (): Expr | null => parseExpr(cur, pctx(st, line, false));
  const endOfLine = (what: string): boolean => {
    if (cur.atEnd()) return true;
    err(st, line, cur.span(), tr('asm.parser.unexpectedAfter', { token: cur.peek()!.text, what }));
    return false;
  };

  if (w in DATA_UNITS) {
    cur.next();
    return parseData(cur, line, st, DATA_UNITS[w], span, w);
  }
  if (w === '.ascii' || w === '.asciz' || w === '.string') {
    cur.next();
    const s = parseData(cur, line, st, 1, span, w);
    if (s && s.k === 'data' && w !== '.ascii') {
      s.items = s.items.flatMap((it) => (it.k === 'str' ? [it, { k: 'expr', e: zeroExpr(it.span), span: it.span } as DataItem] : [it]));
    }
    return s;
  }
  if (w in RES_UNITS || w === '.skip' || w === '.space' || w === '.zero') {
    cur.next();
    if (cur.atEnd()) return err(st, line, cur.span(), tr('asm.parser.needsCount', { directive: w }));
    const count = expr();
    if (!count) return null;
    let fill = 0;
    if (w.startsWith('.') && cur.isOp(',')) {
      cur.next();
      const f = cur.next();
      if (!f || f.kind !== 'num' || f.value > 255n) return err(st, line, f ?? cur.span(), tr('asm.parser.fillMustBeByte', { directive: w }));
      fill = Number(f.value);
    }
    if (!endOfLine(tr('asm.parser.afterCount'))) return null;
    return { k: 'res', unit: RES_UNITS[w] ?? 1, count, fill, span };
  }
  if (w === 'times') {
    cur.next();
    if (!allowTimes) return err(st, line, t, tr('asm.parser.timesNested'));
    if (cur.atEnd()) return err(st, line, cur.span(), tr('asm.parser.timesNeedsCount'));
    const count = expr();
    if (!count) return null;
    if (cur.atEnd()) return err(st, line, cur.span(), tr('asm.parser.timesNeedsBody'));
    const inner = parseStatement(cur, line, st, source, false);
    if (!inner) return null;
    if (inner.k === 'equ' || inner.k === 'org' || inner.k === 'times') return err(st, line, t, tr('asm.parser.timesCannotRepeat', { what: cur.toks[0].text }));
    return { k: 'times', count, inner, span };
  }
  if (w === 'align' || w === 'alignb' || w === '.align' || w === '.balign' || w === '.p2align') {
    cur.next();
    if (cur.atEnd()) return err(st, line, cur.span(), tr('asm.parser.alignNeedsBoundary', { directive: w }));
    let n = expr();
    if (!n) return null;
    if (w === '.p2align') n = { k: 'bin', op: '<<', a: { k: 'num', v: 1n, col: n.col, end: n.end, d: 1 }, b: n, opCol: n.col, col: n.col, end: n.end, d: n.d + 1 };
    let fill: Expr | null = null;
    if (cur.isOp(',')) {
      cur.next();
      // NASM writes the fill as an instruction: "align 16, db 0"; also accept a plain value.
      if (lower(cur.peek()) === 'db') cur.next();
      fill = expr();
      if (!fill) return null;
    }
    if (!endOfLine(tr('asm.parser.afterAlignment'))) return null;
    // NASM pads code with NOPs (0x90) for ALIGN and with zeros for ALIGNB (NASM §5.10.1).
    return { k: 'align', n, fill, defaultFill: w === 'alignb' ? 0 : 0x90, span };
  }
  if (w === 'bits' || w === 'use16' || w === 'use32' || w === '.code16' || w === '.code32') {
    cur.next();
    let b = w.endsWith('16') ? 16 : 32;
    if (w === 'bits') {
      const n = cur.next();
      if (!n || n.kind !== 'num' || (n.value !== 16n && n.value !== 32n)) {
        const is64 = n && n.kind === 'num' && n.value === 64n;
        return err(st, line, n ?? cur.span(), tr(is64 ? 'asm.parser.bits64' : 'asm.parser.bitsInvalid'));
      }
      b = Number(n.value);
    }
    if (!endOfLine(`'${w}'`)) return null;
    st.bits = b as 16 | 32;
    return null;
  }
  if (w === 'org') {
    cur.next();
    if (cur.atEnd()) return err(st, line, cur.span(), tr('asm.parser.orgNeedsAddress'));
    const e = expr();
    if (!e) return null;
    if (!endOfLine(tr('asm.parser.afterOrigin'))) return null;
    if (st.orgLine) return err(st, line, t, tr('asm.parser.orgTwice', { line: st.orgLine }));
    st.orgLine = line;
    return { k: 'org', expr: e, span };
  }
  if (w === '.equ' || w === '.set') {
    cur.next();
    const name = cur.next();
    if (!name || name.kind !== 'id' || !cur.isOp(',')) return err(st, line, name ?? cur.span(), tr('asm.parser.equNeedsNameValue', { directive: w }));
    cur.next();
    const rec: LineRec = { line, source, labels: [], stmt: null };
    defineConstant(st, line, name, cur, rec, source);
    return rec.stmt;
  }
  if (IGNORED.has(w)) {
    cur.i = cur.toks.length;
    return null;
  }
  if (w === 'extern') return err(st, line, t, tr('asm.parser.externUnsupported'));
  if (w === 'incbin') return err(st, line, t, tr('asm.parser.incbinUnsupported'));
  if (w === 'equ') return err(st, line, t, tr('asm.parser.equNeedsName'));

  // Prefixes, then the mnemonic.
  const prefixes: Prefix[] = [];
  let osOverride: 0 | 16 | 32 = 0;
  let asOverride: 0 | 16 | 32 = 0;
  for (;;) {
    const p = cur.peek();
    if (!p || p.kind !== 'id') break;
    const pw = p.text.toLowerCase();
    if (pw in PREFIX_BYTES) {
      // A segment register word is a prefix only when an instruction follows it.
      if (lookupRegister(pw) && cur.peek(1)?.kind !== 'id') break;
      prefixes.push({ word: pw, byte: PREFIX_BYTES[pw], span: { col: p.col, end: p.end } });
      cur.next();
    } else if (pw in SIZE_PREFIXES) {
      const [kind, size] = SIZE_PREFIXES[pw];
      if (kind === 'o') osOverride = size;
      else asOverride = size;
      cur.next();
    } else break;
  }
  const m = cur.peek();
  if (!m) {
    if (osOverride || asOverride) return err(st, line, span, tr('asm.parser.prefixNeedsInstruction', { prefix: t.text }));
    return { k: 'prefixes', prefixes, span };
  }
  if (m.kind !== 'id') return err(st, line, m, tr('asm.parser.expectedInstructionAfter', { previous: cur.toks[cur.i - 1]?.text ?? '', token: m.text }));
  const mw = m.text.toLowerCase();
  if (!FORMS.has(mw) && !STRING_OPERAND_MNEMONICS.has(mw)) {
    if (lookupRegister(mw)) return err(st, line, m, tr('asm.parser.registerNotInstruction', { name: mw }));
    if (DIRECTIVES.has(mw) && prefixes.length > 0) return err(st, line, m, tr('asm.parser.directiveNoPrefix', { name: mw }));
    if (DIRECTIVES.has(mw)) return err(st, line, m, tr('asm.parser.directiveNotHere', { name: mw }));
    const guess = suggestWord(mw);
    const name = quote(m.text);
    if (guess) return err(st, line, m, tr('asm.parser.unknownInstructionDidYouMean', { name, guess }));
    if (cur.toks.length === cur.i + 1 && prefixes.length === 0) return err(st, line, m, tr('asm.parser.unknownInstructionLabel', { name, label: m.text }));
    return err(st, line, m, tr('asm.parser.unknownInstruction', { name }));
  }
  cur.next();
  const ops: Operand[] = [];
  const ctx = pctx(st, line, false);
  while (!cur.atEnd()) {
    const o = parseOperand(cur, ctx, source);
    if (!o) return null;
    ops.push(o);
    if (cur.atEnd()) break;
    if (!cur.isOp(',')) {
      const p = cur.peek()!;
      return err(st, line, p, tr('asm.parser.unexpectedAfterOperand', { token: p.text, n: ops.length }));
    }
    cur.next();
    if (cur.atEnd()) return err(st, line, cur.span(), tr('asm.parser.expectedOperandAfterComma'));
  }
  const mnemSpan = { col: m.col, end: m.end };
  const opsSpan = ops.length ? { col: ops[0].col, end: ops[ops.length - 1].end } : mnemSpan;
  const text = ops.length ? `${mw} ${ops.map((o) => o.text.trim()).join(', ')}` : mw;
  return { k: 'insn', mnem: mw, mnemSpan, prefixes, osOverride, asOverride, ops, bits: st.bits, text, opsSpan };
}

function zeroExpr(span: Span): Expr {
  return { k: 'num', v: 0n, col: span.col, end: span.end, d: 1 };
}

function parseData(cur: Cursor, line: number, st: State, unit: 1 | 2 | 4 | 8, span: Span, w: string): Stmt | null {
  const items: DataItem[] = [];
  if (cur.atEnd()) return err(st, line, cur.span(), tr('asm.parser.dataNeedsValue', { directive: w }));
  for (;;) {
    const t = cur.peek()!;
    const after = cur.peek(1);
    if (t.kind === 'str' && (after === undefined || (after.kind === 'op' && after.text === ','))) {
      cur.next();
      items.push({ k: 'str', text: t.str, span: { col: t.col, end: t.end } });
    } else if (t.kind === 'id' && t.text === '?') {
      // MASM's uninitialised value: zero in a flat binary.
      cur.next();
      items.push({ k: 'expr', e: zeroExpr(t), span: { col: t.col, end: t.end } });
    } else {
      const e = parseExpr(cur, pctx(st, line, false));
      if (!e) return null;
      items.push({ k: 'expr', e, span: { col: e.col, end: e.end } });
    }
    if (cur.atEnd()) break;
    if (!cur.isOp(',')) {
      const p = cur.peek()!;
      return err(st, line, p, tr('asm.parser.unexpectedInData', { token: p.text }));
    }
    cur.next();
    if (cur.atEnd()) return err(st, line, cur.span(), tr('asm.parser.expectedValueAfterComma'));
  }
  return { k: 'data', unit, items, span };
}
