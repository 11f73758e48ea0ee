import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../scenarios/index.ts';
import { scenarioParameters } from '../scenarios/parameters.ts';
import { Timeline } from '../timeline/timeline.ts';
import { Session, resolveSpec } from './session.ts';
import { NullSink } from '../trace/sink.ts';

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
