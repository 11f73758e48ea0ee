/** Present slice: this window's view (app, presenter, audience, embed) and the audience screen's blanking. */
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';
import { parseViewMode, type ViewMode } from './view-mode.ts';

export interface PresentSlice {
  viewMode: ViewMode;
  /** The audience screen is blanked (the presenter pressed b). */
  blank: boolean;
  /** When the presentation started (ms since the epoch; wall time is right here: it is the lecture's clock). */
  presentStartedAt: number | null;
  /** In the audience window: the presenter ended the presentation (the window no longer follows). */
  presentationEnded: boolean;
  setViewMode(m: ViewMode): void;
  setBlank(b: boolean): void;
  setPresentStartedAt(t: number | null): void;
}

const initial = parseViewMode(globalThis.location?.search ?? '');

export const createPresentSlice: StateCreator<AppState, [], [], PresentSlice> = (set) => ({
  viewMode: initial.mode,
  blank: false,
  presentStartedAt: null,
  presentationEnded: false,
  setViewMode: (viewMode) => set({ viewMode }),
  setBlank: (blank) => set({ blank }),
  setPresentStartedAt: (presentStartedAt) => set({ presentStartedAt }),
});

/** The message to show when the page's view was not understood (null: none). */
export const viewModeError: string | null = parseViewMode(globalThis.location?.search ?? '').error ?? null;
