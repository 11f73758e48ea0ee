/**
 * The VMM's exit handlers: one per basic exit reason, shaped like KVM's `kvm_vmx_exit_handlers[]`.
 * Each reads the exit information and guest state through VMREAD, emulates what the guest asked for,
 * writes results back through VMWRITE (or the vCPU's saved registers), and usually advances GUEST_RIP by
 * the VM-exit instruction length (SDM Vol. 3C §27.2.5: fault-like exits leave RIP at the instruction).
 */
import { Cr0, Cr4, EventType, Flag, Vec } from '../x86/arch.ts';
import type { Cpu } from '../x86/cpu.ts';
import { VmExitReason } from '../vmx/spec/exit-reasons.ts';
import { VmcsField as F } from '../vmx/spec/fields.ts';
import { ExitControls, ProcBased } from '../vmx/spec/controls.ts';
import { EventKind } from '../trace/events.ts';
import { walkGuest } from './guest-memory.ts';
import { ShadowFault } from './shadow.ts';
import { Hypercall, HYPERCALL_ABI_VERSION, HC_ENOSYS, HC_EPERM } from './hypercalls.ts';
import type { Hypervisor } from './hypervisor.ts';
import { writeProcControls, type VCpu } from './vm.ts';
import { vmr, vmw } from './vmcs-access.ts';
// `tr` is the catalogue's `t` (issue 8: every user-visible string in one catalogue); `t` names a TSC value here.
import { t as tr } from '../../i18n/t.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';

export type ExitHandler = (h: Hypervisor, c: Cpu, v: VCpu) => void;

/** What each handler is called and does, for the UI's code panel ("which handler ran"). */
export interface HandlerInfo {
  name: string;
  does: string;
}

/** A handler's name and what it does, read from the catalogue when shown (so it follows the active language). */
function handler(name: string, key: MessageKey): HandlerInfo {
  return {
    name,
    get does() {
      return tr(key);
    },
  };
}

export const HANDLER_INFO: Readonly<Record<number, HandlerInfo>> = {
  0: handler('handle_exception_nmi', 'vmm.handler.exceptionNmi'),
  1: handler('handle_external_interrupt', 'vmm.handler.externalInterrupt'),
  2: handler('handle_triple_fault', 'vmm.handler.tripleFault'),
  7: handler('handle_interrupt_window', 'vmm.handler.interruptWindow'),
  9: handler('handle_task_switch', 'vmm.handler.taskSwitch'),
  10: handler('handle_cpuid', 'vmm.handler.cpuid'),
  12: handler('handle_halt', 'vmm.handler.halt'),
  13: handler('handle_invd', 'vmm.handler.invd'),
  14: handler('handle_invlpg', 'vmm.handler.invlpg'),
  16: handler('handle_rdtsc', 'vmm.handler.rdtsc'),
  18: handler('handle_vmcall', 'vmm.handler.vmcall'),
  28: handler('handle_cr', 'vmm.handler.cr'),
  29: handler('handle_dr', 'vmm.handler.dr'),
  30: handler('handle_io', 'vmm.handler.io'),
  31: handler('handle_rdmsr', 'vmm.handler.rdmsr'),
  32: handler('handle_wrmsr', 'vmm.handler.wrmsr'),
  33: handler('handle_invalid_guest_state', 'vmm.handler.invalidGuestState'),
  34: handler('handle_msr_load_fail', 'vmm.handler.msrLoadFail'),
  48: handler('handle_ept_violation', 'vmm.handler.eptViolation'),
  49: handler('handle_ept_misconfig', 'vmm.handler.eptMisconfig'),
  51: handler('handle_rdtscp', 'vmm.handler.rdtscp'),
  52: handler('handle_preemption_timer', 'vmm.handler.preemptionTimer'),
  54: handler('handle_wbinvd', 'vmm.handler.wbinvd'),
  55: handler('handle_xsetbv', 'vmm.handler.xsetbv'),
  [VmExitReason.VMCLEAR]: handler('handle_vmx_instruction', 'vmm.handler.vmxInstruction'),
};

export function handlerInfo(reason: number): HandlerInfo {
  if (reason >= 19 && reason <= 27) return HANDLER_INFO[VmExitReason.VMCLEAR];
  if (reason === 50 || reason === 53) return HANDLER_INFO[VmExitReason.VMCLEAR];
  return HANDLER_INFO[reason] ?? handler('handle_unexpected', 'vmm.handler.unexpected');
}

// ------------------------------------------------------------------------------------ helpers

/** GUEST_RIP += VM-exit instruction length, and the STI/MOV-SS shadow ends with the instruction. */
export function skipInstruction(c: Cpu): void {
  const len = vmr(c, F.VM_EXIT_INSTRUCTION_LEN);
  vmw(c, F.GUEST_RIP, (vmr(c, F.GUEST_RIP) + len) | 0);
  const intr = vmr(c, F.GUEST_INTERRUPTIBILITY_INFO);
  if ((intr & 3) !== 0) vmw(c, F.GUEST_INTERRUPTIBILITY_INFO, intr & ~3);
}

/** Queues an exception for injection at the next VM entry (SDM Vol. 3C §26.6). */
export function injectException(v: VCpu, vector: number, errorCode = -1): void {
  const hasEc = errorCode >= 0;
  v.pendingEvent = (0x80000000 | (hasEc ? 0x800 : 0) | (EventType.HARDWARE_EXCEPTION << 8) | vector) | 0;
  v.pendingErrorCode = hasEc ? errorCode : 0;
  v.pendingLength = 0;
}

function gpr(c: Cpu, v: VCpu, r: number): number {
  return r === 4 ? vmr(c, F.GUEST_RSP) : v.gprs[r];
}
function setGpr(c: Cpu, v: VCpu, r: number, value: number): void {
  if (r === 4) vmw(c, F.GUEST_RSP, value);
  else v.gprs[r] = value;
}

/** The CR0 the guest believes it has (read shadow where the VMM owns the bit). */
export function guestCr0(c: Cpu): number {
  const mask = vmr(c, F.CR0_GUEST_HOST_MASK);
  return (vmr(c, F.GUEST_CR0) & ~mask) | (vmr(c, F.CR0_READ_SHADOW) & mask);
}
export function guestCr4(c: Cpu): number {
  const mask = vmr(c, F.CR4_GUEST_HOST_MASK);
  return (vmr(c, F.GUEST_CR4) & ~mask) | (vmr(c, F.CR4_READ_SHADOW) & mask);
}
/** The CR3 the guest believes it has. */
export function guestCr3(c: Cpu, v: VCpu): number {
  return v.cr3Virtualized ? v.guestCr3 : vmr(c, F.GUEST_CR3);
}

// ------------------------------------------------------------------------------------ handlers

const onCpuid: ExitHandler = (_h, c, v) => {
  const leaf = v.gprs[0] >>> 0;
  const sub = v.gprs[1] >>> 0;
  // Indexed reads, not array destructuring: destructuring goes through the iterator protocol on every exit.
  const r = c.model.cpuid(leaf, sub);
  let a = r[0];
  let b = r[1];
  let cx = r[2];
  let d = r[3];
  if (leaf === 1) {
    cx = (cx & ~(1 << 5)) | (1 << 31); // hide VMX; "hypervisor present" (CPUID.1:ECX[31])
  } else if (leaf === 0x40000000) {
    // Hypervisor vendor leaf: "VTLabVMM    ".
    a = 0x40000001;
    b = 0x614c5456; // "VTLa"
    cx = 0x4d4d5662; // "bVMM"
    d = 0x20202020;
  } else if (leaf === 0x40000001) {
    a = HYPERCALL_ABI_VERSION;
    b = cx = d = 0;
  }
  v.gprs[0] = a;
  v.gprs[3] = b;
  v.gprs[1] = cx;
  v.gprs[2] = d;
  skipInstruction(c);
};

const onHlt: ExitHandler = (h, c, v) => {
  skipInstruction(c);
  v.halted = true;
  v.haltedIfClear = (vmr(c, F.GUEST_RFLAGS) & Flag.IF) === 0;
  // The processor is in VMX root operation running this handler: the vCPU sleeps, not the processor (p3 = 1).
  h.trace.emit(EventKind.HALT, c.cycles, c.id, vmr(c, F.GUEST_RIP) >>> 0, 1, 1, 0, 0, 0, 0);
};

const onSkip: ExitHandler = (_h, c) => skipInstruction(c);

const onVmxInstruction: ExitHandler = (_h, _c, v) => {
  // Nested virtualization is not offered: VMX instructions are #UD in the guest, as CPUID.1:ECX.VMX = 0 says.
  injectException(v, Vec.UD);
};

const onTripleFault: ExitHandler = (h, _c, v) => h.crashVm(v.vm, tr('vmm.stop.tripleFault'));

const onExternalInterrupt: ExitHandler = (h, c, v) => {
  // Without "acknowledge interrupt on exit" (settings) the interrupt is still pending at the host PIC: the VMM
  // acknowledges it itself, as a host interrupt handler would (SDM Vol. 3C §27.2.2).
  h.acknowledgeHostInterrupt(c, (v.vm.plan.controls.exit & ExitControls.ACK_INTERRUPT_ON_EXIT) !== 0);
};

/** The TSC the guest would have read: the TSC plus the TSC offset when "use TSC offsetting" is 1 (SDM Vol. 3C §25.3). */
function guestTsc(c: Cpu, v: VCpu): number {
  return c.tsc + ((v.vm.plan.controls.primary & ProcBased.USE_TSC_OFFSETTING) !== 0 ? v.tscOffset : 0);
}

const onRdtsc: ExitHandler = (_h, c, v) => {
  const t = guestTsc(c, v);
  v.gprs[0] = t % 0x100000000 | 0;
  v.gprs[2] = Math.floor(t / 0x100000000) | 0;
  skipInstruction(c);
};

const onRdtscp: ExitHandler = (_h, c, v) => {
  const t = guestTsc(c, v);
  v.gprs[0] = t % 0x100000000 | 0;
  v.gprs[2] = Math.floor(t / 0x100000000) | 0;
  // IA32_TSC_AUX is not virtualized by this VMM: the guest sees the processor's, as a native RDTSCP would.
  v.gprs[1] = c.msrLo.get(0xc0000103) ?? 0;
  skipInstruction(c);
};

const onInterruptWindow: ExitHandler = (_h, c, v) => {
  writeProcControls(c, v.vm, vmr(c, F.CPU_BASED_VM_EXEC_CONTROL) & ~ProcBased.INTERRUPT_WINDOW_EXITING);
};

const onVmcall: ExitHandler = (h, c, v) => {
  const cpl = (vmr(c, F.GUEST_SS_AR_BYTES) >>> 5) & 3;
  skipInstruction(c);
  if (cpl !== 0) {
    v.gprs[0] = HC_EPERM;
    return;
  }
  const fn = v.gprs[0] >>> 0;
  const vm = v.vm;
  switch (fn) {
    case Hypercall.VERSION:
      v.gprs[0] = HYPERCALL_ABI_VERSION;
      break;
    case Hypercall.PUTCHAR:
      h.consoleWrite(vm, String.fromCharCode(v.gprs[3] & 0xff));
      v.gprs[0] = 0;
      break;
    case Hypercall.PUTS: {
      let s = '';
      const len = Math.min(v.gprs[1] >>> 0, 4096);
      for (let k = 0; k < len; k++) s += String.fromCharCode(vm.mem.read8((v.gprs[3] + k) >>> 0));
      h.consoleWrite(vm, s);
      v.gprs[0] = 0;
      break;
    }
    case Hypercall.YIELD:
      v.yielded = true;
      v.gprs[0] = 0;
      break;
    case Hypercall.POWEROFF:
      v.gprs[0] = 0;
      h.powerOff(vm, v.gprs[3]);
      break;
    case Hypercall.TIME: {
      const t = c.tsc;
      v.gprs[0] = t % 0x100000000 | 0;
      v.gprs[2] = Math.floor(t / 0x100000000) | 0;
      break;
    }
    default:
      v.gprs[0] = HC_ENOSYS;
  }
};

const onIo: ExitHandler = (_h, c, v) => {
  const q = vmr(c, F.EXIT_QUALIFICATION) >>> 0;
  const size = (q & 7) + 1;
  const isIn = (q & 8) !== 0;
  const string = (q & 0x10) !== 0;
  const rep = (q & 0x20) !== 0;
  const port = q >>> 16;
  const bus = v.vm.pc.bus;
  const now = c.cycles;
  bus.advance(now);
  if (!string) {
    if (isIn) {
      const val = bus.read(port, size as 1 | 2 | 4, now);
      const old = v.gprs[0];
      v.gprs[0] = size === 1 ? (old & ~0xff) | (val & 0xff) : size === 2 ? (old & ~0xffff) | (val & 0xffff) : val;
    } else {
      const val = v.gprs[0];
      bus.write(port, size as 1 | 2 | 4, size === 4 ? val : val & (size === 1 ? 0xff : 0xffff), now);
    }
    skipInstruction(c);
    return;
  }
  // INS/OUTS: emulate through the guest's own address translation.
  const df = (vmr(c, F.GUEST_RFLAGS) & Flag.DF) !== 0;
  let count = rep ? v.gprs[1] >>> 0 : 1;
  let lin = vmr(c, F.GUEST_LINEAR_ADDRESS);
  const cr0 = guestCr0(c);
  const cr4 = guestCr4(c);
  const cr3 = guestCr3(c, v);
  const user = ((vmr(c, F.GUEST_SS_AR_BYTES) >>> 5) & 3) === 3;
  let done = 0;
  while (count > 0 && done < 65536) {
    const w = walkGuest(v.vm.mem, cr3, cr0, cr4, lin, isIn, user);
    if (!w.ok) {
      c.cr2 = lin;
      injectException(v, Vec.PF, w.errorCode < 0 ? 0 : w.errorCode);
      return;
    }
    if (isIn) {
      const val = bus.read(port, size as 1 | 2 | 4, now);
      for (let k = 0; k < size; k++) v.vm.mem.write8(w.gpa + k, (val >>> (8 * k)) & 0xff);
    } else {
      let val = 0;
      for (let k = 0; k < size; k++) val |= v.vm.mem.read8(w.gpa + k) << (8 * k);
      bus.write(port, size as 1 | 2 | 4, val, now);
    }
    lin = (lin + (df ? -size : size)) | 0;
    const r = isIn ? 7 : 6;
    v.gprs[r] = (v.gprs[r] + (df ? -size : size)) | 0;
    count--;
    done++;
    if (rep) v.gprs[1] = count;
  }
  skipInstruction(c);
};

const MSR_SYSENTER: Record<number, number> = { 0x174: F.GUEST_SYSENTER_CS, 0x175: F.GUEST_SYSENTER_ESP, 0x176: F.GUEST_SYSENTER_EIP };

const onRdmsr: ExitHandler = (_h, c, v) => {
  const index = v.gprs[1] >>> 0;
  let lo = 0;
  let hi = 0;
  if (index === 0x10) {
    const t = c.tsc + v.tscOffset;
    lo = t % 0x100000000 | 0;
    hi = Math.floor(t / 0x100000000) | 0;
  } else if (MSR_SYSENTER[index] !== undefined) lo = vmr(c, MSR_SYSENTER[index]);
  else if (index === 0x3a) lo = 1; // IA32_FEATURE_CONTROL: locked, VMX off — the guest sees no VMX
  else if (index === 0x277) {
    lo = v.patLo;
    hi = v.patHi;
  } else if (index === 0x17 || index === 0x8b || index === 0xfe || index === 0x1a0) lo = 0;
  else if (index === 0x2ff) lo = v.mtrrDefType;
  else if (index === 0x1d9) lo = vmr(c, F.GUEST_IA32_DEBUGCTL);
  else {
    injectException(v, Vec.GP, 0);
    return;
  }
  v.gprs[0] = lo;
  v.gprs[2] = hi;
  skipInstruction(c);
};

const onWrmsr: ExitHandler = (_h, c, v) => {
  const index = v.gprs[1] >>> 0;
  const lo = v.gprs[0];
  const hi = v.gprs[2];
  if (index === 0x10) {
    v.tscOffset = (hi >>> 0) * 0x100000000 + (lo >>> 0) - c.tsc;
    // The offset native RDTSC adds (TSC_OFFSET, SDM Vol. 3C §24.6.5), so RDTSC and RDMSR agree.
    vmw(c, F.TSC_OFFSET, v.tscOffset % 0x100000000 | 0);
    vmw(c, F.TSC_OFFSET + 1, Math.floor(v.tscOffset / 0x100000000) | 0);
  }
  else if (MSR_SYSENTER[index] !== undefined) vmw(c, MSR_SYSENTER[index], lo);
  else if (index === 0x277) {
    v.patLo = lo;
    v.patHi = hi;
  } else if (index === 0x2ff) v.mtrrDefType = lo & 0xcff;
  else if (index === 0x1d9) {
    if ((lo & ~3) !== 0 || hi !== 0) {
      injectException(v, Vec.GP, 0);
      return;
    }
    vmw(c, F.GUEST_IA32_DEBUGCTL, lo);
  } else {
    injectException(v, Vec.GP, 0);
    return;
  }
  skipInstruction(c);
};

const onCrAccess: ExitHandler = (h, c, v) => {
  const q = vmr(c, F.EXIT_QUALIFICATION) >>> 0;
  const cr = q & 15;
  const type = (q >>> 4) & 3;
  const reg = (q >>> 8) & 15;
  if (type === 0) {
    const val = gpr(c, v, reg);
    if (cr === 0) {
      if (!h.setGuestCr0(c, v, val)) return;
    } else if (cr === 3) {
      if (!h.setGuestCr3(c, v, val)) return;
    }
    else if (cr === 4) {
      if (!h.setGuestCr4(c, v, val)) return;
    }
  } else if (type === 1) {
    setGpr(c, v, reg, cr === 3 ? guestCr3(c, v) : 0);
  } else if (type === 2) {
    // CLTS
    if (!h.setGuestCr0(c, v, guestCr0(c) & ~Cr0.TS)) return;
  } else {
    // LMSW: bits 3:0 from the source; PE can be set but not cleared.
    const src = q >>> 16;
    const cur = guestCr0(c);
    if (!h.setGuestCr0(c, v, (cur & ~0xe) | (src & 0xe) | ((src | cur) & 1))) return;
  }
  skipInstruction(c);
};

const onDr: ExitHandler = (_h, c, v) => {
  const q = vmr(c, F.EXIT_QUALIFICATION) >>> 0;
  const dr = q & 7;
  const fromDr = (q & 0x10) !== 0;
  const reg = (q >>> 8) & 15;
  // DR4/DR5 alias DR6/DR7 (CR4.DE = 0); DR6 is not in the VMCS: the guest's is the processor's.
  const n = dr === 4 || dr === 5 ? dr + 2 : dr;
  if (fromDr) setGpr(c, v, reg, n === 7 ? vmr(c, F.GUEST_DR7) : n === 6 ? c.dr[6] : v.dr[n]);
  else if (n === 7) vmw(c, F.GUEST_DR7, (gpr(c, v, reg) | 0x400) & ~0xd800);
  else if (n === 6) c.dr[6] = (gpr(c, v, reg) | 0xffff0ff0) & ~0x1000;
  else v.dr[n] = gpr(c, v, reg);
  skipInstruction(c);
};

const onInvlpg: ExitHandler = (h, c, v) => {
  const lin = vmr(c, F.EXIT_QUALIFICATION);
  v.shadow?.invalidate(lin);
  // The processor did not execute the INVLPG: its own TLB entry for the page must go too (with VPID it outlives
  // the VM entry). Without this, an EPT guest with INVLPG exiting on would keep a stale translation.
  h.flushGuestTlb(c, v, lin >>> 0);
  skipInstruction(c);
};

const onException: ExitHandler = (h, c, v) => {
  const info = vmr(c, F.VM_EXIT_INTR_INFO);
  const vector = info & 0xff;
  const type = (info >>> 8) & 7;
  if (type === EventType.NMI) return; // a host NMI: nothing to do for the guest
  if (vector === Vec.PF && v.shadow !== null) {
    const lin = vmr(c, F.EXIT_QUALIFICATION);
    const ec = vmr(c, F.VM_EXIT_INTR_ERROR_CODE);
    const r = v.shadow.fault(lin, ec, v.guestCr3, guestCr0(c), guestCr4(c));
    if (r === ShadowFault.FILLED) {
      h.stats.shadowFills++;
      h.reinjectVectoredEvent(c, v);
      return;
    }
    if (r === ShadowFault.GUEST_FAULT) {
      h.stats.guestPageFaults++;
      c.cr2 = lin; // the guest's CR2 is the real CR2: the VMM sets it before the entry injects #PF
      reflectException(h, c, v, Vec.PF, EventType.HARDWARE_EXCEPTION, v.shadow.guestErrorCode, 0);
      return;
    }
    h.crashVm(
      v.vm,
      r === ShadowFault.UNSUPPORTED
        ? tr('vmm.stop.paeNotShadowed')
        : tr('vmm.stop.outsideMemory', { linear: (lin >>> 0).toString(16), mib: v.vm.mem.size / 1048576 }),
    );
    return;
  }
  // Any other intercepted exception (the exception bitmap, settings) is reflected to the guest as it happened:
  // same vector and type, the error code, and for INT3/INTO/INT1 the instruction length, so the guest's handler
  // sees the return address after the instruction (SDM Vol. 3C §27.2.2, §26.6.1). #PF brings its CR2 (the exit
  // qualification), #DB its DR6 bits (a #DB that exits does not update DR6, §27.1).
  const ec = (info & 0x800) !== 0 ? vmr(c, F.VM_EXIT_INTR_ERROR_CODE) : -1;
  if (vector === Vec.PF && type === EventType.HARDWARE_EXCEPTION) c.cr2 = vmr(c, F.EXIT_QUALIFICATION);
  if (vector === Vec.DB && type === EventType.HARDWARE_EXCEPTION) c.dr[6] = (c.dr[6] & ~0x600f) | (vmr(c, F.EXIT_QUALIFICATION) & 0x600f);
  const soft = type === EventType.SOFTWARE_EXCEPTION || type === EventType.PRIVILEGED_SOFTWARE_EXCEPTION;
  // "NMI unblocking due to IRET" (bit 12): the IRET that faulted had unblocked NMIs; re-injecting the fault must
  // block them again (SDM Vol. 3C §27.2.3).
  if ((info & 0x1000) !== 0 && vector !== Vec.DF) vmw(c, F.GUEST_INTERRUPTIBILITY_INFO, vmr(c, F.GUEST_INTERRUPTIBILITY_INFO) | 8);
  reflectException(h, c, v, vector, type, ec, soft ? vmr(c, F.VM_EXIT_INSTRUCTION_LEN) : 0);
};

/** Exceptions of the contributory class (SDM Vol. 3A Table 6-4): #DE, #TS, #NP, #SS, #GP. */
function contributory(vector: number): boolean {
  return vector === Vec.DE || (vector >= 10 && vector <= 13);
}

/**
 * Queues an exception the guest took back into the guest. When it happened while delivering another event
 * (IDT-vectoring information valid, SDM Vol. 3C §27.2.4), the two combine as the processor would have combined
 * them without the VMM (SDM Vol. 3A Table 6-5): contributory or #PF during #PF, or contributory during
 * contributory, become #DF; anything during #DF is a triple fault (the VM shuts down); otherwise the new
 * exception is delivered and the interrupted event is gone, as on bare hardware.
 */
function reflectException(h: Hypervisor, c: Cpu, v: VCpu, vector: number, type: number, errorCode: number, length: number): void {
  const idt = vmr(c, F.IDT_VECTORING_INFO_FIELD);
  if (idt < 0 && ((idt >>> 8) & 7) === EventType.HARDWARE_EXCEPTION && type === EventType.HARDWARE_EXCEPTION) {
    const first = idt & 0xff;
    if (first === Vec.DF) {
      h.crashVm(v.vm, tr('vmm.stop.tripleFaultReflected', { vector }));
      return;
    }
    if ((contributory(first) && contributory(vector)) || (first === Vec.PF && (contributory(vector) || vector === Vec.PF))) {
      injectException(v, Vec.DF, 0);
      return;
    }
  }
  v.pendingEvent = (0x80000000 | (errorCode >= 0 ? 0x800 : 0) | (type << 8) | vector) | 0;
  v.pendingErrorCode = errorCode >= 0 ? errorCode : 0;
  v.pendingLength = length;
}

const onEptViolation: ExitHandler = (h, c, v) => {
  const gpa = vmr(c, F.GUEST_PHYSICAL_ADDRESS) >>> 0;
  const page = gpa - (gpa % 4096);
  const hpa = v.vm.mem.hpa(page);
  if (hpa < 0 || v.vm.ept === null) {
    h.crashVm(v.vm, tr('vmm.stop.eptViolationOutside', { address: gpa.toString(16), mib: v.vm.mem.size / 1048576 }));
    return;
  }
  v.vm.ept.map4k(page, hpa);
  h.stats.eptMaps++;
  h.reinjectVectoredEvent(c, v);
};

const onEptMisconfig: ExitHandler = (h, c, v) => h.crashVm(v.vm, tr('vmm.stop.eptMisconfig', { address: (vmr(c, F.GUEST_PHYSICAL_ADDRESS) >>> 0).toString(16) }));

const ENTRY_FAILURE_QUAL: Record<number, MessageKey> = { 0: 'vmm.entry.qualification0', 2: 'vmm.entry.qualification2', 3: 'vmm.entry.qualification3', 4: 'vmm.entry.qualification4' };

const onEntryFailure: ExitHandler = (h, c, v) => {
  const reason = vmr(c, F.VM_EXIT_REASON) & 0xffff;
  const qual = vmr(c, F.EXIT_QUALIFICATION);
  // SDM Vol. 3C §26.3.1 / §27.2.1: reason 33 with qualification 0/2/3/4, reason 34 with the failing MSR-list entry.
  const what = reason === 33 ? tr('vmm.entry.guestStateChecks', { why: tr(ENTRY_FAILURE_QUAL[qual] ?? 'vmm.entry.qualificationUnknown') }) : tr('vmm.entry.msrLoadFailed', { entry: qual });
  h.crashVm(v.vm, tr('vmm.entry.failedExit', { reason, qualification: qual, what, section: reason === 33 ? '§26.3.1' : '§26.4' }));
};

const onXsetbv: ExitHandler = (_h, c, v) => {
  const value = v.gprs[0];
  if (v.gprs[1] !== 0 || v.gprs[2] !== 0 || (value & 1) === 0 || (value & ~3) !== 0) {
    injectException(v, Vec.GP, 0);
    return;
  }
  v.xcr0 = value;
  skipInstruction(c);
};

const onTaskSwitch: ExitHandler = (h, _c, v) => h.crashVm(v.vm, tr('vmm.stop.taskSwitch'));

const onPreemptionTimer: ExitHandler = () => {};

export const EXIT_HANDLERS: (ExitHandler | undefined)[] = [];
EXIT_HANDLERS[VmExitReason.EXCEPTION_OR_NMI] = onException;
EXIT_HANDLERS[VmExitReason.EXTERNAL_INTERRUPT] = onExternalInterrupt;
EXIT_HANDLERS[VmExitReason.TRIPLE_FAULT] = onTripleFault;
EXIT_HANDLERS[VmExitReason.INTERRUPT_WINDOW] = onInterruptWindow;
EXIT_HANDLERS[VmExitReason.TASK_SWITCH] = onTaskSwitch;
EXIT_HANDLERS[VmExitReason.CPUID] = onCpuid;
EXIT_HANDLERS[VmExitReason.HLT] = onHlt;
EXIT_HANDLERS[VmExitReason.INVD] = onSkip;
EXIT_HANDLERS[VmExitReason.INVLPG] = onInvlpg;
EXIT_HANDLERS[VmExitReason.RDTSC] = onRdtsc;
EXIT_HANDLERS[VmExitReason.RDTSCP] = onRdtscp;
EXIT_HANDLERS[VmExitReason.VMCALL] = onVmcall;
for (const r of [19, 20, 21, 22, 23, 24, 25, 26, 27, 50, 53]) EXIT_HANDLERS[r] = onVmxInstruction;
EXIT_HANDLERS[VmExitReason.CR_ACCESS] = onCrAccess;
EXIT_HANDLERS[VmExitReason.MOV_DR] = onDr;
EXIT_HANDLERS[VmExitReason.IO_INSTRUCTION] = onIo;
EXIT_HANDLERS[VmExitReason.RDMSR] = onRdmsr;
EXIT_HANDLERS[VmExitReason.WRMSR] = onWrmsr;
EXIT_HANDLERS[VmExitReason.ENTRY_FAILURE_GUEST_STATE] = onEntryFailure;
EXIT_HANDLERS[VmExitReason.ENTRY_FAILURE_MSR_LOADING] = onEntryFailure;
EXIT_HANDLERS[VmExitReason.MONITOR_TRAP_FLAG] = () => {};
EXIT_HANDLERS[VmExitReason.MWAIT] = onSkip;
EXIT_HANDLERS[VmExitReason.MONITOR] = onSkip;
EXIT_HANDLERS[VmExitReason.PAUSE] = onSkip;
EXIT_HANDLERS[VmExitReason.EPT_VIOLATION] = onEptViolation;
EXIT_HANDLERS[VmExitReason.EPT_MISCONFIGURATION] = onEptMisconfig;
EXIT_HANDLERS[VmExitReason.PREEMPTION_TIMER] = onPreemptionTimer;
EXIT_HANDLERS[VmExitReason.WBINVD] = onSkip;
EXIT_HANDLERS[VmExitReason.XSETBV] = onXsetbv;

export { Cr4 };
