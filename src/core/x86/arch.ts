/**
 * Architectural constants of IA-32 (Intel SDM Vol. 3A), named as the SDM names them.
 */

/** Segment register numbers: the ModRM `sreg` encoding (SDM Vol. 2 §3.1.1.3), which is also the order
 * of the VMCS guest selector fields 0x0800..0x080A, followed by LDTR and TR (0x080C, 0x080E). */
export const enum Seg {
  ES = 0,
  CS = 1,
  SS = 2,
  DS = 3,
  FS = 4,
  GS = 5,
  LDTR = 6,
  TR = 7,
}
export const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs', 'ldtr', 'tr'] as const;

/** General-purpose registers in ModRM order (SDM Vol. 2 Table 2-2). */
export const enum Reg {
  EAX = 0,
  ECX = 1,
  EDX = 2,
  EBX = 3,
  ESP = 4,
  EBP = 5,
  ESI = 6,
  EDI = 7,
}
export const REG32_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const REG16_NAMES = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
export const REG8_NAMES = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'] as const;

/** EFLAGS bits (SDM Vol. 1 §3.4.3). */
export const enum Flag {
  CF = 1 << 0,
  FIXED1 = 1 << 1, // always 1
  PF = 1 << 2,
  AF = 1 << 4,
  ZF = 1 << 6,
  SF = 1 << 7,
  TF = 1 << 8,
  IF = 1 << 9,
  DF = 1 << 10,
  OF = 1 << 11,
  IOPL = 3 << 12,
  NT = 1 << 14,
  RF = 1 << 16,
  VM = 1 << 17,
  AC = 1 << 18,
  VIF = 1 << 19,
  VIP = 1 << 20,
  ID = 1 << 21,
}
/** The six arithmetic status flags. */
export const ARITH_FLAGS = 0x8d5; // CF PF AF ZF SF OF
/** Bits software can ever set in EFLAGS on an IA-32 processor with CPUID (bits 21:0 less reserved 1, 3, 5, 15). */
export const EFLAGS_DEFINED = 0x3f7fd5;

/** CR0 bits (SDM Vol. 3A §2.5). */
export const enum Cr0 {
  PE = 1 << 0,
  MP = 1 << 1,
  EM = 1 << 2,
  TS = 1 << 3,
  ET = 1 << 4,
  NE = 1 << 5,
  WP = 1 << 16,
  AM = 1 << 18,
  NW = 1 << 29,
  CD = 1 << 30,
  PG = 1 << 31,
}
/** CR0 bits that exist (others are reserved: writing 1 → #GP). ET is hardwired to 1 on P6 and later. */
export const CR0_DEFINED = 0xe005003f;

/** CR4 bits (SDM Vol. 3A §2.5). */
export const enum Cr4 {
  VME = 1 << 0,
  PVI = 1 << 1,
  TSD = 1 << 2,
  DE = 1 << 3,
  PSE = 1 << 4,
  PAE = 1 << 5,
  MCE = 1 << 6,
  PGE = 1 << 7,
  PCE = 1 << 8,
  OSFXSR = 1 << 9,
  OSXMMEXCPT = 1 << 10,
  UMIP = 1 << 11,
  VMXE = 1 << 13,
  SMXE = 1 << 14,
  FSGSBASE = 1 << 16,
  PCIDE = 1 << 17,
  OSXSAVE = 1 << 18,
  SMEP = 1 << 20,
  SMAP = 1 << 21,
}

/** Exception and interrupt vectors (SDM Vol. 3A Table 6-1). */
export const enum Vec {
  DE = 0,
  DB = 1,
  NMI = 2,
  BP = 3,
  OF = 4,
  BR = 5,
  UD = 6,
  NM = 7,
  DF = 8,
  TS = 10,
  NP = 11,
  SS = 12,
  GP = 13,
  PF = 14,
  MF = 16,
  AC = 17,
  MC = 18,
  XM = 19,
  VE = 20,
}
export const EXCEPTION_MNEMONICS: Readonly<Record<number, string>> = {
  0: '#DE', 1: '#DB', 2: 'NMI', 3: '#BP', 4: '#OF', 5: '#BR', 6: '#UD', 7: '#NM', 8: '#DF', 10: '#TS',
  11: '#NP', 12: '#SS', 13: '#GP', 14: '#PF', 16: '#MF', 17: '#AC', 18: '#MC', 19: '#XM', 20: '#VE',
};
/** Exceptions that push an error code (SDM Vol. 3A Table 6-1). */
export function exceptionHasErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17;
}
/** Exception class for double-fault detection (SDM Vol. 3A Table 6-4/6-5). */
export function exceptionClass(vector: number): 'benign' | 'contributory' | 'page-fault' {
  if (vector === 14) return 'page-fault';
  if (vector === 0 || (vector >= 10 && vector <= 13)) return 'contributory';
  return 'benign';
}

/** Event types as the VMX interruption-information fields encode them (SDM Vol. 3C §24.8.3, §24.9.2). */
export const enum EventType {
  EXTERNAL_INTERRUPT = 0,
  NMI = 2,
  HARDWARE_EXCEPTION = 3,
  SOFTWARE_INTERRUPT = 4,
  PRIVILEGED_SOFTWARE_EXCEPTION = 5,
  SOFTWARE_EXCEPTION = 6,
  OTHER = 7,
}

/**
 * Fault-class exceptions other than #DB (SDM Vol. 3A Table 6-1: #DE, #BR, #UD, #NM, #TS, #NP, #SS, #GP, #PF, #MF, #AC,
 * #XM, #VE): their saved RFLAGS image has RF = 1, so that the faulting instruction, restarted by IRET, is not stopped
 * by its own instruction breakpoint again. Traps (#BP, #OF), aborts (#DF, #MC), interrupts and INT n push RF as is.
 */
const FAULT_CLASS = new Uint8Array(32);
for (const v of [0, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 19, 20]) FAULT_CLASS[v] = 1;
export function pushesRf(vector: number, type: number): boolean {
  return type === EventType.HARDWARE_EXCEPTION && vector < 32 && FAULT_CLASS[vector] === 1;
}

/** Model-specific registers the core implements (SDM Vol. 4). */
export const enum Msr {
  IA32_TIME_STAMP_COUNTER = 0x10,
  IA32_APIC_BASE = 0x1b,
  IA32_FEATURE_CONTROL = 0x3a,
  IA32_TSC_ADJUST = 0x3b,
  IA32_SYSENTER_CS = 0x174,
  IA32_SYSENTER_ESP = 0x175,
  IA32_SYSENTER_EIP = 0x176,
  IA32_DEBUGCTL = 0x1d9,
  IA32_PAT = 0x277,
  IA32_VMX_BASIC = 0x480,
  IA32_VMX_PINBASED_CTLS = 0x481,
  IA32_VMX_PROCBASED_CTLS = 0x482,
  IA32_VMX_EXIT_CTLS = 0x483,
  IA32_VMX_ENTRY_CTLS = 0x484,
  IA32_VMX_MISC = 0x485,
  IA32_VMX_CR0_FIXED0 = 0x486,
  IA32_VMX_CR0_FIXED1 = 0x487,
  IA32_VMX_CR4_FIXED0 = 0x488,
  IA32_VMX_CR4_FIXED1 = 0x489,
  IA32_VMX_VMCS_ENUM = 0x48a,
  IA32_VMX_PROCBASED_CTLS2 = 0x48b,
  IA32_VMX_EPT_VPID_CAP = 0x48c,
  IA32_VMX_TRUE_PINBASED_CTLS = 0x48d,
  IA32_VMX_TRUE_PROCBASED_CTLS = 0x48e,
  IA32_VMX_TRUE_EXIT_CTLS = 0x48f,
  IA32_VMX_TRUE_ENTRY_CTLS = 0x490,
  IA32_VMX_VMFUNC = 0x491,
  IA32_EFER = 0xc0000080,
  IA32_FS_BASE = 0xc0000100,
  IA32_GS_BASE = 0xc0000101,
  IA32_TSC_AUX = 0xc0000103,
}

/** IA32_FEATURE_CONTROL bits (SDM Vol. 3C §23.7). */
export const enum FeatureControl {
  LOCK = 1 << 0,
  VMX_INSIDE_SMX = 1 << 1,
  VMX_OUTSIDE_SMX = 1 << 2,
}

/** IA32_EFER bits. */
export const enum Efer {
  SCE = 1 << 0,
  LME = 1 << 8,
  LMA = 1 << 10,
  NXE = 1 << 11,
}

/** Access-rights bits in the VMX guest-segment access-rights format (SDM Vol. 3C Table 24-2), which the
 * descriptor caches also use. */
export const enum Ar {
  TYPE_MASK = 0xf,
  TYPE_ACCESSED = 1,
  TYPE_RW = 2, // writable (data) / readable (code)
  TYPE_EC = 4, // expand-down (data) / conforming (code)
  TYPE_CODE = 8,
  S = 1 << 4,
  DPL_SHIFT = 5,
  DPL_MASK = 3 << 5,
  P = 1 << 7,
  AVL = 1 << 12,
  L = 1 << 13,
  DB = 1 << 14,
  G = 1 << 15,
  UNUSABLE = 1 << 16,
}

/** System-descriptor types (S = 0) (SDM Vol. 3A Table 3-2). */
export const enum SysType {
  TSS16_AVAILABLE = 1,
  LDT = 2,
  TSS16_BUSY = 3,
  CALL_GATE16 = 4,
  TASK_GATE = 5,
  INT_GATE16 = 6,
  TRAP_GATE16 = 7,
  TSS32_AVAILABLE = 9,
  TSS32_BUSY = 11,
  CALL_GATE32 = 12,
  INT_GATE32 = 14,
  TRAP_GATE32 = 15,
}

export function hex(v: number, digits = 8): string {
  return '0x' + (v >>> 0).toString(16).toUpperCase().padStart(digits, '0');
}
