/**
 * String instructions MOVS, STOS, LODS, CMPS, SCAS, INS, OUTS with REP/REPE/REPNE (SDM Vol. 2 and
 * Vol. 1 §7.3.9). A repeated instruction runs at most `REP_CHUNK` iterations per execution and then
 * stays at the same EIP with ECX updated, which is how hardware lets interrupts in between iterations.
 */
import type { Cpu } from '../cpu.ts';
import { Flag, Seg } from '../arch.ts';
import type { Insn } from '../insn.ts';
import { alu } from './alu.ts';
import { checkIoPermission, doIn, doOut } from './io.ts';
import { exitIfIo } from '../../vmx/nonroot.ts';

export const REP_CHUNK = 4096;

function counter(c: Cpu, i: Insn): number {
  return i.asz === 4 ? c.regs[1] >>> 0 : c.regs[1] & 0xffff;
}
function setCounter(c: Cpu, i: Insn, v: number): void {
  if (i.asz === 4) c.regs[1] = v;
  else c.setReg16(1, v);
}
function idx(c: Cpu, i: Insn, r: number): number {
  return i.asz === 4 ? c.regs[r] : c.regs[r] & 0xffff;
}
function step(c: Cpu, i: Insn, r: number, size: number): void {
  const d = (c.eflags & Flag.DF) !== 0 ? -size : size;
  if (i.asz === 4) c.regs[r] = (c.regs[r] + d) | 0;
  else c.setReg16(r, c.regs[r] + d);
}
function rd(c: Cpu, seg: number, off: number, size: number): number {
  return size === 1 ? c.read8(seg, off) : size === 2 ? c.read16(seg, off) : c.read32(seg, off);
}
function wr(c: Cpu, seg: number, off: number, size: number, v: number): void {
  if (size === 1) c.write8(seg, off, v);
  else if (size === 2) c.write16(seg, off, v);
  else c.write32(seg, off, v);
}

/** Size of the element: opcode bit 0 selects byte vs v-size. */
function elem(i: Insn): number {
  return (i.opcode & 1) === 0 ? 1 : i.osz;
}

export function stringOp(c: Cpu, i: Insn): void {
  const size = elem(i);
  const op = i.opcode & 0xfe;
  const rep = i.rep !== 0;
  // DF is read from EFLAGS directly: make sure it is current (it is never lazy, but the arith bits may be).
  if (op === 0x6c || op === 0x6e) {
    // INS / OUTS: I/O permission (#GP) first, then a possible VM exit (SDM Vol. 3C §25.1.1).
    const port = c.regs[2] & 0xffff;
    checkIoPermission(c, port, size);
    if (exitIfIo(c, i, port, size, op === 0x6c, true, rep)) return;
  }
  let n = rep ? counter(c, i) : 1;
  if (rep && n === 0) {
    c.eip = (c.eip + i.len) | 0;
    return;
  }
  let iterations = 0;
  const repZ = i.rep === 0xf3;
  // With the monitor trap flag set, an MTF VM exit is pending after each iteration of a REP-prefixed string
  // instruction (SDM Vol. 3C §25.5.2): one iteration per execution, EIP stays on the instruction until it ends.
  const chunk = c.vmx.nonRoot && c.vmx.mtf ? 1 : REP_CHUNK;
  while (n > 0 && iterations < chunk) {
    switch (op) {
      case 0xa4: // MOVS
        wr(c, Seg.ES, idx(c, i, 7), size, rd(c, i.seg, idx(c, i, 6), size));
        step(c, i, 6, size);
        step(c, i, 7, size);
        break;
      case 0xaa: // STOS
        wr(c, Seg.ES, idx(c, i, 7), size, c.regs[0]);
        step(c, i, 7, size);
        break;
      case 0xac: { // LODS
        const v = rd(c, i.seg, idx(c, i, 6), size);
        if (size === 1) c.setReg8(0, v);
        else c.setRegV(0, size, v);
        step(c, i, 6, size);
        break;
      }
      case 0xa6: { // CMPS: [seg:ESI] - ES:[EDI]
        const a = rd(c, i.seg, idx(c, i, 6), size);
        const b = rd(c, Seg.ES, idx(c, i, 7), size);
        alu(c, 7, a, b, size === 1 ? 0 : size === 2 ? 1 : 2);
        step(c, i, 6, size);
        step(c, i, 7, size);
        break;
      }
      case 0xae: { // SCAS: eAX - ES:[EDI]
        const b = rd(c, Seg.ES, idx(c, i, 7), size);
        const a = size === 1 ? c.regs[0] & 0xff : size === 2 ? c.regs[0] & 0xffff : c.regs[0];
        alu(c, 7, a, b, size === 1 ? 0 : size === 2 ? 1 : 2);
        step(c, i, 7, size);
        break;
      }
      case 0x6c: { // INS: ES:[EDI] <- port DX (the destination is checked before the port is read)
        const off = idx(c, i, 7);
        c.linear(Seg.ES, off, size, true);
        wr(c, Seg.ES, off, size, doIn(c, c.regs[2] & 0xffff, size));
        step(c, i, 7, size);
        break;
      }
      default: { // 0x6E OUTS: port DX <- seg:[ESI]
        const v = rd(c, i.seg, idx(c, i, 6), size);
        doOut(c, c.regs[2] & 0xffff, size, v);
        step(c, i, 6, size);
        break;
      }
    }
    iterations++;
    if (!rep) break;
    n--;
    setCounter(c, i, n);
    if ((op === 0xa6 || op === 0xae) && c.cond(4) !== repZ) break; // REPE stops on ZF=0, REPNE on ZF=1
  }
  c.cycles += iterations > 1 ? iterations - 1 : 0;
  if (rep && n > 0 && iterations >= chunk && !((op === 0xa6 || op === 0xae) && c.cond(4) !== repZ)) {
    c.stop = 1; // not finished: re-execute (interrupts may be taken in between)
    return;
  }
  c.eip = (c.eip + i.len) | 0;
}
