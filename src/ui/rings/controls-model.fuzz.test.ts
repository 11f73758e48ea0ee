// Fuzz: the Controls tab's fields (VMCS values in hex, I/O ports, MSRs), issue 9 item 1: any text gives a value
// inside the architectural range or a clear message, never an exception, in bounded time.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hex, parseHex32, parseMsrs, parsePorts } from './controls-model.ts';
import { msrInBitmapRange } from '../../core/vmm/settings-data.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, checkFieldText, numberText } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('Controls tab fields (parseHex32, parsePorts, parseMsrs)');
afterAll(() => probe.report());

const hexText = fc.oneof(numberText(), fc.tuple(numberText(), numberText()).map(([a, b]) => `${a}-${b}`), fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `0x${a.toString(16)}-0x${b.toString(16)}`), fc.nat().map((n) => n.toString(16)));

describe('Controls tab fields fuzz', () => {
  const runs = fuzzRuns(450);
  it(`32-bit values, ports and MSRs: any text (${runs} inputs)`, () => {
    fc.assert(
      fc.property(hexText, (text) => {
        const v = checkFieldText(probe, parseHex32, text, { min: 0, max: 0xffffffff, integer: true, roundTrip: false });
        if (v.ok) expect(parseHex32(hex(v.value))).toEqual(v);
        const p = checkFieldText(probe, parsePorts, text, { min: 0, max: 0xffff, integer: true });
        if (p.ok) expect(p.value.length).toBeGreaterThan(0);
        const m = checkFieldText(probe, parseMsrs, text, { min: 0, max: 0xffffffff, integer: true });
        if (m.ok) for (const x of m.value) expect(msrInBitmapRange(x)).toBe(true);
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 300));
});

describe('regressions found by fuzzing', () => {
  it('a huge text gives a short message (was: the text quoted whole)', () => {
    for (const parse of [parseHex32, parsePorts, parseMsrs]) {
      const r = parse('z'.repeat(100_000));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message.length).toBeLessThan(300);
    }
  });
});
