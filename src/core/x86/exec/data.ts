/**
 * Data movement: MOV, MOVZX/MOVSX, LEA, XCHG, PUSH/POP, PUSHA/POPA, segment-register moves, far-pointer
 * loads, BSWAP, XLAT (SDM Vol. 2 instruction pages).
 */
import type { Cpu } from '../cpu.ts';
import { Ar, Flag, Seg } from '../arch.ts';
import type { Insn } from '../insn.ts';
import { loadSegment } from '../segments.ts';
import { exitIfDescriptorTableAccess } from '../../vmx/nonroot.ts';

const next = (c: Cpu, i: Insn): void => {
  c.eip = (c.eip + i.len) | 0;
};

// ---------------------------------------------------------------------------------------- MOV
export function movEbGb(c: Cpu, i: Insn): void {
  c.writeE8(i, c.getReg8(i.reg));
  next(c, i);
}
export function movEvGv32(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.regs[i.rm] = c.regs[i.reg];
  else c.write32(i.seg, c.ea(i), c.regs[i.reg]);
  c.eip = (c.eip + i.len) | 0;
}
export function movEvGv16(c: Cpu, i: Insn): void {
  c.writeE16(i, c.regs[i.reg]);
  next(c, i);
}
export function movGbEb(c: Cpu, i: Insn): void {
  c.setReg8(i.reg, c.readE8(i));
  next(c, i);
}
export function movGvEv32(c: Cpu, i: Insn): void {
  c.regs[i.reg] = i.mod === 3 ? c.regs[i.rm] : c.read32(i.seg, c.ea(i));
  c.eip = (c.eip + i.len) | 0;
}
export function movGvEv16(c: Cpu, i: Insn): void {
  c.setReg16(i.reg, c.readE16(i));
  next(c, i);
}
/** B0+r ib. */
export function movZbIb(c: Cpu, i: Insn): void {
  c.setReg8(i.rm, i.imm);
  next(c, i);
}
/** B8+r id/iw. */
export function movZvIv32(c: Cpu, i: Insn): void {
  c.regs[i.rm] = i.imm;
  c.eip = (c.eip + i.len) | 0;
}
export function movZvIv16(c: Cpu, i: Insn): void {
  c.setReg16(i.rm, i.imm);
  next(c, i);
}
/** C6 /0 ib, C7 /0 iz. */
export function movEbIb(c: Cpu, i: Insn): void {
  c.writeE8(i, i.imm);
  next(c, i);
}
export function movEvIz(c: Cpu, i: Insn): void {
  c.writeEv(i, i.imm);
  next(c, i);
}
/** A0–A3: MOV AL/eAX <-> moffs. The offset is in `disp`, the segment in `seg`. */
export function movMoffs(c: Cpu, i: Insn): void {
  const off = i.disp;
  switch (i.opcode) {
    case 0xa0: c.setReg8(0, c.read8(i.seg, off)); break;
    case 0xa1: c.setRegV(0, i.osz, i.osz === 4 ? c.read32(i.seg, off) : c.read16(i.seg, off)); break;
    case 0xa2: c.write8(i.seg, off, c.regs[0]); break;
    default:
      if (i.osz === 4) c.write32(i.seg, off, c.regs[0]);
      else c.write16(i.seg, off, c.regs[0]);
  }
  next(c, i);
}

/** 8C: MOV r/m, Sreg. A register destination with 32-bit operand size gets the selector zero-extended. */
export function movEwSw(c: Cpu, i: Insn): void {
  if (i.reg > 5) c.ud();
  const sel = c.segSel[i.reg];
  if (i.mod === 3) c.setRegV(i.rm, i.osz, sel);
  else c.write16(i.seg, c.ea(i), sel);
  next(c, i);
}

/** 8E: MOV Sreg, r/m. Loading CS this way is #UD; loading SS blocks interrupts for one instruction. */
export function movSwEw(c: Cpu, i: Insn): void {
  if (i.reg === Seg.CS || i.reg > 5) c.ud();
  const sel = c.readE16(i);
  loadSegment(c, i.reg, sel);
  if (i.reg === Seg.SS) {
    c.intShadow = 2; // blocking by MOV SS (SDM Vol. 3A §6.8.3)
    c.stop = 1;
  }
  next(c, i);
}

export function movzx(c: Cpu, i: Insn): void {
  const v = i.opcode === 0x0fb6 ? c.readE8(i) : c.readE16(i);
  c.setRegV(i.reg, i.osz, v);
  next(c, i);
}
export function movsx(c: Cpu, i: Insn): void {
  const v = i.opcode === 0x0fbe ? (c.readE8(i) << 24) >> 24 : (c.readE16(i) << 16) >> 16;
  c.setRegV(i.reg, i.osz, v);
  next(c, i);
}

/** LEA: the effective address, no memory access; a register operand is #UD. */
export function lea(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  c.setRegV(i.reg, i.osz, c.ea(i));
  next(c, i);
}

// ---------------------------------------------------------------------------------------- XCHG, BSWAP, XLAT
export function xchgEbGb(c: Cpu, i: Insn): void {
  if (i.mod === 3) {
    const a = c.getReg8(i.rm);
    c.setReg8(i.rm, c.getReg8(i.reg));
    c.setReg8(i.reg, a);
  } else {
    const lin = c.linear(i.seg, c.ea(i), 1, true);
    const a = c.readLin8(lin, 1);
    c.writeLin8(lin, c.getReg8(i.reg));
    c.setReg8(i.reg, a);
  }
  next(c, i);
}
export function xchgEvGv(c: Cpu, i: Insn): void {
  if (i.mod === 3) {
    const a = c.getRegV(i.rm, i.osz);
    c.setRegV(i.rm, i.osz, c.getRegV(i.reg, i.osz));
    c.setRegV(i.reg, i.osz, a);
  } else if (i.osz === 4) {
    const lin = c.linear(i.seg, c.ea(i), 4, true);
    const a = c.readLin32(lin, 1);
    c.writeLin32(lin, c.regs[i.reg]);
    c.regs[i.reg] = a;
  } else {
    const lin = c.linear(i.seg, c.ea(i), 2, true);
    const a = c.readLin16(lin, 1);
    c.writeLin16(lin, c.regs[i.reg]);
    c.setReg16(i.reg, a);
  }
  next(c, i);
}
/** 90+r: XCHG eAX, r (90 itself is NOP, or PAUSE with F3, handled elsewhere). */
export function xchgAccReg(c: Cpu, i: Insn): void {
  const a = c.getRegV(0, i.osz);
  c.setRegV(0, i.osz, c.getRegV(i.rm, i.osz));
  c.setRegV(i.rm, i.osz, a);
  next(c, i);
}
export function bswap(c: Cpu, i: Insn): void {
  const v = c.regs[i.rm];
  // With a 16-bit operand the result is undefined (SDM Vol. 2 BSWAP); processors and Bochs (bit.cc BSWAP_RX)
  // clear the 16-bit register and keep the upper half.
  if (i.osz === 2) c.setReg16(i.rm, 0);
  else c.regs[i.rm] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff);
  next(c, i);
}
export function xlat(c: Cpu, i: Insn): void {
  const base = i.asz === 4 ? c.regs[3] : c.regs[3] & 0xffff;
  const off = i.asz === 4 ? (base + (c.regs[0] & 0xff)) | 0 : (base + (c.regs[0] & 0xff)) & 0xffff;
  c.setReg8(0, c.read8(i.seg, off));
  next(c, i);
}

// ---------------------------------------------------------------------------------------- stack
export function pushReg32(c: Cpu, i: Insn): void {
  c.push32(c.regs[i.rm]);
  c.eip = (c.eip + i.len) | 0;
}
export function pushReg16(c: Cpu, i: Insn): void {
  c.push16(c.regs[i.rm]);
  next(c, i);
}
export function popReg32(c: Cpu, i: Insn): void {
  const v = c.pop32();
  c.regs[i.rm] = v;
  c.eip = (c.eip + i.len) | 0;
}
export function popReg16(c: Cpu, i: Insn): void {
  const v = c.pop16();
  c.setReg16(i.rm, v);
  next(c, i);
}
export function pushImm(c: Cpu, i: Insn): void {
  c.pushV(i.imm, i.osz);
  next(c, i);
}
/** FF /6. */
export function pushEv(c: Cpu, i: Insn): void {
  const v = i.osz === 4 ? c.readE32(i) : c.readE16(i);
  c.pushV(v, i.osz);
  next(c, i);
}
/** 8F /0: the destination address is computed after ESP is incremented (SDM POP). */
export function popEv(c: Cpu, i: Insn): void {
  if (i.reg !== 0) c.ud();
  const v = i.osz === 4 ? c.peek32(0) : c.peek16(0);
  if (i.mod === 3) {
    c.adjustSp(i.osz);
    c.setRegV(i.rm, i.osz, v);
  } else {
    const oldSp = c.regs[4];
    c.adjustSp(i.osz);
    try {
      c.writeEv(i, v);
    } catch (e) {
      c.restoreEspAfterAbort(oldSp);
      throw e;
    }
  }
  next(c, i);
}
/** PUSH Sreg (06 0E 16 1E 0F A0 0F A8). With 32-bit operand size a doubleword is pushed (selector in the low word). */
export function pushSreg(c: Cpu, i: Insn): void {
  const sel = c.segSel[i.cc];
  if (i.osz === 4) {
    // Intel processors write only the low 16 bits of the slot (SDM PUSH); the stack pointer moves by 4.
    const spNew = c.stackSize === 4 ? (c.regs[4] - 4) | 0 : (c.regs[4] - 4) & 0xffff;
    c.write16(Seg.SS, spNew, sel);
    if (c.stackSize === 4) c.regs[4] = spNew;
    else c.setReg16(4, spNew);
  } else c.push16(sel);
  next(c, i);
}
/** POP Sreg (07 17 1F 0F A1 0F A9). POP SS blocks interrupts for one instruction. */
export function popSreg(c: Cpu, i: Insn): void {
  const sel = i.osz === 4 ? c.peek32(0) & 0xffff : c.peek16(0);
  loadSegment(c, i.cc, sel);
  c.adjustSp(i.osz);
  if (i.cc === Seg.SS) {
    c.intShadow = 2;
    c.stop = 1;
  }
  next(c, i);
}
/**
 * PUSHA/PUSHAD and POPA/POPAD. Both are restartable after a fault part-way (a #PF or #SS on the fifth
 * slot): the stack pointer and the registers are committed only when every access has succeeded
 * (SDM Vol. 3A §6.6: a fault leaves the state as it was before the faulting instruction).
 */
export function pusha(c: Cpu, i: Insn): void {
  const sp = c.regs[4];
  try {
    for (let r = 0; r < 8; r++) c.pushV(r === 4 ? sp : c.regs[r], i.osz);
  } catch (e) {
    c.restoreEspAfterAbort(sp);
    throw e;
  }
  next(c, i);
}
const POPA_TMP = new Int32Array(8);
export function popa(c: Cpu, i: Insn): void {
  const osz = i.osz;
  // Slot k (from the top of the stack) holds EDI, ESI, EBP, (ESP), EBX, EDX, ECX, EAX.
  for (let k = 0; k < 8; k++) POPA_TMP[7 - k] = osz === 4 ? c.peek32(k * 4) : c.peek16(k * 2);
  for (let r = 7; r >= 0; r--) if (r !== 4) c.setRegV(r, osz, POPA_TMP[r]);
  c.adjustSp(osz * 8);
  next(c, i);
}
/** ENTER imm16, imm8 (SDM ENTER pseudocode). A fault part-way leaves ESP and EBP as they were. */
export function enter(c: Cpu, i: Insn): void {
  const size = i.imm & 0xffff;
  const level = i.imm2 & 0x1f;
  const osz = i.osz;
  const big = c.stackSize === 4;
  const oldEsp = c.regs[4];
  try {
    c.pushV(osz === 4 ? c.regs[5] : c.regs[5] & 0xffff, osz);
    const frameTemp = big ? c.regs[4] : c.regs[4] & 0xffff;
    if (level > 0) {
      let bp = big ? c.regs[5] : c.regs[5] & 0xffff;
      for (let k = 1; k < level; k++) {
        bp = big ? (bp - osz) | 0 : (bp - osz) & 0xffff;
        c.pushV(osz === 4 ? c.read32(Seg.SS, bp) : c.read16(Seg.SS, bp), osz);
      }
      c.pushV(frameTemp, osz);
    }
    // The final ESP must lie within the stack segment (SDM ENTER: #SS(0) "if the new value of the SP or ESP
    // register is outside the stack segment limit"); with a flat stack every value is inside.
    const newSp = big ? (c.regs[4] - size) | 0 : (c.regs[4] - size) & 0xffff;
    if (size !== 0) c.linear(Seg.SS, newSp, 1, true);
    c.setRegV(5, osz, frameTemp);
    if (big) c.regs[4] = newSp;
    else c.setReg16(4, newSp);
  } catch (e) {
    c.restoreEspAfterAbort(oldEsp);
    throw e;
  }
  next(c, i);
}
/** LEAVE: ESP = EBP, then POP EBP — the pop is read before ESP changes, so a fault leaves ESP alone. */
export function leave(c: Cpu, i: Insn): void {
  const big = c.stackSize === 4;
  const sp = big ? c.regs[5] : c.regs[5] & 0xffff;
  const v = i.osz === 4 ? c.read32(Seg.SS, sp) : c.read16(Seg.SS, sp);
  if (big) c.regs[4] = (sp + i.osz) | 0;
  else c.setReg16(4, sp + i.osz);
  c.setRegV(5, i.osz, v);
  next(c, i);
}

/** LDS/LES/LFS/LGS/LSS r, m16:16/32: the offset and a selector loaded with full checks. */
export function loadFarPointer(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  const ea = c.ea(i);
  const off = i.osz === 4 ? c.read32(i.seg, ea) : c.read16(i.seg, ea);
  const sel = c.read16(i.seg, (ea + i.osz) | 0);
  loadSegment(c, i.cc, sel);
  c.setRegV(i.reg, i.osz, off);
  // No interrupt shadow after LSS: only MOV SS and POP SS block interrupts and debug traps for one instruction
  // (SDM Vol. 3A §6.8.3; the LSS page says nothing of it, and Bochs inhibits only in MOV_SwEw and POP SS).
  next(c, i);
}

// ---------------------------------------------------------------------------------------- descriptor-table stores
// SGDT/SIDT/SLDT/STR execute at any CPL: they are sensitive but unprivileged (Robin & Irvine 2000), which
// is why software VMMs could not hide their own GDT/IDT from a deprivileged guest. In VMX non-root
// operation they exit only when "descriptor-table exiting" is 1 (SDM Vol. 3C §25.1.3).

/**
 * SGDT / SIDT m: the 16-bit limit, then the 32-bit base. "If the operand-size attribute is 16 or 32 bits, the
 * 16-bit limit field of the register is stored in the low 2 bytes of the memory location and the 32-bit base
 * address is stored in the high 4 bytes" (SDM Vol. 2 SGDT/SIDT, current text; the 80386 manual stored 24 bits).
 */
export function storeDescriptorTable(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  if (exitIfDescriptorTableAccess(c, i)) return;
  const ea = c.ea(i);
  const isIdt = i.reg === 1;
  const base = isIdt ? c.idtrBase : c.gdtrBase;
  const limit = isIdt ? c.idtrLimit : c.gdtrLimit;
  c.write16(i.seg, ea, limit);
  c.write32(i.seg, (ea + 2) | 0, base);
  next(c, i);
}

/** SLDT / STR r/m16 (a register destination with 32-bit operand size is zero-extended). */
export function storeSystemSelector(c: Cpu, i: Insn): void {
  if ((c.cr0 & 1) === 0 || (c.eflags & Flag.VM) !== 0) c.ud(); // not recognised in real-address or virtual-8086 mode
  if (exitIfDescriptorTableAccess(c, i)) return;
  const sel = i.reg === 0 ? c.segSel[Seg.LDTR] : c.segSel[Seg.TR];
  if (i.mod === 3) c.setRegV(i.rm, i.osz, sel);
  else c.write16(i.seg, c.ea(i), sel);
  next(c, i);
}

/** SMSW r/m: the low word of CR0 (in non-root operation, with the CR0 read shadow applied). */
export function smsw(c: Cpu, i: Insn): void {
  let cr0 = c.cr0;
  if (c.vmx.nonRoot) cr0 = (cr0 & ~c.vmx.cr0Mask) | (c.vmx.cr0Shadow & c.vmx.cr0Mask);
  if (i.mod === 3) c.setRegV(i.rm, i.osz, i.osz === 4 ? cr0 : cr0 & 0xffff);
  else c.write16(i.seg, c.ea(i), cr0);
  next(c, i);
}

export const SEG_AR_UNUSABLE = Ar.UNUSABLE;
