/**
 * The Popek & Goldberg table is generated from the trap-and-emulate VMM's own tables: every trapped
 * instruction is privileged, every sensitive unprivileged one (Robin & Irvine's list as commonly reproduced,
 * 18 mnemonics) breaks the theorem on IA-32; and each demo link lands right after its instruction ran under
 * the software VMM — for POPF, with the guest's IF still 0.
 */
import { describe, expect, it } from 'vitest';
import { SENSITIVE_UNPRIVILEGED, TRAPPED } from './deprivileged/instructions.ts';
import { REQUIREMENTS, TRAPPED_SENSITIVITY, demoSpec, popekGoldbergRows } from './popek-goldberg.ts';
import { DEMO_SITES, demoPositions, demoSites } from './popek-goldberg-demos.ts';
import { Timeline } from '../timeline/timeline.ts';

const IF = 1 << 9; // SDM Vol. 1 §3.4.3: EFLAGS.IF is bit 9

describe('Popek & Goldberg table', () => {
  const rows = popekGoldbergRows();

  it('names the three requirements', () => {
    expect(REQUIREMENTS.map((r) => r.name)).toEqual(['Equivalence', 'Resource control', 'Efficiency']);
  });

  it('marks every sensitive unprivileged instruction as sensitive, not privileged, breaking the theorem, with a demo', () => {
    for (const s of SENSITIVE_UNPRIVILEGED) {
      const r = rows.find((x) => x.source === 'sensitive-unprivileged' && x.id === s.mnemonic);
      expect(r, s.mnemonic).toBeDefined();
      expect(r!.breaksTheorem).toBe(true);
      expect(r!.privileged).toBe(false);
      expect(r!.demo).toBe(s.mnemonic);
    }
    expect(rows.filter((r) => r.breaksTheorem)).toHaveLength(SENSITIVE_UNPRIVILEGED.length);
  });

  it('marks every trapped instruction as privileged and not breaking the theorem', () => {
    for (const t of TRAPPED) {
      const r = rows.find((x) => x.source === 'trapped' && x.id === t.mnemonics);
      expect(r, t.mnemonics).toBeDefined();
      expect(r!.privileged).toBe(true);
      expect(r!.breaksTheorem).toBe(false);
    }
    expect(rows).toHaveLength(TRAPPED.length + SENSITIVE_UNPRIVILEGED.length);
  });

  it('classifies the sensitivity of exactly the trapped entries (no stale or missing key)', () => {
    expect(Object.keys(TRAPPED_SENSITIVITY).sort()).toEqual(TRAPPED.map((t) => t.mnemonics).sort());
    expect(Object.keys(DEMO_SITES).sort()).toEqual(SENSITIVE_UNPRIVILEGED.map((s) => s.mnemonic).sort());
  });
});

describe('demo positions in sensitive.s under the software VMM', () => {
  const sites = demoSites();
  const r = demoPositions('nehalem');

  it('finds one line of sensitive.s per instruction and a position for each', () => {
    expect(sites.ok).toBe(true);
    expect(r.ok).toBe(true);
    if (!r.ok || !sites.ok) return;
    expect(r.positions.map((p) => p.mnemonic)).toEqual(SENSITIVE_UNPRIVILEGED.map((s) => s.mnemonic));
    expect(sites.sites.find((s) => s.mnemonic === 'POPF')!.source).toBe('popfd');
    expect(sites.sites.find((s) => s.mnemonic === 'INT n')!.source).toMatch(/^int\s+0x82$/);
    // Each is a distinct place in the run.
    expect(new Set(r.positions.map((p) => p.seq)).size).toBe(r.positions.length);
  });

  it('POPF: at its position the guest\'s POPF has just executed (EIP past it) and the guest\'s IF is still 0', () => {
    if (!r.ok) throw new Error(r.message);
    const popf = r.positions.find((p) => p.mnemonic === 'POPF')!;
    const c = Timeline.create(demoSpec('nehalem'));
    if (!c.ok) throw new Error('spec');
    const t = c.timeline;
    t.seek(popf.seq);
    expect(t.position().seq).toBe(popf.seq);
    const v = t.inspect();
    expect(v.mode).toBe('swvmm');
    expect(Number(v.registers.eip)).toBe(popf.address + 1); // POPFD is one byte (9D)
    expect(Number(v.registers.eflags) & IF).toBe(0); // the guest set IF with POPF; at CPL 1 > IOPL 0 it was dropped
    expect(v.hostCpl).toBe(1);
    // One position earlier, POPF had not run yet: EIP was at it.
    t.seek(popf.seq - 1);
    expect(Number(t.inspect().registers.eip)).toBe(popf.address);
  });

  it('every position is just past its instruction (EIP no longer at it)', () => {
    if (!r.ok) throw new Error(r.message);
    const c = Timeline.create(demoSpec('nehalem'));
    if (!c.ok) throw new Error('spec');
    for (const p of r.positions.slice(0, 6)) {
      c.timeline.seek(p.seq);
      expect(Number(c.timeline.inspect().registers.eip), p.mnemonic).not.toBe(p.address);
    }
  });
});
