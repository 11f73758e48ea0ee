/**
 * The white paper's §3.3.5 statement quantified: "VMMs consume valuable processing resources to manage operations.
 * This is a permanent overhead that needs to be accepted by end users and system designers. In addition, system
 * performance may take a hit from the context switching that occurs when the VMM switches between VMX root mode
 * and VMX non-root mode." (seed: intel-vt-converged-application-platforms-2007.md §3.3.5).
 *
 * For every CPU model and each built-in workload (src/core/scenarios, real guest programs) the workload runs under
 * the built-in VMM with that model's cost model; the VMM's share of the cycles is the permanent overhead for that
 * workload, and the VM exit + VM entry round trip (src/core/cost/figures.ts ROUND_TRIP_BY_MODEL) is the
 * transition cost, in cycles and in nanoseconds at the model's clock.
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/iopath.ts';
import { NullSink } from '../trace/sink.ts';
import { runLab } from '../lab/run.ts';
import { loadScenarioSource, getScenario } from '../scenarios/index.ts';
import { CPU_MODELS } from '../cpu-models/index.ts';
import { costModelFor } from '../cost/model.ts';
import { roundTripFor, type CostCpuModelId } from '../cost/figures.ts';

export const OVERHEAD_WORKLOADS = ['cpu-bound', 'syscall-heavy', 'io-heavy', 'pagefault-heavy'] as const;
export type OverheadWorkload = (typeof OVERHEAD_WORKLOADS)[number];

/** Guest instructions per run: enough for every workload to finish on every model (they end by themselves). */
const MAX_STEPS = 2_000_000;

export interface OverheadCell {
  cpu: string;
  workload: OverheadWorkload;
  guestCycles: number;
  vmmCycles: number;
  exits: number;
  instructions: number;
  /** VMM cycles / (guest + VMM cycles), percent. */
  vmmSharePercent: number;
  /** Exits per 1000 guest instructions. */
  exitsPerKiloInstruction: number;
  ended: string;
}

export interface TransitionCost {
  cpu: string;
  cpuName: string;
  clockHz: number;
  roundTripCycles: number;
  roundTripNs: number;
  /** 'measured' | 'derived' | 'assumption', and the figure's id and source. */
  kind: string;
  figureId: string;
  source: string;
  note: string;
  vmExitCycles: number;
  vmEntryCycles: number;
  ioHandlerCycles: number;
}

export interface OverheadReport {
  statement: string;
  workloads: { id: OverheadWorkload; title: string }[];
  cells: OverheadCell[];
  transitions: TransitionCost[];
}

export const SECTION_335 =
  t('iopath.overhead.vmmsConsumeValuableProcessingResources');

export function overheadCell(cpu: string, workload: OverheadWorkload): OverheadCell {
  const src = loadScenarioSource(workload);
  if (src === undefined) throw new Error(`no scenario '${workload}'`);
  const r = runLab(src.replace(/^(\s*;\s*@mode\s+)\S+/m, '$1guest'), { cpu, maxSteps: MAX_STEPS, trace: new NullSink() });
  if (!r.ok) throw new Error(`scenario '${workload}' does not assemble`);
  const e = r.end as Record<string, unknown>;
  const guest = Number(e.guestCycles ?? 0);
  const vmm = Number(e.vmmCycles ?? 0);
  const exits = Number(e.exits ?? 0);
  const insns = Number(e.instructions ?? 0);
  return {
    cpu,
    workload,
    guestCycles: guest,
    vmmCycles: vmm,
    exits,
    instructions: insns,
    vmmSharePercent: guest + vmm > 0 ? Math.round((1000 * vmm) / (guest + vmm)) / 10 : 0,
    exitsPerKiloInstruction: insns > 0 ? Math.round((10000 * exits) / insns) / 10 : 0,
    ended: String(e.reason ?? ''),
  };
}

export function transitionCost(cpu: string): TransitionCost {
  const m = CPU_MODELS.find((x) => x.id === cpu)!;
  const cm = costModelFor(cpu);
  const rt = roundTripFor(cpu as CostCpuModelId);
  const h = cm.handler[30] ?? cm.defaultHandler;
  return {
    cpu,
    cpuName: m.name,
    clockHz: m.coreClockHz,
    roundTripCycles: rt.value,
    roundTripNs: Math.round((rt.value / m.coreClockHz) * 1e9 * 10) / 10,
    kind: rt.kind,
    figureId: rt.id,
    source: rt.source,
    note: rt.note,
    vmExitCycles: cm.vmExit.value,
    vmEntryCycles: cm.vmEntry.value,
    ioHandlerCycles: h.value,
  };
}

export function overheadReport(): OverheadReport {
  const cpus = CPU_MODELS.map((m) => m.id);
  return {
    statement: SECTION_335,
    workloads: OVERHEAD_WORKLOADS.map((id) => ({ id, title: getScenario(id)?.title.replace(/^Workload:\s*/, '') ?? id })),
    cells: cpus.flatMap((cpu) => OVERHEAD_WORKLOADS.map((w) => overheadCell(cpu, w))),
    transitions: cpus.map(transitionCost),
  };
}
