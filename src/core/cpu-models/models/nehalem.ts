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

export const NEHALEM: RealPart = {
  id: 'nehalem',
  name: 'Nehalem (Xeon 5500)',
  marketingName: 'Intel Xeon E5520 (Xeon 5500 series, Nehalem-EP) 2.27 GHz',
  year: 2009,
  microarchitecture: 'Nehalem (introduced 2008 with the Core i7-900), 45 nm; Intel 64',
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
      reason:
        'The Xeon 5500 D0 (CPUID 0x106A5) has a broken VMX-preemption timer (erratum AAK139); Linux cpu_has_broken_vmx_preemption_timer() refuses to use it.',
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
    { claim: 'Xeon E5520 @ 2.27GHz: family 6, model 26, stepping 5; flags incl. vmx, rdtscp, nx, lm and "tpr_shadow vnmi flexpriority ept vpid"; cpuid level 11; 40 bits physical, 48 bits virtual', source: 'OCSInventory-NG/UnixAgent pull request #4 (/proc/cpuinfo of a Xeon E5520)' },
    { claim: 'Preemption timer broken on 0x106A5 (AAK139, D0, Xeon 5500) and other Nehalem/Westmere steppings', source: 'Linux arch/x86/kvm/vmx/vmx.c vmx_preemption_cpu_tfms[] and cpu_has_broken_vmx_preemption_timer() (taken from VirtualBox HMR0.cpp)' },
    { claim: 'Penryn already had WBINVD exiting, virtual NMIs, load IA32_PERF_GLOBAL_CTRL and INS/OUTS information, so Nehalem does too', source: 'VirtualBox CPU database Intel_Xeon_X5482_3_20GHz.h (pin allowed-1 0x3F, CTLS2 0x41, exit allowed-1 0x3FFFF, BASIC 0x5A0800_0000000D)' },
    { claim: 'EPT, VPID, TRUE MSRs, descriptor-table exiting, RDTSCP, WBINVD exiting; no unrestricted guest (Westmere)', source: 'project brief; SDM Vol. 3C §23.8 ("later processors support … unrestricted guest")' },
  ],
  assumptions: [
    'Monitor trap flag and save/load PAT/EFER on Nehalem are taken from the brief and general knowledge; no Nehalem VMX MSR dump was found.',
    'EPT capabilities beyond the baseline (execute-only, 2-MByte pages, UC) are not claimed for Nehalem: unverified.',
    'VMCS revision identifier 0x56540003 and region size 4096 are VT Lab values.',
    'Year 2009 is the Xeon 5500 launch; the Nehalem microarchitecture first shipped in November 2008 (Core i7-900).',
  ],
};
