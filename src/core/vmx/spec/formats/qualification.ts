/**
 * Exit-qualification formats (VMCS 0x6400), SDM Vol. 3C §27.2.1 Tables 27-1 … 27-7 (2016 numbering).
 *
 * Encoders take plain numbers and return the qualification as an unsigned 32-bit number (VT Lab is IA-32,
 * so natural width is 32 bits); they allocate nothing, because the VM-exit path calls them. Decoders are for
 * the UI and the CLI trace.
 */
import { VmExitReason } from '../exit-reasons.ts';
// Words come from the string catalogue (issue 8); SDM names and mnemonics stay here as data.
import { t } from '../../../../i18n/t.ts';
import { type Decoded, type DecodedPart, bitsOf, field, gprName, hex, part, yesNo } from './parts.ts';

// ================================================================ control-register accesses (reason 28)
// SDM Vol. 3C Table 27-3; Linux CONTROL_REG_ACCESS_*; Bochs vmexit.cc.

/** Access type, bits 5:4. */
export const CrAccessType = Object.freeze({ MOV_TO_CR: 0, MOV_FROM_CR: 1, CLTS: 2, LMSW: 3 } as const);
const CR_ACCESS_TYPE_NAMES = [t('sdm.qual.movToCr'), t('sdm.qual.movFromCr'), 'CLTS', 'LMSW'] as const;

/**
 * Qualification for a control-register access. The SDM defines bits 11:8 only for MOV CR (0 otherwise),
 * bit 6 and bits 31:16 only for LMSW (0 otherwise); the encoder enforces those zeros.
 */
export function encodeCrAccessQualification(
  cr: number,
  accessType: number,
  gpr: number,
  lmswMemoryOperand: boolean,
  lmswSourceData: number,
): number {
  const type = accessType & 3;
  let q = (cr & 0xf) | (type << 4);
  if (type === CrAccessType.MOV_TO_CR || type === CrAccessType.MOV_FROM_CR) q |= (gpr & 0xf) << 8;
  if (type === CrAccessType.LMSW) {
    if (lmswMemoryOperand) q |= 0x40;
    q |= (lmswSourceData & 0xffff) << 16;
  }
  return q >>> 0;
}

/** MOV to CRn from a GPR (toCr = true) or MOV from CRn to a GPR. Example: MOV CR3, EAX → 0x3. */
export function encodeMovCrQualification(cr: number, toCr: boolean, gpr: number): number {
  return encodeCrAccessQualification(cr, toCr ? CrAccessType.MOV_TO_CR : CrAccessType.MOV_FROM_CR, gpr, false, 0);
}

/** CLTS → 0x20 (CR number 0, access type 2). */
export function encodeCltsQualification(): number {
  return encodeCrAccessQualification(0, CrAccessType.CLTS, 0, false, 0);
}

/** LMSW with source data (the 16-bit operand). Register form: 0x30 | v << 16; memory form adds bit 6. */
export function encodeLmswQualification(sourceData: number, memoryOperand: boolean): number {
  return encodeCrAccessQualification(0, CrAccessType.LMSW, 0, memoryOperand, sourceData);
}

export function decodeCrAccessQualification(q: number): Decoded {
  const cr = bitsOf(q, 3, 0);
  const type = bitsOf(q, 5, 4);
  const gpr = bitsOf(q, 11, 8);
  const src = bitsOf(q, 31, 16);
  const parts: DecodedPart[] = [
    part(t('sdm.qual.controlRegister'), 3, 0, cr, `CR${cr}`),
    part(t('sdm.qual.accessType'), 5, 4, type, CR_ACCESS_TYPE_NAMES[type]!),
    field(q, t('sdm.qual.lmswOperandType'), 6, 6, (v) => (type !== CrAccessType.LMSW ? t('sdm.qual.notLmsw0') : v ? t('sdm.part.memory') : t('sdm.part.register'))),
    field(q, t('sdm.part.reserved'), 7, 7, (v) => (v ? t('sdm.part.setShouldBe0') : '0')),
    part(t('sdm.qual.generalPurposeRegister'), 11, 8, gpr, type <= 1 ? gprName(gpr) : t('sdm.qual.notMovCr0')),
    field(q, t('sdm.part.reserved'), 15, 12, (v) => (v ? t('sdm.part.setShouldBe0') : '0')),
    part(t('sdm.qual.lmswSourceData'), 31, 16, src, type === CrAccessType.LMSW ? hex(src, 4) : t('sdm.qual.notLmsw0')),
  ];
  let summary: string;
  switch (type) {
    case CrAccessType.MOV_TO_CR:
      summary = t('sdm.qual.movToCrSummary', { cr, gpr: gprName(gpr) });
      break;
    case CrAccessType.MOV_FROM_CR:
      summary = t('sdm.qual.movFromCrSummary', { cr, gpr: gprName(gpr) });
      break;
    case CrAccessType.CLTS:
      summary = 'CLTS';
      break;
    default:
      summary = t('sdm.qual.lmswSummary', { data: hex(src, 4), operand: bitsOf(q, 6, 6) ? t('sdm.part.memory') : t('sdm.part.register') });
  }
  return { parts, summary };
}

// ================================================================ MOV DR (reason 29)
// SDM Vol. 3C Table 27-4; Linux DEBUG_REG_ACCESS_*.

/** Direction, bit 4. */
export const MovDrDirection = Object.freeze({ TO_DR: 0, FROM_DR: 1 } as const);

/** MOV DR7 ← EAX → 0x007; MOV ECX ← DR6 → 0x116. */
export function encodeMovDrQualification(dr: number, fromDr: boolean, gpr: number): number {
  return ((dr & 7) | (fromDr ? 0x10 : 0) | ((gpr & 0xf) << 8)) >>> 0;
}

export function decodeMovDrQualification(q: number): Decoded {
  const dr = bitsOf(q, 2, 0);
  const dir = bitsOf(q, 4, 4);
  const gpr = bitsOf(q, 11, 8);
  return {
    parts: [
      part(t('sdm.qual.debugRegister'), 2, 0, dr, `DR${dr}`),
      part(t('sdm.qual.direction'), 4, 4, dir, dir ? t('sdm.qual.movFromDr') : t('sdm.qual.movToDr')),
      part(t('sdm.qual.generalPurposeRegister'), 11, 8, gpr, gprName(gpr)),
    ],
    // i18n-ignore: assembly syntax
    summary: dir ? `MOV ${gprName(gpr)} ← DR${dr}` : `MOV DR${dr} ← ${gprName(gpr)}`,
  };
}

// ================================================================ I/O instructions (reason 30)
// SDM Vol. 3C Table 27-5; KUT VMX_IO_*; Bochs VMexit_IO.

/**
 * I/O qualification. size = 1, 2 or 4 bytes (stored as size − 1 in bits 2:0); in = IN/INS; string = INS/OUTS;
 * rep = REP prefix; immediate = port given as imm8 (else DX); port in bits 31:16.
 * Examples: `in al,0x80` → 0x00800048; `out dx,al` (DX=3F8H) → 0x03F80000; `rep outsb` → 0x03F80030.
 */
export function encodeIoQualification(
  size: number,
  isIn: boolean,
  isString: boolean,
  isRep: boolean,
  immediateOperand: boolean,
  port: number,
): number {
  return (
    (((size - 1) & 7) |
      (isIn ? 0x08 : 0) |
      (isString ? 0x10 : 0) |
      (isRep ? 0x20 : 0) |
      (immediateOperand ? 0x40 : 0) |
      ((port & 0xffff) << 16)) >>>
    0
  );
}

const IO_SIZE_MEANING = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => (n === 0 || n === 1 || n === 3 ? t('sdm.qual.ioSize', { count: n + 1 }) : t('sdm.part.reservedN', { n })));

export function decodeIoQualification(q: number): Decoded {
  const sizeM1 = bitsOf(q, 2, 0);
  const isIn = bitsOf(q, 3, 3);
  const str = bitsOf(q, 4, 4);
  const rep = bitsOf(q, 5, 5);
  const imm = bitsOf(q, 6, 6);
  const port = bitsOf(q, 31, 16);
  const bytes = sizeM1 + 1;
  const suffix = bytes === 1 ? 'b' : bytes === 2 ? 'w' : 'd';
  const acc = bytes === 1 ? 'AL' : bytes === 2 ? 'AX' : 'EAX';
  const portText = imm ? hex(port, 2) : `DX (${hex(port, 4)})`;
  let summary: string;
  if (str) summary = t('sdm.qual.ioStringSummary', { insn: `${rep ? 'rep ' : ''}${isIn ? 'ins' : 'outs'}${suffix}`, port: hex(port, 4) });
  else summary = isIn ? `in ${acc}, ${portText}` : `out ${portText}, ${acc}`;
  return {
    parts: [
      part(t('sdm.qual.sizeOfAccess'), 2, 0, sizeM1, IO_SIZE_MEANING[sizeM1]!),
      part(t('sdm.qual.direction'), 3, 3, isIn, isIn ? 'IN' : 'OUT'),
      part(t('sdm.qual.stringInstruction'), 4, 4, str, yesNo(str)),
      part(t('sdm.qual.repPrefixed'), 5, 5, rep, yesNo(rep)),
      part(t('sdm.qual.operandEncoding'), 6, 6, imm, imm ? t('sdm.qual.immediate') : 'DX'),
      part(t('sdm.qual.portNumber'), 31, 16, port, hex(port, 4)),
    ],
    summary,
  };
}

// ================================================================ EPT violation (reason 48)
// SDM Vol. 3C Table 27-7; Linux EPT_VIOLATION_*; KUT EPT_VLT_*.

export const EptViolation = Object.freeze({
  READ: 0x001,
  WRITE: 0x002,
  FETCH: 0x004,
  READABLE: 0x008,
  WRITABLE: 0x010,
  EXECUTABLE: 0x020,
  USER_EXECUTABLE: 0x040,
  LINEAR_ADDRESS_VALID: 0x080,
  FINAL_TRANSLATION: 0x100,
  LINEAR_USER: 0x200,
  LINEAR_WRITABLE: 0x400,
  LINEAR_EXECUTE_DISABLE: 0x800,
  NMI_UNBLOCKING: 0x1000,
} as const);

/**
 * EPT-violation qualification.
 * access: bits 2:0 of the access (1 read, 2 write, 4 fetch; a read-modify-write sets write and may set read);
 * permissions: AND of bits 2:0 (R, W, X) of the EPT entries walked — 0 for a not-present entry;
 * linearValid: the guest-linear-address field is valid (bit 7); finalTranslation: the access was to the
 * translated address rather than to a guest paging-structure entry (bit 8, meaningful only with bit 7);
 * nmiUnblocking: the access happened during IRET that unblocked NMIs (bit 12).
 * userExecutable (bit 6) is 0 without mode-based execute control.
 * Examples (KUT): not-present + read → 0x181; read-only + write → 0x18A; RW page + fetch → 0x19C.
 */
export function encodeEptViolationQualification(
  access: number,
  permissions: number,
  linearValid: boolean,
  finalTranslation: boolean,
  nmiUnblocking: boolean,
  userExecutable = false,
): number {
  let q = (access & 7) | ((permissions & 7) << 3) | (userExecutable ? 0x40 : 0);
  if (linearValid) {
    q |= 0x80;
    if (finalTranslation) q |= 0x100;
  }
  if (nmiUnblocking) q |= 0x1000;
  return q >>> 0;
}

export function decodeEptViolationQualification(q: number): Decoded {
  const linValid = bitsOf(q, 7, 7);
  const kinds: string[] = [];
  if (q & 1) kinds.push(t('sdm.qual.read'));
  if (q & 2) kinds.push(t('sdm.qual.write'));
  if (q & 4) kinds.push(t('sdm.qual.instructionFetch'));
  const perms = bitsOf(q, 5, 3);
  const permText = perms === 0 ? t('sdm.qual.notPresent') : `${perms & 1 ? 'R' : '-'}${perms & 2 ? 'W' : '-'}${perms & 4 ? 'X' : '-'}`;
  const parts: DecodedPart[] = [
    field(q, t('sdm.qual.dataRead'), 0, 0, yesNo),
    field(q, t('sdm.qual.dataWrite'), 1, 1, yesNo),
    field(q, t('sdm.qual.instructionFetch2'), 2, 2, yesNo),
    field(q, t('sdm.qual.readable'), 3, 3, yesNo),
    field(q, t('sdm.qual.writable'), 4, 4, yesNo),
    field(q, t('sdm.qual.executable'), 5, 5, yesNo),
    field(q, t('sdm.qual.userModeExecutable'), 6, 6, yesNo),
    field(q, t('sdm.qual.guestLinearAddressValid'), 7, 7, yesNo),
    field(q, t('sdm.qual.accessToFinalTranslation'), 8, 8, (v) =>
      !linValid ? t('sdm.qual.undefinedBit70') : v ? t('sdm.qual.yesTheTranslatedAddress') : t('sdm.qual.noAGuestPagingStructureEntry'),
    ),
    field(q, t('sdm.qual.linearAddressUserMode'), 9, 9, yesNo),
    field(q, t('sdm.qual.linearAddressWritable'), 10, 10, yesNo),
    field(q, t('sdm.qual.linearAddressExecuteDisable'), 11, 11, yesNo),
    field(q, t('sdm.part.nmiUnblockingDueToIret'), 12, 12, yesNo),
  ];
  return {
    parts,
    summary: t(linValid && !(q & 0x100) ? 'sdm.qual.eptViolationWalkSummary' : 'sdm.qual.eptViolationSummary', { access: kinds.join('+') || t('sdm.qual.noAccess'), permissions: permText }),
  };
}

// ================================================================ task switch (reason 9)
// SDM Vol. 3C Table 27-2; Bochs VMexit_TaskSwitch, cpu.h BX_TASK_FROM_*.

export const TaskSwitchSource = Object.freeze({ CALL: 0, IRET: 1, JMP: 2, TASK_GATE_IN_IDT: 3 } as const);
const TASK_SWITCH_SOURCE_NAMES = [t('sdm.qual.callInstruction'), t('sdm.qual.iretInstruction'), t('sdm.qual.jmpInstruction'), t('sdm.qual.taskGateInIdt')] as const;

export function encodeTaskSwitchQualification(selector: number, source: number): number {
  return ((selector & 0xffff) | ((source & 3) << 30)) >>> 0;
}

export function decodeTaskSwitchQualification(q: number): Decoded {
  const sel = bitsOf(q, 15, 0);
  const src = bitsOf(q, 31, 30);
  return {
    parts: [
      part(t('sdm.qual.selectorOfTheNewTss'), 15, 0, sel, hex(sel, 4)),
      field(q, t('sdm.part.reserved'), 29, 16, (v) => (v ? t('sdm.part.setShouldBe0') : '0')),
      part(t('sdm.qual.sourceOfTheTaskSwitch'), 31, 30, src, TASK_SWITCH_SOURCE_NAMES[src]!),
    ],
    summary: t('sdm.qual.taskSwitchSummary', { selector: hex(sel, 4), source: TASK_SWITCH_SOURCE_NAMES[src]! }),
  };
}

// ================================================================ address-valued qualifications
// SDM Vol. 3C §27.2.1: INVLPG → the linear-address operand; INVEPT, INVPCID, INVVPID, LGDT/LIDT/LLDT/LTR/SGDT/
// SIDT/SLDT/STR, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE, VMXON, XSAVES/XRSTORS → the displacement of the
// memory operand (0 for register forms), sign-extended to natural width.

/** INVLPG: the linear address (KUT insn_table: `invlpg [0x12345678]` → 0x12345678). */
export function encodeLinearAddressQualification(linear: number): number {
  return linear >>> 0;
}

/** Displacement of the memory operand, sign-extended to 32 bits; 0 for register operands. */
export function encodeDisplacementQualification(displacement: number): number {
  return displacement >>> 0;
}

export function decodeLinearAddressQualification(q: number): Decoded {
  return { parts: [part(t('sdm.qual.linearAddress'), 31, 0, q >>> 0, hex(q, 8))], summary: t('sdm.qual.linearAddressSummary', { address: hex(q, 8) }) };
}

export function decodeDisplacementQualification(q: number): Decoded {
  const signed = q | 0;
  const text = signed < 0 ? `-${hex(-signed)}` : hex(signed);
  return {
    parts: [part(t('sdm.qual.displacement'), 31, 0, q >>> 0, t('sdm.qual.displacementMeaning', { displacement: text }))],
    summary: t('sdm.qual.displacementSummary', { displacement: text }),
  };
}

// ================================================================ #DB and #PF exceptions (reason 0)
// SDM Vol. 3C §27.2.1 Table 27-1 (debug exceptions); Bochs masks DR6 with 0x600F.

export const DebugQualification = Object.freeze({ B0: 0x1, B1: 0x2, B2: 0x4, B3: 0x8, BD: 0x2000, BS: 0x4000 } as const);
/** Bits of DR6 a #DB exit reports (B3–B0, BD, BS). Newer SDMs add bit 11 (bus lock) and 16 (RTM). */
export const DEBUG_QUALIFICATION_MASK = 0x600f;

/** #DB qualification from the DR6 bits the exception would have set. */
export function encodeDebugExceptionQualification(dr6: number): number {
  return (dr6 & DEBUG_QUALIFICATION_MASK) >>> 0;
}

export function decodeDebugExceptionQualification(q: number): Decoded {
  const hits = [0, 1, 2, 3].filter((i) => (q >>> i) & 1).map((i) => `B${i}`);
  if (q & 0x2000) hits.push('BD');
  if (q & 0x4000) hits.push('BS');
  return {
    parts: [
      field(q, t('sdm.qual.b3B0BreakpointConditionsMet'), 3, 0, (v) => (v ? [0, 1, 2, 3].filter((i) => (v >>> i) & 1).map((i) => `DR${i}`).join(', ') : t('sdm.none'))),
      field(q, t('sdm.qual.bdDebugRegisterAccessDetected'), 13, 13, yesNo),
      field(q, t('sdm.part.bsSingleStep'), 14, 14, yesNo),
    ],
    summary: hits.length ? `#DB: ${hits.join(' ')}` : t('sdm.qual.dbNoConditionBits'),
  };
}

// ================================================================ VM-entry failures (reasons 33, 34)
// SDM Vol. 3C §26.8 (qualification values); Linux `vm_entry_failure_code`; Bochs VMX_vmentry_error.

export const EntryFailureQualification = Object.freeze({
  /** No further details (most guest-state checks). */
  DEFAULT: 0,
  /** Failure loading PDPTEs (PAE paging with the PDPTEs from CR3 or the guest PDPTE fields). */
  PDPTE_LOAD: 2,
  /** Attempt to inject an NMI while events are blocked (STI blocking, MOV-SS blocking or NMI blocking). */
  NMI_INJECTION: 3,
  /** Invalid VMCS link pointer. */
  INVALID_VMCS_LINK_POINTER: 4,
} as const);

const ENTRY_FAILURE_MEANINGS: Readonly<Record<number, string>> = {
  0: t('sdm.qual.noFurtherDetailsAGuestState'),
  2: t('sdm.qual.failureLoadingThePdptes'),
  3: t('sdm.qual.attemptToInjectAnNmiInto'),
  4: t('sdm.qual.invalidVmcsLinkPointer'),
};

export function decodeEntryFailureQualification(q: number): Decoded {
  const meaning = ENTRY_FAILURE_MEANINGS[q >>> 0] ?? t('sdm.qual.undefinedValue', { value: q >>> 0 });
  return { parts: [part(t('sdm.qual.failureDetail'), 31, 0, q >>> 0, meaning)], summary: t('sdm.qual.entryFailureSummary', { meaning }) };
}

/** Reason 34: the 1-based index of the MSR-load entry that failed (KUT msr_switch_entry_failure). */
export function encodeMsrLoadFailureQualification(oneBasedIndex: number): number {
  return oneBasedIndex >>> 0;
}

export function decodeMsrLoadFailureQualification(q: number): Decoded {
  return {
    parts: [part(t('sdm.qual.failingMsrLoadEntry'), 31, 0, q >>> 0, t('sdm.qual.msrLoadEntryMeaning', { index: q >>> 0 }))],
    summary: t('sdm.qual.msrLoadEntrySummary', { index: q >>> 0 }),
  };
}

// ================================================================ MWAIT (36), SIPI (4), APIC (44, 45, 56)

/** MWAIT: bit 0 = 1 if address-range monitoring was armed. */
export function encodeMwaitQualification(monitorArmed: boolean): number {
  return monitorArmed ? 1 : 0;
}

export function decodeMwaitQualification(q: number): Decoded {
  return {
    parts: [field(q, t('sdm.qual.addressRangeMonitoringArmed'), 0, 0, yesNo)],
    summary: q & 1 ? t('sdm.qual.mwaitWithMonitoringArmed') : t('sdm.qual.mwaitWithoutMonitoringArmed'),
  };
}

export function decodeSipiQualification(q: number): Decoded {
  const v = bitsOf(q, 7, 0);
  return { parts: [part(t('sdm.qual.sipiVector'), 7, 0, v, hex(v, 2))], summary: t('sdm.qual.sipiSummary', { vector: hex(v, 2), address: hex(v << 12, 5) }) };
}

const APIC_ACCESS_TYPES: Readonly<Record<number, string>> = {
  0: t('sdm.qual.linearAccessForADataRead'),
  1: t('sdm.qual.linearAccessForADataWrite'),
  2: t('sdm.qual.linearAccessForAnInstructionFetch'),
  3: t('sdm.qual.linearAccessReadOrWriteDuring'),
  10: t('sdm.qual.guestPhysicalAccessDuringEventDelivery'),
  15: t('sdm.qual.guestPhysicalAccessForAnInstruction'),
};

export function decodeApicAccessQualification(q: number): Decoded {
  const offset = bitsOf(q, 11, 0);
  const type = bitsOf(q, 15, 12);
  const meaning = APIC_ACCESS_TYPES[type] ?? t('sdm.qual.reservedType', { type });
  return {
    parts: [part(t('sdm.qual.pageOffset'), 11, 0, offset, hex(offset, 3)), part(t('sdm.qual.accessType'), 15, 12, type, meaning), field(q, t('sdm.part.nmiUnblockingDueToIret'), 16, 16, yesNo)],
    summary: t('sdm.qual.apicAccessSummary', { offset: hex(offset, 3), meaning }),
  };
}

// ================================================================ dispatch for the UI

/**
 * Decode a qualification for a basic exit reason. `interruptionInfo` (the VM-exit interruption-information
 * field) is needed for reason 0: only #DB and #PF have a qualification there.
 */
export function decodeExitQualification(reason: number, q: number, interruptionInfo = 0): Decoded {
  switch (reason & 0xffff) {
    case VmExitReason.EXCEPTION_OR_NMI: {
      const vector = interruptionInfo & 0xff;
      const type = (interruptionInfo >>> 8) & 7;
      if (type === 3 && vector === 1) return decodeDebugExceptionQualification(q);
      if (type === 3 && vector === 14)
        return { parts: [part(t('sdm.qual.faultingLinearAddress'), 31, 0, q >>> 0, hex(q, 8))], summary: t('sdm.qual.pageFaultSummary', { address: hex(q, 8) }) };
      return noQualification(q);
    }
    case VmExitReason.SIPI:
      return decodeSipiQualification(q);
    case VmExitReason.TASK_SWITCH:
      return decodeTaskSwitchQualification(q);
    case VmExitReason.INVLPG:
      return decodeLinearAddressQualification(q);
    case VmExitReason.CR_ACCESS:
      return decodeCrAccessQualification(q);
    case VmExitReason.MOV_DR:
      return decodeMovDrQualification(q);
    case VmExitReason.IO_INSTRUCTION:
      return decodeIoQualification(q);
    case VmExitReason.ENTRY_FAILURE_GUEST_STATE:
      return decodeEntryFailureQualification(q);
    case VmExitReason.ENTRY_FAILURE_MSR_LOADING:
      return decodeMsrLoadFailureQualification(q);
    case VmExitReason.MWAIT:
      return decodeMwaitQualification(q);
    case VmExitReason.APIC_ACCESS:
      return decodeApicAccessQualification(q);
    case VmExitReason.VIRTUALIZED_EOI: {
      const v = bitsOf(q, 7, 0);
      return { parts: [part(t('sdm.part.vector'), 7, 0, v, hex(v, 2))], summary: t('sdm.qual.eoiSummary', { vector: hex(v, 2) }) };
    }
    case VmExitReason.APIC_WRITE: {
      const off = bitsOf(q, 11, 0);
      return { parts: [part(t('sdm.qual.pageOffset'), 11, 0, off, hex(off, 3))], summary: t('sdm.qual.apicWriteSummary', { offset: hex(off, 3) }) };
    }
    case VmExitReason.EPT_VIOLATION:
      return decodeEptViolationQualification(q);
    case VmExitReason.VMCLEAR:
    case VmExitReason.VMPTRLD:
    case VmExitReason.VMPTRST:
    case VmExitReason.VMREAD:
    case VmExitReason.VMWRITE:
    case VmExitReason.VMXON:
    case VmExitReason.GDTR_IDTR_ACCESS:
    case VmExitReason.LDTR_TR_ACCESS:
    case VmExitReason.INVEPT:
    case VmExitReason.INVVPID:
    case VmExitReason.INVPCID:
    case VmExitReason.XSAVES:
    case VmExitReason.XRSTORS:
      return decodeDisplacementQualification(q);
    default:
      return noQualification(q);
  }
}

function noQualification(q: number): Decoded {
  return {
    parts: [part(t('sdm.qual.exitQualification'), 31, 0, q >>> 0, q ? t('sdm.qual.notDefinedForThisExitExpected') : t('sdm.qual.notUsedForThisExit'))],
    summary: t('sdm.qual.noQualification'),
  };
}
