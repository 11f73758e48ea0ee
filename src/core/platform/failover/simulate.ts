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
  callsPerS: A('failover.calls-per-s', 'New calls per second', 0.1, '1/s', 'illustrative call arrival rate'),
  meanHoldS: A('failover.mean-hold', 'Mean call holding time', 180, 's', 'illustrative holding time (exponential)'),
  vmBootS: A('failover.vm-boot', 'Guest boot + PBX start', 45, 's', 'guest boot time was not found in the reference (§C: "+ guest boot")'),
  stateSyncS: A('failover.state-sync', 'Initial state sync of a new standby', 5, 's', 'illustrative'),
  garpDelayS: A('failover.garp', 'VIP move (gratuitous ARP) after take-over', 0, 's', 'keepalived sends GARPs at transition (§C); switch learning time assumed 0'),
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
      detectText = `VM2 heard no advert for Master_Down_Interval = 3 x ${adv} s + skew ${(mdi - 3 * adv).toFixed(4)} s = ${mdi.toFixed(4)} s (VRRPv${sc.detection.version}, priority ${sc.detection.backupPriority})`;
    } else {
      const tok = corosyncTokenTimeoutMs(sc.detection) / 1000;
      detectionS = tok + COROSYNC_REFORM_MS / 1000;
      detectText = `Corosync token lost after ${tok.toFixed(3)} s (${sc.detection.nodes} nodes) + ${COROSYNC_REFORM_MS} ms to reform the membership`;
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
      at(t, () => log(t, 'advert', 'vm1', 'VM1 (master) multicasts a VRRP advertisement'));
  }

  // --- failure -------------------------------------------------------------------------------------------
  const failText: Record<FailureKind, string> = {
    vm: 'VM1 is killed (its VM is destroyed): adverts and SIP stop at once',
    'guest-kernel': "VM1's guest kernel panics: the VM is still there but runs nothing",
    host: `Host ${sc.vm1Host} fails: every VM on it stops`,
  };
  at(fail, () => {
    log(fail, 'failure', sc.failure === 'host' ? sc.vm1Host : 'vm1', failText[sc.failure]);
    if (vm2Dies) log(fail, 'vm-lost', 'vm2', `VM2 was on the same host ${sc.vm2Host}: the standby is lost too`);
  });

  if (takeoverAt !== null) {
    at(takeoverAt, () => {
      log(takeoverAt, 'detected', 'vm2', detectText);
      log(takeoverAt, 'takeover', 'vm2', sc.stateReplication ? 'VM2 becomes master with the replicated call state' : 'VM2 becomes master with no call state');
    });
    at(vipAt!, () => log(vipAt!, 'vip-moved', 'vm2', 'Gratuitous ARPs move the virtual IP to VM2'));
  } else {
    const dead = fail + VSPHERE_HA_HOST_DEAD_S;
    at(dead, () => log(dead, 'host-declared-dead', sc.vm1Host, `HA declares ${sc.vm1Host} dead after ${VSPHERE_HA_HOST_DEAD_S} s (vSphere HA, §C) and restarts the PBX elsewhere`));
    at(restartAt!, () => log(restartAt!, 'pbx-restarted', 'vm1', `PBX restarted on a healthy host after boot (${sc.vmBootS} s, assumption)`));
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
    at(reset, () => log(reset, 'vm-reset', 'vm1', `VM monitoring resets VM1 after ${VSPHERE_VM_MONITOR_S} s without a heartbeat (§C)`));
    at(standbyReadyAtS, () => log(standbyReadyAtS!, 'standby-ready', 'vm1', `VM1 rebooted and synchronised: it is the new standby on ${sc.vm1Host}`));
  } else {
    const startAt = sc.failure === 'vm' ? (takeoverAt ?? fail) : fail + VSPHERE_HA_HOST_DEAD_S;
    const restartHost = vm2Dies ? sc.hosts.find((h) => h.id !== failedHost && h.hasRoomForPbx)?.id ?? null : null;
    const ready = vm2Dies ? restartAt! : startAt + sc.vmBootS;
    const cand = sc.hosts.find((h) => h.id !== failedHost && h.id !== (masterHost ?? restartHost) && h.hasRoomForPbx);
    if (cand) {
      newStandbyHost = cand.id;
      standbyReadyAtS = ready + sc.stateSyncS;
      at(startAt, () => log(startAt, 'provision-start', cand.id, `Provisioning a new PBX standby on ${cand.id} (anti-affinity: not on ${masterHost ?? restartHost ?? 'the failed host'})`));
      at(standbyReadyAtS, () => log(standbyReadyAtS!, 'standby-ready', cand.id, `New standby on ${cand.id} booted and synchronised`));
    } else {
      at(startAt, () => log(startAt, 'no-standby-host', '-', 'No healthy host has room for a new standby: the PBX runs unprotected'));
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
          log(fail, 'call-dropped', c.id, `${c.id} (${c.client}) dropped: no copy of the PBX survived; the user must re-dial`);
        } else if (sc.mediaPath === 'direct') {
          c.outcome = sc.stateReplication ? 'survived' : 'survived-media-only';
          log(fail, 'call-survived', c.id, sc.stateReplication ? `${c.id}: media is peer-to-peer and VM2 has the dialog: the call continues` : `${c.id}: media is peer-to-peer so the call continues, but VM2 does not know the dialog (in-dialog requests will fail)`);
        } else if (sc.stateReplication) {
          c.outcome = 'survived';
          c.delayS = serviceAt - fail;
          log(fail, 'call-survived', c.id, `${c.id} (${c.client}) survives: VM2 holds its state; media gap ${(serviceAt - fail).toFixed(3)} s`);
        } else {
          c.outcome = 'dropped';
          retry.add(c.client);
          log(fail, 'call-dropped', c.id, `${c.id} (${c.client}) drops: its media went through VM1 and VM2 has no state for it; the user must re-dial`);
        }
      });
    } else if (start >= fail && start < serviceAt) {
      // new call during the outage
      at(start, () => newCallDuringOutage(c));
    } else if (start < sc.endS) {
      at(start, () => log(start, 'call-started', c.id, `${c.id} (${c.client}) set up`));
    }
  }

  function newCallDuringOutage(c: CallRecord): void {
    const s = c.startS;
    if (sc.clientMode === 'dns-srv' && !vm2Dies) {
      // VM1 is the first SRV target: every retransmission goes unanswered, then Timer B fires.
      const to = s + timerB;
      log(to, 'invite-timeout', c.id, `${c.client}: INVITE to VM1 timed out after Timer B = 64 x T1 = ${timerB} s`);
      const up = Math.max(to, takeoverAt!);
      log(to, 'srv-next-target', c.id, `${c.client} tries the next DNS SRV target, VM2`);
      c.outcome = 'delayed-setup';
      c.delayS = up - s;
      log(up, 'call-started', c.id, `${c.id} set up on VM2 after ${(up - s).toFixed(1)} s`);
      return;
    }
    // virtual IP (or no surviving copy): retransmissions to the same address until the service is back.
    for (const r of retransmits) {
      const tr = s + r;
      if (tr >= serviceAt) {
        c.outcome = 'delayed-setup';
        c.delayS = r;
        log(tr, 'invite-retransmit', c.id, `${c.client}: INVITE retransmission (Timer A) at +${r} s reaches the new master`);
        log(tr, 'call-started', c.id, `${c.id} set up after ${r} s`);
        return;
      }
    }
    c.outcome = 'failed-setup';
    c.delayS = timerB;
    retry.add(c.client);
    log(s + timerB, 'invite-timeout', c.id, `${c.client}: INVITE timed out after Timer B = ${timerB} s; the client must retry`);
    log(s + timerB, 'call-setup-failed', c.id, `${c.id} failed`);
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
