// Errors: every class of mistake is reported with a message that names the problem and the exact
// line and columns of the offending token; all errors are collected (up to 100); no input throws.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble, formatAsmError, type AsmError } from './index.ts';

function errors(src: string, opts?: Parameters<typeof assemble>[1]): AsmError[] {
  const r = assemble(src, opts);
  if (r.ok) throw new Error(`'${src}' assembled without errors`);
  return r.errors;
}

/** The one error of a one-error program, with the text it points at. */
function only(src: string, opts?: Parameters<typeof assemble>[1]): AsmError & { at: string } {
  const es = errors(src, opts);
  expect(es, es.map((e) => e.message).join('; ')).toHaveLength(1);
  const e = es[0];
  const line = src.split(/\r\n|\n|\r/)[e.line - 1] ?? '';
  return { ...e, at: line.slice(e.column - 1, e.endColumn - 1) };
}

describe('the error classes of the brief, with exact positions', () => {
  it.each([
    ['mvo eax, 1', 1, 1, 'mvo', "unknown instruction 'mvo' (did you mean 'mov'?)"],
    ['  mov al, ebx', 1, 11, 'ebx', "operand size mismatch: 'mov al, ebx' needs both operands the same size"],
    ['mov al, 300', 1, 9, '300', 'immediate 300 does not fit in 8 bits'],
    ['loop:\n  jmp lopp', 2, 7, 'lopp', "undefined symbol 'lopp'"],
    ['nop\nnop\nstart: nop\nstart: hlt', 4, 1, 'start', "label 'start' defined twice (first on line 3)"],
    ['mov [eax], [ebx]', 1, 12, '[ebx]', "'mov' has no form 'mov [eax], [ebx]': memory-to-memory is not encodable"],
    ['mov [ebx], 1', 1, 5, '[ebx]', "operand size is ambiguous: write 'dword [ebx]' or 'byte [ebx]'"],
    ['inc [ebx]', 1, 5, '[ebx]', "operand size is ambiguous: write 'dword [ebx]' or 'byte [ebx]'"],
    ['times 1000000000 db 0', 1, 7, '1000000000', 'output would exceed 16 MiB'],
  ])('%s', (src, line, column, at, message) => {
    const e = only(src);
    expect(e).toMatchObject({ line, column, at, message });
  });
});

describe('more mistakes students make', () => {
  it.each([
    // [source, line, column, text pointed at, message (substring)]
    ['movzx eax, [ebx]', 1, 12, '[ebx]', "operand size is ambiguous: write 'word [ebx]' or 'byte [ebx]'"],
    ['mov eax, byte [ebx]', 1, 10, 'byte [ebx]', 'operand size mismatch'],
    ['mov ax, 70000', 1, 9, '70000', 'immediate 70000 does not fit in 16 bits'],
    ['mov eax, 0x100000000', 1, 10, '0x100000000', 'immediate 4294967296 does not fit in 32 bits'],
    ['add eax, ebx+1', 1, 10, 'ebx+1', "write '[ebx+1]'"],
    ['mov eax, [eax*3+ebx]', 1, 11, 'eax', 'scale 3 is not encodable'],
    ['mov eax, [esp*4]', 1, 11, 'esp', "'esp' cannot be an index register"],
    ['mov eax, [ebx+cx]', 1, 15, 'cx', 'cannot mix 16-bit and 32-bit registers'],
    ['mov eax, [ax]', 1, 10, '[ax]', '16-bit address is [bx or bp] + [si or di]'],
    ['mov eax, [al]', 1, 11, 'al', "'al' cannot be used in an address"],
    ['mov eax, [ebx*ecx]', 1, 14, '*', 'a register can only be multiplied by a constant'],
    ['mov eax, [ebx-ecx]', 1, 15, 'ecx', "register 'ecx' cannot be subtracted"],
    ['mov eax, [ebx+esi+edi]', 1, 19, 'edi', 'at most two registers'],
    ['mov cs, ax', 1, 5, 'cs', "'mov' cannot load cs"],
    ['pop cs', 1, 5, 'cs', "there is no 'pop cs'"],
    ['mov ds, 0x10', 1, 9, '0x10', "load a register first ('mov ax, 0x10' then 'mov ds, ax')"],
    ['mov cr0, 1', 1, 10, '1', "'cr0' can only be moved to or from a 32-bit general register"],
    ['mov cr0, ax', 1, 10, 'ax', "'cr0' can only be moved to or from a 32-bit general register"],
    ['mov cr8, eax', 1, 5, 'cr8', "'cr8' exists only in 64-bit mode"],
    ['mov eax, cr5', 1, 10, 'cr5', "'cr5' is reserved"],
    ['mov rax, 1', 1, 5, 'rax', "'rax' is a 64-bit register"],
    ['movaps xmm0, xmm1', 1, 1, 'movaps', "unknown instruction 'movaps'"],
    ['push', 1, 1, 'push', "'push' needs 1 operand, got 0"],
    ['cpuid eax', 1, 7, 'eax', "'cpuid' takes no operands"],
    ['mov eax', 1, 5, 'eax', "'mov' needs 2 operands, got 1"],
    ['mov eax, 1, 2', 1, 13, '2', "'mov' needs 2 operands, got 3"],
    ['imul eax, ebx, ecx, edx', 1, 21, 'edx', "'imul' takes 1, 2 or 3 operands, got 4"],
    ['bswap ax', 1, 7, 'ax', "'bswap' has no form 'bswap ax'; valid forms: bswap r32"],
    ['vmxon eax', 1, 7, 'eax', "'vmxon' has no form 'vmxon eax'; valid forms: vmxon m64"],
    ['vmxon dword [eax]', 1, 7, 'dword [eax]', "valid forms: vmxon m64"],
    ['invept eax, ebx', 1, 13, 'ebx', 'valid forms: invept r32, m128'],
    ['vmread eax, [ebx]', 1, 13, '[ebx]', 'valid forms: vmread r/m32, r32'],
    ['jmp far x\nx:', 1, 5, 'far x', "a far jump or call needs 'selector:offset'"],
    ['add eax, short 5', 1, 10, 'short 5', "'short' only applies to jmp, call and conditional jumps"],
    ['jmp short x\ntimes 200 nop\nx:', 1, 5, 'short x', 'jump target out of range: it is 200 bytes away and a short jump reaches -128..+127'],
    ['x: times 200 nop\nloop x', 2, 6, 'x', "'loop' reaches -128..+127"],
    ['int 256', 1, 5, '256', 'immediate 256 does not fit in 8 bits'],
    ['in al, 0x100', 1, 8, '0x100', 'does not fit in 8 bits'],
    ['db 300', 1, 4, '300', 'value 300 does not fit in a byte (db)'],
    ['dw -40000', 1, 4, '-40000', 'does not fit in a word (dw)'],
    ['x equ 1\nx equ 2', 2, 1, 'x', "symbol 'x' defined twice (first on line 1)"],
    ['b equ 5 / 0', 1, 9, '/', 'division by zero'],
    ['org 0x1000\norg 0x2000', 2, 1, 'org', "only one 'org' is allowed"],
    ['bits 64', 1, 6, '64', "'bits' must be 16 or 32"],
    ['times -1 nop', 1, 7, '-1', 'times count -1 is negative'],
    ['align 3', 1, 7, '3', 'alignment 3 must be a power of two'],
    ['mov eax, (1+2', 1, 14, '', "expected ')'"],
    ['mov eax, [ebx', 1, 14, '', "expected ']' to close the '[' at column 10"],
    ['db "abc', 1, 4, '"abc', 'unterminated string'],
    ['mov eax, 0x', 1, 10, '0x', "malformed number '0x'"],
    ['mov eax, 1.5', 1, 10, '1.5', 'floating-point constant'],
    ['mov eax, 99999999999999999999999', 1, 10, '99999999999999999999999', 'too large'],
    ["mov eax, 'abcdefghi'", 1, 10, "'abcdefghi'", 'longer than 8 bytes'],
    ['foo', 1, 1, 'foo', "if it is a label, add a colon: 'foo:'"],
    ['# not a comment', 1, 1, '#', "unexpected character '#' (comments start with ;)"],
    ['%macro m 1', 1, 1, '%macro', "'%macro' is not supported"],
    ['eax: nop', 1, 1, 'eax', "'eax' is a register and cannot be a label"],
    ['mov eax, []', 1, 10, '[]', 'empty memory reference'],
    ['add eax, ebx ecx', 1, 14, 'ecx', "unexpected 'ecx' after operand 2"],
    ['mov byte eax, 1', 1, 5, 'byte eax', "'byte' does not match the 32-bit register 'eax'"],
    ['o16 pushad', 1, 5, 'pushad', "'o16' contradicts the operand size"],
    ['a16 mov eax, [ebx]', 1, 14, '[ebx]', "'a16' contradicts the 32-bit registers"],
    ['bits 16\nmov ax, [0x12345]', 2, 9, '[0x12345]', "write 'a32' before the instruction"],
    ['a equ b\nb equ a', 1, 7, 'b', "symbol 'b' has no value: its definition on line 2 cannot be evaluated"],
    ['jmp 0x10000:0', 1, 5, '0x10000:0', 'segment selector 0x10000 does not fit in 16 bits'],
    ['movs [edi], [esi]', 1, 6, '[edi]', "operand size is ambiguous: write 'dword [edi]' or 'byte [edi]'"],
    ['movs byte [fs:edi], [esi]', 1, 6, 'byte [fs:edi]', "the destination of 'movs' is always es:[edi]"],
    ['lods byte [ebx]', 1, 6, 'byte [ebx]', "must be [esi] (or [si] for 16-bit addressing)"],
    ['incbin "x.bin"', 1, 1, 'incbin', "'incbin' is not supported"],
  ] as [string, number, number, string, string][])('%s', (src, line, column, at, message) => {
    const es = errors(src);
    const e = es[0];
    const text = src.split('\n')[e.line - 1].slice(e.column - 1, e.endColumn - 1);
    expect({ line: e.line, column: e.column, at: text }).toEqual({ line, column, at });
    expect(e.message).toContain(message);
  });

  it('does not pile a second error on an operand that already failed', () => {
    expect(errors('mov rax, 1')).toHaveLength(1);
    expect(errors('mov [undefined_thing], 1')).toHaveLength(1);
  });
});

describe('collecting errors', () => {
  it('reports every error in the file, in source order', () => {
    const src = 'start:\n  mvo eax, 1\n  jmp lopp\n  mov al, ebx\n  mov [ebx], 1\nstart: nop\n  db 300';
    expect(errors(src).map((e) => [e.line, e.column])).toEqual([[2, 3], [3, 7], [4, 11], [5, 7], [6, 1], [7, 6]]);
  });

  it('caps the list at 100', () => {
    expect(errors('mvo eax, 1\n'.repeat(500))).toHaveLength(100);
    expect(errors('mvo eax, 1\n'.repeat(500))[99].line).toBe(100);
  });

  it('formats an error as file:line:column: message', () => {
    const [e] = errors('\n  mvo eax, 1');
    expect(formatAsmError('lab.asm', e)).toBe("lab.asm:2:3: unknown instruction 'mvo' (did you mean 'mov'?)");
  });

  it('gives every error a span of at least one column', () => {
    for (const e of errors('mov eax, (1+2\nmov eax,\ndb 1,\nfoo bar')) expect(e.endColumn).toBeGreaterThan(e.column);
  });
});

describe('pathological input', () => {
  const MB = 1 << 20;
  it.each([
    ['a 1 MB identifier', 'a'.repeat(MB)],
    ['a 1 MB operand', 'mov eax, ' + 'b'.repeat(MB)],
    ['1 MB of open parentheses', 'mov eax, ' + '('.repeat(MB)],
    ['1 MB of unary minus', 'mov eax, ' + '-'.repeat(MB) + '1'],
    ['a 1 MB sum', 'mov eax, ' + '1+'.repeat(MB / 2) + '1'],
    ['a 1 MB address', 'mov eax, [' + 'eax+'.repeat(MB / 4) + '1]'],
    ['a 1 MB number', 'mov eax, ' + '9'.repeat(MB)],
    ['binary garbage', Array.from({ length: MB / 4 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('')],
    ['an exponential %define', '%define A B B B B B B B B\n%define B C C C C C C C C\n%define C D D D D D D D D\n%define D E E E E E E E E\n%define E 1+1\nmov eax, A'],
    ['a huge times count', 'times 1 << 62 nop'],
    ['a huge resb', 'resb 0xffffffff'],
    ['a huge origin', 'org 0xfffffff0\ntimes 32 nop'],
    ['unicode everywhere', 'mov eax, 😀\nπ: nop\ndb "😀"\n\u2028'],
  ])('%s is rejected quickly, without throwing', (_, src) => {
    const t0 = performance.now();
    const r = assemble(src);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.length).toBeLessThanOrEqual(100);
    }
  });

  it('accepts a 1 MB data line', () => {
    const r = assemble('db ' + '1,'.repeat(MB / 2) + '1');
    expect(r.ok && r.bytes.length).toBe(MB / 2 + 1);
  });
});

describe('fuzzing: no input throws', () => {
  const check = (src: string): void => {
    const r = assemble(src);
    const lines = src.split(/\r\n|\n|\r/).length;
    if (r.ok) {
      expect(r.bytes).toBeInstanceOf(Uint8Array);
      for (const l of r.listing) expect(l.line).toBeGreaterThanOrEqual(1);
    } else {
      expect(r.errors.length).toBeGreaterThan(0);
      expect(r.errors.length).toBeLessThanOrEqual(100);
      for (const e of r.errors) {
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.line).toBeLessThanOrEqual(lines);
        expect(e.column).toBeGreaterThanOrEqual(1);
        expect(e.endColumn).toBeGreaterThan(e.column);
        expect(e.message.length).toBeGreaterThan(0);
      }
    }
  };

  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => check(s)), { numRuns: 3000 });
  });

  // Sequences of real assembler tokens reach much deeper than random characters.
  const TOKENS = [
    'mov', 'add', 'jmp', 'call', 'push', 'pop', 'times', 'db', 'dd', 'dw', 'equ', 'org', 'align', 'bits', '16', '32', 'vmxon',
    'invept', 'lea', 'rep', 'lock', 'o16', 'a16', 'far', 'short', 'near', 'byte', 'dword', 'ptr', 'qword', 'eax', 'ebx', 'esp', 'ax',
    'al', 'cl', 'cs', 'es', 'cr0', 'dr7', 'x', '.l', 'x.l', '$', '$$', '0', '1', '-1', '0x7f', '0xffffffff', '1<<40', '300', "'A'",
    '"str"', '[', ']', '(', ')', ',', ':', '+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '~', '\n', '\n', 'x:', '%define',
    'D', 'shl', 'imul', 'movzx', 'in', 'out', 'dx', 'int', 'enter', 'ret', 'loop', 'jz', 'setc', 'cmovne', 'xchg', 'test', ';',
  ];
  it('random token sequences', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), fc.array(fc.constantFrom(' ', '', '\t'), { minLength: 40, maxLength: 40 }), (toks, seps) =>
        check(toks.map((t, i) => t + seps[i]).join('')),
      ),
      { numRuns: 3000 },
    );
  });
});
