// Expressions: parsing (C precedence, as the brief and NASM §3.5 agree on for these operators) and
// evaluation in 64-bit two's complement (NASM evaluates in 64 bits; range checks happen at use).

// `tr` is the catalogue's `t` (issue 8: every user-visible string in one catalogue); `t` names a token here.
import '../../../i18n/en/asm.ts';
import { t as tr } from '../../../i18n/t.ts';
import type { ErrorSink, Span } from './diagnostics.ts';
import type { Token } from './lexer.ts';
import { lookupRegister, type Reg } from './registers.ts';

export type Expr =
  | { k: 'num'; v: bigint; col: number; end: number; d: number }
  | { k: 'sym'; name: string; col: number; end: number; d: number }
  | { k: 'reg'; reg: Reg; col: number; end: number; d: number }
  | { k: 'here'; col: number; end: number; d: number }
  | { k: 'base'; col: number; end: number; d: number }
  | { k: 'un'; op: string; a: Expr; col: number; end: number; d: number }
  | { k: 'bin'; op: string; a: Expr; b: Expr; opCol: number; col: number; end: number; d: number };

/** Deepest parenthesis/unary nesting accepted while parsing. */
export const MAX_NESTING = 200;
/** Deepest expression tree accepted (a chain a+b+c+… is as deep as it is long). */
export const MAX_TREE_DEPTH = 1000;

/** Reserved words that end an expression (they introduce operands or modifiers, never values). */
export const KEYWORDS = new Set([
  'byte', 'word', 'dword', 'fword', 'qword', 'tword', 'tbyte', 'oword', 'xmmword', 'ptr',
  'short', 'near', 'far', 'strict', 'offset',
]);

/** A read position in one line's tokens. */
export class Cursor {
  i = 0;
  constructor(
    readonly toks: Token[],
    readonly lineLength: number,
  ) {}
  peek(o = 0): Token | undefined {
    return this.toks[this.i + o];
  }
  next(): Token | undefined {
    return this.toks[this.i++];
  }
  atEnd(): boolean {
    return this.i >= this.toks.length;
  }
  isOp(text: string, o = 0): boolean {
    const t = this.toks[this.i + o];
    return t !== undefined && t.kind === 'op' && t.text === text;
  }
  /** A span for "here": the current token, or just past the end of the line. */
  span(): Span {
    const t = this.toks[this.i];
    if (t) return { col: t.col, end: t.end };
    const last = this.toks[this.toks.length - 1];
    const c = last ? last.end : this.lineLength + 1;
    return { col: c, end: c + 1 };
  }
}

export interface ParseCtx {
  line: number;
  sink: ErrorSink;
  /** The non-local label that `.local` names hang off (NASM §3.9 "Local Labels"). */
  scope: string;
  /** Registers may appear (inside a memory reference). */
  allowRegs: boolean;
}

/** Full name of a symbol reference: `.x` after label `foo` is `foo.x`; `..x` is global. */
export function qualify(name: string, scope: string): string {
  if (name.startsWith('.') && !name.startsWith('..') && scope !== '') return scope + name;
  return name;
}

/** Little-endian packing of a character constant, as NASM does: 'AB' = 0x4241. */
export function charConstant(s: string): bigint | null {
  const bytes = utf8(s);
  if (bytes.length > 8) return null;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/** UTF-8 bytes of a string (strings in lab files are stored as UTF-8, like NASM reading a UTF-8 file). */
export function utf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

const PREC: Record<string, number> = {
  '|': 1,
  '^': 2,
  '&': 3,
  '<<': 4,
  '>>': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
  '//': 6,
  '%%': 6,
};

class ParseFail {}
const FAIL = new ParseFail();

/** Parses an expression starting at the cursor; stops at the first token that cannot continue it.
 *  Reports an error and returns null when the text is not an expression. */
export function parseExpr(cur: Cursor, ctx: ParseCtx): Expr | null {
  try {
    return parseBinary(cur, ctx, 1, 0);
  } catch (e) {
    if (e instanceof ParseFail) return null;
    throw e;
  }
}

function fail(ctx: ParseCtx, span: Span, msg: string): never {
  ctx.sink.add(ctx.line, span, msg);
  throw FAIL;
}

function parseBinary(cur: Cursor, ctx: ParseCtx, minPrec: number, nest: number): Expr {
  let left = parseUnary(cur, ctx, nest);
  for (;;) {
    const t = cur.peek();
    if (!t || t.kind !== 'op') break;
    const p = PREC[t.text];
    if (p === undefined || p < minPrec) break;
    cur.next();
    const right = parseBinary(cur, ctx, p + 1, nest + 1);
    const d = 1 + Math.max(left.d, right.d);
    if (d > MAX_TREE_DEPTH) fail(ctx, { col: t.col, end: t.end }, tr('asm.expr.tooLong', { limit: MAX_TREE_DEPTH }));
    left = { k: 'bin', op: t.text, a: left, b: right, opCol: t.col, col: left.col, end: right.end, d };
  }
  return left;
}

function parseUnary(cur: Cursor, ctx: ParseCtx, nest: number): Expr {
  if (nest > MAX_NESTING) fail(ctx, cur.span(), tr('asm.expr.tooDeep', { limit: MAX_NESTING }));
  const t = cur.peek();
  if (!t) fail(ctx, cur.span(), tr('asm.expr.expected'));
  if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
    cur.next();
    const a = parseUnary(cur, ctx, nest + 1);
    return { k: 'un', op: t.text, a, col: t.col, end: a.end, d: a.d + 1 };
  }
  return parsePrimary(cur, ctx, nest);
}

function parsePrimary(cur: Cursor, ctx: ParseCtx, nest: number): Expr {
  const t = cur.next();
  if (!t) fail(ctx, cur.span(), tr('asm.expr.expected'));
  const at = { col: t.col, end: t.end };
  switch (t.kind) {
    case 'num':
      return { k: 'num', v: t.value, ...at, d: 1 };
    case 'here':
      return { k: 'here', ...at, d: 1 };
    case 'base':
      return { k: 'base', ...at, d: 1 };
    case 'str': {
      const v = charConstant(t.str);
      if (v === null) fail(ctx, at, tr('asm.expr.charConstantTooLong', { text: t.text.length > 40 ? t.text.slice(0, 37) + '...' : t.text }));
      return { k: 'num', v, ...at, d: 1 };
    }
    case 'id': {
      const reg = lookupRegister(t.text);
      if (reg) {
        if (!ctx.allowRegs) {
          fail(ctx, at, tr('asm.expr.registerOutsideBrackets', { name: reg.name }));
        }
        return { k: 'reg', reg, ...at, d: 1 };
      }
      if (KEYWORDS.has(t.text.toLowerCase())) fail(ctx, at, tr('asm.expr.unexpectedKeyword', { token: t.text }));
      return { k: 'sym', name: qualify(t.text, ctx.scope), ...at, d: 1 };
    }
    case 'op':
      if (t.text === '(') {
        const e = parseBinary(cur, ctx, 1, nest + 1);
        if (!cur.isOp(')')) fail(ctx, cur.span(), tr('asm.expr.expectedCloseParen'));
        const close = cur.next()!;
        return { ...e, col: t.col, end: close.end };
      }
      fail(ctx, at, tr('asm.expr.expectedFound', { token: t.text }));
  }
}

/** What evaluation may ask of the assembler: symbol values and the current addresses. */
export interface EvalEnv {
  /** Address of the start of the current line ($). */
  here: number;
  /** Start of the section ($$), i.e. the origin. */
  base: number;
  /** A symbol's value, or undefined when not (yet) known. */
  lookup(name: string): bigint | undefined;
  /** Called for an unknown symbol; the layout decides whether that is an error yet. */
  undefinedSymbol(name: string, span: Span): void;
  /** Reports an error at a span of the current line. */
  error(span: Span, message: string): void;
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Evaluates an expression. Returns undefined when it depends on a symbol not known yet (or on an
 *  error already reported). */
export function evaluate(e: Expr, env: EvalEnv): bigint | undefined {
  switch (e.k) {
    case 'num':
      return wrap(e.v);
    case 'here':
      return BigInt(env.here);
    case 'base':
      return BigInt(env.base);
    case 'sym': {
      const v = env.lookup(e.name);
      if (v === undefined) env.undefinedSymbol(e.name, e);
      return v;
    }
    case 'reg':
      env.error(e, tr('asm.expr.registerInExpression', { name: e.reg.name }));
      return undefined;
    case 'un': {
      const a = evaluate(e.a, env);
      return a === undefined ? undefined : unop(e.op, a);
    }
    case 'bin': {
      const a = evaluate(e.a, env);
      const b = evaluate(e.b, env);
      if (a === undefined || b === undefined) return undefined;
      return binop(e.op, a, b, env, { col: e.opCol, end: e.opCol + e.op.length });
    }
  }
}

function unop(op: string, a: bigint): bigint {
  switch (op) {
    case '-':
      return wrap(-a);
    case '~':
      return wrap(~a);
    case '!':
      return a === 0n ? 1n : 0n;
    default:
      return a;
  }
}

function binop(op: string, a: bigint, b: bigint, env: EvalEnv, at: Span): bigint | undefined {
  switch (op) {
    case '+':
      return wrap(a + b);
    case '-':
      return wrap(a - b);
    case '*':
      return wrap(a * b);
    case '/':
    case '//':
    case '%':
    case '%%':
      if (b === 0n) {
        env.error(at, tr('asm.expr.divisionByZero'));
        return undefined;
      }
      // Signed, truncating toward zero as in C (NASM's '/' is unsigned; '//' and '%%' are signed).
      return wrap(op === '/' || op === '//' ? a / b : a % b);
    case '<<':
      return b < 0n || b >= 64n ? 0n : wrap(a << b);
    case '>>':
      // Logical shift, as NASM's '>>' (NASM §3.5.4).
      return b < 0n || b >= 64n ? 0n : wrap(BigInt.asUintN(64, a) >> b);
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
  }
  return undefined;
}

/** Does the expression use `$` (so its value changes with each repetition of a TIMES)? */
export function usesHere(e: Expr): boolean {
  switch (e.k) {
    case 'here':
      return true;
    case 'un':
      return usesHere(e.a);
    case 'bin':
      return usesHere(e.a) || usesHere(e.b);
    default:
      return false;
  }
}

/** Does the expression mention any register? */
export function hasRegister(e: Expr): boolean {
  switch (e.k) {
    case 'reg':
      return true;
    case 'un':
      return hasRegister(e.a);
    case 'bin':
      return hasRegister(e.a) || hasRegister(e.b);
    default:
      return false;
  }
}

/** An address expression reduced to sum(coefficient * register) + constant. */
export interface Linear {
  regs: { reg: Reg; coef: bigint; span: Span }[];
  k: bigint | undefined;
}

/** Reduces an address expression to linear form, evaluating constant parts. Returns null after
 *  reporting when the expression is not a valid effective address (e.g. a register times a register). */
export function linearize(e: Expr, env: EvalEnv): Linear | null {
  switch (e.k) {
    case 'reg':
      return { regs: [{ reg: e.reg, coef: 1n, span: e }], k: 0n };
    case 'un': {
      const a = linearize(e.a, env);
      if (!a) return null;
      if (a.regs.length === 0) return { regs: [], k: a.k === undefined ? undefined : unop(e.op, a.k) };
      if (e.op === '+') return a;
      if (e.op === '-') return scaleLinear(a, -1n);
      env.error(e, tr('asm.expr.operatorOnRegister', { operator: e.op }));
      return null;
    }
    case 'bin': {
      const a = linearize(e.a, env);
      const b = linearize(e.b, env);
      if (!a || !b) return null;
      if (a.regs.length === 0 && b.regs.length === 0) {
        if (a.k === undefined || b.k === undefined) return { regs: [], k: undefined };
        return { regs: [], k: binop(e.op, a.k, b.k, env, { col: e.opCol, end: e.opCol + e.op.length }) };
      }
      const opAt = { col: e.opCol, end: e.opCol + e.op.length };
      switch (e.op) {
        case '+':
          return { regs: [...a.regs, ...b.regs], k: a.k === undefined || b.k === undefined ? undefined : wrap(a.k + b.k) };
        case '-':
          if (b.regs.length > 0) {
            env.error(b.regs[0].span, tr('asm.expr.registerSubtracted', { name: b.regs[0].reg.name }));
            return null;
          }
          return { regs: a.regs, k: a.k === undefined || b.k === undefined ? undefined : wrap(a.k - b.k) };
        case '*': {
          if (a.regs.length > 0 && b.regs.length > 0) {
            env.error(opAt, tr('asm.expr.registerTimesRegister'));
            return null;
          }
          const [lin, c] = a.regs.length > 0 ? [a, b.k] : [b, a.k];
          // An unknown scale only happens before symbols settle; 1 is a placeholder that is
          // replaced by the real value in the final pass.
          return scaleLinear(lin, c ?? 1n);
        }
        default:
          env.error(opAt, tr('asm.expr.operatorOnRegister', { operator: e.op }));
          return null;
      }
    }
    default:
      return { regs: [], k: evaluate(e, env) };
  }
}

function scaleLinear(l: Linear, c: bigint): Linear {
  return { regs: l.regs.map((r) => ({ ...r, coef: r.coef * c })), k: l.k === undefined ? undefined : wrap(l.k * c) };
}
