import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENTRY_DEFAULT1,
  EXIT_DEFAULT1,
  ExitControls,
  PIN_BASED_DEFAULT1,
  PROC_BASED_DEFAULT1,
  PinBased,
  ProcBased,
  ProcBased2,
  TRUE_ENTRY_DEFAULT1,
  TRUE_EXIT_DEFAULT1,
  TRUE_PIN_BASED_DEFAULT1,
  TRUE_PROC_BASED_DEFAULT1,
} from '../vmx/spec/controls.ts';
import { VMX_FEATURES, featureFlags, type VmxFeature } from '../vmx/spec/features.ts';
import { VmcsField, highestSupportedFieldIndex, isFieldSupported } from '../vmx/spec/fields.ts';
import { entryAllowed1, exitAllowed1, pinAllowed1, primaryAllowed1, secondaryAllowed1 } from './capabilities.ts';
import {
  CPU_MODELS,
  DEFAULT_CPU_MODEL_ID,
  EMULATED_VMX_FEATURES,
  EptVpidCap,
  capabilityMsr,
  cpuModelIds,
  cpuidOf,
  deriveCapabilityMsrs,
  getCpuModel,
  toProcessorModel,
  type CapabilityMsrs,
  type CpuModel,
  type U64,
} from './index.ts';

const anyModel = fc.constantFrom(...CPU_MODELS);
const bit = (v: U64, n: number): boolean => (n < 32 ? ((v.lo >>> n) & 1) === 1 : ((v.hi >>> (n - 32)) & 1) === 1);
const model = (id: string): CpuModel => getCpuModel(id)!;

type CtlName = 'PINBASED' | 'PROCBASED' | 'EXIT' | 'ENTRY';
const CTLS: ReadonlyArray<readonly [CtlName, number, number]> = [
  ['PINBASED', PIN_BASED_DEFAULT1, TRUE_PIN_BASED_DEFAULT1],
  ['PROCBASED', PROC_BASED_DEFAULT1, TRUE_PROC_BASED_DEFAULT1],
  ['EXIT', EXIT_DEFAULT1, TRUE_EXIT_DEFAULT1],
  ['ENTRY', ENTRY_DEFAULT1, TRUE_ENTRY_DEFAULT1],
];
const plain = (m: CapabilityMsrs, n: CtlName): U64 => m[`IA32_VMX_${n}_CTLS`];
const trueMsr = (m: CapabilityMsrs, n: CtlName): U64 | undefined => m[`IA32_VMX_TRUE_${n}_CTLS`];

/** The KUT test_vmx_caps rules and SDM App. A consistency rules, for any set of MSRs. */
function checkCapabilityRules(m: CapabilityMsrs, intel64: boolean): void {
  const basic = m.IA32_VMX_BASIC;
  expect(basic.lo >>> 31).toBe(0); // revision id bit 31 = 0
  const size = basic.hi & 0x1fff;
  expect(size).toBeGreaterThanOrEqual(1);
  expect(size).toBeLessThanOrEqual(4096);
  expect(bit(basic, 48)).toBe(!intel64);
  expect((basic.hi >>> 18) & 0xf).toBe(6); // WB
  const hasTrue = bit(basic, 55);
  for (const [n, d1, trueD1] of CTLS) {
    const p = plain(m, n);
    expect((p.lo & ~p.hi) >>> 0, `${n}: lo ⊆ hi`).toBe(0);
    expect((d1 & ~p.lo) >>> 0, `${n}: default1 ⊆ lo`).toBe(0);
    expect(p.lo).toBe(d1); // plain MSRs report exactly the default1 class as must-be-1 here
    const t = trueMsr(m, n);
    if (hasTrue) {
      expect(t, `${n}: TRUE MSR exists with BASIC[55]`).toBeDefined();
      expect(t!.hi).toBe(p.hi);
      expect((t!.lo & ~t!.hi) >>> 0).toBe(0);
      expect(t!.lo).toBe((p.lo & trueD1) >>> 0); // TRUE lo = plain lo minus the clearable default1 bits
      expect((t!.lo | d1) >>> 0).toBe(p.lo); // plain lo = TRUE lo | default1 (vmx.md §4.6)
    } else {
      expect(t).toBeUndefined();
    }
  }
  const proc = m.IA32_VMX_PROCBASED_CTLS;
  const hasSecondary = bit(proc, 63);
  expect(m.IA32_VMX_PROCBASED_CTLS2 !== undefined).toBe(hasSecondary);
  if (m.IA32_VMX_PROCBASED_CTLS2) {
    const s = m.IA32_VMX_PROCBASED_CTLS2;
    expect(s.lo).toBe(0); // no default1 class
    const ept = (s.hi & ProcBased2.ENABLE_EPT) !== 0;
    const vpid = (s.hi & ProcBased2.ENABLE_VPID) !== 0;
    expect(m.IA32_VMX_EPT_VPID_CAP !== undefined).toBe(ept || vpid);
    if (s.hi & ProcBased2.UNRESTRICTED_GUEST) expect(ept).toBe(true);
    const cap = m.IA32_VMX_EPT_VPID_CAP;
    if (cap && ept) {
      expect(bit(cap, EptVpidCap.WALK_LENGTH_4)).toBe(true);
      expect(bit(cap, EptVpidCap.MEMTYPE_WB) || bit(cap, EptVpidCap.MEMTYPE_UC)).toBe(true);
      if (bit(cap, EptVpidCap.INVEPT)) expect(bit(cap, EptVpidCap.INVEPT_SINGLE_CONTEXT) || bit(cap, EptVpidCap.INVEPT_ALL_CONTEXT)).toBe(true);
    }
    if (cap && vpid && bit(cap, EptVpidCap.INVVPID)) expect((cap.hi >>> 8) & 0xf).not.toBe(0);
    if (cap && !ept) expect(cap.lo).toBe(0);
    if (cap && !vpid) expect(cap.hi).toBe(0);
  } else {
    expect(m.IA32_VMX_EPT_VPID_CAP).toBeUndefined();
  }
  // NMI-window exiting needs virtual NMIs; saving the preemption timer needs the timer (SDM Tables 24-6, 24-10).
  if (proc.hi & ProcBased.NMI_WINDOW_EXITING) expect(m.IA32_VMX_PINBASED_CTLS.hi & PinBased.VIRTUAL_NMIS).not.toBe(0);
  if (m.IA32_VMX_EXIT_CTLS.hi & ExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE)
    expect(m.IA32_VMX_PINBASED_CTLS.hi & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER).not.toBe(0);
  // Fixed bits: FIXED0 ⊆ FIXED1 (a bit cannot be both must-be-1 and must-be-0).
  expect((m.IA32_VMX_CR0_FIXED0.lo & ~m.IA32_VMX_CR0_FIXED1.lo) >>> 0).toBe(0);
  expect((m.IA32_VMX_CR4_FIXED0.lo & ~m.IA32_VMX_CR4_FIXED1.lo) >>> 0).toBe(0);
  expect(m.IA32_VMX_CR0_FIXED0.lo).toBe(0x80000021);
  expect(m.IA32_VMX_CR4_FIXED0.lo).toBe(0x2000);
  // VMCS_ENUM: KUT requires (ENUM & 0x3FE) ≥ 0x2A and bits 63:10 and 0 clear.
  const e = m.IA32_VMX_VMCS_ENUM;
  expect(e.lo & 0x3fe).toBeGreaterThanOrEqual(0x2a);
  expect(e.lo & ~0x3fe).toBe(0);
  expect(e.hi).toBe(0);
  // MISC: CR3-target count 4 (≤ 256), MSR list ≥ 512 entries, HLT activity state supported.
  const misc = m.IA32_VMX_MISC;
  expect((misc.lo >>> 16) & 0x1ff).toBe(4);
  expect((misc.lo >>> 25) & 7).toBe(0);
  expect(bit(misc, 6)).toBe(true);
}

describe('capability MSRs of every model (SDM App. A; KUT test_vmx_caps)', () => {
  it('satisfy the consistency rules', () => {
    fc.assert(fc.property(anyModel, (m) => checkCapabilityRules(m.msrs, m.intel64)));
  });

  it('report VMCS_ENUM = the highest index of a field the model supports', () => {
    fc.assert(
      fc.property(anyModel, (m) => {
        expect(m.msrs.IA32_VMX_VMCS_ENUM.lo >>> 1).toBe(highestSupportedFieldIndex(m.features));
      }),
    );
  });

  it('allow only controls VT Lab emulates', () => {
    const emulated = featureFlags(EMULATED_VMX_FEATURES);
    fc.assert(
      fc.property(anyModel, (m) => {
        const x = m.msrs;
        expect((x.IA32_VMX_PINBASED_CTLS.hi & ~pinAllowed1(emulated)) >>> 0).toBe(0);
        expect((x.IA32_VMX_PROCBASED_CTLS.hi & ~primaryAllowed1(emulated)) >>> 0).toBe(0);
        expect((x.IA32_VMX_EXIT_CTLS.hi & ~exitAllowed1(emulated)) >>> 0).toBe(0);
        expect((x.IA32_VMX_ENTRY_CTLS.hi & ~entryAllowed1(emulated)) >>> 0).toBe(0);
        if (x.IA32_VMX_PROCBASED_CTLS2) expect((x.IA32_VMX_PROCBASED_CTLS2.hi & ~secondaryAllowed1(emulated)) >>> 0).toBe(0);
        // The IA-32-only core never offers 64-bit controls.
        expect(x.IA32_VMX_PROCBASED_CTLS.hi & (ProcBased.CR8_LOAD_EXITING | ProcBased.CR8_STORE_EXITING | ProcBased.USE_TPR_SHADOW)).toBe(0);
        expect(x.IA32_VMX_EXIT_CTLS.hi & ExitControls.HOST_ADDRESS_SPACE_SIZE).toBe(0);
        expect(x.IA32_VMX_ENTRY_CTLS.hi & 0x200).toBe(0);
        for (const f of VMX_FEATURES) if (m.features[f]) expect(EMULATED_VMX_FEATURES.has(f), f).toBe(true);
      }),
    );
  });

  it('hold for any feature set, by construction', () => {
    fc.assert(
      fc.property(fc.subarray([...VMX_FEATURES]), fc.boolean(), fc.integer({ min: 0, max: 0x7fffffff }), fc.integer({ min: 0, max: 31 }), (fs, intel64, rev, rate) => {
        const features = featureFlags(fs as VmxFeature[]);
        // Activity HLT is always offered by VT Lab models; MISC[6] is checked by the rules.
        const msrs = deriveCapabilityMsrs({ features: { ...features, 'activity-hlt': true }, intel64, revisionId: rev, cr4Fixed1: 0x21bc, preemptionTimerRate: rate });
        checkCapabilityRules(msrs, intel64);
        expect(msrs.IA32_VMX_BASIC.lo).toBe(rev);
      }),
      { numRuns: 300 },
    );
  });

  it('expose CR4_FIXED1 with VMXE and the bits the model\'s CPUID enumerates', () => {
    fc.assert(
      fc.property(anyModel, (m) => {
        const f1 = m.msrs.IA32_VMX_CR4_FIXED1.lo;
        expect(f1 & 0x2000).toBe(0x2000);
        expect((f1 & 0x20) !== 0).toBe(m.cpuFeatures.pae);
        expect((f1 & (1 << 18)) !== 0).toBe(m.cpuFeatures.xsave);
        expect(m.msrs.IA32_VMX_CR0_FIXED1.lo).toBe(0xffffffff);
      }),
    );
  });
});

describe('derivation reproduces the real silicon, less what VT Lab does not emulate', () => {
  // VirtualBox CPU-database dumps: Core Duo T2600 (Yonah, for xeon-lv) and Core2 X6800 (0x6F6, for xeon-5100).
  for (const id of ['xeon-lv', 'xeon-5100']) {
    it(id, () => {
      const m = model(id) as CpuModel & { referenceMsrs: Partial<CapabilityMsrs> };
      const ref = m.referenceMsrs;
      const hidden = featureFlags(m.notEmulated.map((n) => n.feature));
      const hiddenBits: Record<CtlName, number> = {
        PINBASED: pinAllowed1(hidden) & ~pinAllowed1({}),
        PROCBASED: primaryAllowed1(hidden) & ~primaryAllowed1({}),
        EXIT: exitAllowed1(hidden) & ~exitAllowed1({}),
        ENTRY: entryAllowed1(hidden) & ~entryAllowed1({}),
      };
      for (const [n] of CTLS) {
        const ours = plain(m.msrs, n);
        const theirs = ref[`IA32_VMX_${n}_CTLS`]!;
        expect(ours.lo, n).toBe(theirs.lo);
        expect((ours.hi & ~theirs.hi) >>> 0, `${n}: nothing beyond the real part`).toBe(0);
        expect((theirs.hi & ~ours.hi) >>> 0, `${n}: only non-emulated bits removed`).toBe(hiddenBits[n] >>> 0);
      }
      for (const k of ['IA32_VMX_CR0_FIXED0', 'IA32_VMX_CR0_FIXED1', 'IA32_VMX_CR4_FIXED0', 'IA32_FEATURE_CONTROL'] as const)
        expect(m.msrs[k], k).toEqual(ref[k]);
      expect(bit(m.msrs.IA32_VMX_BASIC, 48)).toBe(bit(ref.IA32_VMX_BASIC!, 48));
      expect(bit(m.msrs.IA32_VMX_BASIC, 55)).toBe(false);
      expect(bit(ref.IA32_VMX_BASIC!, 55)).toBe(false);
    });
  }
});

describe('model catalogue', () => {
  it('has the four documented ids, short and lowercase, with nehalem as default', () => {
    expect(cpuModelIds()).toEqual(['xeon-lv', 'xeon-5100', 'nehalem', 'modern']);
    for (const id of cpuModelIds()) expect(id).toMatch(/^[a-z0-9-]{3,12}$/);
    expect(DEFAULT_CPU_MODEL_ID).toBe('nehalem');
    expect(getCpuModel(DEFAULT_CPU_MODEL_ID)).toBeDefined();
    expect(getCpuModel('pentium-4')).toBeUndefined();
    expect(getCpuModel(' Nehalem ')?.id).toBe('nehalem');
  });

  it('is plain data that survives structuredClone', () => {
    for (const m of CPU_MODELS) expect(structuredClone(m)).toEqual(m);
  });

  it('explains every hidden feature', () => {
    fc.assert(
      fc.property(anyModel, (m) => {
        for (const h of [...m.notEmulated, ...m.withheld]) {
          expect(m.realFeatures).toContain(h.feature);
          expect(m.features[h.feature]).toBe(false);
          expect(h.reason.length).toBeGreaterThan(10);
        }
        for (const h of m.notEmulated) expect(EMULATED_VMX_FEATURES.has(h.feature)).toBe(false);
        for (const f of VMX_FEATURES) if (m.features[f]) expect(m.realFeatures).toContain(f);
        expect(m.sources.length).toBeGreaterThan(0);
      }),
    );
  });

  it('reports CPUID with the real signature, VMX and the physical-address width', () => {
    fc.assert(
      fc.property(anyModel, (m) => {
        const [maxLeaf, b, c, d] = cpuidOf(m, 0);
        expect(maxLeaf).toBeGreaterThanOrEqual(1);
        expect([b, d, c].map((x) => String.fromCharCode(x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24)).join('')).toBe('GenuineIntel');
        const l1 = cpuidOf(m, 1);
        expect(l1[0]).toBe(m.realCpuid.find((l) => l.leaf === 1)!.eax);
        expect(l1[2] & (1 << 5)).toBe(1 << 5); // CPUID.1:ECX.VMX
        expect(l1[3] & 0x79).toBe(0x78); // PSE, TSC, MSR, PAE; no x87 FPU
        expect(cpuidOf(m, 0x80000008)[0] & 0xff).toBe(m.maxPhysAddr);
        expect(cpuidOf(m, 0x80000001)[3] & (1 << 29)).toBe(0); // no long mode in VT Lab
        // Above the highest leaf: the highest basic leaf's data (SDM Vol. 2A CPUID).
        expect(cpuidOf(m, 0x4000_0000)).toEqual(cpuidOf(m, maxLeaf));
      }),
    );
  });
});

describe('per-model capabilities', () => {
  it('xeon-lv: first-generation VT-x on an IA-32-only part', () => {
    const m = model('xeon-lv');
    expect(m.coreClockHz).toBe(2_000_000_000);
    expect(m.intel64).toBe(false);
    expect(m.msrs.IA32_VMX_PROCBASED_CTLS2).toBeUndefined();
    expect(m.msrs.IA32_VMX_EPT_VPID_CAP).toBeUndefined();
    expect(m.msrs.IA32_VMX_TRUE_PROCBASED_CTLS).toBeUndefined();
    // CR3-load/-store exiting: default1 and not clearable.
    expect(m.msrs.IA32_VMX_PROCBASED_CTLS.lo & (ProcBased.CR3_LOAD_EXITING | ProcBased.CR3_STORE_EXITING)).toBe(0x18000);
    expect(bit(m.msrs.IA32_VMX_BASIC, 48)).toBe(true);
    expect(m.features['virtual-nmis']).toBe(false);
    expect(m.features['msr-bitmaps']).toBe(true);
    expect(isFieldSupported(VmcsField.SECONDARY_VM_EXEC_CONTROL, m.features)).toBe(false);
    expect(isFieldSupported(VmcsField.EPT_POINTER, m.features)).toBe(false);
    expect(isFieldSupported(VmcsField.GUEST_IA32_PAT, m.features)).toBe(false);
    expect(m.msrs.IA32_VMX_VMCS_ENUM.lo).toBe(0x2a);
  });

  it('xeon-5100: no secondary controls; TPR shadow and CR8 exiting exist but are not emulated', () => {
    const m = model('xeon-5100');
    expect(m.intel64).toBe(true);
    expect(bit(m.msrs.IA32_VMX_BASIC, 48)).toBe(false);
    expect(m.msrs.IA32_VMX_PROCBASED_CTLS2).toBeUndefined();
    expect(m.notEmulated.map((n) => n.feature)).toEqual(
      expect.arrayContaining(['tpr-shadow', 'cr8-exiting', 'host-address-space-size', 'ia32e-mode-guest']),
    );
  });

  it('nehalem: EPT, VPID, TRUE MSRs, no unrestricted guest, preemption timer withheld', () => {
    const m = model('nehalem');
    const ctls2 = m.msrs.IA32_VMX_PROCBASED_CTLS2!;
    for (const b of [ProcBased2.ENABLE_EPT, ProcBased2.DESCRIPTOR_TABLE_EXITING, ProcBased2.ENABLE_RDTSCP, ProcBased2.ENABLE_VPID, ProcBased2.WBINVD_EXITING])
      expect(ctls2.hi & b).toBe(b);
    expect(ctls2.hi & ProcBased2.UNRESTRICTED_GUEST).toBe(0);
    const cap = m.msrs.IA32_VMX_EPT_VPID_CAP!;
    for (const n of [6, 14, 20, 25, 26, 32, 40, 41, 42, 43]) expect(bit(cap, n), `cap bit ${n}`).toBe(true);
    expect(m.msrs.IA32_VMX_TRUE_PROCBASED_CTLS!.lo).toBe(0x04006172);
    expect(m.withheld.map((w) => w.feature)).toEqual(['preemption-timer']);
    expect(m.withheld[0]!.reason).toMatch(/0x106A5/);
    expect(m.msrs.IA32_VMX_PINBASED_CTLS.hi & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER).toBe(0);
    expect(m.msrs.IA32_VMX_EXIT_CTLS.hi & ExitControls.SAVE_VMX_PREEMPTION_TIMER_VALUE).toBe(0);
    expect(isFieldSupported(VmcsField.VMX_PREEMPTION_TIMER_VALUE, m.features)).toBe(false);
    expect(cpuidOf(m, 1)[0]).toBe(0x106a5);
  });

  it('modern: unrestricted guest, preemption timer at rate 5, PLE, RDRAND/RDSEED exiting, INVPCID', () => {
    const m = model('modern');
    const ctls2 = m.msrs.IA32_VMX_PROCBASED_CTLS2!.hi;
    for (const b of [ProcBased2.UNRESTRICTED_GUEST, ProcBased2.PAUSE_LOOP_EXITING, ProcBased2.RDRAND_EXITING, ProcBased2.RDSEED_EXITING, ProcBased2.ENABLE_INVPCID])
      expect(ctls2 & b).toBe(b);
    expect(m.msrs.IA32_VMX_PINBASED_CTLS.hi & PinBased.ACTIVATE_VMX_PREEMPTION_TIMER).not.toBe(0);
    expect(m.msrs.IA32_VMX_MISC.lo & 0x1f).toBe(5);
    expect(bit(m.msrs.IA32_VMX_MISC, 5)).toBe(true); // SDM App. A.6: set with unrestricted guest
    expect(m.msrs.IA32_VMX_VMCS_ENUM.lo).toBe(0x2e);
    expect(isFieldSupported(VmcsField.VMX_PREEMPTION_TIMER_VALUE, m.features)).toBe(true);
    expect(m.notEmulated.map((n) => n.feature)).toEqual(expect.arrayContaining(['posted-interrupts', 'vmcs-shadowing', 'pml', 'ept-accessed-dirty']));
  });
});

describe('toProcessorModel (the x86 core\'s ProcessorModel shape)', () => {
  it('answers capability MSRs, CPUID and field support from the model', () => {
    const m = model('nehalem');
    const p = toProcessorModel(m);
    expect(p.capabilityMsr(0x480)).toEqual(m.msrs.IA32_VMX_BASIC);
    expect(capabilityMsr(m, 0x48b)).toEqual(m.msrs.IA32_VMX_PROCBASED_CTLS2);
    expect(p.capabilityMsr(0x491)).toBeUndefined(); // no VM functions
    expect(p.capabilityMsr(0x3a)).toEqual({ lo: 5, hi: 0 });
    expect(p.features).toMatchObject({ vmx: true, ept: true, vpid: true, unrestrictedGuest: false, preemptionTimer: false, trueControls: true });
    expect(p.cpuid(1, 0)[0]).toBe(0x106a5);
    expect(p.vmcsRevisionId).toBe(m.msrs.IA32_VMX_BASIC.lo);
    expect(p.isVmcsFieldSupported(VmcsField.EPT_POINTER)).toBe(true);
    expect(p.isVmcsFieldSupported(VmcsField.PLE_GAP)).toBe(false);
  });
});
