/**
 * The reference simulator's outputs: CloudSim 3.0.3 re-run on PlanetLab 20110303 with the trace files in
 * byte order (../shared/reference/usage-models.md §A6). One table, read by the agreement test and shown
 * beside our figures in the Consolidation lab.
 */
import '../../../i18n/en/platform.ts';
import { t } from '../../../i18n/t.ts';
import { parsePolicy, policyName } from './policy.ts';
export interface CloudSimReference {
  energyKWh: number;
  migrations: number;
  /** Percent; null where §A6 gives no value (NPA). */
  slatahPct: number | null;
  pdmPct: number | null;
  /** SLAV × 1e5 */
  slavE5: number | null;
  hostShutdowns: number | null;
}

export const CLOUDSIM_SOURCE = t('platform.dynamic.cloudsimSource');

const row = (energyKWh: number, migrations: number, slatahPct: number, pdmPct: number, slavE5: number, hostShutdowns: number): CloudSimReference => ({ energyKWh, migrations, slatahPct, pdmPct, slavE5, hostShutdowns });

/** §A6, day 20110303, sorted order: energy kWh, VM migrations, SLATAH %, PDM %, SLAV × 1e-5, host shutdowns. */
export const CLOUDSIM_20110303: Readonly<Record<string, CloudSimReference>> = Object.freeze({
  dvfs: row(802.75, 0, 0.0, 0.0, 0.0, 455),
  'thr-mmt-1.0': row(163.01, 46067, 15.99, 0.18, 28.51, 6018),
  'thr-mmt-0.8': row(192.62, 26711, 4.91, 0.06, 3.18, 5885),
  'iqr-mmt-1.5': row(189.98, 26282, 4.82, 0.06, 3.01, 5868),
  'mad-mmt-2.5': row(185.79, 26556, 5.05, 0.07, 3.34, 5828),
  'lrr-mmt-1.2': row(163.48, 27859, 5.86, 0.08, 4.64, 5053),
  'lr-mmt-1.2': row(163.48, 27859, 5.86, 0.08, 4.64, 5053),
  'thr-mc-0.8': row(183.48, 23967, 6.84, 0.1, 6.97, 5576),
  'thr-mu-0.8': row(207.79, 30653, 7.38, 0.07, 4.94, 6523),
  'thr-rs-0.8': row(184.34, 24496, 6.86, 0.1, 7.02, 5610),
  'iqr-mc-1.5': row(179.25, 23596, 6.9, 0.1, 7.12, 5511),
  'mad-mc-2.5': row(175.29, 23861, 7.01, 0.11, 7.38, 5460),
  'lrr-mc-1.2': row(151.07, 23380, 7.01, 0.1, 6.83, 4078),
  'lr-mc-1.2': row(151.07, 23380, 7.01, 0.1, 6.83, 4078),
  'lr-mu-1.2': row(175.6, 30166, 8.15, 0.08, 6.13, 5632),
  'lr-rs-1.2': row(151.0, 23504, 7.27, 0.1, 7.4, 4106),
});

/** §A6 (file-system order; NPA does not depend on placement): energy only. */
export const CLOUDSIM_20110303_NPA: CloudSimReference = Object.freeze({ energyKWh: 2410.8, migrations: 0, slatahPct: null, pdmPct: null, slavE5: null, hostShutdowns: null });

/** The reference row for a policy name in any spelling `parsePolicy` takes (`lr-mmt-1.2`, `thr-mmt-1` = `THR-MMT-1.0`), or null. */
export function cloudSimReference(policy: string): CloudSimReference | null {
  const p = parsePolicy(policy);
  if (!p.ok) return null;
  const k = policyName(p.policy);
  if (k === 'npa') return CLOUDSIM_20110303_NPA;
  return CLOUDSIM_20110303[k] ?? null;
}
