/**
 * Flags the SDM leaves undefined, set as Bochs sets them (so that a comparison with Bochs does not differ on them):
 * SHR and RCR overflow for counts above 1, RCL/RCR with a count that is a multiple of size + 1, SHLD/SHRD overflow
 * and the 16-bit count above 16, BSF/BSR on a non-zero source. The defined cases are checked beside them.
 */
import { describe, expect, test } from 'vitest';
import { runBare } from '../../../test-support/bare.ts';

const CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const ARITH = CF | PF | AF | ZF | SF | OF;
function run(src: string, eflags = 2): { eax: number; flags: number } {
  const r = runBare(`${src}\nhlt`, { eflags });
  expect(r.reason).toBe('halted');
  return { eax: r.eax >>> 0, flags: r.eflags & ARITH };
}

describe('SHR: OF is MSB(operand) for count 1 (SDM) and 0 for larger counts (Bochs SHR_EdR, SHR_EbR)', () => {
  test('count 1', () => expect(run('mov eax, 0x80000000\nshr eax, 1').flags & OF).toBe(OF));
  test('count 4 (32-bit) and 3 (8-bit)', () => {
    expect(run('mov eax, 0x80000000\nshr eax, 4')).toEqual({ eax: 0x08000000, flags: PF });
    expect(run('mov eax, 0x80\nshr al, 3').flags & OF).toBe(0);
  });
});

describe('RCL/RCR (SDM: tempCOUNT = (COUNT & 1FH) MOD (size + 1))', () => {
  test('RCR by 2: OF = the top two bits of the result XORed (Bochs RCR_EdR, RCR_EbR)', () => {
    expect(run('mov eax, 0x80\nclc\nrcr al, 2')).toEqual({ eax: 0x20, flags: 0 });
    expect(run('mov eax, 0x80000000\nclc\nrcr eax, 2')).toEqual({ eax: 0x20000000, flags: 0 });
  });
  test('RCR by 1: OF = MSB(operand) XOR CF, as the SDM defines it', () => {
    expect(run('mov eax, 0x80\nclc\nrcr al, 1')).toEqual({ eax: 0x40, flags: OF });
  });
  test('an 8-bit count of 9 (or 18) rotates nothing and leaves every flag alone', () => {
    expect(run('mov eax, 0x80\nmov ecx, 9\nrcl al, cl', 0x803)).toEqual({ eax: 0x80, flags: CF | OF });
    expect(run('mov eax, 0x80\nmov ecx, 18\nrcr al, cl', 0x2)).toEqual({ eax: 0x80, flags: 0 });
  });
});

describe('SHLD/SHRD (Bochs SHLD_EdGdR, SHRD_EdGdR, SHLD_EwGwR, SHRD_EwGwR)', () => {
  test('32-bit by 4: OF = CF XOR MSB(result) for SHLD, MSB XOR the bit below it for SHRD', () => {
    expect(run('mov eax, 0x80000000\nxor ebx, ebx\nshld eax, ebx, 4')).toEqual({ eax: 0, flags: ZF | PF });
    expect(run('mov eax, 0x80000000\nxor ebx, ebx\nshrd eax, ebx, 4')).toEqual({ eax: 0x08000000, flags: PF });
  });
  test('16-bit SHLD by 20 shifts dest:src:dest (the P6 way): 0x1234, 0x5678 → 0x6781, CF = OF = 1', () => {
    const r = run('mov eax, 0x1234\nmov ebx, 0x5678\nmov ecx, 20\nshld ax, bx, cl');
    expect(r.eax & 0xffff).toBe(0x6781);
    expect(r.flags & (CF | OF)).toBe(CF | OF);
  });
  test('16-bit SHRD by 20: src:dest shifted with dest above it; CF from the source', () => {
    // (0x5678:0x1234 >> 20) | 0x1234 << 12 → low 16 bits 0x4567; CF = bit 3 of the source 0x5678 = 1.
    const r = run('mov eax, 0x1234\nmov ebx, 0x5678\nmov ecx, 20\nshrd ax, bx, cl');
    expect(r.eax & 0xffff).toBe(0x4567);
    expect(r.flags & CF).toBe(CF);
  });
});

describe('BSF/BSR on a non-zero source: ZF = 0, and the undefined CF, OF, SF, AF, PF as a logical result of the index (Bochs BSF_GdEdR)', () => {
  test('BSF of 8 → 3 (PF = 1: two bits set), BSR of 0x80 → 7 (PF = 0)', () => {
    expect(run('mov ebx, 8\nbsf eax, ebx', 0x803 | AF | SF)).toEqual({ eax: 3, flags: PF });
    expect(run('mov ebx, 0x80\nbsr eax, ebx', 0x803)).toEqual({ eax: 7, flags: 0 });
  });
  test('a zero source: ZF = 1, the other flags and the destination unchanged', () => {
    expect(run('mov eax, 0x55\nxor ebx, ebx\nstc\nbsf eax, ebx')).toEqual({ eax: 0x55, flags: ZF | CF | PF });
  });
});
