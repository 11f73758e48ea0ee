import { describe, expect, it } from 'vitest';
import { checkFoField, detectionFormula, markers, tally, verdict } from './view.ts';
import { DEFAULT_FAILOVER_LINK, type FailoverLink, type KillKind } from '../../state/platform-links.ts';
import { runFailover } from '../../worker/platform.ts';

const run = (kill: KillKind, over: Partial<FailoverLink> = {}) => {
  const link = { ...DEFAULT_FAILOVER_LINK, ...over };
  const r = runFailover({ ...link, kill });
  if (!r.ok) throw new Error(r.message);
  return { link, ...r };
};

describe('fail-over view', () => {
  it('the VRRP formula with the numbers: advert 1 s, priority 100 → 3.609 s (usage-models §C)', () => {
    const r = run('vm');
    expect(detectionFormula(r.scenario)).toContain('3 × 1 s + (256 − 100) × 1 s / 256 = 3.000 s + 0.609 s = 3.609 s');
    expect(r.result.detectionS).toBeCloseTo(3.609375, 9);
    const c = run('vm', { detection: 'corosync', tokenMs: 3000 });
    expect(detectionFormula(c.scenario)).toContain('3000 ms');
    expect(c.result.detectionS).toBeCloseTo(3.05, 9);
  });

  it('kill VM1 with replication: VM2 takes over, established calls survive, a new standby is provisioned', () => {
    const r = run('vm');
    const t = tally(r.result);
    expect(t.established).toBeGreaterThan(0);
    expect(t.dropped).toBe(0);
    const v = verdict(r.link, 'vm', r.result, r.scenario.failAtS);
    expect(v).toMatch(/^VM1 was killed: VM2 detected it after 3\.609 s/);
    expect(v).toMatch(/with state replication \d+ established calls? survived/);
    expect(v).toMatch(/new standby is ready on host-1 at \+54 s/);
    expect(markers(r.result).some((m) => m.lane === 'Standby' && m.kind === 'standby-ready')).toBe(true);
  });

  it('without replication the relayed calls drop; same host + host failure loses both copies', () => {
    const r = run('vm', { replication: false });
    expect(tally(r.result).survived).toBe(0);
    expect(verdict(r.link, 'vm', r.result, 300)).toMatch(/without state replication \d+ established calls? dropped/);
    const h = run('host', { sameHost: true });
    expect(h.result.survivor).toBe('restarted');
    expect(verdict(h.link, 'host', h.result, 300)).toMatch(/both copies were lost/);
  });

  it('checks the fields', () => {
    expect(checkFoField('advertS', '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(checkFoField('advertS', '0.001')).toMatchObject({ ok: false, message: /two decimals/ });
    expect(checkFoField('priority', '255')).toMatchObject({ ok: false, message: /1 … 254/ });
    expect(checkFoField('tokenMs', 'x')).toMatchObject({ ok: false, message: /whole number/ });
  });
});
