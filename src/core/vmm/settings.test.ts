/**
 * VMM settings as data: validation of untrusted input, the KEY=VALUE form, the plan the VMM writes, and
 * `describeVmmSettings` — whose prediction of "VM entry fails with error 7" must match what VMLAUNCH does.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpuModelIds, getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { VmState } from '../trace/events.ts';
import { Hypervisor } from './hypervisor.ts';
import { GUEST_AREA_START } from './host.ts';
import { planVmcs } from './vm.ts';
import { controlCapability, diagnoseControls } from './controls-check.ts';
import { describeVmmSettings, validateVmmSettings, vmmSettingsFromAssignments, vmmSettingsToAssignments, type VmmSettings } from './settings.ts';
import { ProcBased } from '../vmx/spec/controls.ts';

const MODELS = cpuModelIds();
const model = (id: string) => toProcessorModel(getCpuModel(id)!);

describe('validateVmmSettings', () => {
  it('accepts every setting and returns a normalised copy', () => {
    const r = validateVmmSettings({
      hltExiting: false,
      rdtscExiting: true,
      cr0GuestHostMask: 0x80000021,
      ioPassthroughPorts: [0x3ff, 0x3f8, 0x3f8],
      msrPassthrough: [0xc0000080, 0x10],
      exceptionBitmap: 0xffffffff,
      rawControls: { primary: { set: 4 }, pin: { clear: 0x40 } },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.settings.ioPassthroughPorts).toEqual([0x3f8, 0x3ff]);
    expect(r.settings.msrPassthrough).toEqual([0x10, 0xc0000080]);
    expect(r.settings.exceptionBitmap).toBe(0xffffffff);
    expect(r.settings.rawControls).toEqual({ primary: { set: 4 }, pin: { clear: 0x40 } });
    expect(validateVmmSettings({})).toEqual({ ok: true, settings: {} });
  });

  it('reports every problem with the field and a clear message', () => {
    const r = validateVmmSettings({
      hltExiting: 'no',
      bogus: 1,
      cr0GuestHostMask: 0x100000000,
      cr4ReadShadow: -1,
      exceptionBitmap: 1.5,
      ioPassthroughPorts: [80, 65536, -1],
      msrPassthrough: [0x2000, 0xc0002000, 0x174],
      rawControls: { primary: { set: 0x80, clear: 0x80 }, tertiary: { set: 1 }, pin: { set: 1, mask: 2 } },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const by = Object.fromEntries(r.errors.map((e) => [e.field, e.message]));
    expect(by.hltExiting).toBe('HLT exiting must be true or false');
    expect(by.bogus).toMatch(/^unknown VMM setting 'bogus' \(known: hltExiting, /);
    expect(by.cr0GuestHostMask).toBe('CR0 guest/host mask must be a whole number from 0 to 0xFFFFFFFF (32 bits)');
    expect(by.cr4ReadShadow).toMatch(/0 to 0xFFFFFFFF/);
    expect(by.exceptionBitmap).toMatch(/whole number/);
    expect(by['ioPassthroughPorts[1]']).toBe('I/O port 65536 is not a port number from 0 to 65535 (0xFFFF)');
    expect(by['ioPassthroughPorts[2]']).toMatch(/I\/O port -1/);
    expect(by['msrPassthrough[0]']).toBe('MSR 0x2000 is outside the MSR bitmap ranges 0x0–0x1FFF and 0xC0000000–0xC0001FFF (others always exit)');
    expect(by['msrPassthrough[1]']).toMatch(/MSR 0xC0002000 is outside/);
    expect(by['rawControls.primary']).toBe('rawControls.primary: bits 0x80 are both set and cleared');
    expect(by['rawControls.tertiary']).toMatch(/unknown control word 'tertiary'/);
    expect(by['rawControls.pin.mask']).toMatch(/unknown field 'mask'/);
  });

  it('rejects what is not an object, and oversized lists', () => {
    for (const x of [null, 3, 'hltExiting=false', [1]]) expect(validateVmmSettings(x).ok).toBe(false);
    const r = validateVmmSettings({ ioPassthroughPorts: new Array(65537).fill(1) });
    expect(r.ok ? '' : r.errors[0].message).toMatch(/at most 65536/);
    expect(validateVmmSettings({ msrPassthrough: 5 }).ok).toBe(false);
  });

  it('never throws on random JSON and accepts what it returns', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.constantFrom('hltExiting', 'ioPassthroughPorts', 'rawControls', 'cr0ReadShadow', 'x'), fc.jsonValue()), (a, b) => {
        for (const x of [a, b]) {
          const r = validateVmmSettings(x);
          if (r.ok) expect(validateVmmSettings(r.settings)).toEqual(r);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('KEY=VALUE assignments (the CLI --vmm option)', () => {
  it('parses booleans, numbers, lists with ranges and raw bits', () => {
    const r = vmmSettingsFromAssignments(['hltExiting=off', 'exceptionBitmap=0b1000', 'ioPassthroughPorts=0x3f8-0x3fa,0x80', 'msrPassthrough=none', 'raw.primary.set=0x4', 'rawControls.pin.clear=64']);
    expect(r).toEqual({
      ok: true,
      settings: { hltExiting: false, exceptionBitmap: 8, ioPassthroughPorts: [0x80, 0x3f8, 0x3f9, 0x3fa], msrPassthrough: [], rawControls: { primary: { set: 4 }, pin: { clear: 64 } } },
    });
  });
  it('explains bad assignments', () => {
    const r = vmmSettingsFromAssignments(['hlt=false', 'hltExiting=maybe', 'ioPassthroughPorts=5-3', 'novalue', 'cr0ReadShadow=0xZZ']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).toEqual(['hlt', 'hltExiting', 'ioPassthroughPorts', 'novalue', 'cr0ReadShadow']);
    expect(r.errors[3].message).toMatch(/is not KEY=VALUE/);
  });
  it('round-trips through vmmSettingsToAssignments', () => {
    const s: VmmSettings = { rdtscExiting: true, cr4GuestHostMask: 0x2000, ioPassthroughPorts: [1, 2, 3, 9], rawControls: { exit: { set: 0x8000, clear: 4 } } };
    expect(vmmSettingsToAssignments(s)).toEqual(['rdtscExiting=true', 'cr4GuestHostMask=0x2000', 'ioPassthroughPorts=0x1-0x3,0x9', 'raw.exit.set=0x8000', 'raw.exit.clear=0x4']);
    expect(vmmSettingsFromAssignments(vmmSettingsToAssignments(s))).toEqual({ ok: true, settings: s });
  });
});

describe('planVmcs: the VMM defaults, then the settings as given', () => {
  it('without settings is the documented default on every model (README "Guest mode")', () => {
    for (const id of MODELS) {
      const p = planVmcs(model(id));
      const ept = model(id).features.ept;
      expect(p.mmu, id).toBe(ept ? 'ept' : 'shadow');
      expect(p.controls.primary & ProcBased.HLT_EXITING, id).not.toBe(0);
      expect(p.exceptionBitmap, id).toBe(ept ? 0 : 1 << 14);
      expect(diagnoseControls(model(id), p.controls), id).toEqual([]);
      expect(p.procSet | p.procClear, id).toBe(0);
    }
  });
  it('applies named settings and raw bits without adjusting them to the capability MSRs', () => {
    const p = planVmcs(model('xeon-lv'), { cr3LoadExiting: false, rawControls: { primary: { set: 1 << 21 } } });
    expect(p.controls.primary & ProcBased.CR3_LOAD_EXITING).toBe(0);
    expect(p.controls.primary & (1 << 21)).not.toBe(0);
    expect(p.procClear).toBe(ProcBased.CR3_LOAD_EXITING);
    expect(p.procSet).toBe(1 << 21);
  });
  it('ept: false gives shadow paging (with its intercepts) on models that have EPT', () => {
    for (const id of ['nehalem', 'modern']) {
      const p = planVmcs(model(id), { ept: false });
      expect(p.mmu).toBe('shadow');
      expect(p.unrestricted).toBe(false);
      expect(p.exceptionBitmap).toBe(1 << 14);
      const need = ProcBased.INVLPG_EXITING | ProcBased.CR3_LOAD_EXITING | ProcBased.CR3_STORE_EXITING;
      expect(p.controls.primary & need).toBe(need);
      expect(diagnoseControls(model(id), p.controls)).toEqual([]);
    }
  });
});

describe('describeVmmSettings', () => {
  it('warns before the run when the model forbids a setting, naming the MSR bit', () => {
    const d = describeVmmSettings({ cr3LoadExiting: false }, getCpuModel('xeon-lv')!);
    expect(d.entryWillFail).toBe(true);
    const s = d.settings.find((x) => x.key === 'cr3LoadExiting')!;
    expect(s.allowed).toBe(false);
    expect(s.problem).toBe('xeon-lv requires CR3-load exiting (IA32_VMX_PROCBASED_CTLS allowed-0 bit 15 = 1): the VM entry will fail with error 7');
    expect(d.violations.map((v) => v.message)).toEqual([
      "primary processor-based VM-execution control bit 15 'CR3-load exiting' must be 1 on xeon-lv (IA32_VMX_PROCBASED_CTLS allowed-0 bit 15 = 1)",
    ]);
    // nehalem has the TRUE MSRs: CR3-load exiting may be 0 there.
    const n = describeVmmSettings({ cr3LoadExiting: false }, model('nehalem'));
    expect(n.entryWillFail).toBe(false);
    expect(n.settings.find((x) => x.key === 'cr3LoadExiting')!.allowed).toBe(true);
  });

  it('EPT and the preemption timer where the model has none', () => {
    for (const id of ['xeon-lv', 'xeon-5100']) {
      const d = describeVmmSettings({ ept: true }, model(id));
      expect(d.entryWillFail).toBe(true);
      expect(d.settings.find((x) => x.key === 'ept')!.problem).toMatch(new RegExp(`^${id} does not offer Activate secondary controls \\(IA32_VMX_PROCBASED_CTLS allowed-1 bit 31 = 0: the processor has no secondary controls, so no EPT`));
    }
    for (const id of ['xeon-lv', 'xeon-5100', 'nehalem']) {
      const d = describeVmmSettings({ preemptionTimer: true }, model(id));
      expect(d.settings.find((x) => x.key === 'preemptionTimer')!.problem).toMatch(/does not offer Activate VMX-preemption timer \(IA32_VMX_(TRUE_)?PINBASED_CTLS allowed-1 bit 6 = 0/);
    }
    expect(describeVmmSettings({ preemptionTimer: true, ept: true }, model('modern')).entryWillFail).toBe(false);
  });

  it('lists every setting with its value on the model; defaults are always allowed', () => {
    for (const id of MODELS) {
      const d = describeVmmSettings({}, model(id));
      expect(d.entryWillFail).toBe(false);
      expect(d.settings.map((s) => s.key)).toContain('hltExiting');
      expect(d.settings.every((s) => s.allowed && s.isDefault && s.explanation.length > 20)).toBe(true);
      expect(d.settings.find((s) => s.key === 'ept')!.value).toBe(model(id).features.ept);
    }
  });

  it('warns about legal settings with visible consequences', () => {
    const d = describeVmmSettings({ invlpgExiting: false, exceptionBitmap: 0, ioPassthroughPorts: [0x3f8], msrPassthrough: [0x3a] }, model('xeon-lv'));
    const w = (k: string) => d.settings.find((s) => s.key === k)!.warnings.join(' ');
    expect(w('invlpgExiting')).toMatch(/stale/);
    expect(w('exceptionBitmap')).toMatch(/bit 14 \(#PF\) clear under shadow paging/);
    expect(w('ioPassthroughPorts')).toMatch(/host's COM1/);
    expect(w('msrPassthrough')).toMatch(/IA32_FEATURE_CONTROL/);
  });

  it('attributes raw-bit violations to the raw setting', () => {
    const d = describeVmmSettings({ rawControls: { pin: { clear: 0x16 } } }, model('modern'));
    const raw = d.settings.find((s) => s.key === 'rawControls.pin')!;
    expect(raw.allowed).toBe(false);
    expect(d.violations.map((v) => v.bit)).toEqual([1, 2, 4]);
    expect(raw.problem).toMatch(/modern requires bit 1 \(reserved\) \(IA32_VMX_TRUE_PINBASED_CTLS allowed-0 bit 1 = 1\)/);
  });
});

/** Creates a VM with `settings` and reports whether its first VM entry failed with error 7. */
function entryFails(id: string, settings: VmmSettings): { failed: boolean; message: string } {
  const hv = new Hypervisor(model(id), { hostMemoryBytes: GUEST_AREA_START + 0x400000 });
  const vm = hv.createVm({ name: 'g', memoryBytes: 0x400000, vcpus: 1, settings }, 0x10000);
  hv.mem.write8(vm.mem.base + 0x10000, 0xf4); // hlt
  hv.run(10);
  return { failed: vm.state === VmState.CRASHED && vm.stopReason.startsWith('VM entry failed'), message: vm.stopReason };
}

describe('the prediction is what VMLAUNCH does (controls-check.ts against vmx/entry.ts)', () => {
  const word = fc.constantFrom('pin' as const, 'primary' as const, 'secondary' as const, 'exit' as const, 'entry' as const);
  const bits = fc.integer({ min: 0, max: 31 }).map((b) => (1 << b) >>> 0);
  it.each(MODELS)('random raw control bits on %s', (id) => {
    fc.assert(
      fc.property(fc.array(fc.tuple(word, fc.boolean(), bits), { maxLength: 3 }), fc.option(fc.boolean(), { nil: undefined }), (edits, ept) => {
        const raw: NonNullable<VmmSettings['rawControls']> = {};
        for (const [w, set, b] of edits) {
          const r = (raw[w] ??= {});
          if (set) r.set = ((r.set ?? 0) | b) >>> 0;
          else r.clear = ((r.clear ?? 0) | b) >>> 0;
          if (r.set !== undefined && r.clear !== undefined) r.clear = (r.clear & ~r.set) >>> 0;
        }
        const settings: VmmSettings = { rawControls: raw, ...(ept !== undefined ? { ept } : {}) };
        const d = describeVmmSettings(settings, model(id));
        const real = entryFails(id, settings);
        expect(real.failed, `${JSON.stringify(settings)}: ${real.message}`).toBe(d.entryWillFail);
        if (d.entryWillFail) expect(real.message).toContain(d.violations[0].message);
      }),
      { numRuns: 60 },
    );
  });
  it('controlCapability uses the TRUE MSRs exactly where IA32_VMX_BASIC[55] = 1', () => {
    expect(controlCapability(model('xeon-lv'), 'primary').msr).toBe('IA32_VMX_PROCBASED_CTLS');
    expect(controlCapability(model('nehalem'), 'primary').msr).toBe('IA32_VMX_TRUE_PROCBASED_CTLS');
    expect(controlCapability(model('xeon-5100'), 'secondary')).toMatchObject({ present: false, allowed1: 0 });
  });
});
