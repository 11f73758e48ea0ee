/** Playback slice: how the user wants time to pass (speed, animation length). The engine applies them. */
import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';

export const SPEED_MIN = 1e-3;
export const SPEED_MAX = 1e3;
/** Speed steps of the [ and ] keys and the slider's detents: powers of ten and their halves, then "max". */
export const SPEED_STEPS: readonly number[] = [1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1, 3, 10, 30, 100, 300, 1000, Infinity];

export interface PlaybackSlice {
  /** Simulated time per wall time (1 = real time); Infinity = as fast as the simulator goes. */
  speed: number;
  /** How long one animated transition takes on screen, independent of the speed. */
  animationMs: number;
  setSpeed(speed: number): void;
  setAnimationMs(ms: number): void;
}

export const createPlaybackSlice: StateCreator<AppState, [], [], PlaybackSlice> = (set) => ({
  speed: 1e-3,
  animationMs: 700,
  setSpeed: (speed) => set({ speed }),
  setAnimationMs: (animationMs) => set({ animationMs: Math.max(0, Math.min(10_000, animationMs)) }),
});

/** The next speed step up (+1) or down (−1) from `speed`. */
export function stepSpeed(speed: number, dir: 1 | -1): number {
  const k = SPEED_STEPS.findIndex((s) => s >= speed * 0.999);
  const at = k < 0 ? SPEED_STEPS.length - 1 : k;
  return SPEED_STEPS[Math.max(0, Math.min(SPEED_STEPS.length - 1, at + dir))];
}

/** "1/1000×", "0.3×", "10×", "max". */
export function formatSpeed(speed: number): string {
  if (!Number.isFinite(speed)) return 'max';
  if (speed >= 1) return `${+speed.toPrecision(3)}×`;
  const inv = 1 / speed;
  if (Math.abs(inv - Math.round(inv)) < 1e-6 * inv) return `1/${Math.round(inv)}×`;
  return `${+speed.toPrecision(2)}×`;
}
