/**
 * PlanetLab CPU traces in the CloudSim layout (../shared/reference/usage-models.md §A1): one text file per VM,
 * one integer per line (CPU utilisation in % of the VM's MIPS), 288 lines at 300 s. CloudSim reads them into
 * 289 doubles (value / 100, element 288 = element 287) and interpolates linearly between the samples
 * (`UtilizationModelPlanetLabInMemory`, §A1). VMs are taken in byte order of the file names (§A6).
 */
import '../../../i18n/en/platform.ts';
import { t } from '../../../i18n/t.ts';
import { SCHEDULING_INTERVAL } from './config.ts';

/** §A1: samples per file. */
export const SAMPLES_PER_DAY = 288;
/** §A1: CloudSim's array length (288 samples + a copy of the last). */
export const TRACE_LENGTH = SAMPLES_PER_DAY + 1;

export interface TraceFile {
  readonly name: string;
  readonly text: string;
}

export interface TraceSet {
  /** File names in byte order; VM i runs trace names[i]. */
  readonly names: readonly string[];
  /** Utilisation fractions, VM-major: data[i * TRACE_LENGTH + k]. */
  readonly data: Float64Array;
}

export type TraceResult = { ok: true; traces: TraceSet } | { ok: false; error: string };

/**
 * Byte order of the UTF-8 encodings, which is code-point order (Java `String.compareTo` order for the ASCII
 * names of the PlanetLab folders, §A6).
 */
export function compareBytes(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(j) as number;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return (a.length - i) - (b.length - j);
}

/** Parses one trace file as CloudSim does: the first 288 lines, each an integer percentage (§A1). */
export function parseTrace(text: string, out: Float64Array, offset: number): string | null {
  let pos = 0;
  for (let k = 0; k < SAMPLES_PER_DAY; k++) {
    if (pos >= text.length) return t('platform.dynamic.traceTooShort', { lines: k, needed: SAMPLES_PER_DAY });
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).trim();
    pos = end + 1;
    if (!/^-?\d+$/.test(line)) return t('platform.dynamic.traceNotInteger', { line: k + 1, text: line });
    out[offset + k] = Number(line) / 100;
  }
  out[offset + SAMPLES_PER_DAY] = out[offset + SAMPLES_PER_DAY - 1];
  return null;
}

/** Builds the trace set from the files of one day folder, VMs in byte order of the file names. */
export function traceSetFromFiles(files: readonly TraceFile[]): TraceResult {
  if (files.length === 0) return { ok: false, error: t('platform.dynamic.noTraceFiles') };
  const sorted = [...files].sort((a, b) => compareBytes(a.name, b.name));
  const data = new Float64Array(sorted.length * TRACE_LENGTH);
  for (let i = 0; i < sorted.length; i++) {
    const err = parseTrace(sorted[i].text, data, i * TRACE_LENGTH);
    if (err !== null) return { ok: false, error: `${sorted[i].name}: ${err}` };
  }
  return { ok: true, traces: { names: sorted.map((f) => f.name), data } };
}

/**
 * Utilisation of trace `vm` at simulated time `t` (s): CloudSim's `UtilizationModelPlanetLabInMemory.getUtilization`,
 * linear between the 5-minute samples (§A1).
 */
export function utilisationAt(data: Float64Array, vm: number, t: number): number {
  const base = vm * TRACE_LENGTH;
  if (t % SCHEDULING_INTERVAL === 0) return data[base + Math.trunc(t / SCHEDULING_INTERVAL)];
  const t1 = Math.floor(t / SCHEDULING_INTERVAL);
  const t2 = Math.ceil(t / SCHEDULING_INTERVAL);
  const u1 = data[base + t1];
  const u2 = data[base + t2];
  const delta = (u2 - u1) / ((t2 - t1) * SCHEDULING_INTERVAL);
  return u1 + delta * (t - t1 * SCHEDULING_INTERVAL);
}
