import { describe, expect, it } from 'vitest';
import { softwareSurface, vtxSurface } from './surface.ts';
import { BT_CALLOUT_COUNT } from '../techniques/binary-translation/kinds.ts';
import { HYPERCALL_NAMES } from '../vmm/hypercalls.ts';

const MODELS = ['xeon-lv', 'xeon-5100', 'nehalem', 'modern'];
const surfaces = new Map(MODELS.map((m) => [m, vtxSurface(m)]));

describe('VT-x attack surface, from the controls in effect and probes on the core', () => {
  it('every exit the controls say a guest can cause (and that has a probe) is produced by the probe', () => {
    for (const [cpu, s] of surfaces) {
      for (const row of s.exits) if (row.by !== 'host' && row.observed === false) throw new Error(`${cpu}: exit ${row.reason} predicted but not produced`);
    }
  });
  it('CPUID, VMCALL and triple fault are always reachable; EPT violations only with EPT, INVLPG exits only with shadow paging', () => {
    for (const [cpu, s] of surfaces) {
      const r = new Set(s.exits.map((e) => e.reason));
      expect(r.has(10) && r.has(18) && r.has(2), cpu).toBe(true);
      expect(r.has(48), cpu).toBe(s.mmu === 'ept');
      expect(r.has(14), cpu).toBe(s.mmu === 'shadow');
    }
  });
  it('hypercalls found by probing VMCALL are exactly the ABI of hypercalls.ts', () => {
    for (const s of surfaces.values()) expect(s.hypercalls.map((h) => h.fn)).toEqual(Object.keys(HYPERCALL_NAMES).map(Number));
  });
  it('XSETBV is reachable only where the processor has XSAVE (#UD has priority over the exit)', () => {
    expect(surfaces.get('xeon-5100')!.exits.some((e) => e.reason === 55)).toBe(false);
    expect(surfaces.get('modern')!.exits.find((e) => e.reason === 55)?.observed).toBe(true);
  });
});

describe('software VMM attack surface (binary translation)', () => {
  const sw = softwareSurface();
  it('the opcode sweep reaches every callout the translator defines', () => {
    expect(sw.callouts.length).toBe(BT_CALLOUT_COUNT);
    expect(sw.callouts.every((c) => c.forms > 0)).toBe(true);
  });
  it('is larger than the VT-x VMM\'s: more guest-reachable VMM entry points on every model', () => {
    for (const s of surfaces.values()) {
      const vtx = s.exits.filter((e) => e.by !== 'host').length + s.hypercalls.length;
      expect(sw.callouts.length + sw.trapCauses.length).toBeGreaterThan(vtx);
    }
  });
});
