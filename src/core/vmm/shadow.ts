/**
 * Shadow paging: how a VMM virtualizes memory on VT-x processors without EPT (2005–2008).
 *
 * The guest keeps its own page tables (guest-linear → guest-physical); the processor can only use tables
 * that map to host-physical memory, so the VMM keeps a shadow page directory per vCPU that the real CR3
 * points at. The shadow acts as a software TLB for the guest's tables ("virtual TLB"): it starts empty;
 * every guest page fault is intercepted (exception bitmap bit 14); the VMM walks the guest tables, and
 * either fills the missing shadow entry (a "hidden" fault) or reflects a genuine #PF into the guest.
 * Guest MOV to CR3 (CR3-load exiting) empties it, INVLPG (INVLPG exiting) drops one entry — the same
 * events on which a real TLB may be flushed, which is why keeping a stale shadow entry until then is
 * architecturally correct (SDM Vol. 3A §4.10.4). This is the cost EPT removed.
 */
import type { PhysicalMemory } from '../x86/physical-memory.ts';
import { walkGuest, type GuestMemory } from './guest-memory.ts';
import type { PagePool } from './host.ts';

export const enum ShadowFault {
  /** The shadow had no entry: filled, the guest never sees this fault. */
  FILLED = 0,
  /** The guest's own tables do not allow the access: reflect #PF to the guest. */
  GUEST_FAULT = 1,
  /** The guest uses a paging mode this VMM does not shadow (PAE): stop the VM. */
  UNSUPPORTED = 2,
  /** The guest maps a page outside its memory: stop the VM. */
  OUTSIDE_MEMORY = 3,
}

export class ShadowMmu {
  /** Shadow page-table pages allocated per PDE index (host-physical), reused across flushes. */
  readonly tables = new Map<number, number>();
  fills = 0;
  flushes = 0;

  constructor(
    private readonly mem: PhysicalMemory,
    private readonly pool: PagePool,
    readonly guest: GuestMemory,
    /** The shadow page directory (host-physical): what the real CR3 holds. */
    readonly pd: number,
  ) {}

  /** Guest paging off: linear = guest-physical, mapped with 4-MiB pages straight onto the VM's block. */
  identityMap(): void {
    for (let k = 0; k < 1024; k++) {
      const gpa = k * 0x400000;
      this.mem.write32(this.pd + 4 * k, gpa < this.guest.size ? ((this.guest.base + gpa) | 0x87) | 0 : 0);
    }
    this.flushes++;
  }

  /** Empties the shadow (guest MOV to CR3 or a paging-mode change). */
  flush(): void {
    for (let k = 0; k < 1024; k++) this.mem.write32(this.pd + 4 * k, 0);
    this.flushes++;
  }

  /** Drops the shadow entry of one page (guest INVLPG). */
  invalidate(lin: number): void {
    const pdi = lin >>> 22;
    const pde = this.mem.read32(this.pd + 4 * pdi);
    if ((pde & 1) === 0) return;
    if ((pde & 0x80) !== 0) {
      this.mem.write32(this.pd + 4 * pdi, 0);
      return;
    }
    this.mem.write32(((pde & 0xfffff000) >>> 0) + ((lin >>> 12) & 0x3ff) * 4, 0);
  }

  /**
   * Handles an intercepted #PF at `lin` with the hardware error code. Returns FILLED when the access is
   * allowed by the guest's tables (the shadow now maps it), GUEST_FAULT with `guestErrorCode` otherwise.
   */
  fault(lin: number, errorCode: number, cr3: number, cr0: number, cr4: number): ShadowFault {
    const write = (errorCode & 2) !== 0;
    const user = (errorCode & 4) !== 0;
    const w = walkGuest(this.guest, cr3, cr0, cr4, lin, write, user);
    if (!w.ok) {
      if (w.errorCode < 0) return ShadowFault.UNSUPPORTED;
      this.guestErrorCode = w.errorCode;
      return ShadowFault.GUEST_FAULT;
    }
    const hpa = this.guest.hpa(w.gpa & ~0xfff);
    if (hpa < 0) return ShadowFault.OUTSIDE_MEMORY;
    const pdi = lin >>> 22;
    let pde = this.mem.read32(this.pd + 4 * pdi);
    if ((pde & 1) === 0 || (pde & 0x80) !== 0) {
      let table = this.tables.get(pdi);
      if (table === undefined) {
        table = this.pool.alloc();
        this.tables.set(pdi, table);
      } else this.mem.bytes.fill(0, table, table + 4096);
      pde = (table | 0x7) | 0; // permissions are decided at the PTE level
      this.mem.write32(this.pd + 4 * pdi, pde);
    }
    // The shadow PTE is writable only once the guest's entry is dirty, so the first write faults again and
    // sets the guest's D bit (the walk above did, for a write).
    const writable = w.writable && (w.dirty || write);
    let flags = 1 | (writable ? 2 : 0) | (w.user ? 4 : 0);
    // Guest CR0.WP = 0 lets supervisor code write read-only pages; the real WP stays 1, so such a page is
    // shadowed writable but supervisor-only, and a later user access faults and is refilled (KVM does the same).
    if (write && !user && !w.writable && (cr0 & 0x10000) === 0) flags = 1 | 2;
    this.mem.write32(((pde & 0xfffff000) >>> 0) + ((lin >>> 12) & 0x3ff) * 4, (hpa | flags) | 0);
    this.fills++;
    return ShadowFault.FILLED;
  }
  guestErrorCode = 0;
}
