/**
 * The scenario catalogue: the lab programs VT Lab ships (`guest/*.s`), what each one shows, and how its
 * run ends. The program texts are embedded by `generate.ts` (no file system needed), so the UI, the
 * worker and the tests load them the same way.
 *
 * A catalogue entry fixes the mode its program runs in: `loadScenarioSource` returns the text with the
 * `; @mode` header set to the entry's mode, so one file can back two entries (the kernel runs both as a
 * guest and on the bare machine). Every program runs on all four CPU models.
 */
import type { LabMode } from '../lab/header.ts';
import type { GuestEndReason } from '../vmm/guest-lab.ts';
import { SCENARIO_SOURCES } from './sources.generated.ts';

export type ScenarioKind = 'kernel' | 'workload' | 'lesson';

export interface Scenario {
  /** Stable identifier (URLs, tests). */
  id: string;
  title: string;
  /** The program, a file in `guest/`. */
  file: string;
  mode: LabMode;
  kind: ScenarioKind;
  /** What the program does. */
  description: string;
  /** What it teaches: what to look for in the trace. */
  lesson: string;
  /** How the run ends on every CPU model (the `end` record's reason). */
  end: GuestEndReason;
  /** The program also runs unchanged in the other mode, printing the same console text. */
  portable: boolean;
}

export const SCENARIOS: readonly Scenario[] = Object.freeze([
  {
    id: 'kernel',
    title: 'A minimal kernel',
    file: 'kernel.s',
    mode: 'guest',
    kind: 'kernel',
    description:
      'Boots like a real operating system: its own GDT and TSS, an IDT (exception handlers, the timer, an INT 0x80 system-call gate with DPL 3), 32-bit paging with 4-KiB pages and one 4-MiB page, the PIC and a 100 Hz PIT, a polled UART console; then runs a ring-3 task that makes system calls, idles with HLT and stops after 20 timer ticks.',
    lesson:
      'Everything an OS does at boot, seen from the VMM: every port access is a VM exit (reason 30), HLT is one (12), timer interrupts are injected at VM entry; system calls and page-table walks run natively. Without EPT (xeon-lv, xeon-5100) the control-register writes and first touches of pages exit too (28, 0).',
    end: 'halted',
    portable: true,
  },
  {
    id: 'kernel-bare',
    title: 'The same kernel on bare metal',
    file: 'kernel.s',
    mode: 'bare',
    kind: 'kernel',
    description: 'kernel.s run on the bare machine: the same console output, with no hypervisor underneath.',
    lesson: 'The reference run: the same instructions without any VM exits. Compare the cycle counts with the guest run.',
    end: 'halted',
    portable: true,
  },
  {
    id: 'cpu-bound',
    title: 'Workload: CPU-bound',
    file: 'cpu-bound.s',
    mode: 'guest',
    kind: 'workload',
    description: 'A xorshift32 loop of 50 000 iterations in registers only, then the checksum through the UART.',
    lesson: 'Ordinary computation never exits: the loop runs at native speed in VMX non-root operation. All exits are at the start (EPT first touches) and at the end (printing).',
    end: 'halted',
    portable: true,
  },
  {
    id: 'syscall-heavy',
    title: 'Workload: system-call heavy',
    file: 'syscall-heavy.s',
    mode: 'guest',
    kind: 'workload',
    description: 'A ring-3 loop making 2000 INT 0x80 system calls into a ring-0 handler, then a report.',
    lesson: 'Privilege transitions inside the guest (INT n, IRET, the TSS stack switch) cost no VM exits under VT-x, unlike the ring-deprivileging VMMs before it.',
    end: 'halted',
    portable: true,
  },
  {
    id: 'io-heavy',
    title: 'Workload: I/O heavy',
    file: 'io-heavy.s',
    mode: 'guest',
    kind: 'workload',
    description: '200 rounds of UART scratch-register, PIT counter-latch and console accesses (7 port accesses per round), then one REP OUTSB.',
    lesson: 'Emulated devices make every IN/OUT a VM exit (reason 30) with the port, size and direction in the exit qualification; a REP OUTSB is emulated in a single exit.',
    end: 'halted',
    portable: true,
  },
  {
    id: 'pagefault-heavy',
    title: 'Workload: page-fault heavy',
    file: 'pagefault-heavy.s',
    mode: 'guest',
    kind: 'workload',
    description: 'A demand pager over 64 pages: first touches fault and are mapped by the #PF handler; then 3 rounds of evicting every page (PTE cleared + INVLPG), touching them again and reloading CR3.',
    lesson: 'The workload shadow paging hates: on xeon-lv and xeon-5100 every guest #PF, INVLPG and CR3 write exits (reasons 0, 14, 28). With EPT (nehalem, modern) they all stay in the guest; only the first touch of each guest-physical page exits (EPT violation, 48).',
    end: 'halted',
    portable: true,
  },
  {
    id: 'cpuid',
    title: 'CPUID under a hypervisor',
    file: 'cpuid.s',
    mode: 'guest',
    kind: 'lesson',
    description: 'Reads CPUID leaves 0, 1 and 0x40000000 and prints the vendor, the signature, the VMX and hypervisor bits and the hypervisor vendor.',
    lesson: 'CPUID always exits (reason 10): the VMM decides what the guest sees. This one hides VMX and sets the hypervisor-present bit; run it bare to see the processor\'s own answer.',
    end: 'halted',
    portable: false,
  },
  {
    id: 'hlt-idle',
    title: 'Idling with HLT',
    file: 'hlt-idle.s',
    mode: 'guest',
    kind: 'lesson',
    description: 'Programs the PIC and a 100 Hz PIT and sleeps with STI; HLT through 10 timer ticks.',
    lesson: 'HLT exits (reason 12); the VMM parks the vCPU until its virtual timer fires and injects vector 0x20 at the next VM entry. Idle guests cost almost nothing.',
    end: 'halted',
    portable: true,
  },
  {
    id: 'uart-hello',
    title: 'Hello through the UART',
    file: 'uart-hello.s',
    mode: 'guest',
    kind: 'lesson',
    description: 'Initialises the 16550 at COM1 (115200 8N1) and prints a line, polling LSR bit 5 before each byte.',
    lesson: 'Each IN and OUT is a VM exit (reason 30): about two per character. Look at the exit qualification: port in bits 31:16, direction in bit 3.',
    end: 'halted',
    portable: true,
  },
  {
    id: 'timer-interrupt',
    title: 'Timer interrupts into a busy guest',
    file: 'timer-interrupt.s',
    mode: 'guest',
    kind: 'lesson',
    description: 'Programs a 10 kHz PIT and spins (no HLT) until 5 timer interrupts have arrived.',
    lesson: 'A spinning guest never exits by itself; the VMM regains control at the virtual timer\'s deadline with the VMX-preemption timer (reason 52) where the CPU offers it, or its own host timer\'s interrupt (reason 1), then injects vector 0x20.',
    end: 'halted',
    portable: false,
  },
  {
    id: 'syscall-ring3',
    title: 'Ring 3 and a system call',
    file: 'syscall-ring3.s',
    mode: 'guest',
    kind: 'lesson',
    description: 'Fills one IDT gate (0x80, DPL 3), IRETs to ring 3, which prints through INT 0x80 and exits.',
    lesson: 'The CPL changes 0 → 3 (IRET) and 3 → 0 (INT 0x80, stack from TSS.SS0:ESP0) with no VM exit. With GATE_DPL = 0 the INT raises #GP and, with no handler, ends in a triple fault.',
    end: 'halted',
    portable: true,
  },
  {
    id: 'cr3-write',
    title: 'Switching address spaces with CR3',
    file: 'cr3-write.s',
    mode: 'guest',
    kind: 'lesson',
    description: 'Builds two page directories that map 0xC0000000 to different physical pages and switches between them 8 times.',
    lesson: 'Under shadow paging every MOV to/from CR3 exits (reason 28) and empties the shadow tables; with EPT, CR3 belongs to the guest once its paging is on.',
    end: 'halted',
    portable: true,
  },
  {
    id: 'ept-violation',
    title: 'EPT violations on first touch',
    file: 'ept-violation.s',
    mode: 'guest',
    kind: 'lesson',
    description: 'Writes 16 fresh guest-physical pages, then reads them back. TOUCH_BEYOND_RAM = 1 also reads past the VM\'s 8 MiB.',
    lesson: 'The VMM maps guest memory lazily: the first access to each page is an EPT violation (reason 48) with the access type in the qualification; the second touch is free. No EPT, no reason 48.',
    end: 'halted',
    portable: true,
  },
  {
    id: 'triple-fault',
    title: 'Triple fault',
    file: 'triple-fault.s',
    mode: 'guest',
    kind: 'lesson',
    description: 'Loads an IDT of empty gates and divides by zero: #DE cannot be delivered (#GP), the two make a #DF, which cannot be delivered either.',
    lesson: 'A triple fault shuts a real processor down; in VMX non-root operation it is a VM exit (reason 2) and the VMM stops only this VM.',
    end: 'triple-fault',
    portable: true,
  },
  {
    id: 'bare-hypervisor',
    title: 'A hypervisor from scratch',
    file: 'bare-hypervisor.s',
    mode: 'bare',
    kind: 'lesson',
    description: 'On the bare machine: VMXON, VMCS set-up from the capability MSRs, VMLAUNCH of a guest that runs CPUID and HLT; the host handles both exits and reports through the UART.',
    lesson: 'Everything the built-in VMM does, in 300 lines of assembly: the VMCS regions, control adjustment, host and guest state, reading the exit reason and instruction length with VMREAD, advancing GUEST_RIP, VMRESUME.',
    end: 'halted',
    portable: false,
  },
  {
    id: 'sensitive',
    title: 'The sensitive unprivileged instructions',
    file: 'sensitive.s',
    mode: 'guest',
    kind: 'lesson',
    description:
      'A kernel runs each of the 18 mnemonics of Robin & Irvine\'s list (SGDT, SIDT, SLDT, STR, SMSW, PUSHF, POPF, LAR, LSL, VERR, VERW, PUSH, POP, MOV, CALL, JMP, RET, INT n) once and prints what it sees; a #GP handler notes the ones refused.',
    lesson:
      'None of these instructions is privileged: they never exit and never trap. At CPL 0 — on the bare machine or as a VT-x guest — every line shows the kernel\'s own state. With the kernel deprivileged to ring 1 under a software VMM every line changes: the VMM\'s tables, RPL 1, the real IF, truncated limits, checks made against CPL 1, and a POPF that silently fails to enable interrupts.',
    end: 'halted',
    portable: true,
  },
] satisfies Scenario[]);

export function getScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

const MODE_HEADER = /^(\s*;\s*@mode\s+)(\S+)(.*)$/m;

/** The program text with its `; @mode` header set to `mode` (added as the first line if missing). */
export function withMode(source: string, mode: LabMode): string {
  if (MODE_HEADER.test(source)) return source.replace(MODE_HEADER, (_m, head: string, _old: string, tail: string) => head + mode + tail);
  return `; @mode ${mode}\n${source}`;
}

/**
 * The program of scenario `id`, ready to run in the entry's mode; undefined for an unknown id.
 * Uses only the embedded sources (no file system).
 */
export function loadScenarioSource(id: string): string | undefined {
  const s = getScenario(id);
  if (s === undefined) return undefined;
  const text = SCENARIO_SOURCES[s.file];
  return text === undefined ? undefined : withMode(text, s.mode);
}

/** Replaces the value of `NAME equ value` in a program (the parameters at the top of each file). */
export function withParameter(source: string, name: string, value: number | string): string | undefined {
  const re = new RegExp(`^(\\s*${name.replace(/[^A-Za-z0-9_]/g, '')}\\s+equ\\s+)([^;\\n]*?)(\\s*(;.*)?)$`, 'm');
  if (!re.test(source)) return undefined;
  return source.replace(re, (_m, head: string, _old: string, tail: string) => head + String(value) + tail);
}
