// Every supported instruction form, assembled and decoded back with iced-x86. The expected text is
// what a disassembler prints for the instruction (NASM syntax); the decode must also consume exactly
// the bytes produced. Separate tables pin the encoding choices NASM makes (shortest forms).

import { describe, expect, it } from 'vitest';
import { decodeAll, normalize } from './iced-oracle.test-support.mts';
import { assemble } from './index.ts';

type Case = string | [source: string, expected: string];

function roundTrip(src: string, expected: string, bits: 16 | 32): void {
  const r = assemble(src, { bits, origin: 0x1000 });
  if (!r.ok) throw new Error(`'${src}' failed: ${r.errors.map((e) => e.message).join('; ')}`);
  const d = decodeAll(r.bytes, bits, 0x1000);
  const hex = Buffer.from(r.bytes).toString('hex');
  expect(d.length, `'${src}' → ${hex} decodes as ${d.map((x) => x.text).join(' | ')}`).toBe(1);
  expect(d[0].invalid, `'${src}' → ${hex} is invalid`).toBe(false);
  expect(d[0].length).toBe(r.bytes.length);
  expect(normalize(d[0].text), `'${src}' → ${hex}`).toBe(normalize(expected));
}

function table(name: string, cases: Case[], bits: 16 | 32 = 32): void {
  describe(name, () => {
    it.each(cases.map((c) => (typeof c === 'string' ? [c, c] : c)))('%s', (src, expected) => roundTrip(src, expected, bits));
  });
}

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar'];
// Condition-code aliases and the name disassemblers print (SDM Vol. 2 Appendix B, Table B-10).
const CC: [alias: string, canonical: string][] = [
  ['o', 'o'], ['no', 'no'], ['b', 'b'], ['c', 'b'], ['nae', 'b'], ['ae', 'ae'], ['nb', 'ae'], ['nc', 'ae'],
  ['e', 'e'], ['z', 'e'], ['ne', 'ne'], ['nz', 'ne'], ['be', 'be'], ['na', 'be'], ['a', 'a'], ['nbe', 'a'],
  ['s', 's'], ['ns', 'ns'], ['p', 'p'], ['pe', 'p'], ['np', 'np'], ['po', 'np'], ['l', 'l'], ['nge', 'l'],
  ['ge', 'ge'], ['nl', 'ge'], ['le', 'le'], ['ng', 'le'], ['g', 'g'], ['nle', 'g'],
];

table('mov', [
  'mov eax, ebx', 'mov ax, bx', 'mov al, bl', 'mov ah, ch', 'mov esp, ebp',
  'mov eax, [ebx]', 'mov [ebx], eax', 'mov cl, [esi+4]', 'mov [edi-8], dx',
  ['mov eax, dword ptr [ebx+ecx*4+0x10]', 'mov eax, [ebx+ecx*4+16]'],
  ['mov eax, [0x2000]', 'mov eax, [8192]'], ['mov [0x2000], eax', 'mov [8192], eax'],
  ['mov al, [0x2000]', 'mov al, [8192]'], ['mov [0x2000], ax', 'mov [8192], ax'],
  ['mov ebx, [0x2000]', 'mov ebx, [8192]'],
  ['mov eax, 0x12345678', 'mov eax, 305419896'], 'mov ax, 1234', 'mov bl, 200', ['mov ecx, -1', 'mov ecx, 4294967295'],
  ['mov byte [eax], 5', 'mov byte [eax], 5'], 'mov word [eax], 1000', 'mov dword [eax], 100000',
  ['mov dword ptr [esp+4], 7', 'mov dword [esp+4], 7'],
  'mov eax, ds', 'mov ax, es', ['mov [ebx], ss', 'mov [ebx], ss'], ['mov ds, ax', 'mov ds, eax'], 'mov fs, eax', 'mov gs, [ebx]',
  ['mov word [ebx], fs', 'mov [ebx], fs'],
  'mov eax, cr0', 'mov cr0, eax', 'mov cr2, ebx', 'mov ecx, cr3', 'mov cr4, edx', 'mov cr3, esi',
  'mov eax, dr0', 'mov dr7, eax', 'mov edx, dr6', 'mov dr1, ecx', 'mov eax, dr3', 'mov dr2, edi',
  ['mov eax, es:[edi]', 'mov eax, [es:edi]'], 'mov eax, [fs:0]', ['mov eax, [gs:ebx+8]', 'mov eax, [gs:ebx+8]'],
  ['mov eax, [ebp]', 'mov eax, [ebp]'], 'mov eax, [esp]', 'mov eax, [esp+ebp*2]', ['mov eax, [ebp+esp]', 'mov eax, [esp+ebp]'],
  ['mov eax, [eax*3]', 'mov eax, [eax+eax*2]'], ['mov eax, [ebx*5+4]', 'mov eax, [ebx+ebx*4+4]'],
  ['mov eax, [4*esi + ebx]', 'mov eax, [ebx+esi*4]'], ['mov eax, [esi*8]', 'mov eax, [esi*8]'], ['mov eax, [esi*2]', 'mov eax, [esi+esi]'], ['mov eax, [esi*4+8]', 'mov eax, [esi*4+8]'],
  ['mov eax, [ebx + 2*(ecx + 1)]', 'mov eax, [ebx+ecx*2+2]'], ['mov eax, [ebx+ebx]', 'mov eax, [ebx+ebx]'],
  ['mov eax, [ebx-0x80]', 'mov eax, [ebx-128]'], ['mov eax, [ebx+0x7f]', 'mov eax, [ebx+127]'],
  ['mov eax, [ebx+0x80]', 'mov eax, [ebx+128]'], ['mov eax, [ebx+0xfffffffc]', 'mov eax, [ebx-4]'],
  ['mov eax, DWORD PTR [EBX]', 'mov eax, [ebx]'], ['MOV EAX, 1', 'mov eax, 1'],
  ['mov al, byte ptr ds:[esi]', 'mov al, [esi]'],
]);

table('movzx movsx lea xchg xadd cmpxchg bswap', [
  'movzx eax, bl', 'movzx eax, bx', 'movzx ax, bl', 'movzx eax, byte [esi]', 'movzx ecx, word [esi+2]', 'movzx cx, byte [eax]',
  'movsx eax, bl', 'movsx eax, bx', 'movsx ax, bl', 'movsx edx, byte [edi]', 'movsx edx, word [edi]',
  'lea eax, [ebx+ecx*8+12]', 'lea esi, [esi+1]', 'lea ax, [ebx]', ['lea eax, [0x1234]', 'lea eax, [4660]'], 'lea edi, [esp+ebp]',
  ['xchg eax, ebx', 'xchg ebx, eax'], ['xchg ebx, eax', 'xchg ebx, eax'], ['xchg ax, cx', 'xchg cx, ax'], ['xchg eax, eax', 'xchg eax, eax'],
  'xchg ecx, edx', 'xchg al, bl', ['xchg [ebx], al', 'xchg al, [ebx]'], ['xchg [ebx], eax', 'xchg eax, [ebx]'], ['xchg eax, [ebx]', 'xchg eax, [ebx]'],
  ['xchg cl, [ebx]', 'xchg cl, [ebx]'],
  'xadd eax, ebx', 'xadd [ecx], eax', 'xadd al, bl', 'xadd [ecx], bx',
  'cmpxchg eax, ebx', 'cmpxchg [ecx], edx', ['cmpxchg byte [ecx], dl', 'cmpxchg [ecx], dl'], 'cmpxchg cx, dx',
  'cmpxchg8b [esi]', ['cmpxchg8b qword [esi]', 'cmpxchg8b [esi]'],
  'bswap eax', 'bswap edi',
  ['lock cmpxchg [ecx], edx', 'lock cmpxchg [ecx], edx'], 'lock xadd [eax], ebx', ['lock add dword [eax], 1', 'lock add dword [eax], 1'],
]);

table('push pop and flags', [
  'push eax', 'push esp', 'push ax', 'pop ebx', 'pop di',
  ['push dword [ebx]', 'push dword [ebx]'], ['push [ebx]', 'push dword [ebx]'], 'push word [ebx]',
  ['pop [ebx]', 'pop dword [ebx]'], 'pop dword [ebx+4]', 'pop word [ebx]',
  'push 5', ['push -1', 'push 4294967295'], ['push 0x1234', 'push 4660'], ['push 0x12345678', 'push 305419896'],
  ['push word 5', 'o16 push 5'], ['push dword 0x1000', 'push 4096'], ['push byte -2', 'push 4294967294'],
  'push es', 'push cs', 'push ss', 'push ds', 'push fs', 'push gs', 'pop es', 'pop ss', 'pop ds', 'pop fs', 'pop gs',
  'pusha', ['pushad', 'pusha'], 'pushaw', 'popa', ['popad', 'popa'], 'popaw',
  'pushf', ['pushfd', 'pushf'], 'pushfw', 'popf', ['popfd', 'popf'], 'popfw',
  'cbw', 'cwde', 'cwd', 'cdq', 'lahf', 'sahf',
  'clc', 'stc', 'cmc', 'cld', 'std', 'cli', 'sti',
]);

describe('arithmetic: every ALU operation in all eight forms', () => {
  const cases: [string, string][] = [];
  for (const m of ALU) {
    cases.push(
      [`${m} al, 5`, `${m} al, 5`],
      [`${m} ax, 0x1234`, `${m} ax, 4660`],
      [`${m} eax, 0x12345678`, `${m} eax, 305419896`],
      [`${m} bl, 0xf0`, `${m} bl, 240`],
      [`${m} bx, 1000`, `${m} bx, 1000`],
      [`${m} ebx, 100000`, `${m} ebx, 100000`],
      [`${m} ecx, 5`, `${m} ecx, 5`],
      [`${m} cx, -2`, `${m} cx, 65534`],
      [`${m} edx, -1`, `${m} edx, 4294967295`],
      [`${m} eax, 1`, `${m} eax, 1`],
      [`${m} byte [eax], 5`, `${m} byte [eax], 5`],
      [`${m} word [ebx+4], 300`, `${m} word [ebx+4], 300`],
      [`${m} dword [esp], 100000`, `${m} dword [esp], 100000`],
      [`${m} dword [esi+edi*2], 3`, `${m} dword [esi+edi*2], 3`],
      [`${m} [ecx], edx`, `${m} [ecx], edx`],
      [`${m} [ecx], dl`, `${m} [ecx], dl`],
      [`${m} [ecx], dx`, `${m} [ecx], dx`],
      [`${m} edx, [ecx]`, `${m} edx, [ecx]`],
      [`${m} dh, [ecx+1]`, `${m} dh, [ecx+1]`],
      [`${m} si, [ecx]`, `${m} si, [ecx]`],
      [`${m} cl, dl`, `${m} cl, dl`],
      [`${m} cx, dx`, `${m} cx, dx`],
      [`${m} esi, edi`, `${m} esi, edi`],
    );
  }
  it.each(cases)('%s', (src, expected) => roundTrip(src, expected, 32));
});

table('test, unary, inc/dec, multiply and divide', [
  'test al, 1', 'test ax, 0x100', ['test eax, 0x80000000', 'test eax, 2147483648'], 'test bl, 3', 'test ebx, 4',
  'test byte [eax], 1', 'test dword [eax], 1', 'test word [eax], 1', 'test eax, ebx', 'test cl, dl', ['test [eax], ecx', 'test [eax], ecx'],
  ['test ecx, [eax]', 'test [eax], ecx'],
  ...['not', 'neg', 'mul', 'div', 'idiv', 'imul'].flatMap((m) => [`${m} al`, `${m} cx`, `${m} edx`, `${m} byte [ebx]`, `${m} word [ebx]`, `${m} dword [ebx]`]),
  'inc eax', 'inc cx', 'inc bl', 'inc byte [eax]', 'inc word [eax]', 'inc dword [eax]',
  'dec eax', 'dec cx', 'dec bl', 'dec byte [eax]', 'dec word [eax]', 'dec dword [eax]',
  'imul eax, ebx', 'imul cx, dx', 'imul eax, [ebx]', 'imul eax, ebx, 5', 'imul eax, ebx, 1000', 'imul ax, bx, 7',
  'imul eax, [ebx], 100', 'imul eax, 5', 'imul eax, 1000', ['imul eax, ebx, -1', 'imul eax, ebx, 4294967295'],
  'aaa', 'aas', 'daa', 'das', 'aam', 'aad', ['aam 16', 'aam 16'], ['aad 16', 'aad 16'],
]);

describe('shifts and rotates: by 1, by cl, by imm8', () => {
  const cases: [string, string][] = [];
  for (const m of SHIFTS) {
    cases.push(
      [`${m} al, 1`, `${m} al, 1`], [`${m} ax, 1`, `${m} ax, 1`], [`${m} eax, 1`, `${m} eax, 1`],
      [`${m} bl, cl`, `${m} bl, cl`], [`${m} bx, cl`, `${m} bx, cl`], [`${m} ebx, cl`, `${m} ebx, cl`],
      [`${m} dl, 4`, `${m} dl, 4`], [`${m} dx, 4`, `${m} dx, 4`], [`${m} edx, 31`, `${m} edx, 31`],
      [`${m} byte [eax], 1`, `${m} byte [eax], 1`], [`${m} dword [eax], cl`, `${m} dword [eax], cl`],
      [`${m} word [eax+2], 3`, `${m} word [eax+2], 3`],
    );
  }
  cases.push(['sal eax, 1', 'shl eax, 1'], ['sal ecx, cl', 'shl ecx, cl'], ['sal dword [eax], 2', 'shl dword [eax], 2']);
  cases.push(['shld eax, ebx, 4', 'shld eax, ebx, 4'], ['shld [eax], ebx, cl', 'shld [eax], ebx, cl'], ['shld ax, bx, 1', 'shld ax, bx, 1']);
  cases.push(['shrd eax, ebx, 4', 'shrd eax, ebx, 4'], ['shrd [eax], ebx, cl', 'shrd [eax], ebx, cl'], ['shrd ax, bx, cl', 'shrd ax, bx, cl']);
  it.each(cases)('%s', (src, expected) => roundTrip(src, expected, 32));
});

table('bit operations', [
  ...['bt', 'bts', 'btr', 'btc'].flatMap((m) => [`${m} eax, ebx`, `${m} ax, bx`, `${m} [esi], ecx`, `${m} eax, 5`, `${m} dword [esi], 31`, `${m} word [esi], 3`]),
  'bsf eax, ebx', 'bsf ax, [ebx]', 'bsr eax, ebx', 'bsr ecx, [edi]',
]);

describe('condition codes: every alias of jcc, setcc and cmovcc', () => {
  const cases: [string, string][] = [];
  for (const [a, c] of CC) {
    cases.push([`j${a} 0x1010`, `j${c} 4112`], [`j${a} 0x2000`, `j${c} 8192`], [`j${a} near 0x1005`, `j${c} 4101`]);
    cases.push([`set${a} al`, `set${c} al`], [`set${a} byte [ebx]`, `set${c} [ebx]`]);
    cases.push([`cmov${a} eax, ebx`, `cmov${c} eax, ebx`], [`cmov${a} ax, [ebx]`, `cmov${c} ax, [ebx]`]);
  }
  it.each(cases)('%s', (src, expected) => roundTrip(src, expected, 32));
});

table('control transfer', [
  ['jmp 0x1010', 'jmp 4112'], ['jmp short 0x1010', 'jmp 4112'], ['jmp near 0x1010', 'jmp 4112'], ['jmp 0x3000', 'jmp 12288'],
  ['jmp $', 'jmp 4096'], ['jmp $+2', 'jmp 4098'],
  'jmp eax', ['jmp [ebx]', 'jmp dword [ebx]'], ['jmp dword [ebx]', 'jmp dword [ebx]'], ['jmp near [ebx+4]', 'jmp dword [ebx+4]'], ['jmp dword ptr [ebx]', 'jmp dword [ebx]'],
  ['jmp 0x08:0x2000', 'jmp 8:8192'], ['jmp far 0x10:0x1234', 'jmp 16:4660'], 'jmp far [eax]', ['jmp fword ptr [eax]', 'jmp far [eax]'],
  ['call 0x2000', 'call 8192'], ['call $', 'call 4096'], 'call eax', ['call [ebx]', 'call dword [ebx]'], ['call dword [ebx+8]', 'call dword [ebx+8]'],
  ['call 0x18:0x3000', 'call 24:12288'], 'call far [ebx]',
  'ret', ['ret 8', 'ret 8'], ['retn', 'ret'], ['retn 4', 'ret 4'], 'retf', ['retf 8', 'retf 8'],
  ['loop 0x1000', 'loop 4096'], ['loope 0x1000', 'loope 4096'], ['loopz 0x1000', 'loope 4096'], ['loopne 0x1000', 'loopne 4096'],
  ['loopnz 0x1000', 'loopne 4096'], ['jecxz 0x1000', 'jecxz 4096'], ['jcxz 0x1000', 'jcxz 4096'],
  ['int 0x80', 'int 128'], ['int 3', 'int 3'], 'int3', 'int1', ['icebp', 'int1'], 'into',
  'iret', ['iretd', 'iret'], 'iretw', ['enter 16, 0', 'enter 16, 0'], ['enter 0x100, 1', 'enter 256, 1'], 'leave',
  'sysenter', 'sysexit',
]);

table('strings and I/O', [
  'movsb', 'movsw', 'movsd', 'cmpsb', 'cmpsw', 'cmpsd', 'stosb', 'stosw', 'stosd', 'lodsb', 'lodsw', 'lodsd',
  'scasb', 'scasw', 'scasd', 'insb', 'insw', 'insd', 'outsb', 'outsw', 'outsd',
  'rep movsb', 'rep movsd', 'rep stosd', 'rep stosb', ['repe cmpsb', 'repe cmpsb'], ['repz cmpsd', 'repe cmpsd'],
  ['repne scasb', 'repne scasb'], ['repnz scasw', 'repne scasw'], 'rep insb', 'rep outsd', 'rep lodsb',
  ['xlat', 'xlatb'], 'xlatb',
  ['in al, 0x60', 'in al, 96'], ['in ax, 0x60', 'in ax, 96'], ['in eax, 0x60', 'in eax, 96'], 'in al, dx', 'in ax, dx', 'in eax, dx',
  ['out 0x80, al', 'out 128, al'], ['out 0x80, ax', 'out 128, ax'], ['out 0x80, eax', 'out 128, eax'], 'out dx, al', 'out dx, ax', 'out dx, eax',
  ['in al, 255', 'in al, 255'],
  // Explicit operands (MASM/GAS-intel spelling): they carry the size and a source segment override.
  ['movs byte [es:edi], [esi]', 'movsb'], ['movs dword ptr es:[edi], dword ptr [esi]', 'movsd'], ['movs word [edi], [esi]', 'movsw'],
  ['movs byte [edi], [fs:esi]', 'fs movsb'], ['cmps dword [esi], [edi]', 'cmpsd'], ['cmps byte [cs:esi], [es:edi]', 'cs cmpsb'],
  ['stos dword [edi]', 'stosd'], ['lods word [esi]', 'lodsw'], ['lods byte [gs:esi]', 'gs lodsb'], ['scas byte [edi]', 'scasb'],
  ['ins byte [edi], dx', 'insb'], ['outs dx, dword [esi]', 'outsd'], ['xlat [ebx]', 'xlatb'], ['xlat byte [es:ebx]', 'es xlatb'],
  ['rep movs dword [edi], [esi]', 'rep movsd'], ['repe cmps byte [esi], [edi]', 'repe cmpsb'], ['movs byte [di], [si]', 'a16 movsb'],
]);

table('misc and system', [
  'nop', ['nop dword [eax]', 'nop dword [eax]'], ['nop word [eax]', 'nop word [eax]'], 'pause', 'hlt', 'ud2', 'wait',
  'cpuid', 'rdtsc', 'rdtscp', 'rdmsr', 'wrmsr', 'rdpmc', 'lfence', 'mfence', 'sfence', 'rsm',
  'lgdt [eax]', 'lidt [eax]', 'sgdt [eax]', 'sidt [eax]', ['lgdt [0x2000]', 'lgdt [8192]'],
  'lldt ax', 'lldt [eax]', 'ltr ax', 'ltr [eax]', 'verr ax', 'verw [eax]',
  'sldt eax', 'sldt ax', 'sldt [eax]', 'str eax', 'str ax', 'str [eax]', 'smsw eax', 'smsw ax', 'smsw [eax]', 'lmsw ax', 'lmsw [eax]',
  'clts', 'invlpg [eax]', ['invlpg byte [eax]', 'invlpg [eax]'], 'invd', 'wbinvd',
  'lar eax, ecx', ['lar eax, cx', 'lar eax, ecx'], 'lar eax, [ebx]', 'lar ax, bx', 'lsl eax, ecx', 'lsl eax, [ebx]', 'lsl ax, [ebx]',
  'xsetbv', 'xgetbv', 'monitor', ['monitor eax, ecx, edx', 'monitor'], 'mwait', ['mwait eax, ecx', 'mwait'], 'getsec', 'clac', 'stac',
  'rdrand eax', 'rdrand ax', 'rdseed eax', 'rdseed cx', 'invpcid eax, [ebx]', ['invpcid eax, oword [ebx]', 'invpcid eax, [ebx]'],
  'clflush [eax]', ['clflush byte [eax]', 'clflush [eax]'],
  'lds eax, [ebx]', 'les eax, [ebx]', 'lfs eax, [ebx]', 'lgs eax, [ebx]', 'lss esp, [ebx]', 'lds ax, [ebx]',
  'bound eax, [ebx]', 'bound ax, [ebx]', 'arpl ax, bx', 'arpl [eax], bx',
]);

table('VMX', [
  'vmxon [eax]', ['vmxon qword [eax]', 'vmxon [eax]'], ['vmxon qword ptr [eax+8]', 'vmxon [eax+8]'], ['vmxon [0x3000]', 'vmxon [12288]'],
  'vmxoff', 'vmclear [ebx]', ['vmclear qword [ebx]', 'vmclear [ebx]'], 'vmptrld [ecx]', ['vmptrld qword [ecx+4]', 'vmptrld [ecx+4]'],
  'vmptrst [edx]', ['vmptrst qword [edx]', 'vmptrst [edx]'],
  'vmread eax, ebx', 'vmread [ecx], eax', ['vmread dword [ecx], eax', 'vmread [ecx], eax'],
  'vmwrite eax, ebx', 'vmwrite eax, [ecx]', ['vmwrite eax, dword ptr [ecx+4]', 'vmwrite eax, [ecx+4]'],
  'vmlaunch', 'vmresume', 'vmcall', 'vmfunc',
  ['invept eax, [ebx]', 'invept eax, [ebx]'], ['invept eax, oword [ebx]', 'invept eax, [ebx]'], ['invept eax, xmmword ptr [ebx]', 'invept eax, [ebx]'],
  ['invvpid ecx, [edx]', 'invvpid ecx, [edx]'], ['invvpid ecx, oword [edx]', 'invvpid ecx, [edx]'],
  'vmmcall', 'vmrun', 'vmload', 'vmsave', 'stgi', 'clgi',
]);

// BITS 16: the same instructions need 0x66/0x67 prefixes for 32-bit operands/addresses.
table('bits 16', [
  'mov ax, bx', 'mov eax, ebx', 'mov ax, [bx+si]', 'mov ax, [bx+di+4]', 'mov ax, [bp+si]', 'mov ax, [bp+di-2]',
  'mov ax, [si]', 'mov ax, [di]', 'mov ax, [bp]', 'mov ax, [bx]', ['mov ax, [bp+0x10]', 'mov ax, [bp+16]'],
  ['mov ax, [0x1234]', 'mov ax, [4660]'], ['mov cx, [0x1234]', 'mov cx, [4660]'], 'mov eax, [bx]', 'mov ax, [eax]', 'mov eax, [ebx+ecx*4]',
  ['mov ax, [si+bx]', 'mov ax, [bx+si]'], ['mov byte [di], 1', 'mov byte [di], 1'],
  'push ax', 'push eax', ['push 5', 'push 5'], ['push dword 5', 'o32 push 5'], ['push [bx]', 'push word [bx]'], 'pop es', 'push cs',
  'add ax, 5', 'add eax, 5', 'add ax, 0x1234', 'inc ax', 'inc eax', ['xchg ax, bx', 'xchg bx, ax'],
  ['jmp 0x1010', 'jmp 4112'], ['jmp 0x2000', 'jmp 8192'], ['jz 0x2000', 'je 8192'], ['call 0x2000', 'call 8192'],
  ['jmp 0x08:0x2000', 'jmp 8:8192'], ['jmp dword 0x08:0x2000', 'jmp 8:8192'], 'jmp ax', ['jmp [bx]', 'jmp word [bx]'], 'jmp far [bx]',
  ['pusha', 'pusha'], ['pushad', 'pushad'], ['pushf', 'pushf'], ['iret', 'iret'], 'iretd', 'cbw', 'cwde', 'cwd', 'cdq',
  'movsb', 'movsw', 'movsd', 'rep stosw', 'lodsd', ['movs word [di], [si]', 'movsw'], ['movs dword [edi], [esi]', 'a32 movsd'], ['jcxz 0x1000', 'jcxz 4096'], ['jecxz 0x1000', 'jecxz 4096'], ['loop 0x1000', 'loop 4096'],
  'mov cr0, eax', 'mov eax, cr0', 'lgdt [bx]', 'lidt [si]', 'vmxon [bx]', 'vmread eax, ebx', 'vmwrite eax, [bx]', 'invept eax, [bx]',
  'mov ds, ax', 'mov ax, cs', 'int 0x10', 'cli', 'hlt', 'ret', 'retf', 'in al, dx', 'out dx, al',
  'lds si, [bx]', 'les di, [bp+4]', 'movzx eax, byte [bx]', 'shl ax, 1', 'shl eax, cl', 'imul ax, bx, 3',
], 16);

describe('prefixes and overrides', () => {
  it.each([
    ['o16 pushf', 'pushfw', 32],
    ['o32 iret', 'iretd', 16],
    ['a16 movsb', 'movsb', 32],
    ['es movsb', 'movsb', 32],
    ['fs mov eax, [ebx]', 'mov eax, [fs:ebx]', 32],
    ['mov eax, [cs:ebx]', 'mov eax, [cs:ebx]', 32],
    ['mov eax, [ss:ebx]', 'mov eax, [ss:ebx]', 32],
    ['a32 loop 0x1000', 'loop 4096, ecx', 16],
  ] as [string, string, 16 | 32][])('%s → %s (bits %d)', (src, expected, bits) => {
    const r = assemble(src, { bits });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = decodeAll(r.bytes, bits);
    expect(d.length).toBe(1);
    expect(d[0].length).toBe(r.bytes.length);
    expect(normalize(d[0].text).replace(/^(a16|a32|o16|o32|es|fs|cs|ss) /, '')).toBe(normalize(expected));
  });
});
