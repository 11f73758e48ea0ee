/**
 * The Migration lab's view model: the form's text checked field by field (a message beside each, the text kept),
 * the stop reason in words, and where a migration is at a moment of its simulated time (for the animation).
 */
import type { MigrationResult, StopReason } from '../../core/platform/migration/index.ts';
import type { MigrationLink } from '../../state/platform-links.ts';
import { MAX_LAB_MEMORY_MIB } from '../../worker/platform.ts';

export type NumField = 'memoryMib' | 'bandwidthMbit' | 'dirtyMibPerS' | 'wwsMib' | 'downtimeMs' | 'roundCap' | 'postCopyAfter' | 'streamTimeoutMs';
export const NUM_FIELDS: readonly NumField[] = ['memoryMib', 'bandwidthMbit', 'dirtyMibPerS', 'wwsMib', 'downtimeMs', 'roundCap', 'postCopyAfter', 'streamTimeoutMs'];

interface Rule {
  min: number;
  max: number;
  integer: boolean;
  /** the minimum itself is not allowed */
  above?: boolean;
}
const RULES: Record<NumField, Rule> = {
  memoryMib: { min: 1, max: MAX_LAB_MEMORY_MIB, integer: true },
  bandwidthMbit: { min: 0, max: 1_000_000, integer: false, above: true },
  dirtyMibPerS: { min: 0, max: 1_000_000, integer: false },
  wwsMib: { min: 0, max: MAX_LAB_MEMORY_MIB, integer: true },
  downtimeMs: { min: 0, max: 1_000_000, integer: false },
  roundCap: { min: 0, max: 100_000, integer: true },
  postCopyAfter: { min: 0, max: 100_000, integer: true },
  streamTimeoutMs: { min: 1, max: 10_000_000, integer: true },
};

/** One field's text → its value, or a message. */
export function checkField(field: NumField, text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Enter a number.' };
  if (!/^\d+(\.\d{1,6})?$/.test(t)) return { ok: false, message: RULES[field].integer ? 'Enter a whole number (digits only).' : 'Enter a number such as 1000 or 0.5.' };
  const v = Number(t);
  const r = RULES[field];
  if (r.integer && !Number.isInteger(v)) return { ok: false, message: 'Enter a whole number.' };
  if (r.above ? v <= r.min : v < r.min) return { ok: false, message: `Must be ${r.above ? 'above' : 'at least'} ${r.min}.` };
  if (v > r.max) return { ok: false, message: `Must be at most ${r.max.toLocaleString('en-US')}.` };
  return { ok: true, value: v };
}

/** The whole form: a link's numbers, or the messages per field (cross-field: WWS ≤ memory). */
export function checkForm(texts: Record<NumField, string>): { ok: true; values: Pick<MigrationLink, NumField> } | { ok: false; errors: Partial<Record<NumField, string>> } {
  const errors: Partial<Record<NumField, string>> = {};
  const values = {} as Pick<MigrationLink, NumField>;
  for (const f of NUM_FIELDS) {
    const r = checkField(f, texts[f]);
    if (r.ok) values[f] = r.value;
    else errors[f] = r.message;
  }
  if (errors.wwsMib === undefined && errors.memoryMib === undefined && values.wwsMib > values.memoryMib) errors.wwsMib = 'Must not exceed the memory size.';
  return Object.keys(errors).length === 0 ? { ok: true, values } : { ok: false, errors };
}

export function textsOf(m: MigrationLink): Record<NumField, string> {
  return Object.fromEntries(NUM_FIELDS.map((f) => [f, String(m[f])])) as Record<NumField, string>;
}

const REASON: Record<StopReason, string> = {
  'qemu-downtime': 'QEMU: the pages still dirty could be sent within the downtime limit (pending ≤ bandwidth × downtime limit), so the VM was paused for the stop-and-copy.',
  'xen-few-pages': 'Xen: fewer than 50 pages were dirty, so the last iteration ran with the VM paused.',
  'xen-max-iters': 'Xen: the 30-round limit was reached without converging; the rest was sent with the VM paused.',
  'xen-max-factor': 'Xen: more than 3 × the memory size had been sent without converging; the rest was sent with the VM paused.',
  'clark-threshold': "Clark's rule: fewer than 256 KB remained dirty, so the VM was paused for the final copy.",
  'clark-rate-max': "Clark's rule: the rate needed to keep up with the dirtying (observed rate + 50 Mbit/s) exceeded the maximum bandwidth; the rest was sent with the VM paused.",
  'round-cap': 'The round cap was reached without converging: the dirty pages left were sent with the VM paused (a long downtime).',
  'post-copy': 'Switched to post-copy: the VM started at the destination at once and fetched the pages still at the source afterwards.',
};

export function stopReasonText(r: StopReason): string {
  return REASON[r];
}

export function bytesText(b: number): string {
  if (b >= 1 << 30) return `${(b / (1 << 30)).toFixed(2)} GiB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(1)} MiB`;
  if (b >= 1 << 10) return `${(b / (1 << 10)).toFixed(1)} KiB`;
  return `${b} B`;
}

export function secondsText(s: number): string {
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

export function msText(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

export type Phase = 'pre-copy' | 'stop-and-copy' | 'resume' | 'announce' | 'post-copy' | 'done';

export interface Frame {
  t: number;
  phase: Phase;
  /** 1-based pre-copy round in progress (or the last one once pre-copy is over). */
  round: number;
  /** Bytes on the wire so far, and as a fraction of everything the migration sends. */
  bytesSoFar: number;
  progress: number;
  /** Where the VM runs now: the source until activation. */
  runsAt: 'source' | 'destination';
  /** The guest is paused (downtime). */
  paused: boolean;
  /** The network has learned the new location (gratuitous ARP sent). */
  arpDone: boolean;
  words: string;
}

/** The end of the animation: activation + ARP, or the end of the post-copy phase. */
export function endTime(r: MigrationResult): number {
  return Math.max(r.totalSeconds, r.arpSeconds);
}

/** Where the migration is at simulated time t (clamped to 0 … endTime). */
export function frameAt(r: MigrationResult, tIn: number): Frame {
  const end = endTime(r);
  const t = Math.min(Math.max(0, tIn), end);
  const rounds = r.roundList;
  const last = rounds[rounds.length - 1];
  const preEnd = last.startSeconds + last.durationSeconds;
  let bytes = 0;
  let round = 1;
  for (const x of rounds) {
    if (t >= x.startSeconds + x.durationSeconds) {
      bytes += x.bytesSent;
      round = x.index;
    } else if (t > x.startSeconds) {
      bytes += (x.bytesSent * (t - x.startSeconds)) / x.durationSeconds;
      round = x.index;
    }
  }
  let phase: Phase;
  let paused = false;
  const activation = r.activationSeconds;
  const postCopy = r.postCopy !== null;
  if (t < preEnd || (t === 0 && preEnd === 0)) phase = 'pre-copy';
  else if (!postCopy && t < preEnd + (r.stopAndCopyBytes > 0 ? (activation - preEnd) : 0) && t < activation) {
    const copyEnd = r.events.find((e) => e.kind === 'stop-and-copy-end')?.t ?? activation;
    phase = t < copyEnd ? 'stop-and-copy' : 'resume';
    paused = true;
    const copyDur = copyEnd - preEnd;
    bytes += copyDur > 0 ? (r.stopAndCopyBytes * Math.min(t - preEnd, copyDur)) / copyDur : r.stopAndCopyBytes;
  } else if (t < activation) {
    phase = 'resume';
    paused = true;
    bytes += r.stopAndCopyBytes;
  } else {
    bytes += r.stopAndCopyBytes;
    if (postCopy && t < r.totalSeconds) {
      phase = 'post-copy';
      const dur = r.totalSeconds - activation;
      bytes += dur > 0 ? (r.postCopy!.pagesAtSwitch * 4096 * (t - activation)) / dur : 0;
    } else if (postCopy) {
      phase = t < r.arpSeconds ? 'announce' : 'done';
      bytes += r.postCopy!.pagesAtSwitch * 4096;
    } else phase = t < r.arpSeconds ? 'announce' : 'done';
  }
  bytes = Math.min(bytes, r.bytesSent);
  const runsAt = t >= activation ? 'destination' : 'source';
  const arpDone = t >= r.arpSeconds;
  const words: Record<Phase, string> = {
    'pre-copy': `Pre-copy round ${round} of ${rounds.length}: the VM keeps running on the source while its pages are copied.`,
    'stop-and-copy': 'Stop-and-copy: the VM is paused on the source while the last dirty pages are sent.',
    resume: 'The VM is being resumed on the destination.',
    announce: 'The VM runs on the destination; the network has not yet learned its new location (the gratuitous ARP / self-announce is pending).',
    'post-copy': 'Post-copy: the VM runs on the destination; pages still at the source arrive in the background or on a page fault.',
    done: 'Done: the VM runs on the destination and the gratuitous ARP has redirected its traffic.',
  };
  return { t, phase, round, bytesSoFar: bytes, progress: r.bytesSent > 0 ? bytes / r.bytesSent : 1, runsAt, paused, arpDone, words: words[phase] };
}
