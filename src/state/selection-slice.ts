/** Selection slice: the event the user picked in the log (its details are shown beside it). */
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';

export interface SelectionSlice {
  selectedSeq: number | null;
  select(seq: number | null): void;
}

export const createSelectionSlice: StateCreator<AppState, [], [], SelectionSlice> = (set) => ({
  selectedSeq: null,
  select: (selectedSeq) => set({ selectedSeq }),
});
