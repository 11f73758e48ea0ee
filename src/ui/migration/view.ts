/**
 * The Migration lab's view model: the form's text checked field by field (a message beside each, the text kept),
 * the stop reason in words, and where a migration is at a moment of its simulated time (for the animation).
 */
import type { MigrationResult, StopReason } from '../../core/platform/migration/index.ts';
import type { MigrationLink } from '../../state/platform-links.ts';
import { MAX_LAB_MEMORY_MIB } from '../../worker/platform.ts';
import '../../i18n/en/migration.ts';
import { t } from '../../i18n/t.ts';

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
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: t('migration.view.enterANumber') };
  if (!/^\d+(\.\d{1,6})?$/.test(trimmed)) return { ok: false, message: RULES[field].integer ? t('migration.view.enterAWholeNumber') : t('migration.view.enterANumberSuch') };
  const v = Number(trimmed);
  const r = RULES[field];
  if (r.integer && !Number.isInteger(v)) return { ok: false, message: t('migration.view.enterAWholeNumber2') };
  if (r.above ? v <= r.min : v < r.min) return { ok: false, message: r.above ? t('migration.view.mustBeAbove', { min: r.min }) : t('migration.view.mustBeAtLeast', { min: r.min }) };
  if (v > r.max) return { ok: false, message: t('migration.view.mustBeAtMost', { max: r.max.toLocaleString('en-US') }) };
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
  if (errors.wwsMib === undefined && errors.memoryMib === undefined && values.wwsMib > values.memoryMib) errors.wwsMib = t('migration.view.mustNotExceedThe');
  return Object.keys(errors).length === 0 ? { ok: true, values } : { ok: false, errors };
}

export function textsOf(m: MigrationLink): Record<NumField, string> {
  return Object.fromEntries(NUM_FIELDS.map((f) => [f, String(m[f])])) as Record<NumField, string>;
}

const REASON: Record<StopReason, string> = {
  get 'qemu-downtime'() { return t('migration.view.qemuThePagesStill'); },
  get 'xen-few-pages'() { return t('migration.view.xenFewerThan50'); },
  get 'xen-max-iters'() { return t('migration.view.xenThe30Round'); },
  get 'xen-max-factor'() { return t('migration.view.xenMoreThan3'); },
  get 'clark-threshold'() { return t('migration.view.clarkSRuleFewer'); },
  get 'clark-rate-max'() { return t('migration.view.clarkSRuleThe'); },
  get 'round-cap'() { return t('migration.view.theRoundCapWas'); },
  get 'post-copy'() { return t('migration.view.switchedToPostCopy'); },
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

/** A duration a reader can take in: "2.41 s", "17.3 s", "412 s", "54 min 37 s", "1 h 12 min", "38.0 days" (no 7-digit seconds). */
export function secondsText(s: number): string {
  if (s >= 86400) return t('migration.view.days', { n: (s / 86400).toFixed(1) });
  if (s >= 3600) {
    let h = Math.floor(s / 3600);
    let min = Math.round((s - h * 3600) / 60);
    if (min === 60) {
      h++;
      min = 0;
    }
    return t('migration.view.hoursMinutes', { h, min });
  }
  if (s >= 600) {
    const whole = Math.round(s);
    return t('migration.view.minutesSeconds', { min: Math.floor(whole / 60), s: whole % 60 });
  }
  return s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

export function msText(ms: number): string {
  if (ms >= 100_000) return secondsText(ms / 1000);
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
  const at = Math.min(Math.max(0, tIn), end);
  const rounds = r.roundList;
  const last = rounds[rounds.length - 1];
  const preEnd = last.startSeconds + last.durationSeconds;
  let bytes = 0;
  let round = 1;
  for (const x of rounds) {
    if (at >= x.startSeconds + x.durationSeconds) {
      bytes += x.bytesSent;
      round = x.index;
    } else if (at > x.startSeconds) {
      bytes += (x.bytesSent * (at - x.startSeconds)) / x.durationSeconds;
      round = x.index;
    }
  }
  let phase: Phase;
  let paused = false;
  const activation = r.activationSeconds;
  const postCopy = r.postCopy !== null;
  if (at < preEnd || (at === 0 && preEnd === 0)) phase = 'pre-copy';
  else if (!postCopy && at < preEnd + (r.stopAndCopyBytes > 0 ? (activation - preEnd) : 0) && at < activation) {
    const copyEnd = r.events.find((e) => e.kind === 'stop-and-copy-end')?.t ?? activation;
    phase = at < copyEnd ? 'stop-and-copy' : 'resume';
    paused = true;
    const copyDur = copyEnd - preEnd;
    bytes += copyDur > 0 ? (r.stopAndCopyBytes * Math.min(at - preEnd, copyDur)) / copyDur : r.stopAndCopyBytes;
  } else if (at < activation) {
    phase = 'resume';
    paused = true;
    bytes += r.stopAndCopyBytes;
  } else {
    bytes += r.stopAndCopyBytes;
    if (postCopy && at < r.totalSeconds) {
      phase = 'post-copy';
      const dur = r.totalSeconds - activation;
      bytes += dur > 0 ? (r.postCopy!.pagesAtSwitch * 4096 * (at - activation)) / dur : 0;
    } else if (postCopy) {
      phase = at < r.arpSeconds ? 'announce' : 'done';
      bytes += r.postCopy!.pagesAtSwitch * 4096;
    } else phase = at < r.arpSeconds ? 'announce' : 'done';
  }
  bytes = Math.min(bytes, r.bytesSent);
  const runsAt = at >= activation ? 'destination' : 'source';
  const arpDone = at >= r.arpSeconds;
  const words: Record<Phase, string> = {
    'pre-copy': t('migration.view.preCopyRoundOf', { round, length: rounds.length }),
    'stop-and-copy': t('migration.view.stopAndCopyThe'),
    resume: t('migration.view.theVmIsBeing'),
    announce: t('migration.view.theVmRunsOn'),
    'post-copy': t('migration.view.postCopyTheVm'),
    done: t('migration.view.doneTheVmRuns'),
  };
  return { t: at, phase, round, bytesSoFar: bytes, progress: r.bytesSent > 0 ? bytes / r.bytesSent : 1, runsAt, paused, arpDone, words: words[phase] };
}
