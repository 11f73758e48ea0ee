/**
 * How the VMM touches the VMCS: only through VMREAD/VMWRITE (and VMPTRLD/VMCLEAR), like a real VMM,
 * using the instruction semantics the processor implements. A failure here is a VMM bug, so it throws
 * an Error (the hypervisor reports it and stops the VM) rather than being silently ignored.
 */
import type { Cpu } from '../x86/cpu.ts';
import { vmread, vmreadValue, vmwrite, VMX_SUCCEED } from '../vmx/instructions.ts';

/** Cycles charged per VMREAD/VMWRITE executed by the VMM (set from the cost model). */
export const vmcsAccessCost = { read: 0, write: 0 };

export function vmr(c: Cpu, encoding: number): number {
  const r = vmread(c, encoding);
  if (r !== VMX_SUCCEED) throw new Error(`VMM: VMREAD of field 0x${encoding.toString(16)} failed (${r})`);
  c.cycles += vmcsAccessCost.read;
  return vmreadValue.lo;
}

export function vmw(c: Cpu, encoding: number, value: number): void {
  const r = vmwrite(c, encoding, value);
  if (r !== VMX_SUCCEED) throw new Error(`VMM: VMWRITE of field 0x${encoding.toString(16)} := 0x${(value >>> 0).toString(16)} failed (${r})`);
  c.cycles += vmcsAccessCost.write;
}

/** Writes a field only if the processor supports it (optional features such as VPID or EPT). */
export function vmwIfSupported(c: Cpu, encoding: number, value: number): void {
  if (c.model.isVmcsFieldSupported(encoding)) vmw(c, encoding, value);
}
