import { describe, expect, it } from 'vitest';
import { DEFAULT_TCO_INPUTS, summarise } from '../../core/platform/placement/index.ts';
import { PLACEMENT_ALGORITHMS } from '../../state/consolidation-link.ts';
import { afterPlacement, cloudSimReference, hostsToDraw, hourView, parseTcoField, planetLabDataUrl, scenario, tcoInputs, tcoOf, tryMove } from './view.ts';

describe('consolidation view model', () => {
  const sc = scenario('xeon-5100-5000p', 'reserved');

  it('before: one server per application; after: every packing algorithm puts the seed roster on fewer hosts, never below the lower bound', () => {
    const before = summarise(sc.items, sc.before.hosts, sc.before.assignment);
    expect(before.hostsUsed).toBe(11);
    for (const alg of PLACEMENT_ALGORITHMS) {
      const a = afterPlacement(sc, alg, []);
      const s = summarise(sc.items, sc.hosts, a.assignment);
      expect(a.unplaced).toEqual([]);
      // LeastAllocated spreads by design (one VM per host when hosts are plenty); the others pack
      if (alg === 'kube-least') expect(s.hostsUsed).toBeLessThanOrEqual(before.hostsUsed);
      else expect(s.hostsUsed).toBeLessThan(before.hostsUsed);
      expect(s.hostsUsed).toBeGreaterThanOrEqual(s.lowerBound.value);
      if (alg !== 'kube-least') expect(s.totalWatts).toBeLessThan(before.totalWatts);
      expect(a.assignment['pbx-1']).not.toBe(a.assignment['pbx-2']);
    }
  });

  it('a move onto a host that cannot take it is refused in words and nothing moves; a fitting move is kept', () => {
    const a = afterPlacement(sc, 'ffd', []);
    const s = summarise(sc.items, sc.hosts, a.assignment);
    // the PBX standby onto the active PBX's host: anti-affinity
    const bad = tryMove(sc, a, [], 'pbx-2', a.assignment['pbx-1']!);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.messages.join(' ')).toMatch(/must run on different hosts/);
    // the fullest host cannot take one more VM of another host
    const full = s.loads.filter((l) => l.running).sort((x, y) => y.util.memMiB - x.util.memMiB)[0]!;
    const other = sc.items.find((i) => a.assignment[i.id] !== full.hostId && i.demand.memMiB >= 1740)!;
    const cap = tryMove(sc, a, [], other.id, full.hostId);
    if (!cap.ok) expect(cap.messages.join(' ')).toMatch(/too much/);
    // the spare host takes anything
    const spare = hostsToDraw(s).at(-1)!;
    const good = tryMove(sc, a, [], 'web', spare);
    expect(good).toEqual({ ok: true, moves: [{ vm: 'web', host: spare }] });
    const moved = afterPlacement(sc, 'ffd', good.ok ? good.moves : []);
    expect(moved.assignment.web).toBe(spare);
    // a link's move that breaks a rule is refused again on opening
    const again = afterPlacement(sc, 'ffd', [{ vm: 'pbx-2', host: a.assignment['pbx-1']! }]);
    expect(again.applied).toEqual([]);
    expect(again.refused[0]!.violations.map((v) => v.kind)).toContain('anti-affinity');
  });

  it('TCO: fields parse with messages; fewer hosts cost less; overrides replace the defaults', () => {
    expect(parseTcoField('pue', '0.5')).toEqual({ ok: false, message: 'A PUE is at least 1 (facility watts ≥ IT watts).' });
    expect(parseTcoField('years', '2.5')).toEqual({ ok: false, message: 'Use a whole number.' });
    expect(parseTcoField('serverPriceUsd', 'abc')).toEqual({ ok: false, message: "'abc' is not a number." });
    expect(parseTcoField('serverPriceUsd', '4,500')).toEqual({ ok: true, value: 4500 });
    const inp = tcoInputs({ pue: 1.5 });
    expect(inp.pue.value).toBe(1.5);
    expect(inp.years.value).toBe(DEFAULT_TCO_INPUTS.years.value);
    const before = tcoOf(summarise(sc.items, sc.before.hosts, sc.before.assignment), sc.before.hosts, inp);
    const after = tcoOf(summarise(sc.items, sc.hosts, afterPlacement(sc, 'ffd', []).assignment), sc.hosts, inp);
    expect(after.totalUsd).toBeLessThan(before.totalUsd);
    expect(before.servers).toBe(11);
  });

  it('CloudSim reference values by policy name (§A6), hour slices of the per-interval series, the data URL', () => {
    expect(cloudSimReference('lr-mmt-1.2')?.energyKWh).toBe(163.48);
    expect(cloudSimReference('thr-mmt-1')?.migrations).toBe(46067);
    expect(cloudSimReference('nope-mmt-1')).toBeNull();
    const active = Array.from({ length: 288 }, (_, i) => Math.floor(i / 12));
    const mig = Array.from({ length: 288 }, () => 2);
    const power = Array.from({ length: 288 }, () => 1200);
    const h = hourView(active, mig, power, 5);
    expect(h).toEqual({ hour: 5, meanActive: 5, minActive: 5, maxActive: 5, migrations: 24, energyKWh: 1.2 });
    expect(planetLabDataUrl('./', 'http://x/app/index.html#/consolidation')).toBe('http://x/app/data/planetlab/');
  });
});
