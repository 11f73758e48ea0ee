/** Lab slice: which lab is open and what it runs (the spec), plus the link-loading notice. */
import type { StateCreator } from 'zustand';
import type { SessionSpec } from '../worker/protocol.ts';
import type { AppState } from './store.ts';
import { DEFAULT_LAB, type LabId } from './labs.ts';

export const DEFAULT_SPEC: SessionSpec = { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: false };

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

export interface LabSlice {
  lab: LabId;
  spec: SessionSpec;
  notice: Notice | null;
  setLab(lab: LabId): void;
  setSpec(spec: SessionSpec): void;
  setNotice(n: Notice | null): void;
}

export const createLabSlice: StateCreator<AppState, [], [], LabSlice> = (set) => ({
  lab: DEFAULT_LAB,
  spec: DEFAULT_SPEC,
  notice: null,
  setLab: (lab) => set({ lab }),
  setSpec: (spec) => set({ spec }),
  setNotice: (notice) => set({ notice }),
});
