/**
 * What the binary translator made of each guest instruction, as data (op kinds and callout kinds). Kept
 * free of imports so the trace formatter (src/core/trace/json.ts) can name them.
 */

/** How an original guest instruction appears in the translation. */
export const enum OpKind {
  /** Copied unchanged ("IDENT" in Adams & Agesen 2006 §3.1): runs on the processor exactly as written. */
  IDENT = 0,
  /** Replaced by a call into the VMM, which emulates it against the virtual CPU. */
  CALLOUT = 1,
  /** A direct near control transfer (JMP/Jcc/CALL rel, LOOP, JECXZ): the target is known, so the
   * translation chains to the translation of the target. */
  BRANCH = 2,
  /** An indirect near control transfer (RET, JMP/CALL r/m): the target must be looked up in the TC. */
  INDIRECT = 3,
}

export const OP_KIND_NAMES: readonly string[] = ['IDENT', 'CALLOUT', 'BRANCH', 'INDIRECT'];

/** The sensitive instructions the translator replaces by callouts (BT_CALLOUT p2; −1 = none). */
export const enum BtCallout {
  NONE = -1,
  CLI = 0,
  STI = 1,
  PUSHF = 2,
  POPF = 3,
  HLT = 4,
  IN = 5,
  OUT = 6,
  INS = 7,
  OUTS = 8,
  LGDT = 9,
  LIDT = 10,
  LLDT = 11,
  LTR = 12,
  SGDT = 13,
  SIDT = 14,
  SLDT = 15,
  STR = 16,
  SMSW = 17,
  LMSW = 18,
  CLTS = 19,
  MOV_FROM_CR = 20,
  MOV_TO_CR = 21,
  MOV_DR = 22,
  INVLPG = 23,
  RDMSR = 24,
  WRMSR = 25,
  WBINVD = 26,
  INVD = 27,
  CPUID = 28,
  LAR = 29,
  LSL = 30,
  VERR = 31,
  VERW = 32,
  PUSH_SREG = 33,
  MOV_FROM_SREG = 34,
  LOAD_SREG = 35,
  FAR_CALL = 36,
  FAR_JMP = 37,
  FAR_RET = 38,
  IRET = 39,
  INT = 40,
  INT3 = 41,
  INTO = 42,
  SYSENTER = 43,
  SYSEXIT = 44,
}

/** Mnemonics by BtCallout (index = id). */
export const BT_CALLOUT_NAMES: readonly string[] = [
  'CLI', 'STI', 'PUSHF', 'POPF', 'HLT', 'IN', 'OUT', 'INS', 'OUTS', 'LGDT', 'LIDT', 'LLDT', 'LTR', 'SGDT', 'SIDT',
  'SLDT', 'STR', 'SMSW', 'LMSW', 'CLTS', 'MOV from CR', 'MOV to CR', 'MOV DR', 'INVLPG', 'RDMSR', 'WRMSR', 'WBINVD', // i18n-ignore: callout names by id (mnemonics), shown as names
  'INVD', 'CPUID', 'LAR', 'LSL', 'VERR', 'VERW', 'PUSH CS/SS', 'MOV from CS/SS', 'segment load', 'CALL FAR', 'JMP FAR', // i18n-ignore: callout names by id (mnemonics), shown as names
  'RETF', 'IRET', 'INT n', 'INT3', 'INTO', 'SYSENTER', 'SYSEXIT',
];
export const BT_CALLOUT_COUNT = 45;
