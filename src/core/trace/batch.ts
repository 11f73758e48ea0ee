/**
 * The wire format of events between the simulation and the UI: a batch is a run of consecutive events
 * in one Float64Array (EVENT_STRIDE numbers per event) plus the texts of its text events. The worker
 * transfers `data.buffer` (Comlink.transfer), so a batch costs no copy and no per-event message.
 *
 *   [F_KIND]    EventKind
 *   [F_CYCLE]   simulated cycle of the processor that produced it
 *   [F_INSTRET] instructions retired (all processors) when it happened
 *   [F_P0 + k]  payload p0..p7, as documented per kind in events.ts
 *
 * Text events (CONSOLE, VMM_LOG) have p0 = source (VM id, -1 for the bare machine) and their text in
 * `texts` as [index in batch, text].
 */
import type { EventKind } from './events.ts';

export const EVENT_STRIDE = 11;
export const F_KIND = 0;
export const F_CYCLE = 1;
export const F_INSTRET = 2;
export const F_P0 = 3;

export interface EventBatch {
  /** Sequence number of the first event. */
  firstSeq: number;
  count: number;
  data: Float64Array;
  texts: [number, string][];
}

export const EMPTY_BATCH: EventBatch = Object.freeze({ firstSeq: 0, count: 0, data: new Float64Array(0), texts: [] }) as EventBatch;

/** One event of a batch as a plain object (for lists, tests, exports). */
export interface EventView {
  seq: number;
  kind: EventKind;
  cycle: number;
  instret: number;
  p: number[];
  text?: string;
}

export function eventAt(b: EventBatch, k: number, textByIndex?: Map<number, string>): EventView {
  const o = k * EVENT_STRIDE;
  const d = b.data;
  const p = Array.from(d.subarray(o + F_P0, o + EVENT_STRIDE));
  const view: EventView = { seq: b.firstSeq + k, kind: d[o + F_KIND] as EventKind, cycle: d[o + F_CYCLE], instret: d[o + F_INSTRET], p };
  const text = textByIndex !== undefined ? textByIndex.get(k) : b.texts.find((t) => t[0] === k)?.[1];
  if (text !== undefined) view.text = text;
  return view;
}

/** All events of a batch as plain objects. */
export function batchEvents(b: EventBatch): EventView[] {
  const texts = new Map(b.texts);
  const out: EventView[] = [];
  for (let k = 0; k < b.count; k++) out.push(eventAt(b, k, texts));
  return out;
}
