/**
 * Intel-syntax text of a decoded instruction, in the style of iced-x86's NASM formatter with these
 * options: lower case; numbers 0–9 in decimal, larger ones as `0x` + lower-case hex without leading
 * zeros; immediates unsigned in their operand size (`add eax, 0xffffffff`); displacements signed
 * (`[ebp-4]`); `, ` between operands; branch targets as absolute offsets without `short`/`near`;
 * memory sizes always shown (`dword [ebx+ecx*4+0x10]`) or, with `memorySizes: 'needed'`, only where
 * the other operands do not imply them (iced's default).
 *
 * Prefixes are printed as iced prints them: `lock`, `rep`/`repe`/`repne` on string instructions,
 * `xacquire`/`xrelease`, `bnd` (F2 on near branches), `notrack` (3E on indirect CALL/JMP), a segment
 * override inside the memory operand when it differs from the default segment (or before string
 * instructions and branch-hinted Jcc), and `o16`/`o32`/`a16`/`a32` where the operands do not show the
 * size. Intentional differences from iced (checked in disasm.test.ts):
 *   - an instruction with a LOCK prefix it does not allow prints normally (iced prints `(bad)`), so a
 *     lesson can show what faults; `invalid` is set;
 *   - CPUID-dependent encodings the modelled processors do not have are named but invalid (`clac`,
 *     `vmrun`, `xbegin`…), and SSE/AVX/MMX opcodes print as `(bad)` with their correct length;
 *   - F3 0F BC/BD, F3 0F 09 and F3 0F 1E /1 (register) print as what the modelled CPUs execute
 *     (`bsf`, `bsr`, `wbinvd`, `nop`), not as TZCNT, LZCNT, WBNOINVD, RDSSPD.
 */
import type { Insn } from '../insn.ts';
import { Prefix } from '../insn.ts';
import { operandsOf, SREG, type MemOperand, type Operand } from './operands.ts';
import { x87Form } from './x87.ts';

export interface FormatOptions {
  /** 'always' (default): every memory operand shows its size; 'needed': only where ambiguous. */
  memorySizes?: 'always' | 'needed';
}

export interface FormattedInsn {
  /** Prefix words (`lock`, `rep`, `o16`, `es`...), space-separated, or ''. */
  prefixes: string;
  mnemonic: string;
  operands: string;
  /** prefixes + mnemonic + operands. */
  text: string;
}

/** A number as the formatter prints it: 0–9 in decimal, else 0x-prefixed lower-case hex. */
export function num(n: number): string {
  return n <= 9 ? String(n) : '0x' + n.toString(16);
}

const SIZE_KEYWORD: Record<number, string> = { 1: 'byte', 2: 'word', 4: 'dword', 6: 'fword', 8: 'qword', 10: 'tword', 16: 'oword' };

/** Memory operands iced prints without a size keyword (descriptor tables, VMCS pointers, LEA...). */
function sizeless(i: Insn, m: MemOperand): boolean {
  if (m.size === 0) return true;
  const t = i.ops;
  if (t.includes('Ms') || t.includes('Mq') || t.includes('Ma')) return true; // LGDT…, CMPXCHG8B/VMX, BOUND
  if (i.opcode === 0x0fae || i.mnem === 'cldemote' || (i.opcode === 0x0f0d && i.reg !== 2)) return true; // CLFLUSH, CLDEMOTE, PREFETCH(W)
  if (t.includes('Mp')) return true; // LDS…LSS (FAR CALL/JMP print `far` instead)
  if (i.opcode >= 0xd8 && i.opcode <= 0xdf && m.size > 10) return true; // FPU environment / state
  return false;
}

const STRING_REP = new Set([0x6c, 0x6d, 0x6e, 0x6f, 0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad]); // rep (F3) / repne (F2)
const STRING_REPE = new Set([0xa6, 0xa7, 0xae, 0xaf]); // repe / repne
/** String instructions whose source segment can be overridden (DS default), and XLATB. */
const SEG_SOURCE = new Set([0x6e, 0x6f, 0xa4, 0xa5, 0xa6, 0xa7, 0xac, 0xad, 0xd7]);

/**
 * Instructions whose operand size (66 prefix) is not visible in their operands or mnemonic, for which
 * iced prints `o16`/`o32`: PUSH imm8, PUSH/POP Sreg, ENTER, LEAVE, Jcc/JMP rel8, LOOPcc/JrCXZ,
 * SGDT/SIDT/LGDT/LIDT, SLDT/STR/SMSW with memory, LLDT/LTR/VERR/VERW/LMSW, MOV Sreg with memory, and
 * the x87 environment/state instructions.
 */
function showOperandSize(i: Insn, modrm: number): boolean {
  const op = i.opcode;
  if (op === 0x6a || op === 0xc8 || op === 0xc9 || op === 0xeb || (op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3)) return true;
  if (op === 0x06 || op === 0x07 || op === 0x0e || op === 0x16 || op === 0x17 || op === 0x1e || op === 0x1f) return true;
  if (op === 0x0fa0 || op === 0x0fa1 || op === 0x0fa8 || op === 0x0fa9) return true;
  if (op === 0x0f00 && (i.mod !== 3 || i.reg >= 2)) return true; // SLDT/STR with memory; LLDT, LTR, VERR, VERW
  if (op === 0x0f01 && (i.mod !== 3 ? i.reg <= 4 || i.reg === 6 : i.reg === 6)) return true; // SGDT…LIDT, SMSW m, LMSW
  if ((op === 0x8c || op === 0x8e) && i.mod !== 3) return true;
  if ((op === 0xd9 || op === 0xdd) && modrm < 0xc0 && (i.reg === 4 || i.reg === 6)) return true;
  return false;
}

/** Instructions with an implicit memory operand addressed by (E)SI/(E)DI/(E)BX/(E)AX: iced prints `a16`/`a32`. */
function showAddressSize(i: Insn): boolean {
  const op = i.opcode;
  if (STRING_REP.has(op) || STRING_REPE.has(op) || op === 0xd7) return true;
  return op === 0x0f01 && i.mod === 3 && (i.reg === 1 ? i.rm === 0 : i.reg === 3 && (i.rm === 0 || i.rm === 2 || i.rm === 3)); // MONITOR, VMRUN, VMLOAD, VMSAVE
}

function memText(i: Insn, m: MemOperand, showSize: boolean, sizeOverride: string | null): string {
  let s = '';
  if (sizeOverride !== null) s = sizeOverride;
  else if (showSize && !sizeless(i, m)) s = SIZE_KEYWORD[m.size] ?? '';
  const parts = s === '' ? '' : s + ' ';
  let inner = '';
  // A moffs address whose size differs from the code size is marked inside the brackets (NASM).
  if (m.base === null && m.index === null && !i.hasModrm && m.asz * 8 !== i.codeSize) inner += m.asz === 2 ? 'word ' : 'dword ';
  const defSeg = m.base === 'bp' || m.base === 'ebp' || m.base === 'esp' ? 2 : 3;
  if (m.segOverride && m.seg !== defSeg && i.opcode !== 0x8d) inner += SREG[m.seg] + ':'; // LEA ignores segments
  let plus = false;
  if (m.base !== null) {
    inner += m.base;
    plus = true;
  }
  if (m.index !== null) {
    inner += (plus ? '+' : '') + m.index;
    if (m.asz === 4 && (m.scale !== 1 || m.base === null)) inner += '*' + m.scale;
    plus = true;
  }
  if (!plus) inner += num(m.disp); else if (m.disp !== 0) {
    const signed = m.asz === 2 ? (m.disp << 16) >> 16 : m.disp | 0;
    inner += signed < 0 ? '-' + num(m.asz === 2 ? -signed : -signed >>> 0) : '+' + num(signed);
  }
  return `${parts}[${inner}]`;
}

/** 3E before an indirect near CALL/JMP is (also) the CET `notrack` prefix (SDM Vol. 1 §18.3.8). */
function notrack(i: Insn): boolean {
  return i.opcode === 0xff && (i.reg === 2 || i.reg === 4) && (i.prefixes & Prefix.SEGMENT) !== 0 && i.seg === 3;
}

/** Instructions with one possible memory size (SETcc, MOV Sreg, LLDT…, SMSW/LMSW, prefetches): 'needed' shows none. */
function impliedSize(i: Insn): boolean {
  const op = i.opcode;
  return (op >= 0x0f90 && op <= 0x0f9f) || op === 0x0f00 || op === 0x0f01 || op === 0x8c || op === 0x8e || op === 0x0f18 || op === 0x0f0d;
}

function isGpr(o: Operand): boolean {
  return o.kind === 'reg' && !/^(es|cs|ss|ds|fs|gs|cr\d|dr\d)$/.test(o.name);
}

/** Formats `i`, decoded at offset `address` of its code segment. */
export function formatParts(i: Insn, address: number, options: FormatOptions = {}): FormattedInsn {
  if (i.mnem === '(bad)') return { prefixes: '', mnemonic: '(bad)', operands: '', text: '(bad)' };
  const always = options.memorySizes !== 'needed';
  const op = i.opcode;
  const p = i.prefixes;
  const codeOsz = i.codeSize === 32 ? 4 : 2;
  const modrm = (i.mod << 6) | (i.reg << 3) | i.rm;
  const x87 = op >= 0xd8 && op <= 0xdf;

  // ---- mnemonic (iced names the operand size only when it differs from the code size)
  let mnemonic = i.mnem;
  const sfx = i.osz === codeOsz ? '' : i.osz === 2 ? 'w' : 'd';
  if (op === 0x60 || op === 0x61 || op === 0x9c || op === 0x9d || op === 0xcf) mnemonic = mnemonic.replace(/[wd]$/, '') + sfx;
  else if (op === 0xc2 || op === 0xc3 || op === 0xca || op === 0xcb) mnemonic += sfx;
  let farMem = false;
  if (mnemonic === 'call far' || mnemonic === 'jmp far') {
    mnemonic = mnemonic.slice(0, -4);
    farMem = true;
  }

  // ---- operands
  const ops = operandsOf(i, address);
  let texts: string[];
  if (x87) {
    const f = x87Form(op, modrm, i.osz);
    texts = [];
    // 'needed': the control/status word instructions have only one size
    const fixed = (op === 0xd9 && (i.reg === 5 || i.reg === 7)) || (op === 0xdd && i.reg === 7);
    if (f !== null && f.memSize >= 0) texts.push(memText(i, ops[0] as MemOperand, always || !fixed, null));
    else if (f !== null && f.regText !== '') texts.push(f.regText);
  } else {
    const needSize = always || op === 0x0fb6 || op === 0x0fb7 || op === 0x0fbe || op === 0x0fbf || (!impliedSize(i) && !ops.some((o) => isGpr(o) && !(o.kind === 'reg' && o.name === 'cl' && (op === 0xd2 || op === 0xd3))));
    texts = ops.map((o) => {
      switch (o.kind) {
        case 'reg': return o.name;
        case 'imm': return num(o.value);
        case 'rel': return num(o.target);
        case 'far': return `${num(o.selector)}:${num(o.offset)}`;
        default:
// i18n-ignore: Intel-syntax size keywords (code)
          if (farMem) return memText(i, o, false, i.osz === codeOsz ? 'far' : i.osz === 2 ? 'word far' : 'dword far');
          return memText(i, o, needSize, null);
      }
    });
    if (op === 0x86 || op === 0x87) texts.reverse(); // XCHG prints the register first
    if ((op === 0x69 || op === 0x6b) && i.mod === 3 && i.reg === i.rm) texts.splice(1, 1); // imul r, imm
    else if ((op === 0xd4 || op === 0xd5) && i.imm === 10) texts = []; // AAM/AAD with the default base
    else if (op >= 0xe0 && op <= 0xe2 && (p & Prefix.ADDRSIZE) !== 0) texts.push(i.asz === 2 ? 'cx' : 'ecx');
    else if (op === 0x90 && i.osz !== codeOsz && i.rep !== 0xf3) {
      mnemonic = 'xchg';
      texts = i.osz === 2 ? ['ax', 'ax'] : ['eax', 'eax'];
    } else if (mnemonic === 'invlpga') texts = [i.asz === 2 ? 'ax' : 'eax', 'ecx'];
  }

  // ---- prefix words, in iced's order: operand size, address size, segment, xacquire/xrelease, lock, notrack, bnd, rep
  const words: string[] = [];
  if ((p & Prefix.OPSIZE) !== 0 && i.osz !== codeOsz && showOperandSize(i, modrm)) words.push(i.osz === 2 ? 'o16' : 'o32');
  if ((p & Prefix.ADDRSIZE) !== 0 && showAddressSize(i)) words.push(i.asz === 2 ? 'a16' : 'a32');
  if ((p & Prefix.SEGMENT) !== 0) {
    const hinted = (op >= 0x70 && op <= 0x7f) || (op >= 0x0f80 && op <= 0x0f8f);
    const monitor = op === 0x0f01 && modrm === 0xc8; // MONITOR reads DS:[eAX] (segment overridable)
    if (((SEG_SOURCE.has(op) || monitor) && i.seg !== 3) || (hinted && (i.seg === 1 || i.seg === 3))) words.push(SREG[i.seg]);
  }
  const lock = (p & Prefix.LOCK) !== 0;
  const memDest = i.mod !== 3 && i.hasModrm;
  if (i.rep !== 0 && ((lock && memDest) || ((op === 0x86 || op === 0x87) && memDest))) words.push(i.rep === 0xf2 ? 'xacquire' : 'xrelease');
  else if (i.rep === 0xf3 && memDest && (op === 0x88 || op === 0x89 || op === 0xc6 || op === 0xc7)) words.push('xrelease');
  if (lock) words.push('lock');
  if (notrack(i)) words.push('notrack');
  const nearBranch = op === 0xe8 || op === 0xe9 || op === 0xc2 || op === 0xc3 || (op >= 0x70 && op <= 0x7f) || (op >= 0x0f80 && op <= 0x0f8f) || (op === 0xff && (i.reg === 2 || i.reg === 4));
  if (i.rep === 0xf2 && nearBranch) words.push('bnd');
  else if (STRING_REP.has(op) && i.rep !== 0) words.push(i.rep === 0xf3 ? 'rep' : 'repne');
  else if (STRING_REPE.has(op) && i.rep !== 0) words.push(i.rep === 0xf3 ? 'repe' : 'repne');
  else if (i.rep === 0xf3 && op === 0xc3) words.push('rep'); // `rep ret` (an old AMD branch-predictor idiom)

  const prefixes = words.join(' ');
  const operands = texts.join(', ');
  let text = prefixes === '' ? mnemonic : prefixes + ' ' + mnemonic;
  if (operands !== '') text += ' ' + operands;
  return { prefixes, mnemonic, operands, text };
}

/** The instruction's text, e.g. `mov eax, dword [ebx+ecx*4+0x10]`. */
export function formatInsn(i: Insn, address: number, options?: FormatOptions): string {
  return formatParts(i, address, options).text;
}
