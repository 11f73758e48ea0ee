/**
 * String instructions (exec/string.ts): MOVS, STOS, LODS, CMPS, SCAS, INS, OUTS with REP/REPE/REPNE,
 * DF, 16-bit address size, segment overrides, counts larger than one execution chunk, and restartable
 * faults part-way (SDM Vol. 2 "REP/REPE/REPZ/REPNE/REPNZ" and the instruction pages; Vol. 1 §7.3.9).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { BareHarness, growGdt, runBare, segDesc, writeDesc } from '../../../test-support/bare.ts';
import { REP_CHUNK } from './string.ts';

const SRC = 0x20000;
const DST = 0x30000;
const ZF = 0x40, CF = 0x1;

describe('MOVS / STOS / LODS', () => {
  test('REP MOVSB/W/D forward copies ECX elements and advances ESI/EDI', () => {
    for (const [suffix, size] of [['b', 1], ['w', 2], ['d', 4]] as const) {
      const r = runBare(`cld\nrep movs${suffix}\nhlt`, {
        regs: { esi: SRC, edi: DST, ecx: 5 },
        setup: (m) => {
          for (let k = 0; k < 32; k++) m.mem.write8(SRC + k, k + 1);
        },
      });
      expect(r.ecx).toBe(0);
      expect([r.esi, r.edi]).toEqual([SRC + 5 * size, DST + 5 * size]);
      for (let k = 0; k < 5 * size; k++) expect(r.read8(DST + k)).toBe(k + 1);
      expect(r.read8(DST + 5 * size)).toBe(0);
    }
  });
  test('DF = 1 moves backwards (SDM Vol. 1 §3.4.3.2: DF "causes string instructions to auto-decrement")', () => {
    const r = runBare('std\nrep movsd\nhlt', {
      regs: { esi: SRC + 8, edi: DST + 8, ecx: 3 },
      setup: (m) => {
        m.mem.write32(SRC, 0x11111111);
        m.mem.write32(SRC + 4, 0x22222222);
        m.mem.write32(SRC + 8, 0x33333333);
      },
    });
    expect([r.read32(DST), r.read32(DST + 4), r.read32(DST + 8)]).toEqual([0x11111111, 0x22222222, 0x33333333]);
    expect([r.esi, r.edi, r.ecx]).toEqual([SRC - 4, DST - 4, 0]);
  });
  test('REP with ECX = 0 does nothing', () => {
    const r = runBare('rep stosb\nhlt', { regs: { edi: DST, ecx: 0, eax: 0x55 } });
    expect([r.edi, r.read8(DST)]).toEqual([DST, 0]);
  });
  test('a count larger than one execution chunk completes (the instruction re-executes at the same EIP)', () => {
    const n = REP_CHUNK * 2 + 123;
    const r = runBare('rep stosw\nhlt', { regs: { edi: DST, ecx: n, eax: 0xbeef } });
    expect([r.reason, r.ecx, r.edi]).toEqual(['halted', 0, DST + 2 * n]);
    expect(r.read16(DST + 2 * (n - 1))).toBe(0xbeef);
    expect(r.read16(DST + 2 * n)).toBe(0);
  });
  test('LODS loads the accumulator; without REP one element', () => {
    const r = runBare('lodsb\nmov bl, al\nlodsw\nmov cx, ax\nlodsd\nhlt', {
      regs: { esi: SRC, eax: 0xffffffff, ebx: 0, ecx: 0 },
      setup: (m) => {
        for (let k = 0; k < 8; k++) m.mem.write8(SRC + k, 0x10 + k);
      },
    });
    expect([r.ebx & 0xff, r.ecx & 0xffff, r.eax, r.esi]).toEqual([0x10, 0x1211, 0x16151413, SRC + 7]);
  });
  test('the source segment can be overridden; the destination is always ES (SDM MOVS)', () => {
    const r = runBare('fs movsd\nhlt', {
      regs: { esi: 0x100, edi: DST },
      setup: (m) => {
        growGdt(m, 0x5000, 16);
        writeDesc(m, 0x5000, 9, segDesc(SRC, 0xffff, { type: 3 }));
        m.cpu.setSegCache(4, 0x48, SRC, 0xffff, 0x4093);
        m.mem.write32(SRC + 0x100, 0xfeedface);
        m.mem.write32(0x100, 0x0badf00d);
      },
    });
    expect(r.read32(DST)).toBe(0xfeedface);
  });
  test('16-bit address size uses CX, SI, DI and wraps at 64 KiB (67 prefix)', () => {
    const r = runBare('a16 rep movsb\nhlt', {
      regs: { esi: 0x1234fffe, edi: 0xabcd0100, ecx: 0x77770004 },
      setup: (m) => {
        m.mem.write8(0xfffe, 0xa1);
        m.mem.write8(0xffff, 0xa2);
        m.mem.write8(0x0000, 0xa3);
        m.mem.write8(0x0001, 0xa4);
      },
    });
    expect([r.ecx, r.esi, r.edi]).toEqual([0x77770000, 0x12340002, 0xabcd0104]);
    expect(r.read32(0x100)).toBe(0xa4a3a2a1);
  });
});

describe('CMPS / SCAS with REPE / REPNE (SDM Vol. 2 REP prefix: termination conditions)', () => {
  const h = new BareHarness('nehalem', false);
  test('REPE CMPSB stops after the first mismatch; ECX counts the compared elements', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 60 }), (len, diffAt) => {
        const r = h.run('cld\nrepe cmpsb\nhlt', {
          regs: { esi: SRC, edi: DST, ecx: len },
          setup: (m) => {
            for (let k = 0; k < 64; k++) {
              m.mem.write8(SRC + k, k);
              m.mem.write8(DST + k, k === diffAt ? 0xff : k);
            }
          },
        });
        const compared = diffAt < len ? diffAt + 1 : len;
        expect(r.ecx).toBe(len - compared);
        expect([r.esi, r.edi]).toEqual([SRC + compared, DST + compared]);
        expect((r.eflags & ZF) !== 0).toBe(!(diffAt < len));
        if (diffAt < len) expect((r.eflags & CF) !== 0).toBe(diffAt < 0xff); // [ESI] − [EDI] borrows
      }),
      { numRuns: 100 },
    );
  });
  test('REPNE SCASB finds a byte (the strlen idiom)', () => {
    const r = runBare('cld\nxor eax, eax\nmov ecx, -1\nrepne scasb\npushfd\npop ebx\nnot ecx\ndec ecx\nhlt', {
      regs: { edi: SRC },
      setup: (m) => {
        const s = 'hello, world';
        for (let k = 0; k < s.length; k++) m.mem.write8(SRC + k, s.charCodeAt(k));
      },
    });
    expect(r.ecx).toBe(12);
    expect(r.edi).toBe(SRC + 13);
    expect(r.ebx & ZF).toBe(ZF); // stopped because the byte matched
  });
  test('REPNE SCASD that never matches runs to ECX = 0 with ZF = 0', () => {
    const r = runBare('cld\nrepne scasd\nhlt', { regs: { edi: SRC, ecx: 10, eax: 0x12345678 } });
    expect([r.ecx, r.edi, r.eflags & ZF]).toEqual([0, SRC + 40, 0]);
  });
  test('REPE CMPS with ECX = 0 leaves the flags alone', () => {
    const r = runBare('stc\nrepe cmpsd\nhlt', { regs: { ecx: 0 }, eflags: ZF | CF });
    expect(r.eflags & (ZF | CF)).toBe(ZF | CF);
  });
  test('SCASW compares AX with ES:[EDI] (AX − m16 sets the flags)', () => {
    const r = runBare('scasw\nhlt', { regs: { edi: SRC, eax: 0x0001 }, setup: (m) => m.mem.write16(SRC, 0x0002) });
    expect(r.eflags & (CF | ZF)).toBe(CF);
    expect(r.edi).toBe(SRC + 2);
  });
});

describe('a fault part-way through REP is restartable (SDM Vol. 2 REP: registers reflect completed iterations)', () => {
  test('REP MOVSB into a not-present page: #PF with ECX/ESI/EDI after the completed bytes, EIP at the instruction', () => {
    const r = runBare('rep movsb\nhlt', {
      regs: { esi: SRC, edi: 0x0ffc, ecx: 10 },
      setup: (m) => {
        // 4-KiB page table for the first 4 MiB with page 1 (0x1000-0x1FFF) not present.
        m.mem.write32(0x2000, 0x3000 | 7);
        for (let k = 0; k < 1024; k++) m.mem.write32(0x3000 + 4 * k, k === 1 ? 0 : (k << 12) | 7);
        // The GDT and TSS live in page 1: move the GDT (descriptor reads would fault otherwise).
        growGdt(m, 0x5000, 8);
      },
    });
    expect([r.vector, r.errorCode, r.cpu.cr2]).toEqual([14, 2, 0x1000]); // write, not present, supervisor
    expect([r.ecx, r.esi, r.edi, r.eip]).toEqual([6, SRC + 4, 0x1000, 0x10000]);
  });
});

describe('INS / OUTS (SDM Vol. 2 INS/INSB/INSW/INSD, OUTS/OUTSB/OUTSW/OUTSD)', () => {
  test('REP OUTSB writes each byte to port DX (the COM1 transmitter)', () => {
    const r = runBare('mov dx, 0x3F8\nrep outsb\nhlt', {
      regs: { esi: SRC, ecx: 3 },
      setup: (m) => {
        m.mem.write8(SRC, 0x48);
        m.mem.write8(SRC + 1, 0x69);
        m.mem.write8(SRC + 2, 0x0a);
      },
    });
    const outs = r.events.filter((e) => e.type === 'io' && e.direction === 'out');
    expect(outs.map((e) => e.value)).toEqual(['0x00000048', '0x00000069', '0x0000000A']);
    expect(r.events.filter((e) => e.type === 'console').map((e) => e.text).join('')).toBe('Hi\n');
    expect([r.esi, r.ecx]).toEqual([SRC + 3, 0]);
  });
  test('INSW stores the port value at ES:[EDI]; an undecoded port reads all ones', () => {
    const r = runBare('mov dx, 0x2F0\ninsw\ninsd\nhlt', { regs: { edi: DST } });
    expect([r.read16(DST), r.read32(DST + 2), r.edi]).toEqual([0xffff, 0xffffffff, DST + 6]);
  });
});
