/**
 * The cost model: cycles the simulation charges for guest instructions, for the VM-exit and VM-entry
 * transitions and for the VMM's handlers, per CPU model. Every number comes from `figures.ts` (with its
 * source) or is an explicit assumption the UI labels and lets the user change (`CostItem.kind`).
 */
import { CostClass, COST_CLASS_COUNT } from '../x86/cost-class.ts';
import type { HypervisorCosts } from '../vmm/hypervisor.ts';
import {
  ASSUMPTIONS,
  figureById,
  nativeCostFor,
  roundTripFor,
  type CostCpuModelId,
  type FigureKind,
} from './figures.ts';
import { t } from '../../i18n/t.ts';
import '../../i18n/en/cost.ts';

/** One number of the cost model with its provenance. */
export interface CostItem {
  value: number;
  kind: FigureKind;
  /** Figure id(s) in figures.ts, or a short note for assumptions. */
  basis: string;
}

export interface CostModel {
  model: string;
  /** Cycles per retired instruction, by cost class. */
  instruction: CostItem[];
  vmExit: CostItem;
  vmEntry: CostItem;
  roundTrip: CostItem;
  vmread: CostItem;
  vmwrite: CostItem;
  /** VMM handler cycles by basic exit reason; `defaultHandler` for the rest. */
  handler: Record<number, CostItem>;
  defaultHandler: CostItem;
}

const CPI = ASSUMPTIONS.find((f) => f.id === 'cpu.cpi.default')!;
const COMBINED = ASSUMPTIONS.find((f) => f.id === 'vmm.exit-service.combined')!;

function item(value: number, kind: FigureKind, basis: string): CostItem {
  return { value: Math.round(value), kind, basis };
}

function knownModel(id: string): CostCpuModelId {
  return (['xeon-lv', 'xeon-5100', 'nehalem', 'modern'] as const).includes(id as CostCpuModelId) ? (id as CostCpuModelId) : 'nehalem';
}

/** Builds the default cost model for a CPU model id. */
export function costModelFor(modelId: string): CostModel {
  const m = knownModel(modelId);
  const rt = roundTripFor(m);
  // Split of the round trip into exit and entry: Adams & Agesen 2006 measured VM entry 937 and a #PF VM exit
  // 1186 cycles on a pre-production Core 2 (ratio exit = 1186 / 2123 of the round trip).
  const entryFig = figureById('vmx.vm-entry.core2-preproduction');
  const exitFig = figureById('vmx.page-fault-vm-exit.core2-preproduction');
  const exitShare = entryFig && exitFig ? exitFig.value / (exitFig.value + entryFig.value) : 0.5;
  const exit = Math.round(rt.value * exitShare);
  const instruction: CostItem[] = [];
  for (let k = 0; k < COST_CLASS_COUNT; k++) instruction.push(item(CPI.value, 'assumption', CPI.id));
  const native = (op: Parameters<typeof nativeCostFor>[1], cls: CostClass): void => {
    const f = nativeCostFor(m, op);
    if (f !== undefined) instruction[cls] = item(f.value, f.kind, f.id);
  };
  native('cpuid', CostClass.CPUID);
  native('rdtsc', CostClass.RDTSC);
  native('in-out', CostClass.IO);
  const pushf = nativeCostFor(m, 'pushf');
  const popf = nativeCostFor(m, 'popf');
  if (pushf && popf) instruction[CostClass.PUSHF_POPF] = item((pushf.value + popf.value) / 2, 'derived', t('cost.model.costModelFor', { id: pushf.id, id2: popf.id }));
  // INT n + IRET: only the Pentium 4 system-call round trip is sourced (242 cycles, Adams & Agesen 2006);
  // used as a stand-in for every model, split evenly: an assumption the UI labels.
  const sys = figureById('aa2006.syscall.native');
  if (sys) {
    instruction[CostClass.SOFTWARE_INTERRUPT] = item(sys.value / 2, 'assumption', t('cost.model.costModelFor2', { id: sys.id }));
    instruction[CostClass.IRET] = item(sys.value / 2, 'assumption', t('cost.model.costModelFor2', { id: sys.id }));
  }
  const core2 = m === 'xeon-lv' || m === 'xeon-5100';
  const vmreadFig = figureById(core2 ? 'vmx.vmread.core2-preproduction' : 'vmx.vmread.core2-preproduction');
  const vmwriteFig = figureById('vmx.vmwrite.core2-preproduction');
  const rwKind: FigureKind = m === 'xeon-5100' ? 'derived' : 'assumption';
  const handlerSoftware = Math.max(0, COMBINED.value - rt.value);
  const emulator = figureById('kvm.emulator.2012-unnamed');
  const handler: Record<number, CostItem> = {};
  if (emulator) handler[30] = item(emulator.value, 'derived', emulator.id);
  return {
    model: m,
    instruction,
    roundTrip: item(rt.value, rt.kind, rt.id),
    vmExit: item(exit, 'derived', `${rt.id} × ${exitFig?.id ?? '?'} / (${exitFig?.id ?? '?'} + ${entryFig?.id ?? '?'})`),
    vmEntry: item(rt.value - exit, 'derived', t('cost.model.vmEntry', { id: rt.id })),
    vmread: item(vmreadFig?.value ?? 0, rwKind, vmreadFig?.id ?? 'none'),
    vmwrite: item(vmwriteFig?.value ?? 0, rwKind, vmwriteFig?.id ?? 'none'),
    handler,
    defaultHandler: item(handlerSoftware, 'assumption', `${COMBINED.id} − ${rt.id}`),
  };
}

/** The numbers the hypervisor consumes. */
export function toHypervisorCosts(cm: CostModel): HypervisorCosts {
  const handler: number[] = [];
  for (const [k, v] of Object.entries(cm.handler)) handler[Number(k)] = v.value;
  for (let k = 0; k < 86; k++) if (handler[k] === undefined) handler[k] = cm.defaultHandler.value;
  return {
    vmExit: cm.vmExit.value,
    vmEntry: cm.vmEntry.value,
    handler,
    defaultHandler: cm.defaultHandler.value,
    vmread: cm.vmread.value,
    vmwrite: cm.vmwrite.value,
    instruction: cm.instruction.map((i) => i.value),
  };
}

export function guestCostsFor(modelId: string): HypervisorCosts {
  return toHypervisorCosts(costModelFor(modelId));
}

/** Applies a cost model to a bare processor (guest instructions and, for its own VMX, the transitions). */
export function applyCostsToCpu(cpu: { instructionCosts: Float64Array; vmExitCycles: number; vmEntryCycles: number; invalidateDecodeCache(): void }, modelId: string): void {
  const cm = costModelFor(modelId);
  cm.instruction.forEach((c, k) => (cpu.instructionCosts[k] = c.value));
  cpu.vmExitCycles = cm.vmExit.value;
  cpu.vmEntryCycles = cm.vmEntry.value;
  cpu.invalidateDecodeCache();
}
