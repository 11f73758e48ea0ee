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

const hex = (v: number, d = 8): string => '0x' + (v >>> 0).toString(16).toUpperCase().padStart(d, '0');

/**
 * Per emulated instruction (index = EmulatedInsn): the row of TRAPPED that says why it faults at CPL 1, and what
 * the VMM's emulation does, in a few words (emulate.ts).
 */
const EMULATION: readonly { trapped: number; does: string }[] = [
  { trapped: 0, does: 'clears the virtual IF' }, // CLI
  { trapped: 0, does: 'sets the virtual IF' }, // STI
  { trapped: 2, does: 'idles the processor until the guest\'s next interrupt' }, // HLT
  { trapped: 1, does: 'reads the port of the VM\'s emulated device' }, // IN
  { trapped: 1, does: 'writes the port of the VM\'s emulated device' }, // OUT
  { trapped: 1, does: 'does the whole string input on the VM\'s devices' }, // INS
  { trapped: 1, does: 'does the whole string output on the VM\'s devices' }, // OUTS
  { trapped: 3, does: 'loads the virtual GDTR and rebuilds its shadow GDT' }, // LGDT
  { trapped: 3, does: 'loads the virtual IDTR' }, // LIDT
  { trapped: 3, does: 'loads the virtual LDTR and its shadow LDT' }, // LLDT
  { trapped: 3, does: 'loads the virtual TR and marks the guest\'s TSS busy' }, // LTR
  { trapped: 4, does: 'returns the virtual control register' }, // MOV from CR
  { trapped: 4, does: 'writes the virtual control register (a paging change rebuilds the shadow page tables)' }, // MOV to CR
  { trapped: 5, does: 'reads or writes the virtual debug register' }, // MOV DR
  { trapped: 4, does: 'clears the virtual CR0.TS' }, // CLTS
  { trapped: 4, does: 'writes the low bits of the virtual CR0' }, // LMSW
  { trapped: 6, does: 'drops the page\'s shadow and TLB entries' }, // INVLPG
  { trapped: 7, does: 'returns the virtual MSR' }, // RDMSR
  { trapped: 7, does: 'writes the virtual MSR' }, // WRMSR
  { trapped: 8, does: 'does nothing (caches are not modelled)' }, // WBINVD
  { trapped: 8, does: 'does nothing (caches are not modelled)' }, // INVD
  { trapped: 9, does: 'returns 0 (performance counters are not modelled)' }, // RDPMC
  { trapped: 9, does: 'returns the time-stamp counter' }, // RDTSC
  { trapped: 10, does: 'returns at the guest\'s virtual ring 0 and restores its virtual IF and IOPL' }, // IRET
  { trapped: 10, does: 'does the far return at the guest\'s virtual ring 0' }, // RETF
  { trapped: 11, does: 'checks the guest\'s descriptor and loads SS with RPL 1' }, // load SS
  { trapped: 12, does: 'reflects it through the guest\'s own IDT' }, // INT n
  { trapped: 12, does: 'reflects it through the guest\'s own IDT' }, // INT3
  { trapped: 12, does: 'reflects it through the guest\'s own IDT' }, // INTO
  { trapped: 13, does: 'enters the guest kernel at ring 1 through its virtual SYSENTER MSRs' }, // SYSENTER
  { trapped: 13, does: 'returns to the guest\'s ring 3 through its virtual SYSENTER MSRs' }, // SYSEXIT
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
  const vectorName = vector >= 0x100 ? `IRQ ${vector - 0x100}` : (EXCEPTION_MNEMONICS[vector] ?? `vector ${vector}`);
  const base = { vector: vectorName, ring, cycles: p[6], eip: p[3] >>> 0 };
  if (id >= 0 && id < EMULATION.length) {
    const e = EMULATION[id];
    return { ...base, what: EMULATED_INSN_NAMES[id], why: TRAPPED[e.trapped]?.fault ?? '', does: e.does, emulated: true };
  }
  if (vector >= 0x100) {
    return { ...base, what: vectorName, why: '', does: 'reflects the interrupt through the guest\'s own IDT (if the guest\'s virtual IF lets it in)', emulated: false };
  }
  if (vector === 14) {
    return { ...base, what: '#PF', why: '', does: 'fills its shadow page tables from the guest\'s (the guest never sees the fault), or reflects the guest\'s own page fault', emulated: false };
  }
  return { ...base, what: vectorName, why: '', does: 'reflects the exception through the guest\'s own IDT', emulated: false };
}

const num = (n: number): string => Math.round(n).toLocaleString('en-US');

/** "Trap: CLI at 0x00010000 faults at ring 1 (#GP); the VMM emulates it: clears the virtual IF; 2,030 cycles". */
export function describeTrap(p: ArrayLike<number>): string {
  const t = trapText(p);
  const cost = t.cycles > 0 ? `; ${num(t.cycles)} cycles` : '';
  if (t.emulated) {
    const how = t.what === 'INT n' || t.what === 'INT3' || t.what === 'INTO' ? 'the VMM' : 'the VMM emulates it:';
    return `Trap: ${t.what} at ${hex(t.eip)} faults at ring ${t.ring} (${t.vector}); ${how} ${t.does}${cost}`;
  }
  if (t.vector.startsWith('IRQ')) return `Trap: ${t.what} interrupts the guest at ring ${t.ring}, at ${hex(t.eip)}; the VMM ${t.does}${cost}`;
  return `Trap: ${t.what} at ${hex(t.eip)} in ring ${t.ring}; the VMM ${t.does}${cost}`;
}

/** SW_RESUME payload p (p1 guest EIP, p2 real CPL, p3 virtual CPL, p4 vector reflected or −1). */
export function describeResume(p: ArrayLike<number>): string {
  const reflected = p[4] >= 0 ? `, delivering vector ${hex(p[4], 2)} through the guest's IDT` : '';
  return `Back to the guest at ${hex(p[1])}${reflected}: real ring ${p[2]}, the guest believes it is in ring ${p[3]}`;
}

/** The value a `sensitive.s` console line reports ("SGDT: base 0x…" → "base 0x…"), or null if not printed. */
export function sensitiveValue(console: string, prefix: string): string | null {
  for (const line of console.split('\n')) {
    if (line.startsWith(prefix)) return line.slice(prefix.length).replace(/^:\s*/, '').trim();
  }
  return null;
}
