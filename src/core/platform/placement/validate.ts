/**
 * Manual placement ("drag a VM onto a host") checked as a value, not an exception: every broken rule is a
 * violation with a sentence the UI shows. Rules: each resource's sum on a host within its capacity (CPU,
 * memory, network), replicas of one group on different hosts (anti-affinity), hosts must exist.
 */
import { RESOURCES, RESOURCE_NAMES, RESOURCE_UNITS, addDemand, type Assignment, type PlacementHost, type PlacementItem, type Resource } from './types.ts';
import { ZERO_DEMAND, type Demand } from '../model/workloads.ts';
import { EPS } from './types.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/platform.ts';

export type Violation =
  | { readonly kind: 'capacity'; readonly hostId: string; readonly resource: Resource; readonly vmIds: string[]; readonly load: number; readonly capacity: number; readonly message: string }
  | { readonly kind: 'anti-affinity'; readonly hostId: string; readonly group: string; readonly vmIds: string[]; readonly message: string }
  | { readonly kind: 'unknown-host'; readonly hostId: string; readonly vmIds: string[]; readonly message: string };

export interface ValidationResult {
  readonly ok: boolean;
  readonly violations: Violation[];
  /** VMs with no host (not a violation: they simply are not running). */
  readonly unplaced: string[];
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

export function validatePlacement(items: readonly PlacementItem[], hosts: readonly PlacementHost[], assignment: Assignment): ValidationResult {
  const violations: Violation[] = [];
  const hostIds = new Set(hosts.map((h) => h.id));
  const unknown = new Map<string, string[]>();
  for (const i of items) {
    const h = assignment[i.id];
    if (h !== undefined && !hostIds.has(h)) unknown.set(h, [...(unknown.get(h) ?? []), i.id]);
  }
  for (const [hostId, vmIds] of unknown)
    violations.push({ kind: 'unknown-host', hostId, vmIds, message: t('platform.validate.thereIsNoHost', { hostId, vmIds: vmIds.join(', ') }) });

  for (const h of hosts) {
    const on = items.filter((i) => assignment[i.id] === h.id);
    let load: Demand = ZERO_DEMAND;
    for (const i of on) load = addDemand(load, i.demand);
    for (const r of RESOURCES) {
      if (load[r] > h.capacity[r] * (1 + EPS) + EPS) {
        const over = load[r] - h.capacity[r];
        violations.push({
          kind: 'capacity',
          hostId: h.id,
          resource: r,
          vmIds: on.map((i) => i.id),
          load: load[r],
          capacity: h.capacity[r],
          message: t('platform.validate.hasOfButIts', { name: h.name, id: h.id, capacity: fmt(h.capacity[r]), unit: RESOURCE_UNITS[r], resource: RESOURCE_NAMES[r], vms: on.map((i) => i.name).join(', '), load: fmt(load[r]), over: fmt(over) }),
        });
      }
    }
    const groups = new Map<string, PlacementItem[]>();
    for (const i of on) if (i.replicaGroup !== undefined) groups.set(i.replicaGroup, [...(groups.get(i.replicaGroup) ?? []), i]);
    for (const [g, members] of groups) {
      if (members.length < 2) continue;
      violations.push({
        kind: 'anti-affinity',
        hostId: h.id,
        group: g,
        vmIds: members.map((i) => i.id),
        message: t('platform.validate.areReplicasOfAnd', { vms: members.map((i) => i.name).join(' and '), g, id: h.id }),
      });
    }
  }
  const unplaced = items.filter((i) => assignment[i.id] === undefined).map((i) => i.id);
  return { ok: violations.length === 0, violations, unplaced };
}

/** The violations a single move would cause (the drop target's check while dragging). Only violations on
 * the target host that involve the moved VM are reported. */
export function checkMove(items: readonly PlacementItem[], hosts: readonly PlacementHost[], assignment: Assignment, vmId: string, hostId: string): ValidationResult {
  const next: Record<string, string> = { ...assignment, [vmId]: hostId };
  const r = validatePlacement(items, hosts, next);
  const violations = r.violations.filter((v) => v.hostId === hostId && v.vmIds.includes(vmId));
  return { ok: violations.length === 0, violations, unplaced: r.unplaced };
}
