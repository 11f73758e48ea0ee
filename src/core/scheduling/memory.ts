/**
 * Memory limits. A VM's memory limit is the guest-physical memory the VMM gives it: with EPT, guest-physical
 * addresses beyond it have no mapping, and an access there is an EPT violation (exit reason 48, SDM Vol. 3C §28.3.3)
 * that this VMM handles by stopping the VM (src/core/vmm/exits.ts) — the guest cannot take more than its limit.
 * Admission (no overcommit, as a VMM without ballooning or swapping must do): a VM starts only if its limit
 * fits in the host memory the other VMs' limits leave, after the VMM's own reservation.
 * The VMM creates guest RAM in 4-MiB units (src/core/vmm/hypervisor.ts createVm).
 */

import { t } from '../../i18n/t.ts';
import '../../i18n/en/partition.ts';
export const MIB = 1 << 20;
export const GUEST_RAM_UNIT_MIB = 4;

export interface MemoryRequest {
  name: string;
  limitMiB: number;
}

export interface MemoryAdmission {
  name: string;
  limitMiB: number;
  admitted: boolean;
  why: string;
}

/** Admits VMs in order while their limits fit in `hostMiB − vmmReservedMiB`. */
export function admitMemory(requests: readonly MemoryRequest[], hostMiB: number, vmmReservedMiB: number): MemoryAdmission[] {
  let free = hostMiB - vmmReservedMiB;
  return requests.map((r) => {
    if (!(r.limitMiB >= GUEST_RAM_UNIT_MIB) || r.limitMiB % GUEST_RAM_UNIT_MIB !== 0) {
      return { ...r, admitted: false, why: t('partition.memory.theLimitMustBe', { guestRamUnitMib: GUEST_RAM_UNIT_MIB }) };
    }
    if (r.limitMiB > free) return { ...r, admitted: false, why: t('partition.memory.onlyMibOfHost', { free }) };
    free -= r.limitMiB;
    return { ...r, admitted: true, why: t('partition.memory.mibReservedMibLeft', { limitMiB: r.limitMiB, free }) };
  });
}

/**
 * A guest touching guest-physical address `gpa` with limit `limitMiB`: inside, the access is mapped; outside,
 * it is an EPT violation and the VMM stops the VM (the limit holds: nothing is taken from the others).
 */
export function accessWithinLimit(gpa: number, limitMiB: number): 'mapped' | 'ept-violation' {
  return gpa >= 0 && gpa < limitMiB * MIB ? 'mapped' : 'ept-violation';
}
