/**
 * Builds a CpuModel from a real part's description: offered features = real ∩ emulated − withheld, the rest
 * reported with reasons; capability MSRs and CPUID derived in one place each.
 */
import { VMX_FEATURES, VMX_FEATURE_TITLES, featureFlags, type VmxFeature } from '../vmx/spec/features.ts';
import { deriveCapabilityMsrs, normalizeFeatures } from './capabilities.ts';
import { cpuFeaturesOf, cr4BitsOf, modelCpuidLeaves, realCpuidLeaves, type RealCpuid } from './cpuid.ts';
import { EMULATED_VMX_FEATURES, notEmulatedReason } from './emulated.ts';
import type { CapabilityMsrs, CpuModel, HiddenFeature, SourceNote } from './types.ts';
import { t } from '../../i18n/t.ts';

export interface RealPart {
  readonly id: string;
  readonly name: string;
  readonly marketingName: string;
  readonly year: number;
  readonly microarchitecture: string;
  readonly coreClockHz: number;
  readonly maxPhysAddr: number;
  readonly intel64: boolean;
  /** VT Lab-assigned VMCS revision identifier. */
  readonly vmcsRevisionId: number;
  /** VMX features of the real part (sourced). */
  readonly realFeatures: readonly VmxFeature[];
  /** Emulated features this model withholds, with the reason. */
  readonly withheld?: readonly { readonly feature: VmxFeature; readonly reason: string }[];
  /** IA32_VMX_MISC[4:0] for the preemption timer (ignored when the timer is not offered). */
  readonly preemptionTimerRate?: number;
  readonly cpuid: RealCpuid;
  /** Highest basic CPUID leaf of the real part. */
  readonly maxBasicLeaf: number;
  readonly sources: readonly SourceNote[];
  readonly assumptions: readonly string[];
  /** Capability MSRs of the real silicon as a dump shows them, where one exists (used by tests). */
  readonly referenceMsrs?: Partial<CapabilityMsrs>;
}

export function defineCpuModel(part: RealPart): CpuModel & { readonly referenceMsrs?: Partial<CapabilityMsrs> } {
  const real = new Set(part.realFeatures);
  const withheldSet = new Set((part.withheld ?? []).map((w) => w.feature));
  const candidate = featureFlags(VMX_FEATURES.filter((f) => real.has(f) && EMULATED_VMX_FEATURES.has(f) && !withheldSet.has(f)));
  const normalized = normalizeFeatures(candidate);
  const offered = VMX_FEATURES.filter((f) => normalized[f] === true);
  const notEmulated: HiddenFeature[] = VMX_FEATURES.filter((f) => real.has(f) && !EMULATED_VMX_FEATURES.has(f)).map((f) =>
    Object.freeze({ feature: f, title: VMX_FEATURE_TITLES[f], reason: notEmulatedReason(f) }),
  );
  const withheld: HiddenFeature[] = (part.withheld ?? []).map((w) =>
    Object.freeze({ feature: w.feature, title: VMX_FEATURE_TITLES[w.feature], reason: w.reason }),
  );
  const features = featureFlags(offered);
  const brand = `VT Lab ${part.id}: ${part.name}`; // i18n-ignore: the CPUID brand string (bytes in CPUID leaves 80000002H-4H), not prose
  const cpuid = modelCpuidLeaves(part.cpuid, brand);
  const cpuFeatures = cpuFeaturesOf(cpuid);
  const leaf1 = cpuid.find((l) => l.leaf === 1)!;
  const preemptionTimerRate = features['preemption-timer'] ? (part.preemptionTimerRate ?? 0) : 0;
  const msrs = deriveCapabilityMsrs({
    features,
    intel64: part.intel64,
    revisionId: part.vmcsRevisionId,
    cr4Fixed1: cr4BitsOf(cpuFeatures, leaf1.edx),
    preemptionTimerRate,
  });
  const model = {
    id: part.id,
    name: part.name,
    marketingName: part.marketingName,
    year: part.year,
    microarchitecture: part.microarchitecture,
    coreClockHz: part.coreClockHz,
    maxPhysAddr: part.maxPhysAddr,
    intel64: part.intel64,
    vmcsRevisionId: part.vmcsRevisionId,
    features,
    realFeatures: Object.freeze([...VMX_FEATURES.filter((f) => real.has(f))]),
    notEmulated: Object.freeze(notEmulated),
    withheld: Object.freeze(withheld),
    cpuFeatures,
    msrs,
    preemptionTimerRate,
    cpuid: Object.freeze(cpuid),
    realCpuid: Object.freeze(realCpuidLeaves(part.cpuid, part.maxBasicLeaf)),
    sources: Object.freeze([...part.sources]),
    assumptions: Object.freeze([
      ...part.assumptions,
      t('cpus.define.cpuidFeatureFlagsAre'),
      t('cpus.define.ia32FeatureControlStartsLockedWith'),
    ]),
    ...(part.referenceMsrs ? { referenceMsrs: Object.freeze({ ...part.referenceMsrs }) } : {}),
  };
  return Object.freeze(model);
}
