/**
 * Per-path figures for the comparison table, each with where it comes from. Exit counts are the run's own; cycles
 * are the run's simulated cycles, which the cost model (src/core/cost/model.ts) charges per instruction class, per
 * VM exit/entry transition and per VMM handler; the user-space device-model cost is a sourced KVM figure; the
 * line rate is a model assumption the user sets.
 */
import { costModelFor } from '../cost/model.ts';
import { figureById } from '../cost/figures.ts';
import { getCpuModel } from '../cpu-models/index.ts';
import { wireMicros } from './devices.ts';
import type { IoPathRun } from './types.ts';

export interface Sourced {
  value: number;
  /** 'run' = counted in this run; 'derived' = arithmetic on the run and sourced figures; 'assumption' = user-set. */
  kind: 'run' | 'derived' | 'assumption';
  /** How it was obtained, with the figure ids used. */
  basis: string;
}

export interface PathMetrics {
  path: IoPathRun['path'];
  exitsPerRequest: Sourced;
  dataExitsPerRequest: Sourced;
  interruptExitsPerRequest: Sourced;
  cyclesPerRequest: Sourced;
  cpuMicrosPerRequest: Sourced;
  latencyMicros: Sourced;
  throughputMbit: Sourced;
  cpuAtLineRatePercent: Sourced;
  vmmSharePercent: Sourced;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

export function pathMetrics(run: IoPathRun): PathMetrics {
  const p = run.params;
  const cpu = getCpuModel(p.cpu)!;
  const hz = cpu.coreClockHz;
  const cm = costModelFor(p.cpu);
  const n = Math.max(1, run.completed);
  const posted = run.path === 'assigned' && p.postedInterrupts;
  const removedCycles = posted ? run.steps.filter((s) => s.hop === 'exit' && s.role === 'interrupt').reduce((a, s) => a + (s.exitCycles ?? 0), 0) : 0;
  const exits = run.exits.total - (posted ? run.postedRemovable : 0);
  const intExits = run.exits.interrupt - (posted ? run.postedRemovable : 0);
  const cycles = run.windowCycles + run.userSpaceCycles - removedCycles;
  const perReq = cycles / n;
  const micros = (perReq / hz) * 1e6;
  const bits = p.bytes * 8;
  const wire = p.workload === 'net' ? wireMicros(p.bytes, p) : 0;
  const cpuBound = bits / micros; // bits per µs = Mbit/s
  const throughput = Math.min(p.lineRateMbit, cpuBound);
  const reqPerMicroAtLine = p.lineRateMbit / bits;
  const cpuAtLine = Math.min(100, reqPerMicroAtLine * micros * 100);
  const rt = cm.roundTrip;
  const h30 = cm.handler[30] ?? cm.defaultHandler;
  const costBasis = `cycles of this run on ${cpu.name}: guest instructions at the cost model's CPI (${cm.instruction[0].basis}), each exit = VM exit + VM entry ${rt.value} cycles (${rt.basis}) + VMM handler (I/O: ${h30.value} cycles, ${h30.basis}; others ${cm.defaultHandler.value}, ${cm.defaultHandler.basis})`;
  const us = figureById('kvm.userspace-exit.2012-unnamed');
  const usBasis = run.userSpaceCycles > 0 ? `; + ${us?.value} cycles per device-register exit for the user-space device model (${us?.id}: ${us?.source})` : '';
  const postedBasis = posted ? `; minus the ${run.postedRemovable} interrupt exits posted interrupts / ELI avoid (derived: the core does not emulate posted-interrupt processing, SDM Vol. 3C §29.6)` : '';
  const perRun = `${run.completed} request${run.completed === 1 ? '' : 's'} of ${p.bytes} bytes, batch ${p.batch}`;
  return {
    path: run.path,
    exitsPerRequest: { value: round(exits / n), kind: posted ? 'derived' : 'run', basis: `VM exits counted in this run (${exits}) / requests (${run.completed})${postedBasis}` },
    dataExitsPerRequest: { value: round(run.exits.data / n), kind: 'run', basis: `data-path exits counted in this run (${run.exits.data}) / requests (${run.completed})` },
    interruptExitsPerRequest: { value: round(intExits / n), kind: posted ? 'derived' : 'run', basis: `completion-interrupt exits (delivery, status read, EOI) counted in this run (${run.exits.interrupt}) / requests${postedBasis}` },
    cyclesPerRequest: { value: Math.round(perReq), kind: 'derived', basis: `${costBasis}${usBasis}${postedBasis}; ${perRun}` },
    cpuMicrosPerRequest: { value: round(micros, 3), kind: 'derived', basis: `cycles per request / ${cpu.coreClockHz / 1e9} GHz (${cpu.marketingName})` },
    latencyMicros: { value: round(micros + wire, 3), kind: 'derived', basis: p.workload === 'net' ? `CPU time per request (amortized over the batch) + wire time ${round(wire, 3)} µs = frame bits / line rate (${p.lineRateMbit} Mbit/s: assumption)` : 'CPU time per request (amortized over the batch); the disk\'s own media time is not modelled and not included' },
    throughputMbit: { value: round(throughput, 1), kind: 'derived', basis: `min(line rate ${p.lineRateMbit} Mbit/s (assumption), one vCPU's CPU-bound rate = request bits / CPU time per request = ${round(cpuBound, 1)} Mbit/s)` },
    cpuAtLineRatePercent: { value: round(cpuAt(cpuAtLine), 1), kind: 'derived', basis: `CPU time per request × requests per second needed for ${p.lineRateMbit} Mbit/s (assumption), capped at 100 % of one core` },
    vmmSharePercent: { value: round((100 * (run.vmmCycles + run.userSpaceCycles - removedCycles)) / Math.max(1, cycles), 1), kind: 'derived', basis: 'VMM cycles (exit transitions, handlers, device model) / all cycles of the window' },
  };
}

function cpuAt(x: number): number {
  return Number.isFinite(x) ? x : 100;
}
