/**
 * VM exits (SDM Vol. 3C Ch. 27): record the exit information (§27.2), save guest state (§27.3), store
 * guest MSRs (§27.4), load host state (§27.5) and host MSRs (§27.6). Also VM-entry failures after the
 * guest-state checks (§26.7) and VMX aborts (§27.7), which share the host-state loading.
 */
import { Ar, Cr0, Cr4, EventType, Flag, Seg, pushesRf } from '../x86/arch.ts';
import { Activity, type Cpu } from '../x86/cpu.ts';
import { loadPdptes } from '../x86/mmu.ts';
import { readMsr, writeMsr } from '../x86/msr.ts';
import { EventKind, packExitP4 } from '../trace/events.ts';
import { ExitControls, PinBased, ProcBased2, EntryControls } from './spec/controls.ts';
import { VmExitReason } from './spec/exit-reasons.ts';
import { VO, VW, VMCS_ABORT_OFFSET, vr, vw } from './vmcs.ts';

/** Word indexes (offset >>> 2) of the VMCS fields this module reads and writes by word, as module constants so
 * the VM-exit and VM-entry paths index the region directly instead of calling `wget`/`wput` per field. */
const {
  EXIT_QUALIFICATION: W_EXIT_QUALIFICATION,
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
  GUEST_LINEAR_ADDRESS: W_GUEST_LINEAR_ADDRESS,
  GUEST_PDPTR0: W_GUEST_PDPTR0,
  GUEST_PDPTR1: W_GUEST_PDPTR1,
  GUEST_PDPTR2: W_GUEST_PDPTR2,
  GUEST_PDPTR3: W_GUEST_PDPTR3,
  GUEST_PENDING_DBG_EXCEPTIONS: W_GUEST_PENDING_DBG_EXCEPTIONS,
  GUEST_PHYSICAL_ADDRESS: W_GUEST_PHYSICAL_ADDRESS,
  GUEST_RFLAGS: W_GUEST_RFLAGS,
  GUEST_RIP: W_GUEST_RIP,
  GUEST_RSP: W_GUEST_RSP,
  GUEST_SYSENTER_CS: W_GUEST_SYSENTER_CS,
  GUEST_SYSENTER_EIP: W_GUEST_SYSENTER_EIP,
  GUEST_SYSENTER_ESP: W_GUEST_SYSENTER_ESP,
  HOST_CR0: W_HOST_CR0,
  HOST_CR3: W_HOST_CR3,
  HOST_CR4: W_HOST_CR4,
  HOST_CS_SELECTOR: W_HOST_CS_SELECTOR,
  HOST_DS_SELECTOR: W_HOST_DS_SELECTOR,
  HOST_ES_SELECTOR: W_HOST_ES_SELECTOR,
  HOST_FS_BASE: W_HOST_FS_BASE,
  HOST_FS_SELECTOR: W_HOST_FS_SELECTOR,
  HOST_GDTR_BASE: W_HOST_GDTR_BASE,
  HOST_GS_BASE: W_HOST_GS_BASE,
  HOST_GS_SELECTOR: W_HOST_GS_SELECTOR,
  HOST_IA32_EFER: W_HOST_IA32_EFER,
  HOST_IA32_PAT: W_HOST_IA32_PAT,
  HOST_IA32_SYSENTER_CS: W_HOST_IA32_SYSENTER_CS,
  HOST_IA32_SYSENTER_EIP: W_HOST_IA32_SYSENTER_EIP,
  HOST_IA32_SYSENTER_ESP: W_HOST_IA32_SYSENTER_ESP,
  HOST_IDTR_BASE: W_HOST_IDTR_BASE,
  HOST_RIP: W_HOST_RIP,
  HOST_RSP: W_HOST_RSP,
  HOST_SS_SELECTOR: W_HOST_SS_SELECTOR,
  HOST_TR_BASE: W_HOST_TR_BASE,
  HOST_TR_SELECTOR: W_HOST_TR_SELECTOR,
  IDT_VECTORING_ERROR_CODE: W_IDT_VECTORING_ERROR_CODE,
  IDT_VECTORING_INFO_FIELD: W_IDT_VECTORING_INFO_FIELD,
  VMX_INSTRUCTION_INFO: W_VMX_INSTRUCTION_INFO,
  VMX_PREEMPTION_TIMER_VALUE: W_VMX_PREEMPTION_TIMER_VALUE,
  VM_ENTRY_INTR_INFO_FIELD: W_VM_ENTRY_INTR_INFO_FIELD,
  VM_EXIT_INSTRUCTION_LEN: W_VM_EXIT_INSTRUCTION_LEN,
  VM_EXIT_INTR_ERROR_CODE: W_VM_EXIT_INTR_ERROR_CODE,
  VM_EXIT_INTR_INFO: W_VM_EXIT_INTR_INFO,
  VM_EXIT_MSR_LOAD_ADDR: W_VM_EXIT_MSR_LOAD_ADDR,
  VM_EXIT_MSR_LOAD_COUNT: W_VM_EXIT_MSR_LOAD_COUNT,
  VM_EXIT_MSR_STORE_ADDR: W_VM_EXIT_MSR_STORE_ADDR,
  VM_EXIT_MSR_STORE_COUNT: W_VM_EXIT_MSR_STORE_COUNT,
  VM_EXIT_REASON: W_VM_EXIT_REASON,
  VM_ENTRY_CONTROLS: W_VM_ENTRY_CONTROLS,
} = VW;

/** Guest segment fields in SDM order (ES CS SS DS FS GS LDTR TR) — the order of Seg. */
const SEL = [VO.GUEST_ES_SELECTOR, VO.GUEST_CS_SELECTOR, VO.GUEST_SS_SELECTOR, VO.GUEST_DS_SELECTOR, VO.GUEST_FS_SELECTOR, VO.GUEST_GS_SELECTOR, VO.GUEST_LDTR_SELECTOR, VO.GUEST_TR_SELECTOR];
const BASE = [VO.GUEST_ES_BASE, VO.GUEST_CS_BASE, VO.GUEST_SS_BASE, VO.GUEST_DS_BASE, VO.GUEST_FS_BASE, VO.GUEST_GS_BASE, VO.GUEST_LDTR_BASE, VO.GUEST_TR_BASE];
const LIMIT = [VO.GUEST_ES_LIMIT, VO.GUEST_CS_LIMIT, VO.GUEST_SS_LIMIT, VO.GUEST_DS_LIMIT, VO.GUEST_FS_LIMIT, VO.GUEST_GS_LIMIT, VO.GUEST_LDTR_LIMIT, VO.GUEST_TR_LIMIT];
const AR = [VO.GUEST_ES_AR_BYTES, VO.GUEST_CS_AR_BYTES, VO.GUEST_SS_AR_BYTES, VO.GUEST_DS_AR_BYTES, VO.GUEST_FS_AR_BYTES, VO.GUEST_GS_AR_BYTES, VO.GUEST_LDTR_AR_BYTES, VO.GUEST_TR_AR_BYTES];
export const GUEST_SEGMENT_FIELDS = { SEL, BASE, LIMIT, AR } as const;
/** The same fields as word indexes (vmcs.ts `VW`). */
const toWords = (offs: readonly number[]): Int32Array => Int32Array.from(offs, (o) => o >>> 2);
const SEL_W = toWords(SEL);
const BASE_W = toWords(BASE);
const LIMIT_W = toWords(LIMIT);
const AR_W = toWords(AR);
export const GUEST_SEGMENT_WORDS = { SEL: SEL_W, BASE: BASE_W, LIMIT: LIMIT_W, AR: AR_W } as const;

/**
 * CR0 bits neither a VM exit (SDM Vol. 3C §27.5.1) nor a VM entry (§26.3.2.1) loads from the VMCS: ET, NW,
 * CD and the reserved bits 15:6, 17, 28:19.
 */
export const CR0_KEEP = (0x60000010 | 0x0000ffc0 | 0x00020000 | 0x1ff80000) | 0;

/** VMX abort indicators (SDM Vol. 3C §27.7). */
export const enum VmxAbort {
  SAVING_GUEST_MSRS = 1,
  HOST_PDPTE = 2,
  CORRUPTED_VMCS = 3,
  LOADING_HOST_MSRS = 4,
  MACHINE_CHECK = 5,
}

/**
 * Performs a VM exit from VMX non-root operation. `qual` (and `qualHi`) is the exit qualification,
 * `instrLen`/`instrInfo` the VM-exit instruction length/information, `linear` the guest-linear address,
 * `gpa` the guest-physical address (-1 = not applicable), `intrInfo`/`intrErr` the VM-exit interruption
 * information and error code. On return the processor is in VMX root operation at HOST_RIP.
 */
export function vmExit(
  c: Cpu,
  reason: number,
  qual: number,
  instrLen = 0,
  instrInfo = 0,
  linear = 0,
  gpa = -1,
  intrInfo = 0,
  intrErr = 0,
  qualHi = 0,
): void {
  c.syncTime(); // instructions of the current block before the exiting one have retired
  const p = c.vmx.vmcsPtr;
  const vmx = c.vmx;
  const guestCpl = c.cpl; // for the trace: the ring the exit leaves from
  // Exit information and guest state go into the VMCS region by word (vmcs.ts `VW`); one dirty mark for the page.
  const m = c.mem.i32;
  const b = p >>> 2;
  c.mem.dirtyPages[p >>> 12] = 1;
  // ---- §27.2 exit information
  m[b + W_VM_EXIT_REASON] = reason & 0xffff;
  m[b + W_VM_EXIT_REASON + 1] = 0;
  m[b + W_EXIT_QUALIFICATION] = qual;
  m[b + W_EXIT_QUALIFICATION + 1] = qualHi;
  m[b + W_GUEST_LINEAR_ADDRESS] = linear;
  m[b + W_GUEST_LINEAR_ADDRESS + 1] = 0;
  if (gpa >= 0) {
    m[b + W_GUEST_PHYSICAL_ADDRESS] = gpa % 0x100000000 | 0;
    m[b + W_GUEST_PHYSICAL_ADDRESS + 1] = Math.floor(gpa / 0x100000000);
  }
  m[b + W_VM_EXIT_INTR_INFO] = intrInfo;
  m[b + W_VM_EXIT_INTR_INFO + 1] = 0;
  if ((intrInfo & 0x80000800) === (0x80000800 | 0)) {
    m[b + W_VM_EXIT_INTR_ERROR_CODE] = intrErr;
    m[b + W_VM_EXIT_INTR_ERROR_CODE + 1] = 0;
  }
  // IDT-vectoring information: the event whose delivery the exit interrupted (SDM Vol. 3C §27.2.3). A double
  // fault that causes the VM exit directly is not "during event delivery" (the original event merged into
  // it), so the field is invalid then; a triple fault clears the in-flight event before getting here.
  let vec = c.eventInFlight;
  if (reason === VmExitReason.EXCEPTION_OR_NMI && (intrInfo & 0x7ff) === 0x308) vec = 0;
  m[b + W_IDT_VECTORING_INFO_FIELD] = vec;
  m[b + W_IDT_VECTORING_INFO_FIELD + 1] = 0;
  if (vec !== 0 && (vec & 0x800) !== 0) {
    m[b + W_IDT_VECTORING_ERROR_CODE] = c.eventInFlightErr;
    m[b + W_IDT_VECTORING_ERROR_CODE + 1] = 0;
  }
  c.eventInFlight = 0;
  c.nmiUnblockedByIret = false; // (reported above, in the qualification or interruption information)
  // VM exits during delivery of a software interrupt, privileged software exception or software exception
  // report that instruction's length (SDM Vol. 3C §27.2.4): the VM-entry instruction length for an injected
  // event; otherwise the length of INT n (CD ib, 2 bytes), INT1 (F1) or INT3/INTO (CC/CE, 1 byte) per the
  // SDM Vol. 2 opcode tables, unless the caller knows it (prefixed forms need the x86 core's length).
  if (instrLen === 0 && vec < 0) {
    const type = (vec >>> 8) & 7;
    if (type === EventType.SOFTWARE_INTERRUPT || type === EventType.PRIVILEGED_SOFTWARE_EXCEPTION || type === EventType.SOFTWARE_EXCEPTION) {
      instrLen = vmx.injectedInfo === vec ? vmx.injectedLen : c.eventInFlightLen !== 0 ? c.eventInFlightLen : type === EventType.SOFTWARE_INTERRUPT ? 2 : 1;
    }
  }
  m[b + W_VM_EXIT_INSTRUCTION_LEN] = instrLen;
  m[b + W_VM_EXIT_INSTRUCTION_LEN + 1] = 0;
  m[b + W_VMX_INSTRUCTION_INFO] = instrInfo;
  m[b + W_VMX_INSTRUCTION_INFO + 1] = 0;
  // Every VM exit clears the valid bit of the VM-entry interruption-information field (§27.2.5 / Bochs).
  m[b + W_VM_ENTRY_INTR_INFO_FIELD] = m[b + W_VM_ENTRY_INTR_INFO_FIELD] & 0x7fffffff;
  m[b + W_VM_ENTRY_INTR_INFO_FIELD + 1] = 0;

  // ---- §27.3 save guest state. RF (§27.3.3): an exit caused by an exception saves the RF its frame would have held
  // (1 for a fault other than #DB); an EPT violation or misconfiguration saves 1 unless it happened while an event
  // was being delivered, then the RF of that event's frame; other exits save RF as it is — 0 for an instruction
  // that exits, since RF is cleared as each instruction starts (cpu.ts stepInsn; Bochs VMexitReadEFLAGS).
  let rf = 0;
  if (reason === VmExitReason.EXCEPTION_OR_NMI) rf = pushesRf(intrInfo & 0xff, (intrInfo >>> 8) & 7) ? Flag.RF : 0;
  else if (reason === VmExitReason.EPT_VIOLATION || reason === VmExitReason.EPT_MISCONFIGURATION) {
    // (An event VM entry is injecting pushes RF unchanged, §26.6.1.1: its image holds the RF the entry loaded.)
    rf = vec === 0 || (vec !== vmx.injectedInfo && pushesRf(vec & 0xff, (vec >>> 8) & 7)) ? Flag.RF : 0;
  }
  saveGuestState(c, p, reason, rf);
  const guestEip = c.eip;

  // ---- §27.4 save guest MSRs
  if (!storeMsrList(c, m[b + W_VM_EXIT_MSR_STORE_ADDR], m[b + W_VM_EXIT_MSR_STORE_COUNT])) {
    vmxAbort(c, VmxAbort.SAVING_GUEST_MSRS);
    return;
  }

  // ---- leave non-root operation, §27.5 load host state, §27.6 load host MSRs
  vmx.nonRoot = false;
  vmx.mtfPending = false;
  const nmiExit = reason === VmExitReason.EXCEPTION_OR_NMI && ((intrInfo >>> 8) & 7) === EventType.NMI;
  if (c.hostStateDeferral && !nmiExit && m[b + W_VM_EXIT_MSR_LOAD_COUNT] === 0 && !hostUsesPae(m, b)) {
    deferHostState(c, p);
  } else {
    if (!loadHostState(c, p)) return;
    // An NMI that caused the VM exit leaves NMIs blocked (SDM Vol. 3C §27.5.5, when "virtual NMIs" is 0).
    if (nmiExit && (vmx.pin & PinBased.VIRTUAL_NMIS) === 0) c.nmiBlocked = true;
    if (!loadMsrList(c, m[b + W_VM_EXIT_MSR_LOAD_ADDR], m[b + W_VM_EXIT_MSR_LOAD_COUNT])) {
      vmxAbort(c, VmxAbort.LOADING_HOST_MSRS);
      return;
    }
  }
  c.cycles += c.vmExitCycles;
  c.exitedToHost = true;
  c.stop = 1;
  c.trace.emit(EventKind.VMEXIT, c.cycles, c.id, reason >>> 0, qual >>> 0, qualHi >>> 0, packExitP4(instrLen, guestCpl), guestEip >>> 0, p, intrInfo >>> 0);
}

/** SDM Vol. 3C §27.3: guest registers, segments, descriptor tables, MSRs and non-register state. */
function saveGuestState(c: Cpu, p: number, reason: number, rf: number): void {
  const vmx = c.vmx;
  const m = c.mem.i32;
  const b = p >>> 2;
  c.mem.dirtyPages[p >>> 12] = 1;
  m[b + W_GUEST_RSP] = c.regs[4];
  m[b + W_GUEST_RSP + 1] = 0;
  m[b + W_GUEST_RIP] = c.eip;
  m[b + W_GUEST_RIP + 1] = 0;
  m[b + W_GUEST_RFLAGS] = c.getEflags() | rf;
  m[b + W_GUEST_RFLAGS + 1] = 0;
  // The system registers only when they may differ from what this VMCS already holds: since the last exit saved
  // them here, no instruction of a system class ran, no event was delivered and no VM entry loaded them (which
  // covers any VMWRITE to these fields and any change of the exit controls in between; cpu.ts `sysGen`). The
  // fields then hold exactly what saving them again would write.
  const exitCtls = vmx.exitControls;
  if (c.sysGen !== c.savedSysGen || c.savedSysVmcs !== p) {
    saveGuestSystemRegisters(c, m, b, exitCtls);
    c.savedSysGen = c.sysGen;
    c.savedSysVmcs = p;
  }
  // Non-register state (§27.3.4): activity, interruptibility, pending debug exceptions, preemption timer.
  m[b + W_GUEST_ACTIVITY_STATE] = c.activity === Activity.HLT ? 1 : c.activity === Activity.SHUTDOWN ? 2 : 0;
  m[b + W_GUEST_ACTIVITY_STATE + 1] = 0;
  const nmiBlocking = (vmx.pin & PinBased.VIRTUAL_NMIS) !== 0 ? vmx.virtualNmiBlocked : c.nmiBlocked;
  m[b + W_GUEST_INTERRUPTIBILITY_INFO] = (c.intShadow === 1 ? 1 : 0) | (c.intShadow === 2 ? 2 : 0) | (nmiBlocking ? 8 : 0);
  m[b + W_GUEST_INTERRUPTIBILITY_INFO + 1] = 0;
  // Pending debug exceptions are saved as clear except for the exits §27.3.4 lists; of those this processor
  // produces MTF VM exits, which save a coinciding single-step trap, and exits (not for #DB) "while there is MOV-SS
  // blocking of debug exceptions", which save the ones still held — those VM entry loaded under MOV-SS blocking
  // (vmx.pendingDebug; entry.ts), bit 12 included "if it had been set on VM entry".
  m[b + W_GUEST_PENDING_DBG_EXCEPTIONS] = reason === VmExitReason.MONITOR_TRAP_FLAG ? vmx.pendingDebug : c.intShadow === 2 ? vmx.pendingDebug & 0x500f : 0;
  m[b + W_GUEST_PENDING_DBG_EXCEPTIONS + 1] = 0;
  vmx.pendingDebug = 0;
  if ((exitCtls & ExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE) !== 0 && vmx.preemptionTimer) {
    const rate = preemptionRate(c);
    const left = Math.max(0, Math.ceil((vmx.preemptionDeadline - c.cycles) / 2 ** rate));
    m[b + W_VMX_PREEMPTION_TIMER_VALUE] = Math.min(left, 0xffffffff) | 0;
    m[b + W_VMX_PREEMPTION_TIMER_VALUE + 1] = 0;
  }
  if ((vmx.proc2 & ProcBased2.ENABLE_VPID) === 0) c.flushTlbAsid(0);
}

/** SDM Vol. 3C §27.3.1–27.3.3: control and debug registers, MSRs, segment and descriptor-table registers, PDPTEs. */
function saveGuestSystemRegisters(c: Cpu, m: Int32Array, b: number, exitCtls: number): void {
  m[b + W_GUEST_CR0] = c.cr0;
  m[b + W_GUEST_CR0 + 1] = 0;
  m[b + W_GUEST_CR3] = c.cr3;
  m[b + W_GUEST_CR3 + 1] = 0;
  m[b + W_GUEST_CR4] = c.cr4;
  m[b + W_GUEST_CR4 + 1] = 0;
  if ((exitCtls & ExitControls.SAVE_DEBUG_CONTROLS) !== 0) {
    m[b + W_GUEST_DR7] = c.dr[7];
    m[b + W_GUEST_DR7 + 1] = 0;
    m[b + W_GUEST_IA32_DEBUGCTL] = c.msrLo.get(0x1d9) ?? 0;
    m[b + W_GUEST_IA32_DEBUGCTL + 1] = 0;
  }
  for (let s = 0; s < 8; s++) {
    let k = b + SEL_W[s];
    m[k] = c.segSel[s];
    m[k + 1] = 0;
    k = b + BASE_W[s];
    m[k] = c.segBase[s];
    m[k + 1] = 0;
    k = b + LIMIT_W[s];
    m[k] = c.segLimit[s];
    m[k + 1] = 0;
    k = b + AR_W[s];
    m[k] = c.segAr[s];
    m[k + 1] = 0;
  }
  m[b + W_GUEST_GDTR_BASE] = c.gdtrBase;
  m[b + W_GUEST_GDTR_BASE + 1] = 0;
  m[b + W_GUEST_GDTR_LIMIT] = c.gdtrLimit;
  m[b + W_GUEST_GDTR_LIMIT + 1] = 0;
  m[b + W_GUEST_IDTR_BASE] = c.idtrBase;
  m[b + W_GUEST_IDTR_BASE + 1] = 0;
  m[b + W_GUEST_IDTR_LIMIT] = c.idtrLimit;
  m[b + W_GUEST_IDTR_LIMIT + 1] = 0;
  m[b + W_GUEST_SYSENTER_CS] = c.msrLo.get(0x174) ?? 0;
  m[b + W_GUEST_SYSENTER_CS + 1] = 0;
  m[b + W_GUEST_SYSENTER_ESP] = c.msrLo.get(0x175) ?? 0;
  m[b + W_GUEST_SYSENTER_ESP + 1] = 0;
  m[b + W_GUEST_SYSENTER_EIP] = c.msrLo.get(0x176) ?? 0;
  m[b + W_GUEST_SYSENTER_EIP + 1] = 0;
  if ((exitCtls & ExitControls.SAVE_IA32_PAT) !== 0) {
    m[b + W_GUEST_IA32_PAT] = c.msrLo.get(0x277) ?? 0;
    m[b + W_GUEST_IA32_PAT + 1] = c.msrHi.get(0x277) ?? 0;
  }
  if ((exitCtls & ExitControls.SAVE_IA32_EFER) !== 0) {
    m[b + W_GUEST_IA32_EFER] = c.efer;
    m[b + W_GUEST_IA32_EFER + 1] = 0;
  }
  // PDPTEs are saved when EPT is in use and the guest uses PAE paging (§27.3.4).
  if (c.vmx.eptEnabled && (c.cr0 & Cr0.PG) !== 0 && (c.cr4 & Cr4.PAE) !== 0) {
    m[b + W_GUEST_PDPTR0] = c.pdpte[0];
    m[b + W_GUEST_PDPTR0 + 1] = c.pdpte[1];
    m[b + W_GUEST_PDPTR1] = c.pdpte[2];
    m[b + W_GUEST_PDPTR1 + 1] = c.pdpte[3];
    m[b + W_GUEST_PDPTR2] = c.pdpte[4];
    m[b + W_GUEST_PDPTR2 + 1] = c.pdpte[5];
    m[b + W_GUEST_PDPTR3] = c.pdpte[6];
    m[b + W_GUEST_PDPTR3 + 1] = c.pdpte[7];
  }
}

/** The last model `preemptionRate` looked up, and its rate (capability MSRs are fixed per model). */
let rateModel: Cpu['model'] | null = null;
let rateValue = 0;

/** IA32_VMX_MISC[4:0]: the timer counts down by 1 each time TSC bit X changes. */
export function preemptionRate(c: Cpu): number {
  if (c.model !== rateModel) {
    const misc = c.model.capabilityMsr(0x485);
    rateValue = misc === undefined ? 0 : misc.lo & 0x1f;
    rateModel = c.model;
  }
  return rateValue;
}

// ------------------------------------------------------------------------------------ deferred host state

/**
 * The host state of a VM exit taken for the TypeScript VMM (Cpu.hostStateDeferral), loaded only when something
 * needs it. That VMM runs no instruction in VMX root operation: between a VM exit and the VMRESUME that follows,
 * nothing reads the registers the host-state load (§27.5) would write, and the VM entry (§26.3.2) writes them all
 * back from the guest-state area the exit just saved. So the exit loads only what the VMM's own VMX instructions
 * consult (RIP, RSP, RFLAGS, CPL, blocking by MOV SS, the activity state and the non-root mode bits); the
 * rest — control and debug registers, MSRs, segments, descriptor tables — waits:
 *  - `settleHostState` loads it exactly as the exit would have, before anything else happens: another VMCS is
 *    made current or cleared, VMX operation ends, a host-state or control field is written, a VM entry cannot
 *    take the short way, the VMM's run loop returns or a snapshot is taken;
 *  - `residentGuestEntry` says when the next VM entry of the same VMCS would load exactly the registers the CPU
 *    still holds; enterGuest then loads only RIP, RSP, RFLAGS and the non-register state.
 * The architectural outcome is that of the eager exit and entry (vmm/resident.test.ts runs both and compares
 * traces and whole-machine snapshots). The processor's own copy of the current VMCS that the SDM allows (Vol. 3C
 * §24.11.1) is the same idea on silicon; KVM skips reloading host state on its fast-path re-entries likewise.
 * Not deferred: an NMI exit (blocking by NMI), a non-empty VM-exit MSR-load list, or a PAE host (PDPTE loads can
 * abort, §27.5.4).
 */
function deferHostState(c: Cpu, p: number): void {
  c.pendingHostVmcs = p;
  loadHostExecutionState(c, c.mem.i32, p >>> 2);
}

/**
 * The part of the host-state load (§27.5.1, §27.5.3) the processor's own state machine consults: RIP, RSP, RFLAGS
 * (only bit 1 set), CPL 0, no blocking, the active state, and none of the non-root features (preemption timer,
 * monitor trap flag, EPT) in force.
 */
function loadHostExecutionState(c: Cpu, m: Int32Array, b: number): void {
  const vmx = c.vmx;
  c.regs[4] = m[b + W_HOST_RSP];
  c.eip = m[b + W_HOST_RIP];
  c.setEflags(2, -1);
  c.setCpl(0);
  c.intShadow = 0;
  c.activity = Activity.ACTIVE;
  vmx.preemptionTimer = false;
  vmx.mtf = false;
  vmx.eptEnabled = false;
}

/** HOST_CR0.PG and HOST_CR4.PAE: the host-state load would load PDPTEs (§27.5.4). */
function hostUsesPae(m: Int32Array, b: number): boolean {
  return (m[b + W_HOST_CR0] & Cr0.PG) !== 0 && (m[b + W_HOST_CR4] & Cr4.PAE) !== 0;
}

/** Completes a deferred host-state load (see `deferHostState`); nothing to do when none is pending. */
export function settleHostState(c: Cpu): void {
  const p = c.pendingHostVmcs;
  if (p === -1) return;
  // Cannot fail: a PAE host (the only VMX-abort case of the load) is never deferred.
  loadHostState(c, p);
}

const HOT_SYSENTER = 0b111; // MsrMap.hotPresent: IA32_SYSENTER_CS/ESP/EIP
const HOT_DEBUGCTL = 0b1000;
const HOT_PAT = 0b10000;

/**
 * With a host-state load pending for VMCS `p`, would the VM entry's guest-state load (§26.3.2.1, §26.3.2.2)
 * leave every register it loads as the CPU holds it now (apart from RIP, RSP, RFLAGS and the non-register
 * state, which the entry loads anyway)? The exit saved those registers into this VMCS, the VMCS passed the
 * guest-state checks and no VMWRITE changed a guest field the checks read since (CHECKED_GUEST), so it is
 * a matter of what the save and the load leave out or transform:
 *  - DR7 and IA32_DEBUGCTL are loaded only with "load debug controls" (from the VMCS, which holds the current
 *    values only with "save debug controls"; a VMM such as KVM saves them itself); without it they stay at the
 *    host's 400H and 0 (§27.5.1);
 *  - IA32_PAT and IA32_EFER likewise with the entry's "load" and the exit's "save" controls, and the exit's "load"
 *    control replaces them with the host's;
 *  - EFER and DR7 are masked on load, segment access rights keep bits 7:0 and 16:12;
 *  - an MSR the CPU never held is saved as 0 and then loaded, so it must be present.
 */
export function residentGuestEntry(c: Cpu, p: number): boolean {
  if (p === -1 || c.pendingHostVmcs !== p) return false;
  const m = c.mem.i32;
  const b = p >>> 2;
  const entry = m[b + W_VM_ENTRY_CONTROLS];
  const exitCtls = c.vmx.exitControls;
  const present = c.msrLo.hotPresent();
  if ((present & HOT_SYSENTER) !== HOT_SYSENTER || (present & HOT_DEBUGCTL) === 0) return false;
  const dr7 = c.dr[7];
  const debugctl = c.msrLo.get(0x1d9);
  if ((entry & EntryControls.LOAD_DEBUG_CONTROLS) !== 0) {
    if ((exitCtls & ExitControls.SAVE_DEBUG_CONTROLS) === 0) {
      if ((((m[b + W_GUEST_DR7] & ~0xd000) | 0x400) | 0) !== dr7 || m[b + W_GUEST_IA32_DEBUGCTL] !== debugctl) return false;
    } else if ((((dr7 & ~0xd000) | 0x400) | 0) !== dr7) return false;
  } else if (dr7 !== 0x400 || debugctl !== 0) return false;
  if ((entry & EntryControls.LOAD_IA32_PAT) !== 0) {
    if ((present & HOT_PAT) === 0 || (c.msrHi.hotPresent() & HOT_PAT) === 0) return false;
    if ((exitCtls & ExitControls.SAVE_IA32_PAT) === 0 && (m[b + W_GUEST_IA32_PAT] !== c.msrLo.get(0x277) || m[b + W_GUEST_IA32_PAT + 1] !== c.msrHi.get(0x277))) return false;
  } else if ((exitCtls & ExitControls.LOAD_IA32_PAT) !== 0) return false;
  if ((entry & EntryControls.LOAD_IA32_EFER) !== 0) {
    const loaded = (exitCtls & ExitControls.SAVE_IA32_EFER) !== 0 ? c.efer : m[b + W_GUEST_IA32_EFER];
    if ((loaded & 0xd01) !== c.efer) return false;
  } else if ((exitCtls & ExitControls.LOAD_IA32_EFER) !== 0) return false;
  const ar = c.segAr;
  for (let s = 0; s < 8; s++) if ((ar[s] & ~0x1f0ff) !== 0) return false;
  return (c.gdtrLimit & ~0xffff) === 0 && (c.idtrLimit & ~0xffff) === 0;
}

/**
 * SDM Vol. 3C §27.5: control registers, debug registers and MSRs, segment registers and descriptor-table
 * registers, RIP/RSP/RFLAGS from the host-state area. Returns false after a VMX abort.
 */
export function loadHostState(c: Cpu, p: number): boolean {
  const vmx = c.vmx;
  const m = c.mem.i32;
  const b = p >>> 2;
  c.pendingHostVmcs = -1;
  c.sysGen++;
  c.cr0 = ((m[b + W_HOST_CR0] & ~CR0_KEEP) | (c.cr0 & CR0_KEEP)) | 0;
  c.cr3 = m[b + W_HOST_CR3];
  c.cr4 = m[b + W_HOST_CR4];
  c.dr[7] = 0x400;
  c.msrLo.set(0x1d9, 0); // IA32_DEBUGCTL cleared
  c.msrLo.set(0x174, m[b + W_HOST_IA32_SYSENTER_CS]);
  c.msrLo.set(0x175, m[b + W_HOST_IA32_SYSENTER_ESP]);
  c.msrLo.set(0x176, m[b + W_HOST_IA32_SYSENTER_EIP]);
  const exitCtls = vmx.exitControls;
  if ((exitCtls & ExitControls.LOAD_IA32_PAT) !== 0) {
    c.msrLo.set(0x277, m[b + W_HOST_IA32_PAT]);
    c.msrHi.set(0x277, m[b + W_HOST_IA32_PAT + 1]);
  }
  if ((exitCtls & ExitControls.LOAD_IA32_EFER) !== 0) c.efer = m[b + W_HOST_IA32_EFER] & 0x801;
  // Segments (§27.5.2): flat 4-GByte, DPL 0; CS execute/read accessed 32-bit; TR busy 32-bit TSS, limit 67H.
  c.setSegCache(Seg.CS, m[b + W_HOST_CS_SELECTOR], 0, -1, 0xc09b);
  // The data segments ES, SS, DS, FS, GS in that order (CS and TR are loaded separately), one call each.
  loadHostDataSeg(c, Seg.ES, m[b + W_HOST_ES_SELECTOR], 0);
  loadHostDataSeg(c, Seg.SS, m[b + W_HOST_SS_SELECTOR], 0);
  loadHostDataSeg(c, Seg.DS, m[b + W_HOST_DS_SELECTOR], 0);
  loadHostDataSeg(c, Seg.FS, m[b + W_HOST_FS_SELECTOR], m[b + W_HOST_FS_BASE]);
  loadHostDataSeg(c, Seg.GS, m[b + W_HOST_GS_SELECTOR], m[b + W_HOST_GS_BASE]);
  c.setSegCache(Seg.TR, m[b + W_HOST_TR_SELECTOR], m[b + W_HOST_TR_BASE], 0x67, 0x8b);
  c.setSegCache(Seg.LDTR, 0, 0, 0, Ar.UNUSABLE);
  c.gdtrBase = m[b + W_HOST_GDTR_BASE];
  c.gdtrLimit = 0xffff;
  c.idtrBase = m[b + W_HOST_IDTR_BASE];
  c.idtrLimit = 0xffff;
  loadHostExecutionState(c, m, b);
  c.tlbSwitchAsid(0);
  c.updateModes();
  // PDPTEs for a PAE host (§27.5.4); a bad one is a VMX abort.
  if ((c.cr0 & Cr0.PG) !== 0 && (c.cr4 & Cr4.PAE) !== 0 && !loadPdptes(c, c.cr3)) {
    vmxAbort(c, VmxAbort.HOST_PDPTE);
    return false;
  }
  return true;
}

/** A host data segment (§27.5.2): flat, DPL 0, read/write accessed; unusable when the selector is null. */
function loadHostDataSeg(c: Cpu, s: number, selector: number, base: number): void {
  const sel = selector & 0xffff;
  if (sel === 0) c.setSegCache(s, 0, base, -1, Ar.UNUSABLE | 0xc093);
  else c.setSegCache(s, sel, base, -1, 0xc093);
}

/** VMX abort (SDM Vol. 3C §27.7): the indicator is written to the VMCS and the processor shuts down. */
export function vmxAbort(c: Cpu, code: number): void {
  c.mem.write32(c.vmx.vmcsPtr + VMCS_ABORT_OFFSET, code);
  c.vmxAbortCode = code;
  c.vmx.nonRoot = false;
  c.activity = Activity.SHUTDOWN;
  c.exitedToHost = true;
  c.stop = 1;
  c.trace.emit(EventKind.SHUTDOWN, c.cycles, c.id, c.eip >>> 0, 1, code, 0, 0, 0, 0);
}

// ------------------------------------------------------------------------------------ MSR lists

/** Indexes an MSR-load or -store list may not name (SDM Vol. 3C §26.4, §27.4; Bochs LoadMSRs). */
function forbiddenInList(index: number, loading: boolean): boolean {
  if (index === 0xc0000100 || index === 0xc0000101) return loading; // FS_BASE, GS_BASE
  if (index >= 0x800 && index <= 0x8ff) return true; // x2APIC
  if (index === 0x9b) return true; // IA32_SMM_MONITOR_CTL
  if (loading && index === 0x79) return true; // IA32_BIOS_UPDT_TRIG
  if (!loading && index === 0x9e) return true; // IA32_SMBASE
  return false;
}

const MSR_OUT = { lo: 0, hi: 0 };

/**
 * IA32_VMX_MISC[27:25] = N: 512·(N + 1) is the recommended maximum number of entries per MSR list (SDM App.
 * A.6; exceeding it is undefined). Like KVM (nested.c nested_vmx_load_msr / nested_vmx_store_msr; KUT
 * atomic_switch_overflow_msrs_test), this processor processes that many entries and fails on the next one.
 */
export function maxMsrListEntries(c: Cpu): number {
  const misc = c.model.capabilityMsr(0x485);
  return 512 * ((misc === undefined ? 0 : (misc.lo >>> 25) & 7) + 1);
}

/** Stores guest MSRs into a list (§27.4); false on a failure (→ VMX abort). */
export function storeMsrList(c: Cpu, addr: number, count: number): boolean {
  const n = count >>> 0;
  if (n === 0) return true; // the usual empty list: nothing to do (and no capability lookup on every VM exit)
  const max = maxMsrListEntries(c);
  for (let k = 0; k < n; k++) {
    if (k >= max) return false;
    const e = addr + 16 * k;
    const index = c.mem.read32(e);
    if (c.mem.read32(e + 4) !== 0 || forbiddenInList(index >>> 0, false)) return false;
    if (!readMsr(c, index, MSR_OUT)) return false;
    c.mem.write32(e + 8, MSR_OUT.lo);
    c.mem.write32(e + 12, MSR_OUT.hi);
  }
  return true;
}

/** Loads MSRs from a list; returns 0 on success or the 1-based index of the failing entry (§26.4, §27.6). */
export function loadMsrListAt(c: Cpu, addr: number, count: number): number {
  const n = count >>> 0;
  if (n === 0) return 0; // the usual empty list: nothing to do (and no capability lookup on every transition)
  const max = maxMsrListEntries(c);
  for (let k = 0; k < n; k++) {
    if (k >= max) return k + 1;
    const e = addr + 16 * k;
    const index = c.mem.read32(e) >>> 0;
    if (c.mem.read32(e + 4) !== 0 || forbiddenInList(index, true)) return k + 1;
    if (!writeMsr(c, index, c.mem.read32(e + 8), c.mem.read32(e + 12))) return k + 1;
  }
  return 0;
}

function loadMsrList(c: Cpu, addr: number, count: number): boolean {
  return loadMsrListAt(c, addr, count) === 0;
}

// ------------------------------------------------------------------------------------ entry failures

/**
 * VM-entry failure after the guest-state checks or during MSR loading (SDM Vol. 3C §26.7): the exit reason
 * (33 or 34, with bit 31 set) and qualification are recorded, and host state is loaded as on a VM exit.
 * Guest state is not saved and the launch state does not change.
 */
export function vmEntryFailure(c: Cpu, basicReason: number, qual: number): void {
  const p = c.vmx.vmcsPtr;
  const reason = (0x80000000 | basicReason) | 0;
  vw(c, p, VO.VM_EXIT_REASON, reason);
  vw(c, p, VO.EXIT_QUALIFICATION, qual);
  c.vmx.nonRoot = false;
  // Host state is loaded as on a VM exit, under this VMCS's VM-exit controls (load IA32_PAT/EFER), which a
  // guest-state failure reaches before the controls were cached for non-root operation.
  c.vmx.exitControls = vr(c, p, VO.VM_EXIT_CONTROLS);
  const guestEip = vr(c, p, VO.GUEST_RIP);
  if (!loadHostState(c, p)) return;
  if (!loadMsrList(c, vr(c, p, VO.VM_EXIT_MSR_LOAD_ADDR), vr(c, p, VO.VM_EXIT_MSR_LOAD_COUNT))) {
    vmxAbort(c, VmxAbort.LOADING_HOST_MSRS);
    return;
  }
  c.exitedToHost = true;
  c.stop = 1;
  c.trace.emit(EventKind.VMEXIT, c.cycles, c.id, reason >>> 0, qual >>> 0, 0, 0, guestEip >>> 0, p, 0);
}

/**
 * Task-switch VM exit (reason 9): qualification = new TSS selector | source << 30 (SDM Table 27-2).
 * `instrLen` is the length of the CALL, JMP or IRET that attempted the switch (SDM Vol. 3C §27.2.4: the
 * VM-exit instruction length is used for task switches by instruction); a task gate reached during event
 * delivery (source 3) takes the length from the event being delivered (see `vmExit`).
 */
export function taskSwitchExit(c: Cpu, tssSel: number, source: number, instrLen = 0): void {
  vmExit(c, VmExitReason.TASK_SWITCH, ((tssSel & 0xffff) | ((source & 3) << 30)) >>> 0, source === 3 ? 0 : instrLen);
}

export { EntryControls };
