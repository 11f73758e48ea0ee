import type { Insn } from './insn.ts';
import type { PhysicalMemory } from './physical-memory.ts';

/**
 * Decoded instructions cached by host-physical address: decode once, execute many times.
 *
 * A block is a run of instructions that starts at one physical address and ends at a control transfer,
 * at an instruction that changes how later code must be fetched or decoded, at a page boundary, or at
 * `MAX_BLOCK` instructions. Blocks never span pages, so a write to a page drops exactly the blocks that
 * were decoded from it (the memory calls `invalidatePage`). The cache is derived state: it is not part of
 * a snapshot and is simply emptied on restore.
 */
export class Block {
  insns: Insn[] = [];
  /** Sum of the instructions' cycle costs. */
  cost = 0;
  /** cum[k] = cycles of the first k instructions (cum[n] = cost). */
  cum: Float64Array = new Float64Array(1);
  /** Byte offset of each instruction from the block's start. */
  offs: Int32Array = new Int32Array(0);
  /** Bytes covered, from the first instruction's start to the last one's end. */
  byteLen = 0;
  /** In the cache (false for a page-crossing instruction decoded on its own). */
  cached = false;
  /**
   * No instruction of the block observes or changes time, devices, VMX or event state (cpu.ts `observesTime`):
   * none can change CS, EFLAGS.TF, the interrupt shadow or the translation regime, so the interpreter may run the
   * block again straight away when it jumps back to its own start (cpu.ts executeBlock).
   */
  pure = false;
  /**
   * An instruction of the block may change the system registers a VM exit saves (control registers, segment and
   * descriptor-table registers, DR7, the SYSENTER/DEBUGCTL/PAT/EFER MSRs): cpu.ts `IS_SYSTEM`, `sysGen`.
   */
  sys = false;
  /** Chaining: the most recent successor block, its physical address and the cache epoch it was seen in. */
  succ: Block | null = null;
  succPa = -1;
  succEpoch = -1;
  constructor(
    readonly pa: number,
    /** 16 or 32: the code-segment default size the block was decoded with. */
    readonly codeSize: number,
  ) {}
}

export const MAX_BLOCK = 32;

/**
 * Most decoded instructions the cache holds (in all its blocks). Without a cap it grows with every distinct start
 * address ever executed: a guest that runs code all over its memory (a JIT writing new code, random code jumping
 * into the middle of instructions, a NOP sled) keeps a block per start address — for a 3-MiB NOP sled 98,304 blocks
 * of 32 decoded instructions of a few hundred bytes each, over 1 GiB of heap (measured by `npm run soak` before this
 * cap). The cache is derived state (see above), so emptying it when full changes no result, only speed; 65,536
 * instructions (some 25 MiB) is far above the few thousand any lab program decodes.
 */
export const MAX_CACHED_INSNS = 1 << 16;

export class DecodeCache {
  private readonly blocks = new Map<number, Block>();
  /** Block keys per page, to drop them on a write. */
  private readonly pageKeys = new Map<number, number[]>();
  /** Instructions in the cached blocks (bounded by MAX_CACHED_INSNS). */
  private insns = 0;
  /** Incremented whenever anything is invalidated, so a running block can notice. */
  epoch = 0;
  /** The processor currently executing a block: a write into a cached page stops its block early. */
  running: { stop: number } | null = null;

  /**
   * Per page, a bitmask of the 128-byte lines that hold decoded instructions. Programs often keep data in
   * the same page as code; a write there only drops the page's blocks when it touches a line with code.
   */
  private readonly codeLines: Uint32Array;

  constructor(private readonly mem: PhysicalMemory) {
    this.codeLines = new Uint32Array(mem.codePages.length);
    mem.onCodeWrite = (page, first, last) => {
      if (first < 0) {
        this.invalidatePage(page);
        return;
      }
      const lines = this.codeLines[page];
      const a = (first & 0xfff) >>> 7;
      const b = Math.min(31, (last - (first & ~0xfff)) >>> 7);
      for (let l = a; l <= b; l++) {
        if (((lines >>> l) & 1) !== 0) {
          this.invalidateRange(page, first, last);
          return;
        }
      }
    };
  }

  /** Drops exactly the blocks of `page` whose bytes overlap [first, last] (self-modifying code). */
  invalidateRange(page: number, first: number, last: number): void {
    const keys = this.pageKeys.get(page);
    if (keys === undefined) return;
    let dropped = false;
    let lines = 0;
    const kept: number[] = [];
    for (const k of keys) {
      const b = this.blocks.get(k);
      if (b === undefined) continue;
      if (b.pa <= last && b.pa + Math.max(b.byteLen, 1) > first) {
        this.blocks.delete(k);
        this.insns -= b.insns.length;
        dropped = true;
      } else {
        kept.push(k);
        const f = (b.pa & 0xfff) >>> 7;
        const l = Math.min(31, ((b.pa & 0xfff) + Math.max(b.byteLen, 1) - 1) >>> 7);
        for (let x = f; x <= l; x++) lines |= 1 << x;
      }
    }
    if (!dropped) return;
    if (kept.length === 0) {
      this.invalidatePage(page);
      return;
    }
    this.pageKeys.set(page, kept);
    this.codeLines[page] = lines;
    this.epoch++;
    if (this.running !== null) this.running.stop = 1;
  }

  static key(pa: number, codeSize: number): number {
    return codeSize === 16 ? -1 - pa : pa;
  }

  get(pa: number, codeSize: number): Block | undefined {
    return this.blocks.get(codeSize === 16 ? -1 - pa : pa);
  }

  put(block: Block): void {
    if (this.insns + block.insns.length > MAX_CACHED_INSNS) this.clear();
    this.insns += block.insns.length;
    block.cached = true;
    const key = DecodeCache.key(block.pa, block.codeSize);
    const old = this.blocks.get(key);
    if (old !== undefined) this.insns -= old.insns.length;
    this.blocks.set(key, block);
    const page = Math.floor(block.pa / 4096);
    let keys = this.pageKeys.get(page);
    if (keys === undefined) {
      keys = [];
      this.pageKeys.set(page, keys);
    }
    keys.push(key);
    if (page < this.mem.codePages.length) {
      this.mem.codePages[page] = 1;
      const first = (block.pa & 0xfff) >>> 7;
      const last = Math.min(31, ((block.pa & 0xfff) + Math.max(block.byteLen, 1) - 1) >>> 7);
      let m = this.codeLines[page];
      for (let l = first; l <= last; l++) m |= 1 << l;
      this.codeLines[page] = m;
    }
  }

  invalidatePage(page: number): void {
    const keys = this.pageKeys.get(page);
    if (keys !== undefined) {
      for (const k of keys) {
        const b = this.blocks.get(k);
        if (b === undefined) continue;
        this.insns -= b.insns.length;
        this.blocks.delete(k);
      }
      this.pageKeys.delete(page);
    }
    if (page < this.mem.codePages.length) {
      this.mem.codePages[page] = 0;
      this.codeLines[page] = 0;
    }
    this.epoch++;
    if (this.running !== null) this.running.stop = 1;
  }

  clear(): void {
    this.blocks.clear();
    this.insns = 0;
    this.pageKeys.clear();
    this.mem.codePages.fill(0);
    this.codeLines.fill(0);
    this.epoch++;
  }

  get size(): number {
    return this.blocks.size;
  }

  /** Decoded instructions held (at most MAX_CACHED_INSNS). */
  get instructions(): number {
    return this.insns;
  }
}
