/**
 * Basic VM-exit reasons (bits 15:0 of the exit-reason field, VMCS 0x4402) and the layout of that field.
 *
 * Sources: SDM Vol. 3D App. C Table C-1 (names and descriptions, 0–60 as seen on the xem mirror);
 * Bochs `vmx.h` enum `VMX_vmexit_reason` (0–85); Linux `uapi/asm/vmx.h` (`EXIT_REASON_*`); KUT `x86/vmx.h`
 * (collected in shared/reference/vmx.md §1). Numbers 35, 38, 42, 71, 82, 83 are not defined.
 */

export enum VmExitReason {
  EXCEPTION_OR_NMI = 0,
  EXTERNAL_INTERRUPT = 1,
  TRIPLE_FAULT = 2,
  INIT_SIGNAL = 3,
  SIPI = 4,
  IO_SMI = 5,
  OTHER_SMI = 6,
  INTERRUPT_WINDOW = 7,
  NMI_WINDOW = 8,
  TASK_SWITCH = 9,
  CPUID = 10,
  GETSEC = 11,
  HLT = 12,
  INVD = 13,
  INVLPG = 14,
  RDPMC = 15,
  RDTSC = 16,
  RSM = 17,
  VMCALL = 18,
  VMCLEAR = 19,
  VMLAUNCH = 20,
  VMPTRLD = 21,
  VMPTRST = 22,
  VMREAD = 23,
  VMRESUME = 24,
  VMWRITE = 25,
  VMXOFF = 26,
  VMXON = 27,
  CR_ACCESS = 28,
  MOV_DR = 29,
  IO_INSTRUCTION = 30,
  RDMSR = 31,
  WRMSR = 32,
  ENTRY_FAILURE_GUEST_STATE = 33,
  ENTRY_FAILURE_MSR_LOADING = 34,
  MWAIT = 36,
  MONITOR_TRAP_FLAG = 37,
  MONITOR = 39,
  PAUSE = 40,
  ENTRY_FAILURE_MACHINE_CHECK = 41,
  TPR_BELOW_THRESHOLD = 43,
  APIC_ACCESS = 44,
  VIRTUALIZED_EOI = 45,
  GDTR_IDTR_ACCESS = 46,
  LDTR_TR_ACCESS = 47,
  EPT_VIOLATION = 48,
  EPT_MISCONFIGURATION = 49,
  INVEPT = 50,
  RDTSCP = 51,
  PREEMPTION_TIMER = 52,
  INVVPID = 53,
  WBINVD = 54,
  XSETBV = 55,
  APIC_WRITE = 56,
  RDRAND = 57,
  INVPCID = 58,
  VMFUNC = 59,
  ENCLS = 60,
  RDSEED = 61,
  PML_FULL = 62,
  XSAVES = 63,
  XRSTORS = 64,
  PCONFIG = 65,
  SPP_EVENT = 66,
  UMWAIT = 67,
  TPAUSE = 68,
  LOADIWKEY = 69,
  ENCLV = 70,
  ENQCMD_PASID_FAILURE = 72,
  ENQCMDS_PASID_FAILURE = 73,
  BUS_LOCK = 74,
  INSTRUCTION_TIMEOUT = 75,
  SEAMCALL = 76,
  TDCALL = 77,
  RDMSRLIST = 78,
  WRMSRLIST = 79,
  URDMSR = 80,
  UWRMSR = 81,
  RDMSR_IMM = 84,
  WRMSRNS_IMM = 85,
}

/** What kind of thing caused the exit (for the UI and the trace). */
export type ExitCause = 'instruction' | 'event' | 'entry-failure' | 'smm';

export interface ExitReasonInfo {
  readonly reason: VmExitReason;
  /** The SDM's canonical name (App. C Table C-1 wording). */
  readonly sdmName: string;
  /** Short label for traces and badges. */
  readonly shortName: string;
  /** Linux `EXIT_REASON_*` suffix, or null where Linux defines none. */
  readonly linuxName: string | null;
  readonly description: string;
  /**
   * The exit happens after the instruction or event completed, so guest RIP already points past it
   * (Bochs `IS_TRAP_LIKE_VMEXIT`: 43, 45, 56, 74; plus the monitor trap flag, which exits between
   * instructions after the one that was single-stepped).
   */
  readonly trapLike: boolean;
  /** The exit qualification (0x6400) has a defined format for this reason (SDM Vol. 3C §27.2.1). */
  readonly hasQualification: boolean;
  readonly cause: ExitCause;
}

type Row = readonly [
  reason: VmExitReason,
  sdmName: string,
  shortName: string,
  linuxName: string | null,
  description: string,
  hasQualification: boolean,
  cause: ExitCause,
];

// prettier-ignore
const ROWS: readonly Row[] = [
  [0, 'Exception or non-maskable interrupt (NMI)', 'Exception/NMI', 'EXCEPTION_NMI',
    'An exception whose bit is set in the exception bitmap (including INT3, INTO, BOUND, UD2), or an NMI with "NMI exiting" = 1.', true, 'event'],
  [1, 'External interrupt', 'External interrupt', 'EXTERNAL_INTERRUPT', 'An external interrupt arrived while "external-interrupt exiting" = 1.', false, 'event'],
  [2, 'Triple fault', 'Triple fault', 'TRIPLE_FAULT', 'The guest faulted while delivering a double fault (and the #DF was not intercepted).', false, 'event'],
  [3, 'INIT signal', 'INIT', 'INIT_SIGNAL', 'An INIT signal arrived; in VMX non-root operation INIT always causes a VM exit.', false, 'event'],
  [4, 'Start-up IPI (SIPI)', 'SIPI', null, 'A SIPI arrived while the guest was in the wait-for-SIPI activity state.', true, 'event'],
  [5, 'I/O SMI', 'I/O SMI', null, 'An SMI arrived right after an I/O instruction (dual-monitor SMM treatment).', true, 'smm'],
  [6, 'Other SMI', 'Other SMI', null, 'An SMI arrived that was not right after an I/O instruction (dual-monitor SMM treatment).', false, 'smm'],
  [7, 'Interrupt window', 'Interrupt window', 'INTERRUPT_WINDOW',
    'The guest became able to take an interrupt (IF = 1, no STI/MOV-SS blocking) with "interrupt-window exiting" = 1.', false, 'event'],
  [8, 'NMI window', 'NMI window', 'NMI_WINDOW', 'There is no virtual-NMI blocking and "NMI-window exiting" = 1.', false, 'event'],
  [9, 'Task switch', 'Task switch', 'TASK_SWITCH', 'The guest attempted a task switch (CALL/JMP to a TSS or task gate, IRET with NT, or a task gate in the IDT); always exits.', true, 'instruction'],
  [10, 'CPUID', 'CPUID', 'CPUID', 'The guest executed CPUID; always exits so the VMM decides what the guest sees.', false, 'instruction'],
  [11, 'GETSEC', 'GETSEC', null, 'The guest executed GETSEC; always exits.', false, 'instruction'],
  [12, 'HLT', 'HLT', 'HLT', 'The guest executed HLT with "HLT exiting" = 1.', false, 'instruction'],
  [13, 'INVD', 'INVD', 'INVD', 'The guest executed INVD; always exits.', false, 'instruction'],
  [14, 'INVLPG', 'INVLPG', 'INVLPG', 'The guest executed INVLPG with "INVLPG exiting" = 1; the qualification is the linear address.', true, 'instruction'],
  [15, 'RDPMC', 'RDPMC', 'RDPMC', 'The guest executed RDPMC with "RDPMC exiting" = 1.', false, 'instruction'],
  [16, 'RDTSC', 'RDTSC', 'RDTSC', 'The guest executed RDTSC with "RDTSC exiting" = 1.', false, 'instruction'],
  [17, 'RSM', 'RSM', null, 'RSM was executed in SMM (dual-monitor treatment).', false, 'instruction'],
  [18, 'VMCALL', 'VMCALL', 'VMCALL', 'The guest executed VMCALL: the hypercall instruction, always exits.', false, 'instruction'],
  [19, 'VMCLEAR', 'VMCLEAR', 'VMCLEAR', 'The guest executed VMCLEAR; VMX instructions in non-root operation always exit.', true, 'instruction'],
  [20, 'VMLAUNCH', 'VMLAUNCH', 'VMLAUNCH', 'The guest executed VMLAUNCH.', false, 'instruction'],
  [21, 'VMPTRLD', 'VMPTRLD', 'VMPTRLD', 'The guest executed VMPTRLD.', true, 'instruction'],
  [22, 'VMPTRST', 'VMPTRST', 'VMPTRST', 'The guest executed VMPTRST.', true, 'instruction'],
  [23, 'VMREAD', 'VMREAD', 'VMREAD', 'The guest executed VMREAD (and VMCS shadowing did not satisfy it).', true, 'instruction'],
  [24, 'VMRESUME', 'VMRESUME', 'VMRESUME', 'The guest executed VMRESUME.', false, 'instruction'],
  [25, 'VMWRITE', 'VMWRITE', 'VMWRITE', 'The guest executed VMWRITE (and VMCS shadowing did not satisfy it).', true, 'instruction'],
  [26, 'VMXOFF', 'VMXOFF', 'VMOFF', 'The guest executed VMXOFF.', false, 'instruction'],
  [27, 'VMXON', 'VMXON', 'VMON', 'The guest executed VMXON.', true, 'instruction'],
  [28, 'Control-register accesses', 'CR access', 'CR_ACCESS',
    'MOV to/from CR0, CR3, CR4 or CR8, CLTS or LMSW that the CR masks, shadows or CR3/CR8 controls intercept.', true, 'instruction'],
  [29, 'MOV DR', 'MOV DR', 'DR_ACCESS', 'MOV to or from a debug register with "MOV-DR exiting" = 1.', true, 'instruction'],
  [30, 'I/O instruction', 'I/O instruction', 'IO_INSTRUCTION', 'IN, INS, OUT or OUTS intercepted by unconditional I/O exiting or the I/O bitmaps.', true, 'instruction'],
  [31, 'RDMSR', 'RDMSR', 'MSR_READ', 'RDMSR intercepted (MSR bitmaps off, ECX outside the bitmap ranges, or the read bit set).', false, 'instruction'],
  [32, 'WRMSR', 'WRMSR', 'MSR_WRITE', 'WRMSR intercepted (MSR bitmaps off, ECX outside the bitmap ranges, or the write bit set).', false, 'instruction'],
  [33, 'VM-entry failure due to invalid guest state', 'Entry failure: guest state', 'INVALID_STATE',
    'A guest-state check failed during VM entry; reported with bit 31 set, after the host state was loaded.', true, 'entry-failure'],
  [34, 'VM-entry failure due to MSR loading', 'Entry failure: MSR loading', 'MSR_LOAD_FAIL',
    'An entry of the VM-entry MSR-load list could not be loaded; the qualification is its 1-based index.', true, 'entry-failure'],
  [36, 'MWAIT', 'MWAIT', 'MWAIT_INSTRUCTION', 'The guest executed MWAIT with "MWAIT exiting" = 1.', true, 'instruction'],
  [37, 'Monitor trap flag', 'MTF', 'MONITOR_TRAP_FLAG', 'The instruction after a VM entry with "monitor trap flag" = 1 completed.', false, 'event'],
  [39, 'MONITOR', 'MONITOR', 'MONITOR_INSTRUCTION', 'The guest executed MONITOR with "MONITOR exiting" = 1.', false, 'instruction'],
  [40, 'PAUSE', 'PAUSE', 'PAUSE_INSTRUCTION', 'The guest executed PAUSE with "PAUSE exiting" = 1, or PAUSE-loop exiting detected a spin loop.', false, 'instruction'],
  [41, 'VM-entry failure due to machine-check event', 'Entry failure: machine check', 'MCE_DURING_VMENTRY',
    'A machine-check event occurred during VM entry.', false, 'entry-failure'],
  [43, 'TPR below threshold', 'TPR below threshold', 'TPR_BELOW_THRESHOLD',
    'The guest lowered its virtual TPR below the TPR threshold (trap-like; use TPR shadow).', false, 'instruction'],
  [44, 'APIC access', 'APIC access', 'APIC_ACCESS', 'The guest accessed the APIC-access page with "virtualize APIC accesses" = 1.', true, 'instruction'],
  [45, 'Virtualized EOI', 'Virtualized EOI', 'EOI_INDUCED', 'EOI virtualization for a vector set in the EOI-exit bitmap (trap-like).', true, 'instruction'],
  [46, 'Access to GDTR or IDTR', 'GDTR/IDTR access', 'GDTR_IDTR', 'LGDT, LIDT, SGDT or SIDT with "descriptor-table exiting" = 1.', true, 'instruction'],
  [47, 'Access to LDTR or TR', 'LDTR/TR access', 'LDTR_TR', 'LLDT, LTR, SLDT or STR with "descriptor-table exiting" = 1.', true, 'instruction'],
  [48, 'EPT violation', 'EPT violation', 'EPT_VIOLATION',
    'A guest-physical access was not permitted by the EPT paging structures (or hit a non-present entry).', true, 'instruction'],
  [49, 'EPT misconfiguration', 'EPT misconfiguration', 'EPT_MISCONFIG',
    'An EPT paging-structure entry had an illegal combination of bits (e.g. write without read, reserved bits).', false, 'instruction'],
  [50, 'INVEPT', 'INVEPT', 'INVEPT', 'The guest executed INVEPT; always exits.', true, 'instruction'],
  [51, 'RDTSCP', 'RDTSCP', 'RDTSCP', 'The guest executed RDTSCP with "enable RDTSCP" and "RDTSC exiting" both 1.', false, 'instruction'],
  [52, 'VMX-preemption timer expired', 'Preemption timer', 'PREEMPTION_TIMER', 'The VMX-preemption timer counted down to zero.', false, 'event'],
  [53, 'INVVPID', 'INVVPID', 'INVVPID', 'The guest executed INVVPID; always exits.', true, 'instruction'],
  [54, 'WBINVD', 'WBINVD', 'WBINVD', 'The guest executed WBINVD with "WBINVD exiting" = 1.', false, 'instruction'],
  [55, 'XSETBV', 'XSETBV', 'XSETBV', 'The guest executed XSETBV; always exits.', false, 'instruction'],
  [56, 'APIC write', 'APIC write', 'APIC_WRITE', 'A guest write to the virtual-APIC page needs the VMM to finish virtualizing it (trap-like).', true, 'instruction'],
  [57, 'RDRAND', 'RDRAND', 'RDRAND', 'The guest executed RDRAND with "RDRAND exiting" = 1.', false, 'instruction'],
  [58, 'INVPCID', 'INVPCID', 'INVPCID', 'The guest executed INVPCID with "enable INVPCID" and "INVLPG exiting" both 1.', true, 'instruction'],
  [59, 'VMFUNC', 'VMFUNC', 'VMFUNC', 'The guest invoked a VM function that is not enabled, or one that failed.', false, 'instruction'],
  [60, 'ENCLS', 'ENCLS', 'ENCLS', 'The guest executed an ENCLS leaf selected by the ENCLS-exiting bitmap.', false, 'instruction'],
  [61, 'RDSEED', 'RDSEED', 'RDSEED', 'The guest executed RDSEED with "RDSEED exiting" = 1.', false, 'instruction'],
  [62, 'Page-modification log full', 'PML full', 'PML_FULL', 'The PML index underflowed while logging a guest-physical write.', true, 'instruction'],
  [63, 'XSAVES', 'XSAVES', 'XSAVES', 'XSAVES touched a state component selected by the XSS-exiting bitmap.', true, 'instruction'],
  [64, 'XRSTORS', 'XRSTORS', 'XRSTORS', 'XRSTORS touched a state component selected by the XSS-exiting bitmap.', true, 'instruction'],
  [65, 'PCONFIG', 'PCONFIG', null, 'The guest executed a PCONFIG leaf selected by the PCONFIG-exiting bitmap.', false, 'instruction'],
  [66, 'SPP-related event', 'SPP event', null, 'A sub-page write-permission event (SPP miss or misconfiguration).', true, 'instruction'],
  [67, 'UMWAIT', 'UMWAIT', 'UMWAIT', 'The guest executed UMWAIT and it was intercepted.', false, 'instruction'],
  [68, 'TPAUSE', 'TPAUSE', 'TPAUSE', 'The guest executed TPAUSE and it was intercepted.', false, 'instruction'],
  [69, 'LOADIWKEY', 'LOADIWKEY', null, 'The guest executed LOADIWKEY with "LOADIWKEY exiting" = 1.', false, 'instruction'],
  [70, 'ENCLV', 'ENCLV', null, 'The guest executed an ENCLV leaf selected by the ENCLV-exiting bitmap.', false, 'instruction'],
  [72, 'ENQCMD PASID translation failure', 'ENQCMD PASID failure', null, 'ENQCMD could not translate the guest PASID.', false, 'instruction'],
  [73, 'ENQCMDS PASID translation failure', 'ENQCMDS PASID failure', null, 'ENQCMDS could not translate the guest PASID.', false, 'instruction'],
  [74, 'Bus lock', 'Bus lock', 'BUS_LOCK', 'The guest acquired a bus lock with VMM bus-lock detection enabled (trap-like).', false, 'instruction'],
  [75, 'Instruction timeout (notify)', 'Notify', 'NOTIFY', 'The processor went too long without an interrupt window ("instruction timeout").', true, 'event'],
  [76, 'SEAMCALL', 'SEAMCALL', null, 'SEAMCALL executed (TDX).', false, 'instruction'],
  [77, 'TDCALL', 'TDCALL', 'TDCALL', 'TDCALL executed by a trust-domain guest (TDX).', false, 'instruction'],
  [78, 'RDMSRLIST', 'RDMSRLIST', null, 'RDMSRLIST intercepted.', false, 'instruction'],
  [79, 'WRMSRLIST', 'WRMSRLIST', null, 'WRMSRLIST intercepted.', false, 'instruction'],
  [80, 'URDMSR', 'URDMSR', null, 'URDMSR intercepted.', false, 'instruction'],
  [81, 'UWRMSR', 'UWRMSR', null, 'UWRMSR intercepted.', false, 'instruction'],
  [84, 'RDMSR (immediate form)', 'RDMSR imm', 'MSR_READ_IMM', 'The immediate form of RDMSR intercepted.', false, 'instruction'],
  [85, 'WRMSRNS (immediate form)', 'WRMSRNS imm', 'MSR_WRITE_IMM', 'The immediate form of WRMSRNS intercepted.', false, 'instruction'],
];

const TRAP_LIKE = new Set<number>([37, 43, 45, 56, 74]);

/** One record per defined basic exit reason, in numeric order. */
export const EXIT_REASONS: readonly ExitReasonInfo[] = Object.freeze(
  ROWS.map(([reason, sdmName, shortName, linuxName, description, hasQualification, cause]) =>
    Object.freeze({ reason, sdmName, shortName, linuxName, description, trapLike: TRAP_LIKE.has(reason), hasQualification, cause }),
  ),
);

const BY_REASON: readonly (ExitReasonInfo | undefined)[] = (() => {
  const t: (ExitReasonInfo | undefined)[] = new Array(86).fill(undefined);
  for (const r of EXIT_REASONS) t[r.reason] = r;
  return t;
})();

/** Info for a basic exit reason (bits 15:0 of the field; higher bits are ignored). */
export function exitReasonInfo(basicReason: number): ExitReasonInfo | undefined {
  return BY_REASON[basicReason & 0xffff];
}

// ---------------------------------------------------------------- exit-reason field (0x4402) layout
// SDM Vol. 3C §24.9.1 Table 24-14; KUT `union exit_reason`; Bochs `VMexit`.
export const EXIT_REASON_BASIC_MASK = 0x0000ffff;
/** Bit 25: shadow stack prematurely busy. */
export const EXIT_REASON_SHADOW_STACK_BUSY = 0x02000000;
/** Bit 26: VMM bus-lock detection asserted (exit also reports a bus lock). */
export const EXIT_REASON_BUS_LOCK = 0x04000000;
/** Bit 27: VM exit from enclave mode. */
export const EXIT_REASON_ENCLAVE_MODE = 0x08000000;
/** Bit 28: pending MTF VM exit (SMM VM exits only). */
export const EXIT_REASON_PENDING_MTF = 0x10000000;
/** Bit 29: VM exit from VMX root operation (SMM VM exits only). */
export const EXIT_REASON_FROM_VMX_ROOT = 0x20000000;
/** Bit 31: VM-entry failure (set only with reasons 33, 34, 41). Linux VMX_EXIT_REASONS_FAILED_VMENTRY. */
export const EXIT_REASON_ENTRY_FAILURE = 0x80000000;

export function basicExitReason(field: number): number {
  return field & EXIT_REASON_BASIC_MASK;
}

export function isEntryFailure(field: number): boolean {
  return (field & EXIT_REASON_ENTRY_FAILURE) !== 0;
}

/** The exit-reason field value for a basic reason; entry failures (33, 34, 41) get bit 31. */
export function makeExitReasonField(basic: number, extraBits = 0): number {
  const failure =
    basic === VmExitReason.ENTRY_FAILURE_GUEST_STATE ||
    basic === VmExitReason.ENTRY_FAILURE_MSR_LOADING ||
    basic === VmExitReason.ENTRY_FAILURE_MACHINE_CHECK;
  return ((basic & EXIT_REASON_BASIC_MASK) | extraBits | (failure ? EXIT_REASON_ENTRY_FAILURE : 0)) >>> 0;
}

export interface DecodedExitReasonField {
  readonly basic: number;
  readonly info: ExitReasonInfo | undefined;
  readonly entryFailure: boolean;
  readonly enclaveMode: boolean;
  readonly pendingMtf: boolean;
  readonly fromVmxRoot: boolean;
  readonly busLock: boolean;
  readonly shadowStackBusy: boolean;
}

export function decodeExitReasonField(field: number): DecodedExitReasonField {
  const basic = field & EXIT_REASON_BASIC_MASK;
  return {
    basic,
    info: exitReasonInfo(basic),
    entryFailure: (field & EXIT_REASON_ENTRY_FAILURE) !== 0,
    enclaveMode: (field & EXIT_REASON_ENCLAVE_MODE) !== 0,
    pendingMtf: (field & EXIT_REASON_PENDING_MTF) !== 0,
    fromVmxRoot: (field & EXIT_REASON_FROM_VMX_ROOT) !== 0,
    busLock: (field & EXIT_REASON_BUS_LOCK) !== 0,
    shadowStackBusy: (field & EXIT_REASON_SHADOW_STACK_BUSY) !== 0,
  };
}
