// Fuzz: the Security lab's lockout fields (issue 9 item 1): any text gives a value inside the documented range or
// a clear message for beside the field, never an exception, in bounded time; accepted values type back in.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { checkLockField, type LockField } from './view.ts';
import { NIST_MAX_CONSECUTIVE_FAILURES } from '../../core/security/lockout.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, numberText, type FieldRule } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('Security lockout fields (checkLockField)');
afterAll(() => probe.report());

const RULES: Record<LockField, FieldRule> = { threshold: { min: 1, max: NIST_MAX_CONSECUTIVE_FAILURES, integer: true }, lockoutSeconds: { min: 0, max: 86400, integer: true }, advance: { min: 1, max: 86400, integer: true } };

describe('Security lockout fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`threshold, lockout, clock advance: any text (${runs} inputs)`, () => {
    fc.assert(fc.property(fc.constantFrom(...(Object.keys(RULES) as LockField[])), numberText(), (f, text) => void checkFieldText(probe, (t) => checkLockField(f, t), text, RULES[f])), { numRuns: runs });
  }, fuzzTimeout(runs, 300));
});
