/**
 * The worker's PlanetLab day: data read through the index JSON (as the browser fetches it), replayed a slice of
 * intervals per task with progress between slices, a newer run supersedes an older one, and the metrics are
 * those of the core's runDay (CloudSim-checked in src/core/platform/dynamic/agreement.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDynamicRunner, INTERVALS_PER_SLICE } from './consolidation.ts';
import type { DynamicDayProgress } from './protocol.ts';

const ROOT = join(process.cwd(), 'public/data/planetlab/');
const fetchFile = async (url: string): Promise<string> => readFileSync(join(ROOT, decodeURIComponent(url.slice('mem:/'.length))), 'utf8');

function manualClock() {
  const tasks: (() => void)[] = [];
  return { clock: { now: () => 0, schedule: (fn: () => void) => void tasks.push(fn) }, tasks };
}

async function drain(tasks: (() => void)[]): Promise<number> {
  let n = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 0));
    if (tasks.length === 0) {
      await new Promise((r) => setTimeout(r, 5));
      if (tasks.length === 0) return n;
    }
    while (tasks.length > 0) {
      tasks.shift()!();
      n++;
    }
  }
}

describe('runDynamicDay in the worker', () => {
  it('loads the day through the index, replays it in slices with progress, and reports the metrics', async () => {
    const m = manualClock();
    const r = createDynamicRunner(m.clock, fetchFile);
    const progress: DynamicDayProgress[] = [];
    const done = r.runDynamicDay({ policy: 'thr-mmt-0.8', dataUrl: 'mem:/' }, (p) => void progress.push(p));
    const slices = await drain(m.tasks);
    const res = await done;
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(slices).toBeGreaterThanOrEqual(Math.ceil(287 / INTERVALS_PER_SLICE));
    expect(progress.some((p) => p.phase === 'loading' && p.total === 1052)).toBe(true);
    expect(progress.filter((p) => p.phase === 'replaying').length).toBeGreaterThan(5);
    // one entry per scheduling interval: 0.1 + k × 300 s up to 86,100.1 s (docs/planetlab.md)
    expect(progress.at(-1)).toEqual({ phase: 'replaying', done: 287, total: 287 });
    // docs/planetlab.md: THR-MMT-0.8 reproduces CloudSim to every printed digit
    expect(res.day.metrics.energyKWh).toBeCloseTo(192.62, 1);
    expect(res.day.metrics.migrations).toBe(26711);
    expect(res.day.activeHosts).toHaveLength(287);
    expect(res.day.migrations.reduce((s, x) => s + x, 0)).toBe(26711);
    expect(() => structuredClone(res.day)).not.toThrow();
  }, 30_000);

  it('rejects a bad policy as a value; a newer run supersedes an older one', async () => {
    const m = manualClock();
    const r = createDynamicRunner(m.clock, fetchFile);
    expect(await r.runDynamicDay({ policy: 'best-fit', dataUrl: 'mem:/' })).toMatchObject({ ok: false, error: expect.stringContaining("policy 'best-fit'") });
    const first = r.runDynamicDay({ policy: 'dvfs', dataUrl: 'mem:/' });
    const second = r.runDynamicDay({ policy: 'dvfs', dataUrl: 'mem:/' });
    await drain(m.tasks);
    expect(await first).toEqual({ ok: false, error: 'superseded by a newer run' });
    expect((await second).ok).toBe(true);
  }, 30_000);
});
