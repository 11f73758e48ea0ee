import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HP_ML110_G4, HP_ML110_G5, energyLinearInterpolation, powerAt } from './power.ts';

describe('SPECpower curves (§A2)', () => {
  it('hits the table at the 10 % points and interpolates linearly between them', () => {
    expect(powerAt(HP_ML110_G4, 0)).toBe(86);
    expect(powerAt(HP_ML110_G4, 1)).toBe(117);
    expect(powerAt(HP_ML110_G5, 0.5)).toBe(116);
    expect(powerAt(HP_ML110_G4, 0.05)).toBeCloseTo(87.7, 10); // halfway 86 → 89.4
    expect(powerAt(HP_ML110_G5, 0.75)).toBeCloseTo(127, 10); // halfway 125 → 129
  });

  it('rejects utilisation outside [0, 1] as CloudSim does (NaN here, an exception there)', () => {
    expect(powerAt(HP_ML110_G4, 1.2)).toBeNaN();
    expect(powerAt(HP_ML110_G4, -0.1)).toBeNaN();
  });

  it('energy of a frame is the mean of the end powers × time, 0 for a host that starts the frame off', () => {
    expect(energyLinearInterpolation(HP_ML110_G4, 0.5, 1, 300)).toBeCloseTo(((102 + 117) / 2) * 300, 9);
    expect(energyLinearInterpolation(HP_ML110_G4, 0, 1, 300)).toBe(0);
  });

  it('power is monotone in load on both used curves', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        for (const c of [HP_ML110_G4, HP_ML110_G5]) expect(powerAt(c, lo)).toBeLessThanOrEqual(powerAt(c, hi) + 1e-9);
      }),
    );
  });

  it('takes the table value exactly where CloudSim\'s `u % 0.1 == 0` holds, and interpolates everywhere else', () => {
    const cloudSim = (curve: readonly number[], u: number): number => {
      if (u < 0 || u > 1) return NaN;
      if (u % 0.1 === 0) return curve[Math.trunc(u * 10)];
      const u1 = Math.floor(u * 10);
      const u2 = Math.ceil(u * 10);
      return curve[u1] + ((curve[u2] - curve[u1]) / 10) * (u - u1 / 10) * 100;
    };
    const near = (x: number): number[] => {
      const b = new Float64Array([x]);
      const i = new BigInt64Array(b.buffer);
      const out: number[] = [];
      for (let d = -3n; d <= 3n; d++) {
        const j = new BigInt64Array([i[0] + d]);
        out.push(new Float64Array(j.buffer)[0]);
      }
      return out;
    };
    const points = [1, 0.3, 0.6, 0.7, 0.9, 0.5, 0.1, 0.2, 0.4, 0.8].flatMap(near).concat(Array.from({ length: 1001 }, (_, k) => k / 1000));
    for (const c of [HP_ML110_G4, HP_ML110_G5]) {
      for (const u of points) expect(Object.is(powerAt(c, u), cloudSim(c, u))).toBe(true);
      fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (u) => Object.is(powerAt(c, u), cloudSim(c, u))));
    }
  });
});
