import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assemble } from '../x86/asm/index.ts';
import { PROGRAM_BASE } from '../machine/layout.ts';
import { parseLabHeader } from '../lab/header.ts';
import { runLab } from '../lab/run.ts';
import { JsonSink, type TraceRecord } from '../trace/json.ts';
import { getCpuModel } from '../cpu-models/index.ts';
import { SCENARIOS, getScenario, loadScenarioSource, withMode, withParameter } from './index.ts';
import { SCENARIO_SOURCES } from './sources.generated.ts';
import { GENERATED_MODULE, SOURCE_DIRECTORY, renderSourcesModule } from './generate.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CPUS = ['xeon-lv', 'xeon-5100', 'nehalem', 'modern'] as const;
type CpuId = (typeof CPUS)[number];
const EPT_CPUS: readonly CpuId[] = ['nehalem', 'modern'];
const SHADOW_CPUS: readonly CpuId[] = ['xeon-lv', 'xeon-5100'];

// ------------------------------------------------------------------------------------ helpers

interface Run {
  end: TraceRecord;
  records: TraceRecord[];
  console: string;
  exits: TraceRecord[];
  symbols: Record<string, number>;
}

const cache = new Map<string, Run>();

/** Runs a program (memoised: runs are deterministic) and collects its trace. */
function run(source: string, cpu: CpuId, maxSteps = 20_000_000): Run {
  const key = `${cpu}\n${maxSteps}\n${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const asm = assemble(source, { origin: PROGRAM_BASE });
  if (!asm.ok) throw new Error(`assembly failed: ${JSON.stringify(asm.errors[0])}`);
  const records: TraceRecord[] = [];
  const r = runLab(source, { cpu, maxSteps, trace: new JsonSink((rec) => records.push(rec)) });
  if (!r.ok) throw new Error(`runLab failed: ${JSON.stringify(r.errors[0])}`);
  const out: Run = {
    end: r.end,
    records,
    console: records.filter((x) => x.type === 'console').map((x) => x.text as string).join(''),
    exits: records.filter((x) => x.type === 'vmexit'),
    symbols: asm.symbols,
  };
  cache.set(key, out);
  return out;
}

function source(id: string): string {
  return loadScenarioSource(id)!;
}
function runScenario(id: string, cpu: CpuId): Run {
  return run(source(id), cpu);
}
/** The value of an `equ` constant, as the assembler computed it. */
function constant(r: Run, name: string): number {
  const v = r.symbols[name];
  if (v === undefined) throw new Error(`no symbol ${name}`);
  return v;
}
const eip = (rec: TraceRecord): number => Number(rec.guestEip);
const exitsWith = (r: Run, reason: number): TraceRecord[] => r.exits.filter((x) => x.reason === reason);
const inRange = (r: Run, from: string, to: string) => (rec: TraceRecord): boolean => eip(rec) >= constant(r, from) && eip(rec) < constant(r, to);
const deliveries = (r: Run, vector: number): TraceRecord[] => r.records.filter((x) => (x.type === 'interrupt' || x.type === 'exception') && x.vector === vector);

// ------------------------------------------------------------------------------------ the catalogue

describe('scenario catalogue', () => {
  const files = readdirSync(join(here, SOURCE_DIRECTORY)).filter((n) => n.endsWith('.s'));

  it('has unique ids, and every entry names an embedded program', () => {
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
    for (const s of SCENARIOS) expect(SCENARIO_SOURCES[s.file], s.id).toBeTypeOf('string');
  });

  it('catalogues every program in guest/', () => {
    const catalogued = new Set(SCENARIOS.map((s) => s.file));
    for (const f of files) expect(catalogued.has(f), f).toBe(true);
  });

  it('embeds exactly the .s files (run `npx tsx src/core/scenarios/generate.ts` after editing one)', () => {
    const texts = files.map((name) => ({ name, text: readFileSync(join(here, SOURCE_DIRECTORY, name), 'utf8') }));
    expect(readFileSync(join(here, GENERATED_MODULE), 'utf8')).toBe(renderSourcesModule(texts));
    expect(Object.keys(SCENARIO_SOURCES).sort()).toEqual([...files].sort());
    for (const { name, text } of texts) expect(SCENARIO_SOURCES[name], name).toBe(text);
  });

  it('escapes backticks, backslashes and ${ in the generated module', () => {
    const text = 'db "`a` \\ ${x}"\n';
    const module = renderSourcesModule([{ name: 'x.s', text }]);
    const body = module.slice(module.indexOf(': `') + 2, module.lastIndexOf('`') + 1);
    expect(new Function(`return ${body};`)()).toBe(text);
  });

  it('loads a program with its header set to the entry mode', () => {
    for (const s of SCENARIOS) {
      const h = parseLabHeader(loadScenarioSource(s.id)!);
      expect(h.ok && h.header.mode, s.id).toBe(s.mode);
    }
    expect(loadScenarioSource('no-such-scenario')).toBeUndefined();
    expect(getScenario('kernel-bare')?.file).toBe('kernel.s');
    expect(getScenario('no-such-scenario')).toBeUndefined();
    expect(source('kernel-bare')).toBe(withMode(SCENARIO_SOURCES['kernel.s'], 'bare'));
    expect(withMode('nop\n', 'bare')).toBe('; @mode bare\nnop\n');
  });

  it('changes parameters in place, and refuses unknown ones', () => {
    const k = source('kernel');
    const changed = withParameter(k, 'TICKS_TO_RUN', 7)!;
    expect(changed).toMatch(/^TICKS_TO_RUN\s+equ 7\s+; timer ticks/m);
    expect(withParameter(k, 'NO_SUCH_PARAMETER', 1)).toBeUndefined();
  });

  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s assembles and documents itself', (_id, s) => {
    const text = source(s.id);
    const asm = assemble(text, { origin: PROGRAM_BASE });
    expect(asm.ok ? [] : asm.errors).toEqual([]);
    // a header block of comments that names the file and explains it
    const head = text.split('\n').slice(0, 12).join('\n');
    expect(head).toContain(s.file);
    expect(head.split('\n').filter((l) => l.startsWith(';')).length).toBeGreaterThanOrEqual(8);
  });
});

// ------------------------------------------------------------------------------------ every program, every CPU model

describe.each(CPUS)('on %s', (cpu) => {
  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s ends as documented', (_id, s) => {
    const r = runScenario(s.id, cpu);
    expect(r.end.reason, r.console).toBe(s.end);
    expect(r.end.mode).toBe(s.mode);
  });

  it.each(SCENARIOS.filter((s) => s.portable && s.mode === 'guest').map((s) => [s.id, s] as const))(
    '%s behaves the same on the bare machine',
    (_id, s) => {
      const guest = runScenario(s.id, cpu);
      const bare = run(withMode(source(s.id), 'bare'), cpu);
      expect(bare.end.reason).toBe(s.end);
      expect(bare.console).toBe(guest.console);
      expect(bare.exits).toEqual([]);
    },
  );
});

// ------------------------------------------------------------------------------------ the kernel

describe('kernel.s', () => {
  const ringThreeLines = [
    '[ring 3] hello from user mode\n',
    '[ring 3] CS = 0x1B: CPL 3, system calls through INT 0x80\n',
    '[ring 3] ticks = 1\n',
    '[ring 3] ticks = 2\n',
    '[ring 3] ticks = 3\n',
    '[ring 3] done, calling exit\n',
  ];

  it.each(CPUS.flatMap((cpu) => [['kernel', cpu], ['kernel-bare', cpu]] as const))('%s on %s: banner, ring-3 lines, timer ticks, system calls', (id, cpu) => {
    const r = runScenario(id, cpu);
    const ticks = constant(r, 'TICKS_TO_RUN');
    const sleeps = constant(r, 'USER_SLEEPS');
    expect(r.console.startsWith('VT Lab kernel booting\n')).toBe(true);
    expect(r.console).toContain('  paging on: 8 MiB identity-mapped with 4-KiB pages, CR0.WP = 1\n');
    expect(r.console).toContain('  4-MiB page at 0xC0000000 aliases physical 0: OK\n');
    let at = 0;
    for (const line of ringThreeLines) {
      const k = r.console.indexOf(line, at);
      expect(k, line).toBeGreaterThanOrEqual(at);
      at = k + line.length;
    }
    // 2 writes, USER_SLEEPS x (sleep, get ticks, write), 1 write, exit
    const syscalls = 2 + 3 * sleeps + 2;
    expect(r.console).toContain(`summary: timer ticks = ${ticks}, system calls = ${syscalls}, sleep HLTs = ${sleeps}\n`);
    expect(r.console.endsWith('kernel halted\n')).toBe(true);

    const timer = deliveries(r, 0x20);
    expect(timer.length).toBeGreaterThanOrEqual(ticks);
    expect(timer.every((x) => x.eventType === 'external-interrupt')).toBe(true);
    const sys = deliveries(r, 0x80);
    expect(sys.length).toBe(syscalls);
    expect(sys.every((x) => x.eventType === 'software-interrupt' && x.cplBefore === 3 && x.cplAfter === 0)).toBe(true);
    expect(r.records.some((x) => x.type === 'iret' && x.cplBefore === 0 && x.cplAfter === 3)).toBe(true);
    // it idles: one HLT per timer tick or so, never a busy wait
    expect(r.records.filter((x) => x.type === 'halt').length).toBeGreaterThanOrEqual(ticks);
    expect(r.end.instructions as number).toBeLessThan(100_000);
    // paging is on, with the kernel's own page directory, as the guest sees it
    const regs = r.end.registers as Record<string, string>;
    expect((Number(regs.cr0) & 0x80010000) >>> 0).toBe(0x80010000);
    expect(regs.cr3).toBe('0x00030000');
    expect(Number(regs.cr4) & 0x10).toBe(0x10);
  });

  it.each(CPUS)('shows VM exits for I/O, HLT and interrupt injection as a guest on %s', (cpu) => {
    const r = runScenario('kernel', cpu);
    expect(exitsWith(r, 30).length).toBeGreaterThan(500);
    expect(exitsWith(r, 12).length).toBeGreaterThanOrEqual(constant(r, 'TICKS_TO_RUN'));
    expect(r.records.filter((x) => x.type === 'vmentry' && x.injected === '0x80000020').length).toBeGreaterThanOrEqual(constant(r, 'TICKS_TO_RUN'));
    if (SHADOW_CPUS.includes(cpu)) {
      expect(exitsWith(r, 28).length).toBeGreaterThanOrEqual(3); // CR4.PSE, CR3, CR0.PG
      expect(exitsWith(r, 0).length).toBeGreaterThan(0); // shadow fills
      expect(exitsWith(r, 48)).toEqual([]);
    } else {
      expect(exitsWith(r, 48).length).toBeGreaterThan(0);
      expect(exitsWith(r, 0)).toEqual([]);
    }
  });

  it.each(CPUS)('catches a ring-3 fault and prints its vector on %s (USER_FAULT_DEMO = 1)', (cpu) => {
    const r = run(withParameter(source('kernel'), 'USER_FAULT_DEMO', 1)!, cpu);
    expect(r.end.reason).toBe('halted');
    expect(r.console).toMatch(/EXCEPTION vector 13, error code 0x00000000 at EIP 0x[0-9A-F]{8}\n$/);
    const gp = deliveries(r, 13);
    expect(gp.length).toBe(1);
    expect(gp[0].cplBefore).toBe(3);
  });
});

// ------------------------------------------------------------------------------------ workloads

describe('cpu-bound.s', () => {
  it.each(CPUS)('runs its loop without a single VM exit on %s', (cpu) => {
    const r = runScenario('cpu-bound', cpu);
    expect(r.exits.filter(inRange(r, 'loop_begin', 'loop_end'))).toEqual([]);
    expect(r.end.instructions as number).toBeGreaterThan(constant(r, 'ITERATIONS') * 11);
    expect(r.exits.length).toBeLessThan(60); // set-up and printing only
    expect(r.console).toBe('checksum 0x493B2A76\n');
  });
});

describe('syscall-heavy.s', () => {
  it.each(CPUS)('makes every system call without a VM exit on %s', (cpu) => {
    const r = runScenario('syscall-heavy', cpu);
    const n = constant(r, 'SYSCALLS');
    const sys = deliveries(r, 0x80);
    expect(sys.length).toBe(n + 1); // the loop, then exit
    expect(sys.every((x) => x.cplBefore === 3 && x.cplAfter === 0)).toBe(true);
    expect(r.records.filter((x) => x.type === 'iret' && x.cplAfter === 3).length).toBe(n + 1);
    // after the first few calls (first touches of the kernel's pages), nothing exits until the last one
    const from = sys[5].cycle as number;
    const to = sys[n].cycle as number;
    expect(r.exits.filter((x) => (x.cycle as number) > from && (x.cycle as number) < to)).toEqual([]);
    expect(r.console).toBe(`${n} system calls from ring 3\n`);
  });
});

describe('io-heavy.s', () => {
  it.each(CPUS)('exits on every port access on %s', (cpu) => {
    const r = runScenario('io-heavy', cpu);
    const rounds = constant(r, 'ROUNDS');
    const io = exitsWith(r, 30);
    expect(io.length).toBeGreaterThanOrEqual(7 * rounds);
    expect(io.filter(inRange(r, 'loop_begin', 'loop_end')).length).toBeGreaterThanOrEqual(5 * rounds);
    // the qualification names the port: PIT channel 0 (0x40), mode port (0x43), UART scratch (0x3FF)
    const ports = new Set(io.map((x) => Number(x.qualification) >>> 16));
    for (const p of [0x40, 0x43, 0x3f8, 0x3fd, 0x3ff]) expect(ports.has(p), p.toString(16)).toBe(true);
    // one REP OUTSB: a single exit with the string (bit 4) and REP (bit 5) bits, for all 16 bytes
    const rep = io.filter((x) => (Number(x.qualification) & 0x30) === 0x30);
    expect(rep.length).toBe(1);
    expect(r.console.endsWith('I/O rounds done\n')).toBe(true);
    expect(r.console.split('.').length - 1).toBe(rounds);
  });
});

describe('pagefault-heavy.s', () => {
  it.each(SHADOW_CPUS)('takes #PF, INVLPG and CR3 exits under shadow paging on %s', (cpu) => {
    const r = runScenario('pagefault-heavy', cpu);
    const pages = constant(r, 'PAGES');
    const rounds = constant(r, 'ROUNDS');
    expect(exitsWith(r, 0).length).toBeGreaterThanOrEqual(2 * pages * (rounds + 1)); // reflected + refilled
    expect(exitsWith(r, 14).length).toBe(pages * rounds);
    expect(exitsWith(r, 28).filter(inRange(r, 'workload_begin', 'workload_end')).length).toBe(2 * rounds); // MOV from + to CR3
    expect(r.records.filter((x) => x.type === 'vmentry' && x.injected === '0x80000B0E').length).toBe(pages * (rounds + 1));
    expect(exitsWith(r, 48)).toEqual([]);
  });

  it.each(EPT_CPUS)('keeps page faults, INVLPG and CR3 inside the guest with EPT on %s', (cpu) => {
    const r = runScenario('pagefault-heavy', cpu);
    const pages = constant(r, 'PAGES');
    expect(exitsWith(r, 0)).toEqual([]);
    expect(exitsWith(r, 14)).toEqual([]);
    expect(exitsWith(r, 28).filter((x) => eip(x) >= constant(r, 'workload_begin'))).toEqual([]);
    expect(exitsWith(r, 48).length).toBeGreaterThanOrEqual(pages); // first touch of each page
    // page faults are delivered natively, straight through the guest's IDT
    expect(deliveries(r, 14).length).toBe(pages * (constant(r, 'ROUNDS') + 1));
  });

  it.each(CPUS)('hands every fault to the guest demand pager and keeps the data on %s', (cpu) => {
    const r = runScenario('pagefault-heavy', cpu);
    const pages = constant(r, 'PAGES');
    const rounds = constant(r, 'ROUNDS');
    expect(r.console).toBe(`guest page faults handled: ${pages * (rounds + 1)}, checksum ${pages * rounds}\n`);
  });
});

// ------------------------------------------------------------------------------------ lessons

describe('cpuid.s', () => {
  it.each(CPUS)('sees the VMM\'s CPUID on %s and the processor\'s own when bare', (cpu) => {
    const r = runScenario('cpuid', cpu);
    expect(exitsWith(r, 10).length).toBe(3);
    expect(r.console).toContain('CPUID.0 vendor: GenuineIntel');
    expect(r.console).toContain('CPUID.1:ECX.VMX[5] = 0, CPUID.1:ECX.hypervisor[31] = 1\n');
    expect(r.console).toContain('CPUID.40000000h hypervisor: VTLabVMM    \n');
    const bare = run(withMode(source('cpuid'), 'bare'), cpu);
    expect(bare.console).toContain('CPUID.1:ECX.VMX[5] = 1, CPUID.1:ECX.hypervisor[31] = 0\n');
    expect(bare.console).not.toContain('40000000h');
    const sig = getCpuModel(cpu)!.cpuid.find((l) => l.leaf === 1)!.eax;
    expect(r.console).toContain(`CPUID.1 signature 0x${sig.toString(16).toUpperCase().padStart(8, '0')}\n`);
  });
});

describe('hlt-idle.s', () => {
  it.each(CPUS)('sleeps in HLT and is woken by injected timer interrupts on %s', (cpu) => {
    const r = runScenario('hlt-idle', cpu);
    const ticks = constant(r, 'TICKS');
    expect(exitsWith(r, 12).length).toBe(ticks + 1); // one per tick, and the final CLI; HLT
    expect(deliveries(r, 0x20).length).toBe(ticks);
    expect(r.end.instructions as number).toBeLessThan(2000);
    expect(r.console).toBe('slept through 10 timer ticks with HLT\n');
  });
});

describe('uart-hello.s', () => {
  it.each(CPUS)('prints through the emulated UART, about two exits per character, on %s', (cpu) => {
    const r = runScenario('uart-hello', cpu);
    const text = 'Hello from the guest, through an emulated 16550 UART!\n';
    expect(r.console).toBe(text);
    const io = exitsWith(r, 30);
    expect(io.length).toBe(2 * text.length + 6);
    expect(io.filter((x) => Number(x.qualification) >>> 16 === 0x3fd).every((x) => (Number(x.qualification) & 8) === 8)).toBe(true); // LSR: IN
  });
});

describe('timer-interrupt.s', () => {
  it.each(CPUS)('gets timer interrupts while spinning on %s', (cpu) => {
    const r = runScenario('timer-interrupt', cpu);
    const ticks = constant(r, 'TICKS');
    expect(deliveries(r, 0x20).length).toBe(ticks);
    // the VMM regains control through the preemption timer or the host timer's interrupt
    const preemption = getCpuModel(cpu)!.features['preemption-timer'];
    const deadlineExits = exitsWith(r, preemption ? 52 : 1);
    expect(deadlineExits.length).toBeGreaterThanOrEqual(ticks);
    expect(exitsWith(r, preemption ? 1 : 52)).toEqual([]);
    expect(exitsWith(r, 12).length).toBe(1); // only the final HLT: the guest never idles
    expect(r.console).toBe('took 5 timer interrupts while spinning\n');
  });
});

describe('syscall-ring3.s', () => {
  it.each(CPUS)('goes to ring 3 and back without a VM exit on %s', (cpu) => {
    const r = runScenario('syscall-ring3', cpu);
    expect(r.console).toBe('ring 0: dropping to ring 3 with IRET\nring 3: hello, via INT 0x80\nring 0: the task called exit\n');
    const sys = deliveries(r, 0x80);
    expect(sys.map((x) => [x.cplBefore, x.cplAfter])).toEqual([[3, 0], [3, 0]]);
    const kinds = r.records.filter((x) => ['iret', 'interrupt', 'vmexit'].includes(x.type)).map((x) => x.type);
    const firstInt = kinds.indexOf('interrupt');
    expect(kinds[firstInt - 1]).toBe('iret'); // IRET to ring 3 then INT 0x80, nothing between
  });

  it.each(CPUS)('triple-faults with a DPL-0 gate on %s', (cpu) => {
    const r = run(withParameter(source('syscall-ring3'), 'GATE_DPL', 0)!, cpu);
    expect(r.end.reason).toBe('triple-fault');
    expect(exitsWith(r, 2).length).toBe(1);
  });
});

describe('cr3-write.s', () => {
  it.each(CPUS)('switches address spaces on %s', (cpu) => {
    const r = runScenario('cr3-write', cpu);
    expect(r.console).toBe('0xC0000000 holds AAAA in process A and BBBB in process B\n');
    const switches = constant(r, 'SWITCHES');
    const cr3Writes = r.records.filter((x) => x.type === 'cr-write' && x.cr === 3);
    if (SHADOW_CPUS.includes(cpu)) {
      // every MOV to CR3 (2 + 2 per switch) and the final MOV from CR3
      expect(exitsWith(r, 28).filter((x) => Number(x.qualification) === 3 || Number(x.qualification) === 0x13).length).toBe(2 + 2 * switches + 1);
      expect(exitsWith(r, 0).length).toBeGreaterThan(2 * switches); // the shadow refills after each switch
    } else {
      // once paging is on, CR3 is the guest's: the only CR exits are the set-up ones, and the CR3
      // writes retire in the guest
      expect(exitsWith(r, 28).filter((x) => eip(x) >= constant(r, 'paging_on'))).toEqual([]);
      expect(cr3Writes.filter((x) => x.vmx === 'non-root').length).toBeGreaterThanOrEqual(1 + 2 * switches);
    }
  });
});

describe('ept-violation.s', () => {
  it.each(EPT_CPUS)('takes one EPT violation per fresh page on %s', (cpu) => {
    const r = runScenario('ept-violation', cpu);
    const pages = constant(r, 'PAGES');
    const first = exitsWith(r, 48).filter(inRange(r, 'first_touch', 'first_touch_end'));
    expect(first.length).toBe(pages);
    // qualification bit 1: a data write; bit 7: the guest-linear address is valid
    expect(first.every((x) => (Number(x.qualification) & 0x82) === 0x82)).toBe(true);
    expect(r.exits.filter(inRange(r, 'second_touch', 'second_touch_end'))).toEqual([]);
    expect(r.console).toBe('16 fresh pages written, then read back\n');
  });

  it.each(SHADOW_CPUS)('has no EPT on %s', (cpu) => {
    const r = runScenario('ept-violation', cpu);
    expect(exitsWith(r, 48)).toEqual([]);
    expect(r.exits.filter(inRange(r, 'first_touch', 'second_touch_end'))).toEqual([]);
  });

  // nehalem is left out: its VMM identity map for paging-off guests stops at the end of guest RAM, so
  // the access becomes a guest #PF (and a triple fault) instead of an EPT violation (see the report).
  it.each(['xeon-lv', 'xeon-5100', 'modern'] as const)('stops the VM when the guest touches memory it does not have, on %s', (cpu) => {
    const r = run(withParameter(source('ept-violation'), 'TOUCH_BEYOND_RAM', 1)!, cpu);
    expect(r.end.reason).toBe('vm-crash');
    expect(r.records.some((x) => x.type === 'log' && /0x900000/.test(x.text as string))).toBe(true);
  });
});

describe('triple-fault.s', () => {
  it.each(CPUS)('ends in a triple-fault VM exit on %s, and a shutdown when bare', (cpu) => {
    const r = runScenario('triple-fault', cpu);
    expect(exitsWith(r, 2).length).toBe(1);
    expect(r.exits[r.exits.length - 1].reason).toBe(2);
    const bare = run(withMode(source('triple-fault'), 'bare'), cpu);
    expect(bare.end.reason).toBe('triple-fault');
    expect(bare.records.filter((x) => x.type === 'shutdown').length).toBe(1);
  });
});

describe('the ring a VM exit leaves from (vmexit guestCpl)', () => {
  /**
   * Follows the guest's CPL through the trace (VM entries, and in VMX non-root operation event deliveries, IRETs and
   * far transfers) and checks each VM exit against it: the exit reports the ring the guest was in.
   */
  function checkExitRings(r: Run): number[] {
    let cpl = -1;
    const seen: number[] = [];
    for (const x of r.records) {
      if (x.type === 'vmentry') cpl = x.guestCpl as number;
      else if ((x.type === 'interrupt' || x.type === 'exception' || x.type === 'iret' || x.type === 'far-transfer') && x.vmx === 'non-root') cpl = x.cplAfter as number;
      else if (x.type === 'vmexit' && x.entryFailure !== true) {
        expect(x.guestCpl, `exit at cycle ${x.cycle}`).toBe(cpl);
        seen.push(x.guestCpl as number);
      }
    }
    return seen;
  }
  it.each(CPUS)('kernel on %s: after an HLT exit the VMM lets the vCPU sleep — the halt is recorded in VMX root, as the vCPU\'s', (cpu) => {
    const r = runScenario('kernel', cpu);
    const halts = r.records.filter((x) => x.type === 'halt');
    expect(halts.length).toBe(exitsWith(r, 12).length);
    expect(halts.every((x) => x.vmx === 'root' && x.vcpu === true)).toBe(true);
  });
  it.each(CPUS)('kernel on %s: exits from the guest kernel say ring 0, exits while its ring-3 task runs say ring 3', (cpu) => {
    const seen = checkExitRings(runScenario('kernel', cpu));
    expect(seen).toContain(0);
    expect(seen).toContain(3);
  });
  it.each(CPUS)('real-mode-guest on %s: every exit of the virtual-8086 guest leaves ring 3', (cpu) => {
    const seen = checkExitRings(runScenario('real-mode-guest', cpu));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((c) => c === 3)).toBe(true);
  });
});

describe('real-mode-guest.s: a virtual-8086 guest (SDM Vol. 3C §26.3.1.2, Vol. 3A Ch. 20)', () => {
  it.each(CPUS)('enters 16-bit code with RFLAGS.VM = 1, forwards its OUTs, and catches its HLT as #GP(0) on %s', (cpu) => {
    const r = runScenario('real-mode-guest', cpu);
    const message = '  guest: hello from real-mode code, running in virtual-8086 mode at CPL 3\n';
    expect(r.records.some((x) => x.type === 'vmfail')).toBe(false);
    expect(r.records.filter((x) => x.type === 'vmentry').map((x) => x.instruction)).toEqual(['VMLAUNCH', ...Array(message.length).fill('VMRESUME')]);
    // One I/O exit (30) per byte of the message, each OUT DX, AL of length 1; then the HLT's #GP: exit 0, vector 13.
    expect(r.exits.map((x) => x.reason)).toEqual([...Array(message.length).fill(30), 0]);
    expect(r.exits.slice(0, -1).every((x) => x.instructionLength === 1)).toBe(true);
    const last = r.exits[r.exits.length - 1];
    expect(Number(last.interruptionInfo)).toBe(0x80000b0d); // valid, hardware exception, error code, #GP
    expect(r.console).toContain(message);
    expect(r.console).toMatch(/VM exit 0: exception 13 at guest CS:IP [0-9A-F]{4}:0012\n/);
    expect(r.console).toContain(`I/O exits forwarded to the UART: ${message.length}\n`);
    expect(r.end.reason).toBe('halted');
    expect(r.end.vmx).toBe('root');
  });
});

describe('bare-hypervisor.s', () => {
  it.each(CPUS)('launches its guest and handles a CPUID exit, then a HLT exit, on %s', (cpu) => {
    const r = runScenario('bare-hypervisor', cpu);
    expect(r.exits.map((x) => x.reason)).toEqual([10, 12]);
    expect(r.exits[0].instructionLength).toBe(2);
    expect(r.exits[1].instructionLength).toBe(1);
    expect(eip(r.exits[1])).toBe(eip(r.exits[0]) + 2 + 18); // CPUID, then three 6-byte stores
    const entries = r.records.filter((x) => x.type === 'vmentry').map((x) => x.instruction);
    expect(entries).toEqual(['VMLAUNCH', 'VMRESUME']);
    expect(r.records.some((x) => x.type === 'vmfail')).toBe(false);
    const vmx = r.records.filter((x) => x.type === 'vmx').map((x) => x.instruction);
    expect(vmx.slice(0, 3)).toEqual(['VMXON', 'VMCLEAR', 'VMPTRLD']);
    expect(r.console).toContain('VMXON ok: in VMX root operation\n');
    expect(r.console).toContain('VM exit: reason 10 at guest EIP');
    expect(r.console).toContain('  HLT: the guest is done. It saw CPUID vendor: VTLab-TinyHV\n');
    expect(r.end.vmx).toBe('root');
  });
});
