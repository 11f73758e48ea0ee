/**
 * The I/O port address space of a PC: 64 Ki byte-wide ports (SDM Vol. 1 §19.2 "I/O Port
 * Addressing"), decoded by the devices registered on it.
 *
 * Modelled: registration by inclusive port ranges (an overlap is refused, as two ISA devices
 * driving one port would be a hardware conflict); dispatch of IN/OUT through an Int16Array
 * port -> device table (no allocation, no search per access); ports nobody decodes read as all
 * ones for the access size and ignore writes, because the PC data bus floats high when no device
 * drives it (the same convention Bochs and QEMU use for unassigned I/O).
 *
 * Access splitting: a 16- or 32-bit IN/OUT whose first byte lands on a device that does not set
 * `decodesWide` (every 8-bit ISA device, i.e. the PIC, PIT and UART here) is split into byte
 * accesses at port, port+1, ... in ascending order, each dispatched on its own (so the bytes may
 * reach different devices or undecoded ports), and the bytes are assembled little-endian, the
 * lowest port in the low byte (SDM Vol. 1 §19.2: multi-byte ports occupy consecutive addresses,
 * little-endian). A wide access to a `decodesWide` device is passed through whole only when all
 * its bytes belong to that device; otherwise it is split too. Port numbers wrap at 0xFFFF.
 *
 * Not modelled: I/O timing (the cost of an access is the cost model's business), and the bus
 * records nothing (tracing belongs to the caller).
 */
import { allOnes, type IoSize, type PortDevice } from './types.ts';

export type RegisterOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'bad-range'; readonly range: readonly [number, number] }
  | { readonly ok: false; readonly reason: 'overlap'; readonly port: number; readonly owner: string }
  | { readonly ok: false; readonly reason: 'too-many-devices' };

const PORT_COUNT = 0x1_0000;
const NONE = -1;

export class PortBus {
  private readonly table = new Int16Array(PORT_COUNT).fill(NONE);
  private readonly list: PortDevice[] = [];

  /** Registers `device` on all its port ranges, or on none of them if any is invalid or taken. */
  register(device: PortDevice): RegisterOutcome {
    if (this.list.length >= 0x7fff) return { ok: false, reason: 'too-many-devices' };
    for (const range of device.ports) {
      const [lo, hi] = range;
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > 0xffff || lo > hi) {
        return { ok: false, reason: 'bad-range', range };
      }
      for (let p = lo; p <= hi; p++) {
        const owner = this.table[p]!;
        if (owner !== NONE) return { ok: false, reason: 'overlap', port: p, owner: this.list[owner]!.name };
      }
    }
    // Ranges of one device that overlap each other are harmless: same owner.
    const index = this.list.length;
    this.list.push(device);
    for (const [lo, hi] of device.ports) this.table.fill(index, lo, hi + 1);
    return { ok: true };
  }

  /** The device decoding `port`, if any. */
  deviceAt(port: number): PortDevice | undefined {
    const index = this.table[port & 0xffff]!;
    return index === NONE ? undefined : this.list[index];
  }

  get devices(): ReadonlyArray<PortDevice> {
    return this.list;
  }

  read(port: number, size: IoSize, now: number): number {
    this.cachedNext = -Infinity; // a read can change device state (FIFO pops, IIR clears)
    port &= 0xffff;
    const index = this.table[port]!;
    if (size === 1) return index === NONE ? 0xff : this.list[index]!.read(port, 1, now) & 0xff;
    if (index !== NONE && this.wholeAccess(index, port, size)) {
      return this.list[index]!.read(port, size, now) & allOnes(size);
    }
    let value = 0;
    for (let i = 0; i < size; i++) value |= this.readByte((port + i) & 0xffff, now) << (8 * i);
    return value >>> 0;
  }

  write(port: number, size: IoSize, value: number, now: number): void {
    this.cachedNext = -Infinity;
    port &= 0xffff;
    const index = this.table[port]!;
    if (size === 1) {
      if (index !== NONE) this.list[index]!.write(port, 1, value & 0xff, now);
      return;
    }
    if (index !== NONE && this.wholeAccess(index, port, size)) {
      this.list[index]!.write(port, size, (value & allOnes(size)) >>> 0, now);
      return;
    }
    for (let i = 0; i < size; i++) {
      const p = (port + i) & 0xffff;
      const owner = this.table[p]!;
      if (owner !== NONE) this.list[owner]!.write(p, 1, (value >>> (8 * i)) & 0xff, now);
    }
  }

  /** Earliest `nextEventAt` over all devices (Infinity when none has a pending event). */
  nextEventAt(now: number): number {
    let next = Infinity;
    for (let i = 0; i < this.list.length; i++) {
      const at = this.list[i]!.nextEventAt(now);
      if (at < next) next = at;
    }
    return next;
  }

  /**
   * Advances every device to `now`, in registration order. Between port accesses nothing changes before
   * the earliest `nextEventAt`, so calls before that time return at once (the machine calls this often).
   */
  advance(now: number): void {
    if (now < this.cachedNext) return;
    for (let i = 0; i < this.list.length; i++) this.list[i]!.advance(now);
    this.cachedNext = this.nextEventAt(now);
  }
  /** Forgets the cached next event (after device state was replaced, e.g. by a restore). */
  invalidate(): void {
    this.cachedNext = -Infinity;
  }

  /** `nextEventAt(now)`, reusing the value computed by the last `advance` while no port was accessed since. */
  nextEventCached(now: number): number {
    if (this.cachedNext !== -Infinity) return this.cachedNext;
    return this.nextEventAt(now);
  }
  /** Earliest device event after the last full `advance` (−∞ after any port access: recompute). */
  private cachedNext = -Infinity;

  private readByte(port: number, now: number): number {
    const owner = this.table[port]!;
    return owner === NONE ? 0xff : this.list[owner]!.read(port, 1, now) & 0xff;
  }

  private wholeAccess(index: number, port: number, size: IoSize): boolean {
    if (this.list[index]!.decodesWide !== true) return false;
    for (let i = 1; i < size; i++) if (this.table[(port + i) & 0xffff] !== index) return false;
    return true;
  }
}
