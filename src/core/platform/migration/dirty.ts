/**
 * Page-dirtying models: what the guest writes while it keeps running during pre-copy.
 *
 * Every model is plain data (`DirtyModelSpec`); `makeDirtier` turns it into a dirtier that, told how long the
 * guest ran, sets the bits of the pages it wrote in a page bitmap. A VM on the VMX core plugs in through
 * `DirtyPageSource` (its dirty log from EPT or shadow-page-table tracking), adapted by `sourceDirtier`.
 *
 * - `uniform`: pages are written at a constant rate D, each write to a page not written since the sweep
 *   began (a scattered sweep over all of memory). This is exactly the assumption of the analytical model
 *   (usage-models.md §B4: "V_i = D x T_{i-1}", every dirtied byte is a distinct page until all memory is
 *   dirty), so the engine can be checked against it.
 * - `wws`: writes at rate D confined to a writable working set of W bytes of hot pages (Clark's WWS, §B1;
 *   Akoush's refinement V_i = min(D x T_{i-1}, W), §B4), plus an optional cold rate swept over all memory.
 * - `random`: independent writes to uniformly random pages (seeded PRNG). Repeated writes to one page
 *   count once, so fewer distinct pages are dirtied than D x T / page size - not the §B4 assumption;
 *   offered to show the difference.
 * - `trace`: a replayed page-write trace (guest seconds, page number), optionally looped.
 */
import { fillPages, orBytes, setPage, type PageBitmap } from './bitmap.ts';
import { PAGE_SIZE } from './units.ts';
import { prngBelow, prngSeed, type PrngState } from './prng.ts';

export type DirtyModelSpec =
  | { kind: 'uniform'; bytesPerSecond: number }
  | { kind: 'wws'; bytesPerSecond: number; wwsBytes: number; coldBytesPerSecond?: number }
  | { kind: 'random'; bytesPerSecond: number }
  | { kind: 'trace'; times: readonly number[]; pages: readonly number[]; loop?: boolean };

/**
 * The hook for a VM running on the VMX core: its dirty log. The engine calls `nextRoundDirtyPages` once per
 * pre-copy round (and during post-copy), after the guest has run `guestSeconds` of simulated time since the
 * previous call; the source returns the pages written since the previous call and clears its log - the
 * semantics of KVM_GET_DIRTY_LOG / Xen's shadow log-dirty "clean" operation (Clark §B1: "tracked with shadow
 * page tables"). Layout: bit (p & 7) of byte (p >> 3) is page p (KVM's dirty-log layout); bytes beyond
 * `pageCount` are ignored. The engine reads the bitmap before its next call, so the source may reuse it.
 */
export interface DirtyPageSource {
  readonly pageCount: number;
  nextRoundDirtyPages(guestSeconds: number): Uint8Array;
}

/** A running dirtying model. `advance` sets the bits of the pages written during `guestSeconds` of guest time. */
export interface Dirtier {
  advance(guestSeconds: number, into: PageBitmap): void;
  /** Mean write rate in bytes/s if the model has one (used by Clark's rule only through observed counts). */
  readonly nominalBytesPerSecond: number | null;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** A stride coprime to n, so p -> (p + stride) mod n visits every page once per n steps (a scattered sweep). */
function sweepStride(n: number, rng: PrngState): number {
  if (n <= 2) return 1;
  let s = 1 + prngBelow(rng, n - 1);
  while (gcd(s, n) !== 1) s = s + 1 >= n ? 1 : s + 1;
  return s;
}

/** Writes `count` distinct-as-long-as-possible pages of the set {base + j*stride mod n : j < size}. */
class Sweep {
  private cursor = 0;
  private carry = 0;
  constructor(
    private readonly n: number,
    private readonly size: number,
    private readonly base: number,
    private readonly stride: number,
  ) {}
  write(bytes: number, into: PageBitmap): void {
    const exact = bytes / PAGE_SIZE + this.carry;
    const k = Math.floor(exact);
    this.carry = exact - k;
    if (k <= 0 || this.size === 0) return;
    const { n, size, base, stride } = this;
    if (size === n && k >= n) {
      fillPages(into, n);
      this.cursor = (this.cursor + k) % size;
      return;
    }
    const steps = Math.min(k, size);
    let j = this.cursor;
    // page of index j = (base + j*stride) mod n; j*stride < 2^53 for any realistic memory size.
    let p = (base + ((j * stride) % n)) % n;
    for (let i = 0; i < steps; i++) {
      setPage(into, p);
      j++;
      if (j === size) {
        j = 0;
        p = base % n;
      } else {
        p += stride;
        if (p >= n) p -= n;
      }
    }
    this.cursor = (this.cursor + k) % size;
  }
}

export function makeDirtier(spec: DirtyModelSpec, pageCount: number, seed: number): Dirtier {
  const rng = prngSeed(seed);
  switch (spec.kind) {
    case 'uniform': {
      const stride = sweepStride(pageCount, rng);
      const sweep = new Sweep(pageCount, pageCount, prngBelow(rng, pageCount), stride);
      const rate = spec.bytesPerSecond;
      return {
        nominalBytesPerSecond: rate,
        advance(s, into) {
          sweep.write(rate * s, into);
        },
      };
    }
    case 'wws': {
      const hot = Math.min(pageCount, Math.max(0, Math.round(spec.wwsBytes / PAGE_SIZE)));
      const stride = sweepStride(pageCount, rng);
      const hotSweep = new Sweep(pageCount, hot, prngBelow(rng, pageCount), stride);
      const cold = spec.coldBytesPerSecond ?? 0;
      const coldSweep = new Sweep(pageCount, pageCount, prngBelow(rng, pageCount), sweepStride(pageCount, rng));
      const rate = spec.bytesPerSecond;
      return {
        nominalBytesPerSecond: rate + cold,
        advance(s, into) {
          hotSweep.write(rate * s, into);
          if (cold > 0) coldSweep.write(cold * s, into);
        },
      };
    }
    case 'random': {
      const rate = spec.bytesPerSecond;
      let carry = 0;
      return {
        nominalBytesPerSecond: rate,
        advance(s, into) {
          const exact = (rate * s) / PAGE_SIZE + carry;
          const k = Math.floor(exact);
          carry = exact - k;
          for (let i = 0; i < k; i++) setPage(into, prngBelow(rng, pageCount));
        },
      };
    }
    case 'trace': {
      const { times, pages } = spec;
      const len = Math.min(times.length, pages.length);
      const period = len > 0 ? times[len - 1] : 0;
      let pos = 0; // guest seconds into the (current pass of the) trace
      let i = 0; // next write to replay
      return {
        nominalBytesPerSecond: null,
        advance(s, into) {
          if (len === 0) return;
          // replay the writes with time < pos + s (trace times are guest seconds from the trace start)
          pos += s;
          for (;;) {
            while (i < len && times[i] < pos) {
              const p = pages[i++];
              if (p >= 0 && p < pageCount) setPage(into, p);
            }
            if (i < len || !spec.loop || period <= 0 || pos < period) break;
            // the trace repeats with its last timestamp as the period; a bitmap needs at most one extra pass
            pos -= period;
            if (pos >= period) pos = period + (pos % period);
            i = 0;
          }
        },
      };
    }
  }
}

/** Adapts a `DirtyPageSource` (a VM's real dirty log) to the engine. */
export function sourceDirtier(src: DirtyPageSource): Dirtier {
  return {
    nominalBytesPerSecond: null,
    advance(s, into) {
      orBytes(into, src.nextRoundDirtyPages(s));
    },
  };
}
