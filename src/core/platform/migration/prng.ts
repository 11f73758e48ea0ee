/**
 * Seeded PRNG for the migration engine (mulberry32: 32-bit state, plain number, so a snapshot is a copy).
 * Core code never uses Math.random (docs/CONVENTIONS.md).
 */
export interface PrngState {
  s: number;
}

export function prngSeed(seed: number): PrngState {
  return { s: seed >>> 0 };
}

/** Next value in [0, 2^32). */
export function prngNextU32(st: PrngState): number {
  st.s = (st.s + 0x6d2b79f5) >>> 0;
  let t = st.s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** Uniform integer in [0, n), n ≤ 2^32. */
export function prngBelow(st: PrngState, n: number): number {
  return Math.floor((prngNextU32(st) / 4294967296) * n);
}
