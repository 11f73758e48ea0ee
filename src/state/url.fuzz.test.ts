// Fuzz: share links (issue 9 item 1). `parseLink` reads any location hash a user pastes or a tampered page
// sends: it returns empty, ok or an error value (never throws), within a bounded time, and an error message
// names the parameter at fault; every valid state still round-trips through formatLink → parseLink.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLink, parseLink, TECHNIQUE_COST_KEYS, type LinkState, type ParsedLink } from './url.ts';
import { LAB_IDS, LAB_TABS } from './labs.ts';
import { DEFAULT_FAILOVER_LINK, DEFAULT_MIGRATION_LINK } from './platform-links.ts';
import { DEFAULT_CONSOLIDATION_LINK } from './consolidation-link.ts';
import { fuzzRuns, fuzzTimeout } from '../test-support/fuzz-budget.ts';
import { FuzzProbe, expectClearMessage, garbageText, mutatedFrom } from '../test-support/fuzz-harness.ts';

const probe = new FuzzProbe('share link (parseLink)');
afterAll(() => probe.report());

/** What a link error may name: a parameter by its (key), or the link as a whole. */
const NAMES = [
  /\((?:v|s|cpu|seed|insn|m|p|t|iv|src|vmm|w|c|r|mem|bw|d|wws|rule|dt|rc|ac|pc|st|place|det|adv|pri|tok|rep|cm|k|alg|ht|mv|tco|pol|h|tab)\)/,
  /\bseed\b/, 'does not know', 'not a VT Lab link', 'lab that does not exist', 'damaged',
];

function parse(hash: string): ParsedLink {
  const r = probe.time(() => parseLink(hash), hash);
  if (r.kind === 'error') {
    expect(r.message).toMatch(/^This link /);
    expectClearMessage(r.message, NAMES, hash);
  }
  return r;
}

const VALID_LINKS = [
  '#/rings?v=1&s=kernel&cpu=nehalem&seed=1&insn=0&p=TICKS_TO_RUN.20~USER_SLEEPS.3&t=120&iv=40.kill-vm.0~50.nmi',
  '#/rings?v=1&s=sensitive&cpu=xeon-lv&seed=4294967295&insn=1&m=swvmm&t=0',
  '#/rings?v=1&s=kernel&seed=7&insn=1&t=3&src=y0vMUchKTUm1MlTIyM_JSQEA&vmm=hltExiting=false~ioPassthroughPorts=0x3F8-0x3FF,0x80~raw.primary.set=0x4',
  '#/techniques?v=1&w=sensitive&cpu=nehalem&c=trap.4000~hypercall.889&r=1',
  '#/migration?v=1&mem=4096&bw=1000&d=100&wws=0&rule=qemu&dt=300&rc=0&ac=0&pc=0&st=5000&r=1',
  '#/failover?v=1&place=separate&det=vrrp&adv=1&pri=100&tok=3000&rep=1&cm=vip&k=vm',
  '#/consolidation?v=1&alg=ffd&ht=xeon-5100-5000p&d=reserved&mv=web.host-2~ftp.host-1&tco=pue.1.5~years.5&pol=lr-mmt-1.2&r=1&h=14',
  '#/isolation?v=1&tab=faults',
  '#/io?v=1&tab=sriov',
  '#/security?v=1&tab=surface',
];

describe('share link fuzz', () => {
  const runs = fuzzRuns(350);
  it(`garbage hashes (${runs} inputs)`, () => {
    const arb = fc.oneof(
      garbageText(),
      garbageText().map((s) => `#/${s}`),
      fc.tuple(fc.constantFrom(...LAB_IDS), garbageText()).map(([lab, q]) => `#/${lab}?${q}`),
      fc.tuple(fc.constantFrom(...LAB_IDS), fc.dictionary(fc.string({ maxLength: 6 }), garbageText({ huge: false }), { maxKeys: 6 })).map(([lab, d]) => `#/${lab}?v=1&${new URLSearchParams(d).toString()}`),
    );
    fc.assert(fc.property(arb, (h) => void parse(h)), { numRuns: runs });
  }, fuzzTimeout(runs, 300));

  const mutRuns = fuzzRuns(350);
  it(`valid links with a parameter truncated, flipped or replaced (${mutRuns} inputs)`, () => {
    const arb = mutatedFrom([...VALID_LINKS], 3);
    fc.assert(fc.property(arb, (h) => void parse(h)), { numRuns: mutRuns });
  }, fuzzTimeout(mutRuns, 300));

  const numRunsN = fuzzRuns(400);
  it(`every numeric parameter given 0, negative, huge, NaN, Infinity, text, empty and exponent forms (${numRunsN} inputs)`, () => {
    const weird = fc.constantFrom('0', '-1', '-0', '1e3', '1E-3', '1e309', 'NaN', 'Infinity', '', ' ', 'abc', '0x10', '4294967296', '9'.repeat(20), '1.5', '+1', '%00', '%', '٣');
    const arb = fc.tuple(fc.constantFrom(...VALID_LINKS), weird, fc.nat()).map(([l, w, k]) => {
      const [head, q] = l.split('?');
      const params = new URLSearchParams(q);
      const keys = [...params.keys()];
      params.set(keys[k % keys.length], w);
      return `${head}?${params.toString()}`;
    });
    fc.assert(fc.property(arb, (h) => void parse(h)), { numRuns: numRunsN });
  }, fuzzTimeout(numRunsN, 300));

  it('hostile shapes: huge query, thousands of parameters, repeated keys, bad escapes, prototype names', () => {
    const cases = [
      `#/rings?v=1&s=kernel&src=${'A'.repeat(500_000)}`,
      `#/rings?v=1&s=kernel&p=${'A.1~'.repeat(100_000)}`,
      `#/rings?${'v=1&'.repeat(50_000)}s=kernel`,
      `#/rings?v=1&s=kernel&iv=${'1.nmi~'.repeat(2000)}`,
      '#/rings?v=1&s=kernel&%E0%A4%A=1',
      '#/rings?v=1&s=kernel&__proto__=1',
      '#/rings?v=1&s=constructor&p=__proto__.1',
      '#/rings?v=1&s=kernel&vmm=__proto__=1',
      `#/rings?v=1&s=kernel&vmm=ioPassthroughPorts=0-0xFFFFFFFF`,
      `#/rings?v=1&s=kernel&vmm=${'ioPassthroughPorts=0-0xFFFF~'.repeat(300)}`,
      `#/${'a'.repeat(100_000)}`,
      `#/rings?${'x'.repeat(100_000)}=1`,
      `#/migration?${'x'.repeat(100_000)}=1`,
      `#/io?${'x'.repeat(100_000)}=1`,
      `#/io?v=1&tab=${'x'.repeat(100_000)}`,
      '#/io?v=2',
      '#/rings?v=1&s=kernel&seed=99999999999999',
    ];
    for (const h of cases) parse(h);
  }, 60_000);
});

describe('valid links round-trip', () => {
  const rings = fc.record({
    lab: fc.constant('rings' as const),
    spec: fc.record(
      {
        scenario: fc.constantFrom('kernel', 'cpu-bound', 'sensitive', 'kernel-bare'),
        cpu: fc.constantFrom('nehalem', 'xeon-lv'),
        seed: fc.integer({ min: 0, max: 0xffffffff }),
        insnEvents: fc.boolean(),
        mode: fc.constantFrom('bare' as const, 'guest' as const, 'swvmm' as const, 'bt' as const, 'pv' as const),
        params: fc.dictionary(fc.constantFrom('TICKS_TO_RUN', 'USER_SLEEPS', 'SEED'), fc.integer({ min: -1000, max: 1e9 }), { minKeys: 1 }),
        settings: fc.record(
          { hltExiting: fc.boolean(), exceptionBitmap: fc.integer({ min: 0, max: 0xffffffff }), ioPassthroughPorts: fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 5 }).map((a) => a.sort((x, y) => x - y)) },
          { requiredKeys: [] },
        ).filter((x) => Object.keys(x).length > 0), // no settings = the parameter is left out (equivalent)
      },
      { requiredKeys: ['scenario', 'seed', 'insnEvents'] },
    ),
    seq: fc.integer({ min: 0, max: 1e12 }),
    interventions: fc.array(fc.record({ seq: fc.integer({ min: 0, max: 1e6 }), action: fc.oneof(fc.record({ kind: fc.constant('kill-vm' as const), vm: fc.integer({ min: 0, max: 999 }) }), fc.constant({ kind: 'nmi' as const })) }), { maxLength: 4 }),
    srcZ: fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/),
  }, { requiredKeys: ['lab', 'spec', 'seq', 'interventions'] });

  const techniques = fc.record({
    lab: fc.constant('techniques' as const),
    spec: fc.constant({ scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: true }),
    seq: fc.constant(0),
    interventions: fc.constant([]),
    techniques: fc.record({
      workload: fc.constantFrom('sensitive', 'kernel', 'cpu-bound'),
      cpu: fc.constantFrom('nehalem', 'xeon-lv'),
      costs: fc.record(Object.fromEntries(TECHNIQUE_COST_KEYS.map((k) => [k, fc.integer({ min: 0, max: 1_000_000 })])) as Record<(typeof TECHNIQUE_COST_KEYS)[number], fc.Arbitrary<number>>, { requiredKeys: [] }),
      run: fc.boolean(),
    }),
  });

  const tabbed = fc.constantFrom(...(Object.keys(LAB_TABS) as (keyof typeof LAB_TABS)[])).chain((lab) =>
    fc.constantFrom(...LAB_TABS[lab].map((t) => t.id)).map((tab) => ({ lab, spec: { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: true }, seq: 0, interventions: [], tab })),
  );

  const rtRuns = fuzzRuns(250);
  it(`formatLink → parseLink gives the state back (${rtRuns} states: rings, techniques, tabbed labs)`, () => {
    fc.assert(
      fc.property(fc.oneof(rings, techniques, tabbed), (s) => {
        const r = parse(formatLink(s as LinkState));
        expect(r).toEqual({ kind: 'ok', state: s });
      }),
      { numRuns: rtRuns },
    );
  }, fuzzTimeout(rtRuns, 300));

  it('the platform labs keep their defaults through a link', () => {
    const base = { spec: { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: true }, seq: 0, interventions: [] };
    for (const s of [
      { ...base, lab: 'migration' as const, migration: DEFAULT_MIGRATION_LINK },
      { ...base, lab: 'failover' as const, failover: DEFAULT_FAILOVER_LINK },
      { ...base, lab: 'consolidation' as const, consolidation: DEFAULT_CONSOLIDATION_LINK },
    ]) {
      expect(parse(formatLink(s))).toEqual({ kind: 'ok', state: s });
    }
  });
});

describe('keys from the prototype and huge keys (found by this fuzz run, fixed)', () => {
  it("'constructor' as a key is an unknown field, not a field found on the prototype", () => {
    expect(parseLink('#/rings?v=1&s=kernel&constructor=1').kind).toBe('error');
    expect(parseLink('#/techniques?v=1&toString=1').kind).toBe('error');
  });

  it('an unknown 100 kB key gives a short message', () => {
    const r = parseLink(`#/rings?${'x'.repeat(100_000)}=1`);
    expect(r.kind === 'error' && r.message.length).toBeLessThan(600);
  });
});
