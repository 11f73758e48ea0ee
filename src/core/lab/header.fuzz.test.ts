// Fuzz: the lab-file header (`; @mode`, `; @cpu`) and the editor's live check of a whole lab file (header and
// assembly, session/check.ts), issue 9 item 1. Garbage and corrupted headers give errors with a line and a
// column inside the text and a message naming the header; valid headers round-trip.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLabHeader } from './header.ts';
import { labListing } from './listing.ts';
import { checkProgram, MAX_PROGRAM_CHARS } from '../session/check.ts';
import { cpuModelIds } from '../cpu-models/index.ts';
import { SCENARIO_SOURCES } from '../scenarios/sources.generated.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText, mutatedFrom } from '../../test-support/fuzz-harness.ts';

const header = new FuzzProbe('lab header');
const check = new FuzzProbe('lab file check');
afterAll(() => {
  header.report();
  check.report();
});

function linesOf(src: string): string[] {
  return src.split(/\r\n|\n|\r/);
}

function checkHeader(src: string): void {
  const r = header.time(() => parseLabHeader(src), src);
  if (r.ok) {
    expect(['guest', 'bare']).toContain(r.header.mode);
    expect(cpuModelIds()).toContain(r.header.cpu);
    return;
  }
  const lines = linesOf(src);
  expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) {
    if (!(e.line >= 1 && e.line <= lines.length)) expect.fail(`header error line ${e.line} outside 1…${lines.length}`);
    const len = lines[e.line - 1].length;
    if (!(e.column >= 1 && e.column <= len + 1 && e.endColumn > e.column)) expect.fail(`header error columns ${e.column}-${e.endColumn} outside line ${e.line} (length ${len}): ${e.message}`);
    expectClearMessage(e.message, ['@', 'CPU model'], src);
  }
}

const HEADER_LINES = ['; @mode guest', '; @mode bare', ';@cpu nehalem', '  ;  @cpu  xeon-5100  ', '; @MODE Bare', '; plain comment @ not a header'];

describe('lab header fuzz', () => {
  const runs = fuzzRuns(500);
  it(`garbage and corrupted header lines (${runs} inputs)`, () => {
    const arb = fc.oneof(
      garbageText(),
      mutatedFrom([...HEADER_LINES], 2),
      fc.array(fc.oneof(fc.constantFrom(...HEADER_LINES), mutatedFrom([...HEADER_LINES], 1), fc.string({ maxLength: 20 })), { maxLength: 12 }).map((ls) => ls.join('\n')),
      fc.tuple(fc.constantFrom('', ' ', '\t'), fc.constantFrom(';', ';;', '; '), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 30 })).map(([a, b, k, v]) => `${a}${b}@${k} ${v}`),
    );
    fc.assert(fc.property(arb, checkHeader), { numRuns: runs });
  }, fuzzTimeout(runs, 300));

  it('valid headers round-trip (every mode × every CPU model, any case and spacing)', () => {
    fc.assert(
      fc.property(fc.constantFrom<'guest' | 'bare'>('guest', 'bare'), fc.constantFrom(...cpuModelIds()), fc.constantFrom('', ' ', '\t'), fc.boolean(), (mode, cpu, sp, upper) => {
        const src = `${sp};${sp}@mode ${upper ? mode.toUpperCase() : mode}${sp}\n; @cpu ${cpu}\nnop`;
        const r = parseLabHeader(src);
        expect(r).toEqual({ ok: true, header: { mode, cpu } });
      }),
      { numRuns: Math.min(fuzzRuns(200), 5000) },
    );
  });
});

describe('lab file check fuzz (editor live feedback)', () => {
  const small = Object.values(SCENARIO_SOURCES).filter((s) => s.split('\n').length <= 130);
  const runs = fuzzRuns(200);
  it(`shipped lab files, corrupted (${runs} inputs): errors are values with line and column`, () => {
    const arb = fc.oneof({ weight: 1, arbitrary: garbageText() }, { weight: 3, arbitrary: mutatedFrom([...small], 2) });
    fc.assert(
      fc.property(arb, (src) => {
        const errors = check.time(() => checkProgram(src), src);
        const lines = linesOf(src.replace(/^\uFEFF/, ''));
        for (const e of errors) {
          expect(e.field).toBe('program');
          expectClearMessage(e.message, [], src);
          if (src.length <= MAX_PROGRAM_CHARS) {
            expect(e.line, e.message).toBeGreaterThanOrEqual(1);
            expect(e.line!, e.message).toBeLessThanOrEqual(lines.length);
            expect(e.column, e.message).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 300));

  it('every shipped lab file checks clean and lists (the listing covers every byte)', () => {
    for (const [name, src] of Object.entries(SCENARIO_SOURCES)) {
      expect(checkProgram(src), name).toEqual([]);
      const l = labListing(src);
      expect(l.ok, name).toBe(true);
    }
  });
});

describe('regressions found by fuzzing', () => {
  it('a huge @cpu value gives a short message (was: the value quoted whole)', () => {
    const r = parseLabHeader(`; @cpu ${'x'.repeat(100_000)}`);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]).toMatchObject({ line: 1, column: 8 });
      expect(r.errors[0].message).toMatch(/^unknown CPU model 'xxx/);
      expect(r.errors[0].message.length).toBeLessThan(400);
    }
  });

  it('a huge unknown @key gives a short message', () => {
    const r = parseLabHeader(`; @${'k'.repeat(100_000)} 1`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message.length).toBeLessThan(400);
  });
});
