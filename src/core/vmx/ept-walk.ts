/**
 * The EPT walk as a view: how one address is translated under VT-x with EPT, every memory reference listed.
 *
 *  - `walkEpt`: a guest-physical address through the 4-level EPT paging structures (SDM Vol. 3C §28.2.2,
 *    2016 edition; Tables 28-1 … 28-6 give the entry formats): EPTP → PML4E → PDPTE → PDE → PTE, stopping at a
 *    2-MByte or 1-GByte page when bit 7 is set and the processor supports it. The walk ends with the
 *    host-physical address, an EPT violation (§28.2.3.2: an entry not present, or the access not allowed by the
 *    AND of the R/W/X bits) or an EPT misconfiguration (§28.2.3.1).
 *  - `walkLinear`: a guest-linear address through the guest's own 32-bit paging (SDM Vol. 3A §4.3: CR3 → PDE →
 *    PTE, or a 4-MByte page with CR4.PSE = 1), where every guest paging-structure entry is itself read at a
 *    guest-physical address that EPT translates (SDM Vol. 3C §28.2.1: "guest-physical addresses … used to access
 *    the guest paging structures" are translated too). This is the two-dimensional walk: its count of memory
 *    references is derived from the steps actually taken.
 *
 * Pure and read-only: unlike the processor's own walkers (ept.ts, x86/mmu.ts) it sets no accessed or dirty flag
 * and causes no VM exit; it applies the same rules, in the same order, and the tests check the two agree.
 * Accesses to guest paging-structure entries are shown as reads (ept.ts / mmu.ts `structAddr`); the processor
 * also writes them to set the guest's accessed/dirty flags, which this view leaves out.
 */
import { type Decoded, type DecodedPart, field, hex, part, yesNo } from './spec/formats/parts.ts';
import { MEMORY_TYPE_NAMES, decodeEptEntry, decodeEptp, eptpRootAddress } from './spec/formats/ept.ts';
import type { U64 } from './spec/u64.ts';
// Explanations come from the string catalogue (issue 8); entry and bit names (PDE, R/W, bits 2:0) stay in the sentences.
import { t } from '../../i18n/t.ts';

export type WalkAccess = 'read' | 'write' | 'fetch';

/** What the walker reads: physical memory (reads beyond RAM return all ones, as `PhysicalMemory` does). */
export interface PhysReader {
  read32(pa: number): number;
}

/** Where each kind of paging structure is read from (the same memory, unless a view shows EPT as it was earlier). */
export interface WalkMemory {
  /** Host-physical memory holding the EPT paging structures. */
  readonly ept: PhysReader;
  /** Host-physical memory holding the guest's pages (its paging structures, reached through EPT). */
  readonly guest: PhysReader;
}

/** The processor's EPT capabilities that change the walk (IA32_VMX_EPT_VPID_CAP, SDM Vol. 3C App. A.10). */
export interface EptCaps {
  /** Bit 0: execute-only translations (an entry with only X set is allowed). */
  readonly executeOnly: boolean;
  /** Bit 16: a PDE may map a 2-MByte page. */
  readonly page2M: boolean;
  /** Bit 17: a PDPTE may map a 1-GByte page. */
  readonly page1G: boolean;
  /** MAXPHYADDR (CPUID.80000008H:EAX[7:0]): address bits at and above it are reserved in EPT entries. */
  readonly maxPhysAddr: number;
}

/** The capabilities of a processor model (the same reads ept.ts `capBit` makes). */
export function eptCapsOf(model: { maxPhysAddr: number; capabilityMsr(index: number): { lo: number; hi: number } | undefined }): EptCaps | null {
  const cap = model.capabilityMsr(0x48c); // IA32_VMX_EPT_VPID_CAP
  if (cap === undefined) return null;
  return {
    executeOnly: (cap.lo & 1) !== 0,
    page2M: ((cap.lo >>> 16) & 1) !== 0,
    page1G: ((cap.lo >>> 17) & 1) !== 0,
    maxPhysAddr: model.maxPhysAddr,
  };
}

export const EPT_LEVEL_NAMES = ['', 'PTE', 'PDE', 'PDPTE', 'PML4E'] as const;
export type EptLevel = 1 | 2 | 3 | 4;

/** Why a step ended the walk. */
export type EptStop =
  /** Bits 2:0 are all 0: EPT violation (SDM Vol. 3C §28.2.3.2). */
  | { readonly kind: 'not-present'; readonly reason: string }
  /** An illegal combination or a reserved bit: EPT misconfiguration (§28.2.3.1). */
  | { readonly kind: 'misconfig'; readonly reason: string }
  /** The leaf was reached but the AND of R/W/X does not allow the access: EPT violation (§28.2.3.2). */
  | { readonly kind: 'permission'; readonly reason: string };

export interface EptStep {
  readonly level: EptLevel;
  readonly name: (typeof EPT_LEVEL_NAMES)[EptLevel];
  /** Host-physical address of the table holding this entry. */
  readonly tableHpa: number;
  /** Which of its 512 entries (guest-physical address bits `indexBits`). */
  readonly index: number;
  readonly indexBits: readonly [number, number];
  /** Host-physical address of the entry (table + 8 × index): one memory reference. */
  readonly entryHpa: number;
  /** The raw 64-bit entry. */
  readonly value: U64;
  readonly read: boolean;
  readonly write: boolean;
  readonly execute: boolean;
  /** Maps a page (a PTE, or a PDE/PDPTE with bit 7 set that the processor supports). */
  readonly leaf: boolean;
  /** Bit 7 (PDPTE/PDE). */
  readonly large: boolean;
  /** Size of the page a leaf maps, in bytes. */
  readonly pageSize: number | null;
  /** Leaf only: EPT memory type (bits 5:3) and ignore PAT (bit 6). */
  readonly memoryType: number | null;
  readonly memoryTypeName: string | null;
  readonly ignorePat: boolean | null;
  /** Bit 8 and (leaf) bit 9, shown only when the EPTP enables accessed/dirty flags (EPTP bit 6). */
  readonly accessed: boolean | null;
  readonly dirty: boolean | null;
  /** Bits 51:12: the next table, or the page frame of a leaf. */
  readonly next: number;
  /** Every field decoded (spec/formats/ept.ts). */
  readonly decoded: Decoded;
  readonly stop: EptStop | null;
}

export type EptOutcome =
  | { readonly kind: 'ok'; readonly hpa: number; readonly pageSize: number; readonly permissions: number }
  /** permissions: the AND of bits 2:0 of the entries walked (0 when one is not present) — qualification bits 5:3. */
  | { readonly kind: 'violation'; readonly reason: string; readonly permissions: number; readonly level: EptLevel }
  | { readonly kind: 'misconfig'; readonly reason: string; readonly level: EptLevel };

export interface EptpView {
  readonly value: U64;
  /** Host-physical address of the PML4 table (bits 51:12). */
  readonly root: number;
  readonly memoryType: number;
  readonly walkLevels: number;
  readonly accessedDirty: boolean;
  readonly decoded: Decoded;
}

export interface EptWalk {
  readonly gpa: number;
  readonly access: WalkAccess;
  readonly eptp: EptpView;
  readonly steps: readonly EptStep[];
  readonly outcome: EptOutcome;
  /** Memory references made: one per EPT entry read. */
  readonly references: number;
}

const MEMTYPE_VALID = [true, true, false, false, true, true, true, false]; // SDM Vol. 3C §28.2.6.1: UC, WC, WT, WP, WB

const ACCESS_BIT: Record<WalkAccess, number> = { read: 1, write: 2, fetch: 4 };
const ACCESS_WORD: Record<WalkAccess, string> = { read: t('vmx.eptWalk.accessRead'), write: t('vmx.eptWalk.accessWrite'), fetch: t('vmx.eptWalk.accessFetch') };
const PERM_NAME = [t('vmx.eptWalk.permReadable'), t('vmx.eptWalk.permWritable'), t('vmx.eptWalk.permExecutable')];

export function rwxText(bits: number): string {
  return `${bits & 1 ? 'R' : '-'}${bits & 2 ? 'W' : '-'}${bits & 4 ? 'X' : '-'}`;
}

export function eptpView(eptp: U64, maxPhysAddr: number): EptpView {
  return {
    value: { lo: eptp.lo >>> 0, hi: eptp.hi >>> 0 },
    root: eptpRootAddress(eptp),
    memoryType: eptp.lo & 7,
    walkLevels: ((eptp.lo >>> 3) & 7) + 1,
    accessedDirty: (eptp.lo & 0x40) !== 0,
    decoded: decodeEptp(eptp, maxPhysAddr),
  };
}

/**
 * Translates guest-physical `gpa` for `access` through the EPT named by `eptp` (SDM Vol. 3C §28.2.2), reading
 * entries from `mem`. The rules and their order are those of the processor's walker (vmx/ept.ts).
 */
export function walkEpt(mem: PhysReader, eptp: U64, caps: EptCaps, gpa: number, access: WalkAccess): EptWalk {
  const view = eptpView(eptp, caps.maxPhysAddr);
  const steps: EptStep[] = [];
  let table = view.root;
  let permAnd = 7;
  // Address bits 51:N (N = MAXPHYADDR) are reserved in every EPT entry (SDM Vol. 3C §28.2.3.1), held in bits 19:(N−32) of the high half.
  const maxPhys = caps.maxPhysAddr;
  const hiRsvd = maxPhys >= 52 ? 0 : (0x000fffff & ~((1 << Math.max(0, maxPhys - 32)) - 1)) | 0;
  const done = (outcome: EptOutcome): EptWalk => ({ gpa, access, eptp: view, steps, outcome, references: steps.length });
  for (let level = 4 as EptLevel; level >= 1; level = (level - 1) as EptLevel) {
    // Bits 47:39 select the PML4E, 38:30 the PDPTE, 29:21 the PDE, 20:12 the PTE (SDM Vol. 3C §28.2.2).
    const shift = 12 + 9 * (level - 1);
    const index = Math.floor(gpa / 2 ** shift) & 0x1ff;
    const entryHpa = table + index * 8;
    const lo = mem.read32(entryHpa) >>> 0;
    const hi = mem.read32(entryHpa + 4) >>> 0;
    const rwx = lo & 7;
    const large = level !== 4 && level !== 1 && (lo & 0x80) !== 0;
    const supported = (level === 2 && caps.page2M) || (level === 3 && caps.page1G);
    const leaf = level === 1 || (large && supported);
    const pageSize = leaf ? 2 ** shift : null;
    const next = ((lo & 0xfffff000) >>> 0) + (hi & 0xfffff) * 0x100000000;
    let stop: EptStop | null = null;
    const name = EPT_LEVEL_NAMES[level];
    if (rwx === 0) {
      // Not present: an EPT violation. Reserved bits of a not-present entry are ignored (KUT ept_reserved_bit).
      stop = { kind: 'not-present', reason: t('vmx.eptWalk.notPresent', { entry: name }) };
    } else {
      stop = misconfiguration(level, lo, hi, rwx, large, leaf, caps, hiRsvd);
    }
    if (stop === null) {
      permAnd &= rwx;
      if (leaf && (permAnd & ACCESS_BIT[access]) === 0) {
        stop = {
          kind: 'permission',
          reason: t('vmx.eptWalk.permission', { access: ACCESS_WORD[access], permission: PERM_NAME[Math.log2(ACCESS_BIT[access])]!, allowed: rwxText(permAnd) }),
        };
      }
    }
    const ad = view.accessedDirty;
    steps.push({
      level,
      name,
      tableHpa: table,
      index,
      indexBits: [shift + 8, shift],
      entryHpa,
      value: { lo, hi },
      read: (lo & 1) !== 0,
      write: (lo & 2) !== 0,
      execute: (lo & 4) !== 0,
      leaf,
      large,
      pageSize,
      memoryType: leaf ? (lo >>> 3) & 7 : null,
      memoryTypeName: leaf ? MEMORY_TYPE_NAMES[(lo >>> 3) & 7]! : null,
      ignorePat: leaf ? (lo & 0x40) !== 0 : null,
      accessed: ad ? (lo & 0x100) !== 0 : null,
      dirty: ad && leaf ? (lo & 0x200) !== 0 : null,
      next,
      decoded: decodeEptEntry({ lo, hi }, level),
      stop,
    });
    if (stop !== null) {
      if (stop.kind === 'misconfig') return done({ kind: 'misconfig', reason: stop.reason, level });
      return done({ kind: 'violation', reason: stop.reason, permissions: stop.kind === 'not-present' ? 0 : permAnd, level });
    }
    if (leaf) {
      const size = pageSize!;
      const base = next - (next % size);
      return done({ kind: 'ok', hpa: base + (gpa % size), pageSize: size, permissions: permAnd });
    }
    table = next;
  }
  // Unreachable: level 1 is always a leaf.
  return done({ kind: 'misconfig', reason: t('vmx.eptWalk.noPte'), level: 1 });
}

/** EPT misconfiguration rules for a present entry (SDM Vol. 3C §28.2.3.1), in the order vmx/ept.ts checks them. */
function misconfiguration(level: EptLevel, lo: number, hi: number, rwx: number, large: boolean, leaf: boolean, caps: EptCaps, hiRsvd: number): EptStop | null {
  const name = EPT_LEVEL_NAMES[level];
  const mis = (why: string): EptStop => ({ kind: 'misconfig', reason: t('vmx.eptWalk.misconfig', { entry: name, why }) });
  if ((rwx & 3) === 2) return mis(t('vmx.eptWalk.writeNoRead'));
  if (rwx === 4 && !caps.executeOnly) return mis(t('vmx.eptWalk.executeOnly'));
  if ((hi & hiRsvd) !== 0) return mis(t('vmx.eptWalk.addressBits', { width: caps.maxPhysAddr }));
  if ((lo & 0x80) !== 0 && level === 4) return mis(t('vmx.eptWalk.pml4eBit7'));
  if (large && !leaf) {
    return mis(level === 3 ? t('vmx.eptWalk.no1g') : t('vmx.eptWalk.no2m'));
  }
  if (!leaf && (lo & 0x78) !== 0) return mis(t('vmx.eptWalk.tableReserved'));
  if (leaf) {
    const mt = (lo >>> 3) & 7;
    if (!MEMTYPE_VALID[mt]) return mis(t('vmx.eptWalk.memoryType', { type: mt }));
    if (level === 2 && (lo & 0x1ff000) !== 0) return mis(t('vmx.eptWalk.pdeReserved'));
    if (level === 3 && (lo & 0x3ffff000) !== 0) return mis(t('vmx.eptWalk.pdpteReserved'));
  }
  return null;
}

// ================================================================ the guest's paging, through EPT

/** The guest's paging registers (from the processor in VMX non-root operation, else the VMCS guest-state area). */
export interface GuestPaging {
  readonly cr0: number;
  readonly cr3: number;
  readonly cr4: number;
  /** The guest's CPL: 3 makes the access user-mode (SDM Vol. 3A §4.6). */
  readonly cpl: number;
  /**
   * Physical-address width of a 4-MByte page (SDM Vol. 3A §4.1.4): min(40, MAXPHYADDR) with PSE-36, else 32
   * (as x86/mmu.ts `pse36Width`).
   */
  readonly pse36Width: number;
}

export type GuestPagingMode = 'off' | '32-bit' | 'pae';

export function guestPagingMode(g: GuestPaging): GuestPagingMode {
  // Paging is on when CR0.PG = 1 and CR0.PE = 1 (SDM Vol. 3A §4.1.1); PAE when CR4.PAE = 1.
  if ((g.cr0 & 0x80000001) !== (0x80000001 | 0)) return 'off';
  return (g.cr4 & 0x20) !== 0 ? 'pae' : '32-bit';
}

export type GuestEntryStop =
  | { readonly kind: 'not-present'; readonly reason: string }
  | { readonly kind: 'reserved'; readonly reason: string }
  | { readonly kind: 'protection'; readonly reason: string };

/** One guest paging-structure entry: its guest-physical address, EPT's translation of it, and the entry. */
export interface GuestStep {
  readonly name: 'PDE' | 'PTE';
  /** Guest-physical address of the guest's table (CR3 bits 31:12, or the PDE's bits 31:12). */
  readonly tableGpa: number;
  readonly index: number;
  /** Linear-address bits that select the entry: 31:22 for the PDE, 21:12 for the PTE (SDM Vol. 3A §4.3). */
  readonly indexBits: readonly [number, number];
  /** Guest-physical address of the entry (table + 4 × index). */
  readonly entryGpa: number;
  /** EPT's translation of `entryGpa` (a read of a guest paging-structure entry). */
  readonly ept: EptWalk;
  /** Host-physical address of the entry and its value; null when EPT stopped the walk first. */
  readonly entryHpa: number | null;
  readonly value: number | null;
  /** A PDE with PS = 1 and CR4.PSE = 1: maps a 4-MByte page. */
  readonly large: boolean;
  /** Bits 31:12 (or the 4-MByte frame with PSE-36 bits): the next table, or the page frame. */
  readonly next: number | null;
  readonly decoded: Decoded | null;
  readonly stop: GuestEntryStop | null;
}

export type LinearOutcome =
  | { readonly kind: 'ok'; readonly gpa: number; readonly hpa: number }
  /** EPT stopped a guest paging-structure access ('paging-structure') or the access itself ('final'). */
  | { readonly kind: 'ept-violation' | 'ept-misconfig'; readonly at: 'paging-structure' | 'final'; readonly gpa: number; readonly reason: string; readonly permissions: number }
  | { readonly kind: 'page-fault'; readonly reason: string }
  | { readonly kind: 'unsupported'; readonly reason: string };

export interface TwoDimensionalWalk {
  /** Where the walk starts: a guest-linear address through the guest's paging, or a guest-physical address. */
  readonly start: { readonly space: 'linear' | 'guest-physical'; readonly address: number };
  readonly access: WalkAccess;
  /** The access is user-mode (guest CPL 3). */
  readonly user: boolean;
  /** The guest's paging mode (null for a guest-physical start). */
  readonly paging: GuestPagingMode | null;
  readonly guestSteps: readonly GuestStep[];
  /** The guest-physical address of the access and its EPT walk (null when the guest's walk stopped first). */
  readonly finalGpa: number | null;
  readonly final: EptWalk | null;
  readonly outcome: LinearOutcome;
  /** Memory references, counted from the steps: every EPT entry read plus every guest entry read. */
  readonly references: number;
}

/** Memory references of a complete walk with `guestLevels` guest levels over an `eptLevels`-level EPT: each
 * guest entry costs an EPT walk plus its own read, and the final guest-physical address one more EPT walk. */
export function twoDimensionalReferences(guestLevels: number, eptLevels: number): number {
  return guestLevels * (eptLevels + 1) + eptLevels;
}

function countRefs(guestSteps: readonly GuestStep[], final: EptWalk | null): number {
  let n = final?.references ?? 0;
  for (const s of guestSteps) n += s.ept.references + (s.value !== null ? 1 : 0);
  return n;
}

function eptStopOutcome(w: EptWalk, at: 'paging-structure' | 'final'): LinearOutcome {
  const o = w.outcome;
  if (o.kind === 'ok') throw new Error('not a failed walk');
  return { kind: o.kind === 'violation' ? 'ept-violation' : 'ept-misconfig', at, gpa: w.gpa, reason: o.reason, permissions: o.kind === 'violation' ? o.permissions : 0 };
}

/** Walks a guest-physical address (no guest paging): the EPT walk alone. */
export function walkGuestPhysical(mem: WalkMemory, eptp: U64, caps: EptCaps, gpa: number, access: WalkAccess): TwoDimensionalWalk {
  const final = walkEpt(mem.ept, eptp, caps, gpa, access);
  const o = final.outcome;
  return {
    start: { space: 'guest-physical', address: gpa },
    access,
    user: false,
    paging: null,
    guestSteps: [],
    finalGpa: gpa,
    final,
    outcome: o.kind === 'ok' ? { kind: 'ok', gpa, hpa: o.hpa } : eptStopOutcome(final, 'final'),
    references: final.references,
  };
}

function decodeGuestEntry(name: 'PDE' | 'PTE', v: number, large: boolean, next: number): Decoded {
  const parts: DecodedPart[] = [
    field(v, t('vmx.guestEntry.present'), 0, 0, yesNo),
    field(v, t('vmx.guestEntry.readWrite'), 1, 1, (b) => (b ? t('vmx.guestEntry.writable') : t('vmx.guestEntry.readOnly'))),
    field(v, t('vmx.guestEntry.userSupervisor'), 2, 2, (b) => (b ? t('vmx.guestEntry.user') : t('vmx.guestEntry.supervisorOnly'))),
    field(v, t('vmx.guestEntry.accessed'), 5, 5, yesNo),
  ];
  if (name === 'PTE' || large) parts.push(field(v, t('vmx.guestEntry.dirty'), 6, 6, yesNo));
  if (name === 'PDE') {
    parts.push(field(v, t('vmx.guestEntry.pageSize'), 7, 7, (b) => (b ? (large ? t('vmx.guestEntry.maps4M') : t('vmx.guestEntry.psIgnored')) : t('vmx.guestEntry.pageTable'))));
  }
  if (name === 'PTE' || large) parts.push(field(v, t('vmx.guestEntry.global'), 8, 8, yesNo));
  const addressName = large ? t('vmx.guestEntry.address4M') : name === 'PDE' ? t('vmx.guestEntry.addressTable') : t('vmx.guestEntry.address4K');
  parts.push(part(addressName, 31, large ? 22 : 12, next, hex(next, 8)));
  const present = (v & 1) !== 0;
  return {
    parts,
    summary: present
      ? t(large ? 'vmx.guestEntry.summaryLarge' : 'vmx.guestEntry.summary', {
          entry: name,
          rw: v & 2 ? t('vmx.guestEntry.writable') : t('vmx.guestEntry.readOnly'),
          us: v & 4 ? t('vmx.guestEntry.user') : t('vmx.guestEntry.supervisor'),
          address: hex(next, 8),
        })
      : t('vmx.guestEntry.notPresent', { entry: name }),
  };
}

/**
 * Walks guest-linear `lin` through the guest's 32-bit paging (SDM Vol. 3A §4.3) with every guest paging-structure
 * entry read through EPT (SDM Vol. 3C §28.2.1), then the final guest-physical address through EPT. The order of
 * checks is x86/mmu.ts `walk`: PDE (EPT, present, 4-MByte reserved bits, permissions), PTE (EPT, present,
 * permissions), then EPT for the page.
 */
export function walkLinear(mem: WalkMemory, eptp: U64, caps: EptCaps, g: GuestPaging, lin: number, access: WalkAccess): TwoDimensionalWalk {
  lin >>>= 0;
  const mode = guestPagingMode(g);
  const user = g.cpl === 3;
  const steps: GuestStep[] = [];
  const result = (finalGpa: number | null, final: EptWalk | null, outcome: LinearOutcome): TwoDimensionalWalk => ({
    start: { space: 'linear', address: lin },
    access,
    user,
    paging: mode,
    guestSteps: steps,
    finalGpa,
    final,
    outcome,
    references: countRefs(steps, final),
  });
  if (mode === 'off') {
    // Guest paging off: the linear address is the guest-physical address (SDM Vol. 3A §4.1.1).
    const final = walkEpt(mem.ept, eptp, caps, lin, access);
    const o = final.outcome;
    return result(lin, final, o.kind === 'ok' ? { kind: 'ok', gpa: lin, hpa: o.hpa } : eptStopOutcome(final, 'final'));
  }
  if (mode === 'pae') {
    return result(null, null, { kind: 'unsupported', reason: t('vmx.linearWalk.pae') });
  }
  const write = access === 'write';
  const wp = (g.cr0 & 0x10000) !== 0;
  // SDM Vol. 3A §4.6.1: user-mode accesses need U/S = 1 at every level; writes need R/W = 1 at every level
  // for user-mode accesses, and for supervisor-mode accesses when CR0.WP = 1.
  const protection = (allowW: boolean, allowU: boolean): GuestEntryStop | null => {
    if (user && !allowU) return { kind: 'protection', reason: t('vmx.linearWalk.userToSupervisor') };
    if (write && !allowW && (user || wp)) return { kind: 'protection', reason: user ? t('vmx.linearWalk.writeReadOnly') : t('vmx.linearWalk.writeReadOnlyWp') };
    return null;
  };
  const readEntry = (name: 'PDE' | 'PTE', tableGpa: number, index: number, bits: readonly [number, number]) => {
    const entryGpa = tableGpa + index * 4;
    const ept = walkEpt(mem.ept, eptp, caps, entryGpa, 'read');
    const hpa = ept.outcome.kind === 'ok' ? ept.outcome.hpa : null;
    const value = hpa === null ? null : mem.guest.read32(hpa) >>> 0;
    return { name, tableGpa, index, indexBits: bits, entryGpa, ept, entryHpa: hpa, value };
  };

  // ---- PDE: CR3 bits 31:12 | linear bits 31:22 × 4 (SDM Vol. 3A §4.3, Figure 4-2)
  const pd = (g.cr3 & 0xfffff000) >>> 0;
  const pdeRead = readEntry('PDE', pd, lin >>> 22, [31, 22]);
  if (pdeRead.value === null) {
    steps.push({ ...pdeRead, large: false, next: null, decoded: null, stop: null });
    return result(null, null, eptStopOutcome(pdeRead.ept, 'paging-structure'));
  }
  const pde = pdeRead.value;
  const large = (pde & 0x80) !== 0 && (g.cr4 & 0x10) !== 0;
  if ((pde & 1) === 0) {
    const stop: GuestEntryStop = { kind: 'not-present', reason: t('vmx.linearWalk.pdeNotPresent') };
    steps.push({ ...pdeRead, large, next: null, decoded: decodeGuestEntry('PDE', pde, false, (pde & 0xfffff000) >>> 0), stop });
    return result(null, null, { kind: 'page-fault', reason: stop.reason });
  }
  if (large) {
    // 4-MByte page (SDM Vol. 3A Table 4-4): bits (M–19):13 hold physical-address bits (M–1):32, bits 21:(M–20) are reserved.
    const hiBits = g.pse36Width - 32;
    const frame = ((pde & 0xffc00000) >>> 0) + ((pde >>> 13) & ((1 << hiBits) - 1)) * 0x100000000;
    let stop: GuestEntryStop | null = null;
    if ((pde & 0x003fe000 & ~(((1 << hiBits) - 1) << 13)) !== 0) stop = { kind: 'reserved', reason: t('vmx.linearWalk.pdeReserved') };
    else stop = protection((pde & 2) !== 0, (pde & 4) !== 0);
    steps.push({ ...pdeRead, large, next: frame, decoded: decodeGuestEntry('PDE', pde, true, frame), stop });
    if (stop !== null) return result(null, null, { kind: 'page-fault', reason: stop.reason });
    return finish(frame + (lin & 0x3fffff));
  }
  const pt = (pde & 0xfffff000) >>> 0;
  steps.push({ ...pdeRead, large: false, next: pt, decoded: decodeGuestEntry('PDE', pde, false, pt), stop: null });

  // ---- PTE: PDE bits 31:12 | linear bits 21:12 × 4
  const pteRead = readEntry('PTE', pt, (lin >>> 12) & 0x3ff, [21, 12]);
  if (pteRead.value === null) {
    steps.push({ ...pteRead, large: false, next: null, decoded: null, stop: null });
    return result(null, null, eptStopOutcome(pteRead.ept, 'paging-structure'));
  }
  const pte = pteRead.value;
  const frame = (pte & 0xfffff000) >>> 0;
  let stop: GuestEntryStop | null = null;
  if ((pte & 1) === 0) stop = { kind: 'not-present', reason: t('vmx.linearWalk.pteNotPresent') };
  else stop = protection((pde & 2) !== 0 && (pte & 2) !== 0, (pde & 4) !== 0 && (pte & 4) !== 0);
  steps.push({ ...pteRead, large: false, next: frame, decoded: decodeGuestEntry('PTE', pte, false, frame), stop });
  if (stop !== null) return result(null, null, { kind: 'page-fault', reason: stop.reason });
  return finish(frame + (lin & 0xfff));

  function finish(gpa: number): TwoDimensionalWalk {
    const final = walkEpt(mem.ept, eptp, caps, gpa, access);
    const o = final.outcome;
    return result(gpa, final, o.kind === 'ok' ? { kind: 'ok', gpa, hpa: o.hpa } : eptStopOutcome(final, 'final'));
  }
}

// ================================================================ the exit that started it

/** The access kind an EPT-violation qualification reports (bits 2:0; a read-modify-write sets write). */
export function accessOfQualification(q: number): WalkAccess {
  if ((q & 2) !== 0) return 'write';
  if ((q & 4) !== 0) return 'fetch';
  return 'read';
}

// ================================================================ EPT as it was

/**
 * A copy of every EPT paging-structure page reachable from `eptp` (the PML4 table and the tables its present
 * entries reference), so a walk can be shown against the EPT of an earlier moment — for an EPT violation, the
 * tables as they were when the exit happened, before the VMM's handler mapped the page. Reads outside the
 * copied pages go to `mem`. At most `maxPages` pages are copied.
 */
export function captureEptTables(mem: PhysReader, eptp: U64, caps: EptCaps, maxPages = 4096): PhysReader & { readonly pages: number } {
  const pages = new Map<number, Int32Array>();
  const copy = (base: number): Int32Array => {
    const words = new Int32Array(1024);
    for (let k = 0; k < 1024; k++) words[k] = mem.read32(base + k * 4);
    pages.set(base, words);
    return words;
  };
  const visit = (base: number, level: EptLevel): void => {
    if (pages.has(base) || pages.size >= maxPages) return;
    const words = copy(base);
    if (level === 1) return;
    for (let i = 0; i < 512; i++) {
      const lo = words[i * 2] >>> 0;
      if ((lo & 7) === 0) continue;
      const large = (lo & 0x80) !== 0;
      if (large && ((level === 2 && caps.page2M) || (level === 3 && caps.page1G))) continue; // maps a page
      const next = ((lo & 0xfffff000) >>> 0) + (words[i * 2 + 1] & 0xfffff) * 0x100000000;
      visit(next, (level - 1) as EptLevel);
    }
  };
  visit(eptpRootAddress(eptp), 4);
  return {
    pages: pages.size,
    read32(pa: number): number {
      const base = pa - (pa % 4096);
      const words = pages.get(base);
      if (words === undefined || pa % 4 !== 0) return mem.read32(pa);
      return words[(pa - base) / 4];
    },
  };
}
