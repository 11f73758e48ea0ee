/**
 * Ring compression: the descriptor tables the real processor uses while the guest runs.
 *
 * The guest's GDT (and LDT) are virtual: GDTR points at a shadow GDT in the VMM hole, a copy of the guest's
 * descriptors made when the guest executes LGDT (LLDT for the LDT; LTR refreshes the TSS descriptor).
 * Copying transforms each code or data descriptor in two ways (Intel's white paper §3.1 calls the first
 * "ring compression"; the second is the segment truncation VMware's and Xen's 32-bit monitors used):
 *
 *  - DPL 0 becomes DPL 1, so the deprivileged guest kernel, running at CPL 1, can load its own segments
 *    (SDM Vol. 3A §5.5–5.6: a data segment needs CPL ≤ DPL and RPL ≤ DPL; a non-conforming code segment
 *    DPL = CPL). DPL 1–3 are kept: guest applications stay at ring 3, so paging's U/S protection between
 *    the kernel (CPL 1 is a supervisor level, §4.6) and its applications works natively.
 *  - the limit of an expand-up segment is cut so the segment ends below the VMM hole (0xFFC00000); a segment
 *    based in the hole, or an expand-down one that reaches it, is marked not present.
 *
 * System descriptors (TSS, LDT, call/task/interrupt gates) are copied unchanged. The copy is not kept in step
 * with later writes to the guest's table (a production VMM write-protects those pages); LGDT, LLDT and LTR
 * are the synchronisation points. Accessed bits the processor sets land in the shadow, not in the guest's
 * table.
 */
import { Ar, Seg } from '../../x86/arch.ts';
import type { Cpu } from '../../x86/cpu.ts';
import type { PhysicalMemory } from '../../x86/physical-memory.ts';
import { descAr, descBase, descLimit } from '../../x86/segments.ts';
import { tssDescriptor, flatDescriptor } from '../../machine/layout.ts';
import type { GuestAccess } from './guest-access.ts';
import {
  GUEST_GDT_MAX_LIMIT,
  SHADOW_GDT,
  SHADOW_GDT_LIMIT,
  SHADOW_LDT,
  VMM_CODE_SEL,
  VMM_DATA_SEL,
  VMM_HANDLERS,
  VMM_HOLE,
  VMM_IDT,
  VMM_LDT_SEL,
  VMM_STACK_TOP,
  VMM_TSS,
  VMM_TSS_SEL,
  vmmLinear,
} from './layout.ts';

/** Scratch output of descriptor reads (no allocation per call). */
export interface Desc {
  lo: number;
  hi: number;
}

const P = 0x8000;
const S = 0x1000;

/** The shadow form of a guest descriptor (ring compression and truncation below the VMM hole). */
export function compressDescriptor(lo: number, hi: number, out: Desc): void {
  out.lo = lo;
  out.hi = hi;
  if ((hi & P) === 0 || (hi & S) === 0) return;
  const dpl = (hi >>> 13) & 3;
  let h = dpl === 0 ? ((hi & ~0x6000) | (1 << 13)) | 0 : hi;
  const base = descBase(lo, hi) >>> 0;
  const code = (hi & 0x800) !== 0;
  const expandDown = !code && (hi & 0x400) !== 0;
  if (base >= VMM_HOLE) {
    out.hi = h & ~P;
    return;
  }
  if (expandDown) {
    const upper = (hi & 0x400000) !== 0 ? 0xffffffff : 0xffff;
    if (base + upper >= VMM_HOLE) h &= ~P;
    out.hi = h;
    return;
  }
  const limit = descLimit(lo, hi) >>> 0;
  let l = lo;
  if (base + limit >= VMM_HOLE) {
    const bytes = VMM_HOLE - 1 - base; // the last offset that stays below the hole
    let field: number;
    if ((h & 0x800000) !== 0 && bytes >= 0xfff) field = Math.floor((bytes + 1) / 4096) - 1;
    else {
      h &= ~0x800000; // byte granularity for a short segment
      field = Math.min(bytes, 0xfffff);
    }
    l = ((lo & 0xffff0000) | (field & 0xffff)) | 0;
    h = ((h & ~0x000f0000) | (field & 0x000f0000)) | 0;
  }
  out.lo = l;
  out.hi = h;
}

/** Lays down the VMM's own tables: its IDT (256 DPL-0 interrupt gates), TSS, and its GDT slots. */
export function writeVmmTables(mem: PhysicalMemory): void {
  for (let v = 0; v < 256; v++) {
    const off = vmmLinear(VMM_HANDLERS + v * 16);
    mem.write32(VMM_IDT + v * 8, ((VMM_CODE_SEL << 16) | (off & 0xffff)) | 0);
    mem.write32(VMM_IDT + v * 8 + 4, ((off & 0xffff0000) | 0x8e00) | 0); // present, DPL 0, 32-bit interrupt gate
  }
  // The handler "code" is never executed (the handlers are TypeScript): fill it with HLT.
  mem.bytes.fill(0xf4, VMM_HANDLERS, VMM_HANDLERS + 256 * 16);
  for (let k = 0; k < 0x68; k += 4) mem.write32(VMM_TSS + k, 0);
  mem.write32(VMM_TSS + 4, vmmLinear(VMM_STACK_TOP)); // ESP0
  mem.write32(VMM_TSS + 8, VMM_DATA_SEL); // SS0
  mem.write32(VMM_TSS + 0x64, 0x68 << 16); // I/O map base past the limit: no bitmap, so IN/OUT at CPL > IOPL fault
  mem.bytes.fill(0, SHADOW_GDT, SHADOW_GDT + SHADOW_GDT_LIMIT + 1);
  writeVmmDescriptors(mem);
}

function writeVmmDescriptors(mem: PhysicalMemory): void {
  const put = (sel: number, [lo, hi]: [number, number]): void => {
    mem.write32(SHADOW_GDT + sel, lo);
    mem.write32(SHADOW_GDT + sel + 4, hi);
  };
  put(VMM_CODE_SEL, flatDescriptor(0, true));
  put(VMM_DATA_SEL, flatDescriptor(0, false));
  const [lo, hi] = tssDescriptor(vmmLinear(VMM_TSS), 0x67);
  put(VMM_TSS_SEL, [lo, hi | 0x200]); // busy: it is the task register
}

/** Writes the LDT descriptor the real LDTR uses (slot VMM_LDT_SEL) for a shadow LDT of `limit`. */
export function writeLdtSlot(mem: PhysicalMemory, limit: number): void {
  const base = vmmLinear(SHADOW_LDT);
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi = (base & 0xff000000) | (limit & 0xf0000) | (0x82 << 8) | ((base >>> 16) & 0xff); // present, DPL 0, type 2 (LDT)
  mem.write32(SHADOW_GDT + VMM_LDT_SEL, lo | 0);
  mem.write32(SHADOW_GDT + VMM_LDT_SEL + 4, hi | 0);
}

const scratch: Desc = { lo: 0, hi: 0 };

/**
 * Rebuilds the shadow GDT from the guest's table at guest-linear `base` with `limit` (LGDT). Entries the
 * guest cannot read (a guest #PF) are left null. Returns the number of descriptors copied.
 */
export function rebuildShadowGdt(mem: PhysicalMemory, g: GuestAccess, base: number, limit: number): number {
  mem.bytes.fill(0, SHADOW_GDT, SHADOW_GDT + VMM_LDT_SEL);
  const last = Math.min(limit >>> 0, GUEST_GDT_MAX_LIMIT);
  let n = 0;
  for (let off = 8; off + 7 <= last; off += 8) {
    if (!copyGuestDescriptor(g, (base + off) | 0, scratch)) continue;
    mem.write32(SHADOW_GDT + off, scratch.lo);
    mem.write32(SHADOW_GDT + off + 4, scratch.hi);
    n++;
  }
  return n;
}

/** Rebuilds the shadow LDT from the guest's LDT (LLDT). */
export function rebuildShadowLdt(mem: PhysicalMemory, g: GuestAccess, base: number, limit: number): void {
  mem.bytes.fill(0, SHADOW_LDT, SHADOW_LDT + 0x10000);
  const last = Math.min(limit >>> 0, 0xffff);
  for (let off = 0; off + 7 <= last; off += 8) {
    if (!copyGuestDescriptor(g, (base + off) | 0, scratch)) continue;
    mem.write32(SHADOW_LDT + off, scratch.lo);
    mem.write32(SHADOW_LDT + off + 4, scratch.hi);
  }
}

/** Refreshes one shadow GDT slot from the guest's table (after the VMM changed the guest's descriptor). */
export function refreshShadowSlot(mem: PhysicalMemory, g: GuestAccess, gdtBase: number, sel: number): void {
  const off = sel & 0xfff8;
  if (off === 0 || off > GUEST_GDT_MAX_LIMIT - 7) return;
  if (!copyGuestDescriptor(g, (gdtBase + off) | 0, scratch)) return;
  mem.write32(SHADOW_GDT + off, scratch.lo);
  mem.write32(SHADOW_GDT + off + 4, scratch.hi);
}

function copyGuestDescriptor(g: GuestAccess, lin: number, out: Desc): boolean {
  let lo: number;
  let hi: number;
  try {
    lo = g.read32(lin);
    hi = g.read32((lin + 4) | 0);
  } catch (e) {
    if (e instanceof Error) throw e;
    return false; // a guest page fault: leave the slot null
  }
  compressDescriptor(lo, hi, out);
  return true;
}

/**
 * Reads the guest's own descriptor for `sel` from its virtual GDT/LDT (false beyond the table's limit, as
 * the processor's descriptor fetch fails). A guest page fault propagates (the caller reflects it).
 */
export function guestDescriptor(g: GuestAccess, sel: number, out: Desc): boolean {
  const v = g.v;
  let base: number;
  let limit: number;
  if ((sel & 4) !== 0) {
    if ((v.ldtr.sel & 0xfffc) === 0) return false;
    base = v.ldtr.base;
    limit = v.ldtr.limit >>> 0;
  } else {
    base = v.gdtrBase;
    limit = v.gdtrLimit >>> 0;
  }
  const off = sel & 0xfff8;
  if (off + 7 > limit) return false;
  out.lo = g.read32((base + off) | 0);
  out.hi = g.read32((base + off + 4) | 0);
  return true;
}

/** The shadow descriptor the real processor would load for `sel` (from host memory). */
export function shadowDescriptor(mem: PhysicalMemory, sel: number, out: Desc): void {
  const table = (sel & 4) !== 0 ? SHADOW_LDT : SHADOW_GDT;
  const off = table + (sel & 0xfff8);
  out.lo = mem.read32(off);
  out.hi = mem.read32(off + 4);
}

/**
 * Loads segment register `seg` of the real processor with `sel` from the shadow table, as the VMM's return
 * to the guest (an IRET from ring 0) would: the descriptor's accessed bit is set, CS also sets the CPL to
 * the selector's RPL.
 */
export function loadRealSegment(c: Cpu, mem: PhysicalMemory, seg: number, sel: number): void {
  shadowDescriptor(mem, sel, scratch);
  const table = (sel & 4) !== 0 ? SHADOW_LDT : SHADOW_GDT;
  if ((scratch.hi & 0x100) === 0) mem.write32(table + (sel & 0xfff8) + 4, scratch.hi | 0x100);
  const ar = descAr(scratch.hi) | 1;
  c.setSegCache(seg, sel, descBase(scratch.lo, scratch.hi), descLimit(scratch.lo, scratch.hi), ar);
  if (seg === Seg.CS) {
    if (c.cpl !== (sel & 3)) c.setCpl(sel & 3);
    c.updateModes();
  }
  c.stop = 1;
}

/** Loads a segment register with a flat descriptor of `dpl` truncated below the hole (SYSENTER/SYSEXIT). */
export function loadFlatSegment(c: Cpu, seg: number, sel: number, dpl: number, code: boolean): void {
  const [lo, hi] = flatDescriptor(dpl, code);
  compressDescriptor(lo, hi, scratch);
  c.setSegCache(seg, sel, 0, descLimit(scratch.lo, scratch.hi), descAr(scratch.hi) | 1);
  if (seg === Seg.CS) {
    if (c.cpl !== (sel & 3)) c.setCpl(sel & 3);
    c.updateModes();
  }
  c.stop = 1;
}

/** The null state of a data segment register (unusable). */
export function loadNullReal(c: Cpu, seg: number, sel: number): void {
  c.setSegCache(seg, sel, 0, 0, Ar.UNUSABLE);
}
