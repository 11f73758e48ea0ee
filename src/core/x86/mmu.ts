/**
 * Page walks: 32-bit paging and PAE paging (SDM Vol. 3A §4.3, §4.4), permission checks (§4.6), accessed and
 * dirty flags (§4.8), page-fault error codes (§4.7). In VMX non-root operation with "enable EPT", every
 * guest-physical address — the paging-structure entries and the final page — is translated through EPT
 * (SDM Vol. 3C §28.2), which may end the instruction with an EPT violation or misconfiguration VM exit.
 *
 * A successful walk fills the TLB with the combined linear → host-physical translation and the
 * permissions both levels allow.
 */
import { Cr0, Cr4 } from './arch.ts';
import { Acc, Perm, type Cpu } from './cpu.ts';
import { eptTranslate, eptResult } from '../vmx/ept.ts';

const PTE_P = 1;
const PTE_RW = 2;
const PTE_US = 4;
const PTE_A = 0x20;
const PTE_D = 0x40;
const PTE_PS = 0x80;
const PTE_G = 0x100;

/** #PF error-code bits (SDM Vol. 3A §4.7). */
export const enum PfErr {
  P = 1,
  W = 2,
  U = 4,
  RSVD = 8,
  I = 16,
}

function pageFault(c: Cpu, lin: number, acc: number, bits: number): never {
  const user = acc <= Acc.FETCH && c.cpl === 3;
  let ec = bits;
  if (acc === Acc.WRITE || acc === Acc.WRITE_SUP) ec |= PfErr.W;
  if (user) ec |= PfErr.U;
  // I/D is reported for instruction fetches only when execute-disable is in use (SDM Vol. 3A §4.7).
  if (acc === Acc.FETCH && c.nxEnabled) ec |= PfErr.I;
  return c.pf(lin, ec);
}

/** Guest-physical → host-physical for a paging-structure access (EPT when active). */
function structAddr(c: Cpu, gpa: number, write: boolean, lin: number): number {
  if (!(c.vmx.nonRoot && c.vmx.eptEnabled)) return gpa;
  return eptTranslate(c, gpa, write ? Acc.WRITE : Acc.READ, lin, true, false);
}

/** Translates `lin` for `acc` the slow way, fills the TLB, and returns the host-physical address. */
export function walk(c: Cpu, lin: number, acc: number): number {
  const ept = c.vmx.nonRoot && c.vmx.eptEnabled;
  const offset = lin & 0xfff;
  if (!c.pagingEnabled) {
    // Guest paging off under EPT (unrestricted guest, or a VMM identity map): linear = guest-physical.
    const gpa = lin >>> 0;
    const hpa = eptTranslate(c, gpa, acc, lin, true, true);
    c.tlbInsert(lin, hpa - offset, eptPermToTlb(eptResult.perm));
    return hpa;
  }
  const user = acc <= Acc.FETCH && c.cpl === 3;
  const write = acc === Acc.WRITE || acc === Acc.WRITE_SUP;
  const fetch = acc === Acc.FETCH;
  const wp = (c.cr0 & Cr0.WP) !== 0;
  const mem = c.mem;

  let frame: number; // guest-physical page base
  let pageMask: number; // offset bits within the page
  let allowW: boolean;
  let allowU: boolean;
  let allowX = true;
  let global = false;
  let dirty: boolean;

  if (!c.paeEnabled) {
    // ---- 32-bit paging (SDM Vol. 3A §4.3)
    const pdeGpa = ((c.cr3 & 0xfffff000) >>> 0) + ((lin >>> 22) << 2);
    const pdeHpa = structAddr(c, pdeGpa, false, lin);
    let pde = mem.read32(pdeHpa);
    if ((pde & PTE_P) === 0) pageFault(c, lin, acc, 0);
    if ((pde & PTE_PS) !== 0 && (c.cr4 & Cr4.PSE) !== 0) {
      // 4-MByte page (SDM Vol. 3A Table 4-4): bits (M–19):13 are physical-address bits (M–1):32 and bits
      // 21:(M–20) are reserved, where M = min(40, MAXPHYADDR) with PSE-36 and 32 without it (§4.1.4).
      const m = pse36Width(c);
      const hiBits = m - 32; // address bits above 4 GiB held in PDE bits 13 upwards
      if ((pde & 0x003fe000 & ~(((1 << hiBits) - 1) << 13)) !== 0) pageFault(c, lin, acc, PfErr.P | PfErr.RSVD);
      allowW = (pde & PTE_RW) !== 0;
      allowU = (pde & PTE_US) !== 0;
      checkAccess(c, lin, acc, user, write, fetch, allowW, allowU, true, wp);
      const need = PTE_A | (write ? PTE_D : 0);
      if ((pde & need) !== need) {
        pde |= need;
        mem.write32(structAddr(c, pdeGpa, true, lin), pde);
      }
      dirty = (pde & PTE_D) !== 0;
      global = (pde & PTE_G) !== 0 && (c.cr4 & Cr4.PGE) !== 0;
      frame = ((pde & 0xffc00000) >>> 0) + ((pde >>> 13) & ((1 << hiBits) - 1)) * 0x100000000;
      pageMask = 0x3fffff;
    } else {
      const pteGpa = ((pde & 0xfffff000) >>> 0) + (((lin >>> 12) & 0x3ff) << 2);
      const pteHpa = structAddr(c, pteGpa, false, lin);
      let pte = mem.read32(pteHpa);
      if ((pte & PTE_P) === 0) pageFault(c, lin, acc, 0);
      allowW = (pde & PTE_RW) !== 0 && (pte & PTE_RW) !== 0;
      allowU = (pde & PTE_US) !== 0 && (pte & PTE_US) !== 0;
      checkAccess(c, lin, acc, user, write, fetch, allowW, allowU, true, wp);
      if ((pde & PTE_A) === 0) {
        pde |= PTE_A;
        mem.write32(structAddr(c, pdeGpa, true, lin), pde);
      }
      const need = PTE_A | (write ? PTE_D : 0);
      if ((pte & need) !== need) {
        pte |= need;
        mem.write32(structAddr(c, pteGpa, true, lin), pte);
      }
      dirty = (pte & PTE_D) !== 0;
      global = (pte & PTE_G) !== 0 && (c.cr4 & Cr4.PGE) !== 0;
      frame = (pte & 0xfffff000) >>> 0;
      pageMask = 0xfff;
    }
  } else {
    // ---- PAE paging (SDM Vol. 3A §4.4)
    const nxe = c.nxEnabled;
    const rsvdHi = paeReservedHigh(c, nxe);
    const slot = (lin >>> 30) & 3;
    const pdpteLo = c.pdpte[slot * 2];
    const pdpteHi = c.pdpte[slot * 2 + 1];
    if ((pdpteLo & PTE_P) === 0) pageFault(c, lin, acc, 0);
    const pdeGpa = ((pdpteLo & 0xfffff000) >>> 0) + (pdpteHi & 0xfffff) * 0x100000000 + ((lin >>> 21) & 0x1ff) * 8;
    const pdeHpa = structAddr(c, pdeGpa, false, lin);
    let pdeLo = mem.read32(pdeHpa);
    const pdeHi = mem.read32(pdeHpa + 4);
    if ((pdeLo & PTE_P) === 0) pageFault(c, lin, acc, 0);
    if ((pdeHi & rsvdHi) !== 0) pageFault(c, lin, acc, PfErr.P | PfErr.RSVD);
    let xd = nxe && pdeHi < 0;
    if ((pdeLo & PTE_PS) !== 0) {
      // 2-MByte page: bits 20:13 reserved (SDM Vol. 3A Table 4-9).
      if ((pdeLo & 0x001fe000) !== 0) pageFault(c, lin, acc, PfErr.P | PfErr.RSVD);
      allowW = (pdeLo & PTE_RW) !== 0;
      allowU = (pdeLo & PTE_US) !== 0;
      allowX = !xd;
      checkAccess(c, lin, acc, user, write, fetch, allowW, allowU, allowX, wp);
      const need = PTE_A | (write ? PTE_D : 0);
      if ((pdeLo & need) !== need) {
        pdeLo |= need;
        mem.write32(structAddr(c, pdeGpa, true, lin), pdeLo);
      }
      dirty = (pdeLo & PTE_D) !== 0;
      global = (pdeLo & PTE_G) !== 0 && (c.cr4 & Cr4.PGE) !== 0;
      frame = ((pdeLo & 0xffe00000) >>> 0) + (pdeHi & 0xfffff) * 0x100000000;
      pageMask = 0x1fffff;
    } else {
      const pteGpa = ((pdeLo & 0xfffff000) >>> 0) + (pdeHi & 0xfffff) * 0x100000000 + ((lin >>> 12) & 0x1ff) * 8;
      const pteHpa = structAddr(c, pteGpa, false, lin);
      let pteLo = mem.read32(pteHpa);
      const pteHi = mem.read32(pteHpa + 4);
      if ((pteLo & PTE_P) === 0) pageFault(c, lin, acc, 0);
      if ((pteHi & rsvdHi) !== 0) pageFault(c, lin, acc, PfErr.P | PfErr.RSVD);
      xd = xd || (nxe && pteHi < 0);
      allowW = (pdeLo & PTE_RW) !== 0 && (pteLo & PTE_RW) !== 0;
      allowU = (pdeLo & PTE_US) !== 0 && (pteLo & PTE_US) !== 0;
      allowX = !xd;
      checkAccess(c, lin, acc, user, write, fetch, allowW, allowU, allowX, wp);
      if ((pdeLo & PTE_A) === 0) {
        pdeLo |= PTE_A;
        mem.write32(structAddr(c, pdeGpa, true, lin), pdeLo);
      }
      const need = PTE_A | (write ? PTE_D : 0);
      if ((pteLo & need) !== need) {
        pteLo |= need;
        mem.write32(structAddr(c, pteGpa, true, lin), pteLo);
      }
      dirty = (pteLo & PTE_D) !== 0;
      global = (pteLo & PTE_G) !== 0 && (c.cr4 & Cr4.PGE) !== 0;
      frame = ((pteLo & 0xfffff000) >>> 0) + (pteHi & 0xfffff) * 0x100000000;
      pageMask = 0xfff;
    }
  }

  // Final guest-physical address of this 4-KByte page, then EPT for it.
  const pageGpa = frame + ((lin >>> 0) & pageMask & ~0xfff);
  let hpaPage = pageGpa;
  let eptPerm = 7;
  if (ept) {
    hpaPage = eptTranslate(c, pageGpa + offset, acc, lin, true, true) - offset;
    eptPerm = eptResult.perm;
  }
  let perm = Perm.R_SUP;
  if (allowU) perm |= Perm.R_USER;
  if (dirty) {
    if (allowW || !wp) perm |= Perm.W_SUP;
    if (allowW && allowU) perm |= Perm.W_USER;
  }
  if (allowX) {
    perm |= Perm.X_SUP;
    if (allowU) perm |= Perm.X_USER;
  }
  if (global) perm |= Perm.GLOBAL;
  if (pageMask !== 0xfff) perm |= PERM_LARGE;
  // EPT permissions narrow what the TLB may grant (SDM Vol. 3C §28.3.3: combined mappings).
  if ((eptPerm & 1) === 0) perm &= ~(Perm.R_SUP | Perm.R_USER);
  if ((eptPerm & 2) === 0) perm &= ~(Perm.W_SUP | Perm.W_USER);
  if ((eptPerm & 4) === 0) perm &= ~(Perm.X_SUP | Perm.X_USER);
  c.tlbInsert(lin, hpaPage, perm);
  return hpaPage + offset;
}

/**
 * TLB permission bit marking a 4-KByte slice of a larger page (4 MByte, or 2 MByte with PAE). The TLB caches
 * large pages as 4-KByte entries; INVLPG must still drop the whole page (see `invalidatePage`).
 */
export const PERM_LARGE = 128;

/**
 * INVLPG: invalidates the translation of the page containing `lin` — for a large page, every 4-KByte entry
 * cached for it: "If the paging structures map the linear address using a page larger than 4 KBytes and there
 * are multiple TLB entries for that page, the instruction invalidates all of them" (SDM Vol. 3A §4.10.4.1).
 * Entries of large pages elsewhere in the same 4-MByte region are dropped too (invalidating more is allowed).
 */
export function invalidatePage(c: Cpu, lin: number): void {
  c.flushTlbPage(lin);
  const region = lin >>> 22;
  const tags = c.tlbTag;
  const perms = c.tlbPerm;
  for (let k = 0; k < tags.length; k++) {
    const tag = tags[k];
    if (tag !== -1 && tag >>> 10 === region && (perms[k] & PERM_LARGE) !== 0) c.flushTlbPage(tag << 12);
  }
}

function checkAccess(
  c: Cpu,
  lin: number,
  acc: number,
  user: boolean,
  write: boolean,
  fetch: boolean,
  allowW: boolean,
  allowU: boolean,
  allowX: boolean,
  wp: boolean,
): void {
  // SDM Vol. 3A §4.6.1: user-mode accesses need U/S = 1 at every level; writes need R/W = 1 at every
  // level for user-mode accesses, and for supervisor-mode accesses when CR0.WP = 1. With execute-disable,
  // fetches need XD = 0 at every level.
  if (user && !allowU) pageFault(c, lin, acc, PfErr.P);
  if (write && !allowW && (user || wp)) pageFault(c, lin, acc, PfErr.P);
  if (fetch && !allowX) pageFault(c, lin, acc, PfErr.P);
}

/** Physical-address width of 4-MByte pages: min(40, MAXPHYADDR) with PSE-36 (CPUID.01H:EDX[17]), else 32. */
function pse36Width(c: Cpu): number {
  if ((c.model.cpuid(1, 0)[3] & (1 << 17)) === 0) return 32;
  return Math.max(32, Math.min(40, c.model.maxPhysAddr));
}

/** Reserved bits in the high dword of a PAE entry: above MAXPHYADDR, and bit 63 unless NXE (SDM Vol. 3A §4.4.2). */
function paeReservedHigh(c: Cpu, nxe: boolean): number {
  const width = Math.min(c.model.maxPhysAddr, 52);
  let mask = (0x7fffffff & ~((1 << (width - 32)) - 1)) | 0;
  if (width <= 32) mask = 0x7fffffff;
  if (!nxe) mask |= 0x80000000;
  return mask | 0;
}

/** Loads the four PDPTEs for PAE paging from CR3 (SDM Vol. 3A §4.4.1); #GP(0) if one has reserved bits set. */
export function loadPdptes(c: Cpu, cr3: number, into: Int32Array = c.pdpte): boolean {
  const base = (cr3 & 0xffffffe0) >>> 0;
  const rsvdHi = paeReservedHigh(c, true) & 0x7fffffff;
  const tmp = new Int32Array(8);
  for (let k = 0; k < 4; k++) {
    let pa = base + k * 8;
    if (c.vmx.nonRoot && c.vmx.eptEnabled) pa = eptTranslate(c, pa, Acc.READ, 0, false, false);
    const lo = c.mem.read32(pa);
    const hi = c.mem.read32(pa + 4);
    // Present PDPTEs: bits 2:1, 8:5 and bits above MAXPHYADDR are reserved.
    if ((lo & 1) !== 0 && ((lo & 0x1e6) !== 0 || (hi & rsvdHi) !== 0 || hi < 0)) return false;
    tmp[k * 2] = lo;
    tmp[k * 2 + 1] = hi;
  }
  into.set(tmp);
  return true;
}

function eptPermToTlb(p: number): number {
  let perm = 0;
  if ((p & 1) !== 0) perm |= Perm.R_SUP | Perm.R_USER;
  if ((p & 2) !== 0) perm |= Perm.W_SUP | Perm.W_USER;
  if ((p & 4) !== 0) perm |= Perm.X_SUP | Perm.X_USER;
  return perm;
}
