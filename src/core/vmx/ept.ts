/**
 * EPT translation: guest-physical → host-physical through the 4-level EPT paging structures
 * (SDM Vol. 3C §28.2.2), with EPT misconfigurations (§28.2.3.1) and EPT violations (§28.2.3.2) ending the
 * guest's instruction in a VM exit. The exit qualification of an EPT violation follows SDM Vol. 3C
 * Table 27-7: access type in bits 2:0, the AND of the R/W/X bits of the entries walked in 5:3, whether the
 * guest-linear address is valid (bit 7) and whether the access was to the final translation (bit 8).
 */
import { Acc, type Cpu } from '../x86/cpu.ts';
import { VmExitReason } from './spec/exit-reasons.ts';
import { vmExit } from './exit.ts';

/** Permissions (bit 0 R, bit 1 W, bit 2 X) of the last successful translation. No allocation per walk. */
export const eptResult = { perm: 7 };

/** Memory types that are valid in a leaf EPT entry (SDM Vol. 3C §28.2.6.1): UC, WC, WT, WP, WB. */
const VALID_MEMTYPE = [true, true, false, false, true, true, true, false];

/** Capability bits the walker honours (from IA32_VMX_EPT_VPID_CAP). */
function capBit(c: Cpu, bit: number): boolean {
  const cap = c.model.capabilityMsr(0x48c);
  if (cap === undefined) return false;
  return bit < 32 ? ((cap.lo >>> bit) & 1) !== 0 : ((cap.hi >>> (bit - 32)) & 1) !== 0;
}

/**
 * Translates a guest-physical address. `acc` is the access kind (Acc.READ/WRITE/FETCH or the supervisor
 * variants); `lin` the guest-linear address when `linValid`; `final` is true for the access's own
 * translation and false for an access to a guest paging-structure entry.
 */
export function eptTranslate(c: Cpu, gpa: number, acc: number, lin: number, linValid: boolean, final: boolean): number {
  const mem = c.mem;
  const maxPhys = c.model.maxPhysAddr;
  let table = ((c.vmx.eptpLo & 0xfffff000) >>> 0) + (c.vmx.eptpHi & 0xfffff) * 0x100000000;
  let permAnd = 7;
  const execOnly = capBit(c, 0);
  const page2M = capBit(c, 16);
  const page1G = capBit(c, 17);
  for (let level = 4; level >= 1; level--) {
    const shift = 12 + 9 * (level - 1);
    const index = Math.floor(gpa / 2 ** shift) & 0x1ff;
    const ea = table + index * 8;
    const lo = mem.read32(ea);
    const hi = mem.read32(ea + 4);
    const rwx = lo & 7;
    if (rwx === 0) {
      // Not present: EPT violation (a reserved bit in a non-present entry is ignored: KUT ept_reserved_bit).
      return violation(c, gpa, acc, lin, linValid, final, 0);
    }
    // ---- misconfigurations (SDM Vol. 3C §28.2.3.1)
    if ((rwx & 3) === 2 || (rwx === 4 && !execOnly)) return misconfig(c, gpa);
    const hiRsvd = maxPhys >= 52 ? 0 : (0x000fffff & ~((1 << Math.max(0, maxPhys - 32)) - 1)) | 0;
    if ((hi & hiRsvd) !== 0) return misconfig(c, gpa);
    const large = (lo & 0x80) !== 0;
    const leaf = level === 1 || (large && ((level === 2 && page2M) || (level === 3 && page1G)));
    if (large && level === 4) return misconfig(c, gpa);
    if (large && !leaf) return misconfig(c, gpa);
    if (!leaf && (lo & 0x78) !== 0) return misconfig(c, gpa); // bits 6:3 reserved in non-leaf entries (7 checked above)
    if (leaf) {
      if (!VALID_MEMTYPE[(lo >>> 3) & 7]) return misconfig(c, gpa);
      if (level === 2 && (lo & 0x1ff000) !== 0) return misconfig(c, gpa);
      if (level === 3 && (lo & 0x3ffff000) !== 0) return misconfig(c, gpa);
    }
    permAnd &= rwx;
    if (leaf) {
      const pageSize = 2 ** shift;
      const frame = ((lo & 0xfffff000) >>> 0) + (hi & 0xfffff) * 0x100000000;
      const base = frame - (frame % pageSize);
      const need = acc === Acc.WRITE || acc === Acc.WRITE_SUP ? 2 : acc === Acc.FETCH ? 4 : 1;
      if ((permAnd & need) === 0) return violation(c, gpa, acc, lin, linValid, final, permAnd);
      eptResult.perm = permAnd;
      return base + (gpa % pageSize);
    }
    table = ((lo & 0xfffff000) >>> 0) + (hi & 0xfffff) * 0x100000000;
  }
  return misconfig(c, gpa);
}

function violation(c: Cpu, gpa: number, acc: number, lin: number, linValid: boolean, final: boolean, permAnd: number): never {
  let q = 0;
  const write = acc === Acc.WRITE || acc === Acc.WRITE_SUP;
  if (write) q |= 2;
  else if (acc === Acc.FETCH) q |= 4;
  else q |= 1;
  // The only writes to a guest paging-structure entry (bit 8 = 0) are the walker's accessed/dirty updates, a locked
  // read-modify-write: with EPT A/D flags off (no model here enables them) they are reported as read and write
  // (kvm-unit-tests ept_access_test_paddr_read_only_ad_disabled: "a read+write if the A/D bits have to be set").
  if (write && linValid && !final) q |= 1;
  q |= (permAnd & 7) << 3;
  if (linValid) {
    q |= 0x80;
    if (final) q |= 0x100;
  }
  // Bit 12: the access was IRET's, and the IRET had unblocked NMIs (or virtual NMIs) when it faulted (SDM Vol. 3C
  // §27.2.1, Table 27-7; Bochs paging.cc). Not for an access made while delivering an event.
  if (c.nmiUnblockedByIret && c.eventInFlight === 0) q |= 0x1000;
  vmExit(c, VmExitReason.EPT_VIOLATION, q, 0, 0, linValid ? lin : 0, gpa);
  return c.abortForVmExit();
}

function misconfig(c: Cpu, gpa: number): never {
  vmExit(c, VmExitReason.EPT_MISCONFIGURATION, 0, 0, 0, 0, gpa);
  return c.abortForVmExit();
}
