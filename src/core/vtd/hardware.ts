/**
 * The remapping hardware's state as plain data (a DMA-remapping hardware unit, "DRHD"): its capability, its
 * registers, and the in-memory structures software programs it with (root table, context tables, second-level
 * page tables, the interrupt-remapping table). Memory is modelled as table pages keyed by host-physical address;
 * an address at or above `memoryTop` is outside host memory, so reading it "results in error" (the wording of
 * the VT-d fault conditions 7h, 8h, 9h, 23h).
 *
 * Layouts follow the Intel VT-d Architecture Specification (Rev. 5.10, D51397-018) ch. 9, Translation Structure Formats:
 * root entry (9.1: P bit 0, CTP bits 63:12), context entry (9.3: P, FPD, TT bits 3:2, SLPTPTR bits 63:12,
 * AW bits 66:64, DID bits 87:72), second-stage ("second-level") paging entries (9.8: R bit 0, W bit 1, PS bit 7,
 * ADDR), IRTE for remapped interrupts (9.9). Registers: ch. 11 (RTADDR 11.4.5, CAP 11.4.2, IRTA 11.4.10).
 * Field positions cross-checked with VirtualBox include/VBox/iommu-intel.h and QEMU hw/i386/intel_iommu_internal.h.
 * Entries here keep the decoded fields; `reserved` holds whatever is set in reserved bits (0 = clean).
 */

export const PAGE = 4096;
/** 4 KiB table page / 16-byte root entries = 256, one per PCI bus (spec ch. 3, Figure 3-3; Linux ROOT_ENTRY_NR). */
export const ROOT_ENTRIES = 256;
/** 256 context entries per context table: one per device (5 bits) and function (3 bits) (spec ch. 3, Figures 3-2, 3-3). */
export const CONTEXT_ENTRIES = 256;
/** 512 eight-byte entries per second-level table, 9 address bits per level (spec ch. 3, Figures 3-5..3-7; QEMU VTD_SL_LEVEL_BITS). */
export const SL_ENTRIES = 512;

export interface RootEntry {
  present: boolean;
  /** Context-table pointer (host-physical, 4 KiB aligned). */
  ctp: number;
  reserved: number;
}

/** Translation Type (spec 9.3): 00 untranslated requests only, 01 also ATS, 10 pass-through, 11 reserved. */
export type TranslationType = 0 | 1 | 2 | 3;

export interface ContextEntry {
  present: boolean;
  /** Fault Processing Disable: faults through this entry are blocked but not recorded or reported. */
  fpd: boolean;
  tt: TranslationType;
  /** Second-level page-table pointer (host-physical). */
  slptptr: number;
  /** AW encoding: 1 = 39-bit (3 levels), 2 = 48-bit (4 levels), 3 = 57-bit (5 levels) (spec 9.3). */
  aw: number;
  /** Domain identifier: devices in one domain share page tables (and IOTLB tags). */
  did: number;
  reserved: number;
}

export interface SlPte {
  r: boolean;
  w: boolean;
  /** Page-size bit in a level-2/3 entry: this entry maps a 2 MiB / 1 GiB page. */
  ps: boolean;
  /** Next table or page frame (host-physical). */
  addr: number;
  reserved: number;
}

/** Interrupt-remapping table entry, remapped format (spec 9.9). */
export interface Irte {
  present: boolean;
  fpd: boolean;
  vector: number;
  /** Destination APIC id (xAPIC: bits 15:8 of the DST field; x2APIC: 32 bits). */
  destination: number;
  /** Source-id validation type: 0 none, 1 SID with SQ mask, 2 bus range, 3 reserved. */
  svt: 0 | 1 | 2 | 3;
  /** Source-id qualifier for SVT 1: which low function bits to ignore (0 none, 1 bit 2, 2 bits 2:1, 3 bits 2:0). */
  sq: 0 | 1 | 2 | 3;
  sid: number;
  reserved: number;
}

export type TablePage =
  | { kind: 'root'; entries: Record<number, RootEntry> }
  | { kind: 'context'; entries: Record<number, ContextEntry> }
  | { kind: 'sl'; entries: Record<number, SlPte> };

/** A primary fault record (one fault recording register, 128 bits; spec 11.4.7.6). */
export interface FaultRecord {
  /** F: the record holds an unserviced fault (software writes 1 to clear). */
  f: boolean;
  /** T: 1 = read request, 0 = write request. */
  type: 'read' | 'write';
  /** FR: fault reason code. */
  reason: number;
  /** SID: requester id bus:dev.fn of the faulting request. */
  sourceId: number;
  /** FI: page-aligned faulting address (DMA), or the interrupt index in bits 63:48 (interrupt remapping). */
  faultInfo: number;
  /** For an interrupt-remapping fault, the interrupt index (FI bits 63:48). */
  irIndex: number | null;
}

export interface VtdCapability {
  /** Maximum guest address width, bits (CAP_REG.MGAW + 1). */
  mgaw: number;
  /** Supported AW values as a bit mask: bit 1 = 39-bit, bit 2 = 48-bit, bit 3 = 57-bit (CAP_REG.SAGAW). */
  sagaw: number;
  /** Number of fault recording registers (CAP_REG.NFR + 1). */
  nfr: number;
}

export interface VtdRegisters {
  /** RTADDR_REG: the root table's host-physical address. */
  rtaddr: number;
  /** FSTS_REG: Primary Fault Overflow (bit 0), Primary Pending Fault (bit 1), Fault Record Index (bits 15:8). */
  fsts: { pfo: boolean; ppf: boolean; fri: number };
  /** FECTL_REG: Interrupt Mask (bit 31), Interrupt Pending (bit 30). */
  fectl: { im: boolean; ip: boolean };
  /** IRTA_REG: table address and size field S (2^(S+1) entries). */
  irta: { address: number; s: number };
  /** GSTS_REG.CFIS: compatibility-format interrupts pass through (1) or are blocked (0). */
  cfis: boolean;
}

export interface VtdState {
  cap: VtdCapability;
  regs: VtdRegisters;
  /** First host-physical address outside memory. */
  memoryTop: number;
  pages: Record<number, TablePage>;
  irt: Record<number, Irte>;
  /** The fault recording registers, `cap.nfr` of them. */
  frcd: FaultRecord[];
  /** Hardware's internal index of the next fault recording register to use (spec 7.2.1). */
  nextFrcd: number;
  /** Compress a new fault from a requester that already has a pending record (optional in hardware, spec 7.2.1; QEMU does it). */
  collapseSameSource: boolean;
  /** Fault-event interrupts sent (MSI through FEDATA/FEADDR). */
  faultEvents: number;
  /** Next free host page for tables the builder allocates. */
  nextTablePage: number;
}

export function emptyRecord(): FaultRecord {
  return { f: false, type: 'write', reason: 0, sourceId: 0, faultInfo: 0, irIndex: null };
}

export interface VtdConfig {
  cap: VtdCapability;
  memoryTop: number;
  /** Where the builder puts the root table; further tables follow it. */
  tableBase: number;
  irtSizeField: number;
  collapseSameSource?: boolean;
}

/** A unit with translation enabled, an empty root table, no faults, fault events unmasked. */
export function createHardware(c: VtdConfig): VtdState {
  const s: VtdState = {
    cap: { ...c.cap },
    regs: { rtaddr: c.tableBase, fsts: { pfo: false, ppf: false, fri: 0 }, fectl: { im: false, ip: false }, irta: { address: 0, s: c.irtSizeField }, cfis: false },
    memoryTop: c.memoryTop,
    pages: {},
    irt: {},
    frcd: Array.from({ length: c.cap.nfr }, emptyRecord),
    nextFrcd: 0,
    collapseSameSource: c.collapseSameSource ?? false,
    faultEvents: 0,
    nextTablePage: c.tableBase,
  };
  s.pages[allocPage(s)] = { kind: 'root', entries: {} };
  s.regs.irta.address = allocPage(s);
  return s;
}

export function allocPage(s: VtdState): number {
  const a = s.nextTablePage;
  s.nextTablePage += PAGE;
  return a;
}

// ------------------------------------------------------------------ requester ids

/** Source-id = bus << 8 | device << 3 | function (PCI requester id; Linux PCI_SLOT/PCI_FUNC). */
export function sourceId(bus: number, dev: number, fn: number): number {
  return ((bus & 0xff) << 8) | ((dev & 0x1f) << 3) | (fn & 7);
}

export function splitSourceId(sid: number): { bus: number; dev: number; fn: number; devfn: number } {
  return { bus: (sid >> 8) & 0xff, dev: (sid >> 3) & 0x1f, fn: sid & 7, devfn: sid & 0xff };
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** bb:dd.f as Linux prints it ("%02x:%02x.%d"). */
export function formatBdf(sid: number): string {
  const { bus, dev, fn } = splitSourceId(sid);
  return `${hex2(bus)}:${hex2(dev)}.${fn}`;
}

/** Parses bb:dd.f (hex bus and device, function 0–7). */
export function parseBdf(text: string): number | null {
  const m = /^\s*([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])\s*$/i.exec(text);
  if (m === null) return null;
  const bus = parseInt(m[1], 16);
  const dev = parseInt(m[2], 16);
  if (dev > 0x1f) return null;
  return sourceId(bus, dev, Number(m[3]));
}

// ------------------------------------------------------------------ programming the tables (what the VMM does)

export function levelsForAw(aw: number): number {
  // spec 9.3: AW 1 → 39-bit AGAW, 3-level table; 2 → 48-bit, 4 levels; 3 → 57-bit, 5 levels.
  return aw + 2;
}

export function widthForAw(aw: number): number {
  return 30 + 9 * aw;
}

function rootPage(s: VtdState): TablePage & { kind: 'root' } {
  const p = s.pages[s.regs.rtaddr];
  if (p === undefined || p.kind !== 'root') throw new Error('no root table at RTADDR');
  return p;
}

/** Context entry for a requester, creating the root entry and context table if needed. */
export function setContext(s: VtdState, sid: number, ce: Partial<ContextEntry> & { did: number; slptptr: number }): void {
  const { bus, devfn } = splitSourceId(sid);
  const root = rootPage(s);
  let re = root.entries[bus];
  if (re === undefined || !re.present) {
    const ctp = allocPage(s);
    s.pages[ctp] = { kind: 'context', entries: {} };
    re = { present: true, ctp, reserved: 0 };
    root.entries[bus] = re;
  }
  const page = s.pages[re.ctp];
  if (page === undefined || page.kind !== 'context') throw new Error(`bus ${bus}: no context table`);
  page.entries[devfn] = { present: true, fpd: false, tt: 0, aw: 1, reserved: 0, ...ce };
}

/** A new, empty second-level top-level table for a domain; returns its address (the SLPTPTR). */
export function newDomainTable(s: VtdState): number {
  const a = allocPage(s);
  s.pages[a] = { kind: 'sl', entries: {} };
  return a;
}

function levelIndex(addr: number, level: number): number {
  return Math.floor(addr / 2 ** (12 + 9 * (level - 1))) % SL_ENTRIES;
}

/**
 * Maps one 4 KiB page iova → hpa in the domain rooted at `top` with `levels` levels; intermediate entries get
 * R and W set (permissions are checked at every level, so the leaf decides).
 */
export function mapPage(s: VtdState, top: number, levels: number, iova: number, hpa: number, perm: { r: boolean; w: boolean }): void {
  let table = top;
  for (let level = levels; level > 1; level--) {
    const page = s.pages[table];
    if (page === undefined || page.kind !== 'sl') throw new Error('not a second-level table');
    const i = levelIndex(iova, level);
    let e = page.entries[i];
    if (e === undefined || (!e.r && !e.w)) {
      const next = allocPage(s);
      s.pages[next] = { kind: 'sl', entries: {} };
      e = { r: true, w: true, ps: false, addr: next, reserved: 0 };
      page.entries[i] = e;
    }
    table = e.addr;
  }
  const leaf = s.pages[table];
  if (leaf === undefined || leaf.kind !== 'sl') throw new Error('not a second-level table');
  leaf.entries[levelIndex(iova, 1)] = { r: perm.r, w: perm.w, ps: false, addr: hpa - (hpa % PAGE), reserved: 0 };
}

export function mapRange(s: VtdState, top: number, levels: number, iova: number, hpa: number, bytes: number, perm: { r: boolean; w: boolean }): void {
  for (let off = 0; off < bytes; off += PAGE) mapPage(s, top, levels, iova + off, hpa + off, perm);
}

/** The entry a walk reaches at `level` for `iova` (undefined when a table on the way is missing). */
export function slEntryAt(s: VtdState, top: number, levels: number, iova: number, level: number): { table: number; index: number; entry: SlPte | undefined } | undefined {
  let table = top;
  for (let l = levels; l >= level; l--) {
    const page = s.pages[table];
    if (page === undefined || page.kind !== 'sl') return undefined;
    const i = levelIndex(iova, l);
    if (l === level) return { table, index: i, entry: page.entries[i] };
    const e = page.entries[i];
    if (e === undefined) return undefined;
    table = e.addr;
  }
  return undefined;
}

export function contextEntryOf(s: VtdState, sid: number): ContextEntry | undefined {
  const { bus, devfn } = splitSourceId(sid);
  const root = s.pages[s.regs.rtaddr];
  if (root === undefined || root.kind !== 'root') return undefined;
  const re = root.entries[bus];
  if (re === undefined) return undefined;
  const ct = s.pages[re.ctp];
  if (ct === undefined || ct.kind !== 'context') return undefined;
  return ct.entries[devfn];
}

export function rootEntryOf(s: VtdState, bus: number): RootEntry | undefined {
  const root = s.pages[s.regs.rtaddr];
  if (root === undefined || root.kind !== 'root') return undefined;
  return root.entries[bus];
}

/** Size of the interrupt-remapping table: 2^(S+1) entries (IRTA_REG.S, spec 11.4.10). */
export function irtEntries(s: VtdState): number {
  return 2 ** (s.regs.irta.s + 1);
}
