/**
 * Basic VM-exit reasons (bits 15:0 of the exit-reason field, VMCS 0x4402) and the layout of that field.
 *
 * Sources: SDM Vol. 3D App. C Table C-1 (names and descriptions, 0–60 as seen on the xem mirror);
 * Bochs `vmx.h` enum `VMX_vmexit_reason` (0–85); Linux `uapi/asm/vmx.h` (`EXIT_REASON_*`); KUT `x86/vmx.h`
 * (collected in shared/reference/vmx.md §1). Numbers 35, 38, 42, 71, 82, 83 are not defined.
 */

// Descriptions come from the string catalogue (issue 8); SDM names stay here as data.
import { t } from '../../../i18n/t.ts';

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
  [0, 'Exception or non-maskable interrupt (NMI)', 'Exception/NMI', 'EXCEPTION_NMI', t('sdm.exit.exceptionOrNmi'), true, 'event'], // i18n-ignore: SDM exit-reason names
  [1, 'External interrupt', 'External interrupt', 'EXTERNAL_INTERRUPT', t('sdm.exit.externalInterrupt'), false, 'event'], // i18n-ignore: SDM exit-reason names
  [2, 'Triple fault', 'Triple fault', 'TRIPLE_FAULT', t('sdm.exit.tripleFault'), false, 'event'], // i18n-ignore: SDM exit-reason names
  [3, 'INIT signal', 'INIT', 'INIT_SIGNAL', t('sdm.exit.initSignal'), false, 'event'], // i18n-ignore: SDM exit-reason names
  [4, 'Start-up IPI (SIPI)', 'SIPI', null, t('sdm.exit.sipi'), true, 'event'], // i18n-ignore: SDM exit-reason names
  [5, 'I/O SMI', 'I/O SMI', null, t('sdm.exit.ioSmi'), true, 'smm'], // i18n-ignore: SDM exit-reason names
  [6, 'Other SMI', 'Other SMI', null, t('sdm.exit.otherSmi'), false, 'smm'], // i18n-ignore: SDM exit-reason names
  [7, 'Interrupt window', 'Interrupt window', 'INTERRUPT_WINDOW', t('sdm.exit.interruptWindow'), false, 'event'], // i18n-ignore: SDM exit-reason names
  [8, 'NMI window', 'NMI window', 'NMI_WINDOW', t('sdm.exit.nmiWindow'), false, 'event'], // i18n-ignore: SDM exit-reason names
  [9, 'Task switch', 'Task switch', 'TASK_SWITCH', t('sdm.exit.taskSwitch'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [10, 'CPUID', 'CPUID', 'CPUID', t('sdm.exit.cpuid'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [11, 'GETSEC', 'GETSEC', null, t('sdm.exit.getsec'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [12, 'HLT', 'HLT', 'HLT', t('sdm.exit.hlt'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [13, 'INVD', 'INVD', 'INVD', t('sdm.exit.invd'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [14, 'INVLPG', 'INVLPG', 'INVLPG', t('sdm.exit.invlpg'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [15, 'RDPMC', 'RDPMC', 'RDPMC', t('sdm.exit.rdpmc'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [16, 'RDTSC', 'RDTSC', 'RDTSC', t('sdm.exit.rdtsc'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [17, 'RSM', 'RSM', null, t('sdm.exit.rsm'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [18, 'VMCALL', 'VMCALL', 'VMCALL', t('sdm.exit.vmcall'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [19, 'VMCLEAR', 'VMCLEAR', 'VMCLEAR', t('sdm.exit.vmclear'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [20, 'VMLAUNCH', 'VMLAUNCH', 'VMLAUNCH', t('sdm.exit.vmlaunch'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [21, 'VMPTRLD', 'VMPTRLD', 'VMPTRLD', t('sdm.exit.vmptrld'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [22, 'VMPTRST', 'VMPTRST', 'VMPTRST', t('sdm.exit.vmptrst'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [23, 'VMREAD', 'VMREAD', 'VMREAD', t('sdm.exit.vmread'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [24, 'VMRESUME', 'VMRESUME', 'VMRESUME', t('sdm.exit.vmresume'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [25, 'VMWRITE', 'VMWRITE', 'VMWRITE', t('sdm.exit.vmwrite'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [26, 'VMXOFF', 'VMXOFF', 'VMOFF', t('sdm.exit.vmxoff'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [27, 'VMXON', 'VMXON', 'VMON', t('sdm.exit.vmxon'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [28, 'Control-register accesses', 'CR access', 'CR_ACCESS', t('sdm.exit.crAccess'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [29, 'MOV DR', 'MOV DR', 'DR_ACCESS', t('sdm.exit.movDr'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [30, 'I/O instruction', 'I/O instruction', 'IO_INSTRUCTION', t('sdm.exit.ioInstruction'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [31, 'RDMSR', 'RDMSR', 'MSR_READ', t('sdm.exit.rdmsr'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [32, 'WRMSR', 'WRMSR', 'MSR_WRITE', t('sdm.exit.wrmsr'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [33, 'VM-entry failure due to invalid guest state', 'Entry failure: guest state', 'INVALID_STATE', t('sdm.exit.entryFailureGuestState'), true, 'entry-failure'], // i18n-ignore: SDM exit-reason names
  [34, 'VM-entry failure due to MSR loading', 'Entry failure: MSR loading', 'MSR_LOAD_FAIL', t('sdm.exit.entryFailureMsrLoading'), true, 'entry-failure'], // i18n-ignore: SDM exit-reason names
  [36, 'MWAIT', 'MWAIT', 'MWAIT_INSTRUCTION', t('sdm.exit.mwait'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [37, 'Monitor trap flag', 'MTF', 'MONITOR_TRAP_FLAG', t('sdm.exit.monitorTrapFlag'), false, 'event'], // i18n-ignore: SDM exit-reason names
  [39, 'MONITOR', 'MONITOR', 'MONITOR_INSTRUCTION', t('sdm.exit.monitor'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [40, 'PAUSE', 'PAUSE', 'PAUSE_INSTRUCTION', t('sdm.exit.pause'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [41, 'VM-entry failure due to machine-check event', 'Entry failure: machine check', 'MCE_DURING_VMENTRY', t('sdm.exit.entryFailureMachineCheck'), false, 'entry-failure'], // i18n-ignore: SDM exit-reason names
  [43, 'TPR below threshold', 'TPR below threshold', 'TPR_BELOW_THRESHOLD', t('sdm.exit.tprBelowThreshold'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [44, 'APIC access', 'APIC access', 'APIC_ACCESS', t('sdm.exit.apicAccess'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [45, 'Virtualized EOI', 'Virtualized EOI', 'EOI_INDUCED', t('sdm.exit.virtualizedEoi'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [46, 'Access to GDTR or IDTR', 'GDTR/IDTR access', 'GDTR_IDTR', t('sdm.exit.gdtrIdtrAccess'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [47, 'Access to LDTR or TR', 'LDTR/TR access', 'LDTR_TR', t('sdm.exit.ldtrTrAccess'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [48, 'EPT violation', 'EPT violation', 'EPT_VIOLATION', t('sdm.exit.eptViolation'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [49, 'EPT misconfiguration', 'EPT misconfiguration', 'EPT_MISCONFIG', t('sdm.exit.eptMisconfiguration'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [50, 'INVEPT', 'INVEPT', 'INVEPT', t('sdm.exit.invept'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [51, 'RDTSCP', 'RDTSCP', 'RDTSCP', t('sdm.exit.rdtscp'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [52, 'VMX-preemption timer expired', 'Preemption timer', 'PREEMPTION_TIMER', t('sdm.exit.preemptionTimer'), false, 'event'], // i18n-ignore: SDM exit-reason names
  [53, 'INVVPID', 'INVVPID', 'INVVPID', t('sdm.exit.invvpid'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [54, 'WBINVD', 'WBINVD', 'WBINVD', t('sdm.exit.wbinvd'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [55, 'XSETBV', 'XSETBV', 'XSETBV', t('sdm.exit.xsetbv'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [56, 'APIC write', 'APIC write', 'APIC_WRITE', t('sdm.exit.apicWrite'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [57, 'RDRAND', 'RDRAND', 'RDRAND', t('sdm.exit.rdrand'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [58, 'INVPCID', 'INVPCID', 'INVPCID', t('sdm.exit.invpcid'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [59, 'VMFUNC', 'VMFUNC', 'VMFUNC', t('sdm.exit.vmfunc'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [60, 'ENCLS', 'ENCLS', 'ENCLS', t('sdm.exit.encls'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [61, 'RDSEED', 'RDSEED', 'RDSEED', t('sdm.exit.rdseed'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [62, 'Page-modification log full', 'PML full', 'PML_FULL', t('sdm.exit.pmlFull'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [63, 'XSAVES', 'XSAVES', 'XSAVES', t('sdm.exit.xsaves'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [64, 'XRSTORS', 'XRSTORS', 'XRSTORS', t('sdm.exit.xrstors'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [65, 'PCONFIG', 'PCONFIG', null, t('sdm.exit.pconfig'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [66, 'SPP-related event', 'SPP event', null, t('sdm.exit.sppEvent'), true, 'instruction'], // i18n-ignore: SDM exit-reason names
  [67, 'UMWAIT', 'UMWAIT', 'UMWAIT', t('sdm.exit.umwait'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [68, 'TPAUSE', 'TPAUSE', 'TPAUSE', t('sdm.exit.tpause'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [69, 'LOADIWKEY', 'LOADIWKEY', null, t('sdm.exit.loadiwkey'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [70, 'ENCLV', 'ENCLV', null, t('sdm.exit.enclv'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [72, 'ENQCMD PASID translation failure', 'ENQCMD PASID failure', null, t('sdm.exit.enqcmdPasidFailure'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [73, 'ENQCMDS PASID translation failure', 'ENQCMDS PASID failure', null, t('sdm.exit.enqcmdsPasidFailure'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [74, 'Bus lock', 'Bus lock', 'BUS_LOCK', t('sdm.exit.busLock'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [75, 'Instruction timeout (notify)', 'Notify', 'NOTIFY', t('sdm.exit.instructionTimeout'), true, 'event'], // i18n-ignore: SDM exit-reason names
  [76, 'SEAMCALL', 'SEAMCALL', null, t('sdm.exit.seamcall'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [77, 'TDCALL', 'TDCALL', 'TDCALL', t('sdm.exit.tdcall'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [78, 'RDMSRLIST', 'RDMSRLIST', null, t('sdm.exit.rdmsrlist'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [79, 'WRMSRLIST', 'WRMSRLIST', null, t('sdm.exit.wrmsrlist'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [80, 'URDMSR', 'URDMSR', null, t('sdm.exit.urdmsr'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [81, 'UWRMSR', 'UWRMSR', null, t('sdm.exit.uwrmsr'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [84, 'RDMSR (immediate form)', 'RDMSR imm', 'MSR_READ_IMM', t('sdm.exit.rdmsrImm'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
  [85, 'WRMSRNS (immediate form)', 'WRMSRNS imm', 'MSR_WRITE_IMM', t('sdm.exit.wrmsrnsImm'), false, 'instruction'], // i18n-ignore: SDM exit-reason names
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
