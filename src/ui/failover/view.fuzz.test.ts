// Fuzz: the Fail-over lab's number fields (issue 9 item 1): any text gives a value inside the documented range
// or a clear message for beside the field, never an exception, in bounded time; accepted values type back in.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { checkFoField, type FoField } from './view.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, numberText, type FieldRule } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('Fail-over fields (checkFoField)');
afterAll(() => probe.report());

// VRRPv3 advert 0.01 … 40.95 s (RFC 5798 12-bit centiseconds), backup priority 1 … 254, Corosync token 1 … 600000 ms.
const RULES: Record<FoField, FieldRule> = { advertS: { min: 0.01, max: 40.95 }, priority: { min: 1, max: 254, integer: true }, tokenMs: { min: 1, max: 600000, integer: true } };

describe('Fail-over number fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`advert interval, priority, token: any text (${runs} inputs)`, () => {
    fc.assert(fc.property(fc.constantFrom(...(Object.keys(RULES) as FoField[])), numberText(), (f, text) => void checkFieldText(probe, (t) => checkFoField(f, t), text, RULES[f])), { numRuns: runs });
  }, fuzzTimeout(runs, 300));
});
