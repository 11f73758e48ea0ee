// Fuzz: a session spec from a link or a scenario file (scenario id, CPU, seed, platform, the scenario's numeric
// parameters, the user's program), issue 9 item 1. `resolveSpec` returns a value (never throws) within a bounded
// time; every refusal names its field ('params.NAME', 'seed', …) and says what is wrong; every valid parameter
// value inside its documented range is accepted.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSpec, type SessionSpec } from './session.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { scenarioParameters } from '../scenarios/parameters.ts';
import { cpuModelIds } from '../cpu-models/index.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText } from '../../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('session spec (resolveSpec)');
afterAll(() => probe.report());

const IDS = SCENARIOS.map((s) => s.id);
const PARAMS = [...new Set(IDS.flatMap((id) => scenarioParameters(id).map((p) => p.name)))];
const ODD_NUMBERS = [0, -1, -0, 1.5, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 53, Number.MAX_VALUE, 1e-300];

function check(spec: SessionSpec): void {
  const r = probe.time(() => resolveSpec(spec), spec);
  if (r.ok) return;
  expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) {
    expect(e.field).toMatch(/^(scenario|source|params(\..*)?|seed|mode|program|settings|cpu)$/s);
    // The message may quote what was given ("not NaN"): that is the input, not a leak.
    expectClearMessage(e.message, [], [spec.seed, ...Object.values(spec.params ?? {}), spec.scenario, spec.cpu].map(String).join(' '));
    if (e.field.startsWith('params.')) expect(e.message).toContain(e.field.slice(7));
  }
}

describe('session spec fuzz', () => {
  const runs = fuzzRuns(200);
  it(`scenario, CPU, seed, platform and parameters: odd values (${runs} specs)`, () => {
    const num = fc.oneof(fc.constantFrom(...ODD_NUMBERS), fc.integer(), fc.double());
    const spec = fc.record({
      scenario: fc.oneof(fc.constantFrom(...IDS), garbageText({ huge: false })),
      cpu: fc.oneof(fc.constantFrom(...cpuModelIds()), garbageText({ huge: false })),
      seed: num,
      insnEvents: fc.boolean(),
      mode: fc.constantFrom('bare', 'guest', 'swvmm', 'bt', 'pv', 'vmware', ''),
      params: fc.dictionary(fc.oneof(fc.constantFrom(...PARAMS), fc.constantFrom('__proto__', 'constructor', 'A.B', ''), fc.string({ maxLength: 8 })), num, { maxKeys: 4 }),
    }, { requiredKeys: ['scenario', 'seed', 'insnEvents'] });
    fc.assert(fc.property(spec, (s) => check(s as SessionSpec)), { numRuns: runs });
  }, fuzzTimeout(runs, 300));

  const inRuns = fuzzRuns(200);
  it(`every parameter value inside its documented range is accepted (${inRuns} specs)`, () => {
    const ALL = IDS.flatMap((id) => scenarioParameters(id).map((p) => ({ id, p })));
    const arb = fc.tuple(fc.constantFrom(...ALL), fc.double({ min: 0, max: 1, noNaN: true })).map(([{ id, p }, f]) => ({ id, name: p.name, v: Math.min(p.max, p.min + Math.floor(f * (p.max - p.min + 1))) }));
    fc.assert(
      fc.property(arb, ({ id, name, v }) => {
        const r = probe.time(() => resolveSpec({ scenario: id, seed: 1, insnEvents: false, params: { [name]: v } }));
        expect(r.ok, r.ok ? '' : r.errors.map((e) => e.message).join('; ')).toBe(true);
        if (r.ok) expect(r.source).toMatch(new RegExp(`^\\s*${name}\\s+equ\\s+${v}\\b`, 'm'));
      }),
      { numRuns: inRuns },
    );
  }, fuzzTimeout(inRuns, 300));

  it('a user program of any size up to the limit, or beyond it, is a value', () => {
    for (const source of ['', 'x'.repeat(200_001), '; @mode sideways\nhlt', '; @cpu ' + 'z'.repeat(50_000)]) check({ scenario: 'kernel', seed: 1, insnEvents: false, source });
  });
});
