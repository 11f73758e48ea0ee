/**
 * The paravirtual hypercall ABI (docs/paravirt-abi.md): numbers, sub-commands, structure layouts and error
 * values. It mirrors the 32-bit x86 Xen interface (Barham et al., "Xen and the Art of Virtualization", SOSP
 * 2003; Xen's public headers xen/include/public/xen.h, sched.h, arch-x86/xen-x86_32.h) wherever this lab has
 * the feature; names and numbers are Xen's. The one call Xen does not have is `vtlab_port_io`, VT Lab's own,
 * numbered outside Xen's table. Kept free of imports so the trace formatter can name hypercalls.
 */

/** The software-interrupt vector of a hypercall: 32-bit PV guests use `INT 0x82` (Xen
 * docs/guest-guide/x86/hypercall-abi.rst; the gate has DPL 1, so only the guest kernel at ring 1 can use it). */
export const HYPERCALL_VECTOR = 0x82;

/** Hypercall numbers (EAX), Xen's `__HYPERVISOR_*` values (xen/include/public/xen.h). */
export const enum Hypercall {
  SET_TRAP_TABLE = 0,
  MMU_UPDATE = 1,
  STACK_SWITCH = 3,
  XEN_VERSION = 17,
  CONSOLE_IO = 18,
  IRET = 23,
  MMUEXT_OP = 26,
  SCHED_OP = 29,
  /** VT Lab's own (Xen has no port-I/O hypercall: it grants I/O ports to privileged domains instead). */
  VTLAB_PORT_IO = 64,
}

/** Hypercall names by number (the trace and the UI). */
export const HYPERCALL_NAMES: Readonly<Record<number, string>> = {
  0: 'set_trap_table',
  1: 'mmu_update',
  3: 'stack_switch',
  17: 'xen_version',
  18: 'console_io',
  23: 'iret',
  26: 'mmuext_op',
  29: 'sched_op',
  64: 'vtlab_port_io',
};

/** console_io commands (xen.h). */
export const CONSOLEIO_WRITE = 0;
/** sched_op commands (sched.h) and shutdown reasons. */
export const SCHEDOP_YIELD = 0;
export const SCHEDOP_BLOCK = 1;
export const SCHEDOP_SHUTDOWN = 2;
export const SHUTDOWN_POWEROFF = 0;
export const SHUTDOWN_REBOOT = 1;
export const SHUTDOWN_SUSPEND = 2;
export const SHUTDOWN_CRASH = 3;
export const SHUTDOWN_REASON_NAMES: readonly string[] = ['poweroff', 'reboot', 'suspend', 'crash'];
/** mmu_update request types (low 2 bits of `ptr`, xen.h). */
export const MMU_NORMAL_PT_UPDATE = 0;
/** mmuext_op commands (xen.h). */
export const MMUEXT_PIN_L2_TABLE = 1;
export const MMUEXT_NEW_BASEPTR = 5;
export const MMUEXT_TLB_FLUSH_LOCAL = 6;
export const MMUEXT_INVLPG_LOCAL = 7;
/** vtlab_port_io commands (VT Lab's own). */
export const PORTIO_OUTB = 0;
export const PORTIO_INB = 1;
/** DOMID_SELF (xen.h): the only domain a guest may name here. */
export const DOMID_SELF = 0x7ff0;

/** Sizes of the argument structures on x86_32 (bytes). */
export const TRAP_INFO_SIZE = 8; // struct trap_info { u8 vector; u8 flags; u16 cs; u32 address; }
export const MMU_UPDATE_SIZE = 16; // struct mmu_update { u64 ptr; u64 val; }
export const MMUEXT_OP_SIZE = 12; // struct mmuext_op { u32 cmd; u32 arg1; u32 arg2; }
/** trap_info.flags: bits 0-1 the DPL software interrupts are checked against; bit 2 "clear event enable" (TI_GET_IF). */
export const TI_DPL_MASK = 3;
export const TI_CLEAR_EVENTS = 4;

/**
 * The shared-info page: guest-physical address of the page the VMM shares with the guest (Xen passes its
 * machine address in start_info; here it is fixed — a model choice — and also handed over in ESI at start).
 * vcpu_info[0] sits at its start with Xen's x86_32 layout (xen.h `struct vcpu_info`).
 */
export const SHARED_INFO = 0x5000;
/** vcpu_info.evtchn_upcall_pending (u8): an event is waiting for delivery. */
export const VCPU_UPCALL_PENDING = 0;
/** vcpu_info.evtchn_upcall_mask (u8): non-zero = events masked — the guest's "interrupt flag", written with a plain MOV. */
export const VCPU_UPCALL_MASK = 1;
/** vcpu_info.arch.cr2 (u32): the faulting address of the last page fault bounced to the guest. */
export const VCPU_ARCH_CR2 = 8;

/** Error values returned in EAX (negated errno, as Xen returns them). */
export const EPERM = -1;
export const EFAULT = -14;
export const EINVAL = -22;
export const ENOSYS = -38;

/** The version `xen_version(XENVER_version)` reports: VT Lab's PV ABI 1.0 (not a Xen version). */
export const PV_ABI_VERSION = 0x00010000;

/** The lab's domain id (a label used in log messages; one paravirtual domain per run). */
export const DOMAIN_ID = 1;
