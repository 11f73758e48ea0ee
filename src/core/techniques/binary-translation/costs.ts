/**
 * Cycle costs of the binary-translating VMM, and the one structural constant of its translator.
 *
 * Sourced (Adams & Agesen, ASPLOS 2006; figures already catalogued in src/core/cost/figures.ts and
 * docs/sources/costs.md, all measured by VMware on a 3.8 GHz Pentium 4 672 or, for §3.3, "a Pentium 4"):
 *  - translating: "2300 cycles per x86 instruction" (§6.3) — `aa2006.bt.translate-cost`;
 *  - a callout: RDTSC virtualized by a callout from the translation cache into the VMM, 1254 cycles (§3.3)
 *    — `aa2006.rdtsc.callout-and-emulate`;
 *  - indirect control flow: the call/ret nanobenchmark, 51 cycles under BT against 11 natively (raw data,
 *    p. 12); the 40-cycle difference is the price of the RET's TC lookup — `aa2006.callret.bt/native`.
 *
 * None of them was measured on the project's CPU models, so each is used as a stand-in for every model: an
 * ASSUMPTION the UI must label and let the user change (docs/CONVENTIONS.md). Also assumptions: one callout
 * cost for every sensitive instruction (only RDTSC was measured: VMware translated simple ones such as CLI
 * inline, §3.2, which this model does not distinguish); and the 12-instruction cap on a translation unit.
 * Nothing here is added to figures.ts; these live with the technique, as ../deprivileged/costs.ts does.
 */
import { figureById, type CostCpuModelId, type CostFigure } from '../../cost/figures.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

const TRANSLATE = figureById('aa2006.bt.translate-cost')!;
const CALLOUT = figureById('aa2006.rdtsc.callout-and-emulate')!;
const CALLRET_BT = figureById('aa2006.callret.bt')!;
const CALLRET_NATIVE = figureById('aa2006.callret.native')!;

function modelId(id: string): CostCpuModelId {
  return (['xeon-lv', 'xeon-5100', 'nehalem', 'modern'] as const).includes(id as CostCpuModelId) ? (id as CostCpuModelId) : 'nehalem';
}

/** Cycles charged per guest instruction translated (a TC miss). */
export function translateCostFor(model: string): CostFigure {
  const m = modelId(model);
  return {
    id: `bt.translate-per-instruction.model.${m}`,
    model: m,
    value: TRANSLATE.value,
    unit: 'cycles/instruction',
    cpu: t('methods.teCosts.thePentiumMeasurementUsed', { m }),
    kind: 'assumption',
    source: `${TRANSLATE.source} (figure ${TRANSLATE.id})`,
    note: t('methods.btCosts.assumptionNoTranslationCost', { id: TRANSLATE.id, value: TRANSLATE.value }),
  };
}

/** Cycles charged per callout from translated code into the VMM (whatever the instruction). */
export function calloutCostFor(model: string): CostFigure {
  const m = modelId(model);
  return {
    id: `bt.callout.model.${m}`,
    model: m,
    value: CALLOUT.value,
    unit: 'cycles',
    cpu: t('methods.teCosts.thePentiumMeasurementUsed', { m }),
    kind: 'assumption',
    source: `${CALLOUT.source} (figure ${CALLOUT.id})`,
    note: t('methods.btCosts.assumptionDefaultCyclesRdtsc', { id: CALLOUT.id, value: CALLOUT.value }),
  };
}

/** Extra cycles per indirect near transfer (RET, JMP/CALL r/m) in translated code: its TC lookup. */
export function indirectCostFor(model: string): CostFigure {
  const m = modelId(model);
  const v = CALLRET_BT.value - CALLRET_NATIVE.value;
  return {
    id: `bt.indirect-transfer.model.${m}`,
    model: m,
    value: v,
    unit: 'cycles',
    cpu: t('methods.teCosts.thePentiumMeasurementUsed', { m }),
    kind: 'assumption',
    source: `${CALLRET_BT.source} (figures ${CALLRET_BT.id}, ${CALLRET_NATIVE.id})`,
    note: t('methods.btCosts.assumptionCyclesPerCallRet', { id: CALLRET_BT.id, id2: CALLRET_NATIVE.id, value: CALLRET_BT.value, value2: CALLRET_NATIVE.value, v }),
  };
}

/**
 * Most guest instructions in one translation unit. ASSUMPTION: Adams & Agesen (§3.1) describe a translation
 * unit as a basic block; the cap of 12 instructions is our recollection of the paper and could not be checked
 * against a stored copy. It changes only how code is cut into units (and so the hit/miss counts), never results.
 */
export const MAX_UNIT_INSNS: CostFigure = {
  id: 'bt.max-unit-instructions',
  value: 12,
  unit: 'count',
  cpu: 'any',
  kind: 'assumption',
  source: t('methods.btCosts.btMaxUnitInstructions.source'),
  note: t('methods.btCosts.btMaxUnitInstructions.note'),
};

/** Every figure this module defines (for the UI's provenance lists). */
export function binaryTranslationFigures(model: string): CostFigure[] {
  return [translateCostFor(model), calloutCostFor(model), indirectCostFor(model), MAX_UNIT_INSNS];
}
