/**
 * The VMX instructions (SDM Vol. 3C Ch. 30 / Vol. 2 "VMX Instruction Reference"): VMXON, VMXOFF, VMCLEAR,
 * VMPTRLD, VMPTRST, VMREAD, VMWRITE, VMLAUNCH, VMRESUME, VMCALL, INVEPT, INVVPID, VMFUNC — each in the
 * check order of its pseudocode, with the RFLAGS conventions VMsucceed / VMfailInvalid / VMfailValid(n)
 * (SDM §30.2) and the VM-instruction error field (Table 30-1).
 *
 * The semantic cores (`vmxon`, `vmclear`, `vmread`, ...) take already-fetched operands and return a
 * `VmxResult`; the TypeScript VMM calls them directly (it runs in VMX root operation at CPL 0, like KVM).
 * The `exec*` functions are the decoded instructions: operand fetch, #UD/#GP/VM-exit prefix, then the core.
 */
import { ARITH_FLAGS, Cr0, Cr4, Flag, Msr } from '../x86/arch.ts';
import type { Cpu } from '../x86/cpu.ts';
import type { Insn } from '../x86/insn.ts';
import { EventKind, VmxInstruction } from '../trace/events.ts';
import { VmExitReason } from './spec/exit-reasons.ts';
import { VmInstructionError } from './spec/instruction-errors.ts';
import { encodeInvalidationInfo, encodeVmreadVmwriteInfo, encodeVmxPointerInfo } from './spec/formats.ts';
import { VMCS_FIELDS, fieldSlot } from './spec/fields.ts';
import { checkControls, checkHostState, crFixedOk, eptpValid, enterGuest, physAddrWidth } from './entry.ts';
import { dispQualHi, exitInsn, memoryOperandInfo } from './nonroot.ts';
import { residentGuestEntry, settleHostState } from './exit.ts';
import { CHECK_INVALIDATION, CHECKED_CONTROLS, CHECKED_HOST, CHECKED_GUEST, VMCS_CHECKED_OFFSET, VO, launchState, setLaunchState, slotOffset } from './vmcs.ts';

/** 0 = VMsucceed, -1 = VMfailInvalid, n > 0 = VMfailValid(n). */
export type VmxResult = number;
export const VMX_SUCCEED = 0;
export const VMX_FAIL_INVALID = -1;

/** VMfail(n): VMfailValid(n) when there is a current VMCS, else VMfailInvalid (SDM §30.2). */
function vmFail(c: Cpu, n: number): VmxResult {
  return c.vmx.vmcsPtr !== -1 ? n : VMX_FAIL_INVALID;
}

/** Applies a result: RFLAGS per SDM §30.2 and, for VMfailValid, the VM-instruction error field. */
export function applyVmxResult(c: Cpu, insn: VmxInstruction, result: VmxResult, operand = 0, valueLo = 0, valueHi = 0): void {
  c.materializeFlags();
  let f = c.eflags & ~ARITH_FLAGS;
  if (result === VMX_FAIL_INVALID) f |= Flag.CF;
  else if (result > 0) {
    f |= Flag.ZF;
    c.mem.write32(c.vmx.vmcsPtr + VO.VM_INSTRUCTION_ERROR, result);
    c.mem.write32(c.vmx.vmcsPtr + VO.VM_INSTRUCTION_ERROR + 4, 0);
  }
  c.eflags = f;
  if (result === VMX_SUCCEED) {
    c.trace.emit(EventKind.VMX_INSTRUCTION, c.cycles, c.id, insn, operand >>> 0, valueLo >>> 0, valueHi >>> 0, c.eip >>> 0, 0, 0);
  } else {
    c.trace.emit(EventKind.VMFAIL, c.cycles, c.id, insn, result > 0 ? 1 : 0, result > 0 ? result : 0, c.eip >>> 0, 0, 0, 0);
  }
}

function physOk(c: Cpu, _lo: number, hi: number): boolean {
  const w = physAddrWidth(c);
  if (w <= 32) return hi === 0;
  return w >= 64 || (hi >>> (w - 32)) === 0;
}
function ptr(lo: number, hi: number): number {
  return (hi >>> 0) * 0x100000000 + (lo >>> 0);
}

function featureControlAllowsVmxon(c: Cpu): boolean {
  const fc = c.msrLo.get(Msr.IA32_FEATURE_CONTROL) ?? 0;
  return (fc & 1) !== 0 && (fc & 4) !== 0;
}

// ====================================================================== semantic cores

/** VMXON with the 64-bit operand already read; the caller has done the #UD checks (SDM VMXON). */
export function vmxon(c: Cpu, lo: number, hi: number): VmxResult | 'gp' {
  settleHostState(c);
  if (!c.vmx.on) {
    if (c.cpl > 0 || !crFixedOk(c, c.cr0, 0x486) || !crFixedOk(c, c.cr4, 0x488) || !featureControlAllowsVmxon(c)) return 'gp';
    if ((lo & 0xfff) !== 0 || !physOk(c, lo, hi)) return VMX_FAIL_INVALID;
    const addr = ptr(lo, hi);
    const rev = c.mem.read32(addr);
    if ((rev & 0x7fffffff) !== c.model.vmcsRevisionId || rev < 0) return VMX_FAIL_INVALID;
    c.vmx.on = true;
    c.vmx.vmxonPtr = addr;
    c.vmx.vmcsPtr = -1;
    c.vmx.vmxonEpoch = (c.vmx.vmxonEpoch + 1) & 0x3fffffff;
    return VMX_SUCCEED;
  }
  if (c.cpl > 0) return 'gp';
  return vmFail(c, VmInstructionError.VMXON_IN_VMX_ROOT_OPERATION);
}

/** VMXOFF after the prefix checks: leave VMX operation (no dual-monitor treatment here). */
export function vmxoff(c: Cpu): VmxResult {
  settleHostState(c);
  const result = VMX_SUCCEED;
  c.vmx.on = false;
  c.vmx.vmxonPtr = -1;
  c.vmx.vmcsPtr = -1;
  return result;
}

export function vmclear(c: Cpu, lo: number, hi: number): VmxResult {
  settleHostState(c);
  if ((lo & 0xfff) !== 0 || !physOk(c, lo, hi)) return vmFail(c, VmInstructionError.VMCLEAR_INVALID_ADDRESS);
  const addr = ptr(lo, hi);
  if (addr === c.vmx.vmxonPtr) return vmFail(c, VmInstructionError.VMCLEAR_VMXON_POINTER);
  // The data is already in the region (see vmcs.ts); set the launch state to "clear".
  setLaunchState(c, addr, 0);
  c.mem.write32(addr + VMCS_CHECKED_OFFSET, 0);
  if (addr === c.vmx.vmcsPtr) c.vmx.vmcsPtr = -1;
  return VMX_SUCCEED;
}

export function vmptrld(c: Cpu, lo: number, hi: number): VmxResult {
  settleHostState(c);
  if ((lo & 0xfff) !== 0 || !physOk(c, lo, hi)) return vmFail(c, VmInstructionError.VMPTRLD_INVALID_ADDRESS);
  const addr = ptr(lo, hi);
  if (addr === c.vmx.vmxonPtr) return vmFail(c, VmInstructionError.VMPTRLD_VMXON_POINTER);
  const rev = c.mem.read32(addr);
  // Bit 31 (shadow VMCS) is accepted only when VMCS shadowing can be enabled (not on the models here).
  if ((rev & 0x7fffffff) !== c.model.vmcsRevisionId || rev < 0) return vmFail(c, VmInstructionError.VMPTRLD_INCORRECT_VMCS_REVISION_ID);
  c.vmx.vmcsPtr = addr;
  return VMX_SUCCEED;
}

/** Field lookup shared by VMREAD/VMWRITE: the slot, or -1 for an unsupported component. */
export function supportedSlot(c: Cpu, encoding: number): number {
  const slot = fieldSlot(encoding);
  if (slot < 0 || c.model.vmcsSlotSupported[slot] !== 1) return -1;
  return slot;
}

/**
 * Per-slot field width (16, 32, 64; natural width counts as 32 here, as both VMREAD and VMWRITE treat it like a
 * 32-bit field in this IA-32 core) and whether the field is a read-only VM-exit information field: the same facts
 * as `VMCS_FIELDS[slot].width` / `.type`, as typed arrays read on every VMREAD/VMWRITE.
 */
const SLOT_WIDTH = Uint8Array.from(VMCS_FIELDS, (f) => (f.width === 16 ? 16 : f.width === 64 ? 64 : 32));
const SLOT_EXIT_INFO = Uint8Array.from(VMCS_FIELDS, (f) => (f.type === 'exit-info' ? 1 : 0));

/** Result value of the last successful `vmread`. */
export const vmreadValue = { lo: 0, hi: 0 };

/** VMREAD in 32-bit mode: a 32-bit destination; wider fields are truncated, narrower zero-extended. */
export function vmread(c: Cpu, encoding: number): VmxResult {
  if (c.vmx.vmcsPtr === -1) return VMX_FAIL_INVALID;
  const slot = supportedSlot(c, encoding);
  if (slot < 0) return VmInstructionError.UNSUPPORTED_VMCS_COMPONENT;
  const width = SLOT_WIDTH[slot];
  const base = c.vmx.vmcsPtr + slotOffset(slot);
  const mem = c.mem;
  // The current-VMCS pointer is 4-KiB aligned and VMPTRLD read its revision identifier from RAM, so the slot is
  // an aligned pair of words in RAM: read them straight from the 32-bit view (what `read32` does for them).
  let lo: number;
  let hi: number;
  if (base + 8 <= mem.size) {
    lo = mem.i32[base >>> 2];
    hi = mem.i32[(base >>> 2) + 1];
  } else {
    lo = mem.read32(base);
    hi = mem.read32(base + 4);
  }
  if ((encoding & 1) !== 0) {
    vmreadValue.lo = hi;
  } else if (width === 16) {
    vmreadValue.lo = lo & 0xffff;
  } else {
    vmreadValue.lo = lo;
  }
  vmreadValue.hi = width === 64 && (encoding & 1) === 0 ? hi : 0;
  return VMX_SUCCEED;
}

/** VMWRITE in 32-bit mode (the source operand already read). */
export function vmwrite(c: Cpu, encoding: number, value: number, valueHi = 0): VmxResult {
  if (c.vmx.vmcsPtr === -1) return VMX_FAIL_INVALID;
  const slot = supportedSlot(c, encoding);
  if (slot < 0) return VmInstructionError.UNSUPPORTED_VMCS_COMPONENT;
  if (SLOT_EXIT_INFO[slot] !== 0) {
    const misc = c.model.capabilityMsr(0x485);
    if (misc === undefined || (misc.lo & (1 << 29)) === 0) return VmInstructionError.VMWRITE_READ_ONLY_VMCS_COMPONENT;
  }
  const base = c.vmx.vmcsPtr + slotOffset(slot);
  const inval = CHECK_INVALIDATION[slot];
  // A host-state field (or a control the host-state load reads) written while a VM exit's host-state load is
  // pending: load the host state the exit would have loaded first (exit.ts `deferHostState`).
  if ((inval & CHECKED_HOST) !== 0 && c.pendingHostVmcs !== -1) settleHostState(c);
  if (inval !== 0) {
    const k = (c.vmx.vmcsPtr + VMCS_CHECKED_OFFSET) >>> 2;
    c.mem.i32[k] &= ~inval;
  }
  const width = SLOT_WIDTH[slot];
  const mem = c.mem;
  if ((encoding & 1) !== 0) {
    mem.write32(base + 4, value); // high access: bits 63:32 only
    return VMX_SUCCEED;
  }
  const lo = width === 16 ? value & 0xffff : value;
  const hi = width === 64 ? valueHi : 0; // 32-bit operand: the high bits of a 64-bit field are cleared (valueHi = 0)
  const page = base >>> 12;
  if (base + 8 <= mem.size && mem.codePages[page] === 0) {
    // An aligned pair of words in RAM (see vmread) on a page without decoded code: what two `write32` calls do.
    mem.dirtyPages[page] = 1;
    mem.i32[base >>> 2] = lo;
    mem.i32[(base >>> 2) + 1] = hi;
  } else {
    mem.write32(base, lo);
    mem.write32(base + 4, hi);
  }
  return VMX_SUCCEED;
}

/**
 * VMLAUNCH / VMRESUME after the prefix checks (SDM VMLAUNCH/VMRESUME pseudocode). Returns a VMfail result,
 * or VMX_SUCCEED when the entry was attempted: then the processor is either in non-root operation or
 * (VM-entry failure) back in root operation at HOST_RIP with exit reason 33/34.
 */
export function vmlaunch(c: Cpu, resume: boolean): VmxResult {
  const p = c.vmx.vmcsPtr;
  // A VMRESUME of the VMCS whose exit left the host-state load pending takes the short way when the guest
  // state it would load is the one the registers hold (exit.ts); anything else happens on the loaded host state.
  if (c.pendingHostVmcs !== -1 && !(resume && residentResume(c, p))) settleHostState(c);
  if (p === -1) return VMX_FAIL_INVALID;
  if (c.intShadow === 2) return VmInstructionError.ENTRY_EVENTS_BLOCKED_BY_MOV_SS;
  const ls = launchState(c, p);
  if (!resume && ls !== 0) return VmInstructionError.VMLAUNCH_NONCLEAR_VMCS;
  if (resume && ls === 0) return VmInstructionError.VMRESUME_NONLAUNCHED_VMCS;
  if (resume && (ls >>> 1) !== c.vmx.vmxonEpoch) return VmInstructionError.VMRESUME_AFTER_VMXOFF;
  // Check classes this VMCS already passed and whose fields no VMWRITE has touched since are not repeated
  // (vmcs.ts VMCS_CHECKED_OFFSET): same outcome, less work on the VM-exit/VM-entry round trip.
  const checked = c.mem.i32[(p + VMCS_CHECKED_OFFSET) >>> 2];
  if ((checked & CHECKED_CONTROLS) === 0 && !checkControls(c, p)) return VmInstructionError.ENTRY_INVALID_CONTROL_FIELD;
  if ((checked & CHECKED_HOST) === 0 && !checkHostState(c, p)) return VmInstructionError.ENTRY_INVALID_HOST_STATE_FIELD;
  c.mem.i32[(p + VMCS_CHECKED_OFFSET) >>> 2] = checked | CHECKED_CONTROLS | CHECKED_HOST;
  enterGuest(c, p, !resume, (checked & CHECKED_GUEST) !== 0);
  return VMX_SUCCEED;
}

/** VMRESUME will pass its checks without repeating any (launched in this VMXON epoch, every check class passed,
 * the default VMCS link pointer) and load the guest state the registers hold (exit.ts `residentGuestEntry`). */
function residentResume(c: Cpu, p: number): boolean {
  if (p === -1) return false;
  const m = c.mem.i32;
  const ls = launchState(c, p);
  if (ls === 0 || (ls >>> 1) !== c.vmx.vmxonEpoch) return false;
  if ((m[(p + VMCS_CHECKED_OFFSET) >>> 2] & ALL_CHECKED) !== ALL_CHECKED) return false;
  const link = (p + VO.VMCS_LINK_POINTER) >>> 2;
  if (m[link] !== -1 || m[link + 1] !== -1) return false;
  return residentGuestEntry(c, p);
}
const ALL_CHECKED = CHECKED_CONTROLS | CHECKED_HOST | CHECKED_GUEST;

function eptVpidCap(c: Cpu, bit: number): boolean {
  const m = c.model.capabilityMsr(0x48c);
  if (m === undefined) return false;
  return bit < 32 ? ((m.lo >>> bit) & 1) !== 0 : ((m.hi >>> (bit - 32)) & 1) !== 0;
}

/** INVEPT with the type and descriptor read (SDM INVEPT). */
export function invept(c: Cpu, type: number, eptpLo: number, eptpHi: number): VmxResult {
  settleHostState(c); // (the TLB flush is the same either way; the VMM's INVEPT is off the short path)
  const supported = (type === 1 && eptVpidCap(c, 25)) || (type === 2 && eptVpidCap(c, 26));
  if (!supported) return vmFail(c, VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
  if (type === 1 && !eptpValid(c, eptpLo, eptpHi)) return vmFail(c, VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
  c.flushTlbAll(); // combined and guest-physical mappings for the EPTP (or all): this core flushes everything
  return VMX_SUCCEED;
}

/**
 * Canonical linear address on these Intel 64 processors (48-bit linear addresses: bits 63:47 all equal;
 * SDM Vol. 1 §3.3.7.1). `hi` holds bits 63:32.
 */
function canonical(_lo: number, hi: number): boolean {
  const top = hi >> 15;
  return top === 0 || top === -1;
}

/** INVVPID with the type and descriptor read (SDM INVVPID; KUT invvpid_test). */
export function invvpid(c: Cpu, type: number, d0: number, d1: number, linLo: number, linHi = 0): VmxResult {
  settleHostState(c);
  // IA32_VMX_EPT_VPID_CAP bits 40–43: INVVPID types 0–3 supported (SDM App. A.10).
  if (type < 0 || type > 3 || !eptVpidCap(c, 40 + type)) return vmFail(c, VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
  if ((d0 & 0xffff0000) !== 0 || d1 !== 0) return vmFail(c, VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
  const vpid = d0 & 0xffff;
  if (type !== 2 && vpid === 0) return vmFail(c, VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
  // Individual-address invalidation: the linear address (descriptor bits 127:64) must be canonical.
  if (type === 0 && !canonical(linLo, linHi)) return vmFail(c, VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
  if (type === 2) c.flushTlbAll();
  else c.flushTlbAsid(vpid); // individual-address invalidation may invalidate more than asked (SDM §28.3.3)
  return VMX_SUCCEED;
}

// ====================================================================== decoded instructions

/** The #UD / VM-exit / #GP prefix shared by the VMX instructions (SDM §30.1 and each pseudocode). */
function prefix(c: Cpu, i: Insn, reason: number, qual = 0, info = 0): boolean {
  if (!c.vmx.on || (c.cr0 & Cr0.PE) === 0 || (c.eflags & Flag.VM) !== 0) c.ud();
  if (c.vmx.nonRoot) {
    exitInsn(c, i, reason, qual, info, 0, qual !== 0 ? dispQualHi(c, i) : 0);
    return true;
  }
  if (c.cpl > 0) c.gp(0);
  return false;
}

/** Reads a 64-bit memory operand (two dwords; the segment check covers all 8 bytes). */
function readM64(c: Cpu, i: Insn, out: { lo: number; hi: number }): void {
  const ea = c.ea(i);
  const lin = c.linear(i.seg, ea, 8, false);
  out.lo = c.readLin32(lin);
  out.hi = c.readLin32((lin + 4) | 0);
}
const M64 = { lo: 0, hi: 0 };

function done(c: Cpu, i: Insn): void {
  c.eip = (c.eip + i.len) | 0;
}

export function execVmxon(c: Cpu, i: Insn): void {
  // #UD: register operand, CR4.VMXE = 0, CR0.PE = 0, RFLAGS.VM = 1 (SDM VMXON).
  if (i.mod === 3 || (c.cr4 & Cr4.VMXE) === 0 || (c.cr0 & Cr0.PE) === 0 || (c.eflags & Flag.VM) !== 0) c.ud();
  if (c.vmx.nonRoot) {
    exitInsn(c, i, VmExitReason.VMXON, i.disp, encodeVmxPointerInfo(memoryOperandInfo(i)), 0, dispQualHi(c, i));
    return;
  }
  if (!c.vmx.on) {
    // #GP checks come before the operand is read.
    if (c.cpl > 0 || !crFixedOk(c, c.cr0, 0x486) || !crFixedOk(c, c.cr4, 0x488) || !featureControlAllowsVmxon(c)) c.gp(0);
    readM64(c, i, M64);
  } else if (c.cpl > 0) c.gp(0);
  const r = vmxon(c, M64.lo, M64.hi);
  if (r === 'gp') c.gp(0);
  applyVmxResult(c, VmxInstruction.VMXON, r, M64.lo);
  done(c, i);
}

export function execVmxoff(c: Cpu, i: Insn): void {
  if (prefix(c, i, VmExitReason.VMXOFF)) return;
  const r = vmxoff(c);
  applyVmxResult(c, VmxInstruction.VMXOFF, r);
  done(c, i);
}

export function execVmclear(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  if (prefix(c, i, VmExitReason.VMCLEAR, i.disp, encodeVmxPointerInfo(memoryOperandInfo(i)))) return;
  readM64(c, i, M64);
  applyVmxResult(c, VmxInstruction.VMCLEAR, vmclear(c, M64.lo, M64.hi), M64.lo);
  done(c, i);
}

export function execVmptrld(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  if (prefix(c, i, VmExitReason.VMPTRLD, i.disp, encodeVmxPointerInfo(memoryOperandInfo(i)))) return;
  readM64(c, i, M64);
  applyVmxResult(c, VmxInstruction.VMPTRLD, vmptrld(c, M64.lo, M64.hi), M64.lo);
  done(c, i);
}

export function execVmptrst(c: Cpu, i: Insn): void {
  if (i.mod === 3) c.ud();
  if (prefix(c, i, VmExitReason.VMPTRST, i.disp, encodeVmxPointerInfo(memoryOperandInfo(i)))) return;
  const ea = c.ea(i);
  const lin = c.linear(i.seg, ea, 8, true);
  const v = c.vmx.vmcsPtr;
  const lo = v === -1 ? -1 : v % 0x100000000 | 0;
  const hi = v === -1 ? -1 : Math.floor(v / 0x100000000);
  c.writeLin32(lin, lo);
  c.writeLin32((lin + 4) | 0, hi);
  applyVmxResult(c, VmxInstruction.VMPTRST, VMX_SUCCEED, lo);
  done(c, i);
}

/** VMREAD r/m32, r32 (0F 78): the field encoding is in the register named by ModRM.reg. */
export function execVmread(c: Cpu, i: Insn): void {
  const mem = i.mod !== 3;
  const info = encodeVmreadVmwriteInfo(mem ? memoryOperandInfo(i) : 0, mem ? -1 : i.rm, i.reg);
  if (prefix(c, i, VmExitReason.VMREAD, mem ? i.disp : 0, info)) return;
  const encoding = c.regs[i.reg];
  const r = vmread(c, encoding);
  if (r === VMX_SUCCEED) {
    // The destination is written only after the pointer and field checks (memory faults happen here).
    if (mem) c.write32(i.seg, c.ea(i), vmreadValue.lo);
    else c.regs[i.rm] = vmreadValue.lo;
  }
  applyVmxResult(c, VmxInstruction.VMREAD, r, encoding, vmreadValue.lo, vmreadValue.hi);
  done(c, i);
}

/** VMWRITE r32, r/m32 (0F 79): the field encoding is in ModRM.reg, the value in r/m. */
export function execVmwrite(c: Cpu, i: Insn): void {
  const mem = i.mod !== 3;
  const info = encodeVmreadVmwriteInfo(mem ? memoryOperandInfo(i) : 0, mem ? -1 : i.rm, i.reg);
  if (prefix(c, i, VmExitReason.VMWRITE, mem ? i.disp : 0, info)) return;
  const encoding = c.regs[i.reg];
  let r: VmxResult;
  let value = 0;
  if (c.vmx.vmcsPtr === -1) r = VMX_FAIL_INVALID;
  else {
    // The source is read after the current-VMCS check and before the field checks (SDM VMWRITE).
    value = mem ? c.read32(i.seg, c.ea(i)) : c.regs[i.rm];
    r = vmwrite(c, encoding, value);
  }
  applyVmxResult(c, VmxInstruction.VMWRITE, r, encoding, value);
  done(c, i);
}

export function execVmlaunch(c: Cpu, i: Insn): void {
  const resume = i.mnem === 'vmresume';
  if (prefix(c, i, resume ? VmExitReason.VMRESUME : VmExitReason.VMLAUNCH)) return;
  const p = c.vmx.vmcsPtr;
  const eip = c.eip;
  const r = vmlaunch(c, resume);
  if (r !== VMX_SUCCEED) {
    applyVmxResult(c, resume ? VmxInstruction.VMRESUME : VmxInstruction.VMLAUNCH, r);
    c.eip = (eip + i.len) | 0; // VMfail: control passes to the next instruction
    return;
  }
  void p;
}

/** VMCALL (0F 01 C1): a VM exit in non-root operation; in root operation VMfail(1) (no dual-monitor SMM). */
export function execVmcall(c: Cpu, i: Insn): void {
  if (!c.vmx.on) c.ud();
  if (c.vmx.nonRoot) {
    exitInsn(c, i, VmExitReason.VMCALL);
    return;
  }
  if ((c.eflags & Flag.VM) !== 0) c.ud();
  if (c.cpl > 0) c.gp(0);
  applyVmxResult(c, VmxInstruction.VMCALL, vmFail(c, VmInstructionError.VMCALL_IN_VMX_ROOT_OPERATION));
  done(c, i);
}

/** Reads the 128-bit INVEPT/INVVPID descriptor as four dwords. */
function readM128(c: Cpu, i: Insn, out: Int32Array): void {
  const lin = c.linear(i.seg, c.ea(i), 16, false);
  for (let k = 0; k < 4; k++) out[k] = c.readLin32((lin + 4 * k) | 0);
}
const M128 = new Int32Array(4);

export function execInvept(c: Cpu, i: Insn): void {
  if (i.mod === 3 || !eptVpidCap(c, 20)) c.ud();
  const info = encodeInvalidationInfo(memoryOperandInfo(i), i.reg);
  if (prefix(c, i, VmExitReason.INVEPT, i.disp, info)) return;
  const type = c.regs[i.reg] >>> 0;
  let r: VmxResult;
  const supported = (type === 1 && eptVpidCap(c, 25)) || (type === 2 && eptVpidCap(c, 26));
  if (!supported) r = vmFail(c, VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
  else {
    readM128(c, i, M128);
    r = invept(c, type, M128[0], M128[1]);
  }
  applyVmxResult(c, VmxInstruction.INVEPT, r, type);
  done(c, i);
}

export function execInvvpid(c: Cpu, i: Insn): void {
  if (i.mod === 3 || !eptVpidCap(c, 32)) c.ud();
  const info = encodeInvalidationInfo(memoryOperandInfo(i), i.reg);
  if (prefix(c, i, VmExitReason.INVVPID, i.disp, info)) return;
  const type = c.regs[i.reg] >>> 0;
  let r: VmxResult;
  if (type > 3 || !eptVpidCap(c, 40 + type)) r = vmFail(c, VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID);
  else {
    readM128(c, i, M128);
    r = invvpid(c, type, M128[0], M128[1], M128[2], M128[3]);
  }
  applyVmxResult(c, VmxInstruction.INVVPID, r, type);
  done(c, i);
}

/** VMFUNC (0F 01 D4): no VM functions are offered by these models, so it is #UD everywhere (SDM VMFUNC). */
export function execVmfunc(c: Cpu, _i: Insn): void {
  c.ud();
}
