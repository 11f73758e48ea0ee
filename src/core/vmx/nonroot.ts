/**
 * VMX non-root operation: which instructions and events cause VM exits, and with what exit information
 * (SDM Vol. 3C Ch. 25 "VMX Non-Root Operation", §25.1 instructions, §25.2 other causes, §25.3 changes to
 * instruction behaviour; exit-information formats from Ch. 27 Tables 27-3 to 27-14).
 *
 * Every function here is called from an instruction's implementation after the checks that have priority
 * over VM exits (#UD, CPL-based #GP, I/O-permission #GP — SDM §25.1.1) and before the instruction has any
 * effect; a `true` result means the VM exit has happened and the instruction must stop.
 */
import type { Cpu } from '../x86/cpu.ts';
import type { Insn } from '../x86/insn.ts';
import { Seg } from '../x86/arch.ts';
import { ProcBased, ProcBased2 } from './spec/controls.ts';
import { VmExitReason } from './spec/exit-reasons.ts';
import {
  encodeDescriptorTableInfo,
  encodeInsOutsInfo,
  encodeLdtrTrInfo,
  encodeMemoryOperandInfo,
} from './spec/formats.ts';
import { vmExit } from './exit.ts';

/** Interruption-information format (SDM Vol. 3C Table 24-15/24-17): valid, error code, type, vector. */
export function interruptionInfo(vector: number, type: number, hasErrorCode: boolean): number {
  return (0x80000000 | (hasErrorCode ? 0x800 : 0) | ((type & 7) << 8) | (vector & 0xff)) | 0;
}

/**
 * Exception bitmap (SDM Vol. 3C §25.2): bit n set → exception n exits. For #PF the bit is combined with the
 * error-code mask/match: with bit 14 = 1 a #PF exits iff (PFEC & MASK) = MATCH; with bit 14 = 0, iff not.
 */
export function exceptionCausesExit(c: Cpu, vector: number, errorCode: number): boolean {
  const bm = c.vmx.exceptionBitmap;
  if (vector === 14) {
    const match = ((errorCode & c.vmx.pfecMask) | 0) === (c.vmx.pfecMatch | 0);
    return ((bm >>> 14) & 1) !== 0 ? match : !match;
  }
  return vector < 32 && ((bm >>> vector) & 1) !== 0;
}

/**
 * A VM exit caused by instruction `i` (fault-like: guest EIP stays at the instruction). The instruction does not
 * execute: the VM exit happens instead (SDM Vol. 3C §25.1), so its time is the exit's, not its native latency (an
 * OUT that exits does not also wait ~300 cycles for the ISA bus). The interpreter charges an instruction's cost when
 * it returns (Cpu.executeBlock, stepInsn); taking it off here leaves the clock where the VM exit put it.
 */
export function exitInsn(c: Cpu, i: Insn, reason: number, qual = 0, info = 0, linear = 0, qualHi = 0): true {
  vmExit(c, reason, qual, i.len, info, linear, -1, 0, 0, qualHi);
  c.cycles -= i.cost;
  return true;
}

/** The memory-operand part of the VM-exit instruction information. */
export function memoryOperandInfo(i: Insn): number {
  return encodeMemoryOperandInfo(i.scale, i.asz === 4 ? 1 : 0, i.seg, i.index, i.base);
}

/**
 * Bits 63:32 of a displacement-based exit qualification (SDM Vol. 3C §27.2.1: the displacement is
 * sign-extended to 64 bits on processors that support Intel 64 architecture, to 32 bits otherwise). A
 * processor supports Intel 64 iff IA32_VMX_BASIC[48] = 0 (SDM App. A.1). Register operands: 0.
 */
export function dispQualHi(c: Cpu, i: Insn): number {
  if (i.mod === 3 || i.disp >= 0) return 0;
  const basic = c.model.capabilityMsr(0x480);
  return basic !== undefined && (basic.hi & (1 << 16)) === 0 ? -1 : 0;
}

// ------------------------------------------------------------------------------------ descriptor tables

/**
 * LGDT/LIDT/SGDT/SIDT (reason 46) and LLDT/LTR/SLDT/STR (reason 47) with "descriptor-table exiting"
 * (secondary control bit 2). Qualification = displacement; instruction information per Tables 27-10/27-11.
 */
export function exitIfDescriptorTableAccess(c: Cpu, i: Insn): boolean {
  if (!c.vmx.nonRoot || (c.vmx.proc2 & ProcBased2.DESCRIPTOR_TABLE_EXITING) === 0) return false;
  const isGdtIdt = i.opcode === 0x0f01;
  const identity = i.reg & 3; // SGDT 0, SIDT 1, LGDT 2, LIDT 3 / SLDT 0, STR 1, LLDT 2, LTR 3
  const mem = i.mod !== 3;
  const qual = mem ? i.disp : 0;
  const qualHi = mem ? dispQualHi(c, i) : 0;
  if (isGdtIdt) {
    const info = encodeDescriptorTableInfo(memoryOperandInfo(i), i.osz === 4, identity);
    return exitInsn(c, i, VmExitReason.GDTR_IDTR_ACCESS, qual, info, 0, qualHi);
  }
  const info = encodeLdtrTrInfo(mem ? memoryOperandInfo(i) : 0, mem ? -1 : i.rm, identity);
  return exitInsn(c, i, VmExitReason.LDTR_TR_ACCESS, qual, info, 0, qualHi);
}

// ------------------------------------------------------------------------------------ I/O

/** True when the I/O bitmaps say an access to [port, port+size) exits (SDM Vol. 3C §25.1.3; Bochs VMexit_IO). */
export function ioBitmapExits(c: Cpu, port: number, size: number): boolean {
  for (let k = 0; k < size; k++) {
    const p = port + k;
    if (p > 0xffff) return true; // an access that wraps past port FFFFH always exits
    const base = p < 0x8000 ? c.vmx.ioBitmapA : c.vmx.ioBitmapB;
    const bitIndex = p & 0x7fff;
    if ((c.mem.read8(base + (bitIndex >>> 3)) >>> (bitIndex & 7)) & 1) return true;
  }
  return false;
}

/**
 * IN/OUT/INS/OUTS (reason 30): "use I/O bitmaps" = 1 consults the bitmaps; otherwise "unconditional I/O
 * exiting" decides. Qualification per Table 27-5; for INS/OUTS the guest-linear address field holds the
 * linear address of the memory operand and the instruction information the address size and segment.
 */
export function exitIfIo(c: Cpu, i: Insn, port: number, size: number, isIn: boolean, string: boolean, rep: boolean): boolean {
  if (!c.vmx.nonRoot) return false;
  const proc = c.vmx.proc;
  const exits = (proc & ProcBased.USE_IO_BITMAPS) !== 0 ? ioBitmapExits(c, port, size) : (proc & ProcBased.UNCONDITIONAL_IO_EXITING) !== 0;
  if (!exits) return false;
  const immediate = !string && (i.opcode & 0xf8) === 0xe0; // E4-E7: port in an immediate
  const qual = ((size - 1) | (isIn ? 8 : 0) | (string ? 0x10 : 0) | (rep ? 0x20 : 0) | (immediate ? 0x40 : 0) | (port << 16)) >>> 0;
  let linear = 0;
  let info = 0;
  if (string) {
    const off = isIn ? c.regs[7] : c.regs[6];
    const seg = isIn ? Seg.ES : i.seg;
    linear = (c.segBase[seg] + (i.asz === 4 ? off : off & 0xffff)) | 0;
    const basic = c.model.capabilityMsr(0x480);
    if (basic !== undefined && (basic.hi & (1 << 22)) !== 0) info = encodeInsOutsInfo(i.asz === 4 ? 1 : 0, isIn ? Seg.ES : i.seg);
  }
  return exitInsn(c, i, VmExitReason.IO_INSTRUCTION, qual, info, linear);
}

// ------------------------------------------------------------------------------------ MSRs

/**
 * RDMSR/WRMSR (reasons 31/32): without MSR bitmaps every access exits; with them, ECX outside
 * 0–1FFFH and C0000000H–C0001FFFH exits, otherwise the bitmap bit decides (read-low at byte 0,
 * read-high 1024, write-low 2048, write-high 3072). Qualification 0.
 */
export function msrAccessExits(c: Cpu, index: number, write: boolean): boolean {
  if ((c.vmx.proc & ProcBased.USE_MSR_BITMAPS) === 0) return true;
  const e = index >>> 0;
  let byte: number;
  if (e <= 0x1fff) byte = (write ? 2048 : 0) + (e >>> 3);
  else if (e >= 0xc0000000 && e <= 0xc0001fff) byte = (write ? 3072 : 1024) + ((e - 0xc0000000) >>> 3);
  else return true;
  return ((c.mem.read8(c.vmx.msrBitmap + byte) >>> (e & 7)) & 1) !== 0;
}

// ------------------------------------------------------------------------------------ control registers

/** The value a guest reads from CR0/CR4: shadow bits where the guest/host mask is 1 (SDM Vol. 3C §25.3). */
export function shadowedCr0(c: Cpu): number {
  return (c.cr0 & ~c.vmx.cr0Mask) | (c.vmx.cr0Shadow & c.vmx.cr0Mask);
}
export function shadowedCr4(c: Cpu): number {
  return (c.cr4 & ~c.vmx.cr4Mask) | (c.vmx.cr4Shadow & c.vmx.cr4Mask);
}

/** MOV to CR0/CR4 exits iff some bit set in the mask differs between the value and the read shadow. */
export function movToCr0Exits(c: Cpu, value: number): boolean {
  return ((value ^ c.vmx.cr0Shadow) & c.vmx.cr0Mask) !== 0;
}
export function movToCr4Exits(c: Cpu, value: number): boolean {
  return ((value ^ c.vmx.cr4Shadow) & c.vmx.cr4Mask) !== 0;
}

/** MOV to CR3 exits with "CR3-load exiting" unless the value equals one of the first CR3-target-count targets. */
export function movToCr3Exits(c: Cpu, value: number): boolean {
  if ((c.vmx.proc & ProcBased.CR3_LOAD_EXITING) === 0) return false;
  const n = Math.min(c.vmx.cr3TargetCount, 4);
  for (let k = 0; k < n; k++) if ((c.vmx.cr3Targets[k] | 0) === (value | 0)) return false;
  return true;
}

/** CLTS exits iff CR0 mask bit 3 and CR0 read-shadow bit 3 are both 1 (SDM Vol. 3C §25.1.3). */
export function cltsExits(c: Cpu): boolean {
  return (c.vmx.cr0Mask & 8) !== 0 && (c.vmx.cr0Shadow & 8) !== 0;
}

/**
 * LMSW exits iff (mask bit 0 = 1, source bit 0 = 1 and shadow bit 0 = 0) or, for some bit in 3:1, mask = 1
 * and source ≠ shadow (LMSW can set PE but never clear it) (SDM Vol. 3C §25.1.3).
 */
export function lmswExits(c: Cpu, src: number): boolean {
  const m = c.vmx.cr0Mask;
  const s = c.vmx.cr0Shadow;
  if ((m & 1) !== 0 && (src & 1) !== 0 && (s & 1) === 0) return true;
  return ((src ^ s) & m & 0xe) !== 0;
}
