/**
 * The DMA-remapping lab's platform: one remapping unit, two VMs each with an assigned device, and the requests the
 * lab's buttons send (white paper §3.3.5: device assignment, DMA remapping, DMA fault recording and reporting).
 *
 *   VM1 "Linux guest (firewall + PBX)"      NIC 03:00.0        domain 1, guest-physical 0–8 MiB → host 0x1000_0000
 *   VM2 "Windows guest (streaming server)"  disk ctl 04:00.0   domain 2, guest-physical 0–8 MiB → host 0x2000_0000
 *
 * Memory sizes, addresses, bus numbers and the capability (MGAW 48, SAGAW 39/48-bit, NFR) are lab choices, not
 * measurements: the screen says so. Functions on buses 06, 08 and 09 are test functions whose tables the lab
 * misprograms on purpose, one fault reason each, so that every reason code can be triggered.
 * Plain data; the same actions on the same state give the same result.
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/vtd.ts';
import { createHardware, mapPage, mapRange, newDomainTable, parseBdf, rootEntryOf, setContext, sourceId, formatBdf, PAGE, type VtdState } from './hardware.ts';
import { dmaAccess } from './dma.ts';
import type { AddressType, Translation } from './translate.ts';
import { serviceFaults, setFaultInterruptMask, type LogFormat, type RecordOutcome } from './faults.ts';
import { remapInterrupt, setIrte, type InterruptRequest, type IrResult } from './interrupts.ts';

export const MIB = 1024 * 1024;

export interface LabVm {
  id: number;
  name: string;
  domain: number;
  /** Guest-physical memory 0 … bytes, backed by host-physical hostBase …. */
  bytes: number;
  hostBase: number;
  /** Guest-physical pages mapped read-only for the device. */
  readOnly: number[];
}

export interface LabDevice {
  sid: number;
  bdf: string;
  name: string;
  /** VM it is assigned to (null: none). */
  vm: number | null;
  note: string;
}

export const LAB_VMS: readonly LabVm[] = [
  { id: 1, name: t('vtd.lab.vm1LinuxGuestFirewallPbxName'), domain: 1, bytes: 8 * MIB, hostBase: 0x1000_0000, readOnly: [0x40_0000] },
  { id: 2, name: t('vtd.lab.vm2WindowsGuestStreamingServerName'), domain: 2, bytes: 8 * MIB, hostBase: 0x2000_0000, readOnly: [] },
];

const NIC = sourceId(0x03, 0x00, 0);
const DISK = sourceId(0x04, 0x00, 0);
const sid = (b: string) => parseBdf(b) as number;

export const LAB_DEVICES: readonly LabDevice[] = [
  { sid: NIC, bdf: '03:00.0', name: t('vtd.lab.networkCardAssignedName'), vm: 1, note: t('vtd.lab.contextEntryDomain1') },
  { sid: DISK, bdf: '04:00.0', name: t('vtd.lab.diskControllerAssignedName'), vm: 2, note: t('vtd.lab.contextEntryDomain2') },
  { sid: sid('03:00.1'), bdf: '03:00.1', name: t('vtd.lab.unknownFunctionOnTheNicName'), vm: null, note: t('vtd.lab.noContextEntry') },
  { sid: sid('07:00.0'), bdf: '07:00.0', name: t('vtd.lab.deviceOnBus07Name'), vm: null, note: t('vtd.lab.noRootEntryForBus') },
  { sid: sid('06:00.0'), bdf: '06:00.0', name: t('vtd.lab.testFunctionAw57BitName'), vm: null, note: t('vtd.lab.awNotInSagaw') },
  { sid: sid('06:00.1'), bdf: '06:00.1', name: t('vtd.lab.testFunctionReservedBitsContextName'), vm: null, note: t('vtd.lab.reservedBits') },
  { sid: sid('06:00.2'), bdf: '06:00.2', name: t('vtd.lab.testFunctionTt00NoName'), vm: null, note: t('vtd.lab.translationRequestsBlocked') },
  { sid: sid('06:00.3'), bdf: '06:00.3', name: t('vtd.lab.testFunctionSlptptrOutsideMemoryName'), vm: null, note: t('vtd.lab.tableUnreadable') },
  { sid: sid('06:00.4'), bdf: '06:00.4', name: t('vtd.lab.testFunctionNextTablePointerName'), vm: null, note: t('vtd.lab.level2TableUnreadable') },
  { sid: sid('06:00.5'), bdf: '06:00.5', name: t('vtd.lab.testFunctionReservedBitsPteName'), vm: null, note: t('vtd.lab.reservedBits') },
  { sid: sid('06:00.6'), bdf: '06:00.6', name: t('vtd.lab.testFunctionFpd1Name'), vm: null, note: t('vtd.lab.faultsBlockedNotRecorded') },
  { sid: sid('08:00.0'), bdf: '08:00.0', name: t('vtd.lab.testFunctionReservedBitsRootName'), vm: null, note: t('vtd.lab.bus08RootEntry') },
  { sid: sid('09:00.0'), bdf: '09:00.0', name: t('vtd.lab.testFunctionCtpOutsideMemoryName'), vm: null, note: t('vtd.lab.bus09ContextTableUnreadable') },
];

/** IRTEs: 0 for the NIC, 1 for the disk controller; 6 deliberately has reserved bits; table size 2^(7+1) = 256. */
export const IRT_SIZE_FIELD = 7;

export interface LabOptions {
  /** Number of fault recording registers (CAP.NFR + 1): implementation-specific, an assumption. */
  nfr: number;
  collapseSameSource: boolean;
}

export const LAB_DEFAULTS: LabOptions = { nfr: 4, collapseSameSource: false };

/** Host memory of the modelled machine (lab choice): 1 GiB. */
export const LAB_MEMORY_TOP = 0x4000_0000;
const OUTSIDE = 0x8_0000_0000; // 32 GiB: beyond host memory, for the unreadable-pointer test functions

export function buildLabHardware(o: LabOptions = LAB_DEFAULTS): VtdState {
  const s = createHardware({ cap: { mgaw: 48, sagaw: (1 << 1) | (1 << 2), nfr: o.nfr }, memoryTop: LAB_MEMORY_TOP, tableBase: 0x0010_0000, irtSizeField: IRT_SIZE_FIELD, collapseSameSource: o.collapseSameSource });
  const domainTop: Record<number, number> = {};
  for (const vm of LAB_VMS) {
    const top = newDomainTable(s);
    domainTop[vm.domain] = top;
    mapRange(s, top, 3, 0, vm.hostBase, vm.bytes, { r: true, w: true });
    for (const ro of vm.readOnly) mapPage(s, top, 3, ro, vm.hostBase + ro, { r: true, w: false });
  }
  setContext(s, NIC, { did: 1, slptptr: domainTop[1], aw: 1 });
  setContext(s, DISK, { did: 2, slptptr: domainTop[2], aw: 1 });
  // Test functions (one defect each), all in a small domain 9 with one mapped page.
  const t = newDomainTable(s);
  mapPage(s, t, 3, 0x1000, 0x3000_0000, { r: true, w: true });
  setContext(s, sid('06:00.0'), { did: 9, slptptr: t, aw: 3 });
  setContext(s, sid('06:00.1'), { did: 9, slptptr: t, aw: 1, reserved: 0x80 });
  setContext(s, sid('06:00.2'), { did: 9, slptptr: t, aw: 1, tt: 0 });
  setContext(s, sid('06:00.3'), { did: 9, slptptr: OUTSIDE, aw: 1 });
  const t4 = newDomainTable(s);
  mapPage(s, t4, 3, 0x1000, 0x3000_0000, { r: true, w: true });
  const l3 = s.pages[t4];
  if (l3.kind === 'sl') l3.entries[0] = { ...l3.entries[0], addr: OUTSIDE };
  setContext(s, sid('06:00.4'), { did: 10, slptptr: t4, aw: 1 });
  const t5 = newDomainTable(s);
  mapPage(s, t5, 3, 0x1000, 0x3000_0000, { r: true, w: true });
  markLeafReserved(s, t5, 0x1000);
  setContext(s, sid('06:00.5'), { did: 11, slptptr: t5, aw: 1 });
  setContext(s, sid('06:00.6'), { did: 9, slptptr: t, aw: 1, fpd: true });
  setContext(s, sid('08:00.0'), { did: 9, slptptr: t, aw: 1 });
  const re8 = rootEntryOf(s, 0x08);
  if (re8 !== undefined) re8.reserved = 0x800;
  setContext(s, sid('09:00.0'), { did: 9, slptptr: t, aw: 1 });
  const re9 = rootEntryOf(s, 0x09);
  if (re9 !== undefined) re9.ctp = OUTSIDE;
  // Interrupt remapping: each device may use only its own entry (SVT = 01, SQ = 00: all 16 bits compared).
  setIrte(s, 0, { vector: 0x41, destination: 1, sid: NIC });
  setIrte(s, 1, { vector: 0x42, destination: 2, sid: DISK });
  setIrte(s, 6, { vector: 0x46, destination: 1, sid: NIC, reserved: 0x10 });
  return s;
}

function markLeafReserved(s: VtdState, top: number, iova: number): void {
  let table = top;
  for (let level = 3; level >= 1; level--) {
    const p = s.pages[table];
    if (p.kind !== 'sl') return;
    const i = Math.floor(iova / 2 ** (12 + 9 * (level - 1))) % 512;
    if (level === 1) {
      p.entries[i] = { ...p.entries[i], reserved: 0x800 };
      return;
    }
    table = p.entries[i].addr;
  }
}

// ------------------------------------------------------------------ the buttons

export interface DmaDemo {
  id: string;
  label: string;
  /** What happens and why, one sentence. */
  story: string;
  device: string;
  address: number;
  write: boolean;
  at?: AddressType;
  /** Expected reason (null: allowed). */
  expect: number | null;
  /** Main buttons versus the "every fault reason" list. */
  group: 'main' | 'more';
  /** Temporarily point RTADDR outside memory (the root table unreadable). */
  badRtaddr?: boolean;
}

export const DMA_DEMOS: readonly DmaDemo[] = [
  { id: 'good', label: t('vtd.lab.goodDmaNicWritesA'), story: t('vtd.lab.theNicWritesAReceived'), device: '03:00.0', address: 0x12_3400, write: true, expect: null, group: 'main' },
  { id: 'escape-write', label: t('vtd.lab.maliciousNicWritesIntoVm2'), story: t('vtd.lab.aBuggyOrMaliciousNic'), device: '03:00.0', address: 0x2000_1000, write: true, expect: 0x5, group: 'main' },
  { id: 'escape-read', label: t('vtd.lab.maliciousNicReadsVm2S'), story: t('vtd.lab.theSameNicTriesTo'), device: '03:00.0', address: 0x2000_1000, write: false, expect: 0x6, group: 'main' },
  { id: 'beyond', label: t('vtd.lab.nicWritesPastTheEnd'), story: t('vtd.lab.aDriverBugMakesThe'), device: '03:00.0', address: 0x90_0000, write: true, expect: 0x5, group: 'main' },
  { id: 'readonly', label: t('vtd.lab.writeToAReadOnly'), story: t('vtd.lab.vm1SPageAt0x40'), device: '03:00.0', address: 0x40_0010, write: true, expect: 0x5, group: 'main' },
  { id: 'unknown', label: t('vtd.lab.unknownDeviceNoContextEntry'), story: t('vtd.lab.function03001Was'), device: '03:00.1', address: 0x12_3400, write: true, expect: 0x2, group: 'main' },
  { id: 'disk-good', label: t('vtd.lab.goodDmaDiskControllerReads'), story: t('vtd.lab.vm2SDiskControllerReads'), device: '04:00.0', address: 0x30_0000, write: false, expect: null, group: 'main' },
  { id: 'no-root', label: t('vtd.lab.deviceOnABusWith'), story: t('vtd.lab.bus07HasNoContext'), device: '07:00.0', address: 0x1000, write: true, expect: 0x1, group: 'more' },
  { id: 'mgaw', label: t('vtd.lab.addressBeyondTheAddressWidth'), story: t('vtd.lab.theNicUsesAddress2'), device: '03:00.0', address: 2 ** 39, write: true, expect: 0x4, group: 'more' },
  { id: 'aw', label: t('vtd.lab.contextEntryWithAnUnsupported'), story: t('vtd.lab.testFunction06000'), device: '06:00.0', address: 0x1000, write: true, expect: 0x3, group: 'more' },
  { id: 'slptptr', label: t('vtd.lab.slptptrOutsideMemory'), story: t('vtd.lab.testFunction06003'), device: '06:00.3', address: 0x1000, write: true, expect: 0x3, group: 'more' },
  { id: 'next-table', label: t('vtd.lab.nextTablePointerOutsideMemory'), story: t('vtd.lab.testFunction06004'), device: '06:00.4', address: 0x1000, write: true, expect: 0x7, group: 'more' },
  { id: 'rtaddr', label: t('vtd.lab.rootTableAddressInvalid'), story: t('vtd.lab.theVmmProgramsRtaddrReg'), device: '03:00.0', address: 0x12_3400, write: true, expect: 0x8, group: 'more', badRtaddr: true },
  { id: 'ctp', label: t('vtd.lab.contextTablePointerOutsideMemory'), story: t('vtd.lab.bus09SRootEntry'), device: '09:00.0', address: 0x1000, write: true, expect: 0x9, group: 'more' },
  { id: 'root-rsvd', label: t('vtd.lab.reservedBitsInARoot'), story: t('vtd.lab.bus08SRootEntry'), device: '08:00.0', address: 0x1000, write: true, expect: 0xa, group: 'more' },
  { id: 'ctx-rsvd', label: t('vtd.lab.reservedBitsInAContext'), story: t('vtd.lab.testFunction06001'), device: '06:00.1', address: 0x1000, write: true, expect: 0xb, group: 'more' },
  { id: 'pte-rsvd', label: t('vtd.lab.reservedBitsInAPage'), story: t('vtd.lab.testFunction06005'), device: '06:00.5', address: 0x1000, write: true, expect: 0xc, group: 'more' },
  { id: 'ats', label: t('vtd.lab.atsTranslationRequestWithTt'), story: t('vtd.lab.testFunction06002'), device: '06:00.2', address: 0x1000, write: false, at: 'translation-request', expect: 0xd, group: 'more' },
  { id: 'fpd', label: t('vtd.lab.faultWithFpd1Not'), story: t('vtd.lab.testFunction06006'), device: '06:00.6', address: 0x5000, write: true, expect: 0x5, group: 'more' },
];

export interface IrqDemo {
  id: string;
  label: string;
  story: string;
  request: InterruptRequest;
  expect: number | null;
}

export const IRQ_DEMOS: readonly IrqDemo[] = [
  { id: 'irq-good', label: t('vtd.lab.nicInterruptThroughItsOwn'), story: t('vtd.lab.theNicSignalsAReceived'), request: { sourceId: NIC, format: 'remappable', handle: 0, shv: false, data: 0 }, expect: null },
  { id: 'irq-spoof', label: t('vtd.lab.nicUsesTheDiskS'), story: t('vtd.lab.theNicSendsHandle1'), request: { sourceId: NIC, format: 'remappable', handle: 1, shv: false, data: 0 }, expect: 0x26 },
  { id: 'irq-index', label: t('vtd.lab.handleBeyondTheTable'), story: t('vtd.lab.handle300IsBeyondThe'), request: { sourceId: NIC, format: 'remappable', handle: 300, shv: false, data: 0 }, expect: 0x21 },
  { id: 'irq-absent', label: t('vtd.lab.irteNotPresent'), story: t('vtd.lab.handle5SelectsAnEntry'), request: { sourceId: NIC, format: 'remappable', handle: 5, shv: false, data: 0 }, expect: 0x22 },
  { id: 'irq-rsvd', label: t('vtd.lab.irteWithReservedBits'), story: t('vtd.lab.irte6HasAReserved'), request: { sourceId: NIC, format: 'remappable', handle: 6, shv: false, data: 0 }, expect: 0x24 },
  { id: 'irq-compat', label: t('vtd.lab.oldFormatCompatibilityInterrupt'), story: t('vtd.lab.theNicWritesACompatibility'), request: { sourceId: NIC, format: 'compatibility', handle: 0, shv: false, data: 0x41 }, expect: 0x25 },
  { id: 'irq-req-rsvd', label: t('vtd.lab.requestWithReservedFields'), story: t('vtd.lab.shv1ButTheMsi'), request: { sourceId: NIC, format: 'remappable', handle: 0, shv: true, data: 0x1_0000 }, expect: 0x20 },
];

// ------------------------------------------------------------------ a lab session

export interface LabSession {
  hw: VtdState;
  options: LabOptions;
  /** The OS's log (dmesg). */
  log: string[];
  format: LogFormat;
  /** The OS's fault handler runs when a fault event interrupt arrives. */
  osHandles: boolean;
}

export function newSession(o: LabOptions = LAB_DEFAULTS, format: LogFormat = 'current'): LabSession {
  return { hw: buildLabHardware(o), options: { ...o }, log: [], format, osHandles: true };
}

export interface LabDmaResult {
  kind: 'dma';
  request: { sourceId: number; bdf: string; address: number; write: boolean; at: AddressType };
  translation: Translation;
  record: RecordOutcome | null;
  /** The record as written (before the OS cleared it), when one was written. */
  recordIndex: number | null;
  /** OS lines printed by this action. */
  printed: string[];
}

export interface LabIrqResult {
  kind: 'irq';
  request: InterruptRequest & { bdf: string };
  result: IrResult;
  recordIndex: number | null;
  printed: string[];
}

/** Snapshot of a recorded fault (taken at recording time, so the screen can decode it after the OS clears F). */
export function takeRecord(s: VtdState, index: number | null) {
  return index === null ? null : { ...s.frcd[index] };
}

function afterFault(ses: LabSession, record: RecordOutcome | null): string[] {
  if (record === null || !record.recorded || record.event !== 'interrupt' || !ses.osHandles) return [];
  const r = serviceFaults(ses.hw, ses.format);
  ses.log.push(...r.lines);
  return r.lines;
}

export function runDma(ses: LabSession, req: { sourceId: number; address: number; write: boolean; at?: AddressType; badRtaddr?: boolean }): { result: LabDmaResult; recordSnapshot: ReturnType<typeof takeRecord> } {
  const at = req.at ?? 'untranslated';
  const saved = ses.hw.regs.rtaddr;
  if (req.badRtaddr === true) ses.hw.regs.rtaddr = 0x8_0000_0000;
  const out = dmaAccess(ses.hw, { sourceId: req.sourceId, address: req.address, write: req.write, at });
  ses.hw.regs.rtaddr = saved;
  const recordIndex = out.record !== null && out.record.recorded ? out.record.index : null;
  const recordSnapshot = takeRecord(ses.hw, recordIndex);
  const printed = afterFault(ses, out.record);
  return { result: { kind: 'dma', request: { sourceId: req.sourceId, bdf: formatBdf(req.sourceId), address: req.address, write: req.write, at }, translation: out.translation, record: out.record, recordIndex, printed }, recordSnapshot };
}

export function runInterrupt(ses: LabSession, req: InterruptRequest): { result: LabIrqResult; recordSnapshot: ReturnType<typeof takeRecord> } {
  const r = remapInterrupt(ses.hw, req);
  const record = r.ok ? null : r.record;
  const recordIndex = record !== null && record.recorded ? record.index : null;
  const recordSnapshot = takeRecord(ses.hw, recordIndex);
  const printed = afterFault(ses, record);
  return { result: { kind: 'irq', request: { ...req, bdf: formatBdf(req.sourceId) }, result: r, recordIndex, printed }, recordSnapshot };
}

/** The OS masks or unmasks the fault event; unmasking with IP set delivers it, and the handler runs. */
export function setMask(ses: LabSession, im: boolean): string[] {
  const ev = setFaultInterruptMask(ses.hw, im);
  if (ev === 'interrupt' && ses.osHandles) {
    const r = serviceFaults(ses.hw, ses.format);
    ses.log.push(...r.lines);
    return r.lines;
  }
  return [];
}

/** Software runs the handler now (e.g. polling with the event masked). */
export function serviceNow(ses: LabSession): string[] {
  const r = serviceFaults(ses.hw, ses.format);
  ses.log.push(...r.lines);
  return r.lines;
}

/** Which VM's host memory a host-physical address falls in (for the property test and the screen). */
export function vmOfHostAddress(hpa: number): LabVm | null {
  return LAB_VMS.find((v) => hpa >= v.hostBase && hpa < v.hostBase + v.bytes) ?? null;
}

export const LAB_PAGE = PAGE;
