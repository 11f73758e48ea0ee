/**
 * Intel 8254 Programmable Interval Timer at ports 0x40-0x43, counter 0's OUT wired to IRQ0,
 * counter 2's GATE and OUT reachable through port 0x61 (IBM PC/AT Technical Reference,
 * "System Timers" and "I/O Address Map": port B of the system board, bit 0 = timer 2 gate,
 * bit 1 = speaker data, bit 4 = refresh detect, bit 5 = timer 2 OUT).
 *
 * Sources: Intel 8254 / 82C54 datasheet (order no. 231164 / 231244), cited as "8254" with the
 * section name; where the datasheet is silent, Bochs iodev/pit82c54.cc is followed and named.
 *
 * Clock: the counters' CLK is the PC's 14.31818 MHz oscillator divided by 12, 1.19318 MHz
 * (IBM PC/AT Technical Reference "System Timers"); 14,318,180 / 12 = 1,193,181.67, taken as
 * 1,193,182 Hz exactly as Linux (PIT_TICK_RATE) and QEMU (PIT_FREQ) do. It is a constructor
 * option. CPU cycles convert to CLK ticks exactly (see clock.ts); the state changes of a CLK
 * pulse happen at the first CPU cycle at or after it, before any I/O in that cycle.
 *
 * How it runs: no per-tick stepping. Each counter keeps an analytic timeline (the tick at which
 * the count was loaded into the counting element CE, the effective count N, where counting was
 * suspended by GATE, a pending reload), from which OUT and the count at any tick follow in O(1).
 * `nextEventAt` is therefore exact: the cycle of the next rising edge of OUT0 (IRQ0).
 *
 * Modelled, all three counters (8254 "Modes"):
 * - mode 0 interrupt on terminal count (OUT high N+1 CLKs after the count is written; a new
 *   count restarts; writing the first byte of a two-byte count stops counting),
 * - mode 1 hardware-retriggerable one-shot, mode 5 hardware-triggered strobe (GATE rising edge
 *   triggers; on counters 0 and 1 GATE is tied high, so they never trigger, as on a PC),
 * - mode 2 rate generator (OUT low for one CLK every N), mode 3 square wave (high ceil(N/2),
 *   low floor(N/2), counting by two; an odd count loads N−1, as the Intel 8254 datasheet and Bochs do), both
 *   periodic; a count written while counting takes effect at the end of the current period
 *   (mode 2) or half-cycle (mode 3); GATE low stops counting and forces OUT high, GATE rising
 *   reloads on the next CLK,
 * - mode 4 software-triggered strobe (OUT low for one CLK, N+1 CLKs after the write),
 * - count 0 = 65536 (binary) or 10000 (BCD); BCD counting (digits above 9 are undefined on the
 *   chip and taken at face value here); modes 6 and 7 are modes 2 and 3 ("X" bit of M2),
 * - access modes LSB, MSB, LSB then MSB for reads and writes; counter latch command; read-back
 *   command (0xC0+) latching count and/or status (OUT, NULL COUNT, programmed RW/mode/BCD);
 *   status read before the count when both are latched; a second latch before the first is
 *   read is ignored (8254 "Read Operations").
 *
 * Not modelled / simplified:
 * - Counts of 1 in modes 2 and 3 (illegal per the datasheet) give a constant high OUT.
 * - The value read between writing a count and the CLK that loads it is the previous CE value;
 *   after a control word, before any count, the CE keeps its old value (datasheet: undefined).
 * - Port 0x61 bit 4 (refresh detect) toggles on each rising edge of counter 1's OUT while it
 *   runs in mode 2 or 3, counting periods since its last load (mode 2 pending reloads are
 *   approximated); bits 6-7 (parity / channel check) read 0; the speaker is not sounded.
 * - Port 0x43 reads as 0xFF (the 8254 does not drive the bus for a read of the control word).
 *
 * Power-on state (datasheet: mode, count and OUT undefined until programmed). Model assumption,
 * as Bochs pit82c54.cc init(): each counter in mode 4 with no count, OUT high, LSB access;
 * GATE of counters 0 and 1 high; port 0x61 = 0 (counter 2 GATE low, speaker off).
 */
import { TickClock } from './clock.ts';
import { UNCONNECTED_IRQ, type IoSize, type IrqLine, type PortDevice } from './types.ts';

/** 14.31818 MHz / 12 rounded to 1 Hz (see header). */
export const PIT_INPUT_HZ = 1_193_182;

export interface PitCounterState {
  /** Effective mode 0-5 (M2 is "don't care" for modes 2 and 3). */
  mode: number;
  /** Control word bits 5-0 (RW1 RW0 M2 M1 M0 BCD) as written, for the status byte. */
  control: number;
  /** Count register CR: the last complete count written (raw 16 bits, BCD if bcd). */
  cr: number;
  /** A complete count has been written since the control word. */
  hasCount: boolean;
  /** LSB of a two-byte count written, waiting for the MSB. */
  writeMsbNext: boolean;
  writeLsb: number;
  /** Unlatched LSB-then-MSB read: the next byte read is the MSB. */
  readMsbNext: boolean;
  /** Count bytes latched in the output latch OL and not yet read: 0, 1 or 2. */
  latchBytes: number;
  latchValue: number;
  statusLatched: boolean;
  statusValue: number;
  /** NULL COUNT is 1 until this tick, at which CR is transferred to CE (Infinity: not yet scheduled). */
  nullUntil: number;
  gate: boolean;
  /** A timeline is running (a count has been loaded into CE, or will be at `anchor`). */
  active: boolean;
  /** Tick at which `period` was (or will be) loaded into CE; virtual for a mode 3 mid-cycle reload. */
  anchor: number;
  /** Effective count N: 1-65536 (binary) or 1-10000 (BCD). */
  period: number;
  /** Modes 0/4: last tick that counted before GATE went low; modes 2/3: tick GATE went low. Infinity if counting. */
  pausedAt: number;
  /** CE value (binary) shown when no timeline runs, and before `anchor`. */
  frozen: number;
  /** OUT level when no timeline runs, and before `anchor`. */
  outIdle: boolean;
  /** Modes 2/3: tick at which a count written during counting takes over (Infinity: none). */
  pendingAt: number;
  pendingAnchor: number;
  pendingPeriod: number;
}

export interface PitState {
  kind: 'pit8254';
  counters: [PitCounterState, PitCounterState, PitCounterState];
  /** Port 0x61 bits 0-3 as last written. */
  portB: number;
  /** Last tick `advance` processed. */
  lastTick: number;
  /** Level last driven on IRQ0 (OUT0). */
  irqLevel: boolean;
}

export interface PitOptions {
  /** Counter CLK in Hz (default PIT_INPUT_HZ). */
  readonly inputHz?: number;
  /** Decode port 0x61 (system control port B) for counter 2's GATE and OUT (default true). */
  readonly portB?: boolean;
}

const BIN_WRAP = 0x1_0000;
const BCD_WRAP = 10_000;

function fromBcd(v: number): number {
  return (v & 0xf) + 10 * ((v >> 4) & 0xf) + 100 * ((v >> 8) & 0xf) + 1000 * ((v >> 12) & 0xf);
}

function toBcd(v: number): number {
  return (v % 10) | (Math.floor(v / 10) % 10 << 4) | (Math.floor(v / 100) % 10 << 8) | (Math.floor(v / 1000) % 10 << 12);
}

function powerOnCounter(gate: boolean): PitCounterState {
  return {
    mode: 4,
    control: 0x18, // RW = LSB, mode 4, binary (Bochs init: rw_mode 1, mode 4)
    cr: 0,
    hasCount: false,
    writeMsbNext: false,
    writeLsb: 0,
    readMsbNext: false,
    latchBytes: 0,
    latchValue: 0,
    statusLatched: false,
    statusValue: 0,
    nullUntil: Infinity,
    gate,
    active: false,
    anchor: 0,
    period: BIN_WRAP,
    pausedAt: Infinity,
    frozen: 0,
    outIdle: true,
    pendingAt: Infinity,
    pendingAnchor: 0,
    pendingPeriod: BIN_WRAP,
  };
}

function isBcd(c: PitCounterState): boolean {
  return (c.control & 1) !== 0;
}

function access(c: PitCounterState): number {
  return (c.control >> 4) & 3;
}

function wrapOf(c: PitCounterState): number {
  return isBcd(c) ? BCD_WRAP : BIN_WRAP;
}

/** Effective count N of a raw count: 0 means the maximum (8254 "Counter Programming"). */
function effectiveCount(c: PitCounterState, raw: number): number {
  if (isBcd(c)) return fromBcd(raw) || BCD_WRAP;
  return raw || BIN_WRAP;
}

// ---- the timeline, as pure functions of (mode, anchor, period) and the counter's pause/idle state ----

/** Ticks counted since `anchor` by tick t (t >= anchor), for modes 0, 1, 4, 5. */
function elapsed(c: PitCounterState, anchor: number, t: number): number {
  const e = Math.min(t, c.pausedAt) - anchor;
  return e > 0 ? e : 0;
}

/** Which timeline governs tick t: the pending one once its reload tick has come. */
function usePending(c: PitCounterState, t: number): boolean {
  return t >= c.pendingAt;
}

function outAt(c: PitCounterState, t: number): boolean {
  if (!c.active) return c.outIdle;
  const pending = usePending(c, t);
  const anchor = pending ? c.pendingAnchor : c.anchor;
  const n = pending ? c.pendingPeriod : c.period;
  if (t < anchor) return c.outIdle;
  switch (c.mode) {
    case 0:
    case 1:
      return elapsed(c, anchor, t) >= n; // low until terminal count, then high
    case 2: {
      if (t >= c.pausedAt) return true; // GATE low forces OUT high (8254 "Mode 2")
      if (n === 1) return true;
      return (t - anchor) % n !== n - 1; // low while the count is 1
    }
    case 3: {
      if (t >= c.pausedAt) return true;
      return (t - anchor) % n < Math.ceil(n / 2); // high (N+1)/2, low (N-1)/2 (8254 "Mode 3")
    }
    default:
      return elapsed(c, anchor, t) !== n; // modes 4, 5: low for the one CLK at count 0
  }
}

/** CE contents at tick t, binary (0 .. wrap-1). */
function valueAt(c: PitCounterState, t: number): number {
  if (!c.active) return c.frozen;
  const pending = usePending(c, t);
  const anchor = pending ? c.pendingAnchor : c.anchor;
  const n = pending ? c.pendingPeriod : c.period;
  if (t < anchor) return c.frozen;
  const wrap = wrapOf(c);
  switch (c.mode) {
    case 2: {
      const phase = Math.max(0, Math.min(t, c.pausedAt) - anchor) % n; // loaded, maybe not counting
      return (n - phase) % wrap;
    }
    case 3: {
      const phase = Math.max(0, Math.min(t, c.pausedAt) - anchor) % n; // loaded, maybe not counting
      const high = Math.ceil(n / 2);
      let v: number;
      if (n % 2 === 0) {
        v = phase < high ? n - 2 * phase : n - 2 * (phase - high); // 8254 Mode 3, even counts
      } else {
        // Odd counts: "the initial count minus one (an even number) is loaded ... and then is decremented by two";
        // one CLK after it expires OUT goes low and N−1 is loaded again (Intel 8254 datasheet 231164, Mode 3;
        // Bochs pit82c54.cc loads inlatch & 0xFFFE). N = 5 reads 4 2 0 | 4 2 per CLK (high 3, low 2).
        v = phase < high ? n - 1 - 2 * phase : n - 1 - 2 * (phase - high);
      }
      return v % wrap;
    }
    default: {
      const e = elapsed(c, anchor, t);
      return (((n - e) % wrap) + wrap) % wrap; // keeps counting down past 0 (wraps)
    }
  }
}

/** First tick > t at which OUT rises on the given timeline, assuming no further I/O. */
function riseAfter(c: PitCounterState, anchor: number, n: number, t: number): number {
  switch (c.mode) {
    case 0:
    case 1: {
      const k = anchor + n;
      return k > t && k <= c.pausedAt ? k : Infinity;
    }
    case 2:
    case 3: {
      if (n === 1 || c.pausedAt !== Infinity) return Infinity;
      if (t < anchor) return anchor + n;
      return anchor + (Math.floor((t - anchor) / n) + 1) * n;
    }
    default: {
      // Retriggered during the strobe (OUT low): OUT returns high when the new count loads.
      if (t < anchor && !c.outIdle) return anchor;
      const k = anchor + n + 1;
      return k > t && k <= c.pausedAt ? k : Infinity;
    }
  }
}

function nextRise(c: PitCounterState, t: number): number {
  if (!c.active) return Infinity;
  if (c.pendingAt === Infinity || t >= c.pendingAt) {
    return usePending(c, t) ? riseAfter(c, c.pendingAnchor, c.pendingPeriod, t) : riseAfter(c, c.anchor, c.period, t);
  }
  const k = riseAfter(c, c.anchor, c.period, t);
  if (k <= c.pendingAt) return k;
  return riseAfter(c, c.pendingAnchor, c.pendingPeriod, Math.max(t, c.pendingAt));
}

/** Makes a pending reload current once its tick has come. */
function settle(c: PitCounterState, t: number): void {
  if (t >= c.pendingAt) {
    c.anchor = c.pendingAnchor;
    c.period = c.pendingPeriod;
    c.pendingAt = Infinity;
  }
}

/** First period/half-period boundary strictly after t (modes 2 and 3): where a new count takes over. */
function reloadBoundary(c: PitCounterState, t: number): { at: number; falling: boolean } {
  const n = c.period;
  if (t < c.anchor) return { at: c.anchor, falling: false };
  const base = c.anchor + Math.floor((t - c.anchor) / n) * n;
  if (c.mode === 3) {
    const fall = base + Math.ceil(n / 2);
    if (fall > t && fall < base + n) return { at: fall, falling: true };
  }
  return { at: base + n, falling: false };
}

function copyCounter(c: PitCounterState): PitCounterState {
  return { ...c };
}

function isCounterState(x: unknown): x is PitCounterState {
  return typeof x === 'object' && x !== null && typeof (x as Record<string, unknown>)['mode'] === 'number';
}

export class Pit8254 implements PortDevice {
  readonly name = '8254 PIT';
  readonly ports: ReadonlyArray<readonly [number, number]>;
  readonly clock: TickClock;
  private s: PitState;
  private readonly irq0: IrqLine;

  /**
   * @param cpuHz CPU clock in Hz (the unit of `now`).
   * @param irq0 the wire from OUT0 into the PIC (IRQ0).
   * Precondition: `checkClockPair(cpuHz, inputHz).ok` (else RangeError: a wiring bug).
   */
  constructor(cpuHz: number, irq0: IrqLine = UNCONNECTED_IRQ, options: PitOptions = {}) {
    this.clock = new TickClock(cpuHz, options.inputHz ?? PIT_INPUT_HZ);
    this.irq0 = irq0;
    this.ports = options.portB === false ? [[0x40, 0x43]] : [[0x40, 0x43], [0x61, 0x61]];
    this.s = {
      kind: 'pit8254',
      counters: [powerOnCounter(true), powerOnCounter(true), powerOnCounter(false)],
      portB: 0,
      lastTick: 0,
      irqLevel: true, // OUT0 is high at power-on (see header); no edge is sent for it
    };
  }

  read(port: number, _size: IoSize, now: number): number {
    this.advance(now);
    const t = this.s.lastTick;
    if (port >= 0x40 && port <= 0x42) return this.readCounter(this.s.counters[port - 0x40]!, t);
    if (port === 0x61) return this.readPortB(t);
    return 0xff;
  }

  write(port: number, _size: IoSize, value: number, now: number): void {
    this.advance(now);
    const t = this.s.lastTick;
    value &= 0xff;
    if (port >= 0x40 && port <= 0x42) this.writeCount(this.s.counters[port - 0x40]!, value, t);
    else if (port === 0x43) this.writeControl(value, t);
    else if (port === 0x61) this.writePortB(value, t);
    this.driveIrq(t);
  }

  /** Cycle of the next rising edge of OUT0 (IRQ0), never before `now`; Infinity if none is coming. */
  nextEventAt(now: number): number {
    const k = nextRise(this.s.counters[0], this.s.lastTick);
    if (k === Infinity) return Infinity;
    const at = this.clock.cycleOfTick(k);
    return at < now ? now : at;
  }

  advance(now: number): void {
    const t = this.clock.ticksAt(now);
    const s = this.s;
    if (t <= s.lastTick) return;
    const c0 = s.counters[0];
    if (nextRise(c0, s.lastTick) <= t) {
      // At least one rising edge of OUT0 happened in (lastTick, t]: present it to the PIC as
      // a low-to-high transition, then settle on the current level.
      this.irq0.set(false);
      this.irq0.set(true);
      s.irqLevel = true;
    }
    for (let i = 0; i < 3; i++) settle(s.counters[i]!, t);
    s.lastTick = t;
    this.driveIrq(t);
  }

  snapshot(): PitState {
    const s = this.s;
    return {
      kind: 'pit8254',
      counters: [copyCounter(s.counters[0]), copyCounter(s.counters[1]), copyCounter(s.counters[2])],
      portB: s.portB,
      lastTick: s.lastTick,
      irqLevel: s.irqLevel,
    };
  }

  restore(state: unknown): void {
    const st = state as Partial<PitState> | null;
    if (!st || st.kind !== 'pit8254' || !Array.isArray(st.counters) || !st.counters.every(isCounterState)) {
      throw new TypeError('not a Pit8254 snapshot');
    }
    this.s = {
      kind: 'pit8254',
      counters: [copyCounter(st.counters[0]!), copyCounter(st.counters[1]!), copyCounter(st.counters[2]!)],
      portB: st.portB ?? 0,
      lastTick: st.lastTick ?? 0,
      irqLevel: st.irqLevel ?? true,
    };
  }

  /** OUT of counter `i` at the last advanced tick (for the UI and tests). */
  out(i: 0 | 1 | 2): boolean {
    return outAt(this.s.counters[i], this.s.lastTick);
  }

  /** Counting element of counter `i` (raw, BCD if programmed so) at the last advanced tick. */
  count(i: 0 | 1 | 2): number {
    const c = this.s.counters[i];
    const v = valueAt(c, this.s.lastTick);
    return isBcd(c) ? toBcd(v) : v;
  }

  private driveIrq(t: number): void {
    const level = outAt(this.s.counters[0], t);
    if (level !== this.s.irqLevel) {
      this.s.irqLevel = level;
      this.irq0.set(level);
    }
  }

  // ---- reads ----

  private readCounter(c: PitCounterState, t: number): number {
    if (c.statusLatched) {
      c.statusLatched = false; // 8254 "Read-Back Command": status first, then the count
      return c.statusValue;
    }
    const rw = access(c);
    if (c.latchBytes > 0) {
      const v = c.latchValue;
      if (rw === 3 && c.latchBytes === 2) {
        c.latchBytes = 1;
        return v & 0xff;
      }
      c.latchBytes = 0;
      return rw === 1 ? v & 0xff : (v >> 8) & 0xff;
    }
    const v = this.raw(c, t);
    if (rw === 1) return v & 0xff;
    if (rw === 2) return (v >> 8) & 0xff;
    c.readMsbNext = !c.readMsbNext;
    return c.readMsbNext ? v & 0xff : (v >> 8) & 0xff;
  }

  private raw(c: PitCounterState, t: number): number {
    const v = valueAt(c, t);
    return isBcd(c) ? toBcd(v) : v;
  }

  private latchCount(c: PitCounterState, t: number): void {
    if (c.latchBytes > 0) return; // 8254 "Counter Latch Command": later latches ignored until read
    c.latchValue = this.raw(c, t);
    c.latchBytes = access(c) === 3 ? 2 : 1;
    c.readMsbNext = false; // Bochs pit82c54.cc: a latch restarts an LSB-then-MSB read at the LSB
  }

  private readPortB(t: number): number {
    const c1 = this.s.counters[1];
    let refresh = 0;
    if (c1.active && (c1.mode === 2 || c1.mode === 3) && t >= c1.anchor && c1.pausedAt === Infinity) {
      refresh = Math.floor((t - c1.anchor) / c1.period) & 1;
    }
    return (this.s.portB & 0x0f) | (refresh << 4) | (outAt(this.s.counters[2], t) ? 0x20 : 0);
  }

  // ---- writes ----

  private writeControl(v: number, t: number): void {
    const sc = v >> 6;
    if (sc === 3) {
      // 8254 "Read-Back Command": D5 = !COUNT, D4 = !STATUS, D3-D1 select counters 2-0.
      for (let i = 0; i < 3; i++) {
        if ((v & (2 << i)) === 0) continue;
        const c = this.s.counters[i]!;
        if ((v & 0x20) === 0) this.latchCount(c, t);
        if ((v & 0x10) === 0 && !c.statusLatched) {
          c.statusValue = (outAt(c, t) ? 0x80 : 0) | (t < c.nullUntil ? 0x40 : 0) | (c.control & 0x3f);
          c.statusLatched = true;
        }
      }
      return;
    }
    const c = this.s.counters[sc]!;
    if (((v >> 4) & 3) === 0) {
      this.latchCount(c, t);
      return;
    }
    // 8254 "Write Operations": a control word resets the counter's control logic; OUT goes to
    // its initial state (low in mode 0, high in modes 1-5, see each mode's description);
    // NULL COUNT is set. The CE keeps its value until a count is loaded.
    const frozen = valueAt(c, t);
    let mode = (v >> 1) & 7;
    if (mode > 5) mode -= 4; // modes 6, 7 = 2, 3
    c.mode = mode;
    c.control = v & 0x3f;
    c.hasCount = false;
    c.writeMsbNext = false;
    c.readMsbNext = false;
    c.latchBytes = 0;
    c.statusLatched = false; // Bochs pit82c54.cc: programming a counter drops a latched status
    c.nullUntil = Infinity;
    c.active = false;
    c.frozen = frozen % wrapOf(c);
    c.outIdle = mode !== 0;
    c.pausedAt = Infinity;
    c.pendingAt = Infinity;
  }

  private writeCount(c: PitCounterState, byte: number, t: number): void {
    let raw: number;
    switch (access(c)) {
      case 1:
        raw = byte;
        break;
      case 2:
        raw = byte << 8;
        break;
      default:
        if (!c.writeMsbNext) {
          c.writeLsb = byte;
          c.writeMsbNext = true;
          // 8254 "Mode 0": writing the first byte disables counting; OUT is set low at once.
          if (c.mode === 0) this.stop(c, t, false);
          return;
        }
        c.writeMsbNext = false;
        raw = c.writeLsb | (byte << 8);
    }
    c.cr = raw;
    c.hasCount = true;
    this.loadCount(c, t);
  }

  /** Ends the running timeline, keeping the CE value and setting OUT to `out`. */
  private stop(c: PitCounterState, t: number, out: boolean): void {
    c.frozen = valueAt(c, t);
    c.outIdle = out;
    c.active = false;
    c.pendingAt = Infinity;
    c.pausedAt = Infinity;
  }

  /** A complete count has been written to CR at tick t (8254 "Modes", per mode). */
  private loadCount(c: PitCounterState, t: number): void {
    const n = effectiveCount(c, c.cr);
    switch (c.mode) {
      case 0:
      case 4:
        // Loaded on the next CLK, which does not decrement: OUT changes N+1 CLKs after the write.
        // A new count written during counting restarts the count the same way.
        this.start(c, t, n, c.mode === 0 ? false : outAt(c, t));
        if (!c.gate) c.pausedAt = t; // GATE low: loaded but not counting
        c.nullUntil = t + 1;
        return;
      case 1:
      case 5:
        c.nullUntil = Infinity; // loaded by the next trigger (GATE rising edge)
        return;
      default: {
        // Modes 2 and 3.
        if (!c.active) {
          this.start(c, t, n, true);
          if (!c.gate) c.pausedAt = t; // waits for GATE to rise, then reloads
          c.nullUntil = t + 1;
          return;
        }
        if (c.pausedAt !== Infinity) {
          c.nullUntil = Infinity; // loaded when GATE rises again
          return;
        }
        if (t < c.anchor) {
          c.period = n; // the previous count has not even been loaded yet: replace it
          c.nullUntil = c.anchor;
          return;
        }
        // Writing a new count while counting does not affect the current period (mode 2) or
        // half-cycle (mode 3); the new count is loaded at its end.
        const b = reloadBoundary(c, t);
        c.pendingAt = b.at;
        c.pendingPeriod = n;
        // A mode 3 reload at the falling edge starts in the low half: place the virtual anchor
        // so that the new timeline's phase at b.at is ceil(N'/2).
        c.pendingAnchor = b.falling ? b.at - Math.ceil(n / 2) : b.at;
        c.nullUntil = b.at;
      }
    }
  }

  /** Starts a timeline whose count N is loaded into CE on the CLK after tick t. */
  private start(c: PitCounterState, t: number, n: number, outBefore: boolean): void {
    c.frozen = valueAt(c, t);
    c.outIdle = outBefore;
    c.active = true;
    c.anchor = t + 1;
    c.period = n;
    c.pausedAt = Infinity;
    c.pendingAt = Infinity;
  }

  private writePortB(v: number, t: number): void {
    this.s.portB = v & 0x0f;
    this.setGate(this.s.counters[2], (v & 1) !== 0, t);
  }

  /** GATE input of a counter changes at tick t (8254 "Gate" and its table "Gate Pin Operations Summary"). */
  private setGate(c: PitCounterState, gate: boolean, t: number): void {
    if (gate === c.gate) return;
    c.gate = gate;
    settle(c, t);
    switch (c.mode) {
      case 0:
      case 4:
        if (!c.active) return;
        if (!gate) {
          c.pausedAt = t; // disables counting
        } else if (c.pausedAt !== Infinity) {
          // Enables counting again: the ticks in (pausedAt, t] did not count.
          const skipped = t - Math.max(c.pausedAt, c.anchor);
          if (skipped > 0) c.anchor += skipped;
          c.pausedAt = Infinity;
        }
        return;
      case 1:
      case 5:
        if (gate && c.hasCount) {
          // Trigger: CR loaded into CE on the next CLK; mode 1 OUT low from then on.
          this.start(c, t, effectiveCount(c, c.cr), outAt(c, t));
          c.nullUntil = t + 1;
        }
        return;
      default:
        if (!c.active) return;
        if (!gate) {
          c.frozen = valueAt(c, t);
          c.pausedAt = t; // disables counting; OUT high at once
          c.pendingAt = Infinity;
        } else {
          // Trigger: reload with the initial count (CR) on the next CLK.
          this.start(c, t, effectiveCount(c, c.cr), true);
          c.nullUntil = Math.min(c.nullUntil, t + 1);
        }
    }
  }
}
