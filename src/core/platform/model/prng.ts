/**
 * Seeded PRNG (mulberry32; public-domain algorithm by Tommy Ettinger). The state is one uint32 in a plain
 * object, so a snapshot is a copy (docs/CONVENTIONS.md). Never Math.random.
 */
export interface PrngState {
  s: number;
}

export function prng(seed: number): PrngState {
  return { s: seed >>> 0 };
}

/** Uniform in [0, 1). */
export function nextFloat(st: PrngState): number {
  st.s = (st.s + 0x6d2b79f5) >>> 0;
  let t = st.s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Exponential with the given mean (inverse transform). */
export function nextExp(st: PrngState, mean: number): number {
  return -mean * Math.log(1 - nextFloat(st));
}

/** Poisson(lambda) by Knuth's multiplication method (fine for the small means used here). */
export function nextPoisson(st: PrngState, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 500) {
    // Normal approximation for large means keeps this O(1); rounded and clamped at 0.
    const u1 = 1 - nextFloat(st);
    const u2 = nextFloat(st);
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= nextFloat(st);
  } while (p > l);
  return k - 1;
}
