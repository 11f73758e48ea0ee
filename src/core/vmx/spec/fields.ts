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

const NEWER_SDM = 'current SDM Vol. 3C ch. "Virtual Machine Control Structures"; Bochs vmx.h';

// prettier-ignore
const ROWS = [
  // ---------------- 16-bit control fields (0x0000) ----------------
  [0x0000, 'VIRTUAL_PROCESSOR_ID', 'VPID', 'vpid', '§24.6.12',
    'Virtual-processor identifier that tags the guest\'s cached linear translations so VM entries and exits need not flush the TLB. Must not be 0 when "enable VPID" is 1.'],
  [0x0002, 'POSTED_INTR_NV', 'Posted-interrupt notification vector', 'posted-interrupts', '§24.6.8',
    'Interrupt vector that, when it arrives in the guest, tells the processor to merge the posted-interrupt descriptor into the virtual APIC instead of exiting.'],
  [0x0004, 'EPTP_INDEX', 'EPTP index', 'ept-violation-ve', '§24.6.18',
    'Index of the current EPTP in the EPTP list; reported to the guest in the #VE information area.'],
  [0x0006, 'HLAT_PREFIX', 'HLAT prefix size', 'hlat', NEWER_SDM,
    'Prefix size used by hypervisor-managed linear-address translation (HLAT).'],
  [0x0008, 'LAST_PID_POINTER_INDEX', 'Last PID-pointer index', 'ipi-virtualization', NEWER_SDM,
    'Highest valid index in the PID-pointer table used by IPI virtualization.'],
  [0x000a, 'VIRTUAL_TIMER_VECTOR', 'Virtual timer vector', 'apic-timer-virtualization', NEWER_SDM,
    'Vector the virtualized APIC timer delivers to the guest.'],

  // ---------------- 16-bit guest-state fields (0x0800) ----------------
  [0x0800, 'GUEST_ES_SELECTOR', 'Guest ES selector', null, '§24.4.1', 'Selector the guest\'s ES holds; loaded on VM entry, saved on VM exit.'],
  [0x0802, 'GUEST_CS_SELECTOR', 'Guest CS selector', null, '§24.4.1', 'Selector of the guest\'s code segment; its RPL is the guest CPL for most checks.'],
  [0x0804, 'GUEST_SS_SELECTOR', 'Guest SS selector', null, '§24.4.1', 'Selector of the guest\'s stack segment.'],
  [0x0806, 'GUEST_DS_SELECTOR', 'Guest DS selector', null, '§24.4.1', 'Selector the guest\'s DS holds.'],
  [0x0808, 'GUEST_FS_SELECTOR', 'Guest FS selector', null, '§24.4.1', 'Selector the guest\'s FS holds.'],
  [0x080a, 'GUEST_GS_SELECTOR', 'Guest GS selector', null, '§24.4.1', 'Selector the guest\'s GS holds.'],
  [0x080c, 'GUEST_LDTR_SELECTOR', 'Guest LDTR selector', null, '§24.4.1', 'Selector of the guest\'s local descriptor table.'],
  [0x080e, 'GUEST_TR_SELECTOR', 'Guest TR selector', null, '§24.4.1', 'Selector of the guest\'s task-state segment.'],
  [0x0810, 'GUEST_INTR_STATUS', 'Guest interrupt status', 'virtual-interrupt-delivery', '§24.4.2',
    'RVI (low byte) and SVI (high byte): the highest requesting and in-service virtual interrupts of the virtual APIC.'],
  [0x0812, 'GUEST_PML_INDEX', 'PML index', 'pml', '§24.4.2',
    'Next free entry (counting down from 511) in the page-modification log.'],
  [0x0814, 'GUEST_UINV', 'Guest UINV', 'uinv', NEWER_SDM,
    'The guest\'s user-interrupt notification vector.'],

  // ---------------- 16-bit host-state fields (0x0C00) ----------------
  [0x0c00, 'HOST_ES_SELECTOR', 'Host ES selector', null, '§24.5', 'ES selector loaded on every VM exit (RPL and TI must be 0).'],
  [0x0c02, 'HOST_CS_SELECTOR', 'Host CS selector', null, '§24.5', 'CS selector the VMM runs with after a VM exit; must not be 0.'],
  [0x0c04, 'HOST_SS_SELECTOR', 'Host SS selector', null, '§24.5', 'SS selector loaded on VM exit.'],
  [0x0c06, 'HOST_DS_SELECTOR', 'Host DS selector', null, '§24.5', 'DS selector loaded on VM exit.'],
  [0x0c08, 'HOST_FS_SELECTOR', 'Host FS selector', null, '§24.5', 'FS selector loaded on VM exit.'],
  [0x0c0a, 'HOST_GS_SELECTOR', 'Host GS selector', null, '§24.5', 'GS selector loaded on VM exit.'],
  [0x0c0c, 'HOST_TR_SELECTOR', 'Host TR selector', null, '§24.5', 'TR selector loaded on VM exit; must not be 0.'],

  // ---------------- 64-bit control fields (0x2000) ----------------
  [0x2000, 'IO_BITMAP_A', 'I/O bitmap A address', null, '§24.6.4',
    'Physical address of the 4-KByte bitmap for ports 0000H–7FFFH; a 1 bit makes an access to that port exit when "use I/O bitmaps" is 1.'],
  [0x2002, 'IO_BITMAP_B', 'I/O bitmap B address', null, '§24.6.4',
    'Physical address of the 4-KByte bitmap for ports 8000H–FFFFH.'],
  [0x2004, 'MSR_BITMAP', 'MSR-bitmap address', 'msr-bitmaps', '§24.6.9',
    'Physical address of the 4-KByte page of read/write bitmaps that decide which RDMSR/WRMSR exit when "use MSR bitmaps" is 1.'],
  [0x2006, 'VM_EXIT_MSR_STORE_ADDR', 'VM-exit MSR-store address', null, '§24.7.2',
    'Physical address of the list of MSRs whose guest values are stored on VM exit.'],
  [0x2008, 'VM_EXIT_MSR_LOAD_ADDR', 'VM-exit MSR-load address', null, '§24.7.2',
    'Physical address of the list of MSRs loaded with host values on VM exit.'],
  [0x200a, 'VM_ENTRY_MSR_LOAD_ADDR', 'VM-entry MSR-load address', null, '§24.8.2',
    'Physical address of the list of MSRs loaded with guest values on VM entry.'],
  [0x200c, 'EXECUTIVE_VMCS_PTR', 'Executive-VMCS pointer', null, '§24.6.10',
    'Used only by the dual-monitor treatment of SMIs and SMM: the VMCS of the executive monitor.'],
  [0x200e, 'PML_ADDRESS', 'PML address', 'pml', '§24.6.17',
    'Physical address of the 4-KByte page-modification log that records guest-physical pages written.'],
  [0x2010, 'TSC_OFFSET', 'TSC offset', null, '§24.6.5',
    'Added to the time-stamp counter for RDTSC/RDTSCP/RDMSR in the guest when "use TSC offsetting" is 1.'],
  [0x2012, 'VIRTUAL_APIC_PAGE_ADDR', 'Virtual-APIC address', 'tpr-shadow', '§24.6.8',
    'Physical address of the virtual-APIC page that holds the guest\'s shadow TPR and, with APIC virtualization, the other APIC registers.'],
  [0x2014, 'APIC_ACCESS_ADDR', 'APIC-access address', 'virtualize-apic-accesses', '§24.6.8',
    'Physical address of the page whose guest accesses are treated as APIC accesses when "virtualize APIC accesses" is 1.'],
  [0x2016, 'POSTED_INTR_DESC_ADDR', 'Posted-interrupt descriptor address', 'posted-interrupts', '§24.6.8',
    'Physical address of the 64-byte descriptor holding interrupts posted to this virtual processor.'],
  [0x2018, 'VM_FUNCTION_CONTROL', 'VM-function controls', 'vm-functions', '§24.6.14',
    'Bitmap of the VM functions (VMFUNC leaves, e.g. EPTP switching) the guest may invoke.'],
  [0x201a, 'EPT_POINTER', 'EPT pointer (EPTP)', 'ept', '§24.6.11',
    'Root of the extended page tables: PML4 physical address plus memory type, walk length and the accessed/dirty enable.'],
  [0x201c, 'EOI_EXIT_BITMAP0', 'EOI-exit bitmap 0', 'virtual-interrupt-delivery', '§24.6.8', 'Vectors 0–63: a 1 bit makes a virtualized EOI for that vector cause a VM exit.'],
  [0x201e, 'EOI_EXIT_BITMAP1', 'EOI-exit bitmap 1', 'virtual-interrupt-delivery', '§24.6.8', 'Vectors 64–127 of the EOI-exit bitmap.'],
  [0x2020, 'EOI_EXIT_BITMAP2', 'EOI-exit bitmap 2', 'virtual-interrupt-delivery', '§24.6.8', 'Vectors 128–191 of the EOI-exit bitmap.'],
  [0x2022, 'EOI_EXIT_BITMAP3', 'EOI-exit bitmap 3', 'virtual-interrupt-delivery', '§24.6.8', 'Vectors 192–255 of the EOI-exit bitmap.'],
  [0x2024, 'EPTP_LIST_ADDRESS', 'EPTP-list address', 'vm-functions', '§24.6.14',
    'Physical address of the list of 512 EPTPs the guest may switch between with VMFUNC leaf 0.'],
  [0x2026, 'VMREAD_BITMAP', 'VMREAD-bitmap address', 'vmcs-shadowing', '§24.6.15',
    'With VMCS shadowing, a 0 bit lets a guest VMREAD of that encoding read the shadow VMCS instead of exiting.'],
  [0x2028, 'VMWRITE_BITMAP', 'VMWRITE-bitmap address', 'vmcs-shadowing', '§24.6.15',
    'With VMCS shadowing, a 0 bit lets a guest VMWRITE of that encoding write the shadow VMCS instead of exiting.'],
  [0x202a, 'VE_INFORMATION_ADDRESS', 'Virtualization-exception information address', 'ept-violation-ve', '§24.6.18',
    'Physical address of the area where the processor writes details of an EPT violation converted into a #VE.'],
  [0x202c, 'XSS_EXIT_BITMAP', 'XSS-exiting bitmap', 'xsaves', '§24.6.19',
    'XSAVES/XRSTORS exit if they would touch a state component whose bit is 1 here.'],
  [0x202e, 'ENCLS_EXITING_BITMAP', 'ENCLS-exiting bitmap', 'encls-exiting', '§24.6.16',
    'ENCLS leaves whose bit is 1 cause VM exits.'],
  [0x2030, 'SPPTP', 'Sub-page-permission-table pointer', 'spp', NEWER_SDM,
    'Root of the table that gives 128-byte write permissions inside EPT pages.'],
  [0x2032, 'TSC_MULTIPLIER', 'TSC multiplier', 'tsc-scaling', NEWER_SDM,
    'Fixed-point factor applied to the TSC the guest reads when "use TSC scaling" is 1.'],
  [0x2034, 'TERTIARY_VM_EXEC_CONTROL', 'Tertiary processor-based VM-execution controls', 'tertiary-controls', NEWER_SDM,
    '64-bit field of further execution controls, used when primary control bit 17 is 1.'],
  [0x2036, 'ENCLV_EXITING_BITMAP', 'ENCLV-exiting bitmap', 'enclv-exiting', NEWER_SDM,
    'ENCLV leaves whose bit is 1 cause VM exits.'],
  [0x2038, 'LO_PASID_DIRECTORY_ADDR', 'Low PASID directory address', 'pasid-translation', NEWER_SDM,
    'First half of the PASID directory used to translate ENQCMD/ENQCMDS PASIDs.'],
  [0x203a, 'HI_PASID_DIRECTORY_ADDR', 'High PASID directory address', 'pasid-translation', NEWER_SDM,
    'Second half of the PASID directory used to translate ENQCMD/ENQCMDS PASIDs.'],
  [0x203c, 'SHARED_EPT_POINTER', 'Shared EPT pointer', 'tdx-seam', NEWER_SDM,
    'TDX only: EPT root for the guest\'s shared (untrusted) physical addresses.'],
  [0x203e, 'PCONFIG_EXITING_BITMAP', 'PCONFIG-exiting bitmap', 'pconfig-exiting', NEWER_SDM,
    'PCONFIG leaves whose bit is 1 cause VM exits.'],
  [0x2040, 'HLAT_POINTER', 'HLAT pointer', 'hlat', NEWER_SDM,
    'Root of the paging structures used by hypervisor-managed linear-address translation.'],
  [0x2042, 'PID_POINTER_TABLE', 'PID-pointer table address', 'ipi-virtualization', NEWER_SDM,
    'Physical address of the table of posted-interrupt descriptors used to virtualize IPIs.'],
  [0x2044, 'SECONDARY_VM_EXIT_CONTROLS', 'Secondary VM-exit controls', 'secondary-exit-controls', NEWER_SDM,
    '64-bit field of further VM-exit controls, used when VM-exit control bit 31 is 1.'],
  [0x204a, 'IA32_SPEC_CTRL_MASK', 'IA32_SPEC_CTRL mask', 'virtualize-spec-ctrl', NEWER_SDM,
    'Bits of IA32_SPEC_CTRL the guest may not change when the MSR is virtualized.'],
  [0x204c, 'IA32_SPEC_CTRL_SHADOW', 'IA32_SPEC_CTRL shadow', 'virtualize-spec-ctrl', NEWER_SDM,
    'Value of IA32_SPEC_CTRL the guest reads when the MSR is virtualized.'],
  [0x204e, 'GUEST_DEADLINE_SHADOW', 'Guest deadline shadow', 'apic-timer-virtualization', NEWER_SDM,
    'The guest\'s view of its TSC-deadline timer under APIC-timer virtualization.'],
  [0x2052, 'INJECTED_EVENT_DATA', 'Injected-event data', 'fred', NEWER_SDM,
    'Extra event data (FRED) delivered with the event injected on VM entry.'],

  // ---------------- 64-bit read-only data fields (0x2400) ----------------
  [0x2400, 'GUEST_PHYSICAL_ADDRESS', 'Guest-physical address', 'ept', '§24.9.1',
    'The guest-physical address whose access caused an EPT violation or EPT misconfiguration.'],
  [0x2402, 'MSR_DATA', 'MSR data', 'msr-list-instructions', NEWER_SDM,
    'Data of the MSR access that caused the VM exit (newer MSR instructions; per Bochs).'],
  [0x2404, 'ORIGINAL_EVENT_DATA', 'Original-event data', 'fred', NEWER_SDM,
    'Event data (FRED) of the event whose delivery was interrupted by the VM exit.'],

  // ---------------- 64-bit guest-state fields (0x2800) ----------------
  [0x2800, 'VMCS_LINK_POINTER', 'VMCS link pointer', null, '§24.4.2',
    'Must be FFFFFFFF_FFFFFFFFH unless VMCS shadowing is used, in which case it points to the shadow VMCS.'],
  [0x2802, 'GUEST_IA32_DEBUGCTL', 'Guest IA32_DEBUGCTL', null, '§24.4.1',
    'The guest\'s debug-control MSR, loaded on entry and saved on exit with the debug controls.'],
  [0x2804, 'GUEST_IA32_PAT', 'Guest IA32_PAT', 'pat', '§24.4.1',
    'The guest\'s page-attribute table MSR, loaded/saved when "load/save IA32_PAT" are 1.'],
  [0x2806, 'GUEST_IA32_EFER', 'Guest IA32_EFER', 'efer', '§24.4.1',
    'The guest\'s extended-feature-enable MSR, loaded/saved when "load/save IA32_EFER" are 1.'],
  [0x2808, 'GUEST_IA32_PERF_GLOBAL_CTRL', 'Guest IA32_PERF_GLOBAL_CTRL', 'perf-global-ctrl', '§24.4.1',
    'The guest\'s global performance-counter enables, loaded on entry when that control is 1.'],
  [0x280a, 'GUEST_PDPTR0', 'Guest PDPTE0', 'ept', '§24.4.2',
    'With EPT and a PAE-paging guest, the first page-directory-pointer-table entry used by the guest (loaded on entry instead of being read from guest CR3).'],
  [0x280c, 'GUEST_PDPTR1', 'Guest PDPTE1', 'ept', '§24.4.2', 'Second PAE page-directory-pointer-table entry of the guest (EPT only).'],
  [0x280e, 'GUEST_PDPTR2', 'Guest PDPTE2', 'ept', '§24.4.2', 'Third PAE page-directory-pointer-table entry of the guest (EPT only).'],
  [0x2810, 'GUEST_PDPTR3', 'Guest PDPTE3', 'ept', '§24.4.2', 'Fourth PAE page-directory-pointer-table entry of the guest (EPT only).'],
  [0x2812, 'GUEST_BNDCFGS', 'Guest IA32_BNDCFGS', 'bndcfgs', '§24.4.1', 'The guest\'s MPX configuration MSR.'],
  [0x2814, 'GUEST_IA32_RTIT_CTL', 'Guest IA32_RTIT_CTL', 'rtit-ctl', '§24.4.1', 'The guest\'s Intel PT control MSR.'],
  [0x2818, 'GUEST_IA32_PKRS', 'Guest IA32_PKRS', 'pkrs', NEWER_SDM, 'The guest\'s supervisor protection-key rights MSR.'],
  [0x281a, 'GUEST_IA32_FRED_CONFIG', 'Guest IA32_FRED_CONFIG', 'fred', NEWER_SDM, 'The guest\'s FRED configuration MSR.'],
  [0x281c, 'GUEST_IA32_FRED_RSP1', 'Guest IA32_FRED_RSP1', 'fred', NEWER_SDM, 'The guest\'s FRED stack pointer for level 1.'],
  [0x281e, 'GUEST_IA32_FRED_RSP2', 'Guest IA32_FRED_RSP2', 'fred', NEWER_SDM, 'The guest\'s FRED stack pointer for level 2.'],
  [0x2820, 'GUEST_IA32_FRED_RSP3', 'Guest IA32_FRED_RSP3', 'fred', NEWER_SDM, 'The guest\'s FRED stack pointer for level 3.'],
  [0x2822, 'GUEST_IA32_FRED_STACK_LEVELS', 'Guest IA32_FRED_STKLVLS', 'fred', NEWER_SDM, 'The guest\'s FRED stack-level assignments.'],
  [0x2824, 'GUEST_IA32_FRED_SSP1', 'Guest IA32_FRED_SSP1', 'fred', NEWER_SDM, 'The guest\'s FRED shadow-stack pointer for level 1.'],
  [0x2826, 'GUEST_IA32_FRED_SSP2', 'Guest IA32_FRED_SSP2', 'fred', NEWER_SDM, 'The guest\'s FRED shadow-stack pointer for level 2.'],
  [0x2828, 'GUEST_IA32_FRED_SSP3', 'Guest IA32_FRED_SSP3', 'fred', NEWER_SDM, 'The guest\'s FRED shadow-stack pointer for level 3.'],
  [0x282e, 'GUEST_IA32_SPEC_CTRL', 'Guest IA32_SPEC_CTRL', 'spec-ctrl', NEWER_SDM, 'The guest\'s speculation-control MSR.'],
  [0x2830, 'GUEST_DEADLINE', 'Guest deadline', 'apic-timer-virtualization', NEWER_SDM, 'The guest\'s TSC-deadline value under APIC-timer virtualization.'],

  // ---------------- 64-bit host-state fields (0x2C00) ----------------
  [0x2c00, 'HOST_IA32_PAT', 'Host IA32_PAT', 'pat', '§24.5', 'PAT value loaded on VM exit when "load IA32_PAT" is 1.'],
  [0x2c02, 'HOST_IA32_EFER', 'Host IA32_EFER', 'efer', '§24.5', 'EFER value loaded on VM exit when "load IA32_EFER" is 1.'],
  [0x2c04, 'HOST_IA32_PERF_GLOBAL_CTRL', 'Host IA32_PERF_GLOBAL_CTRL', 'perf-global-ctrl', '§24.5', 'Performance-counter enables loaded on VM exit when that control is 1.'],
  [0x2c06, 'HOST_IA32_PKRS', 'Host IA32_PKRS', 'pkrs', NEWER_SDM, 'PKRS value loaded on VM exit.'],
  [0x2c08, 'HOST_IA32_FRED_CONFIG', 'Host IA32_FRED_CONFIG', 'fred', NEWER_SDM, 'FRED configuration loaded on VM exit.'],
  [0x2c0a, 'HOST_IA32_FRED_RSP1', 'Host IA32_FRED_RSP1', 'fred', NEWER_SDM, 'FRED level-1 stack pointer loaded on VM exit.'],
  [0x2c0c, 'HOST_IA32_FRED_RSP2', 'Host IA32_FRED_RSP2', 'fred', NEWER_SDM, 'FRED level-2 stack pointer loaded on VM exit.'],
  [0x2c0e, 'HOST_IA32_FRED_RSP3', 'Host IA32_FRED_RSP3', 'fred', NEWER_SDM, 'FRED level-3 stack pointer loaded on VM exit.'],
  [0x2c10, 'HOST_IA32_FRED_STACK_LEVELS', 'Host IA32_FRED_STKLVLS', 'fred', NEWER_SDM, 'FRED stack levels loaded on VM exit.'],
  [0x2c12, 'HOST_IA32_FRED_SSP1', 'Host IA32_FRED_SSP1', 'fred', NEWER_SDM, 'FRED level-1 shadow-stack pointer loaded on VM exit.'],
  [0x2c14, 'HOST_IA32_FRED_SSP2', 'Host IA32_FRED_SSP2', 'fred', NEWER_SDM, 'FRED level-2 shadow-stack pointer loaded on VM exit.'],
  [0x2c16, 'HOST_IA32_FRED_SSP3', 'Host IA32_FRED_SSP3', 'fred', NEWER_SDM, 'FRED level-3 shadow-stack pointer loaded on VM exit.'],
  [0x2c1a, 'HOST_IA32_SPEC_CTRL', 'Host IA32_SPEC_CTRL', 'spec-ctrl', NEWER_SDM, 'Speculation-control value loaded on VM exit.'],

  // ---------------- 32-bit control fields (0x4000) ----------------
  [0x4000, 'PIN_BASED_VM_EXEC_CONTROL', 'Pin-based VM-execution controls', null, '§24.6.1',
    'Controls for asynchronous events: external-interrupt and NMI exiting, virtual NMIs, the preemption timer.'],
  [0x4002, 'CPU_BASED_VM_EXEC_CONTROL', 'Primary processor-based VM-execution controls', null, '§24.6.2',
    'Controls for which guest instructions cause VM exits (HLT, INVLPG, RDTSC, CR3 loads, I/O, MSRs, …).'],
  [0x4004, 'EXCEPTION_BITMAP', 'Exception bitmap', null, '§24.6.3',
    'Bit n = 1 makes guest exception vector n cause a VM exit instead of going through the guest IDT (#PF also consults the error-code mask/match).'],
  [0x4006, 'PAGE_FAULT_ERROR_CODE_MASK', 'Page-fault error-code mask', null, '§24.6.3',
    'ANDed with a #PF error code before comparing with the match value to decide whether the #PF exits.'],
  [0x4008, 'PAGE_FAULT_ERROR_CODE_MATCH', 'Page-fault error-code match', null, '§24.6.3',
    'A #PF exits iff (error code AND mask) = match agrees with exception-bitmap bit 14.'],
  [0x400a, 'CR3_TARGET_COUNT', 'CR3-target count', null, '§24.6.7',
    'How many CR3-target values are in use: MOV to CR3 with one of them does not exit even with CR3-load exiting.'],
  [0x400c, 'VM_EXIT_CONTROLS', 'VM-exit controls', null, '§24.7.1',
    'What a VM exit saves and loads: debug controls, host address-space size, acknowledge interrupt, PAT, EFER, preemption timer.'],
  [0x400e, 'VM_EXIT_MSR_STORE_COUNT', 'VM-exit MSR-store count', null, '§24.7.2', 'Number of entries in the VM-exit MSR-store list.'],
  [0x4010, 'VM_EXIT_MSR_LOAD_COUNT', 'VM-exit MSR-load count', null, '§24.7.2', 'Number of entries in the VM-exit MSR-load list.'],
  [0x4012, 'VM_ENTRY_CONTROLS', 'VM-entry controls', null, '§24.8.1',
    'What a VM entry loads (debug controls, PAT, EFER) and whether the guest runs in IA-32e mode.'],
  [0x4014, 'VM_ENTRY_MSR_LOAD_COUNT', 'VM-entry MSR-load count', null, '§24.8.2', 'Number of entries in the VM-entry MSR-load list.'],
  [0x4016, 'VM_ENTRY_INTR_INFO_FIELD', 'VM-entry interruption-information field', null, '§24.8.3',
    'Event (vector, type, error-code flag) to inject into the guest as part of the next VM entry; bit 31 = valid.'],
  [0x4018, 'VM_ENTRY_EXCEPTION_ERROR_CODE', 'VM-entry exception error code', null, '§24.8.3',
    'Error code pushed for an injected hardware exception that delivers one.'],
  [0x401a, 'VM_ENTRY_INSTRUCTION_LEN', 'VM-entry instruction length', null, '§24.8.3',
    'Length of the instruction an injected software interrupt or exception stands for (the return address skips it).'],
  [0x401c, 'TPR_THRESHOLD', 'TPR threshold', 'tpr-shadow', '§24.6.8',
    'With the TPR shadow, lowering the virtual TPR below this value causes a (trap-like) VM exit.'],
  [0x401e, 'SECONDARY_VM_EXEC_CONTROL', 'Secondary processor-based VM-execution controls', 'secondary-controls', '§24.6.2',
    'Further execution controls (EPT, VPID, unrestricted guest, descriptor-table exiting, …), used when primary bit 31 is 1.'],
  [0x4020, 'PLE_GAP', 'PLE_Gap', 'pause-loop-exiting', '§24.6.13',
    'Maximum TSC ticks between two PAUSEs for them to count as the same spin loop.'],
  [0x4022, 'PLE_WINDOW', 'PLE_Window', 'pause-loop-exiting', '§24.6.13',
    'TSC ticks a guest may spin in one PAUSE loop before PAUSE-loop exiting causes a VM exit.'],
  [0x4024, 'NOTIFY_WINDOW', 'Instruction-timeout control', 'instruction-timeout', NEWER_SDM,
    'How long the processor may stay in one instruction without an interrupt window before a notify VM exit.'],
  [0x4026, 'SEAM_GUEST_KEYID', 'SEAM guest KeyID', 'tdx-seam', NEWER_SDM, 'TDX only: memory-encryption key ID of the trust domain.'],

  // ---------------- 32-bit read-only data fields (0x4400) ----------------
  [0x4400, 'VM_INSTRUCTION_ERROR', 'VM-instruction error', null, '§24.9.5',
    'Number of the last VMfailValid error (Table 30-1); only VMfailValid writes it.'],
  [0x4402, 'VM_EXIT_REASON', 'Exit reason', null, '§24.9.1',
    'Why the last VM exit happened: basic exit reason in bits 15:0, bit 31 set for a failed VM entry.'],
  [0x4404, 'VM_EXIT_INTR_INFO', 'VM-exit interruption information', null, '§24.9.2',
    'For exits caused by an exception, NMI or (acknowledged) external interrupt: its vector and type; bit 31 = valid.'],
  [0x4406, 'VM_EXIT_INTR_ERROR_CODE', 'VM-exit interruption error code', null, '§24.9.2',
    'Error code of the exception that caused the VM exit, when the interruption information says it has one.'],
  [0x4408, 'IDT_VECTORING_INFO_FIELD', 'IDT-vectoring information', null, '§24.9.3',
    'The event the processor was delivering through the guest IDT when the VM exit happened (so the VMM can re-inject it).'],
  [0x440a, 'IDT_VECTORING_ERROR_CODE', 'IDT-vectoring error code', null, '§24.9.3', 'Error code of the event being delivered when the VM exit happened.'],
  [0x440c, 'VM_EXIT_INSTRUCTION_LEN', 'VM-exit instruction length', null, '§24.9.4',
    'Length in bytes of the instruction that caused the exit; the VMM adds it to guest RIP to skip the instruction.'],
  [0x440e, 'VMX_INSTRUCTION_INFO', 'VM-exit instruction information', null, '§24.9.4',
    'Operand details (registers, segment, address size, scaling) of the instruction that caused the exit.'],

  // ---------------- 32-bit guest-state fields (0x4800) ----------------
  [0x4800, 'GUEST_ES_LIMIT', 'Guest ES limit', null, '§24.4.1', 'Segment limit of the guest\'s ES, in bytes (after granularity scaling).'],
  [0x4802, 'GUEST_CS_LIMIT', 'Guest CS limit', null, '§24.4.1', 'Segment limit of the guest\'s CS.'],
  [0x4804, 'GUEST_SS_LIMIT', 'Guest SS limit', null, '§24.4.1', 'Segment limit of the guest\'s SS.'],
  [0x4806, 'GUEST_DS_LIMIT', 'Guest DS limit', null, '§24.4.1', 'Segment limit of the guest\'s DS.'],
  [0x4808, 'GUEST_FS_LIMIT', 'Guest FS limit', null, '§24.4.1', 'Segment limit of the guest\'s FS.'],
  [0x480a, 'GUEST_GS_LIMIT', 'Guest GS limit', null, '§24.4.1', 'Segment limit of the guest\'s GS.'],
  [0x480c, 'GUEST_LDTR_LIMIT', 'Guest LDTR limit', null, '§24.4.1', 'Limit of the guest\'s LDT.'],
  [0x480e, 'GUEST_TR_LIMIT', 'Guest TR limit', null, '§24.4.1', 'Limit of the guest\'s TSS.'],
  [0x4810, 'GUEST_GDTR_LIMIT', 'Guest GDTR limit', null, '§24.4.1', 'Limit of the guest\'s GDT (bits 31:16 must be 0).'],
  [0x4812, 'GUEST_IDTR_LIMIT', 'Guest IDTR limit', null, '§24.4.1', 'Limit of the guest\'s IDT (bits 31:16 must be 0).'],
  [0x4814, 'GUEST_ES_AR_BYTES', 'Guest ES access rights', null, '§24.4.1', 'Access rights of the guest\'s ES in the VMX format (descriptor type, S, DPL, P, AVL, L, D/B, G, plus bit 16 "unusable").'],
  [0x4816, 'GUEST_CS_AR_BYTES', 'Guest CS access rights', null, '§24.4.1', 'Access rights of the guest\'s CS in the VMX format.'],
  [0x4818, 'GUEST_SS_AR_BYTES', 'Guest SS access rights', null, '§24.4.1', 'Access rights of the guest\'s SS; its DPL is the guest CPL.'],
  [0x481a, 'GUEST_DS_AR_BYTES', 'Guest DS access rights', null, '§24.4.1', 'Access rights of the guest\'s DS in the VMX format.'],
  [0x481c, 'GUEST_FS_AR_BYTES', 'Guest FS access rights', null, '§24.4.1', 'Access rights of the guest\'s FS in the VMX format.'],
  [0x481e, 'GUEST_GS_AR_BYTES', 'Guest GS access rights', null, '§24.4.1', 'Access rights of the guest\'s GS in the VMX format.'],
  [0x4820, 'GUEST_LDTR_AR_BYTES', 'Guest LDTR access rights', null, '§24.4.1', 'Access rights of the guest\'s LDTR (type 2 when usable).'],
  [0x4822, 'GUEST_TR_AR_BYTES', 'Guest TR access rights', null, '§24.4.1', 'Access rights of the guest\'s TR (a busy TSS: type 3 or 11).'],
  [0x4824, 'GUEST_INTERRUPTIBILITY_INFO', 'Guest interruptibility state', null, '§24.4.2',
    'Event blocking in force at the guest instruction boundary: by STI, by MOV SS, by SMI, by NMI.'],
  [0x4826, 'GUEST_ACTIVITY_STATE', 'Guest activity state', null, '§24.4.2',
    'Whether the guest is active, halted (HLT), shut down, or waiting for a SIPI.'],
  [0x4828, 'GUEST_SMBASE', 'Guest SMBASE', null, '§24.4.2', 'The guest\'s SMRAM base; used only by the dual-monitor treatment of SMM.'],
  [0x482a, 'GUEST_SYSENTER_CS', 'Guest IA32_SYSENTER_CS', null, '§24.4.1', 'The guest\'s SYSENTER code-segment MSR.'],
  [0x482e, 'VMX_PREEMPTION_TIMER_VALUE', 'VMX-preemption timer value', 'preemption-timer', '§24.4.2',
    'Counts down in VMX non-root operation at a rate set by IA32_VMX_MISC[4:0]; reaching 0 causes a VM exit.'],

  // ---------------- 32-bit host-state field (0x4C00) ----------------
  [0x4c00, 'HOST_IA32_SYSENTER_CS', 'Host IA32_SYSENTER_CS', null, '§24.5', 'SYSENTER code-segment MSR loaded on VM exit.'],

  // ---------------- Natural-width control fields (0x6000) ----------------
  [0x6000, 'CR0_GUEST_HOST_MASK', 'CR0 guest/host mask', null, '§24.6.6',
    'CR0 bits the VMM owns: guest reads of them return the read shadow, and guest writes that change them cause VM exits.'],
  [0x6002, 'CR4_GUEST_HOST_MASK', 'CR4 guest/host mask', null, '§24.6.6', 'CR4 bits the VMM owns (same rule as the CR0 mask).'],
  [0x6004, 'CR0_READ_SHADOW', 'CR0 read shadow', null, '§24.6.6', 'Values the guest sees for the VMM-owned CR0 bits.'],
  [0x6006, 'CR4_READ_SHADOW', 'CR4 read shadow', null, '§24.6.6', 'Values the guest sees for the VMM-owned CR4 bits.'],
  [0x6008, 'CR3_TARGET_VALUE0', 'CR3-target value 0', null, '§24.6.7', 'A CR3 value the guest may load without a VM exit (if within the CR3-target count).'],
  [0x600a, 'CR3_TARGET_VALUE1', 'CR3-target value 1', null, '§24.6.7', 'Second CR3 value the guest may load without a VM exit.'],
  [0x600c, 'CR3_TARGET_VALUE2', 'CR3-target value 2', null, '§24.6.7', 'Third CR3 value the guest may load without a VM exit.'],
  [0x600e, 'CR3_TARGET_VALUE3', 'CR3-target value 3', null, '§24.6.7', 'Fourth CR3 value the guest may load without a VM exit.'],

  // ---------------- Natural-width read-only data fields (0x6400) ----------------
  [0x6400, 'EXIT_QUALIFICATION', 'Exit qualification', null, '§24.9.1',
    'Reason-specific details of the VM exit: CR number and register, I/O port and size, EPT access bits, linear address, …'],
  [0x6402, 'IO_RCX', 'I/O RCX', null, '§24.9.4', 'ECX at the I/O instruction; filled only by SMM VM exits after an I/O SMI.'],
  [0x6404, 'IO_RSI', 'I/O RSI', null, '§24.9.4', 'ESI at the I/O instruction; filled only by SMM VM exits after an I/O SMI.'],
  [0x6406, 'IO_RDI', 'I/O RDI', null, '§24.9.4', 'EDI at the I/O instruction; filled only by SMM VM exits after an I/O SMI.'],
  [0x6408, 'IO_RIP', 'I/O RIP', null, '§24.9.4', 'EIP of the I/O instruction; filled only by SMM VM exits after an I/O SMI.'],
  [0x640a, 'GUEST_LINEAR_ADDRESS', 'Guest-linear address', null, '§24.9.1',
    'The linear address involved in the exit: the memory operand of INS/OUTS, or the access behind an EPT violation.'],

  // ---------------- Natural-width guest-state fields (0x6800) ----------------
  [0x6800, 'GUEST_CR0', 'Guest CR0', null, '§24.4.1', 'The guest\'s real CR0 (what the hardware uses), which may differ from what the guest reads through the shadow.'],
  [0x6802, 'GUEST_CR3', 'Guest CR3', null, '§24.4.1', 'The guest\'s page-table root.'],
  [0x6804, 'GUEST_CR4', 'Guest CR4', null, '§24.4.1', 'The guest\'s real CR4 (VMXE must stay 1 in VMX operation).'],
  [0x6806, 'GUEST_ES_BASE', 'Guest ES base', null, '§24.4.1', 'Base address of the guest\'s ES.'],
  [0x6808, 'GUEST_CS_BASE', 'Guest CS base', null, '§24.4.1', 'Base address of the guest\'s CS.'],
  [0x680a, 'GUEST_SS_BASE', 'Guest SS base', null, '§24.4.1', 'Base address of the guest\'s SS.'],
  [0x680c, 'GUEST_DS_BASE', 'Guest DS base', null, '§24.4.1', 'Base address of the guest\'s DS.'],
  [0x680e, 'GUEST_FS_BASE', 'Guest FS base', null, '§24.4.1', 'Base address of the guest\'s FS.'],
  [0x6810, 'GUEST_GS_BASE', 'Guest GS base', null, '§24.4.1', 'Base address of the guest\'s GS.'],
  [0x6812, 'GUEST_LDTR_BASE', 'Guest LDTR base', null, '§24.4.1', 'Linear base address of the guest\'s LDT.'],
  [0x6814, 'GUEST_TR_BASE', 'Guest TR base', null, '§24.4.1', 'Linear base address of the guest\'s TSS.'],
  [0x6816, 'GUEST_GDTR_BASE', 'Guest GDTR base', null, '§24.4.1', 'Linear base address of the guest\'s GDT.'],
  [0x6818, 'GUEST_IDTR_BASE', 'Guest IDTR base', null, '§24.4.1', 'Linear base address of the guest\'s IDT.'],
  [0x681a, 'GUEST_DR7', 'Guest DR7', null, '§24.4.1', 'The guest\'s debug-control register, loaded/saved with the debug controls.'],
  [0x681c, 'GUEST_RSP', 'Guest RSP', null, '§24.4.1', 'The guest\'s stack pointer (ESP in IA-32).'],
  [0x681e, 'GUEST_RIP', 'Guest RIP', null, '§24.4.1',
    'Where the guest resumes on VM entry; on a VM exit caused by an instruction it points at that instruction.'],
  [0x6820, 'GUEST_RFLAGS', 'Guest RFLAGS', null, '§24.4.1', 'The guest\'s flags register; bit 1 must be 1 and reserved bits 0.'],
  [0x6822, 'GUEST_PENDING_DBG_EXCEPTIONS', 'Guest pending debug exceptions', null, '§24.4.2',
    'Debug exceptions recognised but not yet delivered (breakpoint hits B3–B0, single-step BS), e.g. across MOV SS.'],
  [0x6824, 'GUEST_SYSENTER_ESP', 'Guest IA32_SYSENTER_ESP', null, '§24.4.1', 'The guest\'s SYSENTER stack-pointer MSR.'],
  [0x6826, 'GUEST_SYSENTER_EIP', 'Guest IA32_SYSENTER_EIP', null, '§24.4.1', 'The guest\'s SYSENTER entry-point MSR.'],
  [0x6828, 'GUEST_IA32_S_CET', 'Guest IA32_S_CET', 'cet', NEWER_SDM, 'The guest\'s supervisor CET configuration MSR.'],
  [0x682a, 'GUEST_SSP', 'Guest SSP', 'cet', NEWER_SDM, 'The guest\'s shadow-stack pointer.'],
  [0x682c, 'GUEST_INTERRUPT_SSP_TABLE_ADDR', 'Guest IA32_INTERRUPT_SSP_TABLE_ADDR', 'cet', NEWER_SDM, 'The guest\'s interrupt shadow-stack table address.'],

  // ---------------- Natural-width host-state fields (0x6C00) ----------------
  [0x6c00, 'HOST_CR0', 'Host CR0', null, '§24.5', 'CR0 loaded on VM exit (must satisfy the VMX fixed-bit MSRs).'],
  [0x6c02, 'HOST_CR3', 'Host CR3', null, '§24.5', 'Page-table root the VMM runs with after a VM exit.'],
  [0x6c04, 'HOST_CR4', 'Host CR4', null, '§24.5', 'CR4 loaded on VM exit (VMXE must be 1).'],
  [0x6c06, 'HOST_FS_BASE', 'Host FS base', null, '§24.5', 'FS base loaded on VM exit.'],
  [0x6c08, 'HOST_GS_BASE', 'Host GS base', null, '§24.5', 'GS base loaded on VM exit.'],
  [0x6c0a, 'HOST_TR_BASE', 'Host TR base', null, '§24.5', 'TSS base loaded on VM exit (TR limit becomes 67H).'],
  [0x6c0c, 'HOST_GDTR_BASE', 'Host GDTR base', null, '§24.5', 'GDT base loaded on VM exit (limit becomes FFFFH).'],
  [0x6c0e, 'HOST_IDTR_BASE', 'Host IDTR base', null, '§24.5', 'IDT base loaded on VM exit (limit becomes FFFFH).'],
  [0x6c10, 'HOST_IA32_SYSENTER_ESP', 'Host IA32_SYSENTER_ESP', null, '§24.5', 'SYSENTER stack-pointer MSR loaded on VM exit.'],
  [0x6c12, 'HOST_IA32_SYSENTER_EIP', 'Host IA32_SYSENTER_EIP', null, '§24.5', 'SYSENTER entry-point MSR loaded on VM exit.'],
  [0x6c14, 'HOST_RSP', 'Host RSP', null, '§24.5', 'Stack pointer the VMM\'s exit handler starts with.'],
  [0x6c16, 'HOST_RIP', 'Host RIP', null, '§24.5', 'Address of the VMM\'s VM-exit handler: every VM exit (and failed VM entry) continues here.'],
  [0x6c18, 'HOST_IA32_S_CET', 'Host IA32_S_CET', 'cet', NEWER_SDM, 'Supervisor CET configuration loaded on VM exit.'],
  [0x6c1a, 'HOST_SSP', 'Host SSP', 'cet', NEWER_SDM, 'Shadow-stack pointer loaded on VM exit.'],
  [0x6c1c, 'HOST_INTERRUPT_SSP_TABLE_ADDR', 'Host IA32_INTERRUPT_SSP_TABLE_ADDR', 'cet', NEWER_SDM, 'Interrupt shadow-stack table address loaded on VM exit.'],
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
      sdm: section.startsWith('§') ? `SDM Vol. 3C ${section}, ${appendixB(width, type)}` : section,
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
