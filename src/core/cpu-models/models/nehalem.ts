/**
 * `nehalem` (default) — Intel Xeon 5500 / Core i7 class (Nehalem, 2008/2009), represented by the Xeon E5520
 * (Nehalem-EP, CPUID signature 0x106A5, stepping D0).
 *
 * Second-generation VT-x: secondary controls with EPT and VPID, descriptor-table exiting, RDTSCP, WBINVD
 * exiting, virtual NMIs, monitor trap flag, save/load PAT and EFER, TRUE capability MSRs. No unrestricted
 * guest (that arrived with Westmere). The VMX-preemption timer exists but is withheld: Linux's
 * cpu_has_broken_vmx_preemption_timer() lists the D0 Xeon 5500 (0x106A5, erratum AAK139) among the parts
 * whose timer is broken.
 */
import type { RealPart } from '../define.ts';
import { t } from '../../../i18n/t.ts';

export const NEHALEM: RealPart = {
  id: 'nehalem',
  name: 'Nehalem (Xeon 5500)',
  marketingName: t('cpus.nehalem.marketingName'),
  year: 2009,
  microarchitecture: t('cpus.nehalem.microarchitecture'),
  coreClockHz: 2_270_000_000,
  maxPhysAddr: 40,
  intel64: true,
  vmcsRevisionId: 0x56540003,
  realFeatures: [
    'virtual-nmis', 'preemption-timer', 'msr-bitmaps', 'tpr-shadow', 'cr8-exiting', 'monitor-trap-flag', 'secondary-controls',
    'virtualize-apic-accesses', 'ept', 'descriptor-table-exiting', 'rdtscp', 'vpid', 'wbinvd-exiting',
    'ack-interrupt-on-exit', 'host-address-space-size', 'ia32e-mode-guest', 'perf-global-ctrl', 'pat', 'efer',
    'dual-monitor-smm', 'true-controls', 'ins-outs-info', 'activity-hlt', 'activity-shutdown', 'activity-wait-for-sipi',
  ],
  withheld: [
    {
      feature: 'preemption-timer',
      reason: t('cpus.nehalem.theXeonD0Cpuid'),
    },
  ],
  cpuid: {
    signature: 0x000106a5,
    leaf1Ecx: 0x009ce3bd, // pni dtes64 monitor ds_cpl vmx est tm2 ssse3 cx16 xtpr pdcm dca sse4_1 sse4_2 popcnt
    leaf1Edx: 0xbfebfbff,
    leaf7Ebx: 0,
    ext1Ecx: 0x00000001, // lahf_lm
    ext1Edx: 0x28100800, // syscall nx rdtscp lm
    ext8Eax: 0x00003028, // 40 physical, 48 linear
  },
  maxBasicLeaf: 0xb,
  sources: [
    { claim: t('cpus.nehalem.xeonE5520227ghzFamily'), source: t('cpus.nehalem.ocsinventoryNgUnixagentPullRequestPr') },
    { claim: t('cpus.nehalem.preemptionTimerBrokenOn'), source: t('cpus.nehalem.linuxArchX86KvmVmxVmxCVmxPreemptionC') },
    { claim: t('cpus.nehalem.penrynAlreadyHadWbinvd'), source: t('cpus.nehalem.virtualboxCpuDatabaseIntelXeonX54823') },
    { claim: t('cpus.nehalem.eptVpidTrueMsrs'), source: t('cpus.nehalem.projectBriefSdmVol') },
  ],
  assumptions: [
    t('cpus.nehalem.monitorTrapFlagAnd'),
    t('cpus.nehalem.eptCapabilitiesBeyondThe'),
    t('cpus.nehalem.vmcsRevisionIdentifier0x56540003'),
    t('cpus.nehalem.yearIsTheXeon'),
  ],
};
