/**
 * The event stream: every VMX transition, event delivery, privilege change and device access the
 * simulation performs is reported to a `TraceSink` as a kind plus a fixed list of numbers, stamped with
 * the simulated cycle. No allocation happens on this path: the ring-buffer sink copies the numbers into
 * typed arrays, the JSON sink (CLI) formats them, the null sink (benchmarks) drops them.
 *
 * The payload layout of each kind is documented in `events.ts`; decoding lives there too, so the
 * worker, the CLI and exports share one encoding.
 */
import type { EventKind } from './events.ts';

export interface TraceSink {
  /** A numeric event. Unused payload slots are 0. */
  emit(kind: EventKind, cycle: number, p0: number, p1: number, p2: number, p3: number, p4: number, p5: number, p6: number, p7: number): void;
  /** A text event (console output, VMM log lines). */
  text(kind: EventKind, cycle: number, source: number, text: string): void;
}

export class NullSink implements TraceSink {
  emit(): void {}
  text(): void {}
}
