/** Engine slice: what the worker said last (status, machine view, catalogue) and what went wrong. */
import type { StateCreator } from 'zustand';
import type { Catalog, EngineStatus, MachineView, SpecError } from '../worker/protocol.ts';
import type { AppState } from './store.ts';

export type EngineHealth = 'starting' | 'ready' | 'crashed';

export interface EngineSlice {
  health: EngineHealth;
  catalog: Catalog | null;
  status: EngineStatus | null;
  view: MachineView | null;
  /** Errors of the spec the user asked for (shown beside the field at fault). */
  specErrors: SpecError[];
  /** The worker died or an engine call failed: shown in a banner with a way out. */
  engineFailure: string | null;
  /** Bumped whenever the event log changed (views that list events subscribe to it). */
  logVersion: number;
  setEngine(p: Partial<Pick<EngineSlice, 'health' | 'catalog' | 'status' | 'view' | 'specErrors' | 'engineFailure'>>): void;
  bumpLog(): void;
}

export const createEngineSlice: StateCreator<AppState, [], [], EngineSlice> = (set) => ({
  health: 'starting',
  catalog: null,
  status: null,
  view: null,
  specErrors: [],
  engineFailure: null,
  logVersion: 0,
  setEngine: (p) => set(p),
  bumpLog: () => set((s) => ({ logVersion: s.logVersion + 1 })),
});
