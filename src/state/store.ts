/**
 * The app's zustand store, built from slices (engine, playback, selection, preferences, lab).
 * Components read it with selectors (`useApp((s) => s.status?.position.seq)`), so a value that
 * changes every frame re-renders only the components that show it.
 */
import { create } from 'zustand';
import { createEngineSlice, type EngineSlice } from './engine-slice.ts';
import { createPlaybackSlice, type PlaybackSlice } from './playback-slice.ts';
import { createSelectionSlice, type SelectionSlice } from './selection-slice.ts';
import { createPrefsSlice, type PrefsSlice } from './prefs-slice.ts';
import { createLabSlice, type LabSlice } from './lab-slice.ts';
import { createControlsSlice, type ControlsSlice } from './controls-slice.ts';
import { createTechniquesSlice, type TechniquesSlice } from './techniques-slice.ts';
import { createPlatformSlice, type PlatformSlice } from './platform-slice.ts';
import { createConsolidationSlice, type ConsolidationSlice } from './consolidation-slice.ts';
import { createTourSlice, type TourSlice } from './tour-slice.ts';
import { createPresentSlice, type PresentSlice } from './present-slice.ts';

export type AppState = EngineSlice & PlaybackSlice & SelectionSlice & PrefsSlice & LabSlice & ControlsSlice & TechniquesSlice & PlatformSlice & ConsolidationSlice & TourSlice & PresentSlice;

export const useApp = create<AppState>()((...a) => ({
  ...createEngineSlice(...a),
  ...createPlaybackSlice(...a),
  ...createSelectionSlice(...a),
  ...createPrefsSlice(...a),
  ...createLabSlice(...a),
  ...createControlsSlice(...a),
  ...createTechniquesSlice(...a),
  ...createPlatformSlice(...a),
  ...createConsolidationSlice(...a),
  ...createTourSlice(...a),
  ...createPresentSlice(...a),
}));
