import { describe, expect, it } from 'vitest';
import { describeResume, describeTrap, sensitiveValue, trapText } from './swvmm-text.ts';
import { describeEvent, kindLabel } from './format-event.ts';
import { transitionOf } from '../rings/platform.ts';
import { narrate } from '../rings/narrate.ts';
import { EMULATED_INSN_NAMES } from '../../core/techniques/deprivileged/emulated.ts';
import { EventKind } from '../../core/trace/events.ts';
import type { LoggedEvent } from '../../state/event-log.ts';

const ev = (kind: number, p: number[], seq = 5): LoggedEvent => ({ seq, kind, cycle: 100, p: Float64Array.from([...p, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 10)) }) as unknown as LoggedEvent;
// SW_TRAP as the kernel's first CLI makes it: #GP (13), error 0, EIP 0x10000, virtual CPL 0, CLI (0), 2030 cycles.
const CLI_TRAP = [0, 13, 0, 0x10000, 0, 0, 2030, 0];

describe('the software VMM in words', () => {
  it('names the trapped instruction, why it faults at ring 1, what the emulation does and its cost', () => {
    expect(describeTrap(CLI_TRAP)).toBe('Trap: CLI at 0x00010000 faults at ring 1 (#GP); the VMM emulates it: clears the virtual IF; 2,030 cycles');
    expect(trapText(CLI_TRAP).why).toBe('#GP(0): CPL 1 > IOPL 0');
    expect(narrate(ev(EventKind.SW_TRAP, CLI_TRAP), undefined, undefined)).toMatch(/^Trap: CLI .*2,030 cycles\.$/);
    expect(kindLabel(EventKind.SW_TRAP)).toBe('Trap');
    expect(describeEvent(ev(EventKind.SW_TRAP, CLI_TRAP))).toBe(describeTrap(CLI_TRAP));
  });

  it('every instruction the VMM emulates has a reason it faults and an effect', () => {
    EMULATED_INSN_NAMES.forEach((name, id) => {
      const t = trapText([0, 13, 0, 0x10000, 0, id, 2030, 0]);
      expect(t.what, name).toBe(name);
      expect(t.why, name).toMatch(/#GP/);
      expect(t.does.length, name).toBeGreaterThan(5);
    });
  });

  it('interrupts, page faults and guest-application traps', () => {
    expect(describeTrap([0, 0x100, -1, 0x10200, 3, -1, 2030, 0])).toBe('Trap: IRQ 0 interrupts the guest at ring 3, at 0x00010200; the VMM reflects the interrupt through the guest\'s own IDT (if the guest\'s virtual IF lets it in); 2,030 cycles');
    expect(describeTrap([0, 14, 2, 0x10200, 0, -1, 2030, 0])).toMatch(/^Trap: #PF at 0x00010200 in ring 1; the VMM fills its shadow page tables/);
    expect(describeResume([0, 0x101c4, 1, 0, 0x80, 0])).toBe("Back to the guest at 0x000101C4, delivering vector 0x80 through the guest's IDT: real ring 1, the guest believes it is in ring 0");
  });

  it('the diagram: a trap goes from the guest kernel\'s ring 1 to the VMM\'s ring 0, with its cause and cost; the resume back', () => {
    const t = transitionOf(ev(EventKind.SW_TRAP, CLI_TRAP), 'swvmm', undefined, undefined)!;
    expect(t).toMatchObject({ kind: 'swtrap', from: { col: 'host', ring: 1 }, to: { col: 'host', ring: 0 }, title: 'Trap to the VMM: CLI at 0x00010000', cost: '2,030 cycles (assumption)' });
    expect(t.label).toEqual(['Trap: CLI (#GP)', '2,030 cycles (assumption)']);
    expect(t.detail).toBe('In ring 1 it faults (#GP(0): CPL 1 > IOPL 0). The VMM emulates it: it clears the virtual IF.');
    const r = transitionOf(ev(EventKind.SW_RESUME, [0, 0x10001, 1, 0, -1]), 'swvmm', undefined, undefined)!;
    expect(r).toMatchObject({ kind: 'swresume', from: { ring: 0 }, to: { ring: 1 } });
    // The #GP delivery before it: ring 1 → 0 through the VMM's IDT.
    const d = transitionOf(ev(EventKind.EVENT_DELIVERY, [0, 13, 3, 0, 0x10000, 1, 0, 0]), 'swvmm', undefined, undefined)!;
    expect(d.detail).toMatch(/VMM's IDT.*ring 1 → 0: the VMM gets control/);
  });

  it('reads a sensitive instruction\'s line off the console', () => {
    const text = 'SGDT: base 0xFFC10000, limit 0xFFFF\nPUSH CS: 0x0009, PUSH SS: 0x0011\nPUSHF after CLI: IF = 1\n';
    expect(sensitiveValue(text, 'SGDT:')).toBe('base 0xFFC10000, limit 0xFFFF');
    expect(sensitiveValue(text, 'PUSH CS')).toBe('0x0009, PUSH SS: 0x0011');
    expect(sensitiveValue(text, 'PUSHF')).toBe('after CLI: IF = 1');
    expect(sensitiveValue(text, 'STR:')).toBeNull();
  });
});
