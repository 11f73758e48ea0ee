/**
 * Policy names of the Beloglazov & Buyya consolidation runs (../shared/reference/usage-models.md §A3):
 * `dvfs`, `npa`, or `<detector>-<selection>-<parameter>` such as `thr-mmt-0.8`, `iqr-mc-1.5`, `mad-mmt-2.5`,
 * `lr-rs-1.2`, `lrr-mmt-1.2`.
 */
import '../../../i18n/en/platform.ts';
import { t } from '../../../i18n/t.ts';
export type Detector = 'thr' | 'iqr' | 'mad' | 'lr' | 'lrr';
export type Selection = 'mmt' | 'mc' | 'mu' | 'rs';

export type Policy =
  | { kind: 'dvfs' }
  | { kind: 'npa' }
  | { kind: 'migrate'; detector: Detector; selection: Selection; parameter: number };

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; error: string };

const DETECTORS: readonly Detector[] = ['thr', 'iqr', 'mad', 'lr', 'lrr'];
const SELECTIONS: readonly Selection[] = ['mmt', 'mc', 'mu', 'rs'];

/**
 * §A3: the adaptive detectors fall back to THR 0.7 while a host has too little history
 * (`RunnerAbstract.getVmAllocationPolicy`).
 */
export const FALLBACK_THRESHOLD = 0.7;

export function parsePolicy(name: string): PolicyResult {
  const n = name.trim().toLowerCase();
  if (n === 'dvfs') return { ok: true, policy: { kind: 'dvfs' } };
  if (n === 'npa') return { ok: true, policy: { kind: 'npa' } };
  const parts = n.split('-');
  if (parts.length !== 3) return { ok: false, error: t('platform.dynamic.policyShape', { name }) };
  const [d, s, p] = parts;
  if (!(DETECTORS as readonly string[]).includes(d)) return { ok: false, error: t('platform.dynamic.policyDetector', { name, detectors: DETECTORS.join(', ') }) };
  if (!(SELECTIONS as readonly string[]).includes(s)) return { ok: false, error: t('platform.dynamic.policySelection', { name, selections: SELECTIONS.join(', ') }) };
  const parameter = Number(p);
  if (p === '' || !Number.isFinite(parameter) || parameter < 0) return { ok: false, error: t('platform.dynamic.policyParameter', { name }) };
  return { ok: true, policy: { kind: 'migrate', detector: d as Detector, selection: s as Selection, parameter } };
}

/**
 * The canonical name, spelled as CloudSim names its runs (`RunnerAbstract.getExperimentName` joins the parameter
 * string the examples pass: "1.0", "0.8", "1.5", "2.5", "1.2"): a whole-number parameter keeps its ".0", so
 * `thr-mmt-1` and `thr-mmt-1.0` are both `thr-mmt-1.0`.
 */
export function policyName(p: Policy): string {
  return p.kind === 'migrate' ? `${p.detector}-${p.selection}-${parameterText(p.parameter)}` : p.kind;
}

function parameterText(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
