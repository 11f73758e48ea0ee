/**
 * The live-migration engine, page by page (usage-models.md §B1 mechanism):
 *   push phase - iterative pre-copy: round 1 sends every page; each later round sends the pages dirtied during
 *   the previous round, read from a dirty bitmap and cleared (Clark §B1, QEMU §B2);
 *   stop-and-copy - the VM is suspended and the last dirty set is sent (plus resume overhead T_res, §B4);
 *   activation at the destination, then the unsolicited ARP / self-announce (§B1, §B2).
 * Optional: QEMU auto-converge throttling (§B2) and post-copy (§B2 postcopy-ram).
 *
 * Pure and deterministic: simulated seconds, seeded page order, typed-array bitmaps (a 4 GiB VM is 1,048,576
 * pages, 128 KiB of bitmap). The stop decision is taken after each round on the next dirty set, as in the
 * §B4 test-vector rules.
 */
import { countPages, fillPages, newBitmap, popcount32, type PageBitmap } from './bitmap.ts';
import { makeDirtier, sourceDirtier, type Dirtier, type DirtyPageSource } from './dirty.ts';
import {
  autoConvergeParams,
  clarkDefaults,
  CLARK_THRESHOLD_BYTES,
  defaultArpDelaySeconds,
  defaultRoundCap,
  QEMU_DOWNTIME_LIMIT_S,
  XEN_MAX_FACTOR,
  XEN_MIN_PAGES,
  type MigrationParams,
  type StopRuleName,
} from './params.ts';
import { PAGE_SIZE } from './units.ts';

export type StopReason =
  | 'qemu-downtime' // expected downtime <= downtime-limit (§B2)
  | 'xen-few-pages' // dirty set < 50 pages (§B1)
  | 'xen-max-iters' // 30 rounds (§B1/§B4)
  | 'xen-max-factor' // more than 3 x memory sent (§B1)
  | 'clark-threshold' // fewer than 256 KB remain (§B1)
  | 'clark-rate-max' // computed rate above the administrator maximum (§B1)
  | 'round-cap' // the user's round cap / the engine's safety cap (not converged)
  | 'post-copy'; // switched to post-copy

export interface RoundRecord {
  /** 1-based; round 1 is the full copy. */
  index: number;
  startSeconds: number;
  durationSeconds: number;
  pagesSent: number;
  bytesSent: number;
  bandwidthBytesPerSecond: number;
  /** Pages dirtied during this round: the set the next round (or the stop-and-copy) sends. */
  dirtyPages: number;
  /** vCPU throttle in force during this round (auto-converge), 0..1. */
  throttle: number;
}

export type MigrationEventKind =
  | 'start'
  | 'round-start'
  | 'round-end'
  | 'throttle'
  | 'suspend'
  | 'stop-and-copy-end'
  | 'activate'
  | 'arp'
  | 'postcopy-switch'
  | 'postcopy-done'
  | 'complete';

export interface MigrationEvent {
  /** Simulated seconds since the start of the migration. */
  t: number;
  kind: MigrationEventKind;
  round?: number;
  pages?: number;
  bytes?: number;
  throttle?: number;
  note?: string;
}

export interface PostCopyResult {
  /** Pages still at the source when the VM started at the destination. */
  pagesAtSwitch: number;
  /** Guest accesses to missing pages, each fetched over the network (writes only; reads are not modelled). */
  faults: number;
  /** Activation until the last page has arrived: the guest runs degraded (remote faults). */
  degradationSeconds: number;
  /** Time the destination vCPU spent waiting for faulted pages. */
  stallSeconds: number;
}

export interface MigrationResult {
  rule: StopRuleName;
  memoryBytes: number;
  pages: number;
  /** Pre-copy rounds, including the first full copy; the stop-and-copy is not counted (§B4). */
  rounds: number;
  roundList: RoundRecord[];
  converged: boolean;
  stopReason: StopReason;
  stopAndCopyPages: number;
  stopAndCopyBytes: number;
  /** Suspension to activation: stop-and-copy transfer + T_res. For post-copy: T_res only. */
  downtimeMs: number;
  /** Start to activation (pre-copy) or to the last page's arrival (post-copy). */
  totalSeconds: number;
  bytesSent: number;
  pagesSent: number;
  /** When the VM runs at the destination. */
  activationSeconds: number;
  /** When the network has learned the new location (activation + ARP delay). */
  arpSeconds: number;
  arpDelayMs: number;
  finalThrottle: number;
  postCopy: PostCopyResult | null;
  events: MigrationEvent[];
}

/** Clear `pages` pages of `bm` starting from word `cursor.w`, lowest bits first; returns pages cleared. */
function pushPages(bm: PageBitmap, pages: number, cursor: { w: number }): number {
  let left = pages;
  const n = bm.length;
  let scanned = 0;
  while (left > 0 && scanned < n) {
    const i = cursor.w;
    let w = bm[i];
    if (w !== 0) {
      const c = popcount32(w);
      if (c <= left) {
        bm[i] = 0;
        left -= c;
      } else {
        while (left > 0) {
          w &= w - 1; // clear lowest set bit
          left--;
        }
        bm[i] = w;
        break;
      }
    }
    cursor.w = i + 1 === n ? 0 : i + 1;
    scanned++;
  }
  return pages - left;
}

/** Simulate a live migration with a built-in dirtying model (`params.dirty`). */
export function simulateMigration(params: MigrationParams): MigrationResult {
  const pages = Math.ceil(params.memoryBytes / PAGE_SIZE);
  return run(params, pages, makeDirtier(params.dirty, pages, params.seed ?? 1));
}

/**
 * Simulate a live migration whose dirty pages come from a real dirty log (a VM on the VMX core with EPT or
 * shadow-paging dirty tracking). `params.dirty` is ignored; memory size is the source's page count.
 */
export function simulateMigrationFromSource(params: Omit<MigrationParams, 'dirty' | 'memoryBytes'>, source: DirtyPageSource): MigrationResult {
  const full: MigrationParams = { ...params, memoryBytes: source.pageCount * PAGE_SIZE, dirty: { kind: 'uniform', bytesPerSecond: 0 } };
  return run(full, source.pageCount, sourceDirtier(source));
}

function run(p: MigrationParams, pages: number, dirtier: Dirtier): MigrationResult {
  const R = p.bandwidthBytesPerSecond;
  const memory = pages * PAGE_SIZE;
  const cap = Math.max(1, Math.floor(p.maxRounds ?? defaultRoundCap(p.rule)));
  const downtimeLimit = p.downtimeLimitSeconds ?? QEMU_DOWNTIME_LIMIT_S;
  const xenFactor = p.xenMaxFactor ?? XEN_MAX_FACTOR;
  const xenMinPages = p.xenMinPages ?? XEN_MIN_PAGES;
  const cd = clarkDefaults();
  // Clark's rule: the link bandwidth given is the administrator maximum (§B1).
  const clarkMax = R;
  const clarkMin = Math.min(p.clarkMinBytesPerSecond ?? cd.min, clarkMax);
  const clarkInc = p.clarkIncrementBytesPerSecond ?? cd.inc;
  const clarkThreshold = p.clarkThresholdBytes ?? CLARK_THRESHOLD_BYTES;
  const ac = autoConvergeParams(p.autoConverge);
  const resume = p.resumeSeconds ?? 0;
  const arpDelay = p.arpDelaySeconds ?? defaultArpDelaySeconds(p.rule);

  let toSend = newBitmap(pages);
  let dirty = newBitmap(pages);
  fillPages(toSend, pages);
  let toSendCount = pages;

  const roundList: RoundRecord[] = [];
  const events: MigrationEvent[] = [{ t: 0, kind: 'start', pages, bytes: memory }];
  let t = 0;
  let bytesSent = 0;
  let pagesSent = 0;
  let throttle = 0;
  let rate = p.rule === 'clark' ? clarkMin : R;
  // auto-converge period accounting (§B2)
  let periodT = 0;
  let periodDirtyBytes = 0;
  let periodXferBytes = 0;
  let highCount = 0;

  let stopReason: StopReason = 'round-cap';
  let converged = false;
  let finalRate = R;

  for (let round = 1; ; round++) {
    const bytes = toSendCount * PAGE_SIZE;
    const duration = bytes / rate;
    events.push({ t, kind: 'round-start', round, pages: toSendCount, bytes });
    // The guest keeps running (at 1 - throttle of its vCPU time: MODEL ASSUMPTION that dirtying is
    // proportional to vCPU time) and its writes land in the dirty bitmap the next round sends.
    dirtier.advance(duration * (1 - throttle), dirty);
    const dirtyCount = countPages(dirty);
    roundList.push({ index: round, startSeconds: t, durationSeconds: duration, pagesSent: toSendCount, bytesSent: bytes, bandwidthBytesPerSecond: rate, dirtyPages: dirtyCount, throttle });
    t += duration;
    bytesSent += bytes;
    pagesSent += toSendCount;
    events.push({ t, kind: 'round-end', round, pages: dirtyCount, bytes: dirtyCount * PAGE_SIZE });
    const dirtyBytes = dirtyCount * PAGE_SIZE;

    // Stop rule, applied to the next dirty set (§B4 vector rules).
    let stop: StopReason | null = null;
    if (p.rule === 'qemu') {
      // threshold_size = bandwidth x downtime_limit; stop-and-copy when pending <= threshold (§B2)
      if (dirtyBytes <= R * downtimeLimit) stop = 'qemu-downtime';
    } else if (p.rule === 'xen') {
      if (dirtyCount < xenMinPages) stop = 'xen-few-pages';
      else if (round >= cap) stop = 'xen-max-iters';
      else if (bytesSent > xenFactor * memory) stop = 'xen-max-factor';
    } else {
      const observed = duration > 0 ? dirtyBytes / duration : 0;
      const next = observed + clarkInc;
      if (dirtyBytes < clarkThreshold) stop = 'clark-threshold';
      else if (next > clarkMax) stop = 'clark-rate-max';
      else rate = next;
    }
    if (stop === null && round >= cap) stop = 'round-cap';
    if (p.postCopy && round >= p.postCopy.afterRounds && (stop === null || stop === 'round-cap' || stop === 'xen-max-iters' || stop === 'xen-max-factor' || stop === 'clark-rate-max')) {
      stop = 'post-copy';
    }

    // auto-converge (§B2): per period of > 1 s, dirtied bytes > 50 % of transferred bytes counts as high;
    // the third high period triggers (`dirty_rate_high_cnt++ >= 2`), the counter is then reset (QEMU
    // migration/ram.c, the code quoted in §B2); first trigger sets the initial throttle, later ones add the increment.
    if (ac && stop === null) {
      periodT += duration;
      periodDirtyBytes += dirtyBytes;
      periodXferBytes += bytes;
      if (periodT >= ac.periodSeconds) {
        if (periodDirtyBytes > ac.triggerThreshold * periodXferBytes && highCount++ >= 2) {
          highCount = 0;
          throttle = throttle === 0 ? ac.initial : Math.min(ac.max, throttle + ac.increment);
          events.push({ t, kind: 'throttle', round, throttle });
        }
        periodT = 0;
        periodDirtyBytes = 0;
        periodXferBytes = 0;
      }
    }

    if (stop !== null) {
      stopReason = stop;
      converged = stop === 'qemu-downtime' || stop === 'xen-few-pages' || stop === 'clark-threshold';
      finalRate = p.rule === 'clark' ? clarkMax : R; // Clark: the last round at the maximum rate (§B1)
      break;
    }
    const tmp = toSend;
    toSend = dirty;
    dirty = tmp;
    dirty.fill(0);
    toSendCount = dirtyCount;
  }

  const remaining = countPages(dirty);
  const rounds = roundList.length;
  let downtime: number;
  let activation: number;
  let total: number;
  let stopAndCopyPages = 0;
  let postCopy: PostCopyResult | null = null;
  events.push({ t, kind: 'suspend', round: rounds, pages: remaining });

  if (stopReason === 'post-copy') {
    // Post-copy (§B2 postcopy-ram): the VM stops at the source, starts at the destination after T_res; the
    // pages still dirty are pushed in the background at the link rate (max-postcopy-bandwidth 0 = unlimited,
    // §B2) while guest accesses to missing pages fault and are fetched first.
    events.push({ t, kind: 'postcopy-switch', round: rounds, pages: remaining, bytes: remaining * PAGE_SIZE });
    downtime = resume;
    activation = t + resume;
    events.push({ t: activation, kind: 'activate' });
    const pc = postCopyPhase(dirty, remaining, R, dirtier, p.postCopy?.faultRttSeconds ?? 0);
    postCopy = { pagesAtSwitch: remaining, ...pc };
    bytesSent += remaining * PAGE_SIZE;
    pagesSent += remaining;
    total = activation + pc.degradationSeconds;
    events.push({ t: total, kind: 'postcopy-done', pages: remaining, note: `${pc.faults} faults` });
  } else {
    stopAndCopyPages = remaining;
    const copy = (remaining * PAGE_SIZE) / finalRate;
    t += copy;
    bytesSent += remaining * PAGE_SIZE;
    pagesSent += remaining;
    events.push({ t, kind: 'stop-and-copy-end', pages: remaining, bytes: remaining * PAGE_SIZE });
    downtime = copy + resume;
    activation = t + resume;
    total = activation; // T_mig = sum of rounds + stop-and-copy + T_res (§B4)
    events.push({ t: activation, kind: 'activate' });
  }
  events.push({ t: activation + arpDelay, kind: 'arp' });
  events.push({ t: Math.max(total, activation + arpDelay), kind: 'complete', bytes: bytesSent });

  return {
    rule: p.rule,
    memoryBytes: memory,
    pages,
    rounds,
    roundList,
    converged,
    stopReason,
    stopAndCopyPages,
    stopAndCopyBytes: stopAndCopyPages * PAGE_SIZE,
    downtimeMs: downtime * 1000,
    totalSeconds: total,
    bytesSent,
    pagesSent,
    activationSeconds: activation,
    arpSeconds: activation + arpDelay,
    arpDelayMs: arpDelay * 1000,
    finalThrottle: throttle,
    postCopy,
    events,
  };
}

function postCopyPhase(missing: PageBitmap, count: number, R: number, dirtier: Dirtier, rtt: number): Omit<PostCopyResult, 'pagesAtSwitch'> {
  const pageTime = PAGE_SIZE / R;
  if (count === 0) return { faults: 0, degradationSeconds: 0, stallSeconds: 0 };
  const touched = newBitmap(missing.length * 32);
  // Slices of simulated time; at most ~256 slices (each slice costs one pass over the bitmap).
  const slicePages = Math.max(1, Math.ceil(count / 256));
  const slice = slicePages * pageTime;
  const cursor = { w: 0 };
  let left = count;
  let faults = 0;
  let t = 0;
  let carry = 0;
  while (left > 0) {
    dirtier.advance(slice, touched);
    let f = 0;
    for (let i = 0; i < missing.length; i++) {
      const tw = touched[i];
      if (tw === 0) continue;
      const hit = tw & missing[i];
      if (hit !== 0) {
        f += popcount32(hit);
        missing[i] &= ~hit;
      }
      touched[i] = 0;
    }
    faults += f;
    left -= f;
    // faulted pages are sent first, each costing one page time (+ RTT stall for the vCPU, not the link)
    const budgetExact = slicePages + carry - f;
    const budget = Math.max(0, Math.floor(budgetExact));
    carry = budgetExact > 0 ? budgetExact - budget : 0;
    if (left <= 0) {
      t += (f + 0) * pageTime;
      break;
    }
    if (budget >= left) {
      pushPages(missing, left, cursor);
      t += (f + left) * pageTime;
      left = 0;
      break;
    }
    left -= pushPages(missing, budget, cursor);
    t += Math.max(slice, f * pageTime);
  }
  return { faults, degradationSeconds: t, stallSeconds: faults * (pageTime + rtt) };
}
