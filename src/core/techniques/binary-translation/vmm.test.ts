/**
 * The binary-translating VMM: the same guests as the bare machine, with the same answers — including the
 * sensitive unprivileged instructions that trap-and-emulate gets wrong — plus the translation cache's own
 * behaviour (hits, misses, chaining, self-modifying code) and time travel (snapshots, yields).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ARITH_FLAGS } from '../../x86/arch.ts';
import { EventKind } from '../../trace/events.ts';
import { SCENARIOS, loadScenarioSource, withMode } from '../../scenarios/index.ts';
import { SCENARIO_SOURCES } from '../../scenarios/sources.generated.ts';
import { SENSITIVE_UNPRIVILEGED } from '../deprivileged/instructions.ts';
import { StreamRecorder, bareFor, runToEnd, softwareVmmFor } from '../deprivileged/test-support.ts';
import { binaryTranslationFigures, calloutCostFor, indirectCostFor, translateCostFor } from './costs.ts';
import { runOnBinaryTranslator } from './lab.ts';
import { btFor } from './test-support.ts';

const KERNEL = SCENARIO_SOURCES['kernel.s'];
const SENSITIVE = SCENARIO_SOURCES['sensitive.s'];
const lineOf = (text: string, prefix: string): string => text.split('\n').find((l) => l.startsWith(prefix)) ?? `(no line ${prefix})`;
const fields = (line: string): number[] => line.split(' ').map(Number);

describe('sensitive.s: every sensitive unprivileged instruction gives the native answer under binary translation', () => {
  const bare = bareFor(withMode(SENSITIVE, 'bare'));
  const bareEnd = bare.run(20_000_000);
  const rec = new StreamRecorder(false, true);
  const bt = btFor(SENSITIVE, rec);
  const btEnd = runToEnd(bt);
  const te = softwareVmmFor(SENSITIVE);
  runToEnd(te);

  it('ends halted with the console of the bare machine, line for line', () => {
    expect(bareEnd.reason).toBe('halted');
    expect(btEnd.reason, bt.message).toBe('halted');
    expect(bt.consoleText).toBe(bare.consoleText);
    expect(bt.consoleText).not.toBe(te.consoleText);
  });

  it.each(SENSITIVE_UNPRIVILEGED.map((s) => [s.mnemonic, s] as const))('%s: native under BT, different under trap-and-emulate', (_m, s) => {
    const native = lineOf(bare.consoleText, s.line);
    expect(native.startsWith(s.line)).toBe(true);
    expect(lineOf(bt.consoleText, s.line)).toBe(native);
    expect(lineOf(te.consoleText, s.line)).not.toBe(native);
  });

  it('reaches each of them through a callout (none runs as written)', () => {
    const callouts = bt.stats().bt.calloutsByMnemonic;
    for (const name of ['SGDT', 'SIDT', 'SLDT', 'STR', 'SMSW', 'PUSHF', 'POPF', 'LAR', 'LSL', 'VERR', 'VERW', 'PUSH CS/SS', 'MOV from CS/SS', 'segment load', 'CALL FAR', 'JMP FAR', 'RETF', 'INT n']) {
      expect(callouts[name], name).toBeGreaterThan(0);
    }
    const records = rec.records.filter((r) => r.type === 'bt-callout');
    expect(records.length).toBe(bt.stats().bt.callouts);
    expect(records.find((r) => r.callout === 'POPF')).toMatchObject({ guestCpl: 0, vmmCycles: calloutCostFor('nehalem').value });
    // the RETF to ring 1 left the guest in its ring 1: its INT 0x81 was judged at virtual CPL 1
    expect(records.filter((r) => r.callout === 'INT n').map((r) => r.guestCpl)).toEqual([1, 0]);
  });

  it('runs the kernel on the processor at CPL 1 all the same (ring compression), never at CPL 0', () => {
    expect(bt.cpu.cpl).toBe(1);
    expect(bt.guestRegisters().cpl).toBe(0);
    expect(bt.guestRegisters().segSel[1]).toBe(0x08);
  });
});

describe('the lab programs under binary translation', () => {
  // Not the programs that are their own hypervisor (VMX instructions are #UD in a guest of a software VMM), nor
  // kernel-bare (the kernel entry runs the same file).
  const portable = SCENARIOS.filter((s) => !/^\s*vmlaunch\b/im.test(loadScenarioSource(s.id)!) && s.id !== 'kernel-bare');
  it.each(portable.map((s) => [s.id, s] as const))('%s ends as on the bare machine, with the same console and registers', (_id, s) => {
    const src = withMode(loadScenarioSource(s.id)!, 'bare');
    const bt = btFor(src);
    const bare = bareFor(src);
    const r = runToEnd(bt);
    const rb = bare.run(20_000_000);
    expect(r.reason, bt.message).toBe(rb.reason === 'unhandled-exception' ? 'triple-fault' : rb.reason);
    expect(bt.consoleText).toBe(bare.consoleText);
    if (r.reason === 'halted') {
      // General registers, EIP and the arithmetic flags as the guest left them. The timer-driven scenarios may
      // count loop iterations differently (the VMM's cycles change when interrupts arrive); they print the same.
      const timing = /timer|hlt-idle|sensitive|kernel|syscall|io-heavy|pagefault|cr3/.test(s.file);
      if (!timing) {
        expect([...bt.cpu.regs]).toEqual([...bare.cpu.regs]);
        expect(bt.cpu.eip).toBe(bare.cpu.eip);
        expect(bt.cpu.getEflags() & ARITH_FLAGS).toBe(bare.cpu.getEflags() & ARITH_FLAGS);
      }
      expect(bt.guestRegisters().cpl).toBe(bare.cpu.cpl);
    }
  });

  it('kernel.s retires exactly the instructions it retires on the bare machine, on every CPU model', () => {
    for (const cpu of ['xeon-lv', 'xeon-5100', 'nehalem', 'modern']) {
      const bt = btFor(KERNEL, undefined, cpu);
      const bare = bareFor(KERNEL, undefined, cpu);
      const r = runToEnd(bt);
      const rb = bare.run(20_000_000);
      expect(r.reason, `${cpu}: ${bt.message}`).toBe('halted');
      expect(r.instructions, cpu).toBe(rb.instructions);
      expect(bt.consoleText).toBe(bare.consoleText);
    }
  });
});

describe('the translation cache', () => {
  const LOOP = `
start:  mov     ecx, 100
        xor     eax, eax
.loop:  add     eax, ecx
        call    bump
        dec     ecx
        jnz     .loop
        cli
        hlt
bump:   inc     ebx
        ret
`;
  it('translates each unit once and then hits or chains; counts misses, hits and chains', () => {
    const rec = new StreamRecorder(false, true);
    const bt = btFor(LOOP, rec);
    expect(runToEnd(bt).reason).toBe('halted');
    expect(bt.cpu.regs[0]).toBe(5050);
    expect(bt.cpu.regs[3]).toBe(100);
    const s = bt.stats().bt;
    // units: [mov, xor, add, call], [inc, ret], [dec, jnz], [add, call] (the loop head), [cli], [hlt]
    expect(s.misses).toBe(s.translations);
    expect(s.translations).toBe(6);
    expect(rec.records.filter((r) => r.type === 'bt-translate').length).toBe(s.misses);
    // every RET looks its target up (indirect): 100 lookups that hit; the rest chains
    expect(s.hits).toBe(100);
    expect(s.chained).toBeGreaterThan(190); // CALL → bump and JNZ → the loop head, once their links exist
    expect(s.executedByKind.INDIRECT).toBe(100);
    expect(s.indirectCycles).toBe(100 * indirectCostFor('nehalem').value);
    expect(s.translateCycles).toBe(s.translatedInstructions * translateCostFor('nehalem').value);
    expect(s.calloutsByMnemonic).toEqual({ CLI: 1, HLT: 1 });
  });

  it('lists each translation with the original bytes next to the translated ops', () => {
    const bt = btFor(LOOP);
    runToEnd(bt);
    const list = bt.translationCache();
    const first = list[0];
    expect(first.guestLinear).toBe(0x10000);
    expect(first.guestPhysical).toBe(0x10000);
    expect(first.rows.map((r) => r.kind)).toEqual(['IDENT', 'IDENT', 'IDENT', 'BRANCH']);
    expect(first.rows[0]).toMatchObject({ address: 0x10000, bytes: 'B9 64 00 00 00', kind: 'IDENT' });
    const cli = list.find((e) => e.rows.some((r) => r.kind === 'CALLOUT' && /CLI/.test(r.translated)))!;
    expect(cli.rows[0].bytes).toBe('FA');
    expect(list.reduce((a, e) => a + e.hits, 0)).toBeGreaterThan(200);
  });

  it('drops a translation when the guest writes to its bytes (self-modifying code), and runs the new code', () => {
    const SMC = `
start:  mov     esi, 3
.again: call    patchme
        mov     byte [patchme + 1], 7      ; rewrite the immediate of "mov eax, 1"
        dec     esi
        jnz     .again
        cli
        hlt
patchme:
        mov     eax, 1
        add     edi, eax
        ret
`;
    const rec = new StreamRecorder(false, true);
    const bt = btFor(SMC, rec);
    const bare = bareFor(SMC);
    expect(runToEnd(bt).reason).toBe('halted');
    bare.run(10_000);
    expect(bare.cpu.regs[7]).toBe(1 + 7 + 7);
    expect(bt.cpu.regs[7]).toBe(bare.cpu.regs[7]);
    const s = bt.stats().bt;
    expect(s.invalidated).toBeGreaterThanOrEqual(1);
    const inv = rec.records.filter((r) => r.type === 'bt-invalidate');
    expect(inv.length).toBe(s.smcWrites);
    expect(s.smcWrites).toBe(3);
    // patchme's unit was translated again after each write but the last (after which it never runs)
    const translatedAtPatch = rec.records.filter((r) => r.type === 'bt-translate' && r.guestEip === inv[0].guestEip);
    expect(translatedAtPatch.length).toBe(3);
  });

  it('does not drop translations for writes to data next to code (only overlapping bytes count)', () => {
    const src = `
start:  mov     ecx, 50
.loop:  inc     dword [counter]
        dec     ecx
        jnz     .loop
        cli
        hlt
counter: dd 0
`;
    const bt = btFor(src);
    runToEnd(bt);
    expect(bt.gm.read32(0x10000 + 0)).not.toBe(0);
    const s = bt.stats().bt;
    expect(s.invalidated).toBe(0);
    expect(s.translations).toBe(4);
  });
});

describe('costs', () => {
  it('charges the sourced figures, each labelled an assumption for the project\'s CPU models', () => {
    for (const f of binaryTranslationFigures('xeon-lv')) {
      expect(f.kind).toBe('assumption');
      expect(f.note).toMatch(/ASSUMPTION/);
    }
    expect(translateCostFor('nehalem').value).toBe(2300);
    expect(calloutCostFor('nehalem').value).toBe(1254);
    expect(indirectCostFor('nehalem').value).toBe(40);
  });

  it('lets the user change them: the run is the same, only the cycles differ', () => {
    const a = runOnBinaryTranslator(KERNEL);
    const b = runOnBinaryTranslator(KERNEL, { translateCycles: 0, calloutCycles: 0, indirectCycles: 0 });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.vmm.consoleText).toBe(b.vmm.consoleText);
    expect(a.end.instructions).toBe(b.end.instructions);
    const sa = a.vmm.stats();
    const sb = b.vmm.stats();
    expect(sb.bt.translateCycles + sb.bt.calloutCycles + sb.bt.indirectCycles).toBe(0);
    expect(sa.bt.calloutCycles).toBe(sa.bt.callouts * 1254);
    expect(sa.vmmCycles).toBeGreaterThan(sb.vmmCycles);
    expect(a.end.mode).toBe('binary-translation');
  });

  it('costs less than trap-and-emulate where the kernel does port I/O (a callout instead of a trap)', () => {
    const io = withMode(SCENARIO_SOURCES['io-heavy.s'], 'guest');
    const bt = btFor(io);
    const te = softwareVmmFor(io);
    runToEnd(bt);
    runToEnd(te);
    expect(bt.consoleText).toBe(te.consoleText);
    expect(bt.stats().bt.calloutsByMnemonic.OUT).toBeGreaterThan(0);
    expect(bt.stats().traps).toBeLessThan(te.stats().traps);
  });
});

describe('snapshots and yields', () => {
  function straight(): { lines: string[]; console: string } {
    const rec = new StreamRecorder();
    const vmm = btFor(KERNEL, rec);
    runToEnd(vmm);
    return { lines: rec.lines, console: vmm.consoleText };
  }
  const reference = straight();

  it('is deterministic, and emits the BT events', () => {
    expect(straight().lines).toEqual(reference.lines);
    const kinds = new Set(reference.lines.map((l) => fields(l)[0]));
    expect(kinds.has(EventKind.BT_TRANSLATE)).toBe(true);
    expect(kinds.has(EventKind.BT_CALLOUT)).toBe(true);
  });

  it('stopping after every event and resuming gives the same stream as not stopping', () => {
    const rec = new StreamRecorder(true);
    const vmm = btFor(KERNEL, rec);
    expect(runToEnd(vmm).reason).toBe('halted');
    expect(rec.lines).toEqual(reference.lines);
    expect(vmm.consoleText).toBe(reference.console);
  });

  it('restores a snapshot taken mid-run (structured-cloned) so that the run continues identically', () => {
    for (const at of [3000, 9000]) {
      const rec = new StreamRecorder();
      const vmm = btFor(KERNEL, rec);
      expect(vmm.run(at).reason).toBe('limit');
      const snap = structuredClone(vmm.snapshot());
      const mark = rec.lines.length;
      runToEnd(vmm);
      const rest = rec.lines.slice(mark);
      const stats = vmm.stats();
      const rec2 = new StreamRecorder();
      const other = btFor('start:\n  hlt\n', rec2);
      other.restore(snap);
      runToEnd(other);
      expect(rec2.lines).toEqual(rest);
      expect(other.consoleText).toBe(vmm.consoleText);
      expect(other.stats()).toEqual(stats);
      expect(other.translationCache()).toEqual(vmm.translationCache());
    }
  });

  it('restores a snapshot taken at a yield inside translated code', () => {
    const rec = new StreamRecorder(true);
    const vmm = btFor(KERNEL, rec);
    let n = 0;
    let snap: ReturnType<typeof vmm.snapshot> | null = null;
    let mark = 0;
    for (;;) {
      vmm.cpu.yieldRequested = false;
      const r = vmm.run(1_000_000);
      if (r.reason !== 'yield') break;
      if (++n === 700) {
        snap = structuredClone(vmm.snapshot());
        mark = rec.lines.length;
      }
    }
    expect(snap).not.toBeNull();
    const rest = rec.lines.slice(mark);
    const rec2 = new StreamRecorder(true);
    const other = btFor(KERNEL, rec2);
    other.restore(snap!);
    runToEnd(other);
    expect(rec2.lines).toEqual(rest);
  });

  it('gives the same stream whatever the run(n) split points (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (splits, yielding) => {
        const rec = new StreamRecorder(yielding);
        const vmm = btFor(KERNEL, rec);
        for (const n of splits) {
          let left = n;
          while (left > 0) {
            vmm.cpu.yieldRequested = false;
            const r = vmm.run(left);
            left -= r.instructions;
            if (r.reason !== 'yield') break;
          }
        }
        runToEnd(vmm);
        expect(rec.lines).toEqual(reference.lines);
      }),
      { numRuns: 6, seed: 20062 },
    );
  });
});

describe('property: straight-line innocuous code gives the native result', () => {
  const REGS = ['eax', 'ecx', 'edx', 'ebx', 'esi', 'edi', 'ebp'];
  const reg = fc.constantFrom(...REGS);
  const imm = fc.integer({ min: -0x80000000, max: 0x7fffffff });
  const insn = fc.oneof(
    fc.tuple(reg, imm).map(([r, v]) => `mov ${r}, ${v}`),
    fc.tuple(fc.constantFrom('add', 'sub', 'xor', 'and', 'or', 'adc', 'sbb', 'cmp', 'test'), reg, reg).map(([o, a, b]) => `${o} ${a}, ${b}`),
    fc.tuple(fc.constantFrom('add', 'sub', 'xor', 'and', 'or'), reg, imm).map(([o, a, v]) => `${o} ${a}, ${v}`),
    fc.tuple(fc.constantFrom('inc', 'dec', 'not', 'neg', 'bswap'), reg).map(([o, a]) => `${o} ${a}`),
    fc.tuple(fc.constantFrom('shl', 'shr', 'sar', 'rol', 'ror'), reg, fc.integer({ min: 0, max: 31 })).map(([o, a, n]) => `${o} ${a}, ${n}`),
    fc.tuple(reg, reg).map(([a, b]) => `imul ${a}, ${b}`),
    fc.tuple(reg, reg, fc.integer({ min: -100, max: 100 })).map(([a, b, d]) => `lea ${a}, [${b} + ${d}]`),
    fc.tuple(reg, reg).map(([a, b]) => `xchg ${a}, ${b}`),
    fc.tuple(reg, reg).map(([a, b]) => `push ${a}\n pop ${b}`),
    fc.tuple(fc.constantFrom('setz', 'setc', 'sets', 'seto'), fc.constantFrom('al', 'bl', 'cl', 'dl')).map(([o, r]) => `${o} ${r}`),
    fc.tuple(reg, fc.integer({ min: 0, max: 255 })).map(([r, o]) => `mov [0x20000 + ${o * 4}], ${r}`),
    fc.tuple(reg, fc.integer({ min: 0, max: 255 })).map(([r, o]) => `add ${r}, [0x20000 + ${o * 4}]`),
    fc.constantFrom('cld', 'std', 'clc', 'stc', 'cmc', 'cdq', 'cwde', 'nop', 'lahf', 'sahf'),
  );
  it('BT registers, flags and memory equal the bare machine\'s', () => {
    fc.assert(
      fc.property(fc.array(insn, { minLength: 1, maxLength: 40 }), (body) => {
        const src = `start:\n${body.map((l) => ` ${l}`).join('\n')}\n cli\n hlt\n`;
        const bare = bareFor(src);
        bare.run(10_000);
        const bt = btFor(src);
        const r = runToEnd(bt, 10_000);
        expect(r.reason, bt.message).toBe('halted');
        expect([...bt.cpu.regs]).toEqual([...bare.cpu.regs]);
        expect(bt.cpu.getEflags() & (ARITH_FLAGS | 0x400)).toBe(bare.cpu.getEflags() & (ARITH_FLAGS | 0x400));
        for (let a = 0x20000; a < 0x20400; a += 4) expect(bt.gm.read32(a)).toBe(bare.mem.read32(a));
        expect(r.instructions).toBe(body.join('\n').split('\n').length + 2);
      }),
      { numRuns: 60, seed: 2006 },
    );
  });
});
