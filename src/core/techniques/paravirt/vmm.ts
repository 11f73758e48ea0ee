/**
 * # A paravirtual VMM without VT-x (the Xen way, on 2003-era IA-32)
 *
 * Barham et al., "Xen and the Art of Virtualization" (SOSP 2003, §2): instead of catching the guest kernel's
 * sensitive instructions at run time, change the kernel. It runs deprivileged in ring 1 — exactly as under the
 * trap-and-emulate VMM, whose ring-deprivileging machinery this class extends (../deprivileged: the shadow GDT
 * with DPL 0 compressed to 1, the VMM hole, the VMM's own IDT and TSS, shadow page tables, reflection) — and it
 * asks the VMM for what it may not do itself, with hypercalls (`INT 0x82`, docs/paravirt-abi.md):
 *
 *  - interrupt masking: no hypercall and no trap at all — the guest writes `evtchn_upcall_mask` in the shared-info
 *    page with a plain MOV and the VMM reads it before delivering an event (Xen's vcpu_info). This is why the
 *    POPF problem of trap-and-emulate (a POPF at ring 1 silently keeps IF) does not arise: the guest never relies
 *    on EFLAGS.IF;
 *  - its exception/interrupt table: `set_trap_table` (validated: handlers must be in the kernel's code segment);
 *    INT 0x80 with DPL 3 becomes a direct trap gate in the real IDT (Xen x86_32 `init_int80_direct_trap`, Barham
 *    §2.3 "fast" system-call handler): system calls go from ring 3 to ring 1 without entering the VMM;
 *  - page tables: `mmuext_op` NEW_BASEPTR validates and pins a page directory, `mmu_update` validates every later
 *    entry (no 4-MiB pages, no mapping of the VMM hole, no frame outside the domain, no writable mapping of a
 *    page-table page) before writing it;
 *  - console output (`console_io`), idling (`sched_op` block, which also unmasks events), power-off (`sched_op`
 *    shutdown), returning from an interrupt with the mask restored (`iret`), the kernel stack (`stack_switch`),
 *    and port I/O to the PIC and PIT (`vtlab_port_io`, VT Lab's own: Xen has no such call).
 *
 * **Not a trap-and-emulate VMM.** A #GP the guest kernel raises at ring 1 — every privileged instruction an
 * unmodified kernel executes (CLI, LIDT, MOV CR3, HLT, OUT…) — is not emulated: it is bounced to the #GP handler
 * the guest registered, and with none registered the domain is crashed with the message Xen logs ("Unhandled
 * general protection fault fault/trap [#13] in domain 1 on VCPU 0 [ec=0000]", xen/arch/x86/traps.c
 * `do_guest_trap`; `trapstr`), plus the instruction and its address. Xen itself emulates a few privileged
 * instructions for PV guests (traps.c `emulate_privileged_op`: port I/O the domain was granted, some CR and MSR
 * accesses); this VMM emulates none, so the contract is visible. An unmodified kernel fails on Xen before that
 * anyway: the domain builder rejects a kernel image without Xen's ELF notes.
 *
 * **Model simplifications** (docs/paravirt-abi.md lists them): the guest's page tables hold guest-physical
 * frames and run on the base VMM's shadow page tables (Xen: direct paging with machine frames; the validation
 * rules are the same); virtual interrupts from the VM's PIC are delivered through the trap-table entry of their
 * vector at an instruction boundary where the mask is 0 (Xen: event channels and one upcall callback, checked on
 * every return to the guest); the shared-info page sits at a fixed guest-physical address.
 *
 * **Costs.** Every hypercall and every event bounced charges `hypercallCycles` (costs.ts: an assumption).
 */
import { Ar, Cr0, EventType, Seg, Vec } from '../../x86/arch.ts';
import { doIn, doOut } from '../../x86/exec/io.ts';
import { Activity, type Cpu } from '../../x86/cpu.ts';
import { decodeInsn } from '../../x86/decoder.ts';
import { Insn } from '../../x86/insn.ts';
import { formatInsn } from '../../x86/disasm/format.ts';
import { descDpl, isCode, isData, isPresent } from '../../x86/segments.ts';
import { EventKind } from '../../trace/events.ts';
import type { RegisterSource } from '../../vmm/guest-lab.ts';
import {
  TrapAndEmulateVmm,
  type TrapAndEmulateOptions,
  type TrapAndEmulateOutcome,
  type TrapAndEmulateSnapshot,
  type TrapAndEmulateStats,
} from '../deprivileged/vmm.ts';
import { classify } from '../deprivileged/emulate.ts';
import { EmulatedInsn as E } from '../deprivileged/emulated.ts';
import { guestDescriptor, loadRealSegment, type Desc } from '../deprivileged/descriptors.ts';
import { GUEST_FAULT, VmmStop } from '../deprivileged/guest-access.ts';
import { reflect } from '../deprivileged/reflect.ts';
import { VMM_CODE_SEL, VMM_HANDLERS, VMM_HOLE, VMM_IDT, vmmLinear } from '../deprivileged/layout.ts';
import {
  CONSOLEIO_WRITE,
  DOMAIN_ID,
  DOMID_SELF,
  EFAULT,
  EINVAL,
  ENOSYS,
  EPERM,
  HYPERCALL_NAMES,
  HYPERCALL_VECTOR,
  Hypercall as H,
  MMU_NORMAL_PT_UPDATE,
  MMU_UPDATE_SIZE,
  MMUEXT_INVLPG_LOCAL,
  MMUEXT_NEW_BASEPTR,
  MMUEXT_OP_SIZE,
  MMUEXT_PIN_L2_TABLE,
  MMUEXT_TLB_FLUSH_LOCAL,
  PORTIO_INB,
  PORTIO_OUTB,
  PV_ABI_VERSION,
  SCHEDOP_BLOCK,
  SCHEDOP_SHUTDOWN,
  SCHEDOP_YIELD,
  SHARED_INFO,
  SHUTDOWN_REASON_NAMES,
  TI_CLEAR_EVENTS,
  TI_DPL_MASK,
  TRAP_INFO_SIZE,
  VCPU_ARCH_CR2,
  VCPU_UPCALL_MASK,
} from './abi.ts';
import { hypercallCostFor } from './costs.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

/** Xen's names of the exception vectors (xen/arch/x86/traps.c `trapstr`), for its "Unhandled …" message. */
const TRAPSTR = [
  'divide error', 'debug', 'nmi', 'bkpt', 'overflow', 'bounds', 'invalid opcode', 'device not available', 'double fault', // i18n-ignore: Xen's own names (xen/arch/x86/traps.c trapstr) and Xen's log line, quoted as Xen prints them
  'coprocessor segment', 'invalid tss', 'segment not found', 'stack error', 'general protection fault', 'page fault', // i18n-ignore: Xen's own names (xen/arch/x86/traps.c trapstr) and Xen's log line, quoted as Xen prints them
  'spurious interrupt', 'coprocessor error', 'alignment check', 'machine check', 'simd error', // i18n-ignore: Xen's own names (xen/arch/x86/traps.c trapstr) and Xen's log line, quoted as Xen prints them
];
const trapstr = (n: number): string => TRAPSTR[n] ?? '???';
const hex = (v: number, digits: number): string => (v >>> 0).toString(16).toUpperCase().padStart(digits, '0');

/** Ports the domain may reach with vtlab_port_io: the PIC pair and the PIT (an I/O-capability list, as Xen keeps per domain). */
const GRANTED_PORTS = new Set([0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43]);

const PTE_P = 1;
const PTE_RW = 2;
const PDE_PS = 0x80;
/** Page-directory index of the VMM hole: a guest PDE there is refused. */
const HOLE_PDE = VMM_HOLE >>> 22;

export interface ParavirtOptions extends Omit<TrapAndEmulateOptions, 'trapCycles'> {
  /** Cycles charged per hypercall and per event the VMM handles (default: costs.ts, an assumption). */
  hypercallCycles?: number;
}

export type ParavirtEndReason = 'yield' | 'limit' | 'halted' | 'triple-fault' | 'domain-crash' | 'poweroff' | 'reboot' | 'suspend';

export interface ParavirtOutcome {
  reason: ParavirtEndReason;
  instructions: number;
}

/** One registered trap-table entry (Xen's struct trap_info). */
export interface TrapEntry {
  flags: number;
  cs: number;
  address: number;
}

/** The paravirtual VMM's own state (plain data, part of a snapshot). */
export interface ParavirtState {
  /** The trap table by vector (null = no handler). */
  trapTable: (TrapEntry | null)[];
  /** INT 0x80 goes straight to the guest (a trap gate in the real IDT). */
  int80Direct: boolean;
  /** Guest-physical address of the validated page directory in use (-1 = none yet: the VMM's identity map). */
  baseptr: number;
  /** Guest-physical addresses of the page tables it references (validated, sorted). */
  l1Tables: number[];
  /** SHUTDOWN_* reason of a sched_op shutdown, -1 while running. */
  shutdownReason: number;
  domainCrashed: boolean;
  hypercallsByName: Record<string, number>;
  hypercallCycles: number;
  /** Events the VMM handled (bounced or answered) other than hypercalls. */
  bounces: number;
  ptUpdates: number;
  ptRejected: number;
}

export interface ParavirtSnapshot {
  kind: 'paravirt';
  base: TrapAndEmulateSnapshot;
  pv: ParavirtState;
}

export interface ParavirtStats extends Omit<TrapAndEmulateStats, 'state'> {
  state: 'running' | 'triple-fault' | 'domain-crash' | 'shutdown';
  hypercalls: number;
  hypercallsByName: Record<string, number>;
  /** Cycles charged for hypercalls (part of vmmCycles). */
  hypercallCycles: number;
  pageTableUpdates: number;
  pageTableUpdatesRejected: number;
  int80Direct: boolean;
}

function initialState(): ParavirtState {
  return {
    trapTable: new Array<TrapEntry | null>(256).fill(null),
    int80Direct: false,
    baseptr: -1,
    l1Tables: [],
    shutdownReason: -1,
    domainCrashed: false,
    hypercallsByName: {},
    hypercallCycles: 0,
    bounces: 0,
    ptUpdates: 0,
    ptRejected: 0,
  };
}

function copyState(s: ParavirtState): ParavirtState {
  return {
    ...s,
    trapTable: s.trapTable.map((e) => (e === null ? null : { ...e })),
    l1Tables: [...s.l1Tables],
    hypercallsByName: { ...s.hypercallsByName },
  };
}

const gateScratch: Desc = { lo: 0, hi: 0 };

export class ParavirtVmm extends TrapAndEmulateVmm {
  /** Cycles charged per hypercall and per event the VMM handles. */
  readonly hypercallCycles: number;
  pv: ParavirtState = initialState();
  /** Host-physical address of vcpu_info[0].evtchn_upcall_mask. */
  private readonly maskHpa: number;
  private readonly pvInsn = new Insn();
  private readonly pvFetch = new Uint8Array(15);
  /** Why the last page-table validation failed (for the log). */
  private lastReject = '';

  constructor(opts: ParavirtOptions) {
    const cycles = opts.hypercallCycles ?? hypercallCostFor(opts.model.id).value;
    super({ ...opts, trapCycles: cycles });
    this.hypercallCycles = cycles;
    this.maskHpa = this.gm.hpa(SHARED_INFO + VCPU_UPCALL_MASK);
    this.writeShared8(VCPU_UPCALL_MASK, 1); // events start masked (the lab's guests start with IF = 0)
    this.installGate(HYPERCALL_VECTOR, null);
  }

  // ------------------------------------------------------------------------------------------ shared info

  private writeShared8(off: number, v: number): void {
    this.mem.bytes[this.gm.hpa(SHARED_INFO + off)] = v & 0xff;
  }

  /** evtchn_upcall_mask as the guest last wrote it. */
  upcallMask(): number {
    return this.mem.bytes[this.maskHpa];
  }

  /** Events can be delivered while the guest's mask is clear: read from guest memory, no trap needed. */
  protected override guestInterruptible(): boolean {
    return this.mem.bytes[this.maskHpa] === 0;
  }

  /** A paravirtual guest knows it runs at ring 1: frames and registers show the real selectors. */
  override virtualSelector(sel: number): number {
    return sel;
  }

  // ------------------------------------------------------------------------------------------ events

  protected override onEvent(c: Cpu, vector: number, type: number, errorCode: number, returnEip: number): boolean {
    if (type === EventType.SOFTWARE_INTERRUPT && vector === HYPERCALL_VECTOR) return this.hypercall(c, returnEip);
    // The direct system-call gate: the processor delivers INT 0x80 into the guest kernel by itself.
    if (type === EventType.SOFTWARE_INTERRUPT && vector === 0x80 && this.pv.int80Direct) return false;
    // A #GP the guest kernel raised, other than INT n on a VMM gate: Xen "passes on the GPF as is" (no emulation).
    if (type === EventType.HARDWARE_EXCEPTION && vector === Vec.GP && c.cpl === 1 && (errorCode & 3) !== 2) return this.kernelGp(c, errorCode);
    // Everything else (device interrupts, exceptions, page faults, INT n on a VMM gate): the base VMM reflects it,
    // through the trap table (readGuestGate), with the event mask standing in for its virtual IF.
    this.v.vif = this.upcallMask() === 0;
    this.pv.bounces++;
    const handled = super.onEvent(c, vector, type, errorCode, returnEip);
    this.writeShared8(VCPU_UPCALL_MASK, this.v.vif ? 0 : 1);
    if (vector === Vec.PF && type === EventType.HARDWARE_EXCEPTION) this.gm.write32(SHARED_INFO + VCPU_ARCH_CR2, this.v.cr2);
    if (this.status !== 'running' && !this.pv.domainCrashed && this.pv.shutdownReason < 0) this.pv.domainCrashed = true;
    return handled;
  }

  /** Reflection reads gates from the trap table (VmmCore.readGuestGate). A vector without a handler crashes the domain. */
  readGuestGate(vector: number, out: Desc): boolean {
    const e = this.pv.trapTable[vector];
    if (e === null) {
      const c = this.cpu;
      c.trace.emit(EventKind.PV_DOMAIN_CRASH, c.cycles, c.id, vector, -1, c.eip >>> 0, c.cpl, -1, 0, 0);
      this.pv.domainCrashed = true;
      throw new VmmStop(t('methods.pvVmm.xenUnhandledFaultTrap', { trapstr: trapstr(vector), vector, domainId: DOMAIN_ID }));
    }
    out.lo = (((e.cs & 0xfffc) << 16) | (e.address & 0xffff)) | 0;
    out.hi = ((e.address & 0xffff0000) | 0x8000 | ((e.flags & TI_DPL_MASK) << 13) | ((e.flags & TI_CLEAR_EVENTS) !== 0 ? 0x0e00 : 0x0f00)) | 0;
    return true;
  }

  /** Decodes the instruction at CS:EIP (for the crash message); null when it cannot be fetched. */
  private decodeAt(c: Cpu): Insn | null {
    const lin = (c.segBase[Seg.CS] + c.eip) | 0;
    let n = 0;
    try {
      for (; n < 15; n++) this.pvFetch[n] = this.g.read8((lin + n) | 0, c.cpl === 3);
    } catch (e) {
      if (e !== GUEST_FAULT) throw e;
    }
    return n > 0 && decodeInsn(this.pvFetch, 0, n, c.codeSize, this.pvInsn) ? this.pvInsn : null;
  }

  private kernelGp(c: Cpu, errorCode: number): boolean {
    const faultEip = c.eip;
    c.cycles += this.hypercallCycles;
    this.counters.vmmCycles += this.hypercallCycles;
    this.pv.bounces++;
    if (this.pv.trapTable[Vec.GP] !== null) {
      // The guest has a #GP handler: bounce the fault to it, unchanged.
      c.trace.emit(EventKind.SW_TRAP, c.cycles - this.hypercallCycles, c.id, Vec.GP, errorCode, faultEip >>> 0, this.vcpl(), -1, this.hypercallCycles, 0);
      this.v.vif = this.upcallMask() === 0;
      let reflected = -1;
      try {
        reflected = reflect(this, Vec.GP, EventType.HARDWARE_EXCEPTION, errorCode, faultEip, faultEip);
      } catch (e) {
        if (!(e instanceof VmmStop)) throw e;
        this.crashDomain(e.message);
      }
      this.writeShared8(VCPU_UPCALL_MASK, this.v.vif ? 0 : 1);
      c.stop = 1;
      if (this.status === 'running') c.trace.emit(EventKind.SW_RESUME, c.cycles, c.id, c.eip >>> 0, c.cpl, this.vcpl(), reflected, 0, 0, 0);
      return true;
    }
    const insn = this.decodeAt(c);
    let id: number = E.NONE;
    let text = t('methods.pvVmm.anUndecodableInstruction');
    if (insn !== null) {
      text = formatInsn(insn, faultEip);
      try {
        id = classify(this, insn, errorCode);
      } catch (e) {
        if (e !== GUEST_FAULT) throw e;
      }
    }
    c.trace.emit(EventKind.PV_DOMAIN_CRASH, c.cycles, c.id, Vec.GP, errorCode, faultEip >>> 0, c.cpl, id, this.hypercallCycles, 0);
    const what = id !== E.NONE ? t('methods.pvVmm.aPrivilegedInstructionWhich') : t('methods.pvVmm.aGeneralProtectionFaultIn');
    // i18n-ignore (the next line): Xen's own names (xen/arch/x86/traps.c trapstr) and Xen's log line, quoted as Xen prints them
    c.trace.text(EventKind.VMM_LOG, c.cycles, 0, `(XEN) Unhandled ${trapstr(Vec.GP)} fault/trap [#13] in domain ${DOMAIN_ID} on VCPU 0 [ec=${hex(errorCode, 4).toLowerCase()}]`);
    this.crashDomain(t('methods.pvVmm.domainCrashed', { domainId: DOMAIN_ID, text, hex: hex(faultEip, 8), cpl: c.cpl, hex2: hex(errorCode, 4), what }));
    return true;
  }

  /** Stops the domain (Xen's domain_crash): the run ends `domain-crash`. */
  private crashDomain(why: string): void {
    const c = this.cpu;
    this.pv.domainCrashed = true;
    this.status = 'vm-crash';
    this.message = why;
    c.activity = Activity.SHUTDOWN;
    c.stop = 1;
    this.flushConsole();
    c.trace.text(EventKind.VMM_LOG, c.cycles, 0, `(XEN) ${why}`);
  }

  // ------------------------------------------------------------------------------------------ hypercalls

  private hypercall(c: Cpu, returnEip: number): boolean {
    const callEip = (returnEip - 2) | 0;
    c.eip = returnEip;
    const nr = c.regs[0] >>> 0;
    const a1 = c.regs[3];
    const a2 = c.regs[1];
    const a3 = c.regs[2];
    const a4 = c.regs[6];
    c.cycles += this.hypercallCycles;
    this.counters.vmmCycles += this.hypercallCycles;
    this.pv.hypercallCycles += this.hypercallCycles;
    const name = HYPERCALL_NAMES[nr] ?? `#${nr}`;
    this.pv.hypercallsByName[name] = (this.pv.hypercallsByName[name] ?? 0) + 1;
    this.count = 0;
    let result = ENOSYS;
    let setEax = true;
    try {
      switch (nr) {
        case H.SET_TRAP_TABLE: result = this.setTrapTable(a1); break;
        case H.MMU_UPDATE: result = this.mmuUpdate(a1, a2, a3, a4); break;
        case H.STACK_SWITCH: result = this.stackSwitch(a1, a2); break;
        case H.XEN_VERSION: result = PV_ABI_VERSION; break;
        case H.CONSOLE_IO: result = this.consoleIo(a1, a2, a3); break;
        case H.IRET:
          result = this.iret(c);
          setEax = false;
          break;
        case H.MMUEXT_OP: result = this.mmuextOp(a1, a2, a3, a4); break;
        case H.SCHED_OP: result = this.schedOp(c, a1, a2); break;
        case H.VTLAB_PORT_IO: result = this.portIo(c, a1, a2, a3); break;
        default: result = ENOSYS;
      }
    } catch (e) {
      if (e === GUEST_FAULT) result = EFAULT; // an argument the guest's page tables do not map
      else if (e instanceof VmmStop) this.crashDomain(e.message);
      else throw e;
    }
    if (setEax && this.status === 'running') c.regs[0] = result | 0;
    c.trace.emit(EventKind.PV_HYPERCALL, c.cycles, c.id, nr, a1 >>> 0, a2 >>> 0, callEip >>> 0, setEax ? result | 0 : 0, this.hypercallCycles, this.count);
    c.stop = 1;
    if (this.status === 'running') c.trace.emit(EventKind.SW_RESUME, c.cycles, c.id, c.eip >>> 0, c.cpl, this.vcpl(), -1, 0, 0, 0);
    return true;
  }

  /** Entries processed by the current hypercall (PV_HYPERCALL p7). */
  private count = 0;

  private setTrapTable(ptr: number): number {
    const t = this.pv.trapTable;
    if (ptr === 0) {
      t.fill(null);
      this.installGate(0x80, null);
      return 0;
    }
    for (let k = 0; k < 256; k++) {
      const p = (ptr + k * TRAP_INFO_SIZE) | 0;
      const vector = this.g.read8(p);
      const flags = this.g.read8((p + 1) | 0);
      const cs = this.g.read16((p + 2) | 0);
      const address = this.g.read32((p + 4) | 0);
      if (address === 0) break; // the sentinel entry (xen.h: "Terminate the array with … address==0")
      // Handlers run in the guest kernel: the selector must name its (DPL-0, compressed to ring 1) code segment.
      if (!guestDescriptor(this.g, cs, gateScratch) || !isCode(gateScratch.hi) || !isPresent(gateScratch.hi) || descDpl(gateScratch.hi) !== 0) return EINVAL;
      t[vector] = { flags, cs: (cs & 0xfffc) | 1, address };
      this.count++;
      if (vector === 0x80) this.installGate(0x80, t[0x80]);
    }
    return 0;
  }

  /**
   * Writes a gate of the real IDT: the hypercall gate (DPL 1), INT 0x80 straight into the guest (a DPL-n trap gate,
   * Xen x86_32 `init_int80_direct_trap`: only when the entry does not ask for events to be masked), or the VMM's own.
   */
  private installGate(vector: number, e: TrapEntry | null): void {
    const at = VMM_IDT + vector * 8;
    if (vector === 0x80 && e !== null && (e.flags & TI_CLEAR_EVENTS) === 0) {
      this.mem.write32(at, (((e.cs & 0xfffc) | 1) << 16) | (e.address & 0xffff));
      this.mem.write32(at + 4, ((e.address & 0xffff0000) | 0x8f00 | ((e.flags & TI_DPL_MASK) << 13)) | 0);
      this.pv.int80Direct = true;
      return;
    }
    const off = vmmLinear(VMM_HANDLERS + vector * 16);
    const dpl = vector === HYPERCALL_VECTOR ? 1 : 0;
    this.mem.write32(at, ((VMM_CODE_SEL << 16) | (off & 0xffff)) | 0);
    this.mem.write32(at + 4, ((off & 0xffff0000) | 0x8e00 | (dpl << 13)) | 0);
    if (vector === 0x80) this.pv.int80Direct = false;
  }

  private stackSwitch(ss: number, esp: number): number {
    if (!guestDescriptor(this.g, ss, gateScratch) || !isData(gateScratch.hi) || (gateScratch.hi & 0x200) === 0 || descDpl(gateScratch.hi) !== 0) return EINVAL;
    const tr = this.v.tr;
    this.g.write32((tr.base + 4) | 0, esp);
    this.g.write16((tr.base + 8) | 0, ss & 0xfffc);
    this.syncRing1Stack(ss, esp);
    return 0;
  }

  private consoleIo(cmd: number, count: number, buf: number): number {
    if (cmd !== CONSOLEIO_WRITE) return ENOSYS;
    if (count < 0 || count > 0x10000) return EINVAL;
    const tx = this.pc.com1.onTransmit;
    for (let k = 0; k < count; k++) {
      const b = this.g.read8((buf + k) | 0);
      if (tx !== null) tx(b);
    }
    this.count = count;
    return 0;
  }

  private schedOp(c: Cpu, cmd: number, arg: number): number {
    if (cmd === SCHEDOP_YIELD) return 0;
    if (cmd === SCHEDOP_BLOCK) {
      // "If called with event upcalls masked, this operation will atomically reenable event delivery" (sched.h).
      this.writeShared8(VCPU_UPCALL_MASK, 0);
      this.v.vif = true;
      c.regs[0] = 0;
      c.activity = Activity.HLT;
      c.trace.emit(EventKind.HALT, c.cycles, c.id, c.eip >>> 0, 0, 0, 0, 0, 0, 0);
      return 0;
    }
    if (cmd === SCHEDOP_SHUTDOWN) {
      const reason = this.g.read32(arg);
      if (reason < 0 || reason > 3) return EINVAL;
      this.pv.shutdownReason = reason;
      this.status = 'vm-crash'; // stops the base run loop; runDomain() reports the shutdown reason
      c.activity = Activity.SHUTDOWN; // nothing more executes (as Xen deschedules the domain)
      this.message = t('methods.pvVmm.domainShutDown', { domainId: DOMAIN_ID, reason: SHUTDOWN_REASON_NAMES[reason] });
      this.flushConsole();
      c.trace.text(EventKind.VMM_LOG, c.cycles, 0, `(XEN) ${this.message}`);
      return 0;
    }
    return ENOSYS;
  }

  private portIo(c: Cpu, cmd: number, port: number, value: number): number {
    const p = port & 0xffff;
    if (!GRANTED_PORTS.has(p)) return EPERM;
    if (cmd === PORTIO_OUTB) {
      doOut(c, p, 1, value & 0xff);
      return 0;
    }
    if (cmd === PORTIO_INB) {
      return doIn(c, p, 1) & 0xff;
    }
    return ENOSYS;
  }

  /**
   * iret (Xen x86_32 `do_iret`): the guest pushed EAX on top of an IRET frame; pop EAX, EIP, CS, EFLAGS (and ESP,
   * SS when returning to ring 3), and restore the event mask from the frame's IF — atomically with the return, so
   * no event can slip in between unmasking and returning.
   */
  private iret(c: Cpu): number {
    const g = this.g;
    let sp = c.regs[4];
    const base = c.segBase[Seg.SS];
    const pop = (): number => {
      const v = g.read32((base + sp) | 0);
      sp = (sp + 4) | 0;
      return v;
    };
    const eax = pop();
    const eip = pop();
    const cs = pop() & 0xffff;
    const flags = pop();
    const rpl = cs & 3;
    if (rpl === 0 || rpl === 2) throw new VmmStop(t('methods.pvVmm.iretToRingCs', { rpl, hex: hex(cs, 4) }));
    let ss = -1;
    let esp = 0;
    if (rpl === 3) {
      esp = pop();
      ss = pop() & 0xffff;
    }
    c.regs[4] = sp;
    loadRealSegment(c, this.mem, Seg.CS, cs);
    if (ss >= 0) {
      loadRealSegment(c, this.mem, Seg.SS, ss);
      c.regs[4] = esp;
      // Data segments the new ring may not use are nulled, as IRET does (SDM Vol. 2 IRET, RETURN-TO-OUTER-PRIVILEGE-LEVEL).
      for (const s of [Seg.DS, Seg.ES, Seg.FS, Seg.GS]) {
        const ar = c.segAr[s];
        const conformingCode = (ar & 0x1c) === 0x1c;
        if (((ar >>> 5) & 3) < 3 && !conformingCode) c.setSegCache(s, 0, 0, 0, Ar.UNUSABLE);
      }
    }
    c.eip = eip;
    // The real IF stays 1 and IOPL 0; every other flag comes from the frame.
    c.setEflags(flags, 0x4dd5 | 0x100 | 0x400 | 0x10000 | 0x40000 | 0x200000);
    c.nmiBlocked = false;
    c.intShadow = 0;
    this.writeShared8(VCPU_UPCALL_MASK, (flags & 0x200) !== 0 ? 0 : 1);
    c.regs[0] = eax;
    return eax;
  }

  // ------------------------------------------------------------------------------------------ page tables

  private inMemory(gpa: number): boolean {
    return gpa >= 0 && gpa < this.gm.size;
  }

  /**
   * Validates a page directory and the page tables it references (Xen's type checks for L2/L1 pages): no 4-MiB
   * pages (Xen refuses PSE in PV guests' tables by default), nothing in the VMM's top 4 MiB, every frame inside
   * the domain, and no writable mapping of a page-table page. Returns the page tables, or null (lastReject says why).
   */
  private validateDirectory(pd: number): number[] | null {
    if ((pd & 0xfff) !== 0 || !this.inMemory(pd)) return this.reject(t('methods.pvVmm.pageDirectory0xIs', { hex: hex(pd, 8) }));
    const l1s: number[] = [];
    for (let i = 0; i < 1024; i++) {
      const pde = this.gm.read32(pd + i * 4);
      if ((pde & PTE_P) === 0) continue;
      if (this.checkPde(i, pde) !== null) return null;
      const l1 = pde & 0xfffff000;
      if (!l1s.includes(l1)) l1s.push(l1);
    }
    l1s.sort((a, b) => a - b);
    const tables = new Set([pd, ...l1s]);
    for (const l1 of l1s) {
      for (let j = 0; j < 1024; j++) {
        const pte = this.gm.read32(l1 + j * 4);
        if ((pte & PTE_P) !== 0 && this.checkPte(pte, tables) !== null) return null;
      }
    }
    return l1s;
  }

  private reject(why: string): null {
    this.lastReject = why;
    return null;
  }

  private checkPde(index: number, pde: number): string | null {
    if ((pde & PTE_P) === 0) return null;
    if (index === HOLE_PDE) return this.rejectWhy(t('methods.pvVmm.pdeWouldMapThe', { index, hex: hex(VMM_HOLE, 8) }));
    if ((pde & PDE_PS) !== 0) return this.rejectWhy(t('methods.pvVmm.pdeIsA4Mib', { index }));
    if (!this.inMemory(pde & 0xfffff000)) return this.rejectWhy(t('methods.pvVmm.pdeNamesFrame0x', { index, hex: hex(pde & 0xfffff000, 8) }));
    return null;
  }

  private checkPte(pte: number, tables: ReadonlySet<number>): string | null {
    const frame = pte & 0xfffff000;
    if (!this.inMemory(frame)) return this.rejectWhy(t('methods.pvVmm.aPteNamesFrame', { hex: hex(frame, 8) }));
    if ((pte & PTE_RW) !== 0 && tables.has(frame)) return this.rejectWhy(t('methods.pvVmm.aPteMapsPageTable', { hex: hex(frame, 8) }));
    return null;
  }

  private rejectWhy(why: string): string {
    this.lastReject = why;
    return why;
  }

  /** mmu_update: a batch of {ptr, val} requests, each validated before it is written. */
  private mmuUpdate(reqs: number, count: number, donePtr: number, domid: number): number {
    if ((domid & 0xffff) !== DOMID_SELF) return EPERM;
    let done = 0;
    let rc = 0;
    for (; done < count; done++) {
      const p = (reqs + done * MMU_UPDATE_SIZE) | 0;
      const ptr = this.g.read32(p);
      const ptrHi = this.g.read32((p + 4) | 0);
      const val = this.g.read32((p + 8) | 0);
      const valHi = this.g.read32((p + 12) | 0);
      if ((ptr & 3) !== MMU_NORMAL_PT_UPDATE) {
        rc = ENOSYS;
        break;
      }
      const gpa = ptr & ~3;
      const page = gpa & ~0xfff;
      let why: string | null = null;
      if (ptrHi !== 0 || valHi !== 0 || !this.inMemory(gpa)) why = this.rejectWhy(t('methods.pvVmm.entryAddress0xIs', { hex: hex(gpa, 8) }));
      else if (page === this.pv.baseptr) {
        why = this.checkPde((gpa & 0xfff) >>> 2, val);
        if (why === null && (val & PTE_P) !== 0) {
          // A new page table comes into use: it must itself be valid.
          const l1 = val & 0xfffff000;
          const tables = new Set([this.pv.baseptr, ...this.pv.l1Tables, l1]);
          for (let j = 0; j < 1024 && why === null; j++) {
            const pte = this.gm.read32(l1 + j * 4);
            if ((pte & PTE_P) !== 0) why = this.checkPte(pte, tables);
          }
        }
      } else if (this.pv.l1Tables.includes(page)) {
        if ((val & PTE_P) !== 0) why = this.checkPte(val, new Set([this.pv.baseptr, ...this.pv.l1Tables]));
      } else why = this.rejectWhy(t('methods.pvVmm.0xIsNotIn', { hex: hex(gpa, 8) }));
      if (why !== null) {
        this.pv.ptRejected++;
        this.cpu.trace.text(EventKind.VMM_LOG, this.cpu.cycles, 0, t('methods.pvVmm.xenMmuUpdateRefused', { why }));
        rc = EINVAL;
        break;
      }
      this.gm.write32(gpa, val);
      this.pv.ptUpdates++;
      if (page === this.pv.baseptr) this.pv.l1Tables = this.referencedTables(this.pv.baseptr);
    }
    this.count = done;
    if (done > 0) this.shadowFlush();
    if (donePtr !== 0) this.g.write32(donePtr, done);
    return rc;
  }

  private referencedTables(pd: number): number[] {
    const l1s = new Set<number>();
    for (let i = 0; i < 1024; i++) {
      const pde = this.gm.read32(pd + i * 4);
      if ((pde & PTE_P) !== 0) l1s.add(pde & 0xfffff000);
    }
    return [...l1s].sort((a, b) => a - b);
  }

  /** mmuext_op: pin / switch to a page directory, flush the TLB or one page. */
  private mmuextOp(ops: number, count: number, donePtr: number, domid: number): number {
    if ((domid & 0xffff) !== DOMID_SELF) return EPERM;
    let done = 0;
    let rc = 0;
    for (; done < count; done++) {
      const p = (ops + done * MMUEXT_OP_SIZE) | 0;
      const cmd = this.g.read32(p);
      const arg1 = this.g.read32((p + 4) | 0);
      if (cmd === MMUEXT_PIN_L2_TABLE || cmd === MMUEXT_NEW_BASEPTR) {
        const pd = (arg1 << 12) | 0;
        const l1s = this.validateDirectory(pd);
        if (l1s === null) {
          this.pv.ptRejected++;
          this.cpu.trace.text(EventKind.VMM_LOG, this.cpu.cycles, 0, t('methods.pvVmm.xenMmuextOpRefused', { lastReject: this.lastReject }));
          rc = EINVAL;
          break;
        }
        if (cmd === MMUEXT_NEW_BASEPTR) {
          this.pv.baseptr = pd;
          this.pv.l1Tables = l1s;
          // The guest is paged from now on, with CR0.WP (a Xen guest always is).
          this.setGuestCr3(pd);
          if ((this.v.cr0 & Cr0.PG) === 0) this.setGuestCr0(this.v.cr0 | Cr0.PG | Cr0.WP);
        }
      } else if (cmd === MMUEXT_TLB_FLUSH_LOCAL) this.shadowFlush();
      else if (cmd === MMUEXT_INVLPG_LOCAL) this.invalidatePage(arg1);
      else {
        rc = ENOSYS;
        break;
      }
    }
    this.count = done;
    if (donePtr !== 0) this.g.write32(donePtr, done);
    return rc;
  }

  // ------------------------------------------------------------------------------------------ running and views

  runDomain(maxInstructions: number): ParavirtOutcome {
    const r = this.run(maxInstructions);
    return { reason: this.endReason(r.reason), instructions: r.instructions };
  }

  private endReason(r: string): ParavirtEndReason {
    if (r !== 'vm-crash') return r as ParavirtEndReason;
    const s = this.pv.shutdownReason;
    if (s >= 0) return s === 3 ? 'domain-crash' : (SHUTDOWN_REASON_NAMES[s] as ParavirtEndReason);
    return 'domain-crash';
  }

  override guestRegisters(): RegisterSource {
    return { ...super.guestRegisters(), cpl: this.cpu.cpl };
  }

  pvStats(): ParavirtStats {
    const s = super.stats();
    const hypercalls = Object.values(this.pv.hypercallsByName).reduce((a, b) => a + b, 0);
    const state = this.status === 'triple-fault' ? 'triple-fault' : this.pv.shutdownReason >= 0 && this.pv.shutdownReason !== 3 ? 'shutdown' : this.status === 'vm-crash' ? 'domain-crash' : 'running';
    return {
      ...s,
      state,
      hypercalls,
      hypercallsByName: { ...this.pv.hypercallsByName },
      hypercallCycles: this.pv.hypercallCycles,
      pageTableUpdates: this.pv.ptUpdates,
      pageTableUpdatesRejected: this.pv.ptRejected,
      int80Direct: this.pv.int80Direct,
    };
  }

  pvSnapshot(includeMemory = true): ParavirtSnapshot {
    return { kind: 'paravirt', base: super.snapshot(includeMemory), pv: copyState(this.pv) };
  }

  pvRestore(s: ParavirtSnapshot): void {
    if (s.kind !== 'paravirt') throw new TypeError('not a snapshot of the paravirtual VMM');
    super.restore(s.base);
    this.pv = copyState(s.pv);
  }

  /**
   * The base VMM's snapshot with the paravirtual state inside it, so that a caller that only knows the base
   * class (the Rings & VMX lab's Session, which keeps every software VMM behind one type) saves and restores
   * the trap table, the pinned page tables and the counters too.
   */
  override snapshot(includeMemory = true): TrapAndEmulateSnapshot & { pv: ParavirtState } {
    return { ...super.snapshot(includeMemory), pv: copyState(this.pv) };
  }

  override restore(s: TrapAndEmulateSnapshot & { pv?: ParavirtState }): void {
    if (s.pv === undefined) throw new TypeError('not a snapshot of the paravirtual VMM');
    super.restore(s);
    this.pv = copyState(s.pv);
  }

  /**
   * How a run on this VMM ends, in the Session's words (END_REASONS): a sched_op(shutdown) poweroff, reboot or
   * suspend is the guest powering off; a crash (sched_op shutdown crash, or a fault the VMM does not emulate)
   * is a VM crash.
   */
  sessionEndReason(reason: TrapAndEmulateOutcome['reason']): TrapAndEmulateOutcome['reason'] | 'poweroff' {
    const r = this.endReason(reason);
    return r === 'poweroff' || r === 'reboot' || r === 'suspend' ? 'poweroff' : r === 'domain-crash' ? 'vm-crash' : r === 'yield' || r === 'limit' || r === 'halted' || r === 'triple-fault' ? r : 'vm-crash';
  }
}
