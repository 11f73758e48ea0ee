import { describe, expect, it } from 'vitest';
import { DEFAULT_IO_PARAMS } from '../core/io-path/index.ts';
import { runIoPaths } from './io-path.ts';

describe('worker ioPath', () => {
  it('returns one message per bad field instead of throwing', () => {
    const r = runIoPaths({ ...DEFAULT_IO_PARAMS, packets: 'eight', bytes: 5000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field).sort()).toEqual(['bytes', 'packets']);
  });
  it('runs the three paths in order with their metrics and the published figures', () => {
    const r = runIoPaths({ ...DEFAULT_IO_PARAMS, packets: 2, batch: 2 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.runs.map((x) => x.path)).toEqual(['emulated', 'paravirtual', 'assigned']);
    expect(r.metrics.map((m) => m.exitsPerRequest.value)).toEqual([18, 1.5, 1]);
    expect(r.figures.length).toBeGreaterThan(5);
    // plain data: survives structured cloning to the UI thread
    expect(structuredClone(r)).toEqual(r);
  });
});
