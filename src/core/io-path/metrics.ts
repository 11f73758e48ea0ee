/**
 * Per-path figures for the comparison table, each with where it comes from. Exit counts are the run's own; cycles
 * are the run's simulated cycles, which the cost model (src/core/cost/model.ts) charges per instruction class, per
 * VM exit/entry transition and per VMM handler; the user-space device-model cost is a sourced KVM figure; the
 * line rate is a model assumption the user sets.
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/iopath.ts';
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
  const costBasis = t('iopath.metrics.cyclesOfThisRunOn', { name: cpu.name, cpiBasis: cm.instruction[0].basis, roundTrip: rt.value, roundTripBasis: rt.basis, ioHandler: h30.value, ioHandlerBasis: h30.basis, otherHandler: cm.defaultHandler.value, otherHandlerBasis: cm.defaultHandler.basis });
  const us = figureById('kvm.userspace-exit.2012-unnamed');
  const usBasis = run.userSpaceCycles > 0 ? t('iopath.metrics.cyclesPerDeviceRegisterExit', { value: String(us?.value), id: String(us?.id), source: String(us?.source) }) : '';
  const postedBasis = posted ? t('iopath.metrics.minusTheInterruptExitsPosted', { postedRemovable: run.postedRemovable }) : '';
  const perRun = t('iopath.metrics.requestOfBytesBatch', { count: run.completed, bytes: p.bytes, batch: p.batch });
  return {
    path: run.path,
    exitsPerRequest: { value: round(exits / n), kind: posted ? 'derived' : 'run', basis: t('iopath.metrics.vmExitsCountedInThis', { exits, completed: run.completed, postedBasis }) },
    dataExitsPerRequest: { value: round(run.exits.data / n), kind: 'run', basis: t('iopath.metrics.dataPathExitsCountedIn', { data: run.exits.data, completed: run.completed }) },
    interruptExitsPerRequest: { value: round(intExits / n), kind: posted ? 'derived' : 'run', basis: t('iopath.metrics.completionInterruptExitsDeliveryStatus', { interrupt: run.exits.interrupt, postedBasis }) },
    cyclesPerRequest: { value: Math.round(perReq), kind: 'derived', basis: `${costBasis}${usBasis}${postedBasis}; ${perRun}` },
    cpuMicrosPerRequest: { value: round(micros, 3), kind: 'derived', basis: t('iopath.metrics.cyclesPerRequestGhz', { ghz: cpu.coreClockHz / 1e9, marketingName: cpu.marketingName }) },
    latencyMicros: { value: round(micros + wire, 3), kind: 'derived', basis: p.workload === 'net' ? t('iopath.metrics.latencyNet', { wire: round(wire, 3), lineRateMbit: p.lineRateMbit }) : t('iopath.metrics.latencyDisk') },
    throughputMbit: { value: round(throughput, 1), kind: 'derived', basis: t('iopath.metrics.minLineRateMbitS', { lineRateMbit: p.lineRateMbit, cpuBound: round(cpuBound, 1) }) },
    cpuAtLineRatePercent: { value: round(cpuAt(cpuAtLine), 1), kind: 'derived', basis: t('iopath.metrics.cpuTimePerRequestRequests', { lineRateMbit: p.lineRateMbit }) },
    vmmSharePercent: { value: round((100 * (run.vmmCycles + run.userSpaceCycles - removedCycles)) / Math.max(1, cycles), 1), kind: 'derived', basis: t('iopath.metrics.vmmCyclesExitTransitionsHandlers') },
  };
}

function cpuAt(x: number): number {
  return Number.isFinite(x) ? x : 100;
}
