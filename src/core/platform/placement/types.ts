/**
 * Placement inputs and outputs as plain data. Resources are multi-dimensional (CPU MIPS, memory MiB,
 * network Mbit/s); CPU is treated as one pool of MIPS per host (as CloudSim's over-subscribing time-shared
 * scheduler does, usage-models.md §A2) - per-core fit is not checked.
 */
import type { Host } from '../model/hosts.ts';
import { hostMips } from '../model/hosts.ts';
import type { PowerCurve } from '../model/power.ts';
import type { Demand, VmSpec } from '../model/workloads.ts';

export type Resource = 'cpuMips' | 'memMiB' | 'netMbit';
export const RESOURCES: readonly Resource[] = ['cpuMips', 'memMiB', 'netMbit'];
export const RESOURCE_NAMES: Readonly<Record<Resource, string>> = { cpuMips: 'CPU', memMiB: 'memory', netMbit: 'network' };
export const RESOURCE_UNITS: Readonly<Record<Resource, string>> = { cpuMips: 'MIPS', memMiB: 'MiB', netMbit: 'Mbit/s' };

export interface PlacementItem {
  readonly id: string;
  readonly name: string;
  readonly demand: Demand;
  readonly replicaGroup?: string;
}

export interface PlacementHost {
  readonly id: string;
  readonly name: string;
  readonly capacity: Demand;
  readonly power: PowerCurve;
  readonly rackUnits: number;
}

/** vmId -> hostId; a VM absent from the map is unplaced. */
export type Assignment = Readonly<Record<string, string>>;

export interface PlacementResult {
  readonly algorithm: string;
  readonly assignment: Record<string, string>;
  /** VMs no host could take, in the order tried. */
  readonly unplaced: string[];
  /** The order the algorithm considered the VMs in (for the UI's step-through). */
  readonly order: string[];
}

export function toPlacementHost(h: Host): PlacementHost {
  return {
    id: h.id,
    name: h.type.name,
    capacity: { cpuMips: hostMips(h.type), memMiB: h.type.memoryMiB, netMbit: h.type.networkMbit },
    power: h.type.power,
    rackUnits: h.type.rackUnits,
  };
}

export function toPlacementItem(vm: VmSpec, demand: Demand): PlacementItem {
  const base = { id: vm.id, name: vm.name, demand };
  return vm.replicaGroup === undefined ? base : { ...base, replicaGroup: vm.replicaGroup };
}

/** Sums within this relative tolerance of capacity still fit (float noise). */
export const EPS = 1e-9;

export function addDemand(a: Demand, b: Demand): Demand {
  return { cpuMips: a.cpuMips + b.cpuMips, memMiB: a.memMiB + b.memMiB, netMbit: a.netMbit + b.netMbit };
}

export function fitsIn(load: Demand, cap: Demand, threshold = 1): boolean {
  for (const r of RESOURCES) if (load[r] > cap[r] * threshold * (1 + EPS) + EPS) return false;
  return true;
}
