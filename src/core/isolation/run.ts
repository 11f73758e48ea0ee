/**
 * The Isolation lab's one entry point: checks the parameters, runs the three VMs without the fault (the reference)
 * and with it, runs the consolidated server with it, and compares the other VMs with the reference.
 */
import { getCpuModel } from '../cpu-models/index.ts';
import { FAULT_KINDS, type FaultKind } from './faults.ts';
import { runConsolidated } from './consolidated.ts';
import { SERVICE_IDS, SERVICES, type ServiceId } from './programs.ts';
import type { RestartPolicy } from './policy.ts';
import type { IsolationParams, IsolationResult, VirtualizedRun } from './types.ts';
import { MAX_RESTARTS_PER_RUN, runVirtualized } from './virtualized.ts';
import { t } from '../../i18n/t.ts';
import '../../i18n/en/partition.ts';

/**
 * Defaults. Simulated time is short (milliseconds of the core's clock: the emulator runs a few million guest
 * instructions per second), so the VMM's time slice, the watchdog and the restart delay are scaled down with it.
 * All three are model assumptions the UI labels and lets the user change. For scale: Xen's credit scheduler
 * slices 30 ms by default (xenbits.xen.org/docs/unstable/man/xl.1.html, `sched-credit -t`), a VM's guest boots
 * in seconds.
 */
export const ISOLATION_DEFAULTS: IsolationParams = {
  cpu: 'nehalem',
  fault: 'triple-fault',
  target: 'pbx',
  durationMs: 2,
  faultAtMs: 0.5,
  sliceMs: 0.05,
  watchdogMs: 0.25,
  restartDelayMs: 0.25,
  // ACRN's device model: 100 000 interrupts per 10-s monitor period = 10 000/s (commit 99ed5469, monitor.c).
  stormPerSecond: 10_000,
  policy: { kind: 'on-failure', maxRestarts: 3 },
  recurring: false,
};

export const LIMITS = {
  durationMs: [0.2, 8],
  sliceMs: [0.005, 1],
  restartDelayMs: [0, 8],
} as const;

export type IsolationField = keyof IsolationParams | 'policy.maxRestarts';
export type ParamsCheck = { ok: true; params: IsolationParams } | { ok: false; field: IsolationField; message: string };

const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Validates a request (from the worker boundary: anything may arrive). */
export function checkIsolationParams(input: unknown): ParamsCheck {
  if (typeof input !== 'object' || input === null) return { ok: false, field: 'cpu', message: t('partition.isoRun.parametersMustBeAn') };
  const r = input as Record<string, unknown>;
  if (typeof r.cpu !== 'string' || getCpuModel(r.cpu) === undefined) return { ok: false, field: 'cpu', message: t('partition.isoRun.unknownCpuModel', { string: String(r.cpu) }) };
  if (r.fault !== 'none' && !FAULT_KINDS.includes(r.fault as FaultKind)) return { ok: false, field: 'fault', message: t('partition.isoRun.unknownFault', { string: String(r.fault) }) };
  if (!SERVICE_IDS.includes(r.target as ServiceId)) return { ok: false, field: 'target', message: t('partition.isoRun.unknownTargetVm', { string: String(r.target) }) };
  const [dLo, dHi] = LIMITS.durationMs;
  if (!num(r.durationMs) || r.durationMs < dLo || r.durationMs > dHi) return { ok: false, field: 'durationMs', message: t('partition.isoRun.runLengthMustBe', { dLo, dHi }) };
  if (!num(r.faultAtMs) || r.faultAtMs <= 0 || r.faultAtMs >= r.durationMs) return { ok: false, field: 'faultAtMs', message: t('partition.isoRun.theFaultMustCome', { durationMs: r.durationMs }) };
  const [sLo, sHi] = LIMITS.sliceMs;
  if (!num(r.sliceMs) || r.sliceMs < sLo || r.sliceMs > sHi) return { ok: false, field: 'sliceMs', message: t('partition.isoRun.timeSliceMustBe', { sLo, sHi }) };
  // A healthy VM waits (VMs − 1) slices for its turn; a timeout shorter than three slices would fire on it.
  if (!num(r.watchdogMs) || r.watchdogMs < 3 * r.sliceMs || r.watchdogMs > r.durationMs) {
    return { ok: false, field: 'watchdogMs', message: t('partition.isoRun.watchdogTimeoutMustBe', { threeSlices: +(3 * r.sliceMs).toFixed(4) }) };
  }
  const [rLo, rHi] = LIMITS.restartDelayMs;
  if (!num(r.restartDelayMs) || r.restartDelayMs < rLo || r.restartDelayMs > rHi) return { ok: false, field: 'restartDelayMs', message: t('partition.isoRun.restartDelayMustBe', { rLo, rHi }) };
  if (!num(r.stormPerSecond) || r.stormPerSecond < 100 || r.stormPerSecond > 10_000_000) return { ok: false, field: 'stormPerSecond', message: t('partition.isoRun.stormThresholdMustBe') };
  const p = r.policy as Record<string, unknown> | null;
  let policy: RestartPolicy;
  if (typeof p !== 'object' || p === null) return { ok: false, field: 'policy', message: t('partition.isoRun.restartPolicyMissing') };
  if (p.kind === 'never' || p.kind === 'always') policy = { kind: p.kind };
  else if (p.kind === 'on-failure') {
    if (!Number.isInteger(p.maxRestarts) || (p.maxRestarts as number) < 0 || (p.maxRestarts as number) > MAX_RESTARTS_PER_RUN) {
      return { ok: false, field: 'policy.maxRestarts', message: t('partition.isoRun.restartLimitMustBe', { maxRestartsPerRun: MAX_RESTARTS_PER_RUN }) };
    }
    policy = { kind: 'on-failure', maxRestarts: p.maxRestarts as number };
  } else return { ok: false, field: 'policy', message: t('partition.isoRun.unknownRestartPolicy', { string: String(p.kind) }) };
  if (typeof r.recurring !== 'boolean') return { ok: false, field: 'recurring', message: t('partition.isoRun.recurringMustBeTrue') };
  return {
    ok: true,
    params: {
      cpu: r.cpu,
      fault: r.fault as FaultKind | 'none',
      target: r.target as ServiceId,
      durationMs: r.durationMs,
      faultAtMs: r.faultAtMs,
      sliceMs: r.sliceMs,
      watchdogMs: r.watchdogMs,
      restartDelayMs: r.restartDelayMs,
      stormPerSecond: r.stormPerSecond,
      policy,
      recurring: r.recurring,
    },
  };
}

/** Whether two console texts agree: one is a prefix of the other (a longer run printed more of the same). */
export function consolesAgree(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** The reference run for a set-up: the fault-free VMs depend only on the CPU, the run length and the slice. */
export function baselineParams(p: IsolationParams): IsolationParams {
  return { ...p, fault: 'none' };
}

/** Runs everything; `baseline` may be passed in when the caller keeps one (the worker caches it per set-up). */
export function runIsolation(p: IsolationParams, baseline?: VirtualizedRun): IsolationResult {
  const base = baseline ?? runVirtualized(baselineParams(p));
  const virtualized = p.fault === 'none' ? base : runVirtualized(p);
  const consolidated = runConsolidated(p);
  const endB = base.samples[base.samples.length - 1].progress;
  const endV = virtualized.samples[virtualized.samples.length - 1].progress;
  return {
    params: p,
    services: SERVICE_IDS.map((id) => ({ id, label: SERVICES[id].label, guestOs: SERVICES[id].guestOs, unit: SERVICES[id].unit, tag: SERVICES[id].tag })),
    clockHz: getCpuModel(p.cpu)!.coreClockHz,
    baseline: base,
    virtualized,
    consolidated,
    vmProgressRatio: endV.map((v, k) => (endB[k] > 0 ? v / endB[k] : 1)),
    vmOutputIntact: virtualized.consoles.map((c, k) => consolesAgree(c, base.consoles[k])),
  };
}
