/**
 * Kubernetes kube-scheduler style scoring (usage-models.md §D2, kubernetes/kubernetes pkg/scheduler):
 * MaxNodeScore = 100; "requested" includes the incoming VM (pod); integer truncation as in Go.
 *   LeastAllocated:  score_r = (capacity - requested) * 100 / capacity   (0 if requested > capacity)
 *   MostAllocated:   score_r = requested * 100 / capacity                 (requested capped at capacity)
 *   node score       = sum(w_r * score_r) / sum(w_r)
 *   BalancedAllocation: f_r = requested_r / allocatable_r (capped at 1);
 *     std = |f_cpu - f_mem| / 2 for two resources, else sqrt(sum (f - mean)^2 / n); score = (1 - std) * 100.
 * Default weights cpu 1, memory 1 (§D2, R: from defaults.go); network can be given a weight to make the
 * score multi-resource beyond Kubernetes' defaults.
 */
import { RESOURCES, addDemand, fitsIn, type PlacementHost, type PlacementItem, type PlacementResult, type Resource } from './types.ts';
import { ZERO_DEMAND, type Demand } from '../model/workloads.ts';

export const MAX_NODE_SCORE = 100; // §D2

export type KubeStrategy = 'least-allocated' | 'most-allocated' | 'balanced-allocation';

export type ResourceWeights = Readonly<Partial<Record<Resource, number>>>;
export const DEFAULT_WEIGHTS: ResourceWeights = { cpuMips: 1, memMiB: 1 }; // §D2

/** Go-style int64 truncation toward zero. */
const trunc = (x: number): number => Math.trunc(x);

export function leastAllocatedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function mostAllocatedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  const r = Math.min(requested, capacity);
  return trunc((r * MAX_NODE_SCORE) / capacity);
}

function weighted(requested: Demand, cap: Demand, w: ResourceWeights, f: (req: number, cap: number) => number): number {
  let num = 0;
  let den = 0;
  for (const r of RESOURCES) {
    const wr = w[r] ?? 0;
    if (wr === 0) continue;
    num += wr * f(requested[r], cap[r]);
    den += wr;
  }
  return den === 0 ? 0 : trunc(num / den);
}

export function balancedAllocationScore(requested: Demand, cap: Demand, w: ResourceWeights = DEFAULT_WEIGHTS): number {
  const fr: number[] = [];
  for (const r of RESOURCES) {
    if ((w[r] ?? 0) === 0) continue;
    fr.push(cap[r] > 0 ? Math.min(1, requested[r] / cap[r]) : 1);
  }
  let std: number;
  if (fr.length === 2) std = Math.abs(fr[0]! - fr[1]!) / 2;
  else {
    const mean = fr.reduce((s, x) => s + x, 0) / (fr.length || 1);
    std = Math.sqrt(fr.reduce((s, x) => s + (x - mean) ** 2, 0) / (fr.length || 1));
  }
  return trunc((1 - std) * MAX_NODE_SCORE);
}

/** The score of placing `item` on a host whose current load is `load`. */
export function kubeScore(strategy: KubeStrategy, load: Demand, item: PlacementItem, cap: Demand, w: ResourceWeights = DEFAULT_WEIGHTS): number {
  const requested = addDemand(load, item.demand);
  switch (strategy) {
    case 'least-allocated':
      return weighted(requested, cap, w, leastAllocatedScore);
    case 'most-allocated':
      return weighted(requested, cap, w, mostAllocatedScore);
    case 'balanced-allocation':
      return balancedAllocationScore(requested, cap, w);
  }
}

export interface KubeOptions {
  readonly weights?: ResourceWeights;
}

/** Schedules VMs one by one in input order (the scheduling queue), filtering infeasible hosts (resources
 * fit, anti-affinity) and taking the highest score; ties go to the first host (kube-scheduler breaks ties
 * at random - replaced by input order for determinism). */
export function kubeSchedule(strategy: KubeStrategy, items: readonly PlacementItem[], hosts: readonly PlacementHost[], opt: KubeOptions = {}): PlacementResult & { scores: Record<string, Record<string, number>> } {
  const w = opt.weights ?? DEFAULT_WEIGHTS;
  const loads: Demand[] = hosts.map(() => ZERO_DEMAND);
  const groups = hosts.map(() => new Set<string>());
  const assignment: Record<string, string> = {};
  const unplaced: string[] = [];
  const scores: Record<string, Record<string, number>> = {};
  for (const item of items) {
    let best = -1;
    let bestScore = -Infinity;
    const s: Record<string, number> = {};
    for (let h = 0; h < hosts.length; h++) {
      if (item.replicaGroup !== undefined && groups[h]!.has(item.replicaGroup)) continue;
      if (!fitsIn(addDemand(loads[h]!, item.demand), hosts[h]!.capacity)) continue;
      const sc = kubeScore(strategy, loads[h]!, item, hosts[h]!.capacity, w);
      s[hosts[h]!.id] = sc;
      if (sc > bestScore) {
        bestScore = sc;
        best = h;
      }
    }
    scores[item.id] = s;
    if (best < 0) {
      unplaced.push(item.id);
      continue;
    }
    loads[best] = addDemand(loads[best]!, item.demand);
    if (item.replicaGroup !== undefined) groups[best]!.add(item.replicaGroup);
    assignment[item.id] = hosts[best]!.id;
  }
  return { algorithm: `kube:${strategy}`, assignment, unplaced, order: items.map((i) => i.id), scores };
}
