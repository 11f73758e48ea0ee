/**
 * Property: any sequence of VMWRITE, VMREAD, VMCLEAR and VMPTRLD keeps the VMCS consistent with a simple
 * model of the SDM's rules — every supported field reads back what was last written, truncated to its
 * width (SDM VMWRITE: "the high bits of the field are cleared" / "high bits of the source are ignored"),
 * high accesses of 64-bit fields address bits 63:32 only (KUT test_vmcs_high), unsupported encodings fail
 * with error 12, read-only fields with 13, and a VMCS's contents survive VMCLEAR and switching to another VMCS.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { getCpuModel, toProcessorModel, cpuModelIds } from '../cpu-models/index.ts';
import { Cpu } from '../x86/cpu.ts';
import { PhysicalMemory } from '../x86/physical-memory.ts';
import { PagePool, enterVmxRoot, initHostMemory } from '../vmm/host.ts';
import { VMCS_FIELDS } from './spec/fields.ts';
import { applyVmxResult, vmclear, vmptrld, vmread, vmreadValue, vmwrite, VMX_SUCCEED } from './instructions.ts';
import { VmxInstruction } from '../trace/events.ts';

type Op =
  | { kind: 'write'; enc: number; value: number }
  | { kind: 'read'; enc: number }
  | { kind: 'clear-reload' }
  | { kind: 'switch'; to: 0 | 1 };

function encodings(): fc.Arbitrary<number> {
  const known = VMCS_FIELDS.flatMap((f) => (f.width === 64 ? [f.encoding, f.encoding | 1] : [f.encoding]));
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x7fff }) },
    { weight: 1, arbitrary: fc.integer({ min: -0x80000000, max: 0x7fffffff }) },
  );
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), enc: encodings(), value: fc.integer({ min: -0x80000000, max: 0x7fffffff }) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('read' as const), enc: encodings() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear-reload' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('switch' as const), to: fc.constantFrom(0 as const, 1 as const) }) },
);

describe.each(cpuModelIds())('VMCS consistency under random VMWRITE/VMREAD sequences on %s', (id) => {
  it('matches the SDM model of field widths, high accesses and errors', () => {
    const model = toProcessorModel(getCpuModel(id)!);
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 120 }), (ops) => {
        const mem = new PhysicalMemory(8 * 1048576);
        initHostMemory(mem);
        const cpu = new Cpu(mem, model);
        const pool = new PagePool(mem);
        enterVmxRoot(cpu, pool);
        const vmcs = [pool.alloc(), pool.alloc()];
        for (const p of vmcs) {
          mem.write32(p, model.vmcsRevisionId);
          expect(vmclear(cpu, p, 0)).toBe(VMX_SUCCEED);
        }
        let current = 0;
        expect(vmptrld(cpu, vmcs[0], 0)).toBe(VMX_SUCCEED);
        // Model: per VMCS, slot → [lo, hi].
        const state = [new Map<number, [number, number]>(), new Map<number, [number, number]>()];
        const bySlot = new Map(VMCS_FIELDS.map((f, k) => [f.encoding, k]));
        const errorSlot = bySlot.get(0x4400)!;
        const misc = model.capabilityMsr(0x485)!;
        const writeAnyField = (misc.lo & (1 << 29)) !== 0;
        for (const op of ops) {
          if (op.kind === 'clear-reload') {
            expect(vmclear(cpu, vmcs[current], 0)).toBe(VMX_SUCCEED);
            expect(cpu.vmx.vmcsPtr).toBe(-1);
            expect(vmptrld(cpu, vmcs[current], 0)).toBe(VMX_SUCCEED);
            continue;
          }
          if (op.kind === 'switch') {
            current = op.to;
            expect(vmptrld(cpu, vmcs[current], 0)).toBe(VMX_SUCCEED);
            continue;
          }
          const enc = op.enc;
          const full = enc & ~1;
          const slot = (enc & 0xffff9000) === 0 ? bySlot.get(full) : undefined;
          const f = slot === undefined ? undefined : VMCS_FIELDS[slot];
          const high = (enc & 1) === 1;
          const supported = f !== undefined && (!high || f.width === 64) && model.isVmcsFieldSupported(enc);
          const st = state[current];
          // VMfailValid(n) stores n in the VM-instruction error field of the current VMCS (SDM §30.2).
          const failValid = (n: number): void => {
            applyVmxResult(cpu, VmxInstruction.VMWRITE, n);
            st.set(errorSlot, [n, 0]);
          };
          if (op.kind === 'write') {
            const r = vmwrite(cpu, enc, op.value);
            if (!supported) {
              expect(r, `VMWRITE 0x${(enc >>> 0).toString(16)}`).toBe(12);
              failValid(r);
              continue;
            }
            if (f!.type === 'exit-info' && !writeAnyField) {
              expect(r).toBe(13);
              failValid(r);
              continue;
            }
            expect(r).toBe(VMX_SUCCEED);
            const [lo] = st.get(slot!) ?? [0, 0];
            if (high) st.set(slot!, [lo, op.value | 0]);
            else if (f!.width === 16) st.set(slot!, [op.value & 0xffff, 0]);
            else st.set(slot!, [op.value | 0, 0]);
          } else {
            const r = vmread(cpu, enc);
            if (!supported) {
              expect(r).toBe(12);
              failValid(r);
              continue;
            }
            expect(r).toBe(VMX_SUCCEED);
            const [lo, hi] = st.get(slot!) ?? [0, 0];
            expect(vmreadValue.lo | 0, `VMREAD 0x${enc.toString(16)}`).toBe(high ? hi | 0 : lo | 0);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
