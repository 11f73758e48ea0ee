/**
 * Cycle costs of the trap-and-emulate VMM.
 *
 * A trap costs the exception delivery from the guest's ring (1 or 3) into the VMM at ring 0, the VMM's
 * work (decode and emulate, or reflect), and the return to the guest. The only sourced round trip for exactly
 * this mechanism is Adams & Agesen 2006 §3.3 (`aa2006.rdtsc.trap-and-emulate` in figures.ts): RDTSC made
 * to fault and emulated by VMware's VMM on a Pentium 4, 2030 cycles. The same paper measures a native fault
 * delivered to a kernel and returned from (`aa2006.divzero.native`, 889 cycles on a 3.8 GHz P4), which
 * splits the round trip into the hardware transitions (889) and the VMM's software (2030 − 889 = 1141).
 *
 * No measurement exists for the project's CPU models (Yonah, Merom, Nehalem, Skylake-SP), so the P4 round
 * trip is used for all of them: an ASSUMPTION the UI must label and let the user change (docs/CONVENTIONS.md).
 * The same figure is charged for every trap, whatever its cause (an emulated instruction, a reflected
 * exception or interrupt, a shadow-page fill): also an assumption — reflecting an event means reading the
 * guest's IDT and writing a frame, which the RDTSC emulation does not. Nothing here is added to figures.ts,
 * which has no documented way to take new figures: these live with the technique.
 */
import { figureById, type CostCpuModelId, type CostFigure } from '../../cost/figures.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

const RDTSC_TRAP = figureById('aa2006.rdtsc.trap-and-emulate')!;
const DIVZERO_NATIVE = figureById('aa2006.divzero.native')!;

function modelId(id: string): CostCpuModelId {
  return (['xeon-lv', 'xeon-5100', 'nehalem', 'modern'] as const).includes(id as CostCpuModelId) ? (id as CostCpuModelId) : 'nehalem';
}

/** The trap round trip (ring 1/3 → VMM at ring 0 → guest) charged per trap, for a project CPU model. */
export function trapRoundTripFor(model: string): CostFigure {
  const m = modelId(model);
  return {
    id: `swvmm.trap-round-trip.model.${m}`,
    model: m,
    value: RDTSC_TRAP.value,
    unit: 'cycles',
    cpu: t('methods.teCosts.thePentiumMeasurementUsed', { m }),
    kind: 'assumption',
    source: `${RDTSC_TRAP.source} (figure ${RDTSC_TRAP.id})`,
    note: t('methods.teCosts.assumptionNoTrapAndEmulateRound', { id: RDTSC_TRAP.id, value: RDTSC_TRAP.value }),
  };
}

/** The hardware part of a trap round trip (fault delivery + IRET with a trivial handler), P4. */
export const TRAP_TRANSITION_P4: CostFigure = {
  id: 'swvmm.trap-transition.p4',
  value: DIVZERO_NATIVE.value,
  unit: 'cycles',
  cpu: DIVZERO_NATIVE.cpu,
  kind: 'derived',
  source: `${DIVZERO_NATIVE.source} (figure ${DIVZERO_NATIVE.id})`,
  note: t('methods.teCosts.swvmmTrapTransitionP4.note', { id: DIVZERO_NATIVE.id, value: DIVZERO_NATIVE.value }),
};

/** The VMM software part of a trap round trip, P4: 2030 − 889. */
export const TRAP_SOFTWARE_P4: CostFigure = {
  id: 'swvmm.trap-software.p4',
  value: RDTSC_TRAP.value - DIVZERO_NATIVE.value,
  unit: 'cycles',
  cpu: RDTSC_TRAP.cpu,
  kind: 'derived',
  source: `${RDTSC_TRAP.source}; ${DIVZERO_NATIVE.source}`,
  note: t('methods.teCosts.swvmmTrapSoftwareP4.note', { id: RDTSC_TRAP.id, id2: DIVZERO_NATIVE.id, value: RDTSC_TRAP.value, value2: DIVZERO_NATIVE.value, difference: RDTSC_TRAP.value - DIVZERO_NATIVE.value }),
};

/** Every figure this module defines (for the UI's provenance lists). */
export function softwareVmmFigures(model: string): CostFigure[] {
  return [trapRoundTripFor(model), TRAP_TRANSITION_P4, TRAP_SOFTWARE_P4];
}
