/**
 * The user's data in this browser: an in-memory copy that the app reads synchronously (drafts.ts, the tour
 * slice), written through to IndexedDB on every change, in order, one small record per change (a keystroke
 * rewrites one draft). At start the copy is read back (hydrate), so after a reload, a closed tab or a crash the
 * programs and tour positions are there again. Drafts and tours that earlier versions kept in localStorage
 * are moved over once.
 */
import { openBackend, memoryBackend, type KvBackend, type StorageKind } from './kv.ts';
import {
  DRAFT_KEY_PREFIX,
  LEGACY_DRAFT_PREFIX,
  LEGACY_TOURS_KEY,
  OPEN_TOUR_KEY,
  TOURS_KEY,
  emptyUserData,
  fromEntries,
  fromLegacy,
  mergeUserData,
  toEntries,
  type DraftRecord,
  type OpenTourRecord,
  type TourProgressRecord,
  type UserData,
} from './format.ts';

let backend: KvBackend | null = null;
let data: UserData = emptyUserData();
/** Keys changed before the stored data was read: they win over what is read. */
const touchedEarly = new Set<string>();
let ready: Promise<void> | null = null;
/** Writes run one after another, so the last keystroke is the one that stays. */
let writes: Promise<void> = Promise.resolve();
let lastWriteError: string | null = null;
const listeners = new Set<() => void>();

function legacyItems(): [string, string][] {
  const out: [string, string][] = [];
  try {
    const ls = globalThis.localStorage;
    if (ls === undefined) return out;
    for (let i = 0; i < ls.length; i++) {
      const k = ls.key(i);
      if (k !== null && (k.startsWith(LEGACY_DRAFT_PREFIX) || k === LEGACY_TOURS_KEY)) out.push([k, ls.getItem(k) ?? '']);
    }
  } catch {
    // no localStorage: nothing to move
  }
  return out;
}

async function hydrate(): Promise<void> {
  let stored: UserData = emptyUserData();
  try {
    const opened = await openBackend();
    backend = opened.backend;
    stored = fromEntries(opened.entries).data;
  } catch {
    backend = memoryBackend();
  }
  // Earlier versions' localStorage drafts and tours: merged (newer draft wins), written here, then removed there.
  const legacy = legacyItems();
  if (legacy.length > 0) {
    const moved = mergeUserData(stored, fromLegacy(legacy)).merged;
    stored = moved;
    try {
      for (const [k, v] of toEntries(moved)) await backend.set(k, v);
      if (backend.kind !== 'memory') for (const [k] of legacy) globalThis.localStorage?.removeItem(k);
    } catch {
      // kept in localStorage; the move is tried again next visit
    }
  }
  // Anything written while reading (a keystroke in the first milliseconds) is newer than what was stored.
  const early = data;
  data = stored;
  for (const k of touchedEarly) {
    if (k.startsWith(DRAFT_KEY_PREFIX)) {
      const id = k.slice(DRAFT_KEY_PREFIX.length);
      if (early.drafts[id] !== undefined) data.drafts[id] = early.drafts[id];
      else delete data.drafts[id];
    } else if (k === TOURS_KEY) data.tours = early.tours;
    else if (k === OPEN_TOUR_KEY) data.openTour = early.openTour;
  }
  touchedEarly.clear();
  emit();
}

function emit(): void {
  for (const l of listeners) l();
}

/** Resolves when the stored data has been read (started by the first use of this module). */
export function userDataReady(): Promise<void> {
  ready ??= hydrate();
  return ready;
}

/** Calls `fn` after every change (hydration, import); returns the unsubscribe. */
export function onUserDataChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Where the data is kept: 'memory' means it will not survive a reload (the UI says so). */
export function storageKind(): StorageKind | 'pending' {
  return backend?.kind ?? 'pending';
}

/** The last failed write (quota, a revoked permission), or null. */
export function lastStorageError(): string | null {
  return lastWriteError;
}

function write(key: string, value: unknown | undefined): void {
  if (backend === null) touchedEarly.add(key);
  const op = async (): Promise<void> => {
    await userDataReady();
    if (backend === null) return;
    try {
      if (value === undefined) await backend.del(key);
      else await backend.set(key, value);
      lastWriteError = null;
    } catch (e) {
      lastWriteError = e instanceof Error ? e.message : String(e);
    }
  };
  writes = writes.then(op, op);
}

/** Resolves when every change so far has reached storage (for the export, and tests). */
export function flushUserData(): Promise<void> {
  return writes.then(() => undefined);
}

/** A copy of everything (for the export). */
export function userDataSnapshot(): UserData {
  return structuredClone(data);
}

export function getDraft(preset: string): DraftRecord | null {
  return data.drafts[preset] ?? null;
}

export function putDraft(preset: string, text: string, savedAt: number): void {
  const rec = { text, savedAt };
  data.drafts = { ...data.drafts, [preset]: rec };
  write(DRAFT_KEY_PREFIX + preset, rec);
}

export function removeDraft(preset: string): void {
  const { [preset]: _gone, ...rest } = data.drafts;
  data.drafts = rest;
  write(DRAFT_KEY_PREFIX + preset, undefined);
}

export function getTours(): Record<string, TourProgressRecord> {
  return { ...data.tours };
}

export function putTours(tours: Record<string, TourProgressRecord>): void {
  data.tours = { ...tours };
  write(TOURS_KEY, data.tours);
}

export function getOpenTour(): OpenTourRecord | null {
  return data.openTour;
}

export function putOpenTour(t: OpenTourRecord | null): void {
  if (t === data.openTour || (t !== null && data.openTour !== null && t.id === data.openTour.id && t.step === data.openTour.step)) return;
  data.openTour = t === null ? null : { id: t.id, step: t.step };
  write(OPEN_TOUR_KEY, data.openTour);
}

/** Replaces everything with `next` (an import, after merging), writing each changed record. */
export function replaceUserData(next: UserData): void {
  const prev = data;
  data = structuredClone(next);
  for (const id of Object.keys(prev.drafts)) if (data.drafts[id] === undefined) write(DRAFT_KEY_PREFIX + id, undefined);
  for (const [id, d] of Object.entries(data.drafts)) if (prev.drafts[id]?.text !== d.text || prev.drafts[id]?.savedAt !== d.savedAt) write(DRAFT_KEY_PREFIX + id, d);
  write(TOURS_KEY, data.tours);
  write(OPEN_TOUR_KEY, data.openTour);
  emit();
}

// Reading starts as soon as the app loads this module (the store does, at start), not when a draft is first asked for.
if (typeof window !== 'undefined') void userDataReady();
