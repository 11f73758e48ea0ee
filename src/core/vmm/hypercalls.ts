/**
 * The VT Lab hypercall ABI (VMCALL from the guest; documented in docs/hypercalls.md).
 *
 *   EAX = function number, EBX/ECX/EDX = arguments; the result is returned in EAX (EDX for a high half).
 *   VMCALL is only honoured at guest CPL 0; from CPL > 0 it returns EAX = HC_EPERM, as KVM returns
 *   -KVM_EPERM. Unknown functions return HC_ENOSYS. The VMM advances GUEST_RIP past VMCALL (3 bytes).
 */
export const enum Hypercall {
  /** → EAX = ABI version (major << 16 | minor). */
  VERSION = 0,
  /** EBX = character: written to the VM's paravirtual console (no UART emulation involved). */
  PUTCHAR = 1,
  /** Give up the rest of the time slice. */
  YIELD = 2,
  /** EBX = exit code: power the VM off. */
  POWEROFF = 3,
  /** → EDX:EAX = the host time-stamp counter (cycles). */
  TIME = 4,
  /** EBX = guest-physical address, ECX = length: write a string to the paravirtual console. */
  PUTS = 5,
}

export const HYPERCALL_ABI_VERSION = 0x00010000;
/** Error results (as unsigned 32-bit values of small negative numbers, like KVM's). */
export const HC_ENOSYS = -1000;
export const HC_EPERM = -1;
export const HC_EINVAL = -22;

export const HYPERCALL_NAMES: Readonly<Record<number, string>> = {
  0: 'VERSION',
  1: 'PUTCHAR',
  2: 'YIELD',
  3: 'POWEROFF',
  4: 'TIME',
  5: 'PUTS',
};
