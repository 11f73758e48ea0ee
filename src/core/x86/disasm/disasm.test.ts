// The disassembler against iced-x86's NASM formatter.
//
// Normalisation: none on the text itself. iced's formatter is configured to the disassembler's style
// (iced.test-support.mts `formatter`): hexPrefix '0x', hexSuffix '', lower-case hex digits and
// keywords, ', ' between operands, no branch-size keywords (`short`/`near`) and no leading zeros in
// branch targets; memory sizes Always (our default) or Default (our `memorySizes: 'needed'`). With
// those options the strings must be identical.
//
// Intentional differences (asserted below, so they stay deliberate):
//   - an instruction with a LOCK prefix it does not allow keeps its text (`lock nop`), iced prints
//     `(bad)`; the line is `invalid`;
//   - F3 0F BC/BD print as `bsf`/`bsr`, not `tzcnt`/`lzcnt`, and F3 0F 09 as `wbinvd`, not `wbnoinvd`:
//     the modelled CPUs lack BMI1/LZCNT/WBNOINVD and execute these encodings as BSF/BSR/WBINVD (the F3 is
//     ignored, SDM Vol. 2B "LZCNT", "TZCNT", "WBNOINVD");
//   - F3 0F 1E /1 with a register prints as the hint NOP it is without CET (iced: `rdsspd`);
//   - opcodes the core does not implement (SSE, MMX, AVX, 3DNow!, XSAVE…) print `(bad)`, with the
//     instruction's true length so the listing stays in step with iced.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble } from '../asm/index.ts';
import { decodeInsn } from '../decoder.ts';
import { Insn } from '../insn.ts';
import { formSamples } from './asm-forms.test-support.mts';
import { icedDecode } from './iced.test-support.mts';
import { disassemble, formatInsn, formatParts } from './index.ts';

const bytesOf = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const ORIGIN = 0x1000;

describe.each([32, 16] as const)('every assembler form in %d-bit code prints as iced-x86 prints it', (bits) => {
  const samples = formSamples(bits);
  it.each([['always', 'text'], ['needed', 'textNeeded']] as const)('memory sizes %s', (memorySizes, field) => {
    const failures: string[] = [];
    let compared = 0;
    for (const s of samples) {
      const [line] = disassemble(s.bytes, ORIGIN, bits, 1, { memorySizes });
      const ic = icedDecode(s.bytes, bits, ORIGIN);
      if (ic.invalid) {
        expect(line.invalid, s.src).toBe(true); // `lock nop` only
        expect(s.src).toBe('lock nop');
        expect(line.text).toBe('lock nop');
        continue;
      }
      compared++;
      if (line.text !== ic[field]) failures.push(`'${s.src}' → ${hex(s.bytes)}: ours '${line.text}', iced '${ic[field]}'`);
      expect(line.length).toBe(s.bytes.length);
    }
    expect(failures.slice(0, 30).join('\n')).toBe('');
    expect(compared).toBeGreaterThan(6000);
  });
});

const PREFIXES = [0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];
const code = fc
  .tuple(fc.array(fc.constantFrom(...PREFIXES), { maxLength: 3 }), fc.constantFrom([], [0x0f], [0x0f, 0x01], [0xff], [0xd9], [0xdd], [0xdf]), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean())
  .map(([pre, open, rest, plain]) => {
    if (plain) return rest;
    const b = new Uint8Array(16);
    b.set([...pre, ...open]);
    b.set(rest.subarray(0, 16 - pre.length - open.length), pre.length + open.length);
    return b;
  });

/** iced's mnemonic where we print what the modelled CPUs execute (see the list at the top), else null. */
function documentedDifference(i: Insn): string | null {
  if (i.rep !== 0xf3) return null;
  if (i.opcode === 0x0fbc) return 'tzcnt';
  if (i.opcode === 0x0fbd) return 'lzcnt';
  if (i.opcode === 0x0f09) return 'wbnoinvd';
  if (i.opcode === 0x0f1e && i.mod === 3 && i.reg === 1) return 'rdssp';
  return null;
}

describe('documented differences from iced-x86', () => {
  it.each([
    ['f30fbcc1', 'bsf eax, ecx', 'tzcnt eax, ecx'],
    ['f30fbdc1', 'bsr eax, ecx', 'lzcnt eax, ecx'],
    ['f30f09', 'wbinvd', 'wbnoinvd'],
    ['f30f1ec8', 'nop eax, ecx', 'rdsspd eax'],
    ['f090', 'lock nop', '(bad)'],
  ])('%s: ours %s, iced %s', (h, ours, theirs) => {
    expect(disassemble(bytesOf(h), 0, 32)[0].text).toBe(ours);
    expect(icedDecode(bytesOf(h), 32).text).toBe(theirs);
  });
});

describe.each([32, 16] as const)('random %d-bit code prints as iced-x86 prints it', (bits) => {
  it('text (both memory-size styles) for every implemented instruction; length for the rest (20 000 inputs)', () => {
    let compared = 0;
    fc.assert(
      fc.property(code, fc.nat(0xffff), (bytes, ip) => {
        const address = bits === 16 ? ip : ip * 0x10001;
        const ic = icedDecode(bytes, bits, address);
        const [a] = disassemble(bytes, address, bits, 1);
        const [n] = disassemble(bytes, address, bits, 1, { memorySizes: 'needed' });
        if (ic.invalid) {
          expect(a.invalid).toBe(true);
          return;
        }
        expect(a.length).toBe(ic.length);
        if (a.mnemonic === '(bad)') return;
        const i = new Insn();
        decodeInsn(bytes, 0, 16, bits, i);
        const pre = documentedDifference(i);
        if (pre !== null) {
          expect(ic.text).toMatch(new RegExp('^' + pre));
          return;
        }
        compared++;
        expect(a.text, hex(bytes)).toBe(ic.text);
        expect(n.text, hex(bytes)).toBe(ic.textNeeded);
      }),
      { numRuns: 20_000, seed: 4242 + bits },
    );
    expect(compared).toBeGreaterThan(12_000);
  });
});

describe('disassemble()', () => {
  it('lists a program as iced-x86 does, with absolute branch targets', () => {
    const src = [
      'start: mov eax, [ebx+ecx*4+0x10]',
      '  cmp eax, 0x80000000',
      '  jne start',
      '  call far [fs:esi]',
      '  jmp 0x08:0x2000',
      '  rep movsd',
      '  lock xadd [edi], eax',
      '  vmptrld [ebp-8]',
      '  vmxon [esp]',
      '  vmread [0x4000], ecx',
      '  invept eax, [ebx]',
      '  loop start',
      '  ret 8',
    ].join('\n');
    const r = assemble(src, { origin: 0x10000, bits: 32 });
    if (!r.ok) throw new Error(r.errors[0].message);
    const lines = disassemble(r.bytes, 0x10000, 32);
    expect(lines.map((l) => l.text)).toEqual([
      'mov eax, dword [ebx+ecx*4+0x10]',
      'cmp eax, 0x80000000',
      'jne 0x10000',
      'call far [fs:esi]',
      'jmp 8:0x2000',
      'rep movsd',
      'lock xadd dword [edi], eax',
      'vmptrld [ebp-8]',
      'vmxon [esp]',
      'vmread dword [0x4000], ecx',
      'invept eax, oword [ebx]',
      'loop 0x10000',
      'ret 8',
    ]);
    let at = 0x10000;
    for (const l of lines) {
      expect(l.address).toBe(at);
      expect(l.text).toBe(icedDecode(l.bytes, 32, l.address).text);
      expect(l.invalid).toBe(false);
      at += l.length;
    }
    expect(at).toBe(0x10000 + r.bytes.length);
    expect(lines[6]).toMatchObject({ prefixes: 'lock', mnemonic: 'xadd', operands: 'dword [edi], eax' });
    expect(disassemble(r.bytes, 0x10000, 32, 1, { memorySizes: 'needed' })[0].text).toBe('mov eax, [ebx+ecx*4+0x10]');
  });

  it('16-bit code: 16-bit registers and addressing, IP wraps at 64 KiB', () => {
    const r = assemble('mov ax, [bp+si-2]\nmov eax, [bx]\njmp short $+0x10', { origin: 0, bits: 16 });
    if (!r.ok) throw new Error(r.errors[0].message);
    const lines = disassemble(r.bytes, 0xfff8, 16);
    expect(lines.map((l) => [l.address, l.text])).toEqual([
      [0xfff8, 'mov ax, word [bp+si-2]'],
      [0xfffb, 'mov eax, dword [bx]'],
      [0xfffe, 'jmp 0xe'], // (0xfffe + 0x10) & 0xffff
    ]);
  });

  it('unknown and unimplemented opcodes are (bad) with their bytes; so is an instruction cut short', () => {
    const lines = disassemble(bytesOf('0f58c1 90 0f0b 8b'), 0x1000, 32);
    expect(lines.map((l) => [l.text, hex(l.bytes), l.invalid])).toEqual([
      ['(bad)', '0f58c1', true], // ADDPS: SSE is not modelled; 3 bytes, as iced decodes it
      ['nop', '90', false],
      ['ud2', '0f0b', false], // UD2 is a valid instruction that raises #UD
      ['(bad)', '8b', true],
    ]);
    expect(lines[3].reason).toMatch(/end/);
    expect(lines[0].reason).toMatch(/unimplemented/);
  });

  it('instructions the modelled CPUs lack, and LOCK misuse, keep their text but are invalid', () => {
    const [clac, vmrun, lockNop, xbegin] = disassemble(bytesOf('0f01ca 0f01d8 f090 c7f800000000'), 0x1000, 32);
    expect([clac.text, clac.invalid, clac.reason]).toEqual(['clac', true, expect.stringMatching(/SMAP/)]);
    expect([vmrun.text, vmrun.invalid]).toEqual(['vmrun', true]);
    expect([lockNop.text, lockNop.invalid, lockNop.reason]).toEqual(['lock nop', true, expect.stringMatching(/LOCK/)]);
    expect([xbegin.text, xbegin.invalid]).toEqual(['xbegin 0x100e', true]);
  });

  it('count limits the number of lines; an empty buffer gives none', () => {
    expect(disassemble(bytesOf('909090'), 0, 32, 2)).toHaveLength(2);
    expect(disassemble(new Uint8Array(0), 0, 32)).toEqual([]);
  });

  it('formatInsn formats a decoded instruction at a given address', () => {
    const i = new Insn();
    decodeInsn(bytesOf('e8fbffffff'), 0, 5, 32, i);
    expect(formatInsn(i, 0x2000)).toBe('call 0x2000');
    expect(formatParts(i, 0x2000)).toEqual({ prefixes: '', mnemonic: 'call', operands: '0x2000', text: 'call 0x2000' });
    decodeInsn(bytesOf('8b4500'), 0, 3, 32, i);
    expect(formatInsn(i, 0, { memorySizes: 'needed' })).toBe('mov eax, [ebp]');
  });

  it('never throws: lines cover the bytes exactly, in order (5 000 random buffers)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(16 as const, 32 as const), fc.nat(), (bytes, bits, address) => {
        const lines = disassemble(bytes, address, bits);
        let off = 0;
        for (const l of lines) {
          expect(hex(l.bytes)).toBe(hex(bytes.subarray(off, off + l.length)));
          expect(l.length).toBeGreaterThan(0);
          expect(l.text.length).toBeGreaterThan(0);
          const ip = (address + off) >>> 0;
          expect(l.address).toBe(bits === 16 ? ip & 0xffff : ip);
          off += l.length;
        }
        expect(off).toBe(bytes.length);
      }),
      { numRuns: 5_000, seed: 7 },
    );
  });
});
