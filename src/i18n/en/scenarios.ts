/**
 * Titles and descriptions of the guest programs and snippets (src/core/scenarios) the labs offer (English source;
 * keys are stable, text is what a translator changes). SDM names (mnemonics, register and field names, exit
 * reasons), units, citations (authors, titles, URLs, section and page numbers) and numbers inside the sentences
 * stay as they are; only the words around them are translated.
 */
import { registerEnglish } from '../t.ts';

export const scenarios = {
  // src/core/scenarios/index.ts
  'kernel.title': 'A minimal kernel',
  'kernel.description': 'Boots like a real operating system: its own GDT and TSS, an IDT (exception handlers, the timer, an INT 0x80 system-call gate with DPL 3), 32-bit paging with 4-KiB pages and one 4-MiB page, the PIC and a 100 Hz PIT, a polled UART console; then runs a ring-3 task that makes system calls, idles with HLT and stops after 20 timer ticks.',
  'kernel.lesson': 'Everything an OS does at boot, seen from the VMM: every port access is a VM exit (reason 30), HLT is one (12), timer interrupts are injected at VM entry; system calls and page-table walks run natively. Without EPT (xeon-lv, xeon-5100) the control-register writes and first touches of pages exit too (28, 0).',
  'kernelBare.title': 'The same kernel on bare metal',
  'kernelBare.description': 'kernel.s run on the bare machine: the same console output, with no hypervisor underneath.',
  'kernelBare.lesson': 'The reference run: the same instructions without any VM exits. Compare the cycle counts with the guest run.',
  'cpuBound.title': 'Workload: CPU-bound',
  'cpuBound.description': 'A xorshift32 loop of 50 000 iterations in registers only, then the checksum through the UART.',
  'cpuBound.lesson': 'Ordinary computation never exits: the loop runs at native speed in VMX non-root operation. All exits are at the start (EPT first touches) and at the end (printing).',
  'syscallHeavy.title': 'Workload: system-call heavy',
  'syscallHeavy.description': 'A ring-3 loop making 2000 INT 0x80 system calls into a ring-0 handler, then a report.',
  'syscallHeavy.lesson': 'Privilege transitions inside the guest (INT n, IRET, the TSS stack switch) cost no VM exits under VT-x, unlike the ring-deprivileging VMMs before it.',
  'ioHeavy.title': 'Workload: I/O heavy',
  'ioHeavy.description': '200 rounds of UART scratch-register, PIT counter-latch and console accesses (7 port accesses per round), then one REP OUTSB.',
  'ioHeavy.lesson': 'Emulated devices make every IN/OUT a VM exit (reason 30) with the port, size and direction in the exit qualification; a REP OUTSB is emulated in a single exit.',
  'pagefaultHeavy.title': 'Workload: page-fault heavy',
  'pagefaultHeavy.description': 'A demand pager over 64 pages: first touches fault and are mapped by the #PF handler; then 3 rounds of evicting every page (PTE cleared + INVLPG), touching them again and reloading CR3.',
  'pagefaultHeavy.lesson': 'The workload shadow paging hates: on xeon-lv and xeon-5100 every guest #PF, INVLPG and CR3 write exits (reasons 0, 14, 28). With EPT (nehalem, modern) they all stay in the guest; only the first touch of each guest-physical page exits (EPT violation, 48).',
  'cpuid.title': 'CPUID under a hypervisor',
  'cpuid.description': 'Reads CPUID leaves 0, 1 and 0x40000000 and prints the vendor, the signature, the VMX and hypervisor bits and the hypervisor vendor.',
  'cpuid.lesson': 'CPUID always exits (reason 10): the VMM decides what the guest sees. This one hides VMX and sets the hypervisor-present bit; run it bare to see the processor\'s own answer.',
  'hltIdle.title': 'Idling with HLT',
  'hltIdle.description': 'Programs the PIC and a 100 Hz PIT and sleeps with STI; HLT through 10 timer ticks.',
  'hltIdle.lesson': 'HLT exits (reason 12); the VMM parks the vCPU until its virtual timer fires and injects vector 0x20 at the next VM entry. Idle guests cost almost nothing.',
  'uartHello.title': 'Hello through the UART',
  'uartHello.description': 'Initialises the 16550 at COM1 (115200 8N1) and prints a line, polling LSR bit 5 before each byte.',
  'uartHello.lesson': 'Each IN and OUT is a VM exit (reason 30): about two per character. Look at the exit qualification: port in bits 31:16, direction in bit 3.',
  'timerInterrupt.title': 'Timer interrupts into a busy guest',
  'timerInterrupt.description': 'Programs a 10 kHz PIT and spins (no HLT) until 5 timer interrupts have arrived.',
  'timerInterrupt.lesson': 'A spinning guest never exits by itself; the VMM regains control at the virtual timer\'s deadline with the VMX-preemption timer (reason 52) where the CPU offers it, or its own host timer\'s interrupt (reason 1), then injects vector 0x20.',
  'syscallRing3.title': 'Ring 3 and a system call',
  'syscallRing3.description': 'Fills one IDT gate (0x80, DPL 3), IRETs to ring 3, which prints through INT 0x80 and exits.',
  'syscallRing3.lesson': 'The CPL changes 0 → 3 (IRET) and 3 → 0 (INT 0x80, stack from TSS.SS0:ESP0) with no VM exit. With GATE_DPL = 0 the INT raises #GP and, with no handler, ends in a triple fault.',
  'cr3Write.title': 'Switching address spaces with CR3',
  'cr3Write.description': 'Builds two page directories that map 0xC0000000 to different physical pages and switches between them 8 times.',
  'cr3Write.lesson': 'Under shadow paging every MOV to/from CR3 exits (reason 28) and empties the shadow tables; with EPT, CR3 belongs to the guest once its paging is on.',
  'eptViolation.title': 'EPT violations on first touch',
  'eptViolation.description': 'Writes 16 fresh guest-physical pages, then reads them back. TOUCH_BEYOND_RAM = 1 also reads past the VM\'s 8 MiB.',
  'eptViolation.lesson': 'The VMM maps guest memory lazily: the first access to each page is an EPT violation (reason 48) with the access type in the qualification; the second touch is free. No EPT, no reason 48.',
  'tripleFault.title': 'Triple fault',
  'tripleFault.description': 'Loads an IDT of empty gates and divides by zero: #DE cannot be delivered (#GP), the two make a #DF, which cannot be delivered either.',
  'tripleFault.lesson': 'A triple fault shuts a real processor down; in VMX non-root operation it is a VM exit (reason 2) and the VMM stops only this VM.',
  'bareHypervisor.title': 'A hypervisor from scratch',
  'bareHypervisor.description': 'On the bare machine: VMXON, VMCS set-up from the capability MSRs, VMLAUNCH of a guest that runs CPUID and HLT; the host handles both exits and reports through the UART.',
  'bareHypervisor.lesson': 'Everything the built-in VMM does, in 300 lines of assembly: the VMCS regions, control adjustment, host and guest state, reading the exit reason and instruction length with VMREAD, advancing GUEST_RIP, VMRESUME.',
  'realModeGuest.title': 'Real-mode code under VT-x, 2007 style',
  'realModeGuest.description': 'A bare-machine hypervisor enters 16-bit real-mode code as a virtual-8086 guest (RFLAGS.VM = 1, every segment at base = selector × 16, limit FFFFH, access rights F3H). The guest prints through the UART; each OUT is an I/O exit the host forwards. Its HLT faults at CPL 3, and the #GP exits through the exception bitmap.',
  'realModeGuest.lesson': 'Before "unrestricted guest" (2010) VM entry required protected mode with paging, so VMMs ran a guest\'s BIOS and boot loader in virtual-8086 mode: the 8086 code runs at CPL 3 in VMX non-root operation, and what it may not do there (HLT, CLI with IOPL < 3, I/O the TSS bitmap forbids) becomes a #GP the VMM emulates. VM entry checks the segments exactly (SDM Vol. 3C §26.3.1.2).',
  'sensitive.title': 'The sensitive unprivileged instructions',
  'sensitive.description': 'A kernel runs each of the 18 mnemonics of Robin & Irvine\'s list (SGDT, SIDT, SLDT, STR, SMSW, PUSHF, POPF, LAR, LSL, VERR, VERW, PUSH, POP, MOV, CALL, JMP, RET, INT n) once and prints what it sees; a #GP handler notes the ones refused.',
  'sensitive.lesson': 'None of these instructions is privileged: they never exit and never trap. At CPL 0 — on the bare machine or as a VT-x guest — every line shows the kernel\'s own state. With the kernel deprivileged to ring 1 under a software VMM every line changes: the VMM\'s tables, RPL 1, the real IF, truncated limits, checks made against CPL 1, and a POPF that silently fails to enable interrupts.',
} as const;

// Loaded with the labs and the worker that use it, not with the first view (catalogue.ts, `English`).
registerEnglish('scenarios', scenarios);
