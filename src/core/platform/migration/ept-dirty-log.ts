/**
 * Dirty-page logging for a VM on the VMX core, by EPT write protection — the way KVM logs dirty pages on
 * processors without EPT accessed/dirty flags or PML (Linux arch/x86/kvm: `kvm_mmu_slot_remove_write_access`
 * when logging starts; a write then causes an EPT violation, the fault handler marks the page in the slot's
 * dirty bitmap and makes it writable again; KVM_GET_DIRTY_LOG returns the bitmap and write-protects the pages it
 * reported — Documentation/virt/kvm/api.rst "KVM_GET_DIRTY_LOG"). Clark et al. (usage-models.md §B1) did the
 * same with Xen's shadow page tables ("log-dirty" mode).
 *
 * Mechanism on this core (SDM Vol. 3C §28.2.3.2): a guest write to a page whose EPT leaf has bit 1 (write) clear
 * is an EPT violation (exit reason 48) with exit-qualification bit 1 set (data write) and bits 5:3 giving the
 * permissions of the translation (bit 3 = readable: the page is present, only write-protected). The log sees the
 * exit through the hypervisor's `beforeExitHandler` observer and the VMM's own EPT-violation handler then maps
 * the page read/write/execute again, so each page costs one exit per logging round, however often it is written.
 * Write-protecting an entry requires dropping cached translations (SDM Vol. 3C §28.3.3: INVEPT), here a flush
 * of every processor's TLB.
 */
import type { Hypervisor } from '../../vmm/hypervisor.ts';
import type { Vm } from '../../vmm/vm.ts';
import { VmExitReason } from '../../vmx/spec/exit-reasons.ts';
import { VmcsField as F } from '../../vmx/spec/fields.ts';
import { vmr } from '../../vmm/vmcs-access.ts';
import type { DirtyPageSource } from './dirty.ts';
import { PAGE_SIZE } from './units.ts';

/** EPT leaf permissions: bit 0 read, bit 1 write, bit 2 execute (SDM Vol. 3C §28.2.2, Table 28-6). */
const EPT_READ_EXECUTE = 0b101;
/** Exit-qualification bits of an EPT violation (SDM Vol. 3C Table 27-7). */
const QUAL_DATA_WRITE = 1 << 1;
const QUAL_READABLE = 1 << 3;

export class EptDirtyLog {
  readonly pageCount: number;
  /** Pages written since the last `collect` (bit (p & 7) of byte (p >> 3), KVM's layout). */
  private readonly log: Uint8Array;
  /** EPT violations taken for logging (each a VM exit and a handler run). */
  faults = 0;
  private active = false;

  constructor(
    private readonly hv: Hypervisor,
    private readonly vm: Vm,
  ) {
    if (vm.ept === null) throw new TypeError('dirty logging by EPT write protection needs a VM that uses EPT');
    this.pageCount = Math.floor(vm.mem.size / PAGE_SIZE);
    this.log = new Uint8Array((this.pageCount + 7) >>> 3);
  }

  /** Starts logging: every guest page mapped read/execute only, translations flushed, the exit observer installed. */
  start(): void {
    if (this.active) return;
    if (this.hv.beforeExitHandler !== null) throw new Error('another exit observer is installed');
    this.active = true;
    this.hv.beforeExitHandler = (c, v, basic) => {
      if (basic !== VmExitReason.EPT_VIOLATION || v.vm !== this.vm) return;
      const qual = vmr(c, F.EXIT_QUALIFICATION);
      if ((qual & QUAL_DATA_WRITE) === 0 || (qual & QUAL_READABLE) === 0) return; // first touch, not a logged write
      const page = Math.floor((vmr(c, F.GUEST_PHYSICAL_ADDRESS) >>> 0) / PAGE_SIZE);
      if (page >= this.pageCount) return;
      this.log[page >>> 3] |= 1 << (page & 7);
      this.faults++;
    };
    for (let p = 0; p < this.pageCount; p++) this.protect(p);
    this.flush();
  }

  /** Stops logging (the pages stay protected until written once more; the VMM's handler unprotects them). */
  stop(): void {
    if (!this.active) return;
    this.active = false;
    this.hv.beforeExitHandler = null;
  }

  /**
   * KVM_GET_DIRTY_LOG: the pages written since the previous call; clears the log and write-protects those
   * pages again. The returned array is a copy.
   */
  collect(): Uint8Array {
    const out = this.log.slice();
    for (let i = 0; i < this.log.length; i++) {
      let b = this.log[i];
      if (b === 0) continue;
      this.log[i] = 0;
      while (b !== 0) {
        const bit = 31 - Math.clz32(b & -b);
        this.protect(i * 8 + bit);
        b &= b - 1;
      }
    }
    this.flush();
    return out;
  }

  private protect(page: number): void {
    const gpa = page * PAGE_SIZE;
    this.vm.ept!.map4k(gpa, this.vm.mem.hpa(gpa), EPT_READ_EXECUTE);
  }

  private flush(): void {
    for (const c of this.hv.cpus) c.flushTlbAll();
  }
}

/** A `DirtyPageSource` over a log whose guest is advanced by `runGuest(seconds)` before each collection. */
export function logSource(log: EptDirtyLog, runGuest: (seconds: number) => void): DirtyPageSource {
  return {
    pageCount: log.pageCount,
    nextRoundDirtyPages(guestSeconds: number): Uint8Array {
      runGuest(guestSeconds);
      return log.collect();
    },
  };
}
