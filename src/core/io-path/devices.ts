/**
 * The device models of the I/O-path lab. Each emulated register is a `PortDevice` on the VM's own port bus, so
 * the guest's IN/OUT to it is a real VM exit (reason 30) decoded by the VMM's I/O handler (src/core/vmm/exits.ts)
 * and then handed to the model here, as in any VMM that emulates devices.
 *
 *  - `Ne2000Nic`: the register interface of the National DP8390 / NE2000 (register offsets and command bits
 *    as in Linux drivers/net/ethernet/8390/8390.h: EN0_TPSR 0x04, EN0_TCNTLO/HI 0x05/0x06, EN0_ISR 0x07,
 *    EN0_RSARLO/HI 0x08/0x09, EN0_RCNTLO/HI 0x0a/0x0b, EN0_IMR 0x0f, NE_DATAPORT 0x10; E8390_START 0x02,
 *    E8390_TRANS 0x04, E8390_RWRITE 0x10, E8390_NODMA 0x20; ENISR_TX 0x02, ENISR_RDC 0x40). QEMU emulates the
 *    same chip (hw/net/ne2000.c). A frame goes in by "remote DMA" through the data port, then a transmit command.
 *  - `AtaDisk`: the legacy IDE task file at 0x1F0-0x1F7 (ATA/ATAPI-6 §7: data, sector count, LBA low/mid/high,
 *    device, command/status; status bits BSY 0x80, DRDY 0x40, DRQ 0x08) with WRITE SECTORS (30h) in PIO mode:
 *    one data block of 512 bytes per DRQ, an interrupt (INTRQ, IRQ 14) after each block; reading the status
 *    register clears INTRQ (ATA-6 §9.6 "PIO data-out command protocol").
 *  - `VirtioLegacy`: a legacy virtio-pci I/O BAR (virtio 1.0 spec §4.1.4.8 "Legacy Interfaces: A Note on PCI
 *    Device Layout": queue PFN at +8, queue notify at +16, device status at +18, ISR status at +19, read clears it)
 *    with one split virtqueue (§2.4 legacy layout: descriptor table, available ring, used ring 4096-aligned).
 *  - `processRing`: the device side of a split ring, shared by the paravirtual back end and the assigned device
 *    (the lab lets both use the same descriptor layout so that only the notification and the DMA path differ).
 */
import { t } from '../../i18n/t.ts';
import '../../i18n/en/iopath.ts';
import type { IoSize, IrqLine, PortDevice } from '../devices/types.ts';
import type { GuestMemory } from '../vmm/guest-memory.ts';
import { hex, type IoLog } from './log.ts';
import type { IoWorkload } from './types.ts';

/** Where the wire time comes from: frame bits over the line rate (a model assumption the user sets). */
export interface WireContext {
  lineRateMbit: number;
}

export function wireMicros(bytes: number, w: WireContext): number {
  return (bytes * 8) / w.lineRateMbit; // bits / (Mbit/s) = µs
}

/** Counters every device keeps for the run's summary. */
export interface DeviceCounters {
  completed: number;
  bytes: number;
  interrupts: number;
}

abstract class LabDevice implements PortDevice {
  abstract readonly name: string;
  abstract readonly ports: ReadonlyArray<readonly [number, number]>;
  readonly decodesWide = true;
  readonly counters: DeviceCounters = { completed: 0, bytes: 0, interrupts: 0 };
  constructor(protected readonly log: IoLog, protected readonly irq: IrqLine, protected readonly wire: WireContext) {}
  abstract read(port: number, size: IoSize, now: number): number;
  abstract write(port: number, size: IoSize, value: number, now: number): void;
  nextEventAt(): number {
    return Infinity;
  }
  advance(): void {}
  snapshot(): unknown {
    return { counters: { ...this.counters } };
  }
  restore(): void {}
}

// ------------------------------------------------------------------------------------------------ NE2000

export const NE_BASE = 0x300;
const NE_REG: Record<number, string> = {
  0x00: t('iopath.devices.crCommand'),
  0x04: t('iopath.devices.tpsrTransmitPageStart'),
  0x05: t('iopath.devices.tbcr0TransmitByteCountLow'),
  0x06: t('iopath.devices.tbcr1TransmitByteCountHigh'),
  0x07: t('iopath.devices.isrInterruptStatus'),
  0x08: t('iopath.devices.rsar0RemoteStartAddressLow'),
  0x09: t('iopath.devices.rsar1RemoteStartAddressHigh'),
  0x0a: t('iopath.devices.rbcr0RemoteByteCountLow'),
  0x0b: t('iopath.devices.rbcr1RemoteByteCountHigh'),
  0x0f: t('iopath.devices.imrInterruptMask'),
  0x10: t('iopath.devices.dataPortRemoteDma'),
};
export const ENISR_TX = 0x02;
export const ENISR_RDC = 0x40;

export function ne2000RegisterName(port: number): string {
  return NE_REG[port - NE_BASE] ?? t('iopath.devices.registerAt', { offset: hex(port - NE_BASE, 2) });
}

export class Ne2000Nic extends LabDevice {
  readonly name = t('iopath.devices.ne2000NicEmulated');
  readonly ports = [[NE_BASE, NE_BASE + 0x1f]] as const;
  /** The card's 16 KiB buffer RAM (pages 0x40-0x7F), where remote DMA puts the frame before transmit. */
  private readonly ram = new Uint8Array(0x8000);
  private cr = 0x21;
  private isr = 0;
  private imr = 0;
  private rsar = 0;
  private rbcr = 0;
  private tpsr = 0;
  private tbcr = 0;
  private dmaBytes = 0;

  read(port: number, size: IoSize, now: number): number {
    const r = port - NE_BASE;
    if (r === 0x07) {
      this.log.step('device-model', now, t('iopath.devices.deviceModelReadIsr'), `${t('iopath.devices.returns', { value: hex(this.isr, 2) })}${this.isr & ENISR_TX ? t('iopath.devices.packetTransmitted') : ''}${this.isr & ENISR_RDC ? t('iopath.devices.remoteDmaComplete') : ''}`);
      return this.isr;
    }
    if (r === 0x00) return this.cr;
    this.log.step('device-model', now, t('iopath.devices.deviceModelRead', { register: ne2000RegisterName(port) }), t('iopath.devices.returns', { value: 0 }));
    return size === 1 ? 0 : 0;
  }

  write(port: number, size: IoSize, value: number, now: number): void {
    const r = port - NE_BASE;
    if (r === 0x10) {
      // Remote DMA write: the VMM emulates all repetitions of REP OUTSW in one exit and calls us per word.
      if ((this.cr & 0x38) !== 0x10 || this.rbcr <= 0) return;
      for (let k = 0; k < size && this.rbcr > 0; k++) {
        this.ram[this.rsar & 0x7fff] = (value >>> (8 * k)) & 0xff;
        this.rsar++;
        this.rbcr--;
        this.dmaBytes++;
      }
      if (this.rbcr === 0) {
        this.setIsr(this.isr | ENISR_RDC);
        this.log.step('device-model', now, t('iopath.devices.deviceModelRemoteDmaComplete'), t('iopath.devices.bytesCopiedOneWordAt', { dmaBytes: this.dmaBytes }));
        this.dmaBytes = 0;
      }
      return;
    }
    const v = value & 0xff;
    const name = ne2000RegisterName(port);
    switch (r) {
      case 0x00: {
        this.cr = v;
        const what = (v & 0x04) !== 0 ? t('iopath.devices.transmit') : (v & 0x38) === 0x10 ? t('iopath.devices.startRemoteDmaWrite') : t('iopath.devices.noDmaPage0Start');
        this.log.step('device-model', now, t('iopath.devices.deviceModelCr', { v: hex(v, 2) }), what);
        if ((v & 0x04) !== 0) this.transmit(now);
        return;
      }
      case 0x04: this.tpsr = v; break;
      case 0x05: this.tbcr = (this.tbcr & 0xff00) | v; break;
      case 0x06: this.tbcr = (this.tbcr & 0xff) | (v << 8); break;
      case 0x07: this.setIsr(this.isr & ~v); break; // write 1 to clear
      case 0x08: this.rsar = (this.rsar & 0xff00) | v; break;
      case 0x09: this.rsar = (this.rsar & 0xff) | (v << 8); break;
      case 0x0a: this.rbcr = (this.rbcr & 0xff00) | v; break;
      case 0x0b: this.rbcr = (this.rbcr & 0xff) | (v << 8); break;
      case 0x0f: this.imr = v; this.setIsr(this.isr); break;
      default: break;
    }
    this.log.step('device-model', now, t('iopath.devices.deviceModelNeWrite', { name, v: hex(v, 2) }), r === 0x07 ? t('iopath.devices.clearsIsrBits', { v: hex(v, 2) }) : t('iopath.devices.latchedInTheEmulatedRegister'));
  }

  private transmit(now: number): void {
    const start = (this.tpsr << 8) & 0x7fff;
    const n = this.tbcr;
    this.counters.completed++;
    this.counters.bytes += n;
    this.log.step('host-driver', now, t('iopath.devices.hostWritesFrame'), t('iopath.devices.bytesFromCardRamWrite', { n, start: hex(start, 4) }));
    this.log.step('wire', now, t('iopath.devices.wireTheHostNicSends'), t('iopath.devices.hostNicWireTime', { n, wireMicros: wireMicros(n, this.wire).toFixed(2), lineRateMbit: this.wire.lineRateMbit }));
    this.setIsr(this.isr | ENISR_TX);
  }

  /** The card's interrupt output is ISR & IMR (DP8390 data sheet; Linux ei_interrupt reads ISR to find the cause). */
  private setIsr(v: number): void {
    const before = (this.isr & this.imr) !== 0;
    this.isr = v & 0xff;
    const after = (this.isr & this.imr) !== 0;
    if (!before && after) {
      this.counters.interrupts++;
      this.irq.set(true);
    } else if (before && !after) this.irq.set(false);
  }
}

// ------------------------------------------------------------------------------------------------ ATA

export const ATA_BASE = 0x1f0;
const ATA_REG: Record<number, string> = {
  0: 'Data',
  1: 'Features',
  2: t('iopath.devices.sectorCount'),
  3: t('iopath.devices.lbaLow'),
  4: t('iopath.devices.lbaMid'),
  5: t('iopath.devices.lbaHigh'),
  6: 'Device',
  7: t('iopath.devices.commandStatus'),
};
export function ataRegisterName(port: number): string {
  return ATA_REG[port - ATA_BASE] ?? t('iopath.devices.register');
}
const ST_DRDY = 0x40;
const ST_DRQ = 0x08;

export class AtaDisk extends LabDevice {
  readonly name = t('iopath.devices.ideDiskEmulated');
  readonly ports = [[ATA_BASE, ATA_BASE + 7]] as const;
  private count = 0;
  private lba = 0;
  private device = 0;
  private status = ST_DRDY;
  private remaining = 0;
  private block = 0;
  private intrq = false;

  read(port: number, _size: IoSize, now: number): number {
    if (port - ATA_BASE === 7) {
      const s = this.status;
      const cleared = this.intrq;
      if (this.intrq) {
        this.intrq = false;
        this.irq.set(false);
      }
      this.log.step('device-model', now, t('iopath.devices.deviceModelReadStatus'), `${t('iopath.devices.returnsWhy', { value: hex(s, 2), why: s & ST_DRQ ? t('iopath.devices.drqReadyForTheNext') : t('iopath.devices.drdyNoDataRequested') })}${cleared ? t('iopath.devices.intrqCleared') : ''}`);
      return s;
    }
    return 0;
  }

  write(port: number, _size: IoSize, value: number, now: number): void {
    const r = port - ATA_BASE;
    if (r === 0) {
      if (this.remaining <= 0 || (this.status & ST_DRQ) === 0) return;
      this.block += 2;
      if (this.block < 512) return;
      this.block = 0;
      const lba = this.lba;
      this.lba++;
      this.remaining--;
      this.counters.bytes += 512;
      this.log.step('device-model', now, t('iopath.devices.deviceModel512ByteBlock'), t('iopath.devices.n256WordsThroughTheData', { lba }));
      this.log.step('host-driver', now, t('iopath.devices.hostWritesSector'), t('iopath.devices.pwrite512BytesAtOffset', { offset: lba * 512 }));
      this.status = this.remaining > 0 ? ST_DRDY | ST_DRQ : ST_DRDY;
      if (this.remaining === 0) this.counters.completed++;
      this.intrq = true;
      this.counters.interrupts++;
      this.irq.set(true);
      return;
    }
    const v = value & 0xff;
    switch (r) {
      case 2: this.count = v; break;
      case 3: this.lba = (this.lba & ~0xff) | v; break;
      case 4: this.lba = (this.lba & ~0xff00) | (v << 8); break;
      case 5: this.lba = (this.lba & ~0xff0000) | (v << 16); break;
      case 6: this.device = v; this.lba = (this.lba & 0xffffff) | ((v & 0x0f) << 24); break;
      case 7:
        if (v === 0x30) {
          this.remaining = this.count === 0 ? 256 : this.count;
          this.block = 0;
          this.status = ST_DRDY | ST_DRQ;
          this.log.step('device-model', now, t('iopath.devices.deviceModelCommand30hWrite'), t('iopath.devices.sectorsFromLbaStatusDrq', { remaining: this.remaining, lba: this.lba, mode: (this.device & 0x40) !== 0 ? t('iopath.devices.lbaMode') : '' }));
          return;
        }
        break;
      default: break;
    }
    this.log.step('device-model', now, t('iopath.devices.deviceModelAtaWrite', { register: ataRegisterName(port), v: hex(v, 2) }), t('iopath.devices.latchedInTheTaskFile'));
  }
}

// ------------------------------------------------------------------------------------------------ split ring

/** Legacy split-ring geometry (virtio 1.0 §2.4.2 "Legacy Interfaces: A Note on Virtqueue Layout"). */
export const QUEUE_SIZE = 256;
export const RING_GPA = 0x80000;
export const AVAIL_GPA = RING_GPA + QUEUE_SIZE * 16;
export const USED_GPA = RING_GPA + 0x2000;
const VRING_DESC_F_NEXT = 1;
const VRING_DESC_F_WRITE = 2;

export interface RingState {
  lastAvail: number;
  usedIdx: number;
}

/** How the device reaches guest memory: through the VMM (paravirtual back end) or by DMA through the IOMMU. */
export interface RingAccess {
  /** Reads/writes guest-physical memory, logging the translation when it is a DMA. */
  translate(gpa: number, bytes: number, write: boolean, now: number): number;
}

/**
 * The device side of the ring: takes every available descriptor chain (the guest driver wrote them with
 * ordinary stores, so they appear in the trace ahead of the notification), does the I/O, puts the chain on the
 * used ring. Returns how many requests completed.
 */
export function processRing(mem: GuestMemory, st: RingState, workload: IoWorkload, log: IoLog, wire: WireContext, access: RingAccess, now: number, counters: DeviceCounters, who: string): number {
  const availIdx = mem.read32(AVAIL_GPA) >>> 16;
  let done = 0;
  while ((st.lastAvail & 0xffff) !== availIdx) {
    const head = mem.read32(AVAIL_GPA + 4 + 2 * (st.lastAvail % QUEUE_SIZE)) & 0xffff;
    const chain: { addr: number; len: number; flags: number; index: number }[] = [];
    let d = head;
    for (let k = 0; k < 16; k++) {
      const base = RING_GPA + 16 * (d % QUEUE_SIZE);
      const addr = mem.read32(base);
      const len = mem.read32(base + 8);
      const fn = mem.read32(base + 12);
      const flags = fn & 0xffff;
      chain.push({ addr, len, flags, index: d });
      if ((flags & VRING_DESC_F_NEXT) === 0) break;
      d = fn >>> 16;
    }
    log.before(now, t('iopath.devices.guestDriverQueuedRequestIn', { request: st.lastAvail + 1 }), t('iopath.devices.availRingOrdinaryStoresTo', { descriptors: chain.map((c) => t('iopath.devices.descriptor', { index: c.index, addr: hex(c.addr), len: c.len, writes: c.flags & VRING_DESC_F_WRITE ? t('iopath.devices.deviceWrites') : '' })).join('; '), slot: st.lastAvail % QUEUE_SIZE, head }));
    access.translate(RING_GPA + 16 * (head % QUEUE_SIZE), 16 * chain.length, false, now);
    let bytes = 0;
    if (workload === 'net') {
      for (const c of chain) {
        access.translate(c.addr, c.len, false, now);
        bytes += c.len;
      }
      log.step('host-driver', now, t('iopath.devices.frameHandedToTheHost', { who }), t('iopath.devices.bytesTapBridgeHostNic', { bytes }));
      log.step('wire', now, t('iopath.devices.wireTheNicSendsThe'), t('iopath.devices.nicWireTime', { bytes, wireMicros: wireMicros(bytes, wire).toFixed(2), lineRateMbit: wire.lineRateMbit }));
    } else {
      // virtio-blk request: header (type, reserved, sector), data, status byte (virtio 1.0 §5.2.6).
      const [hdr, ...rest] = chain;
      access.translate(hdr.addr, 16, false, now);
      const type = mem.read32(hdr.addr);
      const sector = mem.read32(hdr.addr + 8);
      const status = rest[rest.length - 1];
      for (const c of rest.slice(0, -1)) {
        access.translate(c.addr, c.len, false, now);
        bytes += c.len;
      }
      log.step('host-driver', now, t(type === 1 ? 'iopath.devices.writeBytesAtSector' : 'iopath.devices.readBytesAtSector', { who, bytes, sector }), type === 1 ? t('iopath.devices.pwriteOfBytesAtOffset', { bytes, offset: sector * 512 }) : t('iopath.devices.readFromTheDiskImage'));
      if (status !== undefined) {
        access.translate(status.addr, 1, true, now);
        mem.write8(status.addr, 0); // VIRTIO_BLK_S_OK
      }
    }
    // Used ring element {id, len} and used.idx (virtio 1.0 §2.4.8).
    const slot = USED_GPA + 4 + 8 * (st.usedIdx % QUEUE_SIZE);
    access.translate(slot, 8, true, now);
    mem.write32(slot, head);
    mem.write32(slot + 4, bytes);
    st.usedIdx = (st.usedIdx + 1) & 0xffff;
    const w0 = mem.read32(USED_GPA);
    mem.write32(USED_GPA, (w0 & 0xffff) | (st.usedIdx << 16));
    st.lastAvail = (st.lastAvail + 1) & 0xffff;
    counters.completed++;
    counters.bytes += bytes;
    done++;
  }
  return done;
}

// ------------------------------------------------------------------------------------------------ virtio

export const VIRTIO_BASE = 0xc000;
const VIRTIO_REG: Record<number, string> = {
  8: t('iopath.devices.queueAddressPfn'),
  12: t('iopath.devices.queueSize'),
  14: t('iopath.devices.queueSelect'),
  16: t('iopath.devices.queueNotify'),
  18: t('iopath.devices.deviceStatus'),
  19: t('iopath.devices.isrStatus'),
};
export function virtioRegisterName(port: number): string {
  return VIRTIO_REG[port - VIRTIO_BASE] ?? t('iopath.devices.register');
}

export class VirtioLegacy extends LabDevice {
  readonly name: string;
  readonly ports = [[VIRTIO_BASE, VIRTIO_BASE + 0x1f]] as const;
  private isr = 0;
  private readonly ring: RingState = { lastAvail: 0, usedIdx: 0 };
  constructor(log: IoLog, irq: IrqLine, wire: WireContext, private readonly mem: GuestMemory, private readonly workload: IoWorkload) {
    super(log, irq, wire);
    this.name = workload === 'net' ? t('iopath.devices.virtioNetParavirtual') : t('iopath.devices.virtioBlkParavirtual');
  }

  read(port: number, _size: IoSize, now: number): number {
    const r = port - VIRTIO_BASE;
    if (r === 19) {
      const v = this.isr;
      this.isr = 0;
      this.irq.set(false);
      this.log.step('device-model', now, t('iopath.devices.backEndReadIsrStatus'), t('iopath.devices.returnsBit0UsedRing', { v: hex(v, 2) }));
      return v;
    }
    if (r === 12) return QUEUE_SIZE;
    return 0;
  }

  write(port: number, _size: IoSize, value: number, now: number): void {
    const r = port - VIRTIO_BASE;
    if (r === 16) {
      this.log.step('device-model', now, t('iopath.devices.backEndQueueNotifyQueue', { queue: value & 0xffff }), t('iopath.devices.theOneExitOfThis'));
      const n = processRing(this.mem, this.ring, this.workload, this.log, this.wire, { translate: (gpa) => gpa }, now, this.counters, t('iopath.devices.hostBackEnd'));
      if (n > 0) {
        this.isr |= 1;
        this.counters.interrupts++;
        this.irq.set(true);
        this.log.step('interrupt', now, t('iopath.devices.backEndUsedBufferNotification'), t('iopath.devices.requestCompletedInThisBatch', { count: n }));
      }
      return;
    }
    this.log.step('device-model', now, t('iopath.devices.backEndWrite', { register: virtioRegisterName(port), value: hex(value) }), r === 8 ? t('iopath.devices.ringAtGuestPhysical', { gpa: hex((value >>> 0) * 4096) }) : r === 18 ? t('iopath.devices.driverOkTheDriverIs') : t('iopath.devices.setUp'));
  }
}

// ------------------------------------------------------------------------------------------------ assigned

/** Guest-physical page of the assigned device's MMIO BAR: the VMM maps it with EPT, so accesses do not exit. */
export const BAR_GPA = 0x200000;
/** Tail (doorbell) register offset in the BAR. */
export const BAR_DOORBELL = 0x18;
/** The assigned function's PCI requester id, bus 03 device 00 function 0 (the IOMMU's source-id). */
export const ASSIGNED_BDF = { bus: 3, device: 0, fn: 0 };

export function bdfString(b: { bus: number; device: number; fn: number }): string {
  return `${b.bus.toString(16).padStart(2, '0')}:${b.device.toString(16).padStart(2, '0')}.${b.fn}`;
}

/**
 * A VT-d assigned device: it sees the doorbell write in its own register (no VMM involvement), fetches the
 * descriptors and buffers by DMA, and every DMA address is a guest-physical address the IOMMU translates through
 * the domain's second-level tables (VT-d spec §3: root entry by bus, context entry by device/function, then the
 * second-level page walk) into a host-physical one. The VMM programmed those tables with the VM's own memory map.
 */
export class AssignedDevice {
  readonly counters: DeviceCounters = { completed: 0, bytes: 0, interrupts: 0 };
  private readonly ring: RingState = { lastAvail: 0, usedIdx: 0 };
  private lastDoorbell = 0;
  /** Only the first DMA of each request is spelled out in full; the rest are summarised. */
  private walksShown = 0;
  constructor(
    private readonly log: IoLog,
    private readonly mem: GuestMemory,
    private readonly workload: IoWorkload,
    private readonly wire: WireContext,
    private readonly raise: (now: number) => void,
    private readonly domain: number,
  ) {}

  /** The device's own clock: called between slices of guest execution. Returns true when it did work. */
  poll(now: number): boolean {
    const tail = this.mem.read32(BAR_GPA + BAR_DOORBELL) & 0xffff;
    if (tail === this.lastDoorbell) return false;
    this.lastDoorbell = tail;
    this.log.mark(); // the descriptors the guest queued go ahead of the doorbell in the trace
    this.log.step('device-model', now, t('iopath.devices.deviceDoorbellTailSeenIn', { tail }), t('iopath.devices.theGuestSMovTo', { address: hex(BAR_GPA + BAR_DOORBELL) }));
    const n = processRing(this.mem, this.ring, this.workload, this.log, this.wire, { translate: (gpa, bytes, write, at) => this.dma(gpa, bytes, write, at) }, now, this.counters, t('iopath.devices.device'));
    if (n > 0) {
      this.counters.interrupts++;
      this.log.step('interrupt', now, t('iopath.devices.deviceCompletionInterruptMsi'), t('iopath.devices.requestCompletedDescriptorsWrittenBack', { count: n }));
      this.raise(now);
    }
    return true;
  }

  private dma(gpa: number, bytes: number, write: boolean, now: number): number {
    const page = gpa - (gpa % 4096);
    const hpa = this.mem.hpa(page);
    const src = bdfString(ASSIGNED_BDF);
    if (this.walksShown < 3) {
      this.walksShown++;
      this.log.step('iommu', now, t(write ? 'iopath.devices.iommuDmaWriteOfBytesAt' : 'iopath.devices.iommuDmaReadOfBytesAt', { bytes, gpa: hex(gpa) }), t('iopath.devices.sourceIdRootEntryBus', { src, bus: ASSIGNED_BDF.bus, device: ASSIGNED_BDF.device, fn: ASSIGNED_BDF.fn, domain: this.domain, page: hex(page), hpa: hpa < 0 ? t('iopath.devices.noneFault') : hex(hpa) }));
    } else if (this.walksShown === 3) {
      this.walksShown++;
      this.log.step('iommu', now, t('iopath.devices.iommuFurtherDmasTranslatedThe'), t('iopath.devices.everyDescriptorBufferAndWrite', { domain: this.domain }));
    }
    return hpa;
  }
}
