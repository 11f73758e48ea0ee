// Fuzz: importing a user-data file (drafts, tour progress, preferences), issue 9 item 1. `parseUserDataFile`
// returns the file or messages (never throws) within a bounded time; every message names where ("drafts › id ›
// text: …"); an exported file reads back as itself.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyUserData, parseUserDataFile, serialiseUserData, type UserData } from './format.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText, mutatedFrom } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('user-data file (parseUserDataFile)');
afterAll(() => probe.report());

const NOW = new Date(Date.UTC(2026, 10, 26));
const SAMPLE: UserData = { drafts: { kernel: { text: '; @mode bare\nhlt\n', savedAt: 1 } }, tours: { rings: { step: 3, done: false } }, openTour: { id: 'rings', step: 3 } };
const VALID = serialiseUserData(SAMPLE, { theme: 'dark', fontScale: 1.25, motion: 'reduce' }, NOW);

function check(text: string): void {
  const r = probe.time(() => parseUserDataFile(text), text);
  if (r.ok) return;
  expect(r.errors.length).toBeGreaterThan(0);
  expect(r.errors.length).toBeLessThanOrEqual(9);
  for (const m of r.errors) expectClearMessage(m, [/^the file|^… and \d+ more|^[\w.-]+( › .*)?: /s], text);
}

describe('user-data file fuzz', () => {
  const runs = fuzzRuns(250);
  it(`garbage, a corrupted export, and odd values in every field (${runs} files)`, () => {
    const odd = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('x'.repeat(300_000), -1, 1e308, 0.5, '', null, [], {}));
    const field = fc.tuple(fc.constantFrom('app', 'kind', 'version', 'exportedAt', 'drafts', 'tours', 'openTour', 'prefs'), odd).map(([k, v]) => JSON.stringify({ ...JSON.parse(VALID), [k]: v }));
    const draftKey = fc.oneof(fc.string({ maxLength: 80 }), fc.constant('K'.repeat(100_000)), fc.constant('__proto__')).map((k) => JSON.stringify({ ...JSON.parse(VALID), drafts: { [k]: { text: 'x', savedAt: 1 } } }));
    fc.assert(fc.property(fc.oneof(garbageText(), mutatedFrom([VALID], 3), field, draftKey), check), { numRuns: runs });
  }, fuzzTimeout(runs, 300));

  const rtRuns = fuzzRuns(150);
  it(`an export reads back as itself (${rtRuns} data sets)`, () => {
    const id = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
    const data: fc.Arbitrary<UserData> = fc.record({
      drafts: fc.dictionary(id, fc.record({ text: fc.string({ unit: 'grapheme', maxLength: 300 }), savedAt: fc.nat() }), { maxKeys: 4 }),
      tours: fc.dictionary(id, fc.record({ step: fc.integer({ min: 0, max: 10_000 }), done: fc.boolean() }), { maxKeys: 4 }),
      openTour: fc.option(fc.record({ id, step: fc.integer({ min: 0, max: 10_000 }) }), { nil: null }),
    });
    fc.assert(
      fc.property(data, (d) => {
        const r = probe.time(() => parseUserDataFile(serialiseUserData(d, undefined, NOW)));
        expect(r.ok).toBe(true);
        if (r.ok) expect({ drafts: r.file.drafts, tours: r.file.tours, openTour: r.file.openTour }).toEqual(d);
      }),
      { numRuns: rtRuns },
    );
    expect(parseUserDataFile(serialiseUserData(emptyUserData(), undefined, NOW)).ok).toBe(true);
  }, fuzzTimeout(rtRuns, 300));
});

describe('regressions found by fuzzing', () => {
  it('a draft named with 100,000 characters gives a short message naming the drafts (was: the name in full)', () => {
    const r = parseUserDataFile(JSON.stringify({ ...JSON.parse(VALID), drafts: { ['K'.repeat(100_000)]: { text: 'x', savedAt: 1 } } }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]).toMatch(/^drafts › KKK+\.\.\.: /);
      expect(r.errors[0].length).toBeLessThan(200);
    }
  });
});

describe('regressions found by fuzzing (2)', () => {
  it("an empty draft name is named and explained (was: \"drafts › : Invalid key in record\")", () => {
    const r = parseUserDataFile(JSON.stringify({ ...JSON.parse(VALID), drafts: { '': { text: 'x', savedAt: 1 } } }));
    expect(r.ok ? [] : r.errors).toEqual(["drafts › '': is not a valid name (a short id: letters, digits, . _ -)"]);
  });
});
