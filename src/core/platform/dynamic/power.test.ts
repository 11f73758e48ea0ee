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
});
