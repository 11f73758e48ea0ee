// Fuzz: the I/O-path form (issue 9 item 1): the field parser and the core's range check behind it
// (validateIoPathParams) together turn any text into parameters or clear messages per field, never an exception.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseField, type PathField } from './path-view.ts';
import { DEFAULT_IO_PARAMS, validateIoPathParams } from '../../core/io-path/params.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, expectClearMessage, numberText } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('I/O path fields (parseField + validateIoPathParams)');
afterAll(() => probe.report());

const FIELDS: PathField[] = ['packets', 'batch', 'bytes', 'lineRateMbit'];

describe('I/O path fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`requests, batch, size, line rate: any text, then the core's check (${runs} inputs)`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), numberText(), fc.constantFrom<'net' | 'disk'>('net', 'disk'), (f, text, workload) => {
        const r = checkFieldText(probe, (t) => parseField(f, t), text, { integer: f !== 'lineRateMbit' });
        if (!r.ok) return;
        const v = probe.time(() => validateIoPathParams({ ...DEFAULT_IO_PARAMS, workload, bytes: workload === 'net' ? 1514 : 4096, [f]: r.value }), text);
        if (!v.ok) for (const e of v.errors) expectClearMessage(e.message);
        else expect(v.params[f]).toBe(r.value);
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 300));
});

describe('regressions found by fuzzing', () => {
  it('a huge text gives a short message (was: the text quoted whole)', () => {
    const r = parseField('packets', 'x'.repeat(100_000));
    expect(r.ok ? '' : r.message.length).toBeLessThan(100);
  });
});
