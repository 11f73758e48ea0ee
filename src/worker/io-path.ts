/**
 * The worker's side of the I/O lab's "I/O path" and "Overhead" tabs (src/core/io-path): validates the form,
 * runs the three paths on the VMX core and returns their traces and the comparison metrics; computes the
 * overhead report once per worker (it runs 16 guest programs, ~1-2 s) and keeps it.
 */
import {
  IO_FIGURES,
  IO_PATHS,
  overheadReport,
  pathMetrics,
  runIoPath,
  validateIoPathParams,
  type IoFigure,
  type IoParamError,
  type IoPathParams,
  type IoPathRun,
  type OverheadReport,
  type PathMetrics,
} from '../core/io-path/index.ts';

export type IoPathRequest = Partial<Record<keyof IoPathParams, unknown>>;
export type IoPathResponse =
  | { ok: true; params: IoPathParams; runs: IoPathRun[]; metrics: PathMetrics[]; figures: readonly IoFigure[] }
  | { ok: false; errors: IoParamError[] };

export function runIoPaths(req: IoPathRequest): IoPathResponse {
  const v = validateIoPathParams(req);
  if (!v.ok) return v;
  const runs = IO_PATHS.map((p) => runIoPath(p, v.params));
  return { ok: true, params: v.params, runs, metrics: runs.map(pathMetrics), figures: IO_FIGURES };
}

let overhead: OverheadReport | null = null;

export function ioOverhead(): OverheadReport {
  if (overhead === null) overhead = overheadReport();
  return overhead;
}

export type { OverheadReport, IoPathRun, PathMetrics, IoFigure, IoPathParams, IoParamError };
