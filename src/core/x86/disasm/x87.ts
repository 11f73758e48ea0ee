/**
 * x87 escape opcodes D8–DF (SDM Vol. 2 Appendix A.4, Tables A-7 … A-22): mnemonics and operands.
 * The decoder names x87 instructions from these tables (the core executes only FNINIT, FNCLEX, FNSTSW,
 * FNSTCW and FLDCW; the rest raise #NM or #UD, see exec/system.ts) and the formatter prints their
 * operands the way iced-x86's NASM formatter does: `fadd st1` (ST(0) implied), `fadd to st1` for the
 * DC forms whose destination is ST(i), and `fcom`/`fxch`/`faddp` without the operand when it is ST(1).
 * Encodings the SDM leaves reserved are invalid (`null`).
 */

/** Memory forms by [opcode - D8][ModRM.reg]: "name size" (size in bytes; 'env'/'state' for the FPU environment and state images). */
const MEM: readonly (readonly (string | null)[])[] = [
  ['fadd 4', 'fmul 4', 'fcom 4', 'fcomp 4', 'fsub 4', 'fsubr 4', 'fdiv 4', 'fdivr 4'],
  // i18n-ignore: x87 mnemonic and operand-kind specs (code)
  ['fld 4', null, 'fst 4', 'fstp 4', 'fldenv env', 'fldcw 2', 'fnstenv env', 'fnstcw 2'],
  ['fiadd 4', 'fimul 4', 'ficom 4', 'ficomp 4', 'fisub 4', 'fisubr 4', 'fidiv 4', 'fidivr 4'],
  ['fild 4', 'fisttp 4', 'fist 4', 'fistp 4', null, 'fld 10', null, 'fstp 10'],
  ['fadd 8', 'fmul 8', 'fcom 8', 'fcomp 8', 'fsub 8', 'fsubr 8', 'fdiv 8', 'fdivr 8'],
  // i18n-ignore: x87 mnemonic and operand-kind specs (code)
  ['fld 8', 'fisttp 8', 'fst 8', 'fstp 8', 'frstor state', null, 'fnsave state', 'fnstsw 2'],
  ['fiadd 2', 'fimul 2', 'ficom 2', 'ficomp 2', 'fisub 2', 'fisubr 2', 'fidiv 2', 'fidivr 2'],
  ['fild 2', 'fisttp 2', 'fist 2', 'fistp 2', 'fbld 10', 'fild 8', 'fbstp 10', 'fistp 8'],
];

/**
 * Register forms by [opcode - D8][ModRM.reg]: "name i" (operand ST(i)), "name o" (ST(i), omitted when
 * i = 1), "name t" (`to ST(i)`), or eight fixed names by ModRM.rm ('' = reserved).
 */
const REG: readonly (readonly (string | readonly string[])[])[] = [
  ['fadd i', 'fmul i', 'fcom o', 'fcomp o', 'fsub i', 'fsubr i', 'fdiv i', 'fdivr i'],
  [
    'fld i', 'fxch o', ['fnop', '', '', '', '', '', '', ''], 'fstpnce i',
    ['fchs', 'fabs', '', '', 'ftst', 'fxam', '', ''],
    ['fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz', ''],
    ['f2xm1', 'fyl2x', 'fptan', 'fpatan', 'fxtract', 'fprem1', 'fdecstp', 'fincstp'],
    ['fprem', 'fyl2xp1', 'fsqrt', 'fsincos', 'frndint', 'fscale', 'fsin', 'fcos'],
  ],
  ['fcmovb i', 'fcmove i', 'fcmovbe i', 'fcmovu i', ['', '', '', '', '', '', '', ''], ['', 'fucompp', '', '', '', '', '', ''], ['', '', '', '', '', '', '', ''], ['', '', '', '', '', '', '', '']],
  ['fcmovnb i', 'fcmovne i', 'fcmovnbe i', 'fcmovnu i', ['fneni', 'fndisi', 'fnclex', 'fninit', 'fnsetpm', '', '', ''], 'fucomi i', 'fcomi i', ['', '', '', '', '', '', '', '']],
  ['fadd t', 'fmul t', 'fcom o', 'fcomp o', 'fsubr t', 'fsub t', 'fdivr t', 'fdiv t'],
  ['ffree i', 'fxch o', 'fst i', 'fstp i', 'fucom o', 'fucomp o', ['', '', '', '', '', '', '', ''], ['', '', '', '', '', '', '', '']],
  ['faddp o', 'fmulp o', 'fcomp o', ['', 'fcompp', '', '', '', '', '', ''], 'fsubrp o', 'fsubp o', 'fdivrp o', 'fdivp o'],
  ['ffreep i', 'fxch o', 'fstp i', 'fstp i', ['fnstsw', '', '', '', '', '', '', ''], 'fucomip i', 'fcomip i', ['', '', '', '', '', '', '', '']],
];

export interface X87Form {
  mnemonic: string;
  /** Memory operand size in bytes (0: none shown), or -1 for a register form. */
  memSize: number;
  /** Register-form operand text ("st1", "to st1", "ax" or ""). */
  regText: string;
}

/** The x87 instruction `opcode` (D8–DF) with `modrm`, or null when the encoding is reserved. */
export function x87Form(opcode: number, modrm: number, osz: number): X87Form | null {
  const row = opcode - 0xd8;
  const reg = (modrm >> 3) & 7;
  const rm = modrm & 7;
  if (modrm < 0xc0) {
    const spec = MEM[row][reg];
    if (spec === null) return null;
    const [mnemonic, size] = spec.split(' ');
    // FPU environment: 28 bytes with 32-bit operand size, 14 with 16; state: 108 / 94 (SDM Vol. 1 §8.1.10, §8.1.11).
    const memSize = size === 'env' ? (osz === 4 ? 28 : 14) : size === 'state' ? (osz === 4 ? 108 : 94) : Number(size);
    return { mnemonic, memSize, regText: '' };
  }
  const spec = REG[row][reg];
  if (typeof spec !== 'string') {
    const name = spec[rm];
    if (name === '') return null;
    return { mnemonic: name, memSize: -1, regText: name === 'fnstsw' ? 'ax' : '' };
  }
  const [mnemonic, kind] = spec.split(' ');
// i18n-ignore: the operand in Intel syntax (code)
  const regText = kind === 't' ? `to st${rm}` : kind === 'o' && rm === 1 ? '' : `st${rm}`;
  return { mnemonic, memSize: -1, regText };
}

/** Mnemonic of every (opcode, ModRM) pair, index ((opcode - D8) << 8) | modrm; '' when reserved. Built once, for the decoder. */
export const X87_MNEMONICS: readonly string[] = Array.from({ length: 8 * 256 }, (_, k) => x87Form(0xd8 + (k >> 8), k & 0xff, 4)?.mnemonic ?? '');
