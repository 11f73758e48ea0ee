/**
 * One DMA request through the remapping hardware: translate it, and if it faults, block it and record the fault
 * (unless the context entry's FPD says not to; spec 9.3 FPD, 7.2.1). A blocked write changes no memory and a blocked
 * read returns no memory contents (spec 7.1.1: non-recoverable faults block the request).
 */
import { translate, type DmaRequest, type Translation } from './translate.ts';
import { recordFault, type RecordOutcome } from './faults.ts';
import type { VtdState } from './hardware.ts';

export type DmaOutcome = { translation: Translation; record: RecordOutcome | null };

export function dmaAccess(s: VtdState, req: DmaRequest): DmaOutcome {
  const t = translate(s, req);
  if (t.ok) return { translation: t, record: null };
  const record: RecordOutcome = t.fpd ? { recorded: false, why: 'fpd' } : recordFault(s, { sourceId: req.sourceId, reason: t.reason, write: req.write, address: req.address });
  return { translation: t, record };
}
