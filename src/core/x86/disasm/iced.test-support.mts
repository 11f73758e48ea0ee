// Test-only oracle for the decoder and the disassembler: decodes with iced-x86 (an independent,
// well-tested x86 decoder) and returns its length, validity, operands in the shape of
// `disasm/operands.ts`, and its NASM-formatted text with the formatter options the VT Lab
// disassembler imitates.
//
// `.mts`, like asm/iced-oracle.test-support.mts: tsconfig.core.json (browser) must never see iced-x86,
// and Vitest only collects `*.test.ts`. The Node test project type-checks it through the tests.

import { Code, Decoder, DecoderOptions, Formatter, FormatterSyntax, MemorySize, MemorySizeExt, MemorySizeOptions, OpKind, Register, type Instruction } from 'iced-x86';
import type { Operand } from './operands.ts';

export interface IcedDecoded {
  length: number;
  invalid: boolean;
  /** NASM syntax with every memory operand's size (MemorySizeOptions.Always). */
  text: string;
  /** NASM syntax with sizes only where needed (MemorySizeOptions.Default). */
  textNeeded: string;
  /**
   * Operands in our shape. Left out, because assembly syntax does not write them: the string
   * instructions' memory operands (MemorySeg*, MemoryES*) and their implied AL/eAX/DX, and XLATB's table.
   * iced's `r32m16` forms of ARPL, LLDT, LTR, VERR, VERW and LMSW with a register name the 32-bit
   * register but print the 16-bit one; the 16-bit name is kept, as printed.
   */
  operands: Operand[];
  /** iced's operand kinds (OpKind names), for messages. */
  kinds: string[];
}

/**
 * The formatter settings the disassembler follows (docs in disasm/format.ts): NASM syntax, lower case,
 * `0x` hex with lower-case digits and no leading zeros (0–9 in decimal), `, ` between operands, branch
 * targets as plain absolute addresses (no `short`/`near`, no leading zeros).
 */
function formatter(sizes: MemorySizeOptions): Formatter {
  const f = new Formatter(FormatterSyntax.Nasm);
  f.memorySizeOptions = sizes;
  f.hexPrefix = '0x';
  f.hexSuffix = '';
  f.uppercaseHex = false;
  f.spaceAfterOperandSeparator = true;
  f.branchLeadingZeros = false;
  f.showBranchSize = false;
  f.uppercaseMnemonics = false;
  f.uppercaseRegisters = false;
  f.uppercaseKeywords = false;
  f.uppercasePrefixes = false;
  return f;
}

let fmtAlways: Formatter | null = null;
let fmtNeeded: Formatter | null = null;

const SEGS = [Register.ES, Register.CS, Register.SS, Register.DS, Register.FS, Register.GS];

function regName(r: Register): string {
  fmtAlways ??= formatter(MemorySizeOptions.Always);
  return fmtAlways.formatRegister(r).toLowerCase();
}

function is16(r: Register): boolean {
  return r >= Register.AX && r <= Register.R15W;
}

const R32M16 = /^(Arpl|Lldt|Ltr|Verr|Verw|Lmsw)_r32m16/;

function operandsOf(i: Instruction): { ops: Operand[]; kinds: string[] } {
  const ops: Operand[] = [];
  const kinds: string[] = [];
  const implicitString = i.isStringInstruction;
  const r32m16 = R32M16.test(Code[i.code]);
  for (let n = 0; n < i.opCount; n++) {
    const k = i.opKind(n);
    kinds.push(OpKind[k]);
    switch (k) {
      case OpKind.Register: {
        if (implicitString) break;
        let r = i.opRegister(n);
        if (r32m16 && r >= Register.EAX && r <= Register.EDI) r = r - Register.EAX + Register.AX;
        ops.push({ kind: 'reg', name: regName(r) });
        break;
      }
      case OpKind.NearBranch16:
      case OpKind.NearBranch32:
        ops.push({ kind: 'rel', target: Number(i.nearBranchTarget) });
        break;
      case OpKind.FarBranch16:
        ops.push({ kind: 'far', selector: i.farBranchSelector, offset: i.farBranch16 });
        break;
      case OpKind.FarBranch32:
        ops.push({ kind: 'far', selector: i.farBranchSelector, offset: i.farBranch32 >>> 0 });
        break;
      case OpKind.Immediate8:
      case OpKind.Immediate8_2nd:
        ops.push({ kind: 'imm', value: Number(i.immediate(n)) & 0xff, size: 1 });
        break;
      case OpKind.Immediate16:
      case OpKind.Immediate8to16:
        ops.push({ kind: 'imm', value: Number(i.immediate(n) & 0xffffn), size: 2 });
        break;
      case OpKind.Immediate32:
      case OpKind.Immediate8to32:
        ops.push({ kind: 'imm', value: Number(i.immediate(n) & 0xffffffffn), size: 4 });
        break;
      case OpKind.Memory: {
        if (i.code === Code.Xlat_m8) break;
        const base = i.memoryBase;
        const index = i.memoryIndex;
        const asz = base !== Register.None ? (is16(base) ? 2 : 4) : index !== Register.None ? (is16(index) ? 2 : 4) : i.memoryDisplSize === 2 ? 2 : 4;
        const far = i.memorySize === MemorySize.SegPtr16 || i.memorySize === MemorySize.SegPtr32;
        ops.push({
          kind: 'mem',
          size: MemorySizeExt.size(i.memorySize),
          seg: SEGS.indexOf(i.memorySegment),
          segOverride: i.segmentPrefix !== Register.None,
          base: base === Register.None ? null : regName(base),
          index: index === Register.None ? null : regName(index),
          scale: index === Register.None ? 1 : i.memoryIndexScale,
          disp: Number(i.memoryDisplacement & (asz === 2 ? 0xffffn : 0xffffffffn)),
          asz,
          far,
        });
        break;
      }
      default:
        break; // MemorySeg*/MemoryES*: implicit string operands
    }
  }
  return { ops, kinds };
}

/** Decodes the first instruction of `bytes` as code of the given size at offset `ip`. */
export function icedDecode(bytes: Uint8Array, bits: 16 | 32, ip = 0x1000): IcedDecoded {
  fmtAlways ??= formatter(MemorySizeOptions.Always);
  fmtNeeded ??= formatter(MemorySizeOptions.Default);
  const d = new Decoder(bits, bytes, DecoderOptions.None);
  d.ip = BigInt(ip);
  const i = d.decode();
  try {
    const { ops, kinds } = operandsOf(i);
    return { length: i.length, invalid: i.isInvalid, text: fmtAlways.format(i), textNeeded: fmtNeeded.format(i), operands: ops, kinds };
  } finally {
    i.free();
    d.free();
  }
}

/** Decodes every instruction of `bytes` (length and validity only). */
export function icedLengths(bytes: Uint8Array, bits: 16 | 32): { length: number; invalid: boolean }[] {
  const d = new Decoder(bits, bytes, DecoderOptions.None);
  const out: { length: number; invalid: boolean }[] = [];
  try {
    while (d.canDecode) {
      const i = d.decode();
      out.push({ length: i.length, invalid: i.isInvalid });
      i.free();
    }
  } finally {
    d.free();
  }
  return out;
}
