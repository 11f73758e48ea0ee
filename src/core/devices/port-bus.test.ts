import { describe, expect, it } from 'vitest';
import { PortBus } from './port-bus.ts';
import type { IoSize, PortDevice } from './types.ts';

/** A byte-wide test device with a register per port that logs its accesses. */
class Regs implements PortDevice {
  readonly log: string[] = [];
  readonly regs = new Map<number, number>();
  constructor(
    readonly name: string,
    readonly ports: ReadonlyArray<readonly [number, number]>,
    readonly decodesWide = false,
    private readonly next = Infinity,
  ) {}
  read(port: number, size: IoSize): number {
    this.log.push(`r${size}@${port.toString(16)}`);
    if (size === 1) return this.regs.get(port) ?? 0;
    return 0x1234_5678 & (size === 2 ? 0xffff : 0xffff_ffff);
  }
  write(port: number, size: IoSize, value: number): void {
    this.log.push(`w${size}@${port.toString(16)}=${value.toString(16)}`);
    this.regs.set(port, value);
  }
  nextEventAt(): number {
    return this.next;
  }
  advanced = -1;
  advance(now: number): void {
    this.advanced = now;
  }
  snapshot(): unknown {
    return null;
  }
  restore(): void {}
}

describe('PortBus', () => {
  it('dispatches to the device decoding a port and reads unclaimed ports as all ones', () => {
    const bus = new PortBus();
    const d = new Regs('d', [[0x20, 0x21]]);
    expect(bus.register(d)).toEqual({ ok: true });
    bus.write(0x21, 1, 0xab, 0);
    expect(bus.read(0x21, 1, 0)).toBe(0xab);
    expect(bus.read(0x80, 1, 0)).toBe(0xff);
    expect(bus.read(0x80, 2, 0)).toBe(0xffff);
    expect(bus.read(0x80, 4, 0)).toBe(0xffff_ffff);
    bus.write(0x80, 4, 0x1234, 0); // ignored
    expect(bus.deviceAt(0x20)).toBe(d);
    expect(bus.deviceAt(0x22)).toBeUndefined();
  });

  it('refuses overlapping and invalid ranges, registering nothing of the refused device', () => {
    const bus = new PortBus();
    bus.register(new Regs('pic', [[0x20, 0x21]]));
    const clash = new Regs('clash', [[0x60, 0x60], [0x21, 0x22]]);
    expect(bus.register(clash)).toEqual({ ok: false, reason: 'overlap', port: 0x21, owner: 'pic' });
    expect(bus.deviceAt(0x60)).toBeUndefined();
    expect(bus.register(new Regs('bad', [[5, 4]])).ok).toBe(false);
    expect(bus.register(new Regs('bad', [[0xffff, 0x10000]])).ok).toBe(false);
  });

  it('splits wide accesses to byte devices into ascending byte accesses, little-endian', () => {
    const bus = new PortBus();
    const d = new Regs('d', [[0x40, 0x43]]);
    bus.register(d);
    bus.write(0x40, 4, 0x4433_2211, 0);
    expect(d.log).toEqual(['w1@40=11', 'w1@41=22', 'w1@42=33', 'w1@43=44']);
    expect(bus.read(0x41, 2, 0)).toBe(0x3322);
    // straddling the end of the device: the byte at 0x44 is undecoded and floats high
    expect(bus.read(0x42, 4, 0)).toBe(0xffff_4433 >>> 0);
  });

  it('passes wide accesses whole to a device that decodes them, unless they leave it', () => {
    const bus = new PortBus();
    const d = new Regs('wide', [[0xcf8, 0xcff]], true);
    bus.register(d);
    expect(bus.read(0xcf8, 4, 0)).toBe(0x1234_5678);
    bus.write(0xcfc, 2, 0xbeef, 0);
    expect(d.log).toEqual(['r4@cf8', 'w2@cfc=beef']);
    d.log.length = 0;
    bus.read(0xcfe, 4, 0); // leaves the device after two bytes: split
    expect(d.log).toEqual(['r1@cfe', 'r1@cff']);
  });

  it('exposes the earliest device event and advances every device', () => {
    const bus = new PortBus();
    const a = new Regs('a', [[1, 1]], false, 500);
    const b = new Regs('b', [[2, 2]], false, 300);
    bus.register(a);
    bus.register(b);
    expect(bus.nextEventAt(0)).toBe(300);
    bus.advance(42);
    expect([a.advanced, b.advanced]).toEqual([42, 42]);
    expect(new PortBus().nextEventAt(0)).toBe(Infinity);
  });
});
