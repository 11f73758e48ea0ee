/**
 * The code panel says an instruction caused a VM exit only when it did: exits that arrive at an instruction
 * boundary (SDM Vol. 3C §25.2, §27.1) name no culprit, and an EPT violation on an instruction fetch (qualification
 * bit 2, SDM Vol. 3C Table 27-7) is blamed on fetching the instruction, not on executing it.
 */
import { describe, expect, test } from 'vitest';
import { VmExitReason } from '../../core/vmx/spec/exit-reasons.ts';
import { exitCause } from './exit-cause.ts';

/** VM-exit interruption information: valid, type, vector (SDM Vol. 3C Table 24-19). */
const intr = (type: number, vector: number): number => (0x80000000 | (type << 8) | vector) | 0;

describe('exitCause', () => {
  test('instruction-caused exits blame the instruction at guest RIP', () => {
    for (const r of [VmExitReason.CPUID, VmExitReason.HLT, VmExitReason.IO_INSTRUCTION, VmExitReason.CR_ACCESS, VmExitReason.RDMSR, VmExitReason.VMCALL]) {
      expect(exitCause(r, 0, 0)).toBe('instruction');
    }
  });

  test('an EPT violation on a fetch blames the fetch; on a data access, the instruction', () => {
    expect(exitCause(VmExitReason.EPT_VIOLATION, 0x184, 0)).toBe('fetch'); // fetch, linear address valid, translation
    expect(exitCause(VmExitReason.EPT_VIOLATION, 0x182, 0)).toBe('instruction'); // data write
    expect(exitCause(VmExitReason.EPT_VIOLATION, 0x181, 0)).toBe('instruction'); // data read
  });

  test('asynchronous exits arrive between two instructions', () => {
    for (const r of [VmExitReason.EXTERNAL_INTERRUPT, VmExitReason.INTERRUPT_WINDOW, VmExitReason.NMI_WINDOW, VmExitReason.PREEMPTION_TIMER, VmExitReason.MONITOR_TRAP_FLAG, VmExitReason.INIT_SIGNAL]) {
      expect(exitCause(r, 0, 0)).toBe('between');
    }
  });

  test('exception or NMI: an NMI arrives between instructions; a fault or a software exception is the instruction’s', () => {
    expect(exitCause(VmExitReason.EXCEPTION_OR_NMI, 0, intr(2, 2))).toBe('between');
    expect(exitCause(VmExitReason.EXCEPTION_OR_NMI, 0x1000, intr(3, 14))).toBe('instruction'); // #PF
    expect(exitCause(VmExitReason.EXCEPTION_OR_NMI, 0, intr(6, 3))).toBe('instruction'); // INT3
  });

  test('a triple fault is reported at the instruction whose exception could not be delivered', () => {
    expect(exitCause(VmExitReason.TRIPLE_FAULT, 0, 0)).toBe('instruction');
  });
});
