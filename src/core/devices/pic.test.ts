import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Pic8259Pair } from './pic.ts';

/** The PC BIOS / Linux initialisation: ICW1 edge+cascade+ICW4, bases, IR2 cascade, 8086 mode. */
function initPc(pic: Pic8259Pair, masterBase = 0x20, slaveBase = 0x28, icw4 = 0x01): void {
  pic.write(0x20, 1, 0x11, 0); // ICW1: edge, cascade, IC4
  pic.write(0x21, 1, masterBase, 0); // ICW2
  pic.write(0x21, 1, 0x04, 0); // ICW3: slave on IR2
  pic.write(0x21, 1, icw4, 0); // ICW4: 8086 mode
  pic.write(0xa0, 1, 0x11, 0);
  pic.write(0xa1, 1, slaveBase, 0);
  pic.write(0xa1, 1, 0x02, 0); // ICW3: slave ID 2
  pic.write(0xa1, 1, icw4, 0);
}

const EOI = 0x20;
const readIsr = (pic: Pic8259Pair, port: number): number => {
  pic.write(port, 1, 0x0b, 0); // OCW3: read ISR
  const v = pic.read(port, 1, 0);
  pic.write(port, 1, 0x0a, 0); // back to IRR
  return v;
};

describe('8259A power-on state (model assumption: Bochs pic.cc)', () => {
  it('has every input masked and raises no interrupt', () => {
    const pic = new Pic8259Pair();
    expect(pic.read(0x21, 1, 0)).toBe(0xff);
    expect(pic.read(0xa1, 1, 0)).toBe(0xff);
    pic.irq(0).set(true);
    expect(pic.hasInterrupt()).toBe(false);
    expect(pic.read(0x20, 1, 0)).toBe(0x01); // but the request is in IRR
  });
});

describe('8259A initialisation (ICW1-ICW4)', () => {
  it('ICW1 clears IMR, and the vector base comes from ICW2 T7-T3', () => {
    const pic = new Pic8259Pair();
    initPc(pic, 0x27, 0x2f); // low three bits of ICW2 are not part of the vector in 8086 mode
    expect(pic.read(0x21, 1, 0)).toBe(0x00);
    pic.irq(3).set(true);
    expect(pic.hasInterrupt()).toBe(true);
    expect(pic.acknowledge()).toBe(0x23);
    pic.irq(10).set(true);
    pic.write(0x20, 1, EOI, 0);
    expect(pic.acknowledge()).toBe(0x2a);
  });

  it('ICW1 resets the edge sense: a line already high must go low and high again', () => {
    const pic = new Pic8259Pair();
    pic.irq(1).set(true);
    initPc(pic);
    expect(pic.hasInterrupt()).toBe(false);
    pic.irq(1).set(true); // no transition: nothing
    expect(pic.hasInterrupt()).toBe(false);
    pic.irq(1).set(false);
    pic.irq(1).set(true);
    expect(pic.acknowledge()).toBe(0x21);
  });

  it('single mode skips ICW3, and without IC4 there is no ICW4 (OCW1 follows ICW2)', () => {
    const pic = new Pic8259Pair();
    pic.write(0x20, 1, 0x13, 0); // single, IC4
    pic.write(0x21, 1, 0x40, 0); // ICW2
    pic.write(0x21, 1, 0x01, 0); // ICW4 (no ICW3 in single mode)
    pic.write(0x21, 1, 0xfe, 0); // OCW1
    expect(pic.read(0x21, 1, 0)).toBe(0xfe);
    pic.irq(0).set(true);
    expect(pic.acknowledge()).toBe(0x40);
    // in single mode IR2 is an ordinary input: the slave is not consulted
    pic.write(0x20, 1, EOI, 0);
    pic.write(0x21, 1, 0x00, 0);
    pic.write(0xa0, 1, 0x11, 0);
    pic.write(0xa1, 1, 0x70, 0);
    pic.write(0xa1, 1, 0x02, 0);
    pic.write(0xa1, 1, 0x01, 0);
    pic.irq(8).set(true);
    expect(pic.acknowledge()).toBe(0x42);

    const p2 = new Pic8259Pair();
    p2.write(0x20, 1, 0x12, 0); // single, no IC4
    p2.write(0x21, 1, 0x50, 0); // ICW2
    p2.write(0x21, 1, 0x7f, 0); // now OCW1
    expect(p2.read(0x21, 1, 0)).toBe(0x7f);
  });
});

describe('8259A masking and priority', () => {
  it('a masked request stays in IRR and is delivered once unmasked', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.write(0x21, 1, 0x10, 0); // mask IRQ4
    pic.irq(4).set(true);
    expect(pic.hasInterrupt()).toBe(false);
    expect(pic.read(0x20, 1, 0)).toBe(0x10);
    pic.write(0x21, 1, 0x00, 0);
    expect(pic.hasInterrupt()).toBe(true);
    expect(pic.acknowledge()).toBe(0x24);
  });

  it('fully nested: the highest pending goes first, lower ones wait for EOI, higher ones nest', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.irq(3).set(true);
    pic.irq(1).set(true);
    expect(pic.acknowledge()).toBe(0x21);
    expect(pic.hasInterrupt()).toBe(false); // IRQ3 is lower than IRQ1 in service
    pic.irq(0).set(true);
    expect(pic.hasInterrupt()).toBe(true); // IRQ0 is higher: nests
    expect(pic.acknowledge()).toBe(0x20);
    expect(readIsr(pic, 0x20)).toBe(0x03);
    pic.write(0x20, 1, EOI, 0); // non-specific EOI clears the highest in service: IRQ0
    expect(readIsr(pic, 0x20)).toBe(0x02);
    expect(pic.hasInterrupt()).toBe(false);
    pic.write(0x20, 1, EOI, 0);
    expect(pic.acknowledge()).toBe(0x23);
  });

  it('specific EOI clears the named level only', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.irq(5).set(true);
    pic.acknowledge();
    pic.irq(0).set(true);
    pic.acknowledge();
    pic.write(0x20, 1, 0x65, 0); // specific EOI IR5
    expect(readIsr(pic, 0x20)).toBe(0x01);
  });

  it('rotation: rotate on non-specific EOI makes the served level the lowest priority', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.irq(1).set(true);
    expect(pic.acknowledge()).toBe(0x21);
    pic.irq(0).set(true);
    pic.irq(4).set(true);
    pic.write(0x20, 1, 0xa0, 0); // rotate on non-specific EOI: IR1 lowest, IR2 highest
    expect(pic.acknowledge()).toBe(0x24); // IR4 now outranks IR0
    pic.write(0x20, 1, 0xc3, 0); // set priority: IR3 lowest, IR4 highest
    pic.write(0x20, 1, 0x64, 0);
    expect(pic.acknowledge()).toBe(0x20);
  });

  it('special mask mode lets lower levels in while a masked level is in service', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.irq(1).set(true);
    pic.acknowledge();
    pic.irq(6).set(true);
    expect(pic.hasInterrupt()).toBe(false);
    pic.write(0x21, 1, 0x02, 0); // mask IR1 ...
    pic.write(0x20, 1, 0x68, 0); // ... and set special mask mode
    expect(pic.acknowledge()).toBe(0x26);
    pic.write(0x20, 1, 0x48, 0); // reset special mask mode
  });
});

describe('8259A edge and level triggering', () => {
  it('edge: a line held high interrupts once; it must fall and rise again', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.irq(1).set(true);
    pic.acknowledge();
    pic.write(0x20, 1, EOI, 0);
    pic.irq(1).set(true);
    expect(pic.hasInterrupt()).toBe(false);
    pic.irq(1).set(false);
    pic.irq(1).set(true);
    expect(pic.hasInterrupt()).toBe(true);
  });

  it('level (ICW1 LTIM): a line still high after EOI interrupts again', () => {
    const pic = new Pic8259Pair();
    pic.write(0x20, 1, 0x19, 0);
    pic.write(0x21, 1, 0x20, 0);
    pic.write(0x21, 1, 0x04, 0);
    pic.write(0x21, 1, 0x01, 0);
    pic.irq(3).set(true);
    expect(pic.acknowledge()).toBe(0x23);
    pic.write(0x20, 1, EOI, 0);
    expect(pic.hasInterrupt()).toBe(true);
    pic.irq(3).set(false);
    expect(pic.hasInterrupt()).toBe(false);
  });

  it('ELCR (PIIX) selects level per IRQ; IRQ0-2 and 8, 13 stay edge', () => {
    const pic = new Pic8259Pair({ elcr: true });
    initPc(pic);
    pic.write(0x4d0, 1, 0xff, 0);
    pic.write(0x4d1, 1, 0xff, 0);
    expect(pic.read(0x4d0, 1, 0)).toBe(0xf8);
    expect(pic.read(0x4d1, 1, 0)).toBe(0xde);
    pic.irq(11).set(true);
    expect(pic.acknowledge()).toBe(0x2b);
    pic.write(0xa0, 1, EOI, 0);
    pic.write(0x20, 1, EOI, 0);
    expect(pic.acknowledge()).toBe(0x2b); // level: still requesting
  });
});

describe('8259A cascade and spurious interrupts', () => {
  it('a slave IRQ sets master ISR2 and slave ISR; both need an EOI', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.irq(12).set(true);
    expect(pic.hasInterrupt()).toBe(true);
    expect(pic.acknowledge()).toBe(0x2c);
    expect(readIsr(pic, 0x20)).toBe(0x04);
    expect(readIsr(pic, 0xa0)).toBe(0x10);
    pic.irq(9).set(true); // lower than nothing in service on the slave? IR1 > IR4: higher, but master IR2 busy
    expect(pic.hasInterrupt()).toBe(false);
    pic.write(0xa0, 1, EOI, 0);
    pic.write(0x20, 1, EOI, 0);
    expect(pic.acknowledge()).toBe(0x29);
  });

  it('special fully nested mode lets a higher slave request through while IR2 is in service', () => {
    const pic = new Pic8259Pair();
    initPc(pic, 0x20, 0x28, 0x11); // ICW4: SFNM + 8086 (set on both; only the master uses it)
    pic.irq(12).set(true);
    expect(pic.acknowledge()).toBe(0x2c);
    pic.irq(9).set(true);
    expect(pic.hasInterrupt()).toBe(true);
    expect(pic.acknowledge()).toBe(0x29);
  });

  it('masked slave inputs do not reach the master', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.write(0xa1, 1, 0x10, 0);
    pic.irq(12).set(true);
    expect(pic.hasInterrupt()).toBe(false);
    pic.write(0xa1, 1, 0x00, 0);
    expect(pic.acknowledge()).toBe(0x2c);
  });

  it('a master request that vanishes before INTA gives IRQ7 (vector base+7) with no ISR bit', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.irq(5).set(true);
    expect(pic.hasInterrupt()).toBe(true);
    pic.irq(5).set(false); // the request must stay high until INTA
    expect(pic.acknowledge()).toBe(0x27);
    expect(readIsr(pic, 0x20)).toBe(0x00);
  });

  it('a slave request that vanishes before INTA gives IRQ15 with master ISR2 set, slave ISR clear', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.irq(10).set(true);
    expect(pic.hasInterrupt()).toBe(true);
    pic.irq(10).set(false);
    expect(pic.acknowledge()).toBe(0x2f);
    expect(readIsr(pic, 0x20)).toBe(0x04);
    expect(readIsr(pic, 0xa0)).toBe(0x00);
    pic.write(0x20, 1, EOI, 0); // the handler EOIs the master only
    expect(readIsr(pic, 0x20)).toBe(0x00);
  });
});

describe('8259A AEOI and poll', () => {
  it('automatic EOI leaves ISR clear after INTA', () => {
    const pic = new Pic8259Pair();
    initPc(pic, 0x20, 0x28, 0x03);
    pic.irq(3).set(true);
    pic.acknowledge();
    expect(readIsr(pic, 0x20)).toBe(0);
    pic.irq(4).set(true);
    expect(pic.hasInterrupt()).toBe(true);
  });

  it('rotate in AEOI mode makes each served level the lowest priority', () => {
    const pic = new Pic8259Pair();
    initPc(pic, 0x20, 0x28, 0x03);
    pic.write(0x20, 1, 0x80, 0); // rotate in AEOI (set)
    pic.irq(0).set(true);
    expect(pic.acknowledge()).toBe(0x20);
    pic.irq(0).set(false);
    pic.irq(0).set(true);
    pic.irq(6).set(true);
    expect(pic.acknowledge()).toBe(0x26); // IR0 is now lowest
  });

  it('poll command: the next read returns 0x80|level and acts as INTA', () => {
    const pic = new Pic8259Pair();
    initPc(pic);
    pic.irq(6).set(true);
    pic.write(0x20, 1, 0x0c, 0); // OCW3 poll
    expect(pic.read(0x20, 1, 0)).toBe(0x86);
    expect(readIsr(pic, 0x20)).toBe(0x40);
    pic.write(0x20, 1, 0x0c, 0);
    expect(pic.read(0x20, 1, 0)).toBe(0x00); // nothing requesting
  });
});

describe('8259A snapshot', () => {
  it('snapshot -> restore -> identical future behaviour (random operation sequences)', () => {
    type Op = { k: 'line'; n: number; v: boolean } | { k: 'io'; port: number; v: number } | { k: 'ack' } | { k: 'rd'; port: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ k: fc.constant('line' as const), n: fc.constantFrom(0, 1, 3, 4, 7, 8, 9, 12, 15), v: fc.boolean() }),
      fc.record({
        k: fc.constant('io' as const),
        port: fc.constantFrom(0x20, 0x21, 0xa0, 0xa1),
        v: fc.oneof(fc.constantFrom(0x20, 0x60, 0x62, 0xa0, 0x0b, 0x0a, 0x0c, 0x68, 0x48, 0x00), fc.integer({ min: 0, max: 255 })),
      }),
      fc.record({ k: fc.constant('ack' as const) }),
      fc.record({ k: fc.constant('rd' as const), port: fc.constantFrom(0x20, 0x21, 0xa0, 0xa1) }),
    );
    const run = (pic: Pic8259Pair, ops: Op[]): number[] => {
      const out: number[] = [];
      for (const o of ops) {
        if (o.k === 'line') pic.irq(o.n).set(o.v);
        else if (o.k === 'io') pic.write(o.port, 1, o.v, 0);
        else if (o.k === 'ack') out.push(pic.acknowledge());
        else out.push(pic.read(o.port, 1, 0));
        out.push(pic.hasInterrupt() ? 1 : 0);
      }
      return out;
    };
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(op, { maxLength: 40 }), (before, after) => {
        const a = new Pic8259Pair();
        initPc(a);
        run(a, before);
        const snap = structuredClone(a.snapshot());
        const b = new Pic8259Pair();
        b.restore(snap);
        expect(run(b, after)).toEqual(run(a, after));
        expect(b.snapshot()).toEqual(a.snapshot());
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a state that is not its own', () => {
    expect(() => new Pic8259Pair().restore({ kind: 'pit8254' })).toThrow(TypeError);
  });
});
