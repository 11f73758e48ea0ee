import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTROL_KINDS,
  ENTRY_DEFAULT1,
  EXIT_DEFAULT1,
  EntryControls,
  ExitControls,
  PIN_BASED_DEFAULT1,
  PROC_BASED_DEFAULT1,
  PinBased,
  ProcBased,
  ProcBased2,
  TRUE_ENTRY_DEFAULT1,
  TRUE_EXIT_DEFAULT1,
  TRUE_PROC_BASED_DEFAULT1,
  checkControls,
  controlsValid,
  decodeControls,
  type ControlKind,
} from './controls.ts';

describe('control bit tables', () => {
  it('match the named masks', () => {
    const masks: Record<ControlKind, Record<string, number>> = {
      pin: PinBased,
      primary: ProcBased,
      secondary: ProcBased2,
      tertiary: {},
      exit: ExitControls,
      entry: EntryControls,
    };
    for (const kind of ['pin', 'primary', 'secondary', 'exit', 'entry'] as const) {
      for (const b of CONTROL_KINDS[kind].bits) {
        const byConst = Object.entries(masks[kind]).find(([, m]) => m === (2 ** b.bit));
        expect(byConst, `${kind} bit ${b.bit}`).toBeDefined();
      }
    }
  });

  it('has the SDM bit positions of the named constants', () => {
    expect(PinBased.EXTERNAL_INTERRUPT_EXITING).toBe(1 << 0);
    expect(PinBased.NMI_EXITING).toBe(1 << 3);
    expect(PinBased.VIRTUAL_NMIS).toBe(1 << 5);
    expect(PinBased.ACTIVATE_VMX_PREEMPTION_TIMER).toBe(1 << 6);
    expect(ProcBased.HLT_EXITING).toBe(1 << 7);
    expect(ProcBased.CR3_LOAD_EXITING).toBe(1 << 15);
    expect(ProcBased.USE_IO_BITMAPS).toBe(1 << 25);
    expect(ProcBased.ACTIVATE_SECONDARY_CONTROLS).toBe(0x80000000);
    expect(ProcBased2.ENABLE_EPT).toBe(1 << 1);
    expect(ProcBased2.UNRESTRICTED_GUEST).toBe(1 << 7);
    expect(ExitControls.ACK_INTERRUPT_ON_EXIT).toBe(1 << 15);
    expect(ExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE).toBe(1 << 22);
    expect(EntryControls.LOAD_DEBUG_CONTROLS).toBe(1 << 2);
    expect(EntryControls.IA32E_MODE_GUEST).toBe(1 << 9);
  });

  it('uses SDM wording for names', () => {
    const name = (k: ControlKind, bit: number) => CONTROL_KINDS[k].bits.find((b) => b.bit === bit)!.name;
    expect(name('primary', 7)).toBe('HLT exiting');
    expect(name('primary', 24)).toBe('Unconditional I/O exiting');
    expect(name('secondary', 2)).toBe('Descriptor-table exiting');
    expect(name('exit', 15)).toBe('Acknowledge interrupt on exit');
    expect(name('entry', 2)).toBe('Load debug controls');
  });

  it('has the default1 masks of SDM App. A and their TRUE variants', () => {
    expect(PIN_BASED_DEFAULT1).toBe(0x16);
    expect(PROC_BASED_DEFAULT1).toBe(0x0401e172);
    expect(EXIT_DEFAULT1).toBe(0x00036dff);
    expect(ENTRY_DEFAULT1).toBe(0x000011ff);
    expect(TRUE_PROC_BASED_DEFAULT1).toBe(0x04006172);
    expect(TRUE_EXIT_DEFAULT1).toBe(0x00036dfb);
    expect(TRUE_ENTRY_DEFAULT1).toBe(0x000011fb);
    // The named default1 controls are exactly the ones the TRUE MSRs make clearable.
    for (const k of ['primary', 'exit', 'entry'] as const) {
      const named = CONTROL_KINDS[k].bits.filter((b) => b.default1).reduce((m, b) => m | (1 << b.bit), 0);
      const trueLo = k === 'primary' ? TRUE_PROC_BASED_DEFAULT1 : k === 'exit' ? TRUE_EXIT_DEFAULT1 : TRUE_ENTRY_DEFAULT1;
      expect((CONTROL_KINDS[k].default1 & ~trueLo) >>> 0).toBe(named >>> 0);
    }
  });
});

describe('decodeControls', () => {
  it('lists set bits, reserved ones as "bit N (reserved)"', () => {
    expect(decodeControls('pin', 0x16 | PinBased.EXTERNAL_INTERRUPT_EXITING)).toEqual([
      'External-interrupt exiting',
      'bit 1 (reserved)',
      'bit 2 (reserved)',
      'bit 4 (reserved)',
    ]);
    expect(decodeControls('primary', ProcBased.HLT_EXITING | ProcBased.ACTIVATE_SECONDARY_CONTROLS)).toEqual([
      'HLT exiting',
      'Activate secondary controls',
    ]);
    expect(decodeControls('secondary', 0x2 | 0x80 | (1 << 21))).toEqual(['Enable EPT', 'Unrestricted guest', 'bit 21 (reserved)']);
  });

  it('returns one entry per set bit', () => {
    fc.assert(
      fc.property(fc.constantFrom<ControlKind>('pin', 'primary', 'secondary', 'tertiary', 'exit', 'entry'), fc.integer({ min: 0, max: 0xffffffff }), (k, v) => {
        let n = 0;
        for (let i = 0; i < 32; i++) n += (v >>> i) & 1;
        expect(decodeControls(k, v)).toHaveLength(n);
      }),
    );
  });
});

describe('allowed-settings check (SDM App. A.3)', () => {
  it('flags missing must-be-1 and forbidden 1 bits', () => {
    const lo = 0x16;
    const hi = 0x3f;
    expect(checkControls(0x16, lo, hi)).toEqual({ ok: true, missingOnes: 0, forbiddenOnes: 0 });
    expect(checkControls(0x06, lo, hi)).toEqual({ ok: false, missingOnes: 0x10, forbiddenOnes: 0 });
    expect(checkControls(0x56, lo, hi)).toEqual({ ok: false, missingOnes: 0, forbiddenOnes: 0x40 });
  });

  it('agrees with the allocation-free form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (v, a, b) => {
        const lo = a & b; // lo ⊆ hi, as real MSRs have it
        expect(controlsValid(v, lo, b)).toBe(checkControls(v, lo, b).ok);
      }),
    );
  });
});
