/**
 * VM-instruction error numbers: the value VMfailValid stores in the VM-instruction error field (0x4400).
 *
 * Source: SDM Vol. 3C §30.4 Table 30-1 "VM-Instruction Error Numbers" (2016 numbering; verbatim list 1–28 on
 * the xem mirror page 3C 30-29); Bochs `vmx.h` `VMX_error_code`; Linux `asm/vmx.h`
 * `vm_instruction_error_number`; KUT `x86/vmx.h` (vmx.md §2). Numbers 14, 21 and 27 are reserved.
 */

// Descriptions come from the string catalogue (issue 8); SDM names stay here as data.
import { t } from '../../../i18n/t.ts';

export enum VmInstructionError {
  VMCALL_IN_VMX_ROOT_OPERATION = 1,
  VMCLEAR_INVALID_ADDRESS = 2,
  VMCLEAR_VMXON_POINTER = 3,
  VMLAUNCH_NONCLEAR_VMCS = 4,
  VMRESUME_NONLAUNCHED_VMCS = 5,
  VMRESUME_AFTER_VMXOFF = 6,
  ENTRY_INVALID_CONTROL_FIELD = 7,
  ENTRY_INVALID_HOST_STATE_FIELD = 8,
  VMPTRLD_INVALID_ADDRESS = 9,
  VMPTRLD_VMXON_POINTER = 10,
  VMPTRLD_INCORRECT_VMCS_REVISION_ID = 11,
  UNSUPPORTED_VMCS_COMPONENT = 12,
  VMWRITE_READ_ONLY_VMCS_COMPONENT = 13,
  VMXON_IN_VMX_ROOT_OPERATION = 15,
  ENTRY_INVALID_EXECUTIVE_VMCS_POINTER = 16,
  ENTRY_NONLAUNCHED_EXECUTIVE_VMCS = 17,
  ENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER = 18,
  VMCALL_NONCLEAR_VMCS = 19,
  VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS = 20,
  VMCALL_INCORRECT_MSEG_REVISION_ID = 22,
  VMXOFF_UNDER_DUAL_MONITOR_TREATMENT = 23,
  VMCALL_INVALID_SMM_MONITOR_FEATURES = 24,
  ENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS = 25,
  ENTRY_EVENTS_BLOCKED_BY_MOV_SS = 26,
  INVALID_OPERAND_TO_INVEPT_INVVPID = 28,
}

export interface VmInstructionErrorInfo {
  readonly number: number;
  /** SDM Table 30-1 description; "Reserved" for 14, 21, 27. */
  readonly description: string;
  readonly reserved: boolean;
  /** Instructions that report it. */
  readonly raisedBy: readonly string[];
  /** Linux `VMXERR_*` name, or null. */
  readonly linuxName: string | null;
}

type Row = readonly [number, string, readonly string[], string | null];

// prettier-ignore
const ROWS: readonly Row[] = [
  [1, t('sdm.error.vmcallInVmxRootOperation'), ['VMCALL'], 'VMXERR_VMCALL_IN_VMX_ROOT_OPERATION'],
  [2, t('sdm.error.vmclearInvalidAddress'), ['VMCLEAR'], 'VMXERR_VMCLEAR_INVALID_ADDRESS'],
  [3, t('sdm.error.vmclearVmxonPointer'), ['VMCLEAR'], 'VMXERR_VMCLEAR_VMXON_POINTER'],
  [4, t('sdm.error.vmlaunchNonclearVmcs'), ['VMLAUNCH'], 'VMXERR_VMLAUNCH_NONCLEAR_VMCS'],
  [5, t('sdm.error.vmresumeNonlaunchedVmcs'), ['VMRESUME'], 'VMXERR_VMRESUME_NONLAUNCHED_VMCS'],
  // Older SDMs: "VMRESUME with a corrupted VMCS (indicates corruption of the current VMCS)" (Bochs
  // VMXERR_VMRESUME_VMCS_CORRUPTED); current SDMs: "VMRESUME after VMXOFF".
  [6, t('sdm.error.vmresumeAfterVmxoff'), ['VMRESUME'], 'VMXERR_VMRESUME_AFTER_VMXOFF'],
  [7, t('sdm.error.entryInvalidControlField'), ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_INVALID_CONTROL_FIELD'],
  [8, t('sdm.error.entryInvalidHostStateField'), ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_INVALID_HOST_STATE_FIELD'],
  [9, t('sdm.error.vmptrldInvalidAddress'), ['VMPTRLD'], 'VMXERR_VMPTRLD_INVALID_ADDRESS'],
  [10, t('sdm.error.vmptrldVmxonPointer'), ['VMPTRLD'], 'VMXERR_VMPTRLD_VMXON_POINTER'],
  [11, t('sdm.error.vmptrldIncorrectVmcsRevisionId'), ['VMPTRLD'], 'VMXERR_VMPTRLD_INCORRECT_VMCS_REVISION_ID'],
  [12, t('sdm.error.unsupportedVmcsComponent'), ['VMREAD', 'VMWRITE'], 'VMXERR_UNSUPPORTED_VMCS_COMPONENT'],
  [13, t('sdm.error.vmwriteReadOnlyVmcsComponent'), ['VMWRITE'], 'VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT'],
  [14, t('sdm.error.reserved'), [], null],
  [15, t('sdm.error.vmxonInVmxRootOperation'), ['VMXON'], 'VMXERR_VMXON_IN_VMX_ROOT_OPERATION'],
  [16, t('sdm.error.entryInvalidExecutiveVmcsPointer'), ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER'],
  [17, t('sdm.error.entryNonlaunchedExecutiveVmcs'), ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS'],
  [18, t('sdm.error.entryExecutiveVmcsPointerNotVmxonPointer'), ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER'],
  [19, t('sdm.error.vmcallNonclearVmcs'), ['VMCALL'], 'VMXERR_VMCALL_NONCLEAR_VMCS'],
  [20, t('sdm.error.vmcallInvalidVmExitControlFields'), ['VMCALL'], 'VMXERR_VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS'],
  [21, t('sdm.error.reserved'), [], null],
  [22, t('sdm.error.vmcallIncorrectMsegRevisionId'), ['VMCALL'], 'VMXERR_VMCALL_INCORRECT_MSEG_REVISION_ID'],
  [23, t('sdm.error.vmxoffUnderDualMonitorTreatment'), ['VMXOFF'], 'VMXERR_VMXOFF_UNDER_DUAL_MONITOR_TREATMENT_OF_SMIS_AND_SMM'],
  [24, t('sdm.error.vmcallInvalidSmmMonitorFeatures'), ['VMCALL'], 'VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES'],
  [25, t('sdm.error.entryInvalidVmExecutionControlFieldsInExecutiveVmcs'), ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS'],
  [26, t('sdm.error.entryEventsBlockedByMovSs'), ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS'],
  [27, t('sdm.error.reserved'), [], null],
  [28, t('sdm.error.invalidOperandToInveptInvvpid'), ['INVEPT', 'INVVPID'], 'VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID'],
];

/** Numbers 1–28, in order. Reserved numbers (14, 21, 27) are the rows no instruction reports. */
export const VM_INSTRUCTION_ERRORS: readonly VmInstructionErrorInfo[] = Object.freeze(
  ROWS.map(([number, description, raisedBy, linuxName]) =>
    Object.freeze({ number, description, reserved: raisedBy.length === 0, raisedBy: Object.freeze([...raisedBy]), linuxName }),
  ),
);

export function vmInstructionErrorInfo(n: number): VmInstructionErrorInfo | undefined {
  return Number.isInteger(n) && n >= 1 && n <= 28 ? VM_INSTRUCTION_ERRORS[n - 1] : undefined;
}
