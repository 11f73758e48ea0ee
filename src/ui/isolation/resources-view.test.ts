import { describe, expect, it } from 'vitest';
import { RESOURCES_DEFAULTS as D } from '../../core/scheduling/run.ts';
import { applyPreset, bins, explain, parseTexts, situation, textsOf } from './resources-view.ts';

describe('Resources tab helpers', () => {
  it('the default texts parse back to the defaults', () => {
    const r = parseTexts(D, textsOf(D));
    expect(r).toEqual({ ok: true, params: D });
  });
  it('a text that is not a number gets “Enter a number” beside that field only', () => {
    const t = { ...textsOf(D), 'pbx.weight': 'lots' };
    expect(parseTexts(D, t)).toEqual({ ok: false, errors: { 'pbx.weight': 'Enter a number' } });
  });
  it('every out-of-range field gets the core’s message (not just the first)', () => {
    const t = { ...textsOf(D), 'firewall.weight': '0', 'noisy.capPercent': '150', tsliceMs: '0' };
    const r = parseTexts(D, t);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors['firewall.weight']).toMatch(/1 to 65535/);
    expect(r.errors['noisy.capPercent']).toMatch(/0 \(none\) to 100/);
    expect(r.errors.tsliceMs).toMatch(/between 1 and 100/);
  });
  it('presets: PBX shares = credit with PBX weight 1024 and no cap on the neighbour; cap = neighbour at 25 %', () => {
    const s = applyPreset({ ...D, noisy: true }, 'pbx-shares');
    expect(s.scheduler).toBe('credit');
    expect(s.vms.pbx.weight).toBe(1024);
    expect(s.noisy).toBe(true);
    const c = applyPreset(s, 'cap-neighbour');
    expect(c.vms.noisy.capPercent).toBe(25);
    expect(c.vms.pbx.weight).toBe(256);
    expect(applyPreset(c, 'no-shares').scheduler).toBe('round-robin');
  });
  it('histogram bins count every value once and reach the requested range', () => {
    const b = bins([0, 4.9, 5, 31], 5, 20);
    expect(b.reduce((s, x) => s + x.count, 0)).toBe(4);
    expect(b[0].count).toBe(2);
    expect(b[b.length - 1].to).toBeGreaterThan(31);
  });
  it('the explanation names the cause for each situation', () => {
    expect(explain({ params: { ...D, noisy: true }, pbx: { max: 40 } })).toMatch(/Round robin.*preemption timer/);
    const capped = applyPreset({ ...D, noisy: true }, 'cap-neighbour');
    expect(explain({ params: capped, pbx: { max: 2 } })).toMatch(/capped at 25 %/);
    expect(explain({ params: { ...capped, boost: false, vms: { ...capped.vms, noisy: { ...capped.vms.noisy, capPercent: 0 } } }, pbx: { max: 40 } })).toMatch(/Without boost/);
  });
});

describe('run history names', () => {
  it('names the situation: neighbour, scheduler, non-default weights and caps', () => {
    expect(situation({ ...D, noisy: true })).toBe('Noisy neighbour, round robin (no shares)');
    expect(situation(applyPreset({ ...D, noisy: true }, 'pbx-shares'))).toBe('Noisy neighbour, credit: PBX weight 1024');
    expect(situation(applyPreset({ ...D, noisy: true }, 'cap-neighbour'))).toBe('Noisy neighbour, credit: neighbour cap 25 %');
    expect(situation({ ...D, scheduler: 'credit' })).toBe('No neighbour, credit, equal weights');
  });
});
