// Effective addresses: reducing "[base + index*scale + disp]" to a base/index/scale/displacement and
// encoding it as ModRM (+SIB) (+displacement). SDM Vol. 2A §2.1.5, Tables 2-1 (16-bit) and 2-2/2-3
// (32-bit addressing forms with and without SIB).

// `tr` is the catalogue's `t` (issue 8: every user-visible string in one catalogue); `t` names a token here.
import '../../../i18n/en/asm.ts';
import { t as tr } from '../../../i18n/t.ts';
import type { Span } from './diagnostics.ts';
import type { Linear } from './expr.ts';
import type { Reg } from './registers.ts';

export interface EffectiveAddress {
  base: Reg | null;
  index: Reg | null;
  scale: 1 | 2 | 4 | 8;
  /** Displacement value; undefined while a symbol in it is unknown. */
  disp: bigint | undefined;
  /** Address size the registers imply: 16 ([bx+si]) or 32 ([ebx]); for a plain address, the
   *  a16/a32 prefix or the code size. */
  asize: 16 | 32;
}

export interface EaError {
  span: Span;
  message: string;
}

/** Turns a linear address into base/index/scale. `defaultAsize` applies when no register fixes it. */
export function resolveEa(lin: Linear, defaultAsize: 16 | 32, whole: Span): EffectiveAddress | EaError {
  // Merge repeated registers ([eax+eax] = [eax*2]) keeping first-appearance order.
  const terms: { reg: Reg; coef: bigint; span: Span }[] = [];
  for (const t of lin.regs) {
    const prev = terms.find((x) => x.reg.name === t.reg.name);
    if (prev) prev.coef += t.coef;
    else terms.push({ ...t });
  }
  const regs = terms.filter((t) => t.coef !== 0n);
  for (const t of regs) {
    if (t.reg.cls !== 'gpr' || t.reg.size === 8) {
      return { span: t.span, message: tr('asm.address.notAddressRegister', { name: t.reg.name }) };
    }
  }
  if (regs.length === 0) return { base: null, index: null, scale: 1, disp: lin.k, asize: defaultAsize };
  const size = regs[0].reg.size;
  const mixed = regs.find((t) => t.reg.size !== size);
  if (mixed) return { span: mixed.span, message: tr('asm.address.mixedSizes') };
  if (size === 16) return resolve16(regs, lin.k, whole);
  return resolve32(regs, lin.k, whole);
}

function isScale(c: bigint): c is 1n | 2n | 4n | 8n {
  return c === 1n || c === 2n || c === 4n || c === 8n;
}

function resolve32(regs: { reg: Reg; coef: bigint; span: Span }[], disp: bigint | undefined, whole: Span): EffectiveAddress | EaError {
  if (regs.length > 2) return { span: regs[2].span, message: tr('asm.address.tooManyRegisters') };
  let base: Reg | null = null;
  let index: Reg | null = null;
  let scale = 1n;
  let indexSpan = whole;
  if (regs.length === 1) {
    const [t] = regs;
    if (t.coef === 1n) base = t.reg;
    else if (t.coef === 2n && t.reg.num !== 4) {
      // [eax*2] = [eax+eax]: no 4-byte displacement needed (NASM splits it the same way).
      base = t.reg;
      index = t.reg;
      scale = 1n;
      indexSpan = t.span;
    } else if (t.coef === 2n || t.coef === 4n || t.coef === 8n) {
      index = t.reg;
      scale = t.coef;
      indexSpan = t.span;
    } else if (t.coef === 3n || t.coef === 5n || t.coef === 9n) {
      // [eax*3] = [eax + eax*2], as NASM does.
      base = t.reg;
      index = t.reg;
      scale = t.coef - 1n;
      indexSpan = t.span;
    } else {
      return { span: t.span, message: tr('asm.address.badScale', { scale: String(t.coef) }) };
    }
  } else {
    const [a, b] = regs;
    if (a.coef === 1n && b.coef === 1n) {
      // First written is the base; ESP can only be a base, so swap it there.
      [base, index, indexSpan] = b.reg.num === 4 ? [b.reg, a.reg, a.span] : [a.reg, b.reg, b.span];
    } else if (a.coef === 1n) {
      [base, index, scale, indexSpan] = [a.reg, b.reg, b.coef, b.span];
    } else if (b.coef === 1n) {
      [base, index, scale, indexSpan] = [b.reg, a.reg, a.coef, a.span];
    } else {
      return { span: b.span, message: tr('asm.address.twoScaled') };
    }
    if (!isScale(scale)) return { span: indexSpan, message: tr('asm.address.badScale', { scale: String(scale) }) };
  }
  // SDM Table 2-3: SIB.index = 100b means "none", so ESP cannot be an index.
  if (index && index.num === 4) return { span: indexSpan, message: tr('asm.address.espIndex') };
  return { base, index, scale: Number(scale) as 1 | 2 | 4 | 8, disp, asize: 32 };
}

function resolve16(regs: { reg: Reg; coef: bigint; span: Span }[], disp: bigint | undefined, whole: Span): EffectiveAddress | EaError {
  for (const t of regs) {
    if (t.coef !== 1n) return { span: t.span, message: tr('asm.address.scale16') };
  }
  let base: Reg | null = null;
  let index: Reg | null = null;
  for (const t of regs) {
    const n = t.reg.name;
    if ((n === 'bx' || n === 'bp') && !base) base = t.reg;
    else if ((n === 'si' || n === 'di') && !index) index = t.reg;
    else {
      return {
        span: regs.length === 1 ? whole : t.span,
        message: tr('asm.address.bad16Register', { name: n }),
      };
    }
  }
  return { base, index, scale: 1, disp, asize: 16 };
}

/** Signed-8 view of a displacement of the given address size, or null when it does not fit. */
function disp8(v: bigint, asize: 16 | 32): number | null {
  const x = BigInt.asIntN(asize, v);
  if (x < -128n || x > 127n) return null;
  return Number(x);
}

function littleEndian(v: bigint, bytes: number, out: number[]): void {
  let x = BigInt.asUintN(bytes * 8, v);
  for (let i = 0; i < bytes; i++) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
  }
}

/** Does the displacement fit the address size (-2^(n-1) .. 2^n - 1)? */
export function dispFits(v: bigint, asize: 16 | 32): boolean {
  const lo = -(1n << BigInt(asize - 1));
  const hi = (1n << BigInt(asize)) - 1n;
  return v >= lo && v <= hi;
}

/**
 * Appends ModRM, SIB and displacement bytes. `dispMode` 0 picks the shortest displacement, 1 at least
 * a byte, 2 the full width — the layout uses the longer ones when an instruction must not shrink.
 */
export function encodeEa(ea: EffectiveAddress, regField: number, dispMode: 0 | 1 | 2, out: number[]): void {
  const d = ea.disp ?? 0n;
  const reg = (regField & 7) << 3;
  if (ea.asize === 16) {
    if (!ea.base && !ea.index) {
      out.push(0x00 | reg | 6);
      littleEndian(d, 2, out);
      return;
    }
    // SDM Table 2-1: rm = 0 [bx+si] 1 [bx+di] 2 [bp+si] 3 [bp+di] 4 [si] 5 [di] 6 [bp] 7 [bx]
    const b = ea.base?.name;
    const x = ea.index?.name;
    const rm = b && x ? (b === 'bx' ? 0 : 2) + (x === 'di' ? 1 : 0) : x ? (x === 'si' ? 4 : 5) : b === 'bp' ? 6 : 7;
    const d8 = disp8(d, 16);
    let mod: number;
    if (dispMode === 0 && d === 0n && rm !== 6) mod = 0;
    else if (dispMode <= 1 && d8 !== null) mod = 1;
    else mod = 2;
    out.push((mod << 6) | reg | rm);
    if (mod === 1) out.push(d8! & 0xff);
    else if (mod === 2) littleEndian(d, 2, out);
    return;
  }
  if (!ea.base && !ea.index) {
    out.push(0x00 | reg | 5);
    littleEndian(d, 4, out);
    return;
  }
  if (!ea.base) {
    // Index without base: SIB with base = 101b and mod = 00 means disp32 (SDM Table 2-3 note 1).
    out.push(0x00 | reg | 4);
    out.push((sibScale(ea.scale) << 6) | (ea.index!.num << 3) | 5);
    littleEndian(d, 4, out);
    return;
  }
  const base = ea.base.num;
  const d8 = disp8(d, 32);
  let mod: number;
  // Base EBP with mod 00 would mean "disp32, no base", so [ebp] needs a zero disp8.
  if (dispMode === 0 && d === 0n && base !== 5) mod = 0;
  else if (dispMode <= 1 && d8 !== null) mod = 1;
  else mod = 2;
  if (ea.index || base === 4) {
    out.push((mod << 6) | reg | 4);
    const idx = ea.index ? ea.index.num : 4;
    out.push((sibScale(ea.scale) << 6) | (idx << 3) | base);
  } else {
    out.push((mod << 6) | reg | base);
  }
  if (mod === 1) out.push(d8! & 0xff);
  else if (mod === 2) littleEndian(d, 4, out);
}

function sibScale(s: 1 | 2 | 4 | 8): number {
  return s === 1 ? 0 : s === 2 ? 1 : s === 4 ? 2 : 3;
}

/** Can different displacement modes give different lengths for this address? */
export function hasDispChoice(ea: EffectiveAddress): boolean {
  return ea.base !== null || (ea.asize === 16 && ea.index !== null);
}

export { littleEndian };
