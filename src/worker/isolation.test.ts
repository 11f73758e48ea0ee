import { describe, expect, it } from 'vitest';
import { runIsolationLab } from './isolation.ts';
import { ISOLATION_DEFAULTS } from '../core/isolation/index.ts';

describe('worker isolationRun', () => {
  it('answers bad parameters with ok: false, the field and a message (no exception)', () => {
    const r = runIsolationLab({ ...ISOLATION_DEFAULTS, sliceMs: -1 });
    expect(r).toMatchObject({ ok: false, field: 'sliceMs' });
    expect(r.ok ? '' : r.message).toMatch(/time slice/);
    expect(runIsolationLab({ ...ISOLATION_DEFAULTS, cpu: 'z80' })).toMatchObject({ ok: false, field: 'cpu' });
  });
  it('runs the three VMs and the consolidated server; the fault-free reference is reused for the same set-up', () => {
    const p = { ...ISOLATION_DEFAULTS, cpu: 'modern', durationMs: 0.6, faultAtMs: 0.2 };
    const a = runIsolationLab(p);
    const b = runIsolationLab({ ...p, fault: 'kernel-panic' as const });
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(b.result.baseline).toBe(a.result.baseline);
      // The VMM samples when it has control (at VM exits): at least once per time slice.
      expect(a.result.virtualized.samples.length).toBeGreaterThanOrEqual(Math.floor(p.durationMs / p.sliceMs));
      expect(a.result.consolidated.end).toBe('shutdown');
      expect(b.result.consolidated.end).toBe('halted');
    }
  }, 30_000);
});
