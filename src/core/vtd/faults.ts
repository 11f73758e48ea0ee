/**
 * Primary fault logging and the fault event (Intel VT-d Architecture Specification Rev. 5.10, D51397-018: 7.2.1
 * "Primary Fault Logging" (7.3.1 in older revisions), 7.3 "Non-Recoverable Fault Event"; registers 11.4.7.1 Fault Status,
 * 11.4.7.2 Fault Event Control, 11.4.7.6 Fault Recording Registers [n]), and the OS side: Linux's
 * `dmar_fault` handler and the line `dmar_fault_do_one` prints (drivers/iommu/intel/dmar.c).
 *
 * Hardware behaviour, in the order spec 7.2.1 lists the steps (QEMU hw/i386/intel_iommu.c `vtd_report_frcd_fault`,
 * `vtd_generate_fault_event` does the same):
 * a fault is dropped while FSTS.PFO is set; if the next fault recording register still holds a fault (F = 1) the
 * records are full: PFO is set and the fault is lost; otherwise the record is written, F set, the index advances
 * (wrapping), and if no fault was pending before (PPF = 0) FRI points at this record, PPF is set and a fault event
 * is signalled: an interrupt, or, with FECTL.IM set, only FECTL.IP (delivered when software clears IM).
 */
import { faultReason } from './reasons.ts';
import { formatBdf, splitSourceId, type FaultRecord, type VtdState } from './hardware.ts';

export type RecordOutcome =
  | { recorded: true; index: number; event: 'interrupt' | 'pending' | 'none' }
  | { recorded: false; why: 'fpd' | 'pfo' | 'overflow' | 'collapsed' };

export interface FaultInput {
  sourceId: number;
  reason: number;
  write: boolean;
  /** DMA: the faulting address (recorded page-aligned). Interrupt remapping: ignored. */
  address: number;
  /** Interrupt remapping: the interrupt index (recorded in FI bits 63:48). */
  irIndex?: number;
}

/** PPF is "any fault recording register has F set" (QEMU vtd_update_fsts_ppf). */
function updatePpf(s: VtdState): void {
  s.regs.fsts.ppf = s.frcd.some((r) => r.f);
}

/** Signals a fault event if nothing was pending before this fault (spec 7.3; QEMU vtd_generate_fault_event). */
function faultEvent(s: VtdState, pre: { ppf: boolean; pfo: boolean }): 'interrupt' | 'pending' | 'none' {
  if (pre.ppf || pre.pfo) return 'none';
  s.regs.fectl.ip = true;
  if (s.regs.fectl.im) return 'pending';
  s.faultEvents += 1;
  s.regs.fectl.ip = false;
  return 'interrupt';
}

export function recordFault(s: VtdState, f: FaultInput): RecordOutcome {
  const pre = { ppf: s.regs.fsts.ppf, pfo: s.regs.fsts.pfo };
  if (pre.pfo) return { recorded: false, why: 'pfo' };
  if (s.collapseSameSource && s.frcd.some((r) => r.f && r.sourceId === f.sourceId)) return { recorded: false, why: 'collapsed' };
  const index = s.nextFrcd;
  if (s.frcd[index].f) {
    s.regs.fsts.pfo = true;
    return { recorded: false, why: 'overflow' };
  }
  const ir = f.irIndex !== undefined;
  s.frcd[index] = {
    f: true,
    type: f.write ? 'write' : 'read',
    reason: f.reason,
    sourceId: f.sourceId & 0xffff,
    faultInfo: ir ? 0 : f.address - (f.address % 4096),
    irIndex: ir ? (f.irIndex as number) & 0xffff : null,
  };
  if (!pre.ppf) s.regs.fsts.fri = index;
  s.nextFrcd = (index + 1) % s.frcd.length;
  updatePpf(s);
  return { recorded: true, index, event: faultEvent(s, pre) };
}

/** Software writes FECTL.IM: clearing it with IP set delivers the pending fault event (spec 7.3, 11.4.7.2). */
export function setFaultInterruptMask(s: VtdState, im: boolean): 'interrupt' | 'none' {
  s.regs.fectl.im = im;
  if (!im && s.regs.fectl.ip) {
    s.regs.fectl.ip = false;
    s.faultEvents += 1;
    return 'interrupt';
  }
  return 'none';
}

// ------------------------------------------------------------------ encoding (FRCD_REG, 128 bits; spec 11.4.7.6)

/**
 * The record as the register holds it: low 64 bits FI (bits 63:12 address; for interrupt faults the index in
 * bits 63:48); high 64 bits: SID 15:0, FR 39:32, T bit 62 (1 = read), F bit 63 (spec 11.4.7.6; Linux
 * dma_frcd_source_id / dma_frcd_fault_reason / dma_frcd_type / DMA_FRCD_F; QEMU VTD_FRCD_SID/FR/T/F).
 */
export function encodeFaultRecord(r: FaultRecord): { lo: bigint; hi: bigint; bytes: number[] } {
  const lo = r.irIndex !== null ? BigInt(r.irIndex & 0xffff) << 48n : BigInt(r.faultInfo) & ~0xfffn;
  let hi = BigInt(r.sourceId & 0xffff) | (BigInt(r.reason & 0xff) << 32n);
  if (r.type === 'read') hi |= 1n << 62n;
  if (r.f) hi |= 1n << 63n;
  const bytes: number[] = [];
  for (const q of [lo, hi]) for (let i = 0n; i < 8n; i++) bytes.push(Number((q >> (8n * i)) & 0xffn));
  return { lo, hi, bytes };
}

/** Reads a record back from its 16 bytes (little-endian), the way Linux's dmar_fault does. */
export function decodeFaultRecord(bytes: readonly number[], irFormat: boolean): FaultRecord {
  if (bytes.length !== 16) throw new RangeError('a fault record is 16 bytes');
  let lo = 0n;
  let hi = 0n;
  for (let i = 7; i >= 0; i--) lo = (lo << 8n) | BigInt(bytes[i] & 0xff);
  for (let i = 15; i >= 8; i--) hi = (hi << 8n) | BigInt(bytes[i] & 0xff);
  return {
    f: ((hi >> 63n) & 1n) === 1n,
    type: ((hi >> 62n) & 1n) === 1n ? 'read' : 'write',
    reason: Number((hi >> 32n) & 0xffn),
    sourceId: Number(hi & 0xffffn),
    faultInfo: irFormat ? 0 : Number(lo & ~0xfffn),
    irIndex: irFormat ? Number(lo >> 48n) : null,
  };
}

/** FSTS_REG as a 32-bit value: PFO bit 0, PPF bit 1, FRI bits 15:8 (Linux DMA_FSTS_PFO/PPF, dma_fsts_fault_record_index). */
export function fstsValue(s: VtdState): number {
  return (s.regs.fsts.pfo ? 1 : 0) | (s.regs.fsts.ppf ? 2 : 0) | ((s.regs.fsts.fri & 0xff) << 8);
}

/** FECTL_REG as a 32-bit value: IM bit 31, IP bit 30. */
export function fectlValue(s: VtdState): number {
  return ((s.regs.fectl.im ? 1 : 0) * 2 ** 31) + (s.regs.fectl.ip ? 2 ** 30 : 0);
}

// ------------------------------------------------------------------ the OS: log lines and the handler

export type LogFormat = 'current' | 'v4.7';

const h2 = (n: number) => n.toString(16).padStart(2, '0');

/**
 * The line Linux prints for one fault record (`dmar_fault_do_one`, pr_fmt "DMAR: ").
 * current (drivers/iommu/intel/dmar.c today): "DMAR: [DMA Write NO_PASID] Request device [bb:dd.f] fault addr 0x…
 * [fault reason 0x05] PTE Write access is not set"; interrupt faults "DMAR: [INTR-REMAP] Request device [bb:dd.f]
 * fault index 0x… [fault reason 0x22] …".
 * v4.7 (commit a0fe14d7, "Improve fault handler error messages"): "[DMA Write] … fault addr %llx [fault reason %02d]",
 * the form usage-models.md §E quotes; the reason is printed in decimal there.
 */
export function faultLogLine(r: FaultRecord, format: LogFormat = 'current'): string {
  const { bus, dev, fn } = splitSourceId(r.sourceId);
  const bdf = `${h2(bus)}:${h2(dev)}.${fn}`;
  const { kind, text } = faultReason(r.reason);
  if (kind === 'ir') {
    const idx = (r.irIndex ?? 0).toString(16);
    return format === 'current'
      ? `DMAR: [INTR-REMAP] Request device [${bdf}] fault index 0x${idx} [fault reason 0x${h2(r.reason)}] ${text}` // i18n-ignore: verbatim Linux dmesg format
      : `DMAR: [INTR-REMAP] Request device [${bdf}] fault index ${idx} [fault reason ${String(r.reason).padStart(2, '0')}] ${text}`; // i18n-ignore: verbatim Linux dmesg format
  }
  const type = r.type === 'read' ? 'DMA Read' : 'DMA Write'; // i18n-ignore: Linux dmesg tokens
  const addr = r.faultInfo.toString(16);
  return format === 'current'
    ? `DMAR: [${type} NO_PASID] Request device [${bdf}] fault addr 0x${addr} [fault reason 0x${h2(r.reason)}] ${text}` // i18n-ignore: verbatim Linux dmesg format
    : `DMAR: [${type}] Request device [${bdf}] fault addr ${addr} [fault reason ${String(r.reason).padStart(2, '0')}] ${text}`; // i18n-ignore: verbatim Linux dmesg format
}

export interface ServiceResult {
  /** Lines printed, in order ("DRHD: handling fault status reg …" first). */
  lines: string[];
  /** Records read and cleared, in service order. */
  records: FaultRecord[];
  /** FSTS as the handler read it. */
  fsts: number;
}

/**
 * Linux `dmar_fault`: read FSTS; if PPF, start at FRI and for each record with F set print it and write F = 1 to
 * clear it, moving to the next index (wrapping) until a record without F; then write PFO | PPF to FSTS to clear them.
 */
export function serviceFaults(s: VtdState, format: LogFormat = 'current'): ServiceResult {
  const fsts = fstsValue(s);
  const lines: string[] = [];
  const records: FaultRecord[] = [];
  if (fsts !== 0) lines.push(`DMAR: DRHD: handling fault status reg ${fsts.toString(16)}`); // i18n-ignore: verbatim Linux dmesg line
  if (s.regs.fsts.ppf) {
    let i = s.regs.fsts.fri;
    for (let n = 0; n < s.frcd.length && s.frcd[i].f; n++) {
      const r = { ...s.frcd[i] };
      records.push(r);
      lines.push(faultLogLine(r, format));
      s.frcd[i] = { ...s.frcd[i], f: false };
      i = (i + 1) % s.frcd.length;
    }
  }
  s.regs.fsts.pfo = false;
  updatePpf(s);
  // FECTL.IP is cleared by hardware once software has serviced every pending status field in FSTS (spec 11.4.7.2;
  // QEMU vtd_handle_fsts_write): a later unmask then delivers nothing.
  if (!s.regs.fsts.ppf && !s.regs.fsts.pfo) s.regs.fectl.ip = false;
  return { lines, records, fsts };
}

export function describeSource(sid: number): string {
  return formatBdf(sid);
}
