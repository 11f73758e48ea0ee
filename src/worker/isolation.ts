/**
 * The worker's side of the Isolation lab's Faults tab: the request checked (src/core/isolation/run.ts), the three
 * runs on the core (fault-free VMs, faulted VMs, the consolidated server) in one task. The fault-free run depends
 * only on the CPU model, the run length and the slice, so the last few are kept.
 */
import { baselineParams, checkIsolationParams, runIsolation, runVirtualized, type IsolationField, type IsolationParams, type IsolationResult, type VirtualizedRun } from '../core/isolation/index.ts';

export type IsolationRequest = IsolationParams;
export type IsolationResponse = { ok: true; result: IsolationResult; workerMs: number } | { ok: false; field: IsolationField; message: string };

const KEEP = 4;
const baselines = new Map<string, VirtualizedRun>();

function baselineFor(p: IsolationParams): VirtualizedRun {
  const key = `${p.cpu}|${p.durationMs}|${p.sliceMs}`;
  const known = baselines.get(key);
  if (known !== undefined) return known;
  const b = runVirtualized(baselineParams(p));
  baselines.set(key, b);
  if (baselines.size > KEEP) baselines.delete(baselines.keys().next().value!);
  return b;
}

export function runIsolationLab(req: IsolationRequest, now: () => number = () => 0): IsolationResponse {
  const c = checkIsolationParams(req);
  if (!c.ok) return c;
  const t0 = now();
  const result = runIsolation(c.params, baselineFor(c.params));
  return { ok: true, result, workerMs: now() - t0 };
}
