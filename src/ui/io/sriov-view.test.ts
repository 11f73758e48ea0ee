import { describe, expect, it } from 'vitest';
import { figuresAt, parseIntField, parseRateField, runSentence } from './sriov-view.ts';
import { runSriov } from '../../worker/vtd.ts';

describe('shared-device tab helpers', () => {
  it('parses hex or decimal whole numbers and rejects the rest', () => {
    expect(parseIntField('0x80', 1, 65535, 'x')).toEqual({ ok: true, value: 128 });
    expect(parseIntField('2', 1, 65535, 'x')).toEqual({ ok: true, value: 2 });
    expect(parseIntField('0', 1, 65535, 'x').ok).toBe(false);
    expect(parseIntField('2.5', 1, 9, 'x').ok).toBe(false);
    expect(parseRateField('1.5')).toEqual({ ok: true, value: 1.5 });
    expect(parseRateField('-1').ok).toBe(false);
  });

  it('reads the figures at the chosen number of VMs (line rate caps the aggregate)', () => {
    const r = runSriov({ vfs: 16, firstVfOffset: 0x80, vfStride: 2, perVmGbit: 1 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.result.scaling).toHaveLength(60);
    expect(figuresAt(r.result, 4)).toMatchObject({ aggregateGbit: 4, saturated: false });
    const f = figuresAt(r.result, 16);
    expect(f.aggregateGbit).toBe(9.48);
    expect(f.saturated).toBe(true);
    expect(f.extraCpuPercent).toBeCloseTo(26.4, 6);
  });

  it('narrates a run in one sentence: what was set up, what the isolation checks found, the figures', () => {
    const r = runSriov({ vfs: 4, firstVfOffset: 0x80, vfStride: 2, perVmGbit: 1 });
    if (!r.ok) throw new Error(r.message);
    expect(runSentence(r.result, 4)).toBe(
      'Set up 4 virtual functions, one per VM: 4 of 4 DMAs into a VF’s own VM went through, 4 of 4 DMAs into a neighbour VM’s memory were blocked; 4 Gbit/s aggregate, 5.3 % extra CPU.',
    );
  });
});
