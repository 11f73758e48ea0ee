/**
 * Cycle cost of a hypercall (and of every other entry into the paravirtual VMM: an exception or interrupt it
 * bounces into the guest, a domain crash).
 *
 * No measured hypercall cost was found: Barham et al. (SOSP 2003) report macro- and lmbench results, not the
 * cost of one hypercall, and the paper itself is not in the stored corpora (cost/figures.ts NOT_FOUND lists
 * "Xen paravirtual hypercall cost"). The default is therefore an ASSUMPTION: the same per-entry round trip the
 * trap-and-emulate VMM charges (../deprivileged/costs.ts `trapRoundTripFor`: Adams & Agesen 2006, RDTSC by
 * trap-and-emulate on a Pentium 4, 2030 cycles), so that comparing the two software techniques compares how
 * often the guest enters the VMM rather than two different guesses. A hypercall needs no instruction decode,
 * so it may well be cheaper (the hardware part alone, a fault delivered and returned from natively, is
 * `aa2006.divzero.native`, 889 cycles on the same P4); the UI must show the figure as an assumption and let
 * the user change it (`hypercallCycles`).
 */
import type { CostFigure } from '../../cost/figures.ts';
import { TRAP_TRANSITION_P4, trapRoundTripFor } from '../deprivileged/costs.ts';
import { t as msg } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

/** The cycles charged per hypercall (and per bounced event) for a project CPU model. */
export function hypercallCostFor(model: string): CostFigure {
  const t = trapRoundTripFor(model);
  return {
    ...t,
    id: `pv.hypercall.model.${t.model ?? model}`,
    note: msg('methods.pvCosts.assumptionNoMeasuredHypercall', { value: t.value, source: t.source, value2: TRAP_TRANSITION_P4.value, id: TRAP_TRANSITION_P4.id }),
  };
}

/** Every figure this module uses (for the UI's provenance lists). */
export function paravirtFigures(model: string): CostFigure[] {
  return [hypercallCostFor(model), TRAP_TRANSITION_P4];
}
