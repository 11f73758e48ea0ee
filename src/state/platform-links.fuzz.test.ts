// Fuzz: the Migration and Fail-over links (issue 9 item 1). Any query returns a value (never throws) within a
// bounded time; an error names the parameter (its key in brackets); every valid set-up round-trips.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFailoverLink, formatMigrationLink, parseFailoverQuery, parseMigrationQuery, type FailoverLink, type MigrationLink, type PlatformParse } from './platform-links.ts';
import { fuzzRuns, fuzzTimeout } from '../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText, mutatedFrom, numberText } from '../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('migration and fail-over links');
afterAll(() => probe.report());

const NAMES = [/\((?:v|mem|bw|d|wws|rule|dt|rc|ac|pc|st|r|place|det|adv|pri|tok|rep|cm|k)\)/, 'does not know', 'damaged'];

function check<T>(q: string, parse: (q: string) => PlatformParse<T>): PlatformParse<T> {
  const r = probe.time(() => parse(q), q);
  if (!r.ok) {
    expect(r.message).toMatch(/^This link /);
    expectClearMessage(r.message, NAMES, q);
  }
  return r;
}

const MIGRATION = 'v=1&mem=4096&bw=1000&d=100&wws=0&rule=qemu&dt=300&rc=0&ac=0&pc=0&st=5000&r=1';
const FAILOVER = 'v=1&place=separate&det=vrrp&adv=1&pri=100&tok=3000&rep=1&cm=vip&k=vm';
const parsers: ((q: string) => PlatformParse<unknown>)[] = [parseMigrationQuery, parseFailoverQuery];

describe('platform link fuzz', () => {
  const runs = fuzzRuns(350);
  it(`garbage, corrupted links and odd numbers in every parameter (${runs} inputs)`, () => {
    const setParam = (base: string) =>
      fc.tuple(numberText(), fc.nat()).map(([w, k]) => {
        const p = new URLSearchParams(base);
        const keys = [...p.keys()];
        p.set(keys[k % keys.length], w);
        return p.toString();
      });
    const arb = fc.tuple(
      fc.oneof(garbageText(), mutatedFrom([MIGRATION, FAILOVER], 3), setParam(MIGRATION), setParam(FAILOVER)),
      fc.constantFrom(0, 1),
    );
    fc.assert(fc.property(arb, ([q, which]) => void check(q, parsers[which])), { numRuns: runs });
  }, fuzzTimeout(runs, 300));

  const rtRuns = fuzzRuns(250);
  it(`every valid set-up round-trips (${rtRuns} set-ups)`, () => {
    const dec = (min: number, max: number) => fc.integer({ min: Math.round(min * 1000), max: Math.round(max * 1000) }).map((x) => x / 1000);
    const migration: fc.Arbitrary<MigrationLink> = fc.record({
      memoryMib: fc.integer({ min: 1, max: 1 << 20 }),
      bandwidthMbit: dec(0.001, 1e6),
      dirtyMibPerS: dec(0, 1e6),
      wwsMib: fc.integer({ min: 0, max: 1 << 20 }),
      rule: fc.constantFrom('qemu' as const, 'xen' as const, 'clark' as const),
      downtimeMs: dec(0, 1e6),
      roundCap: fc.integer({ min: 0, max: 100000 }),
      autoConverge: fc.boolean(),
      postCopyAfter: fc.integer({ min: 0, max: 100000 }),
      streamTimeoutMs: fc.integer({ min: 1, max: 1e7 }),
      run: fc.boolean(),
    });
    const failover: fc.Arbitrary<FailoverLink> = fc.record({
      sameHost: fc.boolean(),
      detection: fc.constantFrom('vrrp' as const, 'corosync' as const),
      advertS: dec(0.01, 255),
      priority: fc.integer({ min: 1, max: 254 }),
      tokenMs: fc.integer({ min: 1, max: 600000 }),
      replication: fc.boolean(),
      clientMode: fc.constantFrom('vip' as const, 'srv' as const),
      kill: fc.constantFrom(null, 'vm' as const, 'kernel' as const, 'host' as const),
    });
    fc.assert(
      fc.property(fc.oneof(migration.map((m) => ({ m })), failover.map((f) => ({ f }))), (x) => {
        if ('m' in x) expect(check(formatMigrationLink(x.m).split('?')[1], parseMigrationQuery)).toEqual({ ok: true, value: x.m });
        else expect(check(formatFailoverLink(x.f).split('?')[1], parseFailoverQuery)).toEqual({ ok: true, value: x.f });
      }),
      { numRuns: rtRuns },
    );
  }, fuzzTimeout(rtRuns, 300));
});

describe('regressions found by fuzzing', () => {
  it('an unknown 100 kB key gives a short message naming it (was: the key quoted whole)', () => {
    for (const parse of parsers) {
      const r = parse(`v=1&${'x'.repeat(100_000)}=1`);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.message).toMatch(/^This link has a field VT Lab does not know: 'xxx+\.\.\.'\.$/);
        expect(r.message.length).toBeLessThan(120);
      }
    }
  });
});

describe('regressions found by fuzzing (2)', () => {
  it("'constructor' or 'toString' as a key is an unknown field (was: silently accepted through the prototype)", () => {
    for (const parse of parsers) {
      const r = parse('v=1&constructor=1');
      expect(r).toEqual({ ok: false, message: "This link has a field VT Lab does not know: 'constructor'." });
    }
  });
});
