/**
 * The timeline: a session's run as a sequence of events that can be stepped, played, scrubbed back and
 * forth, and forked by an intervention. Pure and deterministic (no clocks): the worker paces it, the
 * tests drive it directly.
 *
 * Positions. The simulation stops right after every event (the sink asks the processor to yield), so
 * the only places the machine ever rests are "just after event n" (or at a PROGRESS heartbeat, itself an
 * event). A position is therefore a count of events: `released` events have been shown. One stop can
 * produce several events at once (an exiting instruction's VMEXIT and its retirement, a handler's log line
 * and its VMM_HANDLER), so the machine may be a few events ahead of `released` (`simSeq`); the state
 * shown for any position in such a group is the state at the group's end, on every path to it. The built-in
 * VMM stops after a VM exit before its handler runs (vmm/hypervisor.ts `exitPending`): the exit, the
 * handler and the VM entry are separate stops, so each shows the VMCS as that step left it.
 *
 * Time travel. Snapshots (memory as page-shared images) are taken every so many events, instructions or
 * cycles; `seek(n)` restores the nearest snapshot at or before n and simulates forward. Because every
 * run stops at the same canonical points whatever the budget, `seek(n)` after any history gives exactly
 * the state of a straight run to n (property-tested).
 *
 * Interventions (kill a VM, raise an NMI) are recorded at the event count where they happened and
 * applied again when a replay reaches it. A new intervention forks the timeline: the future after it,
 * and any snapshots and interventions from the old future, are discarded.
 */
import { EventRing } from '../trace/ring.ts';
import { EventKind, PROGRESS_INTERVAL } from '../trace/events.ts';
import type { TraceSink } from '../trace/sink.ts';
import type { EventBatch } from '../trace/batch.ts';
import { Session, type Intervention, type SessionSnapshot, type SessionSpec, type SpecError, type MachineView } from '../session/session.ts';
import { captureImage, restoreImage, type PageImage } from './page-image.ts';
import { ExitIndex, type ExitList } from './exit-index.ts';

export interface TimelineOptions {
  /** Events kept in memory (a power of two). */
  ringCapacity?: number;
  /** Take a snapshot when this many events, instructions or cycles have passed since the previous one. */
  snapshotEvery?: { events: number; instructions: number; cycles: number };
  /** Most snapshots kept; beyond it every other one is dropped and the spacing doubles. */
  maxSnapshots?: number;
}

export const DEFAULT_SNAPSHOT_EVERY = { events: 100_000, instructions: 8 * PROGRESS_INTERVAL, cycles: 100_000_000 };

/** What the caller wants from one `advance` call. Every field is optional; the first limit met stops it. */
export interface AdvanceLimits {
  /** Release at most this many events. */
  events?: number;
  /** Release events until `released` reaches this count. */
  toSeq?: number;
  /** Release only events that happened at or before this cycle. */
  untilCycle?: number;
  /** Stop right after releasing an event of one of these kinds. */
  untilKinds?: readonly number[];
  /** Simulate at most about this many instructions in this call (keeps the worker responsive). */
  budget?: number;
  /** Stop when the program's next instruction is at one of these linear addresses (checked at every stop point). */
  breakAt?: ReadonlySet<number>;
}

export type AdvanceStop = 'events' | 'seq' | 'cycle' | 'kind' | 'end' | 'budget' | 'breakpoint';

export interface TimelinePosition {
  /** Events released (the position). */
  seq: number;
  /** Cycle of the last released event (0 before the first). */
  cycle: number;
  /** Instructions retired when the last released event happened. */
  instret: number;
  /** Events simulated (≥ seq: the rest of the current event group). */
  simSeq: number;
  /** Furthest position reached on this branch of the timeline, and its cycle. */
  horizonSeq: number;
  horizonCycle: number;
  /** The run is over and every event has been released. */
  atEnd: boolean;
}

interface Snap {
  seq: number;
  /** Positions from here to `seq` share this state (0 for the initial state: events of the machine's construction). */
  lowPos: number;
  instret: number;
  cycle: number;
  /** Interventions already applied in this state. */
  interventions: number;
  nextMark: number;
  state: SessionSnapshot;
  memory: PageImage;
}

interface RecordedIntervention {
  seq: number;
  action: Intervention;
}

/** Forwards every event into the ring, stamped with the instruction count, and makes the session yield. */
class TimelineSink implements TraceSink {
  session: Session | null = null;
  readonly exits = new ExitIndex();
  constructor(private readonly ring: EventRing) {}
  emit(kind: EventKind, cycle: number, p0: number, p1: number, p2: number, p3: number, p4: number, p5: number, p6: number, p7: number): void {
    const s = this.session;
    if (kind === EventKind.VMEXIT) this.exits.push(this.ring.nextSeq, cycle, p1);
    this.ring.push(kind, cycle, s === null ? 0 : s.instret, p0, p1, p2, p3, p4, p5, p6, p7);
    s?.requestYield();
  }
  text(kind: EventKind, cycle: number, source: number, text: string): void {
    const s = this.session;
    this.ring.pushText(kind, cycle, s === null ? 0 : s.instret, source, text);
    s?.requestYield();
  }
}

export class Timeline {
  readonly spec: SessionSpec;
  readonly session: Session;
  readonly ring: EventRing;
  private released = 0;
  /**
   * The lowest position that shows the current machine state: positions lowPos..simSeq share it. A position
   * n shows the state at the end of the group that produced event n − 1, so for a group of events [a, b)
   * that is a + 1 (the state before the group belongs to position a); 0 for the initial state.
   */
  private lowPos = 0;
  private nextMark: number;
  private snaps: Snap[] = [];
  private prevSnap: Snap | null = null;
  private every: { events: number; instructions: number; cycles: number };
  private readonly maxSnapshots: number;
  private interventions: RecordedIntervention[] = [];
  private applied = 0;
  private horizonSeq = 0;
  private horizonCycle = 0;

  private constructor(spec: SessionSpec, session: Session, ring: EventRing, private readonly sink: TimelineSink, opts: TimelineOptions) {
    this.spec = spec;
    this.session = session;
    this.ring = ring;
    this.every = { ...(opts.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY) };
    this.maxSnapshots = Math.max(4, opts.maxSnapshots ?? 64);
    this.nextMark = PROGRESS_INTERVAL;
    // Events emitted while the machine was built (a VM starting) belong to the initial state, as does position 0.
    this.lowPos = 0;
    this.snaps.push(this.capture());
  }

  static create(spec: SessionSpec, opts: TimelineOptions = {}): { ok: true; timeline: Timeline } | { ok: false; errors: SpecError[] } {
    const ring = new EventRing(opts.ringCapacity ?? 1 << 18);
    const sink = new TimelineSink(ring);
    const r = Session.create(spec, sink);
    if (!r.ok) return r;
    sink.session = r.session;
    return { ok: true, timeline: new Timeline(spec, r.session, ring, sink, opts) };
  }

  get simSeq(): number {
    return this.ring.nextSeq;
  }

  position(): TimelinePosition {
    const seq = this.released;
    const last = seq - 1;
    const known = last >= 0 && this.ring.has(last);
    return {
      seq,
      cycle: known ? this.ring.cycleAt(last) : 0,
      instret: known ? this.ring.instretAt(last) : 0,
      simSeq: this.simSeq,
      horizonSeq: Math.max(this.horizonSeq, seq),
      horizonCycle: Math.max(this.horizonCycle, known ? this.ring.cycleAt(last) : 0),
      atEnd: this.session.ended !== null && seq >= this.simSeq,
    };
  }

  /** Releases events, simulating as needed, until a limit is met. */
  advance(l: AdvanceLimits): AdvanceStop {
    let releasedNow = 0;
    let simulated = 0;
    let groups = 0;
    const kinds = l.untilKinds;
    for (;;) {
      if (l.events !== undefined && releasedNow >= l.events) return 'events';
      if (l.toSeq !== undefined && this.released >= l.toSeq) return 'seq';
      if (this.released < this.simSeq) {
        const seq = this.released;
        if (l.untilCycle !== undefined && this.ring.has(seq) && this.ring.cycleAt(seq) > l.untilCycle) return 'cycle';
        this.released++;
        releasedNow++;
        this.noteHorizon();
        if (kinds !== undefined && this.ring.has(seq) && kinds.includes(this.ring.kindAt(seq))) return 'kind';
        continue;
      }
      if (this.session.ended !== null) return 'end';
      if (l.budget !== undefined && simulated >= l.budget) return 'budget';
      if (l.breakAt !== undefined && l.breakAt.size > 0 && groups > 0 && l.breakAt.has(this.session.currentPc())) return 'breakpoint';
      simulated += this.simulateGroup();
      groups++;
    }
  }

  /** Runs the machine to its next stop point (the end of the next event group). Returns instructions run. */
  private simulateGroup(): number {
    const s = this.session;
    this.lowPos = this.simSeq + 1;
    this.ring.markGroupStart();
    const before = s.instret;
    // Never past the next heartbeat: every stop is then at an event, so every rest point is canonical.
    s.run(Math.max(1, this.nextMark - before));
    const after = s.instret;
    while (after >= this.nextMark) {
      const mark = this.nextMark;
      this.ring.push(EventKind.PROGRESS, s.cycle, after, mark % 2 ** 32, Math.floor(mark / 2 ** 32), 0, 0, 0, 0, 0, 0);
      this.nextMark += PROGRESS_INTERVAL;
    }
    this.applyDueInterventions();
    this.maybeSnapshot();
    return after - before;
  }

  private applyDueInterventions(): void {
    while (this.applied < this.interventions.length && this.interventions[this.applied].seq === this.simSeq) {
      this.session.intervene(this.interventions[this.applied].action);
      this.applied++;
    }
  }

  private noteHorizon(): void {
    if (this.released > this.horizonSeq) {
      this.horizonSeq = this.released;
      const last = this.released - 1;
      if (this.ring.has(last)) this.horizonCycle = this.ring.cycleAt(last);
    }
  }

  // --------------------------------------------------------------------------------------- snapshots

  private capture(): Snap {
    const s = this.session;
    const prev = this.snaps.length > 0 ? this.snapBefore(this.simSeq) : undefined;
    return {
      seq: this.simSeq,
      lowPos: this.snaps.length === 0 ? 0 : this.lowPos,
      instret: s.instret,
      cycle: s.cycle,
      interventions: this.applied,
      nextMark: this.nextMark,
      state: s.snapshot(),
      memory: captureImage(s.memory.bytes, prev?.memory),
    };
  }

  /** The latest snapshot at or before event count `seq`. */
  private snapBefore(seq: number): Snap {
    let best = this.snaps[0];
    for (const sn of this.snaps) if (sn.seq <= seq && sn.seq >= best.seq) best = sn;
    return best;
  }

  private maybeSnapshot(): void {
    const s = this.session;
    // The latest snapshot at or before here is remembered (restores and captures set it): this runs after every event.
    let prev = this.prevSnap;
    if (prev === null || prev.seq > this.simSeq) prev = this.prevSnap = this.snapBefore(this.simSeq);
    if (prev.seq === this.simSeq) return;
    const e = this.every;
    if (this.simSeq - prev.seq < e.events && s.instret - prev.instret < e.instructions && s.cycle - prev.cycle < e.cycles) return;
    prev = this.prevSnap = this.snapBefore(this.simSeq);
    if (prev.seq === this.simSeq) return;
    if (this.simSeq - prev.seq < e.events && s.instret - prev.instret < e.instructions && s.cycle - prev.cycle < e.cycles) return;
    // Between two existing snapshots (a replay after seeking back), the old ones already cover this stretch.
    const next = this.snaps.find((sn) => sn.seq > this.simSeq);
    if (next !== undefined && next.seq - prev.seq < 2 * e.events && next.instret - prev.instret < 2 * e.instructions && next.cycle - prev.cycle < 2 * e.cycles) return;
    const snap = this.capture();
    this.snaps.push(snap);
    this.prevSnap = snap;
    this.snaps.sort((a, b) => a.seq - b.seq);
    if (this.snaps.length > this.maxSnapshots) {
      this.snaps = this.snaps.filter((_sn, k) => k === 0 || k % 2 === 1);
      this.prevSnap = null;
      e.events *= 2;
      e.instructions *= 2;
      e.cycles *= 2;
    }
  }

  private restoreSnap(sn: Snap): void {
    this.prevSnap = sn;
    restoreImage(this.session.memory.bytes, sn.memory);
    this.session.restore(sn.state);
    this.ring.truncate(sn.seq);
    this.sink.exits.truncate(sn.seq);
    this.applied = sn.interventions;
    this.nextMark = sn.nextMark;
    this.lowPos = sn.lowPos;
    this.released = Math.min(this.released, sn.seq);
    this.applyDueInterventions();
  }

  /** Number of snapshots held (for diagnostics and tests). */
  get snapshotCount(): number {
    return this.snaps.length;
  }

  // ------------------------------------------------------------------------------------ moving around

  /**
   * True when the position sits just before an event group the machine has already run: only a cycle
   * limit stops there (the group's first event came after the limit). The machine then shows the state
   * at the group's end, not at the position.
   */
  get unsettled(): boolean {
    return this.released < this.lowPos && this.released < this.simSeq;
  }

  /** Makes the machine state exactly the state at the position (restores a snapshot and replays when unsettled). */
  settle(): void {
    if (this.unsettled) this.seek(this.released);
  }

  /** Goes to position `seq` (events released), backwards by restoring a snapshot, forwards by simulating. */
  seek(seq: number): AdvanceStop | 'here' {
    const target = Math.max(0, Math.floor(seq));
    if (target >= this.lowPos && target <= this.simSeq) {
      this.released = target;
      this.noteHorizon();
      return 'here';
    }
    if (target < this.lowPos) {
      this.restoreSnap(this.snapBefore(target));
      if (target >= this.lowPos && target <= this.simSeq) {
        this.released = target;
        return 'here';
      }
    }
    return this.advance({ toSeq: target });
  }

  /**
   * Goes to the last event at or before `cycle` (the scrubber works in simulated time). Events held in the
   * ring are found by binary search; otherwise the latest snapshot before that time is restored and the
   * run goes forward to it.
   */
  seekCycle(cycle: number): AdvanceStop | 'here' {
    const ring = this.ring;
    const lo0 = ring.oldestSeq;
    const hi0 = this.simSeq;
    if (hi0 > lo0 && ring.cycleAt(lo0) <= cycle && (this.session.ended !== null || ring.cycleAt(hi0 - 1) > cycle)) {
      // The answer is in the ring: the first event after `cycle`, minus one.
      let lo = lo0;
      let hi = hi0;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ring.cycleAt(mid) <= cycle) lo = mid + 1;
        else hi = mid;
      }
      return this.seek(lo);
    }
    if (this.position().cycle > cycle) {
      let best = this.snaps[0];
      for (const sn of this.snaps) if (sn.cycle <= cycle && sn.seq >= best.seq) best = sn;
      this.restoreSnap(best);
      this.released = best.seq;
    }
    const stop = this.advance({ untilCycle: cycle });
    // The run may have gone one group past the cycle; the state shown must be the position's own.
    this.settle();
    return stop;
  }

  /** Back to the start of the run (the same branch: interventions stay). */
  reset(): void {
    this.restoreSnap(this.snaps[0]);
    this.released = 0;
  }

  /**
   * Applies a user action at the current position. The rest of the current event group is released
   * first (the machine is at its end); the future of the old branch is discarded.
   */
  intervene(action: Intervention): string | null {
    this.released = this.simSeq;
    this.noteHorizon();
    const at = this.simSeq;
    const err = this.session.intervene(action);
    if (err !== null) return err;
    // Fork: the old future (its interventions and snapshots) is gone; this action is recorded as applied.
    this.interventions = this.interventions.slice(0, this.applied);
    this.interventions.push({ seq: at, action });
    this.applied = this.interventions.length;
    this.snaps = this.snaps.filter((sn) => sn.seq <= at);
    this.prevSnap = null;
    // A replay applies the action at the end of the group that led here, in the same stop: the events it
    // causes join that group (lowPos stays).
    this.horizonSeq = at;
    this.horizonCycle = this.position().cycle;
    // Show what the action caused.
    this.advance({ toSeq: this.simSeq });
    return null;
  }

  /** The interventions of this branch, for links and exports. */
  recordedInterventions(): readonly { seq: number; action: Intervention }[] {
    return this.interventions;
  }

  /** Replays interventions from a link (applied when the run reaches each one's position). */
  scheduleInterventions(list: readonly { seq: number; action: Intervention }[]): void {
    this.interventions = [...list].sort((a, b) => a.seq - b.seq);
    this.applied = 0;
    this.reset();
  }

  // -------------------------------------------------------------------------------------- reading out

  /**
   * The position that shows the state just before the group of event `seq` began (the VMCS inspector's
   * "before" for a VM exit or entry).
   */
  positionBeforeGroupOf(seq: number): number {
    return this.ring.groupStartOf(seq);
  }

  /** The VM exits up to the position (for the exit timeline and the histogram). */
  exits(): ExitList {
    return this.sink.exits.upTo(this.released);
  }

  /** Released events [from, to). */
  events(from: number, to: number): EventBatch {
    return this.ring.read(from, Math.min(to, this.released));
  }

  inspect(): MachineView {
    return this.session.inspect();
  }

  /** A digest of the whole machine state (memory included): equal digests mean equal states. */
  stateDigest(): string {
    const s = this.session.snapshot();
    let h = 0x811c9dc5;
    const json = JSON.stringify(s, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v));
    for (let k = 0; k < json.length; k++) h = Math.imul(h ^ json.charCodeAt(k), 0x01000193);
    const mem = this.session.memory.bytes;
    let m = 0x811c9dc5;
    const m32 = new Int32Array(mem.buffer, mem.byteOffset, mem.length >> 2);
    for (let k = 0; k < m32.length; k++) m = Math.imul(m ^ m32[k], 0x01000193);
    return `${(h >>> 0).toString(16)}-${(m >>> 0).toString(16)}-${this.simSeq}`;
  }

  /** Hash of the released events (the determinism test compares runs by it). */
  streamHash(): number {
    return this.ring.hash(this.ring.oldestSeq, this.released);
  }
}
