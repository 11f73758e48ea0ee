/**
 * Port I/O: IN and OUT, the I/O privilege check (CPL ≤ IOPL, else the TSS I/O permission bitmap;
 * SDM Vol. 1 §19.5) and, in VMX non-root operation, I/O-instruction VM exits (SDM Vol. 3C §25.1.3).
 * The privilege check comes first: "I/O instructions ... #GP due to IOPL and the I/O-permission bitmap
 * take priority over VM exits" (SDM Vol. 3C §25.1.1).
 */
import type { Cpu } from '../cpu.ts';
import { Acc } from '../cpu.ts';
import { Ar, Cr0, Flag, Seg } from '../arch.ts';
import type { Insn } from '../insn.ts';
import type { IoSize } from '../platform.ts';
import { EventKind } from '../../trace/events.ts';
import { exitIfIo } from '../../vmx/nonroot.ts';
import { vmxMode } from '../interrupts.ts';

/**
 * #GP(0) unless CPL ≤ IOPL or every port's bit in the TSS I/O permission bitmap is 0. In virtual-8086 mode IOPL does
 * not enter into it: the bitmap alone decides (SDM Vol. 1 §19.5.2; Vol. 3A §20.2.8.1; IN pseudocode "IF ((PE = 1) and
 * ((CPL > IOPL) or (VM = 1)))").
 */
export function checkIoPermission(c: Cpu, port: number, size: number): void {
  if ((c.cr0 & Cr0.PE) === 0) return;
  const iopl = (c.eflags >>> 12) & 3;
  if (c.cpl <= iopl && (c.eflags & Flag.VM) === 0) return;
  const trAr = c.segAr[Seg.TR];
  const type = trAr & 0xf;
  if ((trAr & Ar.UNUSABLE) !== 0 || (type !== 9 && type !== 11)) c.gp(0); // only 32-bit TSSs have a bitmap
  const limit = c.segLimit[Seg.TR] >>> 0;
  const base = c.segBase[Seg.TR];
  if (limit < 0x67) c.gp(0);
  const mapBase = c.readLin16((base + 0x66) | 0, Acc.READ_SUP);
  const byteOff = mapBase + (port >>> 3);
  if (byteOff + 1 > limit) c.gp(0); // the processor reads two bytes of the bitmap
  const bits = c.readLin16((base + byteOff) | 0, Acc.READ_SUP);
  const mask = ((1 << size) - 1) << (port & 7);
  if ((bits & mask) !== 0) c.gp(0);
}

export function doIn(c: Cpu, port: number, size: number): number {
  const v = c.io.read(port, size as IoSize, c.cycles);
  const masked = size === 4 ? v | 0 : v & (size === 1 ? 0xff : 0xffff);
  c.trace.emit(EventKind.IO, c.cycles, c.id, port, size, 1, masked >>> 0, vmxMode(c), 0, 0);
  return masked;
}

export function doOut(c: Cpu, port: number, size: number, value: number): void {
  const v = size === 4 ? value | 0 : value & (size === 1 ? 0xff : 0xffff);
  c.trace.emit(EventKind.IO, c.cycles, c.id, port, size, 0, v >>> 0, vmxMode(c), 0, 0);
  c.io.write(port, size as IoSize, v, c.cycles);
  c.stop = 1; // a device may now have an interrupt for us
}

/** E4 E5 EC ED: IN AL/eAX, imm8/DX. */
export function inInsn(c: Cpu, i: Insn): void {
  const size = (i.opcode & 1) === 0 ? 1 : i.osz;
  const port = i.opcode >= 0xec ? c.regs[2] & 0xffff : i.imm & 0xff;
  checkIoPermission(c, port, size);
  if (exitIfIo(c, i, port, size, true, false, false)) return;
  const v = doIn(c, port, size);
  if (size === 1) c.setReg8(0, v);
  else c.setRegV(0, size, v);
  c.eip = (c.eip + i.len) | 0;
}

/** E6 E7 EE EF: OUT imm8/DX, AL/eAX. */
export function outInsn(c: Cpu, i: Insn): void {
  const size = (i.opcode & 1) === 0 ? 1 : i.osz;
  const port = i.opcode >= 0xec ? c.regs[2] & 0xffff : i.imm & 0xff;
  checkIoPermission(c, port, size);
  if (exitIfIo(c, i, port, size, false, false, false)) return;
  doOut(c, port, size, c.regs[0]);
  c.eip = (c.eip + i.len) | 0;
}
