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
import { t } from '../../../i18n/t.ts';

export const XEON_LV: RealPart = {
  id: 'xeon-lv',
  name: 'Xeon LV (Sossaman)',
  marketingName: t('cpus.xeonLv.marketingName'),
  year: 2006,
  microarchitecture: t('cpus.xeonLv.microarchitecture'),
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
    { claim: t('cpus.xeonLv.platformAndClockDualCore'), source: t('cpus.xeonLv.theVtXWhitePaper') },
    { claim: t('cpus.xeonLv.sossamanIsAYonah'), source: t('cpus.xeonLv.gecko54000FreeFrIntelXeonUpDp') },
    { claim: t('cpus.xeonLv.maxphysaddrSossamanAdds36Bit'), source: t('cpus.xeonLv.tecchannelDeIntelDualCorePremiereBei') },
    { claim: t('cpus.xeonLv.vmxCapabilityMsrsIa32FeatureControl'), source: t('cpus.xeonLv.virtualboxCpuDatabaseSrcVboxVmmVmmr3') },
    { claim: t('cpus.xeonLv.firstVmxProcessorsSupport'), source: t('cpus.xeonLv.sdmVol3c') },
    { claim: t('cpus.xeonLv.cr8LoadStoreExitingUseTpr'), source: t('cpus.xeonLv.sdmVol3bTable') },
  ],
  assumptions: [
    t('cpus.xeonLv.cpuidLeaf1SignatureAnd'),
    t('cpus.xeonLv.cpuid80000008hReportsPhysicalAddress'),
    t('cpus.xeonLv.vmcsRevisionIdentifier0x56540001'),
  ],
};
