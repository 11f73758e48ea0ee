/**
 * Test support: run a small program on the bare machine (src/core/machine/bare.ts) and look at the result.
 *
 *   const r = runBare(`mov eax, 1\n hlt`);           // fresh machine, documented start state
 *   r.reason === 'halted'; r.eax === 1;
 *
 * A program starts at PROGRAM_BASE (0x10000) at CPL 0 in protected mode with paging on (machine/layout.ts)
 * and ends with HLT (reason 'halted'), an exception with no IDT entry ('unhandled-exception', with
 * `vector`/`errorCode`), a triple fault ('triple-fault') or the step limit ('limit').
 *
 * `BareHarness` keeps one machine and resets it between runs: property tests execute thousands of
 * programs, and a 16 MiB machine costs milliseconds to build.
 */
import { assemble } from '../core/x86/asm/index.ts';
import { BareMachine, type EndReason } from '../core/machine/bare.ts';
import { PROGRAM_BASE } from '../core/machine/layout.ts';
import { getCpuModel, toProcessorModel } from '../core/cpu-models/index.ts';
import { JsonSink, type TraceRecord } from '../core/trace/json.ts';
import type { Cpu } from '../core/x86/cpu.ts';
import type { ProcessorModel } from '../core/x86/platform.ts';
import { createVmxCpuState } from '../core/vmx/vmx-state.ts';

export const REGS = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export type RegName = (typeof REGS)[number];

export interface BareOptions {
  /** Instruction limit (default 100 000). */
  maxSteps?: number;
  /** CPU model id (default nehalem). */
  cpu?: string;
  /** Initial general-purpose registers (after the documented start state). */
  regs?: Partial<Record<RegName, number>>;
  /** Initial EFLAGS (all bits replaced; bit 1 is forced to 1). */
  eflags?: number;
  /** Called after loading, before running: poke memory, registers, descriptor tables... */
  setup?: (m: BareMachine, sym: Record<string, number>) => void;
  /** Collect trace events (default true). */
  trace?: boolean;
}

export interface BareResult {
  reason: EndReason | 'yield';
  /** Vector and error code of an unhandled exception (reason 'unhandled-exception'). */
  vector: number;
  errorCode: number | null;
  eax: number;
  ecx: number;
  edx: number;
  ebx: number;
  esp: number;
  ebp: number;
  esi: number;
  edi: number;
  eip: number;
  eflags: number;
  cpl: number;
  instructions: number;
  events: TraceRecord[];
  machine: BareMachine;
  cpu: Cpu;
  sym: Record<string, number>;
  /** Physical-memory readers (unsigned results). */
  read8(pa: number): number;
  read16(pa: number): number;
  read32(pa: number): number;
}

const MODELS = new Map<string, ProcessorModel>();
export function model(id = 'nehalem'): ProcessorModel {
  let m = MODELS.get(id);
  if (m === undefined) {
    const def = getCpuModel(id);
    if (def === undefined) throw new Error(`unknown CPU model ${id}`);
    m = toProcessorModel(def) as ProcessorModel;
    MODELS.set(id, m);
  }
  return m;
}

export interface Program {
  bytes: Uint8Array;
  origin: number;
  entry: number;
  sym: Record<string, number>;
}

/** Assembles at PROGRAM_BASE; throws with the assembler's messages on error (a test bug). */
export function asm(source: string): Program {
  const r = assemble(source, { origin: PROGRAM_BASE });
  if (!r.ok) throw new Error('assembly failed:\n' + r.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n') + '\n' + source);
  return { bytes: r.bytes, origin: r.origin, entry: r.entry, sym: r.symbols };
}

/** One machine, reset to the documented start state before each run. */
export class BareHarness {
  readonly machine: BareMachine;
  readonly events: TraceRecord[] = [];
  private collect: boolean;

  constructor(cpuModel = 'nehalem', trace = true) {
    this.collect = trace;
    this.machine = new BareMachine({ model: model(cpuModel), trace: new JsonSink((r) => this.collect && this.events.push(r)) });
  }

  /** Back to the documented start state (registers, control state, tables; memory outside the tables is kept). */
  reset(): void {
    const m = this.machine;
    const c = m.cpu;
    c.resetToRealMode();
    c.vmx = createVmxCpuState();
    c.unhandledException = false;
    c.unhandledVector = -1;
    c.unhandledErrorCode = -1;
    c.eventInFlight = 0;
    c.eventInFlightErr = 0;
    c.injecting = false;
    c.fpuCw = 0x37f;
    c.fpuSw = 0;
    c.xcr0 = 1;
    c.pdpte.fill(0);
    c.breakpoints.clear();
    m.reset();
    this.events.length = 0;
  }

  run(p: Program | string, opts: BareOptions = {}): BareResult {
    const prog = typeof p === 'string' ? asm(p) : p;
    this.collect = opts.trace !== false;
    this.reset();
    const m = this.machine;
    const c = m.cpu;
    m.load(prog.bytes, prog.origin, prog.entry);
    if (opts.regs) for (const [k, v] of Object.entries(opts.regs)) c.regs[REGS.indexOf(k as RegName)] = v as number;
    if (opts.eflags !== undefined) c.setEflags(opts.eflags, -1);
    opts.setup?.(m, prog.sym);
    const out = m.run(opts.maxSteps ?? 100_000);
    const u = (v: number): number => v >>> 0;
    return {
      reason: out.reason,
      vector: c.unhandledVector,
      errorCode: c.unhandledErrorCode < 0 ? null : c.unhandledErrorCode,
      eax: u(c.regs[0]),
      ecx: u(c.regs[1]),
      edx: u(c.regs[2]),
      ebx: u(c.regs[3]),
      esp: u(c.regs[4]),
      ebp: u(c.regs[5]),
      esi: u(c.regs[6]),
      edi: u(c.regs[7]),
      eip: u(c.eip),
      eflags: u(c.getEflags()),
      cpl: c.cpl,
      instructions: out.instructions,
      events: this.events.slice(),
      machine: m,
      cpu: c,
      sym: prog.sym,
      read8: (pa) => m.mem.read8(pa),
      read16: (pa) => m.mem.read16(pa),
      read32: (pa) => m.mem.read32(pa) >>> 0,
    };
  }
}

/** Runs `source` on a fresh bare machine. */
export function runBare(source: string, opts: BareOptions = {}): BareResult {
  return new BareHarness(opts.cpu ?? 'nehalem', opts.trace !== false).run(source, opts);
}

// ---------------------------------------------------------------------------------------- descriptors

/** A code/data segment descriptor as [low, high] dwords (SDM Vol. 3A §3.4.5, Figure 3-8). */
export function segDesc(base: number, limit: number, opts: { type: number; s?: boolean; dpl?: number; p?: boolean; db?: boolean; g?: boolean }): [number, number] {
  const s = opts.s !== false ? 1 : 0;
  const p = opts.p !== false ? 1 : 0;
  const dpl = opts.dpl ?? 0;
  const g = opts.g ?? false;
  const db = opts.db ?? true;
  const lo = ((base & 0xffff) << 16) | (limit & 0xffff);
  const hi =
    (base & 0xff000000) |
    (g ? 0x800000 : 0) |
    (db ? 0x400000 : 0) |
    (limit & 0xf0000) |
    (p << 15) |
    (dpl << 13) |
    (s << 12) |
    ((opts.type & 0xf) << 8) |
    ((base >>> 16) & 0xff);
  return [lo | 0, hi | 0];
}

/** A gate descriptor (call, interrupt, trap, task) (SDM Vol. 3A Figures 5-8 and 6-2). */
export function gateDesc(selector: number, offset: number, opts: { type: number; dpl?: number; p?: boolean; params?: number }): [number, number] {
  const p = opts.p !== false ? 1 : 0;
  const lo = ((selector & 0xffff) << 16) | (offset & 0xffff);
  const hi = (offset & 0xffff0000) | (p << 15) | ((opts.dpl ?? 0) << 13) | ((opts.type & 0x1f) << 8) | ((opts.params ?? 0) & 0x1f);
  return [lo | 0, hi | 0];
}

/** Writes descriptor `index` of the GDT (which the bare machine keeps at 0x1000, limit 63: indexes 0–7). */
export function writeDesc(m: BareMachine, tableBase: number, index: number, d: [number, number]): void {
  m.mem.write32(tableBase + index * 8, d[0]);
  m.mem.write32(tableBase + index * 8 + 4, d[1]);
}

/** Moves the GDT to `base` with room for `entries` descriptors, copying the standard eight. */
export function growGdt(m: BareMachine, base: number, entries: number): void {
  const c = m.cpu;
  for (let k = 0; k < 64; k++) m.mem.write8(base + k, m.mem.read8(c.gdtrBase + k));
  for (let k = 64; k < entries * 8; k++) m.mem.write8(base + k, 0);
  c.gdtrBase = base;
  c.gdtrLimit = entries * 8 - 1;
}

/** Installs an IDT at `base` with `count` gates (all not-present) and loads IDTR. */
export function makeIdt(m: BareMachine, base: number, count = 256): void {
  for (let k = 0; k < count * 8; k++) m.mem.write8(base + k, 0);
  m.cpu.idtrBase = base;
  m.cpu.idtrLimit = count * 8 - 1;
}

export const GATE = { TASK: 5, INT16: 6, TRAP16: 7, CALL16: 4, CALL32: 12, INT32: 14, TRAP32: 15 } as const;
export const FLAG = { CF: 1, PF: 4, AF: 0x10, ZF: 0x40, SF: 0x80, TF: 0x100, IF: 0x200, DF: 0x400, OF: 0x800, IOPL: 0x3000, NT: 0x4000 } as const;

// ---------------------------------------------------------------------------------------- a small kernel

/** Where the protection tests keep their tables (free low memory, machine/layout.ts). */
export const KERNEL = {
  /** Extended GDT: the standard eight descriptors at 0x00–0x38, then room for tests (0x40 onwards). */
  GDT: 0x5000,
  GDT_ENTRIES: 32,
  IDT: 0x6000,
  /** A second TSS (with room for an I/O bitmap) for tests that reload TR. */
  TSS2: 0x7000,
  /** Ring-3 and ring-1 stack tops. */
  USER_STACK: 0x8f000,
  RING1_STACK: 0x8e000,
  RING0_STACK: 0x90000,
} as const;

/**
 * A kernel for protection tests: GDT grown to KERNEL.GDT_ENTRIES entries, and an IDT with `vectors` entries
 * that are all present 32-bit interrupt gates (DPL 0) to `handler` (typically a `hlt`). The trace then shows
 * which exception or interrupt arrived, with its error code and CPL change. TSS ESP1/SS1 are set for ring 1.
 */
export function installKernel(m: BareMachine, handler: number, vectors = 256): void {
  growGdt(m, KERNEL.GDT, KERNEL.GDT_ENTRIES);
  makeIdt(m, KERNEL.IDT, vectors);
  for (let v = 0; v < vectors; v++) setGate(m, v, gateDesc(0x08, handler, { type: GATE.INT32 }));
  // TSS (at 0x1100): ESP1 = RING1_STACK, SS1 = 0x39 (SDM Vol. 3A Figure 7-2).
  m.mem.write32(0x1100 + 0x0c, KERNEL.RING1_STACK);
  m.mem.write32(0x1100 + 0x10, 0x39);
}

export function setGate(m: BareMachine, vector: number, d: [number, number]): void {
  writeDesc(m, m.cpu.idtrBase, vector, d);
}

/** Sets GDT entry `index` (of the grown GDT). */
export function setGdt(m: BareMachine, index: number, d: [number, number]): void {
  writeDesc(m, m.cpu.gdtrBase, index, d);
}

/** Assembly that drops from CPL 0 to CPL 3 (RETF to 0x1B with SS:ESP = 0x23:USER_STACK) and continues at `label`. */
export function toRing3(label = 'ring3'): string {
  return `push 0x23\npush ${KERNEL.USER_STACK}\npush 0x1B\npush ${label}\nretf\n${label}:\n`;
}
/** The same for ring 1 (CS 0x31, SS 0x39). */
export function toRing1(label = 'ring1'): string {
  return `push 0x39\npush ${KERNEL.RING1_STACK}\npush 0x31\npush ${label}\nretf\n${label}:\n`;
}

/** Records of the trace that are exception/interrupt deliveries, as [vector, errorCode, cplBefore, cplAfter]. */
export function deliveries(events: TraceRecord[]): [number, number | null, number, number][] {
  return events
    .filter((e) => e.type === 'exception' || e.type === 'interrupt')
    .map((e) => [e.vector as number, e.errorCode as number | null, e.cplBefore as number, e.cplAfter as number]);
}

/**
 * Runs `body` (followed by `stop: hlt`) with `installKernel`: every vector leads to `stop`, and vector 0x81 is a
 * DPL-3 gate so ring-3 code can end the run with `int 0x81`. `extra(m, sym)` customises descriptors and gates.
 */
export function runKernel(body: string, extra?: (m: BareMachine, sym: Record<string, number>) => void, opts: BareOptions = {}): BareResult {
  return runBare(`${body}\nstop: hlt\n`, {
    ...opts,
    setup: (m, sym) => {
      installKernel(m, sym.stop);
      setGate(m, 0x81, gateDesc(0x08, sym.stop, { type: GATE.INT32, dpl: 3 }));
      extra?.(m, sym);
      opts.setup?.(m, sym);
    },
  });
}
