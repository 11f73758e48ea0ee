/**
 * Event delivery through the IDT and IRET (interrupts.ts): INT n from ring 3 through interrupt and trap
 * gates with the TSS stack switch, gate DPL checks, not-present gates, error codes, #DF, triple fault, and
 * the IRET checks. Sources: SDM Vol. 3A §6.10–6.15 (Table 6-5 for double faults), Vol. 2 INT n and IRET.
 *
 * Every test installs a small kernel (test-support installKernel): an IDT whose gates all lead to a ring-0
 * `hlt`, so the trace tells which event arrived (vector, error code, CPL before and after) and the halted
 * processor shows the stack frame.
 */
import { describe, expect, test } from 'vitest';
import {
  GATE,
  KERNEL,
  deliveries,
  gateDesc,
  installKernel,
  makeIdt,
  runBare,
  segDesc,
  setGate,
  setGdt,
  toRing1,
  toRing3,
  type BareOptions,
  type BareResult,
} from '../../test-support/bare.ts';
import type { BareMachine } from '../machine/bare.ts';

const IF = 0x200, TF = 0x100, NT = 0x4000, IOPL3 = 0x3000;
const R0 = KERNEL.RING0_STACK;

/** Runs `body` with the kernel installed; `extra(m, sym)` customises gates and descriptors. */
function run(body: string, extra?: (m: BareMachine, sym: Record<string, number>) => void, opts: BareOptions = {}): BareResult {
  return runBare(`${body}\nstop: hlt\n`, {
    ...opts,
    setup: (m, sym) => {
      installKernel(m, sym.stop);
      extra?.(m, sym);
      opts.setup?.(m, sym);
    },
  });
}
/**
 * Master 8259A: ICW1–ICW4 with vector base 0x20, only IRQ0 unmasked; PIT channel 0 in mode 2 (rate generator) with
 * a 16-bit `count` (low byte, then high byte).
 */
function timerDevices(count: number): string {
  const lines = ['mov al, 0x11', 'out 0x20, al', 'mov al, 0x20', 'out 0x21, al', 'mov al, 0x04', 'out 0x21, al', 'mov al, 0x01', 'out 0x21, al', 'mov al, 0xFE', 'out 0x21, al'];
  lines.push('mov al, 0x34', 'out 0x43, al', `mov al, ${count & 0xff}`, 'out 0x40, al', `mov al, ${(count >> 8) & 0xff}`, 'out 0x40, al');
  return `\n${lines.join('\n')}\n`;
}
/** The dwords of the frame at ESP (what the handler would see). */
const frame = (r: BareResult, n: number): number[] => Array.from({ length: n }, (_, k) => r.read32(r.esp + 4 * k));

describe('INT n from ring 3 (SDM Vol. 3A §6.12.1, Figure 6-4: stack switch through the TSS)', () => {
  const body = `${toRing3()}\nint_here: int 0x80\nhlt\nhandler: hlt`;
  test('frame layout and the stack switch', () => {
    const r = run(body, (m, sym) => setGate(m, 0x80, gateDesc(0x08, sym.handler, { type: GATE.INT32, dpl: 3 })), { eflags: IF | IOPL3 });
    expect(r.reason).toBe('halted');
    expect(r.eip).toBe(r.sym.handler + 1);
    expect(r.cpl).toBe(0);
    expect(r.cpu.segSel[2]).toBe(0x10); // SS = TSS.SS0
    expect(r.esp).toBe(R0 - 20);
    const [eip, cs, eflags, esp, ss] = frame(r, 5);
    expect([eip, cs, esp, ss]).toEqual([r.sym.int_here + 2, 0x1b, KERNEL.USER_STACK, 0x23]);
    expect(eflags & (IF | IOPL3)).toBe(IF | IOPL3); // the image has IF = 1 …
    expect(r.eflags & IF).toBe(0); // … and the interrupt gate cleared it
    expect(deliveries(r.events)).toEqual([[0x80, null, 3, 0]]);
  });
  test('a trap gate leaves IF alone (SDM Vol. 3A §6.12.1.3)', () => {
    const r = run(body, (m, sym) => setGate(m, 0x80, gateDesc(0x08, sym.handler, { type: GATE.TRAP32, dpl: 3 })), { eflags: IF | IOPL3 });
    expect(r.eip).toBe(r.sym.handler + 1);
    expect(r.eflags & IF).toBe(IF);
  });
  test('TF and NT are cleared on delivery', () => {
    const r = run('int 0x80\nhlt\nhandler: pushfd\npop eax\nhlt', (m, sym) => setGate(m, 0x80, gateDesc(0x08, sym.handler, { type: GATE.TRAP32 })), { eflags: NT });
    expect(r.eax & (TF | NT)).toBe(0);
    expect(r.read32(R0 - 4) & NT).toBe(NT); // the pushed image still has NT
  });
  test('a 16-bit interrupt gate pushes a 16-bit frame (and its 16-bit offset reaches only the first 64 KiB)', () => {
    const r = run(body, (m) => {
      m.mem.write8(0x400, 0xf4); // the handler: hlt at 0x0400
      setGate(m, 0x80, gateDesc(0x08, 0x400, { type: GATE.INT16, dpl: 3 }));
    });
    expect(r.eip).toBe(0x401);
    expect(r.esp).toBe(R0 - 10);
    expect([r.read16(r.esp), r.read16(r.esp + 2), r.read16(r.esp + 6), r.read16(r.esp + 8)]).toEqual([
      (r.sym.int_here + 2) & 0xffff, 0x1b, KERNEL.USER_STACK & 0xffff, 0x23,
    ]);
  });
  test('IRET returns to ring 3 with SS:ESP restored', () => {
    const r = run(`${toRing3()}\nint 0x80\nafter: mov ebx, esp\nmov ecx, ss\nint 0x81\nhandler: iretd`, (m, sym) => {
      setGate(m, 0x80, gateDesc(0x08, sym.handler, { type: GATE.INT32, dpl: 3 }));
      setGate(m, 0x81, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 }));
    });
    expect(r.reason).toBe('halted');
    expect([r.ebx, r.ecx]).toEqual([KERNEL.USER_STACK, 0x23]);
    expect(r.events.filter((e) => e.type === 'iret').map((e) => [e.cplBefore, e.cplAfter])).toEqual([[0, 3]]);
    expect(deliveries(r.events)).toEqual([[0x80, null, 3, 0], [0x81, null, 3, 0]]);
  });
  test('IRET to an outer level nulls data segment registers the new CPL may not use (SDM IRET)', () => {
    // DS = 0x10 (DPL 0) and ES = 0x23 (DPL 3) at ring 0; after IRET to ring 3 DS is null and ES stays.
    const r = run(`
      mov ax, 0x23
      mov es, ax
      push 0x23
      push ${KERNEL.USER_STACK}
      pushfd
      push 0x1B
      push user
      iretd
    user: mov eax, ds
      mov ebx, es
      int 0x81`, (m, sym) => setGate(m, 0x81, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 })));
    expect([r.eax, r.ebx]).toEqual([0, 0x23]);
  });
  test('IRET to an outer level also clears the RPL of a null selector: a null DS/FS with RPL 3 comes back as 0 (SDM IRET "IF (SegmentSelector = NULL) OR …"; Bochs validate_seg_reg)', () => {
    // Ring 3 loads the null selectors 3 (DS) and 2 (FS), traps to ring 0 (INT 0x80 leaves DS/FS alone) and IRETs back.
    const r = run(`${toRing3()}
      mov ax, 3
      mov ds, ax
      mov ax, 2
      mov fs, ax
      mov ax, 0x23
      mov es, ax
      int 0x80
      mov eax, ds
      mov ebx, fs
      mov ecx, es
      int 0x81
    handler: mov esi, ds
      iretd`, (m, sym) => {
      setGate(m, 0x80, gateDesc(0x08, sym.handler, { type: GATE.INT32, dpl: 3 }));
      setGate(m, 0x81, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 }));
    });
    expect(r.reason).toBe('halted');
    expect([r.esi, r.eax, r.ebx, r.ecx]).toEqual([3, 0, 0, 0x23]); // at ring 0 still 3; after IRET 0; ES (DPL 3) kept
  });
  test('an exception in ring 3 with an error code: #GP(0) from HLT, frame with the error code on the ring-0 stack', () => {
    const r = run(`${toRing3()}\nbad: hlt`);
    expect(deliveries(r.events)).toEqual([[13, 0, 3, 0]]);
    expect(r.esp).toBe(R0 - 24);
    expect(frame(r, 6)).toEqual([0, r.sym.bad, 0x1b, r.read32(R0 - 12), KERNEL.USER_STACK, 0x23]);
  });
  test('a ring-3 #PF pushes error code U|W|P and loads CR2', () => {
    const r = run(`${toRing3()}\nmov ax, 0x23\nmov ds, ax\nmov dword [0x20000], 1`, undefined, {
      setup: (m) => {
        // Supervisor-only 4-KiB page at 0x20000.
        m.mem.write32(0x2000, 0x3000 | 7);
        for (let k = 0; k < 1024; k++) m.mem.write32(0x3000 + 4 * k, (k << 12) | (k === 0x20 ? 3 : 7));
      },
    });
    expect(deliveries(r.events)).toEqual([[14, 7, 3, 0]]);
    expect(r.cpu.cr2).toBe(0x20000);
    expect(r.read32(r.esp)).toBe(7);
  });
  test('ring 1 → ring 0 uses SS0:ESP0; ring 3 → ring 1 (a DPL-1 handler) uses SS1:ESP1', () => {
    const r0 = run(`${toRing1()}\nint 0x80`, (m, sym) => setGate(m, 0x80, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 1 })));
    expect(deliveries(r0.events)).toEqual([[0x80, null, 1, 0]]);
    expect(r0.esp).toBe(R0 - 20);
    expect(r0.read32(r0.esp + 12)).toBe(KERNEL.RING1_STACK);
    const r1 = run(`${toRing3()}\nint 0x80\nring1_handler: mov eax, cs\nmov ebx, ss\nmov ecx, esp\nint 0x81`, (m, sym) => {
      setGate(m, 0x80, gateDesc(0x31, sym.ring1_handler, { type: GATE.INT32, dpl: 3 }));
      setGate(m, 0x81, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 1 }));
    });
    expect([r1.eax, r1.ebx, r1.ecx]).toEqual([0x31, 0x39, KERNEL.RING1_STACK - 20]);
    expect(deliveries(r1.events)).toEqual([[0x80, null, 3, 1], [0x81, null, 1, 0]]);
  });
  test('a gate to a conforming code segment keeps CPL 3 and the ring-3 stack', () => {
    // "IF new code segment is conforming or new code-segment DPL = CPL THEN GOTO INTRA-PRIVILEGE-LEVEL-INTERRUPT".
    const r = run(`${toRing3()}\nint 0x80\nhandler: mov eax, cs\nmov ebx, esp\nint 0x81`, (m, sym) => {
      setGdt(m, 8, segDesc(0, 0xfffff, { type: 0xe, g: true })); // 0x40: conforming code, DPL 0
      setGate(m, 0x80, gateDesc(0x40, sym.handler, { type: GATE.INT32, dpl: 3 }));
      setGate(m, 0x81, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 }));
    });
    expect([r.eax, r.ebx]).toEqual([0x43, KERNEL.USER_STACK - 12]); // CS.RPL = CPL = 3
    expect(deliveries(r.events)[0]).toEqual([0x80, null, 3, 3]);
  });
});

describe('gate checks (SDM Vol. 2 INT n, PROTECTED-MODE)', () => {
  test('INT n through a gate with DPL < CPL is #GP(vector × 8 + 2)', () => {
    const r = run(`${toRing3()}\nat: int 0x80`); // gate 0x80 has DPL 0
    expect(deliveries(r.events)).toEqual([[13, 0x80 * 8 + 2, 3, 0]]);
    expect(r.read32(r.esp + 4)).toBe(r.sym.at); // a fault: the INT instruction itself
  });
  test('INT3 and INTO are software exceptions and check the DPL too; INT1 (ICEBP) does not', () => {
    expect(deliveries(run(`${toRing3()}\nint3`).events)).toEqual([[13, 3 * 8 + 2, 3, 0]]);
    expect(deliveries(run(`${toRing3()}\nmov al, 0x7f\nadd al, 1\ninto`).events)).toEqual([[13, 4 * 8 + 2, 3, 0]]);
    const r = run(`${toRing3()}\nat: db 0xF1`);
    expect(deliveries(r.events)).toEqual([[1, null, 3, 0]]);
    expect(r.read32(r.esp)).toBe(r.sym.at + 1); // a trap: EIP after the instruction
  });
  test('INT3 through a DPL-3 gate: #BP delivered with EIP after the INT3', () => {
    const r = run(`${toRing3()}\nat: int3`, (m, sym) => setGate(m, 3, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 })));
    expect(deliveries(r.events)).toEqual([[3, null, 3, 0]]);
    expect(r.events.find((e) => e.type === 'exception')?.eventType).toBe('software-exception');
    expect(r.read32(r.esp)).toBe(r.sym.at + 1);
  });
  test('INTO delivers #OF only when OF = 1', () => {
    const setup = (m: BareMachine, sym: Record<string, number>): void => setGate(m, 4, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 }));
    expect(deliveries(run('mov al, 1\nadd al, 1\ninto\nmov ebx, 7', setup).events)).toEqual([]);
    expect(deliveries(run('mov al, 0x7f\nadd al, 1\ninto', setup).events)).toEqual([[4, null, 0, 0]]);
  });
  test('a not-present gate is #NP(vector × 8 + 2), plus EXT for hardware events', () => {
    const soft = run('int 0x80', (m, sym) => setGate(m, 0x80, gateDesc(0x08, sym.stop, { type: GATE.INT32, p: false })));
    expect(deliveries(soft.events)).toEqual([[11, 0x80 * 8 + 2, 0, 0]]);
    // #UD is benign, #NP contributory: no double fault, the #NP is delivered (SDM Vol. 3A Table 6-5).
    const hard = run('ud2', (m, sym) => setGate(m, 6, gateDesc(0x08, sym.stop, { type: GATE.INT32, p: false })));
    expect(deliveries(hard.events)).toEqual([[11, 6 * 8 + 3, 0, 0]]);
  });
  test('a vector beyond the IDT limit is #GP(vector × 8 + 2)', () => {
    const r = run('int 0x40', (m) => {
      m.cpu.idtrLimit = 0x20 * 8 - 1;
    });
    expect(deliveries(r.events)).toEqual([[13, 0x40 * 8 + 2, 0, 0]]);
  });
  test('a gate of the wrong type (a call gate in the IDT) is #GP(vector × 8 + 2)', () => {
    const r = run('int 0x80', (m, sym) => setGate(m, 0x80, gateDesc(0x08, sym.stop, { type: GATE.CALL32, dpl: 3 })));
    expect(deliveries(r.events)).toEqual([[13, 0x80 * 8 + 2, 0, 0]]);
  });
  test('the gate selector: null → #GP(EXT), beyond the GDT → #GP(selector), not code → #GP(selector), not present → #NP(selector)', () => {
    const via = (sel: number, extra?: (m: BareMachine) => void): BareResult =>
      run('ud2', (m, sym) => {
        extra?.(m);
        setGate(m, 6, gateDesc(sel, sym.stop, { type: GATE.INT32 }));
      });
    expect(deliveries(via(0).events)).toEqual([[13, 1, 0, 0]]);
    expect(deliveries(via(0x1f8).events)).toEqual([[13, 0x1f8 | 1, 0, 0]]);
    expect(deliveries(via(0x10).events)).toEqual([[13, 0x10 | 1, 0, 0]]);
    expect(deliveries(via(0x40, (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 0xb, g: true, p: false }))).events)).toEqual([[11, 0x40 | 1, 0, 0]]);
  });
  test('a gate offset beyond the code-segment limit is #GP(EXT) (SDM INT n)', () => {
    const r = run('int 0x80', (m, sym) => {
      setGdt(m, 8, segDesc(0, 0xffff, { type: 0xb })); // 0x40: code with a 64-KiB limit
      setGate(m, 0x80, gateDesc(0x40, sym.stop, { type: GATE.INT32 })); // stop is above 0x10000
    });
    expect(deliveries(r.events)).toEqual([[13, 0, 0, 0]]);
  });
  test('a handler segment less privileged than CPL (DPL > CPL) is #GP(selector)', () => {
    const r = run('int 0x80', (m, sym) => setGate(m, 0x80, gateDesc(0x1b, sym.stop, { type: GATE.INT32 })));
    expect(deliveries(r.events)).toEqual([[13, 0x18, 0, 0]]);
  });
  test('a bad ring-0 stack in the TSS is #TS(SS selector) (SDM INT n: "NewSS RPL ≠ new code-segment DPL")', () => {
    const r = run(`${toRing3()}\nint 0x80`, (m, sym) => {
      setGate(m, 0x80, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 }));
      m.mem.write32(0x1100 + 8, 0x23); // SS0 = the ring-3 data segment
    });
    // The #TS itself is delivered through the same bad TSS stack: #TS during #TS → #DF (also via the stack) → triple.
    expect(r.reason).toBe('triple-fault');
    expect(r.events.filter((e) => e.type === 'shutdown')).toHaveLength(1);
  });
});

describe('double fault and triple fault (SDM Vol. 3A §6.15 Interrupt 8, Table 6-5)', () => {
  test('contributory during contributory: #GP whose handler segment is not present → #DF(0)', () => {
    const r = run('mov ax, 0x1234\nmov ds, ax', (m, sym) => {
      setGdt(m, 8, segDesc(0, 0xfffff, { type: 0xb, g: true, p: false }));
      setGate(m, 13, gateDesc(0x40, sym.stop, { type: GATE.INT32 }));
    });
    expect(deliveries(r.events)).toEqual([[8, 0, 0, 0]]);
    expect(r.read32(r.esp)).toBe(0); // #DF error code is 0
  });
  test('page fault during page-fault delivery → #DF', () => {
    // The #PF handler runs at ring 1 with SS1:ESP1 in unmapped memory; #DF goes to ring 0, whose stack is fine.
    const r = run(`${toRing3()}\nmov ax, 0x23\nmov ds, ax\nmov dword [0x3000000], 1`, (m, sym) => {
      setGate(m, 14, gateDesc(0x31, sym.stop, { type: GATE.INT32 }));
      m.mem.write32(0x1100 + 0x0c, 0x3000000); // ESP1 above RAM: not mapped
    });
    expect(deliveries(r.events)).toEqual([[8, 0, 3, 0]]);
    expect(r.cpu.cr2).toBe(0x3000000 - 4); // the second #PF, on the ring-1 stack
  });
  test('page fault then #GP during delivery → #DF; #GP then #PF → no #DF (serial)', () => {
    const pfGp = run('mov dword [0x3000000], 1', (m, sym) => setGate(m, 14, gateDesc(0x1f8, sym.stop, { type: GATE.INT32 })));
    expect(deliveries(pfGp.events)).toEqual([[8, 0, 0, 0]]);
    // #GP (contributory) then #PF (page-fault class) while delivering it: handled serially — the #PF is delivered.
    const gpPf = run(`${toRing3()}\nhlt`, (m, sym) => {
      setGate(m, 13, gateDesc(0x31, sym.stop, { type: GATE.INT32 }));
      m.mem.write32(0x1100 + 0x0c, 0x3000000);
    });
    expect(deliveries(gpPf.events)).toEqual([[14, 2, 3, 0]]);
  });
  test('benign then contributory is serial: #BP through a gate whose selector is not code → #GP delivered', () => {
    const r = run('int3', (m, sym) => setGate(m, 3, gateDesc(0x40, sym.stop, { type: GATE.INT32, dpl: 3 })));
    expect(deliveries(r.events)).toEqual([[13, 0x40, 0, 0]]); // a software exception: EXT = 0
  });
  test('a fault while delivering #DF is a triple fault: the run ends with reason triple-fault', () => {
    const r = run('mov dword [0x3000000], 1', (m) => {
      setGate(m, 14, [0, 0]);
      setGate(m, 8, [0, 0]);
    });
    expect(r.reason).toBe('triple-fault');
    expect(r.events.some((e) => e.type === 'shutdown')).toBe(true);
    expect(deliveries(r.events)).toEqual([]);
  });
  test('an IDT of empty descriptors: #GP → #GP → #DF → #GP → triple fault', () => {
    const r = runBare('mov ax, 0x1234\nmov ds, ax\nhlt', { setup: (m) => makeIdt(m, KERNEL.IDT, 32) });
    expect(r.reason).toBe('triple-fault');
  });
});

describe('IRET checks (SDM Vol. 2 IRET, PROTECTED-MODE-RETURN)', () => {
  const iretTo = (cs: number, eip: string, flags = '2', ss = '0x23', esp = `${KERNEL.USER_STACK}`): string =>
    `push ${ss}\npush ${esp}\npush ${flags}\npush ${cs}\npush ${eip}\nat: iretd`;
  test('CS RPL < CPL is #GP(selector)', () => {
    const r = run(`${toRing3()}\n${iretTo(0x08, 'stop')}`);
    expect(deliveries(r.events)).toEqual([[13, 0x08, 3, 0]]);
  });
  test('a null CS is #GP(0); a data segment as CS is #GP(selector); not present is #NP(selector)', () => {
    expect(deliveries(run(iretTo(0, 'stop')).events)).toEqual([[13, 0, 0, 0]]);
    expect(deliveries(run(iretTo(0x10, 'stop')).events)).toEqual([[13, 0x10, 0, 0]]);
    const np = run(iretTo(0x40, 'stop'), (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 0xb, g: true, p: false })));
    expect(deliveries(np.events)).toEqual([[11, 0x40, 0, 0]]);
  });
  test('EIP beyond the new CS limit is #GP(0), with nothing changed', () => {
    const r = run(iretTo(0x40, '0x20000'), (m) => setGdt(m, 8, segDesc(0, 0xffff, { type: 0xb })));
    expect(deliveries(r.events)).toEqual([[13, 0, 0, 0]]);
    expect(r.read32(r.esp + 4)).toBe(r.sym.at);
  });
  test('return to ring 3 with a bad SS: RPL ≠ CS RPL → #GP(SS); not writable → #GP(SS); not present → #SS(SS)', () => {
    expect(deliveries(run(iretTo(0x1b, 'stop', '2', '0x10')).events)).toEqual([[13, 0x10, 0, 0]]);
    expect(deliveries(run(iretTo(0x1b, 'stop', '2', '0x1B')).events)).toEqual([[13, 0x18, 0, 0]]);
    const np = run(iretTo(0x1b, 'stop', '2', '0x43'), (m) => setGdt(m, 8, segDesc(0, 0xfffff, { type: 3, dpl: 3, g: true, p: false })));
    expect(deliveries(np.events)).toEqual([[12, 0x40, 0, 0]]);
  });
  test('IOPL and IF: CPL 0 may change both; CPL 3 with IOPL 0 changes neither, silently', () => {
    const r0 = run(`push ${IF | IOPL3 | 2}\npush 0x08\npush next\niretd\nnext: pushfd\npop eax`);
    expect(r0.eax & (IF | IOPL3)).toBe(IF | IOPL3);
    const r3 = run(`${toRing3()}\npush ${IF | IOPL3 | 0x1 | 2}\npush 0x1B\npush next\niretd\nnext: pushfd\npop eax\nint3`, (m, sym) =>
      setGate(m, 3, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 })),
    );
    expect(r3.eax & (IF | IOPL3 | 1)).toBe(1); // CF changed, IF and IOPL did not
  });
});

describe('external interrupts (SDM Vol. 3A §6.8: recognised at instruction boundaries when IF = 1)', () => {
  const devices = timerDevices(0x1000);
  test('a timer interrupt wakes HLT and is delivered through its gate with EIP after the HLT', () => {
    const r = run(`${devices}\nsti\nat: hlt\nafter: jmp after`);
    const irq = r.events.find((e) => e.type === 'interrupt');
    expect(irq).toMatchObject({ vector: 0x20, eventType: 'external-interrupt', errorCode: null, cplBefore: 0, cplAfter: 0 });
    expect(r.read32(r.esp)).toBe(r.sym.after);
    expect(r.events.some((e) => e.type === 'wake')).toBe(true);
  });
  test('with IF = 0 the interrupt stays pending and HLT ends the run', () => {
    const r = run(`${devices}\nhlt`);
    expect(r.events.filter((e) => e.type === 'interrupt')).toEqual([]);
  });
  test('STI shadow: the instruction after STI completes before the interrupt (SDM §6.8.3)', () => {
    // The timer is already pending when STI executes: MOV EBX, 1 still runs first.
    const fast = timerDevices(16);
    const r = run(`${fast}\nmov ecx, 50000\nspin: loop spin\nsti\nmov ebx, 1\nafter: jmp after`, undefined, { maxSteps: 300_000 });
    expect(r.events.find((e) => e.type === 'interrupt')).toMatchObject({ vector: 0x20 });
    expect(r.ebx).toBe(1);
    expect(r.read32(r.esp)).toBe(r.sym.after);
  });
  test('a fault while delivering an external interrupt has EXT = 1 in its error code', () => {
    const r = run(`${devices}\nsti\nhlt`, (m) => setGate(m, 0x20, [0, 0]));
    expect(deliveries(r.events)).toEqual([[13, 0x20 * 8 + 3, 0, 0]]);
  });
});

describe('the end of an interrupt shadow, and single-step after an instruction that did not complete', () => {
  // The timer interrupt is pending long before IF = 1.
  const pendingTimer = `${timerDevices(16)}
      mov ecx, 50000
    spin: loop spin
  `;
  const gates = (m: BareMachine, sym: Record<string, number>): void => {
    setGate(m, 6, gateDesc(0x08, sym.udh, { type: GATE.TRAP32 })); // a trap gate: IF stays 1 in the #UD handler
    setGate(m, 0x20, gateDesc(0x08, sym.irq, { type: GATE.INT32 }));
  };
  const handlers = `
    udh: mov ebx, 1
      hlt
    irq: mov esi, [esp]
      hlt`;
  test('STI: when the shadowed instruction faults, the pending interrupt comes before the handler\'s first instruction', () => {
    // SDM Vol. 2 STI: "The inhibition ends after delivery of another event (e.g., exception) or the execution of
    // the next instruction"; Bochs interrupt() clears inhibit_mask.
    const r = run(`${pendingTimer}\nsti\nud2\n${handlers}`, gates, { maxSteps: 300_000 });
    expect(deliveries(r.events).map((d) => d[0])).toEqual([6, 0x20]);
    expect(r.esi).toBe(r.sym.udh);
    expect(r.ebx).toBe(0);
  });
  test('MOV SS: the same, the blocking ends with the delivery of the fault', () => {
    const r = run(`${pendingTimer}\nmov ax, ss\nsti\nmov ss, ax\nud2\n${handlers}`, gates, { maxSteps: 300_000 });
    expect(deliveries(r.events).map((d) => d[0])).toEqual([6, 0x20]);
    expect(r.esi).toBe(r.sym.udh);
    expect(r.ebx).toBe(0);
  });
  const singleStep = 'pushfd\nor dword [esp], 0x100\npopfd\n';
  const dbGate = (m: BareMachine, sym: Record<string, number>): void => setGate(m, 1, gateDesc(0x08, sym.dbh, { type: GATE.INT32 }));
  test('LSS does not delay the single-step trap: only MOV SS and POP SS block for one instruction (SDM Vol. 3A §6.8.3)', () => {
    const r = run(`mov dword [0x3000], 0x8f000\nmov word [0x3004], 0x10\n${singleStep}lss esp, [0x3000]\nafter: mov ebx, 1\nhlt\ndbh: mov esi, [esp]\nhlt`, dbGate);
    expect(deliveries(r.events).map((d) => d[0])).toEqual([1]);
    expect(r.esi).toBe(r.sym.after);
    expect(r.ebx).toBe(0);
  });
  test('MOV SS still delays it past the next instruction', () => {
    const r = run(`mov ax, ss\n${singleStep}mov ss, ax\nmov ebx, 1\nafter: hlt\ndbh: mov esi, [esp]\nhlt`, dbGate);
    expect(r.esi).toBe(r.sym.after);
    expect(r.ebx).toBe(1);
  });
  test('TF = 1: an INT n whose delivery faults did not complete and takes no single-step #DB (SDM Vol. 3A §17.3.1.4)', () => {
    const r = run(`${singleStep}int 0x40\nnop\nhlt\nnph: mov ebx, 1\nhlt\ndbh: hlt`, (m, sym) => {
      setGate(m, 0x40, gateDesc(0x08, sym.nph, { type: GATE.INT32, p: false })); // not present: #NP(0x40·8 + 2)
      setGate(m, 11, gateDesc(0x08, sym.nph, { type: GATE.INT32 }));
      dbGate(m, sym);
    });
    expect(deliveries(r.events)).toEqual([[11, 0x40 * 8 + 2, 0, 0]]);
    expect(r.ebx).toBe(1);
  });
  test('TF = 1: INT3 at CPL 3 through a DPL-0 gate is #GP(vector·8 + 2) and no #DB either', () => {
    const r = run(`${toRing3()}${singleStep}int3\nnop`, (m, sym) => {
      setGate(m, 3, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 0 }));
      setGate(m, 1, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 0 }));
    });
    expect(deliveries(r.events).filter((d) => d[0] !== 0x81)).toEqual([[13, 3 * 8 + 2, 3, 0]]);
  });
  test('TF = 1: an INT n that is delivered still traps, with EIP at the handler (SDM Vol. 3A §17.3.1.4)', () => {
    const r = run(`${singleStep}int 0x40\nhlt\nh40: nop\nhlt\ndbh: mov esi, [esp]\nhlt`, (m, sym) => {
      setGate(m, 0x40, gateDesc(0x08, sym.h40, { type: GATE.INT32 }));
      dbGate(m, sym);
    });
    expect(deliveries(r.events).map((d) => d[0])).toEqual([0x40, 1]);
    expect(r.esi).toBe(r.sym.h40);
  });
});

describe('RF, the resume flag (SDM Vol. 3A §17.3.1.1; Bochs exception.cc assert_RF / clear_RF)', () => {
  const RF = 0x10000;
  /** An IRETD to the next line (`back:`) with RF = 1 in the EFLAGS image it pops. */
  const iretWithRf = `pushfd\nor dword [esp], ${RF}\npush cs\npush back\niretd\nback: `;
  /** Gates 0x80 (a handler that copies the pushed EFLAGS to EBX) and 0x81 (stop), both reachable from ring 3. */
  const gates = (m: BareMachine, sym: Record<string, number>): void => {
    setGate(m, 0x80, gateDesc(0x08, sym.note, { type: GATE.INT32, dpl: 3 }));
    setGate(m, 0x81, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 }));
  };
  test('a fault (#GP, #UD, #DE) pushes RF = 1; a trap (INT3, INTO) and INT n push it as it is, 0', () => {
    for (const insn of ['mov ax, 0x28\nmov ds, ax', 'ud2', 'xor ecx, ecx\ndiv ecx']) {
      const r = run(insn);
      const d = deliveries(r.events)[0];
      // The frame on the ring-0 stack: [error code,] EIP, CS, EFLAGS.
      const eflags = r.read32(r.esp + (d[1] === null ? 8 : 12));
      expect(eflags & RF, insn).toBe(RF);
    }
    for (const insn of ['int3', 'mov al, 0x7f\nadd al, 1\ninto', 'int 0x40']) {
      const r = run(insn);
      expect(r.read32(r.esp + 8) & RF, insn).toBe(0);
    }
  });
  test('IRET with RF = 1 in its image: RF is cleared once the instruction returned to has executed', () => {
    // The handler of INT 0x80 notes the EFLAGS image it received; IRET returns with RF = 1 set in the image.
    const r = run(`${iretWithRf}nop
      int 0x80
    note: mov ebx, [esp+8]
      int 0x81`, gates);
    expect(r.ebx & RF).toBe(0);
  });
  test('a fault on the instruction returned to with RF = 1 pushes RF = 1 again (the restarted instruction faults twice)', () => {
    const r = run(`${iretWithRf}ud2`);
    expect(deliveries(r.events)[0][0]).toBe(6);
    expect(r.read32(r.esp + 8) & RF).toBe(RF);
  });
});
