/**
 * Data movement (exec/data.ts): MOV in all its forms, MOVZX/MOVSX, LEA, XCHG, BSWAP, XLAT, the stack
 * (PUSH/POP/PUSHA/POPA/ENTER/LEAVE), far-pointer loads, 16-bit operand size (66) and 16-bit addressing (67).
 * Each case cites the SDM Vol. 2 instruction page it checks.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { BareHarness, growGdt, runBare, segDesc, writeDesc } from '../../../test-support/bare.ts';

const DATA = 0x20000;
const STACK = 0x90000;

describe('MOV (SDM Vol. 2 MOV)', () => {
  test('register and memory forms at 8, 16 and 32 bits', () => {
    const r = runBare(`
      mov eax, 0x11223344
      mov [${DATA}], eax        ; A3 moffs32
      mov ebx, 0xAABBCCDD
      mov [${DATA}+4], bx       ; 66 89 (16-bit store leaves the upper bytes)
      mov [${DATA}+8], bh       ; 88 with a high-byte register
      mov ecx, 0xFFFFFFFF
      mov cl, [${DATA}+1]       ; 8A: only CL changes
      mov edx, 0xFFFFFFFF
      mov dx, [${DATA}+2]       ; 66 8B: only DX changes
      mov esi, [${DATA}]        ; 8B
      mov byte [${DATA}+12], 0x7F
      mov word [${DATA}+14], 0x1234
      mov dword [${DATA}+16], -2
      hlt`);
    expect(r.reason).toBe('halted');
    expect(r.read32(DATA)).toBe(0x11223344);
    expect(r.read16(DATA + 4)).toBe(0xccdd);
    expect(r.read8(DATA + 8)).toBe(0xcc);
    expect(r.ecx).toBe(0xffffff33);
    expect(r.edx).toBe(0xffff1122);
    expect(r.esi).toBe(0x11223344);
    expect(r.read8(DATA + 12)).toBe(0x7f);
    expect(r.read16(DATA + 14)).toBe(0x1234);
    expect(r.read32(DATA + 16)).toBe(0xfffffffe);
  });

  test('moffs forms A0–A3 read and write the accumulator', () => {
    const r = runBare(`
      mov byte [${DATA}], 0x5A
      mov al, [${DATA}]
      mov ax, [${DATA}]
      mov [${DATA}+4], al
      mov [${DATA}+8], ax
      hlt`, { regs: { eax: 0xffffffff } });
    expect(r.eax).toBe(0xffff005a);
    expect(r.read8(DATA + 4)).toBe(0x5a);
    expect(r.read16(DATA + 8)).toBe(0x005a);
  });

  test('MOV r32, Sreg zero-extends; MOV m16, Sreg writes 16 bits (SDM MOV: "the upper bits … are cleared")', () => {
    const r = runBare(`
      mov eax, 0xFFFFFFFF
      mov eax, ds
      mov ebx, 0xFFFFFFFF
      mov bx, cs
      mov dword [${DATA}], 0xFFFFFFFF
      mov [${DATA}], ss
      hlt`);
    expect(r.eax).toBe(0x10);
    expect(r.ebx).toBe(0xffff0008);
    expect(r.read32(DATA)).toBe(0xffff0010);
  });

  test('MOV CS, r/m16 is #UD (SDM MOV: "If the DS, ES, FS, GS register is used ... CS → #UD")', () => {
    const r = runBare('db 0x8E, 0xC8\nhlt', { regs: { eax: 8 } }); // mov cs, ax
    expect([r.reason, r.vector, r.errorCode]).toEqual(['unhandled-exception', 6, null]);
    expect(r.eip).toBe(0x10000); // a fault: EIP is the faulting instruction
  });

  test('MOV Sreg with Sreg encoding 6/7 is #UD', () => {
    expect(runBare('db 0x8E, 0xF0\nhlt').vector).toBe(6); // mov sreg6, ax
    expect(runBare('db 0x8C, 0xF8\nhlt').vector).toBe(6); // mov ax, sreg7
  });
});

describe('MOVZX / MOVSX (SDM Vol. 2 MOVZX, MOVSX)', () => {
  test('byte and word sources, register and memory, 16- and 32-bit destinations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        const r = h.run(prog.movx, { regs: { ebx: v } });
        const b = v & 0xff;
        const w = v & 0xffff;
        expect(r.eax).toBe(b);
        expect(r.ecx).toBe(w);
        expect(r.edx).toBe((((b << 24) >> 24) >>> 0));
        expect(r.esi).toBe((((w << 16) >> 16) >>> 0));
        expect(r.edi).toBe(((0xdead0000 | (((b << 24) >> 24) & 0xffff)) >>> 0)); // 16-bit destination keeps bits 31:16
        expect(r.ebp).toBe((((w << 16) >> 16) >>> 0));
      }),
      { numRuns: 200 },
    );
  });
});

const h = new BareHarness('nehalem', false);
const prog = {
  movx: `
    mov [${DATA}], ebx
    movzx eax, bl
    movzx ecx, word [${DATA}]
    movsx edx, byte [${DATA}]
    movsx esi, bx
    mov edi, 0xDEAD0000
    movsx di, bl
    movsx ebp, word [${DATA}]
    hlt`,
};

describe('LEA (SDM Vol. 2 LEA: operand size × address size)', () => {
  test('32-bit address, 32-bit operand', () => {
    const r = runBare('lea eax, [ebx+ecx*4+0x10]\nhlt', { regs: { ebx: 0x1000, ecx: 3 } });
    expect(r.eax).toBe(0x101c);
  });
  test('32-bit address truncated to a 16-bit operand', () => {
    const r = runBare('lea ax, [ebx+ecx*8-1]\nhlt', { regs: { eax: 0xaaaaaaaa, ebx: 0x12345678, ecx: 0x10 } });
    expect(r.eax).toBe((0xaaaa0000 | ((0x12345678 + 0x80 - 1) & 0xffff)) >>> 0);
  });
  test('16-bit address zero-extended to a 32-bit operand (67 prefix)', () => {
    const r = runBare('lea eax, [bx+si+0x10]\nhlt', { regs: { eax: 0xffffffff, ebx: 0x1234fff0, esi: 0xabcd0020 } });
    expect(r.eax).toBe(0x0020); // (0xFFF0 + 0x0020 + 0x10) & 0xFFFF
  });
  test('a register operand is #UD', () => {
    expect(runBare('db 0x8D, 0xC0\nhlt').vector).toBe(6);
  });
  test('no memory access: an address that would fault is fine', () => {
    const r = runBare('lea eax, [0xFFFFFFF0]\nhlt');
    expect([r.reason, r.eax]).toEqual(['halted', 0xfffffff0]);
  });
});

describe('XCHG, BSWAP, XLAT (SDM Vol. 2 XCHG, BSWAP, XLAT/XLATB)', () => {
  test('XCHG of registers and memory at every size', () => {
    const r = runBare(`
      mov dword [${DATA}], 0x11223344
      xchg eax, ebx
      xchg cx, dx
      xchg [${DATA}], esi
      xchg ah, [${DATA}+4]
      xchg al, bl
      hlt`, { regs: { eax: 0xa1a2a3a4, ebx: 0xb1b2b3b4, ecx: 0xc1c2c3c4, edx: 0xd1d2d3d4, esi: 0x55667788 } });
    // eax ↔ ebx, then AL ↔ BL; AH ↔ [DATA+4] (0)
    expect(r.eax).toBe(0xb1b200a4);
    expect(r.ebx).toBe(0xa1a2a3b4);
    expect(r.ecx).toBe(0xc1c2d3d4);
    expect(r.edx).toBe(0xd1d2c3c4);
    expect(r.esi).toBe(0x11223344);
    expect(r.read32(DATA)).toBe(0x55667788);
    expect(r.read8(DATA + 4)).toBe(0xb3);
  });
  test('XCHG eAX, r (90+r), 32 and 16 bits', () => {
    const r = runBare('xchg eax, edi\nxchg ax, si\nhlt', { regs: { eax: 1, edi: 0x22222222, esi: 0x33334444 } });
    expect([r.eax, r.edi, r.esi]).toEqual([0x22224444, 1, 0x33332222]);
  });
  test('BSWAP reverses the byte order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        const r = h.run('bswap ecx\nhlt', { regs: { ecx: v } });
        const e = ((v & 0xff) << 24) | ((v >>> 8) & 0xff) << 16 | ((v >>> 16) & 0xff) << 8 | (v >>> 24);
        expect(r.ecx).toBe(e >>> 0);
      }),
      { numRuns: 100 },
    );
  });
  test('BSWAP with a 16-bit operand (66 0F C8+r, undefined in the SDM) clears the 16-bit register, as Bochs BSWAP_RX', () => {
    const r = runBare('db 0x66, 0x0f, 0xc8\ndb 0x66, 0x0f, 0xcb\nhlt', { regs: { eax: 0x11223344, ebx: 0xaabbccdd } });
    expect([r.eax, r.ebx]).toEqual([0x11220000, 0xaabb0000]);
  });
  test('XLAT: AL = DS:[EBX + AL]; with a 16-bit address size, DS:[BX + AL]', () => {
    const r = runBare(`
      mov byte [${DATA}+0x80], 0x77
      mov byte [0x0080], 0x66
      xlatb
      mov ecx, eax
      mov eax, 0x80
      a16 xlatb
      hlt`, { regs: { eax: 0x80, ebx: DATA } });
    expect(r.ecx & 0xff).toBe(0x77);
    expect(r.eax & 0xff).toBe(0x66); // BX (low word of EBX = 0x0002_0000) is 0: DS:[0x0000 + 0x80]
  });
});

describe('PUSH / POP (SDM Vol. 2 PUSH, POP)', () => {
  test('PUSH imm8 is sign-extended; PUSH imm32; PUSH r/m32', () => {
    const r = runBare(`
      push -1
      push 0x12345678
      mov dword [${DATA}], 0xCAFEBABE
      push dword [${DATA}]
      pop eax
      pop ebx
      pop ecx
      hlt`);
    expect([r.eax, r.ebx, r.ecx, r.esp]).toEqual([0xcafebabe, 0x12345678, 0xffffffff, STACK]);
  });
  test('16-bit operand size moves ESP by 2 (66 prefix)', () => {
    const r = runBare(`
      push word 0x1234
      push ax
      pop bx
      pop cx
      hlt`, { regs: { eax: 0xaaaa5555, ebx: 0xbbbbbbbb, ecx: 0xcccccccc } });
    expect([r.ebx, r.ecx, r.esp]).toEqual([0xbbbb5555, 0xcccc1234, STACK]);
    expect(r.read16(STACK - 2)).toBe(0x1234);
  });
  test('PUSH ESP pushes the value before the push; POP ESP loads the popped value', () => {
    const r = runBare('push esp\npop eax\npush 0x5000\npop esp\nhlt');
    expect(r.eax).toBe(STACK);
    expect(r.esp).toBe(0x5000);
  });
  test('POP m with ESP as base: the address is computed after ESP is incremented', () => {
    // "If the ESP register is used as a base register for addressing a destination operand in memory,
    // the POP instruction computes the effective address of the operand after it increments the ESP register."
    const r = runBare('push 0x11111111\npush 0x22222222\npop dword [esp]\nhlt');
    expect(r.esp).toBe(STACK - 4);
    expect(r.read32(STACK - 4)).toBe(0x22222222);
  });
  test('POP m that faults leaves ESP unchanged (a fault is restartable)', () => {
    const r = runBare('push 0x11111111\npop dword [0xFFFFFFF0]\nhlt');
    expect([r.vector, r.esp]).toEqual([14, STACK - 4]);
  });
  test('PUSH Sreg with a 32-bit operand size: ESP moves by 4, the selector is written as a word', () => {
    // SDM PUSH: "…recent Core and Atom processors perform a 16-bit move, leaving the upper portion unmodified."
    const r = runBare(`
      push 0xFFFFFFFF
      pop eax
      push ds
      mov ebx, [esp]
      o16 push fs   ; 66 0F A0
      hlt`);
    expect(r.esp).toBe(STACK - 6);
    expect(r.ebx).toBe(0xffff0010);
    expect(r.read16(STACK - 6)).toBe(0x10);
  });
  test('POP Sreg loads the selector with the usual checks', () => {
    const r = runBare('push 0x23\npop es\nmov eax, es\npush 0x18\npop fs\nhlt');
    expect(r.eax).toBe(0x23);
    // 0x18 is the ring-3 code segment, not readable data for FS? it is readable code (type 0xA+accessed): allowed only
    // when CPL ≤ DPL (non-conforming): DPL 3 ≥ CPL 0, RPL 0 ≤ 3 → loads fine.
    expect(r.reason).toBe('halted');
  });
  test('PUSHAD / POPAD order (EAX ECX EDX EBX original-ESP EBP ESI EDI); POPAD skips ESP', () => {
    const r = runBare(`
      pushad
      mov ebp, esp
      mov eax, [ebp+12]    ; the saved ESP
      mov [${DATA}], eax
      mov eax, [ebp+28]    ; saved EAX
      mov [${DATA}+4], eax
      mov dword [ebp+12], 0 ; POPAD ignores the saved ESP
      mov dword [ebp+16], 0xB0B0 ; the saved EBX
      popad
      hlt`, { regs: { eax: 1, ecx: 2, edx: 3, ebx: 4, ebp: 6, esi: 7, edi: 8 } });
    expect(r.read32(DATA)).toBe(STACK);
    expect(r.read32(DATA + 4)).toBe(1);
    expect([r.eax, r.ecx, r.edx, r.ebx, r.esp, r.ebp, r.esi, r.edi]).toEqual([1, 2, 3, 0xb0b0, STACK, 6, 7, 8]);
  });
  test('PUSHAW / POPAW move 16 bytes and touch only the low words', () => {
    const r = runBare('pushaw\nmov eax, 0xFFFFFFFF\npopaw\nhlt', { regs: { eax: 0x12340001, ebp: 0x99990006 } });
    expect(r.esp).toBe(STACK);
    expect(r.eax).toBe(0xffff0001);
    expect(r.ebp).toBe(0x99990006);
    expect(r.read16(STACK - 2)).toBe(0x0001);
    expect(r.read16(STACK - 10)).toBe(STACK & 0xffff);
  });
  test('PUSHAD that page-faults part-way leaves ESP unchanged (the instruction is restartable)', () => {
    // ESP just above a not-present page boundary: 8 pushes cross into it.
    const r = runBare('mov esp, 0x1010\npushad\nhlt', {
      setup: (m) => {
        // Make 0x0000-0x0FFF not present: a 4-KByte page table for the first 4 MiB.
        m.mem.write32(0x2000, 0x3000 | 0x7);
        for (let k = 0; k < 1024; k++) m.mem.write32(0x3000 + 4 * k, k === 0 ? 0 : (k << 12) | 7);
      },
    });
    expect([r.vector, r.esp]).toEqual([14, 0x1010]);
  });
});

describe('ENTER / LEAVE (SDM Vol. 2 ENTER, LEAVE)', () => {
  test('ENTER size, 0: push EBP, EBP = ESP, ESP -= size; LEAVE undoes it', () => {
    const r = runBare('enter 0x20, 0\nmov eax, esp\nmov ebx, ebp\nleave\nhlt', { regs: { ebp: 0xbeef } });
    expect(r.ebx).toBe(STACK - 4);
    expect(r.eax).toBe(STACK - 4 - 0x20);
    expect([r.esp, r.ebp]).toEqual([STACK, 0xbeef]);
  });
  test('ENTER with nesting level 3 copies two outer frame pointers and pushes the new frame pointer', () => {
    // Frame at EBP: [EBP-4] and [EBP-8] are the display of the enclosing procedure.
    const r = runBare(`
      mov ebp, 0x88000
      mov dword [0x88000-4], 0xAAAA
      mov dword [0x88000-8], 0xBBBB
      enter 8, 3
      hlt`);
    const frame = STACK - 4;
    expect(r.ebp).toBe(frame);
    expect(r.read32(frame)).toBe(0x88000); // old EBP
    expect(r.read32(frame - 4)).toBe(0xaaaa);
    expect(r.read32(frame - 8)).toBe(0xbbbb);
    expect(r.read32(frame - 12)).toBe(frame); // FrameTemp
    expect(r.esp).toBe(frame - 12 - 8);
  });
  test('ENTER with a 16-bit operand size pushes words', () => {
    const r = runBare('o16 enter 4, 1\nhlt', { regs: { ebp: 0x12345678 } });
    expect(r.read16(STACK - 2)).toBe(0x5678);
    expect(r.read16(STACK - 4)).toBe((STACK - 2) & 0xffff);
    expect(r.ebp).toBe(0x12340000 | ((STACK - 2) & 0xffff));
    expect(r.esp).toBe(STACK - 4 - 4);
  });
  test('ENTER that faults leaves ESP and EBP unchanged', () => {
    const r = runBare('mov ebp, 0xFFFFFF00\nenter 0, 2\nhlt');
    expect(r.vector).toBe(14);
    expect([r.esp, r.ebp]).toEqual([STACK, 0xffffff00]);
  });
});

describe('LDS/LES/LFS/LGS/LSS (SDM Vol. 2 LDS/LES/LFS/LGS/LSS)', () => {
  test('loads offset and selector', () => {
    const r = runBare(`
      mov dword [${DATA}], 0x12345678
      mov word [${DATA}+4], 0x23
      les eax, [${DATA}]
      lfs bx, [${DATA}+2]    ; m16:16: offset word at +2, selector word at +4
      mov word [${DATA}+8], 0x1234
      mov word [${DATA}+10], 0x10
      lss cx, [${DATA}+8]
      mov edx, es
      mov esi, fs
      mov edi, ss
      hlt`);
    expect([r.eax, r.ebx & 0xffff, r.ecx & 0xffff, r.edx, r.esi, r.edi]).toEqual([0x12345678, 0x1234, 0x1234, 0x23, 0x23, 0x10]);
  });
  test('a selector beyond the GDT limit is #GP(selector) and nothing is loaded', () => {
    const r = runBare(`
      mov dword [${DATA}], 0x12345678
      mov word [${DATA}+4], 0x1234
      lds eax, [${DATA}]
      hlt`);
    expect([r.vector, r.errorCode, r.eax]).toEqual([13, 0x1234 & 0xfffc, 0]);
  });
  test('a register operand is #UD', () => {
    expect(runBare('db 0xC5, 0xC0\nhlt').vector).toBe(6);
  });
});

describe('16-bit addressing (67 prefix; SDM Vol. 2 Table 2-1)', () => {
  test('each base/index combination, with the upper halves of the registers ignored', () => {
    const cases: [string, number][] = [
      ['[bx+si]', 0x110],
      ['[bx+di]', 0x120],
      ['[bp+si]', 0x040],
      ['[bp+di]', 0x050],
      ['[si]', 0x010],
      ['[di]', 0x020],
      ['[bp+0]', 0x030],
      ['[bx]', 0x100],
      ['[bx+si+0x7F]', 0x18f],
      ['[bx+di-2]', 0x11e],
      ['[bp+si+0x1000]', 0x1040],
      ['[0x0345]', 0x0345],
    ];
    for (const [m, off] of cases) {
      const r = runBare(`a16 mov eax, ${m}\nhlt`, {
        regs: { ebx: 0xffff0100, esi: 0xabcd0010, edi: 0x55550020, ebp: 0x77770030 },
        setup: (mm) => mm.mem.write32(off, 0xc0de0000 | off),
      });
      expect(r.eax, m).toBe((0xc0de0000 | off) >>> 0);
    }
  });
  test('the effective address wraps at 64 KiB', () => {
    const r = runBare('mov byte [bx+si+2], 0x5A\nhlt', { regs: { ebx: 0xffff, esi: 0xffff } });
    expect(r.read8(0x0000)).toBe(0x5a); // 0xFFFF + 0xFFFF + 2 = 0x2_0000 → 0x0000
  });
  test('BP-based forms default to SS, the others to DS (SDM Vol. 1 §3.7.4)', () => {
    // DS gets base 0x30000; SS stays flat. [bp+si] reads SS:, [bx+si] reads DS:.
    const r = runBare(`
      mov ax, 0x48
      mov ds, ax
      mov eax, [bp+si]
      mov ecx, [bx+si]
      mov edx, [ss:bx+si]
      mov esi, 0
      mov edi, [ebp]   ; 32-bit EBP base → SS as well
      hlt`, {
      regs: { ebp: 0x100, ebx: 0x100, esi: 0 },
      setup: (m) => {
        growGdt(m, 0x5000, 16);
        writeDesc(m, 0x5000, 9, segDesc(0x30000, 0xffff, { type: 3 }));
        m.mem.write32(0x100, 0x5555aaaa);
        m.mem.write32(0x30100, 0x66661111);
      },
    });
    expect(r.reason).toBe('halted');
    expect([r.eax, r.ecx, r.edx, r.edi]).toEqual([0x5555aaaa, 0x66661111, 0x5555aaaa, 0x5555aaaa]);
  });
});

describe('16-bit operand size (66 prefix): only the low word changes', () => {
  test('MOV, ALU, INC/DEC, shifts, XCHG, MOVZX on words leave bits 31:16', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (a, b) => {
        const r = h.run(`
          mov cx, bx
          add dx, bx
          inc si
          shl di, 3
          xchg bp, ax
          hlt`, { regs: { eax: a, ebx: b, ecx: a, edx: a, esi: a, edi: a, ebp: b } });
        const hi = (v: number): number => v & 0xffff0000;
        expect(r.ecx).toBe((hi(a) | (b & 0xffff)) >>> 0);
        expect(r.edx).toBe((hi(a) | ((a + b) & 0xffff)) >>> 0);
        expect(r.esi).toBe((hi(a) | ((a + 1) & 0xffff)) >>> 0);
        expect(r.edi).toBe((hi(a) | ((a << 3) & 0xffff)) >>> 0);
        expect(r.ebp).toBe((hi(b) | (a & 0xffff)) >>> 0);
        expect(r.eax).toBe((hi(a) | (b & 0xffff)) >>> 0);
      }),
      { numRuns: 100 },
    );
  });
});
