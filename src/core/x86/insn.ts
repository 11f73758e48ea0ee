import type { Cpu } from './cpu.ts';

/** Executes one decoded instruction. Advances EIP itself; throws the `ABORT` sentinel on a fault. */
export type Exec = (c: Cpu, i: Insn) => void;

/** What the instruction does to control flow, for block building and the UI. */
export const enum InsnFlow {
  NEXT = 0,
  /** Ends a decode block: jumps, calls, returns, far transfers, INT, IRET, HLT, mode changes... */
  END_BLOCK = 1,
}

/** Addressing form of the memory operand (if any). */
export const enum MemForm {
  NONE = 0,
  /** 32-bit addressing: base + index*scale + disp. */
  A32 = 1,
  /** 16-bit addressing: (base + index + disp) & 0xFFFF. */
  A16 = 2,
}

/**
 * A decoded instruction. Created once per (physical address, code size) and cached; every field is
 * initialised in the constructor so all instances share one hidden class (the hot loop stays monomorphic).
 */
export class Insn {
  fn: Exec = noExec;
  /** Length in bytes (1..15). */
  len = 0;
  /** Opcode: one byte (0x00-0xFF), 0x0F00 | second byte, or 0x0F3800 | third byte. */
  opcode = 0;
  /** Mnemonic (lower case), named for the operand size (`pushad`, `cwde`); the disassembler (disasm/) prints it iced-style. */
  mnem = '';
  /** Operand specification for the formatter, e.g. "Ev,Gv". */
  ops = '';
  /** Operand size in bytes for v-sized operands: 2 or 4. */
  osz = 4;
  /** Address size in bytes: 2 or 4. */
  asz = 4;
  /** ModRM fields (reg is also the /digit of group opcodes). */
  mod = 0;
  reg = 0;
  rm = 0;
  hasModrm = false;
  /**
   * Memory operand: addressing form, effective segment, base and index register (-1 = none), scale shift
   * (0 without an index), displacement (sign-extended; a moffs address is in `disp` unsigned).
   */
  mem: MemForm = MemForm.NONE;
  seg = 3;
  /** True when a segment-override prefix chose `seg`. */
  segOverride = false;
  base = -1;
  index = -1;
  scale = 0;
  disp = 0;
  /** Immediate operands (sign- or zero-extended as the opcode defines). */
  imm = 0;
  imm2 = 0;
  /** 0, 0xF2 (REPNE) or 0xF3 (REP/REPE). */
  rep = 0;
  lock = false;
  /** Mandatory-prefix class used by the decoder (0, 0x66, 0xF2, 0xF3). */
  mandatory = 0;
  /** Condition code for Jcc/SETcc/CMOVcc; operation index for group ALU opcodes. */
  cc = 0;
  flow: InsnFlow = InsnFlow.NEXT;
  /** Simulated cycles charged when the instruction retires (from the cost model). */
  cost = 1;
  /** Cost class, for the cost model and statistics. */
  costClass = 0;
  /** Raw bytes, kept for the disassembly listing (small, allocated at decode time only). */
  bytes: Uint8Array = EMPTY;
  /** Set when decoding failed: the reason shown with the #UD. */
  invalid = '';
  /** Code-segment default size the instruction was decoded with: 16 or 32. */
  codeSize = 32;
  /** Legacy prefixes present (`Prefix` bits), for the disassembler and VM-exit information. */
  prefixes = 0;
  /**
   * How the block loop runs this instruction (cpu.ts executeBlock): `fn` itself (span 1), or a fused form that
   * also runs the instruction after it in the block (span 2; exec/fast.ts `fuse`), which `next` then names.
   * Running one instruction on its own (single-step, breakpoints, the budget's last instructions) always uses `fn`.
   */
  blockFn: Exec = noExec;
  span = 1;
  next: Insn | null = null;
}

/** Bits of `Insn.prefixes`. */
export const enum Prefix {
  OPSIZE = 1, // 66
  ADDRSIZE = 2, // 67
  SEGMENT = 4, // 26 2E 36 3E 64 65 (the last one is in `seg`)
  LOCK = 8, // F0
  REPNE = 16, // F2
  REP = 32, // F3
}

const EMPTY = new Uint8Array(0);
function noExec(): void {}
