// Fuzz: the Migration lab's form (issue 9 item 1): any text in any field gives a value inside the documented
// range or a clear message for beside the field, never an exception, in bounded time; accepted values type back in.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkField, checkForm, NUM_FIELDS, type NumField } from './view.ts';
import { MAX_LAB_MEMORY_MIB } from '../../worker/platform.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, expectClearMessage, numberText, type FieldRule } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('Migration fields (checkField, checkForm)');
afterAll(() => probe.report());

// The rules view.ts documents (RULES).
const RULES: Record<NumField, FieldRule> = {
  memoryMib: { min: 1, max: MAX_LAB_MEMORY_MIB, integer: true },
  bandwidthMbit: { min: Number.MIN_VALUE, max: 1_000_000 },
  dirtyMibPerS: { min: 0, max: 1_000_000 },
  wwsMib: { min: 0, max: MAX_LAB_MEMORY_MIB, integer: true },
  downtimeMs: { min: 0, max: 1_000_000 },
  roundCap: { min: 0, max: 100_000, integer: true },
  postCopyAfter: { min: 0, max: 100_000, integer: true },
  streamTimeoutMs: { min: 1, max: 10_000_000, integer: true },
};
const DEFAULTS: Record<NumField, string> = { memoryMib: '4096', bandwidthMbit: '1000', dirtyMibPerS: '20', wwsMib: '0', downtimeMs: '300', roundCap: '0', postCopyAfter: '0', streamTimeoutMs: '5000' };

describe('Migration fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`every field, then the whole form: any text (${runs} inputs)`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...NUM_FIELDS), numberText(), (f, text) => {
        checkFieldText(probe, (t) => checkField(f, t), text, RULES[f]);
        const r = probe.time(() => checkForm({ ...DEFAULTS, [f]: text }), text);
        if (!r.ok) for (const m of Object.values(r.errors)) expectClearMessage(m, [], text);
        else expect(r.values.wwsMib).toBeLessThanOrEqual(r.values.memoryMib);
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 300));
});
