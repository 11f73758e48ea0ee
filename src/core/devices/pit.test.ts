import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TickClock } from './clock.ts';
import { PIT_INPUT_HZ, Pit8254 } from './pit.ts';
import type { IrqLine } from './types.ts';

/** An IRQ wire that records the cycle of every low-to-high transition. */
class Probe implements IrqLine {
  level = false;
  now = 0;
  readonly rises: number[] = [];
  set(level: boolean): void {
    if (level && !this.level) this.rises.push(this.now);
    this.level = level;
  }
}

function rig(cpuHz: number): { pit: Pit8254; probe: Probe; clock: TickClock; at: (now: number) => void } {
  const probe = new Probe();
  const pit = new Pit8254(cpuHz, probe);
  const at = (now: number): void => {
    probe.now = now;
    pit.advance(now);
  };
  return { pit, probe, clock: new TickClock(cpuHz, PIT_INPUT_HZ), at };
}

/** Program counter `ch` with control word `cw` and a 16-bit count, all at cycle `now`. */
function program(pit: Pit8254, ch: number, mode: number, count: number, now: number, bcd = false): void {
  pit.write(0x43, 1, (ch << 6) | 0x30 | (mode << 1) | (bcd ? 1 : 0), now);
  pit.write(0x40 + ch, 1, count & 0xff, now);
  pit.write(0x40 + ch, 1, (count >> 8) & 0xff, now);
}

function readCount(pit: Pit8254, ch: number, now: number): number {
  const lo = pit.read(0x40 + ch, 1, now);
  return lo | (pit.read(0x40 + ch, 1, now) << 8);
}

const CLOCKS = [2_000_000_000, 3_300_000_000] as const;

describe.each(CLOCKS)('8254 timing in CPU cycles at %d Hz', (cpuHz) => {
  it('mode 0: OUT0 rises N+1 CLKs after the count is written, once', () => {
    const { pit, probe, clock, at } = rig(cpuHz);
    const w = 123_456_789;
    at(w);
    program(pit, 0, 0, 1000, w);
    expect(pit.out(0)).toBe(false);
    const edge = clock.cycleOfTick(clock.ticksAt(w) + 1 + 1000);
    expect(pit.nextEventAt(w)).toBe(edge);
    at(edge - 1);
    expect(probe.rises).toEqual([]);
    at(edge);
    expect(probe.rises).toEqual([edge]);
    expect(pit.nextEventAt(edge)).toBe(Infinity); // one-shot
    at(edge + 10 * cpuHz);
    expect(probe.rises).toEqual([edge]);
    expect(pit.out(0)).toBe(true);
  });

  it('mode 2: IRQ0 every N CLKs (100 Hz with N = 11932), each edge where nextEventAt said', () => {
    const { pit, probe, clock, at } = rig(cpuHz);
    program(pit, 0, 2, 11932, 0);
    const edges: number[] = [];
    let now = 0;
    for (let i = 0; i < 20; i++) {
      now = pit.nextEventAt(now);
      edges.push(now);
      at(now);
    }
    expect(probe.rises).toEqual(edges);
    for (let i = 0; i < 20; i++) expect(edges[i]).toBe(clock.cycleOfTick(1 + 11932 * (i + 1)));
    // the period in cycles is N * cpuHz / 1193182, rounded either way
    const exact = (11932 * cpuHz) / PIT_INPUT_HZ;
    for (let i = 1; i < 20; i++) {
      const d = edges[i]! - edges[i - 1]!;
      expect(d === Math.floor(exact) || d === Math.ceil(exact)).toBe(true);
    }
    // OUT is low for exactly the last CLK of each period
    const lastTick = 1 + 11932 * 21 - 1; // last CLK of the 21st period
    at(clock.cycleOfTick(lastTick) - 1);
    expect(pit.out(0)).toBe(true);
    at(clock.cycleOfTick(lastTick));
    expect(pit.out(0)).toBe(false);
  });

  it('mode 3: square wave, high ceil(N/2) and low floor(N/2) CLKs, IRQ0 on each rising edge', () => {
    for (const n of [1000, 1001]) {
      const { pit, probe, clock, at } = rig(cpuHz);
      const w = 777;
      at(w);
      program(pit, 0, 3, n, w);
      const load = clock.ticksAt(w) + 1;
      const fall = clock.cycleOfTick(load + Math.ceil(n / 2));
      at(fall - 1);
      expect(pit.out(0)).toBe(true);
      at(fall);
      expect(pit.out(0)).toBe(false);
      const rise = clock.cycleOfTick(load + n);
      expect(pit.nextEventAt(fall)).toBe(rise);
      at(rise);
      expect(probe.rises).toEqual([rise]);
      expect(pit.nextEventAt(rise)).toBe(clock.cycleOfTick(load + 2 * n));
    }
  });

  it('reload 0 means 65536 (about 18.2 Hz)', () => {
    const { pit, clock } = rig(cpuHz);
    program(pit, 0, 2, 0, 0);
    expect(pit.nextEventAt(0)).toBe(clock.cycleOfTick(1 + 65536));
  });
});

describe('8254 reading the count', () => {
  it('counter latch freezes the value until both bytes are read; a second latch is ignored', () => {
    const { pit, clock, at } = rig(2_000_000_000);
    program(pit, 0, 2, 1000, 0);
    const c1 = clock.cycleOfTick(1 + 250); // 250 CLKs after the load
    at(c1);
    pit.write(0x43, 1, 0x00, c1); // latch counter 0
    const c2 = clock.cycleOfTick(1 + 600);
    pit.write(0x43, 1, 0x00, c2); // ignored: the first latch is unread
    expect(readCount(pit, 0, c2)).toBe(750);
    expect(readCount(pit, 0, c2)).toBe(400); // unlatched again: live value
  });

  it('LSB-only and MSB-only access modes read and write one byte', () => {
    const { pit, clock } = rig(2_000_000_000);
    pit.write(0x43, 1, 0x14, 0); // counter 0, LSB only, mode 2
    pit.write(0x40, 1, 200, 0);
    expect(pit.nextEventAt(0)).toBe(clock.cycleOfTick(201));
    expect(pit.read(0x40, 1, clock.cycleOfTick(1 + 50))).toBe(150);
    pit.write(0x43, 1, 0x64, 0); // counter 1, MSB only, mode 2
    pit.write(0x41, 1, 0x02, 0); // count 0x0200
    expect(pit.read(0x41, 1, clock.cycleOfTick(1 + 0x100))).toBe(0x01);
  });

  it('read-back returns status (OUT, NULL COUNT, RW, mode, BCD) before the count', () => {
    const { pit, clock, at } = rig(2_000_000_000);
    pit.write(0x43, 1, 0x34, 0); // counter 0, LSB/MSB, mode 2, binary
    pit.write(0x43, 1, 0xe2, 0); // read-back status of counter 0
    expect(pit.read(0x40, 1, 0)).toBe(0x80 | 0x40 | 0x34); // OUT high, null count
    pit.write(0x40, 1, 0x10, 0);
    pit.write(0x40, 1, 0x00, 0);
    const c = clock.cycleOfTick(1 + 5);
    at(c);
    pit.write(0x43, 1, 0xc2, c); // read-back count and status of counter 0
    pit.write(0x43, 1, 0xc2, clock.cycleOfTick(1 + 9)); // ignored: both still latched
    expect(pit.read(0x40, 1, c)).toBe(0x34 | 0x80); // count loaded: NULL COUNT 0
    expect(readCount(pit, 0, c)).toBe(16 - 5);
    pit.write(0x43, 1, 0x30, c); // mode 0 control word: OUT low at once
    pit.write(0x43, 1, 0xe2, c);
    expect(pit.read(0x40, 1, c)).toBe(0x40 | 0x30);
  });

  it('mode 3 counts down by two; an odd count loads N - 1 in each half (Intel 8254 datasheet Mode 3; Bochs)', () => {
    const { pit, clock } = rig(2_000_000_000);
    program(pit, 0, 3, 5, 0);
    const values = [];
    for (let k = 1; k <= 6; k++) {
      const c = clock.cycleOfTick(k);
      pit.write(0x43, 1, 0x00, c);
      values.push(readCount(pit, 0, c));
    }
    // Ticks 1..6 after the count was written: loaded at tick 1 (phase 0).
    expect(values).toEqual([4, 2, 0, 4, 2, 4]);
  });

  it('BCD counting: count 0x0100 is 100 CLKs and reads back in BCD', () => {
    const { pit, clock } = rig(2_000_000_000);
    program(pit, 0, 0, 0x0100, 0, true);
    expect(pit.nextEventAt(0)).toBe(clock.cycleOfTick(1 + 100));
    expect(readCount(pit, 0, clock.cycleOfTick(1 + 11))).toBe(0x89);
  });

  it('port 0x43 reads as 0xFF', () => {
    expect(rig(2_000_000_000).pit.read(0x43, 1, 0)).toBe(0xff);
  });
});

describe('8254 reprogramming while counting', () => {
  it('mode 2: a new count takes effect at the end of the current period', () => {
    const { pit, clock, at } = rig(2_000_000_000);
    program(pit, 0, 2, 100, 0);
    const c = clock.cycleOfTick(1 + 30);
    at(c);
    pit.write(0x40, 1, 40, c);
    pit.write(0x40, 1, 0, c);
    expect(pit.nextEventAt(c)).toBe(clock.cycleOfTick(1 + 100));
    at(clock.cycleOfTick(1 + 100));
    expect(pit.nextEventAt(clock.cycleOfTick(1 + 100))).toBe(clock.cycleOfTick(1 + 140));
  });

  it('mode 3: a new count takes effect at the end of the current half-cycle', () => {
    const { pit, clock, at } = rig(2_000_000_000);
    program(pit, 0, 3, 100, 0);
    const c = clock.cycleOfTick(1 + 10);
    at(c);
    pit.write(0x40, 1, 30, c);
    pit.write(0x40, 1, 0, c);
    // old high half ends at load + 50; then the new count's low half of 15 CLKs
    expect(pit.nextEventAt(c)).toBe(clock.cycleOfTick(1 + 50 + 15));
    at(clock.cycleOfTick(1 + 50));
    expect(pit.out(0)).toBe(false);
  });

  it('mode 0: writing the first byte stops counting and sets OUT low; the second restarts', () => {
    const { pit, probe, clock, at } = rig(2_000_000_000);
    program(pit, 0, 0, 10, 0);
    at(clock.cycleOfTick(20));
    expect(probe.rises.length).toBe(1);
    const c = clock.cycleOfTick(30);
    pit.write(0x40, 1, 5, c);
    expect(pit.out(0)).toBe(false);
    expect(pit.nextEventAt(c)).toBe(Infinity);
    const c2 = clock.cycleOfTick(40);
    pit.write(0x40, 1, 0, c2);
    expect(pit.nextEventAt(c2)).toBe(clock.cycleOfTick(40 + 1 + 5));
  });

  it('mode 4: OUT strobes low for one CLK, N+1 CLKs after the write', () => {
    const { pit, probe, clock, at } = rig(2_000_000_000);
    program(pit, 0, 4, 10, 0);
    at(clock.cycleOfTick(11));
    expect(pit.out(0)).toBe(false);
    at(clock.cycleOfTick(12));
    expect(pit.out(0)).toBe(true);
    expect(probe.rises).toEqual([clock.cycleOfTick(12)]);
  });

  it('mode 4 retriggered during its strobe: OUT rises when the new count loads, then strobes again', () => {
    const { pit, probe, clock, at } = rig(2_386_364); // two CPU cycles per CLK
    program(pit, 0, 4, 10, 0);
    const strobe = clock.cycleOfTick(11);
    at(strobe);
    expect(pit.out(0)).toBe(false);
    pit.write(0x40, 1, 4, strobe);
    pit.write(0x40, 1, 0, strobe);
    const load = clock.cycleOfTick(clock.ticksAt(strobe) + 1);
    expect(pit.nextEventAt(strobe)).toBe(load);
    at(load);
    expect(probe.rises).toEqual([load]);
    expect(pit.nextEventAt(load)).toBe(clock.cycleOfTick(clock.ticksAt(strobe) + 1 + 4 + 1));
  });

  it('modes 1 and 5 never trigger on counter 0 (GATE tied high): no IRQ0', () => {
    for (const mode of [1, 5]) {
      const { pit } = rig(2_000_000_000);
      program(pit, 0, mode, 10, 0);
      expect(pit.out(0)).toBe(true);
      expect(pit.nextEventAt(0)).toBe(Infinity);
    }
  });
});

describe('8254 counter 2 through port 0x61', () => {
  it('Linux-style calibration: gate high, mode 0, poll OUT2 in bit 5', () => {
    const { pit, clock } = rig(2_000_000_000);
    pit.write(0x61, 1, 0x01, 0); // gate on, speaker off
    program(pit, 2, 0, 0xffff, 0);
    const done = clock.cycleOfTick(1 + 0xffff);
    expect(pit.read(0x61, 1, done - 1) & 0x20).toBe(0);
    expect(pit.read(0x61, 1, done) & 0x21).toBe(0x21);
  });

  it('GATE low suspends mode 0 counting; counting resumes where it stopped', () => {
    const { pit, clock } = rig(2_000_000_000);
    program(pit, 2, 0, 100, 0); // gate is low at power-on: loaded, not counting
    expect(readCount(pit, 2, clock.cycleOfTick(50))).toBe(100);
    pit.write(0x61, 1, 0x01, clock.cycleOfTick(50));
    pit.write(0x61, 1, 0x00, clock.cycleOfTick(80)); // counted 30
    expect(readCount(pit, 2, clock.cycleOfTick(200))).toBe(70);
    pit.write(0x61, 1, 0x01, clock.cycleOfTick(300));
    expect(pit.read(0x61, 1, clock.cycleOfTick(369)) & 0x20).toBe(0);
    expect(pit.read(0x61, 1, clock.cycleOfTick(370)) & 0x20).toBe(0x20);
  });

  it('mode 1: a GATE rising edge triggers a one-shot of N CLKs (OUT low, then high)', () => {
    const { pit, clock } = rig(2_000_000_000);
    program(pit, 2, 1, 20, 0);
    expect(pit.read(0x61, 1, 0) & 0x20).toBe(0x20);
    pit.write(0x61, 1, 0x01, clock.cycleOfTick(10));
    expect(pit.read(0x61, 1, clock.cycleOfTick(11)) & 0x20).toBe(0);
    expect(pit.read(0x61, 1, clock.cycleOfTick(30)) & 0x20).toBe(0);
    expect(pit.read(0x61, 1, clock.cycleOfTick(31)) & 0x20).toBe(0x20);
  });

  it('mode 3: GATE low forces OUT high at once; GATE high restarts the wave', () => {
    const { pit, clock } = rig(2_000_000_000);
    pit.write(0x61, 1, 0x01, 0);
    program(pit, 2, 3, 10, 0);
    expect(pit.read(0x61, 1, clock.cycleOfTick(7)) & 0x20).toBe(0); // low half
    pit.write(0x61, 1, 0x00, clock.cycleOfTick(7));
    expect(pit.read(0x61, 1, clock.cycleOfTick(7)) & 0x20).toBe(0x20);
    pit.write(0x61, 1, 0x01, clock.cycleOfTick(100));
    expect(pit.read(0x61, 1, clock.cycleOfTick(105)) & 0x20).toBe(0x20);
    expect(pit.read(0x61, 1, clock.cycleOfTick(106)) & 0x20).toBe(0);
  });
});

// ---- properties ----

type PitOp = { cycle: number; port: number; value: number };

const modeArb = fc.constantFrom(0, 2, 3, 4);
const scaledClock = fc.constantFrom(150_000, 596_591, 1_193_182, 2_000_003, 3_579_545, 9_999_991);

/** A program for counter 0 plus a few later reprogramming writes, at random cycles. */
const scenario = fc.record({
  cpuHz: scaledClock,
  mode: modeArb,
  bcd: fc.boolean(),
  count: fc.integer({ min: 1, max: 300 }),
  start: fc.integer({ min: 0, max: 50 }),
  later: fc.array(
    fc.record({
      cycle: fc.integer({ min: 0, max: 3000 }),
      kind: fc.constantFrom('count', 'control', 'latch', 'readback'),
      mode: modeArb,
      count: fc.integer({ min: 1, max: 300 }),
    }),
    { maxLength: 4 },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function opsOf(s: Scenario): PitOp[] {
  const ops: PitOp[] = [];
  const cw = (mode: number): number => 0x30 | (mode << 1) | (s.bcd ? 1 : 0);
  const enc = (n: number): number => (s.bcd ? parseInt(String(n), 16) : n);
  const pushCount = (cycle: number, n: number): void => {
    ops.push({ cycle, port: 0x40, value: enc(n) & 0xff }, { cycle, port: 0x40, value: enc(n) >> 8 });
  };
  ops.push({ cycle: s.start, port: 0x43, value: cw(s.mode) });
  pushCount(s.start, s.count);
  for (const l of [...s.later].sort((a, b) => a.cycle - b.cycle)) {
    const cycle = s.start + 1 + l.cycle;
    if (l.kind === 'control') {
      ops.push({ cycle, port: 0x43, value: cw(l.mode) });
      pushCount(cycle, l.count);
    } else if (l.kind === 'count') {
      pushCount(cycle, l.count);
    } else if (l.kind === 'latch') {
      ops.push({ cycle, port: 0x43, value: 0x00 }, { cycle, port: -0x40, value: 0 }, { cycle, port: -0x40, value: 0 });
    } else {
      ops.push({ cycle, port: 0x43, value: 0xc2 }, { cycle, port: -0x40, value: 0 });
    }
  }
  return ops;
}

describe('8254 nextEventAt is exact (stepping cycle by cycle on a scaled-down clock)', () => {
  it('IRQ0 rises exactly at the cycles nextEventAt predicted, and never elsewhere', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { pit, probe } = rig(s.cpuHz);
        const ops = opsOf(s);
        const end = s.start + 3200;
        let next = pit.nextEventAt(0);
        let i = 0;
        for (let c = 0; c <= end; c++) {
          probe.now = c;
          const before = probe.rises.length;
          pit.advance(c);
          const rose = probe.rises.length > before;
          // plain checks: expect() per simulated cycle would dominate the run time
          if (rose !== (c === next)) throw new Error(`cycle ${c}: rose=${rose}, predicted ${next}`);
          while (i < ops.length && ops[i]!.cycle === c) {
            const op = ops[i++]!;
            if (op.port < 0) pit.read(-op.port, 1, c);
            else pit.write(op.port, 1, op.value, c);
          }
          next = pit.nextEventAt(c);
          if (!(next > c)) throw new Error(`cycle ${c}: nextEventAt ${next} is not in the future`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('jumping from event to event sees the same edges as stepping every cycle', () => {
    fc.assert(
      fc.property(scaledClock, fc.constantFrom(2, 3), fc.integer({ min: 2, max: 500 }), (cpuHz, mode, n) => {
        const step = rig(cpuHz);
        program(step.pit, 0, mode, n, 0);
        for (let c = 0; c <= 5000; c++) step.at(c);
        const jump = rig(cpuHz);
        program(jump.pit, 0, mode, n, 0);
        for (let c = jump.pit.nextEventAt(0); c <= 5000; c = jump.pit.nextEventAt(c)) jump.at(c);
        expect(jump.probe.rises).toEqual(step.probe.rises);
        expect(step.probe.rises.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('8254 snapshot', () => {
  it('snapshot -> restore -> identical future behaviour', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 3000 }), (s, cut) => {
        const ops = opsOf(s);
        const end = s.start + 3200;
        const trace = (pit: Pit8254, probe: Probe, from: number): string[] => {
          const out: string[] = [];
          for (const op of ops) {
            if (op.cycle < from) continue;
            probe.now = op.cycle;
            if (op.port < 0) out.push(`r${pit.read(-op.port, 1, op.cycle)}`);
            else pit.write(op.port, 1, op.value, op.cycle);
            out.push(`n${pit.nextEventAt(op.cycle)}`);
          }
          for (let c = pit.nextEventAt(from); c <= end; c = pit.nextEventAt(c)) {
            probe.now = c;
            pit.advance(c);
          }
          out.push(...probe.rises.map((r) => `e${r}`), `c${pit.count(0)}`, `o${pit.out(0)}`);
          return out;
        };
        const a = rig(s.cpuHz);
        for (const op of ops) {
          if (op.cycle >= cut) break;
          if (op.port < 0) a.pit.read(-op.port, 1, op.cycle);
          else a.pit.write(op.port, 1, op.value, op.cycle);
        }
        a.at(cut);
        const snap = structuredClone(a.pit.snapshot());
        const b = rig(s.cpuHz);
        b.pit.restore(snap);
        b.probe.level = a.probe.level;
        const ta = trace(a.pit, (a.probe.rises.length = 0, a.probe), cut);
        const tb = trace(b.pit, b.probe, cut);
        expect(tb).toEqual(ta);
      }),
      { numRuns: 150 },
    );
  });
});
