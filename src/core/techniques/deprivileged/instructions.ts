/**
 * Which instructions the trap-and-emulate VMM sees and which it does not — as data, for the docs, the
 * tests and the "software vs hardware techniques" lab.
 *
 * Robin & Irvine (USENIX Security 2000) found 17 sensitive, unprivileged instructions on the Pentium; the
 * list commonly reproduced under that heading (and in ../shared/reference/vmx.md §10.3) spells 18 mnemonics,
 * and the paper's own table could not be retrieved to see how it counts to 17. We use the 18 mnemonics:
 * every one of them is run at ring 1 by `sensitive.s` and tested (sensitive.test.ts).
 */

import { t } from '../../../i18n/t.ts';

export interface SensitiveInstruction {
  mnemonic: string;
  group: 'register' | 'protection';
  /** The prefix of the line `sensitive.s` prints for it. */
  line: string;
  /** What the instruction does at CPL 1 under this VMM, and why it does not trap. */
  atRing1: string;
  /** The rule, in the SDM. */
  sdm: string;
}

/** The 18 mnemonics, in Robin & Irvine's grouping. None of them faults at CPL 1 in the forms shown. */
export const SENSITIVE_UNPRIVILEGED: readonly SensitiveInstruction[] = [
  { mnemonic: 'SGDT', group: 'register', line: 'SGDT:', atRing1: t('machine.insn.sgdt.atRing1'), sdm: t('machine.insn.sgdt.sdm') },
  { mnemonic: 'SIDT', group: 'register', line: 'SIDT:', atRing1: t('machine.insn.sidt.atRing1'), sdm: t('machine.insn.sidt.sdm') },
  { mnemonic: 'SLDT', group: 'register', line: 'SLDT:', atRing1: t('machine.insn.sldt.atRing1'), sdm: t('machine.insn.sldt.sdm') },
  { mnemonic: 'SMSW', group: 'register', line: 'SMSW', atRing1: t('machine.insn.smsw.atRing1'), sdm: t('machine.insn.smsw.sdm') },
  { mnemonic: 'PUSHF', group: 'register', line: 'PUSHF', atRing1: t('machine.insn.pushf.atRing1'), sdm: t('machine.insn.pushf.sdm') },
  { mnemonic: 'POPF', group: 'register', line: 'POPF', atRing1: t('machine.insn.popf.atRing1'), sdm: t('machine.insn.popf.sdm') },
  { mnemonic: 'LAR', group: 'protection', line: 'LAR', atRing1: t('machine.insn.lar.atRing1'), sdm: t('machine.insn.lar.sdm') },
  { mnemonic: 'LSL', group: 'protection', line: 'LSL', atRing1: t('machine.insn.lsl.atRing1'), sdm: t('machine.insn.lsl.sdm') },
  { mnemonic: 'VERR', group: 'protection', line: 'VERR', atRing1: t('machine.insn.verr.atRing1'), sdm: t('machine.insn.verr.sdm') },
  { mnemonic: 'VERW', group: 'protection', line: 'VERW', atRing1: t('machine.insn.verw.atRing1'), sdm: t('machine.insn.verr.sdm') },
  { mnemonic: 'PUSH', group: 'protection', line: 'PUSH CS', atRing1: t('machine.insn.push.atRing1'), sdm: t('machine.insn.push.sdm') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonic: 'POP', group: 'protection', line: 'POP DS', atRing1: t('machine.insn.pop.atRing1'), sdm: t('machine.insn.pop.sdm') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonic: 'MOV', group: 'protection', line: 'MOV AX, SS', atRing1: t('machine.insn.mov.atRing1'), sdm: t('machine.insn.mov.sdm') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonic: 'CALL', group: 'protection', line: 'CALL FAR', atRing1: t('machine.insn.call.atRing1'), sdm: t('machine.insn.call.sdm') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonic: 'JMP', group: 'protection', line: 'JMP FAR', atRing1: t('machine.insn.jmp.atRing1'), sdm: t('machine.insn.jmp.sdm') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonic: 'RET', group: 'protection', line: 'RETF', atRing1: t('machine.insn.ret.atRing1'), sdm: t('machine.insn.ret.sdm') },
  { mnemonic: 'INT n', group: 'protection', line: 'INT 0x82', atRing1: t('machine.insn.intN.atRing1'), sdm: t('machine.insn.intN.sdm') },
  { mnemonic: 'STR', group: 'register', line: 'STR:', atRing1: t('machine.insn.str.atRing1'), sdm: t('machine.insn.str.sdm') },
];

export interface TrappedInstruction {
  mnemonics: string;
  /** Why it faults when the guest kernel runs at CPL 1 (SDM Vol. 2, the instruction's protected-mode exceptions). */
  fault: string;
  /** What the VMM does. */
  emulation: string;
}

/** The instructions that fault at CPL 1 and that the VMM emulates (emulate.ts). */
export const TRAPPED: readonly TrappedInstruction[] = [
  { mnemonics: 'CLI, STI', fault: t('machine.insn.fault'), emulation: t('machine.insn.emulation') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'IN, OUT, INS, OUTS', fault: t('machine.insn.fault2'), emulation: t('machine.insn.emulation2') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'HLT', fault: t('machine.insn.fault3'), emulation: t('machine.insn.emulation3') },
  { mnemonics: 'LGDT, LIDT, LLDT, LTR', fault: t('machine.insn.fault3'), emulation: t('machine.insn.emulation4') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'MOV to/from CR0, CR2, CR3, CR4; CLTS; LMSW', fault: t('machine.insn.fault3'), emulation: t('machine.insn.emulation5') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'MOV DR', fault: t('machine.insn.fault3'), emulation: t('machine.insn.emulation6') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'INVLPG', fault: t('machine.insn.fault3'), emulation: t('machine.insn.emulation7') },
  { mnemonics: 'RDMSR, WRMSR', fault: t('machine.insn.fault3'), emulation: t('machine.insn.emulation8') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'WBINVD, INVD', fault: t('machine.insn.fault3'), emulation: t('machine.insn.emulation9') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'RDPMC, RDTSC', fault: t('machine.insn.fault4'), emulation: t('machine.insn.emulation10') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'IRET, RETF to the guest\'s ring 0', fault: t('machine.insn.fault5'), emulation: t('machine.insn.emulation11') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'MOV SS, POP SS, LSS with RPL 0', fault: t('machine.insn.fault6'), emulation: t('machine.insn.emulation12') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'INT n, INT3, INTO', fault: t('machine.insn.fault7'), emulation: t('machine.insn.emulation13') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
  { mnemonics: 'SYSENTER, SYSEXIT', fault: t('machine.insn.fault8'), emulation: t('machine.insn.emulation14') }, // i18n-ignore: mnemonics (SDM names) and the prefix sensitive.s prints, not prose
];
