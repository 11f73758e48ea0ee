import { afterEach, describe, expect, it } from 'vitest';
import { wrap, expose, releaseProxy, type Remote } from 'comlink';
import { createEngine, type EngineClock } from './engine.ts';
import type { EngineApi } from './protocol.ts';
import { EventKind } from '../core/trace/events.ts';
import { batchEvents, EVENT_STRIDE } from '../core/trace/batch.ts';

/** A clock the test moves by hand; scheduled tasks run when the test says so. */
function manualClock(): EngineClock & { t: number; runDue(): number } {
  const tasks: { at: number; fn: () => void }[] = [];
  const c = {
    t: 0,
    now: () => c.t,
    schedule: (fn: () => void, ms: number) => void tasks.push({ at: c.t + Math.max(0, ms), fn }),
    /** Runs the tasks that are due (once each); returns how many ran. */
    runDue: () => {
      const due = tasks.filter((x) => x.at <= c.t);
      for (const d of due) tasks.splice(tasks.indexOf(d), 1);
      for (const d of due) d.fn();
      return due.length;
    },
  };
  return c;
}

const SPEC = { scenario: 'kernel', cpu: 'nehalem', seed: 7, insnEvents: false, params: { TICKS_TO_RUN: 3 } };

describe('engine (direct)', () => {
  it('loads, steps, reports positions and rejects a broken spec with the field at fault', () => {
    const e = createEngine(manualClock());
    const bad = e.load({ ...SPEC, scenario: 'no-such' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0].field).toBe('scenario');
    const ok = e.load(SPEC);
    expect(ok.ok).toBe(true);
    const s1 = e.step(1);
    expect(s1.position.seq).toBe(1);
    const s2 = e.step(10);
    expect(s2.position.seq).toBe(11);
    expect(s2.clockCycle).toBeGreaterThan(0);
    const back = e.stepBack(5);
    expect(back.position.seq).toBe(6);
    expect(back.generation).toBeGreaterThan(s2.generation);
  });

  it('play paces simulated time by the wall clock at the chosen speed', () => {
    const clock = manualClock();
    const e = createEngine(clock);
    e.load(SPEC);
    e.setSpeed(1e-3); // 1/1000 of real time: 2.27 GHz → 2.27 M cycles per wall second
    e.play();
    clock.t = 100; // 100 ms → 227 000 simulated cycles
    clock.runDue();
    clock.t += 1;
    clock.runDue();
    const s = e.status();
    expect(s.state).toBe('playing');
    expect(s.clockCycle).toBeGreaterThan(200_000);
    expect(s.clockCycle).toBeLessThan(260_000);
    expect(s.position.cycle).toBeLessThanOrEqual(s.clockCycle);
    e.pause();
    expect(e.status().state).toBe('paused');
  });

  it('holds after an animated kind of event for the animation time', () => {
    const clock = manualClock();
    const e = createEngine(clock);
    e.load(SPEC);
    e.setSpeed(1);
    e.setHold({ kinds: [EventKind.VMEXIT], ms: 500 });
    e.play();
    clock.t = 50; // 50 ms at real time: 113 M cycles, far past the first VM exit
    clock.runDue();
    const first = e.status().position.seq;
    expect(first).toBeGreaterThan(0);
    const last = batchEvents(e.events(first - 1, first))[0];
    expect(last.kind).toBe(EventKind.VMEXIT);
    clock.t = 450;
    clock.runDue();
    expect(e.status().position.seq).toBe(first);
    clock.t = 551; // the hold is over: simulated time resumes from where it stopped
    clock.runDue();
    clock.t = 700;
    clock.runDue();
    expect(e.status().position.seq).toBeGreaterThan(first);
  });

  it('run fast-forwards to the end; drains carry only the tail while running', () => {
    const clock = manualClock();
    const e = createEngine(clock);
    e.load(SPEC);
    e.runTo({ to: 'end' });
    expect(e.status().state).toBe('running');
    let guard = 0;
    while (e.status().state === 'running' && guard++ < 10_000) {
      clock.t += 20;
      clock.runDue();
    }
    const s = e.status();
    expect(s.state).toBe('paused');
    expect(s.ended).toBe('halted');
    expect(s.position.atEnd).toBe(true);
    const d = e.drain(100_000);
    expect(d.rebase).toBe(true);
    expect(d.batch.count).toBeGreaterThan(0);
    expect(e.exportTrace().trim().split('\n').pop()).toMatch(/"type":"end","reason":"halted"/);
    // The end comes once, last, in full: the registers and the instruction count, as the CLI writes it.
    const records = e.exportTrace().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.filter((r) => r.type === 'end')).toHaveLength(1);
    expect(records.at(-1)).toMatchObject({ type: 'end', reason: 'halted', registers: { eip: expect.stringMatching(/^0x[0-9A-F]{8}$/) } });
    expect(typeof records.at(-1)!.instructions).toBe('number');
  });

  it('a trace exported before the end ends with the position\'s end record, reason limit (docs/trace-format.md)', () => {
    const e = createEngine(manualClock());
    e.load(SPEC);
    e.step(12);
    const lines = e.exportTrace().trim().split('\n');
    expect(lines).toHaveLength(13);
    const end = JSON.parse(lines[12]) as Record<string, unknown>;
    expect(end).toMatchObject({ type: 'end', reason: 'limit', mode: expect.any(String), registers: { eax: expect.stringMatching(/^0x/) } });
    // It describes the position: no earlier than the last event shown.
    expect(end.cycle as number).toBeGreaterThanOrEqual((JSON.parse(lines[11]) as { cycle: number }).cycle);
  });

  it('drain sends each released event once, in order, and rebases after a seek back', () => {
    const e = createEngine(manualClock());
    e.load(SPEC);
    let d = e.drain(1000);
    expect(d.rebase).toBe(true);
    e.step(30);
    d = e.drain(1000);
    expect(d.rebase).toBe(false);
    expect(d.batch.firstSeq).toBe(0);
    expect(d.batch.count).toBe(30);
    e.step(5);
    d = e.drain(1000);
    expect([d.batch.firstSeq, d.batch.count]).toEqual([30, 5]);
    e.seek(10);
    d = e.drain(1000);
    expect(d.rebase).toBe(true);
    expect(d.batch.firstSeq + d.batch.count).toBe(10);
  });

  it('records an error from a bad call, stays usable', () => {
    const e = createEngine(manualClock());
    expect(() => e.step(1)).toThrow(/no scenario/);
    expect(e.status().error?.where).toBe('step');
    e.load(SPEC);
    expect(e.status().error).toBeNull();
    expect(() => e.seek(-5)).toThrow(RangeError);
    expect(e.step(2).position.seq).toBe(2);
  });

  it('an intervention forks the timeline and replays from a link', () => {
    const e = createEngine(manualClock());
    e.load(SPEC);
    e.step(40);
    const r = e.intervene({ kind: 'kill-vm', vm: 0 });
    expect(r.error).toBeNull();
    const list = e.interventions();
    expect(list).toHaveLength(1);
    const pos = r.status.position.seq;
    const view = e.inspect()!;
    expect(view.vms[0].state).toBe('crashed');
    const f = createEngine(manualClock());
    const l = f.restoreLink(SPEC, list, pos);
    expect(l.ok).toBe(true);
    expect(f.status().position.seq).toBe(pos);
    expect(f.inspect()).toEqual(view);
  });
});

describe('engine: the Rings & VMX lab\'s reads', () => {
  it('reads the VMCS, exits, listing, breakpoints and the model comparison', () => {
    const clock = manualClock();
    const e = createEngine(clock);
    e.load({ scenario: 'cpuid', seed: 1, insnEvents: true });
    // Step until the first VM exit with reason 10 (CPUID).
    let guard = 0;
    for (;;) {
      e.step(1);
      const seq = e.status().position.seq;
      const ev = batchEvents(e.events(seq - 1, seq))[0];
      if (ev.kind === EventKind.VMEXIT && (ev.p[1] & 0xffff) === 10) break;
      if (++guard > 5000) throw new Error('no CPUID exit');
    }
    const v = e.vmcs()!;
    const field = (snap: { fields: [number, number, number][] }, enc: number): number => snap.fields.find((f) => f[0] === enc)![1];
    expect(field(v.now, 0x4402) & 0xffff).toBe(10);
    expect(field(v.now, 0x440c)).toBe(2);
    expect(v.transition?.kind).toBe(EventKind.VMEXIT);
    expect(v.before).not.toBeNull();
    expect(field(v.before!, 0x4402) & 0xffff).not.toBe(10);
    expect(e.inspect()!.vmx).toBe('root');
    // The exit index has it.
    const x = e.exits();
    expect(x.count).toBeGreaterThan(0);
    expect(x.reason[x.count - 1]).toBe(10);
    // The listing has the program's instructions, CPUID among them.
    const rows = e.listing();
    expect(rows.some((r) => /cpuid/i.test(r.text))).toBe(true);
    // A breakpoint on the instruction after the first HLT stops Run there.
    const hlt = rows.find((r) => /^hlt/i.test(r.text))!;
    e.reset();
    e.setBreakpoints([hlt.address]);
    e.runTo({ to: 'end' });
    while (e.status().state === 'running') {
      clock.t += 20;
      clock.runDue();
    }
    expect(e.status().lastStop?.reason).toBe('breakpoint');
    expect(e.inspect()!.pc).toBe(hlt.address);
    // The same program on every CPU model.
    const cmp = e.compareModels();
    expect(cmp.map((c) => c.cpu)).toEqual(['xeon-lv', 'xeon-5100', 'nehalem', 'modern']);
    for (const c of cmp) expect('error' in c ? c.error : c.ended).toBe('halted');
  });
});

describe('engine: the software VMM platform', () => {
  it('offers swvmm in the catalog with its trap cost per model; loads it, steps to the first trap, time-travels, compares platforms', () => {
    const clock = manualClock();
    const e = createEngine(clock);
    const cat = e.catalog();
    expect(cat.modes).toEqual(['bare', 'guest', 'swvmm', 'bt', 'pv']);
    for (const c of cat.cpus) expect(c.costs.swTrap).toMatchObject({ value: 2030, kind: 'assumption' });
    expect(cat.cpus[0].costs.swTrap.basis).toMatch(/Adams/);
    const r = e.load({ ...SPEC, mode: 'swvmm' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.view).toMatchObject({ mode: 'swvmm', vmx: 'none', hostCpl: 1, cpl: 0 });
    e.runTo({ to: 'kind', kinds: [EventKind.SW_TRAP] });
    while (e.status().state === 'running') {
      clock.t += 20;
      clock.runDue();
    }
    const at = e.status().position.seq;
    const last = batchEvents(e.events(at - 1, at))[0];
    expect(last.kind).toBe(EventKind.SW_TRAP);
    expect(e.vmcs()).toBeNull();
    const view = e.inspect()!;
    e.step(40);
    e.seek(at);
    expect(e.inspect()).toEqual(view);
    expect(e.listing().length).toBeGreaterThan(50);
    const runs = e.comparePlatforms();
    expect(runs.map((x) => [x.mode, x.ended])).toEqual([['bare', 'halted'], ['guest', 'halted'], ['swvmm', 'halted'], ['bt', 'halted']]);
    for (const x of runs) expect(x.console).toContain('kernel halted');
  });
});

describe('engine over comlink (MessageChannel, transfer)', () => {
  let remote: Remote<EngineApi> | null = null;
  let channel: InstanceType<typeof MessageChannel> | null = null;
  afterEach(() => {
    remote?.[releaseProxy]();
    channel?.port1.close();
    channel?.port2.close();
  });

  it('streams events in batches of typed arrays; same seed, same stream hash', async () => {
    const hashes: number[] = [];
    for (let k = 0; k < 2; k++) {
      channel = new MessageChannel();
      const clock = manualClock();
      expose(createEngine(clock), channel.port1 as unknown as Parameters<typeof expose>[1]);
      remote = wrap<EngineApi>(channel.port2 as unknown as Parameters<typeof wrap>[0]);
      const r = await remote.load(SPEC);
      expect(r.ok).toBe(true);
      let h = 0x811c9dc5;
      let total = 0;
      for (let i = 0; i < 20; i++) {
        await remote.step(25);
        const d = await remote.drain(100_000);
        expect(d.batch.data).toBeInstanceOf(Float64Array);
        expect(d.batch.data.length).toBe(d.batch.count * EVENT_STRIDE);
        total += d.batch.count;
        const bytes = new Uint8Array(d.batch.data.buffer);
        for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
      }
      expect(total).toBe(500);
      hashes.push(h >>> 0);
      remote[releaseProxy]();
      channel.port1.close();
      channel.port2.close();
      remote = null;
      channel = null;
    }
    expect(hashes[0]).toBe(hashes[1]);
  });
});
