/**
 * The one boundary between the UI and the simulation: the engine API the worker exposes through
 * comlink, and the plain-data types that cross it. The UI imports types from here only; nothing that
 * crosses is a class instance.
 */
import type { EventBatch } from '../core/trace/batch.ts';
import type { Intervention, ListingRow, MachineView, ModelRun, SessionEndReason, SessionMode, SessionSpec, SpecError, VmcsSnapshot } from '../core/session/session.ts';
import type { ExitList } from '../core/timeline/exit-index.ts';
import type { TimelinePosition } from '../core/timeline/timeline.ts';
import type { ScenarioKind } from '../core/scenarios/index.ts';
import type { LabMode } from '../core/lab/header.ts';
import type { VmmSettings, VmmSettingsDescription } from '../core/vmm/settings.ts';
import type { ControlCapability } from '../core/vmm/controls-check.ts';
import type { TranslationRequest, TranslationView } from '../core/session/translation.ts';
import type { CostAssumption, CostKey, EventGroup, TechniqueComparison, TechniqueCosts, TechniqueId, TechniqueInfo, TechniqueResult, Verdict } from '../core/techniques/compare.ts';
import type { DiffHunk } from '../core/techniques/paravirt/diff.ts';
import type { TcListingEntry } from '../core/techniques/binary-translation/tc.ts';
import type { InstructionFormClass } from '../core/techniques/instruction-classes.ts';
export type { InstructionFormClass };
export type { TcListingEntry };
import type { DemoPosition } from '../core/techniques/popek-goldberg-demos.ts';
import type { FailoverRequest, FailoverResponse, MigrateRequest, MigrateResponse } from './platform.ts';
import type { IsolationRequest, IsolationResponse } from './isolation.ts';
import type { ResourcesRequest, ResourcesResponse } from './resources.ts';
import type { VmxMigrateRequest, VmxMigrateResponse } from './platform.ts';
import type { DynMetrics } from '../core/platform/dynamic/index.ts';
import type { EscapeResponse, SecurityRequest, SecurityResponse, SecurityView, SurfaceResponse } from './security.ts';
import type { EscapeId } from '../core/security/escape-info.ts';
import type { SriovRequest, SriovResponse, VtdCommand, VtdResponse } from './vtd.ts';
import type { IoPathRequest, IoPathResponse, OverheadReport } from './io-path.ts';

export type { EventBatch, ExitList, Intervention, ListingRow, MachineView, ModelRun, SessionEndReason, SessionMode, SessionSpec, SpecError, TimelinePosition, VmcsSnapshot };

/** The VMCS at the position, and as it was just before the last VM exit or entry (to show what changed). */
export interface VmcsView {
  now: VmcsSnapshot;
  before: VmcsSnapshot | null;
  /** The transition `before` refers to: its event number and kind (EventKind.VMEXIT, VMENTRY or VMFAIL). */
  transition: { seq: number; kind: number } | null;
}

export interface CatalogScenario {
  id: string;
  title: string;
  kind: ScenarioKind;
  mode: LabMode;
  /** The program also runs unchanged on the other platforms (a guest that needs no VMX of its own). */
  portable: boolean;
  description: string;
  lesson: string;
  end: string;
  params: { name: string; value: number; min: number; max: number; description: string }[];
}

/** A cycle figure of the cost model with its provenance (measured, derived or assumption; see docs/sources/costs.md). */
export interface CostFigure {
  value: number;
  kind: string;
  basis: string;
}

export interface CatalogCpu {
  id: string;
  name: string;
  year: number;
  clockHz: number;
  ept: boolean;
  /** VMX features this model offers (names as in src/core/vmx/spec/features.ts). */
  features: string[];
  /** What each transition costs on this model. */
  costs: { vmExit: CostFigure; vmEntry: CostFigure; roundTrip: CostFigure; handler: CostFigure; ioHandler: CostFigure; intN: CostFigure; iret: CostFigure; swTrap: CostFigure };
}

export interface Catalog {
  scenarios: CatalogScenario[];
  cpus: CatalogCpu[];
  defaultCpu: string;
  /** The built-in VMM's exit handlers by basic exit reason: name and what it does to guest state. */
  handlers: Record<number, { name: string; does: string }>;
  /** The platforms a session can run on (SessionSpec.mode): bare (native), guest (VT-x), swvmm (software VMM), bt (binary translation), pv (paravirtualization). */
  modes: SessionMode[];
}

/** What one platform's run of the loaded program printed (for the sensitive-instruction comparison). */
export interface PlatformRun {
  mode: SessionMode;
  ended: SessionEndReason | 'limit' | null;
  console: string;
  error?: string;
}

/** Where Run (fast-forward) stops. */
export type RunTarget =
  | { to: 'end' }
  | { to: 'cycle'; cycle: number }
  | { to: 'kind'; kinds: number[] }
  | { to: 'seq'; seq: number };

export type EngineState = 'empty' | 'paused' | 'playing' | 'running';

export interface EngineError {
  /** Which API call or task failed. */
  where: string;
  message: string;
  stack?: string;
}

export interface EngineStatus {
  spec: SessionSpec | null;
  state: EngineState;
  /** Simulated time per wall-clock time while playing (1 = real time on the model's clock); Infinity = as fast as possible. */
  speed: number;
  position: TimelinePosition;
  /** The simulated time to show: the play clock while playing, else the last event's cycle. */
  clockCycle: number;
  /** Core clock of the CPU model (cycles per simulated second). */
  clockHz: number;
  ended: SessionEndReason | null;
  /** The fast-forward in progress. */
  run: { target: RunTarget; fromSeq: number; fromCycle: number } | null;
  /** Why Play or Run last stopped by itself ('end', 'breakpoint', 'target'), for the UI to say so. */
  lastStop: { reason: 'end' | 'breakpoint' | 'target'; seq: number; pc?: number } | null;
  /** Breakpoints (linear addresses of instructions). */
  breakpoints: number[];
  /** Changes whenever the UI's copy of the event log must be rebuilt (load, seek back, reset, intervention). */
  generation: number;
  error: EngineError | null;
}

export interface DrainResult {
  status: EngineStatus;
  /** Released events the UI has not seen yet (or, after a rebase, the last events up to the position). */
  batch: EventBatch;
  /** The UI must drop its log and start again from this batch. */
  rebase: boolean;
  /** Events released since the last drain that are not in the batch (too many for one frame, or Run mode). */
  skipped: number;
}

export type LoadResult = { ok: true; status: EngineStatus; view: MachineView } | { ok: false; errors: SpecError[] };

/** Pacing of Play: stop for `ms` of wall time after releasing an event of one of `kinds` (so the UI can animate it). */
export interface HoldPolicy {
  kinds: number[];
  ms: number;
}

export interface EngineApi {
  catalog(): Catalog;
  load(spec: SessionSpec): LoadResult;
  play(): EngineStatus;
  pause(): EngineStatus;
  /** Release `n` more events (simulating as needed). */
  step(n: number): EngineStatus;
  /** Go back `n` events (restores a snapshot and re-simulates). */
  stepBack(n: number): EngineStatus;
  /** Fast-forward without per-event animation until the target; cancel with `pause`. */
  runTo(target: RunTarget): EngineStatus;
  /** Go to position `seq` (events released). */
  seek(seq: number): EngineStatus;
  /** Go to the last event at or before a simulated cycle (the scrubber). */
  seekCycle(cycle: number): EngineStatus;
  reset(): EngineStatus;
  setSpeed(speed: number): EngineStatus;
  setHold(policy: HoldPolicy): EngineStatus;
  /** Apply a user action at the current position; forks the timeline. Returns an error message or null. */
  intervene(action: Intervention): { error: string | null; status: EngineStatus };
  /** Events and status since the last drain: call once per animation frame. */
  drain(maxEvents: number): DrainResult;
  status(): EngineStatus;
  inspect(): MachineView | null;
  /** Released events [from, to) for scrolling back in the log. */
  events(from: number, to: number): EventBatch;
  /** Released events as JSON lines (docs/trace-format.md). */
  exportTrace(): string;
  /** The interventions of the current branch (for links). */
  interventions(): { seq: number; action: Intervention }[];
  /** Load with interventions to replay (from a link), then go to `seq`. */
  restoreLink(spec: SessionSpec, interventions: { seq: number; action: Intervention }[], seq: number): LoadResult;
  /** Play and Run stop when the program reaches one of these addresses. */
  setBreakpoints(addresses: number[]): EngineStatus;
  /** The program's listing for the code panel. */
  listing(): ListingRow[];
  /** The current VMCS (null without one) and what the last exit or entry changed. */
  vmcs(): VmcsView | null;
  /** The binary translator's translation cache at the position (bt platform only; null elsewhere). */
  translationCache(): TcListingEntry[] | null;
  /** Every VM exit up to the position (typed arrays). */
  exits(): ExitList;
  /** A preset program's text (null for an unknown id). */
  scenarioSource(id: string): string | null;
  /** Checks a program without running it: header and assembly errors, each with its line and column. */
  checkProgram(source: string): SpecError[];
  /** The loaded program run to its end on every CPU model (no events; for the model comparison). */
  compareModels(): (ModelRun | { cpu: string; error: string })[];
  /**
   * How an address translates at the position under EPT (the Engineer view's EPT walk): the last EPT-violation
   * exit's address (walked against the EPT as it was at the exit), the guest's next instruction, or a typed address.
   */
  translation(req: TranslationRequest): TranslationView;
  /** VMM settings explained on a CPU model, with the prediction of VMLAUNCH's outcome (for the Controls tab). */
  describeSettings(settings: VmmSettings, cpu: string): SettingsReportResult;
  /** The loaded program run to its end on every platform (native, software VMM, VT-x; no events): what each printed. */
  comparePlatforms(): PlatformRun[];
  /** The Software vs hardware lab's workloads, techniques and default cost assumptions on a CPU model (null: unknown model). */
  techniqueDefaults(cpu: string): TechniqueDefaults | null;
  /**
   * One workload run to its end under native, trap-and-emulate, binary translation, paravirtualization, VT-x without and
   * with EPT, one technique per worker task (progress after each); judged against native and costed. A newer call
   * supersedes an older one (which resolves with an error).
   */
  compareTechniques(req: CompareTechniquesRequest, onProgress?: (p: TechniquesProgress) => void): Promise<CompareTechniquesResult>;
  /**
   * The Popek & Goldberg table's demo links: for each sensitive unprivileged instruction, the Rings & VMX position (`t=`)
   * just after it first runs in `sensitive` on the software VMM with this CPU model (src/core/techniques/popek-goldberg.ts).
   */
  sensitiveDemoPositions(cpu: string): DemoPositionsResult;
  /** Every instruction form the core implements, classified by running it at ring 1 (null: unknown CPU model). */
  instructionClasses(cpu: string): InstructionFormClass[] | null;
  /** The Migration lab: one live migration, page by page (src/core/platform/migration), and what its clients see. */
  migrate(req: MigrateRequest): MigrateResponse;
  /** The Migration lab's VMX-core mode: a guest running on the VMX core migrated with its real dirty pages (EPT write protection). */
  migrateVmx(req: VmxMigrateRequest): VmxMigrateResponse;
  /** The Fail-over lab: the replicated SIP PBX after a kill (src/core/platform/failover), as an event timeline. */
  failover(req: FailoverRequest): FailoverResponse;
  /** The Isolation lab's Faults tab: three VMs on the VMX core and the consolidated server, one fault (src/core/isolation). */
  isolationRun(req: IsolationRequest): IsolationResponse;
  /** The Isolation lab's Resources tab: four VMs on the VMX core under round robin or the credit scheduler (src/core/scheduling). */
  resourcesRun(req: ResourcesRequest): ResourcesResponse;
  /** The Security lab's account store (src/worker/security.ts): login, per-VM actions checked and audited, lockout. */
  security(req: SecurityRequest): Promise<SecurityResponse>;
  /** The Security lab's attack surface on a CPU model: the VT-x VMM's exits and hypercalls vs the software VMM's paths. */
  attackSurface(cpu: string): SurfaceResponse;
  /** One guest-escape attempt run on the VMX core (src/core/security/escape.ts). */
  escapeAttempt(id: EscapeId, cpu: string): EscapeResponse;
  /**
   * The Consolidation lab: a PlanetLab day (fetched from `dataUrl`, kept after the first run) replayed with a
   * Beloglazov & Buyya policy (src/core/platform/dynamic), a few intervals per worker task with progress between.
   * A newer call supersedes an older one (which resolves with an error).
   */
  runDynamicDay(req: DynamicDayRequest, onProgress?: (p: DynamicDayProgress) => void): Promise<DynamicDayResult>;
  /** The I/O lab's DMA-remapping tab: one command on the worker's VT-d lab session (src/core/vtd), and the session's view. */
  vtd(cmd: VtdCommand): VtdResponse;
  /** The I/O lab's shared-device tab: SR-IOV virtual functions, their isolation and throughput scaling (src/core/vtd/sriov.ts). */
  sriov(req: SriovRequest): SriovResponse;
  /** The I/O lab's path tab: one request batch through the emulated, paravirtual and assigned paths on the VMX core (src/core/io-path). */
  ioPath(req: IoPathRequest): IoPathResponse;
  /** The I/O lab's overhead tab: VMM share per CPU model and workload, and the transition cost (src/core/io-path/overhead.ts). */
  ioOverhead(): OverheadReport;
}

/** VMM settings explained on one CPU model (src/core/vmm/settings.ts `describeVmmSettings`), as plain data. */
export interface SettingsReport {
  cpu: string;
  /** The settings as given (checked and normalised), explained, with `entryWillFail` and the violations. */
  described: VmmSettingsDescription;
  /** The VMM's own defaults on this model (no settings). */
  defaults: VmmSettingsDescription;
  /** Allowed-0 / allowed-1 settings of each control word, from the capability MSRs VM entry checks
   * (SDM Vol. 3C App. A.3–A.5), in the order pin, primary, secondary, exit, entry. */
  capabilities: ControlCapability[];
}

export type SettingsReportResult = { ok: true; report: SettingsReport } | { ok: false; errors: SpecError[] };
export type { VmmSettings, VmmSettingsDescription, ControlCapability };
export type { TranslationRequest, TranslationView };

// ------------------------------------------------------------------------------------ Software vs hardware lab

export interface CompareTechniquesRequest {
  workload: string;
  cpu: string;
  /** Overrides of the software techniques' cost assumptions (cycles); VT-x costs come from the CPU model. */
  costs?: Partial<TechniqueCosts>;
  /** Cycles one native IN/OUT costs (default: compare.ts nativeIoFigure, an assumption). */
  nativeIo?: number;
}

export interface TechniquesProgress {
  done: number;
  total: number;
  /** The technique running now (null when finished). */
  running: TechniqueId | null;
}

export type DemoPositionsResult = { ok: true; positions: DemoPosition[] } | { ok: false; message: string };
export type { DemoPosition };
export type CompareTechniquesResult = { ok: true; comparison: TechniqueComparison } | { ok: false; errors: SpecError[] };

export interface TechniqueDefaults {
  cpu: string;
  workloads: { id: string; title: string; category: string; description: string; hasPort: boolean }[];
  techniques: TechniqueInfo[];
  assumptions: CostAssumption[];
}

export type { CostAssumption, CostKey, TechniqueComparison, TechniqueCosts, TechniqueId, TechniqueInfo, TechniqueResult, Verdict, EventGroup, DiffHunk };

// ------------------------------------------------------------------------------------ Consolidation lab

export interface DynamicDayRequest {
  /** Policy name as the core parses it: dvfs, npa, thr-mmt-0.8, lr-mmt-1.2, … */
  policy: string;
  /** Absolute URL of the folder holding `DAY.index.json` and `DAY/` (ends with '/'). */
  dataUrl: string;
  /** YYYYMMDD (default 20110303). */
  day?: string;
  /** Seed of the RS selection. */
  seed?: number;
}

export interface DynamicDayProgress {
  phase: 'loading' | 'replaying';
  done: number;
  total: number;
}

export interface DynamicDay {
  day: string;
  policy: string;
  metrics: DynMetrics;
  /** Per 300-s interval (288): hosts running at least one VM, migrations started, mean power W. */
  activeHosts: number[];
  migrations: number[];
  powerW: number[];
  intervalSeconds: number;
  /** Worker time spent replaying (not loading), seconds. */
  replaySeconds: number;
  /**
   * Host of every VM (−1: none) at the start of the day (row 0) and at the end of each interval (row k + 1), row-major
   * with `vmCount` columns: the Consolidation lab's host-by-host day view. Absent from older results.
   */
  hostOfVm?: Int16Array;
  vmCount?: number;
  hostCount?: number;
}

export type DynamicDayResult = { ok: true; day: DynamicDay } | { ok: false; error: string };
export type { DynMetrics };
export type { FailoverRequest, FailoverResponse, MigrateRequest, MigrateResponse };
export type { IsolationRequest, IsolationResponse };
export type { ResourcesRequest, ResourcesResponse };
export type { VmxMigrateRequest, VmxMigrateResponse };
export type { EscapeId, EscapeResponse, SecurityRequest, SecurityResponse, SecurityView, SurfaceResponse };
export type { SriovRequest, SriovResponse, VtdCommand, VtdResponse };
export type { IoPathRequest, IoPathResponse, OverheadReport };
