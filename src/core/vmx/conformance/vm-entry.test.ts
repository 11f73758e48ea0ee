/**
 * VM-entry checks (SDM Vol. 3C Ch. 26; shared/reference/vmx.md §7): VMX controls → VMfailValid(7)
 * (§26.2.1), host-state area → VMfailValid(8) (§26.2.2–26.2.4), guest-state area → VM-entry failure with
 * exit reason 33 | 80000000H and qualification 0/2/3/4 (§26.3.1, §26.7), MSR loading → 34 | 80000000H with
 * the 1-based index (§26.4), and event injection (§26.6). Each test starts from the tiny hypervisor's valid
 * VMCS and changes one thing.
 */
import { describe, expect, it } from 'vitest';
import {
  IDENTITY_EPT_SETUP,
  fillTable,
  GUEST_IDT_FIELDS,
  GUEST_IDT_SETUP,
  ISR_TABLE,
  MEM,
  MODELS,
  STACK_HANDLER,
  allowed0,
  allowed1,
  hasTrue,
  model,
  hvSource,
  runHv,
  runMachine,
  supports,
  vmr,
  vmw,
  type HvOptions,
  type ModelId,
  type RunResult,
} from './harness.ts';

function expectVmfail(r: RunResult, n: number): void {
  expect(r.entries, 'no VM entry').toEqual([]);
  const f = r.fails[r.fails.length - 1];
  expect(f, 'a vmfail').toBeDefined();
  expect(f.instruction).toMatch(/VMLAUNCH|VMRESUME/);
  expect(f.kind).toBe('valid');
  expect(f.error).toBe(n);
  expect(r.reg('edi')).toBe(n);
  expect(r.reg('esi') & 0x8d5).toBe(0x40);
}
function expectEntered(r: RunResult): void {
  expect(r.fails).toEqual([]);
  expect(r.entries.length).toBeGreaterThan(0);
}
function expectGuestFail(r: RunResult, qual = 0, basic = 33): void {
  expect(r.fails).toEqual([]);
  expect(r.entries).toEqual([]);
  expect(r.exits.length).toBe(1);
  const e = r.exits[0];
  expect(e.reason).toBe(basic);
  expect(e.entryFailure).toBe(true);
  expect(e.exitReason).toBe('0x' + ((0x80000000 | basic) >>> 0).toString(16).toUpperCase().padStart(8, '0'));
  expect(Number(e.qualification)).toBe(qual);
  expect(r.read('VM_EXIT_REASON')).toBe((0x80000000 | basic) >>> 0);
  expect(r.read('EXIT_QUALIFICATION')).toBe(qual);
  expect(r.end.reason).toBe('halted');
  expect(r.end.vmx).toBe('root');
}
const hv = (cpu: ModelId, o: Omit<HvOptions, 'cpu'>): RunResult => runHv({ cpu, ...o });
const ept = (cpu: ModelId): boolean => model(cpu).features.ept;
const vpid = (cpu: ModelId): boolean => model(cpu).features.vpid;
const ug = (cpu: ModelId): boolean => model(cpu).features.unrestrictedGuest;
const secondary = (cpu: ModelId): boolean => model(cpu).features.secondaryControls;
const physWidth = (cpu: ModelId): number => ((model(cpu).capabilityMsr(0x480)!.hi >>> 16) & 1 ? 32 : model(cpu).maxPhysAddr);
/** Identity EPT (one 1-GByte region mapped by 2-MByte pages) written by `setup`; EPTP value for it. */
export const EPTP_WB4 = MEM.EPT_PML4 | 0x1e;

// ================================================================================== §26.2.1 controls → 7

describe.each(MODELS)('VM-execution control checks → VMfailValid(7) (SDM §26.2.1.1) on %s', (cpu) => {
  const plainOrTrue = (plain: number, tru: number) => (hasTrue(cpu) ? tru : plain);
  const kinds: Array<[string, 'pin' | 'proc' | 'exit' | 'entry', number, number]> = [
    ['pin-based', 'pin', 0x481, 0x48d],
    ['primary processor-based', 'proc', 0x482, 0x48e],
    ['VM-exit', 'exit', 0x483, 0x48f],
    ['VM-entry', 'entry', 0x484, 0x490],
  ];
  for (const [name, key, plain, tru] of kinds) {
    it(`${name}: every bit whose flip violates the allowed-0/allowed-1 settings fails with 7`, () => {
      const lo = allowed0(cpu, plainOrTrue(plain, tru));
      const hi = allowed1(cpu, plainOrTrue(plain, tru));
      const base = allowed0(cpu, plain);
      let checked = 0;
      for (let bit = 0; bit < 32; bit++) {
        const v = (base ^ (1 << bit)) >>> 0;
        const violates = (v & lo) !== lo || (v & ~hi) !== 0;
        if (!violates) continue;
        checked++;
        const r = hv(cpu, { [key]: () => v });
        expectVmfail(r, 7);
      }
      expect(checked).toBeGreaterThan(3);
    });
  }
  it('default1 bits the TRUE MSR lets software clear (CR3-load/-store exiting) can be cleared', () => {
    const r = hv(cpu, { proc: (v) => v & ~0x18000, guest: '  cpuid' });
    if (hasTrue(cpu)) expect(r.exits.map((e) => e.reason)).toEqual([10]);
    else expectVmfail(r, 7);
  });
  it('VM-exit control "save debug controls" (bit 2) and VM-entry "load debug controls" (bit 2): clearable only with TRUE MSRs', () => {
    const r1 = hv(cpu, { exit: (v) => v & ~4, guest: '  cpuid' });
    const r2 = hv(cpu, { entry: (v) => v & ~4, guest: '  cpuid' });
    if (hasTrue(cpu)) {
      expectEntered(r1);
      expectEntered(r2);
    } else {
      expectVmfail(r1, 7);
      expectVmfail(r2, 7);
    }
  });
  it('"activate secondary controls" = 1 fails on models without secondary controls', () => {
    const r = hv(cpu, { proc2: 0 });
    if (secondary(cpu)) expectEntered(r);
    else expectVmfail(r, 7);
  });
  it('the secondary field is ignored while "activate secondary controls" = 0', () => {
    const r = hv(cpu, { fields: [['SECONDARY_VM_EXEC_CONTROL', 0xffffffff]], guest: '  cpuid' });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    // Without secondary controls the field does not exist: the VMWRITE itself fails with 12.
    expect(r.fails.map((f) => f.error)).toEqual(secondary(cpu) ? [] : [12]);
  });
  if (secondary(cpu)) {
    it('secondary controls: every bit outside IA32_VMX_PROCBASED_CTLS2 allowed-1 fails with 7', () => {
      const hi = allowed1(cpu, 0x48b);
      for (let bit = 0; bit < 32; bit++) {
        if ((hi >>> bit) & 1) continue;
        expectVmfail(hv(cpu, { proc2: (1 << bit) >>> 0 }), 7);
      }
    });
  }
  it('CR3-target count > IA32_VMX_MISC[24:16] (4) fails; 4 is allowed', () => {
    expectVmfail(hv(cpu, { fields: [['CR3_TARGET_COUNT', 5]] }), 7);
    expectEntered(hv(cpu, { fields: [['CR3_TARGET_COUNT', 4]] }));
  });
  it('I/O bitmap addresses must be 4-KByte aligned (KUT test_io_bitmaps)', () => {
    const use = (v: number) => v | 0x02000000;
    expectVmfail(hv(cpu, { proc: use, fields: [['IO_BITMAP_A', MEM.IO_A + 8], ['IO_BITMAP_B', MEM.IO_B]] }), 7);
    expectVmfail(hv(cpu, { proc: use, fields: [['IO_BITMAP_A', MEM.IO_A], ['IO_BITMAP_B', MEM.IO_B + 0x800]] }), 7);
    expectEntered(hv(cpu, { proc: use, fields: [['IO_BITMAP_A', MEM.IO_A], ['IO_BITMAP_B', MEM.IO_B]] }));
    // Unused bitmaps are not checked.
    expectEntered(hv(cpu, { fields: [['IO_BITMAP_A', 3], ['IO_BITMAP_B', 5]] }));
  });
  it('I/O bitmap addresses must be within the physical-address width', () => {
    const hi = 2 ** (physWidth(cpu) - 32);
    expectVmfail(hv(cpu, { proc: (v) => v | 0x02000000, fields: [['IO_BITMAP_A', MEM.IO_A], [0x2001, hi], ['IO_BITMAP_B', MEM.IO_B]] }), 7);
  });
  it('MSR-bitmap address must be 4-KByte aligned and within the width (KUT test_msr_bitmap)', () => {
    const use = (v: number) => v | 0x10000000;
    expectVmfail(hv(cpu, { proc: use, fields: [['MSR_BITMAP', MEM.MSR_BITMAP | 0x10]] }), 7);
    expectVmfail(hv(cpu, { proc: use, fields: [['MSR_BITMAP', MEM.MSR_BITMAP], [0x2005, 2 ** (physWidth(cpu) - 32)]] }), 7);
    expectEntered(hv(cpu, { proc: use, fields: [['MSR_BITMAP', MEM.MSR_BITMAP]] }));
    expectEntered(hv(cpu, { fields: [['MSR_BITMAP', 0x123]] }));
  });
  it('NMI controls: virtual NMIs require NMI exiting; NMI-window exiting requires virtual NMIs (KUT test_nmi_ctrls)', () => {
    expectVmfail(hv(cpu, { pin: (v) => v | 0x20 }), 7);
    expectVmfail(hv(cpu, { proc: (v) => v | 0x400000 }), 7);
    const r = hv(cpu, { pin: (v) => v | 0x28 });
    if (supports(cpu, 0x481, 5)) expectEntered(r);
    else expectVmfail(r, 7);
  });
  if (vpid(cpu)) {
    it('"enable VPID" requires a non-zero VPID (KUT test_vpid)', () => {
      expectVmfail(hv(cpu, { proc2: 0x20, fields: [['VIRTUAL_PROCESSOR_ID', 0]] }), 7);
      expectEntered(hv(cpu, { proc2: 0x20, fields: [['VIRTUAL_PROCESSOR_ID', 1]] }));
      expectEntered(hv(cpu, { proc2: 0, fields: [['VIRTUAL_PROCESSOR_ID', 0]] }));
    });
  }
  if (ept(cpu)) {
    it('"enable EPT" requires a valid EPTP (KUT test_ept_eptp)', () => {
      const bad = [
        MEM.EPT_PML4 | 0x18, // memory type UC: not in IA32_VMX_EPT_VPID_CAP
        MEM.EPT_PML4 | 0x19, // type 1
        MEM.EPT_PML4 | 0x1f, // type 7
        MEM.EPT_PML4 | 0x06, // walk length 1
        MEM.EPT_PML4 | 0x26, // walk length 5
        MEM.EPT_PML4 | 0x3e, // walk length 8
        MEM.EPT_PML4 | 0x5e, // A/D flags without support
        MEM.EPT_PML4 | 0x9e, // bit 7 reserved
        MEM.EPT_PML4 | 0x81e, // bit 11 reserved
      ];
      for (const eptp of bad) expectVmfail(hv(cpu, { proc2: 2, fields: [['EPT_POINTER', eptp]] }), 7);
      expectVmfail(hv(cpu, { proc2: 2, fields: [['EPT_POINTER', EPTP_WB4], [0x201b, 2 ** (physWidth(cpu) - 32)]] }), 7);
    });
  }
  if (ug(cpu)) {
    it('"unrestricted guest" requires "enable EPT"', () => {
      expectVmfail(hv(cpu, { proc2: 0x80 }), 7);
    });
    it('"save VMX-preemption timer value" requires "activate VMX-preemption timer" (KUT test_vmx_preemption_timer)', () => {
      expectVmfail(hv(cpu, { exit: (v) => v | 0x400000 }), 7);
      expectEntered(hv(cpu, { pin: (v) => v | 0x40, exit: (v) => v | 0x400000, fields: [['VMX_PREEMPTION_TIMER_VALUE', 100000]] }));
    });
  }
});

describe.each(MODELS)('VM-exit and VM-entry control-field checks → 7 (SDM §26.2.1.2–3) on %s', (cpu) => {
  it('VM-exit MSR-store / -load areas: 16-byte aligned when the count is non-zero (KUT test_exit_msr_store)', () => {
    for (const [addr, count] of [['VM_EXIT_MSR_STORE_ADDR', 'VM_EXIT_MSR_STORE_COUNT'], ['VM_EXIT_MSR_LOAD_ADDR', 'VM_EXIT_MSR_LOAD_COUNT'], ['VM_ENTRY_MSR_LOAD_ADDR', 'VM_ENTRY_MSR_LOAD_COUNT']] as const) {
      expectVmfail(hv(cpu, { fields: [[addr, MEM.MSR_AREA + 8], [count, 1]] }), 7);
      expectEntered(hv(cpu, { fields: [[addr, MEM.MSR_AREA + 8], [count, 0]] }));
    }
  });
  it('MSR areas whose last byte is beyond the physical-address width fail', () => {
    const w = physWidth(cpu);
    // 0xFFFFFFF0 + 16·count − 1 crosses 4 GiB; with a 32-bit width that is beyond it.
    const r = hv(cpu, { fields: [['VM_ENTRY_MSR_LOAD_ADDR', 0xfffffff0], ['VM_ENTRY_MSR_LOAD_COUNT', 2]] });
    if (w === 32) expectVmfail(r, 7);
    const r2 = hv(cpu, { fields: [['VM_EXIT_MSR_STORE_ADDR', MEM.MSR_AREA], [0x2007, 2 ** (w - 32)], ['VM_EXIT_MSR_STORE_COUNT', 1]] });
    expectVmfail(r2, 7);
  });
  it('"entry to SMM" and "deactivate dual-monitor treatment" must be 0 outside SMM', () => {
    expectVmfail(hv(cpu, { entry: (v) => v | 0x400 }), 7);
    expectVmfail(hv(cpu, { entry: (v) => v | 0x800 }), 7);
  });
  it('"IA-32e mode guest" and "host address-space size" are not allowed (IA-32 models) → 7', () => {
    expectVmfail(hv(cpu, { entry: (v) => v | 0x200 }), 7);
    expectVmfail(hv(cpu, { exit: (v) => v | 0x200 }), 7);
  });
});

describe.each(MODELS)('Event-injection field checks → 7 (SDM §26.2.1.3; KUT test_invalid_event_injection) on %s', (cpu) => {
  const inject = (info: number, extra: HvOptions['fields'] = []) => hv(cpu, { fields: [['VM_ENTRY_INTR_INFO_FIELD', info >>> 0], ...extra] });
  it('interruption type 1 (reserved) fails', () => expectVmfail(inject(0x80000120), 7));
  it('NMI with a vector other than 2 fails', () => expectVmfail(inject(0x80000203), 7));
  it('hardware exception with a vector > 31 fails', () => expectVmfail(inject(0x80000320), 7));
  it('deliver-error-code must match the vector: #GP without it fails, #UD with it fails', () => {
    expectVmfail(inject(0x8000030d), 7);
    expectVmfail(inject(0x80000b06), 7);
    for (const v of [8, 10, 11, 12, 13, 14, 17]) expectVmfail(inject(0x80000300 | v), 7);
  });
  it('deliver-error-code with a non-exception type fails (external interrupt with EC)', () => {
    expectVmfail(inject(0x80000820, [['GUEST_RFLAGS', 0x202]]), 7);
  });
  it('error-code bits 31:16 must be 0 when delivering an error code', () => {
    expectVmfail(inject(0x80000b0d, [['VM_ENTRY_EXCEPTION_ERROR_CODE', 0x10000]]), 7);
  });
  it('reserved bits 30:12 must be 0', () => {
    expectVmfail(inject(0x80001306), 7);
    expectVmfail(inject(0xc0000306), 7);
  });
  it('software interrupt / software exception / privileged software exception need an instruction length 1–15', () => {
    for (const type of [4, 5, 6]) {
      const info = 0x80000000 | (type << 8) | (type === 5 ? 1 : type === 6 ? 3 : 0x80);
      expectVmfail(inject(info, [['VM_ENTRY_INSTRUCTION_LEN', 0]]), 7);
      expectVmfail(inject(info, [['VM_ENTRY_INSTRUCTION_LEN', 16]]), 7);
    }
  });
  it('type 7 (other event) needs monitor-trap-flag support and vector 0', () => {
    const r = inject(0x80000700);
    if (supports(cpu, 0x482, 27)) expectEntered(r);
    else expectVmfail(r, 7);
    expectVmfail(inject(0x80000701), 7);
  });
  it('an invalid field with the valid bit clear is ignored', () => {
    expectEntered(inject(0x7fffffff));
  });
});

// ================================================================================ §26.2.2–4 host → 8

describe.each(MODELS)('Host-state checks → VMfailValid(8) (SDM §26.2.2–26.2.4; KUT vmx_host_state_area_test) on %s', (cpu) => {
  const host = (fields: HvOptions['fields']) => hv(cpu, { fields });
  it('HOST_CR0 must satisfy IA32_VMX_CR0_FIXED0 (PE, NE, PG)', () => {
    expectVmfail(host([['HOST_CR0', 0x80000011]]), 8);
    expectVmfail(host([['HOST_CR0', 0x80000030]]), 8);
    expectVmfail(host([['HOST_CR0', 0x00000031]]), 8);
  });
  it('HOST_CR4 must satisfy FIXED0 (VMXE) and FIXED1', () => {
    expectVmfail(host([['HOST_CR4', 0x10]]), 8);
    expectVmfail(host([['HOST_CR4', 0x2050]]), 8);
  });
  it('host CS, TR (and SS for a 32-bit host) selectors must not be 0', () => {
    expectVmfail(host([['HOST_CS_SELECTOR', 0]]), 8);
    expectVmfail(host([['HOST_TR_SELECTOR', 0]]), 8);
    expectVmfail(host([['HOST_SS_SELECTOR', 0]]), 8);
  });
  it('null DS/ES/FS/GS host selectors are allowed', () => {
    expectEntered(host([['HOST_DS_SELECTOR', 0], ['HOST_ES_SELECTOR', 0], ['HOST_FS_SELECTOR', 0], ['HOST_GS_SELECTOR', 0]]));
  });
  for (const s of ['ES', 'CS', 'SS', 'DS', 'FS', 'GS', 'TR'] as const) {
    it(`HOST_${s}_SELECTOR with RPL ≠ 0 or TI = 1 fails`, () => {
      const base = s === 'CS' ? 8 : s === 'TR' ? 0x28 : 0x10;
      expectVmfail(host([[`HOST_${s}_SELECTOR`, base | 3]]), 8);
      expectVmfail(host([[`HOST_${s}_SELECTOR`, base | 4]]), 8);
    });
  }
  if (supports(cpu, 0x483, 19)) {
    it('"load IA32_PAT" on exit: every PAT byte must be a valid memory type (KUT test_load_host_pat)', () => {
      for (const bad of [2, 3, 8, 0xff]) {
        expectVmfail(hv(cpu, { exit: (v) => v | 0x80000, fields: [['HOST_IA32_PAT', 0x00070406 | (bad << 24)], [0x2c01, 0x00070406]] }), 8);
      }
      expectEntered(hv(cpu, { exit: (v) => v | 0x80000, fields: [['HOST_IA32_PAT', 0x00070406], [0x2c01, 0x00070406]] }));
    });
  }
  if (supports(cpu, 0x483, 21)) {
    it('"load IA32_EFER" on exit: reserved bits 0 and LMA = LME = host address-space size (KUT test_host_efer)', () => {
      expectVmfail(hv(cpu, { exit: (v) => v | 0x200000, fields: [['HOST_IA32_EFER', 0x2]] }), 8);
      expectVmfail(hv(cpu, { exit: (v) => v | 0x200000, fields: [['HOST_IA32_EFER', 0x400]] }), 8);
      expectVmfail(hv(cpu, { exit: (v) => v | 0x200000, fields: [['HOST_IA32_EFER', 0x100]] }), 8);
      expectEntered(hv(cpu, { exit: (v) => v | 0x200000, fields: [['HOST_IA32_EFER', 0x800]] }));
    });
  }
  it('control checks come before host-state checks (bad controls and bad host state → 7)', () => {
    expectVmfail(hv(cpu, { pin: () => 0, fields: [['HOST_CS_SELECTOR', 0]] }), 7);
  });
  it('a VMfail(8) leaves the launch state clear (a later valid VMLAUNCH works)', () => {
    const r = hv(cpu, { fields: [['HOST_CS_SELECTOR', 0]], afterLaunch: `${vmr('VM_INSTRUCTION_ERROR', 'edi')}  mov eax, 0xc02\n  mov ebx, 8\n  vmwrite eax, ebx\n  vmlaunch\n  hlt`, guest: '  cpuid' });
    expect(r.fails.map((f) => f.error)).toEqual([8]);
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
  });
});

// ================================================================================ §26.3.1 guest → 33

describe.each(MODELS)('Guest-state checks → exit 33 | 80000000H (SDM §26.3.1) on %s', (cpu) => {
  const g = (fields: HvOptions['fields'], extra: Omit<HvOptions, 'cpu' | 'fields'> = {}) => hv(cpu, { fields, ...extra });
  it('GUEST_RFLAGS = 0 (bit 1 clear) is the standard failure; qualification 0', () => {
    const r = g([['GUEST_RFLAGS', 0]]);
    expectGuestFail(r, 0);
  });
  for (const bit of [3, 5, 15, 22, 31]) {
    it(`RFLAGS reserved bit ${bit} set fails`, () => expectGuestFail(g([['GUEST_RFLAGS', (2 | (1 << bit)) >>> 0]])));
  }
  it('the failure loads host state: RFLAGS = 2, RSP = HOST_RSP, CPL 0, DR7 = 400H, EIP = HOST_RIP', () => {
    const r = g([['GUEST_RFLAGS', 0]], { setup: '  mov eax, 0x500\n  mov dr7, eax\n  push 0xcd7\n  popfd', handler: '  pushfd\n  pop esi\n  mov edi, esp\n  mov ebx, dr7\n  hlt' });
    expect(r.reg('esi')).toBe(2);
    expect(r.reg('edi')).toBe(MEM.HOST_STACK);
    expect(r.reg('ebx')).toBe(0x400);
  });
  it('the failure does not save guest state and does not change the launch state (VMLAUNCH again works)', () => {
    const r = g([['GUEST_RFLAGS', 0], ['GUEST_RSP', 0x1234]], {
      handler: `${vmr('GUEST_RSP', 'esi')}  mov eax, 0x6820\n  mov ebx, 2\n  vmwrite eax, ebx\n  vmlaunch\n  hlt\n`,
      guest: '  cpuid',
    });
    expect(r.reads.get(0x681c)).toBe(0x1234);
    expect(r.exits.map((e) => e.reason)).toEqual([33, 10]);
    expect(r.entries.map((e) => e.instruction)).toEqual(['VMLAUNCH']);
  });
  it('VMRESUME after a failed VMLAUNCH is VMfailValid(5) (launch state still clear)', () => {
    const r = g([['GUEST_RFLAGS', 0]], { handler: '  vmresume\n  pushfd\n  pop esi\n' + vmr('VM_INSTRUCTION_ERROR', 'edi') + '  hlt' });
    expect(r.fails.map((f) => f.error)).toEqual([5]);
  });
  it('a VM-entry failure does not clear the valid bit of the VM-entry interruption-information field', () => {
    const r = g([['GUEST_RFLAGS', 0], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000306]], { handler: vmr('VM_ENTRY_INTR_INFO_FIELD', 'ebx') + '  hlt' });
    expect(r.read('VM_ENTRY_INTR_INFO_FIELD')).toBe(0x80000306);
  });

  // §26.3.1.1 control registers
  it('GUEST_CR0 must satisfy FIXED0: PE = 0, NE = 0 or PG = 0 fail (no unrestricted guest)', () => {
    expectGuestFail(g([['GUEST_CR0', 0x80000030]]));
    expectGuestFail(g([['GUEST_CR0', 0x80000011]]));
    expectGuestFail(g([['GUEST_CR0', 0x00000031]]));
  });
  it('GUEST_CR4 must have VMXE (FIXED0) and no bit outside FIXED1', () => {
    expectGuestFail(g([['GUEST_CR4', 0x10]]));
    expectGuestFail(g([['GUEST_CR4', 0x2050]]));
  });
  if (supports(cpu, 0x484, 14)) {
    it('"load IA32_PAT": invalid PAT bytes fail (KUT test_load_guest_pat)', () => {
      expectGuestFail(g([['GUEST_IA32_PAT', 0x02070406]], { entry: (v) => v | 0x4000 }));
      expectEntered(g([['GUEST_IA32_PAT', 0x06060606], [0x2805, 0x06060606]], { entry: (v) => v | 0x4000 }));
    });
  }
  if (supports(cpu, 0x484, 15)) {
    it('"load IA32_EFER": reserved bits, and LMA must equal "IA-32e mode guest" (KUT test_guest_efer)', () => {
      expectGuestFail(g([['GUEST_IA32_EFER', 0x2]], { entry: (v) => v | 0x8000 }));
      expectGuestFail(g([['GUEST_IA32_EFER', 0x400]], { entry: (v) => v | 0x8000 }));
      expectGuestFail(g([['GUEST_IA32_EFER', 0x100]], { entry: (v) => v | 0x8000 }));
      expectEntered(g([['GUEST_IA32_EFER', 0x800]], { entry: (v) => v | 0x8000 }));
    });
  }
  it('"load debug controls": IA32_DEBUGCTL reserved bits fail', () => {
    expectGuestFail(g([['GUEST_IA32_DEBUGCTL', 0x4000]]));
    expectEntered(g([['GUEST_IA32_DEBUGCTL', 0x3]]));
  });

  // §26.3.1.2 segment registers
  it('TR: TI = 1, type 9 (not busy), S = 1, P = 0, unusable all fail', () => {
    expectGuestFail(g([['GUEST_TR_SELECTOR', 0x2c]]));
    expectGuestFail(g([['GUEST_TR_AR_BYTES', 0x89]]));
    expectGuestFail(g([['GUEST_TR_AR_BYTES', 0x9b]]));
    expectGuestFail(g([['GUEST_TR_AR_BYTES', 0x0b]]));
    expectGuestFail(g([['GUEST_TR_AR_BYTES', 0x1008b]]));
    expectEntered(g([['GUEST_TR_AR_BYTES', 0x83]]));
  });
  it('LDTR: usable with TI = 1, type ≠ 2, S = 1 or P = 0 fail; unusable LDTR is not checked', () => {
    expectGuestFail(g([['GUEST_LDTR_SELECTOR', 0x34], ['GUEST_LDTR_AR_BYTES', 0x82]]));
    expectGuestFail(g([['GUEST_LDTR_SELECTOR', 0x30], ['GUEST_LDTR_AR_BYTES', 0x83]]));
    expectGuestFail(g([['GUEST_LDTR_SELECTOR', 0x30], ['GUEST_LDTR_AR_BYTES', 0x92]]));
    expectGuestFail(g([['GUEST_LDTR_SELECTOR', 0x30], ['GUEST_LDTR_AR_BYTES', 0x02]]));
    expectEntered(g([['GUEST_LDTR_SELECTOR', 0x30], ['GUEST_LDTR_AR_BYTES', 0x82], ['GUEST_LDTR_LIMIT', 0xff]]));
    expectEntered(g([['GUEST_LDTR_SELECTOR', 0x34], ['GUEST_LDTR_AR_BYTES', 0x1ffff]]));
  });
  it('CS: type must be 9/11/13/15 (3 only with unrestricted guest); S = 1; P = 1', () => {
    for (const type of [0, 1, 3, 8, 10]) expectGuestFail(g([['GUEST_CS_AR_BYTES', 0xc090 | type]]));
    expectGuestFail(g([['GUEST_CS_AR_BYTES', 0xc08b]]));
    expectGuestFail(g([['GUEST_CS_AR_BYTES', 0xc01b]]));
    expectEntered(g([['GUEST_CS_AR_BYTES', 0xc099]], { guest: '  cpuid' }));
  });
  it('SS.RPL must equal CS.RPL', () => {
    expectGuestFail(g([['GUEST_SS_SELECTOR', 0x13]]));
  });
  it('CS DPL rules: non-conforming CS.DPL = SS.DPL; conforming CS.DPL ≤ SS.DPL', () => {
    expectGuestFail(g([['GUEST_CS_AR_BYTES', 0xc0bb]]));
    expectEntered(g([['GUEST_CS_AR_BYTES', 0xc09f]], { guest: '  cpuid' }));
    expectGuestFail(g([['GUEST_CS_AR_BYTES', 0xc0df], ['GUEST_CS_SELECTOR', 0x09], ['GUEST_SS_SELECTOR', 0x11], ['GUEST_SS_AR_BYTES', 0xc0b3]]));
    expectEntered(g([['GUEST_CS_AR_BYTES', 0xc09f], ['GUEST_CS_SELECTOR', 0x09], ['GUEST_SS_SELECTOR', 0x11], ['GUEST_SS_AR_BYTES', 0xc0b3]]));
  });
  it('SS: usable SS must be type 3 or 7, S = 1, P = 1; SS.DPL = SS.RPL', () => {
    expectGuestFail(g([['GUEST_SS_AR_BYTES', 0xc091]]));
    expectGuestFail(g([['GUEST_SS_AR_BYTES', 0xc09b]]));
    expectGuestFail(g([['GUEST_SS_AR_BYTES', 0xc083]]));
    expectGuestFail(g([['GUEST_SS_AR_BYTES', 0xc013]]));
    expectEntered(g([['GUEST_SS_AR_BYTES', 0x4097], ['GUEST_SS_LIMIT', 0]], { guest: '  cpuid' }));
  });
  for (const s of ['DS', 'ES', 'FS', 'GS'] as const) {
    it(`${s}: usable ${s} must be accessed, readable if code, S = 1, P = 1, DPL ≥ RPL`, () => {
      expectGuestFail(g([[`GUEST_${s}_AR_BYTES`, 0xc092]]));
      expectGuestFail(g([[`GUEST_${s}_AR_BYTES`, 0xc099]]));
      expectGuestFail(g([[`GUEST_${s}_AR_BYTES`, 0xc083]]));
      expectGuestFail(g([[`GUEST_${s}_AR_BYTES`, 0xc013]]));
      expectGuestFail(g([[`GUEST_${s}_SELECTOR`, 0x13]]));
      expectEntered(g([[`GUEST_${s}_AR_BYTES`, 0xc09b]]));
      expectEntered(g([[`GUEST_${s}_AR_BYTES`, 0x10000], [`GUEST_${s}_SELECTOR`, 0]]));
      expectEntered(g([[`GUEST_${s}_SELECTOR`, 0x13], [`GUEST_${s}_AR_BYTES`, 0xc0f3]]));
    });
  }
  it('access-rights reserved bits 11:8 and 31:17 must be 0', () => {
    expectGuestFail(g([['GUEST_DS_AR_BYTES', 0xc193]]));
    expectGuestFail(g([['GUEST_CS_AR_BYTES', 0x2c09b]]));
  });
  it('granularity: limit[11:0] ≠ FFFH requires G = 0; limit[31:20] ≠ 0 requires G = 1', () => {
    expectGuestFail(g([['GUEST_DS_LIMIT', 0xfffff000]]));
    expectGuestFail(g([['GUEST_DS_LIMIT', 0x00100fff], ['GUEST_DS_AR_BYTES', 0x4093]]));
    expectEntered(g([['GUEST_DS_LIMIT', 0x000fffff], ['GUEST_DS_AR_BYTES', 0x4093]]));
    expectGuestFail(g([['GUEST_TR_LIMIT', 0x00100000]]));
  });
  it('RFLAGS.VM = 1 with protected-mode segments fails (a virtual-8086 guest needs real-mode-style segments)', () => {
    expectGuestFail(g([['GUEST_RFLAGS', 0x20002]]));
  });

  // §26.3.1.3 descriptor-table registers
  it('GDTR and IDTR limits: bits 31:16 must be 0 (KUT GDT.limit > FFFFH)', () => {
    expectGuestFail(g([['GUEST_GDTR_LIMIT', 0x10000]]));
    expectGuestFail(g([['GUEST_IDTR_LIMIT', 0x10000]]));
    expectEntered(g([['GUEST_GDTR_LIMIT', 0xffff], ['GUEST_IDTR_LIMIT', 0xffff]]));
  });

  // §26.3.1.5 non-register state
  it('activity state must be supported: HLT per IA32_VMX_MISC[6]; shutdown and wait-for-SIPI unsupported; > 3 invalid', () => {
    const misc = model(cpu).capabilityMsr(0x485)!.lo;
    const r = g([['GUEST_ACTIVITY_STATE', 1]]);
    if ((misc >>> 6) & 1) {
      expectEntered(r);
      expect(r.end.vmx).toBe('non-root');
    } else expectGuestFail(r);
    for (const s of [2, 3]) {
      const rs = g([['GUEST_ACTIVITY_STATE', s]]);
      if ((misc >>> (5 + s)) & 1) expectEntered(rs);
      else expectGuestFail(rs);
    }
    expectGuestFail(g([['GUEST_ACTIVITY_STATE', 4]]));
  });
  it('HLT activity requires SS.DPL = 0', () => {
    expectGuestFail(
      g([
        ['GUEST_ACTIVITY_STATE', 1],
        ['GUEST_CS_SELECTOR', 0x1b],
        ['GUEST_CS_AR_BYTES', 0xc0fb],
        ['GUEST_SS_SELECTOR', 0x23],
        ['GUEST_SS_AR_BYTES', 0xc0f3],
      ]),
    );
  });
  it('interruptibility: reserved bits 31:5, STI + MOV SS, STI with IF = 0, SMI blocking outside SMM fail', () => {
    expectGuestFail(g([['GUEST_INTERRUPTIBILITY_INFO', 0x20]]));
    expectGuestFail(g([['GUEST_INTERRUPTIBILITY_INFO', 3], ['GUEST_RFLAGS', 0x202]]));
    expectGuestFail(g([['GUEST_INTERRUPTIBILITY_INFO', 1]]));
    expectGuestFail(g([['GUEST_INTERRUPTIBILITY_INFO', 4]]));
    expectEntered(g([['GUEST_INTERRUPTIBILITY_INFO', 1], ['GUEST_RFLAGS', 0x202]]));
    expectEntered(g([['GUEST_INTERRUPTIBILITY_INFO', 2]]));
    expectEntered(g([['GUEST_INTERRUPTIBILITY_INFO', 8]]));
  });
  it('STI or MOV-SS blocking requires the active activity state', () => {
    if (((model(cpu).capabilityMsr(0x485)!.lo >>> 6) & 1) === 0) return;
    expectGuestFail(g([['GUEST_INTERRUPTIBILITY_INFO', 2], ['GUEST_ACTIVITY_STATE', 1]]));
  });
  it('injecting an external interrupt requires RFLAGS.IF = 1 and no STI/MOV-SS blocking', () => {
    expectGuestFail(g([['VM_ENTRY_INTR_INFO_FIELD', 0x80000020]]));
    expectGuestFail(g([['VM_ENTRY_INTR_INFO_FIELD', 0x80000020], ['GUEST_RFLAGS', 0x202], ['GUEST_INTERRUPTIBILITY_INFO', 1]]));
    expectGuestFail(g([['VM_ENTRY_INTR_INFO_FIELD', 0x80000020], ['GUEST_RFLAGS', 0x202], ['GUEST_INTERRUPTIBILITY_INFO', 2]]));
  });
  it('injecting an NMI with MOV-SS blocking fails (qualification 0); with STI blocking, qualification 3', () => {
    expectGuestFail(g([['VM_ENTRY_INTR_INFO_FIELD', 0x80000202], ['GUEST_INTERRUPTIBILITY_INFO', 2]]));
    expectGuestFail(g([['VM_ENTRY_INTR_INFO_FIELD', 0x80000202], ['GUEST_INTERRUPTIBILITY_INFO', 1], ['GUEST_RFLAGS', 0x202]]), 3);
  });
  if (supports(cpu, 0x481, 5)) {
    it('virtual NMIs: injecting an NMI while blocking by NMI fails', () => {
      expectGuestFail(g([['VM_ENTRY_INTR_INFO_FIELD', 0x80000202], ['GUEST_INTERRUPTIBILITY_INFO', 8]], { pin: (v) => v | 0x28 }));
    });
  }
  it('events injected into the HLT state: only external interrupts, NMI, #DB, #MC and MTF', () => {
    if (((model(cpu).capabilityMsr(0x485)!.lo >>> 6) & 1) === 0) return;
    expectGuestFail(g([['GUEST_ACTIVITY_STATE', 1], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000306]]));
    expectGuestFail(g([['GUEST_ACTIVITY_STATE', 1], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000480], ['VM_ENTRY_INSTRUCTION_LEN', 2]]));
    expectEntered(g([['GUEST_ACTIVITY_STATE', 1], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000301]]));
    expectEntered(g([['GUEST_ACTIVITY_STATE', 1], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000202]]));
  });
  it('pending debug exceptions: reserved bits 11:4, 13, 15, 31:17 fail', () => {
    for (const bit of [4, 11, 13, 15, 17, 31]) expectGuestFail(g([['GUEST_PENDING_DBG_EXCEPTIONS', (1 << bit) >>> 0]]));
    expectEntered(g([['GUEST_PENDING_DBG_EXCEPTIONS', 0x100f]]));
  });
  it('pending debug exceptions BS must match RFLAGS.TF when blocking by STI/MOV SS', () => {
    expectGuestFail(g([['GUEST_INTERRUPTIBILITY_INFO', 2], ['GUEST_RFLAGS', 0x102]]));
    expectGuestFail(g([['GUEST_INTERRUPTIBILITY_INFO', 2], ['GUEST_PENDING_DBG_EXCEPTIONS', 0x4000]]));
    expectEntered(g([['GUEST_INTERRUPTIBILITY_INFO', 2], ['GUEST_RFLAGS', 0x102], ['GUEST_PENDING_DBG_EXCEPTIONS', 0x4000]]));
  });
  it('VMCS link pointer: anything but FFFFFFFF_FFFFFFFFH must be an aligned, valid VMCS → else qualification 4', () => {
    expectGuestFail(g([['VMCS_LINK_POINTER', MEM.VMCS2 + 8], [0x2801, 0]]), 4);
    expectGuestFail(g([['VMCS_LINK_POINTER', MEM.SCRATCH], [0x2801, 0]]), 4);
    expectGuestFail(g([['VMCS_LINK_POINTER', MEM.VMCS2], [0x2801, 2 ** (physWidth(cpu) - 32)]]), 4);
    expectGuestFail(g([['VMCS_LINK_POINTER', 0xffffffff], [0x2801, 0]]), 4);
    expectGuestFail(g([['VMCS_LINK_POINTER', MEM.VMCS2], [0x2801, 0]], { setup: `  or dword [${MEM.VMCS2}], 0x80000000` }), 4);
    expectGuestFail(g([['VMCS_LINK_POINTER', MEM.VMCS], [0x2801, 0]]), 4);
    expectEntered(g([['VMCS_LINK_POINTER', MEM.VMCS2], [0x2801, 0]]));
    // The VMXON region (it holds the revision identifier too): only in SMM with "entry to SMM" = 0 must the link
    // pointer differ from the VMXON pointer (§26.3.1.5; Bochs VMenterLoadCheckGuestState). This processor has no SMM.
    expectEntered(g([['VMCS_LINK_POINTER', MEM.VMXON], [0x2801, 0]]));
  });
  it('VM-entry failure takes precedence only after 7 and 8: bad guest + bad host → 8', () => {
    expectVmfail(g([['GUEST_RFLAGS', 0], ['HOST_CS_SELECTOR', 0]]), 8);
  });
});

// §26.3.1.6 PDPTEs → qualification 2
describe.each(MODELS)('Guest PDPTE checks (PAE guest) → qualification 2 (SDM §26.3.1.6; KUT test_vmx_guest_pdptes) on %s', (cpu) => {
  // A PAE guest: PDPT at MEM.PAE_PDPT with PDPTE0 → a page directory of 2-MByte pages identity-mapping 0–1 GiB.
  const paeSetup = (pdpte0Lo: number, pdpte0Hi = 0) => `
${fillTable('pd_fill', MEM.EPT_PD, 512, 21, 0x87)}  mov dword [${MEM.PAE_PDPT}], ${pdpte0Lo}
  mov dword [${MEM.PAE_PDPT + 4}], ${pdpte0Hi}
`;
  const paeFields = (): HvOptions['fields'] => [
    ['GUEST_CR4', 0x2030],
    ['GUEST_CR3', MEM.PAE_PDPT],
  ];
  it('a valid PAE guest is entered (PDPTEs read from guest CR3 without EPT)', () => {
    const r = hv(cpu, { setup: paeSetup(MEM.EPT_PD | 1), fields: paeFields(), guest: '  mov eax, [0x10000]\n  cpuid' });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
  });
  for (const [what, lo, hi] of [
    ['bit 1', MEM.EPT_PD | 3, 0],
    ['bit 5', MEM.EPT_PD | 0x21, 0],
    ['bit 8', MEM.EPT_PD | 0x101, 0],
    ['bit 63', MEM.EPT_PD | 1, 0x80000000],
    ['a bit beyond the physical-address width', MEM.EPT_PD | 1, 0x00800000],
  ] as const) {
    it(`a present PDPTE with ${what} set fails with qualification 2`, () => {
      expectGuestFail(hv(cpu, { setup: paeSetup(lo, hi), fields: paeFields() }), 2);
    });
  }
  it('reserved bits in a non-present PDPTE are ignored; bits 11:9 are ignored', () => {
    expectEntered(hv(cpu, { setup: paeSetup(0xfe), fields: paeFields() }));
    expectEntered(hv(cpu, { setup: paeSetup(MEM.EPT_PD | 0xe01), fields: paeFields() }));
  });
});

// ================================================================================ §26.4 MSR loading → 34

describe.each(MODELS)('VM-entry MSR loading → exit 34 | 80000000H with the 1-based index (SDM §26.4) on %s', (cpu) => {
  const area = (entries: Array<[number, number, number, number]>) =>
    `align 16\nmsr_area:\n` + entries.map(([i, r, lo, hi]) => `  dd ${i >>> 0}, ${r >>> 0}, ${lo >>> 0}, ${hi >>> 0}`).join('\n');
  const load = (entries: Array<[number, number, number, number]>, extra: Omit<HvOptions, 'cpu'> = {}) =>
    hv(cpu, { fields: [['VM_ENTRY_MSR_LOAD_ADDR', 'msr_area'], ['VM_ENTRY_MSR_LOAD_COUNT', entries.length]], data: area(entries), ...extra });
  it('IA32_FS_BASE as entry 1 fails with qualification 1 (KUT msr_switch_entry_failure)', () => {
    expectGuestFail(load([[0xc0000100, 0, 0, 0]]), 1, 34);
  });
  it('IA32_GS_BASE as entry 2 fails with qualification 2', () => {
    expectGuestFail(load([[0x174, 0, 8, 0], [0xc0000101, 0, 0, 0]]), 2, 34);
  });
  it('reserved dword ≠ 0 fails', () => {
    expectGuestFail(load([[0x174, 1, 8, 0]]), 1, 34);
  });
  it('x2APIC MSRs (800H–8FFH) and IA32_SMM_MONITOR_CTL (9BH) fail', () => {
    expectGuestFail(load([[0x808, 0, 0, 0]]), 1, 34);
    expectGuestFail(load([[0x9b, 0, 0, 0]]), 1, 34);
  });
  it('a value WRMSR would reject fails (IA32_PAT with an invalid type; a non-existent MSR; locked FEATURE_CONTROL)', () => {
    expectGuestFail(load([[0x174, 0, 8, 0], [0x175, 0, 0, 0], [0x277, 0, 0x02, 0]]), 3, 34);
    expectGuestFail(load([[0x12345, 0, 0, 0]]), 1, 34);
    expectGuestFail(load([[0x3a, 0, 5, 0]]), 1, 34);
  });
  it('an area in non-existent memory fails (KUT invalid_msr: address 0x13370000)', () => {
    expectGuestFail(hv(cpu, { fields: [['VM_ENTRY_MSR_LOAD_ADDR', 0x13370000], ['VM_ENTRY_MSR_LOAD_COUNT', 1]] }), 1, 34);
  });
  it('a valid list loads the MSRs before the guest runs', () => {
    const r = load([[0x174, 0, 0x1234, 0], [0x176, 0, 0xabcd, 0]], {
      proc: (v) => v | 0x10000000,
      fields: [['VM_ENTRY_MSR_LOAD_ADDR', 'msr_area'], ['VM_ENTRY_MSR_LOAD_COUNT', 2], ['MSR_BITMAP', MEM.MSR_BITMAP]],
      guest: '  mov ecx, 0x174\n  rdmsr\n  mov esi, eax\n  mov ecx, 0x176\n  rdmsr\n  mov edi, eax\n  cpuid',
      handler: '  hlt',
    });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    expect(r.reg('esi')).toBe(0x1234);
    expect(r.reg('edi')).toBe(0xabcd);
  });
});

// ================================================================================ §26.6 event injection

describe.each(MODELS)('Event injection on VM entry (SDM §26.6) on %s', (cpu) => {
  const inj = (info: number, extra: Omit<HvOptions, 'cpu'> = {}, fields: HvOptions['fields'] = []) =>
    hv(cpu, {
      setup: GUEST_IDT_SETUP,
      data: ISR_TABLE,
      handler: STACK_HANDLER,
      guest: '  hlt',
      ...extra,
      fields: [...GUEST_IDT_FIELDS, ['VM_ENTRY_INTR_INFO_FIELD', info >>> 0], ...fields],
    });
  it('a hardware exception with an error code is delivered through the guest IDT (#GP, EIP = guest RIP)', () => {
    const r = inj(0x80000b0d, {}, [['VM_ENTRY_EXCEPTION_ERROR_CODE', 0x1234]]);
    expect(r.entries[0].injected).toBe('0x80000B0D');
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    expect(r.reg('ecx')).toBe(13);
    expect(r.reg('edx')).toBe(0x1234);
    expect(r.reg('esi')).toBe(Number(r.entries[0].guestEip));
  });
  it('injected exceptions bypass the exception bitmap', () => {
    const r = inj(0x80000306, {}, [['EXCEPTION_BITMAP', 0xffffffff]]);
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    expect(r.reg('ecx')).toBe(6);
  });
  it('a software interrupt pushes RIP + VM-entry instruction length', () => {
    const r = inj(0x80000480, {}, [['VM_ENTRY_INSTRUCTION_LEN', 2]]);
    expect(r.reg('ecx') & 0xff).toBe(0x80); // the stub's PUSH imm8 sign-extends
    expect(r.reg('edx')).toBe(Number(r.entries[0].guestEip) + 2);
  });
  it('a software exception (INT3, type 6) pushes RIP + length', () => {
    const r = inj(0x80000603, {}, [['VM_ENTRY_INSTRUCTION_LEN', 1]]);
    expect(r.reg('ecx')).toBe(3);
    expect(r.reg('edx')).toBe(Number(r.entries[0].guestEip) + 1);
  });
  it('an external interrupt is delivered with IF = 1 and clears IF in the handler', () => {
    const r = inj(0x80000030, { handler: `${vmr('GUEST_RFLAGS', 'ebx')}${STACK_HANDLER}` }, [['GUEST_RFLAGS', 0x202]]);
    expect(r.reg('ecx')).toBe(0x30);
    expect(r.reg('edi') & 0x200).toBe(0x200);
    expect(r.read('GUEST_RFLAGS')! & 0x200).toBe(0);
  });
  it('an injected NMI blocks further NMIs (interruptibility bit 3 saved on the next exit)', () => {
    const r = inj(0x80000202, { handler: vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt' });
    expect(r.read('GUEST_INTERRUPTIBILITY_INFO')! & 8).toBe(8);
  });
  it('the next VM exit clears the valid bit of the VM-entry interruption-information field', () => {
    const r = inj(0x80000306, { handler: vmr('VM_ENTRY_INTR_INFO_FIELD') + '  hlt' });
    expect(r.read('VM_ENTRY_INTR_INFO_FIELD')! >>> 31).toBe(0);
  });
  it('a fault while delivering the injected event is reported in the IDT-vectoring information', () => {
    const r = hv(cpu, {
      fields: [['VM_ENTRY_INTR_INFO_FIELD', 0x80000306], ['EXCEPTION_BITMAP', 1 << 13]],
    });
    expect(r.exits.map((e) => e.reason)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
    expect(r.read('VM_EXIT_INTR_ERROR_CODE')).toBe((6 << 3) | 2 | 1);
    expect(r.read('IDT_VECTORING_INFO_FIELD')).toBe(0x80000306);
  });
  it('injecting into a guest without an IDT and no bitmap ends in a triple-fault VM exit (2)', () => {
    const r = hv(cpu, { fields: [['VM_ENTRY_INTR_INFO_FIELD', 0x80000306]] });
    expect(r.exits.map((e) => e.reason)).toEqual([2]);
  });
  it('injecting into the HLT activity state wakes the guest', () => {
    if (((model(cpu).capabilityMsr(0x485)!.lo >>> 6) & 1) === 0) return;
    const r = inj(0x80000030, {}, [['GUEST_ACTIVITY_STATE', 1], ['GUEST_RFLAGS', 0x202]]);
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    expect(r.reg('ecx')).toBe(0x30);
  });
  if (supports(cpu, 0x482, 27)) {
    it('type 7 (other event, vector 0) makes an MTF VM exit pending: exit 37 before the first guest instruction', () => {
      const r = hv(cpu, { fields: [['VM_ENTRY_INTR_INFO_FIELD', 0x80000700]], guest: '  cpuid' });
      expect(r.exits.map((e) => e.reason)).toEqual([37]);
      expect(r.exits[0].guestEip).toBe(r.entries[0].guestEip);
    });
  }
});

// ================================================================================ §26.3.2 loading, §26.7

describe.each(MODELS)('Guest-state loading details (SDM §26.3.2.1) and VM-entry failure host loading (§26.7) on %s', (cpu) => {
  it('CR0.CD, CR0.NW, ET and reserved bits are never loaded from the CR0 field (and not checked)', () => {
    const r = hv(cpu, { fields: [['GUEST_CR0', 0xe0000021]], guest: '  mov esi, cr0\n  cpuid', handler: vmr('GUEST_CR0') + '  hlt' });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    expect(r.reg('esi')).toBe(0x80000031);
    expect(r.read('GUEST_CR0')).toBe(0x80000031);
    expect(hv(cpu, { fields: [['GUEST_CR0', 0xa0000031]], guest: '  cpuid' }).exits.map((e) => e.reason)).toEqual([10]);
  });
  it('DR7 loads with bits 12, 15:14 cleared and bit 10 set', () => {
    const r = hv(cpu, { fields: [['GUEST_DR7', 0xd001]], guest: '  mov esi, dr7\n  cpuid', handler: '  hlt' });
    expect(r.reg('esi')).toBe(0x401);
  });
  if (supports(cpu, 0x483, 21)) {
    it('a guest-state failure loads host state under the VMCS exit controls ("load IA32_EFER")', () => {
      const r = hv(cpu, { exit: (v) => v | 0x200000, fields: [['GUEST_RFLAGS', 0], ['HOST_IA32_EFER', 0x800]], handler: '  mov ecx, 0xc0000080\n  rdmsr\n  mov esi, eax\n  hlt' });
      expect(r.exits.map((e) => [e.reason, e.entryFailure])).toEqual([[33, true]]);
      expect(r.reg('esi')).toBe(0x800);
    });
  }
  it('an MSR-loading failure leaves blocking by NMI as it was before VM entry', () => {
    const src = hvSource({
      cpu,
      fields: [['GUEST_INTERRUPTIBILITY_INFO', 8], ['VM_ENTRY_MSR_LOAD_ADDR', MEM.MSR_AREA], ['VM_ENTRY_MSR_LOAD_COUNT', 1]],
      setup: `  mov dword [${MEM.MSR_AREA}], 0xc0000100`,
      handler: '  hlt',
    });
    const { m, events } = runMachine(src);
    expect(events.filter((e) => e.type === 'vmexit').map((e) => e.reason)).toEqual([34]);
    expect(m.cpu.nmiBlocked).toBe(false);
  });
});

describe.each(MODELS)('Pending debug exceptions and MTF at VM entry (SDM §26.6.2–26.6.3) on %s', (cpu) => {
  it('BS pending, no blocking: a #DB before the first guest instruction (exit through the bitmap, qualification BS)', () => {
    const r = hv(cpu, { fields: [['GUEST_PENDING_DBG_EXCEPTIONS', 0x4000], ['EXCEPTION_BITMAP', 1 << 1]], guest: '  cpuid' });
    expect(r.exits.map((e) => e.reason)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000301);
    expect(r.read('EXIT_QUALIFICATION')).toBe(0x4000);
    expect(r.exits[0].guestEip).toBe(r.entries[0].guestEip);
  });
  it('an enabled breakpoint pending (bits 12 and B0): qualification B0', () => {
    const r = hv(cpu, { fields: [['GUEST_PENDING_DBG_EXCEPTIONS', 0x1001], ['EXCEPTION_BITMAP', 1 << 1]], guest: '  cpuid' });
    expect(r.read('EXIT_QUALIFICATION')).toBe(1);
  });
  it('without the bitmap bit the #DB is delivered through the guest IDT (DR6 records BS)', () => {
    const r = hv(cpu, {
      setup: GUEST_IDT_SETUP,
      data: ISR_TABLE,
      fields: [...GUEST_IDT_FIELDS, ['GUEST_PENDING_DBG_EXCEPTIONS', 0x4000]],
      guest: '  hlt',
      handler: `  mov eax, dr6\n  mov ebp, eax\n${STACK_HANDLER}`,
    });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    expect(r.reg('ecx')).toBe(1);
    expect(r.reg('edx')).toBe(Number(r.entries[0].guestEip));
    expect(r.reg('ebp') & 0x4000).toBe(0x4000);
  });
  it('no #DB when nothing is pending, or when the entry injects an event', () => {
    expect(hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 1]], guest: '  cpuid' }).exits.map((e) => e.reason)).toEqual([10]);
    expect(hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 1], ['GUEST_PENDING_DBG_EXCEPTIONS', 0x000f]], guest: '  cpuid' }).exits.map((e) => e.reason)).toEqual([10]);
  });
  if (supports(cpu, 0x482, 27)) {
    it('an MTF VM exit pending in the HLT state saves activity state HLT (SDM §27.1)', () => {
      const r = hv(cpu, { fields: [['VM_ENTRY_INTR_INFO_FIELD', 0x80000700], ['GUEST_ACTIVITY_STATE', 1]], handler: vmr('GUEST_ACTIVITY_STATE') + '  hlt' });
      expect(r.exits.map((e) => e.reason)).toEqual([37]);
      expect(r.read('GUEST_ACTIVITY_STATE')).toBe(1);
    });
  }
});

describe.each(MODELS)('MSR-list size limit 512·(IA32_VMX_MISC[27:25] + 1) (KUT atomic_switch_max/overflow_msrs_test) on %s', (cpu) => {
  const max = 512 * (((model(cpu).capabilityMsr(0x485)!.lo >>> 25) & 7) + 1);
  // A list of `n` entries that all load IA32_SYSENTER_CS (a valid MSR) at MEM.MSR_AREA (room for 1024).
  const fill = (n: number) => `
  mov edi, ${MEM.MSR_AREA}
  mov ecx, ${n}
msr_fill:
  mov dword [edi], 0x174
  mov dword [edi+4], 0
  mov dword [edi+8], 8
  mov dword [edi+12], 0
  add edi, 16
  dec ecx
  jnz msr_fill
`;
  it('the maximum number of entries loads', () => {
    const r = hv(cpu, { setup: fill(max), fields: [['VM_ENTRY_MSR_LOAD_ADDR', MEM.MSR_AREA], ['VM_ENTRY_MSR_LOAD_COUNT', max]], guest: '  cpuid', maxSteps: 1_000_000 });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
  });
  it('one entry more fails with exit reason 34 and qualification max + 1', () => {
    const r = hv(cpu, { setup: fill(max + 1), fields: [['VM_ENTRY_MSR_LOAD_ADDR', MEM.MSR_AREA], ['VM_ENTRY_MSR_LOAD_COUNT', max + 1]], guest: '  cpuid', maxSteps: 1_000_000 });
    expect(r.exits.map((e) => [e.reason, e.entryFailure, Number(e.qualification)])).toEqual([[34, true, max + 1]]);
  });
});

describe.each(MODELS.filter((m) => supports(m, 0x483, 19)))('VM-entry checks after VMWRITEs between entries (no stale check results) on %s', (cpu) => {
  const resume = (write: string) =>
    hv(cpu, {
      guest: '  cpuid\n  cpuid',
      handler: `  cmp dword [count], 0\n  jne second\n  inc dword [count]\n${write}${vmr('GUEST_RIP', 'ecx')}  add ecx, 2\n  mov eax, 0x681e\n  vmwrite eax, ecx\n  vmresume\n  pushfd\n  pop esi\n${vmr('VM_INSTRUCTION_ERROR', 'edi')}  hlt\nsecond:\n  hlt`,
      data: 'count: dd 0',
    });
  it('enabling "load IA32_PAT" on exit makes VMRESUME check HOST_IA32_PAT (→ 8)', () => {
    const r = hv(cpu, {
      fields: [['HOST_IA32_PAT', 0x02020202]],
      guest: '  cpuid\n  cpuid',
      handler: `  cmp dword [count], 0\n  jne second\n  inc dword [count]\n  mov eax, 0x400c\n  vmread ebx, eax\n  or ebx, 0x80000\n  vmwrite eax, ebx\n${vmr('GUEST_RIP', 'ecx')}  add ecx, 2\n  mov eax, 0x681e\n  vmwrite eax, ecx\n  vmresume\n  pushfd\n  pop esi\n${vmr('VM_INSTRUCTION_ERROR', 'edi')}  hlt\nsecond:\n  hlt`,
      data: 'count: dd 0',
    });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    expect(r.fails.map((f) => f.error)).toEqual([8]);
  });
  it('a bad HOST_CS written between entries fails VMRESUME with 8', () => {
    const r = resume('  mov eax, 0xc02\n  xor ebx, ebx\n  vmwrite eax, ebx\n');
    expect(r.fails.map((f) => f.error)).toEqual([8]);
  });
  it('GUEST_RFLAGS = 0 written between entries fails VMRESUME with exit 33', () => {
    const r = resume('  mov eax, 0x6820\n  xor ebx, ebx\n  vmwrite eax, ebx\n');
    expect(r.exits.map((e) => e.reason)).toEqual([10, 33]);
  });
  it('an invalid event written between entries fails VMRESUME with 7', () => {
    const r = resume('  mov eax, 0x4016\n  mov ebx, 0x80000120\n  vmwrite eax, ebx\n');
    expect(r.fails.map((f) => f.error)).toEqual([7]);
  });
});

describe.each(MODELS.filter((m) => model(m).features.unrestrictedGuest))('GUEST_CR0 feeds the event-injection check (SDM §26.2.1.3; KUT test_invalid_event_injection) on %s', (cpu) => {
  it('PE cleared by a VMWRITE after a failed entry: injecting #GP with an error code into the real-mode guest is VMfailValid(7)', () => {
    // First VMLAUNCH: PE = 1, RFLAGS = 0 → exit 33 (the controls pass). The handler then makes the guest a real-mode
    // unrestricted guest, which may not receive an error code, and launches again.
    const r = hv(cpu, {
      proc2: 0x82,
      setup: IDENTITY_EPT_SETUP,
      fields: [['EPT_POINTER', EPTP_WB4], ['GUEST_RFLAGS', 0], ['VM_ENTRY_INTR_INFO_FIELD', 0x80000b0d]],
      handler: vmw('GUEST_CR0', 0x20) + vmw('GUEST_RFLAGS', 2) + '  vmlaunch\n' + vmr('VM_INSTRUCTION_ERROR') + '  hlt\n',
    });
    expect(r.exits.map((e) => e.reason)).toEqual([33]);
    expect(r.fails.map((f) => f.error)).toEqual([7]);
  });
});

describe.each(MODELS.filter((m) => !hasTrue(m) ? false : ((model(m).capabilityMsr(0x490)!.lo >>> 2) & 1) === 0))('Pending debug BS vs the IA32_DEBUGCTL field with "load debug controls" = 0 (SDM §26.3.1.5) on %s', (cpu) => {
  // Under blocking by STI, BS must be 1 if TF = 1 and BTF (in the IA32_DEBUGCTL field) is 0, and 0 if TF = 0 or BTF = 1.
  const base: HvOptions['fields'] = [['GUEST_RFLAGS', 0x302], ['GUEST_INTERRUPTIBILITY_INFO', 1], ['GUEST_IA32_DEBUGCTL', 2]];
  it('BTF = 1 in the field: BS = 0 enters, BS = 1 fails with exit 33, though the field is not loaded', () => {
    expectEntered(hv(cpu, { entry: (v) => v & ~4, fields: [...base!, ['GUEST_PENDING_DBG_EXCEPTIONS', 0]] }));
    expectGuestFail(hv(cpu, { entry: (v) => v & ~4, fields: [...base!, ['GUEST_PENDING_DBG_EXCEPTIONS', 0x4000]] }));
  });
});

// ================================================================================ §26.3.1.2 virtual-8086 guests

/**
 * A virtual-8086 guest: RFLAGS.VM = 1 and CS, SS, DS, ES, FS, GS each with base = selector × 16, limit FFFFH and access
 * rights F3H (SDM Vol. 3C §26.3.1.2; KUT test_guest_segment_base_addr_fields; KVM "rmode_segment_valid"). This is how a
 * VMM on a 2006–2008 part, without "unrestricted guest", ran a guest's real-mode code. The guest's 16-bit code starts at
 * `guest`: CS = guest >> 4, IP = guest & 15; its stack and data segments are 0x7000 (linear 0x70000).
 */
const V86_GUEST: NonNullable<HvOptions['fields']> = [
  ['GUEST_RFLAGS', 0x23002], // VM, IOPL 3, bit 1
  ['GUEST_CS_SELECTOR', 'guest >> 4'],
  ['GUEST_CS_BASE', '(guest >> 4) << 4'],
  ['GUEST_CS_LIMIT', 0xffff],
  ['GUEST_CS_AR_BYTES', 0xf3],
  ...(['ES', 'SS', 'DS', 'FS', 'GS'] as const).flatMap((s) => [
    [`GUEST_${s}_SELECTOR`, 0x7000],
    [`GUEST_${s}_BASE`, 0x70000],
    [`GUEST_${s}_LIMIT`, 0xffff],
    [`GUEST_${s}_AR_BYTES`, 0xf3],
  ] as const),
  ['GUEST_RSP', 0xff00],
  ['GUEST_RIP', 'guest & 15'],
];
const V86_CODE = (body: string): string => `bits 16\n${body}\nbits 32`;

describe.each(MODELS)('Virtual-8086 guests (RFLAGS.VM = 1; SDM §26.3.1.2, §26.3.1.4) on %s', (cpu) => {
  const g = (fields: HvOptions['fields'], extra: Omit<HvOptions, 'cpu' | 'fields'> = {}) =>
    hv(cpu, { guest: V86_CODE('  mov ax, 0x1234\n  cpuid'), ...extra, fields: [...V86_GUEST, ...(fields ?? [])] });
  it('real-mode-style segments enter; the guest runs 16-bit code at CPL 3 and its CPUID exits with VM = 1 saved', () => {
    const r = g([], { handler: `  mov ecx, eax\n${vmr('GUEST_RFLAGS', 'esi')}${vmr('GUEST_CS_BASE', 'edi')}${vmr('GUEST_RIP', 'ebp')}${vmr('VM_EXIT_REASON', 'ebx')}  hlt` });
    expectEntered(r);
    expect(r.reg('ebx')).toBe(10); // CPUID
    expect(r.reg('esi') & 0x23000).toBe(0x23000); // VM and IOPL as the guest had them
    expect(r.reg('edi') & 0xfff0000f).toBe(0); // CS base: a paragraph below 1 MiB …
    expect(r.reg('ebp')).toBeGreaterThanOrEqual(3); // … and RIP the offset of CPUID in it: (guest & 15) + 3, after MOV AX
    expect(r.reg('ebp')).toBeLessThan(19);
    expect(r.reg('ecx') & 0xffff).toBe(0x1234); // B8 34 12 ran as MOV AX, imm16 (the guest's EAX, kept by the exit)
  });
  it('the exit saves the virtual-8086 segment state as it was: selector, base = selector × 16, AR F3H (SDM §27.3.2)', () => {
    const r = g([], { guest: V86_CODE('  mov ax, 0x7100\n  mov ds, ax\n  cpuid'), handler: `${vmr('GUEST_DS_SELECTOR', 'esi')}${vmr('GUEST_DS_BASE', 'edi')}${vmr('GUEST_DS_AR_BYTES', 'ebp')}${vmr('GUEST_SS_AR_BYTES', 'ebx')}  hlt` });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
    expect([r.reg('esi'), r.reg('edi'), r.reg('ebp'), r.reg('ebx')]).toEqual([0x7100, 0x71000, 0xf3, 0xf3]);
  });
  for (const s of ['CS', 'SS', 'DS', 'ES', 'FS', 'GS'] as const) {
    it(`${s}: base ≠ selector × 16, limit ≠ FFFFH or access rights ≠ F3H fails`, () => {
      const base = s === 'CS' ? '((guest >> 4) << 4) + 16' : 0x70010;
      expectGuestFail(g([[`GUEST_${s}_BASE`, base]]));
      expectGuestFail(g([[`GUEST_${s}_LIMIT`, 0xfffff]]));
      expectGuestFail(g([[`GUEST_${s}_AR_BYTES`, 0xf2]]));
      expectGuestFail(g([[`GUEST_${s}_AR_BYTES`, 0xc0f3]]));
    });
  }
  it('SS.RPL ≠ CS.RPL and data-segment DPL < RPL do not matter in virtual-8086 mode', () => {
    expectEntered(g([['GUEST_SS_SELECTOR', 0x7002], ['GUEST_SS_BASE', 0x70020], ['GUEST_DS_SELECTOR', 0x7001], ['GUEST_DS_BASE', 0x70010]]));
  });
  it('the HLT activity state needs SS.DPL = 0, which a virtual-8086 guest never has', () => {
    expectGuestFail(g([['GUEST_ACTIVITY_STATE', 1]]));
  });
  it('TR is still checked (a virtual-8086 guest needs a valid TSS for its monitor)', () => {
    expectGuestFail(g([['GUEST_TR_AR_BYTES', 0x89]]));
  });
  if (model(cpu).features.unrestrictedGuest) {
    it('VM = 1 with CR0.PE = 0 (unrestricted guest) fails: "the VM flag must be 0 if CR0.PE is 0"', () => {
      // Unrestricted guest (secondary bit 7) needs EPT (bit 1); CR0 = NE only: PE = PG = 0, which it allows.
      expectGuestFail(g([['GUEST_CR0', 0x20], ['EPT_POINTER', EPTP_WB4]], { proc2: 0x80 | 0x2, setup: IDENTITY_EPT_SETUP }));
    });
  }
  it('a guest I/O instruction is checked against its TSS I/O bitmap before the I/O exit: #GP(0) exits first', () => {
    // Unconditional I/O exiting and the exception bitmap's #GP bit: the TSS at 0x1100 has no bitmap, so IN faults.
    const r = g([['EXCEPTION_BITMAP', 1 << 13]], { proc: (v) => v | 0x1000000, guest: V86_CODE('  in al, 0x80') });
    expect(r.exits.map((e) => e.reason)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
    expect(r.read('VM_EXIT_INTR_ERROR_CODE')).toBe(0);
  });
  it('VMCALL in virtual-8086 mode exits (reason 18): the exit comes before the RFLAGS.VM #UD', () => {
    const r = g([], { guest: V86_CODE('  vmcall') });
    expect(r.exits.map((e) => e.reason)).toEqual([18]);
  });
});
