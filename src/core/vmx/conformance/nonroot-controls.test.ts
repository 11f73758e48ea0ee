/**
 * Instructions that exit conditionally in VMX non-root operation (SDM Vol. 3C §25.1.3, §25.3; vmx.md §8),
 * with their exit qualifications (SDM Table 27-3 CR access, 27-4 MOV DR, 27-5 I/O; §27.2.1), instruction
 * lengths and information, and the fault-versus-exit priority of §25.1.1.
 */
import { describe, expect, it } from 'vitest';
import { MEM, MODELS, hasTrue, model, runHv, supports, vmr, type Field, type HvOptions, type ModelId, type RunResult } from './harness.ts';

const hv = (cpu: ModelId, o: Omit<HvOptions, 'cpu'>): RunResult => runHv({ cpu, ...o });
const reasons = (r: RunResult): number[] => r.exits.map((e) => e.reason as number);
const qual = (r: RunResult): number => Number(r.exits[0].qualification);
const RING3: HvOptions['fields'] = [
  ['GUEST_CS_SELECTOR', 0x1b],
  ['GUEST_CS_AR_BYTES', 0xc0fb],
  ...(['SS', 'DS', 'ES', 'FS', 'GS'] as const).flatMap((s) => [
    [`GUEST_${s}_SELECTOR`, 0x23],
    [`GUEST_${s}_AR_BYTES`, 0xc0f3],
  ]) as NonNullable<HvOptions['fields']>,
];
/** Primary controls without CR3-load/-store exiting where the TRUE MSR allows it. */
const noCr3 = (cpu: ModelId) => (v: number) => (hasTrue(cpu) ? v & ~0x18000 : v);
const sec = (cpu: ModelId, bit: number) => supports(cpu, 0x48b, bit);

describe.each(MODELS)('HLT, INVLPG, RDTSC, RDPMC, MWAIT, MONITOR, PAUSE exiting (SDM §25.1.3) on %s', (cpu) => {
  const cases: Array<[string, number, string, number, number, number]> = [
    ['HLT', 7, '  hlt', 12, 1, 0],
    ['INVLPG', 9, '  invlpg [0x12345678]', 14, 7, 0x12345678],
    ['RDTSC', 12, '  rdtsc', 16, 2, 0],
    ['RDPMC', 11, '  xor ecx, ecx\n  rdpmc', 15, 2, 0],
    ['MWAIT', 10, '  xor eax, eax\n  xor ecx, ecx\n  mwait', 36, 3, 0],
    ['MONITOR', 29, '  mov eax, 0x3000\n  xor ecx, ecx\n  xor edx, edx\n  monitor', 39, 3, 0],
    ['PAUSE', 30, '  pause', 40, 2, 0],
  ];
  for (const [name, bit, code, reason, len, q] of cases) {
    it(`${name} exits (reason ${reason}) with control bit ${bit}; not without it`, () => {
      const r = hv(cpu, { proc: (v) => v | (1 << bit), guest: code });
      expect(reasons(r)).toEqual([reason]);
      expect(r.exits[0].instructionLength).toBe(len);
      expect(qual(r)).toBe(q);
      const r2 = hv(cpu, { guest: code + '\n  cpuid' });
      expect(reasons(r2)).toEqual(name === 'HLT' ? [] : [10]);
    });
  }
  it('INVLPG qualification is the linear address (segment base + offset)', () => {
    const r = hv(cpu, { proc: (v) => v | 0x200, guest: '  mov ebx, 0x1000\n  invlpg [ebx+0x234]' });
    expect(qual(r)).toBe(0x1234);
  });
  it('MWAIT qualification bit 0 = 1 when MONITOR armed the address-range monitor', () => {
    const r = hv(cpu, { proc: (v) => v | 0x400, guest: '  mov eax, 0x3000\n  xor ecx, ecx\n  xor edx, edx\n  monitor\n  xor eax, eax\n  mwait' });
    expect(reasons(r)).toEqual([36]);
    expect(qual(r)).toBe(1);
  });
  it('HLT at CPL 3 is #GP, not a VM exit (privilege faults first, §25.1.1)', () => {
    const r = hv(cpu, { proc: (v) => v | 0x80, guest: '  hlt', fields: [...RING3!, ['EXCEPTION_BITMAP', 1 << 13]] });
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
  });
  it('RDTSC with CR4.TSD at CPL 3 is #GP, not a VM exit', () => {
    const r = hv(cpu, { proc: (v) => v | 0x1000, guest: '  rdtsc', fields: [...RING3!, ['GUEST_CR4', 0x2014], ['EXCEPTION_BITMAP', 1 << 13]] });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
  });
  it('"use TSC offsetting": RDTSC and RDMSR(IA32_TIME_STAMP_COUNTER) return TSC + offset', () => {
    const r = hv(cpu, {
      proc: (v) => v | 0x8 | 0x10000000,
      fields: [['TSC_OFFSET', 0], [0x2011, 0x1000], ['MSR_BITMAP', MEM.MSR_BITMAP]],
      guest: '  rdtsc\n  mov esi, edx\n  mov ecx, 0x10\n  rdmsr\n  mov edi, edx\n  cpuid',
      handler: '  rdtsc\n  mov ebp, edx\n  hlt',
    });
    expect(r.reg('esi')).toBe(0x1000 + r.reg('ebp'));
    expect(r.reg('edi')).toBe(0x1000 + r.reg('ebp'));
  });
  it('without "use TSC offsetting" the offset field is ignored', () => {
    const r = hv(cpu, { fields: [[0x2011, 0x1000]], guest: '  rdtsc\n  mov esi, edx\n  cpuid', handler: '  rdtsc\n  mov ebp, edx\n  hlt' });
    expect(r.reg('esi')).toBe(r.reg('ebp'));
  });
  it('a negative TSC offset is added modulo 2^64', () => {
    const r = hv(cpu, {
      proc: (v) => v | 0x8,
      fields: [['TSC_OFFSET', 0], [0x2011, 0xffffffff]],
      guest: '  rdtsc\n  mov esi, edx\n  mov edi, eax\n  cpuid',
      handler: '  hlt',
    });
    // TSC < 2^32 here, so TSC - 2^32 wraps to FFFFFFFF_xxxxxxxx.
    expect(r.reg('esi')).toBe(0xffffffff);
  });
  if (sec(cpu, 10)) {
    // With "PAUSE-loop exiting" (secondary bit 10) a PAUSE loop at CPL 0 whose PAUSEs are at most PLE_Gap TSC
    // cycles apart and that has run longer than PLE_Window cycles causes exit 40 (SDM Vol. 3C §25.1.3).
    it('PAUSE-loop exiting: a tight PAUSE loop exits with reason 40', () => {
      const r = hv(cpu, { proc2: 1 << 10, fields: [['PLE_GAP', 128], ['PLE_WINDOW', 4096]], guest: 'ple:\n  pause\n  jmp ple', maxSteps: 1_000_000 });
      expect(reasons(r)).toEqual([40]);
    });
  }
  if (sec(cpu, 3)) {
    it('RDTSCP: #UD unless "enable RDTSCP"; with it and RDTSC exiting, exit 51', () => {
      const ud = hv(cpu, { proc2: 0, guest: '  rdtscp', fields: [['EXCEPTION_BITMAP', 1 << 6]] });
      expect(ud.read('VM_EXIT_INTR_INFO')).toBe(0x80000306);
      const ex = hv(cpu, { proc: (v) => v | 0x1000, proc2: 8, guest: '  rdtscp' });
      expect(reasons(ex)).toEqual([51]);
      expect(ex.exits[0].instructionLength).toBe(3);
      const ok = hv(cpu, { proc2: 8, guest: '  rdtscp\n  cpuid' });
      expect(reasons(ok)).toEqual([10]);
    });
  }
  if (sec(cpu, 6)) {
    it('WBINVD exits with "WBINVD exiting" (secondary bit 6), reason 54', () => {
      expect(reasons(hv(cpu, { proc2: 0x40, guest: '  wbinvd' }))).toEqual([54]);
      expect(reasons(hv(cpu, { proc2: 0, guest: '  wbinvd\n  cpuid' }))).toEqual([10]);
    });
  }
  if (sec(cpu, 11)) {
    it('RDRAND exiting (57) / RDSEED exiting (61) with instruction information', () => {
      const r = hv(cpu, { proc2: 1 << 11, guest: '  rdrand esi' });
      expect(reasons(r)).toEqual([57]);
      expect(r.read('VMX_INSTRUCTION_INFO')).toBe((6 << 3) | (1 << 11));
      const r2 = hv(cpu, { proc2: 1 << 16, guest: '  rdseed ax' });
      expect(reasons(r2)).toEqual([61]);
      expect(r2.read('VMX_INSTRUCTION_INFO')).toBe(0);
    });
  }
  if (sec(cpu, 12)) {
    it('INVPCID: #UD without "enable INVPCID"; exit 58 with INVLPG exiting', () => {
      const ud = hv(cpu, { proc2: 0, guest: '  mov eax, 2\n  invpcid eax, [scratch]', fields: [['EXCEPTION_BITMAP', 1 << 6]] });
      expect(ud.read('VM_EXIT_INTR_INFO')).toBe(0x80000306);
      const ex = hv(cpu, { proc: (v) => v | 0x200, proc2: 1 << 12, guest: '  mov ecx, 2\n  invpcid ecx, [ebx+0x10]' });
      expect(reasons(ex)).toEqual([58]);
      expect(qual(ex)).toBe(0x10);
      // Instruction information, INVEPT/INVPCID/INVVPID format: 32-bit addressing (bits 9:7 = 1), DS (17:15 = 3), no
      // index (bit 22), base EBX (26:23 = 3), reg2 = ECX (31:28 = 1) (SDM Vol. 3C §27.2.5).
      expect(ex.read('VMX_INSTRUCTION_INFO')! >>> 0).toBe(0x11c18080);
      expect(ex.read('VM_EXIT_INSTRUCTION_LEN')).toBe(6);
      const ok = hv(cpu, { proc2: 1 << 12, guest: '  mov eax, 2\n  invpcid eax, [scratch]\n  cpuid' });
      expect(reasons(ok)).toEqual([10]);
    });
  }
});

describe.each(MODELS)('Control-register accesses (reason 28; SDM Table 27-3, KUT cr_shadowing) on %s', (cpu) => {
  it('MOV to CR0 exits when a masked bit differs from the read shadow: qualification 0x600 for ESI', () => {
    const r = hv(cpu, { fields: [['CR0_GUEST_HOST_MASK', 8], ['CR0_READ_SHADOW', 0]], guest: '  mov esi, cr0\n  or esi, 8\n  mov cr0, esi' });
    expect(reasons(r)).toEqual([28]);
    expect(qual(r)).toBe(0x600);
    expect(r.exits[0].instructionLength).toBe(3);
  });
  it('MOV to CR0 matching the shadow does not exit and leaves masked bits of the real CR0; MOV from CR0 reads the shadow', () => {
    const r = hv(cpu, {
      fields: [['CR0_GUEST_HOST_MASK', 8], ['CR0_READ_SHADOW', 8]],
      guest: '  mov eax, cr0\n  mov esi, eax\n  or eax, 2\n  mov cr0, eax\n  smsw edi\n  cpuid',
      handler: vmr('GUEST_CR0') + '  hlt',
    });
    expect(reasons(r)).toEqual([10]);
    expect(r.reg('esi')).toBe(0x80000039);
    expect(r.reg('edi') & 0xffff).toBe(0x3b);
    expect(r.read('GUEST_CR0')).toBe(0x80000033); // MP set, TS (masked) still 0
  });
  it('MOV to CR4 exits for a masked bit that differs (0x604 for ESI); MOV from CR4 reads the shadow', () => {
    const r = hv(cpu, { fields: [['CR4_GUEST_HOST_MASK', 0x2000], ['CR4_READ_SHADOW', 0]], guest: '  mov esi, cr4\n  mov edi, esi\n  or esi, 0x2000\n  mov cr4, esi', handler: '  hlt' });
    expect(reasons(r)).toEqual([28]);
    expect(qual(r)).toBe(0x604);
    expect(r.reg('edi')).toBe(0x10);
    const r2 = hv(cpu, { fields: [['CR4_GUEST_HOST_MASK', 0x2000], ['CR4_READ_SHADOW', 0]], guest: '  mov esi, cr4\n  mov cr4, esi\n  cpuid', handler: vmr('GUEST_CR4') + '  hlt' });
    expect(reasons(r2)).toEqual([10]);
    expect(r2.read('GUEST_CR4')).toBe(0x2010);
  });
  it('MOV to CR3 with CR3-load exiting: qualification 0x3 (EAX) / 0x303 (EBX); MOV from CR3 with CR3-store exiting: 0x13', () => {
    const base = model(cpu).capabilityMsr(0x482)!.lo;
    expect(base & 0x18000).toBe(0x18000);
    expect(qual(hv(cpu, { guest: '  mov eax, 0x2000\n  mov cr3, eax' }))).toBe(0x3);
    expect(qual(hv(cpu, { guest: '  mov ebx, 0x2000\n  mov cr3, ebx' }))).toBe(0x303);
    expect(qual(hv(cpu, { guest: '  mov eax, cr3' }))).toBe(0x13);
    expect(qual(hv(cpu, { guest: '  mov ecx, cr3' }))).toBe(0x113);
  });
  it('CR3-target values: no exit for a value among the first CR3-target-count targets', () => {
    const t = (count: number, value: number) =>
      reasons(hv(cpu, { proc: (v) => v & ~0x10000 | (hasTrue(cpu) ? 0 : 0x10000), fields: [['CR3_TARGET_COUNT', count], ['CR3_TARGET_VALUE0', 0x5000], ['CR3_TARGET_VALUE1', 0x2000], ['CR3_TARGET_VALUE3', 0x2000]], guest: `  mov eax, ${value}\n  mov cr3, eax\n  mov eax, 0x2000\n  mov cr3, eax\n  cpuid` }));
    expect(t(0, 0x2000)).toEqual([28]);
    expect(t(1, 0x2000)).toEqual([28]);
    expect(t(2, 0x2000)).toEqual([10]);
    expect(t(4, 0x2000)).toEqual([10]);
  });
  if (hasTrue(cpu)) {
    it('with CR3-load/-store exiting cleared (TRUE controls) MOV to/from CR3 do not exit', () => {
      expect(reasons(hv(cpu, { proc: noCr3(cpu), guest: '  mov eax, cr3\n  mov cr3, eax\n  cpuid' }))).toEqual([10]);
    });
  }
  it('CLTS exits iff CR0 mask bit 3 and shadow bit 3 are both 1 (qualification 0x20)', () => {
    const r = hv(cpu, { fields: [['CR0_GUEST_HOST_MASK', 8], ['CR0_READ_SHADOW', 8]], guest: '  clts' });
    expect(reasons(r)).toEqual([28]);
    expect(qual(r)).toBe(0x20);
    expect(r.exits[0].instructionLength).toBe(2);
    const r2 = hv(cpu, { fields: [['CR0_GUEST_HOST_MASK', 8], ['CR0_READ_SHADOW', 0], ['GUEST_CR0', 0x80000039]], guest: '  clts\n  cpuid', handler: vmr('GUEST_CR0') + '  hlt' });
    expect(reasons(r2)).toEqual([10]);
    expect(r2.read('GUEST_CR0')! & 8).toBe(8); // masked TS not modified
    const r3 = hv(cpu, { fields: [['GUEST_CR0', 0x80000039]], guest: '  clts\n  cpuid', handler: vmr('GUEST_CR0') + '  hlt' });
    expect(r3.read('GUEST_CR0')! & 8).toBe(0);
  });
  it('LMSW (register): exits when it would set PE against a clear shadow or change masked bits 3:1; qualification 0x30 | data << 16', () => {
    const r = hv(cpu, { fields: [['CR0_GUEST_HOST_MASK', 0xf], ['CR0_READ_SHADOW', 0]], guest: '  mov ax, 0x0001\n  lmsw ax' });
    expect(reasons(r)).toEqual([28]);
    expect(qual(r)).toBe(0x00010030);
    const r2 = hv(cpu, { fields: [['CR0_GUEST_HOST_MASK', 0x1], ['CR0_READ_SHADOW', 1]], guest: '  mov ax, 0\n  lmsw ax\n  cpuid' });
    expect(reasons(r2)).toEqual([10]);
    const r3 = hv(cpu, { fields: [['CR0_GUEST_HOST_MASK', 0x4], ['CR0_READ_SHADOW', 0]], guest: '  mov ax, 0x4\n  lmsw ax' });
    expect(qual(r3)).toBe(0x00040030);
  });
  it('LMSW (memory): bit 6 set and the guest-linear address of the operand', () => {
    const r = hv(cpu, { fields: [['CR0_GUEST_HOST_MASK', 0xf], ['CR0_READ_SHADOW', 0]], guest: '  mov word [scratch], 0x0009\n  lmsw [scratch]' });
    expect(qual(r)).toBe(0x00090070);
    expect(r.read('GUEST_LINEAR_ADDRESS')).toBeGreaterThan(0x10000);
  });
  it('SMSW returns the shadow for masked bits', () => {
    const r = hv(cpu, { fields: [['CR0_GUEST_HOST_MASK', 0x8], ['CR0_READ_SHADOW', 8]], guest: '  smsw eax\n  mov esi, eax\n  cpuid', handler: '  hlt' });
    expect(r.reg('esi') & 0xffff).toBe(0x39);
  });
  it('MOV CR at CPL 3 is #GP, not a VM exit', () => {
    const r = hv(cpu, { guest: '  mov eax, cr3', fields: [...RING3!, ['EXCEPTION_BITMAP', 1 << 13]] });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
  });
});

describe.each(MODELS)('MOV DR exiting (reason 29; SDM Table 27-4) on %s', (cpu) => {
  const d = (code: string, extra: HvOptions['fields'] = []) => hv(cpu, { proc: (v) => v | 0x800000, guest: code, fields: extra });
  it('MOV DR7, EAX → 0x007; MOV ECX, DR6 → 0x116; MOV DR0, EBX → 0x300', () => {
    expect(qual(d('  mov dr7, eax'))).toBe(0x007);
    expect(qual(d('  mov ecx, dr6'))).toBe(0x116);
    expect(qual(d('  mov dr0, ebx'))).toBe(0x300);
    expect(d('  mov dr7, eax').exits[0].instructionLength).toBe(3);
  });
  it('the MOV-DR exit takes priority over the CPL-3 #GP and the CR4.DE #UD (SDM §25.1.3; Bochs MOV_DdRd)', () => {
    expect(reasons(d('  mov dr7, eax', [...RING3!, ['EXCEPTION_BITMAP', 0xffffffff]]))).toEqual([29]);
    const r = d('  mov eax, dr4', [['GUEST_CR4', 0x2018], ['EXCEPTION_BITMAP', 0xffffffff]]);
    expect(reasons(r)).toEqual([29]);
    expect(qual(r)).toBe(0x014);
  });
  it('without MOV-DR exiting, MOV DR executes (DR7 value saved on exit)', () => {
    const r = hv(cpu, { guest: '  mov eax, 0x403\n  mov dr7, eax\n  cpuid', handler: vmr('GUEST_DR7') + '  hlt' });
    expect(r.read('GUEST_DR7')).toBe(0x403);
  });
});

describe.each(MODELS)('I/O instructions (reason 30; SDM Table 27-5, §25.1.3) on %s', (cpu) => {
  const uio = (code: string, extra: Omit<HvOptions, 'cpu' | 'guest'> = {}) => hv(cpu, { proc: (v) => v | 0x1000000, guest: code, ...extra });
  it('unconditional I/O exiting: worked qualifications', () => {
    expect(qual(uio('  in al, 0x80'))).toBe(0x00800048);
    expect(qual(uio('  mov dx, 0x3f8\n  out dx, al'))).toBe(0x03f80000);
    expect(qual(uio('  mov dx, 0x4fff\n  in eax, dx'))).toBe(0x4fff000b);
    expect(qual(uio('  mov dx, 0x3f8\n  mov ecx, 4\n  mov esi, 0x5000\n  rep outsb'))).toBe(0x03f80030);
    expect(qual(uio('  out 0x80, ax'))).toBe(0x00800041);
    expect(qual(uio('  mov dx, 0x60\n  mov edi, 0x6000\n  insw'))).toBe(0x00600019);
  });
  it('instruction lengths', () => {
    expect(uio('  in al, 0x80').exits[0].instructionLength).toBe(2);
    expect(uio('  out dx, al').exits[0].instructionLength).toBe(1);
    expect(uio('  rep outsb').exits[0].instructionLength).toBe(2);
    expect(uio('  out dx, ax').exits[0].instructionLength).toBe(2);
  });
  it('INS/OUTS: guest-linear address and (IA32_VMX_BASIC[54]) instruction information', () => {
    const info = ((model(cpu).capabilityMsr(0x480)!.hi >>> 22) & 1) === 1;
    const outs = uio('  mov dx, 0x3f8\n  mov esi, 0x5000\n  outsb', { handler: vmr('GUEST_LINEAR_ADDRESS') + vmr('VMX_INSTRUCTION_INFO') + '  hlt' });
    expect(outs.read('GUEST_LINEAR_ADDRESS')).toBe(0x5000);
    expect(outs.read('VMX_INSTRUCTION_INFO')).toBe(info ? (1 << 7) | (3 << 15) : 0);
    const ins = uio('  mov dx, 0x3f8\n  mov edi, 0x6000\n  insd', { handler: vmr('GUEST_LINEAR_ADDRESS') + vmr('VMX_INSTRUCTION_INFO') + '  hlt' });
    expect(ins.read('GUEST_LINEAR_ADDRESS')).toBe(0x6000);
    expect(ins.read('VMX_INSTRUCTION_INFO')).toBe(info ? 1 << 7 : 0);
    const segov = uio('  mov dx, 0x3f8\n  mov esi, 0x5000\n  es outsb', { handler: vmr('VMX_INSTRUCTION_INFO') + '  hlt' });
    expect(segov.read('VMX_INSTRUCTION_INFO')).toBe(info ? 1 << 7 : 0);
  });
  it('without any I/O control, I/O does not exit', () => {
    expect(reasons(hv(cpu, { guest: '  in al, 0x80\n  cpuid' }))).toEqual([10]);
  });
  const bm = (setup: string, code: string) =>
    hv(cpu, {
      proc: (v) => v | 0x2000000 | 0x1000000,
      fields: [['IO_BITMAP_A', MEM.IO_A], ['IO_BITMAP_B', MEM.IO_B]],
      setup,
      guest: code + '\n  cpuid',
    });
  it('I/O bitmaps override unconditional I/O exiting: clear bits → no exit', () => {
    expect(reasons(bm('', '  in al, 0x80\n  mov dx, 0x8000\n  out dx, eax'))).toEqual([10]);
  });
  it('a set bit in bitmap A (ports 0–7FFFH) or B (8000H–FFFFH) exits', () => {
    expect(reasons(bm(`  mov byte [${MEM.IO_A + 0x10}], 1`, '  in al, 0x80'))).toEqual([30]);
    expect(reasons(bm(`  mov byte [${MEM.IO_A + 0x10}], 2`, '  in al, 0x80'))).toEqual([10]);
    expect(reasons(bm(`  mov byte [${MEM.IO_B + 1}], 0x80`, '  mov dx, 0x800f\n  in al, dx'))).toEqual([30]);
  });
  it('a multi-byte access exits if any of its ports has its bit set (across A and B)', () => {
    expect(reasons(bm(`  mov byte [${MEM.IO_A + 0x10}], 2`, '  in ax, 0x80'))).toEqual([30]);
    expect(reasons(bm(`  mov byte [${MEM.IO_B}], 1`, '  mov dx, 0x7fff\n  in ax, dx'))).toEqual([30]);
    expect(reasons(bm(`  mov byte [${MEM.IO_A + 0x10}], 8`, '  in eax, 0x80'))).toEqual([30]);
    expect(reasons(bm(`  mov byte [${MEM.IO_A + 0x10}], 0x10`, '  in eax, 0x80'))).toEqual([10]);
  });
  it('an access that wraps past port FFFFH always exits (Bochs VMexit_IO; KUT iobmp overrun)', () => {
    expect(reasons(bm('', '  mov dx, 0xffff\n  in ax, dx'))).toEqual([30]);
    expect(reasons(bm('', '  mov dx, 0xfffe\n  in eax, dx'))).toEqual([30]);
    expect(reasons(bm('', '  mov dx, 0xfffc\n  in eax, dx'))).toEqual([10]);
    expect(reasons(bm('', '  mov dx, 0xffff\n  in al, dx'))).toEqual([10]);
  });
  it('the I/O-permission #GP (CPL > IOPL, no TSS bitmap) takes priority over the VM exit', () => {
    const r = uio('  in al, 0x80', { fields: [...RING3!, ['EXCEPTION_BITMAP', 1 << 13]] });
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
    const r2 = uio('  in al, 0x80', { fields: [...RING3!, ['GUEST_RFLAGS', 0x3002]] });
    expect(reasons(r2)).toEqual([30]);
  });
});

describe.each(MODELS)('RDPMC exiting comes before the invalid-counter #GP (SDM §25.1.1: only privilege faults come first) on %s', (cpu) => {
  it('ECX = 2 (no such counter) with RDPMC exiting: exit 15, not #GP', () => {
    const r = hv(cpu, { proc: (v) => v | (1 << 11), fields: [['EXCEPTION_BITMAP', 1 << 13]], guest: '  mov ecx, 2\n  rdpmc' });
    expect(reasons(r)).toEqual([15]);
  });
  it('without RDPMC exiting the same RDPMC is #GP(0)', () => {
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 13]], guest: '  mov ecx, 2\n  rdpmc' });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
  });
});

describe.each(MODELS)('RDMSR / WRMSR (reasons 31/32; MSR bitmaps, SDM §25.1.3) on %s', (cpu) => {
  it('without MSR bitmaps every RDMSR/WRMSR exits; qualification 0, length 2', () => {
    const r = hv(cpu, { guest: '  mov ecx, 0x174\n  rdmsr' });
    expect(reasons(r)).toEqual([31]);
    expect(qual(r)).toBe(0);
    expect(r.exits[0].instructionLength).toBe(2);
    expect(reasons(hv(cpu, { guest: '  mov ecx, 0x174\n  wrmsr' }))).toEqual([32]);
  });
  const bm = (setup: string, code: string) =>
    hv(cpu, { proc: (v) => v | 0x10000000, fields: [['MSR_BITMAP', MEM.MSR_BITMAP]], setup, guest: code + '\n  cpuid' });
  it('clear bitmap bits: no exit', () => {
    expect(reasons(bm('', '  mov ecx, 0x174\n  rdmsr\n  wrmsr\n  mov ecx, 0xc0000080\n  rdmsr\n  wrmsr'))).toEqual([10]);
  });
  it('read-low (byte 0 + index/8), write-low (2048), read-high (1024), write-high (3072)', () => {
    const B = MEM.MSR_BITMAP;
    expect(reasons(bm(`  mov byte [${B + 0x2e}], 0x10`, '  mov ecx, 0x174\n  rdmsr'))).toEqual([31]);
    expect(reasons(bm(`  mov byte [${B + 0x2e}], 0x10`, '  mov ecx, 0x174\n  wrmsr'))).toEqual([10]);
    expect(reasons(bm(`  mov byte [${B + 2048 + 0x2e}], 0x10`, '  mov ecx, 0x174\n  rdmsr\n  wrmsr'))).toEqual([32]);
    expect(reasons(bm(`  mov byte [${B + 1024 + 0x10}], 1`, '  mov ecx, 0xc0000080\n  rdmsr'))).toEqual([31]);
    expect(reasons(bm(`  mov byte [${B + 3072 + 0x10}], 1`, '  mov ecx, 0xc0000080\n  rdmsr\n  wrmsr'))).toEqual([32]);
    expect(reasons(bm(`  mov byte [${B + 1023}], 0x80`, '  mov ecx, 0x1fff\n  rdmsr'))).toEqual([31]);
  });
  it('WRMSR to IA32_BIOS_UPDT_TRIG (79H) that does not exit loads nothing and goes on: no #GP (SDM §25.3 WRMSR)', () => {
    const r = hv(cpu, { proc: (v) => v | 0x10000000, fields: [['MSR_BITMAP', MEM.MSR_BITMAP], ['EXCEPTION_BITMAP', 1 << 13]], guest: '  mov ecx, 0x79\n  wrmsr\n  cpuid' });
    expect(reasons(r)).toEqual([10]);
  });
  it('MSRs outside 0–1FFFH and C0000000H–C0001FFFH always exit', () => {
    expect(reasons(bm('', '  mov ecx, 0x2000\n  rdmsr'))).toEqual([31]);
    expect(reasons(bm('', '  mov ecx, 0x40000000\n  wrmsr'))).toEqual([32]);
    expect(reasons(bm('', '  mov ecx, 0xc0002000\n  rdmsr'))).toEqual([31]);
    expect(reasons(bm('', '  mov ecx, 0xbfffffff\n  rdmsr'))).toEqual([31]);
  });
  it('RDMSR of a non-existent MSR at CPL 0 exits rather than #GP when its bit is set; #GP when clear', () => {
    expect(reasons(bm(`  mov byte [${MEM.MSR_BITMAP + 0x100}], 1`, '  mov ecx, 0x800\n  rdmsr'))).toEqual([31]);
    const r = hv(cpu, { proc: (v) => v | 0x10000000, fields: [['MSR_BITMAP', MEM.MSR_BITMAP], ['EXCEPTION_BITMAP', 1 << 13]], guest: '  mov ecx, 0x800\n  rdmsr' });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
  });
  it('RDMSR at CPL 3 is #GP, not a VM exit', () => {
    const r = hv(cpu, { guest: '  mov ecx, 0x174\n  rdmsr', fields: [...RING3!, ['EXCEPTION_BITMAP', 1 << 13]] });
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
  });
});

describe.each(MODELS.filter((m) => supports(m, 0x48b, 2)))('Descriptor-table exiting (reasons 46/47; secondary bit 2) on %s', (cpu) => {
  const dt = (code: string, extra: HvOptions['fields'] = []) => hv(cpu, { proc2: 4, guest: '  mov ebx, 0x3000\n  mov ax, 0x28\n' + code, fields: extra });
  const memInfo = (1 << 7) | (3 << 15) | 0x400000 | (3 << 23);
  const cases: Array<[string, number, number, number]> = [
    ['  sgdt [ebx+4]', 46, 4, memInfo | 0x800 | (0 << 28)],
    ['  sidt [ebx+4]', 46, 4, memInfo | 0x800 | (1 << 28)],
    ['  lgdt [ebx+4]', 46, 4, memInfo | 0x800 | (2 << 28)],
    ['  lidt [ebx+4]', 46, 4, memInfo | 0x800 | (3 << 28)],
    ['  o16 sgdt [ebx+4]', 46, 4, memInfo | (0 << 28)],
    ['  sldt [ebx+4]', 47, 4, memInfo | (0 << 28)],
    ['  str [ebx+4]', 47, 4, memInfo | (1 << 28)],
    ['  sldt esi', 47, 0, 0x400 | (6 << 3) | (0 << 28)],
    ['  str ecx', 47, 0, 0x400 | (1 << 3) | (1 << 28)],
    ['  lldt ax', 47, 0, 0x400 | (0 << 3) | (2 << 28)],
    ['  ltr ax', 47, 0, 0x400 | (0 << 3) | (3 << 28)],
  ];
  for (const [code, reason, q, info] of cases) {
    it(`${code.trim()} → ${reason}, qualification ${q}, information 0x${(info >>> 0).toString(16)}`, () => {
      const r = dt(code);
      expect(reasons(r)).toEqual([reason]);
      expect(qual(r)).toBe(q);
      expect(r.read('VMX_INSTRUCTION_INFO')).toBe(info >>> 0);
    });
  }
  it('SGDT/SIDT/SLDT/STR at CPL 3 exit (no CPL check); LGDT/LLDT at CPL 3 are #GP first', () => {
    expect(reasons(dt('  sgdt [ebx]', [...RING3!]))).toEqual([46]);
    expect(reasons(dt('  str eax', [...RING3!]))).toEqual([47]);
    const r = dt('  lgdt [ebx]', [...RING3!, ['EXCEPTION_BITMAP', 1 << 13]]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
  });
  it('without the control SGDT reveals the guest GDTR (the Robin & Irvine leak)', () => {
    const r = hv(cpu, { guest: '  sgdt [scratch]\n  cpuid', handler: '  mov eax, [scratch+2]\n  hlt' });
    expect(r.reg('eax')).toBe(0x1000);
  });
});

describe.each(MODELS)('Task switches always exit (reason 9; SDM §25.4.2, Table 27-2) on %s', (cpu) => {
  // GDT entry 8 (selector 0x40): an available 32-bit TSS at 0x1100; the guest GDT limit covers it.
  const tss = `  mov dword [0x1040], 0x11000067\n  mov dword [0x1044], 0x00008900\n`;
  // IRET returns to a busy TSS (type 11): the back link names the task that called this one (SDM §7.3).
  const busyTss = `  mov dword [0x1040], 0x11000067\n  mov dword [0x1044], 0x00008b00\n`;
  const fields: HvOptions['fields'] = [['GUEST_GDTR_LIMIT', 0x4f]];
  it('JMP to a TSS selector: qualification = selector | 2 << 30', () => {
    const r = hv(cpu, { setup: tss, fields, guest: '  jmp 0x40:0' });
    expect(reasons(r)).toEqual([9]);
    expect(qual(r)).toBe(0x80000040);
  });
  // SDM Vol. 3C §27.2.4: the VM-exit instruction length is used for task switches by CALL, IRET and JMP.
  it('task-switch exits by JMP/CALL/IRET report the instruction length (JMP/CALL ptr16:32 = 7, IRETD = 1)', () => {
    expect(hv(cpu, { setup: tss, fields, guest: '  jmp 0x40:0' }).exits[0].instructionLength).toBe(7);
    expect(hv(cpu, { setup: tss, fields, guest: '  call 0x40:0' }).exits[0].instructionLength).toBe(7);
    const iret = hv(cpu, { setup: busyTss + '  mov word [0x1100], 0x40\n', fields, guest: '  pushfd\n  or dword [esp], 0x4000\n  popfd\n  iretd' });
    expect(iret.exits[0].instructionLength).toBe(1);
  });
  it('a task gate reached by INT n reports the INT instruction length (2)', () => {
    const r = hv(cpu, {
      setup: tss + `  mov dword [${MEM.GUEST_IDT + 0x40 * 8}], 0x00400000\n  mov dword [${MEM.GUEST_IDT + 0x40 * 8 + 4}], 0x0000e500\n`,
      fields: [...fields, ['GUEST_IDTR_BASE', MEM.GUEST_IDT], ['GUEST_IDTR_LIMIT', 0x7ff]],
      guest: '  int 0x40',
      handler: vmr('IDT_VECTORING_INFO_FIELD') + '  hlt',
    });
    expect(r.exits[0].instructionLength).toBe(2);
    expect(r.read('IDT_VECTORING_INFO_FIELD')).toBe(0x80000440);
  });
  it('CALL to a TSS selector: source 0', () => {
    const r = hv(cpu, { setup: tss, fields, guest: '  call 0x40:0' });
    expect(qual(r)).toBe(0x00000040);
  });
  it('IRET with NT = 1: source 1, selector = the back link of the current TSS', () => {
    const r = hv(cpu, { setup: busyTss + '  mov word [0x1100], 0x40\n', fields, guest: '  pushfd\n  or dword [esp], 0x4000\n  popfd\n  iretd' });
    expect(reasons(r)).toEqual([9]);
    expect(qual(r)).toBe(0x40000040);
  });
  it('a task gate in the IDT: source 3', () => {
    const r = hv(cpu, {
      setup: tss + `  mov dword [${MEM.GUEST_IDT + 0x40 * 8}], 0x00400000\n  mov dword [${MEM.GUEST_IDT + 0x40 * 8 + 4}], 0x0000e500\n`,
      fields: [...fields, ['GUEST_IDTR_BASE', MEM.GUEST_IDT], ['GUEST_IDTR_LIMIT', 0x7ff]],
      guest: '  int 0x40',
    });
    expect(reasons(r)).toEqual([9]);
    expect(qual(r)).toBe(0xc0000040);
  });
});

describe.each(MODELS)('MOV to CR0/CR4 that does not exit keeps the VMX fixed bits (SDM §25.3, §23.8) on %s', (cpu) => {
  it('clearing CR0.NE (unmasked) is #GP in the guest', () => {
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 13]], guest: '  mov eax, cr0\n  and eax, ~0x20\n  mov cr0, eax' });
    expect(reasons(r)).toEqual([0]);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
  });
  it('clearing CR4.VMXE (unmasked) is #GP in the guest', () => {
    const r = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 13]], guest: '  mov eax, cr4\n  and eax, ~0x2000\n  mov cr4, eax' });
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
  });
  it('with CR4.VMXE owned by the VMM (mask 1, shadow 0) the guest writes CR4 without VMXE and nothing faults', () => {
    const r = hv(cpu, { fields: [['CR4_GUEST_HOST_MASK', 0x2000], ['CR4_READ_SHADOW', 0]], guest: '  mov eax, cr4\n  or eax, 0x80\n  mov cr4, eax\n  cpuid', handler: vmr('GUEST_CR4') + '  hlt' });
    expect(reasons(r)).toEqual([10]);
    expect(r.read('GUEST_CR4')).toBe(0x2090);
  });
  it('LMSW cannot clear CR0.PE (no exit with mask 0; PE stays 1)', () => {
    const r = hv(cpu, { guest: '  mov ax, 0\n  lmsw ax\n  cpuid', handler: vmr('GUEST_CR0') + '  hlt' });
    expect(r.read('GUEST_CR0')! & 1).toBe(1);
  });
});

describe.each(MODELS)('A task switch exits only after the checks on the new TSS pass (SDM §25.4.2; Bochs task_switch) on %s', (cpu) => {
  // #GP, #NP and #TS exit (exception bitmap), so the check that failed is visible as exit reason 0.
  const bitmap: readonly [Field, number] = ['EXCEPTION_BITMAP', (1 << 13) | (1 << 11) | (1 << 10)];
  const withGuestIdt = [['GUEST_IDTR_BASE', MEM.GUEST_IDT], ['GUEST_IDTR_LIMIT', 0x7ff], bitmap] as HvOptions['fields'];
  const fault = (r: RunResult): [number | undefined, number | undefined, number | undefined] => [
    reasons(r)[0],
    r.read('VM_EXIT_INTR_INFO')! & 0xff,
    r.read('VM_EXIT_INTR_ERROR_CODE'),
  ];
  const idtTaskGate = (tssSel: number): string =>
    `  mov dword [${MEM.GUEST_IDT + 0x31 * 8}], ${tssSel << 16}\n  mov dword [${MEM.GUEST_IDT + 0x31 * 8 + 4}], 0x0000e500\n`;
  const handler = vmr('VM_EXIT_INTR_INFO') + vmr('VM_EXIT_INTR_ERROR_CODE') + vmr('IDT_VECTORING_INFO_FIELD') + '  hlt';
  it('an IDT task gate naming a code segment: #GP(selector), with INT n as the IDT-vectoring information', () => {
    const r = hv(cpu, { setup: idtTaskGate(0x08), fields: withGuestIdt, guest: '  int 0x31', handler });
    expect(fault(r)).toEqual([0, 13, 0x08]);
    expect(r.read('IDT_VECTORING_INFO_FIELD')).toBe(0x80000431);
  });
  it('an IDT task gate naming a selector beyond the GDT limit: #GP(selector)', () => {
    const r = hv(cpu, { setup: idtTaskGate(0x78), fields: withGuestIdt, guest: '  int 0x31', handler });
    expect(fault(r)).toEqual([0, 13, 0x78]);
  });
  it('JMP to an available TSS whose limit is below 67H: #TS(selector)', () => {
    const r = hv(cpu, { setup: '  mov dword [0x1040], 0x11000020\n  mov dword [0x1044], 0x00008900\n', fields: [['GUEST_GDTR_LIMIT', 0x4f], bitmap], guest: '  jmp 0x40:0', handler });
    expect(fault(r)).toEqual([0, 10, 0x40]);
  });
  it('JMP through a GDT task gate naming a code segment: #GP(the TSS selector)', () => {
    const r = hv(cpu, { setup: '  mov dword [0x1040], 0x00080000\n  mov dword [0x1044], 0x00008500\n', fields: [['GUEST_GDTR_LIMIT', 0x4f], bitmap], guest: '  jmp 0x40:0', handler });
    expect(fault(r)).toEqual([0, 13, 0x08]);
  });
  it('a TSS that is not present: #NP(selector)', () => {
    const r = hv(cpu, { setup: '  mov dword [0x1040], 0x11000067\n  mov dword [0x1044], 0x00000900\n', fields: [['GUEST_GDTR_LIMIT', 0x4f], bitmap], guest: '  jmp 0x40:0', handler });
    expect(fault(r)).toEqual([0, 11, 0x40]);
  });
  it('IRET with NT = 1 to a null back link, or to a TSS that is not busy: #TS(selector)', () => {
    const iret = '  pushfd\n  or dword [esp], 0x4000\n  popfd\n  iretd';
    expect(fault(hv(cpu, { setup: '  mov word [0x1100], 0\n', fields: [bitmap], guest: iret, handler }))).toEqual([0, 10, 0]);
    const avail = hv(cpu, { setup: '  mov dword [0x1040], 0x11000067\n  mov dword [0x1044], 0x00008900\n  mov word [0x1100], 0x40\n', fields: [['GUEST_GDTR_LIMIT', 0x4f], bitmap], guest: iret, handler });
    expect(fault(avail)).toEqual([0, 10, 0x40]);
  });
});
