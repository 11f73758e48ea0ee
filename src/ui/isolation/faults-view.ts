/**
 * The Faults tab's view model: the form's fields checked one by one (the message goes beside the field), the
 * cause-and-effect chain in words, and the marks on the progress lanes. Pure functions of the worker's result.
 */
import '../../i18n/en/isolation.ts';
import { t } from '../../i18n/t.ts';
import { FAULTS, describePolicy, type IsolationEvent, type IsolationResult, type VirtualizedRun } from '../../core/isolation/index.ts';

export type NumField = 'durationMs' | 'faultAtMs' | 'sliceMs' | 'watchdogMs' | 'restartDelayMs' | 'stormPerSecond' | 'maxRestarts';

const RANGES: Record<NumField, { lo: number; hi: number; int?: boolean; unit: string }> = {
  durationMs: { lo: 0.2, hi: 8, unit: 'ms' },
  faultAtMs: { lo: 0.01, hi: 8, unit: 'ms' },
  sliceMs: { lo: 0.005, hi: 1, unit: 'ms' },
  watchdogMs: { lo: 0.015, hi: 8, unit: 'ms' },
  restartDelayMs: { lo: 0, hi: 8, unit: 'ms' },
  stormPerSecond: { lo: 100, hi: 10_000_000, int: true, unit: '/s' },
  maxRestarts: { lo: 0, hi: 6, int: true, unit: '' },
};

/** One field's text → its number, or the message to show beside it. */
export function checkNumField(f: NumField, text: string): { ok: true; value: number } | { ok: false; message: string } {
  const s = text.trim().replace(/[_\s]/g, '');
  if (s === '') return { ok: false, message: t('isolation.faults.enterANumber') };
  const r = RANGES[f];
  if (r.int === true ? !/^\d+$/.test(s) : !/^\d*\.?\d+$/.test(s)) return { ok: false, message: r.int === true ? t('isolation.faults.enterAWholeNumber') : t('isolation.faults.enterANumberSuch') };
  const v = Number(s);
  if (v < r.lo || v > r.hi) return { ok: false, message: t('isolation.faults.mustBe', { lo: r.lo, hi: r.hi.toLocaleString('en-US'), unit: r.unit !== '' ? ` ${r.unit}` : '' }) };
  return { ok: true, value: v };
}

export const vmName = (r: IsolationResult, k: number): string => `VM${k + 1} (${r.services[k].label})`;

export const fmtMs = (t: number): string => `${t.toFixed(3)} ms`;
export const pct = (x: number): string => `${Math.round(x * 100)} %`;

/** The event that reported the fault on the VM side: a VM exit, the watchdog or the storm monitor (first one). */
export function detectionEvent(run: VirtualizedRun): IsolationEvent | undefined {
  return run.events.find((e) => e.kind === 'vm-exit' || e.kind === 'watchdog' || e.kind === 'storm');
}

export function exitLabel(e: { reason: number; name: string }): string {
  return t('isolation.faults.vmExit', { reason: e.reason, name: e.name });
}

/** The chain of cause and effect on the virtualized platform, one step per item. */
export function vmCausality(r: IsolationResult): string[] {
  const p = r.params;
  if (p.fault === 'none') return [t('isolation.faults.noFaultInjectedThree')];
  const k = r.services.findIndex((s) => s.id === p.target);
  const v = r.virtualized;
  const name = `VM${k + 1}`;
  const steps: string[] = [t('isolation.faults.chainStart', { vm: vmName(r, k), os: r.services[k].guestOs, does: FAULTS[p.fault].does })];
  const det = detectionEvent(v);
  if (det === undefined) {
    steps.push(t('isolation.faults.notDetectedBeforeThe', { durationMs: p.durationMs }));
    return steps;
  }
  const ex = det.exit;
  if (det.kind === 'vm-exit' && ex !== undefined) {
    steps.push(t('isolation.faults.exitAt', { exit: exitLabel(ex), at: fmtMs(ex.tMs), detail: `${ex.reason === 48 || ex.reason === 0 ? ` — ${ex.qualificationSummary}${ex.guestPhysical !== null ? ' ' + t('isolation.faults.atGuestPhysical0x', { address: ex.guestPhysical.toString(16).toUpperCase() }) : ''}` : ''}` }));
  } else if (det.kind === 'watchdog') {
    steps.push(
      t('isolation.faults.noVmExitReports', { tickExit: v.tickExit === 52 ? t('isolation.faults.vmExit52Vmx') : t('isolation.faults.vmExit1The'), watchdogMs: p.watchdogMs, tMs: fmtMs(det.tMs) }),
    );
  } else {
    steps.push(t('isolation.faults.theVmmSStorm', { at: fmtMs(det.tMs), what: det.text.replace(/^.*?storm monitor — /, '') }));
  }
  steps.push(t('isolation.faults.theVmmMarkedFailed', { name }));
  const restarted = v.events.filter((e) => e.kind === 'restarted' && e.lane === k);
  const off = v.events.find((e) => e.kind === 'stays-off' && e.lane === k);
  if (restarted.length > 0) {
    steps.push(t('isolation.faults.restartPolicyRestartedAt', { policy: describePolicy(p.policy), name, at: restarted.map((e) => fmtMs(e.tMs)).join(', '), off: off !== undefined ? t('isolation.faults.thenOff', { what: off.text.replace(/^VM\d \([^)]*\): /, '') }) : '' }));
  } else if (off !== undefined) {
    steps.push(`${off.text.replace(/^VM\d \([^)]*\): /, 'Restart policy: ').replace(/^restart policy/, 'Restart policy')}.`);
  } else {
    steps.push(t('isolation.faults.restartPolicyARestart', { policy: describePolicy(p.policy) }));
  }
  const others = r.services.map((_, j) => j).filter((j) => j !== k);
  const kept = others.map((j) => `${vmName(r, j)} ${pct(r.vmProgressRatio[j])}`).join(', ');
  const intact = others.every((j) => r.vmOutputIntact[j]);
  steps.push(t('isolation.faults.meanwhileTheOtherVms', { kept, intact: intact ? t('isolation.faults.theirConsoleOutputIs') : t('isolation.faults.theirConsoleOutputDiffers') }));
  return steps;
}

/**
 * One short sentence for the live region (issue 8: "screen-reader narration of each event"): the fault injected,
 * what reported it, what the VMM did, and that the other VMs were not affected — the chain vmCausality spells out.
 */
export function faultSentence(r: IsolationResult): string {
  const p = r.params;
  if (p.fault === 'none') return t('isolation.faults.sayNoFault', { ms: p.durationMs });
  const k = r.services.findIndex((s) => s.id === p.target);
  const v = r.virtualized;
  const vm = vmName(r, k);
  const fault = FAULTS[p.fault].label;
  const det = detectionEvent(v);
  if (det === undefined) return t('isolation.faults.sayUndetected', { fault, vm, ms: p.durationMs });
  const detect =
    det.kind === 'vm-exit' && det.exit !== undefined
      ? t('isolation.faults.sayExit', { exit: exitLabel(det.exit), at: fmtMs(det.exit.tMs) })
      : det.kind === 'watchdog'
        ? t('isolation.faults.sayWatchdog', { at: fmtMs(det.tMs) })
        : t('isolation.faults.sayStorm', { at: fmtMs(det.tMs) });
  const restarted = v.events.filter((e) => e.kind === 'restarted' && e.lane === k);
  const off = v.events.some((e) => e.kind === 'stays-off' && e.lane === k);
  const restart =
    restarted.length > 0
      ? t('isolation.faults.sayRestarted', { at: restarted.map((e) => fmtMs(e.tMs)).join(', ') })
      : off
        ? t('isolation.faults.sayStaysOff')
        : t('isolation.faults.sayRestartLater');
  const intact = r.services.every((_, j) => j === k || r.vmOutputIntact[j]);
  return t(intact ? 'isolation.faults.sayFault' : 'isolation.faults.sayFaultDiffers', {
    fault,
    vm,
    detect,
    restart,
    server: r.consolidated.end === 'running' ? t('isolation.faults.sayServerRuns') : t('isolation.faults.sayServerDown'),
  });
}

/** The same fault on the consolidated server, in words. */
export function serverCausality(r: IsolationResult): string[] {
  const p = r.params;
  if (p.fault === 'none') return [t('isolation.faults.noFaultInjectedOne')];
  const k = r.services.findIndex((s) => s.id === p.target);
  const c = r.consolidated;
  const steps = [t('isolation.faults.theSCodeKernel', { label: r.services[k].label, does: FAULTS[p.fault].does })];
  const down = c.events.find((e) => e.kind === 'server-down' || e.kind === 'stalled');
  if (down === undefined) steps.push(t('isolation.faults.theServerWasStill'));
  else {
    const what = down.text.replace(/^Server down: /, '');
    steps.push(t('isolation.faults.serverDownAt', { what: `${what.charAt(0).toUpperCase()}${what.slice(1)}`, at: fmtMs(down.tMs) }));
  }
  const panic = /Kernel panic - not syncing: [^\n]*/.exec(c.console);
  if (panic !== null) steps.push(t('isolation.faults.consoleLine', { line: panic[0] }));
  steps.push(c.end === 'running' ? t('isolation.faults.theServicesKeptRunning') : t('isolation.faults.serverNoVmm'));
  return steps;
}

export interface LaneMark {
  t: number;
  /** -1: every lane. */
  lane: number;
  kind: 'fault' | 'detect' | 'restart' | 'off' | 'down';
  label: string;
}

export function vmMarks(run: VirtualizedRun): LaneMark[] {
  const out: LaneMark[] = [];
  for (const e of run.events) {
    if (e.kind === 'fault-injected') out.push({ t: e.tMs, lane: e.lane, kind: 'fault', label: t('isolation.faults.markFault') });
    else if (e.kind === 'vm-exit' && e.exit !== undefined) out.push({ t: e.tMs, lane: e.lane, kind: 'detect', label: t('isolation.faults.markExit', { reason: e.exit.reason }) });
    else if (e.kind === 'watchdog') out.push({ t: e.tMs, lane: e.lane, kind: 'detect', label: t('isolation.faults.watchdog') });
    else if (e.kind === 'storm') out.push({ t: e.tMs, lane: e.lane, kind: 'detect', label: t('isolation.faults.markStorm') });
    else if (e.kind === 'restarted') out.push({ t: e.tMs, lane: e.lane, kind: 'restart', label: t('isolation.faults.markRestart') });
  }
  return out;
}

export function serverMarks(r: IsolationResult): LaneMark[] {
  const out: LaneMark[] = [];
  for (const e of r.consolidated.events) {
    if (e.kind === 'fault-injected') out.push({ t: e.tMs, lane: e.lane, kind: 'fault', label: t('isolation.faults.markFault') });
    else if (e.kind === 'server-down') out.push({ t: e.tMs, lane: -1, kind: 'down', label: t('isolation.faults.serverDown') });
    else if (e.kind === 'stalled') out.push({ t: e.tMs, lane: -1, kind: 'down', label: t('isolation.faults.allStalled') });
  }
  return out;
}

/** A lane's state at the end in words ("running", "off — restarted 2×"). */
export function laneEnd(run: VirtualizedRun, k: number): string {
  const s = run.final[k];
  const n = run.restarts[k];
  const again = n > 0 ? ` (↻ ${n}×)` : '';
  return (s === 'running' ? t('isolation.faults.endRunning') : s === 'restarting' ? t('isolation.faults.endRestarting') : s === 'off' ? t('isolation.faults.endOff') : t('isolation.faults.endFailed')) + again;
}
