/**
 * VM-execution, VM-exit and VM-entry control bits.
 *
 * Sources: SDM Vol. 3C §24.6.1 (Table 24-5 pin-based), §24.6.2 (Table 24-6 primary, Table 24-7 secondary),
 * §24.7.1 (Table 24-10 VM-exit), §24.8.1 (Table 24-12 VM-entry); App. A.3–A.5 (default1 classes);
 * Bochs `vmx_ctrls.h`; Linux `asm/vmx.h` / `vmxfeatures.h`; KUT `x86/vmx.h` (as collected in vmx.md §4.1–4.5).
 */

// Descriptions come from the string catalogue (issue 8); SDM names stay here as data.
import { t } from '../../../i18n/t.ts';

export type ControlKind = 'pin' | 'primary' | 'secondary' | 'tertiary' | 'exit' | 'entry';

export interface ControlBit {
  readonly bit: number;
  /** SDM wording, e.g. "HLT exiting". */
  readonly name: string;
  /** Constant name, e.g. "HLT_EXITING". */
  readonly constant: string;
  readonly description: string;
  /** Reserved-to-1 on the first VMX processors ("default1" class, SDM App. A.2). */
  readonly default1: boolean;
}

function c(bit: number, name: string, constant: string, description: string, default1 = false): ControlBit {
  return Object.freeze({ bit, name, constant, description, default1 });
}

// ---------------------------------------------------------------- pin-based (field 0x4000)
/** SDM Vol. 3C Table 24-5. Bits 1, 2, 4 are reserved default1 (App. A.3.1). */
export const PIN_BASED_CONTROLS: readonly ControlBit[] = Object.freeze([
  c(0, 'External-interrupt exiting', 'EXTERNAL_INTERRUPT_EXITING', t('sdm.control.pin.externalInterruptExiting')), // i18n-ignore: SDM control name
  c(3, 'NMI exiting', 'NMI_EXITING', t('sdm.control.pin.nmiExiting')), // i18n-ignore: SDM control name
  c(5, 'Virtual NMIs', 'VIRTUAL_NMIS', t('sdm.control.pin.virtualNmis')), // i18n-ignore: SDM control name
  c(6, 'Activate VMX-preemption timer', 'ACTIVATE_VMX_PREEMPTION_TIMER', t('sdm.control.pin.activateVmxPreemptionTimer')), // i18n-ignore: SDM control name
  c(7, 'Process posted interrupts', 'PROCESS_POSTED_INTERRUPTS', t('sdm.control.pin.processPostedInterrupts')), // i18n-ignore: SDM control name
]);

// ---------------------------------------------------------------- primary processor-based (field 0x4002)
/** SDM Vol. 3C Table 24-6. Default1: bits 1, 4–6, 8, 13–16, 26 (App. A.3.2). */
export const PRIMARY_PROC_BASED_CONTROLS: readonly ControlBit[] = Object.freeze([
  c(2, 'Interrupt-window exiting', 'INTERRUPT_WINDOW_EXITING', t('sdm.control.primary.interruptWindowExiting')), // i18n-ignore: SDM control name
  c(3, 'Use TSC offsetting', 'USE_TSC_OFFSETTING', t('sdm.control.primary.useTscOffsetting')), // i18n-ignore: SDM control name
  c(7, 'HLT exiting', 'HLT_EXITING', t('sdm.control.primary.hltExiting')), // i18n-ignore: SDM control name
  c(9, 'INVLPG exiting', 'INVLPG_EXITING', t('sdm.control.primary.invlpgExiting')), // i18n-ignore: SDM control name
  c(10, 'MWAIT exiting', 'MWAIT_EXITING', t('sdm.control.primary.mwaitExiting')), // i18n-ignore: SDM control name
  c(11, 'RDPMC exiting', 'RDPMC_EXITING', t('sdm.control.primary.rdpmcExiting')), // i18n-ignore: SDM control name
  c(12, 'RDTSC exiting', 'RDTSC_EXITING', t('sdm.control.primary.rdtscExiting')), // i18n-ignore: SDM control name
  c(15, 'CR3-load exiting', 'CR3_LOAD_EXITING', t('sdm.control.primary.cr3LoadExiting'), true), // i18n-ignore: SDM control name
  c(16, 'CR3-store exiting', 'CR3_STORE_EXITING', t('sdm.control.primary.cr3StoreExiting'), true), // i18n-ignore: SDM control name
  c(17, 'Activate tertiary controls', 'ACTIVATE_TERTIARY_CONTROLS', t('sdm.control.primary.activateTertiaryControls')), // i18n-ignore: SDM control name
  c(19, 'CR8-load exiting', 'CR8_LOAD_EXITING', t('sdm.control.primary.cr8LoadExiting')), // i18n-ignore: SDM control name
  c(20, 'CR8-store exiting', 'CR8_STORE_EXITING', t('sdm.control.primary.cr8StoreExiting')), // i18n-ignore: SDM control name
  c(21, 'Use TPR shadow', 'USE_TPR_SHADOW', t('sdm.control.primary.useTprShadow')), // i18n-ignore: SDM control name
  c(22, 'NMI-window exiting', 'NMI_WINDOW_EXITING', t('sdm.control.primary.nmiWindowExiting')), // i18n-ignore: SDM control name
  c(23, 'MOV-DR exiting', 'MOV_DR_EXITING', t('sdm.control.primary.movDrExiting')), // i18n-ignore: SDM control name
  c(24, 'Unconditional I/O exiting', 'UNCONDITIONAL_IO_EXITING', t('sdm.control.primary.unconditionalIoExiting')), // i18n-ignore: SDM control name
  c(25, 'Use I/O bitmaps', 'USE_IO_BITMAPS', t('sdm.control.primary.useIoBitmaps')), // i18n-ignore: SDM control name
  c(27, 'Monitor trap flag', 'MONITOR_TRAP_FLAG', t('sdm.control.primary.monitorTrapFlag')), // i18n-ignore: SDM control name
  c(28, 'Use MSR bitmaps', 'USE_MSR_BITMAPS', t('sdm.control.primary.useMsrBitmaps')), // i18n-ignore: SDM control name
  c(29, 'MONITOR exiting', 'MONITOR_EXITING', t('sdm.control.primary.monitorExiting')), // i18n-ignore: SDM control name
  c(30, 'PAUSE exiting', 'PAUSE_EXITING', t('sdm.control.primary.pauseExiting')), // i18n-ignore: SDM control name
  c(31, 'Activate secondary controls', 'ACTIVATE_SECONDARY_CONTROLS', t('sdm.control.primary.activateSecondaryControls')), // i18n-ignore: SDM control name
]);

// ---------------------------------------------------------------- secondary processor-based (field 0x401E)
/** SDM Vol. 3C Table 24-7 (bits ≥ 19 from later SDMs via Bochs/Linux). No default1 bits. */
export const SECONDARY_PROC_BASED_CONTROLS: readonly ControlBit[] = Object.freeze([
  c(0, 'Virtualize APIC accesses', 'VIRTUALIZE_APIC_ACCESSES', t('sdm.control.secondary.virtualizeApicAccesses')), // i18n-ignore: SDM control name
  c(1, 'Enable EPT', 'ENABLE_EPT', t('sdm.control.secondary.enableEpt')), // i18n-ignore: SDM control name
  c(2, 'Descriptor-table exiting', 'DESCRIPTOR_TABLE_EXITING', t('sdm.control.secondary.descriptorTableExiting')), // i18n-ignore: SDM control name
  c(3, 'Enable RDTSCP', 'ENABLE_RDTSCP', t('sdm.control.secondary.enableRdtscp')), // i18n-ignore: SDM control name
  c(4, 'Virtualize x2APIC mode', 'VIRTUALIZE_X2APIC_MODE', t('sdm.control.secondary.virtualizeX2apicMode')), // i18n-ignore: SDM control name
  c(5, 'Enable VPID', 'ENABLE_VPID', t('sdm.control.secondary.enableVpid')), // i18n-ignore: SDM control name
  c(6, 'WBINVD exiting', 'WBINVD_EXITING', t('sdm.control.secondary.wbinvdExiting')), // i18n-ignore: SDM control name
  c(7, 'Unrestricted guest', 'UNRESTRICTED_GUEST', t('sdm.control.secondary.unrestrictedGuest')), // i18n-ignore: SDM control name
  c(8, 'APIC-register virtualization', 'APIC_REGISTER_VIRTUALIZATION', t('sdm.control.secondary.apicRegisterVirtualization')), // i18n-ignore: SDM control name
  c(9, 'Virtual-interrupt delivery', 'VIRTUAL_INTERRUPT_DELIVERY', t('sdm.control.secondary.virtualInterruptDelivery')), // i18n-ignore: SDM control name
  c(10, 'PAUSE-loop exiting', 'PAUSE_LOOP_EXITING', t('sdm.control.secondary.pauseLoopExiting')), // i18n-ignore: SDM control name
  c(11, 'RDRAND exiting', 'RDRAND_EXITING', t('sdm.control.secondary.rdrandExiting')), // i18n-ignore: SDM control name
  c(12, 'Enable INVPCID', 'ENABLE_INVPCID', t('sdm.control.secondary.enableInvpcid')), // i18n-ignore: SDM control name
  c(13, 'Enable VM functions', 'ENABLE_VM_FUNCTIONS', t('sdm.control.secondary.enableVmFunctions')), // i18n-ignore: SDM control name
  c(14, 'VMCS shadowing', 'VMCS_SHADOWING', t('sdm.control.secondary.vmcsShadowing')), // i18n-ignore: SDM control name
  c(15, 'Enable ENCLS exiting', 'ENABLE_ENCLS_EXITING', t('sdm.control.secondary.enableEnclsExiting')), // i18n-ignore: SDM control name
  c(16, 'RDSEED exiting', 'RDSEED_EXITING', t('sdm.control.secondary.rdseedExiting')), // i18n-ignore: SDM control name
  c(17, 'Enable PML', 'ENABLE_PML', t('sdm.control.secondary.enablePml')), // i18n-ignore: SDM control name
  c(18, 'EPT-violation #VE', 'EPT_VIOLATION_VE', t('sdm.control.secondary.eptViolationVe')), // i18n-ignore: SDM control name
  c(19, 'Conceal VMX from PT', 'CONCEAL_VMX_FROM_PT', t('sdm.control.secondary.concealVmxFromPt')), // i18n-ignore: SDM control name
  c(20, 'Enable XSAVES/XRSTORS', 'ENABLE_XSAVES_XRSTORS', t('sdm.control.secondary.enableXsavesXrstors')), // i18n-ignore: SDM control name
  c(22, 'Mode-based execute control for EPT', 'MODE_BASED_EXECUTE_CONTROL_FOR_EPT', t('sdm.control.secondary.modeBasedExecuteControlForEpt')), // i18n-ignore: SDM control name
  c(23, 'Sub-page write permissions for EPT', 'SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT', t('sdm.control.secondary.subPageWritePermissionsForEpt')), // i18n-ignore: SDM control name
  c(24, 'Intel PT uses guest-physical addresses', 'PT_USES_GUEST_PHYSICAL_ADDRESSES', t('sdm.control.secondary.ptUsesGuestPhysicalAddresses')), // i18n-ignore: SDM control name
  c(25, 'Use TSC scaling', 'USE_TSC_SCALING', t('sdm.control.secondary.useTscScaling')), // i18n-ignore: SDM control name
  c(26, 'Enable user wait and pause', 'ENABLE_USER_WAIT_AND_PAUSE', t('sdm.control.secondary.enableUserWaitAndPause')), // i18n-ignore: SDM control name
  c(27, 'Enable PCONFIG', 'ENABLE_PCONFIG', t('sdm.control.secondary.enablePconfig')), // i18n-ignore: SDM control name
  c(28, 'Enable ENCLV exiting', 'ENABLE_ENCLV_EXITING', t('sdm.control.secondary.enableEnclvExiting')), // i18n-ignore: SDM control name
  c(30, 'VMM bus-lock detection', 'VMM_BUS_LOCK_DETECTION', t('sdm.control.secondary.vmmBusLockDetection')), // i18n-ignore: SDM control name
  c(31, 'Instruction timeout', 'INSTRUCTION_TIMEOUT', t('sdm.control.secondary.instructionTimeout')), // i18n-ignore: SDM control name
]);

// ---------------------------------------------------------------- tertiary processor-based (field 0x2034)
/** Bochs `VmxVmexec3Controls` (vmx.md §4.3). No default1 bits. */
export const TERTIARY_PROC_BASED_CONTROLS: readonly ControlBit[] = Object.freeze([
  c(0, 'LOADIWKEY exiting', 'LOADIWKEY_EXITING', t('sdm.control.tertiary.loadiwkeyExiting')), // i18n-ignore: SDM control name
  c(1, 'Enable HLAT', 'ENABLE_HLAT', t('sdm.control.tertiary.enableHlat')), // i18n-ignore: SDM control name
  c(2, 'EPT paging-write control', 'EPT_PAGING_WRITE_CONTROL', t('sdm.control.tertiary.eptPagingWriteControl')), // i18n-ignore: SDM control name
  c(3, 'Guest-paging verification', 'GUEST_PAGING_VERIFICATION', t('sdm.control.tertiary.guestPagingVerification')), // i18n-ignore: SDM control name
  c(4, 'IPI virtualization', 'IPI_VIRTUALIZATION', t('sdm.control.tertiary.ipiVirtualization')), // i18n-ignore: SDM control name
  c(6, 'Enable MSR-list instructions', 'ENABLE_MSR_LIST_INSTRUCTIONS', t('sdm.control.tertiary.enableMsrListInstructions')), // i18n-ignore: SDM control name
  c(7, 'Virtualize IA32_SPEC_CTRL', 'VIRTUALIZE_IA32_SPEC_CTRL', t('sdm.control.tertiary.virtualizeIa32SpecCtrl')), // i18n-ignore: SDM control name
  c(8, 'APIC-timer virtualization', 'APIC_TIMER_VIRTUALIZATION', t('sdm.control.tertiary.apicTimerVirtualization')), // i18n-ignore: SDM control name
]);

// ---------------------------------------------------------------- VM-exit controls (field 0x400C)
/** SDM Vol. 3C Table 24-10. Default1: bits 0–8, 10, 11, 13, 14, 16, 17 (App. A.4). */
export const VM_EXIT_CONTROLS: readonly ControlBit[] = Object.freeze([
  c(2, 'Save debug controls', 'SAVE_DEBUG_CONTROLS', t('sdm.control.exit.saveDebugControls'), true), // i18n-ignore: SDM control name
  c(9, 'Host address-space size', 'HOST_ADDRESS_SPACE_SIZE', t('sdm.control.exit.hostAddressSpaceSize')), // i18n-ignore: SDM control name
  c(12, 'Load IA32_PERF_GLOBAL_CTRL', 'LOAD_IA32_PERF_GLOBAL_CTRL', t('sdm.control.exit.loadIa32PerfGlobalCtrl')), // i18n-ignore: SDM control name
  c(15, 'Acknowledge interrupt on exit', 'ACKNOWLEDGE_INTERRUPT_ON_EXIT', t('sdm.control.exit.acknowledgeInterruptOnExit')), // i18n-ignore: SDM control name
  c(18, 'Save IA32_PAT', 'SAVE_IA32_PAT', t('sdm.control.exit.saveIa32Pat')), // i18n-ignore: SDM control name
  c(19, 'Load IA32_PAT', 'LOAD_IA32_PAT', t('sdm.control.exit.loadIa32Pat')), // i18n-ignore: SDM control name
  c(20, 'Save IA32_EFER', 'SAVE_IA32_EFER', t('sdm.control.exit.saveIa32Efer')), // i18n-ignore: SDM control name
  c(21, 'Load IA32_EFER', 'LOAD_IA32_EFER', t('sdm.control.exit.loadIa32Efer')), // i18n-ignore: SDM control name
  c(22, 'Save VMX-preemption timer value', 'SAVE_VMX_PREEMPTION_TIMER_VALUE', t('sdm.control.exit.saveVmxPreemptionTimerValue')), // i18n-ignore: SDM control name
  c(23, 'Clear IA32_BNDCFGS', 'CLEAR_IA32_BNDCFGS', t('sdm.control.exit.clearIa32Bndcfgs')), // i18n-ignore: SDM control name
  c(24, 'Conceal VMX from PT', 'CONCEAL_VMX_FROM_PT', t('sdm.control.exit.concealVmxFromPt')), // i18n-ignore: SDM control name
  c(25, 'Clear IA32_RTIT_CTL', 'CLEAR_IA32_RTIT_CTL', t('sdm.control.exit.clearIa32RtitCtl')), // i18n-ignore: SDM control name
  c(26, 'Clear IA32_LBR_CTL', 'CLEAR_IA32_LBR_CTL', t('sdm.control.exit.clearIa32LbrCtl')), // i18n-ignore: SDM control name
  c(27, 'Clear UINV', 'CLEAR_UINV', t('sdm.control.exit.clearUinv')), // i18n-ignore: SDM control name
  c(28, 'Load CET state', 'LOAD_CET_STATE', t('sdm.control.exit.loadCetState')), // i18n-ignore: SDM control name
  c(29, 'Load PKRS', 'LOAD_PKRS', t('sdm.control.exit.loadPkrs')), // i18n-ignore: SDM control name
  c(30, 'Save IA32_PERF_GLOBAL_CTL', 'SAVE_IA32_PERF_GLOBAL_CTL', t('sdm.control.exit.saveIa32PerfGlobalCtl')), // i18n-ignore: SDM control name
  c(31, 'Activate secondary VM-exit controls', 'ACTIVATE_SECONDARY_CONTROLS', t('sdm.control.exit.activateSecondaryControls')), // i18n-ignore: SDM control name
]);

// ---------------------------------------------------------------- VM-entry controls (field 0x4012)
/** SDM Vol. 3C Table 24-12. Default1: bits 0–8, 12 (App. A.5). */
export const VM_ENTRY_CONTROLS: readonly ControlBit[] = Object.freeze([
  c(2, 'Load debug controls', 'LOAD_DEBUG_CONTROLS', t('sdm.control.entry.loadDebugControls'), true), // i18n-ignore: SDM control name
  c(9, 'IA-32e mode guest', 'IA32E_MODE_GUEST', t('sdm.control.entry.ia32eModeGuest')), // i18n-ignore: SDM control name
  c(10, 'Entry to SMM', 'ENTRY_TO_SMM', t('sdm.control.entry.entryToSmm')), // i18n-ignore: SDM control name
  c(11, 'Deactivate dual-monitor treatment', 'DEACTIVATE_DUAL_MONITOR_TREATMENT', t('sdm.control.entry.deactivateDualMonitorTreatment')), // i18n-ignore: SDM control name
  c(13, 'Load IA32_PERF_GLOBAL_CTRL', 'LOAD_IA32_PERF_GLOBAL_CTRL', t('sdm.control.entry.loadIa32PerfGlobalCtrl')), // i18n-ignore: SDM control name
  c(14, 'Load IA32_PAT', 'LOAD_IA32_PAT', t('sdm.control.entry.loadIa32Pat')), // i18n-ignore: SDM control name
  c(15, 'Load IA32_EFER', 'LOAD_IA32_EFER', t('sdm.control.entry.loadIa32Efer')), // i18n-ignore: SDM control name
  c(16, 'Load IA32_BNDCFGS', 'LOAD_IA32_BNDCFGS', t('sdm.control.entry.loadIa32Bndcfgs')), // i18n-ignore: SDM control name
  c(17, 'Conceal VMX from PT', 'CONCEAL_VMX_FROM_PT', t('sdm.control.entry.concealVmxFromPt')), // i18n-ignore: SDM control name
  c(18, 'Load IA32_RTIT_CTL', 'LOAD_IA32_RTIT_CTL', t('sdm.control.entry.loadIa32RtitCtl')), // i18n-ignore: SDM control name
  c(19, 'Load UINV', 'LOAD_UINV', t('sdm.control.entry.loadUinv')), // i18n-ignore: SDM control name
  c(20, 'Load CET state', 'LOAD_CET_STATE', t('sdm.control.entry.loadCetState')), // i18n-ignore: SDM control name
  c(21, 'Load guest IA32_LBR_CTL', 'LOAD_GUEST_IA32_LBR_CTL', t('sdm.control.entry.loadGuestIa32LbrCtl')), // i18n-ignore: SDM control name
  c(22, 'Load PKRS', 'LOAD_PKRS', t('sdm.control.entry.loadPkrs')), // i18n-ignore: SDM control name
  c(23, 'Load FRED', 'LOAD_FRED', t('sdm.control.entry.loadFred')), // i18n-ignore: SDM control name
  c(24, 'Load IA32_SPEC_CTRL', 'LOAD_IA32_SPEC_CTRL', t('sdm.control.entry.loadIa32SpecCtrl')), // i18n-ignore: SDM control name
]);

// ---------------------------------------------------------------- named masks
export const PinBased = Object.freeze({
  EXTERNAL_INTERRUPT_EXITING: 0x00000001,
  NMI_EXITING: 0x00000008,
  VIRTUAL_NMIS: 0x00000020,
  ACTIVATE_VMX_PREEMPTION_TIMER: 0x00000040,
  PROCESS_POSTED_INTERRUPTS: 0x00000080,
} as const);

export const ProcBased = Object.freeze({
  INTERRUPT_WINDOW_EXITING: 0x00000004,
  USE_TSC_OFFSETTING: 0x00000008,
  HLT_EXITING: 0x00000080,
  INVLPG_EXITING: 0x00000200,
  MWAIT_EXITING: 0x00000400,
  RDPMC_EXITING: 0x00000800,
  RDTSC_EXITING: 0x00001000,
  CR3_LOAD_EXITING: 0x00008000,
  CR3_STORE_EXITING: 0x00010000,
  ACTIVATE_TERTIARY_CONTROLS: 0x00020000,
  CR8_LOAD_EXITING: 0x00080000,
  CR8_STORE_EXITING: 0x00100000,
  USE_TPR_SHADOW: 0x00200000,
  NMI_WINDOW_EXITING: 0x00400000,
  MOV_DR_EXITING: 0x00800000,
  UNCONDITIONAL_IO_EXITING: 0x01000000,
  USE_IO_BITMAPS: 0x02000000,
  MONITOR_TRAP_FLAG: 0x08000000,
  USE_MSR_BITMAPS: 0x10000000,
  MONITOR_EXITING: 0x20000000,
  PAUSE_EXITING: 0x40000000,
  ACTIVATE_SECONDARY_CONTROLS: 0x80000000,
} as const);

export const ProcBased2 = Object.freeze({
  VIRTUALIZE_APIC_ACCESSES: 0x00000001,
  ENABLE_EPT: 0x00000002,
  DESCRIPTOR_TABLE_EXITING: 0x00000004,
  ENABLE_RDTSCP: 0x00000008,
  VIRTUALIZE_X2APIC_MODE: 0x00000010,
  ENABLE_VPID: 0x00000020,
  WBINVD_EXITING: 0x00000040,
  UNRESTRICTED_GUEST: 0x00000080,
  APIC_REGISTER_VIRTUALIZATION: 0x00000100,
  VIRTUAL_INTERRUPT_DELIVERY: 0x00000200,
  PAUSE_LOOP_EXITING: 0x00000400,
  RDRAND_EXITING: 0x00000800,
  ENABLE_INVPCID: 0x00001000,
  ENABLE_VM_FUNCTIONS: 0x00002000,
  VMCS_SHADOWING: 0x00004000,
  ENABLE_ENCLS_EXITING: 0x00008000,
  RDSEED_EXITING: 0x00010000,
  ENABLE_PML: 0x00020000,
  EPT_VIOLATION_VE: 0x00040000,
  CONCEAL_VMX_FROM_PT: 0x00080000,
  ENABLE_XSAVES_XRSTORS: 0x00100000,
  MODE_BASED_EXECUTE_CONTROL_FOR_EPT: 0x00400000,
  SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT: 0x00800000,
  PT_USES_GUEST_PHYSICAL_ADDRESSES: 0x01000000,
  USE_TSC_SCALING: 0x02000000,
  ENABLE_USER_WAIT_AND_PAUSE: 0x04000000,
  ENABLE_PCONFIG: 0x08000000,
  ENABLE_ENCLV_EXITING: 0x10000000,
  VMM_BUS_LOCK_DETECTION: 0x40000000,
  INSTRUCTION_TIMEOUT: 0x80000000,
} as const);

export const ProcBased3 = Object.freeze({
  LOADIWKEY_EXITING: 0x001,
  ENABLE_HLAT: 0x002,
  EPT_PAGING_WRITE_CONTROL: 0x004,
  GUEST_PAGING_VERIFICATION: 0x008,
  IPI_VIRTUALIZATION: 0x010,
  ENABLE_MSR_LIST_INSTRUCTIONS: 0x040,
  VIRTUALIZE_IA32_SPEC_CTRL: 0x080,
  APIC_TIMER_VIRTUALIZATION: 0x100,
} as const);

export const ExitControls = Object.freeze({
  SAVE_DEBUG_CONTROLS: 0x00000004,
  HOST_ADDRESS_SPACE_SIZE: 0x00000200,
  LOAD_IA32_PERF_GLOBAL_CTRL: 0x00001000,
  ACK_INTERRUPT_ON_EXIT: 0x00008000,
  SAVE_IA32_PAT: 0x00040000,
  LOAD_IA32_PAT: 0x00080000,
  SAVE_IA32_EFER: 0x00100000,
  LOAD_IA32_EFER: 0x00200000,
  SAVE_VMX_PREEMPTION_TIMER_VALUE: 0x00400000,
  CLEAR_IA32_BNDCFGS: 0x00800000,
  CONCEAL_VMX_FROM_PT: 0x01000000,
  CLEAR_IA32_RTIT_CTL: 0x02000000,
  CLEAR_IA32_LBR_CTL: 0x04000000,
  CLEAR_UINV: 0x08000000,
  LOAD_CET_STATE: 0x10000000,
  LOAD_PKRS: 0x20000000,
  SAVE_IA32_PERF_GLOBAL_CTL: 0x40000000,
  ACTIVATE_SECONDARY_CONTROLS: 0x80000000,
} as const);

export const EntryControls = Object.freeze({
  LOAD_DEBUG_CONTROLS: 0x00000004,
  IA32E_MODE_GUEST: 0x00000200,
  ENTRY_TO_SMM: 0x00000400,
  DEACTIVATE_DUAL_MONITOR_TREATMENT: 0x00000800,
  LOAD_IA32_PERF_GLOBAL_CTRL: 0x00002000,
  LOAD_IA32_PAT: 0x00004000,
  LOAD_IA32_EFER: 0x00008000,
  LOAD_IA32_BNDCFGS: 0x00010000,
  CONCEAL_VMX_FROM_PT: 0x00020000,
  LOAD_IA32_RTIT_CTL: 0x00040000,
  LOAD_UINV: 0x00080000,
  LOAD_CET_STATE: 0x00100000,
  LOAD_GUEST_IA32_LBR_CTL: 0x00200000,
  LOAD_PKRS: 0x00400000,
  LOAD_FRED: 0x00800000,
  LOAD_IA32_SPEC_CTRL: 0x01000000,
} as const);

// ---------------------------------------------------------------- default1 classes (SDM App. A.2–A.5)
/** Pin-based default1 bits 1, 2, 4 (Bochs VMX_MSR_VMX_PINBASED_CTLS_LO; KUT vmx_ctl_msr[]). */
export const PIN_BASED_DEFAULT1 = 0x00000016;
/** Primary default1 bits 1, 4–6, 8, 13–16, 26 (Linux CPU_BASED_ALWAYSON_WITHOUT_TRUE_MSR). */
export const PROC_BASED_DEFAULT1 = 0x0401e172;
/** VM-exit default1 bits 0–8, 10, 11, 13, 14, 16, 17 (Linux VM_EXIT_ALWAYSON_WITHOUT_TRUE_MSR). */
export const EXIT_DEFAULT1 = 0x00036dff;
/** VM-entry default1 bits 0–8, 12 (Linux VM_ENTRY_ALWAYSON_WITHOUT_TRUE_MSR). */
export const ENTRY_DEFAULT1 = 0x000011ff;

/**
 * Default1 bits that stay must-be-1 when the TRUE MSRs exist (Bochs VMX_MSR_VMX_TRUE_*_CTLS_LO): only the
 * named default1 controls (CR3-load/store exiting, save/load debug controls) become clearable.
 */
export const TRUE_PIN_BASED_DEFAULT1 = 0x00000016;
export const TRUE_PROC_BASED_DEFAULT1 = 0x04006172;
export const TRUE_EXIT_DEFAULT1 = 0x00036dfb;
export const TRUE_ENTRY_DEFAULT1 = 0x000011fb;

export interface ControlKindInfo {
  readonly kind: ControlKind;
  readonly title: string;
  /** VMCS field that holds the controls. */
  readonly field: number;
  /** Capability MSR reporting allowed settings (the plain one). */
  readonly capabilityMsr: number;
  /** The TRUE capability MSR, if the class has one. */
  readonly trueCapabilityMsr: number | null;
  readonly default1: number;
  readonly bits: readonly ControlBit[];
}

// The titles are the SDM's names of the control fields (Tables 24-5 … 24-12): names, kept as data.
export const CONTROL_KINDS: { readonly [K in ControlKind]: ControlKindInfo } = Object.freeze({
  pin: { kind: 'pin', title: 'Pin-based VM-execution controls', field: 0x4000, capabilityMsr: 0x481, trueCapabilityMsr: 0x48d, default1: PIN_BASED_DEFAULT1, bits: PIN_BASED_CONTROLS }, // i18n-ignore: SDM name
  primary: { kind: 'primary', title: 'Primary processor-based VM-execution controls', field: 0x4002, capabilityMsr: 0x482, trueCapabilityMsr: 0x48e, default1: PROC_BASED_DEFAULT1, bits: PRIMARY_PROC_BASED_CONTROLS }, // i18n-ignore: SDM name
  secondary: { kind: 'secondary', title: 'Secondary processor-based VM-execution controls', field: 0x401e, capabilityMsr: 0x48b, trueCapabilityMsr: null, default1: 0, bits: SECONDARY_PROC_BASED_CONTROLS }, // i18n-ignore: SDM name
  tertiary: { kind: 'tertiary', title: 'Tertiary processor-based VM-execution controls', field: 0x2034, capabilityMsr: 0x492, trueCapabilityMsr: null, default1: 0, bits: TERTIARY_PROC_BASED_CONTROLS }, // i18n-ignore: SDM name
  exit: { kind: 'exit', title: 'VM-exit controls', field: 0x400c, capabilityMsr: 0x483, trueCapabilityMsr: 0x48f, default1: EXIT_DEFAULT1, bits: VM_EXIT_CONTROLS }, // i18n-ignore: SDM name
  entry: { kind: 'entry', title: 'VM-entry controls', field: 0x4012, capabilityMsr: 0x484, trueCapabilityMsr: 0x490, default1: ENTRY_DEFAULT1, bits: VM_ENTRY_CONTROLS }, // i18n-ignore: SDM name
});

/** The named bit, or undefined for a reserved position. */
export function controlBit(kind: ControlKind, bit: number): ControlBit | undefined {
  return CONTROL_KINDS[kind].bits.find((b) => b.bit === bit);
}

/**
 * Names of the set bits of a control value, lowest bit first. Bits without a name appear as
 * "bit N (reserved)" — default1 reserved bits are always set in valid values, so they show up too.
 * Tertiary controls are a 64-bit field; pass its low 32 bits (no bit above 8 is defined).
 */
export function decodeControls(kind: ControlKind, value: number): string[] {
  const out: string[] = [];
  const v = value >>> 0;
  for (let bit = 0; bit < 32; bit++) {
    if (((v >>> bit) & 1) === 0) continue;
    const named = controlBit(kind, bit);
    out.push(named ? named.name : t('sdm.control.reservedBit', { bit }));
  }
  return out;
}

/** Outcome of checking a control value against a capability MSR (SDM App. A.3: allowed 0- and 1-settings). */
export interface ControlCheck {
  readonly ok: boolean;
  /** Bits that must be 1 (allowed-0 setting is 1) but are 0. */
  readonly missingOnes: number;
  /** Bits that must be 0 (allowed-1 setting is 0) but are 1. */
  readonly forbiddenOnes: number;
}

/**
 * SDM Vol. 3C §26.2.1.1 / App. A.3: a control value is valid iff every bit that is 1 in the MSR's low half
 * is 1, and every bit that is 0 in its high half is 0 (KVM `vmx_control_verify`).
 */
export function checkControls(value: number, allowed0: number, allowed1: number): ControlCheck {
  const v = value >>> 0;
  const missingOnes = (allowed0 & ~v) >>> 0;
  const forbiddenOnes = (v & ~allowed1) >>> 0;
  return { ok: missingOnes === 0 && forbiddenOnes === 0, missingOnes, forbiddenOnes };
}

/** Allocation-free form for the VM-entry hot path. */
export function controlsValid(value: number, allowed0: number, allowed1: number): boolean {
  return ((allowed0 & ~value) | (value & ~allowed1)) === 0;
}
