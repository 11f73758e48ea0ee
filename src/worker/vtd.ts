/**
 * The worker's side of the I/O lab's DMA-remapping and shared-device tabs (src/core/vtd): one lab session (the
 * remapping unit, its tables, fault registers and the OS log) kept here between calls, commands that act on it, and
 * a plain-data view of it (bigints become hex strings). The SR-IOV tab is a pure function of its settings.
 */
import {
  DMA_DEMOS,
  IRQ_DEMOS,
  LAB_DEFAULTS,
  LAB_DEVICES,
  LAB_VMS,
  FAULT_MEANING,
  SRIOV_CPU_PER_VM_PERCENT,
  SRIOV_LINE_RATE_GBIT,
  SRIOV_MAX_VMS_MEASURED,
  checkSriov,
  contextEntryOf,
  encodeFaultRecord,
  faultLogLine,
  faultReason,
  formatBdf,
  fectlValue,
  fstsValue,
  irtEntries,
  newSession,
  parseBdf,
  remappableMsiAddress,
  rootEntryOf,
  runDma,
  runInterrupt,
  scaling,
  serviceNow,
  setMask,
  splitSourceId,
  vfIsolation,
  virtualFunctions,
  type DmaDemo,
  type FaultRecord,
  type IrqDemo,
  type LabDevice,
  type LabDmaResult,
  type LabIrqResult,
  type LabOptions,
  type LabSession,
  type LabVm,
  type LogFormat,
  type ScalingPoint,
  type SriovAssumptions,
  type VfDmaCheck,
  type VirtualFunction,
} from '../core/vtd/index.ts';
import { t } from '../i18n/t.ts';

export type VtdCommand =
  | { kind: 'view' }
  | { kind: 'reset'; nfr: number; collapse: boolean }
  | { kind: 'demo'; id: string }
  | { kind: 'dma'; device: string; address: string; write: boolean }
  | { kind: 'flood'; count: number }
  | { kind: 'mask'; im: boolean }
  | { kind: 'osHandles'; on: boolean }
  | { kind: 'service' }
  | { kind: 'format'; format: LogFormat };

export interface DecodedRecord {
  index: number;
  record: FaultRecord;
  /** 16 bytes as two 64-bit halves and byte by byte (little-endian, byte 0 first). */
  lo: string;
  hi: string;
  bytes: string[];
  reasonText: string;
  reasonKind: 'dma' | 'ir' | 'unknown';
  meaning: string;
  line: string;
  bdf: string;
}

export interface VtdDeviceRow extends LabDevice {
  bus: number;
  devfn: number;
  rootPresent: boolean;
  contextPresent: boolean;
  domain: number | null;
}

export interface VtdView {
  vms: LabVm[];
  devices: VtdDeviceRow[];
  dmaDemos: DmaDemo[];
  irqDemos: IrqDemo[];
  cap: { mgaw: number; sagaw: number; nfr: number };
  memoryTop: number;
  rtaddr: number;
  irta: { address: number; s: number; entries: number };
  /** The interrupt-remapping table's present entries (IRTE index, what it delivers, which requester may use it). */
  irtes: { index: number; vector: number; destination: number; svt: number; sq: number; sid: string; reserved: boolean }[];
  fsts: { value: number; pfo: boolean; ppf: boolean; fri: number };
  fectl: { value: number; im: boolean; ip: boolean };
  nextFrcd: number;
  faultEvents: number;
  records: DecodedRecord[];
  log: string[];
  format: LogFormat;
  osHandles: boolean;
  options: LabOptions;
  /** The last action's outcome, with the fault record as written (before the OS cleared it). */
  last: LastAction | null;
}

export type LastAction = { label: string; result: LabDmaResult | LabIrqResult; record: DecodedRecord | null; msiAddress: number | null } | { label: string; flood: { sent: number; recorded: number; lost: number; pfo: boolean; printed: string[] } };

export type VtdResponse = { ok: true; view: VtdView } | { ok: false; message: string; field?: 'device' | 'address' | 'count' | 'nfr' };

const hex16 = (v: bigint) => `0x${v.toString(16).padStart(16, '0')}`;

export function decodeRecord(r: FaultRecord, index: number, format: LogFormat): DecodedRecord {
  const enc = encodeFaultRecord(r);
  const reason = faultReason(r.reason);
  const { bus, dev, fn } = splitSourceId(r.sourceId);
  return {
    index,
    record: r,
    lo: hex16(enc.lo),
    hi: hex16(enc.hi),
    bytes: enc.bytes.map((b) => b.toString(16).padStart(2, '0')),
    reasonText: reason.text,
    reasonKind: reason.kind,
    meaning: FAULT_MEANING[r.reason] ?? '',
    line: faultLogLine(r, format),
    bdf: `${bus.toString(16).padStart(2, '0')}:${dev.toString(16).padStart(2, '0')}.${fn}`,
  };
}

let session: LabSession = newSession();
let last: LastAction | null = null;

function view(): VtdView {
  const s = session.hw;
  return {
    vms: LAB_VMS.map((v) => ({ ...v, readOnly: [...v.readOnly] })),
    devices: LAB_DEVICES.map((d) => {
      const { bus, devfn } = splitSourceId(d.sid);
      const re = rootEntryOf(s, bus);
      const ce = contextEntryOf(s, d.sid);
      return { ...d, bus, devfn, rootPresent: re?.present ?? false, contextPresent: ce?.present ?? false, domain: ce?.present === true ? ce.did : null };
    }),
    dmaDemos: DMA_DEMOS.map((d) => ({ ...d })),
    irqDemos: IRQ_DEMOS.map((d) => ({ ...d, request: { ...d.request } })),
    cap: { ...s.cap },
    memoryTop: s.memoryTop,
    rtaddr: s.regs.rtaddr,
    irta: { address: s.regs.irta.address, s: s.regs.irta.s, entries: irtEntries(s) },
    irtes: Object.entries(s.irt)
      .filter(([, e]) => e.present)
      .map(([k, e]) => ({ index: Number(k), vector: e.vector, destination: e.destination, svt: e.svt, sq: e.sq, sid: formatBdf(e.sid), reserved: e.reserved !== 0 })),
    fsts: { value: fstsValue(s), ...s.regs.fsts },
    fectl: { value: fectlValue(s), ...s.regs.fectl },
    nextFrcd: s.nextFrcd,
    faultEvents: s.faultEvents,
    records: s.frcd.map((r, k) => decodeRecord({ ...r }, k, session.format)),
    log: [...session.log],
    format: session.format,
    osHandles: session.osHandles,
    options: { ...session.options },
    last,
  };
}

/** Address text: hex (0x… or with _ separators) or decimal; must be a safe non-negative integer. */
export function parseAddress(text: string): number | null {
  const t = text.trim().replace(/_/g, '');
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) return null;
  const v = Number(t);
  return Number.isSafeInteger(v) && v >= 0 ? v : null;
}

function runDemo(id: string): VtdResponse {
  const d = DMA_DEMOS.find((x) => x.id === id);
  if (d !== undefined) {
    const { result, recordSnapshot } = runDma(session, { sourceId: parseBdf(d.device) as number, address: d.address, write: d.write, at: d.at, badRtaddr: d.badRtaddr });
    last = { label: d.label, result, record: recordSnapshot === null || result.recordIndex === null ? null : decodeRecord(recordSnapshot, result.recordIndex, session.format), msiAddress: null };
    return { ok: true, view: view() };
  }
  const q = IRQ_DEMOS.find((x) => x.id === id);
  if (q !== undefined) {
    const { result, recordSnapshot } = runInterrupt(session, q.request);
    last = {
      label: q.label,
      result,
      record: recordSnapshot === null || result.recordIndex === null ? null : decodeRecord(recordSnapshot, result.recordIndex, session.format),
      msiAddress: q.request.format === 'remappable' ? remappableMsiAddress(q.request.handle, q.request.shv) : null,
    };
    return { ok: true, view: view() };
  }
  return { ok: false, message: t('worker.vtd.noDemo', { id }) };
}

export function vtdCommand(cmd: VtdCommand): VtdResponse {
  switch (cmd.kind) {
    case 'view':
      return { ok: true, view: view() };
    case 'reset': {
      if (!Number.isInteger(cmd.nfr) || cmd.nfr < 1 || cmd.nfr > 256) return { ok: false, field: 'nfr', message: t('worker.vtd.nfr') };
      const keep = { format: session.format, osHandles: session.osHandles };
      session = newSession({ nfr: cmd.nfr, collapseSameSource: cmd.collapse }, keep.format);
      session.osHandles = keep.osHandles;
      last = null;
      return { ok: true, view: view() };
    }
    case 'demo':
      return runDemo(cmd.id);
    case 'dma': {
      const sid = parseBdf(cmd.device);
      if (sid === null) return { ok: false, field: 'device', message: t('worker.vtd.requester') };
      const address = parseAddress(cmd.address);
      if (address === null) return { ok: false, field: 'address', message: t('worker.vtd.address') };
      const { result, recordSnapshot } = runDma(session, { sourceId: sid, address, write: cmd.write });
      last = { label: t(cmd.write ? 'worker.vtd.writeBy' : 'worker.vtd.readBy', { device: cmd.device.trim(), address: address.toString(16) }), result, record: recordSnapshot === null || result.recordIndex === null ? null : decodeRecord(recordSnapshot, result.recordIndex, session.format), msiAddress: null };
      return { ok: true, view: view() };
    }
    case 'flood': {
      if (!Number.isInteger(cmd.count) || cmd.count < 1 || cmd.count > 64) return { ok: false, field: 'count', message: t('worker.vtd.floodCount') };
      const nic = parseBdf('03:00.0') as number;
      let recorded = 0;
      let lost = 0;
      const printed: string[] = [];
      for (let k = 0; k < cmd.count; k++) {
        const { result } = runDma(session, { sourceId: nic, address: LAB_VMS[1].hostBase + k * 4096, write: true });
        if (result.record?.recorded === true) recorded++;
        else lost++;
        printed.push(...result.printed);
      }
      last = { label: t('worker.vtd.flood', { n: cmd.count }), flood: { sent: cmd.count, recorded, lost, pfo: session.hw.regs.fsts.pfo, printed } };
      return { ok: true, view: view() };
    }
    case 'mask':
      setMask(session, cmd.im);
      return { ok: true, view: view() };
    case 'osHandles':
      session.osHandles = cmd.on;
      return { ok: true, view: view() };
    case 'service':
      serviceNow(session);
      return { ok: true, view: view() };
    case 'format':
      session.format = cmd.format;
      return { ok: true, view: view() };
  }
}

// ------------------------------------------------------------------ SR-IOV

export interface SriovRequest {
  vfs: number;
  firstVfOffset: number;
  vfStride: number;
  perVmGbit: number;
}

export interface SriovResult {
  pf: string;
  vfs: VirtualFunction[];
  scaling: ScalingPoint[];
  isolation: VfDmaCheck[];
  lineRateGbit: number;
  cpuPerVmPercent: number;
  maxVmsMeasured: number;
}

export type SriovResponse = { ok: true; result: SriovResult } | { ok: false; field: string; message: string };

export function runSriov(r: SriovRequest): SriovResponse {
  const a: SriovAssumptions = { pfBus: 0x03, pfDevfn: 0x00, firstVfOffset: r.firstVfOffset, vfStride: r.vfStride, perVmGbit: r.perVmGbit };
  const c = checkSriov(a, r.vfs);
  if (!c.ok) return { ok: false, field: c.field, message: c.message };
  return {
    ok: true,
    result: {
      pf: '03:00.0',
      vfs: virtualFunctions(a, r.vfs),
      scaling: scaling(a, Math.max(r.vfs, SRIOV_MAX_VMS_MEASURED)),
      isolation: vfIsolation(a, r.vfs),
      lineRateGbit: SRIOV_LINE_RATE_GBIT,
      cpuPerVmPercent: SRIOV_CPU_PER_VM_PERCENT,
      maxVmsMeasured: SRIOV_MAX_VMS_MEASURED,
    },
  };
}

export { LAB_DEFAULTS };
