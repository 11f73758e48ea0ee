/**
 * Intel 8259A Programmable Interrupt Controller, as the cascaded pair of the PC/AT: master at
 * ports 0x20/0x21, slave at 0xA0/0xA1, the slave's INT output wired to the master's IR2
 * (IBM PC/AT Technical Reference, "System Interrupts"). Optional ELCR at 0x4D0/0x4D1
 * (Intel 82371AB PIIX4 datasheet §3.3.12 "ELCR1/ELCR2 - Edge/Level Control Registers").
 *
 * Sources: Intel 8259A datasheet (order no. 231468), cited below as "8259A" with the section
 * name; where the datasheet is silent, Bochs iodev/pic.cc is followed and named.
 *
 * Modelled:
 * - ICW1..ICW4 initialisation sequence with the effects of ICW1 listed in 8259A
 *   "Initialization Command Words" (a)-(f); ICW3 only in cascade mode, ICW4 only if IC4.
 * - OCW1 (IMR), OCW2 (non-specific EOI, specific EOI, rotate on non-specific EOI, rotate on
 *   specific EOI, set priority, rotate in automatic EOI mode set/clear), OCW3 (read IRR/ISR,
 *   poll command, special mask mode set/reset).
 * - Fully nested mode with rotating priority (the "lowest priority" register), special mask
 *   mode, special fully nested mode on the master, automatic EOI (ICW4 bit 1) with optional
 *   rotation.
 * - Edge- and level-triggered inputs (ICW1 LTIM per chip, or per IRQ through the ELCR). In both
 *   modes a request that goes away before INTA is withdrawn from IRR (8259A "Edge and Level
 *   Triggered Modes": the IR input must stay high until the first INTA, else a default IR7
 *   occurs), which yields the spurious IRQ7 / IRQ15 behaviour.
 * - Cascade through IR2: INTA on the master for a slave input lets the slave supply the vector;
 *   when the slave has nothing left it answers with its IR7 vector (spurious IRQ15) while the
 *   master's ISR bit 2 stays set (so software must EOI the master only). The master latches the
 *   slave's request on IR2 until INTA (see `update`), which is how a slave request that vanishes
 *   before INTA becomes a spurious IRQ15 rather than a spurious IRQ7.
 * - CPU side: `hasInterrupt()` is the master's INT pin, `acknowledge()` is the INTA sequence and
 *   returns the vector (8086/88 mode: T7-T3 from ICW2, low three bits the IR level).
 *
 * Not modelled: MCS-80/85 mode (ICW4 uPM = 0; vectors are still delivered 8086-style), the
 * buffered-mode SP/EN pin and the CAS lines as such, slaves on inputs other than master IR2
 * (INTA on such an input reads 0xFF: no device drives the data bus), timing of INTA pulses.
 *
 * Power-on state: the 8259A has no reset pin and the datasheet leaves the state before ICW1
 * undefined. Model assumption, as in Bochs pic.cc init(): both chips initialised, edge
 * triggered, cascade on IR2, vector bases 0x08 (master) and 0x70 (slave), all inputs masked
 * (IMR = 0xFF), IRR = ISR = 0, lowest priority IR7, reading IRR.
 */
import { UNCONNECTED_IRQ, type IoSize, type IrqLine, type PortDevice } from './types.ts';

export interface PicChipState {
  /** Interrupt request register (edge-latched or level-following requests). */
  irr: number;
  /** In-service register. */
  isr: number;
  /** Interrupt mask register (OCW1). */
  imr: number;
  /** Current level of each IR input pin. */
  lines: number;
  /** 0 = operational; 2, 3, 4 = the ICW expected next on the odd port. */
  icwStep: number;
  /** ICW1 bit 3 LTIM: level-triggered inputs. */
  ltim: boolean;
  /** ICW1 bit 1 SNGL: single 8259A, no ICW3. */
  sngl: boolean;
  /** ICW1 bit 0 IC4: ICW4 follows. */
  ic4: boolean;
  /** ICW2: T7-T3 of the vector in 8086 mode. */
  icw2: number;
  /** ICW3: master: inputs with a slave; slave: its ID in bits 2-0. */
  icw3: number;
  /** ICW4 bit 0 uPM (1 = 8086/88 mode). */
  upm: boolean;
  /** ICW4 bit 1 AEOI. */
  aeoi: boolean;
  /** ICW4 bits 3-2 BUF and M/S (stored only). */
  buf: number;
  /** ICW4 bit 4 SFNM. */
  sfnm: boolean;
  /** OCW3 RIS: the even port reads ISR (else IRR). */
  readIsr: boolean;
  /** OCW3 P: the next read is a poll. */
  poll: boolean;
  /** OCW3 special mask mode. */
  smm: boolean;
  /** IR level with the lowest priority (7 after ICW1: IR0 highest). */
  lowest: number;
  /** OCW2 rotate in automatic EOI mode. */
  rotateAeoi: boolean;
  /** ELCR: 1 = level-triggered input (only when the ELCR is present). */
  elcr: number;
}

export interface PicState {
  kind: 'pic8259-pair';
  master: PicChipState;
  slave: PicChipState;
}

export interface PicOptions {
  /** Decode the PIIX ELCR at 0x4D0/0x4D1 (default false: a plain pair of 8259As). */
  readonly elcr?: boolean;
}

/** PIIX4 §3.3.12: IRQ0, 1, 2 (master) and IRQ8, IRQ13 (slave) must stay edge triggered. */
const ELCR_WRITABLE_MASTER = 0xf8;
const ELCR_WRITABLE_SLAVE = 0xde;

/** The master input the slave's INT pin drives (PC/AT wiring). */
export const CASCADE_IR = 2;

function powerOnChip(master: boolean): PicChipState {
  return {
    irr: 0,
    isr: 0,
    imr: 0xff,
    lines: 0,
    icwStep: 0,
    ltim: false,
    sngl: false,
    ic4: true,
    icw2: master ? 0x08 : 0x70,
    icw3: master ? 1 << CASCADE_IR : CASCADE_IR,
    upm: true,
    aeoi: false,
    buf: 0,
    sfnm: false,
    readIsr: false,
    poll: false,
    smm: false,
    lowest: 7,
    rotateAeoi: false,
    elcr: 0,
  };
}

function copyChip(c: PicChipState): PicChipState {
  return { ...c };
}

function isChipState(x: unknown): x is PicChipState {
  if (typeof x !== 'object' || x === null) return false;
  const c = x as Record<string, unknown>;
  return typeof c['irr'] === 'number' && typeof c['isr'] === 'number' && typeof c['imr'] === 'number';
}

/** Bits of inputs that are level triggered on this chip. */
function levelMask(c: PicChipState): number {
  return c.ltim ? 0xff : c.elcr;
}

/**
 * The IR level the chip would present at INTA now, or -1: the highest-priority unmasked request
 * that is higher in priority than every in-service level (8259A "Fully Nested Mode"), with the
 * special mask mode exception (in-service levels that are masked do not inhibit, 8259A "Special
 * Mask Mode") and the special fully nested exception on the master (a request from a slave whose
 * master ISR bit is set is still recognised, 8259A "Special Fully Nested Mode").
 */
function resolve(c: PicChipState, isMaster: boolean): number {
  const pending = c.irr & ~c.imr & 0xff;
  if (pending === 0) return -1;
  const inService = c.smm ? c.isr & ~c.imr : c.isr;
  for (let i = 1; i <= 8; i++) {
    const level = (c.lowest + i) & 7;
    const bit = 1 << level;
    if (inService & bit) {
      if (isMaster && c.sfnm && !c.sngl && c.icw3 & bit && pending & bit) return level;
      return -1;
    }
    if (pending & bit) return level;
  }
  return -1;
}

/** Highest-priority in-service level, or -1 (the one a non-specific EOI clears). */
function highestInService(c: PicChipState): number {
  if (c.isr === 0) return -1;
  for (let i = 1; i <= 8; i++) {
    const level = (c.lowest + i) & 7;
    if (c.isr & (1 << level)) return level;
  }
  return -1;
}

/** The INTA (or poll) bookkeeping for `level` on one chip. */
function acceptOn(c: PicChipState, level: number): void {
  const bit = 1 << level;
  // 8259A "Interrupt Sequence": INTA sets the ISR bit and resets the IRR bit. A level-triggered
  // input that is still high re-requests at once (8259A "Edge and Level Triggered Modes").
  c.irr &= ~bit;
  c.irr |= c.lines & levelMask(c) & bit;
  if (c.aeoi) {
    // 8259A "Automatic End of Interrupt (AEOI) Mode": ISR reset at the trailing edge of the last
    // INTA; with rotate-in-AEOI the serviced level becomes the lowest priority.
    if (c.rotateAeoi) c.lowest = level;
  } else {
    c.isr |= bit;
  }
}

function vectorOf(c: PicChipState, level: number): number {
  return (c.icw2 & 0xf8) | level; // 8259A ICW2 in 8086 mode: T7-T3 from ICW2, T2-T0 = IR level
}

export class Pic8259Pair implements PortDevice {
  readonly name = '8259A PIC pair'; // i18n-ignore: the device's name (Intel 8259A), a name
  readonly ports: ReadonlyArray<readonly [number, number]>;
  private m: PicChipState = powerOnChip(true);
  private s: PicChipState = powerOnChip(false);
  private readonly lines: ReadonlyArray<IrqLine>;
  /** Cached master INT pin. */
  private int = false;

  constructor(options: PicOptions = {}) {
    const ports: Array<readonly [number, number]> = [
      [0x20, 0x21],
      [0xa0, 0xa1],
    ];
    if (options.elcr === true) ports.push([0x4d0, 0x4d1]);
    this.ports = ports;
    const lines: IrqLine[] = [];
    for (let n = 0; n < 16; n++) {
      const irq = n;
      lines.push(n === CASCADE_IR ? UNCONNECTED_IRQ : { set: (level: boolean) => this.setIrq(irq, level) });
    }
    this.lines = lines;
  }

  /**
   * The wire for ISA IRQ `n` (0-15): 0-7 master IR0-7, 8-15 slave IR0-7. IRQ2 is the cascade
   * input, driven by the slave; on the AT the ISA IRQ2 pin goes to IRQ9, so wire such a device
   * to `irq(9)`. Asking for 2 or a number outside 0-15 is a wiring bug and throws.
   */
  irq(n: number): IrqLine {
    if (!Number.isInteger(n) || n < 0 || n > 15 || n === CASCADE_IR) {
      throw new RangeError(`IRQ ${n} is not an input a device can drive (0-15 except the cascade IRQ2)`);
    }
    return this.lines[n]!;
  }

  /** The master's INT output: the CPU's INTR pin. */
  hasInterrupt(): boolean {
    return this.int;
  }

  /**
   * The INTA cycle (8259A "Interrupt Sequence", 8086 mode): returns the vector the CPU reads and
   * updates IRR/ISR. With no request left it returns the chip's IR7 vector and sets no ISR bit
   * (8259A: "a default IR7 will occur"); a slave with no request left answers IR7 of the slave
   * (IRQ15) after the master has put IR2 in service.
   */
  acknowledge(): number {
    const m = this.m;
    const level = resolve(m, true);
    if (level < 0) return vectorOf(m, 7);
    acceptOn(m, level);
    let vector: number;
    if (!m.sngl && m.icw3 & (1 << level)) {
      // 8259A "Cascade Mode": the master puts the slave address on CAS0-2; the slave whose ICW3
      // ID matches drives the vector. Only IR2 has a slave on the PC/AT.
      const s = this.s;
      if (level !== CASCADE_IR || s.sngl || (s.icw3 & 7) !== CASCADE_IR) {
        vector = 0xff; // nobody drives the data bus: it floats high
      } else {
        const sl = resolve(s, false);
        if (sl < 0) {
          vector = vectorOf(s, 7);
        } else {
          acceptOn(s, sl);
          vector = vectorOf(s, sl);
        }
      }
    } else {
      vector = vectorOf(m, level);
    }
    this.update();
    return vector;
  }

  read(port: number, _size: IoSize, _now: number): number {
    switch (port) {
      case 0x20:
      case 0x21:
        return this.readChip(this.m, true, port & 1);
      case 0xa0:
      case 0xa1:
        return this.readChip(this.s, false, port & 1);
      case 0x4d0:
        return this.m.elcr;
      case 0x4d1:
        return this.s.elcr;
      default:
        return 0xff;
    }
  }

  write(port: number, _size: IoSize, value: number, _now: number): void {
    value &= 0xff;
    switch (port) {
      case 0x20:
      case 0x21:
        this.writeChip(this.m, port & 1, value);
        break;
      case 0xa0:
      case 0xa1:
        this.writeChip(this.s, port & 1, value);
        break;
      case 0x4d0:
        this.m.elcr = value & ELCR_WRITABLE_MASTER;
        this.m.irr |= this.m.lines & this.m.elcr;
        break;
      case 0x4d1:
        this.s.elcr = value & ELCR_WRITABLE_SLAVE;
        this.s.irr |= this.s.lines & this.s.elcr;
        break;
      default:
        return;
    }
    this.update();
  }

  /** The PIC changes no line by itself. */
  nextEventAt(_now: number): number {
    return Infinity;
  }

  advance(_now: number): void {}

  snapshot(): PicState {
    return { kind: 'pic8259-pair', master: copyChip(this.m), slave: copyChip(this.s) };
  }

  restore(state: unknown): void {
    const st = state as Partial<PicState> | null;
    if (!st || st.kind !== 'pic8259-pair' || !isChipState(st.master) || !isChipState(st.slave)) {
      throw new TypeError('not a Pic8259Pair snapshot');
    }
    this.m = copyChip(st.master);
    this.s = copyChip(st.slave);
    this.int = resolve(this.m, true) >= 0;
  }

  /** Read-only view for the UI and tests (a copy). */
  view(): PicState {
    return this.snapshot();
  }

  private setIrq(n: number, level: boolean): void {
    if (n < 8) this.setLine(this.m, n, level);
    else this.setLine(this.s, n - 8, level);
    this.update();
  }

  /** Drives one IR input pin; edge detection per 8259A "Edge and Level Triggered Modes". */
  private setLine(c: PicChipState, n: number, level: boolean): void {
    const bit = 1 << n;
    if (level) {
      if ((c.lines & bit) === 0 || levelMask(c) & bit) c.irr |= bit; // low-to-high edge, or level
      c.lines |= bit;
    } else {
      c.lines &= ~bit;
      c.irr &= ~bit; // the request is withdrawn (default IR7 if INTA comes now)
    }
  }

  /**
   * Propagates the slave's INT to master IR2 and recomputes the master's INT pin.
   *
   * The cascade input is edge-latched but, unlike a device line, not withdrawn when the slave's
   * INT falls again (in edge mode): on the real pair, INTA freezes both chips' requests while the
   * slave's vanishing request and its INT falling reach the master with a delay, so the master
   * still serves IR2 and the slave, having nothing, answers IR7: the spurious IRQ15 with the
   * master's ISR bit 2 set (OSDev wiki "8259 PIC", "Spurious IRQs"). Acknowledgement is atomic
   * here, so this latch is what produces that behaviour (QEMU i8259 behaves the same way).
   */
  private update(): void {
    const m = this.m;
    const bit = 1 << CASCADE_IR;
    const slaveInt = resolve(this.s, false) >= 0;
    if (slaveInt !== ((m.lines & bit) !== 0)) {
      if (slaveInt) {
        this.setLine(m, CASCADE_IR, true);
      } else {
        m.lines &= ~bit;
        if (levelMask(m) & bit) m.irr &= ~bit;
      }
    }
    this.int = resolve(m, true) >= 0;
  }

  private readChip(c: PicChipState, isMaster: boolean, a0: number): number {
    if (c.poll) {
      // 8259A "The Poll Command": the next RD is treated as INTA; the poll word is
      // I (bit 7, an interrupt is requesting) and W2-W0 (the highest requesting level).
      c.poll = false;
      const level = resolve(c, isMaster);
      if (level < 0) return 0;
      acceptOn(c, level);
      this.update();
      return 0x80 | level;
    }
    if (a0 === 1) return c.imr; // 8259A "Reading the 8259A Status": IMR on A0 = 1
    return c.readIsr ? c.isr : c.irr;
  }

  private writeChip(c: PicChipState, a0: number, v: number): void {
    if (a0 === 0) {
      if (v & 0x10) this.icw1(c, v);
      else if (v & 0x08) this.ocw3(c, v);
      else this.ocw2(c, v);
      return;
    }
    switch (c.icwStep) {
      case 2:
        c.icw2 = v; // 8259A ICW2: T7-T3 (A10-A8 used only in MCS-80/85 mode)
        c.icwStep = c.sngl ? (c.ic4 ? 4 : 0) : 3;
        return;
      case 3:
        c.icw3 = v;
        c.icwStep = c.ic4 ? 4 : 0;
        return;
      case 4:
        c.upm = (v & 0x01) !== 0;
        c.aeoi = (v & 0x02) !== 0;
        c.buf = (v >> 2) & 3;
        c.sfnm = (v & 0x10) !== 0;
        c.icwStep = 0;
        return;
      default:
        c.imr = v; // OCW1
    }
  }

  /** 8259A "Initialization Command Words", effects (a)-(f) of ICW1. */
  private icw1(c: PicChipState, v: number): void {
    c.ic4 = (v & 0x01) !== 0;
    c.sngl = (v & 0x02) !== 0;
    c.ltim = (v & 0x08) !== 0;
    c.icwStep = 2;
    // (a) edge sense circuit reset: an input must go low-to-high again (level inputs re-request).
    c.irr = c.lines & levelMask(c);
    // ISR cleared: the datasheet is silent; Bochs pic.cc clears it on ICW1 and so do we.
    c.isr = 0;
    c.imr = 0; // (b) IMR cleared
    c.lowest = 7; // (c) IR7 assigned priority 7 (the lowest)
    c.icw3 = 7; // (d) slave mode address set to 7
    c.smm = false; // (e) special mask mode cleared,
    c.readIsr = false; //     status read set to IRR
    c.poll = false;
    c.rotateAeoi = false; // Bochs pic.cc: rotate-on-AEOI cleared with ICW1
    if (!c.ic4) {
      // (f) IC4 = 0: all functions selected in ICW4 set to zero
      c.upm = false;
      c.aeoi = false;
      c.buf = 0;
      c.sfnm = false;
    }
  }

  /** 8259A "Operation Command Words", OCW2: R, SL, EOI and L2-L0. */
  private ocw2(c: PicChipState, v: number): void {
    const level = v & 7;
    switch (v & 0xe0) {
      case 0x20: {
        const l = highestInService(c); // non-specific EOI
        if (l >= 0) c.isr &= ~(1 << l);
        break;
      }
      case 0x60:
        c.isr &= ~(1 << level); // specific EOI
        break;
      case 0xa0: {
        const l = highestInService(c); // rotate on non-specific EOI
        if (l >= 0) {
          c.isr &= ~(1 << l);
          c.lowest = l;
        }
        break;
      }
      case 0x80:
        c.rotateAeoi = true; // rotate in automatic EOI mode (set)
        break;
      case 0x00:
        c.rotateAeoi = false; // rotate in automatic EOI mode (clear)
        break;
      case 0xe0:
        c.isr &= ~(1 << level); // rotate on specific EOI
        c.lowest = level;
        break;
      case 0xc0:
        c.lowest = level; // set priority command
        break;
      default:
        break; // 0x40: no operation
    }
  }

  /** 8259A OCW3: ESMM/SMM, P, RR/RIS. */
  private ocw3(c: PicChipState, v: number): void {
    if (v & 0x40) c.smm = (v & 0x20) !== 0;
    if (v & 0x04) c.poll = true;
    if (v & 0x02) c.readIsr = (v & 0x01) !== 0;
  }
}
