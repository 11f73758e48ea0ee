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
/**
 * offset 12: which VM-entry check classes this VMCS is known to pass (implementation-specific data; an
 * optimisation with no architectural effect): bit 0 controls, bit 1 host state, bit 2 guest state. Set
 * after a VM entry passes them; cleared by VMCLEAR and by any VMWRITE to a field those checks read. The
 * processor's own writes on VM exit do not clear them: they store a state the guest was running in.
 */
export const VMCS_CHECKED_OFFSET = 12;
export const CHECKED_CONTROLS = 1;
export const CHECKED_HOST = 2;
export const CHECKED_GUEST = 4;

/** Byte offset of each field's slot inside the VMCS region, by SDM name. */
export const VO: { readonly [K in VmcsFieldName]: number } = Object.freeze(
  Object.fromEntries(VMCS_FIELDS.map((f) => [f.name, VMCS_DATA_OFFSET + fieldSlot(f.encoding) * 8])),
) as { readonly [K in VmcsFieldName]: number };

/**
 * Word index of each field's slot (`VO[name] >>> 2`): with `m` the memory's 32-bit view and `b` the VMCS
 * pointer's word index (`ptr >>> 2`), a field's low half is `m[b + VW[name]]` and its high half the next word —
 * the addressing of `wget`/`wput` below, for code that touches many fields in a row (the VM-exit and VM-entry
 * paths), where one call per field costs more than the access itself.
 */
export const VW: { readonly [K in VmcsFieldName]: number } = Object.freeze(
  Object.fromEntries(Object.entries(VO).map(([name, off]) => [name, off >>> 2])),
) as { readonly [K in VmcsFieldName]: number };

/** Byte offset of the slot for a (supported) encoding. */
export function slotOffset(slot: number): number {
  return VMCS_DATA_OFFSET + slot * 8;
}

// A VMCS pointer is 4-KiB aligned and was checked by VMPTRLD (its revision identifier was readable, so the
// page is RAM), and every field offset is 4-byte aligned and inside the first 4 KiB: the accessors below
// index the memory's 32-bit view directly. They do not invalidate decoded code: a VMCS region that also
// holds instructions is undefined behaviour (SDM Vol. 3C §24.11.1: software must not access an active
// VMCS region with ordinary memory accesses).

/** Reads the low 32 bits of a field of the VMCS at physical address `ptr`. */
export function vr(c: Cpu, ptr: number, offset: number): number {
  return c.mem.i32[(ptr + offset) >>> 2];
}
/** Reads the high 32 bits of a 64-bit field. */
export function vrHi(c: Cpu, ptr: number, offset: number): number {
  return c.mem.i32[(ptr + offset + 4) >>> 2];
}
/** Writes a field (both halves). */
export function vw(c: Cpu, ptr: number, offset: number, lo: number, hi = 0): void {
  const k = (ptr + offset) >>> 2;
  const m = c.mem.i32;
  m[k] = lo;
  m[k + 1] = hi;
  c.mem.dirtyPages[ptr >>> 12] = 1;
}

/**
 * The same accesses for the VM-exit and VM-entry paths, which touch ~50 fields each: `m` is the memory's 32-bit
 * view and `b` the VMCS pointer's word index (`ptr >>> 2`). The pointer is 4-KiB aligned and every offset a
 * multiple of 4, so `b + (offset >>> 2)` is `(ptr + offset) >>> 2`, the word `vr`/`vw` address. A caller that
 * writes with `wput` marks the page dirty itself, once (as `vw` does on every write).
 */
export function wget(m: Int32Array, b: number, offset: number): number {
  return m[b + (offset >>> 2)];
}
export function wput(m: Int32Array, b: number, offset: number, lo: number, hi = 0): void {
  const k = b + (offset >>> 2);
  m[k] = lo;
  m[k + 1] = hi;
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

/**
 * Check classes a VMWRITE to each field (by slot) invalidates. Fields no VM-entry check reads in IA-32
 * operation invalidate nothing: GUEST_RIP and GUEST_RSP (no checks below bit 32), the VMX-preemption timer
 * value, the TSC offset, the exception bitmap and #PF mask/match, the CR0/CR4 masks and read shadows and the
 * CR3-target values. Any control field invalidates every class (host and guest checks read controls).
 */
const NO_CHECK_FIELDS = new Set([
  'GUEST_RIP', 'GUEST_RSP', 'VMX_PREEMPTION_TIMER_VALUE', 'TSC_OFFSET', 'EXCEPTION_BITMAP',
  'PAGE_FAULT_ERROR_CODE_MASK', 'PAGE_FAULT_ERROR_CODE_MATCH', 'CR0_GUEST_HOST_MASK', 'CR4_GUEST_HOST_MASK',
  'CR0_READ_SHADOW', 'CR4_READ_SHADOW', 'CR3_TARGET_VALUE0', 'CR3_TARGET_VALUE1', 'CR3_TARGET_VALUE2',
  'CR3_TARGET_VALUE3',
]);
export const CHECK_INVALIDATION: Uint8Array = (() => {
  const t = new Uint8Array(VMCS_FIELDS.length);
  VMCS_FIELDS.forEach((f, slot) => {
    if (NO_CHECK_FIELDS.has(f.name) || f.type === 'exit-info') t[slot] = 0;
    else if (f.type === 'host') t[slot] = CHECKED_HOST;
    // GUEST_CR0 also feeds a control check: deliver-error-code of an injected exception depends on its PE bit with
    // "unrestricted guest" (SDM Vol. 3C §26.2.1.3; entry.ts eventInjectionOk).
    else if (f.type === 'guest') t[slot] = f.name === 'GUEST_CR0' ? CHECKED_GUEST | CHECKED_CONTROLS : CHECKED_GUEST;
    // Control fields: the host-state checks read the VM-exit and VM-entry controls too (load IA32_PAT/EFER,
    // address-space size; SDM Vol. 3C §26.2.2–26.2.4), so a control write invalidates every class.
    else t[slot] = CHECKED_CONTROLS | CHECKED_HOST | CHECKED_GUEST;
  });
  return t;
})();
