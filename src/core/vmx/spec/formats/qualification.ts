/**
 * Exit-qualification formats (VMCS 0x6400), SDM Vol. 3C §27.2.1 Tables 27-1 … 27-7 (2016 numbering).
 *
 * Encoders take plain numbers and return the qualification as an unsigned 32-bit number (VT Lab is IA-32,
 * so natural width is 32 bits); they allocate nothing, because the VM-exit path calls them. Decoders are for
 * the UI and the CLI trace.
 */
import { VmExitReason } from '../exit-reasons.ts';
import { type Decoded, type DecodedPart, bitsOf, field, gprName, hex, part, yesNo } from './parts.ts';

// ================================================================ control-register accesses (reason 28)
// SDM Vol. 3C Table 27-3; Linux CONTROL_REG_ACCESS_*; Bochs vmexit.cc.

/** Access type, bits 5:4. */
export const CrAccessType = Object.freeze({ MOV_TO_CR: 0, MOV_FROM_CR: 1, CLTS: 2, LMSW: 3 } as const);
const CR_ACCESS_TYPE_NAMES = ['MOV to CR', 'MOV from CR', 'CLTS', 'LMSW'] as const;

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
    part('Control register', 3, 0, cr, `CR${cr}`),
    part('Access type', 5, 4, type, CR_ACCESS_TYPE_NAMES[type]!),
    field(q, 'LMSW operand type', 6, 6, (v) => (type !== CrAccessType.LMSW ? 'not LMSW (0)' : v ? 'memory' : 'register')),
    field(q, 'Reserved', 7, 7, (v) => (v ? 'set (should be 0)' : '0')),
    part('General-purpose register', 11, 8, gpr, type <= 1 ? gprName(gpr) : 'not MOV CR (0)'),
    field(q, 'Reserved', 15, 12, (v) => (v ? 'set (should be 0)' : '0')),
    part('LMSW source data', 31, 16, src, type === CrAccessType.LMSW ? hex(src, 4) : 'not LMSW (0)'),
  ];
  let summary: string;
  switch (type) {
    case CrAccessType.MOV_TO_CR:
      summary = `MOV to CR${cr} from ${gprName(gpr)}`;
      break;
    case CrAccessType.MOV_FROM_CR:
      summary = `MOV from CR${cr} to ${gprName(gpr)}`;
      break;
    case CrAccessType.CLTS:
      summary = 'CLTS';
      break;
    default:
      summary = `LMSW ${hex(src, 4)} (${bitsOf(q, 6, 6) ? 'memory' : 'register'} operand)`;
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
      part('Debug register', 2, 0, dr, `DR${dr}`),
      part('Direction', 4, 4, dir, dir ? 'MOV from DR' : 'MOV to DR'),
      part('General-purpose register', 11, 8, gpr, gprName(gpr)),
    ],
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

const IO_SIZE_MEANING = ['1 byte', '2 bytes', 'reserved (2)', '4 bytes', 'reserved (4)', 'reserved (5)', 'reserved (6)', 'reserved (7)'];

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
  if (str) summary = `${rep ? 'rep ' : ''}${isIn ? 'ins' : 'outs'}${suffix} port ${hex(port, 4)}`;
  else summary = isIn ? `in ${acc}, ${portText}` : `out ${portText}, ${acc}`;
  return {
    parts: [
      part('Size of access', 2, 0, sizeM1, IO_SIZE_MEANING[sizeM1]!),
      part('Direction', 3, 3, isIn, isIn ? 'IN' : 'OUT'),
      part('String instruction', 4, 4, str, yesNo(str)),
      part('REP prefixed', 5, 5, rep, yesNo(rep)),
      part('Operand encoding', 6, 6, imm, imm ? 'immediate' : 'DX'),
      part('Port number', 31, 16, port, hex(port, 4)),
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
  if (q & 1) kinds.push('read');
  if (q & 2) kinds.push('write');
  if (q & 4) kinds.push('instruction fetch');
  const perms = bitsOf(q, 5, 3);
  const permText = perms === 0 ? 'not present' : `${perms & 1 ? 'R' : '-'}${perms & 2 ? 'W' : '-'}${perms & 4 ? 'X' : '-'}`;
  const parts: DecodedPart[] = [
    field(q, 'Data read', 0, 0, yesNo),
    field(q, 'Data write', 1, 1, yesNo),
    field(q, 'Instruction fetch', 2, 2, yesNo),
    field(q, 'Readable', 3, 3, yesNo),
    field(q, 'Writable', 4, 4, yesNo),
    field(q, 'Executable', 5, 5, yesNo),
    field(q, 'User-mode executable', 6, 6, yesNo),
    field(q, 'Guest-linear address valid', 7, 7, yesNo),
    field(q, 'Access to final translation', 8, 8, (v) =>
      !linValid ? 'undefined (bit 7 = 0)' : v ? 'yes (the translated address)' : 'no (a guest paging-structure entry)',
    ),
    field(q, 'Linear address user-mode', 9, 9, yesNo),
    field(q, 'Linear address writable', 10, 10, yesNo),
    field(q, 'Linear address execute-disable', 11, 11, yesNo),
    field(q, 'NMI unblocking due to IRET', 12, 12, yesNo),
  ];
  return {
    parts,
    summary: `EPT violation on ${kinds.join('+') || 'no access'} (${permText})${linValid ? (q & 0x100 ? '' : ' during guest page walk') : ''}`,
  };
}

// ================================================================ task switch (reason 9)
// SDM Vol. 3C Table 27-2; Bochs VMexit_TaskSwitch, cpu.h BX_TASK_FROM_*.

export const TaskSwitchSource = Object.freeze({ CALL: 0, IRET: 1, JMP: 2, TASK_GATE_IN_IDT: 3 } as const);
const TASK_SWITCH_SOURCE_NAMES = ['CALL instruction', 'IRET instruction', 'JMP instruction', 'task gate in IDT'] as const;

export function encodeTaskSwitchQualification(selector: number, source: number): number {
  return ((selector & 0xffff) | ((source & 3) << 30)) >>> 0;
}

export function decodeTaskSwitchQualification(q: number): Decoded {
  const sel = bitsOf(q, 15, 0);
  const src = bitsOf(q, 31, 30);
  return {
    parts: [
      part('Selector of the new TSS', 15, 0, sel, hex(sel, 4)),
      field(q, 'Reserved', 29, 16, (v) => (v ? 'set (should be 0)' : '0')),
      part('Source of the task switch', 31, 30, src, TASK_SWITCH_SOURCE_NAMES[src]!),
    ],
    summary: `Task switch to TSS ${hex(sel, 4)} by ${TASK_SWITCH_SOURCE_NAMES[src]!}`,
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
  return { parts: [part('Linear address', 31, 0, q >>> 0, hex(q, 8))], summary: `linear address ${hex(q, 8)}` };
}

export function decodeDisplacementQualification(q: number): Decoded {
  const signed = q | 0;
  const text = signed < 0 ? `-${hex(-signed)}` : hex(signed);
  return {
    parts: [part('Displacement', 31, 0, q >>> 0, `${text} (memory-operand displacement; 0 for a register operand)`)],
    summary: `displacement ${text}`,
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
      field(q, 'B3:B0 (breakpoint conditions met)', 3, 0, (v) => (v ? [0, 1, 2, 3].filter((i) => (v >>> i) & 1).map((i) => `DR${i}`).join(', ') : 'none')),
      field(q, 'BD (debug-register access detected)', 13, 13, yesNo),
      field(q, 'BS (single step)', 14, 14, yesNo),
    ],
    summary: hits.length ? `#DB: ${hits.join(' ')}` : '#DB (no condition bits)',
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
  0: 'no further details (a guest-state check failed)',
  2: 'failure loading the PDPTEs',
  3: 'attempt to inject an NMI into a guest that is blocking events',
  4: 'invalid VMCS link pointer',
};

export function decodeEntryFailureQualification(q: number): Decoded {
  const meaning = ENTRY_FAILURE_MEANINGS[q >>> 0] ?? `undefined value ${q >>> 0}`;
  return { parts: [part('Failure detail', 31, 0, q >>> 0, meaning)], summary: `VM-entry failure: ${meaning}` };
}

/** Reason 34: the 1-based index of the MSR-load entry that failed (KUT msr_switch_entry_failure). */
export function encodeMsrLoadFailureQualification(oneBasedIndex: number): number {
  return oneBasedIndex >>> 0;
}

export function decodeMsrLoadFailureQualification(q: number): Decoded {
  return {
    parts: [part('Failing MSR-load entry', 31, 0, q >>> 0, `entry ${q >>> 0} (1-based) of the VM-entry MSR-load list`)],
    summary: `MSR-load entry ${q >>> 0} failed`,
  };
}

// ================================================================ MWAIT (36), SIPI (4), APIC (44, 45, 56)

/** MWAIT: bit 0 = 1 if address-range monitoring was armed. */
export function encodeMwaitQualification(monitorArmed: boolean): number {
  return monitorArmed ? 1 : 0;
}

export function decodeMwaitQualification(q: number): Decoded {
  return {
    parts: [field(q, 'Address-range monitoring armed', 0, 0, yesNo)],
    summary: q & 1 ? 'MWAIT with monitoring armed' : 'MWAIT without monitoring armed',
  };
}

export function decodeSipiQualification(q: number): Decoded {
  const v = bitsOf(q, 7, 0);
  return { parts: [part('SIPI vector', 7, 0, v, hex(v, 2))], summary: `SIPI vector ${hex(v, 2)} (start at ${hex(v << 12, 5)})` };
}

const APIC_ACCESS_TYPES: Readonly<Record<number, string>> = {
  0: 'linear access for a data read during instruction execution',
  1: 'linear access for a data write during instruction execution',
  2: 'linear access for an instruction fetch',
  3: 'linear access (read or write) during event delivery',
  10: 'guest-physical access during event delivery',
  15: 'guest-physical access for an instruction fetch or during instruction execution',
};

export function decodeApicAccessQualification(q: number): Decoded {
  const offset = bitsOf(q, 11, 0);
  const type = bitsOf(q, 15, 12);
  const t = APIC_ACCESS_TYPES[type] ?? `reserved type ${type}`;
  return {
    parts: [part('Page offset', 11, 0, offset, hex(offset, 3)), part('Access type', 15, 12, type, t), field(q, 'NMI unblocking due to IRET', 16, 16, yesNo)],
    summary: `APIC access at offset ${hex(offset, 3)}: ${t}`,
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
        return { parts: [part('Faulting linear address', 31, 0, q >>> 0, hex(q, 8))], summary: `#PF at ${hex(q, 8)} (CR2 not yet loaded)` };
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
      return { parts: [part('Vector', 7, 0, v, hex(v, 2))], summary: `virtualized EOI of vector ${hex(v, 2)}` };
    }
    case VmExitReason.APIC_WRITE: {
      const off = bitsOf(q, 11, 0);
      return { parts: [part('Page offset', 11, 0, off, hex(off, 3))], summary: `APIC write at offset ${hex(off, 3)}` };
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
    parts: [part('Exit qualification', 31, 0, q >>> 0, q ? 'not defined for this exit (expected 0)' : 'not used for this exit')],
    summary: 'no qualification',
  };
}
