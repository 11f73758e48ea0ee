/**
 * Common shape of the legacy PC devices (PIC, PIT, UART) and of the port bus that decodes them.
 *
 * The same classes serve twice: as the physical platform devices of the bare machine, and as the
 * virtual devices a hypervisor instantiates per guest VM (one instance each), which is why every
 * device keeps its whole state as plain data (`snapshot`/`restore`) and takes time only as an
 * argument (`now`, simulated CPU cycles).
 */

/** Width of an IN/OUT access in bytes. SDM Vol. 2A "IN" / Vol. 2B "OUT": byte, word or doubleword. */
export type IoSize = 1 | 2 | 4;

export interface PortDevice {
  readonly name: string;
  /** Inclusive port ranges this device decodes. */
  readonly ports: ReadonlyArray<readonly [number, number]>;
  /**
   * True when the device itself decodes 16- and 32-bit accesses. Absent or false means an 8-bit
   * (ISA-style) device: the `PortBus` splits wider accesses into byte accesses at consecutive
   * ports, as a PC chipset does for an 8-bit I/O slave.
   */
  readonly decodesWide?: boolean;
  /** Value zero-extended to `size` (the device may assume `size === 1` unless `decodesWide`). */
  read(port: number, size: IoSize, now: number): number;
  write(port: number, size: IoSize, value: number, now: number): void;
  /**
   * Next simulated cycle at which the device will change an interrupt line by itself (e.g. PIT
   * terminal count, UART receive), or Infinity. Never later than the real event; a device may
   * document that it reports some cycles at which nothing visible happens.
   */
  nextEventAt(now: number): number;
  /** Advance internal state to `now` (raising/lowering IRQ lines as time passes). */
  advance(now: number): void;
  /** Plain data, structuredClone-able, sharing nothing with the live device. */
  snapshot(): unknown;
  /** Copy a state produced by `snapshot()` of a device of the same class back in. */
  restore(state: unknown): void;
}

/** A wire into the PIC. `set` is idempotent: the receiver detects edges itself. */
export interface IrqLine {
  set(level: boolean): void;
}

/** An IRQ line that goes nowhere (a device whose interrupt output is not wired). */
export const UNCONNECTED_IRQ: IrqLine = { set(): void {} };

/** All-ones value of an access of `size` bytes: what an undecoded port reads as on a PC. */
export function allOnes(size: IoSize): number {
  return size === 1 ? 0xff : size === 2 ? 0xffff : 0xffff_ffff;
}
