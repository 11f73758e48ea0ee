/**
 * The VMM touching guest memory the way the guest's own processor would: a guest-linear address goes
 * through the guest's page tables (its virtual CR0/CR3/CR4, not the shadow tables the real CR3 points at),
 * setting accessed and dirty bits as hardware does (SDM Vol. 3A §4.8), and lands in the guest's block of
 * host memory. A failed walk is a guest page fault, which the VMM reflects; an address outside the guest's
 * memory stops the VM.
 *
 * Faults are signalled by throwing the preallocated `GUEST_FAULT` sentinel (as the interpreter does with its
 * abort sentinel); a condition the VMM cannot emulate throws `VmmStop` and the VM is stopped with its message.
 */
import { Cr0, Vec } from '../../x86/arch.ts';
import { walkGuest, type GuestMemory } from '../../vmm/guest-memory.ts';
import type { VirtualCpu } from './state.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

/** An exception the guest must see (the VMM reflects it). */
export class GuestFault {
  vector = 0;
  errorCode = -1;
  /** The linear address of a #PF. */
  cr2 = 0;
}
export const GUEST_FAULT = new GuestFault();

export function guestFault(vector: number, errorCode = -1, cr2 = 0): never {
  GUEST_FAULT.vector = vector;
  GUEST_FAULT.errorCode = errorCode;
  GUEST_FAULT.cr2 = cr2 | 0;
  throw GUEST_FAULT;
}

/** Something the VMM does not emulate, or a guest access outside its memory: the VM is stopped. */
export class VmmStop extends Error {}

export class GuestAccess {
  constructor(
    readonly gm: GuestMemory,
    /** The virtual processor state (replaced on restore). */
    public v: VirtualCpu,
  ) {}

  /** Host-physical address of guest-linear `lin` for an access (`user`: a CPL-3 access, SDM Vol. 3A §4.6). */
  translate(lin: number, write: boolean, user: boolean): number {
    const l = lin >>> 0;
    const v = this.v;
    let gpa: number;
    if ((v.cr0 & Cr0.PG) === 0) gpa = l;
    else {
      const w = walkGuest(this.gm, v.cr3, v.cr0, v.cr4, l, write, user);
      if (!w.ok) {
        if (w.errorCode < 0) throw new VmmStop(t('methods.teGuestAccess.theGuestUsesPae'));
        guestFault(Vec.PF, w.errorCode, l);
      }
      gpa = w.gpa;
    }
    const hpa = this.gm.hpa(gpa);
    if (hpa < 0) throw new VmmStop(t('methods.teGuestAccess.theGuestAccessedGuestPhysical', { address: (gpa >>> 0).toString(16), mib: this.gm.size / 1048576 }));
    return hpa;
  }

  read8(lin: number, user = false): number {
    return this.gm.mem.read8(this.translate(lin, false, user));
  }
  read16(lin: number, user = false): number {
    if ((lin & 0xfff) === 0xfff) return this.read8(lin, user) | (this.read8(lin + 1, user) << 8);
    return this.gm.mem.read16(this.translate(lin, false, user));
  }
  read32(lin: number, user = false): number {
    if ((lin & 0xfff) > 0xffc) return (this.read16(lin, user) | (this.read16(lin + 2, user) << 16)) | 0;
    return this.gm.mem.read32(this.translate(lin, false, user));
  }
  /** Translates every byte of [lin, lin + size) for writing before anything is written (no partial writes). */
  private checkWrite(lin: number, size: number, user: boolean): void {
    this.translate(lin, true, user);
    if (((lin & 0xfff) + size - 1) > 0xfff) this.translate((lin + size - 1) | 0, true, user);
  }
  write8(lin: number, v: number, user = false): void {
    this.gm.mem.write8(this.translate(lin, true, user), v & 0xff);
  }
  write16(lin: number, v: number, user = false): void {
    this.checkWrite(lin, 2, user);
    if ((lin & 0xfff) === 0xfff) {
      this.write8(lin, v, user);
      this.write8(lin + 1, v >>> 8, user);
      return;
    }
    this.gm.mem.write16(this.translate(lin, true, user), v & 0xffff);
  }
  write32(lin: number, v: number, user = false): void {
    this.checkWrite(lin, 4, user);
    if ((lin & 0xfff) > 0xffc) {
      for (let k = 0; k < 4; k++) this.write8(lin + k, v >>> (8 * k), user);
      return;
    }
    this.gm.mem.write32(this.translate(lin, true, user), v);
  }
}
