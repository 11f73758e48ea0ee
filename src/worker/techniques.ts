/**
 * The worker's side of the "Software vs hardware" lab: one workload run under every technique
 * (src/core/techniques/compare.ts), ONE TECHNIQUE PER TASK, so the worker answers other calls (drain, pause,
 * a newer comparison) between runs and reports progress after each. A newer request supersedes an older one,
 * which then resolves with an error instead of finishing.
 */
import {
  COMPARE_WORKLOADS,
  TECHNIQUES,
  TECHNIQUE_IDS,
  costAssumptions,
  defaultTechniqueCosts,
  finishComparison,
  resolveCompareRequest,
  runTechnique,
  type TechniqueRun,
} from '../core/techniques/compare.ts';
import { getScenario } from '../core/scenarios/index.ts';
import { getCpuModel } from '../core/cpu-models/index.ts';
import type { CompareTechniquesRequest, CompareTechniquesResult, TechniqueDefaults, TechniquesProgress } from './protocol.ts';
import { t } from '../i18n/t.ts';

export interface TechniqueClock {
  schedule(fn: () => void, ms: number): void;
}

export function createTechniqueRunner(clock: TechniqueClock) {
  let generation = 0;
  return {
    techniqueDefaults(cpu: string): TechniqueDefaults | null {
      const model = getCpuModel(cpu);
      if (model === undefined) return null;
      return {
        cpu: model.id,
        workloads: COMPARE_WORKLOADS.map((w) => {
          const s = getScenario(w.id)!;
          return { id: w.id, title: s.title, category: w.category, description: s.description, hasPort: w.pvPort !== null };
        }),
        techniques: TECHNIQUES.map((t) => ({ ...t })),
        assumptions: costAssumptions(model.id, defaultTechniqueCosts(model.id)),
      };
    },

    compareTechniques(req: CompareTechniquesRequest, onProgress?: (p: TechniquesProgress) => void): Promise<CompareTechniquesResult> {
      const mine = ++generation;
      const r = resolveCompareRequest({ workload: req.workload, cpu: req.cpu, costs: req.costs, ...(req.nativeIo !== undefined ? { nativeIo: req.nativeIo } : {}) });
      if (!r.ok) return Promise.resolve({ ok: false, errors: r.errors });
      const resolved = r.resolved;
      const runs: TechniqueRun[] = [];
      const total = TECHNIQUE_IDS.length;
      const report = (running: TechniquesProgress['running']): void => {
        try {
          void onProgress?.({ done: runs.length, total, running });
        } catch {
          // a progress listener that went away does not stop the comparison
        }
      };
      return new Promise((resolve) => {
        const step = (): void => {
          if (mine !== generation) {
            resolve({ ok: false, errors: [{ field: 'run', message: t('worker.techniques.superseded') }] });
            return;
          }
          try {
            const t = TECHNIQUE_IDS[runs.length];
            runs.push(runTechnique(resolved, t));
            if (runs.length === total) {
              report(null);
              resolve({ ok: true, comparison: finishComparison(resolved, runs) });
              return;
            }
            report(TECHNIQUE_IDS[runs.length]);
            clock.schedule(step, 0);
          } catch (e) {
            resolve({ ok: false, errors: [{ field: 'run', message: e instanceof Error ? e.message : String(e) }] });
          }
        };
        report(TECHNIQUE_IDS[0]);
        clock.schedule(step, 0);
      });
    },
  };
}
