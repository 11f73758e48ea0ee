/**
 * Arithmetic flags: the lazy flags (flags.ts, materialised by the real instructions) against an eager
 * reference written here from the SDM's definitions (Vol. 1 §3.4.3.1 and Appendix A "EFLAGS Cross-Reference";
 * the "Flags Affected" and "Operation" sections of each instruction page in Vol. 2).
 *
 * Every sample executes a real instruction on the bare machine: registers and EFLAGS are set, the
 * instruction runs followed by HLT, and the result register(s) and EFLAGS are read back.
 *
 * Only flags the SDM defines are compared. "Unaffected" flags are compared with their value before the
 * instruction. Undefined flags (SDM wording "undefined"), which this core fixes deterministically:
 *   AND/OR/XOR/TEST ........ AF                       (core: 0)
 *   SHL/SHR/SAR (count ≠ 0)  AF; OF when count > 1; CF of SHL/SHR when count ≥ operand size
 *                            (core: AF 0; OF by the count-1 formula; CF 0 when count > size)
 *   ROL/ROR/RCL/RCR ........ OF when the masked count > 1   (core: the count-1 formula)
 *   SHLD/SHRD .............. AF; OF when count > 1; everything (and the result) when count > operand size
 *                            (core: AF 0; result and flags left unchanged for count > size)
 *   MUL/IMUL ............... SF, ZF, AF, PF            (core: SF/ZF/PF of the low half, AF 0)
 *   BT/BTS/BTR/BTC ......... OF, SF, AF, PF           (core: unchanged)
 *   BSF/BSR ................ CF, OF, SF, AF, PF; the destination when the source is 0 (core: unchanged)
 *   DIV/IDIV ............... all six                  (core: unchanged)
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { BareHarness, asm, type Program } from '../../test-support/bare.ts';

const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const ALL = CF | PF | AF | ZF | SF | OF;
const SZP = SF | ZF | PF;

type Size = 8 | 16 | 32;
const SIZES: Size[] = [8, 16, 32];
const MASK = (n: Size): number => (n === 32 ? 0xffffffff : (1 << n) - 1);
const MSB = (v: number, n: Size): number => (v >>> (n - 1)) & 1;
const bit = (v: number, k: number): number => (k >= 32 ? 0 : (v >>> k) & 1);
const parityEven = (v: number): boolean => {
  let p = 0;
  for (let k = 0; k < 8; k++) p ^= (v >> k) & 1;
  return p === 0;
};
/** SF, ZF and PF "set according to the result" (SDM Vol. 1 §3.4.3.1). */
const szp = (r: number, n: Size): number => (r === 0 ? ZF : 0) | (MSB(r, n) ? SF : 0) | (parityEven(r & 0xff) ? PF : 0);

/** What the reference predicts: the result(s) and the flags, with the mask of flags it defines. */
interface Expect {
  res: number;
  /** High half for MUL/IMUL (DX / EDX; AH is part of `res` for byte forms). */
  hi?: number;
  flags: number;
  /** Flags whose value is defined (set or unaffected) after the instruction. */
  defined: number;
  /** False when the SDM leaves the destination undefined (BSF/BSR of 0, SHLD/SHRD count > size). */
  resDefined?: boolean;
}

// ---------------------------------------------------------------------------------------- eager reference

/** ADD/ADC (SDM Vol. 2 ADD, ADC): CF carry out, AF carry out of bit 3, OF signed overflow. */
function refAdd(a: number, b: number, cin: number, n: Size): Expect {
  const full = a + b + cin;
  const res = full % 2 ** n;
  let f = szp(res, n);
  if (full >= 2 ** n) f |= CF;
  if ((a & 0xf) + (b & 0xf) + cin > 0xf) f |= AF;
  if (MSB(a, n) === MSB(b, n) && MSB(res, n) !== MSB(a, n)) f |= OF;
  return { res, flags: f, defined: ALL };
}
/** SUB/SBB/CMP/NEG (SDM Vol. 2 SUB, SBB, CMP, NEG): CF borrow, AF borrow from bit 4, OF signed overflow. */
function refSub(a: number, b: number, bin: number, n: Size): Expect {
  const res = (a - b - bin + 2 * 2 ** n) % 2 ** n;
  let f = szp(res, n);
  if (a < b + bin) f |= CF;
  if ((a & 0xf) < (b & 0xf) + bin) f |= AF;
  if (MSB(a, n) !== MSB(b, n) && MSB(res, n) !== MSB(a, n)) f |= OF;
  return { res, flags: f, defined: ALL };
}
/** AND/OR/XOR/TEST: OF = CF = 0, SF ZF PF per result, AF undefined. */
function refLogic(res: number, n: Size): Expect {
  return { res, flags: szp(res, n), defined: ALL & ~AF };
}

/** SAL/SHL/SHR/SAR, literally the SDM pseudocode (bit by bit). */
function refShift(op: 'shl' | 'shr' | 'sar', a: number, count: number, fin: number, n: Size): Expect {
  const c = count & 0x1f;
  if (c === 0) return { res: a, flags: fin, defined: ALL };
  let dest = a;
  let cf = 0;
  for (let t = c; t > 0; t--) {
    if (op === 'shl') {
      cf = MSB(dest, n);
      dest = (dest * 2) % 2 ** n;
    } else {
      cf = dest & 1;
      dest = op === 'sar' ? Math.floor(dest / 2) + MSB(dest, n) * 2 ** (n - 1) : Math.floor(dest / 2);
    }
  }
  let f = szp(dest, n) | cf;
  let defined = SZP | CF;
  // "CF ... undefined for SHL and SHR instructions where the count is ≥ the operand size".
  if (op !== 'sar' && c >= n) defined &= ~CF;
  if (c === 1) {
    defined |= OF;
    const of = op === 'shl' ? MSB(dest, n) ^ cf : op === 'sar' ? 0 : MSB(a, n);
    if (of) f |= OF;
  }
  return { res: dest, flags: f, defined };
}

/** ROL/ROR/RCL/RCR (SDM Vol. 2 RCL/RCR/ROL/ROR "Operation"). SF ZF AF PF are unaffected. */
function refRotate(op: 'rol' | 'ror' | 'rcl' | 'rcr', a: number, count: number, fin: number, n: Size): Expect {
  const masked = count & 0x1f;
  if (masked === 0) return { res: a, flags: fin, defined: ALL };
  let dest = a;
  let cf = fin & CF;
  let of = 0;
  if (op === 'rol' || op === 'ror') {
    let t = masked % n;
    while (t-- > 0) {
      if (op === 'rol') dest = ((dest * 2) % 2 ** n) + MSB(dest, n);
      else dest = Math.floor(dest / 2) + (dest & 1) * 2 ** (n - 1);
    }
    cf = op === 'rol' ? dest & 1 : MSB(dest, n);
    if (masked === 1) of = op === 'rol' ? MSB(dest, n) ^ cf : MSB(dest, n) ^ bit(dest, n - 2);
  } else {
    let t = n === 8 ? masked % 9 : n === 16 ? masked % 17 : masked;
    if (op === 'rcr' && masked === 1) of = MSB(dest, n) ^ cf;
    while (t-- > 0) {
      if (op === 'rcl') {
        const tmp = MSB(dest, n);
        dest = ((dest * 2) % 2 ** n) + cf;
        cf = tmp;
      } else {
        const tmp = dest & 1;
        dest = Math.floor(dest / 2) + cf * 2 ** (n - 1);
        cf = tmp;
      }
    }
    if (op === 'rcl' && masked === 1) of = MSB(dest, n) ^ cf;
  }
  const f = (fin & (SZP | AF)) | cf | (of ? OF : 0);
  return { res: dest, flags: f, defined: masked === 1 ? ALL : ALL & ~OF };
}

/** SHLD/SHRD (SDM Vol. 2 SHLD, SHRD "Operation"). */
function refShiftDouble(op: 'shld' | 'shrd', d: number, s: number, count: number, fin: number, n: 16 | 32): Expect {
  const c = count & 0x1f;
  if (c === 0) return { res: d, flags: fin, defined: ALL };
  if (c > n) return { res: d, flags: fin, defined: 0, resDefined: false };
  const db = (k: number): number => bit(d, k);
  const sb = (k: number): number => bit(s, k);
  const out: number[] = new Array(n).fill(0);
  let cf: number;
  if (op === 'shld') {
    cf = db(n - c);
    for (let i = n - 1; i >= c; i--) out[i] = db(i - c);
    for (let i = c - 1; i >= 0; i--) out[i] = sb(i - c + n);
  } else {
    cf = db(c - 1);
    for (let i = 0; i <= n - 1 - c; i++) out[i] = db(i + c);
    for (let i = n - c; i <= n - 1; i++) out[i] = sb(i + c - n);
  }
  const res = out.reduce((acc, b, i) => acc + b * 2 ** i, 0);
  let f = szp(res, n) | cf;
  let defined = SZP | CF;
  if (c === 1) {
    defined |= OF;
    if (MSB(res, n) !== MSB(d, n)) f |= OF; // "set if a sign change occurred"
  }
  return { res, flags: f, defined };
}

const toSigned = (v: number, n: Size): bigint => BigInt.asIntN(n, BigInt(v));

/** MUL r/m (SDM Vol. 2 MUL): CF = OF = upper half ≠ 0; SF ZF AF PF undefined. */
function refMul(a: number, b: number, n: Size): Expect {
  const p = BigInt(a) * BigInt(b);
  const lo = Number(p & BigInt(MASK(n)));
  const hi = Number(p >> BigInt(n));
  const f = hi !== 0 ? CF | OF : 0;
  if (n === 8) return { res: Number(p & 0xffffn), flags: f, defined: CF | OF };
  return { res: lo, hi, flags: f, defined: CF | OF };
}
/** IMUL (SDM Vol. 2 IMUL): CF = OF = the sign-extended truncated product differs from the full product. */
function refImul(a: number, b: number, n: Size): Expect {
  const p = toSigned(a, n) * toSigned(b, n);
  const lo = Number(BigInt.asUintN(n, p));
  const hi = Number(BigInt.asUintN(n, p >> BigInt(n)));
  const f = toSigned(lo, n) !== p ? CF | OF : 0;
  if (n === 8) return { res: Number(BigInt.asUintN(16, p)), flags: f, defined: CF | OF };
  return { res: lo, hi, flags: f, defined: CF | OF };
}

// ---------------------------------------------------------------------------------------- running the instructions

const h = new BareHarness('nehalem', false);
const programs = new Map<string, Program>();
function prog(text: string): Program {
  let p = programs.get(text);
  if (p === undefined) {
    p = asm(text + '\nhlt');
    programs.set(text, p);
  }
  return p;
}

const A = { 8: 'al', 16: 'ax', 32: 'eax' } as const;
const B = { 8: 'bl', 16: 'bx', 32: 'ebx' } as const;

interface Got {
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
  flags: number;
}
function exec(text: string, regs: { eax?: number; ebx?: number; ecx?: number; edx?: number }, flagsIn: number): Got {
  const r = h.run(prog(text), { regs, eflags: flagsIn | 2 });
  if (r.reason !== 'halted') throw new Error(`${text}: ${r.reason} vector ${r.vector}`);
  return { eax: r.eax, ebx: r.ebx, ecx: r.ecx, edx: r.edx, flags: r.eflags & ALL };
}
const low = (v: number, n: Size): number => (v & MASK(n)) >>> 0;

function check(text: string, got: Got, gotRes: number, e: Expect, gotHi?: number): void {
  const ctx = `${text} → res ${gotRes.toString(16)} flags ${got.flags.toString(16)}; expected ${e.res.toString(16)} ${(e.flags & e.defined).toString(16)} (mask ${e.defined.toString(16)})`;
  if (e.resDefined !== false) expect(gotRes, ctx).toBe(e.res);
  if (e.hi !== undefined) expect(gotHi, ctx).toBe(e.hi);
  expect(got.flags & e.defined, ctx).toBe(e.flags & e.defined);
}

/** Operands biased towards the boundaries where flags change (0, 1, sign bit, all ones, nibble carries). */
const operand = (n: Size): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: MASK(n) }) },
    { weight: 2, arbitrary: fc.constantFrom(0, 1, 0xf, 0x10, MASK(n), 2 ** (n - 1), 2 ** (n - 1) - 1, 2 ** (n - 1) + 1, MASK(n) - 1) },
  );
const flagsIn = fc.integer({ min: 0, max: 63 }).map((k) => (k & 1 ? CF : 0) | (k & 2 ? PF : 0) | (k & 4 ? AF : 0) | (k & 8 ? ZF : 0) | (k & 16 ? SF : 0) | (k & 32 ? OF : 0));
/** Upper bits of the registers hold noise: byte and word forms must leave them alone. */
const noise = fc.integer({ min: 0, max: 0xffffffff });
const RUNS = { numRuns: 250 };
const put = (v: number, n: Size, noiseBits: number): number => (n === 32 ? v : ((noiseBits & ~MASK(n)) | v) >>> 0);

// ---------------------------------------------------------------------------------------- the properties

describe('ADD ADC SUB SBB CMP match the SDM flag definitions (SDM Vol. 2 ADD/ADC/SUB/SBB/CMP; Vol. 1 §3.4.3.1)', () => {
  for (const n of SIZES) {
    for (const op of ['add', 'adc', 'sub', 'sbb', 'cmp'] as const) {
      test(`${op} ${n}-bit`, () => {
        const text = `${op} ${A[n]}, ${B[n]}`;
        fc.assert(
          fc.property(operand(n), operand(n), flagsIn, noise, (a, b, fin, nz) => {
            const got = exec(text, { eax: put(a, n, nz), ebx: put(b, n, ~nz) }, fin);
            const cin = op === 'adc' || op === 'sbb' ? fin & CF : 0;
            const e = op === 'add' || op === 'adc' ? refAdd(a, b, cin, n) : refSub(a, b, cin, n);
            if (op === 'cmp') e.res = a; // CMP writes nothing back
            check(text, got, low(got.eax, n), e);
            // Bits above the operand size are preserved (SDM Vol. 1 §3.4.1.1: 8/16-bit registers alias the low bits).
            expect(got.eax & ~MASK(n)).toBe(put(a, n, nz) & ~MASK(n));
          }),
          RUNS,
        );
      });
    }
  }
});

describe('AND OR XOR TEST: CF = OF = 0, SF ZF PF from the result (SDM Vol. 2 AND/OR/XOR/TEST)', () => {
  for (const n of SIZES) {
    for (const op of ['and', 'or', 'xor', 'test'] as const) {
      test(`${op} ${n}-bit`, () => {
        const text = `${op} ${A[n]}, ${B[n]}`;
        fc.assert(
          fc.property(operand(n), operand(n), flagsIn, (a, b, fin) => {
            const got = exec(text, { eax: a, ebx: b }, fin);
            const r = op === 'and' || op === 'test' ? a & b : op === 'or' ? a | b : a ^ b;
            const e = refLogic(r >>> 0, n);
            if (op === 'test') e.res = a;
            check(text, got, low(got.eax, n), e);
          }),
          RUNS,
        );
      });
    }
  }
});

describe('INC DEC NEG (SDM Vol. 2 INC/DEC: CF unaffected; NEG: CF = source ≠ 0)', () => {
  for (const n of SIZES) {
    for (const op of ['inc', 'dec', 'neg'] as const) {
      test(`${op} ${n}-bit`, () => {
        const text = `${op} ${A[n]}`;
        fc.assert(
          fc.property(operand(n), flagsIn, (a, fin) => {
            const got = exec(text, { eax: a }, fin);
            let e: Expect;
            if (op === 'neg') e = refSub(0, a, 0, n);
            else {
              e = op === 'inc' ? refAdd(a, 1, 0, n) : refSub(a, 1, 0, n);
              e.flags = (e.flags & ~CF) | (fin & CF); // CF is not affected
            }
            check(text, got, low(got.eax, n), e);
          }),
          RUNS,
        );
      });
    }
  }
});

const count = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33));

describe('SHL SHR SAR: count masked to 5 bits, CF last bit out, OF for count 1, no change for count 0 (SDM Vol. 2 SAL/SAR/SHL/SHR)', () => {
  for (const n of SIZES) {
    for (const op of ['shl', 'shr', 'sar'] as const) {
      test(`${op} ${A[n]}, cl`, () => {
        const text = `${op} ${A[n]}, cl`;
        fc.assert(
          fc.property(operand(n), count, flagsIn, (a, c, fin) => {
            const got = exec(text, { eax: a, ecx: c }, fin);
            check(`${text} [cl=${c}]`, got, low(got.eax, n), refShift(op, a, c, fin, n));
          }),
          RUNS,
        );
      });
      test(`${op} ${A[n]}, 1 and ${op} ${A[n]}, imm8`, () => {
        fc.assert(
          fc.property(operand(n), fc.constantFrom(1, 0, 2, 5, 8, 16, 31, 32, 40), flagsIn, (a, c, fin) => {
            const text = c === 1 ? `${op} ${A[n]}, 1` : `${op} ${A[n]}, ${c}`;
            const got = exec(text, { eax: a }, fin);
            check(text, got, low(got.eax, n), refShift(op, a, c, fin, n));
          }),
          { numRuns: 100 },
        );
      });
    }
  }
});

describe('ROL ROR RCL RCR: CF and OF only; SF ZF AF PF unaffected (SDM Vol. 2 RCL/RCR/ROL/ROR)', () => {
  for (const n of SIZES) {
    for (const op of ['rol', 'ror', 'rcl', 'rcr'] as const) {
      test(`${op} ${A[n]}, cl`, () => {
        const text = `${op} ${A[n]}, cl`;
        fc.assert(
          fc.property(operand(n), count, flagsIn, (a, c, fin) => {
            const got = exec(text, { eax: a, ecx: c }, fin);
            check(`${text} [cl=${c}]`, got, low(got.eax, n), refRotate(op, a, c, fin, n));
          }),
          RUNS,
        );
      });
      test(`${op} ${A[n]}, 1`, () => {
        const text = `${op} ${A[n]}, 1`;
        fc.assert(
          fc.property(operand(n), flagsIn, (a, fin) => {
            const got = exec(text, { eax: a }, fin);
            check(text, got, low(got.eax, n), refRotate(op, a, 1, fin, n));
          }),
          { numRuns: 100 },
        );
      });
    }
  }
});

describe('SHLD SHRD (SDM Vol. 2 SHLD/SHRD)', () => {
  for (const n of [16, 32] as const) {
    for (const op of ['shld', 'shrd'] as const) {
      test(`${op} ${A[n]}, ${B[n]}, cl`, () => {
        const text = `${op} ${A[n]}, ${B[n]}, cl`;
        fc.assert(
          fc.property(operand(n), operand(n), count, flagsIn, (d, s, c, fin) => {
            const got = exec(text, { eax: d, ebx: s, ecx: c }, fin);
            check(`${text} [cl=${c}]`, got, low(got.eax, n), refShiftDouble(op, d, s, c, fin, n));
          }),
          RUNS,
        );
      });
      test(`${op} ${A[n]}, ${B[n]}, imm8`, () => {
        fc.assert(
          fc.property(operand(n), operand(n), fc.constantFrom(0, 1, 4, 15, 16, 17, 31), flagsIn, (d, s, c, fin) => {
            const text = `${op} ${A[n]}, ${B[n]}, ${c}`;
            const got = exec(text, { eax: d, ebx: s }, fin);
            check(text, got, low(got.eax, n), refShiftDouble(op, d, s, c, fin, n));
          }),
          { numRuns: 100 },
        );
      });
    }
  }
});

describe('MUL IMUL: CF = OF = significant upper half (SDM Vol. 2 MUL, IMUL)', () => {
  for (const n of SIZES) {
    test(`mul ${B[n]}`, () => {
      const text = `mul ${B[n]}`;
      fc.assert(
        fc.property(operand(n), operand(n), flagsIn, (a, b, fin) => {
          const got = exec(text, { eax: a, ebx: b, edx: 0x5a5a5a5a }, fin);
          const e = refMul(a, b, n);
          if (n === 8) check(text, got, got.eax & 0xffff, e);
          else check(text, got, low(got.eax, n), e, low(got.edx, n));
        }),
        RUNS,
      );
    });
    test(`imul ${B[n]} (one operand)`, () => {
      const text = `imul ${B[n]}`;
      fc.assert(
        fc.property(operand(n), operand(n), flagsIn, (a, b, fin) => {
          const got = exec(text, { eax: a, ebx: b, edx: 0x5a5a5a5a }, fin);
          const e = refImul(a, b, n);
          if (n === 8) check(text, got, got.eax & 0xffff, e);
          else check(text, got, low(got.eax, n), e, low(got.edx, n));
        }),
        RUNS,
      );
    });
  }
  for (const n of [16, 32] as const) {
    test(`imul ${A[n]}, ${B[n]} (two operands: truncated product)`, () => {
      const text = `imul ${A[n]}, ${B[n]}`;
      fc.assert(
        fc.property(operand(n), operand(n), flagsIn, (a, b, fin) => {
          const got = exec(text, { eax: a, ebx: b }, fin);
          const e = refImul(a, b, n);
          delete e.hi;
          check(text, got, low(got.eax, n), e);
        }),
        RUNS,
      );
    });
    test(`imul ${A[n]}, ${B[n]}, imm (three operands, imm8 and imm16/32)`, () => {
      fc.assert(
        fc.property(operand(n), fc.constantFrom(-128, -1, 0, 1, 3, 127, 128, -129, 1000, -32768, 32767), flagsIn, (b, imm, fin) => {
          const text = `imul ${A[n]}, ${B[n]}, ${imm}`;
          const got = exec(text, { eax: 0x12345678, ebx: b }, fin);
          const e = refImul(b, low(imm, n), n);
          delete e.hi;
          check(text, got, low(got.eax, n), e);
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('BT BTS BTR BTC: CF = the selected bit, ZF unaffected (SDM Vol. 2 BT/BTS/BTR/BTC)', () => {
  for (const n of [16, 32] as const) {
    for (const op of ['bt', 'bts', 'btr', 'btc'] as const) {
      test(`${op} ${A[n]}, ${B[n]} (register: offset modulo the operand size)`, () => {
        const text = `${op} ${A[n]}, ${B[n]}`;
        fc.assert(
          fc.property(operand(n), fc.integer({ min: 0, max: 0xffff }), flagsIn, (a, off, fin) => {
            const got = exec(text, { eax: a, ebx: off }, fin);
            const k = off % n;
            const sel = bit(a, k);
            const m = 2 ** k;
            const res = op === 'bt' ? a : op === 'bts' ? (sel ? a : a + m) : op === 'btr' ? (sel ? a - m : a) : sel ? a - m : a + m;
            check(text, got, low(got.eax, n), { res, flags: sel | (fin & ZF), defined: CF | ZF });
          }),
          RUNS,
        );
      });
      test(`${op} ${A[n]}, imm8`, () => {
        fc.assert(
          fc.property(operand(n), fc.integer({ min: 0, max: 255 }), flagsIn, (a, imm, fin) => {
            const text = `${op} ${A[n]}, ${imm}`;
            const got = exec(text, { eax: a }, fin);
            const k = imm % n;
            const sel = bit(a, k);
            const m = 2 ** k;
            const res = op === 'bt' ? a : op === 'bts' ? (sel ? a : a + m) : op === 'btr' ? (sel ? a - m : a) : sel ? a - m : a + m;
            check(text, got, low(got.eax, n), { res, flags: sel | (fin & ZF), defined: CF | ZF });
          }),
          { numRuns: 150 },
        );
      });
    }
  }
});

describe('BSF BSR: ZF = source is zero; the index of the lowest/highest set bit (SDM Vol. 2 BSF/BSR)', () => {
  for (const n of [16, 32] as const) {
    for (const op of ['bsf', 'bsr'] as const) {
      test(`${op} ${A[n]}, ${B[n]}`, () => {
        const text = `${op} ${A[n]}, ${B[n]}`;
        fc.assert(
          fc.property(operand(n), flagsIn, (s, fin) => {
            const got = exec(text, { eax: 0x5a5a5a5a, ebx: s }, fin);
            let idx = -1;
            for (let k = 0; k < n; k++) if (bit(s, k)) { if (op === 'bsr' || idx < 0) idx = k; }
            const e: Expect = s === 0 ? { res: 0, flags: ZF, defined: ZF, resDefined: false } : { res: idx, flags: 0, defined: ZF };
            check(text, got, low(got.eax, n), e);
          }),
          RUNS,
        );
      });
    }
  }
});

describe('flags read by Jcc/SETcc/CMOVcc agree with EFLAGS (SDM Vol. 1 Table B-1)', () => {
  // Every condition, evaluated straight from the lazy state (SETcc right after the flag-setting instruction),
  // must equal the condition computed from the materialised EFLAGS image (PUSHFD).
  const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
  const condOf = (cc: number, f: number): boolean => {
    const cf = (f & CF) !== 0, zf = (f & ZF) !== 0, sf = (f & SF) !== 0, of = (f & OF) !== 0, pf = (f & PF) !== 0;
    const base = [of, cf, zf, cf || zf, sf, pf, sf !== of, zf || sf !== of][cc >> 1];
    return cc & 1 ? !base : base;
  };
  for (const first of ['add eax, ebx', 'sub eax, ebx', 'sbb ax, bx', 'adc al, bl', 'and eax, ebx', 'inc ax', 'dec al', 'neg eax', 'shl ax, cl', 'sar eax, cl', 'shr al, cl', 'imul eax, ebx', 'cmp bl, al']) {
    test(first, () => {
      const body = [first, 'pushfd', 'pop esi', ...CC.map((cc, k) => `set${cc} byte [0x20000+${k}]`)].join('\n');
      const p = prog(body);
      fc.assert(
        fc.property(operand(32), operand(32), fc.integer({ min: 0, max: 40 }), flagsIn, (a, b, c, fin) => {
          const r = h.run(p, { regs: { eax: a, ebx: b, ecx: c }, eflags: fin | 2 });
          expect(r.reason).toBe('halted');
          const f = r.esi;
          for (let k = 0; k < 16; k++) expect(r.read8(0x20000 + k), `set${CC[k]} flags=${f.toString(16)}`).toBe(condOf(k, f) ? 1 : 0);
        }),
        { numRuns: 60 },
      );
    });
  }
});
