// Fuzz: the I/O lab's shared-device (SR-IOV) fields (issue 9 item 1): any text gives a value inside the range
// or a message naming the field, never an exception, in bounded time; accepted values type back in.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { parseIntField, parseRateField } from './sriov-view.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, numberText } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('I/O SR-IOV fields (parseIntField, parseRateField)');
afterAll(() => probe.report());

describe('SR-IOV fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`VFs, offset, stride (ranges as the panel uses them) and offered load: any text (${runs} inputs)`, () => {
    fc.assert(
      fc.property(fc.constantFrom<[number, number, string]>([1, 64, 'VFs'], [1, 0xffff, 'First VF offset'], [0, 0xffff, 'VF stride']), numberText(), ([min, max, what], text) => {
        checkFieldText(probe, (t) => parseIntField(t, min, max, what), text, { min, max, integer: true, names: [what] });
        checkFieldText(probe, parseRateField, text, { min: Number.MIN_VALUE, max: 100, names: ['Offered load'] });
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 300));
});
