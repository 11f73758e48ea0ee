// Fuzz: the tour data files (issue 9 item 1). `parseTour` checks any JSON value with the zod schema: it returns a
// value (never throws) within a bounded time, a refusal names the file and the field path, and every shipped tour
// still parses (and survives a JSON round trip).

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTour } from './schema.ts';
import { TOURS, TOUR_ERRORS } from './index.ts';
import { fuzzRuns, fuzzTimeout } from '../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText } from '../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('tour file (parseTour)');
afterAll(() => probe.report());

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `x` (objects and arrays). */
function paths(x: Json, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(x)) x.forEach((v, k) => out.push(...paths(v, [...at, k])));
  else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) out.push(...paths(v, [...at, k]));
  return out;
}

function setAt(x: Json, path: (string | number)[], v: Json | undefined): Json {
  if (path.length === 0) return v ?? null;
  const c = structuredClone(x) as Record<string | number, Json>;
  let o = c;
  for (const p of path.slice(0, -1)) o = o[p] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (v === undefined) {
    if (Array.isArray(o)) o.splice(Number(last), 1);
    else delete o[last];
  } else o[last] = v;
  return c as Json;
}

function check(data: unknown): void {
  const r = probe.time(() => parseTour(data, 'fuzz.json'), data);
  if (!r.ok) {
    expect(r.message.startsWith('fuzz.json: ')).toBe(true);
    expectClearMessage(r.message, ['fuzz.json: ']);
  }
}

const SHIPPED = TOURS.map((t) => JSON.parse(JSON.stringify(t)) as Json);
const ODD: Json[] = [null, true, 0, -1, 1e308, '', 'x'.repeat(5000), [], {}, [null], { id: 'x' }, 'NaN', '#/rings?v=1', '#/nowhere', 'javascript:alert(1)', '<img src=x onerror=alert(1)>'];

describe('tour file fuzz', () => {
  const runs = fuzzRuns(300);
  it(`a shipped tour with one field replaced, removed or added (${runs} files)`, () => {
    const PATHS = SHIPPED.map((t) => paths(t));
    const arb = fc
      .tuple(fc.nat({ max: SHIPPED.length - 1 }), fc.nat(), fc.oneof(fc.constantFrom<Json | undefined>(...ODD, undefined), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, garbageText({ huge: false })), fc.boolean())
      .map(([i, k, v, extra]) => {
        const t = SHIPPED[i];
        const p = PATHS[i][k % PATHS[i].length];
        return extra && p.length > 0 ? setAt(t, [...p.slice(0, -1), 'unexpectedField'], v ?? null) : setAt(t, p, v);
      });
    fc.assert(fc.property(arb, check), { numRuns: runs });
  }, fuzzTimeout(runs, 300));

  const gRuns = fuzzRuns(400);
  it(`any JSON value (${gRuns} files)`, () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), garbageText()), check), { numRuns: gRuns });
  }, fuzzTimeout(gRuns, 300));

  it('every shipped tour parses and survives a JSON round trip', () => {
    expect(TOUR_ERRORS).toEqual([]);
    for (const t of SHIPPED) expect(parseTour(t, 'x.json')).toEqual({ ok: true, tour: t });
  });

  it('a bad field is named by its path', () => {
    const t = setAt(SHIPPED[0], ['steps', 1, 'link'], 'javascript:alert(1)');
    const r = parseTour(t, 'rings.json');
    expect(r.ok ? '' : r.message).toBe('rings.json: steps.1.link must be a VT Lab link (#/lab?…)');
  });
});

describe('regressions found by fuzzing', () => {
  it("a missing field says 'is missing' (was: zod's 'expected string, received undefined')", () => {
    const t = setAt(SHIPPED[0], ['steps', 0, 'title'], undefined);
    const r = parseTour(t, 'rings.json');
    expect(r.ok ? '' : r.message).toBe('rings.json: steps.0.title is missing');
  });
});
