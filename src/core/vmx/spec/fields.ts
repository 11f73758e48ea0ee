/**
 * The VMCS field table: every component encoding in shared/reference/vmx.md §3.2 (the Bochs `vmx.h`
 * superset, cross-checked against Linux `asm/vmx.h enum vmcs_field` and KUT `enum Encoding`), one record
 * each, in encoding order. This is the one source of truth for names, widths, groups and the feature that
 * makes a field exist; the VMX engine, the VMCS inspector and the CLI trace all read it.
 *
 * Section references are to the 2016 edition of SDM Vol. 3C (Ch. 24 "Virtual Machine Control Structures",
 * App. B "Field Encoding in VMCS"); later editions number the chapter 25. Fields added after 2016 (FRED,
 * PKRS, HLAT, IPI virtualization, …) are taken from Bochs `vmx.h` as vmx.md lists them.
 */
// Descriptions come from the string catalogue (issue 8); SDM names stay here as data.
import { t } from '../../../i18n/t.ts';
import { hasFeature, type VmxFeature, type VmxFeatureSet } from './features.ts';
import {
  encodingIndex,
  encodingType,
  encodingWidth,
  hasValidEncodingShape,
  isHighAccess,
  type FieldType,
  type FieldWidth,
} from './encoding.ts';

export {
  encodingIndex,
  encodingType,
  encodingWidth,
  isHighAccess,
  isWellFormedEncoding,
  makeEncoding,
  fullEncodingOf,
  VMCS_ENCODING_RESERVED_MASK,
  type FieldType,
  type FieldWidth,
} from './encoding.ts';

/** SDM Vol. 3C §24.3 "Organization of VMCS Data" groups. */
export type FieldGroup =
  | 'guest-state'
  | 'host-state'
  | 'execution-controls'
  | 'exit-controls'
  | 'entry-controls'
  | 'exit-information';

export interface VmcsFieldInfo {
  /** Full-access encoding (bit 0 = 0). */
  readonly encoding: number;
  /** SDM-style constant; the Linux/KVM name where Linux has one, otherwise the Bochs id without prefix. */
  readonly name: string;
  readonly width: FieldWidth;
  readonly type: FieldType;
  /** Bits 9:1 of the encoding. */
  readonly index: number;
  readonly group: FieldGroup;
  /** The feature whose support makes the field exist; null = exists on every VMX processor. */
  readonly feature: VmxFeature | null;
  /** Short human name, e.g. "Guest RIP". */
  readonly title: string;
  /** One or two sentences for the UI's hover text. */
  readonly description: string;
  /** SDM section and App. B table. */
  readonly sdm: string;
}

type Row = readonly [
  encoding: number,
  name: string,
  title: string,
  feature: VmxFeature | null,
  section: string,
  description: string,
];

const EXIT_CONTROL_FIELDS = new Set([
  'VM_EXIT_CONTROLS',
  'VM_EXIT_MSR_STORE_COUNT',
  'VM_EXIT_MSR_LOAD_COUNT',
  'VM_EXIT_MSR_STORE_ADDR',
  'VM_EXIT_MSR_LOAD_ADDR',
  'SECONDARY_VM_EXIT_CONTROLS',
]);
const ENTRY_CONTROL_FIELDS = new Set([
  'VM_ENTRY_CONTROLS',
  'VM_ENTRY_MSR_LOAD_COUNT',
  'VM_ENTRY_MSR_LOAD_ADDR',
  'VM_ENTRY_INTR_INFO_FIELD',
  'VM_ENTRY_EXCEPTION_ERROR_CODE',
  'VM_ENTRY_INSTRUCTION_LEN',
  'INJECTED_EVENT_DATA',
]);

// App. B numbering: B.1 16-bit, B.2 64-bit, B.3 32-bit, B.4 natural-width; within each,
// .1 control, .2 read-only data, .3 guest state, .4 host state (16-bit has no read-only data group,
// so its guest/host tables are B.1.2/B.1.3).
function appendixB(width: FieldWidth, type: FieldType): string {
  const w = width === 16 ? 1 : width === 64 ? 2 : width === 32 ? 3 : 4;
  let t = type === 'control' ? 1 : type === 'exit-info' ? 2 : type === 'guest' ? 3 : 4;
  if (width === 16 && t > 1) t -= 1;
  return `App. B.${w}.${t}`;
}

const NEWER_SDM = t('sdm.field.newerSdm');

// prettier-ignore
const ROWS = [
  // ---------------- 16-bit control fields (0x0000) ----------------
  [0x0000, 'VIRTUAL_PROCESSOR_ID', 'VPID', 'vpid', '§24.6.12', t('sdm.field.virtualProcessorId')], // i18n-ignore: SDM field name
  [0x0002, 'POSTED_INTR_NV', 'Posted-interrupt notification vector', 'posted-interrupts', '§24.6.8', t('sdm.field.postedIntrNv')], // i18n-ignore: SDM field name
  [0x0004, 'EPTP_INDEX', 'EPTP index', 'ept-violation-ve', '§24.6.18', t('sdm.field.eptpIndex')], // i18n-ignore: SDM field name
  [0x0006, 'HLAT_PREFIX', 'HLAT prefix size', 'hlat', NEWER_SDM, t('sdm.field.hlatPrefix')], // i18n-ignore: SDM field name
  [0x0008, 'LAST_PID_POINTER_INDEX', 'Last PID-pointer index', 'ipi-virtualization', NEWER_SDM, t('sdm.field.lastPidPointerIndex')], // i18n-ignore: SDM field name
  [0x000a, 'VIRTUAL_TIMER_VECTOR', 'Virtual timer vector', 'apic-timer-virtualization', NEWER_SDM, t('sdm.field.virtualTimerVector')], // i18n-ignore: SDM field name

  // ---------------- 16-bit guest-state fields (0x0800) ----------------
  [0x0800, 'GUEST_ES_SELECTOR', 'Guest ES selector', null, '§24.4.1', t('sdm.field.guestEsSelector')], // i18n-ignore: SDM field name
  [0x0802, 'GUEST_CS_SELECTOR', 'Guest CS selector', null, '§24.4.1', t('sdm.field.guestCsSelector')], // i18n-ignore: SDM field name
  [0x0804, 'GUEST_SS_SELECTOR', 'Guest SS selector', null, '§24.4.1', t('sdm.field.guestSsSelector')], // i18n-ignore: SDM field name
  [0x0806, 'GUEST_DS_SELECTOR', 'Guest DS selector', null, '§24.4.1', t('sdm.field.guestDsSelector')], // i18n-ignore: SDM field name
  [0x0808, 'GUEST_FS_SELECTOR', 'Guest FS selector', null, '§24.4.1', t('sdm.field.guestFsSelector')], // i18n-ignore: SDM field name
  [0x080a, 'GUEST_GS_SELECTOR', 'Guest GS selector', null, '§24.4.1', t('sdm.field.guestGsSelector')], // i18n-ignore: SDM field name
  [0x080c, 'GUEST_LDTR_SELECTOR', 'Guest LDTR selector', null, '§24.4.1', t('sdm.field.guestLdtrSelector')], // i18n-ignore: SDM field name
  [0x080e, 'GUEST_TR_SELECTOR', 'Guest TR selector', null, '§24.4.1', t('sdm.field.guestTrSelector')], // i18n-ignore: SDM field name
  [0x0810, 'GUEST_INTR_STATUS', 'Guest interrupt status', 'virtual-interrupt-delivery', '§24.4.2', t('sdm.field.guestIntrStatus')], // i18n-ignore: SDM field name
  [0x0812, 'GUEST_PML_INDEX', 'PML index', 'pml', '§24.4.2', t('sdm.field.guestPmlIndex')], // i18n-ignore: SDM field name
  [0x0814, 'GUEST_UINV', 'Guest UINV', 'uinv', NEWER_SDM, t('sdm.field.guestUinv')], // i18n-ignore: SDM field name

  // ---------------- 16-bit host-state fields (0x0C00) ----------------
  [0x0c00, 'HOST_ES_SELECTOR', 'Host ES selector', null, '§24.5', t('sdm.field.hostEsSelector')], // i18n-ignore: SDM field name
  [0x0c02, 'HOST_CS_SELECTOR', 'Host CS selector', null, '§24.5', t('sdm.field.hostCsSelector')], // i18n-ignore: SDM field name
  [0x0c04, 'HOST_SS_SELECTOR', 'Host SS selector', null, '§24.5', t('sdm.field.hostSsSelector')], // i18n-ignore: SDM field name
  [0x0c06, 'HOST_DS_SELECTOR', 'Host DS selector', null, '§24.5', t('sdm.field.hostDsSelector')], // i18n-ignore: SDM field name
  [0x0c08, 'HOST_FS_SELECTOR', 'Host FS selector', null, '§24.5', t('sdm.field.hostFsSelector')], // i18n-ignore: SDM field name
  [0x0c0a, 'HOST_GS_SELECTOR', 'Host GS selector', null, '§24.5', t('sdm.field.hostGsSelector')], // i18n-ignore: SDM field name
  [0x0c0c, 'HOST_TR_SELECTOR', 'Host TR selector', null, '§24.5', t('sdm.field.hostTrSelector')], // i18n-ignore: SDM field name

  // ---------------- 64-bit control fields (0x2000) ----------------
  [0x2000, 'IO_BITMAP_A', 'I/O bitmap A address', null, '§24.6.4', t('sdm.field.ioBitmapA')], // i18n-ignore: SDM field name
  [0x2002, 'IO_BITMAP_B', 'I/O bitmap B address', null, '§24.6.4', t('sdm.field.ioBitmapB')], // i18n-ignore: SDM field name
  [0x2004, 'MSR_BITMAP', 'MSR-bitmap address', 'msr-bitmaps', '§24.6.9', t('sdm.field.msrBitmap')], // i18n-ignore: SDM field name
  [0x2006, 'VM_EXIT_MSR_STORE_ADDR', 'VM-exit MSR-store address', null, '§24.7.2', t('sdm.field.vmExitMsrStoreAddr')], // i18n-ignore: SDM field name
  [0x2008, 'VM_EXIT_MSR_LOAD_ADDR', 'VM-exit MSR-load address', null, '§24.7.2', t('sdm.field.vmExitMsrLoadAddr')], // i18n-ignore: SDM field name
  [0x200a, 'VM_ENTRY_MSR_LOAD_ADDR', 'VM-entry MSR-load address', null, '§24.8.2', t('sdm.field.vmEntryMsrLoadAddr')], // i18n-ignore: SDM field name
  [0x200c, 'EXECUTIVE_VMCS_PTR', 'Executive-VMCS pointer', null, '§24.6.10', t('sdm.field.executiveVmcsPtr')], // i18n-ignore: SDM field name
  [0x200e, 'PML_ADDRESS', 'PML address', 'pml', '§24.6.17', t('sdm.field.pmlAddress')], // i18n-ignore: SDM field name
  [0x2010, 'TSC_OFFSET', 'TSC offset', null, '§24.6.5', t('sdm.field.tscOffset')], // i18n-ignore: SDM field name
  [0x2012, 'VIRTUAL_APIC_PAGE_ADDR', 'Virtual-APIC address', 'tpr-shadow', '§24.6.8', t('sdm.field.virtualApicPageAddr')], // i18n-ignore: SDM field name
  [0x2014, 'APIC_ACCESS_ADDR', 'APIC-access address', 'virtualize-apic-accesses', '§24.6.8', t('sdm.field.apicAccessAddr')], // i18n-ignore: SDM field name
  [0x2016, 'POSTED_INTR_DESC_ADDR', 'Posted-interrupt descriptor address', 'posted-interrupts', '§24.6.8', t('sdm.field.postedIntrDescAddr')], // i18n-ignore: SDM field name
  [0x2018, 'VM_FUNCTION_CONTROL', 'VM-function controls', 'vm-functions', '§24.6.14', t('sdm.field.vmFunctionControl')], // i18n-ignore: SDM field name
  [0x201a, 'EPT_POINTER', 'EPT pointer (EPTP)', 'ept', '§24.6.11', t('sdm.field.eptPointer')], // i18n-ignore: SDM field name
  [0x201c, 'EOI_EXIT_BITMAP0', 'EOI-exit bitmap 0', 'virtual-interrupt-delivery', '§24.6.8', t('sdm.field.eoiExitBitmap0')], // i18n-ignore: SDM field name
  [0x201e, 'EOI_EXIT_BITMAP1', 'EOI-exit bitmap 1', 'virtual-interrupt-delivery', '§24.6.8', t('sdm.field.eoiExitBitmap1')], // i18n-ignore: SDM field name
  [0x2020, 'EOI_EXIT_BITMAP2', 'EOI-exit bitmap 2', 'virtual-interrupt-delivery', '§24.6.8', t('sdm.field.eoiExitBitmap2')], // i18n-ignore: SDM field name
  [0x2022, 'EOI_EXIT_BITMAP3', 'EOI-exit bitmap 3', 'virtual-interrupt-delivery', '§24.6.8', t('sdm.field.eoiExitBitmap3')], // i18n-ignore: SDM field name
  [0x2024, 'EPTP_LIST_ADDRESS', 'EPTP-list address', 'vm-functions', '§24.6.14', t('sdm.field.eptpListAddress')], // i18n-ignore: SDM field name
  [0x2026, 'VMREAD_BITMAP', 'VMREAD-bitmap address', 'vmcs-shadowing', '§24.6.15', t('sdm.field.vmreadBitmap')], // i18n-ignore: SDM field name
  [0x2028, 'VMWRITE_BITMAP', 'VMWRITE-bitmap address', 'vmcs-shadowing', '§24.6.15', t('sdm.field.vmwriteBitmap')], // i18n-ignore: SDM field name
  [0x202a, 'VE_INFORMATION_ADDRESS', 'Virtualization-exception information address', 'ept-violation-ve', '§24.6.18', t('sdm.field.veInformationAddress')], // i18n-ignore: SDM field name
  [0x202c, 'XSS_EXIT_BITMAP', 'XSS-exiting bitmap', 'xsaves', '§24.6.19', t('sdm.field.xssExitBitmap')], // i18n-ignore: SDM field name
  [0x202e, 'ENCLS_EXITING_BITMAP', 'ENCLS-exiting bitmap', 'encls-exiting', '§24.6.16', t('sdm.field.enclsExitingBitmap')], // i18n-ignore: SDM field name
  [0x2030, 'SPPTP', 'Sub-page-permission-table pointer', 'spp', NEWER_SDM, t('sdm.field.spptp')], // i18n-ignore: SDM field name
  [0x2032, 'TSC_MULTIPLIER', 'TSC multiplier', 'tsc-scaling', NEWER_SDM, t('sdm.field.tscMultiplier')], // i18n-ignore: SDM field name
  [0x2034, 'TERTIARY_VM_EXEC_CONTROL', 'Tertiary processor-based VM-execution controls', 'tertiary-controls', NEWER_SDM, t('sdm.field.tertiaryVmExecControl')], // i18n-ignore: SDM field name
  [0x2036, 'ENCLV_EXITING_BITMAP', 'ENCLV-exiting bitmap', 'enclv-exiting', NEWER_SDM, t('sdm.field.enclvExitingBitmap')], // i18n-ignore: SDM field name
  [0x2038, 'LO_PASID_DIRECTORY_ADDR', 'Low PASID directory address', 'pasid-translation', NEWER_SDM, t('sdm.field.loPasidDirectoryAddr')], // i18n-ignore: SDM field name
  [0x203a, 'HI_PASID_DIRECTORY_ADDR', 'High PASID directory address', 'pasid-translation', NEWER_SDM, t('sdm.field.hiPasidDirectoryAddr')], // i18n-ignore: SDM field name
  [0x203c, 'SHARED_EPT_POINTER', 'Shared EPT pointer', 'tdx-seam', NEWER_SDM, t('sdm.field.sharedEptPointer')], // i18n-ignore: SDM field name
  [0x203e, 'PCONFIG_EXITING_BITMAP', 'PCONFIG-exiting bitmap', 'pconfig-exiting', NEWER_SDM, t('sdm.field.pconfigExitingBitmap')], // i18n-ignore: SDM field name
  [0x2040, 'HLAT_POINTER', 'HLAT pointer', 'hlat', NEWER_SDM, t('sdm.field.hlatPointer')], // i18n-ignore: SDM field name
  [0x2042, 'PID_POINTER_TABLE', 'PID-pointer table address', 'ipi-virtualization', NEWER_SDM, t('sdm.field.pidPointerTable')], // i18n-ignore: SDM field name
  [0x2044, 'SECONDARY_VM_EXIT_CONTROLS', 'Secondary VM-exit controls', 'secondary-exit-controls', NEWER_SDM, t('sdm.field.secondaryVmExitControls')], // i18n-ignore: SDM field name
  [0x204a, 'IA32_SPEC_CTRL_MASK', 'IA32_SPEC_CTRL mask', 'virtualize-spec-ctrl', NEWER_SDM, t('sdm.field.ia32SpecCtrlMask')], // i18n-ignore: SDM field name
  [0x204c, 'IA32_SPEC_CTRL_SHADOW', 'IA32_SPEC_CTRL shadow', 'virtualize-spec-ctrl', NEWER_SDM, t('sdm.field.ia32SpecCtrlShadow')], // i18n-ignore: SDM field name
  [0x204e, 'GUEST_DEADLINE_SHADOW', 'Guest deadline shadow', 'apic-timer-virtualization', NEWER_SDM, t('sdm.field.guestDeadlineShadow')], // i18n-ignore: SDM field name
  [0x2052, 'INJECTED_EVENT_DATA', 'Injected-event data', 'fred', NEWER_SDM, t('sdm.field.injectedEventData')], // i18n-ignore: SDM field name

  // ---------------- 64-bit read-only data fields (0x2400) ----------------
  [0x2400, 'GUEST_PHYSICAL_ADDRESS', 'Guest-physical address', 'ept', '§24.9.1', t('sdm.field.guestPhysicalAddress')], // i18n-ignore: SDM field name
  [0x2402, 'MSR_DATA', 'MSR data', 'msr-list-instructions', NEWER_SDM, t('sdm.field.msrData')], // i18n-ignore: SDM field name
  [0x2404, 'ORIGINAL_EVENT_DATA', 'Original-event data', 'fred', NEWER_SDM, t('sdm.field.originalEventData')], // i18n-ignore: SDM field name

  // ---------------- 64-bit guest-state fields (0x2800) ----------------
  [0x2800, 'VMCS_LINK_POINTER', 'VMCS link pointer', null, '§24.4.2', t('sdm.field.vmcsLinkPointer')], // i18n-ignore: SDM field name
  [0x2802, 'GUEST_IA32_DEBUGCTL', 'Guest IA32_DEBUGCTL', null, '§24.4.1', t('sdm.field.guestIa32Debugctl')], // i18n-ignore: SDM field name
  [0x2804, 'GUEST_IA32_PAT', 'Guest IA32_PAT', 'pat', '§24.4.1', t('sdm.field.guestIa32Pat')], // i18n-ignore: SDM field name
  [0x2806, 'GUEST_IA32_EFER', 'Guest IA32_EFER', 'efer', '§24.4.1', t('sdm.field.guestIa32Efer')], // i18n-ignore: SDM field name
  [0x2808, 'GUEST_IA32_PERF_GLOBAL_CTRL', 'Guest IA32_PERF_GLOBAL_CTRL', 'perf-global-ctrl', '§24.4.1', t('sdm.field.guestIa32PerfGlobalCtrl')], // i18n-ignore: SDM field name
  [0x280a, 'GUEST_PDPTR0', 'Guest PDPTE0', 'ept', '§24.4.2', t('sdm.field.guestPdptr0')], // i18n-ignore: SDM field name
  [0x280c, 'GUEST_PDPTR1', 'Guest PDPTE1', 'ept', '§24.4.2', t('sdm.field.guestPdptr1')], // i18n-ignore: SDM field name
  [0x280e, 'GUEST_PDPTR2', 'Guest PDPTE2', 'ept', '§24.4.2', t('sdm.field.guestPdptr2')], // i18n-ignore: SDM field name
  [0x2810, 'GUEST_PDPTR3', 'Guest PDPTE3', 'ept', '§24.4.2', t('sdm.field.guestPdptr3')], // i18n-ignore: SDM field name
  [0x2812, 'GUEST_BNDCFGS', 'Guest IA32_BNDCFGS', 'bndcfgs', '§24.4.1', t('sdm.field.guestBndcfgs')], // i18n-ignore: SDM field name
  [0x2814, 'GUEST_IA32_RTIT_CTL', 'Guest IA32_RTIT_CTL', 'rtit-ctl', '§24.4.1', t('sdm.field.guestIa32RtitCtl')], // i18n-ignore: SDM field name
  [0x2818, 'GUEST_IA32_PKRS', 'Guest IA32_PKRS', 'pkrs', NEWER_SDM, t('sdm.field.guestIa32Pkrs')], // i18n-ignore: SDM field name
  [0x281a, 'GUEST_IA32_FRED_CONFIG', 'Guest IA32_FRED_CONFIG', 'fred', NEWER_SDM, t('sdm.field.guestIa32FredConfig')], // i18n-ignore: SDM field name
  [0x281c, 'GUEST_IA32_FRED_RSP1', 'Guest IA32_FRED_RSP1', 'fred', NEWER_SDM, t('sdm.field.guestIa32FredRsp1')], // i18n-ignore: SDM field name
  [0x281e, 'GUEST_IA32_FRED_RSP2', 'Guest IA32_FRED_RSP2', 'fred', NEWER_SDM, t('sdm.field.guestIa32FredRsp2')], // i18n-ignore: SDM field name
  [0x2820, 'GUEST_IA32_FRED_RSP3', 'Guest IA32_FRED_RSP3', 'fred', NEWER_SDM, t('sdm.field.guestIa32FredRsp3')], // i18n-ignore: SDM field name
  [0x2822, 'GUEST_IA32_FRED_STACK_LEVELS', 'Guest IA32_FRED_STKLVLS', 'fred', NEWER_SDM, t('sdm.field.guestIa32FredStackLevels')], // i18n-ignore: SDM field name
  [0x2824, 'GUEST_IA32_FRED_SSP1', 'Guest IA32_FRED_SSP1', 'fred', NEWER_SDM, t('sdm.field.guestIa32FredSsp1')], // i18n-ignore: SDM field name
  [0x2826, 'GUEST_IA32_FRED_SSP2', 'Guest IA32_FRED_SSP2', 'fred', NEWER_SDM, t('sdm.field.guestIa32FredSsp2')], // i18n-ignore: SDM field name
  [0x2828, 'GUEST_IA32_FRED_SSP3', 'Guest IA32_FRED_SSP3', 'fred', NEWER_SDM, t('sdm.field.guestIa32FredSsp3')], // i18n-ignore: SDM field name
  [0x282e, 'GUEST_IA32_SPEC_CTRL', 'Guest IA32_SPEC_CTRL', 'spec-ctrl', NEWER_SDM, t('sdm.field.guestIa32SpecCtrl')], // i18n-ignore: SDM field name
  [0x2830, 'GUEST_DEADLINE', 'Guest deadline', 'apic-timer-virtualization', NEWER_SDM, t('sdm.field.guestDeadline')], // i18n-ignore: SDM field name

  // ---------------- 64-bit host-state fields (0x2C00) ----------------
  [0x2c00, 'HOST_IA32_PAT', 'Host IA32_PAT', 'pat', '§24.5', t('sdm.field.hostIa32Pat')], // i18n-ignore: SDM field name
  [0x2c02, 'HOST_IA32_EFER', 'Host IA32_EFER', 'efer', '§24.5', t('sdm.field.hostIa32Efer')], // i18n-ignore: SDM field name
  [0x2c04, 'HOST_IA32_PERF_GLOBAL_CTRL', 'Host IA32_PERF_GLOBAL_CTRL', 'perf-global-ctrl', '§24.5', t('sdm.field.hostIa32PerfGlobalCtrl')], // i18n-ignore: SDM field name
  [0x2c06, 'HOST_IA32_PKRS', 'Host IA32_PKRS', 'pkrs', NEWER_SDM, t('sdm.field.hostIa32Pkrs')], // i18n-ignore: SDM field name
  [0x2c08, 'HOST_IA32_FRED_CONFIG', 'Host IA32_FRED_CONFIG', 'fred', NEWER_SDM, t('sdm.field.hostIa32FredConfig')], // i18n-ignore: SDM field name
  [0x2c0a, 'HOST_IA32_FRED_RSP1', 'Host IA32_FRED_RSP1', 'fred', NEWER_SDM, t('sdm.field.hostIa32FredRsp1')], // i18n-ignore: SDM field name
  [0x2c0c, 'HOST_IA32_FRED_RSP2', 'Host IA32_FRED_RSP2', 'fred', NEWER_SDM, t('sdm.field.hostIa32FredRsp2')], // i18n-ignore: SDM field name
  [0x2c0e, 'HOST_IA32_FRED_RSP3', 'Host IA32_FRED_RSP3', 'fred', NEWER_SDM, t('sdm.field.hostIa32FredRsp3')], // i18n-ignore: SDM field name
  [0x2c10, 'HOST_IA32_FRED_STACK_LEVELS', 'Host IA32_FRED_STKLVLS', 'fred', NEWER_SDM, t('sdm.field.hostIa32FredStackLevels')], // i18n-ignore: SDM field name
  [0x2c12, 'HOST_IA32_FRED_SSP1', 'Host IA32_FRED_SSP1', 'fred', NEWER_SDM, t('sdm.field.hostIa32FredSsp1')], // i18n-ignore: SDM field name
  [0x2c14, 'HOST_IA32_FRED_SSP2', 'Host IA32_FRED_SSP2', 'fred', NEWER_SDM, t('sdm.field.hostIa32FredSsp2')], // i18n-ignore: SDM field name
  [0x2c16, 'HOST_IA32_FRED_SSP3', 'Host IA32_FRED_SSP3', 'fred', NEWER_SDM, t('sdm.field.hostIa32FredSsp3')], // i18n-ignore: SDM field name
  [0x2c1a, 'HOST_IA32_SPEC_CTRL', 'Host IA32_SPEC_CTRL', 'spec-ctrl', NEWER_SDM, t('sdm.field.hostIa32SpecCtrl')], // i18n-ignore: SDM field name

  // ---------------- 32-bit control fields (0x4000) ----------------
  [0x4000, 'PIN_BASED_VM_EXEC_CONTROL', 'Pin-based VM-execution controls', null, '§24.6.1', t('sdm.field.pinBasedVmExecControl')], // i18n-ignore: SDM field name
  [0x4002, 'CPU_BASED_VM_EXEC_CONTROL', 'Primary processor-based VM-execution controls', null, '§24.6.2', t('sdm.field.cpuBasedVmExecControl')], // i18n-ignore: SDM field name
  [0x4004, 'EXCEPTION_BITMAP', 'Exception bitmap', null, '§24.6.3', t('sdm.field.exceptionBitmap')], // i18n-ignore: SDM field name
  [0x4006, 'PAGE_FAULT_ERROR_CODE_MASK', 'Page-fault error-code mask', null, '§24.6.3', t('sdm.field.pageFaultErrorCodeMask')], // i18n-ignore: SDM field name
  [0x4008, 'PAGE_FAULT_ERROR_CODE_MATCH', 'Page-fault error-code match', null, '§24.6.3', t('sdm.field.pageFaultErrorCodeMatch')], // i18n-ignore: SDM field name
  [0x400a, 'CR3_TARGET_COUNT', 'CR3-target count', null, '§24.6.7', t('sdm.field.cr3TargetCount')], // i18n-ignore: SDM field name
  [0x400c, 'VM_EXIT_CONTROLS', 'VM-exit controls', null, '§24.7.1', t('sdm.field.vmExitControls')], // i18n-ignore: SDM field name
  [0x400e, 'VM_EXIT_MSR_STORE_COUNT', 'VM-exit MSR-store count', null, '§24.7.2', t('sdm.field.vmExitMsrStoreCount')], // i18n-ignore: SDM field name
  [0x4010, 'VM_EXIT_MSR_LOAD_COUNT', 'VM-exit MSR-load count', null, '§24.7.2', t('sdm.field.vmExitMsrLoadCount')], // i18n-ignore: SDM field name
  [0x4012, 'VM_ENTRY_CONTROLS', 'VM-entry controls', null, '§24.8.1', t('sdm.field.vmEntryControls')], // i18n-ignore: SDM field name
  [0x4014, 'VM_ENTRY_MSR_LOAD_COUNT', 'VM-entry MSR-load count', null, '§24.8.2', t('sdm.field.vmEntryMsrLoadCount')], // i18n-ignore: SDM field name
  [0x4016, 'VM_ENTRY_INTR_INFO_FIELD', 'VM-entry interruption-information field', null, '§24.8.3', t('sdm.field.vmEntryIntrInfoField')], // i18n-ignore: SDM field name
  [0x4018, 'VM_ENTRY_EXCEPTION_ERROR_CODE', 'VM-entry exception error code', null, '§24.8.3', t('sdm.field.vmEntryExceptionErrorCode')], // i18n-ignore: SDM field name
  [0x401a, 'VM_ENTRY_INSTRUCTION_LEN', 'VM-entry instruction length', null, '§24.8.3', t('sdm.field.vmEntryInstructionLen')], // i18n-ignore: SDM field name
  [0x401c, 'TPR_THRESHOLD', 'TPR threshold', 'tpr-shadow', '§24.6.8', t('sdm.field.tprThreshold')], // i18n-ignore: SDM field name
  [0x401e, 'SECONDARY_VM_EXEC_CONTROL', 'Secondary processor-based VM-execution controls', 'secondary-controls', '§24.6.2', t('sdm.field.secondaryVmExecControl')], // i18n-ignore: SDM field name
  [0x4020, 'PLE_GAP', 'PLE_Gap', 'pause-loop-exiting', '§24.6.13', t('sdm.field.pleGap')], // i18n-ignore: SDM field name
  [0x4022, 'PLE_WINDOW', 'PLE_Window', 'pause-loop-exiting', '§24.6.13', t('sdm.field.pleWindow')], // i18n-ignore: SDM field name
  [0x4024, 'NOTIFY_WINDOW', 'Instruction-timeout control', 'instruction-timeout', NEWER_SDM, t('sdm.field.notifyWindow')], // i18n-ignore: SDM field name
  [0x4026, 'SEAM_GUEST_KEYID', 'SEAM guest KeyID', 'tdx-seam', NEWER_SDM, t('sdm.field.seamGuestKeyid')], // i18n-ignore: SDM field name

  // ---------------- 32-bit read-only data fields (0x4400) ----------------
  [0x4400, 'VM_INSTRUCTION_ERROR', 'VM-instruction error', null, '§24.9.5', t('sdm.field.vmInstructionError')], // i18n-ignore: SDM field name
  [0x4402, 'VM_EXIT_REASON', 'Exit reason', null, '§24.9.1', t('sdm.field.vmExitReason')], // i18n-ignore: SDM field name
  [0x4404, 'VM_EXIT_INTR_INFO', 'VM-exit interruption information', null, '§24.9.2', t('sdm.field.vmExitIntrInfo')], // i18n-ignore: SDM field name
  [0x4406, 'VM_EXIT_INTR_ERROR_CODE', 'VM-exit interruption error code', null, '§24.9.2', t('sdm.field.vmExitIntrErrorCode')], // i18n-ignore: SDM field name
  [0x4408, 'IDT_VECTORING_INFO_FIELD', 'IDT-vectoring information', null, '§24.9.3', t('sdm.field.idtVectoringInfoField')], // i18n-ignore: SDM field name
  [0x440a, 'IDT_VECTORING_ERROR_CODE', 'IDT-vectoring error code', null, '§24.9.3', t('sdm.field.idtVectoringErrorCode')], // i18n-ignore: SDM field name
  [0x440c, 'VM_EXIT_INSTRUCTION_LEN', 'VM-exit instruction length', null, '§24.9.4', t('sdm.field.vmExitInstructionLen')], // i18n-ignore: SDM field name
  [0x440e, 'VMX_INSTRUCTION_INFO', 'VM-exit instruction information', null, '§24.9.4', t('sdm.field.vmxInstructionInfo')], // i18n-ignore: SDM field name

  // ---------------- 32-bit guest-state fields (0x4800) ----------------
  [0x4800, 'GUEST_ES_LIMIT', 'Guest ES limit', null, '§24.4.1', t('sdm.field.guestEsLimit')], // i18n-ignore: SDM field name
  [0x4802, 'GUEST_CS_LIMIT', 'Guest CS limit', null, '§24.4.1', t('sdm.field.guestCsLimit')], // i18n-ignore: SDM field name
  [0x4804, 'GUEST_SS_LIMIT', 'Guest SS limit', null, '§24.4.1', t('sdm.field.guestSsLimit')], // i18n-ignore: SDM field name
  [0x4806, 'GUEST_DS_LIMIT', 'Guest DS limit', null, '§24.4.1', t('sdm.field.guestDsLimit')], // i18n-ignore: SDM field name
  [0x4808, 'GUEST_FS_LIMIT', 'Guest FS limit', null, '§24.4.1', t('sdm.field.guestFsLimit')], // i18n-ignore: SDM field name
  [0x480a, 'GUEST_GS_LIMIT', 'Guest GS limit', null, '§24.4.1', t('sdm.field.guestGsLimit')], // i18n-ignore: SDM field name
  [0x480c, 'GUEST_LDTR_LIMIT', 'Guest LDTR limit', null, '§24.4.1', t('sdm.field.guestLdtrLimit')], // i18n-ignore: SDM field name
  [0x480e, 'GUEST_TR_LIMIT', 'Guest TR limit', null, '§24.4.1', t('sdm.field.guestTrLimit')], // i18n-ignore: SDM field name
  [0x4810, 'GUEST_GDTR_LIMIT', 'Guest GDTR limit', null, '§24.4.1', t('sdm.field.guestGdtrLimit')], // i18n-ignore: SDM field name
  [0x4812, 'GUEST_IDTR_LIMIT', 'Guest IDTR limit', null, '§24.4.1', t('sdm.field.guestIdtrLimit')], // i18n-ignore: SDM field name
  [0x4814, 'GUEST_ES_AR_BYTES', 'Guest ES access rights', null, '§24.4.1', t('sdm.field.guestEsArBytes')], // i18n-ignore: SDM field name
  [0x4816, 'GUEST_CS_AR_BYTES', 'Guest CS access rights', null, '§24.4.1', t('sdm.field.guestCsArBytes')], // i18n-ignore: SDM field name
  [0x4818, 'GUEST_SS_AR_BYTES', 'Guest SS access rights', null, '§24.4.1', t('sdm.field.guestSsArBytes')], // i18n-ignore: SDM field name
  [0x481a, 'GUEST_DS_AR_BYTES', 'Guest DS access rights', null, '§24.4.1', t('sdm.field.guestDsArBytes')], // i18n-ignore: SDM field name
  [0x481c, 'GUEST_FS_AR_BYTES', 'Guest FS access rights', null, '§24.4.1', t('sdm.field.guestFsArBytes')], // i18n-ignore: SDM field name
  [0x481e, 'GUEST_GS_AR_BYTES', 'Guest GS access rights', null, '§24.4.1', t('sdm.field.guestGsArBytes')], // i18n-ignore: SDM field name
  [0x4820, 'GUEST_LDTR_AR_BYTES', 'Guest LDTR access rights', null, '§24.4.1', t('sdm.field.guestLdtrArBytes')], // i18n-ignore: SDM field name
  [0x4822, 'GUEST_TR_AR_BYTES', 'Guest TR access rights', null, '§24.4.1', t('sdm.field.guestTrArBytes')], // i18n-ignore: SDM field name
  [0x4824, 'GUEST_INTERRUPTIBILITY_INFO', 'Guest interruptibility state', null, '§24.4.2', t('sdm.field.guestInterruptibilityInfo')], // i18n-ignore: SDM field name
  [0x4826, 'GUEST_ACTIVITY_STATE', 'Guest activity state', null, '§24.4.2', t('sdm.field.guestActivityState')], // i18n-ignore: SDM field name
  [0x4828, 'GUEST_SMBASE', 'Guest SMBASE', null, '§24.4.2', t('sdm.field.guestSmbase')], // i18n-ignore: SDM field name
  [0x482a, 'GUEST_SYSENTER_CS', 'Guest IA32_SYSENTER_CS', null, '§24.4.1', t('sdm.field.guestSysenterCs')], // i18n-ignore: SDM field name
  [0x482e, 'VMX_PREEMPTION_TIMER_VALUE', 'VMX-preemption timer value', 'preemption-timer', '§24.4.2', t('sdm.field.vmxPreemptionTimerValue')], // i18n-ignore: SDM field name

  // ---------------- 32-bit host-state field (0x4C00) ----------------
  [0x4c00, 'HOST_IA32_SYSENTER_CS', 'Host IA32_SYSENTER_CS', null, '§24.5', t('sdm.field.hostIa32SysenterCs')], // i18n-ignore: SDM field name

  // ---------------- Natural-width control fields (0x6000) ----------------
  [0x6000, 'CR0_GUEST_HOST_MASK', 'CR0 guest/host mask', null, '§24.6.6', t('sdm.field.cr0GuestHostMask')], // i18n-ignore: SDM field name
  [0x6002, 'CR4_GUEST_HOST_MASK', 'CR4 guest/host mask', null, '§24.6.6', t('sdm.field.cr4GuestHostMask')], // i18n-ignore: SDM field name
  [0x6004, 'CR0_READ_SHADOW', 'CR0 read shadow', null, '§24.6.6', t('sdm.field.cr0ReadShadow')], // i18n-ignore: SDM field name
  [0x6006, 'CR4_READ_SHADOW', 'CR4 read shadow', null, '§24.6.6', t('sdm.field.cr4ReadShadow')], // i18n-ignore: SDM field name
  [0x6008, 'CR3_TARGET_VALUE0', 'CR3-target value 0', null, '§24.6.7', t('sdm.field.cr3TargetValue0')], // i18n-ignore: SDM field name
  [0x600a, 'CR3_TARGET_VALUE1', 'CR3-target value 1', null, '§24.6.7', t('sdm.field.cr3TargetValue1')], // i18n-ignore: SDM field name
  [0x600c, 'CR3_TARGET_VALUE2', 'CR3-target value 2', null, '§24.6.7', t('sdm.field.cr3TargetValue2')], // i18n-ignore: SDM field name
  [0x600e, 'CR3_TARGET_VALUE3', 'CR3-target value 3', null, '§24.6.7', t('sdm.field.cr3TargetValue3')], // i18n-ignore: SDM field name

  // ---------------- Natural-width read-only data fields (0x6400) ----------------
  [0x6400, 'EXIT_QUALIFICATION', 'Exit qualification', null, '§24.9.1', t('sdm.field.exitQualification')], // i18n-ignore: SDM field name
  [0x6402, 'IO_RCX', 'I/O RCX', null, '§24.9.4', t('sdm.field.ioRcx')], // i18n-ignore: SDM field name
  [0x6404, 'IO_RSI', 'I/O RSI', null, '§24.9.4', t('sdm.field.ioRsi')], // i18n-ignore: SDM field name
  [0x6406, 'IO_RDI', 'I/O RDI', null, '§24.9.4', t('sdm.field.ioRdi')], // i18n-ignore: SDM field name
  [0x6408, 'IO_RIP', 'I/O RIP', null, '§24.9.4', t('sdm.field.ioRip')], // i18n-ignore: SDM field name
  [0x640a, 'GUEST_LINEAR_ADDRESS', 'Guest-linear address', null, '§24.9.1', t('sdm.field.guestLinearAddress')], // i18n-ignore: SDM field name

  // ---------------- Natural-width guest-state fields (0x6800) ----------------
  [0x6800, 'GUEST_CR0', 'Guest CR0', null, '§24.4.1', t('sdm.field.guestCr0')], // i18n-ignore: SDM field name
  [0x6802, 'GUEST_CR3', 'Guest CR3', null, '§24.4.1', t('sdm.field.guestCr3')], // i18n-ignore: SDM field name
  [0x6804, 'GUEST_CR4', 'Guest CR4', null, '§24.4.1', t('sdm.field.guestCr4')], // i18n-ignore: SDM field name
  [0x6806, 'GUEST_ES_BASE', 'Guest ES base', null, '§24.4.1', t('sdm.field.guestEsBase')], // i18n-ignore: SDM field name
  [0x6808, 'GUEST_CS_BASE', 'Guest CS base', null, '§24.4.1', t('sdm.field.guestCsBase')], // i18n-ignore: SDM field name
  [0x680a, 'GUEST_SS_BASE', 'Guest SS base', null, '§24.4.1', t('sdm.field.guestSsBase')], // i18n-ignore: SDM field name
  [0x680c, 'GUEST_DS_BASE', 'Guest DS base', null, '§24.4.1', t('sdm.field.guestDsBase')], // i18n-ignore: SDM field name
  [0x680e, 'GUEST_FS_BASE', 'Guest FS base', null, '§24.4.1', t('sdm.field.guestFsBase')], // i18n-ignore: SDM field name
  [0x6810, 'GUEST_GS_BASE', 'Guest GS base', null, '§24.4.1', t('sdm.field.guestGsBase')], // i18n-ignore: SDM field name
  [0x6812, 'GUEST_LDTR_BASE', 'Guest LDTR base', null, '§24.4.1', t('sdm.field.guestLdtrBase')], // i18n-ignore: SDM field name
  [0x6814, 'GUEST_TR_BASE', 'Guest TR base', null, '§24.4.1', t('sdm.field.guestTrBase')], // i18n-ignore: SDM field name
  [0x6816, 'GUEST_GDTR_BASE', 'Guest GDTR base', null, '§24.4.1', t('sdm.field.guestGdtrBase')], // i18n-ignore: SDM field name
  [0x6818, 'GUEST_IDTR_BASE', 'Guest IDTR base', null, '§24.4.1', t('sdm.field.guestIdtrBase')], // i18n-ignore: SDM field name
  [0x681a, 'GUEST_DR7', 'Guest DR7', null, '§24.4.1', t('sdm.field.guestDr7')], // i18n-ignore: SDM field name
  [0x681c, 'GUEST_RSP', 'Guest RSP', null, '§24.4.1', t('sdm.field.guestRsp')], // i18n-ignore: SDM field name
  [0x681e, 'GUEST_RIP', 'Guest RIP', null, '§24.4.1', t('sdm.field.guestRip')], // i18n-ignore: SDM field name
  [0x6820, 'GUEST_RFLAGS', 'Guest RFLAGS', null, '§24.4.1', t('sdm.field.guestRflags')], // i18n-ignore: SDM field name
  [0x6822, 'GUEST_PENDING_DBG_EXCEPTIONS', 'Guest pending debug exceptions', null, '§24.4.2', t('sdm.field.guestPendingDbgExceptions')], // i18n-ignore: SDM field name
  [0x6824, 'GUEST_SYSENTER_ESP', 'Guest IA32_SYSENTER_ESP', null, '§24.4.1', t('sdm.field.guestSysenterEsp')], // i18n-ignore: SDM field name
  [0x6826, 'GUEST_SYSENTER_EIP', 'Guest IA32_SYSENTER_EIP', null, '§24.4.1', t('sdm.field.guestSysenterEip')], // i18n-ignore: SDM field name
  [0x6828, 'GUEST_IA32_S_CET', 'Guest IA32_S_CET', 'cet', NEWER_SDM, t('sdm.field.guestIa32SCet')], // i18n-ignore: SDM field name
  [0x682a, 'GUEST_SSP', 'Guest SSP', 'cet', NEWER_SDM, t('sdm.field.guestSsp')], // i18n-ignore: SDM field name
  [0x682c, 'GUEST_INTERRUPT_SSP_TABLE_ADDR', 'Guest IA32_INTERRUPT_SSP_TABLE_ADDR', 'cet', NEWER_SDM, t('sdm.field.guestInterruptSspTableAddr')], // i18n-ignore: SDM field name

  // ---------------- Natural-width host-state fields (0x6C00) ----------------
  [0x6c00, 'HOST_CR0', 'Host CR0', null, '§24.5', t('sdm.field.hostCr0')], // i18n-ignore: SDM field name
  [0x6c02, 'HOST_CR3', 'Host CR3', null, '§24.5', t('sdm.field.hostCr3')], // i18n-ignore: SDM field name
  [0x6c04, 'HOST_CR4', 'Host CR4', null, '§24.5', t('sdm.field.hostCr4')], // i18n-ignore: SDM field name
  [0x6c06, 'HOST_FS_BASE', 'Host FS base', null, '§24.5', t('sdm.field.hostFsBase')], // i18n-ignore: SDM field name
  [0x6c08, 'HOST_GS_BASE', 'Host GS base', null, '§24.5', t('sdm.field.hostGsBase')], // i18n-ignore: SDM field name
  [0x6c0a, 'HOST_TR_BASE', 'Host TR base', null, '§24.5', t('sdm.field.hostTrBase')], // i18n-ignore: SDM field name
  [0x6c0c, 'HOST_GDTR_BASE', 'Host GDTR base', null, '§24.5', t('sdm.field.hostGdtrBase')], // i18n-ignore: SDM field name
  [0x6c0e, 'HOST_IDTR_BASE', 'Host IDTR base', null, '§24.5', t('sdm.field.hostIdtrBase')], // i18n-ignore: SDM field name
  [0x6c10, 'HOST_IA32_SYSENTER_ESP', 'Host IA32_SYSENTER_ESP', null, '§24.5', t('sdm.field.hostIa32SysenterEsp')], // i18n-ignore: SDM field name
  [0x6c12, 'HOST_IA32_SYSENTER_EIP', 'Host IA32_SYSENTER_EIP', null, '§24.5', t('sdm.field.hostIa32SysenterEip')], // i18n-ignore: SDM field name
  [0x6c14, 'HOST_RSP', 'Host RSP', null, '§24.5', t('sdm.field.hostRsp')], // i18n-ignore: SDM field name
  [0x6c16, 'HOST_RIP', 'Host RIP', null, '§24.5', t('sdm.field.hostRip')], // i18n-ignore: SDM field name
  [0x6c18, 'HOST_IA32_S_CET', 'Host IA32_S_CET', 'cet', NEWER_SDM, t('sdm.field.hostIa32SCet')], // i18n-ignore: SDM field name
  [0x6c1a, 'HOST_SSP', 'Host SSP', 'cet', NEWER_SDM, t('sdm.field.hostSsp')], // i18n-ignore: SDM field name
  [0x6c1c, 'HOST_INTERRUPT_SSP_TABLE_ADDR', 'Host IA32_INTERRUPT_SSP_TABLE_ADDR', 'cet', NEWER_SDM, t('sdm.field.hostInterruptSspTableAddr')], // i18n-ignore: SDM field name
] as const satisfies readonly Row[];

function groupOf(type: FieldType, name: string): FieldGroup {
  switch (type) {
    case 'guest':
      return 'guest-state';
    case 'host':
      return 'host-state';
    case 'exit-info':
      return 'exit-information';
    case 'control':
      if (EXIT_CONTROL_FIELDS.has(name)) return 'exit-controls';
      if (ENTRY_CONTROL_FIELDS.has(name)) return 'entry-controls';
      return 'execution-controls';
  }
}

/** Every VMCS field, in encoding order. Slot n (see `fieldSlot`) is `VMCS_FIELDS[n]`. */
export const VMCS_FIELDS: readonly VmcsFieldInfo[] = Object.freeze(
  (ROWS as readonly Row[]).map(([encoding, name, title, feature, section, description]): VmcsFieldInfo => {
    const width = encodingWidth(encoding);
    const type = encodingType(encoding);
    return Object.freeze({
      encoding,
      name,
      width,
      type,
      index: encodingIndex(encoding),
      group: groupOf(type, name),
      feature,
      title,
      description,
      sdm: section.startsWith('§') ? t('sdm.field.section', { section, appendix: appendixB(width, type) }) : section,
    });
  }),
);

/** The SDM-style constant names of all fields. */
export type VmcsFieldName = (typeof ROWS)[number][1];

/** Name → full-access encoding, so code reads `VmcsField.GUEST_RIP`. */
export const VmcsField: { readonly [K in VmcsFieldName]: number } = Object.freeze(
  Object.fromEntries(VMCS_FIELDS.map((f) => [f.name, f.encoding])),
) as { readonly [K in VmcsFieldName]: number };

/** Number of dense slots: one per field in `VMCS_FIELDS`. */
export const FIELD_SLOT_COUNT = VMCS_FIELDS.length;

/**
 * Encoding bits 14:0 → slot, or -1. Both the full and (for 64-bit fields) the high encoding of a field map to
 * its slot; encodings of fields not in the table, and high encodings of non-64-bit fields, map to -1.
 * The caller must still reject encodings with bits 31:15 or bit 12 set (use `fieldSlot`).
 */
export const FIELD_SLOT_BY_ENCODING: Int16Array = (() => {
  const table = new Int16Array(0x8000).fill(-1);
  VMCS_FIELDS.forEach((f, slot) => {
    table[f.encoding] = slot;
    if (f.width === 64) table[f.encoding | 1] = slot;
  });
  return table;
})();

/**
 * Slot of the field an encoding addresses (0..FIELD_SLOT_COUNT-1), or -1 for an encoding with reserved bits
 * set, a high access to a non-64-bit field, or an index no field uses. Allocation-free.
 */
export function fieldSlot(encoding: number): number {
  if (!hasValidEncodingShape(encoding)) return -1;
  return FIELD_SLOT_BY_ENCODING[encoding & 0x7fff]!;
}

const BY_ENCODING = new Map<number, VmcsFieldInfo>(VMCS_FIELDS.map((f) => [f.encoding, f]));
const BY_NAME = new Map<string, VmcsFieldInfo>(VMCS_FIELDS.map((f) => [f.name, f]));

/** The field an encoding addresses (full or high access), or undefined. */
export function fieldByEncoding(encoding: number): VmcsFieldInfo | undefined {
  const slot = fieldSlot(encoding);
  return slot < 0 ? undefined : VMCS_FIELDS[slot];
}

/** The field with exactly this full-access encoding (no high-access resolution). */
export function fieldByFullEncoding(encoding: number): VmcsFieldInfo | undefined {
  return BY_ENCODING.get(encoding);
}

export function fieldByName(name: string): VmcsFieldInfo | undefined {
  return BY_NAME.get(name);
}

/** Result of checking a VMREAD/VMWRITE encoding operand. */
export type FieldEncodingCheck =
  | { readonly ok: true; readonly field: VmcsFieldInfo; readonly slot: number; readonly high: boolean }
  | {
      readonly ok: false;
      readonly reason: 'reserved-bits' | 'high-access-not-64-bit' | 'no-such-field' | 'feature-not-supported';
    };

/**
 * The "supported encoding" rule of vmx.md §3.1 (SDM VMREAD/VMWRITE: "VMfailValid(12) if the source operand
 * does not correspond to any VMCS field"): reserved bits 31:15 and 12 are 0, the high access type is used
 * only with a 64-bit field, and the field exists on a processor with these features.
 */
export function checkFieldEncoding(encoding: number, features: VmxFeatureSet): FieldEncodingCheck {
  if (!hasValidEncodingShape(encoding)) return { ok: false, reason: 'reserved-bits' };
  const high = isHighAccess(encoding);
  if (high && encodingWidth(encoding) !== 64) return { ok: false, reason: 'high-access-not-64-bit' };
  const slot = FIELD_SLOT_BY_ENCODING[encoding & 0x7fff]!;
  if (slot < 0) return { ok: false, reason: 'no-such-field' };
  const field = VMCS_FIELDS[slot]!;
  if (!hasFeature(features, field.feature)) return { ok: false, reason: 'feature-not-supported' };
  return { ok: true, field, slot, high };
}

/** Boolean form of `checkFieldEncoding` (allocation-free). */
export function isFieldSupported(encoding: number, features: VmxFeatureSet): boolean {
  const slot = fieldSlot(encoding);
  return slot >= 0 && hasFeature(features, VMCS_FIELDS[slot]!.feature);
}

/** Fields that exist on a processor with these features. */
export function supportedFields(features: VmxFeatureSet): VmcsFieldInfo[] {
  return VMCS_FIELDS.filter((f) => hasFeature(features, f.feature));
}

/**
 * Highest index (encoding bits 9:1) used by any field the processor supports: the value IA32_VMX_VMCS_ENUM
 * reports in bits 9:1 (SDM App. A.9; KUT `test_vmwrite_vmread` checks ENUM = highest index VMREAD accepts).
 */
export function highestSupportedFieldIndex(features: VmxFeatureSet): number {
  let max = 0;
  for (const f of VMCS_FIELDS) if (hasFeature(features, f.feature) && f.index > max) max = f.index;
  return max;
}

/** Read-only (VM-exit information, type 1) fields: VMWRITE → VMfailValid(13) unless IA32_VMX_MISC[29]. */
export function isReadOnlyField(encoding: number): boolean {
  return encodingType(encoding) === 'exit-info';
}
