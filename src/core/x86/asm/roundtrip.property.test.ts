// Property: random instruction forms (random mnemonics, registers, effective addresses with random
// base/index/scale/displacement/segment, random legal immediates, random spelling styles) assemble
// to bytes that iced-x86 decodes as exactly one instruction of the same length, with the same
// mnemonic and operands. The expected text is built from the generated parts, not from the assembler.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAll, normalize } from './iced-oracle.test-support.mts';
import { assemble } from './index.ts';

const R8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const REGS: Record<number, string[]> = { 8: R8, 16: R16, 32: R32 };
const SIZE_KW: Record<number, string> = { 8: 'byte', 16: 'word', 32: 'dword' };
const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const UNARY = ['not', 'neg', 'mul', 'div', 'idiv', 'imul', 'inc', 'dec'];
const SHIFTS: [string, string][] = [['rol', 'rol'], ['ror', 'ror'], ['rcl', 'rcl'], ['rcr', 'rcr'], ['shl', 'shl'], ['sal', 'shl'], ['shr', 'shr'], ['sar', 'sar']];
const CC: [string, string][] = [
  ['o', 'o'], ['no', 'no'], ['b', 'b'], ['c', 'b'], ['nae', 'b'], ['ae', 'ae'], ['nb', 'ae'], ['nc', 'ae'],
  ['e', 'e'], ['z', 'e'], ['ne', 'ne'], ['nz', 'ne'], ['be', 'be'], ['na', 'be'], ['a', 'a'], ['nbe', 'a'],
  ['s', 's'], ['ns', 'ns'], ['p', 'p'], ['pe', 'p'], ['np', 'np'], ['po', 'np'], ['l', 'l'], ['nge', 'l'],
  ['ge', 'ge'], ['nl', 'ge'], ['le', 'le'], ['ng', 'le'], ['g', 'g'], ['nle', 'g'],
];

interface Gen {
  src: string;
  /** Expected disassembly with every memory size shown. */
  exp: string;
}

interface MemParts {
  base: string | null;
  index: string | null;
  scale: 1 | 2 | 4 | 8;
  disp: number;
  seg: string | null;
  hex: boolean;
  dispFirst: boolean;
  scaleFirst: boolean;
  explicitScale1: boolean;
  segOutside: boolean;
  ptr: boolean;
}

const memArb: fc.Arbitrary<MemParts> = fc
  .record({
    base: fc.option(fc.constantFrom(...R32), { nil: null }),
    index: fc.option(fc.constantFrom(...R32.filter((r) => r !== 'esp')), { nil: null }),
    scale: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    disp: fc.oneof(fc.constant(0), fc.integer({ min: -128, max: 127 }), fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff })),
    seg: fc.constantFrom(null, null, 'es', 'fs', 'gs', 'cs'),
    hex: fc.boolean(),
    dispFirst: fc.boolean(),
    scaleFirst: fc.boolean(),
    explicitScale1: fc.boolean(),
    segOutside: fc.boolean(),
    ptr: fc.boolean(),
  })
  .map((m) => (m.base === null && m.index === null ? { ...m, disp: m.disp >>> 0 } : m));

const num = (v: number, hex: boolean): string => (hex ? `0x${Math.abs(v).toString(16)}` : String(Math.abs(v)));

/** Renders a memory operand in a random source style, and as a disassembler shows it. */
function mem(m: MemParts, size: number | null): Gen {
  // What the address means: [index*1] is a base, [index*2] is encoded as [index+index].
  let base = m.base;
  let index = m.index;
  let scale: number = m.scale;
  if (!base && index && scale === 1) [base, index] = [index, null];
  else if (!base && index && scale === 2) [base, scale] = [index, 1];
  const parts: string[] = [];
  if (base) parts.push(base);
  if (index) parts.push(scale === 1 ? index : `${index}*${scale}`);
  let expAddr = parts.join('+');
  if (!base && !index) expAddr = String(m.disp);
  else if (m.disp > 0) expAddr += `+${m.disp}`;
  else if (m.disp < 0) expAddr += `-${-m.disp}`;
  const seg = m.seg ? `${m.seg}:` : '';
  const sizeExp = size ? `${SIZE_KW[size]} ` : '';

  // Source: registers in written order (the base first, as the base is the first plain register).
  const terms: string[] = [];
  if (m.base) terms.push(m.base);
  if (m.index) {
    const s = m.scale === 1 && !m.explicitScale1 ? m.index : m.scaleFirst ? `${m.scale}*${m.index}` : `${m.index}*${m.scale}`;
    terms.push(s);
  }
  const hasDisp = m.disp !== 0 || terms.length === 0;
  let src = '';
  if (hasDisp && m.dispFirst) {
    src = (m.disp < 0 ? '-' : '') + num(m.disp, m.hex);
    for (const t of terms) src += ` + ${t}`;
  } else {
    src = terms.join(' + ');
    if (hasDisp) src += terms.length === 0 ? num(m.disp, m.hex) : m.disp < 0 ? ` - ${num(m.disp, m.hex)}` : ` + ${num(m.disp, m.hex)}`;
  }
  const sizeSrc = size ? `${SIZE_KW[size]}${m.ptr ? ' ptr' : ''} ` : '';
  const bracket = m.seg && m.segOutside ? `${m.seg}:[${src}]` : `[${seg}${src}]`;
  return { src: sizeSrc + bracket, exp: `${sizeExp}[${seg}${expAddr}]` };
}

/** An immediate that fits `size` bits, and how a disassembler shows it (unsigned in the operand size). */
function immArb(size: number, signedByteOnly = false): fc.Arbitrary<Gen> {
  const lo = signedByteOnly ? -128 : -(2 ** (size - 1));
  const hi = signedByteOnly ? 127 : 2 ** size - 1;
  return fc.tuple(fc.oneof(fc.integer({ min: -128, max: 127 }), fc.integer({ min: lo, max: hi })), fc.boolean()).map(([v0, hex]) => {
    const v = Math.max(lo, Math.min(hi, v0));
    const exp = size === 32 ? v >>> 0 : v & (2 ** size - 1);
    const src = v < 0 ? `-${num(v, hex)}` : num(v, hex);
    return { src, exp: String(exp) };
  });
}

const sizeArb = fc.constantFrom(8, 16, 32);
const size1632 = fc.constantFrom(16, 32);
const reg = (size: number): fc.Arbitrary<string> => fc.constantFrom(...REGS[size]);
const regGen = (size: number): fc.Arbitrary<Gen> => reg(size).map((r) => ({ src: r, exp: r }));
const memGen = (size: number | null): fc.Arbitrary<Gen> => memArb.map((m) => mem(m, size));
const rmGen = (size: number): fc.Arbitrary<Gen> => fc.oneof(regGen(size), memGen(size));
const ins = (m: string, expM: string, ...ops: Gen[]): Gen => ({
  src: `${m} ${ops.map((o) => o.src).join(', ')}`.trim(),
  exp: `${expM} ${ops.map((o) => o.exp).join(', ')}`.trim(),
});

const families: fc.Arbitrary<Gen>[] = [
  // ALU: r/m,r  r,r/m  r/m,imm
  fc.tuple(fc.constantFrom(...ALU), sizeArb).chain(([m, s]) => fc.tuple(rmGen(s), regGen(s)).map(([a, b]) => ins(m, m, a, b))),
  fc.tuple(fc.constantFrom(...ALU), sizeArb).chain(([m, s]) => fc.tuple(regGen(s), memGen(s)).map(([a, b]) => ins(m, m, a, b))),
  fc.tuple(fc.constantFrom(...ALU), sizeArb).chain(([m, s]) => fc.tuple(rmGen(s), immArb(s)).map(([a, b]) => ins(m, m, a, b))),
  // MOV in all directions, including moffs addresses and immediates.
  sizeArb.chain((s) => fc.tuple(rmGen(s), regGen(s)).map(([a, b]) => ins('mov', 'mov', a, b))),
  sizeArb.chain((s) => fc.tuple(regGen(s), memGen(s)).map(([a, b]) => ins('mov', 'mov', a, b))),
  sizeArb.chain((s) => fc.tuple(rmGen(s), immArb(s)).map(([a, b]) => ins('mov', 'mov', a, b))),
  // Segment registers: stores to memory are word-sized, with or without the keyword in the source.
  fc.tuple(fc.constantFrom('es', 'cs', 'ss', 'ds', 'fs', 'gs'), fc.oneof(regGen(32), regGen(16), memGen(16), memGen(null).map((g) => ({ ...g, exp: `word ${g.exp}` })))).map(([sr, rm]) =>
    ins('mov', 'mov', rm, { src: sr, exp: sr }),
  ),
  fc.tuple(fc.constantFrom('es', 'ss', 'ds', 'fs', 'gs'), fc.oneof(regGen(32), memGen(16))).map(([sr, rm]) =>
    ins('mov', 'mov', { src: sr, exp: sr }, rm),
  ),
  // TEST (a disassembler prints the r/m operand first)
  sizeArb.chain((s) => fc.tuple(memGen(s), regGen(s)).map(([a, b]) => ({ src: `test ${b.src}, ${a.src}`, exp: `test ${a.exp}, ${b.exp}` }))),
  sizeArb.chain((s) => fc.tuple(rmGen(s), immArb(s)).map(([a, b]) => ins('test', 'test', a, b))),
  // Unary group
  fc.tuple(fc.constantFrom(...UNARY), sizeArb).chain(([m, s]) => rmGen(s).map((a) => ins(m, m, a))),
  // Shifts by 1, cl, imm8
  fc.tuple(fc.constantFrom(...SHIFTS), sizeArb).chain(([[m, e], s]) =>
    fc.tuple(rmGen(s), fc.oneof(fc.constant({ src: '1', exp: '1' }), fc.constant({ src: 'cl', exp: 'cl' }), fc.integer({ min: 2, max: 31 }).map((v) => ({ src: String(v), exp: String(v) })))).map(([a, b]) => ins(m, e, a, b)),
  ),
  fc.tuple(fc.constantFrom('shld', 'shrd'), size1632).chain(([m, s]) =>
    fc.tuple(rmGen(s), regGen(s), fc.oneof(fc.constant({ src: 'cl', exp: 'cl' }), fc.integer({ min: 0, max: 31 }).map((v) => ({ src: String(v), exp: String(v) })))).map(([a, b, c]) => ins(m, m, a, b, c)),
  ),
  // MOVZX / MOVSX
  fc.tuple(fc.constantFrom('movzx', 'movsx'), fc.constantFrom([16, 8], [32, 8], [32, 16])).chain(([m, [d, s]]) =>
    fc.tuple(regGen(d), rmGen(s)).map(([a, b]) => ins(m, m, a, b)),
  ),
  // LEA (no segment: the override would be meaningless)
  size1632.chain((s) => fc.tuple(regGen(s), memArb.map((m) => mem({ ...m, seg: null }, null))).map(([a, b]) => ins('lea', 'lea', a, b))),
  // PUSH / POP
  fc.tuple(fc.constantFrom('push', 'pop'), size1632).chain(([m, s]) => rmGen(s).map((a) => ins(m, m, a))),
  immArb(32).map((i) => ins('push', 'push', i)),
  // Bit tests, scans
  fc.tuple(fc.constantFrom('bt', 'bts', 'btr', 'btc'), size1632).chain(([m, s]) =>
    fc.tuple(rmGen(s), fc.oneof(regGen(s), fc.integer({ min: 0, max: 255 }).map((v) => ({ src: String(v), exp: String(v) })))).map(([a, b]) => ins(m, m, a, b)),
  ),
  fc.tuple(fc.constantFrom('bsf', 'bsr'), size1632).chain(([m, s]) => fc.tuple(regGen(s), rmGen(s)).map(([a, b]) => ins(m, m, a, b))),
  // SETcc / CMOVcc with every alias
  fc.tuple(fc.constantFrom(...CC), rmGen(8)).map(([[a, c], o]) => ins(`set${a}`, `set${c}`, o)),
  fc.tuple(fc.constantFrom(...CC), size1632).chain(([[a, c], s]) => fc.tuple(regGen(s), rmGen(s)).map(([x, y]) => ins(`cmov${a}`, `cmov${c}`, x, y))),
  // IMUL 2- and 3-operand
  size1632.chain((s) => fc.tuple(regGen(s), rmGen(s)).map(([a, b]) => ins('imul', 'imul', a, b))),
  // (a disassembler shortens imul r, r, imm with the same register twice to imul r, imm)
  size1632.chain((s) => fc.tuple(regGen(s), rmGen(s), immArb(s)).map(([a, b, c]) => (a.exp === b.exp ? { ...ins('imul', 'imul', a, b, c), exp: `imul ${a.exp}, ${c.exp}` } : ins('imul', 'imul', a, b, c)))),
  size1632.chain((s) => fc.tuple(regGen(s), immArb(s)).map(([a, c]) => ins('imul', 'imul', a, c))),
  // XADD / CMPXCHG / XCHG with memory (the register is printed first for XCHG)
  fc.tuple(fc.constantFrom('xadd', 'cmpxchg'), sizeArb).chain(([m, s]) => fc.tuple(rmGen(s), regGen(s)).map(([a, b]) => ins(m, m, a, b))),
  sizeArb.chain((s) => fc.tuple(memGen(s), regGen(s), fc.boolean()).map(([a, b, memFirst]) => ({
    src: memFirst ? `xchg ${a.src}, ${b.src}` : `xchg ${b.src}, ${a.src}`,
    exp: `xchg ${b.exp}, ${a.exp}`,
  }))),
  // VMX
  fc.tuple(rmGen(32), regGen(32)).map(([a, b]) => ins('vmread', 'vmread', a, b)),
  fc.tuple(regGen(32), rmGen(32)).map(([a, b]) => ins('vmwrite', 'vmwrite', a, b)),
  fc.tuple(fc.constantFrom('vmptrld', 'vmptrst', 'vmclear', 'vmxon'), memArb, fc.boolean()).map(([m, parts, q]) => {
    const g = mem(parts, null);
    return { src: `${m} ${q ? 'qword ' : ''}${g.src}`, exp: `${m} ${g.exp}` };
  }),
  fc.tuple(fc.constantFrom('invept', 'invvpid', 'invpcid'), regGen(32), memArb, fc.constantFrom('', 'oword ', 'xmmword ')).map(([m, r, parts, kw]) => {
    const g = mem(parts, null);
    return { src: `${m} ${r.src}, ${kw}${g.src}`, exp: `${m} ${r.exp}, oword ${g.exp}` };
  }),
];

/** Random letter case: mnemonics and registers are case-insensitive. */
const caseArb = fc.constantFrom<(s: string) => string>((s) => s, (s) => s.toUpperCase(), (s) => s.replace(/^\w+/, (w) => w.toUpperCase()));

describe('random instruction forms round-trip through iced-x86', () => {
  it('decode to one instruction with the same mnemonic, operands and length', () => {
    fc.assert(
      fc.property(fc.oneof(...families), caseArb, (g, recase) => {
        const src = recase(g.src);
        const r = assemble(src);
        if (!r.ok) throw new Error(`'${src}': ${r.errors.map((e) => e.message).join('; ')}`);
        const d = decodeAll(r.bytes, 32);
        const hex = Buffer.from(r.bytes).toString('hex');
        expect(d.length, `'${src}' → ${hex}`).toBe(1);
        expect(d[0].invalid).toBe(false);
        expect(d[0].length).toBe(r.bytes.length);
        expect(normalize(d[0].sized), `'${src}' → ${hex}`).toBe(normalize(g.exp));
      }),
      { numRuns: 4000 },
    );
  });
});

// BITS 16: 16-bit addressing ([bx|bp] + [si|di] + disp16), and 32-bit operands/addresses through
// the 0x66/0x67 prefixes.
const mem16Arb = fc.record({
  base: fc.constantFrom(null, 'bx', 'bp'),
  index: fc.constantFrom(null, 'si', 'di'),
  disp: fc.oneof(fc.constant(0), fc.integer({ min: -128, max: 127 }), fc.integer({ min: -0x8000, max: 0x7fff })),
  seg: fc.constantFrom(null, 'es', 'fs', 'gs', 'cs'),
  swap: fc.boolean(),
  hex: fc.boolean(),
});

function mem16(m: { base: string | null; index: string | null; disp: number; seg: string | null; swap: boolean; hex: boolean }, size: number | null): Gen {
  const regs = [m.base, m.index].filter((r): r is string => r !== null);
  const disp = regs.length === 0 ? m.disp & 0xffff : m.disp;
  let exp = regs.join('+');
  if (regs.length === 0) exp = String(disp);
  else if (disp > 0) exp += `+${disp}`;
  else if (disp < 0) exp += `-${-disp}`;
  const terms = m.swap ? [...regs].reverse() : regs;
  let src = terms.join('+');
  if (regs.length === 0) src = num(disp, m.hex);
  else if (disp > 0) src += `+${num(disp, m.hex)}`;
  else if (disp < 0) src += `-${num(disp, m.hex)}`;
  const seg = m.seg ? `${m.seg}:` : '';
  const sz = size ? `${SIZE_KW[size]} ` : '';
  return { src: `${sz}[${seg}${src}]`, exp: `${sz}[${seg}${exp}]` };
}

// 32-bit addresses need a register here: a plain address in 16-bit code is a 16-bit offset.
const mem32In16 = (size: number | null): fc.Arbitrary<Gen> => memArb.filter((m) => m.base !== null || m.index !== null).map((m) => mem(m, size));
const mem16Gen = (size: number | null): fc.Arbitrary<Gen> => fc.oneof(mem16Arb.map((m) => mem16(m, size)), mem32In16(size));
const rm16Gen = (size: number): fc.Arbitrary<Gen> => fc.oneof(regGen(size), mem16Gen(size));

const families16: fc.Arbitrary<Gen>[] = [
  fc.tuple(fc.constantFrom(...ALU), sizeArb).chain(([m, s]) => fc.tuple(rm16Gen(s), regGen(s)).map(([a, b]) => ins(m, m, a, b))),
  fc.tuple(fc.constantFrom(...ALU), sizeArb).chain(([m, s]) => fc.tuple(regGen(s), mem16Gen(s)).map(([a, b]) => ins(m, m, a, b))),
  fc.tuple(fc.constantFrom(...ALU), sizeArb).chain(([m, s]) => fc.tuple(rm16Gen(s), immArb(s)).map(([a, b]) => ins(m, m, a, b))),
  sizeArb.chain((s) => fc.tuple(rm16Gen(s), regGen(s)).map(([a, b]) => ins('mov', 'mov', a, b))),
  sizeArb.chain((s) => fc.tuple(regGen(s), mem16Gen(s)).map(([a, b]) => ins('mov', 'mov', a, b))),
  sizeArb.chain((s) => fc.tuple(rm16Gen(s), immArb(s)).map(([a, b]) => ins('mov', 'mov', a, b))),
  fc.tuple(fc.constantFrom(...UNARY), sizeArb).chain(([m, s]) => rm16Gen(s).map((a) => ins(m, m, a))),
  fc.tuple(fc.constantFrom(...SHIFTS), sizeArb).chain(([[m, e], s]) =>
    fc.tuple(rm16Gen(s), fc.oneof(fc.constant({ src: '1', exp: '1' }), fc.constant({ src: 'cl', exp: 'cl' }), fc.integer({ min: 2, max: 31 }).map((v) => ({ src: String(v), exp: String(v) })))).map(([a, b]) => ins(m, e, a, b)),
  ),
  fc.tuple(fc.constantFrom('push', 'pop'), size1632).chain(([m, s]) => rm16Gen(s).map((a) => ins(m, m, a))),
  fc.tuple(fc.constantFrom('movzx', 'movsx'), fc.constantFrom([16, 8], [32, 8], [32, 16])).chain(([m, [d, s]]) =>
    fc.tuple(regGen(d), rm16Gen(s)).map(([a, b]) => ins(m, m, a, b)),
  ),
  fc.tuple(fc.constantFrom(...CC), rm16Gen(8)).map(([[a, c], o]) => ins(`set${a}`, `set${c}`, o)),
  fc.tuple(rm16Gen(32), regGen(32)).map(([a, b]) => ins('vmread', 'vmread', a, b)),
];

describe('random 16-bit code round-trips through iced-x86', () => {
  it('decodes to one instruction with the same mnemonic, operands and length', () => {
    fc.assert(
      fc.property(fc.oneof(...families16), (g) => {
        const r = assemble(g.src, { bits: 16 });
        if (!r.ok) throw new Error(`'${g.src}': ${r.errors.map((e) => e.message).join('; ')}`);
        const d = decodeAll(r.bytes, 16);
        const hex = Buffer.from(r.bytes).toString('hex');
        expect(d.length, `'${g.src}' → ${hex}`).toBe(1);
        expect(d[0].length).toBe(r.bytes.length);
        expect(normalize(d[0].sized), `'${g.src}' → ${hex}`).toBe(normalize(g.exp));
      }),
      { numRuns: 2000 },
    );
  });
});
