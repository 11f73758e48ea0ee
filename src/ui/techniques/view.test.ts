import { describe, expect, it } from 'vitest';
import { groupText, overheadText, pgDemoHref, ringsLinkFor, verdictLook } from './view.ts';
import { demoSpec } from '../../core/techniques/popek-goldberg.ts';
import { parseLink } from '../../state/url.ts';
import type { Verdict } from '../../worker/protocol.ts';

const v = (status: Verdict['status']) => ({ status }) as Verdict;

describe('techniques view helpers', () => {
  it('every verdict has a word and an icon, not only a colour', () => {
    for (const s of ['baseline', 'correct', 'equivalent', 'wrong', 'failed', 'unavailable'] as const) {
      const l = verdictLook(v(s));
      expect(l.word.length).toBeGreaterThan(2);
      expect(l.icon.length).toBeGreaterThan(0);
    }
    expect(verdictLook(v('wrong')).word).toBe('Wrong');
  });
  it('formats overheads and counts', () => {
    expect(overheadText({ technique: 'vtx-ept', overheadPercent: 2542.1, slowdown: 26.42, verdict: v('correct') })).toBe('+2,542.1 % (×26.42)');
    expect(overheadText({ technique: 'paravirt', overheadPercent: null, slowdown: null, verdict: v('failed') })).toBe('did not finish');
    expect(overheadText({ technique: 'native', overheadPercent: 0, slowdown: 1, verdict: v('baseline') })).toBe('baseline');
    expect(groupText({ kind: 'trap', label: 'Traps', total: 1496, cycles: 1, byCause: [{ cause: 'instruction emulation', count: 1494, cycles: 1 }, { cause: 'software interrupt', count: 2, cycles: 1 }] })).toBe(
      'Traps 1,496: instruction emulation 1,494, software interrupt 2',
    );
  });
  it('links a technique to the Rings & VMX lab on its platform (EPT off for shadow paging on an EPT CPU)', () => {
    const l = ringsLinkFor({ technique: 'vtx-shadow', platform: 'guest', unavailable: null }, 'sensitive', 'nehalem')!;
    const p = parseLink(l.href);
    expect(p.kind === 'ok' && p.state.spec).toMatchObject({ scenario: 'sensitive', cpu: 'nehalem', mode: 'guest', settings: { ept: false } });
    expect(ringsLinkFor({ technique: 'vtx-ept', platform: null, unavailable: null }, 'sensitive', 'nehalem')).toBeNull();
    // Binary translation and paravirtualization have their own platforms; their link is offered once the link
    // format accepts them (src/state/url.ts `m`), and then it opens on that platform.
    for (const [technique, platform] of [['binary-translation', 'bt'], ['paravirt', 'pv']] as const) {
      const l = ringsLinkFor({ technique, platform, unavailable: null }, 'kernel', 'nehalem');
      if (l !== null) {
        const q = parseLink(l.href);
        expect(q.kind === 'ok' && q.state.spec.mode).toBe(platform);
      } else expect(parseLink('#/rings?v=1&s=kernel&m=' + platform).kind).toBe('error');
    }
    const sw = parseLink(ringsLinkFor({ technique: 'trap-and-emulate', platform: 'swvmm', unavailable: null }, 'kernel', 'xeon-lv')!.href);
    expect(sw.kind === 'ok' && sw.state.spec.mode).toBe('swvmm');
  });

  it('a Popek & Goldberg demo link opens sensitive on the software VMM at the position', () => {
    const href = pgDemoHref(demoSpec('nehalem'), 6223);
    expect(href).toMatch(/^#\/rings\?/);
    const p = parseLink(href);
    expect(p.kind).toBe('ok');
    if (p.kind !== 'ok') return;
    expect(p.state.lab).toBe('rings');
    expect(p.state.seq).toBe(6223);
    expect(p.state.spec).toMatchObject({ scenario: 'sensitive', mode: 'swvmm', cpu: 'nehalem', insnEvents: true });
  });
});
