/**
 * "Evacuate host" (maintenance mode): every VM on one host is live-migrated to the other hosts before the host is
 * shut down — what vSphere's maintenance mode does through DRS (usage-models.md §D4) and what Beloglazov &
 * Buyya's consolidation does to an underloaded host (§A3: "underloaded hosts evacuated and switched off").
 *
 * Rule, as PABFD places a VM (§A2): the VMs leave in decreasing CPU-demand order; each goes to the feasible host
 * (capacity in CPU, memory and network, and anti-affinity for replicas, as validate.ts checks them) whose power
 * rises least — a running host only costs the slope of its curve, a host that is off costs its whole curve
 * value, so running hosts are filled before one is switched on. A VM no host can take blocks the evacuation:
 * it is listed, and the host cannot be shut down. Each move's duration follows CloudSim's delay model (§A4):
 * RAM / (target host bandwidth / 2), half the link reserved for migration.
 */
import { powerAt } from '../model/power.ts';
import { ZERO_DEMAND, type Demand } from '../model/workloads.ts';
import { addDemand, fitsIn, type Assignment, type PlacementHost, type PlacementItem } from './types.ts';
import { sortDecreasing } from './algorithms.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/platform.ts';

export interface EvacuationMove {
  readonly vmId: string;
  readonly from: string;
  readonly to: string;
  /** The target was off (ran no VM) before this move: it is switched on. */
  readonly powersOn: boolean;
  /** Extra power drawn at the target (W, from its SPECpower curve). */
  readonly powerDeltaW: number;
  /** CloudSim's migration delay for this VM (§A4): memory MiB × 8 / (target Mbit/s / 2), seconds. */
  readonly seconds: number;
  /** Why this host: a sentence for the move list. */
  readonly why: string;
}

export interface Evacuation {
  readonly hostId: string;
  readonly moves: EvacuationMove[];
  /** VMs no other host can take (capacity or anti-affinity): the host must stay on. */
  readonly stuck: { vmId: string; reason: string }[];
  /** The assignment after the moves (stuck VMs stay on the host). */
  readonly assignment: Record<string, string>;
  /** Every VM left: the host can be shut down. */
  readonly canShutDown: boolean;
  /** Moves done one after another (sequentially, as vMotion limits per host make them mostly serial). */
  readonly totalSeconds: number;
}

export function evacuateHost(items: readonly PlacementItem[], hosts: readonly PlacementHost[], assignment: Assignment, hostId: string): Evacuation {
  const loads = new Map<string, Demand>(hosts.map((h) => [h.id, ZERO_DEMAND]));
  const groups = new Map<string, Set<string>>(hosts.map((h) => [h.id, new Set<string>()]));
  for (const i of items) {
    const h = assignment[i.id];
    if (h === undefined || h === hostId || !loads.has(h)) continue;
    loads.set(h, addDemand(loads.get(h)!, i.demand));
    if (i.replicaGroup !== undefined) groups.get(h)!.add(i.replicaGroup);
  }
  const running = new Set<string>();
  for (const i of items) {
    const h = assignment[i.id];
    if (h !== undefined && h !== hostId) running.add(h);
  }
  const leaving = sortDecreasing(
    items.filter((i) => assignment[i.id] === hostId),
    (i) => i.demand.cpuMips,
  );
  const next: Record<string, string> = { ...assignment };
  const moves: EvacuationMove[] = [];
  const stuck: { vmId: string; reason: string }[] = [];
  for (const vm of leaving) {
    let best: PlacementHost | null = null;
    let bestDp = Infinity;
    let blockedByCapacity = 0;
    let blockedByReplica = 0;
    for (const h of hosts) {
      if (h.id === hostId) continue;
      if (vm.replicaGroup !== undefined && groups.get(h.id)!.has(vm.replicaGroup)) {
        blockedByReplica++;
        continue;
      }
      const load = loads.get(h.id)!;
      if (!fitsIn(addDemand(load, vm.demand), h.capacity)) {
        blockedByCapacity++;
        continue;
      }
      const cap = h.capacity.cpuMips;
      const on = running.has(h.id);
      const before = on ? powerAt(h.power, cap > 0 ? load.cpuMips / cap : 0) : 0; // off: draws nothing (§A2)
      const after = powerAt(h.power, cap > 0 ? (load.cpuMips + vm.demand.cpuMips) / cap : 0);
      const dp = after - before;
      if (dp < bestDp - 1e-9) {
        bestDp = dp;
        best = h;
      }
    }
    if (best === null) {
      stuck.push({
        vmId: vm.id,
        reason:
          t('platform.evacuate.fitsOnNoOther', { name: vm.name }) +
          (blockedByReplica > 0 ? t('platform.evacuate.hostsAlreadyRunA', { count: blockedByReplica, replicaGroup: String(vm.replicaGroup) }) : ' (') +
          (blockedByReplica > 0 && blockedByCapacity > 0 ? ', ' : '') +
          (blockedByCapacity > 0 ? t('platform.evacuate.lackCpuMemoryOr', { count: blockedByCapacity }) : '') +
          t('platform.evacuate.theHostCannotBe'),
      });
      continue;
    }
    const powersOn = !running.has(best.id);
    loads.set(best.id, addDemand(loads.get(best.id)!, vm.demand));
    if (vm.replicaGroup !== undefined) groups.get(best.id)!.add(vm.replicaGroup);
    running.add(best.id);
    next[vm.id] = best.id;
    const seconds = best.capacity.netMbit > 0 ? (vm.demand.memMiB * 8) / (best.capacity.netMbit / 2) : Infinity;
    moves.push({
      vmId: vm.id,
      from: hostId,
      to: best.id,
      powersOn,
      powerDeltaW: bestDp,
      seconds,
      why: powersOn ? t('platform.evacuate.noRunningHostCan', { id: best.id, bestDp: bestDp.toFixed(1) }) : t('platform.evacuate.theSmallestPowerIncrease', { bestDp: bestDp.toFixed(1) }),
    });
  }
  return {
    hostId,
    moves,
    stuck,
    assignment: next,
    canShutDown: stuck.length === 0,
    totalSeconds: moves.reduce((s, m) => s + m.seconds, 0),
  };
}
