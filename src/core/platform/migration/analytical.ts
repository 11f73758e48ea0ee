/**
 * The analytical pre-copy model of usage-models.md §B4 (Liu et al. HPDC'11 / Cluster Comput. 2013;
 * Akoush et al. MASCOTS 2010), as a separate function to check the page-level engine against.
 *
 * Notation (§B4): M memory, R bandwidth, D dirtying rate, lambda = D/R, V_thd stop threshold, n_max round
 * cap, T_res resume overhead; with a writable working set W the dirtied data per round saturates:
 * V_i = min(D x T_{i-1}, W) (Akoush/Clark refinement, §B4).
 */
import {
  CLARK_THRESHOLD_BYTES,
  clarkDefaults,
  defaultRoundCap,
  QEMU_DOWNTIME_LIMIT_S,
  XEN_MAX_FACTOR,
  XEN_MIN_PAGES,
  type StopRuleName,
} from './params.ts';
import { PAGE_SIZE } from './units.ts';

export interface AnalyticalInput {
  memoryBytes: number;
  bandwidthBytesPerSecond: number;
  dirtyBytesPerSecond: number;
  wwsBytes?: number;
  rule: StopRuleName;
  downtimeLimitSeconds?: number;
  maxRounds?: number;
  resumeSeconds?: number;
}

export interface AnalyticalResult {
  /** Pre-copy rounds including the first full copy (§B4 "Rounds"). */
  rounds: number;
  totalSeconds: number;
  downtimeMs: number;
  bytesSent: number;
  converged: boolean;
  lambda: number;
}

/**
 * The §B4 recurrence evaluated round by round on continuous quantities (no pages), with each rule's stop
 * test applied after each round to the next dirty set, exactly as §B4 states the vector rules.
 */
export function analyticalPrecopy(a: AnalyticalInput): AnalyticalResult {
  const M = a.memoryBytes;
  const R = a.bandwidthBytesPerSecond;
  const D = a.dirtyBytesPerSecond;
  const W = Math.min(a.wwsBytes ?? M, M);
  const cap = a.maxRounds ?? defaultRoundCap(a.rule);
  const limit = a.downtimeLimitSeconds ?? QEMU_DOWNTIME_LIMIT_S;
  const Tres = a.resumeSeconds ?? 0;
  const cd = clarkDefaults();
  let rate = a.rule === 'clark' ? Math.min(cd.min, R) : R;
  let V = M; // V_0 = M
  let sent = 0;
  let t = 0;
  let rounds = 0;
  let converged = false;
  for (;;) {
    const T = V / rate; // T_i = V_i / R
    t += T;
    sent += V;
    rounds++;
    const next = Math.min(D * T, W); // V_{i+1} = min(D x T_i, W)
    let stop = false;
    if (a.rule === 'qemu') {
      if (next <= R * limit) (stop = true), (converged = true);
    } else if (a.rule === 'xen') {
      if (next < XEN_MIN_PAGES * PAGE_SIZE) (stop = true), (converged = true);
      else if (rounds >= cap || sent > XEN_MAX_FACTOR * M) stop = true;
    } else {
      const nextRate = next / T + cd.inc;
      if (next < CLARK_THRESHOLD_BYTES) (stop = true), (converged = true);
      else if (nextRate > R) stop = true;
      else rate = nextRate;
    }
    if (!stop && rounds >= cap) stop = true;
    if (stop) {
      const copy = next / R; // T_down = V_n / R + T_res
      return { rounds, totalSeconds: t + copy + Tres, downtimeMs: (copy + Tres) * 1000, bytesSent: sent + next, converged, lambda: D / R };
    }
    V = next;
  }
}

/**
 * The closed forms of §B4 for a threshold rule (QEMU: V_thd = R x downtime limit; Clark: 256 KB; Xen: 50
 * pages) and lambda < 1, without the Xen 3 x M cap and without a WWS:
 *   n = min(ceil(log(V_thd / M) / log(lambda)), n_max)   (at least 1: the full copy)
 *   V_mig = M (1 - lambda^(n+1)) / (1 - lambda);  T_down = M lambda^n / R + T_res;  T_mig = V_mig / R + T_res.
 */
export function closedFormPrecopy(M: number, R: number, D: number, vThd: number, nMax: number, Tres = 0): AnalyticalResult {
  const lambda = D / R;
  if (lambda >= 1) return { rounds: nMax, totalSeconds: Infinity, downtimeMs: Infinity, bytesSent: Infinity, converged: false, lambda };
  const raw = lambda === 0 ? 1 : Math.ceil(Math.log(vThd / M) / Math.log(lambda));
  const n = Math.min(Math.max(1, raw), nMax);
  const vMig = lambda === 0 ? M : (M * (1 - lambda ** (n + 1))) / (1 - lambda);
  const vn = M * lambda ** n;
  return { rounds: n, totalSeconds: vMig / R + Tres, downtimeMs: (vn / R + Tres) * 1000, bytesSent: vMig, converged: n === Math.max(1, raw), lambda };
}
