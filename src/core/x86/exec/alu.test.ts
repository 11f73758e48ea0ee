/**
 * Integer arithmetic beyond the flag properties of flags.test.ts (exec/alu.ts): DIV/IDIV with #DE,
 * XADD/CMPXCHG/CMPXCHG8B, the sign-extension instructions, decimal adjust, CMOVcc, bit strings in memory,
 * memory destinations and LOCK. Each case cites the SDM Vol. 2 instruction page it checks.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { BareHarness, asm, runBare, type Program } from '../../../test-support/bare.ts';

const DATA = 0x20000;
const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const h = new BareHarness('nehalem', false);
const cache = new Map<string, Program>();
const P = (s: string): Program => {
  let p = cache.get(s);
  if (!p) cache.set(s, (p = asm(s)));
  return p;
};
const parityEven = (v: number): boolean => {
  let p = 0;
  for (let k = 0; k < 8; k++) p ^= (v >> k) & 1;
  return p === 0;
};
const szp8 = (v: number): number => (v === 0 ? ZF : 0) | (v & 0x80 ? SF : 0) | (parityEven(v) ? PF : 0);

describe('DIV / IDIV (SDM Vol. 2 DIV, IDIV): quotient and remainder, #DE on zero divisor or quotient overflow', () => {
  type Size = 8 | 16 | 32;
  const divisorReg = { 8: 'bl', 16: 'bx', 32: 'ebx' } as const;
  /** Expected registers, or 'DE'. Dividend: AX / DX:AX / EDX:EAX. */
  function ref(signed: boolean, n: Size, eax: number, edx: number, ebx: number): { eax: number; edx: number } | 'DE' {
    const N = BigInt(n);
    const mask = (1n << N) - 1n;
    let dividend: bigint;
    if (n === 8) dividend = BigInt(eax & 0xffff);
    else dividend = ((BigInt(edx >>> 0) & mask) << N) | (BigInt(eax >>> 0) & mask);
    let divisor = BigInt(ebx >>> 0) & mask;
    if (signed) {
      dividend = BigInt.asIntN(2 * n, dividend);
      divisor = BigInt.asIntN(n, divisor);
    }
    if (divisor === 0n) return 'DE';
    const q = dividend / divisor; // BigInt division truncates toward zero, as IDIV does
    const r = dividend % divisor; // the remainder takes the dividend's sign
    if (signed ? q > (1n << (N - 1n)) - 1n || q < -(1n << (N - 1n)) : q > mask) return 'DE';
    const qu = Number(BigInt.asUintN(n, q));
    const ru = Number(BigInt.asUintN(n, r));
    if (n === 8) return { eax: ((eax & 0xffff0000) | (ru << 8) | qu) >>> 0, edx };
    if (n === 16) return { eax: ((eax & 0xffff0000) | qu) >>> 0, edx: ((edx & 0xffff0000) | ru) >>> 0 };
    return { eax: qu, edx: ru };
  }
  const u32 = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xffffff80, 0xffff8000));
  for (const signed of [false, true]) {
    for (const n of [8, 16, 32] as const) {
      const text = `${signed ? 'idiv' : 'div'} ${divisorReg[n]}`;
      test(text, () => {
        const p = P(`${text}\nhlt`);
        fc.assert(
          fc.property(u32, fc.oneof(u32, fc.constantFrom(0, 0xffffffff)), u32, (eax, edx, ebx) => {
            const r = h.run(p, { regs: { eax, edx, ebx } });
            const e = ref(signed, n, eax, edx, ebx);
            if (e === 'DE') {
              // #DE is a fault: nothing changes and EIP points at the divide (SDM Vol. 3A §6.15, Interrupt 0).
              expect([r.reason, r.vector, r.errorCode, r.eip]).toEqual(['unhandled-exception', 0, null, 0x10000]);
              expect([r.eax, r.edx]).toEqual([eax >>> 0, edx >>> 0]);
            } else {
              expect(r.reason).toBe('halted');
              expect([r.eax, r.edx]).toEqual([e.eax, e.edx >>> 0]);
            }
          }),
          { numRuns: 400 },
        );
      });
    }
  }
  test('named edge cases', () => {
    expect(ref(true, 8, 0xff80, 0, 0xff)).toBe('DE'); // -128 / -1 = 128 does not fit
    expect(ref(true, 32, 0x80000000, 0xffffffff, 0xffffffff)).toBe('DE');
    const r1 = runBare('idiv bl\nhlt', { regs: { eax: 0xff80, ebx: 1 } }); // -128 / 1 = -128 fits
    expect([r1.reason, r1.eax & 0xffff]).toEqual(['halted', 0x0080]);
    const r2 = runBare('idiv ecx\nhlt', { regs: { eax: 0xfffffff9, edx: 0xffffffff, ecx: 2 } }); // -7 / 2 = -3 rem -1
    expect([r2.eax, r2.edx]).toEqual([0xfffffffd, 0xffffffff]);
    const r3 = runBare('div dword [0x20000]\nhlt', { regs: { eax: 10, edx: 0 } }); // memory divisor of 0
    expect(r3.vector).toBe(0);
  });
});

describe('MUL / IMUL with memory operands (SDM Vol. 2 MUL, IMUL)', () => {
  test('byte, word and doubleword sources from memory', () => {
    const r = runBare(`
      mov dword [${DATA}], 0xFFFFFFFE
      mov eax, 3
      mul dword [${DATA}]
      mov esi, eax
      mov edi, edx
      mov eax, 3
      imul dword [${DATA}]
      mov ebx, eax
      mov ecx, edx
      mov ax, 0x100
      imul word [${DATA}]
      hlt`);
    expect([r.esi, r.edi]).toEqual([0xfffffffa, 2]);
    expect([r.ebx, r.ecx]).toEqual([0xfffffffa, 0xffffffff]);
    expect([r.eax & 0xffff, r.edx & 0xffff]).toEqual([0xfe00, 0xffff]);
  });
});

describe('XADD, CMPXCHG, CMPXCHG8B (SDM Vol. 2)', () => {
  test('XADD exchanges then adds, at every size, with memory and registers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (a, b) => {
        const r = h.run(P(`mov [${DATA}], eax\nxadd [${DATA}], ebx\nxadd cx, dx\nxadd ah, al\nhlt`), { regs: { eax: a, ebx: b, ecx: a, edx: b } });
        expect(r.read32(DATA)).toBe((a + b) >>> 0);
        expect(r.ebx).toBe(a >>> 0);
        expect(r.ecx).toBe(((a & 0xffff0000) | ((a + b) & 0xffff)) >>> 0);
        expect(r.edx).toBe(((b & 0xffff0000) | (a & 0xffff)) >>> 0);
        const ah = (a >>> 8) & 0xff;
        const al = a & 0xff;
        expect(r.eax).toBe(((a & 0xffff0000) | (((ah + al) & 0xff) << 8) | ah) >>> 0);
        // Flags are those of the addition (SDM XADD: "as for ADD").
        expect((r.eflags & CF) !== 0).toBe(ah + al > 0xff);
      }),
      { numRuns: 200 },
    );
  });
  test('CMPXCHG: equal → ZF = 1, destination = source; not equal → ZF = 0, accumulator = destination', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.boolean(), (d, s, same) => {
        const acc = same ? d : (d ^ 0x10001) >>> 0;
        const r = h.run(P(`mov [${DATA}], edx\ncmpxchg [${DATA}], ecx\nhlt`), { regs: { eax: acc, ecx: s, edx: d } });
        expect((r.eflags & ZF) !== 0).toBe(same);
        expect(r.read32(DATA)).toBe(same ? s >>> 0 : d >>> 0);
        expect(r.eax).toBe(d >>> 0);
        // CF from the comparison accumulator − destination.
        expect((r.eflags & CF) !== 0).toBe(acc >>> 0 < d >>> 0);
      }),
      { numRuns: 200 },
    );
  });
  test('CMPXCHG byte and word forms touch only their part of the accumulator', () => {
    const r = runBare(`mov byte [${DATA}], 0x33\ncmpxchg [${DATA}], bl\nmov word [${DATA}+2], 0x4444\ncmpxchg [${DATA}+2], cx\nhlt`, {
      regs: { eax: 0xaaaa1122, ebx: 0x77, ecx: 0x5555 },
    });
    // First: AL (0x22) ≠ 0x33 → AL = 0x33. Second: AX (0x1133) ≠ 0x4444 → AX = 0x4444.
    expect(r.eax).toBe(0xaaaa4444);
    expect(r.read8(DATA)).toBe(0x33);
  });
  test('CMPXCHG8B: EDX:EAX = m64 → m64 = ECX:EBX, ZF = 1; else EDX:EAX = m64, ZF = 0', () => {
    const eq = runBare(`mov dword [${DATA}], 0x11111111\nmov dword [${DATA}+4], 0x22222222\ncmpxchg8b [${DATA}]\nhlt`, {
      regs: { eax: 0x11111111, edx: 0x22222222, ebx: 0x33333333, ecx: 0x44444444 },
    });
    expect([eq.read32(DATA), eq.read32(DATA + 4), eq.eflags & ZF]).toEqual([0x33333333, 0x44444444, ZF]);
    const ne = runBare(`mov dword [${DATA}], 0x11111111\nmov dword [${DATA}+4], 0x22222222\ncmpxchg8b [${DATA}]\nhlt`, {
      regs: { eax: 0x11111111, edx: 0x99999999, ebx: 0x33333333, ecx: 0x44444444 },
    });
    expect([ne.read32(DATA), ne.read32(DATA + 4), ne.eax, ne.edx, ne.eflags & ZF]).toEqual([0x11111111, 0x22222222, 0x11111111, 0x22222222, 0]);
  });
  test('CMPXCHG8B with a register operand is #UD', () => {
    expect(runBare('db 0x0F, 0xC7, 0xC8\nhlt').vector).toBe(6);
  });
});

describe('CBW/CWDE/CWD/CDQ (SDM Vol. 2 CBW/CWDE/CDQE, CWD/CDQ/CQO)', () => {
  test('sign extension of AL, AX, EAX', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        const r = h.run(P('mov ecx, eax\ncbw\nmov ebx, eax\nmov eax, ecx\ncwde\nmov esi, eax\nmov eax, ecx\nmov edx, 0x12345678\ncwd\nmov edi, edx\nmov eax, ecx\ncdq\nhlt'), { regs: { eax: v } });
        expect(r.ebx).toBe(((v & 0xffff0000) | (((v << 24) >> 24) & 0xffff)) >>> 0);
        expect(r.esi).toBe(((v << 16) >> 16) >>> 0);
        expect(r.edi).toBe((0x12340000 | (v & 0x8000 ? 0xffff : 0)) >>> 0);
        expect(r.edx).toBe(v & 0x80000000 ? 0xffffffff : 0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('decimal adjust (SDM Vol. 2 DAA, DAS, AAA, AAS, AAM, AAD pseudocode)', () => {
  type Out = { ax: number; flags: number; mask: number };
  function daa(al: number, cf: number, af: number): Out {
    const oldAl = al;
    const oldCf = cf;
    let ncf = 0;
    let naf = 0;
    if ((al & 0xf) > 9 || af) {
      ncf = oldCf | (al + 6 > 0xff ? 1 : 0);
      al = (al + 6) & 0xff;
      naf = 1;
    }
    if (oldAl > 0x99 || oldCf) {
      al = (al + 0x60) & 0xff;
      ncf = 1;
    } else ncf = 0;
    return { ax: al, flags: ncf | (naf ? AF : 0) | szp8(al), mask: CF | AF | SF | ZF | PF };
  }
  function das(al: number, cf: number, af: number): Out {
    const oldAl = al;
    const oldCf = cf;
    let ncf = 0;
    let naf = 0;
    if ((al & 0xf) > 9 || af) {
      ncf = oldCf | (al < 6 ? 1 : 0);
      al = (al - 6) & 0xff;
      naf = 1;
    }
    if (oldAl > 0x99 || oldCf) {
      al = (al - 0x60) & 0xff;
      ncf = 1;
    }
    return { ax: al, flags: ncf | (naf ? AF : 0) | szp8(al), mask: CF | AF | SF | ZF | PF };
  }
  // OF, SF, ZF, PF are undefined (SDM); Bochs bcd.cc sets them as a logic operation on the final AL (OF = 0).
  const BCD_MASK = AF | CF | OF | SF | ZF | PF;
  function aaa(ax: number, af: number): Out {
    if ((ax & 0xf) > 9 || af) {
      const v = ((ax + 0x106) & 0xffff) & 0xff0f;
      return { ax: v, flags: AF | CF | szp8(v & 0xff), mask: BCD_MASK };
    }
    return { ax: ax & 0xff0f, flags: szp8(ax & 0x0f), mask: BCD_MASK };
  }
  function aas(ax: number, af: number): Out {
    if ((ax & 0xf) > 9 || af) {
      let v = (ax - 6) & 0xffff; // AX := AX – 6 (a 16-bit subtraction: a borrow reaches AH)
      v = (v & 0xff) | ((((v >> 8) - 1) & 0xff) << 8); // AH := AH – 1
      return { ax: v & 0xff0f, flags: AF | CF | szp8(v & 0x0f), mask: BCD_MASK };
    }
    return { ax: ax & 0xff0f, flags: szp8(ax & 0x0f), mask: BCD_MASK };
  }
  const flagCombos = [0, CF, AF, CF | AF];
  for (const [name, fn] of [['daa', daa], ['das', das]] as const) {
    test(`${name}: every AL × CF × AF`, () => {
      const p = P(`${name}\nhlt`);
      for (let al = 0; al < 256; al++) {
        for (const f of flagCombos) {
          const r = h.run(p, { regs: { eax: 0xabcd00 | al }, eflags: f });
          const e = fn(al, f & CF, f & AF ? 1 : 0);
          expect(r.eax, `${name} al=${al.toString(16)} f=${f}`).toBe(0xabcd00 | e.ax);
          expect(r.eflags & e.mask, `${name} al=${al.toString(16)} f=${f}`).toBe(e.flags);
        }
      }
    });
  }
  for (const [name, fn] of [['aaa', aaa], ['aas', aas]] as const) {
    test(`${name}: every AL × AF, several AH; the undefined flags as Bochs sets them`, () => {
      const p = P(`${name}\nhlt`);
      for (const ah of [0, 1, 0x7f, 0x80, 0xff]) {
        for (let al = 0; al < 256; al++) {
          for (const f of [...flagCombos, OF | SF | ZF | PF, OF | SF | ZF | PF | AF]) {
            const ax = (ah << 8) | al;
            const r = h.run(p, { regs: { eax: 0x55550000 | ax }, eflags: f });
            const e = fn(ax, f & AF ? 1 : 0);
            expect(r.eax, `${name} ax=${ax.toString(16)} f=${f}`).toBe((0x55550000 | e.ax) >>> 0);
            expect(r.eflags & e.mask, `${name} ax=${ax.toString(16)} f=${f}`).toBe(e.flags);
          }
        }
      }
    });
  }
  test('AAM imm8: AH = AL / imm8, AL = AL mod imm8; SF ZF PF from AL', () => {
    for (const base of [10, 16, 7, 1, 255]) {
      const p = P(`aam ${base}\nhlt`);
      for (let al = 0; al < 256; al += 3) {
        const r = h.run(p, { regs: { eax: 0x1200 | al } });
        const q = Math.floor(al / base);
        const m = al % base;
        expect(r.eax & 0xffff).toBe((q << 8) | m);
        expect(r.eflags & (SF | ZF | PF)).toBe(szp8(m));
      }
    }
  });
  test('AAM 0 is #DE (SDM AAM: "#DE If an immediate value of 0 is used")', () => {
    const r = runBare('aam 0\nhlt', { regs: { eax: 0x55 } });
    expect([r.vector, r.eax]).toEqual([0, 0x55]);
  });
  test('AAD imm8: AL = (AL + AH × imm8) & FF, AH = 0', () => {
    for (const base of [10, 16, 0, 3]) {
      const p = P(`aad ${base}\nhlt`);
      for (let ah = 0; ah < 256; ah += 17) {
        for (let al = 0; al < 256; al += 13) {
          const r = h.run(p, { regs: { eax: 0x77770000 | (ah << 8) | al } });
          const v = (al + ah * base) & 0xff;
          expect(r.eax).toBe((0x77770000 | v) >>> 0);
          expect(r.eflags & (SF | ZF | PF)).toBe(szp8(v));
        }
      }
    }
  });
});

describe('CMOVcc (SDM Vol. 2 CMOVcc)', () => {
  const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
  const holds = (cc: number, f: number): boolean => {
    const cf = (f & CF) !== 0, zf = (f & ZF) !== 0, sf = (f & SF) !== 0, of = (f & OF) !== 0, pf = (f & PF) !== 0;
    const b = [of, cf, zf, cf || zf, sf, pf, sf !== of, zf || sf !== of][cc >> 1];
    return cc & 1 ? !b : b;
  };
  test('moves exactly when the condition holds (32- and 16-bit)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 63 }), (cc, k) => {
        const f = (k & 1 ? CF : 0) | (k & 2 ? PF : 0) | (k & 4 ? ZF : 0) | (k & 8 ? SF : 0) | (k & 16 ? OF : 0) | (k & 32 ? AF : 0);
        const r = h.run(P(`cmov${CC[cc]} eax, ebx\ncmov${CC[cc]} cx, dx\nhlt`), { regs: { eax: 1, ebx: 2, ecx: 0x33330003, edx: 0x44440004 }, eflags: f });
        const yes = holds(cc, f);
        expect(r.eax).toBe(yes ? 2 : 1);
        expect(r.ecx).toBe(yes ? 0x33330004 : 0x33330003);
      }),
      { numRuns: 300 },
    );
  });
  test('the memory source is read even when the condition is false (it can fault)', () => {
    // SDM CMOVcc Operation: "temp := SRC; IF condition TRUE THEN DEST := temp".
    const r = runBare('cmovz eax, [0xFFFFFFF0]\nhlt', { eflags: 0 });
    expect([r.vector, r.errorCode]).toEqual([14, 0]);
  });
});

describe('BT/BTS/BTR/BTC on memory: the register offset addresses a bit string (SDM Vol. 2 BT, Figure 3-2)', () => {
  test('positive and negative offsets reach beyond the operand; immediates are taken modulo the size', () => {
    const r = runBare(`
      bts dword [${DATA}], ecx      ; bit 100 → byte DATA+12, bit 4
      mov ecx, -1
      bts dword [${DATA}], ecx      ; bit -1 → byte DATA-1, bit 7
      bts word [${DATA}+32], 19     ; imm modulo 16 → bit 3
      bt dword [${DATA}], 100
      setc al                       ; imm 100 mod 32 = 4 → bit 4 of the first dword: 0
      mov ecx, 100
      bt dword [${DATA}], ecx
      setc bl
      mov ecx, 100
      btc dword [${DATA}], ecx
      setc dl
      hlt`, { regs: { ecx: 100 } });
    expect(r.read8(DATA - 1)).toBe(0x80);
    expect(r.read16(DATA + 32)).toBe(0x8);
    expect(r.eax & 0xff).toBe(0);
    expect(r.ebx & 0xff).toBe(1);
    expect(r.edx & 0xff).toBe(1);
    expect(r.read8(DATA + 12)).toBe(0); // BTC cleared it again
  });
  test('16-bit operand size: the offset is a signed word', () => {
    const r = runBare(`bts word [${DATA}], cx\nhlt`, { regs: { ecx: 0x1234ffff } }); // CX = -1 → bit 15 of the word at DATA-2
    expect(r.read16(DATA - 2)).toBe(0x8000);
  });
});

describe('memory destinations and LOCK (SDM Vol. 2 LOCK)', () => {
  test('ALU, INC/DEC, NOT/NEG, shifts on memory', () => {
    const r = runBare(`
      mov dword [${DATA}], 10
      add dword [${DATA}], 5
      lock sub dword [${DATA}], 1
      inc dword [${DATA}]
      mov word [${DATA}+4], 0x00FF
      not word [${DATA}+4]
      mov byte [${DATA}+6], 1
      neg byte [${DATA}+6]
      mov dword [${DATA}+8], 0x80000001
      rol dword [${DATA}+8], 1
      lock xchg [${DATA}+12], eax
      hlt`, { regs: { eax: 0x777 } });
    expect(r.read32(DATA)).toBe(15);
    expect(r.read16(DATA + 4)).toBe(0xff00);
    expect(r.read8(DATA + 6)).toBe(0xff);
    expect(r.read32(DATA + 8)).toBe(3);
    expect(r.read32(DATA + 12)).toBe(0x777);
  });
  test('LOCK with a register destination or a non-lockable instruction is #UD', () => {
    expect(runBare('lock add eax, ebx\nhlt').vector).toBe(6);
    expect(runBare('lock mov [0x20000], eax\nhlt').vector).toBe(6);
    expect(runBare('lock nop\nhlt').vector).toBe(6);
  });
  test('CMP with a memory operand does not need a writable page', () => {
    // Read-only 4-KiB page at 0x20000 (U/S=1, R/W=0) — CMP only reads; ADD faults with W=1 in the error code.
    const setup = (m: import('../../machine/bare.ts').BareMachine): void => {
      m.mem.write32(0x2000, 0x3000 | 7);
      for (let k = 0; k < 1024; k++) m.mem.write32(0x3000 + 4 * k, (k << 12) | (k === 0x20 ? 5 : 7));
      m.cpu.cr0 |= 0x10000; // CR0.WP: supervisor writes honour R/W
    };
    expect(runBare(`cmp dword [${DATA}], 1\nhlt`, { setup }).reason).toBe('halted');
    const w = runBare(`add dword [${DATA}], 1\nhlt`, { setup });
    expect([w.vector, w.errorCode, w.cpu.cr2 >>> 0]).toEqual([14, 3, DATA]);
  });
});
