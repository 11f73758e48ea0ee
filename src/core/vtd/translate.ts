/**
 * Translating one DMA request (legacy mode): requester id → root entry (indexed by bus) → context entry
 * (indexed by device/function) → the domain's second-level page tables → host-physical address; or a fault.
 * VT-d spec (Rev. 5.10) ch. 3 (device-to-domain mapping, Figure 3-3; second-stage translation; 3.7.1 access rights
 * checked at every level; 3.9 pass-through), 7.1.3 (fault conditions, in the order the walk meets them). The check order at each paging level follows
 * QEMU hw/i386/intel_iommu.c `vtd_iova_to_slpte`: read the entry (error → 7h), permission (5h/6h), reserved (Ch).
 * Pure: no state changes (recording the fault is faults.ts).
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/vtd.ts';
import { DMA_FAULT } from './reasons.ts';
import { CONTEXT_ENTRIES, PAGE, SL_ENTRIES, levelsForAw, splitSourceId, widthForAw, type ContextEntry, type RootEntry, type SlPte, type VtdState } from './hardware.ts';

/** Address type of the request (PCIe AT field): an ordinary DMA, an ATS translation request, or an ATS-translated one. */
export type AddressType = 'untranslated' | 'translation-request' | 'translated';

export interface DmaRequest {
  sourceId: number;
  address: number;
  write: boolean;
  at?: AddressType;
}

export type WalkStepKind = 'rtaddr' | 'root' | 'context' | 'sl';

export interface WalkStep {
  kind: WalkStepKind;
  /** Paging level for 'sl' steps (top = number of levels, 1 = page table). */
  level: number;
  /** Host-physical address of the table read, and the entry index used. */
  table: number;
  index: number;
  /** What the entry says, in a line ("P=1 CTP=0x…", "R W → 0x…"). */
  entry: string;
  ok: boolean;
  /** Why the walk continues or stops here. */
  note: string;
}

export type Translation =
  | { ok: true; hpa: number; did: number; pageSize: number; write: boolean; steps: WalkStep[] }
  | { ok: false; reason: number; steps: WalkStep[]; /** the context entry's FPD (faults not recorded) */ fpd: boolean; did: number | null };

const hex = (n: number) => `0x${n.toString(16)}`;

function inMemory(s: VtdState, table: number): boolean {
  return table + PAGE <= s.memoryTop;
}

function rootLine(e: RootEntry | undefined): string {
  if (e === undefined || !e.present) return 'P=0';
  return `P=1 CTP=${hex(e.ctp)}${e.reserved !== 0 ? ` reserved=${hex(e.reserved)}` : ''}`;
}

function contextLine(e: ContextEntry | undefined): string {
  if (e === undefined || !e.present) return 'P=0';
  // i18n-ignore: context-entry field notation (VT-d spec §9.3 field names)
  return `P=1 DID=${e.did} AW=${e.aw} (${widthForAw(e.aw)}-bit) TT=${e.tt.toString(2).padStart(2, '0')} SLPTPTR=${hex(e.slptptr)}${e.fpd ? ' FPD=1' : ''}${e.reserved !== 0 ? ` reserved=${hex(e.reserved)}` : ''}`;
}

function pteLine(e: SlPte | undefined, leaf: boolean): string {
  if (e === undefined || (!e.r && !e.w)) return t('vtd.translate.r0W0Not');
  return `R=${e.r ? 1 : 0} W=${e.w ? 1 : 0}${e.ps ? ' PS=1' : ''} ${leaf ? 'page' : 'next'}=${hex(e.addr)}${e.reserved !== 0 ? ` reserved=${hex(e.reserved)}` : ''}`;
}

/** The spec's supported-AW check: the AW value's bit in CAP_REG.SAGAW. */
export function awSupported(s: VtdState, aw: number): boolean {
  return aw >= 0 && aw <= 4 && (s.cap.sagaw & (1 << aw)) !== 0;
}

export function translate(s: VtdState, req: DmaRequest): Translation {
  const steps: WalkStep[] = [];
  const { bus, devfn } = splitSourceId(req.sourceId);
  const fail = (reason: number, fpd = false, did: number | null = null): Translation => ({ ok: false, reason, steps, fpd, did });

  // Root table through RTADDR_REG (fault 8h when it cannot be read).
  if (!inMemory(s, s.regs.rtaddr)) {
    steps.push({ kind: 'rtaddr', level: 0, table: s.regs.rtaddr, index: 0, entry: `RTADDR=${hex(s.regs.rtaddr)}`, ok: false, note: t('vtd.translate.theRootTableAddressIs') });
    return fail(DMA_FAULT.ROOT_TABLE_INVALID);
  }
  const rootPage = s.pages[s.regs.rtaddr];
  const re = rootPage?.kind === 'root' ? rootPage.entries[bus] : undefined;
  const rootStep: WalkStep = { kind: 'root', level: 0, table: s.regs.rtaddr, index: bus, entry: rootLine(re), ok: true, note: t('vtd.translate.rootEntryOf256Bus', { bus, bus1: bus.toString(16).padStart(2, '0') }) };
  steps.push(rootStep);
  if (re === undefined || !re.present) {
    rootStep.ok = false;
    rootStep.note = t('vtd.translate.noContextTableForThis');
    return fail(DMA_FAULT.ROOT_ENTRY_NOT_PRESENT);
  }
  if (re.reserved !== 0) {
    rootStep.ok = false;
    rootStep.note = t('vtd.translate.reservedBitsSetInA');
    return fail(DMA_FAULT.ROOT_ENTRY_RESERVED);
  }

  // Context table through the root entry's CTP (fault 9h when it cannot be read).
  if (!inMemory(s, re.ctp)) {
    steps.push({ kind: 'context', level: 0, table: re.ctp, index: devfn, entry: '(unreadable)', ok: false, note: t('vtd.translate.theContextTablePointerIs') });
    return fail(DMA_FAULT.CONTEXT_TABLE_INVALID);
  }
  const ctPage = s.pages[re.ctp];
  const ce = ctPage?.kind === 'context' && devfn < CONTEXT_ENTRIES ? ctPage.entries[devfn] : undefined;
  const ctxStep: WalkStep = { kind: 'context', level: 0, table: re.ctp, index: devfn, entry: contextLine(ce), ok: true, note: t('vtd.translate.contextEntryDeviceFunction', { devfn, device: (devfn >> 3).toString(16).padStart(2, '0'), fn: devfn & 7 }) };
  steps.push(ctxStep);
  if (ce === undefined || !ce.present) {
    ctxStep.ok = false;
    ctxStep.note = t('vtd.translate.thisDeviceFunctionHasNo');
    // FPD "is evaluated by hardware irrespective of the setting of the present (P) field" (spec 9.3; QEMU
    // treats 2h as a qualified fault): a not-present entry with FPD = 1 blocks the request without a record.
    return fail(DMA_FAULT.CONTEXT_ENTRY_NOT_PRESENT, ce?.fpd ?? false);
  }
  // From here on the context entry's FPD decides whether faults are recorded (spec 9.3 FPD).
  if (ce.reserved !== 0) {
    ctxStep.ok = false;
    ctxStep.note = t('vtd.translate.reservedBitsSetInA2');
    return fail(DMA_FAULT.CONTEXT_ENTRY_RESERVED, ce.fpd, ce.did);
  }
  if (ce.tt === 3 || !awSupported(s, ce.aw)) {
    ctxStep.ok = false;
    ctxStep.note = ce.tt === 3 ? t('vtd.translate.translationType11bIsReserved') : t('vtd.translate.addressWidthAwIsNot', { aw: ce.aw });
    return fail(DMA_FAULT.INVALID_CONTEXT_ENTRY, ce.fpd, ce.did);
  }
  const at = req.at ?? 'untranslated';
  if (at !== 'untranslated' && ce.tt !== 1) {
    ctxStep.ok = false;
    ctxStep.note = t(at === 'translated' ? 'vtd.translate.ttDoesNotAllowAtsTranslated' : 'vtd.translate.ttDoesNotAllowAtsTranslation', { tt: ce.tt.toString(2).padStart(2, '0') });
    return fail(DMA_FAULT.TT_BLOCKED, ce.fpd, ce.did);
  }
  if (at === 'translated') {
    // An ATS-translated request on a context that allows them (TT = 01b): the device already translated the address
    // through its Device-TLB, so it is the host-physical address and no table is walked (VT-d spec 4.2.3,
    // "Handling of Translated Requests").
    ctxStep.note = t('vtd.translate.atsTranslatedNoWalk');
    return { ok: true, hpa: req.address, did: ce.did, pageSize: PAGE, write: req.write, steps };
  }
  if (ce.tt === 2) {
    // Pass-through: the address is the host-physical address (spec 3.9, TT = 10b).
    ctxStep.note = t('vtd.translate.passThroughNoTranslation');
    return { ok: true, hpa: req.address, did: ce.did, pageSize: PAGE, write: req.write, steps };
  }
  const width = Math.min(s.cap.mgaw, widthForAw(ce.aw));
  if (!Number.isSafeInteger(req.address) || req.address < 0 || req.address >= 2 ** width) {
    ctxStep.ok = false;
    ctxStep.note = t('vtd.translate.addressIsAbove21', { address: hex(req.address), width, mgaw: s.cap.mgaw, widthForAw: widthForAw(ce.aw) });
    return fail(DMA_FAULT.BEYOND_MGAW, ce.fpd, ce.did);
  }
  ctxStep.note = t('vtd.translate.noteToDomain', { note: ctxStep.note, did: ce.did });

  // Second-level walk.
  const levels = levelsForAw(ce.aw);
  let table = ce.slptptr;
  for (let level = levels; level >= 1; level--) {
    const index = Math.floor(req.address / 2 ** (12 + 9 * (level - 1))) % SL_ENTRIES;
    if (!inMemory(s, table)) {
      steps.push({ kind: 'sl', level, table, index, entry: '(unreadable)', ok: false, note: level === levels ? t('vtd.translate.slptptrPointsOutsideHostMemory') : t('vtd.translate.thePreviousEntrySAddr') });
      // spec 7.1.3: failing to read the table SLPTPTR references is an invalid context entry (3h); deeper levels 7h.
      return fail(level === levels ? DMA_FAULT.INVALID_CONTEXT_ENTRY : DMA_FAULT.NEXT_TABLE_INVALID, ce.fpd, ce.did);
    }
    const page = s.pages[table];
    const e = page?.kind === 'sl' ? page.entries[index] : undefined;
    // PS makes a leaf only at levels 2 (2 MiB) and 3 (1 GiB); in a level-4 or level-5 entry bit 7 is reserved (spec 9.8).
    const leaf = level === 1 || (level <= 3 && (e?.ps ?? false));
    const step: WalkStep = { kind: 'sl', level, table, index, entry: pteLine(e, leaf), ok: true, note: t('vtd.translate.levelEntry', { level, index }) };
    steps.push(step);
    const r = e?.r ?? false;
    const w = e?.w ?? false;
    if (req.write ? !w : !r) {
      step.ok = false;
      step.note = !r && !w ? t('vtd.translate.nothingMappedHereLevelThe', { level }) : t(req.write ? 'vtd.translate.w0ReadOnly' : 'vtd.translate.r0WriteOnly');
      return fail(req.write ? DMA_FAULT.WRITE_NOT_ALLOWED : DMA_FAULT.READ_NOT_ALLOWED, ce.fpd, ce.did);
    }
    if (e === undefined) return fail(DMA_FAULT.READ_NOT_ALLOWED, ce.fpd, ce.did);
    // Reserved: the entry's own reserved bits, PS in a level-4/5 entry, and in a superpage the address bits below
    // the page size (bits 20:12 of a 2-MiB, 29:12 of a 1-GiB leaf; spec 9.8, QEMU VTD_SPTE_LPAGE_L2/L3_RSVD_MASK).
    const pageSize = 2 ** (12 + 9 * (level - 1));
    if (e.reserved !== 0 || (e.ps && level > 3) || (leaf && e.addr % pageSize !== 0)) {
      step.ok = false;
      step.note = t('vtd.translate.reservedBitsSetInA3');
      return fail(DMA_FAULT.PTE_RESERVED, ce.fpd, ce.did);
    }
    if (leaf) {
      const hpa = e.addr + (req.address % pageSize);
      step.note = t('vtd.translate.levelPageHostPhysical', { level, size: pageSize === PAGE ? '4 KiB' : pageSize === 2 ** 21 ? '2 MiB' : '1 GiB', hpa: hex(hpa) });
      return { ok: true, hpa, did: ce.did, pageSize, write: req.write, steps };
    }
    table = e.addr;
  }
  return fail(DMA_FAULT.NEXT_TABLE_INVALID, ce.fpd, ce.did);
}
