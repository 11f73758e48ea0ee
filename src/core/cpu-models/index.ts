/**
 * CPU models selectable by name (`; @cpu NAME` in a lab file).
 *
 *   xeon-lv    Dual-Core Intel Xeon LV 2.0 GHz (Sossaman, 2006): first-generation VT-x, IA-32 only
 *   xeon-5100  Dual-Core Intel Xeon 5160 (Woodcrest, 2006): first-generation VT-x, no secondary controls
 *   nehalem    Intel Xeon E5520 (Nehalem-EP, 2009): EPT, VPID, TRUE MSRs; default model
 *   modern     Intel Xeon Gold 6326 (Ice Lake-SP, 2021): adds unrestricted guest, preemption timer, PLE, …
 */
import { VMCS_FIELDS, fieldSlot, isFieldSupported } from '../vmx/spec/fields.ts';
import { lookupCpuid } from './cpuid.ts';
import { defineCpuModel } from './define.ts';
import { MODERN } from './models/modern.ts';
import { NEHALEM } from './models/nehalem.ts';
import { XEON_5100 } from './models/xeon-5100.ts';
import { XEON_LV } from './models/xeon-lv.ts';
import { CAPABILITY_MSR_INDEX, type CapabilityMsrName, type CpuModel, type U64 } from './types.ts';

export * from './types.ts';
export { deriveCapabilityMsrs, EptVpidCap, type CapabilityInput } from './capabilities.ts';
export { EMULATED_VMX_FEATURES, NOT_EMULATED_REASONS, notEmulatedReason } from './emulated.ts';
export { EMULATED_CPUID_MASK, lookupCpuid } from './cpuid.ts';

/** All models, oldest first. */
export const CPU_MODELS: readonly CpuModel[] = Object.freeze([XEON_LV, XEON_5100, NEHALEM, MODERN].map(defineCpuModel));

export const DEFAULT_CPU_MODEL_ID = 'nehalem';

const BY_ID = new Map(CPU_MODELS.map((m) => [m.id, m]));

/** The model with this id (case-insensitive, surrounding blanks ignored), or undefined. */
export function getCpuModel(id: string): CpuModel | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

export function cpuModelIds(): string[] {
  return CPU_MODELS.map((m) => m.id);
}

const NAME_BY_INDEX = new Map<number, CapabilityMsrName>(
  (Object.entries(CAPABILITY_MSR_INDEX) as [CapabilityMsrName, number][]).map(([name, index]) => [index, name]),
);

/** A capability MSR (or IA32_FEATURE_CONTROL) by index; undefined if the model does not have it (RDMSR → #GP). */
export function capabilityMsr(model: CpuModel, index: number): U64 | undefined {
  const name = NAME_BY_INDEX.get(index >>> 0);
  return name === undefined ? undefined : model.msrs[name];
}

/** CPUID as the model answers it: [EAX, EBX, ECX, EDX]. */
export function cpuidOf(model: CpuModel, leaf: number, subleaf = 0): readonly [number, number, number, number] {
  return lookupCpuid(model.cpuid, leaf, subleaf);
}

/**
 * The model in the shape the x86 core's `ProcessorModel` (src/core/x86/platform.ts) asks for. Built per call;
 * the CPU keeps the result.
 */
export function toProcessorModel(model: CpuModel) {
  const f = model.features;
  // Index → value, built once: the EPT walker reads IA32_VMX_EPT_VPID_CAP on every walk, so lookups must
  // not allocate. The values are the model's frozen objects; callers must not modify them.
  const byIndex = new Map<number, { lo: number; hi: number }>();
  for (const [index, name] of NAME_BY_INDEX) {
    const v = model.msrs[name];
    if (v !== undefined) byIndex.set(index, v as { lo: number; hi: number });
  }
  // CPUID answers memoised per (leaf, subleaf): the VMM's CPUID handler runs on every CPUID exit.
  const cpuidMemo = new Map<number, readonly [number, number, number, number]>();
  const cpuid = (leaf: number, subleaf: number): readonly [number, number, number, number] => {
    const key = (leaf >>> 0) === 7 ? 7 + (subleaf >>> 0) * 0x100000000 : leaf >>> 0;
    let r = cpuidMemo.get(key);
    if (r === undefined) {
      r = Object.freeze(cpuidOf(model, leaf, subleaf).slice() as [number, number, number, number]);
      cpuidMemo.set(key, r);
    }
    return r;
  };
  // Supported VMCS fields by dense slot (VMREAD/VMWRITE error 12 otherwise).
  const slotSupported = new Uint8Array(VMCS_FIELDS.length);
  VMCS_FIELDS.forEach((f, k) => (slotSupported[k] = isFieldSupported(f.encoding, model.features) ? 1 : 0));
  return {
    id: model.id,
    name: model.name,
    coreClockHz: model.coreClockHz,
    maxPhysAddr: model.maxPhysAddr,
    features: {
      vmx: model.cpuFeatures.vmx,
      secondaryControls: f['secondary-controls'],
      trueControls: f['true-controls'],
      ept: f.ept,
      vpid: f.vpid,
      unrestrictedGuest: f['unrestricted-guest'],
      preemptionTimer: f['preemption-timer'],
      pae: model.cpuFeatures.pae,
      nx: model.cpuFeatures.nx,
      rdtscp: model.cpuFeatures.rdtscp,
      invpcid: model.cpuFeatures.invpcid,
      rdrand: model.cpuFeatures.rdrand,
      rdseed: model.cpuFeatures.rdseed,
      xsave: model.cpuFeatures.xsave,
      monitor: model.cpuFeatures.monitor,
    },
    capabilityMsr: (index: number): { lo: number; hi: number } | undefined => byIndex.get(index >>> 0),
    cpuid,
    vmcsSlotSupported: slotSupported,
    vmcsRevisionId: model.vmcsRevisionId,
    // By slot, as VMREAD/VMWRITE see it (`slotSupported` was built from isFieldSupported): the VMM asks on every VM entry.
    isVmcsFieldSupported: (encoding: number) => {
      const slot = fieldSlot(encoding);
      return slot >= 0 && slotSupported[slot] === 1;
    },
  };
}
