// Decoder conformance against iced-x86 (an independent decoder), for every encoding form the
// assembler emits (asm/tables.ts) with many operand choices, in 32-bit and 16-bit code: the decoder
// must agree on the length, on validity, and on every operand (registers, memory base/index/scale/
// displacement/segment, immediates, branch targets, far pointers). Plus the VMX instructions with their
// mandatory prefixes, the 15-byte limit, and regression cases for bugs found on the way.
// Random byte sequences are in decoder.property.test.ts.

import { describe, expect, it } from 'vitest';
import { decodeInsn } from './decoder.ts';
import { Insn, InsnFlow, MemForm, Prefix } from './insn.ts';
import { operandsOf } from './disasm/operands.ts';
import { formCount, formSamples } from './disasm/asm-forms.test-support.mts';
import { icedDecode } from './disasm/iced.test-support.mts';
import { runLab } from '../lab/run.ts';
import { NullSink } from '../trace/sink.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytesOf = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** Decodes the first instruction of `bytes` (padded so the decoder always has 15 bytes). */
function decode(bytes: Uint8Array, bits: 16 | 32): Insn {
  const buf = new Uint8Array(bytes.length + 16).fill(0x90);
  buf.set(bytes);
  const i = new Insn();
  expect(decodeInsn(buf, 0, buf.length, bits, i)).toBe(true);
  return i;
}

const isX87 = (i: Insn): boolean => i.opcode >= 0xd8 && i.opcode <= 0xdf;

/** Instructions the assembler emits that the modelled processors lack: decoded by name, executed as #UD. */
const ABSENT = new Set(['clac', 'stac', 'rsm', 'vmrun', 'vmmcall', 'vmload', 'vmsave', 'stgi', 'clgi']);

describe.each([32, 16] as const)('every assembler form in %d-bit code agrees with iced-x86', (bits) => {
  const samples = formSamples(bits);

  it('covers every form of the table with several operand choices', () => {
    const forms = new Set(samples.filter((s) => s.form !== 'extra').map((s) => s.form));
    expect(forms.size).toBe(formCount());
    expect(samples.length).toBeGreaterThan(6000);
  });

  it('length, validity, mnemonic and operands', () => {
    const failures: string[] = [];
    for (const s of samples) {
      const i = decode(s.bytes, bits);
      const ic = icedDecode(s.bytes, bits, 0x1000);
      const where = `'${s.src}' (${s.form}) → ${hex(s.bytes)}: iced '${ic.text}'`;
      if (ic.invalid) {
        // Only `lock nop` is meant to be invalid: the assembler lets a lesson show the #UD.
        if (i.invalid === '') failures.push(`${where}: iced says invalid, we accept it`);
        continue;
      }
      if (i.len !== s.bytes.length || ic.length !== s.bytes.length) failures.push(`${where}: length ${i.len}, iced ${ic.length}, assembled ${s.bytes.length}`);
      if (i.mnem === '(bad)' || (i.invalid !== '') !== ABSENT.has(i.mnem)) failures.push(`${where}: we decode ${i.mnem} (${i.invalid})`);
      if (hex(i.bytes) !== hex(s.bytes)) failures.push(`${where}: Insn.bytes ${hex(i.bytes)}`);
      const ours = operandsOf(i, 0x1000);
      const theirs = isX87(i) ? ic.operands.filter((o) => o.kind === 'mem') : ic.operands;
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) failures.push(`${where}: operands\n  ours  ${JSON.stringify(ours)}\n  iced  ${JSON.stringify(theirs)}`);
    }
    expect(failures.slice(0, 20).join('\n')).toBe('');
  });
});

describe('VMX instructions and their mandatory prefixes (SDM Vol. 3C §31.3)', () => {
  // [bytes, 32-bit mnemonic or '(bad)', note]
  const cases: [string, string, string][] = [
    ['0fc730', 'vmptrld', 'NP 0F C7 /6'],
    ['660fc730', 'vmclear', '66 0F C7 /6'],
    ['f30fc730', 'vmxon', 'F3 0F C7 /6'],
    ['0fc738', 'vmptrst', 'NP 0F C7 /7'],
    ['f20fc730', '(bad)', 'F2 0F C7 /6 is nothing'],
    ['660fc738', '(bad)', '66 0F C7 /7 is nothing'],
    ['f30fc738', '(bad)', 'F3 0F C7 /7 (mem) is nothing'],
    ['f3660fc730', 'vmxon', 'F3 wins over 66'],
    ['66f30fc730', 'vmxon', 'F3 wins over 66 in either order'],
    ['f2660fc730', '(bad)', 'F2 wins over 66: nothing'],
    ['0fc7f0', 'rdrand', '0F C7 /6 with a register is RDRAND'],
    ['660fc7f0', 'rdrand', '66: 16-bit RDRAND'],
    ['f30fc7f0', '(bad)', 'F3 0F C7 /6 reg (SENDUIPI/...) is not modelled'],
    ['0fc7f8', 'rdseed', '0F C7 /7 with a register is RDSEED'],
    ['0fc708', 'cmpxchg8b', '0F C7 /1'],
    ['f00fc708', 'cmpxchg8b', 'LOCK CMPXCHG8B'],
    ['0fc7c8', '(bad)', 'CMPXCHG8B with a register'],
    ['0f7803', 'vmread', '0F 78 /r'],
    ['0f79c3', 'vmwrite', '0F 79 /r (register form)'],
    ['660f7803', '(bad)', '66 0F 78 is EXTRQ (SSE4a)'],
    ['f20f7bc3', '(bad)', 'F2 0F 7B is nothing'],
    ['f30f7803', '(bad)', 'F3 0F 78 is nothing'],
    ['660f388003', 'invept', '66 0F 38 80'],
    ['660f388103', 'invvpid', '66 0F 38 81'],
    ['660f388203', 'invpcid', '66 0F 38 82'],
    ['0f388003', '(bad)', 'INVEPT needs 66'],
    ['f3660f388003', '(bad)', 'F3 66 0F 38 80 is nothing'],
    ['660f3880c3', '(bad)', 'INVEPT with a register operand'],
    ['0f01c1', 'vmcall', '0F 01 C1'],
    ['0f01c2', 'vmlaunch', '0F 01 C2'],
    ['0f01c3', 'vmresume', '0F 01 C3'],
    ['0f01c4', 'vmxoff', '0F 01 C4'],
    ['0f01d4', 'vmfunc', '0F 01 D4'],
  ];
  it.each(cases)('%s → %s (%s)', (h, mnem, _note) => {
    for (const bits of [32, 16] as const) {
      const b = bytesOf(h);
      const i = decode(b, bits);
      const ic = icedDecode(b, bits);
      expect(i.mnem).toBe(mnem);
      expect(i.invalid === '').toBe(mnem !== '(bad)');
      if (!ic.invalid) expect(i.len).toBe(ic.length);
      expect(ic.invalid).toBe(mnem === '(bad)');
    }
  });

  it('a mandatory 66 is not an operand-size override; VMREAD/VMWRITE are always 32-bit', () => {
    expect(decode(bytesOf('660fc730'), 32).osz).toBe(4);
    expect(decode(bytesOf('660fc730'), 16).osz).toBe(2);
    expect(decode(bytesOf('660f388003'), 32).osz).toBe(4);
    expect(decode(bytesOf('0f7803'), 16).osz).toBe(4);
    expect(decode(bytesOf('660fc7f0'), 32).osz).toBe(2); // RDRAND: 66 is an operand-size prefix
  });

  it('memory operand fields feed the VM-exit instruction information (segment, base, index, scale, displacement)', () => {
    // vmptrld [fs:ebx+esi*8-0x10] ; vmclear [bp+di+0x1234] (16-bit addressing)
    const a = decode(bytesOf('640fc774f3f0'), 32);
    expect([a.mem, a.seg, a.segOverride, a.base, a.index, a.scale, a.disp, a.asz]).toEqual([MemForm.A32, 4, true, 3, 6, 3, -16, 4]);
    const b = decode(bytesOf('66670fc7b33412'), 32);
    expect(b.mnem).toBe('vmclear');
    expect([b.mem, b.seg, b.base, b.index, b.disp, b.asz, b.osz]).toEqual([MemForm.A16, 2, 5, 7, 0x1234, 2, 4]);
    // a disp16 without registers is still a sign-extended displacement field (SDM Vol. 3C §28.2.1)
    const d16 = decode(bytesOf('0fc7360080'), 16); // vmptrld [0x8000]
    expect([d16.mnem, d16.base, d16.index, d16.disp]).toEqual(['vmptrld', -1, -1, -0x8000]);
    // vmread with SS default through EBP
    const c = decode(bytesOf('0f784500'), 32);
    expect([c.seg, c.segOverride, c.base]).toEqual([2, false, 5]);
  });
});

describe('instruction length limit (SDM Vol. 2A §2.3.11)', () => {
  it('15 bytes decode; a 16th byte makes the instruction raise #GP(0)', () => {
    const ok = decode(bytesOf('66'.repeat(14) + '90'), 32);
    expect(ok.len).toBe(15);
    expect(ok.invalid).toBe('');
    const long = decode(bytesOf('66'.repeat(15) + '90'), 32);
    expect(long.len).toBe(15);
    expect(long.mnem).toBe('(bad)');
    expect(long.invalid).toMatch(/15 bytes/);
    expect(long.flow).toBe(InsnFlow.END_BLOCK);
    expect(icedDecode(bytesOf('66'.repeat(15) + '90'), 32).invalid).toBe(true);
    // A long instruction made of a real encoding: 11 prefixes + add dword [eax+eax*1+0x12345678], imm32
    const longAdd = decode(bytesOf('2e'.repeat(5) + '8184007856341278563412'), 32);
    expect(longAdd.invalid).toMatch(/15 bytes/);
  });

  it('with fewer than 15 bytes available, running out asks for more (returns false)', () => {
    const i = new Insn();
    const b = bytesOf('8184007856341278');
    expect(decodeInsn(b, 0, b.length, 32, i)).toBe(false);
    expect(decodeInsn(bytesOf('66'.repeat(14)), 0, 14, 32, i)).toBe(false);
    expect(decodeInsn(new Uint8Array(0), 0, 0, 32, i)).toBe(false);
    // ...but a window of 15 bytes always yields an instruction, however many prefixes it holds
    expect(decodeInsn(bytesOf('f0'.repeat(15)), 0, 15, 32, i)).toBe(true);
    expect(i.invalid).toMatch(/15 bytes/);
  });

  it('on the machine: a 16-byte instruction raises #GP(0) at its first byte (it used to hang the run loop)', () => {
    const r = runLab(`; @mode bare\nstart:\n  db ${'0x66, '.repeat(15)}0x90\n  hlt\n`, { maxSteps: 100, trace: new NullSink() });
    expect(r.ok && r.end.reason).toBe('unhandled-exception');
    if (!r.ok) return;
    expect([r.end.vector, r.end.errorCode]).toEqual([13, 0]);
    expect((r.end.registers as Record<string, string>).eip).toBe('0x00010000');
  });

  it('decodes at an offset inside a larger buffer', () => {
    const buf = bytesOf('cccccc' + '8b448b10' + 'cc'.repeat(20));
    const i = new Insn();
    expect(decodeInsn(buf, 3, 3 + 15, 32, i)).toBe(true);
    expect([i.len, i.mnem, hex(i.bytes)]).toEqual([4, 'mov', '8b448b10']);
  });
});

describe('regressions (bugs found against iced-x86)', () => {
  const cases: [string, 16 | 32, string, number, string][] = [
    // [bytes, bits, mnemonic, length, why]
    ['b878563412', 32, 'mov', 5, 'B8+r takes an imm32 (Iv)'],
    ['0f2000', 32, 'mov', 3, 'MOV r32, CR0 ignores mod: no SIB/displacement follows'],
    ['0f2205', 32, 'mov', 3, 'MOV CR0, r32 with mod=00 rm=101: no disp32'],
    ['0f2304', 32, 'mov', 3, 'MOV DR0, r32 with rm=100: no SIB'],
    ['0f22e8', 32, '(bad)', 3, 'MOV CR5 does not exist (#UD)'],
    ['8dc0', 32, '(bad)', 2, 'LEA with a register operand is #UD'],
    ['c5f877', 16, '(bad)', 3, 'C5 with mod=11 is a VEX prefix, not LDS (also in 16-bit code)'],
    ['c5f877', 32, '(bad)', 3, 'VEX VZEROUPPER (no ModRM)'],
    ['c4e27918c0', 32, '(bad)', 5, 'VEX3 map 0F38 instruction'],
    ['c4e3794ac001', 32, '(bad)', 6, 'VEX3 map 0F3A: imm8'],
    ['62f17c487c0500000000', 32, '(bad)', 10, 'EVEX with a disp32 memory operand'],
    ['62f1fd28efc0', 32, '(bad)', 6, '62 with mod=11 is EVEX, not BOUND'],
    ['f20f79c3', 32, '(bad)', 4, 'F2 0F 79 /r is INSERTQ (SSE4a): ModRM'],
    ['660f78c00102', 32, '(bad)', 6, '66 0F 78 /0 ib ib is EXTRQ (SSE4a)'],
    ['ffd8', 32, '(bad)', 2, 'CALL FAR with a register is #UD'],
    ['0fb2c0', 32, '(bad)', 3, 'LSS with a register is #UD'],
    ['8ec8', 32, '(bad)', 2, 'MOV CS, r/m is #UD'],
    ['8cf0', 32, '(bad)', 2, 'segment register 6 does not exist'],
    ['e3fe', 32, 'jecxz', 2, 'JECXZ in 32-bit code'],
    ['67e3fe', 32, 'jcxz', 3, 'the address size (not the operand size) selects CX'],
    ['66e3fe', 32, 'jecxz', 3, 'an operand-size prefix does not'],
    ['67e3fe', 16, 'jecxz', 3, 'JECXZ in 16-bit code with 67'],
    ['0f58c1', 32, '(bad)', 3, 'unimplemented SSE opcode: still the right length'],
    ['0f70c1ff', 32, '(bad)', 4, 'unimplemented SSE opcode with an imm8'],
    ['660f3a0fc108', 32, '(bad)', 6, '0F 3A map: ModRM + imm8'],
    ['c6f805', 32, 'xabort', 3, 'XABORT imm8 (named; #UD without RTM)'],
    ['c7f800000000', 32, 'xbegin', 6, 'XBEGIN rel32'],
    ['0f1f440000', 32, 'nop', 5, 'multi-byte NOP'],
    ['0f0d08', 32, 'prefetchw', 3, 'PREFETCHW hint'],
    ['0f1cf8', 32, 'nop', 3, 'hint-NOP space with a register'],
    ['f30f1efb', 32, 'endbr32', 4, 'ENDBR32'],
    ['dbe3', 32, 'fninit', 2, 'x87 control instruction'],
    ['d9d1', 32, '(bad)', 2, 'reserved x87 encoding'],
    ['0fc9', 16, 'bswap', 2, 'BSWAP in 16-bit code has a 16-bit operand'],
  ];
  it.each(cases)('%s (%d-bit) → %s, %d bytes: %s', (h, bits, mnem, len, _why) => {
    const b = bytesOf(h);
    const i = decode(b, bits);
    expect(i.mnem).toBe(mnem);
    expect(i.len).toBe(len);
    const ic = icedDecode(b, bits);
    if (!ic.invalid) expect(ic.length).toBe(len);
    else expect(mnem).toBe('(bad)');
  });

  it('MOV CR/DR operands are registers whatever the mod bits', () => {
    const i = decode(bytesOf('0f2000'), 32);
    expect([i.mod, i.reg, i.rm, i.mem]).toEqual([3, 0, 0, MemForm.NONE]);
  });

  it('records the code size and the prefixes present', () => {
    const i = decode(bytesOf('f0662e67f3a5'), 16);
    expect(i.codeSize).toBe(16);
    expect(i.prefixes).toBe(Prefix.LOCK | Prefix.OPSIZE | Prefix.SEGMENT | Prefix.ADDRSIZE | Prefix.REP);
    expect([i.osz, i.asz, i.seg, i.rep]).toEqual([4, 4, 1, 0xf3]);
  });

  it('a LOCK prefix the instruction does not allow raises #UD (the name stays)', () => {
    const bad = decode(bytesOf('f001c0'), 32); // lock add eax, eax
    expect(bad.mnem).toBe('add');
    expect(bad.invalid).toMatch(/LOCK/);
    const good = decode(bytesOf('f00100'), 32); // lock add [eax], eax
    expect(good.invalid).toBe('');
  });
});
