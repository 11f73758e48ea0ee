import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURVE_ML110_G4, CURVE_ML110_G5, SEED_ROSTER, XEON_5100_5000P, makeHosts, reservedDemand } from '../model/index.ts';
import {
  balancedAllocationScore,
  bestFitDecreasing,
  checkMove,
  firstFitDecreasing,
  kubeSchedule,
  kubeScore,
  leastAllocatedScore,
  lowerBound,
  mostAllocatedScore,
  powerAwareBestFitDecreasing,
  summarise,
  tco,
  toPlacementHost,
  toPlacementItem,
  validatePlacement,
  type PlacementHost,
  type PlacementItem,
} from './index.ts';

const host = (id: string, cpu: number, mem = 1e9, net = 1e9, power = CURVE_ML110_G4): PlacementHost => ({ id, name: id, capacity: { cpuMips: cpu, memMiB: mem, netMbit: net }, power, rackUnits: 1 });
const item = (id: string, cpu: number, mem = 0, net = 0, replicaGroup?: string): PlacementItem =>
  replicaGroup === undefined ? { id, name: id, demand: { cpuMips: cpu, memMiB: mem, netMbit: net } } : { id, name: id, demand: { cpuMips: cpu, memMiB: mem, netMbit: net }, replicaGroup };
const bins = (n: number, cap: number) => Array.from({ length: n }, (_, i) => host(`h${i + 1}`, cap));
const used = (a: Record<string, string>) => new Set(Object.values(a)).size;

/** Exact 1-D bin packing optimum by branch and bound (small n only). */
function opt(sizes: number[], cap: number): number {
  const s = [...sizes].sort((a, b) => b - a);
  let best = s.length;
  const loads: number[] = [];
  const go = (i: number): void => {
    if (loads.length >= best) return;
    if (i === s.length) {
      best = loads.length;
      return;
    }
    const seen = new Set<number>();
    for (let b = 0; b < loads.length; b++) {
      if (loads[b]! + s[i]! <= cap && !seen.has(loads[b]!)) {
        seen.add(loads[b]!);
        loads[b]! += s[i]!;
        go(i + 1);
        loads[b]! -= s[i]!;
      }
    }
    loads.push(s[i]!);
    go(i + 1);
    loads.pop();
  };
  go(0);
  return best;
}

describe('FFD / BFD / PABFD on hand-checked instances', () => {
  it('FFD packs 6,5,4,3,2 into two bins of 10 exactly as by hand', () => {
    const items = [2, 5, 4, 6, 3].map((s) => item(`v${s}`, s));
    const r = firstFitDecreasing(items, bins(4, 10));
    expect(r.order).toEqual(['v6', 'v5', 'v4', 'v3', 'v2']);
    expect(r.assignment).toEqual({ v6: 'h1', v5: 'h2', v4: 'h1', v3: 'h2', v2: 'h2' });
    expect(lowerBound(items, bins(4, 10)).value).toBe(2);
  });
  it('FFD takes the first host that fits, BFD the tightest', () => {
    const hosts = [host('big', 20), host('small', 10)];
    expect(firstFitDecreasing([item('a', 8)], hosts).assignment).toEqual({ a: 'big' });
    expect(bestFitDecreasing([item('a', 8)], hosts).assignment).toEqual({ a: 'small' });
  });
  it('respects memory as well as CPU', () => {
    const r = firstFitDecreasing([item('a', 1, 6), item('b', 1, 6)], [host('h1', 10, 10), host('h2', 10, 10)]);
    expect(r.assignment).toEqual({ a: 'h1', b: 'h2' });
  });
  it('keeps replicas apart and reports VMs that fit nowhere', () => {
    const r = firstFitDecreasing([item('p1', 1, 0, 0, 'g'), item('p2', 1, 0, 0, 'g'), item('x', 50)], bins(2, 10));
    expect(r.assignment.p1).not.toBe(r.assignment.p2);
    expect(r.unplaced).toEqual(['x']);
  });
  it('PABFD puts a VM where the power rises least (G4 vs G5 curves, §A2)', () => {
    const g4 = host('g4', 3720, 4096, 1000, CURVE_ML110_G4);
    const g5 = host('g5', 5320, 4096, 1000, CURVE_ML110_G5);
    // G4: 1000/3720 = 26.9 % -> 94.94 W from off; G5: 1000/5320 = 18.8 % -> 100.5 W.
    expect(powerAwareBestFitDecreasing([item('v', 1000)], [g5, g4]).assignment).toEqual({ v: 'g4' });
    // Once g4 runs, adding to it costs only the slope: the second VM joins it.
    const r = powerAwareBestFitDecreasing([item('v', 1000), item('w', 900)], [g5, g4]);
    expect(r.assignment).toEqual({ v: 'g4', w: 'g4' });
  });
});

describe('Kubernetes scores (usage-models.md §D2)', () => {
  const cap = { cpuMips: 4000, memMiB: 8192, netMbit: 1000 };
  it('per-resource formulas with Go integer truncation', () => {
    expect(leastAllocatedScore(3000, 4000)).toBe(25);
    expect(leastAllocatedScore(1024, 8192)).toBe(87);
    expect(leastAllocatedScore(5000, 4000)).toBe(0);
    expect(mostAllocatedScore(1024, 8192)).toBe(12);
    expect(mostAllocatedScore(5000, 4000)).toBe(100);
  });
  it('node scores: weighted means and BalancedAllocation (requested includes the incoming VM)', () => {
    const load = { cpuMips: 2000, memMiB: 512, netMbit: 0 };
    const v = item('v', 1000, 512);
    expect(kubeScore('least-allocated', load, v, cap)).toBe(Math.trunc((25 + 87) / 2));
    expect(kubeScore('most-allocated', load, v, cap)).toBe(Math.trunc((75 + 12) / 2));
    // std = |0.75 - 0.125| / 2 = 0.3125 -> (1 - 0.3125) x 100 = 68.75 -> 68
    expect(kubeScore('balanced-allocation', load, v, cap)).toBe(68);
    expect(balancedAllocationScore({ cpuMips: 2000, memMiB: 4096, netMbit: 0 }, cap)).toBe(100);
    // three resources: population standard deviation
    const f = [0.5, 0.25, 1];
    const mean = (0.5 + 0.25 + 1) / 3;
    const std = Math.sqrt(f.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    expect(balancedAllocationScore({ cpuMips: 2000, memMiB: 2048, netMbit: 1000 }, cap, { cpuMips: 1, memMiB: 1, netMbit: 1 })).toBe(Math.trunc((1 - std) * 100));
  });
  it('LeastAllocated spreads, MostAllocated packs', () => {
    const items = [item('a', 1000, 1000), item('b', 1000, 1000)];
    const hosts = [host('h1', 4000, 8192), host('h2', 4000, 8192)];
    expect(used(kubeSchedule('least-allocated', items, hosts).assignment)).toBe(2);
    expect(used(kubeSchedule('most-allocated', items, hosts).assignment)).toBe(1);
  });
});

describe('manual placement validation', () => {
  const hosts = [host('h1', 10, 10, 10), host('h2', 10, 10, 10)];
  const items = [item('a', 6, 1, 1, 'pbx'), item('b', 6, 1, 1, 'pbx'), item('c', 3, 9, 1)];
  it('explains an overfull host and a co-located replica in words', () => {
    const r = validatePlacement(items, hosts, { a: 'h1', b: 'h1', c: 'h2' });
    expect(r.ok).toBe(false);
    expect(r.violations.map((v) => v.kind).sort()).toEqual(['anti-affinity', 'capacity']);
    const cap = r.violations.find((v) => v.kind === 'capacity')!;
    expect(cap.message).toContain('need 12 MIPS: 2 MIPS too much');
    expect(r.violations.find((v) => v.kind === 'anti-affinity')!.message).toContain('must run on different hosts');
  });
  it('checkMove refuses a drop on an overfull host and accepts a fitting one', () => {
    expect(checkMove(items, hosts, { a: 'h1', c: 'h2' }, 'b', 'h2').ok).toBe(true);
    const bad = checkMove(items, hosts, { a: 'h1', c: 'h2' }, 'b', 'h1');
    expect(bad.ok).toBe(false);
    expect(bad.violations.map((v) => v.kind).sort()).toEqual(['anti-affinity', 'capacity']);
  });
  it('accepts exactly the placements that fit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.integer({ min: 0, max: 10 }), mem: fc.integer({ min: 0, max: 10 }), g: fc.option(fc.constantFrom('g1', 'g2'), { nil: undefined }) }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 8, maxLength: 8 }),
        (specs, where) => {
          const its = specs.map((s, i) => item(`v${i}`, s.cpu, s.mem, 0, s.g));
          const hs = [host('h0', 10, 10, 10), host('h1', 12, 8, 10), host('h2', 5, 5, 10)];
          const asg: Record<string, string> = {};
          its.forEach((it, i) => {
            if (where[i]! >= 0) asg[it.id] = `h${where[i]}`;
          });
          let fits = true;
          for (const h of hs) {
            const on = its.filter((it) => asg[it.id] === h.id);
            if (on.reduce((s, x) => s + x.demand.cpuMips, 0) > h.capacity.cpuMips) fits = false;
            if (on.reduce((s, x) => s + x.demand.memMiB, 0) > h.capacity.memMiB) fits = false;
            const gs = on.map((x) => x.replicaGroup).filter((g) => g !== undefined);
            if (new Set(gs).size !== gs.length) fits = false;
          }
          expect(validatePlacement(its, hs, asg).ok).toBe(fits);
        },
      ),
    );
  });
});

describe('placement properties', () => {
  const arbInstance = fc.record({
    items: fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 100 }), mem: fc.integer({ min: 0, max: 100 }), net: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 25 }),
    hosts: fc.array(fc.record({ cpu: fc.integer({ min: 50, max: 200 }), mem: fc.integer({ min: 50, max: 200 }), net: fc.integer({ min: 50, max: 200 }) }), { minLength: 1, maxLength: 30 }),
  });
  it('no algorithm exceeds a capacity; FFD/BFD/PABFD use at least the lower bound', () => {
    fc.assert(
      fc.property(arbInstance, ({ items, hosts }) => {
        const its = items.map((x, i) => item(`v${i}`, x.cpu, x.mem, x.net));
        const hs = hosts.map((x, i) => host(`h${i}`, x.cpu, x.mem, x.net));
        const lb = lowerBound(its, hs).value;
        for (const r of [firstFitDecreasing(its, hs), bestFitDecreasing(its, hs), powerAwareBestFitDecreasing(its, hs), kubeSchedule('most-allocated', its, hs), kubeSchedule('balanced-allocation', its, hs)]) {
          expect(validatePlacement(its, hs, r.assignment).ok).toBe(true);
          expect(Object.keys(r.assignment).length + r.unplaced.length).toBe(its.length);
          if (r.unplaced.length === 0 && r.algorithm !== 'kube:most-allocated' && r.algorithm !== 'kube:balanced-allocation') expect(used(r.assignment)).toBeGreaterThanOrEqual(lb);
        }
      }),
    );
  });
  it('FFD <= 11/9 OPT + 6/9 on one resource and identical hosts (usage-models.md §D1)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 10 }), (sizes) => {
        const its = sizes.map((s, i) => item(`v${i}`, s));
        const o = opt(sizes, 100);
        const ffd = used(firstFitDecreasing(its, bins(sizes.length, 100)).assignment);
        const bfd = used(bestFitDecreasing(its, bins(sizes.length, 100)).assignment);
        expect(ffd).toBeGreaterThanOrEqual(o);
        expect(ffd).toBeLessThanOrEqual((11 / 9) * o + 6 / 9 + 1e-12);
        expect(bfd).toBeGreaterThanOrEqual(o);
        expect(o).toBeGreaterThanOrEqual(lowerBound(its, bins(sizes.length, 100)).value);
      }),
      { numRuns: 200 },
    );
  });
  it("FFD = 11 where OPT = 9 on Johnson's tight family (usage-models.md §D1: 11/9 asymptotic)", () => {
    // Bins of 1000: 6 x 501, 6 x 252, 6 x 251, 12 x 248. OPT = 9 by hand: 6 x {501, 251, 248} + 3 x {252, 252, 248, 248}.
    // FFD: 6 bins 501+252 (no 251 or 248 fits: 1004, 1001), 2 bins 3 x 251, 3 bins 4 x 248 = 11.
    const sizes = [...Array(6).fill(501), ...Array(6).fill(252), ...Array(6).fill(251), ...Array(12).fill(248)];
    const its = sizes.map((s, i) => item(`v${i}`, s));
    const ffd = used(firstFitDecreasing(its, bins(30, 1000)).assignment);
    expect(ffd).toBe(11);
    expect(ffd).toBeLessThanOrEqual((11 / 9) * 9 + 6 / 9);
    expect(lowerBound(its, bins(30, 1000)).value).toBeLessThanOrEqual(9);
    // the optimum exists: a valid 9-host placement
    const nine: Record<string, string> = {};
    its.forEach((it, i) => {
      const s = sizes[i]!;
      const k = i % 6;
      nine[it.id] = s === 501 || s === 251 ? `h${k + 1}` : s === 252 ? `h${7 + Math.floor(k / 2)}` : i < 24 ? `h${k + 1}` : `h${7 + Math.floor(k / 2)}`;
    });
    expect(validatePlacement(its, bins(30, 1000), nine).ok).toBe(true);
    expect(used(nine)).toBe(9);
  });
});

describe('seed roster consolidation', () => {
  it('before: one server each; after: packed onto Xeon 5100 hosts with power and TCO', () => {
    const items = SEED_ROSTER.map((v) => toPlacementItem(v, reservedDemand(v)));
    const hosts = makeHosts(XEON_5100_5000P, SEED_ROSTER.length).map(toPlacementHost);
    const before = summarise(items, hosts, Object.fromEntries(items.map((it, i) => [it.id, hosts[i]!.id])));
    const r = firstFitDecreasing(items, hosts);
    expect(r.unplaced).toEqual([]);
    const after = summarise(items, hosts, r.assignment);
    expect(before.hostsUsed).toBe(11);
    expect(after.hostsUsed).toBeGreaterThanOrEqual(after.lowerBound.value);
    expect(after.hostsUsed).toBeLessThan(before.hostsUsed);
    expect(after.totalWatts).toBeLessThan(before.totalWatts);
    expect(r.assignment['pbx-1']).not.toBe(r.assignment['pbx-2']);
    const t0 = tco(before.loads.filter((l) => l.running).map((l) => ({ watts: l.watts, rackUnits: 1 })));
    const t1 = tco(after.loads.filter((l) => l.running).map((l) => ({ watts: l.watts, rackUnits: 1 })));
    expect(t1.totalUsd).toBeLessThan(t0.totalUsd);
    expect(t0.energyKWh).toBeCloseTo((before.totalWatts * 2 * 8760 * 3) / 1000, 6);
  });
});
