/**
 * The engine: the timeline of one session, paced for a human. Runs in the Web Worker (engine.worker.ts
 * exposes it through comlink) and, unchanged, in Node tests with an injected clock.
 *
 * - Step, step back, seek, reset: synchronous calls on the timeline.
 * - Play: a task loop releases events at `speed` × real time on the model's clock (or as fast as possible),
 *   holding after the kinds of events the view animates so each animation can play out.
 * - Run: fast-forward to a target with no per-event pacing; the UI sees progress and the last events only.
 * - The UI drains released events once per animation frame (`drain`): one transferable Float64Array per
 *   frame, never a message per event.
 *
 * Every call is guarded: an exception is recorded in `status.error` (and rethrown to the caller), the
 * engine pauses, and it stays usable; nothing dies silently.
 */
import { transfer } from 'comlink';
import { Timeline } from '../core/timeline/timeline.ts';
import { EMPTY_BATCH, type EventBatch } from '../core/trace/batch.ts';
import { eventRecord, textRecord } from '../core/trace/json.ts';
import { batchEvents } from '../core/trace/batch.ts';
import { SCENARIOS, loadScenarioSource } from '../core/scenarios/index.ts';
import { checkProgram } from '../core/session/check.ts';
import { scenarioParameters } from '../core/scenarios/parameters.ts';
import { CPU_MODELS, DEFAULT_CPU_MODEL_ID, getCpuModel, toProcessorModel } from '../core/cpu-models/index.ts';
import { costModelFor } from '../core/cost/model.ts';
import { CostClass } from '../core/x86/cost-class.ts';
import { handlerInfo } from '../core/vmm/exits.ts';
import { describeVmmSettings, validateVmmSettings } from '../core/vmm/settings.ts';
import { CONTROL_WORDS, controlCapability } from '../core/vmm/controls-check.ts';

/** The VMM's handler for every basic exit reason (0–85). */
function handlerTable(): Record<number, { name: string; does: string }> {
  const out: Record<number, { name: string; does: string }> = {};
  for (let r = 0; r <= 85; r++) out[r] = { ...handlerInfo(r) };
  return out;
}
import { runOnModel, runOnPlatform, type Intervention, type MachineView, type SessionMode, type SessionSpec } from '../core/session/session.ts';
import { trapRoundTripFor } from '../core/techniques/deprivileged/index.ts';
import { EventKind } from '../core/trace/events.ts';
import { translationAt } from '../core/timeline/translation-at.ts';
import { createTechniqueRunner } from './techniques.ts';
import { runFailover, runMigration, type FailoverRequest, type MigrateRequest } from './platform.ts';
import { runIsolationLab, type IsolationRequest } from './isolation.ts';
import { runResourcesLab, type ResourcesRequest } from './resources.ts';
import { runVmxMigration, type VmxMigrateRequest } from './platform.ts';
import { runSriov, vtdCommand, type SriovRequest, type VtdCommand } from './vtd.ts';
import { ioOverhead, runIoPaths, type IoPathRequest } from './io-path.ts';
import { createDynamicRunner } from './consolidation.ts';
import { createSecurityService, type SecurityRequest } from './security.ts';
import type { EscapeId } from '../core/security/escape-info.ts';
import { demoPositions } from '../core/techniques/popek-goldberg-demos.ts';
import { classifyInstructions, type InstructionFormClass } from '../core/techniques/instruction-classes.ts';
import type { TranslationRequest, TranslationView } from '../core/session/translation.ts';
// `t` names the timeline in this file, so the catalogue's lookup is `msg`.
import { t as msg } from '../i18n/t.ts';
import type {
  Catalog,
  DrainResult,
  EngineApi,
  EngineError,
  EngineState,
  EngineStatus,
  HoldPolicy,
  LoadResult,
  RunTarget,
  SettingsReportResult,
  VmcsView,
  VmmSettings,
  CompareTechniquesRequest,
  TechniquesProgress,
  DynamicDayRequest,
  DynamicDayProgress,
} from './protocol.ts';

/** Wall clock and task scheduling: the worker's own, or a test's. */
export interface EngineClock {
  now(): number;
  /** Runs `fn` after about `ms` milliseconds (0: as soon as pending messages have been handled). */
  schedule(fn: () => void, ms: number): void;
}

/** Instructions per timeline call inside a task (a few milliseconds at full speed). */
const BUDGET = 250_000;
/** Wall time a task may take before it lets messages (drain, pause) through. */
const SLICE_MS = 12;
/** Events the UI gets on a rebase (the end of the log up to the position). */
const REBASE_WINDOW = 2000;
/** Events the UI gets per drain while running (it shows progress, not each event). */
const RUN_TAIL = 200;
/** Play never gets further ahead of the UI than this many undrained events (backpressure): every event played reaches the UI. */
const PLAY_BACKLOG = 120_000;

/** The platforms Session.create builds (SessionSpec.mode). */
const PLATFORM_MODES: readonly SessionMode[] = ['bare', 'guest', 'swvmm', 'bt', 'pv'];

export const MIN_SPEED = 1e-9;
export const MAX_SPEED = 1e3;

export function createEngine(clock: EngineClock): EngineApi & { reportError(where: string, e: unknown): void } {
  let timeline: Timeline | null = null;
  let spec: SessionSpec | null = null;
  let clockHz = 1;
  let state: EngineState = 'empty';
  let speed = 1e-3;
  let hold: HoldPolicy = { kinds: [], ms: 0 };
  let holdUntil = 0;
  let run: EngineStatus['run'] = null;
  let generation = 0;
  let error: EngineError | null = null;
  // Play clock: at wall time `anchorWall` the simulated time was `anchorCycle`.
  let anchorWall = 0;
  let anchorCycle = 0;
  let playCycle = 0;
  let taskPending = false;
  // What the UI has: events [.., drainedSeq) of generation `drainedGeneration`.
  let drainedSeq = 0;
  let drainedGeneration = -1;
  let breakpoints = new Set<number>();
  let lastStop: EngineStatus['lastStop'] = null;
  // The Software vs hardware lab: its runs are independent of the loaded session (one technique per task).
  const techniques = createTechniqueRunner(clock);
  // The Consolidation lab's day of dynamic consolidation (a few intervals per task).
  const dynamicDay = createDynamicRunner(clock);
  // The Security lab's account store and attack-surface runs.
  const securityService = createSecurityService();
  /** The Popek & Goldberg demo positions per CPU model (deterministic, so computed once per model). */
  const demoPositionCache = new Map<string, ReturnType<typeof demoPositions>>();
  /** Every instruction form classified, per CPU model (a few seconds of runs: computed once). */
  const instructionClassCache = new Map<string, InstructionFormClass[]>();

  const needTimeline = (): Timeline => {
    if (timeline === null) throw new Error('no scenario is loaded');
    return timeline;
  };

  const status = (): EngineStatus => {
    if (timeline === null) {
      return {
        spec: null, state, speed, clockCycle: 0, clockHz, ended: null, run: null, generation, error, lastStop, breakpoints: [...breakpoints],
        position: { seq: 0, cycle: 0, instret: 0, simSeq: 0, horizonSeq: 0, horizonCycle: 0, atEnd: false },
      };
    }
    const position = timeline.position();
    return {
      spec,
      state,
      speed,
      position,
      clockCycle: state === 'playing' && Number.isFinite(speed) ? Math.max(position.cycle, playCycle) : position.cycle,
      clockHz,
      ended: timeline.session.ended,
      run,
      generation,
      error,
      lastStop,
      breakpoints: [...breakpoints],
    };
  };

  const reportError = (where: string, e: unknown): void => {
    const err = e instanceof Error ? e : new Error(String(e));
    error = { where, message: err.message, stack: err.stack };
    if (state === 'playing' || state === 'running') state = 'paused';
    run = null;
  };

  /** Runs an API call; an exception is kept in the status and passed on. */
  function guarded<A extends unknown[], R>(where: string, fn: (...a: A) => R): (...a: A) => R {
    return (...a: A): R => {
      try {
        return fn(...a);
      } catch (e) {
        reportError(where, e);
        throw e;
      }
    };
  }

  const movedBack = (): void => {
    generation++;
    playCycle = 0;
  };

  const anchor = (): void => {
    const t = needTimeline();
    anchorWall = clock.now();
    anchorCycle = Math.max(t.position().cycle, playCycle);
    playCycle = anchorCycle;
  };

  const ensureTask = (delay = 0): void => {
    if (taskPending) return;
    taskPending = true;
    clock.schedule(task, delay);
  };

  const noteStop = (stop: string): void => {
    const t = needTimeline();
    const seq = t.position().seq;
    if (stop === 'breakpoint') lastStop = { reason: 'breakpoint', seq, pc: t.session.currentPc() };
    else if (stop === 'end') lastStop = { reason: 'end', seq };
    else lastStop = { reason: 'target', seq };
  };

  /** One slice of Play or Run. */
  function task(): void {
    taskPending = false;
    if (timeline === null || (state !== 'playing' && state !== 'running')) return;
    const t = timeline;
    const start = clock.now();
    try {
      if (state === 'running') {
        const target = run!.target;
        for (;;) {
          const stop = t.advance({
            budget: BUDGET,
            untilCycle: target.to === 'cycle' ? target.cycle : undefined,
            untilKinds: target.to === 'kind' ? target.kinds : undefined,
            toSeq: target.to === 'seq' ? target.seq : undefined,
            breakAt: breakpoints,
          });
          if (stop !== 'budget') {
            // A cycle target can stop before a group the machine already ran: show the exact state there.
            if (stop === 'cycle') t.settle();
            noteStop(stop);
            state = 'paused';
            run = null;
            return;
          }
          if (clock.now() - start > SLICE_MS) break;
        }
        ensureTask(0);
        return;
      }
      // Playing.
      const now = clock.now();
      if (now < holdUntil) {
        ensureTask(holdUntil - now);
        return;
      }
      const fast = !Number.isFinite(speed);
      const holdKinds = !fast && hold.ms > 0 && hold.kinds.length > 0 ? hold.kinds : undefined;
      if (fast) {
        for (;;) {
          if (t.position().seq - drainedSeq >= PLAY_BACKLOG) {
            ensureTask(2);
            return;
          }
          const stop = t.advance({ budget: BUDGET, events: PLAY_BACKLOG, breakAt: breakpoints });
          if (stop === 'end' || stop === 'breakpoint') {
            noteStop(stop);
            state = 'paused';
            return;
          }
          if (clock.now() - start > SLICE_MS) break;
        }
        ensureTask(0);
        return;
      }
      if (holdUntil > 0) {
        // A hold just ended: simulated time resumes from where it stopped.
        holdUntil = 0;
        anchor();
      }
      playCycle = anchorCycle + ((now - anchorWall) / 1000) * speed * clockHz;
      for (;;) {
        const stop = t.advance({ budget: BUDGET, untilCycle: playCycle, untilKinds: holdKinds, breakAt: breakpoints });
        if (stop === 'end' || stop === 'breakpoint') {
          noteStop(stop);
          state = 'paused';
          return;
        }
        if (stop === 'kind') {
          holdUntil = clock.now() + hold.ms;
          playCycle = t.position().cycle;
          ensureTask(hold.ms);
          return;
        }
        if (stop === 'cycle') break;
        if (clock.now() - start > SLICE_MS) break;
      }
      // Caught up with the play clock: come back next frame.
      ensureTask(16);
    } catch (e) {
      reportError(state === 'running' ? 'run' : 'play', e);
    }
  }

  const catalog = (): Catalog => ({
    scenarios: SCENARIOS.map((s) => ({
      id: s.id,
      title: s.title,
      kind: s.kind,
      mode: s.mode,
      portable: s.portable,
      description: s.description,
      lesson: s.lesson,
      end: s.end,
      params: scenarioParameters(s.id).map((p) => ({ name: p.name, value: p.value, min: p.min, max: p.max, description: p.description })),
    })),
    cpus: CPU_MODELS.map((m) => {
      const cm = costModelFor(m.id);
      const fig = (x: { value: number; kind: string; basis: string }) => ({ value: x.value, kind: x.kind, basis: x.basis });
      return {
        id: m.id,
        name: m.name,
        year: m.year,
        clockHz: m.coreClockHz,
        ept: m.features.ept === true,
        features: Object.entries(m.features).filter(([, on]) => on).map(([k]) => k),
        costs: {
          vmExit: fig(cm.vmExit),
          vmEntry: fig(cm.vmEntry),
          roundTrip: fig(cm.roundTrip),
          handler: fig(cm.defaultHandler),
          ioHandler: fig(cm.handler[30] ?? cm.defaultHandler),
          intN: fig(cm.instruction[CostClass.SOFTWARE_INTERRUPT]),
          iret: fig(cm.instruction[CostClass.IRET]),
          // The software VMM's trap round trip: Adams & Agesen 2006's P4 figure, an assumption for every model (costs.ts).
          swTrap: (() => {
            const f = trapRoundTripFor(m.id);
            return { value: f.value, kind: f.kind, basis: `${f.source}. ${f.note}` };
          })(),
        },
      };
    }),
    defaultCpu: DEFAULT_CPU_MODEL_ID,
    handlers: handlerTable(),
    modes: [...PLATFORM_MODES],
  });

  const load = (next: SessionSpec): LoadResult => {
    const r = Timeline.create(next);
    if (!r.ok) return { ok: false, errors: r.errors };
    timeline = r.timeline;
    spec = { ...next, cpu: r.timeline.session.cpuModel };
    clockHz = getCpuModel(r.timeline.session.cpuModel)!.coreClockHz;
    state = 'paused';
    run = null;
    error = null;
    holdUntil = 0;
    movedBack();
    return { ok: true, status: status(), view: r.timeline.inspect() };
  };

  const stopMoving = (): void => {
    lastStop = null;
    if (state === 'playing' || state === 'running') state = 'paused';
    run = null;
    holdUntil = 0;
  };

  const api = {
    reportError,

    catalog: guarded('catalog', catalog),

    load: guarded('load', load),

    play: guarded('play', (): EngineStatus => {
      const t = needTimeline();
      if (t.position().atEnd) return status();
      state = 'playing';
      run = null;
      lastStop = null;
      holdUntil = 0;
      anchor();
      ensureTask(0);
      return status();
    }),

    pause: guarded('pause', (): EngineStatus => {
      stopMoving();
      // Play paces by simulated cycles, so it may rest before a group already run: make the state exact.
      timeline?.settle();
      return status();
    }),

    step: guarded('step', (n: number): EngineStatus => {
      const t = needTimeline();
      stopMoving();
      t.advance({ events: clampCount(n) });
      playCycle = 0;
      return status();
    }),

    stepBack: guarded('stepBack', (n: number): EngineStatus => {
      const t = needTimeline();
      stopMoving();
      t.seek(Math.max(0, t.position().seq - clampCount(n)));
      movedBack();
      return status();
    }),

    runTo: guarded('runTo', (target: RunTarget): EngineStatus => {
      const t = needTimeline();
      validateTarget(target);
      const pos = t.position();
      state = 'running';
      lastStop = null;
      run = { target, fromSeq: pos.seq, fromCycle: pos.cycle };
      holdUntil = 0;
      ensureTask(0);
      return status();
    }),

    seek: guarded('seek', (seq: number): EngineStatus => {
      const t = needTimeline();
      if (!Number.isFinite(seq) || seq < 0) throw new RangeError(`cannot seek to ${seq}`);
      const wasPlaying = state === 'playing';
      stopMoving();
      const before = t.position().seq;
      t.seek(Math.floor(seq));
      if (t.position().seq < before) movedBack();
      playCycle = 0;
      if (wasPlaying) api.play();
      return status();
    }),

    seekCycle: guarded('seekCycle', (cycle: number): EngineStatus => {
      const t = needTimeline();
      if (!Number.isFinite(cycle) || cycle < 0) throw new RangeError(`cannot seek to cycle ${cycle}`);
      const wasPlaying = state === 'playing';
      stopMoving();
      const before = t.position().seq;
      t.seekCycle(cycle);
      if (t.position().seq < before) movedBack();
      playCycle = 0;
      if (wasPlaying) api.play();
      return status();
    }),

    reset: guarded('reset', (): EngineStatus => {
      const t = needTimeline();
      stopMoving();
      t.reset();
      movedBack();
      return status();
    }),

    setSpeed: guarded('setSpeed', (s: number): EngineStatus => {
      if (Number.isNaN(s) || s <= 0) throw new RangeError(`speed must be positive, not ${s}`);
      speed = Number.isFinite(s) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, s)) : Infinity;
      if (state === 'playing' && timeline !== null) anchor();
      return status();
    }),

    setHold: guarded('setHold', (p: HoldPolicy): EngineStatus => {
      hold = { kinds: [...p.kinds], ms: Math.max(0, Math.min(60_000, p.ms)) };
      return status();
    }),

    intervene: guarded('intervene', (action: Intervention): { error: string | null; status: EngineStatus } => {
      const t = needTimeline();
      stopMoving();
      const err = t.intervene(action);
      if (err === null) movedBack();
      return { error: err, status: status() };
    }),

    drain: guarded('drain', (maxEvents: number): DrainResult => {
      if (timeline === null) return { status: status(), batch: EMPTY_BATCH, rebase: false, skipped: 0 };
      const t = timeline;
      const pos = t.position().seq;
      const cap = Math.max(1, Math.floor(maxEvents));
      let rebase = false;
      let from = drainedSeq;
      if (drainedGeneration !== generation || pos < drainedSeq) {
        rebase = true;
        from = Math.max(0, pos - Math.min(cap, REBASE_WINDOW));
      }
      let skipped = 0;
      const limit = state === 'running' ? Math.min(cap, RUN_TAIL) : cap;
      if (pos - from > limit) {
        skipped = pos - from - limit;
        from = pos - limit;
      }
      const batch = t.events(from, pos);
      drainedSeq = pos;
      drainedGeneration = generation;
      const result: DrainResult = { status: status(), batch, rebase, skipped };
      return transfer(result, [batch.data.buffer as ArrayBuffer]);
    }),

    status: guarded('status', status),

    inspect: guarded('inspect', (): MachineView | null => (timeline === null ? null : timeline.inspect())),

    events: guarded('events', (from: number, to: number): EventBatch => {
      const t = needTimeline();
      const b = t.events(Math.max(0, Math.floor(from)), Math.floor(to));
      return transfer(b, [b.data.buffer as ArrayBuffer]);
    }),

    exportTrace: guarded('exportTrace', (): string => {
      const t = needTimeline();
      const pos = t.position().seq;
      const b = t.events(0, pos);
      const lines: string[] = [];
      if (b.firstSeq > 0) lines.push(JSON.stringify({ type: 'log', text: msg('worker.engine.eventsDropped', { n: b.firstSeq }), vm: null, cycle: 0 }));
      for (const e of batchEvents(b)) {
        // The run's end comes once, last, in full (below), as the command-line runner writes it.
        if (e.kind === EventKind.END) continue;
        lines.push(JSON.stringify(e.text !== undefined ? textRecord(e.kind, e.cycle, e.p[0], e.text) : eventRecord(e.kind, e.cycle, e.p)));
      }
      lines.push(JSON.stringify(t.session.endRecord()));
      return lines.join('\n') + '\n';
    }),

    interventions: guarded('interventions', () => (timeline === null ? [] : timeline.recordedInterventions().map((i) => ({ seq: i.seq, action: { ...i.action } })))),

    setBreakpoints: guarded('setBreakpoints', (addresses: number[]): EngineStatus => {
      breakpoints = new Set(addresses.filter((a) => Number.isInteger(a) && a >= 0 && a <= 0xffffffff).map((a) => a >>> 0));
      return status();
    }),

    // A query, not a command: before the first program has loaded (a link still decoding) the listing is empty,
    // not an error the user should see.
    listing: guarded('listing', () => (timeline === null ? [] : timeline.session.listing())),

    translationCache: guarded('translationCache', () => needTimeline().session.translationCache()),

    vmcs: guarded('vmcs', (): VmcsView | null => {
      const t = needTimeline();
      const now = t.session.vmcs();
      if (now === null) return null;
      // The last VM exit, VMM handler, entry or failed entry at or before the position, and the state before its
      // group (the timeline stops after a VM exit before the handler runs: the handler's changes are its own step).
      const pos = t.position().seq;
      const ring = t.ring;
      let e = pos - 1;
      while (e >= ring.oldestSeq) {
        const k = ring.kindAt(e);
        if (k === EventKind.VMEXIT || k === EventKind.VMM_HANDLER || k === EventKind.VMENTRY || k === EventKind.VMFAIL) break;
        e--;
      }
      if (e < ring.oldestSeq) return { now, before: null, transition: null };
      const kind = ring.kindAt(e);
      const at = t.positionBeforeGroupOf(e);
      t.seek(at);
      const before = t.session.vmcs();
      t.seek(pos);
      return { now, before, transition: { seq: e, kind } };
    }),

    exits: guarded('exits', () => {
      const x = needTimeline().exits();
      return transfer(x, [x.seq.buffer as ArrayBuffer, x.cycle.buffer as ArrayBuffer, x.reason.buffer as ArrayBuffer]);
    }),

    scenarioSource: guarded('scenarioSource', (id: string): string | null => loadScenarioSource(id) ?? null),

    checkProgram: guarded('checkProgram', (source: string) => checkProgram(source)),

    compareModels: guarded('compareModels', () => {
      const t = needTimeline();
      return CPU_MODELS.map((m) => {
        const r = runOnModel(t.spec, m.id);
        return 'error' in r ? { cpu: m.id, error: r.error } : r;
      });
    }),

    translation: guarded('translation', (req: TranslationRequest): TranslationView => translationAt(needTimeline(), req)),

    describeSettings: guarded('describeSettings', (settings: VmmSettings, cpu: string): SettingsReportResult => {
      const model = getCpuModel(cpu);
      if (model === undefined) return { ok: false, errors: [{ field: 'cpu', message: msg('worker.unknownCpu', { cpu }) }] };
      const v = validateVmmSettings(settings);
      if (!v.ok) return { ok: false, errors: v.errors.map((e) => ({ field: e.field === '' ? 'settings' : `settings.${e.field}`, message: e.message })) };
      const pm = toProcessorModel(model);
      return {
        ok: true,
        report: {
          cpu: model.id,
          described: describeVmmSettings(v.settings, pm),
          defaults: describeVmmSettings({}, pm),
          capabilities: CONTROL_WORDS.map((w) => controlCapability(pm, w)),
        },
      };
    }),

    techniqueDefaults: guarded('techniqueDefaults', (cpu: string) => techniques.techniqueDefaults(cpu)),

    compareTechniques: (req: CompareTechniquesRequest, onProgress?: (p: TechniquesProgress) => void) => techniques.compareTechniques(req, onProgress),

    migrate: guarded('migrate', (req: MigrateRequest) => runMigration(req)),

    migrateVmx: guarded('migrateVmx', (req: VmxMigrateRequest) => runVmxMigration(req)),

    failover: guarded('failover', (req: FailoverRequest) => runFailover(req)),

    isolationRun: guarded('isolationRun', (req: IsolationRequest) => runIsolationLab(req, () => clock.now())),
    resourcesRun: guarded('resourcesRun', (req: ResourcesRequest) => runResourcesLab(req, () => clock.now())),

    vtd: guarded('vtd', (cmd: VtdCommand) => vtdCommand(cmd)),

    sriov: guarded('sriov', (req: SriovRequest) => runSriov(req)),

    ioPath: guarded('ioPath', (req: IoPathRequest) => runIoPaths(req)),

    ioOverhead: guarded('ioOverhead', () => ioOverhead()),

    security: (req: SecurityRequest) => securityService.security(req),

    attackSurface: guarded('attackSurface', (cpu: string) => securityService.attackSurface(cpu)),

    escapeAttempt: guarded('escapeAttempt', (id: EscapeId, cpu: string) => securityService.escapeAttempt(id, cpu)),

    runDynamicDay: (req: DynamicDayRequest, onProgress?: (p: DynamicDayProgress) => void) => dynamicDay.runDynamicDay(req, onProgress),

    sensitiveDemoPositions: guarded('sensitiveDemoPositions', (cpu: string) => {
      const known = demoPositionCache.get(cpu);
      if (known !== undefined) return known;
      const r = demoPositions(cpu);
      demoPositionCache.set(cpu, r);
      return r;
    }),

    instructionClasses: guarded('instructionClasses', (cpu: string): InstructionFormClass[] | null => {
      if (getCpuModel(cpu) === undefined) return null;
      const known = instructionClassCache.get(cpu);
      if (known !== undefined) return known;
      const r = classifyInstructions(cpu);
      instructionClassCache.set(cpu, r);
      return r;
    }),

    comparePlatforms: guarded('comparePlatforms', () => {
      const t = needTimeline();
      // The same program on every platform that runs it unmodified: not 'pv', which runs a port or crashes the program.
      return PLATFORM_MODES.filter((mode) => mode !== 'pv').map((mode) => {
        const r = runOnPlatform(t.spec, mode);
        return 'error' in r ? { mode, ended: null, console: '', error: r.error } : r;
      });
    }),

    restoreLink: guarded('restoreLink', (next: SessionSpec, list: { seq: number; action: Intervention }[], seq: number): LoadResult => {
      const r = load(next);
      if (!r.ok) return r;
      const t = needTimeline();
      if (list.length > 0) t.scheduleInterventions(list);
      t.seek(Math.max(0, Math.floor(seq)));
      movedBack();
      return { ok: true, status: status(), view: t.inspect() };
    }),
  } satisfies EngineApi & { reportError(where: string, e: unknown): void };
  return api;
}

function clampCount(n: number): number {
  if (!Number.isFinite(n) || n < 1) return 1;
  return Math.min(1_000_000, Math.floor(n));
}

function validateTarget(t: RunTarget): void {
  if (t.to === 'cycle' && (!Number.isFinite(t.cycle) || t.cycle < 0)) throw new RangeError(`cannot run to cycle ${t.cycle}`);
  if (t.to === 'seq' && (!Number.isFinite(t.seq) || t.seq < 0)) throw new RangeError(`cannot run to event ${t.seq}`);
  if (t.to === 'kind' && t.kinds.length === 0) throw new RangeError('run to which kind of event?');
}
