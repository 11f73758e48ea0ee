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

export const MODERN: RealPart = {
  id: 'modern',
  name: 'Current Xeon (Ice Lake-SP)',
  marketingName: 'Intel Xeon Gold 6326 (3rd Gen Xeon Scalable, Ice Lake-SP) 2.9 GHz',
  year: 2021,
  microarchitecture: 'Sunny Cove (Ice Lake-SP), 10 nm; Intel 64',
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
    { claim: 'Xeon Gold 6326 @ 2.90GHz: family 6, model 106, stepping 6; 46 bits physical, 57 bits virtual; cpuid level 27', source: 'nviennot/core-to-core-latency issue #128 (lscpu); data61/MP-SPDZ issue #1466 (/proc/cpuinfo)' },
    { claim: 'vmx flags: vnmi preemption_timer posted_intr invvpid ept_x_only ept_ad ept_1gb flexpriority apicv tsc_offset vtpr mtf vapic ept vpid unrestricted_guest vapic_reg vid ple shadow_vmcs pml ept_mode_based_exec tsc_scaling', source: 'data61/MP-SPDZ issue #1466 (/proc/cpuinfo of a Xeon Gold 6326)' },
    { claim: 'CPUID 0x606A6 leaf 1 ECX 0x7FFEFBFF EDX 0xBFEBFBFF, leaf 7 EBX 0xF3BFB7EF (INVPCID, RDSEED), SGX available', source: 'ayeks/SGX-hardware pull request #87 (Xeon Gold 5315Y, same Ice Lake-SP signature)' },
    { claim: 'Linux vmx flag names ↔ controls (flexpriority = TPR shadow + virtualize APIC accesses, vapic_reg, vid, ple, …)', source: 'Linux arch/x86/include/asm/vmxfeatures.h' },
  ],
  assumptions: [
    'Preemption-timer rate IA32_VMX_MISC[4:0] = 5 is a model assumption (the value KVM uses for its emulated timer, VMX_MISC_EMULATED_PREEMPTION_TIMER_RATE); the Ice Lake value was not found.',
    'EPT 2-MByte pages are assumed (Linux prints no flag for them; it prints ept_1gb).',
    'VMCS revision identifier 0x56540004 and region size 4096 are VT Lab values.',
  ],
};
