/**
 * `xeon-5100` — Dual-Core Intel Xeon 5100 series ("Woodcrest", 2006), the white paper's second platform,
 * with the 5000P chipset. Core microarchitecture (the Merom/Conroe core made DP-capable), Intel 64.
 *
 * Still first-generation VT-x as far as VT Lab is concerned. VirtualBox's CPU-database dump of a Core 2 X6800
 * (Conroe, CPUID signature 0x6F6 — the same core and stepping as the Xeon 5160's 0x6F6) shows:
 *   - IA32_VMX_PROCBASED_CTLS allowed-1 = 0x77B9FFFE: bit 31 (secondary controls) is 0, so there are no
 *     secondary controls (no EPT, VPID, unrestricted guest, descriptor-table or WBINVD exiting);
 *   - compared with Yonah it adds only CR8-load/-store exiting and "use TPR shadow" (bits 19–21) — the TPR
 *     shadow arrived with Intel 64 — plus host address-space size / IA-32e mode guest;
 *   - pin allowed-1 = 0x1F: still no virtual NMIs (hence no NMI-window exiting), no monitor trap flag;
 *   - no TRUE MSRs (IA32_VMX_BASIC[55] = 0), no INS/OUTS instruction information (BASIC[54] = 0).
 * Secondary controls first appear with Penryn (VirtualBox's Xeon X5482 dump: primary bit 31 allowed,
 * IA32_VMX_PROCBASED_CTLS2 = 0x41_00000000, i.e. virtualize APIC accesses and WBINVD exiting).
 */
import type { RealPart } from '../define.ts';
import { t } from '../../../i18n/t.ts';

export const XEON_5100: RealPart = {
  id: 'xeon-5100',
  name: 'Xeon 5100 (Woodcrest)',
  marketingName: t('cpus.xeon5100.marketingName'),
  year: 2006,
  microarchitecture: t('cpus.xeon5100.microarchitecture'),
  coreClockHz: 3_000_000_000,
  maxPhysAddr: 36,
  intel64: true,
  vmcsRevisionId: 0x56540002,
  realFeatures: [
    'msr-bitmaps', 'tpr-shadow', 'cr8-exiting', 'ack-interrupt-on-exit', 'host-address-space-size', 'ia32e-mode-guest',
    'dual-monitor-smm', 'activity-hlt', 'activity-shutdown', 'activity-wait-for-sipi',
  ],
  cpuid: {
    signature: 0x000006f6,
    leaf1Ecx: 0x0000e3bd,
    leaf1Edx: 0xbfebfbff,
    leaf7Ebx: 0,
    ext1Ecx: 0x00000001,
    ext1Edx: 0x20100800,
    ext8Eax: 0x00003024, // 36 physical, 48 linear
  },
  maxBasicLeaf: 0xa,
  referenceMsrs: {
    IA32_VMX_BASIC: { lo: 0x00000007, hi: 0x001a0400 },
    IA32_VMX_PINBASED_CTLS: { lo: 0x00000016, hi: 0x0000001f },
    IA32_VMX_PROCBASED_CTLS: { lo: 0x0401e172, hi: 0x77b9fffe },
    IA32_VMX_EXIT_CTLS: { lo: 0x00036dff, hi: 0x0003efff },
    IA32_VMX_ENTRY_CTLS: { lo: 0x000011ff, hi: 0x00001fff },
    IA32_VMX_MISC: { lo: 0x000403c0, hi: 0 },
    IA32_VMX_CR0_FIXED0: { lo: 0x80000021, hi: 0 },
    IA32_VMX_CR0_FIXED1: { lo: 0xffffffff, hi: 0 },
    IA32_VMX_CR4_FIXED0: { lo: 0x00002000, hi: 0 },
    IA32_VMX_CR4_FIXED1: { lo: 0x000027ff, hi: 0 },
    IA32_VMX_VMCS_ENUM: { lo: 0x0000002c, hi: 0 },
    IA32_FEATURE_CONTROL: { lo: 0x5, hi: 0 },
  },
  sources: [
    { claim: t('cpus.xeon5100.partIntelRXeonRCpu'), source: t('cpus.xeon5100.publicLshwCpuinfoDumps') },
    { claim: t('cpus.xeon5100.vmxCapabilityMsrsCpuid'), source: t('cpus.xeon5100.virtualboxCpuDatabaseSrcVboxVmmVmmr3') },
    { claim: t('cpus.xeon5100.penrynIsTheFirst'), source: t('cpus.xeon5100.virtualboxCpuDatabaseIntelXeonX54823') },
    { claim: t('cpus.xeon5100.secondaryControlsExistOnly'), source: t('cpus.xeon5100.sdmVol3cProcessors') },
  ],
  assumptions: [
    t('cpus.xeon5100.vmxMsrsAndCpuid'),
    t('cpus.xeon5100.vmcsRevisionIdentifier0x56540002'),
  ],
};
