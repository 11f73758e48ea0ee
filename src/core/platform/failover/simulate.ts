/**
 * Active/standby SIP PBX fail-over as a deterministic discrete-event simulation (seed §3.3.1 Fig. 5, §3.3.2:
 * PBX on VM#1 replicated on VM#2, on the same or separate hosts; clients either follow a virtual IP or know
 * both addresses). Kill VM1, its guest kernel, or its host; the output is an event timeline for the UI.
 *
 * Model (every time constant is cited in timing.ts, or is an assumption in `FAILOVER_ASSUMPTIONS`):
 *  - detection: VRRP/keepalived Master_Down_Interval after the last advert, or the Corosync token timeout
 *    (+ ~50 ms reform); the backup then takes the virtual IP and sends gratuitous ARPs.
 *  - established calls: with state replication the dialog and media-relay state are already on VM2, so a
 *    relayed call survives with a media gap; without it the new master does not know the call, relayed media
 *    stops and the user must re-dial. With direct (peer-to-peer) media, media keeps flowing (§C) either way;
 *    without replication the dialog is unknown to the new master (in-dialog requests fail).
 *  - new calls during the outage: UDP INVITE retransmissions (Timer A) reach the new master at the first
 *    retransmission after take-over, or time out at Timer B; with DNS SRV the client tries VM1 first, times
 *    out after Timer B (32 s) and then tries VM2 (no per-client blacklisting: an assumption).
 *  - both copies dead (same host, host failure): vSphere-HA-style restart after the host is declared dead
 *    (15 s, §C) plus the boot time.
 *  - a new standby: 'vm' kill - the VMM sees the VM gone at once and provisions a new standby on a healthy
 *    host; 'guest-kernel' - VM monitoring resets VM1 after 30 s without heartbeat (§C) and it rejoins as
 *    standby; 'host' - once the host is declared dead (15 s, §C) a new standby goes to a healthy host.
 */
import { hashSeed } from '../model/hash.ts';
import { nextExp, prng, type PrngState } from '../model/prng.ts';
import { assumption, type Param } from '../model/provenance.ts';
import {
  COROSYNC_REFORM_MS,
  VSPHERE_HA_HOST_DEAD_S,
  VSPHERE_VM_MONITOR_S,
  corosyncTokenTimeoutMs,
  inviteRetransmitTimesS,
  sipTimerBS,
  vrrpMasterDownIntervalS,
  type CorosyncConfig,
  type VrrpConfig,
} from './timing.ts';
import { t as msg } from '../../../i18n/t.ts';
import '../../../i18n/en/platform.ts';

export type FailureKind = 'vm' | 'guest-kernel' | 'host';
export type Detection = ({ readonly kind: 'vrrp' } & VrrpConfig) | ({ readonly kind: 'corosync' } & CorosyncConfig);
export type ClientMode = 'virtual-ip' | 'dns-srv';
export type MediaPath = 'relayed' | 'direct';

export interface FailoverHost {
  readonly id: string;
  /** Whether a new PBX standby fits on it (the caller checks with placement/validate's checkMove). */
  readonly hasRoomForPbx: boolean;
}

export interface FailoverScenario {
  readonly seed: number;
  readonly hosts: readonly FailoverHost[];
  readonly vm1Host: string;
  readonly vm2Host: string;
  readonly failAtS: number;
  readonly failure: FailureKind;
  readonly detection: Detection;
  readonly stateReplication: boolean;
  readonly mediaPath: MediaPath;
  readonly clientMode: ClientMode;
  readonly clients: number;
  /** New calls per second over all clients (Poisson). */
  readonly callsPerS: number;
  readonly meanHoldS: number;
  readonly sipT1S: number;
  readonly vmBootS: number;
  readonly stateSyncS: number;
  /** Delay from take-over decision to the network following the virtual IP (gratuitous ARP). */
  readonly garpDelayS: number;
  readonly endS: number;
}

const A = (id: string, label: string, value: number, unit: string, note: string): Param => ({ id, label, value, unit, provenance: assumption(note) });

/** The scenario numbers no source gives: labelled assumptions, editable in the UI. */
export const FAILOVER_ASSUMPTIONS = {
  callsPerS: A('failover.calls-per-s', msg('platform.failover.callsPerS'), 0.1, '1/s', msg('platform.failover.callsPerS2')),
  meanHoldS: A('failover.mean-hold', msg('platform.failover.meanHoldS'), 180, 's', msg('platform.failover.meanHoldS2')),
  vmBootS: A('failover.vm-boot', msg('platform.failover.vmBootS'), 45, 's', msg('platform.failover.vmBootS2')),
  stateSyncS: A('failover.state-sync', msg('platform.failover.stateSyncS'), 5, 's', 'illustrative'),
  garpDelayS: A('failover.garp', msg('platform.failover.garpDelayS'), 0, 's', msg('platform.failover.garpDelayS2')),
} as const;

export function defaultScenario(over: Partial<FailoverScenario> = {}): FailoverScenario {
  return {
    seed: 1,
    hosts: [
      { id: 'host-1', hasRoomForPbx: true },
      { id: 'host-2', hasRoomForPbx: true },
      { id: 'host-3', hasRoomForPbx: true },
    ],
    vm1Host: 'host-1',
    vm2Host: 'host-2',
    failAtS: 300,
    failure: 'vm',
    detection: { kind: 'vrrp', version: 3, advertIntervalS: 1, backupPriority: 100 },
    stateReplication: true,
    mediaPath: 'relayed',
    clientMode: 'virtual-ip',
    clients: 20,
    callsPerS: FAILOVER_ASSUMPTIONS.callsPerS.value,
    meanHoldS: FAILOVER_ASSUMPTIONS.meanHoldS.value,
    sipT1S: 0.5,
    vmBootS: FAILOVER_ASSUMPTIONS.vmBootS.value,
    stateSyncS: FAILOVER_ASSUMPTIONS.stateSyncS.value,
    garpDelayS: FAILOVER_ASSUMPTIONS.garpDelayS.value,
    endS: 600,
    ...over,
  };
}

export type EventKind =
  | 'advert'
  | 'failure'
  | 'vm-lost'
  | 'detected'
  | 'takeover'
  | 'vip-moved'
  | 'call-started'
  | 'call-survived'
  | 'call-dropped'
  | 'call-ended'
  | 'invite-retransmit'
  | 'invite-timeout'
  | 'srv-next-target'
  | 'call-setup-failed'
  | 'host-declared-dead'
  | 'vm-reset'
  | 'pbx-restarted'
  | 'provision-start'
  | 'standby-ready'
  | 'no-standby-host';

export interface TimelineEvent {
  readonly t: number;
  readonly kind: EventKind;
  readonly subject: string;
  readonly text: string;
}

export type CallOutcome =
  | 'completed' // ended normally, never touched by the failure
  | 'survived' // established across the failure, kept
  | 'survived-media-only' // media direct; dialog unknown to the new master
  | 'dropped' // established, lost: user must re-dial
  | 'delayed-setup' // new call during the outage, set up late by a retransmission or the next SRV target
  | 'failed-setup'; // new call timed out: client must retry

export interface CallRecord {
  readonly id: string;
  readonly client: string;
  readonly startS: number;
  readonly holdS: number;
  outcome: CallOutcome;
  /** Set-up delay (new calls) or media gap (surviving calls), seconds. */
  delayS: number;
}

export interface FailoverResult {
  readonly events: TimelineEvent[];
  readonly calls: CallRecord[];
  /** Failure to detection by the standby (null if no copy survived). */
  readonly detectionS: number | null;
  /** Failure to service back (VIP on the new master, or restarted PBX). */
  readonly switchoverS: number | null;
  readonly survivor: 'vm2' | 'restarted' | null;
  readonly clientsMustRetry: string[];
  readonly newStandbyHost: string | null;
  readonly standbyReadyAtS: number | null;
}

interface QEvent {
  t: number;
  seq: number;
  run: () => void;
}

/** Runs the scenario. Pure: same scenario -> same result. */
export function simulateFailover(sc: FailoverScenario): FailoverResult {
  const events: TimelineEvent[] = [];
  const queue: QEvent[] = [];
  let seq = 0;
  const at = (t: number, run: () => void): void => {
    const e = { t, seq: seq++, run };
    let i = queue.length;
    while (i > 0 && (queue[i - 1]!.t > t || (queue[i - 1]!.t === t && queue[i - 1]!.seq > e.seq))) i--;
    queue.splice(i, 0, e);
  };
  const log = (t: number, kind: EventKind, subject: string, text: string): void => {
    events.push({ t, kind, subject, text });
  };

  const sameHost = sc.vm1Host === sc.vm2Host;
  const vm2Dies = sc.failure === 'host' && sameHost;
  const fail = sc.failAtS;

  // --- detection and service restoration times -----------------------------------------------------------
  let detectionS: number | null = null;
  let detectText = '';
  if (!vm2Dies) {
    if (sc.detection.kind === 'vrrp') {
      // The backup's Master_Down_Timer restarts at each advert; the last one was sent at the last multiple of
      // the interval at or before the failure.
      const adv = sc.detection.advertIntervalS;
      const lastAdvert = Math.floor(fail / adv + 1e-9) * adv;
      const mdi = vrrpMasterDownIntervalS(sc.detection);
      detectionS = lastAdvert + mdi - fail;
      detectText = msg('platform.failover.vm2HeardNoAdvert', { adv, skew: (mdi - 3 * adv).toFixed(4), mdi: mdi.toFixed(4), version: sc.detection.version, backupPriority: sc.detection.backupPriority });
    } else {
      const tok = corosyncTokenTimeoutMs(sc.detection) / 1000;
      detectionS = tok + COROSYNC_REFORM_MS / 1000;
      detectText = msg('platform.failover.corosyncTokenLostAfter', { tok: tok.toFixed(3), nodes: sc.detection.nodes, corosyncReformMs: COROSYNC_REFORM_MS });
    }
  }
  const takeoverAt = detectionS === null ? null : fail + detectionS;
  const vipAt = takeoverAt === null ? null : takeoverAt + sc.garpDelayS;
  const restartAt = vm2Dies ? fail + VSPHERE_HA_HOST_DEAD_S + sc.vmBootS : null;
  const serviceAt = vipAt ?? restartAt!;

  // --- VRRP adverts before the failure (for the animation) -------------------------------------------------
  if (sc.detection.kind === 'vrrp') {
    const adv = sc.detection.advertIntervalS;
    for (let t = Math.max(0, Math.ceil((fail - 5 * adv) / adv) * adv); t <= fail + 1e-9; t += adv)
      at(t, () => log(t, 'advert', 'vm1', msg('platform.failover.vm1MasterMulticastsA')));
  }

  // --- failure -------------------------------------------------------------------------------------------
  const failText: Record<FailureKind, string> = {
    vm: msg('platform.failover.vm'),
    'guest-kernel': msg('platform.failover.guestKernel'),
    host: msg('platform.failover.host', { vm1Host: sc.vm1Host }),
  };
  at(fail, () => {
    log(fail, 'failure', sc.failure === 'host' ? sc.vm1Host : 'vm1', failText[sc.failure]);
    if (vm2Dies) log(fail, 'vm-lost', 'vm2', msg('platform.failover.vm2WasOnThe', { vm2Host: sc.vm2Host }));
  });

  if (takeoverAt !== null) {
    at(takeoverAt, () => {
      log(takeoverAt, 'detected', 'vm2', detectText);
      log(takeoverAt, 'takeover', 'vm2', sc.stateReplication ? msg('platform.failover.vm2BecomesMasterWith') : msg('platform.failover.vm2BecomesMasterWith2'));
    });
    at(vipAt!, () => log(vipAt!, 'vip-moved', 'vm2', msg('platform.failover.gratuitousArpsMoveThe')));
  } else {
    const dead = fail + VSPHERE_HA_HOST_DEAD_S;
    at(dead, () => log(dead, 'host-declared-dead', sc.vm1Host, msg('platform.failover.haDeclaresDeadAfter', { vm1Host: sc.vm1Host, vsphereHaHostDeadS: VSPHERE_HA_HOST_DEAD_S })));
    at(restartAt!, () => log(restartAt!, 'pbx-restarted', 'vm1', msg('platform.failover.pbxRestartedOnA', { vmBootS: sc.vmBootS })));
  }

  // --- new standby -----------------------------------------------------------------------------------------
  let newStandbyHost: string | null = null;
  let standbyReadyAtS: number | null = null;
  const masterHost = vm2Dies ? null : sc.vm2Host;
  const failedHost = sc.failure === 'host' ? sc.vm1Host : null;
  if (sc.failure === 'guest-kernel' && !vm2Dies) {
    const reset = fail + VSPHERE_VM_MONITOR_S;
    newStandbyHost = sc.vm1Host;
    standbyReadyAtS = reset + sc.vmBootS + sc.stateSyncS;
    at(reset, () => log(reset, 'vm-reset', 'vm1', msg('platform.failover.vmMonitoringResetsVm1', { vsphereVmMonitorS: VSPHERE_VM_MONITOR_S })));
    at(standbyReadyAtS, () => log(standbyReadyAtS!, 'standby-ready', 'vm1', msg('platform.failover.vm1RebootedAndSynchronised', { vm1Host: sc.vm1Host })));
  } else {
    const startAt = sc.failure === 'vm' ? (takeoverAt ?? fail) : fail + VSPHERE_HA_HOST_DEAD_S;
    const restartHost = vm2Dies ? sc.hosts.find((h) => h.id !== failedHost && h.hasRoomForPbx)?.id ?? null : null;
    const ready = vm2Dies ? restartAt! : startAt + sc.vmBootS;
    const cand = sc.hosts.find((h) => h.id !== failedHost && h.id !== (masterHost ?? restartHost) && h.hasRoomForPbx);
    if (cand) {
      newStandbyHost = cand.id;
      standbyReadyAtS = ready + sc.stateSyncS;
      at(startAt, () => log(startAt, 'provision-start', cand.id, msg('platform.failover.provisioningANewPbx', { id: cand.id, avoid: masterHost ?? restartHost ?? msg('platform.failover.theFailedHost') })));
      at(standbyReadyAtS, () => log(standbyReadyAtS!, 'standby-ready', cand.id, msg('platform.failover.newStandbyOnBooted', { id: cand.id })));
    } else {
      at(startAt, () => log(startAt, 'no-standby-host', '-', msg('platform.failover.noHealthyHostHas')));
    }
  }

  // --- calls -----------------------------------------------------------------------------------------------
  const calls: CallRecord[] = [];
  const rng: PrngState = prng(hashSeed(sc.seed, 0x5150));
  const retry = new Set<string>();
  const retransmits = inviteRetransmitTimesS(sc.sipT1S);
  const timerB = sipTimerBS(sc.sipT1S);
  let t = 0;
  let n = 0;
  if (sc.callsPerS > 0) {
    for (;;) {
      t += nextExp(rng, 1 / sc.callsPerS);
      if (t >= sc.endS) break;
      const client = `client-${1 + Math.floor((hashSeed(sc.seed, n) / 4294967296) * sc.clients)}`;
      const c: CallRecord = { id: `call-${++n}`, client, startS: t, holdS: nextExp(rng, sc.meanHoldS), outcome: 'completed', delayS: 0 };
      calls.push(c);
    }
  }
  for (const c of calls) {
    const start = c.startS;
    const end = start + c.holdS;
    if (start < fail && end > fail) {
      // established across the failure
      at(fail, () => {
        if (vm2Dies) {
          c.outcome = 'dropped';
          retry.add(c.client);
          log(fail, 'call-dropped', c.id, msg('platform.failover.dropped', { id: c.id, client: c.client }));
        } else if (sc.mediaPath === 'direct') {
          c.outcome = sc.stateReplication ? 'survived' : 'survived-media-only';
          log(fail, 'call-survived', c.id, sc.stateReplication ? msg('platform.failover.mediaIs', { id: c.id }) : msg('platform.failover.mediaIs2', { id: c.id }));
        } else if (sc.stateReplication) {
          c.outcome = 'survived';
          c.delayS = serviceAt - fail;
          // Its signalling and media go through the PBX: the call is back only when the standby has taken over.
          log(serviceAt, 'call-survived', c.id, msg('platform.failover.survives', { id: c.id, client: c.client, gap: (serviceAt - fail).toFixed(3) }));
        } else {
          c.outcome = 'dropped';
          retry.add(c.client);
          log(fail, 'call-dropped', c.id, msg('platform.failover.drops', { id: c.id, client: c.client }));
        }
      });
    } else if (start >= fail && start < serviceAt) {
      // new call during the outage
      at(start, () => newCallDuringOutage(c));
    } else if (start < sc.endS) {
      at(start, () => log(start, 'call-started', c.id, msg('platform.failover.set', { id: c.id, client: c.client })));
    }
  }

  function newCallDuringOutage(c: CallRecord): void {
    const s = c.startS;
    if (sc.clientMode === 'dns-srv' && !vm2Dies) {
      // VM1 is the first SRV target: every retransmission goes unanswered, then Timer B fires.
      const to = s + timerB;
      log(to, 'invite-timeout', c.id, msg('platform.failover.inviteTo', { client: c.client, timerB }));
      const up = Math.max(to, takeoverAt!);
      log(to, 'srv-next-target', c.id, msg('platform.failover.triesTheNext', { client: c.client }));
      c.outcome = 'delayed-setup';
      c.delayS = up - s;
      log(up, 'call-started', c.id, msg('platform.failover.setUpOn', { id: c.id, after: (up - s).toFixed(1) }));
      return;
    }
    // virtual IP (or no surviving copy): retransmissions to the same address until the service is back.
    for (const r of retransmits) {
      const tr = s + r;
      if (tr >= serviceAt) {
        c.outcome = 'delayed-setup';
        c.delayS = r;
        log(tr, 'invite-retransmit', c.id, msg('platform.failover.inviteRetransmission', { client: c.client, r }));
        log(tr, 'call-started', c.id, msg('platform.failover.setUpAfter', { id: c.id, r }));
        return;
      }
    }
    c.outcome = 'failed-setup';
    c.delayS = timerB;
    retry.add(c.client);
    log(s + timerB, 'invite-timeout', c.id, msg('platform.failover.inviteTimed', { client: c.client, timerB }));
    log(s + timerB, 'call-setup-failed', c.id, msg('platform.failover.setupFailed', { id: c.id }));
  }

  while (queue.length > 0) queue.shift()!.run();
  events.sort((a, b) => a.t - b.t);

  return {
    events,
    calls,
    detectionS,
    switchoverS: serviceAt - fail,
    survivor: vm2Dies ? 'restarted' : 'vm2',
    clientsMustRetry: [...retry].sort(),
    newStandbyHost,
    standbyReadyAtS,
  };
}
