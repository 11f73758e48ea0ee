/**
 * The statistics CloudSim 3.0.3's consolidation policies use (`org.cloudbus.cloudsim.util.MathUtil`, Apache
 * Commons Math `Percentile`, `SimpleRegression`, `OLSMultipleLinearRegression`), reproduced with the same
 * arithmetic so thresholds flip at the same points (../shared/reference/usage-models.md §A3).
 * All functions write into caller-owned scratch arrays; none allocates.
 */

/** Sorts a[0..n) ascending in place (insertion sort: n ≤ 30 here). */
export function sortPrefix(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/** Apache Commons Math `Percentile.evaluate(p = 50)` of a sorted prefix (the median CloudSim uses). */
export function medianOfSorted(sorted: Float64Array, n: number): number {
  if (n === 0) return NaN;
  if (n === 1) return sorted[0];
  const pos = (50 * (n + 1)) / 100;
  const fpos = Math.floor(pos);
  const dif = pos - fpos;
  if (pos < 1) return sorted[0];
  if (pos >= n) return sorted[n - 1];
  const lower = sorted[fpos - 1];
  const upper = sorted[fpos];
  return lower + dif * (upper - lower);
}

/** Median of data[0..n); `scratch` (length ≥ n) is overwritten. */
export function median(data: ArrayLike<number>, n: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) scratch[i] = data[i];
  sortPrefix(scratch, n);
  return medianOfSorted(scratch, n);
}

/** `MathUtil.mad`: median of |x − median(x)|. */
export function mad(data: ArrayLike<number>, n: number, scratch: Float64Array): number {
  if (n === 0) return 0;
  const m = median(data, n, scratch);
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(m - data[i]);
  sortPrefix(scratch, n);
  return medianOfSorted(scratch, n);
}

/** `MathUtil.iqr`: sorted[round(0.75 (n+1)) − 1] − sorted[round(0.25 (n+1)) − 1] (Java `Math.round`). */
export function iqr(data: ArrayLike<number>, n: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) scratch[i] = data[i];
  sortPrefix(scratch, n);
  const q1 = Math.floor(0.25 * (n + 1) + 0.5) - 1;
  const q3 = Math.floor(0.75 * (n + 1) + 0.5) - 1;
  return scratch[q3] - scratch[q1];
}

/** `MathUtil.countNonZeroBeginning`: the length of data[0..n) without its trailing zeros. */
export function countNonZeroBeginning(data: ArrayLike<number>, n: number): number {
  let i = n - 1;
  while (i >= 0) {
    if (data[i--] !== 0) break;
  }
  return i + 2;
}

/**
 * Intercept and slope of the least-squares line through (x[i], y[i]) with Apache `SimpleRegression`'s
 * incremental sums (so rounding matches). Writes [intercept, slope] into `out`.
 */
export function simpleRegression(x: ArrayLike<number>, y: ArrayLike<number>, n: number, out: Float64Array): void {
  let sumX = 0, sumY = 0, sumXX = 0, sumXY = 0, xbar = 0, ybar = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i], yi = y[i];
    if (i === 0) {
      xbar = xi;
      ybar = yi;
    } else {
      const fact1 = 1.0 + i;
      const fact2 = i / (1.0 + i);
      const dx = xi - xbar;
      const dy = yi - ybar;
      sumXX += dx * dx * fact2;
      sumXY += dx * dy * fact2;
      xbar += dx / fact1;
      ybar += dy / fact1;
    }
    sumX += xi;
    sumY += yi;
  }
  const slope = sumXY / sumXX;
  out[0] = (sumY - slope * sumX) / n;
  out[1] = slope;
}

const ONE_TO_THIRTY = Float64Array.from({ length: 30 }, (_, i) => i + 1);

/**
 * `MathUtil.getLoessParameterEstimates` (LR) and `getRobustLoessParameterEstimates` (LRR) as they behave in
 * CloudSim 3.0.3: `createWeigthedLinearRegression` applies the tricube (and bisquare) weights only when at
 * least 40 % of them are ≤ 0, and those weights are always positive (1/k or Double.MAX_VALUE), so both are an
 * unweighted least-squares line through (1, y0) … (n, y(n−1)). This is the LRR = LR quirk recorded in §A6.
 */
export function loessEstimates(y: ArrayLike<number>, n: number, out: Float64Array): void {
  simpleRegression(ONE_TO_THIRTY, y, n, out);
}

/**
 * R² of the least-squares fit of y (length m) on the columns of `x` (k columns, column-major x[c * m + r])
 * plus an intercept: Apache `OLSMultipleLinearRegression` (Householder QR, threshold 0). Returns null when
 * Apache would throw (too few observations, no data, or a singular R) so the caller falls back as CloudSim does.
 * `qr` needs (k + 1) * m entries, `work` m + k + 1.
 */
export function olsRSquared(y: Float64Array, x: Float64Array, m: number, k: number, qr: Float64Array, work: Float64Array): number | null {
  const n = k + 1; // columns incl. intercept
  if (m === 0 || k === 0 || n > m) return null;
  // qrt[col][row] stored at qr[col * m + row]
  for (let r = 0; r < m; r++) qr[r] = 1;
  for (let c = 0; c < k; c++) for (let r = 0; r < m; r++) qr[(c + 1) * m + r] = x[c * m + r];
  const rDiag = work.subarray(m, m + n);
  for (let minor = 0; minor < n; minor++) {
    const mo = minor * m;
    let xNormSqr = 0;
    for (let row = minor; row < m; row++) xNormSqr += qr[mo + row] * qr[mo + row];
    const a = qr[mo + minor] > 0 ? -Math.sqrt(xNormSqr) : Math.sqrt(xNormSqr);
    rDiag[minor] = a;
    if (a !== 0) {
      qr[mo + minor] -= a;
      for (let col = minor + 1; col < n; col++) {
        const co = col * m;
        let alpha = 0;
        for (let row = minor; row < m; row++) alpha -= qr[co + row] * qr[mo + row];
        alpha /= a * qr[mo + minor];
        for (let row = minor; row < m; row++) qr[co + row] -= alpha * qr[mo + row];
      }
    }
  }
  for (let i = 0; i < n; i++) if (Math.abs(rDiag[i]) <= 0) return null; // SingularMatrixException
  const b = work; // first m entries
  for (let r = 0; r < m; r++) b[r] = y[r];
  for (let minor = 0; minor < n; minor++) {
    const mo = minor * m;
    let dot = 0;
    for (let row = minor; row < m; row++) dot += b[row] * qr[mo + row];
    dot /= rDiag[minor] * qr[mo + minor];
    for (let row = minor; row < m; row++) b[row] += dot * qr[mo + row];
  }
  for (let row = n - 1; row >= 0; row--) {
    b[row] /= rDiag[row];
    const yRow = b[row];
    for (let i = 0; i < row; i++) b[i] -= yRow * qr[row * m + i];
  }
  // beta = b[0..n); residuals from the original design
  let rss = 0;
  let mean = 0;
  for (let r = 0; r < m; r++) mean += y[r];
  mean /= m;
  let tss = 0;
  for (let r = 0; r < m; r++) {
    let fit = b[0];
    for (let c = 0; c < k; c++) fit += b[c + 1] * x[c * m + r];
    const e = y[r] - fit;
    rss += e * e;
    const d = y[r] - mean;
    tss += d * d;
  }
  return 1 - rss / tss;
}

// Scratch for `mcMaxRSquaredIndex` (k ≤ m ≤ HISTORY_LENGTH = 30 whenever the regressions can be formed).
const MC_MAX = 30;
const mcP = new Float64Array((MC_MAX + 1) * MC_MAX);
const mcPy = new Float64Array(MC_MAX * MC_MAX);
const mcRd = new Float64Array(MC_MAX + 1);
const mcS = new Float64Array(MC_MAX * MC_MAX);
const mcRdS = new Float64Array(MC_MAX + 1);
const mcB = new Float64Array(MC_MAX);

/**
 * Applies the Householder reflection whose vector is H[ho + from … ho + m) (denominator d = a·v_from) to `count`
 * columns of Y, the first at word yo, each m long, on rows from … m − 1: alpha = −Σ y·v / d, then y −= alpha·v —
 * the column update of Apache Commons Math's QR (OLSMultipleLinearRegression, which CloudSim 3.0.3's
 * PowerVmSelectionPolicyMaximumCorrelation calls). Two columns per pass, so the reflector is loaded half as often;
 * each column's arithmetic is exactly that of one at a time, so every caller computes the same bits.
 */
function reflectColumns(H: Float64Array, ho: number, from: number, m: number, d: number, Y: Float64Array, yo: number, count: number): void {
  let c = 0;
  for (; c + 1 < count; c += 2) {
    const co = yo + c * m;
    const co2 = co + m;
    let alpha = 0;
    let alpha2 = 0;
    for (let row = from; row < m; row++) {
      const h = H[ho + row];
      alpha -= Y[co + row] * h;
      alpha2 -= Y[co2 + row] * h;
    }
    alpha /= d;
    alpha2 /= d;
    for (let row = from; row < m; row++) {
      const h = H[ho + row];
      Y[co + row] -= alpha * h;
      Y[co2 + row] -= alpha2 * h;
    }
  }
  if (c < count) {
    const co = yo + c * m;
    let alpha = 0;
    for (let row = from; row < m; row++) alpha -= Y[co + row] * H[ho + row];
    alpha /= d;
    for (let row = from; row < m; row++) Y[co + row] -= alpha * H[ho + row];
  }
}

/**
 * The MC selection's loop over `olsRSquared(y = col i, x = the other columns in order)` for i = 0 … k − 1,
 * running all k fits (`mcMaxRSquaredIndex` runs only the few a screen cannot rule out, and falls back to this
 * where the screen cannot decide), bit-for-bit: returns the first i of maximal R² (strictly greater than Number.MIN_VALUE, else 0), or −1 where
 * one of those calls would return null. `cols` holds k columns of length m (cols[j * m + r]).
 *
 * Fit i's Householder QR processes the columns 1, c0, …, c(i−1), c(i+1), …; its first i + 1 reflections are
 * those of the fit on 1, c0, …, c(i−1) and each column (and y) is transformed on its own, so the prefix is shared:
 * a running factorisation of [1, c0, c1, …] (columns with `olsRSquared`'s column update, y copies with its
 * right-hand-side update) is advanced by one pivot per candidate, and each fit only finishes its suffix. Every
 * floating-point operation is the one `olsRSquared` performs, in the same order.
 */
export function mcMaxRSquaredIndexExhaustive(cols: Float64Array, k: number, m: number): number {
  const n = k; // columns incl. intercept when fitting on the k − 1 others
  if (m === 0 || k - 1 === 0 || n > m || m > MC_MAX) return -1;
  const P = mcP, Py = mcPy, rd = mcRd, S = mcS, rdS = mcRdS, b = mcB;
  // P column 0 = intercept, column j + 1 = c_j; Py[j] = c_j as a right-hand side
  for (let r = 0; r < m; r++) P[r] = 1;
  for (let j = 0; j < k; j++) {
    const o = j * m;
    for (let r = 0; r < m; r++) {
      P[o + m + r] = cols[o + r];
      Py[o + r] = cols[o + r];
    }
  }
  let maxMetric = Number.MIN_VALUE;
  let maxIndex = 0;
  // pivot `minor` of the running factorisation = P column `minor`; fit i uses pivots 0..i from P
  let done = 0; // pivots of P processed so far
  for (let i = 0; i < k; i++) {
    // advance the prefix to pivots 0..i (pivot p is P column p: intercept for p = 0, c_(p−1) otherwise)
    while (done <= i) {
      const minor = done;
      const mo = minor * m;
      let xNormSqr = 0;
      for (let row = minor; row < m; row++) xNormSqr += P[mo + row] * P[mo + row];
      const a = P[mo + minor] > 0 ? -Math.sqrt(xNormSqr) : Math.sqrt(xNormSqr);
      rd[minor] = a;
      if (a === 0) return -1; // every later fit has this pivot: singular (the earlier ones were computed)
      P[mo + minor] -= a;
      const den = a * P[mo + minor];
      // later columns c_j (P column j + 1, j ≥ minor), two per pass, and the right-hand sides c_j, j ≥ minor
      // (y of fit j is transformed by pivots 0..j)
      reflectColumns(P, mo, minor, m, den, P, (minor + 1) * m, k - minor);
      let j = minor;
      for (; j + 1 < k; j += 2) {
        const yo = j * m;
        const yo2 = yo + m;
        let dot = 0;
        let dot2 = 0;
        for (let row = minor; row < m; row++) {
          const h = P[mo + row];
          dot += Py[yo + row] * h;
          dot2 += Py[yo2 + row] * h;
        }
        dot /= den;
        dot2 /= den;
        for (let row = minor; row < m; row++) {
          const h = P[mo + row];
          Py[yo + row] += dot * h;
          Py[yo2 + row] += dot2 * h;
        }
      }
      if (j < k) {
        const yo = j * m;
        let dot = 0;
        for (let row = minor; row < m; row++) dot += Py[yo + row] * P[mo + row];
        dot /= den;
        for (let row = minor; row < m; row++) Py[yo + row] += dot * P[mo + row];
      }
      done++;
    }
    // suffix of fit i: columns c_(i+1) … c_(k−1) as pivots i + 1 … n − 1 (S column s = pivot i + 1 + s)
    const ns = k - 1 - i;
    for (let s = 0; s < ns; s++) {
      const so = s * m;
      const po = (i + 2 + s) * m;
      for (let r = 0; r < m; r++) S[so + r] = P[po + r];
    }
    for (let s = 0; s < ns; s++) {
      const minor = i + 1 + s;
      const mo = s * m;
      let xNormSqr = 0;
      for (let row = minor; row < m; row++) xNormSqr += S[mo + row] * S[mo + row];
      const a = S[mo + minor] > 0 ? -Math.sqrt(xNormSqr) : Math.sqrt(xNormSqr);
      rdS[minor] = a;
      if (a !== 0) {
        S[mo + minor] -= a;
        const den = a * S[mo + minor];
        reflectColumns(S, mo, minor, m, den, S, (s + 1) * m, ns - s - 1);
      }
    }
    for (let s = 0; s < ns; s++) if (Math.abs(rdS[i + 1 + s]) <= 0) return -1;
    // right-hand side: y = c_i, already transformed by pivots 0..i
    const yo = i * m;
    for (let r = 0; r < m; r++) b[r] = Py[yo + r];
    const r2 = suffixSolveRSquared(cols, k, m, i, ns, rd, P, S, rdS, b);
    if (r2 > maxMetric) {
      maxMetric = r2;
      maxIndex = i;
    }
  }
  return maxIndex;
}

/**
 * The end of fit i, shared by the exhaustive and the screened MC selection: with pivots 0 … i in P/rd, the suffix
 * pivots in S/rdS and y = c_i transformed by pivots 0 … i in b, apply the suffix reflectors to y, back-substitute
 * for the coefficients and return R² = 1 − RSS/TSS (Apache Commons Math OLSMultipleLinearRegression, which
 * CloudSim 3.0.3's PowerVmSelectionPolicyMaximumCorrelation calls). One copy, so both compute the same bits.
 */
function suffixSolveRSquared(cols: Float64Array, k: number, m: number, i: number, ns: number, rd: Float64Array, P: Float64Array, S: Float64Array, rdS: Float64Array, b: Float64Array): number {
  const n = k;
  const yo = i * m;
  for (let s = 0; s < ns; s++) {
    const minor = i + 1 + s;
    const mo = s * m;
    let dot = 0;
    for (let row = minor; row < m; row++) dot += b[row] * S[mo + row];
    dot /= rdS[minor] * S[mo + minor];
    for (let row = minor; row < m; row++) b[row] += dot * S[mo + row];
  }
  for (let row = n - 1; row >= 0; row--) {
    const diag = row <= i ? rd[row] : rdS[row];
    b[row] /= diag;
    const yRow = b[row];
    if (row <= i) {
      const ro = row * m;
      for (let q = 0; q < row; q++) b[q] -= yRow * P[ro + q];
    } else {
      const ro = (row - i - 1) * m;
      for (let q = 0; q < row; q++) b[q] -= yRow * S[ro + q];
    }
  }
  let rss = 0;
  let mean = 0;
  for (let r = 0; r < m; r++) mean += cols[yo + r];
  mean /= m;
  let tss = 0;
  for (let r = 0; r < m; r++) {
    let fit = b[0];
    for (let c = 0; c < i; c++) fit += b[c + 1] * cols[c * m + r];
    for (let c = i; c < k - 1; c++) fit += b[c + 1] * cols[(c + 1) * m + r];
    const e = cols[yo + r] - fit;
    rss += e * e;
    const d = cols[yo + r] - mean;
    tss += d * d;
  }
  return 1 - rss / tss;
}
// Scratch for the screened `mcMaxRSquaredIndex`.
const scP = new Float64Array((MC_MAX + 1) * MC_MAX);
const scRd = new Float64Array(MC_MAX + 1);
const scDen = new Float64Array(MC_MAX + 1);
const scRinv = new Float64Array((MC_MAX + 1) * (MC_MAX + 1));
const scApprox = new Float64Array(MC_MAX);
const scErr = new Float64Array(MC_MAX);
const scS = new Float64Array(MC_MAX * MC_MAX);
const scRdS = new Float64Array(MC_MAX + 1);
const scB = new Float64Array(MC_MAX);
/** IEEE 754 double unit roundoff. */
const UNIT_ROUNDOFF = 2 ** -53;
/**
 * Safety factor of the screen's error bound (see `mcMaxRSquaredIndex`). Householder QR's backward error is
 * ≲ m·n·u per column (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., Thm 19.4); the bound
 * multiplies that by the squared scaled condition number. Measured over all ~40,000 screened MC calls of
 * THR/IQR/MAD/LR-MC on 20110303 (six parameter settings): |screened − reference R²| ≤ 2.7 × 10⁻¹⁴, at most
 * 7 × 10⁻⁷ of the bound — a margin of over a million.
 */
const SCREEN_SAFETY = 64;
/**
 * Above this bound on the screen's R² error (a scaled condition number beyond ~10⁵) the design is too close to
 * rank-deficient for the screen, and all k fits are run.
 */
const SCREEN_MAX_ERROR = 0.05;

/**
 * CloudSim 3.0.3 `PowerVmSelectionPolicyMaximumCorrelation.getPowerVm` (Beloglazov & Buyya, CCPE 2012, §5.2
 * "Maximum Correlation"): the index of the VM whose utilisation history has the highest R² when regressed
 * (Apache `OLSMultipleLinearRegression`, intercept included) on the other VMs' histories — the same answer as
 * `mcMaxRSquaredIndexExhaustive` (and the loop over `olsRSquared`) bit for bit, −1 where CloudSim falls back
 * to MMT.
 *
 * Running all k fits costs O(k³·m); most of them cannot win. One Householder QR of the full design
 * A = [1, c0 … c(k−1)] (the same arithmetic as the reference's shared prefix) gives every fit's residual sum of
 * squares at once: regressing column j of A on the others leaves RSS_j = 1 / ((AᵀA)⁻¹)_jj = 1 / ‖row j of R⁻¹‖²
 * (e.g. Seber & Lee, Linear Regression Analysis, 2nd ed., §3.7). That screened R² differs from the reference's by
 * rounding only; with a bound e_i on that difference (scaled condition number squared × u × m·n, relative to
 * ‖c_i‖² / TSS_i), a fit whose screened R² + e_i is below the best screened R² − e_best cannot be the maximum,
 * and only the remaining candidates (usually one) are run the reference's way, from the stored Householder
 * vectors, operation for operation. Where the design is rank-deficient or ill-conditioned (duplicate, zero or
 * constant histories, k + 1 > m) or the bound is loose, the exhaustive loop decides, so the answer — including
 * the first-index tie rule and the −1 of a singular fit — is always the reference's. (A fit the screen rules out
 * cannot hide that −1: the bound caps the scaled condition number near 3 × 10⁴, so every pivot of every fit is
 * at least ~3 × 10⁻⁵ of its column's norm, while rounding moves it by ~10⁻¹³ of it — it cannot come out exactly 0.)
 */
export function mcMaxRSquaredIndex(cols: Float64Array, k: number, m: number): number {
  if (m === 0 || k - 1 === 0 || k > m || m > MC_MAX) return -1;
  const nc = k + 1; // columns of the full design
  // k = m (nc > m): every fit is exact and its R² rounding noise, so all k fits run; they need pivots 0 … k − 1 only
  const pivots = nc > m ? k : nc;
  const P = scP, rd = scRd, den = scDen;
  for (let r = 0; r < m; r++) P[r] = 1;
  for (let j = 0; j < k; j++) {
    const o = j * m;
    for (let r = 0; r < m; r++) P[o + m + r] = cols[o + r];
  }
  // Householder QR of A; pivot p's reflection is the reference's pivot p (olsRSquared's column update)
  for (let minor = 0; minor < pivots; minor++) {
    const mo = minor * m;
    let xNormSqr = 0;
    for (let row = minor; row < m; row++) xNormSqr += P[mo + row] * P[mo + row];
    const a = P[mo + minor] > 0 ? -Math.sqrt(xNormSqr) : Math.sqrt(xNormSqr);
    if (a === 0) return mcMaxRSquaredIndexExhaustive(cols, k, m); // rank-deficient
    rd[minor] = a;
    P[mo + minor] -= a;
    const d = a * P[mo + minor];
    den[minor] = d;
    reflectColumns(P, mo, minor, m, d, P, (minor + 1) * m, nc - minor - 1);
  }
  if (pivots < nc) return allFits(cols, k, m);
  // R⁻¹ (upper triangular, row-major nc × nc); R[p][q] = P[q·m + p] above the diagonal, rd[p] on it
  const Ri = scRinv;
  for (let l = 0; l < nc; l++) {
    Ri[l * nc + l] = 1 / rd[l];
    for (let j = l - 1; j >= 0; j--) {
      let s = 0;
      for (let q = j + 1; q <= l; q++) s += P[q * m + j] * Ri[q * nc + l];
      Ri[j * nc + l] = -s / rd[j];
    }
  }
  // κ² of the column-equilibrated design: nc · Σ_j ‖a_j‖² ((AᵀA)⁻¹)_jj (Householder QR's error is columnwise)
  let kappa2 = 0;
  for (let j = 0; j < nc; j++) {
    let inv = 0;
    for (let l = j; l < nc; l++) inv += Ri[j * nc + l] * Ri[j * nc + l];
    let norm2 = 0;
    if (j === 0) norm2 = m;
    else for (let r = 0, o = (j - 1) * m; r < m; r++) norm2 += cols[o + r] * cols[o + r];
    kappa2 += norm2 * inv;
    if (j > 0) {
      const i = j - 1;
      const o = i * m;
      let mean = 0;
      for (let r = 0; r < m; r++) mean += cols[o + r];
      mean /= m;
      let tss = 0;
      for (let r = 0; r < m; r++) {
        const dv = cols[o + r] - mean;
        tss += dv * dv;
      }
      scApprox[i] = 1 - 1 / inv / tss;
      scErr[i] = norm2 / tss; // scaled below, once κ² is known
    }
  }
  kappa2 *= nc;
  const scale = SCREEN_SAFETY * UNIT_ROUNDOFF * m * nc * kappa2;
  let lower = -Infinity; // a lower bound on the largest reference R²
  for (let i = 0; i < k; i++) {
    const e = scErr[i] * scale;
    if (!(e <= SCREEN_MAX_ERROR) || !Number.isFinite(scApprox[i])) return allFits(cols, k, m);
    scErr[i] = e;
    if (scApprox[i] - e > lower) lower = scApprox[i] - e;
  }
  let candidates = 0;
  for (let i = 0; i < k; i++) if (scApprox[i] + scErr[i] >= lower) candidates++;
  // each candidate costs about a third of the exhaustive loop's shared work: beyond that, run the loop
  if (candidates * 3 > k) return allFits(cols, k, m);
  if (candidates === 1) {
    // The usual case. The candidate i is the one whose interval reaches `lower` (the interval that sets `lower`
    // always does), so every other reference R² is below lower ≤ R²_i: i is the strict maximum, the reference's
    // answer as soon as R²_i > Number.MIN_VALUE (its running maximum starts there) — certain when the interval's
    // low end is above it — and no fit is singular (the argument above, which covers fit i as it covers the others).
    let i = 0;
    while (scApprox[i] + scErr[i] < lower) i++;
    if (scApprox[i] - scErr[i] > 1e-300) return i;
  }
  // the candidates, in index order: the reference's strict ">" keeps the first index of the maximum
  let maxMetric = Number.MIN_VALUE;
  let maxIndex = 0;
  for (let i = 0; i < k; i++) {
    if (scApprox[i] + scErr[i] < lower) continue;
    const r2 = referenceFit(cols, k, m, i);
    if (Number.isNaN(r2)) return mcMaxRSquaredIndexExhaustive(cols, k, m);
    if (r2 > maxMetric) {
      maxMetric = r2;
      maxIndex = i;
    }
  }
  return maxIndex;
}

/**
 * All k fits the reference's way, from the pivots 0 … k − 1 `mcMaxRSquaredIndex` left in scP (none exactly 0):
 * −1 when a fit is singular, else the first index of the largest R² above Number.MIN_VALUE — the answer of
 * `mcMaxRSquaredIndexExhaustive`, bit for bit (the same fits through `referenceFit`). Used where the screen cannot
 * decide (k = m, a loose bound, many candidates) instead of the exhaustive loop: that loop is rarely run, so at
 * the start of a replay it still runs unoptimised (~10× slower), while `referenceFit` is kept hot by the screen.
 */
function allFits(cols: Float64Array, k: number, m: number): number {
  let maxMetric = Number.MIN_VALUE;
  let maxIndex = 0;
  for (let i = 0; i < k; i++) {
    const r2 = referenceFit(cols, k, m, i);
    if (fitSingular) return -1;
    if (r2 > maxMetric) {
      maxMetric = r2;
      maxIndex = i;
    }
  }
  return maxIndex;
}

/** Set by `referenceFit`: its last fit had a suffix pivot exactly 0 (the reference's SingularMatrixException). */
let fitSingular = false;

/**
 * R² of fit i (y = c_i on 1 and the other columns in order) exactly as `mcMaxRSquaredIndexExhaustive` computes
 * it, from the Householder vectors of pivots 0 … i left in scP by `mcMaxRSquaredIndex` (a pivot's vector is
 * final once taken, and each column and right-hand side is transformed on its own). NaN where a suffix pivot is
 * exactly 0 (the reference would return −1).
 */
function referenceFit(cols: Float64Array, k: number, m: number, i: number): number {
  fitSingular = false;
  const P = scP, rd = scRd, den = scDen, S = scS, rdS = scRdS, b = scB;
  const yo = i * m;
  // y = c_i through pivots 0..i (the reference's right-hand-side update)
  for (let r = 0; r < m; r++) b[r] = cols[yo + r];
  for (let p = 0; p <= i; p++) {
    const mo = p * m;
    let dot = 0;
    for (let row = p; row < m; row++) dot += b[row] * P[mo + row];
    dot /= den[p];
    for (let row = p; row < m; row++) b[row] += dot * P[mo + row];
  }
  // suffix columns c_(i+1) … c_(k−1) through pivots 0..i (the reference's column update)
  const ns = k - 1 - i;
  for (let s = 0; s < ns; s++) {
    const so = s * m;
    const co = (i + 1 + s) * m;
    for (let r = 0; r < m; r++) S[so + r] = cols[co + r];
  }
  for (let p = 0; p <= i; p++) reflectColumns(P, p * m, p, m, den[p], S, 0, ns);
  // the suffix's own QR (pivots i + 1 … n − 1)
  for (let s = 0; s < ns; s++) {
    const minor = i + 1 + s;
    const mo = s * m;
    let xNormSqr = 0;
    for (let row = minor; row < m; row++) xNormSqr += S[mo + row] * S[mo + row];
    const a = S[mo + minor] > 0 ? -Math.sqrt(xNormSqr) : Math.sqrt(xNormSqr);
    rdS[minor] = a;
    if (a === 0) {
      fitSingular = true;
      return NaN;
    }
    S[mo + minor] -= a;
    reflectColumns(S, mo, minor, m, a * S[mo + minor], S, (s + 1) * m, ns - s - 1);
  }
  return suffixSolveRSquared(cols, k, m, i, ns, rd, P, S, rdS, b);
}

/**
 * Rearranges a[from..to) so that a[k] holds the value a sorted copy would hold there, with a[from..k) ≤ a[k] ≤
 * a[k+1..to) (quickselect). Order statistics are exact copies, so `iqrSelect` returns the very number `iqr`
 * computes with a full sort, in O(n) instead of O(n²).
 */
function selectKth(a: Float64Array, from: number, to: number, k: number): void {
  let lo = from;
  let hi = to - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three as pivot
    let x = a[lo], y = a[mid], z = a[hi];
    if (x > y) { const t = x; x = y; y = t; }
    if (y > z) { y = z; if (x > y) y = x; }
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Same value as `iqr(data, n, scratch)` for n ≥ 2 (for n = 1 `iqr` reads a stale scratch entry). */
export function iqrSelect(data: ArrayLike<number>, n: number, scratch: Float64Array): number {
  for (let i = 0; i < n; i++) scratch[i] = data[i];
  const q1 = Math.floor(0.25 * (n + 1) + 0.5) - 1;
  const q3 = Math.floor(0.75 * (n + 1) + 0.5) - 1;
  selectKth(scratch, 0, n, q3);
  selectKth(scratch, 0, q3, q1);
  return scratch[q3] - scratch[q1];
}

/**
 * Same value as `mad(data, n, scratch)` (`MathUtil.mad`: the median of |x − median(x)|). The copy is sorted
 * (insertion sort: n ≤ 30, and cheaper here than two quickselects); the deviations of the sorted samples then form
 * two runs that grow outward from the median — m − x falls as x grows, x − m rises, and rounding keeps both
 * monotone — so their order statistics come from merging the runs outward, the same values a sort would give.
 */
export function madSelect(data: ArrayLike<number>, n: number, scratch: Float64Array): number {
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) scratch[i] = data[i];
  sortPrefix(scratch, n);
  const m = medianOfSorted(scratch, n);
  if (n === 1) return Math.abs(m - scratch[0]);
  // `medianOfSorted` of the deviations reads sorted[fpos − 1] and sorted[fpos] (pos = (n + 1) / 2 < n for n ≥ 2)
  const pos = (50 * (n + 1)) / 100;
  const fpos = Math.floor(pos);
  const dif = pos - fpos;
  let r = 0;
  while (r < n && scratch[r] < m) r++;
  let l = r - 1;
  let lower = 0;
  let upper = 0;
  for (let c = 0; c <= fpos; c++) {
    let d: number;
    if (l < 0) d = Math.abs(m - scratch[r++]);
    else if (r >= n) d = Math.abs(m - scratch[l--]);
    else {
      const dl = Math.abs(m - scratch[l]);
      const dr = Math.abs(m - scratch[r]);
      if (dl <= dr) {
        d = dl;
        l--;
      } else {
        d = dr;
        r++;
      }
    }
    if (c === fpos - 1) lower = d;
    upper = d;
  }
  return lower + dif * (upper - lower);
}

/** `MathUtil.mean(list)`: the sum in list order over the size (NaN for an empty list, 0/0 as in Java). */
export function cloudSimMean(data: ArrayLike<number>, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += data[i];
  return sum / n;
}

/**
 * `MathUtil.variance(list)`, the sample variance by Welford's recurrence — but started from the list's mean
 * instead of 0, as CloudSim 3.0.3 writes it (the same value up to rounding: the first step sets the running mean to
 * the first element either way). One element gives 0 / 0 = NaN, as in Java.
 */
export function cloudSimVariance(data: ArrayLike<number>, n: number): number {
  let mean = cloudSimMean(data, n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const x = data[i];
    const delta = x - mean;
    mean += delta / (i + 1);
    s += delta * (x - mean);
  }
  return s / (n - 1);
}

/** `MathUtil.stDev(list)` = √variance. */
export function cloudSimStDev(data: ArrayLike<number>, n: number): number {
  return Math.sqrt(cloudSimVariance(data, n));
}
