/**
 * The host side of the built-in VMM: physical memory layout, a page allocator for VMM structures, and
 * bringing a physical processor into VMX root operation the way a real VMM does (CR4.VMXE, VMXON with a
 * revision-stamped region) — through the same instruction semantics guest programs use, so a VMXON that
 * would fail on hardware fails here too.
 *
 * Host physical layout:
 *   0x0000_0000 – 0x000F_FFFF  VMM image: host GDT/TSS (same layout as lab programs), host page directory
 *                              (identity map with 4-MByte pages), host stacks
 *   0x0010_0000 – 0x003F_FFFF  VMM pool: VMXON regions, VMCS regions, I/O and MSR bitmaps, EPT and shadow
 *                              page tables (4-KiB pages, bump-allocated)
 *   0x0040_0000 – …           guest memory, one 4-MiB-aligned contiguous block per VM
 */
import { Cr4, Msr } from '../x86/arch.ts';
import type { Cpu } from '../x86/cpu.ts';
import { resetMsrs } from '../x86/msr.ts';
import type { PhysicalMemory } from '../x86/physical-memory.ts';
import { enterProtectedModeState } from '../machine/bare.ts';
import { GDT_BASE, PAGE_DIRECTORY, writeStandardTables } from '../machine/layout.ts';
import { vmxon, VMX_SUCCEED } from '../vmx/instructions.ts';

export const VMM_POOL_START = 0x100000;
export const VMM_POOL_END = 0x400000;
export const GUEST_AREA_START = 0x400000;
/** Where VM exits "land" (HOST_RIP): the VMM's exit entry point, handled in TypeScript. */
export const VMM_EXIT_ENTRY = 0x8000;
/** Host stack of physical CPU n: HOST_STACK_TOP - n * 0x4000. */
export const HOST_STACK_TOP = 0xf0000;

/** A 4-KiB page allocator over the VMM pool (plain data: the next free address). */
export class PagePool {
  next: number;
  constructor(
    private readonly mem: PhysicalMemory,
    start = VMM_POOL_START,
    private readonly end = VMM_POOL_END,
  ) {
    this.next = start;
  }
  /** A zeroed, 4-KiB-aligned page. Throws when the pool is exhausted (a VMM configuration error). */
  alloc(): number {
    if (this.next + 4096 > this.end) throw new Error('VMM page pool exhausted: too many VMs or page-table pages for the host memory');
    const pa = this.next;
    this.next += 4096;
    this.mem.bytes.fill(0, pa, pa + 4096);
    return pa;
  }
}

/** Lays down the host tables once (GDT, TSS, identity page directory covering all RAM). */
export function initHostMemory(mem: PhysicalMemory): void {
  writeStandardTables((a, v) => mem.write32(a, v));
  mem.write32(GDT_BASE + 5 * 8 + 4, mem.read32(GDT_BASE + 5 * 8 + 4) | 0x200); // TSS busy
  for (let k = 0; k < 1024; k++) mem.write32(PAGE_DIRECTORY + 4 * k, k * 0x400000 < mem.size ? ((k << 22) | 0x83) | 0 : 0);
}

/**
 * Puts physical CPU `cpu` in VMX root operation: protected mode with paging (CR0 fixed bits), CR4.VMXE,
 * IA32_FEATURE_CONTROL locked with VMX enabled (as firmware leaves it), VMXON with a fresh region.
 */
export function enterVmxRoot(cpu: Cpu, pool: PagePool): void {
  resetMsrs(cpu);
  cpu.msrLo.set(Msr.IA32_FEATURE_CONTROL, 0x5);
  enterProtectedModeState(cpu, true);
  cpu.regs[4] = HOST_STACK_TOP - cpu.id * 0x4000;
  cpu.cr4 |= Cr4.VMXE;
  const region = pool.alloc();
  cpu.mem.write32(region, cpu.model.vmcsRevisionId);
  const r = vmxon(cpu, region, 0);
  if (r !== VMX_SUCCEED) throw new Error(`VMXON failed on CPU ${cpu.id} (result ${String(r)}): the CPU model cannot run the built-in VMM`);
  cpu.eip = VMM_EXIT_ENTRY;
}
