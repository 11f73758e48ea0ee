/**
 * The Faults tab's view model: the form's fields checked one by one (the message goes beside the field), the
 * cause-and-effect chain in words, and the marks on the progress lanes. Pure functions of the worker's result.
 */
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
  const t = text.trim().replace(/[_\s]/g, '');
  if (t === '') return { ok: false, message: 'Enter a number.' };
  const r = RANGES[f];
  if (r.int === true ? !/^\d+$/.test(t) : !/^\d*\.?\d+$/.test(t)) return { ok: false, message: r.int === true ? 'Enter a whole number (digits only).' : 'Enter a number such as 0.25.' };
  const v = Number(t);
  if (v < r.lo || v > r.hi) return { ok: false, message: `Must be ${r.lo} … ${r.hi.toLocaleString('en-US')}${r.unit !== '' ? ` ${r.unit}` : ''}.` };
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
  return `VM exit ${e.reason} (${e.name})`;
}

/** The chain of cause and effect on the virtualized platform, one step per item. */
export function vmCausality(r: IsolationResult): string[] {
  const p = r.params;
  if (p.fault === 'none') return ['No fault injected: three VMs share the processor in time slices.'];
  const k = r.services.findIndex((s) => s.id === p.target);
  const v = r.virtualized;
  const name = `VM${k + 1}`;
  const steps: string[] = [`${vmName(r, k)}, a ${r.services[k].guestOs} guest, ${FAULTS[p.fault].does}.`];
  const det = detectionEvent(v);
  if (det === undefined) {
    steps.push(`Not detected before the end of the run (${p.durationMs} ms): make the run longer or inject the fault earlier.`);
    return steps;
  }
  const ex = det.exit;
  if (det.kind === 'vm-exit' && ex !== undefined) {
    steps.push(`${exitLabel(ex)} at ${fmtMs(ex.tMs)}${ex.reason === 48 || ex.reason === 0 ? ` — ${ex.qualificationSummary}${ex.guestPhysical !== null ? ` at guest-physical 0x${ex.guestPhysical.toString(16).toUpperCase()}` : ''}` : ''}.`);
  } else if (det.kind === 'watchdog') {
    steps.push(
      `No VM exit reports it: the VMM still gets the processor back at every slice end (${v.tickExit === 52 ? 'VM exit 52, VMX-preemption timer expired' : 'VM exit 1, the host timer’s external interrupt'}), and its watchdog saw no heartbeat for ${p.watchdogMs} ms (at ${fmtMs(det.tMs)}).`,
    );
  } else {
    steps.push(`The VMM’s storm monitor at ${fmtMs(det.tMs)}: ${det.text.replace(/^.*?storm monitor — /, '')}.`);
  }
  steps.push(`The VMM marked ${name} failed and stopped it: its vCPU is never scheduled again; the other VMs keep their slices and their memory.`);
  const restarted = v.events.filter((e) => e.kind === 'restarted' && e.lane === k);
  const off = v.events.find((e) => e.kind === 'stays-off' && e.lane === k);
  if (restarted.length > 0) {
    steps.push(`Restart policy ${describePolicy(p.policy)}: ${name} restarted at ${restarted.map((e) => fmtMs(e.tMs)).join(', ')}${off !== undefined ? `; then ${off.text.replace(/^VM\d \([^)]*\): /, '')}` : ''}.`);
  } else if (off !== undefined) {
    steps.push(`${off.text.replace(/^VM\d \([^)]*\): /, 'Restart policy: ').replace(/^restart policy/, 'Restart policy')}.`);
  } else {
    steps.push(`Restart policy ${describePolicy(p.policy)}: a restart was due after the end of the run.`);
  }
  const others = r.services.map((_, j) => j).filter((j) => j !== k);
  const kept = others.map((j) => `${vmName(r, j)} ${pct(r.vmProgressRatio[j])}`).join(', ');
  const intact = others.every((j) => r.vmOutputIntact[j]);
  steps.push(`Meanwhile the other VMs kept running — work done against the fault-free run: ${kept}${intact ? '; their console output is identical' : '; their console output DIFFERS'}.`);
  return steps;
}

/** The same fault on the consolidated server, in words. */
export function serverCausality(r: IsolationResult): string[] {
  const p = r.params;
  if (p.fault === 'none') return ['No fault injected: one kernel runs all three services in turn.'];
  const k = r.services.findIndex((s) => s.id === p.target);
  const c = r.consolidated;
  const steps = [`The ${r.services[k].label}’s code — kernel-mode code in the one shared kernel — ${FAULTS[p.fault].does}.`];
  const down = c.events.find((e) => e.kind === 'server-down' || e.kind === 'stalled');
  if (down === undefined) steps.push('The server was still running at the end of the run.');
  else {
    const t = down.text.replace(/^Server down: /, '');
    steps.push(`${t.charAt(0).toUpperCase()}${t.slice(1)} (at ${fmtMs(down.tMs)})`);
  }
  const panic = /Kernel panic - not syncing: [^\n]*/.exec(c.console);
  if (panic !== null) steps.push(`Console: “${panic[0]}”.`);
  steps.push(c.end === 'running' ? 'The services kept running.' : 'Every service is down: there is no VMM to contain the fault and nothing left to restart one service on its own.');
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
    if (e.kind === 'fault-injected') out.push({ t: e.tMs, lane: e.lane, kind: 'fault', label: 'fault' });
    else if (e.kind === 'vm-exit' && e.exit !== undefined) out.push({ t: e.tMs, lane: e.lane, kind: 'detect', label: `exit ${e.exit.reason}` });
    else if (e.kind === 'watchdog') out.push({ t: e.tMs, lane: e.lane, kind: 'detect', label: 'watchdog' });
    else if (e.kind === 'storm') out.push({ t: e.tMs, lane: e.lane, kind: 'detect', label: 'storm' });
    else if (e.kind === 'restarted') out.push({ t: e.tMs, lane: e.lane, kind: 'restart', label: 'restart' });
  }
  return out;
}

export function serverMarks(r: IsolationResult): LaneMark[] {
  const out: LaneMark[] = [];
  for (const e of r.consolidated.events) {
    if (e.kind === 'fault-injected') out.push({ t: e.tMs, lane: e.lane, kind: 'fault', label: 'fault' });
    else if (e.kind === 'server-down') out.push({ t: e.tMs, lane: -1, kind: 'down', label: 'server down' });
    else if (e.kind === 'stalled') out.push({ t: e.tMs, lane: -1, kind: 'down', label: 'all stalled' });
  }
  return out;
}

/** A lane's state at the end in words ("running", "off — restarted 2×"). */
export function laneEnd(run: VirtualizedRun, k: number): string {
  const s = run.final[k];
  const n = run.restarts[k];
  const again = n > 0 ? ` (↻ ${n}×)` : '';
  return s === 'running' ? `running${again}` : s === 'restarting' ? `restarting${again}` : s === 'off' ? `off${again}` : `failed${again}`;
}
