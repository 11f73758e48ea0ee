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
