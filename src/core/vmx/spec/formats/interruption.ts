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
// Words come from the string catalogue (issue 8); SDM names and mnemonics stay here as data.
import { t } from '../../../../i18n/t.ts';
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
  t('sdm.intr.externalInterrupt'),
  t('sdm.part.reserved'),
  t('sdm.intr.nonMaskableInterruptNmi'),
  t('sdm.intr.hardwareException'),
  t('sdm.intr.softwareInterruptIntN'),
  t('sdm.intr.privilegedSoftwareExceptionInt1'),
  t('sdm.intr.softwareExceptionInt3Into'),
  t('sdm.intr.otherEvent'),
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
  0: t('sdm.intr.deDivideError'),
  1: t('sdm.intr.dbDebug'),
  2: 'NMI',
  3: t('sdm.intr.bpBreakpoint'),
  4: t('sdm.intr.ofOverflow'),
  5: t('sdm.intr.brBoundRangeExceeded'),
  6: t('sdm.intr.udInvalidOpcode'),
  7: t('sdm.intr.nmDeviceNotAvailable'),
  8: t('sdm.intr.dfDoubleFault'),
  9: t('sdm.intr.coprocessorSegmentOverrun'),
  10: t('sdm.intr.tsInvalidTss'),
  11: t('sdm.intr.npSegmentNotPresent'),
  12: t('sdm.intr.ssStackSegmentFault'),
  13: t('sdm.intr.gpGeneralProtection'),
  14: t('sdm.intr.pfPageFault'),
  16: t('sdm.intr.mfX87FpuError'),
  17: t('sdm.intr.acAlignmentCheck'),
  18: t('sdm.intr.mcMachineCheck'),
  19: t('sdm.intr.xmSimdFloatingPoint'),
  20: t('sdm.intr.veVirtualizationException'),
  21: t('sdm.intr.cpControlProtection'),
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
      return t('sdm.intr.externalInterruptEvent', { vector: hex(vector, 2) });
    case InterruptionType.NMI:
      return 'NMI';
    case InterruptionType.HARDWARE_EXCEPTION:
      return EXCEPTION_NAMES[vector] ?? t('sdm.intr.exceptionEvent', { vector });
    case InterruptionType.SOFTWARE_INTERRUPT:
      return `INT ${hex(vector, 2)}`;
    case InterruptionType.PRIVILEGED_SOFTWARE_EXCEPTION:
      return t('sdm.intr.int1Event', { vector });
    case InterruptionType.SOFTWARE_EXCEPTION:
      return vector === 3 ? 'INT3' : vector === 4 ? 'INTO' : t('sdm.intr.softwareExceptionEvent', { vector });
    case InterruptionType.OTHER_EVENT:
      return vector === 0 ? t('sdm.intr.pendingMtfVmExit') : t('sdm.intr.otherEventEvent', { vector });
    default:
      return t('sdm.intr.reservedTypeEvent', { vector });
  }
}

export function decodeInterruptionInfo(info: number, kind: InterruptionInfoKind = 'exit'): Decoded {
  const vector = bitsOf(info, 7, 0);
  const type = bitsOf(info, 10, 8);
  const valid = bitsOf(info, 31, 31);
  const errLabel = kind === 'entry' ? t('sdm.intr.deliverErrorCode') : t('sdm.intr.errorCodeValid');
  const parts: DecodedPart[] = [
    part(t('sdm.part.vector'), 7, 0, vector, type === 3 || type === 6 || type === 5 ? (EXCEPTION_NAMES[vector] ?? `${vector}`) : hex(vector, 2)),
    part(t('sdm.intr.interruptionType'), 10, 8, type, INTERRUPTION_TYPE_NAMES[type]!),
    field(info, errLabel, 11, 11, yesNo),
  ];
  if (kind === 'exit') {
    parts.push(field(info, t('sdm.part.nmiUnblockingDueToIret'), 12, 12, yesNo));
    parts.push(field(info, t('sdm.part.reserved'), 30, 13, (v) => (v ? t('sdm.part.setShouldBe0') : '0')));
  } else if (kind === 'idt-vectoring') {
    parts.push(field(info, t('sdm.part.undefined'), 12, 12, (v) => `${v}`));
    parts.push(field(info, t('sdm.part.reserved'), 30, 13, (v) => (v ? t('sdm.part.setShouldBe0') : '0')));
  } else {
    parts.push(field(info, t('sdm.part.reserved'), 30, 12, (v) => (v ? t('sdm.part.setVmEntryFailsMustBe') : '0')));
  }
  parts.push(part(t('sdm.intr.valid'), 31, 31, valid, yesNo(valid)));
  const what = eventName(vector, type);
  const summary = valid
    ? info & INTR_INFO_ERROR_CODE_VALID
      ? t(kind === 'entry' ? 'sdm.intr.injectWithErrorCode' : 'sdm.intr.withErrorCode', { event: what })
      : kind === 'entry'
        ? t('sdm.intr.inject', { event: what })
        : what
    : t('sdm.intr.notValid');
  return { parts, summary };
}
