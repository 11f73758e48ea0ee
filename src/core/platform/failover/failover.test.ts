import { describe, expect, it } from 'vitest';
import {
  corosyncConsensusMs,
  corosyncTokenTimeoutMs,
  COROSYNC_DEFAULTS,
  defaultScenario,
  inviteRetransmitTimesS,
  nonInviteRetransmitTimesS,
  simulateFailover,
  sipTimerBS,
  vrrpMasterDownIntervalS,
  vrrpSkewTimeS,
} from './index.ts';

describe('VRRP timing (RFC 5798 / 3768, usage-models.md §C)', () => {
  it('Master_Down_Interval = 3 x advert + (256 - priority) x advert / 256', () => {
    const v3 = (p: number, adv = 1) => vrrpMasterDownIntervalS({ version: 3, advertIntervalS: adv, backupPriority: p });
    expect(v3(100)).toBeCloseTo(3.609375, 12); // §C: 3 + 0.609 = 3.61 s
    expect(v3(128)).toBe(3.5); // §C keepalived example
    expect(v3(254)).toBeCloseTo(3.0078125, 12); // §C: 3.008 s
    expect(v3(100, 0.1)).toBeCloseTo(0.3 + (156 * 0.1) / 256, 12);
  });
  it('VRRPv2 skew is in whole seconds regardless of the interval', () => {
    expect(vrrpSkewTimeS({ version: 2, advertIntervalS: 2, backupPriority: 128 })).toBe(0.5);
    expect(vrrpSkewTimeS({ version: 3, advertIntervalS: 2, backupPriority: 128 })).toBe(1);
  });
});

describe('Corosync and SIP timers (§C)', () => {
  it('token timeout = token + (nodes - 2) x coefficient for >= 3 nodes', () => {
    expect(corosyncTokenTimeoutMs(COROSYNC_DEFAULTS)).toBe(3000);
    expect(corosyncTokenTimeoutMs({ ...COROSYNC_DEFAULTS, nodes: 5 })).toBe(4950);
    expect(corosyncConsensusMs(COROSYNC_DEFAULTS)).toBe(3600);
  });
  it('Timer B = 64 x T1 = 32 s; INVITE retransmits at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s', () => {
    expect(sipTimerBS()).toBe(32);
    expect(inviteRetransmitTimesS()).toEqual([0.5, 1.5, 3.5, 7.5, 15.5, 31.5]);
    const e = nonInviteRetransmitTimesS();
    expect(e.slice(0, 5)).toEqual([0.5, 1.5, 3.5, 7.5, 11.5]);
    expect(e[e.length - 1]).toBeLessThan(32);
  });
});

describe('fail-over simulation', () => {
  it('kill VM1: VM2 takes over after the Master_Down_Interval; replicated calls survive with that media gap', () => {
    const r = simulateFailover(defaultScenario({ failure: 'vm', stateReplication: true }));
    expect(r.detectionS).toBeCloseTo(3.609375, 9);
    expect(r.switchoverS).toBeCloseTo(3.609375, 9);
    const crossing = r.calls.filter((c) => c.startS < 300 && c.startS + c.holdS > 300);
    expect(crossing.length).toBeGreaterThan(0);
    for (const c of crossing) {
      expect(c.outcome).toBe('survived');
      expect(c.delayS).toBeCloseTo(3.609375, 9);
    }
    expect(r.newStandbyHost).toBe('host-1'); // healthy, and not the new master's host
    expect(r.events.map((e) => e.t)).toEqual([...r.events.map((e) => e.t)].sort((a, b) => a - b));
    expect(r.events.some((e) => e.kind === 'takeover')).toBe(true);
    // A call through the PBX is back when the standby has taken over, not at the failure.
    const survived = r.events.filter((e) => e.kind === 'call-survived');
    expect(survived.length).toBe(crossing.length);
    for (const e of survived) expect(e.t).toBeCloseTo(300 + 3.609375, 9);
  });
  it('detection counts from the last advert: a failure mid-interval is detected sooner', () => {
    const r = simulateFailover(defaultScenario({ failAtS: 300.4 }));
    expect(r.detectionS).toBeCloseTo(3.609375 - 0.4, 9);
  });
  it('without state replication relayed calls drop and their clients must retry', () => {
    const r = simulateFailover(defaultScenario({ stateReplication: false }));
    const crossing = r.calls.filter((c) => c.startS < 300 && c.startS + c.holdS > 300);
    for (const c of crossing) {
      expect(c.outcome).toBe('dropped');
      expect(r.clientsMustRetry).toContain(c.client);
    }
  });
  it('direct media keeps flowing without replication (dialog unknown to the new master)', () => {
    const r = simulateFailover(defaultScenario({ stateReplication: false, mediaPath: 'direct' }));
    const crossing = r.calls.filter((c) => c.startS < 300 && c.startS + c.holdS > 300);
    for (const c of crossing) expect(c.outcome).toBe('survived-media-only');
  });
  it('Corosync detection = token timeout + 50 ms reform', () => {
    const r = simulateFailover(defaultScenario({ detection: { kind: 'corosync', ...COROSYNC_DEFAULTS } }));
    expect(r.detectionS).toBeCloseTo(3.05, 9);
  });
  it('host failure with both copies on it: nothing survives; HA restarts the PBX after 15 s + boot', () => {
    const sc = defaultScenario({ failure: 'host', vm2Host: 'host-1' });
    const r = simulateFailover(sc);
    expect(r.detectionS).toBeNull();
    expect(r.survivor).toBe('restarted');
    expect(r.switchoverS).toBe(15 + sc.vmBootS);
    for (const c of r.calls.filter((c) => c.startS < 300 && c.startS + c.holdS > 300)) expect(c.outcome).toBe('dropped');
    expect(r.newStandbyHost).not.toBe('host-1');
  });
  it('host failure with separate hosts: new standby on the third host once the host is declared dead', () => {
    const sc = defaultScenario({ failure: 'host' });
    const r = simulateFailover(sc);
    expect(r.newStandbyHost).toBe('host-3');
    expect(r.standbyReadyAtS).toBe(300 + 15 + sc.vmBootS + sc.stateSyncS);
  });
  it('guest-kernel panic: VM monitoring resets VM1 after 30 s and it rejoins as standby', () => {
    const sc = defaultScenario({ failure: 'guest-kernel' });
    const r = simulateFailover(sc);
    expect(r.newStandbyHost).toBe('host-1');
    expect(r.standbyReadyAtS).toBe(300 + 30 + sc.vmBootS + sc.stateSyncS);
  });
  it('new calls during the outage: virtual-IP clients get through on a retransmission, DNS SRV clients after Timer B', () => {
    const base = { callsPerS: 2, failAtS: 300 };
    const vip = simulateFailover(defaultScenario({ ...base, clientMode: 'virtual-ip' }));
    const during = vip.calls.filter((c) => c.startS >= 300 && c.startS < 300 + vip.switchoverS!);
    expect(during.length).toBeGreaterThan(0);
    for (const c of during) {
      expect(c.outcome).toBe('delayed-setup');
      expect([0.5, 1.5, 3.5, 7.5]).toContain(c.delayS);
      expect(c.startS + c.delayS).toBeGreaterThanOrEqual(300 + vip.switchoverS!);
    }
    const srv = simulateFailover(defaultScenario({ ...base, clientMode: 'dns-srv' }));
    const srvDuring = srv.calls.filter((c) => c.startS >= 300 && c.startS < 300 + srv.switchoverS!);
    expect(srvDuring.length).toBeGreaterThan(0);
    for (const c of srvDuring) expect(c.delayS).toBe(32);
  });
  it('is deterministic and its result is plain data', () => {
    const sc = defaultScenario({ seed: 42 });
    const a = simulateFailover(sc);
    expect(simulateFailover(sc)).toEqual(a);
    expect(structuredClone(a)).toEqual(a);
  });
});
