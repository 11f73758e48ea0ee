// Multi-pass layout: assigns addresses, relaxes jumps and immediates (growing only, so it always
// terminates), then emits the bytes. NASM does the same with its optimiser passes (NASM §2.1.23 -O).

// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import '../../../i18n/en/asm.ts';
import { t } from '../../../i18n/t.ts';
import { dataSize, dataUsesHere, encodeData } from './data.ts';
import { quote, type ErrorSink, type Span } from './diagnostics.ts';
import { encodeInstruction, resolveOperands, type InsnStmt } from './encoder.ts';
import { evaluate, usesHere, type EvalEnv, type Expr } from './expr.ts';
import type { LineRec, Stmt } from './parser.ts';
import { unsupportedRegisterKind } from './registers.ts';
import { FORMS } from './tables.ts';

/** Largest output accepted. A guard against `times 1000000000 db 0` hanging the browser. */
export const MAX_OUTPUT = 16 * 1024 * 1024;
/** Layout passes before giving up; real programs settle in 2–4. */
const MAX_PASSES = 50;
/** Highest repetition count considered (anything near it overflows MAX_OUTPUT anyway). */
const MAX_COUNT = 2 ** 31;

export interface Placed {
  line: number;
  address: number;
  start: number;
  end: number;
  source: string;
}

export interface LayoutResult {
  bytes: Uint8Array;
  origin: number;
  symbols: Map<string, bigint>;
  placed: Placed[];
}

type Emit = (buf: Uint8Array, offset: number) => void;

interface Chunk {
  li: number;
  addr: number;
  size: number;
  emit: Emit | null;
}

function isBranch(stmt: InsnStmt): boolean {
  return (FORMS.get(stmt.mnem) ?? []).some((f) => f.imms.includes('rel8') || f.imms.includes('relv'));
}

function insnUsesAddress(stmt: InsnStmt): boolean {
  if (isBranch(stmt)) return true;
  return stmt.ops.some((o) => (o.k === 'imm' ? usesHere(o.expr) : o.k === 'mem' ? usesHere(o.addr) : o.k === 'farptr' ? usesHere(o.off) || usesHere(o.seg) : false));
}

function copyBytes(bytes: ArrayLike<number>): Emit {
  return (buf, off) => {
    for (let i = 0; i < bytes.length; i++) buf[off + i] = bytes[i];
  };
}

export class Layout {
  private readonly symbols = new Map<string, bigint>();
  private readonly minLen: number[];
  private sizes: number[];
  private origin: number;
  private final = false;
  private changed = false;
  private chunks: Chunk[] = [];
  /** Names defined by EQU/=, which (unlike labels) can end up without a value. */
  private readonly constants = new Map<string, number>();
  /** Encodings that cannot change between passes (see isFixed). */
  private readonly fixed: (number[] | undefined)[] = [];

  constructor(
    private readonly lines: LineRec[],
    private readonly sink: ErrorSink,
    defaultOrigin: number,
  ) {
    this.minLen = new Array<number>(lines.length).fill(0);
    this.sizes = new Array<number>(lines.length).fill(-1);
    this.origin = defaultOrigin;
    for (const rec of lines) if (rec.stmt?.k === 'equ') this.constants.set(rec.stmt.name, rec.line);
    // A constant org is known before the first pass.
    for (const rec of lines) {
      if (rec.stmt?.k === 'org') {
        const v = evaluate(rec.stmt.expr, this.silentEnv(0));
        if (v !== undefined && v >= 0n && v <= 0xffffffffn) this.origin = Number(v);
      }
    }
  }

  private silentEnv(here: number): EvalEnv {
    return { here, base: this.origin, lookup: () => undefined, undefinedSymbol: () => {}, error: () => {} };
  }

  private env(line: number, here: number): EvalEnv {
    return {
      here,
      base: this.origin,
      lookup: (n) => this.symbols.get(n),
      undefinedSymbol: (n, span) => {
        if (!this.final) return;
        const reg = unsupportedRegisterKind(n);
        const defLine = this.constants.get(n);
        const circular = defLine !== undefined ? t('asm.layout.circularSymbol', { name: quote(n), line: defLine }) : null;
        this.sink.add(line, span, reg ?? circular ?? t('asm.layout.undefinedSymbol', { name: quote(n) }));
      },
      error: (span, msg) => this.sink.add(line, span, msg),
    };
  }

  private setSymbol(name: string, v: bigint | undefined): void {
    const old = this.symbols.get(name);
    if (old === v) return;
    this.changed = true;
    if (v === undefined) this.symbols.delete(name);
    else this.symbols.set(name, v);
  }

  /** Runs passes until nothing moves, then the final pass that reports errors and emits bytes. */
  run(): LayoutResult | null {
    let settled = false;
    for (let p = 0; p < MAX_PASSES; p++) {
      this.pass(false);
      if (!this.changed && p > 0) {
        settled = true;
        break;
      }
    }
    const before = this.sizes.slice();
    this.pass(true);
    if (!settled) {
      const li = this.sizes.findIndex((s, i) => s !== before[i]);
      const rec = this.lines[li >= 0 ? li : 0];
      if (rec) this.sink.add(rec.line, { col: 1, end: rec.source.length + 1 }, t('asm.layout.unsettled', { passes: MAX_PASSES }));
    }
    const total = this.chunks.reduce((n, c) => n + c.size, 0);
    if (this.sink.count > 0 || total > MAX_OUTPUT) return null;
    const buf = new Uint8Array(total);
    const placed: Placed[] = [];
    let off = 0;
    for (const c of this.chunks) {
      if (c.emit) c.emit(buf, off);
      if (c.size > 0) {
        const rec = this.lines[c.li];
        placed.push({ line: rec.line, address: c.addr, start: off, end: off + c.size, source: rec.source });
      }
      off += c.size;
    }
    if (this.sink.count > 0) return null;
    return { bytes: buf, origin: this.origin, symbols: this.symbols, placed };
  }

  private pass(final: boolean): void {
    this.final = final;
    this.sink.enabled = final;
    this.changed = false;
    this.chunks = [];
    let addr = this.origin;
    let nextOrigin = this.origin;
    let overflowed = false;
    for (let li = 0; li < this.lines.length; li++) {
      const rec = this.lines[li];
      for (const l of rec.labels) this.setSymbol(l.name, BigInt(addr));
      let size = 0;
      let emit: Emit | null = null;
      const s = rec.stmt;
      if (s) {
        if (s.k === 'org') {
          const v = evaluate(s.expr, this.env(rec.line, addr));
          if (v === undefined) {
            if (final) this.sink.add(rec.line, s.expr, t('asm.layout.orgUnknown'));
          } else if (v < 0n || v > 0xffffffffn) {
            if (final) this.sink.add(rec.line, s.expr, t('asm.layout.originOutside', { value: String(v) }));
          } else nextOrigin = Number(v);
        } else if (s.k === 'equ') {
          this.setSymbol(s.name, evaluate(s.expr, this.env(rec.line, addr)));
        } else {
          [size, emit] = this.place(s, li, rec.line, addr);
        }
      }
      if (size !== this.sizes[li]) this.changed = true;
      this.sizes[li] = size;
      if (final && !overflowed) {
        if (addr - this.origin + size > MAX_OUTPUT) {
          overflowed = true;
          this.sink.add(rec.line, s ? stmtSpan(s) : { col: 1, end: 2 }, t('asm.layout.outputTooLarge'));
        } else if (addr + size > 0x1_0000_0000) {
          overflowed = true;
          this.sink.add(rec.line, s ? stmtSpan(s) : { col: 1, end: 2 }, t('asm.layout.past4G'));
        }
      }
      if (final) this.chunks.push({ li, addr, size, emit: overflowed ? null : emit });
      addr += size;
    }
    if (nextOrigin !== this.origin) {
      this.origin = nextOrigin;
      this.changed = true;
    }
  }

  /** Size of a statement at `addr`, and (in the final pass) how to write its bytes. */
  private place(s: Stmt, li: number, line: number, addr: number): [number, Emit | null] {
    switch (s.k) {
      case 'insn': {
        // An instruction whose operands mention no symbol and no $ encodes the same in every pass.
        const cached = this.fixed[li];
        if (cached) return [cached.length, this.final ? copyBytes(cached) : null];
        const bytes = this.encodeInsn(s, li, line, addr, this.minLen[li]);
        if (bytes && isFixed(s)) this.fixed[li] = bytes;
        if (!bytes) return [this.minLen[li], null];
        this.minLen[li] = Math.max(this.minLen[li], bytes.length);
        return [bytes.length, copyBytes(bytes)];
      }
      case 'data': {
        const size = dataSize(s.unit, s.items);
        if (!this.final) return [size, null];
        const out: number[] = [];
        encodeData(s.unit, s.items, this.env(line, addr), out);
        return [size, copyBytes(out)];
      }
      case 'res': {
        const n = this.count(s.count, line, addr, 'count');
        const fill = s.fill;
        return [n * s.unit, fill ? (buf, off) => buf.fill(fill, off, off + n * s.unit) : null];
      }
      case 'align': {
        const env = this.env(line, addr);
        const nv = evaluate(s.n, env);
        let n = 1;
        if (nv !== undefined) {
          if (nv <= 0n || nv > 0x1000_0000n || (nv & (nv - 1n)) !== 0n) {
            if (this.final) this.sink.add(line, s.n, t('asm.layout.alignNotPowerOfTwo', { value: String(nv) }));
          } else n = Number(nv);
        }
        const fv = s.fill ? evaluate(s.fill, env) : BigInt(s.defaultFill);
        if (s.fill && fv !== undefined && (fv < -128n || fv > 255n) && this.final) this.sink.add(line, s.fill, t('asm.layout.fillNotByte', { value: String(fv) }));
        const fill = Number(BigInt.asUintN(8, fv ?? 0n));
        const pad = (n - ((addr - this.origin) % n)) % n;
        return [pad, fill ? (buf, off) => buf.fill(fill, off, off + pad) : null];
      }
      case 'prefixes': {
        const b = s.prefixes.map((p) => p.byte);
        return [b.length, copyBytes(b)];
      }
      case 'times':
        return this.placeTimes(s, li, line, addr);
      default:
        return [0, null];
    }
  }

  private count(e: Expr, line: number, addr: number, what: 'count' | 'times'): number {
    const v = evaluate(e, this.env(line, addr));
    if (v === undefined) return 0;
    if (v < 0n) {
      if (this.final) this.sink.add(line, e, t(what === 'times' ? 'asm.layout.timesCountNegative' : 'asm.layout.countNegative', { value: String(v) }));
      return 0;
    }
    return v > BigInt(MAX_COUNT) ? MAX_COUNT : Number(v);
  }

  private encodeInsn(s: InsnStmt, _li: number, line: number, addr: number, minLen: number): number[] | null {
    const env = this.env(line, addr);
    const before = this.sink.count;
    const ops = resolveOperands(s, env);
    if (!ops) return null;
    const r = encodeInstruction(s, ops, { here: addr, minLen });
    if ('failure' in r) {
      // An operand that already failed (say an undefined symbol) explains the line; a second
      // "no such form" message about the same operands would only be noise.
      if (this.final && this.sink.count === before) this.sink.add(line, r.failure.span, r.failure.message);
      return null;
    }
    return r.bytes;
  }

  private placeTimes(s: Extract<Stmt, { k: 'times' }>, li: number, line: number, addr: number): [number, Emit | null] {
    const count = this.count(s.count, line, addr, 'times');
    const inner = s.inner;
    if (count === 0) return [0, null];
    switch (inner.k) {
      case 'insn': {
        const first = this.encodeInsn(inner, li, line, addr, this.minLen[li]);
        if (!first) return [count * this.minLen[li], null];
        let len = Math.max(first.length, this.minLen[li]);
        const varies = insnUsesAddress(inner);
        if (varies && count > 1) {
          // Displacements are linear in the repetition, so the extremes bound every length.
          const last = this.encodeInsn(inner, li, line, addr + (count - 1) * len, len);
          if (last) len = Math.max(len, last.length);
        }
        this.minLen[li] = len;
        const size = count * len;
        if (!this.final) return [size, null];
        if (!varies) {
          if (first.length !== len) return [size, null];
          return [size, repeat(first, count)];
        }
        return [
          size,
          (buf, off) => {
            for (let i = 0; i < count; i++) {
              const b = this.encodeInsn(inner, li, line, addr + i * len, len);
              if (!b) return;
              if (b.length !== len) {
                this.sink.add(line, inner.mnemSpan, t('asm.layout.timesLengthChanges', { first: len, now: b.length }));
                return;
              }
              for (let j = 0; j < len; j++) buf[off + i * len + j] = b[j];
            }
          },
        ];
      }
      case 'data': {
        const len = dataSize(inner.unit, inner.items);
        const size = count * len;
        if (!this.final) return [size, null];
        if (!dataUsesHere(inner.items)) {
          const out: number[] = [];
          encodeData(inner.unit, inner.items, this.env(line, addr), out);
          return [size, repeat(out, count)];
        }
        return [
          size,
          (buf, off) => {
            for (let i = 0; i < count; i++) {
              const out: number[] = [];
              encodeData(inner.unit, inner.items, this.env(line, addr + i * len), out);
              for (let j = 0; j < len; j++) buf[off + i * len + j] = out[j];
            }
          },
        ];
      }
      case 'res': {
        const n = this.count(inner.count, line, addr, 'count') * inner.unit;
        const fill = inner.fill;
        return [count * n, fill ? (buf, off) => buf.fill(fill, off, off + count * n) : null];
      }
      case 'prefixes': {
        const b = inner.prefixes.map((p) => p.byte);
        return [count * b.length, repeat(b, count)];
      }
      default:
        if (this.final) this.sink.add(line, s.span, t('asm.parser.timesCannotRepeat', { what: inner.k }));
        return [0, null];
    }
  }
}

/** Does an expression depend on nothing but numbers (so its value is the same in every pass)? */
function constantExpr(e: Expr): boolean {
  switch (e.k) {
    case 'num':
    case 'reg':
      return true;
    case 'un':
      return constantExpr(e.a);
    case 'bin':
      return constantExpr(e.a) && constantExpr(e.b);
    default:
      return false;
  }
}

function isFixed(s: InsnStmt): boolean {
  if (isBranch(s)) return false;
  return s.ops.every((o) => (o.k === 'imm' ? constantExpr(o.expr) : o.k === 'mem' ? constantExpr(o.addr) : o.k === 'farptr' ? constantExpr(o.off) && constantExpr(o.seg) : true));
}

function repeat(bytes: number[], count: number): Emit {
  return (buf, off) => {
    const len = bytes.length;
    if (len === 0) return;
    for (let j = 0; j < len; j++) buf[off + j] = bytes[j];
    // Double the filled region each step: O(log n) copies for big TIMES.
    let filled = len;
    const total = len * count;
    while (filled < total) {
      const n = Math.min(filled, total - filled);
      buf.copyWithin(off + filled, off, off + n);
      filled += n;
    }
  };
}

function stmtSpan(s: Stmt): Span {
  if (s.k === 'times') return { col: s.count.col, end: s.count.end };
  return s.k === 'insn' ? { col: s.mnemSpan.col, end: s.opsSpan.end } : s.span;
}
