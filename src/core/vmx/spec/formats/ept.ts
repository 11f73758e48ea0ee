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
// Words come from the string catalogue (issue 8); SDM names and mnemonics stay here as data.
import { t } from '../../../../i18n/t.ts';
import { type Decoded, type DecodedPart, bitsOf, field, hex, part, yesNo } from './parts.ts';

export const EptMemoryType = Object.freeze({ UC: 0, WC: 1, WT: 4, WP: 5, WB: 6 } as const);
export const MEMORY_TYPE_NAMES: readonly string[] = Object.freeze([
  t('sdm.ept.ucUncacheable'), t('sdm.ept.wcWriteCombining'), t('sdm.part.reservedN', { n: 2 }), t('sdm.part.reservedN', { n: 3 }), t('sdm.ept.wtWriteThrough'), t('sdm.ept.wpWriteProtected'), t('sdm.ept.wbWriteBack'), t('sdm.part.reservedN', { n: 7 }),
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
    part(t('sdm.ept.memoryType'), 2, 0, mt, MEMORY_TYPE_NAMES[mt]!),
    part(t('sdm.ept.pageWalkLength1'), 5, 3, wl, t('sdm.ept.walkLevels', { levels: wl + 1 })),
    field(eptp.lo, t('sdm.ept.accessedDirtyFlagsEnabled'), 6, 6, yesNo),
    field(eptp.lo, t('sdm.part.reserved'), 11, 7, (v) => (v ? t('sdm.part.setMustBe0') : '0')),
    part(t('sdm.ept.pml4Address'), maxPhysAddr - 1, 12, root, hex(root)),
    part(t('sdm.ept.reservedAbovePhysicalAddressWidth'), 63, maxPhysAddr, rsvdHigh, rsvdHigh ? t('sdm.part.setMustBe0') : '0'),
  ];
  return { parts, summary: t('sdm.ept.eptpSummary', { address: hex(root), type: MEMORY_TYPE_NAMES[mt]!.split(' ')[0]!, levels: wl + 1, ad: eptp.lo & 0x40 ? ', A/D' : '' }) };
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
    field(lo, t('sdm.ept.read'), 0, 0, yesNo),
    field(lo, t('sdm.ept.write'), 1, 1, yesNo),
    field(lo, t('sdm.ept.execute'), 2, 2, yesNo),
  ];
  if (leaf) {
    parts.push(field(lo, t('sdm.ept.memoryType'), 5, 3, (v) => MEMORY_TYPE_NAMES[v]!));
    parts.push(field(lo, t('sdm.ept.ignorePat'), 6, 6, yesNo));
  } else {
    parts.push(field(lo, t('sdm.part.reserved'), 6, 3, (v) => (v ? t('sdm.ept.setMisconfiguration') : '0')));
  }
  if (level === 2 || level === 3) parts.push(field(lo, t('sdm.ept.largePage'), 7, 7, (v) => (v ? t('sdm.ept.mapsPage', { size: pageSize }) : t('sdm.ept.referencesATable'))));
  parts.push(field(lo, t('sdm.ept.accessed'), 8, 8, yesNo));
  if (leaf) parts.push(field(lo, t('sdm.ept.dirty'), 9, 9, yesNo));
  parts.push(field(lo, t('sdm.ept.userModeExecuteMbec'), 10, 10, yesNo));
  parts.push(part(leaf ? t('sdm.ept.pageAddress', { size: level === 1 ? '4-KByte' : pageSize }) : t('sdm.ept.physicalAddressOfTheNextTable'), 51, 12, addr, hex(addr)));
  parts.push(part(t('sdm.ept.suppressVe'), 63, 63, bitsOf(entry.hi, 31, 31), yesNo(bitsOf(entry.hi, 31, 31))));
  const rwx = `${lo & 1 ? 'R' : '-'}${lo & 2 ? 'W' : '-'}${lo & 4 ? 'X' : '-'}`;
  return {
    parts,
    summary: eptEntryPresent(lo)
      ? `${names[level]} ${rwx} → ${hex(addr)}${large ? t('sdm.ept.largePageSuffix', { size: pageSize }) : ''}`
      : t('sdm.ept.entryNotPresent', { entry: names[level]! }),
  };
}
