/**
 * A session: one lab program running on one machine (the bare processor, or a guest under the built-in
 * VMM), built from a plain-data `SessionSpec`. It is what the timeline drives and what the worker, the
 * CLI and the tests share:
 *
 *  - `run(n)` runs at most n instructions and returns at the first stop point after any event (the trace
 *    sink asks the processor to yield), so the caller sees the simulation one event group at a time;
 *  - its whole state is plain data (`snapshot` / `restore`), memory kept apart so the timeline can share
 *    unchanged pages between snapshots;
 *  - `inspect()` describes the machine for the UI as plain data;
 *  - `intervene()` applies a user action (kill a VM, raise an NMI) at the current stop point.
 *
 * Deterministic: the same spec gives the same events and states, whatever the sizes of the runs.
 */
import { assemble } from '../x86/asm/index.ts';
import { getCpuModel, toProcessorModel, DEFAULT_CPU_MODEL_ID } from '../cpu-models/index.ts';
import { BareMachine, type BareSnapshot } from '../machine/bare.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import { applyCostsToCpu } from '../cost/model.ts';
import { GuestLab } from '../vmm/guest-lab.ts';
import { validateVmmSettings, type VmmSettings } from '../vmm/settings.ts';
import type { HypervisorSnapshot } from '../vmm/hypervisor.ts';
import { TrapAndEmulateVmm, type TrapAndEmulateSnapshot, type TrapAndEmulateStats } from '../techniques/deprivileged/index.ts';
import { BinaryTranslationVmm, type BinaryTranslationTcStats } from '../techniques/binary-translation/vmm.ts';
import type { TcListingEntry } from '../techniques/binary-translation/tc.ts';
import { ParavirtVmm, type ParavirtStats } from '../techniques/paravirt/vmm.ts';
import { paravirtPortOf } from '../techniques/paravirt/ports.ts';
import { END_REASONS, EventKind, VmState, VM_STATE_NAMES, type SessionEndReason } from '../trace/events.ts';
export { END_REASONS, type SessionEndReason };
import { NullSink, type TraceSink } from '../trace/sink.ts';
import { parseLabHeader, type LabMode } from '../lab/header.ts';
import { getScenario, loadScenarioSource, withMode, withParameter } from '../scenarios/index.ts';
import { scenarioParameters } from '../scenarios/parameters.ts';
import { registerDump, cpuRegisters, endRecord } from '../lab/run.ts';
import type { TraceRecord } from '../trace/json.ts';
import { exitReasonInfo } from '../vmx/spec/exit-reasons.ts';
import type { Cpu } from '../x86/cpu.ts';
import { labListing, type ListingRow } from '../lab/listing.ts';
import { VMCS_FIELDS } from '../vmx/spec/fields.ts';
import { launchState, slotOffset, VO, vr, vrHi } from '../vmx/vmcs.ts';
export type { ListingRow };
import type { PhysicalMemory } from '../x86/physical-memory.ts';
import { translationView, type TranslationRequest, type TranslationView } from './translation.ts';
// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import { t } from '../../i18n/t.ts';
import type { PhysReader } from '../vmx/ept-walk.ts';

/** What to run: plain data, so it can live in a URL and cross the worker boundary. */
export interface SessionSpec {
  /** Scenario id from the catalogue (src/core/scenarios). */
  scenario: string;
  /** CPU model id (src/core/cpu-models); the scenario's header default when absent. */
  cpu?: string;
  /** Seeds everything random in the machine (the RDRAND/RDSEED generator). */
  seed: number;
  /** Emit an event for every retired instruction (the instruction-level view). */
  insnEvents: boolean;
  /** Values for the `NAME equ value` parameters at the top of the program. */
  params?: Record<string, number>;
  /**
   * The user's own program (the guest editor), replacing the scenario's. `scenario` still names the preset
   * it started from; `params` do not apply. Its `; @mode` header chooses bare or guest.
   */
  source?: string;
  /**
   * Run the program on this platform instead of the one its `; @mode` header names: 'bare' or 'guest' (the
   * header's values), or 'swvmm' — the program as the guest of the software-only VMM (ring deprivileging,
   * trap and emulate; src/core/techniques/deprivileged). 'swvmm' exists only here, not in the header: a lab
   * file's header names the platform it was written for, and any guest program runs unchanged on either VMM.
   */
  mode?: SessionMode;
  /**
   * The built-in VT-x VMM's settings (which guest operations exit, the raw control bits; src/core/vmm/settings.ts),
   * applied on top of its defaults and written to the VMCS as given, so a control the CPU model's capability MSRs
   * forbid makes VMLAUNCH fail with VMfailValid(7) (SDM Vol. 3C §26.2.1.1). They apply to the guest platform only:
   * on the bare processor (native) there is no VMM and they are kept but not used.
   */
  settings?: VmmSettings;
}

/**
 * The platform a session runs on: the bare processor, a guest of the VT-x VMM, or a guest of the software VMM
 * (the white paper's Figure 2: the VMM in ring 0, the guest kernel deprivileged to ring 1, §3.1).
 */
export type SessionMode = LabMode | 'swvmm' | SoftwareTechniqueMode;

/**
 * The two other software-only techniques (issue 5), on the same ring-deprivileging machine as 'swvmm':
 * 'bt' — the binary-translating VMM (src/core/techniques/binary-translation: the guest kernel's code runs from
 * the translation cache, sensitive instructions replaced by callouts); 'pv' — the paravirtual VMM
 * (src/core/techniques/paravirt: hypercalls). On 'pv' a catalogue program with a port (paravirt/ports.ts) runs
 * as ported; any other program, and the user's own, runs as written — and an unmodified kernel is crashed at
 * its first privileged instruction, as Xen crashes it.
 */
export type SoftwareTechniqueMode = 'bt' | 'pv';

/** Longest program text a spec may carry (a lab file is a few hundred lines). */
export const MAX_SOURCE_CHARS = 200_000;

export interface SpecError {
  /** Which part of the spec is wrong ('scenario', 'cpu', 'params.NAME', 'settings', or 'program' for assembly errors). */
  field: string;
  message: string;
  line?: number;
  column?: number;
}


export type RunResult = 'yield' | 'limit' | 'ended';

/** A user action applied to the running machine; recorded on the timeline so a replay applies it again. */
export type Intervention =
  | { kind: 'kill-vm'; vm: number }
  | { kind: 'nmi' };

/** A VMCS's fields as [full encoding, low 32 bits, high 32 bits] (plain data for the worker boundary). */
export interface VmcsSnapshot {
  /** Physical address of the VMCS region. */
  ptr: number;
  /** Launch state "launched" (SDM Vol. 3C §24.1). */
  launched: boolean;
  /** It is the processor's current VMCS. */
  current: boolean;
  fields: [number, number, number][];
}

export interface SessionSnapshot {
  machine: BareSnapshot | HypervisorSnapshot | TrapAndEmulateSnapshot;
  ended: SessionEndReason | null;
}

export interface VmView {
  id: number;
  name: string;
  state: string;
  message: string;
  console: string;
  exits: number;
  exitsByReason: { reason: number; name: string; count: number }[];
  /** Cycles the guest ran in VMX non-root operation (not halted). */
  guestCycles: number;
  /** Cycles of VM exits, their handlers and VM entries. */
  vmmCycles: number;
  /** Cycles the guest sat halted in VMX non-root operation (without HLT exiting): idle, counted in neither. */
  haltedCycles: number;
}

/** The machine as the UI shows it (plain data). */
export interface MachineView {
  mode: SessionMode;
  cpuModel: string;
  cycle: number;
  instret: number;
  cpl: number;
  vmx: 'none' | 'root' | 'non-root';
  /** The program's registers (the guest's, in guest mode), as 8-digit hex strings. */
  registers: Record<string, string>;
  vms: VmView[];
  /** Console text (bare mode: COM1; guest mode: VM 0's console). */
  console: string;
  ended: SessionEndReason | null;
  /** Linear address of the program's next instruction (see Session.currentPc). */
  pc: number;
  /** The processor's real CPL (the VMM's ring while it runs; `cpl` is the program's view). */
  hostCpl: number;
  /** The software VMM's counters (swvmm, bt and pv modes): traps by cause, emulated instructions, cycles. */
  swvmm?: TrapAndEmulateStats;
  /** The binary translator's counters (bt mode): translations, TC hits and misses, callouts, their cycles. */
  bt?: BinaryTranslationTcStats;
  /** The paravirtual VMM's counters (pv mode): hypercalls by name, their cycles, page-table updates. */
  pv?: Pick<ParavirtStats, 'hypercalls' | 'hypercallsByName' | 'hypercallCycles' | 'pageTableUpdates' | 'pageTableUpdatesRejected' | 'int80Direct' | 'state'> & {
    /** The program runs as ported to hypercalls (a catalogue port), not as written. */
    ported: boolean;
    /** The port's file (guest/paravirt/…), when it runs one. */
    portFile: string | null;
  };
}

type Machine = { kind: 'bare'; m: BareMachine } | { kind: 'guest'; lab: GuestLab } | { kind: 'swvmm'; vmm: TrapAndEmulateVmm };

/** Checks a spec and resolves its program; errors name the field at fault. */
export function resolveSpec(spec: SessionSpec): { ok: true; source: string; mode: SessionMode; cpu: string; settings?: VmmSettings; portFile?: string } | { ok: false; errors: SpecError[] } {
  const errors: SpecError[] = [];
  const sc = getScenario(spec.scenario);
  if (sc === undefined) return { ok: false, errors: [{ field: 'scenario', message: t('session.spec.unknownScenario', { scenario: String(spec.scenario) }) }] };
  if (spec.source !== undefined) {
    if (typeof spec.source !== 'string' || spec.source.length > MAX_SOURCE_CHARS) {
      return { ok: false, errors: [{ field: 'source', message: t('session.spec.sourceTooLong', { max: MAX_SOURCE_CHARS.toLocaleString('en-US') }) }] };
    }
  }
  // The paravirtual platform runs a preset's port when it has one (paravirt/ports.ts); the port keeps the
  // original's parameter lines, so the same `params` apply to it.
  const port = spec.mode === 'pv' && spec.source === undefined ? paravirtPortOf(sc.id) : null;
  let source = spec.source ?? port?.source ?? loadScenarioSource(sc.id)!;
  if (spec.source !== undefined && spec.params !== undefined && Object.keys(spec.params).length > 0) {
    errors.push({ field: 'params', message: t('session.spec.paramsPresetOnly') });
  }
  const known = scenarioParameters(sc.id);
  for (const [name, value] of Object.entries(spec.source === undefined ? (spec.params ?? {}) : {})) {
    const p = known.find((k) => k.name === name);
    if (p === undefined) {
      const message =
        known.length > 0
          ? t('session.spec.noSuchParameter', { scenario: sc.id, name, list: known.map((k) => k.name).join(', ') })
          : t('session.spec.noSuchParameterNone', { scenario: sc.id, name });
      errors.push({ field: `params.${name}`, message });
      continue;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      errors.push({ field: `params.${name}`, message: t('session.spec.parameterNotWhole', { name, value: String(value) }) });
      continue;
    }
    if (value < p.min || value > p.max) {
      errors.push({ field: `params.${name}`, message: t('session.spec.parameterOutOfRange', { name, min: p.min, max: p.max, description: p.description, value }) });
      continue;
    }
    source = withParameter(source, name, value) ?? source;
  }
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > 0xffffffff) {
    errors.push({ field: 'seed', message: t('session.spec.seedInvalid', { value: String(spec.seed) }) });
  }
  if (spec.mode !== undefined) {
    if (spec.mode !== 'bare' && spec.mode !== 'guest' && spec.mode !== 'swvmm' && spec.mode !== 'bt' && spec.mode !== 'pv') errors.push({ field: 'mode', message: t('session.spec.unknownPlatform', { mode: String(spec.mode) }) });
    // The software VMMs ignore the header's mode (the program is their guest), so the text stays as written.
    else if (spec.mode === 'bare' || spec.mode === 'guest') source = withMode(source, spec.mode);
  }
  const header = parseLabHeader(source);
  if (!header.ok) {
    for (const e of header.errors) errors.push({ field: 'program', message: e.message, line: e.line, column: e.column });
    return { ok: false, errors };
  }
  // VMM settings from a link or a form are untrusted: checked and normalised here (settings.ts).
  let settings: VmmSettings | undefined;
  if (spec.settings !== undefined) {
    const v = validateVmmSettings(spec.settings);
    if (v.ok) settings = v.settings;
    else for (const e of v.errors) errors.push({ field: 'settings', message: e.field === '' ? e.message : t('session.spec.vmmSetting', { field: e.field, message: e.message }) });
  }
  let cpu = header.header.cpu ?? DEFAULT_CPU_MODEL_ID;
  if (spec.cpu !== undefined) {
    if (getCpuModel(spec.cpu) === undefined) errors.push({ field: 'cpu', message: t('session.spec.unknownCpu', { cpu: String(spec.cpu) }) });
    else cpu = getCpuModel(spec.cpu)!.id;
  }
  if (errors.length > 0) return { ok: false, errors };
  const software = spec.mode === 'swvmm' || spec.mode === 'bt' || spec.mode === 'pv';
  return { ok: true, source, mode: software ? spec.mode! : header.header.mode, cpu, ...(settings !== undefined ? { settings } : {}), ...(port !== null ? { portFile: port.file } : {}) };
}

export class Session {
  readonly spec: SessionSpec;
  readonly mode: SessionMode;
  readonly cpuModel: string;
  private readonly machine: Machine;
  private readonly cpus: Cpu[];
  readonly memory: PhysicalMemory;
  ended: SessionEndReason | null = null;
  /** The program text that was assembled (the scenario's with its parameters, or the user's). */
  source = '';
  /** Where the program starts. */
  entry = 0;
  /** The paravirtual port run instead of the preset (pv mode), if any. */
  portFile: string | null = null;

  private constructor(spec: SessionSpec, mode: SessionMode, cpuModel: string, machine: Machine, private readonly trace: TraceSink) {
    this.spec = spec;
    this.mode = mode;
    this.cpuModel = cpuModel;
    this.machine = machine;
    this.cpus = machine.kind === 'bare' ? [machine.m.cpu] : machine.kind === 'swvmm' ? [machine.vmm.cpu] : machine.lab.hv.cpus;
    this.memory = machine.kind === 'bare' ? machine.m.mem : machine.kind === 'swvmm' ? machine.vmm.mem : machine.lab.hv.mem;
  }

  /**
   * Builds the machine for `spec`, reporting events to `trace`. The sink is expected to set
   * `yieldRequested` on the processors (see `YieldingSink`) so that `run` returns after every event.
   */
  static create(spec: SessionSpec, trace: TraceSink): { ok: true; session: Session } | { ok: false; errors: SpecError[] } {
    const r = resolveSpec(spec);
    if (!r.ok) return r;
    const asm = assemble(r.source, { origin: PROGRAM_BASE });
    if (!asm.ok) {
      return { ok: false, errors: asm.errors.map((e) => ({ field: 'program', message: e.message, line: e.line, column: e.column })) };
    }
    const model = toProcessorModel(getCpuModel(r.cpu)!);
    let machine: Machine;
    if (r.mode === 'bare') {
      const m = new BareMachine({ model, trace });
      applyCostsToCpu(m.cpu, model.id);
      m.load(asm.bytes, asm.origin, asm.entry);
      machine = { kind: 'bare', m };
    } else if (r.mode === 'swvmm' || r.mode === 'bt' || r.mode === 'pv') {
      // The program is the guest, deprivileged: its kernel at ring 1 under a VMM at ring 0 (vmm.ts). The VMM
      // charges guest instructions the model's native costs and each trap its round trip (costs.ts). The
      // binary translator and the paravirtual VMM extend that VMM (same machine, same snapshot shape), so they
      // share its machine slot here; their defaults are their costs.ts assumptions.
      const vmm = r.mode === 'bt' ? new BinaryTranslationVmm({ model, trace }) : r.mode === 'pv' ? new ParavirtVmm({ model, trace }) : new TrapAndEmulateVmm({ model, trace });
      vmm.load(asm.bytes, asm.origin, asm.entry);
      machine = { kind: 'swvmm', vmm };
    } else {
      // The VMM settings apply here only: the guest platform's VMM writes them to the VMCS (native has no VMM).
      const lab = new GuestLab({ model, trace, ...(r.settings !== undefined ? { settings: r.settings } : {}) });
      lab.loadProgram(asm.bytes, asm.origin, asm.entry);
      machine = { kind: 'guest', lab };
    }
    const s = new Session(spec, r.mode, r.cpu, machine, trace);
    s.source = r.source;
    s.entry = asm.entry;
    s.portFile = r.portFile ?? null;
    // The seed drives the only source of randomness a program can see: RDRAND / RDSEED (xorshift32, never 0).
    for (const c of s.cpus) {
      c.rngState = (spec.seed ^ 0x2545f491 ^ Math.imul(c.id + 1, 0x9e3779b9)) | 0 || 0x2545f491;
      c.traceRetire = spec.insnEvents;
    }
    return { ok: true, session: s };
  }

  /** Instructions retired on all processors. */
  get instret(): number {
    let n = 0;
    for (const c of this.cpus) n += c.icount;
    return n;
  }

  /** Simulated cycles: the furthest processor. */
  get cycle(): number {
    let t = 0;
    for (const c of this.cpus) t = Math.max(t, c.cycles);
    return t;
  }

  /** Asks every processor to stop at the next stop point (called by the trace sink on every event). */
  requestYield(): void {
    for (const c of this.cpus) {
      c.yieldRequested = true;
      c.stop = 1;
    }
  }

  private clearYield(): void {
    for (const c of this.cpus) c.yieldRequested = false;
  }

  /**
   * Runs until `maxInstructions` retire (`limit`), an event happened (`yield`: stopped at the next stop
   * point after it), or the run is over (`ended`, with `this.ended` set).
   */
  run(maxInstructions: number): RunResult {
    if (this.ended !== null) return 'ended';
    this.clearYield();
    let result: RunResult;
    if (this.machine.kind === 'bare') {
      const m = this.machine.m;
      const out = m.run(maxInstructions);
      if (out.reason === 'yield') result = 'yield';
      else if (out.reason === 'limit') result = 'limit';
      else {
        this.ended = out.reason;
        result = 'ended';
      }
    } else if (this.machine.kind === 'swvmm') {
      const vmm = this.machine.vmm;
      const out = vmm.run(maxInstructions);
      // The paravirtual guest ends with sched_op(shutdown): a power-off, not the VM crash the base VMM reports.
      const reason = vmm instanceof ParavirtVmm ? vmm.sessionEndReason(out.reason) : out.reason;
      if (reason === 'yield') result = 'yield';
      else if (reason === 'limit') result = 'limit';
      else {
        this.ended = reason;
        result = 'ended';
      }
    } else {
      const lab = this.machine.lab;
      const r = lab.hv.run(maxInstructions);
      if (r === 'yield') result = 'yield';
      else if (r === 'limit') result = 'limit';
      else {
        for (const vm of lab.hv.vms) vm.flushUart();
        const vm = lab.hv.vms[0];
        this.ended =
          vm === undefined ? 'all-stopped'
          : vm.state === VmState.CRASHED ? (vm.stopReason.startsWith('triple fault') ? 'triple-fault' : 'vm-crash')
          : vm.state === VmState.STOPPED ? 'poweroff'
          : 'halted';
        result = 'ended';
      }
    }
    if (result === 'ended') {
      const c = this.cpus[0];
      this.trace.emit(EventKind.END, this.cycle, END_REASONS.indexOf(this.ended!), c.id, 0, 0, 0, 0, 0, 0);
    }
    this.clearYield();
    return result;
  }

  /** Applies a user action now. Returns an error message when the action does not apply to this machine. */
  intervene(action: Intervention): string | null {
    if (this.ended !== null) return t('session.action.runOver');
    if (action.kind === 'kill-vm') {
      if (this.machine.kind === 'swvmm') {
        // The software VMM runs one guest, VM 0: killing it is the VMM stopping it, as it does a guest it cannot run.
        if (action.vm !== 0) return t('session.action.noSuchVm', { vm: String(action.vm) });
        if (this.machine.vmm.status !== 'running') return t('session.action.vmNotRunning', { vm: 0 });
        this.machine.vmm.crash(t('session.action.killedByUser'));
        return null;
      }
      if (this.machine.kind !== 'guest') return t('session.action.noVmOnBare');
      const vm = this.machine.lab.hv.vms.find((v) => v.id === action.vm);
      if (vm === undefined) return t('session.action.noSuchVm', { vm: String(action.vm) });
      if (vm.state === VmState.CRASHED || vm.state === VmState.STOPPED) return t('session.action.vmNotRunning', { vm: String(action.vm) });
      this.machine.lab.hv.crashVm(vm, t('session.action.killedByUser'));
      return null;
    }
    if (action.kind === 'nmi') {
      if (this.machine.kind === 'swvmm') return t('session.action.nmiBareOnlySoftwareVmm');
      if (this.machine.kind !== 'bare') return t('session.action.nmiBareOnly');
      this.machine.m.cpu.nmiPending = true;
      this.machine.m.cpu.stop = 1;
      return null;
    }
    return t('session.action.unknown');
  }

  /** The machine state without memory (the caller keeps memory images). */
  snapshot(): SessionSnapshot {
    this.syncDevices();
    const machine = this.machine.kind === 'bare' ? this.machine.m.snapshot(false) : this.machine.kind === 'swvmm' ? this.machine.vmm.snapshot(false) : this.machine.lab.hv.snapshot(false);
    return { machine, ended: this.ended };
  }

  /** Advances every device to the current time, so the state is the same whichever stops led here. */
  private syncDevices(): void {
    if (this.machine.kind === 'bare') {
      this.machine.m.pc.sync(this.machine.m.cpu.cycles);
      return;
    }
    if (this.machine.kind === 'swvmm') {
      this.machine.vmm.pc.sync(this.machine.vmm.cpu.cycles);
      return;
    }
    const hv = this.machine.lab.hv;
    hv.cpus.forEach((c, k) => hv.hostPcs[k].sync(c.cycles));
    for (const vm of hv.vms) vm.pc.sync(hv.cpus[vm.vcpus[0]?.pcpu ?? 0].cycles);
  }

  /** Restores a snapshot of this session; memory must have been restored by the caller first. */
  restore(s: SessionSnapshot): void {
    if (this.machine.kind === 'bare') {
      if (s.machine.kind !== 'bare') throw new TypeError('not a snapshot of a bare machine');
      this.machine.m.restore(s.machine);
      this.machine.m.cpu.invalidateDecodeCache();
    } else if (this.machine.kind === 'swvmm') {
      if (s.machine.kind !== 'trap-and-emulate') throw new TypeError('not a snapshot of the software VMM');
      this.machine.vmm.restore(s.machine);
    } else {
      if (s.machine.kind !== 'hypervisor') throw new TypeError('not a snapshot of a hypervisor');
      this.machine.lab.hv.restore(s.machine);
      this.machine.lab.vm = this.machine.lab.hv.vms[0];
    }
    this.ended = s.ended;
    this.clearYield();
  }

  /**
   * The binary translator's translation cache now (bt mode; null on any other platform): each translation with
   * the guest's original bytes and instructions next to what runs instead (src/core/techniques/binary-translation/tc.ts).
   */
  translationCache(): TcListingEntry[] | null {
    return this.machine.kind === 'swvmm' && this.machine.vmm instanceof BinaryTranslationVmm ? this.machine.vmm.translationCache() : null;
  }

  /** The program's listing (address, bytes, disassembly, source line) for the code panel. */
  listing(): ListingRow[] {
    const r = labListing(this.source);
    return r.ok ? r.rows : [];
  }

  /**
   * The linear address of the next instruction the program executes: the guest's, in guest mode (live in
   * the processor in VMX non-root operation, else GUEST_RIP + GUEST_CS_BASE saved by the last VM exit).
   */
  currentPc(): number {
    const c = this.cpus[0];
    // Under the software VMM the guest's code runs on the processor itself (the VMM's emulation happens inside a trap).
    if (this.machine.kind !== 'guest' || c.vmx.nonRoot) return (c.segBase[1] + c.eip) >>> 0;
    const v = this.machine.lab.vm.vcpus[0];
    return (vr(c, v.vmcs, VO.GUEST_CS_BASE) + vr(c, v.vmcs, VO.GUEST_RIP)) >>> 0;
  }

  /**
   * The current VMCS as raw field values (every field the CPU model supports), read from the VMCS region in
   * memory: the VMM's vCPU in guest mode, the program's current VMCS in bare mode (null when there is none).
   */
  vmcs(): VmcsSnapshot | null {
    const c = this.cpus[0];
    // No VMCS without VMX: the software VMM keeps the guest's state in its own structures (state.ts).
    if (this.machine.kind === 'swvmm') return null;
    const ptr = this.machine.kind === 'guest' ? this.machine.lab.vm.vcpus[0]?.vmcs ?? -1 : c.vmx.vmcsPtr;
    if (ptr === undefined || ptr === -1) return null;
    const fields: VmcsSnapshot['fields'] = [];
    for (let slot = 0; slot < VMCS_FIELDS.length; slot++) {
      const f = VMCS_FIELDS[slot];
      if (c.model.vmcsSlotSupported[slot] !== 1) continue;
      const off = slotOffset(slot);
      fields.push([f.encoding, vr(c, ptr, off) >>> 0, f.width === 64 ? vrHi(c, ptr, off) >>> 0 : 0]);
    }
    return { ptr: ptr >>> 0, launched: launchState(c, ptr) !== 0, current: c.vmx.vmcsPtr === ptr, fields };
  }

  /**
   * How an address translates now under the VMCS's EPT (the Engineer view's EPT walk, session/translation.ts;
   * SDM Vol. 3C §28.2): the last EPT-violation exit's address, the guest's next instruction, or a typed address.
   * `eptAtExit` holds the EPT paging structures as they were at the exit (timeline/translation-at.ts).
   */
  translation(req: TranslationRequest, eptAtExit?: PhysReader): TranslationView {
    const c = this.cpus[0];
    const ptr = this.machine.kind === 'guest' ? this.machine.lab.vm.vcpus[0]?.vmcs ?? -1 : this.machine.kind === 'swvmm' ? -1 : c.vmx.vmcsPtr;
    return translationView({ cpu: c, vmcsPtr: ptr, mode: this.mode, cpuModel: this.cpuModel, pc: this.currentPc() }, req, eptAtExit);
  }

  /**
   * The JSON trace's last record for the run up to here (docs/trace-format.md `end`), as `npm run lab -- run` writes
   * it: the reason the run ended, or `limit` when an export is made before the end; the program's registers; the
   * mode's statistics.
   */
  endRecord(): TraceRecord {
    const reason = this.ended ?? 'limit';
    if (this.machine.kind === 'bare') {
      const c = this.machine.m.cpu;
      const end = endRecord(reason, cpuRegisters(c), this.instret);
      end.mode = 'bare';
      end.vmx = c.vmx.nonRoot ? 'non-root' : c.vmx.on ? 'root' : 'none';
      if (reason === 'unhandled-exception') {
        end.vector = c.unhandledVector;
        end.errorCode = c.unhandledErrorCode < 0 ? null : c.unhandledErrorCode;
      }
      if (reason === 'vmx-abort') end.vmxAbort = c.vmxAbortCode;
      return end;
    }
    if (this.machine.kind === 'swvmm') {
      const end = endRecord(reason, this.machine.vmm.guestRegisters(), this.instret);
      end.mode = this.mode;
      return end;
    }
    const lab = this.machine.lab;
    const end = endRecord(reason, lab.guestRegisters(), this.instret);
    end.mode = 'guest';
    Object.assign(end, lab.statistics());
    return end;
  }

  inspect(): MachineView {
    const c = this.cpus[0];
    const base = {
      mode: this.mode,
      cpuModel: this.cpuModel,
      cycle: this.cycle,
      instret: this.instret,
      ended: this.ended,
      pc: this.currentPc(),
      hostCpl: this.cpus[0].cpl,
    };
    if (this.machine.kind === 'bare') {
      const m = this.machine.m;
      return {
        ...base,
        cpl: c.cpl,
        vmx: c.vmx.nonRoot ? 'non-root' : c.vmx.on ? 'root' : 'none',
        registers: registerDump(cpuRegisters(c)),
        vms: [],
        console: m.consoleText,
      };
    }
    if (this.machine.kind === 'swvmm') {
      // The guest's registers as it believes them to be (virtual CPL 0 for its kernel, virtual IF/IOPL, CRs);
      // `hostCpl` (above) is the real ring: 1 for the deprivileged kernel, 3 for its applications.
      const vmm = this.machine.vmm;
      const regs = vmm.guestRegisters();
      const st = vmm.stats();
      const technique = techniqueStats(vmm, this.portFile);
      const vm: VmView = {
        id: 0,
        name: 'guest',
        state: st.state === 'running' ? (this.ended === 'halted' ? 'halted' : 'running') : this.ended === 'poweroff' ? 'stopped' : 'crashed',
        message: st.message ?? '',
        console: vmm.consoleText,
        exits: 0,
        exitsByReason: [],
        guestCycles: st.guestCycles,
        vmmCycles: st.vmmCycles,
        haltedCycles: 0,
      };
      return {
        ...base,
        cpl: regs.cpl,
        vmx: 'none',
        registers: registerDump(regs),
        vms: [vm],
        console: vmm.consoleText,
        swvmm: st,
        ...technique,
      };
    }
    const lab = this.machine.lab;
    const regs = lab.guestRegisters();
    const vms: VmView[] = lab.hv.vms.map((vm) => {
      const exitsByReason: VmView['exitsByReason'] = [];
      vm.stats.count.forEach((n, reason) => {
        if (n > 0) exitsByReason.push({ reason, name: exitReasonInfo(reason)?.shortName ?? `reason ${reason}`, count: n });
      });
      let guestCycles = 0;
      let vmmCycles = 0;
      let haltedCycles = 0;
      for (const v of vm.vcpus) {
        guestCycles += v.guestCycles;
        vmmCycles += v.rootCycles;
        haltedCycles += v.haltedCycles;
      }
      return {
        id: vm.id,
        name: vm.config.name,
        state: VM_STATE_NAMES[vm.state],
        message: vm.stopReason,
        console: vm.console + vm.uartLine,
        exits: exitsByReason.reduce((a, e) => a + e.count, 0),
        exitsByReason,
        guestCycles,
        vmmCycles,
        haltedCycles,
      };
    });
    return {
      ...base,
      cpl: regs.cpl,
      vmx: c.vmx.nonRoot ? 'non-root' : c.vmx.on ? 'root' : 'none',
      registers: registerDump(regs),
      vms,
      console: vms[0]?.console ?? '',
    };
  }
}

/** The binary translator's or the paravirtual VMM's own counters for MachineView (empty for trap-and-emulate). */
function techniqueStats(vmm: TrapAndEmulateVmm, portFile: string | null): Pick<MachineView, 'bt' | 'pv'> {
  if (vmm instanceof BinaryTranslationVmm) return { bt: vmm.stats().bt };
  if (vmm instanceof ParavirtVmm) {
    const p = vmm.pvStats();
    return {
      pv: {
        hypercalls: p.hypercalls, hypercallsByName: p.hypercallsByName, hypercallCycles: p.hypercallCycles, pageTableUpdates: p.pageTableUpdates,
        pageTableUpdatesRejected: p.pageTableUpdatesRejected, int80Direct: p.int80Direct, state: p.state, ported: portFile !== null, portFile,
      },
    };
  }
  return {};
}

/** The same program on one CPU model, run to its end (for the CPU model comparison). */
export interface ModelRun {
  cpu: string;
  ended: SessionEndReason | 'limit';
  cycles: number;
  instructions: number;
  exits: number;
  exitsByReason: { reason: number; name: string; count: number }[];
  guestCycles: number;
  vmmCycles: number;
}

/** Runs `spec` headless on CPU model `cpu` to its end (or `maxInstructions`), without events. */
export function runOnModel(spec: SessionSpec, cpu: string, maxInstructions = 200_000_000): ModelRun | { error: string } {
  const r = Session.create({ ...spec, cpu, insnEvents: false }, new NullSink());
  if (!r.ok) return { error: r.errors.map((e) => e.message).join('; ') };
  const s = r.session;
  while (s.ended === null && s.instret < maxInstructions) s.run(Math.min(10_000_000, maxInstructions - s.instret));
  const v = s.inspect();
  const vm = v.vms[0];
  return {
    cpu: s.cpuModel,
    ended: s.ended ?? 'limit',
    cycles: v.cycle,
    instructions: v.instret,
    exits: vm?.exits ?? 0,
    exitsByReason: vm?.exitsByReason ?? [],
    guestCycles: vm?.guestCycles ?? v.cycle,
    vmmCycles: vm?.vmmCycles ?? 0,
  };
}

/** What the program printed on one platform, run to its end (for the sensitive-instruction comparison). */
export interface PlatformRunResult {
  mode: SessionMode;
  ended: SessionEndReason | 'limit';
  console: string;
}

/** Runs `spec` headless on platform `mode` (native, VT-x guest or software-VMM guest) to its end, without events. */
export function runOnPlatform(spec: SessionSpec, mode: SessionMode, maxInstructions = 50_000_000): PlatformRunResult | { error: string } {
  const r = Session.create({ ...spec, mode, insnEvents: false }, new NullSink());
  if (!r.ok) return { error: r.errors.map((e) => e.message).join('; ') };
  const s = r.session;
  while (s.ended === null && s.instret < maxInstructions) s.run(Math.min(10_000_000, maxInstructions - s.instret));
  return { mode, ended: s.ended ?? 'limit', console: s.inspect().console };
}
