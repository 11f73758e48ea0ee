// Fuzz: the Consolidation lab's cost (TCO) fields (issue 9 item 1): any text gives a value inside the documented
// range or a clear message for beside the field, never an exception, in bounded time; accepted values type back in.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTcoField } from './view.ts';
import { TCO_KEYS, type TcoKey } from '../../state/consolidation-link.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, numberText, type FieldRule } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('Consolidation TCO fields (parseTcoField)');
afterAll(() => probe.report());

// The limits view.ts documents (TCO_LIMITS).
const RULES: Record<TcoKey, FieldRule> = { serverPriceUsd: { min: 0, max: 1e7 }, electricityUsdPerKWh: { min: 0, max: 100 }, pue: { min: 1, max: 10 }, rackUnitUsdPerYear: { min: 0, max: 1e6 }, years: { min: 1, max: 30, integer: true } };

describe('Consolidation TCO fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`every cost field: any text (${runs} inputs)`, () => {
    fc.assert(fc.property(fc.constantFrom(...TCO_KEYS), numberText(), (k, text) => void checkFieldText(probe, (t) => parseTcoField(k, t), text, RULES[k])), { numRuns: runs });
  }, fuzzTimeout(runs, 300));
});

describe('regressions found by fuzzing', () => {
  it('a huge text gives a short message (was: the text quoted whole)', () => {
    const r = parseTcoField('pue', 'x'.repeat(100_000));
    expect(r.ok ? '' : r.message.length).toBeLessThan(100);
  });
});
