// Fuzz: the VT-x migration panel's fields (issue 9 item 1): any text gives a value inside the documented range or
// a message naming the field, never an exception, in bounded time; accepted values type back in.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { checkVmxField, VMX_FIELDS, type VmxField } from './vmx-view.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, numberText, type FieldRule } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('VT-x migration fields (checkVmxField)');
afterAll(() => probe.report());

// The specs vmx-view.ts documents (SPECS); hot pages' upper bound is MAX_HOT_PAGES there.
const RULES: Record<VmxField, FieldRule> = {
  bandwidthMbit: { min: 0.001, max: 100_000 },
  downtimeMs: { min: 0, max: 100_000 },
  roundCap: { min: 0, max: 200, integer: true },
  hotPages: { min: 1, integer: true },
  hotWritesPerTick: { min: 0, max: 1000, integer: true },
  coldWritesPerTick: { min: 0, max: 1000, integer: true },
};

describe('VT-x migration fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`every field: any text (${runs} inputs)`, () => {
    fc.assert(fc.property(fc.constantFrom(...VMX_FIELDS), numberText(), (f, text) => void checkFieldText(probe, (t) => checkVmxField(f, t), text, RULES[f])), { numRuns: runs });
  }, fuzzTimeout(runs, 300));
});
