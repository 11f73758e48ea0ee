/**
 * Which instructions the trap-and-emulate VMM sees and which it does not — as data, for the docs, the
 * tests and the "software vs hardware techniques" lab.
 *
 * Robin & Irvine (USENIX Security 2000) found 17 sensitive, unprivileged instructions on the Pentium; the
 * list commonly reproduced under that heading (and in ../shared/reference/vmx.md §10.3) spells 18 mnemonics,
 * and the paper's own table could not be retrieved to see how it counts to 17. We use the 18 mnemonics:
 * every one of them is run at ring 1 by `sensitive.s` and tested (sensitive.test.ts).
 */

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
  { mnemonic: 'SGDT', group: 'register', line: 'SGDT:', atRing1: 'stores the real GDTR: the VMM\'s shadow GDT in the hole (base 0xFFC10000, limit 0xFFFF), not the guest\'s', sdm: 'Vol. 2B SGDT: executes at any CPL (CR4.UMIP = 0)' },
  { mnemonic: 'SIDT', group: 'register', line: 'SIDT:', atRing1: 'stores the real IDTR: the VMM\'s IDT (base 0xFFC00000, limit 0x7FF)', sdm: 'Vol. 2B SIDT: executes at any CPL (CR4.UMIP = 0)' },
  { mnemonic: 'SLDT', group: 'register', line: 'SLDT:', atRing1: 'stores the real LDTR: the VMM\'s slot for the shadow LDT (0xFFE0), not the guest\'s selector', sdm: 'Vol. 2B SLDT: executes at any CPL (CR4.UMIP = 0)' },
  { mnemonic: 'SMSW', group: 'register', line: 'SMSW', atRing1: 'stores the real CR0[15:0]: NE reads 1 even after the guest cleared it (the VMM keeps the real NE set)', sdm: 'Vol. 2B SMSW: executes at any CPL (CR4.UMIP = 0)' },
  { mnemonic: 'PUSHF', group: 'register', line: 'PUSHF', atRing1: 'pushes the real EFLAGS: IF = 1 after the guest\'s (emulated) CLI, IOPL = 0', sdm: 'Vol. 2B PUSHF: no privilege check' },
  { mnemonic: 'POPF', group: 'register', line: 'POPF', atRing1: 'at CPL 1 > IOPL 0 a change to IF is silently dropped (and IOPL never changes at CPL > 0): the VMM never learns the guest enabled interrupts', sdm: 'Vol. 2B POPF: "If the privilege level is greater than IOPL, the IF flag is unaffected … no exception is generated"' },
  { mnemonic: 'LAR', group: 'protection', line: 'LAR', atRing1: 'judged against CPL 1 and the shadow descriptors: the kernel\'s data segment shows DPL 1 (0xB3 instead of 0x93), the DPL-0 TSS is not visible (ZF = 0)', sdm: 'Vol. 2A LAR; Vol. 3A §5.10.3: DPL ≥ CPL and DPL ≥ RPL' },
  { mnemonic: 'LSL', group: 'protection', line: 'LSL', atRing1: 'returns the truncated limit 0xFFBFFFFF of the shadow descriptor, not 0xFFFFFFFF', sdm: 'Vol. 2A LSL: the limit of the descriptor the processor uses' },
  { mnemonic: 'VERR', group: 'protection', line: 'VERR', atRing1: 'an RPL-1 selector for the kernel\'s DPL-0 segment passes (its shadow DPL is 1): ZF = 1 where the real ring 0 says 0', sdm: 'Vol. 2B VERR/VERW; Vol. 3A §5.10.3' },
  { mnemonic: 'VERW', group: 'protection', line: 'VERW', atRing1: 'as VERR, for writability', sdm: 'Vol. 2B VERR/VERW; Vol. 3A §5.10.3' },
  { mnemonic: 'PUSH', group: 'protection', line: 'PUSH CS', atRing1: 'PUSH CS / PUSH SS push selectors with RPL 1 (0x09, 0x11): the CPL the VMM hides', sdm: 'Vol. 2B PUSH; Vol. 3A §5.5 (CPL = CS.RPL)' },
  { mnemonic: 'POP', group: 'protection', line: 'POP DS', atRing1: 'POP DS with an RPL-1 selector for a DPL-0 segment loads (shadow DPL 1) where ring 0 gets #GP; (POP SS with RPL 0 does fault, and is emulated)', sdm: 'Vol. 2B POP: "IF RPL > DPL or CPL > DPL THEN #GP(selector)"' },
  { mnemonic: 'MOV', group: 'protection', line: 'MOV AX, SS', atRing1: 'MOV from SS/CS shows RPL 1; MOV DS with an RPL-1 selector loads where ring 0 gets #GP', sdm: 'Vol. 2B MOV (segment registers)' },
  { mnemonic: 'CALL', group: 'protection', line: 'CALL FAR', atRing1: 'a far CALL to the kernel\'s own code segment pushes CS = 0x09; through a call gate from ring 3 it lands at ring 1 on the real TSS\'s ring-1 stack, the VMM\'s copy of the guest\'s SS0:ESP0', sdm: 'Vol. 2A CALL; Vol. 3A §5.8.5 (stack switch from the TSS)' },
  { mnemonic: 'JMP', group: 'protection', line: 'JMP FAR', atRing1: 'a far JMP to a DPL-1 code segment is taken (DPL = CPL = 1) where ring 0 gets #GP', sdm: 'Vol. 2A JMP: non-conforming code needs DPL = CPL' },
  { mnemonic: 'RET', group: 'protection', line: 'RETF', atRing1: 'a far RET to ring 1 (RPL 1) is a same-level return at CPL 1: no SS:ESP popped, no stack switch (to RPL 0 it faults and is emulated)', sdm: 'Vol. 2B RET: "IF RPL > CPL THEN RETURN-TO-OUTER-PRIVILEGE-LEVEL"' },
  { mnemonic: 'INT n', group: 'protection', line: 'INT 0x82', atRing1: 'delivered through the real IDT (the VMM\'s), whose DPL-0 gates make it #GP(n × 8 + 2) into ring 0; reflected, the handler then runs at CPL 1 (CS = 0x09) instead of 0', sdm: 'Vol. 2A INT n; Vol. 3A §6.12.1.1' },
  { mnemonic: 'STR', group: 'register', line: 'STR:', atRing1: 'stores the real TR: the VMM\'s TSS selector 0xFFF8, not the guest\'s 0x28', sdm: 'Vol. 2B STR: executes at any CPL (CR4.UMIP = 0)' },
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
  { mnemonics: 'CLI, STI', fault: '#GP(0): CPL 1 > IOPL 0', emulation: 'clears/sets the virtual IF; STI sets the real interrupt shadow when IF was 0' },
  { mnemonics: 'IN, OUT, INS, OUTS', fault: '#GP(0): CPL > IOPL and no I/O permission bitmap in the VMM\'s TSS', emulation: 'port I/O on the VM\'s devices (PIC, PIT, COM1); a whole REP INS/OUTS (in chunks of 4096)' },
  { mnemonics: 'HLT', fault: '#GP(0): CPL > 0', emulation: 'the processor idles until the guest\'s next interrupt; with the virtual IF = 0 the run ends halted' },
  { mnemonics: 'LGDT, LIDT, LLDT, LTR', fault: '#GP(0): CPL > 0', emulation: 'virtual GDTR/IDTR/LDTR/TR; LGDT rebuilds the shadow GDT, LLDT the shadow LDT, LTR marks the guest\'s TSS busy' },
  { mnemonics: 'MOV to/from CR0, CR2, CR3, CR4; CLTS; LMSW', fault: '#GP(0): CPL > 0', emulation: 'virtual control registers; paging on/off and CR3 writes rebuild the shadow page tables; MP/EM/TS/AM and TSD/PCE mirrored' },
  { mnemonics: 'MOV DR', fault: '#GP(0): CPL > 0', emulation: 'virtual DR0–DR7 (not armed on the processor)' },
  { mnemonics: 'INVLPG', fault: '#GP(0): CPL > 0', emulation: 'drops the shadow entry and the TLB entry of the page' },
  { mnemonics: 'RDMSR, WRMSR', fault: '#GP(0): CPL > 0', emulation: 'virtual MSRs (reads of MSRs the guest never wrote return the processor\'s value)' },
  { mnemonics: 'WBINVD, INVD', fault: '#GP(0): CPL > 0', emulation: 'nothing (caches are not modelled)' },
  { mnemonics: 'RDPMC, RDTSC', fault: '#GP(0) at CPL > 0 when CR4.PCE = 0 / CR4.TSD = 1 (mirrored from the guest)', emulation: 'counters read 0 / the TSC' },
  { mnemonics: 'IRET, RETF to the guest\'s ring 0', fault: '#GP(selector): the returned-to CS has RPL 0 < CPL 1', emulation: 'a same-level return at virtual CPL 0; IRET restores the virtual IF and IOPL' },
  { mnemonics: 'MOV SS, POP SS, LSS with RPL 0', fault: '#GP(selector): SS needs RPL = CPL', emulation: 'checked against the guest\'s descriptor, loaded with RPL 1' },
  { mnemonics: 'INT n, INT3, INTO', fault: '#GP(n × 8 + 2): the VMM\'s IDT gates have DPL 0', emulation: 'reflected through the guest\'s IDT with its gate DPL and the virtual CPL' },
  { mnemonics: 'SYSENTER, SYSEXIT', fault: '#GP(0): the real IA32_SYSENTER_CS is 0 / CPL > 0', emulation: 'through the guest\'s virtual SYSENTER MSRs, to ring 1 / ring 3' },
];
