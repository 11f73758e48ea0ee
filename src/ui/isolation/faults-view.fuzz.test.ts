// Fuzz: the Isolation lab's Faults form (issue 9 item 1): any text gives a value inside the documented range or a
// clear message for beside the field, never an exception, in bounded time; accepted values type back in.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { checkNumField, type NumField } from './faults-view.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, numberText, type FieldRule } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('Isolation faults fields (checkNumField)');
afterAll(() => probe.report());

// The ranges faults-view.ts documents (RANGES).
const RULES: Record<NumField, FieldRule> = {
  durationMs: { min: 0.2, max: 8 },
  faultAtMs: { min: 0.01, max: 8 },
  sliceMs: { min: 0.005, max: 1 },
  watchdogMs: { min: 0.015, max: 8 },
  restartDelayMs: { min: 0, max: 8 },
  stormPerSecond: { min: 100, max: 10_000_000, integer: true },
  maxRestarts: { min: 0, max: 6, integer: true },
};

describe('Isolation faults fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`every field: any text (${runs} inputs)`, () => {
    fc.assert(fc.property(fc.constantFrom(...(Object.keys(RULES) as NumField[])), numberText(), (f, text) => void checkFieldText(probe, (t) => checkNumField(f, t), text, RULES[f])), { numRuns: runs });
  }, fuzzTimeout(runs, 300));
});
