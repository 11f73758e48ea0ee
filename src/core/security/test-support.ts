/** Deterministic "random" bytes for tests (xorshift32): salts differ call to call, runs repeat exactly. */
export function seededBytes(seed: number): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      out[k] = x & 0xff;
    }
    return out;
  };
}
