/**
 * Interrupt remapping (VT-d spec Rev. 5.10 ch. 5: 5.1.2 request formats, 5.1.3 the table, 5.1.4.1 fault conditions): an MSI write to 0xFEEx_xxxx in remappable format carries a 16-bit
 * handle instead of a vector and destination; the hardware looks the handle (plus the subhandle from the data
 * when SHV = 1) up in the interrupt-remapping table (IRTA_REG), checks the entry and the requester's source-id,
 * and delivers the vector and destination the IRTE holds. A device cannot choose its own vector or CPU, nor use
 * another device's entry. Check order and codes follow QEMU hw/i386/intel_iommu.c `vtd_interrupt_remap_msi` /
 * `vtd_irte_get` (0x20 reserved request fields, 0x21 index beyond table, 0x23 table unreadable, 0x22 not present,
 * 0x24 reserved IRTE bits, 0x26 source-id check); 0x25 for compatibility-format requests while GSTS.CFIS = 0.
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/vtd.ts';
import { IR_FAULT } from './reasons.ts';
import { irtEntries, splitSourceId, type Irte, type VtdState } from './hardware.ts';
import { recordFault, type RecordOutcome } from './faults.ts';

export interface InterruptRequest {
  sourceId: number;
  /** Remappable format (MSI address bit 4 = 1) or the old compatibility format. */
  format: 'remappable' | 'compatibility';
  /** Interrupt handle (MSI address bits 19:5 = handle 14:0, bit 2 = handle 15). */
  handle: number;
  /** SHV: a subhandle in the MSI data's low 16 bits is added to the handle. */
  shv: boolean;
  /** MSI data (subhandle in 15:0 when SHV = 1; bits 31:16 must then be 0). */
  data: number;
}

/** The MSI address of a remappable request: 0xFEE in 31:20, handle 14:0 in 19:5, IF (bit 4) = 1, SHV bit 3, handle 15 in bit 2. */
export function remappableMsiAddress(handle: number, shv: boolean): number {
  return 0xfee00000 + ((handle & 0x7fff) << 5) + 0x10 + (shv ? 0x8 : 0) + ((handle >> 15) & 1) * 4;
}

export type IrResult =
  | { ok: true; index: number; vector: number; destination: number; irte: Irte; checks: string[] }
  | { ok: false; reason: number; index: number; checks: string[]; record: RecordOutcome };

/** SQ masks for SVT = 01b: compare all 16 bits, ignore function bit 2, bits 2:1, bits 2:0 (QEMU vtd_svt_mask). */
const SQ_MASK = [0xffff, 0xfffb, 0xfff9, 0xfff8] as const;

function sourceIdPasses(e: Irte, sid: number): { ok: boolean; why: string } {
  switch (e.svt) {
    case 0:
      return { ok: true, why: t('vtd.interrupts.svt00NoSourceId') };
    case 1: {
      const m = SQ_MASK[e.sq];
      const ok = (e.sid & m) === (sid & m);
      return { ok, why: t('vtd.interrupts.svt01RequesterIrteSid', { sid: sid.toString(16).padStart(4, '0'), relation: ok ? '=' : '≠', irteSid: e.sid.toString(16).padStart(4, '0'), m: m.toString(16) }) };
    }
    case 2: {
      const lo = e.sid & 0xff;
      const hi = (e.sid >> 8) & 0xff;
      const bus = splitSourceId(sid).bus;
      const ok = bus >= lo && bus <= hi;
      return { ok, why: t(ok ? 'vtd.interrupts.svt10BusWithin' : 'vtd.interrupts.svt10BusOutside', { bus, lo, hi }) };
    }
    default:
      return { ok: false, why: t('vtd.interrupts.svt11IsReservedTreated') };
  }
}

export function remapInterrupt(s: VtdState, req: InterruptRequest): IrResult {
  const checks: string[] = [];
  const index = req.handle + (req.shv ? req.data & 0xffff : 0);
  const fault = (reason: number, why: string, fpd = false): IrResult => {
    checks.push(why);
    const record: RecordOutcome = fpd ? { recorded: false, why: 'fpd' } : recordFault(s, { sourceId: req.sourceId, reason, write: true, address: 0, irIndex: index & 0xffff });
    return { ok: false, reason, index, checks, record };
  };
  if (req.format === 'compatibility') {
    if (!s.regs.cfis) return fault(IR_FAULT.COMPATIBILITY_BLOCKED, t('vtd.interrupts.compatibilityFormatInterruptWhileGsts'));
    checks.push(t('vtd.interrupts.compatibilityFormatPassedThroughCfis'));
    return { ok: true, index: -1, vector: req.data & 0xff, destination: 0, irte: { present: true, fpd: false, vector: req.data & 0xff, destination: 0, svt: 0, sq: 0, sid: 0, reserved: 0 }, checks };
  }
  if (req.shv && (req.data & 0xffff0000) !== 0) return fault(IR_FAULT.REQUEST_RESERVED, t('vtd.interrupts.shv1ButMsiData'));
  checks.push(t('vtd.interrupts.handleIndex', { handle: req.handle, subhandle: req.shv ? t('vtd.interrupts.plusSubhandle', { subhandle: req.data & 0xffff }) : '', index }));
  const size = irtEntries(s);
  if (index >= size) return fault(IR_FAULT.INDEX_BEYOND_TABLE, t('vtd.interrupts.indexTableSizeIrtaS', { index, size, s: s.regs.irta.s }));
  checks.push(t('vtd.interrupts.indexTableSize', { index, size }));
  if (s.regs.irta.address + size * 16 > s.memoryTop) return fault(IR_FAULT.IRT_ACCESS_ERROR, t('vtd.interrupts.theTableIrtaRegPoints'));
  const e = s.irt[index];
  if (e === undefined || !e.present) return fault(IR_FAULT.IRTE_NOT_PRESENT, t('vtd.interrupts.irtePresent0', { index }));
  checks.push(t('vtd.interrupts.irtePresent', { index }));
  if (e.reserved !== 0) return fault(IR_FAULT.IRTE_RESERVED, t('vtd.interrupts.irteReservedBitsSet', { index }), e.fpd);
  const sidCheck = sourceIdPasses(e, req.sourceId);
  if (!sidCheck.ok) return fault(IR_FAULT.SOURCE_ID_CHECK, sidCheck.why, e.fpd);
  checks.push(sidCheck.why);
  checks.push(t('vtd.interrupts.deliverVector0xToApic', { vector: e.vector.toString(16), destination: e.destination }));
  return { ok: true, index, vector: e.vector, destination: e.destination, irte: e, checks };
}

export function setIrte(s: VtdState, index: number, e: Partial<Irte> & { vector: number; destination: number; sid: number }): void {
  s.irt[index] = { present: true, fpd: false, svt: 1, sq: 0, reserved: 0, ...e };
}
