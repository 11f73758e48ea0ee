/**
 * View preferences: theme (light high-contrast by default, for projectors), font scale, motion. Kept in
 * localStorage, and deliberately not in shared links: a viewer's own font size and theme win.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';

export type Theme = 'light' | 'dark';
export type MotionPref = 'system' | 'reduce' | 'full';

export const FONT_SCALES: readonly number[] = [0.875, 1, 1.125, 1.25, 1.5, 1.75, 2];

export interface PrefsSlice {
  theme: Theme;
  fontScale: number;
  motion: MotionPref;
  /** The shortcut help dialog. */
  helpOpen: boolean;
  setTheme(t: Theme): void;
  setFontScale(s: number): void;
  setMotion(m: MotionPref): void;
  setHelpOpen(open: boolean): void;
}

const KEY = 'vt-lab.prefs.v1';

function loadPrefs(): Partial<Pick<PrefsSlice, 'theme' | 'fontScale' | 'motion'>> {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    if (!raw) return {};
    const p = JSON.parse(raw) as Record<string, unknown>;
    const out: Partial<Pick<PrefsSlice, 'theme' | 'fontScale' | 'motion'>> = {};
    if (p.theme === 'light' || p.theme === 'dark') out.theme = p.theme;
    if (typeof p.fontScale === 'number' && FONT_SCALES.includes(p.fontScale)) out.fontScale = p.fontScale;
    if (p.motion === 'system' || p.motion === 'reduce' || p.motion === 'full') out.motion = p.motion;
    return out;
  } catch {
    return {};
  }
}

export function savePrefs(p: Pick<PrefsSlice, 'theme' | 'fontScale' | 'motion'>): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify({ theme: p.theme, fontScale: p.fontScale, motion: p.motion }));
  } catch {
    // Private browsing or a full quota: preferences simply do not persist.
  }
}

export const createPrefsSlice: StateCreator<AppState, [], [], PrefsSlice> = (set) => ({
  theme: 'light',
  fontScale: 1,
  motion: 'system',
  helpOpen: false,
  ...loadPrefs(),
  setTheme: (theme) => set({ theme }),
  setFontScale: (fontScale) => set({ fontScale }),
  setMotion: (motion) => set({ motion }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
});
