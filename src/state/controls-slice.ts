/**
 * Controls slice: the VMM settings the user is editing in the Rings lab's Controls tab, before "Apply and
 * re-run" puts them in the spec (and the link). Text fields keep what was typed, even when it is not valid,
 * with the message shown beside the field; `settings` holds only what parsed.
 */
import type { StateCreator } from 'zustand';
import type { VmmSettings } from '../worker/protocol.ts';
import type { AppState } from './store.ts';

export interface ControlsDraft {
  /** The settings from every field that parsed (what Apply uses). */
  settings: VmmSettings;
  /** What the user typed, by field id ('cr0GuestHostMask', 'raw.primary.set', 'port-add', …). */
  text: Record<string, string>;
  /** Field id → what is wrong with its text. */
  errors: Record<string, string>;
}

export interface ControlsSlice {
  /** null: nothing edited since the last apply (the form shows the applied settings, spec.settings). */
  controlsDraft: ControlsDraft | null;
  setControlsDraft(d: ControlsDraft | null): void;
}

export const createControlsSlice: StateCreator<AppState, [], [], ControlsSlice> = (set) => ({
  controlsDraft: null,
  setControlsDraft: (controlsDraft) => set({ controlsDraft }),
});
