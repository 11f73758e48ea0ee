// The explicit-operand spellings of the string instructions (MASM/GAS-intel style), e.g.
// `movs byte [es:edi], [esi]` or `lods dword [fs:esi]`. The operands only document the implicit
// registers and carry the size, the address size and a source segment override (SDM Vol. 2B "MOVS/
// MOVSB/MOVSW/MOVSD": "the destination operand is ES:(E)DI ... the source segment can be overridden").

// Messages come from the catalogue (issue 8: every user-visible string in one catalogue).
import '../../../i18n/en/asm.ts';
import { t } from '../../../i18n/t.ts';
import type { Span } from './diagnostics.ts';
import type { EncodeResult, InsnStmt, Resolved } from './encoder.ts';
import { SIZE_NAMES } from './operands.ts';
import { SREG_PREFIX } from './registers.ts';

type Role = 'src' | 'dst' | 'dx' | 'xlat';

/** Operand roles in written order, and the byte-sized opcode (the word/dword form is opcode + 1). */
const STRING_OPS: Record<string, { roles: Role[]; opcode: number }> = {
  movs: { roles: ['dst', 'src'], opcode: 0xa4 },
  cmps: { roles: ['src', 'dst'], opcode: 0xa6 },
  stos: { roles: ['dst'], opcode: 0xaa },
  lods: { roles: ['src'], opcode: 0xac },
  scas: { roles: ['dst'], opcode: 0xae },
  ins: { roles: ['dst', 'dx'], opcode: 0x6c },
  outs: { roles: ['dx', 'src'], opcode: 0x6e },
  xlat: { roles: ['xlat'], opcode: 0xd7 },
};

/** Mnemonics that take the explicit string operands. */
export const STRING_OPERAND_MNEMONICS = new Set(Object.keys(STRING_OPS));

function fail(span: Span, message: string): EncodeResult {
  return { failure: { span, message, rank: 9 } };
}

export function encodeStringOp(stmt: InsnStmt, ops: Resolved[]): EncodeResult {
  const spec = STRING_OPS[stmt.mnem];
  if (ops.length !== spec.roles.length) {
    const want = spec.roles.map((r) => (r === 'dx' ? 'dx' : r === 'dst' ? '[edi]' : r === 'src' ? '[esi]' : '[ebx]')).join(', ');
    return fail(ops.length ? stmt.opsSpan : stmt.mnemSpan, t('asm.string.needsOperands', { mnemonic: stmt.mnem, operands: want, sized: stmt.mnem === 'xlat' ? 'xlatb' : stmt.mnem + 'b' }));
  }
  let size = 0;
  let asize = 0;
  let seg: number | null = null;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    const role = spec.roles[i];
    if (role === 'dx') {
      if (o.k !== 'reg' || o.reg.name !== 'dx') return fail(o.src, t('asm.string.portIsDx', { mnemonic: stmt.mnem }));
      continue;
    }
    if (o.k !== 'mem') return fail(o.src, t('asm.string.needsMemory', { mnemonic: stmt.mnem, register: role === 'dst' ? 'edi' : role === 'src' ? 'esi' : 'ebx' }));
    const ea = o.ea;
    // One register and nothing else ([si]/[di] are "index" registers in 16-bit addressing).
    const r = ea.base && ea.index ? null : (ea.base ?? ea.index);
    const want = role === 'dst' ? ['edi', 'di'] : role === 'src' ? ['esi', 'si'] : ['ebx', 'bx'];
    if (!r || ea.scale !== 1 || (ea.disp !== undefined && ea.disp !== 0n) || !want.includes(r.name)) {
      return fail(o.src, t('asm.string.fixedRegister', { mnemonic: stmt.mnem, register: want[0], register16: want[1] }));
    }
    if (asize && asize !== ea.asize) return fail(o.src, t('asm.string.mixedAddressSizes', { mnemonic: stmt.mnem }));
    asize = ea.asize;
    if (o.size) {
      if (role === 'xlat' && o.size !== 8) return fail(o.src, t('asm.string.xlatByte'));
      if (o.size !== 8 && o.size !== 16 && o.size !== 32) return fail(o.src, t('asm.string.notASize', { size: SIZE_NAMES[o.size] ?? o.size, mnemonic: stmt.mnem }));
      if (size && size !== o.size) return fail(o.src, t('asm.encoder.sizeMismatch', { instruction: stmt.text }));
      size = o.size;
    }
    if (o.seg) {
      if (role === 'dst' && o.seg.name !== 'es') {
        return fail(o.src, t('asm.string.fixedDestination', { mnemonic: stmt.mnem, register: want[0] }));
      }
      if (role !== 'dst' && o.seg.name !== 'ds') seg = SREG_PREFIX[o.seg.name];
    }
  }
  if (spec.roles[0] === 'xlat') size = 8;
  if (!size) {
    const mem = ops.find((o) => o.k === 'mem')!;
    return fail(mem.src, t('asm.string.ambiguous', { operand: mem.src.text }));
  }
  const out: number[] = stmt.prefixes.map((p) => p.byte);
  if (seg !== null) out.push(seg);
  if (asize !== stmt.bits) out.push(0x67);
  if (size !== 8 && size !== stmt.bits) out.push(0x66);
  out.push(size === 8 ? spec.opcode : spec.opcode + 1);
  return { bytes: out };
}
