/**
 * Shape of a VT Lab CPU model: a real Intel part as far as the sources describe it, cut down to what the VT Lab
 * core emulates. Plain data (no functions), so a model can be shown, diffed and serialised.
 */
import type { VmxFeature, VmxFeatureFlags } from '../vmx/spec/features.ts';
import type { U64 } from '../vmx/spec/u64.ts';

export type { U64 } from '../vmx/spec/u64.ts';

/** Capability MSRs (SDM Vol. 3C App. A) and IA32_FEATURE_CONTROL, as {lo, hi} halves. */
export interface CapabilityMsrs {
  readonly IA32_FEATURE_CONTROL: U64;
  readonly IA32_VMX_BASIC: U64;
  readonly IA32_VMX_PINBASED_CTLS: U64;
  readonly IA32_VMX_PROCBASED_CTLS: U64;
  readonly IA32_VMX_EXIT_CTLS: U64;
  readonly IA32_VMX_ENTRY_CTLS: U64;
  readonly IA32_VMX_MISC: U64;
  readonly IA32_VMX_CR0_FIXED0: U64;
  readonly IA32_VMX_CR0_FIXED1: U64;
  readonly IA32_VMX_CR4_FIXED0: U64;
  readonly IA32_VMX_CR4_FIXED1: U64;
  readonly IA32_VMX_VMCS_ENUM: U64;
  /** Present only if primary-control bit 31 may be 1 (SDM App. A.3.3). */
  readonly IA32_VMX_PROCBASED_CTLS2?: U64;
  /** Present only if "enable EPT" or "enable VPID" may be 1 (SDM App. A.10). */
  readonly IA32_VMX_EPT_VPID_CAP?: U64;
  /** Present only if IA32_VMX_BASIC[55] = 1 (SDM App. A.3.1, A.3.2, A.4, A.5). */
  readonly IA32_VMX_TRUE_PINBASED_CTLS?: U64;
  readonly IA32_VMX_TRUE_PROCBASED_CTLS?: U64;
  readonly IA32_VMX_TRUE_EXIT_CTLS?: U64;
  readonly IA32_VMX_TRUE_ENTRY_CTLS?: U64;
}

export type CapabilityMsrName = keyof CapabilityMsrs;

/** MSR indices (SDM Vol. 4 Table 2-2; vmx.md §4.6). */
export const CAPABILITY_MSR_INDEX: { readonly [K in CapabilityMsrName]: number } = Object.freeze({
  IA32_FEATURE_CONTROL: 0x3a,
  IA32_VMX_BASIC: 0x480,
  IA32_VMX_PINBASED_CTLS: 0x481,
  IA32_VMX_PROCBASED_CTLS: 0x482,
  IA32_VMX_EXIT_CTLS: 0x483,
  IA32_VMX_ENTRY_CTLS: 0x484,
  IA32_VMX_MISC: 0x485,
  IA32_VMX_CR0_FIXED0: 0x486,
  IA32_VMX_CR0_FIXED1: 0x487,
  IA32_VMX_CR4_FIXED0: 0x488,
  IA32_VMX_CR4_FIXED1: 0x489,
  IA32_VMX_VMCS_ENUM: 0x48a,
  IA32_VMX_PROCBASED_CTLS2: 0x48b,
  IA32_VMX_EPT_VPID_CAP: 0x48c,
  IA32_VMX_TRUE_PINBASED_CTLS: 0x48d,
  IA32_VMX_TRUE_PROCBASED_CTLS: 0x48e,
  IA32_VMX_TRUE_EXIT_CTLS: 0x48f,
  IA32_VMX_TRUE_ENTRY_CTLS: 0x490,
});

/** One CPUID leaf/subleaf as the model returns it. */
export interface CpuidLeaf {
  readonly leaf: number;
  readonly subleaf: number;
  readonly eax: number;
  readonly ebx: number;
  readonly ecx: number;
  readonly edx: number;
}

/** Non-VMX CPU features the model offers (derived from its CPUID). */
export interface CpuFeatureFlags {
  readonly vmx: boolean;
  readonly pse: boolean;
  readonly tsc: boolean;
  readonly msr: boolean;
  readonly pae: boolean;
  readonly apic: boolean;
  readonly sep: boolean;
  readonly pge: boolean;
  readonly pat: boolean;
  readonly nx: boolean;
  readonly monitor: boolean;
  readonly rdtscp: boolean;
  readonly invpcid: boolean;
  readonly rdrand: boolean;
  readonly rdseed: boolean;
  readonly xsave: boolean;
}

/** A feature the real part has that this model does not offer, and why (the UI shows this). */
export interface HiddenFeature {
  readonly feature: VmxFeature;
  readonly title: string;
  readonly reason: string;
}

export interface SourceNote {
  /** What the source backs, e.g. "IA32_VMX_PROCBASED_CTLS of the Yonah core". */
  readonly claim: string;
  /** Where it comes from (repository/path, URL, SDM section). */
  readonly source: string;
}

export interface CpuModel {
  /** What users type in `; @cpu NAME`: short, lowercase. */
  readonly id: string;
  readonly name: string;
  readonly marketingName: string;
  /** Year the part was introduced. */
  readonly year: number;
  readonly microarchitecture: string;
  /** The part's nominal core clock. */
  readonly coreClockHz: number;
  /** Physical-address width in bits (CPUID.80000008H:EAX[7:0]). */
  readonly maxPhysAddr: number;
  /** The real part supports Intel 64 (VT Lab itself runs IA-32 only). */
  readonly intel64: boolean;
  /** VMCS revision identifier (IA32_VMX_BASIC[30:0]): a VT Lab value, not Intel's. */
  readonly vmcsRevisionId: number;
  /** VMX features this model offers: what the real part has ∩ what VT Lab emulates, less `withheld`. */
  readonly features: VmxFeatureFlags;
  /** VMX features the real part has (from the sources). */
  readonly realFeatures: readonly VmxFeature[];
  /** Real-part features the VT Lab core does not emulate. */
  readonly notEmulated: readonly HiddenFeature[];
  /** Real-part features VT Lab emulates but this model deliberately does not offer (e.g. known errata). */
  readonly withheld: readonly HiddenFeature[];
  readonly cpuFeatures: CpuFeatureFlags;
  readonly msrs: CapabilityMsrs;
  /** VMX-preemption timer rate X (IA32_VMX_MISC[4:0]): the timer ticks when TSC bit X changes. */
  readonly preemptionTimerRate: number;
  /** Leaves the model returns, sorted by leaf then subleaf. */
  readonly cpuid: readonly CpuidLeaf[];
  /** The real part's CPUID as the sources give it (before VT Lab's emulation mask). */
  readonly realCpuid: readonly CpuidLeaf[];
  readonly sources: readonly SourceNote[];
  /** Figures that are model assumptions (the UI shows them as such and lets the user change them). */
  readonly assumptions: readonly string[];
}
