import { describe, expect, it } from 'vitest';
import { SRIOV_DEFAULTS, SRIOV_LINE_RATE_GBIT, checkSriov, scaling, sriovVmHostBase, vfIsolation, vfSourceId, virtualFunctions } from './sriov.ts';

describe('SR-IOV virtual functions', () => {
  it('gives each VF its own requester id: PF RID + offset + k × stride (Linux pci_iov_virtfn_bus/devfn)', () => {
    const a = { ...SRIOV_DEFAULTS, pfBus: 3, pfDevfn: 0, firstVfOffset: 1, vfStride: 2 };
    expect(virtualFunctions(a, 4).map((v) => v.bdf)).toEqual(['03:00.1', '03:00.3', '03:00.5', '03:00.7']);
    const ids = virtualFunctions({ ...SRIOV_DEFAULTS }, 60).map((v) => v.sourceId);
    expect(new Set(ids).size).toBe(60);
  });

  it('crosses to the next bus when the routing id passes 0xff', () => {
    expect(vfSourceId({ pfBus: 3, pfDevfn: 0, firstVfOffset: 0x80, vfStride: 2 }, 64)).toBe(0x0400);
  });

  it('aggregate throughput never exceeds the 9.48 Gbit/s line rate; extra CPU is 1.76 % per added VM (Dong et al. 2010)', () => {
    const pts = scaling({ ...SRIOV_DEFAULTS, perVmGbit: 1 }, 60);
    expect(pts[0]).toMatchObject({ vms: 1, aggregateGbit: 1, extraCpuPercent: 0 });
    expect(pts[9].aggregateGbit).toBe(SRIOV_LINE_RATE_GBIT);
    expect(pts[59].extraCpuPercent).toBeCloseTo(1.76 * 59, 6);
    expect(pts.every((p) => p.aggregateGbit <= SRIOV_LINE_RATE_GBIT && !p.extrapolated)).toBe(true);
    expect(scaling(SRIOV_DEFAULTS, 61)[60].extrapolated).toBe(true);
  });

  it('rejects settings that cannot be routed', () => {
    expect(checkSriov(SRIOV_DEFAULTS, 0)).toMatchObject({ ok: false, field: 'vfs' });
    expect(checkSriov({ ...SRIOV_DEFAULTS, vfStride: 0 }, 4)).toMatchObject({ ok: false, field: 'vfStride' });
    expect(checkSriov({ ...SRIOV_DEFAULTS, pfBus: 0xff, firstVfOffset: 0x80, vfStride: 4 }, 64)).toMatchObject({ ok: false, field: 'vfs' });
    expect(checkSriov(SRIOV_DEFAULTS, 60)).toEqual({ ok: true });
  });
});

describe('VFs behind the IOMMU', () => {
  it('each VF reaches its own VM and is blocked from the next VM’s memory', () => {
    const checks = vfIsolation(SRIOV_DEFAULTS, 8);
    expect(checks).toHaveLength(8);
    checks.forEach((c, k) => {
      expect(c.ownHpa).toBe(sriovVmHostBase(k + 1) + 0x1000);
      expect(c.neighbourReason).toBe(5);
    });
  });
});
