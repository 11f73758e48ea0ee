// Fuzz: the Consolidation lab's link (issue 9 item 1). Any query returns a value (never throws) within a bounded
// time; an error names the parameter (its key in brackets); every valid state round-trips.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMAND_BASES, PLACEMENT_ALGORITHMS, TCO_KEYS, formatConsolidationLink, parseConsolidationQuery, type ConsolidationLink, type ConsolidationParse } from './consolidation-link.ts';
import { fuzzRuns, fuzzTimeout } from '../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText, mutationsOf, numberText } from '../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('consolidation link');
afterAll(() => probe.report());

const NAMES = [/\((?:v|alg|ht|d|mv|tco|pol|r|h)\)/, 'does not know', 'damaged'];

function check(q: string): ConsolidationParse {
  const r = probe.time(() => parseConsolidationQuery(q), q);
  if (!r.ok) {
    expect(r.message).toMatch(/^This link /);
    expectClearMessage(r.message, NAMES, q);
  }
  return r;
}

const VALID = 'v=1&alg=ffd&ht=xeon-5100-5000p&d=reserved&mv=web.host-2~ftp.host-1&tco=pue.1.5~years.5&pol=lr-mmt-1.2&r=1&h=14';

describe('consolidation link fuzz', () => {
  const runs = fuzzRuns(350);
  it(`garbage, corrupted links and odd numbers in every parameter (${runs} inputs)`, () => {
    const setParam = fc.tuple(numberText(), fc.nat()).map(([w, k]) => {
      const p = new URLSearchParams(VALID);
      const keys = [...p.keys()];
      p.set(keys[k % keys.length], w);
      return p.toString();
    });
    const tcoPart = fc.tuple(fc.constantFrom(...TCO_KEYS), numberText()).map(([k, w]) => new URLSearchParams({ v: '1', tco: `${k}.${w}` }).toString());
    fc.assert(fc.property(fc.oneof(garbageText(), mutationsOf(VALID, 3), setParam, tcoPart), (q) => void check(q)), { numRuns: runs });
  }, fuzzTimeout(runs, 300));

  const rtRuns = fuzzRuns(250);
  it(`every valid state round-trips (${rtRuns} states)`, () => {
    const nm = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/);
    const link: fc.Arbitrary<ConsolidationLink> = fc.record({
      algorithm: fc.constantFrom(...PLACEMENT_ALGORITHMS),
      hostType: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/),
      demand: fc.constantFrom(...DEMAND_BASES),
      moves: fc.array(fc.record({ vm: nm, host: nm }), { maxLength: 5 }),
      tco: fc.record(Object.fromEntries(TCO_KEYS.map((k) => [k, fc.integer({ min: 0, max: 1e9 }).map((x) => x / 1000)])) as Record<(typeof TCO_KEYS)[number], fc.Arbitrary<number>>, { requiredKeys: [] }),
      policy: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/),
      run: fc.boolean(),
      hour: fc.integer({ min: 0, max: 23 }),
    });
    fc.assert(fc.property(link, (c) => {
      expect(check(formatConsolidationLink(c).split('?')[1])).toEqual({ ok: true, value: c });
    }), { numRuns: rtRuns });
  }, fuzzTimeout(rtRuns, 300));
});

describe('regressions found by fuzzing', () => {
  it('an unknown 100 kB key or a 2,000-character move list gives a short message (was: quoted whole)', () => {
    for (const q of [`v=1&${'x'.repeat(100_000)}=1`, `v=1&mv=${'a'.repeat(1990)}`]) {
      const r = parseConsolidationQuery(q);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message.length).toBeLessThan(200);
    }
  });
});

describe('regressions found by fuzzing (2)', () => {
  it("'toString' as a key is an unknown field (was: silently accepted through the prototype)", () => {
    expect(parseConsolidationQuery('v=1&toString=1')).toEqual({ ok: false, message: "This link has a field VT Lab does not know: 'toString'." });
  });
});
