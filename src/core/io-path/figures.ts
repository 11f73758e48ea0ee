/**
 * Published I/O-virtualization figures the lab quotes beside its own measurements, from
 * /work/shared/reference/usage-models.md §E (Conf. column there: V = verified from the source's abstract or text).
 * None of these is fed into the simulation: they are what the literature measured, shown so the user can set the
 * lab's modelled numbers against them. The lab's own numbers come from the core's runs and the cost model
 * (src/core/cost/figures.ts).
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/iopath.ts';

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

const ELI = t('iopath.figures.gordonAmitHarElBen');
const SRIOV = t('iopath.figures.dongYangLiLiTian');
const MENON = t('iopath.figures.menonCoxZwaenepoelOptimizingNetwork');
const ILSISTEMISTA = t('iopath.figures.ilsistemistaNetKvmVirtioParavirtualized');
const IOMMU_COST = t('iopath.figures.benYehudaEtAlThe');

export const IO_FIGURES: readonly IoFigure[] = [
  { id: 'eli.interrupt-exits', claim: t('iopath.figures.deviceAssignedGuestsStillTake'), value: t('iopath.figures.eliInterruptRate', { rate: '150K' }), source: ELI, conf: 'V', path: 'assigned' },
  { id: 'eli.speedup', claim: t('iopath.figures.exitLessInterruptsEliOn'), value: '1.3× – 1.6×', source: ELI, conf: 'V', path: 'assigned' },
  { id: 'eli.bare-metal', claim: t('iopath.figures.deviceAssignmentEliFractionOf'), value: '97 % – 100 %', source: ELI, conf: 'V', path: 'assigned' },
  { id: 'sriov.line-rate', claim: t('iopath.figures.srIovVirtualFunctionsOn', { gbe: 10 }), value: t('iopath.figures.sriovLineRate', { rate: '9.48' }), source: SRIOV, conf: 'V', path: 'assigned' },
  { id: 'sriov.cpu-per-vm', claim: t('iopath.figures.srIovAdditionalCpuPer'), value: t('iopath.figures.sriovCpuPerVm', { percent: '1.76', vms: 60 }), source: SRIOV, conf: 'V', path: 'assigned' },
  { id: 'sriov.vs-pv', claim: t('iopath.figures.srIovComparedWithThe'), value: t('iopath.figures.betterThroughputAndScalabilityLower'), source: SRIOV, conf: 'V', path: 'paravirtual' },
  { id: 'menon.emulated-cpu', claim: t('iopath.figures.aHostedVmmWithAn', { mbit: 100 }), value: t('iopath.figures.menonNativeCpu', { low: 5, high: 6 }), source: MENON, conf: 'V', path: 'emulated' },
  { id: 'virtio.vs-e1000', claim: t('iopath.figures.virtioNetAgainstTheEmulated'), value: t('iopath.figures.wayAheadInMbitS'), source: ILSISTEMISTA, conf: 'V', path: 'paravirtual' },
  { id: 'iommu.cost', claim: t('iopath.figures.costOfDmaTranslationThrough'), value: t('iopath.figures.mostlyExtraCpuForMap'), source: IOMMU_COST, conf: 'R', path: 'assigned' },
];

export function ioFigureById(id: string): IoFigure | undefined {
  return IO_FIGURES.find((f) => f.id === id);
}
