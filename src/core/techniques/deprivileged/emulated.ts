/**
 * What the trap-and-emulate VMM did at a trap: the emulated instruction (SW_TRAP p5) and the cause of the
 * trap (statistics). Kept free of core imports (only the string catalogue) so the trace formatter can name them.
 */

import { t } from '../../../i18n/t.ts';

/** Instructions the VMM emulates after they fault at the guest's real CPL (SW_TRAP p5; −1 = none). */
export const enum EmulatedInsn {
  NONE = -1,
  CLI = 0,
  STI = 1,
  HLT = 2,
  IN = 3,
  OUT = 4,
  INS = 5,
  OUTS = 6,
  LGDT = 7,
  LIDT = 8,
  LLDT = 9,
  LTR = 10,
  MOV_FROM_CR = 11,
  MOV_TO_CR = 12,
  MOV_DR = 13,
  CLTS = 14,
  LMSW = 15,
  INVLPG = 16,
  RDMSR = 17,
  WRMSR = 18,
  WBINVD = 19,
  INVD = 20,
  RDPMC = 21,
  RDTSC = 22,
  IRET = 23,
  RETF = 24,
  LOAD_SS = 25,
  INT = 26,
  INT3 = 27,
  INTO = 28,
  SYSENTER = 29,
  SYSEXIT = 30,
}

/** Mnemonics by EmulatedInsn (index = id). */
export const EMULATED_INSN_NAMES: readonly string[] = [
  'CLI', 'STI', 'HLT', 'IN', 'OUT', 'INS', 'OUTS', 'LGDT', 'LIDT', 'LLDT', 'LTR', 'MOV from CR', 'MOV to CR', // i18n-ignore: instruction-form names by id (mnemonics), shown as names
  'MOV DR', 'CLTS', 'LMSW', 'INVLPG', 'RDMSR', 'WRMSR', 'WBINVD', 'INVD', 'RDPMC', 'RDTSC', 'IRET', 'RETF', // i18n-ignore: instruction-form names by id (mnemonics), shown as names
  'load SS', 'INT n', 'INT3', 'INTO', 'SYSENTER', 'SYSEXIT', // i18n-ignore: instruction-form names by id (mnemonics), shown as names
];

/** Why the VMM got control (statistics). */
export const enum TrapCause {
  /** A privileged or IOPL-sensitive instruction faulted and was emulated. */
  EMULATION = 0,
  /** INT n / INT3 / INTO hit the VMM's DPL-0 gate (#GP) and were reflected through the guest's IDT. */
  SOFTWARE_INTERRUPT = 1,
  /** A guest exception (#DE, #UD, a genuine #GP...) reflected into the guest. */
  EXCEPTION = 2,
  /** A #PF the shadow page tables answered without the guest noticing ("hidden" fault). */
  SHADOW_FILL = 3,
  /** A #PF the guest's own page tables cause: reflected. */
  GUEST_PAGE_FAULT = 4,
  /** An interrupt from a virtual device, reflected through the guest's IDT. */
  EXTERNAL_INTERRUPT = 5,
}

export const TRAP_CAUSE_NAMES: readonly string[] = [
  t('machine.trapCause.emulation'), t('machine.trapCause.softwareInterrupt'), t('machine.trapCause.exceptionReflected'), t('machine.trapCause.shadowPageFill'), t('machine.trapCause.guestPageFault'), t('machine.trapCause.externalInterrupt'),
];
export const TRAP_CAUSE_COUNT = 6;
