import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURVE_ML110_G4 } from '../model/index.ts';
import { evacuateHost } from './evacuate.ts';
import { validatePlacement } from './validate.ts';
import type { PlacementHost, PlacementItem } from './types.ts';

const host = (id: string, cpu: number, mem = 1e9, net = 1000): PlacementHost => ({ id, name: id, capacity: { cpuMips: cpu, memMiB: mem, netMbit: net }, power: CURVE_ML110_G4, rackUnits: 1 });
const item = (id: string, cpu: number, mem = 0, replicaGroup?: string): PlacementItem =>
  replicaGroup === undefined ? { id, name: id, demand: { cpuMips: cpu, memMiB: mem, netMbit: 0 } } : { id, name: id, demand: { cpuMips: cpu, memMiB: mem, netMbit: 0 }, replicaGroup };

describe('evacuate host (maintenance mode)', () => {
  it('moves every VM to running hosts first, biggest first, and lets the host shut down', () => {
    const hosts = [host('h1', 1000), host('h2', 1000), host('h3', 1000)];
    const items = [item('a', 300, 1024), item('b', 500, 512), item('c', 200), item('d', 100)];
    const r = evacuateHost(items, hosts, { a: 'h1', b: 'h1', c: 'h2', d: 'h2' }, 'h1');
    expect(r.canShutDown).toBe(true);
    expect(r.moves.map((m) => m.vmId)).toEqual(['b', 'a']); // decreasing CPU
    // b (500) fits on running h2 (300 used): its slope costs less than switching h3 on; a (300) no longer fits
    // on h2 (800 + 300 > 1000), so h3 is switched on for it
    expect(r.moves.map((m) => m.to)).toEqual(['h2', 'h3']);
    expect(r.moves.map((m) => m.powersOn)).toEqual([false, true]);
    expect(Object.values(r.assignment)).not.toContain('h1');
    // §A4 delay: 1024 MiB × 8 / (1000 Mbit/s / 2) = 16.384 s ("around 16 s for 1024 MB using 1 Gbit/s")
    expect(r.moves[1].seconds).toBeCloseTo(16.384, 3);
  });

  it('switches a host on only when no running host can take the VM', () => {
    const hosts = [host('h1', 1000), host('h2', 1000), host('h3', 1000)];
    const items = [item('a', 800), item('b', 900)];
    const r = evacuateHost(items, hosts, { a: 'h1', b: 'h2' }, 'h1');
    expect(r.moves).toHaveLength(1);
    expect(r.moves[0]).toMatchObject({ vmId: 'a', to: 'h3', powersOn: true });
    expect(r.moves[0].why).toMatch(/switched on/);
  });

  it('respects anti-affinity: a replica never joins its twin, and a VM with nowhere to go blocks the shutdown', () => {
    const hosts = [host('h1', 1000), host('h2', 1000)];
    const items = [item('pbx1', 100, 0, 'pbx'), item('pbx2', 100, 0, 'pbx')];
    const r = evacuateHost(items, hosts, { pbx1: 'h1', pbx2: 'h2' }, 'h1');
    expect(r.canShutDown).toBe(false);
    expect(r.stuck).toHaveLength(1);
    expect(r.stuck[0].reason).toMatch(/replica of "pbx"/);
    expect(r.assignment.pbx1).toBe('h1');
  });

  it('never produces a capacity or anti-affinity violation (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 900 }), mem: fc.integer({ min: 0, max: 3000 }), g: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 2, max: 5 }),
        (vms, nHosts) => {
          const hosts = Array.from({ length: nHosts }, (_, k) => host(`h${k}`, 1000, 4096));
          const items = vms.map((v, k) => item(`v${k}`, v.cpu, v.mem, v.g === 0 ? undefined : `g${v.g}`));
          // a valid starting placement: first fit, skipping VMs that do not fit
          const start: Record<string, string> = {};
          for (const it of items) {
            for (const h of hosts) {
              const trial = { ...start, [it.id]: h.id };
              if (validatePlacement(items, hosts, trial).ok) {
                start[it.id] = h.id;
                break;
              }
            }
          }
          const r = evacuateHost(items, hosts, start, 'h0');
          expect(validatePlacement(items, hosts, r.assignment).ok).toBe(true);
          const left = items.filter((i) => r.assignment[i.id] === 'h0').map((i) => i.id);
          expect(left.sort()).toEqual(r.stuck.map((s) => s.vmId).sort());
          expect(r.canShutDown).toBe(left.length === 0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
