// Every encoding form in the table, one by one: operands are synthesised so that exactly that form is
// the shortest fit, and iced-x86 must decode the result as one valid instruction of the same length
// with the same mnemonic, containing the form's opcode bytes. This verifies every opcode in
// tables.ts against an independent decoder, in 32-bit and 16-bit code.

import { describe, expect, it } from 'vitest';
import { decodeAll } from './iced-oracle.test-support.mts';
import { assemble } from './index.ts';
import { FORMS, describeForm, type Form, type Pat } from './tables.ts';

// Names a disassembler prints for aliases (SDM Vol. 2 Appendix B Table B-10 for condition codes).
const CC_CANON: Record<string, string> = {
  c: 'b', nae: 'b', nb: 'ae', nc: 'ae', z: 'e', nz: 'ne', na: 'be', nbe: 'a', pe: 'p', po: 'np', nge: 'l', nl: 'ge', ng: 'le', nle: 'g',
};
const ALIASES: Record<string, string> = {
  sal: 'shl', retn: 'ret', xlat: 'xlatb', icebp: 'int1', loopz: 'loope', loopnz: 'loopne', fwait: 'wait',
};
// Names that depend on the operand size of the code (SDM "PUSHA/PUSHAD", "IRET/IRETD", ...).
const SIZE_NAMES: Record<16 | 32, Record<string, string>> = {
  32: { pushad: 'pusha', popad: 'popa', pushfd: 'pushf', popfd: 'popf', iretd: 'iret' },
  16: { pushaw: 'pusha', popaw: 'popa', pushfw: 'pushf', popfw: 'popf', iretw: 'iret' },
};

function canonical(m: string, bits: 16 | 32): string {
  if (ALIASES[m]) return ALIASES[m];
  if (SIZE_NAMES[bits][m]) return SIZE_NAMES[bits][m];
  for (const p of ['j', 'set', 'cmov']) {
    if (m.startsWith(p) && CC_CANON[m.slice(p.length)] && !['jmp'].includes(m)) return p + CC_CANON[m.slice(p.length)];
  }
  return m;
}

const PREFIX_WORDS = new Set(['o16', 'o32', 'a16', 'a32', 'lock', 'rep', 'repe', 'repne', 'es', 'cs', 'ss', 'ds', 'fs', 'gs']);

/** An operand that only this pattern (and its table position) accepts, in the shortest form. */
function operand(p: Pat, i: number, f: Form, bits: 16 | 32): string {
  const mem = bits === 16 ? '[bx+si+4]' : '[ebx+4]';
  const second = i > 0 && f.pats[0] === p;
  switch (p) {
    case 'r8': return second ? 'dl' : 'cl';
    case 'r16': return second ? 'dx' : 'cx';
    case 'r32': return second ? 'edx' : 'ecx';
    case 'rm8': return `byte ${mem}`;
    case 'rm16': return `word ${mem}`;
    case 'rm32': return `dword ${mem}`;
    case 'm': return mem;
    case 'm8': return `byte ${mem}`;
    case 'm16': return `word ${mem}`;
    case 'm32': return `dword ${mem}`;
    case 'm64': return `qword ${mem}`;
    case 'm128': return `oword ${mem}`;
    case 'mfar': return `far ${mem}`;
    case 'moffs8':
    case 'moffs16':
    case 'moffs32': return '[0x2000]';
    case 'sreg': return 'ds';
    case 'cr': return 'cr3';
    case 'dr': return 'dr7';
    case 'one': return '1';
    case 'imm8':
    case 'uimm8':
    case 'simm8': return '5';
    case 'imm16': return '0x1234';
    case 'imm32': return '0x12345678';
    case 'rel8': return 'short $+8';
    case 'rel': return 'near $+0x100';
    case 'far': return '0x08:0x2000';
    default: return p; // fixed registers: al, ax, eax, cl, dx, ecx, edx, es, cs, ...
  }
}

function formSource(f: Form, bits: 16 | 32): string {
  const ops = f.pats.map((p, i) => operand(p, i, f, bits));
  // With only an immediate, the operand size must be written (push dword 5).
  if (ops.length === 1 && ['simm8', 'imm16', 'imm32'].includes(f.pats[0]) && typeof f.osz === 'number' && f.osz) {
    ops[0] = `${f.osz === 16 ? 'word' : 'dword'} ${ops[0]}`;
  }
  return ops.length ? `${f.mnem} ${ops.join(', ')}` : f.mnem;
}

const all = [...FORMS.values()].flat();

describe.each([32, 16] as const)('every table form in bits %d', (bits) => {
  it.each(all.map((f) => [describeForm(f), f] as const))('%s', (_, f) => {
    const src = formSource(f, bits);
    const r = assemble(src, { bits });
    if (!r.ok) throw new Error(`'${src}': ${r.errors.map((e) => e.message).join('; ')}`);
    const d = decodeAll(r.bytes, bits);
    const hex = Buffer.from(r.bytes).toString('hex');
    expect(d.length, `'${src}' → ${hex}: ${d.map((x) => x.text).join(' | ')}`).toBe(1);
    expect(d[0].invalid).toBe(false);
    expect(d[0].length).toBe(r.bytes.length);
    const words = d[0].text.split(' ');
    while (words.length > 1 && PREFIX_WORDS.has(words[0])) words.shift();
    expect(words[0], `'${src}' → ${hex} decodes as '${d[0].text}'`).toBe(canonical(f.mnem, bits));
    // The form's own opcode (and mandatory prefix) must be what was emitted.
    const opcode = [...f.mand, ...f.op];
    if (f.plusR) opcode.pop();
    expect(hex, `'${src}' should contain opcode ${Buffer.from(opcode).toString('hex')}`).toContain(Buffer.from(opcode).toString('hex'));
  });
});
