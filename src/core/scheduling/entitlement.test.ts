import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { entitledShares } from './entitlement.ts';

describe('entitlement (weighted water-filling)', () => {
  it('busy VMs with weights 1 : 3 are entitled to 25 % and 75 %', () => {
    expect(entitledShares([{ weight: 256, capPercent: 0, demandPercent: 100 }, { weight: 768, capPercent: 0, demandPercent: 100 }])).toEqual([25, 75]);
  });
  it('a VM that wants less keeps its demand and leaves the rest to the others', () => {
    const e = entitledShares([{ weight: 256, capPercent: 0, demandPercent: 10 }, { weight: 256, capPercent: 0, demandPercent: 100 }]);
    expect(e[0]).toBeCloseTo(10);
    expect(e[1]).toBeCloseTo(90);
  });
  it('a cap bounds the entitlement', () => {
    const e = entitledShares([{ weight: 4096, capPercent: 25, demandPercent: 100 }, { weight: 256, capPercent: 0, demandPercent: 100 }]);
    expect(e[0]).toBeCloseTo(25);
    expect(e[1]).toBeCloseTo(75);
  });
  it('property: never more than the CPU, never more than demand or cap, everyone satisfied when demand fits', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ weight: fc.integer({ min: 1, max: 65535 }), capPercent: fc.integer({ min: 0, max: 100 }), demandPercent: fc.double({ min: 0, max: 100, noNaN: true }) }), { minLength: 1, maxLength: 6 }), (cs) => {
        const e = entitledShares(cs);
        const sum = e.reduce((a, b) => a + b, 0);
        if (sum > 100 + 1e-6) return false;
        const limits = cs.map((c) => Math.min(c.demandPercent, c.capPercent > 0 ? c.capPercent : Infinity));
        if (e.some((x, k) => x > limits[k] + 1e-6)) return false;
        if (limits.reduce((a, b) => a + b, 0) <= 100) return e.every((x, k) => Math.abs(x - limits[k]) < 1e-6);
        return Math.abs(sum - 100) < 1e-6;
      }),
    );
  });
});
