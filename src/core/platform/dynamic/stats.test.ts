import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudSimMean, cloudSimStDev, cloudSimVariance, countNonZeroBeginning, iqr, iqrSelect, loessEstimates, mad, madSelect, mcMaxRSquaredIndex, mcMaxRSquaredIndexExhaustive, median, olsRSquared, simpleRegression } from './stats.ts';
import { makeRng, nextFloat } from './rng.ts';

const s = new Float64Array(64);

describe('CloudSim MathUtil statistics', () => {
  it('mean, variance and stDev as MathUtil computes them (Welford from the mean; values printed by CloudSim 3.0.3 on Java 17)', () => {
    // MathUtil.mean / variance / stDev on Arrays.asList(...), printed with Double.toString
    expect(cloudSimMean([300.1, 30000.1], 2)).toBe(15150.099999999999);
    expect(cloudSimVariance([300.1, 30000.1], 2)).toBe(441044999.99999994); // Java: 4.4104499999999994E8
    expect(cloudSimStDev([300.1, 30000.1], 2)).toBe(21001.07140124046);
    const l = [13.92, 27.84, 9.808, 13.92, 0.1, 27.84, 1e3];
    expect(cloudSimMean(l, 7)).toBe(156.20399999999998);
    expect(cloudSimVariance(l, 7)).toBe(138539.34059200002);
    expect(cloudSimStDev(l, 7)).toBe(372.20873255741867);
    // one sample: 0 / 0; none: NaN mean (Helper.printResults prints NaN for both before asking)
    expect(cloudSimMean([5], 1)).toBe(5);
    expect(cloudSimStDev([5], 1)).toBeNaN();
    expect(cloudSimMean([], 0)).toBeNaN();
  });

  it('median is Apache Percentile(50): middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2], 3, s)).toBe(2);
    expect(median([4, 1, 3, 2], 4, s)).toBe(2.5);
  });

  it('MAD is the median of absolute deviations from the median', () => {
    // median 3, deviations 2,1,0,1,6 → median 1
    expect(mad([1, 2, 3, 4, 9], 5, s)).toBe(1);
  });

  it('IQR uses CloudSim indices round(0.25 (n+1)) − 1 and round(0.75 (n+1)) − 1', () => {
    // n = 12: q1 index round(3.25) − 1 = 2 → 3, q3 index round(9.75) − 1 = 9 → 10
    expect(iqr([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 12, s)).toBe(7);
  });

  it('countNonZeroBeginning trims the zero tail (oldest samples)', () => {
    expect(countNonZeroBeginning([0.5, 0, 0.2, 0, 0], 5)).toBe(3);
    // CloudSim quirk kept: an all-zero history counts as length 1
    expect(countNonZeroBeginning([0, 0], 2)).toBe(1);
  });

  it('the regressions recover an exact line; LR and LRR (unweighted in CloudSim 3.0.3) agree', () => {
    const out = new Float64Array(2);
    simpleRegression([1, 2, 3, 4], [3, 5, 7, 9], 4, out);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(2, 12);
    loessEstimates([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], 10, out);
    expect(out[0]).toBeCloseTo(0, 12);
    expect(out[1]).toBeCloseTo(0.1, 12);
  });

  it('OLS R² is 1 for an exact linear relation, null where Apache throws', () => {
    const qr = new Float64Array(256);
    const work = new Float64Array(64);
    const x = new Float64Array([1, 2, 3, 5, 8, 13]);
    const y = new Float64Array(x.map((v) => 2 * v + 1));
    expect(olsRSquared(y, x, 6, 1, qr, work)).toBeCloseTo(1, 12);
    // fewer observations than coefficients
    expect(olsRSquared(y, new Float64Array(12), 2, 2, qr, work)).toBeNull();
    // no predictor (a host with a single migratable VM)
    expect(olsRSquared(y, x, 6, 0, qr, work)).toBeNull();
    // a constant predictor duplicates the intercept: singular
    expect(olsRSquared(y, new Float64Array(6).fill(0), 6, 1, qr, work)).toBeNull();
  });
});

describe('fast paths give the reference results bit for bit', () => {
  const rng = makeRng(7);
  const sample = (q: number) => (q > 0 ? Math.round(nextFloat(rng) * q) / q : nextFloat(rng)); // q > 0: many ties

  it('iqrSelect / madSelect equal iqr / mad', () => {
    const d = new Float64Array(30);
    const a = new Float64Array(30);
    const b = new Float64Array(30);
    for (let t = 0; t < 20000; t++) {
      const n = 2 + (t % 29); // iqr reads past the data for n = 1 (the detectors need n ≥ 12)
      const q = [0, 4, 10, 1000][t % 4];
      for (let i = 0; i < n; i++) d[i] = sample(q) * 0.7 + (t % 3 === 0 ? 0.1 : 0);
      expect(iqrSelect(d, n, a)).toBe(iqr(d, n, b));
      expect(madSelect(d, n, a)).toBe(mad(d, n, b));
    }
  });

  it('mcMaxRSquaredIndex equals the loop over olsRSquared (first max R², −1 when a fit is impossible)', () => {
    const cols = new Float64Array(30 * 30);
    const y = new Float64Array(30);
    const x = new Float64Array(30 * 30);
    const qr = new Float64Array(31 * 30);
    const work = new Float64Array(30 + 31 + 1);
    for (let t = 0; t < 3000; t++) {
      const m = 1 + (t % 30);
      const k = 1 + ((t * 7) % 31);
      const q = [0, 2, 5, 100][t % 4];
      for (let j = 0; j < k; j++) {
        const kind = Math.floor(nextFloat(rng) * 6);
        for (let r = 0; r < m; r++) {
          let v = sample(q);
          if (kind === 0 && j > 0) v = cols[(j - 1) * m + r]; // duplicate column
          if (kind === 1) v = 0.25; // constant column (collinear with the intercept)
          if (kind === 2 && j > 1) v = cols[(j - 1) * m + r] + cols[(j - 2) * m + r];
          cols[j * m + r] = v;
        }
      }
      let expected = 0;
      let maxMetric = Number.MIN_VALUE;
      for (let i = 0; i < k; i++) {
        for (let r = 0; r < m; r++) y[r] = cols[i * m + r];
        let c = 0;
        for (let j = 0; j < k; j++) {
          if (j === i) continue;
          for (let r = 0; r < m; r++) x[c * m + r] = cols[j * m + r];
          c++;
        }
        const r2 = olsRSquared(y, x, m, k - 1, qr, work);
        if (r2 === null) {
          expected = -1;
          break;
        }
        if (r2 > maxMetric) {
          maxMetric = r2;
          expected = i;
        }
      }
      expect(mcMaxRSquaredIndex(cols, k, m)).toBe(expected);
    }
  });

  // The screened MC selection decides from one QR of the whole design and runs only the fits it cannot rule out;
  // on PlanetLab-like histories (whole percent, 30 samples, up to 30 VMs) it must pick what all k fits pick,
  // including near-collinear designs (a VM that is another's history ± 1 %) where the screen must defer.
  it('the screened MC selection picks the VM the exhaustive loop picks (PlanetLab-like histories)', () => {
    const cols = new Float64Array(30 * 30);
    for (let t = 0; t < 4000; t++) {
      const m = t % 5 === 0 ? 10 + (t % 20) : 30;
      const k = 2 + (t % Math.min(29, m - 1));
      for (let j = 0; j < k; j++) {
        const kind = Math.floor(nextFloat(rng) * 10);
        const level = Math.floor(nextFloat(rng) * 80);
        for (let r = 0; r < m; r++) {
          let pct = level + Math.floor(nextFloat(rng) * 21);
          if (kind === 0 && j > 0) pct = Math.round(cols[(j - 1) * m + r] * 100) + (nextFloat(rng) < 0.2 ? 1 : 0); // near-duplicate
          cols[j * m + r] = pct / 100;
        }
      }
      expect(mcMaxRSquaredIndex(cols, k, m)).toBe(mcMaxRSquaredIndexExhaustive(cols, k, m));
    }
  });

  // Two VMs whose fits tie in exact arithmetic (rows come in pairs that swap a and b and leave the others alone),
  // so the reference's pick between them is decided by rounding: the screen must keep both and run both fits.
  it('the screened MC selection reproduces the reference where two R² tie up to rounding', () => {
    const cols = new Float64Array(30 * 30);
    const m = 30;
    let decided = 0;
    for (let t = 0; t < 3000; t++) {
      const k = 4 + (t % 10); // a, b and k − 2 others
      const ia = t % k; // where a sits among the columns
      const ib = (ia + 1 + (t % (k - 1))) % k;
      for (let j = 0; j < k; j++) {
        if (j === ia || j === ib) continue;
        for (let p = 0; p < m / 2; p++) {
          const v = Math.floor(nextFloat(rng) * 101) / 100;
          cols[j * m + 2 * p] = v;
          cols[j * m + 2 * p + 1] = v;
        }
      }
      for (let p = 0; p < m / 2; p++) {
        // a ≈ b (the others are independent of them), so the pair's R² is the largest
        const u = nextFloat(rng) * 0.9;
        const x = Math.round(u * 100) / 100;
        const y = Math.round((u + nextFloat(rng) * 0.1) * 100) / 100;
        cols[ia * m + 2 * p] = x;
        cols[ia * m + 2 * p + 1] = y;
        cols[ib * m + 2 * p] = y;
        cols[ib * m + 2 * p + 1] = x;
      }
      const want = mcMaxRSquaredIndexExhaustive(cols, k, m);
      if (want === ia || want === ib) decided++;
      expect(mcMaxRSquaredIndex(cols, k, m)).toBe(want);
    }
    expect(decided).toBeGreaterThan(1000); // the tied pair is usually the best: the case this test is about
  });

  it('the screened MC selection equals the exhaustive loop on arbitrary whole-percent designs (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 900, maxLength: 900 }), (m, kRaw, pct) => {
        const k = 1 + (kRaw % m);
        const cols = Float64Array.from(pct.slice(0, k * m), (x) => x / 100);
        expect(mcMaxRSquaredIndex(cols, k, m)).toBe(mcMaxRSquaredIndexExhaustive(cols, k, m));
      }),
      { numRuns: 400, seed: 11 },
    );
  });
});
