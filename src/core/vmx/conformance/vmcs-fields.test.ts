/**
 * Every VMCS field encoding of the spec table (shared/reference/vmx.md §3.2) through VMREAD/VMWRITE in a
 * lab program: supported fields read back what was written (width-truncated, SDM VMREAD/VMWRITE), read-only
 * fields (type 1) fail VMWRITE with error 13, fields the model lacks fail both with error 12; high accesses
 * (bit 0 = 1) exist only for 64-bit fields; IA32_VMX_VMCS_ENUM reports the highest supported index
 * (SDM App. A.9; KUT test_vmwrite_vmread, test_vmx_caps).
 */
import { describe, expect, it } from 'vitest';
import { VMCS_FIELDS } from '../spec/fields.ts';
import { MODELS, VMXON_PREAMBLE, bareSource, model, runSource, vmr, vmw } from './harness.ts';

const pattern = (slot: number): number => (0x5a000000 | (slot * 0x10203)) >>> 0;

describe.each(MODELS)('VMCS field encodings on %s (SDM Vol. 3C App. B)', (cpu) => {
  const m = model(cpu);
  const supported = VMCS_FIELDS.filter((f) => m.isVmcsFieldSupported(f.encoding));
  const unsupported = VMCS_FIELDS.filter((f) => !m.isVmcsFieldSupported(f.encoding));

  it('every supported writable field reads back the value written, truncated to its width', () => {
    const writable = supported.filter((f) => f.type !== 'exit-info');
    const code = writable.map((f) => vmw(f.encoding, pattern(VMCS_FIELDS.indexOf(f))) + vmr(f.encoding)).join('');
    const r = runSource(bareSource(cpu, VMXON_PREAMBLE + code + '  hlt'), 1_000_000);
    expect(r.fails).toEqual([]);
    const got = r.readList.map(([e, v]) => [e, v]);
    const want = writable.map((f) => {
      const p = pattern(VMCS_FIELDS.indexOf(f));
      return [f.encoding, f.width === 16 ? p & 0xffff : p];
    });
    expect(got).toEqual(want);
  });

  it('64-bit fields: the high access reads and writes bits 63:32 only', () => {
    const f64 = supported.filter((f) => f.width === 64 && f.type !== 'exit-info');
    const code = f64.map((f) => vmw(f.encoding, 0x11112222) + vmw(f.encoding + 1, 0x33334444) + vmr(f.encoding) + vmr(f.encoding + 1)).join('');
    const r = runSource(bareSource(cpu, VMXON_PREAMBLE + code + '  hlt'), 1_000_000);
    expect(r.fails).toEqual([]);
    expect(r.readList).toEqual(f64.flatMap((f) => [[f.encoding, 0x11112222], [f.encoding + 1, 0x33334444]]));
  });

  it('read-only (VM-exit information) fields: VMREAD works, VMWRITE fails with 13', () => {
    const ro = supported.filter((f) => f.type === 'exit-info');
    expect(ro.length).toBeGreaterThan(10);
    const code = ro.map((f) => vmr(f.encoding) + vmw(f.encoding, 1)).join('');
    const r = runSource(bareSource(cpu, VMXON_PREAMBLE + code + '  hlt'), 1_000_000);
    expect(r.readList.map(([e]) => e)).toEqual(ro.map((f) => f.encoding));
    expect(r.fails.map((f) => [f.instruction, f.error])).toEqual(ro.map(() => ['VMWRITE', 13]));
  });

  it('fields the model does not have: VMREAD and VMWRITE fail with 12', () => {
    if (unsupported.length === 0) return;
    const code = unsupported.map((f) => vmr(f.encoding) + vmw(f.encoding, 1)).join('');
    const r = runSource(bareSource(cpu, VMXON_PREAMBLE + code + '  hlt'), 1_000_000);
    expect(r.readList).toEqual([]);
    expect(r.fails.map((f) => [f.instruction, f.error])).toEqual(unsupported.flatMap(() => [['VMREAD', 12], ['VMWRITE', 12]]));
  });

  it('high access to a 16-, 32- or natural-width field is unsupported (12)', () => {
    const others = supported.filter((f) => f.width !== 64).slice(0, 40);
    const code = others.map((f) => vmr(f.encoding + 1)).join('');
    const r = runSource(bareSource(cpu, VMXON_PREAMBLE + code + '  hlt'), 1_000_000);
    expect(r.fails.map((f) => f.error)).toEqual(others.map(() => 12));
  });

  it('IA32_VMX_VMCS_ENUM[9:1] = the highest index VMREAD accepts (KUT test_vmwrite_vmread / test_vmx_caps)', () => {
    const r = runSource(bareSource(cpu, '  mov ecx, 0x48a\n  rdmsr\n  hlt'));
    const lo = r.reg('eax');
    expect(r.reg('edx')).toBe(0);
    expect(lo & 1).toBe(0);
    expect(lo >>> 10).toBe(0);
    expect(lo & 0x3fe).toBeGreaterThanOrEqual(0x2a);
    const highest = Math.max(...supported.map((f) => f.index));
    expect((lo >>> 1) & 0x1ff).toBe(highest);
    // Probe every width/type with that index and the next one: the next index is never accepted.
    const probes: number[] = [];
    for (let width = 0; width < 4; width++) {
      for (let type = 0; type < 4; type++) {
        probes.push((width << 13) | (type << 10) | ((highest + 1) << 1));
      }
    }
    const code = probes.map((e) => vmr(e)).join('');
    const r2 = runSource(bareSource(cpu, VMXON_PREAMBLE + code + '  hlt'), 1_000_000);
    expect(r2.readList).toEqual([]);
    expect(r2.fails.length).toBe(probes.length);
  });
});
