/**
 * VM-instruction error numbers: the value VMfailValid stores in the VM-instruction error field (0x4400).
 *
 * Source: SDM Vol. 3C §30.4 Table 30-1 "VM-Instruction Error Numbers" (2016 numbering; verbatim list 1–28 on
 * the xem mirror page 3C 30-29); Bochs `vmx.h` `VMX_error_code`; Linux `asm/vmx.h`
 * `vm_instruction_error_number`; KUT `x86/vmx.h` (vmx.md §2). Numbers 14, 21 and 27 are reserved.
 */

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
  [1, 'VMCALL executed in VMX root operation', ['VMCALL'], 'VMXERR_VMCALL_IN_VMX_ROOT_OPERATION'],
  [2, 'VMCLEAR with invalid physical address', ['VMCLEAR'], 'VMXERR_VMCLEAR_INVALID_ADDRESS'],
  [3, 'VMCLEAR with VMXON pointer', ['VMCLEAR'], 'VMXERR_VMCLEAR_VMXON_POINTER'],
  [4, 'VMLAUNCH with non-clear VMCS', ['VMLAUNCH'], 'VMXERR_VMLAUNCH_NONCLEAR_VMCS'],
  [5, 'VMRESUME with non-launched VMCS', ['VMRESUME'], 'VMXERR_VMRESUME_NONLAUNCHED_VMCS'],
  // Older SDMs: "VMRESUME with a corrupted VMCS (indicates corruption of the current VMCS)" (Bochs
  // VMXERR_VMRESUME_VMCS_CORRUPTED); current SDMs: "VMRESUME after VMXOFF".
  [6, 'VMRESUME after VMXOFF (VMXOFF and VMXON between VMLAUNCH and VMRESUME)', ['VMRESUME'], 'VMXERR_VMRESUME_AFTER_VMXOFF'],
  [7, 'VM entry with invalid control field(s)', ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_INVALID_CONTROL_FIELD'],
  [8, 'VM entry with invalid host-state field(s)', ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_INVALID_HOST_STATE_FIELD'],
  [9, 'VMPTRLD with invalid physical address', ['VMPTRLD'], 'VMXERR_VMPTRLD_INVALID_ADDRESS'],
  [10, 'VMPTRLD with VMXON pointer', ['VMPTRLD'], 'VMXERR_VMPTRLD_VMXON_POINTER'],
  [11, 'VMPTRLD with incorrect VMCS revision identifier', ['VMPTRLD'], 'VMXERR_VMPTRLD_INCORRECT_VMCS_REVISION_ID'],
  [12, 'VMREAD/VMWRITE from/to unsupported VMCS component', ['VMREAD', 'VMWRITE'], 'VMXERR_UNSUPPORTED_VMCS_COMPONENT'],
  [13, 'VMWRITE to read-only VMCS component', ['VMWRITE'], 'VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT'],
  [14, 'Reserved', [], null],
  [15, 'VMXON executed in VMX root operation', ['VMXON'], 'VMXERR_VMXON_IN_VMX_ROOT_OPERATION'],
  [16, 'VM entry with invalid executive-VMCS pointer', ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER'],
  [17, 'VM entry with non-launched executive VMCS', ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS'],
  [18, 'VM entry with executive-VMCS pointer not VMXON pointer (when attempting to deactivate the dual-monitor treatment of SMIs and SMM)', ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER'],
  [19, 'VMCALL with non-clear VMCS (when attempting to activate the dual-monitor treatment of SMIs and SMM)', ['VMCALL'], 'VMXERR_VMCALL_NONCLEAR_VMCS'],
  [20, 'VMCALL with invalid VM-exit control fields', ['VMCALL'], 'VMXERR_VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS'],
  [21, 'Reserved', [], null],
  [22, 'VMCALL with incorrect MSEG revision identifier (when attempting to activate the dual-monitor treatment of SMIs and SMM)', ['VMCALL'], 'VMXERR_VMCALL_INCORRECT_MSEG_REVISION_ID'],
  [23, 'VMXOFF under dual-monitor treatment of SMIs and SMM', ['VMXOFF'], 'VMXERR_VMXOFF_UNDER_DUAL_MONITOR_TREATMENT_OF_SMIS_AND_SMM'],
  [24, 'VMCALL with invalid SMM-monitor features (when attempting to activate the dual-monitor treatment of SMIs and SMM)', ['VMCALL'], 'VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES'],
  [25, 'VM entry with invalid VM-execution control fields in executive VMCS (when attempting to return from SMM)', ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS'],
  [26, 'VM entry with events blocked by MOV SS', ['VMLAUNCH', 'VMRESUME'], 'VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS'],
  [27, 'Reserved', [], null],
  [28, 'Invalid operand to INVEPT/INVVPID', ['INVEPT', 'INVVPID'], 'VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID'],
];

/** Numbers 1–28, in order. */
export const VM_INSTRUCTION_ERRORS: readonly VmInstructionErrorInfo[] = Object.freeze(
  ROWS.map(([number, description, raisedBy, linuxName]) =>
    Object.freeze({ number, description, reserved: description === 'Reserved', raisedBy: Object.freeze([...raisedBy]), linuxName }),
  ),
);

export function vmInstructionErrorInfo(n: number): VmInstructionErrorInfo | undefined {
  return Number.isInteger(n) && n >= 1 && n <= 28 ? VM_INSTRUCTION_ERRORS[n - 1] : undefined;
}
