/**
 * The VMM side of the callouts: each sensitive guest-kernel instruction, emulated against the virtual CPU
 * with the semantics the instruction has natively at the guest's *virtual* CPL (SDM Vol. 2, each
 * instruction's "Operation" for protected mode). Unlike trap-and-emulate, the VMM sees every one of them —
 * the sensitive unprivileged ones of Robin & Irvine included — so PUSHF shows the virtual IF, SGDT the
 * guest's own GDTR, PUSH CS RPL 0, LAR the guest's own descriptor, POPF really changes the virtual IF.
 *
 * The privileged ones (CLI/STI, I/O, LGDT…, MOV CR/DR, INVLPG, RDMSR/WRMSR…) reuse the trap-and-emulate
 * VMM's emulation (../deprivileged/emulate.ts) after the same privilege check the processor would make at
 * the virtual CPL. Memory is reached through the guest's page tables (GuestAccess); a failure is a guest
 * fault (GUEST_FAULT) that the caller reflects with EIP still at the instruction, so a callout commits
 * nothing before its last check. As in emulate.ts, segment-limit checks on memory operands are not repeated
 * (every segment of the programs VT Lab ships is flat).
 */
import { Ar, EventType, Flag, Seg, Vec } from '../../x86/arch.ts';
import type { Insn } from '../../x86/insn.ts';
import { descDpl, descLimit, isCode, isData, isPresent } from '../../x86/segments.ts';
import { EmulatedInsn as E } from '../deprivileged/emulated.ts';
import { classify, emulate } from '../deprivileged/emulate.ts';
import { guestDescriptor, loadNullReal, loadRealSegment, type Desc } from '../deprivileged/descriptors.ts';
import { VmmStop, guestFault } from '../deprivileged/guest-access.ts';
import { realRing, reflect } from '../deprivileged/reflect.ts';
import type { VmmCore } from '../deprivileged/core.ts';
import { BtCallout as B } from './kinds.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

/** What the callouts need from the binary-translating VMM. */
export interface BtCore extends VmmCore {
  /** The guest's CPL while the processor runs at CPL 1: 0 (its kernel) or 1 (its ring 1). */
  kernelRing: number;
}

const d: Desc = { lo: 0, hi: 0 };
const ds: Desc = { lo: 0, hi: 0 };

const next = (vmm: BtCore, i: Insn): void => {
  vmm.cpu.eip = (vmm.cpu.eip + i.len) | 0;
};
const linear = (vmm: BtCore, i: Insn): number => (vmm.cpu.segBase[i.seg] + vmm.cpu.ea(i)) | 0;
const stackLin = (vmm: BtCore, off: number): number => (vmm.cpu.segBase[Seg.SS] + vmm.cpu.regs[4] + off) | 0;
function peek(vmm: BtCore, off: number, size: number): number {
  const lin = stackLin(vmm, off);
  return size === 4 ? vmm.g.read32(lin) : vmm.g.read16(lin);
}
/** Pushes `values` (in order) with operand size `osz`, translating every slot before writing any. */
function pushAll(vmm: BtCore, osz: number, a: number, b?: number): void {
  const n = b === undefined ? 1 : 2;
  const top = stackLin(vmm, -n * osz);
  vmm.g.translate(top, true, false);
  vmm.g.translate((top + n * osz - 1) | 0, true, false);
  const w = (lin: number, v: number): void => (osz === 4 ? vmm.g.write32(lin, v) : vmm.g.write16(lin, v));
  w(stackLin(vmm, -osz), a);
  if (b !== undefined) w(stackLin(vmm, -2 * osz), b);
  vmm.cpu.regs[4] = (vmm.cpu.regs[4] - n * osz) | 0;
}

/** The privileged and IOPL-sensitive instructions that trap-and-emulate already emulates. */
const PRIVILEGED: Partial<Record<B, E>> = {
  [B.CLI]: E.CLI, [B.STI]: E.STI, [B.HLT]: E.HLT, [B.IN]: E.IN, [B.OUT]: E.OUT, [B.INS]: E.INS, [B.OUTS]: E.OUTS,
  [B.LGDT]: E.LGDT, [B.LIDT]: E.LIDT, [B.LLDT]: E.LLDT, [B.LTR]: E.LTR, [B.LMSW]: E.LMSW, [B.CLTS]: E.CLTS,
  [B.MOV_FROM_CR]: E.MOV_FROM_CR, [B.MOV_TO_CR]: E.MOV_TO_CR, [B.MOV_DR]: E.MOV_DR, [B.INVLPG]: E.INVLPG,
  [B.RDMSR]: E.RDMSR, [B.WRMSR]: E.WRMSR, [B.WBINVD]: E.WBINVD, [B.INVD]: E.INVD,
};

/**
 * Performs callout `id` for instruction `i` at CS:EIP. Returns the vector reflected into the guest (INT n and
 * friends), or −1. Throws GUEST_FAULT for a fault the guest must see (nothing committed), VmmStop for what is
 * not emulated.
 */
export function performCallout(vmm: BtCore, i: Insn, id: B): number {
  const c = vmm.cpu;
  const v = vmm.v;
  const vcpl = vmm.vcpl();
  const priv = PRIVILEGED[id];
  if (priv !== undefined) {
    // The check the processor makes at the guest's CPL (classify answers it for the virtual CPL and IOPL);
    // refused, the instruction faults natively with #GP(0) (SDM Vol. 2, each instruction's exceptions).
    if (classify(vmm, i, 0) !== priv) guestFault(Vec.GP, 0);
    return emulate(vmm, i, priv);
  }
  switch (id) {
    case B.PUSHF: {
      // SDM PUSHF: the image has VM and RF cleared; here with the virtual IF and IOPL.
      const f = vmm.virtualEflags() & ~(Flag.VM | Flag.RF);
      pushAll(vmm, i.osz, i.osz === 4 ? f : f & 0xffff);
      break;
    }
    case B.POPF: {
      // SDM POPF: IOPL changes only at CPL 0, IF only when CPL ≤ IOPL — judged at the virtual CPL and IOPL.
      const val = peek(vmm, 0, i.osz);
      let mask = 0x4dd5 | Flag.TF | Flag.DF; // CF PF AF ZF SF OF NT TF DF
      if (i.osz === 4) mask |= Flag.AC | Flag.ID | Flag.RF;
      c.regs[4] = (c.regs[4] + i.osz) | 0;
      if (vcpl <= v.iopl) v.vif = (val & Flag.IF) !== 0;
      if (vcpl === 0) v.iopl = (val >>> 12) & 3;
      c.setEflags(val & ~Flag.RF, mask);
      break;
    }
    case B.SGDT:
    case B.SIDT: {
      const lin = linear(vmm, i);
      vmm.g.translate((lin + 5) | 0, true, false);
      vmm.g.write16(lin, id === B.SGDT ? v.gdtrLimit : v.idtrLimit);
      vmm.g.write32((lin + 2) | 0, id === B.SGDT ? v.gdtrBase : v.idtrBase);
      break;
    }
    case B.SLDT:
    case B.STR: {
      const sel = id === B.SLDT ? v.ldtr.sel : v.tr.sel;
      if (i.mod === 3) c.setRegV(i.rm, i.osz, sel);
      else vmm.g.write16(linear(vmm, i), sel);
      break;
    }
    case B.SMSW: {
      const cr0 = v.cr0;
      if (i.mod === 3) c.setRegV(i.rm, i.osz, i.osz === 4 ? cr0 : cr0 & 0xffff);
      else vmm.g.write16(linear(vmm, i), cr0);
      break;
    }
    case B.CPUID: {
      // The VMM runs CPUID for the guest and hides nothing: the processor's own leaves, as natively.
      const r = c.model.cpuid(c.regs[0] >>> 0, c.regs[1] >>> 0);
      c.regs[0] = r[0];
      c.regs[3] = r[1];
      c.regs[1] = r[2];
      c.regs[2] = r[3];
      break;
    }
    case B.LAR:
    case B.LSL:
      larLsl(vmm, i, id === B.LSL, vcpl);
      break;
    case B.VERR:
    case B.VERW:
      verrVerw(vmm, i, id === B.VERW, vcpl);
      break;
    case B.PUSH_SREG: {
      // SDM PUSH: a 32-bit push of a segment register writes its low 16 bits (as the core does natively).
      const sel = vmm.virtualSelector(c.segSel[i.opcode === 0x0e ? Seg.CS : Seg.SS]);
      const lin = stackLin(vmm, -i.osz);
      vmm.g.translate((lin + i.osz - 1) | 0, true, false);
      vmm.g.write16(lin, sel);
      c.regs[4] = (c.regs[4] - i.osz) | 0;
      break;
    }
    case B.MOV_FROM_SREG: {
      const sel = vmm.virtualSelector(c.segSel[i.reg]);
      if (i.mod === 3) c.setRegV(i.rm, i.osz, sel);
      else vmm.g.write16(linear(vmm, i), sel);
      break;
    }
    case B.LOAD_SREG:
      loadSreg(vmm, i, vcpl);
      return -1;
    case B.FAR_CALL:
    case B.FAR_JMP:
      farCallJmp(vmm, i, id === B.FAR_CALL, vcpl);
      return -1;
    case B.FAR_RET:
    case B.IRET:
      farReturn(vmm, i, id === B.IRET, vcpl);
      return -1;
    case B.INT:
    case B.INT3:
    case B.INTO: {
      if (id === B.INTO && (c.getEflags() & Flag.OF) === 0) break; // INTO without OF does nothing
      const vector = id === B.INT ? i.imm & 0xff : id === B.INT3 ? Vec.BP : Vec.OF;
      const type = id === B.INT ? EventType.SOFTWARE_INTERRUPT : EventType.SOFTWARE_EXCEPTION;
      return reflect(vmm, vector, type, -1, (c.eip + i.len) | 0, c.eip);
    }
    case B.SYSENTER:
      emulate(vmm, i, E.SYSENTER);
      return -1;
    case B.SYSEXIT:
      if (vcpl !== 0) guestFault(Vec.GP, 0);
      emulate(vmm, i, E.SYSEXIT);
      return -1;
    default:
      throw new VmmStop(t('methods.btCallouts.noCalloutFor', { mnem: i.mnem }));
  }
  next(vmm, i);
  return -1;
}

/** The selector operand of LAR/LSL/VERR/VERW (r/m16). */
function selectorOperand(vmm: BtCore, i: Insn): number {
  return i.mod === 3 ? vmm.cpu.regs[i.rm] & 0xffff : vmm.g.read16(linear(vmm, i));
}

const LSL_TYPES = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 9) | (1 << 11);
const LAR_TYPES = LSL_TYPES | (1 << 4) | (1 << 5) | (1 << 12);

/** LAR / LSL against the guest's own descriptor and the virtual CPL (SDM Vol. 2 LAR, LSL). */
function larLsl(vmm: BtCore, i: Insn, lsl: boolean, vcpl: number): void {
  const c = vmm.cpu;
  const sel = selectorOperand(vmm, i);
  let ok = false;
  let value = 0;
  if ((sel & 0xfffc) !== 0 && guestDescriptor(vmm.g, sel, d)) {
    const t = (d.hi >>> 8) & 0xf;
    ok = (d.hi & 0x1000) !== 0 || (((lsl ? LSL_TYPES : LAR_TYPES) >> t) & 1) !== 0;
    const conformingCode = isCode(d.hi) && (d.hi & 0x400) !== 0;
    const dpl = descDpl(d.hi);
    if (ok && !conformingCode && (dpl < vcpl || dpl < (sel & 3))) ok = false;
    value = lsl ? descLimit(d.lo, d.hi) : d.hi & 0x00ffff00; // as the processor (x86/exec/system.ts LAR)
  }
  c.materializeFlags();
  c.eflags &= ~Flag.ZF;
  if (ok) {
    c.eflags |= Flag.ZF;
    c.setRegV(i.reg, i.osz, i.osz === 4 ? value : value & 0xffff);
  }
}

/** VERR / VERW against the guest's own descriptor and the virtual CPL (SDM Vol. 2 VERR/VERW). */
function verrVerw(vmm: BtCore, i: Insn, write: boolean, vcpl: number): void {
  const c = vmm.cpu;
  const sel = selectorOperand(vmm, i);
  let ok = false;
  if ((sel & 0xfffc) !== 0 && guestDescriptor(vmm.g, sel, d)) {
    ok = (d.hi & 0x1000) !== 0;
    if (ok) {
      const conformingCode = isCode(d.hi) && (d.hi & 0x400) !== 0;
      const dpl = descDpl(d.hi);
      if (!conformingCode && (dpl < vcpl || dpl < (sel & 3))) ok = false;
      if (!write) ok = ok && (isData(d.hi) || (d.hi & 0x200) !== 0);
      else ok = ok && isData(d.hi) && (d.hi & 0x200) !== 0;
    }
  }
  c.materializeFlags();
  c.eflags &= ~Flag.ZF;
  if (ok) c.eflags |= Flag.ZF;
}

/** Sets the accessed bit of a guest descriptor, as the processor does when it loads one (SDM Vol. 3A §3.4.5.1). */
function markGuestAccessed(vmm: BtCore, sel: number): void {
  if ((d.hi & 0x100) !== 0) return;
  const v = vmm.v;
  const base = (sel & 4) !== 0 ? v.ldtr.base : v.gdtrBase;
  vmm.g.write32((base + (sel & 0xfff8) + 4) | 0, d.hi | 0x100);
}

/**
 * Checks a data-segment load the way the processor does at the virtual CPL (SDM Vol. 2 MOV/POP "IF DS, ES,
 * FS, or GS is loaded" / "IF SS is loaded"; the same checks as x86/segments.ts `loadSegment`), against the
 * guest's own descriptor. Returns the selector the real processor loads (SS gets RPL 1 for the guest's ring
 * 0), or −1 for a null selector in DS/ES/FS/GS.
 */
function checkDataSegment(vmm: BtCore, seg: number, sel: number, vcpl: number): number {
  const err = sel & 0xfffc;
  if (seg === Seg.SS) {
    if (err === 0) guestFault(Vec.GP, 0);
    if (!guestDescriptor(vmm.g, sel, d)) guestFault(Vec.GP, err);
    if ((sel & 3) !== vcpl || !isData(d.hi) || (d.hi & 0x200) === 0 || descDpl(d.hi) !== vcpl) guestFault(Vec.GP, err);
    if (!isPresent(d.hi)) guestFault(Vec.SS, err);
    markGuestAccessed(vmm, sel);
    return ((sel & ~3) | realRing(vcpl)) & 0xffff;
  }
  if (err === 0) return -1;
  if (!guestDescriptor(vmm.g, sel, d)) guestFault(Vec.GP, err);
  const dpl = descDpl(d.hi);
  if ((d.hi & 0x1000) === 0) guestFault(Vec.GP, err);
  if (isCode(d.hi) && (d.hi & 0x200) === 0) guestFault(Vec.GP, err);
  const conformingCode = isCode(d.hi) && (d.hi & 0x400) !== 0;
  if (!conformingCode && ((sel & 3) > dpl || vcpl > dpl)) guestFault(Vec.GP, err);
  if (!isPresent(d.hi)) guestFault(Vec.NP, err);
  markGuestAccessed(vmm, sel);
  return sel & 0xffff;
}

function loadChecked(vmm: BtCore, seg: number, realSel: number, sel: number): void {
  if (realSel < 0) loadNullReal(vmm.cpu, seg, sel & 0xffff);
  else loadRealSegment(vmm.cpu, vmm.mem, seg, realSel);
}

/** MOV Sreg, POP Sreg, LDS/LES/LFS/LGS/LSS. */
function loadSreg(vmm: BtCore, i: Insn, vcpl: number): void {
  const c = vmm.cpu;
  const g = vmm.g;
  let seg: number;
  let sel: number;
  let pop = 0;
  let offset = 0;
  if (i.opcode === 0x8e) {
    seg = i.reg;
    if (seg === Seg.CS || seg > Seg.GS) guestFault(Vec.UD);
    sel = i.mod === 3 ? c.regs[i.rm] & 0xffff : g.read16(linear(vmm, i));
  } else if (i.opcode === 0x07 || i.opcode === 0x17 || i.opcode === 0x1f || i.opcode === 0x0fa1 || i.opcode === 0x0fa9) {
    seg = i.opcode === 0x07 ? Seg.ES : i.opcode === 0x17 ? Seg.SS : i.opcode === 0x1f ? Seg.DS : i.opcode === 0x0fa1 ? Seg.FS : Seg.GS;
    sel = peek(vmm, 0, i.osz) & 0xffff;
    pop = i.osz;
  } else {
    if (i.mod === 3) guestFault(Vec.UD);
    seg = i.opcode === 0xc4 ? Seg.ES : i.opcode === 0xc5 ? Seg.DS : i.opcode === 0x0fb2 ? Seg.SS : i.opcode === 0x0fb4 ? Seg.FS : Seg.GS;
    const lin = linear(vmm, i);
    offset = i.osz === 4 ? g.read32(lin) : g.read16(lin);
    sel = g.read16((lin + i.osz) | 0);
  }
  const realSel = checkDataSegment(vmm, seg, sel, vcpl);
  loadChecked(vmm, seg, realSel, sel);
  if (pop !== 0) c.regs[4] = (c.regs[4] + pop) | 0;
  if (i.opcode === 0xc4 || i.opcode === 0xc5 || i.opcode === 0x0fb2 || i.opcode === 0x0fb4 || i.opcode === 0x0fb5) c.setRegV(i.reg, i.osz, offset);
  next(vmm, i);
  // MOV SS / POP SS / LSS block interrupts for one instruction (SDM Vol. 3A §6.8.3).
  if (seg === Seg.SS) c.intShadow = 2;
}

/** Checks a code selector a far transfer goes to at the same privilege level (SDM Vol. 2 CALL/JMP). */
function checkCodeSameLevel(vmm: BtCore, sel: number, offset: number, vcpl: number): void {
  const err = sel & 0xfffc;
  if (err === 0) guestFault(Vec.GP, 0);
  if (!guestDescriptor(vmm.g, sel, d)) guestFault(Vec.GP, err);
  if ((d.hi & 0x1000) === 0) {
    const type = (d.hi >>> 8) & 0xf;
    if (type === 4 || type === 12 || type === 5 || type === 1 || type === 9) {
      throw new VmmStop(t('methods.btCallouts.checkCodeSameLevel'));
    }
    guestFault(Vec.GP, err);
  }
  if (!isCode(d.hi)) guestFault(Vec.GP, err);
  const dpl = descDpl(d.hi);
  if ((d.hi & 0x400) !== 0) {
    if (dpl > vcpl) guestFault(Vec.GP, err);
  } else if ((sel & 3) > vcpl || dpl !== vcpl) guestFault(Vec.GP, err);
  if (!isPresent(d.hi)) guestFault(Vec.NP, err);
  if (offset >>> 0 > descLimit(d.lo, d.hi) >>> 0) guestFault(Vec.GP, 0);
}

/** CALL FAR / JMP FAR to a code segment (ptr16:16/32 or m16:16/32). */
function farCallJmp(vmm: BtCore, i: Insn, call: boolean, vcpl: number): void {
  const c = vmm.cpu;
  let sel: number;
  let off: number;
  if (i.opcode === 0x9a || i.opcode === 0xea) {
    sel = i.imm2 & 0xffff;
    off = i.osz === 4 ? i.imm : i.imm & 0xffff;
  } else {
    if (i.mod === 3) guestFault(Vec.UD);
    const lin = linear(vmm, i);
    off = i.osz === 4 ? vmm.g.read32(lin) : vmm.g.read16(lin);
    sel = vmm.g.read16((lin + i.osz) | 0);
  }
  checkCodeSameLevel(vmm, sel, off, vcpl);
  if (call) {
    const ret = (c.eip + i.len) | 0;
    // The CS pushed is the guest's, with RPL = its CPL (SDM Vol. 2 CALL: "Push(CS); Push(EIP)").
    pushAll(vmm, i.osz, vmm.virtualSelector(c.segSel[Seg.CS]), i.osz === 4 ? ret : ret & 0xffff);
  }
  markGuestAccessed(vmm, sel);
  loadRealSegment(c, vmm.mem, Seg.CS, ((sel & ~3) | realRing(vcpl)) & 0xffff);
  c.eip = off;
}

/**
 * RETF and IRET in protected mode (SDM Vol. 2 RET "RETURN-TO-SAME-PRIVILEGE-LEVEL" / "RETURN-TO-OUTER-
 * PRIVILEGE-LEVEL", IRET "PROTECTED-MODE"), checked against the guest's descriptors and virtual CPL. A return
 * to the guest's ring 1 or 2 keeps the processor at its CPL 1 (or 2) and records the guest's ring; a return to
 * ring 3 leaves translated execution (user code runs directly).
 */
function farReturn(vmm: BtCore, i: Insn, iret: boolean, vcpl: number): void {
  const c = vmm.cpu;
  const v = vmm.v;
  const osz = i.osz;
  if (iret && (c.getEflags() & Flag.NT) !== 0) throw new VmmStop(t('methods.teEmulate.iretWithEflagsNtA'));
  const extra = !iret && i.opcode === 0xca ? i.imm & 0xffff : 0;
  const mask16 = osz === 4 ? -1 : 0xffff;
  const newEip = peek(vmm, 0, osz) & mask16;
  const newCs = peek(vmm, osz, osz) & 0xffff;
  const newFlags = iret ? peek(vmm, 2 * osz, osz) : 0;
  const frame = (iret ? 3 : 2) * osz;
  if (iret && osz === 4 && (newFlags & Flag.VM) !== 0) throw new VmmStop(t('methods.teEmulate.iretToVirtual8086Mode'));
  const rpl = newCs & 3;
  const err = newCs & 0xfffc;
  if (err === 0) guestFault(Vec.GP, 0);
  if (!guestDescriptor(vmm.g, newCs, d)) guestFault(Vec.GP, err);
  if (!isCode(d.hi) || rpl < vcpl) guestFault(Vec.GP, err);
  const dpl = descDpl(d.hi);
  if ((d.hi & 0x400) !== 0 ? dpl > rpl : dpl !== rpl) guestFault(Vec.GP, err);
  if (!isPresent(d.hi)) guestFault(Vec.NP, err);
  let newEsp = 0;
  let newSs = 0;
  let realSs = -1;
  if (rpl > vcpl) {
    newEsp = peek(vmm, frame + extra, osz);
    newSs = peek(vmm, frame + extra + osz, osz) & 0xffff;
    const serr = newSs & 0xfffc;
    if (serr === 0) guestFault(Vec.GP, 0);
    if (!guestDescriptor(vmm.g, newSs, ds)) guestFault(Vec.GP, serr);
    if ((newSs & 3) !== rpl || !isData(ds.hi) || (ds.hi & 0x200) === 0 || descDpl(ds.hi) !== rpl) guestFault(Vec.GP, serr);
    if (!isPresent(ds.hi)) guestFault(Vec.SS, serr);
    realSs = ((newSs & ~3) | realRing(rpl)) & 0xffff;
  }
  if (newEip >>> 0 > descLimit(d.lo, d.hi) >>> 0) guestFault(Vec.GP, 0);
  // Commit.
  if (iret) {
    let mask = 0x4dd5 | Flag.TF | Flag.DF; // CF PF AF ZF SF OF NT TF DF (RF, AC, ID too for 32 bits)
    if (osz === 4) mask |= Flag.RF | Flag.AC | Flag.ID;
    if (osz === 4 && vcpl === 0) mask |= Flag.VIF | Flag.VIP;
    if (vcpl <= v.iopl) v.vif = (newFlags & Flag.IF) !== 0;
    if (vcpl === 0) v.iopl = (newFlags >>> 12) & 3;
    c.setEflags(newFlags, mask);
    c.nmiBlocked = false; // IRET unblocks NMIs (SDM Vol. 3A §6.7.1)
  }
  loadRealSegment(c, vmm.mem, Seg.CS, ((newCs & ~3) | realRing(rpl)) & 0xffff);
  c.eip = newEip;
  if (rpl > vcpl) {
    loadRealSegment(c, vmm.mem, Seg.SS, realSs);
    c.regs[4] = (newEsp + extra) | 0;
    // Data segments the new CPL may not use are nulled (SDM Vol. 2 RET/IRET), judged by the guest's DPLs.
    for (const seg of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) {
      if ((c.segAr[seg] & Ar.UNUSABLE) !== 0) continue;
      const sel = c.segSel[seg];
      if (!guestDescriptor(vmm.g, sel, ds)) continue;
      const dataOrNonConforming = isData(ds.hi) || (ds.hi & 0x400) === 0;
      if (dataOrNonConforming && descDpl(ds.hi) < rpl) loadNullReal(c, seg, 0);
    }
  } else {
    c.regs[4] = (c.regs[4] + frame + extra) | 0;
  }
  if (rpl === 1 || rpl === 0) vmm.kernelRing = rpl;
}
