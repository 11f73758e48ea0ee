/**
 * Every VM exit of the current branch of the timeline, in order: event number, cycle and basic exit
 * reason, in growable typed arrays (a few bytes per exit). The exit timeline, the histogram by reason
 * and "jump to this exit" read it; it is truncated with the ring when the timeline goes back.
 */
export interface ExitList {
  /** Event numbers (seq). */
  seq: Float64Array;
  cycle: Float64Array;
  /** Basic exit reason (bits 15:0); bit 31 of the full reason (VM-entry failure) as reason + 0x10000. */
  reason: Uint32Array;
  count: number;
  /** Exits dropped from the front because the list is full (the oldest are forgotten first). */
  dropped: number;
}

export class ExitIndex {
  private seq = new Float64Array(1024);
  private cycle = new Float64Array(1024);
  private reason = new Uint32Array(1024);
  private n = 0;
  private dropped = 0;
  constructor(private readonly cap = 1 << 21) {}

  get count(): number {
    return this.n;
  }

  push(seq: number, cycle: number, fullReason: number): void {
    if (this.n === this.seq.length) {
      if (this.n >= this.cap) {
        // Full: forget the oldest half.
        const half = this.n >> 1;
        this.seq.copyWithin(0, half, this.n);
        this.cycle.copyWithin(0, half, this.n);
        this.reason.copyWithin(0, half, this.n);
        this.n -= half;
        this.dropped += half;
      } else {
        const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
          const b = make(a.length * 2);
          b.set(a);
          return b;
        };
        this.seq = grow(this.seq, (k) => new Float64Array(k));
        this.cycle = grow(this.cycle, (k) => new Float64Array(k));
        this.reason = grow(this.reason, (k) => new Uint32Array(k));
      }
    }
    this.seq[this.n] = seq;
    this.cycle[this.n] = cycle;
    this.reason[this.n] = ((fullReason & 0xffff) | ((fullReason >>> 31) << 16)) >>> 0;
    this.n++;
  }

  /** Forgets exits from event `seq` on. */
  truncate(seq: number): void {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seq[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    this.n = lo;
  }

  /** Exits before event `seq` (copies, for the worker boundary). */
  upTo(seq: number): ExitList {
    let k = this.n;
    while (k > 0 && this.seq[k - 1] >= seq) k--;
    return { seq: this.seq.slice(0, k), cycle: this.cycle.slice(0, k), reason: this.reason.slice(0, k), count: k, dropped: this.dropped };
  }
}
