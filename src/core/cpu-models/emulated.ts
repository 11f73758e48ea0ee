/**
 * What the VT Lab core emulates. A model offers a real-part feature only if it is listed here; everything
 * else the real part has goes to the model's `notEmulated` list with the reason below.
 *
 * The list follows the core's implementation scope (project brief): pin-based external-interrupt exiting,
 * NMI exiting, virtual NMIs, the VMX-preemption timer; all first-generation primary controls plus NMI-window
 * exiting, monitor trap flag, MSR bitmaps, activate secondary controls; secondary EPT, descriptor-table
 * exiting, RDTSCP, VPID, WBINVD exiting, unrestricted guest, PAUSE-loop exiting, RDRAND/RDSEED exiting,
 * INVPCID; exit controls save debug controls, acknowledge interrupt on exit, save/load PAT and EFER, save
 * preemption timer; entry controls load debug controls, load PAT and EFER. The EPT walker
 * (src/core/vmx/ept.ts) honours execute-only translations and 2-MByte/1-GByte pages from IA32_VMX_EPT_VPID_CAP
 * bits 0, 16, 17, so those capabilities are emulated too.
 */
import { VMX_FEATURES, VMX_FEATURE_TITLES, type VmxFeature } from '../vmx/spec/features.ts';

export const EMULATED_VMX_FEATURES: ReadonlySet<VmxFeature> = new Set<VmxFeature>([
  'virtual-nmis',
  'preemption-timer',
  'msr-bitmaps',
  'monitor-trap-flag',
  'secondary-controls',
  'ept',
  'ept-execute-only',
  'ept-2mb-pages',
  'ept-1gb-pages',
  'descriptor-table-exiting',
  'rdtscp',
  'vpid',
  'wbinvd-exiting',
  'unrestricted-guest',
  'pause-loop-exiting',
  'rdrand-exiting',
  'invpcid',
  'rdseed-exiting',
  'ack-interrupt-on-exit',
  'pat',
  'efer',
  'true-controls',
  'ins-outs-info',
  'activity-hlt',
]);

const IA32_ONLY = 'VT Lab runs IA-32 code only (no Intel 64 / long mode yet)';
const APIC_VIRT = 'VT Lab does not emulate the APIC-virtualization family (virtual-APIC page, APIC-access page, posted interrupts)';

/** One-line reasons for features the core does not emulate (UI: "the real part has this, VT Lab does not"). */
export const NOT_EMULATED_REASONS: { readonly [K in VmxFeature]?: string } = Object.freeze({
  'tpr-shadow': `${APIC_VIRT}; the TPR shadow is mainly for CR8, which exists only in 64-bit mode.`,
  'cr8-exiting': `CR8 exists only in 64-bit mode and ${IA32_ONLY}.`,
  'host-address-space-size': `${IA32_ONLY}, so the host cannot run in 64-bit mode after a VM exit.`,
  'ia32e-mode-guest': `${IA32_ONLY}, so there is no IA-32e (64-bit) guest.`,
  'virtualize-apic-accesses': `${APIC_VIRT}.`,
  'virtualize-x2apic': `${APIC_VIRT}.`,
  'apic-register-virtualization': `${APIC_VIRT}.`,
  'virtual-interrupt-delivery': `${APIC_VIRT}.`,
  'posted-interrupts': `${APIC_VIRT}.`,
  'tertiary-controls': 'The tertiary controls (IPI virtualization, HLAT, …) are not emulated.',
  'dual-monitor-smm': 'System-management mode and the dual-monitor treatment of SMIs are not modelled.',
  'activity-shutdown': 'VT Lab models only the active and HLT guest activity states.',
  'activity-wait-for-sipi': 'VT Lab models only the active and HLT guest activity states (no INIT/SIPI protocol).',
  'perf-global-ctrl': 'VT Lab has no performance-monitoring counters, so there is no IA32_PERF_GLOBAL_CTRL to load.',
  'vmcs-shadowing': 'VMCS shadowing (nested virtualization support) is not emulated.',
  pml: 'Page-modification logging is not emulated.',
  mbec: 'Mode-based execute control for EPT is not emulated.',
  'tsc-scaling': 'TSC scaling is not emulated (TSC offsetting is).',
  'ept-accessed-dirty': 'The VT Lab EPT walker does not set EPT accessed/dirty flags.',
  'ept-uc': 'The VT Lab EPTP check accepts only the WB paging-structure memory type.',
  'ept-5-level': 'VT Lab walks 4-level EPT only.',
  'ept-advanced-exit-info': 'EPT-violation qualification bits 11:9 are not reported.',
  'ept-violation-ve': 'Virtualization exceptions (#VE) are not emulated.',
  'vm-functions': 'VMFUNC (EPTP switching) is not emulated.',
  'encls-exiting': 'SGX is not emulated.',
  'enclv-exiting': 'SGX is not emulated.',
  xsaves: 'XSAVES/XRSTORS (supervisor state) are not emulated.',
  'conceal-vmx-from-pt': 'Intel Processor Trace is not emulated.',
  'pt-uses-gpa': 'Intel Processor Trace is not emulated.',
  'pt-in-vmx': 'Intel Processor Trace is not emulated.',
  'rtit-ctl': 'Intel Processor Trace is not emulated.',
  'vmwrite-any-field': 'VT Lab keeps the original rule: VMWRITE to a VM-exit information field fails with error 13.',
  'inject-zero-length-instruction': 'VT Lab keeps the original rule: injected software events need an instruction length of 1–15.',
  'inject-any-hw-exception': 'VT Lab keeps the original rule: the error-code flag of an injected exception must match its vector.',
});

export function notEmulatedReason(feature: VmxFeature): string {
  return NOT_EMULATED_REASONS[feature] ?? `${VMX_FEATURE_TITLES[feature]} is not emulated by VT Lab.`;
}

/** Every feature has a reason available (checked by tests). */
export const ALL_FEATURES = VMX_FEATURES;
