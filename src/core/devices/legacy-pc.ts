/**
 * The legacy PC devices wired as on a PC/AT: the 8259A pair, the 8254 with OUT0 on IRQ0 and
 * counter 2 behind port 0x61, and a 16550A at COM1 on IRQ4 (IBM PC/AT Technical Reference,
 * "System Interrupts": IRQ0 timer, IRQ4 serial port 1), decoded by one `PortBus`.
 *
 * One instance is the physical platform of the bare machine; a hypervisor creates one per guest
 * VM and forwards the guest's IN/OUT exits to `bus`, and injects `pic.acknowledge()` vectors.
 * Instances share nothing, and the set snapshots and restores as one plain-data value.
 */
import { Pic8259Pair, type PicOptions, type PicState } from './pic.ts';
import { Pit8254, type PitOptions, type PitState } from './pit.ts';
import { PortBus } from './port-bus.ts';
import { Uart16550, type UartOptions, type UartState } from './uart16550.ts';

/** ISA IRQ numbers of the PC/AT (IBM PC/AT Technical Reference, "System Interrupts"). */
export const IRQ_TIMER = 0;
export const IRQ_COM1 = 4;

export interface LegacyPcOptions {
  readonly pic?: PicOptions;
  readonly pit?: PitOptions;
  readonly com1?: UartOptions;
}

export interface LegacyPcState {
  kind: 'legacy-pc';
  pic: PicState;
  pit: PitState;
  com1: UartState;
}

export class LegacyPc {
  readonly bus = new PortBus();
  readonly pic: Pic8259Pair;
  readonly pit: Pit8254;
  readonly com1: Uart16550;

  /** Precondition: the clocks are convertible (see clock.ts `checkClockPair`); else RangeError. */
  constructor(cpuHz: number, options: LegacyPcOptions = {}) {
    this.pic = new Pic8259Pair(options.pic);
    this.pit = new Pit8254(cpuHz, this.pic.irq(IRQ_TIMER), options.pit);
    this.com1 = new Uart16550(cpuHz, this.pic.irq(IRQ_COM1), options.com1);
    for (const device of [this.pic, this.pit, this.com1]) {
      const outcome = this.bus.register(device);
      if (!outcome.ok) throw new Error(`legacy PC wiring: ${device.name} cannot be registered (${outcome.reason})`);
    }
  }

  snapshot(): LegacyPcState {
    return { kind: 'legacy-pc', pic: this.pic.snapshot(), pit: this.pit.snapshot(), com1: this.com1.snapshot() };
  }

  /** Restores all three together, so the IRQ wires' levels agree on both ends. */
  restore(state: unknown): void {
    const st = state as Partial<LegacyPcState> | null;
    if (!st || st.kind !== 'legacy-pc') throw new TypeError('not a LegacyPc snapshot');
    this.pic.restore(st.pic);
    this.pit.restore(st.pit);
    this.com1.restore(st.com1);
    this.bus.invalidate();
  }

  /** Brings every device up to `now` (a canonical state for snapshots: lazily-advanced devices look the same on every path). */
  sync(now: number): void {
    this.bus.invalidate();
    this.bus.advance(now);
  }
}
