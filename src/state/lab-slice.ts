/** Lab slice: which lab is open and what it runs (the spec), plus the link-loading notice. */
import type { StateCreator } from 'zustand';
import type { SessionSpec } from '../worker/protocol.ts';
import type { AppState } from './store.ts';
import { DEFAULT_LAB, LAB_TABS, type LabId, type LabTab, type TabbedLabId } from './labs.ts';
import type { DetailLevel, RingsTab } from './labs.ts';
export type { DetailLevel, RingsTab };

export const DEFAULT_SPEC: SessionSpec = { scenario: 'kernel', cpu: 'nehalem', seed: 1, insnEvents: true };

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}


export interface LabSlice {
  lab: LabId;
  spec: SessionSpec;
  notice: Notice | null;
  /** How much the labs show: Sales (rings and boxes), Classroom (exit reasons, key VMCS fields), Engineer (everything). */
  detail: DetailLevel;
  ringsTab: RingsTab;
  /** The open view of each tabbed lab (Isolation, Security, I/O); part of the link. */
  labTabs: { [L in TabbedLabId]: LabTab<L> };
  /** Breakpoints (linear addresses) of the loaded program. */
  breakpoints: number[];
  setLab(lab: LabId): void;
  setSpec(spec: SessionSpec): void;
  setNotice(n: Notice | null): void;
  setDetail(d: DetailLevel): void;
  setRingsTab(t: RingsTab): void;
  setLabTab<L extends TabbedLabId>(lab: L, tab: LabTab<L>): void;
  setBreakpoints(b: number[]): void;
}

export const createLabSlice: StateCreator<AppState, [], [], LabSlice> = (set) => ({
  // Not read from the link here: labs that run on opening (a shared Fail-over or Migration link) expect their
  // state from the link before they mount, and link-sync sets both together once the simulator has started.
  lab: DEFAULT_LAB,
  spec: DEFAULT_SPEC,
  notice: null,
  detail: 'classroom',
  ringsTab: 'code',
  labTabs: { isolation: LAB_TABS.isolation[0].id, security: LAB_TABS.security[0].id, io: LAB_TABS.io[0].id },
  breakpoints: [],
  setLab: (lab) => set({ lab }),
  setSpec: (spec) => set({ spec }),
  setNotice: (notice) => set({ notice }),
  setDetail: (detail) => set({ detail }),
  setRingsTab: (ringsTab) => set({ ringsTab }),
  setLabTab: (lab, tab) => set((s) => ({ labTabs: { ...s.labTabs, [lab]: tab } })),
  setBreakpoints: (breakpoints) => set({ breakpoints }),
});
