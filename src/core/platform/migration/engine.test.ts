import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simulateMigration, simulateMigrationFromSource } from './engine.ts';
import { newByteBitmap, countPages, newBitmap } from './bitmap.ts';
import { makeDirtier, type DirtyPageSource } from './dirty.ts';
import { MIB, PAGE_SIZE, mbitToBytesPerSecond } from './units.ts';
import type { MigrationParams } from './params.ts';

const GBIT = mbitToBytesPerSecond(1000);
const base = (over: Partial<MigrationParams>): MigrationParams => ({
  memoryBytes: 256 * MIB,
  bandwidthBytesPerSecond: GBIT,
  dirty: { kind: 'uniform', bytesPerSecond: 20 * MIB },
  rule: 'qemu',
  ...over,
});

describe('round accounting', () => {
  it('round 1 sends all memory, each later round the pages dirtied in the previous one; totals add up', () => {
    const r = simulateMigration(base({ dirty: { kind: 'uniform', bytesPerSecond: 60 * MIB } }));
    expect(r.roundList[0].pagesSent).toBe(r.pages);
    for (let i = 1; i < r.rounds; i++) expect(r.roundList[i].pagesSent).toBe(r.roundList[i - 1].dirtyPages);
    expect(r.stopAndCopyPages).toBe(r.roundList[r.rounds - 1].dirtyPages);
    const pre = r.roundList.reduce((s, x) => s + x.bytesSent, 0);
    expect(r.bytesSent).toBe(pre + r.stopAndCopyBytes);
    const t = r.roundList.reduce((s, x) => s + x.durationSeconds, 0);
    expect(r.totalSeconds).toBeCloseTo(t + r.downtimeMs / 1000, 9);
    for (const x of r.roundList) expect(x.durationSeconds).toBeCloseTo(x.bytesSent / GBIT, 12);
  });

  it('events run in time order: start, rounds, suspend, stop-and-copy, activation, then the ARP', () => {
    const r = simulateMigration(base({}));
    for (let i = 1; i < r.events.length; i++) expect(r.events[i].t).toBeGreaterThanOrEqual(r.events[i - 1].t);
    const kinds = r.events.map((e) => e.kind);
    expect(kinds[0]).toBe('start');
    expect(kinds.filter((k) => k === 'round-start').length).toBe(r.rounds);
    expect(kinds.slice(-5)).toEqual(['suspend', 'stop-and-copy-end', 'activate', 'arp', 'complete']);
    expect(r.arpSeconds - r.activationSeconds).toBeCloseTo(0.05, 12); // QEMU announce-initial 50 ms (§B2)
  });

  it('is deterministic under a seed', () => {
    const p = base({ dirty: { kind: 'random', bytesPerSecond: 40 * MIB }, seed: 7 });
    expect(simulateMigration(p)).toEqual(simulateMigration(p));
  });
});

describe('stop rules', () => {
  it('QEMU: stops once the dirty set fits in bandwidth x downtime-limit (default 300 ms); a tighter limit needs more rounds', () => {
    const r = simulateMigration(base({ dirty: { kind: 'uniform', bytesPerSecond: 60 * MIB } }));
    expect(r.stopReason).toBe('qemu-downtime');
    expect(r.stopAndCopyBytes).toBeLessThanOrEqual(GBIT * 0.3);
    expect(r.roundList[r.rounds - 2].dirtyPages * PAGE_SIZE).toBeGreaterThan(GBIT * 0.3);
    expect(r.downtimeMs).toBeLessThanOrEqual(300);
    const tight = simulateMigration(base({ dirty: { kind: 'uniform', bytesPerSecond: 60 * MIB }, downtimeLimitSeconds: 0.03 }));
    expect(tight.rounds).toBeGreaterThan(r.rounds);
    expect(tight.downtimeMs).toBeLessThanOrEqual(30);
  });

  it('QEMU without a cap does not converge when D >= R; the round cap stops it', () => {
    const r = simulateMigration(base({ dirty: { kind: 'uniform', bytesPerSecond: 130 * MIB }, maxRounds: 12 }));
    expect(r.converged).toBe(false);
    expect(r.stopReason).toBe('round-cap');
    expect(r.rounds).toBe(12);
  });

  it('Xen: fewer than 50 dirty pages ends pre-copy', () => {
    const r = simulateMigration(base({ rule: 'xen' }));
    expect(r.stopReason).toBe('xen-few-pages');
    expect(r.stopAndCopyPages).toBeLessThan(50);
    expect(r.roundList[r.rounds - 2].dirtyPages).toBeGreaterThanOrEqual(50);
  });

  it('Xen: more than 3 x memory sent ends pre-copy', () => {
    const r = simulateMigration(base({ rule: 'xen', dirty: { kind: 'uniform', bytesPerSecond: 110 * MIB } }));
    expect(r.stopReason).toBe('xen-max-factor');
    const pre = r.bytesSent - r.stopAndCopyBytes;
    expect(pre).toBeGreaterThan(3 * r.memoryBytes);
    expect(pre - r.roundList[r.rounds - 1].bytesSent).toBeLessThanOrEqual(3 * r.memoryBytes);
  });

  it('Xen: 30 rounds at most (DEF_MAX_ITERS 29, "30 times round loop")', () => {
    // a 1 MiB hot set stays above 50 pages every round but never adds up to 3 x memory
    const r = simulateMigration(base({ rule: 'xen', memoryBytes: 1024 * MIB, dirty: { kind: 'wws', bytesPerSecond: 200 * MIB, wwsBytes: 1 * MIB } }));
    expect(r.stopReason).toBe('xen-max-iters');
    expect(r.rounds).toBe(30);
  });

  it('Clark: round 1 at 100 Mbit/s, then observed dirtying rate + 50 Mbit/s; stops under 256 KB', () => {
    const r = simulateMigration(base({ rule: 'clark', bandwidthBytesPerSecond: mbitToBytesPerSecond(500), dirty: { kind: 'uniform', bytesPerSecond: 5 * MIB } }));
    expect(r.roundList[0].bandwidthBytesPerSecond).toBe(mbitToBytesPerSecond(100));
    const r1 = r.roundList[0];
    expect(r.roundList[1].bandwidthBytesPerSecond).toBeCloseTo((r1.dirtyPages * PAGE_SIZE) / r1.durationSeconds + mbitToBytesPerSecond(50), 6);
    expect(r.stopReason).toBe('clark-threshold');
    expect(r.stopAndCopyBytes).toBeLessThan(256 * 1024);
  });

  it('Clark: stops when the next rate would exceed the administrator maximum', () => {
    const r = simulateMigration(base({ rule: 'clark', bandwidthBytesPerSecond: mbitToBytesPerSecond(500), dirty: { kind: 'uniform', bytesPerSecond: 60 * MIB } }));
    expect(r.stopReason).toBe('clark-rate-max');
    expect(r.converged).toBe(false);
  });
});

describe('dirtying models', () => {
  it('WWS: no round dirties more than the hot set', () => {
    const W = 8 * MIB;
    const r = simulateMigration(base({ dirty: { kind: 'wws', bytesPerSecond: 500 * MIB, wwsBytes: W }, downtimeLimitSeconds: 0.01 }));
    for (const x of r.roundList) expect(x.dirtyPages).toBeLessThanOrEqual(W / PAGE_SIZE);
    expect(r.roundList[0].dirtyPages).toBe(W / PAGE_SIZE);
  });

  it('random writes repeat pages: fewer distinct pages than writes (unlike the uniform sweep)', () => {
    const pages = 4096;
    const bmU = newBitmap(pages);
    const bmR = newBitmap(pages);
    makeDirtier({ kind: 'uniform', bytesPerSecond: 2048 * PAGE_SIZE }, pages, 1).advance(1, bmU);
    makeDirtier({ kind: 'random', bytesPerSecond: 2048 * PAGE_SIZE }, pages, 1).advance(1, bmR);
    expect(countPages(bmU)).toBe(2048);
    expect(countPages(bmR)).toBeLessThan(2048);
  });

  it('a replayed page-write trace dirties exactly its pages, looping if asked', () => {
    const d = makeDirtier({ kind: 'trace', times: [0.1, 0.2, 0.5], pages: [3, 7, 9], loop: true }, 16, 1);
    const a = newBitmap(16);
    d.advance(0.3, a);
    expect(countPages(a)).toBe(2);
    const b = newBitmap(16);
    d.advance(0.4, b); // 0.3 .. 0.7: page 9 at 0.5, then wraps: 0.1 and (0.7-0.5)=0.2 > 0.1 -> page 3
    expect(countPages(b)).toBe(2);
  });
});

describe('auto-converge (QEMU defaults: initial 20 %, increment 10 %, §B2)', () => {
  it('makes a non-converging migration converge, raising the throttle 20 % -> 30 % -> ...', () => {
    const p = base({ memoryBytes: 1024 * MIB, dirty: { kind: 'uniform', bytesPerSecond: 125 * MIB }, maxRounds: 200 });
    expect(simulateMigration(p).converged).toBe(false);
    const r = simulateMigration({ ...p, autoConverge: true });
    expect(r.converged).toBe(true);
    const th = r.events.filter((e) => e.kind === 'throttle').map((e) => e.throttle!);
    expect(th[0]).toBeCloseTo(0.2, 12);
    for (let i = 1; i < th.length; i++) expect(th[i] - th[i - 1]).toBeCloseTo(0.1, 12);
    // the third high period triggers (dirty_rate_high_cnt++ >= 2): rounds 1 and 2 run unthrottled
    expect(r.roundList[0].throttle).toBe(0);
    expect(r.roundList[2].throttle).toBe(0);
    expect(r.roundList[3].throttle).toBeCloseTo(0.2, 12);
  });
});

describe('post-copy', () => {
  it('switches after the given rounds: downtime is T_res only, the missing pages arrive during a degradation period', () => {
    const p = base({ memoryBytes: 1024 * MIB, dirty: { kind: 'wws', bytesPerSecond: 125 * MIB, wwsBytes: 256 * MIB }, postCopy: { afterRounds: 2 }, resumeSeconds: 0.009 });
    const r = simulateMigration(p);
    expect(r.stopReason).toBe('post-copy');
    expect(r.rounds).toBe(2);
    expect(r.downtimeMs).toBeCloseTo(9, 9);
    const pc = r.postCopy!;
    expect(pc.pagesAtSwitch).toBe(r.roundList[1].dirtyPages);
    expect(pc.faults).toBeGreaterThan(0);
    expect(pc.faults).toBeLessThanOrEqual(pc.pagesAtSwitch);
    expect(pc.degradationSeconds).toBeCloseTo((pc.pagesAtSwitch * PAGE_SIZE) / GBIT, 1);
    expect(r.bytesSent).toBe(r.roundList.reduce((s, x) => s + x.bytesSent, 0) + pc.pagesAtSwitch * PAGE_SIZE);
    expect(r.events.some((e) => e.kind === 'postcopy-done')).toBe(true);
  });
});

describe('dirty-page source hook (a VM on the VMX core)', () => {
  it('migrates from the pages a fake dirty log reports, and tells it how long the guest ran', () => {
    const pageCount = 1000;
    const asked: number[] = [];
    const script = [[1, 2, 3, 900, 999], [5, 6], []];
    let call = 0;
    const src: DirtyPageSource = {
      pageCount,
      nextRoundDirtyPages(guestSeconds) {
        asked.push(guestSeconds);
        const bm = newByteBitmap(pageCount);
        for (const p of script[Math.min(call, script.length - 1)]) bm[p >> 3] |= 1 << (p & 7);
        call++;
        return bm;
      },
    };
    const r = simulateMigrationFromSource({ bandwidthBytesPerSecond: GBIT, rule: 'xen' }, src);
    expect(r.pages).toBe(1000);
    expect(r.roundList.map((x) => x.pagesSent)).toEqual([1000]);
    expect(r.stopAndCopyPages).toBe(5); // 5 < 50 pages: Xen stops after round 1
    expect(asked[0]).toBeCloseTo((1000 * PAGE_SIZE) / GBIT, 12);
  });

  it('runs rounds from the log until it is quiet (QEMU, zero downtime limit)', () => {
    const pageCount = 64;
    const script = [[1, 2, 3], [5], []];
    let call = 0;
    const r = simulateMigrationFromSource(
      { bandwidthBytesPerSecond: GBIT, rule: 'qemu', downtimeLimitSeconds: 0 },
      {
        pageCount,
        nextRoundDirtyPages() {
          const bm = newByteBitmap(pageCount);
          for (const p of script[Math.min(call++, script.length - 1)]) bm[p >> 3] |= 1 << (p & 7);
          return bm;
        },
      },
    );
    expect(r.roundList.map((x) => x.pagesSent)).toEqual([64, 3, 1]);
    expect(r.stopAndCopyPages).toBe(0);
    expect(r.downtimeMs).toBe(0);
  });
});

describe('properties', () => {
  const arb = fc.record({
    memMib: fc.integer({ min: 1, max: 64 }),
    bwMbit: fc.integer({ min: 10, max: 10000 }),
    dMib: fc.double({ min: 0, max: 200, noNaN: true }),
    rule: fc.constantFrom('qemu' as const, 'xen' as const, 'clark' as const),
    seed: fc.integer({ min: 0, max: 1000 }),
  });
  const params = (x: { memMib: number; bwMbit: number; dMib: number; rule: 'qemu' | 'xen' | 'clark'; seed: number }): MigrationParams => ({
    memoryBytes: x.memMib * MIB,
    bandwidthBytesPerSecond: mbitToBytesPerSecond(x.bwMbit),
    dirty: { kind: 'uniform', bytesPerSecond: x.dMib * MIB },
    rule: x.rule,
    maxRounds: 50,
    seed: x.seed,
  });

  it('bytes sent >= memory size and downtime >= 0', () => {
    fc.assert(
      fc.property(arb, (x) => {
        const r = simulateMigration(params(x));
        return r.bytesSent >= r.memoryBytes && r.downtimeMs >= 0 && r.totalSeconds > 0;
      }),
      { numRuns: 150 },
    );
  });

  it('dirty rate 0: exactly one round, then a stop-and-copy of nothing', () => {
    fc.assert(
      fc.property(arb, (x) => {
        const r = simulateMigration(params({ ...x, dMib: 0 }));
        return r.rounds === 1 && r.stopAndCopyPages === 0 && r.downtimeMs === 0 && r.bytesSent === r.memoryBytes;
      }),
      { numRuns: 100 },
    );
  });

  // QEMU stops when what is left fits in the downtime limit at the measured bandwidth: more bandwidth meets that
  // no later. Xen's and Clark's rules stop on page counts, so a little more bandwidth can buy one more round
  // (and a shorter downtime) at a slightly longer total: the next test pins one such case.
  it('uniform model, QEMU rule: more bandwidth never increases the total time', () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 5000 }), fc.constant('qemu' as const), (x, extra, rule) => {
        const a = simulateMigration(params({ ...x, rule }));
        const b = simulateMigration(params({ ...x, rule, bwMbit: x.bwMbit + extra }));
        return b.totalSeconds <= a.totalSeconds * (1 + 1e-9);
      }),
      { numRuns: 150 },
    );
  });

  it('Xen rule: 555 Mbit/s instead of 550 takes one more round, a longer total and a shorter downtime (1 MiB, 51.4 MiB/s dirtied)', () => {
    const run = (bwMbit: number) => simulateMigration(params({ memMib: 1, bwMbit, dMib: 51.442558746736296, rule: 'xen', seed: 0 }));
    const a = run(550);
    const b = run(555);
    expect(b.rounds).toBe(a.rounds + 1);
    expect(b.totalSeconds).toBeGreaterThan(a.totalSeconds);
    expect(b.downtimeMs).toBeLessThan(a.downtimeMs);
  });
});
