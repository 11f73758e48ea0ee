// Whole programs: labels, forward references, local labels, jump relaxation, TIMES, ALIGN, EQU,
// data, strings, $ and $$, ORG, BITS 16, listings and symbols. Code is checked by decoding it with
// iced-x86; data by its bytes.

import { describe, expect, it } from 'vitest';
import { decodeAll } from './iced-oracle.test-support.mts';
import { assemble, type AssembleResult } from './index.ts';

type Ok = Extract<AssembleResult, { ok: true }>;

function ok(src: string, opts?: Parameters<typeof assemble>[1]): Ok {
  const r = assemble(src, opts);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join('\n'));
  return r;
}

/** Disassembly of the whole output as "address: text" lines. */
function disasm(r: Ok, bits: 16 | 32 = 32, from = 0, to = r.bytes.length): string[] {
  return decodeAll(r.bytes.subarray(from, to), bits, r.origin + from).map((d, i, all) => {
    const addr = r.origin + from + all.slice(0, i).reduce((n, x) => n + x.length, 0);
    return `${addr.toString(16)}: ${d.text}`;
  });
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('labels and references', () => {
  it('resolves backward, forward and local labels', () => {
    const r = ok(`
start:
    mov ecx, 10
.loop:
    dec ecx
    jnz .loop
    jmp done
    nop
done:
    hlt
`);
    expect(disasm(r)).toEqual(['1000: mov ecx, 10', '1005: dec ecx', '1006: jne 4101', '1008: jmp 4107', '100a: nop', '100b: hlt']);
    expect(r.symbols).toMatchObject({ start: 0x1000, 'start.loop': 0x1005, done: 0x100b });
    expect(r.entry).toBe(0x1000);
  });

  it('scopes local labels to the preceding non-local label and allows parent.local from elsewhere', () => {
    const r = ok(`
first:
.x: nop
    jmp .x
second:
.x: int3
    jmp .x
    jmp first.x
`);
    expect(r.symbols['first.x']).toBe(0x1000);
    expect(r.symbols['second.x']).toBe(0x1003);
    expect(disasm(r)).toEqual(['1000: nop', '1001: jmp 4096', '1003: int3', '1004: jmp 4099', '1006: jmp 4096']);
  });

  it('uses _start as the entry point, else the origin', () => {
    expect(ok('nop\n_start: hlt').entry).toBe(0x1001);
    expect(ok('nop\nhlt').entry).toBe(0x1000);
    expect(ok('nop\nstart: hlt', { origin: 0x8000 }).entry).toBe(0x8001);
  });

  it('accepts several labels on one line and a label without a colon before data', () => {
    const r = ok('a: b: nop\nmsg db "hi"\nbuf times 2 db 7\n');
    expect(r.symbols).toMatchObject({ a: 0x1000, b: 0x1000, msg: 0x1001, buf: 0x1003 });
    expect(hex(r.bytes)).toBe('9068690707');
  });

  it('loads a label address as an immediate and as a memory operand', () => {
    const r = ok('mov esi, msg\nmov eax, [msg]\nmov al, [msg+ebx]\nmsg: db 1');
    expect(disasm(r, 32, 0, 16)).toEqual(['1000: mov esi, 4112', '1005: mov eax, [4112]', '100a: mov al, [ebx+4112]']);
  });
});

describe('jump relaxation', () => {
  const forward = (n: number): Ok => ok(`jmp target\ntimes ${n} nop\ntarget: hlt`);
  const backward = (n: number): Ok => ok(`target: times ${n} nop\njmp target`);

  it('keeps a forward jump short up to +127 and makes it near from +128', () => {
    expect(hex(forward(127).bytes.subarray(0, 2))).toBe('eb7f');
    expect(hex(forward(128).bytes.subarray(0, 5))).toBe('e980000000');
    expect(disasm(forward(128), 32, 0, 5)).toEqual(['1000: jmp 4229']);
  });

  it('keeps a backward jump short down to -128 and makes it near beyond', () => {
    expect(hex(backward(126).bytes.subarray(126))).toBe('eb80');
    expect(hex(backward(127).bytes.subarray(127))).toBe('e97cffffff');
  });

  it('grows conditional jumps to the 0F 8x form', () => {
    const r = ok('jz far_away\ntimes 300 nop\nfar_away: ret');
    expect(hex(r.bytes.subarray(0, 6))).toBe('0f842c010000');
    expect(disasm(r, 32, 0, 6)).toEqual([`1000: je ${0x1000 + 6 + 300}`]);
  });

  it('settles a cascade where one growing jump pushes another out of range', () => {
    // j1 reaches exactly +127 only while j2 stays short; j2 must grow because of the 126 nops,
    // which in turn pushes j1 out of range.
    const r = ok(`
j1: jmp t1
j2: jmp t2
    times 124 nop
t1: nop
    times 3 nop
t2: hlt
`);
    const d = disasm(r);
    expect(d[0]).toBe(`1000: jmp ${r.symbols.t1}`);
    expect(d[1]).toBe(`${(r.symbols.j2).toString(16)}: jmp ${r.symbols.t2}`);
    expect(r.bytes[0]).toBe(0xe9);
    expect(r.bytes[5]).toBe(0xe9);
  });

  it('honours short and near and reports an out-of-range short jump', () => {
    expect(hex(ok('jmp near x\nx: nop').bytes)).toBe('e90000000090');
    const r = assemble('jmp short x\ntimes 200 nop\nx: nop');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ line: 1, column: 5, message: expect.stringContaining('out of range') });
  });

  it('relaxes immediates and displacements that depend on later symbols', () => {
    const r = ok('add eax, SMALL\nadd eax, BIG\nmov ecx, [ebx+OFF]\nSMALL equ 4\nBIG equ 400\nOFF equ 8');
    expect(hex(r.bytes)).toBe('83c004' + '0590010000' + '8b4b08');
  });
});

describe('directives', () => {
  it('TIMES repeats instructions and data, with $ advancing per repetition', () => {
    expect(hex(ok('times 3 nop').bytes)).toBe('909090');
    expect(hex(ok('times 2 db 1, 2').bytes)).toBe('01020102');
    expect(hex(ok('times 3 jmp $').bytes)).toBe('ebfeebfeebfe');
    expect(hex(ok('times 3 dd $', { origin: 0 }).bytes)).toBe('000000000400000008000000');
    expect(ok('times 0 nop\nnop').bytes.length).toBe(1);
  });

  it('builds a boot sector with org, bits 16 and times 510-($-$$)', () => {
    const r = ok(`
bits 16
org 0x7c00
start:
    cli
    xor ax, ax
    mov ds, ax
    jmp $
times 510-($-$$) db 0
dw 0xAA55
`);
    expect(r.origin).toBe(0x7c00);
    expect(r.bytes.length).toBe(512);
    expect(hex(r.bytes.subarray(510))).toBe('55aa');
    expect(disasm(r, 16, 0, 7)).toEqual(['7c00: cli', '7c01: xor ax, ax', '7c03: mov ds, ax', '7c05: jmp 31749']);
  });

  it('ALIGN pads with NOPs (0x90), ALIGNB and an explicit fill with that byte', () => {
    expect(hex(ok('db 1\nalign 4\ndb 2').bytes)).toBe('0190909002');
    expect(hex(ok('db 1\nalign 8, db 0\ndb 2').bytes)).toBe('010000000000000002');
    expect(hex(ok('db 1\nalign 4, 0xcc\ndb 2').bytes)).toBe('01cccccc02');
    expect(hex(ok('db 1\nalignb 4\ndb 2').bytes)).toBe('0100000002');
    expect(hex(ok('align 16\nnop').bytes)).toBe('90');
    // Alignment is relative to the section start ($$), as in NASM.
    expect(hex(ok('org 0x1001\ndb 1\nalign 2\ndb 2').bytes)).toBe('019002');
  });

  it('RESB/RESW/RESD/RESQ reserve zeroed space', () => {
    const r = ok('a: resb 3\nb: resw 2\nc: resd 1\nd: resq 1\ne: db 9');
    expect(r.bytes.length).toBe(3 + 4 + 4 + 8 + 1);
    expect(r.symbols).toMatchObject({ a: 0x1000, b: 0x1003, c: 0x1007, d: 0x100b, e: 0x1013 });
  });

  it('EQU, = and %define constants, including forward references and $-relative lengths', () => {
    const r = ok(`
%define PORT 0x3F8
COUNT equ 10
DOUBLE = COUNT * 2
    mov dx, PORT
    mov ecx, DOUBLE
    mov eax, LATER
    mov ebx, msg_len
msg: db "hello"
msg_len equ $ - msg
LATER equ 7
`);
    expect(disasm(r, 32, 0, 19)).toEqual(['1000: mov dx, 1016', '1004: mov ecx, 20', '1009: mov eax, 7', '100e: mov ebx, 5']);
    expect(r.symbols).toMatchObject({ COUNT: 10, DOUBLE: 20, LATER: 7, msg_len: 5 });
  });

  it('ORG in the source wins over the origin option; the option applies otherwise', () => {
    expect(ok('org 0x2000\nx: nop', { origin: 0x9000 }).symbols.x).toBe(0x2000);
    expect(ok('x: nop', { origin: 0x9000 }).symbols.x).toBe(0x9000);
    expect(ok('[org 0x500]\nx: nop').origin).toBe(0x500);
    expect(ok('nop\nx: nop\norg 0x4000').symbols.x).toBe(0x4001);
  });

  it('accepts and ignores section, segment and global lines', () => {
    expect(hex(ok('section .text\nglobal _start\n_start: nop\nsegment .data\ndb 1').bytes)).toBe('9001');
  });
});

describe('data and strings', () => {
  it('lays out db/dw/dd/dq little-endian', () => {
    expect(hex(ok('db 1, 2, 0xff, -1').bytes)).toBe('0102ffff');
    expect(hex(ok('dw 0x1234, -2').bytes)).toBe('3412feff');
    expect(hex(ok('dd 0x12345678, -1').bytes)).toBe('78563412ffffffff');
    expect(hex(ok('dq 0x123456789abcdef0').bytes)).toBe('f0debc9a78563412');
  });

  it('wraps dword data to 32 bits', () => {
    expect(hex(ok('dd 0x100000001').bytes)).toBe('01000000');
  });

  it('lays out strings and pads them to the unit size', () => {
    expect(hex(ok('db "hi", 0').bytes)).toBe('686900');
    expect(hex(ok("db 'a;b'").bytes)).toBe('613b62');
    expect(hex(ok('dw "abc"').bytes)).toBe('61626300');
    expect(hex(ok("dd 'ab'").bytes)).toBe('61620000');
    expect(hex(ok('db `a\\n\\x41\\0`').bytes)).toBe('610a4100');
    expect(hex(ok('db "é"').bytes)).toBe('c3a9');
  });

  it('packs character constants little-endian in expressions', () => {
    expect(hex(ok("mov eax, 'AB'").bytes)).toBe('b841420000');
    expect(hex(ok("db 'A'+1").bytes)).toBe('42');
    expect(hex(ok("dd 'ABCD'").bytes)).toBe('41424344');
  });

  it('stores label addresses and $', () => {
    expect(hex(ok('x: dd x, $, $$', { origin: 0x10 }).bytes)).toBe('100000001000000010000000');
  });

  it('accepts GAS spellings of data directives', () => {
    expect(hex(ok('.byte 1, 2\n.word 3\n.long 4\n.ascii "ab"\n.asciz "c"').bytes)).toBe('0102' + '0300' + '04000000' + '6162' + '6300');
  });
});

describe('numbers and expressions', () => {
  it.each([
    ['0x1F', 31], ['1Fh', 31], ['0FFh', 255], ['0b1010', 10], ['1010b', 10], ['0o17', 15], ['17q', 15], ['17o', 15],
    ['99d', 99], ['0d99', 99], ['1_000', 1000], ['0x1000_0000', 0x10000000], ["'A'", 65], ["'AB'", 0x4241],
    ['2+3*4', 14], ['(2+3)*4', 20], ['1<<4|1', 17], ['~0 & 0xFF', 255], ['-5/2', -2], ['7%3', 1], ['6^3', 5],
    ['0x80 >> 4', 8], ['-(-3)', 3], ['10 - 2 - 3', 5], ['100 / 10 / 5', 2], ['1 + 2 << 1', 6], ['3 & 2 | 4 ^ 1', 7],
  ])('%s = %d', (e, v) => {
    const r = ok(`dd ${e}`);
    expect(new DataView(r.bytes.buffer).getInt32(0, true)).toBe(v | 0);
  });
});

describe('mixed 16- and 32-bit code', () => {
  it('switches code size with bits and encodes a far jump into protected mode', () => {
    const r = ok(`
[bits 16]
org 0x7c00
    cli
    lgdt [gdtr]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword 0x08:pm
bits 32
pm: mov ax, 0x10
    mov ds, ax
    hlt
gdtr: dw 23
    dd 0
`);
    const pm = r.symbols.pm - r.origin;
    expect(disasm(r, 16, 0, pm)).toEqual([
      '7c00: cli',
      `7c01: lgdt [${r.symbols.gdtr}]`,
      '7c06: mov eax, cr0',
      '7c09: or al, 1',
      '7c0b: mov cr0, eax',
      `7c0e: jmp 8:${r.symbols.pm}`,
    ]);
    expect(disasm(r, 32, pm, pm + 7)).toEqual([`${r.symbols.pm.toString(16)}: mov ax, 16`, `${(r.symbols.pm + 4).toString(16)}: mov ds, eax`, `${(r.symbols.pm + 6).toString(16)}: hlt`]);
  });

  it('respects the bits option', () => {
    expect(hex(ok('push ax', { bits: 16 }).bytes)).toBe('50');
    expect(hex(ok('push ax').bytes)).toBe('6650');
  });
});

describe('a VMX lab program', () => {
  it('assembles and decodes instruction by instruction', () => {
    const r = ok(`
; @mode bare
VMCS_GUEST_RIP equ 0x681E
start:
    mov eax, cr4
    or eax, 1 << 13          ; CR4.VMXE
    mov cr4, eax
    vmxon [vmxon_region]
    jc .fail
    vmclear [vmcs_region]
    vmptrld [vmcs_region]
    mov eax, VMCS_GUEST_RIP
    mov ebx, guest
    vmwrite eax, ebx
    vmread ecx, eax
    vmlaunch
.fail:
    hlt
guest:
    vmcall
    vmmcall
align 4096, db 0
vmxon_region: times 4096 db 0
vmcs_region:  times 4096 db 0
`);
    const code = disasm(r, 32, 0, r.symbols.guest - r.origin + 6);
    expect(code.map((l) => l.replace(/^\w+: /, ''))).toEqual([
      'mov eax, cr4', 'or eax, 8192', 'mov cr4, eax', `vmxon [${r.symbols.vmxon_region}]`, `jb ${r.symbols['start.fail']}`,
      `vmclear [${r.symbols.vmcs_region}]`, `vmptrld [${r.symbols.vmcs_region}]`, 'mov eax, 26654', `mov ebx, ${r.symbols.guest}`,
      'vmwrite eax, ebx', 'vmread ecx, eax', 'vmlaunch', 'hlt', 'vmcall', 'vmmcall',
    ]);
    expect(r.symbols.vmxon_region % 4096).toBe(0);
    expect(r.bytes.length).toBe(r.symbols.vmcs_region - r.origin + 4096);
  });
});

describe('listing', () => {
  it('maps each line that emitted bytes to its address and bytes', () => {
    const src = 'start:\n  mov eax, 1 ; one\n\nX equ 5\n  times 2 nop\nmsg: db "ab"\n';
    const r = ok(src);
    expect(r.listing.map((l) => [l.line, l.address, hex(l.bytes), l.source])).toEqual([
      [2, 0x1000, 'b801000000', '  mov eax, 1 ; one'],
      [5, 0x1005, '9090', '  times 2 nop'],
      [6, 0x1007, '6162', 'msg: db "ab"'],
    ]);
  });
});

describe('syntax variants', () => {
  it('accepts MASM and GAS-intel spellings', () => {
    const r = ok(`
.intel_syntax noprefix
    mov eax, DWORD PTR [ebx]
    mov esi, offset table
    mov eax, table[esi*4]
    mov eax, [ebx][esi]
    mov al, byte ptr es:[edi]
    mov eax, ds:0x2000
    jmp short next
next: RET
table: dd 0
`);
    const t = r.symbols.table;
    expect(disasm(r, 32, 0, r.symbols.next - r.origin + 1).map((l) => l.replace(/^\w+: /, ''))).toEqual([
      'mov eax, [ebx]', `mov esi, ${t}`, `mov eax, [esi*4+${t}]`, 'mov eax, [ebx+esi]', 'mov al, [es:edi]', 'mov eax, [8192]',
      `jmp ${r.symbols.next}`, 'ret',
    ]);
  });

  it('is case-insensitive for mnemonics, registers and directives but not for labels', () => {
    const r = ok('Loop1: MOV EAX, Ebx\nTIMES 2 NOP\nDB 1\nJMP Loop1');
    expect(r.symbols.Loop1).toBe(0x1000);
    expect(assemble('x: nop\njmp X').ok).toBe(false);
  });

  it('handles CRLF line endings and a byte-order mark', () => {
    expect(hex(ok('\uFEFFnop\r\nhlt\r\n').bytes)).toBe('90f4');
  });
});

describe('encoding choices (same as NASM: the shortest form)', () => {
  it.each([
    ['mov eax, ebx', '89d8'], ['mov eax, 5', 'b805000000'], ['mov [eax], ebx', '8918'], ['mov eax, [0x1000]', 'a100100000'],
    ['mov al, [ebx+ecx]', '8a040b'], ['mov eax, [ebp]', '8b4500'], ['mov eax, [esp]', '8b0424'], ['mov eax, [esi*2]', '8b0436'],
    ['lea eax, [eax*3]', '8d0440'], ['mov eax, [es:edi]', '268b07'],
    ['add eax, 1', '83c001'], ['add eax, 0x100', '0500010000'], ['add al, 1', '0401'], ['add ax, 1', '6683c001'],
    ['add ebx, 0x100', '81c300010000'], ['add dword [eax], 1', '830001'], ['sub eax, -1', '83e8ff'], ['and ecx, 0xffffff80', '83e180'],
    ['push 5', '6a05'], ['push 0x100', '6800010000'], ['push word 5', '666a05'],
    ['shl eax, 1', 'd1e0'], ['shl eax, 4', 'c1e004'], ['inc eax', '40'], ['dec ecx', '49'], ['inc byte [eax]', 'fe00'],
    ['int 3', 'cd03'], ['int3', 'cc'], ['xchg eax, ebx', '93'], ['xchg eax, eax', '87c0'], ['test eax, ebx', '85d8'],
    ['mov ds, ax', '8ed8'], ['mov ax, ds', '668cd8'], ['mov eax, ds', '8cd8'],
    ['vmxon [eax]', 'f30fc730'], ['vmclear [eax]', '660fc730'], ['vmptrld [eax]', '0fc730'], ['invept eax, [ebx]', '660f388003'],
    ['pause', 'f390'], ['imul eax, ebx, 5', '6bc305'], ['jmp 0x08:0x2000', 'ea002000000800'], ['rep movsb', 'f3a4'],
    ['lock add [eax], ebx', 'f00118'], ['ret 4', 'c20400'], ['enter 8, 0', 'c8080000'],
  ])('%s → %s', (src, bytes) => {
    expect(hex(ok(src).bytes)).toBe(bytes);
  });

  it('in bits 16', () => {
    expect(hex(ok('jmp dword 0x08:0x2000', { bits: 16 }).bytes)).toBe('66ea002000000800');
    expect(hex(ok('mov eax, [bx+si]', { bits: 16 }).bytes)).toBe('668b00');
    expect(hex(ok('mov ax, [eax]', { bits: 16 }).bytes)).toBe('678b00');
    expect(hex(ok('jmp x\nx:', { bits: 16 }).bytes)).toBe('eb00');
    expect(hex(ok('jmp near x\nx:', { bits: 16 }).bytes)).toBe('e90000');
    expect(hex(ok('jecxz x\nx:', { bits: 16 }).bytes)).toBe('67e300');
  });
});

describe('large and pathological inputs stay fast', () => {
  it('assembles 20,000 lines', () => {
    const src = Array.from({ length: 20000 }, (_, i) => `l${i}: add eax, [ebx+${i}]\n jnz l${Math.max(0, i - 3)}`).join('\n');
    const t0 = performance.now();
    const r = ok(src);
    expect(r.bytes.length).toBeGreaterThan(100000);
    expect(performance.now() - t0).toBeLessThan(20000);
  });

  it('fills 16 MiB with one TIMES', () => {
    const r = ok('times 16*1024*1024 db 0xAA');
    expect(r.bytes.length).toBe(16 * 1024 * 1024);
    expect(r.bytes[r.bytes.length - 1]).toBe(0xaa);
  });
});

describe('segment-register push/pop operand size', () => {
  it('honours a size keyword (66 prefix) and rejects a byte size', () => {
    const hexOf = (src: string): string => {
      const a = assemble(src, { origin: 0 });
      return a.ok ? Array.from(a.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ') : `error: ${a.errors[0].message}`;
    };
    expect(hexOf('push fs')).toBe('0f a0');
    expect(hexOf('push word fs')).toBe('66 0f a0');
    expect(hexOf('pop word gs')).toBe('66 0f a9');
    expect(hexOf('bits 16\npush dword es')).toBe('66 06');
    expect(hexOf('push byte fs')).toMatch(/^error: a segment register is pushed or popped as a 'word' or a 'dword'/);
  });
});
