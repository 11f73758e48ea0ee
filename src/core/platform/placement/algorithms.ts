/**
 * Bin-packing placement of VMs on hosts: First Fit Decreasing, Best Fit Decreasing and Power-Aware Best Fit
 * Decreasing (Beloglazov & Buyya's PABFD as in CloudSim, usage-models.md §A2). Deterministic: ties go to
 * the earlier host / earlier VM in the input order. A host that already runs a VM of the same replica group
 * is not a candidate (anti-affinity).
 */
import { powerAt } from '../model/power.ts';
import { ZERO_DEMAND, type Demand } from '../model/workloads.ts';
import { RESOURCES, addDemand, fitsIn, type PlacementHost, type PlacementItem, type PlacementResult } from './types.ts';

/** Size used to sort "decreasing" with several resources: the largest share of the largest host's
 * capacity over the resources (dominant share). With one resource this is the classical size order. */
export function dominantShare(items: readonly PlacementItem[], hosts: readonly PlacementHost[]): (d: Demand) => number {
  const max = { cpuMips: 0, memMiB: 0, netMbit: 0 };
  for (const h of hosts) for (const r of RESOURCES) max[r] = Math.max(max[r], h.capacity[r]);
  void items;
  return (d) => {
    let s = 0;
    for (const r of RESOURCES) if (max[r] > 0) s = Math.max(s, d[r] / max[r]);
    return s;
  };
}

export function sortDecreasing(items: readonly PlacementItem[], key: (i: PlacementItem) => number): PlacementItem[] {
  return items
    .map((item, idx) => ({ item, idx, k: key(item) }))
    .sort((a, b) => b.k - a.k || a.idx - b.idx)
    .map((x) => x.item);
}

interface State {
  loads: Demand[];
  groups: Set<string>[];
}

function newState(hosts: readonly PlacementHost[]): State {
  return { loads: hosts.map(() => ZERO_DEMAND), groups: hosts.map(() => new Set<string>()) };
}

function feasible(st: State, hosts: readonly PlacementHost[], h: number, item: PlacementItem, threshold: number): boolean {
  if (item.replicaGroup !== undefined && st.groups[h]!.has(item.replicaGroup)) return false;
  return fitsIn(addDemand(st.loads[h]!, item.demand), hosts[h]!.capacity, threshold);
}

function commit(st: State, h: number, item: PlacementItem): void {
  st.loads[h] = addDemand(st.loads[h]!, item.demand);
  if (item.replicaGroup !== undefined) st.groups[h]!.add(item.replicaGroup);
}

/** Runs a choose-host rule over the VMs in the given order. */
function pack(
  algorithm: string,
  ordered: readonly PlacementItem[],
  hosts: readonly PlacementHost[],
  choose: (st: State, item: PlacementItem, candidates: number[]) => number,
  threshold: number,
): PlacementResult {
  const st = newState(hosts);
  const assignment: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const item of ordered) {
    const candidates: number[] = [];
    for (let h = 0; h < hosts.length; h++) if (feasible(st, hosts, h, item, threshold)) candidates.push(h);
    if (candidates.length === 0) {
      unplaced.push(item.id);
      continue;
    }
    const h = choose(st, item, candidates);
    commit(st, h, item);
    assignment[item.id] = hosts[h]!.id;
  }
  return { algorithm, assignment, unplaced, order: ordered.map((i) => i.id) };
}

export interface PackOptions {
  /** Fraction of each host's capacity that may be used (1 = all of it). */
  readonly threshold?: number;
}

/** First Fit Decreasing: VMs by decreasing dominant share, each on the first host it fits. */
export function firstFitDecreasing(items: readonly PlacementItem[], hosts: readonly PlacementHost[], opt: PackOptions = {}): PlacementResult {
  const size = dominantShare(items, hosts);
  const ordered = sortDecreasing(items, (i) => size(i.demand));
  return pack('FFD', ordered, hosts, (_st, _item, c) => c[0]!, opt.threshold ?? 1);
}

/** Best Fit Decreasing: each VM on the feasible host left with the least free capacity afterwards (sum of
 * the normalised residuals; with one resource, the classical smallest-residual rule). */
export function bestFitDecreasing(items: readonly PlacementItem[], hosts: readonly PlacementHost[], opt: PackOptions = {}): PlacementResult {
  const size = dominantShare(items, hosts);
  const ordered = sortDecreasing(items, (i) => size(i.demand));
  return pack(
    'BFD',
    ordered,
    hosts,
    (st, item, c) => {
      let best = c[0]!;
      let bestR = Infinity;
      for (const h of c) {
        const after = addDemand(st.loads[h]!, item.demand);
        let r = 0;
        for (const res of RESOURCES) {
          const cap = hosts[h]!.capacity[res];
          if (cap > 0) r += (cap - after[res]) / cap;
        }
        if (r < bestR - 1e-12) {
          bestR = r;
          best = h;
        }
      }
      return best;
    },
    opt.threshold ?? 1,
  );
}

export interface PabfdOptions extends PackOptions {
  /**
   * true (default): a host that runs nothing is off, so using it costs its whole curve value at the new
   * utilisation (the energy integral treats 0 % as off, §A2). false: CloudSim's findHostForVm literally -
   * power before = the curve at 0 % even for an empty host, so only the slope counts.
   */
  readonly emptyHostIsOff?: boolean;
}

/** Power-Aware Best Fit Decreasing (usage-models.md §A2): VMs by decreasing CPU demand, each on the host
 * whose power rises least, among hosts not overloaded after the allocation. */
export function powerAwareBestFitDecreasing(items: readonly PlacementItem[], hosts: readonly PlacementHost[], opt: PabfdOptions = {}): PlacementResult {
  const ordered = sortDecreasing(items, (i) => i.demand.cpuMips);
  const emptyOff = opt.emptyHostIsOff ?? true;
  return pack(
    'PABFD',
    ordered,
    hosts,
    (st, item, c) => {
      let best = c[0]!;
      let bestDp = Infinity;
      for (const h of c) {
        const cap = hosts[h]!.capacity.cpuMips;
        const before = st.loads[h]!.cpuMips;
        const empty = st.loads[h]! === ZERO_DEMAND;
        const pBefore = empty && emptyOff ? 0 : powerAt(hosts[h]!.power, cap > 0 ? before / cap : 0);
        const pAfter = powerAt(hosts[h]!.power, cap > 0 ? (before + item.demand.cpuMips) / cap : 0);
        const dp = pAfter - pBefore;
        if (dp < bestDp - 1e-9) {
          bestDp = dp;
          best = h;
        }
      }
      return best;
    },
    opt.threshold ?? 1,
  );
}

/** Each VM alone on its own host of the given template (the "before" view: one server per application). */
export function onePerHost(items: readonly PlacementItem[], template: Omit<PlacementHost, 'id'>): { hosts: PlacementHost[]; assignment: Record<string, string> } {
  const hosts = items.map((i) => ({ ...template, id: `server-${i.id}` }));
  const assignment: Record<string, string> = {};
  for (const i of items) assignment[i.id] = `server-${i.id}`;
  return { hosts, assignment };
}
