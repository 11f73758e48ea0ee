import { describe, expect, it } from 'vitest';
import { CURVE_ML110_G4, CURVE_ML110_G5, HOST_TYPES, SEED_ROSTER, XEON_5100_5000P, demandAt, demandSeries, erlangB, hostMips, hostPower, peakDemand, powerAt } from './index.ts';

describe('power curves (usage-models.md §A2)', () => {
  it('returns the SPECpower points and interpolates linearly between them', () => {
    expect(powerAt(CURVE_ML110_G4, 0)).toBe(86);
    expect(powerAt(CURVE_ML110_G4, 1)).toBe(117);
    expect(powerAt(CURVE_ML110_G4, 0.5)).toBe(102);
    expect(powerAt(CURVE_ML110_G4, 0.25)).toBeCloseTo(92.6 + 0.5 * (96 - 92.6), 10);
    expect(powerAt(CURVE_ML110_G5, 0.95)).toBeCloseTo(134, 10);
  });
  it('clamps utilisation and treats a host with no VM as off (0 W)', () => {
    expect(powerAt(CURVE_ML110_G4, 1.7)).toBe(117);
    expect(hostPower(CURVE_ML110_G4, 0, false)).toBe(0);
    expect(hostPower(CURVE_ML110_G4, 0, true)).toBe(86);
  });
  it('every host type has an 11-point curve and every field a provenance', () => {
    for (const h of HOST_TYPES) {
      expect(h.power.watts).toHaveLength(11);
      for (const p of Object.values(h.provenance)) expect(['measured', 'derived', 'assumption']).toContain(p.kind);
    }
    expect(hostMips(XEON_5100_5000P)).toBe(12000);
    expect(XEON_5100_5000P.power.provenance.kind).toBe('assumption');
  });
});

describe('workloads', () => {
  it('Erlang B: 15 trunks carry 8.108 E at 1 % blocking (erlang.com calculator manual)', () => {
    expect(erlangB(8.108, 15)).toBeCloseTo(0.01, 4);
  });
  it('the seed roster names the white paper workloads, with the PBX replicated', () => {
    const kinds = new Set(SEED_ROSTER.map((v) => v.workload));
    for (const k of ['sip-pbx', 'firewall', 'antivirus', 'hrm', 'email', 'ftp', 'streaming', 'web', 'vpn', 'router']) expect(kinds.has(k as never)).toBe(true);
    expect(SEED_ROSTER.filter((v) => v.replicaGroup === 'sip-pbx')).toHaveLength(2);
  });
  it('demand is deterministic under a seed and within the VM size', () => {
    SEED_ROSTER.forEach((vm, i) => {
      const a = demandSeries(vm, i, 7);
      expect(demandSeries(vm, i, 7)).toEqual(a);
      expect(a).toHaveLength(288);
      for (const d of a) {
        expect(d.cpuMips).toBeGreaterThanOrEqual(0);
        expect(d.cpuMips).toBeLessThanOrEqual(vm.size.mips);
        expect(d.netMbit).toBeLessThanOrEqual(vm.size.bwMbit);
      }
    });
  });
  it('web load is diurnal (peak hour above the night) and streaming is a constant bit rate', () => {
    const web = SEED_ROSTER.find((v) => v.id === 'web')!;
    expect(demandAt(web, 8, 20 * 3600, 1).cpuMips).toBeGreaterThan(demandAt(web, 8, 8 * 3600, 1).cpuMips);
    const st = SEED_ROSTER.find((v) => v.id === 'streaming')!;
    expect(demandAt(st, 7, 0, 1).netMbit).toBe(demandAt(st, 7, 50_000, 3).netMbit);
  });
  it('the PBX carries 2 x 87.2 kbit/s per call (G.711, 20 ms)', () => {
    const pbx = SEED_ROSTER[0]!;
    const p = peakDemand(pbx, 0, 1);
    expect(p.netMbit).toBeGreaterThan(0);
    expect((p.netMbit * 1000) / 174.4).toBeCloseTo(Math.round((p.netMbit * 1000) / 174.4), 6);
  });
});
