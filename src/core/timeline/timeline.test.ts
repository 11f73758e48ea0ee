import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Timeline, type TimelineOptions } from './timeline.ts';
import type { SessionSpec } from '../session/session.ts';
import { EventKind, PROGRESS_INTERVAL } from '../trace/events.ts';
import { batchEvents } from '../trace/batch.ts';
import { eventRecord, textRecord, JsonSink, type TraceRecord } from '../trace/json.ts';
import { runLab } from '../lab/run.ts';
import { loadScenarioSource, SCENARIOS } from '../scenarios/index.ts';

const KERNEL: SessionSpec = { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: false, params: { TICKS_TO_RUN: 3 } };

function make(spec: SessionSpec = KERNEL, opts: TimelineOptions = {}): Timeline {
  const r = Timeline.create(spec, opts);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.timeline;
}

function runToEnd(t: Timeline): void {
  while (t.advance({ budget: 10_000_000 }) !== 'end');
}

/** The records a timeline released, as the CLI would print them (heartbeats and the end marker left out). */
function records(t: Timeline): TraceRecord[] {
  return batchEvents(t.events(0, t.position().seq))
    .filter((e) => e.kind !== EventKind.PROGRESS && e.kind !== EventKind.END)
    .map((e) => (e.text !== undefined ? textRecord(e.kind, e.cycle, e.p[0], e.text) : eventRecord(e.kind, e.cycle, e.p)));
}

describe('timeline: determinism', () => {
  it('the same spec and seed give the same event stream, byte for byte', () => {
    const a = make();
    const b = make();
    runToEnd(a);
    runToEnd(b);
    expect(a.position().seq).toBeGreaterThan(50);
    expect(a.streamHash()).toBe(b.streamHash());
    expect(a.stateDigest()).toBe(b.stateDigest());
  });

  it('stopping after every event changes nothing: the stream equals the CLI run of the same program', () => {
    for (const [scenario, mode] of [['kernel', 'guest'], ['kernel-bare', 'bare'], ['syscall-ring3', 'bare']] as const) {
      const spec: SessionSpec = { scenario, cpu: 'nehalem', seed: 1, insnEvents: false };
      // Frequent snapshots too: taking one (devices brought up to date) must not change the run either.
      const t = make(spec, { snapshotEvery: { events: 7, instructions: 5000, cycles: 1e12 }, maxSnapshots: 1000 });
      runToEnd(t);
      expect(t.snapshotCount).toBeGreaterThan(5);
      const cli: TraceRecord[] = [];
      const src = loadScenarioSource(scenario)!;
      const r = runLab(src, { trace: new JsonSink((rec) => cli.push(rec)) });
      expect(r.ok, `${scenario} (${mode})`).toBe(true);
      expect(records(t), scenario).toEqual(cli);
    }
  });

  it('every scenario on a CPU without EPT (shadow paging) and one with it: the same stream as the CLI', () => {
    for (const sc of SCENARIOS) {
      for (const cpu of ['xeon-lv', 'modern']) {
        const t = make({ scenario: sc.id, cpu, seed: 1, insnEvents: false }, { snapshotEvery: { events: 50, instructions: 200_000, cycles: 1e12 }, maxSnapshots: 1000 });
        runToEnd(t);
        const cli: TraceRecord[] = [];
        runLab(loadScenarioSource(sc.id)!, { cpu, trace: new JsonSink((rec) => cli.push(rec)) });
        expect(records(t), `${sc.id} on ${cpu}`).toEqual(cli);
      }
    }
  });

  it('is independent of how the run is split into calls', () => {
    const straight = make();
    runToEnd(straight);
    const stepped = make();
    let k = 0;
    while (stepped.advance({ events: 1 + (k++ % 7), budget: 5000 }) !== 'end');
    expect(stepped.streamHash()).toBe(straight.streamHash());
    expect(stepped.stateDigest()).toBe(straight.stateDigest());
  });
});

describe('timeline: stepping and limits', () => {
  it('step releases exactly one event; the cycle counter moves forward', () => {
    const t = make();
    const p0 = t.position();
    expect(p0.seq).toBe(0);
    expect(t.advance({ events: 1 })).toBe('events');
    expect(t.position().seq).toBe(1);
    t.advance({ events: 10 });
    expect(t.position().seq).toBe(11);
    expect(t.position().cycle).toBeGreaterThan(0);
  });

  it('runs to an event kind and stops right after it', () => {
    const t = make();
    expect(t.advance({ untilKinds: [EventKind.VMEXIT] })).toBe('kind');
    const last = batchEvents(t.events(t.position().seq - 1, t.position().seq))[0];
    expect(last.kind).toBe(EventKind.VMEXIT);
  });

  it('runs to a cycle: every released event is at or before it, the next one after it', () => {
    const t = make();
    expect(t.advance({ untilCycle: 2_000_000 })).toBe('cycle');
    const pos = t.position();
    expect(pos.cycle).toBeLessThanOrEqual(2_000_000);
    t.advance({ events: 1 });
    expect(t.position().cycle).toBeGreaterThan(2_000_000);
  });

  it('reaches the end and says so', () => {
    const t = make();
    runToEnd(t);
    const pos = t.position();
    expect(pos.atEnd).toBe(true);
    const evs = batchEvents(t.events(0, pos.seq));
    expect(evs[evs.length - 1].kind).toBe(EventKind.END);
    expect(t.inspect().ended).toBe('halted');
    expect(t.inspect().console).toContain('ticks');
  });

  it('a loop with no other event still ends a step: the heartbeat every 2^20 instructions', () => {
    const t = make({ scenario: 'cpu-bound', cpu: 'nehalem', seed: 1, insnEvents: false, params: { ITERATIONS: 200_000 } });
    runToEnd(t);
    const evs = batchEvents(t.events(0, t.position().seq));
    const beats = evs.filter((e) => e.kind === EventKind.PROGRESS);
    expect(beats.length).toBeGreaterThan(0);
    expect(beats[0].p[0]).toBe(PROGRESS_INTERVAL);
  });

  it('instruction events: one per retired instruction, with its address and privilege levels', () => {
    const t = make({ ...KERNEL, insnEvents: true });
    t.advance({ events: 2000 });
    const evs = batchEvents(t.events(0, t.position().seq));
    const insns = evs.filter((e) => e.kind === EventKind.INSN_RETIRED);
    expect(insns.length).toBeGreaterThan(1500);
    // Consecutive retirements count up the instruction counter one at a time.
    for (let k = 1; k < insns.length; k++) expect(insns[k].instret - insns[k - 1].instret).toBeGreaterThanOrEqual(1);
    expect(insns[0].p[1] >>> 0).toBeGreaterThanOrEqual(0x10000);
  });
});

describe('timeline: time travel', () => {
  it('seek back and forth shows the same state as before', () => {
    const t = make({ ...KERNEL }, { snapshotEvery: { events: 40, instructions: 1e9, cycles: 1e12 } });
    t.advance({ events: 150 });
    const at150 = t.stateDigest();
    const view150 = t.inspect();
    t.advance({ events: 200 });
    expect(t.snapshotCount).toBeGreaterThan(3);
    t.seek(150);
    expect(t.position().seq).toBe(150);
    expect(t.stateDigest()).toBe(at150);
    expect(t.inspect()).toEqual(view150);
    t.seek(20);
    t.seek(150);
    expect(t.stateDigest()).toBe(at150);
  });

  it('every position of a run, reached by stepping back one at a time, equals a straight run to it', () => {
    const t = make(KERNEL);
    t.advance({ events: 120 });
    for (let n = 120; n >= 60; n--) {
      t.seek(n);
      const s = make(KERNEL);
      s.advance({ toSeq: n });
      expect(`${n}:${t.stateDigest()}`).toBe(`${n}:${s.stateDigest()}`);
    }
  });

  it('seeking by cycle lands on the last event at or before that cycle, from either side', () => {
    const t = make(KERNEL, { snapshotEvery: { events: 30, instructions: 1e9, cycles: 1e12 } });
    t.advance({ events: 300 });
    const mid = batchEvents(t.events(150, 151))[0];
    for (const from of [0, 300, 10]) {
      t.seek(from);
      t.seekCycle(mid.cycle);
      const pos = t.position();
      expect(pos.cycle).toBeLessThanOrEqual(mid.cycle);
      expect(pos.seq).toBeGreaterThanOrEqual(151);
      t.advance({ events: 1 });
      expect(t.position().cycle).toBeGreaterThan(mid.cycle);
    }
  });

  it('property: seek(t) after any sequence of steps equals a straight run to t', () => {
    const straight = new Map<number, string>();
    const digestAt = (n: number): string => {
      if (!straight.has(n)) {
        const s = make();
        s.advance({ toSeq: n });
        straight.set(n, `${s.position().seq}:${s.stateDigest()}:${s.streamHash()}`);
      }
      return straight.get(n)!;
    };
    const op = fc.oneof(
      fc.record({ k: fc.constant('step' as const), n: fc.integer({ min: 1, max: 60 }) }),
      fc.record({ k: fc.constant('seek' as const), n: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ k: fc.constant('reset' as const), n: fc.constant(0) }),
      fc.record({ k: fc.constant('budget' as const), n: fc.integer({ min: 1, max: 20_000 }) }),
      // Small steps back: positions inside and at the edges of the current group of events.
      fc.record({ k: fc.constant('back' as const), n: fc.integer({ min: 0, max: 4 }) }),
      // Scrubbing by time: the state shown must be the state of a straight run to where it lands.
      fc.record({ k: fc.constant('cycle' as const), n: fc.integer({ min: 0, max: 400_000 }) }),
    );
    const target = fc.oneof(
      fc.record({ abs: fc.constant(true), n: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ abs: fc.constant(false), n: fc.integer({ min: -4, max: 1 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 8 }), target, (ops, tg) => {
        const t = make(KERNEL, { snapshotEvery: { events: 25, instructions: 1e9, cycles: 1e12 } });
        for (const o of ops) {
          if (o.k === 'step') t.advance({ events: o.n });
          else if (o.k === 'seek') t.seek(o.n);
          else if (o.k === 'reset') t.reset();
          else if (o.k === 'back') t.seek(Math.max(0, t.position().seq - o.n));
          else if (o.k === 'cycle') {
            t.seekCycle(o.n);
            const at = t.position().seq;
            expect(`${at}:${t.stateDigest()}`).toBe(digestAt(at).replace(/:[^:]*$/, ''));
          } else t.advance({ budget: o.n });
        }
        const target = tg.abs ? tg.n : Math.max(0, t.position().seq + tg.n);
        t.seek(target);
        expect(`${t.position().seq}:${t.stateDigest()}:${t.streamHash()}`).toBe(digestAt(target));
      }),
      { numRuns: 60 },
    );
  });

  it('memory stays flat: the ring keeps only its capacity, snapshots are thinned', () => {
    const t = make({ ...KERNEL, insnEvents: true }, { ringCapacity: 1024, snapshotEvery: { events: 100, instructions: 1e9, cycles: 1e12 }, maxSnapshots: 8 });
    t.advance({ events: 5000 });
    expect(t.ring.oldestSeq).toBe(5000 - 1024);
    expect(t.snapshotCount).toBeLessThanOrEqual(8);
    // Seeking below the ring's window re-simulates and the events come back.
    t.seek(300);
    expect(t.events(0, 300).count).toBeGreaterThan(0);
    expect(t.position().seq).toBe(300);
  });
});

describe('timeline: interventions fork the timeline', () => {
  it('killing the VM stops it; a replay after seeking back reaches the same outcome', () => {
    const t = make();
    t.advance({ events: 60 });
    expect(t.intervene({ kind: 'kill-vm', vm: 0 })).toBeNull();
    const at = t.position().seq;
    const evs = batchEvents(t.events(0, at));
    expect(evs.some((e) => e.kind === EventKind.VM_STATE && e.p[1] === 3)).toBe(true);
    runToEnd(t);
    const end = t.stateDigest();
    const hash = t.streamHash();
    expect(t.inspect().vms[0].state).toBe('crashed');
    t.seek(10);
    runToEnd(t);
    expect(t.stateDigest()).toBe(end);
    expect(t.streamHash()).toBe(hash);
  });

  it('killing the VM at a VM exit, before its handler ran: no handler runs for it, and a replay agrees', () => {
    const t = make();
    expect(t.advance({ untilKinds: [EventKind.VMEXIT], budget: 50_000_000 })).toBe('kind');
    const exitAt = t.position().seq;
    expect(t.intervene({ kind: 'kill-vm', vm: 0 })).toBeNull();
    runToEnd(t);
    const after = batchEvents(t.events(exitAt, t.position().seq));
    expect(after.some((e) => e.kind === EventKind.VMM_HANDLER)).toBe(false);
    expect(after.some((e) => e.kind === EventKind.VMENTRY)).toBe(false);
    expect(t.inspect().vms[0].state).toBe('crashed');
    const end = t.stateDigest();
    t.seek(0);
    runToEnd(t);
    expect(t.stateDigest()).toBe(end);
  });

  it('rejects actions that do not apply, with a message', () => {
    const t = make({ scenario: 'kernel-bare', cpu: 'nehalem', seed: 1, insnEvents: false });
    expect(t.intervene({ kind: 'kill-vm', vm: 0 })).toMatch(/no VM/);
    const g = make();
    expect(g.intervene({ kind: 'kill-vm', vm: 7 })).toMatch(/no VM 7/);
  });
});

describe('timeline: bad specs', () => {
  it('names the field at fault', () => {
    const bad = (spec: Partial<SessionSpec>): string[] => {
      const r = Timeline.create({ ...KERNEL, ...spec });
      return r.ok ? [] : r.errors.map((e) => e.field);
    };
    expect(bad({ scenario: 'nope' })).toEqual(['scenario']);
    expect(bad({ cpu: 'pentium' })).toEqual(['cpu']);
    expect(bad({ params: { NOT_A_PARAM: 1 } })).toEqual(['params.NOT_A_PARAM']);
    expect(bad({ params: { TICKS_TO_RUN: 1.5 } })).toEqual(['params.TICKS_TO_RUN']);
    expect(bad({ seed: -1 })).toEqual(['seed']);
  });
});

describe('timeline: the software VMM platform (swvmm)', () => {
  const SW: SessionSpec = { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: false, params: { TICKS_TO_RUN: 3 }, mode: 'swvmm' };

  it('the same spec and seed give the same event stream, byte for byte, however the run is split', () => {
    const a = make(SW);
    const b = make(SW);
    runToEnd(a);
    runToEnd(b);
    expect(a.position().seq).toBeGreaterThan(500);
    expect(a.streamHash()).toBe(b.streamHash());
    expect(a.stateDigest()).toBe(b.stateDigest());
    expect(batchEvents(a.events(0, a.position().seq)).some((e) => e.kind === EventKind.SW_TRAP)).toBe(true);
    const stepped = make(SW, { snapshotEvery: { events: 9, instructions: 3000, cycles: 1e12 }, maxSnapshots: 1000 });
    let k = 0;
    while (stepped.advance({ events: 1 + (k++ % 5), budget: 4000 }) !== 'end');
    expect(stepped.streamHash()).toBe(a.streamHash());
    expect(stepped.stateDigest()).toBe(a.stateDigest());
  });

  it('property: seek(t) after any sequence of steps equals a straight run to t', () => {
    const straight = new Map<number, string>();
    const digestAt = (n: number): string => {
      if (!straight.has(n)) {
        const s = make(SW);
        s.advance({ toSeq: n });
        straight.set(n, `${s.position().seq}:${s.stateDigest()}:${s.streamHash()}`);
      }
      return straight.get(n)!;
    };
    const op = fc.oneof(
      fc.record({ k: fc.constant('step' as const), n: fc.integer({ min: 1, max: 60 }) }),
      fc.record({ k: fc.constant('seek' as const), n: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ k: fc.constant('reset' as const), n: fc.constant(0) }),
      fc.record({ k: fc.constant('budget' as const), n: fc.integer({ min: 1, max: 20_000 }) }),
      fc.record({ k: fc.constant('back' as const), n: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ k: fc.constant('cycle' as const), n: fc.integer({ min: 0, max: 2_000_000 }) }),
    );
    const target = fc.oneof(
      fc.record({ abs: fc.constant(true), n: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ abs: fc.constant(false), n: fc.integer({ min: -4, max: 1 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 8 }), target, (ops, tg) => {
        const t = make(SW, { snapshotEvery: { events: 25, instructions: 1e9, cycles: 1e12 } });
        for (const o of ops) {
          if (o.k === 'step') t.advance({ events: o.n });
          else if (o.k === 'seek') t.seek(o.n);
          else if (o.k === 'reset') t.reset();
          else if (o.k === 'back') t.seek(Math.max(0, t.position().seq - o.n));
          else if (o.k === 'cycle') {
            t.seekCycle(o.n);
            const at = t.position().seq;
            expect(`${at}:${t.stateDigest()}`).toBe(digestAt(at).replace(/:[^:]*$/, ''));
          } else t.advance({ budget: o.n });
        }
        const target = tg.abs ? tg.n : Math.max(0, t.position().seq + tg.n);
        t.seek(target);
        expect(`${t.position().seq}:${t.stateDigest()}:${t.streamHash()}`).toBe(digestAt(target));
      }),
      // Fewer runs than the VT-x property: each digest hashes the VMM's 4 MiB as well as the guest's 8 MiB.
      { numRuns: 30 },
    );
  });
});
