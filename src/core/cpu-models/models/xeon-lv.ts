/**
 * `xeon-lv` — Dual-Core Intel Xeon Processor LV 2.0 GHz ("Sossaman", 2006): the first platform of the VT-x
 * white paper, with the E7520 chipset. A Yonah core (the Core Duo's) made dual-socket capable; IA-32 only.
 *
 * First-generation VT-x. Its capability MSRs are those of the Yonah core as VirtualBox's CPU database dumps
 * them from a Core Duo T2600 (same core, family 6 model 14): only primary controls (no secondary controls),
 * CR3-load/-store exiting default1 and not clearable (no TRUE MSRs), no virtual NMIs (pin allowed-1 0x1F), no
 * monitor trap flag, no EPT/VPID/unrestricted guest/preemption timer, IA32_VMX_BASIC[48] = 1.
 */
import type { RealPart } from '../define.ts';

export const XEON_LV: RealPart = {
  id: 'xeon-lv',
  name: 'Xeon LV (Sossaman)',
  marketingName: 'Dual-Core Intel Xeon Processor LV 2.0 GHz',
  year: 2006,
  microarchitecture: 'Yonah (Sossaman), 65 nm, P6-family "Intel Core" core; IA-32 only',
  coreClockHz: 2_000_000_000,
  maxPhysAddr: 36,
  intel64: false,
  vmcsRevisionId: 0x56540001,
  realFeatures: ['msr-bitmaps', 'ack-interrupt-on-exit', 'dual-monitor-smm', 'activity-hlt', 'activity-shutdown', 'activity-wait-for-sipi'],
  cpuid: {
    signature: 0x000006e8,
    leaf1Ecx: 0x0000c1a9,
    leaf1Edx: 0xbfe9fbff,
    leaf7Ebx: 0,
    ext1Ecx: 0,
    ext1Edx: 0x00100000,
    ext8Eax: 0x00002024, // 36 physical, 32 linear address bits
  },
  maxBasicLeaf: 0xa,
  referenceMsrs: {
    IA32_VMX_BASIC: { lo: 0x00000005, hi: 0x001b0400 },
    IA32_VMX_PINBASED_CTLS: { lo: 0x00000016, hi: 0x0000001f },
    IA32_VMX_PROCBASED_CTLS: { lo: 0x0401e172, hi: 0x7781fffe },
    IA32_VMX_EXIT_CTLS: { lo: 0x00036dff, hi: 0x0003edff },
    IA32_VMX_ENTRY_CTLS: { lo: 0x000011ff, hi: 0x00001dff },
    IA32_VMX_MISC: { lo: 0x000403c0, hi: 0 },
    IA32_VMX_CR0_FIXED0: { lo: 0x80000021, hi: 0 },
    IA32_VMX_CR0_FIXED1: { lo: 0xffffffff, hi: 0 },
    IA32_VMX_CR4_FIXED0: { lo: 0x00002000, hi: 0 },
    IA32_VMX_CR4_FIXED1: { lo: 0x000027ff, hi: 0 },
    IA32_VMX_VMCS_ENUM: { lo: 0x0000002c, hi: 0 },
    IA32_FEATURE_CONTROL: { lo: 0x5, hi: 0 },
  },
  sources: [
    { claim: 'Platform and clock: Dual-Core Intel Xeon Processor LV 2.0 GHz with the E7520 chipset', source: 'the VT-x white paper (project brief); Tom\'s Hardware "Intel\'s Yonah to move into servers as Xeon LV" (2 GHz, E7520, 32-bit only)' },
    { claim: 'Sossaman is a Yonah core, 2 MB shared L2, 667 MT/s FSB, no EM64T, launched 14 March 2006', source: 'gecko54000.free.fr "Intel Xeon UP/DP (Sossaman)"; tecchannel.de "Xeon Sossaman mit 2,0 GHz"' },
    { claim: 'maxPhysAddr 36: Sossaman adds 36-bit physical addressing over Yonah', source: 'tecchannel.de "Intel: Dual-Core-Premiere bei Xeons" (Sossaman page: "36 Bit breite physikalische Speicher-Adressierung")' },
    { claim: 'VMX capability MSRs, IA32_FEATURE_CONTROL = 5, CPUID leaf 1 (signature 0x6E8, ECX 0xC1A9, EDX 0xBFE9FBFF) and 80000001H of the Yonah core', source: 'VirtualBox CPU database src/VBox/VMM/VMMR3/cpus/Intel_Core_Duo_T2600_2_16GHz.h (read from cyberus-technology/virtualbox-kvm)' },
    { claim: 'First VMX processors support only the 1-settings of primary bits 1, 4–6, 8, 13–16, 26', source: 'SDM Vol. 3C §24.6.2' },
    { claim: 'CR8-load/-store exiting, use TPR shadow, host address-space size and IA-32e mode guest must be 0 on processors without Intel 64', source: 'SDM Vol. 3B (2008) §20.6.2 Table 20-6 (manualshelf mirror), §24.7.1, §24.8.1' },
  ],
  assumptions: [
    'CPUID leaf-1 signature and flags are the Core Duo T2600\'s (same Yonah core); no Sossaman CPUID dump was found.',
    'CPUID.80000008H reports 36 physical address bits per the tecchannel article; the Core Duo itself reports 32.',
    'VMCS revision identifier 0x56540001 and region size 4096 are VT Lab values (the real Yonah reports revision 5, size 1024).',
  ],
};
