/**
 * Pure helpers behind the exit-statistics view (ExitStats): VM exits grouped by reason, binned per
 * pixel column for the lanes, the nearest exit to a click, previous/next navigation, the kvm_stat-like
 * histogram rows and the root/non-root overhead. No DOM and no React, so Vitest runs them in Node.
 *
 * Everything reads an `ExitList` (parallel typed arrays in event order; cycles never decrease along it)
 * and refers to an exit by its index in that list. Work per exit uses typed arrays only: grouping and
 * binning allocate nothing inside their loops, so a million exits group and bin in a few milliseconds.
 */
import { interpolateRgb, rgb } from 'd3';
import type { ExitList } from '../../core/timeline/exit-index.ts';
import { exitReasonInfo } from '../../core/vmx/spec/exit-reasons.ts';
import { formatCount, formatSimTime } from './format-event.ts';
import { t } from '../../i18n/t.ts';

/** The exit list marks "bit 31 (VM-entry failure) was set" by adding this to the basic reason. */
export const ENTRY_FAILURE_FLAG = 0x10000;

// ------------------------------------------------------------------ reasons

/** "30 I/O instruction": the basic reason number and the SDM short name (for lane labels). */
export function reasonLabel(reason: number): string {
  const basic = reason & 0xffff;
  const info = exitReasonInfo(basic);
  const name = info?.shortName ?? t('viz.lanes.unknownReason');
  const failure = reason >= ENTRY_FAILURE_FLAG && info?.cause !== 'entry-failure' ? t('viz.lanes.entryFailure') : '';
  return `${basic} ${name}${failure}`;
}

/** The SDM's full name for the reason ("I/O instruction", "Control-register accesses"). */
export function reasonSdmName(reason: number): string {
  const basic = reason & 0xffff;
  const info = exitReasonInfo(basic);
  const name = info?.sdmName ?? t('viz.lanes.undefinedReason', { basic });
  return reason >= ENTRY_FAILURE_FLAG && info?.cause !== 'entry-failure' ? `${name}${t('viz.lanes.entryFailure')}` : name;
}

// ------------------------------------------------------------------ grouping

export interface ReasonGroup {
  /** The reason as the exit list stores it (basic reason, + 0x10000 for a VM-entry failure). */
  readonly reason: number;
  /** Bits 15:0. */
  readonly basic: number;
  readonly entryFailure: boolean;
  readonly count: number;
  /** Indices into the exit list of this reason's exits, ascending (so also by cycle). */
  readonly indices: Uint32Array;
}

export interface ExitGroups {
  /** Exits in the list (the sum of the groups' counts). */
  readonly total: number;
  /** One group per reason that occurs, by reason number ascending. A group's position here is its slot. */
  readonly groups: readonly ReasonGroup[];
}

/** Groups the exits by reason: two passes (count, then fill), typed arrays, nothing allocated per exit. */
export function groupByReason(exits: ExitList): ExitGroups {
  const n = Math.min(exits.count, exits.reason.length);
  const reasons = exits.reason;
  // Pass 1: the distinct reasons and their counts. There are a few dozen reasons at most.
  const slotOf = new Map<number, number>();
  let counts = new Uint32Array(16);
  let distinct = 0;
  let lastReason = -1;
  let lastSlot = -1;
  for (let i = 0; i < n; i++) {
    const r = reasons[i];
    if (r !== lastReason) {
      let s = slotOf.get(r);
      if (s === undefined) {
        s = distinct++;
        slotOf.set(r, s);
        if (s === counts.length) {
          const bigger = new Uint32Array(counts.length * 2);
          bigger.set(counts);
          counts = bigger;
        }
      }
      lastReason = r;
      lastSlot = s;
    }
    counts[lastSlot]++;
  }
  // Order the slots by reason number; allocate one index array per reason.
  const byReason = [...slotOf.keys()].sort((a, b) => a - b);
  const finalSlot = new Uint32Array(distinct);
  const arrays: Uint32Array[] = [];
  byReason.forEach((r, k) => {
    const s = slotOf.get(r)!;
    finalSlot[s] = k;
    arrays.push(new Uint32Array(counts[s]));
  });
  // Pass 2: fill.
  const fill = new Uint32Array(distinct);
  lastReason = -1;
  lastSlot = -1;
  for (let i = 0; i < n; i++) {
    const r = reasons[i];
    if (r !== lastReason) {
      lastReason = r;
      lastSlot = finalSlot[slotOf.get(r)!];
    }
    arrays[lastSlot][fill[lastSlot]++] = i;
  }
  const groups = byReason.map((reason, k) => ({
    reason,
    basic: reason & 0xffff,
    entryFailure: reason >= ENTRY_FAILURE_FLAG,
    count: arrays[k].length,
    indices: arrays[k],
  }));
  return { total: n, groups };
}

export type LaneOrder = 'count' | 'reason';

/**
 * Slots in display order: most frequent first (ties by reason number), or by basic reason number (an
 * entry failure, stored as reason + 0x10000, sorts with its basic number).
 */
export function laneOrder(groups: ExitGroups, order: LaneOrder): Uint16Array {
  const g = groups.groups;
  const byNumber = (a: number, b: number): number => g[a].basic - g[b].basic || g[a].reason - g[b].reason;
  const slots = g.map((_, k) => k);
  slots.sort(order === 'count' ? (a, b) => g[b].count - g[a].count || byNumber(a, b) : byNumber);
  return Uint16Array.from(slots);
}

// ------------------------------------------------------------------ binning

export interface LaneBins {
  readonly columns: number;
  readonly lanes: number;
  /** Exits per (slot, column): `counts[slot * columns + column]`. */
  readonly counts: Uint32Array;
  /** The largest column count of each slot. */
  readonly laneMax: Uint32Array;
  /** The largest column count overall. */
  readonly max: number;
}

/** The column (0 … columns − 1) of a cycle on an axis from 0 to `domainEnd` split into `columns`. */
export function columnOf(cycle: number, domainEnd: number, columns: number): number {
  const c = domainEnd > 0 ? Math.floor((cycle * columns) / domainEnd) : 0;
  return !(c > 0) ? 0 : c >= columns ? columns - 1 : c;
}

/**
 * Counts each reason's exits per pixel column of the axis 0 … `domainEnd` (column k covers cycles
 * [k·domainEnd/columns, (k+1)·domainEnd/columns)). Exits outside the axis are counted in the edge
 * column, so each lane's counts add up to its group's count exactly. Reuses `out` when it is big enough.
 */
export function binLanes(exits: ExitList, groups: ExitGroups, domainEnd: number, columns: number, out?: Uint32Array): LaneBins {
  const cols = Math.max(1, Math.floor(columns));
  const lanes = groups.groups.length;
  const size = lanes * cols;
  const counts = out !== undefined && out.length >= size ? out.subarray(0, size) : new Uint32Array(size);
  counts.fill(0);
  const laneMax = new Uint32Array(lanes);
  const cycles = exits.cycle;
  // A zero-length axis puts everything in column 0.
  const perCycle = domainEnd > 0 ? cols / domainEnd : 0;
  const last = cols - 1;
  let max = 0;
  for (let s = 0; s < lanes; s++) {
    const idx = groups.groups[s].indices;
    const base = s * cols;
    for (let j = 0; j < idx.length; j++) {
      let c = Math.floor(cycles[idx[j]] * perCycle);
      if (!(c > 0)) c = 0; // negative or NaN
      else if (c > last) c = last;
      counts[base + c]++;
    }
    let m = 0;
    for (let c = 0; c < cols; c++) if (counts[base + c] > m) m = counts[base + c];
    laneMax[s] = m;
    if (m > max) max = m;
  }
  return { columns: cols, lanes, counts, laneMax, max };
}

/** How strongly to draw a column with `count` exits (0 for none, else in (0, 1], log-scaled to `max`). */
export function tickStrength(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0;
  if (max === 1) return 1;
  return Math.min(1, Math.log1p(count) / Math.log1p(max));
}

// ------------------------------------------------------------------ lookup and navigation

/** The index of the exit whose event number is `seq`, or −1. */
export function indexOfSeq(exits: ExitList, seq: number): number {
  let lo = 0;
  let hi = exits.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (exits.seq[mid] < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo < exits.count && exits.seq[lo] === seq ? lo : -1;
}

/** How many exits happened at or before `cycle` (the index of the first exit after it). */
export function countAtOrBefore(exits: ExitList, cycle: number): number {
  let lo = 0;
  let hi = exits.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (exits.cycle[mid] <= cycle) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The exit of `group` nearest to `cycle` (an index into the exit list), or −1 when the nearest is
 * further than `maxDistance` cycles. Ties go to the earlier exit.
 */
export function nearestInGroup(exits: ExitList, group: ReasonGroup, cycle: number, maxDistance = Infinity): number {
  const idx = group.indices;
  if (idx.length === 0) return -1;
  const cycles = exits.cycle;
  let lo = 0;
  let hi = idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cycles[idx[mid]] < cycle) lo = mid + 1;
    else hi = mid;
  }
  let best = -1;
  let bestD = Infinity;
  if (lo > 0) {
    best = idx[lo - 1];
    bestD = cycle - cycles[best];
  }
  if (lo < idx.length && cycles[idx[lo]] - cycle < bestD) {
    best = idx[lo];
    bestD = cycles[best] - cycle;
  }
  return bestD <= maxDistance ? best : -1;
}

/**
 * The next (`dir` = 1) or previous (−1) exit from index `from`, of any reason or only of `group`.
 * `from` may be −1 (before the first exit) or `exits.count` (after the last). −1 when there is none.
 */
export function stepExit(exits: ExitList, from: number, dir: 1 | -1, group?: ReasonGroup | null): number {
  const n = exits.count;
  if (group === undefined || group === null) {
    const i = from + dir;
    return i >= 0 && i < n ? i : -1;
  }
  const idx = group.indices;
  // First position in idx whose index is > from.
  let lo = 0;
  let hi = idx.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (idx[mid] <= from) lo = mid + 1;
    else hi = mid;
  }
  if (dir === 1) return lo < idx.length ? idx[lo] : -1;
  // Last position whose index is < from.
  let k = lo - 1;
  if (k >= 0 && idx[k] === from) k--;
  return k >= 0 ? idx[k] : -1;
}

/** The slot of a reason in the groups, or −1. */
export function slotOfReason(groups: ExitGroups, reason: number): number {
  let lo = 0;
  let hi = groups.groups.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (groups.groups[mid].reason < reason) lo = mid + 1;
    else hi = mid;
  }
  return lo < groups.groups.length && groups.groups[lo].reason === reason ? lo : -1;
}

/** "VM exit 12 of 240: reason 30 I/O instruction at 41.2 µs" (numbered from the first exit ever, counting dropped ones). */
export function describeExit(exits: ExitList, index: number, clockHz: number): string {
  const total = exits.dropped + exits.count;
  return t('viz.lanes.describeExit', { n: formatCount(exits.dropped + index + 1), total: formatCount(total), reason: reasonLabel(exits.reason[index]), time: formatSimTime(exits.cycle[index], clockHz) });
}

// ------------------------------------------------------------------ histogram

export interface HistogramRow {
  readonly reason: number;
  readonly basic: number;
  readonly entryFailure: boolean;
  /** "30 I/O instruction". */
  readonly label: string;
  /** The SDM's name ("I/O instruction"). */
  readonly sdmName: string;
  readonly count: number;
  /** count / total, 0 … 1. */
  readonly share: number;
  /** The share in tenths of a percent, rounded so the rows add up to exactly 1000 (100.0 %). */
  readonly shareTenths: number;
  /** Exits per simulated second, or null without a time span. */
  readonly ratePerSecond: number | null;
}

export interface RateWindow {
  readonly clockHz: number;
  /** Simulated cycles the exits were counted over. */
  readonly spanCycles: number;
}

/**
 * One row per reason, most frequent first (ties by reason number), like kvm_stat. Shares are rounded
 * with the largest-remainder method so the displayed percentages add up to 100.0 %.
 */
export function histogramRows(groups: ExitGroups, rate?: RateWindow | null): HistogramRow[] {
  const total = groups.groups.reduce((a, g) => a + g.count, 0);
  const seconds = rate != null && rate.spanCycles > 0 && rate.clockHz > 0 ? rate.spanCycles / rate.clockHz : 0;
  const sorted = [...groups.groups].sort((a, b) => b.count - a.count || a.basic - b.basic || a.reason - b.reason);
  const exact = sorted.map((g) => (total > 0 ? (g.count * 1000) / total : 0));
  const tenths = exact.map(Math.floor);
  if (total > 0) {
    let left = 1000 - tenths.reduce((a, b) => a + b, 0);
    const order = exact.map((_, i) => i).sort((a, b) => exact[b] - tenths[b] - (exact[a] - tenths[a]) || a - b);
    for (let k = 0; left > 0 && k < order.length; k++, left--) tenths[order[k]]++;
  }
  return sorted.map((g, i) => ({
    reason: g.reason,
    basic: g.basic,
    entryFailure: g.entryFailure,
    label: reasonLabel(g.reason),
    sdmName: reasonSdmName(g.reason),
    count: g.count,
    share: total > 0 ? g.count / total : 0,
    shareTenths: tenths[i],
    ratePerSecond: seconds > 0 ? g.count / seconds : null,
  }));
}

/** "45.2 %" from tenths of a percent. */
export function formatTenths(tenths: number): string {
  return `${(tenths / 10).toFixed(1)} %`;
}

/** "1,234 /s", "12.5 /s", "0.25 /s". */
export function formatRate(perSecond: number): string {
  if (perSecond >= 100) return `${formatCount(perSecond)} /s`;
  return `${+perSecond.toPrecision(3)} /s`;
}

// ------------------------------------------------------------------ root vs non-root time

export interface OverheadSplit {
  readonly guestCycles: number;
  readonly vmmCycles: number;
  readonly totalCycles: number;
  /** vmm / (guest + vmm) in percent, or null when no cycles were counted. */
  readonly vmmPercent: number | null;
  /** Rounded shares in tenths of a percent; they add up to 1000 (0 and 0 without cycles). */
  readonly vmmTenths: number;
  readonly guestTenths: number;
}

/** VMM (root) overhead as a percentage of all cycles: vmm / (guest + vmm) × 100, or null for no cycles. */
export function overheadPercent(guestCycles: number, vmmCycles: number): number | null {
  const g = Math.max(0, guestCycles);
  const v = Math.max(0, vmmCycles);
  return g + v > 0 ? (v * 100) / (g + v) : null;
}

export function overheadSplit(guestCycles: number, vmmCycles: number): OverheadSplit {
  const g = Math.max(0, guestCycles);
  const v = Math.max(0, vmmCycles);
  const pct = overheadPercent(g, v);
  const vmmTenths = pct === null ? 0 : Math.round(pct * 10);
  return { guestCycles: g, vmmCycles: v, totalCycles: g + v, vmmPercent: pct, vmmTenths, guestTenths: pct === null ? 0 : 1000 - vmmTenths };
}

/** "VMM overhead 12.3 % of busy cycles" (the guest's and the VMM's; idle time is in neither). */
export function overheadText(guestCycles: number, vmmCycles: number): string {
  const s = overheadSplit(guestCycles, vmmCycles);
  return s.vmmPercent === null ? t('viz.lanes.overheadNone') : t('viz.lanes.overhead', { pct: formatTenths(s.vmmTenths) });
}

// ------------------------------------------------------------------ colors

/** WCAG relative luminance of a CSS color (0 for an unparsable one). */
export function relativeLuminance(color: string): number {
  const c = rgb(color);
  if (Number.isNaN(c.r)) return 0;
  const lin = (v: number): number => {
    const s = Math.max(0, Math.min(255, v)) / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The color, mixed toward black (on a light background) or white (on a dark one) until it reaches `min`
 * contrast against `background`: categorical lane colors stay visible in both themes.
 */
export function ensureContrast(color: string, background: string, min = 3): string {
  const c = rgb(color);
  if (Number.isNaN(c.r)) return color;
  const start = c.formatHex();
  if (contrastRatio(start, background) >= min) return start;
  // Mix toward black on a light background, toward white on a dark one, in small steps.
  const toward = relativeLuminance(background) < 0.18 ? '#ffffff' : '#000000';
  const mix = interpolateRgb(start, toward);
  for (let t = 0.05; t < 1; t += 0.05) {
    const m = rgb(mix(t)).formatHex();
    if (contrastRatio(m, background) >= min) return m;
  }
  return toward;
}
