import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VmExitReason } from './exit-reasons.ts';
import {
  AccessRights,
  ActivityState,
  CrAccessType,
  DescriptorTableInstruction,
  EXCEPTIONS_WITH_ERROR_CODE,
  EntryFailureQualification,
  InterruptionType,
  LdtrTrInstruction,
  accessRightsFromDescriptor,
  accessRightsFromDescriptorHigh,
  bitsOf,
  decodeAccessRights,
  decodeActivityState,
  decodeCrAccessQualification,
  decodeEptEntry,
  decodeEptViolationQualification,
  decodeEptp,
  decodeExitQualification,
  decodeInstructionInfo,
  decodeInterruptibility,
  decodeInterruptionInfo,
  decodeIoQualification,
  decodeMovDrQualification,
  decodeTaskSwitchQualification,
  encodeCltsQualification,
  encodeCrAccessQualification,
  encodeDebugExceptionQualification,
  encodeDescriptorTableInfo,
  encodeDisplacementQualification,
  encodeEptViolationQualification,
  encodeEptp,
  encodeInsOutsInfo,
  encodeInterruptibility,
  encodeInterruptionInfo,
  encodeInvalidationInfo,
  encodeIoQualification,
  encodeLdtrTrInfo,
  encodeLinearAddressQualification,
  encodeLmswQualification,
  encodeMemoryOperandInfo,
  encodeMovCrQualification,
  encodeMovDrQualification,
  encodeRdrandRdseedInfo,
  encodeTaskSwitchQualification,
  encodeVmreadVmwriteInfo,
  encodeVmxPointerInfo,
  eptEntryPresent,
  eptpRootAddress,
  type Decoded,
} from './formats.ts';

const partValue = (d: Decoded, name: string): number => {
  const p = d.parts.find((x) => x.name === name);
  if (!p) throw new Error(`no part ${name}`);
  return p.value;
};

const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESI = 6;

describe('control-register access qualification (SDM Table 27-3)', () => {
  it('reproduces the KUT insn_table / cr_shadowing values', () => {
    expect(encodeMovCrQualification(3, true, EAX)).toBe(0x3);
    expect(encodeMovCrQualification(3, false, EAX)).toBe(0x13);
    expect(encodeMovCrQualification(8, true, EAX)).toBe(0x8);
    expect(encodeMovCrQualification(8, false, EAX)).toBe(0x18);
    expect(encodeMovCrQualification(0, true, ESI)).toBe(0x600);
    expect(encodeMovCrQualification(4, true, ESI)).toBe(0x604);
    expect(encodeCltsQualification()).toBe(0x20);
    expect(encodeLmswQualification(0x1234, false)).toBe(0x12340030);
    expect(encodeLmswQualification(0x0001, true)).toBe(0x00010070);
  });

  it('decodes for the UI', () => {
    const d = decodeCrAccessQualification(0x3);
    expect(d.summary).toBe('MOV to CR3 from EAX');
    expect(d.parts[0]).toEqual({ name: 'Control register', bits: '3:0', value: 3, meaning: 'CR3' });
    expect(d.parts[1]).toEqual({ name: 'Access type', bits: '5:4', value: 0, meaning: 'MOV to CR' });
    expect(decodeCrAccessQualification(0x13).summary).toBe('MOV from CR3 to EAX');
    expect(decodeCrAccessQualification(0x20).summary).toBe('CLTS');
    expect(decodeCrAccessQualification(0x12340030).summary).toBe('LMSW 0x1234 (register operand)');
  });

  it('round-trips every MOV CR form', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 3, 4, 8), fc.boolean(), fc.integer({ min: 0, max: 15 }), (cr, to, gpr) => {
        const q = encodeMovCrQualification(cr, to, gpr);
        const d = decodeCrAccessQualification(q);
        expect(partValue(d, 'Control register')).toBe(cr);
        expect(partValue(d, 'Access type')).toBe(to ? CrAccessType.MOV_TO_CR : CrAccessType.MOV_FROM_CR);
        expect(partValue(d, 'General-purpose register')).toBe(gpr);
        expect(q >>> 16).toBe(0);
      }),
    );
  });

  it('keeps LMSW and CLTS fields zero where the SDM says so', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 0xffff }), (gpr, src) => {
        expect(bitsOf(encodeCrAccessQualification(0, CrAccessType.LMSW, gpr, false, src), 11, 8)).toBe(0);
        expect(encodeCrAccessQualification(0, CrAccessType.CLTS, gpr, true, src)).toBe(0x20);
        expect(bitsOf(encodeCrAccessQualification(0, CrAccessType.MOV_TO_CR, gpr, true, src), 31, 16)).toBe(0);
      }),
    );
  });
});

describe('MOV DR qualification (SDM Table 27-4)', () => {
  it('reproduces vmx.md examples', () => {
    expect(encodeMovDrQualification(7, false, EAX)).toBe(0x007);
    expect(encodeMovDrQualification(6, true, ECX)).toBe(0x116);
    expect(decodeMovDrQualification(0x116).summary).toBe('MOV ECX ← DR6');
    expect(decodeMovDrQualification(0x007).summary).toBe('MOV DR7 ← EAX');
  });
});

describe('I/O instruction qualification (SDM Table 27-5)', () => {
  it('reproduces vmx.md examples', () => {
    expect(encodeIoQualification(1, true, false, false, true, 0x80)).toBe(0x00800048); // in al,0x80
    expect(encodeIoQualification(1, false, false, false, false, 0x3f8)).toBe(0x03f80000); // out dx,al
    expect(encodeIoQualification(4, true, false, false, false, 0x4fff)).toBe(0x4fff000b); // in eax,dx
    expect(encodeIoQualification(1, false, true, true, false, 0x3f8)).toBe(0x03f80030); // rep outsb
  });

  it('decodes for the UI', () => {
    const d = decodeIoQualification(0x00800048);
    expect(d.summary).toBe('in AL, 0x80');
    expect(partValue(d, 'Port number')).toBe(0x80);
    expect(d.parts.find((p) => p.name === 'Size of access')!.meaning).toBe('1 byte');
    expect(decodeIoQualification(0x4fff000b).summary).toBe('in EAX, DX (0x4FFF)');
    expect(decodeIoQualification(0x03f80030).summary).toBe('rep outsb port 0x03F8');
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 4), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 0xffff }), (size, isIn, str, rep, imm, port) => {
        const d = decodeIoQualification(encodeIoQualification(size, isIn, str, rep, imm, port));
        expect(partValue(d, 'Size of access') + 1).toBe(size);
        expect(partValue(d, 'Direction')).toBe(isIn ? 1 : 0);
        expect(partValue(d, 'String instruction')).toBe(str ? 1 : 0);
        expect(partValue(d, 'REP prefixed')).toBe(rep ? 1 : 0);
        expect(partValue(d, 'Operand encoding')).toBe(imm ? 1 : 0);
        expect(partValue(d, 'Port number')).toBe(port);
      }),
    );
  });
});

describe('EPT-violation qualification (SDM Table 27-7)', () => {
  it('reproduces the KUT ept_access_test values', () => {
    expect(encodeEptViolationQualification(1, 0, true, true, false)).toBe(0x181); // read of not-present
    expect(encodeEptViolationQualification(2, 1, true, true, false)).toBe(0x18a); // write to read-only
    expect(encodeEptViolationQualification(4, 3, true, true, false)).toBe(0x19c); // fetch from RW page
  });

  it('leaves bit 8 clear when the linear address is not valid', () => {
    expect(encodeEptViolationQualification(1, 0, false, true, false)).toBe(0x1);
    expect(encodeEptViolationQualification(1, 0, true, false, true)).toBe(0x1081);
  });

  it('decodes for the UI', () => {
    expect(decodeEptViolationQualification(0x181).summary).toBe('EPT violation on read (not present)');
    expect(decodeEptViolationQualification(0x18a).summary).toBe('EPT violation on write (R--)');
    expect(decodeEptViolationQualification(0x081).summary).toBe('EPT violation on read (not present) during guest page walk');
  });
});

describe('other qualifications', () => {
  it('task switch (SDM Table 27-2)', () => {
    expect(encodeTaskSwitchQualification(0x28, 3)).toBe(0xc0000028);
    expect(decodeTaskSwitchQualification(0x40000030).summary).toBe('Task switch to TSS 0x0030 by IRET instruction');
  });

  it('INVLPG linear address and instruction displacements', () => {
    expect(encodeLinearAddressQualification(0x12345678)).toBe(0x12345678);
    expect(encodeDisplacementQualification(-8)).toBe(0xfffffff8);
    expect(decodeExitQualification(VmExitReason.VMPTRLD, 0xfffffff8).summary).toBe('displacement -0x8');
    expect(decodeExitQualification(VmExitReason.INVLPG, 0x12345678).summary).toBe('linear address 0x12345678');
  });

  it('#DB and #PF via the exception bitmap', () => {
    expect(encodeDebugExceptionQualification(0xffff4ff1)).toBe(0x4001);
    const dbInfo = encodeInterruptionInfo(1, InterruptionType.HARDWARE_EXCEPTION, false);
    expect(decodeExitQualification(0, 0x4001, dbInfo).summary).toBe('#DB: B0 BS');
    const pfInfo = encodeInterruptionInfo(14, InterruptionType.HARDWARE_EXCEPTION, true);
    expect(decodeExitQualification(0, 0xdeadb000, pfInfo).summary).toMatch(/^#PF at 0xDEADB000/);
  });

  it('VM-entry failure codes', () => {
    expect(EntryFailureQualification).toEqual({ DEFAULT: 0, PDPTE_LOAD: 2, NMI_INJECTION: 3, INVALID_VMCS_LINK_POINTER: 4 });
    expect(decodeExitQualification(33, 4).summary).toBe('VM-entry failure: invalid VMCS link pointer');
    expect(decodeExitQualification(34, 1).summary).toBe('MSR-load entry 1 failed');
  });

  it('MWAIT and reasons without a qualification', () => {
    expect(decodeExitQualification(VmExitReason.MWAIT, 1).summary).toBe('MWAIT with monitoring armed');
    expect(decodeExitQualification(VmExitReason.CPUID, 0).summary).toBe('no qualification');
  });
});

describe('interruption information (SDM Tables 24-13, 24-15, 24-16)', () => {
  it('reproduces vmx.md examples', () => {
    expect(encodeInterruptionInfo(2, InterruptionType.NMI, false)).toBe(0x80000202);
    expect(encodeInterruptionInfo(13, InterruptionType.HARDWARE_EXCEPTION, true)).toBe(0x80000b0d);
    expect(encodeInterruptionInfo(14, InterruptionType.HARDWARE_EXCEPTION, true)).toBe(0x80000b0e);
    expect(encodeInterruptionInfo(6, InterruptionType.HARDWARE_EXCEPTION, false)).toBe(0x80000306);
    expect(encodeInterruptionInfo(3, InterruptionType.SOFTWARE_EXCEPTION, false)).toBe(0x80000603);
  });

  it('decodes vector, type names, error-code flag, NMI unblocking and valid', () => {
    const d = decodeInterruptionInfo(0x80000b0d, 'exit');
    expect(d.summary).toBe('#GP general protection with error code');
    expect(d.parts.map((p) => [p.name, p.bits, p.value])).toEqual([
      ['Vector', '7:0', 13],
      ['Interruption type', '10:8', 3],
      ['Error code valid', '11', 1],
      ['NMI unblocking due to IRET', '12', 0],
      ['Reserved', '30:13', 0],
      ['Valid', '31', 1],
    ]);
    expect(d.parts[1]!.meaning).toBe('Hardware exception');
    expect(decodeInterruptionInfo(0x80000202).summary).toBe('NMI');
    expect(decodeInterruptionInfo(0x80000603).summary).toBe('INT3');
    expect(decodeInterruptionInfo(0x80000420, 'entry').summary).toBe('inject INT 0x20');
    expect(decodeInterruptionInfo(0x80000420, 'entry').parts.find((p) => p.name === 'Deliver error code')).toBeDefined();
    expect(decodeInterruptionInfo(0, 'idt-vectoring').summary).toBe('not valid');
  });

  it('lists the exceptions that deliver an error code', () => {
    expect(EXCEPTIONS_WITH_ERROR_CODE).toEqual([8, 10, 11, 12, 13, 14, 17]);
  });

  it('round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 7 }), fc.boolean(), fc.boolean(), (v, t, ec, nmi) => {
        const info = encodeInterruptionInfo(v, t, ec, nmi);
        const d = decodeInterruptionInfo(info, 'exit');
        expect(partValue(d, 'Vector')).toBe(v);
        expect(partValue(d, 'Interruption type')).toBe(t);
        expect(partValue(d, 'Error code valid')).toBe(ec ? 1 : 0);
        expect(partValue(d, 'NMI unblocking due to IRET')).toBe(nmi ? 1 : 0);
        expect(partValue(d, 'Valid')).toBe(1);
      }),
    );
  });
});

describe('VM-exit instruction information (SDM Tables 27-8 … 27-14)', () => {
  const mem = encodeMemoryOperandInfo(2, 1, 3, ESI, EBX); // DS:[EBX + ESI*4], 32-bit addressing

  it('encodes the shared memory-operand layout', () => {
    expect(mem).toBe(0x2 | (1 << 7) | (3 << 15) | (6 << 18) | (3 << 23));
    expect(encodeMemoryOperandInfo(0, 1, 3, -1, -1)).toBe((1 << 7) | (3 << 15) | (1 << 22) | (1 << 27));
  });

  it('VMREAD/VMWRITE: register and memory forms, encoding register in 31:28', () => {
    const reg = encodeVmreadVmwriteInfo(0, EAX, EDX); // vmread eax, edx
    expect(reg).toBe(0x20000400);
    expect(decodeInstructionInfo('vmread-vmwrite', reg).summary).toBe('encoding in EDX, other operand EAX');
    const m = encodeVmreadVmwriteInfo(mem, -1, ECX);
    expect(m >>> 28).toBe(ECX);
    expect(m & 0x400).toBe(0);
    expect(decodeInstructionInfo('vmread-vmwrite', m).summary).toBe('encoding in ECX, other operand DS:[EBX+ESI*4+disp]');
  });

  it('VMCLEAR/VMPTRLD/VMPTRST/VMXON: memory operand only', () => {
    expect(encodeVmxPointerInfo(mem)).toBe(mem);
    expect(decodeInstructionInfo('vmx-pointer', encodeVmxPointerInfo(encodeMemoryOperandInfo(0, 1, 3, -1, EAX))).summary).toBe('operand at DS:[EAX+disp]');
  });

  it('INVEPT/INVVPID: type register in 31:28', () => {
    const v = encodeInvalidationInfo(mem, ECX);
    expect(v >>> 28).toBe(ECX);
    expect(decodeInstructionInfo('invalidation', v).summary).toBe('type in ECX, descriptor at DS:[EBX+ESI*4+disp]');
  });

  it('LGDT/LIDT/SGDT/SIDT identity and operand size', () => {
    const v = encodeDescriptorTableInfo(mem, true, DescriptorTableInstruction.LIDT);
    expect(bitsOf(v, 29, 28)).toBe(3);
    expect(bitsOf(v, 11, 11)).toBe(1);
    expect(decodeInstructionInfo('descriptor-table', v).summary).toBe('LIDT DS:[EBX+ESI*4+disp]');
  });

  it('LLDT/LTR/SLDT/STR register and memory forms', () => {
    const reg = encodeLdtrTrInfo(0, EAX, LdtrTrInstruction.LTR);
    expect(reg).toBe(0x30000400);
    expect(decodeInstructionInfo('ldtr-tr', reg).summary).toBe('LTR EAX');
    expect(decodeInstructionInfo('ldtr-tr', encodeLdtrTrInfo(mem, -1, LdtrTrInstruction.SLDT)).summary).toBe('SLDT DS:[EBX+ESI*4+disp]');
  });

  it('RDRAND/RDSEED destination and size', () => {
    const v = encodeRdrandRdseedInfo(EDX, 1);
    expect(v).toBe((2 << 3) | (1 << 11));
    expect(decodeInstructionInfo('rdrand-rdseed', v).summary).toBe('destination EDX, 32-bit');
  });

  it('INS/OUTS address size and segment', () => {
    expect(encodeInsOutsInfo(1, 3)).toBe((1 << 7) | (3 << 15));
    expect(decodeInstructionInfo('ins-outs', encodeInsOutsInfo(1, 0)).summary).toMatch(/^32-bit address, segment ES/);
  });

  it('round-trips the memory operand', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: -1, max: 15 }), fc.integer({ min: -1, max: 15 }), fc.integer({ min: 0, max: 15 }),
        (s, a, seg, idx, base, reg2) => {
          const v = encodeVmreadVmwriteInfo(encodeMemoryOperandInfo(s, a, seg, idx, base), -1, reg2);
          const d = decodeInstructionInfo('vmread-vmwrite', v);
          expect(partValue(d, 'Scaling')).toBe(s);
          expect(partValue(d, 'Address size')).toBe(a);
          expect(partValue(d, 'Segment register')).toBe(seg);
          expect(partValue(d, 'Index invalid')).toBe(idx < 0 ? 1 : 0);
          if (idx >= 0) expect(partValue(d, 'Index register')).toBe(idx);
          expect(partValue(d, 'Base invalid')).toBe(base < 0 ? 1 : 0);
          if (base >= 0) expect(partValue(d, 'Base register')).toBe(base);
          expect(partValue(d, 'Reg2 (field encoding)')).toBe(reg2);
        },
      ),
    );
  });
});

describe('guest access rights (SDM Table 24-2)', () => {
  it('builds AR values from GDT descriptors', () => {
    // Flat 32-bit ring-0 code: access byte 0x9B, flags G=1 D=1 → 0xC09B.
    expect(accessRightsFromDescriptor(0x9b, 0xc)).toBe(0xc09b);
    // Same from the descriptor's high dword 0x00CF9B00.
    expect(accessRightsFromDescriptorHigh(0x00cf9b00)).toBe(0xc09b);
    // Flat data 0x00CF9300 → 0xC093; 32-bit busy TSS 0x00008B00 → 0x8B.
    expect(accessRightsFromDescriptorHigh(0x00cf9300)).toBe(0xc093);
    expect(accessRightsFromDescriptorHigh(0x00008b00)).toBe(0x8b);
  });

  it('decodes, including the unusable bit', () => {
    expect(decodeAccessRights(0xc09b).summary).toBe('code, execute/read, accessed, DPL 0, 32-bit, 4K granular');
    expect(decodeAccessRights(0x8b).summary).toBe('32-bit TSS (busy), DPL 0');
    expect(decodeAccessRights(AccessRights.UNUSABLE).summary).toBe('unusable');
    expect(decodeAccessRights(0xc09b).parts.find((p) => p.name === 'DPL')!.bits).toBe('6:5');
  });
});

describe('guest interruptibility and activity state (SDM Table 24-3)', () => {
  it('encodes and decodes blocking bits', () => {
    expect(encodeInterruptibility(true, false, false, false)).toBe(1);
    expect(encodeInterruptibility(false, true, false, true)).toBe(0xa);
    expect(decodeInterruptibility(0xa).summary).toBe('blocked by MOV SS, NMI');
    expect(decodeInterruptibility(0).summary).toBe('no blocking');
  });

  it('names activity states', () => {
    expect(ActivityState.HLT).toBe(1);
    expect(decodeActivityState(0).summary).toBe('Active');
    expect(decodeActivityState(3).summary).toBe('Wait-for-SIPI');
    expect(decodeActivityState(4).summary).toMatch(/^invalid/);
  });
});

describe('EPTP and EPT entries (SDM Table 24-8, §28.2.2)', () => {
  it('encodes WB 4-level EPTPs', () => {
    expect(encodeEptp(0x12345000, 6)).toEqual({ lo: 0x1234501e, hi: 0 });
    expect(encodeEptp(0x3_0000_0000 + 0x1000, 6, 4, true)).toEqual({ lo: 0x105e, hi: 3 });
    expect(eptpRootAddress({ lo: 0x105e, hi: 3 })).toBe(0x3_0000_1000);
  });

  it('decodes EPTPs, flagging reserved bits', () => {
    const d = decodeEptp({ lo: 0x1234501e, hi: 0 }, 36);
    expect(d.summary).toBe('PML4 at 0x12345000, WB, 4-level');
    expect(partValue(d, 'Page-walk length − 1')).toBe(3);
    expect(partValue(decodeEptp({ lo: 0x1e, hi: 0x10 }, 36), 'Reserved (above physical-address width)')).toBe(0x10);
  });

  it('decodes EPT entries', () => {
    expect(eptEntryPresent(0)).toBe(false);
    expect(eptEntryPresent(4)).toBe(true);
    expect(decodeEptEntry({ lo: 0x5007, hi: 0 }, 4).summary).toBe('PML4E RWX → 0x5000');
    expect(decodeEptEntry({ lo: 0x200000 | 0x80 | 0x30 | 0x3, hi: 0 }, 2).summary).toBe('PDE RW- → 0x200000 (2 MByte page)');
    expect(decodeEptEntry({ lo: 0x1000, hi: 0 }, 1).summary).toBe('PTE not present');
  });
});
