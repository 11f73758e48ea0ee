/**
 * How many generated inputs a fuzz suite (`*.fuzz.test.ts`) tries. `npm test` runs a bounded budget so the suite
 * stays quick; `npm run fuzz` sets VTLAB_FUZZ_RUNS (100,000 per parser, issue 9) for the long run.
 */
export function fuzzRuns(quick: number): number {
  const env = typeof process !== 'undefined' ? process.env.VTLAB_FUZZ_RUNS : undefined;
  const n = env === undefined ? NaN : Number(env);
  return Number.isInteger(n) && n > 0 ? n : quick;
}

/** A per-test timeout that grows with the budget (ms per input, at least the default 5 s). */
export function fuzzTimeout(runs: number, msPerInput = 2): number {
  return Math.max(5_000, runs * msPerInput);
}
