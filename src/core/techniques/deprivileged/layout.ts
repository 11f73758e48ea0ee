/**
 * Where the trap-and-emulate VMM keeps its own structures, in host-physical memory and in the linear
 * address space the guest runs in.
 *
 * Host-physical memory:
 *   0x0000_0000 – 0x003F_FFFF  the VMM: its IDT, TSS, stack, the shadow GDT and LDT, and a page pool for
 *                              the shadow page directory and page tables
 *   0x0040_0000 – …           guest-physical memory (8 MiB by default), one contiguous block
 *
 * The processor reaches descriptor tables, the TSS and the IDT through *linear* addresses, so the VMM's
 * tables must be mapped in every address space the guest runs in. Like VMware's and Xen's 32-bit monitors,
 * this VMM claims the top 4 MiB of the linear address space (the "VMM hole", one supervisor 4-MiB page
 * mapping host-physical 0) and truncates the limit of every guest segment so that it ends below the hole:
 * the guest, running at ring 1 (a supervisor ring for paging), cannot reach the VMM through any segment
 * (SDM Vol. 3A §5.3: a limit violation is a #GP, or #SS for the stack segment). The guest cannot map the VMM
 * either: its page tables name guest-physical frames, which the VMM only ever translates into the guest's
 * own block.
 */

/** First linear address of the VMM hole: the top 4 MiB (one page-directory entry, index 1023). */
export const VMM_HOLE = 0xffc00000;
/** Host-physical size of the VMM area (mapped by the hole). */
export const VMM_AREA_BYTES = 0x400000;
/** Host-physical address of guest-physical 0. */
export const GUEST_BASE = VMM_AREA_BYTES;

/** Offsets in the VMM area (host-physical = offset; linear = VMM_HOLE + offset). */
export const VMM_IDT = 0x0000;
export const VMM_IDT_LIMIT = 256 * 8 - 1;
export const VMM_TSS = 0x0800;
/** Where the VMM's interrupt handlers would be: 16 bytes per vector (the handlers are TypeScript). */
export const VMM_HANDLERS = 0x1000;
/** Top of the VMM's ring-0 stack (TSS.ESP0). */
export const VMM_STACK_TOP = 0x10000;
/** The shadow GDT: the whole 64 KiB a GDT can have (8192 descriptors). */
export const SHADOW_GDT = 0x10000;
export const SHADOW_GDT_LIMIT = 0xffff;
/** The shadow LDT (loaded for the guest's LLDT). */
export const SHADOW_LDT = 0x20000;
/** Page pool for the shadow page directory and tables. */
export const POOL_START = 0x100000;
export const POOL_END = VMM_AREA_BYTES;

/**
 * The VMM's own descriptors live in the last four slots of the shadow GDT; a guest GDT may use every other
 * slot (Xen reserves GDT slots the same way). Their DPL is 0, so the guest can load none of them.
 */
export const VMM_LDT_SEL = 0xffe0;
export const VMM_CODE_SEL = 0xffe8;
export const VMM_DATA_SEL = 0xfff0;
export const VMM_TSS_SEL = 0xfff8;
/** Highest guest GDT byte the shadow can mirror (slots from VMM_LDT_SEL up are the VMM's). */
export const GUEST_GDT_MAX_LIMIT = VMM_LDT_SEL - 1;

/** Linear address of a VMM-area offset. */
export function vmmLinear(offset: number): number {
  return (VMM_HOLE + offset) | 0;
}
