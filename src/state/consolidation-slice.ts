/**
 * The Consolidation lab's state: what the link carries (placement, host type, moves, cost assumptions, policy,
 * hour) and the day replay's result, progress and error (not in the link: a shared link with r=1 replays the day
 * again, which is deterministic).
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';
import { DEFAULT_CONSOLIDATION_LINK, type ConsolidationLink } from './consolidation-link.ts';
import type { DynamicDay, DynamicDayProgress } from '../worker/protocol.ts';

export interface ConsolidationSlice {
  consolidation: ConsolidationLink;
  conDay: DynamicDay | null;
  conProgress: DynamicDayProgress | null;
  conRunning: boolean;
  conError: string | null;
  setConsolidation(p: Partial<ConsolidationLink>): void;
  setConState(p: Partial<Pick<ConsolidationSlice, 'conDay' | 'conProgress' | 'conRunning' | 'conError'>>): void;
}

export const createConsolidationSlice: StateCreator<AppState, [], [], ConsolidationSlice> = (set) => ({
  consolidation: DEFAULT_CONSOLIDATION_LINK,
  conDay: null,
  conProgress: null,
  conRunning: false,
  conError: null,
  setConsolidation: (p) => set((s) => ({ consolidation: { ...s.consolidation, ...p } })),
  setConState: (p) => set(p),
});
