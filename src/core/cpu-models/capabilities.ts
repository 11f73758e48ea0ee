/**
 * The one place that turns a feature set into capability-MSR values, so that the allowed-settings rules of
 * SDM Vol. 3C App. A (vmx.md §4.6) hold by construction:
 *   - allowed-0 (lo) ⊆ allowed-1 (hi) for every control MSR;
 *   - the plain MSRs report every default1 bit as must-be-1 (lo ⊇ default1);
 *   - TRUE lo = plain lo minus the default1 bits the processor lets software clear; TRUE hi = plain hi;
 *   - a control bit is allowed-1 only if the feature behind it is offered.
 * KUT `test_vmx_caps` checks the same rules on real hardware.
 */
import {
  ENTRY_DEFAULT1,
  EXIT_DEFAULT1,
  EntryControls,
  ExitControls,
  PIN_BASED_DEFAULT1,
  PROC_BASED_DEFAULT1,
  PinBased,
  ProcBased,
  ProcBased2,
  TRUE_ENTRY_DEFAULT1,
  TRUE_EXIT_DEFAULT1,
  TRUE_PIN_BASED_DEFAULT1,
  TRUE_PROC_BASED_DEFAULT1,
} from '../vmx/spec/controls.ts';
import type { VmxFeature, VmxFeatureSet } from '../vmx/spec/features.ts';
import { highestSupportedFieldIndex } from '../vmx/spec/fields.ts';
import type { CapabilityMsrs, U64 } from './types.ts';

export interface CapabilityInput {
  /** Features the model offers. */
  readonly features: VmxFeatureSet;
  /** Intel 64 processor: IA32_VMX_BASIC[48] is 0 (SDM App. A.1: "always 0 for processors that support Intel 64"). */
  readonly intel64: boolean;
  /** VMCS revision identifier, bits 30:0. */
  readonly revisionId: number;
  /** CR4 bits the model supports (IA32_VMX_CR4_FIXED1). */
  readonly cr4Fixed1: number;
  /** IA32_VMX_MISC[4:0]. */
  readonly preemptionTimerRate: number;
}

/**
 * Primary controls every VMX processor allows: 2, 3, 7, 9–12, 23–25, 29, 30 (the allowed-1 settings in the
 * first-generation dumps of VirtualBox's CPU database, Intel_Core_Duo_T2600_2_16GHz.h: 0x7781FFFE less the
 * default1 bits and "use MSR bitmaps").
 */
export const BASELINE_PRIMARY_CONTROLS =
  ProcBased.INTERRUPT_WINDOW_EXITING |
  ProcBased.USE_TSC_OFFSETTING |
  ProcBased.HLT_EXITING |
  ProcBased.INVLPG_EXITING |
  ProcBased.MWAIT_EXITING |
  ProcBased.RDPMC_EXITING |
  ProcBased.RDTSC_EXITING |
  ProcBased.MOV_DR_EXITING |
  ProcBased.UNCONDITIONAL_IO_EXITING |
  ProcBased.USE_IO_BITMAPS |
  ProcBased.MONITOR_EXITING |
  ProcBased.PAUSE_EXITING;

/** Pin controls every VMX processor allows: external-interrupt and NMI exiting (SDM Table 24-5). */
export const BASELINE_PIN_CONTROLS = PinBased.EXTERNAL_INTERRUPT_EXITING | PinBased.NMI_EXITING;

/** VMCS/VMXON region size reported in IA32_VMX_BASIC[44:32] (VT Lab value; SDM allows 1..4096). */
export const VMCS_REGION_SIZE = 4096;
/** VMCS memory type WB (6) in IA32_VMX_BASIC[53:50] (SDM App. A.1; Linux requires WB). */
export const VMCS_MEMORY_TYPE_WB = 6;
/** IA32_VMX_MISC[24:16]: number of CR3-target values (4 on Intel parts and in Bochs; vmx.md §4.6). */
export const CR3_TARGET_COUNT = 4;
/** IA32_VMX_CR0_FIXED0 = PE | NE | PG (SDM §23.8 "first processors … require CR0.PE, NE, PG"; Bochs). */
export const CR0_FIXED0 = 0x80000021;
/**
 * IA32_VMX_CR0_FIXED1 = FFFFFFFFH, as every real dump reports (VirtualBox CPU database: Core Duo T2600,
 * Core2 X6800, Xeon X5482 all 0xffffffff; KVM's nested cr0_fixed1 is all-ones too). Reserved CR0 bits are
 * rejected by MOV CR0 itself, not by this MSR.
 */
export const CR0_FIXED1 = 0xffffffff;
/** IA32_VMX_CR4_FIXED0 = VMXE (bit 13) (SDM §23.8; VirtualBox dumps 0x2000). */
export const CR4_FIXED0 = 0x2000;

function has(set: VmxFeatureSet, f: VmxFeature): boolean {
  return set[f] === true;
}

function bits(set: VmxFeatureSet, pairs: readonly (readonly [VmxFeature, number])[]): number {
  let v = 0;
  for (const [f, mask] of pairs) if (has(set, f)) v |= mask;
  return v >>> 0;
}

const u = (lo: number, hi: number): U64 => Object.freeze({ lo: lo >>> 0, hi: hi >>> 0 });

/** Allowed-1 settings of the pin-based controls. */
export function pinAllowed1(f: VmxFeatureSet): number {
  return (
    (PIN_BASED_DEFAULT1 |
      BASELINE_PIN_CONTROLS |
      bits(f, [
        ['virtual-nmis', PinBased.VIRTUAL_NMIS],
        ['preemption-timer', PinBased.ACTIVATE_VMX_PREEMPTION_TIMER],
        ['posted-interrupts', PinBased.PROCESS_POSTED_INTERRUPTS],
      ])) >>>
    0
  );
}

/** Allowed-1 settings of the primary processor-based controls. */
export function primaryAllowed1(f: VmxFeatureSet): number {
  return (
    (PROC_BASED_DEFAULT1 |
      BASELINE_PRIMARY_CONTROLS |
      bits(f, [
        ['tertiary-controls', ProcBased.ACTIVATE_TERTIARY_CONTROLS],
        ['cr8-exiting', ProcBased.CR8_LOAD_EXITING | ProcBased.CR8_STORE_EXITING],
        ['tpr-shadow', ProcBased.USE_TPR_SHADOW],
        // SDM Table 24-6: NMI-window exiting "can be set only if the virtual NMIs control is 1".
        ['virtual-nmis', ProcBased.NMI_WINDOW_EXITING],
        ['monitor-trap-flag', ProcBased.MONITOR_TRAP_FLAG],
        ['msr-bitmaps', ProcBased.USE_MSR_BITMAPS],
        ['secondary-controls', ProcBased.ACTIVATE_SECONDARY_CONTROLS],
      ])) >>>
    0
  );
}

/** Allowed-1 settings of the secondary processor-based controls (no default1 bits: allowed-0 is 0). */
export function secondaryAllowed1(f: VmxFeatureSet): number {
  return bits(f, [
    ['virtualize-apic-accesses', ProcBased2.VIRTUALIZE_APIC_ACCESSES],
    ['ept', ProcBased2.ENABLE_EPT],
    ['descriptor-table-exiting', ProcBased2.DESCRIPTOR_TABLE_EXITING],
    ['rdtscp', ProcBased2.ENABLE_RDTSCP],
    ['virtualize-x2apic', ProcBased2.VIRTUALIZE_X2APIC_MODE],
    ['vpid', ProcBased2.ENABLE_VPID],
    ['wbinvd-exiting', ProcBased2.WBINVD_EXITING],
    ['unrestricted-guest', ProcBased2.UNRESTRICTED_GUEST],
    ['apic-register-virtualization', ProcBased2.APIC_REGISTER_VIRTUALIZATION],
    ['virtual-interrupt-delivery', ProcBased2.VIRTUAL_INTERRUPT_DELIVERY],
    ['pause-loop-exiting', ProcBased2.PAUSE_LOOP_EXITING],
    ['rdrand-exiting', ProcBased2.RDRAND_EXITING],
    ['invpcid', ProcBased2.ENABLE_INVPCID],
    ['vm-functions', ProcBased2.ENABLE_VM_FUNCTIONS],
    ['vmcs-shadowing', ProcBased2.VMCS_SHADOWING],
    ['encls-exiting', ProcBased2.ENABLE_ENCLS_EXITING],
    ['rdseed-exiting', ProcBased2.RDSEED_EXITING],
    ['pml', ProcBased2.ENABLE_PML],
    ['ept-violation-ve', ProcBased2.EPT_VIOLATION_VE],
    ['conceal-vmx-from-pt', ProcBased2.CONCEAL_VMX_FROM_PT],
    ['xsaves', ProcBased2.ENABLE_XSAVES_XRSTORS],
    ['mbec', ProcBased2.MODE_BASED_EXECUTE_CONTROL_FOR_EPT],
    ['spp', ProcBased2.SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT],
    ['pt-uses-gpa', ProcBased2.PT_USES_GUEST_PHYSICAL_ADDRESSES],
    ['tsc-scaling', ProcBased2.USE_TSC_SCALING],
    ['user-wait-pause', ProcBased2.ENABLE_USER_WAIT_AND_PAUSE],
    ['pconfig-exiting', ProcBased2.ENABLE_PCONFIG],
    ['enclv-exiting', ProcBased2.ENABLE_ENCLV_EXITING],
    ['bus-lock-detection', ProcBased2.VMM_BUS_LOCK_DETECTION],
    ['instruction-timeout', ProcBased2.INSTRUCTION_TIMEOUT],
  ]);
}

/** Allowed-1 settings of the VM-exit controls. */
export function exitAllowed1(f: VmxFeatureSet): number {
  return (
    (EXIT_DEFAULT1 |
      bits(f, [
        ['host-address-space-size', ExitControls.HOST_ADDRESS_SPACE_SIZE],
        ['perf-global-ctrl', ExitControls.LOAD_IA32_PERF_GLOBAL_CTRL],
        ['ack-interrupt-on-exit', ExitControls.ACK_INTERRUPT_ON_EXIT],
        ['pat', ExitControls.SAVE_IA32_PAT | ExitControls.LOAD_IA32_PAT],
        ['efer', ExitControls.SAVE_IA32_EFER | ExitControls.LOAD_IA32_EFER],
        ['preemption-timer', ExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE],
        ['bndcfgs', ExitControls.CLEAR_IA32_BNDCFGS],
        ['conceal-vmx-from-pt', ExitControls.CONCEAL_VMX_FROM_PT],
        ['rtit-ctl', ExitControls.CLEAR_IA32_RTIT_CTL],
        ['lbr-ctl', ExitControls.CLEAR_IA32_LBR_CTL],
        ['uinv', ExitControls.CLEAR_UINV],
        ['cet', ExitControls.LOAD_CET_STATE],
        ['pkrs', ExitControls.LOAD_PKRS],
        ['secondary-exit-controls', ExitControls.ACTIVATE_SECONDARY_CONTROLS],
      ])) >>>
    0
  );
}

/** Allowed-1 settings of the VM-entry controls. */
export function entryAllowed1(f: VmxFeatureSet): number {
  return (
    (ENTRY_DEFAULT1 |
      bits(f, [
        ['ia32e-mode-guest', EntryControls.IA32E_MODE_GUEST],
        ['dual-monitor-smm', EntryControls.ENTRY_TO_SMM | EntryControls.DEACTIVATE_DUAL_MONITOR_TREATMENT],
        ['perf-global-ctrl', EntryControls.LOAD_IA32_PERF_GLOBAL_CTRL],
        ['pat', EntryControls.LOAD_IA32_PAT],
        ['efer', EntryControls.LOAD_IA32_EFER],
        ['bndcfgs', EntryControls.LOAD_IA32_BNDCFGS],
        ['conceal-vmx-from-pt', EntryControls.CONCEAL_VMX_FROM_PT],
        ['rtit-ctl', EntryControls.LOAD_IA32_RTIT_CTL],
        ['uinv', EntryControls.LOAD_UINV],
        ['cet', EntryControls.LOAD_CET_STATE],
        ['lbr-ctl', EntryControls.LOAD_GUEST_IA32_LBR_CTL],
        ['pkrs', EntryControls.LOAD_PKRS],
        ['fred', EntryControls.LOAD_FRED],
        ['spec-ctrl', EntryControls.LOAD_IA32_SPEC_CTRL],
      ])) >>>
    0
  );
}

/** IA32_VMX_EPT_VPID_CAP bit positions (SDM App. A.10; KUT EPT_CAP_* / VPID_CAP_*). */
export const EptVpidCap = Object.freeze({
  EXECUTE_ONLY: 0,
  WALK_LENGTH_4: 6,
  WALK_LENGTH_5: 7,
  MEMTYPE_UC: 8,
  MEMTYPE_WB: 14,
  PAGE_2MB: 16,
  PAGE_1GB: 17,
  INVEPT: 20,
  ACCESSED_DIRTY: 21,
  ADVANCED_EXIT_INFO: 22,
  INVEPT_SINGLE_CONTEXT: 25,
  INVEPT_ALL_CONTEXT: 26,
  INVVPID: 32,
  INVVPID_INDIVIDUAL_ADDRESS: 40,
  INVVPID_SINGLE_CONTEXT: 41,
  INVVPID_ALL_CONTEXT: 42,
  INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS: 43,
} as const);

/**
 * IA32_VMX_EPT_VPID_CAP. "ept" means the baseline every EPT processor reports: 4-level walk, WB, INVEPT
 * with single- and all-context types; "vpid" means INVVPID with all four types (vmx.md §6 INVVPID).
 */
export function eptVpidCap(f: VmxFeatureSet): U64 {
  let lo = 0;
  let hi = 0;
  const b = (n: number): void => {
    if (n < 32) lo |= 1 << n;
    else hi |= 1 << (n - 32);
  };
  if (has(f, 'ept')) {
    b(EptVpidCap.WALK_LENGTH_4);
    b(EptVpidCap.MEMTYPE_WB);
    b(EptVpidCap.INVEPT);
    b(EptVpidCap.INVEPT_SINGLE_CONTEXT);
    b(EptVpidCap.INVEPT_ALL_CONTEXT);
    if (has(f, 'ept-execute-only')) b(EptVpidCap.EXECUTE_ONLY);
    if (has(f, 'ept-5-level')) b(EptVpidCap.WALK_LENGTH_5);
    if (has(f, 'ept-uc')) b(EptVpidCap.MEMTYPE_UC);
    if (has(f, 'ept-2mb-pages')) b(EptVpidCap.PAGE_2MB);
    if (has(f, 'ept-1gb-pages')) b(EptVpidCap.PAGE_1GB);
    if (has(f, 'ept-accessed-dirty')) b(EptVpidCap.ACCESSED_DIRTY);
    if (has(f, 'ept-advanced-exit-info')) b(EptVpidCap.ADVANCED_EXIT_INFO);
  }
  if (has(f, 'vpid')) {
    b(EptVpidCap.INVVPID);
    b(EptVpidCap.INVVPID_INDIVIDUAL_ADDRESS);
    b(EptVpidCap.INVVPID_SINGLE_CONTEXT);
    b(EptVpidCap.INVVPID_ALL_CONTEXT);
    b(EptVpidCap.INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS);
  }
  return u(lo, hi);
}

/** IA32_VMX_BASIC (SDM App. A.1). */
export function vmxBasic(input: CapabilityInput): U64 {
  const f = input.features;
  const hi =
    (VMCS_REGION_SIZE & 0x1fff) | // bits 44:32
    (input.intel64 ? 0 : 1 << 16) | // bit 48: physical addresses limited to 32 bits
    (has(f, 'dual-monitor-smm') ? 1 << 17 : 0) | // bit 49
    (VMCS_MEMORY_TYPE_WB << 18) | // bits 53:50
    (has(f, 'ins-outs-info') ? 1 << 22 : 0) | // bit 54
    (has(f, 'true-controls') ? 1 << 23 : 0) | // bit 55
    (has(f, 'inject-any-hw-exception') ? 1 << 24 : 0); // bit 56
  return u(input.revisionId & 0x7fffffff, hi); // bit 31 is 0
}

/** IA32_VMX_MISC (SDM App. A.6). */
export function vmxMisc(input: CapabilityInput): U64 {
  const f = input.features;
  const lo =
    (has(f, 'preemption-timer') ? input.preemptionTimerRate & 0x1f : 0) |
    // Bit 5 ("VM exits store EFER.LMA into IA-32e mode guest") is 1 on any processor that supports the
    // 1-setting of "unrestricted guest" (SDM App. A.6).
    (has(f, 'unrestricted-guest') ? 1 << 5 : 0) |
    (has(f, 'activity-hlt') ? 1 << 6 : 0) |
    (has(f, 'activity-shutdown') ? 1 << 7 : 0) |
    (has(f, 'activity-wait-for-sipi') ? 1 << 8 : 0) |
    (has(f, 'pt-in-vmx') ? 1 << 14 : 0) |
    (CR3_TARGET_COUNT << 16) |
    // Bits 27:25 = 0: recommended maximum of 512 × (0 + 1) MSR-list entries.
    (has(f, 'vmwrite-any-field') ? 1 << 29 : 0) |
    (has(f, 'inject-zero-length-instruction') ? 1 << 30 : 0);
  return u(lo, 0); // bits 63:32: MSEG revision identifier 0
}

const SECONDARY_FEATURES: readonly VmxFeature[] = [
  'virtualize-apic-accesses', 'ept', 'descriptor-table-exiting', 'rdtscp', 'virtualize-x2apic', 'vpid', 'wbinvd-exiting',
  'unrestricted-guest', 'apic-register-virtualization', 'virtual-interrupt-delivery', 'pause-loop-exiting', 'rdrand-exiting',
  'invpcid', 'vm-functions', 'vmcs-shadowing', 'encls-exiting', 'rdseed-exiting', 'pml', 'ept-violation-ve',
  'xsaves', 'mbec', 'spp', 'pt-uses-gpa', 'tsc-scaling', 'user-wait-pause', 'pconfig-exiting', 'enclv-exiting',
  'bus-lock-detection', 'instruction-timeout',
];
const TERTIARY_FEATURES: readonly VmxFeature[] = [
  'loadiwkey-exiting', 'hlat', 'ept-paging-write', 'guest-paging-verification', 'ipi-virtualization',
  'msr-list-instructions', 'virtualize-spec-ctrl', 'apic-timer-virtualization',
];
const EPT_FEATURES: readonly VmxFeature[] = [
  'unrestricted-guest', 'pml', 'mbec', 'spp', 'ept-violation-ve', 'ept-execute-only', 'ept-uc', 'ept-2mb-pages',
  'ept-1gb-pages', 'ept-accessed-dirty', 'ept-5-level', 'ept-advanced-exit-info',
];

/**
 * Drop features whose prerequisite is missing, so no derived MSR can describe an impossible processor:
 * secondary controls exist only with "activate secondary controls" (SDM §24.6.2), tertiary ones only with
 * "activate tertiary controls"; unrestricted guest, PML, MBEC, SPP, #VE and the EPT capabilities need EPT
 * (SDM §26.2.1.1: "If the unrestricted guest VM-execution control is 1, the enable EPT VM-execution control
 * must also be 1").
 */
export function normalizeFeatures(f: VmxFeatureSet): VmxFeatureSet {
  const out: Record<string, boolean> = { ...f };
  if (!has(f, 'secondary-controls')) for (const x of SECONDARY_FEATURES) out[x] = false;
  if (!has(f, 'tertiary-controls')) for (const x of TERTIARY_FEATURES) out[x] = false;
  if (out.ept !== true) for (const x of EPT_FEATURES) out[x] = false;
  return out as VmxFeatureSet;
}

/** Every capability MSR of a model, derived from its offered features (normalised first). */
export function deriveCapabilityMsrs(input: CapabilityInput): CapabilityMsrs {
  const f = normalizeFeatures(input.features);
  input = { ...input, features: f };
  const pinHi = pinAllowed1(f);
  const procHi = primaryAllowed1(f);
  const exitHi = exitAllowed1(f);
  const entryHi = entryAllowed1(f);
  const trueCtls = has(f, 'true-controls');
  const msrs: Record<string, U64> = {
    // Lock (bit 0) + VMX outside SMX (bit 2): what firmware leaves on a VT-enabled machine (VirtualBox dumps of
    // the Core Duo T2600 and Core2 X6800 read 0x5). VT Lab has no firmware, so the model starts this way.
    IA32_FEATURE_CONTROL: u(0x5, 0),
    IA32_VMX_BASIC: vmxBasic(input),
    IA32_VMX_PINBASED_CTLS: u(PIN_BASED_DEFAULT1, pinHi),
    IA32_VMX_PROCBASED_CTLS: u(PROC_BASED_DEFAULT1, procHi),
    IA32_VMX_EXIT_CTLS: u(EXIT_DEFAULT1, exitHi),
    IA32_VMX_ENTRY_CTLS: u(ENTRY_DEFAULT1, entryHi),
    IA32_VMX_MISC: vmxMisc(input),
    IA32_VMX_CR0_FIXED0: u(CR0_FIXED0, 0),
    IA32_VMX_CR0_FIXED1: u(CR0_FIXED1, 0),
    IA32_VMX_CR4_FIXED0: u(CR4_FIXED0, 0),
    IA32_VMX_CR4_FIXED1: u(input.cr4Fixed1 | CR4_FIXED0, 0),
    // Bits 9:1 = highest index of any supported field (SDM App. A.9).
    IA32_VMX_VMCS_ENUM: u(highestSupportedFieldIndex(f) << 1, 0),
  };
  if (procHi & ProcBased.ACTIVATE_SECONDARY_CONTROLS) msrs.IA32_VMX_PROCBASED_CTLS2 = u(0, secondaryAllowed1(f));
  if (has(f, 'secondary-controls') && (has(f, 'ept') || has(f, 'vpid'))) msrs.IA32_VMX_EPT_VPID_CAP = eptVpidCap(f);
  if (trueCtls) {
    msrs.IA32_VMX_TRUE_PINBASED_CTLS = u(TRUE_PIN_BASED_DEFAULT1, pinHi);
    msrs.IA32_VMX_TRUE_PROCBASED_CTLS = u(TRUE_PROC_BASED_DEFAULT1, procHi);
    msrs.IA32_VMX_TRUE_EXIT_CTLS = u(TRUE_EXIT_DEFAULT1, exitHi);
    msrs.IA32_VMX_TRUE_ENTRY_CTLS = u(TRUE_ENTRY_DEFAULT1, entryHi);
  }
  return Object.freeze(msrs) as unknown as CapabilityMsrs;
}
