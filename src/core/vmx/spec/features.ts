/**
 * The vocabulary of VMX capabilities a processor may or may not have.
 *
 * One key per optional VMX control (or group of controls that the SDM makes exist together), per optional
 * capability bit in the IA32_VMX_* MSRs, and per feature that makes a VMCS field exist. The CPU models
 * (`src/core/cpu-models/`) say which of these a model offers; the VMCS field table (`fields.ts`) says which
 * of these makes each field exist; the capability-MSR derivation turns the set into MSR values.
 *
 * Controls that every VMX processor supports (the first-generation set: external-interrupt and NMI exiting,
 * the primary controls 2, 3, 7, 9–12, 15, 16, 23–25, 29, 30, "save/load debug controls") have no key:
 * they are always present (SDM Vol. 3C §24.6.2: "The first processors to support the virtual-machine
 * extensions supported only the 1-settings of bits 1, 4–6, 8, 13–16, and 26"; their other controls are the
 * ones a VirtualBox CPU-database dump of a first-generation part shows as allowed-1 — see
 * `cpu-models/xeon-lv.ts`).
 */

export const VMX_FEATURES = [
  // --- Pin-based controls (SDM Vol. 3C §24.6.1) ---
  'virtual-nmis', // pin bit 5, and the NMI-window exiting control (primary bit 22) that requires it
  'preemption-timer', // pin bit 6, exit control 22, field 0x482E
  'posted-interrupts', // pin bit 7
  // --- Primary processor-based controls (§24.6.2) ---
  'msr-bitmaps', // primary bit 28, field 0x2004
  'tpr-shadow', // primary bit 21, fields 0x2012, 0x401C
  'cr8-exiting', // primary bits 19, 20 (Intel 64 processors only)
  'monitor-trap-flag', // primary bit 27
  'tertiary-controls', // primary bit 17, field 0x2034
  'secondary-controls', // primary bit 31, field 0x401E
  // --- Secondary processor-based controls (§24.6.2 Table 24-7) ---
  'virtualize-apic-accesses',
  'ept',
  'descriptor-table-exiting',
  'rdtscp',
  'virtualize-x2apic',
  'vpid',
  'wbinvd-exiting',
  'unrestricted-guest',
  'apic-register-virtualization',
  'virtual-interrupt-delivery',
  'pause-loop-exiting',
  'rdrand-exiting',
  'invpcid',
  'vm-functions',
  'vmcs-shadowing',
  'encls-exiting',
  'rdseed-exiting',
  'pml',
  'ept-violation-ve',
  'conceal-vmx-from-pt',
  'xsaves',
  'mbec',
  'spp',
  'pt-uses-gpa',
  'tsc-scaling',
  'user-wait-pause',
  'pconfig-exiting',
  'enclv-exiting',
  'bus-lock-detection',
  'instruction-timeout',
  // --- Tertiary controls (Bochs vmx_ctrls.h VmxVmexec3Controls) ---
  'loadiwkey-exiting',
  'hlat',
  'ept-paging-write',
  'guest-paging-verification',
  'ipi-virtualization',
  'msr-list-instructions',
  'virtualize-spec-ctrl',
  'apic-timer-virtualization',
  // --- VM-exit / VM-entry controls (§24.7.1, §24.8.1) ---
  'ack-interrupt-on-exit', // exit bit 15
  'host-address-space-size', // exit bit 9 (Intel 64 processors only)
  'ia32e-mode-guest', // entry bit 9 (Intel 64 processors only)
  'perf-global-ctrl', // exit 12, entry 13
  'pat', // exit 18/19, entry 14
  'efer', // exit 20/21, entry 15
  'bndcfgs', // exit 23, entry 16
  'rtit-ctl', // exit 25, entry 18
  'lbr-ctl', // exit 26, entry 21
  'uinv', // exit 27, entry 19
  'cet', // exit 28, entry 20
  'pkrs', // exit 29, entry 22
  'fred', // entry 23 (Bochs), FRED state fields
  'spec-ctrl', // entry 24 (Bochs), IA32_SPEC_CTRL fields
  'secondary-exit-controls', // exit bit 31, field 0x2044
  'dual-monitor-smm', // entry 10/11, IA32_VMX_BASIC[49]
  // --- Other capabilities reported in IA32_VMX_BASIC / IA32_VMX_MISC (SDM App. A.1, A.6) ---
  'true-controls', // BASIC[55]
  'ins-outs-info', // BASIC[54]
  'inject-any-hw-exception', // BASIC[56]
  'activity-hlt', // MISC[6]
  'activity-shutdown', // MISC[7]
  'activity-wait-for-sipi', // MISC[8]
  'pt-in-vmx', // MISC[14]
  'vmwrite-any-field', // MISC[29]
  'inject-zero-length-instruction', // MISC[30]
  // --- EPT / VPID capabilities (IA32_VMX_EPT_VPID_CAP, SDM App. A.10) beyond the baseline ---
  // 'ept' alone means: 4-level walk, WB paging-structure memory type, INVEPT single- and all-context.
  // 'vpid' alone means: INVVPID with all four types.
  'ept-execute-only',
  'ept-uc',
  'ept-2mb-pages',
  'ept-1gb-pages',
  'ept-accessed-dirty',
  'ept-5-level',
  'ept-advanced-exit-info',
  // --- Fields that exist for features outside the controls above ---
  'pasid-translation',
  'tdx-seam',
] as const;

export type VmxFeature = (typeof VMX_FEATURES)[number];

/** A feature set: a feature is present iff its key maps to true. Plain data, serialisable. */
export type VmxFeatureSet = { readonly [K in VmxFeature]?: boolean };

/** A feature set with every key present (what a CPU model publishes, so the UI can show a full matrix). */
export type VmxFeatureFlags = { readonly [K in VmxFeature]: boolean };

export function hasFeature(set: VmxFeatureSet, feature: VmxFeature | null): boolean {
  return feature === null || set[feature] === true;
}

const FEATURE_SET = new Set<string>(VMX_FEATURES);
export function isVmxFeature(name: string): name is VmxFeature {
  return FEATURE_SET.has(name);
}

/** Expand a list of present features into a complete flag record. */
export function featureFlags(present: Iterable<VmxFeature>): VmxFeatureFlags {
  const out: Record<string, boolean> = {};
  for (const f of VMX_FEATURES) out[f] = false;
  for (const f of present) out[f] = true;
  return out as VmxFeatureFlags;
}

/** Short human titles for the UI (SDM wording where the feature is a control). */
export const VMX_FEATURE_TITLES: { readonly [K in VmxFeature]: string } = {
  'virtual-nmis': 'Virtual NMIs (and NMI-window exiting)',
  'preemption-timer': 'VMX-preemption timer',
  'posted-interrupts': 'Process posted interrupts',
  'msr-bitmaps': 'Use MSR bitmaps',
  'tpr-shadow': 'Use TPR shadow',
  'cr8-exiting': 'CR8-load / CR8-store exiting',
  'monitor-trap-flag': 'Monitor trap flag',
  'tertiary-controls': 'Activate tertiary controls',
  'secondary-controls': 'Activate secondary controls',
  'virtualize-apic-accesses': 'Virtualize APIC accesses',
  ept: 'Enable EPT (4-level, WB, INVEPT)',
  'descriptor-table-exiting': 'Descriptor-table exiting',
  rdtscp: 'Enable RDTSCP',
  'virtualize-x2apic': 'Virtualize x2APIC mode',
  vpid: 'Enable VPID (INVVPID)',
  'wbinvd-exiting': 'WBINVD exiting',
  'unrestricted-guest': 'Unrestricted guest',
  'apic-register-virtualization': 'APIC-register virtualization',
  'virtual-interrupt-delivery': 'Virtual-interrupt delivery',
  'pause-loop-exiting': 'PAUSE-loop exiting',
  'rdrand-exiting': 'RDRAND exiting',
  invpcid: 'Enable INVPCID',
  'vm-functions': 'Enable VM functions',
  'vmcs-shadowing': 'VMCS shadowing',
  'encls-exiting': 'Enable ENCLS exiting',
  'rdseed-exiting': 'RDSEED exiting',
  pml: 'Enable PML',
  'ept-violation-ve': 'EPT-violation #VE',
  'conceal-vmx-from-pt': 'Conceal VMX from PT',
  xsaves: 'Enable XSAVES/XRSTORS',
  mbec: 'Mode-based execute control for EPT',
  spp: 'Sub-page write permissions for EPT',
  'pt-uses-gpa': 'Intel PT uses guest-physical addresses',
  'tsc-scaling': 'Use TSC scaling',
  'user-wait-pause': 'Enable user wait and pause',
  'pconfig-exiting': 'Enable PCONFIG',
  'enclv-exiting': 'Enable ENCLV exiting',
  'bus-lock-detection': 'VMM bus-lock detection',
  'instruction-timeout': 'Instruction timeout',
  'loadiwkey-exiting': 'LOADIWKEY exiting',
  hlat: 'Enable HLAT',
  'ept-paging-write': 'EPT paging-write control',
  'guest-paging-verification': 'Guest-paging verification',
  'ipi-virtualization': 'IPI virtualization',
  'msr-list-instructions': 'Enable MSR-list instructions',
  'virtualize-spec-ctrl': 'Virtualize IA32_SPEC_CTRL',
  'apic-timer-virtualization': 'APIC-timer virtualization',
  'ack-interrupt-on-exit': 'Acknowledge interrupt on exit',
  'host-address-space-size': 'Host address-space size (64-bit host)',
  'ia32e-mode-guest': 'IA-32e mode guest',
  'perf-global-ctrl': 'Load IA32_PERF_GLOBAL_CTRL',
  pat: 'Save/load IA32_PAT',
  efer: 'Save/load IA32_EFER',
  bndcfgs: 'Clear/load IA32_BNDCFGS',
  'rtit-ctl': 'Clear/load IA32_RTIT_CTL',
  'lbr-ctl': 'Clear/load IA32_LBR_CTL',
  uinv: 'Clear/load UINV',
  cet: 'Load CET state',
  pkrs: 'Load PKRS',
  fred: 'Load FRED state',
  'spec-ctrl': 'Load IA32_SPEC_CTRL',
  'secondary-exit-controls': 'Activate secondary VM-exit controls',
  'dual-monitor-smm': 'Dual-monitor treatment of SMIs and SMM',
  'true-controls': 'TRUE capability MSRs (clearable default1 controls)',
  'ins-outs-info': 'INS/OUTS instruction information on VM exit',
  'inject-any-hw-exception': 'Inject hardware exceptions with or without error code',
  'activity-hlt': 'HLT activity state',
  'activity-shutdown': 'Shutdown activity state',
  'activity-wait-for-sipi': 'Wait-for-SIPI activity state',
  'pt-in-vmx': 'Intel PT in VMX operation',
  'vmwrite-any-field': 'VMWRITE to any supported field (incl. exit information)',
  'inject-zero-length-instruction': 'Inject software events with instruction length 0',
  'ept-execute-only': 'EPT execute-only translations',
  'ept-uc': 'EPT paging-structure memory type UC',
  'ept-2mb-pages': 'EPT 2-MByte pages',
  'ept-1gb-pages': 'EPT 1-GByte pages',
  'ept-accessed-dirty': 'EPT accessed and dirty flags',
  'ept-5-level': 'EPT 5-level page walk',
  'ept-advanced-exit-info': 'Advanced VM-exit information for EPT violations',
  'pasid-translation': 'PASID translation',
  'tdx-seam': 'TDX / SEAM',
};
