/**
 * Cost figures the cycle model reads: VM exit/entry round trips, native instruction costs, software-VMM
 * (binary translation) costs, MMU-virtualization costs and VMM handler costs.
 *
 * Every entry is one of
 *   - `measured`:   a number quoted from the cited source (table/page given in `source`);
 *   - `derived`:    computed from sourced numbers; `note` shows the arithmetic;
 *   - `assumption`: a model choice with no measurement behind it. The UI must say so and let the user
 *                   change it (product rule; docs/CONVENTIONS.md).
 * A figure the source gives as a range keeps the range in `range` and the low end in `value`; one the
 * source gives as "ca."/"~" or as a lower bound (">300") says so in `bound`.
 *
 * Human-readable tables, the discrepancies between sources and the list of what was looked for and not
 * found: docs/sources/costs.md. This module holds data and lookups only.
 */

import {
  SRC_ACRN_RTVM,
  SRC_ADAMS_AGESEN_2006,
  SRC_AGESEN_2012,
  SRC_AGNER_MICROARCH,
  SRC_AGNER_TABLES,
  SRC_ARS_PENRYN_2007,
  SRC_BHARGAVA_2008,
  SRC_BONZINI_VMX_OPT_2019,
  SRC_HWINFO_IDF08,
  SRC_KUT_00BFECAA,
  SRC_KUT_CFBD129C,
  SRC_KUT_F2665DE7,
  SRC_SEANJC_2024,
  SRC_SHALABI_2014,
  SRC_SPLITX_2011,
  SRC_VMWARE_EPT_2009,
  SRC_WANPENG_2020,
} from './sources.ts';
import { t } from '../../i18n/t.ts';
import '../../i18n/en/cost.ts';

export type FigureKind = 'measured' | 'derived' | 'assumption';

/** The project's CPU models that the cost model distinguishes. */
export type CostCpuModelId = 'xeon-lv' | 'xeon-5100' | 'nehalem' | 'modern';

export const COST_CPU_MODELS: readonly CostCpuModelId[] = ['xeon-lv', 'xeon-5100', 'nehalem', 'modern'];

export type FigureUnit =
  | 'cycles'
  | 'ns'
  | 'percent'
  | 'ratio'
  | 'count'
  | 'uops'
  | 'page-table references'
  | 'cycles/instruction';

export interface CostFigure {
  readonly id: string;
  readonly value: number;
  readonly unit: FigureUnit;
  /** The CPU as the source names it, or the project CPU model the figure was derived/assumed for. */
  readonly cpu: string;
  readonly kind: FigureKind;
  readonly source: string;
  readonly note: string;
  /** Set on the figure the cost model uses for one of the project's CPU models. */
  readonly model?: CostCpuModelId;
  /** The source's own range, when it gives one; `value` is then the low end. */
  readonly range?: readonly [number, number];
  /** 'at-least': the source gives a lower bound (">300"); 'approximately': "ca."/"~"/"about". */
  readonly bound?: 'at-least' | 'approximately';
}

const AGESEN_T1 = t('cost.fig.agesenT1', { srcAgesen2012: SRC_AGESEN_2012 });
const AA_T1 = t('cost.fig.aaT1', { srcAdamsAgesen2006: SRC_ADAMS_AGESEN_2006 });
const AA_RAW = t('cost.fig.aaRaw', { srcAdamsAgesen2006: SRC_ADAMS_AGESEN_2006 });
const AGNER_PM = t('cost.fig.agnerPm', { srcAgnerTables: SRC_AGNER_TABLES });
const AGNER_MEROM = t('cost.fig.agnerMerom', { srcAgnerTables: SRC_AGNER_TABLES });
const AGNER_NHM = t('cost.fig.agnerNhm', { srcAgnerTables: SRC_AGNER_TABLES });
const AGNER_SKX = t('cost.fig.agnerSkx', { srcAgnerTables: SRC_AGNER_TABLES });
const AGNER_ICL = t('cost.fig.agnerIcl', { srcAgnerTables: SRC_AGNER_TABLES });
const AGNER_P4E = t('cost.fig.agnerP4e', { srcAgnerTables: SRC_AGNER_TABLES });

const P4_672 = t('cost.fig.p4672');
const CORE2_PRE = t('cost.fig.core2Pre');

// ---------------------------------------------------------------------------------------------------
// 1. VM exit + VM entry round trip, hardware only (no VMM handler work)
// ---------------------------------------------------------------------------------------------------

export const ROUND_TRIP_MEASURED: readonly CostFigure[] = [
  {
    id: 'vmx.round-trip.prescott',
    value: 3963,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripPrescott.cpu'),
    kind: 'measured',
    source: AGESEN_T1,
    note: t('cost.fig.vmxRoundTripPrescott.note'),
  },
  {
    id: 'vmx.round-trip.merom',
    value: 1579,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripMerom.cpu'),
    kind: 'measured',
    source: AGESEN_T1,
    note: t('cost.fig.vmxRoundTripMerom.note'),
  },
  {
    id: 'vmx.round-trip.penryn',
    value: 1266,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripPenryn.cpu'),
    kind: 'measured',
    source: AGESEN_T1,
    note: t('cost.fig.vmxRoundTripMerom.note'),
  },
  {
    id: 'vmx.round-trip.nehalem',
    value: 1009,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripNehalem.cpu'),
    kind: 'measured',
    source: AGESEN_T1,
    note: t('cost.fig.vmxRoundTripNehalem.note'),
  },
  {
    id: 'vmx.round-trip.westmere',
    value: 761,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripWestmere.cpu'),
    kind: 'measured',
    source: AGESEN_T1,
    note: t('cost.fig.vmxRoundTripMerom.note'),
  },
  {
    id: 'vmx.round-trip.sandy-bridge',
    value: 784,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripSandyBridge.cpu'),
    kind: 'measured',
    source: AGESEN_T1,
    note: t('cost.fig.vmxRoundTripSandyBridge.note'),
  },
  {
    id: 'vmx.round-trip.reduction.prescott-to-sandy-bridge',
    value: 80,
    unit: 'percent',
    cpu: t('cost.fig.vmxRoundTripReductionPrescottToSandyBridge.cpu'),
    kind: 'measured',
    bound: 'approximately',
    source: t('cost.fig.vmxRoundTripReductionPrescottToSandyBridge.source', { srcAgesen2012: SRC_AGESEN_2012 }),
    note: t('cost.fig.vmxRoundTripReductionPrescottToSandyBridge.note'),
  },
  {
    id: 'vmx.round-trip.nested-virtual.sandy-bridge',
    value: 9794,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripNestedVirtualSandyBridge.cpu'),
    kind: 'measured',
    source: `${SRC_AGESEN_2012}, §8, p. 7`,
    note: t('cost.fig.vmxRoundTripNestedVirtualSandyBridge.note'),
  },
  {
    id: 'vmx.vm-entry.p4-672',
    value: 2409,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'measured',
    source: AA_T1,
    note: t('cost.fig.vmxVmEntryP4672.note'),
  },
  {
    id: 'vmx.vm-entry.core2-preproduction',
    value: 937,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: AA_T1,
    note: t('cost.fig.vmxVmEntryCore2Preproduction.note'),
  },
  {
    id: 'vmx.page-fault-vm-exit.p4-672',
    value: 1931,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'measured',
    source: AA_T1,
    note: t('cost.fig.vmxPageFaultVmExitP4672.note'),
  },
  {
    id: 'vmx.page-fault-vm-exit.core2-preproduction',
    value: 1186,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: AA_T1,
    note: t('cost.fig.vmxPageFaultVmExitCore2Preproduction.note'),
  },
  {
    id: 'vmx.entry-plus-pf-exit.p4-672',
    value: 4340,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'derived',
    source: AA_T1,
    note: t('cost.fig.vmxEntryPlusPfExitP4672.note'),
  },
  {
    id: 'vmx.entry-plus-pf-exit.core2-preproduction',
    value: 2123,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'derived',
    source: AA_T1,
    note: t('cost.fig.vmxEntryPlusPfExitCore2Preproduction.note'),
  },
  {
    id: 'vmx.vmread.p4-672',
    value: 178,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'measured',
    source: AA_T1,
    note: t('cost.fig.vmxVmreadP4672.note'),
  },
  {
    id: 'vmx.vmread.core2-preproduction',
    value: 52,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: AA_T1,
    note: t('cost.fig.vmxVmreadCore2Preproduction.note'),
  },
  {
    id: 'vmx.vmwrite.p4-672',
    value: 171,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'measured',
    source: AA_T1,
    note: t('cost.fig.vmxVmwriteP4672.note'),
  },
  {
    id: 'vmx.vmwrite.core2-preproduction',
    value: 44,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: AA_T1,
    note: t('cost.fig.vmxVmwriteP4672.note'),
  },
  {
    id: 'vmm.vmreads-per-typical-exit',
    value: 10,
    unit: 'count',
    cpu: P4_672,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §7.1, PDF p. 9`,
    note: t('cost.fig.vmmVmreadsPerTypicalExit.note'),
  },
];

// ---------------------------------------------------------------------------------------------------
// 2. Vendor statements about generation-to-generation improvement (no method published)
// ---------------------------------------------------------------------------------------------------

export const VENDOR_STATEMENTS: readonly CostFigure[] = [
  {
    id: 'vmx.transition-time-reduction.penryn-vs-merom',
    value: 25,
    range: [25, 75],
    unit: 'percent',
    cpu: t('cost.fig.vmxTransitionTimeReductionPenrynVsMerom.cpu'),
    kind: 'measured',
    source: SRC_ARS_PENRYN_2007,
    note: t('cost.fig.vmxTransitionTimeReductionPenrynVsMerom.note'),
  },
  {
    id: 'vmx.overhead-reduction.penryn-vs-first-core',
    value: 40,
    unit: 'percent',
    bound: 'approximately',
    cpu: t('cost.fig.vmxOverheadReductionPenrynVsFirstCore.cpu'),
    kind: 'measured',
    source: SRC_HWINFO_IDF08,
    note: t('cost.fig.vmxOverheadReductionPenrynVsFirstCore.note'),
  },
  {
    id: 'vmx.overhead-reduction.nehalem-vs-penryn',
    value: 33,
    unit: 'percent',
    bound: 'approximately',
    cpu: t('cost.fig.vmxOverheadReductionNehalemVsPenryn.cpu'),
    kind: 'measured',
    source: SRC_HWINFO_IDF08,
    note: t('cost.fig.vmxOverheadReductionNehalemVsPenryn.note'),
  },
];

// ---------------------------------------------------------------------------------------------------
// 3. Exit cost seen by a guest under a real VMM (hardware round trip + VMM software)
// ---------------------------------------------------------------------------------------------------

export const VMM_EXIT_MEASURED: readonly CostFigure[] = [
  {
    id: 'kvm.exit.direct-cost.x5570',
    value: 2000,
    unit: 'cycles',
    bound: 'approximately',
    cpu: t('cost.fig.kvmExitDirectCostX5570.cpu'),
    kind: 'measured',
    source: t('cost.fig.kvmExitDirectCostX5570.source', { srcSplitx2011: SRC_SPLITX_2011 }),
    note: t('cost.fig.kvmExitDirectCostX5570.note'),
  },
  {
    id: 'kvm.vmcall.i7-3960x',
    value: 1600,
    range: [1600, 1700],
    unit: 'cycles',
    cpu: t('cost.fig.kvmVmcallI73960x.cpu'),
    kind: 'measured',
    source: SRC_SHALABI_2014,
    note: t('cost.fig.kvmVmcallI73960x.note'),
  },
  {
    id: 'kvm.vmcall.skx',
    value: 1559,
    unit: 'cycles',
    cpu: t('cost.fig.kvmVmcallSkx.cpu'),
    kind: 'measured',
    source: SRC_WANPENG_2020,
    note: t('cost.fig.kvmVmcallSkx.note'),
  },
  {
    id: 'kvm.cpuid.2024-unnamed',
    value: 1018,
    unit: 'cycles',
    cpu: t('cost.fig.kvmCpuid2024Unnamed.cpu'),
    kind: 'measured',
    source: SRC_SEANJC_2024,
    note: t('cost.fig.kvmCpuid2024Unnamed.note'),
  },
  {
    id: 'kvm.vmcall.2012-unnamed',
    value: 3898,
    unit: 'cycles',
    cpu: t('cost.fig.kvmVmcall2012Unnamed.cpu'),
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: t('cost.fig.kvmVmcall2012Unnamed.note'),
  },
  {
    id: 'kvm.tscdeadline.preemption-timer.haswell',
    value: 5600,
    unit: 'cycles',
    cpu: t('cost.fig.kvmTscdeadlinePreemptionTimerHaswell.cpu'),
    kind: 'measured',
    source: SRC_KUT_CFBD129C,
    note: t('cost.fig.kvmTscdeadlinePreemptionTimerHaswell.note'),
  },
  {
    id: 'kvm.wrmsr.ibpb.haswell',
    value: 4212,
    unit: 'cycles',
    cpu: t('cost.fig.kvmWrmsrIbpbHaswell.cpu'),
    kind: 'measured',
    source: SRC_KUT_F2665DE7,
    note: t('cost.fig.kvmWrmsrIbpbHaswell.note'),
  },
  {
    id: 'acrn.vuart-register-exit',
    value: 2000,
    range: [2000, 3000],
    unit: 'cycles',
    cpu: t('cost.fig.acrnVuartRegisterExit.cpu'),
    kind: 'measured',
    source: SRC_ACRN_RTVM,
    note: t('cost.fig.acrnVuartRegisterExit.note'),
  },
  {
    id: 'kvm.nested.cpuid.2019-unnamed',
    value: 13142,
    unit: 'cycles',
    cpu: t('cost.fig.kvmNestedCpuid2019Unnamed.cpu'),
    kind: 'measured',
    source: SRC_BONZINI_VMX_OPT_2019,
    note: t('cost.fig.kvmNestedCpuid2019Unnamed.note'),
  },
];

// ---------------------------------------------------------------------------------------------------
// 4. VMM handler costs (what the VMM spends between exit and entry)
// ---------------------------------------------------------------------------------------------------

export const HANDLER_COSTS: readonly CostFigure[] = [
  {
    id: 'kvm.inl-from-qemu.2012-unnamed',
    value: 20574,
    unit: 'cycles',
    cpu: t('cost.fig.kvmInlFromQemu2012Unnamed.cpu'),
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: t('cost.fig.kvmInlFromQemu2012Unnamed.note'),
  },
  {
    id: 'kvm.inl-from-kernel.2012-unnamed',
    value: 7237,
    unit: 'cycles',
    cpu: t('cost.fig.kvmInlFromKernel2012Unnamed.cpu'),
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: t('cost.fig.kvmInlFromKernel2012Unnamed.note'),
  },
  {
    id: 'kvm.outl-to-kernel.2012-unnamed',
    value: 4451,
    unit: 'cycles',
    cpu: t('cost.fig.kvmInlFromKernel2012Unnamed.cpu'),
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: t('cost.fig.kvmOutlToKernel2012Unnamed.note'),
  },
  {
    id: 'kvm.inl-from-pmtimer.2012-unnamed',
    value: 24615,
    unit: 'cycles',
    cpu: t('cost.fig.kvmInlFromQemu2012Unnamed.cpu'),
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: t('cost.fig.kvmInlFromPmtimer2012Unnamed.note'),
  },
  {
    id: 'kvm.userspace-exit.2012-unnamed',
    value: 13337,
    unit: 'cycles',
    cpu: t('cost.fig.kvmInlFromQemu2012Unnamed.cpu'),
    kind: 'derived',
    source: SRC_KUT_00BFECAA,
    note: t('cost.fig.kvmUserspaceExit2012Unnamed.note'),
  },
  {
    id: 'kvm.emulator.2012-unnamed',
    value: 2786,
    unit: 'cycles',
    cpu: t('cost.fig.kvmInlFromKernel2012Unnamed.cpu'),
    kind: 'derived',
    source: SRC_KUT_00BFECAA,
    note: t('cost.fig.kvmEmulator2012Unnamed.note'),
  },
];

// ---------------------------------------------------------------------------------------------------
// 5. Software (binary translation) vs first-generation hardware VMM — Adams & Agesen 2006, 3.8 GHz P4 672
// ---------------------------------------------------------------------------------------------------

function aaNano(op: string, native: number, bt: number, vt: number, what: string): readonly CostFigure[] {
  return [
    { id: `aa2006.${op}.native`, value: native, unit: 'cycles', cpu: P4_672, kind: 'measured', source: AA_RAW, note: t('cost.fig.nativeExecution', { what }) },
    { id: `aa2006.${op}.bt`, value: bt, unit: 'cycles', cpu: P4_672, kind: 'measured', source: AA_RAW, note: t('cost.fig.vmwarePlayerSoftwareBinaryTranslatin', { what }) },
    { id: `aa2006.${op}.vt`, value: vt, unit: 'cycles', cpu: P4_672, kind: 'measured', source: AA_RAW, note: t('cost.fig.vmwarePlayerHardwareVtX', { what }) },
  ];
}

export const SOFTWARE_VS_HARDWARE: readonly CostFigure[] = [
  ...aaNano('syscall', 242, 2308, 246, t('cost.fig.softwareVsHardware')),
  ...aaNano('in', 3209, 216, 15826, t('cost.fig.softwareVsHardware2')),
  ...aaNano('cr8write', 150, 35, 177, t('cost.fig.softwareVsHardware3')),
  ...aaNano('callret', 11, 51, 11, t('cost.fig.softwareVsHardware4')),
  ...aaNano('pgfault', 1093, 3927, 11242, t('cost.fig.softwareVsHardware5')),
  ...aaNano('divzero', 889, 3223, 1014, t('cost.fig.softwareVsHardware6')),
  ...aaNano('ptemod-unchanged', 1, 391, 12733, t('cost.fig.softwareVsHardware7')),
  ...aaNano('ptemod-p-to-np', 4, 17, 9154, t('cost.fig.softwareVsHardware8')),
  ...aaNano('ptemod-np-to-p', 5, 2121, 17020, t('cost.fig.softwareVsHardware9')),
  {
    id: 'aa2006.rdtsc.trap-and-emulate',
    value: 2030,
    unit: 'cycles',
    cpu: t('cost.fig.aa2006RdtscTrapAndEmulate.cpu'),
    kind: 'measured',
    source: t('cost.fig.aa2006RdtscTrapAndEmulate.source', { srcAdamsAgesen2006: SRC_ADAMS_AGESEN_2006 }),
    note: t('cost.fig.aa2006RdtscTrapAndEmulate.note'),
  },
  {
    id: 'aa2006.rdtsc.callout-and-emulate',
    value: 1254,
    unit: 'cycles',
    cpu: t('cost.fig.aa2006RdtscTrapAndEmulate.cpu'),
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §3.3, PDF p. 4`,
    note: t('cost.fig.aa2006RdtscCalloutAndEmulate.note'),
  },
  {
    id: 'aa2006.rdtsc.in-tc',
    value: 216,
    unit: 'cycles',
    cpu: t('cost.fig.aa2006RdtscTrapAndEmulate.cpu'),
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §3.3, PDF p. 4`,
    note: t('cost.fig.aa2006RdtscInTc.note'),
  },
  {
    id: 'aa2006.cli.native',
    value: 60,
    unit: 'cycles',
    cpu: t('cost.fig.aa2006CliNative.cpu'),
    kind: 'measured',
    source: t('cost.fig.aa2006CliNative.source', { srcAdamsAgesen2006: SRC_ADAMS_AGESEN_2006 }),
    note: t('cost.fig.aa2006CliNative.note'),
  },
  {
    id: 'aa2006.bt.translate-cost',
    value: 2300,
    unit: 'cycles/instruction',
    cpu: P4_672,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §6.3, PDF p. 9`,
    note: t('cost.fig.aa2006BtTranslateCost.note'),
  },
  {
    id: 'aa2006.forkwait.vt-vs-native.p4',
    value: 17.7,
    unit: 'ratio',
    cpu: P4_672,
    kind: 'measured',
    source: t('cost.fig.aa2006ForkwaitVtVsNativeP4.source', { srcAdamsAgesen2006: SRC_ADAMS_AGESEN_2006 }),
    note: t('cost.fig.aa2006ForkwaitVtVsNativeP4.note'),
  },
  {
    id: 'aa2006.forkwait.bt-vs-native.p4',
    value: 6.1,
    unit: 'ratio',
    cpu: P4_672,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §7.1, PDF p. 9`,
    note: t('cost.fig.aa2006ForkwaitBtVsNativeP4.note'),
  },
  {
    id: 'aa2006.forkwait.vt-vs-native.core2-preproduction',
    value: 14.8,
    unit: 'ratio',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §7.1, PDF p. 9`,
    note: t('cost.fig.aa2006ForkwaitVtVsNativeCore2Preproduction.note'),
  },
  {
    id: 'aa2006.forkwait.bt-vs-native.core2-preproduction',
    value: 7.0,
    unit: 'ratio',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §7.1, PDF p. 9`,
    note: t('cost.fig.aa2006ForkwaitBtVsNativeCore2Preproduction.note'),
  },
  {
    id: 'agesen2012.exit-pair-saving',
    value: 50,
    unit: 'percent',
    cpu: t('cost.fig.agesen2012ExitPairSaving.cpu'),
    kind: 'measured',
    source: `${SRC_AGESEN_2012}, Abstract, p. 1`,
    note: t('cost.fig.agesen2012ExitPairSaving.note'),
  },
];

// ---------------------------------------------------------------------------------------------------
// 6. MMU virtualization: shadow paging vs EPT/NPT
// ---------------------------------------------------------------------------------------------------

export const MMU_VIRTUALIZATION: readonly CostFigure[] = [
  {
    id: 'npt.2d-walk.references.4x4',
    value: 24,
    // i18n-ignore (the next line): a FigureUnit value (a name the UI maps), not prose
    unit: 'page-table references',
    cpu: t('cost.fig.npt2dWalkReferences4x4.cpu'),
    kind: 'derived',
    source: t('cost.fig.npt2dWalkReferences4x4.source', { srcBhargava2008: SRC_BHARGAVA_2008 }),
    note: t('cost.fig.npt2dWalkReferences4x4.note'),
  },
  {
    id: 'npt.walk-latency-ratio.2d-vs-native',
    value: 3.9,
    range: [3.9, 4.57],
    unit: 'ratio',
    cpu: t('cost.fig.nptWalkLatencyRatio2dVsNative.cpu'),
    kind: 'measured',
    source: t('cost.fig.nptWalkLatencyRatio2dVsNative.source', { srcBhargava2008: SRC_BHARGAVA_2008 }),
    note: t('cost.fig.nptWalkLatencyRatio2dVsNative.note'),
  },
  {
    id: 'npt.pwc-2d.guest-speedup',
    value: 15,
    range: [15, 38],
    unit: 'percent',
    cpu: t('cost.fig.nptPwc2dGuestSpeedup.cpu'),
    kind: 'measured',
    source: `${SRC_BHARGAVA_2008}, Abstract, p. 26`,
    note: t('cost.fig.nptPwc2dGuestSpeedup.note'),
  },
  {
    id: 'ept.vs-shadow.mmu-benchmarks.xeon-5500',
    value: 48,
    unit: 'percent',
    cpu: t('cost.fig.eptVsShadowMmuBenchmarksXeon5500.cpu'),
    kind: 'measured',
    source: SRC_VMWARE_EPT_2009,
    note: t('cost.fig.eptVsShadowMmuBenchmarksXeon5500.note'),
  },
  {
    id: 'ept.vs-shadow.mmu-microbenchmarks.xeon-5500',
    value: 600,
    unit: 'percent',
    cpu: t('cost.fig.eptVsShadowMmuBenchmarksXeon5500.cpu'),
    kind: 'measured',
    source: SRC_VMWARE_EPT_2009,
    note: t('cost.fig.eptVsShadowMmuMicrobenchmarksXeon5500.note'),
  },
];

// ---------------------------------------------------------------------------------------------------
// 7. Native instruction costs as measured by Agner Fog (clock cycles; column named in each note)
// ---------------------------------------------------------------------------------------------------

const AGNER = {
  // Pentium M table (measured on Dothan; Agner: Core Duo "Yonah — not fully tested", kernel very similar)
  'pentium-m.cpuid': { id: 'agner.pentium-m.cpuid', value: 130, bound: 'approximately', unit: 'cycles', cpu: t('cost.fig.agnerPentiumMCpuid.cpu'), kind: 'measured', source: `${AGNER_PM}, p. 159`, note: t('cost.fig.agnerPentiumMCpuid.note') },
  'pentium-m.rdtsc': { id: 'agner.pentium-m.rdtsc', value: 42, unit: 'cycles', cpu: t('cost.fig.agnerPentiumMRdtsc.cpu'), kind: 'measured', source: `${AGNER_PM}, p. 159`, note: t('cost.fig.agnerPentiumMRdtsc.note') },
  'pentium-m.in-out': { id: 'agner.pentium-m.in-out', value: 300, bound: 'at-least', unit: 'cycles', cpu: t('cost.fig.agnerPentiumMRdtsc.cpu'), kind: 'measured', source: `${AGNER_PM}, p. 157`, note: t('cost.fig.agnerPentiumMInOut.note') },
  'pentium-m.cli': { id: 'agner.pentium-m.cli', value: 9, unit: 'uops', cpu: t('cost.fig.agnerPentiumMRdtsc.cpu'), kind: 'measured', source: `${AGNER_PM}, p. 159`, note: t('cost.fig.agnerPentiumMCli.note') },
  'pentium-m.sti': { id: 'agner.pentium-m.sti', value: 17, unit: 'uops', cpu: t('cost.fig.agnerPentiumMRdtsc.cpu'), kind: 'measured', source: `${AGNER_PM}, p. 159`, note: t('cost.fig.agnerPentiumMSti.note') },
  'pentium-m.pushf': { id: 'agner.pentium-m.pushf', value: 6, unit: 'cycles', cpu: t('cost.fig.agnerPentiumMRdtsc.cpu'), kind: 'measured', source: `${AGNER_PM}, p. 157`, note: t('cost.fig.agnerPentiumMPushf.note') },
  'pentium-m.popf': { id: 'agner.pentium-m.popf', value: 16, unit: 'cycles', cpu: t('cost.fig.agnerPentiumMRdtsc.cpu'), kind: 'measured', source: `${AGNER_PM}, p. 157`, note: t('cost.fig.agnerPentiumMPopf.note') },
  'pentium-m.add': { id: 'agner.pentium-m.add', value: 1, unit: 'cycles', cpu: t('cost.fig.agnerPentiumMRdtsc.cpu'), kind: 'measured', source: `${AGNER_PM}, p. 157`, note: t('cost.fig.agnerPentiumMAdd.note') },
  // Merom (T5500)
  'merom.cpuid': { id: 'agner.merom.cpuid', value: 180, range: [180, 215], unit: 'cycles', cpu: t('cost.fig.agnerMeromCpuid.cpu'), kind: 'measured', source: `${AGNER_MEROM}, p. 170`, note: t('cost.fig.agnerMeromCpuid.note') },
  'merom.rdtsc': { id: 'agner.merom.rdtsc', value: 64, unit: 'cycles', cpu: t('cost.fig.agnerMeromCpuid.cpu'), kind: 'measured', source: `${AGNER_MEROM}, p. 170`, note: t('cost.fig.agnerMeromRdtsc.note') },
  'merom.pushf': { id: 'agner.merom.pushf', value: 7, unit: 'cycles', cpu: t('cost.fig.agnerMeromCpuid.cpu'), kind: 'measured', source: `${AGNER_MEROM}, p. 167`, note: t('cost.fig.agnerMeromPushf.note') },
  'merom.popf': { id: 'agner.merom.popf', value: 20, unit: 'cycles', cpu: t('cost.fig.agnerMeromCpuid.cpu'), kind: 'measured', source: `${AGNER_MEROM}, p. 167`, note: t('cost.fig.agnerMeromPopf.note') },
  'merom.add': { id: 'agner.merom.add', value: 1, unit: 'cycles', cpu: t('cost.fig.agnerMeromCpuid.cpu'), kind: 'measured', source: `${AGNER_MEROM}, p. 167`, note: t('cost.fig.agnerMeromAdd.note') },
  // Nehalem (i7-920)
  'nehalem.cpuid': { id: 'agner.nehalem.cpuid', value: 200, bound: 'approximately', unit: 'cycles', cpu: t('cost.fig.agnerNehalemCpuid.cpu'), kind: 'measured', source: `${AGNER_NHM}, p. 193`, note: t('cost.fig.agnerNehalemCpuid.note') },
  'nehalem.rdtsc': { id: 'agner.nehalem.rdtsc', value: 24, unit: 'cycles', cpu: t('cost.fig.agnerNehalemCpuid.cpu'), kind: 'measured', source: `${AGNER_NHM}, p. 193`, note: t('cost.fig.agnerNehalemRdtsc.note') },
  'nehalem.pushf': { id: 'agner.nehalem.pushf', value: 1, unit: 'cycles', cpu: t('cost.fig.agnerNehalemCpuid.cpu'), kind: 'measured', source: `${AGNER_NHM}, p. 190`, note: t('cost.fig.agnerNehalemPushf.note') },
  'nehalem.popf': { id: 'agner.nehalem.popf', value: 14, unit: 'cycles', cpu: t('cost.fig.agnerNehalemCpuid.cpu'), kind: 'measured', source: `${AGNER_NHM}, p. 190`, note: t('cost.fig.agnerNehalemPopf.note') },
  'nehalem.add': { id: 'agner.nehalem.add', value: 1, unit: 'cycles', cpu: t('cost.fig.agnerNehalemCpuid.cpu'), kind: 'measured', source: `${AGNER_NHM}, p. 191`, note: t('cost.fig.agnerMeromAdd.note') },
  // Skylake-X / Cascade Lake (family 6 model 55h, the Skylake-SP Xeon die)
  'skylake-x.cpuid': { id: 'agner.skylake-x.cpuid', value: 100, range: [100, 250], unit: 'cycles', cpu: t('cost.fig.agnerSkylakeXCpuid.cpu'), kind: 'measured', source: `${AGNER_SKX}, p. 282`, note: t('cost.fig.agnerSkylakeXCpuid.note') },
  'skylake-x.rdtsc': { id: 'agner.skylake-x.rdtsc', value: 25, unit: 'cycles', cpu: t('cost.fig.agnerSkylakeXCpuid.cpu'), kind: 'measured', source: `${AGNER_SKX}, p. 282`, note: t('cost.fig.agnerSkylakeXRdtsc.note') },
  'skylake-x.pushf': { id: 'agner.skylake-x.pushf', value: 1, unit: 'cycles', cpu: t('cost.fig.agnerSkylakeXCpuid.cpu'), kind: 'measured', source: `${AGNER_SKX}, p. 278`, note: t('cost.fig.agnerSkylakeXPushf.note') },
  'skylake-x.popf': { id: 'agner.skylake-x.popf', value: 20, unit: 'cycles', cpu: t('cost.fig.agnerSkylakeXCpuid.cpu'), kind: 'measured', source: `${AGNER_SKX}, p. 278`, note: t('cost.fig.agnerSkylakeXPopf.note') },
  'skylake-x.add': { id: 'agner.skylake-x.add', value: 1, unit: 'cycles', cpu: t('cost.fig.agnerSkylakeXCpuid.cpu'), kind: 'measured', source: `${AGNER_SKX}, p. 278`, note: t('cost.fig.agnerSkylakeXAdd.note') },
  // Ice Lake / Tiger Lake (for comparison with later parts)
  'ice-lake.cpuid': { id: 'agner.ice-lake.cpuid', value: 100, range: [100, 250], unit: 'cycles', cpu: t('cost.fig.agnerIceLakeCpuid.cpu'), kind: 'measured', source: `${AGNER_ICL}, p. 335`, note: t('cost.fig.agnerIceLakeCpuid.note') },
  'ice-lake.rdtsc': { id: 'agner.ice-lake.rdtsc', value: 27, unit: 'cycles', cpu: t('cost.fig.agnerIceLakeCpuid.cpu'), kind: 'measured', source: `${AGNER_ICL}, p. 335`, note: t('cost.fig.agnerIceLakeRdtsc.note') },
  // Prescott (Pentium 4 with EM64T, a Xeon) — the first VT-x generation
  'prescott.cpuid': { id: 'agner.prescott.cpuid', value: 300, range: [300, 500], unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: t('cost.fig.agnerPrescottCpuid.note') },
  'prescott.rdtsc': { id: 'agner.prescott.rdtsc', value: 100, unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: t('cost.fig.agnerPrescottRdtsc.note') },
  'prescott.cli': { id: 'agner.prescott.cli', value: 52, unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: t('cost.fig.agnerPrescottCli.note') },
  'prescott.sti': { id: 'agner.prescott.sti', value: 64, unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: t('cost.fig.agnerPrescottSti.note') },
  'prescott.int': { id: 'agner.prescott.int', value: 470, unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: t('cost.fig.agnerPrescottInt.note') },
  'prescott.iret': { id: 'agner.prescott.iret', value: 325, unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: t('cost.fig.agnerPrescottIret.note') },
  'prescott.int-plus-iret': { id: 'agner.prescott.int-plus-iret', value: 795, unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'derived', source: `${AGNER_P4E}, p. 363`, note: t('cost.fig.agnerPrescottIntPlusIret.note') },
  'prescott.in-out': { id: 'agner.prescott.in-out', value: 1000, bound: 'at-least', unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'measured', source: `${AGNER_P4E}, p. 360`, note: t('cost.fig.agnerPrescottInOut.note') },
  'prescott.pushf': { id: 'agner.prescott.pushf', value: 9, unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'measured', source: `${AGNER_P4E}, p. 360`, note: t('cost.fig.agnerPrescottPushf.note') },
  'prescott.popf': { id: 'agner.prescott.popf', value: 70, unit: 'cycles', cpu: t('cost.fig.agnerPrescottCpuid.cpu'), kind: 'measured', source: `${AGNER_P4E}, p. 360`, note: t('cost.fig.agnerPrescottPopf.note') },
} as const satisfies Record<string, CostFigure>;

export const NATIVE_AGNER: readonly CostFigure[] = Object.values(AGNER);

// ---------------------------------------------------------------------------------------------------
// 8. The figures the cost model uses for the project's CPU models
// ---------------------------------------------------------------------------------------------------

const YONAH_MAPPING = t('cost.fig.yonahMapping', { srcAgnerMicroarch: SRC_AGNER_MICROARCH });
const WOODCREST_MAPPING = t('cost.fig.woodcrestMapping', { srcArsPenryn2007: SRC_ARS_PENRYN_2007 });

/** VM exit + VM entry hardware round trip used for each project CPU model. */
export const ROUND_TRIP_BY_MODEL: Readonly<Record<CostCpuModelId, CostFigure>> = {
  'xeon-lv': {
    id: 'vmx.round-trip.model.xeon-lv',
    model: 'xeon-lv',
    value: 1579,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripModelXeonLv.cpu'),
    kind: 'assumption',
    source: t('cost.fig.vmxRoundTripModelXeonLv.source', { agesenT1: AGESEN_T1 }),
    note: t('cost.fig.vmxRoundTripModelXeonLv.note'),
    range: [1579, 3963],
  },
  'xeon-5100': {
    id: 'vmx.round-trip.model.xeon-5100',
    model: 'xeon-5100',
    value: 1579,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripModelXeon5100.cpu'),
    kind: 'derived',
    source: t('cost.fig.vmxRoundTripModelXeon5100.source', { agesenT1: AGESEN_T1, woodcrestMapping: WOODCREST_MAPPING }),
    note: t('cost.fig.vmxRoundTripModelXeon5100.note'),
  },
  nehalem: {
    id: 'vmx.round-trip.model.nehalem',
    model: 'nehalem',
    value: 1009,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripModelNehalem.cpu'),
    kind: 'derived',
    source: AGESEN_T1,
    note: t('cost.fig.vmxRoundTripModelNehalem.note'),
  },
  modern: {
    id: 'vmx.round-trip.model.modern',
    model: 'modern',
    value: 784,
    unit: 'cycles',
    cpu: t('cost.fig.vmxRoundTripModelModern.cpu'),
    kind: 'assumption',
    source: t('cost.fig.vmxRoundTripModelModern.source', { agesenT1: AGESEN_T1, srcWanpeng2020: SRC_WANPENG_2020 }),
    note: t('cost.fig.vmxRoundTripModelModern.note'),
    range: [784, 1559],
  },
};

/** Native instructions the lessons use. Ops with no sourced figure for a model are absent (see NOT_FOUND). */
export type NativeOp = 'cpuid' | 'rdtsc' | 'in-out' | 'pushf' | 'popf' | 'alu-add';

function fromAgner(model: CostCpuModelId, op: NativeOp, measured: CostFigure, mapping: string, cpu: string): CostFigure {
  return {
    id: `native.${op}.model.${model}`,
    model,
    value: measured.value,
    unit: measured.unit,
    cpu,
    kind: 'derived',
    source: t('cost.fig.coreMapping', { source: measured.source, mapping }),
    note: t('cost.fig.valueSameCoreMapping', { id: measured.id, value: measured.value, note: measured.note }),
    ...(measured.range === undefined ? {} : { range: measured.range }),
    ...(measured.bound === undefined ? {} : { bound: measured.bound }),
  };
}

const XEON_LV = t('cost.fig.xeonLv');
const XEON_5100 = t('cost.fig.xeon5100');
const NEHALEM = t('cost.fig.nehalem');
const MODERN = t('cost.fig.modern');
const NEHALEM_MAPPING = t('cost.fig.nehalemMapping');
const SKX_MAPPING = t('cost.fig.skxMapping');

export const NATIVE_BY_MODEL: Readonly<Record<CostCpuModelId, Readonly<Partial<Record<NativeOp, CostFigure>>>>> = {
  'xeon-lv': {
    cpuid: fromAgner('xeon-lv', 'cpuid', AGNER['pentium-m.cpuid'], YONAH_MAPPING, XEON_LV),
    rdtsc: fromAgner('xeon-lv', 'rdtsc', AGNER['pentium-m.rdtsc'], YONAH_MAPPING, XEON_LV),
    'in-out': fromAgner('xeon-lv', 'in-out', AGNER['pentium-m.in-out'], YONAH_MAPPING, XEON_LV),
    pushf: fromAgner('xeon-lv', 'pushf', AGNER['pentium-m.pushf'], YONAH_MAPPING, XEON_LV),
    popf: fromAgner('xeon-lv', 'popf', AGNER['pentium-m.popf'], YONAH_MAPPING, XEON_LV),
    'alu-add': fromAgner('xeon-lv', 'alu-add', AGNER['pentium-m.add'], YONAH_MAPPING, XEON_LV),
  },
  'xeon-5100': {
    cpuid: fromAgner('xeon-5100', 'cpuid', AGNER['merom.cpuid'], WOODCREST_MAPPING, XEON_5100),
    rdtsc: fromAgner('xeon-5100', 'rdtsc', AGNER['merom.rdtsc'], WOODCREST_MAPPING, XEON_5100),
    pushf: fromAgner('xeon-5100', 'pushf', AGNER['merom.pushf'], WOODCREST_MAPPING, XEON_5100),
    popf: fromAgner('xeon-5100', 'popf', AGNER['merom.popf'], WOODCREST_MAPPING, XEON_5100),
    'alu-add': fromAgner('xeon-5100', 'alu-add', AGNER['merom.add'], WOODCREST_MAPPING, XEON_5100),
  },
  nehalem: {
    cpuid: fromAgner('nehalem', 'cpuid', AGNER['nehalem.cpuid'], NEHALEM_MAPPING, NEHALEM),
    rdtsc: fromAgner('nehalem', 'rdtsc', AGNER['nehalem.rdtsc'], NEHALEM_MAPPING, NEHALEM),
    pushf: fromAgner('nehalem', 'pushf', AGNER['nehalem.pushf'], NEHALEM_MAPPING, NEHALEM),
    popf: fromAgner('nehalem', 'popf', AGNER['nehalem.popf'], NEHALEM_MAPPING, NEHALEM),
    'alu-add': fromAgner('nehalem', 'alu-add', AGNER['nehalem.add'], NEHALEM_MAPPING, NEHALEM),
  },
  modern: {
    cpuid: fromAgner('modern', 'cpuid', AGNER['skylake-x.cpuid'], SKX_MAPPING, MODERN),
    rdtsc: fromAgner('modern', 'rdtsc', AGNER['skylake-x.rdtsc'], SKX_MAPPING, MODERN),
    pushf: fromAgner('modern', 'pushf', AGNER['skylake-x.pushf'], SKX_MAPPING, MODERN),
    popf: fromAgner('modern', 'popf', AGNER['skylake-x.popf'], SKX_MAPPING, MODERN),
    'alu-add': fromAgner('modern', 'alu-add', AGNER['skylake-x.add'], SKX_MAPPING, MODERN),
  },
};

// ---------------------------------------------------------------------------------------------------
// 9. Model assumptions (UI must label them and let the user change them)
// ---------------------------------------------------------------------------------------------------

export const ASSUMPTIONS: readonly CostFigure[] = [
  {
    id: 'cpu.cpi.default',
    value: 1,
    unit: 'cycles/instruction',
    cpu: t('cost.fig.cpuCpiDefault.cpu'),
    kind: 'assumption',
    source: t('cost.fig.cpuCpiDefault.source', { srcAgnerTables: SRC_AGNER_TABLES }),
    note: t('cost.fig.cpuCpiDefault.note'),
  },
  {
    id: 'vmm.exit-service.combined',
    value: 3000,
    unit: 'cycles',
    cpu: t('cost.fig.vmmExitServiceCombined.cpu'),
    kind: 'assumption',
    source: t('cost.fig.vmmExitServiceCombined.source', { srcAgesen2012: SRC_AGESEN_2012 }),
    note: t('cost.fig.vmmExitServiceCombined.note'),
  },
];

// ---------------------------------------------------------------------------------------------------
// 10. What was looked for and not found (the cost model must treat these as user-supplied)
// ---------------------------------------------------------------------------------------------------

export interface NotFound {
  readonly what: string;
  readonly tried: string;
}

export const NOT_FOUND: readonly NotFound[] = [
  { what: t('cost.fig.hardwareOnlyVmExitEntryRound'), tried: t('cost.fig.tried') },
  { what: t('cost.fig.hardwareOnlyRoundTripFor'), tried: t('cost.fig.tried2') },
  { what: t('cost.fig.nativeRdmsrWrmsrMovTo'), tried: t('cost.fig.tried3') },
  { what: t('cost.fig.nativePfDeliveryCost'), tried: t('cost.fig.tried4') },
  { what: t('cost.fig.nativeInOutCostOn'), tried: t('cost.fig.tried5') },
  { what: t('cost.fig.xenParavirtualHypercallCost'), tried: t('cost.fig.tried6') },
  { what: t('cost.fig.averageCpiForThe'), tried: t('cost.fig.tried7') },
];

// ---------------------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------------------

export const FIGURES: readonly CostFigure[] = [
  ...ROUND_TRIP_MEASURED,
  ...VENDOR_STATEMENTS,
  ...VMM_EXIT_MEASURED,
  ...HANDLER_COSTS,
  ...SOFTWARE_VS_HARDWARE,
  ...MMU_VIRTUALIZATION,
  ...NATIVE_AGNER,
  ...COST_CPU_MODELS.map((m) => ROUND_TRIP_BY_MODEL[m]),
  ...COST_CPU_MODELS.flatMap((m) => Object.values(NATIVE_BY_MODEL[m])),
  ...ASSUMPTIONS,
];

/** The figure with this id, or undefined. */
export function figureById(id: string): CostFigure | undefined {
  for (const f of FIGURES) if (f.id === id) return f;
  return undefined;
}

/** The VM exit + VM entry round trip the cost model uses for a project CPU model. */
export function roundTripFor(model: CostCpuModelId): CostFigure {
  return ROUND_TRIP_BY_MODEL[model];
}

/** The native cost of an instruction on a project CPU model, or undefined when no source gives one. */
export function nativeCostFor(model: CostCpuModelId, op: NativeOp): CostFigure | undefined {
  return NATIVE_BY_MODEL[model][op];
}
