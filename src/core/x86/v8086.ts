/**
 * Virtual-8086 mode (EFLAGS.VM = 1 in protected mode; SDM Vol. 3A Ch. 20.2–20.3): 8086 code at CPL 3 with real-mode
 * addressing, under a protected-mode monitor that takes its interrupts and exceptions in ring 0.
 *
 * It matters to VT-x history: before "unrestricted guest" (Westmere, 2010) a VM entry needed CR0.PE = 1 and
 * CR0.PG = 1, so VMMs ran a guest's real-mode code (its BIOS, its boot loader) as a virtual-8086 task — KVM's
 * "vm86_active" real-mode emulation sets RFLAGS.VM and IOPL 3 in the guest-state area. VM entry accepts such a
 * guest when its six segments are exactly what a real-mode-style load gives (SDM Vol. 3C §26.3.1.2, vmx/entry.ts).
 *
 * This core implements virtual-8086 mode without the CR4.VME extensions (CPUID.01H:EDX.VME = 0 on every model here,
 * so CR4.VME is reserved): CLI, STI, PUSHF, POPF, INT n and IRET are IOPL-sensitive (#GP(0) when IOPL < 3), I/O is
 * checked against the TSS I/O permission bitmap whatever IOPL is, and events are taken by a ring-0 handler.
 */
import { Flag, Seg } from './arch.ts';
import type { Cpu } from './cpu.ts';

/** Access rights of a segment register in virtual-8086 mode: present, DPL 3, read/write accessed data (F3H). */
export const V86_AR = 0xf3;

export function inV86(c: Cpu): boolean {
  return (c.eflags & Flag.VM) !== 0;
}

/** IOPL-sensitive instructions fault in virtual-8086 mode unless IOPL = 3 (SDM Vol. 3A §20.2.7, Table 20-2). */
export function v86IoplFault(c: Cpu): boolean {
  return (c.eflags & Flag.VM) !== 0 && (c.eflags & Flag.IOPL) !== Flag.IOPL;
}

/**
 * Loads a segment register the virtual-8086 way: base = selector × 16, limit FFFFH, DPL 3 read/write data, with no
 * descriptor read and no protection check (SDM Vol. 3A §20.2.1; Bochs load_seg_reg in v8086 mode).
 */
export function loadV86Segment(c: Cpu, seg: number, selector: number): void {
  const sel = selector & 0xffff;
  c.setSegCache(seg, sel, sel << 4, 0xffff, V86_AR);
}

/** Enters virtual-8086 mode's segment state for CS, SS, ES, DS, FS and GS at once, at CPL 3. */
export function loadV86Segments(c: Cpu, cs: number, ss: number, es: number, ds: number, fs: number, gs: number): void {
  loadV86Segment(c, Seg.CS, cs);
  loadV86Segment(c, Seg.SS, ss);
  loadV86Segment(c, Seg.ES, es);
  loadV86Segment(c, Seg.DS, ds);
  loadV86Segment(c, Seg.FS, fs);
  loadV86Segment(c, Seg.GS, gs);
  c.setCpl(3);
}
