/**
 * Crash recovery of the simulation worker (issue 9 item 4): when the worker throws outside a task, is
 * terminated (the browser killed it, it ran out of memory) or stops answering, the page says so, starts a new
 * worker, rebuilds the same scene at the last checkpoint (same spec, program, interventions, position and
 * breakpoints; playing again if it was), and says what happened. The core is deterministic, so replaying the
 * spec and interventions to the checkpoint's event gives the machine state the old worker had there.
 *
 * Three signals, because a dead worker says nothing:
 * - the Worker's 'error' event (an uncaught error in the worker; the worker may live on, but in an unknown
 *   state, so it is replaced);
 * - its Web Lock (engine.worker.ts holds one named after itself while alive): granted to the page the moment
 *   the worker ends, even while it was busy;
 * - a heartbeat: a ping a second; unanswered for 10 s, the user is told; for 45 s, the worker is replaced
 *   (recovery-model.ts). Where Web Locks do not exist this is the only sign of a terminated worker.
 *
 * Test hook: with `?test-hooks` in the page address (before the #link) or in a dev build,
 * `window.__vtlab.recovery.killWorker('terminate' | 'throw' | 'hang')` terminates the worker behind the page's
 * back, makes it throw an uncaught error, or makes it spin forever; `setWatchdog({ warnAfterMs, restartAfterMs })`
 * shortens the heartbeat's times so a hang is caught in seconds. Nothing in the production UI reaches them.
 */
import { create } from 'zustand';
import type { Remote } from 'comlink';
import type { EngineApi } from '../../worker/protocol.ts';
import { useApp } from '../../state/store.ts';
import { commands, engineHooks, holdCommandsDuring, lastHoldPolicy, startEngine } from './client.ts';
import { applyInitialLink, watchLinks } from '../shell/link-sync.ts';
import { DEFAULT_WATCHDOG, CRASH_WINDOW_MS, emptyTracker, observeInterventions, observeStatus, restartDecision, watchdogTick, type Tracker } from './recovery-model.ts';
import { t } from '../../i18n/t.ts';

export type RecoveryPhase = 'idle' | 'recovering' | 'recovered' | 'unresponsive';

export interface RecoveryState {
  phase: RecoveryPhase;
  message: string;
  /** How many times the worker was replaced in this visit. */
  restarts: number;
  dismiss(): void;
}

export const useRecovery = create<RecoveryState>()((set) => ({
  phase: 'idle',
  message: '',
  restarts: 0,
  dismiss: () => set({ phase: 'idle', message: '' }),
}));

interface Watched {
  worker: Worker;
  remote: Remote<EngineApi>;
  lockName: string;
  stop(): void;
}

let current: Watched | null = null;
let tracker: Tracker = emptyTracker();
let crashes: number[] = [];
let recovering = false;
let lostWhileRecovering: string | null = null;
let installed = false;
/** The watchdog's times (the test hook shortens them so a hang is seen in seconds). */
let watchdog = DEFAULT_WATCHDOG;

/** Starts watching a new worker: its lock and the heartbeat. */
function watch(w: { worker: Worker; remote: Remote<EngineApi>; lockName: string }): void {
  current?.stop();
  const abort = new AbortController();
  let pendingSince: number | null = null;
  /** The silence already reported (a dismissed warning does not come back for the same silence). */
  let warnedFor: number | null = null;
  let stopped = false;
  const timer = window.setInterval(() => {
    if (stopped) return;
    const a = watchdogTick(pendingSince, performance.now(), watchdog);
    if (a.kind === 'ping') {
      const sent = performance.now();
      pendingSince = sent;
      void w.remote.interventions().then(
        () => {
          if (pendingSince !== sent) return;
          pendingSince = null;
          if (useRecovery.getState().phase === 'unresponsive') useRecovery.getState().dismiss();
        },
        () => undefined,
      );
    } else if (a.kind === 'warn') {
      const phase = useRecovery.getState().phase;
      if (phase === 'unresponsive' || ((phase === 'idle' || phase === 'recovered') && warnedFor !== pendingSince)) {
        warnedFor = pendingSince;
        useRecovery.setState({ phase: 'unresponsive', message: t('recovery.engine.unresponsive', { seconds: Math.round(a.silentMs / 1000) }) });
      }
    } else if (a.kind === 'restart') {
      lost(t('recovery.engine.whySilent', { seconds: Math.round(a.silentMs / 1000) }));
    }
  }, DEFAULT_WATCHDOG.intervalMs);
  const me: Watched = {
    ...w,
    stop: () => {
      stopped = true;
      window.clearInterval(timer);
      abort.abort();
    },
  };
  current = me;
  void watchLock(w.lockName, abort.signal, () => {
    if (current === me && !stopped) lost(t('recovery.engine.whyTerminated'));
  });
}

/** Waits for the worker's lock: granted to the page only once the worker has ended. */
async function watchLock(name: string, signal: AbortSignal, onEnd: () => void): Promise<void> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks === undefined) return;
  // Only once the worker really holds it (else the page would get it first and take the worker for dead).
  let held = false;
  for (let k = 0; k < 40 && !held && !signal.aborted; k++) {
    const q = await locks.query();
    held = (q.held ?? []).some((l) => l.name === name);
    if (!held) await new Promise((r) => setTimeout(r, 50));
  }
  if (!held || signal.aborted) return;
  try {
    await locks.request(name, { signal }, () => onEnd());
  } catch {
    // aborted: the page replaced or stopped this worker itself
  }
}

/** The worker is gone or unusable: replace it (or say why not). */
function lost(why: string): void {
  if (recovering) {
    lostWhileRecovering = why;
    return;
  }
  void recover(why, false);
}

// Commands clicked meanwhile wait for the new worker and its scene (client.ts `holdCommandsDuring`).
function recover(why: string, manual: boolean): Promise<void> {
  return holdCommandsDuring(() => recoverNow(why, manual));
}

async function recoverNow(why: string, manual: boolean): Promise<void> {
  recovering = true;
  const now = performance.now();
  const decision = manual ? 'resume' : restartDecision(crashes, now);
  if (!manual) crashes = [...crashes.filter((c) => now - c < CRASH_WINDOW_MS), now];
  current?.stop();
  current = null;
  if (decision === 'give-up') {
    recovering = false;
    useRecovery.setState({ phase: 'idle', message: '' });
    useApp.getState().setEngine({ health: 'crashed', engineFailure: t('recovery.engine.gaveUp', { why }) });
    return;
  }
  const cp = tracker.checkpoint;
  // Lost before the first scene was loaded: the start-up chain (main.tsx) waits on the dead worker forever, so
  // the page's link is opened, and followed, from here instead.
  const firstScene = useApp.getState().status === null;
  useRecovery.setState({ phase: 'recovering', message: t('recovery.engine.recovering', { why }) });
  try {
    await startEngine();
    let message = t('recovery.engine.recoveredEmpty', { why });
    if (firstScene) {
      await applyInitialLink();
      watchLinks();
    } else if (cp !== null) {
      const ok = await commands.load(cp.spec, { seq: cp.seq, interventions: cp.interventions });
      if (!ok) throw new Error(t('recovery.engine.reloadFailed'));
      const hold = lastHoldPolicy();
      if (hold !== null) await commands.setHold(hold.kinds, hold.ms);
      if (cp.breakpoints.length > 0) {
        useApp.getState().setBreakpoints(cp.breakpoints);
        await commands.setBreakpoints(cp.breakpoints);
      }
      const play = cp.playing && decision === 'resume';
      if (play) await commands.play();
      const seq = cp.seq.toLocaleString('en-US');
      message = manual
        ? t('recovery.engine.restartedOnRequest', { seq })
        : play
          ? t('recovery.engine.recoveredPlaying', { why, seq })
          : t('recovery.engine.recoveredPaused', { why, seq });
    }
    // Calls that were under way in the old worker failed; that is explained here, not as a separate failure.
    useApp.getState().setEngine({ engineFailure: null });
    useRecovery.setState((s) => ({ phase: 'recovered', message, restarts: s.restarts + 1 }));
  } catch (e) {
    useRecovery.setState({ phase: 'idle', message: '' });
    useApp.getState().setEngine({ health: 'crashed', engineFailure: `${why}: ${e instanceof Error ? e.message : String(e)}` });
  } finally {
    recovering = false;
  }
  if (lostWhileRecovering !== null) {
    const w = lostWhileRecovering;
    lostWhileRecovering = null;
    lost(w);
  }
}

/** The banner's "Restart the simulator now" (not counted as a crash). */
export function restartNow(): Promise<void> {
  if (recovering) return Promise.resolve();
  return recover(t('recovery.engine.whyManual'), true);
}

/** Keeps the checkpoint current: statuses as they come, interventions whenever the generation changes. */
function track(): void {
  let asked = '';
  useApp.subscribe((s, prev) => {
    const st = s.status;
    if (st === prev.status || st === null || st.spec === null || recovering) return;
    tracker = observeStatus(tracker, st);
    const key = `${JSON.stringify(st.spec)}|${st.generation}`;
    const k = tracker.known;
    if (key === asked || (k !== null && k.generation === st.generation && JSON.stringify(k.spec) === JSON.stringify(st.spec))) return;
    asked = key;
    const spec = st.spec;
    const generation = st.generation;
    void commands.interventions().then(
      (list) => {
        tracker = observeInterventions(tracker, spec, generation, list, useApp.getState().status);
      },
      () => undefined,
    );
  });
}

function testHooksEnabled(): boolean {
  try {
    return import.meta.env.DEV || new URLSearchParams(location.search).has('test-hooks');
  } catch {
    return false;
  }
}

export function installRecovery(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  engineHooks.onStarted = watch;
  engineHooks.onStopped = () => {
    current?.stop();
    current = null;
  };
  engineHooks.onLost = (message) => lost(t('recovery.engine.whyThrew', { value: message }));
  track();
  if (testHooksEnabled() && window.__vtlab !== undefined) {
    window.__vtlab.recovery = {
      killWorker(mode) {
        const w = current?.worker;
        if (w === undefined) return;
        if (mode === 'terminate') w.terminate();
        else w.postMessage({ vtlabTest: mode });
      },
      setWatchdog(cfg) {
        watchdog = { ...watchdog, ...cfg };
      },
    };
  }
}
