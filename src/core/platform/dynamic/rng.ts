/**
 * Seeded PRNG for the RS (random selection) policy. CloudSim draws from an unseeded `java.util.Random`
 * (`PowerVmSelectionPolicyRandomSelection`), so its RS runs are not reproducible; ours are, under a seed.
 * mulberry32: 32-bit state, plain data.
 */
export interface RngState {
  s: number;
}

export function makeRng(seed: number): RngState {
  return { s: seed >>> 0 };
}

/** Uniform in [0, 1). */
export function nextFloat(r: RngState): number {
  r.s = (r.s + 0x6d2b79f5) >>> 0;
  let t = r.s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
