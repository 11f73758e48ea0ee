// Fuzz: the Software vs hardware lab's cost fields (issue 9 item 1): any text gives whole cycles 0 … 1,000,000 or
// a clear message for beside the field, never an exception, in bounded time; accepted values type back in.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_COST_CYCLES, parseCostInput } from './cost-input.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, numberText } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('technique cost fields (parseCostInput)');
afterAll(() => probe.report());

describe('cost fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`any text (${runs} inputs)`, () => {
    fc.assert(fc.property(numberText(), (text) => void checkFieldText(probe, parseCostInput, text, { min: 0, max: MAX_COST_CYCLES, integer: true })), { numRuns: runs });
  }, fuzzTimeout(runs, 300));
});

describe('regressions found by fuzzing', () => {
  it('a huge text gives a short message (was: the text quoted whole)', () => {
    const r = parseCostInput('x'.repeat(100_000));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe("'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not a number of cycles.");
  });
});
