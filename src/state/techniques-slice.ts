/**
 * The Software vs hardware lab's state: what to compare (workload, CPU model, cost overrides — all in the link),
 * and the comparison the worker returned, its progress and errors (not in the link: a shared link with r=1 runs
 * the comparison again, which is deterministic).
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';
import { DEFAULT_TECHNIQUES_LINK, type TechniquesLink } from './url.ts';
import type { TechniqueComparison, TechniqueDefaults, TechniquesProgress } from '../worker/protocol.ts';

export interface TechniquesSlice {
  techniques: TechniquesLink;
  techDefaults: TechniqueDefaults | null;
  techResult: TechniqueComparison | null;
  techProgress: TechniquesProgress | null;
  techRunning: boolean;
  techError: string | null;
  setTechniques(p: Partial<TechniquesLink>): void;
  setTechState(p: Partial<Pick<TechniquesSlice, 'techDefaults' | 'techResult' | 'techProgress' | 'techRunning' | 'techError'>>): void;
}

export const createTechniquesSlice: StateCreator<AppState, [], [], TechniquesSlice> = (set) => ({
  techniques: DEFAULT_TECHNIQUES_LINK,
  techDefaults: null,
  techResult: null,
  techProgress: null,
  techRunning: false,
  techError: null,
  setTechniques: (p) => set((s) => ({ techniques: { ...s.techniques, ...p } })),
  setTechState: (p) => set(p),
});
