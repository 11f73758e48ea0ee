/**
 * VM exits (SDM Vol. 3C Ch. 27): record the exit information (§27.2), save guest state (§27.3), store
 * guest MSRs (§27.4), load host state (§27.5) and host MSRs (§27.6). Also VM-entry failures after the
 * guest-state checks (§26.7) and VMX aborts (§27.7), which share the host-state loading.
 */
import { Ar, Cr0, Cr4, EventType, Seg } from '../x86/arch.ts';
import { Activity, type Cpu } from '../x86/cpu.ts';
import { loadPdptes } from '../x86/mmu.ts';
import { readMsr, writeMsr } from '../x86/msr.ts';
import { EventKind } from '../trace/events.ts';
import { ExitControls, PinBased, ProcBased2, EntryControls } from './spec/controls.ts';
import { VmExitReason } from './spec/exit-reasons.ts';
import { VO, VMCS_ABORT_OFFSET, vr, vw, wget, wput } from './vmcs.ts';

/** Guest segment fields in SDM order (ES CS SS DS FS GS LDTR TR) — the order of Seg. */
const SEL = [VO.GUEST_ES_SELECTOR, VO.GUEST_CS_SELECTOR, VO.GUEST_SS_SELECTOR, VO.GUEST_DS_SELECTOR, VO.GUEST_FS_SELECTOR, VO.GUEST_GS_SELECTOR, VO.GUEST_LDTR_SELECTOR, VO.GUEST_TR_SELECTOR];
const BASE = [VO.GUEST_ES_BASE, VO.GUEST_CS_BASE, VO.GUEST_SS_BASE, VO.GUEST_DS_BASE, VO.GUEST_FS_BASE, VO.GUEST_GS_BASE, VO.GUEST_LDTR_BASE, VO.GUEST_TR_BASE];
const LIMIT = [VO.GUEST_ES_LIMIT, VO.GUEST_CS_LIMIT, VO.GUEST_SS_LIMIT, VO.GUEST_DS_LIMIT, VO.GUEST_FS_LIMIT, VO.GUEST_GS_LIMIT, VO.GUEST_LDTR_LIMIT, VO.GUEST_TR_LIMIT];
const AR = [VO.GUEST_ES_AR_BYTES, VO.GUEST_CS_AR_BYTES, VO.GUEST_SS_AR_BYTES, VO.GUEST_DS_AR_BYTES, VO.GUEST_FS_AR_BYTES, VO.GUEST_GS_AR_BYTES, VO.GUEST_LDTR_AR_BYTES, VO.GUEST_TR_AR_BYTES];
export const GUEST_SEGMENT_FIELDS = { SEL, BASE, LIMIT, AR } as const;

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
  // Exit information and guest state go into the VMCS region by word (vmcs.ts `wput`); one dirty mark for the page.
  const m = c.mem.i32;
  const b = p >>> 2;
  c.mem.dirtyPages[p >>> 12] = 1;
  // ---- §27.2 exit information
  wput(m, b, VO.VM_EXIT_REASON, reason & 0xffff);
  wput(m, b, VO.EXIT_QUALIFICATION, qual, qualHi);
  wput(m, b, VO.GUEST_LINEAR_ADDRESS, linear);
  if (gpa >= 0) wput(m, b, VO.GUEST_PHYSICAL_ADDRESS, gpa % 0x100000000 | 0, Math.floor(gpa / 0x100000000));
  wput(m, b, VO.VM_EXIT_INTR_INFO, intrInfo);
  if ((intrInfo & 0x80000800) === (0x80000800 | 0)) wput(m, b, VO.VM_EXIT_INTR_ERROR_CODE, intrErr);
  // IDT-vectoring information: the event whose delivery the exit interrupted (SDM Vol. 3C §27.2.3). A double
  // fault that causes the VM exit directly is not "during event delivery" (the original event merged into
  // it), so the field is invalid then; a triple fault clears the in-flight event before getting here.
  let vec = c.eventInFlight;
  if (reason === VmExitReason.EXCEPTION_OR_NMI && (intrInfo & 0x7ff) === 0x308) vec = 0;
  wput(m, b, VO.IDT_VECTORING_INFO_FIELD, vec);
  if (vec !== 0 && (vec & 0x800) !== 0) wput(m, b, VO.IDT_VECTORING_ERROR_CODE, c.eventInFlightErr);
  c.eventInFlight = 0;
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
  wput(m, b, VO.VM_EXIT_INSTRUCTION_LEN, instrLen);
  wput(m, b, VO.VMX_INSTRUCTION_INFO, instrInfo);
  // Every VM exit clears the valid bit of the VM-entry interruption-information field (§27.2.5 / Bochs).
  wput(m, b, VO.VM_ENTRY_INTR_INFO_FIELD, wget(m, b, VO.VM_ENTRY_INTR_INFO_FIELD) & 0x7fffffff);

  // ---- §27.3 save guest state
  saveGuestState(c, p, reason);
  const guestEip = c.eip;

  // ---- §27.4 save guest MSRs
  if (!storeMsrList(c, wget(m, b, VO.VM_EXIT_MSR_STORE_ADDR), wget(m, b, VO.VM_EXIT_MSR_STORE_COUNT))) {
    vmxAbort(c, VmxAbort.SAVING_GUEST_MSRS);
    return;
  }

  // ---- leave non-root operation, §27.5 load host state, §27.6 load host MSRs
  vmx.nonRoot = false;
  vmx.mtfPending = false;
  const nmiExit = reason === VmExitReason.EXCEPTION_OR_NMI && ((intrInfo >>> 8) & 7) === EventType.NMI;
  if (!loadHostState(c, p)) return;
  // An NMI that caused the VM exit leaves NMIs blocked (SDM Vol. 3C §27.5.5, when "virtual NMIs" is 0).
  if (nmiExit && (vmx.pin & PinBased.VIRTUAL_NMIS) === 0) c.nmiBlocked = true;
  if (!loadMsrList(c, wget(m, b, VO.VM_EXIT_MSR_LOAD_ADDR), wget(m, b, VO.VM_EXIT_MSR_LOAD_COUNT))) {
    vmxAbort(c, VmxAbort.LOADING_HOST_MSRS);
    return;
  }
  c.cycles += c.vmExitCycles;
  c.exitedToHost = true;
  c.stop = 1;
  c.trace.emit(EventKind.VMEXIT, c.cycles, c.id, reason >>> 0, qual >>> 0, qualHi >>> 0, instrLen, guestEip >>> 0, p, intrInfo >>> 0);
}

/** SDM Vol. 3C §27.3: guest registers, segments, descriptor tables, MSRs and non-register state. */
function saveGuestState(c: Cpu, p: number, reason: number): void {
  const vmx = c.vmx;
  const m = c.mem.i32;
  const b = p >>> 2;
  c.mem.dirtyPages[p >>> 12] = 1;
  wput(m, b, VO.GUEST_CR0, c.cr0);
  wput(m, b, VO.GUEST_CR3, c.cr3);
  wput(m, b, VO.GUEST_CR4, c.cr4);
  const exitCtls = vmx.exitControls;
  if ((exitCtls & ExitControls.SAVE_DEBUG_CONTROLS) !== 0) {
    wput(m, b, VO.GUEST_DR7, c.dr[7]);
    wput(m, b, VO.GUEST_IA32_DEBUGCTL, c.msrLo.get(0x1d9) ?? 0, 0);
  }
  wput(m, b, VO.GUEST_RSP, c.regs[4]);
  wput(m, b, VO.GUEST_RIP, c.eip);
  wput(m, b, VO.GUEST_RFLAGS, c.getEflags());
  for (let s = 0; s < 8; s++) {
    wput(m, b, SEL[s], c.segSel[s]);
    wput(m, b, BASE[s], c.segBase[s]);
    wput(m, b, LIMIT[s], c.segLimit[s]);
    wput(m, b, AR[s], c.segAr[s]);
  }
  wput(m, b, VO.GUEST_GDTR_BASE, c.gdtrBase);
  wput(m, b, VO.GUEST_GDTR_LIMIT, c.gdtrLimit);
  wput(m, b, VO.GUEST_IDTR_BASE, c.idtrBase);
  wput(m, b, VO.GUEST_IDTR_LIMIT, c.idtrLimit);
  wput(m, b, VO.GUEST_SYSENTER_CS, c.msrLo.get(0x174) ?? 0);
  wput(m, b, VO.GUEST_SYSENTER_ESP, c.msrLo.get(0x175) ?? 0);
  wput(m, b, VO.GUEST_SYSENTER_EIP, c.msrLo.get(0x176) ?? 0);
  if ((exitCtls & ExitControls.SAVE_IA32_PAT) !== 0) wput(m, b, VO.GUEST_IA32_PAT, c.msrLo.get(0x277) ?? 0, c.msrHi.get(0x277) ?? 0);
  if ((exitCtls & ExitControls.SAVE_IA32_EFER) !== 0) wput(m, b, VO.GUEST_IA32_EFER, c.efer, 0);
  // PDPTEs are saved when EPT is in use and the guest uses PAE paging (§27.3.4).
  if (vmx.eptEnabled && (c.cr0 & Cr0.PG) !== 0 && (c.cr4 & Cr4.PAE) !== 0) {
    wput(m, b, VO.GUEST_PDPTR0, c.pdpte[0], c.pdpte[1]);
    wput(m, b, VO.GUEST_PDPTR1, c.pdpte[2], c.pdpte[3]);
    wput(m, b, VO.GUEST_PDPTR2, c.pdpte[4], c.pdpte[5]);
    wput(m, b, VO.GUEST_PDPTR3, c.pdpte[6], c.pdpte[7]);
  }
  // Non-register state (§27.3.4): activity, interruptibility, pending debug exceptions, preemption timer.
  wput(m, b, VO.GUEST_ACTIVITY_STATE, c.activity === Activity.HLT ? 1 : c.activity === Activity.SHUTDOWN ? 2 : 0);
  const nmiBlocking = (vmx.pin & PinBased.VIRTUAL_NMIS) !== 0 ? vmx.virtualNmiBlocked : c.nmiBlocked;
  wput(m, b, VO.GUEST_INTERRUPTIBILITY_INFO, (c.intShadow === 1 ? 1 : 0) | (c.intShadow === 2 ? 2 : 0) | (nmiBlocking ? 8 : 0));
  // Pending debug exceptions are saved as clear except for the exits §27.3.4 lists; of those this processor
  // produces MTF VM exits, which save a coinciding single-step trap (vmx.pendingDebug).
  wput(m, b, VO.GUEST_PENDING_DBG_EXCEPTIONS, reason === VmExitReason.MONITOR_TRAP_FLAG ? vmx.pendingDebug : 0);
  vmx.pendingDebug = 0;
  if ((exitCtls & ExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE) !== 0 && vmx.preemptionTimer) {
    const rate = preemptionRate(c);
    const left = Math.max(0, Math.ceil((vmx.preemptionDeadline - c.cycles) / 2 ** rate));
    wput(m, b, VO.VMX_PREEMPTION_TIMER_VALUE, Math.min(left, 0xffffffff) | 0);
  }
  if ((vmx.proc2 & ProcBased2.ENABLE_VPID) === 0) c.flushTlbAsid(0);
}

/** IA32_VMX_MISC[4:0]: the timer counts down by 1 each time TSC bit X changes. */
export function preemptionRate(c: Cpu): number {
  const misc = c.model.capabilityMsr(0x485);
  return misc === undefined ? 0 : misc.lo & 0x1f;
}

/**
 * SDM Vol. 3C §27.5: control registers, debug registers and MSRs, segment registers and descriptor-table
 * registers, RIP/RSP/RFLAGS from the host-state area. Returns false after a VMX abort.
 */
export function loadHostState(c: Cpu, p: number): boolean {
  const vmx = c.vmx;
  const m = c.mem.i32;
  const b = p >>> 2;
  c.cr0 = ((wget(m, b, VO.HOST_CR0) & ~CR0_KEEP) | (c.cr0 & CR0_KEEP)) | 0;
  c.cr3 = wget(m, b, VO.HOST_CR3);
  c.cr4 = wget(m, b, VO.HOST_CR4);
  c.dr[7] = 0x400;
  c.msrLo.set(0x1d9, 0); // IA32_DEBUGCTL cleared
  c.msrLo.set(0x174, wget(m, b, VO.HOST_IA32_SYSENTER_CS));
  c.msrLo.set(0x175, wget(m, b, VO.HOST_IA32_SYSENTER_ESP));
  c.msrLo.set(0x176, wget(m, b, VO.HOST_IA32_SYSENTER_EIP));
  const exitCtls = vmx.exitControls;
  if ((exitCtls & ExitControls.LOAD_IA32_PAT) !== 0) {
    c.msrLo.set(0x277, wget(m, b, VO.HOST_IA32_PAT));
    c.msrHi.set(0x277, wget(m, b, VO.HOST_IA32_PAT + 4));
  }
  if ((exitCtls & ExitControls.LOAD_IA32_EFER) !== 0) c.efer = wget(m, b, VO.HOST_IA32_EFER) & 0x801;
  // Segments (§27.5.2): flat 4-GByte, DPL 0; CS execute/read accessed 32-bit; TR busy 32-bit TSS, limit 67H.
  c.setSegCache(Seg.CS, wget(m, b, VO.HOST_CS_SELECTOR), 0, -1, 0xc09b);
  // The data segments ES, SS, DS, FS, GS in that order (CS and TR are loaded separately), one call each.
  loadHostDataSeg(c, Seg.ES, wget(m, b, VO.HOST_ES_SELECTOR), 0);
  loadHostDataSeg(c, Seg.SS, wget(m, b, VO.HOST_SS_SELECTOR), 0);
  loadHostDataSeg(c, Seg.DS, wget(m, b, VO.HOST_DS_SELECTOR), 0);
  loadHostDataSeg(c, Seg.FS, wget(m, b, VO.HOST_FS_SELECTOR), wget(m, b, VO.HOST_FS_BASE));
  loadHostDataSeg(c, Seg.GS, wget(m, b, VO.HOST_GS_SELECTOR), wget(m, b, VO.HOST_GS_BASE));
  c.setSegCache(Seg.TR, wget(m, b, VO.HOST_TR_SELECTOR), wget(m, b, VO.HOST_TR_BASE), 0x67, 0x8b);
  c.setSegCache(Seg.LDTR, 0, 0, 0, Ar.UNUSABLE);
  c.gdtrBase = wget(m, b, VO.HOST_GDTR_BASE);
  c.gdtrLimit = 0xffff;
  c.idtrBase = wget(m, b, VO.HOST_IDTR_BASE);
  c.idtrLimit = 0xffff;
  c.regs[4] = wget(m, b, VO.HOST_RSP);
  c.eip = wget(m, b, VO.HOST_RIP);
  c.setEflags(2, -1);
  c.setCpl(0);
  c.intShadow = 0;
  c.activity = Activity.ACTIVE;
  vmx.preemptionTimer = false;
  vmx.mtf = false;
  vmx.eptEnabled = false;
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
