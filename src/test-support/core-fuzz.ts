/**
 * Test support for the core's abuse suites (`src/core/**\/*.fuzz.test.ts`, issue 9 item 2): one bare machine that
 * goes back to its pristine start state cheaply between thousands of runs, a comparison of two machines'
 * architectural state (for the decode-cache differential and snapshot→restore checks), and a tiny encoder for the
 * handful of instructions the suites poke into memory (assembling text per input would dominate the run time).
 *
 * Pristine means exactly the state a fresh `BareMachine` has: memory the suites dirtied is zeroed again (only the
 * pages the memory marked dirty), the processor and devices are restored from a snapshot taken at construction,
 * and the decode cache is emptied — so two `FuzzMachine`s given the same program behave identically.
 */
import { BareMachine, type RunOutcome } from '../core/machine/bare.ts';
import type { BareSnapshot } from '../core/machine/bare.ts';
import { snapshotCpu } from '../core/x86/cpu-snapshot.ts';
import { JsonSink, type TraceRecord } from '../core/trace/json.ts';
import { model } from './bare.ts';

export const END_REASONS = new Set(['halted', 'triple-fault', 'unhandled-exception', 'limit', 'vmx-abort']);

export class FuzzMachine {
  readonly m: BareMachine;
  readonly events: TraceRecord[] = [];
  collect = false;
  private readonly pristine: BareSnapshot;

  constructor(cpuModel = 'nehalem') {
    this.m = new BareMachine({ model: model(cpuModel), trace: new JsonSink((r) => this.collect && this.events.push(r)) });
    this.pristine = this.m.snapshot(false);
    this.m.mem.dirtyPages.fill(0);
  }

  /** Back to the state of a freshly built machine (memory, processor, devices, decode cache). */
  reset(): void {
    const mem = this.m.mem;
    const d = mem.dirtyPages;
    for (let p = 0; p < d.length; p++) if (d[p] !== 0) mem.bytes.fill(0, p * 4096, p * 4096 + 4096);
    this.m.reset(); // the standard tables, identity paging, MSRs
    this.m.restore(this.pristine); // processor (incl. VMX state and TLB) and devices; empties the decode cache
    const c = this.m.cpu;
    c.unhandledVector = -1;
    c.unhandledErrorCode = -1;
    c.pendingDr6 = 0;
    c.injecting = false;
    c.stopOnUnhandledException = true;
    c.breakpoints.clear();
    d.fill(0);
    this.events.length = 0;
  }

  /** Copies bytes into physical memory (invalidating decoded code they overwrite). */
  poke(pa: number, bytes: ArrayLike<number>): void {
    this.m.mem.load(pa, Uint8Array.from(bytes));
  }

  run(maxInstructions: number): RunOutcome {
    return this.m.run(maxInstructions);
  }

  /**
   * The reference interpreter for the decode-cache differential: one instruction per `run`, with every cached
   * decode dropped before it, so each instruction is decoded from the bytes memory holds at that moment.
   */
  runUncached(maxInstructions: number): RunOutcome {
    const c = this.m.cpu;
    const start = c.icount;
    for (;;) {
      if (c.icount - start >= maxInstructions) return { reason: 'limit', instructions: c.icount - start };
      c.invalidateDecodeCache();
      const out = this.m.run(1);
      if (out.reason !== 'limit') return { reason: out.reason, instructions: c.icount - start };
    }
  }
}

/** The processor's architectural state as a comparable string (the TLB left out: it is a cache). */
export function cpuState(m: BareMachine): string {
  const s = snapshotCpu(m.cpu);
  delete s.tlb;
  return JSON.stringify(s);
}

/** Pages either machine wrote since its last reset. */
function dirtyUnion(a: BareMachine, b: BareMachine): number[] {
  const out: number[] = [];
  const da = a.mem.dirtyPages;
  const db = b.mem.dirtyPages;
  for (let p = 0; p < da.length; p++) if (da[p] !== 0 || db[p] !== 0) out.push(p);
  return out;
}

/**
 * Where two machines differ (processor, devices, and every page either wrote), or null when they are the same.
 * `extraPages` adds pages to compare that were loaded rather than written (a restored image).
 */
export function diffMachines(a: BareMachine, b: BareMachine, extraPages: number[] = []): string | null {
  const ca = cpuState(a);
  const cb = cpuState(b);
  if (ca !== cb) {
    const ja = JSON.parse(ca) as Record<string, unknown>;
    const jb = JSON.parse(cb) as Record<string, unknown>;
    const keys = Object.keys(ja).filter((k) => JSON.stringify(ja[k]) !== JSON.stringify(jb[k]));
    return `processor differs in ${keys.map((k) => `${k}: ${JSON.stringify(ja[k])} vs ${JSON.stringify(jb[k])}`).join('; ')}`;
  }
  // Devices advance lazily; bring both up to their processor's time first (LegacyPc.sync: the canonical state).
  a.pc.sync(a.cpu.cycles);
  b.pc.sync(b.cpu.cycles);
  if (JSON.stringify(a.pc.snapshot()) !== JSON.stringify(b.pc.snapshot())) return 'devices differ';
  for (const p of new Set([...dirtyUnion(a, b), ...extraPages])) {
    const x = a.mem.bytes.subarray(p * 4096, p * 4096 + 4096);
    const y = b.mem.bytes.subarray(p * 4096, p * 4096 + 4096);
    for (let k = 0; k < 4096; k++) if (x[k] !== y[k]) return `memory differs at 0x${(p * 4096 + k).toString(16)}: ${x[k]} vs ${y[k]}`;
  }
  return null;
}

/** FNV-1a over the processor state and the written pages: one number for "the same state". */
export function stateHash(m: BareMachine): number {
  let h = 0x811c9dc5;
  const s = cpuState(m);
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  const d = m.mem.dirtyPages;
  const bytes = m.mem.bytes;
  for (let p = 0; p < d.length; p++) {
    if (d[p] === 0) continue;
    h = Math.imul(h ^ p, 0x01000193);
    for (let k = p * 4096; k < p * 4096 + 4096; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
  }
  return h >>> 0;
}

// ------------------------------------------------------------------------------------------ a tiny encoder

const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** Register numbers (SDM Vol. 2 Table 2-1). */
export const R = { eax: 0, ecx: 1, edx: 2, ebx: 3, esp: 4, ebp: 5, esi: 6, edi: 7 } as const;

export const enc = {
  movRegImm: (r: number, v: number): number[] => [0xb8 + r, ...le32(v)],
  movByteAbs: (addr: number, v: number): number[] => [0xc6, 0x05, ...le32(addr), v & 0xff],
  movDwordAbs: (addr: number, v: number): number[] => [0xc7, 0x05, ...le32(addr), ...le32(v)],
  jmpRel8: (d: number): number[] => [0xeb, d & 0xff],
  jmpRel32: (d: number): number[] => [0xe9, ...le32(d)],
  hlt: (): number[] => [0xf4],
  /** VMXON / VMCLEAR / VMPTRLD / VMPTRST m64 with the operand at [ESI] (SDM Vol. 3C §31.3; ModRM mod 0, rm 6). */
  vmxon: (): number[] => [0xf3, 0x0f, 0xc7, 0x36],
  vmclear: (): number[] => [0x66, 0x0f, 0xc7, 0x36],
  vmptrld: (): number[] => [0x0f, 0xc7, 0x36],
  vmptrst: (): number[] => [0x0f, 0xc7, 0x3e],
  /** VMREAD r/m32, r32: 0F 78 /r — destination `dst`, encoding in `encReg`. */
  vmreadRR: (dst: number, encReg: number): number[] => [0x0f, 0x78, 0xc0 | (encReg << 3) | dst],
  /** VMWRITE r32, r/m32: 0F 79 /r — encoding in `encReg`, value in `src`. */
  vmwriteRR: (encReg: number, src: number): number[] => [0x0f, 0x79, 0xc0 | (encReg << 3) | src],
  vmlaunch: (): number[] => [0x0f, 0x01, 0xc2],
  vmresume: (): number[] => [0x0f, 0x01, 0xc3],
  vmxoff: (): number[] => [0x0f, 0x01, 0xc4],
  vmcall: (): number[] => [0x0f, 0x01, 0xc1],
  /** MOV CR4, EAX (0F 22 /4 with mod 3). */
  movCr4Eax: (): number[] => [0x0f, 0x22, 0xe0],
};

export const hex = (v: number): string => '0x' + (v >>> 0).toString(16);
export const hexBytes = (b: ArrayLike<number>): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

// ------------------------------------------------------------------------------------------ VMX drivers

/** Where the VMX suites keep things (free RAM above the bare machine's program area, machine/layout.ts). */
export const VMX_MEM = {
  /** The instruction under test is written here and executed alone. */
  CODE: 0x30000,
  /** The m64 operand of VMXON/VMCLEAR/VMPTRLD/VMPTRST ([ESI]). */
  OPERAND: 0x31000,
  /** HOST_RIP of the known-good VMCS: `hlt`. */
  HOST_RIP: 0x32000,
  /** GUEST_RIP of the known-good VMCS: `cpuid; hlt` (CPUID always exits, SDM Vol. 3C §25.1.2). */
  GUEST_RIP: 0x33000,
  GUEST_STACK: 0x78000,
  HOST_STACK: 0x90000,
  /** A VMXON region and a VMCS region for the known-good sequence. */
  GOOD_VMXON: 0x210000,
  GOOD_VMCS: 0x211000,
} as const;

export interface StepResult {
  /** 'ok' when the instruction completed (EIP moved on or VM entry happened), else the fault's vector. */
  fault: number | null;
  reason: string;
}

/**
 * Executes one instruction at VMX_MEM.CODE with the given registers and the m64 operand (lo, hi) at [ESI], and
 * reports whether it faulted (bare mode with IDT limit 0 stops on the exception: `unhandled-exception`).
 */
export function execOne(f: FuzzMachine, bytes: number[], regs: Partial<Record<keyof typeof R, number>> = {}, operand?: [number, number]): StepResult {
  const c = f.m.cpu;
  f.poke(VMX_MEM.CODE, [...bytes, 0xf4]);
  if (operand !== undefined) {
    f.m.mem.write32(VMX_MEM.OPERAND, operand[0]);
    f.m.mem.write32(VMX_MEM.OPERAND + 4, operand[1]);
  }
  c.regs[R.esi] = VMX_MEM.OPERAND;
  for (const [k, v] of Object.entries(regs)) c.regs[R[k as keyof typeof R]] = v as number;
  c.eip = VMX_MEM.CODE;
  c.activity = 0; // Activity.ACTIVE: a previous HLT left the processor halted
  c.unhandledException = false;
  c.unhandledVector = -1;
  const out = f.m.run(1);
  if (out.reason === 'unhandled-exception') return { fault: c.unhandledVector, reason: out.reason };
  return { fault: null, reason: out.reason };
}

/**
 * The known-good VMCS for the bare machine (the same choices as the conformance harness, vmx/conformance/harness.ts):
 * controls at their allowed-0 settings, host state = the bare machine's documented start state, guest state = a
 * flat 32-bit protected-mode guest with the same paging. [encoding, value] pairs; 64-bit fields get their high half.
 */
export function goodVmcsFields(m: BareMachine, controls: { pin: number; proc: number; exit: number; entry: number }): Array<[number, number]> {
  const c = m.cpu;
  const w: Array<[number, number]> = [
    [0x4000, controls.pin], [0x4002, controls.proc], [0x400c, controls.exit], [0x4012, controls.entry],
    [0x6c00, c.cr0], [0x6c02, c.cr3], [0x6c04, c.cr4 | 0x2000],
    [0x0c02, 0x08], [0x0c00, 0x10], [0x0c04, 0x10], [0x0c06, 0x10], [0x0c08, 0x10], [0x0c0a, 0x10], [0x0c0c, 0x28],
    [0x6c0a, 0x1100], [0x6c0c, 0x1000], [0x6c0e, 0], [0x6c06, 0], [0x6c08, 0],
    [0x6c14, VMX_MEM.HOST_STACK], [0x6c16, VMX_MEM.HOST_RIP],
    [0x6800, c.cr0], [0x6802, c.cr3], [0x6804, c.cr4 | 0x2000], [0x681a, 0x400],
    [0x0802, 0x08], [0x6808, 0], [0x4802, 0xffffffff], [0x4816, 0xc09b],
  ];
  // ES, SS, DS, FS, GS (encodings 0x0800 + 2k, bases 0x6806 + 2k, limits 0x4800 + 2k, AR 0x4814 + 2k).
  for (const k of [0, 2, 3, 4, 5]) w.push([0x0800 + 2 * k, 0x10], [0x6806 + 2 * k, 0], [0x4800 + 2 * k, 0xffffffff], [0x4814 + 2 * k, 0xc093]);
  w.push(
    [0x080c, 0], [0x4820, 0x10000], // LDTR unusable
    [0x080e, 0x28], [0x6814, 0x1100], [0x480e, 0x67], [0x4822, 0x8b], // TR
    [0x6816, 0x1000], [0x4810, 0x3f], [0x6818, 0], [0x4812, 0], // GDTR, IDTR
    [0x681c, VMX_MEM.GUEST_STACK], [0x681e, VMX_MEM.GUEST_RIP], [0x6820, 2],
    [0x2800, 0xffffffff], [0x2801, 0xffffffff], // VMCS link pointer
    [0x4826, 0], [0x4824, 0], // activity state, interruptibility
  );
  return w;
}
