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

const AGESEN_T1 = `${SRC_AGESEN_2012}, Table 1 "Hardware round-trip latency", p. 1`;
const AA_T1 = `${SRC_ADAMS_AGESEN_2006}, §7.1 Table 1 "Micro-architectural improvements (cycles)", PDF p. 9`;
const AA_RAW = `${SRC_ADAMS_AGESEN_2006}, "Raw data" appendix "Nano-benchmarks in cycles", PDF p. 12 (plotted in Figure 4, PDF p. 8)`;
const AGNER_PM = `${SRC_AGNER_TABLES}, section "Intel Pentium M, Core Solo and Core Duo"`;
const AGNER_MEROM = `${SRC_AGNER_TABLES}, section "Intel Core 2 (Merom, 65nm)"`;
const AGNER_NHM = `${SRC_AGNER_TABLES}, section "Intel Nehalem"`;
const AGNER_SKX = `${SRC_AGNER_TABLES}, section "Intel Skylake-X"`;
const AGNER_ICL = `${SRC_AGNER_TABLES}, section "Intel Ice Lake and Tiger Lake"`;
const AGNER_P4E = `${SRC_AGNER_TABLES}, section "Intel Pentium 4 w. EM64T (Prescott)"`;

const P4_672 = '3.8 GHz Intel Pentium 4 672 (Prescott, VT-x), HT disabled (HP xw4300)';
const CORE2_PRE = '2.66 GHz Intel Core 2 Duo, pre-production "Core" microarchitecture part (desktop)';

// ---------------------------------------------------------------------------------------------------
// 1. VM exit + VM entry round trip, hardware only (no VMM handler work)
// ---------------------------------------------------------------------------------------------------

export const ROUND_TRIP_MEASURED: readonly CostFigure[] = [
  {
    id: 'vmx.round-trip.prescott',
    value: 3963,
    unit: 'cycles',
    cpu: 'Intel Pentium 4, Prescott microarchitecture (launch 3Q2005 as printed)',
    kind: 'measured',
    source: AGESEN_T1,
    note: 'Hardware round-trip latency of a virtualization exit (VM exit + VM entry); excludes handler work.',
  },
  {
    id: 'vmx.round-trip.merom',
    value: 1579,
    unit: 'cycles',
    cpu: 'Intel Core 2, Merom microarchitecture (launch 2Q2006 as printed)',
    kind: 'measured',
    source: AGESEN_T1,
    note: 'Hardware round-trip latency (VM exit + VM entry).',
  },
  {
    id: 'vmx.round-trip.penryn',
    value: 1266,
    unit: 'cycles',
    cpu: 'Intel Core 2, Penryn microarchitecture (launch 1Q2008 as printed)',
    kind: 'measured',
    source: AGESEN_T1,
    note: 'Hardware round-trip latency (VM exit + VM entry).',
  },
  {
    id: 'vmx.round-trip.nehalem',
    value: 1009,
    unit: 'cycles',
    cpu: 'Intel Nehalem microarchitecture (launch printed as 3Q2009)',
    kind: 'measured',
    source: AGESEN_T1,
    note: 'Hardware round-trip latency (VM exit + VM entry). The table prints 3Q2009 as the launch date.',
  },
  {
    id: 'vmx.round-trip.westmere',
    value: 761,
    unit: 'cycles',
    cpu: 'Intel Westmere microarchitecture (launch 1Q2010 as printed)',
    kind: 'measured',
    source: AGESEN_T1,
    note: 'Hardware round-trip latency (VM exit + VM entry).',
  },
  {
    id: 'vmx.round-trip.sandy-bridge',
    value: 784,
    unit: 'cycles',
    cpu: 'Intel Sandy Bridge microarchitecture (launch 1Q2011 as printed)',
    kind: 'measured',
    source: AGESEN_T1,
    note: 'Hardware round-trip latency (VM exit + VM entry). Slightly above Westmere: the paper (§11, p. 12) says the improvement "has been slowing" and the latency "bottoms out".',
  },
  {
    id: 'vmx.round-trip.reduction.prescott-to-sandy-bridge',
    value: 80,
    unit: 'percent',
    cpu: 'Prescott → Sandy Bridge',
    kind: 'measured',
    bound: 'approximately',
    source: `${SRC_AGESEN_2012}, §1, p. 1 ("reduced exit latencies by about 80%; see Table 1")`,
    note: 'Quoted. Check against Table 1: (3963 − 784) / 3963 = 80.2 %.',
  },
  {
    id: 'vmx.round-trip.nested-virtual.sandy-bridge',
    value: 9794,
    unit: 'cycles',
    cpu: 'Sandy Bridge host; inner VMM inside an outer VMware VMM (nested)',
    kind: 'measured',
    source: `${SRC_AGESEN_2012}, §8, p. 7`,
    note: 'Virtual-hardware round trip seen by an inner VMM; "over 10 times worse than the underlying physical hardware".',
  },
  {
    id: 'vmx.vm-entry.p4-672',
    value: 2409,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'measured',
    source: AA_T1,
    note: 'VM entry alone. = 634 ns at 3.8 GHz (p. 9 text).',
  },
  {
    id: 'vmx.vm-entry.core2-preproduction',
    value: 937,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: AA_T1,
    note: 'VM entry alone, pre-production part. = 352 ns (p. 9 text: "a 61% reduction" in cycles, 44% in time).',
  },
  {
    id: 'vmx.page-fault-vm-exit.p4-672',
    value: 1931,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'measured',
    source: AA_T1,
    note: 'VM exit caused by a guest page fault. = 508 ns (p. 9 text).',
  },
  {
    id: 'vmx.page-fault-vm-exit.core2-preproduction',
    value: 1186,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: AA_T1,
    note: 'VM exit caused by a guest page fault. = 446 ns (p. 9 text: "a less dramatic 12% improvement" in time).',
  },
  {
    id: 'vmx.entry-plus-pf-exit.p4-672',
    value: 4340,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'derived',
    source: AA_T1,
    note: 'VM entry + page-fault VM exit = 2409 + 1931 = 4340. Compare the 2012 hardware round trip for Prescott, 3963 (different method and exit type).',
  },
  {
    id: 'vmx.entry-plus-pf-exit.core2-preproduction',
    value: 2123,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'derived',
    source: AA_T1,
    note: 'VM entry + page-fault VM exit = 937 + 1186 = 2123. Compare the 2012 round trip for Merom, 1579 (production part, different method).',
  },
  {
    id: 'vmx.vmread.p4-672',
    value: 178,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'measured',
    source: AA_T1,
    note: 'Row "VMCB read" (the paper calls the VMCS a VMCB generically): one VMREAD.',
  },
  {
    id: 'vmx.vmread.core2-preproduction',
    value: 52,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: AA_T1,
    note: 'Row "VMCB read": one VMREAD.',
  },
  {
    id: 'vmx.vmwrite.p4-672',
    value: 171,
    unit: 'cycles',
    cpu: P4_672,
    kind: 'measured',
    source: AA_T1,
    note: 'Row "VMCB write": one VMWRITE.',
  },
  {
    id: 'vmx.vmwrite.core2-preproduction',
    value: 44,
    unit: 'cycles',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: AA_T1,
    note: 'Row "VMCB write": one VMWRITE.',
  },
  {
    id: 'vmm.vmreads-per-typical-exit',
    value: 10,
    unit: 'count',
    cpu: P4_672,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §7.1, PDF p. 9`,
    note: '"handling a typical exit requires ten vmreads" (VMware hardware VMM, 2006).',
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
    cpu: 'Penryn (45 nm) vs Merom (65 nm Core 2)',
    kind: 'measured',
    source: SRC_ARS_PENRYN_2007,
    note: 'Vendor claim, quoted: VM exit/entry performance boosted "so that VM transition times decrease by an average of 25 to 75 percent". Measured check (Agesen 2012 Table 1): (1579 − 1266) / 1579 = 19.8 %.',
  },
  {
    id: 'vmx.overhead-reduction.penryn-vs-first-core',
    value: 40,
    unit: 'percent',
    bound: 'approximately',
    cpu: 'Penryn vs first Core-microarchitecture processors',
    kind: 'measured',
    source: SRC_HWINFO_IDF08,
    note: 'Vendor claim as reported (Dutch): Penryn "zo\'n 40% minder overhead" than the first Core processors for switching between VMs.',
  },
  {
    id: 'vmx.overhead-reduction.nehalem-vs-penryn',
    value: 33,
    unit: 'percent',
    bound: 'approximately',
    cpu: 'Nehalem vs Penryn',
    kind: 'measured',
    source: SRC_HWINFO_IDF08,
    note: 'Vendor claim as reported: Nehalem reduces the overhead "opnieuw met zo\'n 33%". Measured check (Agesen 2012 Table 1): (1266 − 1009) / 1266 = 20.3 %.',
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
    cpu: 'Intel Xeon X5570 2.93 GHz (Nehalem-EP), IBM System x3550 M2; KVM in Linux 2.6.34, 1 vCPU, EPT+VPID',
    kind: 'measured',
    source: `${SRC_SPLITX_2011}, §1 text introducing Table 1`,
    note: '"The direct cost on its own is high: 2,000 cycles" (CPU world switch out and back). Indirect (cache pollution) and synchronous (handler) costs "can in certain cases be an order of magnitude higher".',
  },
  {
    id: 'kvm.vmcall.i7-3960x',
    value: 1600,
    range: [1600, 1700],
    unit: 'cycles',
    cpu: 'Intel Core i7-3960X (Sandy Bridge-E), modified KVM returning at the top of its exit handler, vCPUs pinned',
    kind: 'measured',
    source: SRC_SHALABI_2014,
    note: 'Guest VMCALL round trip minus a guest null syscall; "the majority (~95%) of overheads lie between 1600-1700" cycles when pinned. Includes KVM\'s entry/exit software path.',
  },
  {
    id: 'kvm.vmcall.skx',
    value: 1559,
    unit: 'cycles',
    cpu: 'Intel Skylake-SP ("SKX") server, KVM (Linux 5.6 era)',
    kind: 'measured',
    source: SRC_WANPENG_2020,
    note: 'kvm-unit-tests vmexit.flat "vmcall 1559" before the patch; 1529 after (v1 of the patch: 1539). Full guest-observed round trip including KVM\'s handling.',
  },
  {
    id: 'kvm.cpuid.2024-unnamed',
    value: 1018,
    unit: 'cycles',
    cpu: 'unnamed x86 host (not stated in the message), KVM 2024, 1 vCPU pinned',
    kind: 'measured',
    source: SRC_SEANJC_2024,
    note: 'kvm-unit-tests "cpuid" exit latency 1018 → 1027 cycles with the patch (8 vCPUs unpinned: 1034 → 1053). A reply on another host measured 1087–1110, median 1098. CPU not named: use only as an order of magnitude.',
  },
  {
    id: 'kvm.vmcall.2012-unnamed',
    value: 3898,
    unit: 'cycles',
    cpu: 'unnamed host ("this machine"), KVM, December 2012',
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: 'kvm-unit-tests vmexit example output "vmcall 3898".',
  },
  {
    id: 'kvm.tscdeadline.preemption-timer.haswell',
    value: 5600,
    unit: 'cycles',
    cpu: 'Intel Haswell Xeon, KVM 2017',
    kind: 'measured',
    source: SRC_KUT_CFBD129C,
    note: 'TSC-deadline timer test with the VMX preemption timer: 5600 vs 6800 cycles with hrtimers; "tscdeadline_immed" 2500 vs 3700.',
  },
  {
    id: 'kvm.wrmsr.ibpb.haswell',
    value: 4212,
    unit: 'cycles',
    cpu: 'Intel Haswell, KVM (January 2018)',
    kind: 'measured',
    source: SRC_KUT_F2665DE7,
    note: '"wr_ibpb_msr 4212"; "wr_ibrs_msr 506 (actually ~250, because the test writes twice)". Guest WRMSR including KVM handling and the barrier itself.',
  },
  {
    id: 'acrn.vuart-register-exit',
    value: 2000,
    range: [2000, 3000],
    unit: 'cycles',
    cpu: 'Intel platforms supported by ACRN (not named)',
    kind: 'measured',
    source: SRC_ACRN_RTVM,
    note: 'Guidance figure: "~2000-3000 cycles per register access" for a VM exit to the hypervisor-emulated vUART.',
  },
  {
    id: 'kvm.nested.cpuid.2019-unnamed',
    value: 13142,
    unit: 'cycles',
    cpu: 'unnamed host; L2 guest under KVM-on-KVM (nested VMX)',
    kind: 'measured',
    source: SRC_BONZINI_VMX_OPT_2019,
    note: 'Nested vmexit.flat "cpuid" 14886 → 13142 with the series; "vmcall" 14918 → 13189; "inl_from_qemu" 46747 → 44826.',
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
    cpu: 'unnamed host, KVM + QEMU, December 2012',
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: 'IN from an unmapped port, handled in QEMU userspace.',
  },
  {
    id: 'kvm.inl-from-kernel.2012-unnamed',
    value: 7237,
    unit: 'cycles',
    cpu: 'unnamed host, KVM, December 2012',
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: 'IN from ELCR, handled in the kernel through KVM\'s full instruction emulator.',
  },
  {
    id: 'kvm.outl-to-kernel.2012-unnamed',
    value: 4451,
    unit: 'cycles',
    cpu: 'unnamed host, KVM, December 2012',
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: 'OUT to ELCR, handled in the kernel without the emulator.',
  },
  {
    id: 'kvm.inl-from-pmtimer.2012-unnamed',
    value: 24615,
    unit: 'cycles',
    cpu: 'unnamed host, KVM + QEMU, December 2012',
    kind: 'measured',
    source: SRC_KUT_00BFECAA,
    note: 'IN from the ACPI PM timer (device model in QEMU).',
  },
  {
    id: 'kvm.userspace-exit.2012-unnamed',
    value: 13337,
    unit: 'cycles',
    cpu: 'unnamed host, KVM + QEMU, December 2012',
    kind: 'derived',
    source: SRC_KUT_00BFECAA,
    note: 'Cost of exiting to userspace = inl_from_qemu − inl_from_kernel = 20574 − 7237 = 13337 (the commit rounds this to "13000 cycles").',
  },
  {
    id: 'kvm.emulator.2012-unnamed',
    value: 2786,
    unit: 'cycles',
    cpu: 'unnamed host, KVM, December 2012',
    kind: 'derived',
    source: SRC_KUT_00BFECAA,
    note: 'Cost of the instruction emulator = inl_from_kernel − outl_to_kernel = 7237 − 4451 = 2786. The commit message states "3300 cycles"; its own numbers give 2786.',
  },
];

// ---------------------------------------------------------------------------------------------------
// 5. Software (binary translation) vs first-generation hardware VMM — Adams & Agesen 2006, 3.8 GHz P4 672
// ---------------------------------------------------------------------------------------------------

function aaNano(op: string, native: number, bt: number, vt: number, what: string): readonly CostFigure[] {
  return [
    { id: `aa2006.${op}.native`, value: native, unit: 'cycles', cpu: P4_672, kind: 'measured', source: AA_RAW, note: `${what}; native execution.` },
    { id: `aa2006.${op}.bt`, value: bt, unit: 'cycles', cpu: P4_672, kind: 'measured', source: AA_RAW, note: `${what}; VMware Player 1.0.1 software (binary-translating) VMM.` },
    { id: `aa2006.${op}.vt`, value: vt, unit: 'cycles', cpu: P4_672, kind: 'measured', source: AA_RAW, note: `${what}; VMware Player 1.0.1 hardware (VT-x, no EPT) VMM.` },
  ];
}

export const SOFTWARE_VS_HARDWARE: readonly CostFigure[] = [
  ...aaNano('syscall', 242, 2308, 246, 'syscall/sysret round trip user→supervisor→user'),
  ...aaNano('in', 3209, 216, 15826, 'IN from port 0x80 (BIOS POST port, off-CPU chipset register)'),
  ...aaNano('cr8write', 150, 35, 177, 'write to %cr8 that never exits (no pending interrupt)'),
  ...aaNano('callret', 11, 51, 11, 'call/ret pair'),
  ...aaNano('pgfault', 1093, 3927, 11242, 'true guest page fault, delivered to the guest kernel and returned from'),
  ...aaNano('divzero', 889, 3223, 1014, 'divide-by-zero fault delivered to the guest and returned from'),
  ...aaNano('ptemod-unchanged', 1, 391, 12733, 'guest PTE write that leaves the PTE unchanged (shadow paging with traces)'),
  ...aaNano('ptemod-p-to-np', 4, 17, 9154, 'guest PTE write present → not-present (marked "unused in main body of paper")'),
  ...aaNano('ptemod-np-to-p', 5, 2121, 17020, 'guest PTE write not-present → present (marked "unused in main body of paper")'),
  {
    id: 'aa2006.rdtsc.trap-and-emulate',
    value: 2030,
    unit: 'cycles',
    cpu: 'Pentium 4 (model not stated in §3.3)',
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §3.3 "Adaptive binary translation", PDF p. 4`,
    note: 'RDTSC virtualized by trap-and-emulate. Same experiment: callout-and-emulate 1254 cycles, in-translation-cache emulation 216 cycles.',
  },
  {
    id: 'aa2006.rdtsc.callout-and-emulate',
    value: 1254,
    unit: 'cycles',
    cpu: 'Pentium 4 (model not stated in §3.3)',
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §3.3, PDF p. 4`,
    note: 'RDTSC virtualized by a binary-translator callout to the VMM runtime.',
  },
  {
    id: 'aa2006.rdtsc.in-tc',
    value: 216,
    unit: 'cycles',
    cpu: 'Pentium 4 (model not stated in §3.3)',
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §3.3, PDF p. 4`,
    note: 'RDTSC emulated inline in the translation cache.',
  },
  {
    id: 'aa2006.cli.native',
    value: 60,
    unit: 'cycles',
    cpu: 'Pentium 4 (model not stated)',
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §3.2 list item "Privileged instructions", PDF p. 4`,
    note: '"cli (clear interrupts) on a Pentium 4 takes 60 cycles whereas the translation runs in a handful of cycles". Agner lists CLI reciprocal throughput 52 for Prescott.',
  },
  {
    id: 'aa2006.bt.translate-cost',
    value: 2300,
    unit: 'cycles/instruction',
    cpu: P4_672,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §6.3, PDF p. 9`,
    note: 'Cost of running the binary translator: "2300 cycles per x86 instruction".',
  },
  {
    id: 'aa2006.forkwait.vt-vs-native.p4',
    value: 17.7,
    unit: 'ratio',
    cpu: P4_672,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §6.2 and §7.1, PDF pp. 7, 9`,
    note: 'forkwait (40,000 fork/wait): hardware VMM 106.4 s vs native 6.02 s = 17.7x slower; software VMM 36.9 s = 6.1x.',
  },
  {
    id: 'aa2006.forkwait.bt-vs-native.p4',
    value: 6.1,
    unit: 'ratio',
    cpu: P4_672,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §7.1, PDF p. 9`,
    note: 'forkwait: software VMM 36.9 s vs native 6.02 s.',
  },
  {
    id: 'aa2006.forkwait.vt-vs-native.core2-preproduction',
    value: 14.8,
    unit: 'ratio',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §7.1, PDF p. 9`,
    note: 'forkwait on Core: hardware VMM 38.9 s vs native 2.62 s = 14.8x; software VMM 18.4 s = 7.0x.',
  },
  {
    id: 'aa2006.forkwait.bt-vs-native.core2-preproduction',
    value: 7.0,
    unit: 'ratio',
    cpu: CORE2_PRE,
    kind: 'measured',
    source: `${SRC_ADAMS_AGESEN_2006}, §7.1, PDF p. 9`,
    note: 'forkwait on Core: software VMM 18.4 s vs native 2.62 s.',
  },
  {
    id: 'agesen2012.exit-pair-saving',
    value: 50,
    unit: 'percent',
    cpu: 'any (technique)',
    kind: 'measured',
    source: `${SRC_AGESEN_2012}, Abstract, p. 1`,
    note: 'Handling two back-to-back exiting instructions at the first exit "save[s] 50% of the transition costs" (one round trip instead of two).',
  },
];

// ---------------------------------------------------------------------------------------------------
// 6. MMU virtualization: shadow paging vs EPT/NPT
// ---------------------------------------------------------------------------------------------------

export const MMU_VIRTUALIZATION: readonly CostFigure[] = [
  {
    id: 'npt.2d-walk.references.4x4',
    value: 24,
    unit: 'page-table references',
    cpu: 'any 2D (nested/EPT) walk, 4-level guest and 4-level nested tables',
    kind: 'derived',
    source: `${SRC_BHARGAVA_2008}, §1, p. 26 ("a 2D walk requires nm + n + m page entry references")`,
    note: 'n = m = 4: nm + n + m = 16 + 4 + 4 = 24, "six times more" than the 4 of a native 4-level walk (24 / 4 = 6).',
  },
  {
    id: 'npt.walk-latency-ratio.2d-vs-native',
    value: 3.9,
    range: [3.9, 4.57],
    unit: 'ratio',
    cpu: 'simulated AMD Opteron-like core, no page-walk caches beyond TLBs',
    kind: 'measured',
    source: `${SRC_BHARGAVA_2008}, Table 1 "TLB miss frequency, latency, and performance impact", p. 28`,
    note: 'Walk latency 2D/native: MiscServer 4.01X, WebServer 3.90X, JavaServer 3.91X, IntCpu 4.57X, FpCpu 4.43X. Perfect-TLB opportunity: native 4.7–14.0 %, 2D 27.5–89.0 %.',
  },
  {
    id: 'npt.pwc-2d.guest-speedup',
    value: 15,
    range: [15, 38],
    unit: 'percent',
    cpu: 'simulated AMD Opteron-like core',
    kind: 'measured',
    source: `${SRC_BHARGAVA_2008}, Abstract, p. 26`,
    note: 'Extending the page walk cache to the nested dimension: 15 %–38 % guest improvement; nested TLB adds 3 %–7 %; large pages in the hypervisor a further 3 %–22 %.',
  },
  {
    id: 'ept.vs-shadow.mmu-benchmarks.xeon-5500',
    value: 48,
    unit: 'percent',
    cpu: 'Intel Xeon 5500 series (Nehalem-EP), VMware ESX internal builds',
    kind: 'measured',
    source: SRC_VMWARE_EPT_2009,
    note: 'EPT vs software shadow paging: gains "of up to 48% for MMU-intensive benchmarks and up to 600% for MMU-intensive microbenchmarks"; EPT raises TLB-miss latency for some workloads, mitigated by large pages.',
  },
  {
    id: 'ept.vs-shadow.mmu-microbenchmarks.xeon-5500',
    value: 600,
    unit: 'percent',
    cpu: 'Intel Xeon 5500 series (Nehalem-EP), VMware ESX internal builds',
    kind: 'measured',
    source: SRC_VMWARE_EPT_2009,
    note: 'Upper end of the gain for MMU-intensive microbenchmarks ("up to 600%").',
  },
];

// ---------------------------------------------------------------------------------------------------
// 7. Native instruction costs as measured by Agner Fog (clock cycles; column named in each note)
// ---------------------------------------------------------------------------------------------------

const AGNER = {
  // Pentium M table (measured on Dothan; Agner: Core Duo "Yonah — not fully tested", kernel very similar)
  'pentium-m.cpuid': { id: 'agner.pentium-m.cpuid', value: 130, bound: 'approximately', unit: 'cycles', cpu: 'Intel Pentium M (Dothan) table, also titled Core Solo/Core Duo', kind: 'measured', source: `${AGNER_PM}, p. 159`, note: 'CPUID latency "ca. 130"; 38–59 µops.' },
  'pentium-m.rdtsc': { id: 'agner.pentium-m.rdtsc', value: 42, unit: 'cycles', cpu: 'Intel Pentium M (Dothan) table', kind: 'measured', source: `${AGNER_PM}, p. 159`, note: 'RDTSC reciprocal throughput 42; 13 µops.' },
  'pentium-m.in-out': { id: 'agner.pentium-m.in-out', value: 300, bound: 'at-least', unit: 'cycles', cpu: 'Intel Pentium M (Dothan) table', kind: 'measured', source: `${AGNER_PM}, p. 157`, note: 'IN and OUT latency ">300"; 18 µops.' },
  'pentium-m.cli': { id: 'agner.pentium-m.cli', value: 9, unit: 'uops', cpu: 'Intel Pentium M (Dothan) table', kind: 'measured', source: `${AGNER_PM}, p. 159`, note: 'CLI: 9 µops (port column); no latency or throughput listed.' },
  'pentium-m.sti': { id: 'agner.pentium-m.sti', value: 17, unit: 'uops', cpu: 'Intel Pentium M (Dothan) table', kind: 'measured', source: `${AGNER_PM}, p. 159`, note: 'STI: 17 µops; no latency or throughput listed.' },
  'pentium-m.pushf': { id: 'agner.pentium-m.pushf', value: 6, unit: 'cycles', cpu: 'Intel Pentium M (Dothan) table', kind: 'measured', source: `${AGNER_PM}, p. 157`, note: 'PUSHF(D) reciprocal throughput 6; 16 µops.' },
  'pentium-m.popf': { id: 'agner.pentium-m.popf', value: 16, unit: 'cycles', cpu: 'Intel Pentium M (Dothan) table', kind: 'measured', source: `${AGNER_PM}, p. 157`, note: 'POPF(D) reciprocal throughput 16; 17 µops.' },
  'pentium-m.add': { id: 'agner.pentium-m.add', value: 1, unit: 'cycles', cpu: 'Intel Pentium M (Dothan) table', kind: 'measured', source: `${AGNER_PM}, p. 157`, note: 'ADD/SUB r,r/i latency 1, reciprocal throughput 0.5.' },
  // Merom (T5500)
  'merom.cpuid': { id: 'agner.merom.cpuid', value: 180, range: [180, 215], unit: 'cycles', cpu: 'Intel Core 2 Merom (T5500)', kind: 'measured', source: `${AGNER_MEROM}, p. 170`, note: 'CPUID reciprocal throughput 180–215; 46–100 µops; no latency listed.' },
  'merom.rdtsc': { id: 'agner.merom.rdtsc', value: 64, unit: 'cycles', cpu: 'Intel Core 2 Merom (T5500)', kind: 'measured', source: `${AGNER_MEROM}, p. 170`, note: 'RDTSC reciprocal throughput 64; 29 µops.' },
  'merom.pushf': { id: 'agner.merom.pushf', value: 7, unit: 'cycles', cpu: 'Intel Core 2 Merom (T5500)', kind: 'measured', source: `${AGNER_MEROM}, p. 167`, note: 'PUSHF(D/Q) reciprocal throughput 7; 17 µops.' },
  'merom.popf': { id: 'agner.merom.popf', value: 20, unit: 'cycles', cpu: 'Intel Core 2 Merom (T5500)', kind: 'measured', source: `${AGNER_MEROM}, p. 167`, note: 'POPF(D/Q) latency 20 (no throughput listed); 24 µops.' },
  'merom.add': { id: 'agner.merom.add', value: 1, unit: 'cycles', cpu: 'Intel Core 2 Merom (T5500)', kind: 'measured', source: `${AGNER_MEROM}, p. 167`, note: 'ADD/SUB r,r/i latency 1, reciprocal throughput 0.33.' },
  // Nehalem (i7-920)
  'nehalem.cpuid': { id: 'agner.nehalem.cpuid', value: 200, bound: 'approximately', unit: 'cycles', cpu: 'Intel Nehalem (Core i7-920)', kind: 'measured', source: `${AGNER_NHM}, p. 193`, note: 'CPUID latency "~200", reciprocal throughput "~200"; 25–100 µops.' },
  'nehalem.rdtsc': { id: 'agner.nehalem.rdtsc', value: 24, unit: 'cycles', cpu: 'Intel Nehalem (Core i7-920)', kind: 'measured', source: `${AGNER_NHM}, p. 193`, note: 'RDTSC reciprocal throughput 24; 22 µops.' },
  'nehalem.pushf': { id: 'agner.nehalem.pushf', value: 1, unit: 'cycles', cpu: 'Intel Nehalem (Core i7-920)', kind: 'measured', source: `${AGNER_NHM}, p. 190`, note: 'PUSHF(D/Q) reciprocal throughput 1; 3 µops.' },
  'nehalem.popf': { id: 'agner.nehalem.popf', value: 14, unit: 'cycles', cpu: 'Intel Nehalem (Core i7-920)', kind: 'measured', source: `${AGNER_NHM}, p. 190`, note: 'POPF(D/Q) reciprocal throughput 14; 8 µops.' },
  'nehalem.add': { id: 'agner.nehalem.add', value: 1, unit: 'cycles', cpu: 'Intel Nehalem (Core i7-920)', kind: 'measured', source: `${AGNER_NHM}, p. 191`, note: 'ADD/SUB r,r/i latency 1, reciprocal throughput 0.33.' },
  // Skylake-X / Cascade Lake (family 6 model 55h, the Skylake-SP Xeon die)
  'skylake-x.cpuid': { id: 'agner.skylake-x.cpuid', value: 100, range: [100, 250], unit: 'cycles', cpu: 'Intel Skylake-X (family 6 model 55h)', kind: 'measured', source: `${AGNER_SKX}, p. 282`, note: 'CPUID reciprocal throughput 100–250; 27–118 µops.' },
  'skylake-x.rdtsc': { id: 'agner.skylake-x.rdtsc', value: 25, unit: 'cycles', cpu: 'Intel Skylake-X (family 6 model 55h)', kind: 'measured', source: `${AGNER_SKX}, p. 282`, note: 'RDTSC reciprocal throughput 25 (RDTSCP 32); 20 µops.' },
  'skylake-x.pushf': { id: 'agner.skylake-x.pushf', value: 1, unit: 'cycles', cpu: 'Intel Skylake-X (family 6 model 55h)', kind: 'measured', source: `${AGNER_SKX}, p. 278`, note: 'PUSHF(D/Q) reciprocal throughput 1.' },
  'skylake-x.popf': { id: 'agner.skylake-x.popf', value: 20, unit: 'cycles', cpu: 'Intel Skylake-X (family 6 model 55h)', kind: 'measured', source: `${AGNER_SKX}, p. 278`, note: 'POPF(D/Q) reciprocal throughput 20; 9 µops.' },
  'skylake-x.add': { id: 'agner.skylake-x.add', value: 1, unit: 'cycles', cpu: 'Intel Skylake-X (family 6 model 55h)', kind: 'measured', source: `${AGNER_SKX}, p. 278`, note: 'ADD/SUB r,r/i latency 1, reciprocal throughput 0.25.' },
  // Ice Lake / Tiger Lake (for comparison with later parts)
  'ice-lake.cpuid': { id: 'agner.ice-lake.cpuid', value: 100, range: [100, 250], unit: 'cycles', cpu: 'Intel Ice Lake / Tiger Lake (client)', kind: 'measured', source: `${AGNER_ICL}, p. 335`, note: 'CPUID reciprocal throughput 100–250; 27–70 µops.' },
  'ice-lake.rdtsc': { id: 'agner.ice-lake.rdtsc', value: 27, unit: 'cycles', cpu: 'Intel Ice Lake / Tiger Lake (client)', kind: 'measured', source: `${AGNER_ICL}, p. 335`, note: 'RDTSC reciprocal throughput 27 (RDTSCP 36).' },
  // Prescott (Pentium 4 with EM64T, a Xeon) — the first VT-x generation
  'prescott.cpuid': { id: 'agner.prescott.cpuid', value: 300, range: [300, 500], unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: 'CPUID reciprocal throughput 300–500.' },
  'prescott.rdtsc': { id: 'agner.prescott.rdtsc', value: 100, unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: 'RDTSC reciprocal throughput 100.' },
  'prescott.cli': { id: 'agner.prescott.cli', value: 52, unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: 'CLI reciprocal throughput 52 (STI: 64).' },
  'prescott.sti': { id: 'agner.prescott.sti', value: 64, unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: 'STI reciprocal throughput 64.' },
  'prescott.int': { id: 'agner.prescott.int', value: 470, unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: 'INT i reciprocal throughput 470 (67 microcode µops).' },
  'prescott.iret': { id: 'agner.prescott.iret', value: 325, unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'measured', source: `${AGNER_P4E}, p. 363`, note: 'IRET reciprocal throughput 325 (49 microcode µops).' },
  'prescott.int-plus-iret': { id: 'agner.prescott.int-plus-iret', value: 795, unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'derived', source: `${AGNER_P4E}, p. 363`, note: 'INT n + IRET = 470 + 325 = 795 (sum of reciprocal throughputs; handler body excluded).' },
  'prescott.in-out': { id: 'agner.prescott.in-out', value: 1000, bound: 'at-least', unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'measured', source: `${AGNER_P4E}, p. 360`, note: 'IN, OUT ">1000" (52 microcode µops).' },
  'prescott.pushf': { id: 'agner.prescott.pushf', value: 9, unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'measured', source: `${AGNER_P4E}, p. 360`, note: 'PUSHF(D/Q) reciprocal throughput 9.' },
  'prescott.popf': { id: 'agner.prescott.popf', value: 70, unit: 'cycles', cpu: 'Intel Pentium 4 EM64T Prescott (Xeon)', kind: 'measured', source: `${AGNER_P4E}, p. 360`, note: 'POPF(D/Q) reciprocal throughput 70.' },
} as const satisfies Record<string, CostFigure>;

export const NATIVE_AGNER: readonly CostFigure[] = Object.values(AGNER);

// ---------------------------------------------------------------------------------------------------
// 8. The figures the cost model uses for the project's CPU models
// ---------------------------------------------------------------------------------------------------

const YONAH_MAPPING = `${SRC_AGNER_MICROARCH}, §7.2 "The pipeline in Core Solo and Duo", PDF p. 89 ("its kernel is very similar to the Pentium M")`;
const WOODCREST_MAPPING = `${SRC_ARS_PENRYN_2007} ("the Merom/Conroe/Woodcrest microarchitecture")`;

/** VM exit + VM entry hardware round trip used for each project CPU model. */
export const ROUND_TRIP_BY_MODEL: Readonly<Record<CostCpuModelId, CostFigure>> = {
  'xeon-lv': {
    id: 'vmx.round-trip.model.xeon-lv',
    model: 'xeon-lv',
    value: 1579,
    unit: 'cycles',
    cpu: 'xeon-lv: Dual-Core Xeon LV 2.0 GHz (2006, Yonah core)',
    kind: 'assumption',
    source: `${AGESEN_T1} (Merom row, used as a stand-in)`,
    note: 'ASSUMPTION: no measurement of a Yonah-core VT-x round trip was found. Default = Merom measured value, 1579 × 1 = 1579 (the next core from the same design lineage, 2Q2006). The nearest measured neighbours are Prescott 3963 and Merom 1579; Adams & Agesen 2006 show VM entry falling from 2409 (P4) to 937 (pre-production Core). The UI must show this as an assumption and let the user change it.',
    range: [1579, 3963],
  },
  'xeon-5100': {
    id: 'vmx.round-trip.model.xeon-5100',
    model: 'xeon-5100',
    value: 1579,
    unit: 'cycles',
    cpu: 'xeon-5100: Dual-Core Xeon 5100 "Woodcrest" (2006)',
    kind: 'derived',
    source: `${AGESEN_T1}; core mapping: ${WOODCREST_MAPPING}`,
    note: 'Woodcrest is the server part of the Merom/Conroe/Woodcrest microarchitecture, so value = Merom round trip = 1579 × 1 = 1579. Cross-check: a pre-production 2.66 GHz Core 2 Duo gave VM entry + page-fault exit = 937 + 1186 = 2123 (Adams & Agesen 2006, different method).',
  },
  nehalem: {
    id: 'vmx.round-trip.model.nehalem',
    model: 'nehalem',
    value: 1009,
    unit: 'cycles',
    cpu: 'nehalem: Xeon 5500 (Nehalem-EP, 2008/09)',
    kind: 'derived',
    source: AGESEN_T1,
    note: 'Xeon 5500 is a Nehalem part, so value = Nehalem round trip = 1009 × 1 = 1009. Cross-checks: Intel claim "~33 % less than Penryn" gives 1266 × (1 − 0.33) = 848; KVM on a Xeon X5570 measured a ~2000-cycle direct cost including KVM\'s own switch code (SplitX 2011).',
  },
  modern: {
    id: 'vmx.round-trip.model.modern',
    model: 'modern',
    value: 784,
    unit: 'cycles',
    cpu: 'modern: a recent Xeon (anchored on Skylake-SP, family 6 model 55h)',
    kind: 'assumption',
    source: `${AGESEN_T1} (Sandy Bridge row, used as a stand-in); upper bound: ${SRC_WANPENG_2020}`,
    note: 'ASSUMPTION: no hardware-only round trip newer than Sandy Bridge was found. Default = Sandy Bridge measured value, 784 × 1 = 784, on the paper\'s statement that the latency "bottoms out" (Westmere 761, Sandy Bridge 784). Upper bound: KVM guest-observed VMCALL on Skylake-SP = 1559 cycles, which includes KVM software; so 784 ≤ hardware round trip < 1559 is assumed. The UI must show this as an assumption and let the user change it.',
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
    source: `${measured.source}; core mapping: ${mapping}`,
    note: `value = ${measured.id} = ${measured.value} (same core, 1:1 mapping). ${measured.note}`,
    ...(measured.range === undefined ? {} : { range: measured.range }),
    ...(measured.bound === undefined ? {} : { bound: measured.bound }),
  };
}

const XEON_LV = 'xeon-lv: Dual-Core Xeon LV 2.0 GHz (Yonah core)';
const XEON_5100 = 'xeon-5100: Xeon 5100 "Woodcrest" (Merom core)';
const NEHALEM = 'nehalem: Xeon 5500 (Nehalem-EP)';
const MODERN = 'modern: recent Xeon, anchored on Skylake-SP (family 6 model 55h)';
const NEHALEM_MAPPING = 'Xeon 5500 is the Nehalem-EP server part (same core as the i7-920 Agner measured)';
const SKX_MAPPING = 'Agner\'s Skylake-X table is family 6 model 55h, the die used by Skylake-SP Xeon Scalable';

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
    cpu: 'all project CPU models',
    kind: 'assumption',
    source: `model assumption; anchor: ${SRC_AGNER_TABLES} (ADD r,r latency 1 on Pentium M, Merom, Nehalem, Skylake-X)`,
    note: 'ASSUMPTION: one cycle per instruction for instructions with no figure of their own. Agner lists ADD latency = 1 on all four cores (throughputs 0.5/0.33/0.33/0.25); real average CPI depends on the workload and was not found for any of these parts.',
  },
  {
    id: 'vmm.exit-service.combined',
    value: 3000,
    unit: 'cycles',
    cpu: '3.33 GHz machine used in the paper\'s VMmark runs',
    kind: 'assumption',
    source: `${SRC_AGESEN_2012}, §9, p. 10 ("We assume a combined hardware and software cost of servicing an exit at 3000 cycles")`,
    note: 'ASSUMPTION made by the source itself (not a measurement): hardware round trip + VMware VMM software per exit = 3000 cycles, = 0.9 µs at 3.33 GHz (3000 / 3.33e9 s).',
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
  { what: 'Hardware-only VM exit+entry round trip for Yonah / Xeon LV "Sossaman"', tried: 'Agesen 2012 Table 1 (starts at Prescott, then Merom); Adams & Agesen 2006 (P4 and pre-production Core only); pages/issues/code corpora.' },
  { what: 'Hardware-only round trip for Haswell, Skylake and later', tried: 'Agesen 2012 ends at Sandy Bridge; kvm-unit-tests results found only as guest-observed KVM costs (SKX vmcall 1559); ELI/Dune/Hyperupcalls tables not retrievable (only abstracts stored).' },
  { what: 'Native RDMSR/WRMSR, MOV to CR3, INVLPG, HLT wake-up latency, INT n + IRET for Pentium M/Yonah, Merom, Nehalem, Skylake', tried: 'Agner instruction tables (privileged instructions are not listed for these cores; INT/IRET listed only for Pentium 4); Linux Documentation/arch/x86/tlb.rst (no numbers).' },
  { what: 'Native #PF delivery cost on Core 2 / Nehalem / modern', tried: 'Only the P4 figure (Adams & Agesen 2006: pgfault 1093, divzero 889 cycles) was found.' },
  { what: 'Native IN/OUT cost on Merom, Nehalem, Skylake', tried: 'Agner lists IN/OUT for Merom without timings and not at all for Nehalem/Skylake; only Pentium M (>300) and Prescott (>1000), and Adams & Agesen P4 port 0x80 IN = 3209 cycles.' },
  { what: 'Xen paravirtual hypercall cost (Barham et al., SOSP 2003)', tried: 'Paper PDF not present in any repository found; page copies give only the first page.' },
  { what: 'Average CPI for the 2006-era parts', tried: 'No source; cpu.cpi.default is an assumption.' },
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
