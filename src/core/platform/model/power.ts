/**
 * SPECpower-style power curves: watts at 0 %, 10 %, …, 100 % CPU utilisation, linear interpolation between
 * the 10 % points, as CloudSim's PowerModelSpecPower does (usage-models.md §A2). A host with no VMs is
 * switched off and draws 0 W (§A2: "a host at 0 % utilisation is treated as switched off and consumes 0 in
 * the energy integral").
 */
import { SRC_A2, measured, type Provenance } from './provenance.ts';

export interface PowerCurve {
  readonly id: string;
  readonly name: string;
  /** Eleven points: watts at 0, 10, …, 100 % utilisation. */
  readonly watts: readonly number[];
  readonly provenance: Provenance;
}

/** Watts at utilisation u in [0, 1] (clamped), linear between the 10 % points (§A2). */
export function powerAt(curve: PowerCurve, u: number): number {
  const x = Math.min(1, Math.max(0, u)) * 10;
  const i = Math.min(9, Math.floor(x));
  const w = curve.watts;
  return w[i]! + (w[i + 1]! - w[i]!) * (x - i);
}

/** Power of a host that may be switched off: 0 W when it runs no VM (§A2), else the curve. */
export function hostPower(curve: PowerCurve, u: number, running: boolean): number {
  return running ? powerAt(curve, u) : 0;
}

const spec = (id: string, name: string, watts: number[], specResult: string): PowerCurve => ({
  id,
  name,
  watts,
  provenance: measured(`${SRC_A2}; SPEC ${specResult}`),
});

// usage-models.md §A2 table, verbatim (W at 0 %, 10 %, …, 100 %).
export const CURVE_ML110_G4 = spec('hp-ml110-g4', 'HP ProLiant ML110 G4 (Xeon 3040)', [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117], 'power_ssj2008-20110127-00342'); // i18n-ignore: a server model name (a product name, SPECpower result id)
export const CURVE_ML110_G5 = spec('hp-ml110-g5', 'HP ProLiant ML110 G5 (Xeon 3075)', [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135], 'power_ssj2008-20110124-00339'); // i18n-ignore: a server model name (a product name, SPECpower result id)
export const CURVE_ML110_G3 = spec('hp-ml110-g3', 'HP ProLiant ML110 G3 (Pentium D 930)', [105, 112, 118, 125, 131, 137, 147, 153, 157, 164, 169], '(CloudSim class cites the same URL as G4)'); // i18n-ignore: a server model name (a product name, SPECpower result id)
export const CURVE_X3250_X3470 = spec('ibm-x3250-x3470', 'IBM x3250 (Xeon X3470)', [41.6, 46.7, 52.3, 57.9, 65.4, 73, 80.7, 89.5, 99.6, 105, 113], 'power_ssj2008-20091104-00213'); // i18n-ignore: a server model name (a product name, SPECpower result id)
export const CURVE_X3250_X3480 = spec('ibm-x3250-x3480', 'IBM x3250 (Xeon X3480)', [42.3, 46.7, 49.7, 55.4, 61.8, 69.3, 76.1, 87, 96.1, 106, 113], 'power_ssj2008-20101001-00297'); // i18n-ignore: a server model name (a product name, SPECpower result id)
export const CURVE_X3550_X5670 = spec('ibm-x3550-x5670', 'IBM x3550 (Xeon X5670)', [66, 107, 120, 131, 143, 156, 173, 191, 211, 229, 247], 'power_ssj2008-20100315-00239'); // i18n-ignore: a server model name (a product name, SPECpower result id)
export const CURVE_X3550_X5675 = spec('ibm-x3550-x5675', 'IBM x3550 (Xeon X5675)', [58.4, 98, 109, 118, 128, 140, 153, 170, 189, 205, 222], 'power_ssj2008-20110406-00368'); // i18n-ignore: a server model name (a product name, SPECpower result id)

/** A curve scaled by a factor (used for the seed platforms, whose absolute watts were not found). */
export function scaledCurve(base: PowerCurve, id: string, name: string, factor: number, provenance: Provenance): PowerCurve {
  return { id, name, watts: base.watts.map((w) => w * factor), provenance };
}
