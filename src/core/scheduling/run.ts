/**
 * The Resources experiment, executed on the VMX core: one physical CPU in VMX root operation
 * (src/core/vmm/hypervisor.ts) runs four VMs — SIP PBX, firewall, streaming server (periodic guests that sleep with
 * HLT between units of work) and, when switched on, a noisy neighbour that never sleeps — under either
 *  - the VMM's built-in **round robin** (no shares: every runnable vCPU gets the same fixed slice in turn), or
 *  - the **credit scheduler** (credit.ts: weights, caps, wake-up boost) plugged in through `schedulerPolicy`.
 * Either way the VMM ends a slice with the VMX-preemption timer (pin-based control bit 6; it counts down once every
 * 2^X TSC cycles, X = IA32_VMX_MISC bits 4:0, SDM Vol. 3C §25.5.1; at 0 a VM exit with reason 52) and the schedule
 * below is read from the VM entries and exits the core traced.
 *
 * The PBX's added latency is measured, not modelled: each voice packet is due at its virtual PIT tick (every
 * packetization interval); its scheduling delay is the time from that tick until the VMM enters the PBX's vCPU with
 * the timer interrupt injected (SDM Vol. 3C §26.6 event injection). Ticks that arrive while an earlier one is still
 * pending merge in the virtual 8259 (one IRR bit): those packets are missed.
 *
 * **Time compression (an assumption, labelled in the UI):** simulating seconds of a 2+ GHz CPU instruction by
 * instruction is too slow for a browser, so every period, slice and amount of work is divided by `timeScale` and
 * times are multiplied back for display. The ratios that decide the schedule are preserved; VM exit and entry costs
 * are not scaled, so they weigh `timeScale` times more than on real hardware.
 *
 * Deterministic: no clocks or randomness; simulated time is the processor's cycle counter.
 */
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { guestCostsFor } from '../cost/model.ts';
import { ASSUMPTIONS } from '../cost/figures.ts';
import { EventKind } from '../trace/events.ts';
import type { TraceSink } from '../trace/sink.ts';
import { assemble } from '../x86/asm/index.ts';
import { GUEST_AREA_START } from '../vmm/host.ts';
import { Hypervisor } from '../vmm/hypervisor.ts';
import { preemptionRate } from '../vmx/exit.ts';
import type { Vm } from '../vmm/vm.ts';
import { CreditScheduler, XEN_DEFAULT_TSLICE_MS, XEN_DEFAULT_WEIGHT, XEN_MAX_WEIGHT, XEN_MIN_WEIGHT, type VmShare } from './credit.ts';
import { entitledShares } from './entitlement.ts';
import { admitMemory, MIB } from './memory.ts';
import { COUNTERS, PIT_HZ, PROGRAM_ORIGIN, TIMER_VECTOR, noisyProgram, periodicProgram, pitDivisor } from './programs.ts';
import { RESOURCE_VM_IDS, RESOURCE_VM_LABELS, type PbxLatency, type ResourceVmId, type ResourcesParams, type ResourcesResult, type Slice, type Verdict, type VmCpu } from './types.ts';
import { t } from '../../i18n/t.ts';
import '../../i18n/en/partition.ts';

/** ITU-T G.114 (05/2003): one-way mouth-to-ear delay up to 150 ms is acceptable for most user applications; above 400 ms unacceptable. */
export const G114_ACCEPTABLE_MS = 150;
export const G114_UNACCEPTABLE_MS = 400;
/** G.114 Appendix II (from Y.1541 App. X): reference terminals contribute 80 ms in total with 20-ms packets. */
export const G114_TERMINALS_MS = 80;
/** RFC 3551 §4.5, Table 1: default packetization interval of G.711 (PCMU/PCMA) is 20 ms. */
export const RFC3551_PACKET_MS = 20;

export const RESOURCES_DEFAULTS: ResourcesParams = {
  cpu: 'modern',
  scheduler: 'round-robin',
  boost: true,
  noisy: false,
  tsliceMs: XEN_DEFAULT_TSLICE_MS,
  durationMs: 400,
  timeScale: 100,
  packetMs: RFC3551_PACKET_MS,
  // Model assumptions (the UI labels them and lets the user change them):
  pbxWorkMs: 2,
  firewallPeriodMs: 10,
  firewallWorkMs: 1,
  streamingPeriodMs: 40,
  streamingWorkMs: 8,
  terminalDelayMs: G114_TERMINALS_MS,
  networkDelayMs: 20,
  hostMemoryMiB: 32,
  vms: {
    pbx: { weight: XEN_DEFAULT_WEIGHT, capPercent: 0, memoryMiB: 4 },
    firewall: { weight: XEN_DEFAULT_WEIGHT, capPercent: 0, memoryMiB: 4 },
    streaming: { weight: XEN_DEFAULT_WEIGHT, capPercent: 0, memoryMiB: 8 },
    noisy: { weight: XEN_DEFAULT_WEIGHT, capPercent: 0, memoryMiB: 8 },
  },
};

/** The VMM's own memory below the guest area (src/core/vmm/host.ts GUEST_AREA_START). */
export const VMM_RESERVED_MIB = GUEST_AREA_START / MIB;

export type Check = { ok: true } | { ok: false; field: string; message: string };

/** Validates parameters; the field names match the UI's inputs. */
export function checkResourcesParams(p: ResourcesParams): Check {
  const num = (field: string, v: number, lo: number, hi: number, what: string): Check =>
    Number.isFinite(v) && v >= lo && v <= hi ? { ok: true } : { ok: false, field, message: t('partition.schedRun.mustBeBetweenAnd', { what, lo, hi }) };
  if (getCpuModel(p.cpu) === undefined) return { ok: false, field: 'cpu', message: t('partition.schedRun.unknownCpuModel', { cpu: p.cpu }) };
  const checks: Check[] = [
    num('tsliceMs', p.tsliceMs, 1, 100, t('partition.schedRun.theTimesliceMs')),
    num('durationMs', p.durationMs, 100, 2000, t('partition.schedRun.theRunLengthMs')),
    num('timeScale', p.timeScale, 20, 1000, t('partition.schedRun.theTimeCompression')),
    num('packetMs', p.packetMs, 5, 60, t('partition.schedRun.thePacketizationIntervalMs')),
    num('pbxWorkMs', p.pbxWorkMs, 0.1, p.packetMs, t('partition.schedRun.thePbxWorkPer')),
    num('networkDelayMs', p.networkDelayMs, 0, 400, t('partition.schedRun.theNetworkDelayMs')),
    num('terminalDelayMs', p.terminalDelayMs, 0, 400, t('partition.schedRun.theTerminalDelayMs')),
    num('hostMemoryMiB', p.hostMemoryMiB, 8, 256, t('partition.schedRun.hostMemoryMib')),
  ];
  for (const c of checks) if (!c.ok) return c;
  for (const id of RESOURCE_VM_IDS) {
    const v = p.vms[id];
    if (!Number.isInteger(v.weight) || v.weight < XEN_MIN_WEIGHT || v.weight > XEN_MAX_WEIGHT) return { ok: false, field: `${id}.weight`, message: t('partition.schedRun.weightMustBeA', { xenMinWeight: XEN_MIN_WEIGHT, xenMaxWeight: XEN_MAX_WEIGHT }) };
    if (!Number.isFinite(v.capPercent) || v.capPercent < 0 || v.capPercent > 100) return { ok: false, field: `${id}.capPercent`, message: t('partition.schedRun.capMustBeNone') };
    if (!Number.isInteger(v.memoryMiB) || v.memoryMiB < 4 || v.memoryMiB % 4 !== 0 || v.memoryMiB > 64) return { ok: false, field: `${id}.memoryMiB`, message: t('partition.schedRun.memoryLimitMustBe') };
  }
  return { ok: true };
}

interface Interval {
  vm: number;
  start: number;
  end: number;
  reason: number;
}

/** Watches VM entries and exits: running intervals per VMCS and the PBX's interrupt injections. */
class ScheduleProbe implements TraceSink {
  readonly intervals: Interval[] = [];
  readonly timerExits = new Map<number, number>();
  private open: { vmcs: number; start: number } | null = null;
  readonly vmcsToIndex = new Map<number, number>();
  onInject: (cycle: number) => void = () => {};
  onPbxExit: (cycle: number, reason: number) => void = () => {};
  pbxVmcs = -1;
  emit(kind: EventKind, cycle: number, _p0: number, p1: number, p2: number, p3: number, p4: number, _p5: number, p6: number): void {
    if (kind === EventKind.VMENTRY) {
      this.open = { vmcs: p3, start: cycle };
      // Valid (bit 31), type 0 = external interrupt (bits 10:8), vector bits 7:0 (SDM Vol. 3C §24.8.3).
      if (p3 === this.pbxVmcs && (p4 >>> 31) === 1 && ((p4 >>> 8) & 7) === 0 && (p4 & 0xff) === TIMER_VECTOR) this.onInject(cycle);
    } else if (kind === EventKind.VMEXIT) {
      const reason = p1 & 0xffff;
      const idx = this.vmcsToIndex.get(p6);
      if (idx !== undefined && this.open !== null && this.open.vmcs === p6) this.intervals.push({ vm: idx, start: this.open.start, end: cycle, reason });
      if (idx !== undefined && reason === 52) this.timerExits.set(idx, (this.timerExits.get(idx) ?? 0) + 1);
      if (p6 === this.pbxVmcs) this.onPbxExit(cycle, reason);
      this.open = null;
    }
    void p2;
  }
  text(): void {}
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[k];
}

/** Runs the experiment. Throws RangeError on invalid parameters (check first). */
export function runResources(p: ResourcesParams): ResourcesResult {
  const check = checkResourcesParams(p);
  if (!check.ok) throw new RangeError(`${check.field}: ${check.message}`);
  const model = toProcessorModel(getCpuModel(p.cpu)!);
  const hz = model.coreClockHz;
  const k = p.timeScale;
  /** Real milliseconds → simulated cycles (compressed). */
  const cyc = (ms: number): number => Math.max(1, Math.round((ms / 1000 / k) * hz));
  /** Simulated cycles → real-equivalent milliseconds. */
  const ms = (cycles: number): number => (cycles / hz) * 1000 * k;
  // The work loop is two instructions (DEC, JNZ) per iteration at the cost model's default CPI (an assumption there).
  const cpi = ASSUMPTIONS.find((f) => f.id === 'cpu.cpi.default')?.value ?? 1;
  const iterations = (workMs: number): number => Math.max(1, Math.round(cyc(workMs) / (2 * cpi)));

  const ids = RESOURCE_VM_IDS.filter((id) => id !== 'noisy' || p.noisy);
  const admission = admitMemory(ids.map((id) => ({ name: id, limitMiB: p.vms[id].memoryMiB })), p.hostMemoryMiB, VMM_RESERVED_MIB);
  const admitted = ids.filter((_, i) => admission[i].admitted);

  const probe = new ScheduleProbe();
  const hv = new Hypervisor(model, {
    hostMemoryBytes: GUEST_AREA_START + admitted.reduce((s, id) => s + p.vms[id].memoryMiB * MIB, 0) + 4 * MIB,
    costs: guestCostsFor(model.id),
    sliceCycles: cyc(p.tsliceMs),
    trace: probe,
  });
  // The VMM takes the processor back at the end of every slice, even from a vCPU alone on it.
  hv.tickAlways = true;
  const periodOf: Record<ResourceVmId, number> = { pbx: p.packetMs, firewall: p.firewallPeriodMs, streaming: p.streamingPeriodMs, noisy: 0 };
  const workOf: Record<ResourceVmId, number> = { pbx: p.pbxWorkMs, firewall: p.firewallWorkMs, streaming: p.streamingWorkMs, noisy: 0 };
  const vms = new Map<ResourceVmId, Vm>();
  for (const id of admitted) {
    const src = id === 'noisy' ? noisyProgram() : periodicProgram(pitDivisor(periodOf[id] / 1000 / k), iterations(workOf[id]));
    const a = assemble(src, { origin: PROGRAM_ORIGIN });
    if (!a.ok) throw new Error(`guest ${id} does not assemble: ${JSON.stringify(a.errors.slice(0, 2))}`);
    const vm = hv.createVm({ name: id, memoryBytes: p.vms[id].memoryMiB * MIB, vcpus: 1 }, a.entry);
    vm.mem.load(PROGRAM_ORIGIN, a.bytes);
    vms.set(id, vm);
    probe.vmcsToIndex.set(vm.vcpus[0].vmcs, RESOURCE_VM_IDS.indexOf(id));
  }
  hv.cache.clear();
  let credit: CreditScheduler | null = null;
  if (p.scheduler === 'credit') {
    const shares = new Map<number, VmShare>();
    for (const [id, vm] of vms) shares.set(vm.id, { weight: p.vms[id].weight, capPercent: p.vms[id].capPercent });
    credit = new CreditScheduler(shares, { tsliceCycles: cyc(p.tsliceMs), periodCycles: cyc(p.tsliceMs), boost: p.boost });
    hv.schedulerPolicy = credit;
  }

  // PBX packets: due at the virtual PIT's rising edges.
  const pbx = vms.get('pbx');
  const delays: number[] = [];
  let missed = 0;
  if (pbx !== undefined) {
    probe.pbxVmcs = pbx.vcpus[0].vmcs;
    const period = (pitDivisor(p.packetMs / 1000 / k) * hz) / PIT_HZ;
    let lastDue = -1;
    // The PBX is asleep (its last exit was HLT) or working on a packet whose tick was due at `workingOn`.
    let asleep = false;
    let booted = false;
    let workingOn = -1;
    probe.onInject = (now) => {
      const next = pbx.pc.pit.nextEventAt(now + 1);
      if (next === Infinity) return;
      const latest = next - period;
      // Before its first HLT the PBX is still booting; the same tick delivered again (re-injected after a VM exit
      // during its delivery, SDM Vol. 3C §27.2.4) is not a new packet.
      if (!booted || Math.abs(latest - lastDue) < 1) return;
      const oldest = lastDue < 0 ? latest : Math.min(latest, lastDue + period);
      // Ticks that merged in the PIC while none was delivered: those packets are never made.
      missed += Math.max(0, Math.round((latest - oldest) / period));
      lastDue = latest;
      if (asleep) {
        asleep = false;
        workingOn = oldest;
      } else {
        // The tick came while the PBX was still busy with the previous packet (it was descheduled mid-work): the
        // guest's ISR counts it, but its loop then sleeps until the next tick — this packet is missed too.
        missed++;
      }
    };
    probe.onPbxExit = (now, reason) => {
      if (reason !== 12) return;
      if (workingOn >= 0 && now < end) delays.push(Math.max(0, ms(now - workingOn)));
      workingOn = -1;
      asleep = true;
      booted = true;
    };
  }

  const end = cyc(p.durationMs);
  const c = hv.cpus[0];
  while (c.cycles < end) {
    const r = hv.run(200_000);
    if (r === 'all-stopped' || r === 'idle') break;
  }

  // Slices: consecutive running intervals of one vCPU, split where a preemption-timer or HLT exit ended one.
  const slices: Slice[] = [];
  let cur: Slice | null = null;
  for (const iv of probe.intervals) {
    if (iv.start >= end) break;
    const vm = RESOURCE_VM_IDS[iv.vm];
    const endedBy: Slice['endedBy'] = iv.reason === 52 ? 'preemption-timer' : iv.reason === 1 ? 'host-timer' : iv.reason === 12 ? 'hlt' : 'other';
    if (cur !== null && cur.vm === vm && cur.endedBy === 'other') {
      cur.endMs = ms(iv.end);
      cur.endedBy = endedBy;
    } else {
      if (cur !== null) slices.push(cur);
      cur = { vm, startMs: ms(iv.start), endMs: ms(iv.end), endedBy };
    }
  }
  if (cur !== null) slices.push(cur);

  // CPU received over whole timeslices (= accounting periods), so that a cap is compared over whole periods.
  const window = Math.max(1, Math.floor(Math.min(c.cycles, end) / cyc(p.tsliceMs)) * cyc(p.tsliceMs));
  const total = window;
  const guestCycles = new Map<number, number>();
  for (const iv of probe.intervals) if (iv.start < window) guestCycles.set(iv.vm, (guestCycles.get(iv.vm) ?? 0) + (Math.min(iv.end, window) - iv.start));
  const demand = (id: ResourceVmId): number => (id === 'noisy' ? 100 : (100 * workOf[id]) / periodOf[id]);
  const entitled = entitledShares(
    admitted.map((id) => ({
      weight: p.scheduler === 'credit' ? p.vms[id].weight : 1,
      capPercent: p.scheduler === 'credit' ? p.vms[id].capPercent : 0,
      demandPercent: demand(id),
    })),
  );
  const cpu: VmCpu[] = ids.map((id, i) => {
    const a = admission[i];
    const idx = RESOURCE_VM_IDS.indexOf(id);
    const vm = vms.get(id);
    return {
      vm: id,
      receivedPercent: (100 * (guestCycles.get(idx) ?? 0)) / total,
      entitledPercent: a.admitted ? entitled[admitted.indexOf(id)] : 0,
      demandPercent: demand(id),
      weight: p.vms[id].weight,
      capPercent: p.vms[id].capPercent,
      unitsDone: vm !== undefined ? vm.mem.read32(COUNTERS) >>> 0 : 0,
      preemptionTimerExits: probe.timerExits.get(idx) ?? 0,
      admitted: a.admitted,
      memoryNote: a.why,
    };
  });

  const sorted = [...delays].sort((x, y) => x - y);
  let jitterSum = 0;
  for (let i = 1; i < delays.length; i++) jitterSum += Math.abs(delays[i] - delays[i - 1]);
  const p99 = percentile(sorted, 0.99);
  const lat: PbxLatency = {
    delaysMs: delays,
    packetsDue: Math.floor(p.durationMs / p.packetMs),
    missed,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99,
    max: sorted.length > 0 ? sorted[sorted.length - 1] : 0,
    jitterMs: delays.length > 1 ? jitterSum / (delays.length - 1) : 0,
    mouthToEarMs: p.terminalDelayMs + p.networkDelayMs + p99,
  };
  const { verdict, text } = judge(lat, p, pbx !== undefined);
  const bits = preemptionRate(c);
  return {
    params: p,
    clockHz: hz,
    preemptionRateBits: bits,
    preemptionTimerHz: hz / 2 ** bits,
    slices,
    cpu,
    pbx: lat,
    verdict,
    verdictText: text,
    instructions: hv.totalInstructions(),
  };
}

/**
 * The plain-language verdict. Bad: the mouth-to-ear delay (terminals + network + 99th-percentile scheduling delay)
 * passes G.114's 150 ms, or more than 1 % of packets are missed. At risk: some packet waited a whole packetization
 * interval or more (it leaves together with the next one: the far end's jitter buffer must absorb it). Good otherwise.
 */
export function judge(l: PbxLatency, p: ResourcesParams, pbxRunning: boolean): { verdict: Verdict; text: string } {
  if (!pbxRunning) return { verdict: 'bad', text: t('partition.schedRun.thePbxVmWas') };
  const f = (x: number): string => x.toFixed(1);
  if (l.mouthToEarMs > G114_ACCEPTABLE_MS || l.missed > 0.01 * l.packetsDue) {
    return {
      verdict: 'bad',
      text: t('partition.schedRun.callsSufferPacketsWait', { f: f(l.max), f2: f(l.p99), missed: l.missed > 0 ? t('partition.schedRun.andOfPacketsWere', { missed: l.missed, packetsDue: l.packetsDue }) : '', f22: f(l.mouthToEarMs), g114AcceptableMs: G114_ACCEPTABLE_MS }),
    };
  }
  if (l.max >= p.packetMs) {
    return { verdict: 'at-risk', text: t('partition.schedRun.callsWorkButSome', { f: f(l.max), packetMs: p.packetMs, f2: f(l.mouthToEarMs) }) };
  }
  return { verdict: 'good', text: t('partition.schedRun.callsAreFineEvery', { f: f(l.max), packetMs: p.packetMs, f2: f(l.mouthToEarMs), g114AcceptableMs: G114_ACCEPTABLE_MS }) };
}

export { RESOURCE_VM_LABELS };
