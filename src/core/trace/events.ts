/**
 * Event kinds and their payload layouts (p0..p7 of `TraceSink.emit`).
 *
 * `vmxMode` is 0 outside VMX operation, 1 in VMX root operation, 2 in VMX non-root operation.
 * `cpu` is the physical CPU number. Addresses and 32-bit values are unsigned 32-bit numbers.
 */
export const enum EventKind {
  /** Event delivered through the IDT (exception, interrupt, INT n).
   * p0 cpu, p1 vector, p2 EventType, p3 error code (-1 = none), p4 EIP saved on the stack (return address),
   * p5 CPL before, p6 CPL after, p7 vmxMode. */
  EVENT_DELIVERY = 1,
  /** IRET. p0 cpu, p1 CPL before, p2 CPL after, p3 new EIP, p4 vmxMode. */
  IRET = 2,
  /** Far CALL/JMP/RET changing CPL, or SYSENTER/SYSEXIT. p0 cpu, p1 FarKind, p2 CPL before, p3 CPL after, p4 new EIP, p5 vmxMode. */
  FAR_TRANSFER = 3,
  /** VM exit (including VM-entry failures, bit 31 of the reason).
   * p0 cpu, p1 exit reason (full 32 bits), p2 qualification low, p3 qualification high, p4 instruction length
   * (bits 7:0) and the guest's CPL when it exited (bits 9:8; read them with exitInsnLength / exitGuestCpl),
   * p5 guest EIP, p6 VMCS pointer (identifies the vCPU), p7 VM-exit interruption information. */
  VMEXIT = 4,
  /** VM entry completed. p0 cpu, p1 0 = VMLAUNCH / 1 = VMRESUME, p2 guest EIP, p3 VMCS pointer,
   * p4 injected event (VM-entry interruption information, 0 = none), p5 guest CPL. */
  VMENTRY = 5,
  /** VMX instruction failed. p0 cpu, p1 VmxInstruction, p2 0 = VMfailInvalid / 1 = VMfailValid,
   * p3 VM-instruction error number (0 for VMfailInvalid), p4 EIP. */
  VMFAIL = 6,
  /** VMX instruction succeeded in VMX root operation (or outside it, for VMXON).
   * p0 cpu, p1 VmxInstruction, p2 operand (VMCS pointer, or field encoding for VMREAD/VMWRITE), p3 value low, p4 value high, p5 EIP. */
  VMX_INSTRUCTION = 7,
  /** Port I/O that reached a device. p0 cpu, p1 port, p2 size, p3 1 = IN / 0 = OUT, p4 value, p5 vmxMode. */
  IO = 8,
  /** HLT entered. p0 cpu, p1 EIP, p2 vmxMode, p3 1 when the VMM put a vCPU to sleep after its HLT exit (then p2 is
   * root: the processor runs the VMM, the guest's vCPU sleeps), else 0 (the processor itself halts). */
  HALT = 9,
  /** Woke from HLT. p0 cpu, p1 reason (vector, or -1). */
  WAKE = 10,
  /** Triple fault / shutdown. p0 cpu, p1 EIP, p2 vmxMode. */
  SHUTDOWN = 11,
  /** A VMM exit handler ran. p0 cpu, p1 VM id, p2 basic exit reason, p3 handler id, p4 handler cycles, p5 vCPU id. */
  VMM_HANDLER = 12,
  /** Console text from a UART. source = VM id (-1 = the bare machine's COM1). */
  CONSOLE = 13,
  /** VMM log line. source = VM id. */
  VMM_LOG = 14,
  /** VM lifecycle change. p0 VM id, p1 VmState. */
  VM_STATE = 15,
  /** MOV to CR0/CR3/CR4 or LMSW/CLTS retired. p0 cpu, p1 CR number, p2 new value, p3 vmxMode. */
  CR_WRITE = 16,
  /** An instruction retired (only when instruction events are on: Cpu.traceRetire).
   * p0 cpu, p1 EIP of the instruction, p2 CPL before, p3 vmxMode, p4 length, p5 linear address, p6 CPL after. */
  INSN_RETIRED = 17,
  /** The timeline's heartbeat: PROGRESS_INTERVAL instructions retired since the last one (so that a step always
   * ends, even in a loop that makes no other event). p0 instructions retired in total (low 32 bits), p1 high bits. */
  PROGRESS = 18,
  /** The run ended (the app's timeline; the CLI prints an `end` record instead). p0 index in END_REASONS
   * (src/core/session/session.ts), p1 cpu. */
  END = 19,
  /** A software VMM (ring deprivileging, src/core/techniques/deprivileged) took control.
   * p0 cpu, p1 vector (0x100 + IRQ for an external interrupt the VMM fields), p2 error code (-1 = none),
   * p3 guest EIP, p4 virtual CPL of the guest, p5 emulated instruction (EmulatedInsn; -1 = none),
   * p6 VMM cycles charged, p7 0. */
  SW_TRAP = 20,
  /** The software VMM returns to the guest. p0 cpu, p1 guest EIP, p2 real CPL resumed at, p3 virtual CPL,
   * p4 vector reflected into the guest's IDT (-1 = none). */
  SW_RESUME = 21,
  /** The paravirtual VMM (src/core/techniques/paravirt, docs/paravirt-abi.md) ran a hypercall (INT 0x82 from the
   * guest kernel at ring 1). p0 cpu, p1 hypercall number (EAX at the call), p2 first argument (EBX: the
   * sub-command of console_io / sched_op / vtlab_port_io, the array of set_trap_table / mmu_update / mmuext_op),
   * p3 second argument (ECX), p4 guest EIP of the INT 0x82, p5 result (EAX after; negative = −errno),
   * p6 VMM cycles charged, p7 entries processed (mmu_update / mmuext_op / set_trap_table; 0 otherwise).
   * The return to the guest is an SW_RESUME. */
  PV_HYPERCALL = 22,
  /** The paravirtual VMM crashed the domain: a fault it does not emulate and the guest registered no handler for
   * (what Xen logs as "Unhandled … fault/trap"). p0 cpu, p1 vector, p2 error code (-1 = none), p3 guest EIP,
   * p4 real CPL, p5 the privileged instruction at that EIP (EmulatedInsn of ../techniques/deprivileged/emulated.ts;
   * -1 = none or not one of them), p6 VMM cycles charged, p7 0. A VMM_LOG line with Xen's message follows. */
  PV_DOMAIN_CRASH = 23,
  /** The binary-translating VMM (src/core/techniques/binary-translation, docs/binary-translation.md) translated a
   * unit of guest kernel code: a translation-cache miss. p0 cpu, p1 guest linear EIP, p2 guest-physical address,
   * p3 guest instructions translated, p4 callouts among them, p5 translation id, p6 cycles charged, p7 0. */
  BT_TRANSLATE = 24,
  /** Translated code called out into the binary-translating VMM to emulate a sensitive instruction.
   * p0 cpu, p1 guest EIP, p2 BtCallout (../techniques/binary-translation/kinds.ts), p3 virtual CPL of the guest,
   * p4 translation id, p5 cycles charged, p6 0, p7 0. */
  BT_CALLOUT = 25,
  /** The guest wrote to translated code (self-modifying code): translations dropped. p0 cpu, p1 guest-physical
   * address written (the page's first byte for a bulk write), p2 translations dropped, p3 the first one's id,
   * p4 its guest linear address. */
  BT_INVALIDATE = 26,
}

/** Instructions between two PROGRESS events (2^20). */
export const PROGRESS_INTERVAL = 1 << 20;

/** Names of the event kinds, for filters, URLs and the UI (index = EventKind). */
export const EVENT_KIND_NAMES: Readonly<Record<number, string>> = {
  1: 'event-delivery',
  2: 'iret',
  3: 'far-transfer',
  4: 'vmexit',
  5: 'vmentry',
  6: 'vmfail',
  7: 'vmx',
  8: 'io',
  9: 'halt',
  10: 'wake',
  11: 'shutdown',
  12: 'handler',
  13: 'console',
  14: 'log',
  15: 'vm-state',
  16: 'cr-write',
  17: 'insn',
  18: 'progress',
  19: 'end',
  20: 'sw-trap',
  21: 'sw-resume',
  22: 'pv-hypercall',
  23: 'pv-domain-crash',
  24: 'bt-translate',
  25: 'bt-callout',
  26: 'bt-invalidate',
};

export const enum FarKind {
  CALL = 0,
  JMP = 1,
  RET = 2,
  SYSENTER = 3,
  SYSEXIT = 4,
}

/** VMX instructions, for VMFAIL and VMX_INSTRUCTION events. */
export const enum VmxInstruction {
  VMXON = 0,
  VMXOFF = 1,
  VMCLEAR = 2,
  VMPTRLD = 3,
  VMPTRST = 4,
  VMREAD = 5,
  VMWRITE = 6,
  VMLAUNCH = 7,
  VMRESUME = 8,
  VMCALL = 9,
  INVEPT = 10,
  INVVPID = 11,
  VMFUNC = 12,
}
export const VMX_INSTRUCTION_NAMES = [
  'VMXON', 'VMXOFF', 'VMCLEAR', 'VMPTRLD', 'VMPTRST', 'VMREAD', 'VMWRITE', 'VMLAUNCH', 'VMRESUME', 'VMCALL',
  'INVEPT', 'INVVPID', 'VMFUNC',
] as const;

export const enum VmState {
  CREATED = 0,
  RUNNING = 1,
  HALTED = 2,
  CRASHED = 3,
  STOPPED = 4,
  RESTARTING = 5,
}

export const VM_STATE_NAMES = ['created', 'running', 'halted', 'crashed', 'stopped', 'restarting'] as const;

/** How a run ends (the `end` record's reason; the END event's p0 is an index into this list). */
export type SessionEndReason = 'halted' | 'triple-fault' | 'unhandled-exception' | 'vmx-abort' | 'poweroff' | 'vm-crash' | 'all-stopped';

export const END_REASONS: readonly SessionEndReason[] = ['halted', 'triple-fault', 'unhandled-exception', 'vmx-abort', 'poweroff', 'vm-crash', 'all-stopped'];

/** VMEXIT p4: the VM-exit instruction length (0–15). */
export function exitInsnLength(p4: number): number {
  return p4 & 0xff;
}
/**
 * VMEXIT p4: the CPL the guest was at when the exit happened — where the exit leaves from (a timer interrupt that
 * exits while the guest's application runs leaves ring 3, not the guest kernel's ring 0). 0 for a VM-entry failure.
 */
export function exitGuestCpl(p4: number): number {
  return (p4 >>> 8) & 3;
}
/** Packs VMEXIT p4. */
export function packExitP4(instrLen: number, guestCpl: number): number {
  return (instrLen & 0xff) | ((guestCpl & 3) << 8);
}
