import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatLink, parseLink, type LinkState } from './url.ts';

describe('links', () => {
  it('round-trips any valid state', () => {
    const state = fc.record({
      lab: fc.constantFrom('rings', 'techniques', 'migration'),
      spec: fc.record({
        scenario: fc.constantFrom('kernel', 'cpu-bound', 'kernel-bare'),
        cpu: fc.constantFrom('nehalem', 'xeon-lv'),
        seed: fc.integer({ min: 0, max: 0xffffffff }),
        insnEvents: fc.boolean(),
        params: fc.dictionary(fc.constantFrom('TICKS_TO_RUN', 'USER_SLEEPS'), fc.integer({ min: 0, max: 1000 }), { minKeys: 1 }),
      }),
      seq: fc.integer({ min: 0, max: 1e9 }),
      interventions: fc.array(fc.record({ seq: fc.integer({ min: 0, max: 1e6 }), action: fc.constantFrom({ kind: 'kill-vm' as const, vm: 0 }, { kind: 'nmi' as const }) }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(state, (s) => {
        const parsed = parseLink(formatLink(s as LinkState));
        expect(parsed).toEqual({ kind: 'ok', state: s });
      }),
    );
  });

  it('an empty hash is the default, not an error', () => {
    expect(parseLink('')).toEqual({ kind: 'empty' });
    expect(parseLink('#/')).toEqual({ kind: 'empty' });
  });

  it('explains what is wrong with a broken or tampered link', () => {
    const msg = (h: string): string => {
      const r = parseLink(h);
      return r.kind === 'error' ? r.message : 'ok';
    };
    expect(msg('#garbage!!')).toMatch(/not a VT Lab link/);
    expect(msg('#/nowhere?v=1&s=kernel')).toMatch(/lab that does not exist: 'nowhere'/);
    expect(msg('#/rings?v=9&s=kernel')).toMatch(/another version/);
    expect(msg('#/rings?v=1')).toMatch(/scenario \(s\) is missing/);
    expect(msg('#/rings?v=1&s=kernel&t=-4')).toMatch(/position \(t\)/);
    expect(msg('#/rings?v=1&s=kernel&seed=99999999999')).toMatch(/seed/);
    expect(msg('#/rings?v=1&s=kernel&p=ticks')).toMatch(/'ticks' is not NAME.value/);
    expect(msg('#/rings?v=1&s=kernel&iv=4.explode')).toMatch(/not an intervention/);
    expect(msg('#/rings?v=1&s=kernel&zz=1')).toMatch(/does not know: 'zz'/);
    expect(msg('#/rings?v=1&s=Kernel%3Cscript%3E')).toMatch(/scenario \(s\)/);
  });
});
