import { describe, expect, it } from 'vitest';
import { TickClock } from './clock.ts';
import { LegacyPc } from './legacy-pc.ts';
import { PIT_INPUT_HZ } from './pit.ts';

const CPU = 2_000_000_000;

/** What a tiny kernel does at boot, through IN/OUT only. */
function boot(pc: LegacyPc, hz100 = true): void {
  const out = (port: number, v: number): void => pc.bus.write(port, 1, v, 0);
  out(0x20, 0x11), out(0x21, 0x20), out(0x21, 0x04), out(0x21, 0x01);
  out(0xa0, 0x11), out(0xa1, 0x28), out(0xa1, 0x02), out(0xa1, 0x01);
  out(0x21, 0xee); // unmask IRQ0 and IRQ4
  out(0xa1, 0xff);
  if (hz100) {
    out(0x43, 0x34); // counter 0, LSB/MSB, mode 2
    out(0x40, 11932 & 0xff);
    out(0x40, 11932 >> 8);
  }
}

/** Runs an idle CPU (HLT with IF=1) from event to event, acknowledging and EOI-ing each interrupt. */
function idle(pc: LegacyPc, until: number): Array<[number, number]> {
  const taken: Array<[number, number]> = [];
  let now = 0;
  for (;;) {
    const next = pc.bus.nextEventAt(now);
    if (next > until) break;
    now = next;
    pc.bus.advance(now);
    while (pc.pic.hasInterrupt()) {
      const vector = pc.pic.acknowledge();
      taken.push([now, vector]);
      pc.bus.write(0x20, 1, 0x20, now); // EOI
    }
  }
  return taken;
}

describe('legacy PC wiring', () => {
  it('a HLT-idle machine wakes exactly at each 100 Hz timer tick and takes vector 0x20', () => {
    const pc = new LegacyPc(CPU);
    boot(pc);
    const clock = new TickClock(CPU, PIT_INPUT_HZ);
    const taken = idle(pc, CPU); // one simulated second
    expect(taken.length).toBe(99); // period 11932 CLKs = 10.0003 ms, the 100th lands after 1 s
    taken.forEach(([at, vector], i) => {
      expect(vector).toBe(0x20);
      expect(at).toBe(clock.cycleOfTick(1 + 11932 * (i + 1)));
    });
  });

  it('COM1 interrupts arrive through IRQ4 as vector 0x24, gated by OUT2', () => {
    const pc = new LegacyPc(CPU);
    boot(pc, false);
    pc.bus.write(0x3fb, 1, 0x80, 0);
    pc.bus.write(0x3f8, 1, 1, 0); // 115200 baud
    pc.bus.write(0x3fb, 1, 0x03, 0);
    pc.bus.write(0x3f9, 1, 0x01, 0); // receive interrupt
    pc.bus.write(0x3fc, 1, 0x08, 0); // OUT2
    pc.com1.receive([0x6b], 0);
    const taken = idle(pc, CPU);
    expect(taken.map(([, v]) => v)).toEqual([0x24]);
    expect(taken[0]![0]).toBe(new TickClock(CPU, 230_400).cycleOfTick(20));
    expect(pc.bus.read(0x3f8, 1, taken[0]![0])).toBe(0x6b);
  });

  it('two machines (two VMs) share no state, and a snapshot restores the whole set', () => {
    const a = new LegacyPc(CPU);
    const b = new LegacyPc(CPU);
    boot(a);
    expect(b.bus.read(0x21, 1, 0)).toBe(0xff); // b still at power-on
    a.bus.advance(50_000_000);
    const snap = structuredClone(a.snapshot());
    const c = new LegacyPc(CPU);
    c.restore(snap);
    expect(idle(c, CPU)).toEqual(idle(a, CPU));
  });

  it('16-bit IN from the PIC is split into two byte reads (IRR at 0x20, IMR at 0x21)', () => {
    const pc = new LegacyPc(CPU);
    boot(pc, false);
    expect(pc.bus.read(0x20, 2, 0)).toBe(0xee00);
  });
});

describe('the UART THR-empty interrupt through the edge-triggered 8259A (16550D Table IV; QEMU serial_ioport_write)', () => {
  const CPU = 1_193_182 * 10;
  const initPic = (pc: LegacyPc): void => {
    for (const [p, v] of [[0x20, 0x11], [0x21, 0x20], [0x21, 4], [0x21, 1], [0xa0, 0x11], [0xa1, 0x28], [0xa1, 2], [0xa1, 1], [0x21, 0xef], [0xa1, 0xff]]) pc.bus.write(p, 1, v, 0);
  };
  it('a driver that answers THRE by writing THR (IIR not read) gets the next THRE interrupt: IRQ 4 again after EOI', () => {
    const pc = new LegacyPc(CPU);
    initPic(pc);
    pc.bus.write(0x3fb, 1, 0x03, 0); // 8N1
    pc.bus.write(0x3fc, 1, 0x08, 0); // OUT2: the IRQ line reaches the PIC
    pc.bus.write(0x3f9, 1, 0x02, 0); // IER: THR empty
    expect(pc.pic.hasInterrupt()).toBe(true);
    expect(pc.pic.acknowledge()).toBe(0x24);
    pc.bus.write(0x3f8, 1, 0x41, 0); // the handler sends the next byte
    pc.bus.write(0x20, 1, 0x20, 0); // EOI
    expect(pc.pic.hasInterrupt()).toBe(true);
    expect(pc.pic.acknowledge()).toBe(0x24);
  });
  it('FCR with the transmit-FIFO reset bit makes THR-empty pending again (IIR C2h)', () => {
    const pc = new LegacyPc(CPU);
    pc.bus.write(0x3fa, 1, 0x01, 0); // FIFOs on
    pc.bus.write(0x3f9, 1, 0x02, 0);
    expect(pc.bus.read(0x3fa, 1, 0)).toBe(0xc2);
    expect(pc.bus.read(0x3fa, 1, 0)).toBe(0xc1); // reading IIR cleared it
    pc.bus.write(0x3fa, 1, 0x07, 0);
    expect(pc.bus.read(0x3fa, 1, 0)).toBe(0xc2);
  });
});
