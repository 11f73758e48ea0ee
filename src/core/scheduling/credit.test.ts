import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { VCpu } from '../vmm/vm.ts';
import { CreditScheduler, Priority, XEN_DEFAULT_WEIGHT, type VmShare } from './credit.ts';

/** A stand-in vCPU: the policy only looks at its VM's id. */
const vcpu = (id: number): VCpu => ({ vm: { id } }) as unknown as VCpu;
const SLICE = 30_000;

/** Drives the policy with always-busy vCPUs for `periods` accounting periods; returns cycles run per VM and per period. */
function busy(shares: VmShare[], periods: number): { ran: number[]; perPeriod: number[][] } {
  const map = new Map(shares.map((s, k) => [k, s]));
  const s = new CreditScheduler(map, { tsliceCycles: SLICE, periodCycles: SLICE, boost: true });
  const vs = shares.map((_, k) => vcpu(k));
  const ran = shares.map(() => 0);
  const perPeriod: number[][] = Array.from({ length: periods }, () => shares.map(() => 0));
  let now = 0;
  const end = periods * SLICE;
  while (now < end) {
    const d = s.pick(0, vs, [], now);
    if (d.vcpu === null) {
      now = Math.max(now + 1, d.until);
      continue;
    }
    const k = d.vcpu.vm.id;
    const ranFor = Math.min(d.slice, end - now);
    // Split the slice over the periods it covers, for the per-period cap check.
    for (let t = now; t < now + ranFor; ) {
      const q = Math.floor(t / SLICE);
      const upto = Math.min(now + ranFor, (q + 1) * SLICE);
      perPeriod[q][k] += upto - t;
      t = upto;
    }
    now += ranFor;
    ran[k] += ranFor;
    s.charge(0, d.vcpu, ranFor, now);
  }
  return { ran, perPeriod };
}

describe('credit scheduler (Xen-style weights and caps)', () => {
  it('weights give proportional CPU to busy VMs (256 : 512 : 1024 → 1/7 : 2/7 : 4/7, within 2 %)', () => {
    const { ran } = busy([{ weight: 256, capPercent: 0 }, { weight: 512, capPercent: 0 }, { weight: 1024, capPercent: 0 }], 700);
    const total = ran.reduce((a, b) => a + b, 0);
    expect(ran[0] / total).toBeCloseTo(1 / 7, 1);
    [1 / 7, 2 / 7, 4 / 7].forEach((want, k) => expect(Math.abs(ran[k] / total - want)).toBeLessThan(0.02));
  });

  it('equal weights share equally', () => {
    const { ran } = busy([{ weight: XEN_DEFAULT_WEIGHT, capPercent: 0 }, { weight: XEN_DEFAULT_WEIGHT, capPercent: 0 }], 200);
    expect(Math.abs(ran[0] - ran[1]) / (ran[0] + ran[1])).toBeLessThan(0.02);
  });

  it('a cap is never exceeded in any accounting period, even with spare CPU (non-work-conserving)', () => {
    const { perPeriod } = busy([{ weight: 256, capPercent: 25 }], 50);
    for (const p of perPeriod) expect(p[0]).toBeLessThanOrEqual(0.25 * SLICE);
    // …and it does use what the cap allows.
    expect(perPeriod[10][0]).toBe(0.25 * SLICE);
  });

  it('a capped VM leaves the rest of the CPU to the others', () => {
    const { ran } = busy([{ weight: 256, capPercent: 20 }, { weight: 256, capPercent: 0 }], 100);
    const total = ran.reduce((a, b) => a + b, 0);
    expect(ran[0] / total).toBeLessThanOrEqual(0.2 + 1e-9);
    expect(ran[1] / total).toBeGreaterThan(0.79);
  });

  it('boost: the running slice is cut at the wake-up of a sleeping vCPU whose VM has credit, which then runs first', () => {
    const shares = new Map<number, VmShare>([
      [0, { weight: 256, capPercent: 0 }],
      [1, { weight: 256, capPercent: 0 }],
    ]);
    const s = new CreditScheduler(shares, { tsliceCycles: SLICE, periodCycles: SLICE, boost: true });
    const noisy = vcpu(0);
    const pbx = vcpu(1);
    // Period 1 credits both VMs; the PBX sleeps until cycle SLICE + 5000.
    const d = s.pick(0, [noisy], [{ vcpu: pbx, wakeAt: SLICE + 5000 }], SLICE);
    expect(d.vcpu).toBe(noisy);
    if (d.vcpu === null) throw new Error('unreachable');
    expect(d.slice).toBe(5000);
    s.charge(0, noisy, 5000, SLICE + 5000);
    const next = s.pick(0, [noisy, pbx], [], SLICE + 5000);
    expect(next.vcpu).toBe(pbx);
    expect(s.priorityOf(pbx)).toBe(Priority.BOOST);
  });

  it('without boost the running vCPU keeps its whole slice', () => {
    const shares = new Map<number, VmShare>([[0, { weight: 256, capPercent: 0 }], [1, { weight: 256, capPercent: 0 }]]);
    const s = new CreditScheduler(shares, { tsliceCycles: SLICE, periodCycles: SLICE, boost: false });
    const d = s.pick(0, [vcpu(0)], [{ vcpu: vcpu(1), wakeAt: SLICE + 5000 }], SLICE);
    expect(d.vcpu !== null && d.slice).toBe(SLICE);
  });

  it('UNDER runs before OVER', () => {
    const shares = new Map<number, VmShare>([[0, { weight: 256, capPercent: 0 }], [1, { weight: 256, capPercent: 0 }]]);
    const s = new CreditScheduler(shares, { tsliceCycles: SLICE, periodCycles: SLICE, boost: false });
    const a = vcpu(0);
    const b = vcpu(1);
    s.pick(0, [a, b], [], SLICE); // credits SLICE/2 each
    s.charge(0, a, SLICE, 2 * SLICE - 1); // a goes OVER
    expect(s.priorityOf(a)).toBe(Priority.OVER);
    expect(s.pick(0, [a, b], [], 2 * SLICE - 1).vcpu).toBe(b);
  });

  it('property: over random weights, each busy VM’s CPU share matches its weight share (within 3 %)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 2, maxLength: 4 }), (weights) => {
        const { ran } = busy(weights.map((w) => ({ weight: w, capPercent: 0 })), 400);
        const total = ran.reduce((a, b) => a + b, 0);
        const wsum = weights.reduce((a, b) => a + b, 0);
        // A VM whose share is below one slice per period still gets at least its share; compare within 3 points.
        return weights.every((w, k) => Math.abs(ran[k] / total - w / wsum) < 0.03);
      }),
      { numRuns: 40 },
    );
  });

  it('property: over random caps, no VM ever exceeds its cap in an accounting period', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ weight: fc.integer({ min: 1, max: 4096 }), capPercent: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 4 }), (shares) => {
        const { perPeriod } = busy(shares, 60);
        return perPeriod.every((p) => p.every((c, k) => shares[k].capPercent === 0 || c <= (shares[k].capPercent / 100) * SLICE + 1e-6));
      }),
      { numRuns: 40 },
    );
  });

  it('is deterministic: the same inputs give the same decisions', () => {
    const shares = [{ weight: 300, capPercent: 0 }, { weight: 700, capPercent: 40 }, { weight: 256, capPercent: 0 }];
    expect(busy(shares, 80)).toEqual(busy(shares, 80));
  });
});
