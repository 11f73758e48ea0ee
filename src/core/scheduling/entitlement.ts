/**
 * What each VM is *entitled* to on one physical CPU: the proportional-share rule of a weighted fair scheduler
 * (Xen credit: CPU in proportion to weight "on a contended host", a cap as an upper bound, work conserving
 * otherwise — wiki.xenproject.org/wiki/Credit_Scheduler). Computed by water-filling: a VM that wants less than its
 * weighted share (demand) or is capped lower keeps only that, and what it leaves is shared among the others by
 * weight, until every VM is either satisfied, capped, or sharing the rest. Without shares (plain round robin
 * over vCPUs) every busy vCPU is entitled to an equal turn: the same rule with equal weights and no caps.
 */
export interface Claim {
  weight: number;
  /** Percent of one CPU; 0 = none. */
  capPercent: number;
  /** Percent of one CPU the VM would use alone (100 = never sleeps). */
  demandPercent: number;
}

/** Entitled percent of one CPU per claim (sums to at most 100). */
export function entitledShares(claims: readonly Claim[], capacityPercent = 100): number[] {
  const out = claims.map(() => 0);
  const limit = claims.map((c) => Math.min(c.demandPercent, c.capPercent > 0 ? c.capPercent : Infinity, capacityPercent));
  let open = claims.map((_, k) => k).filter((k) => limit[k] > 0 && claims[k].weight > 0);
  let left = capacityPercent;
  while (open.length > 0 && left > 1e-9) {
    const total = open.reduce((s, k) => s + claims[k].weight, 0);
    const full = open.filter((k) => out[k] + (left * claims[k].weight) / total >= limit[k] - 1e-9);
    if (full.length === 0) {
      for (const k of open) out[k] += (left * claims[k].weight) / total;
      left = 0;
      break;
    }
    for (const k of full) {
      left -= limit[k] - out[k];
      out[k] = limit[k];
    }
    open = open.filter((k) => !full.includes(k));
  }
  return out;
}
