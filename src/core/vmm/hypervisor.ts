/**
 * The built-in VMM: physical CPUs in VMX root operation, VMs with vCPUs, a round-robin scheduler per
 * physical CPU, virtual interrupt injection, virtual-timer deadlines (VMX-preemption timer where the CPU
 * has one, the host timer's external-interrupt exit otherwise), the exit-handler dispatch and the
 * root/non-root time accounting.
 *
 * Everything runs in simulated time on the physical CPUs' cycle counters. With several physical CPUs the
 * one that is furthest behind runs next, for at most one quantum, so the interleaving is deterministic.
 */
import { Cr0, Cr4, Flag, Vec } from '../x86/arch.ts';
import { Cpu, RunStop } from '../x86/cpu.ts';
import { DecodeCache } from '../x86/decode-cache.ts';
import { PhysicalMemory } from '../x86/physical-memory.ts';
import type { ProcessorModel } from '../x86/platform.ts';
import { CR0_DEFINED } from '../x86/arch.ts';
import { LegacyPc, type LegacyPcState } from '../devices/legacy-pc.ts';
import { CONSOLE_LINE_MAX } from '../devices/console-line.ts';
import { restoreCpu, snapshotCpu, type CpuSnapshot } from '../x86/cpu-snapshot.ts';
import type { TraceSink } from '../trace/sink.ts';
import { NullSink } from '../trace/sink.ts';
import { EventKind, VmState, VmxInstruction } from '../trace/events.ts';
import { VmcsField as F } from '../vmx/spec/fields.ts';
import { PinBased, ProcBased, ProcBased2 } from '../vmx/spec/controls.ts';
import { exitReasonInfo } from '../vmx/spec/exit-reasons.ts';
import { vmInstructionErrorInfo } from '../vmx/spec/instruction-errors.ts';
import { launchState, VO, vr } from '../vmx/vmcs.ts';
import { applyVmxResult, invvpid, vmclear, vmlaunch, vmptrld, VMX_SUCCEED } from '../vmx/instructions.ts';
import { preemptionRate, settleHostState } from '../vmx/exit.ts';
import { PAGE_DIRECTORY } from '../machine/layout.ts';
import { EXIT_HANDLERS, guestCr0, guestCr4, injectException } from './exits.ts';
import { GuestMemory } from './guest-memory.ts';
import { GUEST_AREA_START, PagePool, enterVmxRoot, initHostMemory } from './host.ts';
import { ShadowMmu } from './shadow.ts';
import { VCpu, Vm, initVmcs, planVmcs, writeGuestTables, writeProcControls, type VmConfig } from './vm.ts';
import { diagnoseControls } from './controls-check.ts';
import { cloneVmmSettings } from './settings.ts';
import { vmr, vmw, vmwIfSupported, vmcsAccessCost } from './vmcs-access.ts';
// Stop reasons and log lines come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t } from '../../i18n/t.ts';

export interface HypervisorCosts {
  /** Cycles of the VM-exit transition and of the VM-entry transition. */
  vmExit: number;
  vmEntry: number;
  /** Cycles the VMM's handler spends, by basic exit reason (index); `defaultHandler` otherwise. */
  handler: ArrayLike<number>;
  defaultHandler: number;
  /** Cycles per VMREAD / VMWRITE the VMM executes. */
  vmread: number;
  vmwrite: number;
  /** Cycles per retired guest instruction, by cost class. */
  instruction: ArrayLike<number>;
}

export interface HypervisorOptions {
  /** Physical CPUs (default 1). */
  cpus?: number;
  /** Guest RAM per VM is carved from host memory above 4 MiB; total host RAM in bytes. */
  hostMemoryBytes: number;
  trace?: TraceSink;
  costs?: HypervisorCosts;
  /** Time slice per vCPU in cycles (default: 10 ms of the CPU clock). */
  sliceCycles?: number;
  /**
   * Leave each VM exit's host-state load pending until something needs it (vmx/exit.ts `deferHostState`; default
   * true). The outcome is the same either way; false is the eager exit, for the tests that show it.
   */
  deferHostState?: boolean;
}

export interface HypervisorSnapshot {
  kind: 'hypervisor';
  /** Host-physical memory; null when the caller keeps memory itself (the timeline's page-shared images). */
  memory: Uint8Array | null;
  cpus: CpuSnapshot[];
  hostDevices: LegacyPcState[];
  poolNext: number;
  nextGuestBase: number;
  nextPcpu: number;
  active: ([number, number] | null)[];
  rr: number[];
  sliceStart: number[];
  idleForever: boolean[];
  haltSkips: number[];
  haltIcount: number[];
  /** Physical CPUs whose last VM exit waits for the VMM's handler (absent in snapshots taken before it existed: none). */
  exitPending?: boolean[];
  /** The host's COM1 (written by a guest through passed-through ports): console text and the unfinished line. */
  hostConsole: string;
  hostUartLine: string;
  stats: HypervisorStats;
  vms: {
    id: number;
    config: VmConfig;
    base: number;
    state: VmState;
    stopReason: string;
    console: string;
    uartLine: string;
    exitCode: number;
    stats: { count: number[]; cycles: number[] };
    ioBitmapA: number;
    ioBitmapB: number;
    msrBitmap: number;
    identityPdGpa: number;
    identityPdHpa: number;
    eptPml4: number;
    eptMapped: number;
    devices: LegacyPcState;
    vcpus: {
      id: number;
      vmcs: number;
      fields: Record<string, unknown> & { gprs: number[]; dr: number[] };
      shadow: { tables: [number, number][]; fills: number; flushes: number } | null;
    }[];
  }[];
}

/**
 * A vCPU scheduling policy for `Hypervisor.schedulerPolicy`. `pick` gets the runnable vCPUs of processor `p` (never
 * empty) and its halted vCPUs with the cycle of their next virtual-device event (when they may wake), and returns
 * the vCPU to run with its slice in cycles (the VMM arms the VMX-preemption timer for the slice's end), or
 * `{ vcpu: null, until }` to leave the processor idle until cycle `until`. `charge` reports the cycles a vCPU held
 * the processor (guest time plus the VM exits handled for it) when it gives the processor up.
 */
export interface SchedulerPolicy {
  pick(p: number, runnable: readonly VCpu[], waiting: readonly { vcpu: VCpu; wakeAt: number }[], now: number): { vcpu: VCpu; slice: number } | { vcpu: null; until: number };
  charge(p: number, v: VCpu, cycles: number, now: number): void;
}

export type HypervisorStopReason = 'limit' | 'idle' | 'all-stopped' | 'yield';

/** Counters shown in statistics. */
export interface HypervisorStats {
  exits: number;
  shadowFills: number;
  guestPageFaults: number;
  eptMaps: number;
  injectedInterrupts: number;
}

const QUANTUM = 200_000;
/**
 * Livelock guard: this many consecutive VM exits of one vCPU for the same reason at the same guest RIP, with no
 * guest instruction retired in between (other than the exiting instruction itself), stop the VM: the guest can
 * never make progress (a handler that does not advance RIP, a fault the VMM cannot resolve). Far above any
 * legitimate run of such exits (one EPT violation or shadow fill per 4-KiB page of a REP string instruction over
 * all of guest memory is 2048).
 */
export const LIVELOCK_EXITS = 100_000;
/** Scheduling steps in a row without a retired guest instruction before `run` reports 'idle' (see `run`). */
export const STALLED_STEPS = 1_000_000;
/** A vCPU halted in VMX non-root operation whose wake-up events keep producing no VM exit this many times is halted for good. */
const HALT_SKIP_LIMIT = 1000;
/** Guest-physical address of the VMM's identity page directory (outside guest RAM). */
export const IDENTITY_PD_GPA = 0xfeffc000;

export class Hypervisor {
  readonly mem: PhysicalMemory;
  readonly cache: DecodeCache;
  readonly cpus: Cpu[] = [];
  /** One timer/interrupt-controller set per physical CPU (the host's own timer, used to regain control). */
  readonly hostPcs: LegacyPc[] = [];
  readonly pool: PagePool;
  readonly vms: Vm[] = [];
  readonly trace: TraceSink;
  readonly stats: HypervisorStats = { exits: 0, shadowFills: 0, guestPageFaults: 0, eptMaps: 0, injectedInterrupts: 0 };
  costs: HypervisorCosts;
  /** vCPU whose VMCS is current (and registers loaded) on each physical CPU. */
  private readonly active: (VCpu | null)[] = [];
  private readonly rr: number[] = [];
  private readonly sliceStart: number[] = [];
  private readonly idleForever: boolean[] = [];
  /** Consecutive time skips of a vCPU halted in non-root operation that produced no VM exit, per physical CPU. */
  private readonly haltSkips: number[] = [];
  private readonly haltIcount: number[] = [];
  /**
   * A VM exit whose handler has not run yet, per physical CPU. A trace sink that stops after every event (the
   * timeline) asked to stop right after the VMEXIT event: the machine then rests where the exit left it — the
   * VMCS holds what the exit recorded and saved (SDM Vol. 3C §27.2–27.3), GUEST_RIP still at the exiting
   * instruction — and the VMM's handler runs first thing in the next `run`, as its own step.
   */
  private readonly exitPending: boolean[] = [];
  /** What the guests printed on the host's own COM1 through passed-through ports (CONSOLE events with source −1). */
  hostConsole = '';
  private hostUartLine = '';
  private nextGuestBase = GUEST_AREA_START;
  private nextPcpu = 0;
  readonly sliceCycles: number;
  /** Called when a VM's console gets text (the UI's console, the CLI's trace). */
  onConsole: (vm: Vm, text: string) => void = () => {};
  /**
   * Observer called before the handler of each VM exit (basic exit reason `basic`), with the exit's VMCS current
   * on `c`. Null by default (no effect). Live migration's dirty logging uses it to see EPT violations caused by
   * writes to write-protected pages (src/core/platform/migration/ept-dirty-log.ts).
   */
  beforeExitHandler: ((c: Cpu, v: VCpu, basic: number) => void) | null = null;
  /**
   * Arm the end-of-slice deadline even when no other vCPU waits for the processor, so the VMM regains control at
   * least once per slice (a periodic tick, as a host kernel's timer tick gives KVM). Off by default; the Isolation
   * lab's watchdog needs it (src/core/isolation/virtualized.ts).
   */
  tickAlways = false;
  /**
   * A pluggable vCPU scheduling policy (which vCPU runs next on a processor, and for how long): null = the built-in
   * round robin with fixed `sliceCycles` slices. The Isolation lab's credit scheduler (src/core/scheduling/) uses it.
   * Its state lives in the policy, not in this VMM's snapshot.
   */
  schedulerPolicy: SchedulerPolicy | null = null;
  /** Slice length the policy gave the vCPU now on each processor, and that vCPU (null once charged). */
  private readonly policySlice: number[] = [];
  private readonly policyRan: (VCpu | null)[] = [];

  private readonly deferHostState: boolean;

  constructor(readonly model: ProcessorModel, opts: HypervisorOptions) {
    this.deferHostState = opts.deferHostState ?? true;
    this.mem = new PhysicalMemory(opts.hostMemoryBytes);
    this.cache = new DecodeCache(this.mem);
    this.trace = opts.trace ?? new NullSink();
    this.costs = opts.costs ?? { vmExit: 0, vmEntry: 0, handler: [], defaultHandler: 0, vmread: 0, vmwrite: 0, instruction: [] };
    this.sliceCycles = opts.sliceCycles ?? Math.round(model.coreClockHz / 100);
    initHostMemory(this.mem);
    this.pool = new PagePool(this.mem);
    const n = opts.cpus ?? 1;
    for (let k = 0; k < n; k++) {
      const pc = new LegacyPc(model.coreClockHz);
      // The processor's own port bus: in root operation only the VMM's timer programming uses it; in non-root
      // operation, guest I/O to ports the I/O bitmaps pass through lands here — on the host's devices. Such a
      // write can program the host timer, so the processor's device deadline is kept current (as on the bare machine).
      const bus = pc.bus;
      const io = {
        read: (port: number, size: 1 | 2 | 4, now: number): number => {
          const v = bus.read(port, size, now);
          cpu.deviceDeadline = bus.nextEventAt(now);
          return v;
        },
        write: (port: number, size: 1 | 2 | 4, value: number, now: number): void => {
          bus.write(port, size, value, now);
          cpu.deviceDeadline = bus.nextEventAt(now);
        },
      };
      const cpu: Cpu = new Cpu(this.mem, model, { id: k, io, intr: pc.pic, trace: this.trace, cache: this.cache });
      pc.com1.onTransmit = (b: number) => this.hostTransmit(b);
      cpu.vmmTakesExits = true;
      cpu.hostStateDeferral = this.deferHostState;
      enterVmxRoot(cpu, this.pool);
      initHostTimer(pc);
      this.cpus.push(cpu);
      this.hostPcs.push(pc);
      this.active.push(null);
      this.rr.push(0);
      this.sliceStart.push(0);
      this.idleForever.push(false);
      this.haltSkips.push(0);
      this.haltIcount.push(-1);
      this.exitPending.push(false);
    }
    this.applyCosts();
  }

  /** Pushes the cost table into the processors (call again after changing `costs`). */
  applyCosts(): void {
    for (const c of this.cpus) {
      c.vmExitCycles = this.costs.vmExit;
      c.vmEntryCycles = this.costs.vmEntry;
      for (let k = 0; k < this.costs.instruction.length; k++) c.instructionCosts[k] = this.costs.instruction[k];
      c.invalidateDecodeCache();
    }
    vmcsAccessCost.read = this.costs.vmread;
    vmcsAccessCost.write = this.costs.vmwrite;
  }

  // ------------------------------------------------------------------------------------ VM lifecycle

  /** Creates a VM: guest memory, EPT or shadow structures, bitmaps, and one VMCS per vCPU (vCPU k on CPU k mod n). */
  createVm(config: VmConfig, entry: number): Vm {
    const size = config.memoryBytes;
    if (size % 0x400000 !== 0 || size <= 0) throw new RangeError('guest memory must be a positive multiple of 4 MiB');
    const base = this.nextGuestBase;
    if (base + size > this.mem.size) throw new RangeError(`not enough host memory for a ${size / 1048576} MiB VM`);
    this.nextGuestBase += size;
    const id = this.vms.length;
    const cfg: VmConfig = { ...config, ...(config.settings !== undefined ? { settings: cloneVmmSettings(config.settings) } : {}) };
    const vm = new Vm(id, cfg, new GuestMemory(this.mem, base, size), planVmcs(this.model, cfg.settings), this.pool, this.model.coreClockHz);
    this.vms.push(vm);
    // I/O bitmaps: every port exits (the VMM emulates every device) except the ports the settings pass through.
    // MSR bitmap: every access exits except the MSRs passed through (SDM Vol. 3C §24.6.4, §24.6.9).
    vm.ioBitmapA = this.pool.alloc();
    vm.ioBitmapB = this.pool.alloc();
    vm.msrBitmap = this.pool.alloc();
    this.mem.bytes.fill(0xff, vm.ioBitmapA, vm.ioBitmapA + 4096);
    this.mem.bytes.fill(0xff, vm.ioBitmapB, vm.ioBitmapB + 4096);
    this.mem.bytes.fill(0xff, vm.msrBitmap, vm.msrBitmap + 4096);
    for (const port of vm.plan.ioPassthrough) {
      const at = (port < 0x8000 ? vm.ioBitmapA : vm.ioBitmapB) + ((port & 0x7fff) >>> 3);
      this.mem.bytes[at] &= ~(1 << (port & 7));
    }
    for (const msr of vm.plan.msrPassthrough) {
      // Read bitmap for low MSRs at 0, for high MSRs at 1024; the write bitmaps follow at 2048 and 3072.
      const at = vm.msrBitmap + (msr >= 0xc0000000 ? 1024 : 0) + ((msr & 0x1fff) >>> 3);
      this.mem.bytes[at] &= ~(1 << (msr & 7));
      this.mem.bytes[at + 2048] &= ~(1 << (msr & 7));
    }
    writeGuestTables(vm);
    if (vm.mmu === 'ept' && !vm.plan.unrestricted) {
      // Identity page directory for paging-off guests without unrestricted guest. Like KVM's "identity map"
      // page it lives at a reserved guest-physical address outside guest RAM (0xFEFFC000), backed by a VMM
      // page and mapped read-only in EPT, so the guest cannot change it; it maps all 4 GiB, so an access
      // beyond guest RAM is an EPT violation (as with unrestricted guest), not a guest #PF.
      const page = this.pool.alloc();
      // Accessed and dirty are preset (0xE7 = P, RW, US, A, D, PS), as in KVM's identity map, so the page walk never
      // needs to write this read-only page.
      for (let k = 0; k < 1024; k++) this.mem.write32(page + 4 * k, ((k << 22) | 0xe7) | 0);
      vm.identityPdGpa = IDENTITY_PD_GPA;
      vm.identityPdHpa = page;
      vm.ept!.map4k(IDENTITY_PD_GPA, page, 1);
    }
    this.wireConsole(vm);
    for (let k = 0; k < config.vcpus; k++) {
      const vmcs = this.pool.alloc();
      const v = new VCpu(vm, k, vmcs);
      // vCPUs are spread over the physical CPUs in creation order (a fixed affinity).
      v.pcpu = this.nextPcpu++ % this.cpus.length;
      if (vm.mmu === 'shadow') {
        v.shadowPd = this.pool.alloc();
        v.shadow = new ShadowMmu(this.mem, this.pool, vm.mem, v.shadowPd);
        v.shadow.identityMap();
      }
      vm.vcpus.push(v);
      (this.assigned[v.pcpu] ??= []).push(v);
      const c = this.cpus[v.pcpu];
      initVmcs(c, vm, v, entry);
      v.gprs[0] = k;
      // Leave the VMCS clear and not current: the scheduler loads it.
      vmclear(c, vmcs, 0);
      if (this.active[v.pcpu] !== null && this.active[v.pcpu]!.vmcs === vmcs) this.active[v.pcpu] = null;
    }
    vm.state = VmState.RUNNING;
    this.trace.emit(EventKind.VM_STATE, this.cpus[0].cycles, id, VmState.RUNNING, 0, 0, 0, 0, 0, 0);
    for (let k = 0; k < this.idleForever.length; k++) this.idleForever[k] = false;
    return vm;
  }

  /** Connects the VM's virtual UART to its console (output reported a line at a time). */
  private wireConsole(vm: Vm): void {
    vm.pc.com1.onTransmit = (b: number) => {
      if (b === 10) {
        this.consoleWrite(vm, vm.uartLine + '\n');
        vm.uartLine = '';
      } else if (b !== 13) {
        vm.uartLine += String.fromCharCode(b);
        // A line without end is reported in pieces (bounded buffer: devices/console-line.ts).
        if (vm.uartLine.length >= CONSOLE_LINE_MAX) {
          this.consoleWrite(vm, vm.uartLine);
          vm.uartLine = '';
        }
      }
    };
    vm.flushUart = () => {
      if (vm.uartLine !== '') this.consoleWrite(vm, vm.uartLine);
      vm.uartLine = '';
    };
  }

  /** A byte the host's COM1 transmitted (a guest wrote it through a passed-through port): reported a line at a time. */
  private hostTransmit(b: number): void {
    if (b === 10) {
      this.hostConsoleWrite(this.hostUartLine + '\n');
      this.hostUartLine = '';
    } else if (b !== 13) {
      this.hostUartLine += String.fromCharCode(b);
      // A line without end is reported in pieces (bounded buffer: devices/console-line.ts).
      if (this.hostUartLine.length >= CONSOLE_LINE_MAX) {
        this.hostConsoleWrite(this.hostUartLine);
        this.hostUartLine = '';
      }
    }
  }

  private hostConsoleWrite(text: string): void {
    this.hostConsole += text;
    if (this.hostConsole.length > 65536) this.hostConsole = this.hostConsole.slice(-65536);
    // Source −1: not a VM's console but the machine's own COM1 (as on the bare machine).
    this.trace.text(EventKind.CONSOLE, this.cpus[0].cycles, -1, text);
  }

  /** Reports the host console's unfinished line (the run is over). */
  flushHostUart(): void {
    if (this.hostUartLine !== '') this.hostConsoleWrite(this.hostUartLine);
    this.hostUartLine = '';
  }

  consoleWrite(vm: Vm, text: string): void {
    vm.console += text;
    if (vm.console.length > 65536) vm.console = vm.console.slice(-65536);
    this.trace.text(EventKind.CONSOLE, this.cpus[0].cycles, vm.id, text);
    this.onConsole(vm, text);
  }

  crashVm(vm: Vm, why: string): void {
    this.stopVm(vm, VmState.CRASHED, why);
  }

  powerOff(vm: Vm, code: number): void {
    this.stopVm(vm, VmState.STOPPED, t('vmm.stop.poweredOff', { code }));
    vm.exitCode = code;
  }

  private stopVm(vm: Vm, state: VmState, why: string): void {
    if (vm.state === VmState.CRASHED || vm.state === VmState.STOPPED) return;
    vm.flushUart();
    vm.state = state;
    vm.stopReason = why;
    const cpu0 = this.cpus[vm.vcpus[0]?.pcpu ?? 0];
    this.trace.emit(EventKind.VM_STATE, cpu0.cycles, vm.id, state, 0, 0, 0, 0, 0, 0);
    this.trace.text(EventKind.VMM_LOG, cpu0.cycles, vm.id, t('vmm.stop.logLine', { name: vm.config.name, why }));
  }

  // ------------------------------------------------------------------------------------ snapshots

  /** The whole host as plain data: memory, processors, host timers, VMs and the VMM's own state. */
  snapshot(includeMemory = true): HypervisorSnapshot {
    this.settleHostStates();
    return {
      kind: 'hypervisor',
      memory: includeMemory ? this.mem.bytes.slice() : null,
      cpus: this.cpus.map(snapshotCpu),
      hostDevices: this.hostPcs.map((pc) => pc.snapshot()),
      poolNext: this.pool.next,
      nextGuestBase: this.nextGuestBase,
      nextPcpu: this.nextPcpu,
      active: this.active.map((v) => (v === null ? null : [v.vm.id, v.id] as [number, number])),
      rr: [...this.rr],
      sliceStart: [...this.sliceStart],
      idleForever: [...this.idleForever],
      haltSkips: [...this.haltSkips],
      haltIcount: [...this.haltIcount],
      exitPending: [...this.exitPending],
      hostConsole: this.hostConsole,
      hostUartLine: this.hostUartLine,
      stats: { ...this.stats },
      vms: this.vms.map((vm) => ({
        id: vm.id,
        config: { ...vm.config, ...(vm.config.settings !== undefined ? { settings: cloneVmmSettings(vm.config.settings) } : {}) },
        base: vm.mem.base,
        state: vm.state,
        stopReason: vm.stopReason,
        console: vm.console,
        uartLine: vm.uartLine,
        exitCode: vm.exitCode,
        stats: { count: [...vm.stats.count], cycles: [...vm.stats.cycles] },
        ioBitmapA: vm.ioBitmapA,
        ioBitmapB: vm.ioBitmapB,
        msrBitmap: vm.msrBitmap,
        identityPdGpa: vm.identityPdGpa,
        identityPdHpa: vm.identityPdHpa,
        eptPml4: vm.ept?.pml4 ?? -1,
        eptMapped: vm.ept?.mappedPages ?? 0,
        devices: vm.pc.snapshot(),
        vcpus: vm.vcpus.map((v) => ({
          id: v.id,
          vmcs: v.vmcs,
          fields: {
            gprs: Array.from(v.gprs), launched: v.launched, halted: v.halted, pcpu: v.pcpu, guestCr3: v.guestCr3,
            cr3Virtualized: v.cr3Virtualized, shadowPd: v.shadowPd, unrestricted: v.unrestricted, pendingEvent: v.pendingEvent,
            pendingErrorCode: v.pendingErrorCode, pendingLength: v.pendingLength, haltedIfClear: v.haltedIfClear, yielded: v.yielded,
            tscOffset: v.tscOffset, patLo: v.patLo, patHi: v.patHi, mtrrDefType: v.mtrrDefType, xcr0: v.xcr0, dr: Array.from(v.dr),
            usesPreemptionTimer: v.usesPreemptionTimer, lastTimerValue: v.lastTimerValue, entryCycle: v.entryCycle,
            guestCycles: v.guestCycles, rootCycles: v.rootCycles, haltedCycles: v.haltedCycles, haltedSinceEntry: v.haltedSinceEntry,
            instructions: v.instructions,
            sameExits: v.sameExits, lastExitReason: v.lastExitReason, lastExitRip: v.lastExitRip, lastExitIcount: v.lastExitIcount,
          },
          shadow: v.shadow === null ? null : { tables: [...v.shadow.tables], fills: v.shadow.fills, flushes: v.shadow.flushes },
        })),
      })),
    };
  }

  /** Restores a snapshot taken from a hypervisor built with the same options (same CPU count and memory). */
  restore(s: HypervisorSnapshot): void {
    if (s.kind !== 'hypervisor' || (s.memory !== null && s.memory.length !== this.mem.size) || s.cpus.length !== this.cpus.length) {
      throw new TypeError('not a snapshot of this hypervisor');
    }
    if (s.memory !== null) this.mem.bytes.set(s.memory);
    this.cache.clear();
    s.cpus.forEach((cs, k) => restoreCpu(this.cpus[k], cs));
    s.hostDevices.forEach((d, k) => this.hostPcs[k].restore(d));
    this.pool.next = s.poolNext;
    this.nextGuestBase = s.nextGuestBase;
    this.nextPcpu = s.nextPcpu;
    Object.assign(this.stats, s.stats);
    this.vms.length = 0;
    this.assigned.length = 0;
    for (const vs of s.vms) {
      const config: VmConfig = { ...vs.config, ...(vs.config.settings !== undefined ? { settings: cloneVmmSettings(vs.config.settings) } : {}) };
      const vm = new Vm(vs.id, config, new GuestMemory(this.mem, vs.base, vs.config.memoryBytes), planVmcs(this.model, config.settings), this.pool, this.model.coreClockHz, vs.eptPml4);
      vm.state = vs.state;
      vm.stopReason = vs.stopReason;
      vm.console = vs.console;
      vm.uartLine = vs.uartLine;
      vm.exitCode = vs.exitCode;
      vm.stats.count.splice(0, vm.stats.count.length, ...vs.stats.count);
      vm.stats.cycles.splice(0, vm.stats.cycles.length, ...vs.stats.cycles);
      vm.ioBitmapA = vs.ioBitmapA;
      vm.ioBitmapB = vs.ioBitmapB;
      vm.msrBitmap = vs.msrBitmap;
      vm.identityPdGpa = vs.identityPdGpa;
      vm.identityPdHpa = vs.identityPdHpa;
      if (vm.ept !== null) vm.ept.mappedPages = vs.eptMapped;
      vm.pc.restore(vs.devices);
      this.wireConsole(vm);
      for (const vcs of vs.vcpus) {
        const v = new VCpu(vm, vcs.id, vcs.vmcs);
        const { gprs, dr, ...rest } = vcs.fields;
        Object.assign(v, rest);
        v.gprs.set(gprs);
        v.dr.set(dr);
        if (vcs.shadow !== null) {
          v.shadow = new ShadowMmu(this.mem, this.pool, vm.mem, v.shadowPd);
          for (const [k, t] of vcs.shadow.tables) v.shadow.tables.set(k, t);
          v.shadow.fills = vcs.shadow.fills;
          v.shadow.flushes = vcs.shadow.flushes;
        }
        vm.vcpus.push(v);
        (this.assigned[v.pcpu] ??= []).push(v);
      }
      this.vms.push(vm);
    }
    s.active.forEach((a, k) => (this.active[k] = a === null ? null : this.vms[a[0]].vcpus[a[1]]));
    s.rr.forEach((v, k) => (this.rr[k] = v));
    s.sliceStart.forEach((v, k) => (this.sliceStart[k] = v));
    s.idleForever.forEach((v, k) => (this.idleForever[k] = v));
    for (let k = 0; k < this.cpus.length; k++) {
      this.haltSkips[k] = s.haltSkips?.[k] ?? 0;
      this.haltIcount[k] = s.haltIcount?.[k] ?? -1;
      this.exitPending[k] = s.exitPending?.[k] ?? false;
    }
    this.hostConsole = s.hostConsole ?? '';
    this.hostUartLine = s.hostUartLine ?? '';
  }

  // ------------------------------------------------------------------------------------ the run loop

  /** Runs guests until `maxInstructions` guest instructions retire (or a guest is caught in an exception loop), or
   * nothing can run any more. */
  run(maxInstructions: number): HypervisorStopReason {
    try {
      return this.runLoop(maxInstructions);
    } finally {
      // Whoever looks at the machine next (the UI, a snapshot, a test) sees every VM exit's host state loaded.
      this.settleHostStates();
    }
  }

  /** Completes the host-state loads VM exits left pending (vmx/exit.ts `deferHostState`). */
  private settleHostStates(): void {
    for (const c of this.cpus) settleHostState(c);
  }

  private runLoop(maxInstructions: number): HypervisorStopReason {
    if (this.handlePendingExits()) return 'yield';
    const start = this.totalInstructions();
    // Steps in a row that retired no guest instruction: halted vCPUs whose device events keep coming but never
    // wake them (e.g. a timer whose IRQ the guest masked). Time would advance for ever with the instruction budget
    // untouched, so after this many the machine is idle as far as anyone can tell.
    let stalled = 0;
    let last = start;
    for (;;) {
      if (!this.anyVmCanRun()) {
        this.flushHostUart();
        return 'all-stopped';
      }
      const now = this.totalInstructions();
      const budget = maxInstructions - (now - start);
      // A guest in an exception loop that retires nothing (a handler that faults again, on a stack that never runs
      // out) ends at the limit too, rather than spinning in delivery for ever (Cpu.abortedInsns).
      if (budget <= 0 || this.inExceptionLoop(budget)) return 'limit';
      stalled = now === last ? stalled + 1 : 0;
      last = now;
      if (stalled > STALLED_STEPS) {
        this.flushHostUart();
        return 'idle';
      }
      const p = this.pickPcpu();
      if (p < 0) {
        this.flushHostUart();
        return 'idle';
      }
      this.step(p, budget);
      if (this.yieldRequested()) return 'yield';
    }
  }

  /**
   * The handlers of VM exits the last run stopped after (`exitPending`), one step each; true when a trace sink
   * asked to stop again (after the handler's event). A VM stopped in between (killed by the user at the exit)
   * gets no handler: its VMCS is cleared as after any exit that ends a VM.
   */
  private handlePendingExits(): boolean {
    for (let p = 0; p < this.cpus.length; p++) {
      if (!this.exitPending[p]) continue;
      this.exitPending[p] = false;
      const v = this.active[p];
      if (v === null) continue;
      if (v.vm.state === VmState.CRASHED || v.vm.state === VmState.STOPPED) {
        vmclear(this.cpus[p], v.vmcs, 0);
        this.active[p] = null;
        continue;
      }
      this.handleExit(p, v);
      if (this.yieldRequested()) return true;
    }
    return false;
  }

  /** A trace sink asked every processor to stop after an event (see Cpu.yieldRequested). */
  private yieldRequested(): boolean {
    for (const c of this.cpus) if (c.yieldRequested) return true;
    return false;
  }

  /** Some processor delivered `limit` faults (at least 1024) in a row without retiring an instruction (see `run`). */
  private inExceptionLoop(limit: number): boolean {
    for (const c of this.cpus) if (c.exceptionLoop(limit)) return true;
    return false;
  }

  totalInstructions(): number {
    let n = 0;
    for (const c of this.cpus) n += c.icount;
    return n;
  }

  private vmCanRun(vm: Vm): boolean {
    return vm.state === VmState.RUNNING || vm.state === VmState.HALTED;
  }

  /** Some VM can still run (a loop rather than `every` with a closure: this runs once per scheduling step). */
  private anyVmCanRun(): boolean {
    for (let k = 0; k < this.vms.length; k++) if (this.vmCanRun(this.vms[k])) return true;
    return false;
  }

  private pickPcpu(): number {
    let best = -1;
    for (let k = 0; k < this.cpus.length; k++) {
      if (this.idleForever[k]) continue;
      if (best < 0 || this.cpus[k].cycles < this.cpus[best].cycles) best = k;
    }
    return best;
  }

  /** One scheduling step on physical CPU `p`. */
  private step(p: number, budget: number): void {
    const c = this.cpus[p];
    const hostPc = this.hostPcs[p];
    hostPc.bus.advance(c.cycles);
    if (c.vmx.nonRoot) {
      const v = this.active[p]!;
      c.deviceDeadline = hostPc.bus.nextEventCached(c.cycles);
      const stop = c.run(c.cycles + QUANTUM, budget);
      this.afterRun(p, v, stop);
      return;
    }
    const v = this.pickVcpu(p);
    if (v === null) {
      this.idle(p);
      return;
    }
    if (!this.enter(p, v)) return;
    if (c.exitedToHost) {
      this.afterRun(p, v, RunStop.VMEXIT);
      return;
    }
    // The host timer (armed for the next virtual-device event or the end of the slice) must fire on time.
    c.deviceDeadline = hostPc.bus.nextEventAt(c.cycles);
    const stop = c.run(c.cycles + QUANTUM, budget);
    this.afterRun(p, v, stop);
  }

  private afterRun(p: number, v: VCpu, stop: RunStop): void {
    const c = this.cpus[p];
    this.hostPcs[p].bus.advance(c.cycles);
    if (stop === RunStop.VMEXIT || (c.exitedToHost && !c.vmx.nonRoot)) {
      c.exitedToHost = false;
      // Stopping after the VMEXIT event: the handler is the next step (`exitPending`).
      if (c.yieldRequested) this.exitPending[p] = true;
      else this.handleExit(p, v);
    } else if (stop === RunStop.SHUTDOWN) {
      this.crashVm(v.vm, c.vmxAbortCode !== 0 ? t('vmm.stop.vmxAbort', { code: c.vmxAbortCode }) : t('vmm.stop.shutdown'));
      c.activity = 0;
    } else if (stop === RunStop.HALTED && c.vmx.nonRoot) {
      this.haltedInGuest(p, v);
    }
  }

  /**
   * The guest executed HLT without "HLT exiting" (settings): the processor sits in the HLT activity state in VMX
   * non-root operation and only an event that causes a VM exit gives the VMM control back (SDM Vol. 3C §25.2,
   * §27.1): the VMX-preemption timer or the host timer's interrupt (external-interrupt exiting), both armed for the
   * VM's next virtual-device event by `armDeadline`. Simulated time skips to the earlier of them; the next run
   * recognises it and exits. When nothing can ever cause a VM exit (no deadline armed — the preemption timer's
   * 2^32−1 is the VMM's "never" — or the host interrupt controller no longer delivers), the vCPU is halted for good.
   */
  private haltedInGuest(p: number, v: VCpu): void {
    const c = this.cpus[p];
    const hostPc = this.hostPcs[p];
    let next = hostPc.bus.nextEventAt(c.cycles);
    if (c.vmx.preemptionTimer && v.lastTimerValue !== 0xffffffff) next = Math.min(next, c.vmx.preemptionDeadline);
    // The count restarts whenever the guest made progress (or a VM exit happened: handleExit resets it).
    if (c.icount !== this.haltIcount[p]) this.haltSkips[p] = 0;
    this.haltIcount[p] = c.icount;
    if (next !== Infinity && this.haltSkips[p] < HALT_SKIP_LIMIT) {
      this.haltSkips[p]++;
      // Time spent halted is idle time, not the guest's: the exit that ends the wait takes it out of the guest's share.
      if (next > c.cycles) v.haltedSinceEntry += next - c.cycles;
      c.cycles = Math.max(c.cycles, next);
      return;
    }
    this.haltSkips[p] = 0;
    v.halted = true;
    v.haltedIfClear = true;
    this.trace.text(EventKind.VMM_LOG, c.cycles, v.vm.id, t('vmm.stop.haltedForever', { name: v.vm.config.name, vcpu: v.id, cpu: p }));
    this.idleForever[p] = true;
    const vm = v.vm;
    if (vm.state === VmState.RUNNING && vm.vcpus.every((o) => o.halted)) {
      vm.state = VmState.HALTED;
      vm.flushUart();
      this.trace.emit(EventKind.VM_STATE, c.cycles, vm.id, VmState.HALTED, 0, 0, 0, 0, 0, 0);
    }
  }

  /** vCPUs assigned to each physical CPU (rebuilt when VMs are created). */
  private readonly assigned: VCpu[][] = [];

  /** The vCPU to run on `p`: the current one until its slice ends, then round robin over runnable vCPUs. */
  private pickVcpu(p: number): VCpu | null {
    const c = this.cpus[p];
    const cur = this.active[p];
    // Fast path: the current vCPU keeps the processor until it halts, yields or its slice ends.
    if (cur !== null && !cur.halted && !cur.yielded && cur.vm.state === VmState.RUNNING && c.cycles - this.sliceStart[p] < this.sliceFor(p)) {
      return cur;
    }
    const mine = this.assigned[p] ?? [];
    let any = false;
    for (const v of mine) {
      if (v.vm.state !== VmState.RUNNING && v.vm.state !== VmState.HALTED) continue;
      any = true;
      this.tryWake(v, c.cycles);
    }
    if (!any) return null;
    if (this.schedulerPolicy !== null) return this.pickByPolicy(p, mine);
    const n = mine.length;
    for (let k = 1; k <= n; k++) {
      const idx = (this.rr[p] + k) % n;
      const v = mine[idx];
      if (!v.halted && (v.vm.state === VmState.RUNNING)) {
        this.rr[p] = idx;
        this.sliceStart[p] = c.cycles;
        v.yielded = false;
        return v;
      }
    }
    return null;
  }

  /** Length of the current slice on `p`: the fixed round-robin slice, or what the scheduler policy gave. */
  private sliceFor(p: number): number {
    return this.schedulerPolicy === null ? this.sliceCycles : (this.policySlice[p] ?? this.sliceCycles);
  }

  /**
   * The scheduler policy's turn on `p`: charge the vCPU that just gave up the processor for the cycles it held it,
   * then ask for the next vCPU and its slice. A policy may leave the processor idle although vCPUs are runnable
   * (a cap parked them): simulated time then skips to the policy's time or to the next wake-up of a halted vCPU.
   */
  private pickByPolicy(p: number, mine: readonly VCpu[]): VCpu | null {
    const c = this.cpus[p];
    const policy = this.schedulerPolicy!;
    const ran = this.policyRan[p];
    if (ran !== null && ran !== undefined) {
      policy.charge(p, ran, c.cycles - this.sliceStart[p], c.cycles);
      this.policyRan[p] = null;
    }
    for (;;) {
      const runnable: VCpu[] = [];
      const waiting: { vcpu: VCpu; wakeAt: number }[] = [];
      for (const v of mine) {
        if (v.vm.state === VmState.RUNNING && !v.halted) runnable.push(v);
        else if (this.vmCanRun(v.vm) && v.halted && !v.haltedIfClear && v.id === 0) waiting.push({ vcpu: v, wakeAt: v.vm.pc.bus.nextEventAt(c.cycles) });
      }
      if (runnable.length === 0) return null;
      const d = policy.pick(p, runnable, waiting, c.cycles);
      if (d.vcpu !== null) {
        this.sliceStart[p] = c.cycles;
        this.policySlice[p] = Math.max(1, d.slice);
        this.policyRan[p] = d.vcpu;
        d.vcpu.yielded = false;
        return d.vcpu;
      }
      let until = d.until;
      for (const w of waiting) until = Math.min(until, w.wakeAt);
      if (until === Infinity) return null;
      c.cycles = Math.max(c.cycles + 1, until);
      for (const v of mine) if (this.vmCanRun(v.vm)) this.tryWake(v, c.cycles);
    }
  }

  /** A halted vCPU wakes when its VM's interrupt controller has an interrupt it can take. */
  private tryWake(v: VCpu, now: number): void {
    if (!v.halted) return;
    v.vm.pc.bus.advance(now);
    if (v.id === 0 && !v.haltedIfClear && v.vm.pc.pic.hasInterrupt()) {
      v.halted = false;
      v.vm.state = VmState.RUNNING;
    }
  }

  /** Nothing runnable on `p`: skip simulated time to the next virtual-device event that could wake a vCPU. */
  private idle(p: number): void {
    const c = this.cpus[p];
    let next = Infinity;
    for (const vm of this.vms) {
      if (!this.vmCanRun(vm)) continue;
      for (const v of vm.vcpus) {
        if (v.pcpu !== p || !v.halted || v.haltedIfClear || v.id !== 0) continue;
        next = Math.min(next, vm.pc.bus.nextEventAt(c.cycles));
      }
    }
    if (next === Infinity) {
      this.idleForever[p] = true;
      for (const vm of this.vms) {
        if (vm.state === VmState.RUNNING && vm.vcpus.every((v) => v.halted)) {
          vm.state = VmState.HALTED;
          vm.flushUart();
          this.trace.emit(EventKind.VM_STATE, c.cycles, vm.id, VmState.HALTED, 0, 0, 0, 0, 0, 0);
        }
      }
      return;
    }
    c.cycles = Math.max(c.cycles + 1, next);
  }

  /** Loads the vCPU's VMCS and registers, prepares injection and timers, and executes VMLAUNCH/VMRESUME. */
  private enter(p: number, v: VCpu): boolean {
    const c = this.cpus[p];
    if (c.vmx.vmcsPtr !== v.vmcs) {
      if (vmptrld(c, v.vmcs, 0) !== VMX_SUCCEED) {
        this.crashVm(v.vm, t('vmm.stop.vmptrldFailed'));
        return false;
      }
      c.cycles += this.costs.vmread; // a VMCS switch (no separate figure: charged like one VMCS access)
    }
    this.active[p] = v;
    try {
      // General registers are the VMM's job (VM entry loads only RSP, RIP and RFLAGS from the VMCS).
      copyGprs(c.regs, v.gprs);
      v.vm.pc.bus.advance(c.cycles);
      this.prepareInjection(c, v);
      this.armDeadline(p, v);
    } catch (e) {
      this.crashVm(v.vm, t('vmm.stop.vmmError', { error: (e as Error).message }));
      return false;
    }
    const resume = launchState(c, v.vmcs) !== 0;
    const r = vmlaunch(c, resume);
    if (r !== VMX_SUCCEED) {
      // The instruction's outcome as the processor reports it: RFLAGS, the VM-instruction error field and the
      // VMFAIL trace event (the path a decoded VMLAUNCH takes).
      applyVmxResult(c, resume ? VmxInstruction.VMRESUME : VmxInstruction.VMLAUNCH, r);
      this.crashVm(v.vm, this.entryFailureMessage(c, v, resume ? 'VMRESUME' : 'VMLAUNCH', r));
      return false;
    }
    v.launched = true;
    v.entryCycle = c.cycles;
    v.haltedSinceEntry = 0;
    return true;
  }

  /**
   * Why VMLAUNCH/VMRESUME failed, for the VM's stop reason: the VM-instruction error (read back with VMREAD, as a
   * VMM does) and, for error 7, every control bit the model's capability MSRs forbid (controls-check.ts).
   */
  private entryFailureMessage(c: Cpu, v: VCpu, name: string, r: number): string {
    if (r < 0) return t('vmm.entry.failInvalid', { instruction: name });
    const error = vmr(c, F.VM_INSTRUCTION_ERROR);
    const head = t('vmm.entry.failValid', { instruction: name, error, description: vmInstructionErrorInfo(error)?.description ?? t('vmm.entry.unknownError') });
    if (error !== 7) return head;
    const plan = v.vm.plan;
    const words = {
      pin: vmr(c, F.PIN_BASED_VM_EXEC_CONTROL),
      primary: vmr(c, F.CPU_BASED_VM_EXEC_CONTROL),
      // Without secondary controls the field does not exist: what the VMM wanted to write is what was asked for.
      secondary: c.model.isVmcsFieldSupported(F.SECONDARY_VM_EXEC_CONTROL) ? vmr(c, F.SECONDARY_VM_EXEC_CONTROL) : plan.controls.secondary,
      exit: vmr(c, F.VM_EXIT_CONTROLS),
      entry: vmr(c, F.VM_ENTRY_CONTROLS),
    };
    const why = diagnoseControls(c.model, words);
    if (why.length === 0) return t('vmm.entry.otherControlCheck', { head });
    return t('vmm.entry.controlViolations', { head, violations: why.map((w) => w.message).join('; ') });
  }

  /** Event injection before VM entry (SDM Vol. 3C §26.6): a queued exception, or the virtual PIC's interrupt. */
  private prepareInjection(c: Cpu, v: VCpu): void {
    if (v.pendingEvent !== 0) {
      vmw(c, F.VM_ENTRY_INTR_INFO_FIELD, v.pendingEvent);
      if ((v.pendingEvent & 0x800) !== 0) vmw(c, F.VM_ENTRY_EXCEPTION_ERROR_CODE, v.pendingErrorCode);
      vmw(c, F.VM_ENTRY_INSTRUCTION_LEN, v.pendingLength);
      v.pendingEvent = 0;
      return;
    }
    if (v.id !== 0) return; // the legacy PIC interrupts the bootstrap processor only
    const pic = v.vm.pc.pic;
    if (!pic.hasInterrupt()) return;
    const proc = vmr(c, F.CPU_BASED_VM_EXEC_CONTROL);
    const rflags = vmr(c, F.GUEST_RFLAGS);
    const intr = vmr(c, F.GUEST_INTERRUPTIBILITY_INFO);
    if ((rflags & Flag.IF) !== 0 && (intr & 3) === 0) {
      const vector = pic.acknowledge();
      vmw(c, F.VM_ENTRY_INTR_INFO_FIELD, (0x80000000 | vector) | 0);
      this.stats.injectedInterrupts++;
      if ((proc & ProcBased.INTERRUPT_WINDOW_EXITING) !== 0) writeProcControls(c, v.vm, proc & ~ProcBased.INTERRUPT_WINDOW_EXITING);
    } else if ((proc & ProcBased.INTERRUPT_WINDOW_EXITING) === 0) {
      // Ask for a VM exit as soon as the guest can take the interrupt (SDM Vol. 3C §25.2).
      writeProcControls(c, v.vm, proc | ProcBased.INTERRUPT_WINDOW_EXITING);
    }
  }

  /**
   * The VMM must regain control at the VM's next virtual-timer event and at the end of the time slice:
   * with the VMX-preemption timer where the CPU has one, else with a one-shot of the host timer (whose
   * interrupt is an external-interrupt VM exit).
   */
  private armDeadline(p: number, v: VCpu): void {
    const c = this.cpus[p];
    let deadline = v.vm.pc.bus.nextEventCached(c.cycles);
    if (this.tickAlways || this.othersRunnable(p, v)) deadline = Math.min(deadline, this.sliceStart[p] + this.sliceFor(p));
    if ((v.vm.plan.controls.primary & ProcBased.HLT_EXITING) === 0) {
      // A guest that halts without exiting keeps the processor: wake the VMM for the other VMs' device events too,
      // so that their vCPUs on this processor are not starved.
      for (const vm of this.vms) {
        if (vm === v.vm || !this.vmCanRun(vm) || !vm.vcpus.some((o) => o.pcpu === p)) continue;
        deadline = Math.min(deadline, vm.pc.bus.nextEventAt(c.cycles));
      }
    }
    if (v.usesPreemptionTimer === -1) v.usesPreemptionTimer = (vmr(c, F.PIN_BASED_VM_EXEC_CONTROL) & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER) !== 0 ? 1 : 0;
    if (v.usesPreemptionTimer === 1) {
      if (deadline === Infinity && v.lastTimerValue === 0xffffffff) return;
      let value = 0xffffffff;
      if (deadline !== Infinity) {
        const rate = 2 ** preemptionRate(c);
        value = Math.max(0, Math.min(0xffffffff, Math.ceil((deadline - c.cycles - this.costs.vmEntry) / rate)));
      }
      // (A setting may ask for the timer on a model without it: there is no field to write, and VM entry fails with error 7.)
      vmwIfSupported(c, F.VMX_PREEMPTION_TIMER_VALUE, value | 0);
      v.lastTimerValue = value;
      return;
    }
    if (deadline !== Infinity) armHostTimer(this.hostPcs[p], c, deadline);
  }

  private othersRunnable(p: number, v: VCpu): boolean {
    for (const vm of this.vms) {
      if (vm.state !== VmState.RUNNING) continue;
      for (const o of vm.vcpus) if (o !== v && o.pcpu === p && !o.halted) return true;
    }
    return false;
  }

  /** EOI to the host PIC for the interrupt the processor acknowledged on exit (`acked` false: acknowledge it first). */
  acknowledgeHostInterrupt(c: Cpu, acked = true): void {
    const pc = this.hostPcs[c.id];
    if (!acked && pc.pic.hasInterrupt()) pc.pic.acknowledge();
    pc.bus.write(0x20, 1, 0x20, c.cycles);
  }

  /** Re-injects an event whose delivery the VM exit interrupted (IDT-vectoring information, SDM Vol. 3C §27.2.4). */
  reinjectVectoredEvent(c: Cpu, v: VCpu): void {
    const info = vmr(c, F.IDT_VECTORING_INFO_FIELD);
    if (info >= 0) return;
    v.pendingEvent = info & ~0x1000;
    v.pendingErrorCode = (info & 0x800) !== 0 ? vmr(c, F.IDT_VECTORING_ERROR_CODE) : 0;
    v.pendingLength = vmr(c, F.VM_EXIT_INSTRUCTION_LEN);
  }

  /** Dispatches a VM exit to its handler and accounts its cost. */
  private handleExit(p: number, v: VCpu): void {
    const c = this.cpus[p];
    const exitStart = c.cycles - this.costs.vmExit;
    const inGuest = Math.max(0, exitStart - v.entryCycle);
    const halted = Math.min(inGuest, v.haltedSinceEntry);
    v.guestCycles += inGuest - halted;
    v.haltedCycles += halted;
    v.haltedSinceEntry = 0;
    copyGprs(v.gprs, c.regs);
    const full = vmr(c, F.VM_EXIT_REASON);
    const basic = full & 0xffff;
    const handler = EXIT_HANDLERS[basic];
    const cost = this.costs.handler[basic] ?? this.costs.defaultHandler;
    c.cycles += cost;
    const t0 = c.cycles;
    this.haltSkips[p] = 0;
    try {
      if (handler === undefined) this.crashVm(v.vm, t('vmm.stop.unhandledExit', { reason: basic, name: exitReasonInfo(basic)?.shortName ?? t('vmm.stop.unknownName') }));
      else if (!this.livelocked(c, v, basic) && this.cr3Intact(c, v)) {
        if (this.beforeExitHandler !== null) this.beforeExitHandler(c, v, basic);
        handler(this, c, v);
        if ((v.vm.plan.controls.primary & ProcBased.HLT_EXITING) === 0 && v.vm.state === VmState.RUNNING) this.noticeGuestHalt(c, v);
      }
    } catch (e) {
      this.crashVm(v.vm, t('vmm.stop.vmmErrorInExit', { reason: basic, error: (e as Error).message }));
    }
    const handlerCycles = cost + (c.cycles - t0);
    this.stats.exits++;
    const idx = basic < v.vm.stats.count.length ? basic : v.vm.stats.count.length - 1;
    v.vm.stats.count[idx]++;
    v.vm.stats.cycles[idx] += this.costs.vmExit + handlerCycles + this.costs.vmEntry;
    v.rootCycles += this.costs.vmExit + handlerCycles + this.costs.vmEntry;
    this.trace.emit(EventKind.VMM_HANDLER, c.cycles, c.id, v.vm.id, basic, basic, handlerCycles, v.id, 0, 0);
    if (v.vm.state === VmState.CRASHED || v.vm.state === VmState.STOPPED) {
      vmclear(c, v.vmcs, 0);
      this.active[p] = null;
    }
  }

  /**
   * Without HLT exiting a guest halts in VMX non-root operation; the VM exit that ends the wait (preemption timer,
   * host interrupt) saves the HLT activity state (SDM Vol. 3C §27.3.4). The VMM then treats the vCPU as halted —
   * as if HLT had exited — and lets the scheduler wake it when its virtual interrupt arrives; the injection at VM
   * entry returns it to the active state (§26.6.1). With RFLAGS.IF = 0 only an NMI could wake it.
   */
  private noticeGuestHalt(c: Cpu, v: VCpu): void {
    if (vmr(c, F.GUEST_ACTIVITY_STATE) !== 1 || v.pendingEvent !== 0) return;
    v.halted = true;
    v.haltedIfClear = (vmr(c, F.GUEST_RFLAGS) & Flag.IF) === 0;
  }

  /** The livelock guard (`LIVELOCK_EXITS`): true when the VM was stopped. */
  private livelocked(c: Cpu, v: VCpu, basic: number): boolean {
    // A watchdog of the simulator, not VMM logic: it reads the saved guest RIP from the VMCS region directly
    // (no VMREAD, no simulated time). An instruction that exits counts as retired, hence the "≤ 1".
    const rip = vr(c, v.vmcs, VO.GUEST_RIP);
    if (basic === v.lastExitReason && rip === v.lastExitRip && c.icount - v.lastExitIcount <= 1) v.sameExits++;
    else v.sameExits = 0;
    v.lastExitReason = basic;
    v.lastExitRip = rip;
    v.lastExitIcount = c.icount;
    if (v.sameExits < LIVELOCK_EXITS) return false;
    const name = exitReasonInfo(basic)?.shortName ?? t('vmm.stop.reasonNumber', { reason: basic });
    this.crashVm(v.vm, t('vmm.stop.livelock', { count: LIVELOCK_EXITS, name, reason: basic, eip: (rip >>> 0).toString(16) }));
    return true;
  }

  /**
   * Shadow paging without CR3-load exiting (settings): the guest's MOV to CR3 put a guest-physical address into
   * the real CR3, which the processor walks as host-physical memory. The VMM sees it at the next VM exit and
   * stops the VM (it cannot undo what the guest did meanwhile). False when the VM was stopped.
   */
  private cr3Intact(c: Cpu, v: VCpu): boolean {
    if (v.shadow === null || (v.vm.plan.controls.primary & ProcBased.CR3_LOAD_EXITING) !== 0) return true;
    const real = vmr(c, F.GUEST_CR3);
    if (real === v.shadowPd) return true;
    this.crashVm(
      v.vm,
      t('vmm.stop.cr3Loaded', { cr3: (real >>> 0).toString(16) }),
    );
    return false;
  }

  /**
   * With VPID the processor keeps the guest's translations across VM exits and entries (SDM Vol. 3C §28.3.3.1), so
   * when the VMM emulates something that flushes translations on bare hardware (INVLPG, MOV to CR3, a paging-mode
   * change) — or changes its shadow page tables — it must invalidate them itself with INVVPID, as KVM does
   * (`vpid_sync_vcpu_addr` / `vpid_sync_context`). Without VPID every VM entry flushes them (VPID 0).
   * `lin` ≥ 0: one page (individual-address INVVPID where supported); otherwise the vCPU's whole context.
   */
  flushGuestTlb(c: Cpu, v: VCpu, lin = -1): void {
    const ctl = v.vm.plan.controls;
    if ((ctl.primary & ProcBased.ACTIVATE_SECONDARY_CONTROLS) === 0 || (ctl.secondary & ProcBased2.ENABLE_VPID) === 0) return;
    const vpid = v.vm.id * 8 + v.id + 1;
    const cap = c.model.capabilityMsr(0x48c)?.hi ?? 0;
    // IA32_VMX_EPT_VPID_CAP bits 40–42: individual-address, single-context, all-context INVVPID (SDM App. A.10).
    const type = lin >= 0 && (cap & (1 << 8)) !== 0 ? 0 : (cap & (1 << 9)) !== 0 ? 1 : 2;
    invvpid(c, type, type === 2 ? 0 : vpid, 0, lin >= 0 ? lin : 0, 0);
  }

  // ------------------------------------------------------------------------------------ control-register emulation

  /** MOV to CR0 / CLTS / LMSW as the guest sees it (read shadow) and as the processor runs it. False when #GP was injected. */
  setGuestCr0(c: Cpu, v: VCpu, value: number): boolean {
    const val = (value | Cr0.ET) | 0;
    if ((val & ~CR0_DEFINED) !== 0 || ((val & Cr0.PG) !== 0 && (val & Cr0.PE) === 0) || ((val & Cr0.NW) !== 0 && (val & Cr0.CD) === 0)) {
      injectException(v, Vec.GP, 0);
      return false;
    }
    const old = guestCr0(c);
    const cr4 = guestCr4(c);
    if ((val & Cr0.PG) !== 0 && (old & Cr0.PG) === 0 && (cr4 & Cr4.PAE) !== 0 && v.vm.mmu === 'shadow') {
      this.crashVm(v.vm, t('vmm.stop.paeNotShadowed'));
      return false;
    }
    // Enabling PAE paging loads the PDPTEs: reserved bits in a present one are #GP (SDM Vol. 3A §4.4.1).
    if ((val & Cr0.PG) !== 0 && (old & Cr0.PG) === 0 && (cr4 & Cr4.PAE) !== 0 && !this.pdptesValid(v, this.cr3AtPagingOn(c, v))) {
      injectException(v, Vec.GP, 0);
      return false;
    }
    vmw(c, F.CR0_READ_SHADOW, val);
    let real = (val | Cr0.NE) | 0;
    if (!v.unrestricted) real |= Cr0.PE | Cr0.PG;
    if (v.vm.mmu === 'shadow') real |= Cr0.WP;
    vmw(c, F.GUEST_CR0, real & ~(Cr0.CD | Cr0.NW));
    const pgOld = (old & Cr0.PG) !== 0;
    const pgNew = (val & Cr0.PG) !== 0;
    if (pgOld !== pgNew) this.pagingChanged(c, v, pgNew, cr4);
    else if (v.shadow !== null && pgNew && ((old ^ val) & Cr0.WP) !== 0) v.shadow.flush();
    // MOV to CR0 changing PG, PE or WP flushes the TLB (SDM Vol. 3A §4.10.4.1).
    if (((old ^ val) & (Cr0.PG | Cr0.PE | Cr0.WP)) !== 0) this.flushGuestTlb(c, v);
    return true;
  }

  private pagingChanged(c: Cpu, v: VCpu, on: boolean, cr4: number): void {
    if (v.shadow !== null) {
      if (on) v.shadow.flush();
      else v.shadow.identityMap();
      return;
    }
    if (v.unrestricted) return;
    // EPT without unrestricted guest: CR3 is virtualized only while guest paging is off.
    const proc = vmr(c, F.CPU_BASED_VM_EXEC_CONTROL);
    if (on) {
      v.guestCr3 = this.cr3AtPagingOn(c, v);
      vmw(c, F.GUEST_CR3, v.guestCr3);
      vmw(c, F.GUEST_CR4, cr4 | Cr4.VMXE);
      writeProcControls(c, v.vm, proc & ~(ProcBased.CR3_LOAD_EXITING | ProcBased.CR3_STORE_EXITING));
      v.cr3Virtualized = false;
      if ((cr4 & Cr4.PAE) !== 0) this.loadGuestPdptrs(c, v);
    } else {
      v.guestCr3 = vmr(c, F.GUEST_CR3);
      vmw(c, F.GUEST_CR3, v.vm.identityPdGpa);
      vmw(c, F.GUEST_CR4, cr4 | Cr4.VMXE | Cr4.PSE);
      writeProcControls(c, v.vm, proc | ProcBased.CR3_LOAD_EXITING | ProcBased.CR3_STORE_EXITING);
      v.cr3Virtualized = true;
    }
  }

  /**
   * The guest's CR3 when it turns paging on. EPT without unrestricted guest: the VMM's record while CR3 was
   * virtualized — unless CR3-load exiting was off (settings), in which case the guest's MOV to CR3 went to the real
   * CR3 (replacing the identity map), and that is its CR3.
   */
  private cr3AtPagingOn(c: Cpu, v: VCpu): number {
    if (!v.cr3Virtualized) return vmr(c, F.GUEST_CR3);
    if (v.shadow === null && (v.vm.plan.controls.primary & ProcBased.CR3_LOAD_EXITING) === 0) {
      const real = vmr(c, F.GUEST_CR3);
      if (real !== v.vm.identityPdGpa) return real;
    }
    return v.guestCr3;
  }

  /** SDM Vol. 3A §4.4.1: present PDPTEs must have bits 2:1, 8:5, 63 and those above MAXPHYADDR clear. */
  private pdptesValid(v: VCpu, cr3: number): boolean {
    if (v.vm.mmu !== 'ept') return true; // shadow paging does not shadow PAE (the VM is stopped instead)
    const base = (cr3 & 0xffffffe0) >>> 0;
    const w = this.model.maxPhysAddr;
    const rsvdHi = w >= 63 ? 0 : w <= 32 ? 0x7fffffff : 0x7fffffff & ~((1 << (w - 32)) - 1);
    for (let k = 0; k < 4; k++) {
      const lo = v.vm.mem.read32(base + 8 * k);
      const hi = v.vm.mem.read32(base + 8 * k + 4);
      if ((lo & 1) !== 0 && ((lo & 0x1e6) !== 0 || (hi & rsvdHi) !== 0 || hi < 0)) return false;
    }
    return true;
  }

  /** EPT guests with PAE paging: the PDPTEs come from the VMCS on VM entry, so the VMM reads them from guest memory. */
  private loadGuestPdptrs(c: Cpu, v: VCpu): void {
    const cr3 = vmr(c, F.GUEST_CR3) & 0xffffffe0;
    for (let k = 0; k < 4; k++) {
      vmw(c, F.GUEST_PDPTR0 + 2 * k, v.vm.mem.read32(cr3 + 8 * k));
      vmw(c, F.GUEST_PDPTR0 + 2 * k + 1, v.vm.mem.read32(cr3 + 8 * k + 4));
    }
  }

  /** MOV to CR3 (with CR3-load exiting). False when #GP was injected (PAE paging with invalid PDPTEs). */
  setGuestCr3(c: Cpu, v: VCpu, value: number): boolean {
    const pae = v.vm.mmu === 'ept' && !v.cr3Virtualized && (guestCr0(c) & Cr0.PG) !== 0 && (guestCr4(c) & Cr4.PAE) !== 0;
    if (pae && !this.pdptesValid(v, value)) {
      injectException(v, Vec.GP, 0);
      return false;
    }
    v.guestCr3 = value;
    if (v.shadow !== null && (guestCr0(c) & Cr0.PG) !== 0) v.shadow.flush();
    if (!v.cr3Virtualized) vmw(c, F.GUEST_CR3, value);
    if (pae) this.loadGuestPdptrs(c, v);
    this.flushGuestTlb(c, v); // MOV to CR3 flushes the (non-global) TLB entries
    return true;
  }

  setGuestCr4(c: Cpu, v: VCpu, value: number): boolean {
    // The guest sees no VMX (CPUID), so CR4.VMXE is reserved for it.
    const allowed = (Cr4.VME | Cr4.PVI | Cr4.TSD | Cr4.DE | Cr4.PSE | Cr4.PAE | Cr4.MCE | Cr4.PGE | Cr4.PCE | Cr4.OSFXSR | Cr4.OSXMMEXCPT | (this.model.features.xsave ? Cr4.OSXSAVE : 0)) | 0;
    if ((value & ~allowed) !== 0 || ((value & Cr4.PAE) !== 0 && !this.model.features.pae)) {
      injectException(v, Vec.GP, 0);
      return false;
    }
    const old = guestCr4(c);
    const cr0 = guestCr0(c);
    const paging = (cr0 & Cr0.PG) !== 0;
    if (v.vm.mmu === 'shadow' && paging && (value & Cr4.PAE) !== 0) {
      this.crashVm(v.vm, t('vmm.stop.paeNotShadowed'));
      return false;
    }
    if (paging && (value & Cr4.PAE) !== 0 && (old & Cr4.PAE) === 0 && !v.cr3Virtualized && !this.pdptesValid(v, vmr(c, F.GUEST_CR3))) {
      injectException(v, Vec.GP, 0); // SDM Vol. 3A §4.4.1
      return false;
    }
    vmw(c, F.CR4_READ_SHADOW, value);
    let real = (value | Cr4.VMXE) | 0;
    if (v.vm.mmu === 'shadow') real = ((real | Cr4.PSE) & ~Cr4.PAE) | 0;
    else if (!v.unrestricted && !paging) real |= Cr4.PSE;
    vmw(c, F.GUEST_CR4, real);
    if (v.shadow !== null && paging && ((old ^ value) & (Cr4.PSE | Cr4.PGE | Cr4.PAE)) !== 0) v.shadow.flush();
    if (((old ^ value) & (Cr4.PSE | Cr4.PGE | Cr4.PAE)) !== 0) this.flushGuestTlb(c, v); // SDM Vol. 3A §4.10.4.1
    if (v.vm.mmu === 'ept' && paging && (value & Cr4.PAE) !== 0 && !v.cr3Virtualized) this.loadGuestPdptrs(c, v);
    return true;
  }
}

/**
 * The eight general registers, element by element: the same result as `dst.set(src)`, without the builtin's call
 * overhead on every VM exit and entry.
 */
function copyGprs(dst: Int32Array, src: Int32Array): void {
  for (let k = 0; k < 8; k++) dst[k] = src[k];
}

// ------------------------------------------------------------------------------------ the host timer

/** Programs the host PIC like a PC BIOS/OS does: vectors 0x20/0x28, only IRQ0 (the host timer) unmasked. */
function initHostTimer(pc: LegacyPc): void {
  const w = (port: number, v: number): void => pc.bus.write(port, 1, v, 0);
  w(0x20, 0x11);
  w(0x21, 0x20);
  w(0x21, 0x04);
  w(0x21, 0x01);
  w(0xa0, 0x11);
  w(0xa1, 0x28);
  w(0xa1, 0x02);
  w(0xa1, 0x01);
  w(0x21, 0xfe);
  w(0xa1, 0xff);
}

/** One-shot (mode 0) of host PIT channel 0 so that IRQ0 fires at (or just after) `deadline`. */
function armHostTimer(pc: LegacyPc, c: Cpu, deadline: number): void {
  const hz = c.model.coreClockHz;
  const ticks = Math.max(1, Math.min(0xffff, Math.ceil(((deadline - c.cycles) * 1193182) / hz)));
  pc.bus.write(0x43, 1, 0x30, c.cycles);
  pc.bus.write(0x40, 1, ticks & 0xff, c.cycles);
  pc.bus.write(0x40, 1, (ticks >>> 8) & 0xff, c.cycles);
}

export { PAGE_DIRECTORY };
