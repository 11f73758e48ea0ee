/**
 * The UI's side of the engine boundary: starts the worker, wraps it with comlink, and drains released
 * events once per animation frame into the event log and the store. Commands (play, step, seek…) go
 * through `commands`, which also keeps the URL and the machine view current.
 *
 * The worker never dies silently: a worker error or a failed call shows a banner (engineFailure) with
 * a Restart that brings back the same scenario at the same position.
 */
import { wrap, releaseProxy, proxy, type Remote } from 'comlink';
import type { EngineApi, EngineStatus, Intervention, MachineView, RunTarget, SessionSpec, VmmSettings } from '../../worker/protocol.ts';
import type { TranslationRequest } from '../../worker/protocol.ts';
import type { CompareTechniquesRequest, TechniquesProgress } from '../../worker/protocol.ts';
import type { FailoverRequest, MigrateRequest } from '../../worker/protocol.ts';
import type { IsolationRequest } from '../../worker/protocol.ts';
import type { ResourcesRequest } from '../../worker/protocol.ts';
import type { VmxMigrateRequest } from '../../worker/protocol.ts';
import type { SriovRequest, VtdCommand } from '../../worker/protocol.ts';
import type { IoPathRequest } from '../../worker/protocol.ts';
import type { DynamicDayProgress, DynamicDayRequest } from '../../worker/protocol.ts';
import type { EscapeId, SecurityRequest } from '../../worker/protocol.ts';
import { useApp } from '../../state/store.ts';
import { eventLog } from '../../state/event-log.ts';
import { userDataReady } from '../../state/persist/user-data.ts';
import { installUserDataSync } from '../../state/persist/store-sync.ts';
import { t } from '../../i18n/t.ts';

/**
 * Crash recovery (recovery.ts) plugs in here: it learns of each new worker (to watch it) and of its loss. The
 * worker's name is unique and is also the name of the Web Lock it holds while alive (engine.worker.ts).
 */
export const engineHooks: {
  onStarted: ((w: { worker: Worker; remote: Remote<EngineApi>; lockName: string }) => void) | null;
  onStopped: (() => void) | null;
  onLost: ((why: string) => void) | null;
} = { onStarted: null, onStopped: null, onLost: null };
let workerCount = 0;
let lastHold: { kinds: number[]; ms: number } | null = null;
/** The animation holds the UI last set (a new worker starts without them). */
export const lastHoldPolicy = (): { kinds: number[]; ms: number } | null => lastHold;

/** Most events one frame takes from the worker (the log keeps the newest). */
export const DRAIN_MAX = 250_000;

let worker: Worker | null = null;
let remote: Remote<EngineApi> | null = null;
let draining = false;
let wantDrain = true;
let lastInspect = 0;
/** Position the machine view was last read at. */
let inspectedKey = '';
let frameHandle = 0;
/** Statistics for the browser benchmark (read through window.__vtlab). */
export const stats = { events: 0, skipped: 0, drains: 0, frames: 0, frameTimes: [] as number[] };

/**
 * Calls under way in the current worker. When the worker is replaced (a crash, a hang, a restart) each of them
 * fails with a message instead of waiting forever on a dead worker, so a lab's Run button comes back and says why.
 */
const underway = new Set<(e: Error) => void>();
let trackedRemote: { of: Remote<EngineApi>; proxy: Remote<EngineApi> } | null = null;

function tracked(r: Remote<EngineApi>): Remote<EngineApi> {
  if (trackedRemote?.of === r) return trackedRemote.proxy;
  const proxy = new Proxy(r, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop === 'symbol' || typeof v !== 'function') return v;
      return (...args: unknown[]) =>
        new Promise<unknown>((resolve, reject) => {
          underway.add(reject);
          (v as (...a: unknown[]) => Promise<unknown>)(...args)
            .then(resolve, reject)
            .finally(() => underway.delete(reject));
        });
    },
  });
  trackedRemote = { of: r, proxy };
  return proxy;
}

function api(): Remote<EngineApi> {
  if (remote === null) throw new Error(t('engine.client.notRunning'));
  return tracked(remote);
}

function fail(where: string, e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  useApp.getState().setEngine({ engineFailure: `${where}: ${msg}` });
}

function applyStatus(status: EngineStatus): void {
  const s = useApp.getState();
  s.setEngine({ status });
  if (status.error !== null && s.engineFailure === null) {
    s.setEngine({ engineFailure: `${status.error.where}: ${status.error.message}` });
  }
}

/**
 * One drain: events into the log, status and the machine view into the store. While paused, the view
 * for the new position is fetched first and everything is applied together, so the counters, the log
 * and the machine panel never disagree on screen; while moving, the view follows four times a second.
 */
async function drainOnce(): Promise<void> {
  if (remote === null || draining) return;
  draining = true;
  wantDrain = false;
  try {
    const d = await remote.drain(DRAIN_MAX);
    stats.drains++;
    const moving = d.status.state === 'playing' || d.status.state === 'running';
    const now = performance.now();
    const key = `${d.status.generation}:${d.status.position.seq}:${d.status.position.simSeq}`;
    let view: MachineView | null | undefined;
    if (key !== inspectedKey && (!moving || now - lastInspect > 250)) {
      inspectedKey = key;
      lastInspect = now;
      view = await remote.inspect();
    }
    if (d.rebase) eventLog.clear(d.batch.firstSeq);
    if (d.batch.count > 0 || d.rebase) {
      eventLog.append(d.batch, d.skipped);
      stats.events += d.batch.count;
      stats.skipped += d.skipped;
    }
    const s = useApp.getState();
    useApp.setState({
      status: d.status,
      ...(view !== undefined ? { view } : {}),
      ...(d.batch.count > 0 || d.rebase ? { logVersion: s.logVersion + 1 } : {}),
      ...(d.status.error !== null && s.engineFailure === null ? { engineFailure: `${d.status.error.where}: ${d.status.error.message}` } : {}),
    });
    if (moving) wantDrain = true;
  } catch (e) {
    fail('drain', e);
  } finally {
    draining = false;
  }
}

let lastFrame = 0;
function frame(t: number): void {
  if (lastFrame > 0) {
    stats.frameTimes.push(t - lastFrame);
    if (stats.frameTimes.length > 2000) stats.frameTimes.splice(0, 1000);
  }
  lastFrame = t;
  stats.frames++;
  const st = useApp.getState().status;
  if (wantDrain || (st !== null && (st.state === 'playing' || st.state === 'running'))) void drainOnce();
  frameHandle = requestAnimationFrame(frame);
}

/** Starts (or restarts) the worker and loads the catalogue. */
export async function startEngine(): Promise<void> {
  stopEngine();
  const s = useApp.getState();
  s.setEngine({ health: 'starting', engineFailure: null });
  const lockName = `vt-lab-engine#${Date.now().toString(36)}.${++workerCount}`;
  worker = new Worker(new URL('../../worker/engine.worker.ts', import.meta.url), { type: 'module', name: lockName });
  const started = worker;
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    if (engineHooks.onLost !== null) {
      if (worker === started) engineHooks.onLost(e.message || t('engine.client.workerError'));
      return;
    }
    useApp.getState().setEngine({ health: 'crashed', engineFailure: t('engine.client.theSimulatorStopped', { error: e.message || t('engine.client.workerError') }) });
  });
  worker.addEventListener('messageerror', () => fail('worker', new Error('a message could not be read')));
  remote = wrap<EngineApi>(worker);
  installUserDataSync();
  const catalog = await remote.catalog();
  s.setEngine({ catalog, health: 'ready' });
  if (worker === started && remote !== null) engineHooks.onStarted?.({ worker: started, remote, lockName });
  cancelAnimationFrame(frameHandle);
  frameHandle = requestAnimationFrame(frame);
}

export function stopEngine(): void {
  cancelAnimationFrame(frameHandle);
  if (underway.size > 0) {
    const abandoned = new Error(t('engine.client.abandoned'));
    for (const reject of underway) reject(abandoned);
    underway.clear();
  }
  if (worker !== null) engineHooks.onStopped?.();
  if (remote !== null) remote[releaseProxy]();
  worker?.terminate();
  worker = null;
  remote = null;
  draining = false;
}

/**
 * The scene load under way (a link, a restart restoring its moment), which every command waits for: the worker
 * answers messages while a restore is still running, so a Step clicked just after Restart ran on the half-restored
 * session and the restore then put the position back, and the click was lost.
 */
let loading: Promise<unknown> = Promise.resolve();

/**
 * Makes every command wait for `work`: a scene load, or a whole restart (a new worker, then its scene), held from
 * its start — the banner goes as soon as the new worker starts, and a Step clicked while it was still starting ran
 * on a worker with no scene yet; the load then put the position back and the click was lost (a rare CI failure of
 * the shell e2e: 20 events, not 21). `work` must not await a command before its own `commands.load`.
 */
export function holdCommandsDuring<T>(work: () => Promise<T>): Promise<T> {
  const done = work();
  loading = done.catch(() => undefined);
  return done;
}

/** Runs a command; its status goes to the store and a drain is scheduled. */
async function command(where: string, fn: (a: Remote<EngineApi>) => Promise<EngineStatus>): Promise<EngineStatus | null> {
  await loading;
  try {
    const st = await fn(api());
    // The status reaches the store with the next drain, together with its events and machine view.
    if (st.error !== null) applyStatus(st);
    wantDrain = true;
    return st;
  } catch (e) {
    fail(where, e);
    return null;
  }
}

/** Loads a spec (optionally replaying interventions and going to a position, for links). */
async function loadScene(spec: SessionSpec, at?: { seq: number; interventions: { seq: number; action: Intervention }[] }): Promise<boolean> {
  const s = useApp.getState();
  try {
    const r = at !== undefined ? await api().restoreLink(spec, at.interventions, at.seq) : await api().load(spec);
    if (!r.ok) {
      s.setEngine({ specErrors: r.errors });
      return false;
    }
    s.setEngine({ specErrors: [], view: r.view, engineFailure: null });
    s.setSpec(spec);
    s.select(null);
    s.setBreakpoints([]);
    applyStatus(r.status);
    inspectedKey = '';
    await api().setSpeed(s.speed);
    wantDrain = true;
    return true;
  } catch (e) {
    fail('load', e);
    return false;
  }
}

export const commands = {
  /** Loads a spec (optionally replaying interventions and going to a position, for links). */
  load: (spec: SessionSpec, at?: { seq: number; interventions: { seq: number; action: Intervention }[] }): Promise<boolean> =>
    holdCommandsDuring(() => loadScene(spec, at)),
  play: () => command('play', (a) => a.play()),
  pause: () => command('pause', (a) => a.pause()),
  async togglePlay(): Promise<void> {
    const st = useApp.getState().status;
    if (st?.state === 'playing' || st?.state === 'running') await commands.pause();
    else await commands.play();
  },
  step: (n: number) => command('step', (a) => a.step(n)),
  stepBack: (n: number) => command(t('engine.client.stepBack'), (a) => a.stepBack(n)),
  runTo: (target: RunTarget) => command('run', (a) => a.runTo(target)),
  seek: (seq: number) => command('seek', (a) => a.seek(seq)),
  seekCycle: (cycle: number) => command('seek', (a) => a.seekCycle(cycle)),
  reset: () => command('reset', (a) => a.reset()),
  async setSpeed(speed: number): Promise<void> {
    useApp.getState().setSpeed(speed);
    if (remote !== null && useApp.getState().status !== null) await command('speed', (a) => a.setSpeed(speed));
  },
  setHold: (kinds: number[], ms: number) => {
    // Kept for recovery.ts: a restarted worker gets the same animation holds.
    lastHold = { kinds: [...kinds], ms };
    return command('animation', (a) => a.setHold({ kinds, ms }));
  },
  async intervene(action: Intervention): Promise<string | null> {
    try {
      const r = await api().intervene(action);
      if (r.status.error !== null) applyStatus(r.status);
      wantDrain = true;
      return r.error;
    } catch (e) {
      fail('intervene', e);
      return t('engine.client.theEngineFailed');
    }
  },
  interventions: () => api().interventions(),
  listing: () => api().listing(),
  // The editor shows the user's saved draft beside this source: the stored drafts are read first.
  scenarioSource: async (id: string) => {
    await userDataReady();
    return api().scenarioSource(id);
  },
  checkProgram: (source: string) => api().checkProgram(source),
  vmcs: () => api().vmcs(),
  translationCache: () => api().translationCache(),
  translation: (req: TranslationRequest) => api().translation(req),
  exits: () => api().exits(),
  compareModels: () => api().compareModels(),
  comparePlatforms: () => api().comparePlatforms(),
  sensitiveDemoPositions: (cpu: string) => api().sensitiveDemoPositions(cpu),
  instructionClasses: (cpu: string) => api().instructionClasses(cpu),
  techniqueDefaults: (cpu: string) => api().techniqueDefaults(cpu),
  /** The Software vs hardware comparison; progress arrives through a comlink proxy after each technique. */
  compareTechniques: (req: CompareTechniquesRequest, onProgress: (p: TechniquesProgress) => void) => api().compareTechniques(req, proxy(onProgress)),
  /** The Consolidation lab's PlanetLab day; progress arrives through a comlink proxy between slices. */
  runDynamicDay: (req: DynamicDayRequest, onProgress: (p: DynamicDayProgress) => void) => api().runDynamicDay(req, proxy(onProgress)),
  /** The Migration lab's run (one worker task). */
  migrate: (req: MigrateRequest) => api().migrate(req),
  /** The Migration lab's VMX-core mode (one worker task: the guest really runs, a few seconds). */
  migrateVmx: (req: VmxMigrateRequest) => api().migrateVmx(req),
  /** The Fail-over lab's run after a kill (one worker task). */
  failover: (req: FailoverRequest) => api().failover(req),
  /** The Isolation lab's fault run (one worker task, a few seconds: the guests really run). */
  isolationRun: (req: IsolationRequest) => api().isolationRun(req),
  resourcesRun: (req: ResourcesRequest) => api().resourcesRun(req),
  /** The I/O lab's DMA-remapping session: one command, the new view (one worker task). */
  vtd: (cmd: VtdCommand) => api().vtd(cmd),
  /** The I/O lab's SR-IOV view (one worker task). */
  sriov: (req: SriovRequest) => api().sriov(req),
  /** The I/O lab's three paths for one batch (one worker task). */
  ioPath: (req: IoPathRequest) => api().ioPath(req),
  /** The I/O lab's overhead chart data (computed once per worker). */
  ioOverhead: () => api().ioOverhead(),
  /** The Security lab's account store (login, checked actions, audit log, lockout). */
  security: (req: SecurityRequest) => api().security(req),
  attackSurface: (cpu: string) => api().attackSurface(cpu),
  escapeAttempt: (id: EscapeId, cpu: string) => api().escapeAttempt(id, cpu),
  describeSettings: (settings: VmmSettings, cpu: string) => api().describeSettings(settings, cpu),
  setBreakpoints: (addresses: number[]) => command('breakpoints', (a) => a.setBreakpoints(addresses)),
  exportTrace: () => api().exportTrace(),
  events: (from: number, to: number) => api().events(from, to),
  /** After a crash: a new worker, the same scenario, the same position. */
  restart(): Promise<void> {
    return holdCommandsDuring(async () => {
      const s = useApp.getState();
      const seq = s.status?.position.seq ?? 0;
      let ivs: { seq: number; action: Intervention }[] = [];
      try {
        if (remote !== null) ivs = await Promise.race([api().interventions(), new Promise<never>((_r, rej) => setTimeout(() => rej(new Error('timeout')), 300))]);
      } catch {
        ivs = [];
      }
      await startEngine();
      await commands.load(s.spec, { seq, interventions: ivs });
    });
  },
};

/** For the browser benchmark and the end-to-end tests. */
declare global {
  interface Window {
    __vtlab?: { stats: typeof stats; commands: typeof commands; recovery?: { killWorker(mode: 'terminate' | 'throw' | 'hang'): void; setWatchdog(cfg: { warnAfterMs: number; restartAfterMs: number }): void } };
  }
}
if (typeof window !== 'undefined') window.__vtlab = { stats, commands };
