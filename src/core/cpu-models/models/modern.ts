/**
 * `modern` ("current") — a recent Xeon: the Xeon Gold 6326 (3rd-generation Xeon Scalable, Ice Lake-SP, 2021,
 * CPUID signature 0x606A6).
 *
 * Offers everything VT Lab emulates: unrestricted guest, the VMX-preemption timer, PAUSE-loop exiting,
 * RDRAND/RDSEED exiting, INVPCID, EPT with execute-only and large pages, VPID, TRUE MSRs. The real part's APIC
 * virtualization, posted interrupts, VMCS shadowing, PML, mode-based EPT execute control, TSC scaling, EPT
 * A/D bits and SGX exiting are listed as not emulated.
 */
import type { RealPart } from '../define.ts';
import { t } from '../../../i18n/t.ts';

export const MODERN: RealPart = {
  id: 'modern',
  name: 'Current Xeon (Ice Lake-SP)',
  marketingName: t('cpus.modern.marketingName'),
  year: 2021,
  microarchitecture: t('cpus.modern.microarchitecture'),
  coreClockHz: 2_900_000_000,
  maxPhysAddr: 46,
  intel64: true,
  vmcsRevisionId: 0x56540004,
  realFeatures: [
    'virtual-nmis', 'preemption-timer', 'posted-interrupts', 'msr-bitmaps', 'tpr-shadow', 'cr8-exiting', 'monitor-trap-flag',
    'secondary-controls', 'virtualize-apic-accesses', 'ept', 'ept-execute-only', 'ept-2mb-pages', 'ept-1gb-pages',
    'ept-accessed-dirty', 'descriptor-table-exiting', 'rdtscp', 'vpid', 'wbinvd-exiting', 'unrestricted-guest',
    'apic-register-virtualization', 'virtual-interrupt-delivery', 'pause-loop-exiting', 'rdrand-exiting', 'invpcid',
    'vmcs-shadowing', 'encls-exiting', 'rdseed-exiting', 'pml', 'mbec', 'tsc-scaling', 'ack-interrupt-on-exit',
    'host-address-space-size', 'ia32e-mode-guest', 'perf-global-ctrl', 'pat', 'efer', 'true-controls', 'ins-outs-info',
    'activity-hlt', 'activity-shutdown', 'activity-wait-for-sipi',
  ],
  preemptionTimerRate: 5,
  cpuid: {
    signature: 0x000606a6,
    leaf1Ecx: 0x7ffefbff,
    leaf1Edx: 0xbfebfbff,
    leaf7Ebx: 0xf3bfb7ef,
    ext1Ecx: 0x00000121, // lahf_lm abm 3dnowprefetch
    ext1Edx: 0x2c100800, // syscall nx pdpe1gb rdtscp lm
    ext8Eax: 0x0000392e, // 46 physical, 57 linear
  },
  maxBasicLeaf: 0x1b,
  sources: [
    { claim: t('cpus.modern.xeonGold290ghzFamily'), source: t('cpus.modern.nviennotCoreToCoreLatencyIssueLscpuD') },
    { claim: t('cpus.modern.vmxFlagsVnmiPreemptionTimer'), source: t('cpus.modern.data61MpSpdzIssueProcCpuinfoOf') },
    { claim: t('cpus.modern.cpuid0x606a6LeafEcx'), source: t('cpus.modern.ayeksSgxHardwarePullRequestXeon') },
    { claim: t('cpus.modern.linuxVmxFlagNames'), source: t('cpus.modern.linuxArchX86IncludeAsmVmxfeaturesH') },
  ],
  assumptions: [
    t('cpus.modern.preemptionTimerRateIa32VmxMisc40Is'),
    t('cpus.modern.ept2MbytePagesAre'),
    t('cpus.modern.vmcsRevisionIdentifier0x56540004'),
  ],
};
