/**
 * SPECpower_ssj2008 power models as shipped with CloudSim 3.0.3 and CloudSim's energy integral.
 * Source: ../shared/reference/usage-models.md §A2 (table of W at 0 %, 10 %, …, 100 % load) and
 * CloudSim `PowerModelSpecPower.getPower` / `PowerHost.getEnergyLinearInterpolation` (§A2, §A4).
 */

/** Watts at 0 %, 10 %, …, 100 % CPU load. */
export type PowerCurve = readonly number[];

/** HP ProLiant ML110 G4 (Xeon 3040), SPEC power_ssj2008-20110127-00342 — usage-models.md §A2. */
export const HP_ML110_G4: PowerCurve = [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117];
/** HP ProLiant ML110 G5 (Xeon 3075), SPEC power_ssj2008-20110124-00339 — usage-models.md §A2. */
export const HP_ML110_G5: PowerCurve = [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135];

/**
 * Power at CPU utilisation `u` (0..1), linear between the 10 % points, with CloudSim's exact arithmetic
 * (`PowerModelSpecPower.getPower`, §A2). Returns NaN outside [0, 1] (CloudSim throws there).
 */
export function powerAt(curve: PowerCurve, u: number): number {
  if (u < 0 || u > 1) return NaN;
  if (u === 0) return curve[0]; // what the next line returns for 0, without the floating-point remainder (hot: idle hosts)
  // CloudSim's test is `utilization % 0.1 == 0`: exact (fmod) in Java as in JS, so true only for an exact multiple
  // q·d of d = double(0.1) = M·2⁻⁵⁵ (M odd, 52 bits). In (0, 1], q ≤ 9, and q·M fits a 53-bit significand only
  // when q's odd part is 1 (3·M needs 54 bits): q ∈ {1, 2, 4, 8}, i.e. u is exactly 0.1, 0.2, 0.4 or 0.8. Comparing
  // with those four doubles gives the same answer without a floating-point remainder (a library call; this
  // function runs for every candidate host of every placement).
  if (u === 0.1 || u === 0.2 || u === 0.4 || u === 0.8) return curve[Math.trunc(u * 10)];
  const u1 = Math.floor(u * 10);
  const u2 = Math.ceil(u * 10);
  const p1 = curve[u1];
  const p2 = curve[u2];
  const delta = (p2 - p1) / 10;
  return p1 + delta * (u - u1 / 10) * 100;
}

/**
 * Energy (W·s) of a host over `seconds` whose utilisation goes linearly from `from` to `to`: the mean
 * of the two end powers × time; a host at 0 % at the start of the frame is switched off and draws 0
 * (`PowerHost.getEnergyLinearInterpolation`, §A2).
 */
export function energyLinearInterpolation(curve: PowerCurve, from: number, to: number, seconds: number): number {
  if (from === 0) return 0;
  const pf = powerAt(curve, from);
  const pt = powerAt(curve, to);
  return (pf + (pt - pf) / 2) * seconds;
}

/** CloudSim clamps a utilisation in (1, 1.01) to 1 (`HostDynamicWorkload.getUtilizationOfCpu`). */
export function clampUtilisation(u: number): number {
  return u > 1 && u < 1.01 ? 1 : u;
}
