/**
 * The UI's copy of the most recent events: a bounded window (a ring of typed arrays) filled from the
 * worker's batches, once per frame. It lives outside the zustand store because it changes at up to a
 * million events per second; the store only holds `logVersion`, which views subscribe to.
 */
import { EVENT_STRIDE, F_CYCLE, F_INSTRET, F_KIND, F_P0, type EventBatch } from '../core/trace/batch.ts';

export interface LoggedEvent {
  seq: number;
  kind: number;
  cycle: number;
  instret: number;
  p: Float64Array;
  text: string | undefined;
}

export class EventLog {
  readonly capacity: number;
  private readonly data: Float64Array;
  private readonly texts: (string | undefined)[];
  /** Sequence number after the newest event held. */
  endSeq = 0;
  /** Sequence number of the oldest event held. */
  startSeq = 0;
  /** Events that never reached the UI (too many for a frame, or skipped while running). */
  skipped = 0;
  /** Total events received since the last rebase. */
  received = 0;

  constructor(capacity = 5000) {
    this.capacity = capacity;
    this.data = new Float64Array(capacity * EVENT_STRIDE);
    this.texts = new Array<string | undefined>(capacity);
  }

  get size(): number {
    return this.endSeq - this.startSeq;
  }

  clear(atSeq = 0): void {
    this.startSeq = atSeq;
    this.endSeq = atSeq;
    this.skipped = 0;
    this.received = 0;
    this.texts.fill(undefined);
  }

  /** Appends a batch; a batch that does not follow on (a gap) restarts the window at its first event. */
  append(b: EventBatch, skipped = 0): void {
    if (b.count === 0) return;
    this.skipped += skipped;
    this.received += b.count;
    if (b.firstSeq !== this.endSeq) this.clear(b.firstSeq);
    const texts = new Map(b.texts);
    // Only the last `capacity` events of a large batch can be kept.
    const from = Math.max(0, b.count - this.capacity);
    for (let k = from; k < b.count; k++) {
      const slot = (b.firstSeq + k) % this.capacity;
      this.data.set(b.data.subarray(k * EVENT_STRIDE, (k + 1) * EVENT_STRIDE), slot * EVENT_STRIDE);
      this.texts[slot] = texts.get(k);
    }
    this.endSeq = b.firstSeq + b.count;
    this.startSeq = Math.max(this.startSeq, this.endSeq - this.capacity);
  }

  has(seq: number): boolean {
    return seq >= this.startSeq && seq < this.endSeq;
  }

  /** The kind of event `seq` (no allocation; the event must be held). */
  kindAt(seq: number): number {
    return this.data[(seq % this.capacity) * EVENT_STRIDE + F_KIND];
  }

  cycleAt(seq: number): number {
    return this.data[(seq % this.capacity) * EVENT_STRIDE + F_CYCLE];
  }

  get(seq: number): LoggedEvent | undefined {
    if (!this.has(seq)) return undefined;
    const slot = seq % this.capacity;
    const o = slot * EVENT_STRIDE;
    return {
      seq,
      kind: this.data[o + F_KIND],
      cycle: this.data[o + F_CYCLE],
      instret: this.data[o + F_INSTRET],
      p: this.data.slice(o + F_P0, o + EVENT_STRIDE),
      text: this.texts[slot],
    };
  }

  /** The newest event of one of `kinds` at or before `seq` (for "what caused this"). */
  findBack(seq: number, kinds: readonly number[]): LoggedEvent | undefined {
    for (let s = Math.min(seq, this.endSeq - 1); s >= this.startSeq; s--) {
      const slot = s % this.capacity;
      if (kinds.includes(this.data[slot * EVENT_STRIDE + F_KIND])) return this.get(s);
    }
    return undefined;
  }
}

export const eventLog = new EventLog();
