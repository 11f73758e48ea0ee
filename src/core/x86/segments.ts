/**
 * Segment descriptors: reading them from the GDT/LDT, decoding them into descriptor-cache form, and the
 * protection checks of loading a data or stack segment register (SDM Vol. 3A Ch. 3 and §5.5–5.8; the MOV,
 * POP and LDS/LES/LFS/LGS/LSS pseudocode of Vol. 2).
 */
import { Ar, Cr0, Seg } from './arch.ts';
import { Acc, type Cpu } from './cpu.ts';
import { inV86, loadV86Segment } from './v8086.ts';

/** Reads the 8-byte descriptor selected by `sel` into `c.descLo`/`c.descHi`. False when outside the table limit. */
export function fetchDescriptor(c: Cpu, sel: number): boolean {
  let base: number;
  let limit: number;
  if ((sel & 4) !== 0) {
    if ((c.segAr[Seg.LDTR] & Ar.UNUSABLE) !== 0 || (c.segSel[Seg.LDTR] & 0xfffc) === 0) return false;
    base = c.segBase[Seg.LDTR];
    limit = c.segLimit[Seg.LDTR] >>> 0;
  } else {
    base = c.gdtrBase;
    limit = c.gdtrLimit >>> 0;
  }
  const off = sel & 0xfff8;
  if (off + 7 > limit) return false;
  c.descLo = c.readLin32((base + off) | 0, Acc.READ_SUP);
  c.descHi = c.readLin32((base + off + 4) | 0, Acc.READ_SUP);
  return true;
}

/** Sets the accessed bit (type bit 0) of a code/data descriptor in memory, as the processor does on load. */
export function markAccessed(c: Cpu, sel: number): void {
  if ((c.descHi & 0x100) !== 0) return;
  c.descHi |= 0x100;
  const base = (sel & 4) !== 0 ? c.segBase[Seg.LDTR] : c.gdtrBase;
  c.writeLin32((base + (sel & 0xfff8) + 4) | 0, c.descHi, Acc.WRITE_SUP);
}

export function descBase(lo: number, hi: number): number {
  return ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) | 0;
}

/** Segment limit in bytes (scaled by G). */
export function descLimit(lo: number, hi: number): number {
  const raw = (lo & 0xffff) | (hi & 0xf0000);
  return (hi & 0x800000) !== 0 ? ((raw << 12) | 0xfff) | 0 : raw;
}

/** Access rights in VMX format: type/S/DPL/P from bits 15:8 of the high dword, AVL/L/DB/G from 23:20. */
export function descAr(hi: number): number {
  return (hi >>> 8) & 0xf0ff;
}

export function descDpl(hi: number): number {
  return (hi >>> 13) & 3;
}

export function isPresent(hi: number): boolean {
  return (hi & 0x8000) !== 0;
}

/** S = 1 and type bit 3 = 1. */
export function isCode(hi: number): boolean {
  return (hi & 0x1800) === 0x1800;
}

export function isData(hi: number): boolean {
  return (hi & 0x1800) === 0x1000;
}

/** The null-selector state of a data segment register in protected mode: unusable (SDM Vol. 3C §24.4.1). */
export function loadNullSegment(c: Cpu, seg: number, sel: number): void {
  c.setSegCache(seg, sel, 0, 0, Ar.UNUSABLE);
}

/**
 * Loads DS, ES, FS, GS or SS with protection checks (MOV Sreg / POP Sreg / Lxs pseudocode).
 * In real mode the base becomes selector × 16 and the limit and attributes stay (SDM Vol. 3A §20.1.1); in
 * virtual-8086 mode the register becomes a 64-KiB DPL-3 data segment at selector × 16 (§20.2.1).
 */
export function loadSegment(c: Cpu, seg: number, selector: number): void {
  const sel = selector & 0xffff;
  if ((c.cr0 & Cr0.PE) === 0) {
    c.setSegCache(seg, sel, sel << 4, c.segLimit[seg], (c.segAr[seg] & ~Ar.UNUSABLE) | Ar.P);
    return;
  }
  if (inV86(c)) {
    loadV86Segment(c, seg, sel); // virtual-8086 mode: no descriptor, no checks (SDM Vol. 3A §20.2.1)
    return;
  }
  const err = sel & 0xfffc;
  if (seg === Seg.SS) {
    if ((sel & 0xfffc) === 0) c.gp(0);
    if (!fetchDescriptor(c, sel)) c.gp(err);
    const hi = c.descHi;
    // RPL = CPL, writable data segment, DPL = CPL.
    if ((sel & 3) !== c.cpl || !isData(hi) || (hi & 0x200) === 0 || descDpl(hi) !== c.cpl) c.gp(err);
    if (!isPresent(hi)) c.ss(err);
    markAccessed(c, sel);
    c.setSegCache(seg, sel, descBase(c.descLo, c.descHi), descLimit(c.descLo, c.descHi), descAr(c.descHi));
    return;
  }
  if ((sel & 0xfffc) === 0) {
    loadNullSegment(c, seg, sel);
    return;
  }
  if (!fetchDescriptor(c, sel)) c.gp(err);
  const hi = c.descHi;
  const dpl = descDpl(hi);
  const rpl = sel & 3;
  // Must be data, or readable code; data and non-conforming code need RPL ≤ DPL and CPL ≤ DPL.
  if ((hi & 0x1000) === 0) c.gp(err);
  if (isCode(hi) && (hi & 0x200) === 0) c.gp(err);
  const conformingCode = isCode(hi) && (hi & 0x400) !== 0;
  if (!conformingCode && (rpl > dpl || c.cpl > dpl)) c.gp(err);
  if (!isPresent(hi)) c.np(err);
  markAccessed(c, sel);
  c.setSegCache(seg, sel, descBase(c.descLo, c.descHi), descLimit(c.descLo, c.descHi), descAr(c.descHi));
}

/**
 * After a return to an outer privilege level (RET far, IRET), data segment registers the new CPL may not
 * use are nulled (SDM Vol. 2 RET/IRET pseudocode: "FOR each of segment register ES, FS, GS, and DS").
 * The test reads the hidden part: a register holding a null selector (unusable, DPL 0 in its cache) is below
 * any outer CPL, so its selector becomes 0 too: a null DS with RPL 3 returns to ring 3 as 0000H (IRET pseudocode
 * "IF (SegmentSelector = NULL) OR …"; Bochs validate_seg_reg tests the cached DPL whatever the cache's validity).
 */
const DATA_SEGS = [Seg.ES, Seg.DS, Seg.FS, Seg.GS] as const;
export function nullifyInaccessibleSegments(c: Cpu): void {
  for (const seg of DATA_SEGS) {
    const ar = c.segAr[seg];
    const dpl = (ar >>> 5) & 3;
    if ((ar & Ar.UNUSABLE) !== 0) {
      if (dpl < c.cpl && c.segSel[seg] !== 0) c.setSegCache(seg, 0, c.segBase[seg], c.segLimit[seg], ar);
      continue;
    }
    const type = ar & 0xf;
    const dataOrNonConforming = (type & 8) === 0 || (type & 4) === 0;
    if (dataOrNonConforming && dpl < c.cpl) loadNullSegment(c, seg, 0);
  }
}

/** Loads CS with already-checked descriptor contents and makes `cpl` the new privilege level. */
export function setCodeSegment(c: Cpu, sel: number, lo: number, hi: number, cpl: number): void {
  c.setSegCache(Seg.CS, (sel & 0xfffc) | cpl, descBase(lo, hi), descLimit(lo, hi), descAr(hi) | 1);
  if (cpl !== c.cpl) c.setCpl(cpl);
  c.stop = 1;
}
