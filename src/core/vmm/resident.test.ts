/**
 * A VM exit taken for the TypeScript VMM leaves its host-state load pending, and the VMRESUME that follows skips
 * the guest-state load when the registers already hold that state (vmx/exit.ts `deferHostState`,
 * `residentGuestEntry`). That is an optimisation of the VM exit + entry round trip and must change nothing a user,
 * a trace or the SDM can see. Here every shipped guest program, random guest code and a multi-VM host run twice —
 * eager exits and deferred ones — and must agree on every trace record, every run result and the whole machine
 * (processors, VMCS regions and all memory, devices, VMs) at every point the run stops. The TLB is compared by
 * what it holds per address space: its internal generation numbers may differ.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { guestCostsFor } from '../cost/model.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import { SCENARIOS, loadScenarioSource } from '../scenarios/index.ts';
import { JsonSink } from '../trace/json.ts';
import type { TraceSink } from '../trace/sink.ts';
import { assemble } from '../x86/asm/index.ts';
import type { TlbState } from '../x86/cpu.ts';
import { GuestLab } from './guest-lab.ts';
import { Hypervisor, type HypervisorSnapshot } from './hypervisor.ts';
import { GUEST_AREA_START } from './host.ts';
import { fuzzRuns, fuzzTimeout } from '../../test-support/fuzz-budget.ts';
import { hexBytes } from '../../test-support/core-fuzz.ts';
import { guestBytes, guestPrologue, guestRegValue } from '../../test-support/guest-fuzz.ts';

const MODELS = ['xeon-lv', 'xeon-5100', 'nehalem', 'modern'];

/** The TLB by meaning: per address space, the valid entries (which stamp numbers them is an implementation detail). */
function tlbContents(t: TlbState): string {
  const asidOf = new Map<number, number>();
  for (const [asid, stamp] of t.stampOf) asidOf.set(stamp, asid);
  const valid: string[] = [];
  for (let i = 0; i < t.tag.length; i++) {
    const asid = t.tag[i] === -1 ? undefined : asidOf.get(t.stamp[i]);
    if (asid !== undefined) valid.push(`${i}:${asid}:${t.tag[i]}:${t.pfn[i]}:${t.perm[i]}`);
  }
  return `asid ${t.asid} globals ${t.globals} ${valid.join(' ')}`;
}

/** Every leaf of a snapshot by path ("cpus[0].vmx.proc"), typed arrays and maps included. */
function leaves(x: unknown, path: string, out: Map<string, string>): void {
  if (ArrayBuffer.isView(x)) {
    const a = x as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) out.set(`${path}[${i}]`, String(a[i]));
  } else if (x instanceof Map) for (const [k, v] of x) leaves(v, `${path}{${String(k)}}`, out);
  else if (Array.isArray(x)) x.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) leaves(v, path === '' ? k : `${path}.${k}`, out);
  else out.set(path, String(x));
}

/** The whole machine: the snapshot without memory (the TLB by contents) as text, and the memory. */
function machine(h: Hypervisor): { snapshot: object; text: string; memory: Uint8Array } {
  const s: HypervisorSnapshot = h.snapshot(true);
  const cpus = s.cpus.map((c) => ({ ...c, tlb: c.tlb === undefined ? undefined : tlbContents(c.tlb) }));
  const snapshot = { ...s, memory: null, cpus };
  const text = JSON.stringify(snapshot, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v instanceof Map ? [...v] : v));
  return { snapshot, text, memory: s.memory! };
}

function expectSameMachine(eager: Hypervisor, deferred: Hypervisor, where: string): void {
  const a = machine(eager);
  const b = machine(deferred);
  if (a.text !== b.text) {
    // Name the differing leaves rather than print two snapshots.
    const la = new Map<string, string>();
    const lb = new Map<string, string>();
    leaves(a.snapshot, '', la);
    leaves(b.snapshot, '', lb);
    const differ: string[] = [];
    for (const k of new Set([...la.keys(), ...lb.keys()])) if (la.get(k) !== lb.get(k)) differ.push(`${k}: eager ${la.get(k)}, deferred ${lb.get(k)}`);
    expect.fail(`machines differ (${where}):\n  ${differ.slice(0, 12).join('\n  ')}`);
  }
  expect(b.memory.length).toBe(a.memory.length);
  // One native comparison of the whole memory; the byte loop only names the first difference.
  if (Buffer.compare(a.memory, b.memory) !== 0) {
    for (let k = 0; k < a.memory.length; k++) {
      if (a.memory[k] !== b.memory[k]) expect.fail(`memory differs at 0x${k.toString(16)} (${where})`);
    }
  }
}

class Recorder implements TraceSink {
  readonly lines: string[] = [];
  private readonly json = new JsonSink((r) => this.lines.push(JSON.stringify(r)));
  emit(...a: Parameters<TraceSink['emit']>): void {
    this.json.emit(...a);
  }
  text(...a: Parameters<TraceSink['text']>): void {
    this.json.text(...a);
  }
}

/**
 * Builds the machine twice (eager exits, deferred ones), runs both to each stop — odd instruction counts land between
 * an exit and its entry as well as inside a guest — and compares run results, every trace record and the machine.
 */
function expectSameRuns<T extends { run(n: number): unknown }>(make: (defer: boolean, trace: Recorder) => T, hv: (x: T) => Hypervisor, stops: number[], where: string): [T, T] {
  const ta = new Recorder();
  const tb = new Recorder();
  const eager = make(false, ta);
  const deferred = make(true, tb);
  for (const n of stops) {
    expect(deferred.run(n), `${where}: run(${n})`).toEqual(eager.run(n));
    expect(tb.lines.length, `${where}: trace length after run(${n})`).toBe(ta.lines.length);
    for (let k = 0; k < ta.lines.length; k++) if (tb.lines[k] !== ta.lines[k]) expect(tb.lines[k], `${where}: trace record ${k}`).toBe(ta.lines[k]);
    expectSameMachine(hv(eager), hv(deferred), `${where} after run(${n})`);
  }
  return [eager, deferred];
}

const guestPrograms = SCENARIOS.filter((s) => s.mode === 'guest');

describe('deferred host state: the same run as eager VM exits', () => {
  const variants: Array<[string, Record<string, unknown> | undefined]> = [
    ['default controls', undefined],
    ['HLT not exiting', { hltExiting: false }],
    ['no EPT, RDTSC and INVLPG exiting', { ept: false, rdtscExiting: true, invlpgExiting: true }],
  ];
  // Every program on every model with the default controls; the other settings on a 2006 part and a Nehalem.
  const cases = guestPrograms.flatMap((s) =>
    MODELS.flatMap((m) => variants.filter(([vn]) => vn === 'default controls' || m === 'xeon-lv' || m === 'nehalem').map(([vn, v]) => [s.id, m, vn, v] as const)),
  );
  test.each(cases)(
    '%s on %s, %s: same trace, results and machine at every stop',
    (id, cpu, _vn, settings) => {
      const source = loadScenarioSource(id)!;
      const asm = assemble(source, { origin: PROGRAM_BASE });
      if (!asm.ok) throw new Error(`${id} does not assemble`);
      const model = toProcessorModel(getCpuModel(cpu)!);
      const make = (defer: boolean, trace: Recorder): GuestLab => {
        const lab = new GuestLab({ model, trace, deferHostState: defer, ...(settings !== undefined ? { settings } : {}) });
        lab.loadProgram(asm.bytes, asm.origin, asm.entry);
        return lab;
      };
      const [eager, deferred] = expectSameRuns(make, (lab) => lab.hv, [1, 2, 57, 3001, 300_000], `${id} ${cpu}`);
      expect(deferred.guestRegisters()).toEqual(eager.guestRegisters());
    },
    60_000,
  );

  // The short-way entry must refuse whenever the eager exit + entry would change a register the guest changed
  // without an exit: DR7 written with MOV-DR exiting off (with and without "load/save debug controls"), IA32_PAT
  // and IA32_EFER written through a pass-through MSR bitmap (with and without the load/save controls).
  const DEBUG_AND_MSRS = `; @mode guest
start:
  mov esi, 40
.loop:
  mov eax, esi
  and eax, 3
  shl eax, 16          ; DR7 R/W0 bits: a different value every pass
  or eax, 0x401
  mov dr7, eax
  xor eax, eax
  cpuid                ; a VM exit with the new DR7 in the registers
  mov ecx, 0x277       ; IA32_PAT: PA0 alternates between WB (6) and UC- (7)
  mov eax, esi
  and eax, 1
  or eax, 6
  xor edx, edx
  wrmsr
  cpuid
  mov ecx, 0xc0000080  ; IA32_EFER: NXE on and off
  rdmsr
  xor eax, 0x800
  wrmsr
  cpuid
  dec esi
  jnz .loop
  cli
  hlt
`;
  const DR = 1 << 23; // primary: MOV-DR exiting
  const controlVariants: Array<[string, Record<string, unknown>]> = [
    ['MOV DR and the MSRs not exiting', { msrPassthrough: [0x277, 0xc0000080], rawControls: { primary: { clear: DR } } }],
    ['... without "load debug controls" / "save debug controls"', { msrPassthrough: [0x277, 0xc0000080], rawControls: { primary: { clear: DR }, entry: { clear: 1 << 2 }, exit: { clear: 1 << 2 } } }],
    ['... with "save debug controls"', { msrPassthrough: [0x277, 0xc0000080], rawControls: { primary: { clear: DR }, exit: { set: 1 << 2 } } }],
    ['... with PAT and EFER loaded and saved', { msrPassthrough: [0x277, 0xc0000080], rawControls: { primary: { clear: DR }, entry: { set: (1 << 14) | (1 << 15) }, exit: { set: (1 << 18) | (1 << 19) | (1 << 20) | (1 << 21) } } }],
    ['... with PAT loaded, not saved', { msrPassthrough: [0x277, 0xc0000080], rawControls: { primary: { clear: DR }, entry: { set: 1 << 14 }, exit: { clear: 1 << 18 } } }],
    ['... with EFER loaded, not saved', { msrPassthrough: [0x277, 0xc0000080], rawControls: { primary: { clear: DR }, entry: { set: 1 << 15 }, exit: { clear: 1 << 20 } } }],
    ['... with the host PAT and EFER loaded on exit only', { msrPassthrough: [0x277, 0xc0000080], rawControls: { primary: { clear: DR }, entry: { clear: (1 << 14) | (1 << 15) }, exit: { set: (1 << 19) | (1 << 21) } } }],
  ];
  test.each(['nehalem', 'modern'].flatMap((cpu) => controlVariants.map(([name, settings]) => [cpu, name, settings] as const)))(
    'guest-written DR7, PAT and EFER on %s, %s: same trace and machine',
    (cpu, _name, settings) => {
      const asm = assemble(DEBUG_AND_MSRS, { origin: PROGRAM_BASE });
      if (!asm.ok) throw new Error(asm.errors.map((e) => e.message).join('; '));
      const model = toProcessorModel(getCpuModel(cpu)!);
      const [eager] = expectSameRuns(
        (defer, trace) => {
          const lab = new GuestLab({ model, trace, deferHostState: defer, settings });
          lab.loadProgram(asm.bytes, asm.origin, asm.entry);
          return lab;
        },
        (lab) => lab.hv,
        [7, 100, 1000, 100_000],
        cpu,
      );
      // The program ran (it is not a VM-entry failure on these controls): 40 passes of three CPUID exits.
      expect(eager.vm.stats.count[10], 'CPUID exits').toBe(120);
    },
  );

  test('several VMs on two processors (scheduling, injection, idle): same trace and machine', () => {
    for (const cpu of MODELS) {
      const model = toProcessorModel(getCpuModel(cpu)!);
      const programs = ['kernel', 'io-heavy', 'cpuid', 'hlt-idle', 'timer-interrupt'].map((id) => {
        const asm = assemble(loadScenarioSource(id)!, { origin: PROGRAM_BASE });
        if (!asm.ok) throw new Error(id);
        return asm;
      });
      const make = (defer: boolean, trace: Recorder): Hypervisor => {
        const h = new Hypervisor(model, { cpus: 2, hostMemoryBytes: GUEST_AREA_START + programs.length * 4 * 1048576, trace, costs: guestCostsFor(cpu), deferHostState: defer, sliceCycles: 20_000 });
        programs.forEach((asm, k) => h.createVm({ name: `vm${k}`, memoryBytes: 4 * 1048576, vcpus: 1 }, asm.entry).mem.load(asm.origin, asm.bytes));
        h.cache.clear();
        return h;
      };
      expectSameRuns(make, (h) => h, [5, 333, 10_000, 100_000, 1_000_000], cpu);
    }
  }, 120_000);
});

describe.each(['xeon-lv', 'nehalem', 'modern'])('deferred host state under random guest code on %s', (cpu) => {
  const model = toProcessorModel(getCpuModel(cpu)!);
  const GUEST = 4 * 1048576;
  const LOAD = 0x10000;
  const make = (defer: boolean): Hypervisor => {
    const h = new Hypervisor(model, { hostMemoryBytes: GUEST_AREA_START + GUEST, costs: guestCostsFor(cpu), deferHostState: defer });
    h.createVm({ name: 'fuzz', memoryBytes: GUEST, vcpus: 1 }, LOAD);
    return h;
  };
  const eager = make(false);
  const deferred = make(true);
  const pristine = eager.snapshot();
  const runs = fuzzRuns(150);
  test(`the same outcome and machine as eager VM exits (${runs} programs)`, () => {
    fc.assert(
      fc.property(fc.array(guestRegValue, { minLength: 7, maxLength: 7 }), guestBytes, fc.integer({ min: 1, max: 300 }), (regs, code, cut) => {
        const prog = Uint8Array.from([...guestPrologue(regs), ...code, 0xf4]);
        const where = `${cpu}: ${hexBytes(prog)}`;
        for (const h of [eager, deferred]) {
          h.restore(pristine);
          h.vms[0].mem.load(LOAD, prog);
        }
        expect(deferred.run(cut), where).toBe(eager.run(cut));
        expectSameMachine(eager, deferred, `${where} after run(${cut})`);
        expect(deferred.run(500), where).toBe(eager.run(500));
        expectSameMachine(eager, deferred, `${where} after run(500)`);
      }),
      { numRuns: runs },
    );
  }, fuzzTimeout(runs, 1500));
});
