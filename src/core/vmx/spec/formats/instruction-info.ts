/**
 * VM-exit instruction-information field (0x440E) formats, SDM Vol. 3C §27.2.4 (2016 numbering):
 *   Table 27-8   INS/OUTS
 *   Table 27-9   INVEPT, INVPCID, INVVPID
 *   Table 27-10  LIDT, LGDT, SIDT, SGDT
 *   Table 27-11  LLDT, LTR, SLDT, STR
 *   Table 27-12  RDRAND, RDSEED
 *   Table 27-13  VMCLEAR, VMPTRLD, VMPTRST, VMXON, XRSTORS, XSAVES
 *   Table 27-14  VMREAD, VMWRITE
 * (KVM handle_vmread/handle_vmwrite/get_vmx_mem_address decode the same layout; Bochs VMexit_Instruction.)
 *
 * Common memory-operand sub-layout: 1:0 scaling (0 none, 1 ×2, 2 ×4, 3 ×8), 9:7 address size (0 16-bit,
 * 1 32-bit, 2 64-bit), 17:15 segment (0 ES … 5 GS), 21:18 index register, 22 index invalid,
 * 26:23 base register, 27 base invalid. Bits the SDM calls "undefined" are produced as 0 by the encoders.
 */
// Words come from the string catalogue (issue 8); SDM names and mnemonics stay here as data.
import { t } from '../../../../i18n/t.ts';
import { ADDRESS_SIZE_NAMES, type Decoded, type DecodedPart, SEGMENT_NAMES, bitsOf, field, gprName, part } from './parts.ts';

export type InstructionInfoFormat =
  | 'ins-outs'
  | 'invalidation' // INVEPT, INVPCID, INVVPID
  | 'descriptor-table' // LIDT, LGDT, SIDT, SGDT
  | 'ldtr-tr' // LLDT, LTR, SLDT, STR
  | 'rdrand-rdseed'
  | 'vmx-pointer' // VMCLEAR, VMPTRLD, VMPTRST, VMXON, XRSTORS, XSAVES
  | 'vmread-vmwrite';

/** Which format the field has for each exit reason that reports instruction information. */
export const INSTRUCTION_INFO_FORMAT_BY_REASON: Readonly<Record<number, InstructionInfoFormat>> = Object.freeze({
  30: 'ins-outs', // only when IA32_VMX_BASIC[54] = 1 and the instruction is INS/OUTS
  50: 'invalidation',
  53: 'invalidation',
  58: 'invalidation',
  46: 'descriptor-table',
  47: 'ldtr-tr',
  57: 'rdrand-rdseed',
  61: 'rdrand-rdseed',
  19: 'vmx-pointer',
  21: 'vmx-pointer',
  22: 'vmx-pointer',
  27: 'vmx-pointer',
  63: 'vmx-pointer',
  64: 'vmx-pointer',
  23: 'vmread-vmwrite',
  25: 'vmread-vmwrite',
});

export const AddressSize = Object.freeze({ BITS16: 0, BITS32: 1, BITS64: 2 } as const);
export const DescriptorTableInstruction = Object.freeze({ SGDT: 0, SIDT: 1, LGDT: 2, LIDT: 3 } as const);
export const LdtrTrInstruction = Object.freeze({ SLDT: 0, STR: 1, LLDT: 2, LTR: 3 } as const);
export const OperandSize = Object.freeze({ BITS16: 0, BITS32: 1, BITS64: 2 } as const);

const REGISTER_OPERAND = 0x400; // bit 10: 1 = register operand (LLDT/…/VMREAD/VMWRITE formats)
const INDEX_INVALID = 0x400000; // bit 22
const BASE_INVALID = 0x8000000; // bit 27
/** Bits 1:0, 9:7, 17:15, 21:18, 22, 26:23, 27: the memory-operand sub-layout. */
export const MEMORY_OPERAND_INFO_MASK = 0x0fff8383;

/**
 * The memory-operand bits shared by the formats. scaling is log2 of the scale factor (0–3); index and base
 * are register numbers (0–15) or -1 for "none" (sets the invalid bit).
 */
export function encodeMemoryOperandInfo(scaling: number, addressSize: number, segment: number, index: number, base: number): number {
  let v = (scaling & 3) | ((addressSize & 7) << 7) | ((segment & 7) << 15);
  v |= index < 0 ? INDEX_INVALID : (index & 0xf) << 18;
  v |= base < 0 ? BASE_INVALID : (base & 0xf) << 23;
  return v >>> 0;
}

/** INS/OUTS (reported only when IA32_VMX_BASIC[54] = 1): address size and, for OUTS, the source segment. */
export function encodeInsOutsInfo(addressSize: number, segment: number): number {
  return (((addressSize & 7) << 7) | ((segment & 7) << 15)) >>> 0;
}

/** INVEPT/INVPCID/INVVPID: memory operand plus the register holding the type (reg2, bits 31:28). */
export function encodeInvalidationInfo(memoryOperandInfo: number, typeRegister: number): number {
  return ((memoryOperandInfo & MEMORY_OPERAND_INFO_MASK) | ((typeRegister & 0xf) << 28)) >>> 0;
}

/** LGDT/LIDT/SGDT/SIDT: memory operand, operand size (bit 11: 0 16-bit, 1 32-bit) and identity (29:28). */
export function encodeDescriptorTableInfo(memoryOperandInfo: number, operandSize32: boolean, instruction: number): number {
  return ((memoryOperandInfo & MEMORY_OPERAND_INFO_MASK) | (operandSize32 ? 0x800 : 0) | ((instruction & 3) << 28)) >>> 0;
}

/**
 * LLDT/LTR/SLDT/STR: register form (reg1 ≥ 0, bit 10 set, register in 6:3) or memory form (reg1 = -1,
 * memory-operand bits), identity in 29:28.
 */
export function encodeLdtrTrInfo(memoryOperandInfo: number, reg1: number, instruction: number): number {
  const operand = reg1 >= 0 ? REGISTER_OPERAND | ((reg1 & 0xf) << 3) : memoryOperandInfo & MEMORY_OPERAND_INFO_MASK;
  return (operand | ((instruction & 3) << 28)) >>> 0;
}

/** RDRAND/RDSEED: destination register (6:3) and operand size (12:11: 0 16-bit, 1 32-bit, 2 64-bit). */
export function encodeRdrandRdseedInfo(destination: number, operandSize: number): number {
  return (((destination & 0xf) << 3) | ((operandSize & 3) << 11)) >>> 0;
}

/** VMCLEAR/VMPTRLD/VMPTRST/VMXON/XRSTORS/XSAVES: the memory operand (bit 10 is always 0). */
export function encodeVmxPointerInfo(memoryOperandInfo: number): number {
  return (memoryOperandInfo & MEMORY_OPERAND_INFO_MASK) >>> 0;
}

/**
 * VMREAD/VMWRITE: reg2 (31:28) is the register holding the field encoding; the other operand is either a
 * register (reg1 ≥ 0: bit 10 set, register in 6:3) or memory (reg1 = -1: memory-operand bits).
 */
export function encodeVmreadVmwriteInfo(memoryOperandInfo: number, reg1: number, reg2: number): number {
  const operand = reg1 >= 0 ? REGISTER_OPERAND | ((reg1 & 0xf) << 3) : memoryOperandInfo & MEMORY_OPERAND_INFO_MASK;
  return (operand | ((reg2 & 0xf) << 28)) >>> 0;
}

// ---------------------------------------------------------------- decoding

function scalingPart(v: number): DecodedPart {
  return field(v, t('sdm.insnInfo.scaling'), 1, 0, (s) => (s === 0 ? t('sdm.insnInfo.noScaling') : `×${1 << s}`));
}
function addressSizePart(v: number): DecodedPart {
  return field(v, t('sdm.insnInfo.addressSize'), 9, 7, (s) => ADDRESS_SIZE_NAMES[s]!);
}
function segmentPart(v: number): DecodedPart {
  return field(v, t('sdm.insnInfo.segmentRegister'), 17, 15, (s) => SEGMENT_NAMES[s]!);
}
function memoryParts(v: number): DecodedPart[] {
  return [
    scalingPart(v),
    addressSizePart(v),
    segmentPart(v),
    field(v, t('sdm.insnInfo.indexRegister'), 21, 18, (r) => (bitsOf(v, 22, 22) ? t('sdm.insnInfo.noneInvalid') : gprName(r))),
    field(v, t('sdm.insnInfo.indexInvalid'), 22, 22, (b) => (b ? t('sdm.insnInfo.yesNoIndex') : t('sdm.no'))),
    field(v, t('sdm.insnInfo.baseRegister'), 26, 23, (r) => (bitsOf(v, 27, 27) ? t('sdm.insnInfo.noneInvalid') : gprName(r))),
    field(v, t('sdm.insnInfo.baseInvalid'), 27, 27, (b) => (b ? t('sdm.insnInfo.yesNoBase') : t('sdm.no'))),
  ];
}

/** `seg:[base + index*scale]` (displacement is in the exit qualification). */
function memoryText(v: number): string {
  const terms: string[] = [];
  if (!bitsOf(v, 27, 27)) terms.push(gprName(bitsOf(v, 26, 23)));
  if (!bitsOf(v, 22, 22)) {
    const s = bitsOf(v, 1, 0);
    terms.push(gprName(bitsOf(v, 21, 18)) + (s ? `*${1 << s}` : ''));
  }
  return `${SEGMENT_NAMES[bitsOf(v, 17, 15)]}:[${terms.join('+') || 'disp'}${terms.length ? '+disp' : ''}]`;
}

const DT_NAMES = ['SGDT', 'SIDT', 'LGDT', 'LIDT'] as const;
const LT_NAMES = ['SLDT', 'STR', 'LLDT', 'LTR'] as const;

export function decodeInstructionInfo(format: InstructionInfoFormat, v: number): Decoded {
  switch (format) {
    case 'ins-outs':
      return {
        parts: [addressSizePart(v), segmentPart(v)],
        summary: t('sdm.insnInfo.insOutsSummary', { size: ADDRESS_SIZE_NAMES[bitsOf(v, 9, 7)]!, segment: SEGMENT_NAMES[bitsOf(v, 17, 15)]! }),
      };
    case 'invalidation':
      return {
        parts: [...memoryParts(v), field(v, t('sdm.insnInfo.registerOperandType'), 31, 28, gprName)],
        summary: t('sdm.insnInfo.invalidationSummary', { reg: gprName(bitsOf(v, 31, 28)), operand: memoryText(v) }),
      };
    case 'descriptor-table': {
      const id = bitsOf(v, 29, 28);
      return {
        parts: [
          ...memoryParts(v),
          field(v, t('sdm.insnInfo.operandSize'), 11, 11, (b) => (b ? '32-bit' : '16-bit')),
          part(t('sdm.insnInfo.instructionIdentity'), 29, 28, id, DT_NAMES[id]!),
        ],
        summary: `${DT_NAMES[id]} ${memoryText(v)}`,
      };
    }
    case 'ldtr-tr': {
      const id = bitsOf(v, 29, 28);
      const isReg = bitsOf(v, 10, 10);
      const parts: DecodedPart[] = [
        field(v, t('sdm.insnInfo.memReg'), 10, 10, (b) => (b ? t('sdm.part.register') : t('sdm.part.memory'))),
        ...(isReg ? [field(v, 'Reg1', 6, 3, gprName)] : memoryParts(v)),
        part(t('sdm.insnInfo.instructionIdentity'), 29, 28, id, LT_NAMES[id]!),
      ];
      return { parts, summary: `${LT_NAMES[id]} ${isReg ? gprName(bitsOf(v, 6, 3)) : memoryText(v)}` };
    }
    case 'rdrand-rdseed': {
      const size = bitsOf(v, 12, 11);
      return {
        parts: [field(v, t('sdm.insnInfo.destinationRegister'), 6, 3, gprName), part(t('sdm.insnInfo.operandSize'), 12, 11, size, ['16-bit', '32-bit', '64-bit', t('sdm.part.reservedLower')][size]!)],
        summary: t('sdm.insnInfo.rdrandSummary', { reg: gprName(bitsOf(v, 6, 3)), size: ['16', '32', '64', '?'][size]! }),
      };
    }
    case 'vmx-pointer':
      return { parts: memoryParts(v), summary: t('sdm.insnInfo.pointerSummary', { operand: memoryText(v) }) };
    case 'vmread-vmwrite': {
      const isReg = bitsOf(v, 10, 10);
      const parts: DecodedPart[] = [
        field(v, t('sdm.insnInfo.memReg'), 10, 10, (b) => (b ? t('sdm.part.register') : t('sdm.part.memory'))),
        ...(isReg ? [field(v, 'Reg1', 6, 3, gprName)] : memoryParts(v)),
        field(v, t('sdm.insnInfo.reg2FieldEncoding'), 31, 28, gprName),
      ];
      return {
        parts,
        summary: t('sdm.insnInfo.vmreadSummary', { reg: gprName(bitsOf(v, 31, 28)), operand: isReg ? gprName(bitsOf(v, 6, 3)) : memoryText(v) }),
      };
    }
  }
}
