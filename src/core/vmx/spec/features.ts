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

// Descriptions come from the string catalogue (issue 8); SDM names stay here as data.
import { t } from '../../../i18n/t.ts';

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
  'virtual-nmis': t('sdm.feature.virtualNmis'),
  'preemption-timer': t('sdm.feature.preemptionTimer'),
  'posted-interrupts': t('sdm.feature.postedInterrupts'),
  'msr-bitmaps': t('sdm.feature.msrBitmaps'),
  'tpr-shadow': t('sdm.feature.tprShadow'),
  'cr8-exiting': t('sdm.feature.cr8Exiting'),
  'monitor-trap-flag': t('sdm.feature.monitorTrapFlag'),
  'tertiary-controls': t('sdm.feature.tertiaryControls'),
  'secondary-controls': t('sdm.feature.secondaryControls'),
  'virtualize-apic-accesses': t('sdm.feature.virtualizeApicAccesses'),
  ept: t('sdm.feature.ept'),
  'descriptor-table-exiting': t('sdm.feature.descriptorTableExiting'),
  rdtscp: t('sdm.feature.rdtscp'),
  'virtualize-x2apic': t('sdm.feature.virtualizeX2apic'),
  vpid: t('sdm.feature.vpid'),
  'wbinvd-exiting': t('sdm.feature.wbinvdExiting'),
  'unrestricted-guest': t('sdm.feature.unrestrictedGuest'),
  'apic-register-virtualization': t('sdm.feature.apicRegisterVirtualization'),
  'virtual-interrupt-delivery': t('sdm.feature.virtualInterruptDelivery'),
  'pause-loop-exiting': t('sdm.feature.pauseLoopExiting'),
  'rdrand-exiting': t('sdm.feature.rdrandExiting'),
  invpcid: t('sdm.feature.invpcid'),
  'vm-functions': t('sdm.feature.vmFunctions'),
  'vmcs-shadowing': t('sdm.feature.vmcsShadowing'),
  'encls-exiting': t('sdm.feature.enclsExiting'),
  'rdseed-exiting': t('sdm.feature.rdseedExiting'),
  pml: t('sdm.feature.pml'),
  'ept-violation-ve': t('sdm.feature.eptViolationVe'),
  'conceal-vmx-from-pt': t('sdm.feature.concealVmxFromPt'),
  xsaves: t('sdm.feature.xsaves'),
  mbec: t('sdm.feature.mbec'),
  spp: t('sdm.feature.spp'),
  'pt-uses-gpa': t('sdm.feature.ptUsesGpa'),
  'tsc-scaling': t('sdm.feature.tscScaling'),
  'user-wait-pause': t('sdm.feature.userWaitPause'),
  'pconfig-exiting': t('sdm.feature.pconfigExiting'),
  'enclv-exiting': t('sdm.feature.enclvExiting'),
  'bus-lock-detection': t('sdm.feature.busLockDetection'),
  'instruction-timeout': t('sdm.feature.instructionTimeout'),
  'loadiwkey-exiting': t('sdm.feature.loadiwkeyExiting'),
  hlat: t('sdm.feature.hlat'),
  'ept-paging-write': t('sdm.feature.eptPagingWrite'),
  'guest-paging-verification': t('sdm.feature.guestPagingVerification'),
  'ipi-virtualization': t('sdm.feature.ipiVirtualization'),
  'msr-list-instructions': t('sdm.feature.msrListInstructions'),
  'virtualize-spec-ctrl': t('sdm.feature.virtualizeSpecCtrl'),
  'apic-timer-virtualization': t('sdm.feature.apicTimerVirtualization'),
  'ack-interrupt-on-exit': t('sdm.feature.ackInterruptOnExit'),
  'host-address-space-size': t('sdm.feature.hostAddressSpaceSize'),
  'ia32e-mode-guest': t('sdm.feature.ia32eModeGuest'),
  'perf-global-ctrl': t('sdm.feature.perfGlobalCtrl'),
  pat: t('sdm.feature.pat'),
  efer: t('sdm.feature.efer'),
  bndcfgs: t('sdm.feature.bndcfgs'),
  'rtit-ctl': t('sdm.feature.rtitCtl'),
  'lbr-ctl': t('sdm.feature.lbrCtl'),
  uinv: t('sdm.feature.uinv'),
  cet: t('sdm.feature.cet'),
  pkrs: t('sdm.feature.pkrs'),
  fred: t('sdm.feature.fred'),
  'spec-ctrl': t('sdm.feature.specCtrl'),
  'secondary-exit-controls': t('sdm.feature.secondaryExitControls'),
  'dual-monitor-smm': t('sdm.feature.dualMonitorSmm'),
  'true-controls': t('sdm.feature.trueControls'),
  'ins-outs-info': t('sdm.feature.insOutsInfo'),
  'inject-any-hw-exception': t('sdm.feature.injectAnyHwException'),
  'activity-hlt': t('sdm.feature.activityHlt'),
  'activity-shutdown': t('sdm.feature.activityShutdown'),
  'activity-wait-for-sipi': t('sdm.feature.activityWaitForSipi'),
  'pt-in-vmx': t('sdm.feature.ptInVmx'),
  'vmwrite-any-field': t('sdm.feature.vmwriteAnyField'),
  'inject-zero-length-instruction': t('sdm.feature.injectZeroLengthInstruction'),
  'ept-execute-only': t('sdm.feature.eptExecuteOnly'),
  'ept-uc': t('sdm.feature.eptUc'),
  'ept-2mb-pages': t('sdm.feature.ept2mbPages'),
  'ept-1gb-pages': t('sdm.feature.ept1gbPages'),
  'ept-accessed-dirty': t('sdm.feature.eptAccessedDirty'),
  'ept-5-level': t('sdm.feature.ept5Level'),
  'ept-advanced-exit-info': t('sdm.feature.eptAdvancedExitInfo'),
  'pasid-translation': t('sdm.feature.pasidTranslation'),
  'tdx-seam': t('sdm.feature.tdxSeam'),
};
