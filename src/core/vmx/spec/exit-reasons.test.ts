import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  EXIT_REASONS,
  EXIT_REASON_ENTRY_FAILURE,
  VmExitReason,
  basicExitReason,
  decodeExitReasonField,
  exitReasonInfo,
  isEntryFailure,
  makeExitReasonField,
} from './exit-reasons.ts';
import { VM_INSTRUCTION_ERRORS, VmInstructionError, vmInstructionErrorInfo } from './instruction-errors.ts';

// SDM App. C Table C-1 as vmx.md §1 gives it.
const SDM_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0, 'Exception or non-maskable interrupt (NMI)'], [1, 'External interrupt'], [2, 'Triple fault'], [3, 'INIT signal'],
  [4, 'Start-up IPI (SIPI)'], [5, 'I/O SMI'], [6, 'Other SMI'], [7, 'Interrupt window'], [8, 'NMI window'],
  [9, 'Task switch'], [10, 'CPUID'], [11, 'GETSEC'], [12, 'HLT'], [13, 'INVD'], [14, 'INVLPG'], [15, 'RDPMC'],
  [16, 'RDTSC'], [17, 'RSM'], [18, 'VMCALL'], [19, 'VMCLEAR'], [20, 'VMLAUNCH'], [21, 'VMPTRLD'], [22, 'VMPTRST'],
  [23, 'VMREAD'], [24, 'VMRESUME'], [25, 'VMWRITE'], [26, 'VMXOFF'], [27, 'VMXON'], [28, 'Control-register accesses'],
  [29, 'MOV DR'], [30, 'I/O instruction'], [31, 'RDMSR'], [32, 'WRMSR'],
  [33, 'VM-entry failure due to invalid guest state'], [34, 'VM-entry failure due to MSR loading'], [36, 'MWAIT'],
  [37, 'Monitor trap flag'], [39, 'MONITOR'], [40, 'PAUSE'], [41, 'VM-entry failure due to machine-check event'],
  [43, 'TPR below threshold'], [44, 'APIC access'], [45, 'Virtualized EOI'], [46, 'Access to GDTR or IDTR'],
  [47, 'Access to LDTR or TR'], [48, 'EPT violation'], [49, 'EPT misconfiguration'], [50, 'INVEPT'], [51, 'RDTSCP'],
  [52, 'VMX-preemption timer expired'], [53, 'INVVPID'], [54, 'WBINVD'], [55, 'XSETBV'], [56, 'APIC write'],
  [57, 'RDRAND'], [58, 'INVPCID'], [59, 'VMFUNC'], [60, 'ENCLS'], [61, 'RDSEED'],
];

describe('VmExitReason', () => {
  it('has the SDM numbers', () => {
    expect(VmExitReason.EXCEPTION_OR_NMI).toBe(0);
    expect(VmExitReason.TRIPLE_FAULT).toBe(2);
    expect(VmExitReason.INTERRUPT_WINDOW).toBe(7);
    expect(VmExitReason.CPUID).toBe(10);
    expect(VmExitReason.HLT).toBe(12);
    expect(VmExitReason.VMCALL).toBe(18);
    expect(VmExitReason.VMXON).toBe(27);
    expect(VmExitReason.CR_ACCESS).toBe(28);
    expect(VmExitReason.IO_INSTRUCTION).toBe(30);
    expect(VmExitReason.WRMSR).toBe(32);
    expect(VmExitReason.ENTRY_FAILURE_GUEST_STATE).toBe(33);
    expect(VmExitReason.ENTRY_FAILURE_MSR_LOADING).toBe(34);
    expect(VmExitReason.MWAIT).toBe(36);
    expect(VmExitReason.MONITOR_TRAP_FLAG).toBe(37);
    expect(VmExitReason.MONITOR).toBe(39);
    expect(VmExitReason.ENTRY_FAILURE_MACHINE_CHECK).toBe(41);
    expect(VmExitReason.TPR_BELOW_THRESHOLD).toBe(43);
    expect(VmExitReason.GDTR_IDTR_ACCESS).toBe(46);
    expect(VmExitReason.EPT_VIOLATION).toBe(48);
    expect(VmExitReason.EPT_MISCONFIGURATION).toBe(49);
    expect(VmExitReason.PREEMPTION_TIMER).toBe(52);
    expect(VmExitReason.XSETBV).toBe(55);
    expect(VmExitReason.RDSEED).toBe(61);
    expect(VmExitReason.BUS_LOCK).toBe(74);
    expect(VmExitReason.WRMSRNS_IMM).toBe(85);
  });

  it('has a record for every enum member and no undefined number', () => {
    const numbers = Object.values(VmExitReason).filter((v): v is number => typeof v === 'number');
    expect(EXIT_REASONS.map((r) => r.reason)).toEqual(numbers.sort((a, b) => a - b));
    for (const n of [35, 38, 42, 71, 82, 83]) expect(exitReasonInfo(n)).toBeUndefined();
  });

  it('uses the SDM canonical names of App. C', () => {
    for (const [n, name] of SDM_NAMES) expect(exitReasonInfo(n)?.sdmName, `reason ${n}`).toBe(name);
  });

  it('has short names, Linux names and the trap-like set', () => {
    expect(exitReasonInfo(28)!.shortName).toBe('CR access');
    expect(exitReasonInfo(30)!.shortName).toBe('I/O instruction');
    expect(exitReasonInfo(10)!.shortName).toBe('CPUID');
    expect(exitReasonInfo(31)!.linuxName).toBe('MSR_READ');
    expect(exitReasonInfo(26)!.linuxName).toBe('VMOFF');
    expect(exitReasonInfo(4)!.linuxName).toBeNull();
    expect(EXIT_REASONS.filter((r) => r.trapLike).map((r) => r.reason)).toEqual([37, 43, 45, 56, 74]);
  });

  it('marks the reasons without a qualification per vmx.md §5.5', () => {
    for (const n of [1, 2, 3, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18, 31, 32, 37, 40, 52, 54, 55, 57, 61])
      expect(exitReasonInfo(n)!.hasQualification, `reason ${n}`).toBe(false);
    for (const n of [0, 9, 14, 19, 21, 22, 23, 25, 27, 28, 29, 30, 33, 34, 36, 46, 47, 48, 50, 53, 58])
      expect(exitReasonInfo(n)!.hasQualification, `reason ${n}`).toBe(true);
  });
});

describe('exit-reason field', () => {
  it('sets bit 31 only for VM-entry failures', () => {
    expect(makeExitReasonField(33)).toBe(0x80000021);
    expect(makeExitReasonField(34)).toBe(0x80000022);
    expect(makeExitReasonField(41)).toBe(0x80000029);
    expect(makeExitReasonField(VmExitReason.CPUID)).toBe(10);
    expect(isEntryFailure(0x80000021)).toBe(true);
    expect(basicExitReason(0x80000021)).toBe(33);
    expect(EXIT_REASON_ENTRY_FAILURE).toBe(0x80000000);
  });

  it('decodes the flag bits', () => {
    const d = decodeExitReasonField(0x80000021);
    expect(d.basic).toBe(33);
    expect(d.entryFailure).toBe(true);
    expect(d.info!.sdmName).toBe('VM-entry failure due to invalid guest state');
    expect(decodeExitReasonField(0x08000030).enclaveMode).toBe(true);
    expect(decodeExitReasonField(0x30000006)).toMatchObject({ pendingMtf: true, fromVmxRoot: true });
  });
});

describe('VM-instruction errors (SDM Table 30-1)', () => {
  it('lists 1–28 with the SDM descriptions', () => {
    expect(VM_INSTRUCTION_ERRORS.map((e) => e.number)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(VM_INSTRUCTION_ERRORS.filter((e) => e.reserved).map((e) => e.number)).toEqual([14, 21, 27]);
    const d = (n: number) => vmInstructionErrorInfo(n)!.description;
    expect(d(1)).toBe('VMCALL executed in VMX root operation');
    expect(d(2)).toBe('VMCLEAR with invalid physical address');
    expect(d(3)).toBe('VMCLEAR with VMXON pointer');
    expect(d(4)).toBe('VMLAUNCH with non-clear VMCS');
    expect(d(5)).toBe('VMRESUME with non-launched VMCS');
    expect(d(6)).toMatch(/^VMRESUME after VMXOFF/);
    expect(d(7)).toBe('VM entry with invalid control field(s)');
    expect(d(8)).toBe('VM entry with invalid host-state field(s)');
    expect(d(9)).toBe('VMPTRLD with invalid physical address');
    expect(d(10)).toBe('VMPTRLD with VMXON pointer');
    expect(d(11)).toBe('VMPTRLD with incorrect VMCS revision identifier');
    expect(d(12)).toBe('VMREAD/VMWRITE from/to unsupported VMCS component');
    expect(d(13)).toBe('VMWRITE to read-only VMCS component');
    expect(d(15)).toBe('VMXON executed in VMX root operation');
    expect(d(16)).toBe('VM entry with invalid executive-VMCS pointer');
    expect(d(17)).toBe('VM entry with non-launched executive VMCS');
    expect(d(18)).toMatch(/^VM entry with executive-VMCS pointer not VMXON pointer/);
    expect(d(19)).toMatch(/^VMCALL with non-clear VMCS/);
    expect(d(20)).toBe('VMCALL with invalid VM-exit control fields');
    expect(d(22)).toMatch(/^VMCALL with incorrect MSEG revision identifier/);
    expect(d(23)).toBe('VMXOFF under dual-monitor treatment of SMIs and SMM');
    expect(d(24)).toMatch(/^VMCALL with invalid SMM-monitor features/);
    expect(d(25)).toMatch(/^VM entry with invalid VM-execution control fields in executive VMCS/);
    expect(d(26)).toBe('VM entry with events blocked by MOV SS');
    expect(d(28)).toBe('Invalid operand to INVEPT/INVVPID');
    expect(vmInstructionErrorInfo(0)).toBeUndefined();
    expect(vmInstructionErrorInfo(29)).toBeUndefined();
  });

  it('has enum members for every non-reserved number', () => {
    expect(VmInstructionError.VMCALL_IN_VMX_ROOT_OPERATION).toBe(1);
    expect(VmInstructionError.VMLAUNCH_NONCLEAR_VMCS).toBe(4);
    expect(VmInstructionError.ENTRY_INVALID_CONTROL_FIELD).toBe(7);
    expect(VmInstructionError.ENTRY_INVALID_HOST_STATE_FIELD).toBe(8);
    expect(VmInstructionError.VMPTRLD_INCORRECT_VMCS_REVISION_ID).toBe(11);
    expect(VmInstructionError.UNSUPPORTED_VMCS_COMPONENT).toBe(12);
    expect(VmInstructionError.VMWRITE_READ_ONLY_VMCS_COMPONENT).toBe(13);
    expect(VmInstructionError.VMXON_IN_VMX_ROOT_OPERATION).toBe(15);
    expect(VmInstructionError.ENTRY_EVENTS_BLOCKED_BY_MOV_SS).toBe(26);
    expect(VmInstructionError.INVALID_OPERAND_TO_INVEPT_INVVPID).toBe(28);
    const members = Object.values(VmInstructionError).filter((v): v is number => typeof v === 'number');
    expect(members.sort((a, b) => a - b)).toEqual(VM_INSTRUCTION_ERRORS.filter((e) => !e.reserved).map((e) => e.number));
  });
});

const here = dirname(fileURLToPath(import.meta.url));
const VMX_MD = resolve(here, '../../../../docs/reference/vmx.md');
describe('agreement with shared/reference/vmx.md §1 and §2', () => {
  it('has every exit reason of §1 with its canonical name and Linux name', () => {
    const text = readFileSync(VMX_MD, 'utf8');
    const s1 = text.slice(text.indexOf('## 1. Basic exit reasons'), text.indexOf('**Exit-reason field'));
    const rows = [...s1.matchAll(/^\| (\d+) \| ([^|]+?) \| ([^|]+?) \|/gm)];
    expect(rows.length).toBe(EXIT_REASONS.length);
    for (const [, n, sdm, linux] of rows) {
      const info = exitReasonInfo(Number(n))!;
      expect(info.sdmName).toBe(sdm);
      const linuxName = linux!.split(' ')[0]!;
      expect(info.linuxName ?? '—').toBe(linuxName);
    }
  });

  it('has every error number of §2', () => {
    const text = readFileSync(VMX_MD, 'utf8');
    const s2 = text.slice(text.indexOf('## 2. VM-instruction error numbers'), text.indexOf('## 3. VMCS field encodings'));
    const rows = [...s2.matchAll(/^\| (\d+) \| ([^|]+?) \|/gm)];
    expect(rows.map((r) => Number(r[1]))).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
  });
});
