/**
 * Tour slice: which guided tour is open, at which step or question, and where the user left each tour
 * (kept in IndexedDB through persist/user-data.ts, so a student can resume tomorrow where they stopped tonight). Tours themselves are
 * data (src/tours); this slice only moves through them.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';
import { putTours } from './persist/user-data.ts';

export interface TourPosition {
  id: string;
  /** Step index; `steps` (= number of steps) and beyond is the quiz, question `step - steps`. */
  step: number;
}

export interface TourProgress {
  step: number;
  done: boolean;
}

export interface TourSlice {
  tour: TourPosition | null;
  tourPickerOpen: boolean;
  tourProgress: Record<string, TourProgress>;
  openTourPicker(open: boolean): void;
  /** Opens a tour at a step (0: the start). */
  startTour(id: string, step: number): void;
  setTourStep(step: number, total: number): void;
  finishTour(): void;
  closeTour(): void;
}

const KEY = 'vt-lab.tours.v1';

export function loadTourProgress(): Record<string, TourProgress> {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    if (!raw) return {};
    const p = JSON.parse(raw) as Record<string, unknown>;
    const out: Record<string, TourProgress> = {};
    for (const [id, v] of Object.entries(p)) {
      if (typeof v !== 'object' || v === null) continue;
      const { step, done } = v as Record<string, unknown>;
      if (typeof step === 'number' && Number.isInteger(step) && step >= 0 && typeof done === 'boolean') out[id] = { step, done };
    }
    return out;
  } catch {
    return {};
  }
}

/** Written to IndexedDB (persist/user-data.ts); loadTourProgress above only reads what older versions left. */
function save(p: Record<string, TourProgress>): void {
  putTours(p);
}

export const createTourSlice: StateCreator<AppState, [], [], TourSlice> = (set, get) => ({
  tour: null,
  tourPickerOpen: false,
  tourProgress: loadTourProgress(),
  openTourPicker: (tourPickerOpen) => set({ tourPickerOpen }),
  startTour: (id, step) => {
    const tourProgress = { ...get().tourProgress, [id]: { step, done: get().tourProgress[id]?.done ?? false } };
    save(tourProgress);
    set({ tour: { id, step }, tourPickerOpen: false, tourProgress });
  },
  setTourStep: (step, total) => {
    const t = get().tour;
    if (t === null) return;
    const s = Math.max(0, Math.min(total - 1, step));
    const tourProgress = { ...get().tourProgress, [t.id]: { step: s, done: get().tourProgress[t.id]?.done ?? false } };
    save(tourProgress);
    set({ tour: { id: t.id, step: s }, tourProgress });
  },
  finishTour: () => {
    const t = get().tour;
    if (t === null) return;
    const tourProgress = { ...get().tourProgress, [t.id]: { step: 0, done: true } };
    save(tourProgress);
    set({ tour: null, tourProgress });
  },
  closeTour: () => set({ tour: null }),
});
