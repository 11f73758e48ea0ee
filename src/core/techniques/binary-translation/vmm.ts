/**
 * # A binary-translating VMM (VMware's pre-VT-x technique, Adams & Agesen 2006 §3)
 *
 * The machine is the trap-and-emulate VMM's (../deprivileged/vmm.ts, which this class extends): the guest
 * kernel runs deprivileged at the processor's CPL 1 on the VMM's shadow GDT, IDT, TSS and shadow page tables,
 * with the virtual CPU state (CR0–CR4, IF, IOPL, GDTR, IDTR, LDTR, TR, DRs, MSRs) kept by the VMM; its
 * applications run at CPL 3; devices are the VM's own PIC, PIT and UART; every exception and interrupt still
 * traps into the VMM and is reflected through the guest's IDT (SW_TRAP / SW_RESUME, one trap round trip each).
 *
 * What changes is how guest *kernel* code runs. Guest user code (CPL 3) runs directly on the processor, as
 * before. Guest kernel code (virtual CPL 0, or 1–2) never runs as written: the VMM translates it one
 * translation unit at a time (a basic block: up to and including the first control transfer or sensitive
 * instruction, the page end, or MAX_UNIT_INSNS instructions) into the translation cache (tc.ts), and runs
 * the translation:
 *  - innocuous instructions are copied ("IDENT") and run on the processor, one at a time;
 *  - sensitive instructions — the privileged ones *and* the sensitive unprivileged ones that trap-and-emulate
 *    never sees (POPF, PUSHF, SGDT, SIDT, SLDT, STR, SMSW, LAR, LSL, VERR, VERW, PUSH/MOV of CS and SS,
 *    segment loads, far CALL/JMP/RET, IRET, INT n) — became callouts: the VMM emulates them against the
 *    virtual CPU with their native semantics at the guest's virtual CPL (callouts.ts), so the guest gets the
 *    answers it would get on the bare machine;
 *  - near control transfers end the unit; the translation chains to the translation of where they go (direct
 *    transfers follow a chain link; indirect ones — RET, JMP/CALL r/m — look the target up in the TC).
 * "Running a translation" means interpreting this list of ops on the existing processor model: no x86 bytes
 * are generated. The translation cache is a real structure (guest address → translation, hits, misses, chain
 * links), snapshotted as plain data. A guest write to translated bytes (self-modifying code) drops the
 * translations it touches (BT_INVALIDATE); the code is translated again when it next runs.
 *
 * Instruction boundaries: the VMM recognises events (interrupts from the virtual PIC, pending traps) at every
 * boundary of translated code exactly where the processor would, with the processor's own event logic.
 *
 * **Costs** (costs.ts): translating charges `translateCycles` per guest instruction (Adams & Agesen §6.3: 2300
 * on a Pentium 4), each callout `calloutCycles` (§3.3: 1254 for RDTSC), each indirect transfer
 * `indirectCycles` (call/ret nanobenchmark: 40); IDENT instructions cost what they cost natively; traps cost
 * the trap round trip as in trap-and-emulate. All are assumptions for the project's CPU models (the UI labels
 * them and lets the user change them).
 *
 * **Not fixed** (docs/binary-translation.md): user-mode code runs directly, so its own sensitive instructions
 * (PUSHF showing the real IF, a call gate taken through the real TSS) behave as under trap-and-emulate; and a
 * translation covers only its first page for self-modifying-code tracking.
 */
import { EventType, Flag, Seg } from '../../x86/arch.ts';
import { Activity, RunStop, type Cpu } from '../../x86/cpu.ts';
import { ABORT, AbortKind } from '../../x86/abort.ts';
import { checkPendingEvents, deliverPendingException } from '../../x86/interrupts.ts';
import { decodeInsn } from '../../x86/decoder.ts';
import { Insn } from '../../x86/insn.ts';
import { descDpl, isCode } from '../../x86/segments.ts';
import { EventKind } from '../../trace/events.ts';
import { NullSink, type TraceSink } from '../../trace/sink.ts';
import {
  TrapAndEmulateVmm,
  type TrapAndEmulateOptions,
  type TrapAndEmulateOutcome,
  type TrapAndEmulateSnapshot,
  type TrapAndEmulateStats,
} from '../deprivileged/vmm.ts';
import { GUEST_FAULT, VmmStop } from '../deprivileged/guest-access.ts';
import { guestDescriptor, type Desc } from '../deprivileged/descriptors.ts';
import { reflect } from '../deprivileged/reflect.ts';
import { GUEST_BASE } from '../deprivileged/layout.ts';
import { calloutOf, endsUnit, opKindOf } from './classify.ts';
import { performCallout, type BtCore } from './callouts.ts';
import { BT_CALLOUT_NAMES, BtCallout, OP_KIND_NAMES, OpKind } from './kinds.ts';
import { calloutCostFor, indirectCostFor, MAX_UNIT_INSNS, translateCostFor } from './costs.ts';
import { copyTcState, listTranslations, TranslationCache, type TcListingEntry, type TcState, type TranslatedOp, type Translation } from './tc.ts';
import { t as msg } from '../../../i18n/t.ts';
import '../../../i18n/en/methods.ts';

export interface BinaryTranslationOptions extends TrapAndEmulateOptions {
  /** Cycles per guest instruction translated (default: costs.ts `translateCostFor`, an assumption). */
  translateCycles?: number;
  /** Cycles per callout (default: costs.ts `calloutCostFor`, an assumption). */
  calloutCycles?: number;
  /** Extra cycles per indirect near transfer in translated code (default: costs.ts `indirectCostFor`). */
  indirectCycles?: number;
  /** Most instructions per translation unit (default: costs.ts MAX_UNIT_INSNS, an assumption). */
  maxUnitInsns?: number;
}

/** The translator's state in a snapshot (plain data). */
export interface BtSnapshotState {
  tc: TcState;
  kernelRing: number;
  /** The translation being executed (−1 = none) and the index of its next op. */
  curId: number;
  curIdx: number;
}

export interface BinaryTranslationSnapshot extends TrapAndEmulateSnapshot {
  bt: BtSnapshotState;
}

export interface BinaryTranslationTcStats {
  translations: number;
  hits: number;
  misses: number;
  chained: number;
  translatedInstructions: number;
  invalidated: number;
  smcWrites: number;
  callouts: number;
  calloutsByMnemonic: Record<string, number>;
  /** Guest kernel instructions run in translated code, by op kind (IDENT, CALLOUT, BRANCH, INDIRECT). */
  executedByKind: Record<string, number>;
  translateCycles: number;
  calloutCycles: number;
  indirectCycles: number;
}

export interface BinaryTranslationStats extends TrapAndEmulateStats {
  bt: BinaryTranslationTcStats;
}

/** Forwards events to the real sink and notices when that sink asks the processor to stop (a yield). */
class YieldWatch implements TraceSink {
  cpu: Cpu | null = null;
  onSinkYield: () => void = () => {};
  constructor(readonly inner: TraceSink) {}
  emit(kind: EventKind, cycle: number, p0: number, p1: number, p2: number, p3: number, p4: number, p5: number, p6: number, p7: number): void {
    const c = this.cpu;
    const before = c !== null && c.yieldRequested;
    if (c !== null) c.yieldRequested = false;
    this.inner.emit(kind, cycle, p0, p1, p2, p3, p4, p5, p6, p7);
    this.after(before);
  }
  text(kind: EventKind, cycle: number, source: number, text: string): void {
    const c = this.cpu;
    const before = c !== null && c.yieldRequested;
    if (c !== null) c.yieldRequested = false;
    this.inner.text(kind, cycle, source, text);
    this.after(before);
  }
  private after(before: boolean): void {
    const c = this.cpu;
    if (c === null) return;
    if (c.yieldRequested) this.onSinkYield();
    c.yieldRequested = c.yieldRequested || before;
  }
}

const scratch: Desc = { lo: 0, hi: 0 };

export class BinaryTranslationVmm extends TrapAndEmulateVmm implements BtCore {
  /** The guest's CPL while the processor runs at CPL 1: 0 (its kernel) or 1 (its ring 1). */
  kernelRing = 0;
  readonly tc = new TranslationCache();
  readonly translateCycles: number;
  readonly calloutCycles: number;
  readonly indirectCycles: number;
  readonly maxUnitInsns: number;
  /** The VMM asked the processor to return from `run` (after an event landed somewhere new). */
  private ownYield = false;
  /** The trace sink asked for a stop after one of its events: the caller must see a `yield`. */
  private sinkYield = false;
  private cur: Translation | null = null;
  private curIdx = 0;
  private readonly crossBuf = new Uint8Array(16);
  private readonly scratchInsn = new Insn();

  constructor(opts: BinaryTranslationOptions) {
    const watch = new YieldWatch(opts.trace ?? new NullSink());
    super({ ...opts, trace: watch });
    watch.cpu = this.cpu;
    watch.onSinkYield = () => {
      this.sinkYield = true;
    };
    const model = opts.model.id;
    this.translateCycles = opts.translateCycles ?? translateCostFor(model).value;
    this.calloutCycles = opts.calloutCycles ?? calloutCostFor(model).value;
    this.indirectCycles = opts.indirectCycles ?? indirectCostFor(model).value;
    this.maxUnitInsns = Math.max(1, opts.maxUnitInsns ?? MAX_UNIT_INSNS.value);
    // Self-modifying code: the memory tells the decode cache about writes to pages marked as code; the
    // translation cache listens on the same hook (and keeps its pages marked).
    const decodeCacheHook = this.mem.onCodeWrite;
    this.mem.onCodeWrite = (page, first, last) => {
      decodeCacheHook(page, first, last);
      this.codeWritten(page, first, last);
    };
  }

  // ------------------------------------------------------------------------------------------ virtual CPL

  override vcpl(): number {
    const p = this.cpu.cpl;
    return p === 1 ? (this.kernelRing ?? 0) : p;
  }

  /** A selector as the guest should see it: the processor's RPL 1 is the guest's RPL 0 while it is in ring 0. */
  override virtualSelector(sel: number): number {
    return (sel & 3) === 1 && (this.kernelRing ?? 0) === 0 ? sel & 0xfffc : sel;
  }

  /** After an event or a transfer landed at CPL 1: the guest's ring is the DPL of its (non-conforming) code segment. */
  private syncKernelRing(): void {
    const c = this.cpu;
    if (c.cpl !== 1) return;
    try {
      if (guestDescriptor(this.g, c.segSel[Seg.CS], scratch) && isCode(scratch.hi) && (scratch.hi & 0x400) === 0) {
        this.kernelRing = descDpl(scratch.hi) === 0 ? 0 : 1;
      }
    } catch (e) {
      if (e !== GUEST_FAULT) throw e;
    }
  }

  // ------------------------------------------------------------------------------------------ traps

  /** Every event the processor delivers still traps to the VMM; then `run` must look where the guest is. */
  protected override onEvent(c: Cpu, vector: number, type: number, errorCode: number, returnEip: number): boolean {
    const r = super.onEvent(c, vector, type, errorCode, returnEip);
    this.syncKernelRing();
    this.ownYield = true;
    c.yieldRequested = true;
    c.stop = 1;
    return r;
  }

  /** After an operation: true when the caller must see a yield (the sink asked); clears the VMM's own request. */
  private takeYield(): boolean {
    const c = this.cpu;
    const external = this.sinkYield || (c.yieldRequested && !this.ownYield);
    this.sinkYield = false;
    if (this.ownYield) {
      this.ownYield = false;
      if (!external) c.yieldRequested = false;
    }
    return external;
  }

  // ------------------------------------------------------------------------------------------ running

  /**
   * Runs the guest until `maxInstructions` guest instructions retire, it halts with its virtual IF = 0, it
   * triple-faults, the VMM stops it, or a trace sink asks to stop (`yield`, resumable).
   */
  override run(maxInstructions: number): TrapAndEmulateOutcome {
    const cpu = this.cpu;
    const pc = this.pc;
    const start = cpu.icount;
    const limit = start + maxInstructions;
    this.ownYield = false;
    this.sinkYield = false;
    for (;;) {
      if (this.status !== 'running') return this.end(this.status, start);
      if (cpu.yieldRequested) return this.end('yield', start);
      const remaining = limit - cpu.icount;
      if (remaining <= 0) return this.end('limit', start);
      let until = pc.bus.nextEventCached(cpu.cycles);
      if (!(until > cpu.cycles)) until = cpu.cycles + 1;
      cpu.deviceDeadline = until;
      if (cpu.cpl === 3 || cpu.activity !== Activity.ACTIVE) {
        // Guest user code runs directly; HLT idles on the processor (as under trap-and-emulate).
        const stop = cpu.run(Math.min(until, cpu.cycles + 1e9), remaining);
        pc.bus.advance(cpu.cycles);
        if (this.status !== 'running') return this.end(this.status, start);
        if (stop === RunStop.YIELD) {
          if (this.takeYield()) return this.end('yield', start);
          continue;
        }
        if (stop === RunStop.SHUTDOWN) {
          this.crash(msg('methods.teVmm.theProcessorShutDown'));
          return this.end('vm-crash', start);
        }
        if (stop === RunStop.HALTED) {
          if (!this.v.vif) return this.end('halted', start);
          const next = pc.bus.nextEventAt(cpu.cycles);
          if (next === Infinity) {
            if (this.pc.pic.hasInterrupt()) continue;
            return this.end('halted', start);
          }
          if (next > cpu.cycles) {
            this.counters.idleCycles += next - cpu.cycles;
            cpu.cycles = next;
          }
          pc.bus.advance(cpu.cycles);
        }
        continue;
      }
      const mustYield = this.runKernel(limit);
      pc.bus.advance(cpu.cycles);
      if (mustYield) return this.end('yield', start);
    }
  }

  private end(reason: TrapAndEmulateOutcome['reason'], start: number): TrapAndEmulateOutcome {
    if (reason !== 'limit' && reason !== 'yield') this.flushConsole();
    return { reason, instructions: this.cpu.icount - start };
  }

  /**
   * Guest kernel code, one instruction boundary at a time, from its translations. Returns true when the caller
   * must yield, false to let the outer loop advance devices or change mode.
   */
  private runKernel(limit: number): boolean {
    const c = this.cpu;
    for (;;) {
      if (this.status !== 'running' || c.cpl === 3 || c.activity !== Activity.ACTIVE) return false;
      if (c.yieldRequested) return this.takeYield() || this.runKernelYieldFallback();
      if (c.icount >= limit || c.cycles >= c.deviceDeadline) return false;
      // Events are recognised at the boundary (SDM Vol. 3A §6.9), with the processor's own logic.
      if (c.eventsChecked) c.eventsChecked = false;
      else {
        this.checkEvents();
        if (this.ownYield) {
          // Delivered: the guest continues at the handler without a second look at this boundary.
          c.eventsChecked = true;
          if (this.takeYield()) return true;
          continue;
        }
      }
      const op = this.nextOp();
      if (op === null) {
        if (this.takeYield()) return this.yieldAtBoundary();
        continue;
      }
      if (this.takeYield()) return this.yieldAtBoundary();
      this.execute(op);
      if (this.takeYield()) return true;
    }
  }

  /** A yield after this boundary's events were recognised: do not recognise them again on resume. */
  private yieldAtBoundary(): boolean {
    this.cpu.eventsChecked = true;
    return true;
  }

  private runKernelYieldFallback(): boolean {
    return true;
  }

  /** checkPendingEvents outside the processor's run loop (an event fault during delivery is delivered too). */
  private checkEvents(): void {
    const c = this.cpu;
    try {
      checkPendingEvents(c);
    } catch (e) {
      if (e !== ABORT) throw e;
      c.stop = 1;
      if (c.abortKind === AbortKind.EXCEPTION) deliverPendingException(c);
    }
  }

  // ------------------------------------------------------------------------------------------ the translation cache

  /**
   * The op for the instruction at CS:EIP: the next op of the running translation, or — on entering a
   * translation — through a chain link, a TC lookup (hit) or the translator (miss). Null when fetching the code
   * faulted (the fault was reflected into the guest).
   */
  private nextOp(): TranslatedOp | null {
    const c = this.cpu;
    const lin = (c.segBase[Seg.CS] + c.eip) | 0;
    const t0 = this.cur;
    if (t0 !== null && this.tc.isLive(t0) && this.curIdx < t0.ops.length && t0.codeSize === c.codeSize && ((t0.lin + t0.ops[this.curIdx].offset) | 0) === lin) {
      return t0.ops[this.curIdx];
    }
    let hpa: number;
    try {
      hpa = this.g.translate(lin, false, false);
    } catch (e) {
      if (e === GUEST_FAULT) {
        this.reflectFault(c.eip);
        return null;
      }
      if (e instanceof VmmStop) {
        this.crash(e.message);
        return null;
      }
      throw e;
    }
    const k = this.tc.state.counters;
    const prev = t0 !== null && this.tc.isLive(t0) && this.curIdx >= t0.ops.length ? t0 : null;
    let t: Translation | undefined;
    const indirect = prev !== null && prev.ops[prev.ops.length - 1].kind === OpKind.INDIRECT;
    if (prev !== null && !indirect) {
      for (const [target, id] of prev.links) {
        if (target !== hpa) continue;
        const linked = this.tc.byIdOf(id);
        if (linked !== undefined && linked.codeSize === c.codeSize && linked.lin === lin) t = linked;
        break;
      }
    }
    if (t !== undefined) {
      k.chained++;
      t.hits++;
    } else {
      t = this.tc.get(hpa, c.codeSize);
      if (t !== undefined && t.lin === lin) {
        k.hits++;
        t.hits++;
      } else {
        t = this.translate(lin, hpa);
      }
      if (prev !== null && !indirect) {
        prev.links = [[hpa, t.id] as [number, number], ...prev.links.filter(([a]) => a !== hpa)].slice(0, 2);
      }
    }
    this.cur = t;
    this.curIdx = 0;
    return t.ops[0];
  }

  /** The translator: decodes one translation unit at `lin` (host-physical `hpa`) and adds it to the TC. */
  private translate(lin: number, hpa: number): Translation {
    const c = this.cpu;
    const mem = this.mem.bytes;
    const codeSize = c.codeSize;
    const pageEnd = (Math.floor(hpa / 4096) + 1) * 4096;
    const ops: TranslatedOp[] = [];
    const bytes: number[] = [];
    const insn = this.scratchInsn;
    let off = 0;
    let callouts = 0;
    for (let n = 0; n < this.maxUnitInsns; n++) {
      const at = hpa + off;
      if (at >= pageEnd) break;
      let ok = decodeInsn(mem, at, Math.min(pageEnd, at + 15), codeSize, insn);
      let src: ArrayLike<number> = mem;
      let base = at;
      if (!ok) {
        if (n > 0) break; // the unit ends before an instruction that crosses into the next page
        // The first instruction crosses the page: read its bytes through the guest's page tables.
        const buf = this.crossBuf;
        buf.fill(0);
        let avail = 0;
        try {
          for (; avail < 15; avail++) buf[avail] = this.g.read8((lin + avail) | 0);
        } catch (e) {
          if (e !== GUEST_FAULT) throw e;
        }
        ok = decodeInsn(buf, 0, avail, codeSize, insn);
        src = buf;
        base = 0;
        if (!ok) {
          // Undecodable: copied as is, the processor raises what it raises (#UD, or #PF on the fetch).
          ops.push({ offset: 0, len: 1, kind: OpKind.IDENT, callout: BtCallout.NONE });
          bytes.push(mem[at]);
          off = 1;
          break;
        }
      }
      const kind = opKindOf(insn);
      const callout = kind === OpKind.CALLOUT ? calloutOf(insn) : BtCallout.NONE;
      if (callout !== BtCallout.NONE) callouts++;
      ops.push({ offset: off, len: insn.len, kind, callout });
      for (let b = 0; b < insn.len; b++) bytes.push(src[base + b]);
      off += insn.len;
      if (endsUnit(insn, kind) || base === 0) break;
    }
    const k = this.tc.state.counters;
    const cost = this.translateCycles * ops.length;
    const t: Translation = { id: this.tc.state.nextId++, lin, hpa, codeSize, bytes, ops, hits: 0, createdAt: c.cycles, links: [] };
    this.tc.add(t);
    const page = Math.floor(hpa / 4096);
    if (page < this.mem.codePages.length) this.mem.codePages[page] = 1;
    k.misses++;
    k.translatedInsns += ops.length;
    k.translateCycles += cost;
    c.trace.emit(EventKind.BT_TRANSLATE, c.cycles, c.id, lin >>> 0, hpa - GUEST_BASE, ops.length, callouts, t.id, cost, 0);
    c.cycles += cost;
    this.counters.vmmCycles += cost;
    return t;
  }

  /** A guest write landed in a page with translated code (PhysicalMemory.onCodeWrite). */
  private codeWritten(page: number, first: number, last: number): void {
    const dropped = this.tc.invalidate(page, first, last);
    if (dropped.length > 0) {
      const k = this.tc.state.counters;
      k.invalidated += dropped.length;
      k.smcWrites++;
      const c = this.cpu;
      const at = first < 0 ? page * 4096 : first;
      c.trace.emit(EventKind.BT_INVALIDATE, c.cycles, c.id, at - GUEST_BASE, dropped.length, dropped[0].id, dropped[0].lin >>> 0, 0, 0, 0);
      c.stop = 1;
    }
    if (this.tc.hasPage(page)) this.mem.codePages[page] = 1;
  }

  // ------------------------------------------------------------------------------------------ executing

  private execute(op: TranslatedOp): void {
    const c = this.cpu;
    const t = this.cur!;
    const k = this.tc.state.counters;
    if (op.kind === OpKind.CALLOUT) {
      if (this.callout(t, op)) {
        this.curIdx++;
        k.executed[OpKind.CALLOUT]++;
      }
      return;
    }
    // IDENT, BRANCH, INDIRECT: the processor runs the instruction as written (events at this boundary were
    // recognised already).
    const before = c.icount;
    c.eventsChecked = true;
    c.run(Infinity, 1);
    c.eventsChecked = false;
    if (c.icount !== before) {
      this.curIdx++;
      k.executed[op.kind]++;
      if (op.kind === OpKind.INDIRECT && this.indirectCycles > 0) {
        c.cycles += this.indirectCycles;
        k.indirectCycles += this.indirectCycles;
        this.counters.vmmCycles += this.indirectCycles;
      }
    }
  }

  /** A callout: the VMM emulates the instruction. True when it completed (it retired). */
  private callout(t: Translation, op: TranslatedOp): boolean {
    const c = this.cpu;
    const insn = this.tc.insnsOf(t)[this.curIdx];
    const eip = c.eip;
    const shadow = c.intShadow;
    const tf = (c.eflags & Flag.TF) !== 0;
    const k = this.tc.state.counters;
    const cost = this.calloutCycles;
    c.trace.emit(EventKind.BT_CALLOUT, c.cycles, c.id, eip >>> 0, op.callout, this.vcpl(), t.id, cost, 0, 0);
    c.cycles += cost;
    this.counters.vmmCycles += cost;
    k.calloutCycles += cost;
    k.callouts[op.callout]++;
    let completed = false;
    try {
      try {
        performCallout(this, insn, op.callout as BtCallout);
        // A REP INS/OUTS longer than one chunk leaves EIP in place: the callout runs again.
        completed = !((op.callout === BtCallout.INS || op.callout === BtCallout.OUTS) && c.eip === eip);
      } catch (e) {
        if (e !== GUEST_FAULT) throw e;
        this.reflectFault(eip);
      }
      if (completed) {
        if (shadow !== 0 && c.intShadow === shadow) c.intShadow = 0; // the shadow covered this instruction
        if (tf && this.status === 'running' && op.callout !== BtCallout.INT && op.callout !== BtCallout.INT3 && op.callout !== BtCallout.INTO) {
          // Single-step: the trap after the emulated instruction (SDM Vol. 3A §17.3.1.4).
          this.v.dr[6] |= 0x4000;
          reflect(this, 1, EventType.HARDWARE_EXCEPTION, -1, c.eip, c.eip);
        }
      }
    } catch (e) {
      if (e instanceof VmmStop) this.crash(e.message);
      else if (e instanceof Error) this.crash(msg('methods.teVmm.vmmError', { message: e.message }));
      else throw e;
      completed = false;
    }
    this.syncKernelRing();
    if (completed) c.icount++;
    return completed;
  }

  /** Reflects the guest fault in GUEST_FAULT (raised by a callout or a code fetch at `eip`). */
  private reflectFault(eip: number): void {
    try {
      reflect(this, GUEST_FAULT.vector, EventType.HARDWARE_EXCEPTION, GUEST_FAULT.errorCode, eip, eip, GUEST_FAULT.cr2);
    } catch (e) {
      if (e instanceof VmmStop) this.crash(e.message);
      else throw e;
    }
    this.counters.exceptionsReflected++;
    this.syncKernelRing();
  }

  // ------------------------------------------------------------------------------------------ views

  override stats(): BinaryTranslationStats {
    const k = this.tc.state.counters;
    const calloutsByMnemonic: Record<string, number> = {};
    k.callouts.forEach((n, id) => {
      if (n > 0) calloutsByMnemonic[BT_CALLOUT_NAMES[id]] = n;
    });
    const executedByKind: Record<string, number> = {};
    OP_KIND_NAMES.forEach((name, n) => (executedByKind[name] = k.executed[n]));
    return {
      ...super.stats(),
      bt: {
        translations: this.tc.state.entries.length,
        hits: k.hits,
        misses: k.misses,
        chained: k.chained,
        translatedInstructions: k.translatedInsns,
        invalidated: k.invalidated,
        smcWrites: k.smcWrites,
        callouts: k.callouts.reduce((a, b) => a + b, 0),
        calloutsByMnemonic,
        executedByKind,
        translateCycles: k.translateCycles,
        calloutCycles: k.calloutCycles,
        indirectCycles: k.indirectCycles,
      },
    };
  }

  /** The translation cache for the UI: each translation's original bytes and instructions next to what runs instead. */
  translationCache(): TcListingEntry[] {
    return listTranslations(this.tc, GUEST_BASE);
  }

  // ------------------------------------------------------------------------------------------ snapshots

  override snapshot(includeMemory = true): BinaryTranslationSnapshot {
    const t = this.cur;
    const live = t !== null && this.tc.isLive(t);
    return {
      ...super.snapshot(includeMemory),
      bt: { tc: copyTcState(this.tc.state), kernelRing: this.kernelRing, curId: live ? t.id : -1, curIdx: live ? this.curIdx : 0 },
    };
  }

  override restore(s: BinaryTranslationSnapshot): void {
    if (s.bt === undefined) throw new TypeError('not a snapshot of the binary-translating VMM');
    super.restore(s);
    this.tc.load(s.bt.tc);
    this.kernelRing = s.bt.kernelRing;
    this.cur = s.bt.curId >= 0 ? (this.tc.byIdOf(s.bt.curId) ?? null) : null;
    this.curIdx = s.bt.curIdx;
    this.ownYield = false;
    this.sinkYield = false;
    for (const page of this.tc.pages()) if (page < this.mem.codePages.length) this.mem.codePages[page] = 1;
  }
}

