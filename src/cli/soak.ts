/**
 * `npm run soak [-- --quick] [--json]`: the long-run test of issue 9 item 3. It runs the simulation core the way the
 * app runs it for a long time and checks that memory stays flat and that the run's invariants hold:
 *
 *  - VMX core, compute-heavy: a register-only loop as a guest of the built-in VMM on the timeline (event ring, exit
 *    index, time-travel snapshots: `Timeline.create` with the app's defaults, driven in the worker's play slices and
 *    drained in batches as the worker drains them for the UI) for at least 10^9 guest instructions;
 *  - VMX core, exit-heavy: CPUID in a loop (CPUID always exits in VMX non-root operation, SDM Vol. 3C §25.1.2) on the
 *    timeline for at least 10^7 VM exits, then a time-travel check (seek back to the middle: the state digest the
 *    straight run had there);
 *  - console without end: a guest printing on its emulated UART forever without a line feed (port-I/O exits) under
 *    the VMM, the case that grew the VMM's line buffer without bound before CONSOLE_LINE_MAX
 *    (src/core/devices/console-line.ts);
 *  - code everywhere: a guest that rewrites a 3-MiB NOP sled and runs it, again and again (self-modifying code over
 *    most of guest RAM), the case that grew the decode cache before MAX_CACHED_INSNS (src/core/x86/decode-cache.ts);
 *  - platform lab, a simulated week: 7 days of dynamic consolidation (Beloglazov & Buyya, src/core/platform/dynamic)
 *    on the PlanetLab days in turn, stepped in the worker's slices; then a week of failover drills (one 600-s
 *    scenario after another, src/core/platform/failover) with a live migration every simulated hour
 *    (src/core/platform/migration).
 *
 * Memory: process.memoryUsage() after a full garbage collection, sampled 40 times per phase. The figure checked is
 * heapUsed + arrayBuffers (the event ring, exit index and memory images are typed arrays, off the JS heap). A phase
 * fails when its last quarter's peak exceeds its second quarter's peak (after warm-up: buffers fill in the first
 * quarter) by more than 20 % and more than 8 MiB. The exit code is 1 when any phase fails a memory or invariant check.
 * Wall time is reported, never asserted.
 */
import { performance } from 'node:perf_hooks';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Timeline } from '../core/timeline/timeline.ts';
import { DEFAULT_SNAPSHOT_EVERY } from '../core/timeline/timeline.ts';
import { EventKind } from '../core/trace/events.ts';
import { EVENT_STRIDE, F_CYCLE } from '../core/trace/batch.ts';
import { NullSink, type TraceSink } from '../core/trace/sink.ts';
import { GuestLab } from '../core/vmm/guest-lab.ts';
import { assemble } from '../core/x86/asm/index.ts';
import { PROGRAM_BASE } from '../core/machine/layout.ts';
import { getCpuModel, toProcessorModel } from '../core/cpu-models/index.ts';
import { MAX_CACHED_INSNS } from '../core/x86/decode-cache.ts';
import { CONSOLE_LINE_MAX } from '../core/devices/console-line.ts';
import { createSimulation, metrics, parsePolicy, stepInterval, type DynMetrics, type Policy, type TraceSet } from '../core/platform/dynamic/index.ts';
import { defaultScenario, simulateFailover } from '../core/platform/failover/simulate.ts';
import { simulateMigration } from '../core/platform/migration/engine.ts';
import { readTraceFolder } from './planetlab.ts';

// ------------------------------------------------------------------------------------------------ memory

// A full collection before each sample, so the samples are live memory rather than garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Sample {
  /** Progress within the phase (0..1). */
  at: number;
  heapUsed: number;
  arrayBuffers: number;
  rss: number;
}

const MiB = 2 ** 20;

function sample(at: number): Sample {
  // Twice: V8 frees the backing stores of dead ArrayBuffers concurrently after a collection, and finishes that
  // before the next one starts, so arrayBuffers is exact only after the second.
  gc();
  gc();
  const m = process.memoryUsage();
  return { at, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

const live = (s: Sample): number => s.heapUsed + s.arrayBuffers;

/** Flat memory: the last quarter's peak within 20 % (or 8 MiB) of the second quarter's peak. */
const GROWTH_LIMIT = 0.2;
const GROWTH_SLACK = 8 * MiB;

interface PhaseReport {
  name: string;
  size: Record<string, number | string>;
  seconds: number;
  samples: number;
  firstLiveMiB: number;
  lastLiveMiB: number;
  peakLiveMiB: number;
  peakHeapMiB: number;
  peakRssMiB: number;
  /** Last-quarter peak / second-quarter peak − 1. */
  growth: number;
  /** heapUsed + arrayBuffers of every sample, MiB. */
  liveMiB: number[];
  failures: string[];
}

/** --quick: growth is reported, not failed (a short run ends before the bounded buffers are full). */
let growthIsFailure = true;

class Phase {
  readonly samples: Sample[] = [];
  readonly failures: string[] = [];
  readonly warnings: string[] = [];
  readonly size: Record<string, number | string> = {};
  private readonly t0 = performance.now();
  private nextAt = 0;
  constructor(readonly name: string) {
    this.samples.push(sample(0));
    this.nextAt = 1 / 40;
  }
  /** Samples memory each time progress passes another 1/40 of the phase. */
  progress(p: number): void {
    if (p < this.nextAt) return;
    this.samples.push(sample(Math.min(1, p)));
    while (this.nextAt <= p) this.nextAt += 1 / 40;
  }
  check(ok: boolean, what: string): void {
    if (!ok) this.failures.push(what);
  }
  end(): PhaseReport {
    const seconds = (performance.now() - this.t0) / 1000;
    this.samples.push(sample(1));
    const s = this.samples;
    const peakIn = (lo: number, hi: number): number => Math.max(0, ...s.filter((x) => x.at >= lo && x.at <= hi).map(live));
    const q2 = peakIn(0.25, 0.5);
    const q4 = peakIn(0.75, 1);
    const growth = q2 > 0 ? q4 / q2 - 1 : 0;
    if (growth > GROWTH_LIMIT && q4 - q2 > GROWTH_SLACK) {
      (growthIsFailure ? this.failures : this.warnings).push(`memory grew ${(growth * 100).toFixed(1)} % (${(q2 / MiB).toFixed(1)} → ${(q4 / MiB).toFixed(1)} MiB heap + buffers) between the second and the last quarter`);
    }
    const r: PhaseReport = {
      name: this.name,
      size: this.size,
      seconds: +seconds.toFixed(1),
      samples: s.length,
      firstLiveMiB: +(live(s[0]) / MiB).toFixed(1),
      lastLiveMiB: +(live(s[s.length - 1]) / MiB).toFixed(1),
      peakLiveMiB: +(Math.max(...s.map(live)) / MiB).toFixed(1),
      peakHeapMiB: +(Math.max(...s.map((x) => x.heapUsed)) / MiB).toFixed(1),
      peakRssMiB: +(Math.max(...s.map((x) => x.rss)) / MiB).toFixed(1),
      growth: +growth.toFixed(3),
      liveMiB: s.map((x) => +(live(x) / MiB).toFixed(1)),
      failures: this.failures,
    };
    const status = r.failures.length === 0 ? 'ok  ' : 'FAIL';
    process.stdout.write(
      `${status} ${r.name.padEnd(34)} ${r.seconds.toFixed(1).padStart(7)} s  heap+buffers ${r.firstLiveMiB.toFixed(1)} → ${r.lastLiveMiB.toFixed(1)} MiB (peak ${r.peakLiveMiB.toFixed(1)}, growth ${(r.growth * 100).toFixed(1)} %)  peak rss ${r.peakRssMiB.toFixed(0)} MiB\n` +
        `     ${Object.entries(r.size).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`).join(', ')}\n`,
    );
    for (const f of r.failures) process.stdout.write(`     ✗ ${f}\n`);
    for (const f of this.warnings) process.stdout.write(`     (not checked in --quick: ${f})\n`);
    return r;
  }
}

// ------------------------------------------------------------------------------------------- VMX core

/** The worker's play slice (src/worker/engine.ts BUDGET, PLAY_BACKLOG). */
const BUDGET = 250_000;
const PLAY_BACKLOG = 120_000;
/** Timeline defaults (timeline.ts): ring of 2^18 events, 64 snapshots, exit index of 2^21 exits (exit-index.ts). */
const RING_CAPACITY = 1 << 18;
const MAX_SNAPSHOTS = 64;
const EXIT_INDEX_CAP = 1 << 21;

/** Four instructions per iteration, no VM exit inside: EBX counts iterations. */
const COMPUTE_LOOP = `; @mode guest
start:
  xor eax, eax
  mov ebx, 1
.loop:
  add eax, ebx
  xor edx, eax
  inc ebx
  jmp .loop
`;

/** Three instructions and one VM exit (CPUID, basic reason 10) per iteration. */
const CPUID_LOOP = `; @mode guest
start:
.loop:
  xor eax, eax
  cpuid
  jmp .loop
`;

/** Prints 'a'..'p' on COM1 forever (polled), never a line feed. */
const CONSOLE_FOREVER = `; @mode guest
start:
  xor ecx, ecx
.next:
  mov dx, 0x3FD
.wait:
  in al, dx
  test al, 0x20
  jz .wait
  mov eax, ecx
  and eax, 15
  add al, 'a'
  mov dx, 0x3F8
  out dx, al
  inc ecx
  jmp .next
`;

/** Writes a 3-MiB NOP sled at 1 MiB (its value changes each pass), then runs it; the sled jumps back to the start. */
const SLED_BYTES = 3 << 20;
const SLED_FOREVER = `; @mode guest
start:
  mov edi, 0x100000
  mov ecx, ${SLED_BYTES}
  mov al, 0x90
  cld
  rep stosb
  mov byte [edi], 0xE9
  mov eax, start
  sub eax, edi
  sub eax, 5
  mov [edi + 1], eax
  mov eax, 0x100000
  jmp eax
`;

function newTimeline(source: string): Timeline {
  // The app's timeline: default ring, snapshot spacing and snapshot count (src/worker/engine.ts `Timeline.create(next)`).
  const r = Timeline.create({ scenario: 'cpu-bound', seed: 1, insnEvents: false, source });
  if (!r.ok) throw new Error(`soak program does not load: ${JSON.stringify(r.errors)}`);
  return r.timeline;
}

/** Drains released events as the worker does for the UI (a batch copied out of the ring), checking their order. */
class Drain {
  seq = 0;
  events = 0;
  lastCycle = -1;
  outOfOrder = 0;
  maxBatch = 0;
  texts = 0;
  maxText = 0;
  /** VM exits seen in the event stream (VMEXIT events). */
  exits = 0;
  pull(t: Timeline): void {
    const to = t.position().seq;
    const b = t.events(this.seq, to);
    this.maxBatch = Math.max(this.maxBatch, b.count);
    for (let k = 0; k < b.count; k++) {
      const c = b.data[k * EVENT_STRIDE + F_CYCLE];
      if (b.data[k * EVENT_STRIDE] === EventKind.VMEXIT) this.exits++;
      if (c < this.lastCycle && b.data[k * EVENT_STRIDE] !== EventKind.PROGRESS) this.outOfOrder++;
      this.lastCycle = Math.max(this.lastCycle, c);
    }
    for (const [, s] of b.texts) {
      this.texts++;
      this.maxText = Math.max(this.maxText, s.length);
    }
    this.events += b.count;
    this.seq = to;
  }
}

/** The bounds the timeline promises, checked on a live timeline. */
function timelineBounds(ph: Phase, t: Timeline, maxSnaps: { n: number }): void {
  maxSnaps.n = Math.max(maxSnaps.n, t.snapshotCount);
  if (t.ring.nextSeq - t.ring.oldestSeq > RING_CAPACITY) ph.check(false, `event ring holds ${t.ring.nextSeq - t.ring.oldestSeq} > ${RING_CAPACITY}`);
  if (t.snapshotCount > MAX_SNAPSHOTS) ph.check(false, `timeline holds ${t.snapshotCount} snapshots > ${MAX_SNAPSHOTS}`);
}

function computePhase(instructions: number): PhaseReport {
  const ph = new Phase('VMX guest, compute (timeline)');
  const t = newTimeline(COMPUTE_LOOP);
  const drain = new Drain();
  const snaps = { n: 0 };
  while (t.session.instret < instructions && t.session.ended === null) {
    t.advance({ budget: BUDGET, events: PLAY_BACKLOG });
    drain.pull(t);
    timelineBounds(ph, t, snaps);
    ph.progress(t.session.instret / instructions);
  }
  const view = t.inspect();
  const n = t.session.instret;
  // Invariant: EBX counts loop iterations (2 set-up instructions, then 4 per iteration); the run is still going.
  const ebx = parseInt(view.registers.ebx, 16);
  const expected = (1 + Math.floor((n - 2) / 4)) % 2 ** 32;
  ph.check(t.session.ended === null, `the guest stopped: ${t.session.ended}`);
  ph.check(Math.abs(ebx - expected) <= 1, `EBX = ${ebx} after ${n} instructions, expected ${expected} ± 1`);
  ph.check(drain.outOfOrder === 0, `${drain.outOfOrder} events out of cycle order`);
  ph.check(drain.events === t.position().seq, `drained ${drain.events} events, released ${t.position().seq}`);
  const exits = view.vms[0]?.exits ?? 0;
  ph.size['guest instructions'] = n;
  ph.size['VM exits'] = exits;
  ph.size['events'] = t.simSeq;
  ph.size['snapshots (max)'] = snaps.n;
  ph.size['simulated s'] = +(t.session.cycle / getCpuModel(t.session.cpuModel)!.coreClockHz).toFixed(1);
  return ph.end();
}

/**
 * The exit index's held and dropped counts. `Timeline.exits()` copies the list (up to 2^21 exits, 40 MiB), so it is
 * read in a function of its own: the copy must not stay alive in the phase's frame when memory is sampled.
 */
function exitCounts(t: Timeline): { count: number; dropped: number } {
  const x = t.exits();
  return { count: x.count, dropped: x.dropped };
}

function exitPhase(exits: number): PhaseReport {
  const ph = new Phase('VMX guest, CPUID exits (timeline)');
  const t = newTimeline(CPUID_LOOP);
  const drain = new Drain();
  const snaps = { n: 0 };
  let vmExits = 0;
  let midSeq = -1;
  let midDigest = '';
  while (vmExits < exits && t.session.ended === null) {
    t.advance({ budget: BUDGET, events: PLAY_BACKLOG });
    drain.pull(t);
    timelineBounds(ph, t, snaps);
    vmExits = drain.exits;
    if (midSeq < 0 && vmExits >= exits / 2) {
      t.seek(t.position().seq);
      midSeq = t.position().seq;
      midDigest = t.stateDigest();
    }
    ph.progress(vmExits / exits);
  }
  const view = t.inspect();
  vmExits = view.vms[0]?.exits ?? 0;
  const n = t.session.instret;
  const list = exitCounts(t);
  // Invariants: one CPUID exit per 3 instructions; the exit index is capped and counts what it dropped; time travel
  // back to the middle of the run gives the very state the straight run had there (timeline.ts "Time travel").
  const cpuidExits = view.vms[0]?.exitsByReason.find((r) => r.reason === 10)?.count ?? 0;
  ph.check(t.session.ended === null, `the guest stopped: ${t.session.ended}`);
  ph.check(Math.abs(cpuidExits - n / 3) <= 2, `${cpuidExits} CPUID exits for ${n} instructions (expected one per 3)`);
  // Besides CPUID only the start-up exits (on EPT models the first code fetch is an EPT violation).
  ph.check(vmExits - cpuidExits <= 2, `${vmExits - cpuidExits} exits other than CPUID`);
  // Every exit the VMM counted was in the event stream the UI received (the run stops at a released event).
  ph.check(Math.abs(drain.exits - vmExits) <= 1, `${drain.exits} VMEXIT events drained, the VMM counted ${vmExits}`);
  ph.check(list.count <= EXIT_INDEX_CAP, `exit index holds ${list.count} > ${EXIT_INDEX_CAP}`);
  ph.check(list.count + list.dropped >= vmExits - 1, `exit index saw ${list.count + list.dropped} exits of ${vmExits}`);
  ph.check(drain.outOfOrder === 0, `${drain.outOfOrder} events out of cycle order`);
  ph.size['VM exits'] = vmExits;
  ph.size['guest instructions'] = n;
  ph.size['events'] = t.simSeq;
  ph.size['exit index (held / dropped)'] = `${list.count} / ${list.dropped}`;
  ph.size['snapshots (max)'] = snaps.n;
  ph.size['simulated s'] = +(t.session.cycle / getCpuModel(t.session.cpuModel)!.coreClockHz).toFixed(1);
  const t0 = performance.now();
  t.seek(midSeq);
  const again = t.stateDigest();
  ph.check(again === midDigest, `seek back to event ${midSeq}: state digest ${again}, straight run had ${midDigest}`);
  ph.check(t.position().seq === midSeq, `seek back to ${midSeq} stopped at ${t.position().seq}`);
  ph.size['seek back to the middle, ms'] = Math.round(performance.now() - t0);
  return ph.end();
}

function consolePhase(exits: number): PhaseReport {
  // The VMM directly (as the CLI runs it), not the timeline: the timeline's own buffers are the CPUID phase's subject,
  // and its exit index (2^21 exits) would still be filling here. The sink sees every console event.
  const ph = new Phase('VMX guest, console without end');
  const model = toProcessorModel(getCpuModel('nehalem')!);
  let texts = 0;
  let maxText = 0;
  let chars = 0;
  const sink: TraceSink = {
    emit: () => {},
    text: (kind, _cycle, _source, text) => {
      if (kind !== EventKind.CONSOLE) return;
      texts++;
      chars += text.length;
      maxText = Math.max(maxText, text.length);
    },
  };
  const lab = new GuestLab({ model, trace: sink });
  const asm = assemble(CONSOLE_FOREVER, { origin: PROGRAM_BASE });
  if (!asm.ok) throw new Error(asm.errors[0].message);
  lab.loadProgram(asm.bytes, asm.origin, asm.entry);
  let maxLine = 0;
  let stopped: string | null = null;
  while (lab.hv.stats.exits < exits && stopped === null) {
    // hv.run, not lab.run: lab.run flushes the unfinished line at the end of every call (the run is over).
    const r = lab.hv.run(200_000);
    if (r !== 'limit') stopped = r;
    maxLine = Math.max(maxLine, lab.vm.uartLine.length);
    ph.progress(lab.hv.stats.exits / exits);
  }
  ph.check(stopped === null, `the guest stopped: ${stopped}`);
  ph.check(maxText <= CONSOLE_LINE_MAX, `a console event of ${maxText} characters > ${CONSOLE_LINE_MAX}`);
  ph.check(maxLine < CONSOLE_LINE_MAX, `the unfinished line reached ${maxLine} characters`);
  ph.check(lab.vm.console.length <= 65_536, `VM console holds ${lab.vm.console.length} characters > 65536`);
  // Nothing lost: the characters reported plus the unfinished line are every character the guest wrote (ECX counts them).
  const written = lab.guestRegisters().regs[1] >>> 0;
  ph.check(chars + lab.vm.uartLine.length >= written - 1 && chars + lab.vm.uartLine.length <= written + 1, `${chars} + ${lab.vm.uartLine.length} characters reported, the guest wrote ${written}`);
  ph.size['VM exits'] = lab.hv.stats.exits;
  ph.size['guest instructions'] = lab.hv.totalInstructions();
  ph.size['characters printed'] = chars + lab.vm.uartLine.length;
  ph.size['console events'] = texts;
  ph.size['longest console event'] = maxText;
  return ph.end();
}

function sledPhase(instructions: number): PhaseReport {
  const ph = new Phase('VMX guest, self-modifying sled');
  const model = toProcessorModel(getCpuModel('nehalem')!);
  const lab = new GuestLab({ model, trace: new NullSink() });
  const asm = assemble(SLED_FOREVER, { origin: PROGRAM_BASE });
  if (!asm.ok) throw new Error(asm.errors[0].message);
  lab.loadProgram(asm.bytes, asm.origin, asm.entry);
  let maxInsns = 0;
  let maxBlocks = 0;
  let reason = 'limit';
  while (lab.hv.totalInstructions() < instructions && reason === 'limit') {
    reason = lab.run(1_000_000).reason;
    maxBlocks = Math.max(maxBlocks, lab.hv.cache.size);
    maxInsns = Math.max(maxInsns, lab.hv.cache.instructions);
    ph.progress(lab.hv.totalInstructions() / instructions);
  }
  ph.check(reason === 'limit', `the guest stopped: ${reason}`);
  ph.check(maxInsns <= MAX_CACHED_INSNS, `decode cache held ${maxInsns} instructions > ${MAX_CACHED_INSNS}`);
  ph.size['guest instructions'] = lab.hv.totalInstructions();
  ph.size['VM exits'] = lab.hv.stats.exits;
  ph.size['decode cache blocks (max)'] = maxBlocks;
  ph.size['decode cache instructions (max)'] = maxInsns;
  return ph.end();
}

// ------------------------------------------------------------------------------------------- platform

/** The PlanetLab days available (CloudSim layout, usage-models.md §A1): the shared data set, else the app's copy. */
function planetlabDays(): { day: string; traces: TraceSet }[] {
  const roots = ['/work/shared/data/planetlab', 'public/data/planetlab'];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    const days = readdirSync(root).filter((d) => /^\d{8}$/.test(d)).sort();
    const out: { day: string; traces: TraceSet }[] = [];
    for (const d of days) {
      const r = readTraceFolder(join(root, d));
      if (r.ok) out.push({ day: d, traces: r.traces });
    }
    if (out.length > 0) return out;
  }
  throw new Error('no PlanetLab day found (public/data/planetlab)');
}

/** The worker replays a day in slices of this many intervals (src/worker/consolidation.ts INTERVALS_PER_SLICE). */
const INTERVALS_PER_SLICE = 24;

/**
 * One day in the worker's slices (src/worker/consolidation.ts), reporting progress after each slice. A function of
 * its own so that no day's state outlives it in the caller's frame when memory is sampled.
 */
function replayDay(traces: TraceSet, policy: Policy, onSlice: (interval: number) => void = () => {}): DynMetrics {
  const st = createSimulation(traces, policy);
  let more = true;
  while (more) {
    for (let n = 0; n < INTERVALS_PER_SLICE && more; n++) more = stepInterval(st);
    onSlice(st.interval);
  }
  return metrics(st);
}

function consolidationPhase(days: number): PhaseReport {
  const ph = new Phase('platform, dynamic consolidation');
  const set = planetlabDays();
  const p = parsePolicy('lr-mmt-1.2');
  if (!p.ok) throw new Error(p.error);
  const per: (DynMetrics & { day: string })[] = [];
  for (let d = 0; d < days; d++) {
    // CloudSim's PlanetLab experiment is one day per run (SIMULATION_LIMIT = 86,400 s): a week is seven runs, the
    // available days in turn, as the lab replays one day after another.
    const { day, traces } = set[d % set.length];
    const m = replayDay(traces, p.policy, (interval) => ph.progress((d + interval / 288) / days));
    per.push({ ...m, day });
    const finite = Object.values(m).every((x) => Number.isFinite(x));
    ph.check(finite, `day ${d + 1} (${day}): a metric is not finite`);
    ph.check(m.anomalies === 0, `day ${d + 1} (${day}): ${m.anomalies} anomalies (host utilisation > 1)`);
    ph.check(m.energyKWh > 0 && m.migrations >= 0 && m.slatah >= 0 && m.slatah <= 1 && m.pdm >= 0 && m.pdm <= 1, `day ${d + 1} (${day}): metrics out of range`);
    ph.check(m.vms === traces.names.length, `day ${d + 1}: ${m.vms} VMs, trace has ${traces.names.length}`);
  }
  // Determinism across the week: the first day replayed again gives the same figures. (In a function of its own, so
  // its state is not held by this frame when the last sample is taken.)
  const again = replayDay(set[0].traces, p.policy);
  ph.check(JSON.stringify(again) === JSON.stringify({ ...per[0], day: undefined }), 'day 1 replayed after the week gives different figures');
  ph.size['simulated days'] = days;
  ph.size['trace days'] = set.map((x) => x.day).join(' ');
  ph.size['migrations'] = per.reduce((a, m) => a + m.migrations, 0);
  ph.size['energy kWh'] = +per.reduce((a, m) => a + m.energyKWh, 0).toFixed(1);
  return ph.end();
}

function failoverPhase(drills: number, migrateEvery: number): PhaseReport {
  const ph = new Phase('platform, failover + migration');
  let simulated = 0;
  let migrations = 0;
  let migratedS = 0;
  const first = JSON.stringify(simulateFailover(defaultScenario({ seed: 1 })));
  for (let k = 0; k < drills; k++) {
    const sc = defaultScenario({ seed: k + 1 });
    const r = simulateFailover(sc);
    simulated += sc.endS;
    ph.check(r.switchoverS !== null && r.switchoverS >= 0, `drill ${k + 1}: no switchover`);
    ph.check(r.events.every((e, j) => j === 0 || e.t >= r.events[j - 1].t), `drill ${k + 1}: events out of time order`);
    if (k % migrateEvery === 0) {
      // A 1-GiB VM over a 1000 Mbit/s link dirtying 50 MiB/s (a usage-models.md §B4 vector scaled to 1 GiB), QEMU rule.
      const m = simulateMigration({ memoryBytes: 1024 * MiB, bandwidthBytesPerSecond: (1000 * MiB) / 8, dirty: { kind: 'uniform', bytesPerSecond: 50 * MiB }, rule: 'qemu' });
      migrations++;
      migratedS += m.totalSeconds;
      ph.check(m.pagesSent >= m.pages && Number.isFinite(m.downtimeMs) && m.downtimeMs >= 0, `migration ${migrations}: inconsistent result`);
    }
    ph.progress((k + 1) / drills);
  }
  ph.check(JSON.stringify(simulateFailover(defaultScenario({ seed: 1 }))) === first, 'drill 1 repeated after the loop gives a different result');
  ph.size['failover drills'] = drills;
  ph.size['simulated days'] = +(simulated / 86_400).toFixed(2);
  ph.size['live migrations'] = migrations;
  ph.size['migration simulated s'] = +migratedS.toFixed(1);
  return ph.end();
}

// ------------------------------------------------------------------------------------------------ main

function main(): number {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const json = args.includes('--json');
  const reports: PhaseReport[] = [];
  // --only=compute,exits,console,sled,consolidation,failover runs some phases (for trying a fix; not a soak).
  const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  const run = (name: string, fn: () => PhaseReport): void => {
    if (only === undefined || only.includes(name)) reports.push(fn());
  };
  growthIsFailure = !quick;
  const size = quick
    ? { instructions: 20_000_000, exits: 200_000, consoleExits: 50_000, sled: 4_000_000, days: 1, drills: 144 }
    : { instructions: 1_000_000_000, exits: 10_000_000, consoleExits: 2_000_000, sled: 16_000_000, days: 7, drills: 1008 };
  process.stdout.write(`soak${quick ? ' --quick' : ''}: node ${process.version}, snapshot spacing ${JSON.stringify(DEFAULT_SNAPSHOT_EVERY)}\n`);
  const t0 = performance.now();
  run('compute', () => computePhase(size.instructions));
  run('exits', () => exitPhase(size.exits));
  run('console', () => consolePhase(size.consoleExits));
  run('sled', () => sledPhase(size.sled));
  run('consolidation', () => consolidationPhase(size.days));
  // 1008 drills of 600 s = 7 simulated days; a migration every 6 drills = one per simulated hour.
  run('failover', () => failoverPhase(size.drills, 6));
  const seconds = (performance.now() - t0) / 1000;
  const total = (key: string): number => reports.reduce((a, r) => a + (typeof r.size[key] === 'number' ? (r.size[key] as number) : 0), 0);
  const failed = reports.filter((r) => r.failures.length > 0);
  const summary = {
    quick,
    guestInstructions: total('guest instructions'),
    vmExits: total('VM exits'),
    simulatedPlatformDays: reports.filter((r) => r.name.startsWith('platform')).map((r) => r.size['simulated days']),
    wallSeconds: +seconds.toFixed(1),
    peakLiveMiB: Math.max(...reports.map((r) => r.peakLiveMiB)),
    peakHeapMiB: Math.max(...reports.map((r) => r.peakHeapMiB)),
    peakRssMiB: Math.max(...reports.map((r) => r.peakRssMiB)),
    failedPhases: failed.map((r) => r.name),
  };
  process.stdout.write(
    `total: ${summary.guestInstructions.toLocaleString('en-US')} guest instructions, ${summary.vmExits.toLocaleString('en-US')} VM exits, platform ${summary.simulatedPlatformDays.join(' + ')} simulated days, ${summary.wallSeconds} s; peak heap ${summary.peakHeapMiB} MiB, heap+buffers ${summary.peakLiveMiB} MiB, rss ${summary.peakRssMiB} MiB\n`,
  );
  const sized = quick || only !== undefined || (summary.guestInstructions >= 1e9 && summary.vmExits >= 1e7);
  if (!sized) process.stdout.write('✗ the run fell short of 10^9 instructions and 10^7 VM exits\n');
  process.stdout.write(failed.length === 0 && sized ? 'soak passed\n' : `soak FAILED: ${failed.map((r) => r.name).join(', ')}\n`);
  if (json) process.stdout.write(JSON.stringify({ summary, phases: reports }) + '\n');
  else for (const r of reports) process.stdout.write(`${r.name}: heap+buffers samples (MiB) ${r.liveMiB.join(' ')}\n`);
  return failed.length === 0 && sized ? 0 : 1;
}

process.exitCode = main();
