/**
 * The VMCS in memory.
 *
 * SDM Vol. 3C §24.2: a VMCS region starts with the VMCS revision identifier (bits 30:0) and the
 * shadow-VMCS indicator (bit 31), then the VMX-abort indicator; the rest of the format is
 * implementation-specific. This processor keeps every field in the region itself, so a VMCS is a piece of
 * physical memory like any other (snapshots, migration and the UI see it) and VMCLEAR has nothing to flush:
 *
 *   offset 0   revision identifier | shadow bit
 *   offset 4   VMX-abort indicator
 *   offset 8   launch state: 0 = clear, otherwise (VMXON epoch << 1) | 1 = launched
 *   offset 16  field data: one 8-byte slot per field (SDM encoding → slot in spec/fields.ts), low dword first
 *
 * Natural-width fields occupy 64 bits on processors with Intel 64 and 32 bits otherwise; this core runs
 * IA-32 code only, so their high halves are always written as 0.
 */
import type { Cpu } from '../x86/cpu.ts';
import { VMCS_FIELDS, fieldSlot, type VmcsFieldName } from './spec/fields.ts';

export const VMCS_REVISION_OFFSET = 0;
export const VMCS_ABORT_OFFSET = 4;
export const VMCS_LAUNCH_STATE_OFFSET = 8;
export const VMCS_DATA_OFFSET = 16;

/** Byte offset of each field's slot inside the VMCS region, by SDM name. */
export const VO: { readonly [K in VmcsFieldName]: number } = Object.freeze(
  Object.fromEntries(VMCS_FIELDS.map((f) => [f.name, VMCS_DATA_OFFSET + fieldSlot(f.encoding) * 8])),
) as { readonly [K in VmcsFieldName]: number };

/** Byte offset of the slot for a (supported) encoding. */
export function slotOffset(slot: number): number {
  return VMCS_DATA_OFFSET + slot * 8;
}

/** Reads the low 32 bits of a field of the VMCS at physical address `ptr`. */
export function vr(c: Cpu, ptr: number, offset: number): number {
  return c.mem.read32(ptr + offset);
}
/** Reads the high 32 bits of a 64-bit field. */
export function vrHi(c: Cpu, ptr: number, offset: number): number {
  return c.mem.read32(ptr + offset + 4);
}
/** Writes a field (both halves). */
export function vw(c: Cpu, ptr: number, offset: number, lo: number, hi = 0): void {
  c.mem.write32(ptr + offset, lo);
  c.mem.write32(ptr + offset + 4, hi);
}

/** Reads a field of the current VMCS (low 32 bits). */
export function cur(c: Cpu, offset: number): number {
  return c.mem.read32(c.vmx.vmcsPtr + offset);
}
export function curHi(c: Cpu, offset: number): number {
  return c.mem.read32(c.vmx.vmcsPtr + offset + 4);
}
export function setCur(c: Cpu, offset: number, lo: number, hi = 0): void {
  const p = c.vmx.vmcsPtr + offset;
  c.mem.write32(p, lo);
  c.mem.write32(p + 4, hi);
}

export function launchState(c: Cpu, ptr: number): number {
  return c.mem.read32(ptr + VMCS_LAUNCH_STATE_OFFSET);
}
export function setLaunchState(c: Cpu, ptr: number, v: number): void {
  c.mem.write32(ptr + VMCS_LAUNCH_STATE_OFFSET, v);
}

/** Mask of the bits a field of this width stores (low half). */
export function widthMaskLo(width: 16 | 32 | 64 | 'natural'): number {
  return width === 16 ? 0xffff : -1;
}
