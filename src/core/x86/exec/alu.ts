/**
 * Integer arithmetic and logic (SDM Vol. 2 instruction pages; flags per Vol. 1 Appendix A).
 * Sizes are indexed 0 = byte, 1 = word, 2 = doubleword throughout (see flags.ts).
 */
import type { Cpu } from '../cpu.ts';
import { Flag, Vec } from '../arch.ts';
import { FlagOp, PARITY_EVEN, SIZE_MASK, SIZE_BITS, lazyOF, signExtend } from '../flags.ts';
import type { Insn } from '../insn.ts';

// ---------------------------------------------------------------------------------------- the ALU core

/**
 * Computes `a op b` for the eight classic ALU operations (ADD OR ADC SBB AND SUB XOR CMP, the /digit of
 * opcodes 80–83) at size `sz`, records the flags lazily and returns the result (not masked).
 */
export function alu(c: Cpu, op: number, a: number, b: number, sz: number): number {
  let r: number;
  switch (op) {
    case 0: // ADD
      r = (a + b) | 0;
      c.fop = (FlagOp.ADD << 2) | sz;
      break;
    case 1: // OR
      r = a | b;
      c.fop = (FlagOp.LOGIC << 2) | sz;
      break;
    case 2: { // ADC
      const cf = c.getCF();
      r = (a + b + cf) | 0;
      c.fcf = cf;
      c.fop = (FlagOp.ADC << 2) | sz;
      break;
    }
    case 3: { // SBB
      const cf = c.getCF();
      r = (a - b - cf) | 0;
      c.fcf = cf;
      c.fop = (FlagOp.SBB << 2) | sz;
      break;
    }
    case 4: // AND
      r = a & b;
      c.fop = (FlagOp.LOGIC << 2) | sz;
      break;
    case 5: // SUB
    case 7: // CMP
      r = (a - b) | 0;
      c.fop = (FlagOp.SUB << 2) | sz;
      break;
    default: // XOR
      r = a ^ b;
      c.fop = (FlagOp.LOGIC << 2) | sz;
      break;
  }
  c.fa = a;
  c.fb = b;
  c.fres = r;
  return r;
}

// ---------------------------------------------------------------------------------------- ALU forms
// `i.cc` holds the operation. CMP (7) writes nothing back.

export function aluEbGb(c: Cpu, i: Insn): void {
  const b = c.getReg8(i.reg);
  if (i.mod === 3) {
    const r = alu(c, i.cc, c.getReg8(i.rm), b, 0);
    if (i.cc !== 7) c.setReg8(i.rm, r);
  } else {
    const lin = c.linear(i.seg, c.ea(i), 1, i.cc !== 7);
    const r = alu(c, i.cc, c.readLin8(lin, i.cc !== 7 ? 1 : 0), b, 0);
    if (i.cc !== 7) c.writeLin8(lin, r);
  }
  c.eip = (c.eip + i.len) | 0;
}

export function aluEvGv32(c: Cpu, i: Insn): void {
  const b = c.regs[i.reg];
  if (i.mod === 3) {
    const r = alu(c, i.cc, c.regs[i.rm], b, 2);
    if (i.cc !== 7) c.regs[i.rm] = r;
  } else {
    const lin = c.linear(i.seg, c.ea(i), 4, i.cc !== 7);
    const r = alu(c, i.cc, c.readLin32(lin, i.cc !== 7 ? 1 : 0), b, 2);
    if (i.cc !== 7) c.writeLin32(lin, r);
  }
  c.eip = (c.eip + i.len) | 0;
}

export function aluEvGv16(c: Cpu, i: Insn): void {
  const b = c.regs[i.reg] & 0xffff;
  if (i.mod === 3) {
    const r = alu(c, i.cc, c.regs[i.rm] & 0xffff, b, 1);
    if (i.cc !== 7) c.setReg16(i.rm, r);
  } else {
    const lin = c.linear(i.seg, c.ea(i), 2, i.cc !== 7);
    const r = alu(c, i.cc, c.readLin16(lin, i.cc !== 7 ? 1 : 0), b, 1);
    if (i.cc !== 7) c.writeLin16(lin, r);
  }
  c.eip = (c.eip + i.len) | 0;
}

export function aluGbEb(c: Cpu, i: Insn): void {
  const r = alu(c, i.cc, c.getReg8(i.reg), c.readE8(i), 0);
  if (i.cc !== 7) c.setReg8(i.reg, r);
  c.eip = (c.eip + i.len) | 0;
}

export function aluGvEv32(c: Cpu, i: Insn): void {
  const r = alu(c, i.cc, c.regs[i.reg], i.mod === 3 ? c.regs[i.rm] : c.read32(i.seg, c.ea(i)), 2);
  if (i.cc !== 7) c.regs[i.reg] = r;
  c.eip = (c.eip + i.len) | 0;
}

export function aluGvEv16(c: Cpu, i: Insn): void {
  const r = alu(c, i.cc, c.regs[i.reg] & 0xffff, c.readE16(i), 1);
  if (i.cc !== 7) c.setReg16(i.reg, r);
  c.eip = (c.eip + i.len) | 0;
}

export function aluAlIb(c: Cpu, i: Insn): void {
  const r = alu(c, i.cc, c.regs[0] & 0xff, i.imm & 0xff, 0);
  if (i.cc !== 7) c.setReg8(0, r);
  c.eip = (c.eip + i.len) | 0;
}

export function aluEaxIz32(c: Cpu, i: Insn): void {
  const r = alu(c, i.cc, c.regs[0], i.imm, 2);
  if (i.cc !== 7) c.regs[0] = r;
  c.eip = (c.eip + i.len) | 0;
}

export function aluAxIz16(c: Cpu, i: Insn): void {
  const r = alu(c, i.cc, c.regs[0] & 0xffff, i.imm & 0xffff, 1);
  if (i.cc !== 7) c.setReg16(0, r);
  c.eip = (c.eip + i.len) | 0;
}

/** 80 /op ib, 82 /op ib. */
export function aluEbIb(c: Cpu, i: Insn): void {
  const op = i.reg;
  if (i.mod === 3) {
    const r = alu(c, op, c.getReg8(i.rm), i.imm & 0xff, 0);
    if (op !== 7) c.setReg8(i.rm, r);
  } else {
    const lin = c.linear(i.seg, c.ea(i), 1, op !== 7);
    const r = alu(c, op, c.readLin8(lin, op !== 7 ? 1 : 0), i.imm & 0xff, 0);
    if (op !== 7) c.writeLin8(lin, r);
  }
  c.eip = (c.eip + i.len) | 0;
}

/** 81 /op iz and 83 /op ib (sign-extended by the decoder). */
export function aluEvI32(c: Cpu, i: Insn): void {
  const op = i.reg;
  if (i.mod === 3) {
    const r = alu(c, op, c.regs[i.rm], i.imm, 2);
    if (op !== 7) c.regs[i.rm] = r;
  } else {
    const lin = c.linear(i.seg, c.ea(i), 4, op !== 7);
    const r = alu(c, op, c.readLin32(lin, op !== 7 ? 1 : 0), i.imm, 2);
    if (op !== 7) c.writeLin32(lin, r);
  }
  c.eip = (c.eip + i.len) | 0;
}

export function aluEvI16(c: Cpu, i: Insn): void {
  const op = i.reg;
  if (i.mod === 3) {
    const r = alu(c, op, c.regs[i.rm] & 0xffff, i.imm & 0xffff, 1);
    if (op !== 7) c.setReg16(i.rm, r);
  } else {
    const lin = c.linear(i.seg, c.ea(i), 2, op !== 7);
    const r = alu(c, op, c.readLin16(lin, op !== 7 ? 1 : 0), i.imm & 0xffff, 1);
    if (op !== 7) c.writeLin16(lin, r);
  }
  c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- TEST

function testFlags(c: Cpu, r: number, sz: number): void {
  c.fop = (FlagOp.LOGIC << 2) | sz;
  c.fres = r;
  c.fa = r;
  c.fb = 0;
}
export function testEbGb(c: Cpu, i: Insn): void {
  testFlags(c, c.readE8(i) & c.getReg8(i.reg), 0);
  c.eip = (c.eip + i.len) | 0;
}
export function testEvGv(c: Cpu, i: Insn): void {
  if (i.osz === 4) testFlags(c, c.readE32(i) & c.regs[i.reg], 2);
  else testFlags(c, c.readE16(i) & c.regs[i.reg] & 0xffff, 1);
  c.eip = (c.eip + i.len) | 0;
}
export function testAlIb(c: Cpu, i: Insn): void {
  testFlags(c, c.regs[0] & i.imm & 0xff, 0);
  c.eip = (c.eip + i.len) | 0;
}
export function testEaxIz(c: Cpu, i: Insn): void {
  if (i.osz === 4) testFlags(c, c.regs[0] & i.imm, 2);
  else testFlags(c, c.regs[0] & i.imm & 0xffff, 1);
  c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- INC / DEC

function incDec(c: Cpu, v: number, dec: boolean, sz: number): number {
  c.fcf = c.getCF();
  const r = dec ? (v - 1) | 0 : (v + 1) | 0;
  c.fop = ((dec ? FlagOp.DEC : FlagOp.INC) << 2) | sz;
  c.fa = v;
  c.fb = 1;
  c.fres = r;
  return r;
}
/** 40+r / 48+r (32-bit). */
export function incDecReg32(c: Cpu, i: Insn): void {
  c.regs[i.rm] = incDec(c, c.regs[i.rm], i.cc !== 0, 2);
  c.eip = (c.eip + i.len) | 0;
}
export function incDecReg16(c: Cpu, i: Insn): void {
  c.setReg16(i.rm, incDec(c, c.regs[i.rm] & 0xffff, i.cc !== 0, 1));
  c.eip = (c.eip + i.len) | 0;
}
/** FE /0, /1. */
export function incDecEb(c: Cpu, i: Insn): void {
  const dec = i.reg === 1;
  if (i.mod === 3) c.setReg8(i.rm, incDec(c, c.getReg8(i.rm), dec, 0));
  else {
    const lin = c.linear(i.seg, c.ea(i), 1, true);
    c.writeLin8(lin, incDec(c, c.readLin8(lin, 1), dec, 0));
  }
  c.eip = (c.eip + i.len) | 0;
}
/** FF /0, /1. */
export function incDecEv(c: Cpu, i: Insn): void {
  const dec = i.reg === 1;
  if (i.osz === 4) {
    if (i.mod === 3) c.regs[i.rm] = incDec(c, c.regs[i.rm], dec, 2);
    else {
      const lin = c.linear(i.seg, c.ea(i), 4, true);
      c.writeLin32(lin, incDec(c, c.readLin32(lin, 1), dec, 2));
    }
  } else if (i.mod === 3) c.setReg16(i.rm, incDec(c, c.regs[i.rm] & 0xffff, dec, 1));
  else {
    const lin = c.linear(i.seg, c.ea(i), 2, true);
    c.writeLin16(lin, incDec(c, c.readLin16(lin, 1), dec, 1));
  }
  c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- group 3 (F6/F7)

function readRmw(c: Cpu, i: Insn, sz: number): number {
  if (i.mod === 3) return sz === 0 ? c.getReg8(i.rm) : sz === 1 ? c.regs[i.rm] & 0xffff : c.regs[i.rm];
  const lin = c.linear(i.seg, c.ea(i), 1 << sz, true);
  c.rmwLin = lin;
  return sz === 0 ? c.readLin8(lin, 1) : sz === 1 ? c.readLin16(lin, 1) : c.readLin32(lin, 1);
}
function writeRmw(c: Cpu, i: Insn, sz: number, v: number): void {
  if (i.mod === 3) {
    if (sz === 0) c.setReg8(i.rm, v);
    else if (sz === 1) c.setReg16(i.rm, v);
    else c.regs[i.rm] = v;
    return;
  }
  if (sz === 0) c.writeLin8(c.rmwLin, v);
  else if (sz === 1) c.writeLin16(c.rmwLin, v);
  else c.writeLin32(c.rmwLin, v);
}
function readSrc(c: Cpu, i: Insn, sz: number): number {
  return sz === 0 ? c.readE8(i) : sz === 1 ? c.readE16(i) : c.readE32(i);
}

/** F6/F7: TEST, NOT, NEG, MUL, IMUL, DIV, IDIV. `i.cc` = size index. */
export function group3(c: Cpu, i: Insn): void {
  const sz = i.cc;
  const m = SIZE_MASK[sz];
  switch (i.reg) {
    case 0:
    case 1: // TEST r/m, imm
      testFlags(c, readSrc(c, i, sz) & i.imm & m, sz);
      break;
    case 2: // NOT (no flags)
      writeRmw(c, i, sz, ~readRmw(c, i, sz));
      break;
    case 3: { // NEG
      const v = readRmw(c, i, sz);
      const r = (0 - v) | 0;
      c.fop = (FlagOp.NEG << 2) | sz;
      c.fa = v;
      c.fb = 0;
      c.fres = r;
      writeRmw(c, i, sz, r);
      break;
    }
    case 4:
      mul(c, readSrc(c, i, sz), sz);
      break;
    case 5:
      imul1(c, readSrc(c, i, sz), sz);
      break;
    case 6:
      div(c, readSrc(c, i, sz), sz);
      break;
    default:
      idiv(c, readSrc(c, i, sz), sz);
      break;
  }
  c.eip = (c.eip + i.len) | 0;
}

function mulFlags(c: Cpu, lo: number, over: boolean, sz: number): void {
  c.fop = (FlagOp.MUL << 2) | sz;
  c.fres = lo;
  c.fa = lo;
  c.fb = over ? 1 : 0;
}

function mul(c: Cpu, src: number, sz: number): void {
  if (sz === 0) {
    const r = (c.regs[0] & 0xff) * (src & 0xff);
    c.setReg16(0, r);
    mulFlags(c, r & 0xff, (r & 0xff00) !== 0, 0);
  } else if (sz === 1) {
    const r = (c.regs[0] & 0xffff) * (src & 0xffff);
    c.setReg16(0, r & 0xffff);
    c.setReg16(2, r >>> 16);
    mulFlags(c, r & 0xffff, (r >>> 16) !== 0, 1);
  } else {
    const a = c.regs[0] >>> 0;
    const b = src >>> 0;
    const lo = Math.imul(a, b);
    const hi = mulHigh32(a, b);
    c.regs[0] = lo;
    c.regs[2] = hi;
    mulFlags(c, lo, hi !== 0, 2);
  }
}

/** High 32 bits of the unsigned 64-bit product of two 32-bit values. */
export function mulHigh32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const hh = aHi * bHi;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (hh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) | 0;
}

/** High 32 bits of the signed 64-bit product. */
export function imulHigh32(a: number, b: number): number {
  let hi = mulHigh32(a >>> 0, b >>> 0);
  if (a < 0) hi = (hi - (b >>> 0)) | 0;
  if (b < 0) hi = (hi - (a >>> 0)) | 0;
  return hi;
}

function imul1(c: Cpu, src: number, sz: number): void {
  if (sz === 0) {
    const r = ((c.regs[0] << 24) >> 24) * ((src << 24) >> 24);
    c.setReg16(0, r);
    mulFlags(c, r & 0xff, r !== ((r << 24) >> 24), 0);
  } else if (sz === 1) {
    const r = ((c.regs[0] << 16) >> 16) * ((src << 16) >> 16);
    c.setReg16(0, r);
    c.setReg16(2, r >> 16);
    mulFlags(c, r & 0xffff, r !== ((r << 16) >> 16), 1);
  } else {
    const a = c.regs[0];
    const lo = Math.imul(a, src);
    const hi = imulHigh32(a, src);
    c.regs[0] = lo;
    c.regs[2] = hi;
    mulFlags(c, lo, hi !== lo >> 31, 2);
  }
}

/** IMUL r, r/m and IMUL r, r/m, imm (0F AF, 69, 6B): the truncated product, CF = OF = significant bits lost. */
export function imulGvEv(c: Cpu, i: Insn): void {
  const b = i.opcode === 0x0faf ? (i.osz === 4 ? c.regs[i.reg] : c.regs[i.reg] & 0xffff) : i.imm;
  if (i.osz === 4) {
    const a = c.readE32(i);
    const lo = Math.imul(a, b);
    const hi = imulHigh32(a, b | 0);
    c.regs[i.reg] = lo;
    mulFlags(c, lo, hi !== lo >> 31, 2);
  } else {
    const a = (c.readE16(i) << 16) >> 16;
    const r = a * ((b << 16) >> 16);
    c.setReg16(i.reg, r);
    mulFlags(c, r & 0xffff, r !== ((r << 16) >> 16), 1);
  }
  c.eip = (c.eip + i.len) | 0;
}

function div(c: Cpu, src: number, sz: number): void {
  if (sz === 0) {
    const d = src & 0xff;
    if (d === 0) c.raise(Vec.DE);
    const n = c.regs[0] & 0xffff;
    const q = Math.floor(n / d);
    if (q > 0xff) c.raise(Vec.DE);
    c.setReg16(0, ((n % d) << 8) | q);
  } else if (sz === 1) {
    const d = src & 0xffff;
    if (d === 0) c.raise(Vec.DE);
    const n = ((c.regs[2] & 0xffff) << 16 | (c.regs[0] & 0xffff)) >>> 0;
    const q = Math.floor(n / d);
    if (q > 0xffff) c.raise(Vec.DE);
    c.setReg16(0, q);
    c.setReg16(2, n % d);
  } else {
    const d = src >>> 0;
    if (d === 0) c.raise(Vec.DE);
    const hi = c.regs[2] >>> 0;
    const lo = c.regs[0] >>> 0;
    if (hi >= d) c.raise(Vec.DE); // quotient would not fit in 32 bits
    const [q, r] = divU64(hi, lo, d);
    c.regs[0] = q;
    c.regs[2] = r;
  }
}

function idiv(c: Cpu, src: number, sz: number): void {
  if (sz === 0) {
    const d = (src << 24) >> 24;
    if (d === 0) c.raise(Vec.DE);
    const n = (c.regs[0] << 16) >> 16;
    const q = Math.trunc(n / d);
    if (q > 127 || q < -128) c.raise(Vec.DE);
    c.setReg16(0, (((n - q * d) & 0xff) << 8) | (q & 0xff));
  } else if (sz === 1) {
    const d = (src << 16) >> 16;
    if (d === 0) c.raise(Vec.DE);
    const n = ((c.regs[2] & 0xffff) << 16) | (c.regs[0] & 0xffff);
    const q = Math.trunc(n / d);
    if (q > 32767 || q < -32768) c.raise(Vec.DE);
    c.setReg16(0, q);
    c.setReg16(2, n - q * d);
  } else {
    const d = src | 0;
    if (d === 0) c.raise(Vec.DE);
    const hi = c.regs[2];
    const lo = c.regs[0] >>> 0;
    const negN = hi < 0;
    // |n| as an unsigned 64-bit pair
    let nh = hi >>> 0;
    let nl = lo;
    if (negN) {
      nl = (~nl + 1) >>> 0;
      nh = (~nh + (nl === 0 ? 1 : 0)) >>> 0;
    }
    const ad = Math.abs(d);
    if (nh >= ad) c.raise(Vec.DE);
    const [uq, ur] = divU64(nh, nl, ad);
    const negQ = negN !== d < 0;
    if (negQ ? uq > 0x80000000 : uq > 0x7fffffff) c.raise(Vec.DE);
    c.regs[0] = negQ ? -uq | 0 : uq | 0;
    c.regs[2] = negN ? -ur | 0 : ur | 0;
  }
}

/** Unsigned (hi:lo) / d for hi < d, by long division in 16-bit digits (exact; no floating-point rounding). */
const DIV_OUT: [number, number] = [0, 0];
export function divU64(hi: number, lo: number, d: number): [number, number] {
  if (hi === 0) {
    DIV_OUT[0] = Math.floor(lo / d) >>> 0;
    DIV_OUT[1] = lo % d;
    return DIV_OUT;
  }
  let rem = hi;
  let q = 0;
  for (let k = 1; k >= 0; k--) {
    const digit = (lo >>> (16 * k)) & 0xffff;
    const cur = rem * 65536 + digit; // < d * 65536 ≤ 2^48: exact
    const qd = Math.floor(cur / d);
    rem = cur - qd * d;
    q = q * 65536 + qd;
  }
  DIV_OUT[0] = q >>> 0;
  DIV_OUT[1] = rem >>> 0;
  return DIV_OUT;
}

// ---------------------------------------------------------------------------------------- shifts and rotates

/** Group 2 (C0, C1, D0–D3): ROL ROR RCL RCR SHL SHR SAL SAR. `i.cc` = size index, count from imm/1/CL. */
export function group2(c: Cpu, i: Insn): void {
  const sz = i.cc;
  const op = i.opcode;
  const raw = op === 0xd0 || op === 0xd1 ? 1 : op === 0xd2 || op === 0xd3 ? c.regs[1] & 0xff : i.imm & 0xff;
  const count = raw & 0x1f; // the count is masked to 5 bits (SDM SAL/SAR/SHL/SHR)
  const v = readRmw(c, i, sz);
  if (count === 0) {
    writeRmw(c, i, sz, v); // a write cycle still happens on real hardware; flags unchanged
    c.eip = (c.eip + i.len) | 0;
    return;
  }
  const bits = SIZE_BITS[sz];
  const m = SIZE_MASK[sz];
  const u = (v & m) >>> 0;
  let r: number;
  switch (i.reg) {
    case 0: { // ROL
      const n = count % bits;
      r = n === 0 ? u : ((u << n) | (u >>> (bits - n))) & m;
      rotateFlags(c, r & 1, (((r >>> (bits - 1)) & 1) ^ (r & 1)));
      break;
    }
    case 1: { // ROR
      const n = count % bits;
      r = n === 0 ? u : ((u >>> n) | (u << (bits - n))) & m;
      const msb = (r >>> (bits - 1)) & 1;
      rotateFlags(c, msb, msb ^ ((r >>> (bits - 2)) & 1));
      break;
    }
    case 2: { // RCL: rotate through CF, size + 1 bits
      // The masked count modulo size + 1 (SDM RCL: tempCOUNT); 0 rotates nothing and changes no flag (Bochs RCL_EbR).
      const n = count % (bits + 1);
      let cf = c.getCF();
      r = u;
      for (let k = 0; k < n; k++) {
        const out = (r >>> (bits - 1)) & 1;
        r = ((r << 1) | cf) & m;
        cf = out;
      }
      if (n !== 0) rotateFlags(c, cf, ((r >>> (bits - 1)) & 1) ^ cf);
      break;
    }
    case 3: { // RCR
      const n = count % (bits + 1);
      let cf = c.getCF();
      r = u;
      for (let k = 0; k < n; k++) {
        const out = r & 1;
        r = ((r >>> 1) | (cf << (bits - 1))) & m;
        cf = out;
      }
      // OF = the two top bits of the result XORed: for count 1 that is MSB(operand) XOR the old CF, as the SDM
      // defines it; larger counts leave OF undefined and this core follows Bochs (RCR_EdR).
      if (n !== 0) rotateFlags(c, cf, ((r >>> (bits - 1)) ^ (r >>> (bits - 2))) & 1);
      break;
    }
    case 4:
    case 6: // SHL / SAL
      r = count >= 32 ? 0 : (u << count) & m;
      c.fop = (FlagOp.SHL << 2) | sz;
      c.fa = u;
      c.fb = count;
      c.fres = r;
      break;
    case 5: // SHR
      r = count >= bits ? 0 : u >>> count;
      c.fop = (FlagOp.SHR << 2) | sz;
      c.fa = u;
      c.fb = count;
      c.fres = r;
      break;
    default: { // SAR
      const s = signExtend(u, sz);
      r = (s >> Math.min(count, 31)) & m;
      c.fop = (FlagOp.SAR << 2) | sz;
      c.fa = u;
      c.fb = count;
      c.fres = r;
      break;
    }
  }
  writeRmw(c, i, sz, r);
  c.eip = (c.eip + i.len) | 0;
}

function rotateFlags(c: Cpu, cf: number, of: number): void {
  c.materializeFlags();
  c.eflags = (c.eflags & ~(Flag.CF | Flag.OF)) | cf | (of << 11);
}

/**
 * SHLD / SHRD (0F A4, A5, AC, AD). CF is the last bit shifted out and OF (defined for count 1) a sign change; for
 * larger counts OF is undefined and this core gives what Bochs gives: CF XOR MSB(result) for SHLD, the two top bits
 * of the result XORed for SHRD. A 16-bit count above 16 leaves the result undefined; this core shifts the way P6
 * and later processors do (SHLD: dest:src:dest, SHRD: dest:src:dest the other way; Bochs SHLD_EwGwR, SHRD_EwGwR).
 */
export function shiftDouble(c: Cpu, i: Insn): void {
  const sz = i.osz === 4 ? 2 : 1;
  const count = (i.opcode === 0x0fa5 || i.opcode === 0x0fad ? c.regs[1] : i.imm) & 0x1f;
  const dst = readRmw(c, i, sz);
  if (count === 0) {
    writeRmw(c, i, sz, dst); // a write cycle still happens; result and flags unchanged
    c.eip = (c.eip + i.len) | 0;
    return;
  }
  const left = i.opcode === 0x0fa4 || i.opcode === 0x0fa5;
  let r: number;
  let cf: number;
  let of: number;
  if (sz === 2) {
    const d = dst >>> 0;
    const s = c.regs[i.reg] >>> 0;
    if (left) {
      r = ((d << count) | (s >>> (32 - count))) >>> 0;
      cf = (d >>> (32 - count)) & 1;
      of = cf ^ (r >>> 31);
    } else {
      r = ((d >>> count) | (s << (32 - count))) >>> 0;
      cf = (d >>> (count - 1)) & 1;
      of = ((r >>> 31) ^ (r >>> 30)) & 1;
    }
  } else {
    const d = dst & 0xffff;
    const s = c.regs[i.reg] & 0xffff;
    if (left) {
      const t = ((d << 16) | s) >>> 0; // dest:src
      let wide = (t << count) >>> 0;
      if (count > 16) wide = (wide | (d << (count - 16))) >>> 0;
      r = wide >>> 16;
      cf = (t >>> (32 - count)) & 1;
      of = cf ^ (r >>> 15);
    } else {
      const t = ((s << 16) | d) >>> 0; // src:dest
      let wide = t >>> count;
      if (count > 16) wide = (wide | (d << (32 - count))) >>> 0;
      r = wide & 0xffff;
      cf = count > 16 ? (s >>> (count - 17)) & 1 : (d >>> (count - 1)) & 1;
      of = ((r >>> 15) ^ (r >>> 14)) & 1;
    }
  }
  c.fop = (FlagOp.LOGIC << 2) | sz;
  c.fres = r | 0;
  c.fa = r | 0;
  c.fb = 0;
  c.materializeFlags();
  c.eflags = (c.eflags & ~(Flag.CF | Flag.OF)) | cf | (of << 11);
  writeRmw(c, i, sz, r | 0);
  c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- bit instructions

/** BT/BTS/BTR/BTC with a register bit offset (0F A3/AB/B3/BB) or an immediate (0F BA /4../7). */
export function bitTest(c: Cpu, i: Insn): void {
  const sz = i.osz === 4 ? 2 : 1;
  const bits = SIZE_BITS[sz];
  const imm = i.opcode === 0x0fba;
  const op = imm ? i.reg - 4 : i.opcode === 0x0fa3 ? 0 : i.opcode === 0x0fab ? 1 : i.opcode === 0x0fb3 ? 2 : 3;
  let offset = imm ? i.imm & (bits - 1) : i.osz === 4 ? c.regs[i.reg] : (c.regs[i.reg] << 16) >> 16;
  let v: number;
  let lin = 0;
  if (i.mod === 3) {
    offset &= bits - 1;
    v = sz === 2 ? c.regs[i.rm] : c.regs[i.rm] & 0xffff;
  } else {
    // A register bit offset may address memory beyond the operand (SDM BT: bit string addressing).
    let ea = c.ea(i);
    if (!imm) {
      const words = Math.floor(offset / bits);
      ea = (ea + words * (bits >>> 3)) | 0;
      // The effective address is formed in the address size: with 16-bit addressing it wraps at 64 KiB (Bochs BT_EdGdM).
      if (i.asz === 2) ea &= 0xffff;
      offset -= words * bits;
    }
    lin = c.linear(i.seg, ea, bits >>> 3, op !== 0);
    v = sz === 2 ? c.readLin32(lin, op !== 0 ? 1 : 0) : c.readLin16(lin, op !== 0 ? 1 : 0);
  }
  const bit = (v >>> offset) & 1;
  c.materializeFlags();
  c.eflags = (c.eflags & ~Flag.CF) | bit;
  if (op !== 0) {
    const mask = 1 << offset;
    const r = op === 1 ? v | mask : op === 2 ? v & ~mask : v ^ mask;
    if (i.mod === 3) {
      if (sz === 2) c.regs[i.rm] = r;
      else c.setReg16(i.rm, r);
    } else if (sz === 2) c.writeLin32(lin, r);
    else c.writeLin16(lin, r);
  }
  c.eip = (c.eip + i.len) | 0;
}

/** BSF / BSR (0F BC / BD): ZF = 1 and destination unchanged when the source is 0. */
export function bitScan(c: Cpu, i: Insn): void {
  const v = i.osz === 4 ? c.readE32(i) : c.readE16(i);
  c.materializeFlags();
  if (v === 0) {
    c.eflags |= Flag.ZF;
  } else {
    const r = i.opcode === 0x0fbc ? 31 - Math.clz32(v & -v) : 31 - Math.clz32(v);
    // ZF = 0; CF, OF, SF, AF and PF are undefined: this core sets them as a logical operation on the index
    // would (CF = OF = AF = SF = 0, PF from the index), as Bochs does (BSF_GdEdR, BSR_GdEdR).
    c.eflags = (c.eflags & ~(Flag.CF | Flag.PF | Flag.AF | Flag.ZF | Flag.SF | Flag.OF)) | (PARITY_EVEN[r] << 2);
    c.setRegV(i.reg, i.osz, r);
  }
  c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- SETcc, CMOVcc

export function setcc(c: Cpu, i: Insn): void {
  c.writeE8(i, c.cond(i.cc) ? 1 : 0);
  c.eip = (c.eip + i.len) | 0;
}

/** CMOVcc: the source is read (and may fault) even when the condition is false (SDM CMOVcc). */
export function cmovcc(c: Cpu, i: Insn): void {
  const v = i.osz === 4 ? c.readE32(i) : c.readE16(i);
  if (c.cond(i.cc)) c.setRegV(i.reg, i.osz, v);
  c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- XADD, CMPXCHG, CMPXCHG8B

export function xadd(c: Cpu, i: Insn): void {
  const sz = i.opcode === 0x0fc0 ? 0 : i.osz === 4 ? 2 : 1;
  const d = readRmw(c, i, sz);
  const s = sz === 0 ? c.getReg8(i.reg) : sz === 1 ? c.regs[i.reg] & 0xffff : c.regs[i.reg];
  const r = alu(c, 0, d, s, sz);
  if (sz === 0) c.setReg8(i.reg, d);
  else if (sz === 1) c.setReg16(i.reg, d);
  else c.regs[i.reg] = d;
  writeRmw(c, i, sz, r);
  c.eip = (c.eip + i.len) | 0;
}

export function cmpxchg(c: Cpu, i: Insn): void {
  const sz = i.opcode === 0x0fb0 ? 0 : i.osz === 4 ? 2 : 1;
  const m = SIZE_MASK[sz];
  const d = readRmw(c, i, sz);
  const acc = c.regs[0] & m;
  alu(c, 7, acc, d & m, sz);
  if ((acc >>> 0) === ((d & m) >>> 0)) {
    const s = sz === 0 ? c.getReg8(i.reg) : sz === 1 ? c.regs[i.reg] & 0xffff : c.regs[i.reg];
    writeRmw(c, i, sz, s);
  } else {
    writeRmw(c, i, sz, d); // the destination is always written back (SDM CMPXCHG)
    if (sz === 0) c.setReg8(0, d);
    else if (sz === 1) c.setReg16(0, d);
    else c.regs[0] = d;
  }
  c.eip = (c.eip + i.len) | 0;
}

export function cmpxchg8b(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  const lin = c.linear(i.seg, c.ea(i), 8, true);
  const lo = c.readLin32(lin, 1);
  const hi = c.readLin32((lin + 4) | 0, 1);
  c.materializeFlags();
  if (lo === c.regs[0] && hi === c.regs[2]) {
    c.writeLin32(lin, c.regs[3]);
    c.writeLin32((lin + 4) | 0, c.regs[1]);
    c.eflags |= Flag.ZF;
  } else {
    c.writeLin32(lin, lo);
    c.writeLin32((lin + 4) | 0, hi);
    c.regs[0] = lo;
    c.regs[2] = hi;
    c.eflags &= ~Flag.ZF;
  }
  c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- conversions, decimal

export function cbwCwde(c: Cpu, i: Insn): void {
  if (i.osz === 4) c.regs[0] = (c.regs[0] << 16) >> 16;
  else c.setReg16(0, (c.regs[0] << 24) >> 24);
  c.eip = (c.eip + i.len) | 0;
}
export function cwdCdq(c: Cpu, i: Insn): void {
  if (i.osz === 4) c.regs[2] = c.regs[0] >> 31;
  else c.setReg16(2, (c.regs[0] << 16) >> 31);
  c.eip = (c.eip + i.len) | 0;
}

function setSzp(c: Cpu, v: number): void {
  c.fop = (FlagOp.LOGIC << 2) | 0;
  c.fres = v;
  c.fa = v;
  c.fb = 0;
  c.materializeFlags();
}

/** DAA, DAS, AAA, AAS, AAM, AAD, SALC (SDM Vol. 2 pseudocode). */
export function decimal(c: Cpu, i: Insn): void {
  c.materializeFlags();
  const al = c.regs[0] & 0xff;
  const cf = c.eflags & 1;
  const af = (c.eflags >> 4) & 1;
  switch (i.opcode) {
    case 0x27: { // DAA
      let a = al;
      let ncf = 0;
      let naf = 0;
      if ((al & 0xf) > 9 || af) {
        a = (a + 6) & 0xff;
        naf = 1;
        ncf = cf | (al > 0xf9 ? 1 : 0);
      }
      if (al > 0x99 || cf) {
        a = (a + 0x60) & 0xff;
        ncf = 1;
      }
      c.setReg8(0, a);
      setSzp(c, a);
      c.eflags = (c.eflags & ~(Flag.CF | Flag.AF | Flag.OF)) | ncf | (naf << 4);
      break;
    }
    case 0x2f: { // DAS
      let a = al;
      let ncf = 0;
      let naf = 0;
      if ((al & 0xf) > 9 || af) {
        a = (a - 6) & 0xff;
        naf = 1;
        ncf = cf | (al < 6 ? 1 : 0);
      }
      if (al > 0x99 || cf) {
        a = (a - 0x60) & 0xff;
        ncf = 1;
      }
      c.setReg8(0, a);
      setSzp(c, a);
      c.eflags = (c.eflags & ~(Flag.CF | Flag.AF | Flag.OF)) | ncf | (naf << 4);
      break;
    }
    case 0x37: // AAA
    case 0x3f: { // AAS
      if ((al & 0xf) > 9 || af) {
        const ax = c.regs[0] & 0xffff;
        // AAA: AX := AX + 106H. AAS: AX := AX – 6 (a 16-bit subtraction, so a borrow out of AL reaches AH),
        // then AH := AH – 1 (current SDM pseudocode; the 8086/80386 manuals subtracted 6 from AL alone).
        let nax: number;
        if (i.opcode === 0x37) nax = (ax + 0x106) & 0xffff;
        else {
          const t = (ax - 6) & 0xffff;
          nax = (t & 0xff) | ((((t >> 8) - 1) & 0xff) << 8);
        }
        c.setReg16(0, nax & 0xff0f);
      } else c.setReg8(0, al & 0xf);
      // OF, SF, ZF and PF are undefined (SDM Vol. 2 AAA/AAS); set as Bochs sets them ("seems to match the P6 and its
      // derived processors", bcd.cc: SET_FLAGS_OSZAPC_LOGIC_8(AL) of the final AL), then AF = CF = the adjustment.
      setSzp(c, c.regs[0] & 0xff);
      if ((al & 0xf) > 9 || af) c.eflags |= Flag.AF | Flag.CF;
      else c.eflags &= ~(Flag.AF | Flag.CF);
      break;
    }
    case 0xd4: { // AAM imm8
      const base = i.imm & 0xff;
      if (base === 0) c.raise(Vec.DE);
      const q = Math.floor(al / base);
      const r = al % base;
      c.setReg16(0, (q << 8) | r);
      setSzp(c, r);
      break;
    }
    case 0xd5: { // AAD imm8
      const base = i.imm & 0xff;
      const r = (al + ((c.regs[0] >> 8) & 0xff) * base) & 0xff;
      c.setReg16(0, r);
      setSzp(c, r);
      break;
    }
    default: // D6 SALC (undocumented, Intel): AL = CF ? FF : 00
      c.setReg8(0, cf ? 0xff : 0);
      break;
  }
  c.eip = (c.eip + i.len) | 0;
}

// ---------------------------------------------------------------------------------------- flag instructions

export function flagOp(c: Cpu, i: Insn): void {
  c.materializeFlags();
  switch (i.opcode) {
    case 0xf5: c.eflags ^= Flag.CF; break; // CMC
    case 0xf8: c.eflags &= ~Flag.CF; break; // CLC
    case 0xf9: c.eflags |= Flag.CF; break; // STC
    case 0xfc: c.eflags &= ~Flag.DF; break; // CLD
    case 0xfd: c.eflags |= Flag.DF; break; // STD
    case 0x9e: // SAHF: SF ZF AF PF CF from AH
      c.eflags = (c.eflags & ~0xd5) | ((c.regs[0] >> 8) & 0xd5);
      break;
    default: // 0x9F LAHF
      c.setReg8(4, (c.eflags & 0xd5) | 2);
      break;
  }
  c.eip = (c.eip + i.len) | 0;
}

export { lazyOF };
