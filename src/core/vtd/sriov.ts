/**
 * Device-assisted sharing with SR-IOV (white paper §3.3.5; PCI-SIG SR-IOV; VT-d spec 3.12.6 "Single-Root I/O
 * Virtualization Capable Devices": each VF has its own requester id): one physical function (PF) exposes
 * virtual functions (VFs), each a PCIe function with its own requester id, so the remapping hardware gives each its
 * own context entry and domain, and each VF can be assigned to a different VM: more virtual devices than physical.
 *
 * VF requester ids (Linux drivers/pci/iov.c `pci_iov_virtfn_bus` / `pci_iov_virtfn_devfn`, per SR-IOV spec 3.3.10–11):
 *   routing id of VF k (k = 0…) = PF routing id + First VF Offset + k × VF Stride; bus = upper 8 bits, devfn = lower 8.
 * Offset and stride are read from the device's SR-IOV capability: device-specific, so here they are assumptions.
 *
 * Throughput and CPU: Dong, Yang, Li, Li, Tian, Guan, "High performance network virtualization with SR-IOV",
 * HPCA 2010 (usage-models.md §E): 10 GbE VFs reach line rate 9.48 Gbit/s, scaling to 60 VMs at 1.76 % additional CPU
 * per VM. The per-VM offered load is a model assumption (the paper's abstract gives no per-VM figure).
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/vtd.ts';
import { createHardware, formatBdf, mapRange, newDomainTable, setContext as setCtx, sourceId, type VtdState } from './hardware.ts';
import { translate as walk } from './translate.ts';

/** Aggregate line rate the paper reports for 10 GbE with SR-IOV (Dong et al. HPCA 2010). */
export const SRIOV_LINE_RATE_GBIT = 9.48;
/** Additional CPU utilisation per VM (Dong et al. HPCA 2010). */
export const SRIOV_CPU_PER_VM_PERCENT = 1.76;
/** Largest number of VMs the paper scaled to (Dong et al. HPCA 2010). */
export const SRIOV_MAX_VMS_MEASURED = 60;

export interface SriovAssumptions {
  /** PF location. */
  pfBus: number;
  pfDevfn: number;
  /** SR-IOV capability First VF Offset and VF Stride (device-specific: assumption). */
  firstVfOffset: number;
  vfStride: number;
  /** Offered load per VM, Gbit/s (assumption). */
  perVmGbit: number;
}

/** Lab defaults; every one is an assumption the screen labels and lets the user change. */
export const SRIOV_DEFAULTS: SriovAssumptions = { pfBus: 0x03, pfDevfn: 0x00, firstVfOffset: 0x80, vfStride: 2, perVmGbit: 1 };

export interface VirtualFunction {
  /** 1-based VF number as lspci/sysfs call them virtfn0… (here vf index k = number − 1). */
  k: number;
  sourceId: number;
  bdf: string;
  /** VM it is assigned to (1-based) and the domain its context entry names. */
  vm: number;
  domain: number;
}

export function vfSourceId(a: Pick<SriovAssumptions, 'pfBus' | 'pfDevfn' | 'firstVfOffset' | 'vfStride'>, k: number): number {
  const rid = ((a.pfBus << 8) | a.pfDevfn) + a.firstVfOffset + a.vfStride * k;
  return sourceId((rid >> 8) & 0xff, (rid >> 3) & 0x1f, rid & 7);
}

export function virtualFunctions(a: SriovAssumptions, count: number): VirtualFunction[] {
  const out: VirtualFunction[] = [];
  for (let k = 0; k < count; k++) {
    const sid = vfSourceId(a, k);
    out.push({ k, sourceId: sid, bdf: formatBdf(sid), vm: k + 1, domain: k + 1 });
  }
  return out;
}

export interface ScalingPoint {
  vms: number;
  /** Aggregate throughput, Gbit/s: min(VMs × offered load, line rate). */
  aggregateGbit: number;
  perVmGbit: number;
  /** Extra CPU over one VM, % (1.76 % per additional VM). */
  extraCpuPercent: number;
  /** Beyond the paper's measured range (more than 60 VMs). */
  extrapolated: boolean;
}

export function scaling(a: SriovAssumptions, maxVms: number): ScalingPoint[] {
  const out: ScalingPoint[] = [];
  for (let n = 1; n <= maxVms; n++) {
    const aggregate = Math.min(n * a.perVmGbit, SRIOV_LINE_RATE_GBIT);
    out.push({ vms: n, aggregateGbit: aggregate, perVmGbit: aggregate / n, extraCpuPercent: SRIOV_CPU_PER_VM_PERCENT * (n - 1), extrapolated: n > SRIOV_MAX_VMS_MEASURED });
  }
  return out;
}

export type SriovCheck = { ok: true } | { ok: false; field: keyof SriovAssumptions | 'vfs'; message: string };

/** Routing ids must stay on the PF's bus range (16-bit routing id) and be distinct (stride ≥ 1). */
export function checkSriov(a: SriovAssumptions, vfs: number): SriovCheck {
  if (!Number.isInteger(vfs) || vfs < 1 || vfs > 64) return { ok: false, field: 'vfs', message: t('vtd.sriov.virtualFunctionsAWholeNumber') };
  if (!Number.isInteger(a.firstVfOffset) || a.firstVfOffset < 1 || a.firstVfOffset > 0xffff) return { ok: false, field: 'firstVfOffset', message: t('vtd.sriov.firstVfOffsetAWhole') };
  if (!Number.isInteger(a.vfStride) || a.vfStride < 1 || a.vfStride > 0xffff) return { ok: false, field: 'vfStride', message: t('vtd.sriov.vfStrideAWholeNumber') };
  if (!Number.isFinite(a.perVmGbit) || a.perVmGbit <= 0 || a.perVmGbit > 100) return { ok: false, field: 'perVmGbit', message: t('vtd.sriov.offeredLoadAbove0And') };
  const last = ((a.pfBus << 8) | a.pfDevfn) + a.firstVfOffset + a.vfStride * (vfs - 1);
  if (last > 0xffff) return { ok: false, field: 'vfs', message: t('vtd.sriov.theLastVfSRouting') };
  return { ok: true };
}

// ------------------------------------------------------------------ the VFs behind the IOMMU

/** Guest memory each VM gives its VF in the lab (lab choice): 4 MiB at guest-physical 0, host base 0x1000_0000 + vm × 16 MiB. */
export const SRIOV_VM_BYTES = 4 * 1024 * 1024;
export function sriovVmHostBase(vm: number): number {
  return 0x1000_0000 + vm * 16 * 1024 * 1024;
}

/** One remapping unit with the PF left to the host and VF k assigned to VM k+1 (own context entry, own domain). */
export function buildSriovHardware(a: SriovAssumptions, vfs: number): VtdState {
  const s = createHardware({ cap: { mgaw: 48, sagaw: (1 << 1) | (1 << 2), nfr: 4 }, memoryTop: 2 ** 33, tableBase: 0x0010_0000, irtSizeField: 7 });
  for (const vf of virtualFunctions(a, vfs)) {
    const top = newDomainTable(s);
    mapRange(s, top, 3, 0, sriovVmHostBase(vf.vm), SRIOV_VM_BYTES, { r: true, w: true });
    setCtx(s, vf.sourceId, { did: vf.domain, slptptr: top, aw: 1 });
  }
  return s;
}

export interface VfDmaCheck {
  vf: number;
  bdf: string;
  /** The VF writes to its own VM's buffer: translated to that VM's host memory. */
  ownHpa: number | null;
  /** The VF writes to the next VM's host memory: blocked with this reason. */
  neighbourReason: number | null;
}

/** For each VF, one DMA into its own VM (allowed) and one aimed at the next VM's host memory (blocked). */
export function vfIsolation(a: SriovAssumptions, vfs: number): VfDmaCheck[] {
  const s = buildSriovHardware(a, vfs);
  return virtualFunctions(a, vfs).map((vf) => {
    const own = walk(s, { sourceId: vf.sourceId, address: 0x1000, write: true });
    const next = walk(s, { sourceId: vf.sourceId, address: sriovVmHostBase((vf.vm % vfs) + 1) + 0x1000, write: true });
    return { vf: vf.k, bdf: vf.bdf, ownHpa: own.ok ? own.hpa : null, neighbourReason: next.ok ? null : next.reason };
  });
}
