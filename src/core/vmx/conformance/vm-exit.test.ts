/**
 * VM exits (SDM Vol. 3C Ch. 27; shared/reference/vmx.md §5, §8): exit information (§27.2: reason,
 * qualification, instruction length and information), guest state saved (§27.3), host state loaded
 * (§27.5), and the instructions that exit unconditionally (§25.1.2) — including VMX instructions executed by
 * a CPL-3 guest, which exit before their CPL check (SDM VMX instruction pseudocode).
 */
import { describe, expect, it } from 'vitest';
import { Seg } from '../../x86/arch.ts';
import {
  F,
  IDENTITY_EPT_SETUP,
  MEM,
  MODELS,
  hvSource,
  model,
  runHv,
  runMachine,
  supports,
  vmr,
  type HvOptions,
  type ModelId,
  type RunResult,
} from './harness.ts';

const hv = (cpu: ModelId, o: Omit<HvOptions, 'cpu'>): RunResult => runHv({ cpu, ...o });
const intel64 = (cpu: ModelId): boolean => ((model(cpu).capabilityMsr(0x480)!.hi >>> 16) & 1) === 0;
const ept = (cpu: ModelId): boolean => model(cpu).features.ept;
const vpid = (cpu: ModelId): boolean => model(cpu).features.vpid;
/** Guest segment state for CPL 3 (ring-3 selectors of the standard GDT). */
const RING3: HvOptions['fields'] = [
  ['GUEST_CS_SELECTOR', 0x1b],
  ['GUEST_CS_AR_BYTES', 0xc0fb],
  ...(['SS', 'DS', 'ES', 'FS', 'GS'] as const).flatMap((s) => [
    [`GUEST_${s}_SELECTOR`, 0x23],
    [`GUEST_${s}_AR_BYTES`, 0xc0f3],
  ]) as NonNullable<HvOptions['fields']>,
];
function exitOf(r: RunResult) {
  expect(r.exits.length, 'one VM exit').toBeGreaterThan(0);
  return r.exits[0];
}

// Memory-operand instruction information for [ebx+8] with 32-bit addressing and DS (SDM Table 27-13/14).
const MEM_EBX = (3 << 23) | 0x400000 | (3 << 15) | (1 << 7);

describe.each(MODELS)('Unconditional VM exits and VMX instructions in the guest (SDM §25.1.2) on %s', (cpu) => {
  const cases: Array<[string, string, number, number, number, number]> = [
    // name, guest code, reason, length, qualification, instruction information
    ['CPUID', '  cpuid', 10, 2, 0, 0],
    ['INVD', '  invd', 13, 2, 0, 0],
    ['VMCALL', '  vmcall', 18, 3, 0, 0],
    ['VMCLEAR', '  vmclear [ebx+8]', 19, 5, 8, MEM_EBX],
    ['VMLAUNCH', '  vmlaunch', 20, 3, 0, 0],
    ['VMPTRLD', '  vmptrld [ebx+8]', 21, 4, 8, MEM_EBX],
    ['VMPTRST', '  vmptrst [ebx+8]', 22, 4, 8, MEM_EBX],
    ['VMREAD (memory)', '  vmread [ebx+8], eax', 23, 4, 8, MEM_EBX],
    ['VMREAD (register)', '  vmread ecx, edx', 23, 3, 0, 0x20000408],
    ['VMRESUME', '  vmresume', 24, 3, 0, 0],
    ['VMWRITE (memory)', '  vmwrite edx, [ebx+8]', 25, 4, 8, MEM_EBX | 0x20000000],
    ['VMWRITE (register)', '  vmwrite edx, ecx', 25, 3, 0, 0x20000408],
    ['VMXOFF', '  vmxoff', 26, 3, 0, 0],
    ['VMXON', '  vmxon [ebx+8]', 27, 5, 8, MEM_EBX],
  ];
  if (ept(cpu)) cases.push(['INVEPT', '  invept ecx, [ebx+8]', 50, 6, 8, MEM_EBX | 0x10000000]);
  if (vpid(cpu)) cases.push(['INVVPID', '  invvpid ecx, [ebx+8]', 53, 6, 8, MEM_EBX | 0x10000000]);
  for (const [name, code, reason, len, qual, info] of cases) {
    it(`${name} → exit ${reason}, length ${len}, qualification ${qual}, instruction information`, () => {
      const r = hv(cpu, { guest: '  mov ebx, 0x3000\n' + code });
      const e = exitOf(r);
      expect(e.reason).toBe(reason);
      expect(e.instructionLength).toBe(len);
      expect(Number(e.qualification)).toBe(qual);
      expect(r.read('VM_EXIT_REASON')).toBe(reason);
      expect(r.read('VM_EXIT_INSTRUCTION_LEN')).toBe(len);
      expect(r.read('EXIT_QUALIFICATION')).toBe(qual);
      if (reason !== 10 && reason !== 13 && reason !== 18 && reason !== 20 && reason !== 24 && reason !== 26) {
        expect(r.read('VMX_INSTRUCTION_INFO')).toBe(info);
      }
      // Fault-like: the guest RIP is the exiting instruction.
      expect(r.read('GUEST_RIP')).toBe(Number(e.guestEip));
      expect(r.read('VM_EXIT_INTR_INFO')).toBe(0);
      expect(r.read('IDT_VECTORING_INFO_FIELD')).toBe(0);
    });
    it(`${name} executed at guest CPL 3: ${name === 'INVD' ? '#GP (privilege faults beat VM exits, §25.1.1)' : 'exits (the VM exit precedes the CPL check)'}`, () => {
      const r = hv(cpu, { guest: '  mov ebx, 0x3000\n' + code, fields: [...RING3, ['EXCEPTION_BITMAP', 0xffffffff]] });
      if (name === 'INVD') {
        expect(exitOf(r).reason).toBe(0);
        expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
      } else expect(exitOf(r).reason).toBe(reason);
    });
  }
  it('VMX instructions exit even in the guest with no current VMCS semantics: VMPTRST does not write memory', () => {
    const r = hv(cpu, { guest: '  mov dword [scratch], 0x5a5a5a5a\n  vmptrst [scratch]', handler: '  mov eax, [scratch]\n  hlt' });
    expect(r.exits[0].reason).toBe(22);
    expect(r.reg('eax')).toBe(0x5a5a5a5a);
  });
  it('negative displacement: the qualification is sign-extended (64 bits on Intel 64 processors)', () => {
    const r = hv(cpu, { guest: '  mov ebx, 0x3010\n  vmptrld [ebx-8]' });
    const e = exitOf(r);
    expect(e.qualification).toBe(intel64(cpu) ? '0xFFFFFFFFFFFFFFF8' : '0xFFFFFFF8');
    expect(r.read('EXIT_QUALIFICATION')).toBe(0xfffffff8);
  });
  it('instruction information: scaled index, segment override, ESP base (SS)', () => {
    const r1 = hv(cpu, { guest: '  vmptrld [ebx+esi*4+0x10]' });
    expect(r1.read('VMX_INSTRUCTION_INFO')).toBe(2 | (1 << 7) | (3 << 15) | (6 << 18) | (3 << 23));
    const r2 = hv(cpu, { guest: '  vmptrld [es:ebx]' });
    expect(r2.read('VMX_INSTRUCTION_INFO')).toBe((1 << 7) | (0 << 15) | 0x400000 | (3 << 23));
    const r3 = hv(cpu, { guest: '  vmptrld [esp]' });
    expect(r3.read('VMX_INSTRUCTION_INFO')).toBe((1 << 7) | (2 << 15) | 0x400000 | (4 << 23));
    const r4 = hv(cpu, { guest: '  vmptrld [0x3000]' });
    expect(r4.read('VMX_INSTRUCTION_INFO')).toBe((1 << 7) | (3 << 15) | 0x400000 | 0x8000000);
    expect(r4.read('EXIT_QUALIFICATION')).toBe(0x3000);
  });
  it('VMXON with a register operand in the guest is #UD, not a VM exit', () => {
    const r = hv(cpu, { guest: '  db 0xf3, 0x0f, 0xc7, 0xf0', fields: [['EXCEPTION_BITMAP', 1 << 6]] });
    expect(exitOf(r).reason).toBe(0);
    expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000306);
  });
  it('GETSEC is #UD (CR4.SMXE unsupported); VMFUNC is #UD (VM functions disabled)', () => {
    for (const code of ['  db 0x0f, 0x37', '  vmfunc']) {
      const r = hv(cpu, { guest: code, fields: [['EXCEPTION_BITMAP', 1 << 6]] });
      expect(exitOf(r).reason).toBe(0);
      expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000306);
    }
  });
  if (!ept(cpu)) {
    it('INVEPT / INVVPID are #UD in a guest on a model without EPT/VPID', () => {
      const r = hv(cpu, { guest: '  invept ecx, [ebx]', fields: [['EXCEPTION_BITMAP', 1 << 6]] });
      expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000306);
    });
  }
  if (model(cpu).features.xsave) {
    it('XSETBV at guest CPL 3 is #GP, not a VM exit (privilege faults first, SDM §25.1.1)', () => {
      const r = hv(cpu, { guest: '  xor ecx, ecx\n  mov eax, 1\n  xor edx, edx\n  xsetbv', fields: [...RING3!, ['GUEST_CR4', 0x42010], ['EXCEPTION_BITMAP', 1 << 13]] });
      expect(exitOf(r).reason).toBe(0);
      expect(r.read('VM_EXIT_INTR_INFO')).toBe(0x80000b0d);
    });
    it('XSETBV exits unconditionally (reason 55, length 3)', () => {
      const r = hv(cpu, { guest: '  xor ecx, ecx\n  mov eax, 1\n  xor edx, edx\n  xsetbv', fields: [['GUEST_CR4', 0x42010]] });
      expect(exitOf(r).reason).toBe(55);
      expect(exitOf(r).instructionLength).toBe(3);
    });
  }
  it('a handler that skips the instruction (GUEST_RIP += length) and VMRESUMEs sees each exit in turn', () => {
    const r = hv(cpu, {
      guest: '  cpuid\n  invd\n  vmcall\n  mov ebp, 0x1234\n  cpuid',
      handler: `${vmr('VM_EXIT_REASON', 'ecx')}${vmr('GUEST_RIP', 'ebx')}${vmr('VM_EXIT_INSTRUCTION_LEN', 'edx')}  cmp ecx, 10\n  jne skip\n  cmp ebp, 0x1234\n  je done\nskip:\n  add ebx, edx\n  mov eax, 0x681e\n  vmwrite eax, ebx\n  vmresume\ndone:\n  hlt`,
    });
    expect(r.exits.map((e) => e.reason)).toEqual([10, 13, 18, 10]);
    expect(r.entries.map((e) => e.instruction)).toEqual(['VMLAUNCH', 'VMRESUME', 'VMRESUME', 'VMRESUME']);
    const eips = r.exits.map((e) => Number(e.guestEip));
    expect(eips[1] - eips[0]).toBe(2);
    expect(eips[2] - eips[1]).toBe(2);
  });
});

describe.each(MODELS)('Guest state saved on VM exit (SDM §27.3) on %s', (cpu) => {
  it('RIP, RSP, RFLAGS, CR0/CR3/CR4, DR7, segment registers, GDTR/IDTR are saved', () => {
    const r = hv(cpu, {
      proc: (v) => v | 0x10000000,
      fields: [['MSR_BITMAP', MEM.MSR_BITMAP]],
      guest: [
        '  mov ax, 0x23',
        '  mov ds, ax',
        '  xor ax, ax',
        '  mov fs, ax',
        '  mov eax, 0x401',
        '  mov dr7, eax',
        '  lgdt [gdt_desc]',
        '  lidt [idt_desc]',
        '  mov esp, 0x77770',
        '  push 0x8d7',
        '  popfd',
        'exit_here:',
        '  cpuid',
      ].join('\n'),
      data: 'gdt_desc: dw 0x3f\n  dd 0x1000\nidt_desc: dw 0x123\n  dd 0x4560',
      handler:
        ['GUEST_RIP', 'GUEST_RSP', 'GUEST_RFLAGS', 'GUEST_CR0', 'GUEST_CR3', 'GUEST_CR4', 'GUEST_DR7', 'GUEST_DS_SELECTOR', 'GUEST_DS_AR_BYTES', 'GUEST_DS_LIMIT', 'GUEST_FS_SELECTOR', 'GUEST_FS_AR_BYTES', 'GUEST_GDTR_BASE', 'GUEST_GDTR_LIMIT', 'GUEST_IDTR_BASE', 'GUEST_IDTR_LIMIT', 'GUEST_TR_SELECTOR', 'GUEST_TR_AR_BYTES', 'GUEST_LDTR_AR_BYTES', 'GUEST_ACTIVITY_STATE', 'GUEST_INTERRUPTIBILITY_INFO', 'GUEST_PENDING_DBG_EXCEPTIONS']
          .map((f) => vmr(f as keyof typeof F))
          .join('') + '  hlt',
    });
    expect(r.exits[0].reason).toBe(10);
    expect(r.read('GUEST_RIP')).toBe(Number(r.exits[0].guestEip));
    expect(r.read('GUEST_RSP')).toBe(0x77770);
    expect(r.read('GUEST_RFLAGS')).toBe(0x8d7);
    expect(r.read('GUEST_CR0')).toBe(0x80000031);
    expect(r.read('GUEST_CR3')).toBe(0x2000);
    expect(r.read('GUEST_CR4')).toBe(0x2010);
    expect(r.read('GUEST_DR7')).toBe(0x401);
    expect(r.read('GUEST_DS_SELECTOR')).toBe(0x23);
    expect(r.read('GUEST_DS_AR_BYTES')).toBe(0xc0f3);
    expect(r.read('GUEST_DS_LIMIT')).toBe(0xffffffff);
    expect(r.read('GUEST_FS_SELECTOR')).toBe(0);
    expect(r.read('GUEST_FS_AR_BYTES')! & 0x10000).toBe(0x10000);
    expect(r.read('GUEST_GDTR_BASE')).toBe(0x1000);
    expect(r.read('GUEST_GDTR_LIMIT')).toBe(0x3f);
    expect(r.read('GUEST_IDTR_BASE')).toBe(0x4560);
    expect(r.read('GUEST_IDTR_LIMIT')).toBe(0x123);
    expect(r.read('GUEST_TR_SELECTOR')).toBe(0x28);
    expect(r.read('GUEST_TR_AR_BYTES')).toBe(0x8b);
    expect(r.read('GUEST_LDTR_AR_BYTES')! & 0x10000).toBe(0x10000);
    expect(r.read('GUEST_ACTIVITY_STATE')).toBe(0);
    expect(r.read('GUEST_INTERRUPTIBILITY_INFO')).toBe(0);
    expect(r.read('GUEST_PENDING_DBG_EXCEPTIONS')).toBe(0);
  });
  it('interruptibility: blocking by STI and by MOV SS at the exiting instruction is saved', () => {
    const sti = hv(cpu, { guest: '  sti\n  cpuid', handler: vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt' });
    expect(sti.read('GUEST_INTERRUPTIBILITY_INFO')).toBe(1);
    const movss = hv(cpu, { guest: '  mov ax, ss\n  mov ss, ax\n  cpuid', handler: vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt' });
    expect(movss.read('GUEST_INTERRUPTIBILITY_INFO')).toBe(2);
    const none = hv(cpu, { guest: '  sti\n  nop\n  cpuid', handler: vmr('GUEST_INTERRUPTIBILITY_INFO') + '  hlt' });
    expect(none.read('GUEST_INTERRUPTIBILITY_INFO')).toBe(0);
  });
  it('IA32_SYSENTER_CS/ESP/EIP and (with the control) IA32_DEBUGCTL are saved', () => {
    const r = hv(cpu, {
      proc: (v) => v | 0x10000000,
      fields: [['MSR_BITMAP', MEM.MSR_BITMAP]],
      guest: '  mov ecx, 0x174\n  mov eax, 0x11\n  xor edx, edx\n  wrmsr\n  mov ecx, 0x175\n  mov eax, 0x2222\n  wrmsr\n  mov ecx, 0x176\n  mov eax, 0x3333\n  wrmsr\n  mov ecx, 0x1d9\n  mov eax, 1\n  wrmsr\n  cpuid',
      handler: vmr('GUEST_SYSENTER_CS') + vmr('GUEST_SYSENTER_ESP') + vmr('GUEST_SYSENTER_EIP') + vmr('GUEST_IA32_DEBUGCTL') + '  hlt',
    });
    expect(r.read('GUEST_SYSENTER_CS')).toBe(0x11);
    expect(r.read('GUEST_SYSENTER_ESP')).toBe(0x2222);
    expect(r.read('GUEST_SYSENTER_EIP')).toBe(0x3333);
    expect(r.read('GUEST_IA32_DEBUGCTL')).toBe(1);
  });
  if (supports(cpu, 0x483, 18)) {
    it('"save IA32_PAT" and "save IA32_EFER" store the guest values', () => {
      const r = hv(cpu, {
        exit: (v) => v | 0x40000 | 0x100000,
        proc: (v) => v | 0x10000000,
        fields: [['MSR_BITMAP', MEM.MSR_BITMAP]],
        guest: '  mov ecx, 0x277\n  mov eax, 0x06060606\n  mov edx, 0x01010101\n  wrmsr\n  mov ecx, 0xc0000080\n  mov eax, 0x800\n  xor edx, edx\n  wrmsr\n  cpuid',
        handler: vmr('GUEST_IA32_PAT') + vmr(0x2805) + vmr('GUEST_IA32_EFER') + '  hlt',
      });
      expect(r.read('GUEST_IA32_PAT')).toBe(0x06060606);
      expect(r.read(0x2805)).toBe(0x01010101);
      expect(r.read('GUEST_IA32_EFER')).toBe(0x800);
    });
  }
  it('the guest registers (other than ESP) are not switched: the host sees the guest GPRs', () => {
    const r = hv(cpu, { guest: '  mov eax, 0x11\n  mov ecx, 0x22\n  mov edx, 0x33\n  mov ebx, 0x44\n  mov ebp, 0x55\n  mov esi, 0x66\n  mov edi, 0x77\n  mov esp, 0x12340\n  invd', handler: '  hlt' });
    expect([r.reg('eax'), r.reg('ecx'), r.reg('edx'), r.reg('ebx'), r.reg('ebp'), r.reg('esi'), r.reg('edi')]).toEqual([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]);
    expect(r.reg('esp')).toBe(MEM.HOST_STACK);
  });
});

describe.each(MODELS)('RF in the saved RFLAGS (SDM §27.3.3; Bochs VMexitReadEFLAGS) on %s', (cpu) => {
  const RF = 0x10000;
  it('an exception exit for a fault (#UD, #GP) saves RF = 1; an INT3 exit (a trap) saves it as it was, 0', () => {
    const ud = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 6]], guest: '  ud2', handler: vmr('GUEST_RFLAGS') + '  hlt' });
    expect(exitOf(ud).reason).toBe(0);
    expect(ud.read('GUEST_RFLAGS')! & RF).toBe(RF);
    const gp = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 13]], guest: '  mov ax, 0x13\n  mov ds, ax', handler: vmr('GUEST_RFLAGS') + '  hlt' });
    expect(gp.read('GUEST_RFLAGS')! & RF).toBe(RF);
    const bp = hv(cpu, { fields: [['EXCEPTION_BITMAP', 1 << 3]], guest: '  int3', handler: vmr('GUEST_RFLAGS') + '  hlt' });
    expect(exitOf(bp).reason).toBe(0);
    expect(bp.read('GUEST_RFLAGS')! & RF).toBe(0);
  });
  it('an instruction that exits saves RF = 0, even when VM entry loaded RF = 1 for it', () => {
    const r = hv(cpu, { fields: [['GUEST_RFLAGS', 0x10002]], guest: '  cpuid', handler: vmr('GUEST_RFLAGS') + '  hlt' });
    expect(exitOf(r).reason).toBe(10);
    expect(r.read('GUEST_RFLAGS')).toBe(2);
  });
  if (model(cpu).features.ept) {
    it('an EPT violation outside event delivery saves RF = 1', () => {
      const r = hv(cpu, {
        proc2: 2,
        setup: IDENTITY_EPT_SETUP,
        fields: [['EPT_POINTER', MEM.EPT_PML4 | 0x1e]],
        guest: '  mov eax, [0x500000]',
        handler: vmr('GUEST_RFLAGS') + '  hlt',
      });
      expect(exitOf(r).reason).toBe(48);
      expect(r.read('GUEST_RFLAGS')! & RF).toBe(RF);
    });
  }
});

describe.each(MODELS)('Host state loaded on VM exit (SDM §27.5) on %s', (cpu) => {
  it('RFLAGS = 2, DR7 = 400H, RSP/RIP from the host fields, CPL 0, CR0/CR3/CR4 loaded', () => {
    const r = hv(cpu, {
      guest: '  mov eax, 0x155\n  mov dr7, eax\n  push 0xed7\n  popfd\n  cpuid',
      handler: '  pushfd\n  pop esi\n  mov edi, dr7\n  mov ebp, esp\n  mov ebx, cr4\n  mov ecx, cr0\n  hlt',
    });
    expect(r.reg('esi')).toBe(2);
    expect(r.reg('edi')).toBe(0x400);
    expect(r.reg('ebp')).toBe(MEM.HOST_STACK);
    expect(r.reg('ebx')).toBe(0x2010);
    expect(r.reg('ecx')).toBe(0x80000031);
    expect(r.end.cpl).toBe(0);
  });
  it('GDTR/IDTR limits are FFFFH, LDTR is null, TR is the host selector (SGDT/SIDT/SLDT/STR)', () => {
    const r = hv(cpu, {
      fields: [['HOST_GDTR_BASE', 0x1000], ['HOST_IDTR_BASE', 0x4000]],
      guest: '  cpuid',
      handler: '  sgdt [scratch]\n  sidt [scratch+8]\n  sldt ax\n  str bx\n  movzx ecx, word [scratch]\n  mov edx, [scratch+2]\n  movzx esi, word [scratch+8]\n  mov edi, [scratch+10]\n  hlt',
    });
    expect(r.reg('ecx')).toBe(0xffff);
    expect(r.reg('edx')).toBe(0x1000);
    expect(r.reg('esi')).toBe(0xffff);
    expect(r.reg('edi')).toBe(0x4000);
    expect(r.reg('eax') & 0xffff).toBe(0);
    expect(r.reg('ebx') & 0xffff).toBe(0x28);
  });
  it('segment caches: flat 4-GByte CS/SS/DS, TR limit 67H busy 32-bit TSS, LDTR unusable, FS/GS bases from the fields', () => {
    const src = hvSource({
      cpu,
      fields: [['HOST_FS_BASE', 0x5000], ['HOST_GS_BASE', 0x6000], ['HOST_TR_BASE', 0x1100], ['HOST_ES_SELECTOR', 0]],
      guest: '  cpuid',
      handler: '  hlt',
    });
    const { m } = runMachine(src);
    const c = m.cpu;
    expect(c.vmx.nonRoot).toBe(false);
    expect([c.segSel[Seg.CS], c.segBase[Seg.CS], c.segLimit[Seg.CS] >>> 0, c.segAr[Seg.CS]]).toEqual([8, 0, 0xffffffff, 0xc09b]);
    expect([c.segSel[Seg.SS], c.segLimit[Seg.SS] >>> 0, c.segAr[Seg.SS]]).toEqual([0x10, 0xffffffff, 0xc093]);
    expect(c.segAr[Seg.ES] & 0x10000).toBe(0x10000);
    expect(c.segBase[Seg.FS]).toBe(0x5000);
    expect(c.segBase[Seg.GS]).toBe(0x6000);
    expect([c.segSel[Seg.TR], c.segBase[Seg.TR], c.segLimit[Seg.TR], c.segAr[Seg.TR]]).toEqual([0x28, 0x1100, 0x67, 0x8b]);
    expect([c.segSel[Seg.LDTR], c.segAr[Seg.LDTR] & 0x10000]).toEqual([0, 0x10000]);
    expect([c.gdtrLimit, c.idtrLimit]).toEqual([0xffff, 0xffff]);
  });
  it('IA32_SYSENTER_CS/ESP/EIP are loaded from the host fields; IA32_DEBUGCTL is cleared', () => {
    const r = hv(cpu, {
      proc: (v) => v | 0x10000000,
      fields: [['MSR_BITMAP', MEM.MSR_BITMAP], ['HOST_IA32_SYSENTER_CS', 0x33], ['HOST_IA32_SYSENTER_ESP', 0x4444], ['HOST_IA32_SYSENTER_EIP', 0x5555]],
      guest: '  mov ecx, 0x1d9\n  mov eax, 1\n  xor edx, edx\n  wrmsr\n  cpuid',
      handler: '  mov ecx, 0x174\n  rdmsr\n  mov esi, eax\n  mov ecx, 0x175\n  rdmsr\n  mov edi, eax\n  mov ecx, 0x176\n  rdmsr\n  mov ebp, eax\n  mov ecx, 0x1d9\n  rdmsr\n  mov ebx, eax\n  hlt',
    });
    expect([r.reg('esi'), r.reg('edi'), r.reg('ebp'), r.reg('ebx')]).toEqual([0x33, 0x4444, 0x5555, 0]);
  });
  if (supports(cpu, 0x483, 19)) {
    it('"load IA32_PAT" / "load IA32_EFER" load the host values', () => {
      const r = hv(cpu, {
        exit: (v) => v | 0x80000 | 0x200000,
        fields: [['HOST_IA32_PAT', 0x04040404], [0x2c01, 0x07070707], ['HOST_IA32_EFER', 0x800]],
        guest: '  cpuid',
        handler: '  mov ecx, 0x277\n  rdmsr\n  mov esi, eax\n  mov edi, edx\n  mov ecx, 0xc0000080\n  rdmsr\n  mov ebx, eax\n  hlt',
      });
      expect([r.reg('esi'), r.reg('edi'), r.reg('ebx')]).toEqual([0x04040404, 0x07070707, 0x800]);
    });
  }
  it('CR0.ET/CD/NW and reserved bits are not loaded from HOST_CR0 (SDM §27.5.1)', () => {
    const r = hv(cpu, { fields: [['HOST_CR0', 0xe0000031]], guest: '  cpuid', handler: '  mov eax, cr0\n  hlt' });
    // HOST_CR0 asks for CD and NW; they are kept from the guest's CR0 (both 0).
    expect(r.reg('eax')).toBe(0x80000031);
  });
  it('VM-exit MSR-store and MSR-load lists: guest values stored, host values loaded (SDM §27.4, §27.6)', () => {
    const r = hv(cpu, {
      fields: [
        ['GUEST_SYSENTER_CS', 0x77],
        ['GUEST_SYSENTER_EIP', 0x88],
        ['VM_EXIT_MSR_STORE_ADDR', MEM.MSR_AREA],
        ['VM_EXIT_MSR_STORE_COUNT', 2],
        ['VM_EXIT_MSR_LOAD_ADDR', MEM.MSR_AREA2],
        ['VM_EXIT_MSR_LOAD_COUNT', 1],
      ],
      setup: `  mov dword [${MEM.MSR_AREA}], 0x174\n  mov dword [${MEM.MSR_AREA + 16}], 0x176\n  mov dword [${MEM.MSR_AREA2}], 0x174\n  mov dword [${MEM.MSR_AREA2 + 8}], 0x99`,
      guest: '  cpuid',
      handler: `  mov esi, [${MEM.MSR_AREA + 8}]\n  mov edi, [${MEM.MSR_AREA + 24}]\n  mov ecx, 0x174\n  rdmsr\n  mov ebx, eax\n  hlt`,
    });
    expect(r.exits[0].reason).toBe(10);
    expect(r.reg('esi')).toBe(0x77);
    expect(r.reg('edi')).toBe(0x88);
    expect(r.reg('ebx')).toBe(0x99);
  });
  it('a failure loading the VM-exit MSR-load list is a VMX abort (indicator 4) and shutdown', () => {
    const { m, reason } = runMachine(
      hvSource({
        cpu,
        fields: [['VM_EXIT_MSR_LOAD_ADDR', MEM.MSR_AREA2], ['VM_EXIT_MSR_LOAD_COUNT', 1]],
        setup: `  mov dword [${MEM.MSR_AREA2}], 0xc0000100`,
        guest: '  cpuid',
      }),
    );
    expect(reason).toBe('vmx-abort');
    expect(m.mem.read32(MEM.VMCS + 4)).toBe(4);
  });
  it('a failure storing the VM-exit MSR-store list is a VMX abort (indicator 1)', () => {
    const { m, reason } = runMachine(
      hvSource({
        cpu,
        fields: [['VM_EXIT_MSR_STORE_ADDR', MEM.MSR_AREA], ['VM_EXIT_MSR_STORE_COUNT', 1]],
        setup: `  mov dword [${MEM.MSR_AREA}], 0x12345`,
        guest: '  cpuid',
      }),
    );
    expect(reason).toBe('vmx-abort');
    expect(m.mem.read32(MEM.VMCS + 4)).toBe(1);
  });
});

describe.each(MODELS)('VMCS state after VM exits on %s', (cpu) => {
  it('the launch state becomes "launched" only on a successful VMLAUNCH (VMRESUME then works)', () => {
    const r = hv(cpu, { guest: '  cpuid\n  invd', handler: `${vmr('VM_EXIT_REASON', 'ecx')}  cmp ecx, 13\n  je fin\n${vmr('GUEST_RIP', 'ebx')}  add ebx, 2\n  mov eax, 0x681e\n  vmwrite eax, ebx\n  vmresume\nfin:\n  hlt` });
    expect(r.exits.map((e) => e.reason)).toEqual([10, 13]);
  });
  it('VMPTRST in the host after an exit still names the VMCS', () => {
    const r = hv(cpu, { guest: '  cpuid', handler: '  vmptrst [scratch]\n  mov eax, [scratch]\n  hlt' });
    expect(r.reg('eax')).toBe(MEM.VMCS);
  });
});
