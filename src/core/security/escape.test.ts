import { describe, expect, it } from 'vitest';
import { ATTACK_VALUE, ESCAPE_IDS, runEscape, VICTIM_SECRET } from './escape.ts';

// The white paper's processors (Xeon LV, Xeon 5100: no EPT, shadow paging) and two EPT models.
const EPT = ['nehalem', 'modern'];
const SHADOW = ['xeon-lv', 'xeon-5100'];

describe('guest escape attempts on the VMX core', () => {
  for (const cpu of EPT) {
    it(`${cpu}: a write to another VM's memory is an EPT violation (exit 48); the victim's memory is unchanged and it keeps running`, () => {
      const r = runEscape('memory', cpu);
      expect(r.mmu).toBe('ept');
      expect(r.attacker.exits.find((e) => e.reason === 48)?.count).toBeGreaterThan(0);
      expect(r.attacker.state).toBe('crashed');
      expect(r.attacker.message).toMatch(/EPT violation at guest-physical 0x600000/);
      expect(r.victim.secretAfter).toBe(VICTIM_SECRET >>> 0);
      expect(r.victim.console).toBe('vvvvv');
      expect(r.victim.state).toBe('stopped');
      expect(r.held).toBe(true);
    });
    it(`${cpu}: guest page tables pointed at the VMM's EPT root only reach the guest's own RAM; EPT is untouched`, () => {
      const r = runEscape('page-tables', cpu);
      expect(r.evidence.join('\n')).toMatch(/EPT PML4 at host-physical 0x[0-9A-F]+: 0 of 1024 entries hold the attacker's value/);
      expect(r.evidence.join('\n')).toContain(`holds 0x${ATTACK_VALUE.toString(16).toUpperCase()}`);
      expect(r.attacker.exits.some((e) => e.reason === 48)).toBe(true);
      expect(r.victim.secretAfter).toBe(VICTIM_SECRET >>> 0);
      expect(r.held).toBe(true);
    });
  }
  for (const cpu of SHADOW) {
    it(`${cpu} (no EPT): the same write is stopped by the VMM's shadow page tables, not by hardware`, () => {
      const r = runEscape('memory', cpu);
      expect(r.mmu).toBe('shadow');
      expect(r.attacker.exits.some((e) => e.reason === 48)).toBe(false);
      expect(r.attacker.state).toBe('crashed');
      expect(r.victim.secretAfter).toBe(VICTIM_SECRET >>> 0);
      expect(r.held).toBe(true);
    });
  }
  for (const cpu of [...SHADOW, ...EPT]) {
    it(`${cpu}: CLI in the guest does not stop the host: its interrupts (or preemption timer) still exit and the victim finishes`, () => {
      const r = runEscape('interrupts', cpu);
      expect(r.evidence.join('\n')).toMatch(/IF = 0/);
      const back = r.attacker.exits.filter((e) => e.reason === 1 || e.reason === 52).reduce((a, e) => a + e.count, 0);
      expect(back).toBeGreaterThan(0);
      expect(r.attacker.state).toBe('running');
      expect(r.victim.console).toBe('vvvvv');
      expect(r.held).toBe(true);
    });
  }
  it("a guest's serial and paravirtual console output stays on its own console", () => {
    const r = runEscape('console', 'xeon-5100');
    expect(r.attacker.console).toContain('pwned');
    expect(r.victim.console).toBe('vvvvv');
    expect(r.attacker.exits.find((e) => e.reason === 30)?.count).toBe(6);
    expect(r.held).toBe(true);
  });
  it('every attempt is deterministic (same outcome on a second run)', () => {
    for (const id of ESCAPE_IDS) expect(runEscape(id, 'nehalem')).toEqual(runEscape(id, 'nehalem'));
  });
});
