/**
 * The virtual IA-32 processor: architectural state, segmentation, paging with a TLB, the event machinery
 * and the interpreter loop. Instruction semantics live in `exec/`, event delivery in `interrupts.ts`,
 * descriptor handling in `segments.ts`, page walks in `mmu.ts`; VMX operation in `../vmx/`.
 *
 * Everything architectural is a field of this class holding numbers or typed arrays, so `snapshot()`
 * copies it as plain data and `restore()` copies it back (time travel, crash recovery, migration).
 */
import '../../i18n/en/x86.ts';
import { t } from '../../i18n/t.ts';
import { ABORT, AbortKind } from './abort.ts';
import { Ar, Cr0, Cr4, Efer, Flag, Seg, Vec, ARITH_FLAGS } from './arch.ts';
import { Block, DecodeCache, MAX_BLOCK } from './decode-cache.ts';
import { decodeInsn } from './decoder.ts';
import { fuse, specialize } from './exec/fast.ts';
import { FlagOp, lazyArith, lazyCF, testCondition } from './flags.ts';
import { Insn, InsnFlow } from './insn.ts';
import { COST_CLASS_COUNT, CostClass } from './cost-class.ts';
import { MsrMap } from './msr-map.ts';
import { walk } from './mmu.ts';
import type { PhysicalMemory } from './physical-memory.ts';
import type { InterruptSource, IoBus, ProcessorModel } from './platform.ts';
import { checkPendingEvents, deliverPendingException, vmxMode } from './interrupts.ts';
import { EventKind } from '../trace/events.ts';
import type { TraceSink } from '../trace/sink.ts';
import { NullSink } from '../trace/sink.ts';
import type { VmxCpuState } from '../vmx/vmx-state.ts';
import { createVmxCpuState } from '../vmx/vmx-state.ts';
import { VO } from '../vmx/vmcs.ts';

export const enum RunStop {
  /** The cycle or instruction budget was reached. */
  BUDGET = 0,
  /** HLT (or, in non-root operation, the HLT activity state): nothing to do until an event. */
  HALTED = 1,
  /** Shutdown (a triple fault outside VMX non-root operation). */
  SHUTDOWN = 2,
  /** A VM exit happened and `vmmTakesExits` is set: the TypeScript VMM must handle it. */
  VMEXIT = 3,
  /** A breakpoint address was reached (before executing it). */
  BREAKPOINT = 4,
  /** An exception had nowhere to go and `stopOnUnhandledException` is set (bare-mode labs). */
  UNHANDLED_EXCEPTION = 5,
  /** `yieldRequested` was set (a trace sink that stops after every event, see src/core/timeline). */
  YIELD = 6,
}

export const enum Activity {
  ACTIVE = 0,
  HLT = 1,
  SHUTDOWN = 2,
  WAIT_FOR_SIPI = 3,
}

/** Access kinds for address translation. */
export const enum Acc {
  READ = 0,
  WRITE = 1,
  FETCH = 2,
  /** Implicit supervisor accesses (descriptor tables, TSS, IDT) regardless of CPL (SDM Vol. 3A §4.6). */
  READ_SUP = 3,
  WRITE_SUP = 4,
}

/** TLB permission bits. */
export const enum Perm {
  R_SUP = 1,
  R_USER = 2,
  W_SUP = 4,
  W_USER = 8,
  X_SUP = 16,
  X_USER = 32,
  GLOBAL = 64,
}

/** Segment-check bits cached per segment register. */
export const enum SegChk {
  READ = 1,
  WRITE = 2,
  /** Base 0, limit 0xFFFFFFFF, expand-up, readable and writable: no limit check needed. */
  FLAT = 4,
  EXPAND_DOWN = 8,
  /** 32-bit upper bound for expand-down (D/B = 1). */
  BIG = 16,
}

/** Cost classes whose instructions observe time, devices or VMX/interrupt state (each starts a block). */
const TIME_OBSERVERS = new Set<number>([
  CostClass.IO, CostClass.CPUID, CostClass.RDTSC, CostClass.MSR, CostClass.CR_ACCESS, CostClass.INVLPG,
  CostClass.SOFTWARE_INTERRUPT, CostClass.IRET, CostClass.HLT, CostClass.SEGMENT_LOAD, CostClass.FAR_TRANSFER,
  CostClass.DESCRIPTOR_TABLE, CostClass.VMX, CostClass.X87, CostClass.CACHE, CostClass.PUSHF_POPF, CostClass.CLI_STI,
]);
/**
 * Cost classes whose instructions may change the system registers a VM exit saves into the guest-state area (SDM
 * Vol. 3C §27.3.1–27.3.3: CR0/CR3/CR4, DR7 and IA32_DEBUGCTL, the SYSENTER MSRs, IA32_PAT, IA32_EFER, the segment
 * registers, GDTR/IDTR/LDTR/TR, PDPTEs): MOV to CRn/DRn, CLTS, LMSW; WRMSR; LGDT/LIDT/LLDT/LTR; segment loads; far
 * transfers, SYSENTER/SYSEXIT, INT n and IRET (which can also switch tasks); the VMX instructions. Every other
 * class leaves them alone (an exception it raises changes them only through event delivery, which counts itself).
 * INVLPG and the cache instructions are in too: nothing the exit saves, but cheap to be safe.
 */
const IS_SYSTEM = new Uint8Array(COST_CLASS_COUNT);
for (const k of [
  CostClass.MSR, CostClass.CR_ACCESS, CostClass.INVLPG, CostClass.SOFTWARE_INTERRUPT, CostClass.IRET, CostClass.SEGMENT_LOAD,
  CostClass.FAR_TRANSFER, CostClass.DESCRIPTOR_TABLE, CostClass.VMX, CostClass.CACHE,
]) IS_SYSTEM[k] = 1;
function changesSystemState(i: Insn): boolean {
  return IS_SYSTEM[i.costClass] === 1 || i.invalid !== '';
}
function observesTime(i: Insn): boolean {
  return TIME_OBSERVERS.has(i.costClass) || i.invalid !== '';
}
/** Prefix sums of costs and instruction offsets. */
function finishBlock(b: Block): void {
  const n = b.insns.length;
  for (let k = 0; k < n; k++) fuse(b.insns[k], k + 1 < n ? b.insns[k + 1] : null);
  b.cum = new Float64Array(n + 1);
  b.offs = new Int32Array(n);
  let off = 0;
  for (let k = 0; k < n; k++) {
    b.offs[k] = off;
    b.cum[k + 1] = b.cum[k] + b.insns[k].cost;
    off += b.insns[k].len;
  }
}

export const TLB_SIZE = 1024;

/**
 * Consecutive delivered faults (no instruction retired in between) below which a run never calls it an exception
 * loop, whatever its budget: a `run(…, 1)` that meets a fault still goes on to retire one instruction, as before.
 */
export const EXCEPTION_LOOP_MIN = 1024;

/** A processor's TLB, copied (see Cpu.saveTlb). */
export interface TlbState {
  tag: Int32Array;
  stamp: Int32Array;
  pfn: Float64Array;
  perm: Int32Array;
  cur: number;
  nextStamp: number;
  stampOf: [number, number][];
  asid: number;
  globals: number;
  /** The context each address space's entries were made in (Cpu.tlbEnsureContext); absent in older snapshots. */
  contextOf?: [number, number][];
}
export const TLB_MASK = TLB_SIZE - 1;

const PERM_NEED_SUP = [Perm.R_SUP, Perm.W_SUP, Perm.X_SUP, Perm.R_SUP, Perm.W_SUP];
const PERM_NEED_USER = [Perm.R_USER, Perm.W_USER, Perm.X_USER, Perm.R_SUP, Perm.W_SUP];

export interface CpuOptions {
  id?: number;
  io?: IoBus;
  intr?: InterruptSource | null;
  trace?: TraceSink;
  cache?: DecodeCache;
  /** Cycles charged per retired instruction by cost class (index = Insn.costClass). */
  instructionCosts?: ArrayLike<number>;
}

/** See `Cpu.eventInterceptor`. `type` is an EventType; `returnEip` the EIP the frame would hold. */
export type EventInterceptor = (c: Cpu, vector: number, type: number, errorCode: number, returnEip: number) => boolean;

const NO_IO: IoBus = { read: (_p, size) => (size === 1 ? 0xff : size === 2 ? 0xffff : -1), write: () => {} };

export class Cpu {
  readonly id: number;
  readonly mem: PhysicalMemory;
  readonly model: ProcessorModel;
  io: IoBus;
  intr: InterruptSource | null;
  trace: TraceSink;
  readonly cache: DecodeCache;
  /** Cycles per retired instruction by cost class. */
  instructionCosts: Float64Array;

  // ---------------------------------------------------------------- architectural state
  readonly regs = new Int32Array(8);
  eip = 0;
  /** EFLAGS except the six arithmetic flags while `fop` ≠ NONE (see flags.ts). Bit 1 is always 1. */
  eflags = 2;
  fop = 0;
  fa = 0;
  fb = 0;
  fres = 0;
  fcf = 0;
  readonly segSel = new Int32Array(8);
  readonly segBase = new Int32Array(8);
  readonly segLimit = new Int32Array(8);
  /** Access rights in the VMX format (SDM Vol. 3C Table 24-2), bit 16 = unusable. */
  readonly segAr = new Int32Array(8);
  cpl = 0;
  gdtrBase = 0;
  gdtrLimit = 0xffff;
  idtrBase = 0;
  idtrLimit = 0xffff;
  cr0 = 0x60000010; // reset value: CD, NW, ET (SDM Vol. 3A Table 9-1)
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  readonly dr = new Int32Array([0, 0, 0, 0, 0, 0, 0xffff0ff0 | 0, 0x400]);
  efer = 0;
  /** PAE page-directory-pointer-table entries (low, high halves), loaded on MOV CR3 in PAE mode. */
  readonly pdpte = new Int32Array(8);
  /** Other MSRs by index: low and high halves. */
  msrLo = new MsrMap();
  msrHi = new MsrMap();
  /** TSC = cycles + tscOffset (a WRMSR to IA32_TIME_STAMP_COUNTER changes the offset). */
  tscOffset = 0;
  /** XCR0 (XSETBV/XGETBV): x87 state always enabled. */
  xcr0 = 1;
  /** x87 control and status words (the control instructions only; see exec/system.ts). */
  fpuCw = 0x37f;
  fpuSw = 0;
  /** MONITOR armed an address range (MWAIT exit qualification). */
  monitorArmed = false;
  /** State of the RDRAND/RDSEED generator (xorshift32, seeded by the machine). */
  rngState = 0x2545f491;
  /** Simulated cycles elapsed on this processor. */
  cycles = 0;
  /** Instructions retired. */
  icount = 0;
  /**
   * Instructions aborted by an exception that was then delivered (a fault retires nothing), and how many of them came
   * in a row with no instruction retired in between (`abortStreak`, counted since `icount` was `abortStreakAt`).
   * A guest caught in an exception loop — a handler whose first instruction faults again, on a stack that never runs
   * out — retires nothing and, as delivery takes no simulated cycles, would keep `run` busy for ever; it is an endless
   * loop on hardware too (no #DF arises while each delivery succeeds, SDM Vol. 3A §6.15). `exceptionLoop` tells the
   * run loops to stop it at their limit. Ordinary programs see at most a few aborts in a row (a fault, one in its
   * handler, #DF), so where they stop is unchanged. Bookkeeping only: not part of a snapshot (a restore starts the
   * streak afresh, so a machine restored in the middle of such a loop stops up to one streak later).
   */
  abortedInsns = 0;
  abortStreak = 0;
  abortStreakAt = -1;
  /** True when the last `limit` steps (at least EXCEPTION_LOOP_MIN) were all aborted by delivered exceptions. */
  exceptionLoop(limit: number): boolean {
    return this.abortStreakAt === this.icount && this.abortStreak >= Math.max(limit, EXCEPTION_LOOP_MIN);
  }
  /**
   * Set (with `stop = 1`) by a trace sink that wants `run` to return at the next instruction boundary: the
   * timeline stops right after every event, so a position on it is always "just after event n". Stopping
   * there and resuming must behave exactly like not stopping (tested in src/core/timeline).
   */
  yieldRequested = false;
  /** Events were already recognised at this instruction boundary when `run` yielded: do not recognise them twice. */
  eventsChecked = false;
  /** Emit an INSN_RETIRED event for every retired instruction (forces the one-instruction path). */
  traceRetire = false;
  activity: Activity = Activity.ACTIVE;
  /** Interrupt shadow for the next instruction: 1 = blocking by STI, 2 = blocking by MOV SS / POP SS. */
  intShadow = 0;
  /** Events whose delivery met a fault and gave way to it (interrupts.ts deliverEvent): an INT n that ended so did
   * not complete and takes no single-step trap (stepInsn). Not architectural state: only compared within one step. */
  deliveryFaults = 0;
  nmiPending = false;
  /** Blocking by NMI (SDM Vol. 3A §6.7.1): set on NMI delivery, cleared by IRET. */
  nmiBlocked = false;
  /**
   * While an IRET executes in VMX non-root operation: it found NMIs (with "virtual NMIs", virtual NMIs) blocked and
   * unblocked them, so a VM exit for a fault of that IRET reports "NMI unblocking due to IRET" (bit 12 of the
   * VM-exit interruption information or EPT-violation qualification; SDM Vol. 3C §27.2.2) and the VMM can block
   * them again before it resumes the IRET. False at every instruction boundary (interrupts.ts iret, deliverEvent;
   * vmx/exit.ts vmExit), so not part of a snapshot.
   */
  nmiUnblockedByIret = false;
  /** VMX operation state (VMXON pointer, current VMCS, non-root controls cache...). */
  vmx: VmxCpuState;

  // ---------------------------------------------------------------- derived state (recomputed on restore)
  readonly segChk = new Int32Array(8);
  /** CR0.PE value the segment checks were computed for. */
  private segChkPe = -1;
  /** 0: linear = physical. 1: translate through the TLB (paging and/or EPT). */
  xlatMode = 0;
  /** Default operand/address size of the code segment: 16 or 32. */
  codeSize = 32;
  readonly permNeed = new Int32Array(PERM_NEED_SUP);
  readonly tlbTag = new Int32Array(TLB_SIZE).fill(-1);
  readonly tlbStamp = new Int32Array(TLB_SIZE);
  readonly tlbPfn = new Float64Array(TLB_SIZE);
  readonly tlbPerm = new Int32Array(TLB_SIZE);
  /** Current TLB context stamp: entries are valid only when stamped with it. */
  tlbCur = 1;
  private tlbNextStamp = 2;
  /** Stamp per address-space id (0 = VMX root / no VMX, else the VPID). */
  private readonly tlbStampOf = new Map<number, number>();
  /** Per address space, the context its entries were made in (see tlbEnsureContext). */
  private readonly tlbContextOf = new Map<number, number>();
  tlbAsid = 0;
  tlbGlobals = 0;

  /**
   * The TLB as plain data. A TLB may hold translations that no longer match the page tables (architecturally
   * allowed until software invalidates them), and walks set accessed/dirty bits only on a miss, so a restored
   * processor behaves exactly like the original only if its TLB is restored too (time travel relies on it).
   */
  saveTlb(): TlbState {
    return {
      tag: this.tlbTag.slice(), stamp: this.tlbStamp.slice(), pfn: this.tlbPfn.slice(), perm: this.tlbPerm.slice(),
      cur: this.tlbCur, nextStamp: this.tlbNextStamp, stampOf: [...this.tlbStampOf], asid: this.tlbAsid, globals: this.tlbGlobals,
      contextOf: [...this.tlbContextOf],
    };
  }

  loadTlb(t: TlbState): void {
    this.tlbTag.set(t.tag);
    this.tlbStamp.set(t.stamp);
    this.tlbPfn.set(t.pfn);
    this.tlbPerm.set(t.perm);
    this.tlbCur = t.cur;
    this.tlbNextStamp = t.nextStamp;
    this.tlbStampOf.clear();
    for (const [k, v] of t.stampOf) this.tlbStampOf.set(k, v);
    this.tlbAsid = t.asid;
    this.tlbGlobals = t.globals;
    this.tlbContextOf.clear();
    for (const [k, v] of t.contextOf ?? []) this.tlbContextOf.set(k, v);
  }

  // ---------------------------------------------------------------- interpreter bookkeeping
  /** Non-zero ends the current block after the executing instruction. */
  stop = 0;
  /** Set by instructions that need the slow, one-at-a-time path (TF, breakpoints near). */
  abortKind: AbortKind = AbortKind.EXCEPTION;
  pendingVector = 0;
  pendingErrorCode = -1;
  pendingCr2 = 0;
  /** Event type of the exception being raised (hardware 3, software 6, privileged software 5). */
  pendingType = 3;
  /** Scratch for descriptor reads (no allocation). */
  descLo = 0;
  descHi = 0;
  /** Scratch for TSS stack reads. */
  tssSs = 0;
  tssEsp = 0;
  /** The event being delivered through the IDT, in IDT-vectoring-information format (0 = none). */
  eventInFlight = 0;
  eventInFlightErr = 0;
  /** DR6 bits of a #DB being raised: written to DR6 when it is delivered, reported in the exit qualification
   * instead when it causes a VM exit. */
  pendingDr6 = 0;
  /** Length of the software-event instruction being delivered (0 for hardware events). */
  eventInFlightLen = 0;
  /** Set while VM entry delivers an injected event (which bypasses the exception bitmap, SDM Vol. 3C §26.6). */
  injecting = false;
  /** Set by a fused instruction pair (exec/fast.ts `fuse`) whose second instruction faults after the first retired. */
  fusedRetired = 0;
  /** Linear address of the current read-modify-write operand. */
  rmwLin = 0;
  /** Simulated cycles of the VM-exit and VM-entry transitions themselves (from the cost model). */
  vmExitCycles = 0;
  vmEntryCycles = 0;
  /** Non-zero after a VMX abort (SDM Vol. 3C §27.7): the abort indicator. */
  vmxAbortCode = 0;
  unhandledVector = -1;
  unhandledErrorCode = -1;
  /** When set, a VM exit returns from `run` with RunStop.VMEXIT instead of continuing at HOST_RIP. */
  vmmTakesExits = false;
  /**
   * Set by the TypeScript VMM (with `vmmTakesExits`): a VM exit may leave the host-state load pending, because no
   * host instruction runs before the VMM resumes the guest (vmx/exit.ts `deferHostState`).
   */
  hostStateDeferral = false;
  /**
   * Not -1: a VM exit's host-state load is pending (vmx/exit.ts): the registers still hold the guest state the exit
   * saved, and the VMCS region at this address holds the host state to load. Never set outside the VMM's run loop
   * (Hypervisor.run settles it), hence not part of a snapshot.
   */
  pendingHostVmcs = -1;
  /**
   * Changes whenever the system registers a VM exit saves (see `IS_SYSTEM`) may have changed: an instruction
   * of a system class, an event delivery, a VM entry or exit that loads them, a reset or restore. With
   * `savedSysGen`/`savedSysVmcs` it lets a VM exit skip re-saving registers the VMCS already holds (vmx/exit.ts
   * saveGuestState). Bookkeeping, not architectural state: a restore starts it afresh.
   */
  sysGen = 0;
  savedSysGen = -1;
  savedSysVmcs = -1;
  /**
   * The earliest cycle at which a device the processor can hear (its interrupt controller's sources) will
   * change state by itself. The machine keeps it current after every port write, so that `run` returns in
   * time to let the devices raise their interrupts (Infinity = no pending device event).
   */
  deviceDeadline = Infinity;
  /** Set by the VM-exit code; cleared by `run`. */
  exitedToHost = false;
  /** Addresses (linear EIP) that stop the run before executing. */
  readonly breakpoints = new Set<number>();
  /** Bare labs: stop instead of delivering an exception through an IDT that cannot handle it. */
  stopOnUnhandledException = false;
  /**
   * A software VMM's hook into event delivery (ring deprivileging: src/core/techniques/deprivileged). Consulted
   * by protected-mode IDT delivery outside VMX non-root operation, after the gate and handler-segment checks,
   * where the processor would push the frame and enter the handler; the delivery into the handler's ring is
   * reported (EVENT_DELIVERY) first. Returning true means the TypeScript VMM handled the event and left the
   * processor in the state it chose. Null for every other machine: delivery is then unchanged.
   */
  eventInterceptor: EventInterceptor | null = null;
  unhandledException = false;
  /** The block being executed (null outside the block loop), the EIP it started at, and how many of its
   * instructions were already accounted by syncTime(). */
  private curBlock: Block | null = null;
  private curBlockEip = 0;
  private syncedK = 0;
  /** The block that ran last (for block chaining). */
  private prevBlock: Block | null = null;
  /** Skip the breakpoint check once (to step over the breakpoint we stopped at). */
  private skipBreakpointOnce = false;
  /** Scratch for decoding instructions that cross a page boundary. */
  private readonly crossBuf = new Uint8Array(16);

  constructor(mem: PhysicalMemory, model: ProcessorModel, opts: CpuOptions = {}) {
    this.mem = mem;
    this.model = model;
    this.id = opts.id ?? 0;
    this.io = opts.io ?? NO_IO;
    this.intr = opts.intr ?? null;
    this.trace = opts.trace ?? new NullSink();
    this.cache = opts.cache ?? new DecodeCache(mem);
    this.instructionCosts = new Float64Array(64).fill(1);
    if (opts.instructionCosts) for (let k = 0; k < opts.instructionCosts.length; k++) this.instructionCosts[k] = opts.instructionCosts[k];
    this.vmx = createVmxCpuState();
    this.resetToRealMode();
  }

  // ================================================================ reset
  /** Power-on state (SDM Vol. 3A §9.1.1, Table 9-1), except that execution starts wherever the loader says. */
  resetToRealMode(): void {
    this.sysGen++;
    this.regs.fill(0);
    this.eip = 0xfff0;
    this.eflags = 2;
    this.fop = 0;
    this.cr0 = 0x60000010;
    this.cr2 = this.cr3 = this.cr4 = 0;
    this.efer = 0;
    for (let s = 0; s < 6; s++) this.setSegCache(s, 0, 0, 0xffff, 0x93);
    this.setSegCache(Seg.CS, 0xf000, 0xffff0000 | 0, 0xffff, 0x9b);
    this.setSegCache(Seg.LDTR, 0, 0, 0xffff, 0x82);
    this.setSegCache(Seg.TR, 0, 0, 0xffff, 0x8b);
    this.gdtrBase = this.idtrBase = 0;
    this.gdtrLimit = this.idtrLimit = 0xffff;
    this.dr.set([0, 0, 0, 0, 0, 0, 0xffff0ff0 | 0, 0x400]);
    this.activity = Activity.ACTIVE;
    this.intShadow = 0;
    this.nmiPending = this.nmiBlocked = false;
    this.setCpl(0);
    this.updateModes();
    this.flushTlbAll();
  }

  // ================================================================ registers
  getReg8(r: number): number {
    return r < 4 ? this.regs[r] & 0xff : (this.regs[r - 4] >> 8) & 0xff;
  }
  setReg8(r: number, v: number): void {
    if (r < 4) this.regs[r] = (this.regs[r] & ~0xff) | (v & 0xff);
    else this.regs[r - 4] = (this.regs[r - 4] & ~0xff00) | ((v & 0xff) << 8);
  }
  getReg16(r: number): number {
    return this.regs[r] & 0xffff;
  }
  setReg16(r: number, v: number): void {
    this.regs[r] = (this.regs[r] & ~0xffff) | (v & 0xffff);
  }

  // ================================================================ flags
  /** The full EFLAGS value (materialises the lazy arithmetic flags without changing state). */
  getEflags(): number {
    if (this.fop === FlagOp.NONE) return this.eflags | 2;
    return ((this.eflags & ~ARITH_FLAGS) | lazyArith(this)) | 2;
  }
  /** Replaces EFLAGS bits selected by `mask` (the caller applies the privilege rules). */
  setEflags(v: number, mask: number): void {
    // With mask −1 (every VM entry and VM exit) no current bit survives `cur & ~mask`, so the lazy arithmetic flags
    // need not be materialised (getEflags has no side effects).
    const cur = mask === -1 ? 0 : this.getEflags();
    const old = this.eflags;
    this.eflags = ((cur & ~mask) | (v & mask) | 2) & 0x3f7fd7;
    this.fop = FlagOp.NONE;
    if ((old ^ this.eflags) & Flag.AC) this.updateAcCheck();
    if ((old ^ this.eflags) & (Flag.IF | Flag.TF | Flag.VM | Flag.RF)) this.stop = 1;
  }
  /** Forces the arithmetic flags to be stored in `eflags`. */
  materializeFlags(): void {
    if (this.fop !== FlagOp.NONE) {
      this.eflags = (this.eflags & ~ARITH_FLAGS) | lazyArith(this);
      this.fop = FlagOp.NONE;
    }
  }
  getCF(): number {
    return this.fop === FlagOp.NONE ? this.eflags & 1 : lazyCF(this);
  }
  cond(cc: number): boolean {
    return testCondition(this, cc);
  }
  setFlags(op: number, a: number, b: number, res: number): void {
    this.fop = op;
    this.fa = a;
    this.fb = b;
    this.fres = res;
  }

  // ================================================================ modes
  /** Alignment checking is on: CR0.AM = 1, EFLAGS.AC = 1, CPL = 3 (SDM Vol. 3A §6.15, interrupt 17). */
  acCheck = false;
  private updateAcCheck(): void {
    this.acCheck = this.cpl === 3 && (this.cr0 & Cr0.AM) !== 0 && (this.eflags & Flag.AC) !== 0;
  }

  setCpl(cpl: number): void {
    this.cpl = cpl;
    this.updateAcCheck();
    const t = cpl === 3 ? PERM_NEED_USER : PERM_NEED_SUP;
    const p = this.permNeed;
    p[0] = t[0];
    p[1] = t[1];
    p[2] = t[2];
    p[3] = t[3];
    p[4] = t[4];
  }

  /** Recomputes derived mode state after CR0/CR4/EFER/CS/VMX changes. */
  updateModes(): void {
    const paging = (this.cr0 & Cr0.PG) !== 0 && (this.cr0 & Cr0.PE) !== 0;
    const ept = this.vmx.nonRoot && this.vmx.eptEnabled;
    this.xlatMode = paging || ept ? 1 : 0;
    this.codeSize = (this.segAr[Seg.CS] & Ar.DB) !== 0 ? 32 : 16;
    this.updateAcCheck();
    // Segment checks depend on CR0.PE (real mode makes every segment read/write): recompute on a change.
    const pe = this.cr0 & Cr0.PE;
    if (pe !== this.segChkPe) {
      this.segChkPe = pe;
      for (let s = 0; s < 8; s++) this.recomputeSegChk(s);
    }
    this.stop = 1;
  }

  get protectedMode(): boolean {
    return (this.cr0 & Cr0.PE) !== 0;
  }
  get pagingEnabled(): boolean {
    return (this.cr0 & (Cr0.PG | Cr0.PE)) === ((Cr0.PG | Cr0.PE) | 0);
  }
  get paeEnabled(): boolean {
    return (this.cr4 & Cr4.PAE) !== 0;
  }
  get nxEnabled(): boolean {
    return (this.efer & Efer.NXE) !== 0 && (this.cr4 & Cr4.PAE) !== 0;
  }

  // ================================================================ segment cache
  /** Loads a segment register's hidden part and recomputes its access checks. */
  setSegCache(seg: number, sel: number, base: number, limit: number, ar: number): void {
    this.segSel[seg] = sel & 0xffff;
    this.segBase[seg] = base | 0;
    this.segLimit[seg] = limit | 0;
    this.segAr[seg] = ar;
    // The stored values (Int32Array stores are ToInt32, i.e. `| 0`), without reading them back.
    this.segChk[seg] = this.segChkOf(ar | 0, base | 0, limit | 0);
    if (seg === Seg.CS) {
      const size = (ar & Ar.DB) !== 0 ? 32 : 16;
      if (size !== this.codeSize) {
        this.codeSize = size;
        this.stop = 1;
      }
    }
  }

  recomputeSegChk(seg: number): void {
    this.segChk[seg] = this.segChkOf(this.segAr[seg], this.segBase[seg], this.segLimit[seg]);
  }

  /** The segment-check bits of a segment cache with these access rights, base and limit (under the current CR0.PE). */
  private segChkOf(ar: number, base: number, limit: number): number {
    let chk = 0;
    if ((ar & Ar.UNUSABLE) === 0) {
      const type = ar & 0xf;
      if ((ar & Ar.S) !== 0) {
        if ((type & 8) === 0) {
          chk = SegChk.READ | ((type & 2) !== 0 ? SegChk.WRITE : 0) | ((type & 4) !== 0 ? SegChk.EXPAND_DOWN : 0);
        } else if ((type & 2) !== 0) {
          chk = SegChk.READ;
        }
      } else if ((this.cr0 & Cr0.PE) === 0) {
        chk = SegChk.READ | SegChk.WRITE;
      }
      if ((this.cr0 & Cr0.PE) === 0) chk |= SegChk.READ | SegChk.WRITE; // real mode: any segment is read/write
      if ((ar & Ar.DB) !== 0) chk |= SegChk.BIG;
      if (
        (chk & (SegChk.READ | SegChk.WRITE | SegChk.EXPAND_DOWN)) === (SegChk.READ | SegChk.WRITE) &&
        base === 0 &&
        limit === -1
      ) {
        chk |= SegChk.FLAT;
      }
    }
    return chk;
  }

  // ================================================================ exceptions
  /** Raises an exception: records it and aborts the current instruction. */
  raise(vector: number, errorCode = -1, type = 3): never {
    this.syncTime();
    this.pendingVector = vector;
    this.pendingErrorCode = errorCode;
    this.pendingType = type;
    this.abortKind = AbortKind.EXCEPTION;
    throw ABORT;
  }
  gp(code = 0): never {
    return this.raise(Vec.GP, code & 0xffff);
  }
  ud(): never {
    return this.raise(Vec.UD);
  }
  ss(code = 0): never {
    return this.raise(Vec.SS, code & 0xffff);
  }
  np(code: number): never {
    return this.raise(Vec.NP, code & 0xffff);
  }
  ts(code: number): never {
    return this.raise(Vec.TS, code & 0xffff);
  }
  pf(lin: number, errorCode: number): never {
    this.pendingCr2 = lin | 0;
    return this.raise(Vec.PF, errorCode);
  }
  /**
   * Puts ESP back after an access part-way through an instruction (or an event delivery) failed, when the
   * instruction had already moved it: a fault leaves the state as it was before the instruction (SDM Vol. 3A §6.6).
   * When the failure was a VM exit (an EPT violation or misconfiguration on a later stack slot), the exit is
   * fault-like — the state it saves is the state before the instruction (SDM Vol. 3C §27.1) — and it has already
   * saved the guest state and loaded the host's: the old ESP goes into the saved guest RSP, not into the host's.
   */
  restoreEspAfterAbort(oldEsp: number): void {
    if (this.abortKind === AbortKind.VMEXIT && !this.vmx.nonRoot && this.vmx.vmcsPtr !== -1) {
      const k = (this.vmx.vmcsPtr + VO.GUEST_RSP) >>> 2;
      this.mem.i32[k] = oldEsp;
      this.mem.i32[k + 1] = 0;
      this.mem.dirtyPages[this.vmx.vmcsPtr >>> 12] = 1;
    } else this.regs[4] = oldEsp;
  }

  /** Marks that a VM exit happened inside the current instruction and aborts it. */
  abortForVmExit(): never {
    this.abortKind = AbortKind.VMEXIT;
    throw ABORT;
  }

  // ================================================================ segmentation
  /** Segment check + linear address for an access of `size` bytes at `off` (SDM Vol. 3A §5.3). */
  linear(seg: number, off: number, size: number, write: boolean): number {
    const chk = this.segChk[seg];
    if (this.acCheck && size > 1 && ((this.segBase[seg] + off) & (size > 8 ? 15 : size - 1)) !== 0) this.raise(Vec.AC, 0);
    if ((chk & SegChk.FLAT) !== 0) return off | 0;
    if ((chk & (write ? SegChk.WRITE : SegChk.READ)) === 0) {
      // Null/unusable selector, write to a read-only segment, or read of an execute-only segment.
      if (seg === Seg.SS) this.ss(0);
      this.gp(0);
    }
    const o = off >>> 0;
    const last = o + size - 1;
    const limit = this.segLimit[seg] >>> 0;
    if ((chk & SegChk.EXPAND_DOWN) === 0) {
      if (last > limit) this.segFault(seg);
    } else {
      const upper = (chk & SegChk.BIG) !== 0 ? 0xffffffff : 0xffff;
      if (o <= limit || last > upper) this.segFault(seg);
    }
    return (this.segBase[seg] + off) | 0;
  }
  private segFault(seg: number): never {
    if (seg === Seg.SS) this.ss(0);
    return this.gp(0);
  }

  // ================================================================ TLB and translation
  /** Translates a linear address for an access (SDM Vol. 3A Ch. 4; EPT per Vol. 3C Ch. 28). */
  xlate(lin: number, acc: number): number {
    if (this.xlatMode === 0) return lin >>> 0;
    const vpn = lin >>> 12;
    const idx = vpn & TLB_MASK;
    if (this.tlbTag[idx] === vpn && this.tlbStamp[idx] === this.tlbCur && (this.tlbPerm[idx] & this.permNeed[acc]) !== 0) {
      return this.tlbPfn[idx] + (lin & 0xfff);
    }
    return walk(this, lin, acc);
  }

  tlbInsert(lin: number, pfnBase: number, perm: number): void {
    const vpn = lin >>> 12;
    const idx = vpn & TLB_MASK;
    if ((this.tlbPerm[idx] & Perm.GLOBAL) !== 0 && this.tlbTag[idx] !== -1) this.tlbGlobals--;
    this.tlbTag[idx] = vpn;
    this.tlbStamp[idx] = this.tlbCur;
    this.tlbPfn[idx] = pfnBase;
    this.tlbPerm[idx] = perm;
    if ((perm & Perm.GLOBAL) !== 0) this.tlbGlobals++;
  }

  /** Switches the TLB to the address space of `asid` (0 = root; VPID in non-root) (SDM Vol. 3C §28.1). */
  tlbSwitchAsid(asid: number): void {
    this.tlbAsid = asid;
    let st = this.tlbStampOf.get(asid);
    if (st === undefined) {
      st = this.tlbNextStamp++;
      this.tlbStampOf.set(asid, st);
    }
    this.tlbCur = st;
  }

  /** Invalidates the current address space's non-global translations (MOV to CR3, SDM Vol. 3A §4.10.4.1). */
  flushTlbNonGlobal(): void {
    const old = this.tlbCur;
    const st = this.tlbNextStamp++;
    this.tlbStampOf.set(this.tlbAsid, st);
    this.tlbCur = st;
    if (this.tlbGlobals > 0) {
      for (let k = 0; k < TLB_SIZE; k++) {
        if (this.tlbStamp[k] === old && (this.tlbPerm[k] & Perm.GLOBAL) !== 0) this.tlbStamp[k] = st;
      }
    }
  }

  /** Invalidates every translation of every address space. */
  flushTlbAll(): void {
    this.tlbTag.fill(-1);
    this.tlbGlobals = 0;
    this.tlbStampOf.clear();
    const st = this.tlbNextStamp++;
    this.tlbStampOf.set(this.tlbAsid, st);
    this.tlbCur = st;
  }

  /**
   * Makes sure the translations cached for `asid` were made in context `key` (what they depend on besides the
   * VPID: see vmx/entry.ts `tlbContextKey`), dropping them otherwise — as a TLB that tags entries with it would
   * never use them (SDM Vol. 3C §28.3.1: mappings are used only with the current VPID and EP4TA).
   */
  tlbEnsureContext(asid: number, key: number): void {
    if (this.tlbContextOf.get(asid) === key) return;
    this.flushTlbAsid(asid);
    this.tlbContextOf.set(asid, key);
  }

  /** Invalidates all translations tagged with `asid` (INVVPID single-context). */
  flushTlbAsid(asid: number): void {
    const st = this.tlbNextStamp++;
    this.tlbStampOf.set(asid, st);
    if (asid === this.tlbAsid) this.tlbCur = st;
  }

  /** INVLPG: drops the translation of one page, in the current address space (SDM Vol. 3A §4.10.4.1). */
  flushTlbPage(lin: number): void {
    const vpn = lin >>> 12;
    const idx = vpn & TLB_MASK;
    if (this.tlbTag[idx] === vpn) {
      if ((this.tlbPerm[idx] & Perm.GLOBAL) !== 0) this.tlbGlobals--;
      this.tlbTag[idx] = -1;
    }
  }

  // ================================================================ memory by linear address
  readLin8(lin: number, acc: number = Acc.READ): number {
    return this.mem.read8(this.xlate(lin, acc));
  }
  readLin16(lin: number, acc: number = Acc.READ): number {
    if ((lin & 0xfff) === 0xfff) return this.readLin8(lin, acc) | (this.readLin8(lin + 1, acc) << 8);
    return this.mem.read16(this.xlate(lin, acc));
  }
  readLin32(lin: number, acc: number = Acc.READ): number {
    if ((lin & 0xfff) > 0xffc) {
      const pa0 = this.xlate(lin, acc);
      const pa1 = this.xlate((lin | 0xfff) + 1, acc);
      let v = 0;
      for (let k = 0; k < 4; k++) {
        const a = (lin & 0xfff) + k < 0x1000 ? pa0 + k : pa1 + ((lin & 0xfff) + k - 0x1000);
        v |= this.mem.read8(a) << (8 * k);
      }
      return v;
    }
    return this.mem.read32(this.xlate(lin, acc));
  }
  writeLin8(lin: number, v: number, acc: number = Acc.WRITE): void {
    this.mem.write8(this.xlate(lin, acc), v & 0xff);
  }
  writeLin16(lin: number, v: number, acc: number = Acc.WRITE): void {
    if ((lin & 0xfff) === 0xfff) {
      const pa0 = this.xlate(lin, acc);
      const pa1 = this.xlate(lin + 1, acc);
      this.mem.write8(pa0, v & 0xff);
      this.mem.write8(pa1, (v >>> 8) & 0xff);
      return;
    }
    this.mem.write16(this.xlate(lin, acc), v & 0xffff);
  }
  writeLin32(lin: number, v: number, acc: number = Acc.WRITE): void {
    if ((lin & 0xfff) > 0xffc) {
      // Both pages are checked before anything is written (no partial write on a #PF).
      const pa0 = this.xlate(lin, acc);
      const pa1 = this.xlate((lin | 0xfff) + 1, acc);
      for (let k = 0; k < 4; k++) {
        const a = (lin & 0xfff) + k < 0x1000 ? pa0 + k : pa1 + ((lin & 0xfff) + k - 0x1000);
        this.mem.write8(a, (v >>> (8 * k)) & 0xff);
      }
      return;
    }
    this.mem.write32(this.xlate(lin, acc), v);
  }

  // ================================================================ memory by segment:offset
  read8(seg: number, off: number): number {
    return this.readLin8(this.linear(seg, off, 1, false));
  }
  read16(seg: number, off: number): number {
    return this.readLin16(this.linear(seg, off, 2, false));
  }
  read32(seg: number, off: number): number {
    return this.readLin32(this.linear(seg, off, 4, false));
  }
  write8(seg: number, off: number, v: number): void {
    this.writeLin8(this.linear(seg, off, 1, true), v);
  }
  write16(seg: number, off: number, v: number): void {
    this.writeLin16(this.linear(seg, off, 2, true), v);
  }
  write32(seg: number, off: number, v: number): void {
    this.writeLin32(this.linear(seg, off, 4, true), v);
  }

  // ================================================================ operand helpers
  /** Effective address (offset within the segment) of the instruction's memory operand. */
  ea(i: Insn): number {
    if (i.mem === 1) {
      let a = i.disp;
      if (i.base >= 0) a += this.regs[i.base];
      if (i.index >= 0) a += this.regs[i.index] << i.scale;
      return a | 0;
    }
    let a = i.disp;
    if (i.base >= 0) a += this.regs[i.base];
    if (i.index >= 0) a += this.regs[i.index];
    return a & 0xffff;
  }

  readE8(i: Insn): number {
    return i.mod === 3 ? this.getReg8(i.rm) : this.read8(i.seg, this.ea(i));
  }
  readE16(i: Insn): number {
    return i.mod === 3 ? this.regs[i.rm] & 0xffff : this.read16(i.seg, this.ea(i));
  }
  readE32(i: Insn): number {
    return i.mod === 3 ? this.regs[i.rm] : this.read32(i.seg, this.ea(i));
  }
  readEv(i: Insn): number {
    return i.osz === 4 ? this.readE32(i) : this.readE16(i);
  }
  writeE8(i: Insn, v: number): void {
    if (i.mod === 3) this.setReg8(i.rm, v);
    else this.write8(i.seg, this.ea(i), v);
  }
  writeE16(i: Insn, v: number): void {
    if (i.mod === 3) this.setReg16(i.rm, v);
    else this.write16(i.seg, this.ea(i), v);
  }
  writeE32(i: Insn, v: number): void {
    if (i.mod === 3) this.regs[i.rm] = v;
    else this.write32(i.seg, this.ea(i), v);
  }
  writeEv(i: Insn, v: number): void {
    if (i.osz === 4) this.writeE32(i, v);
    else this.writeE16(i, v);
  }
  getRegV(r: number, osz: number): number {
    return osz === 4 ? this.regs[r] : this.regs[r] & 0xffff;
  }
  setRegV(r: number, osz: number, v: number): void {
    if (osz === 4) this.regs[r] = v;
    else this.setReg16(r, v);
  }

  // ================================================================ stack
  /** Stack-pointer width from SS.B (SDM Vol. 3A §6.2.3). */
  get stackSize(): number {
    return (this.segAr[Seg.SS] & Ar.DB) !== 0 ? 4 : 2;
  }
  push32(v: number): void {
    if ((this.segAr[Seg.SS] & Ar.DB) !== 0) {
      const sp = (this.regs[4] - 4) | 0;
      this.write32(Seg.SS, sp, v);
      this.regs[4] = sp;
    } else {
      const sp = (this.regs[4] - 4) & 0xffff;
      this.write32(Seg.SS, sp, v);
      this.setReg16(4, sp);
    }
  }
  push16(v: number): void {
    if ((this.segAr[Seg.SS] & Ar.DB) !== 0) {
      const sp = (this.regs[4] - 2) | 0;
      this.write16(Seg.SS, sp, v);
      this.regs[4] = sp;
    } else {
      const sp = (this.regs[4] - 2) & 0xffff;
      this.write16(Seg.SS, sp, v);
      this.setReg16(4, sp);
    }
  }
  pushV(v: number, osz: number): void {
    if (osz === 4) this.push32(v);
    else this.push16(v);
  }
  /** Reads the top of the stack at `offset` bytes above ESP without popping. */
  peek32(offset: number): number {
    const sp = (this.segAr[Seg.SS] & Ar.DB) !== 0 ? (this.regs[4] + offset) | 0 : (this.regs[4] + offset) & 0xffff;
    return this.read32(Seg.SS, sp);
  }
  peek16(offset: number): number {
    const sp = (this.segAr[Seg.SS] & Ar.DB) !== 0 ? (this.regs[4] + offset) | 0 : (this.regs[4] + offset) & 0xffff;
    return this.read16(Seg.SS, sp);
  }
  pop32(): number {
    const v = this.peek32(0);
    this.adjustSp(4);
    return v;
  }
  pop16(): number {
    const v = this.peek16(0);
    this.adjustSp(2);
    return v;
  }
  popV(osz: number): number {
    return osz === 4 ? this.pop32() : this.pop16();
  }
  adjustSp(n: number): void {
    if ((this.segAr[Seg.SS] & Ar.DB) !== 0) this.regs[4] = (this.regs[4] + n) | 0;
    else this.setReg16(4, this.regs[4] + n);
  }

  // ================================================================ time
  /** The time-stamp counter as the processor (root / bare) sees it. */
  get tsc(): number {
    return Math.floor(this.cycles) + this.tscOffset;
  }

  // ================================================================ the interpreter loop
  /**
   * Runs until the cycle counter reaches `untilCycle`, `maxInsns` instructions retire, or something
   * stops the processor (HLT, shutdown, a VM exit the TypeScript VMM must handle, a breakpoint).
   */
  run(untilCycle: number, maxInsns = Number.MAX_SAFE_INTEGER): RunStop {
    const insnLimit = this.icount + maxInsns;
    this.exitedToHost = false;
    for (;;) {
      if (this.yieldRequested) return RunStop.YIELD;
      // An exception loop that retires nothing ends at the budget too (see `abortedInsns`).
      if (this.cycles >= untilCycle || this.icount >= insnLimit || this.exceptionLoop(maxInsns)) return RunStop.BUDGET;
      if (this.activity === Activity.SHUTDOWN) return RunStop.SHUTDOWN;
      if (this.eventsChecked) {
        // Resuming after a yield at this very boundary: events were recognised before it.
        this.eventsChecked = false;
      } else {
        try {
          // Events recognised at the instruction boundary (SDM Vol. 3A §6.9; VMX: Vol. 3C §25.2, §26.7).
          checkPendingEvents(this);
        } catch (e) {
          if (e !== ABORT) throw e;
          this.onAbort();
        }
        // An event just delivered with the monitor trap flag set: its MTF VM exit comes before the handler's first
        // instruction (interrupts.ts deliverEvent), so events are looked at again (after a yield, too).
        if (this.vmx.mtfPending && this.vmx.nonRoot && !this.exitedToHost) continue;
        if (this.yieldRequested && !this.exitedToHost && this.activity === Activity.ACTIVE && !this.unhandledException) {
          this.eventsChecked = true;
          return RunStop.YIELD;
        }
      }
      if (this.exitedToHost && this.vmmTakesExits) return RunStop.VMEXIT;
      if (this.activity !== Activity.ACTIVE) {
        return (this.activity as Activity) === Activity.SHUTDOWN ? RunStop.SHUTDOWN : RunStop.HALTED;
      }
      if (this.unhandledException) return RunStop.UNHANDLED_EXCEPTION;
      if (this.breakpoints.size > 0) {
        const lin = (this.segBase[Seg.CS] + this.eip) >>> 0;
        if (this.breakpoints.has(lin) && !this.skipBreakpointOnce) {
          this.skipBreakpointOnce = true;
          return RunStop.BREAKPOINT;
        }
        this.skipBreakpointOnce = false;
      }
      // Blocks back to back until something that matters for event recognition changes (`stop`), the budget
      // ends, or the VMX-preemption timer is due; then events are checked again at the boundary.
      let limit = untilCycle;
      if (this.vmx.nonRoot && this.vmx.preemptionTimer && this.vmx.preemptionDeadline < limit) limit = this.vmx.preemptionDeadline;
      if (this.deviceDeadline < limit) limit = this.deviceDeadline;
      if (this.cycles >= this.deviceDeadline) return RunStop.BUDGET;
      this.stop = 0;
      this.cache.running = this;
      try {
        do {
          this.executeBlock(limit, insnLimit);
        } while (this.stop === 0 && this.activity === Activity.ACTIVE && this.cycles < limit && this.icount < insnLimit);
      } catch (e) {
        if (e !== ABORT) throw e;
        this.onAbort();
      }
      this.cache.running = null;
      if (this.exitedToHost && this.vmmTakesExits) return RunStop.VMEXIT;
      if (this.unhandledException) return RunStop.UNHANDLED_EXCEPTION;
    }
  }

  /** Handles an aborted instruction: deliver the exception, or note the VM exit / shutdown. */
  private onAbort(): void {
    this.cache.running = null;
    this.stop = 1;
    if (this.abortKind === AbortKind.EXCEPTION) {
      this.abortedInsns++;
      if (this.abortStreakAt !== this.icount) {
        this.abortStreakAt = this.icount;
        this.abortStreak = 0;
      }
      this.abortStreak++;
      deliverPendingException(this);
    }
  }

  /**
   * Finds (or decodes) the block at CS:EIP and runs it, or just its first instruction when precision is needed;
   * then the next block, and so on, while `run`'s condition for calling it again holds (nothing set `stop`, the
   * processor is active, the budget is not spent). Chaining the blocks here rather than returning to `run`
   * between them is the same sequence of steps without a call and an exception frame per block.
   */
  private executeBlock(untilCycle: number, insnLimit: number): void {
    // The block being executed, for the time accounting when an instruction aborts it (see the finally).
    let cur: Block | null = null;
    let k = 0;
    try {
      for (;;) {
        const lin = (this.segBase[Seg.CS] + this.eip) | 0;
        const pa = this.xlate(lin, Acc.FETCH);
        // Block chaining: the block that ran last remembers its most recent successor, so a loop does not pay
        // for a cache lookup per iteration. The decode-cache epoch changes on any invalidation.
        const prev = this.prevBlock;
        const epoch = this.cache.epoch;
        let block: Block;
        if (prev !== null && prev.succPa === pa && prev.succEpoch === epoch && prev.succ !== null && prev.succ.codeSize === this.codeSize) {
          block = prev.succ;
        } else {
          block = this.cache.get(pa, this.codeSize) ?? this.buildBlock(pa, lin);
          if (prev !== null && block.cached && prev.cached) {
            prev.succPa = pa;
            prev.succ = block;
            prev.succEpoch = this.cache.epoch;
          }
        }
        this.prevBlock = block;
        const insns = block.insns;
        const n = insns.length;
        // Slow path: one instruction when an event is due inside the block, when the budget ends inside it,
        // when a breakpoint may be inside, when single-stepping (TF) or in an interrupt shadow, or when the code
        // segment is not flat (limit checks per instruction).
        if (
          this.intShadow !== 0 ||
          this.traceRetire ||
          this.cycles + block.cost > untilCycle ||
          this.icount + n > insnLimit ||
          (this.eflags & (Flag.TF | Flag.RF)) !== 0 ||
          this.breakpoints.size > 0 ||
          ((this.segChk[Seg.CS] & SegChk.FLAT) === 0 && !this.codeFitsLimit(block)) ||
          (this.vmx.nonRoot && (this.vmx.mtf || (this.vmx.preemptionTimer && this.cycles + block.cost > this.vmx.preemptionDeadline)))
        ) {
          this.stepInsn(insns[0]);
          return;
        }
        // Time is accounted per block: instructions that observe time (I/O, RDTSC, MSRs, VMX, events...) always
        // start a block (see buildBlock), and anything that needs the exact time mid-block calls syncTime().
        if (block.sys) this.sysGen++;
        this.curBlock = block;
        this.curBlockEip = this.eip;
        this.syncedK = 0;
        cur = block;
        k = 0;
        while (k < n) {
          const i = insns[k];
          i.blockFn(this, i);
          k += i.span;
          if (this.stop !== 0) break;
        }
        let base = this.syncedK;
        this.cycles += block.cum[k] - block.cum[base];
        this.icount += k - base;
        // A loop that is one block (it jumps back to its own start) runs again here, while the next pass would take
        // the same way through the code above: the block is pure (none of its instructions can change what the
        // checks above read — CS, EFLAGS.TF, the interrupt shadow, VMX controls, time observers: see buildBlock),
        // nothing set `stop` (a write to its code, a mode change), the fetch still translates to the same physical
        // address and no decoded code was invalidated (so the lookup would return this very block), and the budget
        // holds the whole block again.
        if (block.pure && block.cached && this.stop === 0 && this.eip === this.curBlockEip) {
          for (;;) {
            // Between passes no block is running (as between blocks): a #PF on the fetch accounts nothing twice.
            this.curBlock = null;
            cur = null;
            if (
              this.cycles + block.cost > untilCycle ||
              this.icount + n > insnLimit ||
              this.cycles >= untilCycle ||
              this.xlate(lin, Acc.FETCH) !== pa ||
              this.cache.epoch !== epoch
            ) {
              break;
            }
            this.curBlock = block;
            cur = block;
            this.syncedK = 0;
            k = 0;
            while (k < n) {
              const i = insns[k];
              i.blockFn(this, i);
              k += i.span;
              if (this.stop !== 0) break;
            }
            base = this.syncedK;
            this.cycles += block.cum[k] - block.cum[base];
            this.icount += k - base;
            if (this.stop !== 0 || this.eip !== this.curBlockEip) break;
          }
        }
        this.curBlock = null;
        cur = null;
        // `run` would call again only under this condition.
        if (this.stop !== 0 || this.activity !== Activity.ACTIVE || this.cycles >= untilCycle || this.icount >= insnLimit) return;
      }
    } finally {
      if (cur !== null) {
        // An instruction aborted the block (fault or VM exit): the ones before it have retired — including the
        // first of a fused pair whose jump faulted (exec/fast.ts `fuse`).
        k += this.fusedRetired;
        this.fusedRetired = 0;
        const base = this.syncedK;
        this.cycles += cur.cum[k] - cur.cum[base];
        this.icount += k - base;
        this.curBlock = null;
      }
    }
  }

  /**
   * Brings `cycles` and `icount` up to date in the middle of a block (before a VM exit or an event is
   * recorded): the instructions of the current block before the one at EIP have retired.
   */
  syncTime(): void {
    const b = this.curBlock;
    if (b === null) return;
    const off = (this.eip - this.curBlockEip) | 0;
    const offs = b.offs;
    let k = 0;
    while (k < offs.length && offs[k] !== off) k++;
    if (k >= offs.length || k < this.syncedK) return;
    this.cycles += b.cum[k] - b.cum[this.syncedK];
    this.icount += k - this.syncedK;
    this.syncedK = k;
  }

  private codeFitsLimit(block: Block): boolean {
    if ((this.segAr[Seg.CS] & Ar.UNUSABLE) !== 0) return false;
    return (this.eip >>> 0) + block.byteLen - 1 <= this.segLimit[Seg.CS] >>> 0;
  }

  /** Executes exactly one instruction (with CS-limit check, interrupt-shadow and single-step handling). */
  private stepInsn(i: Insn): void {
    const eip = this.eip >>> 0;
    if ((this.segChk[Seg.CS] & SegChk.FLAT) === 0 && eip + i.len - 1 > this.segLimit[Seg.CS] >>> 0) this.gp(0);
    const shadow = this.intShadow;
    const tf = (this.eflags & Flag.TF) !== 0;
    const wasNonRoot = this.vmx.nonRoot;
    const cplBefore = this.cpl;
    const faultsBefore = this.deliveryFaults;
    if (changesSystemState(i)) this.sysGen++;
    // RF (set by IRET or VM entry from a fault handler's frame) lets exactly this instruction start without its
    // instruction breakpoint; the processor clears it as the instruction executes (SDM Vol. 3A §17.3.1.1; Bochs
    // clears it at prefetch). A fault of this instruction pushes RF = 1 again (interrupts.ts deliverProtected).
    if ((this.eflags & Flag.RF) !== 0) this.eflags &= ~Flag.RF;
    i.fn(this, i);
    this.cycles += i.cost;
    this.icount++;
    if (this.traceRetire) {
      this.trace.emit(EventKind.INSN_RETIRED, this.cycles, this.id, eip, cplBefore, vmxMode(this), i.len, (this.segBase[Seg.CS] + eip) >>> 0, this.cpl, 0);
    }
    // The shadow of STI / MOV SS covers exactly one instruction (SDM Vol. 3A §6.8.3); events are then
    // recognised again, so the run loop must look.
    if (shadow !== 0 && this.intShadow === shadow) {
      this.intShadow = 0;
      this.stop = 1;
    }
    // Monitor trap flag: a VM exit is pending after the instruction (SDM Vol. 3C §25.5.2).
    if (this.vmx.nonRoot && this.vmx.mtf && !this.exitedToHost) {
      this.vmx.mtfPending = true;
      this.stop = 1;
    }
    // Single-step trap after the instruction (SDM Vol. 3A §17.3.1.4): #DB with DR6.BS. Not across a VMX
    // transition: VM entry replaces RFLAGS and takes pending debug exceptions from the VMCS (SDM Vol. 3C
    // §26.6.3), and a VM exit loads RFLAGS = 2. With a pending MTF VM exit, the MTF exit comes first and
    // records the trap as a pending debug exception (BS) in the guest state (SDM Vol. 3C §25.5.2).
    // MOV SS / POP SS also delay the single-step trap to the end of the next instruction (SDM Vol. 3A §6.8.3).
    const ssBlocked = this.intShadow === 2 && shadow !== 2;
    // Debug exceptions VM entry held over a MOV-SS shadow (vmx/entry.ts) come due after this instruction too.
    const held = shadow === 2 && wasNonRoot && !ssBlocked ? this.vmx.pendingDebug & 0x500f : 0;
    const step = tf && !ssBlocked && this.deliveryFaults === faultsBefore;
    if ((step || (held & 0x5000) !== 0) && !this.exitedToHost && this.vmx.nonRoot === wasNonRoot) {
      if (this.vmx.nonRoot && this.vmx.mtfPending) {
        if (step) this.vmx.pendingDebug |= 0x4000;
      } else {
        this.pendingDr6 |= (held & 0x400f) | (step ? 0x4000 : 0);
        if (held !== 0) this.vmx.pendingDebug = 0;
        this.raise(Vec.DB, -1);
      }
    }
  }

  /** Decodes a block starting at physical address `pa` (linear `lin`). */
  private buildBlock(pa: number, lin: number): Block {
    const block = new Block(pa, this.codeSize);
    const mem = this.mem;
    const pageEnd = (Math.floor(pa / 4096) + 1) * 4096;
    let off = 0;
    let cost = 0;
    for (let n = 0; n < MAX_BLOCK; n++) {
      const at = pa + off;
      if (at >= pageEnd) break;
      const insn = new Insn();
      let ok: boolean;
      if (at + 15 <= pageEnd && at + 15 <= mem.size) {
        ok = decodeInsn(mem.bytes, at, at + 15, this.codeSize, insn);
      } else {
        // Near the end of the page (or of RAM): decode from what the page holds.
        const avail = Math.min(pageEnd, mem.size) - at;
        const buf = this.crossBuf;
        buf.fill(0xff);
        for (let k = 0; k < Math.max(0, avail); k++) buf[k] = mem.bytes[at + k];
        ok = decodeInsn(buf, 0, Math.max(0, avail), this.codeSize, insn);
        if (!ok) {
          if (n > 0) break; // end the block before the page-crossing instruction
          // The first instruction crosses into the next page: fetch the rest through translation (may #PF).
          for (let k = Math.max(0, avail); k < 15; k++) buf[k] = this.readLin8((lin + off + k) | 0, Acc.FETCH);
          decodeInsn(buf, 0, 15, this.codeSize, insn);
          this.applyCost(insn);
          block.insns.push(insn);
          finishBlock(block);
          block.cost = insn.cost;
          block.byteLen = insn.len;
          return block; // not cached: it depends on two pages
        }
      }
      if (!ok) break;
      // Instructions that observe or change time, devices or VMX state start their own block, so the clock
      // is exact when they run (see executeBlock).
      if (n > 0 && observesTime(insn)) break;
      this.applyCost(insn);
      block.insns.push(insn);
      cost += insn.cost;
      off += insn.len;
      if (insn.flow === InsnFlow.END_BLOCK) break;
    }
    if (block.insns.length === 0) {
      // Defensive: a decode that yields nothing must still make progress (as a #UD), never an empty block.
      const bad = new Insn();
      bad.fn = (c: Cpu) => c.ud();
      bad.len = 1;
      bad.invalid = t('x86.decode.undecodable');
      block.insns.push(bad);
      off = 1;
    }
    finishBlock(block);
    block.cost = cost;
    block.byteLen = off;
    let pure = true;
    let sys = false;
    for (const i of block.insns) {
      if (observesTime(i)) pure = false;
      if (changesSystemState(i)) sys = true;
    }
    block.pure = pure;
    block.sys = sys;
    if (block.insns.length > 0 && pa < mem.size) this.cache.put(block);
    return block;
  }

  private applyCost(i: Insn): void {
    i.cost = this.instructionCosts[i.costClass] ?? 1;
    specialize(i);
  }

  /** Drops cached decodes (after the cost table changes, or on restore). */
  invalidateDecodeCache(): void {
    this.cache.clear();
  }
}
