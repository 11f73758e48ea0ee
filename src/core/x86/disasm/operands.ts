/**
 * Structured operands of a decoded instruction: what each operand token of `Insn.ops` (SDM Vol. 2
 * Appendix A notation) denotes for this particular encoding. The formatter prints these; the decoder's
 * conformance tests compare them with iced-x86 operand by operand.
 */
import { MemForm, type Insn } from '../insn.ts';
import { x87Form } from './x87.ts';

export const REG8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'] as const;
export const REG16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
export const REG32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const SREG = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

export interface RegOperand {
  kind: 'reg';
  name: string;
}
export interface MemOperand {
  kind: 'mem';
  /** Operand size in bytes (0 when the instruction gives the memory no size, as LEA or INVLPG). */
  size: number;
  /** Effective segment (0 ES … 5 GS) and whether a prefix chose it. */
  seg: number;
  segOverride: boolean;
  base: string | null;
  index: string | null;
  /** 1, 2, 4 or 8. */
  scale: number;
  /** Displacement, unsigned within the address size. */
  disp: number;
  /** Address size in bytes (2 or 4). */
  asz: number;
  /** A far pointer in memory (m16:16 or m16:32). */
  far: boolean;
}
export interface ImmOperand {
  kind: 'imm';
  /** Unsigned within `size`. */
  value: number;
  /** Size in bytes after extension (a sign-extended imm8 has the operand size). */
  size: number;
}
export interface RelOperand {
  kind: 'rel';
  /** Branch target: offset in the code segment, truncated to the operand size. */
  target: number;
}
export interface FarOperand {
  kind: 'far';
  selector: number;
  offset: number;
}
export type Operand = RegOperand | MemOperand | ImmOperand | RelOperand | FarOperand;

const TOKEN_CACHE = new Map<string, readonly string[]>();
/** The operand tokens of an `Insn.ops` string ("Ev,Gv" → ["Ev", "Gv"]), cached. */
export function opTokens(ops: string): readonly string[] {
  let t = TOKEN_CACHE.get(ops);
  if (t === undefined) {
    t = ops === '' ? [] : ops.split(',');
    TOKEN_CACHE.set(ops, t);
  }
  return t;
}

/** General register `n` of `size` bytes. */
export function gpr(n: number, size: number): string {
  return size === 1 ? REG8[n & 7] : size === 2 ? REG16[n & 7] : REG32[n & 7];
}

function memory(i: Insn, size: number, far = false): MemOperand {
  const a16 = i.mem === MemForm.A16;
  const names = a16 ? REG16 : REG32;
  return {
    kind: 'mem',
    size,
    seg: i.seg,
    segOverride: i.segOverride,
    base: i.base >= 0 ? names[i.base] : null,
    index: i.index >= 0 ? names[i.index] : null,
    scale: a16 ? 1 : 1 << i.scale,
    disp: a16 ? i.disp & 0xffff : i.disp >>> 0,
    asz: a16 ? 2 : 4,
    far,
  };
}

/** r/m operand: a register of `regSize` bytes when mod = 3, else memory of `memSize` bytes. */
function rm(i: Insn, regSize: number, memSize: number): Operand {
  return i.mod === 3 ? { kind: 'reg', name: gpr(i.rm, regSize) } : memory(i, memSize);
}

function imm(value: number, size: number): ImmOperand {
  return { kind: 'imm', value: size === 1 ? value & 0xff : size === 2 ? value & 0xffff : value >>> 0, size };
}

/**
 * The operands of `i` (decoded at offset `address` in its code segment), in Intel order. Implicit
 * operands that assembly syntax does not write (the string instructions' [esi]/[edi], XLATB's table) are
 * left out; of an x87 instruction only the memory operand is listed (its register operands are text, x87.ts).
 */
export function operandsOf(i: Insn, address: number): Operand[] {
  const out: Operand[] = [];
  const osz = i.osz;
  let immIndex = 0;
  const nextImm = (): number => (immIndex++ === 0 ? i.imm : i.imm2);
  for (const t of opTokens(i.ops)) {
    switch (t) {
      case 'Eb': out.push(rm(i, 1, 1)); break;
      case 'Ew': out.push(rm(i, 2, 2)); break;
      case 'Ed': out.push(rm(i, 4, 4)); break;
      case 'Ev': out.push(rm(i, osz, osz)); break;
      case 'Mw/Rv': out.push(rm(i, osz, 2)); break;
      case 'Rd': out.push({ kind: 'reg', name: gpr(i.rm, 4) }); break;
      case 'Rv': out.push({ kind: 'reg', name: gpr(i.rm, osz) }); break;
      case 'Gb': out.push({ kind: 'reg', name: gpr(i.reg, 1) }); break;
      case 'Gw': out.push({ kind: 'reg', name: gpr(i.reg, 2) }); break;
      case 'Gd': out.push({ kind: 'reg', name: gpr(i.reg, 4) }); break;
      case 'Gv': out.push({ kind: 'reg', name: gpr(i.reg, osz) }); break;
      case 'Sw': out.push({ kind: 'reg', name: SREG[i.reg] ?? '?' }); break;
      case 'Cd': out.push({ kind: 'reg', name: 'cr' + i.reg }); break;
      case 'Dd': out.push({ kind: 'reg', name: 'dr' + i.reg }); break;
      case 'Zb': out.push({ kind: 'reg', name: gpr(i.rm, 1) }); break;
      case 'Zv': out.push({ kind: 'reg', name: gpr(i.rm, osz) }); break;
      case 'Zd': out.push({ kind: 'reg', name: gpr(i.rm, 4) }); break;
      case 'AL': out.push({ kind: 'reg', name: 'al' }); break;
      case 'CL': out.push({ kind: 'reg', name: 'cl' }); break;
      case 'DX': out.push({ kind: 'reg', name: 'dx' }); break;
      case 'eAX': out.push({ kind: 'reg', name: gpr(0, osz) }); break;
      case 'ES': case 'CS': case 'SS': case 'DS': case 'FS': case 'GS':
        out.push({ kind: 'reg', name: t.toLowerCase() });
        break;
      case 'M': out.push(memory(i, 0)); break;
      case 'Mb': out.push(memory(i, 1)); break;
      case 'Mq': out.push(memory(i, 8)); break;
      case 'Mdq': out.push(memory(i, 16)); break;
      case 'Ms': out.push(memory(i, 6)); break; // pseudo-descriptor: limit16 + base32 (SDM Vol. 3A §3.5.1)
      case 'Ma': out.push(memory(i, osz * 2)); break; // BOUND: two signed bounds
      case 'Mp': out.push(memory(i, osz + 2, true)); break; // m16:16 / m16:32
      case 'Ob': out.push(memory(i, 1)); break;
      case 'Ov': out.push(memory(i, osz)); break;
      case '1': out.push(imm(1, 1)); break;
      case 'Ib': out.push(imm(nextImm(), 1)); break;
      case 'Iw': out.push(imm(nextImm(), 2)); break;
      case 'Ibs': case 'Iz': case 'Iv':
        out.push(imm(nextImm(), osz));
        break;
      case 'Jb': case 'Jz': {
        const t = address + i.len + nextImm();
        // XBEGIN's fallback address is not truncated to 16 bits (iced; the instruction is #UD here anyway)
        out.push({ kind: 'rel', target: osz === 2 && i.opcode !== 0xc7 ? t & 0xffff : t >>> 0 });
        break;
      }
      case 'Ap': out.push({ kind: 'far', selector: i.imm2 & 0xffff, offset: osz === 2 ? i.imm & 0xffff : i.imm >>> 0 }); break;
      case 'X': {
        // x87: the memory operand (register forms are text only, see x87.ts)
        const f = x87Form(i.opcode, (i.mod << 6) | (i.reg << 3) | i.rm, osz);
        if (f !== null && f.memSize >= 0) out.push(memory(i, f.memSize));
        break;
      }
      default: break;
    }
  }
  return out;
}
