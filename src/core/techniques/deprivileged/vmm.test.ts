import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventKind } from '../../trace/events.ts';
import { Flag } from '../../x86/arch.ts';
import { SCENARIOS, loadScenarioSource, withMode } from '../../scenarios/index.ts';
import { SCENARIO_SOURCES } from '../../scenarios/sources.generated.ts';
import { trapRoundTripFor, TRAP_SOFTWARE_P4, TRAP_TRANSITION_P4 } from './costs.ts';
import { EmulatedInsn } from './emulated.ts';
import { runOnSoftwareVmm } from './lab.ts';
import { VMM_HOLE } from './layout.ts';
import { StreamRecorder, assembleProgram, bareFor, runToEnd, softwareVmmFor } from './test-support.ts';

const KERNEL = SCENARIO_SOURCES['kernel.s'];
const CPUS = ['xeon-lv', 'xeon-5100', 'nehalem', 'modern'] as const;

/** Fields of a recorded line: kind, cycle, p0..p7. */
const fields = (line: string): number[] => line.split(' ').map(Number);
const ofKind = (lines: string[], kind: EventKind): number[][] => lines.map(fields).filter((f) => f[0] === kind);

describe('kernel.s under the trap-and-emulate VMM', () => {
  it.each(CPUS)('runs to halted on %s and prints what it prints on the bare machine', (cpu) => {
    const vmm = softwareVmmFor(KERNEL, undefined, cpu);
    const r = runToEnd(vmm);
    const bare = bareFor(KERNEL, undefined, cpu);
    const rb = bare.run(20_000_000);
    expect(r.reason, vmm.message).toBe('halted');
    expect(rb.reason).toBe('halted');
    expect(vmm.consoleText).toBe(bare.consoleText);
    expect(vmm.consoleText.endsWith('kernel halted\n')).toBe(true);
    // Emulated instructions count as retired guest instructions: the same program retires the same number.
    expect(r.instructions).toBe(rb.instructions);
  });

  it('ends with the guest\'s own view: virtual CPL 0, its CR0/CR3/CR4, interrupts disabled', () => {
    const r = runOnSoftwareVmm(KERNEL);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.end.reason).toBe('halted');
    expect(r.end.cpl).toBe(0);
    const regs = r.end.registers as Record<string, string>;
    expect((Number(regs.cr0) & 0x80010000) >>> 0).toBe(0x80010000);
    expect(regs.cr3).toBe('0x00030000');
    expect(Number(regs.cr4) & 0x10).toBe(0x10);
    expect(Number(regs.eflags) & Flag.IF).toBe(0);
    expect(regs.cs).toBe('0x0008');
    // the processor itself: the kernel at CPL 1 with the real IF still set
    expect(r.vmm.cpu.cpl).toBe(1);
    expect(r.vmm.cpu.segSel[1]).toBe(0x09);
    expect(r.vmm.cpu.getEflags() & Flag.IF).toBe(Flag.IF);
    expect(r.end.state).toBe('running');
  });

  it('runs the kernel at CPL 1 and the ring-3 task at CPL 3, never at CPL 0', () => {
    const p = assembleProgram(KERNEL);
    const rec = new StreamRecorder();
    const vmm = softwareVmmFor(KERNEL, rec);
    vmm.cpu.traceRetire = true;
    expect(runToEnd(vmm).reason).toBe('halted');
    const retired = ofKind(rec.lines, EventKind.INSN_RETIRED);
    expect(retired.length).toBeGreaterThan(10_000);
    const inUser = (eip: number): boolean => eip >= p.symbols.user_begin && eip < p.symbols.user_end;
    // INSN_RETIRED: p1 EIP (field 3), p2 CPL before (field 4), p6 CPL after (field 8)
    const cpls = new Set(retired.map((f) => f[4]));
    expect([...cpls].sort()).toEqual([1, 3]);
    for (const f of retired) expect(f[4], `EIP 0x${f[3].toString(16)}`).toBe(inUser(f[3]) ? 3 : 1);
    // the guest believes otherwise: SW_TRAP reports virtual CPL 0 (kernel) or 3 (task)
    const traps = ofKind(rec.lines, EventKind.SW_TRAP);
    expect(new Set(traps.map((f) => f[6]))).toEqual(new Set([0, 3]));
  });

  it('traps the privileged instructions kernel.s uses, and counts them by kind', () => {
    const rec = new StreamRecorder(false, true);
    const vmm = softwareVmmFor(KERNEL, rec);
    runToEnd(vmm);
    const s = vmm.stats();
    const e = s.emulatedByMnemonic;
    expect(e.LGDT).toBe(1);
    expect(e.LIDT).toBe(1);
    expect(e.LTR).toBe(1);
    expect(e['MOV to CR']).toBe(3); // CR4 (PSE), CR3, CR0 (PG | WP)
    expect(e['MOV from CR']).toBe(2); // CR4 and CR0 read-modify-write
    expect(e['load SS']).toBe(1); // MOV SS, 0x10 after LGDT
    expect(e['INT n']).toBe(13); // every system call
    expect(e.CLI).toBe(3);
    expect(e.STI).toBeGreaterThanOrEqual(1);
    expect(e.IN).toBeGreaterThan(100); // polling the UART
    expect(e.OUT).toBeGreaterThan(100);
    expect(e.HLT).toBe(rec.records.filter((x) => x.type === 'halt').length);
    expect(e.IRET).toBeGreaterThanOrEqual(1); // the timer handler's IRET to ring 0
    expect(s.trapsByCause['external interrupt'].count).toBeGreaterThanOrEqual(20);
    expect(s.interruptsReflected).toBe(s.trapsByCause['external interrupt'].count);
    expect(s.softwareInterruptsReflected).toBe(13);
    expect(s.shadowFills).toBeGreaterThan(0);
    expect(s.traps).toBe(Object.values(s.trapsByCause).reduce((a, b) => a + b.count, 0));
    // a system call from ring 3: #GP(0x80 × 8 + 2) on the VMM's DPL-0 gate, reflected as INT 0x80
    const sys = rec.records.filter((x) => x.type === 'sw-trap' && x.emulated === 'INT n');
    expect(sys.length).toBe(13);
    expect(sys.every((x) => x.vector === 13 && x.errorCode === 0x402 && x.guestCpl === 3)).toBe(true);
    const afterSys = rec.records.filter((x, k) => x.type === 'sw-resume' && rec.records[k - 1]?.type === 'sw-trap' && rec.records[k - 1]?.emulated === 'INT n');
    expect(afterSys.every((x) => x.reflected === 0x80 && x.cpl === 1 && x.guestCpl === 0)).toBe(true);
    // the timer: IRQ 0 fielded at ring 0, reflected as vector 0x20
    const irq = rec.records.filter((x) => x.type === 'sw-trap' && x.name === 'IRQ 0');
    expect(irq.length).toBeGreaterThanOrEqual(20);
  });

  it('brackets every trap: a delivery into ring 0, SW_TRAP, then SW_RESUME before the next trap', () => {
    const rec = new StreamRecorder(false, true);
    runToEnd(softwareVmmFor(KERNEL, rec));
    const rs = rec.records;
    let open = false;
    for (let k = 0; k < rs.length; k++) {
      const x = rs[k];
      if (x.type === 'sw-trap') {
        expect(open).toBe(false);
        open = true;
        const d = rs[k - 1];
        expect(d.type === 'exception' || d.type === 'interrupt').toBe(true);
        expect(d.cplAfter).toBe(0);
        expect([1, 3]).toContain(d.cplBefore);
        expect(d.vmx).toBe('none');
      } else if (x.type === 'sw-resume') {
        expect(open).toBe(true);
        open = false;
        expect([1, 3]).toContain(x.cpl);
      }
    }
    expect(open).toBe(false); // the final HLT resumes the (halted) guest too
  });

  it('charges one trap round trip per trap, labelled as an assumption', () => {
    const rec = new StreamRecorder();
    const vmm = softwareVmmFor(KERNEL, rec);
    runToEnd(vmm);
    const fig = trapRoundTripFor('nehalem');
    expect(fig.kind).toBe('assumption');
    expect(fig.value).toBe(2030);
    expect(TRAP_TRANSITION_P4.value + TRAP_SOFTWARE_P4.value).toBe(fig.value);
    const traps = ofKind(rec.lines, EventKind.SW_TRAP);
    expect(traps.every((f) => f[8] === fig.value)).toBe(true);
    const s = vmm.stats();
    expect(s.vmmCycles).toBe(traps.length * fig.value);
    expect(s.guestCycles + s.vmmCycles + s.idleCycles).toBe(vmm.cpu.cycles);
    expect(s.overheadPercent).toBeGreaterThan(50);
    // a cheaper trap (a user's what-if) changes the charge, not the behaviour
    const cheap = softwareVmmFor(KERNEL, undefined, 'nehalem', 100);
    runToEnd(cheap);
    expect(cheap.consoleText).toBe(vmm.consoleText);
    expect(cheap.stats().vmmCycles).toBe(cheap.stats().traps * 100);
  });
});

describe('the guest-mode initial state, deprivileged', () => {
  it('looks like README "Guest mode" to the guest and is ring 1 to the processor', () => {
    const vmm = softwareVmmFor('start:\n  cli\n  hlt\n');
    const g = vmm.guestRegisters();
    expect(g.cpl).toBe(0);
    expect(g.cr0).toBe(0x31);
    expect(g.eflags).toBe(0x2);
    expect(Array.from(g.segSel)).toEqual([0x10, 0x08, 0x10, 0x10, 0x10, 0x10]);
    expect(g.regs[4]).toBe(0x90000);
    const c = vmm.cpu;
    expect(c.cpl).toBe(1);
    expect(c.segSel[1]).toBe(0x09);
    expect(c.segSel[2]).toBe(0x11);
    expect(c.getEflags() & (Flag.IF | Flag.IOPL)).toBe(Flag.IF);
    expect(c.cr0 >>> 0).toBe(0x80010031); // PE, ET, NE, WP, PG: the shadow page tables
    expect(c.cr3).toBe(vmm.shadowPd);
    expect(c.gdtrBase >>> 0).toBe(0xffc10000);
    expect(c.idtrBase >>> 0).toBe(0xffc00000);
    expect(c.segSel[7]).toBe(0xfff8);
    // every guest segment ends below the VMM hole
    for (let s = 0; s < 6; s++) expect(c.segLimit[s] >>> 0).toBe(VMM_HOLE - 1);
    // the guest's own tables are in guest memory, as the guest expects
    expect(vmm.gm.read32(0x1008 + 4) >>> 0).toBe(0x00cf9b00); // the standard GDT's ring-0 code, DPL 0
    expect(vmm.v.gdtrBase).toBe(0x1000);
    const r = runToEnd(vmm);
    expect(r).toEqual({ reason: 'halted', instructions: 2 });
  });

  it('keeps the VMM out of the guest\'s reach: a write into the hole is a #GP the guest handles', () => {
    const src = `
IDT equ 0x3000
start:
        mov     eax, gp
        mov     [IDT + 13 * 8], ax
        mov     word [IDT + 13 * 8 + 2], 0x08
        mov     word [IDT + 13 * 8 + 4], 0x8E00
        shr     eax, 16
        mov     [IDT + 13 * 8 + 6], ax
        lidt    [idtr]
        mov     dword [0xFFC00000], 0x12345678
        cli
        hlt
gp:     mov     dword [0x2000], 0x600D
        cli
        hlt
idtr:   dw 14 * 8 - 1
        dd IDT
`;
    const vmm = softwareVmmFor(src);
    const before = vmm.mem.read32(0);
    expect(runToEnd(vmm).reason).toBe('halted');
    expect(vmm.gm.read32(0x2000)).toBe(0x600d);
    expect(vmm.mem.read32(0)).toBe(before);
    expect(vmm.stats().exceptionsReflected).toBe(1);
  });

  it('stops the VM when the guest does something the VMM does not emulate (leaving protected mode)', () => {
    const vmm = softwareVmmFor('start:\n  mov eax, cr0\n  and eax, ~1\n  mov cr0, eax\n  hlt\n');
    const rec = vmm;
    expect(runToEnd(rec).reason).toBe('vm-crash');
    expect(vmm.message).toMatch(/real mode/);
    expect(runToEnd(vmm)).toEqual({ reason: 'vm-crash', instructions: 0 });
  });

  it('reports a guest triple fault', () => {
    const vmm = softwareVmmFor(loadScenarioSource('triple-fault')!);
    expect(runToEnd(vmm).reason).toBe('triple-fault');
    expect(vmm.stats().state).toBe('triple-fault');
  });
});

describe('the lab programs under the software VMM', () => {
  // Not the programs that are their own hypervisor (VMX instructions are #UD in a guest of a software VMM), nor
  // kernel-bare (the kernel entry runs the same file).
  const portable = SCENARIOS.filter((s) => !/^\s*vmlaunch\b/im.test(loadScenarioSource(s.id)!) && s.id !== 'kernel-bare');
  it.each(portable.map((s) => [s.id, s] as const))('%s ends as on the bare machine, with the same console', (_id, s) => {
    const src = withMode(loadScenarioSource(s.id)!, 'bare');
    const vmm = softwareVmmFor(src);
    const bare = bareFor(src);
    const r = runToEnd(vmm);
    const rb = bare.run(20_000_000);
    expect(r.reason, vmm.message).toBe(rb.reason === 'unhandled-exception' ? 'triple-fault' : rb.reason);
    if (s.file === 'sensitive.s') expect(vmm.consoleText).not.toBe(bare.consoleText); // the point of that one
    else expect(vmm.consoleText).toBe(bare.consoleText);
  });
});

// ------------------------------------------------------------------------------------------------ time travel

describe('snapshots and yields', () => {
  /** The stream of a straight run of the kernel. */
  function straight(): { lines: string[]; console: string } {
    const rec = new StreamRecorder();
    const vmm = softwareVmmFor(KERNEL, rec);
    runToEnd(vmm);
    return { lines: rec.lines, console: vmm.consoleText };
  }
  const reference = straight();

  it('is deterministic', () => {
    expect(straight().lines).toEqual(reference.lines);
  });

  it('restores a snapshot (structured-cloned) so that the run continues identically', () => {
    const rec = new StreamRecorder();
    const vmm = softwareVmmFor(KERNEL, rec);
    expect(vmm.run(5000).reason).toBe('limit');
    const snap = structuredClone(vmm.snapshot());
    const at = rec.lines.length;
    runToEnd(vmm);
    const a = rec.lines.slice(at);
    const statsA = vmm.stats();
    // into a fresh machine
    const rec2 = new StreamRecorder();
    const other = softwareVmmFor('start:\n  hlt\n', rec2);
    other.restore(snap);
    runToEnd(other);
    expect(rec2.lines).toEqual(a);
    expect(other.consoleText).toBe(vmm.consoleText);
    expect(other.stats()).toEqual(statsA);
    // into the same machine, after it ran to the end
    const mark = rec.lines.length;
    vmm.restore(snap);
    runToEnd(vmm);
    expect(rec.lines.slice(mark)).toEqual(a);
  });

  it('restores a snapshot without memory when the caller restores memory itself (the timeline\'s way)', () => {
    const rec = new StreamRecorder();
    const vmm = softwareVmmFor(KERNEL, rec);
    vmm.run(7000);
    const snap = vmm.snapshot(false);
    expect(snap.memory).toBeNull();
    const memory = vmm.mem.bytes.slice();
    const at = rec.lines.length;
    runToEnd(vmm);
    const a = rec.lines.slice(at);
    const rec2 = new StreamRecorder();
    const other = softwareVmmFor(KERNEL, rec2);
    other.run(100); // some unrelated state, and warm caches, to be replaced
    rec2.lines.length = 0;
    other.mem.bytes.set(memory);
    other.restore(structuredClone(snap));
    runToEnd(other);
    expect(rec2.lines).toEqual(a);
  });

  it('stopping after every event and resuming gives the same stream as not stopping', () => {
    const rec = new StreamRecorder(true);
    const vmm = softwareVmmFor(KERNEL, rec);
    const r = runToEnd(vmm);
    expect(r.reason).toBe('halted');
    expect(rec.lines).toEqual(reference.lines);
    expect(vmm.consoleText).toBe(reference.console);
  });

  it('yields right after each event: a run that yields has emitted an event', () => {
    const rec = new StreamRecorder(true);
    const vmm = softwareVmmFor(KERNEL, rec);
    let yields = 0;
    for (;;) {
      vmm.cpu.yieldRequested = false;
      const before = rec.lines.length;
      const r = vmm.run(1_000_000);
      if (r.reason !== 'yield') break;
      yields++;
      expect(rec.lines.length).toBeGreaterThan(before);
    }
    expect(yields).toBeGreaterThan(1000);
  });

  it('gives the same stream whatever the run(n) split points (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 6 }), fc.boolean(), (splits, yielding) => {
        const rec = new StreamRecorder(yielding);
        const vmm = softwareVmmFor(KERNEL, rec);
        for (const n of splits) {
          let left = n;
          while (left > 0) {
            vmm.cpu.yieldRequested = false;
            const r = vmm.run(left);
            left -= r.instructions;
            if (r.reason !== 'yield' && r.reason !== 'limit') break;
            if (r.reason === 'limit') break;
          }
        }
        runToEnd(vmm);
        expect(rec.lines).toEqual(reference.lines);
      }),
      { numRuns: 8, seed: 20051 },
    );
  });
});

describe('SW_TRAP payloads', () => {
  it('names the emulated instruction and the virtual CPL; SW_RESUME the real and virtual CPL', () => {
    const rec = new StreamRecorder(false, true);
    runToEnd(softwareVmmFor('start:\n  mov eax, cr0\n  cli\n  hlt\n', rec));
    const traps = rec.records.filter((x) => x.type === 'sw-trap');
    expect(traps.map((x) => x.emulated)).toEqual(['MOV from CR', 'CLI', 'HLT']);
    expect(traps.every((x) => x.vector === 13 && x.errorCode === 0 && x.guestCpl === 0 && x.vmmCycles === 2030)).toBe(true);
    expect(traps.map((x) => x.guestEip)).toEqual(['0x00010000', '0x00010003', '0x00010004']);
    const resumes = rec.records.filter((x) => x.type === 'sw-resume');
    expect(resumes.map((x) => x.guestEip)).toEqual(['0x00010003', '0x00010004', '0x00010005']);
    expect(resumes.every((x) => x.cpl === 1 && x.guestCpl === 0 && x.reflected === null)).toBe(true);
    expect(EmulatedInsn.HLT).toBe(2);
  });
});
