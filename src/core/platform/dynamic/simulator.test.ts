/**
 * Rule-level tests of the consolidation simulator on small hand-made instances (§A2–§A4).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HP_ML110_G5, powerAt } from './power.ts';
import { parsePolicy, policyName, type Policy } from './policy.ts';
import { cloudSimReference } from './reference.ts';
import { HISTORY_LENGTH, createSimulation, internals, metrics, runDay, stepInterval, type DynState } from './simulator.ts';
import { SAMPLES_PER_DAY, TRACE_LENGTH, traceSetFromFiles, type TraceSet } from './trace.ts';

function traces(percentages: number[][]): TraceSet {
  const files = percentages.map((p, i) => ({
    name: `vm${String(i).padStart(3, '0')}`,
    text: Array.from({ length: SAMPLES_PER_DAY }, (_, k) => String(p[k % p.length])).join('\n') + '\n',
  }));
  const r = traceSetFromFiles(files);
  if (!r.ok) throw new Error(r.error);
  return r.traces;
}

function policy(name: string): Policy {
  const p = parsePolicy(name);
  if (!p.ok) throw new Error(p.error);
  return p.policy;
}

/** Sets VM v's history (newest first) by hand. */
function setHistory(st: DynState, v: number, newestFirst: number[]): void {
  for (let j = 0; j < HISTORY_LENGTH; j++) st.hist[v * HISTORY_LENGTH + j] = newestFirst[j] ?? 0;
  st.histLen[v] = Math.min(newestFirst.length, HISTORY_LENGTH);
}

describe('traces (§A1)', () => {
  it('takes VMs in byte order of the file names and appends a copy of the last sample', () => {
    const r = traceSetFromFiles([
      { name: 'b', text: '10\n'.repeat(288) },
      { name: 'B', text: '20\n'.repeat(288) },
      { name: 'a b', text: '30\n'.repeat(288) },
    ]);
    if (!r.ok) throw new Error(r.error);
    expect(r.traces.names).toEqual(['B', 'a b', 'b']);
    expect(r.traces.data[TRACE_LENGTH - 1]).toBe(0.2);
  });

  it('refuses a short file with its name', () => {
    const r = traceSetFromFiles([{ name: 'x', text: '1\n2\n' }]);
    expect(r.ok).toBe(false);
  });

  it('parses policy names and refuses unknown ones', () => {
    expect(parsePolicy('lr-mmt-1.2')).toEqual({ ok: true, policy: { kind: 'migrate', detector: 'lr', selection: 'mmt', parameter: 1.2 } });
    expect(parsePolicy('foo-mmt-1').ok).toBe(false);
    expect(parsePolicy('thr-xx-0.8').ok).toBe(false);
  });

  it('names a policy as CloudSim names its run (the parameter as the examples pass it: "1.0", "0.8"), from either spelling', () => {
    const name = (n: string): string => policyName(policy(n));
    expect(name('thr-mmt-1')).toBe('thr-mmt-1.0');
    expect(name('THR-MMT-1.0')).toBe('thr-mmt-1.0');
    expect(name('thr-mmt-1.00')).toBe('thr-mmt-1.0');
    expect(name('lr-mmt-1.2')).toBe('lr-mmt-1.2');
    expect(name('mad-mc-2.5')).toBe('mad-mc-2.5');
    expect(name('thr-mu-0.8')).toBe('thr-mu-0.8');
    expect(name('dvfs')).toBe('dvfs');
    expect(cloudSimReference('thr-mmt-1')).toBe(cloudSimReference('thr-mmt-1.0'));
    expect(cloudSimReference('THR-MMT-1.00')?.migrations).toBe(46067);
    expect(cloudSimReference('nope')).toBeNull();
  });
});

describe('DVFS day on a hand-computed instance (§A2)', () => {
  it('one 2500-MIPS VM at 50 % on a G5 (it cannot fit a 1860-MIPS G4 core): energy = P(0.2349…) × 86,100 s', () => {
    const m = runDay(traces([[50]]), policy('dvfs'), { hosts: 2 });
    const p = powerAt(HP_ML110_G5, (0.5 * 2500) / 5320);
    // frames 300.1→600.1 … 85800.1→86100.1 (286 × 300 s); the frame 0→300.1 starts with every host at 0 %
    // (no demand before the first processing), which `getEnergyLinearInterpolation` counts as off
    expect(m.energyKWh).toBeCloseTo((p * 286 * 300) / 3.6e6, 9);
    expect(m.migrations).toBe(0);
    expect(m.slatah).toBe(0);
    // host 0 never had a VM: its first state entry is "off", which CloudSim counts as a shutdown
    expect(m.hostShutdowns).toBe(1);
  });

  it('retires a VM whose demand drops to 0 and switches its host off', () => {
    const m = runDay(traces([[0]]), policy('dvfs'), { hosts: 2 });
    expect(m.energyKWh).toBe(0);
    expect(m.hostShutdowns).toBe(2);
  });
});

describe('overload detection (§A3)', () => {
  // 4 VMs → types 2500, 2000, 1000, 500 MIPS; 2 hosts (G4 3720, G5 5320 MIPS)
  function twoHosts(p: string): DynState {
    const st = createSimulation(traces([[10], [10], [10], [10]]), policy(p), { hosts: 2 });
    while (st.interval < 1) stepInterval(st);
    return st;
  }

  it('THR: overloaded when requested MIPS / capacity exceeds the threshold', () => {
    const st = twoHosts('thr-mmt-0.8');
    const h = 1;
    const base = h * st.cap;
    for (let i = 0; i < st.hostCount[h]; i++) st.vmReq[st.hostList[base + i]] = 0;
    st.vmReq[st.hostList[base]] = 0.85 * st.hostTotal[h];
    internals.refresh(st, h);
    expect(internals.overloaded(st, h, -1)).toBe(true);
    st.vmReq[st.hostList[base]] = 0.75 * st.hostTotal[h];
    internals.refresh(st, h);
    expect(internals.overloaded(st, h, -1)).toBe(false);
  });

  it('LR: a rising history whose extrapolation × 1.2 reaches 1 is overloaded; a flat low one is not; < 10 samples falls back to THR 0.7', () => {
    const st = twoHosts('lr-mmt-1.2');
    const h = st.vmHost[0];
    const base = h * st.cap;
    const only = st.hostList[base];
    for (let v = 0; v < st.nV; v++) setHistory(st, v, []);
    const scale = st.hostTotal[h] / st.vmMips[only];
    // host utilisation newest-first 0.85, 0.83, … 0.67: slope 0.02 per interval, one migration interval ahead
    // → 0.87; × 1.2 = 1.044 ≥ 1 (VM history scaled so that the host's history is exactly these values)
    setHistory(st, only, Array.from({ length: 10 }, (_, i) => (0.85 - 0.02 * i) * scale));
    internals.refresh(st, h);
    expect(internals.overloaded(st, h, -1)).toBe(true);
    setHistory(st, only, Array.from({ length: 10 }, () => 0.3 * scale));
    internals.refresh(st, h);
    expect(internals.overloaded(st, h, -1)).toBe(false);
    setHistory(st, only, Array.from({ length: 5 }, () => 0.9 * scale));
    internals.refresh(st, h);
    // fallback THR 0.7 on the current demand (10 % here) → not overloaded
    expect(internals.overloaded(st, h, -1)).toBe(false);
  });

  it('MAD / IQR: a volatile history lowers the threshold 1 − s × MAD below the current utilisation', () => {
    for (const p of ['mad-mmt-2.5', 'iqr-mmt-1.5']) {
      const st = twoHosts(p);
      const h = st.vmHost[0];
      const only = st.hostList[h * st.cap];
      const scale = st.hostTotal[h] / st.vmMips[only];
      for (let v = 0; v < st.nV; v++) setHistory(st, v, []);
      // alternating 0.1 / 0.9: MAD = 0.4, IQR = 0.8 → thresholds 0 and −0.2: any load is an overload
      setHistory(st, only, Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 0.1 : 0.9) * scale));
      internals.refresh(st, h);
      expect(internals.overloaded(st, h, -1)).toBe(true);
      // steady 0.5: MAD = IQR = 0 → threshold 1
      setHistory(st, only, Array.from({ length: 12 }, () => 0.5 * scale));
      internals.refresh(st, h);
      expect(internals.overloaded(st, h, -1)).toBe(false);
    }
  });
});

describe('VM selection (§A3)', () => {
  function hostWithAll(p: string): { st: DynState; h: number } {
    const st = createSimulation(traces([[40], [30], [20], [10]]), policy(p), { hosts: 2 });
    while (st.interval < 1) stepInterval(st);
    // gather all four VMs on host 1 (G5)
    for (let v = 0; v < st.nV; v++) {
      const h = st.vmHost[v];
      if (h !== 1) {
        internals.vmDestroy(st, h, v);
        internals.vmCreate(st, 1, v);
      }
    }
    return { st, h: 1 };
  }

  it('MMT picks the smallest RAM (613 MB micro VM), MU the least utilised', () => {
    const a = hostWithAll('thr-mmt-0.8');
    expect(a.st.vmRam[internals.selectVm(a.st, a.h)]).toBe(613);
    const b = hostWithAll('thr-mu-0.8');
    expect(internals.selectVm(b.st, b.h)).toBe(3); // 10 % trace
  });

  it('RS picks a migratable VM, reproducibly under a seed', () => {
    const a = hostWithAll('thr-rs-0.8');
    const b = hostWithAll('thr-rs-0.8');
    const x = internals.selectVm(a.st, a.h);
    expect(x).toBeGreaterThanOrEqual(0);
    expect(internals.selectVm(b.st, b.h)).toBe(x);
  });

  it('MC falls back to MMT while the histories are too short for the regression', () => {
    const a = hostWithAll('thr-mc-0.8');
    expect(a.st.vmRam[internals.selectVm(a.st, a.h)]).toBe(613);
  });

  it('MC picks the VM best explained by the others once there is history', () => {
    const { st, h } = hostWithAll('thr-mc-0.8');
    const n = 12;
    const base = Array.from({ length: n }, (_, i) => Math.sin(i) * 0.2 + 0.5);
    const other = Array.from({ length: n }, (_, i) => Math.cos(3 * i) * 0.2 + 0.4);
    const noise = Array.from({ length: n }, (_, i) => ((i * 7919) % 13) / 30);
    setHistory(st, 0, base);
    setHistory(st, 1, other);
    setHistory(st, 2, noise);
    // VM 3 is an exact combination of VMs 0 and 1 → R² = 1
    setHistory(st, 3, base.map((b, i) => 0.5 * b + 0.3 * other[i]));
    const pick = internals.selectVm(st, h);
    expect([0, 1, 3]).toContain(pick);
  });
});

describe('PABFD placement (§A2)', () => {
  it('places a VM on the host with the least power increase that stays below the threshold, never on an excluded one', () => {
    const st = createSimulation(traces([[20], [20], [20], [20]]), policy('thr-mmt-0.8'), { hosts: 4 });
    while (st.interval < 1) stepInterval(st);
    const excluded = new Uint8Array(st.nH);
    const v = 3; // 500 MIPS micro VM
    const target = internals.findHostForVm(st, v, excluded);
    expect(target).toBeGreaterThanOrEqual(0);
    // brute force: minimum power increase among suitable, non-overloaded hosts
    let best = -1;
    let min = Infinity;
    for (let h = 0; h < st.nH; h++) {
      if (!(st.hostAvail[h] >= st.vmReq[v] && st.hostPe[h] >= st.vmReq[v])) continue;
      if (st.hostPum[h] !== 0 && (st.hostReqSum[h] + st.vmReq[v]) / st.hostTotal[h] > 0.8) continue;
      const curve = st.hostType[h] === 0 ? [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117] : [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135];
      const d = powerAt(curve, (st.hostPum[h] + st.vmReq[v]) / st.hostTotal[h]) - st.hostPowerNow[h];
      if (d < min) {
        min = d;
        best = h;
      }
    }
    expect(target).toBe(best);
    excluded[target] = 1;
    expect(internals.findHostForVm(st, v, excluded)).not.toBe(target);
  });
});

describe('PABFD over many empty hosts (§A2)', () => {
  // findHostForVm evaluates only the first empty host of each type and state (the others tie and `<` keeps the
  // first): whatever hosts are excluded, it must still pick what a scan of every host picks.
  it('picks the brute-force host (first of least power increase) under any exclusion', () => {
    const st = createSimulation(traces([[35], [60], [10], [80], [25]]), policy('thr-mmt-0.8'), { hosts: 16 });
    while (st.interval < 2) stepInterval(st);
    const G4 = [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117];
    const G5 = [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135];
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 4 }), (mask, v) => {
        const excluded = Uint8Array.from(mask, (b) => (b ? 1 : 0));
        let best = -1;
        let min = Number.MAX_VALUE;
        for (let h = 0; h < st.nH; h++) {
          if (excluded[h] || !(st.hostAvail[h] >= st.vmReq[v] && st.hostPe[h] >= st.vmReq[v])) continue;
          if (st.hostPum[h] !== 0 && (st.hostReqSum[h] + st.vmReq[v]) / st.hostTotal[h] > 0.8) continue;
          const d = powerAt(st.hostType[h] === 0 ? G4 : G5, (st.hostPum[h] + st.vmReq[v]) / st.hostTotal[h]) - st.hostPowerNow[h];
          if (d < min) {
            min = d;
            best = h;
          }
        }
        expect(internals.findHostForVm(st, v, excluded)).toBe(best);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('SLA metrics (§A4)', () => {
  it('a migration costs 10 % of the VM\'s MIPS for RAM/(BW/16000) s: PDM > 0 and SLAV = SLATAH × PDM', () => {
    // host 0 (G4 3720): VMs drive it over 80 % so THR-MMT moves one away
    const m = runDay(traces([[90], [90], [5], [5]]), policy('thr-mmt-0.8'), { hosts: 4 });
    expect(m.slav).toBeCloseTo(m.slatah * m.pdm, 15);
    expect(m.esv).toBeCloseTo(m.energyKWh * m.slav, 15);
    if (m.migrations > 0) expect(m.pdm).toBeGreaterThan(0);
  });
});

describe('properties', () => {
  const day = fc.array(fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 10 });

  it('no host is ever given more MIPS than it has, whatever the load (THR-MMT-0.8)', () => {
    fc.assert(
      fc.property(day, (p) => {
        const st = createSimulation(traces(p), policy('thr-mmt-0.8'), { hosts: 6 });
        while (stepInterval(st)) {
          for (let h = 0; h < st.nH; h++) {
            let sum = 0;
            for (let i = 0; i < st.hostCount[h]; i++) sum += st.hostAlloc[h * st.cap + i];
            expect(sum).toBeLessThanOrEqual(st.hostTotal[h] + 1e-6);
            expect(st.hostAvail[h]).toBeGreaterThanOrEqual(-1e-6);
          }
        }
        expect(metrics(st).anomalies).toBe(0);
      }),
      { numRuns: 25 },
    );
  });

  it('DVFS energy is monotone in load', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 40 }), (p, add) => {
        const lo = runDay(traces(p), policy('dvfs'), { hosts: 6 }).energyKWh;
        const hi = runDay(traces(p.map((r) => r.map((x) => Math.min(99, x + add)))), policy('dvfs'), { hosts: 6 }).energyKWh;
        expect(hi).toBeGreaterThanOrEqual(lo - 1e-9);
      }),
      { numRuns: 25 },
    );
  });

  it('is deterministic: the same inputs give the same metrics', () => {
    const t = traces([[10, 80, 30], [50], [70, 20], [5, 95]]);
    expect(runDay(t, policy('lr-rs-1.2'), { hosts: 4, seed: 7 })).toEqual(runDay(t, policy('lr-rs-1.2'), { hosts: 4, seed: 7 }));
  });
});

describe('PABFD with the adaptive detectors (§A3), against CloudSim\'s scan', () => {
  // CloudSim's `findHostForVm`: hosts in index order, a host kept when its power increase is strictly below the best
  // so far and it is not over-utilised after the allocation (test skipped at 0 MIPS in use). The simulator asks the
  // overload tests in (increase, index) order and looks at one idle host per type; it must pick the same host.
  function cloudSimScan(st: DynState, v: number, excluded: Uint8Array): number {
    const G4 = [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117];
    const G5 = [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135];
    let best = -1;
    let min = Number.MAX_VALUE;
    for (let h = 0; h < st.nH; h++) {
      if (excluded[h] || !(st.hostPe[h] >= st.vmReq[v] && st.hostAvail[h] >= st.vmReq[v])) continue;
      const pa = powerAt(st.hostType[h] === 0 ? G4 : G5, (st.hostPum[h] + st.vmReq[v]) / st.hostTotal[h]);
      if (Number.isNaN(pa)) continue;
      const d = pa - st.hostPowerNow[h];
      if (d < min) {
        if (st.hostPum[h] !== 0 && internals.overloaded(st, h, v)) continue;
        min = d;
        best = h;
      }
    }
    return best;
  }
  const day = fc.array(fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 8 }), { minLength: 4, maxLength: 14 });

  it('picks CloudSim\'s host for every VM, under any exclusion, as the day goes on (MAD, IQR, LR, THR)', () => {
    fc.assert(
      fc.property(
        day,
        fc.constantFrom('mad-mmt-2.5', 'iqr-mc-1.5', 'lr-mmt-1.2', 'mad-mc-0.5', 'thr-mmt-0.8'),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (p, name, steps, mask) => {
          const st = createSimulation(traces(p), policy(name), { hosts: 12 });
          for (let k = 0; k < steps && stepInterval(st); k++);
          const excluded = Uint8Array.from(mask, (b) => (b ? 1 : 0));
          for (let v = 0; v < st.nV; v++) expect(internals.findHostForVm(st, v, excluded)).toBe(cloudSimScan(st, v, excluded));
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });

  it('keeps the idle-host index exact: a host is listed idle iff it has no VM, uses and frees nothing and draws idle power', () => {
    fc.assert(
      fc.property(day, fc.constantFrom('mad-mc-2.5', 'lr-mmt-1.2', 'thr-rs-0.8'), (p, name) => {
        const st = createSimulation(traces(p), policy(name), { hosts: 10 });
        do {
          const idle: number[] = [];
          const busy: number[] = [];
          for (let h = 0; h < st.nH; h++) {
            const idleWatts = st.hostType[h] === 0 ? 86 : 93.7; // §A2: ML110 G4 and G5 at 0 %
            const isIdle = st.hostCount[h] === 0 && st.hostPum[h] === 0 && st.hostAvail[h] === st.hostTotal[h] && st.hostPowerNow[h] === idleWatts;
            (isIdle ? idle : busy).push(h);
          }
          expect(Array.from(st.idleList.subarray(0, st.idleCount))).toEqual(idle);
          expect(Array.from(st.busyList.subarray(0, st.busyCount))).toEqual(busy);
        } while (stepInterval(st));
      }),
      { numRuns: 20, seed: 3 },
    );
  });
});

describe('the VM scheduler\'s HashMap order (CloudSim VmSchedulerTimeSharedOverSubscription)', () => {
  /** A THR-MMT-1.0 simulation of 18 VMs on 40 hosts with VMs `ids` moved, asking `req` MIPS, onto an empty G4 `h`. */
  function onEmptyG4(ids: number[], req: number[], eager = false): { st: DynState; h: number } {
    const st = createSimulation(traces(Array.from({ length: 18 }, () => [10])), policy('thr-mmt-1.0'), { hosts: 40 });
    st.hm.eager = eager;
    let h = -1;
    for (let g = 0; g < st.nH && h < 0; g += 2) if (st.hostCount[g] === 0) h = g;
    expect(h).toBeGreaterThanOrEqual(0);
    ids.forEach((v, i) => {
      internals.vmDestroy(st, st.vmHost[v], v);
      st.vmReq[v] = req[i];
      internals.vmCreate(st, h, v);
    });
    return { st, h };
  }
  it('an over-subscribed host re-shares over its VMs in Java HashMap order: the sum, hence each floor, rounds as CloudSim\'s', () => {
    // VMs 9, 15, 10, 17 asking 24, 28, 47, 56 % of 2500 MIPS on a G4 (2 × 1860 MIPS) go over its 3720 MIPS. Summed
    // in list order the requests make 3875, in the map's order ("2-17", "2-15", "2-10", "2-9") 3875.0000000000005,
    // and the shares floor(request × 3720 / sum) differ. CloudSim 3.0.3's own scheduler, given the same four
    // `allocatePesForVm("2-<id>", [request])` calls on two 1860-MIPS PEs, allocates 575, 672, 1127, 1344 (printed by
    // a 20-line Java program against the 3.0.3 classes).
    const ids = [9, 15, 10, 17];
    const req = [0.24 * 2500, 0.28 * 2500, 0.47 * 2500, 0.56 * 2500];
    const { st, h } = onEmptyG4(ids, req);
    const base = h * st.cap;
    expect(Array.from(st.hostList.subarray(base, base + 4))).toEqual(ids);
    expect(Array.from(st.hostAlloc.subarray(base, base + 4))).toEqual([575, 672, 1127, 1344]);
    expect(st.hostAvail[h]).toBe(0);
    // list order would have given 576, 672, 1128, 1344
    const listSum = req.reduce((a, b) => a + b, 0);
    expect(req.map((r) => Math.floor((r * 3720) / listSum))).toEqual([576, 672, 1128, 1344]);
  });

  it('CloudSim\'s overload test leaves each host it asks re-allocated in map order, and its free MIPS rounded so', () => {
    // VMs 13, 6, 10, 15 asking 56 % of 2500, 41 % of 500, 11 % of 500 and 41 % of 2000 MIPS fit a G4 in list
    // order with 3720 − … = 1240 MIPS free; `isHostOverUtilizedAfterAllocation` (vmCreate, then vmDestroy, whose
    // re-allocation runs in the map's order "2-15", "2-13", "2-6", "2-10") leaves 1239.9999999999998. CloudSim 3.0.3's
    // scheduler prints both (VmSchedulerTimeSharedOverSubscription: four allocatePesForVm, then
    // allocatePesForVm + deallocatePesForVm of a Vm with uid "2-16"). A VM asking 1240 MIPS then no longer fits.
    function setUp(eager: boolean): { st: DynState; h: number; onlyH: Uint8Array } {
      const { st, h } = onEmptyG4([13, 6, 10, 15], [0.56 * 2500, 0.41 * 500, 0.11 * 500, 0.41 * 2000], eager);
      expect(st.hostAvail[h]).toBe(1240);
      for (const v of [16, 17]) internals.vmDestroy(st, st.vmHost[v], v);
      const onlyH = new Uint8Array(st.nH).fill(1);
      onlyH[h] = 0;
      return { st, h, onlyH };
    }
    const [x, y] = [16, 17];
    for (const eager of [false, true]) {
      // asked for x, then for y asking 1240 MIPS
      const a = setUp(eager);
      a.st.vmReq[x] = 100;
      expect(internals.findHostForVm(a.st, x, a.onlyH)).toBe(a.h); // asks h: its VMs re-allocated in map order
      a.st.vmReq[y] = 1240;
      expect(internals.findHostForVm(a.st, y, a.onlyH)).toBe(-1); // 1239.9999999999998 MIPS free: not suitable
      expect(a.st.hostAvail[a.h]).toBe(1239.9999999999998);
      // asked for x and given it: x takes its 100 MIPS from what the re-allocation left
      const b = setUp(eager);
      b.st.vmReq[x] = 100;
      expect(internals.findHostForVm(b.st, x, b.onlyH)).toBe(b.h);
      internals.vmCreate(b.st, b.h, x);
      expect(b.st.hostAvail[b.h]).toBe(1239.9999999999998 - 100);
      b.st.vmReq[y] = 1140;
      expect(internals.findHostForVm(b.st, y, b.onlyH)).toBe(-1);
    }
  });

  it('re-allocating in map order only when it can show (before a VM is created on the host, or a request within 1e-6 of its free MIPS) changes nothing', () => {
    // CloudSim's overload test creates and destroys the VM on every host it asks, which re-allocates the host's VMs
    // in map order; the simulator defers that (`probeCreateDestroy`). Heavy, over-subscribing loads on few hosts
    // (a smoke test: on such small days the last bits rarely decide anything; the case above and the full days of
    // agreement.test.ts do).
    const heavy = fc.array(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 }), { minLength: 6, maxLength: 24 });
    fc.assert(
      fc.property(heavy, fc.constantFrom('thr-mmt-1.0', 'thr-mu-0.9', 'mad-mc-2.5', 'lr-mmt-1.2', 'iqr-mmt-1.5'), fc.integer({ min: 3, max: 8 }), (p, name, hosts) => {
        const lazy = createSimulation(traces(p), policy(name), { hosts });
        const eager = createSimulation(traces(p), policy(name), { hosts });
        eager.hm.eager = true;
        while (stepInterval(lazy));
        while (stepInterval(eager));
        expect(metrics(lazy)).toEqual(metrics(eager));
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});

describe('Helper.printResults\'s other figures (§A4 "also printed")', () => {
  it('time before a host shutdown: from 0 (or the last switch-on) to each active → inactive entry; NaN with no sample, and for the deviation of one', () => {
    // host 0 (G4) never gets the 2500-MIPS VM: off at its first entry, 300.1 s
    const one = runDay(traces([[50]]), policy('dvfs'), { hosts: 2 });
    expect(one.meanTimeBeforeHostShutdown).toBe(300.1);
    expect(one.stDevTimeBeforeHostShutdown).toBeNaN();
    expect(one.meanTimeBeforeVmMigration).toBeNaN();
    expect(one.stDevTimeBeforeVmMigration).toBeNaN();
    expect(one.averageSlaViolation).toBe(0);
    // the VM's samples drop to 0 from sample 100 on: retired at 30,000.1 s, its host off in that entry
    const trace = Array.from({ length: SAMPLES_PER_DAY }, (_, k) => (k < 100 ? 50 : 0));
    const two = runDay(traces([trace]), policy('dvfs'), { hosts: 2 });
    expect(two.hostShutdowns).toBe(2);
    // MathUtil.mean / stDev of [300.1, 30000.1], as Java prints them
    expect(two.meanTimeBeforeHostShutdown).toBe(15150.099999999999);
    expect(two.stDevTimeBeforeHostShutdown).toBe(21001.07140124046);
  });

  it('time before a VM migration, average SLA violation: each migration counts its duration, RAM / (BW / 16000) s, and its 10 % shortfall', () => {
    // THR-MMT-0.8 moves two VMs off the overloaded G4: MMT's 1740-MB VM 1 and 613-MB VM 3, for 27.84 s and 9.808 s
    // over the hosts' 1 Gbit/s. The source host records each in migration from start to end; the only MIPS any VM
    // misses are those 10 % (performance degradation due to migration).
    const m = runDay(traces([[90], [90], [5], [5]]), policy('thr-mmt-0.8'), { hosts: 4 });
    expect(m.migrations).toBe(2);
    const [a, b] = [1740 / 62.5, 613 / 62.5];
    expect(m.meanTimeBeforeVmMigration).toBeCloseTo((a + b) / 2, 9);
    expect(m.stDevTimeBeforeVmMigration).toBeCloseTo((a - b) / Math.SQRT2, 9);
    expect(m.averageSlaViolation).toBeCloseTo(0.1, 12);
    expect(m.overallSlaViolation).toBeGreaterThan(0);
    expect(m.overallSlaViolation).toBeLessThan(m.averageSlaViolation);
  });
});
