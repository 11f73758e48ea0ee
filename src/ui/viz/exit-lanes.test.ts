import { describe, expect, it } from 'vitest';
import type { ExitList } from '../../core/timeline/exit-index.ts';
import { ExitIndex } from '../../core/timeline/exit-index.ts';
import {
  ENTRY_FAILURE_FLAG,
  binLanes,
  columnOf,
  contrastRatio,
  countAtOrBefore,
  describeExit,
  ensureContrast,
  formatRate,
  formatTenths,
  groupByReason,
  histogramRows,
  indexOfSeq,
  laneOrder,
  nearestInGroup,
  overheadPercent,
  overheadSplit,
  overheadText,
  reasonLabel,
  reasonSdmName,
  slotOfReason,
  stepExit,
  tickStrength,
} from './exit-lanes.ts';

/** An exit list from [seq, cycle, reason] triples. */
function list(rows: [number, number, number][], dropped = 0): ExitList {
  return {
    seq: Float64Array.from(rows.map((r) => r[0])),
    cycle: Float64Array.from(rows.map((r) => r[1])),
    reason: Uint32Array.from(rows.map((r) => r[2])),
    count: rows.length,
    dropped,
  };
}

/** A deterministic pseudo-random list: n exits, cycles increasing, reasons from `reasons` with skew. */
function synthetic(n: number, reasons: number[], seed = 7): ExitList {
  let x = seed >>> 0;
  const rnd = (): number => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  const seq = new Float64Array(n);
  const cycle = new Float64Array(n);
  const reason = new Uint32Array(n);
  let c = 0;
  for (let i = 0; i < n; i++) {
    c += 1 + Math.floor(rnd() * 500);
    seq[i] = i * 3 + 1;
    cycle[i] = c;
    // Skewed: the first reasons are much more frequent.
    reason[i] = reasons[Math.floor(rnd() ** 2 * reasons.length)];
  }
  return { seq, cycle, reason, count: n, dropped: 0 };
}

const SAMPLE = list([
  [10, 100, 30],
  [14, 150, 10],
  [20, 200, 30],
  [25, 260, 12],
  [31, 300, 30],
  [40, 1000, 10],
  [45, 1000, 30],
  [52, 1900, 33 + ENTRY_FAILURE_FLAG],
]);

describe('reason labels', () => {
  it('uses the reason number and the SDM short name', () => {
    expect(reasonLabel(30)).toBe('30 I/O instruction');
    expect(reasonLabel(10)).toBe('10 CPUID');
    expect(reasonSdmName(28)).toBe('Control-register accesses');
  });
  it('handles entry failures and undefined reasons', () => {
    expect(reasonLabel(33 + ENTRY_FAILURE_FLAG)).toBe('33 Entry failure: guest state');
    expect(reasonLabel(30 + ENTRY_FAILURE_FLAG)).toBe('30 I/O instruction (VM-entry failure)');
    expect(reasonLabel(35)).toBe('35 Unknown reason');
    expect(reasonSdmName(35)).toBe('Undefined exit reason 35');
  });
});

describe('groupByReason', () => {
  it('groups exits by reason, ascending reason, indices in list order', () => {
    const g = groupByReason(SAMPLE);
    expect(g.total).toBe(8);
    expect(g.groups.map((x) => x.reason)).toEqual([10, 12, 30, 33 + ENTRY_FAILURE_FLAG]);
    expect(g.groups.map((x) => x.count)).toEqual([2, 1, 4, 1]);
    expect([...g.groups[2].indices]).toEqual([0, 2, 4, 6]);
    expect([...g.groups[0].indices]).toEqual([1, 5]);
    expect(g.groups[3].entryFailure).toBe(true);
    expect(g.groups[3].basic).toBe(33);
  });
  it('is empty for an empty list and reads only `count` entries', () => {
    expect(groupByReason(list([])).groups).toEqual([]);
    const l = { ...SAMPLE, count: 3 };
    const g = groupByReason(l);
    expect(g.total).toBe(3);
    expect(g.groups.map((x) => [x.reason, x.count])).toEqual([[10, 1], [30, 2]]);
  });
  it('reads the arrays ExitIndex.upTo produces, including entry failures (bit 31)', () => {
    const ix = new ExitIndex();
    ix.push(1, 10, 30);
    ix.push(2, 20, 0x80000021);
    ix.push(3, 30, 30);
    const g = groupByReason(ix.upTo(10));
    expect(g.groups.map((x) => [x.reason, x.count])).toEqual([[30, 2], [33 + ENTRY_FAILURE_FLAG, 1]]);
  });
  it('partitions a large list exactly: every index once, in order, with more than 16 distinct reasons', () => {
    const reasons = Array.from({ length: 40 }, (_, i) => i * 2);
    const l = synthetic(50_000, reasons);
    const g = groupByReason(l);
    expect(g.groups.reduce((a, x) => a + x.count, 0)).toBe(50_000);
    const seen = new Uint8Array(50_000);
    for (const grp of g.groups) {
      for (let k = 0; k < grp.indices.length; k++) {
        const i = grp.indices[k];
        expect(l.reason[i]).toBe(grp.reason);
        if (k > 0) expect(i).toBeGreaterThan(grp.indices[k - 1]);
        seen[i]++;
      }
    }
    expect(seen.every((v) => v === 1)).toBe(true);
    for (let k = 1; k < g.groups.length; k++) expect(g.groups[k].reason).toBeGreaterThan(g.groups[k - 1].reason);
  });
});

describe('laneOrder and slotOfReason', () => {
  it('orders lanes by count (ties by reason) or by reason number', () => {
    const g = groupByReason(SAMPLE);
    expect([...laneOrder(g, 'count')]).toEqual([2, 0, 1, 3]); // 30 (4), 10 (2), 12 (1), 33 (1)
    expect([...laneOrder(g, 'reason')]).toEqual([0, 1, 2, 3]);
  });
  it('sorts an entry failure (reason + 0x10000) by its basic number', () => {
    const l = list([[1, 1, 48], [2, 2, 33 + ENTRY_FAILURE_FLAG], [3, 3, 10], [4, 4, 48]]);
    const g = groupByReason(l);
    expect(Array.from(laneOrder(g, 'reason'), (s) => g.groups[s].basic)).toEqual([10, 33, 48]);
    expect(Array.from(laneOrder(g, 'count'), (s) => g.groups[s].basic)).toEqual([48, 10, 33]);
  });
  it('finds a reason slot', () => {
    const g = groupByReason(SAMPLE);
    expect(slotOfReason(g, 30)).toBe(2);
    expect(slotOfReason(g, 31)).toBe(-1);
  });
});

describe('binLanes', () => {
  it('counts exits per column and lane', () => {
    const g = groupByReason(SAMPLE);
    // Axis 0 … 2000 in 20 columns: 100 cycles per column.
    const b = binLanes(SAMPLE, g, 2000, 20);
    expect(b.columns).toBe(20);
    expect(b.lanes).toBe(4);
    const lane = (s: number): number[] => [...b.counts.subarray(s * 20, s * 20 + 20)];
    // Reason 30 at 100, 200, 300, 1000 → columns 1, 2, 3, 10.
    expect(lane(2).map((v, c) => (v ? c : -1)).filter((c) => c >= 0)).toEqual([1, 2, 3, 10]);
    // Reason 10 at 150, 1000 → columns 1, 10.
    expect(lane(0)[1]).toBe(1);
    expect(lane(0)[10]).toBe(1);
    expect(lane(3)[19]).toBe(1);
    expect(b.max).toBe(1);
  });
  it('keeps exact totals: the last cycle and exits beyond the axis land in the edge column', () => {
    const l = list([[1, 0, 1], [2, 999, 1], [3, 1000, 1], [4, 5000, 1]]);
    const b = binLanes(l, groupByReason(l), 1000, 10);
    expect([...b.counts]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(b.laneMax[0]).toBe(3);
    expect(columnOf(1000, 1000, 10)).toBe(9);
    expect(columnOf(-5, 1000, 10)).toBe(0);
    expect(columnOf(250, 1000, 10)).toBe(2);
  });
  it('sums to each group count for a large list, at any width, and reuses the output buffer', () => {
    const l = synthetic(200_000, [1, 10, 12, 28, 30, 31, 32, 48]);
    const g = groupByReason(l);
    const end = l.cycle[l.count - 1];
    let buf: Uint32Array | undefined;
    for (const cols of [1, 7, 640, 1237, 4000]) {
      const b = binLanes(l, g, end, cols, buf);
      expect(b.counts.length).toBe(g.groups.length * cols);
      let all = 0;
      for (let s = 0; s < b.lanes; s++) {
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += b.counts[s * cols + c];
        expect(sum).toBe(g.groups[s].count);
        all += sum;
      }
      expect(all).toBe(200_000);
      if (buf === undefined) buf = new Uint32Array(g.groups.length * 5000);
      else expect(b.counts.buffer).toBe(buf.buffer);
    }
  });
  it('handles no lanes and a zero-length axis', () => {
    const empty = list([]);
    const b = binLanes(empty, groupByReason(empty), 0, 100);
    expect(b.lanes).toBe(0);
    expect(b.max).toBe(0);
    const l = list([[1, 0, 12], [2, 0, 12]]);
    const b2 = binLanes(l, groupByReason(l), 0, 5);
    expect([...b2.counts]).toEqual([2, 0, 0, 0, 0]);
  });
  it('bins a million exits quickly', () => {
    const l = synthetic(1_000_000, [1, 10, 12, 28, 30, 48]);
    const t0 = performance.now();
    const g = groupByReason(l);
    const b = binLanes(l, g, l.cycle[l.count - 1], 1200);
    const ms = performance.now() - t0;
    expect(b.counts.reduce((a, v) => a + v, 0)).toBe(1_000_000);
    expect(ms).toBeLessThan(1500); // typically ~20 ms; generous for slow CI machines
  });
});

describe('tickStrength', () => {
  it('is 0 for empty columns, 1 at the maximum, increasing in between', () => {
    expect(tickStrength(0, 10)).toBe(0);
    expect(tickStrength(10, 10)).toBe(1);
    expect(tickStrength(1, 1)).toBe(1);
    expect(tickStrength(1, 100)).toBeGreaterThan(0);
    expect(tickStrength(5, 100)).toBeGreaterThan(tickStrength(1, 100));
    expect(tickStrength(3, 0)).toBe(0);
  });
});

describe('lookup', () => {
  it('finds an exit by its event number', () => {
    expect(indexOfSeq(SAMPLE, 25)).toBe(3);
    expect(indexOfSeq(SAMPLE, 26)).toBe(-1);
    expect(indexOfSeq(SAMPLE, 10)).toBe(0);
    expect(indexOfSeq(SAMPLE, 52)).toBe(7);
    expect(indexOfSeq(list([]), 1)).toBe(-1);
  });
  it('counts exits at or before a cycle', () => {
    expect(countAtOrBefore(SAMPLE, 0)).toBe(0);
    expect(countAtOrBefore(SAMPLE, 200)).toBe(3);
    expect(countAtOrBefore(SAMPLE, 1000)).toBe(7);
    expect(countAtOrBefore(SAMPLE, 1e9)).toBe(8);
  });
  it('finds the nearest exit of a reason to a click, within a distance', () => {
    const g = groupByReason(SAMPLE);
    const io = g.groups[slotOfReason(g, 30)];
    expect(nearestInGroup(SAMPLE, io, 240)).toBe(2); // 200 is nearer than 300
    expect(nearestInGroup(SAMPLE, io, 260)).toBe(4); // 300 is nearer than 200
    expect(nearestInGroup(SAMPLE, io, 250)).toBe(2); // a tie goes to the earlier exit
    expect(nearestInGroup(SAMPLE, io, 0)).toBe(0);
    expect(nearestInGroup(SAMPLE, io, 5000)).toBe(6);
    expect(nearestInGroup(SAMPLE, io, 600, 100)).toBe(-1); // nothing within 100 cycles
    expect(nearestInGroup(SAMPLE, io, 950, 50)).toBe(6);
  });
  it('agrees with a linear scan on a large list', () => {
    const l = synthetic(20_000, [10, 30, 48]);
    const g = groupByReason(l);
    const end = l.cycle[l.count - 1];
    for (let k = 0; k < 300; k++) {
      const grp = g.groups[k % g.groups.length];
      const c = (k * 7919 * end) / 300 / 7919 + (k % 13);
      const got = nearestInGroup(l, grp, c);
      let best = Infinity;
      for (const i of grp.indices) best = Math.min(best, Math.abs(l.cycle[i] - c));
      expect(Math.abs(l.cycle[got] - c)).toBe(best);
      expect(l.reason[got]).toBe(grp.reason);
    }
  });
});

describe('stepExit', () => {
  it('moves to the next and previous exit of any reason', () => {
    expect(stepExit(SAMPLE, 3, 1)).toBe(4);
    expect(stepExit(SAMPLE, 3, -1)).toBe(2);
    expect(stepExit(SAMPLE, -1, 1)).toBe(0);
    expect(stepExit(SAMPLE, 8, -1)).toBe(7);
    expect(stepExit(SAMPLE, 7, 1)).toBe(-1);
    expect(stepExit(SAMPLE, 0, -1)).toBe(-1);
  });
  it('moves within one reason', () => {
    const g = groupByReason(SAMPLE);
    const io = g.groups[slotOfReason(g, 30)];
    const cpuid = g.groups[slotOfReason(g, 10)];
    expect(stepExit(SAMPLE, 0, 1, io)).toBe(2);
    expect(stepExit(SAMPLE, 2, -1, io)).toBe(0);
    expect(stepExit(SAMPLE, 1, 1, io)).toBe(2); // from an exit of another reason
    expect(stepExit(SAMPLE, 3, -1, io)).toBe(2);
    expect(stepExit(SAMPLE, 6, 1, io)).toBe(-1);
    expect(stepExit(SAMPLE, 0, -1, io)).toBe(-1);
    expect(stepExit(SAMPLE, -1, 1, cpuid)).toBe(1);
    expect(stepExit(SAMPLE, SAMPLE.count, -1, cpuid)).toBe(5);
    expect(stepExit(SAMPLE, 5, 1, cpuid)).toBe(-1);
  });
  it('visits every exit of a reason in order, forwards and back', () => {
    const l = synthetic(5_000, [1, 30, 48]);
    const g = groupByReason(l);
    for (const grp of g.groups) {
      const fwd: number[] = [];
      for (let i = stepExit(l, -1, 1, grp); i >= 0; i = stepExit(l, i, 1, grp)) fwd.push(i);
      expect(fwd).toEqual([...grp.indices]);
      const back: number[] = [];
      for (let i = stepExit(l, l.count, -1, grp); i >= 0; i = stepExit(l, i, -1, grp)) back.push(i);
      expect(back).toEqual([...grp.indices].reverse());
    }
  });
});

describe('describeExit', () => {
  it('numbers the exit among all exits (dropped ones included) and names reason and time', () => {
    // 3 GHz clock: 123,600 cycles = 41.2 µs.
    const l = list([[5, 100, 10], [9, 123_600, 30]]);
    expect(describeExit(l, 1, 3e9)).toBe('VM exit 2 of 2: reason 30 I/O instruction at 41.2 µs');
    const d = list([[5, 100, 10], [9, 123_600, 30]], 10);
    expect(describeExit(d, 0, 3e9)).toBe('VM exit 11 of 12: reason 10 CPUID at 33.3 ns');
  });
});

describe('histogramRows', () => {
  it('sorts by count and rounds shares to exactly 100.0 %', () => {
    const rows = histogramRows(groupByReason(SAMPLE));
    expect(rows.map((r) => r.reason)).toEqual([30, 10, 12, 33 + ENTRY_FAILURE_FLAG]);
    expect(rows.map((r) => r.count)).toEqual([4, 2, 1, 1]);
    expect(rows.map((r) => r.shareTenths)).toEqual([500, 250, 125, 125]);
    expect(rows[0].label).toBe('30 I/O instruction');
    expect(rows[0].sdmName).toBe('I/O instruction');
    expect(rows[0].share).toBe(0.5);
    expect(rows[0].ratePerSecond).toBeNull();
  });
  it('distributes rounding so the shares add to 1000 tenths (thirds, sevenths, many reasons)', () => {
    for (const counts of [[1, 1, 1], [1, 1, 1, 1, 1, 1, 1], [5, 3, 1], [997, 1, 1, 1], Array.from({ length: 30 }, (_, i) => i + 1)]) {
      const rows: [number, number, number][] = [];
      let s = 0;
      counts.forEach((c, r) => {
        for (let k = 0; k < c; k++) rows.push([s++, s, r]);
      });
      const h = histogramRows(groupByReason(list(rows)));
      expect(h.reduce((a, r) => a + r.shareTenths, 0)).toBe(1000);
      expect(h.reduce((a, r) => a + r.share, 0)).toBeCloseTo(1, 12);
      for (const r of h) expect(Math.abs(r.shareTenths - r.share * 1000)).toBeLessThan(1);
      for (let k = 1; k < h.length; k++) expect(h[k].count).toBeLessThanOrEqual(h[k - 1].count);
    }
  });
  it('computes the rate per simulated second', () => {
    // 2,000 cycles at 1 kHz = 2 s: 4 exits → 2 /s.
    const rows = histogramRows(groupByReason(SAMPLE), { clockHz: 1000, spanCycles: 2000 });
    expect(rows[0].ratePerSecond).toBe(2);
    expect(rows[1].ratePerSecond).toBe(1);
    expect(histogramRows(groupByReason(SAMPLE), { clockHz: 1000, spanCycles: 0 })[0].ratePerSecond).toBeNull();
  });
  it('is empty without exits', () => {
    expect(histogramRows(groupByReason(list([])))).toEqual([]);
  });
  it('formats shares and rates', () => {
    expect(formatTenths(123)).toBe('12.3 %');
    expect(formatTenths(1000)).toBe('100.0 %');
    expect(formatRate(12_345.6)).toBe('12,346 /s');
    expect(formatRate(12.345)).toBe('12.3 /s');
    expect(formatRate(0.25)).toBe('0.25 /s');
  });
});

describe('overhead', () => {
  it('is vmm / (guest + vmm) as a percentage', () => {
    expect(overheadPercent(877, 123)).toBeCloseTo(12.3, 10);
    expect(overheadPercent(0, 0)).toBeNull();
    expect(overheadPercent(0, 50)).toBe(100);
    expect(overheadText(877, 123)).toBe('VMM overhead 12.3 % of busy cycles');
    expect(overheadText(0, 0)).toBe('VMM overhead: no cycles yet');
  });
  it('splits into shares that add to 100.0 %', () => {
    const s = overheadSplit(2, 1);
    expect(s.vmmTenths).toBe(333);
    expect(s.guestTenths).toBe(667);
    expect(s.totalCycles).toBe(3);
    const z = overheadSplit(0, 0);
    expect(z.vmmPercent).toBeNull();
    expect(z.vmmTenths + z.guestTenths).toBe(0);
  });
});

describe('lane colors', () => {
  it('reaches 3:1 contrast against both theme backgrounds', () => {
    for (const c of ['#edc949', '#bab0ab', '#4e79a7', '#0000ff', '#76b7b2']) {
      for (const bg of ['#ffffff', '#0f141a', '#f3f5f8', '#171e27']) {
        expect(contrastRatio(ensureContrast(c, bg, 3), bg)).toBeGreaterThanOrEqual(3);
      }
    }
    expect(ensureContrast('#0b3d91', '#ffffff')).toBe('#0b3d91'); // already fine: unchanged
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  });
});
