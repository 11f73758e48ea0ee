/**
 * The bare machine: one IA-32 processor with VT-x, physical memory and the legacy PC devices (PIC, PIT,
 * COM1), with no hypervisor. A bare lab program starts at CPL 0 in protected mode with paging on (an
 * identity map), outside VMX operation, with IA32_FEATURE_CONTROL locked and VMX enabled, as firmware
 * leaves it — so it can be its own hypervisor: VMXON, VMCS set-up, VMLAUNCH, and VM exits at HOST_RIP.
 */
import { Ar, Cr0, Cr4, Msr, Seg } from '../x86/arch.ts';
import { Cpu, RunStop, type CpuOptions } from '../x86/cpu.ts';
import { resetMsrs } from '../x86/msr.ts';
import { PhysicalMemory } from '../x86/physical-memory.ts';
import type { ProcessorModel } from '../x86/platform.ts';
import { LegacyPc, type LegacyPcState } from '../devices/legacy-pc.ts';
import { CONSOLE_LINE_MAX } from '../devices/console-line.ts';
import { restoreCpu, snapshotCpu, type CpuSnapshot } from '../x86/cpu-snapshot.ts';
import type { TraceSink } from '../trace/sink.ts';
import { EventKind } from '../trace/events.ts';
import {
  BARE_MEMORY_BYTES,
  GDT_BASE,
  GDT_LIMIT,
  GDT_SELECTORS,
  PAGE_DIRECTORY,
  STACK_TOP,
  TSS_BASE,
  writeStandardTables,
} from './layout.ts';

/** Console characters a bare machine keeps for display. */
const CONSOLE_KEEP = 65536;

export interface BareSnapshot {
  kind: 'bare';
  /** Physical memory; null when the caller keeps memory itself (the timeline's page-shared images). */
  memory: Uint8Array | null;
  cpu: CpuSnapshot;
  devices: LegacyPcState;
  consoleLine: string;
  consoleLog: string;
  /** Cycles skipped while halted (absent in snapshots from before the counter existed: 0). */
  idleCycles?: number;
}

export type EndReason = 'halted' | 'triple-fault' | 'unhandled-exception' | 'limit' | 'vmx-abort';

export interface RunOutcome {
  /** `yield`: a trace sink asked to stop after an event (Cpu.yieldRequested); the run can be resumed. */
  reason: EndReason | 'yield';
  /** Instructions retired in this run. */
  instructions: number;
}

/** Puts a processor in the documented protected-mode start state (flat segments, GDT and TSS at the standard addresses). */
export function enterProtectedModeState(cpu: Cpu, paging: boolean): void {
  cpu.setSegCache(Seg.CS, GDT_SELECTORS.KERNEL_CODE, 0, -1, 0xc09b);
  for (const s of [Seg.SS, Seg.DS, Seg.ES, Seg.FS, Seg.GS]) cpu.setSegCache(s, GDT_SELECTORS.KERNEL_DATA, 0, -1, 0xc093);
  cpu.setSegCache(Seg.LDTR, 0, 0, 0, Ar.UNUSABLE);
  cpu.setSegCache(Seg.TR, GDT_SELECTORS.TSS, TSS_BASE, 0x67, 0x8b);
  cpu.gdtrBase = GDT_BASE;
  cpu.gdtrLimit = GDT_LIMIT;
  cpu.idtrBase = 0;
  cpu.idtrLimit = 0;
  cpu.cr0 = (Cr0.PE | Cr0.ET | Cr0.NE | (paging ? Cr0.PG : 0)) | 0;
  cpu.cr4 = paging ? Cr4.PSE : 0;
  cpu.cr3 = paging ? PAGE_DIRECTORY : 0;
  cpu.setEflags(2, -1);
  cpu.regs.fill(0);
  cpu.regs[4] = STACK_TOP;
  cpu.setCpl(0);
  cpu.updateModes();
  cpu.flushTlbAll();
}

export interface BareMachineOptions {
  model: ProcessorModel;
  memoryBytes?: number;
  trace?: TraceSink;
  cpu?: CpuOptions;
}

export class BareMachine {
  readonly mem: PhysicalMemory;
  readonly cpu: Cpu;
  readonly pc: LegacyPc;
  /** Console text of the line being transmitted (reported when it ends): part of the machine state. */
  consoleLine = '';
  /** Console lines reported so far (the last CONSOLE_KEEP characters). */
  consoleLog = '';
  /** Simulated cycles skipped while the processor was halted waiting for a device (busy time = cycles − idle). */
  idleCycles = 0;
  /** Everything COM1 printed (the last CONSOLE_KEEP characters, plus the unfinished line). */
  get consoleText(): string {
    return this.consoleLog + this.consoleLine;
  }

  constructor(opts: BareMachineOptions) {
    this.mem = new PhysicalMemory(opts.memoryBytes ?? BARE_MEMORY_BYTES);
    this.pc = new LegacyPc(opts.model.coreClockHz);
    const bus = this.pc.bus;
    // Port writes can program a timer: keep the processor's device deadline current so it stops in time.
    const io = {
      read: (port: number, size: 1 | 2 | 4, now: number): number => {
        const v = bus.read(port, size, now);
        this.cpu.deviceDeadline = bus.nextEventAt(now);
        return v;
      },
      write: (port: number, size: 1 | 2 | 4, value: number, now: number): void => {
        bus.write(port, size, value, now);
        this.cpu.deviceDeadline = bus.nextEventAt(now);
      },
    };
    this.cpu = new Cpu(this.mem, opts.model, {
      ...opts.cpu,
      io,
      intr: this.pc.pic,
      trace: opts.trace,
    });
    const trace = opts.trace;
    const emitLine = (text: string): void => {
      this.consoleLog += text;
      if (this.consoleLog.length > CONSOLE_KEEP) this.consoleLog = this.consoleLog.slice(-CONSOLE_KEEP);
      trace?.text(EventKind.CONSOLE, this.cpu.cycles, -1, text);
    };
    this.pc.com1.onTransmit = (byte: number) => {
      // Console text is reported a line at a time (or when a run ends), not per byte.
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
    this.reset();
  }

  /** The whole machine as plain data: memory, processor, devices (a copy; see docs/architecture.md). */
  snapshot(includeMemory = true): BareSnapshot {
    return { kind: 'bare', memory: includeMemory ? this.mem.bytes.slice() : null, cpu: snapshotCpu(this.cpu), devices: this.pc.snapshot(), consoleLine: this.consoleLine, consoleLog: this.consoleLog, idleCycles: this.idleCycles };
  }

  restore(s: BareSnapshot): void {
    if (s.kind !== 'bare' || (s.memory !== null && s.memory.length !== this.mem.size)) throw new TypeError('not a snapshot of this bare machine');
    if (s.memory !== null) this.mem.bytes.set(s.memory);
    this.pc.restore(s.devices);
    restoreCpu(this.cpu, s.cpu);
    this.consoleLine = s.consoleLine;
    this.consoleLog = s.consoleLog;
    this.idleCycles = s.idleCycles ?? 0;
  }

  /** Emits console text still buffered (a line without a newline). */
  flushConsole: () => void = () => {};

  /** The documented initial state: tables in memory, protected mode with identity paging, VMX enabled by "firmware". */
  reset(): void {
    this.consoleLine = '';
    this.consoleLog = '';
    this.idleCycles = 0;
    const mem = this.mem;
    writeStandardTables((a, v) => mem.write32(a, v));
    // Mark the TSS descriptor busy, as LTR would have.
    mem.write32(GDT_BASE + 5 * 8 + 4, mem.read32(GDT_BASE + 5 * 8 + 4) | 0x200);
    // Identity map of RAM with 4-MByte pages: present, writable, user-accessible (so ring-3 lessons work).
    for (let k = 0; k < 1024; k++) mem.write32(PAGE_DIRECTORY + 4 * k, k * 0x400000 < mem.size ? ((k << 22) | 0x87) | 0 : 0);
    resetMsrs(this.cpu);
    this.cpu.msrLo.set(Msr.IA32_FEATURE_CONTROL, 0x5); // locked, VMX outside SMX enabled
    enterProtectedModeState(this.cpu, true);
    this.cpu.stopOnUnhandledException = true;
  }

  /** Loads a program image and points EIP at its entry. */
  load(bytes: Uint8Array, origin: number, entry: number): void {
    this.mem.load(origin, bytes);
    this.cpu.eip = entry;
  }

  /**
   * Runs until the processor halts with nothing that could wake it, shuts down, stops on an exception with
   * no usable IDT, or `maxInstructions` retire (or that many faults — at least 1024 — are delivered in a row with
   * nothing retired: an exception loop ends at the limit too). Devices advance with simulated time; idle (HLT) time is
   * skipped to the next device event.
   */
  run(maxInstructions: number): RunOutcome {
    const cpu = this.cpu;
    const pc = this.pc;
    const start = cpu.icount;
    const limit = start + maxInstructions;
    for (;;) {
      const remaining = limit - cpu.icount;
      // An exception loop that retires nothing ends at the limit too (Cpu.abortedInsns).
      if (remaining <= 0 || cpu.exceptionLoop(remaining)) return this.finish('limit', start);
      // The bus remembers its next event between port accesses (the last `advance` computed it).
      let until = pc.bus.nextEventCached(cpu.cycles);
      if (cpu.vmx.nonRoot && cpu.vmx.preemptionTimer) until = Math.min(until, cpu.vmx.preemptionDeadline);
      if (!(until > cpu.cycles)) until = cpu.cycles + 1;
      cpu.deviceDeadline = until;
      const stop = cpu.run(Math.min(until, cpu.cycles + 1e9), remaining);
      pc.bus.advance(cpu.cycles);
      if (stop === RunStop.YIELD) return this.finish('yield', start);
      if (stop === RunStop.SHUTDOWN) {
        return this.finish(cpu.vmxAbortCode !== 0 ? 'vmx-abort' : 'triple-fault', start);
      }
      if (stop === RunStop.UNHANDLED_EXCEPTION) return this.finish('unhandled-exception', start);
      if (stop === RunStop.HALTED) {
        if (!this.canWake()) return this.finish('halted', start);
        let next = pc.bus.nextEventAt(cpu.cycles);
        if (cpu.vmx.nonRoot && cpu.vmx.preemptionTimer) next = Math.min(next, cpu.vmx.preemptionDeadline);
        if (next === Infinity) {
          if (pc.pic.hasInterrupt()) continue;
          return this.finish('halted', start);
        }
        if (next > cpu.cycles) {
          this.idleCycles += next - cpu.cycles;
          cpu.cycles = next;
        }
        pc.bus.advance(cpu.cycles);
      }
    }
  }

  /** Whether anything could ever end a HLT: an NMI, an interrupt with IF = 1, or a VM-exiting event. */
  private canWake(): boolean {
    const cpu = this.cpu;
    if (cpu.nmiPending) return true;
    if ((cpu.eflags & 0x200) !== 0) return true;
    if (cpu.vmx.nonRoot && ((cpu.vmx.pin & 1) !== 0 || cpu.vmx.preemptionTimer)) return true;
    return false;
  }

  private finish(reason: EndReason | 'yield', start: number): RunOutcome {
    // A run that stops at its budget or yields may be resumed: the line being printed is not over yet.
    if (reason !== 'limit' && reason !== 'yield') this.flushConsole();
    return { reason, instructions: this.cpu.icount - start };
  }
}

export { RunStop };
