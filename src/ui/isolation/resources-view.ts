/**
 * Pure helpers of the Resources tab: field parsing with messages shown beside the field, presets, and the
 * geometry-free summaries the panel renders (the verdict's icon and words, the histogram's bins).
 */
import { RESOURCE_VM_IDS, type ResourceVmId, type ResourcesParams, type Verdict } from '../../core/scheduling/types.ts';
import { checkResourcesParams, RESOURCES_DEFAULTS } from '../../core/scheduling/run.ts';
import '../../i18n/en/isolation.ts';
import { t } from '../../i18n/t.ts';

export type GlobalField = 'tsliceMs' | 'pbxWorkMs' | 'networkDelayMs' | 'timeScale' | 'durationMs';
export type VmField = `${ResourceVmId}.${'weight' | 'capPercent' | 'memoryMiB'}`;
export type ResField = GlobalField | VmField;

export const GLOBAL_FIELDS: readonly GlobalField[] = ['tsliceMs', 'pbxWorkMs', 'networkDelayMs', 'timeScale', 'durationMs'];

/** The form's texts for parameters `p` (what the inputs show). */
export function textsOf(p: ResourcesParams): Record<ResField, string> {
  const t = {} as Record<ResField, string>;
  for (const f of GLOBAL_FIELDS) t[f] = String(p[f]);
  for (const id of RESOURCE_VM_IDS) {
    t[`${id}.weight`] = String(p.vms[id].weight);
    t[`${id}.capPercent`] = String(p.vms[id].capPercent);
    t[`${id}.memoryMiB`] = String(p.vms[id].memoryMiB);
  }
  return t;
}

/**
 * Parses the texts onto `base`: either the parameters or, per field, the message to show beside it. A text that is
 * not a number is reported as such; a number out of range gets the core's own message (checkResourcesParams).
 */
export function parseTexts(base: ResourcesParams, texts: Record<ResField, string>): { ok: true; params: ResourcesParams } | { ok: false; errors: Partial<Record<ResField, string>> } {
  const errors: Partial<Record<ResField, string>> = {};
  const p: ResourcesParams = { ...base, vms: { ...base.vms } };
  const num = (f: ResField): number => {
    const s = texts[f].trim();
    const v = s === '' ? NaN : Number(s);
    if (!Number.isFinite(v)) errors[f] = t('isolation.resources.enterANumber');
    return v;
  };
  for (const f of GLOBAL_FIELDS) p[f] = num(f);
  for (const id of RESOURCE_VM_IDS) p.vms[id] = { weight: num(`${id}.weight`), capPercent: num(`${id}.capPercent`), memoryMiB: num(`${id}.memoryMiB`) };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // The core's range checks, one field at a time, until all pass (so every bad field gets its message).
  for (let guard = 0; guard < 32; guard++) {
    const c = checkResourcesParams(p);
    if (c.ok) break;
    errors[c.field as ResField] = c.message;
    // Put the default back to find the next problem; the user's text stays in the field.
    const [a, b] = c.field.split('.') as [string, string | undefined];
    if (b === undefined) (p as unknown as Record<string, number>)[a] = (RESOURCES_DEFAULTS as unknown as Record<string, number>)[a];
    else (p.vms[a as ResourceVmId] as unknown as Record<string, number>)[b] = (RESOURCES_DEFAULTS.vms[a as ResourceVmId] as unknown as Record<string, number>)[b];
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, params: p };
}

export type Preset = 'no-shares' | 'pbx-shares' | 'cap-neighbour';

/** The three situations of the lesson, applied to `p` (the noisy neighbour stays as it is). */
export function applyPreset(p: ResourcesParams, preset: Preset): ResourcesParams {
  const vms = { ...p.vms };
  if (preset === 'no-shares') return { ...p, scheduler: 'round-robin' };
  if (preset === 'pbx-shares') {
    vms.pbx = { ...vms.pbx, weight: 1024 };
    vms.noisy = { ...vms.noisy, capPercent: 0 };
    return { ...p, scheduler: 'credit', vms };
  }
  vms.pbx = { ...vms.pbx, weight: 256 };
  vms.noisy = { ...vms.noisy, capPercent: 25 };
  return { ...p, scheduler: 'credit', vms };
}

export function verdictLabel(v: Verdict): { icon: string; word: string } {
  if (v === 'good') return { icon: '✔', word: t('isolation.resources.good') };
  if (v === 'at-risk') return { icon: '⚠', word: t('isolation.resources.atRisk') };
  return { icon: '✖', word: t('isolation.resources.bad') };
}

/** Histogram bins of `values` (ms) of width `width` from 0 up to at least `upTo`. */
export function bins(values: readonly number[], width: number, upTo: number): { from: number; to: number; count: number }[] {
  const top = Math.max(upTo, ...values, width);
  const n = Math.ceil(top / width + 1e-9);
  const out = Array.from({ length: n }, (_, k) => ({ from: k * width, to: (k + 1) * width, count: 0 }));
  for (const v of values) out[Math.min(n - 1, Math.floor(v / width))].count++;
  return out;
}

/** Cause and effect in one or two sentences, for the scheduler and settings of a finished run. */
export function explain(r: { params: ResourcesParams; pbx: { max: number } }): string {
  const p = r.params;
  const slice = `${p.tsliceMs}-ms`;
  if (!p.noisy) return t('isolation.resources.withoutTheNeighbourEvery', { streamingWorkMs: p.streamingWorkMs });
  if (p.scheduler === 'round-robin') {
    return t('isolation.resources.roundRobinGivesEvery', { slice });
  }
  const cap = p.vms.noisy.capPercent;
  const parts: string[] = [];
  if (cap > 0) parts.push(t('isolation.resources.theNeighbourIsCapped', { cap, slice }));
  if (p.boost) parts.push(t('isolation.resources.thePbxSleepsMost'));
  else parts.push(t('isolation.resources.withoutBoostCreditDecides', { slice }));
  if (p.vms.pbx.weight > p.vms.noisy.weight) parts.push(t('isolation.resources.itsWeightAgainstThe', { weight: p.vms.pbx.weight, neighbourWeight: p.vms.noisy.weight }));
  return parts.join(' ');
}

/** A short name of a run's situation, for the run history ("Noisy, round robin" / "Noisy, credit: PBX 1024, cap 25 %"). */
export function situation(p: ResourcesParams): string {
  const parts = [p.noisy ? t('isolation.resources.noisyNeighbour') : t('isolation.resources.noNeighbour')];
  if (p.scheduler === 'round-robin') parts.push(t('isolation.resources.roundRobinSituation'));
  else {
    const extras = RESOURCE_VM_IDS.filter((id) => p.vms[id].weight !== 256).map((id) => t('isolation.resources.situationWeight', { vm: id === 'pbx' ? t('isolation.resources.pbx') : id, weight: p.vms[id].weight }));
    const caps = RESOURCE_VM_IDS.filter((id) => p.vms[id].capPercent > 0 && (id !== 'noisy' || p.noisy)).map((id) => t('isolation.resources.situationCap', { vm: id === 'noisy' ? t('isolation.resources.neighbour') : id, cap: p.vms[id].capPercent }));
    parts.push(t('isolation.resources.situationCredit', { boost: p.boost ? '' : ' ' + t('isolation.resources.withoutBoost'), settings: extras.length + caps.length > 0 ? `: ${[...extras, ...caps].join(', ')}` : t('isolation.resources.equalWeights') }));
  }
  return parts.join(', ');
}
