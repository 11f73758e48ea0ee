/**
 * The worker's side of the Consolidation lab's "day of dynamic consolidation": the PlanetLab day is fetched
 * from the app's public data (the index JSON lists the files in byte order, docs/planetlab.md), parsed once and
 * kept, then replayed with a Beloglazov & Buyya policy (src/core/platform/dynamic) IN SLICES of a few
 * intervals per worker task, so the worker keeps answering other calls and reports progress between slices.
 * A newer request supersedes an older one, which then resolves with an error instead of finishing.
 */
import { createSimulation, metrics, parsePolicy, policyName, stepInterval, traceSetFromFiles, type TraceSet } from '../core/platform/dynamic/index.ts';
import type { DynamicDayProgress, DynamicDayRequest, DynamicDayResult } from './protocol.ts';
import { t } from '../i18n/t.ts';

export interface DynamicClock {
  now(): number;
  schedule(fn: () => void, ms: number): void;
}

/** Reads a text resource (the worker's `fetch`; tests pass a reader of the repository's files). */
export type TextFetcher = (url: string) => Promise<string>;

const defaultFetch: TextFetcher = async (url) => {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.text();
};

/** At most this many intervals, and about this many milliseconds, per worker task. */
export const INTERVALS_PER_SLICE = 24;
const SLICE_MS = 25;
/** Files fetched at once while loading the day. */
const FETCH_PARALLEL = 32;

interface DayIndex {
  day: string;
  files: string[];
}

function parseIndex(text: string): DayIndex | string {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return t('worker.consolidation.indexNotJson');
  }
  const o = j as { day?: unknown; files?: unknown };
  if (typeof o.day !== 'string' || !Array.isArray(o.files) || !o.files.every((f) => typeof f === 'string' && /^[^/\\]+$/.test(f) && f !== '..' && f !== '.')) {
    return t('worker.consolidation.indexShape');
  }
  return { day: o.day, files: o.files as string[] };
}

export function createDynamicRunner(clock: DynamicClock, fetchText: TextFetcher = defaultFetch) {
  let generation = 0;
  const cache = new Map<string, Promise<{ day: string; traces: TraceSet } | string>>();

  /** `dataUrl` ends with '/': it holds `DAY.index.json` and the folder `DAY/`. */
  async function load(dataUrl: string, day: string, onFile: (done: number, total: number) => void): Promise<{ day: string; traces: TraceSet } | string> {
    const idx = parseIndex(await fetchText(`${dataUrl}${day}.index.json`));
    if (typeof idx === 'string') return idx;
    const texts: { name: string; text: string }[] = new Array(idx.files.length);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < idx.files.length) {
        const i = next++;
        const name = idx.files[i]!;
        texts[i] = { name, text: await fetchText(`${dataUrl}${encodeURIComponent(idx.day)}/${encodeURIComponent(name)}`) };
        done++;
        if (done % 16 === 0 || done === idx.files.length) onFile(done, idx.files.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_PARALLEL, idx.files.length) }, worker));
    const r = traceSetFromFiles(texts);
    return r.ok ? { day: idx.day, traces: r.traces } : r.error;
  }

  return {
    runDynamicDay(req: DynamicDayRequest, onProgress?: (p: DynamicDayProgress) => void): Promise<DynamicDayResult> {
      const mine = ++generation;
      const p = parsePolicy(req.policy);
      if (!p.ok) return Promise.resolve({ ok: false, error: p.error });
      const day = req.day ?? '20110303';
      if (!/^\d{8}$/.test(day)) return Promise.resolve({ ok: false, error: t('worker.consolidation.badDay', { day }) });
      const report = (x: DynamicDayProgress): void => {
        try {
          void onProgress?.(x);
        } catch {
          // a progress listener that went away does not stop the replay
        }
      };
      const key = `${req.dataUrl}|${day}`;
      let loading = cache.get(key);
      if (loading === undefined) {
        loading = load(req.dataUrl, day, (done, total) => {
          if (mine === generation) report({ phase: 'loading', done, total });
        }).catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
        cache.set(key, loading);
      }
      return loading.then((loaded) => {
        if (typeof loaded === 'string') {
          cache.delete(key);
          return { ok: false, error: t('worker.consolidation.dayUnreadable', { reason: loaded }) };
        }
        if (mine !== generation) return { ok: false, error: t('worker.consolidation.superseded') };
        const st = createSimulation(loaded.traces, p.policy, req.seed === undefined ? {} : { seed: req.seed });
        const total = st.seriesActiveHosts.length;
        // Where every VM is, at the start and after each interval (the host-by-host day view; read-only on the state).
        const hostOfVm = new Int16Array((total + 1) * st.nV).fill(-1);
        const record = (row: number): void => {
          if (row > total) return;
          const o = row * st.nV;
          for (let v = 0; v < st.nV; v++) hostOfVm[o + v] = st.vmHost[v];
        };
        record(0);
        let busyMs = 0;
        report({ phase: 'replaying', done: 0, total });
        return new Promise<DynamicDayResult>((resolve) => {
          const slice = (): void => {
            if (mine !== generation) {
              resolve({ ok: false, error: t('worker.consolidation.superseded') });
              return;
            }
            const t0 = clock.now();
            let more = true;
            for (let n = 0; n < INTERVALS_PER_SLICE && more; n++) {
              const k = st.interval;
              more = stepInterval(st);
              if (more) record(k + 1);
              if (clock.now() - t0 > SLICE_MS) break;
            }
            busyMs += clock.now() - t0;
            if (more) {
              report({ phase: 'replaying', done: Math.min(st.interval, total), total });
              clock.schedule(slice, 0);
              return;
            }
            report({ phase: 'replaying', done: total, total });
            resolve({
              ok: true,
              day: {
                day: loaded.day,
                policy: policyName(p.policy),
                metrics: metrics(st),
                activeHosts: Array.from(st.seriesActiveHosts),
                migrations: Array.from(st.seriesMigrations),
                powerW: Array.from(st.seriesPowerW),
                intervalSeconds: 300,
                replaySeconds: busyMs / 1000,
                hostOfVm,
                vmCount: st.nV,
                hostCount: st.nH,
              },
            });
          };
          clock.schedule(slice, 0);
        });
      });
    },
  };
}
