/**
 * Guest memory as the VMM manages it: one contiguous block of host memory per VM (guest-physical 0 is at
 * `base`), EPT structures that map it lazily — the first touch of each page is an EPT violation the VMM
 * answers by mapping the page (SDM Vol. 3C §28.2) — and a software walk of the guest's own page tables,
 * which the VMM needs to emulate instructions that name guest-linear addresses.
 */
import type { PhysicalMemory } from '../x86/physical-memory.ts';
import type { PagePool } from './host.ts';

/** EPT entry bits (SDM Vol. 3C Tables 28-1..28-6): read, write, execute, and memory type WB in a leaf. */
const EPT_RWX = 7;
const EPT_MEMTYPE_WB = 6 << 3;

export class GuestMemory {
  constructor(
    readonly mem: PhysicalMemory,
    /** Host-physical address of guest-physical 0 (4-MiB aligned). */
    readonly base: number,
    /** Guest RAM size in bytes. */
    readonly size: number,
  ) {}

  /** Host-physical address for a guest-physical one, or -1 outside guest RAM. */
  hpa(gpa: number): number {
    return gpa >= 0 && gpa < this.size ? this.base + gpa : -1;
  }
  read32(gpa: number): number {
    const h = this.hpa(gpa);
    return h < 0 ? -1 : this.mem.read32(h);
  }
  write32(gpa: number, v: number): void {
    const h = this.hpa(gpa);
    if (h >= 0) this.mem.write32(h, v);
  }
  read8(gpa: number): number {
    const h = this.hpa(gpa);
    return h < 0 ? 0xff : this.mem.read8(h);
  }
  write8(gpa: number, v: number): void {
    const h = this.hpa(gpa);
    if (h >= 0) this.mem.write8(h, v);
  }
  load(gpa: number, bytes: Uint8Array): void {
    if (gpa < 0 || gpa + bytes.length > this.size) throw new RangeError(`program of ${bytes.length} bytes at 0x${gpa.toString(16)} does not fit in ${this.size} bytes of guest memory`);
    this.mem.load(this.base + gpa, bytes);
  }
}

/** 4-level EPT paging structures built by the VMM. */
export class Ept {
  readonly pml4: number;
  /** Pages mapped so far (for statistics). */
  mappedPages = 0;

  constructor(
    private readonly mem: PhysicalMemory,
    private readonly pool: PagePool,
    existingPml4 = -1,
  ) {
    this.pml4 = existingPml4 >= 0 ? existingPml4 : pool.alloc();
  }

  /** The EPTP: WB memory type, 4-level walk (SDM Vol. 3C §24.6.11). */
  eptp(): number {
    return (this.pml4 | 6 | (3 << 3)) >>> 0; // bits 2:0 memory type WB (6), bits 5:3 walk length − 1
  }

  private next(table: number, index: number): number {
    const e = table + index * 8;
    const lo = this.mem.read32(e);
    if ((lo & EPT_RWX) !== 0) return (lo & 0xfffff000) >>> 0;
    const page = this.pool.alloc();
    this.mem.write32(e, page | EPT_RWX);
    this.mem.write32(e + 4, 0);
    return page;
  }

  /** Maps one 4-KiB guest-physical page to a host-physical page with read/write/execute access. */
  map4k(gpa: number, hpa: number, perms = EPT_RWX): void {
    const pdpt = this.next(this.pml4, Math.floor(gpa / 2 ** 39) & 0x1ff);
    const pd = this.next(pdpt, Math.floor(gpa / 2 ** 30) & 0x1ff);
    const pt = this.next(pd, (gpa >>> 21) & 0x1ff);
    const e = pt + ((gpa >>> 12) & 0x1ff) * 8;
    if ((this.mem.read32(e) & EPT_RWX) === 0) this.mappedPages++;
    this.mem.write32(e, ((hpa & 0xfffff000) | EPT_MEMTYPE_WB | perms) >>> 0);
    this.mem.write32(e + 4, Math.floor(hpa / 0x100000000));
  }

  /** Removes a page's mapping (so the next access exits again). */
  unmap4k(gpa: number): void {
    const lo = (t: number, i: number): number => this.mem.read32(t + i * 8);
    const l4 = lo(this.pml4, Math.floor(gpa / 2 ** 39) & 0x1ff);
    if ((l4 & 7) === 0) return;
    const l3 = lo((l4 & 0xfffff000) >>> 0, Math.floor(gpa / 2 ** 30) & 0x1ff);
    if ((l3 & 7) === 0) return;
    const l2 = lo((l3 & 0xfffff000) >>> 0, (gpa >>> 21) & 0x1ff);
    if ((l2 & 7) === 0) return;
    const e = ((l2 & 0xfffff000) >>> 0) + ((gpa >>> 12) & 0x1ff) * 8;
    if ((this.mem.read32(e) & 7) !== 0) this.mappedPages--;
    this.mem.write32(e, 0);
    this.mem.write32(e + 4, 0);
  }
}

/** Result of a software walk of the guest's page tables. */
export interface GuestWalk {
  ok: boolean;
  gpa: number;
  /** #PF error code the guest should see when !ok (P, W, U bits as SDM Vol. 3A §4.7). */
  errorCode: number;
  writable: boolean;
  user: boolean;
  /** Guest-physical address of the leaf entry (for setting A/D) and whether it maps a 4-MiB page. */
  leafGpa: number;
  large: boolean;
  dirty: boolean;
}

/**
 * Walks the guest's 32-bit page tables (the VMM reading guest memory, as KVM's gva_to_gpa does). `user` and
 * `write` describe the access for the permission check; A and D bits are set as the hardware would.
 * PAE guests are reported as not walkable (ok = false, errorCode = -1).
 */
export function walkGuest(g: GuestMemory, cr3: number, cr0: number, cr4: number, lin: number, write: boolean, user: boolean): GuestWalk {
  const out: GuestWalk = { ok: false, gpa: -1, errorCode: 0, writable: true, user: true, leafGpa: -1, large: false, dirty: false };
  if ((cr0 & 0x80000000) === 0) {
    out.ok = true;
    out.gpa = lin >>> 0;
    return out;
  }
  if ((cr4 & 0x20) !== 0) {
    out.errorCode = -1;
    return out;
  }
  const ecBase = (write ? 2 : 0) | (user ? 4 : 0);
  const pdeGpa = ((cr3 & 0xfffff000) >>> 0) + ((lin >>> 22) << 2);
  let pde = g.read32(pdeGpa);
  if ((pde & 1) === 0) {
    out.errorCode = ecBase;
    return out;
  }
  const wp = (cr0 & 0x10000) !== 0;
  if ((pde & 0x80) !== 0 && (cr4 & 0x10) !== 0) {
    const w = (pde & 2) !== 0;
    const u = (pde & 4) !== 0;
    if ((user && !u) || (write && !w && (user || wp))) {
      out.errorCode = ecBase | 1;
      return out;
    }
    pde |= 0x20 | (write ? 0x40 : 0);
    g.write32(pdeGpa, pde);
    out.ok = true;
    out.gpa = ((pde & 0xffc00000) >>> 0) + (lin & 0x3fffff);
    out.writable = w;
    out.user = u;
    out.leafGpa = pdeGpa;
    out.large = true;
    out.dirty = (pde & 0x40) !== 0;
    return out;
  }
  const pteGpa = ((pde & 0xfffff000) >>> 0) + (((lin >>> 12) & 0x3ff) << 2);
  let pte = g.read32(pteGpa);
  if ((pte & 1) === 0) {
    out.errorCode = ecBase;
    return out;
  }
  const w = (pde & 2) !== 0 && (pte & 2) !== 0;
  const u = (pde & 4) !== 0 && (pte & 4) !== 0;
  if ((user && !u) || (write && !w && (user || wp))) {
    out.errorCode = ecBase | 1;
    return out;
  }
  if ((pde & 0x20) === 0) g.write32(pdeGpa, pde | 0x20);
  pte |= 0x20 | (write ? 0x40 : 0);
  g.write32(pteGpa, pte);
  out.ok = true;
  out.gpa = ((pte & 0xfffff000) >>> 0) + (lin & 0xfff);
  out.writable = w;
  out.user = u;
  out.leafGpa = pteGpa;
  out.dirty = (pte & 0x40) !== 0;
  return out;
}
