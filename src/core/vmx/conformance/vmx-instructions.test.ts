/**
 * VMX instruction outcomes in the SDM's check order (SDM Vol. 2 "VMX Instruction Reference" pseudocode;
 * shared/reference/vmx.md §6): #UD, #GP, VMfailInvalid, VMfailValid(n) with the error numbers of SDM
 * Table 30-1, and the RFLAGS encoding of SDM Vol. 3C §30.2 (VMsucceed / VMfailInvalid / VMfailValid).
 * Every test is a bare-mode lab program run through `runLab` on each CPU model where it applies.
 */
import { describe, expect, it } from 'vitest';
import {
  CF,
  F,
  MEM,
  MODELS,
  VMXON_PREAMBLE,
  ZF,
  bareSource,
  model,
  runHv,
  runSource,
  vmr,
  vmw,
  type ModelId,
  type RunResult,
} from './harness.ts';

const ARITH = 0x8d5;
/** Preloads CF PF AF ZF SF OF and DF (an unrelated flag that must survive), runs `insn`, saves EFLAGS in ESI. */
const flagged = (insn: string): string => `  push 0xcd7\n  popfd\n${insn}\n  pushfd\n  pop esi\n`;

/** Root-operation program: the VMXON preamble (current VMCS = MEM.VMCS), then `code`, then HLT. */
function root(cpu: ModelId, code: string, data = ''): RunResult {
  return runSource(bareSource(cpu, VMXON_PREAMBLE + code + '\n  hlt', data));
}
function bare(cpu: ModelId, code: string, data = ''): RunResult {
  return runSource(bareSource(cpu, code + '\n  hlt', data));
}
const setVmxe = '  mov eax, cr4\n  or eax, 0x2000\n  mov cr4, eax\n';
const writeRev = `  mov ecx, 0x480\n  rdmsr\n  and eax, 0x7fffffff\n  mov [${MEM.VMXON}], eax\n  mov [${MEM.VMCS}], eax\n  mov [${MEM.VMCS2}], eax\n`;

function expectUd(r: RunResult): void {
  expect(r.end.reason).toBe('unhandled-exception');
  expect(r.end.vector).toBe(6);
}
function expectGp0(r: RunResult): void {
  expect(r.end.reason).toBe('unhandled-exception');
  expect(r.end.vector).toBe(13);
  expect(r.end.errorCode).toBe(0);
}
function lastFail(r: RunResult) {
  return r.fails[r.fails.length - 1];
}
/** VMfailValid(n): ZF only among the six flags, DF preserved, a vmfail record with the number. */
function expectFailValid(r: RunResult, n: number, instruction?: string): void {
  expect(r.end.reason).toBe('halted');
  const f = lastFail(r);
  expect(f, 'a vmfail record').toBeDefined();
  expect(f.kind).toBe('valid');
  expect(f.error).toBe(n);
  if (instruction) expect(f.instruction).toBe(instruction);
  expect(r.reg('esi') & (ARITH | 0x400)).toBe(ZF | 0x400);
}
function expectFailInvalid(r: RunResult, instruction?: string): void {
  expect(r.end.reason).toBe('halted');
  const f = lastFail(r);
  expect(f, 'a vmfail record').toBeDefined();
  expect(f.kind).toBe('invalid');
  expect(f.error).toBe(0);
  if (instruction) expect(f.instruction).toBe(instruction);
  expect(r.reg('esi') & (ARITH | 0x400)).toBe(CF | 0x400);
}
function expectSucceed(r: RunResult): void {
  expect(r.end.reason).toBe('halted');
  expect(r.fails).toEqual([]);
  expect(r.reg('esi') & (ARITH | 0x400)).toBe(0x400);
}

const physWidth = (cpu: ModelId): number => ((model(cpu).capabilityMsr(0x480)!.hi >>> 16) & 1 ? 32 : model(cpu).maxPhysAddr);
/** High dword of an address with bit `physWidth` set (just beyond the width). */
const beyondHi = (cpu: ModelId): number => 2 ** (physWidth(cpu) - 32);
const hasEpt = (cpu: ModelId): boolean => model(cpu).features.ept;
const hasVpid = (cpu: ModelId): boolean => model(cpu).features.vpid;

describe.each(MODELS)('VMXON (SDM VMXON pseudocode) on %s', (cpu) => {
  it('#UD when CR4.VMXE = 0', () => {
    expectUd(bare(cpu, writeRev + '  vmxon [vmxon_ptr]'));
  });
  it('#UD with a register operand (F3 0F C7 /6, mod = 3)', () => {
    expectUd(bare(cpu, setVmxe + writeRev + '  db 0xf3, 0x0f, 0xc7, 0xf0'));
  });
  it('#GP(0) at CPL 3 (outside VMX operation)', () => {
    const r = bare(
      cpu,
      setVmxe +
        writeRev +
        '  push 0x23\n  push 0x70000\n  push 0x3002\n  push 0x1b\n  push ring3\n  iretd\nring3:\n  vmxon [vmxon_ptr]',
    );
    expectGp0(r);
    expect(r.end.cpl).toBe(3);
  });
  it('#GP(0) when CR0 violates IA32_VMX_CR0_FIXED0 (NE = 0)', () => {
    expectGp0(bare(cpu, setVmxe + writeRev + '  mov eax, cr0\n  and eax, ~0x20\n  mov cr0, eax\n  vmxon [vmxon_ptr]'));
  });
  it('#GP(0) when CR4 violates IA32_VMX_CR4_FIXED1 (CR4.MCE = 1 is not allowed by FIXED1)', () => {
    const fixed1 = model(cpu).capabilityMsr(0x489)!.lo;
    expect(fixed1 & 0x40).toBe(0);
    expectGp0(bare(cpu, setVmxe + writeRev + '  mov eax, cr4\n  or eax, 0x40\n  mov cr4, eax\n  vmxon [vmxon_ptr]'));
  });
  it('succeeds: RFLAGS arithmetic flags cleared, other flags kept', () => {
    expectSucceed(bare(cpu, setVmxe + writeRev + flagged('  vmxon [vmxon_ptr]')));
  });
  it('VMfailInvalid when the pointer is not 4-KByte aligned', () => {
    expectFailInvalid(bare(cpu, setVmxe + writeRev + flagged('  vmxon [xptr]'), `align 8\nxptr: dq ${MEM.VMXON + 8}`), 'VMXON');
  });
  it('VMfailInvalid when the pointer sets a bit beyond the physical-address width', () => {
    const hi = beyondHi(cpu);
    expectFailInvalid(bare(cpu, setVmxe + writeRev + flagged('  vmxon [xptr]'), `align 8\nxptr: dd ${MEM.VMXON}, ${hi}`), 'VMXON');
  });
  it('VMfailInvalid when the revision identifier does not match', () => {
    expectFailInvalid(bare(cpu, setVmxe + writeRev + `  inc dword [${MEM.VMXON}]\n` + flagged('  vmxon [vmxon_ptr]')), 'VMXON');
  });
  it('VMfailInvalid when bit 31 of the revision dword is set', () => {
    expectFailInvalid(bare(cpu, setVmxe + writeRev + `  or dword [${MEM.VMXON}], 0x80000000\n` + flagged('  vmxon [vmxon_ptr]')), 'VMXON');
  });
  it('in VMX root operation: VMfailInvalid without a current VMCS (VMfail(15))', () => {
    const r = bare(cpu, setVmxe + writeRev + '  vmxon [vmxon_ptr]\n' + flagged('  vmxon [vmxon_ptr]'));
    expectFailInvalid(r, 'VMXON');
  });
  it('in VMX root operation: VMfailValid(15) with a current VMCS', () => {
    const r = root(cpu, flagged('  vmxon [vmxon_ptr]') + vmr('VM_INSTRUCTION_ERROR'));
    expectFailValid(r, 15, 'VMXON');
    expect(r.read('VM_INSTRUCTION_ERROR')).toBe(15);
  });
  it('in VMX root operation at CPL 3: #GP(0)', () => {
    const r = root(cpu, '  push 0x23\n  push 0x70000\n  push 0x3002\n  push 0x1b\n  push ring3\n  iretd\nring3:\n  vmxon [vmxon_ptr]');
    expectGp0(r);
  });
  it('leaves no current VMCS (VMPTRST stores FFFFFFFF_FFFFFFFFH)', () => {
    const r = bare(cpu, setVmxe + writeRev + '  vmxon [vmxon_ptr]\n  vmptrst [scratch]\n  mov eax, [scratch]\n  mov edx, [scratch+4]');
    expect(r.reg('eax')).toBe(0xffffffff);
    expect(r.reg('edx')).toBe(0xffffffff);
  });
});

describe.each(MODELS)('#UD outside VMX operation (SDM §30.1 common prefix) on %s', (cpu) => {
  const insns: Array<[string, string]> = [
    ['VMXOFF', '  vmxoff'],
    ['VMCLEAR', '  vmclear [vmcs_ptr]'],
    ['VMPTRLD', '  vmptrld [vmcs_ptr]'],
    ['VMPTRST', '  vmptrst [scratch]'],
    ['VMREAD', '  mov eax, 0x4400\n  vmread ebx, eax'],
    ['VMWRITE', '  mov eax, 0x4000\n  vmwrite eax, ebx'],
    ['VMLAUNCH', '  vmlaunch'],
    ['VMRESUME', '  vmresume'],
    ['VMCALL', '  vmcall'],
    ['INVEPT', '  mov eax, 2\n  invept eax, [scratch]'],
    ['INVVPID', '  mov eax, 2\n  invvpid eax, [scratch]'],
  ];
  for (const [name, code] of insns) {
    it(`${name} with CR4.VMXE = 1 but before VMXON`, () => expectUd(bare(cpu, setVmxe + code)));
    it(`${name} with CR4.VMXE = 0`, () => expectUd(bare(cpu, code)));
  }
  it('after VMXOFF, VMX instructions are #UD again', () => {
    expectUd(root(cpu, '  vmxoff\n  vmptrld [vmcs_ptr]'));
  });
});

describe.each(MODELS)('#UD for register operands and absent features on %s', (cpu) => {
  const m = model(cpu);
  it('VMPTRLD / VMCLEAR register forms are RDRAND (#UD where RDRAND is absent)', () => {
    const r1 = root(cpu, '  db 0x0f, 0xc7, 0xf0');
    const r2 = root(cpu, '  db 0x66, 0x0f, 0xc7, 0xf0');
    if (m.features.rdrand) {
      expect(r1.end.reason).toBe('halted');
      expect(r2.end.reason).toBe('halted');
    } else {
      expectUd(r1);
      expectUd(r2);
    }
  });
  it('VMPTRST register form is RDSEED (#UD where RDSEED is absent)', () => {
    const r = root(cpu, '  db 0x0f, 0xc7, 0xf8');
    if (m.features.rdseed) expect(r.end.reason).toBe('halted');
    else expectUd(r);
  });
  it('INVEPT is #UD in VMX operation without EPT/INVEPT support; register operand #UD', () => {
    const r = root(cpu, '  mov eax, 2\n  invept eax, [scratch]');
    if (hasEpt(cpu)) expect(r.end.reason).toBe('halted');
    else expectUd(r);
    expectUd(root(cpu, '  db 0x66, 0x0f, 0x38, 0x80, 0xc0'));
  });
  it('INVVPID is #UD in VMX operation without VPID support; register operand #UD', () => {
    const r = root(cpu, '  mov eax, 2\n  invvpid eax, [scratch]');
    if (hasVpid(cpu)) expect(r.end.reason).toBe('halted');
    else expectUd(r);
    expectUd(root(cpu, '  db 0x66, 0x0f, 0x38, 0x81, 0xc0'));
  });
  it('VMFUNC is #UD (no VM functions)', () => {
    expectUd(root(cpu, '  vmfunc'));
  });
  it('VMREAD / VMWRITE with a 66 / F3 prefix are #UD', () => {
    expectUd(root(cpu, '  db 0x66, 0x0f, 0x78, 0xc3'));
    expectUd(root(cpu, '  db 0xf3, 0x0f, 0x79, 0xc3'));
  });
});

describe.each(MODELS)('#GP(0) at CPL > 0 in VMX root operation on %s', (cpu) => {
  const toRing3 = '  push 0x23\n  push 0x70000\n  push 0x3002\n  push 0x1b\n  push ring3\n  iretd\nring3:\n';
  const insns: Array<[string, string]> = [
    ['VMXOFF', '  vmxoff'],
    ['VMCLEAR', '  vmclear [vmcs_ptr]'],
    ['VMPTRLD', '  vmptrld [vmcs_ptr]'],
    ['VMPTRST', '  vmptrst [scratch]'],
    ['VMREAD', '  mov eax, 0x4400\n  vmread ebx, eax'],
    ['VMWRITE', '  mov eax, 0x4000\n  vmwrite eax, ebx'],
    ['VMLAUNCH', '  vmlaunch'],
    ['VMRESUME', '  vmresume'],
    ['VMCALL', '  vmcall'],
  ];
  if (hasEpt(cpu)) insns.push(['INVEPT', '  mov eax, 2\n  invept eax, [scratch]']);
  if (hasVpid(cpu)) insns.push(['INVVPID', '  mov eax, 2\n  invvpid eax, [scratch]']);
  for (const [name, code] of insns) {
    it(name, () => {
      const r = root(cpu, toRing3 + code);
      expectGp0(r);
      expect(r.end.cpl).toBe(3);
    });
  }
});

describe.each(MODELS)('VMCLEAR (errors 2, 3; current pointer) on %s', (cpu) => {
  it('VMfailValid(2) for an unaligned address with a current VMCS', () => {
    expectFailValid(root(cpu, flagged('  vmclear [xptr]'), `align 8\nxptr: dq ${MEM.VMCS2 + 0x10}`), 2, 'VMCLEAR');
  });
  it('VMfailInvalid for an unaligned address without a current VMCS', () => {
    expectFailInvalid(root(cpu, '  vmclear [vmcs_ptr]\n' + flagged('  vmclear [xptr]'), `align 8\nxptr: dq ${MEM.VMCS2 + 0x10}`), 'VMCLEAR');
  });
  it('VMfailValid(2) for an address beyond the physical-address width', () => {
    expectFailValid(root(cpu, flagged('  vmclear [xptr]'), `align 8\nxptr: dd ${MEM.VMCS2}, ${beyondHi(cpu)}`), 2);
  });
  it('VMfailValid(3) for the VMXON pointer', () => {
    const r = root(cpu, flagged('  vmclear [vmxon_ptr]') + vmr('VM_INSTRUCTION_ERROR'));
    expectFailValid(r, 3, 'VMCLEAR');
    expect(r.read('VM_INSTRUCTION_ERROR')).toBe(3);
  });
  it('VMCLEAR of the current VMCS makes the current-VMCS pointer invalid', () => {
    const r = root(cpu, flagged('  vmclear [vmcs_ptr]') + '  mov edi, esi\n  vmptrst [scratch]\n  mov eax, [scratch]\n  mov edx, [scratch+4]\n' + flagged('  mov ecx, 0x4400\n  vmread ebx, ecx'));
    expect(r.reg('edi') & ARITH).toBe(0);
    expect(r.reg('eax')).toBe(0xffffffff);
    expect(r.reg('edx')).toBe(0xffffffff);
    expectFailInvalid(r, 'VMREAD');
  });
  it('VMCLEAR of another VMCS leaves the current pointer (KUT test_vmcs_lifecycle)', () => {
    const r = root(cpu, flagged('  vmclear [vmcs2_ptr]') + '  vmptrst [scratch]\n  mov eax, [scratch]\n  mov edx, [scratch+4]');
    expectSucceed(r);
    expect(r.reg('eax')).toBe(MEM.VMCS);
    expect(r.reg('edx')).toBe(0);
  });
});

describe.each(MODELS)('VMPTRLD (errors 9, 10, 11) and VMPTRST on %s', (cpu) => {
  it('VMfailValid(9) for an unaligned address', () => {
    expectFailValid(root(cpu, flagged('  vmptrld [xptr]'), `align 8\nxptr: dq ${MEM.VMCS2 + 0x800}`), 9, 'VMPTRLD');
  });
  it('VMfailInvalid(9) without a current VMCS', () => {
    expectFailInvalid(root(cpu, '  vmclear [vmcs_ptr]\n' + flagged('  vmptrld [xptr]'), `align 8\nxptr: dq ${MEM.VMCS2 + 0x800}`), 'VMPTRLD');
  });
  it('VMfailValid(9) for an address beyond the physical-address width', () => {
    expectFailValid(root(cpu, flagged('  vmptrld [xptr]'), `align 8\nxptr: dd ${MEM.VMCS2}, ${beyondHi(cpu)}`), 9);
  });
  it('VMfailValid(10) for the VMXON pointer', () => {
    expectFailValid(root(cpu, flagged('  vmptrld [vmxon_ptr]')), 10, 'VMPTRLD');
  });
  it('VMfailValid(11) for a wrong revision identifier', () => {
    expectFailValid(root(cpu, `  inc dword [${MEM.VMCS2}]\n` + flagged('  vmptrld [vmcs2_ptr]')), 11, 'VMPTRLD');
  });
  it('VMfailValid(11) for a shadow-VMCS indicator (bit 31) without VMCS shadowing', () => {
    expectFailValid(root(cpu, `  or dword [${MEM.VMCS2}], 0x80000000\n` + flagged('  vmptrld [vmcs2_ptr]')), 11);
  });
  it('a failed VMPTRLD leaves the current VMCS', () => {
    const r = root(cpu, `  inc dword [${MEM.VMCS2}]\n  vmptrld [vmcs2_ptr]\n  vmptrst [scratch]\n  mov eax, [scratch]`);
    expect(r.reg('eax')).toBe(MEM.VMCS);
  });
  it('VMPTRLD of another VMCS makes it current; VMPTRST stores it', () => {
    const r = root(cpu, flagged('  vmptrld [vmcs2_ptr]') + '  vmptrst [scratch]\n  mov eax, [scratch]\n  mov edx, [scratch+4]');
    expectSucceed(r);
    expect(r.reg('eax')).toBe(MEM.VMCS2);
    expect(r.reg('edx')).toBe(0);
  });
  it('VMPTRLD does not erase VMWRITEs to the current VMCS (KUT test_vmcs_lifecycle)', () => {
    const r = root(cpu, vmw('GUEST_RSP', 0x1234) + '  vmptrld [vmcs_ptr]\n' + vmr('GUEST_RSP'));
    expect(r.read('GUEST_RSP')).toBe(0x1234);
  });
  it('VMCS data survives switching to another VMCS and back', () => {
    const r = root(cpu, vmw('GUEST_RSP', 0x1111) + '  vmclear [vmcs2_ptr]\n  vmptrld [vmcs2_ptr]\n' + vmw('GUEST_RSP', 0x2222) + '  vmptrld [vmcs_ptr]\n' + vmr('GUEST_RSP', 'ecx') + '  vmptrld [vmcs2_ptr]\n' + vmr('GUEST_RSP', 'edx'));
    expect(r.readList.filter(([e]) => e === F.GUEST_RSP).map(([, v]) => v)).toEqual([0x1111, 0x2222]);
  });
  it('VMPTRST succeeds with no current VMCS and stores FFFFFFFF_FFFFFFFFH', () => {
    const r = root(cpu, '  vmclear [vmcs_ptr]\n' + flagged('  vmptrst [scratch]') + '  mov eax, [scratch]\n  mov edx, [scratch+4]');
    expectSucceed(r);
    expect(r.reg('eax')).toBe(0xffffffff);
    expect(r.reg('edx')).toBe(0xffffffff);
  });
  it('VMPTRST to an unwritable destination faults before storing (#PF, flags unchanged)', () => {
    // Map a page read-only: PDE 0x3C (0xF000000) already maps RAM beyond 16 MiB? Use a 4-MiB PDE with R/W = 0.
    const r = root(cpu, '  mov dword [0x2000 + 4*3], 0\n  mov eax, cr3\n  mov cr3, eax\n  vmptrst [0x00c00000]');
    expect(r.end.reason).toBe('unhandled-exception');
    expect(r.end.vector).toBe(14);
    expect(r.end.errorCode).toBe(2);
  });
});

describe.each(MODELS)('VMREAD / VMWRITE (errors 12, 13; VMfailInvalid) on %s', (cpu) => {
  it('VMREAD without a current VMCS: VMfailInvalid', () => {
    expectFailInvalid(root(cpu, '  vmclear [vmcs_ptr]\n' + flagged('  mov eax, 0x681e\n  vmread ebx, eax')), 'VMREAD');
  });
  it('VMWRITE without a current VMCS: VMfailInvalid (before the encoding is checked)', () => {
    expectFailInvalid(root(cpu, '  vmclear [vmcs_ptr]\n' + flagged('  mov eax, 0xffffffff\n  vmwrite eax, ebx')), 'VMWRITE');
  });
  for (const enc of [0xffffffff, 0x00008000, 0x00001000, 0x00004001, 0x00006801, 0x00000801, 0x0000687e]) {
    it(`VMREAD of encoding 0x${enc.toString(16)}: VMfailValid(12)`, () => {
      expectFailValid(root(cpu, flagged(`  mov eax, 0x${enc.toString(16)}\n  vmread ebx, eax`)), 12, 'VMREAD');
    });
    it(`VMWRITE of encoding 0x${enc.toString(16)}: VMfailValid(12)`, () => {
      expectFailValid(root(cpu, flagged(`  mov eax, 0x${enc.toString(16)}\n  vmwrite eax, ebx`)), 12, 'VMWRITE');
    });
  }
  for (const name of ['VM_INSTRUCTION_ERROR', 'VM_EXIT_REASON', 'EXIT_QUALIFICATION', 'GUEST_LINEAR_ADDRESS', 'VM_EXIT_INSTRUCTION_LEN'] as const) {
    it(`VMWRITE to read-only ${name}: VMfailValid(13)`, () => {
      const misc = model(cpu).capabilityMsr(0x485)!.lo;
      expect((misc >>> 29) & 1).toBe(0);
      expectFailValid(root(cpu, flagged(`  mov eax, 0x${F[name].toString(16)}\n  vmwrite eax, ebx`)), 13, 'VMWRITE');
    });
  }
  it('VMWRITE to a read-only 64-bit field (GUEST_PHYSICAL_ADDRESS) where it exists: 13, else 12', () => {
    const r = root(cpu, flagged(`  mov eax, 0x2400\n  vmwrite eax, ebx`));
    expectFailValid(r, hasEpt(cpu) ? 13 : 12);
  });
  it('a failed VMREAD leaves the destination unchanged', () => {
    const r = root(cpu, '  mov ebx, 0x5a5a5a5a\n  mov eax, 0x7fff\n  vmread ebx, eax');
    expect(r.reg('ebx')).toBe(0x5a5a5a5a);
  });
  it('VMREAD to memory and VMWRITE from memory', () => {
    const r = root(cpu, '  mov dword [scratch], 0xabcd1234\n  mov eax, 0x681c\n  vmwrite eax, [scratch]\n  vmread [scratch+8], eax\n  mov edx, [scratch+8]');
    expect(r.reg('edx')).toBe(0xabcd1234);
  });
  it('VMREAD with a memory destination that faults: #PF, RFLAGS unchanged (KUT test_vmread_vmwrite_pf)', () => {
    const r = root(cpu, '  mov dword [0x2000 + 4*3], 0\n  mov eax, cr3\n  mov cr3, eax\n  push 0xcd7\n  popfd\n  mov eax, 0x681c\n  vmread [0x00c00000], eax');
    expect(r.end.reason).toBe('unhandled-exception');
    expect(r.end.vector).toBe(14);
    expect(Number(r.end.registers.eflags) & 0xcd7).toBe(0xcd7);
  });
  it('the error field is written only on VMfailValid (KUT try_invvpid idiom with VMWRITE/VMREAD)', () => {
    const r = root(cpu, '  mov eax, 0xffffffff\n  vmread ebx, eax\n' + vmw('GUEST_RSP', 5) + vmr('GUEST_RSP') + '  vmptrld [vmcs_ptr]\n  vmptrst [scratch]\n' + vmr('VM_INSTRUCTION_ERROR'));
    expect(r.read('VM_INSTRUCTION_ERROR')).toBe(12);
  });
  it('VMfailInvalid does not write the error field of any VMCS', () => {
    const r = root(
      cpu,
      '  mov eax, 0xffffffff\n  vmread ebx, eax\n  vmclear [vmcs_ptr]\n  vmptrld [xptr]\n  vmptrld [vmcs_ptr]\n' + vmr('VM_INSTRUCTION_ERROR'),
      `align 8\nxptr: dq ${MEM.VMCS2 + 8}`,
    );
    expect(r.fails.map((f) => f.kind)).toEqual(['valid', 'invalid']);
    expect(r.read('VM_INSTRUCTION_ERROR')).toBe(12);
  });
  it('KUT test_vmcs_high: full and high accesses to a 64-bit field in 32-bit mode', () => {
    // VMWRITE full TSC_OFFSET := 0x89ABCDEF (a 32-bit operand clears bits 63:32); write the high half alone.
    const r = root(
      cpu,
      vmw(0x2010, 0x89abcdef) + vmr(0x2011, 'ecx') + vmw(0x2011, 0x01234567) + vmr(0x2011, 'ecx') + vmr(0x2010, 'ecx') +
        vmw(0x2011, 0x76543210) + vmr(0x2010, 'ecx') + vmr(0x2011, 'ecx') + vmw(0x2010, 0x11111111) + vmr(0x2011, 'ecx'),
    );
    expect(r.readList.map(([e, v]) => [e, v >>> 0])).toEqual([
      [0x2011, 0],
      [0x2011, 0x01234567],
      [0x2010, 0x89abcdef],
      [0x2010, 0x89abcdef],
      [0x2011, 0x76543210],
      [0x2011, 0],
    ]);
  });
  it('field-width truncation: 16-bit fields keep bits 15:0, reads zero-extend', () => {
    const r = root(cpu, vmw('GUEST_ES_SELECTOR', 0x12345678) + '  mov ebx, 0xffffffff\n  mov eax, 0x800\n  vmread ebx, eax');
    expect(r.reg('ebx')).toBe(0x5678);
  });
  it('32-bit and natural-width fields keep all 32 bits', () => {
    const r = root(cpu, vmw('GUEST_ES_LIMIT', 0xfedcba98) + vmr('GUEST_ES_LIMIT', 'ecx') + vmw('GUEST_RSP', 0xfedcba98) + vmr('GUEST_RSP', 'ecx'));
    expect(r.readList.map(([, v]) => v)).toEqual([0xfedcba98, 0xfedcba98]);
  });
  it('successful VMREAD/VMWRITE leave the VM-instruction error field alone', () => {
    const r = root(cpu, '  vmptrld [vmxon_ptr]\n' + vmw('GUEST_RSP', 1) + vmr('GUEST_RSP') + vmr('VM_INSTRUCTION_ERROR'));
    expect(r.read('VM_INSTRUCTION_ERROR')).toBe(10);
  });
  it('VMREAD/VMWRITE with RFLAGS: success clears all six flags, DF kept', () => {
    expectSucceed(root(cpu, flagged('  mov eax, 0x681c\n  vmwrite eax, ebx')));
    expectSucceed(root(cpu, flagged('  mov eax, 0x681c\n  vmread ebx, eax')));
  });
});

describe.each(MODELS)('VMLAUNCH / VMRESUME failures (errors 4, 5, 6, 26) on %s', (cpu) => {
  it('VMfailInvalid without a current VMCS', () => {
    expectFailInvalid(root(cpu, '  vmclear [vmcs_ptr]\n' + flagged('  vmlaunch')), 'VMLAUNCH');
    expectFailInvalid(root(cpu, '  vmclear [vmcs_ptr]\n' + flagged('  vmresume')), 'VMRESUME');
  });
  it('VMRESUME of a clear VMCS: VMfailValid(5)', () => {
    const r = runHv({ cpu, launch: flagged('  vmresume') });
    expectFailValid(r, 5, 'VMRESUME');
    expect(r.reg('edi')).toBe(5);
  });
  it('VMLAUNCH of a launched VMCS: VMfailValid(4)', () => {
    const r = runHv({ cpu, guest: '  cpuid', handler: flagged('  vmlaunch') + vmr('VM_INSTRUCTION_ERROR') + '  hlt' });
    expect(r.exits.length).toBe(1);
    expectFailValid(r, 4, 'VMLAUNCH');
    expect(r.read('VM_INSTRUCTION_ERROR')).toBe(4);
  });
  it('VMRESUME of a launched VMCS succeeds; VMCLEAR makes it clear again (VMRESUME → 5)', () => {
    const r = runHv({
      cpu,
      guest: '  cpuid\n  cpuid',
      handler: `  cmp dword [count], 0\n  jne second\n  inc dword [count]\n${vmr('GUEST_RIP', 'ecx')}  add ecx, 2\n  mov eax, 0x681e\n  vmwrite eax, ecx\n  vmresume\n  hlt\nsecond:\n  vmclear [vmcs_ptr]\n  vmptrld [vmcs_ptr]\n${flagged('  vmresume')}  hlt`,
      data: 'count: dd 0',
    });
    expect(r.exits.map((e) => e.reason)).toEqual([10, 10]);
    expect(r.entries.map((e) => e.instruction)).toEqual(['VMLAUNCH', 'VMRESUME']);
    expectFailValid(r, 5, 'VMRESUME');
  });
  it('VMRESUME after VMXOFF and VMXON: VMfailValid(6)', () => {
    const r = runHv({
      cpu,
      guest: '  cpuid',
      handler: `  vmxoff\n  vmxon [vmxon_ptr]\n  vmptrld [vmcs_ptr]\n${flagged('  vmresume')}  hlt`,
    });
    expect(r.exits.length).toBe(1);
    expectFailValid(r, 6, 'VMRESUME');
  });
  it('MOV SS blocking: VMfailValid(26)', () => {
    const r = runHv({ cpu, launch: '  push 0xcd7\n  popfd\n  mov ax, ss\n  mov ss, ax\n  vmlaunch\n  pushfd\n  pop esi' });
    expectFailValid(r, 26, 'VMLAUNCH');
    expect(r.entries).toEqual([]);
  });
  it('POP SS blocking also gives 26', () => {
    const r = runHv({ cpu, launch: '  push 0xcd7\n  popfd\n  push ss\n  pop ss\n  vmlaunch\n  pushfd\n  pop esi' });
    expectFailValid(r, 26, 'VMLAUNCH');
  });
  it('error 26 takes precedence over error 4 (KUT vmentry_movss_shadow_test)', () => {
    const r = runHv({ cpu, guest: '  cpuid', handler: '  push 0xcd7\n  popfd\n  mov ax, ss\n  mov ss, ax\n  vmlaunch\n  pushfd\n  pop esi\n  hlt' });
    expectFailValid(r, 26, 'VMLAUNCH');
  });
  it('VMfailInvalid takes precedence over 26', () => {
    const r = root(cpu, '  vmclear [vmcs_ptr]\n  push 0xcd7\n  popfd\n  mov ax, ss\n  mov ss, ax\n  vmlaunch\n  pushfd\n  pop esi');
    expectFailInvalid(r, 'VMLAUNCH');
  });
  it('STI blocking does not prevent VM entry', () => {
    const r = runHv({ cpu, guest: '  cpuid', launch: '  sti\n  vmlaunch' });
    expect(r.exits.map((e) => e.reason)).toEqual([10]);
  });
  it('a VMfail leaves the processor in root operation at the next instruction', () => {
    const r = runHv({ cpu, launch: '  vmresume\n  mov edx, 0x77' });
    expect(r.reg('edx')).toBe(0x77);
    expect(r.end.vmx).toBe('root');
  });
});

describe.each(MODELS)('VMCALL in VMX root operation (error 1) on %s', (cpu) => {
  it('VMfailValid(1) with a current VMCS', () => {
    const r = root(cpu, flagged('  vmcall') + vmr('VM_INSTRUCTION_ERROR'));
    expectFailValid(r, 1, 'VMCALL');
    expect(r.read('VM_INSTRUCTION_ERROR')).toBe(1);
  });
  it('VMfailInvalid without a current VMCS', () => {
    expectFailInvalid(root(cpu, '  vmclear [vmcs_ptr]\n' + flagged('  vmcall')), 'VMCALL');
  });
});

describe.each(MODELS.filter(hasEpt))('INVEPT (error 28) on %s', (cpu) => {
  const desc = (lo: number, hi = 0) => `align 16\ndesc: dd ${lo}, ${hi}, 0, 0`;
  const eptp = MEM.EPT_PML4 | 0x1e; // WB, 4-level
  for (const type of [0, 3, 4, 0x80000001]) {
    it(`type ${type} unsupported: VMfailValid(28)`, () => {
      expectFailValid(root(cpu, flagged(`  mov eax, ${type}\n  invept eax, [desc]`), desc(eptp)), 28, 'INVEPT');
    });
  }
  it('type 1 with an invalid EPTP (memory type 5): 28', () => {
    expectFailValid(root(cpu, flagged('  mov eax, 1\n  invept eax, [desc]'), desc(MEM.EPT_PML4 | 0x1d)), 28);
  });
  it('type 1 with an invalid EPTP (walk length 5): 28', () => {
    expectFailValid(root(cpu, flagged('  mov eax, 1\n  invept eax, [desc]'), desc(MEM.EPT_PML4 | 0x26)), 28);
  });
  it('type 1 with a valid EPTP succeeds', () => {
    expectSucceed(root(cpu, flagged('  mov eax, 1\n  invept eax, [desc]'), desc(eptp)));
  });
  it('type 2 (all-context) succeeds with any descriptor', () => {
    expectSucceed(root(cpu, flagged('  mov eax, 2\n  invept eax, [desc]'), desc(0x123)));
  });
  it('unsupported type without a current VMCS: VMfailInvalid', () => {
    expectFailInvalid(root(cpu, '  vmclear [vmcs_ptr]\n' + flagged('  mov eax, 0\n  invept eax, [desc]'), desc(eptp)));
  });
  it('a successful INVEPT leaves the error field (KUT try_invvpid idiom)', () => {
    const r = root(cpu, '  mov eax, 0xffffffff\n  vmread ebx, eax\n  mov eax, 2\n  invept eax, [desc]\n' + vmr('VM_INSTRUCTION_ERROR'), desc(eptp));
    expect(r.read('VM_INSTRUCTION_ERROR')).toBe(12);
  });
});

describe.each(MODELS.filter(hasVpid))('INVVPID (error 28; KUT invvpid_test) on %s', (cpu) => {
  const desc = (vpid: number, lo = 0, hi = 0) => `align 16\ndesc: dd ${vpid}, 0, ${lo}, ${hi}`;
  for (const type of [4, 0xffffffff]) {
    it(`type 0x${type.toString(16)} unsupported: 28`, () => {
      expectFailValid(root(cpu, flagged(`  mov eax, ${type}\n  invvpid eax, [desc]`), desc(1)), 28, 'INVVPID');
    });
  }
  for (const type of [0, 1, 2, 3]) {
    it(`type ${type}: descriptor bits 63:16 set → 28`, () => {
      expectFailValid(root(cpu, flagged(`  mov eax, ${type}\n  invvpid eax, [desc]`), `align 16\ndesc: dd 0x10001, 0, 0, 0`), 28);
      expectFailValid(root(cpu, flagged(`  mov eax, ${type}\n  invvpid eax, [desc]`), `align 16\ndesc: dd 1, 1, 0, 0`), 28);
    });
    it(`type ${type}: VPID 0 → ${type === 2 ? 'succeeds' : '28'}`, () => {
      const r = root(cpu, flagged(`  mov eax, ${type}\n  invvpid eax, [desc]`), desc(0));
      if (type === 2) expectSucceed(r);
      else expectFailValid(r, 28);
    });
    it(`type ${type}: VPID 1 succeeds`, () => {
      expectSucceed(root(cpu, flagged(`  mov eax, ${type}\n  invvpid eax, [desc]`), desc(1, 0x12345000)));
    });
  }
  it('type 0 with a non-canonical linear address → 28', () => {
    expectFailValid(root(cpu, flagged('  mov eax, 0\n  invvpid eax, [desc]'), desc(1, 0, 0x00008000)), 28);
  });
  it('type 0 with a canonical upper-half address succeeds', () => {
    expectSucceed(root(cpu, flagged('  mov eax, 0\n  invvpid eax, [desc]'), desc(1, 0, 0xffff8000)));
  });
  it('types 1/2/3 ignore the linear-address half', () => {
    expectSucceed(root(cpu, flagged('  mov eax, 1\n  invvpid eax, [desc]'), desc(1, 0, 0x00008000)));
  });
  it('KUT try_invvpid: a successful INVVPID leaves error 12 from a deliberately failing VMREAD', () => {
    const r = root(cpu, '  mov eax, 0xffffffff\n  vmread ebx, eax\n  mov eax, 2\n  invvpid eax, [desc]\n' + vmr('VM_INSTRUCTION_ERROR'), desc(0));
    expect(r.read('VM_INSTRUCTION_ERROR')).toBe(12);
  });
  it('the descriptor is read only for a supported type (no #PF for an unsupported one)', () => {
    const r = root(cpu, '  mov dword [0x2000 + 4*3], 0\n  mov eax, cr3\n  mov cr3, eax\n' + flagged('  mov eax, 7\n  invvpid eax, [0x00c00000]'));
    expectFailValid(r, 28);
  });
  it('an unmapped descriptor faults (#PF) for a supported type', () => {
    const r = root(cpu, '  mov dword [0x2000 + 4*3], 0\n  mov eax, cr3\n  mov cr3, eax\n  mov eax, 2\n  invvpid eax, [0x00c00000]');
    expect(r.end.reason).toBe('unhandled-exception');
    expect(r.end.vector).toBe(14);
  });
});

describe.each(MODELS)('VMXOFF on %s', (cpu) => {
  it('succeeds and leaves VMX operation (VMXON works again)', () => {
    const r = root(cpu, flagged('  vmxoff') + '  mov edi, esi\n' + flagged('  vmxon [vmxon_ptr]'));
    expect(r.fails).toEqual([]);
    expect(r.reg('edi') & ARITH).toBe(0);
    expect(r.end.vmx).toBe('root');
  });
  it('CR4.VMXE cannot be cleared in VMX operation (#GP), but can after VMXOFF', () => {
    expectGp0(root(cpu, '  mov eax, cr4\n  and eax, ~0x2000\n  mov cr4, eax'));
    const r = root(cpu, '  vmxoff\n  mov eax, cr4\n  and eax, ~0x2000\n  mov cr4, eax\n  mov ebx, cr4');
    expect(r.reg('ebx') & 0x2000).toBe(0);
  });
  it('CR0.NE cannot be cleared in VMX operation (#GP, SDM §23.8)', () => {
    expectGp0(root(cpu, '  mov eax, cr0\n  and eax, ~0x20\n  mov cr0, eax'));
  });
});

describe.each(MODELS)('Memory-operand faults versus VMfail in pseudocode order on %s', (cpu) => {
  const unmap = '  mov dword [0x2000 + 4*3], 0\n  mov eax, cr3\n  mov cr3, eax\n';
  const pf = (r: RunResult) => {
    expect(r.end.reason).toBe('unhandled-exception');
    expect(r.end.vector).toBe(14);
  };
  it('VMXON in VMX root operation does not read its operand: VMfail(15), no #PF', () => {
    expectFailValid(root(cpu, unmap + flagged('  vmxon [0x00c00000]')), 15, 'VMXON');
  });
  it('VMXON outside VMX operation reads its operand after the #GP checks: #PF', () => {
    pf(bare(cpu, setVmxe + writeRev + unmap + '  vmxon [0x00c00000]'));
  });
  it('VMPTRLD / VMCLEAR / VMPTRST with an unmapped operand: #PF, RFLAGS unchanged', () => {
    for (const insn of ['vmptrld', 'vmclear', 'vmptrst']) {
      const r = root(cpu, unmap + `  push 0xcd7\n  popfd\n  ${insn} [0x00c00000]`);
      pf(r);
      expect(Number(r.end.registers.eflags) & 0xcd7).toBe(0xcd7);
    }
  });
  it('VMWRITE without a current VMCS does not read its memory source: VMfailInvalid, no #PF', () => {
    expectFailInvalid(root(cpu, '  vmclear [vmcs_ptr]\n' + unmap + flagged('  mov eax, 0x681c\n  vmwrite eax, [0x00c00000]')), 'VMWRITE');
  });
  it('VMWRITE reads its memory source before the encoding check: #PF even for an unsupported field', () => {
    pf(root(cpu, unmap + '  mov eax, 0x7fff\n  vmwrite eax, [0x00c00000]'));
  });
  it('VMREAD checks the encoding before writing the destination: VMfailValid(12), no #PF', () => {
    expectFailValid(root(cpu, unmap + flagged('  mov eax, 0x7fff\n  vmread [0x00c00000], eax')), 12, 'VMREAD');
  });
  if (hasEpt(cpu)) {
    it('INVEPT with an unsupported type does not read its descriptor: 28, no #PF', () => {
      expectFailValid(root(cpu, unmap + flagged('  mov eax, 0\n  invept eax, [0x00c00000]')), 28, 'INVEPT');
    });
    it('INVEPT with a supported type reads the descriptor: #PF', () => {
      pf(root(cpu, unmap + '  mov eax, 2\n  invept eax, [0x00c00000]'));
    });
  }
});

describe.each(MODELS)('VMXON with CR0.PE = 0 (SDM VMXON: #UD; Bochs differs with #GP — vmx.md §11) on %s', (cpu) => {
  it('#UD, delivered through the real-mode IVT', () => {
    const r = bare(
      cpu,
      setVmxe +
        writeRev +
        [
          '  mov dword [6*4], (0x1000 << 16) | (ud_handler - 0x10000)',
          '  mov dword [13*4], (0x1000 << 16) | (gp_handler - 0x10000)',
          '  lidt [ivt_desc]',
          '  mov eax, cr0',
          '  and eax, 0x7ffffffe',
          '  mov cr0, eax',
          '  vmxon [vmxon_ptr]',
          '  mov esi, 0',
          '  hlt',
          'ud_handler:',
          '  mov esi, 6',
          '  hlt',
          'gp_handler:',
          '  mov esi, 13',
          '  hlt',
        ].join('\n'),
      'ivt_desc: dw 0x3ff\n  dd 0',
    );
    expect(r.reg('esi')).toBe(6);
  });
});
