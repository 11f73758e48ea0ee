/**
 * The virtualized platform: one host, one physical CPU in VMX root operation (src/core/vmm/hypervisor.ts), three
 * VMs — firewall, SIP PBX, streaming server — each running its guest program (programs.ts) in VMX non-root
 * operation with 4 MiB of guest-physical memory. Round-robin time slices; the VMM regains control at the end of
 * each slice with the VMX-preemption timer, or with the host timer's external interrupt on CPUs without one.
 *
 * On top of the VMM's own exit handling (a triple fault or an access outside the VM's memory stops the VM in the
 * handler, src/core/vmm/exits.ts) this module is the VMM's management layer: it runs when the VMM has control —
 * at a VM exit, never in the middle of guest code — and
 *  - notices a vCPU that halted with interrupts off (a panicked kernel: nothing can wake it),
 *  - counts the virtual interrupts it injects into each VM and stops a VM whose rate stays above a threshold (an
 *    interrupt storm; ACRN's device model watches for the same thing — INTR_STORM_THRESHOLD, 100 000 interrupts
 *    per 10-s period — and delays injection instead: github.com/projectacrn/acrn-hypervisor commit 99ed5469),
 *  - runs a watchdog on each VM's heartbeat (the service's progress counter, which the VMM reads from guest
 *    memory — a paravirtual heartbeat; a real VMM would use a virtual watchdog device such as QEMU's i6300esb),
 *  - contains the failed VM (stops it: its vCPU is never scheduled again) and restarts it by policy.
 *
 * Deterministic: no clocks, no randomness; simulated time is the physical CPU's cycle counter.
 */
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { guestCostsFor } from '../cost/model.ts';
import { assemble } from '../x86/asm/index.ts';
import { EventKind, VmState } from '../trace/events.ts';
import type { TraceSink } from '../trace/sink.ts';
import { exitReasonInfo } from '../vmx/spec/exit-reasons.ts';
import { decodeExitQualification } from '../vmx/spec/formats/qualification.ts';
import { VO, vr } from '../vmx/vmcs.ts';
import { GUEST_AREA_START } from '../vmm/host.ts';
import { Hypervisor } from '../vmm/hypervisor.ts';
import type { Vm } from '../vmm/vm.ts';
import { FAULTS } from './faults.ts';
import { decideRestart, describePolicy } from './policy.ts';
import { FAULT_CODE, GUEST_STATE, PROGRAM_ORIGIN, SERVICE_IDS, SERVICES, STATE_MAILBOX, STATE_PROGRESS, VM_MEMORY_BYTES, guestProgram, type ServiceId } from './programs.ts';
import type { ExitReport, IsolationEvent, IsolationParams, LaneState, ProgressSample, VirtualizedRun } from './types.ts';
import { t } from '../../i18n/t.ts';
import '../../i18n/en/partition.ts';

/** Room on the lab host for this many VMs created by restarts (each restart is a fresh VM with fresh memory). */
export const MAX_RESTARTS_PER_RUN = 6;
/** The storm monitor judges a rate only from this many injected interrupts on (a model choice). */
export const STORM_MIN_IRQS = 5;
/** Samples per run (the progress lanes' resolution). */
export const SAMPLES_PER_RUN = 200;

interface LastExit {
  cycle: number;
  reason: number;
  qualification: number;
  guestEip: number;
  gpa: number;
}

/** Watches VM exits (trace VMEXIT events) and asks the processor to stop after a handler when a check is due. */
class ExitProbe implements TraceSink {
  readonly last = new Map<number, LastExit>();
  /** Exits by VMCS pointer and basic reason. */
  readonly counts = new Map<number, Map<number, number>>();
  /** External interrupts injected at VM entry, by VMCS pointer (VMENTRY p4: VM-entry interruption information). */
  readonly injected = new Map<number, number>();
  yieldAt = Infinity;
  hv: Hypervisor | null = null;
  emit(kind: EventKind, cycle: number, _p0: number, p1: number, p2: number, p3: number, p4: number, p5: number, p6: number): void {
    if (kind === EventKind.VMENTRY) {
      // Valid (bit 31) and type 0 = external interrupt (bits 10:8), SDM Vol. 3C §24.8.3.
      if ((p4 >>> 31) === 1 && ((p4 >>> 8) & 7) === 0) this.injected.set(p3, (this.injected.get(p3) ?? 0) + 1);
    } else if (kind === EventKind.VMEXIT) {
      const reason = p1 & 0xffff;
      // The guest-physical-address field (0x2400) is written on EPT violations and misconfigurations (SDM Vol. 3C §27.2.1).
      const gpa = reason === 48 && this.hv !== null ? vr(this.hv.cpus[0], p6, VO.GUEST_PHYSICAL_ADDRESS) >>> 0 : -1;
      this.last.set(p6, { cycle, reason, qualification: p2 >>> 0, guestEip: p5 >>> 0, gpa });
      let m = this.counts.get(p6);
      if (m === undefined) this.counts.set(p6, (m = new Map()));
      m.set(reason, (m.get(reason) ?? 0) + 1);
    } else if (kind === EventKind.VMM_HANDLER && cycle >= this.yieldAt && this.hv !== null) {
      // The VMM has control (a handler just ran): let the management layer run its checks now.
      this.hv.cpus[0].yieldRequested = true;
    }
  }
  text(): void {}
}

export function exitReport(e: LastExit, clockHz: number): ExitReport {
  const d = decodeExitQualification(e.reason, e.qualification);
  return {
    reason: e.reason,
    name: exitReasonInfo(e.reason)?.sdmName ?? `reason ${e.reason}`,
    qualification: e.qualification,
    qualificationSummary: d.summary,
    qualificationParts: d.parts.map((p) => ({ name: p.name, bits: p.bits, value: p.value, meaning: p.meaning })),
    guestPhysical: e.gpa >= 0 ? e.gpa : null,
    guestEip: e.guestEip,
    tMs: (1000 * e.cycle) / clockHz,
  };
}

const IMAGES = new Map<ServiceId, { bytes: Uint8Array; entry: number }>();
/** The assembled guest image of a service (assembled once per worker). */
export function guestImage(s: ServiceId): { bytes: Uint8Array; entry: number } {
  const known = IMAGES.get(s);
  if (known !== undefined) return known;
  const a = assemble(guestProgram(s), { origin: PROGRAM_ORIGIN });
  if (!a.ok) throw new Error(`guest program for ${s} does not assemble: ${JSON.stringify(a.errors.slice(0, 3))}`);
  const img = { bytes: a.bytes, entry: a.entry };
  IMAGES.set(s, img);
  return img;
}

interface Slot {
  service: ServiceId;
  vm: Vm | null;
  /** Progress of earlier incarnations. */
  base: number;
  restarts: number;
  state: LaneState;
  lastBeat: number;
  lastBeatAt: number;
  restartAt: number;
  /** Cycle at which the fault is (next) injected into this slot; Infinity = none. */
  faultAt: number;
  faultInjectedAt: number;
  /** Exit counts of the current VM at injection (to report the exits during the fault). */
  countsAtInjection: Map<number, number>;
  console: string;
  /** (cycle, interrupts injected so far, the vCPU's CPU time so far) at recent checks: the storm monitor's window. */
  irqWindow: [number, number, number][];
}

/** Runs the three VMs for the params' duration, with the fault (or none) injected into the target. */
export function runVirtualized(p: IsolationParams): VirtualizedRun {
  const cm = getCpuModel(p.cpu);
  if (cm === undefined) throw new RangeError(`unknown CPU model '${p.cpu}'`);
  const model = toProcessorModel(cm);
  const hz = model.coreClockHz;
  const cyc = (ms: number): number => Math.round((ms * hz) / 1000);
  const ms = (cycles: number): number => (1000 * cycles) / hz;
  const probe = new ExitProbe();
  const hv = new Hypervisor(model, {
    hostMemoryBytes: GUEST_AREA_START + (SERVICE_IDS.length + MAX_RESTARTS_PER_RUN) * VM_MEMORY_BYTES,
    costs: guestCostsFor(model.id),
    sliceCycles: cyc(p.sliceMs),
    trace: probe,
  });
  probe.hv = hv;
  hv.tickAlways = true;
  const cpu = hv.cpus[0];
  const events: IsolationEvent[] = [];
  const end = cyc(p.durationMs);
  const watchdog = cyc(p.watchdogMs);
  let vmsCreated = 0;

  const boot = (s: Slot): void => {
    const img = guestImage(s.service);
    const info = SERVICES[s.service];
    const vm = hv.createVm({ name: `${info.tag}${s.restarts > 0 ? `-r${s.restarts}` : ''}`, memoryBytes: VM_MEMORY_BYTES, vcpus: 1 }, img.entry);
    vm.mem.load(PROGRAM_ORIGIN, img.bytes);
    hv.cache.clear();
    vmsCreated++;
    s.vm = vm;
    s.state = 'running';
    s.lastBeat = 0;
    s.lastBeatAt = cpu.cycles;
    s.irqWindow = [];
  };

  const slots: Slot[] = SERVICE_IDS.map((service) => ({
    service,
    vm: null,
    base: 0,
    restarts: 0,
    state: 'running',
    lastBeat: 0,
    lastBeatAt: 0,
    restartAt: Infinity,
    faultAt: p.fault !== 'none' && service === p.target ? cyc(p.faultAtMs) : Infinity,
    faultInjectedAt: -1,
    countsAtInjection: new Map(),
    console: '',
    irqWindow: [],
  }));
  slots.forEach(boot);

  const progressOf = (s: Slot): number => s.base + (s.vm !== null ? s.vm.mem.read32(GUEST_STATE + STATE_PROGRESS) >>> 0 : 0);
  const samples: ProgressSample[] = [];
  const sampleEvery = end / SAMPLES_PER_RUN;
  let nextSample = 0;
  const sample = (now: number): void => {
    samples.push({ t: ms(now), progress: slots.map(progressOf), state: slots.map((s) => s.state) });
  };
  let exitsDuringFault: Record<number, number> = {};

  const vcpuCounts = (vm: Vm): Map<number, number> => probe.counts.get(vm.vcpus[0].vmcs) ?? new Map();

  /** The failed VM: report, contain, decide. */
  const fail = (s: Slot, k: number, now: number, how: 'exit' | 'watchdog' | 'storm', why: string): void => {
    const vm = s.vm!;
    const last = probe.last.get(vm.vcpus[0].vmcs);
    const exit = last !== undefined ? exitReport(last, hz) : undefined;
    const name = `VM${k + 1} (${SERVICES[s.service].label})`;
    if (s.faultInjectedAt >= 0) {
      const before = s.countsAtInjection;
      const during: Record<number, number> = {};
      for (const [r, n] of vcpuCounts(vm)) if (n - (before.get(r) ?? 0) > 0) during[r] = n - (before.get(r) ?? 0);
      exitsDuringFault = during;
    }
    if (how === 'exit' && exit !== undefined) {
      events.push({ tMs: exit.tMs, lane: k, kind: 'vm-exit', text: t('partition.virtualized.vmExit', { name, reason: exit.reason, name2: exit.name, why }), exit });
    } else {
      events.push({ tMs: ms(now), lane: k, kind: how === 'storm' ? 'storm' : 'watchdog', text: `${name}: ${how === 'storm' ? t('partition.virtualized.stormMonitor') : t('partition.virtualized.watchdog')} — ${why}`, ...(exit !== undefined ? { exit } : {}) });
    }
    if (vm.state !== VmState.CRASHED) hv.crashVm(vm, why);
    s.base += vm.mem.read32(GUEST_STATE + STATE_PROGRESS) >>> 0;
    s.console += vm.console;
    s.vm = null;
    s.state = 'failed';
    s.faultInjectedAt = -1;
    events.push({
      tMs: ms(now),
      lane: k,
      kind: 'contained',
      text: t('partition.virtualized.vmmMarkedFailedAnd', { name }),
    });
    const d = decideRestart(p.policy, s.restarts);
    if (d.restart && vmsCreated - SERVICE_IDS.length < MAX_RESTARTS_PER_RUN) {
      s.restartAt = now + cyc(p.restartDelayMs);
      s.state = 'restarting';
      events.push({ tMs: ms(now), lane: k, kind: 'restart-scheduled', text: t('partition.virtualized.restartPolicyRestartOf', { describePolicy: describePolicy(p.policy), attempt: d.attempt, name, restartDelayMs: p.restartDelayMs }) });
    } else {
      s.state = 'off';
      const whyOff = d.restart ? t('partition.virtualized.noRoomOnThe', { maxRestartsPerRun: MAX_RESTARTS_PER_RUN }) : d.why;
      events.push({ tMs: ms(now), lane: k, kind: 'stays-off', text: `${name}: ${whyOff}` });
    }
  };

  const check = (now: number): void => {
    slots.forEach((s, k) => {
      const vm = s.vm;
      if (vm === null) {
        if (s.state === 'restarting' && now >= s.restartAt) {
          s.restarts++;
          s.console += t('partition.virtualized.vmRestartedRestart', { restarts: s.restarts });
          boot(s);
          if (p.recurring && p.fault !== 'none' && s.service === p.target) s.faultAt = now + cyc(p.faultAtMs);
          events.push({ tMs: ms(now), lane: k, kind: 'restarted', text: t('partition.virtualized.vmRestartedAFresh', { vm: k + 1, label: SERVICES[s.service].label, recurring: p.recurring ? t('partition.virtualized.theBugWillHit', { faultAtMs: p.faultAtMs }) : '' }) });
        }
        return;
      }
      if (now >= s.faultAt && s.faultInjectedAt < 0 && p.fault !== 'none') {
        vm.mem.write32(GUEST_STATE + STATE_MAILBOX, FAULT_CODE[p.fault]);
        s.faultInjectedAt = now;
        s.faultAt = Infinity;
        s.countsAtInjection = new Map(vcpuCounts(vm));
        events.push({ tMs: ms(now), lane: k, kind: 'fault-injected', text: `VM${k + 1} (${SERVICES[s.service].label}) ${FAULTS[p.fault].does}` });
      }
      const v = vm.vcpus[0];
      if (vm.state === VmState.CRASHED) {
        fail(s, k, now, 'exit', `${vm.stopReason}`);
        return;
      }
      if (v.halted && v.haltedIfClear) {
        fail(s, k, now, 'exit', t('partition.virtualized.theGuestExecutedHlt'));
        return;
      }
      // Interrupt-storm monitor: virtual interrupts injected into this VM per second over the last watchdog window.
      // The rate is per second of the VM's own CPU time (guest + VMM time on its behalf), so sharing the processor
      // with other VMs does not dilute it.
      const irqs = probe.injected.get(v.vmcs) ?? 0;
      const used = v.guestCycles + v.rootCycles;
      s.irqWindow.push([now, irqs, used]);
      // Window: the last watchdog-timeout's worth of the VM's CPU time; at least STORM_MIN_IRQS to judge a rate.
      while (s.irqWindow.length > 1 && s.irqWindow[1][2] <= used - watchdog) s.irqWindow.shift();
      const [t0, n0, u0] = s.irqWindow[0];
      if (irqs - n0 >= STORM_MIN_IRQS && used > u0) {
        const rate = ((irqs - n0) * hz) / (used - u0);
        if (rate > p.stormPerSecond) {
          fail(s, k, now, 'storm', t('partition.virtualized.interruptStormVirtualInterrupts', { irqs: irqs - n0, cpuMs: ms(used - u0).toFixed(3), windowMs: ms(now - t0).toFixed(2), rate: Math.round(rate).toLocaleString('en-US'), threshold: p.stormPerSecond.toLocaleString('en-US') }));
          return;
        }
      }
      const beat = vm.mem.read32(GUEST_STATE + STATE_PROGRESS) >>> 0;
      if (beat !== s.lastBeat) {
        s.lastBeat = beat;
        s.lastBeatAt = now;
      } else if (now - s.lastBeatAt >= watchdog) {
        fail(s, k, now, 'watchdog', t('partition.virtualized.noHeartbeatForMs', { sinceMs: ms(now - s.lastBeatAt).toFixed(2), watchdogMs: p.watchdogMs }));
      }
    });
    if (now >= nextSample) {
      sample(now);
      while (nextSample <= now) nextSample += sampleEvery;
    }
  };

  sample(0);
  nextSample = sampleEvery;
  while (cpu.cycles < end) {
    // Checks at the first VM exit after the next due time: the sample grid, an injection or a restart.
    let due = Math.min(nextSample, end);
    for (const s of slots) due = Math.min(due, s.faultAt, s.state === 'restarting' ? s.restartAt : Infinity);
    probe.yieldAt = due;
    const r = hv.run(Number.MAX_SAFE_INTEGER);
    cpu.yieldRequested = false;
    if (r === 'all-stopped' || r === 'idle') {
      // Nothing can run (every VM stopped): simulated time moves on to the next check.
      cpu.cycles = Math.max(cpu.cycles, due);
    }
    check(Math.min(cpu.cycles, end));
  }
  if (samples[samples.length - 1].t < p.durationMs) sample(end);
  const exitsByReason = slots.map(() => ({}) as Record<number, number>);
  for (const vm of hv.vms) {
    const k = SERVICE_IDS.findIndex((s) => SERVICES[s].tag === vm.config.name.split('-')[0]);
    vm.stats.count.forEach((n, reason) => {
      if (n > 0) exitsByReason[k][reason] = (exitsByReason[k][reason] ?? 0) + n;
    });
  }
  return {
    samples,
    events,
    consoles: slots.map((s) => s.console + (s.vm !== null ? s.vm.console : '')),
    exitsByReason,
    exitsDuringFault,
    restarts: slots.map((s) => s.restarts),
    final: slots.map((s) => s.state),
    tickExit: model.features.preemptionTimer ? 52 : 1,
    ept: hv.vms[0].ept !== null,
    instructions: hv.totalInstructions(),
  };
}
