/**
 * Published I/O-virtualization figures the lab quotes beside its own measurements, from
 * /work/shared/reference/usage-models.md §E (Conf. column there: V = verified from the source's abstract or text).
 * None of these is fed into the simulation: they are what the literature measured, shown so the user can set the
 * lab's modelled numbers against them. The lab's own numbers come from the core's runs and the cost model
 * (src/core/cost/figures.ts).
 */

export interface IoFigure {
  readonly id: string;
  /** What was measured, in the source's terms. */
  readonly claim: string;
  /** The number(s) as the source states them. */
  readonly value: string;
  readonly source: string;
  /** usage-models.md confidence: V verified, R recalled, D derived. */
  readonly conf: 'V' | 'R' | 'D';
  /** Which of the lab's paths the figure speaks about. */
  readonly path: 'emulated' | 'paravirtual' | 'assigned' | 'all';
}

const ELI = 'Gordon, Amit, Har\'El, Ben-Yehuda, Landau, Schuster, Tsafrir, "ELI: Bare-Metal Performance for I/O Virtualization", ASPLOS 2012 (CACM 2016 version); usage-models.md §E';
const SRIOV = 'Dong, Yang, Li, Li, Tian, Guan, "High performance network virtualization with SR-IOV", HPCA 2010; usage-models.md §E';
const MENON = 'Menon, Cox, Zwaenepoel, "Optimizing Network Virtualization in Xen", USENIX ATC 2006, quoting Sugerman, Venkitachalam, Lim, USENIX ATC 2001; usage-models.md §E';
const ILSISTEMISTA = 'ilsistemista.net, "KVM VirtIO paravirtualized drivers: why they matter" (https://www.ilsistemista.net/index.php/virtualization/42-kvm-virtio-paravirtualized-drivers-why-they-matter.html?start=2); usage-models.md §E';
const IOMMU_COST = 'Ben-Yehuda et al., "The Price of Safety: Evaluating IOMMU Performance", OLS 2007; usage-models.md §E';

export const IO_FIGURES: readonly IoFigure[] = [
  { id: 'eli.interrupt-exits', claim: 'Device-assigned guests still take physical interrupts that each cause a VM exit', value: '> 150K interrupts/s per guest', source: ELI, conf: 'V', path: 'assigned' },
  { id: 'eli.speedup', claim: 'Exit-less interrupts (ELI) on top of device assignment: throughput and latency improvement', value: '1.3× – 1.6×', source: ELI, conf: 'V', path: 'assigned' },
  { id: 'eli.bare-metal', claim: 'Device assignment + ELI, fraction of bare-metal performance (most I/O-intensive workloads)', value: '97 % – 100 %', source: ELI, conf: 'V', path: 'assigned' },
  { id: 'sriov.line-rate', claim: 'SR-IOV virtual functions on 10 GbE (Xen HVM): throughput', value: '9.48 Gbit/s (line rate)', source: SRIOV, conf: 'V', path: 'assigned' },
  { id: 'sriov.cpu-per-vm', claim: 'SR-IOV: additional CPU per VM when scaling out', value: '1.76 % per VM, up to 60 VMs', source: SRIOV, conf: 'V', path: 'assigned' },
  { id: 'sriov.vs-pv', claim: 'SR-IOV compared with the paravirtual driver pair (netfront/netback)', value: 'better throughput and scalability, lower CPU', source: SRIOV, conf: 'V', path: 'paravirtual' },
  { id: 'menon.emulated-cpu', claim: 'A hosted VMM with an emulated NIC (VMware Workstation 2.0) needed this much CPU, relative to native Linux, to saturate 100 Mbit/s', value: '5× – 6× native CPU', source: MENON, conf: 'V', path: 'emulated' },
  { id: 'virtio.vs-e1000', claim: 'virtio-net against the emulated e1000 (KVM)', value: '"way ahead" in Mbit/s; higher Mbit/s per unit of CPU', source: ILSISTEMISTA, conf: 'V', path: 'paravirtual' },
  { id: 'iommu.cost', claim: 'Cost of DMA translation through an IOMMU on the direct-access path', value: 'mostly extra CPU for map/unmap; throughput largely kept (numbers not retrieved)', source: IOMMU_COST, conf: 'R', path: 'assigned' },
];

export function ioFigureById(id: string): IoFigure | undefined {
  return IO_FIGURES.find((f) => f.id === id);
}
