/**
 * Guest non-register state formats, SDM Vol. 3C §24.4.2: activity state (0x4826, Table 24-3),
 * interruptibility state (0x4824, Table 24-3) and pending debug exceptions (0x6822, Table 24-4).
 * Linux GUEST_ACTIVITY_*, GUEST_INTR_STATE_*.
 */
// Words come from the string catalogue (issue 8); SDM names and mnemonics stay here as data.
import { t } from '../../../../i18n/t.ts';
import { type Decoded, bitsOf, field, part, yesNo } from './parts.ts';

export enum ActivityState {
  ACTIVE = 0,
  HLT = 1,
  SHUTDOWN = 2,
  WAIT_FOR_SIPI = 3,
}

export const ACTIVITY_STATE_NAMES: readonly string[] = Object.freeze(['Active', 'HLT', 'Shutdown', 'Wait-for-SIPI']);

export function decodeActivityState(v: number): Decoded {
  const name = ACTIVITY_STATE_NAMES[v >>> 0] ?? t('sdm.guest.invalidActivity', { value: v >>> 0 });
  return { parts: [part(t('sdm.guest.activityState'), 31, 0, v >>> 0, name)], summary: name };
}

export const Interruptibility = Object.freeze({
  BLOCKING_BY_STI: 0x1,
  BLOCKING_BY_MOV_SS: 0x2,
  BLOCKING_BY_SMI: 0x4,
  BLOCKING_BY_NMI: 0x8,
  ENCLAVE_INTERRUPTION: 0x10,
} as const);
/** Bits 31:5 are reserved and must be 0 (SDM Vol. 3C §26.3.1.5). */
export const INTERRUPTIBILITY_RESERVED_MASK = 0xffffffe0;

export function encodeInterruptibility(sti: boolean, movSs: boolean, smi: boolean, nmi: boolean, enclave = false): number {
  return (sti ? 1 : 0) | (movSs ? 2 : 0) | (smi ? 4 : 0) | (nmi ? 8 : 0) | (enclave ? 0x10 : 0);
}

export function decodeInterruptibility(v: number): Decoded {
  const on: string[] = [];
  if (v & 1) on.push('STI');
  if (v & 2) on.push(t('sdm.guest.movSs'));
  if (v & 4) on.push('SMI');
  if (v & 8) on.push('NMI');
  return {
    parts: [
      field(v, t('sdm.guest.blockingBySti'), 0, 0, yesNo),
      field(v, t('sdm.guest.blockingByMovSs'), 1, 1, yesNo),
      field(v, t('sdm.guest.blockingBySmi'), 2, 2, yesNo),
      field(v, t('sdm.guest.blockingByNmi'), 3, 3, yesNo),
      field(v, t('sdm.guest.enclaveInterruption'), 4, 4, yesNo),
      field(v, t('sdm.part.reserved'), 31, 5, (r) => (r ? t('sdm.part.setVmEntryFailsMustBe') : '0')),
    ],
    summary: on.length ? t('sdm.guest.blockedBy', { list: on.join(', ') }) : t('sdm.guest.noBlocking'),
  };
}

/** Pending debug exceptions (0x6822): B3–B0 (3:0), enabled breakpoint (12), BS (14), RTM (16). */
export const PendingDebug = Object.freeze({ B0: 0x1, B1: 0x2, B2: 0x4, B3: 0x8, ENABLED_BREAKPOINT: 0x1000, BS: 0x4000, RTM: 0x10000 } as const);
/** Bits 11:4, 13, 15, 31:17 must be 0 (SDM Vol. 3C §26.3.1.5). */
export const PENDING_DEBUG_RESERVED_MASK = 0xfffeaff0;

export function decodePendingDebugExceptions(v: number): Decoded {
  return {
    parts: [
      field(v, 'B3:B0', 3, 0, (b) => (b ? [0, 1, 2, 3].filter((i) => (b >>> i) & 1).map((i) => `DR${i}`).join(', ') : t('sdm.none'))),
      field(v, t('sdm.guest.enabledBreakpoint'), 12, 12, yesNo),
      field(v, t('sdm.part.bsSingleStep'), 14, 14, yesNo),
      field(v, 'RTM', 16, 16, yesNo),
      part(t('sdm.part.reserved'), 31, 4, (v & PENDING_DEBUG_RESERVED_MASK) >>> 0, v & PENDING_DEBUG_RESERVED_MASK ? t('sdm.guest.setVmEntryFails') : '0'),
    ],
    summary: bitsOf(v, 31, 0) ? t('sdm.guest.debugExceptionsPending') : t('sdm.guest.nonePending'),
  };
}
