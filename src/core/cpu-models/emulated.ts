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
import { t } from '../../i18n/t.ts';

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

const IA32_ONLY = t('cpus.emulated.ia32Only');
const APIC_VIRT = t('cpus.emulated.apicVirt');

/** One-line reasons for features the core does not emulate (UI: "the real part has this, VT Lab does not"). */
export const NOT_EMULATED_REASONS: { readonly [K in VmxFeature]?: string } = Object.freeze({
  'tpr-shadow': t('cpus.emulated.tprShadow', { apicVirt: APIC_VIRT }),
  'cr8-exiting': t('cpus.emulated.cr8Exiting', { ia32Only: IA32_ONLY }),
  'host-address-space-size': t('cpus.emulated.hostAddressSpaceSize', { ia32Only: IA32_ONLY }),
  'ia32e-mode-guest': t('cpus.emulated.ia32eModeGuest', { ia32Only: IA32_ONLY }),
  'virtualize-apic-accesses': `${APIC_VIRT}.`,
  'virtualize-x2apic': `${APIC_VIRT}.`,
  'apic-register-virtualization': `${APIC_VIRT}.`,
  'virtual-interrupt-delivery': `${APIC_VIRT}.`,
  'posted-interrupts': `${APIC_VIRT}.`,
  'tertiary-controls': t('cpus.emulated.tertiaryControls'),
  'dual-monitor-smm': t('cpus.emulated.dualMonitorSmm'),
  'activity-shutdown': t('cpus.emulated.activityShutdown'),
  'activity-wait-for-sipi': t('cpus.emulated.activityWaitForSipi'),
  'perf-global-ctrl': t('cpus.emulated.perfGlobalCtrl'),
  'vmcs-shadowing': t('cpus.emulated.vmcsShadowing'),
  pml: t('cpus.emulated.pml'),
  mbec: t('cpus.emulated.mbec'),
  'tsc-scaling': t('cpus.emulated.tscScaling'),
  'ept-accessed-dirty': t('cpus.emulated.eptAccessedDirty'),
  'ept-uc': t('cpus.emulated.eptUc'),
  'ept-5-level': t('cpus.emulated.ept5Level'),
  'ept-advanced-exit-info': t('cpus.emulated.eptAdvancedExitInfo'),
  'ept-violation-ve': t('cpus.emulated.eptViolationVe'),
  'vm-functions': t('cpus.emulated.vmFunctions'),
  'encls-exiting': t('cpus.emulated.enclsExiting'),
  'enclv-exiting': t('cpus.emulated.enclsExiting'),
  xsaves: t('cpus.emulated.xsaves'),
  'conceal-vmx-from-pt': t('cpus.emulated.concealVmxFromPt'),
  'pt-uses-gpa': t('cpus.emulated.concealVmxFromPt'),
  'pt-in-vmx': t('cpus.emulated.concealVmxFromPt'),
  'rtit-ctl': t('cpus.emulated.concealVmxFromPt'),
  'vmwrite-any-field': t('cpus.emulated.vmwriteAnyField'),
  'inject-zero-length-instruction': t('cpus.emulated.injectZeroLengthInstruction'),
  'inject-any-hw-exception': t('cpus.emulated.injectAnyHwException'),
});

export function notEmulatedReason(feature: VmxFeature): string {
  return NOT_EMULATED_REASONS[feature] ?? t('cpus.emulated.notEmulatedReason', { feature: VMX_FEATURE_TITLES[feature] });
}

/** Every feature has a reason available (checked by tests). */
export const ALL_FEATURES = VMX_FEATURES;
