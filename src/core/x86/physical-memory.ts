/**
 * Host physical memory: one flat byte array.
 *
 * Addresses beyond the installed RAM behave as on a PC with nothing decoding them: reads return
 * all ones, writes are dropped. That matters to VMX: a VMPTRLD of a pointer inside the physical-address
 * width but outside RAM reads a revision identifier of 0xFFFFFFFF and fails with error 11, as it would
 * on hardware (SDM Vol. 3C §24.11.4 and the VMPTRLD pseudocode).
 *
 * Code pages: the interpreter caches decoded instructions by physical address. Every write checks the
 * page's `codePages` mark and, when set, tells the owner (the decode cache) to drop that page's blocks,
 * so self-modifying code and code loaded over old code behave architecturally.
 */
export class PhysicalMemory {
  readonly size: number;
  readonly bytes: Uint8Array;
  /** The same memory as 32-bit words, for aligned accesses on hot paths (VMCS fields, page-table entries). */
  readonly i32: Int32Array;
  private readonly view: DataView;
  /** One mark per 4 KiB page: non-zero when decoded instructions from that page are cached. */
  readonly codePages: Uint8Array;
  /** One mark per 4 KiB page: set on every write (for incremental snapshots and migration dirty logs). */
  readonly dirtyPages: Uint8Array;
  /** Called when a write lands in a page marked in `codePages`: the page and the first/last byte written
   * (or -1, -1 for a bulk load of the whole page). */
  onCodeWrite: (page: number, first: number, last: number) => void = () => {};

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0x10000 || size > 0x4000_0000 || size % 4096 !== 0) {
      throw new RangeError(`physical memory size must be a multiple of 4 KiB between 64 KiB and 1 GiB, got ${size}`);
    }
    this.size = size;
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.i32 = new Int32Array(this.bytes.buffer);
    this.codePages = new Uint8Array(size >>> 12);
    this.dirtyPages = new Uint8Array(size >>> 12);
  }

  read8(pa: number): number {
    return pa < this.size ? this.bytes[pa] : 0xff;
  }

  read16(pa: number): number {
    if (pa + 1 < this.size) return this.view.getUint16(pa, true);
    return this.read8(pa) | (this.read8(pa + 1) << 8);
  }

  read32(pa: number): number {
    if ((pa & 3) === 0 && pa < this.size) return this.i32[pa >>> 2];
    if (pa + 3 < this.size) return this.view.getInt32(pa, true);
    return (this.read8(pa) | (this.read8(pa + 1) << 8) | (this.read8(pa + 2) << 16) | (this.read8(pa + 3) << 24)) | 0;
  }

  /** 64-bit read as two 32-bit halves; returns the low half and leaves the high half in `hi`. */
  read64(pa: number): number {
    this.hi = this.read32(pa + 4);
    return this.read32(pa);
  }
  /** High half of the last `read64`. */
  hi = 0;

  write8(pa: number, v: number): void {
    if (pa >= this.size) return;
    const page = pa >>> 12;
    this.dirtyPages[page] = 1;
    this.bytes[pa] = v;
    if (this.codePages[page] !== 0) this.onCodeWrite(page, pa, pa);
  }

  write16(pa: number, v: number): void {
    if (pa + 1 >= this.size || ((pa & 0xfff) === 0xfff)) {
      this.write8(pa, v & 0xff);
      this.write8(pa + 1, (v >>> 8) & 0xff);
      return;
    }
    const page = pa >>> 12;
    this.dirtyPages[page] = 1;
    this.view.setUint16(pa, v, true);
    if (this.codePages[page] !== 0) this.onCodeWrite(page, pa, pa + 1);
  }

  write32(pa: number, v: number): void {
    if (pa + 3 >= this.size || (pa & 0xfff) > 0xffc) {
      this.write8(pa, v & 0xff);
      this.write8(pa + 1, (v >>> 8) & 0xff);
      this.write8(pa + 2, (v >>> 16) & 0xff);
      this.write8(pa + 3, (v >>> 24) & 0xff);
      return;
    }
    const page = pa >>> 12;
    this.dirtyPages[page] = 1;
    if ((pa & 3) === 0) this.i32[pa >>> 2] = v;
    else this.view.setInt32(pa, v, true);
    if (this.codePages[page] !== 0) this.onCodeWrite(page, pa, pa + 3);
  }

  write64(pa: number, lo: number, hi: number): void {
    this.write32(pa, lo);
    this.write32(pa + 4, hi);
  }

  /** Copies bytes in (loading a program or a snapshot page); invalidates cached code it overwrites. */
  load(pa: number, data: Uint8Array): void {
    if (pa < 0 || pa + data.length > this.size) {
      throw new RangeError(`cannot load ${data.length} bytes at 0x${pa.toString(16)}: RAM ends at 0x${this.size.toString(16)}`);
    }
    this.bytes.set(data, pa);
    const first = pa >>> 12;
    const last = (pa + Math.max(data.length, 1) - 1) >>> 12;
    for (let p = first; p <= last; p++) {
      this.dirtyPages[p] = 1;
      if (this.codePages[p] !== 0) this.onCodeWrite(p, -1, -1);
    }
  }

  /** True when the whole range [pa, pa+len) is backed by RAM. */
  isBacked(pa: number, len: number): boolean {
    return pa >= 0 && pa + len <= this.size;
  }
}
