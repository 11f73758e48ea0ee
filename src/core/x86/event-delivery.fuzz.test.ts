/**
 * The core under abuse (issue 9 item 2): exceptions while delivering exceptions. Random protected-mode set-ups —
 * IDT limit 0 or cutting through the table, gates not present, of a reserved type, with a DPL below CPL for INT n,
 * naming a null, out-of-table, data or not-present code segment; a ring-0 stack that is a null, wrong-RPL,
 * read-only or not-present segment, or that lies on an unmapped page — and a fault (or INT n) at CPL 0 or 3.
 *
 * Oracle: an independent model of the SDM's rules run alongside, which predicts exactly which handler runs with
 * which error code, or a triple fault:
 *  - the checks of protected-mode delivery in the order of the INT n pseudocode (SDM Vol. 2B INT n; Vol. 3A
 *    §6.12.1): IDT limit → gate type → gate DPL (software interrupts only) → gate present → code-segment selector
 *    (null, in table, code with DPL ≤ CPL, present) → on a privilege change the TSS stack (null SS → #TS(EXT); RPL,
 *    DPL, writable data → #TS(sel); not present → #SS(sel)) → the pushes (#PF);
 *  - error codes with the IDT bit for gate faults and EXT set for faults while delivering a hardware event
 *    (SDM Vol. 3A §6.13, Figure 6-7);
 *  - the double-fault table (SDM Vol. 3A §6.15, Tables 6-4 and 6-5): contributory then contributory, or page
 *    fault then contributory or page fault, becomes #DF; any other pair is handled serially; a fault while
 *    delivering #DF is a triple fault (shutdown).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Seg } from './arch.ts';
import { FuzzMachine } from '../../test-support/core-fuzz.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { GATE, gateDesc, segDesc } from '../../test-support/bare.ts';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { Hypervisor } from '../vmm/hypervisor.ts';
import { GUEST_AREA_START } from '../vmm/host.ts';

const GDT = 0x5000;
const IDT = 0x6000;
const TSS = 0x1100; // the bare machine's TSS (machine/layout.ts), TR = 0x28
const HANDLERS = 0x30000;
const CODE = 0x10000;
const UNMAPPED = 0x3000010; // above the 16 MiB identity map: not present
/** Extra GDT entries: 9 = not-present data, 10 = not-present code, 11 = read-only data (all DPL 0). */
const SEL_NP_DATA = 0x48;
const SEL_NP_CODE = 0x50;
const SEL_RO_DATA = 0x58;

type GateKind = 'int' | 'trap' | 'not-present' | 'bad-type';
type SelKind = 'ok' | 'null' | 'beyond' | 'data' | 'np-code';
interface GateCfg {
  kind: GateKind;
  badType: number;
  dpl: number;
  sel: SelKind;
}
type Stack0 = 'ok' | 'ss-null' | 'ss-rpl' | 'ss-np' | 'ss-ro' | 'esp-pf';
type Trigger = { t: 'ud2' } | { t: 'div0' } | { t: 'pf' } | { t: 'gp' } | { t: 'int'; n: number };

interface Case {
  cpl: 0 | 3;
  idtLimit: number;
  gates: Map<number, GateCfg>;
  stack: Stack0;
  trigger: Trigger;
  stopOnUnhandled: boolean;
}

const GOOD: GateCfg = { kind: 'int', badType: 0, dpl: 0, sel: 'ok' };
/** Vectors a delivery fault can raise (#DF, #TS, #NP, #SS, #GP, #PF) plus the triggers' own. */
const KEY_VECTORS = [0, 6, 8, 10, 11, 12, 13, 14];

const gateArb: fc.Arbitrary<GateCfg> = fc.record({
  kind: fc.constantFrom<GateKind>('int', 'int', 'int', 'trap', 'not-present', 'bad-type'),
  // Reserved / non-gate system types (a task gate, 5, would need a task switch: not in this suite).
  badType: fc.constantFrom(0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13),
  dpl: fc.integer({ min: 0, max: 3 }),
  sel: fc.constantFrom<SelKind>('ok', 'ok', 'ok', 'null', 'beyond', 'data', 'np-code'),
});

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    cpl: fc.constantFrom<0 | 3>(0, 3),
    idtLimit: fc.oneof(fc.constant(0), fc.constant(0x7ff), fc.integer({ min: 0, max: 0x7ff }), fc.constantFrom(7, 8 * 8 - 1, 8 * 9 - 1, 14 * 8 + 6, 15 * 8 - 1)),
    gates: fc.array(fc.tuple(fc.constantFrom(...KEY_VECTORS, 0x21, 0x80, 0xff), gateArb), { maxLength: 8 }),
    stack: fc.constantFrom<Stack0>('ok', 'ok', 'ok', 'ss-null', 'ss-rpl', 'ss-np', 'ss-ro', 'esp-pf'),
    trigger: fc.oneof(
      fc.constant<Trigger>({ t: 'ud2' }),
      fc.constant<Trigger>({ t: 'div0' }),
      fc.constant<Trigger>({ t: 'pf' }),
      fc.constant<Trigger>({ t: 'gp' }),
      fc.constantFrom(...KEY_VECTORS, 0x21, 0x80, 0xff, 3).map((n): Trigger => ({ t: 'int', n })),
    ),
    stopOnUnhandled: fc.boolean(),
  })
  .map((r) => ({ ...r, gates: new Map(r.gates) }));

// ------------------------------------------------------------------------------------------ the model

type Cls = 'benign' | 'contributory' | 'page-fault' | 'double-fault';
/** SDM Vol. 3A Table 6-4. */
function cls(v: number): Cls {
  if (v === 0 || (v >= 10 && v <= 13)) return 'contributory';
  if (v === 14) return 'page-fault';
  if (v === 8) return 'double-fault';
  return 'benign';
}
type Outcome = { end: 'handled'; vector: number; ec: number | null } | { end: 'triple' } | { end: 'unhandled'; vector: number; ec: number | null };
interface Fault {
  v: number;
  ec: number;
}

/** One delivery attempt: the first failing check (SDM INT n pseudocode order), or null when the handler is entered. */
function attempt(k: Case, v: number, software: boolean, cpl: number): Fault | null {
  const ext = software ? 0 : 1;
  const idtErr = (v << 3) | 2 | ext;
  if (v * 8 + 7 > k.idtLimit) return { v: 13, ec: idtErr };
  const g = k.gates.get(v) ?? GOOD;
  if (g.kind === 'bad-type') return { v: 13, ec: idtErr };
  if (software && g.dpl < cpl) return { v: 13, ec: idtErr };
  if (g.kind === 'not-present') return { v: 11, ec: idtErr };
  switch (g.sel) {
    case 'null': return { v: 13, ec: ext };
    case 'beyond': return { v: 13, ec: 0xff8 | ext };
    case 'data': return { v: 13, ec: 0x10 | ext };
    case 'np-code': return { v: 11, ec: SEL_NP_CODE | ext };
    default: break;
  }
  if (cpl === 3) {
    // Privilege change to ring 0: the stack comes from the TSS (SDM Vol. 3A §6.12.1, INT n pseudocode).
    switch (k.stack) {
      case 'ss-null': return { v: 10, ec: ext };
      case 'ss-rpl': return { v: 10, ec: 0x10 | ext };
      case 'ss-ro': return { v: 10, ec: SEL_RO_DATA | ext };
      case 'ss-np': return { v: 12, ec: SEL_NP_DATA | ext };
      case 'esp-pf': return { v: 14, ec: 0x2 }; // supervisor write to a not-present page (SDM §4.7)
      default: return null;
    }
  }
  if (k.stack === 'esp-pf') return { v: 14, ec: 0x2 }; // same privilege: the current stack is unmapped
  return null;
}

function predict(k: Case): Outcome {
  let v: number;
  let ec: number | null;
  let software = false;
  switch (k.trigger.t) {
    case 'ud2': v = 6; ec = null; break;
    case 'div0': v = 0; ec = null; break;
    case 'pf': v = 14; ec = k.cpl === 3 ? 4 : 0; break;
    case 'gp': v = 13; ec = 0x1230; break;
    default: v = k.trigger.n; ec = null; software = true;
  }
  for (let guard = 0; guard < 10; guard++) {
    // Bare labs without an IDT entry for a hardware exception stop with it (machine/bare.ts, interrupts.ts).
    if (k.stopOnUnhandled && !software && v * 8 + 7 > k.idtLimit) return { end: 'unhandled', vector: v, ec };
    const f = attempt(k, v, software, k.cpl);
    if (f === null) return { end: 'handled', vector: v, ec: software ? null : ec };
    // SDM Vol. 3A Table 6-5.
    if (!software && v === 8) return { end: 'triple' };
    const first: Cls = software ? 'benign' : cls(v);
    const second = cls(f.v);
    const df = (first === 'contributory' && second === 'contributory') || (first === 'page-fault' && second !== 'benign');
    if (df) {
      v = 8;
      ec = 0;
    } else {
      v = f.v;
      ec = f.ec;
    }
    software = false;
  }
  throw new Error('model did not converge');
}

// ------------------------------------------------------------------------------------------ the machine side

function setUp(f: FuzzMachine, k: Case): void {
  f.reset();
  const m = f.m;
  const c = m.cpu;
  const mem = m.mem;
  c.stopOnUnhandledException = k.stopOnUnhandled;
  // GDT: the standard eight, then the extra descriptors, 32 entries (limit 255).
  for (let a = 0; a < 64; a += 4) mem.write32(GDT + a, mem.read32(c.gdtrBase + a));
  const put = (i: number, d: [number, number]): void => {
    mem.write32(GDT + i * 8, d[0]);
    mem.write32(GDT + i * 8 + 4, d[1]);
  };
  put(9, segDesc(0, 0xfffff, { type: 3, p: false, g: true }));
  put(10, segDesc(0, 0xfffff, { type: 0xb, p: false, g: true }));
  put(11, segDesc(0, 0xfffff, { type: 1, g: true }));
  c.gdtrBase = GDT;
  c.gdtrLimit = 32 * 8 - 1;
  // IDT: 256 gates, each to its own `mov al, v; hlt` stub, then the case's changes.
  for (let v = 0; v < 256; v++) {
    mem.write32(HANDLERS + v * 4, 0x90f400b0 | (v << 8));
    const g = k.gates.get(v) ?? GOOD;
    const sel = g.sel === 'ok' ? 0x08 : g.sel === 'null' ? 0 : g.sel === 'beyond' ? 0xff8 : g.sel === 'data' ? 0x10 : SEL_NP_CODE;
    const type = g.kind === 'trap' ? GATE.TRAP32 : g.kind === 'bad-type' ? g.badType : GATE.INT32;
    const d = gateDesc(sel, HANDLERS + v * 4, { type, dpl: g.dpl, p: g.kind !== 'not-present' });
    mem.write32(IDT + v * 8, d[0]);
    mem.write32(IDT + v * 8 + 4, d[1]);
  }
  c.idtrBase = IDT;
  c.idtrLimit = k.idtLimit;
  // The ring-0 stack in the TSS (ESP0 at +4, SS0 at +8; SDM Vol. 3A Figure 7-2).
  const ss0 = { ok: 0x10, 'ss-null': 0, 'ss-rpl': 0x13, 'ss-np': SEL_NP_DATA, 'ss-ro': SEL_RO_DATA, 'esp-pf': 0x10 }[k.stack];
  mem.write32(TSS + 4, k.stack === 'esp-pf' ? UNMAPPED : 0x90000);
  mem.write32(TSS + 8, ss0);
  // The trigger.
  let code: number[];
  switch (k.trigger.t) {
    case 'ud2': code = [0x0f, 0x0b]; break;
    case 'div0': code = [0x31, 0xc9, 0xf7, 0xf1]; break; // xor ecx, ecx; div ecx
    case 'pf': code = [0xa1, ...[0, 0, 0, 3]]; break; // mov eax, [0x3000000]
    case 'gp': code = [0x66, 0xbb, 0x30, 0x12, 0x8e, 0xdb]; break; // mov bx, 0x1230; mov ds, bx
    default: code = [0xcd, k.trigger.n];
  }
  f.poke(CODE, [...code, 0xf4]);
  c.eip = CODE;
  c.regs[0] = 0xffffff00; // AL is the stub's vector; the top bytes tell "no handler ran"
  if (k.cpl === 3) {
    c.setSegCache(Seg.CS, 0x1b, 0, -1, 0xc0fb);
    for (const s of [Seg.SS, Seg.DS, Seg.ES, Seg.FS, Seg.GS]) c.setSegCache(s, 0x23, 0, -1, 0xc0f3);
    c.setCpl(3);
    c.regs[4] = 0x8f000;
  } else if (k.stack === 'esp-pf') {
    c.regs[4] = UNMAPPED;
  }
}

describe('exceptions while delivering exceptions (bad IDT, bad gates, bad stacks) follow the SDM double-fault rules', () => {
  const f = new FuzzMachine();
  const runs = fuzzRuns(4000);
  test(`the handler, error code, #DF or triple fault the model predicts (${runs} set-ups)`, () => {
    fc.assert(
      fc.property(caseArb, (k) => {
        const where = JSON.stringify({ ...k, gates: [...k.gates] });
        const want = predict(k);
        let reason: string;
        try {
          setUp(f, k);
          reason = f.run(50).reason;
        } catch (e) {
          throw new Error(`threw on ${where}: ${(e as Error).stack ?? e}`);
        }
        const c = f.m.cpu;
        if (want.end === 'triple') {
          expect(reason, where).toBe('triple-fault');
          return;
        }
        if (want.end === 'unhandled') {
          expect(reason, where).toBe('unhandled-exception');
          expect([c.unhandledVector, c.unhandledErrorCode < 0 ? null : c.unhandledErrorCode], where).toEqual([want.vector, want.ec]);
          return;
        }
        expect(reason, where).toBe('halted');
        expect(c.regs[0] >>> 0, `handler entered (EAX) for ${where}`).toBe((0xffffff00 | want.vector) >>> 0);
        expect(c.cpl, where).toBe(0);
        const esp = c.regs[4] >>> 0;
        const frame = [0, 1, 2, 3, 4, 5].map((n) => f.m.mem.read32(esp + 4 * n) >>> 0);
        // The frame: [error code], EIP, CS, EFLAGS, and from CPL 3 also ESP, SS (SDM Vol. 3A Figure 6-4).
        const at = want.ec === null ? 0 : 1;
        if (want.ec !== null) expect(frame[0], `error code for ${where}`).toBe(want.ec);
        expect(frame[at + 1] & 0xffff, where).toBe(k.cpl === 3 ? 0x1b : 0x08);
        if (k.cpl === 3) expect(frame[at + 4] & 0xffff, where).toBe(0x23);
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 20));
});

// ------------------------------------------------------------------------------------------ found by the fuzzing

describe('an exception loop that never retires an instruction ends at the step limit (defect found by this suite)', () => {
  // A #GP handler whose first instruction raises #GP again (MOV DS with a selector beyond the GDT limit), on a
  // 16-bit stack: each delivery succeeds (no #DF, SDM Vol. 3A §6.15) and pushes a 16-byte frame, so SP wraps round
  // the 64 KiB segment for ever — an endless loop on hardware too. The run limit counted retired instructions only,
  // and cycles do not advance during delivery, so `run` never returned. Delivered faults now count as steps.
  test('bare machine: run(2000) returns "limit" with nothing retired', () => {
    const f = new FuzzMachine();
    f.reset();
    const c = f.m.cpu;
    f.poke(CODE, [0x8e, 0xdb]); // mov ds, bx
    c.regs[3] = 0x1230;
    const d = gateDesc(0x08, CODE, { type: GATE.INT32 });
    f.m.mem.write32(IDT + 13 * 8, d[0]);
    f.m.mem.write32(IDT + 13 * 8 + 4, d[1]);
    c.idtrBase = IDT;
    c.idtrLimit = 0x7ff;
    c.setSegCache(Seg.SS, 0x10, 0x40000, 0xffff, 0x0093); // 16-bit expand-up stack (B = 0)
    c.eip = CODE;
    const out = f.run(2000);
    expect(out).toEqual({ reason: 'limit', instructions: 0 });
    expect(c.abortedInsns).toBe(2000); // the budget's worth of faults in a row (at least EXCEPTION_LOOP_MIN)
    expect(c.eip >>> 0).toBe(CODE);
  });

  test('a program that faults and recovers still stops exactly after the number of retired instructions asked for', () => {
    // loop: ud2 (#UD → handler: add dword [esp], 2; iretd — skips it), inc eax, jmp loop: 4 retired + 1 aborted per
    // pass. The step bound must not change where ordinary runs stop (the timeline's stop points rely on it).
    const f = new FuzzMachine();
    f.reset();
    const c = f.m.cpu;
    f.poke(CODE, [0x0f, 0x0b, 0x40, 0xeb, 0xfb]);
    f.poke(HANDLERS, [0x83, 0x04, 0x24, 0x02, 0xcf]);
    const d = gateDesc(0x08, HANDLERS, { type: GATE.INT32 });
    f.m.mem.write32(IDT + 6 * 8, d[0]);
    f.m.mem.write32(IDT + 6 * 8 + 4, d[1]);
    c.idtrBase = IDT;
    c.idtrLimit = 0x7ff;
    c.eip = CODE;
    const aborted0 = c.abortedInsns;
    expect(f.run(1001)).toEqual({ reason: 'limit', instructions: 1001 });
    expect(c.regs[0]).toBe(250); // 250 passes of 4 retired instructions, then the handler's first
    expect(c.abortedInsns - aborted0).toBe(251);
    expect(c.eip >>> 0).toBe(HANDLERS + 4); // at the handler's IRETD
    // One step at a time, a step that meets a fault still retires one instruction (the handler's first), as before.
    expect(f.run(1)).toEqual({ reason: 'limit', instructions: 1 }); // IRETD → after the UD2
    expect(f.run(1)).toEqual({ reason: 'limit', instructions: 1 }); // INC EAX
    expect(f.run(1)).toEqual({ reason: 'limit', instructions: 1 }); // JMP
    expect(f.run(1)).toEqual({ reason: 'limit', instructions: 1 }); // UD2 faults; the handler's ADD retires
    expect(c.eip >>> 0).toBe(HANDLERS + 4);
    expect(c.regs[0]).toBe(251);
  });

  test('built-in VMM: a guest in such a loop ends at the guest limit', () => {
    const model = toProcessorModel(getCpuModel('nehalem')!);
    const h = new Hypervisor(model, { hostMemoryBytes: GUEST_AREA_START + 4 * 1048576 });
    const vm = h.createVm({ name: 'loop', memoryBytes: 4 * 1048576, vcpus: 1 }, 0x10000);
    // IDT at 0x3000 with #GP → 0x10040 (`mov ds, bx`); ESP far from the bottom of RAM; BX = a selector beyond the GDT.
    const prog = [
      0x0f, 0x01, 0x1d, 0x30, 0x00, 0x01, 0x00, // lidt [0x10030]
      0xbc, 0x00, 0xf0, 0x3f, 0x00, // mov esp, 0x3ff000
      0x66, 0xbb, 0x30, 0x12, // mov bx, 0x1230
      0xe9, 0x2b, 0x00, 0x00, 0x00, // jmp 0x10040
    ];
    const image = new Uint8Array(0x48);
    image.set(prog);
    image.set([0xff, 0x07, 0x00, 0x30, 0x00, 0x00], 0x30); // IDTR: limit 0x7ff, base 0x3000
    image.set([0x8e, 0xdb, 0xf4], 0x40);
    vm.mem.load(0x10000, image);
    const gate = gateDesc(0x08, 0x10040, { type: GATE.INT32 });
    vm.mem.load(0x3000 + 13 * 8, Uint8Array.from([...new Uint8Array(Int32Array.from(gate).buffer)]));
    expect(h.run(20_000)).toBe('limit');
    expect(h.cpus[0].abortedInsns).toBeGreaterThanOrEqual(20_000 - 10);
    expect(h.cpus[0].abortedInsns).toBeLessThanOrEqual(20_000);
  });
});
