/**
 * Segmentation and privilege (segments.ts, exec/control.ts far transfers): segment-register loads with
 * their #GP/#SS/#NP error codes, null selectors, RPL/DPL/CPL rules, limit and type checks on accesses,
 * the LDT, far JMP/CALL/RET, and call gates with a privilege change and parameter copy.
 * Sources: SDM Vol. 3A §3.4–3.5, §5.3–5.8 (Figure 5-7 for the call-gate stack), Vol. 2 MOV, POP, JMP,
 * CALL, RET pseudocode.
 */
import { describe, expect, test } from 'vitest';
import {
  GATE,
  KERNEL,
  deliveries,
  gateDesc,
  runKernel,
  segDesc,
  setGdt,
  toRing1,
  toRing3,
  type BareResult,
} from '../../test-support/bare.ts';
import type { BareMachine } from '../machine/bare.ts';

const DATA = 0x20000;
/** The first delivery (the fault under test), ignoring the closing INT 0x81. */
const fault = (r: BareResult): [number, number | null, number, number] | undefined => deliveries(r.events).find((d) => d[0] !== 0x81);
/** GDT helpers: index → selector. */
const SEL = (index: number, rpl = 0): number => (index << 3) | rpl;

describe('loading DS/ES/FS/GS (SDM Vol. 2 MOV: "IF DS, ES, FS, or GS is loaded with non-NULL selector")', () => {
  const load = (sel: number, extra?: (m: BareMachine) => void, ring3 = false): BareResult =>
    runKernel(`${ring3 ? toRing3() : ''}mov ax, ${sel}\nat: mov ds, ax\nmov ebx, ds\n${ring3 ? 'int 0x81' : ''}`, extra);
  test('a null selector loads, and a later access through it is #GP(0)', () => {
    const r = runKernel('xor eax, eax\nmov ds, ax\nmov ebx, ds\nat: mov ecx, [0x20000]');
    expect(r.ebx).toBe(0);
    expect(fault(r)).toEqual([13, 0, 0, 0]);
    expect(r.read32(r.esp + 4)).toBe(r.sym.at);
  });
  test('null selectors with any RPL (0–3) are null', () => {
    for (const sel of [1, 2, 3]) expect(fault(load(sel))).toBeUndefined();
  });
  test('an index beyond the GDT limit is #GP(selector)', () => {
    expect(fault(load(0x1234))).toEqual([13, 0x1234 & 0xfffc, 0, 0]);
  });
  test('TI = 1 with no LDT is #GP(selector)', () => {
    expect(fault(load(0x0f))).toEqual([13, 0x0c, 0, 0]);
  });
  test('a system descriptor (the TSS) is #GP(selector)', () => {
    expect(fault(load(0x28))).toEqual([13, 0x28, 0, 0]);
  });
  test('execute-only code is #GP(selector); readable code loads', () => {
    expect(fault(load(SEL(8), (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 0x8, g: true }))))).toEqual([13, SEL(8), 0, 0]);
    expect(fault(load(0x08))).toBeUndefined();
  });
  test('RPL > DPL is #GP(selector) (error code without the RPL)', () => {
    expect(fault(load(0x13))).toEqual([13, 0x10, 0, 0]);
  });
  test('at CPL 3, a DPL-0 data segment is #GP(selector); DPL 3 loads', () => {
    expect(fault(load(0x10, undefined, true))).toEqual([13, 0x10, 3, 0]);
    const ok = load(0x23, undefined, true);
    expect(fault(ok)).toBeUndefined();
    expect(ok.ebx).toBe(0x23);
  });
  test('a conforming readable code segment loads at any CPL (no privilege check)', () => {
    const r = load(SEL(8, 3), (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 0xe, g: true })), true);
    expect(fault(r)).toBeUndefined();
    expect(r.ebx).toBe(SEL(8, 3));
  });
  test('a not-present segment is #NP(selector), after the type and privilege checks', () => {
    expect(fault(load(SEL(8), (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 0x3, g: true, p: false }))))).toEqual([11, SEL(8), 0, 0]);
    // Privilege is checked first: DPL 0 not present at CPL 3 is #GP, not #NP.
    expect(fault(load(SEL(8, 3), (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 0x3, g: true, p: false })), true))).toEqual([13, SEL(8), 3, 0]);
  });
  test('loading sets the accessed bit of the descriptor in memory (SDM Vol. 3A §3.4.5.1)', () => {
    const r = runKernel(`mov ax, ${SEL(8)}\nmov fs, ax`, (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 0x2, g: true })));
    expect((r.read32(KERNEL.GDT + 8 * 8 + 4) >>> 8) & 1).toBe(1);
  });
  test('POP DS and LDS apply the same checks', () => {
    expect(fault(runKernel('push 0x28\npop ds'))).toEqual([13, 0x28, 0, 0]);
    expect(fault(runKernel(`mov word [${DATA}+4], 0x2B\nlds eax, [${DATA}]`))).toEqual([13, 0x28, 0, 0]);
    expect(fault(runKernel(`mov word [${DATA}+4], 0x1B\nlds eax, [${DATA}]`))).toBeUndefined(); // readable code, DPL 3
  });
});

describe('loading SS (SDM Vol. 2 MOV: "IF SS is loaded")', () => {
  const loadSs = (sel: number, extra?: (m: BareMachine) => void, ring3 = false): BareResult =>
    runKernel(`${ring3 ? toRing3() : ''}mov ax, ${sel}\nmov ss, ax\nmov ebx, ss\n${ring3 ? 'int 0x81' : ''}`, extra);
  test('null is #GP(0)', () => {
    expect(fault(loadSs(0))).toEqual([13, 0, 0, 0]);
    expect(fault(loadSs(3))).toEqual([13, 0, 0, 0]);
  });
  test('RPL ≠ CPL, DPL ≠ CPL, read-only data, or code are #GP(selector)', () => {
    expect(fault(loadSs(0x13))).toEqual([13, 0x10, 0, 0]);
    expect(fault(loadSs(0x20))).toEqual([13, 0x20, 0, 0]); // DPL 3 at CPL 0 (RPL 0)
    expect(fault(loadSs(SEL(8), (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 0x1, g: true }))))).toEqual([13, SEL(8), 0, 0]);
    expect(fault(loadSs(0x08))).toEqual([13, 0x08, 0, 0]);
  });
  test('not present is #SS(selector)', () => {
    expect(fault(loadSs(SEL(8), (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 0x3, g: true, p: false }))))).toEqual([12, SEL(8), 0, 0]);
  });
  test('at CPL 3 the ring-3 stack segment loads', () => {
    const r = loadSs(0x23, undefined, true);
    expect(fault(r)).toBeUndefined();
    expect(r.ebx).toBe(0x23);
  });
});

describe('access checks through the descriptor cache (SDM Vol. 3A §5.3 limit checking, §5.4 type checking)', () => {
  const small = (m: BareMachine): void => {
    setGdt(m, 8, segDesc(DATA, 0xfff, { type: 0x3 })); // 0x40: data RW, base DATA, limit 0xFFF
    setGdt(m, 9, segDesc(DATA, 0xfff, { type: 0x1 })); // 0x48: data read-only
    setGdt(m, 10, segDesc(0, 0xfffff, { type: 0x8, g: true })); // 0x50: code execute-only
    setGdt(m, 11, segDesc(DATA, 0xfff, { type: 0x7, db: true })); // 0x58: expand-down RW, B = 1
    setGdt(m, 12, segDesc(DATA, 0xfff, { type: 0x7, db: false })); // 0x60: expand-down RW, B = 0 (upper bound 0xFFFF)
  };
  const via = (sel: number, insn: string): BareResult => runKernel(`mov ax, ${sel}\nmov es, ax\nat: ${insn}`, small);
  test('the last byte of an access must be within the limit', () => {
    expect(fault(via(0x40, 'mov eax, [es:0xffc]'))).toBeUndefined();
    expect(fault(via(0x40, 'mov eax, [es:0xffd]'))).toEqual([13, 0, 0, 0]);
    expect(fault(via(0x40, 'mov al, [es:0xfff]'))).toBeUndefined();
    expect(fault(via(0x40, 'mov al, [es:0x1000]'))).toEqual([13, 0, 0, 0]);
  });
  test('the base is added: ES:0x10 is linear DATA + 0x10', () => {
    const r = via(0x40, 'mov dword [es:0x10], 0xabcd');
    expect(r.read32(DATA + 0x10)).toBe(0xabcd);
  });
  test('writing a read-only data segment is #GP(0); reading it is fine', () => {
    expect(fault(via(0x48, 'mov eax, [es:0]'))).toBeUndefined();
    expect(fault(via(0x48, 'mov [es:0], eax'))).toEqual([13, 0, 0, 0]);
  });
  test('through CS: reading execute-only code is #GP(0); writing code is always #GP(0)', () => {
    const r = runKernel('jmp 0x50:x\nx: mov eax, [cs:0x10000]', small);
    expect(fault(r)).toEqual([13, 0, 0, 0]);
    expect(fault(runKernel('mov eax, [cs:0x10000]\nmov [cs:0x20000], eax'))).toEqual([13, 0, 0, 0]);
  });
  test('expand-down: offsets above the limit are valid, at or below it are #GP(0); B selects the upper bound', () => {
    expect(fault(via(0x58, 'mov eax, [es:0x1000]'))).toBeUndefined();
    expect(fault(via(0x58, 'mov eax, [es:0xffe]'))).toEqual([13, 0, 0, 0]);
    expect(fault(via(0x58, 'mov eax, [es:0xfffffffc]'))).toBeUndefined();
    expect(fault(via(0x60, 'mov eax, [es:0xfffc]'))).toBeUndefined();
    expect(fault(via(0x60, 'mov eax, [es:0xfffe]'))).toEqual([13, 0, 0, 0]); // crosses the 64-KiB upper bound
  });
  test('a stack-segment limit violation is #SS(0), not #GP', () => {
    // At ring 3 (so that the #SS is delivered on the ring-0 stack): SS = 0x6B, DPL 3, base DATA, limit 0xFFF;
    // ESP = 0x1002 → the push at 0xFFE..0x1001 crosses the limit.
    const r = runKernel(`${toRing3()}mov ax, 0x6B\nmov ss, ax\nmov esp, 0x1002\nat: push eax`, (m) => {
      small(m);
      setGdt(m, 13, segDesc(DATA, 0xfff, { type: 0x3, dpl: 3 }));
    });
    expect(fault(r)).toEqual([12, 0, 3, 0]);
    expect(r.read32(r.esp + 4)).toBe(r.sym.at);
  });
});

describe('the LDT (SDM Vol. 3A §3.5.1; Vol. 2 LLDT)', () => {
  const withLdt = (m: BareMachine): void => {
    // LDT at 0x8000 with two entries: [0] null-ish, [1] data DPL 0, [2] data DPL 3.
    m.mem.write32(0x8000 + 8, segDesc(DATA, 0xffff, { type: 3 })[0]);
    m.mem.write32(0x8000 + 12, segDesc(DATA, 0xffff, { type: 3 })[1]);
    setGdt(m, 8, segDesc(0x8000, 0x17, { type: 2, s: false })); // 0x40: the LDT descriptor
  };
  test('LLDT then a TI = 1 selector loads from the LDT', () => {
    const r = runKernel(`mov ax, 0x40\nlldt ax\nmov ax, 0x0C\nmov ds, ax\nmov eax, [0]\nsldt ebx`, withLdt, {
      setup: (m) => m.mem.write32(DATA, 0x5a5a5a5a),
    });
    expect(fault(r)).toBeUndefined();
    expect([r.eax, r.ebx]).toEqual([0x5a5a5a5a, 0x40]);
  });
  test('a selector beyond the LDT limit is #GP(selector)', () => {
    expect(fault(runKernel(`mov ax, 0x40\nlldt ax\nmov ax, 0x1C\nmov ds, ax`, withLdt))).toEqual([13, 0x1c, 0, 0]);
  });
  test('LLDT of a descriptor that is not an LDT is #GP(selector); a null selector makes LDTR unusable', () => {
    expect(fault(runKernel('mov ax, 0x10\nlldt ax', withLdt))).toEqual([13, 0x10, 0, 0]);
    expect(fault(runKernel('mov ax, 0x40\nlldt ax\nxor eax, eax\nlldt ax\nmov ax, 0x0C\nmov ds, ax', withLdt))).toEqual([13, 0x0c, 0, 0]);
  });
});

describe('far JMP / CALL / RET to code segments (SDM Vol. 2 JMP, CALL, RET)', () => {
  const code = (m: BareMachine): void => {
    setGdt(m, 8, segDesc(0, 0xfffff, { type: 0xe, g: true })); // 0x40: conforming code DPL 0
    setGdt(m, 9, segDesc(0, 0xfffff, { type: 0xb, g: true, p: false })); // 0x48: not present
    setGdt(m, 10, segDesc(0, 0xffff, { type: 0xb })); // 0x50: code limited to 64 KiB
  };
  test('same privilege: far JMP loads CS with RPL = CPL', () => {
    const r = runKernel('jmp 0x0B:x\nx: mov eax, cs', code);
    expect(fault(r)).toEqual([13, 0x08, 0, 0]); // RPL 3 > CPL 0 for a non-conforming segment
    const ok = runKernel('jmp 0x08:x\nx: mov eax, cs', code);
    expect([fault(ok), ok.eax]).toEqual([undefined, 0x08]);
  });
  test('non-conforming with DPL ≠ CPL is #GP(selector); not present #NP(selector); data #GP; null #GP(0)', () => {
    expect(fault(runKernel('jmp 0x18:x\nx: nop', code))).toEqual([13, 0x18, 0, 0]);
    expect(fault(runKernel('jmp 0x48:x\nx: nop', code))).toEqual([11, 0x48, 0, 0]);
    expect(fault(runKernel('jmp 0x10:x\nx: nop', code))).toEqual([13, 0x10, 0, 0]);
    expect(fault(runKernel('jmp 0x00:x\nx: nop', code))).toEqual([13, 0, 0, 0]);
  });
  test('an offset beyond the new segment limit is #GP(0)', () => {
    expect(fault(runKernel('jmp 0x50:x\nx: nop', code))).toEqual([13, 0, 0, 0]); // x > 0xFFFF
  });
  test('a conforming segment keeps CPL: from ring 3, CS = 0x43 and CPL 3', () => {
    const r = runKernel(`${toRing3()}jmp 0x43:x\nx: mov eax, cs\nmov ebx, 1\nint 0x81`, code);
    expect([fault(r), r.eax, r.ebx]).toEqual([undefined, 0x43, 1]);
    expect(deliveries(r.events)).toEqual([[0x81, null, 3, 0]]);
  });
  test('far CALL pushes CS and EIP; RETF and RETF imm16 return', () => {
    const r = runKernel(`
      push 0x1111
      call 0x08:f
      after: mov ebx, esp
      jmp stop
    f: mov eax, [esp]
      mov ecx, [esp+4]
      retf 4`);
    expect([r.eax, r.ecx, r.ebx]).toEqual([r.sym.after, 0x08, KERNEL.RING0_STACK]);
  });
  test('a far CALL whose second push faults leaves ESP unchanged (SDM CALL: #SS/#PF before anything changes)', () => {
    const r = runKernel('mov esp, 0x1004\ncall 0x08:stop', undefined, {
      setup: (m) => {
        // The page below 0x1000 is not present: the EIP slot (0x0FFC) faults after the CS slot (0x1000) was written.
        m.mem.write32(0x2000, 0x3000 | 7);
        for (let k = 0; k < 1024; k++) m.mem.write32(0x3000 + 4 * k, k === 0 ? 0 : (k << 12) | 7);
      },
    });
    // The #PF is delivered on the same (ring-0) stack, so it faults again → #DF → … → triple fault. Look at the state:
    expect(r.reason).toBe('triple-fault');
    expect(r.esp).toBe(0x1004);
  });
  test('RETF to an outer level pops SS:ESP and nulls DS/ES/FS/GS that the new CPL may not use', () => {
    const r = runKernel(`
      mov ax, 0x23
      mov fs, ax
      push 0x23
      push ${KERNEL.USER_STACK}
      push 0x1B
      push user
      retf
    user: mov eax, ds
      mov ebx, fs
      mov ecx, esp
      mov edx, ss
      int 0x81`);
    expect([r.eax, r.ebx, r.ecx, r.edx]).toEqual([0, 0x23, KERNEL.USER_STACK, 0x23]);
    expect(r.events.find((e) => e.type === 'far-transfer')).toMatchObject({ kind: 'ret', cplBefore: 0, cplAfter: 3 });
  });
  test('RETF imm16 to an outer level releases the parameters on both stacks', () => {
    const r = runKernel(`
      push 0x23
      push ${KERNEL.USER_STACK}
      push 0xAAAA
      push 0x1B
      push user
      retf 4
    user: mov ecx, esp
      int 0x81`);
    expect(r.ecx).toBe(KERNEL.USER_STACK + 4);
  });
  test('RETF to a more privileged level (RPL < CPL) is #GP(selector)', () => {
    const r = runKernel(`${toRing3()}push 0x08\npush stop\nretf`);
    expect(fault(r)).toEqual([13, 0x08, 3, 0]);
  });
});

describe('far CALL: the stack checks come before the target offset check (SDM Vol. 2 CALL pseudocode; Bochs call_far.cc)', () => {
  // A ring-3 stack segment 0x68 (base 0x20000, limit 0xFFF) with ESP = 4: no room for a return address.
  const smallStack = (m: BareMachine): void => {
    setGdt(m, 10, segDesc(0, 0xffff, { type: 0xb, dpl: 3 })); // 0x50: ring-3 code, limit 64 KiB
    setGdt(m, 13, segDesc(0x20000, 0xfff, { type: 0x3, dpl: 3 })); // 0x68: ring-3 stack, limit 4 KiB
  };
  test('to a code segment: a full stack is #SS(0) even when the offset is beyond the limit', () => {
    const r = runKernel(`${toRing3()}mov ax, 0x6B\nmov ss, ax\nmov esp, 4\ncall 0x53:0x20000\nint 0x81`, smallStack);
    expect(fault(r)).toEqual([12, 0, 3, 0]);
  });
  test('to a code segment: with room on the stack, the offset beyond the limit is #GP(0) and ESP is unchanged', () => {
    const r = runKernel(`${toRing3()}mov ax, 0x6B\nmov ss, ax\nmov esp, 0x800\nat: call 0x53:0x20000\nint 0x81`, smallStack);
    expect(fault(r)).toEqual([13, 0, 3, 0]);
    // The ring-0 frame: error code, EIP, CS, EFLAGS, ESP, SS; the saved ring-3 ESP is the one before the CALL.
    expect([r.read32(r.esp + 4), r.read32(r.esp + 16)]).toEqual([r.sym.at, 0x800]);
  });
  test('through a call gate to more privilege: the TSS stack checks (#TS, #SS) come before the gate offset check', () => {
    // Ring 3 calls ring-1 code (0x50, limit 64 KiB) through a DPL-3 gate whose offset is beyond that limit; the inner
    // stack comes from TSS SS1:ESP1, while faults are delivered to ring 0 on SS0:ESP0.
    const gate = (ss1: number, esp1: number) => (m: BareMachine): void => {
      setGdt(m, 10, segDesc(0, 0xffff, { type: 0xb, dpl: 1 }));
      setGdt(m, 8, gateDesc(0x51, 0x20000, { type: GATE.CALL32, dpl: 3 }));
      m.mem.write32(0x1100 + 0x0c, esp1);
      m.mem.write32(0x1100 + 0x10, ss1);
    };
    const call = `${toRing3()}call 0x43:0\nint 0x81`;
    expect(fault(runKernel(call, gate(0x1b, KERNEL.RING1_STACK)))).toEqual([10, 0x18, 3, 0]); // SS1 a code segment: #TS(SS1)
    expect(fault(runKernel(call, gate(0x39, 8)))).toEqual([12, 0x38, 3, 0]); // 16 bytes do not fit: #SS(SS1)
    expect(fault(runKernel(call, gate(0x39, KERNEL.RING1_STACK)))).toEqual([13, 0, 3, 0]); // then the offset: #GP(0)
  });
});

describe('call gates (SDM Vol. 3A §5.8.3–5.8.5; Vol. 2 CALL "CALL-GATE")', () => {
  const gates = (m: BareMachine, sym: Record<string, number>): void => {
    setGdt(m, 8, gateDesc(0x08, sym.kfunc, { type: GATE.CALL32, dpl: 3, params: 2 })); // 0x40: ring 0, 2 parameters
    setGdt(m, 9, gateDesc(0x08, sym.kfunc, { type: GATE.CALL32, dpl: 0 })); // 0x48: DPL 0
    setGdt(m, 10, gateDesc(0x08, sym.kfunc, { type: GATE.CALL32, dpl: 3, p: false })); // 0x50: not present
    setGdt(m, 11, gateDesc(0x1b, sym.kfunc, { type: GATE.CALL32, dpl: 3 })); // 0x58: to ring-3 code
    setGdt(m, 12, gateDesc(0x10, sym.kfunc, { type: GATE.CALL32, dpl: 3 })); // 0x60: to a data segment
  };
  // The ring-0 procedure: notes ESP, CS, SS, copies its stack frame to 0x21000 through SS (DS and ES are null
  // after a stay in ring 3, and the stack is reused later), and returns.
  const kfunc = `
    kfunc: mov esi, esp
      mov edi, cs
      mov ebp, ss
      ${[0, 1, 2, 3, 4, 5].map((k) => `mov eax, [esp+${4 * k}]\nmov [ss:0x21000+${4 * k}], eax`).join('\n')}
      mov eax, [esp+8]
      mov ebx, [esp+12]
      retf 8`;
  const saved = (r: BareResult): number[] => Array.from({ length: 6 }, (_, k) => r.read32(0x21000 + 4 * k));
  test('CALL from ring 3 through a DPL-3 gate: ring 0, new stack from the TSS, 2 parameters copied (Figure 5-13)', () => {
    const r = runKernel(`${toRing3()}
      push 0x2222          ; parameter 1 (pushed first: deepest)
      push 0x1111          ; parameter 2
      call 0x43:0          ; the offset is ignored
      back: mov ecx, esp
      mov edx, ss
      int 0x81
      ${kfunc}`, gates);
    expect(fault(r)).toBeUndefined();
    expect([r.edi, r.ebp]).toEqual([0x08, 0x10]);
    expect(r.esi).toBe(KERNEL.RING0_STACK - 24);
    // Ring-0 stack: EIP, CS, param 2, param 1, ESP, SS (parameters in their original order).
    expect(saved(r)).toEqual([r.sym.back, 0x1b, 0x1111, 0x2222, KERNEL.USER_STACK - 8, 0x23]);
    expect([r.eax, r.ebx]).toEqual([0x1111, 0x2222]);
    // RETF 8 back to ring 3: the parameters are released from the ring-3 stack too.
    expect([r.ecx, r.edx]).toEqual([KERNEL.USER_STACK, 0x23]);
    expect(r.events.filter((e) => e.type === 'far-transfer').map((e) => [e.kind, e.cplBefore, e.cplAfter])).toEqual([
      ['ret', 0, 3],
      ['call', 3, 0],
      ['ret', 0, 3],
    ]);
  });
  test('gate DPL < CPL is #GP(gate selector); gate DPL < RPL too', () => {
    expect(fault(runKernel(`${toRing3()}call 0x4B:0\n${kfunc}`, gates))).toEqual([13, 0x48, 3, 0]);
    expect(fault(runKernel(`call 0x4B:0\n${kfunc}`, gates))).toEqual([13, 0x48, 0, 0]); // RPL 3 > DPL 0
  });
  test('a not-present gate is #NP(gate selector)', () => {
    expect(fault(runKernel(`${toRing3()}call 0x53:0\n${kfunc}`, gates))).toEqual([11, 0x50, 3, 0]);
  });
  test('a gate to a non-code segment, or to less privileged code, is #GP(code selector)', () => {
    expect(fault(runKernel(`call 0x60:0\n${kfunc}`, gates))).toEqual([13, 0x10, 0, 0]);
    expect(fault(runKernel(`call 0x58:0\n${kfunc}`, gates))).toEqual([13, 0x18, 0, 0]); // code DPL 3 > CPL 0
  });
  test('JMP through a call gate never changes privilege: to more privileged non-conforming code it is #GP(code selector)', () => {
    expect(fault(runKernel(`${toRing3()}jmp 0x43:0\n${kfunc}`, gates))).toEqual([13, 0x08, 3, 0]);
    const same = runKernel(`jmp 0x68:0\n${kfunc}`, (m, sym) => setGdt(m, 13, gateDesc(0x08, sym.stop, { type: GATE.CALL32 })));
    expect([same.reason, fault(same), same.eip]).toEqual(['halted', undefined, same.sym.stop + 1]); // CPL 0 → DPL 0 code
  });
  test('a bad inner stack in the TSS is #TS(SS selector)', () => {
    const r = runKernel(`${toRing3()}call 0x43:0\n${kfunc}`, (m, sym) => {
      gates(m, sym);
      m.mem.write32(0x1100 + 8, 0x1b); // SS0 = a code segment
    });
    // The #TS is delivered through the IDT, which also needs SS0: #TS → #DF → triple fault.
    expect(r.reason).toBe('triple-fault');
  });
  test('ring 1 (the deprivileged kernel of a software VMM) calls ring 0 through a gate', () => {
    const r = runKernel(`${toRing1()}call 0x41:0\nback: int 0x81\n${kfunc}`, gates);
    expect(fault(r)).toBeUndefined();
    expect(saved(r)[1]).toBe(0x31); // the caller's CS with RPL 1
    expect(saved(r)[4]).toBe(KERNEL.RING1_STACK); // the caller's ESP
  });
});
