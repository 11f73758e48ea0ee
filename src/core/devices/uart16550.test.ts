import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TickClock } from './clock.ts';
import { Uart16550 } from './uart16550.ts';
import type { IrqLine } from './types.ts';

const CPU = 2_000_000_000;
const B = 0x3f8;
const [RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR] = [B, B + 1, B + 2, B + 3, B + 4, B + 5, B + 6, B + 7];
const FCR = IIR;
const OUT2 = 0x08;
/** Half bit times at divisor 1 (1.8432 MHz / 8). */
const ticks = new TickClock(CPU, 230_400);

class Wire implements IrqLine {
  level = false;
  rises = 0;
  set(level: boolean): void {
    if (level && !this.level) this.rises++;
    this.level = level;
  }
}

function rig(options: ConstructorParameters<typeof Uart16550>[2] = {}): { u: Uart16550; irq: Wire; sent: number[] } {
  const irq = new Wire();
  const u = new Uart16550(CPU, irq, options);
  const sent: number[] = [];
  u.onTransmit = (b) => sent.push(b);
  return { u, irq, sent };
}

/** 8N1 at `divisor`: 10 bits = 20 half bits per character. */
function setup8n1(u: Uart16550, divisor: number, now = 0): void {
  u.write(LCR, 1, 0x80, now);
  u.write(RBR, 1, divisor & 0xff, now);
  u.write(IER, 1, divisor >> 8, now);
  u.write(LCR, 1, 0x03, now);
}

describe('16550A reset state (16550D Table III)', () => {
  it('LSR 0x60, IIR 0x01, IER/LCR/MCR 0, MSR shows the attached terminal, divisor 12', () => {
    const { u } = rig();
    expect(u.read(LSR, 1, 0)).toBe(0x60);
    expect(u.read(IIR, 1, 0)).toBe(0x01);
    expect([u.read(IER, 1, 0), u.read(LCR, 1, 0), u.read(MCR, 1, 0)]).toEqual([0, 0, 0]);
    expect(u.read(MSR, 1, 0)).toBe(0xb0); // CTS, DSR, DCD; no deltas
    expect(u.divisor).toBe(12);
  });
});

describe('16550A registers', () => {
  it('DLAB switches ports 0 and 1 to the divisor latch', () => {
    const { u, sent } = rig();
    setup8n1(u, 0x0103);
    expect(u.divisor).toBe(0x0103);
    u.write(LCR, 1, 0x83, 0);
    expect([u.read(RBR, 1, 0), u.read(IER, 1, 0)]).toEqual([0x03, 0x01]);
    u.write(LCR, 1, 0x03, 0);
    u.write(IER, 1, 0xff, 0);
    expect(u.read(IER, 1, 0)).toBe(0x0f); // bits 4-7 always 0
    expect(sent).toEqual([]); // DLL writes were not transmitted
  });

  it('scratch register holds a byte; MCR bits 5-7 read 0', () => {
    const { u } = rig();
    u.write(SCR, 1, 0x5a, 0);
    expect(u.read(SCR, 1, 0)).toBe(0x5a);
    u.write(MCR, 1, 0xff, 0);
    expect(u.read(MCR, 1, 0)).toBe(0x1f);
  });

  it('transmits to onTransmit and keeps the last bytes in the output log', () => {
    const { u, sent } = rig({ outputCapacity: 4 });
    for (const ch of 'hello') u.write(RBR, 1, ch.charCodeAt(0), 0);
    expect(String.fromCharCode(...sent)).toBe('hello');
    expect(u.outputText()).toBe('ello');
    expect(u.read(LSR, 1, 0)).toBe(0x60); // THRE and TEMT: transmit is instant
  });
});

describe('16550A THRE interrupt', () => {
  it('raised by enabling IER bit 1 with THR empty, cleared by reading IIR, raised again by a THR write', () => {
    const { u, irq } = rig();
    u.write(MCR, 1, OUT2, 0);
    u.write(IER, 1, 0x02, 0);
    expect(irq.level).toBe(true);
    expect(u.read(IIR, 1, 0)).toBe(0x02);
    expect(irq.level).toBe(false);
    expect(u.read(IIR, 1, 0)).toBe(0x01);
    u.write(RBR, 1, 0x41, 0);
    expect(irq.level).toBe(true);
    expect(irq.rises).toBe(2);
    expect(u.read(IIR, 1, 0)).toBe(0x02);
  });

  it('the IRQ reaches the PIC only while MCR OUT2 is set (PC serial adapter wiring)', () => {
    const { u, irq } = rig();
    u.write(IER, 1, 0x02, 0);
    expect(irq.level).toBe(false);
    expect(u.read(IIR, 1, 0) & 1).toBe(0); // the UART itself has the interrupt pending
    u.write(IER, 1, 0x00, 0);
    u.write(IER, 1, 0x02, 0);
    u.write(MCR, 1, OUT2, 0);
    expect(irq.level).toBe(true);
    const open = rig({ out2GatesIrq: false });
    open.u.write(IER, 1, 0x02, 0);
    expect(open.irq.level).toBe(true);
  });

  it('changing FCR bit 0 raises THRE at once', () => {
    const { u } = rig();
    u.write(IER, 1, 0x02, 0);
    u.read(IIR, 1, 0);
    u.write(FCR, 1, 0x01, 0);
    expect(u.read(IIR, 1, 0)).toBe(0xc2);
  });
});

describe('16550A receiver', () => {
  it('a byte arrives one character time after it is put on the wire (9600 8N1)', () => {
    const { u, irq } = rig();
    setup8n1(u, 12);
    u.write(MCR, 1, OUT2, 0);
    u.write(IER, 1, 0x01, 0);
    u.receive([0x41], 1000);
    const arrive = ticks.cycleOfTick(ticks.ticksAt(1000) + 20 * 12);
    expect(arrive).toBe(2_083_334 + 0); // 1/960 s after cycle 1000, rounded up to a cycle
    expect(u.nextEventAt(1000)).toBe(arrive);
    u.advance(arrive - 1);
    expect(u.read(LSR, 1, arrive - 1) & 1).toBe(0);
    u.advance(arrive);
    expect(irq.level).toBe(true);
    expect(u.read(IIR, 1, arrive)).toBe(0x04);
    expect(u.read(LSR, 1, arrive)).toBe(0x61);
    expect(u.read(RBR, 1, arrive)).toBe(0x41);
    expect(irq.level).toBe(false);
    expect(u.read(LSR, 1, arrive)).toBe(0x60);
  });

  it('character time follows LCR: 7E2 at 115200 is 11 bits; 5 bits with 1.5 stop bits is 7.5', () => {
    for (const [lcr, halfBits] of [
      [0x1e, 22],
      [0x04, 15],
    ] as const) {
      const { u } = rig();
      u.write(LCR, 1, 0x80, 0);
      u.write(RBR, 1, 1, 0);
      u.write(LCR, 1, lcr, 0);
      u.write(IER, 1, 0x01, 0);
      u.receive([1, 2], 0);
      expect(u.nextEventAt(0)).toBe(ticks.cycleOfTick(halfBits));
      u.advance(ticks.cycleOfTick(halfBits));
      expect(u.nextEventAt(0)).toBe(ticks.cycleOfTick(2 * halfBits));
    }
  });

  it('overrun without FIFO: the unread character is destroyed, OE until LSR is read; RLS outranks RDA', () => {
    const { u } = rig();
    setup8n1(u, 1);
    u.write(IER, 1, 0x05, 0);
    u.receive([0x31, 0x32], 0);
    const t = ticks.cycleOfTick(40);
    expect(u.read(IIR, 1, t)).toBe(0x06);
    expect(u.read(LSR, 1, t)).toBe(0x63);
    expect(u.read(LSR, 1, t)).toBe(0x61); // OE cleared by the read
    expect(u.read(IIR, 1, t)).toBe(0x04);
    expect(u.read(RBR, 1, t)).toBe(0x32);
  });

  it('FIFO: trigger level, character timeout after four character times, overrun only when full', () => {
    const { u, irq } = rig();
    setup8n1(u, 1);
    u.write(MCR, 1, OUT2, 0);
    u.write(FCR, 1, 0xc7, 0); // enable, clear both, trigger 14
    u.write(IER, 1, 0x01, 0);
    expect(u.read(IIR, 1, 0)).toBe(0xc1);
    u.receive([1, 2, 3], 0);
    const third = ticks.cycleOfTick(60);
    u.advance(third);
    expect(u.read(LSR, 1, third) & 1).toBe(1);
    expect(irq.level).toBe(false); // 3 < 14, no timeout yet
    const timeout = ticks.cycleOfTick(60 + 4 * 20);
    expect(u.nextEventAt(third)).toBe(timeout);
    u.advance(timeout - 1);
    expect(irq.level).toBe(false);
    u.advance(timeout);
    expect(irq.level).toBe(true);
    expect(u.read(IIR, 1, timeout)).toBe(0xcc);
    expect(u.read(RBR, 1, timeout)).toBe(1); // a read clears the timeout and restarts the timer
    expect(irq.level).toBe(false);
    // fill: 2 left + 15 more = 17 > 16 -> one overrun, the FIFO keeps the first 16
    u.receive(Array.from({ length: 15 }, (_, i) => 0x40 + i), timeout);
    const later = timeout + ticks.cycleOfTick(15 * 20 + 1);
    u.advance(later);
    expect(u.read(IIR, 1, later)).toBe(0xc4); // trigger level reached
    expect(u.read(LSR, 1, later)).toBe(0x63);
    const got: number[] = [];
    while (u.read(LSR, 1, later) & 1) got.push(u.read(RBR, 1, later));
    expect(got).toEqual([2, 3, ...Array.from({ length: 14 }, (_, i) => 0x40 + i)]);
  });

  it('trigger level 1 interrupts on the first byte; RCVR FIFO reset empties it', () => {
    const { u } = rig();
    setup8n1(u, 1);
    u.write(FCR, 1, 0x01, 0);
    u.write(IER, 1, 0x01, 0);
    u.receive([7, 8], 0);
    const t = ticks.cycleOfTick(40);
    expect(u.read(IIR, 1, t)).toBe(0xc4);
    u.write(FCR, 1, 0x03, t);
    expect(u.read(LSR, 1, t)).toBe(0x60);
  });
});

describe('16550A long input', () => {
  it('a 100 KiB paste arrives in order at line rate when an interrupt-driven guest keeps up', () => {
    const { u, irq } = rig();
    setup8n1(u, 1);
    u.write(MCR, 1, OUT2, 0);
    u.write(FCR, 1, 0x81, 0); // FIFO, trigger 8
    u.write(IER, 1, 0x01, 0);
    const n = 100 * 1024 + 3; // not a multiple of the trigger level: the last 3 need the timeout
    u.receive(Array.from({ length: n }, (_, i) => (i * 7) & 0xff), 0);
    const got: number[] = [];
    let now = 0;
    while (u.pendingInput > 0 || u.read(LSR, 1, now) & 1) {
      now = u.nextEventAt(now);
      u.advance(now);
      if (irq.level) while (u.read(LSR, 1, now) & 1) got.push(u.read(RBR, 1, now));
    }
    expect(got.length).toBe(n);
    expect(got.every((b, i) => b === ((i * 7) & 0xff))).toBe(true);
    expect(u.read(LSR, 1, now) & 0x02).toBe(0); // never overran
    // n characters of 20 half bits, the last three fetched four character times later (timeout)
    expect(now).toBe(ticks.cycleOfTick(n * 20 + 4 * 20));
  });
});

describe('16550A loopback and modem status', () => {
  it('loopback: THR comes back to RBR, nothing is transmitted, MSR mirrors MCR (Linux probe reads 0x90)', () => {
    const { u, irq, sent } = rig();
    u.write(IER, 1, 0x01, 0);
    u.write(MCR, 1, 0x10 | 0x0a, 0); // loop + RTS + OUT2
    expect(u.read(MSR, 1, 0) & 0xf0).toBe(0x90);
    u.write(RBR, 1, 0x5a, 0);
    expect(sent).toEqual([]);
    expect(u.read(LSR, 1, 0)).toBe(0x61);
    expect(u.read(IIR, 1, 0)).toBe(0x04);
    expect(irq.level).toBe(false); // OUT2 pin forced inactive in loopback: no IRQ on a PC
    expect(u.read(RBR, 1, 0)).toBe(0x5a);
    u.write(MCR, 1, 0x10 | 0x05, 0); // DTR + OUT1
    expect(u.read(MSR, 1, 0)).toBe(0x60 | 0x0b); // DSR, RI; deltas DCTS, DDSR, DDCD
  });

  it('console input waits on the wire while in loopback', () => {
    const { u } = rig();
    setup8n1(u, 1);
    u.write(MCR, 1, 0x10, 0);
    u.receive([9], 0);
    u.advance(ticks.cycleOfTick(1000));
    expect(u.read(LSR, 1, ticks.cycleOfTick(1000)) & 1).toBe(0);
    u.write(MCR, 1, 0x00, ticks.cycleOfTick(1000));
    expect(u.read(RBR, 1, ticks.cycleOfTick(1020))).toBe(9);
  });

  it('modem status interrupt on an input change, lowest priority, cleared by reading MSR', () => {
    const { u } = rig();
    u.write(MCR, 1, OUT2, 0);
    u.write(IER, 1, 0x0a, 0); // MSR + THRE
    u.setModemInputs({ cts: false, dsr: true, ri: true, dcd: true }, 0);
    expect(u.read(IIR, 1, 0)).toBe(0x02); // THRE outranks modem status
    expect(u.read(IIR, 1, 0)).toBe(0x00);
    u.setModemInputs({ cts: false, dsr: true, ri: false, dcd: true }, 0);
    expect(u.read(MSR, 1, 0)).toBe(0xa0 | 0x01 | 0x04); // DCTS, TERI (RI went inactive)
    expect(u.read(IIR, 1, 0)).toBe(0x01);
  });
});

describe('16550A snapshot', () => {
  it('snapshot -> restore -> identical future behaviour', () => {
    type Op =
      | { k: 'w'; reg: number; v: number }
      | { k: 'r'; reg: number }
      | { k: 'rx'; bytes: number[] }
      | { k: 'modem'; cts: boolean; ri: boolean }
      | { k: 'wait'; dt: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        k: fc.constant('w' as const),
        reg: fc.integer({ min: 0, max: 7 }),
        v: fc.oneof(fc.constantFrom(0x01, 0x03, 0x0f, 0x08, 0x18, 0xc7, 0x41, 0x80), fc.integer({ min: 0, max: 255 })),
      }),
      fc.record({ k: fc.constant('r' as const), reg: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ k: fc.constant('rx' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 }) }),
      fc.record({ k: fc.constant('modem' as const), cts: fc.boolean(), ri: fc.boolean() }),
      fc.record({ k: fc.constant('wait' as const), dt: fc.integer({ min: 0, max: 3_000_000 }) }),
    );
    const run = (u: Uart16550, irq: Wire, sent: number[], ops: Op[], t0: number): unknown[] => {
      const out: unknown[] = [];
      let t = t0;
      for (const o of ops) {
        if (o.k === 'w') u.write(B + o.reg, 1, o.v, t);
        else if (o.k === 'r') out.push(u.read(B + o.reg, 1, t));
        else if (o.k === 'rx') u.receive(o.bytes, t);
        else if (o.k === 'modem') u.setModemInputs({ cts: o.cts, dsr: true, ri: o.ri, dcd: true }, t);
        else {
          t += o.dt;
          u.advance(t);
        }
        out.push(u.nextEventAt(t), irq.level, irq.rises);
      }
      out.push([...u.output()], sent.slice());
      return out;
    };
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.array(op, { maxLength: 30 }), (before, after) => {
        const a = rig({ outputCapacity: 16 });
        const t0 = 200_000_000; // after anything the first half can reach
        run(a.u, a.irq, a.sent, before, 0);
        const snap = structuredClone(a.u.snapshot());
        a.u.advance(t0);
        const b = rig({ outputCapacity: 16 });
        b.u.restore(snap);
        b.u.advance(t0);
        b.irq.level = a.irq.level;
        a.sent.length = 0;
        a.irq.rises = 0; // count only the edges of the compared future, on both sides
        b.irq.rises = 0;
        expect(run(b.u, b.irq, b.sent, after, t0)).toEqual(run(a.u, a.irq, a.sent, after, t0));
      }),
      { numRuns: 300 },
    );
  });
});
