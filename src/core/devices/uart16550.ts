/**
 * National PC16550D UART (the "16550A" of PCs) at COM1, ports 0x3F8-0x3FF, IRQ4 (IBM PC/AT
 * Technical Reference, "Serial/Parallel Adapter"; the base is a constructor option).
 *
 * Source: National Semiconductor PC16550D datasheet (June 1995), cited as "16550D" with the
 * section or table name; where it is silent, QEMU hw/char/serial.c is followed and named.
 *
 * Modelled:
 * - Registers RBR/THR, IER, IIR/FCR, LCR (DLAB), MCR, LSR, MSR, SCR, DLL/DLM (16550D Table II).
 * - Interrupts in the datasheet's priority (16550D Table IV "Interrupt Control Functions"):
 *   receiver line status (OE) > received data available / character timeout > THR empty >
 *   modem status. IIR bits 7-6 are set while FIFOs are enabled. Reading IIR clears a THRE
 *   interrupt when it is the one reported; writing THR clears it too; it is raised again when
 *   THR empties, when IER bit 1 goes 0 -> 1 with THR empty, and when FCR bit 0 changes
 *   ("the transmitter interrupt after changing FCR0 will be immediate, if it is enabled").
 * - FIFO mode: 16-byte receiver FIFO with trigger level 1/4/8/14, RCVR FIFO reset, overrun only
 *   when the FIFO is full and another character completes (16550D LSR bit 1), the character
 *   timeout interrupt after 4 character times without input or CPU read (16550D "FIFO
 *   Interrupt Mode Operation").
 * - Receive timing: console input given to `receive()` waits on the "wire" and arrives one
 *   character per character time at the programmed speed (1.8432 MHz / (16 x divisor), frame =
 *   start + 5-8 data + parity + 1, 1.5 or 2 stop bits), so a guest that does not keep up sees
 *   overrun errors, and the FIFO timeout fires at the right cycle. `nextEventAt` reports the
 *   next arrival (only while a receive interrupt is enabled) and the timeout deadline.
 * - Loopback (MCR bit 4): transmitted bytes come back to the receiver at once, nothing leaves on
 *   the wire, the modem inputs follow MCR (CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2; 16550D MCR
 *   bit 4), and console input is held on the wire until loopback ends (model assumption).
 * - The PC wiring of the interrupt: the UART's INTR reaches the PIC only through the OUT2 pin
 *   (IBM PC/AT Technical Reference, serial adapter "interrupt enable = OUT2"), and in loopback
 *   the OUT2 pin is forced inactive (16550D MCR bit 4), so no IRQ then. Option `out2GatesIrq`
 *   (default true) can turn that wiring off.
 * - Modem inputs (CTS, DSR, RI, DCD) are set by the owner (`setModemInputs`); default CTS, DSR
 *   and DCD active, a terminal attached (model assumption, as QEMU serial_reset).
 *
 * Not modelled / simplified:
 * - Transmit is instant: a byte written to THR goes to `onTransmit` (and the output log) at
 *   once, so THRE and TEMT read 1 at all times and the transmit FIFO is always empty.
 * - No parity, framing or break errors are ever received (an ideal line); LSR bit 7 stays 0.
 *   Set break (LCR bit 6) and DMA mode (FCR bit 3) are stored only.
 * - A divisor of 0 (undefined on the chip) is timed as 65536.
 *
 * Reset state: 16550D Table III "UART Reset Configuration": IER, FCR, LCR, MCR = 0, IIR = 0x01,
 * LSR = 0x60, MSR deltas 0. The divisor latch is not reset by MR; model assumption at power-on:
 * 12 (9600 baud), as QEMU serial_reset.
 */
import { TickClock } from './clock.ts';
import { UNCONNECTED_IRQ, type IoSize, type IrqLine, type PortDevice } from './types.ts';

/** PC serial adapter crystal (IBM PC/AT Technical Reference, "Serial/Parallel Adapter"). */
export const UART_CLOCK_HZ = 1_843_200;
export const COM1_BASE = 0x3f8;
/** 16550D: 16-byte receiver FIFO. */
const FIFO_SIZE = 16;
/** 16550D FCR bits 7-6: receiver FIFO trigger level. */
const TRIGGER_LEVELS = [1, 4, 8, 14] as const;
/** Default output log size (bytes kept for snapshots and the UI). */
export const DEFAULT_OUTPUT_CAPACITY = 64 * 1024;

// LSR bits (16550D "Line Status Register")
const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_ERRORS = 0x1e; // OE, PE, FE, BI
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
// IIR interrupt identification codes (16550D Table IV)
const IIR_NONE = 0x01;
const IIR_RLS = 0x06;
const IIR_RDA = 0x04;
const IIR_TIMEOUT = 0x0c;
const IIR_THRE = 0x02;
const IIR_MSR = 0x00;
// MCR bits
const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;
// MSR status bits
const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;

export interface ModemInputs {
  readonly cts: boolean;
  readonly dsr: boolean;
  readonly ri: boolean;
  readonly dcd: boolean;
}

export interface UartState {
  kind: 'uart16550';
  ier: number;
  lcr: number;
  mcr: number;
  scr: number;
  dll: number;
  dlm: number;
  /** FCR bits 0 (FIFO enable), 3 (DMA mode), 7-6 (trigger) as last written with bit 0 set. */
  fcr: number;
  /** LSR bits 1-4 pending (cleared by reading LSR). */
  lsrErrors: number;
  /** Receiver: RBR (one entry) or the receiver FIFO (up to 16), oldest first. */
  rx: number[];
  /** What RBR reads when the receiver is empty: the last character read. */
  lastRbr: number;
  thrIntPending: boolean;
  /** MSR bits 3-0 (DCTS, DDSR, TERI, DDCD). */
  msrDelta: number;
  /** External modem inputs as MSR bits 7-4. */
  modemInputs: number;
  /** Console input waiting on the wire: `wire[wireHead..]`, oldest first. */
  wire: number[];
  wireHead: number;
  /** Tick at which the first byte on the wire has been received (Infinity when none is coming). */
  wireNextAt: number;
  /** Tick of the last character received or RBR read (FIFO timeout timer). */
  rxActivity: number;
  /** Last tick `advance` processed. */
  lastTick: number;
  irqLevel: boolean;
  /** The last `output.length` bytes transmitted (ring buffer), and the total ever transmitted. */
  output: Uint8Array;
  outputTotal: number;
}

export interface UartOptions {
  /** First of the eight ports (default COM1, 0x3F8). */
  readonly base?: number;
  /** UART reference clock in Hz, a multiple of 8 (default 1.8432 MHz). */
  readonly clockHz?: number;
  /** Bytes of output kept in the state (default 64 KiB). */
  readonly outputCapacity?: number;
  /** Gate the IRQ with the OUT2 pin as PC serial adapters do (default true). */
  readonly out2GatesIrq?: boolean;
  /** External modem inputs at power-on (default CTS, DSR, DCD active). */
  readonly modemInputs?: ModemInputs;
}

function modemBits(m: ModemInputs): number {
  return (m.cts ? MSR_CTS : 0) | (m.dsr ? MSR_DSR : 0) | (m.ri ? MSR_RI : 0) | (m.dcd ? MSR_DCD : 0);
}

/** Frame length in half bit times (16550D LCR bits 0-3: word length, stop bits, parity). */
function frameHalfBits(lcr: number): number {
  const wordLength = 5 + (lcr & 3);
  const parity = lcr & 0x08 ? 1 : 0;
  const stopHalfBits = lcr & 0x04 ? (wordLength === 5 ? 3 : 4) : 2; // 1.5 stop bits for 5-bit words
  return 2 * (1 + wordLength + parity) + stopHalfBits;
}

export class Uart16550 implements PortDevice {
  readonly name: string;
  readonly ports: ReadonlyArray<readonly [number, number]>;
  /** Ticks are half bit times at divisor 1: clockHz / 8 (16 clocks a bit, 16550D "Baud Generator"). */
  readonly clock: TickClock;
  /** Receives every byte transmitted (not in loopback). Not part of the state. */
  onTransmit: ((byte: number) => void) | null = null;
  private readonly base: number;
  private readonly gateWithOut2: boolean;
  private readonly irq: IrqLine;
  private s: UartState;

  /**
   * @param cpuHz CPU clock in Hz (the unit of `now`).
   * @param irq the wire into the PIC (IRQ4 for COM1).
   * Precondition: `checkClockPair(cpuHz, clockHz / 8).ok` (else RangeError: a wiring bug).
   */
  constructor(cpuHz: number, irq: IrqLine = UNCONNECTED_IRQ, options: UartOptions = {}) {
    const clockHz = options.clockHz ?? UART_CLOCK_HZ;
    if (clockHz % 8 !== 0) throw new RangeError(`UART clock ${clockHz} Hz is not a multiple of 8`);
    this.clock = new TickClock(cpuHz, clockHz / 8);
    this.base = options.base ?? COM1_BASE;
    this.name = `16550A UART @${this.base.toString(16)}h`;
    this.ports = [[this.base, this.base + 7]];
    this.gateWithOut2 = options.out2GatesIrq ?? true;
    this.irq = irq;
    const capacity = options.outputCapacity ?? DEFAULT_OUTPUT_CAPACITY;
    this.s = {
      kind: 'uart16550',
      ier: 0,
      lcr: 0,
      mcr: 0,
      scr: 0,
      dll: 12,
      dlm: 0,
      fcr: 0,
      lsrErrors: 0,
      rx: [],
      lastRbr: 0,
      thrIntPending: false,
      msrDelta: 0,
      modemInputs: modemBits(options.modemInputs ?? { cts: true, dsr: true, ri: false, dcd: true }),
      wire: [],
      wireHead: 0,
      wireNextAt: Infinity,
      rxActivity: 0,
      lastTick: 0,
      irqLevel: false,
      output: new Uint8Array(capacity),
      outputTotal: 0,
    };
  }

  // ---- owner side ----

  /** Console input: bytes put on the wire, received one per character time from `now` (default: the last time seen). */
  receive(bytes: ArrayLike<number>, now?: number): void {
    if (now !== undefined) this.advance(now);
    const s = this.s;
    for (let i = 0; i < bytes.length; i++) s.wire.push(bytes[i]! & 0xff);
    if (s.wireNextAt === Infinity && this.pendingInput > 0 && !this.loopback()) {
      s.wireNextAt = s.lastTick + this.charTime();
    }
  }

  /** Changes the external modem inputs (ignored by MSR while in loopback). */
  setModemInputs(inputs: ModemInputs, now?: number): void {
    if (now !== undefined) this.advance(now);
    const before = this.msrStatus();
    this.s.modemInputs = modemBits(inputs);
    this.noteModemChange(before);
    this.updateIrq();
  }

  /** The bytes transmitted, oldest first: the last `outputCapacity` of them. */
  output(): Uint8Array {
    const { output, outputTotal } = this.s;
    const cap = output.length;
    if (outputTotal <= cap) return output.slice(0, outputTotal);
    const head = outputTotal % cap;
    const out = new Uint8Array(cap);
    out.set(output.subarray(head), 0);
    out.set(output.subarray(0, head), cap - head);
    return out;
  }

  /** `output()` as text, one char per byte (Latin-1). */
  outputText(): string {
    const bytes = this.output();
    let text = '';
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
    return text;
  }

  /** Bytes still waiting on the wire. */
  get pendingInput(): number {
    return this.s.wire.length - this.s.wireHead;
  }

  /** Baud divisor (DLM:DLL). */
  get divisor(): number {
    return (this.s.dlm << 8) | this.s.dll;
  }

  /** The INTR output after the OUT2 gate (the level on the IRQ wire). */
  get interruptLine(): boolean {
    return this.s.irqLevel;
  }

  // ---- PortDevice ----

  read(port: number, _size: IoSize, now: number): number {
    this.advance(now);
    const s = this.s;
    let value: number;
    switch (port - this.base) {
      case 0:
        value = this.dlab() ? s.dll : this.readRbr();
        break;
      case 1:
        value = this.dlab() ? s.dlm : s.ier;
        break;
      case 2: {
        const id = this.interruptId();
        // 16550D Table IV: a THRE interrupt is reset by reading IIR "if source of interrupt".
        if (id === IIR_THRE) s.thrIntPending = false;
        value = id | (this.fifoEnabled() ? 0xc0 : 0);
        break;
      }
      case 3:
        value = s.lcr;
        break;
      case 4:
        value = s.mcr;
        break;
      case 5:
        value = (s.rx.length > 0 ? LSR_DR : 0) | s.lsrErrors | LSR_THRE | LSR_TEMT;
        s.lsrErrors = 0; // 16550D LSR: bits 1-4 reset whenever the LSR is read
        break;
      case 6:
        value = s.msrDelta | this.msrStatus();
        s.msrDelta = 0; // 16550D MSR: bits 0-3 reset when the CPU reads the MSR
        break;
      case 7:
        value = s.scr;
        break;
      default:
        return 0xff;
    }
    this.updateIrq();
    return value;
  }

  write(port: number, _size: IoSize, value: number, now: number): void {
    this.advance(now);
    const s = this.s;
    value &= 0xff;
    switch (port - this.base) {
      case 0:
        if (this.dlab()) s.dll = value;
        else this.writeThr(value);
        break;
      case 1:
        if (this.dlab()) {
          s.dlm = value;
        } else {
          // 16550D IER bits 4-7 are always 0. Enabling the THRE interrupt with THR empty raises it
          // at once (QEMU serial_ioport_write; Linux 8250 relies on this to start transmission).
          if (value & 0x02 && !(s.ier & 0x02)) s.thrIntPending = true;
          s.ier = value & 0x0f;
        }
        break;
      case 2:
        this.writeFcr(value);
        break;
      case 3:
        s.lcr = value;
        break;
      case 4:
        this.writeMcr(value & 0x1f); // 16550D MCR bits 5-7 are always 0
        break;
      case 7:
        s.scr = value;
        break;
      default:
        break; // LSR and MSR are read-only here (factory test writes not modelled)
    }
    this.updateIrq();
  }

  /** Next receive event (arrival while a receive interrupt is enabled, or the FIFO timeout), in cycles. */
  nextEventAt(now: number): number {
    const s = this.s;
    let next = Infinity;
    if (s.ier & 0x05 && s.wireNextAt < next) next = s.wireNextAt;
    if (s.ier & 0x01 && this.fifoEnabled() && s.rx.length > 0) {
      const deadline = this.timeoutDeadline();
      if (deadline > s.lastTick && deadline < next) next = deadline;
    }
    if (next === Infinity) return Infinity;
    const at = this.clock.cycleOfTick(next);
    return at < now ? now : at;
  }

  advance(now: number): void {
    const s = this.s;
    const t = this.clock.ticksAt(now);
    if (t <= s.lastTick) return;
    while (s.wireNextAt <= t) {
      const at = s.wireNextAt;
      this.deliver(s.wire[s.wireHead++]!, at);
      s.wireNextAt = this.pendingInput > 0 ? at + this.charTime() : Infinity;
    }
    if (s.wireHead > 0 && s.wireHead * 2 >= s.wire.length) {
      s.wire = s.wire.slice(s.wireHead); // compact: O(1) amortised per byte
      s.wireHead = 0;
    }
    s.lastTick = t;
    this.updateIrq();
  }

  snapshot(): UartState {
    return copyState(this.s);
  }

  restore(state: unknown): void {
    const st = state as Partial<UartState> | null;
    if (!st || st.kind !== 'uart16550' || !(st.output instanceof Uint8Array) || !Array.isArray(st.rx)) {
      throw new TypeError('not a Uart16550 snapshot');
    }
    this.s = copyState(st as UartState);
  }

  // ---- internals ----

  private dlab(): boolean {
    return (this.s.lcr & 0x80) !== 0;
  }

  private loopback(): boolean {
    return (this.s.mcr & MCR_LOOP) !== 0;
  }

  private fifoEnabled(): boolean {
    return (this.s.fcr & 0x01) !== 0;
  }

  /** One character time in ticks (half bit times at divisor 1). */
  private charTime(): number {
    return frameHalfBits(this.s.lcr) * (this.divisor || 0x1_0000);
  }

  private timeoutDeadline(): number {
    return this.s.rxActivity + 4 * this.charTime(); // 16550D: four character times
  }

  /** A character has been completely received at tick `at`. */
  private deliver(byte: number, at: number): void {
    const s = this.s;
    s.rxActivity = at;
    if (this.fifoEnabled()) {
      if (s.rx.length >= FIFO_SIZE) s.lsrErrors |= LSR_OE; // the shift register is overwritten
      else s.rx.push(byte);
    } else if (s.rx.length > 0) {
      s.lsrErrors |= LSR_OE; // RBR not read before the next character: it is destroyed
      s.rx[0] = byte;
    } else {
      s.rx.push(byte);
    }
  }

  private readRbr(): number {
    const s = this.s;
    if (s.rx.length > 0) s.lastRbr = s.rx.shift()!;
    s.rxActivity = s.lastTick; // a CPU read restarts the timeout timer
    return s.lastRbr;
  }

  private writeThr(byte: number): void {
    const s = this.s;
    s.thrIntPending = false; // writing THR clears the THRE interrupt...
    // ...and drops INTR with it, so that THR emptying again is a new edge for an edge-triggered PIC (16550D Table IV;
    // QEMU serial_ioport_write lowers and raises the line; Bochs raises IRQ again). Without the drop, a driver that
    // answers THRE by writing THR (without reading IIR) would never be interrupted again.
    this.updateIrq();
    if (this.loopback()) {
      this.deliver(byte, s.lastTick); // 16550D MCR bit 4: TSR output looped back to RSR
    } else {
      s.output[s.outputTotal % s.output.length] = byte;
      s.outputTotal++;
      if (this.onTransmit) this.onTransmit(byte);
    }
    s.thrIntPending = true; // ...and, transmit being instant, THR is empty again at once
  }

  private writeFcr(v: number): void {
    const s = this.s;
    const enable = v & 0x01;
    if (enable !== (s.fcr & 0x01)) {
      // 16550D FCR bit 0: changing it clears both FIFOs; the THRE interrupt is immediate.
      s.rx.length = 0;
      s.thrIntPending = true;
    }
    if (!enable) {
      s.fcr = 0; // the other bits are only programmed with FCR0 = 1
      return;
    }
    if (v & 0x02) s.rx.length = 0; // RCVR FIFO reset (the shift register is not cleared)
    if (v & 0x04) s.thrIntPending = true; // XMIT FIFO reset: THR empty, its interrupt pending (QEMU serial_ioport_write)
    s.fcr = v & 0xc9;
  }

  private writeMcr(v: number): void {
    const s = this.s;
    const before = this.msrStatus();
    const wasLoop = this.loopback();
    s.mcr = v;
    const isLoop = this.loopback();
    if (isLoop && !wasLoop) {
      s.wireNextAt = Infinity; // console input waits while the receiver listens to the transmitter
    } else if (!isLoop && wasLoop && this.pendingInput > 0) {
      s.wireNextAt = s.lastTick + this.charTime();
    }
    this.noteModemChange(before);
  }

  /** MSR bits 7-4: the modem inputs, or MCR bits in loopback (16550D MCR bit 4). */
  private msrStatus(): number {
    const s = this.s;
    if (!this.loopback()) return s.modemInputs;
    return (
      (s.mcr & MCR_RTS ? MSR_CTS : 0) |
      (s.mcr & MCR_DTR ? MSR_DSR : 0) |
      (s.mcr & MCR_OUT1 ? MSR_RI : 0) |
      (s.mcr & MCR_OUT2 ? MSR_DCD : 0)
    );
  }

  /** 16550D MSR bits 0-3: DCTS, DDSR, TERI (RI went inactive), DDCD. */
  private noteModemChange(before: number): void {
    const after = this.msrStatus();
    const changed = before ^ after;
    let delta = 0;
    if (changed & MSR_CTS) delta |= 0x01;
    if (changed & MSR_DSR) delta |= 0x02;
    if (before & MSR_RI && !(after & MSR_RI)) delta |= 0x04;
    if (changed & MSR_DCD) delta |= 0x08;
    this.s.msrDelta |= delta;
  }

  /** The IIR interrupt identification (bits 3-0) of the highest-priority pending interrupt. */
  private interruptId(): number {
    const s = this.s;
    if (s.ier & 0x04 && s.lsrErrors & LSR_ERRORS) return IIR_RLS;
    if (s.ier & 0x01 && s.rx.length > 0) {
      if (!this.fifoEnabled()) return IIR_RDA;
      if (s.rx.length >= TRIGGER_LEVELS[s.fcr >> 6]!) return IIR_RDA;
      if (s.lastTick >= this.timeoutDeadline()) return IIR_TIMEOUT;
    }
    if (s.ier & 0x02 && s.thrIntPending) return IIR_THRE;
    if (s.ier & 0x08 && s.msrDelta) return IIR_MSR;
    return IIR_NONE;
  }

  private updateIrq(): void {
    const s = this.s;
    const gate = !this.gateWithOut2 || (s.mcr & (MCR_OUT2 | MCR_LOOP)) === MCR_OUT2;
    const level = gate && this.interruptId() !== IIR_NONE;
    if (level !== s.irqLevel) {
      s.irqLevel = level;
      this.irq.set(level);
    }
  }
}

function copyState(s: UartState): UartState {
  return { ...s, rx: s.rx.slice(), wire: s.wire.slice(s.wireHead), wireHead: 0, output: s.output.slice() };
}
