/**
 * Exact conversion between simulated CPU cycles and a device's own clock.
 *
 * Time in VT Lab is a count of CPU cycles held in a float64 (an exact integer below 2^53). A
 * device clocked at `tickHz` sees tick k at the first CPU cycle c with c * tickHz >= k * cpuHz,
 * so the number of ticks that have happened at cycle c is floor(c * tickHz / cpuHz). The product
 * c * tickHz overflows 2^53 long before c does (c = 2^50 and tickHz = 1,193,182 need about 70
 * bits), so `mulDivFloor` splits c by the divisor first: c = q * cpuHz + r with r < cpuHz, hence
 * c * tickHz / cpuHz = q * tickHz + r * tickHz / cpuHz, where r * tickHz < cpuHz * tickHz. Every
 * intermediate is then an exact integer provided cpuHz * tickHz <= 2^53 (checked by
 * `checkClockPair`) and the result itself stays below 2^53. No BigInt, no allocation.
 *
 * Tick 0 is at cycle 0; a device event "at tick k" is delivered at cycle `cycleOfTick(k)`.
 */

import { t } from '../../i18n/t.ts';

/** 2^53: integers below it are exact in a float64 (ECMA-262 §6.1.6.1 Number type). */
export const EXACT_LIMIT = 2 ** 53;

/**
 * floor(a * b / c) for non-negative integers a, b and c >= 1 with b * c <= 2^53 and a result
 * below 2^53, computed exactly in float64.
 */
export function mulDivFloor(a: number, b: number, c: number): number {
  const r = a % c; // exact (fmod is exact on float64)
  const q = (a - r) / c; // a - r is an exact multiple of c: the quotient is exact
  const rb = r * b; // < c * b <= 2^53: exact
  const r2 = rb % c;
  return q * b + (rb - r2) / c;
}

/** ceil(a * b / c) under the same preconditions as `mulDivFloor`. */
export function mulDivCeil(a: number, b: number, c: number): number {
  const r = a % c;
  const q = (a - r) / c;
  const rb = r * b;
  const r2 = rb % c;
  return q * b + (rb - r2) / c + (r2 > 0 ? 1 : 0);
}

export type ClockCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether `cpuHz` and `tickHz` can be converted exactly by `TickClock`. */
export function checkClockPair(cpuHz: number, tickHz: number): ClockCheck {
  if (!Number.isSafeInteger(cpuHz) || cpuHz < 1) {
    return { ok: false, reason: t('machine.clock.cpuClockMustBe', { cpuHz }) };
  }
  if (!Number.isSafeInteger(tickHz) || tickHz < 1) {
    return { ok: false, reason: t('machine.clock.deviceClockMustBe', { tickHz }) };
  }
  if (cpuHz * tickHz > EXACT_LIMIT) {
    return {
      ok: false,
      reason: t('machine.clock.cpuClockHzTimes', { cpuHz, tickHz }),
    };
  }
  return { ok: true };
}

/**
 * Converts between CPU cycles and ticks of a device clock. Exact for cycles and ticks up to
 * the point where either value reaches 2^53 (for a 2 GHz CPU and the PIT, cycles up to 2^53
 * are fine; the tests check 2^50 against BigInt).
 */
export class TickClock {
  readonly cpuHz: number;
  readonly tickHz: number;

  /** Precondition: `checkClockPair(cpuHz, tickHz).ok`; violating it is a wiring bug and throws. */
  constructor(cpuHz: number, tickHz: number) {
    const check = checkClockPair(cpuHz, tickHz);
    if (!check.ok) throw new RangeError(check.reason);
    this.cpuHz = cpuHz;
    this.tickHz = tickHz;
  }

  /** Number of the last tick that has happened at or before CPU cycle `cycles`. */
  ticksAt(cycles: number): number {
    return mulDivFloor(cycles, this.tickHz, this.cpuHz);
  }

  /** First CPU cycle at which tick `tick` has happened (`ticksAt(cycleOfTick(k)) >= k`). */
  cycleOfTick(tick: number): number {
    return mulDivCeil(tick, this.cpuHz, this.tickHz);
  }
}
