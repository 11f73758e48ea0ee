/**
 * The disassembler: machine code → Intel-syntax listing, built on the interpreter's own decoder (the
 * browser worker cannot load iced-x86). Text follows iced-x86's NASM formatter (see format.ts); the
 * tests compare it with iced for every form the assembler emits and for random code.
 */
import '../../../i18n/en/x86.ts';
import { t } from '../../../i18n/t.ts';
import { decodeInsn } from '../decoder.ts';
import { Insn } from '../insn.ts';
import { formatParts, type FormatOptions } from './format.ts';

export { formatInsn, formatParts, num, type FormatOptions, type FormattedInsn } from './format.ts';
export { operandsOf, type Operand } from './operands.ts';

export interface DisasmLine {
  /** Offset of the first byte in the code segment (EIP/IP; the linear address in a flat segment). */
  address: number;
  /** The instruction's bytes (a copy). */
  bytes: Uint8Array;
  length: number;
  /** Full text: prefixes, mnemonic and operands, e.g. `rep movsd` or `mov eax, dword [ebx+4]`. */
  text: string;
  mnemonic: string;
  operands: string;
  /** Prefix words printed before the mnemonic (`lock`, `rep`, `o16`...), or ''. */
  prefixes: string;
  /**
   * True when executing the bytes raises #UD (or #GP(0) for more than 15 bytes): unknown or
   * unimplemented opcodes (text `(bad)`), a LOCK prefix the instruction does not allow, an instruction
   * the modelled processors lack (`clac`, `vmrun`...), or bytes that end mid-instruction.
   */
  invalid: boolean;
  /** Why it is invalid (the decoder's reason), or ''. */
  reason: string;
}

/**
 * Disassembles `bytes` as code of the given size whose first byte is at offset `address`, up to
 * `count` instructions (default: until the bytes end). Never throws; bytes that end in the middle of an
 * instruction give a last line `(bad)` holding the remaining bytes.
 */
export function disassemble(bytes: Uint8Array, address: number, codeSize: 16 | 32, count = Infinity, options?: FormatOptions): DisasmLine[] {
  const out: DisasmLine[] = [];
  const insn = new Insn();
  const size = codeSize === 16 ? 16 : 32;
  let off = 0;
  while (off < bytes.length && out.length < count) {
    const at = (address + off) >>> 0;
    const ip = size === 16 ? at & 0xffff : at;
    if (!decodeInsn(bytes, off, bytes.length, size, insn)) {
      const rest = bytes.slice(off);
      out.push({ address: ip, bytes: rest, length: rest.length, text: '(bad)', mnemonic: '(bad)', operands: '', prefixes: '', invalid: true, reason: t('x86.disasm.truncated') });
      break;
    }
    const f = formatParts(insn, ip, options);
    out.push({ address: ip, bytes: insn.bytes, length: insn.len, text: f.text, mnemonic: f.mnemonic, operands: f.operands, prefixes: f.prefixes, invalid: insn.invalid !== '', reason: insn.invalid });
    off += insn.len;
  }
  return out;
}
