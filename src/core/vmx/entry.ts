/**
 * VM entries (SDM Vol. 3C Ch. 26): checks on the VMX controls (§26.2.1 → VMfailValid(7)), on the host-state
 * area (§26.2.2–26.2.4 → VMfailValid(8)), on the guest-state area (§26.3.1 → VM-entry failure, exit reason
 * 33 with bit 31 set), loading guest state (§26.3.2) and PDPTEs (§26.3.1.6, qualification 2), MSR loading
 * (§26.4 → exit reason 34), event injection (§26.6) and the start of non-root operation.
 *
 * Each check is a small predicate returning true when the state is valid; the first failing check of a
 * class decides the outcome. The SDM lets control and host-state checks be performed in any order
 * (footnote to Table 30-1); this core checks controls first, as Bochs and KVM do.
 */
import { Ar, Cr0, Cr4, EventType, Flag, Seg, Vec } from '../x86/arch.ts';
import { Activity, type Cpu } from '../x86/cpu.ts';
import { loadPdptes } from '../x86/mmu.ts';
import { patValid } from '../x86/msr.ts';
import { deliverEvent } from '../x86/interrupts.ts';
import { EventKind } from '../trace/events.ts';
import {
  EntryControls,
  ExitControls,
  PinBased,
  ProcBased,
  ProcBased2,
} from './spec/controls.ts';
import { VmExitReason } from './spec/exit-reasons.ts';
import { VmInstructionError } from './spec/instruction-errors.ts';
import { CR0_KEEP, GUEST_SEGMENT_FIELDS, GUEST_SEGMENT_WORDS, loadMsrListAt, preemptionRate, vmEntryFailure, vmExit } from './exit.ts';
import { exceptionCausesExit, interruptionInfo } from './nonroot.ts';
import { CHECKED_GUEST, VMCS_CHECKED_OFFSET, VO, VW, vr } from './vmcs.ts';

/** Word indexes (offset >>> 2) of the VMCS fields this module reads and writes by word, as module constants so
 * the VM-exit and VM-entry paths index the region directly instead of calling `wget`/`wput` per field. */
const {
  CPU_BASED_VM_EXEC_CONTROL: W_CPU_BASED_VM_EXEC_CONTROL,
  CR0_GUEST_HOST_MASK: W_CR0_GUEST_HOST_MASK,
  CR0_READ_SHADOW: W_CR0_READ_SHADOW,
  CR3_TARGET_COUNT: W_CR3_TARGET_COUNT,
  CR3_TARGET_VALUE0: W_CR3_TARGET_VALUE0,
  CR3_TARGET_VALUE1: W_CR3_TARGET_VALUE1,
  CR3_TARGET_VALUE2: W_CR3_TARGET_VALUE2,
  CR3_TARGET_VALUE3: W_CR3_TARGET_VALUE3,
  CR4_GUEST_HOST_MASK: W_CR4_GUEST_HOST_MASK,
  CR4_READ_SHADOW: W_CR4_READ_SHADOW,
  EPT_POINTER: W_EPT_POINTER,
  EXCEPTION_BITMAP: W_EXCEPTION_BITMAP,
  GUEST_ACTIVITY_STATE: W_GUEST_ACTIVITY_STATE,
  GUEST_CR0: W_GUEST_CR0,
  GUEST_CR3: W_GUEST_CR3,
  GUEST_CR4: W_GUEST_CR4,
  GUEST_DR7: W_GUEST_DR7,
  GUEST_GDTR_BASE: W_GUEST_GDTR_BASE,
  GUEST_GDTR_LIMIT: W_GUEST_GDTR_LIMIT,
  GUEST_IA32_DEBUGCTL: W_GUEST_IA32_DEBUGCTL,
  GUEST_IA32_EFER: W_GUEST_IA32_EFER,
  GUEST_IA32_PAT: W_GUEST_IA32_PAT,
  GUEST_IDTR_BASE: W_GUEST_IDTR_BASE,
  GUEST_IDTR_LIMIT: W_GUEST_IDTR_LIMIT,
  GUEST_INTERRUPTIBILITY_INFO: W_GUEST_INTERRUPTIBILITY_INFO,
  GUEST_PENDING_DBG_EXCEPTIONS: W_GUEST_PENDING_DBG_EXCEPTIONS,
  GUEST_PDPTR0: W_GUEST_PDPTR0,
  GUEST_RFLAGS: W_GUEST_RFLAGS,
  GUEST_RIP: W_GUEST_RIP,
  GUEST_RSP: W_GUEST_RSP,
  GUEST_SYSENTER_CS: W_GUEST_SYSENTER_CS,
  GUEST_SYSENTER_EIP: W_GUEST_SYSENTER_EIP,
  GUEST_SYSENTER_ESP: W_GUEST_SYSENTER_ESP,
  IO_BITMAP_A: W_IO_BITMAP_A,
  IO_BITMAP_B: W_IO_BITMAP_B,
  MSR_BITMAP: W_MSR_BITMAP,
  PAGE_FAULT_ERROR_CODE_MASK: W_PAGE_FAULT_ERROR_CODE_MASK,
  PAGE_FAULT_ERROR_CODE_MATCH: W_PAGE_FAULT_ERROR_CODE_MATCH,
  PIN_BASED_VM_EXEC_CONTROL: W_PIN_BASED_VM_EXEC_CONTROL,
  PLE_GAP: W_PLE_GAP,
  PLE_WINDOW: W_PLE_WINDOW,
  SECONDARY_VM_EXEC_CONTROL: W_SECONDARY_VM_EXEC_CONTROL,
  TSC_OFFSET: W_TSC_OFFSET,
  VIRTUAL_PROCESSOR_ID: W_VIRTUAL_PROCESSOR_ID,
  VMCS_LINK_POINTER: W_VMCS_LINK_POINTER,
  VMX_PREEMPTION_TIMER_VALUE: W_VMX_PREEMPTION_TIMER_VALUE,
  VM_ENTRY_CONTROLS: W_VM_ENTRY_CONTROLS,
  VM_ENTRY_EXCEPTION_ERROR_CODE: W_VM_ENTRY_EXCEPTION_ERROR_CODE,
  VM_ENTRY_INSTRUCTION_LEN: W_VM_ENTRY_INSTRUCTION_LEN,
  VM_ENTRY_INTR_INFO_FIELD: W_VM_ENTRY_INTR_INFO_FIELD,
  VM_ENTRY_MSR_LOAD_ADDR: W_VM_ENTRY_MSR_LOAD_ADDR,
  VM_ENTRY_MSR_LOAD_COUNT: W_VM_ENTRY_MSR_LOAD_COUNT,
  VM_EXIT_CONTROLS: W_VM_EXIT_CONTROLS,
} = VW;

const { SEL, BASE, LIMIT, AR } = GUEST_SEGMENT_FIELDS;
const { SEL: SEL_W, BASE: BASE_W, LIMIT: LIMIT_W, AR: AR_W } = GUEST_SEGMENT_WORDS;

/** Result of the control and host-state checks: 0 = valid, else the VM-instruction error number. */
export type EntryCheck = 0 | VmInstructionError.ENTRY_INVALID_CONTROL_FIELD | VmInstructionError.ENTRY_INVALID_HOST_STATE_FIELD;

// ------------------------------------------------------------------------------------ capability helpers

function msr(c: Cpu, index: number): { lo: number; hi: number } | undefined {
  return c.model.capabilityMsr(index);
}

/** An absent capability MSR: nothing allowed (no allocation on the entry path). */
const NO_MSR: { readonly lo: number; readonly hi: number } = Object.freeze({ lo: 0, hi: 0 });
/** Host selector fields checked for RPL = TI = 0 (SDM Vol. 3C §26.2.3). */
const HOST_SELECTORS: readonly number[] = Object.freeze([
  VO.HOST_ES_SELECTOR, VO.HOST_CS_SELECTOR, VO.HOST_SS_SELECTOR, VO.HOST_DS_SELECTOR, VO.HOST_FS_SELECTOR, VO.HOST_GS_SELECTOR, VO.HOST_TR_SELECTOR,
]);
/** DS, ES, FS, GS: the data-segment checks of SDM Vol. 3C §26.3.1.2. */
const DATA_SEGS: readonly number[] = Object.freeze([Seg.DS, Seg.ES, Seg.FS, Seg.GS]);
/** The segment registers a virtual-8086 guest loads real-mode style (§26.3.1.2). */
const V86_SEGS: readonly number[] = Object.freeze([Seg.CS, Seg.SS, Seg.DS, Seg.ES, Seg.FS, Seg.GS]);
/** Vectors whose hardware exceptions deliver an error code: 8, 10–14, 17 (SDM Vol. 3C §26.2.1.3). */
const ERROR_CODE_VECTORS = (1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14) | (1 << 17);
/** Scratch for the four PDPTE fields (checked before any state changes). */
const PDPTE_SCRATCH = new Int32Array(8);

/** The allowed-0 / allowed-1 pair the processor enforces: the TRUE MSR when IA32_VMX_BASIC[55] = 1. */
function allowed(c: Cpu, plain: number, trueMsr: number): { lo: number; hi: number } {
  const basic = msr(c, 0x480);
  if (basic !== undefined && (basic.hi & (1 << 23)) !== 0) {
    const t = msr(c, trueMsr);
    if (t !== undefined) return t;
  }
  return msr(c, plain) ?? NO_MSR;
}

/** SDM App. A.3: bit X of the control must be 1 if bit X of the low half is 1, 0 if bit X of the high half is 0. */
function controlOk(v: number, a: { lo: number; hi: number }): boolean {
  return (v & a.lo) === a.lo && (v & ~a.hi) === 0;
}

function physWidthOk(c: Cpu, _addrLo: number, addrHi: number): boolean {
  const width = physAddrWidth(c);
  if (width >= 64) return true;
  if (width <= 32) return addrHi === 0;
  return (addrHi >>> (width - 32)) === 0;
}

/** Physical-address width for VMX pointers: 32 when IA32_VMX_BASIC[48] = 1 (SDM App. A.1). */
export function physAddrWidth(c: Cpu): number {
  const basic = msr(c, 0x480);
  if (basic !== undefined && (basic.hi & (1 << 16)) !== 0) return 32;
  return c.model.maxPhysAddr;
}

function capBit(c: Cpu, index: number, bit: number): boolean {
  const m = msr(c, index);
  if (m === undefined) return false;
  return bit < 32 ? ((m.lo >>> bit) & 1) !== 0 : ((m.hi >>> (bit - 32)) & 1) !== 0;
}

/** CR0/CR4 against IA32_VMX_CRn_FIXED0/1 (SDM App. A.7/A.8). `exempt` bits are not checked. */
export function crFixedOk(c: Cpu, value: number, fixed0Msr: number, exempt = 0): boolean {
  const f0 = msr(c, fixed0Msr);
  const f1 = msr(c, fixed0Msr + 1);
  if (f0 === undefined || f1 === undefined) return true;
  const must1 = f0.lo & ~exempt;
  const may1 = f1.lo | exempt;
  return (value & must1) === must1 && (value & ~may1) === 0;
}

// ------------------------------------------------------------------------------------ §26.2.1 controls

/** Checks the VM-execution, VM-exit and VM-entry control fields (SDM Vol. 3C §26.2.1). */
export function checkControls(c: Cpu, p: number): boolean {
  const pin = vr(c, p, VO.PIN_BASED_VM_EXEC_CONTROL);
  const proc = vr(c, p, VO.CPU_BASED_VM_EXEC_CONTROL);
  const exit = vr(c, p, VO.VM_EXIT_CONTROLS);
  const entry = vr(c, p, VO.VM_ENTRY_CONTROLS);
  // §26.2.1.1 VM-execution control fields
  if (!controlOk(pin, allowed(c, 0x481, 0x48d))) return false;
  if (!controlOk(proc, allowed(c, 0x482, 0x48e))) return false;
  let proc2 = 0;
  if ((proc & ProcBased.ACTIVATE_SECONDARY_CONTROLS) !== 0) {
    proc2 = vr(c, p, VO.SECONDARY_VM_EXEC_CONTROL);
    const a2 = msr(c, 0x48b) ?? NO_MSR;
    if (!controlOk(proc2, a2)) return false;
  }
  const misc = msr(c, 0x485);
  const maxTargets = misc === undefined ? 0 : (misc.lo >>> 16) & 0x1ff;
  if ((vr(c, p, VO.CR3_TARGET_COUNT) >>> 0) > maxTargets) return false;
  if ((proc & ProcBased.USE_IO_BITMAPS) !== 0) {
    if ((vr(c, p, VO.IO_BITMAP_A) & 0xfff) !== 0 || !physWidthOk(c, vr(c, p, VO.IO_BITMAP_A), vr(c, p, VO.IO_BITMAP_A + 4))) return false;
    if ((vr(c, p, VO.IO_BITMAP_B) & 0xfff) !== 0 || !physWidthOk(c, vr(c, p, VO.IO_BITMAP_B), vr(c, p, VO.IO_BITMAP_B + 4))) return false;
  }
  if ((proc & ProcBased.USE_MSR_BITMAPS) !== 0) {
    if ((vr(c, p, VO.MSR_BITMAP) & 0xfff) !== 0 || !physWidthOk(c, vr(c, p, VO.MSR_BITMAP), vr(c, p, VO.MSR_BITMAP + 4))) return false;
  }
  if ((proc & ProcBased.USE_TPR_SHADOW) === 0) {
    // Without a TPR shadow, x2APIC virtualization, APIC-register virtualization and virtual-interrupt delivery must be 0.
    if ((proc2 & (ProcBased2.VIRTUALIZE_X2APIC_MODE | ProcBased2.APIC_REGISTER_VIRTUALIZATION | ProcBased2.VIRTUAL_INTERRUPT_DELIVERY)) !== 0) return false;
  }
  // NMI exiting = 0 → virtual NMIs = 0; virtual NMIs = 0 → NMI-window exiting = 0.
  if ((pin & PinBased.NMI_EXITING) === 0 && (pin & PinBased.VIRTUAL_NMIS) !== 0) return false;
  if ((pin & PinBased.VIRTUAL_NMIS) === 0 && (proc & ProcBased.NMI_WINDOW_EXITING) !== 0) return false;
  if ((proc2 & ProcBased2.ENABLE_VPID) !== 0 && (vr(c, p, VO.VIRTUAL_PROCESSOR_ID) & 0xffff) === 0) return false;
  if ((proc2 & ProcBased2.ENABLE_EPT) !== 0 && !eptpValid(c, vr(c, p, VO.EPT_POINTER), vr(c, p, VO.EPT_POINTER + 4))) return false;
  if ((proc2 & ProcBased2.UNRESTRICTED_GUEST) !== 0 && (proc2 & ProcBased2.ENABLE_EPT) === 0) return false;
  // §26.2.1.2 VM-exit control fields
  if (!controlOk(exit, allowed(c, 0x483, 0x48f))) return false;
  if ((exit & ExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE) !== 0 && (pin & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER) === 0) return false;
  if (!msrListOk(c, p, VO.VM_EXIT_MSR_STORE_ADDR, VO.VM_EXIT_MSR_STORE_COUNT)) return false;
  if (!msrListOk(c, p, VO.VM_EXIT_MSR_LOAD_ADDR, VO.VM_EXIT_MSR_LOAD_COUNT)) return false;
  // §26.2.1.3 VM-entry control fields
  if (!controlOk(entry, allowed(c, 0x484, 0x490))) return false;
  if ((entry & (EntryControls.ENTRY_TO_SMM | EntryControls.DEACTIVATE_DUAL_MONITOR_TREATMENT)) !== 0) return false;
  if (!msrListOk(c, p, VO.VM_ENTRY_MSR_LOAD_ADDR, VO.VM_ENTRY_MSR_LOAD_COUNT)) return false;
  if (!eventInjectionOk(c, p, proc2)) return false;
  return true;
}

/** MSR-store/-load area: address bits 3:0 zero and the whole list within the physical-address width. */
function msrListOk(c: Cpu, p: number, addrOff: number, countOff: number): boolean {
  const count = vr(c, p, countOff) >>> 0;
  if (count === 0) return true;
  const lo = vr(c, p, addrOff) >>> 0;
  const hi = vr(c, p, addrOff + 4) >>> 0;
  if ((lo & 0xf) !== 0) return false;
  const last = hi * 0x100000000 + lo + 16 * count - 1;
  return last < 2 ** physAddrWidth(c);
}

/** EPTP checks (SDM Vol. 3C §26.2.1.1; KVM nested_vmx_check_eptp). */
export function eptpValid(c: Cpu, lo: number, hi: number): boolean {
  const type = lo & 7;
  if (!((type === 0 && capBit(c, 0x48c, 8)) || (type === 6 && capBit(c, 0x48c, 14)))) return false;
  const walk = (lo >>> 3) & 7;
  if (!(walk === 3 && capBit(c, 0x48c, 6))) return false;
  if ((lo & 0x40) !== 0 && !capBit(c, 0x48c, 21)) return false;
  if ((lo & 0xf80) !== 0) return false;
  return physWidthOk(c, lo, hi);
}

/** Event-injection field checks (SDM Vol. 3C §26.2.1.3). */
function eventInjectionOk(c: Cpu, p: number, proc2: number): boolean {
  const info = vr(c, p, VO.VM_ENTRY_INTR_INFO_FIELD);
  if (info >= 0) return true; // valid bit 31 clear
  const vector = info & 0xff;
  const type = (info >>> 8) & 7;
  if (type === 1) return false;
  if (type === 7) {
    if (!capBit(c, 0x482, 32 + 27) || vector !== 0) return false; // requires monitor-trap-flag support
  }
  if (type === EventType.NMI && vector !== Vec.NMI) return false;
  if (type === EventType.HARDWARE_EXCEPTION && vector > 31) return false;
  const deliverEc = (info & 0x800) !== 0;
  const basic = msr(c, 0x480);
  const relaxed = basic !== undefined && (basic.hi & (1 << 24)) !== 0; // IA32_VMX_BASIC[56]
  const guestPe = (vr(c, p, VO.GUEST_CR0) & Cr0.PE) !== 0;
  const unrestricted = (proc2 & ProcBased2.UNRESTRICTED_GUEST) !== 0;
  // Deliver-error-code must be 0 for any type other than hardware exception, and for a real-mode unrestricted guest;
  // IA32_VMX_BASIC[56] relaxes only the rule tying it to the vectors that push one (SDM Vol. 3C §26.2.1.3; KUT
  // test_invalid_event_injection checks the first two whatever that bit says).
  if (deliverEc && (type !== EventType.HARDWARE_EXCEPTION || (unrestricted && !guestPe))) return false;
  if (!relaxed) {
    const needsEc =
      type === EventType.HARDWARE_EXCEPTION &&
      vector < 32 &&
      ((ERROR_CODE_VECTORS >>> vector) & 1) !== 0 &&
      (!unrestricted || guestPe);
    if (deliverEc !== needsEc) return false;
  }
  if (deliverEc && (vr(c, p, VO.VM_ENTRY_EXCEPTION_ERROR_CODE) & 0xffff0000) !== 0) return false;
  if ((info & 0x7ffff000) !== 0) return false;
  if (type === EventType.SOFTWARE_INTERRUPT || type === EventType.PRIVILEGED_SOFTWARE_EXCEPTION || type === EventType.SOFTWARE_EXCEPTION) {
    const len = vr(c, p, VO.VM_ENTRY_INSTRUCTION_LEN) >>> 0;
    const misc = msr(c, 0x485);
    const zeroOk = misc !== undefined && (misc.lo & (1 << 30)) !== 0;
    if (len > 15 || (len === 0 && !zeroOk)) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------------ §26.2.2–4 host state

/** Checks the host-state area (SDM Vol. 3C §26.2.2–26.2.4). */
export function checkHostState(c: Cpu, p: number): boolean {
  const exit = vr(c, p, VO.VM_EXIT_CONTROLS);
  const entry = vr(c, p, VO.VM_ENTRY_CONTROLS);
  if (!crFixedOk(c, vr(c, p, VO.HOST_CR0), 0x486)) return false;
  if (!crFixedOk(c, vr(c, p, VO.HOST_CR4), 0x488)) return false;
  if (!physWidthOk(c, vr(c, p, VO.HOST_CR3), vr(c, p, VO.HOST_CR3 + 4))) return false;
  if ((exit & ExitControls.LOAD_IA32_PAT) !== 0 && !patValid(vr(c, p, VO.HOST_IA32_PAT), vr(c, p, VO.HOST_IA32_PAT + 4))) return false;
  if ((exit & ExitControls.LOAD_IA32_EFER) !== 0) {
    const efer = vr(c, p, VO.HOST_IA32_EFER);
    if ((efer & ~0xd01) !== 0 || vr(c, p, VO.HOST_IA32_EFER + 4) !== 0) return false;
    const lma = (efer & 0x400) !== 0;
    const lme = (efer & 0x100) !== 0;
    const hostLong = (exit & ExitControls.HOST_ADDRESS_SPACE_SIZE) !== 0;
    if (lma !== hostLong || lme !== hostLong) return false;
  }
  // §26.2.3 selectors: RPL and TI zero; CS, TR and (32-bit host) SS non-null.
  for (let k = 0; k < HOST_SELECTORS.length; k++) {
    if ((vr(c, p, HOST_SELECTORS[k]) & 7) !== 0) return false;
  }
  if ((vr(c, p, VO.HOST_CS_SELECTOR) & 0xffff) === 0) return false;
  if ((vr(c, p, VO.HOST_TR_SELECTOR) & 0xffff) === 0) return false;
  if ((exit & ExitControls.HOST_ADDRESS_SPACE_SIZE) === 0 && (vr(c, p, VO.HOST_SS_SELECTOR) & 0xffff) === 0) return false;
  // §26.2.4 address-space size: this processor runs IA-32 code (not IA-32e mode), so the host
  // address-space size must be 0, and then "IA-32e mode guest" must be 0 and HOST_CR4.PCIDE 0.
  if ((exit & ExitControls.HOST_ADDRESS_SPACE_SIZE) !== 0) return false;
  if ((entry & EntryControls.IA32E_MODE_GUEST) !== 0) return false;
  if ((vr(c, p, VO.HOST_CR4) & Cr4.PCIDE) !== 0) return false;
  return true;
}

// ------------------------------------------------------------------------------------ §26.3.1 guest state

/** Qualification of a guest-state failure (SDM Vol. 3C §27.2.1 / Linux vm_entry_failure_code). */
export const enum EntryFailureQual {
  DEFAULT = 0,
  PDPTE = 2,
  NMI_BLOCKED_BY_STI = 3,
  VMCS_LINK_POINTER = 4,
}

/**
 * Checks the guest-state area (SDM Vol. 3C §26.3.1). Returns -1 when valid, else the exit qualification
 * for the VM-entry failure (0, 3 or 4; PDPTE failures are detected while loading).
 */
export function checkGuestState(c: Cpu, p: number): number {
  const proc = vr(c, p, VO.CPU_BASED_VM_EXEC_CONTROL);
  const proc2 = (proc & ProcBased.ACTIVATE_SECONDARY_CONTROLS) !== 0 ? vr(c, p, VO.SECONDARY_VM_EXEC_CONTROL) : 0;
  const pin = vr(c, p, VO.PIN_BASED_VM_EXEC_CONTROL);
  const entry = vr(c, p, VO.VM_ENTRY_CONTROLS);
  const unrestricted = (proc2 & ProcBased2.UNRESTRICTED_GUEST) !== 0;
  const cr0 = vr(c, p, VO.GUEST_CR0);
  const cr4 = vr(c, p, VO.GUEST_CR4);
  const rflags = vr(c, p, VO.GUEST_RFLAGS);
  const info = vr(c, p, VO.VM_ENTRY_INTR_INFO_FIELD);
  const injecting = info < 0;
  const injType = (info >>> 8) & 7;
  const injVector = info & 0xff;

  // §26.3.1.1 control registers, debug registers, MSRs
  if (!crFixedOk(c, cr0, 0x486, unrestricted ? Cr0.PE | Cr0.PG : 0)) return 0;
  if ((cr0 & Cr0.PG) !== 0 && (cr0 & Cr0.PE) === 0) return 0;
  if (!crFixedOk(c, cr4, 0x488)) return 0;
  if ((cr4 & Cr4.PCIDE) !== 0) return 0; // not IA-32e mode guest
  if (!physWidthOk(c, vr(c, p, VO.GUEST_CR3), vr(c, p, VO.GUEST_CR3 + 4))) return 0;
  if ((entry & EntryControls.LOAD_DEBUG_CONTROLS) !== 0) {
    const dbg = vr(c, p, VO.GUEST_IA32_DEBUGCTL);
    if ((dbg & ~0x3) !== 0 || vr(c, p, VO.GUEST_IA32_DEBUGCTL + 4) !== 0) return 0;
    if (vr(c, p, VO.GUEST_DR7 + 4) !== 0) return 0;
  }
  if ((entry & EntryControls.LOAD_IA32_PAT) !== 0 && !patValid(vr(c, p, VO.GUEST_IA32_PAT), vr(c, p, VO.GUEST_IA32_PAT + 4))) return 0;
  if ((entry & EntryControls.LOAD_IA32_EFER) !== 0) {
    const efer = vr(c, p, VO.GUEST_IA32_EFER);
    if ((efer & ~0xd01) !== 0 || vr(c, p, VO.GUEST_IA32_EFER + 4) !== 0) return 0;
    const lma = (efer & 0x400) !== 0;
    if (lma !== ((entry & EntryControls.IA32E_MODE_GUEST) !== 0)) return 0;
    if ((cr0 & Cr0.PG) !== 0 && lma !== ((efer & 0x100) !== 0)) return 0;
  }

  // §26.3.1.2 segment registers
  const v86 = (rflags & Flag.VM) !== 0;
  if ((sel(c, p, Seg.TR) & 4) !== 0) return 0;
  if (usable(c, p, Seg.LDTR) && (sel(c, p, Seg.LDTR) & 4) !== 0) return 0;
  if (v86) {
    // A virtual-8086 guest (RFLAGS.VM = 1): CS, SS, DS, ES, FS and GS must each be the segment a real-mode-style load
    // of its selector gives, base = selector × 16, limit FFFFH, access rights F3H (present, DPL 3, read/write
    // accessed data, and so usable); the type, S, DPL and G rules of segmentAccessRightsOk are for other guests
    // (SDM Vol. 3C §26.3.1.2; KVM's vmx_guest_state_valid "rmode_segment_valid"; Bochs VMenterLoadCheckGuestState).
    // This is how a VMM without "unrestricted guest" runs real-mode code, such as a BIOS, under VT-x.
    for (let k = 0; k < V86_SEGS.length; k++) {
      const s = V86_SEGS[k];
      if (vr(c, p, BASE[s]) !== sel(c, p, s) << 4 || vr(c, p, BASE[s] + 4) !== 0) return 0;
      if (limit(c, p, s) !== 0xffff || ar(c, p, s) !== 0xf3) return 0;
    }
  } else if (!segmentAccessRightsOk(c, p, unrestricted, cr0)) return 0;
  {
    const a = ar(c, p, Seg.TR);
    const t = a & 0xf;
    if (!usable(c, p, Seg.TR) || (t !== 3 && t !== 11) || (a & Ar.S) !== 0 || (a & Ar.P) === 0) return 0;
    if (!segReservedOk(a) || !granularityOk(limit(c, p, Seg.TR), a)) return 0;
  }
  if (usable(c, p, Seg.LDTR)) {
    const a = ar(c, p, Seg.LDTR);
    if ((a & 0xf) !== 2 || (a & Ar.S) !== 0 || (a & Ar.P) === 0) return 0;
    if (!segReservedOk(a) || !granularityOk(limit(c, p, Seg.LDTR), a)) return 0;
  }

  // §26.3.1.3 descriptor-table registers
  if ((vr(c, p, VO.GUEST_GDTR_LIMIT) & 0xffff0000) !== 0) return 0;
  if ((vr(c, p, VO.GUEST_IDTR_LIMIT) & 0xffff0000) !== 0) return 0;

  // §26.3.1.4 RIP and RFLAGS
  if ((rflags & 0xffc08028) !== 0 || (rflags & 2) === 0) return 0;
  // "If the IA-32e mode guest VM-entry control is 1 or bit 0 in the CR0 field is 0, the VM flag must be 0": a
  // real-mode guest (unrestricted guest) is not in virtual-8086 mode.
  if (v86 && ((entry & EntryControls.IA32E_MODE_GUEST) !== 0 || (cr0 & Cr0.PE) === 0)) return 0;
  if (injecting && injType === EventType.EXTERNAL_INTERRUPT && (rflags & Flag.IF) === 0) return 0;

  // §26.3.1.5 non-register state
  const activity = vr(c, p, VO.GUEST_ACTIVITY_STATE) >>> 0;
  if (activity > 3) return 0;
  const misc = msr(c, 0x485);
  if (activity !== 0 && (misc === undefined || ((misc.lo >>> (5 + activity)) & 1) === 0)) return 0;
  if (activity === 1 && ((ar(c, p, Seg.SS) >>> 5) & 3) !== 0) return 0;
  const intr = vr(c, p, VO.GUEST_INTERRUPTIBILITY_INFO);
  const sti = (intr & 1) !== 0;
  const movss = (intr & 2) !== 0;
  if ((intr & 0xffffffe0) !== 0) return 0;
  if (sti && movss) return 0;
  if (sti && (rflags & Flag.IF) === 0) return 0;
  if (activity !== 0 && (sti || movss)) return 0;
  if ((intr & 4) !== 0) return 0; // blocking by SMI only in SMM
  if ((intr & 0x10) !== 0) return 0; // enclave interruption
  if (injecting) {
    if (injType === EventType.EXTERNAL_INTERRUPT && (sti || movss)) return 0;
    if (injType === EventType.NMI && movss) return 0;
    if (injType === EventType.NMI && (pin & PinBased.VIRTUAL_NMIS) !== 0 && (intr & 8) !== 0) return 0;
    // Activity states admit only some events (SDM §26.3.1.5): HLT takes external interrupts, NMIs, #DB, #MC
    // and MTF; shutdown takes NMIs and #MC; wait-for-SIPI takes none.
    if (activity === 1) {
      const ok =
        injType === EventType.EXTERNAL_INTERRUPT ||
        injType === EventType.NMI ||
        injType === 7 ||
        (injType === EventType.HARDWARE_EXCEPTION && (injVector === 1 || injVector === 18));
      if (!ok) return 0;
    } else if (activity === 2) {
      if (!(injType === EventType.NMI || (injType === EventType.HARDWARE_EXCEPTION && injVector === 18))) return 0;
    } else if (activity === 3) return 0;
    // Injecting an NMI while blocking by STI: processors that check this report qualification 3.
    if (injType === EventType.NMI && sti) return EntryFailureQual.NMI_BLOCKED_BY_STI;
  }
  const pend = vr(c, p, VO.GUEST_PENDING_DBG_EXCEPTIONS);
  if ((pend & 0xfffeaff0) !== 0 || vr(c, p, VO.GUEST_PENDING_DBG_EXCEPTIONS + 4) !== 0) return 0;
  if (sti || movss || activity === 1) {
    const tf = (rflags & Flag.TF) !== 0;
    // "the BTF flag in the IA32_DEBUGCTL field": the field, whether or not "load debug controls" loads it (§26.3.1.5).
    const btf = (vr(c, p, VO.GUEST_IA32_DEBUGCTL) & 2) !== 0;
    const bs = (pend & 0x4000) !== 0;
    if (tf && !btf && !bs) return 0;
    if ((!tf || btf) && bs) return 0;
  }
  // VMCS link pointer (§26.3.1.5): FFFFFFFF_FFFFFFFFH, or a valid non-shadow VMCS when shadowing is off.
  const linkLo = vr(c, p, VO.VMCS_LINK_POINTER);
  const linkHi = vr(c, p, VO.VMCS_LINK_POINTER + 4);
  if (!(linkLo === -1 && linkHi === -1)) {
    if ((linkLo & 0xfff) !== 0 || !physWidthOk(c, linkLo, linkHi)) return EntryFailureQual.VMCS_LINK_POINTER;
    const link = (linkHi >>> 0) * 0x100000000 + (linkLo >>> 0);
    const rev = c.mem.read32(link);
    const shadowing = (proc2 & ProcBased2.VMCS_SHADOWING) !== 0;
    if ((rev & 0x7fffffff) !== c.model.vmcsRevisionId || (rev < 0) !== shadowing) return EntryFailureQual.VMCS_LINK_POINTER;
    // Outside SMM (this processor has none) it must not be the current-VMCS pointer; the "≠ VMXON pointer" rule
    // applies only in SMM with "entry to SMM" = 0 (§26.3.1.5; Bochs VMenterLoadCheckGuestState does the same).
    if (link === c.vmx.vmcsPtr) return EntryFailureQual.VMCS_LINK_POINTER;
  }
  return -1;
}

/**
 * §26.3.1.2 for a guest not in virtual-8086 mode: SS.RPL = CS.RPL, and the access rights of CS, SS, DS, ES, FS and GS
 * (type, S, DPL, P, reserved bits, G against the limit).
 */
function segmentAccessRightsOk(c: Cpu, p: number, unrestricted: boolean, cr0: number): boolean {
  if (!unrestricted && (sel(c, p, Seg.SS) & 3) !== (sel(c, p, Seg.CS) & 3)) return false;
  const csAr = ar(c, p, Seg.CS);
  const csType = csAr & 0xf;
  if (!(csType === 9 || csType === 11 || csType === 13 || csType === 15 || (unrestricted && csType === 3))) return false;
  if ((csAr & Ar.S) === 0 || (csAr & Ar.P) === 0) return false;
  const csDpl = (csAr >>> 5) & 3;
  const ssAr = ar(c, p, Seg.SS);
  const ssDpl = (ssAr >>> 5) & 3;
  if ((csType === 9 || csType === 11) && csDpl !== ssDpl) return false;
  if ((csType === 13 || csType === 15) && csDpl > ssDpl) return false;
  if (csType === 3 && csDpl !== 0) return false;
  if (!segReservedOk(csAr) || !granularityOk(limit(c, p, Seg.CS), csAr)) return false;
  if (usable(c, p, Seg.SS)) {
    const t = ssAr & 0xf;
    if (t !== 3 && t !== 7) return false;
    if ((ssAr & Ar.S) === 0 || (ssAr & Ar.P) === 0) return false;
    if (!segReservedOk(ssAr) || !granularityOk(limit(c, p, Seg.SS), ssAr)) return false;
  }
  if (!unrestricted && ssDpl !== (sel(c, p, Seg.SS) & 3)) return false;
  if ((csType === 3 || (cr0 & Cr0.PE) === 0) && ssDpl !== 0) return false;
  for (let k = 0; k < DATA_SEGS.length; k++) {
    const s = DATA_SEGS[k];
    if (!usable(c, p, s)) continue;
    const a = ar(c, p, s);
    const t = a & 0xf;
    if ((t & 1) === 0) return false; // accessed
    if ((t & 8) !== 0 && (t & 2) === 0) return false; // code must be readable
    if ((a & Ar.S) === 0 || (a & Ar.P) === 0) return false;
    if (!unrestricted && t <= 11 && ((a >>> 5) & 3) < (sel(c, p, s) & 3)) return false;
    if (!segReservedOk(a) || !granularityOk(limit(c, p, s), a)) return false;
  }
  return true;
}

/** Guest segment fields by Seg index (module-level helpers: no closures on the entry path). */
function sel(c: Cpu, p: number, s: number): number {
  return vr(c, p, SEL[s]) & 0xffff;
}
function ar(c: Cpu, p: number, s: number): number {
  return vr(c, p, AR[s]);
}
function limit(c: Cpu, p: number, s: number): number {
  return vr(c, p, LIMIT[s]);
}
function usable(c: Cpu, p: number, s: number): boolean {
  return (ar(c, p, s) & Ar.UNUSABLE) === 0;
}

/** AR reserved bits 11:8 and 31:17 are 0 (SDM §26.3.1.2). */
function segReservedOk(a: number): boolean {
  return (a & 0xf00) === 0 && (a & 0xfffe0000) === 0;
}
/** G consistent with the limit: limit[11:0] ≠ FFFH → G = 0; limit[31:20] ≠ 0 → G = 1. */
function granularityOk(limit: number, a: number): boolean {
  const g = (a & Ar.G) !== 0;
  if ((limit & 0xfff) !== 0xfff && g) return false;
  if ((limit & 0xfff00000) !== 0 && !g) return false;
  return true;
}

// ------------------------------------------------------------------------------------ the entry itself

/**
 * Loads guest state and enters VMX non-root operation, after the control and host-state checks passed.
 * `launch` = VMLAUNCH. On a guest-state or MSR-loading failure the processor ends in root operation at
 * HOST_RIP with a VM-entry-failure exit reason (SDM Vol. 3C §26.7).
 */
/**
 * What the translations cached for a VPID depend on besides the VPID: the EP4TA and whether EPT is in use
 * (SDM Vol. 3C §28.3.1–28.3.2: combined mappings are used only with the current EP4TA, guest-physical and
 * combined mappings only while EPT is in use, linear mappings only while it is not), and the paging controls
 * this TLB folds into its entries — CR0.WP (applied at each access, SDM Vol. 3A §4.10.2.2, but stored here in
 * the permission bits), PG, PE, and CR4.PSE, PAE, PGE. A VM entry into another context drops the VPID's
 * entries (Cpu.tlbEnsureContext); a VM entry in the same context keeps them, as with VPIDs on hardware.
 */
function tlbContextKey(c: Cpu): number {
  const vmx = c.vmx;
  const ep4ta = vmx.eptEnabled ? (vmx.eptpHi & 0xfff) * 0x100000 + (vmx.eptpLo >>> 12) + 1 : 0;
  const cr0 = c.cr0;
  const cr4 = c.cr4;
  const paging =
    ((cr0 & Cr0.WP) !== 0 ? 1 : 0) | ((cr0 & Cr0.PG) !== 0 ? 2 : 0) | ((cr0 & Cr0.PE) !== 0 ? 4 : 0) |
    ((cr4 & Cr4.PSE) !== 0 ? 8 : 0) | ((cr4 & Cr4.PAE) !== 0 ? 16 : 0) | ((cr4 & Cr4.PGE) !== 0 ? 32 : 0);
  return ep4ta * 64 + paging;
}

export function enterGuest(c: Cpu, p: number, launch: boolean, guestChecked = false): void {
  // Guest state is read from the VMCS region by word (vmcs.ts `VW`).
  const m = c.mem.i32;
  const b = p >>> 2;
  // A non-default VMCS link pointer is always re-checked: the region it names lives in ordinary memory.
  const linkDefault = m[b + W_VMCS_LINK_POINTER] === -1 && m[b + W_VMCS_LINK_POINTER + 1] === -1;
  const qual = guestChecked && linkDefault ? -1 : checkGuestState(c, p);
  if (qual >= 0) {
    vmEntryFailure(c, VmExitReason.ENTRY_FAILURE_GUEST_STATE, qual);
    return;
  }
  const vmx = c.vmx;
  const pin = m[b + W_PIN_BASED_VM_EXEC_CONTROL];
  const proc = m[b + W_CPU_BASED_VM_EXEC_CONTROL];
  const proc2 = (proc & ProcBased.ACTIVATE_SECONDARY_CONTROLS) !== 0 ? m[b + W_SECONDARY_VM_EXEC_CONTROL] : 0;
  const entry = m[b + W_VM_ENTRY_CONTROLS];
  const cr0 = m[b + W_GUEST_CR0];
  const cr4 = m[b + W_GUEST_CR4];
  const cr3 = m[b + W_GUEST_CR3];
  const ept = (proc2 & ProcBased2.ENABLE_EPT) !== 0;

  // PDPTEs (§26.3.1.6): with EPT from the VMCS fields, otherwise read from guest CR3 — before any state changes.
  if ((cr0 & Cr0.PG) !== 0 && (cr4 & Cr4.PAE) !== 0) {
    if (ept) {
      const tmp = PDPTE_SCRATCH;
      for (let k = 0; k < 4; k++) {
        const lo = m[b + W_GUEST_PDPTR0 + 2 * k];
        const hi = m[b + W_GUEST_PDPTR0 + 2 * k + 1];
        if ((lo & 1) !== 0 && ((lo & 0x1e6) !== 0 || hi < 0 || !physWidthOk(c, 0, hi & 0x7fffffff))) {
          vmEntryFailure(c, VmExitReason.ENTRY_FAILURE_GUEST_STATE, EntryFailureQual.PDPTE);
          return;
        }
        tmp[2 * k] = lo;
        tmp[2 * k + 1] = hi;
      }
      c.pdpte.set(tmp);
    } else if (!loadPdptes(c, cr3)) {
      vmEntryFailure(c, VmExitReason.ENTRY_FAILURE_GUEST_STATE, EntryFailureQual.PDPTE);
      return;
    }
  }

  const nmiBlockedBefore = c.nmiBlocked;

  // ---- cache the controls the processor consults in non-root operation
  vmx.pin = pin;
  vmx.proc = proc;
  vmx.proc2 = proc2;
  vmx.exitControls = m[b + W_VM_EXIT_CONTROLS];
  vmx.entryControls = entry;
  vmx.exceptionBitmap = m[b + W_EXCEPTION_BITMAP];
  vmx.pfecMask = m[b + W_PAGE_FAULT_ERROR_CODE_MASK];
  vmx.pfecMatch = m[b + W_PAGE_FAULT_ERROR_CODE_MATCH];
  vmx.cr0Mask = m[b + W_CR0_GUEST_HOST_MASK];
  vmx.cr0Shadow = m[b + W_CR0_READ_SHADOW];
  vmx.cr4Mask = m[b + W_CR4_GUEST_HOST_MASK];
  vmx.cr4Shadow = m[b + W_CR4_READ_SHADOW];
  vmx.cr3TargetCount = m[b + W_CR3_TARGET_COUNT];
  vmx.cr3Targets[0] = m[b + W_CR3_TARGET_VALUE0];
  vmx.cr3Targets[1] = m[b + W_CR3_TARGET_VALUE1];
  vmx.cr3Targets[2] = m[b + W_CR3_TARGET_VALUE2];
  vmx.cr3Targets[3] = m[b + W_CR3_TARGET_VALUE3];
  vmx.ioBitmapA = m[b + W_IO_BITMAP_A] >>> 0;
  vmx.ioBitmapB = m[b + W_IO_BITMAP_B] >>> 0;
  vmx.msrBitmap = m[b + W_MSR_BITMAP] >>> 0;
  vmx.tscOffset = m[b + W_TSC_OFFSET + 1] * 0x100000000 + (m[b + W_TSC_OFFSET] >>> 0);
  vmx.eptEnabled = ept;
  vmx.eptpLo = m[b + W_EPT_POINTER];
  vmx.eptpHi = m[b + W_EPT_POINTER + 1];
  vmx.vpid = (proc2 & ProcBased2.ENABLE_VPID) !== 0 ? m[b + W_VIRTUAL_PROCESSOR_ID] & 0xffff : 0;
  vmx.unrestrictedGuest = (proc2 & ProcBased2.UNRESTRICTED_GUEST) !== 0;
  vmx.mtf = (proc & ProcBased.MONITOR_TRAP_FLAG) !== 0;
  if ((proc2 & ProcBased2.PAUSE_LOOP_EXITING) !== 0) {
    vmx.pleGap = m[b + W_PLE_GAP] >>> 0;
    vmx.pleWindow = m[b + W_PLE_WINDOW] >>> 0;
  }
  vmx.plePrev = -1; // the first PAUSE at CPL 0 after VM entry starts a loop
  vmx.pleFirst = -1;
  vmx.mtfPending = false;

  // ---- §26.3.2 load guest state. With a VM exit's host-state load still pending (exit.ts `deferHostState`), the
  // registers already hold what this load would put there (vmlaunch checked `residentGuestEntry`).
  if (c.pendingHostVmcs !== -1) c.pendingHostVmcs = -1;
  else {
    c.sysGen++; // the registers now hold what this VMCS says, which the next exit must save (cpu.ts `sysGen`)
    // CR0: ET, NW, CD and reserved bits are never modified by VM entry (§26.3.2.1).
    c.cr0 = ((cr0 & ~CR0_KEEP) | (c.cr0 & CR0_KEEP)) | 0;
    c.cr3 = cr3;
    c.cr4 = cr4;
    if ((entry & EntryControls.LOAD_DEBUG_CONTROLS) !== 0) {
      // DR7 bits 12, 15:14 always load as 0 and bit 10 as 1 (SDM Vol. 3C §26.3.2.1).
      c.dr[7] = ((m[b + W_GUEST_DR7] & ~0xd000) | 0x400) | 0;
      c.msrLo.set(0x1d9, m[b + W_GUEST_IA32_DEBUGCTL]);
    }
    c.msrLo.set(0x174, m[b + W_GUEST_SYSENTER_CS]);
    c.msrLo.set(0x175, m[b + W_GUEST_SYSENTER_ESP]);
    c.msrLo.set(0x176, m[b + W_GUEST_SYSENTER_EIP]);
    if ((entry & EntryControls.LOAD_IA32_PAT) !== 0) {
      c.msrLo.set(0x277, m[b + W_GUEST_IA32_PAT]);
      c.msrHi.set(0x277, m[b + W_GUEST_IA32_PAT + 1]);
    }
    if ((entry & EntryControls.LOAD_IA32_EFER) !== 0) c.efer = m[b + W_GUEST_IA32_EFER] & 0xd01;
    for (let s = 0; s < 8; s++) {
      c.setSegCache(s, m[b + SEL_W[s]], m[b + BASE_W[s]], m[b + LIMIT_W[s]], m[b + AR_W[s]] & 0x1f0ff);
    }
    c.gdtrBase = m[b + W_GUEST_GDTR_BASE];
    c.gdtrLimit = m[b + W_GUEST_GDTR_LIMIT] & 0xffff;
    c.idtrBase = m[b + W_GUEST_IDTR_BASE];
    c.idtrLimit = m[b + W_GUEST_IDTR_LIMIT] & 0xffff;
  }
  c.regs[4] = m[b + W_GUEST_RSP];
  c.eip = m[b + W_GUEST_RIP];
  c.setEflags(m[b + W_GUEST_RFLAGS], -1);
  // CPL is SS.DPL (SDM Vol. 3C §26.3.2.2 / §24.4.1).
  c.setCpl((c.segAr[Seg.SS] >>> 5) & 3);
  const intr = m[b + W_GUEST_INTERRUPTIBILITY_INFO];
  c.intShadow = (intr & 1) !== 0 ? 1 : (intr & 2) !== 0 ? 2 : 0;
  if ((pin & PinBased.VIRTUAL_NMIS) !== 0) vmx.virtualNmiBlocked = (intr & 8) !== 0;
  else c.nmiBlocked = (intr & 8) !== 0;
  const activity = m[b + W_GUEST_ACTIVITY_STATE];
  c.activity = activity === 1 ? Activity.HLT : activity === 2 ? Activity.SHUTDOWN : activity === 3 ? Activity.WAIT_FOR_SIPI : Activity.ACTIVE;

  // Enter non-root operation: TLB context (§28.3.3.1: without VPID, entries are flushed for VPID 0).
  vmx.nonRoot = true;
  if (vmx.vpid !== 0) {
    c.tlbSwitchAsid(vmx.vpid);
    c.tlbEnsureContext(vmx.vpid, tlbContextKey(c));
  } else {
    c.tlbSwitchAsid(0);
    c.flushTlbAsid(0);
  }
  c.updateModes();

  // ---- §26.4 MSR loading
  const failed = loadMsrListAt(c, m[b + W_VM_ENTRY_MSR_LOAD_ADDR], m[b + W_VM_ENTRY_MSR_LOAD_COUNT]);
  if (failed !== 0) {
    // "The state of blocking by NMI is what it was before VM entry" (SDM Vol. 3C §26.7, step 3).
    c.nmiBlocked = nmiBlockedBefore;
    vmEntryFailure(c, VmExitReason.ENTRY_FAILURE_MSR_LOADING, failed);
    return;
  }

  // ---- launch state, VMX-preemption timer, trace
  if (launch) c.mem.write32(p + 8, (c.vmx.vmxonEpoch << 1) | 1);
  c.mem.i32[(p + VMCS_CHECKED_OFFSET) >>> 2] |= CHECKED_GUEST;
  c.cycles += c.vmEntryCycles;
  vmx.entryCycle = c.cycles;
  vmx.preemptionTimer = (pin & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER) !== 0;
  if (vmx.preemptionTimer) {
    const value = m[b + W_VMX_PREEMPTION_TIMER_VALUE] >>> 0;
    vmx.preemptionDeadline = c.cycles + value * 2 ** preemptionRate(c);
  } else vmx.preemptionDeadline = Infinity;
  const injected = m[b + W_VM_ENTRY_INTR_INFO_FIELD];
  c.trace.emit(EventKind.VMENTRY, c.cycles, c.id, launch ? 0 : 1, c.eip >>> 0, p, injected < 0 ? injected >>> 0 : 0, c.cpl, 0, 0);
  c.stop = 1;
  // The processor is in non-root operation now: any earlier VM exit of this run is history. (The flag means
  // "a VM exit happened since the last VM entry"; the interpreter consults it for MTF and single-step traps
  // after each instruction, and a bare-mode run spans many entries and exits.)
  c.exitedToHost = false;

  // ---- §26.6 event injection: delivered through the guest IDT as if at the first instruction boundary.
  if (injected < 0) {
    const type = (injected >>> 8) & 7;
    const vector = injected & 0xff;
    const ec = (injected & 0x800) !== 0 ? m[b + W_VM_ENTRY_EXCEPTION_ERROR_CODE] : -1;
    if (type === 7) {
      // "Other event": a pending MTF VM exit. It is not blocked in the HLT state, and the processor leaves
      // that state only after the VM exit completes (SDM Vol. 3C §26.6.2, §27.1). The entry is not vectoring:
      // valid pending debug exceptions stay pending, and the MTF VM exit, which has priority, saves them (§26.6.3,
      // §27.3.4).
      vmx.mtfPending = true;
      const pend = m[b + W_GUEST_PENDING_DBG_EXCEPTIONS];
      if ((pend & 0x5000) !== 0) vmx.pendingDebug = pend & 0x500f;
    } else {
      c.activity = Activity.ACTIVE;
      // A vectoring VM entry leaves no blocking by STI or by MOV SS, whatever the interruptibility-state field says
      // (SDM Vol. 3C §26.6.1; Bochs clears inhibit_mask when it injects).
      c.intShadow = 0;
      if (type === EventType.NMI) {
        if ((pin & PinBased.VIRTUAL_NMIS) !== 0) vmx.virtualNmiBlocked = true;
        else c.nmiBlocked = true;
      }
      const soft = type === EventType.SOFTWARE_INTERRUPT || type === EventType.SOFTWARE_EXCEPTION || type === EventType.PRIVILEGED_SOFTWARE_EXCEPTION;
      const len = soft ? m[b + W_VM_ENTRY_INSTRUCTION_LEN] : 0;
      // An injected #PF does not load CR2: the VMM sets the guest's CR2 itself (SDM §26.6.1.2).
      c.pendingCr2 = c.cr2;
      c.injecting = true;
      vmx.injectedInfo = (0x80000000 | (ec >= 0 ? 0x800 : 0) | (type << 8) | vector) | 0;
      vmx.injectedLen = len;
      try {
        deliverEvent(c, vector, type, ec, (c.eip + len) | 0, len);
      } finally {
        c.injecting = false;
        vmx.injectedInfo = 0;
      }
    }
  } else {
    // ---- §26.6.3 pending debug exceptions of a non-vectoring entry: with BS (bit 14) or the enabled-breakpoint
    // bit (12) set they are "treated as they would had they been encountered normally in guest execution":
    // without blocking by MOV SS a #DB (a trap on the previous instruction) is delivered before the first
    // guest instruction. Under MOV-SS blocking they are held, as after a real MOV SS, and delivered after the
    // first guest instruction together with its own single-step trap (vmx.pendingDebug; cpu.ts stepInsn): KUT
    // vmx_db_test "Hardware delivered single-step in MOVSS shadow" expects qualification BS | B0 after that
    // instruction; Bochs likewise moves them into its debug_trap and delays them (vmx.cc).
    const pend = m[b + W_GUEST_PENDING_DBG_EXCEPTIONS];
    if ((pend & 0x5000) !== 0 && (intr & 2) !== 0 && activity === 0) vmx.pendingDebug = pend & 0x500f;
    else if ((pend & 0x5000) !== 0 && (intr & 2) === 0 && (activity === 0 || activity === 1)) {
      const bits = pend & 0x400f; // B3–B0 and BS, in DR6 / exit-qualification positions
      c.activity = Activity.ACTIVE;
      if (exceptionCausesExit(c, Vec.DB, -1)) {
        // A #DB that causes a VM exit does not update DR6; the qualification carries the bits (Table 27-1).
        vmExit(c, VmExitReason.EXCEPTION_OR_NMI, bits, 0, 0, 0, -1, interruptionInfo(Vec.DB, EventType.HARDWARE_EXCEPTION, false), 0);
      } else {
        c.dr[6] = (c.dr[6] & ~0xf) | bits;
        deliverEvent(c, Vec.DB, EventType.HARDWARE_EXCEPTION, -1, c.eip);
      }
    }
  }
}
