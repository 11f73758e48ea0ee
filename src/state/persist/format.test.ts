import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DRAFT_KEY_PREFIX,
  LEGACY_DRAFT_PREFIX,
  LEGACY_TOURS_KEY,
  MAX_DRAFT_CHARS,
  MAX_FILE_BYTES,
  OPEN_TOUR_KEY,
  TOURS_KEY,
  emptyUserData,
  fromEntries,
  fromLegacy,
  mergeUserData,
  parseUserDataFile,
  serialiseUserData,
  toEntries,
  type UserData,
} from './format.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';

/** The import parser is fuzzed with the shared budget (npm run fuzz: 100,000 inputs). */
const PARSER_RUNS = fuzzRuns(2000);

const id = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
const draft = fc.record({ text: fc.string({ maxLength: 300 }), savedAt: fc.nat() });
const progress = fc.record({ step: fc.nat({ max: 200 }), done: fc.boolean() });
const userData: fc.Arbitrary<UserData> = fc.record({
  drafts: fc.dictionary(id, draft, { maxKeys: 6 }),
  tours: fc.dictionary(id, progress, { maxKeys: 6 }),
  openTour: fc.option(fc.record({ id, step: fc.nat({ max: 200 }) }), { nil: null }),
});
const prefs = { theme: 'dark' as const, fontScale: 1.25, motion: 'reduce' as const };
const NOW = new Date(Date.UTC(2026, 10, 26, 3, 0, 0));

const sample: UserData = {
  drafts: { cpuid: { text: 'cpuid\nhlt\n', savedAt: 1_700_000_000_000 } },
  tours: { rings: { step: 3, done: false } },
  openTour: { id: 'rings', step: 3 },
};

function fileWith(patch: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(serialiseUserData(sample, prefs, NOW)), ...patch });
}

describe('export file: round trip', () => {
  it('an export reads back as the same drafts, tours, open tour and preferences', () => {
    const r = parseUserDataFile(serialiseUserData(sample, prefs, NOW));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.file.drafts).toEqual(sample.drafts);
    expect(r.file.tours).toEqual(sample.tours);
    expect(r.file.openTour).toEqual(sample.openTour);
    expect(r.file.prefs).toEqual(prefs);
    expect(r.file.exportedAt).toBe('2026-11-26T03:00:00.000Z');
  });

  it('property: any user data survives export then import unchanged', () => {
    fc.assert(
      fc.property(userData, (d) => {
        const r = parseUserDataFile(serialiseUserData(d, undefined, NOW));
        expect(r.ok).toBe(true);
        if (r.ok) expect({ drafts: r.file.drafts, tours: r.file.tours, openTour: r.file.openTour }).toEqual(d);
      }),
      { numRuns: 300 },
    );
  });

  it('two exports of the same data are byte-identical apart from the date (sorted keys)', () => {
    const a: UserData = { drafts: { b: { text: 'x', savedAt: 1 }, a: { text: 'y', savedAt: 2 } }, tours: {}, openTour: null };
    const b: UserData = { drafts: { a: { text: 'y', savedAt: 2 }, b: { text: 'x', savedAt: 1 } }, tours: {}, openTour: null };
    expect(serialiseUserData(a, undefined, NOW)).toBe(serialiseUserData(b, undefined, NOW));
  });
});

describe('export file: malformed files are refused with a message naming what and where', () => {
  const refuse = (text: string): string[] => {
    const r = parseUserDataFile(text);
    expect(r.ok).toBe(false);
    return r.ok ? [] : r.errors;
  };

  it('not JSON', () => expect(refuse('{ "app": "vt-lab", ')[0]).toMatch(/^the file is not JSON/));
  it('JSON but not an object', () => expect(refuse('[1,2]')[0]).toMatch(/not an object/));
  it('another program’s file', () => expect(refuse(fileWith({ app: 'other' })).join()).toMatch(/^app: .*not a VT Lab data file/));
  it('a trace or other VT Lab file', () => expect(refuse(fileWith({ kind: 'trace' })).join()).toMatch(/^kind: .*Import…/));
  it('a later format version', () => expect(refuse(fileWith({ version: 2 })).join()).toMatch(/^version: .*another version/));
  it('a draft whose text is not text', () => expect(refuse(fileWith({ drafts: { cpuid: { text: 42, savedAt: 1 } } })).join()).toMatch(/^drafts › cpuid › text: is a number, where a string belongs/));
  it('a draft id that is not an id', () => expect(refuse(fileWith({ drafts: { '../../etc': { text: '', savedAt: 1 } } })).join()).toMatch(/^drafts › \.\.\/\.\.\/etc/));
  it('a negative tour step', () => expect(refuse(fileWith({ tours: { rings: { step: -1, done: false } } })).join()).toMatch(/^tours › rings › step/));
  it('a font scale the app does not offer', () => expect(refuse(fileWith({ prefs: { ...prefs, fontScale: 9 } })).join()).toMatch(/^prefs › fontScale: must be at most 4/));
  it('a draft longer than the bound', () => expect(refuse(fileWith({ drafts: { cpuid: { text: 'x'.repeat(MAX_DRAFT_CHARS + 1), savedAt: 1 } } })).join()).toMatch(/longer than/));
  it('a file over the size bound is refused before parsing', () => expect(refuse(' '.repeat(MAX_FILE_BYTES + 1))[0]).toMatch(/larger than 5 MB/));
  it('missing sections are named', () => {
    const e = refuse(JSON.stringify({ app: 'vt-lab', kind: 'user-data', version: 1 })).join('\n');
    expect(e).toMatch(/^exportedAt/m);
    expect(e).toMatch(/^drafts/m);
    expect(e).toMatch(/^tours: is missing \(it should be a list of named entries\)$/m);
    expect(e).toMatch(/^openTour: is missing \(it should be an object\)$/m);
  });

  it('property: no input string makes the parser throw; every refusal has a message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ app: 'vt-lab', kind: 'user-data', version: 1, drafts: v, tours: v, openTour: v, exportedAt: v }))), (text) => {
        const r = parseUserDataFile(text);
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(e.length).toBeGreaterThan(5);
        }
      }),
      { numRuns: PARSER_RUNS },
    );
  }, fuzzTimeout(PARSER_RUNS));
});

describe('import merge: nothing newer is lost', () => {
  it('a draft only in the file is added; one only here is kept', () => {
    const here: UserData = { drafts: { a: { text: 'mine', savedAt: 5 } }, tours: {}, openTour: null };
    const file: UserData = { drafts: { b: { text: 'theirs', savedAt: 1 } }, tours: {}, openTour: null };
    const { merged, report } = mergeUserData(here, file);
    expect(merged.drafts).toEqual({ a: { text: 'mine', savedAt: 5 }, b: { text: 'theirs', savedAt: 1 } });
    expect(report.draftsAdded).toEqual(['b']);
  });

  it('the newer of two different drafts of one program wins, and the report says which', () => {
    const here: UserData = { drafts: { a: { text: 'mine', savedAt: 10 }, b: { text: 'old', savedAt: 1 } }, tours: {}, openTour: null };
    const file: UserData = { drafts: { a: { text: 'theirs', savedAt: 3 }, b: { text: 'new', savedAt: 7 } }, tours: {}, openTour: null };
    const { merged, report } = mergeUserData(here, file);
    expect(merged.drafts.a.text).toBe('mine');
    expect(merged.drafts.b.text).toBe('new');
    expect(report.draftsKeptNewer).toEqual(['a']);
    expect(report.draftsReplaced).toEqual(['b']);
  });

  it('tours keep the furthest progress; the file’s open tour is taken', () => {
    const here: UserData = { drafts: {}, tours: { a: { step: 5, done: false }, b: { step: 0, done: true } }, openTour: { id: 'a', step: 5 } };
    const file: UserData = { drafts: {}, tours: { a: { step: 2, done: true }, b: { step: 4, done: false } }, openTour: { id: 'b', step: 4 } };
    const { merged } = mergeUserData(here, file);
    expect(merged.tours).toEqual({ a: { step: 5, done: true }, b: { step: 4, done: true } });
    expect(merged.openTour).toEqual({ id: 'b', step: 4 });
  });

  it('property: every draft of either side is there, with the text of the later save', () => {
    fc.assert(
      fc.property(userData, userData, (here, file) => {
        const { merged } = mergeUserData(here, file);
        const ids = new Set([...Object.keys(here.drafts), ...Object.keys(file.drafts)]);
        expect(new Set(Object.keys(merged.drafts))).toEqual(ids);
        for (const k of ids) {
          const h = here.drafts[k];
          const f = file.drafts[k];
          const m = merged.drafts[k];
          if (h === undefined) expect(m).toEqual(f);
          else if (f === undefined) expect(m).toEqual(h);
          else expect(m.text).toBe(f.savedAt >= h.savedAt ? f.text : h.text);
        }
        for (const k of Object.keys(here.tours)) {
          expect(merged.tours[k].step).toBeGreaterThanOrEqual(here.tours[k].step);
          if (here.tours[k].done) expect(merged.tours[k].done).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: importing the same file twice changes nothing the second time', () => {
    fc.assert(
      fc.property(userData, userData, (here, file) => {
        const once = mergeUserData(here, file).merged;
        const twice = mergeUserData(once, file);
        expect(twice.merged).toEqual(once);
        expect(twice.report.draftsAdded).toEqual([]);
        expect(twice.report.toursUpdated).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the browser’s stored records', () => {
  it('property: records written are read back as the same data', () => {
    fc.assert(
      fc.property(userData, (d) => {
        const back = fromEntries(toEntries(d));
        expect(back.data).toEqual(d);
        expect(back.dropped).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a damaged record (another version, a crash mid-write) is dropped and named; the rest come back', () => {
    const { data, dropped } = fromEntries([
      [DRAFT_KEY_PREFIX + 'cpuid', { text: 'ok', savedAt: 1 }],
      [DRAFT_KEY_PREFIX + 'broken', { text: null }],
      [TOURS_KEY, 'not a record'],
      [OPEN_TOUR_KEY, { id: 'rings', step: 2 }],
      ['something-else', 1],
      [42, 'a number key'],
    ]);
    expect(data.drafts).toEqual({ cpuid: { text: 'ok', savedAt: 1 } });
    expect(data.tours).toEqual({});
    expect(data.openTour).toEqual({ id: 'rings', step: 2 });
    expect(dropped).toEqual([DRAFT_KEY_PREFIX + 'broken', TOURS_KEY]);
  });

  it('drafts and tours that older versions kept in localStorage are read for the move to IndexedDB', () => {
    const d = fromLegacy([
      [LEGACY_DRAFT_PREFIX + 'cpuid', JSON.stringify({ text: 'mov eax, 1', savedAt: 12 })],
      [LEGACY_DRAFT_PREFIX + 'bad', '{not json'],
      [LEGACY_TOURS_KEY, JSON.stringify({ rings: { step: 2, done: false }, junk: { step: 'x' } })],
    ]);
    expect(d).toEqual({ drafts: { cpuid: { text: 'mov eax, 1', savedAt: 12 } }, tours: { rings: { step: 2, done: false } }, openTour: null });
    expect(fromLegacy([])).toEqual(emptyUserData());
  });
});
