/**
 * System and sensitive instructions (SDM Vol. 2; Vol. 3A Ch. 2, 5, 8, 17; VMX behaviour Vol. 3C Ch. 25).
 *
 * Check order in every instruction follows SDM Vol. 3C §25.1.1: #UD and CPL-based #GP first, then the VM
 * exit (if VMX non-root operation and the controls say so), then the instruction's own operand checks
 * and effects. MOV DR is the documented exception: its VM exit comes before the CPL and CR4.DE checks
 * (SDM Vol. 3C §25.1.3; Bochs MOV_DdRd).
 */
import type { Cpu } from '../cpu.ts';
import { Acc } from '../cpu.ts';
import { Ar, CR0_DEFINED, Cr0, Cr4, Flag, Seg, Vec } from '../arch.ts';
import type { Insn } from '../insn.ts';
import { invalidatePage, loadPdptes } from '../mmu.ts';
import { readMsr, writeMsr, cr4Supported } from '../msr.ts';
import { descDpl, descLimit, fetchDescriptor, isCode, isData, isPresent } from '../segments.ts';
import { vmxMode } from '../interrupts.ts';
import { EventKind } from '../../trace/events.ts';
import { ProcBased, ProcBased2 } from '../../vmx/spec/controls.ts';
import { VmExitReason } from '../../vmx/spec/exit-reasons.ts';
import { encodeInvalidationInfo, encodeRdrandRdseedInfo } from '../../vmx/spec/formats.ts';
import {
  cltsExits,
  dispQualHi,
  exitIfDescriptorTableAccess,
  exitInsn,
  lmswExits,
  memoryOperandInfo,
  movToCr0Exits,
  movToCr3Exits,
  movToCr4Exits,
  msrAccessExits,
  shadowedCr0,
  shadowedCr4,
} from '../../vmx/nonroot.ts';
import { crFixedOk } from '../../vmx/entry.ts';
import { v86IoplFault } from '../v8086.ts';

const next = (c: Cpu, i: Insn): void => {
  c.eip = (c.eip + i.len) | 0;
};
const pm = (c: Cpu): boolean => (c.cr0 & Cr0.PE) !== 0;
/**
 * Protected mode proper: LLDT, LTR, LAR, LSL, VERR, VERW, ARPL, SLDT and STR are "not recognized in real-address mode"
 * nor in virtual-8086 mode (#UD; SDM Vol. 2, each instruction's real-address and virtual-8086 mode exceptions).
 */
const pmNotV86 = (c: Cpu): boolean => (c.cr0 & Cr0.PE) !== 0 && (c.eflags & Flag.VM) === 0;

export function invalidOpcode(c: Cpu, _i: Insn): void {
  c.ud();
}

export function nop(c: Cpu, i: Insn): void {
  next(c, i);
}

// ---------------------------------------------------------------------------------------- interrupt flag

/**
 * CLI / STI: IOPL-sensitive in protected mode (#GP(0) when CPL > IOPL; SDM CLI/STI, no VME/PVI here). Virtual-8086 code
 * runs at CPL 3, so the same test is the virtual-8086 rule "#GP(0) unless IOPL = 3".
 */
export function cliSti(c: Cpu, i: Insn): void {
  if (pm(c) && c.cpl > ((c.eflags >>> 12) & 3)) c.gp(0);
  if (i.opcode === 0xfa) {
    c.eflags &= ~Flag.IF;
  } else {
    // STI blocks interrupts until the end of the next instruction when IF was 0 (SDM Vol. 3A §6.8.3).
    if ((c.eflags & Flag.IF) === 0) c.intShadow = 1;
    c.eflags |= Flag.IF;
  }
  c.stop = 1;
  next(c, i);
}

/** PUSHF/PUSHFD: EFLAGS with VM and RF cleared. Executes at any CPL — it reveals the real IF and IOPL. */
export function pushf(c: Cpu, i: Insn): void {
  if (v86IoplFault(c)) c.gp(0); // virtual-8086 mode with IOPL < 3 (SDM PUSHF; no VME)
  const f = c.getEflags() & ~(Flag.VM | Flag.RF);
  c.pushV(i.osz === 4 ? f : f & 0xffff, i.osz);
  next(c, i);
}

/**
 * POPF/POPFD (SDM POPF): IOPL changes only at CPL 0; IF changes only when CPL ≤ IOPL — otherwise the
 * change is silently dropped, with no fault. That silence is Robin & Irvine's POPF problem.
 */
export function popf(c: Cpu, i: Insn): void {
  // Virtual-8086 mode: #GP(0) unless IOPL = 3; with IOPL 3 the CPL-3 rules below leave IOPL (and VM) unchanged.
  if (v86IoplFault(c)) c.gp(0);
  const v = i.osz === 4 ? c.peek32(0) : c.peek16(0);
  let mask = 0x4dd5 | Flag.TF | Flag.DF | Flag.IF | Flag.IOPL; // CF PF AF ZF SF OF NT TF DF IF IOPL
  if (i.osz === 4) mask |= Flag.AC | Flag.ID | Flag.RF;
  if (pm(c)) {
    if (c.cpl > 0) mask &= ~Flag.IOPL;
    if (c.cpl > ((c.eflags >>> 12) & 3)) mask &= ~Flag.IF;
  }
  c.adjustSp(i.osz);
  c.setEflags(v & ~Flag.RF, mask);
  c.stop = 1;
  next(c, i);
}

// ---------------------------------------------------------------------------------------- HLT

export function hlt(c: Cpu, i: Insn): void {
  if (c.cpl > 0) c.gp(0);
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.HLT_EXITING) !== 0) {
    exitInsn(c, i, VmExitReason.HLT);
    return;
  }
  next(c, i);
  c.activity = 1; // Activity.HLT
  c.stop = 1;
  c.trace.emit(EventKind.HALT, c.cycles, c.id, c.eip >>> 0, vmxMode(c), 0, 0, 0, 0, 0);
}

// ---------------------------------------------------------------------------------------- descriptor tables

/** LGDT / LIDT m16&32 (a 16-bit operand size loads a 24-bit base). */
export function lgdtLidt(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  if (c.cpl > 0) c.gp(0);
  if (exitIfDescriptorTableAccess(c, i)) return;
  const ea = c.ea(i);
  const limit = c.read16(i.seg, ea);
  let base = c.read32(i.seg, (ea + 2) | 0);
  if (i.osz === 2) base &= 0xffffff;
  if (i.reg === 2) {
    c.gdtrBase = base;
    c.gdtrLimit = limit;
  } else {
    c.idtrBase = base;
    c.idtrLimit = limit;
  }
  next(c, i);
}

/** LLDT r/m16 (SDM LLDT): a null selector makes LDTR unusable; otherwise an LDT descriptor in the GDT. */
export function lldt(c: Cpu, i: Insn): void {
  if (!pmNotV86(c)) c.ud();
  if (c.cpl > 0) c.gp(0);
  if (exitIfDescriptorTableAccess(c, i)) return;
  const sel = c.readE16(i);
  if ((sel & 0xfffc) === 0) {
    c.setSegCache(Seg.LDTR, sel, 0, 0, Ar.UNUSABLE);
    next(c, i);
    return;
  }
  if ((sel & 4) !== 0) c.gp(sel & 0xfffc);
  if (!fetchDescriptor(c, sel)) c.gp(sel & 0xfffc);
  const hi = c.descHi;
  if ((hi & 0x1f00) !== 0x0200) c.gp(sel & 0xfffc); // S = 0, type 2 (LDT)
  if (!isPresent(hi)) c.np(sel & 0xfffc);
  const lo = c.descLo;
  c.setSegCache(Seg.LDTR, sel, descBaseOf(lo, hi), descLimit(lo, hi), (hi >>> 8) & 0xf0ff);
  next(c, i);
}

function descBaseOf(lo: number, hi: number): number {
  return ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) | 0;
}

/** LTR r/m16 (SDM LTR): an available TSS in the GDT, which becomes busy. */
export function ltr(c: Cpu, i: Insn): void {
  if (!pmNotV86(c)) c.ud();
  if (c.cpl > 0) c.gp(0);
  if (exitIfDescriptorTableAccess(c, i)) return;
  const sel = c.readE16(i);
  if ((sel & 0xfffc) === 0) c.gp(0);
  if ((sel & 4) !== 0) c.gp(sel & 0xfffc);
  if (!fetchDescriptor(c, sel)) c.gp(sel & 0xfffc);
  let hi = c.descHi;
  const type = (hi >>> 8) & 0x1f;
  if (type !== 1 && type !== 9) c.gp(sel & 0xfffc); // available 16- or 32-bit TSS
  if (!isPresent(hi)) c.np(sel & 0xfffc);
  hi |= 0x200; // busy
  c.writeLin32((c.gdtrBase + (sel & 0xfff8) + 4) | 0, hi, Acc.WRITE_SUP);
  const lo = c.descLo;
  c.setSegCache(Seg.TR, sel, descBaseOf(lo, hi), descLimit(lo, hi), (hi >>> 8) & 0xf0ff);
  next(c, i);
}

// ---------------------------------------------------------------------------------------- control registers

function emitCr(c: Cpu, cr: number, v: number): void {
  c.trace.emit(EventKind.CR_WRITE, c.cycles, c.id, cr, v >>> 0, vmxMode(c), 0, 0, 0, 0);
}

/**
 * Loads CR0 with the checks of MOV to CR0 (SDM MOV—Move to/from Control Registers; Vol. 3C §23.8 for VMX).
 * In non-root operation `v` is what the guest wrote; bits owned by the VMM (mask = 1) keep their value.
 */
export function setCr0(c: Cpu, v: number): void {
  let nv = v | 0;
  if (c.vmx.nonRoot) nv = (nv & ~c.vmx.cr0Mask) | (c.cr0 & c.vmx.cr0Mask);
  // ET is hardwired to 1; "attempting to set any reserved bits in CR0[31:0] is ignored" (SDM Vol. 3A §2.5; Bochs
  // SetCR0 masks the value the same way): only the invalid combinations below fault.
  nv = ((nv | Cr0.ET) & CR0_DEFINED) | 0;
  if ((nv & Cr0.PG) !== 0 && (nv & Cr0.PE) === 0) c.gp(0);
  if ((nv & Cr0.NW) !== 0 && (nv & Cr0.CD) === 0) c.gp(0);
  if (c.vmx.on) {
    const exempt = c.vmx.nonRoot && c.vmx.unrestrictedGuest ? Cr0.PE | Cr0.PG : 0;
    if (!crFixedOk(c, nv, 0x486, exempt)) c.gp(0);
  }
  const old = c.cr0;
  // With PAE paging in use afterwards, a MOV to CR0 that changes CD, NW or PG loads the PDPTEs (#GP if one is
  // invalid; SDM Vol. 3A §4.4.1).
  if ((nv & Cr0.PG) !== 0 && (c.cr4 & Cr4.PAE) !== 0 && ((old ^ nv) & (Cr0.PG | Cr0.CD | Cr0.NW)) !== 0 && !loadPdptes(c, c.cr3)) c.gp(0);
  c.cr0 = nv;
  if ((old ^ nv) & (Cr0.PG | Cr0.PE | Cr0.WP)) {
    c.flushTlbAll();
  }
  c.updateModes();
  emitCr(c, 0, nv);
}

export function setCr3(c: Cpu, v: number): void {
  if ((c.cr0 & Cr0.PG) !== 0 && (c.cr4 & Cr4.PAE) !== 0 && !loadPdptes(c, v)) c.gp(0);
  c.cr3 = v;
  c.flushTlbNonGlobal();
  c.stop = 1;
  emitCr(c, 3, v);
}

export function setCr4(c: Cpu, v: number): void {
  let nv = v | 0;
  if (c.vmx.nonRoot) nv = (nv & ~c.vmx.cr4Mask) | (c.cr4 & c.vmx.cr4Mask);
  if ((nv & ~cr4Supported(c)) !== 0) c.gp(0);
  if (c.vmx.on && !crFixedOk(c, nv, 0x488)) c.gp(0); // e.g. clearing CR4.VMXE in VMX operation (SDM §23.8)
  const old = c.cr4;
  // With PAE paging in use afterwards, a MOV to CR4 that changes PAE, PGE, PSE or SMEP loads the PDPTEs (#GP if
  // one is invalid; SDM Vol. 3A §4.4.1; Bochs SetCR4 on any change of its TLB-flush mask).
  if ((c.cr0 & Cr0.PG) !== 0 && (nv & Cr4.PAE) !== 0 && ((old ^ nv) & (Cr4.PAE | Cr4.PGE | Cr4.PSE | Cr4.SMEP)) !== 0 && !loadPdptes(c, c.cr3)) c.gp(0);
  c.cr4 = nv;
  if ((old ^ nv) & (Cr4.PSE | Cr4.PAE | Cr4.PGE)) c.flushTlbAll();
  c.updateModes();
  emitCr(c, 4, nv);
}

/** 0F 20: MOV r32, CRn. */
export function movFromCr(c: Cpu, i: Insn): void {
  if (c.cpl > 0) c.gp(0);
  const cr = i.reg;
  if (cr !== 0 && cr !== 2 && cr !== 3 && cr !== 4) c.ud();
  let v: number;
  if (cr === 0) v = c.vmx.nonRoot ? shadowedCr0(c) : c.cr0;
  else if (cr === 2) v = c.cr2;
  else if (cr === 3) {
    if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.CR3_STORE_EXITING) !== 0) {
      exitInsn(c, i, VmExitReason.CR_ACCESS, 0x13 | (i.rm << 8));
      return;
    }
    v = c.cr3;
  } else v = c.vmx.nonRoot ? shadowedCr4(c) : c.cr4;
  c.regs[i.rm] = v;
  next(c, i);
}

/** 0F 22: MOV CRn, r32. Qualification per SDM Vol. 3C Table 27-3 (CR number, access type 0, GPR in 11:8). */
export function movToCr(c: Cpu, i: Insn): void {
  if (c.cpl > 0) c.gp(0);
  const cr = i.reg;
  if (cr !== 0 && cr !== 2 && cr !== 3 && cr !== 4) c.ud();
  const v = c.regs[i.rm];
  if (c.vmx.nonRoot) {
    const exits = cr === 0 ? movToCr0Exits(c, v) : cr === 3 ? movToCr3Exits(c, v) : cr === 4 ? movToCr4Exits(c, v) : false;
    if (exits) {
      exitInsn(c, i, VmExitReason.CR_ACCESS, cr | (i.rm << 8));
      return;
    }
  }
  if (cr === 0) setCr0(c, v);
  else if (cr === 2) c.cr2 = v;
  else if (cr === 3) setCr3(c, v);
  else setCr4(c, v);
  next(c, i);
}

/** LMSW r/m16: loads CR0[3:0] (PE can be set, never cleared). */
export function lmsw(c: Cpu, i: Insn): void {
  if (c.cpl > 0) c.gp(0);
  const src = c.readE16(i);
  if (c.vmx.nonRoot && lmswExits(c, src)) {
    const mem = i.mod !== 3;
    const linear = mem ? (c.segBase[i.seg] + c.ea(i)) | 0 : 0;
    exitInsn(c, i, VmExitReason.CR_ACCESS, (0x30 | (mem ? 0x40 : 0) | ((src & 0xffff) << 16)) >>> 0, 0, linear);
    return;
  }
  let low = (src & 0xf) | (c.cr0 & 1);
  if (c.vmx.nonRoot) low = (low & ~c.vmx.cr0Mask) | (c.cr0 & c.vmx.cr0Mask & 0xf);
  const nv = ((c.cr0 & ~0xf) | (low & 0xf)) | 0;
  const old = c.cr0;
  c.cr0 = nv;
  if ((old ^ nv) & Cr0.PE) c.flushTlbAll();
  c.updateModes();
  emitCr(c, 0, nv);
  next(c, i);
}

/** CLTS: clears CR0.TS (the lazy-FPU switch bit). */
export function clts(c: Cpu, i: Insn): void {
  if (c.cpl > 0) c.gp(0);
  if (c.vmx.nonRoot) {
    if (cltsExits(c)) {
      exitInsn(c, i, VmExitReason.CR_ACCESS, 0x20);
      return;
    }
    // With mask bit 3 set and shadow bit 3 clear, CLTS leaves CR0.TS alone (SDM Vol. 3C §25.3).
    if ((c.vmx.cr0Mask & 8) !== 0) {
      next(c, i);
      return;
    }
  }
  c.cr0 &= ~Cr0.TS;
  emitCr(c, 0, c.cr0);
  next(c, i);
}

// ---------------------------------------------------------------------------------------- debug registers

/** 0F 21 / 0F 23: MOV r32, DRn / MOV DRn, r32. Qualification: DR number, direction in bit 4, GPR in 11:8. */
export function movDr(c: Cpu, i: Insn): void {
  const toDr = i.opcode === 0x0f23;
  const dr = i.reg;
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.MOV_DR_EXITING) !== 0) {
    exitInsn(c, i, VmExitReason.MOV_DR, dr | (toDr ? 0 : 0x10) | (i.rm << 8));
    return;
  }
  // Order of the faults (Bochs MOV_DdRd/MOV_RdDd): #UD for DR4/DR5 under CR4.DE, then general detect, then the CPL
  // check. The #UD is an invalid-opcode fault, a decode-class fault that the SDM's priority table (Vol. 3A §6.9,
  // Table 6-2) ranks above faults on executing the instruction such as #GP.
  let n = dr;
  if (dr === 4 || dr === 5) {
    if ((c.cr4 & Cr4.DE) !== 0) c.ud();
    n = dr + 2; // aliases of DR6/DR7
  }
  if ((c.dr[7] & 0x2000) !== 0) {
    // General-detect: #DB before the access, with DR6.BD set and DR7.GD cleared (SDM Vol. 3A §17.2.4).
    c.pendingDr6 |= 0x2000;
    c.dr[7] &= ~0x2000;
    c.raise(Vec.DB);
  }
  if (c.cpl > 0) c.gp(0);
  if (toDr) {
    const v = c.regs[i.rm];
    if (n === 6) c.dr[6] = (v | 0xffff0ff0) & ~0x1000;
    else if (n === 7) c.dr[7] = ((v & ~0xd800) | 0x400) | 0;
    else c.dr[n] = v;
  } else c.regs[i.rm] = c.dr[n];
  next(c, i);
}

// ---------------------------------------------------------------------------------------- TLB and caches

export function invlpg(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  if (c.cpl > 0) c.gp(0);
  const lin = (c.segBase[i.seg] + c.ea(i)) | 0;
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.INVLPG_EXITING) !== 0) {
    exitInsn(c, i, VmExitReason.INVLPG, lin >>> 0);
    return;
  }
  invalidatePage(c, lin);
  next(c, i);
}

export function invd(c: Cpu, i: Insn): void {
  if (c.cpl > 0) c.gp(0);
  if (c.vmx.nonRoot) {
    exitInsn(c, i, VmExitReason.INVD); // unconditional (SDM Vol. 3C §25.1.2)
    return;
  }
  next(c, i);
}

export function wbinvd(c: Cpu, i: Insn): void {
  if (c.cpl > 0) c.gp(0);
  if (c.vmx.nonRoot && (c.vmx.proc2 & ProcBased2.WBINVD_EXITING) !== 0) {
    exitInsn(c, i, VmExitReason.WBINVD);
    return;
  }
  next(c, i);
}

/** INVPCID (66 0F 38 82): #UD unless supported (and, in non-root operation, "enable INVPCID" = 1). */
export function invpcid(c: Cpu, i: Insn): void {
  if (!c.model.features.invpcid || i.mod === 3) c.ud();
  if (c.vmx.nonRoot && (c.vmx.proc2 & ProcBased2.ENABLE_INVPCID) === 0) c.ud();
  if (c.cpl > 0) c.gp(0);
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.INVLPG_EXITING) !== 0) {
    // Qualification: the displacement; instruction information in the INVEPT/INVPCID/INVVPID format, reg2 = the
    // type register (SDM Vol. 3C §27.2.5, Table 27-9 of older editions; Bochs VMexit_Instruction for INVPCID).
    exitInsn(c, i, VmExitReason.INVPCID, i.disp, encodeInvalidationInfo(memoryOperandInfo(i), i.reg), 0, dispQualHi(c, i));
    return;
  }
  const type = c.regs[i.reg] >>> 0;
  if (type > 3) c.gp(0);
  c.linear(i.seg, c.ea(i), 16, false);
  c.flushTlbAll();
  next(c, i);
}

// ---------------------------------------------------------------------------------------- MSRs, TSC, PMCs, CPUID

const MSR_OUT = { lo: 0, hi: 0 };

export function rdmsr(c: Cpu, i: Insn): void {
  if (c.cpl > 0) c.gp(0);
  const index = c.regs[1];
  if (c.vmx.nonRoot && msrAccessExits(c, index, false)) {
    exitInsn(c, i, VmExitReason.RDMSR);
    return;
  }
  if (!readMsr(c, index, MSR_OUT)) c.gp(0);
  c.regs[0] = MSR_OUT.lo;
  c.regs[2] = MSR_OUT.hi;
  next(c, i);
}

export function wrmsr(c: Cpu, i: Insn): void {
  if (c.cpl > 0) c.gp(0);
  const index = c.regs[1];
  if (c.vmx.nonRoot && msrAccessExits(c, index, true)) {
    exitInsn(c, i, VmExitReason.WRMSR);
    return;
  }
  // WRMSR to IA32_BIOS_UPDT_TRIG (79H) in VMX non-root operation that does not exit loads no microcode and
  // does nothing else (SDM Vol. 3C §25.3, WRMSR).
  if (c.vmx.nonRoot && index === 0x79) {
    next(c, i);
    return;
  }
  if (!writeMsr(c, index, c.regs[0], c.regs[2])) c.gp(0);
  c.stop = 1;
  next(c, i);
}

function guestTsc(c: Cpu): number {
  let t = c.tsc;
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.USE_TSC_OFFSETTING) !== 0) t += c.vmx.tscOffset;
  return t;
}

export function rdtsc(c: Cpu, i: Insn): void {
  if ((c.cr4 & Cr4.TSD) !== 0 && c.cpl > 0 && pm(c)) c.gp(0);
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.RDTSC_EXITING) !== 0) {
    exitInsn(c, i, VmExitReason.RDTSC);
    return;
  }
  const t = guestTsc(c);
  c.regs[0] = t % 0x100000000 | 0;
  c.regs[2] = Math.floor(t / 0x100000000) | 0;
  next(c, i);
}

export function rdtscp(c: Cpu, i: Insn): void {
  if (!c.model.features.rdtscp) c.ud();
  if (c.vmx.nonRoot && (c.vmx.proc2 & ProcBased2.ENABLE_RDTSCP) === 0) c.ud();
  if ((c.cr4 & Cr4.TSD) !== 0 && c.cpl > 0) c.gp(0);
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.RDTSC_EXITING) !== 0) {
    exitInsn(c, i, VmExitReason.RDTSCP);
    return;
  }
  const t = guestTsc(c);
  c.regs[0] = t % 0x100000000 | 0;
  c.regs[2] = Math.floor(t / 0x100000000) | 0;
  c.regs[1] = c.msrLo.get(0xc0000103) ?? 0;
  next(c, i);
}

/** RDPMC: the model exposes two general-purpose counters that read 0 (performance monitoring is not modelled). */
export function rdpmc(c: Cpu, i: Insn): void {
  if ((c.cr4 & Cr4.PCE) === 0 && c.cpl > 0 && pm(c)) c.gp(0);
  // The privilege #GP above comes before the VM exit; the #GP of an invalid counter in ECX does not (only
  // privilege-based faults take priority over VM exits, SDM Vol. 3C §25.1.1; Bochs RDPMC exits first too).
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.RDPMC_EXITING) !== 0) {
    exitInsn(c, i, VmExitReason.RDPMC);
    return;
  }
  if ((c.regs[1] >>> 0) > 1) c.gp(0);
  c.regs[0] = 0;
  c.regs[2] = 0;
  next(c, i);
}

/** CPUID: always a VM exit in non-root operation (SDM Vol. 3C §25.1.2); otherwise the model's leaves. */
export function cpuid(c: Cpu, i: Insn): void {
  if (c.vmx.nonRoot) {
    exitInsn(c, i, VmExitReason.CPUID);
    return;
  }
  const r = c.model.cpuid(c.regs[0] >>> 0, c.regs[1] >>> 0);
  c.regs[0] = r[0];
  c.regs[3] = r[1];
  c.regs[1] = r[2];
  c.regs[2] = r[3];
  next(c, i);
}

// ---------------------------------------------------------------------------------------- protection queries

const LSL_TYPES = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 9) | (1 << 11);
const LAR_TYPES = LSL_TYPES | (1 << 4) | (1 << 5) | (1 << 12);

/** LAR / LSL (0F 02 / 0F 03): ZF = 1 and the access rights / limit when the descriptor is visible at CPL and RPL. */
export function larLsl(c: Cpu, i: Insn): void {
  if (!pmNotV86(c)) c.ud();
  const sel = c.readE16(i);
  const lsl = i.opcode === 0x0f03;
  c.materializeFlags();
  c.eflags &= ~Flag.ZF;
  if ((sel & 0xfffc) !== 0 && fetchDescriptor(c, sel)) {
    const hi = c.descHi;
    const lo = c.descLo;
    let ok: boolean;
    if ((hi & 0x1000) !== 0) ok = true;
    else {
      const t = (hi >>> 8) & 0xf;
      // Valid system types: LSL 1 2 3 9 11 (TSSs, LDT); LAR also 4 5 12 (call and task gates) (SDM LAR, LSL).
      ok = (((lsl ? LSL_TYPES : LAR_TYPES) >> t) & 1) !== 0;
    }
    const conformingCode = isCode(hi) && (hi & 0x400) !== 0;
    const dpl = descDpl(hi);
    if (ok && !conformingCode && (dpl < c.cpl || dpl < (sel & 3))) ok = false;
    if (ok) {
      c.eflags |= Flag.ZF;
      // LAR: the access rights of the descriptor's second dword, "00FxFF00H" with x (the limit's bits 19:16) left
      // as the descriptor has them, as processors and Bochs LAR_GvEw return them.
      const v = lsl ? descLimit(lo, hi) : hi & 0x00ffff00;
      c.setRegV(i.reg, i.osz, i.osz === 4 ? v : v & 0xffff);
    }
  }
  next(c, i);
}

/** VERR / VERW (0F 00 /4, /5): ZF = 1 when the segment is readable / writable at CPL and RPL. */
export function verrVerw(c: Cpu, i: Insn): void {
  if (!pmNotV86(c)) c.ud();
  const sel = c.readE16(i);
  c.materializeFlags();
  c.eflags &= ~Flag.ZF;
  if ((sel & 0xfffc) !== 0 && fetchDescriptor(c, sel)) {
    const hi = c.descHi;
    let ok = (hi & 0x1000) !== 0;
    if (ok) {
      const conformingCode = isCode(hi) && (hi & 0x400) !== 0;
      const dpl = descDpl(hi);
      if (!conformingCode && (dpl < c.cpl || dpl < (sel & 3))) ok = false;
      if (i.reg === 4) ok = ok && (isData(hi) || (hi & 0x200) !== 0);
      else ok = ok && isData(hi) && (hi & 0x200) !== 0;
    }
    if (ok) c.eflags |= Flag.ZF;
  }
  next(c, i);
}

/** ARPL r/m16, r16 (63): raise the destination's RPL to the source's. */
export function arpl(c: Cpu, i: Insn): void {
  if (!pmNotV86(c)) c.ud();
  const d = c.readE16(i);
  const s = c.regs[i.reg] & 0xffff;
  c.materializeFlags();
  if ((d & 3) < (s & 3)) {
    c.writeE16(i, (d & ~3) | (s & 3));
    c.eflags |= Flag.ZF;
  } else c.eflags &= ~Flag.ZF;
  next(c, i);
}

// ---------------------------------------------------------------------------------------- XCR0, MONITOR/MWAIT, PAUSE

export function xsetbv(c: Cpu, i: Insn): void {
  if (!c.model.features.xsave || (c.cr4 & Cr4.OSXSAVE) === 0) c.ud();
  // The CPL check is a privilege fault: it has priority over the VM exit (SDM Vol. 3C §25.1.1).
  if (c.cpl > 0) c.gp(0);
  if (c.vmx.nonRoot) {
    exitInsn(c, i, VmExitReason.XSETBV); // unconditional
    return;
  }
  if (c.regs[1] !== 0 || c.regs[2] !== 0) c.gp(0);
  const v = c.regs[0];
  if ((v & 1) === 0 || (v & ~3) !== 0) c.gp(0); // x87 must stay enabled; SSE state only
  c.xcr0 = v;
  next(c, i);
}

export function xgetbv(c: Cpu, i: Insn): void {
  if (!c.model.features.xsave || (c.cr4 & Cr4.OSXSAVE) === 0) c.ud();
  if (c.regs[1] !== 0) c.gp(0);
  c.regs[0] = c.xcr0;
  c.regs[2] = 0;
  next(c, i);
}

export function monitor(c: Cpu, i: Insn): void {
  if (!c.model.features.monitor || c.cpl > 0) c.ud();
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.MONITOR_EXITING) !== 0) {
    exitInsn(c, i, VmExitReason.MONITOR);
    return;
  }
  c.linear(i.seg, c.regs[0], 1, false);
  c.monitorArmed = true;
  next(c, i);
}

/** MWAIT: may return at once (a valid implementation); exits with "MWAIT exiting" (qualification: monitor armed). */
export function mwait(c: Cpu, i: Insn): void {
  if (!c.model.features.monitor || c.cpl > 0) c.ud();
  if (c.vmx.nonRoot && (c.vmx.proc & ProcBased.MWAIT_EXITING) !== 0) {
    exitInsn(c, i, VmExitReason.MWAIT, c.monitorArmed ? 1 : 0);
    return;
  }
  c.monitorArmed = false;
  next(c, i);
}

/**
 * PAUSE. In VMX non-root operation "PAUSE exiting" makes every PAUSE exit; otherwise "PAUSE-loop exiting"
 * (CPL 0 only) watches the time between PAUSEs: one more than PLE_Gap TSC cycles after the previous PAUSE
 * starts a new loop; a loop that has lasted more than PLE_Window cycles exits with reason 40 (SDM Vol. 3C
 * §25.1.3 and §24.6.13; time runs at the TSC rate).
 */
export function pause(c: Cpu, i: Insn): void {
  const vmx = c.vmx;
  if (vmx.nonRoot) {
    if ((vmx.proc & ProcBased.PAUSE_EXITING) !== 0) {
      exitInsn(c, i, VmExitReason.PAUSE);
      return;
    }
    if ((vmx.proc2 & ProcBased2.PAUSE_LOOP_EXITING) !== 0 && c.cpl === 0) {
      const now = c.tsc;
      if (vmx.plePrev < 0 || now - vmx.plePrev > vmx.pleGap) vmx.pleFirst = now;
      else if (now - vmx.pleFirst > vmx.pleWindow) {
        vmx.plePrev = -1;
        exitInsn(c, i, VmExitReason.PAUSE);
        return;
      }
      vmx.plePrev = now;
    }
  }
  next(c, i);
}

/** GETSEC: #UD unless CR4.SMXE = 1, which these models do not support (so it never reaches its VM exit). */
export function getsec(c: Cpu, _i: Insn): void {
  c.ud();
}

/** RDRAND / RDSEED r: deterministic random numbers from the processor's seeded generator; CF = 1. */
export function rdrandRdseed(c: Cpu, i: Insn): void {
  const seed = i.reg === 7;
  if (seed ? !c.model.features.rdseed : !c.model.features.rdrand) c.ud();
  if (c.vmx.nonRoot) {
    const ctl = seed ? ProcBased2.RDSEED_EXITING : ProcBased2.RDRAND_EXITING;
    if ((c.vmx.proc2 & ctl) !== 0) {
      exitInsn(c, i, seed ? VmExitReason.RDSEED : VmExitReason.RDRAND, 0, encodeRdrandRdseedInfo(i.rm, i.osz === 4 ? 1 : 0));
      return;
    }
  }
  // xorshift32: deterministic under the machine seed, part of the snapshot.
  let x = c.rngState | 0 || 0x9e3779b9;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  c.rngState = x;
  c.setRegV(i.rm, i.osz, x);
  c.materializeFlags();
  c.eflags = (c.eflags & ~0x8d5) | Flag.CF;
  next(c, i);
}

// ---------------------------------------------------------------------------------------- x87 and friends

/** WAIT/FWAIT: #NM when CR0.MP and CR0.TS are both 1 (SDM Vol. 3A §2.5 Table 2-2). */
export function fwait(c: Cpu, i: Insn): void {
  if ((c.cr0 & (Cr0.MP | Cr0.TS)) === ((Cr0.MP | Cr0.TS) | 0)) c.raise(Vec.NM);
  next(c, i);
}

/**
 * x87 escape opcodes (D8–DF). CR0.EM or CR0.TS make them raise #NM — the mechanism of lazy FPU context
 * switching that CLTS exists for. This core implements the x87 control instructions (FNINIT, FNCLEX,
 * FNSTSW, FNSTCW, FLDCW); x87 arithmetic is not emulated and raises #UD.
 */
export function x87(c: Cpu, i: Insn): void {
  if ((c.cr0 & (Cr0.EM | Cr0.TS)) !== 0) c.raise(Vec.NM);
  const op = i.opcode;
  const modrm = (i.mod << 6) | (i.reg << 3) | i.rm;
  if (op === 0xdb && modrm === 0xe3) {
    c.fpuCw = 0x37f;
    c.fpuSw = 0;
  } else if (op === 0xdb && modrm === 0xe2) {
    c.fpuSw &= 0x7f00;
  } else if (op === 0xdf && modrm === 0xe0) {
    c.setReg16(0, c.fpuSw);
  } else if (op === 0xdd && i.mod !== 3 && i.reg === 7) {
    c.write16(i.seg, c.ea(i), c.fpuSw);
  } else if (op === 0xd9 && i.mod !== 3 && i.reg === 7) {
    c.write16(i.seg, c.ea(i), c.fpuCw);
  } else if (op === 0xd9 && i.mod !== 3 && i.reg === 5) {
    c.fpuCw = c.read16(i.seg, c.ea(i));
  } else {
    c.ud();
  }
  next(c, i);
}

/** CLFLUSH m8: checks the address like a read; caches are not modelled. */
export function clflush(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  c.linear(i.seg, c.ea(i), 1, false);
  next(c, i);
}
