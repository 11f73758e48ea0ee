/**
 * The decisions behind the simulator's crash recovery (recovery.ts runs them), as pure functions so each rule
 * is unit tested (recovery-model.test.ts):
 *
 * - the checkpoint: the last position the page can rebuild exactly. The core is deterministic (a spec, the
 *   user's interventions and an event number give the same machine state: design.md, "time travel"), so a new
 *   worker replays to it. It only advances while the page knows the interventions of the status's generation,
 *   so it never pairs a position with the wrong branch;
 * - the watchdog: a worker that was terminated answers nothing, so a ping that stays unanswered is the signal
 *   (besides the worker's Web Lock, recovery.ts). A long run also leaves pings unanswered (the worker is single
 *   threaded), so the page first says so and restarts only after a long silence;
 * - the restart policy: a crash that comes back at once (the same replay crashing again) must not loop.
 */
import type { EngineStatus, Intervention, SessionSpec } from '../../worker/protocol.ts';

export interface Checkpoint {
  spec: SessionSpec;
  seq: number;
  interventions: { seq: number; action: Intervention }[];
  breakpoints: number[];
  /** The status generation this checkpoint was taken at (its interventions are that generation's). */
  generation: number;
  /** Playing when last seen (a fast-forward, 'running', is not resumed: its target may be past the crash). */
  playing: boolean;
}

export interface Tracker {
  /** Interventions as fetched for one spec and generation. */
  known: { spec: SessionSpec; generation: number; interventions: { seq: number; action: Intervention }[] } | null;
  checkpoint: Checkpoint | null;
}

export const emptyTracker = (): Tracker => ({ known: null, checkpoint: null });

const sameSpec = (a: SessionSpec, b: SessionSpec): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A status arrived: the checkpoint moves to it if its branch (interventions) is known. */
export function observeStatus(t: Tracker, st: EngineStatus | null): Tracker {
  if (st === null || st.spec === null) return t;
  const k = t.known;
  if (k === null || k.generation !== st.generation || !sameSpec(k.spec, st.spec)) return t;
  return {
    ...t,
    checkpoint: { spec: st.spec, seq: st.position.seq, interventions: k.interventions, breakpoints: [...st.breakpoints], generation: st.generation, playing: st.state === 'playing' },
  };
}

/** The interventions for a generation arrived (fetched when the generation changed). */
export function observeInterventions(t: Tracker, spec: SessionSpec, generation: number, interventions: { seq: number; action: Intervention }[], st: EngineStatus | null): Tracker {
  return observeStatus({ ...t, known: { spec, generation, interventions: interventions.map((i) => ({ seq: i.seq, action: i.action })) } }, st);
}

// ------------------------------------------------------------------------------------------------ watchdog

export interface WatchdogConfig {
  /** How often the page pings the worker. */
  intervalMs: number;
  /** Silence after which the page tells the user the simulator is not answering. */
  warnAfterMs: number;
  /** Silence after which the worker is taken for dead and restarted. Longer than any single task the labs run. */
  restartAfterMs: number;
}

/** Model choices (no standard says how long a worker may be busy): a ping a second, say so after 10 s, restart after 45 s. */
export const DEFAULT_WATCHDOG: WatchdogConfig = { intervalMs: 1000, warnAfterMs: 10_000, restartAfterMs: 45_000 };

export type WatchdogAction = { kind: 'ping' } | { kind: 'wait' } | { kind: 'warn'; silentMs: number } | { kind: 'restart'; silentMs: number };

/** What to do at `now`, given when the unanswered ping (if any) was sent. */
export function watchdogTick(pendingSince: number | null, now: number, cfg: WatchdogConfig = DEFAULT_WATCHDOG): WatchdogAction {
  if (pendingSince === null) return { kind: 'ping' };
  const silentMs = now - pendingSince;
  if (silentMs >= cfg.restartAfterMs) return { kind: 'restart', silentMs };
  if (silentMs >= cfg.warnAfterMs) return { kind: 'warn', silentMs };
  return { kind: 'wait' };
}

// ------------------------------------------------------------------------------------------- restart policy

export type RestartDecision = 'resume' | 'paused' | 'give-up';

/** Crashes within this window count as one run of trouble. */
export const CRASH_WINDOW_MS = 60_000;

/**
 * First crash: carry on as before (playing again if it was). A second within a minute: come back paused at the
 * checkpoint, so the user sees where it happened. A third: stop restarting and offer the manual Restart.
 */
export function restartDecision(previousCrashes: readonly number[], now: number): RestartDecision {
  const recent = previousCrashes.filter((t) => now - t < CRASH_WINDOW_MS).length;
  return recent === 0 ? 'resume' : recent === 1 ? 'paused' : 'give-up';
}
