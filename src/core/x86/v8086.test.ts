/**
 * Virtual-8086 mode (v8086.ts and its uses in segments.ts, interrupts.ts, exec/*): entering it with IRETD from
 * ring 0, real-mode addressing at CPL 3, the IOPL-sensitive instructions, the I/O permission bitmap, instructions that
 * are not recognised in it, and events taken by a ring-0 handler with the Figure 20-5 frame.
 * Sources: SDM Vol. 3A §20.2–20.3 (Figure 20-5, Table 20-2), Vol. 2 INT n, IRET, POPF, PUSHF, IN, LAR/LSL/VERR/VERW,
 * ARPL, SLDT/STR/LLDT/LTR; Bochs iret32_stack_return_from_v86 and interrupt() "v8086 mode" for the frame.
 */
import { describe, expect, test } from 'vitest';
import { GATE, KERNEL, deliveries, gateDesc, runKernel, segDesc, setGate, setGdt, toRing3, type BareResult } from '../../test-support/bare.ts';
import { Seg } from './arch.ts';

const VM = 0x20000, IOPL3 = 0x3000, IF = 0x200;
const R0 = KERNEL.RING0_STACK;
/** The v86 stack: SS = 0x7000, SP = 0xFF00 (linear 0x7FF00). */
const V86_SS = 0x7000, V86_SP = 0xff00;

/**
 * Ring-0 code that enters virtual-8086 mode at `v86` (16-byte aligned, so CS = v86 >> 4 and IP = 0) with the given
 * EFLAGS image, DS = 0x3000, ES = 0x3100, FS = 0x3200, GS = 0x3300, then the 16-bit body and a switch back to 32 bits.
 */
function enter(flags: number, body: string): string {
  return `
  push 0x3300
  push 0x3200
  push 0x3000
  push 0x3100
  push ${V86_SS}
  push ${V86_SP}
  push ${flags | 2}
  push v86 >> 4
  push 0
  iretd
align 16
v86:
bits 16
${body}
bits 32
`;
}
/** The dwords at the handler's ESP: a #GP from v86 mode leaves [error code, EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS]. */
const frame = (r: BareResult, n: number): number[] => Array.from({ length: n }, (_, k) => r.read32(r.esp + 4 * k));
const gpFrom = (r: BareResult): [number, number | null, number, number][] => deliveries(r.events);

describe('entering virtual-8086 mode: IRETD at CPL 0 with VM = 1 in the image (SDM IRET, RETURN-TO-VIRTUAL-8086-MODE)', () => {
  test('loads all six segment registers real-mode style at CPL 3 and runs 16-bit code', () => {
    // mov ax, 0x1234 / mov bx, [2] (DS base 0x30000) / int 0x81 (a DPL-3 gate) would need IOPL 3: here IOPL = 3.
    const r = runKernel(enter(VM | IOPL3, 'mov ax, 0x1234\nmov bx, [2]\nint 0x81'), (m) => m.mem.write32(0x30000, 0xbeef1111));
    expect(r.reason).toBe('halted');
    // The handler ran at CPL 0 after INT 0x81 from v86 mode, with VM cleared.
    expect(r.cpl).toBe(0);
    expect(r.eflags & VM).toBe(0);
    expect(r.eax & 0xffff).toBe(0x1234); // a 16-bit MOV (B8 iw) executed as such
    expect(r.ebx & 0xffff).toBe(0xbeef); // [2] read through DS base 0x3000 × 16
    const [eip, cs, eflags, esp, ss, es, ds, fs, gs] = frame(r, 9);
    expect(cs).toBe(r.sym.v86 >>> 4);
    expect(eip).toBe(3 + 4 + 2); // IP after MOV AX (3 bytes), MOV BX (4) and INT 0x81 (2), from IP 0
    expect(eflags & (VM | IOPL3)).toBe(VM | IOPL3);
    expect([esp, ss, es, ds, fs, gs]).toEqual([V86_SP, V86_SS, 0x3100, 0x3000, 0x3200, 0x3300]);
    expect(r.esp).toBe(R0 - 36); // nine doublewords, no error code
    expect(gpFrom(r)).toEqual([[0x81, null, 3, 0]]);
  });
  test('the handler sees DS, ES, FS and GS nulled; CS and SS come from its gate and the TSS', () => {
    const r = runKernel(enter(VM | IOPL3, 'int 0x81'));
    for (const s of [Seg.DS, Seg.ES, Seg.FS, Seg.GS]) expect(r.cpu.segSel[s]).toBe(0);
    expect(r.cpu.segSel[Seg.CS]).toBe(0x08);
    expect(r.cpu.segSel[Seg.SS]).toBe(0x10);
  });
  test('segment caches in v86 mode: base = selector × 16, limit FFFFH, access rights F3H, without the GDT', () => {
    // MOV DS with a selector whose GDT index is far beyond the GDT limit: no descriptor is read in v86 mode.
    const r = runKernel(enter(VM | IOPL3, 'mov ax, 0xfff8\nmov ds, ax\nmov cx, ds\nint 0x81'));
    expect(r.ecx & 0xffff).toBe(0xfff8);
    expect(gpFrom(r)).toEqual([[0x81, null, 3, 0]]);
  });
  test('a far JMP in v86 mode is real-mode style: CS := selector, base selector × 16', () => {
    // CS one paragraph lower (base v86 − 16): the same code at an offset 16 higher.
    const r = runKernel(enter(VM | IOPL3, 'jmp (v86 >> 4) - 1 : (there - v86 + 16)\nhlt\nthere: int 0x81'));
    expect(gpFrom(r)).toEqual([[0x81, null, 3, 0]]);
    const [eip, cs] = frame(r, 2);
    expect(cs).toBe((r.sym.v86 >>> 4) - 1);
    expect(eip).toBe(r.sym.there - r.sym.v86 + 16 + 2);
  });
  test('a return to v86 mode drops the high bits of the EIP image: EIP := tempEIP AND FFFFH (SDM IRET)', () => {
    // EIP image 0x10000 + the v86 entry's offset, IOPL 3: execution continues at CS:0000 in v86 mode, then INT 0x81.
    const r = runKernel(`push 0\npush 0\npush 0\npush 0\npush ${V86_SS}\npush ${V86_SP}\npush ${VM | IOPL3 | 2}\npush v86 >> 4\npush 0x10000\niretd\nalign 16\nv86:\nbits 16\nint 0x81\nbits 32`);
    expect(gpFrom(r)).toEqual([[0x81, null, 3, 0]]);
    const [eip, cs] = frame(r, 2);
    expect([eip, cs]).toEqual([2, r.sym.v86 >>> 4]);
  });
  test('IRETD at CPL 3 with VM = 1 in the image is an ordinary same-level return: VM is not loaded (SDM IRET)', () => {
    // From ring 3, an image with VM = 1 and the ring-3 code selector: the return stays in protected mode.
    const r = runKernel(`${toRing3()}pushfd\npop eax\npush ${VM | 2}\npush 0x1b\npush back\niretd\nback: pushfd\npop ebx\nint 0x81`);
    expect(gpFrom(r)).toEqual([[0x81, null, 3, 0]]);
    expect(r.ebx & VM).toBe(0);
  });
  test('INT3 from v86 mode through a DPL-0 gate is #GP(vector × 8 + 2), like INT n at IOPL 3', () => {
    const r = runKernel(enter(VM | IOPL3, 'int3'));
    expect(gpFrom(r)).toEqual([[13, 3 * 8 + 2, 3, 0]]);
  });
  test('the ring-0 handler returns to v86 mode with IRETD, and the v86 code carries on', () => {
    const r = runKernel(enter(VM | IOPL3, 'int 0x82\nmov dx, 0x5678\nint 0x81') + 'h82: iretd', (m, sym) =>
      setGate(m, 0x82, gateDesc(0x08, sym.h82, { type: GATE.INT32, dpl: 3 })), {});
    expect(r.edx & 0xffff).toBe(0x5678);
    expect(gpFrom(r)).toEqual([[0x82, null, 3, 0], [0x81, null, 3, 0]]);
  });
});

describe('IOPL-sensitive instructions in v86 mode (SDM Vol. 3A §20.2.7; no CR4.VME)', () => {
  const cases: Array<[string, string]> = [
    ['CLI', 'cli'],
    ['STI', 'sti'],
    ['PUSHF', 'pushf'],
    ['POPF', 'popf'],
    ['INT n', 'int 0x81'],
    ['IRET', 'iret'],
  ];
  for (const [name, insn] of cases) {
    test(`${name} with IOPL < 3 is #GP(0), taken by the ring-0 handler with the v86 frame`, () => {
      const r = runKernel(enter(VM | 0x1000, insn));
      expect(gpFrom(r)).toEqual([[13, 0, 3, 0]]);
      const [err, eip, , eflags] = frame(r, 4);
      expect(err).toBe(0);
      expect(eip).toBe(0); // the faulting instruction, the first at IP 0
      expect(eflags & VM).toBe(VM);
      expect(r.esp).toBe(R0 - 40); // ten doublewords: the error code and Figure 20-5's nine
    });
  }
  test('with IOPL = 3, CLI and STI change IF', () => {
    const r = runKernel(enter(VM | IOPL3 | IF, 'cli\npushf\npop ax\nsti\npushf\npop bx\nint 0x81'));
    expect(r.eax & IF).toBe(0);
    expect(r.ebx & IF).toBe(IF);
  });
  test('with IOPL = 3, POPF changes IF but never IOPL; PUSHF shows VM = 0 in its 16-bit image', () => {
    const r = runKernel(enter(VM | IOPL3, 'push 0x0202\npopf\npushf\npop ax\nint 0x81'));
    expect(r.eax & 0xffff).toBe(0x3202); // IF set, IOPL still 3 (the image asked for 0)
    const [, , eflags] = frame(r, 3);
    expect(eflags & (VM | IOPL3)).toBe(VM | IOPL3);
  });
  test('with IOPL = 3, a 16-bit IRET pops IP, CS and FLAGS and leaves IOPL alone', () => {
    const r = runKernel(enter(VM | IOPL3, 'push 0x0002\npush cs\npush back - v86 - 16 * 0\niret\nhlt\nback: pushf\npop ax\nint 0x81'));
    expect(r.eax & IOPL3).toBe(IOPL3);
    expect(gpFrom(r)).toEqual([[0x81, null, 3, 0]]);
  });
  test('INT3 is not IOPL-sensitive: with IOPL 0 it reaches its DPL-3 gate', () => {
    const r = runKernel(enter(VM, 'int3'), (m, sym) => setGate(m, 3, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 })));
    expect(gpFrom(r)).toEqual([[3, null, 3, 0]]);
  });
});

describe('events from v86 mode go to ring 0 only (SDM INT n, INTERRUPT-FROM-VIRTUAL-8086-MODE)', () => {
  test('a handler in a DPL-3 code segment: #GP(new CS selector)', () => {
    const r = runKernel(enter(VM | IOPL3, 'int 0x82'), (m, sym) => {
      setGate(m, 0x82, gateDesc(0x1b, sym.stop, { type: GATE.INT32, dpl: 3 }));
    });
    expect(gpFrom(r)).toEqual([[13, 0x18, 3, 0]]);
  });
  test('a handler in a conforming code segment: #GP(new CS selector)', () => {
    const r = runKernel(enter(VM | IOPL3, 'int 0x82'), (m, sym) => {
      setGdt(m, 8, segDesc(0, 0xfffff, { type: 0xe, g: true, db: true })); // conforming, DPL 0
      setGate(m, 0x82, gateDesc(0x40, sym.stop, { type: GATE.INT32, dpl: 3 }));
    });
    expect(gpFrom(r)).toEqual([[13, 0x40, 3, 0]]);
  });
  test('a 16-bit interrupt gate pushes the same frame in words', () => {
    // A 16-bit gate's offset reaches only the first 64 KiB: its handler is a HLT at 0x4000 (free low memory).
    const r = runKernel(enter(VM | IOPL3, 'int 0x82'), (m) => {
      m.mem.write8(0x4000, 0xf4);
      setGate(m, 0x82, gateDesc(0x08, 0x4000, { type: GATE.INT16, dpl: 3 }));
    });
    expect(r.eip).toBe(0x4001);
    expect(gpFrom(r)).toEqual([[0x82, null, 3, 0]]);
    expect(r.esp).toBe(R0 - 18);
    const words = Array.from({ length: 9 }, (_, k) => r.read16(r.esp + 2 * k));
    expect(words[0]).toBe(2); // IP after INT 0x82
    expect(words[1]).toBe(r.sym.v86 >>> 4);
    expect(words[2] & IOPL3).toBe(IOPL3); // the low half of EFLAGS (VM is bit 17: a 16-bit frame cannot hold it)
    expect(words.slice(3)).toEqual([V86_SP, V86_SS, 0x3100, 0x3000, 0x3200, 0x3300]);
  });
  test('privileged instructions fault with #GP(0) at CPL 3 (HLT)', () => {
    const r = runKernel(enter(VM | IOPL3, 'hlt'));
    expect(gpFrom(r)).toEqual([[13, 0, 3, 0]]);
  });
});

describe('instructions not recognised in v86 mode raise #UD (SDM Vol. 2)', () => {
  for (const insn of ['lar ax, bx', 'lsl ax, bx', 'verr ax', 'verw ax', 'arpl ax, bx', 'sldt ax', 'str ax', 'lldt ax', 'ltr ax']) {
    test(insn, () => {
      const r = runKernel(enter(VM | IOPL3, insn));
      expect(gpFrom(r)).toEqual([[6, null, 3, 0]]);
    });
  }
});

describe('I/O in v86 mode is checked against the TSS I/O permission bitmap, whatever IOPL is (SDM Vol. 3A §20.2.8.1)', () => {
  test('IOPL = 3 and no bitmap in the TSS: IN is #GP(0)', () => {
    // The standard TSS has its I/O-map base beyond its limit (README, bare mode): every port is denied.
    const r = runKernel(enter(VM | IOPL3, 'in al, 0x80'));
    expect(gpFrom(r)).toEqual([[13, 0, 3, 0]]);
  });
  test('a TSS bitmap with the port clear allows it even with IOPL = 0', () => {
    const r = runKernel(enter(VM, 'in al, 0x80\nmov cx, 0x77\nint3'), (m, sym) => {
      // A second TSS at KERNEL.TSS2 with an I/O map right after the 104-byte TSS, every port allowed.
      const t = KERNEL.TSS2;
      for (let k = 0; k < 0x68 + 0x2001; k++) m.mem.write8(t + k, 0);
      m.mem.write32(t + 4, R0);
      m.mem.write32(t + 8, 0x10);
      m.mem.write16(t + 0x66, 0x68);
      m.mem.write8(t + 0x68 + 0x2000, 0xff);
      setGdt(m, 9, segDesc(t, 0x68 + 0x2000, { type: 9, s: false }));
      setGate(m, 3, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 }));
    }, { setup: (m) => { m.cpu.setSegCache(Seg.TR, 0x48, KERNEL.TSS2, 0x68 + 0x2000, 0x8b); } });
    expect(gpFrom(r)).toEqual([[3, null, 3, 0]]);
    expect(r.ecx & 0xffff).toBe(0x77);
  });
});
