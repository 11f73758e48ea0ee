import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../scenarios/index.ts';
import { scenarioParameters } from '../scenarios/parameters.ts';
import { Timeline } from '../timeline/timeline.ts';
import { Session, resolveSpec, type SessionSpec } from './session.ts';
import { NullSink, type TraceSink } from '../trace/sink.ts';
import { EventKind } from '../trace/events.ts';
import { trapRoundTripFor } from '../techniques/deprivileged/index.ts';

describe('session: scenario parameters', () => {
  it('every declared parameter exists in its program with a value inside its range', () => {
    for (const sc of SCENARIOS) {
      for (const p of scenarioParameters(sc.id)) {
        expect(p.value, `${sc.id} ${p.name}`).toBeGreaterThanOrEqual(p.min);
        expect(p.value, `${sc.id} ${p.name}`).toBeLessThanOrEqual(p.max);
      }
    }
    expect(scenarioParameters('kernel').map((p) => p.name)).toContain('TICKS_TO_RUN');
  });

  it('both ends of every range assemble and run without crashing the VM', () => {
    for (const sc of SCENARIOS) {
      for (const p of scenarioParameters(sc.id)) {
        for (const value of [p.min, p.max]) {
          const r = Timeline.create({ scenario: sc.id, seed: 1, insnEvents: false, params: { [p.name]: value } });
          expect(r.ok, `${sc.id} ${p.name}=${value}`).toBe(true);
          if (!r.ok) continue;
          r.timeline.advance({ events: 300, budget: 3_000_000 });
          const view = r.timeline.inspect();
          const crashed = view.vms.some((v) => v.state === 'crashed' && !/triple fault/.test(v.message));
          if (p.name === 'TOUCH_BEYOND_RAM' && value === 1) {
            // The point of this switch: the VMM stops a VM that touches memory it does not have.
            expect(view.vms[0].message).toMatch(/outside the VM's 8 MiB/);
            continue;
          }
          expect(crashed && sc.end !== 'vm-crash', `${sc.id} ${p.name}=${value}: ${view.vms[0]?.message}`).toBe(false);
        }
      }
    }
  });

  it('refuses values outside the range, with the range in the message', () => {
    const r = resolveSpec({ scenario: 'kernel', seed: 0, insnEvents: false, params: { TICKS_TO_RUN: 0 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/from 1 to 1000/);
    const q = resolveSpec({ scenario: 'kernel', seed: 0, insnEvents: false, params: { COM1: 1 } });
    expect(q.ok).toBe(false);
    if (!q.ok) expect(q.errors[0].message).toMatch(/has no parameter COM1 \(it has TICKS_TO_RUN/);
  });
});

describe('session: the seed', () => {
  it('seeds RDRAND: different seeds, different numbers; the same seed, the same ones', () => {
    const rng = (seed: number): number => {
      const r = Session.create({ scenario: 'kernel-bare', seed, insnEvents: false }, new NullSink());
      if (!r.ok) throw new Error('create');
      return (r.session as unknown as { cpus: { rngState: number }[] }).cpus[0].rngState;
    };
    expect(rng(1)).toBe(rng(1));
    expect(rng(1)).not.toBe(rng(2));
    expect(rng(0)).not.toBe(0);
  });
});

describe('session: the software VMM platform (swvmm)', () => {
  /** Records events and asks the session to stop after each one, as the timeline's sink does. */
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
  const make = (spec: Partial<SessionSpec> = {}): { s: Session; sink: StepSink } => {
    const sink = new StepSink();
    const r = Session.create({ scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: false, mode: 'swvmm', params: { TICKS_TO_RUN: 2 }, ...spec }, sink);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    sink.session = r.session;
    return { s: r.session, sink };
  };
  const runUntil = (s: Session, pred: () => boolean): void => {
    for (let k = 0; k < 100_000 && !pred() && s.ended === null; k++) s.run(1_000_000);
  };

  it('resolveSpec accepts swvmm next to bare and guest, keeps the program text, refuses other platforms', () => {
    const r = resolveSpec({ scenario: 'kernel', seed: 1, insnEvents: false, mode: 'swvmm' });
    expect(r.ok && r.mode).toBe('swvmm');
    if (r.ok) expect(r.source).toMatch(/^; @mode guest/m); // the header is not rewritten: the program is the guest
    const bad = resolveSpec({ scenario: 'kernel', seed: 1, insnEvents: false, mode: 'vmware' as SessionSpec['mode'] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ field: 'mode', message: "unknown platform 'vmware'" });
  });

  it('the first trap: the kernel\'s CLI faults at real ring 1 and is emulated; the view shows virtual ring 0, real ring 1, no VMX', () => {
    const { s, sink } = make();
    expect(s.mode).toBe('swvmm');
    expect(s.currentPc()).toBe(s.entry);
    runUntil(s, () => sink.events.some((e) => e.kind === EventKind.SW_TRAP));
    const trap = sink.events.find((e) => e.kind === EventKind.SW_TRAP)!;
    // SW_TRAP: p1 vector 13 (#GP), p3 guest EIP, p4 virtual CPL 0, p5 EmulatedInsn.CLI = 0, p6 the trap round trip.
    expect(trap.p.slice(0, 7)).toEqual([0, 13, 0, s.entry, 0, 0, trapRoundTripFor('nehalem').value]);
    // The delivery just before it goes from ring 1 (the deprivileged kernel) to ring 0 (the VMM).
    const delivery = sink.events[sink.events.indexOf(trap) - 1];
    expect(delivery.kind).toBe(EventKind.EVENT_DELIVERY);
    expect([delivery.p[5], delivery.p[6]]).toEqual([1, 0]);
    const v = s.inspect();
    expect(v).toMatchObject({ mode: 'swvmm', vmx: 'none', cpl: 0, hostCpl: 1, ended: null });
    expect(v.registers.cs).toBe('0x0008'); // the guest sees its ring-0 selector; the processor holds 0x09
    expect(v.swvmm?.trapsByCause['instruction emulation'].count).toBe(1);
    expect(s.vmcs()).toBeNull();
    expect(s.listing().length).toBeGreaterThan(50);
  });

  it('runs the kernel to its end: its applications at real ring 3, its console, halted', () => {
    const { s } = make();
    let sawRing3 = false;
    runUntil(s, () => {
      if (s.inspect().hostCpl === 3) sawRing3 = true;
      return false;
    });
    expect(s.ended).toBe('halted');
    expect(sawRing3).toBe(true);
    const v = s.inspect();
    expect(v.console).toContain('[ring 3] hello from user mode');
    expect(v.console).toContain('kernel halted');
    expect(v.vms[0]).toMatchObject({ id: 0, exits: 0, state: 'halted' });
    expect(v.vms[0].vmmCycles).toBe(v.swvmm!.vmmCycles);
    expect(v.swvmm!.traps).toBeGreaterThan(10);
  });

  it('snapshot and restore: the same state, the same future', () => {
    const { s, sink } = make();
    for (let k = 0; k < 40; k++) s.run(1_000_000);
    const snap = structuredClone(s.snapshot());
    const mem = s.memory.bytes.slice();
    const view = s.inspect();
    const n0 = sink.events.length;
    for (let k = 0; k < 40; k++) s.run(1_000_000);
    const later = s.inspect();
    const n = sink.events.length;
    s.memory.bytes.set(mem);
    s.restore(snap);
    expect(s.inspect()).toEqual(view);
    for (let k = 0; k < 40; k++) s.run(1_000_000);
    expect(s.inspect()).toEqual(later);
    expect(sink.events.slice(n)).toEqual(sink.events.slice(n0, n));
  });

  it('interventions: kill-vm 0 stops the guest; other VMs and NMIs are refused with a reason', () => {
    const { s } = make();
    for (let k = 0; k < 10; k++) s.run(1_000_000);
    expect(s.intervene({ kind: 'kill-vm', vm: 3 })).toBe('there is no VM 3');
    expect(s.intervene({ kind: 'nmi' })).toMatch(/bare machine only/);
    expect(s.intervene({ kind: 'kill-vm', vm: 0 })).toBeNull();
    runUntil(s, () => false);
    expect(s.ended).toBe('vm-crash');
    expect(s.inspect().vms[0]).toMatchObject({ state: 'crashed', message: 'killed by the user' });
  });

  it('the sensitive-instruction lesson: what ring 0 sees (native, VT-x) differs from what the deprivileged kernel sees', () => {
    const consoleOf = (mode: SessionSpec['mode']): string => {
      const r = Session.create({ scenario: 'sensitive', cpu: 'nehalem', seed: 1, insnEvents: false, mode }, new NullSink());
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      while (r.session.ended === null) r.session.run(10_000_000);
      expect(r.session.ended).toBe('halted');
      return r.session.inspect().console;
    };
    const sw = consoleOf('swvmm');
    const vtx = consoleOf('guest');
    expect(consoleOf('bare')).toBe(vtx);
    expect(vtx).toContain('PUSHF after CLI: IF = 0');
    expect(sw).toContain('PUSHF after CLI: IF = 1');
    expect(vtx).toContain('PUSH CS: 0x0008');
    expect(sw).toContain('PUSH CS: 0x0009');
    expect(sw).toContain('SGDT: base 0xFFC10000');
  });
});
