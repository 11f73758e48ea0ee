/**
 * # A software-only VMM: ring deprivileging with trap-and-emulate (the pre-VT-x way)
 *
 * Intel's white paper (*Intel® Virtualization Technology in Converged Application Platforms*, 2007, §3.1
 * and §3.1.1) describes how x86 was virtualized before VT-x: the VMM takes ring 0 and pushes the guest OS
 * out to ring 1 ("ring compression": its applications stay at ring 3), then has to catch, at run time, every
 * instruction with which the guest would touch "critical platform resources". This class is that VMM, on
 * the same IA-32 core the bare machine and the VT-x VMM use, outside VMX operation.
 *
 * **Privilege.** The real processor runs the guest kernel at CPL 1 and its applications at CPL 3. The GDT the
 * processor uses is the VMM's shadow of the guest's, with the guest's DPL-0 descriptors turned into DPL 1 and
 * every segment truncated below the VMM's 4-MiB hole at the top of the linear space (descriptors.ts). The IDT
 * is the VMM's own (256 DPL-0 gates), the task register the VMM's TSS, EFLAGS.IOPL is 0 and EFLAGS.IF is
 * always 1: the VMM always gets the machine back. The guest's GDTR, IDTR, LDTR, TR, CR0/2/3/4, DR0–7, MSRs,
 * IF and IOPL are virtual (state.ts).
 *
 * **Traps.** Every event the processor delivers goes through the VMM's IDT; instead of VMM handlers written in
 * x86, `Cpu.eventInterceptor` hands the event to TypeScript at the point the processor enters ring 0 (the
 * trace still shows the delivery into ring 0). Then:
 *  - a #GP from a privileged or IOPL-sensitive instruction the guest is entitled to run (by its *virtual*
 *    CPL and IOPL) is decoded with the core's decoder and emulated against the virtual state; EIP advances
 *    past it (emulate.ts, which lists why each one faults at CPL 1, per the SDM);
 *  - INT n / INT3 / INTO fault on the VMM's DPL-0 gates (#GP(n × 8 + 2)) and are reflected through the
 *    guest's IDT; every other exception, and every interrupt from the VM's virtual devices, is reflected too
 *    (reflect.ts) — with the guest's gate types, DPLs and TSS stack, and its virtual IF;
 *  - a #PF is first offered to the shadow page tables (the guest's page tables are virtual: the real CR3
 *    points at a shadow page directory the VMM fills on demand, as the VT-x VMM does without EPT —
 *    ../../vmm/shadow.ts is reused); only a fault the guest's own tables cause is reflected.
 * Each trap emits SW_TRAP, then whatever the emulation does (port I/O, CR writes, HLT), then SW_RESUME.
 *
 * **Interrupts.** Port I/O goes to the VM's own devices (a LegacyPc: PIC, PIT, COM1). The processor's INTR
 * line is the VMM's view of the virtual PIC: it is raised only while the guest could take the interrupt
 * (virtual IF = 1; the model skips the physical interrupt a real VMM would also field while the guest's IF
 * is 0). After an emulated STI the real interrupt shadow is set, so `sti; hlt` behaves as on hardware.
 * Emulated HLT idles the real processor; time skips to the next device event. A guest that halts with its
 * virtual IF = 0 can never wake: the run ends `halted`.
 *
 * **What is not fixed.** The sensitive instructions that do *not* fault at CPL 1 or 3 — POPF, PUSHF, SGDT,
 * SIDT, SLDT, STR, SMSW, LAR, LSL, VERR, VERW, PUSH/POP/MOV of segment registers, far CALL/JMP/RET (Robin &
 * Irvine 2000) — run natively and behave exactly as the hardware makes them behave at CPL 1: POPF silently
 * keeps IF, SGDT shows the VMM's GDT, PUSH CS shows RPL 1, and so on (docs/software-vmm.md has the table).
 * One more consequence is a VMM assumption: an IRET from the guest kernel to ring 3 does not fault, so the VMM
 * cannot see the IF it restores; while the guest runs at ring 3 its virtual IF is taken to be 1.
 *
 * **Costs.** Each trap charges one trap round trip (costs.ts: Adams & Agesen 2006's trap-and-emulate RDTSC on a
 * Pentium 4, 2030 cycles — an assumption for the project's CPU models); guest instructions cost what they
 * cost on the bare machine (cost/model.ts).
 */
import { Ar, Cr0, Cr4, CR0_DEFINED, EventType, Flag, Seg, Vec } from '../../x86/arch.ts';
import { Activity, Cpu, RunStop } from '../../x86/cpu.ts';
import { decodeInsn } from '../../x86/decoder.ts';
import { Insn } from '../../x86/insn.ts';
import { resetMsrs } from '../../x86/msr.ts';
import { PhysicalMemory } from '../../x86/physical-memory.ts';
import type { InterruptSource, IoSize, ProcessorModel } from '../../x86/platform.ts';
import { restoreCpu, snapshotCpu, type CpuSnapshot } from '../../x86/cpu-snapshot.ts';
import { LegacyPc, type LegacyPcState } from '../../devices/legacy-pc.ts';
import { CONSOLE_LINE_MAX } from '../../devices/console-line.ts';
import { EventKind } from '../../trace/events.ts';
import type { TraceSink } from '../../trace/sink.ts';
import { NullSink } from '../../trace/sink.ts';
import { GDT_BASE, GDT_SELECTORS, GUEST_MEMORY_BYTES, STACK_TOP, writeStandardTables } from '../../machine/layout.ts';
import { GuestMemory } from '../../vmm/guest-memory.ts';
import { PagePool } from '../../vmm/host.ts';
import { ShadowFault, ShadowMmu } from '../../vmm/shadow.ts';
import type { RegisterSource } from '../../vmm/guest-lab.ts';
import { costModelFor } from '../../cost/model.ts';
import { trapRoundTripFor } from './costs.ts';
import { EMULATED_INSN_NAMES, EmulatedInsn as E, TRAP_CAUSE_COUNT, TRAP_CAUSE_NAMES, TrapCause } from './emulated.ts';
import { GUEST_FAULT, GuestAccess, VmmStop } from './guest-access.ts';
import { loadRealSegment, rebuildShadowGdt, rebuildShadowLdt, refreshShadowSlot, writeLdtSlot, writeVmmTables } from './descriptors.ts';
import { classify, emulate } from './emulate.ts';
import { reflect } from './reflect.ts';
import { copyVirtualCpu, initialVirtualCpu, type VirtualCpu } from './state.ts';
import type { VmmCore } from './core.ts';
import {
  GUEST_BASE,
  POOL_END,
  POOL_START,
  SHADOW_GDT,
  SHADOW_GDT_LIMIT,
  SHADOW_LDT,
  VMM_HOLE,
  VMM_IDT,
  VMM_IDT_LIMIT,
  VMM_LDT_SEL,
  VMM_TSS,
  VMM_TSS_SEL,
  vmmLinear,
} from './layout.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

/** Console characters kept (as the bare machine does). */
const CONSOLE_KEEP = 65536;
/** The VMM's IDT vector for IRQ n of its (virtual) interrupt controller, as a PC OS programs the PIC. */
const VMM_IRQ_BASE = 0x20;

export interface TrapAndEmulateOptions {
  model: ProcessorModel;
  trace?: TraceSink;
  /** Guest-physical memory in bytes (a multiple of 4 MiB; default 8 MiB, as a VT-x guest). */
  memoryBytes?: number;
  /** Cycles charged per trap (default: costs.ts `trapRoundTripFor`, an assumption). */
  trapCycles?: number;
}

export type TrapAndEmulateStatus = 'running' | 'triple-fault' | 'vm-crash';

export interface TrapAndEmulateOutcome {
  /** `yield`: a sink asked to stop after an event (Cpu.yieldRequested); the run can be resumed. */
  reason: 'yield' | 'limit' | 'halted' | 'triple-fault' | 'vm-crash';
  /** Guest instructions retired in this run (natively executed or emulated). */
  instructions: number;
}

/** The VMM's counters (plain data, part of a snapshot). */
export interface TrapAndEmulateCounters {
  trapCount: number[];
  trapCycles: number[];
  emulated: number[];
  interruptsReflected: number;
  softwareInterruptsReflected: number;
  exceptionsReflected: number;
  vmmCycles: number;
  idleCycles: number;
}

export interface TrapAndEmulateSnapshot {
  kind: 'trap-and-emulate';
  /** Host-physical memory (VMM area + guest); null when the caller keeps memory itself. */
  memory: Uint8Array | null;
  cpu: CpuSnapshot;
  devices: LegacyPcState;
  v: VirtualCpu;
  status: TrapAndEmulateStatus;
  message: string;
  consoleLine: string;
  consoleLog: string;
  poolNext: number;
  shadow: { tables: [number, number][]; fills: number; flushes: number };
  counters: TrapAndEmulateCounters;
}

export interface TrapAndEmulateStats {
  state: TrapAndEmulateStatus;
  message: string | null;
  traps: number;
  /** Traps by cause: count and the VMM cycles charged for them. */
  trapsByCause: Record<string, { count: number; cycles: number }>;
  /** Emulated instructions by mnemonic (only those that occurred). */
  emulatedByMnemonic: Record<string, number>;
  /** Events reflected into the guest's IDT: device interrupts, INT n / INT3 / INTO, exceptions. */
  interruptsReflected: number;
  softwareInterruptsReflected: number;
  exceptionsReflected: number;
  shadowFills: number;
  shadowFlushes: number;
  /** Cycles the guest's own instructions ran, the VMM's traps, and idle (HLT) time. */
  guestCycles: number;
  vmmCycles: number;
  idleCycles: number;
  /** VMM cycles / (guest + VMM cycles), in percent (one decimal). */
  overheadPercent: number;
}

function newCounters(): TrapAndEmulateCounters {
  return {
    trapCount: new Array<number>(TRAP_CAUSE_COUNT).fill(0),
    trapCycles: new Array<number>(TRAP_CAUSE_COUNT).fill(0),
    emulated: new Array<number>(EMULATED_INSN_NAMES.length).fill(0),
    interruptsReflected: 0,
    softwareInterruptsReflected: 0,
    exceptionsReflected: 0,
    vmmCycles: 0,
    idleCycles: 0,
  };
}

function copyCounters(k: TrapAndEmulateCounters): TrapAndEmulateCounters {
  return { ...k, trapCount: [...k.trapCount], trapCycles: [...k.trapCycles], emulated: [...k.emulated] };
}

export class TrapAndEmulateVmm implements VmmCore {
  /** Host-physical memory: the VMM's 4 MiB, then guest-physical memory. */
  readonly mem: PhysicalMemory;
  readonly cpu: Cpu;
  /** The VM's virtual devices (PIC, PIT, COM1): port I/O the VMM emulates lands here. */
  readonly pc: LegacyPc;
  readonly gm: GuestMemory;
  readonly g: GuestAccess;
  v: VirtualCpu;
  readonly pool: PagePool;
  /** The shadow page directory the real CR3 points at. */
  readonly shadowPd: number;
  shadow: ShadowMmu;
  /** Cycles charged per trap. */
  readonly trapCycles: number;
  status: TrapAndEmulateStatus = 'running';
  message = '';
  consoleLine = '';
  consoleLog = '';
  /** Protected: the binary translator (../binary-translation) extends this VMM. */
  protected counters: TrapAndEmulateCounters = newCounters();
  private readonly trace: TraceSink;
  /** Scratch for decoding the faulting instruction. */
  private readonly insn = new Insn();
  private readonly fetchBuf = new Uint8Array(15);
  /** The guest vector the interrupt line acknowledged, until the event reaches the VMM (same call). */
  private ackVector = -1;
  private ackIrq = -1;

  /** Everything the guest printed on COM1 (the last CONSOLE_KEEP characters, plus the unfinished line). */
  get consoleText(): string {
    return this.consoleLog + this.consoleLine;
  }

  constructor(opts: TrapAndEmulateOptions) {
    const guestBytes = opts.memoryBytes ?? GUEST_MEMORY_BYTES;
    if (guestBytes <= 0 || guestBytes % 0x400000 !== 0 || GUEST_BASE + guestBytes > VMM_HOLE) throw new RangeError('guest memory must be a positive multiple of 4 MiB');
    this.trace = opts.trace ?? new NullSink();
    this.mem = new PhysicalMemory(GUEST_BASE + guestBytes);
    this.pc = new LegacyPc(opts.model.coreClockHz);
    const bus = this.pc.bus;
    // Port writes can program a timer: keep the processor's device deadline current (as the bare machine does).
    const io = {
      read: (port: number, size: IoSize, now: number): number => {
        const v = bus.read(port, size, now);
        this.cpu.deviceDeadline = bus.nextEventAt(now);
        return v;
      },
      write: (port: number, size: IoSize, value: number, now: number): void => {
        bus.write(port, size, value, now);
        this.cpu.deviceDeadline = bus.nextEventAt(now);
      },
    };
    // The INTR line: the virtual PIC, raised while the guest can take an interrupt; acknowledging it takes the
    // guest's vector from the virtual PIC and delivers the VMM's own vector for that IRQ through the real IDT.
    const intr: InterruptSource = {
      hasInterrupt: () => this.guestInterruptible() && this.pc.pic.hasInterrupt(),
      acknowledge: () => {
        this.ackVector = this.pc.pic.acknowledge();
        this.ackIrq = this.irqOf(this.ackVector);
        return VMM_IRQ_BASE + (this.ackIrq < 0 ? 15 : this.ackIrq);
      },
    };
    this.cpu = new Cpu(this.mem, opts.model, { io, intr, trace: this.trace });
    // Guest instructions cost what they cost natively (the same table the bare machine and VT-x guests use).
    costModelFor(opts.model.id).instruction.forEach((item, k) => (this.cpu.instructionCosts[k] = item.value));
    this.cpu.invalidateDecodeCache();
    this.trapCycles = opts.trapCycles ?? trapRoundTripFor(opts.model.id).value;
    this.gm = new GuestMemory(this.mem, GUEST_BASE, guestBytes);
    this.v = initialVirtualCpu();
    this.g = new GuestAccess(this.gm, this.v);
    this.pool = new PagePool(this.mem, POOL_START, POOL_END);
    this.shadowPd = this.pool.alloc();
    this.shadow = new ShadowMmu(this.mem, this.pool, this.gm, this.shadowPd);
    const emitLine = (text: string): void => {
      this.consoleLog += text;
      if (this.consoleLog.length > CONSOLE_KEEP) this.consoleLog = this.consoleLog.slice(-CONSOLE_KEEP);
      this.trace.text(EventKind.CONSOLE, this.cpu.cycles, 0, text);
    };
    this.pc.com1.onTransmit = (byte: number) => {
      if (byte === 10) {
        emitLine(this.consoleLine + '\n');
        this.consoleLine = '';
      } else if (byte !== 13) {
        this.consoleLine += String.fromCharCode(byte);
        // A line without end is reported in pieces (bounded buffer: devices/console-line.ts).
        if (this.consoleLine.length >= CONSOLE_LINE_MAX) {
          emitLine(this.consoleLine);
          this.consoleLine = '';
        }
      }
    };
    this.flushConsole = () => {
      if (this.consoleLine !== '') emitLine(this.consoleLine);
      this.consoleLine = '';
    };
    this.cpu.eventInterceptor = (c, vector, type, errorCode, returnEip) => this.onEvent(c, vector, type, errorCode, returnEip);
    this.init();
  }

  /** Emits console text still buffered (a line without a newline). */
  flushConsole: () => void = () => {};

  /** The VMM's tables, the guest's standard tables, and the guest-mode initial state (README "Guest mode"). */
  private init(): void {
    const c = this.cpu;
    writeVmmTables(this.mem);
    writeStandardTables((a, val) => this.gm.write32(a, val));
    this.gm.write32(GDT_BASE + 5 * 8 + 4, this.gm.read32(GDT_BASE + 5 * 8 + 4) | 0x200); // the TSS is busy, as LTR left it
    rebuildShadowGdt(this.mem, this.g, this.v.gdtrBase, this.v.gdtrLimit);
    resetMsrs(c);
    c.cr0 = (Cr0.PE | Cr0.ET | Cr0.NE | Cr0.WP | Cr0.PG) | 0;
    c.cr4 = Cr4.PSE;
    c.cr3 = this.shadowPd;
    c.gdtrBase = vmmLinear(SHADOW_GDT);
    c.gdtrLimit = SHADOW_GDT_LIMIT;
    c.idtrBase = vmmLinear(VMM_IDT);
    c.idtrLimit = VMM_IDT_LIMIT;
    this.shadow.identityMap();
    this.installHole();
    c.updateModes();
    c.flushTlbAll();
    c.setSegCache(Seg.TR, VMM_TSS_SEL, vmmLinear(VMM_TSS), 0x67, 0x8b);
    c.setSegCache(Seg.LDTR, 0, 0, 0, Ar.UNUSABLE);
    loadRealSegment(c, this.mem, Seg.CS, GDT_SELECTORS.KERNEL_CODE | 1);
    loadRealSegment(c, this.mem, Seg.SS, GDT_SELECTORS.KERNEL_DATA | 1);
    for (const s of [Seg.DS, Seg.ES, Seg.FS, Seg.GS]) loadRealSegment(c, this.mem, s, GDT_SELECTORS.KERNEL_DATA);
    this.syncRing1Stack(GDT_SELECTORS.KERNEL_DATA, STACK_TOP);
    c.regs.fill(0);
    c.regs[4] = STACK_TOP;
    c.setEflags(0x202, -1); // the real IF is always 1; the guest's (virtual) IF starts at 0
    c.stopOnUnhandledException = false;
  }

  /** Loads a program image into guest-physical memory and points EIP at its entry. */
  load(bytes: Uint8Array, origin: number, entry: number): void {
    this.gm.load(origin, bytes);
    this.cpu.eip = entry;
  }

  // ------------------------------------------------------------------------------------------ running

  /**
   * Runs the guest until `maxInstructions` guest instructions retire (natively or emulated), it halts with its
   * virtual IF = 0, it triple-faults, the VMM stops it, or a trace sink asks to stop (`yield`). Devices advance
   * with simulated time; idle time (the guest in HLT) skips to the next device event.
   */
  run(maxInstructions: number): TrapAndEmulateOutcome {
    const cpu = this.cpu;
    const pc = this.pc;
    const start = cpu.icount;
    const limit = start + maxInstructions;
    for (;;) {
      if (this.status !== 'running') return this.finish(this.status, start);
      const remaining = limit - cpu.icount;
      if (remaining <= 0) return this.finish('limit', start);
      let until = pc.bus.nextEventCached(cpu.cycles);
      if (!(until > cpu.cycles)) until = cpu.cycles + 1;
      cpu.deviceDeadline = until;
      const stop = cpu.run(Math.min(until, cpu.cycles + 1e9), remaining);
      pc.bus.advance(cpu.cycles);
      if (this.status !== 'running') return this.finish(this.status, start);
      if (stop === RunStop.YIELD) return this.finish('yield', start);
      if (stop === RunStop.SHUTDOWN) {
        this.crash(t('methods.teVmm.theProcessorShutDown'));
        return this.finish('vm-crash', start);
      }
      if (stop === RunStop.HALTED) {
        // The guest halted: only an interrupt it can take (virtual IF = 1) can wake it.
        if (!this.v.vif) return this.finish('halted', start);
        const next = pc.bus.nextEventAt(cpu.cycles);
        if (next === Infinity) {
          if (pc.pic.hasInterrupt()) continue;
          return this.finish('halted', start);
        }
        if (next > cpu.cycles) {
          this.counters.idleCycles += next - cpu.cycles;
          cpu.cycles = next;
        }
        pc.bus.advance(cpu.cycles);
      }
    }
  }

  private finish(reason: TrapAndEmulateOutcome['reason'], start: number): TrapAndEmulateOutcome {
    if (reason !== 'limit' && reason !== 'yield') this.flushConsole();
    return { reason, instructions: this.cpu.icount - start };
  }

  // ------------------------------------------------------------------------------------------ traps

  /** Every event delivered through the VMM's IDT lands here (Cpu.eventInterceptor). */
  protected onEvent(c: Cpu, vector: number, type: number, errorCode: number, returnEip: number): boolean {
    const faultEip = c.eip;
    const vcplAtTrap = this.vcpl();
    // Guest user mode runs with its virtual IF = 1: the kernel's IRET to ring 3 does not fault, so the VMM
    // cannot see the IF it restores (an assumption every OS we run satisfies; docs/software-vmm.md).
    if (c.cpl === 3) this.v.vif = true;
    const tf = (c.eflags & Flag.TF) !== 0;
    let cause: TrapCause = TrapCause.EXCEPTION;
    let id: E = E.NONE;
    let p1 = vector;
    let faulted = false;
    const insn = this.insn;
    try {
      if (type === EventType.EXTERNAL_INTERRUPT) {
        cause = TrapCause.EXTERNAL_INTERRUPT;
        p1 = 0x100 + (this.ackIrq < 0 ? 0xff : this.ackIrq);
      } else if (vector === Vec.PF && type === EventType.HARDWARE_EXCEPTION) {
        cause = TrapCause.SHADOW_FILL;
      } else if (vector === Vec.GP && type === EventType.HARDWARE_EXCEPTION && this.fetchInsn(c)) {
        id = classify(this, insn, errorCode);
        if (id === E.INT || id === E.INT3 || id === E.INTO) cause = TrapCause.SOFTWARE_INTERRUPT;
        else if (id !== E.NONE) cause = TrapCause.EMULATION;
      }
    } catch (e) {
      if (e !== GUEST_FAULT) throw e;
      faulted = true; // peeking at the guest's stack faulted: that fault is what the guest gets
    }
    c.trace.emit(EventKind.SW_TRAP, c.cycles, c.id, p1, errorCode, faultEip >>> 0, vcplAtTrap, id, this.trapCycles, 0);
    c.cycles += this.trapCycles;
    this.counters.vmmCycles += this.trapCycles;
    let reflected = -1;
    let completed = false;
    try {
      try {
        if (faulted) {
          cause = TrapCause.EXCEPTION;
          reflected = reflect(this, GUEST_FAULT.vector, EventType.HARDWARE_EXCEPTION, GUEST_FAULT.errorCode, faultEip, faultEip, GUEST_FAULT.cr2);
        } else if (cause === TrapCause.EXTERNAL_INTERRUPT) {
          reflected = reflect(this, this.ackVector, EventType.EXTERNAL_INTERRUPT, -1, returnEip, faultEip);
        } else if (cause === TrapCause.SHADOW_FILL) {
          const r = this.pageFault(c.cr2, errorCode, faultEip);
          if (r >= 0) {
            cause = TrapCause.GUEST_PAGE_FAULT;
            reflected = r;
          }
        } else if (cause === TrapCause.EMULATION || cause === TrapCause.SOFTWARE_INTERRUPT) {
          if (cause === TrapCause.EMULATION) c.intShadow = 0; // the instruction completes here: its shadow ends
          const r = emulate(this, insn, id);
          if (cause === TrapCause.SOFTWARE_INTERRUPT) reflected = r;
          else if (r !== -2) completed = true;
        } else {
          if (vector === Vec.DB && type === EventType.HARDWARE_EXCEPTION) {
            this.v.dr[6] |= c.dr[6] & 0xe00f;
            c.dr[6] = 0xffff0ff0 | 0;
          }
          reflected = reflect(this, vector, type, errorCode, returnEip, faultEip, vector === Vec.PF ? c.cr2 : 0);
        }
      } catch (e) {
        if (e !== GUEST_FAULT) throw e;
        // The emulation met a fault the guest must see (a #PF on an operand, a #GP from its own checks).
        cause = GUEST_FAULT.vector === Vec.PF ? TrapCause.GUEST_PAGE_FAULT : TrapCause.EXCEPTION;
        reflected = reflect(this, GUEST_FAULT.vector, EventType.HARDWARE_EXCEPTION, GUEST_FAULT.errorCode, faultEip, faultEip, GUEST_FAULT.cr2);
      }
      if (completed && tf && this.status === 'running') {
        // Single-step: the trap after the emulated instruction (SDM Vol. 3A §17.3.1.4).
        this.v.dr[6] |= 0x4000;
        reflected = reflect(this, Vec.DB, EventType.HARDWARE_EXCEPTION, -1, c.eip, c.eip);
      }
    } catch (e) {
      if (e instanceof VmmStop) this.crash(e.message);
      else if (e instanceof Error) this.crash(t('methods.teVmm.vmmError', { message: e.message }));
      else throw e;
    }
    const k = this.counters;
    k.trapCount[cause]++;
    k.trapCycles[cause] += this.trapCycles;
    if (id !== E.NONE && (cause === TrapCause.EMULATION || cause === TrapCause.SOFTWARE_INTERRUPT)) k.emulated[id]++;
    if (completed) c.icount++; // the emulated instruction retired (INT n already counted as executed)
    if (reflected >= 0) {
      if (cause === TrapCause.EXTERNAL_INTERRUPT) k.interruptsReflected++;
      else if (cause === TrapCause.SOFTWARE_INTERRUPT) k.softwareInterruptsReflected++;
      else k.exceptionsReflected++;
    }
    c.stop = 1;
    if (this.status === 'running') c.trace.emit(EventKind.SW_RESUME, c.cycles, c.id, c.eip >>> 0, c.cpl, this.vcpl(), reflected, 0, 0, 0);
    return true;
  }

  /** Fetches and decodes the instruction at CS:EIP through the guest's page tables. */
  private fetchInsn(c: Cpu): boolean {
    const lin = (c.segBase[Seg.CS] + c.eip) | 0;
    const buf = this.fetchBuf;
    let n = 0;
    try {
      for (; n < 15; n++) buf[n] = this.g.read8((lin + n) | 0, c.cpl === 3);
    } catch (e) {
      if (e !== GUEST_FAULT) throw e; // the bytes after a page the guest has not mapped: decode what there is
    }
    return n > 0 && decodeInsn(buf, 0, n, c.codeSize, this.insn);
  }

  /**
   * A #PF on the shadow page tables: fill the shadow from the guest's tables, or reflect the guest's own
   * fault. Returns the vector reflected, or −1 for a hidden (filled) fault.
   */
  private pageFault(lin: number, errorCode: number, faultEip: number): number {
    const v = this.v;
    if ((v.cr0 & Cr0.PG) === 0 || (lin >>> 0) >= VMM_HOLE) {
      throw new VmmStop(t('methods.teVmm.theGuestAccessedLinear', { address: (lin >>> 0).toString(16), mib: this.gm.size / 1048576 }));
    }
    const r = this.shadow.fault(lin, errorCode, v.cr3, v.cr0, v.cr4);
    if (r === ShadowFault.FILLED) {
      this.cpu.flushTlbPage(lin);
      return -1;
    }
    if (r === ShadowFault.GUEST_FAULT) return reflect(this, Vec.PF, EventType.HARDWARE_EXCEPTION, this.shadow.guestErrorCode, faultEip, faultEip, lin);
    if (r === ShadowFault.UNSUPPORTED) throw new VmmStop(t('methods.teGuestAccess.theGuestUsesPae'));
    throw new VmmStop(t('methods.teVmm.theGuestMapsLinear', { address: (lin >>> 0).toString(16) }));
  }

  // ------------------------------------------------------------------------------------------ VmmCore

  vcpl(): number {
    const p = this.cpu.cpl;
    return p === 1 ? 0 : p;
  }

  virtualEflags(): number {
    return ((this.cpu.getEflags() & ~(Flag.IF | Flag.IOPL)) | (this.v.vif ? Flag.IF : 0) | (this.v.iopl << 12)) | 0;
  }

  virtualSelector(sel: number): number {
    return (sel & 3) === 1 ? sel & 0xfffc : sel;
  }

  syncRing1Stack(guestSs0: number, esp0: number): void {
    this.mem.write32(VMM_TSS + 12, esp0); // ESP1
    this.mem.write32(VMM_TSS + 16, ((guestSs0 & 0xfffc) | 1) & 0xffff); // SS1
  }

  guestTripleFault(): void {
    const c = this.cpu;
    this.status = 'triple-fault';
    this.message = t('methods.teVmm.tripleFault');
    c.activity = Activity.SHUTDOWN;
    c.stop = 1;
    c.trace.emit(EventKind.SHUTDOWN, c.cycles, c.id, c.eip >>> 0, 0, 0, 0, 0, 0, 0);
    this.trace.text(EventKind.VMM_LOG, c.cycles, 0, t('methods.teVmm.theGuestTripleFaultedThe'));
  }

  /** Stops the VM: something it did is not emulated, or it left its memory. */
  crash(why: string): void {
    const c = this.cpu;
    this.status = 'vm-crash';
    this.message = why;
    c.activity = Activity.SHUTDOWN;
    c.stop = 1;
    this.flushConsole();
    this.trace.text(EventKind.VMM_LOG, c.cycles, 0, t('methods.teVmm.vmmStoppedTheGuest', { why }));
  }

  setGuestCr0(value: number): void {
    const v = this.v;
    const val = (value | Cr0.ET) | 0;
    // SDM Vol. 2 MOV CR0: reserved bits, PG without PE, NW without CD → #GP(0).
    if ((val & ~CR0_DEFINED) !== 0 || ((val & Cr0.PG) !== 0 && (val & Cr0.PE) === 0) || ((val & Cr0.NW) !== 0 && (val & Cr0.CD) === 0)) {
      GUEST_FAULT.vector = Vec.GP;
      GUEST_FAULT.errorCode = 0;
      throw GUEST_FAULT;
    }
    if ((val & Cr0.PE) === 0) throw new VmmStop(t('methods.teVmm.theGuestLeftProtected'));
    if ((val & Cr0.PG) !== 0 && (v.cr4 & Cr4.PAE) !== 0) throw new VmmStop(t('methods.teVmm.theGuestEnabledPae'));
    const old = v.cr0;
    v.cr0 = val;
    const pgOld = (old & Cr0.PG) !== 0;
    const pgNew = (val & Cr0.PG) !== 0;
    if (pgOld !== pgNew) {
      if (pgNew) this.shadowFlush();
      else this.shadowIdentity();
    } else if (pgNew && ((old ^ val) & Cr0.WP) !== 0) this.shadowFlush();
    this.applyRealCr0();
    this.cpu.trace.emit(EventKind.CR_WRITE, this.cpu.cycles, this.cpu.id, 0, val >>> 0, 0, 0, 0, 0, 0);
  }

  setGuestCr3(value: number): void {
    this.v.cr3 = value;
    if ((this.v.cr0 & Cr0.PG) !== 0) this.shadowFlush();
    this.cpu.trace.emit(EventKind.CR_WRITE, this.cpu.cycles, this.cpu.id, 3, value >>> 0, 0, 0, 0, 0, 0);
  }

  setGuestCr4(value: number): void {
    const v = this.v;
    const allowed = (Cr4.VME | Cr4.PVI | Cr4.TSD | Cr4.DE | Cr4.PSE | Cr4.MCE | Cr4.PGE | Cr4.PCE | Cr4.OSFXSR | Cr4.OSXMMEXCPT | (this.cpu.model.features.pae ? Cr4.PAE : 0)) | 0;
    if ((value & ~allowed) !== 0) {
      GUEST_FAULT.vector = Vec.GP;
      GUEST_FAULT.errorCode = 0;
      throw GUEST_FAULT;
    }
    const paging = (v.cr0 & Cr0.PG) !== 0;
    if (paging && (value & Cr4.PAE) !== 0) throw new VmmStop(t('methods.teVmm.theGuestEnabledPae'));
    const old = v.cr4;
    v.cr4 = value;
    if (paging && ((old ^ value) & (Cr4.PSE | Cr4.PGE | Cr4.PAE)) !== 0) this.shadowFlush();
    // CR4.TSD and CR4.PCE decide whether RDTSC/RDPMC fault at CPL > 0: mirrored so guest ring 3 sees its own setting.
    const c = this.cpu;
    c.cr4 = (Cr4.PSE | (value & (Cr4.TSD | Cr4.DE | Cr4.PCE | Cr4.OSFXSR | Cr4.OSXMMEXCPT))) | 0;
    c.updateModes();
    c.trace.emit(EventKind.CR_WRITE, c.cycles, c.id, 4, value >>> 0, 0, 0, 0, 0, 0);
  }

  /** The real CR0: protected mode, paging (the shadow), WP and NE always; the guest's MP, EM, TS and AM. */
  private applyRealCr0(): void {
    const c = this.cpu;
    c.cr0 = (Cr0.PE | Cr0.ET | Cr0.NE | Cr0.WP | Cr0.PG | (this.v.cr0 & (Cr0.MP | Cr0.EM | Cr0.TS | Cr0.AM))) | 0;
    c.updateModes();
  }

  guestGdtChanged(): void {
    rebuildShadowGdt(this.mem, this.g, this.v.gdtrBase, this.v.gdtrLimit);
  }

  guestDescriptorChanged(sel: number): void {
    refreshShadowSlot(this.mem, this.g, this.v.gdtrBase, sel);
  }

  guestLdtChanged(): void {
    const c = this.cpu;
    const l = this.v.ldtr;
    if ((l.sel & 0xfffc) === 0) {
      c.setSegCache(Seg.LDTR, 0, 0, 0, Ar.UNUSABLE);
      return;
    }
    const limit = Math.min(l.limit >>> 0, 0xffff);
    rebuildShadowLdt(this.mem, this.g, l.base, limit);
    writeLdtSlot(this.mem, limit);
    c.setSegCache(Seg.LDTR, VMM_LDT_SEL, vmmLinear(SHADOW_LDT), limit, 0x82);
  }

  invalidatePage(lin: number): void {
    if ((this.v.cr0 & Cr0.PG) !== 0) this.shadow.invalidate(lin);
    this.cpu.flushTlbPage(lin);
  }

  /** Protected: the paravirtual VMM (../paravirt) flushes after a validated page-table update. */
  protected shadowFlush(): void {
    this.shadow.flush();
    this.installHole();
    this.cpu.flushTlbAll();
  }

  private shadowIdentity(): void {
    this.shadow.identityMap();
    this.installHole();
    this.cpu.flushTlbAll();
  }

  /** The VMM hole in every shadow address space: one supervisor 4-MiB page over the VMM area (host-physical 0). */
  private installHole(): void {
    this.mem.write32(this.shadowPd + 4 * (VMM_HOLE >>> 22), 0x83); // P, R/W, PS; U/S = 0
  }

  /** While the guest is in user mode its virtual IF is taken as 1 (see onEvent). */
  /** Protected: the paravirtual VMM (../paravirt) reads the guest's event mask from its shared-info page. */
  protected guestInterruptible(): boolean {
    return this.v.vif || this.cpu.cpl === 3;
  }

  /** The IRQ line of a vector the virtual PIC delivered (from the bases the guest programmed), or −1. */
  private irqOf(vector: number): number {
    const p = this.pc.pic.view();
    if ((vector & 0xf8) === (p.master.icw2 & 0xf8)) return vector & 7;
    if ((vector & 0xf8) === (p.slave.icw2 & 0xf8)) return 8 + (vector & 7);
    return -1;
  }

  // ------------------------------------------------------------------------------------------ views

  /** The guest's registers as the guest sees them: virtual CPL, CR0/CR3/CR4, EFLAGS.IF/IOPL, ring-0 selectors. */
  guestRegisters(): RegisterSource {
    const c = this.cpu;
    const segSel: number[] = [];
    for (let s = 0; s < 6; s++) segSel.push(s === Seg.CS || s === Seg.SS ? this.virtualSelector(c.segSel[s]) : c.segSel[s]);
    return {
      regs: c.regs,
      eip: c.eip,
      eflags: ((this.virtualEflags() & ~Flag.IF) | (this.guestInterruptible() ? Flag.IF : 0)) | 0,
      segSel,
      cr0: this.v.cr0,
      cr3: this.v.cr3,
      cr4: this.v.cr4,
      cpl: this.vcpl(),
      cycles: c.cycles,
    };
  }

  stats(): TrapAndEmulateStats {
    const k = this.counters;
    const trapsByCause: Record<string, { count: number; cycles: number }> = {};
    TRAP_CAUSE_NAMES.forEach((name, n) => (trapsByCause[name] = { count: k.trapCount[n], cycles: k.trapCycles[n] }));
    const emulatedByMnemonic: Record<string, number> = {};
    k.emulated.forEach((n, id) => {
      if (n > 0) emulatedByMnemonic[EMULATED_INSN_NAMES[id]] = n;
    });
    const vmmCycles = k.vmmCycles;
    const idleCycles = k.idleCycles;
    const guestCycles = Math.max(0, this.cpu.cycles - vmmCycles - idleCycles);
    const busy = guestCycles + vmmCycles;
    return {
      state: this.status,
      message: this.message === '' ? null : this.message,
      traps: k.trapCount.reduce((a, b) => a + b, 0),
      trapsByCause,
      emulatedByMnemonic,
      interruptsReflected: k.interruptsReflected,
      softwareInterruptsReflected: k.softwareInterruptsReflected,
      exceptionsReflected: k.exceptionsReflected,
      shadowFills: this.shadow.fills,
      shadowFlushes: this.shadow.flushes,
      guestCycles,
      vmmCycles,
      idleCycles,
      overheadPercent: busy > 0 ? Math.round((1000 * vmmCycles) / busy) / 10 : 0,
    };
  }

  // ------------------------------------------------------------------------------------------ snapshots

  /** The whole machine as plain data (a copy): memory (optional), processor, devices, the VMM's state. */
  snapshot(includeMemory = true): TrapAndEmulateSnapshot {
    return {
      kind: 'trap-and-emulate',
      memory: includeMemory ? this.mem.bytes.slice() : null,
      cpu: snapshotCpu(this.cpu),
      devices: this.pc.snapshot(),
      v: copyVirtualCpu(this.v),
      status: this.status,
      message: this.message,
      consoleLine: this.consoleLine,
      consoleLog: this.consoleLog,
      poolNext: this.pool.next,
      shadow: { tables: [...this.shadow.tables], fills: this.shadow.fills, flushes: this.shadow.flushes },
      counters: copyCounters(this.counters),
    };
  }

  /** Restores a snapshot of a VMM built with the same options; derived state (decode cache, TLB, bus) is rebuilt. */
  restore(s: TrapAndEmulateSnapshot): void {
    if (s.kind !== 'trap-and-emulate' || (s.memory !== null && s.memory.length !== this.mem.size)) throw new TypeError('not a snapshot of this VMM');
    if (s.memory !== null) this.mem.bytes.set(s.memory);
    this.pc.restore(s.devices);
    restoreCpu(this.cpu, s.cpu);
    this.cpu.invalidateDecodeCache();
    this.v = copyVirtualCpu(s.v);
    this.g.v = this.v;
    this.status = s.status;
    this.message = s.message;
    this.consoleLine = s.consoleLine;
    this.consoleLog = s.consoleLog;
    this.pool.next = s.poolNext;
    this.shadow = new ShadowMmu(this.mem, this.pool, this.gm, this.shadowPd);
    for (const [k, t] of s.shadow.tables) this.shadow.tables.set(k, t);
    this.shadow.fills = s.shadow.fills;
    this.shadow.flushes = s.shadow.flushes;
    this.counters = copyCounters(s.counters);
    this.ackVector = -1;
    this.ackIrq = -1;
  }
}
