// Test-only: instruction sources covering every encoding form of the assembler's table (asm/tables.ts),
// each with several operand choices (registers, every ModRM/SIB shape, segment overrides, boundary
// immediates, forward and backward branches), plus prefixed variants. The decoder and disassembler
// conformance tests assemble these and compare with iced-x86.

import { assemble } from '../asm/index.ts';
import { FORMS, describeForm, type Form, type Pat } from '../asm/tables.ts';

export interface Sample {
  /** The source line. */
  src: string;
  /** The table form it was written for. */
  form: string;
  bytes: Uint8Array;
}

const MEM32 = [
  '[ebx+4]', '[eax]', '[esp]', '[ebp]', '[ebp-0x80]', '[0x12345678]', '[ebx+ecx*4+0x10]', '[esi*8+0x100]',
  '[ebp+edi*2-4]', '[esp+eax+0x7fffffff]', '[fs:eax+1]', '[es:ebp]', '[ss:esp+8]', '[ds:ebp+2]', '[gs:0x10]', '[cs:edi-0x1000]',
];
const MEM16 = ['[bx+si+4]', '[bp]', '[di]', '[0x1234]', '[bp+di-2]', '[es:bx]', '[si+0x7f]', '[ss:bp+si]', '[ds:bp]', '[bx+di+0x8000]'];
const R8 = [['cl', 'dl'], ['al', 'bh'], ['ah', 'ch']];
const R16 = [['cx', 'dx'], ['ax', 'sp'], ['di', 'bp']];
const R32 = [['ecx', 'edx'], ['eax', 'esp'], ['edi', 'ebp']];
const IMM8 = ['5', '0', '0x7f', '0x80', '0xff', '-1', '-128'];
const IMM16 = ['0x1234', '0', '0xffff', '-1', '0x80', '9'];
const IMM32 = ['0x12345678', '0', '0xffffffff', '-2', '0x80', '0x7fffffff'];

/** Operand text for pattern `p` in variant `v` (operands that share a pattern get different registers). */
function operand(p: Pat, second: boolean, v: number, mem: string): string {
  const pick = (a: string[][]): string => a[v % a.length][second ? 1 : 0];
  switch (p) {
    case 'r8': return pick(R8);
    case 'r16': return pick(R16);
    case 'r32': return pick(R32);
    case 'rm8': return v % 3 === 2 ? pick(R8) : `byte ${mem}`;
    case 'rm16': return v % 3 === 2 ? pick(R16) : `word ${mem}`;
    case 'rm32': return v % 3 === 2 ? pick(R32) : `dword ${mem}`;
    case 'm': return mem;
    case 'm8': return `byte ${mem}`;
    case 'm16': return `word ${mem}`;
    case 'm32': return `dword ${mem}`;
    case 'm64': return `qword ${mem}`;
    case 'm128': return `oword ${mem}`;
    case 'mfar': return `far ${mem}`;
    case 'moffs8':
    case 'moffs16':
    case 'moffs32': return ['[0x2000]', '[fs:0x12345678]', '[0]', '[es:0xffff]'][v % 4];
    case 'sreg': return ['ds', 'es', 'ss', 'fs', 'gs', 'cs'][v % 6];
    case 'cr': return ['cr3', 'cr0', 'cr2', 'cr4'][v % 4];
    case 'dr': return ['dr7', 'dr0', 'dr6', 'dr3'][v % 4];
    case 'one': return '1';
    case 'imm8':
    case 'uimm8':
    case 'simm8': return IMM8[v % IMM8.length];
    case 'imm16': return IMM16[v % IMM16.length];
    case 'imm32': return IMM32[v % IMM32.length];
    case 'rel8': return ['short $+8', 'short $-0x10', 'short $+0x81', 'short $'][v % 4];
    case 'rel': return ['near $+0x100', 'near $-0x1000', 'near $+0x12345', 'near $+5'][v % 4];
    case 'far': return ['0x08:0x2000', '0xffff:0x12345678', '0:0', '0x10:0xffff'][v % 4];
    default: return p; // fixed registers
  }
}

function sources(f: Form, bits: 16 | 32): string[] {
  const hasMem = f.pats.some((p) => p.startsWith('rm') || p.startsWith('m') && !p.startsWith('moffs'));
  const mems = bits === 16 ? [...MEM16, '[ebx+ecx*2+4]'] : [...MEM32, '[bx+si+2]'];
  const n = hasMem ? mems.length : 8;
  const out: string[] = [];
  for (let v = 0; v < n; v++) {
    const mem = mems[v % mems.length];
    const ops = f.pats.map((p, i) => operand(p, i > 0 && f.pats.slice(0, i).includes(p), v, mem));
    if (ops.length === 1 && ['simm8', 'imm8', 'imm16', 'imm32'].includes(f.pats[0]) && typeof f.osz === 'number' && f.osz) {
      ops[0] = `${f.osz === 16 ? 'word' : 'dword'} ${ops[0]}`;
    }
    out.push(ops.length ? `${f.mnem} ${ops.join(', ')}` : f.mnem);
  }
  return out;
}

/** Prefixed and explicit-operand variants the table alone does not produce. */
const EXTRA = [
  'lock add dword [ebx], 5', 'lock xchg [eax], ecx', 'lock cmpxchg8b [esi]', 'lock inc byte [fs:edi]', 'lock bts dword [eax], 3',
  'rep movsb', 'rep movsd', 'repe cmpsb', 'repne scasw', 'rep stosd', 'rep lodsb', 'rep insb', 'rep outsw',
  'movs byte [es:edi], [fs:esi]', 'cmps dword [cs:esi], [es:edi]', 'lods word [gs:esi]', 'outs dx, byte [ss:esi]', 'xlat byte [es:ebx]',
  'es movsb', 'a16 movsb', 'a16 rep stosw', 'o16 leave', 'o16 ret', 'o16 retf', 'o16 iret', 'o32 iret', 'a16 loop $', 'o16 loop $',
  'a16 jecxz $', 'a32 jcxz $', 'o16 jmp $+0x100', 'o16 call $+0x100', 'o16 jmp 8:0x1234', 'o32 call 8:0x12345678', 'push word 5', 'push dword 5',
  'o16 push 0x1234', 'o16 pushf', 'o32 popf', 'o16 lgdt [eax]', 'o16 sgdt [ebx]', 'rep ret', 'lock nop',
  'cs je $', 'ds jne $+0x100', 'a16 mov al, [0x10]', 'a32 mov al, [0x10]', 'mov eax, [fs:0]', 'o16 enter 8, 1',
];

/** Every form, in `bits`, with its variants; forms whose variants the assembler rejects are skipped. */
export function formSamples(bits: 16 | 32): Sample[] {
  const out: Sample[] = [];
  for (const f of [...FORMS.values()].flat()) {
    for (const src of sources(f, bits)) {
      const r = assemble(src, { bits, origin: 0x1000 });
      if (r.ok && r.bytes.length > 0) out.push({ src, form: describeForm(f), bytes: r.bytes });
    }
  }
  for (const src of EXTRA) {
    const r = assemble(src, { bits, origin: 0x1000 });
    if (r.ok && r.bytes.length > 0) out.push({ src, form: 'extra', bytes: r.bytes });
  }
  return out;
}

/** Number of distinct table forms, by description (for the tests' check that every form is covered). */
export function formCount(): number {
  return new Set([...FORMS.values()].flat().map(describeForm)).size;
}
