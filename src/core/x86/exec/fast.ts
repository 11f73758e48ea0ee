/**
 * Specialised forms of the most frequent instructions (32-bit register-register ALU operations, INC/DEC of
 * a register, conditional jumps on ZF), chosen once per decoded instruction by `specialize`. Each computes
 * exactly what the general form in alu.ts / control.ts computes (the semantics are tested there and in
 * fast.test.ts against the general forms); they only skip operand-form dispatch and the ALU switch.
 */
import type { Cpu } from '../cpu.ts';
import { FlagOp } from '../flags.ts';
import type { Exec, Insn } from '../insn.ts';
import { Seg } from '../arch.ts';

const ADD32 = (FlagOp.ADD << 2) | 2;
const SUB32 = (FlagOp.SUB << 2) | 2;
const LOGIC32 = (FlagOp.LOGIC << 2) | 2;
const INC32 = (FlagOp.INC << 2) | 2;
const DEC32 = (FlagOp.DEC << 2) | 2;

function flags(c: Cpu, op: number, a: number, b: number, r: number): void {
  c.fop = op;
  c.fa = a;
  c.fb = b;
  c.fres = r;
}

// ---- r/m32 (register) op= r32, and r32 op= r/m32 (register): `dst` and `src` register numbers differ by form.
const addRR: Exec = (c, i) => {
  const d = i.opcode === 0x01 ? i.rm : i.reg;
  const a = c.regs[d];
  const b = c.regs[i.opcode === 0x01 ? i.reg : i.rm];
  const r = (a + b) | 0;
  c.regs[d] = r;
  flags(c, ADD32, a, b, r);
  c.eip = (c.eip + i.len) | 0;
};
const subRR: Exec = (c, i) => {
  const d = i.opcode === 0x29 ? i.rm : i.reg;
  const a = c.regs[d];
  const b = c.regs[i.opcode === 0x29 ? i.reg : i.rm];
  const r = (a - b) | 0;
  c.regs[d] = r;
  flags(c, SUB32, a, b, r);
  c.eip = (c.eip + i.len) | 0;
};
const cmpRR: Exec = (c, i) => {
  const a = c.regs[i.opcode === 0x39 ? i.rm : i.reg];
  const b = c.regs[i.opcode === 0x39 ? i.reg : i.rm];
  flags(c, SUB32, a, b, (a - b) | 0);
  c.eip = (c.eip + i.len) | 0;
};
const logicRR = (kind: number): Exec => {
  // kind: 0 AND, 1 OR, 2 XOR
  return (c, i) => {
    const rmDst = (i.opcode & 2) === 0;
    const d = rmDst ? i.rm : i.reg;
    const a = c.regs[d];
    const b = c.regs[rmDst ? i.reg : i.rm];
    const r = kind === 0 ? a & b : kind === 1 ? a | b : a ^ b;
    c.regs[d] = r;
    flags(c, LOGIC32, r, 0, r);
    c.eip = (c.eip + i.len) | 0;
  };
};
const andRR = logicRR(0);
const orRR = logicRR(1);
const xorRR = logicRR(2);
const testRR: Exec = (c, i) => {
  const r = c.regs[i.rm] & c.regs[i.reg];
  flags(c, LOGIC32, r, 0, r);
  c.eip = (c.eip + i.len) | 0;
};

// ---- 81 /op id, 83 /op ib (register destination)
const addRI: Exec = (c, i) => {
  const a = c.regs[i.rm];
  const r = (a + i.imm) | 0;
  c.regs[i.rm] = r;
  flags(c, ADD32, a, i.imm, r);
  c.eip = (c.eip + i.len) | 0;
};
const subRI: Exec = (c, i) => {
  const a = c.regs[i.rm];
  const r = (a - i.imm) | 0;
  c.regs[i.rm] = r;
  flags(c, SUB32, a, i.imm, r);
  c.eip = (c.eip + i.len) | 0;
};
const cmpRI: Exec = (c, i) => {
  const a = c.regs[i.rm];
  flags(c, SUB32, a, i.imm, (a - i.imm) | 0);
  c.eip = (c.eip + i.len) | 0;
};

// ---- INC/DEC r32 (40+r, 48+r): CF is preserved (SDM INC/DEC). When the previous flag-setting operation
// was itself INC/DEC, `fcf` already holds the preserved CF.
function preservedCf(c: Cpu): number {
  const k = c.fop >> 2;
  if (k === FlagOp.INC || k === FlagOp.DEC) return c.fcf;
  // AND, OR, XOR and TEST clear CF (SDM Vol. 2): what lazyCF computes for them, without the call.
  return k === FlagOp.LOGIC ? 0 : c.getCF();
}
const incR: Exec = (c, i) => {
  c.fcf = preservedCf(c);
  const a = c.regs[i.rm];
  const r = (a + 1) | 0;
  c.regs[i.rm] = r;
  flags(c, INC32, a, 1, r);
  c.eip = (c.eip + i.len) | 0;
};
const decR: Exec = (c, i) => {
  c.fcf = preservedCf(c);
  const a = c.regs[i.rm];
  const r = (a - 1) | 0;
  c.regs[i.rm] = r;
  flags(c, DEC32, a, 1, r);
  c.eip = (c.eip + i.len) | 0;
};

// ---- JZ / JNZ: ZF straight from the lazy result.
const MASK = new Int32Array([0xff, 0xffff, -1, -1]);
function zf(c: Cpu): boolean {
  return c.fop === 0 ? (c.eflags & 0x40) !== 0 : (c.fres & MASK[c.fop & 3]) === 0;
}
function jumpTo(c: Cpu, i: Insn): void {
  let t = (c.eip + i.len + i.imm) | 0;
  if (i.osz !== 4) t &= 0xffff;
  if ((t >>> 0) > (c.segLimit[Seg.CS] >>> 0)) c.gp(0);
  c.eip = t;
}
const jz: Exec = (c, i) => {
  if (zf(c)) jumpTo(c, i);
  else c.eip = (c.eip + i.len) | 0;
};
const jnz: Exec = (c, i) => {
  if (!zf(c)) jumpTo(c, i);
  else c.eip = (c.eip + i.len) | 0;
};

// ---- Fused pairs: a flag-setting register instruction followed by JZ/JNZ (the loop idioms `dec ecx; jnz`,
// `cmp eax, n; jz`, `test eax, eax; jnz`), run by one call from the block loop. Each does exactly what the two
// specialised forms above do one after the other — the first instruction's effects, EIP advanced past it, then
// the jump on the ZF it produced — and is used only inside a block (cpu.ts executeBlock), where the pair is
// accounted as two retired instructions. The jump can fault (#GP past the CS limit) after the first instruction
// retired: `fusedRetired` tells the block loop so, as if the jump had been run on its own.
function jccAfter(c: Cpu, j: Insn): void {
  const taken = zf(c) !== (j.opcode === 0x75 || j.opcode === 0x0f85);
  if (taken) {
    let t = (c.eip + j.len + j.imm) | 0;
    if (j.osz !== 4) t &= 0xffff;
    if ((t >>> 0) > (c.segLimit[Seg.CS] >>> 0)) {
      c.fusedRetired = 1;
      c.gp(0);
    }
    c.eip = t;
  } else c.eip = (c.eip + j.len) | 0;
}
const decJcc: Exec = (c, i) => {
  decR(c, i);
  jccAfter(c, i.next!);
};
const incJcc: Exec = (c, i) => {
  incR(c, i);
  jccAfter(c, i.next!);
};
const cmpRRJcc: Exec = (c, i) => {
  cmpRR(c, i);
  jccAfter(c, i.next!);
};
const cmpRIJcc: Exec = (c, i) => {
  cmpRI(c, i);
  jccAfter(c, i.next!);
};
const testRRJcc: Exec = (c, i) => {
  testRR(c, i);
  jccAfter(c, i.next!);
};
const subRIJcc: Exec = (c, i) => {
  subRI(c, i);
  jccAfter(c, i.next!);
};

/**
 * Sets `i.blockFn` (and `span`, `next`) for a block: the fused form when `i` and `j` make a pair above, `i.fn`
 * otherwise. Called once per decoded instruction after `specialize`, with the instruction that follows it in
 * its block (null for the last one).
 */
export function fuse(i: Insn, j: Insn | null): void {
  i.blockFn = i.fn;
  i.span = 1;
  i.next = null;
  if (j === null || (j.fn !== jz && j.fn !== jnz)) return;
  let f: Exec | null = null;
  if (i.fn === decR) f = decJcc;
  else if (i.fn === incR) f = incJcc;
  else if (i.fn === cmpRR) f = cmpRRJcc;
  else if (i.fn === cmpRI) f = cmpRIJcc;
  else if (i.fn === testRR) f = testRRJcc;
  else if (i.fn === subRI) f = subRIJcc;
  if (f === null) return;
  i.blockFn = f;
  i.span = 2;
  i.next = j;
}

/** Replaces `i.fn` with a specialised form when one applies. Called once per decoded instruction. */
export function specialize(i: Insn): void {
  if (i.invalid !== '' || i.lock) return;
  const op = i.opcode;
  if (i.osz === 4 && i.hasModrm && i.mod === 3) {
    switch (op) {
      case 0x01: case 0x03: i.fn = addRR; return;
      case 0x29: case 0x2b: i.fn = subRR; return;
      case 0x39: case 0x3b: i.fn = cmpRR; return;
      case 0x21: case 0x23: i.fn = andRR; return;
      case 0x09: case 0x0b: i.fn = orRR; return;
      case 0x31: case 0x33: i.fn = xorRR; return;
      case 0x85: i.fn = testRR; return;
      case 0x81: case 0x83:
        if (i.reg === 0) i.fn = addRI;
        else if (i.reg === 5) i.fn = subRI;
        else if (i.reg === 7) i.fn = cmpRI;
        return;
      default:
        break;
    }
  }
  if (i.osz === 4 && !i.hasModrm) {
    if (op >= 0x40 && op <= 0x47) i.fn = incR;
    else if (op >= 0x48 && op <= 0x4f) i.fn = decR;
  }
  if (op === 0x74 || op === 0x0f84) i.fn = jz;
  else if (op === 0x75 || op === 0x0f85) i.fn = jnz;
}
