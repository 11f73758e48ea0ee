/**
 * Interruption-information formats: VM-exit interruption information (0x4404, SDM Vol. 3C §24.9.2
 * Table 24-15), IDT-vectoring information (0x4408, §24.9.3 Table 24-16) and VM-entry interruption
 * information (0x4016, §24.8.3 Table 24-13). Linux INTR_INFO_* / INTR_TYPE_*; KUT x86/vmx.h; Bochs VMexit_Event.
 *
 *   7:0   vector
 *   10:8  type
 *   11    error code valid (exit/IDT-vectoring) / deliver error code (entry)
 *   12    NMI unblocking due to IRET (exit info); undefined (IDT-vectoring); reserved 0 (entry)
 *   30:13 reserved (entry: 30:12 must be 0)
 *   31    valid
 */
import { type Decoded, type DecodedPart, bitsOf, field, hex, part, yesNo } from './parts.ts';

export const InterruptionType = Object.freeze({
  EXTERNAL_INTERRUPT: 0,
  RESERVED: 1,
  NMI: 2,
  HARDWARE_EXCEPTION: 3,
  SOFTWARE_INTERRUPT: 4,
  PRIVILEGED_SOFTWARE_EXCEPTION: 5,
  SOFTWARE_EXCEPTION: 6,
  OTHER_EVENT: 7,
} as const);

export const INTERRUPTION_TYPE_NAMES: readonly string[] = Object.freeze([
  'External interrupt',
  'Reserved',
  'Non-maskable interrupt (NMI)',
  'Hardware exception',
  'Software interrupt (INT n)',
  'Privileged software exception (INT1)',
  'Software exception (INT3, INTO)',
  'Other event',
]);

export const INTR_INFO_VECTOR_MASK = 0x000000ff;
export const INTR_INFO_TYPE_MASK = 0x00000700;
export const INTR_INFO_TYPE_SHIFT = 8;
export const INTR_INFO_ERROR_CODE_VALID = 0x00000800;
export const INTR_INFO_NMI_UNBLOCKING = 0x00001000;
export const INTR_INFO_VALID = 0x80000000;
/** Entry interruption information: bits 30:12 are reserved and must be 0 (SDM Vol. 3C §26.2.1.3). */
export const ENTRY_INTR_INFO_RESERVED_MASK = 0x7ffff000;

/**
 * Exception mnemonics by vector (SDM Vol. 3A Table 6-1).
 */
export const EXCEPTION_NAMES: Readonly<Record<number, string>> = Object.freeze({
  0: '#DE divide error',
  1: '#DB debug',
  2: 'NMI',
  3: '#BP breakpoint',
  4: '#OF overflow',
  5: '#BR BOUND range exceeded',
  6: '#UD invalid opcode',
  7: '#NM device not available',
  8: '#DF double fault',
  9: 'coprocessor segment overrun',
  10: '#TS invalid TSS',
  11: '#NP segment not present',
  12: '#SS stack-segment fault',
  13: '#GP general protection',
  14: '#PF page fault',
  16: '#MF x87 FPU error',
  17: '#AC alignment check',
  18: '#MC machine check',
  19: '#XM SIMD floating-point',
  20: '#VE virtualization exception',
  21: '#CP control protection',
});

/**
 * Hardware exceptions that deliver an error code: #DF, #TS, #NP, #SS, #GP, #PF, #AC (SDM Vol. 3C §26.2.1.3,
 * the VM-entry event-injection check; #CP (21) is added on processors with CET).
 */
export const EXCEPTIONS_WITH_ERROR_CODE: readonly number[] = Object.freeze([8, 10, 11, 12, 13, 14, 17]);

/** Build an interruption-information value with bit 31 (valid) set. NMI exit: (2, NMI) → 0x80000202. */
export function encodeInterruptionInfo(vector: number, type: number, errorCodeValid: boolean, nmiUnblocking = false): number {
  return (
    ((vector & 0xff) |
      ((type & 7) << 8) |
      (errorCodeValid ? INTR_INFO_ERROR_CODE_VALID : 0) |
      (nmiUnblocking ? INTR_INFO_NMI_UNBLOCKING : 0) |
      INTR_INFO_VALID) >>>
    0
  );
}

export function interruptionVector(info: number): number {
  return info & 0xff;
}
export function interruptionType(info: number): number {
  return (info >>> 8) & 7;
}
export function interruptionValid(info: number): boolean {
  return (info & INTR_INFO_VALID) !== 0;
}
export function interruptionHasErrorCode(info: number): boolean {
  return (info & INTR_INFO_ERROR_CODE_VALID) !== 0;
}

export type InterruptionInfoKind = 'exit' | 'idt-vectoring' | 'entry';

function eventName(vector: number, type: number): string {
  switch (type) {
    case InterruptionType.EXTERNAL_INTERRUPT:
      return `external interrupt ${hex(vector, 2)}`;
    case InterruptionType.NMI:
      return 'NMI';
    case InterruptionType.HARDWARE_EXCEPTION:
      return EXCEPTION_NAMES[vector] ?? `exception ${vector}`;
    case InterruptionType.SOFTWARE_INTERRUPT:
      return `INT ${hex(vector, 2)}`;
    case InterruptionType.PRIVILEGED_SOFTWARE_EXCEPTION:
      return `INT1 (vector ${vector})`;
    case InterruptionType.SOFTWARE_EXCEPTION:
      return vector === 3 ? 'INT3' : vector === 4 ? 'INTO' : `software exception ${vector}`;
    case InterruptionType.OTHER_EVENT:
      return vector === 0 ? 'pending MTF VM exit' : `other event ${vector}`;
    default:
      return `reserved type, vector ${vector}`;
  }
}

export function decodeInterruptionInfo(info: number, kind: InterruptionInfoKind = 'exit'): Decoded {
  const vector = bitsOf(info, 7, 0);
  const type = bitsOf(info, 10, 8);
  const valid = bitsOf(info, 31, 31);
  const errLabel = kind === 'entry' ? 'Deliver error code' : 'Error code valid';
  const parts: DecodedPart[] = [
    part('Vector', 7, 0, vector, type === 3 || type === 6 || type === 5 ? (EXCEPTION_NAMES[vector] ?? `${vector}`) : hex(vector, 2)),
    part('Interruption type', 10, 8, type, INTERRUPTION_TYPE_NAMES[type]!),
    field(info, errLabel, 11, 11, yesNo),
  ];
  if (kind === 'exit') {
    parts.push(field(info, 'NMI unblocking due to IRET', 12, 12, yesNo));
    parts.push(field(info, 'Reserved', 30, 13, (v) => (v ? 'set (should be 0)' : '0')));
  } else if (kind === 'idt-vectoring') {
    parts.push(field(info, 'Undefined', 12, 12, (v) => `${v}`));
    parts.push(field(info, 'Reserved', 30, 13, (v) => (v ? 'set (should be 0)' : '0')));
  } else {
    parts.push(field(info, 'Reserved', 30, 12, (v) => (v ? 'set: VM entry fails (must be 0)' : '0')));
  }
  parts.push(part('Valid', 31, 31, valid, yesNo(valid)));
  const what = eventName(vector, type);
  const summary = valid
    ? `${kind === 'entry' ? 'inject ' : ''}${what}${info & INTR_INFO_ERROR_CODE_VALID ? ' with error code' : ''}`
    : 'not valid';
  return { parts, summary };
}
