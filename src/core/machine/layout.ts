/**
 * The documented memory layout and initial state a lab program starts in (README "Lab files").
 * The same physical layout is used for the bare machine and, as guest-physical addresses, for a guest
 * under the built-in VMM, so a program can move between the two modes.
 *
 *   0x0000_0000  real-mode area (unused, zero)
 *   0x0000_1000  GDT: 8 descriptors (see GDT_SELECTORS)
 *   0x0000_1100  32-bit TSS (104 bytes): SS0:ESP0 = 0x10:0x0009_0000, no I/O bitmap
 *   0x0000_2000  page directory: identity map of all RAM with 4-MByte pages (bare mode only)
 *   0x0000_3000  free low memory (e.g. for an IDT)
 *   0x0001_0000  program load address (the default origin; `org` moves it)
 *   0x0008_0000  stack (64 KiB; ESP starts at 0x0009_0000)
 *   0x0010_0000  free memory up to the end of RAM: VMXON/VMCS regions, page tables, guest memory
 */
export const GDT_BASE = 0x1000;
export const TSS_BASE = 0x1100;
export const PAGE_DIRECTORY = 0x2000;
export const PROGRAM_BASE = 0x10000;
export const STACK_TOP = 0x90000;
export const FREE_MEMORY = 0x100000;
export const BARE_MEMORY_BYTES = 16 * 1024 * 1024;
export const GUEST_MEMORY_BYTES = 8 * 1024 * 1024;

/** Selectors of the GDT both modes provide. */
export const GDT_SELECTORS = {
  KERNEL_CODE: 0x08,
  KERNEL_DATA: 0x10,
  USER_CODE: 0x1b,
  USER_DATA: 0x23,
  TSS: 0x28,
  /** A ring-1 code/data pair, for the software-VMM (ring deprivileging) lessons. */
  RING1_CODE: 0x31,
  RING1_DATA: 0x39,
} as const;

/** Builds a code/data descriptor (flat 4 GiB, G = 1, D/B = 1) as [low, high] dwords. */
export function flatDescriptor(dpl: number, code: boolean): [number, number] {
  const access = 0x80 | (dpl << 5) | 0x10 | (code ? 0x0a : 0x02) | 1; // P, DPL, S, type (accessed)
  return [0x0000ffff, (0x00cf0000 | (access << 8)) | 0];
}

/** A 32-bit available TSS descriptor. */
export function tssDescriptor(base: number, limit: number): [number, number] {
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi = (base & 0xff000000) | ((limit & 0xf0000)) | (0x89 << 8) | ((base >>> 16) & 0xff);
  return [lo | 0, hi | 0];
}

/** Writes the standard GDT and TSS into memory through `write32` (physical or guest-physical). */
export function writeStandardTables(write32: (addr: number, v: number) => void): void {
  const descs: [number, number][] = [
    [0, 0],
    flatDescriptor(0, true),
    flatDescriptor(0, false),
    flatDescriptor(3, true),
    flatDescriptor(3, false),
    tssDescriptor(TSS_BASE, 0x67),
    flatDescriptor(1, true),
    flatDescriptor(1, false),
  ];
  descs.forEach(([lo, hi], k) => {
    write32(GDT_BASE + k * 8, lo);
    write32(GDT_BASE + k * 8 + 4, hi);
  });
  for (let k = 0; k < 0x68; k += 4) write32(TSS_BASE + k, 0);
  write32(TSS_BASE + 4, STACK_TOP); // ESP0
  write32(TSS_BASE + 8, GDT_SELECTORS.KERNEL_DATA); // SS0
  write32(TSS_BASE + 0x64, 0x0068 << 16); // I/O map base = 0x68 (= limit + 1: no bitmap)
}

export const GDT_LIMIT = 8 * 8 - 1;
