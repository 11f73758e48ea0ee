/**
 * The Isolation lab's parameters and results: plain data (no class instances), so a result can cross the worker
 * boundary, be stored and be compared in tests.
 */
import type { FaultKind } from './faults.ts';
import type { ServiceId } from './programs.ts';
import type { RestartPolicy } from './policy.ts';

export interface IsolationParams {
  /** CPU model id (src/core/cpu-models). */
  cpu: string;
  fault: FaultKind | 'none';
  target: ServiceId;
  /** Simulated milliseconds on the core's clock. */
  durationMs: number;
  faultAtMs: number;
  /** Model assumptions (the UI labels them so): the VMM's time slice, the watchdog's timeout, the restart delay. */
  sliceMs: number;
  watchdogMs: number;
  restartDelayMs: number;
  /** Storm monitor threshold: injected virtual interrupts per second (assumption). */
  stormPerSecond: number;
  policy: RestartPolicy;
  /** The bug hits again `faultAtMs` after every restart (a persistent bug), so the policy's limit matters. */
  recurring: boolean;
}

export type LaneState = 'running' | 'failed' | 'off' | 'restarting';

export interface ProgressSample {
  /** Simulated ms. */
  t: number;
  /** Units of work done so far by each service (summed over restarts), in SERVICE_IDS order. */
  progress: number[];
  state: LaneState[];
}

export interface ExitReport {
  /** Basic exit reason (bits 15:0 of the exit-reason field, SDM Vol. 3C §24.9.1). */
  reason: number;
  name: string;
  qualification: number;
  /** Decoded qualification, one line, and its fields (SDM Vol. 3C §27.2.1). */
  qualificationSummary: string;
  qualificationParts: { name: string; bits: string; value: number; meaning: string }[];
  /** Guest-physical address (VMCS 0x2400) for EPT violations, else null. */
  guestPhysical: number | null;
  guestEip: number;
  tMs: number;
}

export type IsolationEventKind = 'fault-injected' | 'vm-exit' | 'watchdog' | 'storm' | 'contained' | 'restart-scheduled' | 'restarted' | 'stays-off' | 'server-down' | 'stalled';

export interface IsolationEvent {
  tMs: number;
  /** Index into SERVICE_IDS, or -1 for the whole server. */
  lane: number;
  kind: IsolationEventKind;
  text: string;
  exit?: ExitReport;
}

export interface VirtualizedRun {
  samples: ProgressSample[];
  events: IsolationEvent[];
  /** Per service: console text (all incarnations; a restart adds a marker line). */
  consoles: string[];
  /** Per service: VM exits by basic reason over the whole run (all incarnations). */
  exitsByReason: Record<number, number>[];
  /** Per service: exits by reason from the fault to its detection (the target only; others empty). */
  exitsDuringFault: Record<number, number>;
  restarts: number[];
  /** Per service: final state. */
  final: LaneState[];
  /** How the VMM regained control on this CPU model: 52 (VMX-preemption timer) or 1 (external interrupt). */
  tickExit: number;
  /** Whether guest memory is bounded by EPT (else shadow paging). */
  ept: boolean;
  /** Guest instructions the core executed. */
  instructions: number;
}

export interface ConsolidatedRun {
  samples: ProgressSample[];
  events: IsolationEvent[];
  console: string;
  /** How the run ended: 'running' (to the end), 'halted' (kernel panic), 'shutdown' (triple fault), 'stalled'. */
  end: 'running' | 'halted' | 'shutdown' | 'stalled';
  instructions: number;
}

export interface IsolationResult {
  params: IsolationParams;
  services: { id: ServiceId; label: string; guestOs: string; unit: string; tag: string }[];
  clockHz: number;
  /** The same VMs with no fault: the reference the faulted run's other VMs are compared with. */
  baseline: VirtualizedRun;
  virtualized: VirtualizedRun;
  consolidated: ConsolidatedRun;
  /** Per service: progress at the end, faulted run / fault-free run (1 = unaffected). */
  vmProgressRatio: number[];
  /** Per service: whether its console output agrees with the fault-free run (one is a prefix of the other). */
  vmOutputIntact: boolean[];
}
