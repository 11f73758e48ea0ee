/**
 * The user's data as plain values, and the one JSON file that carries all of it out of the browser and back
 * (issue 9 item 4). Pure: no storage, no DOM, no clock (the caller passes `now`), so every rule here is unit
 * tested (format.test.ts).
 *
 * What counts as the user's data: their program drafts (one per lesson preset), where they are in each guided
 * tour, the tour that was open, and their view preferences. Scenes (lab, scenario, CPU, position) live in the
 * page's link, which a reload keeps; a program that runs is in the link too (program-codec.ts).
 *
 * Untrusted input (an imported file, or whatever is in IndexedDB after another version or a crash) is read
 * with zod, never eval, and every rejection names the field at fault.
 */
import { z } from 'zod';
import { t } from '../../i18n/t.ts';
import type { MessageKey } from '../../i18n/catalogue.ts';

/** File identification: a file from another program, or a later format, is refused with a message. */
export const FILE_APP = 'vt-lab';
export const FILE_KIND = 'user-data';
export const FILE_VERSION = 1;

/** Bounds that keep a hostile file from exhausting the tab (a draft is a page of assembly, not megabytes). */
export const MAX_FILE_BYTES = 5_000_000;
export const MAX_DRAFT_CHARS = 200_000;
export const MAX_ENTRIES = 500;

/** Preset and tour ids are short slugs (src/core/scenarios, src/tours/data). */
const Id = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: () => t('state.persist.shortId') });

export const DraftSchema = z.object({
  text: z.string().max(MAX_DRAFT_CHARS, { error: () => t('state.persist.tooLong', { max: MAX_DRAFT_CHARS }) }),
  /** Milliseconds since 1970 (when it was typed); the newer of two drafts wins a merge. */
  savedAt: z.number().int().min(0),
});
export type DraftRecord = z.infer<typeof DraftSchema>;

export const TourProgressSchema = z.object({ step: z.number().int().min(0).max(10_000), done: z.boolean() });
export type TourProgressRecord = z.infer<typeof TourProgressSchema>;

export const OpenTourSchema = z.object({ id: Id, step: z.number().int().min(0).max(10_000) });
export type OpenTourRecord = z.infer<typeof OpenTourSchema>;

export const PrefsSchema = z.object({
  theme: z.enum(['light', 'dark']),
  // The app offers a few scales (prefs-slice.ts FONT_SCALES, 0.875 … 2); the import snaps to those. Kept free of
  // the store here so this module stays pure.
  fontScale: z.number().min(0.5, { error: () => t('state.persist.atLeast', { min: 0.5 }) }).max(4, { error: () => t('state.persist.atMost', { max: 4 }) }),
  motion: z.enum(['system', 'reduce', 'full']),
});
export type PrefsRecord = z.infer<typeof PrefsSchema>;

const bounded = <T extends z.ZodType>(value: T, tooMany: MessageKey) =>
  z.record(Id, value).refine((r) => Object.keys(r).length <= MAX_ENTRIES, { error: () => t(tooMany, { max: MAX_ENTRIES }) });

/** What the browser keeps (IndexedDB) and what the file carries, without the file's envelope. */
export interface UserData {
  drafts: Record<string, DraftRecord>;
  tours: Record<string, TourProgressRecord>;
  openTour: OpenTourRecord | null;
}

export const emptyUserData = (): UserData => ({ drafts: {}, tours: {}, openTour: null });

export const UserDataFileSchema = z.object({
  app: z.literal(FILE_APP, { error: () => t('state.persist.notApp', { app: FILE_APP }) }),
  kind: z.literal(FILE_KIND, { error: () => t('state.persist.notKind', { kind: FILE_KIND }) }),
  version: z.literal(FILE_VERSION, { error: () => t('state.persist.notVersion', { version: FILE_VERSION }) }),
  exportedAt: z.string().max(64),
  drafts: bounded(DraftSchema, 'state.persist.tooManyDrafts'),
  tours: bounded(TourProgressSchema, 'state.persist.tooManyTours'),
  openTour: OpenTourSchema.nullable(),
  prefs: PrefsSchema.optional(),
});
export type UserDataFile = z.infer<typeof UserDataFileSchema>;

/** The export: one JSON document, stable key order (drafts and tours sorted by id) so two exports diff well. */
export function serialiseUserData(data: UserData, prefs: PrefsRecord | undefined, now: Date): string {
  const sorted = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k]]));
  const file: UserDataFile = {
    app: FILE_APP,
    kind: FILE_KIND,
    version: FILE_VERSION,
    exportedAt: now.toISOString(),
    drafts: sorted(data.drafts),
    tours: sorted(data.tours),
    openTour: data.openTour,
    ...(prefs !== undefined ? { prefs } : {}),
  };
  return JSON.stringify(file, null, 2) + '\n';
}

export type ParseResult = { ok: true; file: UserDataFile } | { ok: false; errors: string[] };

/** "drafts › cpuid › text" from a zod path; the top level is called "the file". */
function where(path: readonly PropertyKey[]): string {
  // A key is user text: shortened, so a 100 kB draft name gives a readable message (found by fuzzing, issue 9).
  return path.length === 0 ? t('state.persist.theFile') : path.map((p) => (String(p) === '' ? "''" : String(p).length > 40 ? `${String(p).slice(0, 37)}...` : String(p))).join(' › ');
}

/** zod's wording for a missing or mistyped value, in the words of the rest of the app. */
function plain(message: string): string {
  const noun = (type: string): string => {
    const n = type === 'record' ? t('state.persist.recordNoun') : type;
    return t(/^[aeiou]/.test(n) ? 'state.persist.anNoun' : 'state.persist.aNoun', { noun: n });
  };
  return message
    .replace(/^Invalid key in record$/, () => t('state.persist.invalidKey'))
    .replace(/^Invalid input: expected (\w+), received undefined$/, (_m, type: string) => t('state.persist.missing', { expected: noun(type) }))
    .replace(/^Invalid input: expected (\w+), received (\w+)$/, (_m, type: string, got: string) => t('state.persist.wrongType', { got: noun(got), expected: noun(type) }));
}

/** Reads an imported file: too big, not JSON, or not the format → messages naming what and where; else the file. */
export function parseUserDataFile(text: string): ParseResult {
  if (text.length > MAX_FILE_BYTES) return { ok: false, errors: [t('state.persist.tooBig', { mb: MAX_FILE_BYTES / 1_000_000 })] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [t('state.persist.notJson', { error: e instanceof Error ? e.message : String(e) })] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: [t('state.persist.notObject')] };
  const r = UserDataFileSchema.safeParse(raw);
  if (r.success) return { ok: true, file: r.data };
  const errors = r.error.issues.slice(0, 8).map((i) => `${where(i.path)}: ${plain(i.message)}`);
  if (r.error.issues.length > 8) errors.push(t('state.persist.moreProblems', { n: r.error.issues.length - 8 }));
  return { ok: false, errors };
}

/** What an import changed, for the message the user reads. */
export interface MergeReport {
  draftsAdded: string[];
  draftsReplaced: string[];
  /** Drafts in the file that were older than the one in this browser: this browser's newer text is kept. */
  draftsKeptNewer: string[];
  toursUpdated: string[];
}

/**
 * An import adds to what is here and loses nothing that is newer: a draft is taken from the file unless this
 * browser's draft of the same program was saved later (then that one stays); a tour keeps the furthest
 * progress of the two (done if either is done, the later step); the open tour is the file's if it has one.
 */
export function mergeUserData(current: UserData, incoming: UserData): { merged: UserData; report: MergeReport } {
  const report: MergeReport = { draftsAdded: [], draftsReplaced: [], draftsKeptNewer: [], toursUpdated: [] };
  const drafts = { ...current.drafts };
  for (const [id, d] of Object.entries(incoming.drafts)) {
    const mine = drafts[id];
    if (mine === undefined) {
      drafts[id] = d;
      report.draftsAdded.push(id);
    } else if (mine.text === d.text) {
      drafts[id] = { text: mine.text, savedAt: Math.max(mine.savedAt, d.savedAt) };
    } else if (d.savedAt >= mine.savedAt) {
      drafts[id] = d;
      report.draftsReplaced.push(id);
    } else {
      report.draftsKeptNewer.push(id);
    }
  }
  const tours = { ...current.tours };
  for (const [id, t] of Object.entries(incoming.tours)) {
    const mine = tours[id];
    const next = mine === undefined ? t : { step: Math.max(mine.step, t.step), done: mine.done || t.done };
    if (mine === undefined || next.step !== mine.step || next.done !== mine.done) report.toursUpdated.push(id);
    tours[id] = next;
  }
  return { merged: { drafts, tours, openTour: incoming.openTour ?? current.openTour }, report };
}

// ---------------------------------------------------------------------------- the browser's key-value layout

/** IndexedDB keys: one per draft (a keystroke rewrites one small record), one for tours, one for the open tour. */
export const DRAFT_KEY_PREFIX = 'draft:';
export const TOURS_KEY = 'tours';
export const OPEN_TOUR_KEY = 'tour-open';

export function toEntries(data: UserData): [string, unknown][] {
  return [
    ...Object.entries(data.drafts).map(([id, d]): [string, unknown] => [DRAFT_KEY_PREFIX + id, d]),
    [TOURS_KEY, data.tours],
    [OPEN_TOUR_KEY, data.openTour],
  ];
}

/**
 * Back from stored entries. What is stored may come from another version or a crash mid-write, so each
 * entry is checked on its own: a bad one is dropped (and named in `dropped`), the rest come back.
 */
export function fromEntries(entries: readonly [unknown, unknown][]): { data: UserData; dropped: string[] } {
  const data = emptyUserData();
  const dropped: string[] = [];
  for (const [key, value] of entries) {
    if (typeof key !== 'string') continue;
    if (key.startsWith(DRAFT_KEY_PREFIX)) {
      const id = key.slice(DRAFT_KEY_PREFIX.length);
      const d = DraftSchema.safeParse(value);
      if (Id.safeParse(id).success && d.success) data.drafts[id] = d.data;
      else dropped.push(key);
    } else if (key === TOURS_KEY) {
      const t = z.record(Id, TourProgressSchema).safeParse(value);
      if (t.success) data.tours = t.data;
      else dropped.push(key);
    } else if (key === OPEN_TOUR_KEY) {
      const o = OpenTourSchema.nullable().safeParse(value);
      if (o.success) data.openTour = o.data;
      else dropped.push(key);
    }
  }
  return { data, dropped };
}

/** Drafts and tours written by earlier versions to localStorage (vt-lab.draft.v1.<preset>, vt-lab.tours.v1). */
export const LEGACY_DRAFT_PREFIX = 'vt-lab.draft.v1.';
export const LEGACY_TOURS_KEY = 'vt-lab.tours.v1';

export function fromLegacy(items: readonly [string, string][]): UserData {
  const out: [string, unknown][] = [];
  for (const [k, raw] of items) {
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      continue;
    }
    if (k.startsWith(LEGACY_DRAFT_PREFIX)) out.push([DRAFT_KEY_PREFIX + k.slice(LEGACY_DRAFT_PREFIX.length), v]);
    else if (k === LEGACY_TOURS_KEY && typeof v === 'object' && v !== null) {
      // Old progress records one tour at a time; keep the good ones.
      const good = Object.fromEntries(Object.entries(v).filter(([id, p]) => Id.safeParse(id).success && TourProgressSchema.safeParse(p).success));
      out.push([TOURS_KEY, good]);
    }
  }
  return fromEntries(out).data;
}
