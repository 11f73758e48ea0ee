/**
 * The worker's technique comparison: one technique per task (the engine answers other calls in between, with
 * progress after each), the result is plain data (structured-clonable), a newer request supersedes an older one,
 * and bad requests come back as field errors.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, type EngineClock } from './engine.ts';
import type { TechniquesProgress } from './protocol.ts';

function manualClock() {
  const tasks: (() => void)[] = [];
  const clock: EngineClock = { now: () => 0, schedule: (fn) => void tasks.push(fn) };
  return { clock, tasks, runOne: (): boolean => (tasks.length > 0 ? (tasks.shift()!(), true) : false) };
}

describe('compareTechniques in the engine', () => {
  it('runs one technique per task, reports progress, and answers other calls in between', async () => {
    const m = manualClock();
    const e = createEngine(m.clock);
    const progress: TechniquesProgress[] = [];
    const done = e.compareTechniques({ workload: 'sensitive', cpu: 'nehalem' }, (p) => void progress.push(p));
    expect(progress).toEqual([{ done: 0, total: 6, running: 'native' }]);
    expect(m.runOne()).toBe(true);
    expect(progress.at(-1)).toEqual({ done: 1, total: 6, running: 'trap-and-emulate' });
    // the worker is free between techniques
    expect(e.techniqueDefaults('nehalem')?.workloads.map((w) => w.id)).toContain('sensitive');
    while (m.runOne());
    const r = await done;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(progress.at(-1)).toEqual({ done: 6, total: 6, running: null });
    expect(structuredClone(r.comparison)).toEqual(r.comparison);
    const status = Object.fromEntries(r.comparison.results.map((x) => [x.technique, x.verdict.status]));
    expect(status).toEqual({ native: 'baseline', 'trap-and-emulate': 'wrong', 'binary-translation': 'correct', paravirt: 'failed', 'vtx-shadow': 'correct', 'vtx-ept': 'correct' });
  });

  it('a newer request supersedes an older one; bad requests name the field', async () => {
    const m = manualClock();
    const e = createEngine(m.clock);
    const first = e.compareTechniques({ workload: 'cpu-bound', cpu: 'nehalem' });
    m.runOne();
    const second = e.compareTechniques({ workload: 'cpu-bound', cpu: 'nehalem', costs: { trap: 100 } });
    while (m.runOne());
    expect(await first).toEqual({ ok: false, errors: [{ field: 'run', message: 'superseded by a newer comparison' }] });
    const s = await second;
    expect(s.ok && s.comparison.assumptions.find((a) => a.key === 'trap')?.value).toBe(100);
    const bad = await e.compareTechniques({ workload: 'cpu-bound', cpu: 'nehalem', costs: { trap: -3 } });
    expect(bad).toEqual({ ok: false, errors: [{ field: 'costs.trap', message: 'cannot be negative' }] });
    expect(e.techniqueDefaults('pentium')).toBeNull();
  });
});
