/**
 * Events: recognising them at instruction boundaries, delivering them through the IDT (or the real-mode
 * interrupt vector table), double faults and triple faults, and IRET.
 *
 * Sources: SDM Vol. 3A Ch. 6 (§6.7 NMI, §6.8 enabling and disabling interrupts, §6.9 priority, §6.12
 * exception and interrupt handling, §6.15 Table 6-5 for double faults), Vol. 2 INT n and IRET pseudocode.
 * In VMX non-root operation the exception bitmap, NMI exiting, external-interrupt exiting and the window
 * controls turn events into VM exits (SDM Vol. 3C §25.2, §26.7 — the VM-exit code is in ../vmx/exit.ts).
 */
import { ABORT, AbortKind } from './abort.ts';
import { Ar, Cr0, EventType, Flag, Seg, Vec, exceptionClass, pushesRf } from './arch.ts';
import { Acc, Activity, SegChk, type Cpu } from './cpu.ts';
import {
  descBase,
  descDpl,
  descLimit,
  fetchDescriptor,
  isCode,
  isData,
  isPresent,
  loadNullSegment,
  markAccessed,
  nullifyInaccessibleSegments,
  setCodeSegment,
} from './segments.ts';
import { inV86, loadV86Segment, loadV86Segments } from './v8086.ts';
import { EventKind } from '../trace/events.ts';
import { VmExitReason } from '../vmx/spec/exit-reasons.ts';
import { vmExit, taskSwitchExit } from '../vmx/exit.ts';
import { exceptionCausesExit, interruptionInfo } from '../vmx/nonroot.ts';
import { PinBased, ProcBased } from '../vmx/spec/controls.ts';

export function vmxMode(c: Cpu): number {
  return c.vmx.nonRoot ? 2 : c.vmx.on ? 1 : 0;
}

// ====================================================================== recognition at instruction boundaries

/**
 * Checks for events at an instruction boundary, in priority order (SDM Vol. 3A §6.9; VMX additions in
 * Vol. 3C §25.2 and §26.7.5–26.7.7): monitor-trap-flag and VMX-preemption-timer VM exits, NMI-window
 * exiting, NMI, interrupt-window exiting, maskable (external) interrupts.
 */
export function checkPendingEvents(c: Cpu): void {
  const vmx = c.vmx;
  const shadow = c.intShadow;
  if (vmx.nonRoot) {
    // Pending MTF VM exit after the previous instruction (SDM Vol. 3C §25.5.2).
    if (vmx.mtfPending) {
      vmx.mtfPending = false;
      vmExit(c, VmExitReason.MONITOR_TRAP_FLAG, 0);
      return;
    }
    // VMX-preemption timer reached zero (SDM Vol. 3C §25.5.1).
    if (vmx.preemptionTimer && c.cycles >= vmx.preemptionDeadline) {
      vmExit(c, VmExitReason.PREEMPTION_TIMER, 0);
      return;
    }
    // NMI-window exiting: no virtual-NMI blocking and no blocking by MOV SS (SDM Vol. 3C §25.3).
    if ((vmx.proc & ProcBased.NMI_WINDOW_EXITING) !== 0 && !vmx.virtualNmiBlocked && shadow !== 2) {
      vmExit(c, VmExitReason.NMI_WINDOW, 0);
      return;
    }
  }
  if (c.nmiPending && shadow !== 2) {
    if (vmx.nonRoot && (vmx.pin & PinBased.NMI_EXITING) !== 0) {
      // With "virtual NMIs" = 0, blocking by NMI holds the exit for as long as the guest runs; with "virtual NMIs"
      // = 1, NMIs are not blocked in VMX non-root operation (MOV SS aside): virtual-NMI blocking concerns only
      // virtual NMIs (SDM Vol. 3C §26.6.1; Bochs masks only its virtual-NMI event).
      if ((vmx.pin & PinBased.VIRTUAL_NMIS) !== 0 || !c.nmiBlocked) {
        c.nmiPending = false;
        // The activity state (HLT) is saved by the VM exit; the return to the active state happens only after
        // the exit completes (SDM Vol. 3C §27.1), when the host state is loaded.
        vmExit(c, VmExitReason.EXCEPTION_OR_NMI, 0, 0, 0, 0, -1, interruptionInfo(Vec.NMI, EventType.NMI, false), 0);
        return;
      }
    } else if (!c.nmiBlocked) {
      c.nmiPending = false;
      wake(c, Vec.NMI);
      c.nmiBlocked = true;
      deliverEvent(c, Vec.NMI, EventType.NMI, -1, c.eip);
      return;
    }
  }
  const ifSet = (c.eflags & Flag.IF) !== 0;
  if (vmx.nonRoot && (vmx.proc & ProcBased.INTERRUPT_WINDOW_EXITING) !== 0 && ifSet && shadow === 0) {
    vmExit(c, VmExitReason.INTERRUPT_WINDOW, 0); // saves HLT if halted (SDM Vol. 3C §27.1)
    return;
  }
  const intr = c.intr;
  if (intr !== null && intr.hasInterrupt()) {
    if (vmx.nonRoot && (vmx.pin & PinBased.EXTERNAL_INTERRUPT_EXITING) !== 0) {
      // External-interrupt exiting: RFLAGS.IF does not block the VM exit (SDM Vol. 3C §25.2).
      if (shadow === 0) {
        let info = 0;
        if ((vmx.exitControls & 0x8000) !== 0) {
          // "Acknowledge interrupt on exit": the processor acknowledges the controller and reports the vector.
          info = interruptionInfo(intr.acknowledge(), EventType.EXTERNAL_INTERRUPT, false);
        }
        vmExit(c, VmExitReason.EXTERNAL_INTERRUPT, 0, 0, 0, 0, -1, info, 0);
        return;
      }
    } else if (ifSet && shadow === 0) {
      const vector = intr.acknowledge();
      wake(c, vector);
      deliverEvent(c, vector, EventType.EXTERNAL_INTERRUPT, -1, c.eip);
      return;
    }
  }
}

function wake(c: Cpu, vector: number): void {
  if (c.activity === Activity.HLT) {
    c.activity = Activity.ACTIVE;
    c.trace.emit(EventKind.WAKE, c.cycles, c.id, vector, 0, 0, 0, 0, 0, 0);
  }
}

// ====================================================================== delivery

/** Delivers the exception recorded by `Cpu.raise` (a fault aborted the instruction; EIP is its address). */
export function deliverPendingException(c: Cpu): void {
  const vector = c.pendingVector;
  deliverEvent(c, vector, c.pendingType, c.pendingErrorCode, c.eip);
}

/**
 * Delivers an event. `returnEip` is the EIP pushed (the faulting instruction for faults, the next one for
 * traps and INT n). `instrLen` is the length of INT n / INT3 / INTO / INT1 (for VM exits).
 * Faults during delivery are combined per SDM Vol. 3A Table 6-5 (double fault, triple fault).
 */
export function deliverEvent(c: Cpu, vector: number, type: number, errorCode: number, returnEip: number, instrLen = 0): void {
  c.sysGen++; // delivery may load CS and SS, switch stacks or tasks (cpu.ts `sysGen`)
  // VMX non-root: the exception bitmap decides whether an exception becomes a VM exit (SDM Vol. 3C §25.2),
  // except for an event that VM entry injects (§26.6.1) — faults during its delivery are checked again.
  const injected = c.injecting;
  c.injecting = false;
  if (c.vmx.nonRoot && !injected && (type === EventType.HARDWARE_EXCEPTION || type === EventType.SOFTWARE_EXCEPTION || type === EventType.PRIVILEGED_SOFTWARE_EXCEPTION)) {
    if (exceptionCausesExit(c, vector, errorCode)) {
      // The exit qualification of #PF holds the linear address (CR2 is not loaded); #DB the DR6-like bits.
      let qual = 0;
      if (vector === Vec.PF && type === EventType.HARDWARE_EXCEPTION) qual = c.pendingCr2;
      else if (vector === Vec.DB && type === EventType.HARDWARE_EXCEPTION) {
        // A #DB that causes a VM exit leaves DR6 alone; the qualification carries the bits (SDM Vol. 3C §27.1).
        qual = c.pendingDr6 & 0x600f;
        c.pendingDr6 = 0;
      }
      // No error code is delivered in real-address mode, and bit 11 is "always 0 if the VM exit occurred while the
      // logical processor was in real-address mode (CR0.PE=0)" (SDM Vol. 3C §27.2.2; Bochs exception.cc push_error).
      const hasEc = errorCode >= 0 && (c.cr0 & Cr0.PE) !== 0;
      // Bit 12, "NMI unblocking due to IRET": a fault of an IRET that unblocked NMIs, not an exception met while
      // delivering another event, and never for #DF (SDM Vol. 3C §27.2.2; Bochs VMexit_Event).
      const nmiUnblock = c.nmiUnblockedByIret && c.eventInFlight === 0 && vector !== Vec.DF ? 0x1000 : 0;
      vmExit(c, VmExitReason.EXCEPTION_OR_NMI, qual, instrLen, 0, 0, -1, interruptionInfo(vector, type, hasEc) | nmiUnblock, hasEc ? errorCode : 0);
      return;
    }
  }
  c.nmiUnblockedByIret = false; // the IRET's fault is delivered through the IDT: NMIs stay unblocked (SDM Vol. 3A §6.7.1)
  // Bare labs without an IDT: an exception that the IDT cannot deliver ends the run with its vector and
  // error code reported (rather than the #DF / triple fault the hardware would produce).
  if (
    c.stopOnUnhandledException &&
    !c.vmx.nonRoot &&
    type === EventType.HARDWARE_EXCEPTION &&
    (c.cr0 & Cr0.PE) !== 0 &&
    (vector << 3) + 7 > (c.idtrLimit >>> 0)
  ) {
    c.unhandledException = true;
    c.stop = 1;
    c.unhandledVector = vector;
    c.unhandledErrorCode = errorCode;
    if (vector === Vec.PF) c.cr2 = c.pendingCr2;
    c.trace.emit(EventKind.EVENT_DELIVERY, c.cycles, c.id, vector, type, errorCode, returnEip >>> 0, c.cpl, c.cpl, vmxMode(c));
    return;
  }
  if (vector === Vec.DB && type === EventType.HARDWARE_EXCEPTION && c.pendingDr6 !== 0) {
    c.dr[6] |= c.pendingDr6; // a delivered #DB records its cause in DR6 (SDM Vol. 3A §17.2.3)
    c.pendingDr6 = 0;
  }
  // Blocking by STI or MOV SS ends with the delivery of another event, such as the fault of the blocked
  // instruction (SDM Vol. 2 STI: "The inhibition ends after delivery of another event (e.g., exception) or the
  // execution of the next instruction"; Bochs interrupt() clears inhibit_mask): an interrupt pending while the
  // handler starts is taken before the handler's first instruction.
  if (c.intShadow !== 0) {
    c.intShadow = 0;
    c.stop = 1;
  }
  const first = c.eventInFlight;
  const firstErr = c.eventInFlightErr;
  const firstLen = c.eventInFlightLen;
  // The event as IDT-vectoring information would record it: in real-address mode no error code is pushed, so
  // none is reported (SDM Vol. 3C §27.2.3; Bochs exception.cc clears push_error before VMexit_Event).
  const inFlightEc = errorCode >= 0 && (c.cr0 & Cr0.PE) !== 0;
  c.eventInFlight = (0x80000000 | (inFlightEc ? 0x800 : 0) | (type << 8) | vector) | 0;
  c.eventInFlightErr = inFlightEc ? errorCode : 0;
  // The instruction length of INT n / INT3 / INTO / INT1 (prefixes included), for VM exits during delivery.
  c.eventInFlightLen = instrLen;
  if (vector === Vec.PF && type === EventType.HARDWARE_EXCEPTION) c.cr2 = c.pendingCr2;
  const fromCpl = c.cpl;
  let reported = false;
  try {
    if ((c.cr0 & Cr0.PE) === 0) deliverReal(c, vector, returnEip);
    else reported = deliverProtected(c, vector, type, errorCode, returnEip, injected);
    c.eventInFlight = first;
    c.eventInFlightErr = firstErr;
    c.eventInFlightLen = firstLen;
  } catch (e) {
    if (e !== ABORT) throw e;
    if (c.abortKind !== AbortKind.EXCEPTION) {
      // A VM exit (it recorded the event in the IDT-vectoring information) or shutdown.
      c.eventInFlight = 0;
      return;
    }
    const second = c.pendingVector;
    // The instruction that raised this event (INT n, INT3, INTO) did not complete: no single-step trap follows it
    // (SDM Vol. 3A §17.3.1.4 makes single-step a trap after an executed instruction; Bochs interrupt() discards
    // debug_trap when the fault is delivered). cpu.ts stepInsn compares this count.
    c.deliveryFaults++;
    // VMX non-root: the fault met during delivery is checked against the exception bitmap first; if it exits,
    // the event being delivered is reported as IDT-vectoring information (SDM Vol. 3C §25.2, §27.2.3). Only a
    // fault that does not exit is combined with the first event into #DF or a triple fault.
    if (c.vmx.nonRoot && exceptionCausesExit(c, second, c.pendingErrorCode)) {
      deliverEvent(c, second, c.pendingType, c.pendingErrorCode, c.eip);
      c.eventInFlight = 0;
      return;
    }
    const firstClass = type === EventType.HARDWARE_EXCEPTION ? exceptionClass(vector) : 'benign';
    const secondClass = exceptionClass(second);
    if (type === EventType.HARDWARE_EXCEPTION && vector === Vec.DF) {
      c.eventInFlight = 0;
      tripleFault(c);
      return;
    }
    const df =
      (firstClass === 'contributory' && secondClass === 'contributory') ||
      (firstClass === 'page-fault' && secondClass !== 'benign');
    if (df) {
      // A #PF that turns the delivery into a #DF was still a page fault: CR2 holds its address (CR2 is loaded
      // when the fault is detected, SDM Vol. 3A §6.15 Interrupt 14; Bochs page_fault()). In VMX non-root
      // operation CR2 is left to the exception-bitmap logic.
      if (second === Vec.PF && !c.vmx.nonRoot) c.cr2 = c.pendingCr2;
      deliverEvent(c, Vec.DF, EventType.HARDWARE_EXCEPTION, 0, c.eip);
    } else {
      deliverEvent(c, second, c.pendingType, c.pendingErrorCode, c.eip);
    }
    c.eventInFlight = first;
    return;
  }
  if (!reported) c.trace.emit(EventKind.EVENT_DELIVERY, c.cycles, c.id, vector, type, errorCode, returnEip >>> 0, fromCpl, c.cpl, vmxMode(c));
  // Monitor trap flag: an event delivered in VMX non-root operation — a fault of an instruction, an injected event,
  // an interrupt, a pending #DB — leaves an MTF VM exit pending on the boundary after its delivery, before the
  // handler's first instruction (SDM Vol. 3C §25.5.2; Bochs interrupt()).
  if (c.vmx.nonRoot && c.vmx.mtf) {
    c.vmx.mtfPending = true;
    c.stop = 1;
  }
}

/** Triple fault: a VM exit in non-root operation (reason 2), otherwise shutdown (SDM Vol. 3A §6.15, Vol. 3C §25.2). */
export function tripleFault(c: Cpu): void {
  if (c.vmx.nonRoot) {
    vmExit(c, VmExitReason.TRIPLE_FAULT, 0);
    return;
  }
  c.activity = Activity.SHUTDOWN;
  c.trace.emit(EventKind.SHUTDOWN, c.cycles, c.id, c.eip >>> 0, vmxMode(c), 0, 0, 0, 0, 0);
  c.abortKind = AbortKind.SHUTDOWN;
  // Nothing more may execute: INT n delivers from inside its exec function, which then returns normally.
  c.stop = 1;
}

/** Real-address-mode interrupt: IVT entry, push FLAGS/CS/IP (SDM Vol. 2 INT n, REAL-ADDRESS-MODE). */
function deliverReal(c: Cpu, vector: number, returnEip: number): void {
  if (vector * 4 + 3 > (c.idtrLimit >>> 0)) c.gp(0);
  const entry = (c.idtrBase + vector * 4) | 0;
  const ip = c.readLin16(entry, Acc.READ_SUP);
  const cs = c.readLin16(entry + 2, Acc.READ_SUP);
  const flags = c.getEflags();
  c.push16(flags);
  c.push16(c.segSel[Seg.CS]);
  c.push16(returnEip);
  c.setEflags(0, Flag.IF | Flag.TF | Flag.AC);
  c.setSegCache(Seg.CS, cs, cs << 4, c.segLimit[Seg.CS], c.segAr[Seg.CS]);
  c.eip = ip;
  c.stop = 1;
}

/**
 * Protected-mode delivery through an interrupt or trap gate (SDM Vol. 3A §6.12.1; Vol. 2 INT n pseudocode).
 * Returns true when the EVENT_DELIVERY event was already reported (an event interceptor took the event).
 */
function deliverProtected(c: Cpu, vector: number, type: number, errorCode: number, returnEip: number, injected: boolean): boolean {
  // EXT is clear only for a software interrupt (INT n), INT3 and INTO; INT1 (ICEBP) sets it like an external event
  // (SDM Vol. 3A §6.13; Bochs sets EXT before delivering INT1).
  const ext = type === EventType.SOFTWARE_INTERRUPT || type === EventType.SOFTWARE_EXCEPTION ? 0 : 1;
  const idtErr = (vector << 3) | 2 | ext;
  if ((vector << 3) + 7 > (c.idtrLimit >>> 0)) c.gp(idtErr);
  const gLo = c.readLin32((c.idtrBase + (vector << 3)) | 0, Acc.READ_SUP);
  const gHi = c.readLin32((c.idtrBase + (vector << 3) + 4) | 0, Acc.READ_SUP);
  const gType = (gHi >>> 8) & 0x1f; // S bit included: system descriptors have bit 4 = 0
  if (gType !== 5 && gType !== 6 && gType !== 7 && gType !== 14 && gType !== 15) c.gp(idtErr);
  // Software interrupts and INT3/INTO check the gate's DPL against CPL (not INT1, not hardware events).
  if ((type === EventType.SOFTWARE_INTERRUPT || type === EventType.SOFTWARE_EXCEPTION) && descDpl(gHi) < c.cpl) c.gp(idtErr);
  if (!isPresent(gHi)) c.np(idtErr);
  if (gType === 5) {
    // Task gate: a task switch (SDM Vol. 3A §7.3). In VMX non-root operation it is always a VM exit.
    taskSwitchThroughGate(c, gLo >>> 16, 3, ext);
    return false;
  }
  const gate32 = gType >= 14;
  const trapGate = (gType & 1) !== 0;
  const sel = gLo >>> 16;
  const offset = gate32 ? ((gLo & 0xffff) | (gHi & 0xffff0000)) | 0 : gLo & 0xffff;
  if ((sel & 0xfffc) === 0) c.gp(ext);
  if (!fetchDescriptor(c, sel)) c.gp((sel & 0xfffc) | ext);
  const cLo = c.descLo;
  const cHi = c.descHi;
  if (!isCode(cHi) || descDpl(cHi) > c.cpl) c.gp((sel & 0xfffc) | ext);
  if (!isPresent(cHi)) c.np((sel & 0xfffc) | ext);
  const dpl = descDpl(cHi);
  const conforming = (cHi & 0x400) !== 0;
  if (c.eventInterceptor !== null && !c.vmx.nonRoot) {
    // A software VMM (ring deprivileging, src/core/techniques/deprivileged) owns this IDT and handles its
    // events in TypeScript. The gate and handler checks above ran against its tables as on hardware; report
    // the transition into its handler's ring, then hand the event over instead of pushing the frame.
    c.trace.emit(EventKind.EVENT_DELIVERY, c.cycles, c.id, vector, type, errorCode, returnEip >>> 0, c.cpl, conforming ? c.cpl : dpl, vmxMode(c));
    if (c.eventInterceptor(c, vector, type, errorCode, returnEip)) return true;
  }
  // "For any fault-class exception except a debug exception generated in response to an instruction breakpoint,
  // the value pushed for RF is 1" (SDM Vol. 3A §17.3.1.1; Bochs exception.cc assert_RF for faults other than #DB).
  // An event VM entry injects pushes RF as the guest-state area loaded it: "RF is not modified based on the type of
  // event" (SDM Vol. 3C §26.6.1.1; Bochs delivers injected events through interrupt(), not exception()).
  const flags = c.getEflags() | (!injected && pushesRf(vector, type) ? Flag.RF : 0);
  const size = gate32 ? 4 : 2;
  const hasEc = errorCode >= 0;
  const csSel = c.segSel[Seg.CS];
  // From virtual-8086 mode an interrupt or exception is taken by a ring-0 handler only: a non-conforming code segment
  // of DPL 0, else #GP(new CS selector) (SDM Vol. 2 INT n pseudocode, INTERRUPT-FROM-VIRTUAL-8086-MODE; Vol. 3A
  // §20.3.1.1). The frame then also holds GS, FS, DS and ES, which are nulled for the handler (Figure 20-5).
  const fromV86 = (flags & Flag.VM) !== 0;
  if (fromV86 && (conforming || dpl !== 0)) c.gp((sel & 0xfffc) | ext);
  if (!conforming && dpl < c.cpl) {
    // ---- inter-privilege: new stack from the TSS (SDM Vol. 3A §6.12.1, Figure 6-4).
    readTssStack(c, dpl, ext);
    const newSs = c.tssSs;
    const newEsp = c.tssEsp;
    if ((newSs & 0xfffc) === 0) c.ts(ext);
    if (!fetchDescriptor(c, newSs)) c.ts((newSs & 0xfffc) | ext);
    const sLo = c.descLo;
    const sHi = c.descHi;
    if ((newSs & 3) !== dpl || descDpl(sHi) !== dpl || !isData(sHi) || (sHi & 0x200) === 0) c.ts((newSs & 0xfffc) | ext);
    if (!isPresent(sHi)) c.ss((newSs & 0xfffc) | ext);
    const ssBase = descBase(sLo, sHi);
    const big = (sHi & 0x400000) !== 0;
    const frame = size * (5 + (fromV86 ? 4 : 0) + (hasEc ? 1 : 0));
    if (!stackFits(newEsp, frame, descLimit(sLo, sHi), (sHi & 0x400) !== 0, big)) c.ss((newSs & 0xfffc) | ext);
    // "IF instruction pointer from IDT gate is not within new code-segment limits THEN #GP(EXT)" (SDM INT n).
    if ((gate32 ? offset >>> 0 : offset & 0xffff) > descLimit(cLo, cHi) >>> 0) c.gp(ext);
    let sp = big ? newEsp | 0 : newEsp & 0xffff;
    if (fromV86) {
      // Selector pushes in a 32-bit frame are zero-extended to a doubleword (SDM INT n: "padded to two words").
      sp = pushRaw(c, ssBase, sp, big, size, c.segSel[Seg.GS]);
      sp = pushRaw(c, ssBase, sp, big, size, c.segSel[Seg.FS]);
      sp = pushRaw(c, ssBase, sp, big, size, c.segSel[Seg.DS]);
      sp = pushRaw(c, ssBase, sp, big, size, c.segSel[Seg.ES]);
    }
    sp = pushRaw(c, ssBase, sp, big, size, c.segSel[Seg.SS]);
    sp = pushRaw(c, ssBase, sp, big, size, c.regs[4]);
    sp = pushRaw(c, ssBase, sp, big, size, flags);
    sp = pushRaw(c, ssBase, sp, big, size, csSel);
    sp = pushRaw(c, ssBase, sp, big, size, returnEip);
    if (hasEc) sp = pushRaw(c, ssBase, sp, big, size, errorCode);
    // Commit: SS:ESP, CS:EIP, CPL.
    markAccessedAt(c, newSs, sHi);
    c.setSegCache(Seg.SS, newSs, ssBase, descLimit(sLo, sHi), (sHi >>> 8) & 0xf0ff | 1);
    if (big) c.regs[4] = sp;
    else c.setReg16(4, sp);
    c.descLo = cLo;
    c.descHi = cHi;
    markAccessed(c, sel);
    setCodeSegment(c, sel, cLo, cHi, dpl);
    if (fromV86) {
      // "GS := 0; FS := 0; DS := 0; ES := 0 (* Segment registers made NULL, invalid for use in protected mode *)".
      loadNullSegment(c, Seg.GS, 0);
      loadNullSegment(c, Seg.FS, 0);
      loadNullSegment(c, Seg.DS, 0);
      loadNullSegment(c, Seg.ES, 0);
    }
  } else if (conforming || dpl === c.cpl) {
    // ---- same privilege: push on the current stack (SDM INT n, INTRA-PRIVILEGE-LEVEL-INTERRUPT).
    // "IF current stack does not have room for 16 bytes (error code pushed) or 12 bytes ... THEN #SS(EXT)".
    const frame = size * (3 + (hasEc ? 1 : 0));
    if ((c.segChk[Seg.SS] & SegChk.FLAT) === 0) {
      const ssAr = c.segAr[Seg.SS];
      const big = (ssAr & Ar.DB) !== 0;
      if ((ssAr & Ar.UNUSABLE) !== 0 || !stackFits(c.regs[4], frame, c.segLimit[Seg.SS], (ssAr & Ar.TYPE_EC) !== 0, big)) c.ss(ext);
    }
    // "IF instruction pointer not within code segment limit THEN #GP(EXT)".
    if ((gate32 ? offset >>> 0 : offset & 0xffff) > descLimit(cLo, cHi) >>> 0) c.gp(ext);
    // A fault on a later slot (a #PF on the next page) must leave ESP as it was: the delivery is retried
    // as a whole, or becomes a double fault (SDM Vol. 3A §6.15).
    const oldEsp = c.regs[4];
    try {
      if (size === 4) {
        c.push32(flags);
        c.push32(csSel);
        c.push32(returnEip);
        if (hasEc) c.push32(errorCode);
      } else {
        c.push16(flags);
        c.push16(csSel);
        c.push16(returnEip);
        if (hasEc) c.push16(errorCode);
      }
    } catch (e) {
      c.restoreEspAfterAbort(oldEsp);
      throw e;
    }
    c.descLo = cLo;
    c.descHi = cHi;
    markAccessed(c, sel);
    setCodeSegment(c, sel, cLo, cHi, c.cpl);
  } else {
    c.gp((sel & 0xfffc) | ext);
  }
  c.eip = gate32 ? offset : offset & 0xffff;
  // Clear TF, NT, RF, VM; an interrupt gate also clears IF (SDM Vol. 3A §6.12.1.3).
  c.setEflags(0, Flag.TF | Flag.NT | Flag.RF | Flag.VM | (trapGate ? 0 : Flag.IF));
  c.stop = 1;
  return c.eventInterceptor !== null && !c.vmx.nonRoot;
}

/** Writes one stack slot below `sp` in a stack segment that is not loaded yet; returns the new SP. */
function pushRaw(c: Cpu, ssBase: number, sp: number, big: boolean, size: number, v: number): number {
  const nsp = big ? (sp - size) | 0 : (sp - size) & 0xffff;
  if (size === 4) c.writeLin32((ssBase + nsp) | 0, v, Acc.WRITE_SUP);
  else c.writeLin16((ssBase + nsp) | 0, v, Acc.WRITE_SUP);
  return nsp;
}

/** True when `frame` bytes pushed below `sp` stay inside the stack segment's limit (SDM Vol. 3A §5.3). */
export function stackFits(sp: number, frame: number, limit: number, expandDown: boolean, big: boolean): boolean {
  const wrap = big ? 0x100000000 : 0x10000;
  const top = (big ? sp >>> 0 : sp & 0xffff);
  const lowest = (top - frame + wrap) % wrap;
  const highest = lowest + frame - 1;
  const lim = limit >>> 0;
  if (!expandDown) return highest <= lim && highest < wrap;
  const upper = big ? 0xffffffff : 0xffff;
  return lowest > lim && highest <= upper;
}

function markAccessedAt(c: Cpu, sel: number, hi: number): void {
  c.descHi = hi;
  markAccessed(c, sel);
}

/** Stack for privilege level `dpl` from the current TSS (SDM Vol. 3A §7.2.1, Figure 7-2 and 7-11). */
export function readTssStack(c: Cpu, dpl: number, ext: number): void {
  const trAr = c.segAr[Seg.TR];
  const trSel = c.segSel[Seg.TR];
  if ((trAr & Ar.UNUSABLE) !== 0) c.ts((trSel & 0xfffc) | ext);
  const type = trAr & 0xf;
  const base = c.segBase[Seg.TR];
  const limit = c.segLimit[Seg.TR] >>> 0;
  if (type === 9 || type === 11) {
    const off = 4 + dpl * 8;
    if (off + 5 > limit) c.ts((trSel & 0xfffc) | ext);
    c.tssEsp = c.readLin32((base + off) | 0, Acc.READ_SUP);
    c.tssSs = c.readLin16((base + off + 4) | 0, Acc.READ_SUP);
    return;
  }
  if (type === 1 || type === 3) {
    const off = 2 + dpl * 4;
    if (off + 3 > limit) c.ts((trSel & 0xfffc) | ext);
    c.tssEsp = c.readLin16((base + off) | 0, Acc.READ_SUP);
    c.tssSs = c.readLin16((base + off + 2) | 0, Acc.READ_SUP);
    return;
  }
  c.ts((trSel & 0xfffc) | ext);
}

/**
 * A task switch through a task gate, a TSS selector in a far JMP/CALL, or IRET with NT = 1.
 * In VMX non-root operation a task switch always causes a VM exit (SDM Vol. 3C §25.1.2), reason 9 with the
 * new TSS selector and the source in the qualification (Table 27-2). Hardware task switching outside VMX
 * non-root operation is not emulated by this core: it raises #GP with the selector (documented limitation).
 */
export function taskSwitchThroughGate(c: Cpu, tssSel: number, source: number, ext: number, instrLen = 0): void {
  checkNewTss(c, tssSel, source, ext);
  if (c.vmx.nonRoot) {
    // The VM-exit instruction length is that of the CALL, JMP or IRET (SDM Vol. 3C §27.2.5).
    taskSwitchExit(c, tssSel, source, instrLen);
    c.abortForVmExit();
  }
  c.gp((tssSel & 0xfffc) | ext);
}

/**
 * The checks on the new task's TSS that come before a task switch — and so before a task-switch VM exit, which
 * happens only "if checks 1–4 all pass" (SDM Vol. 3C §25.4.2; Vol. 3A §7.3 steps 1–2; Bochs protected_mode_int,
 * jump/call through a task gate, iret_protected and task_switch). The selector must be global and inside the
 * GDT, its descriptor a TSS — available (type 1 or 9) for CALL, JMP and an interrupt, busy (3 or 11) for IRET —
 * present (#NP otherwise), with a limit of at least 67H (2BH for a 16-bit TSS; #TS otherwise). A bad selector
 * or type is #GP for CALL, JMP and interrupts and #TS for IRET. `source` is the task-switch qualification's:
 * 0 CALL, 1 IRET, 2 JMP, 3 task gate in the IDT; `ext` the EXT bit of the event being delivered.
 */
function checkNewTss(c: Cpu, sel: number, source: number, ext: number): void {
  const err = (sel & 0xfffc) | ext;
  const fromIret = source === 1;
  const bad = (): never => (fromIret ? c.ts(err) : c.gp(err));
  if ((sel & 4) !== 0 || !fetchDescriptor(c, sel)) bad();
  const hi = c.descHi;
  const type = (hi >>> 8) & 0x1f; // the S bit included: a TSS is a system descriptor
  if (fromIret ? type !== 3 && type !== 11 : type !== 1 && type !== 9) bad();
  if (!isPresent(hi)) c.np(err);
  if ((descLimit(c.descLo, hi) >>> 0) < ((type & 8) !== 0 ? 0x67 : 0x2b)) c.ts(err);
}

// ====================================================================== IRET

/** IRET / IRETD (SDM Vol. 2 IRET pseudocode): real mode, same privilege, or return to an outer level. */
export function iret(c: Cpu, osz: number, instrLen = 1): void {
  const fromCpl = c.cpl;
  // IRET unblocks NMIs (SDM Vol. 3A §6.7.1); with virtual NMIs, virtual-NMI blocking (Vol. 3C §25.3). A VM exit for
  // a fault of this IRET reports whether it did (bit 12; undefined with "NMI exiting" = 1 and "virtual NMIs" = 0,
  // where this processor leaves it 0 — SDM Vol. 3C §27.2.2).
  if (c.vmx.nonRoot && (c.vmx.pin & PinBased.VIRTUAL_NMIS) !== 0) {
    c.nmiUnblockedByIret = c.vmx.virtualNmiBlocked;
    c.vmx.virtualNmiBlocked = false;
  } else {
    c.nmiUnblockedByIret = c.vmx.nonRoot && c.nmiBlocked && (c.vmx.pin & PinBased.NMI_EXITING) === 0;
    c.nmiBlocked = false;
  }
  if ((c.cr0 & Cr0.PE) === 0) {
    const ip = osz === 4 ? c.peek32(0) : c.peek16(0);
    const cs = osz === 4 ? c.peek32(4) & 0xffff : c.peek16(2);
    const fl = osz === 4 ? c.peek32(8) : c.peek16(4);
    c.adjustSp(osz * 3);
    c.setSegCache(Seg.CS, cs, cs << 4, c.segLimit[Seg.CS], c.segAr[Seg.CS]);
    c.eip = osz === 4 ? ip : ip & 0xffff;
    const mask = osz === 4 ? 0x257fd5 : 0x7fd5; // real mode: all but VM, RF, VIF, VIP (SDM IRET)
    c.setEflags(fl, mask);
    c.stop = 1;
    c.nmiUnblockedByIret = false;
    c.trace.emit(EventKind.IRET, c.cycles, c.id, fromCpl, c.cpl, c.eip >>> 0, vmxMode(c), 0, 0, 0);
    return;
  }
  if (inV86(c)) {
    iretFromV86(c, osz, fromCpl);
    return;
  }
  const flagsNow = c.getEflags();
  if ((flagsNow & Flag.NT) !== 0) {
    // Return from a nested task: a task switch to the TSS linked from the current one.
    const link = c.readLin16(c.segBase[Seg.TR], Acc.READ_SUP);
    taskSwitchThroughGate(c, link, 1, 0, instrLen);
    c.nmiUnblockedByIret = false;
    return;
  }
  const newEip = osz === 4 ? c.peek32(0) : c.peek16(0);
  const newCs = osz === 4 ? c.peek32(4) & 0xffff : c.peek16(2);
  const newFlags = osz === 4 ? c.peek32(8) : c.peek16(4);
  if (osz === 4 && (newFlags & Flag.VM) !== 0 && c.cpl === 0) {
    returnToV86(c, newEip, newCs, newFlags, fromCpl);
    return;
  }
  if ((newCs & 0xfffc) === 0) c.gp(0);
  if (!fetchDescriptor(c, newCs)) c.gp(newCs & 0xfffc);
  const cLo = c.descLo;
  const cHi = c.descHi;
  const rpl = newCs & 3;
  if (rpl < c.cpl || !isCode(cHi)) c.gp(newCs & 0xfffc);
  const dpl = descDpl(cHi);
  const conforming = (cHi & 0x400) !== 0;
  if (conforming ? dpl > rpl : dpl !== rpl) c.gp(newCs & 0xfffc);
  if (!isPresent(cHi)) c.np(newCs & 0xfffc);
  const oldCpl = c.cpl;
  const iopl = (flagsNow >>> 12) & 3;
  let mask = 0x4dd5 | Flag.TF | Flag.DF; // CF PF AF ZF SF OF TF DF NT
  if (osz === 4) mask |= Flag.RF | Flag.AC | Flag.ID;
  if (oldCpl <= iopl) mask |= Flag.IF;
  if (oldCpl === 0) {
    mask |= Flag.IOPL;
    if (osz === 4) mask |= Flag.VIF | Flag.VIP;
  }
  if (osz === 2) mask &= 0xffff;
  if (rpl > c.cpl) {
    // ---- return to an outer privilege level: also pop ESP and SS.
    const newEsp = osz === 4 ? c.peek32(12) : c.peek16(6);
    const newSs = osz === 4 ? c.peek32(16) & 0xffff : c.peek16(8);
    if ((newSs & 0xfffc) === 0) c.gp(0);
    if (!fetchDescriptor(c, newSs)) c.gp(newSs & 0xfffc);
    const sLo = c.descLo;
    const sHi = c.descHi;
    if ((newSs & 3) !== rpl || !isData(sHi) || (sHi & 0x200) === 0 || descDpl(sHi) !== rpl) c.gp(newSs & 0xfffc);
    if (!isPresent(sHi)) c.ss(newSs & 0xfffc);
    // "IF EIP is not within CS limit THEN #GP(0)" (SDM IRET, RETURN-TO-OUTER-PRIVILEGE-LEVEL).
    if ((osz === 4 ? newEip >>> 0 : newEip & 0xffff) > descLimit(cLo, cHi) >>> 0) c.gp(0);
    markAccessed(c, newSs);
    c.descLo = cLo;
    c.descHi = cHi;
    markAccessed(c, newCs);
    setCodeSegment(c, newCs, cLo, cHi, rpl);
    c.setSegCache(Seg.SS, newSs, descBase(sLo, sHi), descLimit(sLo, sHi), ((sHi >>> 8) & 0xf0ff) | 1);
    if ((sHi & 0x400000) !== 0) c.regs[4] = newEsp;
    else c.setReg16(4, newEsp);
    c.eip = osz === 4 ? newEip : newEip & 0xffff;
    c.setEflags(newFlags, mask);
    nullifyInaccessibleSegments(c);
  } else {
    // "IF EIP is not within CS limit THEN #GP(0)" (SDM IRET, RETURN-TO-SAME-PRIVILEGE-LEVEL).
    if ((osz === 4 ? newEip >>> 0 : newEip & 0xffff) > descLimit(cLo, cHi) >>> 0) c.gp(0);
    c.adjustSp(osz * 3);
    c.descLo = cLo;
    c.descHi = cHi;
    markAccessed(c, newCs);
    setCodeSegment(c, newCs, cLo, cHi, c.cpl);
    c.eip = osz === 4 ? newEip : newEip & 0xffff;
    c.setEflags(newFlags, mask);
  }
  c.stop = 1;
  c.nmiUnblockedByIret = false;
  c.trace.emit(EventKind.IRET, c.cycles, c.id, fromCpl, c.cpl, c.eip >>> 0, vmxMode(c), 0, 0, 0);
}

/**
 * IRET in virtual-8086 mode (SDM IRET, IRET-FROM-VIRTUAL-8086-MODE): with IOPL = 3 a real-mode-style return that
 * leaves VM and IOPL (and VIF, VIP) as they are; with IOPL < 3, #GP(0), a trap to the virtual-8086 monitor.
 */
function iretFromV86(c: Cpu, osz: number, fromCpl: number): void {
  if ((c.eflags & Flag.IOPL) !== Flag.IOPL) c.gp(0);
  const ip = osz === 4 ? c.peek32(0) : c.peek16(0);
  const cs = osz === 4 ? c.peek32(4) & 0xffff : c.peek16(2);
  const fl = osz === 4 ? c.peek32(8) : c.peek16(4);
  if ((osz === 4 ? ip >>> 0 : ip & 0xffff) > c.segLimit[Seg.CS] >>> 0) c.gp(0); // "IF EIP not within CS limit"
  c.adjustSp(osz * 3);
  loadV86Segment(c, Seg.CS, cs);
  c.eip = osz === 4 ? ip : ip & 0xffff;
  // CF PF AF ZF SF OF TF IF DF NT, and with a 32-bit operand RF AC ID; never IOPL, VM, VIF or VIP.
  let mask = 0x4dd5 | Flag.TF | Flag.IF | Flag.DF;
  if (osz === 4) mask |= Flag.RF | Flag.AC | Flag.ID;
  c.setEflags(fl, mask);
  c.stop = 1;
  c.nmiUnblockedByIret = false;
  c.trace.emit(EventKind.IRET, c.cycles, c.id, fromCpl, c.cpl, c.eip >>> 0, vmxMode(c), 0, 0, 0);
}

/**
 * IRETD at CPL 0 whose EFLAGS image has VM = 1 (SDM IRET, RETURN-TO-VIRTUAL-8086-MODE): pops EIP, CS, EFLAGS, then ESP,
 * SS, ES, DS, FS and GS, loads all six segment registers virtual-8086 style and resumes at CPL 3. This is how a
 * monitor starts or resumes a virtual-8086 task (Figure 20-5 is the frame an interrupt from it leaves).
 */
function returnToV86(c: Cpu, newEip: number, newCs: number, newFlags: number, fromCpl: number): void {
  // "IF EIP not within CS limit THEN #GP(0)" is checked against the CS still loaded (the monitor's ring-0 code segment),
  // then "EIP := tempEIP AND 0000FFFFH": high bits of the image's EIP are dropped, not faulted on (Bochs
  // stack_return_to_v86 notes that hardware raises no fault for them).
  if ((newEip >>> 0) > (c.segLimit[Seg.CS] >>> 0)) c.gp(0);
  const esp = c.peek32(12);
  const ss = c.peek32(16);
  const es = c.peek32(20);
  const ds = c.peek32(24);
  const fs = c.peek32(28);
  const gs = c.peek32(32);
  c.adjustSp(36);
  c.setEflags(newFlags, -1);
  loadV86Segments(c, newCs, ss, es, ds, fs, gs);
  c.regs[4] = esp;
  c.eip = newEip & 0xffff;
  c.stop = 1;
  c.nmiUnblockedByIret = false;
  c.trace.emit(EventKind.IRET, c.cycles, c.id, fromCpl, c.cpl, c.eip >>> 0, vmxMode(c), 0, 0, 0);
}
