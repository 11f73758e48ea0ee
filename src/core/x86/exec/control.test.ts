/**
 * Near control transfers (exec/control.ts): Jcc, JMP, CALL/RET, LOOP/LOOPcc/JECXZ, 16-bit operand and
 * address sizes, code-segment limit checks, BOUND, and self-modifying code. Far transfers, gates and
 * interrupts are in ../protection.test.ts and ../interrupts.test.ts. SDM Vol. 2 instruction pages.
 */
import { describe, expect, test } from 'vitest';
import { BareHarness, asm, growGdt, runBare, segDesc, writeDesc } from '../../../test-support/bare.ts';

const CF = 0x1, PF = 0x4, ZF = 0x40, SF = 0x80, OF = 0x800;
const STACK = 0x90000;
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const holds = (cc: number, f: number): boolean => {
  const cf = (f & CF) !== 0, zf = (f & ZF) !== 0, sf = (f & SF) !== 0, of = (f & OF) !== 0, pf = (f & PF) !== 0;
  const b = [of, cf, zf, cf || zf, sf, pf, sf !== of, zf || sf !== of][cc >> 1];
  return cc & 1 ? !b : b;
};

describe('Jcc (SDM Vol. 2 Jcc; conditions per Vol. 1 Table B-1)', () => {
  const h = new BareHarness('nehalem', false);
  for (const far of [false, true]) {
    test(`every condition against every flag combination, ${far ? 'rel32 (0F 8x)' : 'rel8 (7x)'}`, () => {
      for (let cc = 0; cc < 16; cc++) {
        const p = asm(`j${CC[cc]} taken\nmov eax, 1\nhlt\n${far ? 'times 300 nop' : ''}\ntaken: mov eax, 2\nhlt`);
        expect(p.bytes[0]).toBe(far ? 0x0f : 0x70 + cc);
        for (let k = 0; k < 32; k++) {
          const f = (k & 1 ? CF : 0) | (k & 2 ? PF : 0) | (k & 4 ? ZF : 0) | (k & 8 ? SF : 0) | (k & 16 ? OF : 0);
          const r = h.run(p, { eflags: f });
          expect(r.eax, `j${CC[cc]} flags ${f.toString(16)}`).toBe(holds(cc, f) ? 2 : 1);
        }
      }
    });
  }
  test('backward branches (negative displacement)', () => {
    const r = runBare('mov ecx, 5\nxor eax, eax\nagain: add eax, ecx\ndec ecx\njnz again\nhlt');
    expect(r.eax).toBe(15);
  });
});

describe('JMP / CALL / RET (SDM Vol. 2 JMP, CALL, RET)', () => {
  test('CALL rel32 pushes the return address; RET pops it; RET imm16 releases parameters', () => {
    const r = runBare(`
      push 0x11
      push 0x22
      call f
      mov ebx, esp
      hlt
    f: mov eax, [esp]
      mov ecx, [esp+4]
      ret 8`);
    expect(r.eax).toBe(0x10000 + 2 + 2 + 5); // after push imm8, push imm8, call rel32
    expect(r.ecx).toBe(0x22);
    expect(r.ebx).toBe(STACK);
  });
  test('indirect JMP and CALL through a register and through memory', () => {
    const r = runBare(`
      mov eax, t1
      jmp eax
      hlt
    t1: mov dword [0x20000], t2
      jmp dword [0x20000]
      hlt
    t2: mov ebx, t3
      call ebx
      hlt
    t3: mov dword [0x20004], t4
      call dword [0x20004]
      hlt
    t4: mov esi, [esp]
      mov edi, [esp+4]
      hlt`);
    expect(r.reason).toBe('halted');
    expect(r.eip).toBe(r.sym.t4 + 3 + 4 + 1);
    expect(r.esi).toBe(r.sym.t3 + 10 + 6); // after call dword [0x20004] (6 bytes)
    expect(r.edi).toBe(r.sym.t2 + 5 + 2); // after call ebx (2 bytes)
  });
  test('CALL with a 16-bit operand size pushes IP only and truncates EIP to 16 bits', () => {
    // 66 E8 rel16 at 0x10000: next IP = 0x0004 (low word of 0x10004); target = (0x10004 + 0x00FC) & 0xFFFF = 0x0100.
    const r = runBare('db 0x66, 0xE8, 0xFC, 0x00\nhlt', { setup: (m) => m.mem.write8(0x100, 0xf4) });
    expect(r.reason).toBe('halted');
    expect(r.eip).toBe(0x101);
    expect(r.esp).toBe(STACK - 2);
    expect(r.read16(STACK - 2)).toBe(0x0004);
  });
  test('RET with a 16-bit operand size pops a word (o16 ret)', () => {
    const r = runBare('push word 0x0100\no16 ret', { setup: (m) => m.mem.write8(0x100, 0xf4) });
    expect([r.reason, r.eip, r.esp]).toEqual(['halted', 0x101, STACK]);
  });
  test('JMP rel16 (66 E9) truncates EIP to 16 bits', () => {
    const r = runBare('db 0x66, 0xE9, 0xFC, 0x00', { setup: (m) => m.mem.write8(0x100, 0xf4) });
    expect([r.reason, r.eip]).toEqual(['halted', 0x101]);
  });
});

describe('LOOP / LOOPE / LOOPNE / JECXZ (SDM Vol. 2 LOOP/LOOPcc, Jcc JECXZ)', () => {
  test('LOOP decrements ECX and branches while it is not zero', () => {
    const r = runBare('mov ecx, 7\nxor eax, eax\nl: inc eax\nloop l\nhlt');
    expect([r.eax, r.ecx]).toEqual([7, 0]);
  });
  test('LOOP with ECX = 0 runs 2^32 times in principle: the first decrement gives 0xFFFFFFFF', () => {
    const r = runBare('xor ecx, ecx\nloop l\nhlt\nl: hlt');
    expect(r.ecx).toBe(0xffffffff);
    expect(r.eip).toBe(r.sym.l + 1);
  });
  test('LOOPE stops when ZF = 0, LOOPNE when ZF = 1', () => {
    // Scan for the first non-zero / zero byte.
    const e = runBare('mov esi, 0x20000-1\nmov ecx, 100\nl: inc esi\ncmp byte [esi], 0\nloope l\nhlt', {
      setup: (m) => m.mem.write8(0x20005, 9),
    });
    expect([e.esi, e.ecx]).toEqual([0x20005, 94]);
    const ne = runBare('mov esi, 0x20000-1\nmov ecx, 100\nl: inc esi\ncmp byte [esi], 0\nloopne l\nhlt', {
      setup: (m) => {
        for (let k = 0; k < 10; k++) m.mem.write8(0x20000 + k, 1);
      },
    });
    expect([ne.esi, ne.ecx]).toEqual([0x2000a, 89]);
  });
  test('JECXZ branches on ECX = 0 without changing it; JCXZ (67) looks at CX only', () => {
    expect(runBare('jecxz z\nmov eax, 1\nhlt\nz: mov eax, 2\nhlt', { regs: { ecx: 0 } }).eax).toBe(2);
    expect(runBare('jecxz z\nmov eax, 1\nhlt\nz: mov eax, 2\nhlt', { regs: { ecx: 0x10000 } }).eax).toBe(1);
    expect(runBare('jcxz z\nmov eax, 1\nhlt\nz: mov eax, 2\nhlt', { regs: { ecx: 0x10000 } }).eax).toBe(2);
  });
  test('LOOP with a 16-bit address size decrements CX only (SDM LOOP: "AddressSize = 16: Count is CX")', () => {
    const r = runBare('a16 loop l\nhlt\nl: hlt', { regs: { ecx: 0x12340000 } });
    expect(r.ecx).toBe(0x1234ffff);
  });
});

describe('the code-segment limit (SDM Vol. 2 JMP: "#GP(0) If the target operand is beyond the code segment limits")', () => {
  const setup = (m: import('../../machine/bare.ts').BareMachine): void => {
    growGdt(m, 0x5000, 16);
    writeDesc(m, 0x5000, 10, segDesc(0, 0x10fff, { type: 0xb })); // 0x50: code, base 0, limit 0x10FFF (byte granular)
  };
  test('a near JMP beyond the limit is #GP(0) at the JMP', () => {
    const r = runBare('jmp 0x50:inside\ninside: mov eax, 1\nfar_jmp: jmp 0x12000\nhlt', { setup });
    expect([r.vector, r.errorCode, r.eip, r.eax]).toEqual([13, 0, r.sym.far_jmp, 1]);
  });
  test('Jcc, CALL and RET check the limit as well', () => {
    expect(runBare('jmp 0x50:x\nx: stc\njc 0x11000\nhlt', { setup }).errorCode).toBe(0);
    const c = runBare('jmp 0x50:x\nx: call 0x11000\nhlt', { setup });
    expect([c.vector, c.esp]).toEqual([13, STACK]); // nothing pushed
    const r = runBare('jmp 0x50:x\nx: push 0x11000\nret', { setup });
    expect([r.vector, r.esp]).toEqual([13, STACK - 4]); // nothing popped
  });
  test('running off the end of the segment is #GP(0)', () => {
    const r = runBare('jmp 0x50:x\nx: jmp 0x10ffe', {
      setup: (m) => {
        setup(m);
        m.mem.write8(0x10ffe, 0x90);
        m.mem.write8(0x10fff, 0x90);
        m.mem.write8(0x11000, 0xf4);
      },
    });
    expect([r.vector, r.errorCode, r.eip]).toEqual([13, 0, 0x11000]);
  });
  test('an instruction that straddles the limit is #GP(0)', () => {
    const r = runBare('jmp 0x50:x\nx: jmp 0x10ffd', {
      setup: (m) => {
        setup(m);
        m.mem.write8(0x10ffd, 0xb8); // mov eax, imm32: 5 bytes, 2 beyond the limit
      },
    });
    expect([r.vector, r.eip]).toEqual([13, 0x10ffd]);
  });
});

describe('BOUND (SDM Vol. 2 BOUND: #BR when the index is outside the bounds)', () => {
  test('inside: no exception; below or above: #BR (a fault)', () => {
    const prog = 'mov dword [0x20000], -5\nmov dword [0x20004], 10\nbound eax, [0x20000]\nhlt';
    for (const [v, ok] of [[-5, true], [10, true], [0, true], [-6, false], [11, false]] as const) {
      const r = runBare(prog, { regs: { eax: v >>> 0 } });
      if (ok) expect(r.reason).toBe('halted');
      else expect([r.vector, r.errorCode]).toEqual([5, null]);
    }
  });
  test('a register operand is #UD', () => {
    expect(runBare('db 0x62, 0xC0\nhlt').vector).toBe(6);
  });
});

describe('self-modifying code (SDM Vol. 3A §11.6: a write to code already fetched takes effect)', () => {
  test('a store into the next instruction changes what executes', () => {
    const r = runBare(`
      mov eax, 1
      mov byte [patch+1], 42     ; patch the immediate of the next-but-one instruction
      nop
    patch: mov ebx, 7
      hlt`);
    expect(r.ebx).toBe(42);
  });
  test('code executed once, modified, and executed again runs the new bytes', () => {
    const r = runBare(`
      xor esi, esi
    again: call f
      add esi, eax
      cmp esi, 100
      jae done
      mov byte [f+1], 99
      jmp again
    done: hlt
    f: mov eax, 1
      ret`);
    expect(r.esi).toBe(100);
  });
  test('the modification is seen through a different linear alias of the same physical page', () => {
    // PDE 4 (linear 0x0100_0000) maps physical 0 as well: write the code through the alias.
    const r = runBare(`
      mov byte [0x1000000 + patch + 1], 5
      patch: mov ecx, 1
      hlt`, { setup: (m) => m.mem.write32(0x2000 + 4 * 4, 0x87) });
    expect(r.ecx).toBe(5);
  });
});
