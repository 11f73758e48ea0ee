// Fuzz: the Isolation lab's Resources form (issue 9 item 1): any texts in any fields give parameters the core
// accepts or one clear message per bad field, never an exception, in bounded time.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTexts, textsOf, type ResField } from './resources-view.ts';
import { checkResourcesParams, RESOURCES_DEFAULTS } from '../../core/scheduling/run.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, numberText } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('Isolation resources form (parseTexts)');
afterAll(() => probe.report());

const BASE = textsOf(RESOURCES_DEFAULTS);
const FIELDS = Object.keys(BASE) as ResField[];

describe('Isolation resources form fuzz', () => {
  const runs = fuzzRuns(300);
  it(`one to four fields changed to any text (${runs} forms)`, () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...FIELDS), numberText()), { minLength: 1, maxLength: 4 }), (edits) => {
        const texts = { ...BASE };
        for (const [f, t] of edits) texts[f] = t;
        const r = probe.time(() => parseTexts(RESOURCES_DEFAULTS, texts), texts);
        if (r.ok) expect(checkResourcesParams(r.params).ok).toBe(true);
        else for (const [f, m] of Object.entries(r.errors)) {
          expect(FIELDS).toContain(f);
          expectClearMessage(m, [], texts[f as ResField]);
        }
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 300));

  it('the defaults parse back to the defaults', () => {
    expect(parseTexts(RESOURCES_DEFAULTS, BASE)).toEqual({ ok: true, params: RESOURCES_DEFAULTS });
  });
});
