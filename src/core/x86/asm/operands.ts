// Operand syntax: registers, memory references, immediates and far pointers, with NASM and MASM
// spellings of size and distance keywords (NASM manual §3.3 "Effective Addresses", §2.2.3).

// `tr` is the catalogue's `t` (issue 8: every user-visible string in one catalogue); `t` names a token here.
import '../../../i18n/en/asm.ts';
import { t as tr } from '../../../i18n/t.ts';
import type { Span } from './diagnostics.ts';
import { Cursor, KEYWORDS, parseExpr, type Expr, type ParseCtx } from './expr.ts';
import { lookupRegister, type Reg } from './registers.ts';

export type JumpHint = 'short' | 'near' | 'far' | null;

interface OperandBase {
  col: number;
  end: number;
  /** The operand as written, for messages. */
  text: string;
}

export interface RegOperand extends OperandBase {
  k: 'reg';
  reg: Reg;
  /** A size keyword written before a segment register (`push word fs`): the operand size; else 0. */
  size?: number;
}
export interface MemOperand extends OperandBase {
  k: 'mem';
  /** Size in bits from a size keyword, 0 when not written. */
  size: number;
  seg: Reg | null;
  /** Address expression (registers allowed). */
  addr: Expr;
  /** Written with the `far` keyword (or as `fword`): a m16:16 / m16:32 far pointer in memory. */
  far: boolean;
  jump: JumpHint;
}
export interface ImmOperand extends OperandBase {
  k: 'imm';
  /** Size in bits from a size keyword, 0 when not written. */
  size: number;
  expr: Expr;
  jump: JumpHint;
}
export interface FarPtrOperand extends OperandBase {
  k: 'farptr';
  size: number;
  seg: Expr;
  off: Expr;
}

export type Operand = RegOperand | MemOperand | ImmOperand | FarPtrOperand;

/** Size words (no prototype: 'constructor' is not a size; issue 9). */
export const SIZE_KEYWORDS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  byte: 8,
  word: 16,
  dword: 32,
  fword: 48,
  qword: 64,
  tword: 80,
  tbyte: 80,
  oword: 128,
  xmmword: 128,
});

export const SIZE_NAMES: Record<number, string> = { 8: 'byte', 16: 'word', 32: 'dword', 48: 'fword', 64: 'qword', 80: 'tword', 128: 'oword' };

function fail(ctx: ParseCtx, span: Span, msg: string): null {
  ctx.sink.add(ctx.line, span, msg);
  return null;
}

/** Parses one operand, up to a ',' or the end of the line. Returns null after reporting an error. */
export function parseOperand(cur: Cursor, ctx: ParseCtx, src: string): Operand | null {
  const first = cur.peek();
  if (!first) return fail(ctx, cur.span(), tr('asm.operand.expected'));
  let size = 0;
  let jump: JumpHint = null;
  // Modifiers: size keywords (with MASM's optional PTR), distance keywords, STRICT, OFFSET.
  for (;;) {
    const t = cur.peek();
    if (!t || t.kind !== 'id') break;
    const w = t.text.toLowerCase();
    if (!KEYWORDS.has(w)) break;
    cur.next();
    if (w in SIZE_KEYWORDS) {
      if (size !== 0) return fail(ctx, t, tr('asm.operand.twoSizes', { first: SIZE_NAMES[size] ?? size, second: w }));
      size = SIZE_KEYWORDS[w];
      const p = cur.peek();
      if (p && p.kind === 'id' && p.text.toLowerCase() === 'ptr') cur.next();
    } else if (w === 'short' || w === 'near' || w === 'far') {
      if (jump !== null && jump !== w) return fail(ctx, t, tr('asm.operand.distanceConflict', { first: jump, second: w }));
      jump = w;
    } else if (w === 'ptr') {
      return fail(ctx, t, tr('asm.operand.ptrWithoutSize'));
    }
    // 'strict' and 'offset' need no action: sizes are always honoured and addresses are values.
  }
  const t = cur.peek();
  if (!t) return fail(ctx, cur.span(), tr('asm.operand.expectedAfterKeyword'));
  const start = first.col;
  const textOf = (endCol: number): string => src.slice(start - 1, endCol - 1);

  // Memory reference: [..], seg:[..], seg:expr, expr[..]
  let seg: Reg | null = null;
  let segTok = null;
  if (t.kind === 'id' && cur.isOp(':', 1)) {
    const r = lookupRegister(t.text);
    if (r && r.cls === 'sreg') {
      seg = r;
      segTok = t;
      cur.next();
      cur.next();
    } else if (r) {
      return fail(ctx, t, tr('asm.operand.notSegmentRegister', { name: r.name }));
    }
  }
  const t2 = cur.peek();
  if (!t2) return fail(ctx, cur.span(), tr('asm.operand.expectedAddressAfterSegment', { segment: String(segTok?.text) }));
  if (t2.kind === 'op' && t2.text === '[') {
    const m = parseBrackets(cur, ctx);
    if (!m) return null;
    if (m.seg && seg) return fail(ctx, m.segSpan!, tr('asm.operand.twoSegmentOverrides'));
    let addr = m.addr;
    // MASM allows [ebx][esi]: the sum of both.
    while (cur.isOp('[')) {
      const m2 = parseBrackets(cur, ctx);
      if (!m2) return null;
      if (m2.seg) return fail(ctx, m2.segSpan!, tr('asm.operand.segmentOverrideFirst'));
      addr = sum(addr, m2.addr);
    }
    const end = lastEnd(cur);
    return mem(size, seg ?? m.seg, addr, jump, start, end, textOf(end));
  }
  if (seg) {
    // MASM/GAS spelling of a direct address: ds:0x1000, es:label, or es:label[edi]
    const e = parseExpr(cur, { ...ctx, allowRegs: false });
    if (!e) return null;
    let addr = e;
    while (cur.isOp('[')) {
      const m2 = parseBrackets(cur, ctx);
      if (!m2) return null;
      addr = sum(addr, m2.addr);
    }
    const end = lastEnd(cur);
    return mem(size, seg, addr, jump, start, end, textOf(end));
  }
  if (t2.kind === 'id') {
    const r = lookupRegister(t2.text);
    if (r) {
      const after = cur.peek(1);
      const arithmetic = after !== undefined && after.kind === 'op' && '+-*/<<>>&|^'.includes(after.text) && after.text !== ',';
      if (!arithmetic) {
        cur.next();
        if (size !== 0 && size !== r.size && r.cls === 'gpr') {
          return fail(ctx, { col: start, end: t2.end }, tr('asm.operand.sizeRegisterMismatch', { size: String(SIZE_NAMES[size]), bits: r.size, name: r.name }));
        }
        if (jump === 'short' || jump === 'far') return fail(ctx, { col: start, end: t2.end }, tr('asm.operand.distanceWithRegister', { distance: jump }));
        if (size !== 0 && r.cls === 'sreg' && size !== 16 && size !== 32) {
          return fail(ctx, { col: start, end: t2.end }, tr('asm.operand.segmentRegisterSize', { size: String(SIZE_NAMES[size]) }));
        }
        return { k: 'reg', reg: r, size: r.cls === 'sreg' ? size : 0, col: start, end: t2.end, text: textOf(t2.end) };
      }
      // A register inside arithmetic outside brackets: the user almost certainly meant memory.
      const rest = src.slice(t2.col - 1, lastTokenEnd(cur) - 1);
      return fail(ctx, { col: t2.col, end: lastTokenEnd(cur) }, tr('asm.operand.registerNeedsBrackets', { expression: rest }));
    }
  }
  const e = parseExpr(cur, { ...ctx, allowRegs: false });
  if (!e) return null;
  if (cur.isOp(':')) {
    cur.next();
    const off = parseExpr(cur, { ...ctx, allowRegs: false });
    if (!off) return null;
    const end = lastEnd(cur);
    return { k: 'farptr', size, seg: e, off, col: start, end, text: textOf(end) };
  }
  if (cur.isOp('[')) {
    // MASM: table[esi*4] means [table + esi*4]
    let addr = e;
    while (cur.isOp('[')) {
      const m2 = parseBrackets(cur, ctx);
      if (!m2) return null;
      if (m2.seg) return fail(ctx, m2.segSpan!, tr('asm.operand.segmentOverrideFirstExample'));
      addr = sum(addr, m2.addr);
    }
    const end = lastEnd(cur);
    return mem(size, null, addr, jump, start, end, textOf(end));
  }
  const end = lastEnd(cur);
  return { k: 'imm', size, expr: e, jump, col: start, end, text: textOf(end) };
}

function mem(size: number, seg: Reg | null, addr: Expr, jump: JumpHint, col: number, end: number, text: string): MemOperand {
  return { k: 'mem', size, seg, addr, far: jump === 'far' || size === 48, jump, col, end, text };
}

function sum(a: Expr, b: Expr): Expr {
  return { k: 'bin', op: '+', a, b, opCol: b.col, col: a.col, end: b.end, d: 1 + Math.max(a.d, b.d) };
}

function lastEnd(cur: Cursor): number {
  const t = cur.toks[cur.i - 1];
  return t ? t.end : 1;
}

/** End column of the operand that starts at the cursor (up to the next top-level comma). */
function lastTokenEnd(cur: Cursor): number {
  let depth = 0;
  let end = cur.span().end;
  for (let j = cur.i; j < cur.toks.length; j++) {
    const t = cur.toks[j];
    if (t.kind === 'op') {
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') depth--;
      else if (t.text === ',' && depth <= 0) break;
    }
    end = t.end;
  }
  return end;
}

interface Bracketed {
  addr: Expr;
  seg: Reg | null;
  segSpan: Span | null;
}

function parseBrackets(cur: Cursor, ctx: ParseCtx): Bracketed | null {
  const open = cur.next()!;
  let seg: Reg | null = null;
  let segSpan: Span | null = null;
  // NASM also lets a size or 'dword' displacement hint sit inside the brackets; sizes belong outside.
  const t = cur.peek();
  if (t && t.kind === 'id' && t.text.toLowerCase() in SIZE_KEYWORDS) {
    return fail(ctx, t, tr('asm.operand.sizeBeforeBrackets', { size: t.text.toLowerCase() }));
  }
  if (t && t.kind === 'id' && cur.isOp(':', 1)) {
    const r = lookupRegister(t.text);
    if (r && r.cls === 'sreg') {
      seg = r;
      segSpan = { col: t.col, end: t.end };
      cur.next();
      cur.next();
    } else if (r) {
      return fail(ctx, t, tr('asm.operand.notSegmentRegister', { name: r.name }));
    }
  }
  if (cur.isOp(']')) return fail(ctx, { col: open.col, end: cur.peek()!.end }, tr('asm.operand.emptyMemory'));
  const addr = parseExpr(cur, { ...ctx, allowRegs: true });
  if (!addr) return null;
  if (!cur.isOp(']')) {
    const p = cur.peek();
    if (!p) return fail(ctx, cur.span(), tr('asm.operand.unclosedBracket', { column: open.col }));
    return fail(ctx, p, tr('asm.operand.expectedBracketOrOperator', { token: p.text }));
  }
  cur.next();
  return { addr, seg, segSpan };
}
