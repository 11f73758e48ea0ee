/**
 * The software VMM's traps in words (SW_TRAP / SW_RESUME, docs/trace-format.md): which instruction or event
 * trapped, why it faults when the guest kernel runs deprivileged at ring 1, and what the VMM's emulation does.
 *
 * Ring deprivileging and trap-and-emulate are the white paper's §3.1 (*Intel® Virtualization Technology in
 * Converged Application Platforms*, 2007): the VMM takes ring 0, the guest kernel runs at ring 1, and every
 * privileged instruction faults to the VMM. Why each one faults is the SDM's rule for it at CPL > 0 (or
 * CPL > IOPL), kept with the core's table TRAPPED (src/core/techniques/deprivileged/instructions.ts); what the
 * VMM does is emulate.ts / reflect.ts. Pure: the narration, the event log, the diagram and the code panel share it.
 */
import { EXCEPTION_MNEMONICS } from '../../core/x86/arch.ts';
import { EMULATED_INSN_NAMES } from '../../core/techniques/deprivileged/emulated.ts';
import { TRAPPED } from '../../core/techniques/deprivileged/instructions.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';
import { t } from '../../i18n/t.ts';

const hex = (v: number, d = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(d, '0');

/**
 * Per emulated instruction (index = EmulatedInsn): the row of TRAPPED that says why it faults at CPL 1, and what
 * the VMM's emulation does, in a few words (emulate.ts).
 */
const EMULATION: readonly { trapped: number; does: MessageKey }[] = [
  { trapped: 0, does: 'viz.swvmm.doesCli' }, // CLI
  { trapped: 0, does: 'viz.swvmm.doesSti' }, // STI
  { trapped: 2, does: 'viz.swvmm.doesHlt' }, // HLT
  { trapped: 1, does: 'viz.swvmm.doesIn' }, // IN
  { trapped: 1, does: 'viz.swvmm.doesOut' }, // OUT
  { trapped: 1, does: 'viz.swvmm.doesIns' }, // INS
  { trapped: 1, does: 'viz.swvmm.doesOuts' }, // OUTS
  { trapped: 3, does: 'viz.swvmm.doesLgdt' }, // LGDT
  { trapped: 3, does: 'viz.swvmm.doesLidt' }, // LIDT
  { trapped: 3, does: 'viz.swvmm.doesLldt' }, // LLDT
  { trapped: 3, does: 'viz.swvmm.doesLtr' }, // LTR
  { trapped: 4, does: 'viz.swvmm.doesMovFromCr' }, // MOV from CR
  { trapped: 4, does: 'viz.swvmm.doesMovToCr' }, // MOV to CR
  { trapped: 5, does: 'viz.swvmm.doesMovDr' }, // MOV DR
  { trapped: 4, does: 'viz.swvmm.doesClts' }, // CLTS
  { trapped: 4, does: 'viz.swvmm.doesLmsw' }, // LMSW
  { trapped: 6, does: 'viz.swvmm.doesInvlpg' }, // INVLPG
  { trapped: 7, does: 'viz.swvmm.doesRdmsr' }, // RDMSR
  { trapped: 7, does: 'viz.swvmm.doesWrmsr' }, // WRMSR
  { trapped: 8, does: 'viz.swvmm.doesWbinvd' }, // WBINVD
  { trapped: 8, does: 'viz.swvmm.doesWbinvd' }, // INVD
  { trapped: 9, does: 'viz.swvmm.doesRdpmc' }, // RDPMC
  { trapped: 9, does: 'viz.swvmm.doesRdtsc' }, // RDTSC
  { trapped: 10, does: 'viz.swvmm.doesIret' }, // IRET
  { trapped: 10, does: 'viz.swvmm.doesRetf' }, // RETF
  { trapped: 11, does: 'viz.swvmm.doesLoadSs' }, // load SS
  { trapped: 12, does: 'viz.swvmm.doesIntN' }, // INT n
  { trapped: 12, does: 'viz.swvmm.doesIntN' }, // INT3
  { trapped: 12, does: 'viz.swvmm.doesIntN' }, // INTO
  { trapped: 13, does: 'viz.swvmm.doesSysenter' }, // SYSENTER
  { trapped: 13, does: 'viz.swvmm.doesSysexit' }, // SYSEXIT
];

export interface TrapText {
  /** What trapped: the instruction's mnemonic ("CLI"), "IRQ 0", or the exception ("#PF"). */
  what: string;
  /** The vector the processor delivered to the VMM, in words: "#GP", "#PF", "IRQ 0". */
  vector: string;
  /** The real ring the guest was in (1 for its kernel, 3 for its applications). */
  ring: number;
  /** Why it reached the VMM (the SDM's rule, from TRAPPED), for an emulated instruction; else ''. */
  why: string;
  /** What the VMM does. */
  does: string;
  /** The instruction was emulated (not an event reflected into the guest or a shadow-page fill). */
  emulated: boolean;
  /** Cycles the VMM charged for the trap (SW_TRAP p6; costs.ts). */
  cycles: number;
  eip: number;
}

/** SW_TRAP payload p (p1 vector or 0x100 + IRQ, p2 error code, p3 guest EIP, p4 virtual CPL, p5 EmulatedInsn, p6 cycles). */
export function trapText(p: ArrayLike<number>): TrapText {
  const vector = p[1];
  const id = p[5];
  const ring = p[4] === 0 ? 1 : 3;
  const vectorName = vector >= 0x100 ? `IRQ ${vector - 0x100}` : (EXCEPTION_MNEMONICS[vector] ?? t('viz.swvmm.vectorN', { vector }));
  const base = { vector: vectorName, ring, cycles: p[6], eip: p[3] >>> 0 };
  if (id >= 0 && id < EMULATION.length) {
    const e = EMULATION[id];
    return { ...base, what: EMULATED_INSN_NAMES[id], why: TRAPPED[e.trapped]?.fault ?? '', does: t(e.does), emulated: true };
  }
  if (vector >= 0x100) {
    return { ...base, what: vectorName, why: '', does: t('viz.swvmm.reflectsInterrupt'), emulated: false };
  }
  if (vector === 14) {
    return { ...base, what: '#PF', why: '', does: t('viz.swvmm.fillsShadow'), emulated: false };
  }
  return { ...base, what: vectorName, why: '', does: t('viz.swvmm.reflectsException'), emulated: false };
}

const num = (n: number): string => Math.round(n).toLocaleString('en-US');

/** "Trap: CLI at 0x00010000 faults at ring 1 (#GP); the VMM emulates it: clears the virtual IF; 2,030 cycles". */
export function describeTrap(p: ArrayLike<number>): string {
  const x = trapText(p);
  const cost = x.cycles > 0 ? t('viz.swvmm.cost', { n: num(x.cycles) }) : '';
  const params = { what: x.what, address: hex(x.eip), ring: x.ring, does: x.does, cost };
  if (x.emulated) {
    const how = x.what === 'INT n' || x.what === 'INT3' || x.what === 'INTO' ? t('viz.swvmm.howVmm') : t('viz.swvmm.howEmulates');
    return t('viz.swvmm.trapEmulated', { ...params, vector: x.vector, how });
  }
  if (x.vector.startsWith('IRQ')) return t('viz.swvmm.trapIrq', params);
  return t('viz.swvmm.trapOther', params);
}

/** SW_RESUME payload p (p1 guest EIP, p2 real CPL, p3 virtual CPL, p4 vector reflected or −1). */
export function describeResume(p: ArrayLike<number>): string {
  const reflected = p[4] >= 0 ? t('viz.swvmm.delivering', { vector: hex(p[4], 2) }) : '';
  return t('viz.swvmm.resume', { address: hex(p[1]), reflected, real: p[2], thinks: p[3] });
}

/** The value a `sensitive.s` console line reports ("SGDT: base 0x…" → "base 0x…"), or null if not printed. */
export function sensitiveValue(console: string, prefix: string): string | null {
  for (const line of console.split('\n')) {
    if (line.startsWith(prefix)) return line.slice(prefix.length).replace(/^:\s*/, '').trim();
  }
  return null;
}
