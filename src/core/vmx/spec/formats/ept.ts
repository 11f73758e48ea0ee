/**
 * EPT pointer (VMCS 0x201A, SDM Vol. 3C §24.6.11 Table 24-8) and EPT paging-structure entries
 * (SDM Vol. 3C §28.2.2 Tables 28-1 … 28-6). Linux VMX_EPTP_* / VMX_EPT_*; KVM nested_vmx_check_eptp.
 *
 * EPTP: 2:0 memory type of the paging structures (0 UC, 6 WB), 5:3 page-walk length − 1 (3 = 4-level),
 * 6 enable accessed/dirty flags, 11:7 reserved, N−1:12 PML4 physical address, 63:N reserved.
 * Entries: 0 R, 1 W, 2 X (supervisor-mode X with MBEC), 5:3 memory type (leaf), 6 ignore PAT (leaf),
 * 7 large page (PDPTE/PDE) , 8 accessed, 9 dirty (leaf), 10 user-mode X (MBEC), N−1:12 address, 63 suppress #VE.
 *
 * 64-bit values are {lo, hi} halves (see u64.ts).
 */
import { type U64 } from '../u64.ts';
import { type Decoded, type DecodedPart, bitsOf, field, hex, part, yesNo } from './parts.ts';

export const EptMemoryType = Object.freeze({ UC: 0, WC: 1, WT: 4, WP: 5, WB: 6 } as const);
export const MEMORY_TYPE_NAMES: readonly string[] = Object.freeze([
  'UC (uncacheable)', 'WC (write combining)', 'reserved (2)', 'reserved (3)', 'WT (write through)', 'WP (write protected)', 'WB (write back)', 'reserved (7)',
]);

export const Eptp = Object.freeze({
  MEMORY_TYPE_MASK: 0x7,
  WALK_LENGTH_MASK: 0x38,
  WALK_LENGTH_SHIFT: 3,
  ACCESSED_DIRTY: 0x40,
  RESERVED_LOW: 0xf80, // bits 11:7
} as const);

/** EPTP for a PML4 table at `pml4Address` (4-KByte aligned, < 2^52), e.g. WB + 4-level → low bits 0x1E. */
export function encodeEptp(pml4Address: number, memoryType: number, walkLevels = 4, accessedDirty = false): U64 {
  const lowBits = (memoryType & 7) | (((walkLevels - 1) & 7) << 3) | (accessedDirty ? 0x40 : 0);
  const lo = ((pml4Address % 0x100000000) & 0xfffff000) | lowBits;
  const hi = Math.floor(pml4Address / 0x100000000) & 0xfffff;
  return { lo: lo >>> 0, hi: hi >>> 0 };
}

/** Physical address of the PML4 table named by an EPTP (bits 51:12). */
export function eptpRootAddress(eptp: U64): number {
  return ((eptp.lo & 0xfffff000) >>> 0) + (eptp.hi & 0xfffff) * 0x100000000;
}

/** Mask of EPTP/entry high-half bits at or above physical-address width N (bits 63:N, in the high half). */
export function physAddrReservedHigh(maxPhysAddr: number): number {
  if (maxPhysAddr <= 32) return 0xffffffff;
  if (maxPhysAddr >= 64) return 0;
  return ~((1 << (maxPhysAddr - 32)) - 1) >>> 0;
}

export function decodeEptp(eptp: U64, maxPhysAddr = 52): Decoded {
  const mt = bitsOf(eptp.lo, 2, 0);
  const wl = bitsOf(eptp.lo, 5, 3);
  const root = eptpRootAddress(eptp);
  const rsvdHigh = (eptp.hi & physAddrReservedHigh(maxPhysAddr)) >>> 0;
  const parts: DecodedPart[] = [
    part('Memory type', 2, 0, mt, MEMORY_TYPE_NAMES[mt]!),
    part('Page-walk length − 1', 5, 3, wl, `${wl + 1}-level walk`),
    field(eptp.lo, 'Accessed/dirty flags enabled', 6, 6, yesNo),
    field(eptp.lo, 'Reserved', 11, 7, (v) => (v ? 'set (must be 0)' : '0')),
    part(`PML4 address`, maxPhysAddr - 1, 12, root, hex(root)),
    part('Reserved (above physical-address width)', 63, maxPhysAddr, rsvdHigh, rsvdHigh ? 'set (must be 0)' : '0'),
  ];
  return { parts, summary: `PML4 at ${hex(root)}, ${MEMORY_TYPE_NAMES[mt]!.split(' ')[0]}, ${wl + 1}-level${eptp.lo & 0x40 ? ', A/D' : ''}` };
}

export const EptEntry = Object.freeze({
  READ: 0x001,
  WRITE: 0x002,
  EXECUTE: 0x004,
  MEMORY_TYPE_MASK: 0x038,
  MEMORY_TYPE_SHIFT: 3,
  IGNORE_PAT: 0x040,
  LARGE_PAGE: 0x080,
  ACCESSED: 0x100,
  DIRTY: 0x200,
  USER_EXECUTE: 0x400,
  /** Bit 63, in the high half. */
  SUPPRESS_VE_HI: 0x80000000,
} as const);

/** An EPT entry is present iff any of bits 2:0 is 1 (SDM Vol. 3C §28.2.2). */
export function eptEntryPresent(lo: number): boolean {
  return (lo & 7) !== 0;
}

/** level: 4 = PML4E, 3 = PDPTE, 2 = PDE, 1 = PTE. */
export function decodeEptEntry(entry: U64, level: 1 | 2 | 3 | 4): Decoded {
  const lo = entry.lo;
  const large = level !== 1 && level !== 4 && (lo & 0x80) !== 0;
  const leaf = level === 1 || large;
  const names = ['', 'PTE', 'PDE', 'PDPTE', 'PML4E'];
  const pageSize = level === 1 ? '4 KByte' : level === 2 ? '2 MByte' : '1 GByte';
  const addr = ((lo & 0xfffff000) >>> 0) + (entry.hi & 0xfffff) * 0x100000000;
  const parts: DecodedPart[] = [
    field(lo, 'Read', 0, 0, yesNo),
    field(lo, 'Write', 1, 1, yesNo),
    field(lo, 'Execute', 2, 2, yesNo),
  ];
  if (leaf) {
    parts.push(field(lo, 'Memory type', 5, 3, (v) => MEMORY_TYPE_NAMES[v]!));
    parts.push(field(lo, 'Ignore PAT', 6, 6, yesNo));
  } else {
    parts.push(field(lo, 'Reserved', 6, 3, (v) => (v ? 'set (misconfiguration)' : '0')));
  }
  if (level === 2 || level === 3) parts.push(field(lo, 'Large page', 7, 7, (v) => (v ? `maps a ${pageSize} page` : 'references a table')));
  parts.push(field(lo, 'Accessed', 8, 8, yesNo));
  if (leaf) parts.push(field(lo, 'Dirty', 9, 9, yesNo));
  parts.push(field(lo, 'User-mode execute (MBEC)', 10, 10, yesNo));
  parts.push(part(leaf ? `Physical address of the ${level === 1 ? '4-KByte' : pageSize} page` : 'Physical address of the next table', 51, 12, addr, hex(addr)));
  parts.push(part('Suppress #VE', 63, 63, bitsOf(entry.hi, 31, 31), yesNo(bitsOf(entry.hi, 31, 31))));
  const rwx = `${lo & 1 ? 'R' : '-'}${lo & 2 ? 'W' : '-'}${lo & 4 ? 'X' : '-'}`;
  return {
    parts,
    summary: eptEntryPresent(lo) ? `${names[level]} ${rwx} → ${hex(addr)}${large ? ` (${pageSize} page)` : ''}` : `${names[level]} not present`,
  };
}
