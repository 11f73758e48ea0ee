/**
 * The binary translator and the paravirtual VMM as Rings & VMX platforms (SessionSpec.mode 'bt' and 'pv'):
 * stepped one event at a time by a Session, they run the guest the way their own runners do, emit their own
 * events, and snapshot / restore through the Session (the timeline's seek) without changing the future.
 */
import { describe, expect, it } from 'vitest';
import { Session, resolveSpec, runOnPlatform, type SessionMode, type SessionSpec } from '../session/session.ts';
import { Timeline } from '../timeline/timeline.ts';
import { NullSink, type TraceSink } from '../trace/sink.ts';
import { EventKind } from '../trace/events.ts';
import { calloutCostFor, translateCostFor } from './binary-translation/costs.ts';
import { hypercallCostFor } from './paravirt/costs.ts';
import { HYPERCALL_NAMES } from './paravirt/abi.ts';

class StepSink implements TraceSink {
  session: Session | null = null;
  events: { kind: number; p: number[] }[] = [];
  emit(kind: number, _cycle: number, ...p: number[]): void {
    this.events.push({ kind, p });
    this.session?.requestYield();
  }
  text(): void {
    this.session?.requestYield();
  }
}

const make = (mode: SessionSpec['mode'], spec: Partial<SessionSpec> = {}): { s: Session; sink: StepSink } => {
  const sink = new StepSink();
  const r = Session.create({ scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: false, mode, params: { TICKS_TO_RUN: 2 }, ...spec }, sink);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  sink.session = r.session;
  return { s: r.session, sink };
};
const toEnd = (s: Session): void => {
  for (let k = 0; k < 200_000 && s.ended === null; k++) s.run(1_000_000);
};
const nativeConsole = (spec: Partial<SessionSpec> = {}): string => {
  const r = runOnPlatform({ scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: false, params: { TICKS_TO_RUN: 2 }, ...spec }, 'bare');
  if ('error' in r) throw new Error(r.error);
  return r.console;
};

describe('Rings & VMX platform: binary translation (mode bt)', () => {
  it('resolveSpec accepts bt and pv and keeps the program text (the program is the guest)', () => {
    for (const mode of ['bt', 'pv'] as const) {
      const r = resolveSpec({ scenario: 'sensitive', seed: 1, insnEvents: false, mode });
      expect(r.ok && r.mode).toBe(mode);
      if (r.ok) expect(r.source).toMatch(/^; @mode /m);
    }
  });

  it('the first event is a translation-cache miss at the entry, then the kernel\'s CLI is a callout, not a trap', () => {
    const { s, sink } = make('bt');
    for (let k = 0; k < 3 && s.ended === null; k++) s.run(1_000_000);
    const first = sink.events[0];
    // BT_TRANSLATE: p1 guest linear EIP = the entry; p6 the cycles charged = instructions × the per-instruction figure.
    expect(first.kind).toBe(EventKind.BT_TRANSLATE);
    expect(first.p[1]).toBe(s.entry);
    expect(first.p[6]).toBe(first.p[3] * translateCostFor('nehalem').value);
    const callout = sink.events.find((e) => e.kind === EventKind.BT_CALLOUT)!;
    expect(callout.p[1]).toBe(s.entry); // the CLI at the entry
    expect(callout.p[5]).toBe(calloutCostFor('nehalem').value);
    expect(sink.events.some((e) => e.kind === EventKind.SW_TRAP)).toBe(false);
    const v = s.inspect();
    expect(v).toMatchObject({ mode: 'bt', vmx: 'none', cpl: 0, hostCpl: 1 });
    // Each miss is one BT_TRANSLATE event and one entry of the cache; each callout one BT_CALLOUT event.
    expect(v.bt?.misses).toBe(sink.events.filter((e) => e.kind === EventKind.BT_TRANSLATE).length);
    expect(v.bt?.callouts).toBe(sink.events.filter((e) => e.kind === EventKind.BT_CALLOUT).length);
    const tc = s.translationCache()!;
    expect(tc).toHaveLength(v.bt!.misses);
    expect(tc[0].rows[0]).toMatchObject({ kind: 'CALLOUT', original: expect.stringMatching(/^cli/) });
    expect(tc[0].rows[0].translated).toMatch(/call VMM: emulate CLI/);
  });

  it('runs the kernel to its end with native\'s console, hitting the translation cache far more often than missing it', () => {
    const { s } = make('bt');
    toEnd(s);
    expect(s.ended).toBe('halted');
    const v = s.inspect();
    expect(v.console).toBe(nativeConsole());
    expect(v.bt!.hits + v.bt!.chained).toBeGreaterThan(10 * v.bt!.misses);
    expect(v.bt!.translateCycles).toBe(v.bt!.translatedInstructions * translateCostFor('nehalem').value);
    expect(s.translationCache()!.length).toBe(v.bt!.translations);
  });

  it('is right where trap-and-emulate is wrong: sensitive.s prints what it prints natively', () => {
    const con = (mode: SessionMode): string => {
      const r = runOnPlatform({ scenario: 'sensitive', cpu: 'nehalem', seed: 1, insnEvents: false }, mode);
      if ('error' in r) throw new Error(r.error);
      return r.console;
    };
    expect(con('bt')).toBe(con('bare'));
    expect(con('swvmm')).not.toBe(con('bare'));
  });

  it('a timeline seek back and forth gives the same view and the same TC (snapshots hold the translation cache)', () => {
    const r = Timeline.create({ scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: false, mode: 'bt', params: { TICKS_TO_RUN: 2 } });
    if (!r.ok) throw new Error('create');
    const t = r.timeline;
    t.advance({ events: 400, budget: 50_000_000 });
    const at = t.position().seq;
    const view = t.inspect();
    const tc = t.session.translationCache();
    t.seek(Math.floor(at / 3));
    expect(t.inspect()).not.toEqual(view);
    t.seek(at);
    expect(t.inspect()).toEqual(view);
    expect(t.session.translationCache()).toEqual(tc);
  });
});

describe('Rings & VMX platform: paravirtualization (mode pv)', () => {
  it('runs the ported kernel (paravirt/kernel-pv.s): hypercalls, no privileged instruction, powered off', () => {
    const { s, sink } = make('pv');
    expect(s.portFile).toBe('paravirt/kernel-pv.s');
    expect(s.source).toMatch(/HYPERVISOR|hypercall|int 0x82/i);
    toEnd(s);
    expect(s.ended).toBe('poweroff');
    const calls = sink.events.filter((e) => e.kind === EventKind.PV_HYPERCALL);
    expect(calls.length).toBeGreaterThan(5);
    expect(calls[0].p[6]).toBe(hypercallCostFor('nehalem').value);
    const v = s.inspect();
    expect(v.pv).toMatchObject({ ported: true, portFile: 'paravirt/kernel-pv.s', state: 'shutdown', int80Direct: true });
    expect(v.pv!.hypercalls).toBe(calls.length);
    expect(Object.keys(v.pv!.hypercallsByName).every((n) => Object.values(HYPERCALL_NAMES).includes(n))).toBe(true);
    expect(v.vms[0].state).toBe('stopped');
    expect(v.console).toContain('[ring 3] hello from user mode');
    expect(sink.events.some((e) => e.kind === EventKind.PV_DOMAIN_CRASH)).toBe(false);
  });

  it('crashes the unmodified kernel (the user\'s own program) at its first privileged instruction, CLI at the entry', () => {
    const r = resolveSpec({ scenario: 'kernel', seed: 1, insnEvents: false, mode: 'bare' });
    if (!r.ok) throw new Error('resolve');
    const original = r.source.replace(/^; @mode bare/m, '; @mode guest');
    const { s, sink } = make('pv', { source: original, params: undefined });
    expect(s.portFile).toBeNull();
    toEnd(s);
    expect(s.ended).toBe('vm-crash');
    const crash = sink.events.find((e) => e.kind === EventKind.PV_DOMAIN_CRASH)!;
    expect(crash.p[1]).toBe(13); // #GP
    expect(crash.p[3]).toBe(s.entry);
    const v = s.inspect();
    expect(v.vms[0].state).toBe('crashed');
    expect(v.vms[0].message).toMatch(/`cli` at EIP 0x00010000 \(ring 1\) raised #GP.*privileged instruction/);
    expect(v.pv).toMatchObject({ ported: false, hypercalls: 0 });
  });

  it('a preset without a port runs as written and is crashed the same way', () => {
    const r = Session.create({ scenario: 'syscall-heavy', cpu: 'nehalem', seed: 1, insnEvents: false, mode: 'pv' }, new NullSink());
    if (!r.ok) throw new Error('create');
    toEnd(r.session);
    expect(r.session.ended).toBe('vm-crash');
    expect(r.session.portFile).toBeNull();
  });

  it('a timeline seek back and forth gives the same view (snapshots hold the trap table and counters)', () => {
    const r = Timeline.create({ scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: false, mode: 'pv', params: { TICKS_TO_RUN: 2 } });
    if (!r.ok) throw new Error('create');
    const t = r.timeline;
    t.advance({ events: 300, budget: 50_000_000 });
    const at = t.position().seq;
    const view = t.inspect();
    t.seek(Math.floor(at / 2));
    t.seek(at);
    expect(t.inspect()).toEqual(view);
  });
});
