/**
 * Loads, utilisation, power and the lower bound on hosts for a placement.
 */
import { hostPower } from '../model/power.ts';
import { ZERO_DEMAND, type Demand } from '../model/workloads.ts';
import { RESOURCES, addDemand, type Assignment, type PlacementHost, type PlacementItem, type Resource } from './types.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/platform.ts';

export interface HostLoad {
  readonly hostId: string;
  readonly vmIds: string[];
  readonly load: Demand;
  /** load / capacity per resource (can exceed 1 for an invalid manual placement). */
  readonly util: Record<Resource, number>;
  readonly running: boolean;
  /** Watts from the host's curve at its CPU utilisation (clamped to 100 %); 0 if it runs no VM (§A2). */
  readonly watts: number;
}

export function hostLoads(items: readonly PlacementItem[], hosts: readonly PlacementHost[], assignment: Assignment): HostLoad[] {
  const byId = new Map<string, PlacementItem>(items.map((i) => [i.id, i]));
  return hosts.map((h) => {
    const vmIds = items.filter((i) => assignment[i.id] === h.id).map((i) => i.id);
    let load = ZERO_DEMAND;
    for (const id of vmIds) load = addDemand(load, byId.get(id)!.demand);
    const util = {
      cpuMips: h.capacity.cpuMips > 0 ? load.cpuMips / h.capacity.cpuMips : 0,
      memMiB: h.capacity.memMiB > 0 ? load.memMiB / h.capacity.memMiB : 0,
      netMbit: h.capacity.netMbit > 0 ? load.netMbit / h.capacity.netMbit : 0,
    };
    const running = vmIds.length > 0;
    return { hostId: h.id, vmIds, load, util, running, watts: hostPower(h.power, util.cpuMips, running) };
  });
}

export interface PlacementSummary {
  readonly hostsUsed: number;
  readonly lowerBound: LowerBound;
  readonly totalWatts: number;
  /** Mean utilisation of the running hosts per resource. */
  readonly meanUtil: Record<Resource, number>;
  readonly loads: HostLoad[];
}

export function summarise(items: readonly PlacementItem[], hosts: readonly PlacementHost[], assignment: Assignment): PlacementSummary {
  const loads = hostLoads(items, hosts, assignment);
  const on = loads.filter((l) => l.running);
  const meanUtil = { cpuMips: 0, memMiB: 0, netMbit: 0 };
  for (const r of RESOURCES) meanUtil[r] = on.length ? on.reduce((s, l) => s + l.util[r], 0) / on.length : 0;
  return {
    hostsUsed: on.length,
    lowerBound: lowerBound(items, hosts),
    totalWatts: loads.reduce((s, l) => s + l.watts, 0),
    meanUtil,
    loads,
  };
}

export interface LowerBound {
  readonly value: number;
  /** Which argument gives it, in words. */
  readonly reason: string;
}

/**
 * A lower bound on the number of hosts any placement needs (the "OPT" the UI compares against):
 *  - volume (L1): per resource, the fewest hosts whose capacities, largest first, reach the total demand;
 *  - large items: VMs needing more than half of the largest host in one resource pairwise cannot share;
 *  - anti-affinity: a replica group of k VMs needs k hosts.
 * For identical hosts and one resource the first is ceil(sum / C), the classical bound used with the FFD
 * guarantee FFD <= 11/9 OPT + 6/9 (usage-models.md §D1).
 */
export function lowerBound(items: readonly PlacementItem[], hosts: readonly PlacementHost[]): LowerBound {
  let best = { value: items.length > 0 ? 1 : 0, reason: items.length > 0 ? t('platform.metrics.atLeastOneVm') : t('platform.metrics.nothingToPlace') };
  for (const r of RESOURCES) {
    const total = items.reduce((s, i) => s + i.demand[r], 0);
    if (total <= 0) continue;
    const caps = hosts.map((h) => h.capacity[r]).sort((a, b) => b - a);
    let k = 0;
    let acc = 0;
    while (k < caps.length && acc * (1 + 1e-12) < total) acc += caps[k++]!;
    if (acc * (1 + 1e-12) < total) k = caps.length + 1; // even all hosts cannot hold it
    if (k > best.value) best = { value: k, reason: t('platform.metrics.totalDemandNeedsHosts', { r, k }) };
    const maxCap = caps[0] ?? 0;
    const big = items.filter((i) => i.demand[r] > maxCap / 2).length;
    if (big > best.value) best = { value: big, reason: t('platform.metrics.vmsEachNeedMore', { big, r }) };
  }
  const groups = new Map<string, number>();
  for (const i of items) if (i.replicaGroup !== undefined) groups.set(i.replicaGroup, (groups.get(i.replicaGroup) ?? 0) + 1);
  for (const [g, n] of groups) if (n > best.value) best = { value: n, reason: t('platform.metrics.replicaGroupHasVms', { g, n }) };
  return best;
}
