// Fuzz: the DMA-remapping tab's fields (bus:device.function, address, counts), issue 9 item 1: any text gives
// a value or a clear message, never an exception, in bounded time.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAddress, checkBdf, checkCount } from './dma-view.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, checkFieldText, numberText } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('I/O DMA fields (checkBdf, checkAddress, checkCount)');
afterAll(() => probe.report());

const bdfText = fc.oneof(numberText(), fc.tuple(fc.nat({ max: 0x1ff }), fc.nat({ max: 0x3f }), fc.nat({ max: 12 })).map(([b, d, f]) => `${b.toString(16)}:${d.toString(16)}.${f}`));

describe('DMA fields fuzz', () => {
  const runs = fuzzRuns(300);
  it(`BDF, address and counts: any text (${runs} inputs)`, () => {
    fc.assert(
      fc.property(bdfText, (text) => {
        for (const check of [checkBdf, checkAddress]) {
          const r = probe.time(() => check(text), text);
          if (!r.ok) expectClearMessage(r.message, [], text);
        }
        const b = checkBdf(text);
        if (b.ok) {
          const m = /^\s*([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-9]+)\s*$/i.exec(text)!;
          expect(parseInt(m[2], 16)).toBeLessThanOrEqual(0x1f); // PCI: 32 devices, 8 functions
          expect(Number(m[3])).toBeLessThanOrEqual(7);
        }
        checkFieldText(probe, (t) => checkCount(t, 1, 256, 'Requests'), text, { min: 1, max: 256, integer: true, names: ['Requests'] });
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 300));
});
