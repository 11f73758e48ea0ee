import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkClockPair, mulDivCeil, mulDivFloor, TickClock } from './clock.ts';
import { PIT_INPUT_HZ } from './pit.ts';

const big = (a: number, b: number, c: number): bigint => (BigInt(a) * BigInt(b)) / BigInt(c);

describe('exact cycle <-> tick conversion', () => {
  it('matches BigInt arithmetic for cycles up to 2^50 at 2 GHz and the PIT clock', () => {
    const cpu = 2_000_000_000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 0, max: 2 ** 20 }), (hi, lo) => {
        const now = Math.min(2 ** 50, hi + lo);
        expect(BigInt(mulDivFloor(now, PIT_INPUT_HZ, cpu))).toBe(big(now, PIT_INPUT_HZ, cpu));
      }),
      { numRuns: 2000 },
    );
  });

  it('is exact at the edges where naive float64 multiplication rounds', () => {
    const cpu = 2_000_000_000;
    const clock = new TickClock(cpu, PIT_INPUT_HZ);
    for (const now of [2 ** 50, 2 ** 50 - 1, 2 ** 49 + 12345, 2 ** 53 / 8 - 1]) {
      const t = clock.ticksAt(now);
      expect(BigInt(t)).toBe(big(now, PIT_INPUT_HZ, cpu));
      // ceil is the inverse: the first cycle of tick t is <= now, of tick t+1 is > now
      expect(clock.cycleOfTick(t)).toBeLessThanOrEqual(now);
      expect(clock.cycleOfTick(t + 1)).toBeGreaterThan(now);
    }
    // cycles where the naive float64 formula floor(now * hz / cpu) is off by one; ours is exact
    for (const now of [1125899885041846, 1125899882760551, 1125899870475753]) {
      const exact = big(now, PIT_INPUT_HZ, cpu);
      expect(BigInt(Math.floor((now * PIT_INPUT_HZ) / cpu))).not.toBe(exact);
      expect(BigInt(mulDivFloor(now, PIT_INPUT_HZ, cpu))).toBe(exact);
    }
  });

  it('cycleOfTick(k) is the first cycle whose tick count reaches k, for any clock pair', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000_000_000 }),
        fc.integer({ min: 1, max: 1_500_000 }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (cpu, dev, k) => {
          fc.pre(checkClockPair(cpu, dev).ok && (k * cpu) / dev < 2 ** 52); // results below 2^53
          const clock = new TickClock(cpu, dev);
          const c = clock.cycleOfTick(k);
          expect(BigInt(c)).toBe((BigInt(k) * BigInt(cpu) + BigInt(dev) - 1n) / BigInt(dev));
          expect(clock.ticksAt(c)).toBeGreaterThanOrEqual(k);
          if (c > 0) expect(clock.ticksAt(c - 1)).toBeLessThan(k);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('mulDivCeil rounds up exactly', () => {
    expect(mulDivCeil(10, 3, 4)).toBe(8);
    expect(mulDivCeil(8, 3, 4)).toBe(6);
    expect(mulDivFloor(10, 3, 4)).toBe(7);
  });

  it('refuses clock pairs it cannot convert exactly', () => {
    expect(checkClockPair(2_000_000_000, PIT_INPUT_HZ).ok).toBe(true);
    expect(checkClockPair(10_000_000_000, PIT_INPUT_HZ).ok).toBe(false);
    expect(checkClockPair(0, PIT_INPUT_HZ).ok).toBe(false);
    expect(checkClockPair(1.5, PIT_INPUT_HZ).ok).toBe(false);
    expect(() => new TickClock(10_000_000_000, PIT_INPUT_HZ)).toThrow(RangeError);
  });
});
